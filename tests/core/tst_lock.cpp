// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Tests for skein::Lock, the named monitor: mutual exclusion, lock(till) and
// the timed tries, wait() that always re-acquires, one wake per unlock() for
// the oldest waiter, misuse reported as UsageError, and the standard lock
// adaptors.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/lock.h>
#include <skein/thread.h>
#include <skein/signal.h>
#include <skein/till.h>

#include "testing.h"

using namespace std::chrono_literals;
using testing::Events;
using testing::Joining;
using testing::messageOf;
using testing::names;
using testing::waitUntilBlockedOn;
using testing::waitUntilParked;

namespace {

template <class F>
auto onAnotherThread(F&& fn)
{
    decltype(fn()) result{};
    std::thread([&] { result = fn(); }).join();
    return result;
}

// The Lock is free and behaves: another thread can take and release it, and
// so can this one.
bool worksNormally(skein::Lock& lock)
{
    const bool otherThread = onAnotherThread([&] {
        lock.lock();
        const bool held = lock.isHeldByCurrentThread();
        lock.unlock();
        return held && !lock.isHeldByCurrentThread();
    });
    if (!otherThread || !lock.try_lock())
        return false;
    const bool held = lock.isHeldByCurrentThread();
    lock.unlock();
    return held && !lock.isHeldByCurrentThread();
}

enum class Wake {
    UnlockWithNeverTill,      // till is Signal::never(); another thread locks and unlocks
    UnlockWithPendingTill,    // till never goes; another thread locks and unlocks
    TillAlreadyGone,          // nobody unlocks
    TillGoesWhileWaiting,     // nobody unlocks
    TillTimesOut,             // a Till(20 ms); nobody unlocks
    TillGoesWhileWakerHolds,  // till goes while the waker holds the Lock, then it unlocks
};

// The ways to take a Lock; the timed tries through std::unique_lock.
enum class LockCall { Lock, LockWithTill, TryLock, TryLockFor, TryLockUntil, TryLockUntilSystemClock };

}  // namespace

Q_DECLARE_METATYPE(Wake)
Q_DECLARE_METATYPE(LockCall)

class tst_Lock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void waitReturnsWhetherItWasWoken_data();
    void waitReturnsWhetherItWasWoken();
    void waitReacquiresTheLockBeforeReturning_data();
    void waitReacquiresTheLockBeforeReturning();
    void wakeIsNeverLostWhenTillGoesAtTheSameTime();
    void unlockWakesTheOldestWaiterOnly();
    void everyWaiterIsWokenWhileAnotherThreadKeepsEntering();
    void waitForReturnsFalseAfterAtLeastTheTimeout();

    void lockWithTillReturnsWhetherItTookTheLock_data();
    void lockWithTillReturnsWhetherItTookTheLock();
    void lockWithTillRacingUnlockEitherHoldsOrTookNothing();
    void timedTriesMakeTheLockTimedLockable_data();
    void timedTriesMakeTheLockTimedLockable();
    void dumpThreadsNamesTheLockAThreadBlocksIn_data();
    void dumpThreadsNamesTheLockAThreadBlocksIn();

    void relockingByTheHolderThrowsUsageErrorNamingTheLock_data();
    void relockingByTheHolderThrowsUsageErrorNamingTheLock();
    void unlockingByANonHolderThrowsUsageErrorNamingTheLock_data();
    void unlockingByANonHolderThrowsUsageErrorNamingTheLock();
    void waitWithoutHoldingThrowsUsageErrorNamingTheLock_data();
    void waitWithoutHoldingThrowsUsageErrorNamingTheLock();
    void unnamedLocksGetDistinctGeneratedNames();

    void destroyingWakesWaitersAndLockersWithUsageErrorNamingTheLock_data();
    void destroyingWakesWaitersAndLockersWithUsageErrorNamingTheLock();
    void destroyingALockItsOwnThreadHoldsNeedsNoOtherThread();

    void worksWithLockGuardAndUniqueLock();
    void uniqueLockTryToLock_data();
    void uniqueLockTryToLock();
    void scopedLockOfTwoLocksInOppositeOrdersNeverDeadlocks();
    void lockExcludesOtherThreads();
};

void tst_Lock::waitReturnsWhetherItWasWoken_data()
{
    QTest::addColumn<Wake>("wake");
    QTest::addColumn<bool>("expected");
    QTest::newRow("woken by an unlock, till never") << Wake::UnlockWithNeverTill << true;
    QTest::newRow("woken by an unlock, till pending") << Wake::UnlockWithPendingTill << true;
    QTest::newRow("till already gone") << Wake::TillAlreadyGone << false;
    QTest::newRow("till goes while waiting") << Wake::TillGoesWhileWaiting << false;
    QTest::newRow("till times out") << Wake::TillTimesOut << false;
    QTest::newRow("till goes while the waker holds the lock") << Wake::TillGoesWhileWakerHolds << true;
}

