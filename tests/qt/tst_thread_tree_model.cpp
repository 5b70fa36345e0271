// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// ThreadTreeModel: the live thread tree as rows (name, path, state,
// progress), checked by QAbstractItemModelTester while threads start and
// stop on other threads; states, progress and removal; the timer.
//
// Threads are ordered with Signals, never with sleeps. The churn's threads
// live for short random Tills: that is the workload, not synchronisation.
#include <QtCore/QRegularExpression>
#include <QtTest>
#include <QtTest/QAbstractItemModelTester>

#include <skein/qt/thread_tree_model.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <chrono>
#include <random>
#include <stdexcept>

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
        QCOMPARE(model.refreshInterval(), 100);
        QCOMPARE(interval.count(), 0);
    }

    void theTimerFollowsTheTreeWithoutRefreshCalls()
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

        Signal release;
        auto worker = Thread::run("timed", [release](const Signal& pleaseStop) { release.wait(pleaseStop); });
        QTRY_VERIFY_WITH_TIMEOUT(rowNamed(model, mainRow(model), QStringLiteral("timed")).isValid(), hangGuardMs);
        release.go();
        worker.join();
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(mainRow(model)), 0, hangGuardMs);
        QVERIFY(QMetaObject::invokeMethod(&model, "refresh"));
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
