// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// ThreadGroup: the wait policies (All, Any, None), failures that stop the
// rest and are rethrown once or logged (a throwing destructor of what a
// thread's function held among them), tryJoin, the destructor, spawn's
// arguments and the place of the threads in the tree, and a counter under a
// Lock.
//
// Threads are ordered with Signals and recorded events, never with sleeps.
#include <QtTest>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/lock.h>
#include <skein/log.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/thread_group.h>
#include <skein/till.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::ThreadGroup;
using skein::Till;
using testing::contains;
using testing::Countdown;
using testing::CustomFailure;
using testing::Events;
using testing::LogCapture;
using testing::namesOf;
using testing::q;
using testing::sorted;
using testing::thrownBy;

Q_DECLARE_METATYPE(skein::ThreadGroup::Wait)

namespace {

struct Exploded : std::runtime_error {
    Exploded() : std::runtime_error("a destructor threw") {}
};

// Throws from its destructor (declared noexcept(false)) unless it was moved
// from: captured by a thread's function, it fails the thread once the
// function has returned, outside anything that wraps the call.
struct Bomb {
    bool armed = true;

    Bomb() = default;
    Bomb(Bomb&& other) noexcept : armed(std::exchange(other.armed, false)) {}
    Bomb& operator=(Bomb&&) = delete;
    ~Bomb() noexcept(false)
    {
        if (armed)
            throw Exploded();
    }
};

// A thread body: says it is ready, waits for pleaseStop, records that it was
// stopped.
auto waitForStop(Events& events, Countdown& ready, const std::string& name)
{
    return [&events, &ready, name](const Signal& pleaseStop) {
        ready.arrive();
        pleaseStop.wait();
        events.add(name + " was stopped");
    };
}

}  // namespace

class tst_ThreadGroup : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void waitAllJoinWaitsForEveryThreadAndStopsNone();
    void waitAnyStopsTheRestWhenTheFirstEnds();
    void waitNoneJoinStopsEveryThreadAtOnce();
    void waitNoneThreadsRunUntilJoin();
    void failureStopsTheRestAndJoinRethrowsItOnce_data();
    void failureStopsTheRestAndJoinRethrowsItOnce();
    void failureStopsTheRestBeforeAnyoneJoins_data();
    void failureStopsTheRestBeforeAnyoneJoins();
    void throwingDestructorOfWhatAThreadHeldFailsTheGroup_data();
    void throwingDestructorOfWhatAThreadHeldFailsTheGroup();
    void tryJoinIsFalseWhenTillGoesFirstAndStopsNothing_data();
    void tryJoinIsFalseWhenTillGoesFirstAndStopsNothing();
    void tryJoinUnderWaitNoneStopsEveryThreadEvenWhenTillGoesFirst();
    void stopAsksEveryThreadToStop();
    void destructorStopsAndJoinsWhatRemains();
    void destructorLogsAFailureNobodyJoined();
    void spawnPassesArgumentsAndPleaseStop();
    void threadsAreChildrenOfTheSpawningThread();
    void emptyNameThrowsInvalidArgument();
    void incrementsAndDecrementsUnderALockEndAtZero_data();
    void incrementsAndDecrementsUnderALockEndAtZero();
};

// Every test leaves the tree as it found it: a group never leaks a thread.
void tst_ThreadGroup::cleanup()
{
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    QCOMPARE(namesOf(Thread::current().children()), QStringList());
}

void tst_ThreadGroup::waitAllJoinWaitsForEveryThreadAndStopsNone()
{
    Events events;
    ThreadGroup group("all");
    QVERIFY(group.policy() == ThreadGroup::Wait::All);
    const Thread quick = group.spawn("quick", [&events] { events.add("quick returned"); });
    // Each of the others ends only after the one before it has ended, so
    // join() has to wait through the whole chain.
    const Thread slow = group.spawn("slow", [&events, quickStopped = quick.stopped()](const Signal& pleaseStop) {
        quickStopped.wait();
        events.add(pleaseStop ? "slow was asked to stop" : "slow returned on its own");
    });
    group.spawn("last", [&events, slowStopped = slow.stopped()](const Signal& pleaseStop) {
        slowStopped.wait();
        events.add(pleaseStop ? "last was asked to stop" : "last returned on its own");
    });

    group.join();
    QCOMPARE(events.list(), (QStringList{"quick returned", "slow returned on its own", "last returned on its own"}));
    for (const Thread& t : group.threads())
        QVERIFY(!t.isRunning());
}

