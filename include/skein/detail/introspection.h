// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: counters for tests and diagnostics. Not a stable API.
#pragma once

#include <chrono>
#include <cstddef>

#include "skein/signal.h"

namespace skein::detail {

// Callbacks registered on `signal` that have neither run nor been removed.
std::size_t pendingCallbacks(const Signal& signal);
// Signal states (Signals, Tills, composites) alive in the process.
std::size_t liveSignalStates();
// Thread states (main, started, registered and placeholder threads) alive in
// the process: a thread's lasts until it has ended and its handles are gone.
std::size_t liveThreadStates();
// Tills the timer thread is holding for their deadline.
std::size_t pendingTimers();
// Timer threads running in the process: 0 before the first Till, then 1.
std::size_t timerThreadCount();
// Waits until every thread Skein started has left its OS thread (a joined
// thread still runs a few instructions after join() returns, dropping its own
// references). False if `timeout` passed first.
bool waitForThreadExits(std::chrono::milliseconds timeout);
// Shutdown of the timer: every pending Till goes now, and every Till made
// afterwards is born gone. Irreversible; MainThread calls it on exit.
void shutdownTimers();

}  // namespace skein::detail
