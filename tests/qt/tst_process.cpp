// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <csignal>

#include <skein/qt/process.h>
#include <skein/skein.h>

#include "testing.h"

using namespace std::chrono_literals;
using testing::isNotRunning;

namespace {

// A reaped child is gone: kill(pid, 0) fails with ESRCH. A zombie would
// still answer.
bool isGone(qint64 pid) { return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH; }

std::vector<std::string> drain(skein::Queue<std::string>& lines)
{
    std::vector<std::string> all;
    while (auto line = lines.pop(skein::Till(60s)))
        all.push_back(std::move(*line));
    return all;
}

// The largest resident set this process has had, in bytes.
qint64 peakResidentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    return -1;
}

// Checks each line of a flood as it arrives, keeping nothing: "<i> <payload>"
// for i = 0, 1, …, the last one without its newline.
struct FloodCheck {
    int lines = 0;
    int wrong = 0;
    std::string firstWrong;

    void check(const std::string& line, const std::string& payload)
    {
        if (line != std::to_string(lines) + ' ' + payload && ++wrong == 1)
            firstWrong = line;
        ++lines;
    }
};

FloodCheck readFlood(skein::Queue<std::string>& queue, const std::string& payload)
{
    FloodCheck check;
    while (auto line = queue.pop(skein::Till(60s)))
        check.check(*line, payload);
    return check;
}

}  // namespace

