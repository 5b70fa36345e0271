// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Diagnostics: the straggler warning and its back-off, dumpThreads(), the log
// sink, RegisterThread, the SKEIN_PROFILE table and handles that refer to no
// thread. In-process: no MainThread and no shutdownTimers() here, both are
// irreversible.
#include <QtTest>

#include <QRegularExpression>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/lock.h>
#include <skein/log.h>
#include <skein/main_thread.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>


#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "testing.h"

using namespace std::chrono_literals;
using skein::LogLevel;
using skein::LogRecord;
using skein::Signal;
using skein::Thread;
using testing::Captured;
using testing::contains;
using testing::GracePeriodGuard;
using testing::handleCalls;
using testing::hasChild;
using testing::LogCapture;

namespace {

using Clock = std::chrono::steady_clock;

// How long a test waits for something that should happen at once before it
// gives up and fails; never a measure of speed.
constexpr auto patience = testing::hangGuard;

// The warning that names the thread main/straggler, which ignores its
// pleaseStop in the straggler tests.
bool isStragglerWarning(const LogRecord& r)
{
    return r.level == LogLevel::Warning && contains(r.message, "main/straggler");
}

// The line of dumpThreads() that starts with `start` (indentation included).
std::string dumpLine(const std::string& dump, const std::string& start)
{
    std::istringstream in(dump);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(start, 0) == 0)
            return line;
    return {};
}

double threadCpuSeconds()
{
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// Captures what the process writes to stderr while it lives.
class StderrCapture {
public:
    StderrCapture() : file_(std::tmpfile()), saved_(::dup(STDERR_FILENO))
    {
        std::fflush(stderr);
        ::dup2(::fileno(file_), STDERR_FILENO);
    }
    ~StderrCapture() { release(); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    // Puts stderr back and returns what was written meanwhile.
    std::string release()
    {
        if (saved_ < 0)
            return text_;
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        saved_ = -1;
        std::rewind(file_);
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;)
            text_.append(buffer, n);
        std::fclose(file_);
        return text_;
    }

private:
    std::FILE* file_;
    int saved_;
    std::string text_;
};

}  // namespace

class tst_Diagnostics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void stragglerIsNamedWithWhatItWaitsOnAndAgainWithBackOff();
    void joinWaitsForAStragglerPastTheStopTimeLimit();
    void dumpShowsTreeStateProgressAndWaits();
    void dumpShowsThreadsStartedOnAThreadSkeinDidNotStart();

    void logRecordCarriesLevelThreadPathMessageAndTime();
    void setLogSinkReturnsThePreviousSinkAndEmptyRestoresStderr();
    void logRecordSaysItsTopicAndWhereItWasLogged();
    void setLogSinkWinsOverTheDefaultSink();
    void throwingSinkDoesNotBreakTheCaller();

    void registeredThreadIsANamedChildOfMainWhileTheGuardLives();
    void registerThreadOnASkeinThreadThrows_data();
    void registerThreadOnASkeinThreadThrows();

    void profileTableListsWallCpuAndBlockedTime();

    void handleThatRefersToNoThreadThrowsUsageError_data();
    void handleThatRefersToNoThreadThrowsUsageError();
};

void tst_Diagnostics::initTestCase()
{
    // SKEIN_PROFILE is read once, when the first thread ends: set it before
    // any thread of this process has run.
    QVERIFY(qputenv("SKEIN_PROFILE", "1"));
}

