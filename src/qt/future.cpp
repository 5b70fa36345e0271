// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — Skein threads as QFutures, QFutures as Signals, and Skein threads
// on a QThreadPool (see future.h). QFuture says nothing to its producer when
// it is canceled: only QFutureWatchers hear of it, in their own thread's
// event loop. So the watchers that turn a cancel into pleaseStop, and a
// finished future into a Signal, live on one Skein thread, "main/futures",
// that runs an event loop and nothing else.
#include "skein/qt/future.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QFutureWatcher>
#include <QtCore/QRunnable>
#include <QtCore/QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "skein/detail/mutex.h"
#include "skein/error.h"
#include "skein/qt/connect.h"
#include "skein/till.h"

#include "logging_p.h"
#include "root_thread_p.h"

namespace skein {

namespace detail {

namespace {

using Clock = std::chrono::steady_clock;

// --- The watchers' thread ----------------------------------------------------

// Runs jobs on "main/futures", in the thread of `home`, an object that
// lives as long as that thread's event loop runs. Jobs wait in pending_ and
// run in batches, at most one every batchInterval: a burst of futures costs
// that thread one wake-up, not one each, and a future that has ended by
// then needs no watcher at all.
constexpr std::chrono::milliseconds batchInterval{1};

class WatchThread {
public:
    using Job = std::function<void(QObject* home)>;

    static WatchThread& instance()
    {
        static WatchThread* const watch = new WatchThread;  // never destroyed: threads may post at exit
        return *watch;
    }

    // Runs `job` on the watchers' thread, starting it if needed. Dropped
    // once that thread has ended (shutdown), and without a QCoreApplication,
    // which event loops need (said once).
    void post(Job job)
    {
        if (!QCoreApplication::instance()) {
            if (!warnedNoApplication_.exchange(true))
                qCWarning(threadCategory()).noquote()
                    << "skein: QFuture cancel() and signalFrom(QFuture) need a QCoreApplication: without one, "
                       "they are not watched";
            return;
        }
        MutexLock lock(mutex_);
        if (!thread_ ? !begin() : bool(thread_->stopped()))
            return;
        pending_.push_back(std::move(job));
        if (home_ && !batchDue_) {
            batchDue_ = true;
            // Capturing nothing: Qt hands the event over with its own
            // locks, out of ThreadSanitizer's sight; pending_ goes by mutex_.
            QMetaObject::invokeMethod(
                home_, [] { instance().scheduleBatch(); }, Qt::QueuedConnection);
        }
    }

private:
    // False when main is shutting down, and will not take a new thread.
    bool begin() SKEIN_REQUIRES(mutex_)
    {
        try {
            thread_.emplace(rootThread(), "futures", [this](const Signal& pleaseStop) { run(pleaseStop); });
            thread_->start();
        } catch (const UsageError&) {
            thread_.reset();
            return false;
        }
        if (!postRoutineAdded_) {
            postRoutineAdded_ = true;
            qAddPostRoutine([] { instance().end(); });
        }
        return true;
    }

    void run(const Signal& pleaseStop)
    {
        QEventLoop loop;
        QTimer batch;  // outlives home, whose events may start it
        batch.setSingleShot(true);
        batch.setInterval(batchInterval);
        QObject home;
        QObject::connect(&batch, &QTimer::timeout, &home, [this, &home] { runBatch(&home); });
        {
            MutexLock lock(mutex_);
            home_ = &home;
            batch_ = &batch;
            batchDue_ = true;  // what was posted before there was a home
        }
        runBatch(&home);
        const Connection quit = connect(pleaseStop, &loop, [&loop] { loop.quit(); });
        loop.exec();
        std::vector<Job> dropped;
        MutexLock lock(mutex_);
        home_ = nullptr;  // what is posted from now on is dropped
        batch_ = nullptr;
        dropped.swap(pending_);
        lock.unlock();
    }

    // On the watchers' thread: a batch is due once the interval has passed.
    void scheduleBatch()
    {
        QTimer* timer = nullptr;
        {
            MutexLock lock(mutex_);
            timer = batch_;
        }
        if (timer && !timer->isActive())
            timer->start();
    }

