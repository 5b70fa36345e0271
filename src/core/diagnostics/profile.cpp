// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the SKEIN_PROFILE table: wall, CPU and blocked time of each thread
// that ended, printed at shutdown or exit.
#include "diagnostics/profile_p.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <vector>

#include "platform/platform_p.h"
#include "skein/detail/introspection.h"
#include "skein/detail/mutex.h"

namespace skein::detail {

namespace {

struct ProfileRow {
    std::string path;
    double wall, cpu, blocked;
};

Mutex profileMutex;
std::vector<ProfileRow> profileRows SKEIN_GUARDED_BY(profileMutex);
std::atomic<bool> profilePrinted{false};

// The one rule for SKEIN_PROFILE, for recording and printing alike: set,
// and neither empty nor "0".
bool profiling()
{
    static const bool on = [] {
        const char* v = std::getenv("SKEIN_PROFILE");
        return v && *v && std::string(v) != "0";
    }();
    return on;
}

}  // namespace

double profiledCpuSeconds() { return profiling() ? platform::threadCpuSeconds() : 0; }

void recordProfile(const std::string& path, std::chrono::steady_clock::time_point startedAt, double cpuAtStart,
                   double blockedSeconds)
{
    if (!profiling())
        return;
    ProfileRow row{path, std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt).count(),
                   profiledCpuSeconds() - cpuAtStart, blockedSeconds};
    MutexLock lock(profileMutex);
    profileRows.push_back(std::move(row));
}

std::string profileTable()
{
    MutexLock lock(profileMutex);
    std::ostringstream out;
    out << std::left << std::setw(40) << "thread" << std::right << std::setw(14) << "wall s" << std::setw(14) << "cpu s"
        << std::setw(14) << "blocked s" << '\n';
    out << std::fixed << std::setprecision(6);
    for (const auto& r : profileRows)
        out << std::left << std::setw(40) << r.path << std::right << std::setw(14) << r.wall << std::setw(14) << r.cpu
            << std::setw(14) << r.blocked << '\n';
    return out.str();
}

void printProfileTable()
{
    if (profiling() && !profilePrinted.exchange(true))
        std::fputs(profileTable().c_str(), stderr);
}

}  // namespace skein::detail