void tst_Diagnostics::stragglerIsNamedWithWhatItWaitsOnAndAgainWithBackOff()
{
    const auto grace = 50ms;
    const GracePeriodGuard gracePeriod(grace);
    const LogCapture capture;
    Signal release("release");
    auto releaseOnExit = qScopeGuard([release]() mutable { release.go(); });

    // Ignores its pleaseStop: only `release` ends it.
    Thread straggler = Thread::run("straggler", [release] { release.wait(); });
    QTRY_VERIFY2_WITH_TIMEOUT(contains(dumpLine(skein::dumpThreads(), "  straggler ["), "waiting on Signal 'release'"),
                              skein::dumpThreads().c_str(), testing::hangGuardMs);
    const Clock::time_point askedToStop = Clock::now();
    straggler.stop();

    // join() blocks until `release` goes: join on another thread.
    std::atomic<bool> joined{false};
    std::thread joiner([&] {
        straggler.join();
        joined = true;
    });
    auto joinOnExit = qScopeGuard([&] {
        release.go();
        joiner.join();
    });

    QVERIFY2(capture.waitFor(isStragglerWarning, 2, patience), "fewer than two warnings about main/straggler");
    QVERIFY(!joined);
    const std::vector<Captured> warnings = capture.matching(isStragglerWarning);
    for (const Captured& w : warnings) {
        QVERIFY2(contains(w.message, "Signal 'release'"), w.message.c_str());
        QVERIFY2(contains(w.message, "asked to stop"), w.message.c_str());
    }
    // The first warning comes no sooner than the grace period after the
    // thread was asked to stop; the second waits twice as long again, counted
    // from the end of the first. Both are exact lower bounds: each step is
    // due only after the clock reading before it.
    QVERIFY(warnings[0].seen - askedToStop >= grace);
    QVERIFY(warnings[1].seen - warnings[0].seen >= 2 * grace);

    release.go();
    joinOnExit.dismiss();
    joiner.join();
    QVERIFY(joined);
    QVERIFY(!straggler.isRunning());
    releaseOnExit.dismiss();
}

// The stop time limit is for shutdown only: an explicit join() waits as long
// as it takes, warning with back-off, and never gives up.
void tst_Diagnostics::joinWaitsForAStragglerPastTheStopTimeLimit()
{
    const auto limit = 10ms;
    const auto previousLimit = skein::stopTimeLimit();
    skein::setStopTimeLimit(limit);
    auto restoreLimit = qScopeGuard([previousLimit] { skein::setStopTimeLimit(previousLimit); });
    const GracePeriodGuard gracePeriod(limit);
    const LogCapture capture;
    Signal release("release");

    Thread straggler = Thread::run("straggler", [release] { release.wait(); });
    straggler.stop();
    std::atomic<bool> joined{false};
    std::thread joiner([&] {
        straggler.join();
        joined = true;
    });
    auto joinOnExit = qScopeGuard([&] {
        release.go();
        joiner.join();
    });
    // The second warning comes three limits after join() began: still joining.
    QVERIFY2(capture.waitFor(isStragglerWarning, 2, patience), "fewer than two warnings about main/straggler");
    QVERIFY(!joined);
    QVERIFY(capture.matching([](const LogRecord& r) { return r.level == LogLevel::Error; }).empty());

    release.go();
    joinOnExit.dismiss();
    joiner.join();
    QVERIFY(joined);
}

void tst_Diagnostics::dumpShowsTreeStateProgressAndWaits()
{
    Thread pool = Thread::run("pool", [](const Signal& pleaseStop) {
        Thread::run("consumer", [](const Signal& stop) {
            Thread::current().setProgress(0.25, "loading jobs");
            skein::Queue<int> jobs("jobs");
            jobs.pop(stop);
        });
        Thread::run("writer", [](const Signal& stop) {
            Thread::current().setProgress(0.5, "saving");
            skein::Lock db("db");
            std::lock_guard<skein::Lock> held(db);
            db.wait(stop);
        });
        pleaseStop.wait();
    });
    auto stopOnExit = qScopeGuard([&] {
        pool.stop();
        pool.join();
    });

    // Indentation shows the tree: main, then pool, then its children.
    QTRY_VERIFY2_WITH_TIMEOUT(contains(dumpLine(skein::dumpThreads(), "  pool ["), "waiting on") &&
                                  contains(dumpLine(skein::dumpThreads(), "    consumer ["), "waiting on") &&
                                  contains(dumpLine(skein::dumpThreads(), "    writer ["), "waiting on"),
                              skein::dumpThreads().c_str(), testing::hangGuardMs);
    const std::string dump = skein::dumpThreads();
    const QByteArray shown = QByteArray::fromStdString(dump);

    QVERIFY2(contains(dumpLine(dump, "main ["), "running"), shown);
    const std::string poolLine = dumpLine(dump, "  pool [");
    QVERIFY2(contains(poolLine, "running"), shown);
    QVERIFY2(contains(poolLine, "waiting on Signal 'main/pool.pleaseStop'"), shown);

    const std::string consumer = dumpLine(dump, "    consumer [");
    QVERIFY2(contains(consumer, "running"), shown);
    QVERIFY2(contains(consumer, "25 %"), shown);
    QVERIFY2(contains(consumer, "loading jobs"), shown);
    QVERIFY2(contains(consumer, "waiting on Queue 'jobs'"), shown);

    const std::string writer = dumpLine(dump, "    writer [");
    QVERIFY2(contains(writer, "running"), shown);
    QVERIFY2(contains(writer, "50 %"), shown);
    QVERIFY2(contains(writer, "saving"), shown);
    QVERIFY2(contains(writer, "waiting on Lock 'db'"), shown);

    // Since when: "for <seconds> s".
    const QRegularExpression since(QStringLiteral("waiting on Queue 'jobs'.* for \\d+\\.\\d+ s"));
    QVERIFY2(since.match(QString::fromStdString(consumer)).hasMatch(), shown);

    stopOnExit.dismiss();
    pool.stop();
    pool.join();
    const std::string after = skein::dumpThreads();
    QVERIFY2(!contains(after, "pool") && !contains(after, "consumer") && !contains(after, "writer"), after.c_str());
}

