// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Misuse that would deadlock or crash is a UsageError naming the object, or
// is harmless by design: blocking waits on the timer thread, waits inside a
// Signal's own callbacks, joins from a thread's own stopped() callbacks, and
// moved-from handles. (Re-locking, unlocking by a non-holder, joining
// yourself or an ancestor and empty Thread handles are in tst_lock,
// tst_thread and tst_diagnostics.)
#include <QtTest>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include <skein/error.h>
#include <skein/lock.h>
#include <skein/main_thread.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/thread_group.h>
#include <skein/till.h>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::Till;
using skein::UsageError;
using testing::contains;

namespace {

// What a callback saw: the message of the UsageError it caught, if any.
struct Outcome {
    bool ran = false;
    std::optional<std::string> usageError;
};

// Runs `call` inside a Till's callback, on the timer thread, and reports. A
// Till that went before then() runs the callback here instead: that attempt
// does nothing, and the next one gives the Till longer.
Outcome onTheTimerThread(std::function<void()> call)
{
    const std::thread::id caller = std::this_thread::get_id();
    for (auto delay = 1ms;; delay *= 2) {
        auto outcome = std::make_shared<Outcome>();
        const Signal done("done");
        Till(delay).then([outcome, call, done, caller] {
            if (std::this_thread::get_id() != caller) {
                try {
                    call();
                } catch (const UsageError& e) {
                    outcome->usageError = e.what();
                }
                outcome->ran = true;
            }
            Signal(done).go();
        });
        done.wait();
        if (outcome->ran)
            return *outcome;
    }
}

// Queue, Lock, MainThread and ThreadGroup own what their handles would
// share: they cannot be moved, so no moved-from one exists.
static_assert(!std::is_move_constructible_v<skein::Queue<int>> && !std::is_move_assignable_v<skein::Queue<int>>);
static_assert(!std::is_move_constructible_v<skein::Lock> && !std::is_move_assignable_v<skein::Lock>);
static_assert(!std::is_move_constructible_v<skein::MainThread>);
static_assert(!std::is_move_constructible_v<skein::ThreadGroup>);

}  // namespace

class tst_Misuse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void blockingWaitOnTheTimerThreadThrowsUsageErrorNamingWhatItWaitedOn_data();
    void blockingWaitOnTheTimerThreadThrowsUsageErrorNamingWhatItWaitedOn();
    void waitThatNeedNotBlockWorksOnTheTimerThread();
    void timerThreadKeepsServingTillsAfterARefusedWait();
    void waitOnASignalInsideItsOwnCallbackReturnsAtOnce();
    void joinInsideTheThreadsOwnStoppedCallbackThrowsUsageError_data();
    void joinInsideTheThreadsOwnStoppedCallbackThrowsUsageError();
    void movedFromSignalIsStillTheSameSignal();
    void movedFromSubscriptionRemovesNothing();
};

void tst_Misuse::blockingWaitOnTheTimerThreadThrowsUsageErrorNamingWhatItWaitedOn_data()
{
    QTest::addColumn<std::function<void()>>("call");
    QTest::addColumn<QString>("named");
    QTest::newRow("Signal::wait()") << std::function<void()>([] { Signal("pending").wait(); })
                                    << QStringLiteral("Signal 'pending'");
    QTest::newRow("Signal::wait(till)") << std::function<void()>([] { Signal("pending").wait(Till(1h)); })
                                        << QStringLiteral("Signal 'pending'");
    QTest::newRow("Till::wait()") << std::function<void()>([] { Till(1h).wait(); }) << QStringLiteral("till-");
    QTest::newRow("Queue::pop()") << std::function<void()>([] {
        skein::Queue<int> queue("jobs");
        queue.pop();
    }) << QStringLiteral("Queue 'jobs'");
    QTest::newRow("Queue::add(), full") << std::function<void()>([] {
        skein::Queue<int> queue("jobs", 1);
        queue.add(1);
        queue.add(2);
    }) << QStringLiteral("Queue 'jobs'");
    QTest::newRow("Thread::join()") << std::function<void()>([] {
        const Signal release("release");
        const Thread thread = Thread::run("awaited", [release] { release.wait(); });
        auto releaseOnExit = qScopeGuard([release] { Signal(release).go(); });
        thread.join();
    }) << QStringLiteral("/awaited' (join)");
    QTest::newRow("Lock::wait()") << std::function<void()>([] {
        skein::Lock lock("ledger");
        std::lock_guard<skein::Lock> held(lock);
        lock.wait();
    }) << QStringLiteral("Lock 'ledger'");
}

