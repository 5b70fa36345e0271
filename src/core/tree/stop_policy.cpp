// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — how long stopping may take: the grace period before a straggler
// is named, the stop time limit after which shutdown gives up, and the
// moment shutdown began.
#include <algorithm>
#include <atomic>

#include "skein/main_thread.h"
#include "tree/thread_p.h"

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

}  // namespace skein
