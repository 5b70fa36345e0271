// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: PriorityQueue's machinery.
//
// A store of items under one mutex, with blocking add() and pop() that take
// a `till`, close() with drain, a bound, task tracking and defined
// destruction while threads block in it. The order in which items leave is
// the store's business: HeapStore, a heap ordered by Compare, then by
// arrival. Queue has the same contract but machinery of its own
// (fifo_queue.h): first in, first out lets producers and consumers work
// under two locks, which a heap does not. The public headers state the
// contract; this one says how.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "skein/detail/names.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/signal.h"

namespace skein::detail {

// A store, to BasicQueue, is used only with the queue's mutex held:
//   static constexpr const char* kind   how messages name the queue
//   bool empty() const; std::size_t size() const;
//   void add(T&& item)   puts the item in its place; a throw changes nothing
//   T& next()            the item to pop next, in place, to be moved from;
//                        a throw changes nothing
//   void dropNext()      removes the item next() returned, moved from since;
//                        never throws

// PriorityQueue's store: a binary heap, the greatest item under Compare on
// top and, among equal items, the one that came first (each entry carries
// its arrival number, so no value of T, 0 included, means "no priority").
//
// Written out rather than std::push_heap/pop_heap, for the exception
// guarantee: each operation first finds, with comparisons only, where the
// entries go, and then moves them there with moves that cannot throw. A
// Compare that throws therefore changes nothing, and one that is not a
// strict weak order only muddles the order: nothing is lost or duplicated.
// An entry's moves cannot throw because a T whose moves might is kept
// behind a unique_ptr.
template <class T, class Compare>
class HeapStore {
public:
    static constexpr const char* kind = "PriorityQueue";

    explicit HeapStore(Compare compare) : compare_(std::move(compare)) {}

    bool empty() const noexcept { return entries_.empty(); }
    std::size_t size() const noexcept { return entries_.size(); }

    void add(T&& item)
    {
        // Where the item goes, found while it is still the caller's. It is
        // the newest, so among equals it stays below: one comparison a level.
        std::size_t hole = entries_.size();
        while (hole > 0) {
            const std::size_t parent = (hole - 1) / 2;
            if (!compare_(std::as_const(value(entries_[parent])), std::as_const(item)))
                break;
            hole = parent;
        }
        // Room first, so that nothing throws once the item has moved.
        if (entries_.size() == entries_.capacity())
            entries_.reserve(entries_.empty() ? 16 : 2 * entries_.size());
        entries_.push_back(Entry{box(std::move(item)), arrivals_});
        ++arrivals_;
        std::size_t at = entries_.size() - 1;
        if (at == hole)
            return;
        Entry rising = std::move(entries_[at]);
        while (at != hole) {
            const std::size_t parent = (at - 1) / 2;
            entries_[at] = std::move(entries_[parent]);
            at = parent;
        }
        entries_[hole] = std::move(rising);
    }

    // Finds, before the top is moved from, where the last entry will go once
    // the top has left: dropNext() then only moves. As std::pop_heap does:
    // down to a leaf, always toward the child that pops first, then back up
    // while the last entry pops before the one on the path; about one
    // comparison a level.
    T& next()
    {
        const std::size_t last = entries_.size() - 1;
        std::size_t hole = 0;
        for (;;) {
            std::size_t child = 2 * hole + 1;
            if (child >= last)
                break;
            if (child + 1 < last && before(entries_[child + 1], entries_[child]))
                ++child;
            hole = child;
        }
        while (hole > 0 && before(entries_[last], entries_[hole]))
            hole = (hole - 1) / 2;
        hole_ = hole;
        return value(entries_.front());
    }

    // Moves each entry on the path from the top down to hole_ one level up
    // (overwriting the top, moved from), and the last entry into hole_.
    void dropNext() noexcept
    {
        const std::size_t last = entries_.size() - 1;
        if (last != 0) {
            // In 1-based numbering a node's ancestors are its number shifted
            // right: the path is hole's number, shifted less and less.
            const std::size_t number = hole_ + 1;
            int depth = 0;
            for (std::size_t n = number; n > 1; n >>= 1)
                ++depth;
            for (int shift = depth - 1; shift >= 0; --shift)
                entries_[(number >> (shift + 1)) - 1] = std::move(entries_[(number >> shift) - 1]);
            entries_[hole_] = std::move(entries_[last]);
        }
        entries_.pop_back();
    }

private:
    static constexpr bool boxed =
        !(std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T>);
    using Item = std::conditional_t<boxed, std::unique_ptr<T>, T>;
    struct Entry {
        Item item;
        std::uint64_t arrival;
    };

    static Item box(T&& item)
    {
        if constexpr (boxed)
            return std::make_unique<T>(std::move(item));
        else
            return std::move(item);
    }
    static T& value(Entry& entry) noexcept
    {
        if constexpr (boxed)
            return *entry.item;
        else
            return entry.item;
    }

