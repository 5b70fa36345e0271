// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — a Skein thread whose body another OS thread runs: a pool's thread
// (startHosted(), for runInPool), or the joiner's when it comes first.
#include "skein/thread.h"

#include "diagnostics/profile_p.h"
#include "platform/platform_p.h"
#include "skein/error.h"
#include "tree/thread_p.h"

namespace skein::detail {

void runHosted(std::shared_ptr<ThreadState> self)
{
    ThreadState* const previous = swapCurrent(self.get());
    const std::string osName = platform::threadName();
    self->nativeId.store(platform::threadId(), std::memory_order_relaxed);
    self->cpuAtStart = profiledCpuSeconds();
    platform::setThreadName(self->name);
    runFunction(self);
    platform::setThreadName(osName);
    recordProfile(*self);
    finishThread(*self);
    swapCurrent(previous);
    self.reset();
    threadEnds();
}

void startHosted(const Thread& thread, const std::function<void(std::unique_ptr<HostedRun>)>& host)
{
    const std::shared_ptr<ThreadState>& self = ThreadAccess::shared(thread);
    if (!self)
        throwNoThread();
    beginStart(self);
    self->hosted.store(true, std::memory_order_release);
    host(std::unique_ptr<HostedRun>(new HostedRun(self)));
    endStart(self);
}

void HostedRun::operator()() noexcept
{
    const std::shared_ptr<ThreadState> self = std::exchange(state_, {}).lock();
    if (self && !self->bodyClaimed.exchange(true, std::memory_order_acq_rel))
        runHosted(self);
}

HostedRun::~HostedRun()
{
    const std::shared_ptr<ThreadState> self = state_.lock();
    if (!self || self->bodyClaimed.exchange(true, std::memory_order_acq_rel))
        return;
    {
        MutexLock lock(self->mutex);
        self->failure = std::make_exception_ptr(
            Error("Thread '" + self->path + "': the pool it was given to dropped it before it ran"));
    }
    logIfReleased(*self);
    finishThread(*self);
    threadEnds();
}

std::exception_ptr failureOf(const Thread& thread)
{
    ThreadState& s = ThreadAccess::state(thread);
    MutexLock lock(s.mutex);
    return s.failure;
}

}  // namespace skein::detail
