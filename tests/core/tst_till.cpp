// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Till: never goes before its deadline, past and infinite deadlines, NaN,
// wall-clock deadlines, one timer thread for any number of Tills, flat memory
// for Tills that are dropped, many pending Tills going in deadline order, and
// where a Till's callbacks run. Shutdown is in tst_till_shutdown (it cannot be
// undone within a process).
#include <QtTest>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/signal.h>
#include <skein/till.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <limits>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Till;
using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;
using testing::residentBytes;

using MakeTill = std::function<Till()>;
Q_DECLARE_METATYPE(MakeTill)

namespace {

// Threads of this process, as the kernel lists them.
std::size_t threadCount()
{
    return std::size_t(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

std::chrono::microseconds::rep micros(SteadyClock::duration d)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

constexpr auto century = std::chrono::hours(24 * 365 * 100);
constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

}  // namespace

class tst_Till : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    // Runs first, so that it counts the threads before any Till exists.
    void oneTimerThreadServesEveryTill();
    void goesNeverBeforeItsDeadline_data();
    void goesNeverBeforeItsDeadline();
    void fractionalTimeoutsRoundUp();
    void zeroNegativeAndPastDeadlinesAreBornGone_data();
    void zeroNegativeAndPastDeadlinesAreBornGone();
    void nanTimeoutThrows_data();
    void nanTimeoutThrows();
    void infiniteDeadlinesDoNotGo_data();
    void infiniteDeadlinesDoNotGo();
    void systemClockDeadlineGoesAfterItsSteadyTime();
    void distantSystemClockDeadlineIsConvertedOnce();
    void droppedTillsLeaveMemoryFlat();
    void manyPendingTillsGoInDeadlineOrder();
    void callbackRunsOnceOnTheTimerThread();
    void callbackRunsThoughNoHandleIsLeft();
    void tillHeldOnlyByACompositeStillGoes();
    void tillsHeldOnlyByAnAndCompositeStillGo();
    void signalWaitForTimesOutNoEarlierThanItsTimeout();
};

void tst_Till::initTestCase()
{
    // No Till exists yet, so no timer thread either.
    QCOMPARE(skein::detail::timerThreadCount(), std::size_t(0));
}

void tst_Till::oneTimerThreadServesEveryTill()
{
    // ThreadSanitizer starts a helper thread of its own at the first
    // pthread_create; start it now, so that the count below sees Skein's only.
    std::thread([] {}).join();
    const std::size_t before = threadCount();
    QVERIFY(before >= 1);

    // Distinct deadlines 1 ms to about 101 ms away, 10 µs apart.
    constexpr int count = 10000;
    std::vector<Till> tills;
    tills.reserve(count);
    for (int i = 0; i < count; ++i)
        tills.emplace_back(1ms + i * 10us);
    for (int i : {0, 1, 100, 1000})
        tills[std::size_t(i)].wait();

    // Thousands are still pending here (unless the machine stalled), yet one
    // thread serves them all.
    QCOMPARE_LE(threadCount(), before + 1);
    QCOMPARE(skein::detail::timerThreadCount(), std::size_t(1));

    tills.back().wait();
    QCOMPARE_LE(threadCount(), before + 1);
    QCOMPARE(skein::detail::timerThreadCount(), std::size_t(1));
}

void tst_Till::goesNeverBeforeItsDeadline_data()
{
    QTest::addColumn<int>("milliseconds");
    QTest::newRow("1ms") << 1;
    QTest::newRow("5ms") << 5;
    QTest::newRow("20ms") << 20;
    QTest::newRow("50ms") << 50;
}

void tst_Till::goesNeverBeforeItsDeadline()
{
    QFETCH(int, milliseconds);
    const std::chrono::milliseconds timeout(milliseconds);

    // Shared with the callback: it may still be inside set_value() when the
    // future is ready and this function returns.
    const auto inCallback = std::make_shared<std::promise<SteadyClock::time_point>>();
    auto wentInCallback = inCallback->get_future();

    const SteadyClock::time_point made = SteadyClock::now();
    const Till till(timeout);
    QVERIFY(till.deadline() >= made + timeout);
    // Gone already only if its deadline has passed (a 1 ms Till may well
    // have, on a loaded machine, by the time this line runs).
    const bool goneAlready = bool(till);
    QVERIFY(!goneAlready || SteadyClock::now() >= till.deadline());

    till.then([inCallback] { inCallback->set_value(SteadyClock::now()); });
    till.wait();
    const SteadyClock::time_point afterWait = SteadyClock::now();
    QVERIFY(till);

    // A hang guard only: the callback runs right after the waiters wake.
    QVERIFY(wentInCallback.wait_for(30s) == std::future_status::ready);
    const SteadyClock::time_point callbackAt = wentInCallback.get();

    // Both clocks are the steady clock the deadline is on: no slack needed.
    QVERIFY2(callbackAt >= till.deadline(),
             qPrintable(QStringLiteral("callback %1 µs early").arg(micros(till.deadline() - callbackAt))));
    QVERIFY2(afterWait >= till.deadline(),
             qPrintable(QStringLiteral("wait() returned %1 µs early").arg(micros(till.deadline() - afterWait))));
}

void tst_Till::fractionalTimeoutsRoundUp()
{
    const SteadyClock::time_point made = SteadyClock::now();
    const Till till(std::chrono::duration<double, std::milli>(2.5));
    QVERIFY(till.deadline() >= made + 2500us);
    till.wait();
    QVERIFY(SteadyClock::now() >= made + 2500us);
}

void tst_Till::zeroNegativeAndPastDeadlinesAreBornGone_data()
{
    QTest::addColumn<MakeTill>("make");
    QTest::newRow("zero ms") << MakeTill([] { return Till(0ms); });
    QTest::newRow("zero double seconds") << MakeTill([] { return Till(std::chrono::duration<double>(0.0)); });
    QTest::newRow("-1ns") << MakeTill([] { return Till(-1ns); });
    QTest::newRow("-5ms") << MakeTill([] { return Till(-5ms); });
    QTest::newRow("hours min") << MakeTill([] { return Till(std::chrono::hours::min()); });
    QTest::newRow("steady now") << MakeTill([] { return Till(SteadyClock::now()); });
    QTest::newRow("steady 1s ago") << MakeTill([] { return Till(SteadyClock::now() - 1s); });
    QTest::newRow("steady min") << MakeTill([] { return Till(SteadyClock::time_point::min()); });
    QTest::newRow("system now") << MakeTill([] { return Till(SystemClock::now()); });
    QTest::newRow("system 1s ago") << MakeTill([] { return Till(SystemClock::now() - 1s); });
    QTest::newRow("system epoch") << MakeTill([] { return Till(SystemClock::time_point()); });
    QTest::newRow("system min") << MakeTill([] { return Till(SystemClock::time_point::min()); });
    QTest::newRow("seconds(0)") << MakeTill([] { return Till::seconds(0); });
    QTest::newRow("seconds(-0.0)") << MakeTill([] { return Till::seconds(-0.0); });
    QTest::newRow("seconds(-1)") << MakeTill([] { return Till::seconds(-1); });
    QTest::newRow("seconds(-inf)") << MakeTill([] { return Till::seconds(-infinity); });
}

void tst_Till::zeroNegativeAndPastDeadlinesAreBornGone()
{
    QFETCH(MakeTill, make);
    const Till till = make();
    QVERIFY(till);

    // Gone already, so a callback runs inline and a wait does not block.
    bool ran = false;
    const std::thread::id caller = std::this_thread::get_id();
    std::thread::id ranOn;
    till.then([&] {
        ran = true;
        ranOn = std::this_thread::get_id();
    });
    QVERIFY(ran);
    QVERIFY(ranOn == caller);
    QVERIFY(till.wait(Signal::never()));
}

void tst_Till::nanTimeoutThrows_data()
{
    QTest::addColumn<MakeTill>("make");
    QTest::newRow("seconds(NaN)") << MakeTill([] { return Till::seconds(notANumber); });
    QTest::newRow("seconds(-NaN)") << MakeTill([] { return Till::seconds(-notANumber); });
    QTest::newRow("duration<double> NaN") << MakeTill([] { return Till(std::chrono::duration<double>(notANumber)); });
    QTest::newRow("duration<float, milli> NaN") << MakeTill(
        [] { return Till(std::chrono::duration<float, std::milli>(std::numeric_limits<float>::quiet_NaN())); });
}

void tst_Till::nanTimeoutThrows()
{
    QFETCH(MakeTill, make);
    QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument, make());
}

