// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Semaphore against its peers.
//
// BM_SemaphorePingPong/<impl>: two threads hand a turn back and forth through
//   two semaphores that start at 0; one iteration is one round trip (main
//   releases `ping` and acquires `pong`, the partner acquires `ping` and
//   releases `pong`). Peers: C++20 std::counting_semaphore, and the textbook
//   semaphore, a count under a std::mutex with a std::condition_variable.
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
// Built as C++20, for std::counting_semaphore; the library stays C++17.
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <semaphore>
#include <thread>

#include "skein/semaphore.h"

namespace {

struct SkeinSemaphore {
    skein::Semaphore semaphore{0, "bench"};
    void acquire() { semaphore.acquire(); }
    void release() { semaphore.release(); }
};

struct StdSemaphore {
    std::counting_semaphore<> semaphore{0};
    void acquire() { semaphore.acquire(); }
    void release() { semaphore.release(); }
};

struct TextbookSemaphore {
    std::mutex mutex;
    std::condition_variable positive;
    std::ptrdiff_t count = 0;  // guarded by mutex

    void acquire()
    {
        std::unique_lock<std::mutex> lock(mutex);
        positive.wait(lock, [this] { return count > 0; });
        --count;
    }
    void release()
    {
        {
            const std::lock_guard<std::mutex> lock(mutex);
            ++count;
        }
        positive.notify_one();
    }
};

template <class Semaphore>
void BM_SemaphorePingPong(benchmark::State& state)
{
    Semaphore ping;
    Semaphore pong;
    std::atomic<bool> stop{false};
    std::thread partner([&] {
        for (;;) {
            ping.acquire();
            if (stop.load(std::memory_order_relaxed))
                return;
            pong.release();
        }
    });
    for (auto _ : state) {
        ping.release();
        pong.acquire();
    }
    stop.store(true, std::memory_order_relaxed);
    ping.release();
    partner.join();
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_TEMPLATE(BM_SemaphorePingPong, SkeinSemaphore)->Name("BM_SemaphorePingPong/skein")->UseRealTime();
BENCHMARK_TEMPLATE(BM_SemaphorePingPong, StdSemaphore)->Name("BM_SemaphorePingPong/std")->UseRealTime();
BENCHMARK_TEMPLATE(BM_SemaphorePingPong, TextbookSemaphore)->Name("BM_SemaphorePingPong/textbook")->UseRealTime();
