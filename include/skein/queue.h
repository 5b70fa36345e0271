// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Queue<T>: a thread-safe FIFO that moves items between threads.
///
/// Items are moved in and out, never copied: T only needs to be movable.
///
/// ### Contract
/// - add(item, till) appends; on a bounded Queue (maxSize > 0) it blocks while
///   the Queue is full. It returns false when `till` went before there was
///   room (the item is dropped), and throws QueueClosed once the Queue is
///   closed, also when close() happens while it waits.
/// - push(item) puts an item at the front, to be popped next. It never blocks
///   and may take a bounded Queue past maxSize (it is for handing an item
///   back). After close() it throws QueueClosed.
/// - extend(items, till) adds the items in order, as add() would. It returns
///   false when `till` went first; the items not added are left in the range,
///   untouched.
/// - pop(till) removes the front item, blocking while the Queue is empty. It
///   returns nullopt when `till` went first, or when the Queue is closed and
///   empty: items added before close() are always drained first.
/// - tryPop() and popAll() never block.
/// - close() is idempotent and wakes every blocked add() and pop().
///
/// ### Lifetime
/// - Destroying a Queue while threads block in it is defined: the destructor
///   closes it, so a blocked pop() returns nullopt (or an item added before
///   the destruction began) and a blocked add() or extend() throws
///   QueueClosed saying the Queue is being destroyed. The destructor waits
///   until every blocked call has left.
/// - A call that starts after destruction began is undefined, as for any
///   object.
///
/// ### Exception safety
///   T's move constructor may throw; the Queue neither loses nor duplicates an
///   item and stays usable. Each item is moved once on the way in and once on
///   the way out, and leaves its place only after its move succeeded:
/// - add() and push() that throw have changed nothing (the item, handed over
///   by value, ends with the call).
/// - extend() that throws has added the items before the one whose move threw;
///   that one and the rest are left in the range.
/// - pop() and tryPop() that throw leave the item at the front.
/// - popAll() returns the items before the first whose move throws, which
///   stays at the front; when that is the first item, popAll() throws.
///
/// ### Memory ordering
///   Everything a thread did before adding an item is visible to the thread
///   that pops it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <iterator>
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

namespace skein {

/// A thread-safe FIFO that moves items of a movable `T` between threads,
/// bounded or not, closable. The contract is in queue.h.
template <class T>
class Queue {
public:
    /// An open, empty Queue. `maxSize` 0 is unbounded; an unnamed Queue gets
    /// a generated name ("queue-4") for its messages.
    explicit Queue(std::string name = {}, std::size_t maxSize = 0)
        : core_(std::make_shared<Core>()),
          name_(name.empty() ? detail::generatedName("queue") : std::move(name)),
          maxSize_(maxSize)
    {}
    Queue(const Queue&) = delete;
    Queue& operator=(const Queue&) = delete;
    /// Wakes the calls blocked in the Queue, as close() does but with
    /// QueueClosed saying it is being destroyed, and waits until they have
    /// left. Returns at once when none is blocked.
    ~Queue()
    {
        Core& core = *core_;
        detail::MutexLock lock(core.mutex);
        // The analysis cannot see that awaitLeaving() calls this with the
        // mutex held.
        core.blocked.awaitLeaving(lock.native(), [&core]() SKEIN_NO_THREAD_SAFETY_ANALYSIS {
            core.closed = true;
            core.notEmpty.notify_all();
            core.notFull.notify_all();
        });
    }

    /// Appends `item`, blocking while a bounded Queue is full. True when
    /// added; false when `till` went first (the item is dropped). Throws
    /// QueueClosed when the Queue is, or becomes, closed.
    bool add(T item, const Signal& till = Signal::never())
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        std::optional<Blocked> blocked;
        if (!waitForRoom(lock.native(), till, blocked))
            return false;
        core_->items.push_back(std::move(item));
        core_->counted();
        unlockAndNotify(lock.native(), &core_->notEmpty, blocked);
        return true;
    }

