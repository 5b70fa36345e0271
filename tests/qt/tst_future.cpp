// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// QFuture and QThreadPool: a Skein thread as a QFuture (result, exception
// of its own type, canceled, progress, cancel() as pleaseStop, .then(),
// whenAll/whenAny, QFutureWatcher in the GUI thread); a QFuture as a Signal;
// Skein threads on a QThreadPool (the tree, OS names, failures, shutdown);
// ThreadAdaptor::future().
//
// Threads are ordered with Signals, Queues and the watchers' own signals,
// never with sleeps. Waits for the event loop are guarded by hangGuardMs.
#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QFutureWatcher>
#include <QtCore/QPromise>
#include <QtCore/QThreadPool>
#include <QtTest>

#include <skein/error.h>
#include <skein/qt/future.h>
#include <skein/qt/thread_adaptor.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::ThreadHandle;
using testing::hangGuardMs;

namespace {

using Clock = std::chrono::steady_clock;

// A failure of a type of the test's own, derived from a standard one.
class ParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

long osThreadId() { return ::syscall(SYS_gettid); }

std::string commOf(long tid)
{
    std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name;
}

// Runs `fn` on a thread of `pool`. The post is made holding handOver(),
// which `fn` takes before it runs: the pool orders the two with its own
// locks, which ThreadSanitizer cannot see (Qt is not built with it).
std::mutex& handOver()
{
    static std::mutex mutex;
    return mutex;
}

template <class F>
void startOnPool(QThreadPool& pool, F fn)
{
    const std::lock_guard<std::mutex> posting(handOver());
    pool.start([fn = std::move(fn)]() mutable {
        {
            const std::lock_guard<std::mutex> delivered(handOver());
        }
        fn();
    });
}

// Keeps the only thread of `pool` busy until release(): what is started on
// the pool meanwhile waits in its queue.
class PoolHeld {
public:
    explicit PoolHeld(QThreadPool& pool)
    {
        pool.setMaxThreadCount(1);
        startOnPool(pool, [held = held_, release = release_]() mutable {
            held.go();
            release.wait();
        });
        held_.wait();
    }
    ~PoolHeld() { release(); }
    PoolHeld(const PoolHeld&) = delete;
    PoolHeld& operator=(const PoolHeld&) = delete;
    void release() { release_.go(); }

private:
    Signal held_;
    Signal release_;
};

// Runs the event loop until `done` holds; false when it did not within the
// hang guard.
template <class F>
bool processEventsUntil(F done)
{
    QDeadlineTimer guard(hangGuardMs);
    while (!done()) {
        if (guard.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    }
    return true;
}

}  // namespace

class tst_Future : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // toFuture
    void watcherGetsStartedProgressAndResultInItsThread();
    void progressIsCoalescedAndItsLastValueArrives();
    void continuationsAndWhenAllWhenAnyWork();
    void anExceptionKeepsItsType();
    void aThreadThatEndsByPleaseStopIsCanceled();
    void cancelStopsABlockedThreadAndTheFutureEndsCanceled();
    void droppingTheFutureNeitherStopsNorReleasesTheThread();
    void aMoveOnlyResultGoesToTheFuture();
    void toFutureBeforeStartIsAUsageError();
    void aThreadThatHasStoppedGivesAFinishedFuture();
    // signalFrom
    void signalFromWakesAPopWhenAQtConcurrentJobEnds();
    void signalFromGoesOnCancelAndLeavesTheContinuation();
    // runInPool
    void pooledThreadsRunUnderTheirParentAndLeaveNothing();
    void pooledFailuresAreRethrownOrLogged();
    void aPooledThreadAskedToStopBeforeItRunsStillRuns();
    void joinRunsAPooledThreadThePoolHasNotBegun();
    void aPoolThatDropsAThreadFailsIt();
    void runInPoolMisuseThrows();
    // ThreadAdaptor
    void adaptorFutureCarriesTheResultAndCancelStopsIt();
    void adaptorFutureAskedBeforeStartBeginsWithTheThread();
};

