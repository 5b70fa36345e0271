// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: Queue's machinery, two locks and items handed over in
// blocks.
//
// Producers append to `in` under the queue's mutex; consumers take from
// `out` under a lock of their own, `take`. When `out` runs dry, a consumer
// swaps the whole of `in` into it, holding both. So a producer and a
// consumer meet once a block, not once an item, and the queue as a whole
// stays first in, first out: every item in `out` came before every item in
// `in`. push() puts its item at the front of `out`. `in` and `out` are
// Rings, whose buffers the swap trades, so that a queue in use allocates
// nothing for its items (std::deque where T's move may throw).
//
// A thread that finds nothing to do sleeps at once, unless the bound is
// small (spinsBeforeSleeping()): while it is being woken, items or room
// pile up, and it takes them in one hand-over. That batching is most of
// the queue's speed. Producers of a bounded queue count down the places
// they know to be free (`room`), and read the consumers' `outSize` only
// when those run out, not at every add().
//
// - Lock order: `take` before `mutex`.
// - Every sleep is on `mutex`: add() waiting for room, pop() waiting for an
//   item, waitDone(). So close(), the destructor and a `till` wake them all
//   one way, as in BasicQueue, and nobody sleeps holding `take`.
// - A consumer decides that the queue is closed and drained only holding
//   both locks, and push() holds both: an item added before close() is
//   always found.
// - Consumers keep two counters that others read without `take`: `outSize`
//   (out.size()) and `popped` (items popped ever; taskDone() counts `done`).
//   `outSize` grows only under `mutex` too (refill(), push()), so whoever
//   holds `mutex` reads it as it is, or higher while a pop lowers it: a
//   pop() that finds nothing under `mutex` may sleep, and a pop costs no
//   more than taking and leaving `take`.
// - add() sleeping for room (a bounded queue) waits for a pop that lowers
//   `outSize` without `mutex`: that consumer writes `outSize` and then reads
//   the sleepers' counts, and a sleeper counts itself and then reads
//   `outSize`, both sequentially consistent: so either the sleeper sees the
//   room or the consumer sees the sleeper and wakes it, through `mutex`.
// - One wake at a time for each kind of sleeper: `popWake` (`addWake`) is
//   set, under `mutex`, by whoever wakes a sleeping pop() (add()), and
//   cleared by every sleeper of that kind each time it looks at the queue,
//   under `mutex`, before it reads the queue's sizes. While it is set,
//   nobody wakes another sleeper of that kind: the one woken, still counted
//   as sleeping, will look and see every change made before. A producer
//   that adds item after item to a queue whose consumer is waking up, or a
//   consumer that pops item after item while a producer is, so makes one
//   system call, not one an item. Correct because:
//   - The flag is set only while a sleeper is counted, and every counted
//     sleeper looks again under `mutex` before it stops counting: someone
//     clears it, whether the wake reached it, another, or nobody.
//   - A consumer that skips waking an add() because the flag is set has
//     written `outSize` before reading the flag, and the add() that clears
//     it reads `outSize` after: sequentially consistent, so it sees the
//     room that consumer made. Items are made only under `mutex` (add(),
//     push(), refill()), where a sleeping pop() looks for them.
//   - A woken sleeper that takes less than there is passes the wake on: a
//     pop() that leaves items, in `out` or in `in` (dropFront()), an add()
//     that leaves room (waitForRoom()), one whose move threw.
//   - A sleeper that leaves because its `till` went looked last and found
//     nothing for it, so it owes nobody a wake.
// The contract is in queue.h.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "skein/detail/mutex.h"
#include "skein/detail/names.h"
#include "skein/detail/ring.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/signal.h"

namespace skein::detail {

template <class T>
class FifoQueue {
public:
    FifoQueue(std::string name, std::size_t maxSize)
        : core_(std::make_shared<Core>()),
          name_(name.empty() ? generatedName("queue") : std::move(name)),
          maxSize_(maxSize)
    {}
    FifoQueue(const FifoQueue&) = delete;
    FifoQueue& operator=(const FifoQueue&) = delete;

    ~FifoQueue()
    {
        MutexLock lock(core_->mutex);
        core_->blocked.awaitLeaving(lock.native(), [this]() SKEIN_NO_THREAD_SAFETY_ANALYSIS {
            core_->closed = true;
            core_->notEmpty.notify_all();
            core_->notFull.notify_all();
            core_->tasksDone.notify_all();
        });
    }

