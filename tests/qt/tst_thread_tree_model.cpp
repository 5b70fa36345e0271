// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// ThreadTreeModel: the live thread tree as rows (name, path, state,
// progress), checked by QAbstractItemModelTester while threads start and
// stop on other threads; states, progress and removal; events that reach a
// view within one turn of the event loop, without refresh() and without
// polling; progress coalesced into one queued refresh.
//
// Threads are ordered with Signals, never with sleeps. The churn's threads
// live for short random Tills: that is the workload, not synchronisation.
#include <QtCore/QRegularExpression>
#include <QtTest>
#include <QtTest/QAbstractItemModelTester>

#include <skein/main_thread.h>
#include <skein/qt/thread_tree_model.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::ThreadTreeModel;
using skein::Till;
using testing::hangGuardMs;

namespace {

// The row under `parent` whose name is `name`, or an invalid index.
QModelIndex rowNamed(const QAbstractItemModel& model, const QModelIndex& parent, const QString& name)
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (index.data(ThreadTreeModel::NameRole).toString() == name)
            return index;
    }
    return {};
}

QModelIndex mainRow(const QAbstractItemModel& model) { return model.index(0, 0); }

// Counts the queued calls (the model's refreshes) delivered to an object.
class QueuedCalls : public QObject {
public:
    explicit QueuedCalls(QObject* watched) { watched->installEventFilter(this); }
    int count = 0;

protected:
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::MetaCall)
            ++count;
        return false;
    }
};

// Reads every row and role, as a view would.
int readAll(const QAbstractItemModel& model, const QModelIndex& parent)
{
    int rows = 0;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        for (int column = 0; column < model.columnCount(parent); ++column)
            (void)model.index(row, column, parent).data();
        const QModelIndex index = model.index(row, 0, parent);
        for (int role = ThreadTreeModel::NameRole; role <= ThreadTreeModel::DepthRole; ++role)
            (void)index.data(role);
        rows += 1 + readAll(model, index);
    }
    return rows;
}

// Starts threads under the calling thread, each with children of its own,
// that end after 0–2 ms or when asked to stop, for `rounds` rounds.
void churn(int rounds, unsigned seed, const Signal& pleaseStop)
{
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> lifetimeUs(0, 2000);
    std::uniform_int_distribution<int> children(0, 3);
    for (int round = 0; round < rounds && !pleaseStop; ++round) {
        const int count = 1 + children(random);
        for (int i = 0; i < count; ++i) {
            const int lifetime = lifetimeUs(random);
            const int grandchildren = children(random);
            const int childLifetime = lifetimeUs(random);
            Thread::run("t" + std::to_string(round) + "-" + std::to_string(i),
                        [lifetime, grandchildren, childLifetime](const Signal& stop) {
                            for (int g = 0; g < grandchildren; ++g) {
                                Thread::run("g" + std::to_string(g), [childLifetime](const Signal& childStop) {
                                    Thread::current().setProgress(0.5, "half");
                                    Till(std::chrono::microseconds(childLifetime)).wait(childStop);
                                });
                            }
                            Thread::current().setProgress(0.25);
                            Till(std::chrono::microseconds(lifetime)).wait(stop);
                        });
        }
        Till(std::chrono::microseconds(lifetimeUs(random))).wait(pleaseStop);
    }
}

}  // namespace

