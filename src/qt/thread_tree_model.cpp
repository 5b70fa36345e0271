// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/thread_tree_model.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>

#include <algorithm>
#include <atomic>
#include <optional>
#include <vector>

#include "skein/detail/mutex.h"
#include "skein/detail/tree_events.h"
#include "skein/signal.h"
#include "skein/thread.h"

#include "logging_p.h"
#include "root_thread_p.h"

namespace skein {

namespace {

// About one frame at 60 Hz: as often as a view can show a change.
constexpr int defaultRefreshInterval = 16;

}  // namespace

struct ThreadTreeModel::Private {
    // What threads tell the model, from any thread. Their callbacks share it
    // and may outlive the model: `model` is cleared first, under `mutex`.
    // The flags use sequentially consistent operations: a flag set while
    // onEvents() clears `posted` is either seen by it or posts again.
    struct Inbox {
        std::atomic<bool> posted{false};  // a call of onEvents() is queued
        std::atomic<bool> treeChanged{false};
        std::atomic<bool> progressChanged{false};
        detail::Mutex mutex;
        ThreadTreeModel* model SKEIN_GUARDED_BY(mutex) = nullptr;

        void tell(std::atomic<bool>& what)
        {
            what.store(true);
            if (posted.exchange(true))
                return;
            // onEvents() takes `mutex` first: ThreadSanitizer then sees this
            // post before the call, which Qt orders with its own locks, out
            // of its sight. By name: no functor of ours crosses threads.
            detail::MutexLock lock(mutex);
            if (model)
                QMetaObject::invokeMethod(model, "onEvents", Qt::QueuedConnection);
        }
    };

    std::unique_ptr<Node> root;  // main
    std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
    std::uint64_t observer = 0;
    QTimer* progressTimer = nullptr;  // the next reading for progress
    QElapsedTimer sinceRead;
    bool progressSinceRead = false;
    int refreshInterval = defaultRefreshInterval;
};

struct ThreadTreeModel::Node {
    Thread thread;
    Node* parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;
    QString name;
    QString path;
    QString state;
    double progress = 0;
    QString progressText;
    // The thread's next progress change, watched again once it went.
    std::optional<Signal> progressSignal;
    Subscription progressCallback;
    std::shared_ptr<std::atomic<bool>> progressWent = std::make_shared<std::atomic<bool>>(true);

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    ~Node()
    {
        if (progressSignal)
            progressSignal->removeThen(progressCallback);
    }

