// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Shutdown of a whole program: shutdown_child (a Skein program with a small
// tree of blocked threads) is stopped by SIGINT, SIGTERM or "exit" on stdin,
// and must end every thread, children before parents, including one blocked
// on a bare Till(1 h); a failure nobody joined comes back from
// waitForShutdown(); a thread that ignores pleaseStop is named, then given up
// on at the stop time limit, and the program still ends.
#include <QtTest>

#include <QElapsedTimer>
#include <QProcess>
#include <QStringList>

#include <algorithm>
#include <csignal>
#include <sys/types.h>

#include "testing.h"

using testing::finishChild;
using testing::startChild;
using testing::stoppedPaths;
using testing::wrongStopOrder;

namespace {

// ReturnFromMain: the child made no MainThread and returns from main().
enum class StopBy { Sigint, Sigterm, ExitOnStdin, ReturnFromMain };

// Every thread shutdown_child starts (besides main/failing with --fail).
const QStringList childThreads = {
    QStringLiteral("main/p1"), QStringLiteral("main/p1/queue"),  QStringLiteral("main/p1/lock"),
    QStringLiteral("main/p2"), QStringLiteral("main/p2/signal"), QStringLiteral("main/p2/till"),
};

// A shutdown that must be clean runs with a grace period and a stop time
// limit of a hang guard: only a thread that takes that long to stop would be
// named or given up on, never one that a loaded machine merely kept waiting.
const QStringList patient = {QStringLiteral("--grace-ms"), QString::number(testing::hangGuardMs),
                             QStringLiteral("--limit-ms"), QString::number(testing::hangGuardMs)};

// The bound on each wait for the child: a hang guard, longer than the
// child's own stop time limit, so that a child that gives up has said so
// before the test stops waiting. The slowest thread in it waits on a Till
// of one hour: finishing within this bound means shutdown made it go.
constexpr int childTimeoutMs = 2 * testing::hangGuardMs;

}  // namespace

Q_DECLARE_METATYPE(StopBy)

namespace {

enum class ShutdownBy { WaitForShutdown, MainThreadDestructor, ExitWithoutMainThread };

// The straggler's settings in shutdown_child: by default, warnings after
// 100 ms, 300 ms and 700 ms of shutdown, and giving up after 3 s: time enough for the rest
// of the tree to stop on a loaded machine.
constexpr int stragglerGraceMs = 100;
constexpr int stragglerLimitMs = 3000;
// The grace period that never ends (milliseconds::max()), as a row's value.
constexpr int neverMs = -1;

// How many warnings about one straggler may come within `elapsedMs` of the
// stop request, with a grace period of `graceMs` (not negative): the first
// after the grace period, then each after twice the previous interval, and
// never sooner than 100 ms after the one before.
int mostWarnings(qint64 graceMs, qint64 elapsedMs)
{
    int count = 0;
    for (qint64 at = graceMs, interval = graceMs; at <= elapsedMs; at += interval) {
        ++count;
        interval = std::max<qint64>(2 * interval, 100);
    }
    return count;
}
// What the exit may take beyond the limit: the rest of shutdown and process
// exit, under a sanitizer on a loaded machine.
constexpr int stragglerSlackMs = 5000;

}  // namespace

Q_DECLARE_METATYPE(ShutdownBy)

namespace {

// shutdown_child's arguments for a way of shutting down.
QStringList argumentsFor(ShutdownBy by)
{
    switch (by) {
    case ShutdownBy::WaitForShutdown: return {};
    case ShutdownBy::MainThreadDestructor: return {QStringLiteral("--destructor")};
    case ShutdownBy::ExitWithoutMainThread: return {QStringLiteral("--no-main-thread")};
    }
    return {};
}

// What asks shutdown_child to shut down that way: without MainThread only
// the line "exit" does.
StopBy stopFor(ShutdownBy by)
{
    return by == ShutdownBy::ExitWithoutMainThread ? StopBy::ExitOnStdin : StopBy::Sigint;
}

}  // namespace

