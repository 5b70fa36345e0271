// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein in a Qt event loop: a ThreadAdaptor's progress and result arrive as Qt
// signals in the main thread; a Qt signal (here a QTimer's timeout standing in
// for a Cancel button's clicked) becomes a Skein Signal that stops a second
// worker at once; quitting the application joins every thread.
#include <skein/qt.h>
#include <skein/skein.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

#include <cstdio>

using namespace std::chrono_literals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    skein::ApplicationAdaptor skeinApp(&app);  // SIGINT/SIGTERM quit; quitting joins every thread

    // A worker whose function reports progress and returns a result.
    skein::ThreadAdaptor counter("counter", [](const skein::Signal& pleaseStop) -> QVariant {
        const auto me = skein::Thread::current();
        for (int i = 1; i <= 20; ++i) {
            if (!skein::Till(5ms).wait(pleaseStop))
                return {};
            me.setProgress(i / 20.0, "step " + std::to_string(i));
        }
        return 20;
    });
    QObject::connect(&counter, &skein::ThreadAdaptor::progressChanged, [&counter] {
        std::printf("counter: %3.0f %% (%s)\n", counter.progress() * 100, qPrintable(counter.progressText()));
    });
    QObject::connect(&counter, &skein::ThreadAdaptor::finished,
                     [](const QVariant& result) { std::printf("counter finished: %d\n", result.toInt()); });

    // A Qt signal as a Skein Signal: the first timeout cancels the sleeper.
    QTimer cancelButton;
    cancelButton.setSingleShot(true);
    const skein::Signal cancel = skein::signalFrom(&cancelButton, &QTimer::timeout);
    skein::ThreadAdaptor sleeper("sleeper", [cancel](const skein::Signal& pleaseStop) -> QVariant {
        const bool cancelled = !skein::Till(1h).wait(pleaseStop | cancel);
        return cancelled ? QStringLiteral("cancelled") : QStringLiteral("slept an hour");
    });
    QObject::connect(&sleeper, &skein::ThreadAdaptor::finished, [&app](const QVariant& result) {
        std::printf("sleeper: %s\n", qPrintable(result.toString()));
        app.quit();
    });

    counter.start();
    sleeper.start();
    cancelButton.start(300ms);
    return app.exec();
}