// A blocking wait on the one timer thread would stop every Till in the
// process, including the one that might end the wait.
void tst_Misuse::blockingWaitOnTheTimerThreadThrowsUsageErrorNamingWhatItWaitedOn()
{
    QFETCH(std::function<void()>, call);
    QFETCH(QString, named);
    const Outcome outcome = onTheTimerThread(call);
    QVERIFY(outcome.ran);
    QVERIFY2(contains(outcome.usageError, "timer thread"), outcome.usageError.value_or("no UsageError").c_str());
    QVERIFY2(contains(outcome.usageError, named.toStdString()), outcome.usageError->c_str());
}

void tst_Misuse::waitThatNeedNotBlockWorksOnTheTimerThread()
{
    bool results = false;  // written on the timer thread before Outcome is
    const Outcome outcome = onTheTimerThread([&results] {
        Signal::done().wait();
        const bool signalWent = Signal::done().wait(Till(1h));
        skein::Queue<int> queue("jobs", 1);
        queue.add(1);
        const bool popped = queue.pop().value_or(0) == 1;
        const bool emptyPopGaveUp = !queue.pop(Signal::done());
        skein::Lock lock("ledger");
        std::lock_guard<skein::Lock> held(lock);
        const bool lockWaitGaveUp = !lock.wait(Signal::done());
        results = signalWent && popped && emptyPopGaveUp && lockWaitGaveUp;
    });
    QVERIFY(outcome.ran);
    QVERIFY2(!outcome.usageError, outcome.usageError.value_or("").c_str());
    QVERIFY(results);
}

void tst_Misuse::timerThreadKeepsServingTillsAfterARefusedWait()
{
    const Outcome refused = onTheTimerThread([] { Till(1h).wait(); });
    QVERIFY(refused.usageError);
    QVERIFY(Till(1ms).wait(Till(1h)));
}

// Its waiters are woken before any callback runs: by then it has gone, so a
// wait on it inside its own callback cannot block.
void tst_Misuse::waitOnASignalInsideItsOwnCallbackReturnsAtOnce()
{
    Signal signal("self");
    bool returned = false;
    signal.then([&] {
        signal.wait();
        returned = signal.wait(Till(1h)) && signal.waitFor(1h);
    });
    signal.go();
    QVERIFY(returned);
    // Registered after it went: runs inline, the same.
    returned = false;
    signal.then([&] { returned = signal.wait(Till(1h)); });
    QVERIFY(returned);
}

void tst_Misuse::joinInsideTheThreadsOwnStoppedCallbackThrowsUsageError_data()
{
    QTest::addColumn<bool>("withTill");
    QTest::newRow("join()") << false;
    QTest::newRow("tryJoin(till)") << true;
}

// stopped()'s callbacks run on the thread itself, before it counts as
// ended: a join there would wait for itself.
void tst_Misuse::joinInsideTheThreadsOwnStoppedCallbackThrowsUsageError()
{
    QFETCH(bool, withTill);
    const Signal release("release");
    Thread thread = Thread::run("joins-itself", [release] { release.wait(); });
    std::optional<std::string> message;
    thread.stopped().then([&message, thread, withTill] {
        try {
            if (withTill)
                (void)thread.tryJoin(Till(1h));
            else
                thread.join();
        } catch (const UsageError& e) {
            message = e.what();
        }
    });
    Signal(release).go();
    thread.join();
    QVERIFY2(contains(message, "main/joins-itself"), message.value_or("no UsageError").c_str());
}

// Moving a Signal copies the handle: the moved-from one is the same Signal.
void tst_Misuse::movedFromSignalIsStillTheSameSignal()
{
    Signal original("original");
    const Signal movedTo = std::move(original);
    QVERIFY(original == movedTo);  // NOLINT(bugprone-use-after-move): the point of the test
    QCOMPARE(original.name(), std::string("original"));
    original.go();
    QVERIFY(movedTo);
    Signal assigned;
    assigned = std::move(original);
    QVERIFY(assigned == movedTo && bool(original));
}

void tst_Misuse::movedFromSubscriptionRemovesNothing()
{
    const Signal signal("signal");
    bool ran = false;
    skein::Subscription subscription = signal.then([&ran] { ran = true; });
    const skein::Subscription movedTo = std::move(subscription);
    QVERIFY(!signal.removeThen(subscription));  // NOLINT(bugprone-use-after-move)
    QVERIFY(signal.removeThen(movedTo));
    Signal(signal).go();
    QVERIFY(!ran);
}

QTEST_GUILESS_MAIN(tst_Misuse)
#include "tst_misuse.moc"
