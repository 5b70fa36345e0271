// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Thread: a thread with a name, a parent, and a pleaseStop Signal.
///
/// Every Skein thread belongs to a tree rooted at `main`, the process's main
/// thread. A thread's parent is the thread that started it. Its path names it
/// in logs and diagnostics: "main/loader/worker-3".
///
/// ### Contract
/// - run(name, fn, args...) creates and starts a thread that calls
///   fn(args..., pleaseStop) when fn accepts a trailing `const skein::Signal&`,
///   else fn(args...). Arguments are decay-copied (or moved) into the thread,
///   as with std::thread. An empty name throws InvalidArgument.
/// - pleaseStop() goes when someone asks the thread to stop: stop(), its
///   parent stopping, or shutdown. Skein never interrupts a thread; the
///   function is expected to watch pleaseStop, and every blocking call in
///   Skein takes it as a `till`. A thread whose pleaseStop has already gone
///   when it starts still runs its function.
/// - Stop order: pleaseStop of a thread reaches its children (newest first)
///   before any callback registered by the user runs. When the function
///   returns (or throws), the thread stops its children, newest first, joins
///   them, and only then lets stopped() go. So stopped() means "this thread and
///   all of its descendants have ended".
/// - The thread's thread_local objects are destroyed after its children
///   were joined and before stopped() goes, as std::thread::join() would
///   wait for them. Their destructors may use Skein (Thread::current(),
///   logging) and may start threads, which are stopped and joined in turn
///   before stopped() goes. Not on Windows: there the OS destroys a
///   thread's thread_locals under its loader lock, where waking a joiner or
///   running a callback could deadlock, so stopped() goes first and the
///   thread_locals are destroyed after (as after QThread::finished).
/// - join() waits for stopped() and the callbacks it runs (so for the
///   thread's thread_locals too), then returns; if the function threw, join()
///   rethrows that exception, with its original type, every time it is called.
///   The handle from run() also returns the function's result (once: the
///   result is moved out). join() on the calling thread itself or on one of
///   its ancestors throws UsageError, as do join() before start() and start()
///   twice.
/// - A thread asked to stop that has not stopped after the grace period is
///   named in a warning, and again with back-off, whether or not anyone
///   joins it (see setStopGracePeriod() in main_thread.h).
/// - A handle going out of scope neither stops nor detaches the thread: it
///   goes on in its parent's tree. A thread that succeeded leaves the tree when
///   it ends. A thread that failed stays in the tree until it is joined; if
///   nobody joins it, its parent logs the failure (with the path) when it
///   joins its children. release() says nobody will join: the failure is
///   logged the moment the function ends (by release() itself, when it ended
///   already), not once the thread's children have ended; once, and the
///   thread leaves the tree when it ends.
/// - What fn captured, and the arguments, are destroyed on the thread as soon
///   as fn returns or throws, before its children are stopped. A destructor
///   declared noexcept(false) that throws there fails the thread as if fn had
///   thrown it (join() rethrows it); if fn threw already, fn's exception stays
///   the failure and the destructor's is logged. Never std::terminate. A
///   thread that is never started destroys them with its last handle, and
///   logs such an exception with its path.
/// - setProgress(fraction) is one atomic store while nobody watches progress
///   (progressChanged()) and no text is given; a text, or a watcher to
///   notify, takes the thread's mutex briefly, and the watcher's Signal goes
///   on the calling thread. The text is built by the caller: a conversion
///   that throws there leaves the thread's progress as it was.
/// - nativeId() is the OS's id of the thread (Linux: its tid), the same on
///   every handle, from the moment its OS thread begins (start() does not
///   wait for that: until then it is 0) until stopped() goes; 0 before
///   start() and after stopped(), when the OS may give the id to another
///   thread. Main's is the process's main thread's (the process id on
///   Linux); a placeholder's or registered thread's is the id of the thread
///   it stands for. 0 where the OS has no thread ids.
/// - threadCount() counts the threads of the tree that are alive: main,
///   every started thread until its stopped() goes, registered threads and
///   the placeholders of other threads (as Python counts its main and dummy
///   threads). A thread that shutdown gave up on has left the tree and is
///   not counted.
/// - A thread Skein did not start stops and joins the threads it started
///   when its OS thread ends, and then its placeholder's stopped() goes. On
///   Windows a helper thread does that just after the OS thread's end, not
///   in it: a thread ends there under the loader lock, which a child that is
///   still beginning needs.
/// - A default-constructed or moved-from handle refers to no thread: every
///   call on it throws UsageError, and so does making a thread with it as
///   the parent.
///
/// ### Memory ordering
///   Everything the thread did, its thread_locals' destructors included
///   (except on Windows, above), is visible to a thread whose join() (or
///   tryJoin() == true, or stopped().wait()) has returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "skein/detail/mutex.h"
#include "skein/error.h"
#include "skein/signal.h"
#include "skein/skein_export.h"

