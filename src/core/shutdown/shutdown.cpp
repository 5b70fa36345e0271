// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the shutdown of every thread: one routine, which MainThread runs
// and, for a program without one, the exit guard.
#include "shutdown/shutdown_p.h"

#include <algorithm>

#include "diagnostics/profile_p.h"
#include "platform/platform_p.h"
#include "skein/detail/chrono.h"
#include "skein/detail/introspection.h"
#include "skein/log.h"
#include "skein/main_thread.h"
#include "tree/thread_p.h"

namespace skein::detail {

std::exception_ptr shutdownEveryThread()
{
    const std::chrono::steady_clock::time_point giveUpAt = beginShutdown();
    ThreadState& main = *mainState();
    main.pleaseStop.go();
    shutdownTimers();
    std::exception_ptr failure = stopAndJoinChildren(main, giveUpAt);
    // Joined threads are only leaving their OS threads now; one that was
    // given up on never will, and has been named already.
    if (!threadsWereAbandoned() &&
        !waitForAllThreadsToEnd(std::min(deadlineAfter(stopGracePeriod()), giveUpAt)))
        SKEIN_LOG(Shutdown, Warning, "some threads were still ending their OS thread at shutdown");
    printProfileTable();
    return failure;
}

namespace {

// Its destructor runs at exit, before the static objects made before it.
// Not where the OS has ended every other thread first (Windows, in a DLL):
// nothing is left to stop, and what they held would block the shutdown for
// ever. There only MainThread stops them in order.
struct ExitGuard {
    ~ExitGuard()
    {
        if (!platform::otherThreadsEnded())
            shutdownEveryThread();
    }
};

}  // namespace

void armExitShutdown() { static ExitGuard exitGuard; }

}  // namespace skein::detail
