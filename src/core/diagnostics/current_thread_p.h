// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: what the primitives and the log may know of the calling
// thread, and no more: the path that names it in messages, and the record
// of what it is blocked on. The thread tree fills both in for the threads it
// knows (installCurrentThreadHooks); below it, nothing includes a tree
// header. Before the tree answers, no wait is recorded.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "skein/detail/mutex.h"
#include "skein/detail/wait.h"

namespace skein::detail {

// What one thread is blocked on while in a Skein wait: written by its
// BlockedScope, read by dumpThreads() and straggler warnings.
struct WaitRecord {
    mutable Mutex mutex;
    BlockedScope::Describe describe SKEIN_GUARDED_BY(mutex) = nullptr;
    const void* object SKEIN_GUARDED_BY(mutex) = nullptr;
    std::chrono::steady_clock::time_point since SKEIN_GUARDED_BY(mutex);
    std::atomic<std::int64_t> blockedNanos{0};  // time in Skein waits, summed
    int depth = 0;                              // nested scopes; touched by its own thread only

    // "waiting on <what>", or empty; with `now`, also " for <seconds> s".
    std::string waitingOn(std::chrono::steady_clock::time_point now = {}) const;
};

// How the thread tree answers for the calling thread. Both may be called on
// any thread, at any time, and neither may block.
struct CurrentThreadHooks {
    // Its record; null while its thread-local storage is being torn down.
    WaitRecord* (*waitRecord)() noexcept;
    // Its path, or empty for a thread the tree does not know.
    std::string (*path)();
};

// Installed once, by the tree, before any thread it knows runs.
void installCurrentThreadHooks(const CurrentThreadHooks* hooks) noexcept;

// The calling thread's record, or null.
WaitRecord* currentWaitRecord() noexcept;

// The calling thread's path, for messages: its path in the tree, else
// unknownThreadName().
std::string currentThreadPath();

// What a thread is called that the tree does not know: "main" for the
// process's main thread, else "thread-<OS id>".
std::string unknownThreadName();

}  // namespace skein::detail
