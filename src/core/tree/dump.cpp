// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — dumpThreads(): the tree as text, a line per thread.
#include <iomanip>
#include <sstream>
#include <vector>

#include "skein/thread.h"
#include "tree/thread_p.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;

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
        const std::string waiting = s.wait.waitingOn(now);
        if (!waiting.empty())
            out << ", " << waiting;
        children = s.children;
    }
    out << "]\n";
    for (const auto& c : children)
        dump(*c, depth + 1, now, out);
}

}  // namespace

std::string dumpThreads()
{
    std::ostringstream out;
    dump(*detail::mainState(), 0, Clock::now(), out);
    return out.str();
}

}  // namespace skein