void tst_Lock::waitReturnsWhetherItWasWoken()
{
    QFETCH(Wake, wake);
    QFETCH(bool, expected);

    skein::Lock lock("monitor");
    // A plain Signal unless the row says otherwise: it goes only when the
    // test says, and lets waitUntilParked() see the waiter inside wait().
    skein::Signal till("till");
    if (wake == Wake::UnlockWithNeverTill)
        till = skein::Signal::never();
    else if (wake == Wake::TillAlreadyGone)
        till.go();
    else if (wake == Wake::TillTimesOut)
        till = skein::Till(20ms);

    skein::Signal holding("waiter holds the lock");
    std::atomic<bool> result{!expected};
    std::atomic<bool> heldAfterwards{false};
    Joining waiter([&] {
        lock.lock();
        holding.go();
        result = lock.wait(till);
        heldAfterwards = lock.isHeldByCurrentThread();
        lock.unlock();
    });

    switch (wake) {
    case Wake::UnlockWithNeverTill:
        // The waiter holds the Lock until wait() releases it, so this lock()
        // returns only once the waiter is waiting.
        holding.wait();
        lock.lock();
        lock.unlock();
        break;
    case Wake::UnlockWithPendingTill:
        QVERIFY(waitUntilParked(till, 1));
        lock.lock();
        lock.unlock();
        break;
    case Wake::TillAlreadyGone:
    case Wake::TillTimesOut: break;
    case Wake::TillGoesWhileWaiting:
        QVERIFY(waitUntilParked(till, 1));
        till.go();
        break;
    case Wake::TillGoesWhileWakerHolds:
        // The waiter wakes on `till` but cannot re-acquire while this thread
        // holds the Lock; the unlock() then finds it still queued and wakes
        // it, so the wake counts.
        QVERIFY(waitUntilParked(till, 1));
        lock.lock();
        till.go();
        lock.unlock();
        break;
    }
    waiter.join();

    QCOMPARE(result.load(), expected);
    QVERIFY(heldAfterwards);
    QVERIFY(worksNormally(lock));
}

void tst_Lock::waitReacquiresTheLockBeforeReturning_data()
{
    QTest::addColumn<bool>("releaseByWaiting");
    QTest::addColumn<bool>("expected");
    // unlock() finds the waiter still queued and wakes it: true.
    QTest::newRow("holder unlocks") << false << true;
    // wait() releases the Lock without waking anyone: the waiter's own
    // `till` had gone, so false.
    QTest::newRow("holder releases it by waiting") << true << false;
}

void tst_Lock::waitReacquiresTheLockBeforeReturning()
{
    QFETCH(bool, releaseByWaiting);
    QFETCH(bool, expected);

    skein::Lock lock("reacquire");
    skein::Signal till("waiter's till");
    skein::Signal returned("waiter returned");
    Events events;
    std::atomic<bool> result{!expected};
    std::atomic<bool> heldAfterwards{false};
    Joining waiter([&] {
        lock.lock();
        result = lock.wait(till);
        heldAfterwards = lock.isHeldByCurrentThread();
        events.add("waiter returns");
        returned.go();
        lock.unlock();
    });

    QVERIFY(waitUntilParked(till, 1));
    lock.lock();
    till.go();
    events.add("main holds the lock and the waiter is awake");
    // The waiter is awake and must stay inside wait() while this thread holds
    // the Lock. Only a window of time can show that something does not
    // happen: 50 ms, a bound from below, so a slow machine can only make the
    // check weaker, never make a correct Lock fail it.
    const bool returnedWhileHeld = returned.wait(skein::Till(50ms));
    bool mainWaitResult = true;
    if (releaseByWaiting) {
        events.add("main releases the lock by waiting");
        // The waiter's unlock() wakes this wait.
        mainWaitResult = lock.wait();
        lock.unlock();
    } else {
        events.add("main unlocks");
        lock.unlock();
    }
    returned.wait();
    waiter.join();

    QVERIFY(!returnedWhileHeld);
    const QStringList expectedEvents{
        "main holds the lock and the waiter is awake",
        releaseByWaiting ? "main releases the lock by waiting" : "main unlocks",
        "waiter returns",
    };
    QCOMPARE(events.list(), expectedEvents);
    QCOMPARE(result.load(), expected);
    QVERIFY(heldAfterwards);
    QVERIFY(mainWaitResult);
    QVERIFY(worksNormally(lock));
}

