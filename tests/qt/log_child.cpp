// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A program that tst_async_handler runs as a child process:
//     log_child <file> <lines per thread> exit|sigterm|fatal
//
// It installs skein::AsyncMessageHandler writing to <file>, and four threads
// (logger-0 … logger-3) each log "logger-<k> <i>" with qInfo() for i from 0
// to <lines per thread> - 1. It prints "ready" once every logger has logged
// its first thousand lines, and then:
//   exit     joins the loggers and returns 0: the handler's destructor
//            writes what is still queued;
//   sigterm  waits for shutdown (SIGTERM, sent by the test while the
//            loggers log). Shutdown stops the handler's writer thread, so
//            the rest of the lines are written synchronously, in order; the
//            loggers finish their lines (a job of known size, they do not
//            stop early), are joined, and main returns 0;
//   fatal    joins the loggers, then calls qFatal("last words"): Qt aborts
//            the process right after the handler returns, so the handler
//            must have written everything by then.
#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QtGlobal>

#include <skein/main_thread.h>
#include <skein/qt/logging.h>
#include <skein/signal.h>
#include <skein/thread.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int loggers = 4;
constexpr int linesBeforeReady = 1000;

void logLines(int logger, int lines, skein::Signal logging)
{
    for (int i = 0; i < lines; ++i) {
        qInfo("logger-%d %d", logger, i);
        if (i + 1 == linesBeforeReady)
            logging.go();
    }
    logging.go();
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: log_child <file> <lines per thread> exit|sigterm|fatal\n");
        return 2;
    }
    const QString file = QString::fromLocal8Bit(argv[1]);
    const int lines = std::atoi(argv[2]);
    const QByteArray mode = argv[3];

    skein::MainThread mainThread;
    // The loggers finish their job after SIGTERM, however long a loaded
    // machine makes it take: no warning about them, and shutdown never gives
    // up on them (it would exit with their lines unwritten).
    skein::setStopGracePeriod(std::chrono::minutes(5));
    skein::setStopTimeLimit(std::chrono::milliseconds::max());
    skein::AsyncMessageHandler handler(file);

    std::vector<skein::Signal> logging(loggers);
    std::vector<skein::Thread> threads;
    for (int k = 0; k < loggers; ++k)
        threads.push_back(
            skein::Thread::run("logger-" + std::to_string(k), logLines, k, lines, logging[std::size_t(k)]));
    for (const skein::Signal& s : logging)
        s.wait();
    std::printf("ready\n");
    std::fflush(stdout);

    if (mode == "sigterm")
        return mainThread.waitForShutdown();
    for (skein::Thread& t : threads)
        t.join();
    if (mode == "fatal")
        qFatal("last words");
    return 0;
}
