// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — QFuture and QThreadPool: Skein threads where Qt applications
/// already hold their background work.
///
/// ### toFuture(thread) → QFuture<T>
/// - The future is started at once. When the thread has stopped (children
///   included) it finishes: with the function's result (copied, so join()
///   still returns it; a move-only result is moved, and join() then throws
///   UsageError: the future took it); with the function's exception, of its
///   original type, which QFuture::result() and waitForFinished() rethrow;
///   or canceled, with no result, when the thread's pleaseStop had gone by
///   then and the function did not throw (it ended because it was asked to).
/// - future.cancel() makes the thread's pleaseStop go. The future is
///   canceled at once (isCanceled()) but finishes (isFinished(),
///   QFutureWatcher::finished, onCanceled continuations) only once the thread
///   has stopped. The cancel reaches the thread through a QFutureWatcher on
///   Skein's "main/futures" thread, which runs an event loop (so it needs a
///   QCoreApplication); it is started with the first future and stopped with
///   main, or when the QCoreApplication is destroyed. Watchers are set up
///   in batches, at most one a millisecond, and none for a future that has
///   ended by then: a cancel in a future's first millisecond reaches its
///   thread when its batch comes, later ones at once.
/// - setProgress(fraction, text) feeds the future's progress: the range is
///   0–1000 (fraction × 1000), with the text. Updates are coalesced to at
///   most one per 41 ms, Qt's own rate limit (25 per second, beyond which
///   QFuture drops the notification), so that none that is sent is dropped,
///   and the last value always arrives, before the future finishes: a thread
///   that set a new value within the last 41 ms waits out the rest of them
///   before it stops. As QFuture's progress only grows, a value below one
///   that was sent is not shown.
/// - Continuations without a context run where the future finishes: on the
///   thread, as it ends (as with QPromise); those with a context object run in
///   the context's thread.
/// - Dropping every copy of the future neither stops nor releases the thread:
///   a failure the future delivered still counts as unjoined (see thread.h).
///
/// ### signalFrom(future) → Signal
/// A Signal that goes when the future finishes or is canceled (at once for
/// one that has already). It watches the future from the "main/futures"
/// thread and takes nothing from it: the future's own continuation and
/// watchers are the user's still.
///
/// ### runInPool([pool,] name, fn, args...) → ThreadHandle<R>
/// A Skein thread as Thread::run() makes one (a child of the caller, with its
/// name, pleaseStop, progress, join/release/stop, children joined before it
/// counts as stopped) that runs on a thread of `pool`
/// (QThreadPool::globalInstance() by default) instead of a new OS thread.
/// While it runs, the pool's OS thread carries its name and
/// Thread::current() is it; afterwards nothing of it stays there. Its
/// thread_locals are the pool thread's. It waits in the pool's queue like
/// any QRunnable: pleaseStop may go before it begins, and its function
/// still runs. A join() that comes before the pool has begun it runs it on
/// the joining thread (which carries its name meanwhile), as
/// QFuture::waitForFinished() does for QtConcurrent::run; tryJoin(till)
/// only waits, as the function could outlast the till. A pool that drops it
/// unrun (QThreadPool::clear()) fails it with an Error that says so. A
/// pooled thread blocked waiting for another pooled thread holds its pool
/// thread, as with QtConcurrent: a pool can run out of threads that way.
///
/// Misuse is an exception, as in the core: an empty name or a null pool is
/// InvalidArgument.
#pragma once

#include <QtCore/QFuture>
#include <QtCore/QFutureInterface>
#include <QtCore/QString>
#include <QtCore/QThreadPool>

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "skein/qt/skein_qt_export.h"
#include "skein/signal.h"
#include "skein/thread.h"

namespace skein {

namespace detail {

// A QFuture<void> made from a QFuture<T> does not keep the T results alive:
// the last QFuture<T> to go clears them, unlocked. What watches a future
// holds `typed` (a QFuture<T> or QFutureInterface<T>) while it looks at them.
using TypedFuture = std::shared_ptr<const void>;

// Connects the future of `promise` (`typed`, as QFutureInterface<T>) to
// `thread`: cancel() stops the thread, progress flows in, and once the
// thread has stopped, its outcome: its failure or canceled, then
// deliver(false); or deliver(true). deliver() reports the result (when
// given true, and there is one) and finishes.
SKEIN_QT_EXPORT void feedFuture(const Thread& thread, QFutureInterfaceBase promise, TypedFuture typed,
                                std::function<void(bool succeeded)> deliver);

// A Signal that goes once `future` (`typed`, as QFuture<T>) is finished or
// canceled.
SKEIN_QT_EXPORT Signal signalFromFuture(const QFuture<void>& future, TypedFuture typed);

// Starts `thread` on a thread of `pool`.
SKEIN_QT_EXPORT void startInPool(const Thread& thread, QThreadPool* pool);

template <class T>
void feedFuture(const ThreadHandle<T>& thread, QFutureInterface<T> promise)
{
    std::function<void(bool)> deliver;
    if constexpr (std::is_void_v<T>) {
        deliver = [promise](bool) mutable { promise.reportFinished(); };
    } else {
        deliver = [promise, slot = ResultAccess::slot(thread)](bool succeeded) mutable {
            if (succeeded) {
                MutexLock lock(slot->mutex);
                if (slot->value) {
                    if constexpr (std::is_copy_constructible_v<T>) {
                        promise.reportResult(*slot->value);
                    } else {
                        promise.reportResult(std::move(*slot->value));
                        slot->value.reset();
                    }
                }
            }
            promise.reportFinished();
        };
    }
    feedFuture(thread, promise, std::make_shared<QFutureInterface<T>>(promise), std::move(deliver));
}

}  // namespace detail

/// The thread's outcome as a QFuture; see future.h. Throws UsageError on a
/// handle that refers to no thread.
template <class T>
QFuture<T> toFuture(const ThreadHandle<T>& thread)
{
    QFutureInterface<T> promise;
    detail::feedFuture(thread, promise);
    return promise.future();
}

/// The outcome of a Thread without a typed result: a QFuture<void>.
inline QFuture<void> toFuture(const Thread& thread)
{
    QFutureInterface<void> promise;
    detail::feedFuture(thread, promise, nullptr, [promise](bool) mutable { promise.reportFinished(); });
    return promise.future();
}

/// A Signal that goes when `future` finishes or is canceled; see future.h.
template <class T>
Signal signalFrom(const QFuture<T>& future)
{
    return detail::signalFromFuture(QFuture<void>(future), std::make_shared<QFuture<T>>(future));
}

/// Runs fn(args..., pleaseStop) (or fn(args...)) as a Skein thread on a
/// thread of `pool`; see future.h. Throws InvalidArgument for an empty name
/// or a null pool.
template <class F, class... A>
auto runInPool(QThreadPool* pool, std::string name, F&& fn, A&&... args)
{
    ThreadHandle<detail::ResultOf<F, A...>> thread(std::move(name), std::forward<F>(fn), std::forward<A>(args)...);
    detail::startInPool(thread, pool);
    return thread;
}

/// runInPool() on QThreadPool::globalInstance().
template <class F, class... A>
auto runInPool(std::string name, F&& fn, A&&... args)
{
    return runInPool(QThreadPool::globalInstance(), std::move(name), std::forward<F>(fn), std::forward<A>(args)...);
}

}  // namespace skein
