// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Tests for skein::Semaphore and skein::BoundedSemaphore: permits taken all
// or nothing, waiters served strictly in arrival order, acquire(till),
// BoundedSemaphore's bound, misuse named, and destruction while blocked.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/semaphore.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include "testing.h"

using namespace std::chrono_literals;
using testing::Joining;
using testing::messageOf;
using testing::names;
using testing::waitUntilBlockedOn;
using testing::waitUntilParked;

class tst_Semaphore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void acquireTakesPermitsAndReleaseGivesThemBack();
    void tryAcquireTakesAllOrNothing_data();
    void tryAcquireTakesAllOrNothing();
    void acquireReturnsWhetherItTookThePermits_data();
    void acquireReturnsWhetherItTookThePermits();
    void waitersAreServedInArrivalOrderAndNeverOvertaken();
    void aWaiterThatGivesUpLetsTheOnesBehindItBeServed();
    void oneReleaseServesAsManyWaitersAsItsPermitsCover();
    void permitsAreNeitherLostNorDuplicatedUnderContention();

    void boundedReleasePastTheInitialCountThrowsUsageErrorNamingIt_data();
    void boundedReleasePastTheInitialCountThrowsUsageErrorNamingIt();
    void unboundedReleaseMayPassTheInitialCount();
    void misuseThrowsInvalidArgumentNamingTheSemaphore_data();
    void misuseThrowsInvalidArgumentNamingTheSemaphore();
    void unnamedSemaphoresGetDistinctGeneratedNames();

    void dumpThreadsNamesTheSemaphoreAThreadBlocksIn();
    void destroyingWakesBlockedAcquiresWithUsageErrorNamingIt_data();
    void destroyingWakesBlockedAcquiresWithUsageErrorNamingIt();
    void aServedWaiterMayDestroyTheSemaphoreAtOnce();
    void anAcquireRefusedOnTheTimerThreadLeavesNothingQueued();
};

void tst_Semaphore::acquireTakesPermitsAndReleaseGivesThemBack()
{
    skein::Semaphore slots(2, "slots");
    QCOMPARE(slots.name(), std::string("slots"));
    QCOMPARE(slots.available(), std::ptrdiff_t(2));
    QVERIFY(slots.acquire());
    QVERIFY(slots.acquire(1, skein::Signal::never()));
    QCOMPARE(slots.available(), std::ptrdiff_t(0));
    QVERIFY(!slots.tryAcquire());
    QVERIFY(!slots.acquire(skein::Signal::done()));
    slots.release(2);
    QCOMPARE(slots.available(), std::ptrdiff_t(2));
    QVERIFY(slots.acquire(2, skein::Signal::never()));
    QCOMPARE(slots.available(), std::ptrdiff_t(0));
    QCOMPARE(skein::Semaphore().available(), std::ptrdiff_t(1));
}

void tst_Semaphore::tryAcquireTakesAllOrNothing_data()
{
    QTest::addColumn<int>("initial");
    QTest::addColumn<int>("wanted");
    QTest::addColumn<bool>("taken");
    QTest::newRow("fewer than available") << 3 << 2 << true;
    QTest::newRow("exactly the available") << 3 << 3 << true;
    QTest::newRow("more than available") << 3 << 4 << false;
    QTest::newRow("none available") << 0 << 1 << false;
}

void tst_Semaphore::tryAcquireTakesAllOrNothing()
{
    QFETCH(int, initial);
    QFETCH(int, wanted);
    QFETCH(bool, taken);
    skein::Semaphore slots(initial, "slots");
    QCOMPARE(slots.tryAcquire(wanted), taken);
    QCOMPARE(slots.available(), std::ptrdiff_t(taken ? initial - wanted : initial));
}

void tst_Semaphore::acquireReturnsWhetherItTookThePermits_data()
{
    QTest::addColumn<int>("initial");
    QTest::addColumn<QString>("till");
    QTest::addColumn<bool>("expected");
    // Enough permits and nobody queued: no blocking, so `till` is not asked.
    QTest::newRow("available, till already gone") << 2 << QStringLiteral("gone") << true;
    QTest::newRow("too few, till already gone") << 1 << QStringLiteral("gone") << false;
    QTest::newRow("too few, till goes while blocked") << 1 << QStringLiteral("goes") << false;
    QTest::newRow("too few, a Till times out") << 1 << QStringLiteral("times out") << false;
    QTest::newRow("too few, a release while blocked") << 1 << QStringLiteral("released") << true;
}

