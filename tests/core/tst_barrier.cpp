// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Tests for skein::Barrier and skein::Latch: arrival indices and rounds that
// never mix, the completion function, breaking (abort(), a `till`, a
// throwing completion) and reset(), destruction while threads wait, and the
// Latch's count down to its done() Signal. Python's threading.Barrier is the
// model; where a test shows one of its behaviours, its comment says which.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include <skein/barrier.h>
#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Barrier;
using skein::BrokenBarrier;
using skein::Latch;
using skein::Signal;
using skein::Till;
using testing::contains;
using testing::CustomFailure;
using testing::Events;
using testing::Joining;
using testing::messageOf;
using testing::names;
using testing::q;
using testing::waitUntilBlockedOn;
using testing::waitUntilParked;
using Clock = std::chrono::steady_clock;

namespace {

// Waits until `n` threads wait in the barrier's current round; false after
// the hang guard.
bool waitUntilWaiting(const Barrier& barrier, std::size_t n)
{
    return testing::pollUntil([&] { return barrier.waiting() >= n; });
}

// What a wait() on `barrier` ended with: its index, or what it threw.
struct Outcome {
    std::optional<std::size_t> index;
    std::optional<std::string> broken;  // the message of a BrokenBarrier
};

Outcome waitOn(Barrier& barrier, const Signal& till = Signal::never())
{
    Outcome outcome;
    outcome.broken = messageOf<BrokenBarrier>([&] { outcome.index = barrier.wait(till); });
    return outcome;
}

const char* text(const std::optional<std::string>& message) { return message ? message->c_str() : "(none)"; }

// Threads that are joined when it goes out of scope. When the test has
// failed by then (a check returned early), `onFailure` first lets them go
// (aborts the barrier, makes a Signal go), so that a failure never hangs.
class Crew {
public:
    explicit Crew(std::function<void()> onFailure) : onFailure_(std::move(onFailure)) {}
    Crew(const Crew&) = delete;
    Crew& operator=(const Crew&) = delete;
    ~Crew()
    {
        if (QTest::currentTestFailed())
            onFailure_();
    }

    template <class F>
    void start(F&& fn)
    {
        threads_.emplace_back(std::forward<F>(fn));
    }

private:
    std::function<void()> onFailure_;
    std::vector<Joining> threads_;  // joined before onFailure_ is destroyed, after it ran
};

enum class TillKind { AlreadyGone, GoesWhileWaiting, TimesOut };

}  // namespace

Q_DECLARE_METATYPE(TillKind)

class tst_Barrier : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    // Rounds
    void theFirstToArriveGetsZeroAndTheLastCountMinusOne_data();
    void theFirstToArriveGetsZeroAndTheLastCountMinusOne();
    void roundsNeverMixHoweverFastAThreadComesBack();
    void barrierOfOneNeverBlocks();
    void zeroCountThrowsInvalidArgumentNamingTheBarrier();
    void nameCountAndWaitingAreAsGiven();

    // The completion function
    void completionRunsOnceOnTheLastThreadBeforeAnyIsReleased();
    void aThreadArrivingWhileTheCompletionRunsJoinsTheNextRound();
    void tillGoingOnceTheRoundIsCompleteChangesNothing();
    void completionThatThrowsBreaksTheBarrierAndReachesTheLastThread();
    void waitFromTheCompletionFunctionThrowsUsageErrorNamingTheBarrier();

    // Breaking and reset()
    void abortBreaksWaitersAndLaterWaitsUntilReset();
    void tillThatGoesBreaksTheBarrierForEveryone_data();
    void tillThatGoesBreaksTheBarrierForEveryone();
    void tillGoneAlreadyDoesNotStopTheLastThread();
    void resetWakesWaitersWithBrokenBarrierAndTheBarrierWorksAtOnce();
    void dumpThreadsNamesTheBarrierAWaitBlocksIn();
    void waitThatMayNotBlockLeavesItsRoundAndBreaksTheBarrier();

    // Destruction
    void destroyingWakesWaitersWithBrokenBarrierNamingIt();
    void destroyingWhileTheCompletionRunsWaitsForIt();

    // Latch
    void latchDoneGoesWhenTheCountReachesZero_data();
    void latchDoneGoesWhenTheCountReachesZero();
    void latchOfZeroIsDoneAtOnce();
    void countingDownPastZeroThrowsUsageErrorNamingTheLatchAndChangesNothing_data();
    void countingDownPastZeroThrowsUsageErrorNamingTheLatchAndChangesNothing();
    void latchWaitIsDoneWaitWithItsTill();
    void concurrentCountDownsMakeDoneGoOnce();
    void aCopyOfDoneOutlivesTheLatch();
};

