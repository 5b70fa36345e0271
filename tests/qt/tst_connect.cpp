// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// skein::connect and skein::signalFrom: a Skein Signal reaching a QObject's
// thread through its event loop, never a destroyed context, and a Qt signal
// (a Cancel button's clicked()) as a Skein Signal that stops a worker.
//
// Threads are ordered with Signals, never with sleeps. A functor's thread is
// the QThread::currentThread() it records.
#include <QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QPushButton>

#include <skein/error.h>
#include <skein/qt/connect.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::Till;

namespace {

// Where the Signal goes.
enum class GoesOn { ContextThread, Worker, TimerThread, AlreadyGone };

// A Signal that goes on the thread `where` says, and the thread it went on
// once it has.
struct Goer {
    explicit Goer(GoesOn where) : where(where)
    {
        signal.then([this] { wentOn = std::this_thread::get_id(); });
        if (where == GoesOn::AlreadyGone)
            signal.go();
    }
    void go()
    {
        switch (where) {
        case GoesOn::ContextThread: signal.go(); break;
        case GoesOn::Worker: Thread::run("goer", [s = signal]() mutable { s.go(); }).join(); break;
        case GoesOn::TimerThread: testing::runOnTheTimerThread([s = signal]() mutable { s.go(); }); break;
        case GoesOn::AlreadyGone: break;
        }
    }
    GoesOn where;
    Signal signal;
    std::thread::id wentOn;  // written before the functor is posted, read after it ran
};

void addGoesOnRows()
{
    QTest::addColumn<GoesOn>("where");
    QTest::newRow("goes on the context's thread") << GoesOn::ContextThread;
    QTest::newRow("goes on a worker") << GoesOn::Worker;
    QTest::newRow("goes on the timer thread") << GoesOn::TimerThread;
    QTest::newRow("had gone already") << GoesOn::AlreadyGone;
}

// A context whose functor touches it: a call after its destruction is a
// use-after-free that ASan reports.
class Receiver : public QObject {
public:
    int calls = 0;
};

// A QObject whose signal the test emits, from any thread.
class Emitter : public QObject {
    Q_OBJECT
Q_SIGNALS:
    void happened(int n);
};

}  // namespace

Q_DECLARE_METATYPE(GoesOn)