void tst_Till::infiniteDeadlinesDoNotGo_data()
{
    QTest::addColumn<MakeTill>("make");
    // Too far to represent: the deadline saturates to time_point::max(),
    // which never comes.
    QTest::addColumn<bool>("saturates");
    QTest::newRow("seconds(+inf)") << MakeTill([] { return Till::seconds(infinity); }) << true;
    QTest::newRow("seconds(1e300)") << MakeTill([] { return Till::seconds(1e300); }) << true;
    QTest::newRow("duration<double> +inf")
        << MakeTill([] { return Till(std::chrono::duration<double>(infinity)); }) << true;
    QTest::newRow("hours max") << MakeTill([] { return Till(std::chrono::hours::max()); }) << true;
    QTest::newRow("nanoseconds max") << MakeTill([] { return Till(std::chrono::nanoseconds::max()); }) << true;
    QTest::newRow("steady max") << MakeTill([] { return Till(SteadyClock::time_point::max()); }) << true;
    // Representable on the steady clock, centuries away.
    QTest::newRow("system max") << MakeTill([] { return Till(SystemClock::time_point::max()); }) << false;
}

void tst_Till::infiniteDeadlinesDoNotGo()
{
    QFETCH(MakeTill, make);
    QFETCH(bool, saturates);

    const Till till = make();
    QVERIFY(!till);
    QVERIFY(till.deadline() > SteadyClock::now() + century);
    if (saturates)
        QCOMPARE(till.deadline(), SteadyClock::time_point::max());

    std::atomic<bool> ran{false};
    const skein::Subscription subscription = till.then([&ran] { ran = true; });
    QVERIFY(!till.wait(Till(50ms)));
    QVERIFY(!till);
    QVERIFY(!ran);
    // Release what the timer held for the callback, so nothing outlives the
    // case (droppedTillsLeaveMemoryFlat counts what is left).
    QVERIFY(till.removeThen(subscription));
}