class tst_ThreadTreeModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(Thread::current().children().empty()); }

    // The tester checks the model's consistency at every signal the model
    // emits (QtTest mode: a violation fails this test). The GUI thread
    // refreshes and reads the whole model as fast as it can while the
    // churn starts and ends some thousand threads in three levels.
    void passesTheModelTesterWhileThreadsStartAndStopConcurrently()
    {
        ThreadTreeModel model;
        model.setRefreshInterval(1);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QVERIFY(inserted.isValid());
        QVERIFY(removed.isValid());

        // The churn begins once the model has seen its thread: rows come and
        // go however late the scheduler lets this loop run.
        Signal seen;
        auto churner = Thread::run("churn", [seen](const Signal& pleaseStop) {
            if (seen.wait(pleaseStop))
                churn(300, 20261201u, pleaseStop);
        });
        model.refresh();
        const bool churnShown = rowNamed(model, mainRow(model), QStringLiteral("churn")).isValid();
        seen.go();
        do {
            model.refresh();
            (void)readAll(model, {});
            QCoreApplication::processEvents();  // the model's own timer too
            if (QTest::currentTestFailed())
                break;
        } while (churner.isRunning());
        churner.stop();
        churner.join();
        model.refresh();
        QVERIFY(churnShown);
        QCOMPARE(model.rowCount(mainRow(model)), 0);
        QVERIFY(inserted.count() > 0);  // the churn's own row, at least
        QVERIFY(removed.count() > 0);
    }

    void rowsShowTheLiveTreeWithPathDepthAndProgress()
    {
        Signal ready;
        Signal release;
        auto alpha = Thread::run("alpha", [ready, release](const Signal& pleaseStop) mutable {
            Thread::run("beta", [release](const Signal& betaStop) { release.wait(betaStop); });
            Thread::current().setProgress(0.5, "half");
            ready.go();
            release.wait(pleaseStop);
        });
        QVERIFY(ready.wait(Till(60s)));

        ThreadTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex main = mainRow(model);
        QCOMPARE(main.data(ThreadTreeModel::NameRole).toString(), QStringLiteral("main"));
        QCOMPARE(main.data(ThreadTreeModel::DepthRole).toInt(), 0);
        const QModelIndex alphaRow = rowNamed(model, main, QStringLiteral("alpha"));
        QVERIFY(alphaRow.isValid());
        QCOMPARE(alphaRow.data(ThreadTreeModel::PathRole).toString(), QStringLiteral("main/alpha"));
        QCOMPARE(alphaRow.data(ThreadTreeModel::StateRole).toString(), QStringLiteral("running"));
        QCOMPARE(alphaRow.data(ThreadTreeModel::RunningRole).toBool(), true);
        QCOMPARE(alphaRow.data(ThreadTreeModel::ProgressRole).toDouble(), 0.5);
        QCOMPARE(alphaRow.data(ThreadTreeModel::ProgressTextRole).toString(), QStringLiteral("half"));
        QCOMPARE(alphaRow.siblingAtColumn(ThreadTreeModel::PathColumn).data().toString(), QStringLiteral("main/alpha"));
        QCOMPARE(alphaRow.siblingAtColumn(ThreadTreeModel::ProgressColumn).data().toDouble(), 0.5);
        const QModelIndex betaRow = rowNamed(model, alphaRow, QStringLiteral("beta"));
        QVERIFY(betaRow.isValid());
        QCOMPARE(betaRow.data(ThreadTreeModel::PathRole).toString(), QStringLiteral("main/alpha/beta"));
        QCOMPARE(betaRow.data(ThreadTreeModel::DepthRole).toInt(), 2);
        QCOMPARE(betaRow.parent(), alphaRow);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(changed.isValid());
        alpha.setProgress(0.75, "three quarters");
        model.refresh();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), alphaRow);
        QCOMPARE(alphaRow.data(ThreadTreeModel::ProgressRole).toDouble(), 0.75);
        QCOMPARE(alphaRow.data(ThreadTreeModel::ProgressTextRole).toString(), QStringLiteral("three quarters"));

        release.go();
        alpha.join();
        model.refresh();
        QCOMPARE(model.rowCount(main), 0);
    }

    // "stopping" while a thread was asked to stop and has not ended; a
    // failed thread nobody joined yet stays, "stopped", until it is joined.
    void stateFollowsTheThreadUntilItLeavesTheTree()
    {
        Signal release;
        Signal ready;
        auto stubborn = Thread::run("stubborn", [release, ready]() mutable {
            ready.go();
            release.wait();  // ignores its pleaseStop
            throw std::runtime_error("stubborn failed");
        });
        QVERIFY(ready.wait(Till(60s)));
        ThreadTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QModelIndex row = rowNamed(model, mainRow(model), QStringLiteral("stubborn"));
        QVERIFY(row.isValid());
        QCOMPARE(row.data(ThreadTreeModel::StateRole).toString(), QStringLiteral("running"));

        stubborn.stop();
        model.refresh();
        QCOMPARE(row.data(ThreadTreeModel::StateRole).toString(), QStringLiteral("stopping"));
        QCOMPARE(row.data(ThreadTreeModel::RunningRole).toBool(), true);

        release.go();
        stubborn.stopped().wait();
        model.refresh();
        QCOMPARE(row.data(ThreadTreeModel::StateRole).toString(), QStringLiteral("stopped"));
        QCOMPARE(row.data(ThreadTreeModel::RunningRole).toBool(), false);

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QVERIFY(removed.isValid());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, stubborn.join());
        model.refresh();
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.rowCount(mainRow(model)), 0);
    }

    void refreshIntervalOfZeroOrLessWarnsAndKeepsTheInterval_data()
    {
        QTest::addColumn<int>("milliseconds");
        QTest::newRow("0") << 0;
        QTest::newRow("-1") << -1;
    }
    void refreshIntervalOfZeroOrLessWarnsAndKeepsTheInterval()
    {
        QFETCH(int, milliseconds);
        ThreadTreeModel model;
        model.setObjectName(QStringLiteral("tree"));
        QSignalSpy interval(&model, &ThreadTreeModel::refreshIntervalChanged);
        QVERIFY(interval.isValid());
        const QRegularExpression warning(
            QStringLiteral("^skein::ThreadTreeModel 'tree': refreshInterval set to %1 ms").arg(milliseconds));
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY_THROWS_NO_EXCEPTION(model.setRefreshInterval(milliseconds));
        // As QML sets it.
        QTest::ignoreMessage(QtWarningMsg, warning);
        QVERIFY(model.setProperty("refreshInterval", milliseconds));
        QCOMPARE(model.refreshInterval(), 16);
        QCOMPARE(interval.count(), 0);
    }

    void refreshIntervalIsAPropertyThatNotifiesItsChanges()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        ThreadTreeModel model;
        QSignalSpy interval(&model, &ThreadTreeModel::refreshIntervalChanged);
        QVERIFY(interval.isValid());
        model.setProperty("refreshInterval", 5);
        QCOMPARE(model.refreshInterval(), 5);
        QCOMPARE(interval.count(), 1);
        model.setRefreshInterval(5);
        QCOMPARE(interval.count(), 1);
        QVERIFY(QMetaObject::invokeMethod(&model, "refresh"));
    }

    // No refresh(), no timed wait: what start(), stop(), the end and join()
    // did is posted before they return, and one turn of the event loop
    // shows it.
    void aViewSeesAThreadComeStopAndLeaveWithinOneTurnOfTheEventLoop()
    {
        ThreadTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(inserted.isValid());
        QVERIFY(removed.isValid());
        QVERIFY(changed.isValid());
        QCoreApplication::processEvents();
        QCOMPARE(inserted.count(), 0);

        Signal release;
        auto worker = Thread::run("eventful", [release](const Signal&) { release.wait(); });
        QCoreApplication::processEvents();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(0).value<QModelIndex>(), mainRow(model));
        const QModelIndex row = rowNamed(model, mainRow(model), QStringLiteral("eventful"));
        QVERIFY(row.isValid());
        QCOMPARE(row.data(ThreadTreeModel::StateRole).toString(), QStringLiteral("running"));

        worker.stop();
        QCoreApplication::processEvents();
        QCOMPARE(row.data(ThreadTreeModel::StateRole).toString(), QStringLiteral("stopping"));
        QVERIFY(!changed.isEmpty());
        QCOMPARE(changed.last().at(0).value<QModelIndex>(), row);

        release.go();
        worker.join();
        QCoreApplication::processEvents();
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(0).value<QModelIndex>(), mainRow(model));
        QCOMPARE(model.rowCount(mainRow(model)), 0);
    }

    // A thread Skein did not start shows while it is registered.
    void aRegisteredThreadShowsWithinOneTurnOfTheEventLoop()
    {
        ThreadTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Signal registered;
        Signal unregister;
        Signal unregistered;
        std::thread foreign([=]() mutable {
            {
                const skein::RegisterThread self("foreign");
                registered.go();
                unregister.wait();
            }
            unregistered.go();
        });
        QVERIFY(registered.wait(Till(60s)));
        QCoreApplication::processEvents();
        QVERIFY(rowNamed(model, mainRow(model), QStringLiteral("foreign")).isValid());
        unregister.go();
        QVERIFY(unregistered.wait(Till(60s)));
        QCoreApplication::processEvents();
        QVERIFY(!rowNamed(model, mainRow(model), QStringLiteral("foreign")).isValid());
        foreign.join();
    }

    // Eight threads set progress in a tight loop while the model's thread
    // is busy elsewhere: one queued refresh waits for it, however many
    // changes came, and the last values arrive.
    void progressIsCoalescedIntoOneQueuedRefreshAndTheLastValueArrives()
    {
        constexpr int threads = 8;
        constexpr int steps = 20000;
        ThreadTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Signal go;
        Signal release;
        std::vector<Signal> looped(threads);
        std::vector<Thread> workers;
        for (int i = 0; i < threads; ++i)
            workers.push_back(Thread::run("p" + std::to_string(i), [=](const Signal& pleaseStop) {
                if (!go.wait(pleaseStop))
                    return;
                const Thread me = Thread::current();
                for (int step = 1; step <= steps; ++step)
                    me.setProgress(double(step) / steps, step == steps ? "done" : "");
                looped[std::size_t(i)].go();
                release.wait(pleaseStop);
            }));
        QCoreApplication::processEvents();
        QCOMPARE(model.rowCount(mainRow(model)), threads);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(changed.isValid());
        QueuedCalls calls(&model);
        go.go();
        for (const Signal& s : looped)
            QVERIFY(s.wait(Till(60s)));
        QCOMPARE(calls.count, 0);
        QCoreApplication::processEvents();
        QCOMPARE(calls.count, 1);

        const auto allDone = [&] {
            for (int i = 0; i < threads; ++i) {
                const QModelIndex row = rowNamed(model, mainRow(model), "p" + QString::number(i));
                if (row.data(ThreadTreeModel::ProgressRole).toDouble() != 1.0 ||
                    row.data(ThreadTreeModel::ProgressTextRole).toString() != QLatin1String("done"))
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allDone(), hangGuardMs);
        QVERIFY(!changed.isEmpty());
        for (const auto& change : changed) {
            const QModelIndex first = change.at(0).value<QModelIndex>();
            QCOMPARE(first.parent(), mainRow(model));
            QCOMPARE(first.column(), 0);
            QCOMPARE(change.at(1).value<QModelIndex>().row(), first.row());
        }
        release.go();
        for (Thread& w : workers)
            w.join();
    }

    // A thousand threads, in batches of a hundred started from another
    // thread, each batch shown, then ended; the model follows by events
    // alone, and the tester aborts at the first inconsistency.
    void passesTheModelTesterWhileAThousandThreadsStartAndStop()
    {
        constexpr int batches = 10;
        constexpr int batchSize = 100;
        ThreadTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(inserted.isValid());
        std::vector<Signal> begins(batches);
        std::vector<Signal> releases(batches);
        std::atomic<int> started{0};
        auto starter = Thread::run("starter", [begins, releases, &started](const Signal& pleaseStop) {
            for (int b = 0; b < batches; ++b) {
                const Signal release = releases[std::size_t(b)];
                if (!begins[std::size_t(b)].wait(pleaseStop))
                    return;
                std::vector<Thread> batch;
                for (int i = 0; i < batchSize; ++i) {
                    batch.push_back(Thread::run("b" + std::to_string(i), [release, i](const Signal& stop) {
                        if (i % 10 == 0)
                            Thread::run("child", [release](const Signal& childStop) { release.wait(childStop); });
                        Thread::current().setProgress(0.5);
                        release.wait(stop);
                    }));
                    started.fetch_add(1);
                }
                if (!release.wait(pleaseStop))
                    return;
                for (Thread& t : batch)
                    t.join();
            }
            pleaseStop.wait();  // its row stays until the last batch has left
        });
        QCoreApplication::processEvents();
        const QPersistentModelIndex starterRow = rowNamed(model, mainRow(model), QStringLiteral("starter"));
        QVERIFY(starterRow.isValid());
        for (int b = 0; b < batches; ++b) {
            begins[std::size_t(b)].go();
            QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(starterRow), batchSize, hangGuardMs);
            (void)readAll(model, {});
            releases[std::size_t(b)].go();
            QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(starterRow), 0, hangGuardMs);
        }
        QVERIFY(starterRow.isValid());
        starter.stop();
        starter.join();
        QCoreApplication::processEvents();
        QCOMPARE(model.rowCount(mainRow(model)), 0);
        QCOMPARE(started.load(), batches * batchSize);
        QVERIFY(inserted.count() > batches);
    }

    void rolesAndHeadersAreNamed()
    {
        ThreadTreeModel model;
        const QHash<int, QByteArray> roles = model.roleNames();
        QCOMPARE(roles.value(ThreadTreeModel::NameRole), QByteArray("name"));
        QCOMPARE(roles.value(ThreadTreeModel::PathRole), QByteArray("path"));
        QCOMPARE(roles.value(ThreadTreeModel::StateRole), QByteArray("state"));
        QCOMPARE(roles.value(ThreadTreeModel::ProgressRole), QByteArray("progress"));
        QCOMPARE(roles.value(ThreadTreeModel::ProgressTextRole), QByteArray("progressText"));
        QCOMPARE(roles.value(ThreadTreeModel::RunningRole), QByteArray("running"));
        QCOMPARE(roles.value(ThreadTreeModel::DepthRole), QByteArray("depth"));
        QCOMPARE(roles.value(Qt::DisplayRole), QByteArray("display"));
        QCOMPARE(model.columnCount(), int(ThreadTreeModel::ColumnCount));
        QCOMPARE(model.headerData(ThreadTreeModel::NameColumn, Qt::Horizontal).toString(), QStringLiteral("Name"));
        QCOMPARE(model.headerData(ThreadTreeModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("State"));
        QVERIFY(!model.headerData(0, Qt::Vertical).isValid());
    }
};

QTEST_GUILESS_MAIN(tst_ThreadTreeModel)
#include "tst_thread_tree_model.moc"
