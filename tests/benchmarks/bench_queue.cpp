// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Queue against its peers: producers add, consumers pop (blocking when
// empty), unbounded, until every item has moved.
//
// BM_Queue<N>P<N>C/<impl>, N = 1, 2, 4: one iteration makes a queue and the
// threads, moves kItems ints and joins the threads; throughput is reported
// as items_per_second. BM_QueueString<N>P<N>C/<impl>: the same with
// std::string items too long to be stored inline (each producer makes its
// own, as a program would). Peers: std::mutex + std::deque +
// std::condition_variable, QMutex + QQueue + QWaitCondition, and
// moodycamel::BlockingConcurrentQueue (lock-free, wait_dequeue to block).
//
// BM_QueueRoundTrip/<impl>: one int sent to a partner thread through one
// queue and sent back through another; one iteration is one round trip.
// The hand-over when nothing else is queued: how fast a waiting consumer
// gets its item (requests and replies, a worker that is handed one job).
//
// BM_PriorityQueue1P1C/<impl>: the same with PriorityQueue<int>, one producer
// adding kItems ints of random priority (the same sequence for every impl)
// and one consumer popping them. Peers: the textbook std::priority_queue
// under std::mutex + std::condition_variable ("std"), which pops equal items
// in any order, and the same keeping them in arrival order by an arrival
// number beside each item ("stable"), as PriorityQueue does.
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <QMutex>
#include <QMutexLocker>
#include <QQueue>
#include <QWaitCondition>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "skein/priority_queue.h"
#include "skein/queue.h"

namespace {

constexpr int kItems = 200000;

// An item of type T for number `i`, and the number back.
template <class T>
T makeItem(int i);
template <>
int makeItem<int>(int i)
{
    return i;
}
template <>
std::string makeItem<std::string>(int i)
{
    std::string item = std::to_string(i);
    item.resize(40, '.');  // past any inline (small-string) storage
    return item;
}
int numberOf(int item) { return item; }
int numberOf(const std::string& item) { return std::atoi(item.c_str()); }

template <class T>
struct SkeinQueue {
    skein::Queue<T> queue{"bench"};
    void add(T item) { queue.add(std::move(item)); }
    T pop() { return *queue.pop(); }
};

template <class T>
struct StdQueue {
    std::mutex mutex;
    std::condition_variable notEmpty;
    std::deque<T> items;  // guarded by mutex

    void add(T item)
    {
        std::unique_lock<std::mutex> lock(mutex);
        items.push_back(std::move(item));
        lock.unlock();
        notEmpty.notify_one();
    }
    T pop()
    {
        std::unique_lock<std::mutex> lock(mutex);
        notEmpty.wait(lock, [this] { return !items.empty(); });
        T item = std::move(items.front());
        items.pop_front();
        return item;
    }
};

template <class T>
struct QtQueue {
    QMutex mutex;
    QWaitCondition notEmpty;
    QQueue<T> items;  // guarded by mutex

