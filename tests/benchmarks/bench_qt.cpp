// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein's Qt adaptors against Qt's own ways.
//
// BM_QueuedCallLatency/<impl>: a worker thread makes a functor run in the
//   main thread, through its event loop. The latency is from a steady_clock
//   timestamp the worker takes right before it asks, to the functor reading
//   the clock on the main thread. One iteration is kRounds round trips; the
//   main thread runs a QEventLoop until the functor has run, then hands the
//   worker the next round. The time reported (manual time) is the median
//   latency of the rounds; p99_us is a counter.
//   skein: skein::connect(signal, context, functor) made on the main thread,
//          then signal.go() on the worker.
//   qt:    QMetaObject::invokeMethod(context, functor, Qt::QueuedConnection)
//          on the worker.
// BM_SetProgress/<impl>: the caller-side cost of reporting progress in a
//   tight loop on a worker thread, nobody watching. The time reported is per
//   call (manual time: the loop's time / kProgressCalls).
//   skein:   skein::Thread::current().setProgress(i / n) on a Skein thread,
//            as a worker function that only has its pleaseStop writes it.
//   promise: QPromise<void>::setProgressValue(i), started, range 0..n.
// BM_SetProgressHandle/<impl>: the same, Skein with the Thread handle taken
//   once before the loop (handle.setProgress(i / n)).
// BM_SetProgressWatched/<impl>: as BM_SetProgress while the main thread's
//   event loop watches: a ThreadAdaptor owning the Skein thread (its
//   progressChanged re-armed by each notification), a QFutureWatcher<void>
//   with a progressValueChanged connection on the QPromise's future.
// BM_QtMessage/<impl>: the caller-side cost of one qInfo("line %d", i),
//   kMessages per repetition, written to a file in /tmp.
//   skein: skein::AsyncMessageHandler(file) installed; its writer thread
//          formats and writes (after the timed loop, flush() waits for it,
//          untimed, and the file is checked).
//   qt:    Qt's default handler, stderr redirected (dup2) to the file for the
//          benchmark. QT_FORCE_STDERR_LOGGING=1 is set before main() so that
//          Qt writes to stderr, not to the system log, with no terminal.
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFutureWatcher>
#include <QMetaObject>
#include <QObject>
#include <QPromise>
#include <QString>
#include <QVariant>
#include <QtGlobal>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "skein/qt/connect.h"
#include "skein/qt/logging.h"
#include "skein/qt/thread_adaptor.h"
#include "skein/queue.h"
#include "skein/signal.h"
#include "skein/thread.h"

namespace {

using Clock = std::chrono::steady_clock;

// Qt's default message handler writes to the system log instead of stderr
// when the process has no terminal; it decides once, at the first message.
const bool forceStderrLogging = [] {
    ::setenv("QT_FORCE_STDERR_LOGGING", "1", 1);
    return true;
}();

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// --- Queued call latency -----------------------------------------------------

constexpr int kRounds = 2000;

// A thread that runs the jobs it is handed, one at a time: the same hand-over
// for both implementations, outside what is measured.
class Worker {
public:
    Worker()
        : thread_([this] {
              while (std::optional<std::function<void()>> job = jobs_.pop())
                  (*job)();
          })
    {}
    ~Worker()
    {
        jobs_.close();
        thread_.join();
    }
    void run(std::function<void()> job) { jobs_.add(std::move(job)); }

private:
    skein::Queue<std::function<void()>> jobs_{"bench-worker-jobs"};
    std::thread thread_;
};

// Sets the median of `nanos` as the iteration's time, and p99_us.
void reportLatency(benchmark::State& state, std::vector<std::int64_t>& nanos)
{
    std::sort(nanos.begin(), nanos.end());
    const auto at = [&](double q) { return nanos[std::min(nanos.size() - 1, std::size_t(q * double(nanos.size())))]; };
    state.SetIterationTime(double(at(0.5)) / 1e9);
    state.counters["p99_us"] = double(at(0.99)) / 1e3;
}

// `ask(sent, functor)` runs on the worker: it must record the time in `sent`
// and then have `functor` called on the main thread.
template <class Ask>
void queuedCallLatency(benchmark::State& state, Ask ask)
{
    Worker worker;
    QObject context;
    QEventLoop loop;
    std::vector<std::int64_t> nanos(kRounds);
    for (auto _ : state) {
        for (int round = 0; round < kRounds; ++round) {
            Clock::time_point sent;  // written by the worker before it asks
            bool ran = false;
            std::function<void()> functor = [&] {
                nanos[std::size_t(round)] = (Clock::now() - sent).count();
                ran = true;
                loop.quit();
            };
            ask(worker, context, sent, std::move(functor));
            loop.exec();
            if (!ran) {
                state.SkipWithError("the event loop returned before the functor ran");
                return;
            }
        }
        reportLatency(state, nanos);
    }
}

void BM_QueuedCallLatency_skein(benchmark::State& state)
{
    queuedCallLatency(state,
                      [](Worker& worker, QObject& context, Clock::time_point& sent, std::function<void()> functor) {
                          skein::Signal signal;
                          skein::connect(signal, &context, std::move(functor));
                          worker.run([&sent, signal]() mutable {
                              sent = Clock::now();
                              signal.go();
                          });
                      });
}

void BM_QueuedCallLatency_qt(benchmark::State& state)
{
    queuedCallLatency(state,
                      [](Worker& worker, QObject& context, Clock::time_point& sent, std::function<void()> functor) {
                          worker.run([&sent, &context, functor = std::move(functor)] {
                              sent = Clock::now();
                              QMetaObject::invokeMethod(&context, functor, Qt::QueuedConnection);
                          });
                      });
}

BENCHMARK(BM_QueuedCallLatency_skein)
    ->Name("BM_QueuedCallLatency/skein")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QueuedCallLatency_qt)
    ->Name("BM_QueuedCallLatency/qt")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

