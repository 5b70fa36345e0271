// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/types.h>

#include <skein/qt/process.h>
#include <skein/skein.h>

#include "testing.h"

using namespace std::chrono_literals;
using testing::isNotRunning;

namespace {

// The pid of the session's shell that runs commands with these options.
qint64 sessionPid(const skein::Command::Options& options = {})
{
    const auto r = skein::Command::run(QStringLiteral("echo $$"), skein::Signal::never(), options);
    return r && r->stdoutLines.size() == 1 ? std::stoll(r->stdoutLines.front()) : -1;
}

enum class StopBy { Sigint, Sigterm, ExitOnStdin };

// Every wait on process_child: a hang guard, longer than the child's own
// stop grace period and time limit (one hang guard each), so that a child
// that names or gives up on a thread has said so before the test stops
// waiting.
constexpr int childTimeoutMs = 2 * testing::hangGuardMs;

}  // namespace

Q_DECLARE_METATYPE(StopBy)

class tst_Command : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup()
    {
        skein::Command::setIdleTimeout(60s);
        skein::Command::closeIdleSessions();
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));
    }

    void returnsExitCodeAndOutputLines()
    {
        const auto r =
            skein::Command::run(QStringLiteral("echo out; echo err >&2; echo 'ünï ✓'; printf 'no newline'; exit 3"));
        QVERIFY(r);
        QCOMPARE(r->exitCode, 3);
        QCOMPARE(r->stdoutLines, (std::vector<std::string>{"out", "ünï ✓", "no newline"}));
        QCOMPARE(r->stderrLines, (std::vector<std::string>{"err"}));
    }

    void reusesOneSessionForManyCommands()
    {
        const qint64 shell = sessionPid();
        QVERIFY(shell > 0);
        for (int i = 0; i < 50; ++i) {
            const auto r = skein::Command::run(QStringLiteral("echo %1 $$").arg(i));
            QVERIFY(r);
            QCOMPARE(r->stdoutLines, (std::vector<std::string>{std::to_string(i) + ' ' + std::to_string(shell)}));
        }
        QCOMPARE(skein::Command::sessionCount(), std::size_t(1));
    }

    void outputThatLooksLikeAMarkerDoesNotConfuseIt()
    {
        // What an end marker looks like, on both streams, with and without a
        // newline after it.
        const auto r = skein::Command::run(
            QStringLiteral("echo '__skein_0123456789abcdef0123456789abcdef__ 0'; echo "
                           "'__skein_0123456789abcdef0123456789abcdef__' >&2;"
                           "echo after; printf '__skein_0123456789abcdef0123456789abcdef__ 9'; exit 4"));
        QVERIFY(r);
        QCOMPARE(r->exitCode, 4);
        QCOMPARE(r->stdoutLines, (std::vector<std::string>{"__skein_0123456789abcdef0123456789abcdef__ 0", "after",
                                                           "__skein_0123456789abcdef0123456789abcdef__ 9"}));
        QCOMPARE(r->stderrLines, (std::vector<std::string>{"__skein_0123456789abcdef0123456789abcdef__"}));
    }

    void aCommandCannotChangeOrEndItsSession()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const skein::Command::Options inDir{dir.path(), std::nullopt};
        const qint64 shell = sessionPid(inDir);

        const auto exits =
            skein::Command::run(QStringLiteral("cd /; export SKEIN_LEAK=1; exit 7"), skein::Signal::never(), inDir);
        QVERIFY(exits);
        QCOMPARE(exits->exitCode, 7);
        const auto syntaxError =
            skein::Command::run(QStringLiteral("echo \"unterminated"), skein::Signal::never(), inDir);
        QVERIFY(syntaxError);
        QCOMPARE(syntaxError->exitCode, 2);
        QVERIFY(!syntaxError->stderrLines.empty());

        const auto after =
            skein::Command::run(QStringLiteral("pwd -P; echo \"[$SKEIN_LEAK]\""), skein::Signal::never(), inDir);
        QVERIFY(after);
        QCOMPARE(after->stdoutLines, (std::vector<std::string>{QDir(dir.path()).canonicalPath().toStdString(), "[]"}));
        QCOMPARE(sessionPid(inDir), shell);
    }

    // Not isolated: the command runs in the session's shell itself, so what
    // it changes stays for the next command of that session, and only there.
    void sharedCommandsKeepWhatTheyChangeForTheirSession()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        skein::Command::Options shared;
        shared.isolated = false;
        const qint64 shell = sessionPid(shared);
        QVERIFY(shell > 0);

        const auto change = skein::Command::run(QStringLiteral("cd %1 && SKEIN_KEPT=1 && set -u").arg(dir.path()),
                                                skein::Signal::never(), shared);
        QVERIFY(change);
        QCOMPARE(change->exitCode, 0);
        // A syntax error fails the command, not the shell.
        const auto syntaxError =
            skein::Command::run(QStringLiteral("echo \"unterminated"), skein::Signal::never(), shared);
        QVERIFY(syntaxError);
        QCOMPARE(syntaxError->exitCode, 2);
        const auto after =
            skein::Command::run(QStringLiteral("pwd -P; echo \"[$SKEIN_KEPT] $$\""), skein::Signal::never(), shared);
        QVERIFY(after);
        QCOMPARE(after->stdoutLines, (std::vector<std::string>{QDir(dir.path()).canonicalPath().toStdString(),
                                                               "[1] " + std::to_string(shell)}));

        // An isolated command never runs in a shared session.
        const auto isolated = skein::Command::run(QStringLiteral("echo \"[${SKEIN_KEPT:-}] $$\""));
        QVERIFY(isolated);
        QCOMPARE(isolated->stdoutLines.size(), std::size_t(1));
        QVERIFY(isolated->stdoutLines.front().rfind("[] ", 0) == 0);
        QVERIFY(isolated->stdoutLines.front() != "[] " + std::to_string(shell));
    }

    void exitInASharedCommandEndsItsSessionWithAnError()
    {
        skein::Command::Options shared;
        shared.isolated = false;
        const qint64 shell = sessionPid(shared);
        QVERIFY_THROWS_EXCEPTION(skein::Error,
                                 skein::Command::run(QStringLiteral("exit 3"), skein::Signal::never(), shared));
        // The next command gets a new session.
        const qint64 next = sessionPid(shared);
        QVERIFY(next > 0);
        QVERIFY(next != shell);
    }

    void aSessionThatDiedIsReplacedTransparently()
    {
        const qint64 shell = sessionPid();
        QVERIFY(shell > 0);
        QCOMPARE(::kill(pid_t(shell), SIGKILL), 0);
        // At once: whether the pool has seen the death yet or not.
        const auto r = skein::Command::run(QStringLiteral("echo again; echo $$"));
        QVERIFY(r);
        QCOMPARE(r->exitCode, 0);
        QCOMPARE(r->stdoutLines.size(), std::size_t(2));
        QCOMPARE(r->stdoutLines[0], std::string("again"));
        QVERIFY(std::stoll(r->stdoutLines[1]) != shell);
        QCOMPARE(skein::Command::sessionCount(), std::size_t(1));
    }

    void aSessionThatDiesWhileItsCommandRunsIsAnError()
    {
        try {
            skein::Command::run(QStringLiteral("kill -KILL $$; sleep 5"));
            QFAIL("no exception");
        } catch (const skein::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("kill -KILL $$")), e.what());
        }
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));
        QCOMPARE(skein::Command::run(QStringLiteral("true"))->exitCode, 0);
    }

    void honoursTillAndLeavesNothingRunning()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString pidFile = dir.filePath(QStringLiteral("pid"));
        // A grandchild of the session that ignores SIGTERM writes its pid
        // once it does; the command's till goes once the pid is there (not at
        // a time, which a loaded machine could reach before the session has
        // even started). The command runs on another thread meanwhile.
        const skein::Signal till("till");
        auto caller = skein::Thread::run("caller", [pidFile, till] {
            return skein::Command::run(
                QStringLiteral("sh -c 'trap \"\" TERM; echo $$ > %1.tmp && mv %1.tmp %1; exec sleep 100000' & wait")
                    .arg(pidFile),
                till);
        });
        auto goOnExit = qScopeGuard([till] { till.go(); });
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(pidFile), testing::hangGuardMs);
        till.go();
        const auto r = caller.join();
        QVERIFY(!r);
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));  // that session was stopped
        QFile file(pidFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const qint64 sleeper = file.readAll().trimmed().toLongLong();
        QVERIFY(sleeper > 0);
        // Its parent is gone, so init reaps it, in its own time.
        QTRY_VERIFY_WITH_TIMEOUT(isNotRunning(sleeper), testing::hangGuardMs);
    }

    void sessionsArePerWorkingDirectoryAndEnvironment()
    {
        QTemporaryDir a, b;
        const skein::Command::Options inA{a.path(), std::nullopt};
        const skein::Command::Options inB{b.path(), std::nullopt};
        QCOMPARE(QString::fromStdString(
                     skein::Command::run(QStringLiteral("pwd -P"), skein::Signal::never(), inA)->stdoutLines.at(0)),
                 QDir(a.path()).canonicalPath());
        QCOMPARE(QString::fromStdString(
                     skein::Command::run(QStringLiteral("pwd -P"), skein::Signal::never(), inB)->stdoutLines.at(0)),
                 QDir(b.path()).canonicalPath());
        QProcessEnvironment env;
        env.insert(QStringLiteral("SKEIN_TEST_VALUE"), QStringLiteral("forty-two"));
        const skein::Command::Options withEnv{QString(), env};
        QCOMPARE(
            skein::Command::run(QStringLiteral("echo $SKEIN_TEST_VALUE"), skein::Signal::never(), withEnv)->stdoutLines,
            (std::vector<std::string>{"forty-two"}));
        QCOMPARE(skein::Command::run(QStringLiteral("echo \"[$SKEIN_TEST_VALUE]\""))->stdoutLines,
                 (std::vector<std::string>{"[]"}));
        QCOMPARE(skein::Command::sessionCount(), std::size_t(4));
    }

    void manyThreadsRunCommandsAtOnce()
    {
        skein::ThreadGroup group("callers");
        for (int t = 0; t < 4; ++t) {
            group.spawn("caller-" + std::to_string(t), [t] {
                for (int i = 0; i < 25; ++i) {
                    const auto r = skein::Command::run(QStringLiteral("echo %1-%2; echo e%1 >&2").arg(t).arg(i));
                    if (!r || r->stdoutLines != std::vector<std::string>{std::to_string(t) + '-' + std::to_string(i)} ||
                        r->stderrLines != std::vector<std::string>{'e' + std::to_string(t)})
                        throw skein::Error("wrong result for " + std::to_string(t) + '-' + std::to_string(i));
                }
            });
        }
        group.join();
        QVERIFY(skein::Command::sessionCount() >= 1);
        QVERIFY(skein::Command::sessionCount() <= 4);  // one per concurrent caller at most
    }

    void idleSessionsCloseAfterTheIdleTimeoutAndNotBefore()
    {
        skein::Command::setIdleTimeout(300ms);
        QElapsedTimer idle;
        idle.start();  // the session goes idle after this
        QVERIFY(skein::Command::run(QStringLiteral("true")));
        QTRY_COMPARE_WITH_TIMEOUT(skein::Command::sessionCount(), std::size_t(0), testing::hangGuardMs);
        QVERIFY2(idle.elapsed() >= 300, qPrintable(QStringLiteral("closed after %1 ms").arg(idle.elapsed())));
    }

    void loweringTheIdleTimeoutClosesSessionsIdleForLonger()
    {
        QVERIFY(skein::Command::run(QStringLiteral("true")));
        QCOMPARE(skein::Command::sessionCount(), std::size_t(1));
        skein::Command::setIdleTimeout(0ms);
        QTRY_COMPARE_WITH_TIMEOUT(skein::Command::sessionCount(), std::size_t(0), testing::hangGuardMs);
    }

    void aProgramThatEndsItsApplicationWithSessionsRunningExitsAtOnce()
    {
        QProcess child;
        child.start(QStringLiteral(PROCESS_CHILD), {QStringLiteral("--no-shutdown")});
        // Without a stop, the threads would never end: the program would
        // give up on them at exit, after its stop time limit (a hang guard,
        // see process_child), and say so.
        QVERIFY(child.waitForFinished(childTimeoutMs));
        const QByteArray err = child.readAllStandardError();
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, err.constData());
        QVERIFY(child.readAllStandardOutput().endsWith("returning\n"));
        QVERIFY2(!err.contains("still running") && !err.contains("gave up"), err.constData());
    }

    void aProgramUsingCommandStopsCleanlyWithItsSessionsJoined_data()
    {
        QTest::addColumn<StopBy>("how");
        QTest::newRow("SIGINT") << StopBy::Sigint;
        QTest::newRow("SIGTERM") << StopBy::Sigterm;
        QTest::newRow("exit on stdin") << StopBy::ExitOnStdin;
    }

    void aProgramUsingCommandStopsCleanlyWithItsSessionsJoined()
    {
        QFETCH(StopBy, how);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess child;
        QByteArray out;
        QVERIFY(testing::startChild(child, QStringLiteral(PROCESS_CHILD), {dir.path()}, out, childTimeoutMs));
        const QFile busySession(dir.filePath(QStringLiteral("busy-session")));
        const QFile busySleep(dir.filePath(QStringLiteral("busy-sleep")));
        QTRY_VERIFY_WITH_TIMEOUT(busySession.exists() && busySleep.exists(), testing::hangGuardMs);

        std::vector<qint64> pids;  // every process the child started, directly or not
        for (const QByteArray& line : out.split('\n'))
            if (line.startsWith("idle-session ") || line.startsWith("process "))
                pids.push_back(line.split(' ').last().toLongLong());
        for (const QFile* file : {&busySession, &busySleep}) {
            QFile f(file->fileName());
            QVERIFY(f.open(QIODevice::ReadOnly));
            pids.push_back(f.readAll().trimmed().toLongLong());
        }
        QCOMPARE(pids.size(), std::size_t(4));
        for (const qint64 pid : pids)
            QVERIFY2(pid > 0 && !isNotRunning(pid), qPrintable(QString::number(pid)));

        switch (how) {
        case StopBy::Sigint: QCOMPARE(::kill(pid_t(child.processId()), SIGINT), 0); break;
        case StopBy::Sigterm: QCOMPARE(::kill(pid_t(child.processId()), SIGTERM), 0); break;
        case StopBy::ExitOnStdin: child.write("exit\n"); break;
        }
        QVERIFY(testing::finishChild(child, out, childTimeoutMs));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, child.readAllStandardError().constData());
        QVERIFY2(out.contains("\nsessions 0\n"), out.constData());
        // Each was stopped and reaped by the child before it exited, or is an
        // orphan that init reaps in its own time.
        for (const qint64 pid : pids)
            QTRY_VERIFY2_WITH_TIMEOUT(isNotRunning(pid), qPrintable(QString::number(pid)), testing::hangGuardMs);
    }
};

QTEST_GUILESS_MAIN(tst_Command)
#include "tst_command.moc"