// The acquire wants 2 permits.
void tst_Semaphore::acquireReturnsWhetherItTookThePermits()
{
    QFETCH(int, initial);
    QFETCH(QString, till);
    QFETCH(bool, expected);

    skein::Semaphore slots(initial, "slots");
    // A plain Signal unless the row says otherwise: it lets
    // waitUntilParked() see the acquire blocked.
    skein::Signal acquireTill("acquire's till");
    if (till == "gone")
        acquireTill.go();
    else if (till == "times out")
        acquireTill = skein::Till(20ms);

    std::atomic<bool> result{!expected};
    Joining acquirer([&] { result = slots.acquire(2, acquireTill); });
    const bool parked = (till != "goes" && till != "released") || waitUntilParked(acquireTill, 1);
    if (till == "released")
        slots.release();
    if (till == "goes" || !parked)
        acquireTill.go();
    acquirer.join();

    QVERIFY(parked);
    QCOMPARE(result.load(), expected);
    // A call that returns false took nothing.
    const std::ptrdiff_t left = initial + (till == "released" ? 1 : 0) - (expected ? 2 : 0);
    QCOMPARE(slots.available(), left);
    QCOMPARE(skein::detail::pendingCallbacks(acquireTill), std::size_t(0));
}

// A waiter that wants 3 is queued first, one that wants 1 after it. One
// permit does not serve the second while the first waits, nor a tryAcquire():
// the first would starve if smaller requests could overtake it.
void tst_Semaphore::waitersAreServedInArrivalOrderAndNeverOvertaken()
{
    skein::Semaphore slots(0, "slots");
    skein::Signal bigTill("big's till");
    skein::Signal smallTill("small's till");
    skein::Signal bigDone("big served");
    skein::Signal smallDone("small served");
    std::atomic<bool> bigResult{false};
    std::atomic<bool> smallResult{false};
    bool bigParked = false;
    bool smallParked = false;
    std::ptrdiff_t afterOne = -1;
    bool tryAcquireOvertook = true;
    bool smallServedBeforeBig = true;
    std::ptrdiff_t afterThree = -1;
    {
        Joining big([&] {
            bigResult = slots.acquire(3, bigTill);
            bigDone.go();
        });
        bigParked = waitUntilParked(bigTill, 1);
        Joining small([&] {
            smallResult = slots.acquire(1, smallTill);
            smallDone.go();
        });
        smallParked = waitUntilParked(smallTill, 1);

        slots.release();
        // release() serves the queue before it returns: what it left is exact.
        afterOne = slots.available();
        tryAcquireOvertook = slots.tryAcquire();
        if (tryAcquireOvertook)
            slots.release();
        smallServedBeforeBig = bool(smallDone);
        slots.release(2);
        afterThree = slots.available();
        bigDone.wait(skein::Till(testing::hangGuard));
        slots.release();
        if (!bigParked || !smallParked) {
            bigTill.go();
            smallTill.go();
        }
    }
    QVERIFY(bigParked && smallParked);
    QCOMPARE(afterOne, std::ptrdiff_t(1));
    QVERIFY(!tryAcquireOvertook);
    QVERIFY(!smallServedBeforeBig);
    QCOMPARE(afterThree, std::ptrdiff_t(0));
    QVERIFY(bigResult);
    QVERIFY(smallResult);
    QCOMPARE(slots.available(), std::ptrdiff_t(0));
}

void tst_Semaphore::aWaiterThatGivesUpLetsTheOnesBehindItBeServed()
{
    skein::Semaphore slots(0, "slots");
    skein::Signal bigTill("big's till");
    skein::Signal smallTill("small's till");
    std::atomic<bool> bigResult{true};
    std::atomic<bool> smallResult{false};
    bool parked = false;
    std::ptrdiff_t beforeGivingUp = -1;
    {
        Joining big([&] { bigResult = slots.acquire(3, bigTill); });
        parked = waitUntilParked(bigTill, 1);
        Joining small([&] { smallResult = slots.acquire(1, smallTill); });
        parked = parked && waitUntilParked(smallTill, 1);
        slots.release();
        beforeGivingUp = slots.available();
        bigTill.go();
        if (!parked)
            smallTill.go();
    }
    QVERIFY(parked);
    QCOMPARE(beforeGivingUp, std::ptrdiff_t(1));
    QVERIFY(!bigResult);
    QVERIFY(smallResult);
    QCOMPARE(slots.available(), std::ptrdiff_t(0));
}

