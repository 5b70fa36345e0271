// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the tree's edits: a child joins its parent, leaves it, is stopped
// and joined; and the end of a thread, which stops and joins its children
// before its stopped() goes.
#include <algorithm>

#include "skein/error.h"
#include "skein/log.h"
#include "tree/stragglers_p.h"
#include "tree/thread_p.h"
#include "tree/tree_events_p.h"

namespace skein::detail {

namespace {

using Clock = std::chrono::steady_clock;

void leaveParent(ThreadState& s)
{
    if (const auto parent = s.parent.lock())
        removeChild(*parent, &s);
}

}  // namespace

bool attachChild(ThreadState& parent, const std::shared_ptr<ThreadState>& child)
{
    bool parentStopping = false;
    {
        MutexLock lock(parent.mutex);
        if (parent.phase != ThreadState::Phase::Running && parent.phase != ThreadState::Phase::Ending)
            return false;
        parent.children.push_back(child);
        parentStopping = bool(parent.pleaseStop);
    }
    treeChanged();
    if (parentStopping)
        child->pleaseStop.go();
    return true;
}

void removeChild(ThreadState& parent, const ThreadState* child)
{
    {
        MutexLock lock(parent.mutex);
        auto& c = parent.children;
        c.erase(std::remove_if(c.begin(), c.end(), [child](const auto& p) { return p.get() == child; }), c.end());
    }
    // Even when another call took it out: that one may not have told yet,
    // and whoever called this (join()) counts on the change being told.
    treeChanged();
}

void enterPhase(ThreadState& s, ThreadState::Phase phase)
{
    MutexLock lock(s.mutex);
    s.phase = phase;
}

std::vector<std::shared_ptr<ThreadState>> childrenOf(const ThreadState& s)
{
    MutexLock lock(s.mutex);
    return s.children;
}

void stopChildren(ThreadState& s)
{
    const auto children = childrenOf(s);
    for (auto it = children.rbegin(); it != children.rend(); ++it)
        (*it)->pleaseStop.go();
}

std::exception_ptr stopAndJoinChildren(ThreadState& parent, Clock::time_point giveUpAt)
{
    stopChildren(parent);
    std::exception_ptr first;
    for (;;) {
        std::shared_ptr<ThreadState> child;
        {
            MutexLock lock(parent.mutex);
            if (parent.children.empty())
                break;
            child = parent.children.back();  // newest first
        }
        child->pleaseStop.go();
        if (child->kind == ThreadState::Kind::Placeholder) {
            // Skein cannot end a thread it did not start: it stops and joins
            // the Skein threads started from it, and leaves it be.
            if (const std::exception_ptr failure = stopAndJoinChildren(*child, giveUpAt); failure && !first)
                first = failure;
            removeChild(parent, child.get());
            continue;
        }
        if (!waitStopped(*child, giveUpAt)) {
            giveUp(*child);
            removeChild(parent, child.get());
            continue;
        }
        std::exception_ptr unseen;
        {
            MutexLock lock(child->mutex);
            if (child->failure && !child->failureSeen) {
                unseen = child->failure;
                child->failureSeen = true;
            }
        }
        if (unseen) {
            SKEIN_LOG(Thread, Error,
                      "thread '" + child->path + "' failed and nobody joined it: " + errorMessage(unseen));
            if (!first)
                first = unseen;
        }
        removeChild(parent, child.get());
    }
    return first;
}

void finishThread(ThreadState& s)
{
    enterPhase(s, ThreadState::Phase::Finishing);
    stopAndJoinChildren(s);
    enterPhase(s, ThreadState::Phase::Finished);
    s.stopped.go();
    s.ended.go();  // stopped()'s callbacks are done too
    treeChanged();
    endWatch(s);
    // Only now, when it has ended, may it leave its parent, which would not
    // wait for it any more; read `released` now, as release() leaves the
    // removal of a thread that has not ended to this.
    bool leave = false;
    {
        MutexLock lock(s.mutex);
        leave = !s.failure || s.released;
    }
    if (leave)
        leaveParent(s);
}

// Logs the failure of a released thread, once: the first call after both its
// function failed and it was released. True when this call logged it.
bool logIfReleased(ThreadState& s)
{
    std::exception_ptr failure;
    {
        MutexLock lock(s.mutex);
        if (!s.released || !s.failure || s.failureSeen)
            return false;
        failure = s.failure;
        s.failureSeen = true;
    }
    SKEIN_LOG(Thread, Error, "released thread '" + s.path + "' failed: " + errorMessage(failure));
    return true;
}


}  // namespace skein::detail
