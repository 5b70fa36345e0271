// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/barrier.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <optional>
#include <thread>
#include <utility>

#include "diagnostics/current_thread_p.h"
#include "skein/detail/mutex.h"
#include "skein/detail/wait.h"

namespace skein {

// One wait() of a round, on its thread's stack. Each round is a list of
// them, and whoever ends the round (its last thread, a break, a reset, the
// destructor) decides every outcome under the mutex and empties the list:
// a thread learns how its own round ended from its own Waiter, however many
// rounds have begun since, and the list never points at a Waiter that left.
struct Barrier::Waiter {
    enum class Outcome { Pending, Released, Broken };
    Waiter* next = nullptr;
    // Written under the mutex; read without it by its thread, which spins
    // on it for a moment before it sleeps.
    std::atomic<Outcome> outcome{Outcome::Pending};
    std::string why;  // the message of its BrokenBarrier; under the mutex
};

struct Barrier::Core {
    detail::Mutex mutex;
    std::condition_variable cv;
    Waiter* round SKEIN_GUARDED_BY(mutex) = nullptr;  // the round filling up
    std::size_t arrived SKEIN_GUARDED_BY(mutex) = 0;
    // While a completion function runs: its round, which nobody may join,
    // so that arrivals wait, and which thread runs it.
    bool completing SKEIN_GUARDED_BY(mutex) = false;
    Waiter* completingRound SKEIN_GUARDED_BY(mutex) = nullptr;
    std::thread::id completer SKEIN_GUARDED_BY(mutex);
    // What broke the barrier, while it is broken.
    std::optional<std::string> broken SKEIN_GUARDED_BY(mutex);
    detail::BlockedCalls blocked;

    // Ends the round `list` with `outcome` for each of its threads.
    void decide(Waiter*& list, Waiter::Outcome outcome, const std::string& why = {}) SKEIN_REQUIRES(mutex)
    {
        for (Waiter* w = std::exchange(list, nullptr); w; w = w->next) {
            w->why = why;
            w->outcome.store(outcome, std::memory_order_release);
        }
        cv.notify_all();
    }

