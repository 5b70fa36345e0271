// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A long random workload (minutes, not part of ctest): thread trees, composed
// signals, Tills, queue traffic, consumers blocked on a Queue that closes,
// Lock waiters, threads that fail (joined or released). Every sampling
// period it prints the process's RSS and thread count; at the end it fails
// when either grew after warm-up.
//   soak [minutes=30] [seed]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <mutex>
#include <random>
#include <stdexcept>
#include <unistd.h>
#include <vector>

#include <skein/detail/introspection.h>
#include <skein/skein.h>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

long rssKiB()
{
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int taskCount()
{
    int n = 0;
    if (DIR* d = opendir("/proc/self/task")) {
        while (const dirent* e = readdir(d))
            n += e->d_name[0] != '.';
        closedir(d);
    }
    return n;
}

// A joined thread leaves /proc a moment after Skein lets go of it: the
// fewest of a few looks a millisecond apart.
int threadCount()
{
    int fewest = taskCount();
    for (int i = 0; i < 5; ++i) {
        skein::Till(1ms).wait();
        fewest = std::min(fewest, taskCount());
    }
    return fewest;
}

void tree(std::mt19937_64& rng, int depth, const skein::Signal& stop)
{
    std::vector<skein::Thread> kids;
    const int n = depth < 2 ? int(rng() % 4) : 0;
    for (int i = 0; i < n; ++i) {
        auto t = skein::Thread::run("n" + std::to_string(i), [s = rng(), depth](const skein::Signal& pleaseStop) {
            std::mt19937_64 local(s);
            tree(local, depth + 1, pleaseStop);
        });
        if (rng() % 2)
            kids.push_back(t);
        else if (rng() % 2)
            t.release();
    }
    skein::Till(std::chrono::microseconds(rng() % 2000)).wait(stop);
    for (auto& k : kids)
        k.join();
}

void round(std::mt19937_64& rng)
{
    // A tree of threads, stopped at a random moment.
    auto root = skein::Thread::run("soak", [s = rng()](const skein::Signal& stop) {
        std::mt19937_64 local(s);
        tree(local, 0, stop);
    });
    // Queue traffic with random tills while the tree runs.
    skein::Queue<int> q("soak", 16);
    auto producer = skein::Thread::run("producer", [&q, s = rng()](const skein::Signal& stop) {
        std::mt19937_64 local(s);
        for (int i = 0; i < 500 && !stop; ++i)
            q.add(i, skein::Till(std::chrono::microseconds(local() % 100)) | stop);
        q.close();
    });
    int got = 0;
    while (q.pop(skein::Till(1s)))
        ++got;
    producer.join();
    // Consumers blocked on a Queue that is closed under them, and Lock
    // waiters woken by unlock() or by their till.
    skein::Queue<int> closing("closing");
    skein::Lock lock("soak");
    std::vector<skein::Thread> blocked;
    for (int i = 0; i < 3; ++i) {
        blocked.push_back(skein::Thread::run("consumer", [&closing](const skein::Signal& stop) {
            while (closing.pop(stop)) {
            }
        }));
        blocked.push_back(skein::Thread::run("waiter", [&lock, us = rng() % 200](const skein::Signal& stop) {
            std::lock_guard<skein::Lock> held(lock);
            lock.wait(skein::Till(std::chrono::microseconds(us)) | stop);
        }));
    }
    closing.add(1);
    for (int i = 0; i < 3; ++i) {
        std::lock_guard<skein::Lock> held(lock);
    }
    closing.close();
    for (auto& t : blocked)
        t.join();
    // Failures: one joined, one released (its failure is logged).
    auto failing = skein::Thread::run("failing", [] { throw std::runtime_error("soak failure"); });
    try {
        failing.join();
    } catch (const std::runtime_error&) {
    }
    skein::Thread::run("released", [] { throw std::runtime_error("soak failure"); }).release();
    // Composites that are dropped unused, and some that are waited on.
    skein::Signal s;
    for (int i = 0; i < 200; ++i) {
        auto c = skein::Till(1h) | s;
        if (i % 50 == 0)
            (skein::Till(std::chrono::microseconds(rng() % 100)) | s).wait();
    }
    root.stop();
    root.join();
    (void)got;
}

}  // namespace

int main(int argc, char** argv)
{
    const double minutes = argc > 1 ? std::atof(argv[1]) : 30;
    const std::uint64_t seed =
        argc > 2 ? std::strtoull(argv[2], nullptr, 10) : std::uint64_t(Clock::now().time_since_epoch().count());
    std::printf("soak: %.1f minutes, seed %llu\n", minutes, static_cast<unsigned long long>(seed));
    // Released threads fail on purpose every round: count, don't print.
    std::atomic<long> logged{0};
    skein::setLogSink([&logged](const skein::LogRecord&) { logged.fetch_add(1, std::memory_order_relaxed); });
    std::mt19937_64 rng(seed);
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration<double>(minutes * 60);
    const auto period = std::chrono::duration<double>(std::max(1.0, minutes * 60 / 30));  // ~30 samples
    auto nextSample = start;
    std::vector<long> rss;
    std::vector<int> threads;
    long rounds = 0;
    while (Clock::now() < end) {
        round(rng);
        ++rounds;
        if (Clock::now() >= nextSample) {
            skein::detail::waitForThreadExits(10s);
            rss.push_back(rssKiB());
            threads.push_back(threadCount());
            std::printf("t=%6.0f s  rounds %8ld  rss %7ld KiB  threads %3d  signal states %zu  thread states %zu"
                        "  log records %ld\n",
                        std::chrono::duration<double>(Clock::now() - start).count(), rounds, rss.back(), threads.back(),
                        skein::detail::liveSignalStates(), skein::detail::liveThreadStates(), logged.load());
            std::fflush(stdout);
            nextSample += std::chrono::duration_cast<Clock::duration>(period);
        }
    }
    // After warm-up (the first third of the samples), nothing may grow: RSS
    // within 10 % (allocator noise), threads back to where they were.
    const std::size_t warm = rss.size() / 3;
    if (rss.size() < 3) {
        std::printf("soak: too short to judge (%zu samples)\n", rss.size());
        return 0;
    }
    long rssWarm = 0;
    for (std::size_t i = warm; i < std::min(rss.size(), warm + 3); ++i)
        rssWarm = std::max(rssWarm, rss[i]);
    const long rssEnd = rss.back();
    const bool rssFlat = rssEnd <= rssWarm * 11 / 10;
    const bool threadsFlat = threads.back() <= threads[warm];
    std::printf("soak: %ld rounds; rss %ld KiB after warm-up, %ld KiB at the end (%s); threads %d -> %d (%s)\n", rounds,
                rssWarm, rssEnd, rssFlat ? "flat" : "GREW", threads[warm], threads.back(),
                threadsFlat ? "flat" : "GREW");
    return rssFlat && threadsFlat ? 0 : 1;
}
