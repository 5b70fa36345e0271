// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — ThreadGroup: threads that are waited for, and stopped, together.
///
/// spawn() starts a thread as a child of the calling thread and adds it to the
/// group. The policy says when the group's threads are stopped:
///   Wait::All   never by the group: join() waits for every thread (default);
///   Wait::Any   when the first thread ends, the rest are asked to stop;
///   Wait::None  by join(): it asks every thread to stop, then waits.
/// In every policy a failing thread stops the rest at once, without waiting
/// for a join(). join() always returns only when every thread has ended, and
/// rethrows the first failure (with its original type), once. The destructor
/// stops and joins whatever remains; a failure nobody joined is logged. A group
/// never leaks a thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "skein/signal.h"
#include "skein/skein_export.h"
#include "skein/thread.h"

namespace skein {

namespace detail {

// The part of a group its threads report to.
struct SKEIN_EXPORT GroupCore {
    explicit GroupCore(bool stopOnFirstEnd) : stopOnFirstEnd(stopOnFirstEnd) {}

    // A thread failed: the first failure is kept, and the rest are stopped.
    void fail(std::exception_ptr failure);
    // A thread ended (or failed).
    void ended();
    void stopAll();

    const bool stopOnFirstEnd;
    const Signal stopRest;  // goes on the first failure, or (Any) first end
    std::mutex mutex;
    std::exception_ptr firstFailure;  // guarded by mutex
    std::vector<Thread> threads;      // guarded by mutex, in spawn order
};

}  // namespace detail

/// Threads that are waited for, and stopped, together, by a policy; a
/// failure stops the rest. The contract is in thread_group.h.
class SKEIN_EXPORT ThreadGroup {
public:
    /// The policy: All waits for every thread, Any stops the rest when the
    /// first ends, None stops every thread at join().
    enum class Wait { All, Any, None };

    /// An empty group. An empty name throws std::invalid_argument.
    explicit ThreadGroup(std::string name, Wait wait = Wait::All);
    ThreadGroup(const ThreadGroup&) = delete;
    ThreadGroup& operator=(const ThreadGroup&) = delete;
    ~ThreadGroup();

    /// Starts fn(args..., pleaseStop) (or fn(args...)) as "name".
    template <class F, class... A>
    Thread spawn(std::string name, F&& fn, A&&... args)
    {
        Thread thread(std::move(name), [core = core_, fn = std::decay_t<F>(std::forward<F>(fn)),
                                        args = std::tuple<std::decay_t<A>...>(std::forward<A>(args)...)](
                                           const Signal& pleaseStop) mutable {
            struct Ended {
                detail::GroupCore& core;
                ~Ended() { core.ended(); }
            } ended{*core};
            try {
                detail::callTask<F, A...>(fn, args, pleaseStop);
            } catch (...) {
                core->fail(std::current_exception());
                throw;
            }
        });
        add(thread);
        return thread;
    }

    /// Waits as the policy says; rethrows the first failure.
    void join();
    /// False when `till` went first (nothing is stopped then); else as join().
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
    std::mutex joinMutex_;
    bool rethrown_ = false;  // guarded by joinMutex_: the first failure was rethrown
};

}  // namespace skein
