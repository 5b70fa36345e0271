// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — the platform layer on Windows (Win32; built with MinGW-w64 and
// tested under Wine): detached threads from _beginthreadex, thread names as
// thread descriptions, thread ids and CPU times, and the console's control
// events (Ctrl+C, Ctrl+Break, the console closing, logoff, shutdown) and
// "exit" on stdin turned into stop requests.
#include "platform_p.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <process.h>

namespace skein::detail::platform {

// --- OS threads -------------------------------------------------------------

namespace {

struct Start {
    void (*entry)(void*);
    void* arg;
};

// _beginthreadex rather than CreateThread: the thread runs C runtime code
// (Skein's, the user's), whose per-thread state the CRT then sets up and
// frees itself.
unsigned __stdcall runStart(void* start) noexcept
{
    const Start s = *static_cast<Start*>(start);
    delete static_cast<Start*>(start);
    s.entry(s.arg);
    return 0;
}

}  // namespace

void startDetachedThread(void (*entry)(void*), void* arg)
{
    auto start = std::make_unique<Start>(Start{entry, arg});
    const std::uintptr_t handle = ::_beginthreadex(nullptr, 0, runStart, start.get(), 0, nullptr);
    if (handle == 0)
        throw std::system_error(errno, std::generic_category(), "_beginthreadex");
    start.release();  // runStart's now
    // Nobody joins it: the thread runs on without its handle.
    ::CloseHandle(reinterpret_cast<HANDLE>(handle));
}

// Windows keeps a thread description of up to 32 767 UTF-16 units, and
// debuggers, Process Explorer and crash dumps show all of it; the limit
// only keeps a runaway name from filling a dump.
const std::size_t threadNameLimit = 255;

namespace {

// SetThreadDescription and GetThreadDescription came with Windows 10 1607
// (and Wine 5): looked up at run time, so that an older system runs Skein
// with unnamed threads instead of failing to load it.
using SetDescription = HRESULT(WINAPI*)(HANDLE, PCWSTR);
using GetDescription = HRESULT(WINAPI*)(HANDLE, PWSTR*);

template <class F>
F kernelFunction(const char* name) noexcept
{
    for (const wchar_t* module : {L"kernelbase.dll", L"kernel32.dll"}) {
        if (const HMODULE handle = ::GetModuleHandleW(module)) {
            if (const FARPROC f = ::GetProcAddress(handle, name))
                return reinterpret_cast<F>(reinterpret_cast<void*>(f));
        }
    }
    return nullptr;
}

const SetDescription setDescription = kernelFunction<SetDescription>("SetThreadDescription");
const GetDescription getDescription = kernelFunction<GetDescription>("GetThreadDescription");

std::wstring toUtf16(const std::string& utf8)
{
    if (utf8.empty())
        return {};
    const int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), int(utf8.size()), nullptr, 0);
    if (n <= 0)
        return {};
    std::wstring wide(std::size_t(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), int(utf8.size()), wide.data(), n);
    return wide;
}

std::string toUtf8(const wchar_t* wide)
{
    if (!wide || !*wide)
        return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, nullptr, 0, nullptr, nullptr);
    if (n <= 1)
        return {};
    std::string utf8(std::size_t(n), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, utf8.data(), n, nullptr, nullptr);
    utf8.resize(std::size_t(n) - 1);  // without the NUL
    return utf8;
}

}  // namespace

void setThreadName(const std::string& name) noexcept
{
    if (!setDescription)
        return;
    try {
        const std::wstring wide = toUtf16(name.substr(nameTailStart(name, threadNameLimit)));
        setDescription(::GetCurrentThread(), wide.c_str());
    } catch (...) {
        // Out of memory for a name: the thread stays as it was called.
    }
}

std::string threadName()
{
    if (!getDescription)
        return {};
    PWSTR description = nullptr;
    if (FAILED(getDescription(::GetCurrentThread(), &description)) || !description)
        return {};
    std::string name;
    try {
        name = toUtf8(description);
    } catch (...) {
        ::LocalFree(description);
        throw;
    }
    ::LocalFree(description);
    return name;
}

std::uint64_t threadId() noexcept { return ::GetCurrentThreadId(); }

namespace {

// The main thread's id, taken when Skein's DLL is initialised: Windows runs
// a DLL's static initialisers on the thread that loads it, and for a DLL
// that the program links to (as it links to Skein's) that is the process's
// main thread, before main() begins. A program that loads Skein with
// LoadLibrary on another thread makes that thread "main" for Skein. A
// static Skein is initialised with the program, on its main thread.
// Until it is set, the code that asks runs in another static initialiser of
// the same module, on that same thread.
std::atomic<DWORD> mainId{0};
const bool mainIdTaken = (mainId.store(::GetCurrentThreadId()), true);

}  // namespace

