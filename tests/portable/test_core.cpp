// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein::Core's behaviour, portably (GoogleTest, no Qt): Signal, Till, Lock,
// Queue, Thread and ThreadGroup, as tests/core checks them with Qt Test, on
// whatever OS the core is built for. Threads are ordered with Signals, never
// with sleeps; time is bounded only from below (a Till never goes early),
// and every wait that could hang on a bug has a generous Till as its guard.
#include <gtest/gtest.h>

#include <skein/error.h>
#include <skein/lock.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/thread_group.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "os.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::Till;
using Clock = std::chrono::steady_clock;

namespace {

// A guard against a hang, never a timing claim.
Till guard() { return Till(60s); }

}  // namespace

// --- Signal -------------------------------------------------------------------

TEST(Signal, goWakesAWaiterOnAnotherThread)
{
    Signal ready("ready");
    Signal waiting("waiting");
    auto waiter = Thread::run("waiter", [&] {
        waiting.go();
        return ready.wait(guard());
    });
    ASSERT_TRUE(waiting.wait(guard()));
    EXPECT_FALSE(bool(ready));
    ready.go();
    EXPECT_TRUE(waiter.join());
    EXPECT_TRUE(bool(ready));
}

TEST(Signal, thenRunsOnceInOrderOfRegistrationAndAtOnceWhenGone)
{
    Signal s;
    std::vector<int> ran;
    s.then([&] { ran.push_back(1); });
    s.then([&] { ran.push_back(2); });
    EXPECT_TRUE(ran.empty());
    s.go();
    s.go();  // idempotent
    EXPECT_EQ(ran, (std::vector<int>{1, 2}));
    s.then([&] { ran.push_back(3); });  // gone: runs at once
    EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
}

TEST(Signal, removeThenBeforeGoKeepsTheCallbackFromRunning)
{
    Signal s;
    bool ran = false;
    const skein::Subscription subscription = s.then([&] { ran = true; });
    EXPECT_TRUE(s.removeThen(subscription));
    s.go();
    EXPECT_FALSE(ran);
    EXPECT_FALSE(s.removeThen(subscription));
}

TEST(Signal, orGoesWhenEitherGoes)
{
    Signal a, b;
    const Signal either = a | b;
    EXPECT_FALSE(bool(either));
    b.go();
    EXPECT_TRUE(bool(either));
    EXPECT_FALSE(bool(a));
    EXPECT_TRUE(bool(Signal() | Signal::done()));  // born gone
}

TEST(Signal, andGoesWhenBothHaveGone)
{
    Signal a, b;
    const Signal both = a & b;
    a.go();
    EXPECT_FALSE(bool(both));
    b.go();
    EXPECT_TRUE(bool(both));
    EXPECT_TRUE((Signal::never() & a).isNever());
}

TEST(Signal, aCompositeWakesAWaiterOnAnotherThread)
{
    Signal a("a"), b("b"), waiting("waiting");
    auto waiter = Thread::run("waiter", [&] {
        waiting.go();
        return (a | b).wait(guard());
    });
    ASSERT_TRUE(waiting.wait(guard()));
    a.go();
    EXPECT_TRUE(waiter.join());
}

TEST(Signal, waitWithTillReturnsFalseWhenOnlyTheTillWent)
{
    const Signal never("never goes here");
    const auto start = Clock::now();
    EXPECT_FALSE(never.wait(Till(30ms)));
    EXPECT_GE(Clock::now() - start, 30ms);
    EXPECT_FALSE(never.waitFor(0ms));  // does not block
    Signal gone;
    gone.go();
    EXPECT_TRUE(gone.wait(Signal::done()));  // both went: true
}

TEST(Signal, neverCannotGo)
{
    EXPECT_THROW(Signal::never().go(), skein::UsageError);
    EXPECT_TRUE(bool(Signal::done()));
    EXPECT_FALSE(bool(Signal::never()));
}

// --- Till ---------------------------------------------------------------------

