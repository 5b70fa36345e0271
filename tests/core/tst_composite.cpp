// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Composite signals: a | b and a & b with inputs that went, done() and
// never(); chains on temporaries; cleanup of the inputs' callbacks, of the
// timer and of memory; inputs that go together; one input used twice.
#include <QtTest>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Till;
using skein::detail::liveSignalStates;
using skein::detail::pendingCallbacks;
using skein::detail::pendingTimers;
using testing::Racers;
using testing::residentBytes;

namespace {

// Signal states, timers and RSS before a loop, to compare with after it.
struct Baseline {
    std::size_t states = liveSignalStates();
    std::size_t timers = pendingTimers();
};

// A real leak of one round's states is hundreds of bytes (two SignalStates
// with a mutex, a condition variable, vectors and a name, plus the
// callbacks' heap-held functors): 100 000 rounds would grow RSS by tens of
// MiB. 8 MiB of slack absorbs what is not a leak: malloc keeping freed
// chunks in its arenas and caches, and the test framework's own allocations.
constexpr long long rssSlack = 8LL * 1024 * 1024;

}  // namespace

class tst_Composite : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void compositeOfDecidedInputsIsBornDecided_data();
    void compositeOfDecidedInputsIsBornDecided();
    void andWithDoneGoesWhenTheOtherInputGoes_data();
    void andWithDoneGoesWhenTheOtherInputGoes();
    void orWithNeverGoesWhenTheOtherInputGoes_data();
    void orWithNeverGoesWhenTheOtherInputGoes();
    void andWithNeverNeverGoesOnItsOwn_data();
    void andWithNeverNeverGoesOnItsOwn();
    void orGoesWhenEitherInputGoes_data();
    void orGoesWhenEitherInputGoes();
    void andGoesOnlyWhenBothInputsWent_data();
    void andGoesOnlyWhenBothInputsWent();
    void chainKeepsItsTemporaryInputsAlive();
    void waitOnAChainOfTemporariesReturnsWhenAllWent();
    void sameInputTwiceGoesWhenItGoes_data();
    void sameInputTwiceGoesWhenItGoes();
    void callbackOnACompositeWithoutHandlesStillRuns_data();
    void callbackOnACompositeWithoutHandlesStillRuns();
    void orUnregistersFromTheOtherInputWhenItGoes();
    void droppedCompositeUnregistersFromItsInputs_data();
    void droppedCompositeUnregistersFromItsInputs();
    void waitingOnAGoneTillOrSignalLeavesNothingBehind();
    void unusedTillOrSignalLeavesNothingBehind();
    void waitingOnAShortTillOrSignalLeavesNothingBehind();
    void compositeGoesOnceWhenItsInputsGoTogether();
};

void tst_Composite::initTestCase()
{
    // States made once, on first use, and kept for the process: done(),
    // never(), and the main thread's pleaseStop, stopped, ... (made the first
    // time it blocks in Skein). Make them now, so that every baseline of
    // liveSignalStates() below includes them, whichever test runs alone.
    QVERIFY(bool(Signal::done()));
    QVERIFY(Signal::never().isNever());
    QCOMPARE(skein::Thread::current().name(), std::string("main"));
}

// Each row builds a composite from inputs that already decide it.
void tst_Composite::compositeOfDecidedInputsIsBornDecided_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<bool>("gone");
    QTest::newRow("a | done()") << QStringLiteral("a | done()") << true;
    QTest::newRow("done() | a") << QStringLiteral("done() | a") << true;
    QTest::newRow("done() | never()") << QStringLiteral("done() | never()") << true;
    QTest::newRow("a | b, a went") << QStringLiteral("a | b, a went") << true;
    QTest::newRow("a | b, b went") << QStringLiteral("a | b, b went") << true;
    QTest::newRow("done() & done()") << QStringLiteral("done() & done()") << true;
    QTest::newRow("a & b, both went") << QStringLiteral("a & b, both went") << true;
    QTest::newRow("a & done(), a went") << QStringLiteral("a & done(), a went") << true;
    QTest::newRow("never() & done()") << QStringLiteral("never() & done()") << false;
    QTest::newRow("never() | never()") << QStringLiteral("never() | never()") << false;
}

