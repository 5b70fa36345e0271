// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — MainThread: the root's handle, which turns the OS's requests to
// stop (and "exit" on stdin) into main's pleaseStop and runs the shutdown.
#include "skein/main_thread.h"

#include <atomic>
#include <optional>
#include <string>

#include "platform/platform_p.h"
#include "shutdown/shutdown_p.h"
#include "skein/error.h"
#include "skein/log.h"
#include "tree/thread_p.h"

namespace skein {

struct MainThread::Private {
    std::optional<detail::platform::StopRequests> stopRequests;
    bool shutDown = false;

    // Returns the first failure nobody joined.
    std::exception_ptr shutdown()
    {
        if (shutDown)
            return nullptr;
        shutDown = true;
        std::exception_ptr failure = detail::shutdownEveryThread();
        stopRequests.reset();
        return failure;
    }
};


namespace {
std::atomic<bool> mainThreadExists{false};
}

MainThread::MainThread() : MainThread(Options{}) {}

MainThread::MainThread(Options options) : d(std::make_unique<Private>())
{
    if (mainThreadExists.exchange(true))
        throw UsageError("MainThread: there is one already in this process");
    const Signal stop = detail::mainState()->pleaseStop;
    detail::platform::StopRequests::Handlers handlers;
    handlers.stop = [stop](const std::string& what) {
        SKEIN_LOG(Shutdown, Info, what + ": stopping");
        stop.go();
    };
    handlers.fail = [](const std::string& problem) {
        SKEIN_LOG(Shutdown, Error, "watching for requests to stop: " + problem);
    };
    try {
        d->stopRequests.emplace(options.exitOnStdin, std::move(handlers));
    } catch (const std::exception& e) {
        mainThreadExists = false;
        throw Error(std::string("MainThread: cannot watch for requests to stop: ") + e.what());
    }
}

MainThread::~MainThread()
{
    d->shutdown();
    mainThreadExists = false;
}

int MainThread::waitForShutdown()
{
    detail::mainState()->pleaseStop.wait();
    if (const std::exception_ptr failure = d->shutdown())
        std::rethrow_exception(failure);
    return detail::threadsWereAbandoned() ? 1 : 0;
}

void MainThread::stop() { detail::mainState()->pleaseStop.go(); }

Thread MainThread::thread() const { return detail::ThreadAccess::wrap(detail::mainState()); }

}  // namespace skein