// --- toFuture -------------------------------------------------------------------

void tst_Future::watcherGetsStartedProgressAndResultInItsThread()
{
    Signal quarterSet;
    Signal goOn;
    const auto thread = Thread::run("worker", [quarterSet, goOn]() mutable {
        Thread::current().setProgress(0.25, "a quarter");
        quarterSet.go();
        goOn.wait();
        Thread::current().setProgress(0.5, "half");
        return 42;
    });
    QFutureWatcher<int> watcher;
    QThread* const gui = QThread::currentThread();
    std::vector<QString> order;
    std::vector<int> values;
    QString text;
    bool allInGuiThread = true;
    const auto note = [&](const QString& what) {
        allInGuiThread = allInGuiThread && QThread::currentThread() == gui;
        order.push_back(what);
    };
    connect(&watcher, &QFutureWatcherBase::started, this, [&] { note(QStringLiteral("started")); });
    connect(&watcher, &QFutureWatcherBase::progressValueChanged, this, [&](int v) {
        note(QStringLiteral("progress"));
        values.push_back(v);
    });
    connect(&watcher, &QFutureWatcherBase::progressTextChanged, this, [&](const QString& t) { text = t; });
    connect(&watcher, &QFutureWatcherBase::finished, this, [&] { note(QStringLiteral("finished")); });
    watcher.setFuture(skein::toFuture(thread));

    quarterSet.wait();
    QVERIFY(processEventsUntil([&] { return !values.empty() && values.back() == 250; }));
    QCOMPARE(text, QStringLiteral("a quarter"));
    goOn.go();
    QVERIFY(processEventsUntil([&] { return !order.empty() && order.back() == QLatin1String("finished"); }));

    QVERIFY(allInGuiThread);
    QCOMPARE(order.front(), QStringLiteral("started"));
    QCOMPARE(values.back(), 500);  // the last value arrived, before finished()
    QCOMPARE(text, QStringLiteral("half"));
    QCOMPARE(watcher.progressMinimum(), 0);
    QCOMPARE(watcher.progressMaximum(), 1000);
    QVERIFY(!watcher.isCanceled());
    QCOMPARE(watcher.result(), 42);
    QCOMPARE(thread.join(), 42);  // copied to the future: join() still has it
}

void tst_Future::progressIsCoalescedAndItsLastValueArrives()
{
    constexpr int steps = 200000;
    const Clock::time_point began = Clock::now();
    const auto thread = Thread::run("busy", [] {
        const Thread self = Thread::current();
        for (int i = 0; i < steps; ++i)
            self.setProgress(0.8 * i / steps, i % 1000 == 0 ? "step " + std::to_string(i) : std::string());
        self.setProgress(0.9, "last");
    });
    QFutureWatcher<void> watcher;
    std::vector<int> values;
    QString text;
    connect(&watcher, &QFutureWatcherBase::progressValueChanged, this, [&](int v) { values.push_back(v); });
    bool finished = false;
    connect(&watcher, &QFutureWatcherBase::progressTextChanged, this, [&](const QString& t) { text = t; });
    connect(&watcher, &QFutureWatcherBase::finished, this, [&] { finished = true; });
    watcher.setFuture(skein::toFuture(thread));
    // Not watcher.isFinished(): it reads the future, which finishes before
    // its notifications (the last progress among them) have arrived.
    QVERIFY(processEventsUntil([&] { return finished; }));
    const auto elapsed = Clock::now() - began;

    QVERIFY(!values.empty());
    QCOMPARE(values.back(), 900);
    QCOMPARE(text, QStringLiteral("last"));
    QVERIFY(std::is_sorted(values.begin(), values.end()));
    // Sent at least 41 ms apart: however fast the loop ran, no more than
    // that allows (plus the value the watcher reads when it connects, and
    // the first send).
    const auto allowed = std::size_t(elapsed / 41ms) + 2;
    QVERIFY2(values.size() <= allowed,
             qPrintable(QStringLiteral("%1 notifications, at most %2 allowed").arg(values.size()).arg(allowed)));
    thread.join();
}