class tst_Shutdown : public QObject {
    Q_OBJECT

private:
    void stop(QProcess& child, StopBy how);

private Q_SLOTS:
    void everyThreadStopsChildrenFirst_data();
    void everyThreadStopsChildrenFirst();
    void failureNobodyJoinedIsRethrownByWaitForShutdown();
    void profileTableIsPrintedAtExitWhenSkeinProfileAsks_data();
    void profileTableIsPrintedAtExitWhenSkeinProfileAsks();
    void stragglerIsNamedThenGivenUpOnAtTheStopTimeLimit_data();
    void stragglerIsNamedThenGivenUpOnAtTheStopTimeLimit();
    void threadLocalsAreDestroyedBeforeShutdownEnds_data();
    void threadLocalsAreDestroyedBeforeShutdownEnds();
};

void tst_Shutdown::stop(QProcess& child, StopBy how)
{
    switch (how) {
    case StopBy::Sigint: QCOMPARE(::kill(static_cast<pid_t>(child.processId()), SIGINT), 0); break;
    case StopBy::Sigterm: QCOMPARE(::kill(static_cast<pid_t>(child.processId()), SIGTERM), 0); break;
    case StopBy::ExitOnStdin:
    case StopBy::ReturnFromMain:
        QCOMPARE(child.write("exit\n"), qint64(5));
        QVERIFY(child.waitForBytesWritten(childTimeoutMs));
        break;
    }
}

void tst_Shutdown::everyThreadStopsChildrenFirst_data()
{
    QTest::addColumn<StopBy>("how");
    QTest::newRow("SIGINT") << StopBy::Sigint;
    QTest::newRow("SIGTERM") << StopBy::Sigterm;
    QTest::newRow("exit on stdin") << StopBy::ExitOnStdin;
    // A program that forgot MainThread: its threads are still stopped in
    // order at exit, with no abort and no hang.
    QTest::newRow("return from main without MainThread") << StopBy::ReturnFromMain;
}

void tst_Shutdown::everyThreadStopsChildrenFirst()
{
    QFETCH(StopBy, how);
    QProcess child;
    QByteArray out;
    QStringList arguments = patient;
    if (how == StopBy::ExitOnStdin)
        arguments << QStringLiteral("--stdin");
    if (how == StopBy::ReturnFromMain)
        arguments << QStringLiteral("--no-main-thread");
    QVERIFY(startChild(child, QStringLiteral(SHUTDOWN_CHILD), arguments, out, childTimeoutMs));
    QVERIFY2(stoppedPaths(out).isEmpty(), out.constData());  // all blocked, none stopped before the request

    stop(child, how);
    if (QTest::currentTestFailed())
        return;
    const bool finished = finishChild(child, out, childTimeoutMs);
    const QByteArray err = child.readAllStandardError();
    // main/p2/till waits on a Till of one hour and ignores pleaseStop: ending
    // within the bound means shutdown made that Till go.
    QVERIFY2(finished, (out + "\nstderr:\n" + err).constData());
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0);
    const QString wrong = wrongStopOrder(stoppedPaths(out), childThreads);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    // A clean shutdown warns about nobody and reports no failure.
    QVERIFY2(!err.contains("log warning") && !err.contains("log error"), err.constData());
}

void tst_Shutdown::failureNobodyJoinedIsRethrownByWaitForShutdown()
{
    QProcess child;
    QByteArray out;
    QVERIFY(startChild(child, QStringLiteral(SHUTDOWN_CHILD), patient + QStringList{QStringLiteral("--fail")}, out,
                       childTimeoutMs));
    stop(child, StopBy::Sigint);
    if (QTest::currentTestFailed())
        return;
    const bool finished = finishChild(child, out, childTimeoutMs);
    const QByteArray err = child.readAllStandardError();
    QVERIFY2(finished, (out + "\nstderr:\n" + err).constData());
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 3);
    QVERIFY2(out.contains("rethrown: worker failed\n"), out.constData());
    // The failure is logged, as an error, with the failed thread's path.
    bool logged = false;
    for (const QByteArray& line : err.split('\n'))
        logged = logged ||
                 (line.startsWith("log error ") && line.contains("main/failing") && line.contains("worker failed"));
    QVERIFY2(logged, err.constData());
    // The rest of the tree still shut down in order.
    const QString wrong = wrongStopOrder(stoppedPaths(out), childThreads);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
}

