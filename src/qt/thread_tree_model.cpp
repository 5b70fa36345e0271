// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/thread_tree_model.h"

#include <algorithm>
#include <vector>

#include "skein/thread.h"

#include "logging_p.h"

namespace skein {

struct ThreadTreeModel::Node {
    Thread thread;
    Node* parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;
    QString name;
    QString path;
    QString state;
    double progress = 0;
    QString progressText;

    int row() const
    {
        if (!parent)
            return 0;
        const auto& siblings = parent->children;
        const auto it =
            std::find_if(siblings.begin(), siblings.end(), [this](const auto& n) { return n.get() == this; });
        return int(it - siblings.begin());
    }
};

struct ThreadTreeModel::Private {
    std::unique_ptr<Node> root;  // main
    QTimer timer;
};

namespace {

Thread treeRoot()
{
    Thread t = Thread::current();
    while (const auto p = t.parent())
        t = *p;
    return t;
}

QString stateOf(const Thread& t)
{
    if (t.stopped())
        return QStringLiteral("stopped");
    if (t.pleaseStop())
        return QStringLiteral("stopping");
    return QStringLiteral("running");
}

}  // namespace

ThreadTreeModel::ThreadTreeModel(QObject* parent) : QAbstractItemModel(parent), d(std::make_unique<Private>())
{
    detail::useQtLogging();
    d->root = std::make_unique<Node>();
    d->root->thread = treeRoot();
    d->root->name = QString::fromStdString(d->root->thread.name());
    d->root->path = QString::fromStdString(d->root->thread.path());
    d->root->state = stateOf(d->root->thread);
    d->timer.setInterval(100);
    QObject::connect(&d->timer, &QTimer::timeout, this, &ThreadTreeModel::refresh);
    d->timer.start();
    refresh();
}

ThreadTreeModel::~ThreadTreeModel() = default;

int ThreadTreeModel::refreshInterval() const { return d->timer.interval(); }

void ThreadTreeModel::setRefreshInterval(int milliseconds)
{
    if (milliseconds <= 0) {
        SKEIN_WARN(detail::threadCategory, this, QString())
            << "refreshInterval set to " << milliseconds << " ms, which is no interval; ignored";
        return;
    }
    if (milliseconds == d->timer.interval())
        return;
    d->timer.setInterval(milliseconds);
    Q_EMIT refreshIntervalChanged();
}

QModelIndex ThreadTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row == 0 ? createIndex(0, column, d->root.get()) : QModelIndex();
    if (parent.column() != 0)
        return {};
    const auto* node = static_cast<Node*>(parent.internalPointer());
    if (row >= int(node->children.size()))
        return {};
    return createIndex(row, column, node->children[std::size_t(row)].get());
}

QModelIndex ThreadTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const auto* node = static_cast<Node*>(child.internalPointer());
    if (!node->parent)
        return {};
    return createIndex(node->parent->row(), 0, node->parent);
}

int ThreadTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return 1;
    if (parent.column() != 0)
        return 0;
    return int(static_cast<Node*>(parent.internalPointer())->children.size());
}

int ThreadTreeModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant ThreadTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto* node = static_cast<Node*>(index.internalPointer());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return node->name;
        case PathColumn: return node->path;
        case StateColumn: return node->state;
        case ProgressColumn: return node->progress;
        default: return {};
        }
    case NameRole: return node->name;
    case PathRole: return node->path;
    case StateRole: return node->state;
    case ProgressRole: return node->progress;
    case ProgressTextRole: return node->progressText;
    case RunningRole: return node->state != QLatin1String("stopped");
    case DepthRole: {
        int depth = 0;
        for (const Node* p = node->parent; p; p = p->parent)
            ++depth;
        return depth;
    }
    default: return {};
    }
}

QVariant ThreadTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case PathColumn: return tr("Path");
    case StateColumn: return tr("State");
    case ProgressColumn: return tr("Progress");
    default: return {};
    }
}

QHash<int, QByteArray> ThreadTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names[NameRole] = "name";
    names[PathRole] = "path";
    names[StateRole] = "state";
    names[ProgressRole] = "progress";
    names[ProgressTextRole] = "progressText";
    names[RunningRole] = "running";
    names[DepthRole] = "depth";
    return names;
}

void ThreadTreeModel::refresh()
{
    try {
        readTree();
    } catch (...) {
        SKEIN_WARN(detail::threadCategory, this, QString()) << "refresh() failed: " << detail::currentFailure();
    }
}

void ThreadTreeModel::readTree()
{
    // Depth first: update a node's values, drop rows of threads that left,
    // append rows for threads that came (a thread's children are listed in
    // start order, so newcomers come last).
    std::vector<Node*> pending{d->root.get()};
    while (!pending.empty()) {
        Node* node = pending.back();
        pending.pop_back();
        const QModelIndex nodeIndex = createIndex(node->row(), 0, node);

        const QString state = stateOf(node->thread);
        const double progress = node->thread.progress();
        const QString text = QString::fromStdString(node->thread.progressText());
        if (state != node->state || progress != node->progress || text != node->progressText) {
            node->state = state;
            node->progress = progress;
            node->progressText = text;
            Q_EMIT dataChanged(nodeIndex, createIndex(nodeIndex.row(), ColumnCount - 1, node),
                               {Qt::DisplayRole, StateRole, ProgressRole, ProgressTextRole, RunningRole});
        }

        const std::vector<Thread> live = node->thread.children();
        for (int row = int(node->children.size()) - 1; row >= 0; --row) {
            const Thread& t = node->children[std::size_t(row)]->thread;
            if (std::find(live.begin(), live.end(), t) != live.end())
                continue;
            beginRemoveRows(nodeIndex, row, row);
            node->children.erase(node->children.begin() + row);
            endRemoveRows();
        }
        std::vector<Thread> added;
        for (const Thread& t : live) {
            const bool known = std::any_of(node->children.begin(), node->children.end(),
                                           [&t](const auto& n) { return n->thread == t; });
            if (!known)
                added.push_back(t);
        }
        if (!added.empty()) {
            const int first = int(node->children.size());
            beginInsertRows(nodeIndex, first, first + int(added.size()) - 1);
            for (const Thread& t : added) {
                auto child = std::make_unique<Node>();
                child->thread = t;
                child->parent = node;
                child->name = QString::fromStdString(t.name());
                child->path = QString::fromStdString(t.path());
                child->state = stateOf(t);
                child->progress = t.progress();
                child->progressText = QString::fromStdString(t.progressText());
                node->children.push_back(std::move(child));
            }
            endInsertRows();
        }
        for (const auto& child : node->children)
            pending.push_back(child.get());
    }
}

}  // namespace skein