    /// Puts `item` at the front, to be popped next. Never blocks, even past
    /// maxSize(). Throws QueueClosed after close().
    void push(T item)
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        throwIfClosed("push");
        core_->items.push_front(std::move(item));
        core_->counted();
        lock.unlock();
        core_->notEmpty.notify_one();
    }

    /// Adds the range's items in order, as add() would. True when all were
    /// added; false when `till` went first, leaving the rest in the range.
    /// Throws QueueClosed when the Queue is, or becomes, closed.
    template <class Range>
    bool extend(Range&& items, const Signal& till = Signal::never())
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        std::optional<Blocked> blocked;
        for (auto& item : items) {
            if (!waitForRoom(lock.native(), till, blocked))
                return false;
            core_->items.push_back(std::move(item));
            core_->counted();
            core_->notEmpty.notify_one();
        }
        return true;
    }

    /// Removes and returns the front item, blocking while the Queue is empty.
    /// nullopt when `till` went first, or when the Queue is closed and
    /// empty (items added before close() are drained first).
    std::optional<T> pop(const Signal& till = Signal::never())
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        std::optional<Blocked> blocked;
        if (core_->items.empty() && !core_->closed && !till) {
            // An item is often a moment away: look for it before sleeping.
            lock.unlock();
            for (int i = 0; i < detail::spinsBeforeBlocking && core_->count.load(std::memory_order_relaxed) == 0; ++i)
                detail::cpuRelax();
            lock.lock();
            // Counted only when it blocks: a hand-over that the spin caught
            // costs nothing more.
            if (core_->items.empty() && !core_->closed) {
                blocked.emplace(core_->blocked, lock.native());
                detail::waitUntil(
                    lock.native(), core_->notEmpty, till, core_,
                    [this]() SKEIN_REQUIRES(core_->mutex) { return !core_->items.empty() || core_->closed; },
                    [](const void* q) { return "Queue '" + static_cast<const Queue*>(q)->name_ + "' (pop)"; }, this);
            }
        }
        return takeFront(lock.native(), blocked);
    }

    /// The front item, removed, or nullopt when the Queue is empty. Never
    /// blocks, also on a closed Queue.
    std::optional<T> tryPop()
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        std::optional<Blocked> neverBlocks;
        return takeFront(lock.native(), neverBlocks);
    }

    /// Every item, removed, front first; empty when there is none. Never
    /// blocks.
    std::vector<T> popAll()
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        std::vector<T> all;
        if constexpr (std::is_nothrow_move_constructible_v<T>) {
            all.assign(std::make_move_iterator(core_->items.begin()), std::make_move_iterator(core_->items.end()));
            core_->items.clear();
        } else {
            // One at a time, so that a throwing move leaves that item and the
            // rest in place. Reserved: push_back never reallocates, so it
            // either adds the item or changes nothing.
            all.reserve(core_->items.size());
            try {
                while (!core_->items.empty()) {
                    all.push_back(std::move(core_->items.front()));
                    core_->items.pop_front();
                }
            } catch (...) {
                if (all.empty())
                    throw;
                // The items taken so far are handed out; the one that threw is
                // still at the front, and fails its next pop if it fails again.
            }
        }
        core_->counted();
        lock.unlock();
        core_->notFull.notify_all();
        return all;
    }

    /// Closes the Queue: later adds throw QueueClosed, blocked add() calls
    /// wake and throw it, blocked pop() calls wake and drain what is left.
    /// Idempotent.
    void close()
    {
        {
            detail::MutexLock lock(core_->mutex);
            core_->closed = true;
        }
        core_->notEmpty.notify_all();
        core_->notFull.notify_all();
    }

    /// True once close() has been called.
    bool isClosed() const
    {
        detail::MutexLock lock(core_->mutex);
        return core_->closed;
    }

    /// How many items wait in the Queue now (a snapshot).
    std::size_t size() const
    {
        detail::MutexLock lock(core_->mutex);
        return core_->items.size();
    }

    /// True when no item waits now (a snapshot).
    bool empty() const { return size() == 0; }
    /// The name given at construction, or a generated one ("queue-4").
    std::string name() const { return name_; }
    /// The bound given at construction; 0: unbounded.
    std::size_t maxSize() const noexcept { return maxSize_; }

