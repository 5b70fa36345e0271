// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the calling thread as the primitives and the log see it (see
// current_thread_p.h).
#include "diagnostics/current_thread_p.h"

#include <iomanip>
#include <sstream>

#include "platform/platform_p.h"

namespace skein::detail {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<const CurrentThreadHooks*> installed{nullptr};

}  // namespace

void installCurrentThreadHooks(const CurrentThreadHooks* hooks) noexcept
{
    installed.store(hooks, std::memory_order_release);
}

WaitRecord* currentWaitRecord() noexcept
{
    const CurrentThreadHooks* hooks = installed.load(std::memory_order_acquire);
    return hooks ? hooks->waitRecord() : nullptr;
}

std::string unknownThreadName()
{
    return platform::onMainThread() ? "main" : "thread-" + std::to_string(platform::threadId());
}

std::string currentThreadPath()
{
    if (const CurrentThreadHooks* hooks = installed.load(std::memory_order_acquire)) {
        std::string path = hooks->path();
        if (!path.empty())
            return path;
    }
    return unknownThreadName();
}

std::string WaitRecord::waitingOn(Clock::time_point now) const
{
    MutexLock lock(mutex);
    if (!describe)
        return {};
    std::ostringstream out;
    out << "waiting on " << describe(object);
    if (now != Clock::time_point())
        out << " for " << std::fixed << std::setprecision(3) << std::chrono::duration<double>(now - since).count()
            << " s";
    return out.str();
}

}  // namespace skein::detail