std::uint64_t mainThreadId() noexcept
{
    const DWORD id = mainId.load(std::memory_order_relaxed);
    return id ? id : ::GetCurrentThreadId();
}

bool onMainThread() noexcept { return threadId() == mainThreadId(); }

double threadCpuSeconds() noexcept
{
    FILETIME creation, exit, kernel, user;
    if (!::GetThreadTimes(::GetCurrentThread(), &creation, &exit, &kernel, &user))
        return 0;
    const auto ticks = [](const FILETIME& t) {
        return (std::uint64_t(t.dwHighDateTime) << 32) | t.dwLowDateTime;  // 100 ns each
    };
    return double(ticks(kernel) + ticks(user)) / 1e7;
}

bool otherThreadsEnded() noexcept
{
    // ExitProcess ends every other thread, then runs the DLLs' exit code
    // (and so Skein's, a DLL's static destructors) with the loader lock
    // held: ntdll says so. The ended threads' locks stay held for ever.
    using Query = BOOLEAN(WINAPI*)();
    static const auto query = reinterpret_cast<Query>(
        reinterpret_cast<void*>(::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "RtlDllShutdownInProgress")));
    return query && query();
}

// Thread-local destructors run when DLLs hear that a thread ends, under the
// loader lock (MinGW's runtime runs them from a TLS callback, as MSVC's
// does).
const bool threadLocalsDieUnderProcessLock = true;

namespace {

// winpthreads looks its wall clock up the first time it is read
// (GetProcAddress, which takes the loader lock). A first read inside a timed
// wait, with a Skein mutex held, would wait there for the loader lock, which
// a thread ending under it (a thread_local's destructor that uses Skein) may
// hold while it waits for that mutex. Read once at load, where the loader lock is
// held already.
[[maybe_unused]] const bool wallClockLookedUp = (std::chrono::system_clock::now(), true);

}  // namespace

// --- Requests to stop: console control events and "exit" on stdin ----------
//
// Windows calls a console control handler on a thread it creates for each
// event; the handler calls stop() there. Ctrl+C and Ctrl+Break are then
// done with (the program goes on and shuts down). For the console closing,
// logoff and shutdown, Windows ends the process as soon as the handler
// returns (or after some 5 s): the handler waits until the StopRequests is
// destroyed, which MainThread does at the end of its shutdown, and at most
// closeWait.
//
// The stdin watcher ("skein-signals") blocks in ReadFile, which nothing
// interrupts for certain (CancelSynchronousIo is tried: it interrupts a
// pipe or file read, not every console). If it does not end, the destructor
// leaves it detached, blocked in its read: it shares the state below, so
// once the destructor has returned it sees `open` false and never calls a
// handler again; it ends at its next line or the end of input, or with the
// process. Until then it reads, and drops, what comes on stdin.

namespace {

constexpr std::chrono::seconds closeWait{5};
constexpr DWORD watcherJoinMillis = 500;

struct Shared {
    std::mutex mutex;
    std::condition_variable closed;
    bool open = true;  // false once the destructor began: no call begins after
    StopRequests::Handlers handlers;

    // Calls handlers.stop(what), unless the StopRequests is being destroyed.
    // Under the mutex, so that the destructor waits for a call that began.
    bool stop(const std::string& what)
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!open)
            return false;
        handlers.stop(what);
        return true;
    }

    void fail(const std::string& problem)
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (open)
            handlers.fail(problem);
    }
};

// The live StopRequests' state, for the console handler (only one lives).
std::mutex activeMutex;
std::shared_ptr<Shared> active;

std::shared_ptr<Shared> activeShared()
{
    std::lock_guard<std::mutex> lock(activeMutex);
    return active;
}

const char* controlEventName(DWORD event)
{
    switch (event) {
    case CTRL_C_EVENT: return "Ctrl+C";
    case CTRL_BREAK_EVENT: return "Ctrl+Break";
    case CTRL_CLOSE_EVENT: return "the console closing";
    case CTRL_LOGOFF_EVENT: return "logoff";
    case CTRL_SHUTDOWN_EVENT: return "shutdown";
    default: return nullptr;
    }
}

