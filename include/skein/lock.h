// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Lock: a named monitor (a mutex with one built-in wait queue).
///
/// Lock satisfies TimedLockable (lock, try_lock, try_lock_for,
/// try_lock_until, unlock), so std::lock_guard, std::unique_lock (also with a
/// timeout: `std::unique_lock<skein::Lock> l(lock, 50ms)`) and
/// std::scoped_lock work with it.
///
/// ### Contract
/// - Not reentrant. lock(), lock(till), try_lock() and the timed tries by the
///   thread that holds the Lock, and unlock() by a thread that does not, throw
///   UsageError naming the Lock and the thread. They never deadlock or
///   corrupt the Lock.
/// - lock(till) returns true once it holds the Lock, false when `till` went
///   before it could take it (it then holds nothing). A free Lock is taken
///   even when `till` has gone already, as try_lock() would.
///   try_lock_for(timeout) and try_lock_until(deadline) are lock(till) with a
///   Till: a zero or negative timeout, or a past deadline, is a try_lock().
/// - Blocked lock() calls are not served in arrival order: a thread that
///   comes just as the Lock is freed may take it first, as with std::mutex.
/// - wait(till) may only be called by the holder (else UsageError). It
///   releases the Lock, blocks until another thread wakes it or `till` goes,
///   and always re-acquires the Lock before it returns, also when it throws.
///   It returns true when it was woken by another thread, false when `till`
///   went first. A waiter that was woken returns true even if `till` went at
///   the same moment, so no wake is ever lost.
/// - Every unlock() wakes one waiter, the one waiting longest. The waiter
///   proceeds once it has re-acquired the Lock. Waiting itself (the release
///   inside wait()) wakes nobody.
///
/// ### Lifetime
/// - Destroying a Lock that threads wait on (wait()) or block in (lock(),
///   lock(till), the timed tries) is defined: those calls wake and throw
///   UsageError naming the destroyed Lock. A lock() that throws so has not
///   taken the Lock; a wait() that
///   throws so has re-acquired it, as every wait() does, so the guard that
///   holds it (std::unique_lock) may still unlock() it: that is the one call
///   allowed after destruction began. The destructor waits until every
///   blocked call has left and the Lock is free; the destroying thread may
///   hold it.
/// - Any other call that starts after destruction began is undefined, as for
///   any object. So is destroying a Lock that another thread holds outside
///   wait(): the destructor then waits for that thread's unlock().
///
/// ### Memory ordering
///   Everything a thread did while holding the Lock is visible to the next
///   thread that acquires it, including a waiter when its wait() returns. A
///   lock(till) that returns false acquires nothing and orders nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>

#include "skein/detail/wait.h"
#include "skein/signal.h"
#include "skein/skein_export.h"
#include "skein/thread_annotations.h"
#include "skein/till.h"

namespace skein {

/// A named, non-reentrant monitor: a mutex with one built-in wait queue.
/// Lockable, so the standard lock guards work with it. The contract is in
/// lock.h. A capability for clang's Thread Safety Analysis: data can be
/// declared `SKEIN_GUARDED_BY(lock)` (see thread_annotations.h).
class SKEIN_EXPORT SKEIN_CAPABILITY("mutex") Lock {
public:
    /// An unnamed Lock gets a generated name ("lock-3") for its messages.
    explicit Lock(std::string name = {});
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    /// Wakes the calls that wait on or block in the Lock, which throw
    /// UsageError, and waits until they have left and the Lock is free.
    ~Lock();

    /// Blocks until the calling thread holds the Lock. Throws UsageError if
    /// it holds it already, or if the Lock is destroyed while it blocks.
    void lock() SKEIN_ACQUIRE();
    /// Blocks until the calling thread holds the Lock or `till` goes. True
    /// when taken; false when `till` went first (a free Lock is taken even
    /// then). Throws UsageError as lock() does.
    bool lock(const Signal& till) SKEIN_TRY_ACQUIRE(true);
    /// lock(Till(timeout)), for TimedLockable: true when taken; false when
    /// the timeout passed first. A zero or negative timeout is a try_lock().
    template <class Rep, class Period>
    bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) SKEIN_TRY_ACQUIRE(true)
    {
        // A free Lock needs no Till, which would be scheduled for nothing.
        return try_lock() || lock(Till(timeout));
    }
    /// lock(till) with a Till at `deadline`, for TimedLockable: true when
    /// taken; false when the deadline passed first. A past deadline is a
    /// try_lock(). A clock other than steady_clock and system_clock is read
    /// once, to turn the deadline into a timeout.
    template <class Clock, class Duration>
    bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline) SKEIN_TRY_ACQUIRE(true)
    {
        if (try_lock())
            return true;
        if constexpr (std::is_same_v<Clock, std::chrono::steady_clock> ||
                      std::is_same_v<Clock, std::chrono::system_clock>)
            return lock(Till(std::chrono::ceil<typename Clock::duration>(deadline)));
        else
            return lock(Till(deadline - Clock::now()));
    }
    /// Takes the Lock if it is free, without blocking. True when taken;
    /// false when another thread holds it. Throws UsageError if the calling
    /// thread holds it already.
    bool try_lock() SKEIN_TRY_ACQUIRE(true);
    /// Releases the Lock and wakes the waiter waiting longest, if any.
    /// Throws UsageError if the calling thread does not hold it.
    void unlock() SKEIN_RELEASE();

    /// See the contract above. True: woken by another thread; false: `till` went.
    bool wait(const Signal& till = Signal::never()) SKEIN_REQUIRES(this);
    /// wait(Till(timeout)): true when woken, false when the timeout passed
    /// first. A zero or negative timeout still releases and re-acquires.
    template <class Rep, class Period>
    bool waitFor(std::chrono::duration<Rep, Period> timeout) SKEIN_REQUIRES(this)
    {
        return wait(Till(timeout));
    }

    /// Does the calling thread hold this Lock?
    bool isHeldByCurrentThread() const noexcept;
    /// The name given at construction, or a generated one ("lock-3").
    std::string name() const { return name_; }

private:
    // The mutex and condition variable of the slow path, shared with the
    // callback that wakes a lock(till) when `till` goes, which may run late.
    struct Core;

    // Not exported: only lock.cpp calls them.
    SKEIN_NO_EXPORT bool lockContended(const Signal& till);
    SKEIN_NO_EXPORT void takeBlocking(std::unique_lock<std::mutex>& coreLock);
    SKEIN_NO_EXPORT void release();
    void requireHeld(const char* operation) const;
    void requireNotHeld(const char* operation) const;

    // Free, Held, or Contended: held, and a thread may be blocked taking it,
    // so release() must wake one. The fast path is one compare-and-swap.
    std::atomic<int> state_{0};
    std::atomic<std::thread::id> owner_{};
    // Guarded by the Lock itself, oldest first.
    std::deque<Signal> waiters_ SKEIN_GUARDED_BY(this);
    const std::shared_ptr<Core> core_;
    detail::BlockedCalls blockedCalls_;
    const std::string name_;
};

}  // namespace skein