void tst_ThreadGroup::waitAnyStopsTheRestWhenTheFirstEnds()
{
    Events events;
    Countdown ready(2);
    ThreadGroup group("any", ThreadGroup::Wait::Any);
    group.spawn("waiter-0", waitForStop(events, ready, "waiter-0"));
    group.spawn("waiter-1", waitForStop(events, ready, "waiter-1"));
    group.spawn("first", [&events, &ready] {
        ready.done().wait();
        events.add("first returned");
    });

    group.join();
    // The waiters end only when stopped, which comes after the first ended.
    const QStringList recorded = events.list();
    QCOMPARE(recorded.size(), 3);
    QCOMPARE(recorded.front(), QStringLiteral("first returned"));
    QCOMPARE(sorted(recorded.mid(1)), (QStringList{"waiter-0 was stopped", "waiter-1 was stopped"}));
    for (const Thread& t : group.threads())
        QVERIFY(!t.isRunning());
}

void tst_ThreadGroup::waitNoneJoinStopsEveryThreadAtOnce()
{
    Events events;
    Countdown ready(3);
    ThreadGroup group("none", ThreadGroup::Wait::None);
    for (int i = 0; i < 3; ++i) {
        const std::string name = "waiter-" + std::to_string(i);
        group.spawn(name, waitForStop(events, ready, name));
    }
    QVERIFY(ready.done().wait(Till(testing::hangGuard)));

    group.join();
    QCOMPARE(sorted(events.list()),
             (QStringList{"waiter-0 was stopped", "waiter-1 was stopped", "waiter-2 was stopped"}));
    for (const Thread& t : group.threads())
        QVERIFY(!t.isRunning());
}

// None means "join() stops them", not "stopped at birth": until then the
// threads run like any others.
void tst_ThreadGroup::waitNoneThreadsRunUntilJoin()
{
    Events events;
    Countdown ready(1);
    ThreadGroup group("none", ThreadGroup::Wait::None);
    const Thread helper = group.spawn("helper", waitForStop(events, ready, "helper"));
    QVERIFY(ready.done().wait(Till(testing::hangGuard)));
    QVERIFY(!helper.pleaseStop());
    QVERIFY(helper.isRunning());

    group.join();
    QCOMPARE(events.list(), QStringList{"helper was stopped"});
}

void tst_ThreadGroup::failureStopsTheRestAndJoinRethrowsItOnce_data()
{
    QTest::addColumn<ThreadGroup::Wait>("policy");
    QTest::newRow("All") << ThreadGroup::Wait::All;
    QTest::newRow("Any") << ThreadGroup::Wait::Any;
    QTest::newRow("None") << ThreadGroup::Wait::None;
}

// Every failure reaches someone once: join() rethrows the first, and logs
// the others with the path of the thread that failed.
void tst_ThreadGroup::failureStopsTheRestAndJoinRethrowsItOnce()
{
    QFETCH(ThreadGroup::Wait, policy);
    const LogCapture log;
    Events events;
    Countdown ready(2);
    {
        ThreadGroup group("failing", policy);
        const Thread first = group.spawn("first-failure", [&ready] {
            ready.done().wait();
            throw CustomFailure("the first failure");
        });
        group.spawn("waiter", waitForStop(events, ready, "waiter"));
        // Fails too, but only once the first failure is on record: a join()
        // of the first returns once its stopped() callbacks, the group's
        // among them, have run.
        Signal firstJoined;
        group.spawn("second-failure", [&ready, firstJoined](const Signal& pleaseStop) {
            ready.arrive();
            pleaseStop.wait();
            firstJoined.wait();
            throw std::logic_error("the second failure");
        });
        QVERIFY_THROWS_EXCEPTION(CustomFailure, first.join());
        firstJoined.go();

        const auto thrown = thrownBy([&] { group.join(); });
        QVERIFY(thrown.first == std::type_index(typeid(CustomFailure)));
        QCOMPARE(q(thrown.second), QStringLiteral("the first failure"));
        // Under All nothing but the failure could have stopped the waiter.
        QCOMPARE(events.list(), QStringList{"waiter was stopped"});
        for (const Thread& t : group.threads())
            QVERIFY(!t.isRunning());
        const auto second = log.mentioning("the second failure");
        QCOMPARE(second.size(), std::size_t(1));
        QVERIFY2(contains(second[0].message, "'main/second-failure'"), second[0].message.c_str());
        QVERIFY(second[0].level == skein::LogLevel::Error);

        // Rethrown once only, logged once only.
        group.join();
        QVERIFY(group.tryJoin(Signal::done()));
    }
    // The destructor has nothing left to report.
    QVERIFY2(log.mentioning("the first failure").empty(), log.dump().c_str());
    QCOMPARE(log.mentioning("the second failure").size(), std::size_t(1));
}