    // Before its progress is read: a value set in between brings one more
    // event, so the last value always arrives.
    void watchProgress(const std::shared_ptr<Private::Inbox>& inbox)
    {
        if (!progressWent->exchange(false))
            return;
        progressSignal = thread.progressChanged();
        progressCallback = progressSignal->then([inbox, went = progressWent] {
            went->store(true);
            inbox->tell(inbox->progressChanged);
        });
    }

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

namespace {

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
    d->root->thread = detail::rootThread();
    d->root->name = QString::fromStdString(d->root->thread.name());
    d->root->path = QString::fromStdString(d->root->thread.path());
    d->root->state = stateOf(d->root->thread);
    // A child of the model: it moves with it to another thread.
    d->progressTimer = new QTimer(this);
    d->progressTimer->setSingleShot(true);
    QObject::connect(d->progressTimer, &QTimer::timeout, this, &ThreadTreeModel::onProgressDue);
    {
        detail::MutexLock lock(d->inbox->mutex);
        d->inbox->model = this;
    }
    // Observed before the first reading: a change after it is told.
    const std::shared_ptr<Private::Inbox> inbox = d->inbox;
    d->observer = detail::addTreeObserver([inbox] { inbox->tell(inbox->treeChanged); });
    refresh();
}

ThreadTreeModel::~ThreadTreeModel()
{
    detail::removeTreeObserver(d->observer);
    detail::MutexLock lock(d->inbox->mutex);
    d->inbox->model = nullptr;
}

int ThreadTreeModel::refreshInterval() const { return d->refreshInterval; }

void ThreadTreeModel::setRefreshInterval(int milliseconds)
{
    if (milliseconds <= 0) {
        SKEIN_WARN(detail::threadCategory, this, QString())
            << "refreshInterval set to " << milliseconds << " ms, which is no interval; ignored";
        return;
    }
    if (milliseconds == d->refreshInterval)
        return;
    d->refreshInterval = milliseconds;
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
    d->progressSinceRead = false;
    d->sinceRead.start();
    try {
        readTree();
    } catch (...) {
        SKEIN_WARN(detail::threadCategory, this, QString()) << "refresh() failed: " << detail::currentFailure();
    }
}

void ThreadTreeModel::onEvents()
{
    Private::Inbox& inbox = *d->inbox;
    {
        detail::MutexLock handOver(inbox.mutex);
    }
    inbox.posted.store(false);
    const bool tree = inbox.treeChanged.exchange(false);
    const bool progress = inbox.progressChanged.exchange(false);
    if (tree)
        refresh();
    // Even after a reading: progress still owes the reading after its last
    // change (see onProgressDue()).
    if (progress)
        d->progressSinceRead = true;
    // Progress alone waits for the interval since the last reading.
    if (!d->progressSinceRead || d->progressTimer->isActive())
        return;
    const qint64 since = d->sinceRead.elapsed();
    if (since < d->refreshInterval) {
        d->progressTimer->start(int(d->refreshInterval - since));
        return;
    }
    refresh();
    d->progressTimer->start(d->refreshInterval);
}

void ThreadTreeModel::onProgressDue()
{
    // Once more after the last change: a value stored while its thread
    // missed that the model watches again is read now.
    const bool again = d->progressSinceRead;
    refresh();
    if (again)
        d->progressTimer->start(d->refreshInterval);
}

void ThreadTreeModel::readTree()
{
    // Depth first: update a node's values, drop rows of threads that left,
    // append rows for threads that came. A thread lists its children in
    // start order, and so do the rows: the rows that stay are the live
    // children in order, and newcomers come last.
    struct Pending {
        Node* node;
        int row;
    };
    std::vector<Pending> pending{{d->root.get(), 0}};
    while (!pending.empty()) {
        auto [node, nodeRow] = pending.back();
        pending.pop_back();
        const QModelIndex nodeIndex = createIndex(nodeRow, 0, node);

        node->watchProgress(d->inbox);
        const QString state = stateOf(node->thread);
        const double progress = node->thread.progress();
        const QString text = QString::fromStdString(node->thread.progressText());
        if (state != node->state || progress != node->progress || text != node->progressText) {
            node->state = state;
            node->progress = progress;
            node->progressText = text;
            Q_EMIT dataChanged(nodeIndex, createIndex(nodeRow, ColumnCount - 1, node),
                               {Qt::DisplayRole, StateRole, ProgressRole, ProgressTextRole, RunningRole});
        }

        const std::vector<Thread> live = node->thread.children();
        auto& rows = node->children;
        std::size_t next = 0;  // the first live child not matched to a row yet
        for (int row = 0; row < int(rows.size());) {
            if (next < live.size() && rows[std::size_t(row)]->thread == live[next]) {
                ++row;
                ++next;
                continue;
            }
            // A run of rows whose threads left (or, should the order ever
            // differ, come back below as newcomers).
            int last = row;
            while (last + 1 < int(rows.size()) &&
                   (next >= live.size() || rows[std::size_t(last + 1)]->thread != live[next]))
                ++last;
            beginRemoveRows(nodeIndex, row, last);
            rows.erase(rows.begin() + row, rows.begin() + last + 1);
            endRemoveRows();
        }
        if (next < live.size()) {
            const int first = int(rows.size());
            beginInsertRows(nodeIndex, first, first + int(live.size() - next) - 1);
            for (; next < live.size(); ++next) {
                auto child = std::make_unique<Node>();
                child->thread = live[next];
                child->parent = node;
                child->watchProgress(d->inbox);
                child->name = QString::fromStdString(child->thread.name());
                child->path = QString::fromStdString(child->thread.path());
                child->state = stateOf(child->thread);
                child->progress = child->thread.progress();
                child->progressText = QString::fromStdString(child->thread.progressText());
                rows.push_back(std::move(child));
            }
            endInsertRows();
        }
        for (int row = 0; row < int(rows.size()); ++row)
            pending.push_back({rows[std::size_t(row)].get(), row});
    }
}

}  // namespace skein
