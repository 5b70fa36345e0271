// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — logging.
///
/// Every message Skein writes goes through one sink. The default sink writes
/// one line per record to stderr. A sink is called on the thread that logs,
/// possibly from several threads at once; it must be thread-safe and must not
/// throw (an exception from a sink is swallowed).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "skein/skein_export.h"

namespace skein {

/// How serious a record is, from Debug up to Error.
enum class LogLevel { Debug, Info, Warning, Error };

/// One message Skein writes, as a sink receives it.
struct LogRecord {
    /// How serious it is.
    LogLevel level = LogLevel::Info;
    /// The path of the thread that logged it, e.g. "main" or "main/loader".
    std::string threadPath;  // the logging thread, e.g. "main" or "main/loader"
    /// What happened, in words, naming the objects involved.
    std::string message;
    /// When it was logged, on the wall clock.
    std::chrono::system_clock::time_point time;
};

/// Receives every record Skein logs; see setLogSink().
using LogSink = std::function<void(const LogRecord&)>;

/// Replaces the sink; an empty function restores the default (stderr).
/// Returns the previous sink (empty when it was the default).
SKEIN_EXPORT LogSink setLogSink(LogSink sink);

/// Sends one record to the sink, stamped with the time and the calling
/// thread's path.
SKEIN_EXPORT void log(LogLevel level, std::string message);

/// "debug", "info", "warning", "error".
SKEIN_EXPORT const char* toString(LogLevel level) noexcept;

}  // namespace skein
