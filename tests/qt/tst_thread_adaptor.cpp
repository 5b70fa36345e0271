// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// ThreadAdaptor: every Qt signal arrives in the adaptor's own thread, in
// order, with its property set; the three ways to make one (a function, a
// subclass overriding work(), a Thread that exists already); result and
// error; coalesced progress; nested adaptors run nested threads; and
// QObject ownership as the thread tree: deleting a parent stops and joins
// its adaptors' threads, descendants first, and calls nothing afterwards.
//
// Threads are ordered with Signals and recorded events, never with sleeps.
// A Qt signal's thread is the QThread::currentThread() that a direct
// connection records. Waits for the event loop are guarded by hangGuardMs,
// far above the milliseconds they take, so that a hang fails instead of
// blocking the run.
#include <QtCore/QRegularExpression>
#include <QtTest>

#include <skein/error.h>
#include <skein/qt/connect.h>
#include <skein/qt/thread_adaptor.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <vector>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::ThreadAdaptor;
using skein::Till;
using testing::hangGuardMs;
using testing::hasChild;
using testing::stoppedPaths;

namespace {

// Every Qt signal a ThreadAdaptor emits, in order, with the emitting thread.
class Emissions {
public:
    explicit Emissions(ThreadAdaptor* adaptor)
    {
        hook(adaptor, "started", &ThreadAdaptor::started);
        hook(adaptor, "stopRequested", &ThreadAdaptor::stopRequested);
        hook(adaptor, "stopped", &ThreadAdaptor::stopped);
        hook(adaptor, "runningChanged", &ThreadAdaptor::runningChanged);
        hook(adaptor, "stopRequestedChanged", &ThreadAdaptor::stopRequestedChanged);
        hook(adaptor, "progressChanged", &ThreadAdaptor::progressChanged);
        hook(adaptor, "resultChanged", &ThreadAdaptor::resultChanged);
        hook(adaptor, "errorChanged", &ThreadAdaptor::errorChanged);
        QObject::connect(
            adaptor, &ThreadAdaptor::finished, adaptor,
            [this](const QVariant&) {
                record("finished");
                ended_.go();
            },
            Qt::DirectConnection);
        QObject::connect(
            adaptor, &ThreadAdaptor::failed, adaptor,
            [this](const QString&) {
                record("failed");
                ended_.go();
            },
            Qt::DirectConnection);
    }

    QStringList names() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return names_;
    }
    // The distinct threads that emitted.
    QList<QThread*> threads() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        QList<QThread*> distinct;
        for (QThread* t : threads_) {
            if (!distinct.contains(t))
                distinct.append(t);
        }
        return distinct;
    }
    // Goes with finished() or failed(), the last emission.
    Signal ended() const { return ended_; }

private:
    void hook(ThreadAdaptor* adaptor, const char* name, void (ThreadAdaptor::*signal)())
    {
        QObject::connect(
            adaptor, signal, adaptor, [this, name] { record(name); }, Qt::DirectConnection);
    }
    void record(const char* name)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        names_.append(QString::fromLatin1(name));
        threads_.append(QThread::currentThread());
    }

    mutable std::mutex mutex_;
    QStringList names_;        // guarded by mutex_
    QList<QThread*> threads_;  // guarded by mutex_
    Signal ended_;
};

// Where the worker's pleaseStop goes.
enum class StopFrom { Worker, TimerThread, AdaptorThread };

// Sets progress, has its stop asked for from `stopFrom`, waits for it, sets
// progress again, then returns 42 or throws.
ThreadAdaptor::Function stoppableWork(StopFrom stopFrom, bool fails, Signal working)
{
    return [stopFrom, fails, working](const Signal& pleaseStop) mutable -> QVariant {
        const Thread self = Thread::current();
        self.setProgress(0.5, "half");
        if (stopFrom == StopFrom::Worker)
            self.stop();
        else if (stopFrom == StopFrom::TimerThread)
            testing::runOnTheTimerThread([self] { self.stop(); });
        working.go();
        pleaseStop.wait();
        self.setProgress(1.0, "done");
        if (fails)
            throw std::runtime_error("worker failed");
        return 42;
    };
}

