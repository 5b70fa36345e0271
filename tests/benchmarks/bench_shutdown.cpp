// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Stopping 1 000 blocked threads, from "stop" to the last join.
//
// BM_Shutdown1000/<impl>: 1 000 threads are started and left blocked; only
//   the stop is timed (manual time): from the call that asks them to stop to
//   the return of the last join. Making the threads and waiting until all are
//   blocked is not timed.
//   skein:  a tree: one thread "root" whose children are 10 parents, each
//           with 100 children, a quarter of them blocked in each of
//           Queue::pop(pleaseStop), Lock::wait(pleaseStop),
//           pleaseStop.wait(), and (Till(1 h) | pleaseStop).wait(). Stopped
//           with root.stop(); root.join(): pleaseStop cascades down the tree,
//           every parent joins its children, root joins the parents.
//           The last quarter would wait on a bare Till(1 h) in a program; a
//           bare Till goes only at process shutdown (shutdownTimers(), once
//           per process, irreversible), which a benchmark loop cannot repeat,
//           so here it waits on the Till or pleaseStop, whichever goes first.
//   std:    the floor: 1 000 std::threads blocked on one
//           std::condition_variable, woken by one notify_all and joined.
//   boost:  1 000 boost::threads in a boost::thread_group, three quarters in
//           boost::condition_variable::wait (10 mutex + condition pairs) and
//           a quarter in boost::this_thread::sleep_for(1 h), all
//           interruption points; stopped with interrupt_all() + join_all().
//   Iterations are fixed at 3: each makes 1 000 threads, and with 5
//   repetitions of 3 implementations that is 45 000 threads on 2 cores.
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <boost/thread/condition_variable.hpp>
#include <boost/thread/mutex.hpp>
#include <boost/thread/thread.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "skein/lock.h"
#include "skein/queue.h"
#include "skein/signal.h"
#include "skein/thread.h"
#include "skein/till.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kParents = 10;
constexpr int kChildrenPerParent = 100;
constexpr int kThreads = kParents * kChildrenPerParent;
constexpr int kIterations = 3;

// After every thread has said it is about to block, a moment for the last
// ones to get from saying so into the kernel's wait (untimed): the stop is
// then measured against threads that really sleep.
constexpr auto kSettle = std::chrono::milliseconds(50);

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Counts threads that are about to block; `all` goes at kThreads.
struct BlockedCount {
    std::atomic<int> count{0};
    skein::Signal all;

    void report()
    {
        if (count.fetch_add(1, std::memory_order_acq_rel) + 1 == kThreads)
            all.go();
    }
};

// --- Skein: a tree of 1 + 10 + 1 000 threads ---------------------------------

// One parent's 100 children; the Queue and Lock they block on are shared
// with them (they outlive the parent's function, which returns before its
// children are joined).
void parentBody(BlockedCount& blocked, const skein::Signal& pleaseStop)
{
    const auto queue = std::make_shared<skein::Queue<int>>("bench-queue");
    const auto lock = std::make_shared<skein::Lock>("bench-lock");
    for (int c = 0; c < kChildrenPerParent; ++c) {
        const std::string name = "child-" + std::to_string(c);
        switch (c % 4) {
        case 0:
            skein::Thread::run(name, [&blocked, queue](const skein::Signal& stop) {
                blocked.report();
                if (queue->pop(stop))
                    std::abort();  // nobody adds
            });
            break;
        case 1:
            skein::Thread::run(name, [&blocked, lock](const skein::Signal& stop) {
                std::lock_guard<skein::Lock> held(*lock);
                blocked.report();
                while (!stop)
                    lock->wait(stop);
            });
            break;
        case 2:
            skein::Thread::run(name, [&blocked](const skein::Signal& stop) {
                blocked.report();
                stop.wait();
            });
            break;
        default:
            skein::Thread::run(name, [&blocked](const skein::Signal& stop) {
                blocked.report();
                // A bare Till(1 h) in a program; see the header comment.
                (skein::Till(std::chrono::hours(1)) | stop).wait();
            });
            break;
        }
    }
    pleaseStop.wait();
}

void BM_Shutdown1000_skein(benchmark::State& state)
{
    for (auto _ : state) {
        BlockedCount blocked;
        auto root = skein::Thread::run("root", [&blocked](const skein::Signal& pleaseStop) {
            for (int p = 0; p < kParents; ++p)
                skein::Thread::run("parent-" + std::to_string(p),
                                   [&blocked](const skein::Signal& stop) { parentBody(blocked, stop); });
            pleaseStop.wait();
        });
        blocked.all.wait();
        std::this_thread::sleep_for(kSettle);

        const Clock::time_point start = Clock::now();
        root.stop();
        root.join();
        state.SetIterationTime(secondsSince(start));
    }
}

// --- The floor: one condition variable, one notify_all ------------------------

void BM_Shutdown1000_std(benchmark::State& state)
{
    for (auto _ : state) {
        std::mutex mutex;
        std::condition_variable wake;
        std::condition_variable allBlocked;
        int blocked = 0;    // guarded by mutex
        bool stop = false;  // guarded by mutex
        std::vector<std::thread> threads;
        threads.reserve(kThreads);
        for (int i = 0; i < kThreads; ++i)
            threads.emplace_back([&] {
                std::unique_lock<std::mutex> lock(mutex);
                if (++blocked == kThreads)
                    allBlocked.notify_one();
                wake.wait(lock, [&] { return stop; });
            });
        {
            std::unique_lock<std::mutex> lock(mutex);
            allBlocked.wait(lock, [&] { return blocked == kThreads; });
        }
        std::this_thread::sleep_for(kSettle);

        const Clock::time_point start = Clock::now();
        {
            std::lock_guard<std::mutex> lock(mutex);
            stop = true;
        }
        wake.notify_all();
        for (std::thread& t : threads)
            t.join();
        state.SetIterationTime(secondsSince(start));
    }
}

// --- Boost.Thread: interruption ----------------------------------------------

void BM_Shutdown1000_boost(benchmark::State& state)
{
    for (auto _ : state) {
        struct Gate {
            boost::mutex mutex;
            boost::condition_variable condition;
        };
        std::vector<Gate> gates(kParents);
        BlockedCount blocked;
        boost::thread_group group;
        for (int i = 0; i < kThreads; ++i) {
            if (i % 4 == 3) {
                group.create_thread([&blocked] {
                    blocked.report();
                    boost::this_thread::sleep_for(boost::chrono::hours(1));
                });
            } else {
                Gate& gate = gates[std::size_t(i % kParents)];
                group.create_thread([&blocked, &gate] {
                    boost::unique_lock<boost::mutex> lock(gate.mutex);
                    blocked.report();
                    for (;;)
                        gate.condition.wait(lock);  // ends by boost::thread_interrupted
                });
            }
        }
        blocked.all.wait();
        std::this_thread::sleep_for(kSettle);

        const Clock::time_point start = Clock::now();
        group.interrupt_all();
        group.join_all();
        state.SetIterationTime(secondsSince(start));
    }
}

BENCHMARK(BM_Shutdown1000_skein)
    ->Name("BM_Shutdown1000/skein")
    ->Iterations(kIterations)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Shutdown1000_std)
    ->Name("BM_Shutdown1000/std")
    ->Iterations(kIterations)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Shutdown1000_boost)
    ->Name("BM_Shutdown1000/boost")
    ->Iterations(kIterations)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
