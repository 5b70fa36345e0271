// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — Lock: a named monitor (a mutex with one built-in wait queue).
//
// Lock satisfies Lockable (lock, try_lock, unlock), so std::lock_guard,
// std::unique_lock and std::scoped_lock work with it.
//
// Contract
// - Not reentrant. lock() or try_lock() by the thread that holds the Lock,
//   and unlock() by a thread that does not, throw UsageError naming the Lock
//   and the thread. They never deadlock or corrupt the Lock.
// - wait(till) may only be called by the holder (else UsageError). It
//   releases the Lock, blocks until another thread wakes it or `till` goes,
//   and always re-acquires the Lock before it returns, also when it throws.
//   It returns true when it was woken by another thread, false when `till`
//   went first. A waiter that was woken returns true even if `till` went at
//   the same moment, so no wake is ever lost.
// - Every unlock() wakes one waiter, the one waiting longest. The waiter
//   proceeds once it has re-acquired the Lock. Waiting itself (the release
//   inside wait()) wakes nobody.
//
// Memory ordering
//   Everything a thread did while holding the Lock is visible to the next
//   thread that acquires it, including a waiter when its wait() returns.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "skein/signal.h"
#include "skein/skein_export.h"
#include "skein/till.h"

namespace skein {

class SKEIN_EXPORT Lock {
public:
    // An unnamed Lock gets a generated name ("lock-3") for its messages.
    explicit Lock(std::string name = {});
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();

    void lock();
    bool try_lock();
    void unlock();

    // See the contract above. True: woken by another thread; false: `till` went.
    bool wait(const Signal& till = Signal::never());
    template <class Rep, class Period>
    bool waitFor(std::chrono::duration<Rep, Period> timeout)
    {
        return wait(Till(timeout));
    }

    // Does the calling thread hold this Lock?
    bool isHeldByCurrentThread() const noexcept;
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
