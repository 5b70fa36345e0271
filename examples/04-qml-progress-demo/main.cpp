// Skein's QML progress demo. The window is qml/demo/Main.qml.
//
//   04-qml-progress-demo                        a window, for a person
//   04-qml-progress-demo --script --screenshot demo.png
//                                               scripted: start workers, cancel
//                                               one, let the rest finish, save
//                                               a screenshot, exit 0
//   04-qml-progress-demo --busy 8 --close-after 1500
//                                               close the window while busy
//   04-qml-progress-demo --busy 8 --measure-latency 3
//                                               event-loop lateness of a 10 ms
//                                               timer while 8 workers report
#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickWindow>

#include <algorithm>
#include <cstdio>
#include <vector>

#include <skein/qt/application_adaptor.h>

namespace {

// Measures how late a 10 ms repeating timer fires, for `seconds`, then quits.
void measureLatency(double seconds)
{
    auto* timer = new QTimer(qApp);
    auto* clock = new QElapsedTimer;
    auto* lateness = new std::vector<double>;
    timer->setTimerType(Qt::PreciseTimer);
    timer->setInterval(10);
    clock->start();
    QObject::connect(timer, &QTimer::timeout, [=] {
        const double elapsed = clock->nsecsElapsed() / 1e6;
        clock->restart();
        lateness->push_back(std::max(0.0, elapsed - 10.0));
        if (lateness->size() < std::size_t(seconds * 100))
            return;
        timer->stop();
        std::sort(lateness->begin(), lateness->end());
        const auto at = [&](double q) { return (*lateness)[std::size_t(q * double(lateness->size() - 1))]; };
        std::printf("event-loop lateness of a 10 ms timer over %zu ticks: median %.2f ms, p99 %.2f ms, max %.2f ms\n",
                    lateness->size(), at(0.5), at(0.99), lateness->back());
        std::fflush(stdout);
        QCoreApplication::quit();
    });
    timer->start();
}

} // namespace

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    skein::ApplicationAdaptor skein(&app);  // SIGINT/SIGTERM quit; quitting joins every thread

    QCommandLineParser options;
    options.addHelpOption();
    const QCommandLineOption script("script", "Run the scripted tour, then quit.");
    const QCommandLineOption screenshot("screenshot", "Save a screenshot at the end of the script.", "png");
    const QCommandLineOption busy("busy", "Start this many CPU-bound workers at once.", "n", "0");
    const QCommandLineOption closeAfter("close-after", "Close the window after this many milliseconds.", "ms");
    const QCommandLineOption latency("measure-latency", "Measure event-loop lateness for this many seconds.", "s");
    options.addOptions({script, screenshot, busy, closeAfter, latency});
    options.process(app);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral(SKEIN_QML_IMPORT_DIR));
    engine.setInitialProperties({
        {QStringLiteral("scripted"), options.isSet(script)},
        {QStringLiteral("screenshotPath"), options.value(screenshot)},
        {QStringLiteral("busyWorkers"), options.value(busy).toInt()},
    });
    engine.load(QUrl::fromLocalFile(QStringLiteral(SKEIN_QML_IMPORT_DIR "/SkeinDemo/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());

    if (options.isSet(closeAfter))
        QTimer::singleShot(options.value(closeAfter).toInt(), window, [window] { window->close(); });
    if (options.isSet(latency))
        measureLatency(options.value(latency).toDouble());
    return app.exec();
}
