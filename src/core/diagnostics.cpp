// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// dumpThreads() and the SKEIN_PROFILE table.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <vector>

#include "skein/detail/introspection.h"
#include "skein/detail/mutex.h"
#include "skein/thread.h"
#include "platform/platform_p.h"
#include "thread_p.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

const char* phaseName(detail::ThreadState::Phase phase)
{
    switch (phase) {
    case detail::ThreadState::Phase::Created: return "created";
    case detail::ThreadState::Phase::Running: return "running";
    case detail::ThreadState::Phase::Finishing: return "joining children";
    case detail::ThreadState::Phase::Ending: return "ending";
    case detail::ThreadState::Phase::Finished: return "finished";
    }
    return "?";
}

void dump(const detail::ThreadState& s, int depth, Clock::time_point now, std::ostringstream& out)
{
    std::vector<std::shared_ptr<detail::ThreadState>> children;
    out << std::string(2 * static_cast<std::size_t>(depth), ' ') << s.name << " [";
    {
        detail::MutexLock lock(s.mutex);
        out << phaseName(s.phase);
        if (s.kind == detail::ThreadState::Kind::Placeholder)
            out << ", not started by Skein";
        if (s.pleaseStop && s.phase == detail::ThreadState::Phase::Running)
            out << ", asked to stop";
        if (s.failure)
            out << ", failed";
        out << ", progress " << std::fixed << std::setprecision(0) << 100 * s.progress.load() << " %";
        if (!s.progressText.empty())
            out << " " << s.progressText;
        if (s.waitingDescribe)
            out << ", " << s.waitingOnLocked() << " for " << std::setprecision(3) << seconds(now - s.waitingSince)
                << " s";
        children = s.children;
    }
    out << "]\n";
    for (const auto& c : children)
        dump(*c, depth + 1, now, out);
}

struct ProfileRow {
    std::string path;
    double wall, cpu, blocked;
};

detail::Mutex profileMutex;
std::vector<ProfileRow> profileRows SKEIN_GUARDED_BY(profileMutex);

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

std::atomic<bool> profilePrinted{false};

}  // namespace

std::string dumpThreads()
{
    std::ostringstream out;
    dump(*detail::mainState(), 0, Clock::now(), out);
    return out.str();
}

namespace detail {

namespace {
std::atomic<std::size_t> liveThreadStateCount{0};
}

CountedThreadState::CountedThreadState() noexcept { liveThreadStateCount.fetch_add(1, std::memory_order_relaxed); }
CountedThreadState::~CountedThreadState() { liveThreadStateCount.fetch_sub(1, std::memory_order_relaxed); }
std::size_t liveThreadStates() { return liveThreadStateCount.load(std::memory_order_relaxed); }

double profiledCpuSeconds()
{
    if (!profiling())
        return 0;
    return platform::threadCpuSeconds();
}

void recordProfile(const ThreadState& s)
{
    if (!profiling())
        return;
    ProfileRow row{s.path, seconds(Clock::now() - s.startedAt), profiledCpuSeconds() - s.cpuAtStart,
                   double(s.blockedNanos.load()) / 1e9};
    detail::MutexLock lock(profileMutex);
    profileRows.push_back(std::move(row));
}

std::string profileTable()
{
    detail::MutexLock lock(profileMutex);
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

}  // namespace detail
}  // namespace skein
