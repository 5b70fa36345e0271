// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: counters for Skein's own tests and diagnostics. Not
// installed and not a stable API: tests reach it through the
// skein_test_support target. Exported from the library only because the
// tests, outside it, must read the state inside it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "skein/signal.h"
#include "skein/skein_export.h"

namespace skein::detail {

// Callbacks registered on `signal` that have neither run nor been removed.
SKEIN_EXPORT std::size_t pendingCallbacks(const Signal& signal);
// Signal states (Signals, Tills, composites) alive in the process.
SKEIN_EXPORT std::size_t liveSignalStates();
// Thread states (main, started, registered and placeholder threads) alive in
// the process: a thread's lasts until it has ended and its handles are gone.
SKEIN_EXPORT std::size_t liveThreadStates();
// Tills the timer thread is holding for their deadline.
SKEIN_EXPORT std::size_t pendingTimers();
// Timer threads running in the process: 0 before the first Till, then 1.
SKEIN_EXPORT std::size_t timerThreadCount();
// Waits until every thread Skein started has left its OS thread (a joined
// thread still runs a few instructions after join() returns, dropping its own
// references). False if `timeout` passed first.
SKEIN_EXPORT bool waitForThreadExits(std::chrono::milliseconds timeout);
// Shutdown of the timer: every pending Till goes now, and every Till made
// afterwards is born gone. Irreversible; MainThread calls it on exit.
SKEIN_EXPORT void shutdownTimers();
// Per-thread statistics of the threads that ended, as a table (SKEIN_PROFILE).
SKEIN_EXPORT std::string profileTable();

}  // namespace skein::detail
