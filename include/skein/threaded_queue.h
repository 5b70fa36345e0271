// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — ThreadedQueue<T>: items handed to a slow consumer in batches, on a
/// thread of its own, and none of them lost at shutdown.
///
/// A ThreadedQueue owns a Queue<T> and a Skein thread, named after it and a
/// child of the thread that made it. Producers add() items; the thread takes
/// them in order and calls `deliver` with batches of them: a log shipper, a
/// database writer, a socket that prefers few large writes.
///
/// ### Contract
/// - Requirements: a non-empty name, a non-empty `deliver`, maxBatch >= 1;
///   otherwise the constructor throws InvalidArgument. T is movable without
///   throwing (checked at compile time).
/// - Batches: `deliver` is called on the ThreadedQueue's thread only, one
///   batch at a time, with 1 to maxBatch items, in the order they were added
///   (FIFO for the items of one producer; the items of several producers
///   interleave as their add() calls did). A batch begins with the first item
///   the thread takes after the previous batch was delivered: when items are
///   waiting, as soon as the previous `deliver` returns, otherwise when the
///   next item arrives. It is delivered as soon as it holds maxBatch items,
///   or `period` after it began, or at once when flush() or a stop asks,
///   whichever is first. So an item waits at most `period` plus the time of
///   the deliveries before it. A `period` of zero (or less) delivers whatever
///   is waiting at once, with no wait for a batch to fill.
/// - `deliver` may take the items out of the vector (it is the caller's to
///   move from). If it throws, the failure is logged with the ThreadedQueue's
///   name and the size of the batch, that batch counts as delivered, and the
///   later batches run as usual.
/// - add(item, till) never blocks on an unbounded ThreadedQueue (maxSize 0).
///   With maxSize > 0 it blocks while maxSize items wait to be taken by the
///   thread (back-pressure), and returns false, dropping the item, when
///   `till` went first. The thread takes the waiting items all at once, and
///   only while it holds less than a batch, so it holds at most
///   maxSize + maxBatch - 1 of them: at most 2 * maxSize + maxBatch - 1
///   items are in the ThreadedQueue at once. extend(items, till) adds a range in order,
///   as add() would, and leaves the items not added in the range.
/// - flush(till) returns true once every item added before the call (its
///   add() returned) has been delivered: its `deliver` returned or threw. It
///   does not wait for `period`: it makes the thread deliver what it holds
///   and what waits, at once. It returns false when `till` went first. After
///   the thread has ended it returns true at once: the thread delivered
///   everything before it ended.
/// - stop() and the destructor deliver every item added, in batches of up to
///   maxBatch, then end the thread and join it: nothing is dropped. The same
///   drain happens when the thread's pleaseStop goes from elsewhere (its
///   parent stopping, MainThread shutting down): the thread closes the
///   queue, delivers everything it holds and everything that waits, and only
///   then ends. Like any thread asked to stop, a drain that outlasts the stop
///   grace period is named in a warning, and shutdown gives up on one that
///   outlasts the stop time limit (see main_thread.h): size them for the
///   drain.
/// - add() racing a stop either adds the item, which is then delivered, or
///   throws QueueClosed naming the ThreadedQueue: never does an item vanish.
///   Once the thread has begun to stop, every add() and extend() throws
///   QueueClosed; one blocked on a full ThreadedQueue wakes and throws it.
/// - stop() rethrows a failure of the thread itself (not of `deliver`, which
///   is logged): one that a broken invariant or a failed allocation caused.
///   The destructor logs such a failure instead.
///
/// ### Misuse
///   `deliver` runs on the ThreadedQueue's own thread, so a call that would
///   wait for that thread would wait for itself. From inside `deliver`:
///   flush() and stop() throw UsageError naming the ThreadedQueue, and so does
///   an add() or extend() on a full bounded ThreadedQueue (the item is not
///   added); add() on an unbounded one works. Destroying the ThreadedQueue
///   from inside `deliver` asks the thread to stop and does not wait: the
///   thread drains and ends once `deliver` returns.
///
/// ### Lifetime
///   Destroying a ThreadedQueue while other threads block in its flush() is
///   defined: the destructor delivers everything and they return true; an
///   add() blocked on a full ThreadedQueue throws QueueClosed. A call that
///   starts after destruction began is undefined, as for any object.
///
/// ### Memory ordering
///   Everything a thread did before add() is visible to `deliver` when it
///   receives the item. Everything `deliver` did is visible to a thread whose
///   flush() has returned true, or whose stop() has returned.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "skein/detail/mutex.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/log.h"
#include "skein/queue.h"
#include "skein/signal.h"
#include "skein/thread.h"
#include "skein/thread_annotations.h"
#include "skein/till.h"

