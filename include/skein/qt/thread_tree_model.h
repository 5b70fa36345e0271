// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — ThreadTreeModel: the live thread tree as a QAbstractItemModel.
///
/// One row per thread, from `main` down; columns name, path, state, progress;
/// roles for QML (name, path, state, progress, progressText, running, depth). The
/// model follows the tree by reading it every refreshInterval milliseconds
/// (default 100) in its own thread, and on refresh(); rows come and go with
/// proper insert/remove notifications, and changed values with dataChanged.
/// state is "running", "stopping" (asked to stop) or "stopped".
///
/// Its Qt entry points (refresh(), the refreshInterval property) never
/// throw: misuse is a qWarning in skein.thread naming the model (its class
/// and objectName), and the call returns.
#pragma once

#include <QtCore/QAbstractItemModel>
#include <QtCore/QTimer>

#include <memory>

#include "skein/qt/skein_qt_export.h"

namespace skein {

/// The live thread tree as a QAbstractItemModel, for views and QML. The
/// contract is in thread_tree_model.h.
class SKEIN_QT_EXPORT ThreadTreeModel : public QAbstractItemModel {
    Q_OBJECT
    Q_PROPERTY(int refreshInterval READ refreshInterval WRITE setRefreshInterval NOTIFY refreshIntervalChanged FINAL)

public:
    /// The columns a view shows under Qt::DisplayRole; ColumnCount is their
    /// number.
    enum Column { NameColumn, PathColumn, StateColumn, ProgressColumn, ColumnCount };
    /// The roles, named for QML as name, path, state, progress,
    /// progressText, running (state is not "stopped") and depth.
    enum Role {
        NameRole = Qt::UserRole + 1,
        PathRole,
        StateRole,
        ProgressRole,
        ProgressTextRole,
        RunningRole,
        DepthRole,  ///< 0 for main
    };
    Q_ENUM(Role)

    /// A model of the tree as it is now, refreshed every 100 ms from then on.
    explicit ThreadTreeModel(QObject* parent = nullptr);
    ~ThreadTreeModel() override;

    /// The thread at `row` among `parent`'s children; invalid when there is
    /// none.
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    /// The parent thread's index; invalid for main.
    QModelIndex parent(const QModelIndex& child) const override;
    /// 1 at the top (main); else the number of the thread's children.
    int rowCount(const QModelIndex& parent = {}) const override;
    /// ColumnCount, everywhere.
    int columnCount(const QModelIndex& parent = {}) const override;
    /// The column's value for Qt::DisplayRole, a Role's value, or an
    /// invalid QVariant for an invalid index or another role.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    /// The column titles (Name, Path, State, Progress), for horizontal
    /// Qt::DisplayRole only.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Qt's role names plus the Role names.
    QHash<int, QByteArray> roleNames() const override;

    /// The `refreshInterval` property: milliseconds between two readings of
    /// the tree.
    int refreshInterval() const;
    /// Zero or negative: a warning, and the interval stays as it was.
    void setRefreshInterval(int milliseconds);

public Q_SLOTS:
    /// Reads the tree now and updates the rows. Should reading the tree
    /// fail: a warning; the next refresh reads it again.
    void refresh();

Q_SIGNALS:
    /// `refreshInterval` changed.
    void refreshIntervalChanged();

private:
    void readTree();

    struct Node;
    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace skein