BOOL WINAPI onConsoleControl(DWORD event) noexcept
{
    const char* const name = controlEventName(event);
    if (!name)
        return FALSE;
    try {
        const std::shared_ptr<Shared> shared = activeShared();
        if (!shared || !shared->stop(std::string(name) + " received"))
            return FALSE;  // not ours (any more): the next handler's
        if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT)
            return TRUE;
        // The process ends when this returns: not before shutdown is done.
        std::unique_lock<std::mutex> lock(shared->mutex);
        shared->closed.wait_for(lock, closeWait, [&] { return !shared->open; });
        return TRUE;
    } catch (...) {
        return FALSE;
    }
}

// The stdin watcher's state: the shared state, and the thread's handle.
struct StdinWatch {
    std::shared_ptr<Shared> shared;
};

unsigned __stdcall watchStdin(void* owned) noexcept
{
    const std::unique_ptr<StdinWatch> watch(static_cast<StdinWatch*>(owned));
    setThreadName("skein-signals");
    const HANDLE input = ::GetStdHandle(STD_INPUT_HANDLE);
    std::string line;
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(watch->shared->mutex);
            if (!watch->shared->open)
                return 0;
        }
        char buffer[256];
        DWORD n = 0;
        if (!::ReadFile(input, buffer, sizeof buffer, &n, nullptr)) {
            const DWORD error = ::GetLastError();
            // The end of a pipe, or the destructor cancelled the read.
            if (error != ERROR_BROKEN_PIPE && error != ERROR_HANDLE_EOF && error != ERROR_OPERATION_ABORTED)
                watch->shared->fail("reading stdin failed: error " + std::to_string(error));
            return 0;
        }
        if (n == 0)
            return 0;  // end of input
        for (DWORD i = 0; i < n; ++i) {
            if (buffer[i] != '\n') {
                line += buffer[i];
                continue;
            }
            if (line == "exit" || line == "exit\r")
                watch->shared->stop("\"exit\" on stdin");
            line.clear();
        }
    }
}

}  // namespace

struct StopRequests::Impl {
    std::shared_ptr<Shared> shared;
    HANDLE watcher = nullptr;  // the stdin watcher, if any
};

StopRequests::StopRequests(bool watchStdinToo, Handlers handlers) : impl_(std::make_unique<Impl>())
{
    Impl& d = *impl_;
    d.shared = std::make_shared<Shared>();
    d.shared->handlers = std::move(handlers);
    {
        std::lock_guard<std::mutex> lock(activeMutex);
        active = d.shared;
    }
    if (!::SetConsoleCtrlHandler(onConsoleControl, TRUE)) {
        const DWORD error = ::GetLastError();
        std::lock_guard<std::mutex> lock(activeMutex);
        active.reset();
        throw std::system_error(int(error), std::system_category(), "SetConsoleCtrlHandler");
    }
    const HANDLE input = ::GetStdHandle(STD_INPUT_HANDLE);
    if (!watchStdinToo || input == nullptr || input == INVALID_HANDLE_VALUE)
        return;  // no stdin to watch
    auto watch = std::make_unique<StdinWatch>(StdinWatch{d.shared});
    const std::uintptr_t handle = ::_beginthreadex(nullptr, 0, watchStdin, watch.get(), 0, nullptr);
    if (handle == 0) {
        const int error = errno;
        ::SetConsoleCtrlHandler(onConsoleControl, FALSE);
        std::lock_guard<std::mutex> lock(activeMutex);
        active.reset();
        throw std::system_error(error, std::generic_category(), "_beginthreadex");
    }
    watch.release();  // the watcher's now
    d.watcher = reinterpret_cast<HANDLE>(handle);
}

StopRequests::~StopRequests()
{
    Impl& d = *impl_;
    {
        // Waits for a stop() that began; none begins after this.
        std::lock_guard<std::mutex> lock(d.shared->mutex);
        d.shared->open = false;
    }
    d.shared->closed.notify_all();  // a close, logoff or shutdown handler may return now
    // After the flag: Windows may hold its console lock while it runs a
    // handler, and a close handler waits for the flag.
    ::SetConsoleCtrlHandler(onConsoleControl, FALSE);
    {
        std::lock_guard<std::mutex> lock(activeMutex);
        active.reset();
    }
    if (d.watcher) {
        if (::WaitForSingleObject(d.watcher, 0) != WAIT_OBJECT_0) {
            ::CancelSynchronousIo(d.watcher);
            ::WaitForSingleObject(d.watcher, watcherJoinMillis);  // else left detached, see above
        }
        ::CloseHandle(d.watcher);
    }
}

}  // namespace skein::detail::platform