// No test leaves a thread behind in the tree.
void tst_Barrier::cleanup()
{
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    QCOMPARE(testing::namesOf(skein::Thread::current().children()), QStringList());
}

// --- Rounds --------------------------------------------------------------------

void tst_Barrier::theFirstToArriveGetsZeroAndTheLastCountMinusOne_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("2") << 2;
    QTest::newRow("3") << 3;
    QTest::newRow("6") << 6;
}

// Threads arrive one after another (each once the one before is seen
// waiting); this thread arrives last and does not block.
void tst_Barrier::theFirstToArriveGetsZeroAndTheLastCountMinusOne()
{
    QFETCH(int, count);
    Barrier barrier(std::size_t(count), "ordered");
    std::vector<Outcome> outcomes(std::size_t(count - 1));
    {
        Crew crew([&] { barrier.abort(); });
        for (int i = 0; i < count - 1; ++i) {
            crew.start([&barrier, &outcomes, i] { outcomes[std::size_t(i)] = waitOn(barrier); });
            QVERIFY(waitUntilWaiting(barrier, std::size_t(i + 1)));
        }
        QCOMPARE(barrier.wait(), std::size_t(count - 1));
    }
    for (int i = 0; i < count - 1; ++i) {
        const Outcome& o = outcomes[std::size_t(i)];
        QVERIFY2(o.index, text(o.broken));
        QCOMPARE(*o.index, std::size_t(i));
    }
    QCOMPARE(barrier.waiting(), std::size_t(0));
    QVERIFY(!barrier.isBroken());
}

// Each thread says which round it has arrived at before each wait(). Once a
// round's wait() returns, every thread must have arrived at that round (no
// one was left behind) and none beyond the next (no one passed a round that
// this thread has not arrived at yet); each round hands out each index once.
// A barrier that confused a thread coming back for the next round with one
// of the current round would let a round go with a thread missing.
void tst_Barrier::roundsNeverMixHoweverFastAThreadComesBack()
{
    constexpr int threads = 4;
    constexpr int rounds = 2000;
    Barrier barrier(threads, "rounds");
    const Till hang(testing::hangGuard);  // one for every wait: a hang fails
    std::vector<std::atomic<int>> arrivedAt(threads);
    std::vector<std::atomic<int>> indexUses(std::size_t(threads) * rounds);
    std::atomic<int> leftBehind{0};
    std::atomic<int> ranAhead{0};
    std::atomic<int> broken{0};
    {
        Crew crew([&] { barrier.abort(); });
        for (int t = 0; t < threads; ++t) {
            crew.start([&, t] {
                for (int round = 0; round < rounds; ++round) {
                    arrivedAt[std::size_t(t)].store(round);
                    std::size_t index = 0;
                    try {
                        index = barrier.wait(hang);
                    } catch (const BrokenBarrier&) {
                        ++broken;
                        return;
                    }
                    ++indexUses[std::size_t(round) * threads + index];
                    for (const auto& other : arrivedAt) {
                        const int at = other.load();
                        if (at < round)
                            ++leftBehind;
                        if (at > round + 1)
                            ++ranAhead;
                    }
                }
            });
        }
    }
    QCOMPARE(broken.load(), 0);
    QCOMPARE(leftBehind.load(), 0);
    QCOMPARE(ranAhead.load(), 0);
    for (std::size_t i = 0; i < indexUses.size(); ++i)
        QVERIFY2(indexUses[i].load() == 1, qPrintable(QStringLiteral("round %1, index %2 handed out %3 times")
                                                          .arg(i / threads)
                                                          .arg(i % threads)
                                                          .arg(indexUses[i].load())));
}

void tst_Barrier::barrierOfOneNeverBlocks()
{
    int completions = 0;
    Barrier barrier(1, "alone", [&completions] { ++completions; });
    for (int i = 0; i < 3; ++i)
        QCOMPARE(barrier.wait(Signal::done()), std::size_t(0));
    QCOMPARE(completions, 3);
    QVERIFY(!barrier.isBroken());
}

