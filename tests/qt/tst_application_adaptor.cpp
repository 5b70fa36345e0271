// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// ApplicationAdaptor in a real QCoreApplication: app_child (a tree of Skein
// threads and ThreadAdaptors, see its header) is stopped by SIGTERM, SIGINT,
// or quits by itself, and must exit with 0, every thread joined, stopped
// children before parents. A second adaptor is a UsageError.
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtTest>

#include <csignal>
#include <sys/types.h>

#include "testing.h"

using testing::finishChild;
using testing::linesOf;
using testing::startChild;
using testing::stoppedPaths;
using testing::wrongStopOrder;

namespace {

enum class StopBy { Sigterm, Sigint, Quit };

const QStringList childThreads = {
    QStringLiteral("main/loader"), QStringLiteral("main/loader/reader"), QStringLiteral("main/loader/parser"),
    QStringLiteral("main/worker"), QStringLiteral("main/worker/helper"), QStringLiteral("main/worker/nested"),
};

// A guard on each wait for the child, far above the milliseconds it takes:
// the child's threads block on nothing but their pleaseStop, so only a
// shutdown that never reaches them would take longer. Longer than the
// child's own stop time limit (a minute), so that a child that gives up on
// a thread has said so before the test stops waiting.
constexpr int childTimeoutMs = 2 * testing::hangGuardMs;

#ifdef SKEIN_TEST_TSAN
// Reads the child's stdout into `out` until a thread says it stopped: the
// child's shutdown has begun. False when `timeoutMs` passed first.
bool beganToStop(QProcess& child, QByteArray& out, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!out.contains("\nstopped ")) {
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0 || !child.waitForReadyRead(int(left)))
            return false;
        out += child.readAllStandardOutput();
    }
    return true;
}
#endif

}  // namespace

Q_DECLARE_METATYPE(StopBy)

class tst_ApplicationAdaptor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stopsEveryThreadChildrenFirstAndExitsWithZero_data()
    {
        QTest::addColumn<StopBy>("stopBy");
        QTest::newRow("SIGTERM") << StopBy::Sigterm;
        QTest::newRow("SIGINT") << StopBy::Sigint;
        QTest::newRow("quit()") << StopBy::Quit;
    }
    void stopsEveryThreadChildrenFirstAndExitsWithZero()
    {
        QFETCH(StopBy, stopBy);
        QStringList arguments;
        if (stopBy == StopBy::Quit)
            arguments << QStringLiteral("--quit");
        QProcess child;
        QByteArray out;
        QVERIFY(startChild(child, QStringLiteral(APP_CHILD), arguments, out, childTimeoutMs));
        // Nothing stopped before it was asked to (with --quit, it asks itself right after "ready").
        QVERIFY(stoppedPaths(out.left(out.indexOf("ready\n"))).isEmpty());
        const int signal = stopBy == StopBy::Sigterm ? SIGTERM : stopBy == StopBy::Sigint ? SIGINT : 0;
        if (signal != 0)
            QCOMPARE(::kill(pid_t(child.processId()), signal), 0);
#ifdef SKEIN_TEST_TSAN
        // ThreadSanitizer runs a signal handler only once the receiving
        // thread passes one of its interceptors; here that sometimes never
        // happens (about one child in a hundred), and the handler that turns
        // the signal into main's pleaseStop does not run. Under it only, a
        // child in which no thread has stopped after 5 s gets the signal
        // again. That is harmless when it was merely slow: Skein's handler
        // stays installed until its shutdown is over, after every "stopped"
        // line. Elsewhere a lost signal fails the test.
        if (signal != 0 && !beganToStop(child, out, 5000) && child.state() == QProcess::Running)
            QCOMPARE(::kill(pid_t(child.processId()), signal), 0);
#endif
        QVERIFY(finishChild(child, out, childTimeoutMs));
        const QByteArray err = child.readAllStandardError();

        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, err.constData());
        const QStringList lines = linesOf(out);
        QVERIFY2(lines.contains(QStringLiteral("running after exec: 0")), qPrintable(lines.join(QLatin1Char('|'))));
        QVERIFY2(lines.contains(QStringLiteral("left in the tree: 0")), qPrintable(lines.join(QLatin1Char('|'))));
        const QStringList stopped = stoppedPaths(lines);
        const QString wrong = wrongStopOrder(stopped, childThreads);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        QCOMPARE(stopped.size(), childThreads.size());
        // Every stop happened before exec() returned: aboutToQuit joined them.
        QVERIFY(lines.indexOf(QStringLiteral("running after exec: 0")) >
                lines.indexOf(QStringLiteral("stopped main/worker")));
    }

    void aSecondAdaptorIsAUsageError()
    {
        QProcess child;
        child.start(QStringLiteral(APP_CHILD), {QStringLiteral("--second")});
        QVERIFY(child.waitForFinished(childTimeoutMs));
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        QCOMPARE(child.exitCode(), 0);
        QVERIFY2(out.startsWith(QLatin1String("usage error: ")), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("ApplicationAdaptor")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(tst_ApplicationAdaptor)
#include "tst_application_adaptor.moc"