TEST(Till, goesAtItsDeadlineAndNotBefore)
{
    const auto start = Clock::now();
    const Till till(40ms);
    EXPECT_EQ(till.deadline() - start >= 40ms, true);
    EXPECT_TRUE(till.wait(guard()));
    EXPECT_GE(Clock::now() - start, 40ms);
    EXPECT_GE(Clock::now(), till.deadline());
}

TEST(Till, callbacksRunInOrderOfDeadlines)
{
    std::mutex mutex;
    std::vector<int> order;
    Signal last("last");
    // Registered out of order; one timer thread serves them, earliest first.
    Till(60ms).then([&] {
        std::lock_guard<std::mutex> lock(mutex);
        order.push_back(3);
        last.go();
    });
    Till(20ms).then([&] {
        std::lock_guard<std::mutex> lock(mutex);
        order.push_back(1);
    });
    Till(40ms).then([&] {
        std::lock_guard<std::mutex> lock(mutex);
        order.push_back(2);
    });
    ASSERT_TRUE(last.wait(guard()));
    std::lock_guard<std::mutex> lock(mutex);
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Till, pastDeadlinesHaveGoneAndNanIsRefused)
{
    EXPECT_TRUE(bool(Till(0ms)));
    EXPECT_TRUE(bool(Till(-5s)));
    EXPECT_TRUE(bool(Till(Clock::now() - 1s)));
    EXPECT_TRUE(bool(Till::seconds(0)));
    EXPECT_FALSE(bool(Till::seconds(std::numeric_limits<double>::infinity())));
    EXPECT_THROW(Till::seconds(std::nan("")), skein::InvalidArgument);
}

// --- Lock ---------------------------------------------------------------------

TEST(Lock, monitorWaitIsWokenByAnUnlockAfterTheChange)
{
    skein::Lock lock("monitor");
    bool ready = false;  // guarded by lock
    Signal waiting("waiting");
    auto consumer = Thread::run("consumer", [&] {
        std::unique_lock<skein::Lock> held(lock);
        waiting.go();
        while (!ready)
            if (!lock.wait(guard()))
                return false;
        return true;
    });
    ASSERT_TRUE(waiting.wait(guard()));
    {
        std::unique_lock<skein::Lock> held(lock);  // the consumer is in wait(): it released the Lock
        ready = true;
    }  // unlock() wakes the waiter
    EXPECT_TRUE(consumer.join());
}

TEST(Lock, waitWithTillReturnsFalseAndHoldsTheLockAgain)
{
    skein::Lock lock("alone");
    std::unique_lock<skein::Lock> held(lock);
    const auto start = Clock::now();
    EXPECT_FALSE(lock.wait(Till(30ms)));
    EXPECT_GE(Clock::now() - start, 30ms);
    EXPECT_TRUE(lock.isHeldByCurrentThread());
}

TEST(Lock, lockWithTillGivesUpWhileAnotherThreadHoldsIt)
{
    skein::Lock lock("busy");
    Signal holding("holding"), release("release");
    auto holder = Thread::run("holder", [&] {
        std::unique_lock<skein::Lock> held(lock);
        holding.go();
        release.wait(guard());
    });
    ASSERT_TRUE(holding.wait(guard()));
    EXPECT_FALSE(lock.lock(Till(20ms)));
    EXPECT_FALSE(lock.try_lock());
    release.go();
    holder.join();
    EXPECT_TRUE(lock.lock(guard()));
    lock.unlock();
}

TEST(Lock, misuseThrowsUsageError)
{
    skein::Lock lock("misused");
    EXPECT_THROW(lock.unlock(), skein::UsageError);
    lock.lock();
    EXPECT_THROW(lock.lock(), skein::UsageError);
    auto other = Thread::run("other", [&] {
        try {
            lock.unlock();
        } catch (const skein::UsageError&) {
            return true;
        }
        return false;
    });
    EXPECT_TRUE(other.join());
    lock.unlock();
}

// --- Queue --------------------------------------------------------------------