namespace skein {

/// Items of a movable `T` delivered in batches to a consumer on a thread of
/// its own; nothing added is ever dropped. The contract is in threaded_queue.h.
template <class T>
class ThreadedQueue {
    static_assert(std::is_nothrow_move_constructible_v<T>,
                  "ThreadedQueue<T> needs a T that moves without throwing: its thread moves items between batches");

public:
    /// How items are batched, and the bound on waiting items.
    struct Options {
        /// The most items one call of `deliver` receives; at least 1.
        std::size_t maxBatch = 1000;
        /// How long a batch may wait to fill before it is delivered anyway.
        std::chrono::milliseconds period{100};
        /// The most items that wait to be taken by the thread; 0: unbounded.
        std::size_t maxSize = 0;
    };

    /// The consumer: called on the ThreadedQueue's thread with each batch.
    using Deliver = std::function<void(std::vector<T>&)>;

    /// Starts the ThreadedQueue's thread, named `name`, as a child of the
    /// calling thread. Throws InvalidArgument for an empty name, an empty
    /// `deliver` or a maxBatch of 0.
    ThreadedQueue(std::string name, Deliver deliver, Options options = {})
        : core_(std::make_shared<Core>(checked(std::move(name), deliver, options), std::move(deliver), options)),
          thread_(Thread::run(core_->name, [core = core_](const Signal& pleaseStop) { core->run(pleaseStop); }))
    {}
    ThreadedQueue(const ThreadedQueue&) = delete;
    ThreadedQueue& operator=(const ThreadedQueue&) = delete;

    /// Delivers every item added, then ends the thread and joins it, as
    /// stop() does; a failure of the thread is logged. From inside `deliver`,
    /// asks the thread to stop and returns at once.
    ~ThreadedQueue()
    {
        thread_.stop();
        if (core_->onOwnThread()) {
            thread_.release();
            return;
        }
        try {
            thread_.join();
        } catch (...) {
            SKEIN_LOG(Log, Error,
                      "ThreadedQueue '" + core_->name + "': its thread failed: " +
                          errorMessage(std::current_exception()));
        }
    }

    /// Adds `item`, to be delivered after the items added before it. Blocks
    /// only on a full bounded ThreadedQueue: false when `till` went first
    /// (the item is dropped). Throws QueueClosed once it stops.
    bool add(T item, const Signal& till = Signal::never())
    {
        if (core_->options.maxSize != 0 && core_->onOwnThread()) {
            if (!core_->items.add(std::move(item), Signal::done()))
                throw UsageError(core_->waitsForItself("add() on a full ThreadedQueue"));
            return true;
        }
        return core_->items.add(std::move(item), till);
    }

    /// Adds the range's items in order, as add() would. True when all were
    /// added; false when `till` went first, leaving the rest in the range.
    /// Throws QueueClosed once it stops.
    template <class Range>
    bool extend(Range&& items, const Signal& till = Signal::never())
    {
        if (core_->options.maxSize != 0 && core_->onOwnThread()) {
            if (!core_->items.extend(items, Signal::done()))
                throw UsageError(core_->waitsForItself("extend() on a full ThreadedQueue"));
            return true;
        }
        return core_->items.extend(items, till);
    }

