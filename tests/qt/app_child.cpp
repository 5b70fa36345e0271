// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A Qt application that tst_application_adaptor runs as a child process.
//
// A QCoreApplication with an ApplicationAdaptor runs this tree, every
// thread blocked until it is asked to stop:
//   main/loader                 a Skein thread
//   main/loader/reader          its children
//   main/loader/parser
//   main/worker                 a ThreadAdaptor, child of the application
//   main/worker/helper          a Skein thread that the worker started
//   main/worker/nested          a ThreadAdaptor nested under the worker
// It prints "ready" once all of them are blocked, then runs the event loop
// until SIGTERM or SIGINT (or, with --quit, until it quits by itself).
//
// Each thread prints "stopped <path>" when its stopped() goes (after its
// function returned and its children were joined): the order of these lines
// is the order in which shutdown ended the threads. After exec() returns it
// prints "running after exec: <n>", the number of those threads still
// running, and "left in the tree: <n>", main's remaining children, and
// returns exec()'s result.
//
// With --second it makes a second ApplicationAdaptor, prints
// "usage error: <what>" for the UsageError, and exits with 0.
//
// Stopping takes milliseconds. The stop grace period and time limit are a
// minute each, so that shutdown names or gives up on no thread merely
// because a loaded machine kept it waiting: only on one that never stops.
#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

#include <skein/error.h>
#include <skein/main_thread.h>
#include <skein/qt/application_adaptor.h>
#include <skein/qt/thread_adaptor.h>
#include <skein/signal.h>
#include <skein/thread.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "../child.h"

using testing::announceStop;
using testing::say;

namespace {

// Announces the calling thread's stop, and tells `blocked` it is about to
// block.
void blockUntilAskedToStop(skein::Signal blocked, const skein::Signal& pleaseStop)
{
    announceStop();
    blocked.go();
    pleaseStop.wait();
}

}  // namespace

int main(int argc, char** argv)
{
    skein::setStopGracePeriod(std::chrono::minutes(1));
    skein::setStopTimeLimit(std::chrono::minutes(1));
    QCoreApplication app(argc, argv);
    const bool quitByItself = argc > 1 && std::strcmp(argv[1], "--quit") == 0;
    skein::ApplicationAdaptor adaptor(&app);

    if (argc > 1 && std::strcmp(argv[1], "--second") == 0) {
        try {
            skein::ApplicationAdaptor second(&app);
            say("no usage error");
            return 1;
        } catch (const skein::UsageError& e) {
            say(std::string("usage error: ") + e.what());
            return 0;
        }
    }

    std::vector<skein::Signal> blocked(6);
    const skein::Thread loader = skein::Thread::run("loader", [&blocked](const skein::Signal& pleaseStop) {
        skein::Thread::run("reader", blockUntilAskedToStop, blocked[1]);
        skein::Thread::run("parser", blockUntilAskedToStop, blocked[2]);
        blockUntilAskedToStop(blocked[0], pleaseStop);
    });
    auto* worker = new skein::ThreadAdaptor(
        QStringLiteral("worker"),
        [&blocked](const skein::Signal& pleaseStop) -> QVariant {
            skein::Thread::run("helper", blockUntilAskedToStop, blocked[4]);
            blockUntilAskedToStop(blocked[3], pleaseStop);
            return {};
        },
        &app);
    worker->start();
    auto* nested = new skein::ThreadAdaptor(
        QStringLiteral("nested"),
        [&blocked](const skein::Signal& pleaseStop) -> QVariant {
            blockUntilAskedToStop(blocked[5], pleaseStop);
            return {};
        },
        worker);
    nested->start();

    for (const skein::Signal& s : blocked)
        s.wait();
    std::vector<skein::Thread> threads;
    for (const skein::Thread& t : {loader, worker->thread()}) {
        threads.push_back(t);
        for (const skein::Thread& child : t.children())
            threads.push_back(child);
    }
    say("ready");
    if (quitByItself)
        QTimer::singleShot(0, &app, &QCoreApplication::quit);

    const int result = app.exec();

    int running = 0;
    for (const skein::Thread& t : threads)
        running += t.isRunning() ? 1 : 0;
    say("running after exec: " + std::to_string(running));
    say("left in the tree: " + std::to_string(adaptor.mainThread().children().size()));
    return result;
}