void tst_Barrier::zeroCountThrowsInvalidArgumentNamingTheBarrier()
{
    const auto thrown = testing::thrownBy([] { Barrier barrier(0, "nobody"); });
    QVERIFY2(thrown.first == std::type_index(typeid(skein::InvalidArgument)), thrown.second.c_str());
    QVERIFY2(names(thrown.second, "nobody"), thrown.second.c_str());
}

void tst_Barrier::nameCountAndWaitingAreAsGiven()
{
    Barrier named(3, "phase");
    QCOMPARE(q(named.name()), QStringLiteral("phase"));
    QCOMPARE(named.count(), std::size_t(3));
    QCOMPARE(named.waiting(), std::size_t(0));
    QVERIFY(!named.isBroken());

    Barrier a(2);
    Barrier b(2);
    QVERIFY2(q(a.name()).startsWith("barrier-"), a.name().c_str());
    QVERIFY(a.name() != b.name());
    // Generated names name the barrier in messages, too.
    a.abort();
    const auto message = messageOf<BrokenBarrier>([&] { (void)a.wait(); });
    QVERIFY2(names(message, a.name()), text(message));
}

// --- The completion function ----------------------------------------------------

// std::barrier's and Python's order: the last thread of a round runs it,
// once every thread of the round has arrived and before any returns. A
// thread of the round before has returned by then, as it arrived at this one.
void tst_Barrier::completionRunsOnceOnTheLastThreadBeforeAnyIsReleased()
{
    constexpr int count = 3;
    constexpr int rounds = 300;
    std::atomic<int> arrived{0};
    std::atomic<int> returned{0};
    std::atomic<int> completions{0};
    std::atomic<int> misorders{0};
    std::atomic<int> notOnTheLastThread{0};
    std::atomic<std::thread::id> completer{};
    Barrier barrier(count, "completed", [&] {
        const int round = ++completions;
        completer = std::this_thread::get_id();
        if (arrived.load() != round * count || returned.load() != (round - 1) * count)
            ++misorders;
    });
    const Till hang(testing::hangGuard);
    {
        Crew crew([&] { barrier.abort(); });
        for (int t = 0; t < count; ++t) {
            crew.start([&] {
                for (int round = 0; round < rounds; ++round) {
                    ++arrived;
                    std::size_t index = 0;
                    try {
                        index = barrier.wait(hang);
                    } catch (const BrokenBarrier&) {
                        return;
                    }
                    if (index == count - 1 && completer.load() != std::this_thread::get_id())
                        ++notOnTheLastThread;
                    ++returned;
                }
            });
        }
    }
    QVERIFY(!barrier.isBroken());
    QCOMPARE(completions.load(), rounds);
    QCOMPARE(misorders.load(), 0);
    QCOMPARE(notOnTheLastThread.load(), 0);
}

// Python's Barrier makes threads that arrive while a round is being
// released wait until it is; here they wait for the completion function,
// then form the next round, and never join the round that is complete.
void tst_Barrier::aThreadArrivingWhileTheCompletionRunsJoinsTheNextRound()
{
    Signal completing("completing");
    Signal proceed("proceed");
    std::atomic<int> completions{0};
    Barrier barrier(2, "relay", [&] {
        if (++completions == 1) {
            completing.go();
            proceed.wait(Till(testing::hangGuard));
        }
    });
    Outcome first, last, late;
    {
        Crew crew([&] {
            proceed.go();
            barrier.abort();
        });
        crew.start([&] { first = waitOn(barrier); });
        QVERIFY(waitUntilWaiting(barrier, 1));
        crew.start([&] { last = waitOn(barrier); });
        QVERIFY(completing.wait(Till(testing::hangGuard)));
        crew.start([&] { late = waitOn(barrier); });
        // The first thread in its round, the late one before the next.
        QVERIFY(waitUntilBlockedOn("Barrier 'relay'", 2));
        QCOMPARE(barrier.waiting(), std::size_t(0));
        proceed.go();
        QVERIFY(waitUntilWaiting(barrier, 1));  // the late one, in round two
        QCOMPARE(barrier.wait(), std::size_t(1));
    }
    QVERIFY2(first.index, text(first.broken));
    QVERIFY2(last.index, text(last.broken));
    QVERIFY2(late.index, text(late.broken));
    QCOMPARE(*first.index, std::size_t(0));
    QCOMPARE(*last.index, std::size_t(1));
    QCOMPARE(*late.index, std::size_t(0));  // the first of round two
    QCOMPARE(completions.load(), 2);
}