    bool add(T&& item, const Signal& till)
    {
        if (spinsBeforeSleeping() && isFull())
            awaitBriefly([this] { return !isFull(); });
        MutexLock lock(core_->mutex, MutexLock::Spin{});
        std::optional<Blocked> blocked;
        if (!waitForRoom(lock.native(), till, blocked))
            return false;
        pushBack(std::move(item), blocked);
        unlockThenNotify(lock.native(), claimPopWake() ? &core_->notEmpty : nullptr, blocked);
        return true;
    }

    template <class Range>
    bool extend(Range&& items, const Signal& till)
    {
        MutexLock lock(core_->mutex, MutexLock::Spin{});
        std::optional<Blocked> blocked;
        for (auto& item : items) {
            if (!waitForRoom(lock.native(), till, blocked))
                return false;
            pushBack(std::move(item), blocked);
            if (claimPopWake())
                core_->notEmpty.notify_one();
        }
        return true;
    }

    void pushFront(T&& item)
    {
        MutexLock take(core_->take, MutexLock::Spin{});
        MutexLock lock(core_->mutex, MutexLock::Spin{});
        throwIfClosed("push");
        core_->out.push_front(std::move(item));
        core_->outSize.store(core_->out.size());
        if (core_->room != 0)  // one place fewer, or past maxSize
            --core_->room;
        const bool wake = claimPopWake();
        lock.unlock();
        if (wake)
            core_->notEmpty.notify_one();
    }

    std::optional<T> pop(const Signal& till)
    {
        for (bool spun = false;; spun = true) {
            {
                MutexLock take(core_->take, MutexLock::Spin{});
                if (!core_->out.empty())
                    return takeFront();
                MutexLock lock(core_->mutex, MutexLock::Spin{});
                if (!core_->in.empty()) {
                    refill();
                    lock.unlock();
                    return takeFront();
                }
                if (core_->closed || till)
                    return std::nullopt;
            }
            if (spun || !spinsBeforeSleeping() || !awaitBriefly([this] {
                    return core_->inSize.load(std::memory_order_relaxed) != 0 ||
                           core_->outSize.load(std::memory_order_relaxed) != 0;
                }))
                break;
        }
        return popBlocking(till);
    }

    std::optional<T> tryPop()
    {
        MutexLock take(core_->take, MutexLock::Spin{});
        if (core_->out.empty()) {
            MutexLock lock(core_->mutex, MutexLock::Spin{});
            if (core_->in.empty())
                return std::nullopt;
            refill();
        }
        return takeFront();
    }

    std::vector<T> popAll()
    {
        MutexLock take(core_->take, MutexLock::Spin{});
        MutexLock lock(core_->mutex, MutexLock::Spin{});
        std::vector<T> all;
        // Reserved: push_back never reallocates, so it either adds the item
        // or changes nothing.
        all.reserve(core_->out.size() + core_->in.size());
        try {
            takeAllInto(all, core_->out);
            takeAllInto(all, core_->in);
        } catch (...) {
            if (all.empty())
                throw;
            // The items taken so far are handed out; the one that threw is
            // still next, and fails its next pop if it fails again.
        }
        countPopped(all.size());
        core_->outSize.store(core_->out.size());
        core_->inSize.store(core_->in.size(), std::memory_order_relaxed);
        const bool wakePop = (!core_->out.empty() || !core_->in.empty()) &&
                             core_->sleepingPops.load(std::memory_order_relaxed) != 0;
        lock.unlock();
        if (wakePop)
            core_->notEmpty.notify_one();
        if (maxSize_ != 0)
            core_->notFull.notify_all();
        return all;
    }

    void close()
    {
        {
            MutexLock lock(core_->mutex);
            core_->closed = true;
        }
        core_->notEmpty.notify_all();
        core_->notFull.notify_all();
    }

    bool isClosed() const
    {
        MutexLock lock(core_->mutex);
        return core_->closed;
    }

    std::size_t size() const
    {
        MutexLock take(core_->take);
        MutexLock lock(core_->mutex);
        return core_->out.size() + core_->in.size();
    }

    const std::string& name() const noexcept { return name_; }
    std::size_t maxSize() const noexcept { return maxSize_; }

