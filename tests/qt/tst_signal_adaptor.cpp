// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// SignalAdaptor and TillAdaptor: fired() once, in the adaptor's own thread,
// wherever the Signal went (the main thread, a worker, the timer thread, or
// before the adaptor existed); the `fired` property agrees with the
// notifications; setSignal(); TillAdaptor's `seconds`; misuse: a warning
// naming the adaptor, never an exception.
//
// A Qt signal's thread is the QThread::currentThread() that a direct
// connection records: the thread that emitted it.
#include <QtCore/QRegularExpression>
#include <QtTest>

#include <skein/error.h>
#include <skein/qt/signal_adaptor.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <thread>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::SignalAdaptor;
using skein::Thread;
using skein::Till;
using skein::TillAdaptor;

namespace {

enum class GoesOn { AdaptorThread, Worker, TimerThread, AlreadyGone };

void addGoesOnRows()
{
    QTest::addColumn<GoesOn>("where");
    QTest::newRow("goes on the adaptor's thread") << GoesOn::AdaptorThread;
    QTest::newRow("goes on a worker") << GoesOn::Worker;
    QTest::newRow("goes on the timer thread") << GoesOn::TimerThread;
    QTest::newRow("had gone already") << GoesOn::AlreadyGone;
}

Signal signalFor(GoesOn where)
{
    if (where == GoesOn::TimerThread)
        return Till(1ms);
    Signal signal;
    if (where == GoesOn::AlreadyGone)
        signal.go();
    return signal;
}

void makeGo(GoesOn where, Signal signal)
{
    switch (where) {
    case GoesOn::AdaptorThread: signal.go(); break;
    case GoesOn::Worker: Thread::run("goer", [signal]() mutable { signal.go(); }).join(); break;
    case GoesOn::TimerThread:
    case GoesOn::AlreadyGone: break;
    }
}

// Records the thread of every emission of fired() and firedChanged(), and
// what `fired` read then.
struct Emissions {
    explicit Emissions(SignalAdaptor* adaptor)
    {
        QObject::connect(
            adaptor, &SignalAdaptor::fired, adaptor,
            [this, adaptor] {
                std::lock_guard<std::mutex> lock(mutex);
                firedIn.append(QThread::currentThread());
                firedRead.append(adaptor->isFired());
                if (firedIn.size() == 1)
                    firstFired.go();
            },
            Qt::DirectConnection);
        QObject::connect(
            adaptor, &SignalAdaptor::firedChanged, adaptor,
            [this] {
                std::lock_guard<std::mutex> lock(mutex);
                firedChangedIn.append(QThread::currentThread());
            },
            Qt::DirectConnection);
    }
    std::mutex mutex;
    QList<QThread*> firedIn;         // guarded by mutex
    QList<bool> firedRead;           // guarded by mutex
    QList<QThread*> firedChangedIn;  // guarded by mutex
    Signal firstFired;
};

}  // namespace

Q_DECLARE_METATYPE(GoesOn)