void tst_Future::continuationsAndWhenAllWhenAnyWork()
{
    Signal slowMayEnd;
    const auto fast = Thread::run("fast", [] { return 20; });
    const auto slow = Thread::run("slow", [slowMayEnd] {
        slowMayEnd.wait();
        return 22;
    });
    // A QFuture takes one continuation (a second replaces the first), and
    // whenAll/whenAny each attach one: every use gets futures of its own.
    QFuture<int> doubled = skein::toFuture(fast).then([](int v) { return 2 * v; });
    QFuture<QString> inGui = skein::toFuture(slow).then(this, [](int v) { return QString::number(v); });
    QList<QFuture<int>> forAny{skein::toFuture(fast), skein::toFuture(slow)};
    QFuture<QtFuture::WhenAnyResult<int>> any = QtFuture::whenAny(forAny.begin(), forAny.end());
    QList<QFuture<int>> forAll{skein::toFuture(fast), skein::toFuture(slow)};
    QFuture<QList<QFuture<int>>> all = QtFuture::whenAll(forAll.begin(), forAll.end());

    QVERIFY(processEventsUntil([&] { return any.isFinished(); }));
    QCOMPARE(any.result().index, qsizetype(0));
    QCOMPARE(any.result().future.result(), 20);
    QVERIFY(!all.isFinished());  // slow has not ended
    slowMayEnd.go();
    QVERIFY(processEventsUntil([&] { return all.isFinished() && inGui.isFinished(); }));
    int sum = 0;
    for (const QFuture<int>& f : all.result())
        sum += f.result();
    QCOMPARE(sum, 42);
    doubled.waitForFinished();
    QCOMPARE(doubled.result(), 40);
    QCOMPARE(inGui.result(), QStringLiteral("22"));
    fast.join();
    slow.join();
}

void tst_Future::anExceptionKeepsItsType()
{
    const auto thread = Thread::run("parser", []() -> int { throw ParseError("line 3: unexpected '}'"); });
    const QFuture<int> future = skein::toFuture(thread);
    QString caught;
    try {
        (void)future.result();
    } catch (const ParseError& e) {
        caught = QString::fromUtf8(e.what());
    }
    QCOMPARE(caught, QStringLiteral("line 3: unexpected '}'"));
    QVERIFY(future.isFinished());
    QVERIFY_THROWS_EXCEPTION(ParseError, QFuture<int>(future).waitForFinished());
    // The future takes nothing from the handle: join() still rethrows it.
    QVERIFY_THROWS_EXCEPTION(ParseError, thread.join());

    // onFailed sees the type too.
    const auto again = Thread::run("parser-2", []() -> int { throw ParseError("again"); });
    QFuture<int> recovered = skein::toFuture(again).onFailed([](const ParseError&) { return -1; });
    recovered.waitForFinished();
    QCOMPARE(recovered.result(), -1);
    QVERIFY_THROWS_EXCEPTION(ParseError, again.join());
}

void tst_Future::aThreadThatEndsByPleaseStopIsCanceled()
{
    skein::Queue<int> jobs("jobs");
    const auto thread = Thread::run("consumer", [&jobs](const Signal& pleaseStop) {
        const auto job = jobs.pop(pleaseStop);
        return job.value_or(-1);  // returns, but because it was asked to stop
    });
    QFuture<int> future = skein::toFuture(thread);
    bool canceledRan = false;
    QFuture<int> onCanceled = future.onCanceled([&canceledRan] {
        canceledRan = true;
        return -2;
    });
    thread.stop();
    QCOMPARE(thread.join(), -1);
    QVERIFY(future.isFinished());  // before join() returned
    QVERIFY(future.isCanceled());
    QCOMPARE(future.resultCount(), 0);
    onCanceled.waitForFinished();
    QVERIFY(canceledRan);
    QCOMPARE(onCanceled.result(), -2);
}