// Records "stopped <path>" when the calling thread's stopped() goes: after
// its function returned and its children were joined.
void announceStop(testing::Events& events)
{
    const Thread self = Thread::current();
    const QString path = QString::fromStdString(self.path());
    self.stopped().then([&events, path] { events.add(QStringLiteral("stopped ") + path); });
}

QString yes(bool b) { return b ? QStringLiteral("true") : QStringLiteral("false"); }

// The subclass form: work() uses the subclass's members.
class Answerer : public ThreadAdaptor {
public:
    explicit Answerer(bool fails, QObject* parent = nullptr)
        : ThreadAdaptor(QStringLiteral("subclass"), parent),
          fails_(fails)
    {}
    ~Answerer() override { stopAndWait(); }  // work() reads members: stop before they go

protected:
    QVariant work(const Signal&) override
    {
        if (fails_)
            throw std::runtime_error("broken subclass");
        return answer_;
    }

private:
    const bool fails_;
    const QString answer_ = QStringLiteral("from work()");
};

// A subclass that forgot to override work() and gave no function.
class Bare : public ThreadAdaptor {
public:
    Bare() : ThreadAdaptor(QStringLiteral("bare"), nullptr) {}
};

enum class Form { Function, Subclass, Wrapped };

std::unique_ptr<ThreadAdaptor> make(Form form, bool fails)
{
    switch (form) {
    case Form::Function:
        return std::make_unique<ThreadAdaptor>(QStringLiteral("function"), [fails](const Signal&) -> QVariant {
            if (fails)
                throw std::runtime_error("broken function");
            return 42;
        });
    case Form::Subclass: return std::make_unique<Answerer>(fails);
    case Form::Wrapped:
        return std::make_unique<ThreadAdaptor>(Thread("wrapped", [fails] {
            if (fails)
                throw std::runtime_error("broken wrapped");
        }));
    }
    return nullptr;
}

}  // namespace

Q_DECLARE_METATYPE(StopFrom)
Q_DECLARE_METATYPE(Form)