private:
    struct Core {
        detail::Mutex mutex;
        std::condition_variable notEmpty;
        std::condition_variable notFull;
        std::deque<T> items SKEIN_GUARDED_BY(mutex);
        bool closed SKEIN_GUARDED_BY(mutex) = false;
        detail::BlockedCalls blocked;
        // items.size(), written under mutex, read without it to spin on. On a
        // line of its own: a consumer spinning on it must not take the
        // mutex's line away from the producer that holds it.
        alignas(64) std::atomic<std::size_t> count{0};

        void counted() SKEIN_REQUIRES(mutex) { count.store(items.size(), std::memory_order_relaxed); }
    };

    // Counts a call that blocked among the Queue's blocked calls, from its
    // first block to its last touch of the Queue, so that the destructor
    // waits for it.
    using Blocked = detail::BlockedCalls::Entry;

    // With the mutex held: waits until there is room, emplacing `blocked`
    // when it must block. False when `till` went first; throws QueueClosed
    // when the Queue is or becomes closed.
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
        const bool room = detail::waitUntil(
            lock, core_->notFull, till, core_, [this, max]() SKEIN_REQUIRES(core_->mutex) { return core_->items.size() < max || core_->closed; },
            [](const void* q) { return "Queue '" + static_cast<const Queue*>(q)->name_ + "' (add, full)"; }, this);
        throwIfClosed("add");
        return room;
    }

    void throwIfClosed(const char* operation) const SKEIN_REQUIRES(core_->mutex)
    {
        if (core_->closed)
            throw QueueClosed("Queue '" + name_ +
                              (core_->blocked.destroying() ? "' is being destroyed: " : "' is closed: ") + operation +
                              "() refused");
    }

    // With the mutex held: removes the front item, if any, and releases the
    // mutex. The item is moved once, straight into the caller's result (a
    // returned prvalue is not moved again), and leaves the deque only after
    // that move succeeded: a move that throws leaves it at the front.
    std::optional<T> takeFront(std::unique_lock<std::mutex>& lock, std::optional<Blocked>& blocked)
        SKEIN_REQUIRES(core_->mutex)
    {
        if (core_->items.empty())
            return std::nullopt;
        if constexpr (std::is_nothrow_move_constructible_v<T>) {
            std::optional<T> item(std::in_place, std::move(core_->items.front()));
            dropFront(lock, blocked);
            return item;
        } else {
            const DropFrontOnSuccess drop{*this, lock, blocked};
            return std::optional<T>(std::in_place, std::move(core_->items.front()));
        }
    }

    // With the mutex held: removes the front item, releases the mutex, and
    // tells a waiting add() there is room.
    void dropFront(std::unique_lock<std::mutex>& lock, std::optional<Blocked>& blocked) SKEIN_REQUIRES(core_->mutex)
    {
        core_->items.pop_front();
        core_->counted();
        unlockAndNotify(lock, maxSize_ != 0 ? &core_->notFull : nullptr, blocked);
    }

    // Releases the mutex and wakes one waiter on `cv`, if any: after the
    // release, so that it does not wake only to block on the mutex. A call
    // that blocked wakes it before and leaves the blocked calls, so that the
    // release is its last touch of the Queue, which a destructor may free.
    static void unlockAndNotify(std::unique_lock<std::mutex>& lock, std::condition_variable* cv,
                                std::optional<Blocked>& blocked)
    {
        if (blocked) {
            if (cv)
                cv->notify_one();
            blocked.reset();
            lock.unlock();
            return;
        }
        lock.unlock();
        if (cv)
            cv->notify_one();
    }

    struct DropFrontOnSuccess {
        Queue& queue;
        std::unique_lock<std::mutex>& lock;
        std::optional<Blocked>& blocked;
        const int exceptions = std::uncaught_exceptions();

        ~DropFrontOnSuccess()
        {
            if (std::uncaught_exceptions() != exceptions)
                return;  // the move threw: the item stays
            queue.dropFront(lock, blocked);
        }
    };

    const std::shared_ptr<Core> core_;
    const std::string name_;
    const std::size_t maxSize_;
};

}  // namespace skein
