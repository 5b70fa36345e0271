// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Barrier against its peer: the cost of one round of two threads.
//
// BM_BarrierRound/<impl>: one iteration is one round: the benchmark's thread
// and a helper thread each arrive once and both are released.
//   skein: skein::Barrier(2).wait() (breaks on a till, names itself in
//          dumpThreads(), defined destruction while threads wait)
//   std:   std::barrier<>(2).arrive_and_wait() (C++20: this file alone is
//          built as C++20)
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <atomic>
#include <barrier>
#include <cstdint>
#include <limits>
#include <thread>

#include "skein/barrier.h"

namespace {

// Runs `arrive` once per iteration here and once per round on a helper,
// which leaves after one more round, the last: the number of rounds is
// stored before that round, and the barrier orders it before the helper's
// look (a flag could be seen a round early, leaving this thread alone).
template <class Arrive>
void rounds(benchmark::State& state, Arrive arrive)
{
    std::atomic<std::uint64_t> last{std::numeric_limits<std::uint64_t>::max()};
    std::thread helper([&] {
        for (std::uint64_t round = 1;; ++round) {
            arrive();
            if (round == last.load(std::memory_order_relaxed))
                return;
        }
    });
    std::uint64_t done = 0;
    for (auto _ : state) {
        arrive();
        ++done;
    }
    last.store(done + 1, std::memory_order_relaxed);
    arrive();
    helper.join();
}

void BM_BarrierRound_skein(benchmark::State& state)
{
    skein::Barrier barrier(2, "bench");
    rounds(state, [&barrier] { barrier.wait(); });
}

void BM_BarrierRound_std(benchmark::State& state)
{
    std::barrier<> barrier(2);
    rounds(state, [&barrier] { barrier.arrive_and_wait(); });
}

BENCHMARK(BM_BarrierRound_skein)->Name("BM_BarrierRound/skein")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BarrierRound_std)->Name("BM_BarrierRound/std")->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
