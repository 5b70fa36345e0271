// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Qt logging by default: in a program with a QCoreApplication and Skein::Qt,
// everything Skein logs reaches Qt's message handler in the skein.*
// category of its topic, with the file and line it was logged at, and
// QLoggingCategory rules turn it on and off; a sink the application set
// with skein::setLogSink() still wins. The Qt entry points' misuse warnings
// come in their categories too.
//
// Threads are ordered with Signals, never with sleeps: the message handler
// itself releases the straggler whose warning it has seen.
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>
#include <QtCore/QScopeGuard>
#include <QtTest>

#include <skein/log.h>
#include <skein/main_thread.h>
#include <skein/qt/signal_adaptor.h>
#include <skein/qt/thread_adaptor.h>
#include <skein/qt/thread_tree_model.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <chrono>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::Till;

namespace {

// A guard on waits for what happens at once: a hang fails instead of
// blocking the run. Never a measure of speed.
constexpr auto patience = 60s;

// Sets the grace period before a thread that ignores its pleaseStop is
// named, while it lives.
struct GracePeriodGuard {
    explicit GracePeriodGuard(std::chrono::milliseconds period) : previous(skein::stopGracePeriod())
    {
        skein::setStopGracePeriod(period);
    }
    ~GracePeriodGuard() { skein::setStopGracePeriod(previous); }
    std::chrono::milliseconds previous;
};

struct Message {
    QtMsgType type;
    QString category;
    QString file;
    int line;
    QString function;
    QString text;
};

// Installs a Qt message handler that records every message (from any
// thread) while it lives, then puts the previous one back. One at a time.
class Messages {
public:
    Messages() { previous_ = qInstallMessageHandler(&Messages::handle); }
    ~Messages()
    {
        qInstallMessageHandler(previous_);
        std::lock_guard<std::mutex> lock(state().mutex);
        state().seen.clear();
        state().trigger.clear();
        state().triggered = Signal();
    }
    Messages(const Messages&) = delete;
    Messages& operator=(const Messages&) = delete;

    // The messages whose text contains `part`, in order.
    std::vector<Message> containing(const QString& part) const
    {
        std::vector<Message> found;
        std::lock_guard<std::mutex> lock(state().mutex);
        for (const Message& m : state().seen) {
            if (m.text.contains(part))
                found.push_back(m);
        }
        return found;
    }

    // Makes `signal` go once a message containing `part` arrives.
    void goOn(const QString& part, Signal signal)
    {
        std::lock_guard<std::mutex> lock(state().mutex);
        state().trigger = part;
        state().triggered = std::move(signal);
    }

private:
    struct State {
        std::mutex mutex;
        std::vector<Message> seen;
        QString trigger;
        Signal triggered;
    };
    static State& state()
    {
        static State instance;
        return instance;
    }
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& text)
    {
        Signal toGo;
        {
            std::lock_guard<std::mutex> lock(state().mutex);
            state().seen.push_back({type, QString::fromUtf8(context.category), QString::fromUtf8(context.file),
                                    context.line, QString::fromUtf8(context.function), text});
            if (!state().trigger.isEmpty() && text.contains(state().trigger))
                toGo = state().triggered;
        }
        toGo.go();
    }

    QtMessageHandler previous_ = nullptr;
};

}  // namespace