void tst_Till::systemClockDeadlineGoesAfterItsSteadyTime()
{
    // Steady time first: whatever passes before the Till reads the system
    // clock again counts on both clocks, so the Till cannot be early by it.
    const SteadyClock::time_point start = SteadyClock::now();
    const Till till(SystemClock::now() + 20ms);
    QVERIFY(!till);
    till.wait();
    const SteadyClock::duration waited = SteadyClock::now() - start;

    // Slack of 1 ms: the two clocks are read at different instants with their
    // own granularity, and NTP may slew the system clock (by at most 0.05 %,
    // 10 µs over 20 ms). A step of the system clock during the test would be
    // outside this slack, and outside what the test can control.
    QVERIFY2(waited >= 19ms, qPrintable(QStringLiteral("went after %1 µs").arg(micros(waited))));
    QVERIFY(till.deadline() >= start + 19ms);
}

void tst_Till::distantSystemClockDeadlineIsConvertedOnce()
{
    const SteadyClock::time_point start = SteadyClock::now();
    const Till till(SystemClock::now() + 1h);
    const SteadyClock::time_point made = SteadyClock::now();
    QVERIFY(!till);
    // Same 1 ms slack as above, on both sides of the conversion.
    QVERIFY(till.deadline() >= start + 1h - 1ms);
    QVERIFY(till.deadline() <= made + 1h + 1ms);
}

