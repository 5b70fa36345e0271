// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: naming the threads that were asked to stop and have not
// stopped, and waiting for a thread while naming them (stragglers.cpp).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "tree/thread_p.h"

namespace skein::detail {

// "path (what it waits on)" of each thread in the subtree of `s` whose
// function still runs, comma-separated; `s` itself only if `withItself`.
std::string stragglersIn(const ThreadState& s, bool withItself = true);

// "1.23 s", for messages.
std::string secondsText(std::chrono::steady_clock::duration d);

// The timer names `s` as a straggler, with back-off, from when it has been
// asked to stop while it runs; endWatch() ends that once it has ended.
void watchStraggler(const std::shared_ptr<ThreadState>& s);
void endWatch(ThreadState& s);

// Waits with `waitUntil(deadline)` (true: what it waits for came) until
// `giveUpAt`, naming the stragglers of the subtree of `root` as their steps
// come due; the timer leaves them to it meanwhile. False when `giveUpAt`
// came first.
bool waitNamingStragglers(ThreadState& root,
                          const std::function<bool(std::chrono::steady_clock::time_point)>& waitUntil,
                          std::chrono::steady_clock::time_point giveUpAt);

// Waits for `s` to end (stopped() and its callbacks); once it has been asked
// to stop, names the stragglers that hold it up. False when `giveUpAt` came
// first.
bool waitStopped(ThreadState& s,
                 std::chrono::steady_clock::time_point giveUpAt = std::chrono::steady_clock::time_point::max());

// Shutdown leaves `s` running, detached, and says so.
void giveUp(ThreadState& s);

}  // namespace skein::detail