    // Whether `a` pops before `b`: it is greater, or equal and older.
    bool before(Entry& a, Entry& b)
    {
        const T& aItem = value(a);
        const T& bItem = value(b);
        if (compare_(bItem, aItem))
            return true;
        if (compare_(aItem, bItem))
            return false;
        return a.arrival < b.arrival;
    }

    Compare compare_;
    std::vector<Entry> entries_;
    std::uint64_t arrivals_ = 0;
    std::size_t hole_ = 0;
};

// A bounded or unbounded, closable queue over a Store; see queue.h for the
// contract. The public queues hold one and forward to it.
template <class T, class Store>
class BasicQueue {
public:
    BasicQueue(std::string name, const char* namePrefix, std::size_t maxSize, Store store)
        : core_(std::make_shared<Core>(std::move(store))),
          name_(name.empty() ? generatedName(namePrefix) : std::move(name)),
          maxSize_(maxSize)
    {}
    BasicQueue(const BasicQueue&) = delete;
    BasicQueue& operator=(const BasicQueue&) = delete;

    ~BasicQueue()
    {
        Core& core = *core_;
        MutexLock lock(core.mutex);
        // The analysis cannot see that awaitLeaving() calls this with the
        // mutex held.
        core.blocked.awaitLeaving(lock.native(), [&core]() SKEIN_NO_THREAD_SAFETY_ANALYSIS {
            core.closed = true;
            core.notEmpty.notify_all();
            core.notFull.notify_all();
            core.tasksDone.notify_all();
        });
    }

    bool add(T&& item, const Signal& till)
    {
        MutexLock lock(core_->mutex);
        std::optional<Blocked> blocked;
        if (!waitForRoom(lock.native(), till, blocked))
            return false;
        core_->items.add(std::move(item));
        core_->counted();
        unlockThenNotify(lock.native(), &core_->notEmpty, blocked);
        return true;
    }

    template <class Range>
    bool extend(Range&& items, const Signal& till)
    {
        MutexLock lock(core_->mutex);
        std::optional<Blocked> blocked;
        for (auto& item : items) {
            if (!waitForRoom(lock.native(), till, blocked))
                return false;
            core_->items.add(std::move(item));
            core_->counted();
            core_->notEmpty.notify_one();
        }
        return true;
    }

    std::optional<T> pop(const Signal& till)
    {
        MutexLock lock(core_->mutex);
        std::optional<Blocked> blocked;
        if (core_->items.empty() && !core_->closed && !till) {
            // An item is often a moment away: look for it before sleeping.
            lock.unlock();
            spinBriefly([this] { return core_->count.load(std::memory_order_relaxed) != 0; });
            lock.lock();
            // Counted only when it blocks: a hand-over that the spin caught
            // costs nothing more.
            if (core_->items.empty() && !core_->closed) {
                blocked.emplace(core_->blocked, lock.native());
                waitUntil(
                    lock.native(), core_->notEmpty, till, core_,
                    [this]() SKEIN_REQUIRES(core_->mutex) { return !core_->items.empty() || core_->closed; },
                    [](const void* q) { return static_cast<const BasicQueue*>(q)->describe("pop"); }, this);
            }
        }
        return takeNext(lock.native(), blocked);
    }

    std::optional<T> tryPop()
    {
        MutexLock lock(core_->mutex);
        std::optional<Blocked> neverBlocks;
        return takeNext(lock.native(), neverBlocks);
    }

    std::vector<T> popAll()
    {
        MutexLock lock(core_->mutex);
        std::vector<T> all;
        // One at a time, so that a throw leaves that item and the rest in
        // place. Reserved: push_back never reallocates, so it either adds
        // the item or changes nothing.
        all.reserve(core_->items.size());
        try {
            while (!core_->items.empty()) {
                all.push_back(std::move(core_->items.next()));
                core_->items.dropNext();
            }
        } catch (...) {
            if (all.empty())
                throw;
            // The items taken so far are handed out; the one that threw is
            // still next, and fails its next pop if it fails again.
        }
        core_->popped += all.size();
        core_->counted();
        lock.unlock();
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
        MutexLock lock(core_->mutex);
        return core_->items.size();
    }

    const std::string& name() const noexcept { return name_; }
    std::size_t maxSize() const noexcept { return maxSize_; }

    void taskDone()
    {
        MutexLock lock(core_->mutex);
        if (core_->popped == 0)
            throw UsageError(std::string(Store::kind) + " '" + name_ +
                             "': taskDone() called more times than items were popped");
        --core_->popped;
        // Under the mutex: a waitDone() that sees the work done may return,
        // and its caller free the queue, only once this call is through.
        if (core_->allDone())
            core_->tasksDone.notify_all();
    }

    bool waitDone(const Signal& till)
    {
        MutexLock lock(core_->mutex);
        return waitUntilDone(
            lock.native(), core_->tasksDone, core_->blocked, till, core_,
            [this]() SKEIN_REQUIRES(core_->mutex) { return core_->allDone(); },
            [](const void* q) { return static_cast<const BasicQueue*>(q)->describe("waitDone"); }, this, Store::kind,
            name_);
    }

private:
    struct Core {
        explicit Core(Store store) : items(std::move(store)) {}