// SKEIN_PROFILE follows one rule, with or without MainThread: set and
// neither empty nor "0", a table with one row per thread (its wall, CPU and
// blocked time) is printed at shutdown, else nothing. (How much of its life
// a thread spent blocked depends on whether the stop came before it reached
// its wait: a thread announces "about to block" just before; tst_diagnostics
// measures blocked time.)
void tst_Shutdown::profileTableIsPrintedAtExitWhenSkeinProfileAsks_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("withMainThread");
    QTest::addColumn<bool>("printed");
    QTest::newRow("1, MainThread") << QStringLiteral("1") << true << true;
    QTest::newRow("1, no MainThread") << QStringLiteral("1") << false << true;
    QTest::newRow("yes, MainThread") << QStringLiteral("yes") << true << true;
    QTest::newRow("0, MainThread") << QStringLiteral("0") << true << false;
    QTest::newRow("0, no MainThread") << QStringLiteral("0") << false << false;
    QTest::newRow("empty, MainThread") << QString() << true << false;
    QTest::newRow("empty, no MainThread") << QString() << false << false;
}

void tst_Shutdown::profileTableIsPrintedAtExitWhenSkeinProfileAsks()
{
    QFETCH(QString, value);
    QFETCH(bool, withMainThread);
    QFETCH(bool, printed);
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SKEIN_PROFILE"), value);
    child.setProcessEnvironment(env);
    QStringList arguments = patient;
    if (!withMainThread)
        arguments << QStringLiteral("--no-main-thread");
    QByteArray out;
    QVERIFY(startChild(child, QStringLiteral(SHUTDOWN_CHILD), arguments, out, childTimeoutMs));
    stop(child, withMainThread ? StopBy::Sigterm : StopBy::ReturnFromMain);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(finishChild(child, out, childTimeoutMs));
    QCOMPARE(child.exitCode(), 0);
    // Every thread stopped, so each had its chance to record a row.
    QCOMPARE(stoppedPaths(out).size(), childThreads.size());
    const QList<QByteArray> lines = child.readAllStandardError().split('\n');
    const auto header = std::find_if(lines.begin(), lines.end(), [](const QByteArray& l) {
        return l.startsWith("thread") && l.contains("wall s") && l.contains("cpu s") && l.contains("blocked s");
    });
    if (!printed) {
        QVERIFY2(header == lines.end(), lines.join('\n').constData());
        return;
    }
    QVERIFY2(header != lines.end(), lines.join('\n').constData());
    QCOMPARE(std::count(header, lines.end(), *header), 1);  // printed once
    for (const QString& path : childThreads) {
        const auto row = std::find_if(header, lines.end(), [&path](const QByteArray& l) {
            return l.simplified().split(' ').value(0) == path.toUtf8();
        });
        QVERIFY2(row != lines.end(), qPrintable(path + QStringLiteral(" has no row")));
        const QList<QByteArray> cells = row->simplified().split(' ');
        QCOMPARE(cells.size(), 4);
        bool ok[3] = {};
        const double wall = cells[1].toDouble(&ok[0]);
        const double cpu = cells[2].toDouble(&ok[1]);
        const double blocked = cells[3].toDouble(&ok[2]);
        QVERIFY(ok[0] && ok[1] && ok[2]);
        QVERIFY2(wall > 0 && cpu >= 0 && blocked >= 0 && blocked <= wall + 1e-6, row->constData());
    }
}

void tst_Shutdown::stragglerIsNamedThenGivenUpOnAtTheStopTimeLimit_data()
{
    QTest::addColumn<ShutdownBy>("by");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("graceMs");
    // waitForShutdown() tells the program that it gave up; the other two
    // leave the exit code to main().
    const struct {
        const char* name;
        ShutdownBy by;
        int exitCode;
    } ways[] = {{"waitForShutdown", ShutdownBy::WaitForShutdown, 1},
                {"MainThread destructor", ShutdownBy::MainThreadDestructor, 0},
                {"exit without MainThread", ShutdownBy::ExitWithoutMainThread, 0}};
    // A grace period of zero warns at once, and then backs off as any other;
    // one that never ends never warns, and the limit still gives up.
    for (const auto& way : ways) {
        QTest::addRow("%s", way.name) << way.by << way.exitCode << stragglerGraceMs;
        QTest::addRow("%s, zero grace period", way.name) << way.by << way.exitCode << 0;
        QTest::addRow("%s, grace period never ends", way.name) << way.by << way.exitCode << neverMs;
    }
}

