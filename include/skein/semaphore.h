// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Semaphore and BoundedSemaphore: a named count of permits that
/// threads acquire and release, served in arrival order.
///
/// ### Contract
/// - A Semaphore holds a count of available permits, `initial` at first (0 or
///   more; a negative count throws InvalidArgument naming the Semaphore).
/// - acquire(n, till) takes `n` permits (n ≥ 1), blocking until there are
///   enough. It returns true once it took them, false when `till` went first;
///   a call that returns false took nothing. Enough permits and nobody
///   queued means no blocking, even when `till` has gone already.
/// - Waiters are served strictly in arrival order, all `n` permits at once: a
///   waiter that wants 3 at the head of the queue is not overtaken by a later
///   one that wants 1, even while 1 permit is available. That is how no
///   waiter starves, however large its `n`. A waiter that leaves the queue
///   (its `till` went) lets the ones behind it be served.
/// - tryAcquire(n) takes all `n` permits at once if they are available and
///   nobody is queued, else nothing; it never blocks.
/// - release(n) adds `n` permits (n ≥ 1) and hands them to the queued waiters
///   in order, as far as they go. It never blocks. A count that would pass
///   Semaphore::max() (PTRDIFF_MAX / 2) throws UsageError, changing nothing.
/// - BoundedSemaphore is a Semaphore whose count may never pass `initial`: a
///   release() that would take it there throws UsageError naming the
///   BoundedSemaphore, changing nothing (Python's ValueError).
/// - n ≤ 0 in acquire(), tryAcquire() or release() throws InvalidArgument
///   naming the Semaphore, and so does an acquire() of more permits than the
///   Semaphore can ever hold (past max(), or past a BoundedSemaphore's
///   initial count), which could only hang.
///
/// ### Lifetime
/// - Destroying a Semaphore while threads block in acquire() is defined:
///   they wake and throw UsageError naming it, having taken nothing (a
///   waiter already handed its permits returns true). The destructor waits
///   until every blocked call has left.
/// - A release() may race with the destruction of the Semaphore by a thread
///   that its permits let go on: the waiter cannot return before release()
///   has let go of the Semaphore. Any other call that starts after
///   destruction began is undefined, as for any object.
///
/// ### Cost
///   While nobody is queued, acquire(), tryAcquire() and release() take no
///   lock: one atomic compare-exchange each. An acquire() that must wait
///   spins, then yields its core, for a moment before it queues and sleeps.
///   While anyone is queued, every call goes through the Semaphore's mutex,
///   which serves the queue in order. A release() that serves the only
///   queued waiter wakes just that one; one that serves several, or leaves
///   waiters queued, wakes every sleeping waiter, and the ones not served
///   sleep again.
///
/// ### Memory ordering
///   Everything a thread did before release() is visible to a thread whose
///   acquire() or tryAcquire() took any of those permits (or later ones).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "skein/detail/mutex.h"
#include "skein/detail/names.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/signal.h"

namespace skein {

/// A named count of permits, acquired and released by any thread, with
/// waiters served strictly in arrival order. The contract is in semaphore.h.
class Semaphore {
public:
    /// `initial` permits (0 or more, else InvalidArgument). An unnamed
    /// Semaphore gets a generated name ("semaphore-2") for its messages.
    explicit Semaphore(std::ptrdiff_t initial = 1, std::string name = {})
        : Semaphore(initial, std::move(name), "Semaphore", false)
    {}
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;
    /// Wakes the calls blocked in acquire(), which throw UsageError, and
    /// waits until they have left. Returns at once when none is blocked.
    ~Semaphore()
    {
        Core& core = *core_;
        detail::MutexLock lock(core.mutex);
        core.blocked.awaitLeaving(lock.native(), [&core] { core.changed.notify_all(); });
    }

    /// acquire(1, till): true when it took a permit, false when `till` went
    /// first.
    bool acquire(const Signal& till = Signal::never()) { return acquire(1, till); }

