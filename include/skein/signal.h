// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Signal: a one-shot, irreversible, thread-safe flag.
///
/// A Signal starts "pending" and "goes" once; it never comes back. Threads
/// wait for it, and callbacks registered with then() run when it goes. A
/// Signal is a cheap handle: copies share one state, which lives as long as
/// the last handle, composite or pending registration that refers to it.
///
/// ### Contract
/// - go() is idempotent and may be called from any thread, concurrently. The
///   first call wakes every waiter, then runs each `then` callback exactly once,
///   in order of registration, on the calling thread, with no Skein lock held.
///   Later calls return at once (they do not wait for the callbacks). A
///   waiter that go() wakes may destroy the handle that go() was called
///   through (`[&done] { done.go(); }` while the owner of `done` waits on it
///   and then returns): go() keeps the state alive until it has returned.
/// - then(fn) on a Signal that has gone runs fn at once, on the caller's
///   thread, before then() returns. Otherwise fn runs on the thread that calls
///   go(). A callback must not block waiting for work that the thread calling
///   go() would have to do after it. Waiting on the Signal itself is fine (it
///   has gone: the wait returns at once); a thread's join() inside its own
///   stopped() callbacks, and any blocking wait inside a Till's callbacks (on
///   the timer thread), throw UsageError. An exception thrown by a callback is
///   caught and logged (skein/log.h); the remaining callbacks still run.
/// - removeThen(s) returns true when it removed the callback before it started;
///   the callback then never runs. It returns false when the callback has run,
///   is running (it does not wait for it), or was never registered here. A
///   callback may remove itself or any other callback, including ones that
///   have not run yet in the same go().
/// - wait(till) returns bool(*this) after waking: true when this Signal went
///   (also if `till` went at the same time), false when only `till` went.
/// - then() on never() keeps nothing: the callback can never run.
///
/// ### Composites
///   a | b goes when either goes; a & b when both have gone. A composite of
///   inputs that already decide it is born gone (`done() | x`, `a | b` after a
///   went) or is never() itself (`never() & x`). A composite lives while something
///   can still observe it: a handle, a waiter, or a pending then() callback
///   (`(pleaseStop | done).then(cleanup)` runs cleanup though the composite was
///   a temporary), as long as an input that can still go is alive. It
///   unregisters from its inputs as soon as it goes or nothing observes it any
///   more, so a long-lived Signal such as a thread's pleaseStop does not
///   accumulate callbacks from short-lived composites.
///
/// ### Memory ordering
///   Everything a thread did before go() is visible to a thread after its
///   wait() returns true, after it sees bool(signal) == true, and inside any
///   callback run by that go().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "skein/detail/chrono.h"
#include "skein/skein_export.h"

namespace skein {

namespace detail {
struct SignalState;
struct SignalAccess;
}  // namespace detail

/// A token for one then() registration; pass it to removeThen(). Copyable.
/// A default-constructed Subscription, or one for a callback that ran inline,
/// removes nothing.
class Subscription {
public:
    Subscription() = default;

private:
    friend class Signal;
    Subscription(std::weak_ptr<detail::SignalState> state, std::uint64_t id) : state_(std::move(state)), id_(id) {}

    std::weak_ptr<detail::SignalState> state_;
    std::uint64_t id_ = 0;
};

/// A one-shot, irreversible, thread-safe flag, and a cheap handle on it:
/// copies share one state. The contract is in signal.h.
class SKEIN_EXPORT Signal {
public:
    /// A new Signal that has not gone. Unnamed Signals get a generated name
    /// ("signal-17") the first time name() is asked.
    Signal();
    /// A new Signal that has not gone, called `name` in messages and dumps.
    explicit Signal(std::string name);
    /// Another handle on the same Signal.
    Signal(const Signal&) = default;
    /// Moving a handle copies it: a moved-from Signal is still the same,
    /// valid Signal, never an empty handle that would crash.
    Signal(Signal&& other) noexcept : state_(other.state_) {}
    /// Makes this a handle on `other`'s Signal.
    Signal& operator=(const Signal&) = default;
    /// As copy assignment: `other` stays a valid handle on its Signal.
    Signal& operator=(Signal&& other) noexcept
    {
        state_ = other.state_;
        return *this;
    }
    ~Signal() = default;

    /// Goes: wakes every waiter, then runs the callbacks (see the contract).
    /// Throws UsageError on never(). A const handle can go: handles share
    /// one state, and going is what every holder of the Signal may do.
    void go() const;

    /// Has it gone? Never blocks.
    explicit operator bool() const noexcept;

    /// Blocks until it goes.
    void wait() const;
    /// Blocks until this or `till` goes. Returns bool(*this).
    bool wait(const Signal& till) const;
    /// wait(Till(timeout)). A zero or negative timeout does not block; NaN
    /// throws InvalidArgument.
    template <class Rep, class Period>
    bool waitFor(std::chrono::duration<Rep, Period> timeout) const
    {
        return waitUntil(detail::deadlineAfter(timeout));
    }

    /// Runs fn once when it goes; at once, on this thread, if it already went.
    Subscription then(std::function<void()> fn) const;
    /// True when the callback was removed before it started (it never runs).
    bool removeThen(const Subscription& subscription) const;

    /// The name given at construction, or a generated one ("signal-17").
    std::string name() const;

    /// The Signal that has always gone, and the one that never goes. Both are
    /// one process-wide handle each: default `till` arguments cost nothing.
    static const Signal& done();
    /// The Signal that never goes: go() on it throws UsageError, then() on
    /// it keeps nothing. The default `till` of every blocking call.
    static const Signal& never();
    /// True for never() (and handles that share its state).
    bool isNever() const noexcept;

    /// Handles are equal when they share one state.
    friend bool operator==(const Signal& a, const Signal& b) noexcept { return a.state_ == b.state_; }
    friend bool operator!=(const Signal& a, const Signal& b) noexcept { return a.state_ != b.state_; }

    friend Signal operator|(const Signal& a, const Signal& b);
    friend Signal operator&(const Signal& a, const Signal& b);

protected:
    /// \cond INTERNAL
    explicit Signal(std::shared_ptr<detail::SignalState> state) noexcept : state_(std::move(state)) {}
    /// \endcond

private:
    friend struct detail::SignalState;
    friend struct detail::SignalAccess;
    bool waitUntil(std::chrono::steady_clock::time_point deadline) const;

    std::shared_ptr<detail::SignalState> state_;
};

/// A Signal that goes when `a` or `b` goes; already gone if either has.
SKEIN_EXPORT Signal operator|(const Signal& a, const Signal& b);
/// A Signal that goes when both `a` and `b` have gone; already gone if both
/// have; never() itself if either is never().
SKEIN_EXPORT Signal operator&(const Signal& a, const Signal& b);

}  // namespace skein
