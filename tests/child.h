// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// What the child programs of the process-level tests share: whole lines on
// stdout or stderr, and the "stopped <path>" line by which a test sees the
// order in which the program's threads stopped.
//
// The standard library and Skein's core only: some of these programs have
// no Qt.
#pragma once

#include <skein/thread.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace testing {

// Writes `line` and a newline to `stream` in one piece and flushes it at
// once, for the test reads the output while the program runs. Lines said
// by several threads never interleave.
inline void say(const std::string& line, std::FILE* stream = stdout)
{
    static std::mutex mutex;
    const std::string text = line + '\n';
    std::lock_guard<std::mutex> lock(mutex);
    std::fwrite(text.data(), 1, text.size(), stream);
    std::fflush(stream);
}

// Says "stopped <path>" when the calling thread's stopped() goes: after its
// function returned and its children were joined.
inline void announceStop()
{
    const skein::Thread self = skein::Thread::current();
    const std::string path = self.path();
    self.stopped().then([path] { say("stopped " + path); });
}

}  // namespace testing