namespace skein {

namespace detail {

struct ThreadState;
struct ThreadAccess;
struct ResultAccess;

// The work of one thread, type-erased; move-only functions are fine. What it
// holds may have a destructor declared noexcept(false), so may its own.
struct Task {
    virtual ~Task() noexcept(false) = default;
    virtual void run(const Signal& pleaseStop) = 0;
};

// Deletes a Task that never ran (the thread was not started): an exception
// from its destructor is logged, as nobody can be failed by it.
struct SKEIN_EXPORT TaskDeleter {
    void operator()(Task* task) const noexcept;
};
using TaskPtr = std::unique_ptr<Task, TaskDeleter>;

template <class T, class... Args>
TaskPtr makeTask(Args&&... args)
{
    return TaskPtr(new T(std::forward<Args>(args)...));
}

template <class F, class... A>
constexpr bool takesPleaseStop = std::is_invocable_v<std::decay_t<F>, std::decay_t<A>..., const Signal&>;

template <class F, class... A>
using ResultOf = typename std::conditional_t<takesPleaseStop<F, A...>,
                                             std::invoke_result<std::decay_t<F>, std::decay_t<A>..., const Signal&>,
                                             std::invoke_result<std::decay_t<F>, std::decay_t<A>...>>::type;

// Where a thread leaves its result for the typed handle.
template <class R>
struct ResultSlot {
    Mutex mutex;
    std::optional<R> value SKEIN_GUARDED_BY(mutex);
};
template <>
struct ResultSlot<void> {};

// Calls fn(args..., pleaseStop) or fn(args...), moving the arguments in.
template <class F, class... A>
decltype(auto) callTask(std::decay_t<F>& fn, std::tuple<std::decay_t<A>...>& args, const Signal& pleaseStop)
{
    if constexpr (takesPleaseStop<F, A...>) {
        return std::apply(
            [&](auto&&... a) -> decltype(auto) { return std::invoke(std::move(fn), std::move(a)..., pleaseStop); },
            std::move(args));
    } else {
        (void)pleaseStop;
        return std::apply(std::move(fn), std::move(args));
    }
}

template <class R, class F, class... A>
class TaskOf final : public Task {
public:
    TaskOf(std::shared_ptr<ResultSlot<R>> slot, F&& fn, A&&... args)
        : slot_(std::move(slot)),
          fn_(std::forward<F>(fn)),
          args_(std::forward<A>(args)...)
    {}

    void run(const Signal& pleaseStop) override
    {
        if constexpr (std::is_void_v<R>) {
            call(pleaseStop);
        } else {
            R result = call(pleaseStop);
            MutexLock lock(slot_->mutex);
            slot_->value.emplace(std::move(result));
        }
    }

private:
    decltype(auto) call(const Signal& pleaseStop) { return callTask<F, A...>(fn_, args_, pleaseStop); }

    std::shared_ptr<ResultSlot<R>> slot_;
    std::decay_t<F> fn_;
    std::tuple<std::decay_t<A>...> args_;
};

}  // namespace detail

template <class R>
class ThreadHandle;

/// A handle on a thread with a name, a parent, and a pleaseStop Signal; a
/// node of the process's thread tree. The contract is in thread.h.
class SKEIN_EXPORT Thread {
public:
    /// Creates and starts a thread; see the contract. Returns a handle whose
    /// join() returns fn's result.
    template <class F, class... A>
    static auto run(std::string name, F&& fn, A&&... args);

    /// Creates a thread that runs nothing until start().
    template <class F, class... A>
    Thread(std::string name, F&& fn, A&&... args)
        : Thread(create(std::move(name), detail::makeTask<detail::TaskOf<void, F, A...>>(nullptr, std::forward<F>(fn),
                                                                                         std::forward<A>(args)...)))
    {}

    /// Creates a thread whose parent is `parent` instead of the calling thread.
    /// Throws UsageError when `parent` refers to no thread.
    template <class F, class... A>
    Thread(const Thread& parent, std::string name, F&& fn, A&&... args)
        : Thread(create(
              parent.state_, std::move(name),
              detail::makeTask<detail::TaskOf<void, F, A...>>(nullptr, std::forward<F>(fn), std::forward<A>(args)...)))
    {}

