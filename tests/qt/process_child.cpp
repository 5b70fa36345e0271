// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A Skein program with child processes, which tst_command runs and stops
// with SIGINT, SIGTERM or "exit" on stdin.
//
//   process_child <dir>
//
// It keeps, while it waits for shutdown:
//   an idle Command session                      prints "idle-session <pid>"
//   main/runner, whose Process sleeps forever    prints "process <pid>"
//   main/commander, running a Command that never ends, with its pleaseStop
//   as `till`; the command writes its session's pid to <dir>/busy-session
//   and its own child's to <dir>/busy-sleep
// then prints "ready". After the shutdown it prints "sessions <n>" (how many
// Command sessions still run) and exits with waitForShutdown()'s result.
//
//   process_child --no-shutdown
//
// A program without MainThread that returns from main() while an idle
// Command session and a Process run: the QCoreApplication's end must stop
// them (after it, Qt delivers them no event). Prints "returning" last.
//
// Either way, stopping takes milliseconds. The stop grace period and time
// limit are a minute each, so that no thread is named or given up on merely
// because a loaded machine kept it waiting: only one that never stops.
#include <QtCore/QCoreApplication>

#include <chrono>
#include <string>

#include <skein/qt/process.h>
#include <skein/skein.h>

#include "../child.h"

using testing::say;

// Returns from main() with a session and a process running.
int exitWithoutShutdown(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (!skein::Command::run(QStringLiteral("true")))
        return 2;
    const skein::Signal processStarted;
    skein::Thread::run("runner", [&](const skein::Signal& pleaseStop) {
        skein::Process sleeper("sleeper", QStringLiteral("/bin/sleep"), {QStringLiteral("100000")});
        skein::Signal(processStarted).go();
        pleaseStop.wait();
        return sleeper.join();
    });
    processStarted.wait();
    say("returning");
    return 0;
}

int main(int argc, char** argv)
{
    skein::setStopGracePeriod(std::chrono::minutes(1));
    skein::setStopTimeLimit(std::chrono::minutes(1));
    if (argc == 2 && std::string(argv[1]) == "--no-shutdown")
        return exitWithoutShutdown(argc, argv);
    skein::MainThread mainThread(skein::MainThread::Options{true});
    QCoreApplication app(argc, argv);  // QProcess needs one; its event loop need not run
    if (argc != 2)
        return 2;
    const QString dir = QString::fromLocal8Bit(argv[1]);

    const auto idle = skein::Command::run(QStringLiteral("echo $$"));
    if (!idle || idle->stdoutLines.size() != 1)
        return 2;
    say("idle-session " + idle->stdoutLines.front());

    const skein::Signal processStarted;
    skein::Thread::run("runner", [&](const skein::Signal& pleaseStop) {
        skein::Process sleeper("sleeper", QStringLiteral("/bin/sleep"), {QStringLiteral("100000")});
        say("process " + std::to_string(sleeper.processId()));
        skein::Signal(processStarted).go();
        pleaseStop.wait();
        return sleeper.join();
    });
    processStarted.wait();

    skein::Thread::run("commander", [dir](const skein::Signal& pleaseStop) {
        const QString command =
            QStringLiteral("echo $$ > %1/busy-session.tmp && mv %1/busy-session.tmp %1/busy-session;"
                           "sleep 100000 & echo $! > %1/busy-sleep.tmp && mv %1/busy-sleep.tmp %1/busy-sleep; wait");
        return skein::Command::run(command.arg(dir), pleaseStop).has_value();
    });

    say("ready");
    const int code = mainThread.waitForShutdown();
    say("sessions " + std::to_string(skein::Command::sessionCount()));
    return code;
}