// --- Progress ----------------------------------------------------------------

constexpr int kProgressCalls = 1000000;
constexpr int kProgressIterations = 3;

// The loops, on the worker thread; each returns its own duration.
Clock::duration skeinProgressLoop()
{
    const Clock::time_point start = Clock::now();
    for (int i = 1; i <= kProgressCalls; ++i)
        skein::Thread::current().setProgress(double(i) / kProgressCalls);
    return Clock::now() - start;
}

Clock::duration skeinProgressLoopWithHandle()
{
    const skein::Thread self = skein::Thread::current();
    const Clock::time_point start = Clock::now();
    for (int i = 1; i <= kProgressCalls; ++i)
        self.setProgress(double(i) / kProgressCalls);
    return Clock::now() - start;
}

Clock::duration promiseProgressLoop(QPromise<void>& promise)
{
    const Clock::time_point start = Clock::now();
    for (int i = 1; i <= kProgressCalls; ++i)
        promise.setProgressValue(i);
    return Clock::now() - start;
}

void setTimePerCall(benchmark::State& state, Clock::duration loop)
{
    state.SetIterationTime(seconds(loop) / kProgressCalls);
}

void BM_SetProgress_skein(benchmark::State& state)
{
    for (auto _ : state) {
        auto worker = skein::Thread::run("progress", [] { return skeinProgressLoop(); });
        setTimePerCall(state, worker.join());
    }
}

void BM_SetProgressHandle_skein(benchmark::State& state)
{
    for (auto _ : state) {
        auto worker = skein::Thread::run("progress", [] { return skeinProgressLoopWithHandle(); });
        setTimePerCall(state, worker.join());
    }
}

void BM_SetProgress_promise(benchmark::State& state)
{
    for (auto _ : state) {
        QPromise<void> promise;
        promise.setProgressRange(0, kProgressCalls);
        promise.start();
        Clock::duration loop{};
        std::thread worker([&] { loop = promiseProgressLoop(promise); });
        worker.join();
        promise.finish();
        if (promise.future().progressValue() != kProgressCalls) {
            state.SkipWithError("the last progress value did not arrive");
            return;
        }
        setTimePerCall(state, loop);
    }
}