    /// Takes `n` permits (n ≥ 1, else InvalidArgument), blocking in arrival
    /// order until there are enough. True when taken; false when `till` went
    /// first, having taken nothing. Throws UsageError if the Semaphore is
    /// destroyed while it blocks.
    bool acquire(std::ptrdiff_t n, const Signal& till)
    {
        requirePositive(n, "acquire");
        if (n > (bounded_ ? initial_ : max()))
            throw InvalidArgument(describe() + ": acquire(" + std::to_string(n) + ") of more permits than it can hold (" +
                                  std::to_string(bounded_ ? initial_ : max()) + ")");
        if (takeNow(n))
            return true;
        if (till)
            return false;
        // Permits are often a moment away (a ping-pong between two threads):
        // watch for them before queueing and sleeping, as
        // std::counting_semaphore does; a sleep and a wake-up cost far more.
        if (detail::awaitBriefly([this, n] { return takeNow(n); }))
            return true;
        return acquireQueued(n, till);
    }

    /// Takes `n` permits (n ≥ 1, else InvalidArgument) if that many are
    /// available and no waiter is queued; else takes nothing. Never blocks.
    bool tryAcquire(std::ptrdiff_t n = 1)
    {
        requirePositive(n, "tryAcquire");
        return takeNow(n);
    }

    /// Adds `n` permits (n ≥ 1, else InvalidArgument) and hands them to the
    /// queued waiters in arrival order. Never blocks. Throws UsageError,
    /// changing nothing, past the bound of a BoundedSemaphore or past max().
    void release(std::ptrdiff_t n = 1)
    {
        requirePositive(n, "release");
        Word word = core_->word.load(std::memory_order_relaxed);
        if (!addUnlessQueued(n, word))
            releaseToQueue(n);
    }

    /// How many permits are available now (a snapshot).
    std::ptrdiff_t available() const { return permits(core_->word.load(std::memory_order_acquire)); }

    /// The most permits a Semaphore can hold: PTRDIFF_MAX / 2.
    static constexpr std::ptrdiff_t max() noexcept { return std::numeric_limits<std::ptrdiff_t>::max() / unit; }

    /// The name given at construction, or a generated one ("semaphore-2").
    std::string name() const { return name_; }

private:
    friend class BoundedSemaphore;

    // The count and whether anyone is queued share one atomic word: the
    // permits times `unit`, plus `queued` while the queue is not empty.
    // Nobody queued: acquire, tryAcquire and release change the count by
    // compare-exchange alone, taking no lock. Someone queued: every change
    // goes through the mutex, which serves the queue in order; a
    // compare-exchange that races with the setting of `queued` fails.
    using Word = std::ptrdiff_t;
    static constexpr Word queued = 1;
    static constexpr Word unit = 2;
    static constexpr std::ptrdiff_t permits(Word word) noexcept { return word / unit; }

    // `kind` names the class in messages.
    Semaphore(std::ptrdiff_t initial, std::string name, const char* kind, bool bounded)
        : core_(std::make_shared<Core>()),
          name_(name.empty() ? detail::generatedName(bounded ? "bounded-semaphore" : "semaphore") : std::move(name)),
          kind_(kind),
          initial_(initial),
          bounded_(bounded)
    {
        if (initial < 0)
            throw InvalidArgument(describe() + ": a negative initial count (" + std::to_string(initial) + ")");
        if (initial > max())
            throw InvalidArgument(describe() + ": an initial count (" + std::to_string(initial) +
                                  ") past Semaphore::max()");
        core_->word.store(initial * unit, std::memory_order_relaxed);
    }

    // One queued acquire(), on its own stack.
    struct Waiter {
        std::ptrdiff_t n;
        bool granted = false;
    };

    struct Core {
        // See Word. On a line of its own: the lock-free calls must not take
        // the mutex's line away from a thread that holds it.
        alignas(64) std::atomic<Word> word{0};
        alignas(64) detail::Mutex mutex;
        // Notified when queued waiters were served, and at destruction.
        std::condition_variable changed;
        std::deque<Waiter*> waiters SKEIN_GUARDED_BY(mutex);  // oldest first; not empty iff `queued`
        // Did the last grant() serve one waiter and leave none queued?
        bool servedOnlyOne SKEIN_GUARDED_BY(mutex) = false;
        detail::BlockedCalls blocked;
    };

