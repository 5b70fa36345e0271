// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the count of Skein threads still on an OS thread: what shutdown
// waits for after the tree has been joined, as a joined thread is only then
// leaving its OS thread.
#include <condition_variable>

#include "skein/detail/introspection.h"
#include "tree/thread_p.h"

namespace skein::detail {

namespace {

using Clock = std::chrono::steady_clock;

// Never destroyed: a thread that shutdown gave up on may end during static
// destruction.
struct LiveThreads {
    Mutex mutex;
    std::condition_variable cv;
    std::size_t count SKEIN_GUARDED_BY(mutex) = 0;
};

LiveThreads& live()
{
    static LiveThreads* const instance = new LiveThreads;
    return *instance;
}


}  // namespace

void threadBegins()
{
    MutexLock lock(live().mutex);
    ++live().count;
}

void threadEnds()
{
    MutexLock lock(live().mutex);
    if (--live().count == 0)
        live().cv.notify_all();
}
bool waitForAllThreadsToEnd(Clock::time_point deadline)
{
    LiveThreads& l = live();
    MutexLock lock(l.mutex);
    while (l.count != 0) {
        if (lock.waitUntil(l.cv, deadline) == std::cv_status::timeout)
            return l.count == 0;
    }
    return true;
}

bool waitForThreadExits(std::chrono::milliseconds timeout) { return waitForAllThreadsToEnd(Clock::now() + timeout); }

}  // namespace skein::detail