void BM_SetProgressWatched_skein(benchmark::State& state)
{
    for (auto _ : state) {
        QEventLoop loop;
        int notifications = 0;
        skein::ThreadAdaptor adaptor(QStringLiteral("progress"), [](const skein::Signal&) {
            return QVariant::fromValue<qint64>(skeinProgressLoop().count());
        });
        QObject::connect(&adaptor, &skein::ThreadAdaptor::progressChanged, [&notifications] { ++notifications; });
        QObject::connect(&adaptor, &skein::ThreadAdaptor::stopped, &loop, &QEventLoop::quit);
        adaptor.start();
        loop.exec();
        if (adaptor.progress() != 1.0 || notifications == 0) {
            state.SkipWithError("the adaptor did not see the last progress value");
            return;
        }
        state.counters["notifications"] = notifications;
        setTimePerCall(state, Clock::duration(adaptor.result().toLongLong()));
    }
}

void BM_SetProgressWatched_promise(benchmark::State& state)
{
    for (auto _ : state) {
        QEventLoop loop;
        int notifications = 0;
        QPromise<void> promise;
        promise.setProgressRange(0, kProgressCalls);
        promise.start();
        QFutureWatcher<void> watcher;
        QObject::connect(&watcher, &QFutureWatcherBase::progressValueChanged,
                         [&notifications](int) { ++notifications; });
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(promise.future());
        Clock::duration elapsed{};
        std::thread worker([&] {
            elapsed = promiseProgressLoop(promise);
            promise.finish();
        });
        loop.exec();
        worker.join();
        if (watcher.progressValue() != kProgressCalls || notifications == 0) {
            state.SkipWithError("the watcher did not see the last progress value");
            return;
        }
        state.counters["notifications"] = notifications;
        setTimePerCall(state, elapsed);
    }
}

template <class F>
void registerProgress(const char* name, F fn)
{
    benchmark::RegisterBenchmark(name, fn)
        ->Iterations(kProgressIterations)
        ->UseManualTime()
        ->Unit(benchmark::kNanosecond);
}

const bool progressRegistered = [] {
    registerProgress("BM_SetProgress/skein", BM_SetProgress_skein);
    registerProgress("BM_SetProgress/promise", BM_SetProgress_promise);
    registerProgress("BM_SetProgressHandle/skein", BM_SetProgressHandle_skein);
    registerProgress("BM_SetProgressHandle/promise", BM_SetProgress_promise);
    registerProgress("BM_SetProgressWatched/skein", BM_SetProgressWatched_skein);
    registerProgress("BM_SetProgressWatched/promise", BM_SetProgressWatched_promise);
    return true;
}();

// --- Qt messages -------------------------------------------------------------

constexpr int kMessages = 100000;

QString logPath(const char* impl)
{
    return QStringLiteral("/tmp/skein-bench-%1-%2.log").arg(QString::number(::getpid()), QLatin1String(impl));
}

// Lines in `path`, then removes it; -1 if it cannot be read.
long long linesIn(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    long long lines = 0;
    while (!file.atEnd())
        lines += file.readLine().endsWith('\n');
    file.close();
    QFile::remove(path);
    return lines;
}

void BM_QtMessage_skein(benchmark::State& state)
{
    const QString path = logPath("async");
    QFile::remove(path);
    {
        skein::AsyncMessageHandler handler(path);
        int i = 0;
        for (auto _ : state)
            qInfo("line %d", i++);
        handler.flush();
    }
    if (linesIn(path) != state.iterations())
        state.SkipWithError("the file does not hold one line per message");
}

void BM_QtMessage_qt(benchmark::State& state)
{
    const QString path = logPath("default");
    const int file = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file < 0) {
        state.SkipWithError("cannot open the log file");
        return;
    }
    std::fflush(stderr);
    const int savedStderr = ::dup(STDERR_FILENO);
    ::dup2(file, STDERR_FILENO);
    ::close(file);
    const QtMessageHandler previous = qInstallMessageHandler(nullptr);  // Qt's default
    int i = 0;
    for (auto _ : state)
        qInfo("line %d", i++);
    qInstallMessageHandler(previous);
    std::fflush(stderr);
    ::dup2(savedStderr, STDERR_FILENO);
    ::close(savedStderr);
    if (linesIn(path) != state.iterations())
        state.SkipWithError("the file does not hold one line per message");
}

BENCHMARK(BM_QtMessage_skein)->Name("BM_QtMessage/skein")->Iterations(kMessages)->UseRealTime();
BENCHMARK(BM_QtMessage_qt)->Name("BM_QtMessage/qt")->Iterations(kMessages)->UseRealTime();

}  // namespace