// A thread started on a std::thread has a placeholder for a parent
// ("main/thread-<id>/worker"). It is one of the process's threads, so the
// dump shows it; shutdown, which walks the same tree from main, asks it to
// stop only if it is in that tree.
void tst_Diagnostics::dumpShowsThreadsStartedOnAThreadSkeinDidNotStart()
{
    Signal assigned("assigned");
    Signal checked("checked");
    Thread worker;
    std::thread os([&] {
        worker = Thread::run("foreign-child", [](const Signal& pleaseStop) { pleaseStop.wait(); });
        assigned.go();
        checked.wait();
    });
    auto finish = qScopeGuard([&] {
        checked.go();
        os.join();  // the placeholder ends with its OS thread: it stops and joins foreign-child
    });
    assigned.wait();  // run() returned: foreign-child is among its parent's children
    QVERIFY(contains(worker.path(), "/foreign-child"));
    const std::string dump = skein::dumpThreads();
    QVERIFY2(contains(dump, "foreign-child ["), dump.c_str());
}

void tst_Diagnostics::logRecordCarriesLevelThreadPathMessageAndTime()
{
    const LogCapture capture;
    const auto before = std::chrono::system_clock::now();
    // A throwing then() callback is logged on the thread that ran go().
    Thread::run("worker", [] {
        Signal boom("boom");
        boom.then([] { throw std::runtime_error("callback failed"); });
        boom.go();
    }).join();
    skein::log(LogLevel::Info, "from the test");
    const auto after = std::chrono::system_clock::now();

    const auto fromWorker = capture.matching([](const LogRecord& r) { return contains(r.message, "callback failed"); });
    QCOMPARE(fromWorker.size(), std::size_t(1));
    const LogRecord& w = fromWorker[0];
    QCOMPARE(w.level, LogLevel::Warning);
    QCOMPARE(w.threadPath, std::string("main/worker"));
    QVERIFY2(contains(w.message, "boom"), w.message.c_str());  // names the Signal

    const auto fromTest = capture.matching([](const LogRecord& r) { return r.message == "from the test"; });
    QCOMPARE(fromTest.size(), std::size_t(1));
    QCOMPARE(fromTest[0].level, LogLevel::Info);
    QCOMPARE(fromTest[0].threadPath, std::string("main"));

    // Stamped when logged. The wall clock may be adjusted while this runs; a
    // second either side tells a real stamp from a missing (epoch) one.
    for (const Captured* c : {&fromWorker[0], &fromTest[0]}) {
        QVERIFY(c->time >= before - 1s);
        QVERIFY(c->time <= after + 1s);
    }
    QCOMPARE(std::string(skein::toString(LogLevel::Warning)), std::string("warning"));
}

