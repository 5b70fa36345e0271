// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Signal: go() from many threads, callback order and removal races, waits
// with a `till`, never()/done(), names, shared handles and memory ordering.
#include <QtTest>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/log.h>
#include <skein/signal.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Subscription;
using testing::contains;
using testing::LogCapture;
using testing::Racers;

class tst_Signal : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void newSignalHasNotGone();
    void goFromManyThreadsRunsEachCallbackOnce();
    void goIsIdempotent();
    void aWokenWaiterMayDestroyTheHandleThatGoWasCalledThrough();
    void goFromInsideACallbackReturnsAtOnce();
    void callbacksRunInRegistrationOrder();
    void throwingCallbackIsLoggedAndTheOthersStillRun_data();
    void throwingCallbackIsLoggedAndTheOthersStillRun();
    void throwingInlineCallbackIsLoggedNotThrown();
    void callbackRunsInlineWhenAlreadyGone();
    void callbackAddedByACallbackRunsInline();
    void removeThenBeforeGoMeansTheCallbackNeverRuns();
    void removeThenAfterTheCallbackRanReturnsFalse();
    void removeThenOfAForeignSubscriptionReturnsFalse_data();
    void removeThenOfAForeignSubscriptionReturnsFalse();
    void removeThenRacingGoIsTrueOnlyWhenTheCallbackNeverRuns();
    void callbackRemovesItselfWhileRunning();
    void callbackRemovesALaterCallback();
    void callbackRemovingAnEarlierCallbackGetsFalse();
    void manyThreadsAddAndRemoveCallbacksWhileItGoes();
    void waitWithTillReturnsWhetherTheSignalWent_data();
    void waitWithTillReturnsWhetherTheSignalWent();
    void waitWithTillReturnsFalseWhenTillGoesFromAnotherThread();
    void waitReturnsAfterGoFromAnotherThread();
    void waitForZeroDoesNotBlock_data();
    void waitForZeroDoesNotBlock();
    void waitForReturnsFalseNoEarlierThanItsTimeout();
    void waitForLongTimeoutReturnsTrueWhenTheSignalGoes();
    void goOnNeverThrowsUsageError();
    void waitOnNeverThrowsUsageError();
    void doneHasGone();
    void thenOnNeverKeepsNothing();
    void givenNameIsKept();
    void unnamedSignalsGetDistinctNames();
    void copiesShareOneState();
    void writesBeforeGoAreVisibleAfterWait();
    void writesBeforeGoAreVisibleInCallbacksAndThroughBool();
};

void tst_Signal::newSignalHasNotGone()
{
    const Signal s;
    QVERIFY(!s);
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
    QVERIFY(!s.isNever());
}

void tst_Signal::goFromManyThreadsRunsEachCallbackOnce()
{
    constexpr int threads = 8;
    constexpr int callbacks = 100;
    constexpr int rounds = 500;
    Signal s;
    std::vector<std::atomic<int>> runs(callbacks);
    std::vector<std::atomic<int>> ranOn(callbacks);
    std::atomic<int> goReturned{0};
    thread_local int racer = -1;
    Racers racers(threads, [&](int i) {
        racer = i;
        s.go();
        goReturned.fetch_add(1);
    });

    for (int round = 0; round < rounds; ++round) {
        s = Signal();
        for (int j = 0; j < callbacks; ++j) {
            runs[j].store(0);
            ranOn[j].store(-1);
            s.then([&, j] {
                runs[j].fetch_add(1);
                ranOn[j].store(racer);
                // A little work keeps the first go() busy while the others
                // call go() too.
                for (volatile int k = 0; k < 1000; k = k + 1) {
                }
            });
        }
        goReturned.store(0);
        racers.runRound();

        QCOMPARE(goReturned.load(), threads);
        QVERIFY(bool(s));
        QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
        for (int j = 0; j < callbacks; ++j)
            QCOMPARE(runs[j].load(), 1);
        // Every callback ran on the one thread whose go() came first.
        for (int j = 0; j < callbacks; ++j) {
            QVERIFY(ranOn[j].load() >= 0);
            QCOMPARE(ranOn[j].load(), ranOn[0].load());
        }
    }
}

// absl::Notification's guarantee: the thread that waits may destroy the
// handle as soon as its wait returns, while go() called through that very
// handle is still waking it. ASan and TSan see a go() that touches the state
// after the last handle let go of it.
void tst_Signal::aWokenWaiterMayDestroyTheHandleThatGoWasCalledThrough()
{
    constexpr int rounds = 2000;
    int woken = 0;
    for (int round = 0; round < rounds; ++round) {
        auto done = std::make_unique<skein::Signal>("done");
        skein::Signal* const handle = done.get();
        std::thread goer([handle] { handle->go(); });
        woken += done->wait(skein::Till(testing::hangGuard));
        done.reset();
        goer.join();
    }
    QCOMPARE(woken, rounds);
}