// Python releases a round whose action runs even when a waiter's timeout
// passes meanwhile: only a round that is not complete breaks.
void tst_Barrier::tillGoingOnceTheRoundIsCompleteChangesNothing()
{
    Signal completing("completing");
    Signal proceed("proceed");
    Signal till("waiter's till");
    Barrier barrier(2, "complete", [&] {
        completing.go();
        proceed.wait(Till(testing::hangGuard));
    });
    Outcome first, last;
    {
        Crew crew([&] {
            proceed.go();
            barrier.abort();
        });
        crew.start([&] { first = waitOn(barrier, till); });
        QVERIFY(waitUntilParked(till, 1));
        crew.start([&] { last = waitOn(barrier); });
        QVERIFY(completing.wait(Till(testing::hangGuard)));
        till.go();
        proceed.go();
    }
    QVERIFY2(first.index, text(first.broken));
    QVERIFY2(last.index, text(last.broken));
    QCOMPARE(*first.index, std::size_t(0));
    QCOMPARE(*last.index, std::size_t(1));
    QVERIFY(!barrier.isBroken());
}

// Python: an action that raises breaks the barrier; its exception reaches
// the thread that ran it, and the others get BrokenBarrierError.
void tst_Barrier::completionThatThrowsBreaksTheBarrierAndReachesTheLastThread()
{
    Barrier barrier(2, "faulty", [] { throw CustomFailure("the completion failed"); });
    Outcome first;
    std::pair<std::type_index, std::string> lastThrew{typeid(void), ""};
    {
        Crew crew([&] { barrier.abort(); });
        crew.start([&] { first = waitOn(barrier); });
        QVERIFY(waitUntilWaiting(barrier, 1));
        lastThrew = testing::thrownBy([&] { (void)barrier.wait(); });
    }
    QVERIFY2(lastThrew.first == std::type_index(typeid(CustomFailure)), lastThrew.second.c_str());
    QCOMPARE(q(lastThrew.second), QStringLiteral("the completion failed"));
    QVERIFY2(names(first.broken, "faulty") && contains(first.broken, "completion function threw: the completion failed"),
             text(first.broken));
    QVERIFY(barrier.isBroken());
    const auto later = messageOf<BrokenBarrier>([&] { (void)barrier.wait(); });
    QVERIFY2(names(later, "faulty") && contains(later, "completion function threw"), text(later));
}

// The completion function runs between rounds: its own wait() could never
// return, so it is refused instead of hanging.
void tst_Barrier::waitFromTheCompletionFunctionThrowsUsageErrorNamingTheBarrier()
{
    std::optional<std::string> message;
    Barrier* self = nullptr;
    Barrier barrier(1, "reentered", [&] { message = messageOf<skein::UsageError>([&] { (void)self->wait(); }); });
    self = &barrier;
    QCOMPARE(barrier.wait(), std::size_t(0));
    QVERIFY2(names(message, "reentered") && contains(message, "completion function"), text(message));
    QVERIFY(!barrier.isBroken());
}

// --- Breaking and reset() ---------------------------------------------------------

// Python: abort() breaks the barrier; waiting and later calls raise
// BrokenBarrierError until reset().
void tst_Barrier::abortBreaksWaitersAndLaterWaitsUntilReset()
{
    Barrier barrier(3, "phase");
    Signal till("till");
    Outcome withoutTill, withTill;
    {
        Crew crew([&] { barrier.abort(); });
        crew.start([&] { withoutTill = waitOn(barrier); });
        crew.start([&] { withTill = waitOn(barrier, till); });
        QVERIFY(waitUntilBlockedOn("Barrier 'phase'", 2));
        barrier.abort();
        barrier.abort();  // idempotent
    }
    for (const Outcome* o : {&withoutTill, &withTill})
        QVERIFY2(names(o->broken, "phase") && contains(o->broken, "abort() by thread 'main'"), text(o->broken));
    QVERIFY(barrier.isBroken());
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));

    const auto later = messageOf<BrokenBarrier>([&] { (void)barrier.wait(Signal::done()); });
    QVERIFY2(names(later, "phase") && contains(later, "abort()"), text(later));

    barrier.reset();
    QVERIFY(!barrier.isBroken());
    Outcome a, b;
    {
        Crew crew([&] { barrier.abort(); });
        crew.start([&] { a = waitOn(barrier); });
        crew.start([&] { b = waitOn(barrier); });
        QVERIFY(waitUntilWaiting(barrier, 2));
        QCOMPARE(barrier.wait(), std::size_t(2));
    }
    QVERIFY2(a.index && b.index, text(a.broken ? a.broken : b.broken));
    QCOMPARE(std::set<std::size_t>({*a.index, *b.index}), std::set<std::size_t>({0, 1}));
}