// Three waiters want 1, 2 and 2; release(4) serves the first two, in order,
// and leaves 1 permit that the third, wanting 2, must not take.
void tst_Semaphore::oneReleaseServesAsManyWaitersAsItsPermitsCover()
{
    skein::Semaphore slots(0, "slots");
    const int wants[] = {1, 2, 2};
    std::vector<skein::Signal> tills(3);
    std::vector<skein::Signal> served(3);
    bool parked = true;
    std::ptrdiff_t left = -1;
    bool thirdServedEarly = true;
    {
        std::vector<Joining> waiters;
        for (int i = 0; i < 3; ++i) {
            waiters.emplace_back([&, i] {
                if (slots.acquire(wants[i], tills[i]))
                    served[i].go();
            });
            parked = parked && waitUntilParked(tills[i], 1);
        }
        slots.release(4);
        left = slots.available();
        thirdServedEarly = bool(served[2]);
        slots.release();
        if (!parked) {
            for (skein::Signal& till : tills)
                till.go();
        }
    }
    QVERIFY(parked);
    QCOMPARE(left, std::ptrdiff_t(1));
    QVERIFY(!thirdServedEarly);
    for (const skein::Signal& s : served)
        QVERIFY(s);
    QCOMPARE(slots.available(), std::ptrdiff_t(0));
}

// Four threads take 1 or 2 permits and give them back, many times, some with
// a till that goes at random: whatever happens, the count ends where it began
// and never more threads hold permits than there are.
void tst_Semaphore::permitsAreNeitherLostNorDuplicatedUnderContention()
{
    constexpr int permits = 3;
    constexpr int rounds = 20000;
    skein::Semaphore slots(permits, "contended");
    std::atomic<int> inside{0};
    std::atomic<int> most{0};
    std::atomic<int> gaveUp{0};
    {
        std::vector<Joining> threads;
        // Blocking acquires without a till, with short Tills, and tries,
        // which race each other over the one word that counts the permits
        // and says whether anyone is queued.
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < rounds; ++i) {
                    const int n = 1 + (i + t) % 2;
                    const bool taken = t % 3 == 0   ? slots.acquire(n, skein::Signal::never())
                                       : t % 3 == 1 ? slots.acquire(n, skein::Till(std::chrono::microseconds(i % 50)))
                                                    : slots.tryAcquire(n);
                    if (!taken) {
                        ++gaveUp;
                        continue;
                    }
                    const int now = inside.fetch_add(n) + n;
                    int seen = most.load();
                    while (now > seen && !most.compare_exchange_weak(seen, now)) {}
                    inside.fetch_sub(n);
                    slots.release(n);
                }
            });
        }
    }
    QVERIFY(most.load() <= permits);
    QCOMPARE(slots.available(), std::ptrdiff_t(permits));
}

void tst_Semaphore::boundedReleasePastTheInitialCountThrowsUsageErrorNamingIt_data()
{
    QTest::addColumn<int>("taken");
    QTest::addColumn<int>("released");
    QTest::newRow("release(1) of none taken") << 0 << 1;
    QTest::newRow("release(2) of one taken") << 1 << 2;
}

void tst_Semaphore::boundedReleasePastTheInitialCountThrowsUsageErrorNamingIt()
{
    QFETCH(int, taken);
    QFETCH(int, released);
    skein::BoundedSemaphore pool(2, "pool");
    if (taken > 0)
        QVERIFY(pool.acquire(taken, skein::Signal::never()));
    const auto message = messageOf<skein::UsageError>([&] { pool.release(released); });
    QVERIFY2(testing::contains(message, "BoundedSemaphore 'pool'"), message ? message->c_str() : "no UsageError");
    // Changed nothing: the permits taken can still be given back.
    QCOMPARE(pool.available(), std::ptrdiff_t(2 - taken));
    if (taken > 0)
        pool.release(taken);
    QCOMPARE(pool.available(), std::ptrdiff_t(2));
    // A BoundedSemaphore is a Semaphore, and keeps its bound as one.
    skein::Semaphore& plain = pool;
    QVERIFY(messageOf<skein::UsageError>([&] { plain.release(); }));
}

