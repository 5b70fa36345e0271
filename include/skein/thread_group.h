// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — ThreadGroup: threads that are waited for, and stopped, together.
///
/// spawn() starts a thread as a child of the calling thread and adds it to the
/// group. The policy says when the group's threads are stopped:
///   Wait::All   never by the group: join() waits for every thread (default);
///   Wait::Any   when the first thread ends, the rest are asked to stop;
///   Wait::None  by join() (and tryJoin()): it asks every thread to stop, then
///               waits.
/// A thread ends, for the group, when its stopped() goes: its function has
/// returned or thrown, what the function held has been destroyed, and its
/// children have ended. A thread fails as thread.h says, also when only a
/// destructor of what its function held threw.
/// In every policy a failing thread stops the rest at once, without waiting
/// for a join(). join() always returns only when every thread has ended. Each
/// failure is reported once: join() rethrows the first (with its original
/// type) and logs the others, each with the path of the thread that failed;
/// a later join() reports only failures that came after. tryJoin(till) is a
/// join() that gives up waiting when `till` goes first and then returns false
/// and reports nothing; under None it has asked every thread to stop all the
/// same (a timed-out tryJoin() under All or Any stops nothing). The
/// destructor stops and joins whatever remains and logs the failures nobody
/// joined. A group never leaks a thread.
///
/// Memory ordering: everything the group's threads did is visible to a
/// thread whose join() returned or threw (or whose tryJoin() did not return
/// false).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "skein/signal.h"
#include "skein/skein_export.h"
#include "skein/thread.h"

namespace skein {

namespace detail {
struct GroupCore;
}  // namespace detail

/// Threads that are waited for, and stopped, together, by a policy; a
/// failure stops the rest. The contract is in thread_group.h.
class SKEIN_EXPORT ThreadGroup {
public:
    /// The policy: All waits for every thread, Any stops the rest when the
    /// first ends, None stops every thread at join() (or tryJoin()).
    enum class Wait { All, Any, None };

    /// An empty group. An empty name throws InvalidArgument.
    explicit ThreadGroup(std::string name, Wait wait = Wait::All);
    ThreadGroup(const ThreadGroup&) = delete;
    ThreadGroup& operator=(const ThreadGroup&) = delete;
    ~ThreadGroup();

    /// Starts fn(args..., pleaseStop) (or fn(args...)) as "name", a child of
    /// the calling thread. A thread spawned after a failure (or, under Any,
    /// after the first end) is asked to stop at once. An empty name throws
    /// InvalidArgument, and nothing is spawned.
    template <class F, class... A>
    Thread spawn(std::string name, F&& fn, A&&... args)
    {
        Thread thread(std::move(name), std::forward<F>(fn), std::forward<A>(args)...);
        add(thread);
        return thread;
    }

    /// Waits as the policy says; rethrows the first failure not reported yet
    /// and logs the others.
    void join();
    /// False when `till` went first, and then reports nothing. Under All and
    /// Any it stops nothing itself; under None it first asks every thread to
    /// stop, as join() does, whether or not `till` goes first. Otherwise as
    /// join().
    bool tryJoin(const Signal& till);
    /// Asks every thread of the group to stop.
    void stop();

    /// The name given at construction.
    std::string name() const { return name_; }
    /// The policy given at construction.
    Wait policy() const noexcept { return wait_; }
    /// Every thread spawned so far, in spawn order, ended ones included.
    std::vector<Thread> threads() const;

private:
    void add(Thread& thread);

    const std::string name_;
    const Wait wait_;
    const std::shared_ptr<detail::GroupCore> core_;
};

}  // namespace skein