void tst_Diagnostics::setLogSinkReturnsThePreviousSinkAndEmptyRestoresStderr()
{
    auto aCalls = std::make_shared<std::atomic<int>>(0);
    auto bCalls = std::make_shared<std::atomic<int>>(0);
    const skein::LogSink a = [aCalls](const LogRecord&) { ++*aCalls; };
    const skein::LogSink b = [bCalls](const LogRecord&) { ++*bCalls; };

    const skein::LogSink original = skein::setLogSink(a);
    auto restore = qScopeGuard([&] { skein::setLogSink(original); });

    const skein::LogSink returnedA = skein::setLogSink(b);
    QVERIFY(bool(returnedA));
    returnedA(LogRecord{});
    QCOMPARE(aCalls->load(), 1);
    QCOMPARE(bCalls->load(), 0);
    skein::log(LogLevel::Info, "to b");
    QCOMPARE(aCalls->load(), 1);
    QCOMPARE(bCalls->load(), 1);

    // An empty sink restores the default, which writes to stderr.
    const skein::LogSink returnedB = skein::setLogSink({});
    QVERIFY(bool(returnedB));
    returnedB(LogRecord{});
    QCOMPARE(bCalls->load(), 2);
    StderrCapture err;
    skein::log(LogLevel::Warning, "marker for the default sink");
    const std::string written = err.release();
    QVERIFY2(contains(written, "marker for the default sink"), written.c_str());
    QVERIFY2(contains(written, "warning"), written.c_str());
    QVERIFY2(contains(written, "main"), written.c_str());
    QCOMPARE(aCalls->load(), 1);
    QCOMPARE(bCalls->load(), 2);

    // The default is reported as an empty previous sink.
    QVERIFY(!skein::setLogSink(a));
}

void tst_Diagnostics::logRecordSaysItsTopicAndWhereItWasLogged()
{
    const LogCapture capture;
    // A released thread's failure is logged by the core, in tree/tree.cpp.
    Thread t = Thread::run("located", [] { throw std::runtime_error("located failure"); });
    t.release();
    QVERIFY(t.stopped().wait(skein::Till(patience)));
    const int line = __LINE__ + 1;
    SKEIN_LOG(Shutdown, Info, std::string("from the test, located"));
    skein::log(LogLevel::Info, "from the test, unlocated");

    const auto fromCore = capture.mentioning("located failure");
    QCOMPARE(fromCore.size(), std::size_t(1));
    QCOMPARE(fromCore[0].topic, skein::LogTopic::Thread);
    QVERIFY(fromCore[0].file);
    QVERIFY2(QByteArray(fromCore[0].file).endsWith("tree/tree.cpp"), fromCore[0].file);
    QVERIFY(fromCore[0].line > 0);
    QVERIFY(fromCore[0].function);

    const auto located = capture.mentioning("from the test, located");
    QCOMPARE(located.size(), std::size_t(1));
    QCOMPARE(located[0].topic, skein::LogTopic::Shutdown);
    QCOMPARE(located[0].level, LogLevel::Info);
    QCOMPARE(QByteArray(located[0].file), QByteArray(__FILE__));
    QCOMPARE(located[0].line, line);
    QCOMPARE(QByteArray(located[0].function), QByteArray("logRecordSaysItsTopicAndWhereItWasLogged"));

    // Without a topic: the general one, and no location.
    const auto unlocated = capture.mentioning("from the test, unlocated");
    QCOMPARE(unlocated.size(), std::size_t(1));
    QCOMPARE(unlocated[0].topic, skein::LogTopic::Log);
    QVERIFY(!unlocated[0].file);
    QCOMPARE(unlocated[0].line, 0);

    QCOMPARE(std::string(skein::toString(skein::LogTopic::Process)), std::string("process"));
}

void tst_Diagnostics::setLogSinkWinsOverTheDefaultSink()
{
    auto defaultCalls = std::make_shared<std::atomic<int>>(0);
    auto setCalls = std::make_shared<std::atomic<int>>(0);
    const skein::LogSink original = skein::setLogSink({});
    const skein::LogSink originalDefault =
        skein::setDefaultLogSink([defaultCalls](const LogRecord&) { ++*defaultCalls; });
    auto restore = qScopeGuard([&] {
        skein::setDefaultLogSink(originalDefault);
        skein::setLogSink(original);
    });

    skein::log(LogLevel::Info, "to the default");
    QCOMPARE(defaultCalls->load(), 1);

    // A sink set with setLogSink() wins, whichever was set last.
    skein::setLogSink([setCalls](const LogRecord&) { ++*setCalls; });
    skein::setDefaultLogSink([defaultCalls](const LogRecord&) { ++*defaultCalls; });
    skein::log(LogLevel::Info, "to the set sink");
    QCOMPARE(setCalls->load(), 1);
    QCOMPARE(defaultCalls->load(), 1);

    // An empty sink restores the default, not stderr.
    skein::setLogSink({});
    skein::log(LogLevel::Info, "to the default again");
    QCOMPARE(defaultCalls->load(), 2);

    // An empty default restores stderr.
    QVERIFY(bool(skein::setDefaultLogSink({})));
    StderrCapture err;
    skein::log(LogLevel::Warning, "marker for stderr");
    const std::string written = err.release();
    QVERIFY2(contains(written, "skein.log warning [main] marker for stderr"), written.c_str());
    QCOMPARE(defaultCalls->load(), 2);
}