void tst_Barrier::tillThatGoesBreaksTheBarrierForEveryone_data()
{
    QTest::addColumn<TillKind>("till");
    QTest::newRow("already gone") << TillKind::AlreadyGone;
    QTest::newRow("goes while waiting") << TillKind::GoesWhileWaiting;
    QTest::newRow("a Till(20 ms) times out") << TillKind::TimesOut;
}

// Python: a wait() that times out breaks the barrier, and raises
// BrokenBarrierError itself, as every other waiter does: no thread waits for
// a party that left.
void tst_Barrier::tillThatGoesBreaksTheBarrierForEveryone()
{
    QFETCH(TillKind, till);
    Barrier barrier(3, "timed");
    Outcome other, timed;
    const Clock::time_point began = Clock::now();
    Signal giveUp("give up");
    if (till == TillKind::AlreadyGone)
        giveUp.go();
    else if (till == TillKind::TimesOut)
        giveUp = Till(20ms);
    Clock::time_point ended;
    {
        Crew crew([&] { barrier.abort(); });
        crew.start([&] { other = waitOn(barrier); });
        QVERIFY(waitUntilBlockedOn("Barrier 'timed'", 1));
        crew.start([&] {
            timed = waitOn(barrier, giveUp);
            ended = Clock::now();
        });
        if (till == TillKind::GoesWhileWaiting) {
            QVERIFY(waitUntilParked(giveUp, 1));
            giveUp.go();
        }
    }
    QVERIFY2(names(timed.broken, "timed") && contains(timed.broken, "till"), text(timed.broken));
    QVERIFY2(names(other.broken, "timed") && contains(other.broken, "till"), text(other.broken));
    QVERIFY(barrier.isBroken());
    if (till == TillKind::TimesOut)
        QVERIFY(ended - began >= 20ms);  // from below only: it may wake late
    QCOMPARE(skein::detail::pendingCallbacks(giveUp), std::size_t(0));
    const auto later = messageOf<BrokenBarrier>([&] { (void)barrier.wait(); });
    QVERIFY2(names(later, "timed"), text(later));
}

// As a free Lock is taken even with a gone `till`: the thread that completes
// the round never blocks, so its till does not matter.
void tst_Barrier::tillGoneAlreadyDoesNotStopTheLastThread()
{
    Barrier barrier(2, "last");
    Outcome first;
    {
        Crew crew([&] { barrier.abort(); });
        crew.start([&] { first = waitOn(barrier); });
        QVERIFY(waitUntilWaiting(barrier, 1));
        QCOMPARE(barrier.wait(Signal::done()), std::size_t(1));
    }
    QVERIFY2(first.index, text(first.broken));
    QVERIFY(!barrier.isBroken());
}

// Python: reset() makes waiting threads raise BrokenBarrierError and returns
// the barrier to its initial state; here it is usable at once.
void tst_Barrier::resetWakesWaitersWithBrokenBarrierAndTheBarrierWorksAtOnce()
{
    Barrier barrier(2, "renewed");
    Outcome reset, next;
    {
        Crew crew([&] { barrier.abort(); });
        crew.start([&] { reset = waitOn(barrier); });
        QVERIFY(waitUntilWaiting(barrier, 1));
        barrier.reset();
        QCOMPARE(barrier.waiting(), std::size_t(0));
        QVERIFY(!barrier.isBroken());
        crew.start([&] { next = waitOn(barrier); });
        QVERIFY(waitUntilWaiting(barrier, 1));
        QCOMPARE(barrier.wait(), std::size_t(1));
    }
    QVERIFY2(names(reset.broken, "renewed") && contains(reset.broken, "reset by thread 'main'"), text(reset.broken));
    QVERIFY2(next.index, text(next.broken));
    QCOMPARE(*next.index, std::size_t(0));
}

