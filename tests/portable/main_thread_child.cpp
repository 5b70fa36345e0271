// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// The program that test_main_thread.cpp stops from outside: a MainThread
// (watching stdin with the argument "stdin") and a worker that waits for
// its pleaseStop. It prints "ready" once the worker runs, then what shutdown
// did; its exit code is waitForShutdown()'s.
#include <skein/main_thread.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;

int main(int argc, char** argv)
{
    skein::MainThread::Options options;
    options.exitOnStdin = argc > 1 && std::string(argv[1]) == "stdin";
    skein::MainThread mainThread(options);

    skein::Signal running("running");
    auto worker = skein::Thread::run("worker", [&running](const skein::Signal& pleaseStop) {
        running.go();
        pleaseStop.wait();
        std::printf("worker saw pleaseStop\n");
        std::fflush(stdout);
    });
    if (!running.wait(skein::Till(60s)))
        return 2;
    // Main's first wait on its pleaseStop makes the OS objects it waits
    // with; do that before "ready", not in waitForShutdown() while a Ctrl+C
    // may come. (Wine turns Ctrl+C into a SIGINT whose handler starts a
    // thread: landing in the middle of that making, it deadlocks in Wine's
    // allocator, and this program never ends.)
    (void)mainThread.thread().pleaseStop().wait(skein::Till(10ms));
    std::printf("ready\n");
    std::fflush(stdout);

    const int code = mainThread.waitForShutdown();
    std::printf("shutdown complete: worker %s\n", worker.isRunning() ? "still running" : "joined");
    std::fflush(stdout);
    return code;
}
