// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: Queue's machinery, three locks and items handed over in
// blocks.
//
// Producers append to `in` under `put`; consumers take from `out` under
// `take`. When `out` runs dry, a consumer swaps the whole of `in` into it,
// holding both. So a producer and a consumer meet once a block, not once an
// item, and the queue as a whole stays first in, first out: every item in
// `out` came before every item in `in`. push() puts its item at the front of
// `out`. `in` and `out` are Rings, whose buffers the swap trades, so that a
// queue in use allocates nothing for its items (std::deque where T's move
// may throw).
//
// `put` and `take` are BriefMutexes: each is held for a few instructions and
// costs one locked instruction, so an add() and a pop() cost one each, half
// of what the textbook queue pays. Nobody sleeps holding them, and nobody
// sleeps on them: every sleep is on a third lock, `sleep`, a mutex with the
// condition variables, where add() waits for room, pop() for an item,
// waitDone() for the work. A sleeper looks at the queue under `put`, holding
// `sleep`; whoever changes what it looks for does so under `put` and wakes
// it after taking `sleep`, which orders the wake after its last look. So
// close(), the destructor and a `till` wake them all one way, as in
// BasicQueue.
//
// A thread that finds nothing to do sleeps at once, unless the bound is
// small (spinsBeforeSleeping()): while it is being woken, items or room
// pile up, and it takes them in one hand-over. That batching is most of
// the queue's speed. Producers of a bounded queue count down the places
// they know to be free (`room`), and read the consumers' `outSize` only
// when those run out, not at every add().
//
// - Lock order: `take`, then `sleep`, then `put`; nobody waits for `sleep`
//   holding `put`.
// - A consumer decides that the queue is closed and drained only holding
//   `take` and `put`, and push() holds both: an item added before close()
//   is always found.
// - Consumers keep two counters that others read without `take`: `outSize`
//   (out.size()) and `popped` (items popped ever; taskDone() counts `done`).
//   `outSize` grows only under `put` too (refill(), push()), so whoever
//   holds `put` reads it as it is, or higher while a pop lowers it: a pop()
//   that finds nothing under `put` may sleep, and a pop costs no more than
//   taking and leaving `take`.
// - A sleeper counts itself (`sleepingPops`, `sleepingAdds`) before it
//   looks under `put`; a producer that adds an item reads `sleepingPops`
//   under `put`. So either the sleeper sees the item or the producer sees
//   the sleeper and wakes it.
// - add() sleeping for room (a bounded queue) waits for a pop that lowers
//   `outSize` without `put`: that consumer writes `outSize` and then reads
//   the sleepers' counts, and a sleeper counts itself and then reads
//   `outSize`, both sequentially consistent: so either the sleeper sees the
//   room or the consumer sees the sleeper and wakes it.
// - One wake at a time for each kind of sleeper: `popWake` (`addWake`) is
//   set, under `put`, by whoever wakes a sleeping pop() (add()), and
//   cleared by every sleeper of that kind each time it looks at the queue,
//   under `put`, before it reads the queue's sizes. While it is set,
//   nobody wakes another sleeper of that kind: the one woken, still counted
//   as sleeping, will look and see every change made before. A producer
//   that adds item after item to a queue whose consumer is waking up, or a
//   consumer that pops item after item while a producer is, so makes one
//   system call, not one an item. Correct because:
//   - The flag is set only while a sleeper is counted, and a sleeper stops
//     counting itself under `put`, in the same hold as its last look, which
//     clears the flag (stopSleeping()): someone clears it, whether the wake
//     reached it, another, or nobody.
//   - A consumer that skips waking an add() because the flag is set has
//     written `outSize` before reading the flag, and the add() that clears
//     it reads `outSize` after: sequentially consistent, so it sees the
//     room that consumer made, and counts its places afresh, not from
//     `room`, so that it passes on what it does not take. Items are made
//     only under `put` (add(), push(), refill()), where a sleeping pop()
//     looks for them.
//   - A woken sleeper that takes less than there is passes the wake on: a
//     pop() that leaves items, in `out` or in `in` (dropFront()), an add()
//     that leaves room (addBlocking()), one whose move threw.
//   - A sleeper that leaves because its `till` went found nothing for it
//     at its last look (or it takes it), so it owes nobody a wake.
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
        MutexLock sleep(core_->sleep);
        core_->blocked.awaitLeaving(sleep.native(), [this] {
            markClosed();
            core_->notEmpty.notify_all();
            core_->notFull.notify_all();
            core_->tasksDone.notify_all();
        });
    }

    bool add(T&& item, const Signal& till)
    {
        // Not once `till` has gone: a producer that goes on adding after its
        // stop (dropping what does not fit) would spin and yield at every item.
        if (spinsBeforeSleeping() && isFull())
            awaitBriefly([this, &till] { return !isFull() || till; });
        BriefLock put(core_->put);
        throwIfClosed("add");
        if (!takeRoom()) {
            put.unlock();
            return addBlocking(std::move(item), till);
        }
        pushBack(std::move(item));
        const bool wake = claimPopWake();
        put.unlock();
        if (wake)
            wakeOne(core_->notEmpty);
        return true;
    }

    template <class Range>
    bool extend(Range&& items, const Signal& till)
    {
        // As many items as there is room for under one hold of `put`; the
        // wake they owe a sleeping pop() goes once `put` is let go, and
        // before this call sleeps for room that pop() must make.
        PendingPopWake wake{*this};
        BriefLock put(core_->put);
        for (auto& item : items) {
            throwIfClosed("add");
            if (takeRoom()) {
                pushBack(std::move(item));
                wake.owed = claimPopWake() || wake.owed;
                continue;
            }
            put.unlock();
            wake.send();
            if (!addBlocking(std::move(item), till))
                return false;
            put.lock();
        }
        return true;
    }

    void pushFront(T&& item)
    {
        BriefLock take(core_->take);
        BriefLock put(core_->put);
        throwIfClosed("push");
        core_->out.push_front(std::move(item));
        core_->outSize.store(core_->out.size());
        if (core_->room != 0)  // one place fewer, or past maxSize
            --core_->room;
        const bool wake = claimPopWake();
        put.unlock();
        take.unlock();
        if (wake)
            wakeOne(core_->notEmpty);
    }

    std::optional<T> pop(const Signal& till)
    {
        for (bool spun = false;; spun = true) {
            {
                BriefLock take(core_->take);
                if (!core_->out.empty())
                    return takeFront();
                BriefLock put(core_->put);
                if (!core_->in.empty()) {
                    refill();
                    put.unlock();
                    return takeFront();
                }
                if (core_->closed || till)
                    return std::nullopt;
            }
            if (spun || !spinsBeforeSleeping() || !awaitBriefly([this, &till] {
                    return core_->inSize.load(std::memory_order_relaxed) != 0 ||
                           core_->outSize.load(std::memory_order_relaxed) != 0 || till;
                }))
                break;
        }
        return popBlocking(till);
    }

    std::optional<T> tryPop()
    {
        BriefLock take(core_->take);
        if (core_->out.empty()) {
            BriefLock put(core_->put);
            if (core_->in.empty())
                return std::nullopt;
            refill();
        }
        return takeFront();
    }

    std::vector<T> popAll()
    {
        BriefLock take(core_->take);
        BriefLock put(core_->put);
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
        put.unlock();
        take.unlock();
        if (wakePop || maxSize_ != 0) {
            const MutexLock sleep(core_->sleep);
            if (wakePop)
                core_->notEmpty.notify_one();
            if (maxSize_ != 0)
                core_->notFull.notify_all();
        }
        return all;
    }

    void close()
    {
        markClosed();
        const MutexLock sleep(core_->sleep);
        core_->notEmpty.notify_all();
        core_->notFull.notify_all();
    }

    bool isClosed() const
    {
        BriefLock put(core_->put);
        return core_->closed;
    }

    std::size_t size() const
    {
        BriefLock take(core_->take);
        BriefLock put(core_->put);
        return core_->out.size() + core_->in.size();
    }

    const std::string& name() const noexcept { return name_; }
    std::size_t maxSize() const noexcept { return maxSize_; }

    void taskDone()
    {
        // With two or more popped items unfinished, nobody waiting in
        // waitDone() can be done: no lock. `popped` only grows, so the
        // count is at least that when the exchange succeeds. The last one
        // under `sleep`, so that a waitDone() that sees the work done may
        // return, and its caller free the queue, only once this call is
        // through. `done` read with acquire: `popped` then reads at least
        // what the call that wrote it saw, so done <= popped holds.
        constexpr auto acquire = std::memory_order_acquire;
        std::uint64_t done = core_->done.load(acquire);
        while (core_->popped.load(std::memory_order_relaxed) > done + 1) {
            if (core_->done.compare_exchange_weak(done, done + 1, std::memory_order_acq_rel, acquire))
                return;
        }
        MutexLock sleep(core_->sleep);
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
        MutexLock sleep(core_->sleep);
        return waitUntilDone(
            sleep.native(), core_->tasksDone, core_->blocked, till, core_, [this] { return core_->allDone(); },
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
        BriefMutex take;
        Items out SKEIN_GUARDED_BY(take);
        // Items ever popped, written under `take`, and ever marked done by
        // taskDone(): popped - done, with the items still queued, are the
        // unfinished tasks. `done` reaches `popped` only under `sleep`.
        // 64 bits wide also where size_t is not: they never wrap.
        std::atomic<std::uint64_t> popped{0};
        std::atomic<std::uint64_t> done{0};
        // out.size(), written under `take`, raised only under `put` too.
        // On a line of its own: producers of a full queue read it while
        // consumers pop.
        alignas(64) std::atomic<std::size_t> outSize{0};

        // The producers' side.
        alignas(64) BriefMutex put;
        Items in SKEIN_GUARDED_BY(put);
        // in.size(), written under `put`, read without it to spin on.
        std::atomic<std::size_t> inSize{0};
        bool closed SKEIN_GUARDED_BY(put) = false;
        // Bounded: places free for certain, beyond those being taken. Pops
        // only make more, so producers count it down until it runs out and
        // only then look at `outSize` again.
        std::size_t room SKEIN_GUARDED_BY(put) = 0;

        // Every sleep, and the calls blocked in them.
        Mutex sleep;
        std::condition_variable notEmpty;
        std::condition_variable notFull;
        std::condition_variable tasksDone;
        BlockedCalls blocked;

        // How many pop() and add() calls sleep, and whether one of each is
        // being woken: read by producers at every add and by consumers after
        // every pop. On a line of their own, which seldom changes.
        alignas(64) std::atomic<std::size_t> sleepingPops{0};
        std::atomic<std::size_t> sleepingAdds{0};
        std::atomic<bool> popWake{false};
        std::atomic<bool> addWake{false};

        bool allDone()
        {
            // outSize before popped: a pop counts itself as popped before it
            // lowers outSize.
            const BriefLock lock(put);
            return in.empty() && outSize.load() == 0 && popped.load() == done.load();
        }
    };

    using Blocked = BlockedCalls::Entry;

    std::string describe(const char* operation) const { return "Queue '" + name_ + "' (" + operation + ")"; }

    void throwIfClosed(const char* operation) const SKEIN_REQUIRES(core_->put)
    {
        if (core_->closed)
            throw QueueClosed("Queue '" + name_ +
                              (core_->blocked.destroying() ? "' is being destroyed: " : "' is closed: ") + operation +
                              "() refused");
    }

    void markClosed()
    {
        const BriefLock put(core_->put);
        core_->closed = true;
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

    // Under `put`: true, marking the wake as sent, when a pop() sleeps and
    // none is being woken. The caller then wakes one.
    bool claimPopWake() SKEIN_REQUIRES(core_->put) { return claim(core_->sleepingPops, core_->popWake); }
    bool claimAddWake() SKEIN_REQUIRES(core_->put) { return claim(core_->sleepingAdds, core_->addWake); }
    static bool claim(const std::atomic<std::size_t>& sleeping, std::atomic<bool>& wake)
    {
        if (sleeping.load() == 0 || wake.load())
            return false;
        wake.store(true);
        return true;
    }

    // Holding neither `put` nor `take`: wakes one sleeper on `cv`, after its
    // last look at the queue.
    void wakeOne(std::condition_variable& cv)
    {
        {
            const MutexLock sleep(core_->sleep);
        }
        cv.notify_one();
    }

    // A pop() woken by extend(): owed while items are added, sent once.
    struct PendingPopWake {
        FifoQueue& queue;
        bool owed = false;

        void send()
        {
            if (owed)
                queue.wakeOne(queue.core_->notEmpty);
            owed = false;
        }
        ~PendingPopWake() { send(); }
    };

    // Under `put`: appends an item.
    void pushBack(T&& item) SKEIN_REQUIRES(core_->put)
    {
        core_->in.push_back(std::move(item));
        core_->inSize.store(core_->in.size(), std::memory_order_relaxed);
    }

    // A guess, without the lock, for spinning on.
    bool isFull() const
    {
        return core_->inSize.load(std::memory_order_relaxed) + core_->outSize.load(std::memory_order_relaxed) >=
               maxSize_;
    }

    // Under `put`: takes a place for one more item; false when the queue is
    // full. Places known to be free are taken one by one without reading
    // `outSize`, a line the consumers write at every pop.
    bool takeRoom() SKEIN_REQUIRES(core_->put)
    {
        if (maxSize_ == 0)
            return true;
        if (core_->room != 0) {
            --core_->room;
            return true;
        }
        // Sequentially consistent: an add() that slept reads `outSize` after
        // clearing `addWake` (see the top).
        const std::size_t now = core_->in.size() + core_->outSize.load();
        if (now >= maxSize_)
            return false;
        core_->room = maxSize_ - now - 1;
        return true;
    }

    // Holding `take` and `put`, with `out` empty: every item waiting moves
    // to it.
    void refill() SKEIN_REQUIRES(core_->take, core_->put)
    {
        core_->out.swap(core_->in);
        const std::size_t moved = core_->out.size();
        core_->outSize.store(moved);
        core_->inSize.store(0, std::memory_order_relaxed);
        if constexpr (std::is_same_v<Items, Ring<T>>)
            core_->in.trim(moved);
    }

    // add() that found the queue full, holding no lock: sleeps until there
    // is room, then adds. False when `till` went first; throws QueueClosed
    // when the queue is or becomes closed.
    bool addBlocking(T&& item, const Signal& till)
    {
        if (till)
            return false;
        MutexLock sleep(core_->sleep);
        // Counted from here, as with BasicQueue, so that the destructor
        // waits until this call has left: it leaves holding `sleep`.
        const Blocked blocked(core_->blocked, sleep.native());
        for (;;) {
            const bool woken = sleepUntil(
                sleep, core_->sleepingAdds, core_->addWake, core_->notFull, till,
                [this]() SKEIN_REQUIRES(core_->put) {
                    return core_->closed || core_->in.size() + core_->outSize.load() < maxSize_;
                },
                [](const void* q) { return static_cast<const FifoQueue*>(q)->describe("add, full"); });
            BriefLock put(core_->put);
            stopSleeping(core_->sleepingAdds, core_->addWake);
            throwIfClosed("add");
            // Counted afresh, not from `room`: a consumer that made room
            // while `addWake` was set woke nobody. Its room shows only in
            // `outSize`, and this call passes on what it does not take.
            core_->room = 0;
            if (!takeRoom()) {
                if (!woken)
                    return false;  // `till` went
                continue;          // another producer was first: sleep again
            }
            try {
                pushBack(std::move(item));
            } catch (...) {
                core_->notFull.notify_one();  // the room this call was woken for
                throw;
            }
            // Room left over may be another sleeper's.
            const bool wakeAdd = core_->room != 0 && claimAddWake();
            const bool wakePop = claimPopWake();
            put.unlock();
            if (wakeAdd)
                core_->notFull.notify_one();
            if (wakePop)
                core_->notEmpty.notify_one();
            return true;
        }
    }

    // After a pop() that found nothing, holding no lock: sleeps until there
    // is an item, the queue is closed and drained, or `till` goes.
    std::optional<T> popBlocking(const Signal& till)
    {
        MutexLock sleep(core_->sleep);
        // Counted from here, as with BasicQueue, so that the destructor
        // waits until this call has left: it leaves holding `sleep`.
        const Blocked blocked(core_->blocked, sleep.native());
        for (;;) {
            const bool woken = sleepUntil(
                sleep, core_->sleepingPops, core_->popWake, core_->notEmpty, till,
                [this]() SKEIN_REQUIRES(core_->put) {
                    return !core_->in.empty() || core_->outSize.load() != 0 || core_->closed;
                },
                [](const void* q) { return static_cast<const FifoQueue*>(q)->describe("pop"); });
            sleep.unlock();  // `take` comes first
            {
                BriefLock take(core_->take);
                BriefLock put(core_->put);
                stopSleeping(core_->sleepingPops, core_->popWake);
                if (core_->out.empty() && !core_->in.empty())
                    refill();
                if (!core_->out.empty()) {
                    put.unlock();
                    return takeFront();
                }
                if (core_->closed || !woken)
                    return std::nullopt;
            }
            sleep.lock();  // another consumer was first: sleep again
        }
    }

    // Holding `sleep`: counts this call among the `sleeping` ones and sleeps
    // on `cv` until `ready()`, or until `till` goes (false). Each look is
    // under `put` and first clears `wake` (see the top). The call is still
    // counted on return: its last look ends that (stopSleeping()).
    template <class Ready>
    bool sleepUntil(MutexLock& sleep, std::atomic<std::size_t>& sleeping, std::atomic<bool>& wake,
                    std::condition_variable& cv, const Signal& till, Ready ready, BlockedScope::Describe describe)
    {
        sleeping.fetch_add(1);
        return waitUntil(
            sleep.native(), cv, till, core_,
            [&] {
                const BriefLock put(core_->put);
                wake.store(false);
                return ready();
            },
            describe, this);
    }

    // Under `put`, for a sleeper about to look at the queue for the last
    // time: stops counting it, and clears the wake flag. A wake claimed
    // since its last look is so not left set with nobody counted to clear
    // it, which would keep every later sleeper of its kind from waking.
    static void stopSleeping(std::atomic<std::size_t>& sleeping, std::atomic<bool>& wake)
    {
        sleeping.fetch_sub(1, std::memory_order_relaxed);
        wake.store(false);
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
        // pop() reads it under `put`, where it is never too low (see the
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
    // one is being woken already.
    void wakeSleepers(bool items, bool room)
    {
        const bool wakePop = items && core_->sleepingPops.load() != 0 && !core_->popWake.load();
        const bool wakeAdd = room && core_->sleepingAdds.load() != 0 && !core_->addWake.load();
        if (wakePop || wakeAdd)
            wake(wakePop, wakeAdd);
    }
    void wake(bool wakePop, bool wakeAdd)
    {
        BriefLock put(core_->put);
        const bool pop = wakePop && claimPopWake();
        const bool add = wakeAdd && claimAddWake();
        put.unlock();
        if (!pop && !add)
            return;
        const MutexLock sleep(core_->sleep);  // after the sleepers' last look
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

    const std::shared_ptr<Core> core_;
    const std::string name_;
    const std::size_t maxSize_;
};

}  // namespace skein::detail