class tst_SignalAdaptor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void firedIsEmittedOnceInTheAdaptorsThread_data() { addGoesOnRows(); }
    void firedIsEmittedOnceInTheAdaptorsThread()
    {
        QFETCH(GoesOn, where);
        const Signal signal = signalFor(where);
        SignalAdaptor adaptor(signal);
        Emissions emissions(&adaptor);
        QSignalSpy fired(&adaptor, &SignalAdaptor::fired);
        QVERIFY(fired.isValid());
        makeGo(where, signal);
        QVERIFY(!adaptor.isFired());  // nothing before the event loop runs, even when it went here
        QVERIFY(fired.wait(testing::hangGuardMs));
        QCoreApplication::processEvents();
        QCOMPARE(fired.count(), 1);
        QVERIFY(adaptor.isFired());
        QCOMPARE(emissions.firedIn, QList<QThread*>{QThread::currentThread()});
        QCOMPARE(emissions.firedChangedIn, QList<QThread*>{QThread::currentThread()});
        QCOMPARE(emissions.firedRead, QList<bool>{true});
    }

    void anAdaptorInAnotherQThreadEmitsInThatThread_data() { addGoesOnRows(); }
    void anAdaptorInAnotherQThreadEmitsInThatThread()
    {
        QFETCH(GoesOn, where);
        const Signal signal = signalFor(where);
        // Made with a pending Signal, and given the real one once recorded:
        // a Signal that went already would fire before the recording began.
        testing::ObjectInThread<SignalAdaptor> adaptor;
        Emissions emissions(adaptor.get());
        adaptor.inThread([&] { adaptor->setSignal(signal); });
        if (where == GoesOn::AdaptorThread)
            adaptor.inThread([signal] { Signal(signal).go(); });
        else
            makeGo(where, signal);
        QVERIFY(emissions.firstFired.wait(Till(60s)));  // a guard against a hang
        adaptor.inThread([] {});                        // whatever else it had queued has run
        std::lock_guard<std::mutex> lock(emissions.mutex);
        QCOMPARE(emissions.firedIn, QList<QThread*>{adaptor.thread()});
        QCOMPARE(emissions.firedChangedIn, QList<QThread*>{adaptor.thread()});
    }

    void goMakesTheSignalGoAlsoAsAnInvokable()
    {
        SignalAdaptor direct;
        direct.go();
        QVERIFY(direct.signal());

        SignalAdaptor invoked;
        QVERIFY(QMetaObject::invokeMethod(&invoked, "go"));
        QVERIFY(invoked.signal());
        QSignalSpy fired(&invoked, &SignalAdaptor::fired);
        QVERIFY(fired.isValid());
        QVERIFY(fired.wait(testing::hangGuardMs));
        QVERIFY(invoked.property("fired").toBool());
    }

    void nameIsTheSignalsName()
    {
        SignalAdaptor adaptor(Signal("door-bell"));
        QCOMPARE(adaptor.name(), QStringLiteral("door-bell"));
        QCOMPARE(adaptor.property("name").toString(), QStringLiteral("door-bell"));
    }

    void setSignalFollowsTheNewSignalOnly()
    {
        Signal first("first");
        Signal second("second");
        SignalAdaptor adaptor(first);
        QSignalSpy fired(&adaptor, &SignalAdaptor::fired);
        QSignalSpy changed(&adaptor, &SignalAdaptor::signalChanged);
        QVERIFY(fired.isValid());
        QVERIFY(changed.isValid());
        adaptor.setSignal(second);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(adaptor.name(), QStringLiteral("second"));
        first.go();
        QCoreApplication::processEvents();
        QCOMPARE(fired.count(), 0);
        second.go();
        QVERIFY(fired.wait(testing::hangGuardMs));
        QCOMPARE(fired.count(), 1);
    }

    void setSignalAfterFiredResetsTheProperty()
    {
        SignalAdaptor adaptor(Signal::done());
        QTRY_VERIFY_WITH_TIMEOUT(adaptor.isFired(), testing::hangGuardMs);
        QSignalSpy firedChanged(&adaptor, &SignalAdaptor::firedChanged);
        QVERIFY(firedChanged.isValid());
        adaptor.setSignal(Signal());
        QCOMPARE(firedChanged.count(), 1);
        QVERIFY(!adaptor.isFired());
    }

    void anAdaptorDestroyedBeforeItsSignalGoesIsNeverCalledBack()
    {
        Signal signal;
        bool firedOnce = false;
        {
            SignalAdaptor adaptor(signal);
            connect(&adaptor, &SignalAdaptor::fired, this, [&firedOnce] { firedOnce = true; });
        }
        Thread::run("goer", [signal]() mutable { signal.go(); }).join();
        QCoreApplication::processEvents();
        QVERIFY(!firedOnce);
    }

    // fired() comes in the adaptor's thread, this one, whichever thread the
    // Till went on.
    void tillAdaptorFiresInItsThreadNotBeforeItsSeconds()
    {
        const auto before = std::chrono::steady_clock::now();
        TillAdaptor till(0.2, nullptr);
        QCOMPARE(till.seconds(), 0.2);
        Emissions emissions(&till);
        std::thread::id wentOn;
        bool ranInThen = false;  // the Till had gone before then(): the callback ran inside it, here
        bool inThen = true;      // written here only, read by a callback on this thread only
        Signal recorded;  // the adaptor's own callback, registered first, may deliver fired() before this runs
        const std::thread::id here = std::this_thread::get_id();
        till.signal().then([&wentOn, &ranInThen, &inThen, here, recorded]() mutable {
            wentOn = std::this_thread::get_id();
            ranInThen = wentOn == here && inThen;
            recorded.go();
        });
        inThen = false;
        QSignalSpy fired(&till, &SignalAdaptor::fired);
        QVERIFY(fired.isValid());
        QVERIFY(fired.wait(testing::hangGuardMs));
        QVERIFY(std::chrono::steady_clock::now() - before >= 200ms);  // a deadline never comes early
        recorded.wait();
        // The Till went on the timer thread. Only a machine that kept this
        // thread waiting 200 ms between the TillAdaptor and then() lets it go
        // first; then the callback ran inside then(), and says nothing.
        QVERIFY(wentOn != here || ranInThen);
        QVERIFY(till.isFired());
        QCOMPARE(emissions.firedIn, QList<QThread*>{QThread::currentThread()});
        QCOMPARE(emissions.firedChangedIn, QList<QThread*>{QThread::currentThread()});
    }

    void aTillAdaptorInAnotherQThreadFiresThere()
    {
        testing::ObjectInThread<TillAdaptor> till;
        Emissions emissions(till.get());
        till.inThread([&till] { till->setSeconds(0.001); });
        QVERIFY(emissions.firstFired.wait(Till(60s)));  // a guard against a hang
        till.inThread([] {});
        std::lock_guard<std::mutex> lock(emissions.mutex);
        QCOMPARE(emissions.firedIn, QList<QThread*>{till.thread()});
        QCOMPARE(emissions.firedChangedIn, QList<QThread*>{till.thread()});
    }

    void tillAdaptorWithoutSecondsNeverFires()
    {
        TillAdaptor till;
        QVERIFY(till.signal().isNever());
        QSignalSpy fired(&till, &SignalAdaptor::fired);
        QVERIFY(fired.isValid());
        QCoreApplication::processEvents();  // a fired() would be queued already
        QCOMPARE(fired.count(), 0);
        QVERIFY(!till.isFired());
    }

    void settingSecondsStartsATillAndIsNotified()
    {
        TillAdaptor till;
        QSignalSpy seconds(&till, &TillAdaptor::secondsChanged);
        QSignalSpy fired(&till, &SignalAdaptor::fired);
        QVERIFY(seconds.isValid());
        QVERIFY(fired.isValid());
        QVERIFY(till.setProperty("seconds", 0.001));
        QCOMPARE(seconds.count(), 1);
        QVERIFY(!till.signal().isNever());
        QVERIFY(fired.wait(testing::hangGuardMs));
        const Signal firedSignal = till.signal();
        till.setSeconds(3600);  // it fired already: the Signal stays
        QVERIFY(till.signal() == firedSignal);
        QVERIFY(till.isFired());
    }

    void goOnAnAdaptorOfNeverWarnsNamingItAndDoesNotThrow()
    {
        TillAdaptor till;
        till.setObjectName(QStringLiteral("no-deadline"));
        QSignalSpy fired(&till, &SignalAdaptor::fired);
        QVERIFY(fired.isValid());
        const QRegularExpression warning(
            QStringLiteral("^skein::TillAdaptor 'no-deadline': go\\(\\) on an adaptor of Signal::never\\(\\)"));
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY_THROWS_NO_EXCEPTION(till.go());
        // As QML calls it.
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY_THROWS_NO_EXCEPTION(QMetaObject::invokeMethod(&till, "go"));
        QVERIFY(till.signal().isNever());
        QCoreApplication::processEvents();
        QCOMPARE(fired.count(), 0);
    }

    void anUnnamedAdaptorIsNamedByItsSignal()
    {
        SignalAdaptor adaptor(Signal::never());
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^skein::SignalAdaptor '%1': go\\(\\)")
                                                                  .arg(QRegularExpression::escape(adaptor.name()))));
        QVERIFY_THROWS_NO_EXCEPTION(adaptor.go());
    }

    void secondsSetToNaNWarnsAndKeepsTheDeadline()
    {
        TillAdaptor till(3600, nullptr);
        till.setObjectName(QStringLiteral("hour"));
        const Signal before = till.signal();
        QSignalSpy seconds(&till, &TillAdaptor::secondsChanged);
        QVERIFY(seconds.isValid());
        const QRegularExpression warning(QStringLiteral("^skein::TillAdaptor 'hour': seconds set to NaN"));
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY_THROWS_NO_EXCEPTION(till.setSeconds(std::numeric_limits<double>::quiet_NaN()));
        // As QML sets it.
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY(till.setProperty("seconds", std::numeric_limits<double>::quiet_NaN()));
        QCOMPARE(till.seconds(), 3600.0);
        QVERIFY(till.signal() == before);
        QCOMPARE(seconds.count(), 0);
    }

    void aTillAdaptorMadeWithNaNSecondsWarnsAndHasNoDeadline()
    {
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("^skein::TillAdaptor '[^']*': seconds set to NaN")));
        std::unique_ptr<TillAdaptor> till;
        QVERIFY_THROWS_NO_EXCEPTION(
            till = std::make_unique<TillAdaptor>(std::numeric_limits<double>::quiet_NaN(), nullptr));
        QVERIFY(till->signal().isNever());
        QCOMPARE(till->seconds(), 0.0);
    }

    void theEntryPointsWarnAboutNothingWhenUsedRightly()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        TillAdaptor till;
        QSignalSpy fired(&till, &SignalAdaptor::fired);
        QVERIFY(fired.isValid());
        QVERIFY(till.setProperty("seconds", std::numeric_limits<double>::infinity()));
        QVERIFY(till.setProperty("seconds", 3600.0));
        QVERIFY(QMetaObject::invokeMethod(&till, "go"));
        QVERIFY(fired.wait(testing::hangGuardMs));
        QVERIFY(till.setProperty("seconds", 1.0));  // fired already: only the value changes
        SignalAdaptor adaptor;
        QVERIFY(QMetaObject::invokeMethod(&adaptor, "go"));
        QVERIFY(QMetaObject::invokeMethod(&adaptor, "go"));  // idempotent
    }
};

QTEST_GUILESS_MAIN(tst_SignalAdaptor)
#include "tst_signal_adaptor.moc"
