// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "os_thread_p.h"

#include <memory>
#include <system_error>

#if defined(__linux__) || defined(__APPLE__)
#include <pthread.h>
#else
#include <thread>
#endif
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace skein::detail {

#if defined(__linux__) || defined(__APPLE__)
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

void startDetachedOsThread(void (*entry)(void*), void* arg)
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
#else
// Elsewhere (Windows: CloseHandle) detaching a running thread does not race
// with its end.
void startDetachedOsThread(void (*entry)(void*), void* arg)
{
    std::thread([entry, arg] { entry(arg); }).detach();
}
#endif

std::string osThreadName(const std::string& name)
{
    if (name.size() <= osThreadNameLimit)
        return name;
    std::size_t start = name.size() - osThreadNameLimit;
    while (start < name.size() && (static_cast<unsigned char>(name[start]) & 0xC0) == 0x80)
        ++start;  // a UTF-8 continuation byte: start at the next character
    return name.substr(start);
}

void setOsThreadName(const std::string& name) noexcept
{
    try {
        const std::string shown = osThreadName(name);
#if defined(__linux__)
        pthread_setname_np(pthread_self(), shown.c_str());
#elif defined(__APPLE__)
        pthread_setname_np(shown.c_str());
#endif
    } catch (...) {
        // Out of memory for a 15-byte string: the thread keeps its old name.
    }
}

std::string currentOsThreadName()
{
#if defined(__linux__) || defined(__APPLE__)
    char buffer[64] = {};
    if (pthread_getname_np(pthread_self(), buffer, sizeof buffer) == 0)
        return buffer;
#endif
    return {};
}

std::uint64_t currentOsThreadId() noexcept
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
    return 0;
#endif
}

std::uint64_t mainOsThreadId() noexcept
{
#if defined(__linux__)
    return static_cast<std::uint64_t>(::getpid());
#else
    return 0;
#endif
}

}  // namespace skein::detail
