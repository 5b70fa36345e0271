// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/thread_group.h"

#include "skein/error.h"
#include "skein/log.h"

namespace skein {

namespace detail {

void GroupCore::fail(std::exception_ptr failure)
{
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!firstFailure)
            firstFailure = std::move(failure);
    }
    Signal(stopRest).go();
    stopAll();
}

void GroupCore::ended()
{
    if (!stopOnFirstEnd)
        return;
    Signal(stopRest).go();
    stopAll();
}

void GroupCore::stopAll()
{
    std::vector<Thread> all;
    {
        std::lock_guard<std::mutex> lock(mutex);
        all = threads;
    }
    for (const Thread& t : all)
        t.stop();
}

}  // namespace detail

ThreadGroup::ThreadGroup(std::string name, Wait wait)
    : name_(std::move(name)),
      wait_(wait),
      core_(std::make_shared<detail::GroupCore>(wait == Wait::Any))
{
    if (name_.empty())
        throw std::invalid_argument("skein: a ThreadGroup needs a name");
}

ThreadGroup::~ThreadGroup()
{
    stop();
    try {
        join();
    } catch (...) {
        SKEIN_LOG(Thread, Error,
                  "ThreadGroup '" + name_ +
                      "': a thread failed and the group was not joined: " + errorMessage(std::current_exception()));
    }
}

void ThreadGroup::add(Thread& thread)
{
    {
        std::lock_guard<std::mutex> lock(core_->mutex);
        core_->threads.push_back(thread);
    }
    try {
        thread.start();
    } catch (...) {
        // Never started: it must not stay in the group (its task holds the core).
        std::lock_guard<std::mutex> lock(core_->mutex);
        core_->threads.pop_back();
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
    const std::vector<Thread> all = threads();
    if (wait_ == Wait::None)
        stop();
    for (const Thread& t : all) {
        try {
            if (!t.tryJoin(till))
                return false;
        } catch (...) {
            // The group reports its first failure below, whoever failed.
        }
    }
    std::exception_ptr failure;
    {
        std::lock_guard<std::mutex> lock(core_->mutex);
        failure = core_->firstFailure;
    }
    {
        std::lock_guard<std::mutex> lock(joinMutex_);
        if (rethrown_)
            failure = nullptr;
        rethrown_ = rethrown_ || failure;
    }
    if (failure)
        std::rethrow_exception(failure);
    return true;
}

void ThreadGroup::stop() { core_->stopAll(); }

std::vector<Thread> ThreadGroup::threads() const
{
    std::lock_guard<std::mutex> lock(core_->mutex);
    return core_->threads;
}

}  // namespace skein