void tst_Till::droppedTillsLeaveMemoryFlat()
{
    constexpr int count = 1000000;
    constexpr int warmUp = 100000;

    // A Till the timer has made go may still be referenced for a moment by
    // the timer thread, after its waiters woke: count once it has let go.
    const std::size_t statesAtStart = testing::signalStatesOnceTheTimerLetGo();
    QVERIFY(statesAtStart != std::size_t(-1));
    const std::size_t pendingAtStart = skein::detail::pendingTimers();

    for (int i = 0; i < warmUp; ++i)
        (void)Till(1h);
    QCOMPARE(skein::detail::pendingTimers(), pendingAtStart);
    QCOMPARE(skein::detail::liveSignalStates(), statesAtStart);

    const std::size_t rssBefore = residentBytes();
    for (int i = 0; i < count; ++i) {
        const Till till(1h);
        if (i % 1000 == 0)
            QVERIFY(!till);
    }
    const std::size_t rssAfter = residentBytes();

    QCOMPARE(skein::detail::pendingTimers(), pendingAtStart);
    QCOMPARE(skein::detail::liveSignalStates(), statesAtStart);

#ifdef SKEIN_TEST_ASAN
    // ASan keeps freed memory in quarantine (256 MB by default), so RSS grows
    // with any churn; the exact counters above are the check in this build.
    Q_UNUSED(rssBefore);
    Q_UNUSED(rssAfter);
#else
    // Slack of 8 MiB for the allocator's own bookkeeping and page
    // granularity; a leak of even 8 bytes per Till would be 8 MB over a
    // million, and a leaked Till state (mutex, condition variable, callbacks)
    // is far larger.
    const std::size_t growth = rssAfter > rssBefore ? rssAfter - rssBefore : 0;
    QVERIFY2(growth < 8u * 1024 * 1024, qPrintable(QStringLiteral("RSS grew by %1 bytes").arg(growth)));
#endif
}

void tst_Till::manyPendingTillsGoInDeadlineOrder()
{
    constexpr int count = 10000;
    struct Record {
        SteadyClock::time_point deadline;
        SteadyClock::time_point madeAt;  // after its Till was handed to the timer
        SteadyClock::time_point wentAt;
        std::uint64_t order = 0;  // position among all callbacks that ran
        bool onTimerThread = false;
        std::atomic<int> runs{0};
    };
    std::vector<Record> records(count);
    std::atomic<std::uint64_t> nextOrder{0};
    std::atomic<int> recorded{0};
    Signal allRecorded;  // each callback holds a handle: go() may outlive wait()
    const std::thread::id testThread = std::this_thread::get_id();

    std::mt19937 random(20240601);
    std::uniform_int_distribution<int> offsetMicros(1000, 200000);
    std::vector<Till> tills;
    tills.reserve(count);
    for (int i = 0; i < count; ++i) {
        tills.emplace_back(std::chrono::microseconds(offsetMicros(random)));
        Record& record = records[std::size_t(i)];
        record.deadline = tills.back().deadline();
        record.madeAt = SteadyClock::now();
        tills.back().then([&record, &nextOrder, &recorded, allRecorded, testThread]() mutable {
            record.wentAt = SteadyClock::now();
            record.order = nextOrder++;
            record.onTimerThread = std::this_thread::get_id() != testThread;
            ++record.runs;
            if (++recorded == count)
                allRecorded.go();
        });
    }

    for (const Till& till : tills)
        till.wait();
    // Every Till has gone; its callbacks run right after its waiters wake.
    allRecorded.wait();

    std::size_t onTimer = 0;
    for (const Till& till : tills)
        QVERIFY(till);
    for (const Record& record : records) {
        QCOMPARE(record.runs.load(), 1);
        QVERIFY2(record.wentAt >= record.deadline,
                 qPrintable(QStringLiteral("went %1 µs early").arg(micros(record.deadline - record.wentAt))));
        onTimer += record.onTimerThread ? 1 : 0;
    }
    QVERIFY(onTimer > 0);

    // Among the Tills the timer made go (a Till whose deadline passed while
    // it was being made is born gone and runs its callback inline, out of
    // the timer's order): the timer goes every Till that is due, in deadline
    // order. So when A's deadline is earlier than B's, and A was with the
    // timer before B's deadline came (B cannot go before then), A went first.
    // A Till made later than that — this thread may be kept off the CPU
    // between two Tills for longer than their deadlines lie apart — may
    // rightly go after B: the timer never had both at once.
    std::vector<const Record*> byDeadline;
    for (const Record& record : records) {
        if (record.onTimerThread)
            byDeadline.push_back(&record);
    }
    std::sort(byDeadline.begin(), byDeadline.end(),
              [](const Record* a, const Record* b) { return a->deadline < b->deadline; });
    // Tills of earlier deadlines, soonest made first; and the latest order
    // among those made before the deadline at hand.
    const auto madeLater = [](const Record* a, const Record* b) { return a->madeAt > b->madeAt; };
    std::vector<const Record*> earlier;
    std::size_t next = 0;
    std::optional<std::uint64_t> latestOrderOfEarlier;
    for (const Record* record : byDeadline) {
        for (; next < byDeadline.size() && byDeadline[next]->deadline < record->deadline; ++next) {
            earlier.push_back(byDeadline[next]);
            std::push_heap(earlier.begin(), earlier.end(), madeLater);
        }
        while (!earlier.empty() && earlier.front()->madeAt < record->deadline) {
            latestOrderOfEarlier = std::max(latestOrderOfEarlier.value_or(0), earlier.front()->order);
            std::pop_heap(earlier.begin(), earlier.end(), madeLater);
            earlier.pop_back();
        }
        if (latestOrderOfEarlier)
            QVERIFY2(record->order > *latestOrderOfEarlier,
                     "a Till went before another of an earlier deadline that the timer already had");
    }
}