TEST(Queue, firstInFirstOutAndCloseDrainsFirst)
{
    skein::Queue<std::string> queue("words");
    EXPECT_TRUE(queue.add("one"));
    EXPECT_TRUE(queue.add("two"));
    queue.push("zero");
    EXPECT_EQ(queue.size(), 3u);
    EXPECT_EQ(queue.pop(), std::optional<std::string>("zero"));
    queue.close();
    EXPECT_THROW(queue.add("three"), skein::QueueClosed);
    EXPECT_EQ(queue.pop(), std::optional<std::string>("one"));
    EXPECT_EQ(queue.pop(), std::optional<std::string>("two"));
    EXPECT_EQ(queue.pop(), std::nullopt);  // closed and empty: never blocks
}

TEST(Queue, popWithTillReturnsNulloptWhenTheTillGoesFirst)
{
    skein::Queue<int> queue("empty");
    const auto start = Clock::now();
    EXPECT_EQ(queue.pop(Till(30ms)), std::nullopt);
    EXPECT_GE(Clock::now() - start, 30ms);
    EXPECT_EQ(queue.tryPop(), std::nullopt);
}

TEST(Queue, aBlockedPopGetsAnItemFromAnotherThread)
{
    skein::Queue<int> queue("handover");
    auto consumer = Thread::run("consumer", [&] { return queue.pop(guard()); });
    queue.add(42);
    EXPECT_EQ(consumer.join(), std::optional<int>(42));
}

TEST(Queue, closeWakesABlockedPop)
{
    skein::Queue<int> queue("closing");
    Signal popping("popping");
    auto consumer = Thread::run("consumer", [&] {
        popping.go();
        return queue.pop(guard());
    });
    ASSERT_TRUE(popping.wait(guard()));
    queue.close();
    EXPECT_EQ(consumer.join(), std::nullopt);
}

TEST(Queue, aBoundedQueueHoldsBackAddsUntilThereIsRoom)
{
    skein::Queue<int> queue("bounded", 2);
    EXPECT_TRUE(queue.add(1));
    EXPECT_TRUE(queue.add(2));
    const auto start = Clock::now();
    EXPECT_FALSE(queue.add(3, Till(30ms)));  // full: dropped when the Till goes
    EXPECT_GE(Clock::now() - start, 30ms);
    EXPECT_EQ(queue.size(), 2u);

    Signal adding("adding");
    auto producer = Thread::run("producer", [&] {
        adding.go();
        return queue.add(3, guard());  // blocks until a pop makes room
    });
    ASSERT_TRUE(adding.wait(guard()));
    EXPECT_EQ(queue.pop(guard()), std::optional<int>(1));
    EXPECT_TRUE(producer.join());
    EXPECT_EQ(queue.popAll(), (std::vector<int>{2, 3}));
}

TEST(Queue, aBlockedAddThrowsWhenTheQueueCloses)
{
    skein::Queue<int> queue("full", 1);
    queue.add(1);
    Signal adding("adding");
    auto producer = Thread::run("producer", [&] {
        adding.go();
        queue.add(2, guard());
    });
    ASSERT_TRUE(adding.wait(guard()));
    queue.close();
    EXPECT_THROW(producer.join(), skein::QueueClosed);
}

// --- Thread -------------------------------------------------------------------

TEST(Thread, runStartsAndJoinReturnsTheResult)
{
    auto adder = Thread::run("adder", [](int a, int b) { return a + b; }, 2, 3);
    EXPECT_TRUE(adder.isStarted());
    EXPECT_EQ(adder.join(), 5);
    EXPECT_FALSE(adder.isRunning());
    EXPECT_TRUE(bool(adder.stopped()));
}

TEST(Thread, knowsItsNamePathAndId)
{
    auto thread = Thread::run("named", [] {
        const Thread self = Thread::current();
        return self.name() + " " + self.path() + " " + (self.nativeId() != 0 ? "id" : "no id");
    });
    EXPECT_EQ(thread.join(), "named main/named id");
    EXPECT_EQ(thread.nativeId(), 0u);  // stopped: the OS may reuse it
    EXPECT_EQ(Thread::current().name(), "main");
}

