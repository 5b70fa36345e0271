// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — BlockedScope: a Skein wait, recorded in the calling thread's wait
// record (what it waits on, since when, for how long in all) when the tree
// knows the thread, and refused on the timer thread.
#include "skein/detail/wait.h"

#include "diagnostics/current_thread_p.h"
#include "primitives/timer_p.h"
#include "skein/error.h"

namespace skein::detail {

using Clock = std::chrono::steady_clock;

BlockedScope::BlockedScope(Describe describe, const void* object) : record_(nullptr), since_(Clock::now())
{
    if (onTimerThread)
        throw UsageError("a blocking wait on the timer thread, in a Till's then() callback, would stop every Till: "
                         "it waited on " +
                         describe(object));
    record_ = currentWaitRecord();
    if (!record_ || record_->depth++ != 0)
        return;
    outermost_ = true;
    MutexLock lock(record_->mutex);
    record_->describe = describe;
    record_->object = object;
    record_->since = since_;
}

BlockedScope::~BlockedScope()
{
    if (!record_)
        return;
    --record_->depth;
    if (!outermost_)
        return;
    record_->blockedNanos.fetch_add(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - since_).count(), std::memory_order_relaxed);
    MutexLock lock(record_->mutex);
    record_->describe = nullptr;
    record_->object = nullptr;
}

}  // namespace skein::detail
