// Skein — private: counters for tests and diagnostics. Not a stable API.
#pragma once

#include <cstddef>

#include "skein/signal.h"

namespace skein::detail {

// Callbacks registered on `signal` that have neither run nor been removed.
std::size_t pendingCallbacks(const Signal& signal);
// Signal states (Signals, Tills, composites) alive in the process.
std::size_t liveSignalStates();
// Tills the timer thread is holding for their deadline.
std::size_t pendingTimers();
// Timer threads running in the process: 0 before the first Till, then 1.
std::size_t timerThreadCount();
// Shutdown of the timer: every pending Till goes now, and every Till made
// afterwards is born gone. Irreversible; MainThread calls it on exit.
void shutdownTimers();

} // namespace skein::detail