void tst_Composite::compositeOfDecidedInputsIsBornDecided()
{
    QFETCH(QString, expression);
    QFETCH(bool, gone);

    Signal a;
    Signal b;
    const Signal& done = Signal::done();
    const Signal& never = Signal::never();
    Signal c;
    if (expression == QLatin1String("a | done()")) {
        c = a | done;
    } else if (expression == QLatin1String("done() | a")) {
        c = done | a;
    } else if (expression == QLatin1String("done() | never()")) {
        c = done | never;
    } else if (expression == QLatin1String("a | b, a went")) {
        a.go();
        c = a | b;
    } else if (expression == QLatin1String("a | b, b went")) {
        b.go();
        c = a | b;
    } else if (expression == QLatin1String("done() & done()")) {
        c = done & done;
    } else if (expression == QLatin1String("a & b, both went")) {
        a.go();
        b.go();
        c = a & b;
    } else if (expression == QLatin1String("a & done(), a went")) {
        a.go();
        c = a & done;
    } else if (expression == QLatin1String("never() & done()")) {
        c = never & done;
    } else if (expression == QLatin1String("never() | never()")) {
        c = never | never;
    } else {
        QFAIL("unknown row");
    }

    QCOMPARE(bool(c), gone);
    // A decided composite hangs nothing on its inputs.
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
    QCOMPARE(pendingCallbacks(b), std::size_t(0));
    QCOMPARE(pendingCallbacks(never), std::size_t(0));
    if (gone) {
        bool ran = false;
        c.then([&] { ran = true; });
        QVERIFY(ran);
    }
}

void tst_Composite::andWithDoneGoesWhenTheOtherInputGoes_data()
{
    QTest::addColumn<bool>("doneFirst");
    QTest::newRow("a & done()") << false;
    QTest::newRow("done() & a") << true;
}

void tst_Composite::andWithDoneGoesWhenTheOtherInputGoes()
{
    QFETCH(bool, doneFirst);
    Signal a;
    const Signal c = doneFirst ? (Signal::done() & a) : (a & Signal::done());
    QVERIFY(!c);
    int runs = 0;
    c.then([&] { ++runs; });
    a.go();
    QVERIFY(bool(c));
    QCOMPARE(runs, 1);
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
}

void tst_Composite::orWithNeverGoesWhenTheOtherInputGoes_data()
{
    QTest::addColumn<bool>("neverFirst");
    QTest::newRow("a | never()") << false;
    QTest::newRow("never() | a") << true;
}

void tst_Composite::orWithNeverGoesWhenTheOtherInputGoes()
{
    QFETCH(bool, neverFirst);
    Signal a;
    const Signal c = neverFirst ? (Signal::never() | a) : (a | Signal::never());
    QVERIFY(!c);
    QVERIFY(!c.isNever());  // it can go, unlike never() itself
    QCOMPARE(pendingCallbacks(Signal::never()), std::size_t(0));
    int runs = 0;
    c.then([&] { ++runs; });
    a.go();
    QVERIFY(bool(c));
    QCOMPARE(runs, 1);
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
}

void tst_Composite::andWithNeverNeverGoesOnItsOwn_data()
{
    QTest::addColumn<bool>("neverFirst");
    QTest::newRow("a & never()") << false;
    QTest::newRow("never() & a") << true;
}

void tst_Composite::andWithNeverNeverGoesOnItsOwn()
{
    QFETCH(bool, neverFirst);
    Signal a;
    const Signal c = neverFirst ? (Signal::never() & a) : (a & Signal::never());
    // It is never() itself: nobody can make it go, not even by hand.
    QVERIFY(c.isNever());
    QVERIFY(c == Signal::never());
    QVERIFY_THROWS_EXCEPTION(skein::UsageError, c.go());
    bool ran = false;
    c.then([&] { ran = true; });
    a.go();
    QVERIFY(!c);
    QVERIFY(!ran);
    QVERIFY(!c.waitFor(0ms));
    // Nothing can make it go, so it keeps nothing hanging on its inputs.
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
    QCOMPARE(pendingCallbacks(Signal::never()), std::size_t(0));
}

void tst_Composite::orGoesWhenEitherInputGoes_data()
{
    QTest::addColumn<bool>("firstGoes");
    QTest::newRow("first input goes") << true;
    QTest::newRow("second input goes") << false;
}

void tst_Composite::orGoesWhenEitherInputGoes()
{
    QFETCH(bool, firstGoes);
    Signal a;
    Signal b;
    const Signal c = a | b;
    QVERIFY(!c);
    int runs = 0;
    c.then([&] { ++runs; });
    (firstGoes ? a : b).go();
    QVERIFY(bool(c));
    QCOMPARE(runs, 1);
    (firstGoes ? b : a).go();
    QCOMPARE(runs, 1);
}

void tst_Composite::andGoesOnlyWhenBothInputsWent_data()
{
    QTest::addColumn<bool>("firstGoesFirst");
    QTest::newRow("first, then second") << true;
    QTest::newRow("second, then first") << false;
}

void tst_Composite::andGoesOnlyWhenBothInputsWent()
{
    QFETCH(bool, firstGoesFirst);
    Signal a;
    Signal b;
    const Signal c = a & b;
    int runs = 0;
    c.then([&] { ++runs; });
    (firstGoesFirst ? a : b).go();
    QVERIFY(!c);
    QCOMPARE(runs, 0);
    (firstGoesFirst ? b : a).go();
    QVERIFY(bool(c));
    QCOMPARE(runs, 1);
}