class tst_Process : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Before anything here has made the process large: the flood's
        // memory bound is checked against this.
        baseline_ = peakResidentBytes();
        QVERIFY(baseline_ > 0);
    }

    void aProgramThatDoesNotExistThrowsAnErrorNamingItAtOnce()
    {
        QElapsedTimer clock;
        clock.start();
        try {
            skein::Process p("missing", QStringLiteral("/no/such/program"));
            QFAIL("no exception");
        } catch (const skein::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("/no/such/program")), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("missing")), e.what());
        }
        // exec() fails in microseconds. The bound is no claim about speed:
        // it is a hang guard of tens of seconds, yet below QProcess's default
        // timeout (30 s), so that an error found only by that timeout fails.
        QVERIFY2(clock.elapsed() < 20000, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
        QVERIFY(skein::Thread::current().children().empty());
    }

    void linesArriveInOrderOnBothStreamsWithTheLastUnterminatedLine()
    {
        skein::Process p("lines", QStringLiteral("/bin/sh"),
                         {QStringLiteral("-c"), QStringLiteral("echo one; echo two >&2; echo 'ünï ✓'; printf three")});
        QCOMPARE(drain(p.stdoutLines()), (std::vector<std::string>{"one", "ünï ✓", "three"}));
        QCOMPARE(drain(p.stderrLines()), (std::vector<std::string>{"two"}));
        QCOMPARE(p.join(), 0);
        QVERIFY(p.stdoutLines().isClosed());
    }

    void exitCodeWorkingDirectoryAndEnvironmentArePassed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        skein::Process::Options options;
        options.workingDirectory = dir.path();
        QProcessEnvironment env;
        env.insert(QStringLiteral("SKEIN_TEST_VALUE"), QStringLiteral("forty-two"));
        options.environment = env;
        skein::Process p("env", QStringLiteral("/bin/sh"),
                         {QStringLiteral("-c"), QStringLiteral("pwd; echo $SKEIN_TEST_VALUE; exit 5")}, options);
        const auto out = drain(p.stdoutLines());
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(QDir(QString::fromStdString(out[0])).canonicalPath(), QDir(dir.path()).canonicalPath());
        QCOMPARE(out[1], std::string("forty-two"));
        QCOMPARE(p.join(), 5);
    }

    void stdinIsWrittenAndClosed()
    {
        skein::Process cat("cat", QStringLiteral("/bin/cat"));
        cat.write("first\nsecond\n");
        cat.closeStdin();
        QCOMPARE(drain(cat.stdoutLines()), (std::vector<std::string>{"first", "second"}));
        QCOMPARE(cat.join(), 0);
    }

    void theProcessIsAChildOfTheThreadThatMadeIt()
    {
        skein::Process cat("reader", QStringLiteral("/bin/cat"));
        const auto children = skein::Thread::current().children();
        QCOMPARE(children.size(), std::size_t(1));
        QCOMPARE(children.front().name(), std::string("reader"));
        cat.closeStdin();
        QCOMPARE(cat.join(), 0);
    }

    void aChildThatNeverExitsIsKilledWhenItsParentThreadStopsAndLeavesNoZombie()
    {
        qint64 pid = 0;
        const skein::Signal running;
        auto parent = skein::Thread::run("owner", [&](const skein::Signal& pleaseStop) {
            skein::Process sleeper("sleeper", QStringLiteral("/bin/sleep"), {QStringLiteral("1000")});
            pid = sleeper.processId();
            skein::Signal(running).go();
            pleaseStop.wait();
            return sleeper.join();  // the parent's stop reached the process's thread
        });
        running.wait();
        QVERIFY(pid > 0);
        QVERIFY(!isGone(pid));
        parent.stop();
        QCOMPARE(parent.join(), 128 + SIGTERM);
        QVERIFY(isGone(pid));
    }

    void aChildIgnoringSigtermIsKilledAfterTheGracePeriod()
    {
        skein::Process::Options options;
        options.killGrace = 100ms;
        skein::Process stubborn(
            "stubborn", QStringLiteral("/bin/sh"),
            {QStringLiteral("-c"), QStringLiteral("trap '' TERM; echo ready; while :; do sleep 1; done")}, options);
        QCOMPARE(stubborn.stdoutLines().pop(skein::Till(testing::hangGuard)), std::optional<std::string>("ready"));
        const qint64 pid = stubborn.processId();
        stubborn.stop();
        QCOMPARE(stubborn.join(), 128 + SIGKILL);
        QVERIFY(isGone(pid));
    }

    void withItsOwnProcessGroupWhatTheChildStartedStopsWithIt()
    {
        skein::Process::Options options;
        options.ownProcessGroup = true;
        // The grandchild ignores SIGTERM, as a careless program might; it
        // says its pid once it does.
        skein::Process p(
            "group", QStringLiteral("/bin/sh"),
            {QStringLiteral("-c"), QStringLiteral("sh -c 'trap \"\" TERM; echo $$; while :; do sleep 1; done' & wait")},
            options);
        const auto grandchild = p.stdoutLines().pop(skein::Till(testing::hangGuard));
        QVERIFY(grandchild);
        const qint64 pid = std::stoll(*grandchild);
        QVERIFY(!isNotRunning(pid));
        p.stop();
        QCOMPARE(p.join(), 128 + SIGTERM);
        // Its parent (the shell) is gone, so init reaps it, in its own time.
        QTRY_VERIFY_WITH_TIMEOUT(isNotRunning(pid), testing::hangGuardMs);
    }

    void aCrashIsReportedAsSuch()
    {
        skein::Process p("crasher", QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("kill -SEGV $$")});
        try {
            p.join();
            QFAIL("no exception");
        } catch (const skein::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("crashed")), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("signal 11")), e.what());
        }
    }

    void aFailedProcessLeavesNoTraceInTheThreadTreeAfterJoin()
    {
        skein::Process failing("failing", QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("exit 1")});
        QCOMPARE(failing.join(), 1);
        QVERIFY(skein::Thread::current().children().empty());

        skein::Process crasher("crasher", QStringLiteral("/bin/sh"),
                               {QStringLiteral("-c"), QStringLiteral("kill -KILL $$")});
        QVERIFY_THROWS_EXCEPTION(skein::Error, crasher.join());
        QVERIFY(skein::Thread::current().children().empty());
        QVERIFY2(skein::dumpThreads().find("crasher") == std::string::npos, skein::dumpThreads().c_str());
    }

    void aFullQueueMakesTheChildWaitAndLosesNothing()
    {
        skein::Process::Options options;
        options.maxQueuedLines = 10;
        skein::Process p("seq", QStringLiteral("/usr/bin/seq"), {QStringLiteral("1"), QStringLiteral("20000")},
                         options);
        int expected = 0;
        while (auto line = p.stdoutLines().pop(skein::Till(60s))) {
            QVERIFY(p.stdoutLines().size() <= 10);
            QCOMPARE(*line, std::to_string(++expected));
        }
        QCOMPARE(expected, 20000);
        QCOMPARE(p.join(), 0);
    }

    void stopWhileTheQueueIsFullEndsTheProcess()
    {
        skein::Process::Options options;
        options.maxQueuedLines = 1;
        skein::Process yes("yes", QStringLiteral("/usr/bin/yes"), {}, options);
        const qint64 pid = yes.processId();
        QTRY_COMPARE_WITH_TIMEOUT(yes.stdoutLines().size(), std::size_t(1), testing::hangGuardMs);
        yes.stop();  // its thread waits for room in the queue: the stop must reach it there
        QCOMPARE(yes.join(), 128 + SIGTERM);
        QVERIFY(isGone(pid));
    }

    void aQueueClosedByItsReaderTakesNoMoreLines()
    {
        skein::Process p("seq", QStringLiteral("/usr/bin/seq"), {QStringLiteral("1"), QStringLiteral("100000")});
        p.stdoutLines().close();
        QCOMPARE(p.join(), 0);  // the output was read and dropped, and the child ended
    }

    void hugeOutputOnBothStreamsAtOnceArrivesWholeInBoundedMemory()
    {
#if defined(SKEIN_TEST_TSAN) || defined(SKEIN_TEST_ASAN)
        const int lines = 200000;  // ~10 MB: the sanitizers slow every line tenfold
#else
        const int lines = 1000000;  // 2 streams × 1 000 000 lines × ~50 bytes = ~100 MB
#endif
        // Multi-byte UTF-8 throughout, so that reads split characters; the
        // last line of each stream has no newline.
        const std::string payload = "ünïcødé ✓ 日本語 ..........................";
        const QString awk =
            QStringLiteral(
                "awk 'BEGIN { for (i = 0; i < %1 - 1; i++) printf \"%d %2\\n\", i; printf \"%d %2\", %1 - 1 }'")
                .arg(lines)
                .arg(QString::fromStdString(payload));
        skein::Process p("flood", QStringLiteral("/bin/sh"), {QStringLiteral("-c"), awk + " & " + awk + " >&2; wait"});
        // Read stderr on another thread while this one reads stdout.
        auto errReader = skein::Thread::run("stderr-reader", [&] { return readFlood(p.stderrLines(), payload); });
        const FloodCheck out = readFlood(p.stdoutLines(), payload);
        const FloodCheck err = errReader.join();
        QCOMPARE(p.join(), 0);
        for (const FloodCheck* stream : {&out, &err}) {
            QVERIFY2(stream->wrong == 0, stream->firstWrong.c_str());
            QCOMPARE(stream->lines, lines);
        }
#if !defined(SKEIN_TEST_TSAN) && !defined(SKEIN_TEST_ASAN)
        // Bounded Queues: ~100 MB went through, but no more than the Queues'
        // bound (2 × 65 536 lines, ~15 MB) was held at once. 64 MB is four
        // times that; holding the output would take 200 MB. (The sanitizers
        // keep freed memory in quarantine, so RSS says nothing there.)
        const qint64 grown = peakResidentBytes() - baseline_;
        QVERIFY2(grown < 64 * 1024 * 1024, qPrintable(QStringLiteral("peak RSS grew by %1 MB").arg(grown >> 20)));
#endif
    }

private:
    qint64 baseline_ = 0;
};

QTEST_GUILESS_MAIN(tst_Process)
#include "tst_process.moc"
