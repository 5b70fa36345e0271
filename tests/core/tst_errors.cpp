// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Errors: every bad argument Skein rejects (an empty name, a NaN timeout)
// throws skein::InvalidArgument, which a handler for skein::Error or for
// std::exception catches, and whose message says what was wrong.
#include <QtTest>

#include <skein/barrier.h>
#include <skein/error.h>
#include <skein/main_thread.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/thread_group.h>
#include <skein/till.h>

#include <chrono>
#include <functional>
#include <limits>
#include <optional>
#include <ratio>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeindex>
#include <typeinfo>

#include "testing.h"

using skein::Signal;
using skein::Thread;
using skein::ThreadGroup;
using skein::Till;
using testing::contains;
using testing::Joining;
using testing::messageOf;
using testing::q;

using BadCall = std::function<void()>;
Q_DECLARE_METATYPE(BadCall)

namespace {

// One base only: were it also a std::invalid_argument, it would reach
// std::exception twice, and `catch (const std::exception&)` would miss it.
static_assert(std::is_base_of_v<skein::Error, skein::InvalidArgument>);
static_assert(!std::is_base_of_v<std::invalid_argument, skein::InvalidArgument>);

constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();

}  // namespace

class tst_Errors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void badArgumentThrowsInvalidArgumentSayingWhatWasWrong_data();
    void badArgumentThrowsInvalidArgumentSayingWhatWasWrong();
};

// A rejected name starts no thread.
void tst_Errors::cleanup()
{
    QVERIFY(skein::detail::waitForThreadExits(std::chrono::seconds(10)));
    QCOMPARE(testing::namesOf(Thread::current().children()), QStringList());
}

void tst_Errors::badArgumentThrowsInvalidArgumentSayingWhatWasWrong_data()
{
    QTest::addColumn<BadCall>("call");
    QTest::addColumn<QString>("saying");

    const QString emptyName = QStringLiteral("the name given is empty");
    QTest::newRow("Thread, empty name") << BadCall([] { Thread("", [] {}); }) << emptyName;
    QTest::newRow("Thread with a parent, empty name")
        << BadCall([] { Thread(Thread::current(), "", [] {}); }) << emptyName;
    QTest::newRow("Thread::run, empty name") << BadCall([] { (void)Thread::run("", [] { return 1; }); }) << emptyName;
    QTest::newRow("RegisterThread, empty name") << BadCall([] {
        // Only a thread Skein did not start may register.
        std::optional<std::string> message;
        Joining([&message] { message = messageOf<skein::InvalidArgument>([] { skein::RegisterThread(""); }); })
            .join();
        if (message)
            throw skein::InvalidArgument(*message);
    }) << emptyName;
    QTest::newRow("ThreadGroup, empty name")
        << BadCall([] { ThreadGroup("", ThreadGroup::Wait::All); }) << QStringLiteral("ThreadGroup needs a name");
    QTest::newRow("ThreadGroup::spawn, empty name") << BadCall([] {
        ThreadGroup group("named");
        group.spawn("", [] {});
    }) << emptyName;

    QTest::newRow("Barrier(0)") << BadCall([] { skein::Barrier(0, "nobody"); }) << QStringLiteral("count of 0");

    const QString nan = QStringLiteral("NaN");
    QTest::newRow("Till::seconds(NaN)") << BadCall([] { (void)Till::seconds(notANumber); }) << nan;
    QTest::newRow("Till(duration<double> NaN)")
        << BadCall([] { (void)Till(std::chrono::duration<double>(notANumber)); }) << nan;
    QTest::newRow("Till(duration<float, milli> NaN)") << BadCall([] {
        (void)Till(std::chrono::duration<float, std::milli>(std::numeric_limits<float>::quiet_NaN()));
    }) << nan;
    QTest::newRow("Signal::waitFor(NaN)")
        << BadCall([] { (void)Signal("pending").waitFor(std::chrono::duration<double>(notANumber)); }) << nan;
}

void tst_Errors::badArgumentThrowsInvalidArgumentSayingWhatWasWrong()
{
    QFETCH(BadCall, call);
    QFETCH(QString, saying);

    const auto thrown = testing::thrownBy(call);
    QVERIFY2(thrown.first == std::type_index(typeid(skein::InvalidArgument)), thrown.second.c_str());
    QVERIFY2(contains(thrown.second, saying.toStdString()), thrown.second.c_str());

    // What a handler for the whole hierarchy, or for any standard exception,
    // sees: the same message.
    QCOMPARE(q(messageOf<skein::Error>(call).value_or("not caught as skein::Error")), q(thrown.second));
    QCOMPARE(q(messageOf<std::exception>(call).value_or("not caught as std::exception")), q(thrown.second));
}

QTEST_GUILESS_MAIN(tst_Errors)
#include "tst_errors.moc"
