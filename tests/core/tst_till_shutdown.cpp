// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Till at shutdown: every pending Till goes at once (threads blocked on far
// or infinite Tills wake, callbacks run once), and every Till made afterwards
// is born gone. Its own executable: detail::shutdownTimers() cannot be undone
// within a process.
//
// After shutdown every Till is born gone, so a Till cannot bound a wait that
// checks the shutdown itself: those waits are bounded with std::future, and
// the bound is a hang guard only, not a measure of speed.
#include <QtTest>

#include <skein/detail/introspection.h>
#include <skein/signal.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <limits>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using skein::Signal;
using skein::Till;

using MakeTill = std::function<Till()>;
Q_DECLARE_METATYPE(MakeTill)

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr auto hangGuard = 30s;

// A thread that makes what it will block on, reports that it is about to
// block, then blocks and reports what its wait returned. It owns everything
// it touches, so it can be detached if it never wakes.
class Waiter {
public:
    // `prepare` runs on the new thread before it reports; the function it
    // returns is the blocking wait.
    explicit Waiter(std::function<std::function<bool()>()> prepare)
    {
        std::promise<void> ready;
        std::promise<bool> result;
        ready_ = ready.get_future();
        result_ = result.get_future();
        thread_ =
            std::thread([prepare = std::move(prepare), ready = std::move(ready), result = std::move(result)]() mutable {
                const std::function<bool()> block = prepare();
                ready.set_value();
                result.set_value(block());
            });
    }
    ~Waiter()
    {
        if (thread_.joinable())
            thread_.detach();  // never woke: leave it, the test has failed
    }
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;

    bool waitUntilAboutToBlock() { return ready_.wait_for(hangGuard) == std::future_status::ready; }
    bool woke() { return result_.wait_for(hangGuard) == std::future_status::ready; }
    // After woke(): what the wait returned.
    bool returned()
    {
        thread_.join();
        return result_.get();
    }

private:
    std::future<void> ready_;
    std::future<bool> result_;
    std::thread thread_;
};

// Runs `fn` on another thread; false if it did not finish within the guard.
bool finishes(std::function<void()> fn)
{
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    std::thread thread([fn = std::move(fn), done] {
        fn();
        done->set_value();
    });
    if (finished.wait_for(hangGuard) != std::future_status::ready) {
        thread.detach();
        return false;
    }
    thread.join();
    return true;
}

bool timersShutDown = false;

void requireShutdown()
{
    // The cases after the first rely on it; when run alone they shut down
    // themselves.
    if (!timersShutDown) {
        skein::detail::shutdownTimers();
        timersShutDown = true;
    }
}

}  // namespace

class tst_TillShutdown : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Runs first: shuts the timers down.
    void pendingTillsGoAtShutdownAndTheirCallbacksRunOnce();
    void tillMadeAfterShutdownIsBornGone_data();
    void tillMadeAfterShutdownIsBornGone();
    void waitsWithATimeoutDoNotBlockAfterShutdown();
    void noTimerIsPendingAfterShutdown();
};