void tst_Barrier::dumpThreadsNamesTheBarrierAWaitBlocksIn()
{
    Barrier barrier(2, "phase");
    auto waiter = skein::Thread::run("waiter", [&barrier] { return barrier.wait(); });
    const bool shown = waitUntilBlockedOn("Barrier 'phase'", 1);
    const std::string dump = skein::dumpThreads();
    barrier.wait();
    QCOMPARE(waiter.join(), std::size_t(0));
    QVERIFY(shown);
    QVERIFY2(contains(dump, "waiter [running") && contains(dump, "waiting on Barrier 'phase' for "), dump.c_str());
}

// A Till's callback runs on the timer thread, where no wait may block: the
// refused wait() leaves its round as one whose till went, and no thread is
// left waiting for it.
void tst_Barrier::waitThatMayNotBlockLeavesItsRoundAndBreaksTheBarrier()
{
    Barrier barrier(3, "untimely");
    Outcome other;
    std::optional<std::string> refused;
    Signal tried("tried");
    {
        Crew crew([&] { barrier.abort(); });
        crew.start([&] { other = waitOn(barrier); });
        QVERIFY(waitUntilWaiting(barrier, 1));
        testing::runOnTheTimerThread([&barrier, &refused, &tried] {
            refused = messageOf<skein::UsageError>([&] { (void)barrier.wait(); });
            tried.go();
        });
        QVERIFY(tried.wait(Till(testing::hangGuard)));
    }
    QVERIFY2(names(refused, "untimely") && contains(refused, "timer thread"), text(refused));
    QVERIFY2(names(other.broken, "untimely") && contains(other.broken, "could not block"), text(other.broken));
    QVERIFY(barrier.isBroken());
    QCOMPARE(barrier.waiting(), std::size_t(0));
}

// --- Destruction -----------------------------------------------------------------

// The Barrier is on the heap, so that AddressSanitizer sees a wait() that
// touches it after its destructor returned.
void tst_Barrier::destroyingWakesWaitersWithBrokenBarrierNamingIt()
{
    auto barrier = std::make_unique<Barrier>(3, "doomed");
    Signal till("till");
    Outcome withoutTill, withTill;
    {
        Crew crew([&] {
            if (barrier)
                barrier->abort();
        });
        crew.start([&] { withoutTill = waitOn(*barrier); });
        crew.start([&] { withTill = waitOn(*barrier, till); });
        QVERIFY(waitUntilBlockedOn("Barrier 'doomed'", 2));
        barrier = nullptr;
    }
    for (const Outcome* o : {&withoutTill, &withTill})
        QVERIFY2(names(o->broken, "doomed") && contains(o->broken, "destroyed"), text(o->broken));
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

// The thread running the completion function is in a wait() too: the
// destructor waits for it, and its round breaks, complete or not.
void tst_Barrier::destroyingWhileTheCompletionRunsWaitsForIt()
{
    Signal completing("completing");
    Signal proceed("proceed");
    Events events;
    auto barrier = std::make_unique<Barrier>(2, "doomed", [&] {
        completing.go();
        proceed.wait(Till(testing::hangGuard));
        events.add("completion returned");
    });
    Outcome first, last;
    {
        Crew crew([&] { proceed.go(); });
        crew.start([&] {
            first = waitOn(*barrier);
            events.add("first answered");
        });
        QVERIFY(waitUntilWaiting(*barrier, 1));
        crew.start([&] { last = waitOn(*barrier); });
        QVERIFY(completing.wait(Till(testing::hangGuard)));
        crew.start([&] {
            barrier = nullptr;
            events.add("destroyed");
        });
        // The destructor has begun once it has answered the first thread.
        testing::pollUntil([&] { return events.size() != 0; });
        QCOMPARE(events.list(), QStringList{"first answered"});
        proceed.go();
    }
    QVERIFY2(names(first.broken, "doomed") && contains(first.broken, "destroyed"), text(first.broken));
    QVERIFY2(names(last.broken, "doomed") && contains(last.broken, "destroyed"), text(last.broken));
    QVERIFY(events.indexOf("completion returned") < events.indexOf("destroyed"));
}

// --- Latch -------------------------------------------------------------------------

void tst_Barrier::latchDoneGoesWhenTheCountReachesZero_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("step");
    QTest::newRow("1 by 1") << 1 << 1;
    QTest::newRow("5 by 1") << 5 << 1;
    QTest::newRow("6 by 2") << 6 << 2;
    QTest::newRow("4 at once") << 4 << 4;
}

