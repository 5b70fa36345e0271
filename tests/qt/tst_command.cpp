// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

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

// The next line of `lines`; nullopt when it is closed first. Bounded only
// by the hang guard.
std::optional<std::string> next(skein::Queue<std::string>& lines)
{
    return lines.pop(skein::Till(testing::hangGuard));
}

std::vector<std::string> drain(skein::Queue<std::string>& lines)
{
    std::vector<std::string> all;
    while (auto line = next(lines))
        all.push_back(std::move(*line));
    return all;
}

// A FIFO in `dir`: a command that reads it waits until the test writes it.
QString makeFifo(const QTemporaryDir& dir)
{
    const QString path = dir.filePath(QStringLiteral("fifo"));
    return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0 ? path : QString();
}

// Opens the FIFO (waiting for its reader, the command), writes, closes.
bool writeFifo(const QString& path, const QByteArray& bytes)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY);
    if (fd < 0)
        return false;
    const bool written = ::write(fd, bytes.constData(), std::size_t(bytes.size())) == bytes.size();
    return ::close(fd) == 0 && written;
}

// Prints the pid of a `sleep` it started, then waits for it: a command
// that runs until it is stopped.
const QString sleepsForever = QStringLiteral("sleep 100000 & echo $!; wait");

enum class StopBy { Sigint, Sigterm, ExitOnStdin };
enum class StopCommandBy { Stop, Till, StarterStopping, Destruction, MoveAssignment };

// Every wait on process_child: a hang guard, longer than the child's own
// stop grace period and time limit (one hang guard each), so that a child
// that names or gives up on a thread has said so before the test stops
// waiting.
constexpr int childTimeoutMs = 2 * testing::hangGuardMs;

}  // namespace

Q_DECLARE_METATYPE(StopBy)
Q_DECLARE_METATYPE(StopCommandBy)

