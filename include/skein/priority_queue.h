// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — PriorityQueue<T, Compare>: a thread-safe priority queue that moves
/// items between threads, the greatest first.
///
/// The Queue contract (queue.h) with another order, and without push():
/// items are moved in and out, never copied, so T only needs to be movable.
///
/// ### Order
/// - pop() takes the greatest item under `Compare` (std::less: the largest);
///   among equal items (neither compares less than the other) the one added
///   first. Every value of T is a priority like any other: 0, or a
///   default-constructed T, is not "no priority".
/// - `Compare` is called with the queue's mutex held, so it must not use the
///   queue. A `Compare` that throws makes the call that invoked it (add,
///   extend, pop, tryPop, popAll) throw that exception and change nothing;
///   one that is not a strict weak order muddles the order but loses or
///   duplicates no item.
///
/// ### Contract
/// - add(item, till) puts the item in its place; on a bounded PriorityQueue
///   (maxSize > 0) it blocks while the queue is full. It returns false when
///   `till` went before there was room (the item is dropped), and throws
///   QueueClosed once the queue is closed, also when close() happens while it
///   waits.
/// - extend(items, till) adds the items in order, as add() would. It returns
///   false when `till` went first; the items not added are left in the range,
///   untouched.
/// - pop(till) removes the greatest item, blocking while the queue is empty.
///   It returns nullopt when `till` went first, or when the queue is closed
///   and empty: items added before close() are always drained first.
/// - tryPop() and popAll() never block; popAll() returns the items in the
///   order pop() would have.
/// - close() is idempotent and wakes every blocked add() and pop().
/// - Task tracking as Queue's: every item added is a task; an item counts as
///   popped when pop(), tryPop() or popAll() returns it; taskDone() marks one
///   popped item processed (more calls than items popped: UsageError naming
///   the queue); waitDone(till) returns true once every item added so far has
///   been popped and marked done, false when `till` went first.
///
/// ### Lifetime
/// - Destroying a PriorityQueue while threads block in it is defined, as for
///   Queue: the destructor closes it, so a blocked pop() returns nullopt (or
///   an item added before the destruction began), a blocked add() or
///   extend() throws QueueClosed saying the queue is being destroyed, and a
///   blocked waitDone() returns true if the work was done before, else
///   throws that QueueClosed. The destructor waits until every blocked call
///   has left.
/// - A call that starts after destruction began is undefined, as for any
///   object.
///
/// ### Exception safety
///   T's moves and `Compare` may throw; the queue neither loses nor
///   duplicates an item and stays usable:
/// - add() that throws has changed nothing (the item, handed over by value,
///   ends with the call).
/// - extend() that throws has added the items before the one whose move or
///   comparison threw; that one and the rest are left in the range.
/// - pop() and tryPop() that throw leave the item in the queue.
/// - popAll() returns the items before the first whose move or comparison
///   throws, which stays in the queue; when that is the first item, popAll()
///   throws.
///   A T whose move constructor or move assignment may throw is kept behind a
///   pointer (one allocation per item), so that rearranging the heap never
///   moves a T: each item is moved once on the way in and once on the way
///   out. Any other T is kept in place.
///
/// ### Memory ordering
///   Everything a thread did before adding an item is visible to the thread
///   that pops it. Everything consumers did before their taskDone() calls is
///   visible to a thread after its waitDone() returned true.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "skein/detail/basic_queue.h"
#include "skein/signal.h"

namespace skein {

/// A thread-safe priority queue that moves items of a movable `T` between
/// threads, the greatest under `Compare` first and equal items in the order
/// they came; bounded or not, closable. The contract is in priority_queue.h.
template <class T, class Compare = std::less<T>>
class PriorityQueue {
public:
    /// An open, empty PriorityQueue. `maxSize` 0 is unbounded; an unnamed
    /// one gets a generated name ("priority-queue-4") for its messages.
    explicit PriorityQueue(std::string name = {}, std::size_t maxSize = 0)
        : PriorityQueue(std::move(name), maxSize, Compare())
    {}
    /// As above, ordering items with `compare` (a comparator with state).
    PriorityQueue(std::string name, std::size_t maxSize, Compare compare)
        : queue_(std::move(name), "priority-queue", maxSize, detail::HeapStore<T, Compare>(std::move(compare)))
    {}
    PriorityQueue(const PriorityQueue&) = delete;
    PriorityQueue& operator=(const PriorityQueue&) = delete;
    /// Wakes the calls blocked in the queue, as close() does but with
    /// QueueClosed saying it is being destroyed, and waits until they have
    /// left. Returns at once when none is blocked.
    ~PriorityQueue() = default;

    /// Adds `item` in its place, blocking while a bounded queue is full. True
    /// when added; false when `till` went first (the item is dropped). Throws
    /// QueueClosed when the queue is, or becomes, closed.
    bool add(T item, const Signal& till = Signal::never()) { return queue_.add(std::move(item), till); }

    /// Adds the range's items in order, as add() would. True when all were
    /// added; false when `till` went first, leaving the rest in the range.
    /// Throws QueueClosed when the queue is, or becomes, closed.
    template <class Range>
    bool extend(Range&& items, const Signal& till = Signal::never())
    {
        return queue_.extend(std::forward<Range>(items), till);
    }

    /// Removes and returns the greatest item (the oldest of equal ones),
    /// blocking while the queue is empty. nullopt when `till` went first, or
    /// when the queue is closed and empty (items added before close() are
    /// drained first).
    std::optional<T> pop(const Signal& till = Signal::never()) { return queue_.pop(till); }

    /// The greatest item, removed, or nullopt when the queue is empty. Never
    /// blocks, also on a closed queue.
    std::optional<T> tryPop() { return queue_.tryPop(); }

    /// Every item, removed, in the order pop() would take them; empty when
    /// there is none. Never blocks.
    std::vector<T> popAll() { return queue_.popAll(); }

    /// Closes the queue: later adds throw QueueClosed, blocked add() calls
    /// wake and throw it, blocked pop() calls wake and drain what is left.
    /// Idempotent.
    void close() { queue_.close(); }

    /// True once close() has been called.
    bool isClosed() const { return queue_.isClosed(); }

    /// How many items wait in the queue now (a snapshot).
    std::size_t size() const { return queue_.size(); }

    /// True when no item waits now (a snapshot).
    bool empty() const { return size() == 0; }
    /// The name given at construction, or a generated one
    /// ("priority-queue-4").
    std::string name() const { return queue_.name(); }
    /// The bound given at construction; 0: unbounded.
    std::size_t maxSize() const noexcept { return queue_.maxSize(); }

    /// Marks one popped item as processed. Throws UsageError naming the
    /// queue when every item popped so far has been marked already.
    void taskDone() { queue_.taskDone(); }

    /// Blocks until every item added so far has been popped and marked done
    /// with taskDone(). True then (at once when nothing is outstanding);
    /// false when `till` went first.
    bool waitDone(const Signal& till = Signal::never()) { return queue_.waitDone(till); }

private:
    detail::BasicQueue<T, detail::HeapStore<T, Compare>> queue_;
};

}  // namespace skein
