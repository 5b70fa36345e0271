// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Thread against its peers: the cost of making a thread, running an empty
// function on it and joining it.
//
// BM_ThreadCreateJoin/<impl>: one iteration is one create + start + join.
//   skein:   skein::Thread::run(name, fn) + join() (the thread joins the tree
//            under main, and leaves it when joined)
//   std:     std::thread + join()
//   jthread: std::jthread (C++20; this file alone is built as C++20), joined
//            by its destructor
//   qt:      QThread::create(fn) + start() + wait(), then delete
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <QThread>

#include <memory>
#include <thread>

#include "skein/thread.h"

namespace {

void BM_ThreadCreateJoin_skein(benchmark::State& state)
{
    int runs = 0;
    for (auto _ : state) {
        auto thread = skein::Thread::run("bench", [&runs] { ++runs; });
        thread.join();
    }
    if (runs != state.iterations())
        state.SkipWithError("a thread did not run");
}

void BM_ThreadCreateJoin_std(benchmark::State& state)
{
    int runs = 0;
    for (auto _ : state) {
        std::thread thread([&runs] { ++runs; });
        thread.join();
    }
    if (runs != state.iterations())
        state.SkipWithError("a thread did not run");
}

void BM_ThreadCreateJoin_jthread(benchmark::State& state)
{
    int runs = 0;
    for (auto _ : state) {
        const std::jthread thread([&runs] { ++runs; });
    }
    if (runs != state.iterations())
        state.SkipWithError("a thread did not run");
}

void BM_ThreadCreateJoin_qt(benchmark::State& state)
{
    int runs = 0;
    for (auto _ : state) {
        const std::unique_ptr<QThread> thread(QThread::create([&runs] { ++runs; }));
        thread->start();
        thread->wait();
    }
    if (runs != state.iterations())
        state.SkipWithError("a thread did not run");
}

BENCHMARK(BM_ThreadCreateJoin_skein)->Name("BM_ThreadCreateJoin/skein")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ThreadCreateJoin_std)->Name("BM_ThreadCreateJoin/std")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ThreadCreateJoin_jthread)
    ->Name("BM_ThreadCreateJoin/jthread")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ThreadCreateJoin_qt)->Name("BM_ThreadCreateJoin/qt")->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