void tst_Signal::goIsIdempotent()
{
    Signal s;
    int runs = 0;
    s.then([&] { ++runs; });
    s.go();
    s.go();
    s.go();
    QVERIFY(bool(s));
    QCOMPARE(runs, 1);
}

void tst_Signal::goFromInsideACallbackReturnsAtOnce()
{
    Signal s;
    std::vector<int> order;
    s.then([&] {
        order.push_back(1);
        s.go();  // already gone: returns at once, runs nothing again
        order.push_back(2);
    });
    s.then([&] { order.push_back(3); });
    s.go();
    QCOMPARE(order, (std::vector<int>{1, 2, 3}));
}

void tst_Signal::callbacksRunInRegistrationOrder()
{
    Signal s;
    std::vector<int> order;
    std::vector<Subscription> subscriptions;
    for (int i = 0; i < 20; ++i)
        subscriptions.push_back(s.then([&order, i] { order.push_back(i); }));
    // Removing some in the middle keeps the order of the rest.
    QVERIFY(s.removeThen(subscriptions[5]));
    QVERIFY(s.removeThen(subscriptions[13]));
    s.go();

    std::vector<int> expected;
    for (int i = 0; i < 20; ++i) {
        if (i != 5 && i != 13)
            expected.push_back(i);
    }
    QCOMPARE(order, expected);
}

void tst_Signal::throwingCallbackIsLoggedAndTheOthersStillRun_data()
{
    QTest::addColumn<bool>("stdException");
    QTest::addColumn<QString>("what");
    QTest::newRow("std::exception") << true << QStringLiteral("the-reason-it-threw");
    QTest::newRow("anything else") << false << QString();
}

void tst_Signal::throwingCallbackIsLoggedAndTheOthersStillRun()
{
    QFETCH(bool, stdException);
    QFETCH(QString, what);

    const LogCapture capture;
    Signal s("throwing-signal");
    bool firstRan = false;
    bool lastRan = false;
    s.then([&] { firstRan = true; });
    s.then([&] {
        if (stdException)
            throw std::runtime_error(what.toStdString());
        throw 42;
    });
    s.then([&] { lastRan = true; });

    try {
        s.go();
    } catch (...) {
        QFAIL("go() let a callback's exception escape");
    }

    QVERIFY(firstRan);
    QVERIFY(lastRan);
    const auto records = capture.records();
    QCOMPARE(records.size(), std::size_t(1));
    QVERIFY2(contains(records[0].message, "throwing-signal"), records[0].message.c_str());
    if (stdException)
        QVERIFY2(contains(records[0].message, what.toStdString()), records[0].message.c_str());
    QVERIFY(records[0].level == skein::LogLevel::Warning || records[0].level == skein::LogLevel::Error);
}

void tst_Signal::throwingInlineCallbackIsLoggedNotThrown()
{
    const LogCapture capture;
    Signal s("gone-before-then");
    s.go();
    try {
        s.then([] { throw std::runtime_error("inline"); });
    } catch (...) {
        QFAIL("then() let an inline callback's exception escape");
    }
    const auto records = capture.records();
    QCOMPARE(records.size(), std::size_t(1));
    QVERIFY2(contains(records[0].message, "gone-before-then"), records[0].message.c_str());
}

void tst_Signal::callbackRunsInlineWhenAlreadyGone()
{
    Signal s;
    s.go();
    bool ran = false;
    std::thread::id ranOn;
    const Subscription subscription = s.then([&] {
        ran = true;
        ranOn = std::this_thread::get_id();
    });
    QVERIFY(ran);  // before then() returned
    QCOMPARE(ranOn, std::this_thread::get_id());
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
    // Its subscription removes nothing.
    QVERIFY(!s.removeThen(subscription));
}

void tst_Signal::callbackAddedByACallbackRunsInline()
{
    Signal s;
    std::vector<int> order;
    s.then([&] {
        order.push_back(1);
        s.then([&] { order.push_back(2); });  // s has gone: runs now, inside this callback
        order.push_back(3);
    });
    s.then([&] { order.push_back(4); });
    s.go();
    QCOMPARE(order, (std::vector<int>{1, 2, 3, 4}));
}

