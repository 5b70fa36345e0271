// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the platform layer on POSIX systems (Linux first; macOS and the
// BSDs where the calls differ): pthreads, thread names and ids, thread CPU
// time, and SIGINT/SIGTERM turned into stop requests through a pipe.
#include "platform_p.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

namespace skein::detail::platform {

// --- OS threads -------------------------------------------------------------

namespace {

struct Start {
    void (*entry)(void*);
    void* arg;
};

void* runStart(void* start) noexcept
{
    const Start s = *static_cast<Start*>(start);
    delete static_cast<Start*>(start);
    s.entry(s.arg);
    return nullptr;
}

}  // namespace

void startDetachedThread(void (*entry)(void*), void* arg)
{
    pthread_attr_t attributes;
    if (const int error = pthread_attr_init(&attributes))
        throw std::system_error(error, std::generic_category(), "pthread_attr_init");
    auto start = std::make_unique<Start>(Start{entry, arg});
    pthread_t id;
    int error = pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (error == 0)
        error = pthread_create(&id, &attributes, runStart, start.get());
    pthread_attr_destroy(&attributes);
    if (error)
        throw std::system_error(error, std::generic_category(), "pthread_create");
    start.release();  // runStart's now
}

#if defined(__linux__)
const std::size_t threadNameLimit = 15;
#else
const std::size_t threadNameLimit = 63;
#endif

void setThreadName(const std::string& name) noexcept
{
    const std::size_t start = nameTailStart(name, threadNameLimit);
    char shown[64] = {};
    name.copy(shown, std::min(name.size() - start, sizeof shown - 1), start);
#if defined(__APPLE__)
    pthread_setname_np(shown);
#else
    pthread_setname_np(pthread_self(), shown);
#endif
}

std::string threadName()
{
    char buffer[64] = {};
    if (pthread_getname_np(pthread_self(), buffer, sizeof buffer) == 0)
        return buffer;
    return {};
}

std::uint64_t threadId() noexcept
{
#if defined(__linux__)
    // A system call each time otherwise; a pool thread asks once per job.
    thread_local const auto id = static_cast<std::uint64_t>(::syscall(SYS_gettid));
    return id;
#elif defined(__APPLE__)
    std::uint64_t id = 0;
    pthread_threadid_np(nullptr, &id);
    return id;
#else
    return static_cast<std::uint64_t>(std::hash<std::thread::id>()(std::this_thread::get_id())) | 1;
#endif
}

std::uint64_t mainThreadId() noexcept
{
#if defined(__linux__)
    return static_cast<std::uint64_t>(::getpid());
#else
    return 0;
#endif
}

bool onMainThread() noexcept
{
#if defined(__linux__)
    return threadId() == mainThreadId();
#elif defined(__APPLE__)
    return pthread_main_np() != 0;
#else
    static const std::thread::id mainId = std::this_thread::get_id();  // the first caller's: static init runs on main
    return std::this_thread::get_id() == mainId;
#endif
}

double threadCpuSeconds() noexcept
{
    timespec cpu{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    return double(cpu.tv_sec) + double(cpu.tv_nsec) / 1e9;
}

// exit() runs static destructors while the other threads still run.
bool otherThreadsEnded() noexcept { return false; }

const bool threadLocalsDieUnderProcessLock = false;

// --- Requests to stop: signals to a pipe, the pipe to a watcher -----------

namespace {

// The pipe the signal handler writes to; -1 while no StopRequests lives.
std::atomic<int> signalWriteEnd{-1};

extern "C" void onStopSignal(int signo)
{
    const int saved = errno;
    const char byte = static_cast<char>(signo);
    [[maybe_unused]] const auto n = ::write(signalWriteEnd.load(std::memory_order_relaxed), &byte, 1);
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

[[noreturn]] void throwErrno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

}  // namespace

struct StopRequests::Impl {
    Handlers handlers;
    bool watchStdin;
    int pipe[2] = {-1, -1};
    struct sigaction previousInt {};
    struct sigaction previousTerm {};
    std::thread watcher;

    void watch()
    {
        std::string line;
        bool stdinOpen = watchStdin;
        for (;;) {
            pollfd fds[2] = {{pipe[0], POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
            if (::poll(fds, stdinOpen ? 2 : 1, -1) < 0) {
                if (errno == EINTR)
                    continue;
                handlers.fail(std::string("poll failed: ") + std::strerror(errno));
                return;
            }
            if (fds[0].revents & POLLIN) {
                char byte = 0;
                if (::read(pipe[0], &byte, 1) == 1) {
                    if (byte == 0)
                        return;  // the destructor is done with us
                    handlers.stop(std::string(signalName(byte)) + " received");
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
                    if (line == "exit" || line == "exit\r")
                        handlers.stop("\"exit\" on stdin");
                    line.clear();
                }
            }
        }
    }
};

StopRequests::StopRequests(bool watchStdin, Handlers handlers) : impl_(std::make_unique<Impl>())
{
    Impl& d = *impl_;
    d.handlers = std::move(handlers);
    d.watchStdin = watchStdin;
    if (::pipe(d.pipe) != 0)
        throwErrno("pipe");
    ::fcntl(d.pipe[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(d.pipe[1], F_SETFD, FD_CLOEXEC);
    ::fcntl(d.pipe[1], F_SETFL, O_NONBLOCK);
    signalWriteEnd.store(d.pipe[1]);
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &d.previousInt);
    ::sigaction(SIGTERM, &action, &d.previousTerm);
    try {
        d.watcher = std::thread([&d] {
            setThreadName("skein-signals");
            d.watch();
        });
    } catch (...) {
        ::sigaction(SIGINT, &d.previousInt, nullptr);
        ::sigaction(SIGTERM, &d.previousTerm, nullptr);
        signalWriteEnd.store(-1);
        ::close(d.pipe[0]);
        ::close(d.pipe[1]);
        throw;
    }
}

StopRequests::~StopRequests()
{
    Impl& d = *impl_;
    const char wake = 0;
    [[maybe_unused]] const auto n = ::write(d.pipe[1], &wake, 1);
    d.watcher.join();
    ::sigaction(SIGINT, &d.previousInt, nullptr);
    ::sigaction(SIGTERM, &d.previousTerm, nullptr);
    signalWriteEnd.store(-1);
    ::close(d.pipe[0]);
    ::close(d.pipe[1]);
}

}  // namespace skein::detail::platform