    /// True once every item added before the call has been delivered (or
    /// its batch's `deliver` threw); false when `till` went first. Makes the
    /// thread deliver at once. Throws UsageError from inside `deliver`.
    bool flush(const Signal& till = Signal::never())
    {
        // Its own reference: a destructor that runs meanwhile must not free
        // what this call waits on.
        const std::shared_ptr<Core> core = core_;
        if (core->onOwnThread())
            throw UsageError(core->waitsForItself("flush()"));
        return core->flush(core, till);
    }

    /// Delivers every item added, then ends the thread and joins it. Later
    /// adds throw QueueClosed. Idempotent. Rethrows a failure of the thread
    /// itself; throws UsageError from inside `deliver`.
    void stop()
    {
        if (core_->onOwnThread())
            throw UsageError(core_->waitsForItself("stop()"));
        thread_.stop();
        thread_.join();
    }

    /// The name given at construction; also the name of the thread.
    std::string name() const { return core_->name; }
    /// The options given at construction.
    Options options() const noexcept { return core_->options; }
    /// The thread that delivers: for its path, its stopped() Signal, dumps.
    Thread thread() const { return thread_; }

private:
    static std::string checked(std::string name, const Deliver& deliver, const Options& options)
    {
        if (name.empty())
            throw InvalidArgument("ThreadedQueue: the name is empty");
        if (!deliver)
            throw InvalidArgument("ThreadedQueue '" + name + "': deliver is empty");
        if (options.maxBatch == 0)
            throw InvalidArgument("ThreadedQueue '" + name + "': maxBatch is 0, a batch needs at least one item");
        return name;
    }

    // What the ThreadedQueue and its thread share: the thread holds it until
    // it ends, flush() while it waits.
    struct Core {
        Core(std::string n, Deliver d, Options o)
            : name(std::move(n)), deliver(std::move(d)), options(o), items(name, o.maxSize)
        {}

        const std::string name;
        const Deliver deliver;
        const Options options;
        Queue<T> items;
        // Set once, when the thread starts; read to refuse calls that would
        // wait for the thread from inside `deliver`.
        std::atomic<std::thread::id> thread{};

        // Flushes: each flush() asks for number ++asked and waits until the
        // thread has served it (served >= its number), or has ended. The
        // thread serves every request it has seen at once.
        detail::Mutex mutex;
        std::condition_variable flushed;
        std::uint64_t asked SKEIN_GUARDED_BY(mutex) = 0;
        std::uint64_t served SKEIN_GUARDED_BY(mutex) = 0;
        bool ended SKEIN_GUARDED_BY(mutex) = false;
        // Goes when a flush is asked for; the thread replaces it with a new
        // one when it takes the requests.
        Signal flushAsked SKEIN_GUARDED_BY(mutex);

        // Taken from `items`, not yet delivered: [head, end) in order. A
        // vector with a moving head, so that cutting a batch from the front
        // of a long drain costs the batch, not the rest. The thread's only.
        std::vector<T> pending;
        std::size_t head = 0;
        // The batch being delivered, kept for its capacity: what `deliver`
        // leaves in it is destroyed as soon as it returns.
        std::vector<T> batch;

        bool onOwnThread() const noexcept
        {
            return thread.load(std::memory_order_relaxed) == std::this_thread::get_id();
        }

        std::string waitsForItself(const char* call) const
        {
            return "ThreadedQueue '" + name + "': " + call +
                   " from inside deliver would wait for its own thread, which runs deliver";
        }

        // `self` keeps the mutex and the condition variable alive for a
        // wake-up that comes after the wait.
        bool flush(const std::shared_ptr<Core>& self, const Signal& till)
        {
            detail::MutexLock lock(mutex);
            const std::uint64_t mine = ++asked;
            const Signal ask = flushAsked;
            lock.unlock();
            ask.go();
            lock.lock();
            return detail::waitUntil(
                lock.native(), flushed, till, self, [this, mine]() SKEIN_REQUIRES(mutex) {
                    return served >= mine || ended;
                },
                [](const void* core) { return "ThreadedQueue '" + static_cast<const Core*>(core)->name + "' (flush)"; },
                this);
        }