void tst_Composite::chainKeepsItsTemporaryInputsAlive()
{
    Signal a;
    Signal b;
    Signal c;
    Signal d;
    const std::size_t before = liveSignalStates();
    {
        // (a & b) and (c | d) have no handle but the outer composite's.
        const Signal all = (a & b) & (c | d);
        QVERIFY(liveSignalStates() > before);
        a.go();
        b.go();
        QVERIFY(!all);
        d.go();
        QVERIFY(bool(all));
    }
    QCOMPARE(liveSignalStates(), before);
    QCOMPARE(pendingCallbacks(c), std::size_t(0));
}

void tst_Composite::waitOnAChainOfTemporariesReturnsWhenAllWent()
{
    Signal a;
    Signal b;
    Signal c;
    Signal waiting;
    const std::size_t before = liveSignalStates();
    std::thread other([&] {
        waiting.wait();
        a.go();
        b.go();
        c.go();
    });
    waiting.go();
    (a & b & c).wait();
    QVERIFY(a && b && c);
    other.join();
    QCOMPARE(liveSignalStates(), before);

    // The same with |, and as the `till` of another wait.
    Signal x;
    Signal y;
    std::thread other2([&] { y.go(); });
    const Signal pending;
    QVERIFY(!pending.wait(x | y | Signal()));
    other2.join();
    QCOMPARE(pendingCallbacks(x), std::size_t(0));
}

void tst_Composite::sameInputTwiceGoesWhenItGoes_data()
{
    QTest::addColumn<bool>("useAnd");
    QTest::newRow("a & a") << true;
    QTest::newRow("a | a") << false;
}

void tst_Composite::sameInputTwiceGoesWhenItGoes()
{
    QFETCH(bool, useAnd);
    Signal a;
    const Signal c = useAnd ? (a & a) : (a | a);
    int runs = 0;
    c.then([&] { ++runs; });
    QVERIFY(!c);
    a.go();
    QVERIFY(bool(c));
    QCOMPARE(runs, 1);
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
}

void tst_Composite::callbackOnACompositeWithoutHandlesStillRuns_data()
{
    QTest::addColumn<bool>("useAnd");
    QTest::newRow("(a & b).then(f)") << true;
    QTest::newRow("(a | b).then(f)") << false;
}

// signal.h: a state "lives as long as the last handle, composite or pending
// registration that refers to it", and then() runs fn once on go. A pending
// then() on a composite whose handle was a temporary must therefore keep it,
// as `Till(1s).then(f)` keeps its Till: `(pleaseStop | done).then(cleanup)`
// is the natural way to write it.
void tst_Composite::callbackOnACompositeWithoutHandlesStillRuns()
{
    QFETCH(bool, useAnd);
    Signal a;
    Signal b;
    const std::size_t before = liveSignalStates();
    int runs = 0;
    (useAnd ? (a & b) : (a | b)).then([&] { ++runs; });
    a.go();
    b.go();
    QCOMPARE(runs, 1);
    // Once it has gone, nothing of it is left.
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
    QCOMPARE(pendingCallbacks(b), std::size_t(0));
    QCOMPARE(liveSignalStates(), before);
}

void tst_Composite::orUnregistersFromTheOtherInputWhenItGoes()
{
    Signal a;
    Signal b;
    const Signal c = a | b;
    QCOMPARE(pendingCallbacks(a), std::size_t(1));
    QCOMPARE(pendingCallbacks(b), std::size_t(1));
    a.go();
    QVERIFY(bool(c));
    // c is still held here: going, not dying, is what let go of b.
    QCOMPARE(pendingCallbacks(b), std::size_t(0));
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
}

void tst_Composite::droppedCompositeUnregistersFromItsInputs_data()
{
    QTest::addColumn<bool>("useAnd");
    QTest::addColumn<bool>("firstWent");
    QTest::newRow("a & b, neither went") << true << false;
    QTest::newRow("a & b, a went") << true << true;
    QTest::newRow("a | b, neither went") << false << false;
}

void tst_Composite::droppedCompositeUnregistersFromItsInputs()
{
    QFETCH(bool, useAnd);
    QFETCH(bool, firstWent);
    Signal a;
    Signal b;
    const std::size_t before = liveSignalStates();
    {
        const Signal c = useAnd ? (a & b) : (a | b);
        QCOMPARE(liveSignalStates(), before + 1);
        QCOMPARE(pendingCallbacks(a), std::size_t(1));
        QCOMPARE(pendingCallbacks(b), std::size_t(1));
        if (firstWent)
            a.go();
        QVERIFY(!c);
        QCOMPARE(pendingCallbacks(b), std::size_t(1));
    }
    QCOMPARE(pendingCallbacks(a), std::size_t(0));
    QCOMPARE(pendingCallbacks(b), std::size_t(0));
    QCOMPARE(liveSignalStates(), before);
}

