// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/lock.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "diagnostics/current_thread_p.h"
#include "skein/detail/names.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "primitives/timer_p.h"

namespace skein {

namespace {

UsageError destroyedWhileBlocked(const std::string& name, const char* operation)
{
    return UsageError("Lock '" + name + "': destroyed while " + operation + "() by thread '" +
                      detail::currentThreadPath() + "' blocked in it");
}

}  // namespace

struct Lock::Core {
    std::mutex mutex;
    // Notified, under the mutex, when a Contended Lock is freed or destroyed.
    std::condition_variable freed;
};

namespace {

enum State : int { Free = 0, Held = 1, Contended = 2 };

std::string describeLock(const void* lock)
{
    return "Lock '" + static_cast<const Lock*>(lock)->name() + "' (lock)";
}

}  // namespace

Lock::Lock(std::string name)
    : core_(std::make_shared<Core>()), name_(name.empty() ? detail::generatedName("lock") : std::move(name))
{}

Lock::~Lock()
{
    std::unique_lock<std::mutex> lock(core_->mutex);
    // The destroying thread may hold the Lock; any other holder is waited
    // for. Holding it also orders this after every wait() that released it,
    // so each is counted.
    if (!isHeldByCurrentThread())
        takeBlocking(lock);
    // The analysis cannot see that awaitLeaving() calls this with the Lock held.
    blockedCalls_.awaitLeaving(lock, [this]() SKEIN_NO_THREAD_SAFETY_ANALYSIS {
        for (Signal& waiter : waiters_)
            waiter.go();
        waiters_.clear();
        // Freed for the woken wait() calls, which re-acquire it before they
        // throw; the woken lock() calls see the destruction and take nothing.
        owner_.store(std::thread::id(), std::memory_order_relaxed);
        state_.store(Free, std::memory_order_release);
        core_->freed.notify_all();
    });
    // The last wait() to leave may hold the Lock still, in the guard that
    // will unlock() it.
    if (blockedCalls_.destroying())
        takeBlocking(lock);
}

void Lock::lock()
{
    requireNotHeld("lock");
    int expected = Free;
    if (!state_.compare_exchange_strong(expected, Held, std::memory_order_acquire, std::memory_order_relaxed))
        lockContended(Signal::never());
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
}

bool Lock::lock(const Signal& till)
{
    requireNotHeld("lock");
    int expected = Free;
    if (!state_.compare_exchange_strong(expected, Held, std::memory_order_acquire, std::memory_order_relaxed) &&
        !lockContended(till))
        return false;
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    return true;
}

bool Lock::lockContended(const Signal& till)
{
    // The holder is usually about to let go: a futex sleep and wake-up cost
    // far more than a moment's spin.
    if (detail::spinBriefly([this] {
            int expected = Free;
            return state_.load(std::memory_order_relaxed) == Free &&
                   state_.compare_exchange_weak(expected, Held, std::memory_order_acquire, std::memory_order_relaxed);
        }))
        return true;
    std::unique_lock<std::mutex> lock(core_->mutex);
    // Marked Contended from here on, so that the holder's release() takes the
    // mutex and wakes a blocked call: no wake can be missed.
    const auto taken = [this] { return state_.exchange(Contended, std::memory_order_acquire) == Free; };
    if (taken())
        return true;
    if (till)
        return false;
    // Sticky, because waitUntil() may ask again after it was ready: a call
    // that took the Lock must not try to take it twice. The destruction
    // cannot begin while it holds the Lock, as the destructor takes it first.
    bool took = false;
    const auto ready = [&] { return took || blockedCalls_.destroying() || (took = taken()); };
    {
        // Counted before dumpThreads() shows it blocked: whoever sees it so
        // and destroys the Lock has a destructor that waits for it.
        const detail::BlockedCalls::Entry entry(blockedCalls_, lock);
        if (detail::onTimerThread && till.isNever()) {
            // BlockedScope refuses every wait on the timer thread, but a
            // Till's callback may take a Lock that is held for a moment.
            core_->freed.wait(lock, ready);
        } else {
            detail::waitUntil(lock, core_->freed, till, core_, ready, describeLock, this);
        }
    }
    if (blockedCalls_.destroying())
        throw destroyedWhileBlocked(name_, "lock");  // letting go of the mutex last
    return took;
}

void Lock::takeBlocking(std::unique_lock<std::mutex>& coreLock)
{
    core_->freed.wait(coreLock, [this] { return state_.exchange(Contended, std::memory_order_acquire) == Free; });
}

bool Lock::try_lock()
{
    requireNotHeld("try_lock");
    int expected = Free;
    if (!state_.compare_exchange_strong(expected, Held, std::memory_order_acquire, std::memory_order_relaxed))
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
    release();
    // After the release, so the waiter does not wake only to block on the
    // Lock. A waiter that was popped but not yet woken counts itself as woken.
    if (oldest)
        oldest->go();
}

void Lock::release()
{
    int expected = Held;
    if (state_.compare_exchange_strong(expected, Free, std::memory_order_release, std::memory_order_relaxed))
        return;
    // Contended. Freed under the mutex, so a blocked call is either before
    // its check or asleep and woken. The copy keeps the mutex alive to the
    // end: a destructor waiting for the Lock may return as soon as it is
    // free, and unlocking the mutex is this call's last touch.
    const std::shared_ptr<Core> core = core_;
    const std::lock_guard<std::mutex> lock(core->mutex);
    state_.store(Free, std::memory_order_release);
    core->freed.notify_one();
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
    // Before the release: a destructor takes the Lock first, so it sees
    // this call counted.
    blockedCalls_.enter();
    owner_.store(std::thread::id(), std::memory_order_relaxed);
    release();

    struct Reacquire {
        Lock& lock;
        ~Reacquire()
        {
            std::unique_lock<std::mutex> coreLock(lock.core_->mutex);
            int expected = Free;
            if (!lock.state_.compare_exchange_strong(expected, Held, std::memory_order_acquire,
                                                     std::memory_order_relaxed))
                lock.takeBlocking(coreLock);
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