        // Taken without MutexLock::Spin: producers and consumers share it
        // and hold it for a heap operation each, long enough that a
        // waiter's try_lock at every pause takes the line from the holder
        // again and again. Sleeping on it costs less (PriorityQueue 1P/1C:
        // 3.7 M/s with the spin, 5.3 M/s without).
        Mutex mutex;
        std::condition_variable notEmpty;
        std::condition_variable notFull;
        std::condition_variable tasksDone;
        Store items SKEIN_GUARDED_BY(mutex);
        bool closed SKEIN_GUARDED_BY(mutex) = false;
        // Items popped and not yet marked done by taskDone(). With the items
        // still queued they are the unfinished tasks: nothing but a pop takes
        // an item out, so no counter on the add() path is needed.
        std::size_t popped SKEIN_GUARDED_BY(mutex) = 0;
        BlockedCalls blocked;
        // items.size(), written under mutex, read without it to spin on. On a
        // line of its own: a consumer spinning on it must not take the
        // mutex's line away from the producer that holds it.
        alignas(64) std::atomic<std::size_t> count{0};

        void counted() SKEIN_REQUIRES(mutex) { count.store(items.size(), std::memory_order_relaxed); }
        bool allDone() const SKEIN_REQUIRES(mutex) { return popped == 0 && items.empty(); }
    };

    // Counts a call that blocked among the queue's blocked calls, from its
    // first block to its last touch of the queue, so that the destructor
    // waits for it.
    using Blocked = BlockedCalls::Entry;

    // What a thread blocked in `operation` waits on, for dumpThreads():
    // "Queue 'jobs' (pop)". Takes no lock: the name is const.
    std::string describe(const char* operation) const
    {
        return std::string(Store::kind) + " '" + name_ + "' (" + operation + ")";
    }

    // With the mutex held: waits until there is room, emplacing `blocked`
    // when it must block. False when `till` went first; throws QueueClosed
    // when the queue is or becomes closed.
    bool waitForRoom(std::unique_lock<std::mutex>& lock, const Signal& till, std::optional<Blocked>& blocked)
        SKEIN_REQUIRES(core_->mutex)
    {
        throwIfClosed("add");
        if (maxSize_ == 0)
            return true;
        const std::size_t max = maxSize_;
        if (core_->items.size() < max)
            return true;
        if (till)
            return false;
        if (!blocked)
            blocked.emplace(core_->blocked, lock);
        const bool room = waitUntil(
            lock, core_->notFull, till, core_,
            [this, max]() SKEIN_REQUIRES(core_->mutex) { return core_->items.size() < max || core_->closed; },
            [](const void* q) { return static_cast<const BasicQueue*>(q)->describe("add, full"); }, this);
        throwIfClosed("add");
        return room;
    }

    void throwIfClosed(const char* operation) const SKEIN_REQUIRES(core_->mutex)
    {
        if (core_->closed)
            throw QueueClosed(std::string(Store::kind) + " '" + name_ +
                              (core_->blocked.destroying() ? "' is being destroyed: " : "' is closed: ") + operation +
                              "() refused");
    }

    // With the mutex held: removes the next item, if any, and releases the
    // mutex. The item is moved once, straight into the caller's result (a
    // returned prvalue is not moved again), and leaves the store only after
    // that move succeeded: a move that throws leaves it next.
    std::optional<T> takeNext(std::unique_lock<std::mutex>& lock, std::optional<Blocked>& blocked)
        SKEIN_REQUIRES(core_->mutex)
    {
        if (core_->items.empty())
            return std::nullopt;
        if constexpr (std::is_nothrow_move_constructible_v<T>) {
            std::optional<T> item(std::in_place, std::move(core_->items.next()));
            dropNext(lock, blocked);
            return item;
        } else {
            T& next = core_->items.next();
            const DropNextOnSuccess drop{*this, lock, blocked};
            return std::optional<T>(std::in_place, std::move(next));
        }
    }

    // With the mutex held: removes the item just moved out, counts it as
    // popped, releases the mutex, and tells a waiting add() there is room.
    void dropNext(std::unique_lock<std::mutex>& lock, std::optional<Blocked>& blocked) SKEIN_REQUIRES(core_->mutex)
    {
        core_->items.dropNext();
        ++core_->popped;
        core_->counted();
        unlockThenNotify(lock, maxSize_ != 0 ? &core_->notFull : nullptr, blocked);
    }

    struct DropNextOnSuccess {
        BasicQueue& queue;
        std::unique_lock<std::mutex>& lock;
        std::optional<Blocked>& blocked;
        const int exceptions = std::uncaught_exceptions();

        ~DropNextOnSuccess()
        {
            if (std::uncaught_exceptions() != exceptions)
                return;  // the move threw: the item stays
            queue.dropNext(lock, blocked);
        }
    };

    const std::shared_ptr<Core> core_;
    const std::string name_;
    const std::size_t maxSize_;
};

}  // namespace skein::detail
