// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein threads on a QThreadPool, and as QFutures, against QtConcurrent and
// against Skein threads of their own. Every function is the same trivial
// one, returning an int; every pool is QThreadPool::globalInstance().
//
// BM_PoolRunJoin/<impl>: one iteration is one run + wait + result.
//   skein:  skein::runInPool(name, fn) + join() (the thread joins the tree
//           under main, and leaves it when it ends). join() runs a pooled
//           thread that the pool has not begun on the calling thread, as
//           Qt does: on_caller is the share of iterations that did.
//   qt:     QtConcurrent::run(fn) + waitForFinished() + result(). When the
//           pool has not taken the task yet, waitForFinished() takes it
//           back and runs it on the calling thread (Qt's "steal"): the
//           counter on_caller is the share of iterations that did.
//   qt_named: the same, with fn naming the OS thread it runs on as a
//           Skein thread has it named (reads its name, sets its own, sets
//           the first back): what that naming costs QtConcurrent, for
//           comparison (no goal).
//   pool:   QThreadPool::start(fn) + a QSemaphore that fn releases: the
//           pool's own hand-over to one of its threads and back, with no
//           future and no stealing (for comparison: no goal).
//   thread: skein::Thread::run(name, fn) + join(): a new OS thread each
//           time, the cost runInPool saves.
// BM_FutureWatcher/<impl>: one iteration is one run whose result reaches a
//   QFutureWatcher<int>'s finished() slot, in the benchmark thread's event
//   loop (a QEventLoop that the slot quits); the watcher is made per
//   iteration, as an application makes one per job.
//   skein:  watcher.setFuture(skein::toFuture(skein::runInPool(name, fn)))
//   qt:     watcher.setFuture(QtConcurrent::run(fn))
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <QEventLoop>
#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QSemaphore>
#include <QThreadPool>
#include <QtConcurrentRun>

#include <pthread.h>

#include <thread>

#include "skein/qt/future.h"
#include "skein/thread.h"

namespace {

constexpr int kAnswer = 42;

// --- Run + join ----------------------------------------------------------------

void BM_PoolRunJoin_skein(benchmark::State& state)
{
    long long sum = 0;
    long long onCaller = 0;
    const std::thread::id caller = std::this_thread::get_id();
    for (auto _ : state) {
        auto thread = skein::runInPool("bench", [&onCaller, caller] {
            onCaller += std::this_thread::get_id() == caller;  // the caller joins: no race
            return kAnswer;
        });
        sum += thread.join();
    }
    if (sum != kAnswer * state.iterations())
        state.SkipWithError("a result went missing");
    state.counters["on_caller"] = double(onCaller) / double(state.iterations());
}

// QtConcurrent::run + waitForFinished() of a job that first calls `before()`.
template <class Before>
void qtRunJoin(benchmark::State& state, Before before)
{
    long long sum = 0;
    long long onCaller = 0;
    const std::thread::id caller = std::this_thread::get_id();
    for (auto _ : state) {
        QFuture<int> future = QtConcurrent::run([&onCaller, caller, before] {
            before();
            onCaller += std::this_thread::get_id() == caller;  // the caller waits: no race
            return kAnswer;
        });
        future.waitForFinished();
        sum += future.result();
    }
    if (sum != kAnswer * state.iterations())
        state.SkipWithError("a result went missing");
    state.counters["on_caller"] = double(onCaller) / double(state.iterations());
}

void BM_PoolRunJoin_qt(benchmark::State& state)
{
    qtRunJoin(state, [] {});
}

void BM_PoolRunJoin_qt_named(benchmark::State& state)
{
    qtRunJoin(state, [] {
        char name[64] = {};
        pthread_getname_np(pthread_self(), name, sizeof name);
        pthread_setname_np(pthread_self(), "bench");
        pthread_setname_np(pthread_self(), name);
    });
}

void BM_PoolRunJoin_pool(benchmark::State& state)
{
    long long sum = 0;
    QThreadPool* const pool = QThreadPool::globalInstance();
    QSemaphore done;
    for (auto _ : state) {
        int result = 0;
        pool->start([&result, &done] {
            result = kAnswer;
            done.release();
        });
        done.acquire();
        sum += result;
    }
    if (sum != kAnswer * state.iterations())
        state.SkipWithError("a result went missing");
}

void BM_PoolRunJoin_thread(benchmark::State& state)
{
    long long sum = 0;
    for (auto _ : state) {
        auto thread = skein::Thread::run("bench", [] { return kAnswer; });
        sum += thread.join();
    }
    if (sum != kAnswer * state.iterations())
        state.SkipWithError("a result went missing");
}

BENCHMARK(BM_PoolRunJoin_skein)->Name("BM_PoolRunJoin/skein")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PoolRunJoin_qt)->Name("BM_PoolRunJoin/qt")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PoolRunJoin_qt_named)->Name("BM_PoolRunJoin/qt_named")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PoolRunJoin_pool)->Name("BM_PoolRunJoin/pool")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PoolRunJoin_thread)->Name("BM_PoolRunJoin/thread")->UseRealTime()->Unit(benchmark::kMicrosecond);

// --- Result to a QFutureWatcher slot ---------------------------------------------

// `run()` returns a QFuture<int> of kAnswer, computed in the global pool.
template <class Run>
void futureWatcher(benchmark::State& state, Run run)
{
    QEventLoop loop;
    long long sum = 0;
    for (auto _ : state) {
        bool finished = false;
        QFutureWatcher<int> watcher;
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, [&] {
            finished = true;
            sum += watcher.result();
            loop.quit();
        });
        watcher.setFuture(run());
        loop.exec();  // the slot runs from the event loop only: it cannot quit before
        if (!finished) {
            state.SkipWithError("the event loop returned before the slot ran");
            break;
        }
    }
    if (state.error_occurred())
        return;
    if (sum != kAnswer * state.iterations())
        state.SkipWithError("a result went missing");
}

void BM_FutureWatcher_skein(benchmark::State& state)
{
    futureWatcher(state, [] { return skein::toFuture(skein::runInPool("bench", [] { return kAnswer; })); });
}

void BM_FutureWatcher_qt(benchmark::State& state)
{
    futureWatcher(state, [] { return QtConcurrent::run([] { return kAnswer; }); });
}

BENCHMARK(BM_FutureWatcher_skein)->Name("BM_FutureWatcher/skein")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FutureWatcher_qt)->Name("BM_FutureWatcher/qt")->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
