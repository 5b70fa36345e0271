// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A Skein program that tst_future runs as a child process: shutdown stops
// and joins Skein threads that run on a QThreadPool like any other.
//
// With a MainThread, it runs this tree, every thread blocked until it is
// asked to stop:
//   main/pooled                 runInPool, on a pool of 2
//   main/pooled/inner           Thread::run from the pooled thread
//   main/pooled/inner-pooled    runInPool from the pooled thread
//   main/plain                  Thread::run
//   main/plain/pooled           runInPool from a Skein thread
// prints "ready" once all of them are blocked, and then waits for shutdown
// (SIGTERM). Each thread prints "stopped <path>" when its stopped() goes:
// the order of these lines is the order in which shutdown ended them.
// Afterwards it prints "pool threads named after Skein threads: <n>", read
// from /proc/self/task/<tid>/comm of the pool's threads, and exits with
// waitForShutdown()'s result.
#include <QtCore/QThreadPool>

#include <skein/main_thread.h>
#include <skein/qt/future.h>
#include <skein/signal.h>
#include <skein/thread.h>

#include <cstdint>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>

#include "../child.h"

using testing::announceStop;
using testing::say;

namespace {

std::mutex tidsMutex;
std::set<long> poolTids;  // guarded by tidsMutex

// Announces the calling thread's stop, notes its OS thread, tells `blocked`
// it is about to block, and blocks until asked to stop.
void blockUntilAskedToStop(skein::Signal blocked, const skein::Signal& pleaseStop)
{
    announceStop();
    {
        std::lock_guard<std::mutex> lock(tidsMutex);
        poolTids.insert(::syscall(SYS_gettid));
    }
    blocked.go();
    pleaseStop.wait();
}

std::string commOf(long tid)
{
    std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name;
}

}  // namespace

int main()
{
    skein::setStopGracePeriod(std::chrono::minutes(1));
    skein::setStopTimeLimit(std::chrono::minutes(1));
    skein::MainThread mainThread;
    QThreadPool pool;
    pool.setMaxThreadCount(4);
    pool.setExpiryTimeout(-1);  // its threads stay, to be looked at afterwards

    std::vector<skein::Signal> blocked(5);
    const auto pooled = skein::runInPool(&pool, "pooled", [&](const skein::Signal& pleaseStop) {
        skein::Thread::run("inner", blockUntilAskedToStop, blocked[1]);
        skein::runInPool(&pool, "inner-pooled", blockUntilAskedToStop, blocked[2]);
        blockUntilAskedToStop(blocked[0], pleaseStop);
    });
    const auto plain = skein::Thread::run("plain", [&](const skein::Signal& pleaseStop) {
        skein::runInPool(&pool, "pooled", blockUntilAskedToStop, blocked[4]);
        blockUntilAskedToStop(blocked[3], pleaseStop);
    });
    for (const skein::Signal& s : blocked)
        s.wait();
    say("ready");

    const int result = mainThread.waitForShutdown();
    int named = 0;
    {
        std::lock_guard<std::mutex> lock(tidsMutex);
        for (const long tid : poolTids) {
            const std::string comm = commOf(tid);
            named += comm == "pooled" || comm == "inner-pooled" ? 1 : 0;
        }
    }
    say("pool threads named after Skein threads: " + std::to_string(named));
    return result;
}