void tst_Composite::waitingOnAGoneTillOrSignalLeavesNothingBehind()
{
    constexpr int warmUp = 10000;
    constexpr int rounds = 100000;
    const Signal s;
    const Baseline baseline;

    for (int i = 0; i < warmUp; ++i)
        (Till(0ms) | s).wait();
    const long long rssAfterWarmUp = residentBytes();
    for (int i = 0; i < rounds; ++i)
        (Till(0ms) | s).wait();

    QCOMPARE(pendingCallbacks(s), std::size_t(0));
    QCOMPARE(liveSignalStates(), baseline.states);
    QCOMPARE(pendingTimers(), baseline.timers);
#ifndef SKEIN_TEST_ASAN  // ASan's quarantine holds freed memory: RSS grows without a leak
    const long long growth = residentBytes() - rssAfterWarmUp;
    qInfo("RSS grew by %lld bytes over %d rounds", growth, rounds);
    QVERIFY2(growth < rssSlack, qPrintable(QStringLiteral("RSS grew by %1 bytes").arg(growth)));
#else
    Q_UNUSED(rssAfterWarmUp);
#endif
}

void tst_Composite::unusedTillOrSignalLeavesNothingBehind()
{
    constexpr int warmUp = 10000;
    constexpr int rounds = 100000;
    const Signal s;
    const Baseline baseline;

    for (int i = 0; i < warmUp; ++i) {
        const Signal unused = Till(1h) | s;
    }
    const long long rssAfterWarmUp = residentBytes();
    for (int i = 0; i < rounds; ++i) {
        const Signal unused = Till(1h) | s;
    }

    // Dropping the composite drops the Till: nothing waits, nothing pends.
    QCOMPARE(pendingCallbacks(s), std::size_t(0));
    QCOMPARE(liveSignalStates(), baseline.states);
    QCOMPARE(pendingTimers(), baseline.timers);
#ifndef SKEIN_TEST_ASAN  // ASan's quarantine holds freed memory: RSS grows without a leak
    const long long growth = residentBytes() - rssAfterWarmUp;
    qInfo("RSS grew by %lld bytes over %d rounds", growth, rounds);
    QVERIFY2(growth < rssSlack, qPrintable(QStringLiteral("RSS grew by %1 bytes").arg(growth)));
#else
    Q_UNUSED(rssAfterWarmUp);
#endif
}

void tst_Composite::waitingOnAShortTillOrSignalLeavesNothingBehind()
{
    // 100 000 real timeouts would take too long; 1 000 go through the timer
    // thread just the same.
    constexpr int rounds = 1000;
    const Signal s;
    const Baseline baseline;

    for (int i = 0; i < rounds; ++i)
        (Till(100us) | s).wait();

    // The timer takes a Till off its heap before it makes it go.
    QCOMPARE(pendingTimers(), baseline.timers);
    // wait() returns as soon as the composite has gone, on the timer thread,
    // which then finishes that go(): it unregisters the composite from s and
    // drops its last references to the composite and the Till a moment
    // later. So these two settle after the last wait(), when the timer thread
    // next runs (a loaded machine may keep it waiting: hangGuardMs), and must
    // then be exactly back where they started.
    QTRY_COMPARE_WITH_TIMEOUT(pendingCallbacks(s), std::size_t(0), testing::hangGuardMs);
    QTRY_COMPARE_WITH_TIMEOUT(liveSignalStates(), baseline.states, testing::hangGuardMs);
}

void tst_Composite::compositeGoesOnceWhenItsInputsGoTogether()
{
    constexpr int rounds = 10000;
    Signal a;
    Signal b;
    Racers racers(2, [&](int racer) { (racer == 0 ? a : b).go(); });

    std::atomic<int> anyRuns{0};
    std::atomic<int> allRuns{0};
    std::atomic<bool> allSawBoth{false};
    for (int round = 0; round < rounds; ++round) {
        a = Signal();
        b = Signal();
        const Signal any = a | b;
        const Signal all = a & b;
        anyRuns.store(0);
        allRuns.store(0);
        allSawBoth.store(false);
        any.then([&] { anyRuns.fetch_add(1); });
        all.then([&] {
            allRuns.fetch_add(1);
            allSawBoth.store(a && b);
        });

        racers.runRound();

        QCOMPARE(anyRuns.load(), 1);
        QCOMPARE(allRuns.load(), 1);
        QVERIFY(allSawBoth.load());
        QVERIFY(any && all);
        QCOMPARE(pendingCallbacks(a), std::size_t(0));
        QCOMPARE(pendingCallbacks(b), std::size_t(0));
    }
}

QTEST_GUILESS_MAIN(tst_Composite)
#include "tst_composite.moc"
