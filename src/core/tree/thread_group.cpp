// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/thread_group.h"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>

#include "skein/error.h"
#include "skein/log.h"
#include "tree/thread_p.h"

namespace skein {

namespace detail {

namespace {

// A thread's failure is known to the thread alone: a wrapper around its
// function would miss what the destructors of the function's captures and
// arguments throw after it returned.
struct StateOf : Thread {
    using Thread::stateOf;
};

}  // namespace

// What a group shares with the stopped() callbacks through which its threads
// report their end.
struct GroupCore {
    struct Failure {
        std::string path;
        std::exception_ptr error;
    };

    explicit GroupCore(bool stopOnFirstEnd) : stopOnFirstEnd(stopOnFirstEnd) {}

    // A thread of the group ended: a failure is put on record, and a
    // failure (or, under Any, any end) stops the rest.
    void ended(const ThreadState& member);
    void stopAll();
    // The failures no join() has reported yet: the others are logged, and
    // the first is returned for the caller to rethrow or log.
    std::optional<Failure> report(const std::string& groupName);

    const bool stopOnFirstEnd;
    const Signal stopRest;  // goes on the first failure, or (Any) first end
    Mutex mutex;
    std::vector<Thread> threads SKEIN_GUARDED_BY(mutex);    // in spawn order
    std::vector<Failure> failures SKEIN_GUARDED_BY(mutex);  // in the order the threads ended
    std::size_t reported SKEIN_GUARDED_BY(mutex) = 0;       // failures rethrown or logged
};

void GroupCore::ended(const ThreadState& member)
{
    std::exception_ptr failure;
    {
        MutexLock lock(member.mutex);
        failure = member.failure;
    }
    if (failure) {
        MutexLock lock(mutex);
        failures.push_back({member.path, failure});
    } else if (!stopOnFirstEnd) {
        return;
    }
    stopRest.go();
    stopAll();
}

void GroupCore::stopAll()
{
    std::vector<Thread> all;
    {
        MutexLock lock(mutex);
        all = threads;
    }
    for (const Thread& t : all)
        t.stop();
}

std::optional<GroupCore::Failure> GroupCore::report(const std::string& groupName)
{
    std::vector<Failure> unreported;
    {
        MutexLock lock(mutex);
        unreported.assign(failures.begin() + std::ptrdiff_t(reported), failures.end());
        reported = failures.size();
    }
    if (unreported.empty())
        return std::nullopt;
    for (std::size_t i = 1; i < unreported.size(); ++i)
        SKEIN_LOG(Thread, Error,
                  "ThreadGroup '" + groupName + "': thread '" + unreported[i].path +
                      "' failed too, after thread '" + unreported[0].path +
                      "': " + errorMessage(unreported[i].error));
    return unreported[0];
}

}  // namespace detail

namespace {

// Waits for every thread to end; false when `till` went first.
bool endedEach(const std::vector<Thread>& threads, const Signal& till)
{
    for (const Thread& t : threads) {
        try {
            if (!t.tryJoin(till))
                return false;
        } catch (...) {
            // On the group's record already: the join returned after the
            // thread's stopped() callbacks, the group's among them, had run.
        }
    }
    return true;
}

}  // namespace

ThreadGroup::ThreadGroup(std::string name, Wait wait)
    : name_(std::move(name)),
      wait_(wait),
      core_(std::make_shared<detail::GroupCore>(wait == Wait::Any))
{
    if (name_.empty())
        throw InvalidArgument("skein: a ThreadGroup needs a name, and the name given is empty");
}

ThreadGroup::~ThreadGroup()
{
    stop();
    endedEach(threads(), Signal::never());
    if (const auto failure = core_->report(name_))
        SKEIN_LOG(Thread, Error,
                  "ThreadGroup '" + name_ + "': thread '" + failure->path +
                      "' failed and the group was not joined: " + errorMessage(failure->error));
}

void ThreadGroup::add(Thread& thread)
{
    const std::weak_ptr<detail::GroupCore> weakCore = core_;
    const std::weak_ptr<detail::ThreadState> weakMember = detail::StateOf::stateOf(thread);
    const Subscription subscription = thread.stopped().then([weakCore, weakMember] {
        const auto core = weakCore.lock();
        const auto member = weakMember.lock();
        if (core && member)
            core->ended(*member);
    });
    {
        detail::MutexLock lock(core_->mutex);
        core_->threads.push_back(thread);
    }
    try {
        thread.start();
    } catch (...) {
        // Never started: it must not stay in the group, which would wait for it.
        thread.stopped().removeThen(subscription);
        detail::MutexLock lock(core_->mutex);
        auto& all = core_->threads;
        all.erase(std::find(all.begin(), all.end(), thread));
        throw;
    }
    // A failure (or, under Any, an end) that came before this thread was in
    // the list could not stop it.
    if (core_->stopRest)
        thread.stop();
}

void ThreadGroup::join() { tryJoin(Signal::never()); }

bool ThreadGroup::tryJoin(const Signal& till)
{
    if (wait_ == Wait::None)
        stop();
    if (!endedEach(threads(), till))
        return false;
    if (const auto failure = core_->report(name_))
        std::rethrow_exception(failure->error);
    return true;
}

void ThreadGroup::stop() { core_->stopAll(); }

std::vector<Thread> ThreadGroup::threads() const
{
    detail::MutexLock lock(core_->mutex);
    return core_->threads;
}

}  // namespace skein
