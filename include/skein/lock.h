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
    ~Lock();

    /// Blocks until the calling thread holds the Lock. Throws UsageError if
    /// it holds it already.
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
    std::deque<Signal> waiters_;  // guarded by mutex_, oldest first
    const std::string name_;
};

}  // namespace skein
