// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein's QML progress demo. The window is qml/demo/Main.qml.
//
//   04-qml-progress-demo                        a window, for a person
//   04-qml-progress-demo --script --screenshot demo.png
//                                               scripted: start workers, cancel
//                                               one, let the rest finish, save
//                                               a screenshot, exit 0
//   04-qml-progress-demo --busy 8 --close-after 1500
//                                               close the window while busy
//   04-qml-progress-demo --busy 8 --measure-latency 10
//                                               how late a 10 ms timer fires on
//                                               the GUI thread while 8 workers
//                                               report progress non-stop
#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickWindow>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include <skein/qt/application_adaptor.h>

namespace {

// Event-loop latency: a 10 ms timer on the GUI thread, re-armed each time it
// fires; its lateness is when it fired minus when it was due. After a second
// of warm-up (the workers start), it measures for `seconds`, prints the
// median, 99th percentile and maximum, and quits.
class LatencyProbe : public QObject {
public:
    LatencyProbe(double seconds, QObject* parent) : QObject(parent), samples_(std::size_t(seconds * 100))
    {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setSingleShot(true);
        connect(&timer_, &QTimer::timeout, this, &LatencyProbe::fired);
        QTimer::singleShot(1000, this, [this] { arm(); });
    }

private:
    static constexpr qint64 intervalNs = 10'000'000;

    void arm()
    {
        armed_.start();
        timer_.start(10);
    }

    void fired()
    {
        lateness_.push_back(double(std::max<qint64>(0, armed_.nsecsElapsed() - intervalNs)) / 1e6);
        if (lateness_.size() < samples_)
            return arm();
        std::sort(lateness_.begin(), lateness_.end());
        const auto at = [this](double q) { return lateness_[std::size_t(q * double(lateness_.size() - 1))]; };
        std::printf("event-loop latency (lateness of a 10 ms timer on the GUI thread, %zu samples): "
                    "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                    lateness_.size(), at(0.5), at(0.99), lateness_.back());
        std::fflush(stdout);
        QCoreApplication::quit();
    }

    QTimer timer_;
    QElapsedTimer armed_;
    std::size_t samples_;
    std::vector<double> lateness_;
};

// Starts `clock` when the window it watches is asked to close.
class CloseWatcher : public QObject {
public:
    CloseWatcher(QElapsedTimer& clock, QObject* parent) : QObject(parent), clock_(clock) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Close && !clock_.isValid())
            clock_.start();
        return QObject::eventFilter(watched, event);
    }

private:
    QElapsedTimer& clock_;
};

}  // namespace

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    skein::ApplicationAdaptor skein(&app);  // SIGINT/SIGTERM quit; quitting joins every thread

    QCommandLineParser options;
    options.addHelpOption();
    const QCommandLineOption script("script", "Run the scripted tour, then quit.");
    const QCommandLineOption screenshot("screenshot", "Save a screenshot during the script.", "png");
    const QCommandLineOption busy("busy", "Start this many CPU-bound workers at once, busy until stopped.", "n", "0");
    const QCommandLineOption closeAfter("close-after", "Close the window after this many milliseconds.", "ms");
    const QCommandLineOption latency("measure-latency", "Measure event-loop latency for this many seconds.", "s");
    options.addOptions({script, screenshot, busy, closeAfter, latency});
    options.process(app);

    // From the window's close to the end of main: every thread stopped and
    // joined, the QML gone.
    QElapsedTimer sinceClose;
    {
        QQmlApplicationEngine engine;
        engine.addImportPath(QStringLiteral(SKEIN_QML_IMPORT_PATH));
        engine.addImportPath(QStringLiteral(DEMO_QML_IMPORT_PATH));
        engine.setInitialProperties({
            {QStringLiteral("scripted"), options.isSet(script)},
            {QStringLiteral("screenshotPath"), options.value(screenshot)},
            {QStringLiteral("busyWorkers"), options.value(busy).toInt()},
        });
        engine.load(QUrl::fromLocalFile(QStringLiteral(DEMO_QML_IMPORT_PATH "/SkeinDemo/Main.qml")));
        if (engine.rootObjects().isEmpty())
            return 1;
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
        window->installEventFilter(new CloseWatcher(sinceClose, window));

        if (options.isSet(closeAfter))
            QTimer::singleShot(options.value(closeAfter).toInt(), window, [window] { window->close(); });
        if (options.isSet(latency))
            new LatencyProbe(options.value(latency).toDouble(), &app);
        const int code = app.exec();
        if (code != 0)
            return code;
    }
    if (sinceClose.isValid())
        std::printf("exited %lld ms after the window closed\n", static_cast<long long>(sinceClose.elapsed()));
    return 0;
}