    void add(T item)
    {
        QMutexLocker lock(&mutex);
        items.enqueue(std::move(item));
        lock.unlock();
        notEmpty.wakeOne();
    }
    T pop()
    {
        QMutexLocker lock(&mutex);
        while (items.isEmpty())
            notEmpty.wait(&mutex);
        return items.dequeue();
    }
};

template <class T>
struct MoodycamelQueue {
    moodycamel::BlockingConcurrentQueue<T> queue;
    void add(T item) { queue.enqueue(std::move(item)); }
    T pop()
    {
        T item{};
        queue.wait_dequeue(item);
        return item;
    }
};

template <template <class> class Q, class T>
void BM_Queue(benchmark::State& state, int producers, int consumers)
{
    const int perProducer = kItems / producers;
    const int perConsumer = kItems / consumers;
    const std::int64_t expected = std::int64_t(producers) * perProducer * (perProducer - 1) / 2;

    for (auto _ : state) {
        Q<T> queue;
        std::vector<std::int64_t> sums(std::size_t(consumers), 0);
        std::vector<std::thread> threads;
        for (int c = 0; c < consumers; ++c)
            threads.emplace_back([&queue, &sums, c, perConsumer] {
                std::int64_t sum = 0;
                for (int i = 0; i < perConsumer; ++i)
                    sum += numberOf(queue.pop());
                sums[std::size_t(c)] = sum;
            });
        for (int p = 0; p < producers; ++p)
            threads.emplace_back([&queue, perProducer] {
                for (int i = 0; i < perProducer; ++i)
                    queue.add(makeItem<T>(i));
            });
        for (std::thread& t : threads)
            t.join();

        std::int64_t total = 0;
        for (const std::int64_t s : sums)
            total += s;
        if (total != expected) {
            state.SkipWithError("items lost or duplicated");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * kItems);
}

template <template <class> class Q>
void BM_QueueRoundTrip(benchmark::State& state)
{
    Q<int> requests;
    Q<int> replies;
    std::thread partner([&] {
        for (int request; (request = requests.pop()) >= 0;)
            replies.add(request + 1);
    });
    int next = 0;
    for (auto _ : state) {
        requests.add(next);
        next = replies.pop();
    }
    requests.add(-1);
    partner.join();
    if (next != state.iterations())
        state.SkipWithError("items lost or duplicated");
}

template <class T>
void registerQueues(const std::string& family, int threads)
{
    const auto add = [&](const std::string& impl, auto bench) {
        benchmark::RegisterBenchmark((family + "/" + impl).c_str(), bench, threads, threads)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    };
    add("skein", &BM_Queue<SkeinQueue, T>);
    add("std", &BM_Queue<StdQueue, T>);
    add("qt", &BM_Queue<QtQueue, T>);
    add("moodycamel", &BM_Queue<MoodycamelQueue, T>);
}

struct SkeinPriorityQueue {
    skein::PriorityQueue<int> queue{"bench"};
    void add(int item) { queue.add(item); }
    int pop() { return *queue.pop(); }
};

struct StdPriorityQueue {
    std::mutex mutex;
    std::condition_variable notEmpty;
    std::priority_queue<int> items;  // guarded by mutex

    void add(int item)
    {
        std::unique_lock<std::mutex> lock(mutex);
        items.push(item);
        lock.unlock();
        notEmpty.notify_one();
    }
    int pop()
    {
        std::unique_lock<std::mutex> lock(mutex);
        notEmpty.wait(lock, [this] { return !items.empty(); });
        const int item = items.top();
        items.pop();
        return item;
    }
};

// The textbook queue with PriorityQueue's order: equal items leave in the
// order they came, by an arrival number beside each item.
struct StableStdPriorityQueue {
    std::mutex mutex;
    std::condition_variable notEmpty;
    std::priority_queue<std::pair<int, std::int64_t>> items;  // guarded by mutex; (item, -arrival)
    std::int64_t arrivals = 0;                                // guarded by mutex

    void add(int item)
    {
        std::unique_lock<std::mutex> lock(mutex);
        items.emplace(item, -arrivals++);
        lock.unlock();
        notEmpty.notify_one();
    }
    int pop()
    {
        std::unique_lock<std::mutex> lock(mutex);
        notEmpty.wait(lock, [this] { return !items.empty(); });
        const int item = items.top().first;
        items.pop();
        return item;
    }
};

// The priorities, made once so that every impl moves the same sequence.
const std::vector<int>& priorities()
{
    static const std::vector<int> all = [] {
        std::mt19937 random(14);
        std::uniform_int_distribution<int> priority(0, 1 << 20);
        std::vector<int> items(kItems);
        for (int& item : items)
            item = priority(random);
        return items;
    }();
    return all;
}

template <class Q>
void BM_PriorityQueue1P1C(benchmark::State& state)
{
    const std::vector<int>& items = priorities();
    std::int64_t expected = 0;
    for (const int item : items)
        expected += item;

    for (auto _ : state) {
        Q queue;
        std::int64_t sum = 0;
        std::thread consumer([&queue, &sum, &items] {
            for (std::size_t i = 0; i < items.size(); ++i)
                sum += queue.pop();
        });
        std::thread producer([&queue, &items] {
            for (const int item : items)
                queue.add(item);
        });
        producer.join();
        consumer.join();
        if (sum != expected) {
            state.SkipWithError("items lost or duplicated");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * kItems);
}

const bool registered = [] {
    for (const int threads : {1, 2, 4}) {
        const std::string shape = std::to_string(threads) + "P" + std::to_string(threads) + "C";
        registerQueues<int>("BM_Queue" + shape, threads);
        registerQueues<std::string>("BM_QueueString" + shape, threads);
    }
    for (const auto& [impl, bench] : {std::pair<std::string, void (*)(benchmark::State&)>{"skein", &BM_QueueRoundTrip<SkeinQueue>},
                                      {"std", &BM_QueueRoundTrip<StdQueue>},
                                      {"qt", &BM_QueueRoundTrip<QtQueue>},
                                      {"moodycamel", &BM_QueueRoundTrip<MoodycamelQueue>}})
        benchmark::RegisterBenchmark(("BM_QueueRoundTrip/" + impl).c_str(), bench)->UseRealTime();
    for (const auto& [impl, bench] : {std::pair<std::string, void (*)(benchmark::State&)>{"skein", &BM_PriorityQueue1P1C<SkeinPriorityQueue>},
                                      {"std", &BM_PriorityQueue1P1C<StdPriorityQueue>},
                                      {"stable", &BM_PriorityQueue1P1C<StableStdPriorityQueue>}})
        benchmark::RegisterBenchmark(("BM_PriorityQueue1P1C/" + impl).c_str(), bench)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    return true;
}();

}  // namespace
