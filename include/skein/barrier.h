// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Barrier and Latch: threads meeting at a point.
///
/// A Barrier lets `count` threads wait for each other, round after round,
/// as Python's threading.Barrier does. A Latch is a one-shot count down to
/// a Signal, as C++20's std::latch, with Skein's Signal as its wait.
///
/// ### Barrier contract
/// - wait(till) arrives at the barrier and blocks until `count` threads have
///   arrived in the same round. It returns the arrival index: 0 for the
///   first thread of the round, count − 1 for the last, which does not
///   block. The barrier then begins the next round at once: a thread that
///   comes back for the next round while others are still waking from this
///   one joins the next round, never this one.
/// - An optional completion function runs once per round, on the last
///   thread to arrive, before any thread of the round returns and before
///   the next round begins (threads arriving meanwhile wait for it to end).
///   If it throws, the barrier breaks, the last thread's wait() rethrows
///   that exception and the others throw BrokenBarrier. It must not call
///   wait() on its own barrier (that throws UsageError); abort() and reset()
///   are allowed and break its round.
/// - A broken barrier throws BrokenBarrier, naming the barrier and what
///   broke it, from every wait() blocked in it and from every later wait(),
///   until reset(). It breaks on abort(), on a completion function that
///   throws, and when the `till` of a wait() goes before that wait's round is
///   complete, as a Python timeout does: that wait() throws BrokenBarrier
///   too, so no thread waits for a party that left. A `till` that has gone
///   already breaks the barrier unless its wait() completes the round (the
///   last thread never blocks). A `till` that goes once the round is
///   complete, while its completion function runs, changes nothing. A
///   wait() that may not block where it is called (in a Till's callback, on
///   the timer thread: UsageError) leaves its round so, too.
/// - reset() wakes the wait() calls of the current round with BrokenBarrier
///   and makes the barrier usable again at once, broken or not.
/// - `Barrier(0)` throws InvalidArgument; `Barrier(1)` never blocks.
///
/// ### Latch contract
/// - countDown(n) lowers the count by n. done() goes when it reaches zero;
///   for `Latch(0)` it has gone already. Counting down past zero throws
///   UsageError naming the latch and changes nothing.
/// - The blocking wait is done()'s: `latch.done().wait(till)` returns true
///   once the count reached zero, false when `till` went first. done()
///   composes like any Signal (`latch.done() | pleaseStop`); its name is the
///   latch's with ".done", as dumpThreads() shows a wait on it
///   ("Signal 'workers.done'").
///
/// ### Lifetime
/// - Destroying a Barrier while threads wait in it is defined: they wake and
///   throw BrokenBarrier saying it is being destroyed (a round whose
///   completion function is running breaks too), and the destructor waits
///   until they have left. Any call that starts after destruction began is
///   undefined, as for any object.
/// - A Latch has no blocking call of its own. A wait through the reference
///   that done() returns needs the Latch alive; to wait beyond its life, wait
///   on a copy (`Signal done = latch.done();`): the copy stays a valid
///   Signal, which never goes if the Latch was destroyed before reaching zero.
///
/// ### Memory ordering
///   Everything a thread of a round did before its wait() is visible to
///   every thread of that round after its wait() returns, and to the
///   completion function. Everything a thread did before its countDown() is
///   visible to a thread that sees done() gone.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "skein/detail/names.h"
#include "skein/error.h"
#include "skein/signal.h"
#include "skein/skein_export.h"

namespace skein {

/// A reusable meeting point for `count` threads, round after round. The
/// contract is in barrier.h.
class SKEIN_EXPORT Barrier {
public:
    /// A barrier for `count` threads; 0 throws InvalidArgument. An unnamed
    /// Barrier gets a generated name ("barrier-2") for its messages. A
    /// `completion`, if given, runs once per round on its last thread, before
    /// the round's threads are released.
    explicit Barrier(std::size_t count, std::string name = {}, std::function<void()> completion = {});
    Barrier(const Barrier&) = delete;
    Barrier& operator=(const Barrier&) = delete;
    /// Wakes the threads waiting in it, which throw BrokenBarrier, and waits
    /// until they have left. Returns at once when none waits.
    ~Barrier();

    /// Arrives and blocks until the round is complete. Returns the arrival
    /// index, 0 (first) to count() − 1 (last). Throws BrokenBarrier when the
    /// barrier is or becomes broken, also by this wait's `till` going first.
    std::size_t wait(const Signal& till = Signal::never());
    /// Breaks the barrier: waiting and later wait() calls throw BrokenBarrier
    /// until reset(). Idempotent; the first cause stays the one named.
    void abort();
    /// Wakes the current round's waiters with BrokenBarrier and makes the
    /// barrier usable again, whether or not it was broken.
    void reset();

    /// True from abort() or another break until reset().
    bool isBroken() const;
    /// How many threads wait in the current round now (a snapshot).
    std::size_t waiting() const;
    /// The number of threads a round needs, given at construction.
    std::size_t count() const noexcept { return count_; }
    /// The name given at construction, or a generated one ("barrier-2").
    std::string name() const { return name_; }

private:
    struct Core;
    struct Waiter;

    const std::shared_ptr<Core> core_;
    const std::string name_;
    const std::size_t count_;
    const std::function<void()> completion_;
};

/// A one-shot count down: done() goes when the count reaches zero. The
/// contract is in barrier.h.
class Latch {
public:
    /// A latch that needs `count` count-downs; Latch(0) is done at once. An
    /// unnamed Latch gets a generated name ("latch-5") for its messages.
    explicit Latch(std::size_t count, std::string name = {})
        : name_(name.empty() ? detail::generatedName("latch") : std::move(name)),
          remaining_(count),
          done_(name_ + ".done")
    {
        if (count == 0)
            done_.go();
    }
    Latch(const Latch&) = delete;
    Latch& operator=(const Latch&) = delete;

    /// Lowers the count by `n`; the one that reaches zero makes done() go.
    /// Throws UsageError naming the latch, changing nothing, when `n` is
    /// more than what remains.
    void countDown(std::size_t n = 1)
    {
        std::size_t now = remaining_.load(std::memory_order_relaxed);
        do {
            if (n > now)
                throw UsageError("Latch '" + name_ + "': countDown(" + std::to_string(n) + ") with " +
                                 std::to_string(now) + " left would count down past zero");
            // acq_rel: the count-down that reaches zero has seen every
            // earlier one, and done().go() passes them all on.
        } while (!remaining_.compare_exchange_weak(now, now - n, std::memory_order_acq_rel, std::memory_order_relaxed));
        if (n != 0 && now == n)
            done_.go();
    }

    /// Goes when the count reaches zero. Wait on it (done().wait(till)) to
    /// block until then; see the contract for waits that outlive the Latch.
    const Signal& done() const noexcept { return done_; }
    /// The count still to go (a snapshot); 0 once done() went.
    std::size_t remaining() const noexcept { return remaining_.load(std::memory_order_acquire); }
    /// The name given at construction, or a generated one ("latch-5").
    std::string name() const { return name_; }

private:
    const std::string name_;
    std::atomic<std::size_t> remaining_;
    const Signal done_;
};

}  // namespace skein
