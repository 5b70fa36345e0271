#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cerrno>

#include <skein/qt/process.h>
#include <skein/skein.h>

using namespace std::chrono_literals;

namespace {

// A reaped child is gone: kill(pid, 0) fails with ESRCH. A zombie would
// still answer.
bool isGone(qint64 pid) { return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH; }

std::vector<std::string> drain(skein::Queue<std::string>& lines)
{
    std::vector<std::string> all;
    while (auto line = lines.pop(skein::Till(60s)))
        all.push_back(std::move(*line));
    return all;
}

} // namespace

class tst_Process : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aProgramThatDoesNotExistThrowsAnErrorNamingIt()
    {
        QElapsedTimer clock;
        clock.start();
        try {
            skein::Process p("missing", QStringLiteral("/no/such/program"));
            QFAIL("no exception");
        } catch (const skein::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("/no/such/program")), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("missing")), e.what());
        }
        QVERIFY(skein::Thread::current().children().empty());
    }

    void linesArriveInOrderOnBothStreamsWithTheLastUnterminatedLine()
    {
        skein::Process p("lines", QStringLiteral("/bin/sh"),
                         {QStringLiteral("-c"), QStringLiteral("echo one; echo two >&2; echo 'ünï ✓'; printf three")});
        QCOMPARE(drain(p.stdoutLines()), (std::vector<std::string>{"one", "ünï ✓", "three"}));
        QCOMPARE(drain(p.stderrLines()), (std::vector<std::string>{"two"}));
        QCOMPARE(p.join(), 0);
        QVERIFY(p.stdoutLines().isClosed());
    }

    void exitCodeWorkingDirectoryAndEnvironmentArePassed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        skein::Process::Options options;
        options.workingDirectory = dir.path();
        QProcessEnvironment env;
        env.insert(QStringLiteral("SKEIN_TEST_VALUE"), QStringLiteral("forty-two"));
        options.environment = env;
        skein::Process p("env", QStringLiteral("/bin/sh"),
                         {QStringLiteral("-c"), QStringLiteral("pwd; echo $SKEIN_TEST_VALUE; exit 5")}, options);
        const auto out = drain(p.stdoutLines());
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(QDir(QString::fromStdString(out[0])).canonicalPath(), QDir(dir.path()).canonicalPath());
        QCOMPARE(out[1], std::string("forty-two"));
        QCOMPARE(p.join(), 5);
    }

    void stdinIsWrittenAndClosed()
    {
        skein::Process cat("cat", QStringLiteral("/bin/cat"));
        cat.write("first\nsecond\n");
        cat.closeStdin();
        QCOMPARE(drain(cat.stdoutLines()), (std::vector<std::string>{"first", "second"}));
        QCOMPARE(cat.join(), 0);
    }

    void aChildThatNeverExitsIsKilledWhenItsParentThreadStopsAndLeavesNoZombie()
    {
        qint64 pid = 0;
        const skein::Signal running;
        auto parent = skein::Thread::run("owner", [&](const skein::Signal& pleaseStop) {
            skein::Process sleeper("sleeper", QStringLiteral("/bin/sleep"), {QStringLiteral("1000")});
            pid = sleeper.processId();
            skein::Signal(running).go();
            pleaseStop.wait();
            return sleeper.join();  // the parent's stop reached the process's thread
        });
        running.wait();
        QVERIFY(pid > 0);
        QVERIFY(!isGone(pid));
        parent.stop();
        QCOMPARE(parent.join(), 128 + SIGTERM);
        QVERIFY(isGone(pid));
    }

    void aChildIgnoringSigtermIsKilledAfterTheGracePeriod()
    {
        skein::Process::Options options;
        options.killGrace = 100ms;
        skein::Process stubborn("stubborn", QStringLiteral("/bin/sh"),
                                {QStringLiteral("-c"), QStringLiteral("trap '' TERM; echo ready; while :; do sleep 1; done")},
                                options);
        QCOMPARE(stubborn.stdoutLines().pop(skein::Till(10s)), std::optional<std::string>("ready"));
        const qint64 pid = stubborn.processId();
        stubborn.stop();
        QCOMPARE(stubborn.join(), 128 + SIGKILL);
        QVERIFY(isGone(pid));
    }

    void aCrashIsReportedAsSuch()
    {
        skein::Process p("crasher", QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("kill -SEGV $$")});
        try {
            p.join();
            QFAIL("no exception");
        } catch (const skein::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("crashed")), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("signal 11")), e.what());
        }
    }

    void aFailedProcessLeavesNoTraceInTheThreadTreeAfterJoin()
    {
        {
            skein::Process p("failing", QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("exit 1")});
            QCOMPARE(p.join(), 1);
        }
        QVERIFY(skein::Thread::current().children().empty());
    }

    void hugeOutputOnBothStreamsAtOnceArrivesWhole()
    {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
        const int lines = 200000;  // ~10 MB: the sanitizers slow every line tenfold
#else
        const int lines = 1000000;  // 2 streams × 1 000 000 lines × ~50 bytes = ~100 MB
#endif
        const QString script = QStringLiteral(
            "awk 'BEGIN { for (i = 0; i < %1; i++) printf \"%d ........................................\\n\", i }' &"
            "awk 'BEGIN { for (i = 0; i < %1; i++) printf \"%d ........................................\\n\", i }' >&2;"
            "wait").arg(lines);
        skein::Process p("flood", QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
        // Read stderr on another thread while this one reads stdout.
        auto errReader = skein::Thread::run("stderr-reader", [&p] { return drain(p.stderrLines()); });
        const auto out = drain(p.stdoutLines());
        const auto err = errReader.join();
        QCOMPARE(p.join(), 0);
        for (const auto* stream : {&out, &err}) {
            QCOMPARE(stream->size(), std::size_t(lines));
            for (int i = 0; i < lines; i += 9973)
                QCOMPARE(std::stoi((*stream)[std::size_t(i)]), i);
            QCOMPARE(std::stoi(stream->back()), lines - 1);
        }
    }
};

QTEST_GUILESS_MAIN(tst_Process)
#include "tst_process.moc"