    void runBatch(QObject* home)
    {
        std::vector<Job> jobs;
        {
            MutexLock lock(mutex_);
            jobs.swap(pending_);
            batchDue_ = false;
        }
        for (const Job& job : jobs)
            job(home);
    }

    // The QCoreApplication is going: the event loop goes first. A later
    // QCoreApplication gets a watchers' thread of its own.
    void end()
    {
        std::optional<Thread> thread;
        {
            MutexLock lock(mutex_);
            thread.swap(thread_);
        }
        if (!thread)
            return;
        thread->stop();
        thread->join();
    }

    Mutex mutex_;
    std::optional<Thread> thread_ SKEIN_GUARDED_BY(mutex_);
    QObject* home_ SKEIN_GUARDED_BY(mutex_) = nullptr;
    QTimer* batch_ SKEIN_GUARDED_BY(mutex_) = nullptr;
    std::vector<Job> pending_ SKEIN_GUARDED_BY(mutex_);
    bool batchDue_ SKEIN_GUARDED_BY(mutex_) = false;  // a batch is scheduled, or its scheduling posted
    bool postRoutineAdded_ SKEIN_GUARDED_BY(mutex_) = false;
    std::atomic<bool> warnedNoApplication_{false};
};

// Watches `future` from the watchers' thread: onCanceled() when it is
// canceled, onEnd() once it is finished or canceled. `typed` keeps its
// results alive while setFuture() reads them.
void watchFuture(const QFuture<void>& future, TypedFuture typed, std::function<void()> onCanceled,
                 std::function<void()> onEnd)
{
    WatchThread::instance().post([future, typed = std::move(typed), onCanceled = std::move(onCanceled),
                                  onEnd = std::move(onEnd)](QObject* home) {
        // Ended before its batch came: no watcher needed.
        if (future.isCanceled() || future.isFinished()) {
            if (future.isCanceled() && onCanceled)
                onCanceled();
            if (onEnd)
                onEnd();
            return;
        }
        auto* const watcher = new QFutureWatcher<void>(home);
        auto ended = std::make_shared<bool>(false);
        const auto end = [ended, onEnd] {
            if (!std::exchange(*ended, true) && onEnd)
                onEnd();
        };
        QObject::connect(watcher, &QFutureWatcherBase::canceled, watcher, [onCanceled, end] {
            if (onCanceled)
                onCanceled();
            end();
        });
        QObject::connect(watcher, &QFutureWatcherBase::finished, watcher, [watcher, end] {
            end();
            watcher->deleteLater();
        });
        watcher->setFuture(future);
    });
}

// --- Progress ------------------------------------------------------------------

// QFuture sends at most 25 progress notifications a second, and drops the
// rest (the value is kept, but no watcher hears of it): feeding it no
// faster means that none is dropped.
constexpr std::chrono::milliseconds progressInterval{41};

int progressValue(double fraction) { return int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000)); }

// Feeds a thread's progress to its future: notified by the thread's
// progressChanged(), sending at once when the last send is long enough
// ago, else once it is (a Till), reading the latest value then.
class ProgressFeed : public std::enable_shared_from_this<ProgressFeed> {
public:
    ProgressFeed(Thread thread, QFutureInterfaceBase promise) : thread_(std::move(thread)), promise_(std::move(promise))
    {}

    // Ask for the next change first, then send: a value set in between
    // brings one more notification, so the last value always arrives.
    void watch()
    {
        {
            MutexLock lock(mutex_);
            if (ended_ || subscribed_)
                return;
            subscribed_ = true;
        }
        // Weak: the thread keeps this Signal, and the Signal its callbacks.
        thread_.progressChanged().then([weak = weak_from_this()] {
            if (const auto self = weak.lock())
                self->notified();
        });
        MutexLock lock(mutex_);
        sendLocked();
    }

    // The thread succeeded: its last value, once Qt's rate limit lets it
    // through (the thread waits for that, at most progressInterval after
    // the last send, which a timer's send racing this may have moved).
    void finish()
    {
        MutexLock lock(mutex_);
        ended_ = true;
        for (;;) {
            const int value = progressValue(thread_.progress());
            const Clock::time_point due = lastSent_ + progressInterval;
            if (value <= sent_ || value == 1000 || Clock::now() >= due)
                break;
            lock.unlock();
            Till(due).wait();
            lock.lock();
        }
        sendLocked();
    }