class tst_Command : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup()
    {
        skein::Command::setIdleTimeout(60s);
        skein::Command::closeIdleSessions();
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));
    }

    // --- start(): a command's lines as it runs ------------------------------

    void linesArriveOnBothStreamsWhileTheCommandStillRuns()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = makeFifo(dir);
        QVERIFY(!fifo.isEmpty());
        // It cannot end before the test writes the FIFO, which the test does
        // only once the first lines have arrived.
        auto command = skein::Command::start(
            QStringLiteral("echo first; echo warning >&2; read answer < %1; echo \"got $answer\"; printf 'last'; exit 5")
                .arg(fifo));
        QCOMPARE(next(command.stdoutLines()), std::optional<std::string>("first"));
        QCOMPARE(next(command.stderrLines()), std::optional<std::string>("warning"));
        QVERIFY(command.isRunning());
        QVERIFY(writeFifo(fifo, "42\n"));
        QCOMPARE(drain(command.stdoutLines()), (std::vector<std::string>{"got 42", "last"}));
        QCOMPARE(command.join(), 5);
        QVERIFY(!command.isRunning());
        QVERIFY(command.stdoutLines().isClosed());
        QVERIFY(command.stderrLines().isClosed());
        QVERIFY(command.stderrLines().empty());
        QCOMPARE(command.commandLine().left(10), QStringLiteral("echo first"));
    }

    void joinReturnsTheExitStatus_data()
    {
        QTest::addColumn<QString>("commandLine");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("true") << QStringLiteral("true") << 0;
        QTest::newRow("false") << QStringLiteral("false") << 1;
        QTest::newRow("exit 3") << QStringLiteral("exit 3") << 3;
        QTest::newRow("not found") << QStringLiteral("skein-no-such-program-here") << 127;
        QTest::newRow("killed by SIGTERM") << QStringLiteral("sh -c 'kill -TERM $$'") << 128 + SIGTERM;
    }

    void joinReturnsTheExitStatus()
    {
        QFETCH(QString, commandLine);
        QFETCH(int, exitCode);
        auto command = skein::Command::start(commandLine);
        QCOMPARE(command.join(), exitCode);
        QCOMPARE(command.join(), exitCode);  // again: the same
        QCOMPARE(skein::Command::sessionCount(), std::size_t(1));  // back in the pool
    }

    void tryJoinIsFalseWhileTheCommandRunsAndGivesTheCodeOnceItEnds()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = makeFifo(dir);
        QVERIFY(!fifo.isEmpty());
        auto command = skein::Command::start(QStringLiteral("read answer < %1; exit $answer").arg(fifo));
        int code = -1;
        QVERIFY(!command.tryJoin(skein::Signal::done(), &code));
        QVERIFY(!command.tryJoin(skein::Till(20ms), &code));  // it waits for the FIFO: it cannot end
        QCOMPARE(code, -1);
        QVERIFY(writeFifo(fifo, "7\n"));
        QVERIFY(command.tryJoin(skein::Till(testing::hangGuard), &code));
        QCOMPARE(code, 7);
        // Once it has ended, a `till` that went already does not matter.
        code = -1;
        QVERIFY(command.tryJoin(skein::Signal::done(), &code));
        QCOMPARE(code, 7);
    }

    void stopEndsALongCommandAndEverythingItStarted_data()
    {
        QTest::addColumn<StopCommandBy>("how");
        QTest::newRow("stop()") << StopCommandBy::Stop;
        QTest::newRow("till") << StopCommandBy::Till;
        QTest::newRow("the starting thread stops") << StopCommandBy::StarterStopping;
        QTest::newRow("destruction") << StopCommandBy::Destruction;
        QTest::newRow("move assignment") << StopCommandBy::MoveAssignment;
    }

    void stopEndsALongCommandAndEverythingItStarted()
    {
        QFETCH(StopCommandBy, how);
        qint64 sleeper = 0;
        int code = 0;
        if (how == StopCommandBy::StarterStopping) {
            skein::Queue<qint64> pids("pids");
            auto starter = skein::Thread::run("starter", [&pids](const skein::Signal& pleaseStop) {
                auto command = skein::Command::start(sleepsForever);
                pids.add(std::stoll(next(command.stdoutLines()).value_or("0")));
                pleaseStop.wait();
                return command.join();
            });
            sleeper = pids.pop(skein::Till(testing::hangGuard)).value_or(0);
            QVERIFY(sleeper > 0 && !isNotRunning(sleeper));
            starter.stop();
            code = starter.join();
        } else {
            const skein::Signal till("till");
            std::optional<skein::Command> command(skein::Command::start(sleepsForever, till));
            sleeper = std::stoll(next(command->stdoutLines()).value_or("0"));
            QVERIFY(sleeper > 0 && !isNotRunning(sleeper));
            QVERIFY(command->isRunning());
            switch (how) {
            case StopCommandBy::Stop: command->stop(); break;
            case StopCommandBy::Till: till.go(); break;
            case StopCommandBy::Destruction: command.reset(); break;
            case StopCommandBy::MoveAssignment: *command = skein::Command::start(QStringLiteral("exit 4")); break;
            case StopCommandBy::StarterStopping: break;
            }
            if (how == StopCommandBy::MoveAssignment) {
                QCOMPARE(command->join(), 4);
                code = 128 + SIGTERM;
            } else if (command) {
                QVERIFY(!next(command->stdoutLines()));  // closed
                code = command->join();
                QVERIFY(!command->isRunning());
            } else {
                code = 128 + SIGTERM;
            }
        }
        QCOMPARE(code, 128 + SIGTERM);
        // The session was stopped with the command: none is left but the
        // one that ran `exit 4`.
        QCOMPARE(skein::Command::sessionCount(), std::size_t(how == StopCommandBy::MoveAssignment ? 1 : 0));
        // Its parent is gone, so init reaps it, in its own time.
        QTRY_VERIFY_WITH_TIMEOUT(isNotRunning(sleeper), testing::hangGuardMs);
    }

    // A stop ends the session that runs the command (nothing else can end
    // all that the command started); the pool stays usable: the next
    // command gets a new session, reused from then on, and other sessions
    // are left alone.
    void aStoppedCommandsSessionIsDiscardedAndTheNextCommandGetsAFreshOne()
    {
        skein::Command::Options shared;
        shared.isolated = false;
        const qint64 other = sessionPid(shared);
        const qint64 first = sessionPid();
        QVERIFY(other > 0 && first > 0);

        auto command = skein::Command::start(QStringLiteral("echo $$; sleep 100000"));
        QCOMPARE(next(command.stdoutLines()), std::optional<std::string>(std::to_string(first)));
        command.stop();
        QCOMPARE(command.join(), 128 + SIGTERM);
        QVERIFY(isNotRunning(first));  // stopped and reaped before join() returned

        const qint64 second = sessionPid();
        QVERIFY(second > 0);
        QVERIFY(second != first);
        QCOMPARE(sessionPid(), second);
        QCOMPARE(sessionPid(shared), other);
        QCOMPARE(skein::Command::sessionCount(), std::size_t(2));
    }

    void aCommandStartedAfterItsStopIsNeverRun_data()
    {
        QTest::addColumn<bool>("byTill");
        QTest::newRow("till gone already") << true;
        QTest::newRow("the starting thread is stopping") << false;
    }

    void aCommandStartedAfterItsStopIsNeverRun()
    {
        QFETCH(bool, byTill);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString touched = dir.filePath(QStringLiteral("ran"));
        const QString commandLine = QStringLiteral("touch %1; echo ran").arg(touched);
        struct Seen {
            int code = 0;
            bool closed = false;
            bool runGaveNothing = false;
        };
        const auto startAndRun = [commandLine](const skein::Signal& till) {
            Seen seen;
            auto command = skein::Command::start(commandLine, till);
            seen.closed = !command.stdoutLines().pop() && !command.stderrLines().pop();
            seen.code = command.join();
            seen.runGaveNothing = !skein::Command::run(commandLine, till);
            return seen;
        };
        Seen seen;
        if (byTill) {
            seen = startAndRun(skein::Signal::done());
        } else {
            auto starter = skein::Thread::run("starter", [startAndRun](const skein::Signal& pleaseStop) {
                pleaseStop.wait();
                return startAndRun(skein::Signal::never());
            });
            starter.stop();
            seen = starter.join();
        }
        QVERIFY(seen.closed);
        QCOMPARE(seen.code, 128 + SIGTERM);
        QVERIFY(seen.runGaveNothing);
        QVERIFY(!QFile::exists(touched));
    }

    void aFullQueueMakesTheCommandWaitAndLosesNothing()
    {
        skein::Command::Options options;
        options.maxQueuedLines = 3;
        // Far more than the pipe and Qt's buffers hold: the command itself
        // waits for the reader.
        auto command = skein::Command::start(QStringLiteral("seq 1 200000; echo end >&2"), skein::Signal::never(),
                                             options);
        QTRY_COMPARE_WITH_TIMEOUT(command.stdoutLines().size(), std::size_t(3), testing::hangGuardMs);
        // Nothing reads: it cannot end.
        QVERIFY(!command.tryJoin(skein::Till(20ms)));
        QVERIFY(command.stderrLines().empty());
        int expected = 0;
        while (auto line = next(command.stdoutLines())) {
            QVERIFY(command.stdoutLines().size() <= 3);
            if (*line != std::to_string(++expected))
                QCOMPARE(*line, std::to_string(expected));
        }
        QCOMPARE(expected, 200000);
        QCOMPARE(drain(command.stderrLines()), (std::vector<std::string>{"end"}));
        QCOMPARE(command.join(), 0);
    }

    void stopWhileTheQueueIsFullEndsTheCommand()
    {
        skein::Command::Options options;
        options.maxQueuedLines = 1;
        auto command = skein::Command::start(QStringLiteral("yes"), skein::Signal::never(), options);
        QTRY_COMPARE_WITH_TIMEOUT(command.stdoutLines().size(), std::size_t(1), testing::hangGuardMs);
        command.stop();  // the session's thread waits for room: the stop must reach it there
        QCOMPARE(command.join(), 128 + SIGTERM);
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));
    }

    void aQueueClosedByItsReaderTakesNoMoreLinesAndTheSessionIsReused()
    {
        const qint64 shell = sessionPid();
        skein::Command::Options options;
        options.maxQueuedLines = 1;
        auto command = skein::Command::start(QStringLiteral("seq 1 100000; echo done >&2"), skein::Signal::never(),
                                             options);
        command.stdoutLines().close();
        QCOMPARE(drain(command.stderrLines()), (std::vector<std::string>{"done"}));
        QCOMPARE(command.join(), 0);  // the rest was read and dropped
        QCOMPARE(sessionPid(), shell);
    }

    void aSessionThatDiesWhileAStartedCommandRunsIsAnErrorOfJoinNamingIt()
    {
        // In a subshell, $$ is still the session's shell.
        auto command = skein::Command::start(QStringLiteral("echo ready; kill -KILL $$; sleep 100000"));
        QCOMPARE(next(command.stdoutLines()), std::optional<std::string>("ready"));
        QVERIFY(!next(command.stdoutLines()));  // closed when the session ended
        const auto message = testing::messageOf<skein::Error>([&] { command.join(); });
        QVERIFY2(testing::names(message, "echo ready; kill -KILL $$; sleep 100000"), message.value_or("").c_str());
        QVERIFY2(testing::contains(message, "ended while it ran"), message.value_or("").c_str());
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));
    }

    void aCommandLineWithANulCharacterIsRefusedNamingIt()
    {
        const QString commandLine = QStringLiteral("echo a") + QChar(0) + QStringLiteral("b");
        const auto message = testing::messageOf<skein::InvalidArgument>([&] { skein::Command::start(commandLine); });
        QVERIFY2(testing::contains(message, "Command 'echo a"), message.value_or("(nothing)").c_str());
        QVERIFY(testing::messageOf<skein::InvalidArgument>([&] { skein::Command::run(commandLine); }));
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));
    }

    void aMovedFromCommandRefusesEveryUseNamingItsCommand()
    {
        auto command = skein::Command::start(QStringLiteral("echo moved"));
        skein::Command taker(std::move(command));
        QCOMPARE(drain(taker.stdoutLines()), (std::vector<std::string>{"moved"}));
        QCOMPARE(taker.join(), 0);
        const std::vector<std::function<void()>> uses{
            [&] { command.join(); },
            [&] { command.tryJoin(skein::Signal::never()); },
            [&] { command.stdoutLines(); },
            [&] { command.stderrLines(); },
            [&] { command.stop(); },
            [&] { (void)command.isRunning(); },
        };
        for (const auto& use : uses) {
            const auto message = testing::messageOf<skein::UsageError>(use);
            QVERIFY2(testing::names(message, "echo moved"), message.value_or("(nothing)").c_str());
        }
        QCOMPARE(command.commandLine(), QStringLiteral("echo moved"));
        command = skein::Command::start(QStringLiteral("exit 2"));  // usable again
        QCOMPARE(command.join(), 2);
    }

    // Threads blocked in the Command's Queue and in its join() when the
    // handle is destroyed: the command is stopped, the reader sees the
    // Queue close, the joiner gets the stopped command's code.
    void destroyingACommandWhileThreadsWaitInItStopsItAndWakesThem()
    {
        std::optional<skein::Command> command(skein::Command::start(sleepsForever));
        const qint64 sleeper = std::stoll(next(command->stdoutLines()).value_or("0"));
        QVERIFY(sleeper > 0);
        auto reader = skein::Thread::run("reader", [&lines = command->stdoutLines()] { return lines.pop(); });
        auto joiner = skein::Thread::run("joiner", [&command] { return command->join(); });
        QVERIFY(testing::waitUntilBlockedOn("Queue '" + sleepsForever.toStdString() + " (stdout)' (pop)", 1));
        QVERIFY(testing::waitUntilBlockedOn("Command '" + sleepsForever.toStdString() + "' (join)", 1));
        command.reset();
        QVERIFY(!reader.join());
        QCOMPARE(joiner.join(), 128 + SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(isNotRunning(sleeper), testing::hangGuardMs);
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));
    }

    void manyThreadsStartCommandsAndReadThemAtOnce()
    {
        skein::ThreadGroup group("starters");
        for (int t = 0; t < 4; ++t) {
            group.spawn("starter-" + std::to_string(t), [t] {
                for (int i = 0; i < 10; ++i) {
                    auto command = skein::Command::start(QStringLiteral("seq 1 100; echo e%1 >&2; exit %2").arg(t).arg(i));
                    int expected = 0;
                    while (auto line = next(command.stdoutLines()))
                        if (*line != std::to_string(++expected))
                            throw skein::Error("line " + *line + " where " + std::to_string(expected) + " was due");
                    if (expected != 100 || drain(command.stderrLines()) != std::vector<std::string>{'e' + std::to_string(t)} ||
                        command.join() != i)
                        throw skein::Error("wrong result for " + std::to_string(t) + '-' + std::to_string(i));
                }
            });
        }
        group.join();
        QVERIFY(skein::Command::sessionCount() >= 1);
        QVERIFY(skein::Command::sessionCount() <= 4);
    }

    // --- run(), sessions and the pool ---------------------------------------

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
