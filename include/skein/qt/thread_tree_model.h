// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — ThreadTreeModel: the live thread tree as a QAbstractItemModel.
///
/// One row per thread, from `main` down; columns name, path, state, progress;
/// roles for QML (name, path, state, progress, progressText, running, depth).
/// state is "running", "stopping" (asked to stop) or "stopped".
///
/// The model follows the tree by events, without polling. A thread that
/// starts (or registers, or is met by Thread::current()), is asked to stop,
/// stops, or leaves the tree (it ended, or was joined) posts one refresh into
/// the model's thread: a view sees the change in the next turn of that
/// thread's event loop. A progress change (Thread::setProgress) posts one
/// too, but the model reads progress at most once per refreshInterval
/// milliseconds (default 16, about one frame), and once more after the last
/// change: the last value always arrives, and threads that report progress
/// in a tight loop cost the model's thread one reading per interval. However
/// many events come, at most one refresh is queued at a time. A refresh
/// reads the whole tree; rows come and go with insert/remove notifications
/// of their exact ranges, and changed values with dataChanged. refresh()
/// reads it at once.
///
/// Lifetime: the model may be destroyed at any time, also while threads
/// change the tree; nothing of it is called afterwards. It lives in one
/// thread (the thread it has affinity with), which needs an event loop.
///
/// Memory ordering: what a thread did before it started a child, set its
/// progress, or ended, is not published through the model: the model's
/// values are for display.
///
/// Its Qt entry points (refresh(), the refreshInterval property) never
/// throw: misuse is a qWarning in skein.thread naming the model (its class
/// and objectName), and the call returns.
#pragma once

#include <QtCore/QAbstractItemModel>

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

    /// A model of the tree as it is now, following it from then on.
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

    /// The `refreshInterval` property: the least time, in milliseconds,
    /// between two readings of the tree for progress alone (default 16).
    /// Threads that start, stop or leave are shown at once regardless.
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

private Q_SLOTS:
    // What threads told: posted, one at a time, into the model's thread.
    void onEvents();

private:
    void readTree();
    void onProgressDue();

    struct Node;
    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace skein
