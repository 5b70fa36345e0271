// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A QtWidgets window: Start runs a worker whose progress drives a
// QProgressBar, Cancel asks it to stop, and a label says how it ended. The
// worker is a ThreadAdaptor: its progress and its end arrive as Qt signals
// in the GUI thread, and closing the window joins it.
//
// With --script (offscreen, for the tests) the program clicks Start, clicks
// Cancel once the bar passes 10 %, and exits with 0 if the label says
// cancelled.
#include <skein/qt.h>
#include <skein/skein.h>

#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>
#include <QtWidgets/QWidget>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace std::chrono_literals;

// Two hundred steps of 20 ms each, unless asked to stop.
QVariant countSteps(const skein::Signal& pleaseStop)
{
    const auto self = skein::Thread::current();
    constexpr int steps = 200;
    for (int step = 1; step <= steps; ++step) {
        if (!skein::Till(20ms).wait(pleaseStop))  // false: pleaseStop went first
            return QStringLiteral("cancelled");
        self.setProgress(double(step) / steps, "step " + std::to_string(step));
    }
    return QStringLiteral("finished");
}

class ProgressWindow : public QWidget {
public:
    ProgressWindow()
    {
        auto* layout = new QVBoxLayout(this);
        for (QWidget* w : std::initializer_list<QWidget*>{&bar, &status, &start, &cancel})
            layout->addWidget(w);
        bar.setRange(0, 1000);
        status.setText(QStringLiteral("Ready"));
        cancel.setEnabled(false);
        connect(&start, &QPushButton::clicked, this, &ProgressWindow::startWorker);
    }

    QPushButton start{QStringLiteral("Start")};
    QPushButton cancel{QStringLiteral("Cancel")};
    QProgressBar bar;
    QLabel status;
    std::unique_ptr<skein::ThreadAdaptor> worker;  // destroyed (stopped and joined) with the window

private:
    void startWorker()
    {
        worker = std::make_unique<skein::ThreadAdaptor>(QStringLiteral("counter"), countSteps);
        connect(&cancel, &QPushButton::clicked, worker.get(), &skein::ThreadAdaptor::requestStop);
        connect(worker.get(), &skein::ThreadAdaptor::progressChanged, this, [this] {
            bar.setValue(int(worker->progress() * 1000));
            status.setText(worker->progressText());
        });
        connect(worker.get(), &skein::ThreadAdaptor::stopped, this, [this] {
            start.setEnabled(true);
            cancel.setEnabled(false);
        });
        connect(worker.get(), &skein::ThreadAdaptor::finished, this, [this](const QVariant& result) {
            status.setText(result.toString() == QLatin1String("cancelled")
                               ? QStringLiteral("Cancelled at %1 %").arg(int(worker->progress() * 100))
                               : QStringLiteral("Finished"));
        });
        connect(worker.get(), &skein::ThreadAdaptor::failed, this,
                [this](const QString& message) { status.setText(QStringLiteral("Failed: ") + message); });
        start.setEnabled(false);
        cancel.setEnabled(true);
        worker->start();
    }
};

int main(int argc, char** argv)
{
    const bool script = argc > 1 && std::strcmp(argv[1], "--script") == 0;
    if (script && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    skein::ApplicationAdaptor skeinApp(&app);  // SIGINT/SIGTERM quit; quitting joins every thread

    ProgressWindow window;
    window.resize(320, 140);
    window.show();
    if (script) {
        // Start; Cancel once the bar passes 10 %; then check what the label says.
        QObject::connect(&window.start, &QPushButton::clicked, &window, [&window, &app] {
            QObject::connect(window.worker.get(), &skein::ThreadAdaptor::progressChanged, &window, [&window] {
                if (window.worker->progress() >= 0.1 && window.cancel.isEnabled())
                    window.cancel.click();
            });
            QObject::connect(window.worker.get(), &skein::ThreadAdaptor::finished, &app, [&window, &app] {
                std::printf("%s\n", qPrintable(window.status.text()));
                app.exit(window.status.text().startsWith(QLatin1String("Cancelled")) ? 0 : 1);
            });
        });
        window.start.click();
    }
    return app.exec();
}