    void taskDone()
    {
        // With two or more popped items unfinished, nobody waiting in
        // waitDone() can be done: no lock. `popped` only grows, so the
        // count is at least that when the exchange succeeds. The last one
        // under the mutex, so that a waitDone() that sees the work done may
        // return, and its caller free the queue, only once this call is
        // through. `done` read with acquire: `popped` then reads at least
        // what the call that wrote it saw, so done <= popped holds.
        constexpr auto acquire = std::memory_order_acquire;
        std::uint64_t done = core_->done.load(acquire);
        while (core_->popped.load(std::memory_order_relaxed) > done + 1) {
            if (core_->done.compare_exchange_weak(done, done + 1, std::memory_order_acq_rel, acquire))
                return;
        }
        MutexLock lock(core_->mutex);
        done = core_->done.load(acquire);
        do {
            if (done >= core_->popped.load(std::memory_order_relaxed))
                throw UsageError("Queue '" + name_ + "': taskDone() called more times than items were popped");
        } while (!core_->done.compare_exchange_weak(done, done + 1, std::memory_order_acq_rel, acquire));
        if (core_->allDone())
            core_->tasksDone.notify_all();
    }

    bool waitDone(const Signal& till)
    {
        MutexLock lock(core_->mutex);
        return waitUntilDone(
            lock.native(), core_->tasksDone, core_->blocked, till, core_,
            [this]() SKEIN_REQUIRES(core_->mutex) { return core_->allDone(); },
            [](const void* q) { return static_cast<const FifoQueue*>(q)->describe("waitDone"); }, this, "Queue",
            name_);
    }

private:
    // Items in one buffer that keeps its capacity, where moving them cannot
    // throw: adding and popping then allocate nothing once the queue has
    // been as long as it gets.
    using Items = std::conditional_t<std::is_nothrow_move_constructible_v<T>, Ring<T>, std::deque<T>>;

    struct Core {
        // The consumers' side.
        Mutex take;
        Items out SKEIN_GUARDED_BY(take);
        // Items ever popped, written under `take`, and ever marked done by
        // taskDone(): popped - done, with the items still queued, are the
        // unfinished tasks. `done` reaches `popped` only under `mutex`.
        // 64 bits wide also where size_t is not: they never wrap.
        std::atomic<std::uint64_t> popped{0};
        std::atomic<std::uint64_t> done{0};
        // out.size(), written under `take`, raised only under `mutex` too.
        // On a line of its own: producers of a full queue read it while
        // consumers pop.
        alignas(64) std::atomic<std::size_t> outSize{0};

        // The producers' side, and every sleep.
        alignas(64) Mutex mutex;
        Items in SKEIN_GUARDED_BY(mutex);
        // in.size(), written under `mutex`, read without it to spin on.
        std::atomic<std::size_t> inSize{0};
        bool closed SKEIN_GUARDED_BY(mutex) = false;
        // Bounded: places free for certain, beyond those being taken. Pops
        // only make more, so producers count it down until it runs out and
        // only then look at `outSize` again.
        std::size_t room SKEIN_GUARDED_BY(mutex) = 0;
        std::condition_variable notEmpty;
        std::condition_variable notFull;
        std::condition_variable tasksDone;
        BlockedCalls blocked;

        // How many pop() and add() calls sleep, and whether one of each is
        // being woken: changed under `mutex`, read by consumers after every
        // pop. On a line of their own, which seldom changes.
        alignas(64) std::atomic<std::size_t> sleepingPops{0};
        std::atomic<std::size_t> sleepingAdds{0};
        std::atomic<bool> popWake{false};
        std::atomic<bool> addWake{false};

        bool allDone() const SKEIN_REQUIRES(mutex)
        {
            // outSize before popped: a pop counts itself as popped before it
            // lowers outSize.
            return in.empty() && outSize.load() == 0 && popped.load() == done.load();
        }
    };

    using Blocked = BlockedCalls::Entry;

    std::string describe(const char* operation) const { return "Queue '" + name_ + "' (" + operation + ")"; }

    void throwIfClosed(const char* operation) const SKEIN_REQUIRES(core_->mutex)
    {
        if (core_->closed)
            throw QueueClosed("Queue '" + name_ +
                              (core_->blocked.destroying() ? "' is being destroyed: " : "' is closed: ") + operation +
                              "() refused");
    }

    // Whether add() on a full queue and pop() on an empty one look for room
    // or an item for a moment before they sleep. Only with a small bound:
    // there the other side is never more than a few items ahead, and
    // without the spin every few items would cost a sleep and a wake-up.
    // Otherwise a sleep is better: while the sleeper is being woken, items
    // (or room) pile up, and it takes them all in one hand-over, where a
    // spinning thread would take them one by one, meeting the other side
    // at every item.
    bool spinsBeforeSleeping() const noexcept
    {
        constexpr std::size_t smallBound = 64;
        return maxSize_ != 0 && maxSize_ <= smallBound;
    }

