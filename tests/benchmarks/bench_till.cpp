// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Till against QTimer.
//
// BM_TillSchedule/<impl>: the cost of scheduling kTimers deadlines, 1 to 2 s
//   ahead, in increasing order, all kept pending: skein::Till against
//   QTimer::singleShot (Qt::PreciseTimer) on the main thread, whose event
//   dispatcher the QCoreApplication made in main() provides. Only scheduling
//   is timed; the timers are cancelled with the timing paused. Increasing
//   order is QTimer's best case (its timer list is sorted by linear
//   insertion from the back); Skein's heap does not care.
// BM_TillLateness/<impl>: kTimers deadlines spread over 1 s; each callback
//   records how late it runs (now - deadline). Reports the median, p99 and
//   max lateness in microseconds as the counters median_us, p99_us, max_us.
//   Skein's callbacks run on its timer thread; QTimer's on the main thread,
//   whose event loop runs until all have fired.
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QEventLoop>
#include <QObject>
#include <QTimer>
#include <QTimerEvent>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "skein/till.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kTimers = 100000;
// kTimers deadlines 10 us apart span 1 s.
constexpr auto kSpacing = 10us;

// --- Scheduling --------------------------------------------------------------

void BM_TillSchedule_skein(benchmark::State& state)
{
    std::vector<skein::Till> tills;
    tills.reserve(kTimers);
    for (auto _ : state) {
        const Clock::time_point first = Clock::now() + 1s;
        for (int i = 0; i < kTimers; ++i)
            tills.emplace_back(first + i * kSpacing);
        state.PauseTiming();
        if (std::any_of(tills.begin(), tills.end(), [](const skein::Till& t) { return bool(t); })) {
            state.SkipWithError("a Till went a second early");
            break;
        }
        tills.clear();  // the timer forgets them
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kTimers);
}

// Cancels every pending QTimer::singleShot of this thread whose context has
// been destroyed. A single-shot timer is a private QSingleShotTimer object, a
// child of the event dispatcher. Deleting it would cost a scan of the whole
// timer list (quadratic for 100 000 timers); delivering its timer event
// instead kills its timer by id, found at the front of the list when the
// timers are taken in deadline order, and deletes it. Its context is gone, so
// it calls nothing. Returns how many were cancelled.
int cancelSingleShots()
{
    QAbstractEventDispatcher* dispatcher = QAbstractEventDispatcher::instance();
    const QObjectList children = dispatcher->children();
    int cancelled = 0;
    for (QObject* child : children) {
        if (std::strcmp(child->metaObject()->className(), "QSingleShotTimer") != 0)
            continue;
        QTimerEvent event(0);
        QCoreApplication::sendEvent(child, &event);
        ++cancelled;
    }
    return cancelled;
}

void BM_TillSchedule_qt(benchmark::State& state)
{
    int fired = 0;
    for (auto _ : state) {
        auto context = std::make_unique<QObject>();
        for (int i = 0; i < kTimers; ++i) {
            // 1000 to 1999 ms: QTimer has millisecond resolution.
            const int msec = 1000 + int(i * kSpacing / 1ms);
            QTimer::singleShot(msec, Qt::PreciseTimer, context.get(), [&fired] { ++fired; });
        }
        state.PauseTiming();
        context.reset();
        const int cancelled = cancelSingleShots();
        if (cancelled != kTimers || fired != 0) {
            state.SkipWithError("QTimer cancellation did not find every timer, or one fired");
            break;
        }
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kTimers);
}

BENCHMARK(BM_TillSchedule_skein)->Name("BM_TillSchedule/skein")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TillSchedule_qt)->Name("BM_TillSchedule/qt")->UseRealTime()->Unit(benchmark::kMillisecond);

// --- Lateness ----------------------------------------------------------------

// Sets the median, p99 and max of `lateNanos` as counters, in microseconds.
void reportLateness(benchmark::State& state, std::vector<std::int64_t>& lateNanos)
{
    std::sort(lateNanos.begin(), lateNanos.end());
    const auto at = [&](double q) {
        const auto index = std::min(lateNanos.size() - 1, std::size_t(q * double(lateNanos.size())));
        return double(lateNanos[index]) / 1000.0;
    };
    state.counters["median_us"] = at(0.5);
    state.counters["p99_us"] = at(0.99);
    state.counters["max_us"] = double(lateNanos.back()) / 1000.0;
}

void BM_TillLateness_skein(benchmark::State& state)
{
    std::vector<std::int64_t> lateNanos(kTimers, 0);
    for (auto _ : state) {
        std::atomic<int> remaining{kTimers};
        const skein::Signal allFired;
        std::vector<skein::Till> tills;
        tills.reserve(kTimers);
        // 200 ms ahead: every Till is made before the first one goes.
        const Clock::time_point first = Clock::now() + 200ms;
        for (int i = 0; i < kTimers; ++i) {
            const skein::Till till(first + i * kSpacing);
            till.then([&lateNanos, &remaining, allFired, i, deadline = till.deadline()] {
                lateNanos[std::size_t(i)] = (Clock::now() - deadline).count();
                if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1)
                    skein::Signal(allFired).go();
            });
            tills.push_back(till);
        }
        allFired.wait();
    }
    reportLateness(state, lateNanos);
}

void BM_TillLateness_qt(benchmark::State& state)
{
    std::vector<std::int64_t> lateNanos(kTimers, 0);
    for (auto _ : state) {
        int remaining = kTimers;
        QEventLoop loop;
        const Clock::time_point first = Clock::now() + 200ms;
        for (int i = 0; i < kTimers; ++i) {
            // QTimer counts from when it is started, in whole milliseconds.
            const auto delay = std::chrono::ceil<std::chrono::milliseconds>(first + i * kSpacing - Clock::now());
            const Clock::time_point deadline = Clock::now() + delay;
            QTimer::singleShot(delay, Qt::PreciseTimer, &loop, [&lateNanos, &remaining, &loop, i, deadline] {
                lateNanos[std::size_t(i)] = (Clock::now() - deadline).count();
                if (--remaining == 0)
                    loop.quit();
            });
        }
        loop.exec();
    }
    reportLateness(state, lateNanos);
}

BENCHMARK(BM_TillLateness_skein)
    ->Name("BM_TillLateness/skein")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
// One run only, whatever --benchmark_repetitions says: with 100 000 pending
// single-shot timers Qt's event loop falls seconds behind and a run takes
// over 10 s. (perf: nearly all of it in QTimerInfoList::timerInsert and
// ::unregisterTimer, linear scans of the sorted timer list, as each firing
// timer is re-inserted and then killed by id.)
BENCHMARK(BM_TillLateness_qt)
    ->Name("BM_TillLateness/qt")
    ->Iterations(1)
    ->Repetitions(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
