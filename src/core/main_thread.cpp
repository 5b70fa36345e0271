// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/main_thread.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "log_p.h"
#include "os_thread_p.h"
#include "skein/detail/chrono.h"
#include "skein/detail/introspection.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/log.h"
#include "thread_p.h"
#include "timer_p.h"
#include "tree_events_p.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<std::int64_t> graceMillis{2000};
std::atomic<std::int64_t> stopLimitMillis{8000};
// When shutdown gives up, as steady_clock ticks; 0 until shutdown begins.
std::atomic<Clock::rep> giveUpTicks{0};
std::atomic<bool> abandoned{false};

// --- Signals to a pipe, the pipe to main's pleaseStop -----------------------

int signalPipe[2] = {-1, -1};

extern "C" void onStopSignal(int signo)
{
    const int saved = errno;
    const char byte = static_cast<char>(signo);
    [[maybe_unused]] const auto n = ::write(signalPipe[1], &byte, 1);
    errno = saved;
}

const char* signalName(int signo)
{
    switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
    }
}

}  // namespace

void setStopGracePeriod(std::chrono::milliseconds period)
{
    graceMillis.store(std::max<std::int64_t>(period.count(), 0), std::memory_order_relaxed);
}

std::chrono::milliseconds stopGracePeriod()
{
    return std::chrono::milliseconds(graceMillis.load(std::memory_order_relaxed));
}

void setStopTimeLimit(std::chrono::milliseconds limit)
{
    stopLimitMillis.store(std::max<std::int64_t>(limit.count(), 0), std::memory_order_relaxed);
}

std::chrono::milliseconds stopTimeLimit()
{
    return std::chrono::milliseconds(stopLimitMillis.load(std::memory_order_relaxed));
}

namespace detail {

Clock::time_point beginShutdown()
{
    const auto limit = stopTimeLimit();
    const Clock::time_point now = Clock::now();
    const Clock::time_point candidate =
        limit >= std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now)
            ? Clock::time_point::max()
            : now + limit;
    Clock::rep expected = 0;
    if (giveUpTicks.compare_exchange_strong(expected, candidate.time_since_epoch().count()))
        return candidate;
    return Clock::time_point(Clock::duration(expected));
}

void markThreadsAbandoned() noexcept { abandoned.store(true); }
bool threadsWereAbandoned() noexcept { return abandoned.load(); }

}  // namespace detail

// --- BlockedScope -------------------------------------------------------------

namespace detail {

BlockedScope::BlockedScope(Describe describe, const void* object) : self_(nullptr), since_(Clock::now())
{
    if (onTimerThread)
        throw UsageError("a blocking wait on the timer thread, in a Till's then() callback, would stop every Till: "
                         "it waited on " +
                         describe(object));
    self_ = currentStateRaw();
    if (!self_ || self_->waitDepth++ != 0)
        return;
    outermost_ = true;
    MutexLock lock(self_->mutex);
    self_->waitingDescribe = describe;
    self_->waitingObject = object;
    self_->waitingSince = since_;
}

BlockedScope::~BlockedScope()
{
    if (!self_)
        return;
    --self_->waitDepth;
    if (!outermost_)
        return;
    self_->blockedNanos.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - since_).count(),
                                  std::memory_order_relaxed);
    MutexLock lock(self_->mutex);
    self_->waitingDescribe = nullptr;
    self_->waitingObject = nullptr;
}

}  // namespace detail

// --- MainThread -------------------------------------------------------------

struct MainThread::Private {
    Options options;
    std::thread watcher;
    struct sigaction previousInt {};
    struct sigaction previousTerm {};
    bool shutDown = false;