void tst_Future::cancelStopsABlockedThreadAndTheFutureEndsCanceled()
{
    constexpr int runs = 100;
    std::vector<double> latenciesMs;
    for (int run = 0; run < runs; ++run) {
        const std::string queueName = "jobs-" + std::to_string(run);
        skein::Queue<int> jobs(queueName);
        const auto thread = Thread::run("blocked", [&jobs](const Signal& pleaseStop) { jobs.pop(pleaseStop); });
        QFuture<void> future = skein::toFuture(thread);
        // The moment pleaseStop went, taken by a callback of its own (which
        // may run after the thread's wake-up: recorded says when it ran).
        std::atomic<Clock::rep> stoppedAt{0};
        const Signal recorded;
        thread.pleaseStop().then([&stoppedAt, recorded] {
            stoppedAt.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
            recorded.go();
        });
        QVERIFY(testing::waitUntilBlockedOn("Queue '" + queueName + "' (pop)", 1));

        const Clock::time_point canceledAt = Clock::now();
        future.cancel();
        QVERIFY(future.isCanceled());  // at once
        thread.join();
        QVERIFY(future.isFinished());
        QVERIFY(future.isCanceled());
        QCOMPARE(future.resultCount(), 0);
        QVERIFY(recorded.wait(skein::Till(testing::hangGuard)));
        const Clock::time_point went{Clock::duration(stoppedAt.load(std::memory_order_relaxed))};
        QVERIFY(went >= canceledAt);
        latenciesMs.push_back(std::chrono::duration<double, std::milli>(went - canceledAt).count());
    }
    std::sort(latenciesMs.begin(), latenciesMs.end());
    // A figure for the record, not a check: speed is for the benchmarks.
    qInfo("cancel() to pleaseStop over %d runs: median %.3f ms, 90th percentile %.3f ms, max %.3f ms", runs,
          latenciesMs[runs / 2], latenciesMs[runs * 9 / 10], latenciesMs.back());
}

void tst_Future::droppingTheFutureNeitherStopsNorReleasesTheThread()
{
    Signal mayEnd;
    const auto thread = Thread::run("kept", [mayEnd]() -> int {
        mayEnd.wait();
        throw ParseError("nobody watched");
    });
    {
        QFuture<int> dropped = skein::toFuture(thread);
        Q_UNUSED(dropped);
    }
    QVERIFY(!thread.pleaseStop());
    QVERIFY(thread.isRunning());
    mayEnd.go();
    thread.stopped().wait();
    QVERIFY(testing::hasChild(Thread::current(), thread));  // still waits to be joined
    QVERIFY_THROWS_EXCEPTION(ParseError, thread.join());
}

void tst_Future::aMoveOnlyResultGoesToTheFuture()
{
    const auto thread = Thread::run("maker", [] { return std::make_unique<int>(7); });
    QFuture<std::unique_ptr<int>> future = skein::toFuture(thread);
    future.waitForFinished();
    const std::unique_ptr<int> taken = future.takeResult();
    QVERIFY(taken);
    QCOMPARE(*taken, 7);
    const auto thrown = testing::messageOf<skein::UsageError>([&] { (void)thread.join(); });
    QVERIFY(thrown && testing::contains(*thrown, "taken"));
}

void tst_Future::toFutureBeforeStartIsAUsageError()
{
    ThreadHandle<int> thread("unstarted", [] { return 1; });
    const auto thrown = testing::messageOf<skein::UsageError>([&] { (void)skein::toFuture(thread); });
    QVERIFY(thrown);
    QVERIFY(testing::contains(*thrown, "unstarted"));
    QVERIFY_THROWS_EXCEPTION(skein::UsageError, (void)skein::toFuture(ThreadHandle<int>()));
}

void tst_Future::aThreadThatHasStoppedGivesAFinishedFuture()
{
    const auto thread = Thread::run("done", [] { return QStringLiteral("ready"); });
    thread.stopped().wait();
    const QFuture<QString> future = skein::toFuture(thread);
    QVERIFY(future.isFinished());
    QCOMPARE(future.result(), QStringLiteral("ready"));
    const Thread plain = thread;
    const QFuture<void> untyped = skein::toFuture(plain);
    QVERIFY(untyped.isFinished());
    QVERIFY(!untyped.isCanceled());
    QCOMPARE(thread.join(), QStringLiteral("ready"));
}