    // Takes `n` permits if there are that many and nobody is queued: the
    // lock-free path of acquire() and tryAcquire().
    bool takeNow(std::ptrdiff_t n) noexcept
    {
        Word word = core_->word.load(std::memory_order_relaxed);
        while (!(word & queued) && permits(word) >= n) {
            if (core_->word.compare_exchange_weak(word, word - n * unit, std::memory_order_acquire,
                                                  std::memory_order_relaxed))
                return true;
        }
        return false;
    }

    // acquire() once watching was not enough: under the mutex, takes the
    // permits if they came meanwhile, else queues and sleeps.
    bool acquireQueued(std::ptrdiff_t n, const Signal& till)
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        // Marks the word queued unless the permits are there: from then on
        // the count changes only under the mutex, and no release is missed.
        Word word = core_->word.load(std::memory_order_acquire);
        while (!(word & queued)) {
            const Word next = permits(word) >= n ? word - n * unit : word | queued;
            if (core_->word.compare_exchange_weak(word, next, std::memory_order_acq_rel,
                                                  std::memory_order_acquire)) {
                if (!(next & queued))
                    return true;
                break;
            }
        }

        Waiter self{n};
        core_->waiters.push_back(&self);
        try {
            const detail::BlockedCalls::Entry entry(core_->blocked, lock.native());
            detail::waitUntil(
                lock.native(), core_->changed, till, core_,
                [&]() SKEIN_REQUIRES(core_->mutex) { return self.granted || core_->blocked.destroying(); },
                [](const void* s) { return static_cast<const Semaphore*>(s)->describe() + " (acquire)"; }, this);
        } catch (...) {
            // Refused (a wait on the timer thread) or out of memory: the
            // mutex is held again, and the call leaves as if `till` went.
            abandon(self, lock.native());
            throw;
        }
        if (self.granted)
            return true;
        if (core_->blocked.destroying()) {
            removeFromQueue(self);
            throw UsageError(describe() + " was destroyed while acquire() blocked in it");  // letting go of the mutex last
        }
        abandon(self, lock.native());
        return false;
    }

    // Adds `n` permits if nobody is queued: the lock-free path of
    // release(), from `word` as last seen. False, having added nothing, once
    // it sees `queued`; `word` then holds what it saw.
    bool addUnlessQueued(std::ptrdiff_t n, Word& word)
    {
        while (!(word & queued)) {
            requireRoom(permits(word), n);
            // The last touch of the Semaphore: a waiter these permits let go
            // on may destroy it at once.
            if (core_->word.compare_exchange_weak(word, word + n * unit, std::memory_order_release,
                                                  std::memory_order_relaxed))
                return true;
        }
        return false;
    }

    // release() that found a waiter queued: adds the permits under the
    // mutex and serves the queue with them.
    void releaseToQueue(std::ptrdiff_t n)
    {
        detail::MutexLock lock(core_->mutex, detail::MutexLock::Spin{});
        Word word = core_->word.load(std::memory_order_acquire);
        if (addUnlessQueued(n, word))
            return;  // the queue emptied before the mutex was ours
        requireRoom(permits(word), n);
        // Only a holder of the mutex changes a queued word.
        core_->word.store(word + n * unit, std::memory_order_release);
        if (grant())
            wakeServed(lock.native());
    }

    // Throws UsageError, naming the Semaphore, if adding `n` to `available`
    // passes the bound of a BoundedSemaphore or max().
    void requireRoom(std::ptrdiff_t available, std::ptrdiff_t n) const
    {
        if (bounded_ && n > initial_ - available)
            throw UsageError(describe() + ": release(" + std::to_string(n) + ") with " + std::to_string(available) +
                             " available would take the count past its initial count " + std::to_string(initial_));
        if (n > max() - available)
            throw UsageError(describe() + ": release(" + std::to_string(n) + ") would overflow the count");
    }

