// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// skein::AsyncMessageHandler and skein::qtLogSink.
//
// The process-level cases run log_child (see its header): four threads log
// a million qInfo() lines in all, and every line must be in the file, each
// thread's lines in order, whether the child exits cleanly, is stopped by
// SIGTERM while the lines pour in, or dies by qFatal(). The in-process cases
// cover flush(), the previous handler, messages racing the destructor, and
// misuse.
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest>

#include <skein/error.h>
#include <skein/log.h>
#include <skein/qt/logging.h>
#include <skein/signal.h>
#include <skein/thread.h>

#include <csignal>
#include <mutex>
#include <sys/types.h>
#include <vector>

#include "testing.h"

using skein::AsyncMessageHandler;
using skein::Signal;
using skein::Thread;

namespace {

enum class Ending { CleanExit, Sigterm, Fatal };

// A guard on each wait for the child, far above the seconds it takes.
constexpr int childTimeoutMs = 120000;

// Every line of `path`.
QList<QByteArray> linesIn(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

// Checks that `lines` are exactly "<prefix>-<k> <i>" for k < threads and
// i < perThread, each thread's in order, with `extra` allowed after them.
// Returns an empty string, or what is wrong.
QString checkPerThreadOrder(const QList<QByteArray>& lines, int threads, int perThread,
                            const QList<QByteArray>& extra = {})
{
    std::vector<int> next(std::size_t(threads), 0);
    int extras = 0;
    for (const QByteArray& line : lines) {
        if (extra.contains(line)) {
            ++extras;
            continue;
        }
        const QList<QByteArray> parts = line.split(' ');
        bool okThread = false;
        bool okIndex = false;
        const int k = parts.size() == 2 && parts[0].startsWith("logger-") ? parts[0].mid(7).toInt(&okThread) : -1;
        const int i = parts.size() == 2 ? parts[1].toInt(&okIndex) : -1;
        if (!okThread || !okIndex || k < 0 || k >= threads)
            return QStringLiteral("unexpected line: ") + QString::fromUtf8(line);
        if (i != next[std::size_t(k)])
            return QStringLiteral("logger-%1: line %2 where %3 was due").arg(k).arg(i).arg(next[std::size_t(k)]);
        ++next[std::size_t(k)];
    }
    for (int k = 0; k < threads; ++k) {
        if (next[std::size_t(k)] != perThread)
            return QStringLiteral("logger-%1: %2 lines of %3").arg(k).arg(next[std::size_t(k)]).arg(perThread);
    }
    if (extras != extra.size())
        return QStringLiteral("%1 of %2 extra lines").arg(extras).arg(extra.size());
    return {};
}

// Records the messages that reach it, as the handler installed before.
struct Previous {
    static std::mutex mutex;
    static QStringList messages;  // guarded by mutex
    static void handler(QtMsgType, const QMessageLogContext&, const QString& text)
    {
        std::lock_guard<std::mutex> lock(mutex);
        messages.append(text);
    }
};
std::mutex Previous::mutex;
QStringList Previous::messages;

// Installs Previous::handler while it lives, then restores QtTest's.
class PreviousInstalled {
public:
    PreviousInstalled() : qtTest_(qInstallMessageHandler(Previous::handler))
    {
        std::lock_guard<std::mutex> lock(Previous::mutex);
        Previous::messages.clear();
    }
    ~PreviousInstalled() { qInstallMessageHandler(qtTest_); }
    PreviousInstalled(const PreviousInstalled&) = delete;
    PreviousInstalled& operator=(const PreviousInstalled&) = delete;

private:
    QtMessageHandler qtTest_;
};

QStringList previousMessages()
{
    std::lock_guard<std::mutex> lock(Previous::mutex);
    return Previous::messages;
}

}  // namespace

Q_DECLARE_METATYPE(Ending)

class tst_AsyncHandler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void flushWritesEverythingQueuedSoFar()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("log.txt"));
        PreviousInstalled previous;
        AsyncMessageHandler handler(path);
        for (int i = 0; i < 1000; ++i)
            qInfo("logger-0 %d", i);
        handler.flush();
        const QList<QByteArray> lines = linesIn(path);
        QCOMPARE(lines.size(), 1000);
        QCOMPARE(checkPerThreadOrder(lines, 1, 1000), QString());
        QVERIFY(previousMessages().isEmpty());
    }

    void theDestructorRestoresThePreviousHandler()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("log.txt"));
        PreviousInstalled previous;
        {
            AsyncMessageHandler handler(path);
            qInfo("to the file");
        }
        qInfo("to the previous handler");
        QCOMPARE(linesIn(path), QList<QByteArray>{"to the file"});
        QCOMPARE(previousMessages(), QStringList{QStringLiteral("to the previous handler")});
    }

    // Four threads log while the main thread destroys the handler: each
    // line goes to the file or, once the handler is gone, to the previous
    // handler; none is lost, none is written twice, and each thread's lines
    // are a prefix in the file and the rest, in order, in the previous
    // handler. A call of the message handler that used the freed state
    // would be a use-after-free under ASan, and a race under TSan.
    void messagesRacingTheDestructorAreNeitherLostNorFreed()
    {
        constexpr int threads = 4;
        constexpr int perThread = 20000;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("log.txt"));
        PreviousInstalled previous;
        auto handler = std::make_unique<AsyncMessageHandler>(path);
        testing::Countdown logging(threads);
        std::vector<Thread> loggers;
        for (int k = 0; k < threads; ++k) {
            loggers.push_back(Thread::run("logger-" + std::to_string(k), [k, &logging] {
                for (int i = 0; i < perThread; ++i) {
                    qInfo("logger-%d %d", k, i);
                    if (i == 100)
                        logging.arrive();
                }
            }));
        }
        logging.done().wait();
        handler.reset();
        for (Thread& t : loggers)
            t.join();

        const QList<QByteArray> inFile = linesIn(path);
        QList<QByteArray> inPrevious;
        for (const QString& m : previousMessages())
            inPrevious.append(m.toUtf8());
        QCOMPARE(inFile.size() + inPrevious.size(), threads * perThread);
        // Each thread: 0 … m-1 in the file, m … perThread-1 in the previous handler.
        std::vector<int> inFileCount(threads, 0);
        for (const QByteArray& line : inFile)
            ++inFileCount[std::size_t(line.split(' ')[0].mid(7).toInt())];
        QList<QByteArray> joined = inFile;
        for (const QByteArray& line : inPrevious) {
            const QList<QByteArray> parts = line.split(' ');
            const int k = parts[0].mid(7).toInt();
            QVERIFY2(parts[1].toInt() >= inFileCount[std::size_t(k)], line.constData());
            joined.append(line);
        }
        QCOMPARE(checkPerThreadOrder(joined, threads, perThread), QString());
    }

    void aSecondHandlerIsAUsageError()
    {
        AsyncMessageHandler first;
        QVERIFY_THROWS_EXCEPTION(skein::UsageError, AsyncMessageHandler());
    }

    void anUnwritableFileIsAnErrorNamingIt()
    {
        try {
            AsyncMessageHandler handler(QStringLiteral("/no/such/dir/log.txt"));
            QFAIL("no exception");
        } catch (const skein::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("/no/such/dir/log.txt")), e.what());
        }
        AsyncMessageHandler afterwards;  // the failed one did not stay installed
    }

    void qtLogSinkWritesSkeinRecordsIntoTheirCategory()
    {
        struct Seen {
            QtMsgType type;
            QString category;
            QString text;
        };
        static std::vector<Seen> seen;
        seen.clear();
        const QtMessageHandler qtTest =
            qInstallMessageHandler([](QtMsgType type, const QMessageLogContext& context, const QString& text) {
                seen.push_back({type, QString::fromUtf8(context.category), text});
            });
        const skein::LogSink before = skein::setLogSink(skein::qtLogSink());
        skein::log(skein::LogLevel::Warning, "a warning");
        skein::log(skein::LogLevel::Error, "an error");
        skein::setLogSink(before);
        qInstallMessageHandler(qtTest);
        QCOMPARE(seen.size(), std::size_t(2));
        QCOMPARE(seen[0].type, QtWarningMsg);
        QCOMPARE(seen[0].category, QStringLiteral("skein.log"));
        QCOMPARE(seen[0].text, QStringLiteral("[main] a warning"));
        QCOMPARE(seen[1].type, QtCriticalMsg);
        QCOMPARE(seen[1].text, QStringLiteral("[main] an error"));
    }

    // Last: QProcess starts children with vfork() semantics (the child runs
    // on this process's memory until exec()), which ThreadSanitizer cannot
    // follow; its view of this process's threads is not to be trusted after.
    void everyLineReachesTheFileInPerThreadOrder_data()
    {
        QTest::addColumn<Ending>("ending");
        QTest::addColumn<int>("perThread");
#if defined(SKEIN_TEST_ASAN) || defined(SKEIN_TEST_TSAN)
        const int million = 1000000 / 4;  // the sanitizers slow every line several times
#else
        const int million = 1000000;
#endif
        QTest::newRow("clean exit") << Ending::CleanExit << million / 4;
        QTest::newRow("SIGTERM while logging") << Ending::Sigterm << million / 4;
        // What matters is the last line: written before Qt aborts.
        QTest::newRow("qFatal") << Ending::Fatal << 10000;
    }
    void everyLineReachesTheFileInPerThreadOrder()
    {
        QFETCH(Ending, ending);
        QFETCH(int, perThread);
        constexpr int threads = 4;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("log.txt"));
        const char* mode = ending == Ending::CleanExit ? "exit" : ending == Ending::Sigterm ? "sigterm" : "fatal";
        const QStringList arguments = {path, QString::number(perThread), QString::fromLatin1(mode)};
        QProcess child;
        QByteArray out;
        QVERIFY(testing::startChild(child, QStringLiteral(LOG_CHILD), arguments, out, childTimeoutMs));
        if (ending == Ending::Sigterm)
            QCOMPARE(::kill(pid_t(child.processId()), SIGTERM), 0);
        QVERIFY(testing::finishChild(child, out, childTimeoutMs));
        const QByteArray err = child.readAllStandardError();
        if (ending == Ending::Fatal) {
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);  // qFatal aborts
        } else {
            QCOMPARE(child.exitStatus(), QProcess::NormalExit);
            QVERIFY2(child.exitCode() == 0, err.constData());
        }
        const QList<QByteArray> lines = linesIn(path);
        const QList<QByteArray> extra = ending == Ending::Fatal ? QList<QByteArray>{"last words"} : QList<QByteArray>{};
        QCOMPARE(lines.size(), threads * perThread + extra.size());
        const QString wrong = checkPerThreadOrder(lines, threads, perThread, extra);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        if (ending == Ending::Fatal)
            QCOMPARE(lines.last(), QByteArray("last words"));
    }
};

QTEST_GUILESS_MAIN(tst_AsyncHandler)
#include "tst_async_handler.moc"
