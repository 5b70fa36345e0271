// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/log.h"

#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "log_p.h"

namespace skein {

namespace {

void writeToStderr(const LogRecord& record)
{
    std::fprintf(stderr, "skein %s [%s] %s\n", toString(record.level), record.threadPath.c_str(),
                 record.message.c_str());
}

struct SinkSlot {
    std::mutex mutex;
    std::shared_ptr<const LogSink> sink;  // guarded by mutex; null: stderr
};

// Never destroyed: threads may log during static destruction.
SinkSlot& slot()
{
    static SinkSlot* const instance = new SinkSlot;
    return *instance;
}

}  // namespace

LogSink setLogSink(LogSink sink)
{
    auto next = sink ? std::make_shared<const LogSink>(std::move(sink)) : nullptr;
    std::shared_ptr<const LogSink> previous;
    {
        std::lock_guard<std::mutex> lock(slot().mutex);
        previous = std::exchange(slot().sink, std::move(next));
    }
    return previous ? *previous : LogSink();
}

void log(LogLevel level, std::string message)
{
    LogRecord record{level, detail::currentThreadPath(), std::move(message), std::chrono::system_clock::now()};
    std::shared_ptr<const LogSink> sink;
    {
        std::lock_guard<std::mutex> lock(slot().mutex);
        sink = slot().sink;
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

}  // namespace skein