void tst_Signal::removeThenBeforeGoMeansTheCallbackNeverRuns()
{
    Signal s;
    bool ran = false;
    const Subscription subscription = s.then([&] { ran = true; });
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(1));
    QVERIFY(s.removeThen(subscription));
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
    QVERIFY(!s.removeThen(subscription));  // only once
    s.go();
    QVERIFY(!ran);
}

void tst_Signal::removeThenAfterTheCallbackRanReturnsFalse()
{
    Signal s;
    int runs = 0;
    const Subscription subscription = s.then([&] { ++runs; });
    s.go();
    QCOMPARE(runs, 1);
    QVERIFY(!s.removeThen(subscription));
}

void tst_Signal::removeThenOfAForeignSubscriptionReturnsFalse_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("default Subscription") << QStringLiteral("default");
    QTest::newRow("another signal's subscription") << QStringLiteral("other");
    QTest::newRow("a destroyed signal's subscription") << QStringLiteral("destroyed");
}

void tst_Signal::removeThenOfAForeignSubscriptionReturnsFalse()
{
    QFETCH(QString, kind);

    Signal s;
    bool ownRan = false;
    s.then([&] { ownRan = true; });
    Signal other;
    bool otherRan = false;
    Subscription subscription;
    if (kind == QLatin1String("other")) {
        subscription = other.then([&] { otherRan = true; });
    } else if (kind == QLatin1String("destroyed")) {
        Signal dead;
        subscription = dead.then([] {});
    }

    QVERIFY(!s.removeThen(subscription));
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(1));
    s.go();
    QVERIFY(ownRan);
    if (kind == QLatin1String("other")) {
        // Left alone on its own signal too.
        QCOMPARE(skein::detail::pendingCallbacks(other), std::size_t(1));
        other.go();
        QVERIFY(otherRan);
    }
}

void tst_Signal::removeThenRacingGoIsTrueOnlyWhenTheCallbackNeverRuns()
{
    constexpr int rounds = 10000;
    Signal s;
    std::atomic<int> runs{0};
    Racers goer(1, [&](int) { s.go(); });

    int removedCount = 0;
    for (int round = 0; round < rounds; ++round) {
        s = Signal();
        runs.store(0);
        // A few callbacks ahead of ours (0 to 3, by round) move the instant
        // ours starts.
        for (int k = 0; k < round % 4; ++k)
            s.then([] {});
        const Subscription subscription = s.then([&] { runs.fetch_add(1); });

        goer.start();
        // The goer needs a moment to wake up: a busy delay that varies by
        // round (not a sleep, nothing waits on it) lets removeThen() land on
        // every side of the callback.
        for (volatile int k = 0; k < (round % 128) * 64; k = k + 1) {
        }
        const bool removed = s.removeThen(subscription);
        goer.finish();

        // go() has returned: a callback that was running when removeThen()
        // said false has finished by now.
        QVERIFY(runs.load() <= 1);
        if (removed)
            QCOMPARE(runs.load(), 0);
        else
            QCOMPARE(runs.load(), 1);
        removedCount += removed ? 1 : 0;
    }
    qInfo("removeThen() won the race %d times out of %d", removedCount, rounds);
}

void tst_Signal::callbackRemovesItselfWhileRunning()
{
    Signal s;
    Subscription self;
    int runs = 0;
    bool removedSelf = true;
    bool nextRan = false;
    self = s.then([&] {
        ++runs;
        removedSelf = s.removeThen(self);  // running: false, and no deadlock
    });
    s.then([&] { nextRan = true; });
    s.go();
    QCOMPARE(runs, 1);
    QVERIFY(!removedSelf);
    QVERIFY(nextRan);
}

void tst_Signal::callbackRemovesALaterCallback()
{
    Signal s;
    Subscription later;
    bool removedLater = false;
    bool laterRan = false;
    bool lastRan = false;
    s.then([&] { removedLater = s.removeThen(later); });
    later = s.then([&] { laterRan = true; });
    s.then([&] { lastRan = true; });
    s.go();
    QVERIFY(removedLater);
    QVERIFY(!laterRan);
    QVERIFY(lastRan);
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
}

void tst_Signal::callbackRemovingAnEarlierCallbackGetsFalse()
{
    Signal s;
    int earlierRuns = 0;
    bool removedEarlier = true;
    const Subscription earlier = s.then([&] { ++earlierRuns; });
    s.then([&] { removedEarlier = s.removeThen(earlier); });
    s.go();
    QCOMPARE(earlierRuns, 1);
    QVERIFY(!removedEarlier);
}

