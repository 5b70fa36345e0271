// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// The rest of the core's API, briefly: Barrier, Latch, Semaphore,
// PriorityQueue, logging and the thread tree's dump. Also a check of the
// exports: on Windows each of these calls crosses into Skein's DLL, which
// links only what is marked SKEIN_EXPORT.
#include <gtest/gtest.h>

#include <skein/barrier.h>
#include <skein/log.h>
#include <skein/priority_queue.h>
#include <skein/semaphore.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::Till;

TEST(More, barrierReleasesAllOnceEveryPartyArrived)
{
    std::atomic<int> completions{0};
    skein::Barrier barrier(3, "three", [&] { ++completions; });
    auto a = Thread::run("a", [&] { return barrier.wait(Till(60s)); });
    auto b = Thread::run("b", [&] { return barrier.wait(Till(60s)); });
    barrier.wait(Till(60s));
    a.join();
    b.join();
    EXPECT_EQ(completions, 1);
}

TEST(More, latchGoesAtZero)
{
    skein::Latch latch(2, "two");
    auto counter = Thread::run("counter", [&] { latch.countDown(); });
    latch.countDown();
    EXPECT_TRUE(latch.done().wait(Till(60s)));
    counter.join();
    EXPECT_THROW(latch.countDown(), skein::UsageError);
}

TEST(More, semaphoreHoldsBackAnAcquireWithoutPermits)
{
    skein::Semaphore semaphore(1, "one");
    EXPECT_TRUE(semaphore.acquire(Till(60s)));
    EXPECT_FALSE(semaphore.acquire(Till(20ms)));
    auto releaser = Thread::run("releaser", [&] { semaphore.release(); });
    EXPECT_TRUE(semaphore.acquire(Till(60s)));
    releaser.join();
    EXPECT_EQ(semaphore.available(), 0);
}

TEST(More, priorityQueuePopsTheGreatestFirst)
{
    skein::PriorityQueue<int> queue("priorities");
    for (int i : {3, 9, 1, 5})
        queue.add(i);
    EXPECT_EQ(queue.popAll(), (std::vector<int>{9, 5, 3, 1}));
}

TEST(More, aLogSinkSeesRecordsWithTheThreadsPath)
{
    std::mutex mutex;
    std::vector<std::string> lines;
    const skein::LogSink previous = skein::setLogSink([&](const skein::LogRecord& record) {
        std::lock_guard<std::mutex> lock(mutex);
        lines.push_back(record.threadPath + ": " + record.message);
    });
    Thread::run("talker", [] { skein::log(skein::LogLevel::Info, "hello"); }).join();
    skein::setLogSink(previous);
    std::lock_guard<std::mutex> lock(mutex);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "main/talker: hello");
}

TEST(More, dumpThreadsShowsTheTree)
{
    Signal release("release");
    Signal running("running");
    auto thread = Thread::run("dumped", [&] {
        running.go();
        release.wait(Till(60s));
    });
    ASSERT_TRUE(running.wait(Till(60s)));
    const std::string dump = skein::dumpThreads();
    EXPECT_NE(dump.find("dumped"), std::string::npos) << dump;
    EXPECT_GE(skein::threadCount(), 2u);
    release.go();
    thread.join();
}
