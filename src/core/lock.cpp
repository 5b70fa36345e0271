// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/lock.h"

#include <algorithm>
#include <optional>

#include "log_p.h"
#include "skein/detail/names.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "timer_p.h"

namespace skein {

namespace {

UsageError destroyedWhileBlocked(const std::string& name, const char* operation)
{
    return UsageError("Lock '" + name + "': destroyed while " + operation + "() by thread '" +
                      detail::currentThreadPath() + "' blocked in it");
}

}  // namespace

Lock::Lock(std::string name) : name_(name.empty() ? detail::generatedName("lock") : std::move(name)) {}

Lock::~Lock()
{
    // The destroying thread may hold the Lock; any other holder is waited for.
    std::unique_lock<std::mutex> lock = isHeldByCurrentThread() ? std::unique_lock<std::mutex>(mutex_, std::adopt_lock)
                                                                : std::unique_lock<std::mutex>(mutex_);
    // The analysis cannot see that `lock` holds mutex_, which is the Lock.
    blockedCalls_.awaitLeaving(lock, [this]() SKEIN_NO_THREAD_SAFETY_ANALYSIS {
        owner_.store(std::thread::id(), std::memory_order_relaxed);
        for (Signal& waiter : waiters_)
            waiter.go();
        waiters_.clear();
    });
}

void Lock::lock()
{
    requireNotHeld("lock");
    if (!mutex_.try_lock()) {
        std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
        {
            // Counted before dumpThreads() shows it blocked: whoever sees it
            // so and destroys the Lock has a destructor that waits for it.
            const detail::BlockedCalls::Entry entry(blockedCalls_, lock);
            std::optional<detail::BlockedScope> shown;
            // BlockedScope refuses every wait on the timer thread, but a
            // Till's callback may take a Lock that is held for a moment.
            if (!detail::onTimerThread)
                shown.emplace([](const void* l) { return "Lock '" + static_cast<const Lock*>(l)->name_ + "' (lock)"; },
                              this);
            lock.lock();
        }
        if (blockedCalls_.destroying())
            throw destroyedWhileBlocked(name_, "lock");  // letting go of the mutex last
        lock.release();
    }
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
}

bool Lock::try_lock()
{
    requireNotHeld("try_lock");
    if (!mutex_.try_lock())
        return false;
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    return true;
}

void Lock::unlock()
{
    requireHeld("unlock");
    std::optional<Signal> oldest;
    if (!waiters_.empty()) {
        oldest = std::move(waiters_.front());
        waiters_.pop_front();
    }
    owner_.store(std::thread::id(), std::memory_order_relaxed);
    mutex_.unlock();
    // Outside the mutex, so the waiter does not wake only to block on it. A
    // waiter that was popped but not yet woken counts itself as woken.
    if (oldest)
        oldest->go();
}

bool Lock::wait(const Signal& till)
{
    requireHeld("wait");
    // Before anything changes: it throws where a wait may not block. A
    // `till` that has gone already means no blocking, so nothing to refuse.
    std::optional<detail::BlockedScope> blocked;
    if (!till)
        blocked.emplace([](const void* lock) { return "Lock '" + static_cast<const Lock*>(lock)->name_ + "' (wait)"; },
                        this);
    const Signal woken;
    waiters_.push_back(woken);
    blockedCalls_.enter();
    owner_.store(std::thread::id(), std::memory_order_relaxed);
    mutex_.unlock();

    struct Reacquire {
        Lock& lock;
        ~Reacquire()
        {
            lock.mutex_.lock();
            lock.owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
            // Holding the Lock, so a destructor still waits for its unlock().
            lock.blockedCalls_.leave();
        }
    };
    {
        const Reacquire reacquire{*this};
        woken.wait(till);
    }

    if (blockedCalls_.destroying())
        throw destroyedWhileBlocked(name_, "wait");
    if (woken)
        return true;
    const auto it = std::find(waiters_.begin(), waiters_.end(), woken);
    if (it == waiters_.end())
        return true;  // an unlock() popped it and is about to wake it
    waiters_.erase(it);
    return false;
}

bool Lock::isHeldByCurrentThread() const noexcept
{
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
}

void Lock::requireHeld(const char* operation) const
{
    if (!isHeldByCurrentThread())
        throw UsageError("Lock '" + name_ + "': " + operation + "() by thread '" + detail::currentThreadPath() +
                         "', which does not hold it");
}

void Lock::requireNotHeld(const char* operation) const
{
    if (isHeldByCurrentThread())
        throw UsageError("Lock '" + name_ + "': " + operation + "() by thread '" + detail::currentThreadPath() +
                         "', which already holds it (a Lock is not reentrant)");
}

}  // namespace skein
