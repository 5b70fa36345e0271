#include <QtCore/QTemporaryDir>
#include <QtTest>

#include <skein/qt/process.h>
#include <skein/skein.h>

using namespace std::chrono_literals;

class tst_Command : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { skein::Command::closeIdleSessions(); }

    void returnsExitCodeAndOutputLines()
    {
        const auto r = skein::Command::run(QStringLiteral("echo out; echo err >&2; printf 'no newline'; exit 3"));
        QVERIFY(r);
        QCOMPARE(r->exitCode, 3);
        QCOMPARE(r->stdoutLines, (std::vector<std::string>{"out", "no newline"}));
        QCOMPARE(r->stderrLines, (std::vector<std::string>{"err"}));
    }

    void reusesOneSessionForManyCommands()
    {
        for (int i = 0; i < 50; ++i) {
            const auto r = skein::Command::run(QStringLiteral("echo %1").arg(i));
            QVERIFY(r);
            QCOMPARE(r->stdoutLines, (std::vector<std::string>{std::to_string(i)}));
        }
        QCOMPARE(skein::Command::sessionCount(), std::size_t(1));
    }

    void outputThatLooksLikeAMarkerDoesNotConfuseIt()
    {
        const auto r = skein::Command::run(QStringLiteral("echo '__skein_0123456789abcdef0123456789abcdef__ 0'; echo after"));
        QVERIFY(r);
        QCOMPARE(r->exitCode, 0);
        QCOMPARE(r->stdoutLines.size(), std::size_t(2));
        QCOMPARE(r->stdoutLines[1], std::string("after"));
    }

    void aCommandThatEndsTheShellIsReportedAndTheSessionReplaced()
    {
        const auto r = skein::Command::run(QStringLiteral("exit 7"));
        QVERIFY(r);
        QCOMPARE(r->exitCode, 7);
        const auto next = skein::Command::run(QStringLiteral("echo again"));
        QVERIFY(next);
        QCOMPARE(next->stdoutLines, (std::vector<std::string>{"again"}));
    }

    void honoursTill()
    {
        const auto r = skein::Command::run(QStringLiteral("sleep 30"), skein::Till(100ms));
        QVERIFY(!r);
        QCOMPARE(skein::Command::sessionCount(), std::size_t(0));  // that session was stopped
    }

    void sessionsArePerWorkingDirectory()
    {
        QTemporaryDir a, b;
        skein::Command::Options inA{a.path(), std::nullopt};
        skein::Command::Options inB{b.path(), std::nullopt};
        QCOMPARE(QString::fromStdString(skein::Command::run(QStringLiteral("pwd -P"), skein::Signal::never(), inA)->stdoutLines.at(0)),
                 QDir(a.path()).canonicalPath());
        QCOMPARE(QString::fromStdString(skein::Command::run(QStringLiteral("pwd -P"), skein::Signal::never(), inB)->stdoutLines.at(0)),
                 QDir(b.path()).canonicalPath());
        QCOMPARE(skein::Command::sessionCount(), std::size_t(2));
    }

    void idleSessionsCloseAfterTheIdleTimeout()
    {
        skein::Command::setIdleTimeout(50ms);
        QVERIFY(skein::Command::run(QStringLiteral("true")));
        QCOMPARE(skein::Command::sessionCount(), std::size_t(1));
        QTRY_COMPARE_WITH_TIMEOUT(skein::Command::sessionCount(), std::size_t(0), 10000);
        skein::Command::setIdleTimeout(60s);
    }
};

QTEST_GUILESS_MAIN(tst_Command)
#include "tst_command.moc"
