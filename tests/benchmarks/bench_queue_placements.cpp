// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Queue<int> against the textbook queues where a user puts them: one
// producer and one consumer, each on the program's main thread, on a Skein
// thread or on a foreign std::thread; 10 000, 200 000 or 1 000 000 items;
// unbounded or bounded to 1, 16 or 1 024 items.
//
// BM_Queue@<producer>><consumer>,<items>,<bound>/<impl>: one iteration makes
// the queue, starts the side that is not on the main thread (both, when
// neither is), runs the main thread's side, and joins. Peers: std::mutex +
// std::deque + two std::condition_variables, and QMutex + QQueue + two
// QWaitConditions, each the textbook bounded queue (the bound unchecked
// when 0). scripts/bench_ratios.py pairs them by family.
#include <benchmark/benchmark.h>

#include <QMutex>
#include <QMutexLocker>
#include <QQueue>
#include <QWaitCondition>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "skein/queue.h"
#include "skein/thread.h"

namespace {

struct SkeinQueue {
    explicit SkeinQueue(std::size_t bound) : queue("bench", bound) {}
    void add(int item) { queue.add(item); }
    int pop() { return *queue.pop(); }
    skein::Queue<int> queue;
};

struct StdQueue {
    explicit StdQueue(std::size_t bound) : bound(bound) {}
    const std::size_t bound;
    std::mutex mutex;
    std::condition_variable notEmpty;
    std::condition_variable notFull;
    std::deque<int> items;  // guarded by mutex

    void add(int item)
    {
        std::unique_lock<std::mutex> lock(mutex);
        if (bound != 0)
            notFull.wait(lock, [this] { return items.size() < bound; });
        items.push_back(item);
        lock.unlock();
        notEmpty.notify_one();
    }
    int pop()
    {
        std::unique_lock<std::mutex> lock(mutex);
        notEmpty.wait(lock, [this] { return !items.empty(); });
        const int item = items.front();
        items.pop_front();
        lock.unlock();
        if (bound != 0)
            notFull.notify_one();
        return item;
    }
};

struct QtQueue {
    explicit QtQueue(std::size_t bound) : bound(qsizetype(bound)) {}
    const qsizetype bound;
    QMutex mutex;
    QWaitCondition notEmpty;
    QWaitCondition notFull;
    QQueue<int> items;  // guarded by mutex

    void add(int item)
    {
        QMutexLocker lock(&mutex);
        while (bound != 0 && items.size() >= bound)
            notFull.wait(&mutex);
        items.enqueue(item);
        lock.unlock();
        notEmpty.wakeOne();
    }
    int pop()
    {
        QMutexLocker lock(&mutex);
        while (items.isEmpty())
            notEmpty.wait(&mutex);
        const int item = items.dequeue();
        lock.unlock();
        if (bound != 0)
            notFull.wakeOne();
        return item;
    }
};

enum class Place { Main, Skein, Foreign };

const char* nameOf(Place place)
{
    switch (place) {
    case Place::Main:
        return "main";
    case Place::Skein:
        return "skein";
    case Place::Foreign:
        return "foreign";
    }
    return "?";
}

// One side of the hand-over: started on its place by start(), done by
// finish() (which runs it there when its place is the calling thread).
class Side {
public:
    Side(Place place, const char* name, std::function<void()> work)
        : place_(place), name_(name), work_(std::move(work))
    {}
    void start()
    {
        if (place_ == Place::Skein)
            skein_.emplace(skein::Thread::run(name_, work_));
        else if (place_ == Place::Foreign)
            foreign_ = std::thread(work_);
    }
    void finish()
    {
        if (place_ == Place::Main)
            work_();
        else if (skein_)
            skein_->join();
        else
            foreign_.join();
    }

private:
    Place place_;
    const char* name_;
    std::function<void()> work_;
    std::optional<decltype(skein::Thread::run("", std::function<void()>()))> skein_;
    std::thread foreign_;
};

template <class Q>
void BM_Placed(benchmark::State& state, Place producerAt, Place consumerAt, int items, std::size_t bound)
{
    const std::int64_t expected = std::int64_t(items) * (items - 1) / 2;
    for (auto _ : state) {
        Q queue(bound);
        std::int64_t sum = 0;
        Side consumer(consumerAt, "consumer", [&queue, &sum, items] {
            for (int i = 0; i < items; ++i)
                sum += queue.pop();
        });
        Side producer(producerAt, "producer", [&queue, items] {
            for (int i = 0; i < items; ++i)
                queue.add(i);
        });
        // The side on the main thread runs last: the other must be running.
        Side& first = consumerAt == Place::Main ? producer : consumer;
        Side& second = consumerAt == Place::Main ? consumer : producer;
        first.start();
        second.start();
        second.finish();
        first.finish();
        if (sum != expected) {
            state.SkipWithError("items lost or duplicated");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * items);
}

const bool registered = [] {
    const Place places[] = {Place::Main, Place::Skein, Place::Foreign};
    for (const Place producerAt : places) {
        for (const Place consumerAt : places) {
            if (producerAt == Place::Main && consumerAt == Place::Main)
                continue;  // one thread cannot be both
            for (const int items : {10000, 200000, 1000000}) {
                for (const std::size_t bound : {std::size_t(0), std::size_t(1), std::size_t(16), std::size_t(1024)}) {
                    const std::string family = std::string("BM_Queue@") + nameOf(producerAt) + ">" +
                                               nameOf(consumerAt) + "," + std::to_string(items / 1000) + "k," +
                                               (bound == 0 ? "unbounded" : "cap" + std::to_string(bound));
                    // About 200 000 items a run, at least one iteration.
                    const int iterations = items >= 200000 ? 1 : 200000 / items;
                    const auto add = [&](const std::string& impl, auto bench) {
                        benchmark::RegisterBenchmark((family + "/" + impl).c_str(), bench, producerAt, consumerAt,
                                                     items, bound)
                            ->Iterations(iterations)
                            ->UseRealTime()
                            ->Unit(benchmark::kMillisecond);
                    };
                    add("skein", &BM_Placed<SkeinQueue>);
                    add("std", &BM_Placed<StdQueue>);
                    add("qt", &BM_Placed<QtQueue>);
                }
            }
        }
    }
    return true;
}();

}  // namespace