    /// A handle that refers to no thread.
    Thread() = default;

    /// Starts the thread. Throws UsageError when it was started already.
    void start();
    /// Waits until stopped() went (the thread and its descendants ended),
    /// then rethrows the function's exception, if it threw. Throws
    /// UsageError on the calling thread itself, an ancestor, or before
    /// start().
    void join() const;
    /// False when `till` went first; otherwise as join().
    bool tryJoin(const Signal& till) const;
    /// Nobody will join this thread: see the contract.
    void release() const;
    /// pleaseStop().go().
    void stop() const;

    /// True from start() until stopped() goes.
    bool isRunning() const;
    /// The OS thread id (Linux: gettid(), as top -H and /proc/self/task show
    /// it), like Python's native_id, while the thread runs; 0 before its OS
    /// thread has begun and once stopped() went (see the contract).
    std::uint64_t nativeId() const;
    /// True once start() was called (also after the thread ended).
    bool isStarted() const;
    /// Goes when the thread is asked to stop: stop(), its parent stopping,
    /// or shutdown.
    Signal pleaseStop() const;
    /// Goes when the thread and all of its descendants have ended.
    Signal stopped() const;

    /// The name given at creation.
    std::string name() const;
    /// The names from main down to this thread: "main/loader/worker-3".
    std::string path() const;
    /// The thread that started it (or was named its parent); nullopt for
    /// main, and once the parent is gone (ended, and no handle left).
    std::optional<Thread> parent() const;
    /// Children in the order they were started.
    std::vector<Thread> children() const;

    /// The calling thread. On a thread Skein did not start, a placeholder
    /// (named "main" on the process's main thread), forgotten when the OS
    /// thread ends.
    static Thread current();

    /// Sets the thread's progress, for dumps, adaptors and views: `fraction`
    /// from 0 to 1 (not clamped), and a text; an empty text keeps the
    /// previous one. Cheap enough for a tight loop: one atomic store unless
    /// a text is given or someone watches (see the contract).
    void setProgress(double fraction, std::string text = {}) const;
    /// The last fraction given to setProgress(); 0 before the first.
    double progress() const;
    /// The last non-empty text given to setProgress(); empty before one.
    std::string progressText() const;
    /// A Signal that goes at the next setProgress() after this call. Asking
    /// again before it went returns the same Signal, so a watcher that asks
    /// again after each notification (and then reads progress()) has at most
    /// one notification outstanding and never misses the last value.
    Signal progressChanged() const;

    friend bool operator==(const Thread& a, const Thread& b) noexcept { return a.state_ == b.state_; }
    friend bool operator!=(const Thread& a, const Thread& b) noexcept { return a.state_ != b.state_; }

protected:
    /// \cond INTERNAL
    explicit Thread(std::shared_ptr<detail::ThreadState> state) noexcept : state_(std::move(state)) {}
    static std::shared_ptr<detail::ThreadState> create(std::string name, detail::TaskPtr task);
    static std::shared_ptr<detail::ThreadState> create(const std::shared_ptr<detail::ThreadState>& parent,
                                                       std::string name, detail::TaskPtr task);
    detail::ThreadState& state() const;
    static const std::shared_ptr<detail::ThreadState>& stateOf(const Thread& t) noexcept { return t.state_; }

    std::shared_ptr<detail::ThreadState> state_;
    /// \endcond

private:
    friend struct detail::ThreadAccess;
};

/// A Thread whose join() also returns the function's result.
template <class R>
class ThreadHandle : public Thread {
public:
    /// Creates a thread that runs nothing until start(); its parent is the
    /// calling thread.
    template <class F, class... A>
    ThreadHandle(std::string name, F&& fn, A&&... args)
        : ThreadHandle(std::make_shared<detail::ResultSlot<R>>(), std::move(name), std::forward<F>(fn),
                       std::forward<A>(args)...)
    {}

    /// Creates a thread whose parent is `parent` instead of the calling thread.
    /// Throws UsageError when `parent` refers to no thread.
    template <class F, class... A>
    ThreadHandle(const Thread& parent, std::string name, F&& fn, A&&... args)
        : ThreadHandle(parent, std::make_shared<detail::ResultSlot<R>>(), std::move(name), std::forward<F>(fn),
                       std::forward<A>(args)...)
    {}

    ThreadHandle() = default;

