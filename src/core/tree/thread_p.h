// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the state shared by the handles of one thread, and the
// tree's internal API: which thread is this (identity.cpp), tree edits and
// the end of a thread (tree.cpp), the threads still on an OS thread
// (live_threads.cpp), stragglers (stragglers.cpp), the stop policy
// (stop_policy.cpp), and running a thread's function (thread.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics/current_thread_p.h"
#include "skein/detail/mutex.h"
#include "skein/thread.h"
#include "skein/till.h"

namespace skein::detail {

// Counts the thread states alive in the process (liveThreadStates()).
struct CountedThreadState {
    CountedThreadState() noexcept;
    ~CountedThreadState();
    CountedThreadState(const CountedThreadState&) = delete;
    CountedThreadState& operator=(const CountedThreadState&) = delete;
};

struct ThreadState : std::enable_shared_from_this<ThreadState> {
    enum class Kind { Main, Started, Registered, Placeholder };
    // Ending: a Skein thread's thread_locals are destroyed, after its
    // function and its children ended; their destructors may start children.
    enum class Phase { Created, Running, Finishing, Ending, Finished };

    ThreadState(std::string name, const std::shared_ptr<ThreadState>& parent, Kind kind, TaskPtr task = nullptr);
    ~ThreadState();
    ThreadState(const ThreadState&) = delete;
    ThreadState& operator=(const ThreadState&) = delete;

    const std::string name;
    const std::string path;
    const std::weak_ptr<ThreadState> parent;
    const Kind kind;
    const Signal pleaseStop;
    const Signal stopped;
    // Goes once stopped()'s callbacks have run: what joins wait for, so that
    // nothing of a joined thread still runs, not even a stopped() callback.
    const Signal ended;
    TaskPtr task;  // handed to the thread at start

    mutable Mutex mutex;
    Phase phase SKEIN_GUARDED_BY(mutex) = Phase::Created;
    std::vector<std::shared_ptr<ThreadState>> children SKEIN_GUARDED_BY(mutex);  // in start order
    std::exception_ptr failure SKEIN_GUARDED_BY(mutex);
    bool failureSeen SKEIN_GUARDED_BY(mutex) = false;  // joined, or logged
    bool released SKEIN_GUARDED_BY(mutex) = false;
    std::string progressText SKEIN_GUARDED_BY(mutex);
    // Naming it in warnings as a straggler: asked to stop, it has not stopped.
    struct Naming {
        bool scheduled = false;                         // asked to stop while it runs: named when a step is due
        bool watched = false;                           // the timer looks at it
        bool writing = false;                           // a warning about it is being written
        int joins = 0;                                  // joins naming the stragglers of its subtree
        std::chrono::steady_clock::time_point askedAt;  // when the schedule began
        std::chrono::steady_clock::time_point due;      // when the next step is
        std::chrono::milliseconds interval{0};          // the last step's length
        std::optional<Till> watch;                      // the timer's pending look
        Subscription watchCallback;
    };
    Naming naming SKEIN_GUARDED_BY(mutex);
    std::atomic<double> progress{0.0};
    // The OS thread id, set on the thread once it runs (main's from anywhere).
    std::atomic<std::uint64_t> nativeId{0};
    // A thread whose body another OS thread runs (startHosted()): whoever
    // claims the body first runs it, its host or a join() that comes first.
    std::atomic<bool> hosted{false};
    std::atomic<bool> bodyClaimed{false};
    std::atomic<bool> progressWatched{false};  // someone waits on nextProgress
    Signal nextProgress SKEIN_GUARDED_BY(mutex);

