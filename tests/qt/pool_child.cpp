// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Shutdown stops and joins Skein threads that run on a QThreadPool like any
// other, children first. A test program of its own (ctest runs it; it
// checks itself and exits with 0 when all is well), so that it runs under
// ThreadSanitizer too, which cannot follow a test that starts processes.
//
// With a MainThread, it runs this tree, every thread blocked until it is
// asked to stop:
//   main/pooled                 runInPool, on a pool of 4
//   main/pooled/inner           Thread::run from the pooled thread
//   main/pooled/inner-pooled    runInPool from the pooled thread
//   main/plain                  Thread::run
//   main/plain/pooled           runInPool from a Skein thread
// Once all of them are blocked it sends itself SIGTERM. It checks that
// shutdown stopped each of them exactly once, after its children (the order
// in which their stopped() went), that waitForShutdown() returned 0, and
// that no pool thread still carries a Skein thread's name afterwards
// (/proc/self/task/<tid>/comm).
#include <QtCore/QThreadPool>

#include <skein/main_thread.h>
#include <skein/qt/future.h>
#include <skein/signal.h>
#include <skein/thread.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>

#include "../child.h"

using testing::say;

namespace {

std::mutex mutex;
std::set<long> poolTids;             // guarded by mutex
std::vector<std::string> stopOrder;  // guarded by mutex

// Notes the calling thread's stop and OS thread, tells `blocked` it is
// about to block, and blocks until asked to stop.
void blockUntilAskedToStop(skein::Signal blocked, const skein::Signal& pleaseStop)
{
    const skein::Thread self = skein::Thread::current();
    self.stopped().then([path = self.path()] {
        std::lock_guard<std::mutex> lock(mutex);
        stopOrder.push_back(path);
    });
    {
        std::lock_guard<std::mutex> lock(mutex);
        poolTids.insert(::syscall(SYS_gettid));
    }
    blocked.go();
    pleaseStop.wait();
}

// What is wrong with the stop order; empty when nothing is.
std::string wrongStopOrder(const std::vector<std::string>& threads)
{
    std::lock_guard<std::mutex> lock(mutex);
    std::string order;
    for (const std::string& path : stopOrder)
        order += path + ' ';
    for (const std::string& path : threads) {
        if (std::count(stopOrder.begin(), stopOrder.end(), path) != 1)
            return path + ": not stopped exactly once: " + order;
        const std::string parent = path.substr(0, path.rfind('/'));
        const auto at = [&](const std::string& p) { return std::find(stopOrder.begin(), stopOrder.end(), p); };
        if (parent != "main" && at(path) > at(parent))
            return path + " stopped after its parent: " + order;
    }
    return {};
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
    std::raise(SIGTERM);

    const int result = mainThread.waitForShutdown();
    bool ok = true;
    if (result != 0) {
        say("waitForShutdown() returned " + std::to_string(result), stderr);
        ok = false;
    }
    const std::string wrong = wrongStopOrder(
        {"main/pooled", "main/pooled/inner", "main/pooled/inner-pooled", "main/plain", "main/plain/pooled"});
    if (!wrong.empty()) {
        say(wrong, stderr);
        ok = false;
    }
    std::lock_guard<std::mutex> lock(mutex);
    for (const long tid : poolTids) {
        const std::string comm = commOf(tid);
        if (comm == "pooled" || comm == "inner-pooled") {
            say("a pool thread is still named " + comm, stderr);
            ok = false;
        }
    }
    say(ok ? "pooled threads shut down in order" : "FAILED", ok ? stdout : stderr);
    return ok ? 0 : 1;
}