TEST(Thread, carriesItsNameInTheOs)
{
    auto thread = Thread::run("loader-7", [] { return portable::osThreadName(); });
    EXPECT_EQ(thread.join(), "loader-7");
}

TEST(Thread, stopMakesPleaseStopGo)
{
    Signal running("running");
    auto worker = Thread::run("worker", [&](const Signal& pleaseStop) {
        running.go();
        return pleaseStop.wait(guard());
    });
    ASSERT_TRUE(running.wait(guard()));
    EXPECT_FALSE(bool(worker.pleaseStop()));
    worker.stop();
    EXPECT_TRUE(worker.join());
}

TEST(Thread, joinRethrowsTheFailureEveryTime)
{
    Thread failing("failing", [] { throw std::runtime_error("boom"); });
    failing.start();
    for (int i = 0; i < 2; ++i) {
        try {
            failing.join();
            ADD_FAILURE() << "join() did not throw";
        } catch (const std::runtime_error& e) {
            EXPECT_EQ(std::string(e.what()), "boom");
        }
    }
}

TEST(Thread, childrenAreStoppedAndJoinedBeforeTheParentStops)
{
    std::mutex mutex;
    std::vector<std::string> events;
    auto note = [&](const std::string& event) {
        std::lock_guard<std::mutex> lock(mutex);
        events.push_back(event);
    };
    Signal childRunning("child running");
    Thread child;
    auto parent = Thread::run("parent", [&] {
        child = Thread::run("child", [&](const Signal& pleaseStop) {
            childRunning.go();
            pleaseStop.wait();  // only the parent's end stops it
            note("child saw pleaseStop");
        });
        childRunning.wait(guard());
        note("parent returns");
    });
    parent.join();
    EXPECT_TRUE(bool(child.stopped()));  // joined before the parent's stopped() went
    EXPECT_EQ(child.path(), "main/parent/child");
    std::lock_guard<std::mutex> lock(mutex);
    EXPECT_EQ(events, (std::vector<std::string>{"parent returns", "child saw pleaseStop"}));
}

TEST(Thread, stoppingAParentStopsItsChildren)
{
    Signal childRunning("child running");
    std::atomic<bool> childSawStop{false};
    auto parent = Thread::run("parent", [&](const Signal& pleaseStop) {
        Thread::run("child", [&](const Signal& childStop) {
            childRunning.go();
            childSawStop = childStop.wait(guard());
        });
        pleaseStop.wait(guard());
    });
    ASSERT_TRUE(childRunning.wait(guard()));
    parent.stop();
    parent.join();
    EXPECT_TRUE(childSawStop);
}

TEST(Thread, misuseThrowsUsageError)
{
    Thread notStarted("not-started", [] {});
    EXPECT_THROW(notStarted.join(), skein::UsageError);
    notStarted.start();
    EXPECT_THROW(notStarted.start(), skein::UsageError);
    notStarted.join();
    EXPECT_THROW(Thread().join(), skein::UsageError);
    EXPECT_THROW(Thread::run("", [] {}), skein::InvalidArgument);
    auto self = Thread::run("self", [] {
        try {
            Thread::current().join();
        } catch (const skein::UsageError&) {
            return true;
        }
        return false;
    });
    EXPECT_TRUE(self.join());
}

