// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the one way Skein blocks on a condition with a `till`.
//
// Lock, Queue and Signal all wait the same way: under their own mutex, on
// their own condition variable, until a predicate holds or `till` goes. The
// `till` is watched by a then() callback that wakes the condition variable;
// the callback holds `owner` (the object that owns the mutex and condition
// variable) alive, so it is safe even when it runs late, after the wait has
// returned and its registration could not be removed in time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "skein/detail/mutex.h"
#include "skein/signal.h"
#include "skein/skein_export.h"

namespace skein::detail {

// Marks the calling thread as blocked in Skein while it lives: what it waits
// on and since when, for dumpThreads() and straggler warnings, and the time
// it spends blocked, for the thread's statistics. The description is made
// only when someone asks: `describe(object)`, called under the thread's
// diagnostics lock while the scope lives, so `object` is alive. `describe`
// must take no lock. Nested scopes keep the outermost description. Cheap: no
// allocation, one uncontended lock on entry and one on exit.
class SKEIN_EXPORT BlockedScope {
public:
    using Describe = std::string (*)(const void* object);
    BlockedScope(Describe describe, const void* object);
    ~BlockedScope();
    BlockedScope(const BlockedScope&) = delete;
    BlockedScope& operator=(const BlockedScope&) = delete;

private:
    struct ThreadState* self_;
    std::chrono::steady_clock::time_point since_;
    bool outermost_ = false;
};

// Takes `mutex`, trying for a moment before sleeping on it: the holder is
// usually about to let go, and a futex sleep and wake-up cost far more.
inline std::unique_lock<std::mutex> lockSpinning(std::mutex& mutex)
{
    for (int i = 0; i < spinsBeforeBlocking; ++i) {
        if (mutex.try_lock())
            return std::unique_lock<std::mutex>(mutex, std::adopt_lock);
        cpuRelax();
    }
    return std::unique_lock<std::mutex>(mutex);
}

// Blocks, with `lock` held on entry and on return, until `ready()` or `till`
// went. Returns ready(). `owner` (a shared_ptr) must keep the mutex of `lock`
// and `cv` alive; it is copied only when a `till` must be watched, so a wait
// that need not block costs no reference count.
// `describe(object)` names what is waited on (see BlockedScope).
template <class Ready, class Owner>
bool waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, const Signal& till, const Owner& owner,
               Ready ready, BlockedScope::Describe describe, const void* object)
{
    if (ready())
        return true;
    if (till)
        return false;
    const BlockedScope blocked(describe, object);
    if (till.isNever()) {
        cv.wait(lock, ready);
        return true;
    }
    std::mutex* mutex = lock.mutex();
    for (;;) {
        if (ready())
            return true;
        if (till)
            return false;
        // then() runs the callback inline when `till` goes meanwhile, and the
        // callback takes our mutex; removeThen() takes till's. Call both with
        // our mutex released, so no two mutexes are ever held together.
        lock.unlock();
        const Subscription wake = till.then([owner, mutex, &cv] {
            // Taking the mutex orders this wake after the waiter's last check.
            {
                std::lock_guard<std::mutex> g(*mutex);
            }
            cv.notify_all();
        });
        lock.lock();
        while (!ready() && !till)
            cv.wait(lock);
        lock.unlock();
        till.removeThen(wake);
        lock.lock();
    }
}

}  // namespace skein::detail