void tst_ThreadGroup::failureStopsTheRestBeforeAnyoneJoins_data()
{
    QTest::addColumn<ThreadGroup::Wait>("policy");
    QTest::newRow("All") << ThreadGroup::Wait::All;
    QTest::newRow("Any") << ThreadGroup::Wait::Any;
}

// "A failing thread stops the rest": the failure itself does, not a join()
// that may come much later (the owner may be busy, waiting on something
// else, when a thread of its group fails).
void tst_ThreadGroup::failureStopsTheRestBeforeAnyoneJoins()
{
    QFETCH(ThreadGroup::Wait, policy);
    Events events;
    Countdown ready(1);
    ThreadGroup group("failing", policy);
    const Thread waiter = group.spawn("waiter", waitForStop(events, ready, "waiter"));
    group.spawn("doomed", [&ready] {
        ready.done().wait();
        throw CustomFailure("fails while nobody joins");
    });

    // Bounded, so that a failure that stops nothing fails the test instead
    // of hanging it.
    QVERIFY(waiter.stopped().wait(Till(testing::hangGuard)));
    QCOMPARE(events.list(), QStringList{"waiter was stopped"});
    QVERIFY_THROWS_EXCEPTION(CustomFailure, group.join());
}

void tst_ThreadGroup::throwingDestructorOfWhatAThreadHeldFailsTheGroup_data()
{
    QTest::addColumn<ThreadGroup::Wait>("policy");
    QTest::addColumn<bool>("tryJoin");
    QTest::newRow("All, join") << ThreadGroup::Wait::All << false;
    QTest::newRow("All, tryJoin") << ThreadGroup::Wait::All << true;
    QTest::newRow("Any, join") << ThreadGroup::Wait::Any << false;
    QTest::newRow("Any, tryJoin") << ThreadGroup::Wait::Any << true;
    QTest::newRow("None, join") << ThreadGroup::Wait::None << false;
    QTest::newRow("None, tryJoin") << ThreadGroup::Wait::None << true;
}

// The function returns normally; what it captured throws when the thread
// destroys it, which fails the thread (thread.h). That is a failure of the
// group like any other: it stops the rest, and join() or tryJoin()
// rethrows it.
void tst_ThreadGroup::throwingDestructorOfWhatAThreadHeldFailsTheGroup()
{
    QFETCH(ThreadGroup::Wait, policy);
    QFETCH(bool, tryJoin);
    const LogCapture log;
    Events events;
    Countdown ready(1);
    {
        ThreadGroup group("exploding", policy);
        const Thread waiter = group.spawn("waiter", waitForStop(events, ready, "waiter"));
        const Thread bomb = group.spawn("bomb", [&ready, bomb = Bomb()] { ready.done().wait(); });

        if (policy != ThreadGroup::Wait::None) {
            // Bounded, so that a failure the group misses fails the test
            // instead of hanging it; under All only the failure stops it.
            QVERIFY(waiter.stopped().wait(Till(10s)));
            QCOMPARE(events.list(), QStringList{"waiter was stopped"});
        }
        const auto thrown = thrownBy([&] {
            if (tryJoin)
                QVERIFY(group.tryJoin(Till(10s)));
            else
                group.join();
        });
        QVERIFY(thrown.first == std::type_index(typeid(Exploded)));
        QCOMPARE(q(thrown.second), QStringLiteral("a destructor threw"));
        QCOMPARE(events.list(), QStringList{"waiter was stopped"});
        QVERIFY(!bomb.isRunning());
        QVERIFY(group.tryJoin(Signal::done()));
    }
    // Rethrown, so neither the group nor the tree logs it.
    QVERIFY2(log.mentioning("a destructor threw").empty(), log.dump().c_str());
}

void tst_ThreadGroup::tryJoinIsFalseWhenTillGoesFirstAndStopsNothing_data()
{
    QTest::addColumn<ThreadGroup::Wait>("policy");
    QTest::newRow("All") << ThreadGroup::Wait::All;
    QTest::newRow("Any") << ThreadGroup::Wait::Any;
}