    // Statistics, for SKEIN_PROFILE and dumpThreads().
    std::chrono::steady_clock::time_point startedAt;  // set before the thread runs
    double cpuAtStart = 0;                            // its OS thread's CPU seconds then (a borrowed one's)
    // What it is blocked on, while in a Skein wait; taken after `mutex`
    // when both are held.
    WaitRecord wait;
    const CountedThreadState counted;
};

struct ThreadAccess {
    static Thread wrap(std::shared_ptr<ThreadState> s) { return Thread(std::move(s)); }
    static ThreadState& state(const Thread& t) { return t.state(); }
    static const std::shared_ptr<ThreadState>& shared(const Thread& t) { return t.state_; }
};

// --- The state (thread_state.cpp) -------------------------------------------

// Creates a state for a thread that is running already (main, a placeholder,
// a registered thread): its pleaseStop reaches its children.
std::shared_ptr<ThreadState> makeRunningState(std::string name, const std::shared_ptr<ThreadState>& parent,
                                              ThreadState::Kind kind);
// Makes the pleaseStop of `s` reach its children first (newest first).
void cascadeStop(const std::shared_ptr<ThreadState>& s);
// Destroys what a thread function held; returns what its destructor threw.
std::exception_ptr deleteTask(Task* task) noexcept;
// Records the statistics of `s`, which is ending, on its thread.
void recordProfile(const ThreadState& s);

// --- Which thread is this (identity.cpp) ------------------------------------

// The root of the tree: the process's main thread.
const std::shared_ptr<ThreadState>& mainState();
// The calling thread's state (a placeholder is made for unknown threads).
// Null only while the thread's own thread-local storage is being torn down.
std::shared_ptr<ThreadState> currentState();
// The same, without a reference count: valid while the calling thread runs.
ThreadState* currentStateRaw();
// The calling thread's state if it has one already (no placeholder is made).
ThreadState* knownCurrentState() noexcept;
// Makes `s` the calling thread's state; returns the previous one.
ThreadState* swapCurrent(ThreadState* s) noexcept;
// The calling OS thread's Skein thread has ended: what runs on it from now
// on (thread_local destructors) belongs to no Skein thread.
void leaveCurrentThread() noexcept;

// --- The tree (tree.cpp) ----------------------------------------------------

// Makes `child` the newest child of `parent` and, when the parent is being
// asked to stop, asks the child too: under the parent's mutex, so either the
// parent's stop cascade finds the child in its list, or this finds the
// parent's pleaseStop gone. False, with nothing done, when the parent has
// ended and takes no more children.
bool attachChild(ThreadState& parent, const std::shared_ptr<ThreadState>& child);
// Takes `child` out of the children of `parent` (if it is still there), and
// tells tree observers.
void removeChild(ThreadState& parent, const ThreadState* child);
void enterPhase(ThreadState& s, ThreadState::Phase phase);
std::vector<std::shared_ptr<ThreadState>> childrenOf(const ThreadState& s);
// Sends pleaseStop to every child, newest first.
void stopChildren(ThreadState& parent);
// Stops every child (newest first), waits for each (with straggler warnings),
// and takes them out of the tree; a failure nobody joined is logged, and the
// first one is returned. A child still running at `giveUpAt` is given up on.
std::exception_ptr
stopAndJoinChildren(ThreadState& parent,
                    std::chrono::steady_clock::time_point giveUpAt = std::chrono::steady_clock::time_point::max());
// The end of a thread: stops and joins its children, then lets stopped go
// (for a Skein thread, after its thread_locals were destroyed).
void finishThread(ThreadState& s);
// Logs the failure of a released thread, once: the first call after both
// its function failed and it was released. True when this call logged it.
bool logIfReleased(ThreadState& s);

// --- The stop policy (stop_policy.cpp) ----------------------------------------

// Shutdown begins: the first call fixes the moment at which shutdown gives up
// on threads that do not stop (the stop time limit from now), and every call
// returns it.
std::chrono::steady_clock::time_point beginShutdown();
// Shutdown gave up on a thread, which may still be running.
void markThreadsAbandoned() noexcept;
bool threadsWereAbandoned() noexcept;

// --- Threads on their OS thread (live_threads.cpp) ----------------------------

// A Skein thread begins to use an OS thread (its own, or a borrowed one), and
// ends its use.
void threadBegins();
void threadEnds();
// Waits until no Skein thread runs on an OS thread; false at `deadline`.
bool waitForAllThreadsToEnd(std::chrono::steady_clock::time_point deadline);

// --- Running a thread (thread.cpp, hosted.cpp) --------------------------------

// What start() does before the thread runs: checks, makes it Running, and
// makes it its parent's child (asked to stop at once when the parent is
// stopping); counts it among the threads that run. Returns the parent.
std::shared_ptr<ThreadState> beginStart(const std::shared_ptr<ThreadState>& self);
// What start() does once the thread runs somewhere: asked to stop before it
// ran, it was not running for the cascade to watch it, so it is watched
// from now on.
void endStart(const std::shared_ptr<ThreadState>& self);
[[noreturn]] void throwNoThread();

// Runs the function of `self` on the calling thread, which is it now, then
// stops and joins the children it left.
void runFunction(const std::shared_ptr<ThreadState>& self);
// A thread on a borrowed OS thread (startHosted()): no thread_locals of its
// own, so it ends as soon as its children have; the OS thread gets back
// what it lent.
void runHosted(std::shared_ptr<ThreadState> self);

}  // namespace skein::detail