void tst_Diagnostics::throwingSinkDoesNotBreakTheCaller()
{
    auto calls = std::make_shared<std::atomic<int>>(0);
    const skein::LogSink original = skein::setLogSink([calls](const LogRecord&) {
        ++*calls;
        throw std::runtime_error("sink broke");
    });
    auto restore = qScopeGuard([&] { skein::setLogSink(original); });

    skein::log(LogLevel::Error, "into a throwing sink");
    QCOMPARE(calls->load(), 1);

    // go() logs the throwing callback into the throwing sink, and still runs
    // the next callback.
    Signal s("s");
    bool nextRan = false;
    s.then([] { throw std::runtime_error("callback failed"); });
    s.then([&nextRan] { nextRan = true; });
    s.go();
    QVERIFY(nextRan);
    QCOMPARE(calls->load(), 2);

    // A failed thread released before it fails is logged at once, from its
    // own thread: the throwing sink does not disturb its end either.
    Signal fail("fail");
    Thread failing = Thread::run("released", [fail] {
        fail.wait();
        throw std::runtime_error("released failure");
    });
    failing.release();
    fail.go();
    failing.stopped().wait();
    QCOMPARE(calls->load(), 3);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, failing.join());
}

void tst_Diagnostics::registeredThreadIsANamedChildOfMainWhileTheGuardLives()
{
    const Thread main = Thread::current();
    QCOMPARE(main.path(), std::string("main"));

    Signal registered("registered");
    const Signal checked("checked");
    Thread ext;
    Thread inner;
    bool currentIsExt = false;
    std::string currentPath;
    bool innerStoppedWhenGuardEnded = false;
    auto innerStopped = std::make_shared<std::atomic<bool>>(false);

    std::thread os([&] {
        {
            const skein::RegisterThread guard("ext");
            ext = guard.thread();
            currentIsExt = Thread::current() == ext;
            currentPath = Thread::current().path();
            inner = Thread::run("inner", [innerStopped](const Signal& pleaseStop) {
                pleaseStop.wait();
                *innerStopped = true;
            });
            registered.go();
            checked.wait();
        }
        // The guard's end stopped and joined what was started under it.
        innerStoppedWhenGuardEnded = *innerStopped;
    });
    auto finishOnExit = qScopeGuard([&] {
        Signal(checked).go();
        os.join();
    });
    registered.wait();

    QVERIFY(currentIsExt);
    QCOMPARE(currentPath, std::string("main/ext"));
    QCOMPARE(ext.name(), std::string("ext"));
    QCOMPARE(ext.path(), std::string("main/ext"));
    QVERIFY(ext.parent() && *ext.parent() == main);
    QVERIFY(hasChild(main, ext));
    QVERIFY(ext.isRunning());
    QVERIFY(!ext.pleaseStop());
    // Threads started on it are its children.
    QCOMPARE(inner.path(), std::string("main/ext/inner"));
    QVERIFY(inner.parent() && *inner.parent() == ext);
    QVERIFY(hasChild(ext, inner));
    QVERIFY(inner.isRunning());
    QVERIFY(!*innerStopped);

    finishOnExit.dismiss();
    Signal(checked).go();
    os.join();

    QVERIFY(innerStoppedWhenGuardEnded);
    QVERIFY(bool(inner.stopped()));
    // Like a thread whose function returned: stopped, without having been asked.
    QVERIFY(bool(ext.stopped()));
    QVERIFY(!ext.isRunning());
    QVERIFY(!hasChild(main, ext));
    QVERIFY(!contains(skein::dumpThreads(), "ext"));
    inner.join();  // it succeeded
}

void tst_Diagnostics::registerThreadOnASkeinThreadThrows_data()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("thread started by Skein") << QStringLiteral("started");
    QTest::newRow("registered thread") << QStringLiteral("registered");
    QTest::newRow("process main thread") << QStringLiteral("main");
}