// --- signalFrom -------------------------------------------------------------------

void tst_Future::signalFromWakesAPopWhenAQtConcurrentJobEnds()
{
    Signal jobMayEnd;
    QFuture<int> job = QtConcurrent::run([jobMayEnd] {
        jobMayEnd.wait();
        return 5;
    });
    const Signal jobEnded = skein::signalFrom(job);
    skein::Queue<int> results("results");
    const auto waiter = Thread::run("waiter", [&results, jobEnded] { return results.pop(jobEnded).has_value(); });
    QVERIFY(testing::waitUntilBlockedOn("Queue 'results' (pop)", 1));
    QVERIFY(!jobEnded);
    jobMayEnd.go();
    QCOMPARE(waiter.join(), false);  // woken by the job's end, with no item
    QVERIFY(jobEnded);
    QCOMPARE(job.result(), 5);

    // A future that has finished already: gone at once.
    QVERIFY(skein::signalFrom(job));
}

void tst_Future::signalFromGoesOnCancelAndLeavesTheContinuation()
{
    QPromise<int> promise;
    QFuture<int> future = promise.future();
    promise.start();
    std::atomic<bool> continued{false};
    QFuture<void> next = future.then([&continued](int) { continued = true; });
    const Signal ended = skein::signalFrom(future);
    QVERIFY(!ended);
    promise.addResult(3);
    promise.finish();
    QVERIFY(ended.wait(skein::Till(testing::hangGuard)));
    next.waitForFinished();
    QVERIFY(continued);  // the user's continuation still ran

    QPromise<int> canceled;
    canceled.start();
    const Signal canceledEnded = skein::signalFrom(canceled.future());
    canceled.future().cancel();
    QVERIFY(canceledEnded.wait(skein::Till(testing::hangGuard)));  // canceled, not finished
    QVERIFY(!canceled.future().isFinished());
    canceled.finish();
}

// --- runInPool --------------------------------------------------------------------