void tst_Signal::manyThreadsAddAndRemoveCallbacksWhileItGoes()
{
    constexpr int adders = 4;
    constexpr int perAdder = 100;
    constexpr int total = adders * perAdder;
    constexpr int rounds = 200;

    Signal s;
    int goAfter = 0;  // go once this many callbacks were registered; set per round
    std::vector<std::atomic<int>> runs(total);
    // Written by the thread that owns index i, read after the round.
    std::vector<int> removeTried(total);
    std::vector<int> removed(total);
    std::atomic<int> registered{0};

    Racers racers(adders + 1, [&](int racer) {
        if (racer == adders) {  // the one that goes, in the middle of the stream
            while (registered.load() < goAfter)
                std::this_thread::yield();
            s.go();
            return;
        }
        const int base = racer * perAdder;
        std::vector<Subscription> subscriptions(perAdder);
        for (int j = 0; j < perAdder; ++j) {
            const int i = base + j;
            subscriptions[j] = s.then([&runs, i] { runs[i].fetch_add(1); });
            registered.fetch_add(1);
            // Remove every other callback, one step late, so removals hit
            // callbacks that are pending, running or done.
            if (j % 2 == 1) {
                removeTried[i - 1] = 1;
                removed[i - 1] = s.removeThen(subscriptions[j - 1]) ? 1 : 0;
            }
        }
    });

    for (int round = 0; round < rounds; ++round) {
        s = Signal();
        goAfter = (round * 37) % total;
        registered.store(0);
        for (int i = 0; i < total; ++i) {
            runs[i].store(0);
            removeTried[i] = 0;
            removed[i] = 0;
        }
        racers.runRound();

        QVERIFY(bool(s));
        QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
        for (int i = 0; i < total; ++i) {
            QVERIFY(runs[i].load() <= 1);
            if (removed[i])
                QCOMPARE(runs[i].load(), 0);
            else
                QCOMPARE(runs[i].load(), 1);  // never removed, or removed too late: ran
            if (!removeTried[i])
                QVERIFY(!removed[i]);
        }
    }
}

void tst_Signal::waitWithTillReturnsWhetherTheSignalWent_data()
{
    QTest::addColumn<bool>("signalWent");
    QTest::addColumn<bool>("tillWent");
    QTest::newRow("till went first") << false << true;
    QTest::newRow("signal went") << true << false;
    QTest::newRow("both went") << true << true;
}