void tst_Diagnostics::registerThreadOnASkeinThreadThrows()
{
    QFETCH(QString, where);
    std::string message;
    const auto tryToRegister = [&message] {
        try {
            const skein::RegisterThread guard("again");
            return false;
        } catch (const skein::UsageError& e) {
            message = e.what();
            return true;
        }
    };
    bool threw = false;
    std::string expectedPath;
    if (where == QLatin1String("started")) {
        threw = Thread::run("skein-thread", tryToRegister).join();
        expectedPath = "main/skein-thread";
    } else if (where == QLatin1String("registered")) {
        std::thread os([&] {
            const skein::RegisterThread outer("outer");
            threw = tryToRegister();
        });
        os.join();
        expectedPath = "main/outer";
    } else {
        threw = tryToRegister();
        expectedPath = "main";
    }
    QVERIFY(threw);
    QVERIFY2(contains(message, "'" + expectedPath + "'"), message.c_str());
    QVERIFY2(contains(message, "again"), message.c_str());
    QVERIFY(!contains(skein::dumpThreads(), "again"));
}

void tst_Diagnostics::profileTableListsWallCpuAndBlockedTime()
{
    const auto blockedAtLeast = 25ms;
    const double burn = 0.010;  // seconds of CPU time
    const Signal release("release");
    Thread profiled = Thread::run("profiled", [release, burn] {
        release.wait();
        const double start = threadCpuSeconds();
        while (threadCpuSeconds() - start < burn) {
        }
    });
    // Once the thread shows as blocked, it stays blocked at least until
    // release goes: what the table counts as blocked is at least this wait.
    QTRY_VERIFY2_WITH_TIMEOUT(contains(dumpLine(skein::dumpThreads(), "  profiled ["), "waiting on Signal 'release'"),
                              skein::dumpThreads().c_str(), testing::hangGuardMs);
    skein::Till(blockedAtLeast).wait();
    release.go();
    profiled.join();

    const std::string table = skein::detail::profileTable();
    std::istringstream in(table);
    std::string header;
    std::getline(in, header);
    QVERIFY2(contains(header, "wall") && contains(header, "cpu") && contains(header, "blocked"), table.c_str());
    int rows = 0;
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string path;
        double wall = -1, cpu = -1, blocked = -1;
        fields >> path >> wall >> cpu >> blocked;
        if (path != "main/profiled")
            continue;
        ++rows;
        QVERIFY2(!fields.fail(), line.c_str());
        const double atLeast = std::chrono::duration<double>(blockedAtLeast).count();
        QVERIFY2(blocked >= atLeast, line.c_str());
        QVERIFY2(cpu >= burn, line.c_str());
        QVERIFY2(blocked <= wall, line.c_str());
    }
    QCOMPARE(rows, 1);
}

void tst_Diagnostics::handleThatRefersToNoThreadThrowsUsageError_data()
{
    QTest::addColumn<int>("call");
    QTest::addColumn<bool>("movedFrom");
    for (std::size_t i = 0; i < handleCalls().size(); ++i) {
        QTest::addRow("moved-from %s", handleCalls()[i].name) << int(i) << true;
        QTest::addRow("default %s", handleCalls()[i].name) << int(i) << false;
    }
}

void tst_Diagnostics::handleThatRefersToNoThreadThrowsUsageError()
{
    QFETCH(int, call);
    QFETCH(bool, movedFrom);
    const Signal go("go");
    Thread original = Thread::run("moved", [go] { go.wait(); });
    Thread movedTo = std::move(original);
    auto finish = qScopeGuard([&] {
        Signal(go).go();
        movedTo.join();
    });
    Thread empty;
    Thread& handle = movedFrom ? original : empty;

    std::string message;
    try {
        handleCalls()[std::size_t(call)].call(handle);
    } catch (const skein::UsageError& e) {
        message = e.what();
    }
    QVERIFY2(contains(message, "refers to no thread"), message.c_str());
    // The handle it was moved to still refers to the thread.
    QCOMPARE(movedTo.path(), std::string("main/moved"));
    QVERIFY(movedTo.isRunning());
}

QTEST_GUILESS_MAIN(tst_Diagnostics)
#include "tst_diagnostics.moc"
