// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// MainThread, portably: stop() ends waitForShutdown() after the tree has
// stopped, and a request from outside — Ctrl+C on Windows (a CTRL_C_EVENT
// that the OS delivers to the child's console), SIGINT on POSIX, or "exit"
// on stdin — makes main's pleaseStop go in a child program, which then shuts
// down and exits 0. Each test runs in a process of its own (ctest filters):
// main's pleaseStop goes once per process.
#include <gtest/gtest.h>

#include <skein/main_thread.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>

#include "os.h"

using namespace std::chrono_literals;

TEST(MainThread, stopEndsWaitForShutdown)
{
    skein::MainThread mainThread;
    std::atomic<bool> workerSawStop{false};
    auto worker = skein::Thread::run("worker", [&](const skein::Signal& pleaseStop) {
        pleaseStop.wait();
        workerSawStop = true;
    });
    auto stopper = skein::Thread::run("stopper", [&mainThread] { mainThread.stop(); });
    EXPECT_EQ(mainThread.waitForShutdown(), 0);
    EXPECT_TRUE(workerSawStop);
    EXPECT_FALSE(worker.isRunning());
    EXPECT_TRUE(bool(mainThread.thread().pleaseStop()));
}

TEST(MainThread, ctrlCStopsMainAndShutdownCompletes)
{
    const portable::ChildResult child = portable::runChild("ctrl-c", portable::StopBy::CtrlC);
    SCOPED_TRACE(child.output);
    EXPECT_EQ(child.exitCode, 0);
#ifdef _WIN32
    EXPECT_NE(child.output.find("Ctrl+C received: stopping"), std::string::npos);
#else
    EXPECT_NE(child.output.find("SIGINT received: stopping"), std::string::npos);
#endif
    EXPECT_NE(child.output.find("worker saw pleaseStop"), std::string::npos);
    EXPECT_NE(child.output.find("shutdown complete: worker joined"), std::string::npos);
}

TEST(MainThread, exitOnStdinStopsMain)
{
    const portable::ChildResult child = portable::runChild("stdin", portable::StopBy::ExitOnStdin);
    SCOPED_TRACE(child.output);
    EXPECT_EQ(child.exitCode, 0);
    EXPECT_NE(child.output.find("\"exit\" on stdin: stopping"), std::string::npos);
    EXPECT_NE(child.output.find("worker saw pleaseStop"), std::string::npos);
    EXPECT_NE(child.output.find("shutdown complete: worker joined"), std::string::npos);
}