void tst_Future::pooledThreadsRunUnderTheirParentAndLeaveNothing()
{
    constexpr int threads = 1000;
    constexpr int poolSize = 4;
    QThreadPool pool;
    pool.setMaxThreadCount(poolSize);
    pool.setExpiryTimeout(-1);  // its threads stay, to be looked at afterwards

    // The pool's threads as they are before any Skein thread ran on them:
    // each blocks until all of them run, so there are poolSize of them.
    std::mutex mutex;
    std::map<long, std::string> namesBefore;  // guarded by mutex
    // Shared: the pool's threads may still hold it after the test went on.
    const auto allRunning = std::make_shared<testing::Countdown>(poolSize);
    for (int i = 0; i < poolSize; ++i)
        startOnPool(pool, [&mutex, &namesBefore, allRunning] {
            {
                std::lock_guard<std::mutex> lock(mutex);
                namesBefore[osThreadId()] = commOf(osThreadId());
            }
            allRunning->arrive();
            allRunning->done().wait();
        });
    // Not waitForDone(): it ends the pool's threads.
    QVERIFY(allRunning->done().wait(skein::Till(testing::hangGuard)));
    QCOMPARE(int(namesBefore.size()), poolSize);

    std::atomic<int> wrong{0};
    std::atomic<int> inDump{0};
    std::set<long> tidsUsed;  // guarded by mutex
    std::atomic<long> spawnerTid{0};
    std::string lastSpawnerComm;  // written by the spawner, read once it was joined
    const auto parent = Thread::run("spawner", [&](const Signal&) {
        const Thread self = Thread::current();
        spawnerTid = osThreadId();
        std::vector<ThreadHandle<int>> pooled;
        for (int i = 0; i < threads; ++i)
            pooled.push_back(skein::runInPool(&pool, "job-" + std::to_string(i), [&, i, self] {
                const Thread me = Thread::current();
                const std::string name = "job-" + std::to_string(i);
                const bool right = me.name() == name && me.path() == self.path() + "/" + name && me.parent() == self &&
                                   testing::hasChild(self, me) && commOf(osThreadId()) == name &&
                                   me.nativeId() == std::uint64_t(osThreadId());
                if (!right)
                    ++wrong;
                if (i % 100 == 0 && testing::contains(skein::dumpThreads(), "  " + name))
                    ++inDump;
                std::lock_guard<std::mutex> lock(mutex);
                tidsUsed.insert(osThreadId());
                return i;
            }));
        long sum = 0;
        for (const auto& t : pooled)
            sum += t.join();
        lastSpawnerComm = commOf(osThreadId());
        return sum;
    });
    QCOMPARE(parent.join(), long(threads) * (threads - 1) / 2);
    QCOMPARE(wrong.load(), 0);
    QCOMPARE(inDump.load(), threads / 100);

    // Nothing of them stays: not in the tree, not in the OS names, not as
    // the pool threads' current thread.
    QVERIFY(parent.children().empty());
    QVERIFY(!testing::contains(skein::dumpThreads(), "job-"));
    // A job that the pool had not begun when the spawner joined it ran on
    // the spawner, which has its own name back.
    for (const long tid : tidsUsed) {
        if (tid == spawnerTid.load()) {
            QCOMPARE(QString::fromStdString(lastSpawnerComm), QStringLiteral("spawner"));
            continue;
        }
        QVERIFY(namesBefore.count(tid) == 1);
        QCOMPARE(QString::fromStdString(commOf(tid)), QString::fromStdString(namesBefore[tid]));
    }
    const auto stale = std::make_shared<std::atomic<int>>(0);
    const auto allAsked = std::make_shared<testing::Countdown>(poolSize);
    for (int i = 0; i < poolSize; ++i)
        startOnPool(pool, [stale, allAsked] {
            if (testing::contains(Thread::current().name(), "job-"))
                ++*stale;
            allAsked->arrive();
            allAsked->done().wait();
        });
    QVERIFY(allAsked->done().wait(skein::Till(testing::hangGuard)));
    QCOMPARE(stale->load(), 0);
}

void tst_Future::pooledFailuresAreRethrownOrLogged()
{
    const auto failing = skein::runInPool("failing", []() -> int { throw ParseError("pooled"); });
    QVERIFY_THROWS_EXCEPTION(ParseError, failing.join());

    testing::LogCapture log;
    const auto released = skein::runInPool("released", [] { throw ParseError("nobody joins"); });
    released.release();
    QVERIFY(log.waitFor(
        [](const skein::LogRecord& r) {
            return testing::contains(r.message, "released thread 'main/released' failed") &&
                   testing::contains(r.message, "nobody joins");
        },
        1, testing::hangGuard));
    // It leaves the tree right after its stopped() callbacks.
    QVERIFY(released.stopped().wait(skein::Till(testing::hangGuard)));
    const skein::Till guard(testing::hangGuard);
    while (testing::hasChild(Thread::current(), released) && !guard)
        std::this_thread::yield();
    QVERIFY(!testing::hasChild(Thread::current(), released));
}

void tst_Future::aPooledThreadAskedToStopBeforeItRunsStillRuns()
{
    QThreadPool pool;
    PoolHeld held(pool);
    const auto queued = skein::runInPool(&pool, "queued", [](const Signal& pleaseStop) { return bool(pleaseStop); });
    queued.stop();
    held.release();
    QCOMPARE(queued.join(), true);  // ran, and saw its pleaseStop gone
}