    // The thread failed or was canceled: Qt takes no more progress.
    void end()
    {
        MutexLock lock(mutex_);
        ended_ = true;
    }

private:
    void notified()
    {
        Clock::time_point due;
        {
            MutexLock lock(mutex_);
            subscribed_ = false;
            if (ended_ || timerArmed_)
                return;
            due = lastSent_ + progressInterval;
            timerArmed_ = Clock::now() < due;
            if (!timerArmed_) {
                lock.unlock();
                watch();
                return;
            }
        }
        Till(due).then([self = shared_from_this()] {
            {
                MutexLock lock(self->mutex_);
                self->timerArmed_ = false;
            }
            self->watch();
        });
    }

    void sendLocked() SKEIN_REQUIRES(mutex_)
    {
        const int value = progressValue(thread_.progress());
        const QString text = QString::fromStdString(thread_.progressText());
        if (value <= sent_ && text == sentText_)
            return;
        // Qt shows a value only above the last one (and takes the text with it).
        promise_.setProgressValueAndText(value, text);
        sent_ = std::max(sent_, value);
        sentText_ = text;
        lastSent_ = Clock::now();
    }

    const Thread thread_;
    QFutureInterfaceBase promise_;
    Mutex mutex_;
    bool ended_ SKEIN_GUARDED_BY(mutex_) = false;
    bool subscribed_ SKEIN_GUARDED_BY(mutex_) = false;
    bool timerArmed_ SKEIN_GUARDED_BY(mutex_) = false;
    int sent_ SKEIN_GUARDED_BY(mutex_) = 0;
    QString sentText_ SKEIN_GUARDED_BY(mutex_);
    Clock::time_point lastSent_ SKEIN_GUARDED_BY(mutex_);
};

// --- The pool ----------------------------------------------------------------

// The pool's hand-over is its own mutex, out of ThreadSanitizer's sight:
// `ready_` makes the order visible to it, at the cost of one atomic.
class PooledRun final : public QRunnable {
public:
    explicit PooledRun(std::unique_ptr<HostedRun> run) : run_(std::move(run))
    {
        ready_.store(true, std::memory_order_release);
    }
    void run() override
    {
        (void)ready_.load(std::memory_order_acquire);
        (*run_)();
    }

private:
    std::unique_ptr<HostedRun> run_;
    std::atomic<bool> ready_{false};
};

}  // namespace

void feedFuture(const Thread& thread, QFutureInterfaceBase promise, TypedFuture typed,
                std::function<void(bool succeeded)> deliver)
{
    if (!thread.isStarted())
        throw UsageError("Thread '" + thread.path() + "': toFuture() before start()");
    promise.reportStarted();
    promise.setProgressRange(0, 1000);
    const auto feed = std::make_shared<ProgressFeed>(thread, promise);
    feed->watch();
    // On the thread as it ends (or here, when it has ended already).
    thread.stopped().then([thread, promise, feed, deliver = std::move(deliver)]() mutable {
        if (const std::exception_ptr failure = failureOf(thread)) {
            feed->end();
            promise.reportException(failure);
            deliver(false);
        } else if (thread.pleaseStop()) {
            feed->end();
            promise.reportCanceled();
            deliver(false);
        } else {
            feed->finish();
            deliver(true);
        }
    });
    if (promise.isFinished())
        return;
    QFutureInterface<void> watched(promise);
    watchFuture(
        watched.future(), std::move(typed), [thread] { thread.stop(); }, nullptr);
}

Signal signalFromFuture(const QFuture<void>& future, TypedFuture typed)
{
    Signal ended("QFuture");
    if (future.isFinished() || future.isCanceled()) {
        ended.go();
        return ended;
    }
    watchFuture(future, std::move(typed), nullptr, [ended] { ended.go(); });
    return ended;
}

void startInPool(const Thread& thread, QThreadPool* pool)
{
    if (!pool)
        throw InvalidArgument("Thread '" + thread.path() + "': runInPool() with a null QThreadPool");
    startHosted(thread, [pool](std::unique_ptr<HostedRun> run) { pool->start(new PooledRun(std::move(run))); });
}

}  // namespace detail

}  // namespace skein
