// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/thread.h"

#include <algorithm>
#include <condition_variable>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "log_p.h"
#include "platform/platform_p.h"
#include "skein/error.h"
#include "signal_p.h"
#include "skein/detail/chrono.h"
#include "skein/detail/introspection.h"
#include "skein/log.h"
#include "skein/main_thread.h"
#include "skein/till.h"
#include "thread_p.h"
#include "tree_events_p.h"

namespace skein {
namespace detail {

namespace {

using Clock = std::chrono::steady_clock;

// --- Which thread is this? ---------------------------------------------------

thread_local ThreadState* currentRaw = nullptr;  // trivially destructible: usable during teardown
thread_local bool tornDown = false;

// Owns the placeholder of a thread Skein did not start; ends it with the thread.
struct PlaceholderHolder {
    std::shared_ptr<ThreadState> state;
    ~PlaceholderHolder();
};
thread_local PlaceholderHolder placeholder;

bool isProcessMainThread() { return platform::onMainThread(); }

// What a thread Skein did not start is called in the tree.
std::string placeholderName() { return "thread-" + std::to_string(platform::threadId()); }

// --- Threads still on their OS thread -------------------------------------

// Never destroyed: a thread that shutdown gave up on may end during static
// destruction.
struct LiveThreads {
    Mutex mutex;
    std::condition_variable cv;
    std::size_t count SKEIN_GUARDED_BY(mutex) = 0;
};

LiveThreads& live()
{
    static LiveThreads* const instance = new LiveThreads;
    return *instance;
}

void threadBegins()
{
    MutexLock lock(live().mutex);
    ++live().count;
}

void threadEnds()
{
    MutexLock lock(live().mutex);
    if (--live().count == 0)
        live().cv.notify_all();
}

// --- Tree -------------------------------------------------------------------

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

void leaveParent(ThreadState& s)
{
    if (const auto parent = s.parent.lock())
        removeChild(*parent, &s);
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

// `s` as a straggler: "path (what it waits on)" while its function runs,
// "path (ending)" while its thread_locals or stopped() callbacks hold it up.
// Empty while it joins its children (they are the ones to name), and for
// main and threads Skein did not start.
std::string stragglerLocked(const ThreadState& s) SKEIN_REQUIRES(s.mutex)
{
    if (s.kind == ThreadState::Kind::Main || s.kind == ThreadState::Kind::Placeholder)
        return {};
    switch (s.phase) {
    case ThreadState::Phase::Running: {
        const std::string what = s.waitingOnLocked();
        return s.path + " (" + (what.empty() ? "not in a Skein wait" : what) + ")";
    }
    case ThreadState::Phase::Ending: return s.path + " (ending)";
    case ThreadState::Phase::Finished: return s.ended ? std::string() : s.path + " (ending)";
    default: return {};
    }
}

}  // namespace

void stopChildren(ThreadState& s)
{
    const auto children = childrenOf(s);
    for (auto it = children.rbegin(); it != children.rend(); ++it)
        (*it)->pleaseStop.go();
}

std::string stragglersIn(const ThreadState& s, bool withItself)
{
    std::string found;
    if (withItself) {
        MutexLock lock(s.mutex);
        found = stragglerLocked(s);
    }
    for (const auto& c : childrenOf(s)) {
        const std::string below = stragglersIn(*c);
        if (!below.empty())
            found += (found.empty() ? "" : ", ") + below;
    }
    return found;
}

namespace {

std::string secondsText(Clock::duration d)
{
    std::ostringstream out;
    out << std::setprecision(3) << std::chrono::duration<double>(d).count() << " s";
    return out.str();
}

// Names what holds `s` up; when no function in its subtree runs any more, it
// is ending (its stopped() callbacks, or children about to leave).
std::string stragglersOrEnding(const ThreadState& s)
{
    std::string found = stragglersIn(s);
    return found.empty() ? s.path + " (ending)" : found;
}

// --- Naming stragglers ---------------------------------------------------------
//
// A thread that was asked to stop and has not stopped is named in a warning
// after the grace period, and again with back-off, whether or not anyone
// joins it. Each thread keeps its own schedule of steps, and whoever finds a
// step due claims it under the thread's mutex: one warning per straggler per
// step, however many look. Joins look at the subtree they wait for (so do
// shutdown and exit, once the timer has stopped); the timer looks at each
// straggler that no join names.

// The back-off: twice the last interval, never less than the minimum (a zero
// grace period would warn in a busy loop), saturating instead of overflowing.
constexpr std::chrono::milliseconds minWarningInterval(100);

std::chrono::milliseconds backedOff(std::chrono::milliseconds last)
{
    const auto doubled = last > std::chrono::milliseconds::max() / 2 ? std::chrono::milliseconds::max() : 2 * last;
    return std::max(doubled, minWarningInterval);
}

// Starts the schedule of `s` once it has been asked to stop and runs; true
// while it has one.
bool scheduleNamingLocked(ThreadState& s) SKEIN_REQUIRES(s.mutex)
{
    ThreadState::Naming& n = s.naming;
    if (!n.scheduled && s.pleaseStop && s.phase != ThreadState::Phase::Created &&
        (s.kind == ThreadState::Kind::Started || s.kind == ThreadState::Kind::Registered)) {
        n.scheduled = true;
        n.askedAt = Clock::now();
        n.interval = stopGracePeriod();
        n.due = deadlineAfter(n.interval);
    }
    return n.scheduled;
}

// Names `s` when a step of its schedule is due, claiming the step. Returns
// when the next step is due; max when none will come (it has ended, or the
// grace period never ends).
Clock::time_point nameIfDue(ThreadState& s)
{
    std::string straggler;
    Clock::duration waited{};
    {
        MutexLock lock(s.mutex);
        if (s.ended || !scheduleNamingLocked(s))
            return Clock::time_point::max();
        const Clock::time_point now = Clock::now();
        if (now < s.naming.due)
            return s.naming.due;
        if (s.naming.writing)
            return deadlineAfter(s.naming.interval);  // a look then finds the step its writer sets
        straggler = stragglerLocked(s);
        waited = now - s.naming.askedAt;
        s.naming.interval = backedOff(s.naming.interval);
        s.naming.due = deadlineAfter(s.naming.interval);
        if (straggler.empty())
            return s.naming.due;
        s.naming.writing = true;
    }
    SKEIN_LOG(Thread, Warning,
              "thread '" + s.path + "' was asked to stop and has not stopped after " + secondsText(waited) +
                  ": still running " + straggler);
    // The next step counts from the end of this warning, however long the
    // sink took: never two warnings closer than a step.
    MutexLock lock(s.mutex);
    s.naming.writing = false;
    s.naming.due = deadlineAfter(s.naming.interval);
    return s.naming.due;
}

// Names the stragglers due in the subtree of `root`; returns when the next
// step of one of them is due.
Clock::time_point nameDueIn(ThreadState& root)
{
    Clock::time_point next = nameIfDue(root);
    for (const auto& c : childrenOf(root))
        next = std::min(next, nameDueIn(*c));
    return next;
}

// Whether a join names the stragglers of a subtree that holds `s`. It does
// until `s` has ended (or shutdown gives up, when the timer has stopped).
bool isJoined(std::shared_ptr<ThreadState> s)
{
    for (; s; s = s->parent.lock()) {
        MutexLock lock(s->mutex);
        if (s->naming.joins > 0)
            return true;
    }
    return false;
}

// Keeps the timer's pending look at `s`, for its end to take back. The
// latest look wins: an earlier one has run, or runs now.
void holdWatch(ThreadState& s, const Till& till, const Subscription& callback)
{
    std::optional<Till> replaced;  // let go of outside the lock
    {
        MutexLock lock(s.mutex);
        if (!s.ended) {
            if (!s.naming.watch || s.naming.watch->deadline() < till.deadline()) {
                replaced = std::exchange(s.naming.watch, till);
                s.naming.watchCallback = callback;
            }
            return;
        }
    }
    till.removeThen(callback);  // it ended meanwhile
}

void keepWatching(const std::shared_ptr<ThreadState>& s);

// The timer's look at `s`, due at `due`. The timer never blocks here.
void lookAt(const std::weak_ptr<ThreadState>& weak, Clock::time_point due)
{
    if (Clock::now() < due)
        return;  // shutdown stopped the timer: its joins name stragglers now
    const auto s = weak.lock();
    if (s && !isJoined(s))
        keepWatching(s);
}

// Names `s` when due, and hands its next step to the timer.
void keepWatching(const std::shared_ptr<ThreadState>& s)
{
    for (;;) {
        const Clock::time_point due = nameIfDue(*s);
        if (due == Clock::time_point::max())
            return;
        const Till till(due);
        if (!till) {
            const std::weak_ptr<ThreadState> weak = s;
            holdWatch(*s, till, till.then([weak, due] { lookAt(weak, due); }));
            return;
        }
        if (Clock::now() < due)
            return;  // the timer has stopped: shutdown has begun
    }
}

// The timer watches `s` from when it has been asked to stop and runs.
void watchStraggler(const std::shared_ptr<ThreadState>& s)
{
    {
        MutexLock lock(s->mutex);
        if (s->naming.watched || !scheduleNamingLocked(*s))
            return;
        s->naming.watched = true;
    }
    keepWatching(s);
}

// `s` has ended: the timer forgets it at once.
void endWatch(ThreadState& s)
{
    std::optional<Till> watch;
    Subscription callback;
    {
        MutexLock lock(s.mutex);
        watch.swap(s.naming.watch);
        callback = s.naming.watchCallback;
    }
    if (watch)
        watch->removeThen(callback);
}

// Counts a join that names the stragglers of the subtree of `root`.
class NamingJoin {
public:
    explicit NamingJoin(ThreadState& root) : root_(root) { count(+1); }
    ~NamingJoin() { count(-1); }
    NamingJoin(const NamingJoin&) = delete;
    NamingJoin& operator=(const NamingJoin&) = delete;

private:
    void count(int n)
    {
        MutexLock lock(root_.mutex);
        root_.naming.joins += n;
    }
    ThreadState& root_;
};

// Waits with `waitUntil(deadline)` (true: what it waits for came) until
// `giveUpAt`, naming the stragglers of the subtree of `root` as their steps
// come due; the timer leaves them to it meanwhile. False when `giveUpAt`
// came first.
template <class WaitUntil>
bool waitNamingStragglers(ThreadState& root, WaitUntil waitUntil, Clock::time_point giveUpAt)
{
    const NamingJoin join(root);
    for (;;) {
        if (waitUntil(std::min(nameDueIn(root), giveUpAt)))
            return true;
        if (Clock::now() >= giveUpAt)
            return false;
    }
}

// Waits for `s` to end (stopped() and its callbacks); once it has been asked
// to stop, names the stragglers that hold it up. False when `giveUpAt` came
// first.
bool waitStopped(ThreadState& s, Clock::time_point giveUpAt = Clock::time_point::max())
{
    if (s.ended)
        return true;
    if (!s.pleaseStop.wait(s.ended))
        return true;  // it ended first
    return waitNamingStragglers(
        s, [&s](Clock::time_point until) { return waitWithoutTimer(s.ended, until); }, giveUpAt);
}

// Shutdown leaves `s` running, detached, and says so.
void giveUp(ThreadState& s)
{
    {
        MutexLock lock(s.mutex);
        s.released = true;  // nobody will join it: a failure is logged when it comes
    }
    markThreadsAbandoned();
    SKEIN_LOG(Shutdown, Error,
              "shutdown gave up on thread '" + s.path + "' after the stop time limit (" + secondsText(stopTimeLimit()) +
                  ") and leaves it running, detached: " + stragglersOrEnding(s));
}

}  // namespace

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

namespace {

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

// Destroys what a thread function held; returns what its destructor threw.
std::exception_ptr deleteTask(Task* task) noexcept
{
    try {
        delete task;
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

}  // namespace

void TaskDeleter::operator()(Task* task) const noexcept
{
    if (const std::exception_ptr thrown = deleteTask(task))
        SKEIN_LOG(Thread, Error,
                  "a thread function that never ran was dropped, and destroying what it held threw: " +
                      errorMessage(thrown));
}

ThreadState* swapCurrent(ThreadState* s) noexcept
{
    ThreadState* previous = currentRaw;
    currentRaw = s;
    return previous;
}

namespace {

// The end of a Skein thread, once its function and the children it left
// have ended. Made first on the thread, it is destroyed after every
// thread_local that the function made: stopped(), and so join() and
// shutdown, come after their destructors too, and a child that one of them
// starts is still stopped and joined first.
struct ThreadEnd {
    std::shared_ptr<ThreadState> self;
    ~ThreadEnd();
};

// Runs the function of `self` on the calling thread, which is it now, then
// stops and joins the children it left.
void runFunction(const std::shared_ptr<ThreadState>& self)
{
    TaskPtr task = std::move(self->task);
    try {
        task->run(self->pleaseStop);
    } catch (...) {
        MutexLock lock(self->mutex);
        self->failure = std::current_exception();
    }
    // What fn captured ends here, on its thread, where a throwing destructor
    // can fail the thread instead of terminating the process.
    if (const std::exception_ptr thrown = deleteTask(task.release())) {
        MutexLock lock(self->mutex);
        if (!self->failure) {
            self->failure = thrown;
        } else {
            lock.unlock();
            SKEIN_LOG(Thread, Error,
                      "thread '" + self->path +
                          "' failed, and then destroying what its function held threw: " + errorMessage(thrown));
        }
    }
    // Now, not once its children have ended: nobody joins a released thread.
    logIfReleased(*self);
    enterPhase(*self, ThreadState::Phase::Finishing);
    stopAndJoinChildren(*self);
    enterPhase(*self, ThreadState::Phase::Ending);
}

void threadMain(std::shared_ptr<ThreadState> self)
{
    thread_local ThreadEnd end{self};
    self->nativeId.store(platform::threadId(), std::memory_order_relaxed);
    currentRaw = self.get();
    platform::setThreadName(self->name);
    runFunction(self);
}

// A thread on a borrowed OS thread: no thread_locals of its own, so it ends
// as soon as its children have; the OS thread gets back what it lent.
void runHosted(std::shared_ptr<ThreadState> self)
{
    ThreadState* const previous = swapCurrent(self.get());
    const std::string osName = platform::threadName();
    self->nativeId.store(platform::threadId(), std::memory_order_relaxed);
    self->cpuAtStart = profiledCpuSeconds();
    platform::setThreadName(self->name);
    runFunction(self);
    platform::setThreadName(osName);
    recordProfile(*self);
    finishThread(*self);
    swapCurrent(previous);
    self.reset();
    threadEnds();
}

ThreadEnd::~ThreadEnd()
{
    recordProfile(*self);
    finishThread(*self);
    currentRaw = nullptr;
    tornDown = true;  // what runs on this OS thread from now on is no Skein thread's
    self.reset();
    threadEnds();
}

PlaceholderHolder::~PlaceholderHolder()
{
    tornDown = true;
    if (state) {
        finishThread(*state);
        currentRaw = nullptr;
    }
}

}  // namespace

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

const std::shared_ptr<ThreadState>& mainState()
{
    static const auto* const state =
        new std::shared_ptr<ThreadState>(makeRunningState("main", nullptr, ThreadState::Kind::Main));
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
    auto s = makeRunningState(placeholderName(), main, ThreadState::Kind::Placeholder);
    bool mainStopping = false;
    {
        MutexLock lock(main->mutex);
        main->children.push_back(s);
        mainStopping = bool(main->pleaseStop);
    }
    treeChanged();
    if (mainStopping)
        s->pleaseStop.go();
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

std::string currentThreadPath()
{
    if (currentRaw)
        return currentRaw->path;
    if (isProcessMainThread())
        return "main";
    return placeholderName();
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

bool waitForAllThreadsToEnd(Clock::time_point deadline)
{
    LiveThreads& l = live();
    MutexLock lock(l.mutex);
    while (l.count != 0) {
        if (lock.waitUntil(l.cv, deadline) == std::cv_status::timeout)
            return l.count == 0;
    }
    return true;
}

bool waitForThreadExits(std::chrono::milliseconds timeout) { return waitForAllThreadsToEnd(Clock::now() + timeout); }

}  // namespace detail

using detail::ThreadState;

namespace {

[[noreturn]] void throwNoThread()
{
    throw UsageError("a Thread handle that refers to no thread (default-constructed or moved-from)");
}

bool isSelfOrAncestorOfCurrent(const ThreadState& s)
{
    for (auto t = detail::currentState(); t; t = t->parent.lock())
        if (t.get() == &s)
            return true;
    return false;
}

}  // namespace

std::shared_ptr<ThreadState> Thread::create(std::string name, detail::TaskPtr task)
{
    // No state only while the calling thread's thread-local storage is torn
    // down: what it starts then belongs to main.
    const auto current = detail::currentState();
    return create(current ? current : detail::mainState(), std::move(name), std::move(task));
}

std::shared_ptr<ThreadState> Thread::create(const std::shared_ptr<ThreadState>& parent, std::string name,
                                            detail::TaskPtr task)
{
    if (!parent)
        throw UsageError(
            "Thread '" + name +
            "': its parent is a Thread handle that refers to no thread (default-constructed or moved-from)");
    auto s = std::make_shared<ThreadState>(std::move(name), parent, ThreadState::Kind::Started, std::move(task));
    detail::cascadeStop(s);
    return s;
}

ThreadState& Thread::state() const
{
    if (!state_)
        throwNoThread();
    return *state_;
}

namespace {

// For a program without MainThread: at exit, ask every thread to stop and
// wait for them, so none runs on into static destruction; name stragglers as
// join() does, and give up on them at the stop time limit.
struct ExitGuard {
    ~ExitGuard()
    {
        stopEveryThread();
        detail::printProfileTable();
    }

    static void stopEveryThread()
    {
        using Clock = std::chrono::steady_clock;
        const Clock::time_point giveUpAt = detail::beginShutdown();
        auto& main = *detail::mainState();
        main.pleaseStop.go();
        detail::shutdownTimers();
        if (detail::threadsWereAbandoned())
            return;  // MainThread's shutdown gave up on them, and said so
        if (detail::waitNamingStragglers(main, detail::waitForAllThreadsToEnd, giveUpAt))
            return;
        detail::markThreadsAbandoned();
        SKEIN_LOG(Shutdown, Error,
                  "at exit, gave up after the stop time limit (" + detail::secondsText(stopTimeLimit()) +
                      ") on threads that did not stop, leaving them running: " + detail::stragglersIn(main, false));
    }
};

}  // namespace

namespace detail {
namespace {

// What start() does before the thread runs: checks, makes it Running, and
// makes it its parent's child (asked to stop at once when the parent is
// stopping); counts it among the threads that run. Returns the parent.
std::shared_ptr<ThreadState> beginStart(const std::shared_ptr<ThreadState>& self)
{
    static ExitGuard exitGuard;
    ThreadState& s = *self;
    {
        detail::MutexLock lock(s.mutex);
        if (s.kind != ThreadState::Kind::Started || s.phase != ThreadState::Phase::Created)
            throw UsageError("Thread '" + s.path + "': start() on a thread that has already started");
        s.phase = ThreadState::Phase::Running;
        s.startedAt = std::chrono::steady_clock::now();
    }
    const auto parent = s.parent.lock();
    if (!parent) {  // ended, and every handle to it is gone
        detail::MutexLock own(s.mutex);
        s.phase = ThreadState::Phase::Created;
        throw UsageError("Thread '" + s.path + "': start() after its parent ended");
    }
    bool parentStopping = false;
    {
        detail::MutexLock lock(parent->mutex);
        if (parent->phase != ThreadState::Phase::Running && parent->phase != ThreadState::Phase::Ending) {
            detail::MutexLock own(s.mutex);
            s.phase = ThreadState::Phase::Created;
            throw UsageError("Thread '" + s.path + "': start() after its parent '" + parent->path + "' ended");
        }
        parent->children.push_back(self);
        // Under the parent's mutex: either the parent's stop cascade sees this
        // child in the list, or this sees the parent's pleaseStop gone.
        parentStopping = bool(parent->pleaseStop);
    }
    detail::treeChanged();
    if (parentStopping)
        s.pleaseStop.go();
    detail::threadBegins();
    return parent;
}

// What start() does once the thread runs somewhere: asked to stop before
// it ran, it was not running for the cascade to watch it, so it is
// watched from now on.
void endStart(const std::shared_ptr<ThreadState>& self)
{
    if (self->pleaseStop)
        watchStraggler(self);
}

}  // namespace
}  // namespace detail

void Thread::start()
{
    ThreadState& s = state();
    const auto parent = detail::beginStart(state_);
    try {
        auto self = std::make_unique<std::shared_ptr<ThreadState>>(state_);
        detail::platform::startDetachedThread(
            [](void* owned) {
                const std::unique_ptr<std::shared_ptr<ThreadState>> self(
                    static_cast<std::shared_ptr<ThreadState>*>(owned));
                detail::threadMain(std::move(*self));
            },
            self.get());
        self.release();  // the new thread's now
    } catch (const std::system_error& e) {
        detail::threadEnds();
        detail::removeChild(*parent, &s);
        {
            detail::MutexLock own(s.mutex);
            s.phase = ThreadState::Phase::Created;
        }
        throw Error("Thread '" + s.path + "': the OS refused a thread: " + e.what());
    }
    detail::endStart(state_);
}

namespace detail {

void startHosted(const Thread& thread, const std::function<void(std::unique_ptr<HostedRun>)>& host)
{
    const std::shared_ptr<ThreadState>& self = ThreadAccess::shared(thread);
    if (!self)
        throwNoThread();
    beginStart(self);
    self->hosted.store(true, std::memory_order_release);
    host(std::unique_ptr<HostedRun>(new HostedRun(self)));
    endStart(self);
}

void HostedRun::operator()() noexcept
{
    const std::shared_ptr<ThreadState> self = std::exchange(state_, {}).lock();
    if (self && !self->bodyClaimed.exchange(true, std::memory_order_acq_rel))
        runHosted(self);
}

HostedRun::~HostedRun()
{
    const std::shared_ptr<ThreadState> self = state_.lock();
    if (!self || self->bodyClaimed.exchange(true, std::memory_order_acq_rel))
        return;
    {
        MutexLock lock(self->mutex);
        self->failure = std::make_exception_ptr(
            Error("Thread '" + self->path + "': the pool it was given to dropped it before it ran"));
    }
    logIfReleased(*self);
    finishThread(*self);
    threadEnds();
}

std::exception_ptr failureOf(const Thread& thread)
{
    ThreadState& s = ThreadAccess::state(thread);
    MutexLock lock(s.mutex);
    return s.failure;
}

}  // namespace detail

void Thread::join() const
{
    const bool joined = tryJoin(Signal::never());
    (void)joined;
}

bool Thread::tryJoin(const Signal& till) const
{
    ThreadState& s = state();
    {
        detail::MutexLock lock(s.mutex);
        if (s.kind != ThreadState::Kind::Started)
            throw UsageError("Thread '" + s.path + "': join() on a thread Skein did not start");
        if (s.phase == ThreadState::Phase::Created)
            throw UsageError("Thread '" + s.path + "': join() before start()");
    }
    if (isSelfOrAncestorOfCurrent(s))
        throw UsageError("Thread '" + s.path + "': join() from thread '" + detail::currentThreadPath() +
                         "', which is that thread or one of its descendants");
    // A hosted thread that its host has not begun runs here, as
    // QFuture::waitForFinished() runs a QtConcurrent job that its pool has
    // not begun: this thread would only wait. Not with a till, which the
    // function could outlast.
    if (till.isNever() && s.hosted.load(std::memory_order_acquire) &&
        !s.bodyClaimed.exchange(true, std::memory_order_acq_rel))
        detail::runHosted(state_);
    {
        // Names the join in diagnostics, and refuses it where a wait may not
        // block (the timer thread), unless it cannot block.
        std::optional<detail::BlockedScope> joining;
        if (!s.ended && !till)
            joining.emplace(
                [](const void* t) { return "Thread '" + static_cast<const ThreadState*>(t)->path + "' (join)"; }, &s);
        if (till.isNever())
            detail::waitStopped(*state_);
        else if (!s.ended.wait(till))
            return false;
    }
    std::exception_ptr failure;
    {
        detail::MutexLock lock(s.mutex);
        failure = s.failure;
        s.failureSeen = true;
    }
    if (const auto parent = s.parent.lock())
        detail::removeChild(*parent, &s);
    if (failure)
        std::rethrow_exception(failure);
    return true;
}

void Thread::release() const
{
    ThreadState& s = state();
    {
        detail::MutexLock lock(s.mutex);
        s.released = true;
    }
    // Until its stopped() callbacks have run it stays its parent's child, so
    // that the parent still waits for it; finishThread() removes it then.
    if (detail::logIfReleased(*state_) && s.ended) {
        if (const auto parent = s.parent.lock())
            detail::removeChild(*parent, &s);
    }
}

void Thread::stop() const { state().pleaseStop.go(); }

bool Thread::isStarted() const
{
    const ThreadState& s = state();
    detail::MutexLock lock(s.mutex);
    return s.phase != ThreadState::Phase::Created;
}

bool Thread::isRunning() const { return isStarted() && !state().stopped; }

std::uint64_t Thread::nativeId() const
{
    const ThreadState& s = state();
    const std::uint64_t id = s.nativeId.load(std::memory_order_relaxed);
    // Set once and never changed; hidden once the thread has ended, as the
    // OS may give the id to another thread from then on.
    return s.stopped ? 0 : id;
}

Signal Thread::pleaseStop() const { return state().pleaseStop; }
Signal Thread::stopped() const { return state().stopped; }
std::string Thread::name() const { return state().name; }
std::string Thread::path() const { return state().path; }

std::optional<Thread> Thread::parent() const
{
    if (auto p = state().parent.lock())
        return Thread(std::move(p));
    return std::nullopt;
}

std::vector<Thread> Thread::children() const
{
    const ThreadState& s = state();
    detail::MutexLock lock(s.mutex);
    std::vector<Thread> result;
    result.reserve(s.children.size());
    for (const auto& c : s.children)
        result.push_back(Thread(c));
    return result;
}

Thread Thread::current()
{
    auto s = detail::currentState();
    if (!s)
        throw UsageError("Thread::current() while the thread is ending");
    return Thread(std::move(s));
}

void Thread::setProgress(double fraction, std::string text) const
{
    if (!state_)
        throwNoThread();
    ThreadState& s = *state_;
    s.progress.store(fraction, std::memory_order_release);
    if (!text.empty()) {
        detail::MutexLock lock(s.mutex);
        s.progressText = std::move(text);
    }
    if (!s.progressWatched.load(std::memory_order_acquire))
        return;
    std::optional<Signal> changed;
    {
        detail::MutexLock lock(s.mutex);
        if (!s.progressWatched.load(std::memory_order_relaxed))
            return;
        s.progressWatched.store(false, std::memory_order_relaxed);
        changed = s.nextProgress;
    }
    changed->go();
}

Signal Thread::progressChanged() const
{
    if (!state_)
        throwNoThread();
    ThreadState& s = *state_;
    detail::MutexLock lock(s.mutex);
    if (!s.progressWatched.load(std::memory_order_relaxed)) {
        s.nextProgress = Signal(s.path + ".progressChanged");
        s.progressWatched.store(true, std::memory_order_release);
    }
    return s.nextProgress;
}

double Thread::progress() const { return state().progress.load(std::memory_order_acquire); }

std::string Thread::progressText() const
{
    const ThreadState& s = state();
    detail::MutexLock lock(s.mutex);
    return s.progressText;
}

namespace {

std::size_t aliveIn(const ThreadState& s)
{
    std::size_t alive = s.stopped ? 0 : 1;
    for (const auto& c : detail::childrenOf(s))
        alive += aliveIn(*c);
    return alive;
}

}  // namespace

std::size_t threadCount() { return aliveIn(*detail::mainState()); }

}  // namespace skein
