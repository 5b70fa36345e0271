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

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "skein/detail/mutex.h"
#include "skein/error.h"
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
    struct WaitRecord* record_;
    std::chrono::steady_clock::time_point since_;
    bool outermost_ = false;
};

// The calls blocked in one object (a Queue, a Lock), counted so that its
// destructor can wake them and wait until they have left: a call that
// blocked must not touch the object once the destructor may have returned.
// Guarded by the object's mutex, except that enter() may come without it
// (Lock::lock() blocks on that very mutex). A call leaves with the mutex
// held and lets go of it as its last touch of the object; the destructor
// returns only once it holds the mutex again, after every call has left.
class BlockedCalls {
public:
    // Ends with the mutex of `lock` held, taking it again if the call let go
    // of it, to leave: so it must be declared after `lock`, which then lets
    // go last. A call counted so may touch the object until its very end.
    class Entry {
    public:
        Entry(BlockedCalls& calls, std::unique_lock<std::mutex>& lock) : calls_(calls), lock_(lock) { calls.enter(); }
        ~Entry()
        {
            if (!lock_.owns_lock())
                lock_.lock();
            calls_.leave();
        }
        Entry(const Entry&) = delete;
        Entry& operator=(const Entry&) = delete;

    private:
        BlockedCalls& calls_;
        std::unique_lock<std::mutex>& lock_;
    };

    void enter() noexcept { count_.fetch_add(1, std::memory_order_relaxed); }

    // With the mutex held.
    void leave() noexcept
    {
        if (count_.fetch_sub(1, std::memory_order_relaxed) == 1 && destroying_)
            left_.notify_one();
    }

    // With the mutex held: has the object's destructor begun? A woken call
    // that sees it refuses, instead of doing what it was called for.
    bool destroying() const noexcept { return destroying_; }

    // For the object's destructor, with `lock` holding its mutex: unless no
    // call is blocked, marks the object as being destroyed, calls `wake()`
    // to wake every blocked call, and waits until each has left.
    template <class Wake>
    void awaitLeaving(std::unique_lock<std::mutex>& lock, Wake wake)
    {
        if (count_.load(std::memory_order_relaxed) == 0)
            return;
        destroying_ = true;
        wake();
        left_.wait(lock, [this] { return count_.load(std::memory_order_relaxed) == 0; });
    }

private:
    // Relaxed: every decrement and every read happen under the mutex, and a
    // call blocked in lock() is known to be blocked only through something
    // that orders its increment first (dumpThreads() shows it after).
    std::atomic<std::size_t> count_{0};
    // Under the object's mutex, which the analysis cannot name from here:
    // leave() and destroying() are called only with it held (Entry, and
    // each blocked call once it has taken the mutex again).
    bool destroying_ = false;
    std::condition_variable left_;
};

// Releases `lock` and wakes one waiter on `cv`, if any: after the release,
// so that it does not wake only to block on the mutex. A call that blocked
// (`blocked` engaged) wakes it before and leaves the blocked calls, so that
// the release is its last touch of the object, which a destructor may free.
inline void unlockThenNotify(std::unique_lock<std::mutex>& lock, std::condition_variable* cv,
                             std::optional<BlockedCalls::Entry>& blocked)
{
    if (blocked) {
        if (cv)
            cv->notify_one();
        blocked.reset();
        lock.unlock();
        return;
    }
    lock.unlock();
    if (cv)
        cv->notify_one();
}

// Blocks, with `lock` held on entry and on return, until `ready()` or `till`
// went. Returns ready(). `owner` (a shared_ptr) must keep the mutex of `lock`
// and `cv` alive; it is copied only when a `till` must be watched, so a wait
// that need not block costs no reference count.
// `describe(object)` names what is waited on (see BlockedScope).
// Not analysed by clang's Thread Safety Analysis: it lets go of the
// caller's mutex and takes it again through `lock`, which the analysis
// cannot follow; the callers' `ready` carry the requirement instead.
template <class Ready, class Owner>
SKEIN_NO_THREAD_SAFETY_ANALYSIS bool waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, const Signal& till, const Owner& owner,
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

// A queue's waitDone(), with `lock` holding its mutex: blocks until
// `done()`, counted among the queue's blocked `calls`. True when done; false
// when `till` went first; throws QueueClosed, naming the queue (`kind` and
// `name`), when the queue's destructor began.
template <class Done, class Owner>
SKEIN_NO_THREAD_SAFETY_ANALYSIS bool waitUntilDone(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                                                   BlockedCalls& calls, const Signal& till, const Owner& owner,
                                                   Done done, BlockedScope::Describe describe, const void* object,
                                                   const char* kind, const std::string& name)
{
    if (done())
        return true;
    if (till)
        return false;
    const BlockedCalls::Entry blocked(calls, lock);
    waitUntil(
        lock, cv, till, owner, [&] { return done() || calls.destroying(); }, describe, object);
    if (done())
        return true;
    if (calls.destroying())
        throw QueueClosed(std::string(kind) + " '" + name + "' is being destroyed: waitDone() refused");
    return false;
}

}  // namespace skein::detail
