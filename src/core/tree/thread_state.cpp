// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the state shared by the handles of one thread: made, cascading its
// pleaseStop to its children, destroyed (with the function it never ran).
#include "skein/detail/introspection.h"
#include "skein/error.h"
#include "skein/log.h"
#include "diagnostics/profile_p.h"
#include "platform/platform_p.h"
#include "tree/stragglers_p.h"
#include "tree/thread_p.h"
#include "tree/tree_events_p.h"

namespace skein::detail {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<std::size_t> liveThreadStateCount{0};

}  // namespace

CountedThreadState::CountedThreadState() noexcept { liveThreadStateCount.fetch_add(1, std::memory_order_relaxed); }
CountedThreadState::~CountedThreadState() { liveThreadStateCount.fetch_sub(1, std::memory_order_relaxed); }
std::size_t liveThreadStates() { return liveThreadStateCount.load(std::memory_order_relaxed); }

std::exception_ptr deleteTask(Task* task) noexcept
{
    try {
        delete task;
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

void TaskDeleter::operator()(Task* task) const noexcept
{
    if (const std::exception_ptr thrown = deleteTask(task))
        SKEIN_LOG(Thread, Error,
                  "a thread function that never ran was dropped, and destroying what it held threw: " +
                      errorMessage(thrown));
}

ThreadState::ThreadState(std::string name_, const std::shared_ptr<ThreadState>& parent_, Kind kind_, TaskPtr task_)
    : name(std::move(name_)),
      path(parent_ ? parent_->path + '/' + name : name),
      parent(parent_),
      kind(kind_),
      pleaseStop(path + ".pleaseStop"),
      stopped(path + ".stopped"),
      ended(path + ".ended"),
      task(std::move(task_))
{
    if (name.empty())
        throw InvalidArgument("skein: a thread needs a name, and the name given is empty");
}

ThreadState::~ThreadState()
{
    // Still here: the thread never started, and its function ends unrun.
    if (const std::exception_ptr thrown = deleteTask(task.release()))
        SKEIN_LOG(Thread, Error,
                  "thread '" + path +
                      "' never started, and destroying what its function held threw: " + errorMessage(thrown));
}

void cascadeStop(const std::shared_ptr<ThreadState>& s)
{
    const std::weak_ptr<ThreadState> weak = s;
    s->pleaseStop.then([weak] {
        if (const auto t = weak.lock()) {
            treeChanged();
            stopChildren(*t);
            watchStraggler(t);
        }
    });
}

std::shared_ptr<ThreadState> makeRunningState(std::string name, const std::shared_ptr<ThreadState>& parent,
                                              ThreadState::Kind kind)
{
    auto s = std::make_shared<ThreadState>(std::move(name), parent, kind);
    enterPhase(*s, ThreadState::Phase::Running);  // not shared yet: the lock is free
    s->startedAt = Clock::now();
    // Made on its own thread, but main's may be made first on any thread.
    s->nativeId.store(kind == ThreadState::Kind::Main ? platform::mainThreadId() : platform::threadId(),
                      std::memory_order_relaxed);
    cascadeStop(s);
    return s;
}

void recordProfile(const ThreadState& s)
{
    recordProfile(s.path, s.startedAt, s.cpuAtStart, double(s.wait.blockedNanos.load()) / 1e9);
}

}  // namespace skein::detail
