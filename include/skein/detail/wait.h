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

#include "skein/signal.h"

namespace skein::detail {

// Marks the calling thread as blocked in Skein while it lives: what it waits
// on and since when, for dumpThreads() and straggler warnings, and the time
// it spends blocked, for the thread's statistics. Nested scopes keep the
// outermost description.
class BlockedScope {
public:
    explicit BlockedScope(std::string what);
    ~BlockedScope();
    BlockedScope(const BlockedScope&) = delete;
    BlockedScope& operator=(const BlockedScope&) = delete;

private:
    std::chrono::steady_clock::time_point since_;
    bool outermost_;
};

// Blocks, with `lock` held on entry and on return, until `ready()` or `till`
// went. Returns ready(). `owner` must keep the mutex of `lock` and `cv` alive.
// `describe()` names what is waited on; it is called only if the wait blocks.
template <class Ready, class Describe>
bool waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, const Signal& till,
               const std::shared_ptr<void>& owner, Ready ready, Describe describe)
{
    if (ready())
        return true;
    if (till)
        return false;
    lock.unlock();
    const BlockedScope blocked(describe());
    lock.lock();
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
            { std::lock_guard<std::mutex> g(*mutex); }
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

} // namespace skein::detail
