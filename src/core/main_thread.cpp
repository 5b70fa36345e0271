// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/main_thread.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "log_p.h"
#include "platform/platform_p.h"
#include "skein/detail/chrono.h"
#include "skein/detail/introspection.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/log.h"
#include "thread_p.h"
#include "timer_p.h"
#include "tree_events_p.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<std::int64_t> graceMillis{2000};
std::atomic<std::int64_t> stopLimitMillis{8000};
// When shutdown gives up, as steady_clock ticks; 0 until shutdown begins.
std::atomic<Clock::rep> giveUpTicks{0};
std::atomic<bool> abandoned{false};

}  // namespace

void setStopGracePeriod(std::chrono::milliseconds period)
{
    graceMillis.store(std::max<std::int64_t>(period.count(), 0), std::memory_order_relaxed);
}

std::chrono::milliseconds stopGracePeriod()
{
    return std::chrono::milliseconds(graceMillis.load(std::memory_order_relaxed));
}

void setStopTimeLimit(std::chrono::milliseconds limit)
{
    stopLimitMillis.store(std::max<std::int64_t>(limit.count(), 0), std::memory_order_relaxed);
}

std::chrono::milliseconds stopTimeLimit()
{
    return std::chrono::milliseconds(stopLimitMillis.load(std::memory_order_relaxed));
}

namespace detail {

Clock::time_point beginShutdown()
{
    const auto limit = stopTimeLimit();
    const Clock::time_point now = Clock::now();
    const Clock::time_point candidate =
        limit >= std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now)
            ? Clock::time_point::max()
            : now + limit;
    Clock::rep expected = 0;
    if (giveUpTicks.compare_exchange_strong(expected, candidate.time_since_epoch().count()))
        return candidate;
    return Clock::time_point(Clock::duration(expected));
}

void markThreadsAbandoned() noexcept { abandoned.store(true); }
bool threadsWereAbandoned() noexcept { return abandoned.load(); }

}  // namespace detail

// --- BlockedScope -------------------------------------------------------------

namespace detail {

BlockedScope::BlockedScope(Describe describe, const void* object) : self_(nullptr), since_(Clock::now())
{
    if (onTimerThread)
        throw UsageError("a blocking wait on the timer thread, in a Till's then() callback, would stop every Till: "
                         "it waited on " +
                         describe(object));
    self_ = currentStateRaw();
    if (!self_ || self_->waitDepth++ != 0)
        return;
    outermost_ = true;
    MutexLock lock(self_->mutex);
    self_->waitingDescribe = describe;
    self_->waitingObject = object;
    self_->waitingSince = since_;
}

BlockedScope::~BlockedScope()
{
    if (!self_)
        return;
    --self_->waitDepth;
    if (!outermost_)
        return;
    self_->blockedNanos.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - since_).count(),
                                  std::memory_order_relaxed);
    MutexLock lock(self_->mutex);
    self_->waitingDescribe = nullptr;
    self_->waitingObject = nullptr;
}

}  // namespace detail

// --- MainThread -------------------------------------------------------------

struct MainThread::Private {
    std::optional<detail::platform::StopRequests> stopRequests;
    bool shutDown = false;

    // Returns the first failure nobody joined.
    std::exception_ptr shutdown()
    {
        if (shutDown)
            return nullptr;
        shutDown = true;
        const Clock::time_point giveUpAt = detail::beginShutdown();
        detail::ThreadState& main = *detail::mainState();
        main.pleaseStop.go();
        detail::shutdownTimers();
        std::exception_ptr failure = detail::stopAndJoinChildren(main, giveUpAt);
        // Joined threads are only leaving their OS threads now; one that was
        // given up on never will, and has been named already.
        if (!detail::threadsWereAbandoned() &&
            !detail::waitForAllThreadsToEnd(std::min(detail::deadlineAfter(stopGracePeriod()), giveUpAt)))
            SKEIN_LOG(Shutdown, Warning, "some threads were still ending their OS thread at shutdown");
        stopRequests.reset();
        detail::printProfileTable();
        return failure;
    }
};

namespace {
std::atomic<bool> mainThreadExists{false};
}

MainThread::MainThread() : MainThread(Options{}) {}

MainThread::MainThread(Options options) : d(std::make_unique<Private>())
{
    if (mainThreadExists.exchange(true))
        throw UsageError("MainThread: there is one already in this process");
    const Signal stop = detail::mainState()->pleaseStop;
    detail::platform::StopRequests::Handlers handlers;
    handlers.stop = [stop](const std::string& what) {
        SKEIN_LOG(Shutdown, Info, what + ": stopping");
        stop.go();
    };
    handlers.fail = [](const std::string& problem) {
        SKEIN_LOG(Shutdown, Error, "watching for requests to stop: " + problem);
    };
    try {
        d->stopRequests.emplace(options.exitOnStdin, std::move(handlers));
    } catch (const std::exception& e) {
        mainThreadExists = false;
        throw Error(std::string("MainThread: cannot watch for requests to stop: ") + e.what());
    }
}

MainThread::~MainThread()
{
    d->shutdown();
    mainThreadExists = false;
}

int MainThread::waitForShutdown()
{
    detail::mainState()->pleaseStop.wait();
    if (const std::exception_ptr failure = d->shutdown())
        std::rethrow_exception(failure);
    return detail::threadsWereAbandoned() ? 1 : 0;
}

void MainThread::stop() { detail::mainState()->pleaseStop.go(); }

Thread MainThread::thread() const { return detail::ThreadAccess::wrap(detail::mainState()); }

// --- RegisterThread -----------------------------------------------------------

struct RegisterThread::Private {
    std::shared_ptr<detail::ThreadState> state;
    detail::ThreadState* previous = nullptr;
    std::string previousOsName;  // the foreign thread's own, given back at the end
};

RegisterThread::RegisterThread(std::string name) : d(std::make_unique<Private>())
{
    const detail::ThreadState* current = detail::knownCurrentState();
    if (current && current->kind != detail::ThreadState::Kind::Placeholder)
        throw UsageError("RegisterThread '" + name + "': thread '" + current->path + "' is already a Skein thread");
    const auto& main = detail::mainState();
    d->state = detail::makeRunningState(std::move(name), main, detail::ThreadState::Kind::Registered);
    bool mainStopping = false;
    {
        detail::MutexLock lock(main->mutex);
        main->children.push_back(d->state);
        mainStopping = bool(main->pleaseStop);
    }
    detail::treeChanged();
    if (mainStopping)
        d->state->pleaseStop.go();
    d->previous = detail::swapCurrent(d->state.get());
    d->previousOsName = detail::platform::threadName();
    detail::platform::setThreadName(d->state->name);
}

RegisterThread::~RegisterThread()
{
    detail::finishThread(*d->state);  // it leaves main's children
    detail::swapCurrent(d->previous);
    if (!d->previousOsName.empty())
        detail::platform::setThreadName(d->previousOsName);
}

Thread RegisterThread::thread() const { return detail::ThreadAccess::wrap(d->state); }

}  // namespace skein
