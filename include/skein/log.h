// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — logging.
///
/// Every message Skein writes goes through one sink, as a LogRecord: its
/// level, its topic (what part of Skein speaks), the logging thread's path,
/// the text, the time, and where in the source it was logged (when known).
/// The sink is the one set with setLogSink(); while none is set, the default
/// sink: one line per record on stderr, unless a layer above replaced the
/// default (Skein::Qt routes it into QLoggingCategory's once a
/// QCoreApplication exists: see <skein/qt/logging.h>). A sink set with
/// setLogSink() always wins over the default, whenever either was set.
/// A sink is called on the thread that logs, possibly from several threads
/// at once; it must be thread-safe and must not throw (an exception from a
/// sink is swallowed).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "skein/skein_export.h"

namespace skein {

/// How serious a record is, from Debug up to Error.
enum class LogLevel { Debug, Info, Warning, Error };

/// What part of Skein a record comes from. Log is the general topic: a
/// record logged without one (log(level, message)) has it.
enum class LogTopic { Thread, Shutdown, Timer, Process, Log };

/// One message Skein writes, as a sink receives it.
struct LogRecord {
    /// How serious it is.
    LogLevel level = LogLevel::Info;
    /// The path of the thread that logged it, e.g. "main" or "main/loader".
    std::string threadPath;
    /// What happened, in words, naming the objects involved.
    std::string message;
    /// When it was logged, on the wall clock.
    std::chrono::system_clock::time_point time;
    /// What part of Skein speaks.
    LogTopic topic = LogTopic::Log;
    /// The source file it was logged in (a static string), or null when unknown.
    const char* file = nullptr;
    /// The line in `file`, or 0 when unknown.
    int line = 0;
    /// The function it was logged in (a static string), or null when unknown.
    const char* function = nullptr;
};

/// Receives every record Skein logs; see setLogSink().
using LogSink = std::function<void(const LogRecord&)>;

/// Replaces the sink; an empty function restores the default.
/// Returns the previous sink (empty when it was the default).
SKEIN_EXPORT LogSink setLogSink(LogSink sink);

/// Replaces the default sink, the one used while setLogSink() has set none;
/// an empty function restores stderr. Returns the previous default (empty
/// when it was stderr). For layers above the core (Skein::Qt calls it), so
/// that they never replace a sink the application set.
SKEIN_EXPORT LogSink setDefaultLogSink(LogSink sink);

/// Sends one record to the sink, stamped with the time and the calling
/// thread's path; topic Log, no source location.
SKEIN_EXPORT void log(LogLevel level, std::string message);

/// The same with a topic and a source location (static strings, or null);
/// SKEIN_LOG fills the location in.
SKEIN_EXPORT void log(LogTopic topic, LogLevel level, std::string message, const char* file = nullptr, int line = 0,
                      const char* function = nullptr);

/// "debug", "info", "warning", "error".
SKEIN_EXPORT const char* toString(LogLevel level) noexcept;

/// "thread", "shutdown", "timer", "process", "log".
SKEIN_EXPORT const char* toString(LogTopic topic) noexcept;

}  // namespace skein

/// Logs `message` (a std::string) with its source location:
///     SKEIN_LOG(Thread, Warning, "thread '" + path + "' ...");
/// `topic` names a LogTopic, `level` a LogLevel.
#define SKEIN_LOG(topic, level, message)                                                                               \
    ::skein::log(::skein::LogTopic::topic, ::skein::LogLevel::level, (message), __FILE__, __LINE__, __func__)
