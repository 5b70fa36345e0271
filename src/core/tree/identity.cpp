// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — which thread is this: the calling OS thread's state in the tree
// (main's, a Skein thread's, or a placeholder made for a thread Skein did
// not start), and the answers the primitives and the log get about it.
#include "diagnostics/current_thread_p.h"
#include "platform/platform_p.h"
#include "tree/thread_p.h"

#include <memory>

namespace skein::detail {

namespace {

thread_local ThreadState* currentRaw = nullptr;  // trivially destructible: usable during teardown
thread_local bool tornDown = false;

// Owns the placeholder of a thread Skein did not start; ends it with the thread.
struct PlaceholderHolder {
    std::shared_ptr<ThreadState> state;
    ~PlaceholderHolder();
};
thread_local PlaceholderHolder placeholder;

bool isProcessMainThread() { return platform::onMainThread(); }

// Every thread blocked in a Skein wait shows in dumpThreads() and straggler
// warnings: one the tree does not know gets a placeholder in main's tree.
WaitRecord* waitRecord() noexcept
{
    try {
        ThreadState* s = currentStateRaw();
        return s ? &s->wait : nullptr;
    } catch (...) {
        return nullptr;  // out of memory for a placeholder: the wait goes unrecorded
    }
}

std::string knownPath()
{
    const ThreadState* s = knownCurrentState();
    return s ? s->path : std::string();
}

const CurrentThreadHooks hooks{waitRecord, knownPath};

// Installed at load, before any wait that the tree could show; mainState()
// installs them too, for a tree used from another static initializer.
[[maybe_unused]] const bool hooksInstalled = (installCurrentThreadHooks(&hooks), true);

}  // namespace

ThreadState* swapCurrent(ThreadState* s) noexcept
{
    ThreadState* previous = currentRaw;
    currentRaw = s;
    return previous;
}

void leaveCurrentThread() noexcept
{
    currentRaw = nullptr;
    tornDown = true;
}

namespace {

// Where the OS destroys thread_locals under a lock of the whole process
// (Windows' loader lock, which every thread that begins needs), a
// placeholder cannot end there: waiting for a child that is still
// beginning, or a callback that needs the lock, would wait for ever. A
// helper OS thread ends it instead, as the placeholder: its waits and log
// lines are the placeholder's.
void finishOnHelper(void* owner) noexcept
{
    const std::unique_ptr<std::shared_ptr<ThreadState>> s(static_cast<std::shared_ptr<ThreadState>*>(owner));
    platform::setThreadName("skein-end");
    swapCurrent(s->get());
    finishThread(**s);
    leaveCurrentThread();
}

// Hands the placeholder to that helper; false where none can be had.
bool handToHelper(const std::shared_ptr<ThreadState>& s) noexcept
{
    try {
        auto owner = std::make_unique<std::shared_ptr<ThreadState>>(s);
        platform::startDetachedThread(finishOnHelper, owner.get());
        owner.release();  // the helper's now
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

// The end of a thread Skein did not start: its placeholder stops and joins
// its children, runs stopped()'s callbacks and leaves main's tree. Not where
// the OS has ended every other thread (one that called exit() on Windows):
// the children are gone, and what they held stays held.
PlaceholderHolder::~PlaceholderHolder()
{
    tornDown = true;
    if (state && !platform::otherThreadsEnded() &&
        !(platform::threadLocalsDieUnderProcessLock && handToHelper(state)))
        finishThread(*state);  // here; where a helper should but cannot, at the risk of the wait
    currentRaw = nullptr;
}

const std::shared_ptr<ThreadState>& mainState()
{
    static const auto* const state = [] {
        // The tree begins with main: from now on it answers for the threads
        // it knows.
        auto* main = new std::shared_ptr<ThreadState>(makeRunningState("main", nullptr, ThreadState::Kind::Main));
        installCurrentThreadHooks(&hooks);
        return main;
    }();
    return *state;
}

ThreadState* currentStateRaw()
{
    if (currentRaw)
        return currentRaw;
    const auto s = currentState();
    return s.get();  // main, or the placeholder this thread now holds
}

std::shared_ptr<ThreadState> currentState()
{
    if (currentRaw)
        return currentRaw->shared_from_this();
    if (isProcessMainThread()) {
        currentRaw = mainState().get();  // main lives as long as the process
        return mainState();
    }
    if (tornDown)
        return nullptr;
    // A member of main's tree, so dumpThreads() shows it and shutdown stops
    // its children; it leaves the tree when its OS thread ends.
    const auto& main = mainState();
    auto s = makeRunningState(unknownThreadName(), main, ThreadState::Kind::Placeholder);
    attachChild(*main, s);  // main takes children as long as the process runs
    placeholder.state = s;
    currentRaw = s.get();
    return s;
}

ThreadState* knownCurrentState() noexcept
{
    if (currentRaw)
        return currentRaw;
    return isProcessMainThread() ? mainState().get() : nullptr;
}

}  // namespace skein::detail