void tst_Semaphore::unboundedReleaseMayPassTheInitialCount()
{
    skein::Semaphore slots(1, "slots");
    slots.release(3);
    QCOMPARE(slots.available(), std::ptrdiff_t(4));
    const auto message = messageOf<skein::UsageError>([&] { slots.release(PTRDIFF_MAX); });
    QVERIFY2(testing::contains(message, "Semaphore 'slots'"), message ? message->c_str() : "no UsageError on overflow");
    QCOMPARE(slots.available(), std::ptrdiff_t(4));
    // max() itself is a count it can hold, and one more is not.
    slots.release(skein::Semaphore::max() - 4);
    QCOMPARE(slots.available(), skein::Semaphore::max());
    QVERIFY(messageOf<skein::UsageError>([&] { slots.release(); }));
    QVERIFY(slots.tryAcquire(skein::Semaphore::max()));
    QCOMPARE(slots.available(), std::ptrdiff_t(0));
}

void tst_Semaphore::misuseThrowsInvalidArgumentNamingTheSemaphore_data()
{
    QTest::addColumn<QString>("call");
    QTest::newRow("a negative initial count") << QStringLiteral("construct");
    QTest::newRow("a negative initial count, bounded") << QStringLiteral("construct bounded");
    QTest::newRow("acquire(0, till)") << QStringLiteral("acquire 0");
    QTest::newRow("acquire(-1, till)") << QStringLiteral("acquire -1");
    QTest::newRow("tryAcquire(0)") << QStringLiteral("tryAcquire 0");
    QTest::newRow("an initial count past max()") << QStringLiteral("construct huge");
    QTest::newRow("acquire past max()") << QStringLiteral("acquire huge");
    QTest::newRow("acquire past a bound") << QStringLiteral("acquire past bound");
    QTest::newRow("release(0)") << QStringLiteral("release 0");
    QTest::newRow("release(-2)") << QStringLiteral("release -2");
}

void tst_Semaphore::misuseThrowsInvalidArgumentNamingTheSemaphore()
{
    QFETCH(QString, call);
    skein::Semaphore slots(1, "slots");
    const auto message = messageOf<skein::InvalidArgument>([&] {
        if (call == "construct")
            skein::Semaphore(-1, "slots");
        else if (call == "construct bounded")
            skein::BoundedSemaphore(-1, "slots");
        else if (call == "construct huge")
            skein::Semaphore(skein::Semaphore::max() + 1, "slots");
        else if (call == "acquire huge")
            (void)slots.acquire(skein::Semaphore::max() + 1, skein::Signal::never());
        else if (call == "acquire past bound")
            (void)skein::BoundedSemaphore(1, "slots").acquire(2, skein::Signal::never());
        else if (call == "acquire 0")
            (void)slots.acquire(0, skein::Signal::never());
        else if (call == "acquire -1")
            (void)slots.acquire(-1, skein::Signal::never());
        else if (call == "tryAcquire 0")
            (void)slots.tryAcquire(0);
        else if (call == "release 0")
            slots.release(0);
        else
            slots.release(-2);
    });
    QVERIFY2(testing::contains(message, "Semaphore 'slots'"), message ? message->c_str() : "no InvalidArgument");
    QCOMPARE(slots.available(), std::ptrdiff_t(1));
}

void tst_Semaphore::unnamedSemaphoresGetDistinctGeneratedNames()
{
    skein::Semaphore a;
    skein::Semaphore b;
    skein::BoundedSemaphore c;
    QVERIFY(!a.name().empty());
    QVERIFY(a.name() != b.name());
    QVERIFY(!c.name().empty());
    QVERIFY(c.name() != a.name() && c.name() != b.name());
    const auto message = messageOf<skein::InvalidArgument>([&] { a.release(0); });
    QVERIFY2(names(message, a.name()), message ? message->c_str() : "no InvalidArgument");
}

