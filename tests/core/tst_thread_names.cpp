// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// OS thread names: every thread Skein starts carries its Skein name where
// gdb's `info threads`, top -H, perf and crash dumps read it — on Linux the
// kernel's /proc/self/task/<tid>/comm, 15 bytes at most. A longer name keeps
// its tail, cut at a UTF-8 character boundary, so that worker-11 and
// worker-12 stay apart. RegisterThread names a foreign thread while it is
// registered and gives it back its own name at the end.
#include <QtTest>

#include <skein/main_thread.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

#include <dirent.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;

namespace {

long currentTid() { return long(::syscall(SYS_gettid)); }

// What the kernel says the OS thread `tid` of this process is called.
std::string commOf(long tid)
{
    std::ifstream file("/proc/self/task/" + std::to_string(tid) + "/comm");
    std::string name;
    std::getline(file, name);
    return name;
}

// The names of every OS thread of this process.
QStringList allComms()
{
    QStringList names;
    DIR* tasks = ::opendir("/proc/self/task");
    while (const dirent* entry = tasks ? ::readdir(tasks) : nullptr) {
        if (entry->d_name[0] != '.')
            names << QString::fromStdString(commOf(std::stol(entry->d_name)));
    }
    if (tasks)
        ::closedir(tasks);
    return names;
}

// Starts a Skein thread called `name` and returns what the OS calls it while
// it runs: the thread reports its tid, then waits until it has been read.
std::string osNameOfASkeinThread(const std::string& name)
{
    std::atomic<long> tid{0};
    Signal started("started");
    Signal read("read");
    auto thread = Thread::run(name, [&] {
        tid = currentTid();
        started.go();
        read.wait(skein::Till(60s));
    });
    started.wait(skein::Till(60s));
    const std::string comm = commOf(tid);
    read.go();
    thread.join();
    return comm;
}

}  // namespace

class tst_ThreadNames : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void skeinThreadCarriesItsNameInTheOs_data();
    void skeinThreadCarriesItsNameInTheOs();
    void namesThatDifferOnlyAtTheEndStayApart();
    void timerThreadIsNamed();
    void registerThreadNamesAForeignThreadAndGivesItsNameBack();
};

void tst_ThreadNames::skeinThreadCarriesItsNameInTheOs_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("osName");
    QTest::newRow("short") << "loader"
                           << "loader";
    QTest::newRow("exactly 15 bytes") << "fifteen-bytes-1"
                                      << "fifteen-bytes-1";
    QTest::newRow("long keeps its last 15 bytes") << "download-manager-worker-12"
                                                  << "nager-worker-12";
    // "ü" is two bytes: the last 15 bytes would start inside one.
    QTest::newRow("long UTF-8 is cut between characters")
        << QString::fromUtf8("üüüüüüüüüü-7") << QString::fromUtf8("üüüüüü-7");
}

void tst_ThreadNames::skeinThreadCarriesItsNameInTheOs()
{
    QFETCH(QString, name);
    QFETCH(QString, osName);
    QCOMPARE(QString::fromStdString(osNameOfASkeinThread(name.toStdString())), osName);
}

void tst_ThreadNames::namesThatDifferOnlyAtTheEndStayApart()
{
    QCOMPARE(QString::fromStdString(osNameOfASkeinThread("image-decoder-pool-worker-11")), u"-pool-worker-11");
    QCOMPARE(QString::fromStdString(osNameOfASkeinThread("image-decoder-pool-worker-12")), u"-pool-worker-12");
}

void tst_ThreadNames::timerThreadIsNamed()
{
    const skein::Till soon(1ms);  // the timer thread runs from the first Till on
    soon.wait();
    QVERIFY2(allComms().contains(QStringLiteral("skein-timer")), qPrintable(allComms().join(u", ")));
}

void tst_ThreadNames::registerThreadNamesAForeignThreadAndGivesItsNameBack()
{
    std::string before, during, after;
    std::thread foreign([&] {
        ::pthread_setname_np(::pthread_self(), "foreign-own");
        before = commOf(currentTid());
        {
            const skein::RegisterThread registered("camera-reader");
            during = commOf(currentTid());
        }
        after = commOf(currentTid());
    });
    foreign.join();
    QCOMPARE(before, std::string("foreign-own"));
    QCOMPARE(during, std::string("camera-reader"));
    QCOMPARE(after, std::string("foreign-own"));
}

QTEST_GUILESS_MAIN(tst_ThreadNames)
#include "tst_thread_names.moc"