class tst_ThreadAdaptor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everySignalArrivesInTheAdaptorsThread_data()
    {
        QTest::addColumn<StopFrom>("stopFrom");
        QTest::addColumn<bool>("fails");
        QTest::newRow("stop asked on the worker, finishes") << StopFrom::Worker << false;
        QTest::newRow("stop asked on the timer thread, fails") << StopFrom::TimerThread << true;
        QTest::newRow("stop asked by requestStop(), finishes") << StopFrom::AdaptorThread << false;
    }
    void everySignalArrivesInTheAdaptorsThread()
    {
        QFETCH(StopFrom, stopFrom);
        QFETCH(bool, fails);
        Signal working;
        ThreadAdaptor adaptor(QStringLiteral("worker"), stoppableWork(stopFrom, fails, working));
        Emissions emissions(&adaptor);
        adaptor.start();
        if (stopFrom == StopFrom::AdaptorThread) {
            QVERIFY(working.wait(Till(60s)));
            adaptor.requestStop();
        }
        QTRY_VERIFY_WITH_TIMEOUT(emissions.ended(), hangGuardMs);
        QCoreApplication::processEvents();
        QCOMPARE(emissions.threads(), QList<QThread*>{QThread::currentThread()});
        QStringList expected = {QStringLiteral("started"),         QStringLiteral("runningChanged"),
                                QStringLiteral("stopRequested"),   QStringLiteral("stopRequestedChanged"),
                                QStringLiteral("progressChanged"), QStringLiteral("stopped")};
        expected << (fails ? QStringList{QStringLiteral("errorChanged"), QStringLiteral("failed")}
                           : QStringList{QStringLiteral("resultChanged"), QStringLiteral("finished")});
        for (const QString& name : expected)
            QVERIFY2(emissions.names().contains(name),
                     qPrintable(name + QStringLiteral(" missing from ") + emissions.names().join(QLatin1Char(','))));
    }

    void anAdaptorInAnotherQThreadEmitsEverySignalInThatThread()
    {
        Signal working;
        testing::ObjectInThread<ThreadAdaptor> adaptor(QStringLiteral("worker"),
                                                       stoppableWork(StopFrom::AdaptorThread, false, working));
        Emissions emissions(adaptor.get());
        adaptor.inThread([&adaptor] { adaptor->start(); });
        QVERIFY(working.wait(Till(60s)));
        adaptor.inThread([&adaptor] { adaptor->requestStop(); });
        QVERIFY(emissions.ended().wait(Till(60s)));
        adaptor.inThread([] {});  // whatever it had queued has run
        QCOMPARE(emissions.threads(), QList<QThread*>{adaptor.thread()});
        QVERIFY(emissions.names().contains(QStringLiteral("progressChanged")));
        QVERIFY(emissions.names().contains(QStringLiteral("stopRequested")));
        QVERIFY(emissions.names().contains(QStringLiteral("finished")));
        QVariant result;
        adaptor.inThread([&] { result = adaptor->result(); });
        QCOMPARE(result, QVariant(42));
    }

    // Progress is awaited before the stop is asked for, so the order is
    // fixed; each property is read in the slot of its notification.
    void signalsArriveInOrderWithTheirPropertiesAlreadySet()
    {
        Signal progressSeen;
        ThreadAdaptor adaptor(QStringLiteral("orderly"), [progressSeen](const Signal& pleaseStop) -> QVariant {
            Thread::current().setProgress(0.25, "a quarter");
            progressSeen.wait();
            pleaseStop.wait();
            return QStringLiteral("done");
        });
        Emissions emissions(&adaptor);
        QStringList readings;
        connect(&adaptor, &ThreadAdaptor::started, this,
                [&] { readings << QStringLiteral("started running=%1").arg(yes(adaptor.isRunning())); });
        connect(&adaptor, &ThreadAdaptor::progressChanged, this, [&] {
            readings << QStringLiteral("progress %1 %2").arg(adaptor.progress()).arg(adaptor.progressText());
            progressSeen.go();
            adaptor.requestStop();
        });
        connect(&adaptor, &ThreadAdaptor::stopRequested, this,
                [&] { readings << QStringLiteral("stopRequested %1").arg(yes(adaptor.isStopRequested())); });
        connect(&adaptor, &ThreadAdaptor::stopped, this,
                [&] { readings << QStringLiteral("stopped running=%1").arg(yes(adaptor.isRunning())); });
        connect(&adaptor, &ThreadAdaptor::finished, this, [&](const QVariant& result) {
            readings << QStringLiteral("finished %1 result=%2").arg(result.toString(), adaptor.result().toString());
        });
        QVERIFY(!adaptor.isRunning());
        adaptor.start();
        QVERIFY(!adaptor.isRunning());  // the adaptor's view changes with its notification only
        QTRY_VERIFY_WITH_TIMEOUT(emissions.ended(), hangGuardMs);
        QCOMPARE(emissions.names(),
                 (QStringList{QStringLiteral("started"), QStringLiteral("runningChanged"),
                              QStringLiteral("progressChanged"), QStringLiteral("stopRequestedChanged"),
                              QStringLiteral("stopRequested"), QStringLiteral("runningChanged"),
                              QStringLiteral("stopped"), QStringLiteral("resultChanged"), QStringLiteral("finished")}));
        QCOMPARE(readings,
                 (QStringList{QStringLiteral("started running=true"), QStringLiteral("progress 0.25 a quarter"),
                              QStringLiteral("stopRequested true"), QStringLiteral("stopped running=false"),
                              QStringLiteral("finished done result=done")}));
        QVERIFY(adaptor.error().isEmpty());
    }

    void eachFormReportsItsResultOrItsFailure_data()
    {
        QTest::addColumn<Form>("form");
        QTest::addColumn<bool>("fails");
        QTest::addColumn<QVariant>("result");
        QTest::addColumn<QString>("error");
        QTest::newRow("function, finishes") << Form::Function << false << QVariant(42) << QString();
        QTest::newRow("function, fails") << Form::Function << true << QVariant() << QStringLiteral("broken function");
        QTest::newRow("subclass overriding work(), finishes")
            << Form::Subclass << false << QVariant(QStringLiteral("from work()")) << QString();
        QTest::newRow("subclass overriding work(), fails")
            << Form::Subclass << true << QVariant() << QStringLiteral("broken subclass");
        // A wrapped Thread's function returns no QVariant: finished() carries an invalid one.
        QTest::newRow("wrapping a Thread, finishes") << Form::Wrapped << false << QVariant() << QString();
        QTest::newRow("wrapping a Thread, fails")
            << Form::Wrapped << true << QVariant() << QStringLiteral("broken wrapped");
    }
    void eachFormReportsItsResultOrItsFailure()
    {
        QFETCH(Form, form);
        QFETCH(bool, fails);
        QFETCH(QVariant, result);
        QFETCH(QString, error);
        const std::unique_ptr<ThreadAdaptor> adaptor = make(form, fails);
        QSignalSpy finished(adaptor.get(), &ThreadAdaptor::finished);
        QSignalSpy failed(adaptor.get(), &ThreadAdaptor::failed);
        QSignalSpy stopped(adaptor.get(), &ThreadAdaptor::stopped);
        QVERIFY(finished.isValid());
        QVERIFY(failed.isValid());
        QVERIFY(stopped.isValid());
        adaptor->start();
        QCOMPARE(QString::fromStdString(adaptor->thread().path()), QStringLiteral("main/") + adaptor->name());
        QCOMPARE(adaptor->property("name").toString(), adaptor->name());
        QVERIFY(stopped.wait(hangGuardMs));
        QCOMPARE(adaptor->property("result"), result);
        QCOMPARE(adaptor->property("error").toString(), error);
        if (fails) {
            QCOMPARE(finished.count(), 0);
            QCOMPARE(failed.count(), 1);
            QCOMPARE(failed.at(0).at(0).toString(), error);
        } else {
            QCOMPARE(failed.count(), 0);
            QCOMPARE(finished.count(), 1);
            QCOMPARE(finished.at(0).at(0), result);
        }
        QVERIFY(!adaptor->property("running").toBool());
    }

    void wrappingARunningThreadFollowsIt()
    {
        Signal working;
        Thread thread = Thread::run("running", [working](const Signal& pleaseStop) mutable {
            working.go();
            pleaseStop.wait();
        });
        QVERIFY(working.wait(Till(60s)));
        ThreadAdaptor adaptor(thread);
        QCOMPARE(adaptor.name(), QStringLiteral("running"));
        QSignalSpy started(&adaptor, &ThreadAdaptor::started);
        QSignalSpy stopped(&adaptor, &ThreadAdaptor::stopped);
        QVERIFY(started.isValid());
        QVERIFY(stopped.isValid());
        QVERIFY(started.wait(hangGuardMs));
        QVERIFY(adaptor.isRunning());
        adaptor.requestStop();
        QVERIFY(stopped.wait(hangGuardMs));
        QVERIFY(!thread.isRunning());
    }

    void wrappingAThreadThatHasEndedReportsStartedThenStopped()
    {
        Thread thread = Thread::run("ended", [] {});
        thread.stopped().wait();
        ThreadAdaptor adaptor(thread);
        Emissions emissions(&adaptor);
        QTRY_VERIFY_WITH_TIMEOUT(emissions.ended(), hangGuardMs);
        QCoreApplication::processEvents();
        QCOMPARE(emissions.names(), (QStringList{QStringLiteral("started"), QStringLiteral("runningChanged"),
                                                 QStringLiteral("runningChanged"), QStringLiteral("stopped"),
                                                 QStringLiteral("resultChanged"), QStringLiteral("finished")}));
        QVERIFY(!adaptor.isRunning());
    }

    void nestedAdaptorsRunNestedThreadsThatStopFirst()
    {
        testing::Events events;
        Signal outerWorking;
        ThreadAdaptor outer(QStringLiteral("outer"),
                            [&events, outerWorking](const Signal& pleaseStop) mutable -> QVariant {
                                announceStop(events);
                                outerWorking.go();
                                pleaseStop.wait();
                                return {};
                            });
        outer.start();
        QVERIFY(outerWorking.wait(Till(60s)));
        Signal innerWorking;
        auto* inner = new ThreadAdaptor(
            QStringLiteral("inner"),
            [&events, innerWorking](const Signal& pleaseStop) mutable -> QVariant {
                announceStop(events);
                innerWorking.go();
                pleaseStop.wait();
                return {};
            },
            &outer);
        QSignalSpy innerStopRequested(inner, &ThreadAdaptor::stopRequested);
        QVERIFY(innerStopRequested.isValid());
        inner->start();
        QVERIFY(innerWorking.wait(Till(60s)));
        QCOMPARE(QString::fromStdString(inner->thread().path()), QStringLiteral("main/outer/inner"));
        QVERIFY(hasChild(outer.thread(), inner->thread()));

        outer.requestStop();  // reaches the inner thread through the thread tree
        QVERIFY(outer.thread().tryJoin(Till(60s)));
        QCOMPARE(stoppedPaths(events.list()),
                 (QStringList{QStringLiteral("main/outer/inner"), QStringLiteral("main/outer")}));
        QTRY_COMPARE_WITH_TIMEOUT(innerStopRequested.count(), 1, hangGuardMs);
    }

    // Three adaptors under one parent QObject, each running two Skein
    // threads of its own; the third also owns a nested adaptor. Deleting the
    // parent must return with every one of those threads ended and joined,
    // each after its descendants (recorded by their stopped() callbacks,
    // which join() waits for), and nothing may be called afterwards: not a
    // slot connected to the adaptors, not a skein::connect functor whose
    // context was one of them (it would touch freed memory under ASan).
    void deletingAParentStopsAndJoinsEveryAdaptorDescendantsFirst()
    {
        testing::Events events;
        testing::Countdown running(3 * 3 + 1);  // three adaptors with two children each, one nested adaptor
        const auto workWithTwoChildren = [&events, &running](const Signal& pleaseStop) -> QVariant {
            announceStop(events);
            for (const char* name : {"child-a", "child-b"}) {
                Thread::run(name, [&events, &running](const Signal& childStop) {
                    announceStop(events);
                    running.arrive();
                    childStop.wait();
                });
            }
            running.arrive();
            pleaseStop.wait();
            return {};
        };
        auto* parent = new QObject;
        QList<ThreadAdaptor*> adaptors;
        for (int i = 1; i <= 3; ++i)
            adaptors.append(new ThreadAdaptor(QStringLiteral("adaptor-%1").arg(i), workWithTwoChildren, parent));

        QObject receiver;
        int slotCalls = 0;
        int functorCalls = 0;
        const auto count = [&slotCalls] { ++slotCalls; };
        for (ThreadAdaptor* a : adaptors) {
            connect(a, &ThreadAdaptor::stopped, &receiver, count);
            connect(a, &ThreadAdaptor::stopRequested, &receiver, count);
            connect(a, &ThreadAdaptor::progressChanged, &receiver, count);
            connect(a, &ThreadAdaptor::finished, &receiver, count);
            connect(a, &ThreadAdaptor::failed, &receiver, count);
            a->start();
            skein::connect(a->thread().stopped(), a, [a, &functorCalls] {
                ++functorCalls;
                a->setObjectName(QStringLiteral("touched"));
            });
        }
        auto* nested = new ThreadAdaptor(
            QStringLiteral("nested"),
            [&events, &running](const Signal& pleaseStop) -> QVariant {
                announceStop(events);
                running.arrive();
                pleaseStop.wait();
                return {};
            },
            adaptors.at(2));
        nested->start();
        QVERIFY(running.done().wait(Till(60s)));
        QCoreApplication::processEvents();  // started() and friends: before the deletion

        std::vector<Thread> threads;
        for (ThreadAdaptor* a : adaptors) {
            threads.push_back(a->thread());
            for (const Thread& child : a->thread().children()) {
                threads.push_back(child);
                for (const Thread& grandchild : child.children())
                    threads.push_back(grandchild);
            }
        }
        QCOMPARE(threads.size(), std::size_t(3 + 3 * 2 + 1));
        const int slotCallsBefore = slotCalls;

        delete parent;

        for (const Thread& t : threads) {
            QVERIFY2(t.stopped(), t.path().c_str());
            QVERIFY2(!hasChild(Thread::current(), t), t.path().c_str());
        }
        const QStringList stopped = stoppedPaths(events.list());
        QCOMPARE(stopped.size(), int(threads.size()));
        for (const Thread& t : threads) {
            const QString path = QString::fromStdString(t.path());
            QCOMPARE(stopped.count(path), 1);
            const QString parentPath = path.section(QLatin1Char('/'), 0, -2);
            if (parentPath != QLatin1String("main"))
                QVERIFY2(
                    stopped.indexOf(path) < stopped.indexOf(parentPath),
                    qPrintable(path + QStringLiteral(" stopped after its parent: ") + stopped.join(QLatin1Char(','))));
        }
        QVERIFY(stopped.contains(QStringLiteral("main/adaptor-3/nested")));
        QCoreApplication::processEvents();
        QCOMPARE(slotCalls, slotCallsBefore);
        QCOMPARE(functorCalls, 0);
    }

    // Siblings stop together: deleting the parent asks every adaptor among
    // its children to stop before the first one is joined. Each worker ends
    // only once all three were asked, or after a hang guard, so that a
    // one-by-one stop (worker 1 joined before worker 2 is asked) shows up as
    // a worker that never saw its siblings asked, instead of as a hang.
    void deletingAParentAsksEverySiblingToStopBeforeJoiningAny()
    {
        const std::vector<Signal> asked{Signal("asked-1"), Signal("asked-2"), Signal("asked-3")};
        const Signal allAsked = asked[0] & asked[1] & asked[2];
        testing::Countdown running(3);
        std::atomic<int> sawAllAsked{0};
        auto* parent = new QObject;
        for (int i = 0; i < 3; ++i) {
            auto* a = new ThreadAdaptor(
                QStringLiteral("sibling-%1").arg(i + 1),
                [&, i](const Signal& pleaseStop) -> QVariant {
                    running.arrive();
                    pleaseStop.wait();
                    Signal(asked[std::size_t(i)]).go();
                    if (allAsked.wait(Till(testing::hangGuard)))
                        ++sawAllAsked;
                    return {};
                },
                parent);
            a->start();
        }
        QVERIFY(running.done().wait(Till(60s)));
        delete parent;
        QCOMPARE(sawAllAsked.load(), 3);
    }

    // The GUI thread does not run its event loop while the worker calls
    // setProgress a million times: with at most one notification in flight,
    // all of them make one queued notification, which reads the last value.
    void aMillionProgressCallsWhileTheGuiIsBusyBringOneNotification()
    {
        constexpr int calls = 1000000;
        Signal looped;
        ThreadAdaptor adaptor(QStringLiteral("progress"), [looped](const Signal&) mutable -> QVariant {
            const Thread self = Thread::current();
            for (int i = 1; i <= calls; ++i)
                self.setProgress(double(i) / calls);
            looped.go();
            return {};
        });
        QSignalSpy progress(&adaptor, &ThreadAdaptor::progressChanged);
        QSignalSpy stopped(&adaptor, &ThreadAdaptor::stopped);
        QVERIFY(progress.isValid());
        QVERIFY(stopped.isValid());
        adaptor.start();
        looped.wait();  // no event loop meanwhile
        QVERIFY(stopped.wait(hangGuardMs));
        QCOMPARE(progress.count(), 1);
        QCOMPARE(adaptor.progress(), 1.0);
    }

    // The GUI thread runs its event loop while the worker calls setProgress
    // a million times. The bound follows from the adaptor's contract, not
    // from speed: after each notification the adaptor pauses for at least
    // 16 ms (a Till, which never goes early) before it watches again, and
    // it emits progressChanged() at most twice per pause (the notification,
    // and the read when the pause ends), plus once when it is wired and once
    // at the end. So over `elapsed` ms there are at most
    // 2 * (elapsed / 16 + 1) + 2 notifications, against 1 000 000 calls.
    // The values seen never go back, and the last is exactly 1.0.
    void aMillionProgressCallsBringBoundedNotificationsEndingAtOne()
    {
        constexpr int calls = 1000000;
        ThreadAdaptor adaptor(QStringLiteral("progress"), [](const Signal&) -> QVariant {
            const Thread self = Thread::current();
            for (int i = 1; i <= calls; ++i)
                self.setProgress(double(i) / calls);
            return {};
        });
        QList<double> seen;
        connect(&adaptor, &ThreadAdaptor::progressChanged, this, [&] { seen.append(adaptor.progress()); });
        QSignalSpy stopped(&adaptor, &ThreadAdaptor::stopped);
        QVERIFY(stopped.isValid());
        QElapsedTimer clock;
        clock.start();
        adaptor.start();
        QVERIFY(stopped.wait(hangGuardMs));
        const qint64 elapsed = clock.elapsed();
        const qint64 bound = 2 * (elapsed / 16 + 1) + 2;
        QVERIFY(!seen.isEmpty());
        QVERIFY2(seen.size() <= bound,
                 qPrintable(QStringLiteral("%1 notifications in %2 ms").arg(seen.size()).arg(elapsed)));
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.last(), 1.0);
        QCOMPARE(adaptor.progress(), 1.0);
    }

    // A worker that reports progress slowly (every 2 ms, shorter than the
    // pause) for 100 ms: its notifications are at least 16 ms apart, and
    // still the last value arrives.
    void notificationsAreAtLeastAPauseApart()
    {
        constexpr int steps = 50;
        ThreadAdaptor adaptor(QStringLiteral("paced"), [](const Signal&) -> QVariant {
            const Thread self = Thread::current();
            for (int i = 1; i <= steps; ++i) {
                self.setProgress(double(i) / steps);
                Till(2ms).wait();
            }
            return {};
        });
        QList<qint64> at;
        QElapsedTimer clock;
        connect(&adaptor, &ThreadAdaptor::progressChanged, this, [&] { at.append(clock.nsecsElapsed()); });
        QSignalSpy stopped(&adaptor, &ThreadAdaptor::stopped);
        QVERIFY(stopped.isValid());
        clock.start();
        adaptor.start();
        QVERIFY(stopped.wait(hangGuardMs));
        QCOMPARE(adaptor.progress(), 1.0);
        // Two emissions may share one pause (the notification and the read
        // that ends the pause); any three consecutive span a whole pause.
        for (int i = 2; i + 1 < at.size(); ++i)  // the last one is finish()'s read, not paced
            QVERIFY2(at[i] - at[i - 2] >= 16000000, qPrintable(QString::number(at[i] - at[i - 2])));
    }

    void aFailureIsLoggedWhenTheAdaptorIsDestroyedBeforeReportingIt()
    {
        testing::LogCapture log;
        auto adaptor = std::make_unique<ThreadAdaptor>(QStringLiteral("doomed"), [](const Signal&) -> QVariant {
            throw std::runtime_error("a failure nobody saw");
        });
        adaptor->start();
        adaptor->thread().stopped().wait();  // failed() is queued, not delivered
        adaptor.reset();
        const auto logged = log.mentioning("a failure nobody saw");
        QCOMPARE(logged.size(), std::size_t(1));
        QVERIFY2(testing::contains(logged.at(0).message, "doomed"), logged.at(0).message.c_str());
    }

    void aReportedFailureIsNotLoggedAgain()
    {
        testing::LogCapture log;
        {
            ThreadAdaptor adaptor(QStringLiteral("reported"), [](const Signal&) -> QVariant {
                throw std::runtime_error("a failure failed() reported");
            });
            QSignalSpy failed(&adaptor, &ThreadAdaptor::failed);
            QVERIFY(failed.isValid());
            adaptor.start();
            QVERIFY(failed.wait(hangGuardMs));
        }
        QVERIFY(log.mentioning("a failure failed() reported").empty());
    }

    void destroyingAnAdaptorWhoseStopIsQueuedCallsNothing()
    {
        int slotCalls = 0;
        {
            ThreadAdaptor adaptor(QStringLiteral("quick"), [](const Signal&) -> QVariant { return 1; });
            connect(&adaptor, &ThreadAdaptor::stopped, this, [&slotCalls] { ++slotCalls; });
            connect(&adaptor, &ThreadAdaptor::finished, this, [&slotCalls] { ++slotCalls; });
            adaptor.start();
            adaptor.thread().stopped().wait();
        }
        QCoreApplication::processEvents();
        QCOMPARE(slotCalls, 0);
    }

    void startTwiceWarnsNamingTheAdaptorAndDoesNotThrow()
    {
        ThreadAdaptor adaptor(QStringLiteral("once"), [](const Signal&) -> QVariant { return 1; });
        QSignalSpy started(&adaptor, &ThreadAdaptor::started);
        QSignalSpy finished(&adaptor, &ThreadAdaptor::finished);
        QVERIFY(started.isValid());
        QVERIFY(finished.isValid());
        adaptor.start();
        const QRegularExpression warning(
            QStringLiteral("^skein::ThreadAdaptor 'once': start\\(\\) on a thread that has started"));
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY_THROWS_NO_EXCEPTION(adaptor.start());
        // As a connection or QML calls it.
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY(QMetaObject::invokeMethod(&adaptor, "start"));
        QVERIFY(finished.wait(hangGuardMs));
        QCOMPARE(started.count(), 1);
        QCOMPARE(finished.count(), 1);
    }

    void startOnAWrappedThreadThatHadStartedWarns()
    {
        Thread running = Thread::run("wrapped-running", [](const Signal& pleaseStop) { pleaseStop.wait(); });
        ThreadAdaptor adaptor(running);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "^skein::ThreadAdaptor 'wrapped-running': start\\(\\) on a thread that has started")));
        QVERIFY_THROWS_NO_EXCEPTION(adaptor.start());
    }

    void startThatTheCoreRefusesWarnsAndEmitsNothing()
    {
        // An unstarted thread whose parent has ended: Thread::start() throws.
        auto orphan = Thread::run("short-lived", [] { return Thread("orphan", []() {}); }).join();
        ThreadAdaptor adaptor(orphan);
        QSignalSpy started(&adaptor, &ThreadAdaptor::started);
        QSignalSpy stopped(&adaptor, &ThreadAdaptor::stopped);
        QVERIFY(started.isValid());
        QVERIFY(stopped.isValid());
        const QRegularExpression warning(QStringLiteral("^skein::ThreadAdaptor 'orphan': start\\(\\) failed: "
                                                        ".*start\\(\\) after its parent"));
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY_THROWS_NO_EXCEPTION(adaptor.start());
        // Not wired: a second try is refused the same way, not as a second start().
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY_THROWS_NO_EXCEPTION(adaptor.start());
        // Anything start() queued would be delivered by now.
        QCoreApplication::processEvents();
        QCOMPARE(started.count(), 0);
        QCOMPARE(stopped.count(), 0);
        QVERIFY(!adaptor.isRunning());
    }

    void startAndRequestStopWarnAboutNothingWhenUsedRightly()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        ThreadAdaptor adaptor(QStringLiteral("polite"), [](const Signal& pleaseStop) -> QVariant {
            pleaseStop.wait();
            return 1;
        });
        QSignalSpy started(&adaptor, &ThreadAdaptor::started);
        QSignalSpy finished(&adaptor, &ThreadAdaptor::finished);
        QVERIFY(started.isValid());
        QVERIFY(finished.isValid());
        QVERIFY(QMetaObject::invokeMethod(&adaptor, "requestStop"));  // before start(): nothing to stop
        QVERIFY(QMetaObject::invokeMethod(&adaptor, "start"));
        QVERIFY(started.wait(hangGuardMs));
        QVERIFY(QMetaObject::invokeMethod(&adaptor, "requestStop"));
        QVERIFY(QMetaObject::invokeMethod(&adaptor, "requestStop"));  // idempotent
        QVERIFY(finished.wait(hangGuardMs));
        QCOMPARE(adaptor.result(), QVariant(1));
    }

    void anEmptyNameIsRejected()
    {
        const auto message = testing::messageOf<skein::Error>(
            [] { ThreadAdaptor(QString(), [](const Signal&) -> QVariant { return {}; }); });
        QVERIFY2(testing::contains(message, "ThreadAdaptor needs a name"), message.value_or("nothing thrown").c_str());
        QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument,
                                 ThreadAdaptor(QString(), [](const Signal&) -> QVariant { return {}; }));
    }

    void aSubclassWithoutWorkOrFunctionFailsNamingIt()
    {
        Bare bare;
        QSignalSpy failed(&bare, &ThreadAdaptor::failed);
        QVERIFY(failed.isValid());
        bare.start();
        QVERIFY(failed.wait(hangGuardMs));
        QVERIFY2(bare.error().contains(QLatin1String("'bare'")), qPrintable(bare.error()));
    }
};

QTEST_GUILESS_MAIN(tst_ThreadAdaptor)
#include "tst_thread_adaptor.moc"