void tst_Till::callbackRunsOnceOnTheTimerThread()
{
    const std::thread::id here = std::this_thread::get_id();
    std::atomic<int> runs{0};
    std::thread::id ranOn;
    // Callbacks hold their own handles to the Signals they make go: go() may
    // still be running when wait() returns here and this function's handles
    // are dropped.
    Signal ran;
    // A Till that went before then() (a loaded machine may keep this thread
    // waiting past its deadline) runs the callback at once, here, which then
    // counts nothing: a longer Till tries again.
    std::optional<Till> till;
    for (auto delay = 5ms; !till; delay *= 2) {
        const Till candidate(delay);
        bool ranInThen = false;  // written only by a callback that runs inside then(), here
        candidate.then([&runs, &ranOn, &ranInThen, here, ran]() mutable {
            if (std::this_thread::get_id() == here) {
                ranInThen = true;
                return;
            }
            ranOn = std::this_thread::get_id();
            ++runs;
            ran.go();
        });
        if (ranInThen)  // only a Till that has gone runs a callback inside then()
            QVERIFY(candidate && SteadyClock::now() >= candidate.deadline());
        else
            till = candidate;
    }
    ran.wait();
    QVERIFY(ranOn != here);

    // The timer thread goes Tills one after another: once this later Till's
    // callback has run, it is done with the first one.
    std::thread::id laterRanOn;
    Signal laterRan;
    testing::runOnTheTimerThread([&laterRanOn, laterRan]() mutable {
        laterRanOn = std::this_thread::get_id();
        laterRan.go();
    });
    laterRan.wait();
    QVERIFY(laterRanOn == ranOn);
    QCOMPARE(runs.load(), 1);

    // Now gone: a new callback runs inline, and the first does not run again.
    bool inlineRan = false;
    till->then([&inlineRan] { inlineRan = true; });
    QVERIFY(inlineRan);
    QCOMPARE(runs.load(), 1);
}

void tst_Till::callbackRunsThoughNoHandleIsLeft()
{
    Signal ran;
    const SteadyClock::time_point start = SteadyClock::now();
    Till(5ms).then([ran]() mutable { ran.go(); });
    ran.wait();
    QVERIFY(SteadyClock::now() >= start + 5ms);
}

void tst_Till::tillHeldOnlyByACompositeStillGoes()
{
    const SteadyClock::time_point start = SteadyClock::now();
    auto c = Signal() | Till(10ms);
    QVERIFY(!c);
    c.wait();
    QVERIFY(c);
    QVERIFY(SteadyClock::now() >= start + 10ms);
}

void tst_Till::tillsHeldOnlyByAnAndCompositeStillGo()
{
    const SteadyClock::time_point start = SteadyClock::now();
    auto c = Till(5ms) & Till(10ms);
    QVERIFY(!c);
    c.wait();
    QVERIFY(c);
    QVERIFY(SteadyClock::now() >= start + 10ms);
}

void tst_Till::signalWaitForTimesOutNoEarlierThanItsTimeout()
{
    const Signal s;
    const SteadyClock::time_point start = SteadyClock::now();
    QVERIFY(!s.waitFor(10ms));
    // The deadline is taken after `start` on the same steady clock: no slack.
    QVERIFY(SteadyClock::now() - start >= 10ms);
    QVERIFY(!s);
}

QTEST_GUILESS_MAIN(tst_Till)
#include "tst_till.moc"