void tst_Semaphore::dumpThreadsNamesTheSemaphoreAThreadBlocksIn()
{
    skein::Semaphore slots(0, "slots");
    std::string dump;
    bool shown = false;
    std::atomic<bool> result{false};
    {
        Joining acquirer([&] { result = slots.acquire(); });
        shown = waitUntilBlockedOn("Semaphore 'slots' (acquire)", 1);
        dump = skein::dumpThreads();
        slots.release();
    }
    QVERIFY(shown);
    QVERIFY2(testing::contains(dump, "waiting on Semaphore 'slots' (acquire)"), dump.c_str());
    QVERIFY(result);
}

void tst_Semaphore::destroyingWakesBlockedAcquiresWithUsageErrorNamingIt_data()
{
    QTest::addColumn<bool>("bounded");
    QTest::newRow("Semaphore") << false;
    QTest::newRow("BoundedSemaphore") << true;
}

// One acquire without a till and one with, both blocked. The Semaphore is on
// the heap, so that AddressSanitizer sees a call that touches it after its
// destructor returned.
void tst_Semaphore::destroyingWakesBlockedAcquiresWithUsageErrorNamingIt()
{
    QFETCH(bool, bounded);
    std::unique_ptr<skein::Semaphore> slots =
        bounded ? std::make_unique<skein::BoundedSemaphore>(2, "doomed") : std::make_unique<skein::Semaphore>(2, "doomed");
    QVERIFY(slots->tryAcquire(2));
    const std::string kind = bounded ? "BoundedSemaphore 'doomed'" : "Semaphore 'doomed'";
    // Never goes: the acquire(till) must leave no callback behind on it.
    skein::Signal till("acquire's till");
    std::optional<std::string> plainMessage;
    std::optional<std::string> tillMessage;
    bool blocked = false;
    {
        Joining plain([&] { plainMessage = messageOf<skein::UsageError>([&] { (void)slots->acquire(); }); });
        Joining withTill([&] { tillMessage = messageOf<skein::UsageError>([&] { (void)slots->acquire(1, till); }); });
        blocked = waitUntilBlockedOn(kind + " (acquire)", 2);
        if (blocked) {
            slots.reset();
        } else {
            slots->release(2);  // a check failed: let them go
        }
    }
    QVERIFY(blocked);
    QVERIFY2(testing::contains(plainMessage, kind) && testing::contains(plainMessage, "destroyed"),
             plainMessage ? plainMessage->c_str() : "acquire() threw no UsageError");
    QVERIFY2(testing::contains(tillMessage, kind) && testing::contains(tillMessage, "destroyed"),
             tillMessage ? tillMessage->c_str() : "acquire(till) threw no UsageError");
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

// A Semaphore used as a completion: the waiter destroys it as soon as its
// acquire() returns, while the release() that let it go may still be
// returning. AddressSanitizer and ThreadSanitizer watch for a touch after
// the destruction.
void tst_Semaphore::aServedWaiterMayDestroyTheSemaphoreAtOnce()
{
    constexpr int rounds = 2000;
    int served = 0;
    for (int round = 0; round < rounds; ++round) {
        auto done = std::make_unique<skein::Semaphore>(0, "done");
        skein::Semaphore* const raw = done.get();
        bool acquired = false;
        {
            Joining waiter([&] {
                acquired = done->acquire();
                done.reset();
            });
            // Every other round the waiter is asleep first, so both the
            // spinning and the sleeping hand-over come up.
            if (round % 2 == 1)
                (void)waitUntilBlockedOn("Semaphore 'done' (acquire)", 1);
            raw->release();
        }
        served += acquired;
    }
    QCOMPARE(served, rounds);
}

// A blocking wait on the timer thread would stop every Till, so it is
// refused with UsageError; the refused acquire() must not stay queued ahead
// of later ones.
void tst_Semaphore::anAcquireRefusedOnTheTimerThreadLeavesNothingQueued()
{
    skein::Semaphore slots(0, "slots");
    std::optional<std::string> message;
    skein::Signal refused("refused");
    testing::runOnTheTimerThread([&] {
        message = messageOf<skein::UsageError>([&] { (void)slots.acquire(); });
        refused.go();
    });
    const bool ran = refused.wait(skein::Till(testing::hangGuard));
    slots.release();
    const bool taken = slots.tryAcquire();

    QVERIFY(ran);
    QVERIFY2(testing::contains(message, "Semaphore 'slots'"), message ? message->c_str() : "no UsageError");
    QVERIFY(taken);
}

QTEST_GUILESS_MAIN(tst_Semaphore)
#include "tst_semaphore.moc"