void tst_ThreadGroup::tryJoinIsFalseWhenTillGoesFirstAndStopsNothing()
{
    QFETCH(ThreadGroup::Wait, policy);
    Events events;
    Countdown ready(2);
    ThreadGroup group("patient", policy);
    group.spawn("waiter-0", waitForStop(events, ready, "waiter-0"));
    group.spawn("waiter-1", waitForStop(events, ready, "waiter-1"));
    QVERIFY(ready.done().wait(Till(testing::hangGuard)));

    const auto before = std::chrono::steady_clock::now();
    QVERIFY(!group.tryJoin(Till(50ms)));
    // A Till never goes before its deadline, which is after `before`.
    QVERIFY(std::chrono::steady_clock::now() - before >= 50ms);
    QVERIFY(!group.tryJoin(Signal::done()));
    for (const Thread& t : group.threads()) {
        QVERIFY(t.isRunning());
        QVERIFY(!t.pleaseStop());
    }
    QCOMPARE(events.list(), QStringList());

    group.stop();
    QVERIFY(group.tryJoin(Till(testing::hangGuard)));
    QCOMPARE(sorted(events.list()), (QStringList{"waiter-0 was stopped", "waiter-1 was stopped"}));
}

// Under None the join is what stops the threads; a tryJoin() is a join that
// may give up waiting, so it stops them too, and they stay asked to stop
// when `till` goes first.
void tst_ThreadGroup::tryJoinUnderWaitNoneStopsEveryThreadEvenWhenTillGoesFirst()
{
    Events events;
    Countdown ready(2);
    Countdown stopped(2);
    Signal release;
    ThreadGroup group("none", ThreadGroup::Wait::None);
    for (int i = 0; i < 2; ++i) {
        const std::string name = "slow-" + std::to_string(i);
        group.spawn(name, [&events, &ready, &stopped, release, name](const Signal& pleaseStop) {
            ready.arrive();
            pleaseStop.wait();
            stopped.arrive();
            release.wait();
            events.add(name + " ended");
        });
    }
    QVERIFY(ready.done().wait(Till(10s)));

    QVERIFY(!group.tryJoin(Signal::done()));
    for (const Thread& t : group.threads())
        QVERIFY(t.pleaseStop());
    QVERIFY(stopped.done().wait(Till(10s)));
    QCOMPARE(events.list(), QStringList());

    release.go();
    QVERIFY(group.tryJoin(Till(10s)));
    QCOMPARE(sorted(events.list()), (QStringList{"slow-0 ended", "slow-1 ended"}));
}

void tst_ThreadGroup::stopAsksEveryThreadToStop()
{
    Events events;
    Countdown ready(2);
    ThreadGroup group("stoppable");
    group.spawn("waiter-0", waitForStop(events, ready, "waiter-0"));
    group.spawn("waiter-1", waitForStop(events, ready, "waiter-1"));
    QVERIFY(ready.done().wait(Till(testing::hangGuard)));

    group.stop();
    for (const Thread& t : group.threads())
        QVERIFY(t.pleaseStop());
    group.join();
    QCOMPARE(sorted(events.list()), (QStringList{"waiter-0 was stopped", "waiter-1 was stopped"}));
}

void tst_ThreadGroup::destructorStopsAndJoinsWhatRemains()
{
    Events events;
    Countdown ready(3);
    std::vector<Thread> threads;
    {
        ThreadGroup group("scoped");
        for (int i = 0; i < 3; ++i) {
            const std::string name = "waiter-" + std::to_string(i);
            threads.push_back(group.spawn(name, waitForStop(events, ready, name)));
        }
        QVERIFY(ready.done().wait(Till(testing::hangGuard)));
        QCOMPARE(events.list(), QStringList());
    }
    QCOMPARE(sorted(events.list()),
             (QStringList{"waiter-0 was stopped", "waiter-1 was stopped", "waiter-2 was stopped"}));
    for (const Thread& t : threads) {
        QVERIFY(t.stopped());
        QVERIFY(!t.isRunning());
    }
}

void tst_ThreadGroup::destructorLogsAFailureNobodyJoined()
{
    const LogCapture log;
    {
        ThreadGroup group("careless");
        const Thread doomed = group.spawn("doomed", [] { throw CustomFailure("nobody joined the group"); });
        QVERIFY(doomed.stopped().wait(Till(testing::hangGuard)));
        QVERIFY(log.mentioning("nobody joined the group").empty());
    }
    const auto records = log.mentioning("nobody joined the group");
    QCOMPARE(records.size(), std::size_t(1));
    QVERIFY2(contains(records[0].message, "'careless'"), records[0].message.c_str());
    QVERIFY2(contains(records[0].message, "'main/doomed'"), records[0].message.c_str());
    QVERIFY(records[0].level == skein::LogLevel::Error);
}

