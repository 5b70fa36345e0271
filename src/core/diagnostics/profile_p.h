// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the SKEIN_PROFILE table, a row per thread that ended.
#pragma once

#include <chrono>
#include <string>

namespace skein::detail {

// The CPU time the calling OS thread has used, in seconds, when
// SKEIN_PROFILE asks for a profile; 0 otherwise.
double profiledCpuSeconds();

// Records the statistics of a thread that is ending, on that thread: from
// `startedAt` and `cpuAtStart` (profiledCpuSeconds() then) to now.
void recordProfile(const std::string& path, std::chrono::steady_clock::time_point startedAt, double cpuAtStart,
                   double blockedSeconds);

// At shutdown or exit: prints the profile table to stderr, once, when
// SKEIN_PROFILE asks for it.
void printProfileTable();

}  // namespace skein::detail
