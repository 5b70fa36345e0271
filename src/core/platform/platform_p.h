// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: every call the core makes to the operating system, behind
// one small interface. posix.cpp implements it for Linux (and, where it says
// so, the other POSIX systems); windows.cpp for Windows. Nothing else in the
// core includes an OS header or tests an OS macro.
//
// The layer knows nothing of Skein's threads, Signals or logging: it reports
// through plain callbacks, and the layers above decide what a report means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace skein::detail::platform {

// --- OS threads -------------------------------------------------------------

// Runs entry(arg) on a new OS thread that nobody joins: detached from its
// creation. (Detaching it after it started, as std::thread(...).detach()
// does, races with its end on POSIX: a thread that ends before the creator's
// pthread_detach() has read its descriptor frees that descriptor, and the
// creator crashes.) Throws std::system_error when the OS refuses a thread;
// entry then never runs, and `arg` is the caller's still.
void startDetachedThread(void (*entry)(void*), void* arg);

// The longest OS thread name the OS keeps, in bytes, without the
// terminating NUL (Linux: 15).
extern const std::size_t threadNameLimit;

// Names the calling OS thread, as debuggers, top -H, perf and crash dumps
// show it; a name longer than threadNameLimit is cut to its last bytes, at a
// UTF-8 character boundary: the tail is what tells threads apart
// ("…/worker-12"). Does nothing where the OS has no thread names. Never
// throws.
void setThreadName(const std::string& name) noexcept;

// The calling OS thread's name; empty where the OS has none.
std::string threadName();

// Where a name of more than `limit` bytes is cut to its last bytes for the
// OS: the first byte kept, at a UTF-8 character boundary.
inline std::size_t nameTailStart(const std::string& name, std::size_t limit) noexcept
{
    std::size_t start = name.size() > limit ? name.size() - limit : 0;
    while (start < name.size() && (static_cast<unsigned char>(name[start]) & 0xC0) == 0x80)
        ++start;  // a UTF-8 continuation byte: start at the next character
    return start;
}

// Whether the OS destroys a thread's thread_locals while it holds a lock of
// the whole process: Windows does, under its loader lock, which every thread
// that begins or ends, loads a DLL or looks a function up needs too. Code
// that locks, wakes or waits for other threads there can deadlock with them,
// so where this is true a Skein thread ends before its thread_locals are
// destroyed instead of after (tree/thread.cpp), and a helper thread ends
// the placeholder of a thread Skein did not start (tree/identity.cpp).
extern const bool threadLocalsDieUnderProcessLock;

// The calling OS thread's id, as the OS's tools show it (Linux: gettid(),
// Windows: GetCurrentThreadId()); never 0.
std::uint64_t threadId() noexcept;

// The OS id of the process's main thread, from any thread; 0 where the OS
// cannot tell.
std::uint64_t mainThreadId() noexcept;

// Whether the calling OS thread is the process's main thread.
bool onMainThread() noexcept;

// The CPU time the calling OS thread has used, in seconds.
double threadCpuSeconds() noexcept;

// Whether the process is ending and the OS has ended every other thread
// already: on Windows, a DLL's exit code (Skein's static destructors) runs
// after ExitProcess ended them, and the locks they held stay held. On POSIX,
// never.
bool otherThreadsEnded() noexcept;

// --- Requests to stop from outside the program ------------------------------

// While it lives, turns the OS's requests to stop the program into calls of
// `stop(what)` on a thread of its own ("skein-signals"): POSIX: SIGINT and
// SIGTERM; Windows: Ctrl+C, Ctrl+Break, the console closing, logoff and
// shutdown, on the thread Windows makes for each (windows.cpp says how a
// close waits for the destructor). With `watchStdin`, a line "exit" on
// standard input is one too. `what` says
// which came ("SIGINT received", "\"exit\" on stdin"). `fail(problem)`
// reports that it can watch no more. Only one may live at a time.
class StopRequests {
public:
    struct Handlers {
        std::function<void(const std::string& what)> stop;
        std::function<void(const std::string& problem)> fail;
    };
    // Throws std::system_error when the OS refuses what it needs.
    StopRequests(bool watchStdin, Handlers handlers);
    // Puts back the handlers it replaced; no call of stop() or fail()
    // begins after it has returned.
    ~StopRequests();
    StopRequests(const StopRequests&) = delete;
    StopRequests& operator=(const StopRequests&) = delete;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace skein::detail::platform
