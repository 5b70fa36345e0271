// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the Thread handle: made, started on an OS thread of its own,
// joined, released, stopped; its function run and its end; its progress.
#include "skein/thread.h"

#include <optional>
#include <system_error>

#include "platform/platform_p.h"
#include "shutdown/shutdown_p.h"
#include "skein/error.h"
#include "skein/log.h"
#include "skein/till.h"
#include "tree/stragglers_p.h"
#include "tree/thread_p.h"

namespace skein {
namespace detail {

namespace {

// The end of a Skein thread, once its function and the children it left
// have ended. Made first on the thread as a thread_local, it is destroyed
// after every thread_local that the function made: stopped(), and so join()
// and shutdown, come after their destructors too, and a child that one of
// them starts is still stopped and joined first (except on Windows: see
// threadMain()).
struct ThreadEnd {
    std::shared_ptr<ThreadState> self;
    ~ThreadEnd();
};

}  // namespace

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

namespace {

void runOnThisThread(const std::shared_ptr<ThreadState>& self)
{
    self->nativeId.store(platform::threadId(), std::memory_order_relaxed);
    swapCurrent(self.get());
    platform::setThreadName(self->name);
    runFunction(self);
}

// The body of a Skein thread on an OS thread of its own. Its end comes after
// its thread_locals' destructors, except where the OS runs those under a
// lock of the whole process (Windows' loader lock): there, waking joiners
// and running stopped()'s callbacks could deadlock with any thread that
// needs that lock, so the thread ends first.
void threadMain(std::shared_ptr<ThreadState> self)
{
    if (platform::threadLocalsDieUnderProcessLock) {
        const ThreadEnd end{std::move(self)};
        runOnThisThread(end.self);
    } else {
        thread_local const ThreadEnd end{std::move(self)};
        runOnThisThread(end.self);
    }
}

ThreadEnd::~ThreadEnd()
{
    recordProfile(*self);
    finishThread(*self);
    leaveCurrentThread();
    self.reset();
    threadEnds();
}

}  // namespace

std::shared_ptr<ThreadState> beginStart(const std::shared_ptr<ThreadState>& self)
{
    armExitShutdown();
    ThreadState& s = *self;
    {
        MutexLock lock(s.mutex);
        if (s.kind != ThreadState::Kind::Started || s.phase != ThreadState::Phase::Created)
            throw UsageError("Thread '" + s.path + "': start() on a thread that has already started");
        s.phase = ThreadState::Phase::Running;
        s.startedAt = std::chrono::steady_clock::now();
    }
    const auto parent = s.parent.lock();
    if (!parent || !attachChild(*parent, self)) {
        MutexLock own(s.mutex);
        s.phase = ThreadState::Phase::Created;
        if (!parent)  // ended, and every handle to it is gone
            throw UsageError("Thread '" + s.path + "': start() after its parent ended");
        throw UsageError("Thread '" + s.path + "': start() after its parent '" + parent->path + "' ended");
    }
    threadBegins();
    return parent;
}

void endStart(const std::shared_ptr<ThreadState>& self)
{
    if (self->pleaseStop)
        watchStraggler(self);
}

[[noreturn]] void throwNoThread()
{
    throw UsageError("a Thread handle that refers to no thread (default-constructed or moved-from)");
}

}  // namespace detail

using detail::ThreadState;

namespace {

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
    // Not make_shared, whose one block lives as long as the last weak
    // reference: a pool's turn at a hosted thread that a join() ran holds
    // one, and would free the whole state on the pool's thread, taking the
    // allocator lock that the next thread made here waits for.
    std::shared_ptr<ThreadState> s(
        new ThreadState(std::move(name), parent, ThreadState::Kind::Started, std::move(task)));
    detail::cascadeStop(s);
    return s;
}

ThreadState& Thread::state() const
{
    if (!state_)
        detail::throwNoThread();
    return *state_;
}

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
        detail::throwNoThread();
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
        detail::throwNoThread();
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
