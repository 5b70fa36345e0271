// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — logging.
//
// Every message Skein writes goes through one sink. The default sink writes
// one line per record to stderr. A sink is called on the thread that logs,
// possibly from several threads at once; it must be thread-safe and must not
// throw (an exception from a sink is swallowed).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "skein/skein_export.h"

namespace skein {

enum class LogLevel { Debug, Info, Warning, Error };

struct LogRecord {
    LogLevel level = LogLevel::Info;
    std::string threadPath;  // the logging thread, e.g. "main" or "main/loader"
    std::string message;
    std::chrono::system_clock::time_point time;
};

using LogSink = std::function<void(const LogRecord&)>;

// Replaces the sink; an empty function restores the default (stderr).
// Returns the previous sink (empty when it was the default).
SKEIN_EXPORT LogSink setLogSink(LogSink sink);

// Sends one record to the sink, stamped with the time and the calling
// thread's path.
SKEIN_EXPORT void log(LogLevel level, std::string message);

// "debug", "info", "warning", "error".
SKEIN_EXPORT const char* toString(LogLevel level) noexcept;

}  // namespace skein