class tst_Logging : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theQtSinkIsTheDefaultOnceTheApplicationExists()
    {
        // First, before any adaptor: the QCoreApplication's startup installed it.
        const skein::LogSink installed = skein::setDefaultLogSink({});
        skein::setDefaultLogSink(installed);
        QVERIFY(bool(installed));
    }

    void cleanup() { QLoggingCategory::setFilterRules(QString()); }

    void skeinRecordsArriveInTheirCategoryWithFileAndLine()
    {
        QLoggingCategory::setFilterRules(QStringLiteral("skein.*.debug=true"));
        const GracePeriodGuard grace(10ms);
        Messages messages;

        // skein.thread, a warning from the core: a thread that ignores its
        // pleaseStop is named while main joins it (or, had main come to join
        // only after the grace period, by the timer thread). The warning
        // releases it.
        Signal release("release");
        const Till fallback(patience);  // a missing warning fails below, not by a hang
        fallback.then([release]() mutable { release.go(); });
        messages.goOn(QStringLiteral("'main/straggler'"), release);
        Thread straggler = Thread::run("straggler", [release] { release.wait(); });
        straggler.stop();
        straggler.join();

        // skein.thread, critical: a released thread's failure, logged by
        // the failing thread (it fails only once it has been released).
        Signal fail("fail");
        Thread failing = Thread::run("failing", [fail] {
            fail.wait();
            throw std::runtime_error("failed on purpose");
        });
        failing.release();
        fail.go();
        QVERIFY(failing.stopped().wait(Till(patience)));

        // skein.log, a warning: a then() callback that throws.
        Signal boom("boom");
        boom.then([] { throw std::runtime_error("callback failed on purpose"); });
        boom.go();

        // skein.timer, debug, on because of the rule; logged here.
        const int line = __LINE__ + 1;
        SKEIN_LOG(Timer, Debug, std::string("a debug message from the test"));

        const auto stragglerWarnings = messages.containing(QStringLiteral("'main/straggler' was asked to stop"));
        QVERIFY(!stragglerWarnings.empty());
        const Message& warning = stragglerWarnings.front();
        QCOMPARE(warning.type, QtWarningMsg);
        QCOMPARE(warning.category, QStringLiteral("skein.thread"));
        QVERIFY2(QRegularExpression(QStringLiteral("^\\[[^]]+\\] thread 'main/straggler' was asked to stop"))
                     .match(warning.text)
                     .hasMatch(),
                 qPrintable(warning.text));
        QVERIFY2(warning.file.endsWith(QStringLiteral("tree/stragglers.cpp")), qPrintable(warning.file));
        QVERIFY(warning.line > 0);
        QVERIFY(!warning.function.isEmpty());

        const auto failures = messages.containing(QStringLiteral("released thread 'main/failing'"));
        QCOMPARE(failures.size(), std::size_t(1));
        QCOMPARE(failures[0].type, QtCriticalMsg);
        QCOMPARE(failures[0].category, QStringLiteral("skein.thread"));
        QCOMPARE(failures[0].text,
                 QStringLiteral("[main/failing] released thread 'main/failing' failed: failed on purpose"));
        QVERIFY2(failures[0].file.endsWith(QStringLiteral("tree/tree.cpp")), qPrintable(failures[0].file));
        QVERIFY(failures[0].line > 0);

        const auto callbacks = messages.containing(QStringLiteral("callback failed on purpose"));
        QCOMPARE(callbacks.size(), std::size_t(1));
        QCOMPARE(callbacks[0].type, QtWarningMsg);
        QCOMPARE(callbacks[0].category, QStringLiteral("skein.log"));
        QVERIFY2(callbacks[0].text.startsWith(QStringLiteral("[main] Signal 'boom'")), qPrintable(callbacks[0].text));
        QVERIFY2(callbacks[0].file.endsWith(QStringLiteral("signal.cpp")), qPrintable(callbacks[0].file));

        const auto debug = messages.containing(QStringLiteral("a debug message from the test"));
        QCOMPARE(debug.size(), std::size_t(1));
        QCOMPARE(debug[0].type, QtDebugMsg);
        QCOMPARE(debug[0].category, QStringLiteral("skein.timer"));
        QCOMPARE(debug[0].text, QStringLiteral("[main] a debug message from the test"));
        QCOMPARE(debug[0].file, QStringLiteral(__FILE__));
        QCOMPARE(debug[0].line, line);
        QCOMPARE(debug[0].function, QStringLiteral("skeinRecordsArriveInTheirCategoryWithFileAndLine"));
    }

    void debugIsOffByDefault()
    {
        Messages messages;
        SKEIN_LOG(Thread, Debug, std::string("a debug message nobody asked for"));
        SKEIN_LOG(Thread, Info, std::string("an info message, on by default"));
        QVERIFY(messages.containing(QStringLiteral("a debug message nobody asked for")).empty());
        QCOMPARE(messages.containing(QStringLiteral("an info message, on by default")).size(), std::size_t(1));
    }

    void aRuleTurnsACategoryLevelOff()
    {
        QLoggingCategory::setFilterRules(QStringLiteral("skein.thread.warning=false"));
        Messages messages;
        // The core logs from the calling thread, in order: once the last
        // has arrived, the first has been decided on.
        SKEIN_LOG(Thread, Warning, std::string("a thread warning, turned off"));
        SKEIN_LOG(Thread, Error, std::string("a thread error, still on"));
        SKEIN_LOG(Shutdown, Warning, std::string("a shutdown warning, still on"));
        QVERIFY(messages.containing(QStringLiteral("a thread warning, turned off")).empty());
        QCOMPARE(messages.containing(QStringLiteral("a thread error, still on")).size(), std::size_t(1));
        const auto shutdown = messages.containing(QStringLiteral("a shutdown warning, still on"));
        QCOMPARE(shutdown.size(), std::size_t(1));
        QCOMPARE(shutdown[0].category, QStringLiteral("skein.shutdown"));
    }

    void aSinkTheApplicationSetWins()
    {
        Messages messages;
        const testing::LogCapture capture;
        // Made after the application's sink: a Qt layer object must not replace it.
        const skein::SignalAdaptor adaptor;
        const skein::ThreadTreeModel model;
        skein::log(skein::LogLevel::Warning, "for the application's sink");
        QCOMPARE(capture.mentioning("for the application's sink").size(), std::size_t(1));
        QVERIFY(messages.containing(QStringLiteral("for the application's sink")).empty());
    }

    void misuseWarningsComeInTheirCategory_data()
    {
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("start");
        QTest::newRow("ThreadAdaptor") << QStringLiteral("skein.thread")
                                       << QStringLiteral("skein::ThreadAdaptor 'twice': start()");
        QTest::newRow("ThreadTreeModel") << QStringLiteral("skein.thread")
                                         << QStringLiteral("skein::ThreadTreeModel: refreshInterval set to -5 ms");
        QTest::newRow("TillAdaptor") << QStringLiteral("skein.timer")
                                     << QStringLiteral("skein::TillAdaptor 'till': seconds set to NaN");
        QTest::newRow("SignalAdaptor") << QStringLiteral("skein.log")
                                       << QStringLiteral("skein::SignalAdaptor 'never': go()");
    }
    void misuseWarningsComeInTheirCategory()
    {
        QFETCH(QString, category);
        QFETCH(QString, start);
        Messages messages;
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        if (tag == QLatin1String("ThreadAdaptor")) {
            skein::ThreadAdaptor adaptor(QStringLiteral("twice"), [](const Signal&) -> QVariant { return {}; });
            adaptor.start();
            adaptor.start();
        } else if (tag == QLatin1String("ThreadTreeModel")) {
            skein::ThreadTreeModel model;
            model.setRefreshInterval(-5);
        } else if (tag == QLatin1String("TillAdaptor")) {
            skein::TillAdaptor till;
            till.setObjectName(QStringLiteral("till"));
            till.setSeconds(std::numeric_limits<double>::quiet_NaN());
        } else {
            skein::SignalAdaptor adaptor(Signal::never());
            adaptor.setObjectName(QStringLiteral("never"));
            adaptor.go();
        }
        const auto found = messages.containing(start);
        QCOMPARE(found.size(), std::size_t(1));
        QCOMPARE(found[0].type, QtWarningMsg);
        QCOMPARE(found[0].category, category);
        QVERIFY2(found[0].text.startsWith(start), qPrintable(found[0].text));
    }

    void aRuleTurnsMisuseWarningsOff()
    {
        QLoggingCategory::setFilterRules(QStringLiteral("skein.thread.warning=false"));
        Messages messages;
        skein::ThreadTreeModel model;
        model.setRefreshInterval(0);
        skein::SignalAdaptor adaptor(Signal::never());
        adaptor.go();
        QVERIFY(messages.containing(QStringLiteral("refreshInterval")).empty());
        QCOMPARE(messages.containing(QStringLiteral("go()")).size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(tst_Logging)
#include "tst_logging.moc"
