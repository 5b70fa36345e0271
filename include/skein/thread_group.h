// Skein — ThreadGroup: threads that are waited for, and stopped, together.
//
// spawn() starts a thread as a child of the calling thread and adds it to the
// group. join() waits according to the group's policy:
//   Wait::All   every thread (the default);
//   Wait::Any   the first thread to end; then the rest are stopped;
//   Wait::None  nobody: every thread is stopped at once.
// In every policy a failing thread stops the rest, and join() waits for all
// of them to end and then rethrows the first failure (its original type).
// The destructor stops and joins whatever remains; a failure nobody joined is
// logged. A group never leaks a thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "skein/signal.h"
#include "skein/thread.h"

namespace skein {

namespace detail {

// The part of a group its threads report to.
struct GroupCore {
    std::mutex mutex;
    std::exception_ptr firstFailure;  // guarded by mutex
    Signal failed;                    // goes on the first failure
    Signal firstEnded;                // goes when the first thread ends

    void fail(std::exception_ptr failure)
    {
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (!firstFailure)
                firstFailure = std::move(failure);
        }
        failed.go();
    }
};

} // namespace detail

class ThreadGroup {
public:
    enum class Wait { All, Any, None };

    explicit ThreadGroup(std::string name, Wait wait = Wait::All);
    ThreadGroup(const ThreadGroup&) = delete;
    ThreadGroup& operator=(const ThreadGroup&) = delete;
    ~ThreadGroup();

    // Starts fn(args..., pleaseStop) (or fn(args...)) as "name".
    template <class F, class... A>
    Thread spawn(std::string name, F&& fn, A&&... args)
    {
        Thread thread(std::move(name),
                      [core = core_, fn = std::decay_t<F>(std::forward<F>(fn)),
                       args = std::tuple<std::decay_t<A>...>(std::forward<A>(args)...)](
                          const Signal& pleaseStop) mutable {
                          struct Ended {
                              detail::GroupCore& core;
                              ~Ended() { core.firstEnded.go(); }
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

    // Waits as the policy says; rethrows the first failure.
    void join();
    // False when `till` went first (nothing is stopped then); else as join().
    bool tryJoin(const Signal& till);
    // Asks every thread of the group to stop.
    void stop();

    std::string name() const { return name_; }
    Wait policy() const noexcept { return wait_; }
    std::vector<Thread> threads() const;

private:
    void add(Thread& thread);

    const std::string name_;
    const Wait wait_;
    const std::shared_ptr<detail::GroupCore> core_;
    mutable std::mutex mutex_;
    std::vector<Thread> threads_;  // guarded by mutex_
    bool joined_ = false;          // guarded by mutex_: the first failure was rethrown
};

} // namespace skein