void tst_Future::joinRunsAPooledThreadThePoolHasNotBegun()
{
    QThreadPool pool;
    PoolHeld held(pool);
    const std::string nameBefore = commOf(osThreadId());
    long ranOn = 0;
    std::string commWhileRunning;
    std::string currentWhileRunning;
    const auto queued = skein::runInPool(&pool, "queued", [&] {
        ranOn = osThreadId();
        commWhileRunning = commOf(osThreadId());
        currentWhileRunning = Thread::current().path();
        return 7;
    });
    QCOMPARE(queued.join(), 7);  // the pool is busy: join() runs it here
    QCOMPARE(ranOn, osThreadId());
    QCOMPARE(QString::fromStdString(commWhileRunning), QStringLiteral("queued"));
    QCOMPARE(QString::fromStdString(currentWhileRunning), QStringLiteral("main/queued"));
    QCOMPARE(commOf(osThreadId()), nameBefore);
    QCOMPARE(Thread::current().path(), std::string("main"));
    QVERIFY(!testing::hasChild(Thread::current(), queued));
    held.release();
    pool.waitForDone();  // the pool's turn finds the job taken, and does nothing

    // With a till, join() only waits: the function could outlast it.
    PoolHeld heldAgain(pool);
    const auto waiting = skein::runInPool(&pool, "waiting", [] { return osThreadId(); });
    QVERIFY(!waiting.tryJoin(skein::Till(20ms)));
    heldAgain.release();
    QVERIFY(waiting.tryJoin(skein::Till(testing::hangGuard)));
    QVERIFY(waiting.join() != osThreadId());
}

void tst_Future::aPoolThatDropsAThreadFailsIt()
{
    QThreadPool pool;
    PoolHeld held(pool);
    std::atomic<bool> ran{false};
    const auto dropped = skein::runInPool(&pool, "dropped", [&ran] { ran = true; });
    pool.clear();
    held.release();
    pool.waitForDone();
    const auto thrown = testing::messageOf<skein::Error>([&] { dropped.join(); });
    QVERIFY(thrown);
    QVERIFY(testing::contains(*thrown, "main/dropped"));
    QVERIFY(testing::contains(*thrown, "dropped it before it ran"));
    QVERIFY(!ran);
}

void tst_Future::runInPoolMisuseThrows()
{
    const auto nullPool = testing::messageOf<skein::InvalidArgument>(
        [] { (void)skein::runInPool(static_cast<QThreadPool*>(nullptr), "orphan", [] {}); });
    QVERIFY(nullPool && testing::contains(*nullPool, "orphan"));
    QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument, (void)skein::runInPool("", [] {}));
}

// --- ThreadAdaptor ----------------------------------------------------------------

void tst_Future::adaptorFutureCarriesTheResultAndCancelStopsIt()
{
    skein::ThreadAdaptor done(QStringLiteral("done"), [](const Signal&) { return QVariant(QStringLiteral("ok")); });
    done.start();
    QFuture<QVariant> doneFuture = done.future();
    QCOMPARE(doneFuture.result(), QVariant(QStringLiteral("ok")));
    QCOMPARE(done.future().result(), QVariant(QStringLiteral("ok")));  // the same future

    skein::ThreadAdaptor blocked(QStringLiteral("blocked"), [](const Signal& pleaseStop) {
        pleaseStop.wait();
        return QVariant(1);
    });
    QSignalSpy stopRequested(&blocked, &skein::ThreadAdaptor::stopRequested);
    blocked.start();
    QFuture<QVariant> future = blocked.future();
    future.cancel();
    QVERIFY(stopRequested.wait(hangGuardMs));
    future.waitForFinished();
    QVERIFY(future.isCanceled());
    QCOMPARE(future.resultCount(), 0);
}

void tst_Future::adaptorFutureAskedBeforeStartBeginsWithTheThread()
{
    QFuture<QVariant> future;
    {
        skein::ThreadAdaptor adaptor(QStringLiteral("later"), [](const Signal&) { return QVariant(3); });
        future = adaptor.future();
        QVERIFY(!future.isStarted());
        adaptor.start();
        QCOMPARE(future.result(), QVariant(3));
    }
    QFuture<QVariant> neverStarted;
    {
        skein::ThreadAdaptor adaptor(QStringLiteral("never"), [](const Signal&) { return QVariant(4); });
        neverStarted = adaptor.future();
    }
    QVERIFY(neverStarted.isFinished());
    QVERIFY(neverStarted.isCanceled());
}

QTEST_GUILESS_MAIN(tst_Future)
#include "tst_future.moc"