void tst_Shutdown::stragglerIsNamedThenGivenUpOnAtTheStopTimeLimit()
{
    QFETCH(ShutdownBy, by);
    QFETCH(int, exitCode);
    QFETCH(int, graceMs);
    QStringList arguments = {QStringLiteral("--straggler"), QStringLiteral("--limit-ms"),
                             QString::number(stragglerLimitMs), QStringLiteral("--grace-ms"),
                             graceMs == neverMs ? QStringLiteral("max") : QString::number(graceMs)};
    arguments << argumentsFor(by);
    QProcess child;
    QByteArray out;
    QVERIFY(startChild(child, QStringLiteral(SHUTDOWN_CHILD), arguments, out, childTimeoutMs));

    QElapsedTimer sinceStop;
    sinceStop.start();
    stop(child, stopFor(by));
    if (QTest::currentTestFailed())
        return;
    // A hang guard: without giving up, the program would never end.
    const bool finished = finishChild(child, out, childTimeoutMs);
    const qint64 elapsed = sinceStop.elapsed();
    const QByteArray err = child.readAllStandardError();
    const QByteArray both = out + "\nstderr:\n" + err;
    QVERIFY2(finished, both.constData());
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), exitCode);
    // Shutdown began after the request, so it cannot have given up sooner.
    QVERIFY2(elapsed >= stragglerLimitMs, qPrintable(QString::number(elapsed)));

    // Named in warnings, with what it waits on, before shutdown gave up.
    const QList<QByteArray> lines = err.split('\n');
    const auto namesTheStraggler = [](const QByteArray& line) {
        return line.contains("main/holder/stubborn (waiting on Signal 'hang')");
    };
    int warnings = 0;
    int gaveUpAt = -1;
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].startsWith("log warning ") && namesTheStraggler(lines[i]) && gaveUpAt < 0)
            ++warnings;
        if (lines[i].startsWith("log error ") && lines[i].contains("gave up") && namesTheStraggler(lines[i]))
            gaveUpAt = i;
    }
    if (graceMs == neverMs) {
        QVERIFY2(warnings == 0, err.constData());
    } else {
        QVERIFY2(warnings >= 2, err.constData());
        // `elapsed` is at least as long as shutdown took: an upper bound.
        QVERIFY2(warnings <= mostWarnings(graceMs, elapsed), err.constData());
    }
    QVERIFY2(gaveUpAt >= 0, err.constData());
    // Only the straggler was given up on: the rest of the tree ended, in order.
    const QString wrong = wrongStopOrder(stoppedPaths(out), childThreads);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
}

void tst_Shutdown::threadLocalsAreDestroyedBeforeShutdownEnds_data()
{
    QTest::addColumn<ShutdownBy>("by");
    QTest::newRow("waitForShutdown") << ShutdownBy::WaitForShutdown;
    QTest::newRow("MainThread destructor") << ShutdownBy::MainThreadDestructor;
    QTest::newRow("exit without MainThread") << ShutdownBy::ExitWithoutMainThread;
}

void tst_Shutdown::threadLocalsAreDestroyedBeforeShutdownEnds()
{
    QFETCH(ShutdownBy, by);
    QStringList arguments = {QStringLiteral("--thread-local")};
    arguments << argumentsFor(by);
    // The line "exit" asks for the stop in every row: what is tested is the
    // order of the end, not how the request came (the rows above test that).
    if (by != ShutdownBy::ExitWithoutMainThread)
        arguments << QStringLiteral("--stdin");
    QProcess child;
    QByteArray out;
    QVERIFY(startChild(child, QStringLiteral(SHUTDOWN_CHILD), arguments, out, childTimeoutMs));
    stop(child, StopBy::ExitOnStdin);
    if (QTest::currentTestFailed())
        return;
    const bool finished = finishChild(child, out, childTimeoutMs);
    const QByteArray both = out + "\nstderr:\n" + child.readAllStandardError();
    QVERIFY2(finished, both.constData());
    QCOMPARE(child.exitCode(), 0);
    // Shutdown, and so the exit after it, waited for main/tls's thread_local.
    const QStringList lines = testing::linesOf(out);
    const auto destroyed = lines.indexOf(QStringLiteral("thread_local destroyed"));
    QVERIFY2(destroyed >= 0, both.constData());
    QVERIFY2(lines.indexOf(QStringLiteral("exited")) > destroyed, both.constData());
}

QTEST_GUILESS_MAIN(tst_Shutdown)
#include "tst_shutdown.moc"
