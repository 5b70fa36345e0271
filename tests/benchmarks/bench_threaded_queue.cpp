// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// ThreadedQueue<int> against the queue one writes by hand for the same job:
// a std::mutex + std::condition_variable + std::deque, and a std::thread
// that takes everything waiting at once and delivers it in batches.
//
// BM_ThreadedQueue/<impl>: one iteration starts the queue and its thread,
// adds kItems ints from the benchmark's thread, flushes (waits until every
// item was delivered), and stops and joins the thread. Both deliver the same
// way: batches of at most kMaxBatch to the same function. Throughput is
// reported as items_per_second.
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <mutex>
#include <thread>
#include <vector>

#include "skein/threaded_queue.h"

namespace {

constexpr int kItems = 1000000;
constexpr std::size_t kMaxBatch = 1000;

// The consumer both deliver to.
void consume(std::vector<int>& batch, std::int64_t& sum)
{
    for (const int item : batch)
        sum += item;
    benchmark::DoNotOptimize(sum);
}

struct SkeinThreadedQueue {
    std::int64_t sum = 0;  // the queue's thread's, read after flush()
    skein::ThreadedQueue<int> queue{"bench", [this](std::vector<int>& batch) { consume(batch, sum); },
                                    skein::ThreadedQueue<int>::Options{kMaxBatch}};

    void add(int item) { queue.add(item); }
    std::int64_t flush()
    {
        queue.flush();
        return sum;
    }
};

// What one writes by hand: the consumer swaps out everything that waits and
// delivers it in batches; flush() waits until the delivered count reaches
// the added count.
class HandwrittenThreadedQueue {
public:
    HandwrittenThreadedQueue() : consumer_([this] { run(); }) {}
    ~HandwrittenThreadedQueue()
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        notEmpty_.notify_one();
        consumer_.join();
    }

    void add(int item)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        items_.push_back(item);
        ++added_;
        lock.unlock();
        notEmpty_.notify_one();
    }

    std::int64_t flush()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        flushed_.wait(lock, [this] { return delivered_ == added_; });
        return sum_;
    }

private:
    void run()
    {
        std::deque<int> taken;
        std::vector<int> batch;
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            notEmpty_.wait(lock, [this] { return !items_.empty() || stopping_; });
            if (items_.empty())
                return;
            taken.swap(items_);
            lock.unlock();
            const std::size_t count = taken.size();
            while (!taken.empty()) {
                const std::size_t n = std::min(kMaxBatch, taken.size());
                batch.assign(taken.begin(), taken.begin() + std::ptrdiff_t(n));
                taken.erase(taken.begin(), taken.begin() + std::ptrdiff_t(n));
                consume(batch, sum_);
            }
            lock.lock();
            delivered_ += count;
            flushed_.notify_all();
        }
    }

    std::mutex mutex_;
    std::condition_variable notEmpty_;
    std::condition_variable flushed_;
    std::deque<int> items_;         // guarded by mutex_
    std::size_t added_ = 0;         // guarded by mutex_
    std::size_t delivered_ = 0;     // guarded by mutex_
    bool stopping_ = false;         // guarded by mutex_
    std::int64_t sum_ = 0;          // the consumer's; read under mutex_ once delivered_ == added_
    std::thread consumer_;
};

template <class Q>
void BM_ThreadedQueue(benchmark::State& state)
{
    constexpr std::int64_t expected = std::int64_t(kItems) * (kItems - 1) / 2;
    for (auto _ : state) {
        Q queue;
        for (int i = 0; i < kItems; ++i)
            queue.add(i);
        if (queue.flush() != expected) {
            state.SkipWithError("items lost or duplicated");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * kItems);
}

BENCHMARK_TEMPLATE(BM_ThreadedQueue, SkeinThreadedQueue)
    ->Name("BM_ThreadedQueue/skein")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_ThreadedQueue, HandwrittenThreadedQueue)
    ->Name("BM_ThreadedQueue/handwritten")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