void tst_Signal::waitWithTillReturnsWhetherTheSignalWent()
{
    QFETCH(bool, signalWent);
    QFETCH(bool, tillWent);
    Signal s;
    Signal till;
    if (signalWent)
        s.go();
    if (tillWent)
        till.go();
    QCOMPARE(s.wait(till), signalWent);
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

void tst_Signal::waitWithTillReturnsFalseWhenTillGoesFromAnotherThread()
{
    Signal s;
    Signal till;
    Signal waiting;
    std::thread other([&] {
        waiting.wait();
        till.go();
    });
    waiting.go();
    const bool went = s.wait(till);
    other.join();
    QVERIFY(!went);
    QVERIFY(!s);
    // The wait unregistered from till and from nothing else is left behind.
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
}

void tst_Signal::waitReturnsAfterGoFromAnotherThread()
{
    Signal s;
    Signal waiting;
    std::thread other([&] {
        waiting.wait();
        s.go();
    });
    waiting.go();
    s.wait();
    QVERIFY(bool(s));
    other.join();
}

void tst_Signal::waitForZeroDoesNotBlock_data()
{
    QTest::addColumn<bool>("gone");
    QTest::newRow("pending") << false;
    QTest::newRow("gone") << true;
}

void tst_Signal::waitForZeroDoesNotBlock()
{
    QFETCH(bool, gone);
    Signal s;
    if (gone)
        s.go();
    // On a signal that never goes, a blocking waitFor would hang the test.
    QCOMPARE(s.waitFor(0ms), gone);
    QCOMPARE(s.waitFor(-5s), gone);
    QCOMPARE(skein::detail::pendingCallbacks(s), std::size_t(0));
}

void tst_Signal::waitForReturnsFalseNoEarlierThanItsTimeout()
{
    const Signal s;
    const auto start = std::chrono::steady_clock::now();
    QVERIFY(!s.waitFor(20ms));
    // Bounded from below only, with no slack: a Till never goes before its
    // deadline (deadlines round up), so this holds however loaded the machine.
    QVERIFY(std::chrono::steady_clock::now() - start >= 20ms);
}

void tst_Signal::waitForLongTimeoutReturnsTrueWhenTheSignalGoes()
{
    Signal s;
    Signal waiting;
    std::thread other([&] {
        waiting.wait();
        s.go();
    });
    waiting.go();
    // True can only come from s going; were the wake-up lost, the test would
    // hang for an hour instead (and ctest's timeout would fail it).
    QVERIFY(s.waitFor(1h));
    other.join();
}

void tst_Signal::goOnNeverThrowsUsageError()
{
    Signal never = Signal::never();
    QVERIFY_THROWS_EXCEPTION(skein::UsageError, never.go());
    QVERIFY(!Signal::never());
}

void tst_Signal::waitOnNeverThrowsUsageError() { QVERIFY_THROWS_EXCEPTION(skein::UsageError, Signal::never().wait()); }

void tst_Signal::doneHasGone()
{
    QVERIFY(bool(Signal::done()));
    QVERIFY(!Signal::done().isNever());
    Signal::done().wait();  // returns at once
    QVERIFY(Signal::done().wait(Signal::never()));
    QVERIFY(Signal::done().waitFor(0ms));
    QVERIFY(Signal::never().isNever());
    QVERIFY(Signal::done() == Signal::done());
    QVERIFY(Signal::never() == Signal::never());
}

void tst_Signal::thenOnNeverKeepsNothing()
{
    bool ran = false;
    const Subscription subscription = Signal::never().then([&] { ran = true; });
    QCOMPARE(skein::detail::pendingCallbacks(Signal::never()), std::size_t(0));
    QVERIFY(!ran);
    QVERIFY(!Signal::never().removeThen(subscription));
}

void tst_Signal::givenNameIsKept()
{
    const Signal s("loader-ready");
    QCOMPARE(s.name(), std::string("loader-ready"));
    const Signal copy = s;
    QCOMPARE(copy.name(), std::string("loader-ready"));
    QCOMPARE(Signal::never().name(), std::string("never"));
    QCOMPARE(Signal::done().name(), std::string("done"));
}

void tst_Signal::unnamedSignalsGetDistinctNames()
{
    std::set<std::string> names;
    std::vector<Signal> handles(50);
    for (const Signal& s : handles) {
        const std::string name = s.name();
        QVERIFY(!name.empty());
        QCOMPARE(s.name(), name);  // stable once given
        names.insert(name);
    }
    QCOMPARE(names.size(), handles.size());
    // A copy has the same name: it is the same signal.
    const Signal copy = handles.front();
    QCOMPARE(copy.name(), handles.front().name());
}

void tst_Signal::copiesShareOneState()
{
    Signal original;
    Signal copy = original;
    Signal other;
    QVERIFY(copy == original);
    QVERIFY(!(copy != original));
    QVERIFY(other != original);

    bool ran = false;
    original.then([&] { ran = true; });
    QCOMPARE(skein::detail::pendingCallbacks(copy), std::size_t(1));
    copy.go();
    QVERIFY(bool(original));
    QVERIFY(ran);
    QVERIFY(!other);

    // A moved-from handle is still the same signal.
    Signal moved = std::move(copy);
    QVERIFY(moved == original);
    QVERIFY(copy == original);  // NOLINT(bugprone-use-after-move): the contract says it stays valid
    QVERIFY(bool(copy));
}

void tst_Signal::writesBeforeGoAreVisibleAfterWait()
{
    // Plain ints: TSan reports a data race if go()/wait() do not order them.
    constexpr int rounds = 200;
    for (int round = 0; round < rounds; ++round) {
        int data = 0;
        int dataWithTill = 0;
        Signal ready;
        Signal readyWithTill;
        std::thread writer([&] {
            data = round + 1;
            ready.go();
            dataWithTill = round + 2;
            readyWithTill.go();
        });
        ready.wait();
        QCOMPARE(data, round + 1);
        QVERIFY(readyWithTill.wait(Signal()));  // the wait with a till takes another path
        QCOMPARE(dataWithTill, round + 2);
        writer.join();
    }
}

void tst_Signal::writesBeforeGoAreVisibleInCallbacksAndThroughBool()
{
    constexpr int rounds = 200;
    for (int round = 0; round < rounds; ++round) {
        int data = 0;
        int seenInCallback = -1;
        Signal ready;
        std::thread writer([&] {
            data = round + 1;
            ready.go();
        });
        // Registered while the writer goes: the callback runs either on the
        // writer, or here, inline, after then() saw the signal gone; either
        // way it must see the write made before go().
        ready.then([&] { seenInCallback = data; });
        while (!ready)
            std::this_thread::yield();
        QCOMPARE(data, round + 1);
        writer.join();
        QCOMPARE(seenInCallback, round + 1);
    }
}

QTEST_GUILESS_MAIN(tst_Signal)
#include "tst_signal.moc"