    // Under `mutex`: true, marking the wake as sent, when a pop() sleeps and
    // none is being woken. The caller then wakes one.
    bool claimPopWake() SKEIN_REQUIRES(core_->mutex) { return claim(core_->sleepingPops, core_->popWake); }
    bool claimAddWake() SKEIN_REQUIRES(core_->mutex) { return claim(core_->sleepingAdds, core_->addWake); }
    static bool claim(const std::atomic<std::size_t>& sleeping, std::atomic<bool>& wake)
    {
        if (sleeping.load() == 0 || wake.load())
            return false;
        wake.store(true);
        return true;
    }

    // Under `mutex`, after waitForRoom(): appends an item. When the move
    // throws and this call slept, it may have taken the wake meant for
    // room it now leaves: it passes it on.
    void pushBack(T&& item, const std::optional<Blocked>& blocked) SKEIN_REQUIRES(core_->mutex)
    {
        try {
            core_->in.push_back(std::move(item));
        } catch (...) {
            if (blocked)
                core_->notFull.notify_one();
            throw;
        }
        core_->inSize.store(core_->in.size(), std::memory_order_relaxed);
    }

    // A guess, without the lock, for spinning on.
    bool isFull() const
    {
        return core_->inSize.load(std::memory_order_relaxed) + core_->outSize.load(std::memory_order_relaxed) >=
               maxSize_;
    }

    // Holding both locks, with `out` empty: every item waiting moves to it.
    void refill() SKEIN_REQUIRES(core_->take, core_->mutex)
    {
        core_->out.swap(core_->in);
        const std::size_t moved = core_->out.size();
        core_->outSize.store(moved);
        core_->inSize.store(0, std::memory_order_relaxed);
        if constexpr (std::is_same_v<Items, Ring<T>>)
            core_->in.trim(moved);
    }

    // After a pop() that found nothing, holding no lock: sleeps on `mutex`
    // until there is an item, the queue is closed and drained, or `till`
    // goes.
    std::optional<T> popBlocking(const Signal& till)
    {
        MutexLock lock(core_->mutex);
        // Counted from here, as with BasicQueue, so that the destructor
        // waits until this call has left.
        std::optional<Blocked> blocked;
        blocked.emplace(core_->blocked, lock.native());
        for (;;) {
            core_->sleepingPops.fetch_add(1);
            const bool ready = waitUntil(
                lock.native(), core_->notEmpty, till, core_,
                [this]() SKEIN_REQUIRES(core_->mutex) {
                    core_->popWake.store(false);
                    return !core_->in.empty() || core_->outSize.load() != 0 || core_->closed;
                },
                [](const void* q) { return static_cast<const FifoQueue*>(q)->describe("pop"); }, this);
            core_->sleepingPops.fetch_sub(1, std::memory_order_relaxed);
            if (!ready)
                return std::nullopt;
            lock.unlock();
            MutexLock take(core_->take, MutexLock::Spin{});
            lock.lock();
            if (core_->out.empty() && !core_->in.empty())
                refill();
            if (!core_->out.empty()) {
                lock.unlock();
                return takeFront();
            }
            if (core_->closed)
                return std::nullopt;
            // Another consumer was first: sleep again.
        }
    }

    // Holding `take`, with `out` not empty: removes its front item. It is
    // moved once, straight into the caller's result (a returned prvalue is
    // not moved again), and leaves `out` only after that move succeeded: a
    // move that throws leaves it in front.
    std::optional<T> takeFront() SKEIN_REQUIRES(core_->take)
    {
        if constexpr (std::is_nothrow_move_constructible_v<T>) {
            std::optional<T> item(std::in_place, std::move(core_->out.front()));
            dropFront();
            return item;
        } else {
            const DropFrontOnSuccess drop{*this};
            return std::optional<T>(std::in_place, std::move(core_->out.front()));
        }
    }

    // Holding `take`: removes the front item, moved from, counts it as
    // popped, and wakes a sleeping pop() when items are left for it (the
    // consumer that popped may not come back) and a sleeping add() when the
    // queue is bounded, unless one is being woken already.
    void dropFront() SKEIN_REQUIRES(core_->take)
    {
        core_->out.pop_front();
        countPopped(1);
        const std::size_t left = core_->out.size();
        // Lowering `outSize` is news only to an add() waiting for room: a
        // pop() reads it under `mutex`, where it is never too low (see the
        // top). So the costly order only where add() can wait.
        if (maxSize_ != 0)
            core_->outSize.store(left);
        else
            core_->outSize.store(left, std::memory_order_release);
        // A pop() woken with items in `out` takes from there and leaves
        // those in `in`, which came while it was being woken: they count.
        wakeSleepers(left != 0 || core_->inSize.load(std::memory_order_relaxed) != 0, maxSize_ != 0);
    }