void tst_TillShutdown::pendingTillsGoAtShutdownAndTheirCallbacksRunOnce()
{
    Waiter farTill([] {
        Till till(1h);
        return std::function<bool()>([till] {
            till.wait();
            return bool(till);
        });
    });
    Waiter infiniteTill([] {
        Till till = Till::seconds(infinity);
        return std::function<bool()>([till] {
            till.wait();
            return bool(till);
        });
    });
    Waiter signalWithFarTill([] {
        Signal signal;
        Till till(1h);
        return std::function<bool()>([signal, till] { return signal.wait(till); });
    });
    Waiter compositeWithInfiniteTill([] {
        Signal composite = Signal() | Till::seconds(infinity);
        return std::function<bool()>([composite] {
            composite.wait();
            return bool(composite);
        });
    });

    // Callbacks on pending Tills: two with no handle left (the timer keeps
    // them for their callbacks), one kept with two callbacks, and one whose
    // callback was removed.
    std::atomic<int> farRuns{0};
    std::atomic<int> infiniteRuns{0};
    std::atomic<int> keptRuns{0};
    std::atomic<int> removedRuns{0};
    std::vector<int> keptOrder;  // only the thread that makes `kept` go writes
    Till(1h).then([&farRuns] { ++farRuns; });
    Till::seconds(infinity).then([&infiniteRuns] { ++infiniteRuns; });
    const Till kept(2h);
    kept.then([&] {
        ++keptRuns;
        keptOrder.push_back(1);
    });
    kept.then([&] {
        ++keptRuns;
        keptOrder.push_back(2);
    });
    const Till withRemoved(1h);
    QVERIFY(withRemoved.removeThen(withRemoved.then([&removedRuns] { ++removedRuns; })));

    QVERIFY(farTill.waitUntilAboutToBlock());
    QVERIFY(infiniteTill.waitUntilAboutToBlock());
    QVERIFY(signalWithFarTill.waitUntilAboutToBlock());
    QVERIFY(compositeWithInfiniteTill.waitUntilAboutToBlock());

    // The waiters' four Tills, two held for their callbacks, `kept` and
    // `withRemoved`.
    QCOMPARE_GE(skein::detail::pendingTimers(), std::size_t(8));
    QVERIFY(!kept);
    QCOMPARE(farRuns.load(), 0);

    skein::detail::shutdownTimers();
    timersShutDown = true;

    // Every pending Till went inside shutdownTimers(), callbacks included.
    QVERIFY(kept);
    QVERIFY(withRemoved);
    QCOMPARE(farRuns.load(), 1);
    QCOMPARE(infiniteRuns.load(), 1);
    QCOMPARE(keptRuns.load(), 2);
    QVERIFY(keptOrder == (std::vector<int>{1, 2}));
    QCOMPARE(removedRuns.load(), 0);
    QCOMPARE(skein::detail::pendingTimers(), std::size_t(0));

    QVERIFY(farTill.woke());
    QVERIFY(infiniteTill.woke());
    QVERIFY(signalWithFarTill.woke());
    QVERIFY(compositeWithInfiniteTill.woke());
    QVERIFY(farTill.returned());
    QVERIFY(infiniteTill.returned());
    QVERIFY(!signalWithFarTill.returned());  // only its till went
    QVERIFY(compositeWithInfiniteTill.returned());

    // Still once each, after the waiters are done and new Tills came and went.
    QVERIFY(Till(1h));
    bool ranInline = false;
    kept.then([&ranInline] { ranInline = true; });
    QVERIFY(ranInline);
    QCOMPARE(farRuns.load(), 1);
    QCOMPARE(infiniteRuns.load(), 1);
    QCOMPARE(keptRuns.load(), 2);
    QCOMPARE(removedRuns.load(), 0);
}

void tst_TillShutdown::tillMadeAfterShutdownIsBornGone_data()
{
    QTest::addColumn<MakeTill>("make");
    QTest::newRow("1ms") << MakeTill([] { return Till(1ms); });
    QTest::newRow("1h") << MakeTill([] { return Till(1h); });
    QTest::newRow("hours max") << MakeTill([] { return Till(std::chrono::hours::max()); });
    QTest::newRow("seconds(+inf)") << MakeTill([] { return Till::seconds(infinity); });
    QTest::newRow("seconds(60)") << MakeTill([] { return Till::seconds(60); });
    QTest::newRow("steady now + 1h") << MakeTill([] { return Till(std::chrono::steady_clock::now() + 1h); });
    QTest::newRow("steady max") << MakeTill([] { return Till(std::chrono::steady_clock::time_point::max()); });
    QTest::newRow("system now + 1h") << MakeTill([] { return Till(std::chrono::system_clock::now() + 1h); });
}

void tst_TillShutdown::tillMadeAfterShutdownIsBornGone()
{
    requireShutdown();
    QFETCH(MakeTill, make);

    const Till till = make();
    QVERIFY(till);
    bool ran = false;
    till.then([&ran] { ran = true; });
    QVERIFY(ran);
    // Gone, so this cannot block.
    QVERIFY(till.wait(Signal::never()));
}

void tst_TillShutdown::waitsWithATimeoutDoNotBlockAfterShutdown()
{
    requireShutdown();
    std::atomic<bool> waitForReturned{true};
    std::atomic<bool> waitWithTillReturned{true};
    std::atomic<bool> compositeWent{false};
    QVERIFY(finishes([&] {
        const Signal signal;
        waitForReturned = signal.waitFor(1h);
        waitWithTillReturned = signal.wait(Till::seconds(infinity));
        const Signal composite = signal | Till(1h);
        composite.wait();
        compositeWent = bool(composite);
    }));
    QVERIFY(!waitForReturned);
    QVERIFY(!waitWithTillReturned);
    QVERIFY(compositeWent);
}

void tst_TillShutdown::noTimerIsPendingAfterShutdown()
{
    requireShutdown();
    QCOMPARE(skein::detail::pendingTimers(), std::size_t(0));
    std::vector<Till> tills;
    for (int i = 0; i < 100; ++i)
        tills.emplace_back(std::chrono::minutes(i + 1));
    Till(1h).then([] {});
    QCOMPARE(skein::detail::pendingTimers(), std::size_t(0));
    for (const Till& till : tills)
        QVERIFY(till);
}

QTEST_GUILESS_MAIN(tst_TillShutdown)
#include "tst_till_shutdown.moc"