    // With the mutex held: serves the queued waiters in order while the
    // permits last, and clears `queued` if it served them all. True when it
    // served any, which must then be woken.
    bool grant() SKEIN_REQUIRES(core_->mutex)
    {
        core_->servedOnlyOne = false;
        if (core_->waiters.empty())
            return false;  // not queued: the count is not the mutex's to change
        std::ptrdiff_t available = permits(core_->word.load(std::memory_order_acquire));
        std::size_t served = 0;
        while (!core_->waiters.empty() && core_->waiters.front()->n <= available) {
            Waiter& head = *core_->waiters.front();
            available -= head.n;
            head.granted = true;
            core_->waiters.pop_front();
            ++served;
        }
        core_->word.store(available * unit | (core_->waiters.empty() ? 0 : queued), std::memory_order_release);
        core_->servedOnlyOne = served == 1 && core_->waiters.empty();
        return served != 0;
    }

    // With the mutex held: takes a waiter that gives up out of the queue, or
    // gives back what was handed to it meanwhile, and serves the ones behind
    // it, which its place may have held up.
    void abandon(Waiter& self, std::unique_lock<std::mutex>& lock) SKEIN_REQUIRES(core_->mutex)
    {
        if (self.granted)
            core_->word.fetch_add(self.n * unit, std::memory_order_acq_rel);  // queued or not
        else
            removeFromQueue(self);
        if (grant())
            wakeServed(lock);
    }

    void removeFromQueue(Waiter& self) SKEIN_REQUIRES(core_->mutex)
    {
        for (auto it = core_->waiters.begin(); it != core_->waiters.end(); ++it) {
            if (*it == &self) {
                core_->waiters.erase(it);
                if (core_->waiters.empty())
                    core_->word.fetch_and(~queued, std::memory_order_acq_rel);
                return;
            }
        }
    }

    // Lets go of the mutex and wakes the waiters grant() served: after, so
    // that they do not wake only to block on the mutex. Through a copy of
    // the Core, which keeps its condition variable alive: a served waiter may
    // destroy the Semaphore as soon as the mutex is free.
    // Through the std::unique_lock underneath, which the analysis does not
    // follow, as Queue does: the caller's MutexLock then holds nothing.
    void wakeServed(std::unique_lock<std::mutex>& lock) SKEIN_REQUIRES(core_->mutex)
    {
        const std::shared_ptr<Core> keep = core_;
        // Every waiter asleep on `changed` is queued, or was served and woken
        // already: one served and none left queued means one to wake, and
        // notify_one() costs far less than notify_all().
        const bool one = core_->servedOnlyOne;
        lock.unlock();
        if (one)
            keep->changed.notify_one();
        else
            keep->changed.notify_all();
    }

    void requirePositive(std::ptrdiff_t n, const char* operation) const
    {
        if (n <= 0)
            throw InvalidArgument(describe() + ": " + operation + "(" + std::to_string(n) +
                                  "): the number of permits must be at least 1");
    }

    // "Semaphore 'slots'", "BoundedSemaphore 'pool'": takes no lock.
    std::string describe() const { return std::string(kind_) + " '" + name_ + "'"; }

    const std::shared_ptr<Core> core_;
    const std::string name_;
    const char* const kind_;
    const std::ptrdiff_t initial_;
    const bool bounded_;
};

/// A Semaphore whose count may never pass its initial count: a release() that
/// would take it there throws UsageError naming it, changing nothing. The
/// contract is in semaphore.h.
class BoundedSemaphore : public Semaphore {
public:
    /// `initial` permits, also the most there may ever be (0 or more, else
    /// InvalidArgument). An unnamed one gets a generated name.
    explicit BoundedSemaphore(std::ptrdiff_t initial = 1, std::string name = {})
        : Semaphore(initial, std::move(name), "BoundedSemaphore", true)
    {}
};

}  // namespace skein
