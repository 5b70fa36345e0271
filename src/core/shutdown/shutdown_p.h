// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the one shutdown of every thread, for MainThread and for
// exit.
#pragma once

#include <exception>

namespace skein::detail {

// Stops every thread: main's pleaseStop goes, the timer thread stops, main's
// children are stopped and joined, newest first (stragglers named, given up
// on at the stop time limit), and the OS threads they ran on are waited for.
// Prints the SKEIN_PROFILE table. Returns the first failure nobody joined
// (it has been logged).
std::exception_ptr shutdownEveryThread();

// Makes sure that every thread is stopped at exit, for a program without
// MainThread or one that outlives it. Called at the first start() (the one
// call the tree makes up to here), so that this shutdown runs before the
// static objects made before that start are destroyed.
void armExitShutdown();

}  // namespace skein::detail
