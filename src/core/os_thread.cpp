// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "os_thread_p.h"

#if defined(__linux__) || defined(__APPLE__)
#include <pthread.h>
#endif
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace skein::detail {

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
    return static_cast<std::uint64_t>(::syscall(SYS_gettid));
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