void tst_ThreadGroup::spawnPassesArgumentsAndPleaseStop()
{
    Events events;
    ThreadGroup group("args");
    group.spawn(
        "without-pleaseStop", [&events](int n, const std::string& text) { events.add(text + std::to_string(n)); }, 7,
        std::string("seven="));
    group.spawn(
        "with-pleaseStop",
        [&events](int n, const Signal& pleaseStop) {
            const bool own = pleaseStop == Thread::current().pleaseStop();
            events.add("with pleaseStop " + std::to_string(n) + (own ? ", its own" : ", another one"));
        },
        1);
    group.spawn(
        "move-only", [&events](std::unique_ptr<int> p) { events.add("move-only " + std::to_string(*p)); },
        std::make_unique<int>(5));
    group.spawn("only-pleaseStop", [&events](const Signal& pleaseStop) {
        events.add(pleaseStop ? "only pleaseStop, gone" : "only pleaseStop, not gone");
    });
    group.join();

    QCOMPARE(sorted(events.list()),
             (QStringList{"move-only 5", "only pleaseStop, not gone", "seven=7", "with pleaseStop 1, its own"}));
}

void tst_ThreadGroup::threadsAreChildrenOfTheSpawningThread()
{
    struct Seen {
        QStringList groupThreads;
        QStringList ownerChildren;
        QStringList paths;
        bool parentsAreOwner = false;
        bool spawnReturnsTheListedHandles = false;
    };
    auto owner = Thread::run("owner", [] {
        Seen seen;
        Events events;
        Countdown ready(2);
        ThreadGroup group("crew");
        const Thread a = group.spawn("a", waitForStop(events, ready, "a"));
        const Thread b = group.spawn("b", waitForStop(events, ready, "b"));
        ready.done().wait();
        const Thread me = Thread::current();
        seen.groupThreads = namesOf(group.threads());
        seen.ownerChildren = namesOf(me.children());
        seen.paths = QStringList{q(a.path()), q(b.path())};
        seen.parentsAreOwner = a.parent() && *a.parent() == me && b.parent() && *b.parent() == me;
        seen.spawnReturnsTheListedHandles = group.threads() == std::vector<Thread>{a, b};
        group.stop();
        group.join();
        return seen;
    });
    QVERIFY(owner.tryJoin(Till(testing::hangGuard)));
    const Seen seen = owner.join();
    QCOMPARE(seen.groupThreads, (QStringList{"a", "b"}));
    QCOMPARE(seen.ownerChildren, (QStringList{"a", "b"}));
    QCOMPARE(seen.paths, (QStringList{"main/owner/a", "main/owner/b"}));
    QVERIFY(seen.parentsAreOwner);
    QVERIFY(seen.spawnReturnsTheListedHandles);
}

void tst_ThreadGroup::emptyNameThrowsInvalidArgument()
{
    QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument, ThreadGroup(""));
    ThreadGroup group("named");
    QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument, group.spawn("", [] {}));
    QVERIFY(group.threads().empty());
    group.join();
}

void tst_ThreadGroup::incrementsAndDecrementsUnderALockEndAtZero_data()
{
    QTest::addColumn<int>("groups");
    QTest::addColumn<int>("threadsPerSide");
    QTest::addColumn<int>("rounds");
    // 10 000 increments against 10 000 decrements, as in thredo's test.
    QTest::newRow("one group of two threads") << 1 << 1 << 10000;
    QTest::newRow("two groups of ten threads") << 2 << 10 << 1000;
}

void tst_ThreadGroup::incrementsAndDecrementsUnderALockEndAtZero()
{
    QFETCH(int, groups);
    QFETCH(int, threadsPerSide);
    QFETCH(int, rounds);

    skein::Lock lock("counter");
    long counter = 0;  // guarded by lock
    Signal go;
    const auto add = [&lock, &counter, go](long delta, int times) {
        go.wait();  // every thread starts counting at once
        for (int i = 0; i < times; ++i) {
            std::lock_guard<skein::Lock> guard(lock);
            counter += delta;
        }
    };

    ThreadGroup increments("increments");
    ThreadGroup decrementsOwnGroup("decrements");
    ThreadGroup& decrements = groups == 1 ? increments : decrementsOwnGroup;
    for (int i = 0; i < threadsPerSide; ++i) {
        increments.spawn("increment-" + std::to_string(i), add, 1L, rounds);
        decrements.spawn("decrement-" + std::to_string(i), add, -1L, rounds);
    }
    go.go();
    increments.join();
    decrements.join();

    std::lock_guard<skein::Lock> guard(lock);
    QCOMPARE(counter, 0L);
    QCOMPARE(long(increments.threads().size() + decrementsOwnGroup.threads().size()), 2L * threadsPerSide);
}

QTEST_GUILESS_MAIN(tst_ThreadGroup)
#include "tst_thread_group.moc"
