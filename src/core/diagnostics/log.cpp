// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/log.h"

#include <cstdio>
#include <memory>
#include <thread>
#include <utility>

#include "diagnostics/current_thread_p.h"
#include "skein/detail/mutex.h"

namespace skein {

namespace {

void writeToStderr(const LogRecord& record)
{
    std::fprintf(stderr, "skein.%s %s [%s] %s\n", toString(record.topic), toString(record.level),
                 record.threadPath.c_str(), record.message.c_str());
}

struct SinkSlot {
    detail::Mutex mutex;
    std::shared_ptr<const LogSink> sink SKEIN_GUARDED_BY(mutex);         // null: the default
    std::shared_ptr<const LogSink> defaultSink SKEIN_GUARDED_BY(mutex);  // null: stderr
};

// Never destroyed: threads may log during static destruction.
SinkSlot& slot()
{
    static SinkSlot* const instance = new SinkSlot;
    return *instance;
}

// Installs `sink` in `which`, returning the one it replaces.
LogSink exchangeSink(std::shared_ptr<const LogSink> SinkSlot::*which, LogSink sink)
{
    auto next = sink ? std::make_shared<const LogSink>(std::move(sink)) : nullptr;
    std::shared_ptr<const LogSink> previous;
    {
        detail::MutexLock lock(slot().mutex);
        previous = std::exchange(slot().*which, std::move(next));
    }
    return previous ? *previous : LogSink();
}

}  // namespace

LogSink setLogSink(LogSink sink) { return exchangeSink(&SinkSlot::sink, std::move(sink)); }

LogSink setDefaultLogSink(LogSink sink) { return exchangeSink(&SinkSlot::defaultSink, std::move(sink)); }

void log(LogLevel level, std::string message) { log(LogTopic::Log, level, std::move(message)); }

void log(LogTopic topic, LogLevel level, std::string message, const char* file, int line, const char* function)
{
    const LogRecord record{
        level,   detail::currentThreadPath(), std::move(message), std::chrono::system_clock::now(), topic, file, line,
        function};
    std::shared_ptr<const LogSink> sink;
    {
        detail::MutexLock lock(slot().mutex);
        sink = slot().sink ? slot().sink : slot().defaultSink;
    }
    try {
        if (sink)
            (*sink)(record);
        else
            writeToStderr(record);
    } catch (...) {
        // A sink that throws loses its record; logging never fails the caller.
    }
}

const char* toString(LogLevel level) noexcept
{
    switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
    }
    return "?";
}

const char* toString(LogTopic topic) noexcept
{
    switch (topic) {
    case LogTopic::Thread: return "thread";
    case LogTopic::Shutdown: return "shutdown";
    case LogTopic::Timer: return "timer";
    case LogTopic::Process: return "process";
    case LogTopic::Log: return "log";
    }
    return "?";
}

}  // namespace skein