    /// Waits, rethrows a failure, and moves the result out. A second call
    /// throws UsageError: the result has been taken.
    R join() const
    {
        Thread::join();
        if constexpr (!std::is_void_v<R>) {
            detail::MutexLock lock(slot_->mutex);
            if (!slot_->value)
                throw UsageError("Thread '" + path() + "': its result was taken by an earlier join()");
            R result = std::move(*slot_->value);
            slot_->value.reset();
            return result;
        }
    }

private:
    friend struct detail::ResultAccess;

    template <class F, class... A>
    ThreadHandle(std::shared_ptr<detail::ResultSlot<R>> slot, std::string name, F&& fn, A&&... args)
        : Thread(create(std::move(name), detail::makeTask<detail::TaskOf<R, F, A...>>(slot, std::forward<F>(fn),
                                                                                      std::forward<A>(args)...))),
          slot_(std::move(slot))
    {}

    template <class F, class... A>
    ThreadHandle(const Thread& parent, std::shared_ptr<detail::ResultSlot<R>> slot, std::string name, F&& fn,
                 A&&... args)
        : Thread(create(
              stateOf(parent), std::move(name),
              detail::makeTask<detail::TaskOf<R, F, A...>>(slot, std::forward<F>(fn), std::forward<A>(args)...))),
          slot_(std::move(slot))
    {}

    std::shared_ptr<detail::ResultSlot<R>> slot_;
};

template <class F, class... A>
auto Thread::run(std::string name, F&& fn, A&&... args)
{
    ThreadHandle<detail::ResultOf<F, A...>> thread(std::move(name), std::forward<F>(fn), std::forward<A>(args)...);
    thread.start();
    return thread;
}

namespace detail {

// The result slot of a typed handle, for the Qt layer's futures.
struct ResultAccess {
    template <class R>
    static const std::shared_ptr<ResultSlot<R>>& slot(const ThreadHandle<R>& thread) noexcept
    {
        return thread.slot_;
    }
};

// What the thread's function threw (or what destroying what it held threw,
// see the contract); null while it runs and when it succeeded. Unlike
// join(), it neither counts as joining nor refuses the thread itself: a
// stopped() callback may ask. Throws UsageError on an empty handle.
SKEIN_EXPORT std::exception_ptr failureOf(const Thread& thread);

// The body of a started thread that runs on an OS thread Skein did not
// start (a pool's), as handed out by startHosted().
class SKEIN_EXPORT HostedRun {
public:
    HostedRun(const HostedRun&) = delete;
    HostedRun& operator=(const HostedRun&) = delete;
    // Never run (its host dropped it): the thread fails with an Error that
    // says so, and ends.
    ~HostedRun();

    // Runs the thread on the calling OS thread, which it borrows: its
    // function, then the stop and join of its children, as on a thread of
    // its own. While it runs, the OS thread carries its name and
    // Thread::current() is it. The OS thread's name is given back before
    // stopped() goes, its current thread right after stopped()'s callbacks.
    // The OS thread's thread_locals are not the thread's: they outlive it.
    // Call it once; later calls do nothing.
    void operator()() noexcept;

private:
    friend void startHosted(const Thread&, const std::function<void(std::unique_ptr<HostedRun>)>&);
    explicit HostedRun(std::weak_ptr<ThreadState> state) noexcept : state_(std::move(state)) {}
    // Weak: until it has ended the thread is its parent's child, which holds
    // it; once a join() ran it, its end is not left to the host to free.
    std::weak_ptr<ThreadState> state_;
};

// Starts `thread` as start() does, but instead of a new OS thread, hands its
// body to `host`, which runs it (or drops it) on an OS thread of its own. If
// `host` throws, the body it dropped fails the thread, and the exception
// propagates. A join() (without a till) that comes before the host has
// begun the body runs it on the joining thread instead, as
// QFuture::waitForFinished() does with a job its pool has not begun; the
// host's turn then does nothing.
SKEIN_EXPORT void startHosted(const Thread& thread, const std::function<void(std::unique_ptr<HostedRun>)>& host);

}  // namespace detail

/// The process's threads as an indented tree: name, state, progress, and
/// what each waits on and since when.
SKEIN_EXPORT std::string dumpThreads();

/// How many threads of the tree are alive now (a snapshot), as Python's
/// threading.active_count(): main, every started thread until its stopped()
/// goes, registered threads, and the placeholders of other threads that
/// Skein knows (see Thread::current()) until their OS thread ends.
SKEIN_EXPORT std::size_t threadCount();

}  // namespace skein