// Two waiters with a `till` and, behind them, a witness that waits without
// one. The `till` goes while this thread locks and unlocks once. Waiters that
// return go back to waiting (which wakes nobody), so that single unlock()
// wakes exactly one thread: the oldest still queued. Either a tilled waiter
// was woken (it returns true), or both had left on their `till` first and the
// witness is woken. A woken waiter that returned false would be a lost wake,
// and the witness would then never be woken.
void tst_Lock::wakeIsNeverLostWhenTillGoesAtTheSameTime()
{
    constexpr int rounds = 2000;
    constexpr int tilled = 2;
    for (int round = 0; round < rounds; ++round) {
        skein::Lock lock("handoff");
        skein::Signal till("till");
        skein::Signal roundEnd("round end");
        skein::Signal allReturned("every tilled waiter returned");
        skein::Signal witnessWoken("witness woken");
        std::atomic<int> returned{0};
        std::atomic<int> trueReturns{0};
        bool witnessOk = false;
        int woken = -1;
        {
            std::vector<Joining> threads;
            for (int i = 0; i < tilled; ++i) {
                threads.emplace_back([&] {
                    lock.lock();
                    if (lock.wait(till))
                        ++trueReturns;
                    if (++returned == tilled)
                        allReturned.go();
                    lock.wait(roundEnd);
                    lock.unlock();
                });
            }
            const bool tilledParked = waitUntilParked(till, tilled);
            threads.emplace_back([&] {
                lock.lock();
                // Before roundEnd, only this round's single unlock() wakes it.
                if (lock.wait(roundEnd) && !roundEnd)
                    witnessWoken.go();
                lock.unlock();
            });
            const bool witnessParked = waitUntilParked(roundEnd, 1);
            if (tilledParked && witnessParked) {
                Joining goer([&] { till.go(); });
                // Every other round gives the waiters a head start on
                // re-acquiring, so both outcomes come up.
                if (round % 2 == 1)
                    till.wait();
                lock.lock();
                lock.unlock();
            }
            till.go();
            allReturned.wait();
            woken = trueReturns;
            if (woken == 0)
                witnessOk = witnessWoken.wait(skein::Till(testing::hangGuard));
            else
                witnessOk = !witnessWoken;
            roundEnd.go();
            QVERIFY2(tilledParked && witnessParked, qPrintable(QStringLiteral("round %1").arg(round)));
        }
        QVERIFY2(woken == 0 || woken == 1,
                 qPrintable(QStringLiteral("round %1: one unlock() woke %2 tilled waiters").arg(round).arg(woken)));
        QVERIFY2(witnessOk, qPrintable(QStringLiteral("round %1: %2 tilled waiters woken, witness %3")
                                           .arg(round)
                                           .arg(woken)
                                           .arg(woken == 0 ? "never woken: the wake was lost" : "woken too")));
    }
}