        // The thread's function.
        void run(const Signal& pleaseStop)
        {
            thread.store(std::this_thread::get_id(), std::memory_order_relaxed);
            Signal asks = requests();
            Signal wake = pleaseStop | asks;
            for (;;) {
                if (pleaseStop)
                    break;
                if (asks) {
                    const auto [upTo, next] = takeRequests();
                    asks = next;
                    wake = pleaseStop | asks;
                    drain();
                    {
                        detail::MutexLock lock(mutex);
                        served = upTo;
                    }
                    flushed.notify_all();
                    continue;
                }
                if (holding() == 0) {
                    std::optional<T> first = items.pop(wake);
                    if (!first)
                        continue;  // asked to flush or to stop
                    pending.push_back(std::move(*first));
                }
                takeWaiting();
                if (holding() < options.maxBatch && options.period.count() > 0 && !fillBatch(wake))
                    continue;  // asked to flush or to stop: served at the top, with what it holds
                deliverBatch();
            }
            // Closed first: from here on every add() throws, so what waits
            // now is all there will ever be.
            items.close();
            drain();
            {
                detail::MutexLock lock(mutex);
                ended = true;
            }
            flushed.notify_all();
        }

        // The Signal that the next flush request makes go.
        Signal requests()
        {
            detail::MutexLock lock(mutex);
            return flushAsked;
        }

        // Takes the flush requests asked for so far: the number of the last,
        // and the Signal that the next one will make go.
        std::pair<std::uint64_t, Signal> takeRequests()
        {
            detail::MutexLock lock(mutex);
            flushAsked = Signal();
            return {asked, flushAsked};
        }

        // Waits, for `period` from now, until the batch holds maxBatch items.
        // False when `wake` went first.
        bool fillBatch(const Signal& wake)
        {
            const Till due(options.period);
            const Signal dueOrWake = due | wake;
            while (holding() < options.maxBatch && !dueOrWake) {
                std::optional<T> next = items.pop(dueOrWake);
                if (!next)
                    break;
                pending.push_back(std::move(*next));
                takeWaiting();
            }
            return holding() >= options.maxBatch || due;
        }

        std::size_t holding() const noexcept { return pending.size() - head; }

        // Takes every waiting item while the thread holds less than a batch:
        // one lock for many items, and a bound on what it holds.
        void takeWaiting()
        {
            if (holding() < options.maxBatch)
                take(items.popAll());
        }

        void take(std::vector<T> more)
        {
            if (more.empty())
                return;
            if (holding() == 0) {
                pending = std::move(more);
                head = 0;
                return;
            }
            pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(head));
            head = 0;
            pending.insert(pending.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
        }

        // Delivers everything it holds and everything that waits, in full
        // batches but the last. It takes what waits only once it holds less
        // than a batch, so that it never holds more than maxSize on top.
        void drain()
        {
            while (holding() >= options.maxBatch)
                deliverBatch();
            take(items.popAll());
            while (holding() > 0)
                deliverBatch();
        }

        // Delivers the first maxBatch items it holds, or all of them when
        // fewer. A throwing `deliver` is logged; its batch counts as
        // delivered.
        void deliverBatch()
        {
            const std::size_t n = std::min(options.maxBatch, holding());
            if (head == 0 && n == pending.size()) {
                batch.swap(pending);
            } else {
                const auto from = pending.begin() + static_cast<std::ptrdiff_t>(head);
                batch.insert(batch.end(), std::make_move_iterator(from),
                             std::make_move_iterator(from + static_cast<std::ptrdiff_t>(n)));
                head += n;
            }
            if (head == pending.size()) {
                pending.clear();
                head = 0;
            }
            try {
                deliver(batch);
            } catch (...) {
                SKEIN_LOG(Log, Error,
                          "ThreadedQueue '" + name + "': deliver threw on a batch of " + std::to_string(n) +
                              " items: " + errorMessage(std::current_exception()));
            }
            batch.clear();
        }
    };

    const std::shared_ptr<Core> core_;
    Thread thread_;
};

}  // namespace skein