class tst_Connect : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void functorRunsOnceInTheContextsThread_data() { addGoesOnRows(); }
    void functorRunsOnceInTheContextsThread()
    {
        QFETCH(GoesOn, where);
        QObject context;
        Goer goer(where);
        int calls = 0;
        QThread* calledIn = nullptr;
        const skein::Connection connection = skein::connect(goer.signal, &context, [&] {
            ++calls;
            calledIn = QThread::currentThread();
        });
        QVERIFY(connection.isConnected());
        goer.go();
        QCOMPARE(calls, 0);  // queued: never inside go() or connect(), even on the context's thread
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, testing::hangGuardMs);
        QCOMPARE(calledIn, context.thread());
        if (where == GoesOn::Worker || where == GoesOn::TimerThread)
            QVERIFY(goer.wentOn != std::this_thread::get_id());
        QVERIFY(!connection.isConnected());
        QCoreApplication::processEvents();
        QCOMPARE(calls, 1);
    }

    void functorRunsInTheThreadOfAContextInAnotherQThread_data() { addGoesOnRows(); }
    void functorRunsInTheThreadOfAContextInAnotherQThread()
    {
        QFETCH(GoesOn, where);
        testing::ObjectInThread<QObject> context;
        Goer goer(where);
        std::atomic<QThread*> calledIn{nullptr};
        Signal called;
        skein::connect(goer.signal, context.get(), [&calledIn, called]() mutable {
            calledIn = QThread::currentThread();
            called.go();
        });
        goer.go();
        QVERIFY(called.wait(Till(60s)));
        QCOMPARE(calledIn.load(), context.thread());
        QVERIFY(calledIn.load() != QThread::currentThread());
    }

    void nothingIsCalledWhenTheContextIsDestroyedBeforeTheSignalGoes()
    {
        Signal signal;
        bool called = false;
        skein::Connection connection;
        {
            QObject context;
            connection = skein::connect(signal, &context, [&called] { called = true; });
            QVERIFY(connection.isConnected());
        }
        QVERIFY(!connection.isConnected());
        signal.go();
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void nothingIsCalledWhenTheContextIsDestroyedBeforeTheCallArrives()
    {
        Signal signal;
        bool called = false;
        {
            QObject context;
            skein::connect(signal, &context, [&called] { called = true; });
            Thread::run("goer", [signal]() mutable { signal.go(); }).join();  // the call is queued now
        }
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void theConnectionDropsItsHoldOnTheFunctorWhenTheContextIsDestroyed()
    {
        Signal signal;  // never goes
        const auto held = std::make_shared<int>(0);
        {
            QObject context;
            skein::connect(signal, &context, [held] { ++*held; });
            QCOMPARE(held.use_count(), 2L);
        }
        QCOMPARE(held.use_count(), 1L);
    }

    // The Signal goes on a worker at the moment the context is destroyed in
    // the main thread, 10 000 times. Both sides spin to the same instant so
    // that they overlap. The main thread runs no event loop before the
    // destruction, so no call may ever arrive: a call would touch the
    // destroyed Receiver, which ASan reports.
    void goingWhileTheContextIsDestroyedCallsNothingAndTouchesNothingFreed()
    {
        constexpr int rounds = 10000;
        std::atomic<int> armed{-1};  // the round whose Signal the worker may make go
        std::atomic<int> gone{-1};   // the last round whose Signal went
        std::vector<Signal> signals(rounds);
        auto worker = Thread::run("goer", [&](const Signal& pleaseStop) {
            for (int round = 0; round < rounds && !pleaseStop; ++round) {
                while (armed.load(std::memory_order_acquire) < round)
                    std::this_thread::yield();
                signals[std::size_t(round)].go();
                gone.store(round, std::memory_order_release);
            }
        });
        std::atomic<int> calls{0};
        for (int round = 0; round < rounds; ++round) {
            auto* context = new Receiver;
            skein::connect(signals[std::size_t(round)], context, [context, &calls] {
                ++context->calls;
                ++calls;
            });
            armed.store(round, std::memory_order_release);
            delete context;
            while (gone.load(std::memory_order_acquire) < round)
                std::this_thread::yield();
            if (round % 100 == 0)
                QCoreApplication::processEvents();
        }
        worker.join();
        QCoreApplication::processEvents();
        QCOMPARE(calls.load(), 0);
    }

    void disconnectStopsTheCall_data()
    {
        QTest::addColumn<bool>("goesFirst");
        QTest::newRow("before the signal goes") << false;
        QTest::newRow("after it went, before the call arrives") << true;
    }
    void disconnectStopsTheCall()
    {
        QFETCH(bool, goesFirst);
        QObject context;
        Signal signal;
        bool called = false;
        skein::Connection connection = skein::connect(signal, &context, [&called] { called = true; });
        if (goesFirst)
            Thread::run("goer", [signal]() mutable { signal.go(); }).join();
        connection.disconnect();
        QVERIFY(!connection.isConnected());
        if (!goesFirst)
            signal.go();
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void disconnectFromAnotherThreadStopsTheCall()
    {
        QObject context;
        Signal signal;
        bool called = false;
        skein::Connection connection = skein::connect(signal, &context, [&called] { called = true; });
        Thread::run("disconnecter", [connection, signal]() mutable {
            connection.disconnect();
            signal.go();
        }).join();
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void disconnectIsHarmlessTwiceAfterTheCallAndOnAnEmptyConnection()
    {
        skein::Connection empty;
        QVERIFY(!empty.isConnected());
        empty.disconnect();

        QObject context;
        int calls = 0;
        skein::Connection connection = skein::connect(Signal::done(), &context, [&calls] { ++calls; });
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, testing::hangGuardMs);
        connection.disconnect();
        connection.disconnect();
        QVERIFY(!connection.isConnected());
        QCOMPARE(calls, 1);
    }

    void aCopyOfTheConnectionDisconnectsTheSameCall()
    {
        QObject context;
        Signal signal;
        bool called = false;
        const skein::Connection connection = skein::connect(signal, &context, [&called] { called = true; });
        skein::Connection copy = connection;
        copy.disconnect();
        QVERIFY(!connection.isConnected());
        signal.go();
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void aNullContextIsAUsageError()
    {
        Signal signal("the-signal");
        try {
            skein::connect(signal, nullptr, [] {});
            QFAIL("no exception");
        } catch (const skein::UsageError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("the-signal")), e.what());
        }
    }

    void signalFromGoesInTheEmittingThreadOnTheFirstEmission()
    {
        Emitter sender;
        sender.setObjectName(QStringLiteral("sender"));
        Signal fromQt = skein::signalFrom(&sender, &Emitter::happened);
        QVERIFY(!fromQt);
        QVERIFY2(QString::fromStdString(fromQt.name()).contains(QLatin1String("sender")), fromQt.name().c_str());
        std::thread::id wentOn;
        fromQt.then([&wentOn] { wentOn = std::this_thread::get_id(); });
        std::thread::id emitter;
        Thread::run("emitter", [&] {
            emitter = std::this_thread::get_id();
            Q_EMIT sender.happened(1);
            Q_EMIT sender.happened(2);  // a Signal goes once: a second emission changes nothing
        }).join();
        QVERIFY(fromQt);
        QVERIFY(wentOn == emitter);
    }

    void signalFromANullSenderIsAUsageError()
    {
        try {
            skein::signalFrom(static_cast<QPushButton*>(nullptr), &QPushButton::clicked);
            QFAIL("no exception");
        } catch (const skein::UsageError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("QPushButton")), e.what());
        }
    }

    // A real button under the offscreen platform: the click is a mouse press
    // and release, and the worker's pleaseStop goes during clicked(), before
    // mouseClick() returns, with no event loop in between.
    void aCancelButtonStopsARunningWorker()
    {
        QPushButton cancel(QStringLiteral("Cancel"));
        cancel.setObjectName(QStringLiteral("cancel"));
        cancel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&cancel, testing::hangGuardMs));
        QSignalSpy clicked(&cancel, &QPushButton::clicked);
        QVERIFY(clicked.isValid());

        Signal working;
        auto worker = Thread::run("worker", [working](const Signal& pleaseStop) mutable {
            working.go();
            for (int step = 0; !pleaseStop; ++step) {
                Thread::current().setProgress(double(step % 100) / 100);
                Till(1ms).wait(pleaseStop);
            }
        });
        const Thread handle = worker;
        skein::signalFrom(&cancel, &QPushButton::clicked).then([handle] { handle.stop(); });
        QVERIFY(working.wait(Till(60s)));
        QVERIFY(worker.isRunning());

        QTest::mouseClick(&cancel, Qt::LeftButton);
        QCOMPARE(clicked.count(), 1);
        QVERIFY(worker.pleaseStop());
        QVERIFY(worker.tryJoin(Till(60s)));  // a guard against a hang: the worker ends within a millisecond
        QVERIFY(!worker.isRunning());
    }
};

QTEST_MAIN(tst_Connect)
#include "tst_connect.moc"
