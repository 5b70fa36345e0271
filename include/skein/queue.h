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
/// ### Task tracking
///   As Python's queue.Queue task_done() and join(): a consumer marks each
///   item it popped as processed, and a thread can wait until every item
///   added has been.
/// - Every item added (add, push, extend) is a task. An item counts as popped
///   when pop(), tryPop() or popAll() returns it; taskDone() says one popped
///   item is processed. Calling it more often than items were popped throws
///   UsageError naming the Queue (Python counts against items added; Skein
///   counts against items popped, which catches a stray call sooner).
/// - waitDone(till) returns true when every item added so far has been
///   popped and marked done (at once when there is none), false when `till`
///   went first. An item handed back with push() is a new task: the pop
///   that took it still needs its taskDone().
/// - close() does not end a waitDone(): the items left are still drained and
///   processed. waitDone() returning true says the work is done, not that
///   the consumers have left the Queue: close it and join them before
///   destroying it.
///
/// ### Lifetime
/// - Destroying a Queue while threads block in it is defined: the destructor
///   closes it, so a blocked pop() returns nullopt (or an item added before
///   the destruction began) and a blocked add() or extend() throws
///   QueueClosed saying the Queue is being destroyed. A blocked waitDone()
///   returns true when the work was done before the destruction began, and
///   otherwise throws QueueClosed saying the Queue is being destroyed (the
///   work can no longer be done; false would say `till` went). The
///   destructor waits until every blocked call has left.
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
///   that pops it. Everything consumers did before their taskDone() calls is
///   visible to a thread after its waitDone() returned true.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "skein/detail/fifo_queue.h"
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
        : queue_(std::move(name), maxSize)
    {}
    Queue(const Queue&) = delete;
    Queue& operator=(const Queue&) = delete;
    /// Wakes the calls blocked in the Queue, as close() does but with
    /// QueueClosed saying it is being destroyed, and waits until they have
    /// left. Returns at once when none is blocked.
    ~Queue() = default;

    /// Appends `item`, blocking while a bounded Queue is full. True when
    /// added; false when `till` went first (the item is dropped). Throws
    /// QueueClosed when the Queue is, or becomes, closed.
    bool add(T item, const Signal& till = Signal::never()) { return queue_.add(std::move(item), till); }

    /// Puts `item` at the front, to be popped next. Never blocks, even past
    /// maxSize(). Throws QueueClosed after close().
    void push(T item) { queue_.pushFront(std::move(item)); }

    /// Adds the range's items in order, as add() would. True when all were
    /// added; false when `till` went first, leaving the rest in the range.
    /// Throws QueueClosed when the Queue is, or becomes, closed.
    template <class Range>
    bool extend(Range&& items, const Signal& till = Signal::never())
    {
        return queue_.extend(std::forward<Range>(items), till);
    }

    /// Removes and returns the front item, blocking while the Queue is empty.
    /// nullopt when `till` went first, or when the Queue is closed and
    /// empty (items added before close() are drained first).
    std::optional<T> pop(const Signal& till = Signal::never()) { return queue_.pop(till); }

    /// The front item, removed, or nullopt when the Queue is empty. Never
    /// blocks, also on a closed Queue.
    std::optional<T> tryPop() { return queue_.tryPop(); }

    /// Every item, removed, front first; empty when there is none. Never
    /// blocks.
    std::vector<T> popAll() { return queue_.popAll(); }

    /// Closes the Queue: later adds throw QueueClosed, blocked add() calls
    /// wake and throw it, blocked pop() calls wake and drain what is left.
    /// Idempotent.
    void close() { queue_.close(); }

    /// True once close() has been called.
    bool isClosed() const { return queue_.isClosed(); }

    /// How many items wait in the Queue now (a snapshot).
    std::size_t size() const { return queue_.size(); }

    /// True when no item waits now (a snapshot).
    bool empty() const { return size() == 0; }
    /// The name given at construction, or a generated one ("queue-4").
    std::string name() const { return queue_.name(); }
    /// The bound given at construction; 0: unbounded.
    std::size_t maxSize() const noexcept { return queue_.maxSize(); }

    /// Marks one popped item as processed. Throws UsageError naming the
    /// Queue when every item popped so far has been marked already.
    void taskDone() { queue_.taskDone(); }

    /// Blocks until every item added so far has been popped and marked done
    /// with taskDone(). True then (at once when nothing is outstanding);
    /// false when `till` went first.
    bool waitDone(const Signal& till = Signal::never()) { return queue_.waitDone(till); }

private:
    detail::FifoQueue<T> queue_;
};

}  // namespace skein
