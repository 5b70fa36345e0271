// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A small Skein program that tst_shutdown runs as a child process.
//
// It starts a tree of threads blocked in different Skein waits:
//   main/p1/queue   Queue 'jobs'.pop(pleaseStop)
//   main/p1/lock    Lock 'db'.wait(pleaseStop)
//   main/p2/signal  Signal 'event'.wait(pleaseStop)
//   main/p2/till    a bare Till(1 h).wait(), no pleaseStop: only shutdown,
//                   which makes every pending Till go, ends it
// prints "ready" once every thread is about to block, and then waits for
// shutdown (SIGINT, SIGTERM, or "exit" on stdin with --stdin).
//
// Each thread prints "stopped <path>" when its stopped() goes, which the
// contract puts after its function returned and its children were joined:
// the order of these lines is the order in which shutdown ended the threads.
//
// With --fail, a worker main/failing throws right away and is never joined:
// waitForShutdown() rethrows its failure; this prints "rethrown: <what>" and
// exits with 3.
//
// --grace-ms and --limit-ms set the stop grace period and the stop time limit
// (else Skein's defaults hold). With --straggler, main/holder/stubborn ignores
// its pleaseStop and waits on Signal 'hang', which nobody sends: shutdown must
// give up on it at the stop time limit after naming it in warnings. How
// shutdown comes:
//   (default)           waitForShutdown(); its result is the exit code
//   --destructor        main waits for its pleaseStop and returns 0: the
//                       MainThread destructor shuts down
//   --no-main-thread    no MainThread: main returns 0 after a line "exit" on
//                       stdin, and the exit of the program shuts down
#include <skein/lock.h>
#include <skein/log.h>
#include <skein/main_thread.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../child.h"

using testing::announceStop;
using testing::say;

namespace {

void printToStderr(const skein::LogRecord& record)
{
    say(std::string("log ") + skein::toString(record.level) + " [" + record.threadPath + "] " + record.message, stderr);
}

void waitInQueue(skein::Signal aboutToBlock, const skein::Signal& pleaseStop)
{
    announceStop();
    skein::Queue<int> jobs("jobs");
    aboutToBlock.go();
    jobs.pop(pleaseStop);
}

void waitInLock(skein::Signal aboutToBlock, const skein::Signal& pleaseStop)
{
    announceStop();
    skein::Lock db("db");
    std::lock_guard<skein::Lock> held(db);
    aboutToBlock.go();
    db.wait(pleaseStop);
}

void waitOnSignal(skein::Signal aboutToBlock, const skein::Signal& pleaseStop)
{
    announceStop();
    const skein::Signal event("event");
    aboutToBlock.go();
    event.wait(pleaseStop);
}

// Ignores pleaseStop: only the shutdown of every pending Till ends it.
void waitOnBareTill(skein::Signal aboutToBlock, const skein::Signal& /*pleaseStop, ignored*/)
{
    announceStop();
    aboutToBlock.go();
    skein::Till(std::chrono::hours(1)).wait();
}

using Child = void (*)(skein::Signal aboutToBlock, const skein::Signal& pleaseStop);

// A parent: starts its two children and waits to be asked to stop. Their
// handles go out of scope: the children live on in its tree. blocked[0] is
// the parent's own "about to block", then one per child.
void parent(std::string firstName, Child first, std::string secondName, Child second,
            std::vector<skein::Signal> blocked, const skein::Signal& pleaseStop)
{
    announceStop();
    skein::Thread::run(firstName, first, blocked.at(1));
    skein::Thread::run(secondName, second, blocked.at(2));
    blocked.at(0).go();
    pleaseStop.wait();
}

// Starts main/holder, whose child main/holder/stubborn ignores pleaseStop.
void startStraggler(skein::Signal aboutToBlock)
{
    skein::Thread::run("holder", [aboutToBlock](const skein::Signal& pleaseStop) {
        skein::Thread::run("stubborn", [aboutToBlock]() mutable {
            const skein::Signal hang("hang");
            aboutToBlock.go();
            hang.wait();
        });
        pleaseStop.wait();
    });
}

}  // namespace

int main(int argc, char** argv)
{
    bool exitOnStdin = false;
    bool fail = false;
    bool straggler = false;
    bool byDestructor = false;
    bool withMainThread = true;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--stdin") == 0)
            exitOnStdin = true;
        else if (std::strcmp(argv[i], "--fail") == 0)
            fail = true;
        else if (std::strcmp(argv[i], "--straggler") == 0)
            straggler = true;
        else if (std::strcmp(argv[i], "--destructor") == 0)
            byDestructor = true;
        else if (std::strcmp(argv[i], "--no-main-thread") == 0)
            withMainThread = false;
        else if (std::strcmp(argv[i], "--limit-ms") == 0 && i + 1 < argc)
            skein::setStopTimeLimit(std::chrono::milliseconds(std::atoi(argv[++i])));
        else if (std::strcmp(argv[i], "--grace-ms") == 0 && i + 1 < argc)
            skein::setStopGracePeriod(std::chrono::milliseconds(std::atoi(argv[++i])));
    }

    skein::MainThread::Options options;
    options.exitOnStdin = exitOnStdin;
    std::optional<skein::MainThread> mainThread;
    if (withMainThread)
        mainThread.emplace(options);
    skein::setLogSink(printToStderr);

    std::vector<skein::Signal> blocked;
    for (const char* name : {"p1", "p1/queue", "p1/lock", "p2", "p2/signal", "p2/till"})
        blocked.emplace_back(std::string(name) + " about to block");

    skein::Thread::run("p1", parent, "queue", waitInQueue, "lock", waitInLock,
                       std::vector<skein::Signal>(blocked.begin(), blocked.begin() + 3));
    skein::Thread::run("p2", parent, "signal", waitOnSignal, "till", waitOnBareTill,
                       std::vector<skein::Signal>(blocked.begin() + 3, blocked.end()));

    skein::Thread failing;
    if (fail) {
        failing = skein::Thread::run("failing", [] { throw std::runtime_error("worker failed"); });
        // Never joined: only waited for, so that "ready" means it has failed.
        failing.stopped().wait();
    }

    if (straggler) {
        blocked.emplace_back("stubborn about to block");
        startStraggler(blocked.back());
    }

    for (const skein::Signal& s : blocked)
        s.wait();
    say("ready");

    if (!mainThread) {
        std::string line;
        while (std::getline(std::cin, line) && line != "exit") {
        }
        return 0;
    }
    if (byDestructor) {
        mainThread->thread().pleaseStop().wait();
        return 0;
    }
    try {
        return mainThread->waitForShutdown();
    } catch (const std::exception& e) {
        say(std::string("rethrown: ") + e.what());
        return 3;
    }
}
