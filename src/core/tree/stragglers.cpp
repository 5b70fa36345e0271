// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — naming stragglers: a thread that was asked to stop and has not
// stopped is named in a warning after the grace period, and again with
// back-off, whether or not anyone joins it; and giving up on one.
#include "tree/stragglers_p.h"

#include <algorithm>
#include <iomanip>
#include <optional>
#include <sstream>

#include "primitives/signal_p.h"
#include "skein/detail/chrono.h"
#include "skein/log.h"
#include "skein/main_thread.h"
#include "skein/till.h"

namespace skein::detail {

namespace {

using Clock = std::chrono::steady_clock;

std::string stragglerLocked(const ThreadState& s) SKEIN_REQUIRES(s.mutex)
{
    if (s.kind == ThreadState::Kind::Main || s.kind == ThreadState::Kind::Placeholder)
        return {};
    switch (s.phase) {
    case ThreadState::Phase::Running: {
        const std::string what = s.wait.waitingOn();
        return s.path + " (" + (what.empty() ? "not in a Skein wait" : what) + ")";
    }
    case ThreadState::Phase::Ending: return s.path + " (ending)";
    case ThreadState::Phase::Finished: return s.ended ? std::string() : s.path + " (ending)";
    default: return {};
    }
}


}  // namespace

std::string stragglersIn(const ThreadState& s, bool withItself)
{
    std::string found;
    if (withItself) {
        MutexLock lock(s.mutex);
        found = stragglerLocked(s);
    }
    for (const auto& c : childrenOf(s)) {
        const std::string below = stragglersIn(*c);
        if (!below.empty())
            found += (found.empty() ? "" : ", ") + below;
    }
    return found;
}

std::string secondsText(Clock::duration d)
{
    std::ostringstream out;
    out << std::setprecision(3) << std::chrono::duration<double>(d).count() << " s";
    return out.str();
}

namespace {

// Names what holds `s` up; when no function in its subtree runs any more, it
// is ending (its stopped() callbacks, or children about to leave).
std::string stragglersOrEnding(const ThreadState& s)
{
    std::string found = stragglersIn(s);
    return found.empty() ? s.path + " (ending)" : found;
}

// --- Naming stragglers ---------------------------------------------------------
//
// A thread that was asked to stop and has not stopped is named in a warning
// after the grace period, and again with back-off, whether or not anyone
// joins it. Each thread keeps its own schedule of steps, and whoever finds a
// step due claims it under the thread's mutex: one warning per straggler per
// step, however many look. Joins look at the subtree they wait for (so do
// shutdown and exit, once the timer has stopped); the timer looks at each
// straggler that no join names.

// The back-off: twice the last interval, never less than the minimum (a zero
// grace period would warn in a busy loop), saturating instead of overflowing.
constexpr std::chrono::milliseconds minWarningInterval(100);

std::chrono::milliseconds backedOff(std::chrono::milliseconds last)
{
    const auto doubled = last > std::chrono::milliseconds::max() / 2 ? std::chrono::milliseconds::max() : 2 * last;
    return std::max(doubled, minWarningInterval);
}

// Starts the schedule of `s` once it has been asked to stop and runs; true
// while it has one.
bool scheduleNamingLocked(ThreadState& s) SKEIN_REQUIRES(s.mutex)
{
    ThreadState::Naming& n = s.naming;
    if (!n.scheduled && s.pleaseStop && s.phase != ThreadState::Phase::Created &&
        (s.kind == ThreadState::Kind::Started || s.kind == ThreadState::Kind::Registered)) {
        n.scheduled = true;
        n.askedAt = Clock::now();
        n.interval = stopGracePeriod();
        n.due = deadlineAfter(n.interval);
    }
    return n.scheduled;
}

// Names `s` when a step of its schedule is due, claiming the step. Returns
// when the next step is due; max when none will come (it has ended, or the
// grace period never ends).
Clock::time_point nameIfDue(ThreadState& s)
{
    std::string straggler;
    Clock::duration waited{};
    {
        MutexLock lock(s.mutex);
        if (s.ended || !scheduleNamingLocked(s))
            return Clock::time_point::max();
        const Clock::time_point now = Clock::now();
        if (now < s.naming.due)
            return s.naming.due;
        if (s.naming.writing)
            return deadlineAfter(s.naming.interval);  // a look then finds the step its writer sets
        straggler = stragglerLocked(s);
        waited = now - s.naming.askedAt;
        s.naming.interval = backedOff(s.naming.interval);
        s.naming.due = deadlineAfter(s.naming.interval);
        if (straggler.empty())
            return s.naming.due;
        s.naming.writing = true;
    }
    SKEIN_LOG(Thread, Warning,
              "thread '" + s.path + "' was asked to stop and has not stopped after " + secondsText(waited) +
                  ": still running " + straggler);
    // The next step counts from the end of this warning, however long the
    // sink took: never two warnings closer than a step.
    MutexLock lock(s.mutex);
    s.naming.writing = false;
    s.naming.due = deadlineAfter(s.naming.interval);
    return s.naming.due;
}

// Names the stragglers due in the subtree of `root`; returns when the next
// step of one of them is due.
Clock::time_point nameDueIn(ThreadState& root)
{
    Clock::time_point next = nameIfDue(root);
    for (const auto& c : childrenOf(root))
        next = std::min(next, nameDueIn(*c));
    return next;
}

// Whether a join names the stragglers of a subtree that holds `s`. It does
// until `s` has ended (or shutdown gives up, when the timer has stopped).
bool isJoined(std::shared_ptr<ThreadState> s)
{
    for (; s; s = s->parent.lock()) {
        MutexLock lock(s->mutex);
        if (s->naming.joins > 0)
            return true;
    }
    return false;
}

// Keeps the timer's pending look at `s`, for its end to take back. The
// latest look wins: an earlier one has run, or runs now.
void holdWatch(ThreadState& s, const Till& till, const Subscription& callback)
{
    std::optional<Till> replaced;  // let go of outside the lock
    {
        MutexLock lock(s.mutex);
        if (!s.ended) {
            if (!s.naming.watch || s.naming.watch->deadline() < till.deadline()) {
                replaced = std::exchange(s.naming.watch, till);
                s.naming.watchCallback = callback;
            }
            return;
        }
    }
    till.removeThen(callback);  // it ended meanwhile
}

void keepWatching(const std::shared_ptr<ThreadState>& s);

// The timer's look at `s`, due at `due`. The timer never blocks here.
void lookAt(const std::weak_ptr<ThreadState>& weak, Clock::time_point due)
{
    if (Clock::now() < due)
        return;  // shutdown stopped the timer: its joins name stragglers now
    const auto s = weak.lock();
    if (s && !isJoined(s))
        keepWatching(s);
}

// Names `s` when due, and hands its next step to the timer.
void keepWatching(const std::shared_ptr<ThreadState>& s)
{
    for (;;) {
        const Clock::time_point due = nameIfDue(*s);
        if (due == Clock::time_point::max())
            return;
        const Till till(due);
        if (!till) {
            const std::weak_ptr<ThreadState> weak = s;
            holdWatch(*s, till, till.then([weak, due] { lookAt(weak, due); }));
            return;
        }
        if (Clock::now() < due)
            return;  // the timer has stopped: shutdown has begun
    }
}

// Counts a join that names the stragglers of the subtree of `root`.
class NamingJoin {
public:
    explicit NamingJoin(ThreadState& root) : root_(root) { count(+1); }
    ~NamingJoin() { count(-1); }
    NamingJoin(const NamingJoin&) = delete;
    NamingJoin& operator=(const NamingJoin&) = delete;

private:
    void count(int n)
    {
        MutexLock lock(root_.mutex);
        root_.naming.joins += n;
    }
    ThreadState& root_;
};

}  // namespace

// The timer watches `s` from when it has been asked to stop and runs.
void watchStraggler(const std::shared_ptr<ThreadState>& s)
{
    {
        MutexLock lock(s->mutex);
        if (s->naming.watched || !scheduleNamingLocked(*s))
            return;
        s->naming.watched = true;
    }
    keepWatching(s);
}

// `s` has ended: the timer forgets it at once.
void endWatch(ThreadState& s)
{
    std::optional<Till> watch;
    Subscription callback;
    {
        MutexLock lock(s.mutex);
        watch.swap(s.naming.watch);
        callback = s.naming.watchCallback;
    }
    if (watch)
        watch->removeThen(callback);
}

bool waitNamingStragglers(ThreadState& root, const std::function<bool(Clock::time_point)>& waitUntil,
                          Clock::time_point giveUpAt)
{
    const NamingJoin join(root);
    for (;;) {
        if (waitUntil(std::min(nameDueIn(root), giveUpAt)))
            return true;
        if (Clock::now() >= giveUpAt)
            return false;
    }
}

// Waits for `s` to end (stopped() and its callbacks); once it has been asked
// to stop, names the stragglers that hold it up. False when `giveUpAt` came

bool waitStopped(ThreadState& s, Clock::time_point giveUpAt)
{
    if (s.ended)
        return true;
    if (!s.pleaseStop.wait(s.ended))
        return true;  // it ended first
    return waitNamingStragglers(
        s, [&s](Clock::time_point until) { return waitWithoutTimer(s.ended, until); }, giveUpAt);
}

// Shutdown leaves `s` running, detached, and says so.
void giveUp(ThreadState& s)
{
    {
        MutexLock lock(s.mutex);
        s.released = true;  // nobody will join it: a failure is logged when it comes
    }
    markThreadsAbandoned();
    SKEIN_LOG(Shutdown, Error,
              "shutdown gave up on thread '" + s.path + "' after the stop time limit (" + secondsText(stopTimeLimit()) +
                  ") and leaves it running, detached: " + stragglersOrEnding(s));
}

}  // namespace skein::detail