    // Holding `take`, the only writers' lock: no read-modify-write needed.
    void countPopped(std::size_t n) SKEIN_REQUIRES(core_->take)
    {
        core_->popped.store(core_->popped.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }

    // After a consumer changed `outSize`: wakes a sleeping pop() if
    // `items` are left, a sleeping add() if `room` was made, each unless
    // one is being woken already. Taking `mutex` orders the wake after the
    // sleeper's last look.
    void wakeSleepers(bool items, bool room)
    {
        const bool wakePop = items && core_->sleepingPops.load() != 0 && !core_->popWake.load();
        const bool wakeAdd = room && core_->sleepingAdds.load() != 0 && !core_->addWake.load();
        if (wakePop || wakeAdd)
            wake(wakePop, wakeAdd);
    }
    void wake(bool wakePop, bool wakeAdd)
    {
        MutexLock lock(core_->mutex);
        const bool pop = wakePop && claimPopWake();
        const bool add = wakeAdd && claimAddWake();
        lock.unlock();
        if (pop)
            core_->notEmpty.notify_one();
        if (add)
            core_->notFull.notify_one();
    }

    struct DropFrontOnSuccess {
        FifoQueue& queue;
        const int exceptions = std::uncaught_exceptions();

        ~DropFrontOnSuccess() SKEIN_NO_THREAD_SAFETY_ANALYSIS
        {
            if (std::uncaught_exceptions() == exceptions)
                queue.dropFront();
            else  // the move threw: the item stays, maybe for a sleeping pop()
                queue.wakeSleepers(true, false);
        }
    };

    // Moves every item of `from` to the back of `all`, front first; a move
    // that throws leaves that item and the rest in `from`.
    static void takeAllInto(std::vector<T>& all, Items& from)
    {
        while (!from.empty()) {
            all.push_back(std::move(from.front()));
            from.pop_front();
        }
    }

    // With `mutex` held: waits until there is room, counting `blocked` when
    // it must block. False when `till` went first; throws QueueClosed when
    // the queue is or becomes closed.
    bool waitForRoom(std::unique_lock<std::mutex>& lock, const Signal& till, std::optional<Blocked>& blocked)
        SKEIN_REQUIRES(core_->mutex)
    {
        throwIfClosed("add");
        if (maxSize_ == 0)
            return true;
        // Places known to be free: taken one by one without reading
        // `outSize`, a line the consumers write at every pop.
        if (core_->room != 0) {
            --core_->room;
            return true;
        }
        return lookForRoom(lock, till, blocked);
    }
    // waitForRoom() when no place is known to be free.
    bool lookForRoom(std::unique_lock<std::mutex>& lock, const Signal& till, std::optional<Blocked>& blocked)
        SKEIN_REQUIRES(core_->mutex)
    {
        const std::size_t max = maxSize_;
        const std::size_t now = core_->in.size() + core_->outSize.load(std::memory_order_relaxed);
        if (now < max) {
            core_->room = max - now - 1;
            return true;
        }
        if (till)
            return false;
        if (!blocked)
            blocked.emplace(core_->blocked, lock);
        core_->sleepingAdds.fetch_add(1);
        std::size_t size = max;
        const bool room = waitUntil(
            lock, core_->notFull, till, core_,
            [this, max, &size]() SKEIN_REQUIRES(core_->mutex) {
                core_->addWake.store(false);
                size = core_->in.size() + core_->outSize.load();
                return size < max || core_->closed;
            },
            [](const void* q) { return static_cast<const FifoQueue*>(q)->describe("add, full"); }, this);
        core_->sleepingAdds.fetch_sub(1, std::memory_order_relaxed);
        throwIfClosed("add");
        // Woken, this call takes one place: if there are more, another
        // sleeper may have one.
        if (room && size + 1 < max) {
            core_->room = max - size - 1;
            if (claimAddWake())
                core_->notFull.notify_one();
        }
        return room;
    }

    const std::shared_ptr<Core> core_;
    const std::string name_;
    const std::size_t maxSize_;
};

}  // namespace skein::detail
