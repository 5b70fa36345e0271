// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — ThreadTreeModel: the live thread tree as a QAbstractItemModel.
//
// One row per thread, from `main` down; columns name, path, state, progress;
// roles for QML (name, path, state, progress, progressText, running, depth). The
// model follows the tree by reading it every refreshInterval milliseconds
// (default 100) in its own thread, and on refresh(); rows come and go with
// proper insert/remove notifications, and changed values with dataChanged.
// state is "running", "stopping" (asked to stop) or "stopped".
#pragma once

#include <QtCore/QAbstractItemModel>
#include <QtCore/QTimer>

#include <memory>

#include "skein/qt/skein_qt_export.h"

namespace skein {

class SKEIN_QT_EXPORT ThreadTreeModel : public QAbstractItemModel {
    Q_OBJECT
    Q_PROPERTY(int refreshInterval READ refreshInterval WRITE setRefreshInterval NOTIFY refreshIntervalChanged FINAL)

public:
    enum Column { NameColumn, PathColumn, StateColumn, ProgressColumn, ColumnCount };
    enum Role {
        NameRole = Qt::UserRole + 1,
        PathRole,
        StateRole,
        ProgressRole,
        ProgressTextRole,
        RunningRole,
        DepthRole,  // 0 for main
    };
    Q_ENUM(Role)

    explicit ThreadTreeModel(QObject* parent = nullptr);
    ~ThreadTreeModel() override;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int refreshInterval() const;
    void setRefreshInterval(int milliseconds);

public Q_SLOTS:
    // Reads the tree now and updates the rows.
    void refresh();

Q_SIGNALS:
    void refreshIntervalChanged();

private:
    struct Node;
    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace skein