    // Breaks the current round, and the one whose completion function runs
    // unless `sparingCompleteRound`: its threads have all arrived.
    void breakRounds(const std::string& cause, const std::string& why, bool sparingCompleteRound = false)
        SKEIN_REQUIRES(mutex)
    {
        if (!broken)
            broken = cause;
        decide(round, Waiter::Outcome::Broken, why);
        arrived = 0;
        if (!sparingCompleteRound)
            decide(completingRound, Waiter::Outcome::Broken, why);
    }
};

namespace {

std::string describe(const void* barrier)
{
    return "Barrier '" + static_cast<const Barrier*>(barrier)->name() + "'";
}

}  // namespace

Barrier::Barrier(std::size_t count, std::string name, std::function<void()> completion)
    : core_(std::make_shared<Core>()),
      name_(name.empty() ? detail::generatedName("barrier") : std::move(name)),
      count_(count),
      completion_(std::move(completion))
{
    if (count == 0)
        throw InvalidArgument("Barrier '" + name_ + "': a count of 0 threads can never meet");
}

Barrier::~Barrier()
{
    Core& core = *core_;
    detail::MutexLock lock(core.mutex);
    // The analysis cannot see that awaitLeaving() calls this with the mutex
    // held.
    core.blocked.awaitLeaving(lock.native(), [this, &core]() SKEIN_NO_THREAD_SAFETY_ANALYSIS {
        core.breakRounds("it is being destroyed", "Barrier '" + name_ + "' was destroyed while wait() blocked in it");
    });
}

std::size_t Barrier::wait(const Signal& till)
{
    Core& core = *core_;
    detail::MutexLock lock(core.mutex, detail::MutexLock::Spin{});
    // Counts the call once it may block, from then to its last touch of the
    // barrier, so that the destructor waits for it.
    std::optional<detail::BlockedCalls::Entry> blocked;
    const auto tillWent = [] {
        return "the till of a wait() by thread '" + detail::currentThreadPath() + "' went before its round was complete";
    };
    const auto brokenMessage = [this](const std::string& cause) {
        return "Barrier '" + name_ + "' is broken: " + cause;
    };

    if (core.completing) {
        if (core.completer == std::this_thread::get_id())
            throw UsageError("Barrier '" + name_ + "': wait() from its own completion function would never return");
        // The next round begins once the completion function has run.
        blocked.emplace(core.blocked, lock.native());
        const bool entered = detail::waitUntil(
            lock.native(), core.cv, till, core_,
            [&core]() SKEIN_REQUIRES(core.mutex) {
                return !core.completing || core.broken || core.blocked.destroying();
            },
            describe, this);
        if (!entered) {
            const std::string cause = tillWent();
            core.breakRounds(cause, brokenMessage(cause), true);
        }
    }
    if (core.blocked.destroying())
        throw BrokenBarrier("Barrier '" + name_ + "' was destroyed while wait() blocked in it");
    if (core.broken)
        throw BrokenBarrier(brokenMessage(*core.broken) + "; reset() makes it usable again");

    Waiter self;
    self.next = core.round;
    core.round = &self;
    const std::size_t index = core.arrived++;
    if (core.arrived == count_) {
        if (completion_) {
            core.completing = true;
            core.completer = std::this_thread::get_id();
            core.completingRound = std::exchange(core.round, nullptr);
            core.arrived = 0;
            if (!blocked)
                blocked.emplace(core.blocked, lock.native());
            std::exception_ptr failure;
            lock.unlock();
            try {
                completion_();
            } catch (...) {
                failure = std::current_exception();
            }
            lock.lock();
            core.completing = false;
            core.completer = std::thread::id();
            core.cv.notify_all();  // the arrivals that wait for it
            if (failure) {
                const std::string cause = "its completion function threw: " + errorMessage(failure);
                core.breakRounds(cause, brokenMessage(cause));
                std::rethrow_exception(failure);
            }
            // An abort(), reset() or destruction meanwhile decided the round.
            if (self.outcome.load(std::memory_order_relaxed) == Waiter::Outcome::Broken)
                throw BrokenBarrier(self.why);
            core.decide(core.completingRound, Waiter::Outcome::Released);
        } else {
            core.arrived = 0;
            core.decide(core.round, Waiter::Outcome::Released);
        }
        return index;
    }

    if (!blocked)
        blocked.emplace(core.blocked, lock.native());
    const auto decided = [&self] {
        return self.outcome.load(std::memory_order_acquire) != Waiter::Outcome::Pending;
    };
    if (!till) {
        // The last thread of the round is often a moment away: look for the
        // release before sleeping. Then yield, as the last thread may be
        // waiting for this very core (std::barrier's wait does the same): a
        // round of two threads is then as fast as std::barrier's, where
        // sleeping at once made it 2.5 times slower (bench_barrier).
        lock.unlock();
        detail::awaitBriefly(decided);
        lock.lock();
    }
    try {
        if (!detail::waitUntil(lock.native(), core.cv, till, core_, decided, describe, this)) {
            if (core.completing) {
                // Complete: only its completion function still runs, and decides.
                detail::waitUntil(lock.native(), core.cv, Signal::never(), core_, decided, describe, this);
            } else {
                const std::string cause = tillWent();
                core.breakRounds(cause, brokenMessage(cause));
            }
        }
    } catch (...) {
        // It could not block (refused on the timer thread, out of memory):
        // it leaves its round as a wait whose till went does, and no list
        // keeps its Waiter.
        if (!lock.ownsLock())
            lock.native().lock();
        if (!decided()) {
            const std::string cause = "a wait() by thread '" + detail::currentThreadPath() +
                                      "' could not block: " + errorMessage(std::current_exception());
            core.breakRounds(cause, brokenMessage(cause));
        }
        throw;
    }
    if (self.outcome.load(std::memory_order_relaxed) == Waiter::Outcome::Released)
        return index;
    throw BrokenBarrier(self.why);
}

void Barrier::abort()
{
    Core& core = *core_;
    detail::MutexLock lock(core.mutex);
    if (core.broken)
        return;
    const std::string cause = "abort() by thread '" + detail::currentThreadPath() + "'";
    core.breakRounds(cause, "Barrier '" + name_ + "' is broken: " + cause);
}

void Barrier::reset()
{
    Core& core = *core_;
    detail::MutexLock lock(core.mutex);
    const std::string why =
        "Barrier '" + name_ + "' was reset by thread '" + detail::currentThreadPath() + "' while wait() blocked in it";
    core.decide(core.round, Waiter::Outcome::Broken, why);
    core.decide(core.completingRound, Waiter::Outcome::Broken, why);
    core.arrived = 0;
    core.broken.reset();
}

bool Barrier::isBroken() const
{
    detail::MutexLock lock(core_->mutex);
    return core_->broken.has_value();
}

std::size_t Barrier::waiting() const
{
    detail::MutexLock lock(core_->mutex);
    return core_->arrived;
}

}  // namespace skein
