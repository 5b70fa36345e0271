// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the calling OS thread's name and id, as debuggers, top -H,
// perf and crash dumps show them.
#pragma once

#include <cstdint>
#include <string>

namespace skein::detail {

// Runs entry(arg) on a new OS thread that nobody joins: detached from its
// creation, as pthread_create() with PTHREAD_CREATE_DETACHED makes it.
// Detaching it after it started, as std::thread(...).detach() does, races
// with its end: in glibc, a thread that ends before the creator's
// pthread_detach() has read its descriptor frees (and may unmap) that
// descriptor, and the creator crashes. Throws std::system_error when the OS
// refuses a thread; entry then never runs, and `arg` is the caller's still.
void startDetachedOsThread(void (*entry)(void*), void* arg);

// The longest OS thread name, in bytes, not counting the terminating NUL
// (Linux: 15).
constexpr std::size_t osThreadNameLimit = 15;

// `name` as the OS can hold it: unchanged when it fits, else its last
// osThreadNameLimit bytes, cut at a UTF-8 character boundary. The tail is
// what tells threads apart ("…/worker-12"), so it is what is kept.
std::string osThreadName(const std::string& name);

// Names the calling OS thread (osThreadName(name)). Does nothing where the
// OS has no thread names. Never throws.
void setOsThreadName(const std::string& name) noexcept;

// The calling OS thread's name; empty where the OS has none.
std::string currentOsThreadName();

// The calling thread's id as the OS knows it, as top -H, perf, gdb and
// /proc/self/task show it (Linux: gettid()); 0 where the OS has none.
std::uint64_t currentOsThreadId() noexcept;

// The OS id of the process's main thread, from any thread (Linux: the
// process id); 0 where the OS cannot tell.
std::uint64_t mainOsThreadId() noexcept;

}  // namespace skein::detail