// Five waiters enter wait() one after another. Each one that is woken records
// itself and goes back to waiting (which wakes nobody), so every unlock() by
// this thread must wake exactly the next one in entry order.
void tst_Lock::unlockWakesTheOldestWaiterOnly()
{
    constexpr int waiters = 5;
    skein::Lock lock("waiting room");
    // Never goes: only lets waitUntilParked() count the waiters.
    skein::Signal till("entry");
    skein::Signal roundEnd("round end");
    std::vector<int> wakeOrder;                       // guarded by lock
    std::vector<skein::Signal> recorded(waiters);     // recorded[k]: the k-th wake is recorded
    std::vector<std::atomic<bool>> results(waiters);  // what each first wait() returned
    std::vector<std::size_t> recordedBeforeUnlock;
    {
        std::vector<Joining> threads;
        bool allParked = true;
        for (int i = 0; i < waiters && allParked; ++i) {
            threads.emplace_back([&, i] {
                lock.lock();
                results[i] = lock.wait(till);
                wakeOrder.push_back(i);
                if (wakeOrder.size() <= recorded.size())
                    recorded[wakeOrder.size() - 1].go();
                lock.wait(roundEnd);
                lock.unlock();
            });
            // The next waiter starts only once this one is queued.
            allParked = waitUntilParked(till, i + 1);
        }
        for (int k = 0; k < waiters && allParked; ++k) {
            lock.lock();
            recordedBeforeUnlock.push_back(wakeOrder.size());
            lock.unlock();
            recorded[k].wait();
        }
        // Every waiter has left its first wait() by now, unless a check failed.
        till.go();
        roundEnd.go();
        QVERIFY(allParked);
    }
    QCOMPARE(wakeOrder, (std::vector<int>{0, 1, 2, 3, 4}));
    QCOMPARE(recordedBeforeUnlock, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
    for (int i = 0; i < waiters; ++i)
        QVERIFY(results[i]);
    QVERIFY(worksNormally(lock));
}

void tst_Lock::everyWaiterIsWokenWhileAnotherThreadKeepsEntering()
{
    constexpr int waiters = 100;
    skein::Lock lock("crowded");
    // Never goes: only lets waitUntilParked() count the waiters.
    skein::Signal till("parked");
    std::vector<int> recorded;  // guarded by lock
    std::atomic<int> trueReturns{0};
    bool parked = false;
    {
        std::vector<Joining> threads;
        for (int i = 0; i < waiters; ++i) {
            threads.emplace_back([&, i] {
                lock.lock();
                if (lock.wait(till))
                    ++trueReturns;
                recorded.push_back(i);
                lock.unlock();
            });
        }
        parked = waitUntilParked(till, waiters);
        if (!parked)
            till.go();
        threads.emplace_back([&] {
            for (;;) {
                lock.lock();
                const bool everyoneRecorded = recorded.size() >= waiters;
                lock.unlock();
                if (everyoneRecorded)
                    return;
            }
        });
    }
    QVERIFY(parked);
    std::vector<int> sorted = recorded;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> everyone(waiters);
    for (int i = 0; i < waiters; ++i)
        everyone[i] = i;
    QCOMPARE(sorted, everyone);
    QCOMPARE(trueReturns.load(), waiters);
}

void tst_Lock::waitForReturnsFalseAfterAtLeastTheTimeout()
{
    skein::Lock lock("alone");
    lock.lock();
    const auto start = std::chrono::steady_clock::now();
    const bool woken = lock.waitFor(10ms);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    const bool held = lock.isHeldByCurrentThread();
    lock.unlock();

    QVERIFY(!woken);
    QVERIFY(held);
    // A Till never goes before its deadline, which waitFor() computes after
    // `start`: no slack is needed below, and nothing is said above.
    QVERIFY(elapsed >= 10ms);
}

void tst_Lock::lockWithTillReturnsWhetherItTookTheLock_data()
{
    QTest::addColumn<bool>("heldByAnother");
    QTest::addColumn<QString>("till");
    QTest::addColumn<bool>("expected");
    QTest::newRow("free, till never goes") << false << QStringLiteral("never") << true;
    // As try_lock() would: a free Lock is taken even when `till` has gone.
    QTest::newRow("free, till already gone") << false << QStringLiteral("gone") << true;
    QTest::newRow("held, till already gone") << true << QStringLiteral("gone") << false;
    QTest::newRow("held, till goes while blocked") << true << QStringLiteral("goes") << false;
    QTest::newRow("held, a Till times out") << true << QStringLiteral("times out") << false;
    QTest::newRow("held, the holder unlocks while blocked") << true << QStringLiteral("unlocked") << true;
}

void tst_Lock::lockWithTillReturnsWhetherItTookTheLock()
{
    QFETCH(bool, heldByAnother);
    QFETCH(QString, till);
    QFETCH(bool, expected);

    skein::Lock lock("ledger");
    // A plain Signal unless the row says otherwise: it lets waitUntilParked()
    // see the call blocked in lock(till).
    skein::Signal lockTill("lock's till");
    if (till == "never")
        lockTill = skein::Signal::never();
    else if (till == "gone")
        lockTill.go();
    else if (till == "times out")
        lockTill = skein::Till(20ms);
    skein::Signal holding("other thread holds the lock");
    skein::Signal release("release");
    std::optional<Joining> holder;
    if (heldByAnother) {
        holder.emplace([&] {
            lock.lock();
            holding.go();
            release.wait();
            lock.unlock();
        });
        holding.wait();
    }

    std::atomic<bool> result{!expected};
    std::atomic<bool> held{!expected};
    Joining locker([&] {
        result = lock.lock(lockTill);
        held = lock.isHeldByCurrentThread();
        if (held)
            lock.unlock();
    });
    const bool parked = (till != "goes" && till != "unlocked") || waitUntilParked(lockTill, 1);
    if (till == "goes" || !parked)
        lockTill.go();
    if (till == "unlocked")
        release.go();
    locker.join();
    release.go();
    holder.reset();

    QVERIFY(parked);
    QCOMPARE(result.load(), expected);
    QCOMPARE(held.load(), expected);
    QVERIFY(worksNormally(lock));
    if (till == "goes" || till == "unlocked")
        QCOMPARE(skein::detail::pendingCallbacks(lockTill), std::size_t(0));
}

// The holder unlocks just as the contender's `till` goes. Whatever lock(till)
// answers must be the truth: true and holding the Lock, or false and holding
// nothing, so that the Lock is free afterwards either way.
void tst_Lock::lockWithTillRacingUnlockEitherHoldsOrTookNothing()
{
    constexpr int rounds = 2000;
    skein::Lock lock("contested");
    int trueAnswers = 0;
    for (int round = 0; round < rounds; ++round) {
        skein::Signal till("till");
        std::optional<bool> answer;
        bool honest = false;
        lock.lock();
        {
            Joining contender([&] {
                answer = lock.lock(till);
                honest = *answer == lock.isHeldByCurrentThread();
                if (lock.isHeldByCurrentThread())
                    lock.unlock();
            });
            const bool parked = waitUntilParked(till, 1);
            Joining goer([&] { till.go(); });
            lock.unlock();
            QVERIFY2(parked, qPrintable(QStringLiteral("round %1").arg(round)));
        }
        QVERIFY2(answer && honest, qPrintable(QStringLiteral("round %1: lock(till) answered %2")
                                                  .arg(round)
                                                  .arg(answer ? (*answer ? "true" : "false") : "nothing")));
        QVERIFY2(lock.try_lock(), qPrintable(QStringLiteral("round %1: the Lock was left held").arg(round)));
        lock.unlock();
        trueAnswers += *answer;
    }
    // Both answers are possible; neither is promised, so neither is counted.
    Q_UNUSED(trueAnswers);
}

void tst_Lock::timedTriesMakeTheLockTimedLockable_data()
{
    QTest::addColumn<LockCall>("call");
    QTest::addColumn<QString>("holder");
    QTest::addColumn<bool>("expected");
    const std::pair<LockCall, const char*> calls[] = {
        {LockCall::TryLockFor, "unique_lock with a timeout"},
        {LockCall::TryLockUntil, "unique_lock with a steady_clock deadline"},
        {LockCall::TryLockUntilSystemClock, "unique_lock with a system_clock deadline"},
    };
    for (const auto& [call, name] : calls) {
        QTest::addRow("%s, free", name) << call << QStringLiteral("nobody") << true;
        QTest::addRow("%s, held by another thread throughout", name) << call << QStringLiteral("other") << false;
        QTest::addRow("%s, released while it blocks", name) << call << QStringLiteral("releasing") << true;
    }
}

// The timeout is 50 ms, or an hour when the holder releases the Lock while
// the try blocks: that row must end by the release, not by the clock.
void tst_Lock::timedTriesMakeTheLockTimedLockable()
{
    QFETCH(LockCall, call);
    QFETCH(QString, holder);
    QFETCH(bool, expected);

    skein::Lock lock("timed");
    skein::Signal holding("other thread holds the lock");
    skein::Signal release("release");
    std::optional<Joining> other;
    if (holder != "nobody") {
        other.emplace([&] {
            lock.lock();
            holding.go();
            release.wait();
            lock.unlock();
        });
        holding.wait();
    }
    const auto timeout = holder == "releasing" ? std::chrono::milliseconds(1h) : std::chrono::milliseconds(50ms);

    std::atomic<bool> owned{!expected};
    std::atomic<bool> held{!expected};
    std::chrono::steady_clock::duration elapsed{};
    Joining trier([&] {
        const auto start = std::chrono::steady_clock::now();
        std::optional<std::unique_lock<skein::Lock>> guard;
        if (call == LockCall::TryLockFor)
            guard.emplace(lock, timeout);
        else if (call == LockCall::TryLockUntil)
            guard.emplace(lock, std::chrono::steady_clock::now() + timeout);
        else
            guard.emplace(lock, std::chrono::system_clock::now() + timeout);
        elapsed = std::chrono::steady_clock::now() - start;
        owned = guard->owns_lock();
        held = lock.isHeldByCurrentThread();
    });
    // The other rows keep the Lock held until the try has given up.
    const bool blocked = holder != "releasing" || testing::waitUntilBlockedOn("Lock 'timed' (lock)", 1);
    if (holder == "releasing")
        release.go();
    trier.join();
    release.go();
    other.reset();

    QVERIFY(blocked);

    QCOMPARE(owned.load(), expected);
    QCOMPARE(held.load(), expected);
    // A Till never goes before its deadline, computed after `start`. The
    // system_clock row may be moved by a clock step, which the test would
    // not survive anyway; nothing is said above.
    if (holder == "other" && call != LockCall::TryLockUntilSystemClock)
        QVERIFY(elapsed >= 50ms);
    QVERIFY(worksNormally(lock));
}

void tst_Lock::dumpThreadsNamesTheLockAThreadBlocksIn_data()
{
    QTest::addColumn<bool>("withTill");
    QTest::newRow("lock()") << false;
    QTest::newRow("lock(till)") << true;
}

void tst_Lock::dumpThreadsNamesTheLockAThreadBlocksIn()
{
    QFETCH(bool, withTill);
    skein::Lock lock("db");
    skein::Signal till("locker's till");
    lock.lock();
    std::atomic<bool> result{false};
    std::string dump;
    {
        Joining locker([&] {
            result = withTill ? lock.lock(till) : (lock.lock(), true);
            lock.unlock();
        });
        const bool shown = testing::waitUntilBlockedOn("Lock 'db' (lock)", 1);
        dump = skein::dumpThreads();
        lock.unlock();
        QVERIFY(shown);
    }
    QVERIFY2(testing::contains(dump, "waiting on Lock 'db' (lock)"), dump.c_str());
    QVERIFY(result);
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

void tst_Lock::relockingByTheHolderThrowsUsageErrorNamingTheLock_data()
{
    QTest::addColumn<LockCall>("call");
    QTest::newRow("lock") << LockCall::Lock;
    QTest::newRow("lock(till)") << LockCall::LockWithTill;
    QTest::newRow("try_lock") << LockCall::TryLock;
    QTest::newRow("try_lock_for") << LockCall::TryLockFor;
    QTest::newRow("try_lock_until") << LockCall::TryLockUntil;
    QTest::newRow("try_lock_until, system_clock") << LockCall::TryLockUntilSystemClock;
}

void tst_Lock::relockingByTheHolderThrowsUsageErrorNamingTheLock()
{
    QFETCH(LockCall, call);
    skein::Lock lock("ledger");
    lock.lock();
    const auto message = messageOf<skein::UsageError>([&] {
        switch (call) {
        case LockCall::Lock: lock.lock(); break;
        case LockCall::LockWithTill: (void)lock.lock(skein::Signal::never()); break;
        case LockCall::TryLock: (void)lock.try_lock(); break;
        case LockCall::TryLockFor: (void)lock.try_lock_for(1h); break;
        case LockCall::TryLockUntil: (void)lock.try_lock_until(std::chrono::steady_clock::now() + 1h); break;
        case LockCall::TryLockUntilSystemClock:
            (void)lock.try_lock_until(std::chrono::system_clock::now() + 1h);
            break;
        }
    });
    const bool stillHeld = lock.isHeldByCurrentThread();
    const bool othersShutOut = !onAnotherThread([&] {
        const bool got = lock.try_lock();
        if (got)
            lock.unlock();
        return got;
    });
    lock.unlock();

    QVERIFY2(names(message, "ledger"), message ? message->c_str() : "no UsageError");
    QVERIFY(stillHeld);
    QVERIFY(othersShutOut);
    QVERIFY(worksNormally(lock));
}

void tst_Lock::unlockingByANonHolderThrowsUsageErrorNamingTheLock_data()
{
    QTest::addColumn<QString>("who");
    QTest::newRow("another thread, while this one holds it") << QStringLiteral("other while held");
    QTest::newRow("a thread that never locked it, while free") << QStringLiteral("other while free");
    QTest::newRow("this thread, after its own unlock") << QStringLiteral("self after unlock");
}

void tst_Lock::unlockingByANonHolderThrowsUsageErrorNamingTheLock()
{
    QFETCH(QString, who);
    skein::Lock lock("ledger");
    std::optional<std::string> message;
    bool holderUnaffected = true;

    if (who == "other while held") {
        lock.lock();
        message = onAnotherThread([&] { return messageOf<skein::UsageError>([&] { lock.unlock(); }); });
        holderUnaffected = lock.isHeldByCurrentThread() && !onAnotherThread([&] {
                               const bool got = lock.try_lock();
                               if (got)
                                   lock.unlock();
                               return got;
                           });
        lock.unlock();
    } else if (who == "other while free") {
        message = onAnotherThread([&] { return messageOf<skein::UsageError>([&] { lock.unlock(); }); });
    } else {
        lock.lock();
        lock.unlock();
        message = messageOf<skein::UsageError>([&] { lock.unlock(); });
    }

    QVERIFY2(names(message, "ledger"), message ? message->c_str() : "no UsageError");
    QVERIFY(holderUnaffected);
    QVERIFY(worksNormally(lock));
}

void tst_Lock::waitWithoutHoldingThrowsUsageErrorNamingTheLock_data()
{
    QTest::addColumn<bool>("heldByAnother");
    QTest::newRow("lock free") << false;
    QTest::newRow("lock held by another thread") << true;
}

void tst_Lock::waitWithoutHoldingThrowsUsageErrorNamingTheLock()
{
    QFETCH(bool, heldByAnother);
    skein::Lock lock("ledger");
    skein::Signal holding("other thread holds the lock");
    skein::Signal release("release");
    std::optional<Joining> holder;
    if (heldByAnother) {
        holder.emplace([&] {
            lock.lock();
            holding.go();
            release.wait();
            lock.unlock();
        });
        holding.wait();
    }

    const auto waitMessage = messageOf<skein::UsageError>([&] { (void)lock.wait(); });
    const auto waitForMessage = messageOf<skein::UsageError>([&] { (void)lock.waitFor(1h); });
    const bool heldAfterwards = lock.isHeldByCurrentThread();
    release.go();
    holder.reset();

    QVERIFY2(names(waitMessage, "ledger"), waitMessage ? waitMessage->c_str() : "no UsageError");
    QVERIFY2(names(waitForMessage, "ledger"), waitForMessage ? waitForMessage->c_str() : "no UsageError");
    QVERIFY(!heldAfterwards);
    QVERIFY(worksNormally(lock));
}

void tst_Lock::unnamedLocksGetDistinctGeneratedNames()
{
    skein::Lock a;
    skein::Lock b;
    QVERIFY(!a.name().empty());
    QVERIFY(!b.name().empty());
    QVERIFY(a.name() != b.name());
    QCOMPARE(skein::Lock("ledger").name(), std::string("ledger"));

    a.lock();
    const auto message = messageOf<skein::UsageError>([&] { a.lock(); });
    a.unlock();
    QVERIFY2(names(message, a.name()), message ? message->c_str() : "no UsageError");
}

void tst_Lock::destroyingWakesWaitersAndLockersWithUsageErrorNamingTheLock_data()
{
    QTest::addColumn<bool>("destroyerHolds");
    // Then two more threads block in lock() and lock(till).
    QTest::newRow("held by the destroying thread") << true;
    QTest::newRow("free") << false;
}

// Two threads wait, one without a till and one with, each under a
// std::unique_lock: a wait() that throws has re-acquired the Lock, and its
// guard unlocks it on the way out, which the destructor waits for. The Lock
// is on the heap, so that AddressSanitizer sees a call that touches it after
// its destructor returned.
void tst_Lock::destroyingWakesWaitersAndLockersWithUsageErrorNamingTheLock()
{
    QFETCH(bool, destroyerHolds);
    auto lock = std::make_unique<skein::Lock>("doomed");
    // Never goes: the wait(till) must leave no callback behind on it.
    skein::Signal till("waiter's till");
    std::optional<std::string> waitMessage;
    std::optional<std::string> waitWithTillMessage;
    std::optional<std::string> lockMessage;
    std::optional<std::string> lockWithTillMessage;
    Events events;
    std::atomic<int> returned{0};
    bool blocked = false;
    bool returnedBeforeDestruction = true;
    {
        std::vector<Joining> threads;
        const auto waiter = [&](std::optional<std::string>& message, const skein::Signal& waiterTill) {
            return [&] {
                {
                    const std::unique_lock<skein::Lock> guard(*lock);
                    message = messageOf<skein::UsageError>([&] { (void)lock->wait(waiterTill); });
                    events.add("a waiter got its answer, holding the lock");
                }
                ++returned;
            };
        };
        threads.emplace_back(waiter(waitMessage, skein::Signal::never()));
        threads.emplace_back(waiter(waitWithTillMessage, till));
        blocked = waitUntilBlockedOn("Lock 'doomed' (wait)", 2);
        if (destroyerHolds) {
            // Taken once both waiters have released it by waiting.
            lock->lock();
            threads.emplace_back([&] {
                lockMessage = messageOf<skein::UsageError>([&] {
                    lock->lock();
                    lock->unlock();  // reached only when a check failed
                });
                ++returned;
            });
            threads.emplace_back([&] {
                lockWithTillMessage = messageOf<skein::UsageError>([&] {
                    if (lock->lock(till))
                        lock->unlock();  // reached only when a check failed
                });
                ++returned;
            });
            blocked = blocked && waitUntilBlockedOn("Lock 'doomed' (lock)", 2);
        }
        returnedBeforeDestruction = returned != 0;
        if (blocked && !returnedBeforeDestruction) {
            lock.reset();
            events.add("destroyed");
        } else {
            // A check failed. Every unlock() wakes one waiter, whose guard's
            // unlock() wakes the next, and the locker gets it after them.
            if (!destroyerHolds)
                lock->lock();
            lock->unlock();
        }
    }
    QVERIFY(blocked);
    QVERIFY(!returnedBeforeDestruction);
    QVERIFY2(names(waitMessage, "doomed") && testing::contains(waitMessage, "destroyed"),
             waitMessage ? waitMessage->c_str() : "wait() threw no UsageError");
    QVERIFY2(names(waitWithTillMessage, "doomed") && testing::contains(waitWithTillMessage, "destroyed"),
             waitWithTillMessage ? waitWithTillMessage->c_str() : "wait(till) threw no UsageError");
    if (destroyerHolds) {
        QVERIFY2(names(lockMessage, "doomed") && testing::contains(lockMessage, "destroyed"),
                 lockMessage ? lockMessage->c_str() : "lock() threw no UsageError");
        QVERIFY2(names(lockWithTillMessage, "doomed") && testing::contains(lockWithTillMessage, "destroyed"),
                 lockWithTillMessage ? lockWithTillMessage->c_str() : "lock(till) threw no UsageError");
    }
    // The destructor returned only once both waiters had let go of the Lock.
    QCOMPARE(events.list(), (QStringList{"a waiter got its answer, holding the lock",
                                         "a waiter got its answer, holding the lock", "destroyed"}));
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

// Held, with nobody else to wake or wait for: the destructor lets go of it.
// A Lock destroyed while held is otherwise a locked mutex destroyed, which
// ThreadSanitizer reports.
void tst_Lock::destroyingALockItsOwnThreadHoldsNeedsNoOtherThread()
{
    auto lock = std::make_unique<skein::Lock>("alone");
    lock->lock();
    lock.reset();
    QVERIFY(!lock);
}

void tst_Lock::worksWithLockGuardAndUniqueLock()
{
    skein::Lock lock("adapted");
    {
        const std::lock_guard<skein::Lock> guard(lock);
        QVERIFY(lock.isHeldByCurrentThread());
    }
    QVERIFY(!lock.isHeldByCurrentThread());
    {
        std::unique_lock<skein::Lock> guard(lock);
        QVERIFY(guard.owns_lock());
        QVERIFY(lock.isHeldByCurrentThread());
        guard.unlock();
        QVERIFY(!lock.isHeldByCurrentThread());
        guard.lock();
        QVERIFY(lock.isHeldByCurrentThread());
        // A unique_lock can be handed to wait() through the Lock it guards.
        QVERIFY(!lock.wait(skein::Signal::done()));
        QVERIFY(lock.isHeldByCurrentThread());
    }
    QVERIFY(!lock.isHeldByCurrentThread());
    {
        std::unique_lock<skein::Lock> guard(lock, std::defer_lock);
        QVERIFY(!guard.owns_lock());
        QVERIFY(guard.try_lock());
        QVERIFY(lock.isHeldByCurrentThread());
    }
    QVERIFY(worksNormally(lock));
}

void tst_Lock::uniqueLockTryToLock_data()
{
    QTest::addColumn<QString>("holder");
    QTest::newRow("free") << QStringLiteral("nobody");
    QTest::newRow("held by another thread") << QStringLiteral("other");
    QTest::newRow("held by this thread") << QStringLiteral("self");
}

void tst_Lock::uniqueLockTryToLock()
{
    QFETCH(QString, holder);
    skein::Lock lock("tried");
    skein::Signal holding("other thread holds the lock");
    skein::Signal release("release");
    std::optional<Joining> other;
    if (holder == "other") {
        other.emplace([&] {
            lock.lock();
            holding.go();
            release.wait();
            lock.unlock();
        });
        holding.wait();
    } else if (holder == "self") {
        lock.lock();
    }

    std::optional<bool> owned;
    const auto message = messageOf<skein::UsageError>([&] {
        std::unique_lock<skein::Lock> guard(lock, std::try_to_lock);
        owned = guard.owns_lock() && lock.isHeldByCurrentThread();
    });
    const bool heldBySelf = lock.isHeldByCurrentThread();
    if (holder == "self")
        lock.unlock();
    release.go();
    other.reset();

    if (holder == "nobody") {
        QCOMPARE(owned, std::optional<bool>(true));
        QVERIFY(!heldBySelf);  // the unique_lock released it
    } else if (holder == "other") {
        QCOMPARE(owned, std::optional<bool>(false));
        QVERIFY(!heldBySelf);
    } else {
        QVERIFY2(names(message, "tried"), message ? message->c_str() : "no UsageError");
        QVERIFY(!owned);
        QVERIFY(heldBySelf);  // the failed try_lock took nothing away
    }
    QVERIFY(worksNormally(lock));
}

void tst_Lock::scopedLockOfTwoLocksInOppositeOrdersNeverDeadlocks()
{
    constexpr int rounds = 10000;
    skein::Lock a("a");
    skein::Lock b("b");
    long total = 0;  // guarded by a and b
    skein::Signal abDone("a, b done");
    skein::Signal baDone("b, a done");
    Joining ab([&] {
        for (int i = 0; i < rounds; ++i) {
            const std::scoped_lock both(a, b);
            ++total;
        }
        abDone.go();
    });
    Joining ba([&] {
        for (int i = 0; i < rounds; ++i) {
            const std::scoped_lock both(b, a);
            ++total;
        }
        baDone.go();
    });
    // Only a deadlock keeps these from finishing; the bound turns that hang
    // into a message instead of a test-runner timeout.
    if (!(abDone & baDone).wait(skein::Till(120s)))
        qFatal("std::scoped_lock over two skein::Locks deadlocked");
    ab.join();
    ba.join();
    QCOMPARE(total, 2L * rounds);
    QVERIFY(worksNormally(a));
    QVERIFY(worksNormally(b));
}

void tst_Lock::lockExcludesOtherThreads()
{
    constexpr int threads = 4;
    constexpr int increments = 100000;
    skein::Lock lock("counter");
    int counter = 0;  // guarded by lock; plain, so ThreadSanitizer sees any overlap
    {
        std::vector<Joining> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (int i = 0; i < increments; ++i) {
                    const std::lock_guard<skein::Lock> guard(lock);
                    ++counter;
                }
            });
        }
    }
    QCOMPARE(counter, threads * increments);
}

QTEST_GUILESS_MAIN(tst_Lock)
#include "tst_lock.moc"