void tst_Barrier::latchDoneGoesWhenTheCountReachesZero()
{
    QFETCH(int, count);
    QFETCH(int, step);
    Latch latch(std::size_t(count), "countdown");
    for (int left = count; left > 0; left -= step) {
        QCOMPARE(latch.remaining(), std::size_t(left));
        QVERIFY(!latch.done());
        latch.countDown(std::size_t(step));
    }
    QVERIFY(latch.done());
    QCOMPARE(latch.remaining(), std::size_t(0));
    QCOMPARE(q(latch.name()), QStringLiteral("countdown"));
}

void tst_Barrier::latchOfZeroIsDoneAtOnce()
{
    Latch latch(0);
    QVERIFY(latch.done());
    QVERIFY(latch.done().wait(Signal::done()));
    QCOMPARE(latch.remaining(), std::size_t(0));
    QVERIFY2(q(latch.name()).startsWith("latch-"), latch.name().c_str());
}

void tst_Barrier::countingDownPastZeroThrowsUsageErrorNamingTheLatchAndChangesNothing_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("countedDown");
    QTest::addColumn<int>("step");
    QTest::newRow("Latch(0), countDown()") << 0 << 0 << 1;
    QTest::newRow("Latch(2), countDown(3)") << 2 << 0 << 3;
    QTest::newRow("Latch(3) at 1, countDown(2)") << 3 << 2 << 2;
    QTest::newRow("Latch(1) done, countDown()") << 1 << 1 << 1;
}

void tst_Barrier::countingDownPastZeroThrowsUsageErrorNamingTheLatchAndChangesNothing()
{
    QFETCH(int, count);
    QFETCH(int, countedDown);
    QFETCH(int, step);
    Latch latch(std::size_t(count), "gate");
    latch.countDown(std::size_t(countedDown));
    const bool doneBefore = bool(latch.done());
    const auto message = messageOf<skein::UsageError>([&] { latch.countDown(std::size_t(step)); });
    QVERIFY2(names(message, "gate") && contains(message, "past zero"), text(message));
    QCOMPARE(latch.remaining(), std::size_t(count - countedDown));
    QCOMPARE(bool(latch.done()), doneBefore);
}

// The Latch's wait is its done() Signal's: true once the count reached zero,
// false when the till went first.
void tst_Barrier::latchWaitIsDoneWaitWithItsTill()
{
    Latch latch(2, "workers");
    Signal till("till");
    std::atomic<int> answer{-1};
    {
        Crew crew([&] { till.go(); });
        crew.start([&] { answer = latch.done().wait(till) ? 1 : 0; });
        QVERIFY(waitUntilParked(till, 1));
        latch.countDown();
        QCOMPARE(answer.load(), -1);
        crew.start([&] { latch.countDown(); });
    }
    QCOMPARE(answer.load(), 1);

    Latch never(1, "never");
    QVERIFY(!never.done().wait(Signal::done()));
    const Clock::time_point began = Clock::now();
    QVERIFY(!never.done().waitFor(20ms));
    QVERIFY(Clock::now() - began >= 20ms);  // from below only
}

// Only the count-down that reaches zero makes done() go, and everything the
// others did before theirs is visible once it went.
void tst_Barrier::concurrentCountDownsMakeDoneGoOnce()
{
    constexpr int threads = 4;
    constexpr int each = 500;
    Latch latch(threads * each, "many");
    std::atomic<int> wentTimes{0};
    latch.done().then([&wentTimes] { ++wentTimes; });
    std::vector<int> work(threads, 0);
    {
        std::vector<Joining> counters;
        for (int t = 0; t < threads; ++t) {
            counters.emplace_back([&, t] {
                for (int i = 0; i < each; ++i) {
                    ++work[std::size_t(t)];
                    latch.countDown();
                }
            });
        }
        QVERIFY(latch.done().wait(Till(testing::hangGuard)));
        for (int w : work)
            QCOMPARE(w, each);
    }
    QCOMPARE(wentTimes.load(), 1);
    QCOMPARE(latch.remaining(), std::size_t(0));
}

void tst_Barrier::aCopyOfDoneOutlivesTheLatch()
{
    std::optional<Signal> copy;
    {
        Latch latch(1, "short-lived");
        copy = latch.done();
    }
    QVERIFY(!*copy);
    QVERIFY(!copy->wait(Signal::done()));
    QCOMPARE(q(copy->name()), QStringLiteral("short-lived.done"));
}

QTEST_GUILESS_MAIN(tst_Barrier)
#include "tst_barrier.moc"
