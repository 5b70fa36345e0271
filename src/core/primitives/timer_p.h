// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the timer thread that makes every Till go.
#pragma once

#include <chrono>
#include <memory>

namespace skein::detail {

struct SignalState;

// True on the timer thread, which runs Tills' callbacks: it must never block
// in a Skein wait, or no Till could go any more.
extern thread_local bool onTimerThread;

// Hands `state` to the timer, to go at `deadline`. False when the timer has
// shut down: the caller makes the Till go at once instead.
bool scheduleTill(const std::shared_ptr<SignalState>& state, std::chrono::steady_clock::time_point deadline);
// Called by a timed state's destructor: the timer forgets it.
void forgetTill(SignalState* state) noexcept;
// While a Till has then() callbacks, the timer holds it, so that
// `Till(1s).then(f)` runs f though no handle is left. Returns what the timer
// held, for the caller to drop outside its locks.
void holdTill(SignalState* state);
std::shared_ptr<SignalState> releaseTill(SignalState* state);

}  // namespace skein::detail
