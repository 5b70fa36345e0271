// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Lock: a named monitor (a mutex with one built-in wait queue).
///
/// Lock satisfies Lockable (lock, try_lock, unlock), so std::lock_guard,
/// std::unique_lock and std::scoped_lock work with it.
///
/// ### Contract
/// - Not reentrant. lock() or try_lock() by the thread that holds the Lock,
///   and unlock() by a thread that does not, throw UsageError naming the Lock
///   and the thread. They never deadlock or corrupt the Lock.
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
/// - Destroying a Lock that threads wait on (wait()) or block in (lock()) is
///   defined: those calls wake and throw UsageError naming the destroyed
///   Lock. A lock() that throws so has not taken the Lock; a wait() that
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
///   thread that acquires it, including a waiter when its wait() returns.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

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
    void requireHeld(const char* operation) const;
    void requireNotHeld(const char* operation) const;

    std::mutex mutex_;
    std::atomic<std::thread::id> owner_{};
    // Guarded by the Lock itself (its mutex_), oldest first.
    std::deque<Signal> waiters_ SKEIN_GUARDED_BY(this);
    detail::BlockedCalls blockedCalls_;
    const std::string name_;
};

}  // namespace skein