    void watch()
    {
        std::string line;
        bool stdinOpen = options.exitOnStdin;
        const Signal stop = detail::mainState()->pleaseStop;
        for (;;) {
            pollfd fds[2] = {{signalPipe[0], POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
            if (::poll(fds, stdinOpen ? 2 : 1, -1) < 0) {
                if (errno == EINTR)
                    continue;
                SKEIN_LOG(Shutdown, Error, std::string("signal watcher: poll failed: ") + std::strerror(errno));
                return;
            }
            if (fds[0].revents & POLLIN) {
                char byte = 0;
                if (::read(signalPipe[0], &byte, 1) == 1) {
                    if (byte == 0)
                        return;  // shutdown is done with us
                    SKEIN_LOG(Shutdown, Info, std::string(signalName(byte)) + " received: stopping");
                    stop.go();
                }
            }
            if (stdinOpen && (fds[1].revents & (POLLIN | POLLHUP))) {
                char buffer[256];
                const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
                if (n <= 0) {
                    stdinOpen = false;  // end of input: nothing more to listen to
                    continue;
                }
                for (ssize_t i = 0; i < n; ++i) {
                    if (buffer[i] != '\n') {
                        line += buffer[i];
                        continue;
                    }
                    if (line == "exit" || line == "exit\r") {
                        SKEIN_LOG(Shutdown, Info, "\"exit\" on stdin: stopping");
                        stop.go();
                    }
                    line.clear();
                }
            }
        }
    }

    // Returns the first failure nobody joined.
    std::exception_ptr shutdown()
    {
        if (shutDown)
            return nullptr;
        shutDown = true;
        const Clock::time_point giveUpAt = detail::beginShutdown();
        detail::ThreadState& main = *detail::mainState();
        main.pleaseStop.go();
        detail::shutdownTimers();
        std::exception_ptr failure = detail::stopAndJoinChildren(main, giveUpAt);
        // Joined threads are only leaving their OS threads now; one that was
        // given up on never will, and has been named already.
        if (!detail::threadsWereAbandoned() &&
            !detail::waitForAllThreadsToEnd(std::min(detail::deadlineAfter(stopGracePeriod()), giveUpAt)))
            SKEIN_LOG(Shutdown, Warning, "some threads were still ending their OS thread at shutdown");
        const char wake = 0;
        [[maybe_unused]] const auto n = ::write(signalPipe[1], &wake, 1);
        if (watcher.joinable())
            watcher.join();
        ::sigaction(SIGINT, &previousInt, nullptr);
        ::sigaction(SIGTERM, &previousTerm, nullptr);
        ::close(signalPipe[0]);
        ::close(signalPipe[1]);
        signalPipe[0] = signalPipe[1] = -1;
        detail::printProfileTable();
        return failure;
    }
};

namespace {
std::atomic<bool> mainThreadExists{false};
}

MainThread::MainThread() : MainThread(Options{}) {}

MainThread::MainThread(Options options) : d(std::make_unique<Private>())
{
    if (mainThreadExists.exchange(true))
        throw UsageError("MainThread: there is one already in this process");
    d->options = options;
    if (::pipe(signalPipe) != 0) {
        mainThreadExists = false;
        throw Error(std::string("MainThread: pipe() failed: ") + std::strerror(errno));
    }
    ::fcntl(signalPipe[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(signalPipe[1], F_SETFD, FD_CLOEXEC);
    ::fcntl(signalPipe[1], F_SETFL, O_NONBLOCK);
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &d->previousInt);
    ::sigaction(SIGTERM, &action, &d->previousTerm);
    d->watcher = std::thread([this] {
        detail::setOsThreadName("skein-signals");
        d->watch();
    });
}

MainThread::~MainThread()
{
    d->shutdown();
    mainThreadExists = false;
}

int MainThread::waitForShutdown()
{
    detail::mainState()->pleaseStop.wait();
    if (const std::exception_ptr failure = d->shutdown())
        std::rethrow_exception(failure);
    return detail::threadsWereAbandoned() ? 1 : 0;
}

void MainThread::stop() { detail::mainState()->pleaseStop.go(); }

Thread MainThread::thread() const { return detail::ThreadAccess::wrap(detail::mainState()); }

// --- RegisterThread -----------------------------------------------------------

struct RegisterThread::Private {
    std::shared_ptr<detail::ThreadState> state;
    detail::ThreadState* previous = nullptr;
    std::string previousOsName;  // the foreign thread's own, given back at the end
};

RegisterThread::RegisterThread(std::string name) : d(std::make_unique<Private>())
{
    const detail::ThreadState* current = detail::knownCurrentState();
    if (current && current->kind != detail::ThreadState::Kind::Placeholder)
        throw UsageError("RegisterThread '" + name + "': thread '" + current->path + "' is already a Skein thread");
    const auto& main = detail::mainState();
    d->state = detail::makeRunningState(std::move(name), main, detail::ThreadState::Kind::Registered);
    bool mainStopping = false;
    {
        detail::MutexLock lock(main->mutex);
        main->children.push_back(d->state);
        mainStopping = bool(main->pleaseStop);
    }
    detail::treeChanged();
    if (mainStopping)
        d->state->pleaseStop.go();
    d->previous = detail::swapCurrent(d->state.get());
    d->previousOsName = detail::currentOsThreadName();
    detail::setOsThreadName(d->state->name);
}

RegisterThread::~RegisterThread()
{
    detail::finishThread(*d->state);  // it leaves main's children
    detail::swapCurrent(d->previous);
    if (!d->previousOsName.empty())
        detail::setOsThreadName(d->previousOsName);
}

Thread RegisterThread::thread() const { return detail::ThreadAccess::wrap(d->state); }

}  // namespace skein