// stopped()'s callbacks run on the ending thread, and may do what any code
// may: here, start an OS thread and wait for it. (On Windows a thread that
// ended inside its thread_locals' destructors would run them under the
// loader lock, which the new thread needs before it runs: it never would.)
TEST(Thread, stoppedCallbacksMayStartAndAwaitAnOsThread)
{
    Signal callbackRegistered("callback registered");
    Signal helperRan("helper ran");
    auto worker = Thread::run("worker", [&] { return callbackRegistered.wait(guard()); });
    std::thread::id callbackThread;
    bool helperRanInTime = false;
    worker.stopped().then([&] {
        callbackThread = std::this_thread::get_id();
        std::thread helper([&] { helperRan.go(); });
        helperRanInTime = helperRan.wait(guard());
        if (helperRanInTime)
            helper.join();
        else
            helper.detach();  // it cannot run while this thread waits: no join
    });
    callbackRegistered.go();
    EXPECT_TRUE(worker.join());
    EXPECT_NE(callbackThread, std::this_thread::get_id());  // ran as the worker ended, on it
    EXPECT_TRUE(helperRanInTime);
}

// A thread Skein did not start stops and joins the Skein threads it started
// and left running when its OS thread ends, even one that has not begun to
// run yet. (On Windows a helper thread does it just after: the ending thread
// holds the loader lock there, which a beginning thread needs.)
TEST(Thread, aForeignThreadStopsAndJoinsItsChildrenWhenItEnds)
{
    Thread child;
    std::thread foreign([&] {
        child = Thread::run("child", [](const Signal& pleaseStop) { return pleaseStop.wait(guard()); });
    });
    foreign.join();  // the OS thread has ended, its thread_locals too
    EXPECT_TRUE(child.stopped().wait(guard()));
    EXPECT_TRUE(bool(child.pleaseStop()));
    EXPECT_NO_THROW(child.join());
}

// --- ThreadGroup --------------------------------------------------------------

TEST(ThreadGroup, allWaitsForEveryThread)
{
    std::atomic<int> done{0};
    skein::ThreadGroup group("all");
    for (int i = 0; i < 4; ++i)
        group.spawn("worker-" + std::to_string(i), [&] { ++done; });
    group.join();
    EXPECT_EQ(done, 4);
    EXPECT_EQ(group.threads().size(), 4u);
}

TEST(ThreadGroup, anyStopsTheRestWhenTheFirstEnds)
{
    Signal slowRunning("slow running");
    std::atomic<bool> slowSawStop{false};
    skein::ThreadGroup group("any", skein::ThreadGroup::Wait::Any);
    group.spawn("slow", [&](const Signal& pleaseStop) {
        slowRunning.go();
        slowSawStop = pleaseStop.wait(guard());
    });
    ASSERT_TRUE(slowRunning.wait(guard()));
    group.spawn("quick", [] {});
    group.join();
    EXPECT_TRUE(slowSawStop);
}

TEST(ThreadGroup, noneStopsEveryThreadAtJoin)
{
    std::atomic<int> stopped{0};
    skein::ThreadGroup group("none", skein::ThreadGroup::Wait::None);
    for (int i = 0; i < 3; ++i)
        group.spawn("waiter-" + std::to_string(i), [&](const Signal& pleaseStop) {
            if (pleaseStop.wait(guard()))
                ++stopped;
        });
    group.join();
    EXPECT_EQ(stopped, 3);
}

TEST(ThreadGroup, aFailureStopsTheRestAndJoinRethrowsIt)
{
    Signal waiting("waiting");
    std::atomic<bool> otherSawStop{false};
    skein::ThreadGroup group("failing");
    group.spawn("waiter", [&](const Signal& pleaseStop) {
        waiting.go();
        otherSawStop = pleaseStop.wait(guard());
    });
    ASSERT_TRUE(waiting.wait(guard()));
    group.spawn("failer", [] { throw std::logic_error("broken"); });
    EXPECT_THROW(group.join(), std::logic_error);
    EXPECT_TRUE(otherSawStop);
}

TEST(ThreadGroup, tryJoinGivesUpWhenTheTillGoesFirst)
{
    Signal release("release");
    skein::ThreadGroup group("slow");
    group.spawn("held", [&] { release.wait(guard()); });
    const auto start = Clock::now();
    EXPECT_FALSE(group.tryJoin(Till(30ms)));
    EXPECT_GE(Clock::now() - start, 30ms);
    release.go();
    EXPECT_TRUE(group.tryJoin(guard()));
}
