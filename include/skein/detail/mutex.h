// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: std::mutex as clang's Thread Safety Analysis sees it,
// and a lighter lock for a Queue's hot path.
//
// Every mutex inside Skein is a detail::Mutex and every hold of it a
// MutexLock, or a BriefMutex held by a BriefLock, so `-Wthread-safety` (the
// `tsa` preset) proves that each field marked SKEIN_GUARDED_BY is only
// touched with its mutex held. Mutex and MutexLock compile to exactly
// std::mutex and std::unique_lock.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "skein/thread_annotations.h"

namespace skein::detail {

// A moment's busy wait before blocking: a hand-over between two running
// threads then costs no sleep and no wake-up.
constexpr int spinsBeforeBlocking = 100;

inline void cpuRelax() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// A moment's busy wait for `ready()`, before blocking on it: true when it
// came true. Every spin-then-block in Skein starts here. Each look may take
// a cache line from the thread that is about to make `ready()` true (a
// try_lock() takes the mutex's line from its holder): the looks come
// further and further apart, at most 16 pauses, the same moment in all.
template <class Ready>
bool spinBriefly(Ready ready)
{
    constexpr int longestGap = 16;
    for (int paused = 0, gap = 1; paused < spinsBeforeBlocking; paused += gap, gap = std::min(2 * gap, longestGap)) {
        if (ready())
            return true;
        for (int i = 0; i < gap; ++i)
            cpuRelax();
    }
    return false;
}

// Before sleeping until `ready()`, when the thread that makes it so is
// usually a moment away: spins, then yields the core, which that thread
// may be waiting for (on two busy cores a spin alone only burns its time
// slice). Each yield is a system call: together some tens of microseconds
// of CPU at most. True when ready() came true.
template <class Ready>
bool awaitBriefly(Ready ready)
{
    constexpr int yieldsBeforeBlocking = 64;
    if (spinBriefly(ready))
        return true;
    for (int i = 0; i < yieldsBeforeBlocking; ++i) {
        if (ready())
            return true;
        std::this_thread::yield();
    }
    return ready();
}

// A lock held for a few instructions at a time by threads that never sleep
// holding it: taken with one compare-and-swap and let go with a plain
// store. That is one locked instruction a hold, where std::mutex needs two
// (its unlock must swap to learn whether someone sleeps), and a Queue's add()
// and pop() each take one such lock: most of their cost.
//
// The price is that the holder wakes nobody. A thread that finds it held
// spins for a moment and yields the core a few times (awaitBriefly()), which
// covers every hold but one whose holder lost its core; then it naps, from
// 50 µs up to 1 ms at a time, until the lock is free. Nothing is lost, and
// no sleep is missed, since none is ever announced.
class SKEIN_CAPABILITY("mutex") BriefMutex {
public:
    void lock() SKEIN_ACQUIRE()
    {
        if (!try_lock())
            lockSlowly();
    }
    bool try_lock() SKEIN_TRY_ACQUIRE(true)
    {
        bool held = false;
        return held_.compare_exchange_strong(held, true, std::memory_order_acquire, std::memory_order_relaxed);
    }
    void unlock() SKEIN_RELEASE() { held_.store(false, std::memory_order_release); }

private:
    void lockSlowly() SKEIN_NO_THREAD_SAFETY_ANALYSIS
    {
        // Reads before it swaps: waiters do not take the line from the holder.
        const auto take = [this]() SKEIN_NO_THREAD_SAFETY_ANALYSIS {
            return !held_.load(std::memory_order_relaxed) && try_lock();
        };
        if (awaitBriefly(take))
            return;
        using std::chrono::microseconds;
        for (microseconds nap(50); !take(); nap = std::min(2 * nap, microseconds(1000)))
            std::this_thread::sleep_for(nap);
    }

    std::atomic<bool> held_{false};
};

// Holds a BriefMutex, as std::unique_lock holds a mutex.
class SKEIN_SCOPED_CAPABILITY BriefLock {
public:
    explicit BriefLock(BriefMutex& m) SKEIN_ACQUIRE(m) : mutex_(m) { m.lock(); }
    ~BriefLock() SKEIN_RELEASE()
    {
        if (held_)
            mutex_.unlock();
    }
    BriefLock(const BriefLock&) = delete;
    BriefLock& operator=(const BriefLock&) = delete;

    void lock() SKEIN_ACQUIRE()
    {
        mutex_.lock();
        held_ = true;
    }
    void unlock() SKEIN_RELEASE()
    {
        mutex_.unlock();
        held_ = false;
    }

private:
    BriefMutex& mutex_;
    bool held_ = true;
};

class SKEIN_CAPABILITY("mutex") Mutex {
public:
    void lock() SKEIN_ACQUIRE() { mutex_.lock(); }
    bool try_lock() SKEIN_TRY_ACQUIRE(true) { return mutex_.try_lock(); }
    void unlock() SKEIN_RELEASE() { mutex_.unlock(); }

private:
    friend class MutexLock;
    std::mutex mutex_;
};

// Holds a Mutex, like std::unique_lock; wait() on a condition variable
// releases it while blocked and holds it again on return.
class SKEIN_SCOPED_CAPABILITY MutexLock {
public:
    explicit MutexLock(Mutex& m) SKEIN_ACQUIRE(m) : lock_(m.mutex_) {}
    // Tries for a moment before sleeping on it: the holder is usually about
    // to let go, and a futex sleep and wake-up cost far more.
    struct Spin {};
    MutexLock(Mutex& m, Spin) SKEIN_ACQUIRE(m) : lock_(m.mutex_, std::try_to_lock)
    {
        if (!lock_.owns_lock() && !spinBriefly([this] { return lock_.try_lock(); }))
            lock_.lock();
    }
    ~MutexLock() SKEIN_RELEASE() = default;
    MutexLock(const MutexLock&) = delete;
    MutexLock& operator=(const MutexLock&) = delete;

    void lock() SKEIN_ACQUIRE() { lock_.lock(); }
    void unlock() SKEIN_RELEASE() { lock_.unlock(); }

    bool ownsLock() const noexcept { return lock_.owns_lock(); }
    // The std::unique_lock underneath, for the condition variable waits
    // (detail::waitUntil, BlockedCalls): held on entry and on return.
    std::unique_lock<std::mutex>& native() noexcept { return lock_; }

    void wait(std::condition_variable& cv) { cv.wait(lock_); }
    template <class Clock, class Duration>
    std::cv_status waitUntil(std::condition_variable& cv, const std::chrono::time_point<Clock, Duration>& t)
    {
        return cv.wait_until(lock_, t);
    }

private:
    std::unique_lock<std::mutex> lock_;
};

}  // namespace skein::detail
