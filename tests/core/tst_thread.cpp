// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Thread: results and failures through join(), construction and start(),
// stop() and pleaseStop, the thread tree and its stop order, misuse,
// release() and unjoined failures, placeholders for foreign threads,
// progress, and that threads leave nothing behind.
//
// Threads are ordered with Signals and recorded events, never with sleeps.
// These tests run without a MainThread guard: the process's main thread is
// the root "main" of the tree anyway, and shutdown (irreversible) is covered
// elsewhere.
#include <QtTest>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/log.h>
#include <skein/main_thread.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "testing.h"

using namespace std::chrono_literals;
using skein::Signal;
using skein::Thread;
using skein::Till;
using skein::UsageError;
using Clock = std::chrono::steady_clock;
using testing::contains;
using testing::Countdown;
using testing::CustomFailure;
using testing::Events;
using testing::GracePeriodGuard;
using testing::handleCalls;
using testing::LogCapture;
using testing::messageOf;
using testing::namesOf;
using testing::q;
using testing::residentBytes;
using testing::sorted;
using testing::thrownBy;

namespace {

// Stops and joins threads when a test returns early (a failed QVERIFY), so
// that no thread outlives the locals it refers to. Bounded, so that a thread
// that ignores pleaseStop turns into a failure, not a hang.
class StopAtExit {
public:
    StopAtExit() = default;
    StopAtExit(const StopAtExit&) = delete;
    StopAtExit& operator=(const StopAtExit&) = delete;
    ~StopAtExit()
    {
        for (auto it = threads_.rbegin(); it != threads_.rend(); ++it) {
            try {
                it->stop();
                it->tryJoin(Till(testing::hangGuard));
            } catch (...) {
                // A failure the test did not get to look at: nothing to add.
            }
        }
    }
    void add(const Thread& thread) { threads_.push_back(thread); }

private:
    std::vector<Thread> threads_;
};

// What a message of messageOf() reads as, recorded as text, when nothing
// was thrown.
const std::string nothingThrown = "(nothing thrown)";

std::optional<Thread> childNamed(const Thread& parent, const std::string& name)
{
    for (const Thread& t : parent.children()) {
        if (t.name() == name)
            return t;
    }
    return std::nullopt;
}

// The Signal states alive once every thread Skein started has left its OS
// thread, and the timer thread has let go of every Till that went (an
// earlier test's Till(50ms) may be held for a moment after its wait ended).
// The process-lived ones (main's Signals, done(), never()) are made first,
// so that a test run alone starts from the same count as in a full run.
std::size_t settledSignalStates()
{
    (void)Thread::current();
    (void)Signal::done();
    (void)Signal::never();
    if (!skein::detail::waitForThreadExits(testing::hangGuard))
        return std::size_t(-1);
    return testing::signalStatesOnceTheTimerLetGo();
}

long osThreadId()
{
#ifdef __linux__
    return long(::syscall(SYS_gettid));
#else
    return -1;
#endif
}

// The tree of the stop-order tests: "parent" starts child-0..2, and each
// child-i starts grandchild-i-0 and grandchild-i-1. Every thread records when
// its pleaseStop goes (in a then callback) and when its function returns;
// each child records when its own stopped() goes.
//
// A thread woken by its pleaseStop holds on until every pleaseStop callback
// of the tree has recorded. Without that hold, a woken thread that ends
// sends pleaseStop to its own children from its own OS thread while the
// cascade is still going, and callbacks run on whichever thread went first,
// so the records of two pleaseStops could interleave even though each sender
// goes them newest first. With it, the cascade is the only sender, and the
// order of the records is the order in which pleaseStop was sent.
struct Tree {
    explicit Tree(int pleaseStops) : pleaseStopsRecorded(pleaseStops) {}

    void recordPleaseStop(const Signal& pleaseStop, const std::string& name)
    {
        pleaseStop.then([this, name] {
            events.add("pleaseStop " + name);
            pleaseStopsRecorded.arrive();
        });
    }

    Events events;
    Countdown descendantsReady{3 + 6};
    Countdown pleaseStopsRecorded;
};

void leafNode(Tree& tree, const std::string& name, const Signal& pleaseStop)
{
    tree.recordPleaseStop(pleaseStop, name);
    tree.descendantsReady.arrive();
    pleaseStop.wait();
    tree.pleaseStopsRecorded.done().wait();
    tree.events.add("stopped " + name);
}

void childNode(Tree& tree, int i, const Signal& pleaseStop)
{
    const std::string name = "child-" + std::to_string(i);
    tree.recordPleaseStop(pleaseStop, name);
    Thread::current().stopped().then([&tree, name] { tree.events.add(name + " stopped()"); });
    for (int j = 0; j < 2; ++j) {
        const std::string grandchild = "grandchild-" + std::to_string(i) + "-" + std::to_string(j);
        Thread::run(grandchild, leafNode, std::ref(tree), grandchild);
    }
    tree.descendantsReady.arrive();
    pleaseStop.wait();
    tree.pleaseStopsRecorded.done().wait();
    tree.events.add("stopped " + name);
}

void parentNode(Tree& tree, bool waitForPleaseStop, const Signal& pleaseStop)
{
    tree.recordPleaseStop(pleaseStop, "parent");
    for (int i = 0; i < 3; ++i)
        Thread::run("child-" + std::to_string(i), childNode, std::ref(tree), i);
    tree.descendantsReady.done().wait();
    if (waitForPleaseStop) {
        pleaseStop.wait();
        tree.pleaseStopsRecorded.done().wait();
    }
    tree.events.add("returned parent");
}

// The warning that names main/straggler, which ignores its pleaseStop in the
// straggler tests.
bool namesTheStraggler(const skein::LogRecord& r)
{
    return r.level == skein::LogLevel::Warning && contains(r.message, "main/straggler");
}

// "straggler", a thread that ignores its pleaseStop, asked to stop and
// joined from another thread; `release` ends it, and so the join, at the
// latest when this goes out of scope.
struct JoinedStraggler {
    JoinedStraggler() { thread.stop(); }
    ~JoinedStraggler() { release.go(); }
    JoinedStraggler(const JoinedStraggler&) = delete;
    JoinedStraggler& operator=(const JoinedStraggler&) = delete;

    const Signal release{"release"};
    const Thread thread = Thread::run("straggler", [r = release] { r.wait(); });
    testing::Joining joiner{[t = thread] { t.join(); }};
};

// The shortest interval between two warnings about one straggler.
constexpr auto minWarningInterval = 100ms;

// What is wrong with `warnings` about one straggler: two closer together than
// the back-off allows. Each interval is an exact lower bound: the next
// warning is due only after the previous one was logged (and captured).
QString tooClose(const std::vector<testing::Captured>& warnings)
{
    for (std::size_t i = 1; i < warnings.size(); ++i) {
        const auto apart = warnings[i].seen - warnings[i - 1].seen;
        if (apart < minWarningInterval)
            return QStringLiteral("warnings %1 and %2 of %3 only %4 us apart")
                .arg(i - 1)
                .arg(i)
                .arg(warnings.size())
                .arg(std::chrono::duration_cast<std::chrono::microseconds>(apart).count());
    }
    return {};
}

// A thread_local that counts its destruction in `destroyed`, a plain int:
// only the memory ordering of join() makes the count visible (shared, so
// that a test that fails early leaves it nothing dangling). It holds on
// first until `looked` goes, or 300 ms: a join() that did not wait for it
// returns while it is surely still alive; one that waits returns that much
// later.
struct CountsItsDestruction {
    std::shared_ptr<int> destroyed;
    Signal looked;
    ~CountsItsDestruction()
    {
        (void)looked.wait(Till(300ms));
        ++*destroyed;
    }
};

// A thread_local whose destructor uses Skein: it records the current
// thread's path, logs, and starts a child that ends when asked to stop.
struct UsesSkeinWhenDestroyed {
    Events* events = nullptr;
    ~UsesSkeinWhenDestroyed()
    {
        events->add("destroyed on " + Thread::current().path());
        skein::log(skein::LogLevel::Info, "logged by a thread_local's destructor");
        Thread::run("from-destructor", [events = events](const Signal& pleaseStop) {
            pleaseStop.wait();
            events->add("child stopped");
        });
    }
};

const QStringList descendants = {"child-0",        "child-1",        "child-2",
                                 "grandchild-0-0", "grandchild-0-1", "grandchild-1-0",
                                 "grandchild-1-1", "grandchild-2-0", "grandchild-2-1"};

// Children newest first, and each thread's children before the thread's own
// then callbacks.
const QStringList pleaseStopOrder = {"pleaseStop grandchild-2-1", "pleaseStop grandchild-2-0", "pleaseStop child-2",
                                     "pleaseStop grandchild-1-1", "pleaseStop grandchild-1-0", "pleaseStop child-1",
                                     "pleaseStop grandchild-0-1", "pleaseStop grandchild-0-0", "pleaseStop child-0"};

}  // namespace

// How a straggler comes to have nobody who joins it.
enum class NobodyJoins { HandleKept, Released, HandleDropped };
Q_DECLARE_METATYPE(NobodyJoins)

class tst_Thread : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    // Results and failures
    void typedJoinReturnsTheFunctionsResult();
    void functionGetsItsOwnPleaseStopWhenItTakesOne();
    void secondTypedJoinThrowsUsageError();
    void plainHandleJoinReturnsVoid();
    void joinRethrowsACustomExceptionWithItsType();
    void joinRethrowsLogicErrorWithItsType();

    // Construction and start()
    void constructedThreadRunsNothingBeforeStart();
    void startTwiceThrowsUsageErrorNamingThePath();
    void startAfterTheParentEndedThrowsUsageError();
    void joinBeforeStartThrowsUsageError();
    void emptyNameThrowsInvalidArgument();
    void threadStoppedBeforeStartStillRunsItsFunction();
    void isStartedAndIsRunningFollowTheThread();

    // Stopping and waiting
    void tryJoinIsFalseWhenTillGoesFirst();
    void stopEndsAWaitOnTillOrPleaseStop_data();
    void stopEndsAWaitOnTillOrPleaseStop();
    void waitOnTimeoutOrPleaseStopEndsByTimeoutWithPleaseStopUnset();
    void stoppingEarlySetsPleaseStop();
    void andOfStoppedSignalsWaitsForAllThree();

    // The tree
    void mainThreadIsNamedMain();
    void topLevelThreadIsAChildOfMain();
    void treeHasNamesPathsParentsAndChildrenInStartOrder();
    void stoppingAParentStopsEveryDescendantBeforeItsStoppedGoes();
    void parentThatReturnsStopsAndJoinsItsChildrenBeforeItsStoppedGoes();
    void childStartedWhileItsParentIsStoppingIsStoppedAtOnce();
    void droppedHandleLeavesTheThreadRunningUntilItsParentStopsIt();
    void droppedTopLevelHandleLeavesTheThreadUnderMain();

    // Misuse
    void joinOnItselfThrowsUsageError();
    void joinOnAnAncestorThrowsUsageError();
    void joinOnMainThrowsUsageError();
    void everyCallOnAnEmptyHandleThrowsUsageError_data();
    void everyCallOnAnEmptyHandleThrowsUsageError();
    void typedJoinOnAMovedFromHandleThrowsUsageError();
    void emptyHandleAsParentThrowsUsageErrorNamingTheNewThread_data();
    void emptyHandleAsParentThrowsUsageErrorNamingTheNewThread();

    // Failures nobody joins
    void releasedThreadFailureIsLoggedAtOnce();
    void releaseAfterTheFailureLogsItThen();
    void releasedFailureIsLoggedWhenTheFunctionEndsNotWhenTheChildrenDo_data();
    void releasedFailureIsLoggedWhenTheFunctionEndsNotWhenTheChildrenDo();
    void releasedWhileItsStoppedCallbacksRunItsParentStillWaitsForIt();
    void unjoinedFailureIsLoggedByItsParentWhenTheParentEnds();

    // Leaving the tree, leaks
    void joinedThreadLeavesTheTree();
    void droppedSuccessfulThreadLeavesTheTreeWhenItEnds();
    void failedThreadStaysInTheTreeUntilJoined();
    void shortThreadsLeaveNothingBehind_data();
    void shortThreadsLeaveNothingBehind();

    // Thread-locals
    void joinAndStoppedComeAfterTheThreadLocalsAreDestroyed_data();
    void joinAndStoppedComeAfterTheThreadLocalsAreDestroyed();
    void threadLocalDestructorMayUseSkeinAndStartAChild();

    // Stragglers
    void stragglerWarningsBackOffWhateverTheGracePeriod_data();
    void stragglerWarningsBackOffWhateverTheGracePeriod();
    void gracePeriodOfMillisecondsMaxNeverNamesAStraggler();
    void stragglerNobodyJoinsIsNamedAndAgainWithBackOff_data();
    void stragglerNobodyJoinsIsNamedAndAgainWithBackOff();
    void stragglerIsNamedOncePerStepHoweverManyLook();
    void threadJoiningItsChildrenIsNotNamedButTheStragglerIs();

    // current()
    void currentInsideASkeinThreadIsThatThread();
    void currentOnAForeignThreadIsAPlaceholderUnderMain();
    void placeholderIsForgottenWhenItsThreadEnds();
    void newForeignThreadGetsAFreshPlaceholder();

    // Progress
    void progressSetByTheThreadIsReadFromOutside();

    // nativeId() and threadCount()
    void nativeIdIsTheOsThreadIdWhileTheThreadRuns();
    void nativeIdOfMainAndOfAPlaceholderIsTheirOsThreadId();
    void threadCountRisesByTheThreadsThatRunAndFallsBackOnceJoined();
    void threadCountCountsAPlaceholderWhileItsThreadLives();
};

// Every test leaves the tree as it found it: main has no children once every
// thread has left its OS thread.
void tst_Thread::cleanup()
{
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    QCOMPARE(namesOf(Thread::current().children()), QStringList());
}

// --- Results and failures ----------------------------------------------------

void tst_Thread::typedJoinReturnsTheFunctionsResult()
{
    auto number = Thread::run(
        "number", [](int a, int b) { return a * b; }, 6, 7);
    static_assert(std::is_same_v<decltype(number.join()), int>);
    QCOMPARE(number.join(), 42);

    auto text = Thread::run(
        "text",
        [](const std::string& prefix, const Signal& pleaseStop) {
            return prefix + (pleaseStop ? "stopped" : "running");
        },
        std::string("still "));
    static_assert(std::is_same_v<decltype(text.join()), std::string>);
    QCOMPARE(q(text.join()), QStringLiteral("still running"));

    auto moveOnly = Thread::run(
        "move-only",
        [](std::unique_ptr<int> p) {
            *p += 1;
            return p;
        },
        std::make_unique<int>(41));
    static_assert(std::is_same_v<decltype(moveOnly.join()), std::unique_ptr<int>>);
    const std::unique_ptr<int> p = moveOnly.join();
    QVERIFY(p);
    QCOMPARE(*p, 42);

    std::atomic<bool> ran{false};
    auto nothing = Thread::run("void", [&ran] { ran = true; });
    static_assert(std::is_void_v<decltype(nothing.join())>);
    nothing.join();
    QVERIFY(ran.load());
}

void tst_Thread::functionGetsItsOwnPleaseStopWhenItTakesOne()
{
    auto withArgs = Thread::run(
        "with-args",
        [](int n, const Signal& pleaseStop) { return n + (pleaseStop == Thread::current().pleaseStop() ? 1 : 0); }, 10);
    const Thread plainWithArgs = withArgs;
    QCOMPARE(withArgs.join(), 11);

    auto only = Thread::run("only-pleaseStop", [](const Signal& pleaseStop) { return pleaseStop.name(); });
    const Thread plainOnly = only;
    QCOMPARE(q(only.join()), q(plainOnly.pleaseStop().name()));
}

void tst_Thread::secondTypedJoinThrowsUsageError()
{
    auto t = Thread::run("once", [] { return std::string("the result"); });
    QCOMPARE(q(t.join()), QStringLiteral("the result"));
    const std::string message = messageOf<UsageError>([&] { (void)t.join(); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/once"), message.c_str());
}

void tst_Thread::plainHandleJoinReturnsVoid()
{
    std::atomic<int> runs{0};
    Thread t = Thread::run("plain", [&runs] {
        ++runs;
        return 5;
    });
    static_assert(std::is_void_v<decltype(t.join())>);
    t.join();
    t.join();  // nothing to take: joining again is fine
    QCOMPARE(runs.load(), 1);
}

void tst_Thread::joinRethrowsACustomExceptionWithItsType()
{
    auto typed = Thread::run("custom", []() -> int { throw CustomFailure("custom failure 7"); });
    const Thread plain = typed;

    const auto first = thrownBy([&] { (void)typed.join(); });
    QVERIFY(first.first == std::type_index(typeid(CustomFailure)));
    QCOMPARE(q(first.second), QStringLiteral("custom failure 7"));

    // The plain handle rethrows it too, every time.
    for (int i = 0; i < 2; ++i) {
        const auto again = thrownBy([&] { plain.join(); });
        QVERIFY(again.first == std::type_index(typeid(CustomFailure)));
        QCOMPARE(q(again.second), QStringLiteral("custom failure 7"));
    }
    QVERIFY_THROWS_EXCEPTION(CustomFailure, (void)plain.tryJoin(Signal::never()));
}

void tst_Thread::joinRethrowsLogicErrorWithItsType()
{
    Thread t = Thread::run("logic", [] { throw std::logic_error("broken invariant"); });

    for (int i = 0; i < 2; ++i) {
        const auto thrown = thrownBy([&] { t.join(); });
        QVERIFY(thrown.first == std::type_index(typeid(std::logic_error)));
        QCOMPARE(q(thrown.second), QStringLiteral("broken invariant"));
    }
}

// --- Construction and start() ------------------------------------------------

void tst_Thread::constructedThreadRunsNothingBeforeStart()
{
    Events events;
    Signal startCalled;
    Thread late("late", [&events, startCalled] {
        events.add(startCalled ? "late ran after start()" : "late ran before start()");
    });
    StopAtExit guard;
    QVERIFY(!late.isStarted());
    QVERIFY(!late.isRunning());
    QCOMPARE(namesOf(Thread::current().children()), QStringList());

    // Another thread runs from start to end meanwhile: had construction
    // started `late`, it would have run in that time too.
    Thread::run("meanwhile", [&events] { events.add("meanwhile"); }).join();
    QCOMPARE(events.list(), QStringList{"meanwhile"});

    startCalled.go();
    late.start();
    guard.add(late);
    late.join();
    QCOMPARE(events.list(), (QStringList{"meanwhile", "late ran after start()"}));
}

void tst_Thread::startTwiceThrowsUsageErrorNamingThePath()
{
    Thread t("twice", [](const Signal& pleaseStop) { pleaseStop.wait(); });
    t.start();
    StopAtExit guard;
    guard.add(t);

    std::string message = messageOf<UsageError>([&] { t.start(); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/twice"), message.c_str());

    t.stop();
    t.join();
    message = messageOf<UsageError>([&] { t.start(); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/twice"), message.c_str());

    // The handle from run() has started already.
    auto ran = Thread::run("ran", [] { return 1; });
    guard.add(ran);
    message = messageOf<UsageError>([&] { ran.start(); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/ran"), message.c_str());
    QCOMPARE(ran.join(), 1);
}

void tst_Thread::startAfterTheParentEndedThrowsUsageError()
{
    // The parent's handle kept (its state lives on), and dropped (it is gone).
    auto parent = Thread::run("kept-parent", [] { return Thread("orphan", [] {}); });
    Thread orphan = parent.join();
    std::string message = messageOf<UsageError>([&] { orphan.start(); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/kept-parent/orphan"), message.c_str());

    orphan = Thread::run("gone-parent", [] { return Thread("orphan", [] {}); }).join();
    message = messageOf<UsageError>([&] { orphan.start(); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/gone-parent/orphan"), message.c_str());
    QVERIFY2(contains(message, "after its parent"), message.c_str());
}

void tst_Thread::joinBeforeStartThrowsUsageError()
{
    Thread t("unstarted", [] {});
    std::string message = messageOf<UsageError>([&] { t.join(); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/unstarted"), message.c_str());
    message = messageOf<UsageError>([&] { (void)t.tryJoin(Signal::done()); }).value_or(nothingThrown);
    QVERIFY2(contains(message, "main/unstarted"), message.c_str());

    // Still startable afterwards.
    t.start();
    t.join();
}

void tst_Thread::emptyNameThrowsInvalidArgument()
{
    std::atomic<bool> ran{false};
    QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument, Thread("", [&ran] { ran = true; }));
    QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument, (void)Thread::run("", [&ran] { ran = true; }));
    QVERIFY_THROWS_EXCEPTION(skein::InvalidArgument, (void)Thread::run(std::string(), [&ran] { return 1; }));
    QCOMPARE(namesOf(Thread::current().children()), QStringList());
    QVERIFY(!ran.load());
}

void tst_Thread::threadStoppedBeforeStartStillRunsItsFunction()
{
    Events events;
    Thread t("stopped-early", [&events](const Signal& pleaseStop) {
        events.add(pleaseStop ? "ran, asked to stop" : "ran, not asked to stop");
    });
    t.stop();
    QVERIFY(t.pleaseStop());
    t.start();
    t.join();
    QCOMPARE(events.list(), QStringList{"ran, asked to stop"});
}

void tst_Thread::isStartedAndIsRunningFollowTheThread()
{
    Signal running;
    Thread t("states", [running](const Signal& pleaseStop) mutable {
        running.go();
        pleaseStop.wait();
    });
    QVERIFY(!t.isStarted());
    QVERIFY(!t.isRunning());

    t.start();
    StopAtExit guard;
    guard.add(t);
    QVERIFY(t.isStarted());
    QVERIFY(t.isRunning());
    QVERIFY(running.wait(Till(testing::hangGuard)));
    QVERIFY(t.isStarted());
    QVERIFY(t.isRunning());

    t.stop();
    QVERIFY(t.stopped().wait(Till(testing::hangGuard)));
    QVERIFY(t.isStarted());
    QVERIFY(!t.isRunning());
    t.join();
    QVERIFY(t.isStarted());
    QVERIFY(!t.isRunning());
}

// --- Stopping and waiting ----------------------------------------------------

void tst_Thread::tryJoinIsFalseWhenTillGoesFirst()
{
    Thread t = Thread::run("blocked", [](const Signal& pleaseStop) { pleaseStop.wait(); });
    StopAtExit guard;
    guard.add(t);

    const auto before = Clock::now();
    QVERIFY(!t.tryJoin(Till(50ms)));
    // A Till never goes before its deadline, which is after `before`: no
    // slack is needed below.
    QVERIFY(Clock::now() - before >= 50ms);
    QVERIFY(!t.tryJoin(Signal::done()));
    QVERIFY(t.isRunning());
    QVERIFY(!t.pleaseStop());

    t.stop();
    QVERIFY(t.tryJoin(Till(testing::hangGuard)));
    QVERIFY(!t.isRunning());
}

void tst_Thread::stopEndsAWaitOnTillOrPleaseStop_data()
{
    QTest::addColumn<bool>("composite");
    QTest::newRow("(Till(1h) | pleaseStop).wait()") << true;
    QTest::newRow("Till(1h).wait(pleaseStop)") << false;
}

void tst_Thread::stopEndsAWaitOnTillOrPleaseStop()
{
    QFETCH(bool, composite);
    Signal waiting;
    auto t = Thread::run("sleeper", [composite, waiting](const Signal& pleaseStop) mutable {
        waiting.go();
        const Till anHour(1h);
        if (composite)
            (anHour | pleaseStop).wait();
        else
            (void)anHour.wait(pleaseStop);
        return std::make_pair(bool(anHour), bool(pleaseStop));
    });
    StopAtExit guard;
    guard.add(t);

    QVERIFY(waiting.wait(Till(testing::hangGuard)));
    QVERIFY(!t.pleaseStop());
    t.stop();
    QVERIFY(t.pleaseStop());
    // The sleeper's Till is an hour away: ending within the hang guard, with
    // the Till not gone, means pleaseStop ended the wait.
    QVERIFY(t.tryJoin(Till(testing::hangGuard)));
    const auto [timedOut, asked] = t.join();
    QVERIFY(!timedOut);
    QVERIFY(asked);
}

void tst_Thread::waitOnTimeoutOrPleaseStopEndsByTimeoutWithPleaseStopUnset()
{
    auto t = Thread::run("timeout", [](const Signal& pleaseStop) {
        const auto start = Clock::now();
        const Till till(300ms);
        (till | pleaseStop).wait();
        return std::make_tuple(bool(till), bool(pleaseStop), Clock::now() - start);
    });
    const auto [timedOut, asked, waited] = t.join();
    QVERIFY(timedOut);
    QVERIFY(!asked);
    // A Till never goes before its deadline, set after `start`: no slack.
    QVERIFY(waited >= 300ms);
}

void tst_Thread::stoppingEarlySetsPleaseStop()
{
    Signal waiting;
    auto t = Thread::run("stopped-early", [waiting](const Signal& pleaseStop) mutable {
        const Till till(1h);  // only pleaseStop can end the wait within the hang guard
        waiting.go();
        (till | pleaseStop).wait();
        return std::make_pair(bool(till), bool(pleaseStop));
    });
    StopAtExit guard;
    guard.add(t);
    QVERIFY(waiting.wait(Till(testing::hangGuard)));
    t.stop();
    QVERIFY(t.tryJoin(Till(testing::hangGuard)));
    const auto [timedOut, asked] = t.join();
    QVERIFY(!timedOut);
    QVERIFY(asked);
}

void tst_Thread::andOfStoppedSignalsWaitsForAllThree()
{
    Events events;
    Signal gateA;
    Signal gateB;
    Signal gateC;
    const auto worker = [&events](const std::string& name, const Signal& gate) {
        gate.wait();
        events.add("end " + name);
    };
    Thread a = Thread::run("a", worker, std::string("a"), gateA);
    Thread b = Thread::run("b", worker, std::string("b"), gateB);
    Thread c = Thread::run("c", worker, std::string("c"), gateC);
    Thread waiter = Thread::run("waiter", [&events, a, b, c] {
        (a.stopped() & b.stopped() & c.stopped()).wait();
        events.add("all three stopped");
    });
    StopAtExit guard;
    guard.add(a);
    guard.add(b);
    guard.add(c);
    guard.add(waiter);

    gateA.go();
    QVERIFY(a.stopped().wait(Till(testing::hangGuard)));
    gateB.go();
    QVERIFY(b.stopped().wait(Till(testing::hangGuard)));
    QVERIFY(!(a.stopped() & b.stopped() & c.stopped()));
    QVERIFY(waiter.isRunning());

    gateC.go();
    waiter.join();
    QCOMPARE(events.list(), (QStringList{"end a", "end b", "end c", "all three stopped"}));
    a.join();
    b.join();
    c.join();
}

// --- The tree ----------------------------------------------------------------

void tst_Thread::mainThreadIsNamedMain()
{
    const Thread main = Thread::current();
    QCOMPARE(q(main.name()), QStringLiteral("main"));
    QCOMPARE(q(main.path()), QStringLiteral("main"));
    QVERIFY(!main.parent());
    QVERIFY(main == Thread::current());
}

void tst_Thread::topLevelThreadIsAChildOfMain()
{
    Thread t = Thread::run("top", [](const Signal& pleaseStop) { pleaseStop.wait(); });
    StopAtExit guard;
    guard.add(t);

    QCOMPARE(q(t.name()), QStringLiteral("top"));
    QCOMPARE(q(t.path()), QStringLiteral("main/top"));
    QVERIFY(t.parent());
    QVERIFY(*t.parent() == Thread::current());
    const auto children = Thread::current().children();
    QCOMPARE(children.size(), std::size_t(1));
    QVERIFY(children[0] == t);

    t.stop();
    t.join();
}

void tst_Thread::treeHasNamesPathsParentsAndChildrenInStartOrder()
{
    // child-a, child-b, the grandchild, and the parent once it has checked
    // child-a's parent: then every event is in.
    Countdown ready(4);
    Events events;
    Thread parent = Thread::run("parent", [&ready, &events](const Signal& pleaseStop) {
        const auto waitForStop = [&ready](const Signal& own) {
            ready.arrive();
            own.wait();
        };
        Thread a("child-a", waitForStop);
        Thread b("child-b", [waitForStop](const Signal& own) {
            Thread grandchild = Thread::run("grandchild", waitForStop);
            if (grandchild.parent() && *grandchild.parent() == Thread::current())
                waitForStop(own);
        });
        Thread unstarted("unstarted", [] {});
        // Started in the other order than made: children() follows start().
        b.start();
        a.start();
        if (a.parent() && *a.parent() == Thread::current())
            events.add("child-a's parent is parent");
        ready.arrive();
        pleaseStop.wait();
    });
    StopAtExit guard;
    guard.add(parent);

    QVERIFY(ready.done().wait(Till(testing::hangGuard)));
    QCOMPARE(events.list(), QStringList{"child-a's parent is parent"});
    QCOMPARE(q(parent.path()), QStringLiteral("main/parent"));
    QVERIFY(*parent.parent() == Thread::current());

    const auto children = parent.children();
    QCOMPARE(namesOf(children), (QStringList{"child-b", "child-a"}));
    QCOMPARE(q(children[0].path()), QStringLiteral("main/parent/child-b"));
    QCOMPARE(q(children[1].path()), QStringLiteral("main/parent/child-a"));
    QVERIFY(*children[0].parent() == parent);
    QVERIFY(*children[1].parent() == parent);
    QVERIFY(children[1].children().empty());

    const auto grandchildren = children[0].children();
    QCOMPARE(namesOf(grandchildren), QStringList{"grandchild"});
    QCOMPARE(q(grandchildren[0].path()), QStringLiteral("main/parent/child-b/grandchild"));
    QVERIFY(*grandchildren[0].parent() == children[0]);

    parent.stop();
    parent.join();
    QVERIFY(parent.children().empty());
}

void tst_Thread::stoppingAParentStopsEveryDescendantBeforeItsStoppedGoes()
{
    Tree tree(1 + 3 + 6);
    Thread parent = Thread::run("parent", parentNode, std::ref(tree), true);
    StopAtExit guard;
    guard.add(parent);
    parent.stopped().then([&tree] { tree.events.add("parent stopped()"); });

    QVERIFY(tree.descendantsReady.done().wait(Till(testing::hangGuard)));
    QCOMPARE(namesOf(parent.children()), (QStringList{"child-0", "child-1", "child-2"}));
    parent.stop();
    parent.join();

    // pleaseStop reaches the children newest first, each thread's children
    // before the callbacks on its own pleaseStop.
    QCOMPARE(tree.events.startingWith("pleaseStop "), pleaseStopOrder + QStringList{"pleaseStop parent"});

    const int parentStopped = tree.events.indexOf("parent stopped()");
    QVERIFY(parentStopped >= 0);
    QVERIFY(tree.events.indexOf("returned parent") < parentStopped);
    for (const QString& name : descendants) {
        const int stopped = tree.events.indexOf("stopped " + name);
        QVERIFY2(stopped >= 0 && stopped < parentStopped, qPrintable(name));
    }
    for (int i = 0; i < 3; ++i) {
        const std::string child = "child-" + std::to_string(i);
        const int childStopped = tree.events.indexOf(q(child + " stopped()"));
        QVERIFY2(childStopped >= 0 && childStopped < parentStopped, child.c_str());
        for (int j = 0; j < 2; ++j) {
            const std::string grandchild = "grandchild-" + std::to_string(i) + "-" + std::to_string(j);
            QVERIFY2(tree.events.indexOf(q("stopped " + grandchild)) < childStopped, grandchild.c_str());
        }
    }
    QVERIFY(parent.children().empty());
}

void tst_Thread::parentThatReturnsStopsAndJoinsItsChildrenBeforeItsStoppedGoes()
{
    Tree tree(3 + 6);  // the parent's own pleaseStop does not go
    Thread parent = Thread::run("parent", parentNode, std::ref(tree), false);
    StopAtExit guard;
    guard.add(parent);
    parent.stopped().then([&tree] { tree.events.add("parent stopped()"); });
    parent.join();

    // Nobody asked the parent to stop; its end stopped the children.
    QVERIFY(!parent.pleaseStop());
    QCOMPARE(tree.events.startingWith("pleaseStop "), pleaseStopOrder);

    const int returned = tree.events.indexOf("returned parent");
    const int parentStopped = tree.events.indexOf("parent stopped()");
    QVERIFY(returned >= 0);
    QVERIFY(parentStopped > returned);
    QVERIFY(tree.events.indexOf(pleaseStopOrder.front()) > returned);
    for (const QString& name : descendants) {
        const int stopped = tree.events.indexOf("stopped " + name);
        QVERIFY2(stopped > returned && stopped < parentStopped, qPrintable(name));
    }
    QVERIFY(parent.children().empty());
}

void tst_Thread::childStartedWhileItsParentIsStoppingIsStoppedAtOnce()
{
    Events events;
    Signal workerWaiting;
    Thread parent = Thread::run("parent", [&events, workerWaiting](const Signal& pleaseStop) {
        Thread::run("worker", [&events, workerWaiting](const Signal& own) mutable {
            workerWaiting.go();
            own.wait();
            // Stopping began above: a child started now is stopped at once.
            Thread late("late", [&events](const Signal& lateStop) {
                events.add(lateStop ? "late ran, asked to stop" : "late ran, not asked to stop");
            });
            late.start();
            events.add(late.pleaseStop() ? "late's pleaseStop had gone when start() returned"
                                         : "late's pleaseStop had not gone when start() returned");
            late.join();
        });
        pleaseStop.wait();
    });
    StopAtExit guard;
    guard.add(parent);

    QVERIFY(workerWaiting.wait(Till(testing::hangGuard)));
    parent.stop();
    parent.join();
    QCOMPARE(sorted(events.list()),
             (QStringList{"late ran, asked to stop", "late's pleaseStop had gone when start() returned"}));
}

void tst_Thread::droppedHandleLeavesTheThreadRunningUntilItsParentStopsIt()
{
    Events events;
    Signal running;
    Thread parent = Thread::run("parent", [&events, running](const Signal& pleaseStop) {
        // The handle is dropped at once.
        Thread::run("dropped", [&events, running](const Signal& own) mutable {
            running.go();
            own.wait();
            events.add("stopped dropped");
        });
        pleaseStop.wait();
        events.add("returned parent");
    });
    StopAtExit guard;
    guard.add(parent);
    parent.stopped().then([&events] { events.add("parent stopped()"); });

    QVERIFY(running.wait(Till(testing::hangGuard)));
    const auto children = parent.children();
    QCOMPARE(namesOf(children), QStringList{"dropped"});
    QVERIFY(children[0].isRunning());
    QVERIFY(!children[0].pleaseStop());
    QCOMPARE(events.list(), QStringList());

    parent.stop();
    parent.join();
    const int stopped = events.indexOf("stopped dropped");
    QVERIFY(stopped >= 0);
    QVERIFY(stopped < events.indexOf("parent stopped()"));
}

void tst_Thread::droppedTopLevelHandleLeavesTheThreadUnderMain()
{
    Events events;
    Signal running;
    {
        Thread::run("dropped", [&events, running](const Signal& pleaseStop) mutable {
            running.go();
            pleaseStop.wait();
            events.add("stopped dropped");
        });
    }
    const std::optional<Thread> found = childNamed(Thread::current(), "dropped");
    QVERIFY(found);
    StopAtExit guard;
    guard.add(*found);

    QVERIFY(running.wait(Till(testing::hangGuard)));
    QVERIFY(found->isRunning());
    QVERIFY(!found->pleaseStop());
    QCOMPARE(q(found->path()), QStringLiteral("main/dropped"));

    found->stop();
    found->join();
    QCOMPARE(events.list(), QStringList{"stopped dropped"});
}

// --- Misuse ------------------------------------------------------------------

void tst_Thread::joinOnItselfThrowsUsageError()
{
    auto t = Thread::run("selfish", [] {
        const Thread me = Thread::current();
        return std::make_pair(messageOf<UsageError>([&] { me.join(); }).value_or(nothingThrown),
                              messageOf<UsageError>([&] { (void)me.tryJoin(Till(1s)); }).value_or(nothingThrown));
    });
    StopAtExit guard;
    guard.add(t);
    // Bounded: a join() on itself that did not throw would never return.
    QVERIFY(t.tryJoin(Till(testing::hangGuard)));
    const auto [joinMessage, tryJoinMessage] = t.join();
    QVERIFY2(contains(joinMessage, "main/selfish"), joinMessage.c_str());
    QVERIFY2(contains(tryJoinMessage, "main/selfish"), tryJoinMessage.c_str());
}

void tst_Thread::joinOnAnAncestorThrowsUsageError()
{
    Events events;
    Thread parent = Thread::run("parent", [&events] {
        Thread::run("child", [&events] {
            Thread::run("grandchild", [&events] {
                const Thread child = *Thread::current().parent();
                const Thread grandparent = *child.parent();
                events.add("child: " + messageOf<UsageError>([&] { child.join(); }).value_or(nothingThrown));
                events.add("parent: " + messageOf<UsageError>([&] { grandparent.join(); }).value_or(nothingThrown));
            }).join();
        }).join();
    });
    StopAtExit guard;
    guard.add(parent);
    // Bounded: a join() on an ancestor that did not throw would deadlock.
    QVERIFY(parent.tryJoin(Till(testing::hangGuard)));

    const QStringList recorded = events.list();
    QCOMPARE(recorded.size(), 2);
    QVERIFY2(recorded[0].startsWith("child: ") && recorded[0].contains("main/parent/child"), qPrintable(recorded[0]));
    QVERIFY2(recorded[1].startsWith("parent: ") && recorded[1].contains("main/parent"), qPrintable(recorded[1]));
    QVERIFY(!recorded[1].contains("(nothing thrown)"));
}

void tst_Thread::joinOnMainThrowsUsageError()
{
    const Thread main = Thread::current();
    QVERIFY_THROWS_EXCEPTION(UsageError, main.join());

    // From a Skein thread, main is an ancestor (and not a Skein-started thread).
    auto t =
        Thread::run("child", [main] { return messageOf<UsageError>([&] { main.join(); }).value_or(nothingThrown); });
    StopAtExit guard;
    guard.add(t);
    QVERIFY(t.tryJoin(Till(testing::hangGuard)));
    const std::string message = t.join();
    QVERIFY2(contains(message, "main"), message.c_str());
    QVERIFY2(!contains(message, "(nothing thrown)"), message.c_str());
}

void tst_Thread::everyCallOnAnEmptyHandleThrowsUsageError_data()
{
    QTest::addColumn<int>("call");
    QTest::addColumn<bool>("movedFrom");
    const auto& calls = handleCalls();
    for (int i = 0; i < int(calls.size()); ++i) {
        QTest::addRow("default-constructed: %s", calls[i].name) << i << false;
        QTest::addRow("moved-from: %s", calls[i].name) << i << true;
    }
}

void tst_Thread::everyCallOnAnEmptyHandleThrowsUsageError()
{
    QFETCH(int, call);
    QFETCH(bool, movedFrom);
    const auto f = handleCalls()[call].call;

    if (!movedFrom) {
        Thread empty;
        QVERIFY_THROWS_EXCEPTION(UsageError, f(empty));
        return;
    }
    Thread source = Thread::run("moved", [](const Signal& pleaseStop) { pleaseStop.wait(); });
    const Thread target = std::move(source);
    StopAtExit guard;
    guard.add(target);
    QVERIFY_THROWS_EXCEPTION(UsageError, f(source));  // NOLINT(bugprone-use-after-move)
    // The handle it moved to still works, and the call reached nothing.
    QCOMPARE(q(target.name()), QStringLiteral("moved"));
    QVERIFY(target.isRunning());
    QVERIFY(!target.pleaseStop());
    target.stop();
    target.join();
}

void tst_Thread::typedJoinOnAMovedFromHandleThrowsUsageError()
{
    auto source = Thread::run("typed", [](const Signal& pleaseStop) {
        pleaseStop.wait();
        return 3;
    });
    const auto target = std::move(source);
    StopAtExit guard;
    guard.add(target);
    QVERIFY_THROWS_EXCEPTION(UsageError, (void)source.join());  // NOLINT(bugprone-use-after-move)
    target.stop();
    QCOMPARE(target.join(), 3);
}

void tst_Thread::emptyHandleAsParentThrowsUsageErrorNamingTheNewThread_data()
{
    QTest::addColumn<bool>("movedFrom");
    QTest::addColumn<bool>("typed");
    QTest::newRow("Thread, default-constructed parent") << false << false;
    QTest::newRow("Thread, moved-from parent") << true << false;
    QTest::newRow("ThreadHandle, default-constructed parent") << false << true;
    QTest::newRow("ThreadHandle, moved-from parent") << true << true;
}

void tst_Thread::emptyHandleAsParentThrowsUsageErrorNamingTheNewThread()
{
    QFETCH(bool, movedFrom);
    QFETCH(bool, typed);
    Thread parent;
    StopAtExit guard;
    if (movedFrom) {
        Thread source = Thread::run("moved", [](const Signal& pleaseStop) { pleaseStop.wait(); });
        guard.add(source);
        const Thread target = std::move(source);
        parent = std::move(source);  // NOLINT(bugprone-use-after-move): empty on purpose
    }
    std::atomic<bool> ran{false};
    const std::string message = messageOf<UsageError>([&] {
                                    if (typed)
                                        skein::ThreadHandle<int>(parent, "orphan", [&ran] {
                                            ran = true;
                                            return 1;
                                        }).start();
                                    else
                                        Thread(parent, "orphan", [&ran] { ran = true; }).start();
                                }).value_or(nothingThrown);
    QVERIFY2(contains(message, "'orphan'"), message.c_str());
    QVERIFY(!ran.load());
    // Nothing was put under main, or anywhere.
    QVERIFY(!childNamed(Thread::current(), "orphan"));
}

// --- Failures nobody joins ---------------------------------------------------

void tst_Thread::releasedThreadFailureIsLoggedAtOnce()
{
    const LogCapture log;
    Signal fail;
    Thread t = Thread::run("doomed", [fail] {
        fail.wait();
        throw std::runtime_error("boom in doomed");
    });
    StopAtExit guard;
    guard.add(t);
    t.release();
    fail.go();

    // Logged by the time stopped() goes, with nobody joining.
    QVERIFY(t.stopped().wait(Till(testing::hangGuard)));
    const auto records = log.mentioning("boom in doomed");
    QCOMPARE(records.size(), std::size_t(1));
    QVERIFY2(contains(records[0].message, "main/doomed"), records[0].message.c_str());
    QVERIFY(records[0].level == skein::LogLevel::Error);

    // A released thread leaves the tree when it ends, failed or not.
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    QVERIFY(!childNamed(Thread::current(), "doomed"));
}

void tst_Thread::releaseAfterTheFailureLogsItThen()
{
    const LogCapture log;
    Thread t = Thread::run("doomed", [] { throw CustomFailure("failed before release"); });
    QVERIFY(t.stopped().wait(Till(testing::hangGuard)));
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    // Not logged yet: someone may still join it; it stays in the tree.
    QVERIFY(log.mentioning("failed before release").empty());
    QVERIFY(childNamed(Thread::current(), "doomed"));

    t.release();
    const auto records = log.mentioning("failed before release");
    QCOMPARE(records.size(), std::size_t(1));
    QVERIFY2(contains(records[0].message, "main/doomed"), records[0].message.c_str());
    QVERIFY(!childNamed(Thread::current(), "doomed"));
}

void tst_Thread::releasedFailureIsLoggedWhenTheFunctionEndsNotWhenTheChildrenDo_data()
{
    QTest::addColumn<bool>("releasedFirst");
    QTest::newRow("released, then fails") << true;
    QTest::newRow("fails, then released while its child holds it up") << false;
}

void tst_Thread::releasedFailureIsLoggedWhenTheFunctionEndsNotWhenTheChildrenDo()
{
    QFETCH(bool, releasedFirst);
    const LogCapture log;
    const auto isTheFailure = [](const skein::LogRecord& r) { return contains(r.message, "failed with a child"); };
    Signal fail("fail");
    Signal childGoOn("child go on");
    Signal childAskedToStop("child asked to stop");
    // The child ignores its pleaseStop, so the parent's end, which joins it,
    // waits until the test lets the child go.
    Thread parent = Thread::run("parent", [fail, childGoOn, childAskedToStop] {
        Thread::run("child", [childGoOn, childAskedToStop](const Signal& pleaseStop) {
            pleaseStop.then([childAskedToStop]() mutable { childAskedToStop.go(); });
            childGoOn.wait();
        });
        fail.wait();
        throw CustomFailure("failed with a child");
    });
    StopAtExit guard;
    guard.add(parent);
    auto letTheChildGo = qScopeGuard([childGoOn]() mutable { childGoOn.go(); });

    if (releasedFirst) {
        parent.release();
        fail.go();
        QVERIFY2(log.waitFor(isTheFailure, 1, 10s), log.dump().c_str());
    } else {
        fail.go();
        // The parent's function has ended: it asks its child to stop only
        // after it recorded its failure.
        QVERIFY(childAskedToStop.wait(Till(10s)));
        QVERIFY(log.matching(isTheFailure).empty());
        parent.release();
        QCOMPARE(log.matching(isTheFailure).size(), std::size_t(1));
    }
    QVERIFY(!parent.stopped());
    QVERIFY(childNamed(parent, "child"));

    childGoOn.go();
    QVERIFY(parent.stopped().wait(Till(10s)));
    QVERIFY(skein::detail::waitForThreadExits(10000ms));
    const auto records = log.matching(isTheFailure);
    QCOMPARE(records.size(), std::size_t(1));
    QVERIFY2(contains(records[0].message, "main/parent"), records[0].message.c_str());
    QVERIFY(records[0].level == skein::LogLevel::Error);
}

void tst_Thread::releasedWhileItsStoppedCallbacksRunItsParentStillWaitsForIt()
{
    // A failed thread released while its stopped() callbacks still run has
    // not ended: its parent must still wait for it, and stop after it.
    const LogCapture log;
    std::mutex mutex;
    std::vector<std::string> order;  // guarded by mutex
    const auto record = [&mutex, &order](std::string what) {
        std::lock_guard<std::mutex> lock(mutex);
        order.push_back(std::move(what));
    };
    Signal inCallback("in callback");
    Signal letGo("let go");
    Thread parent = Thread::run("parent", [&](const Signal& pleaseStop) {
        Signal registered("registered");
        const Thread child = Thread::run("doomed", [registered] {
            registered.wait();
            throw CustomFailure("failed, then released");
        });
        child.stopped().then([&, inCallback, letGo]() mutable {
            inCallback.go();
            letGo.wait();
            record("doomed");
        });
        registered.go();
        pleaseStop.wait();
    });
    StopAtExit guard;
    guard.add(parent);
    parent.stopped().then([&] { record("parent"); });

    QVERIFY(inCallback.wait(Till(testing::hangGuard)));
    const std::vector<Thread> children = parent.children();
    QCOMPARE(children.size(), std::size_t(1));
    children.front().release();
    QCOMPARE(log.mentioning("failed, then released").size(), std::size_t(1));
    parent.stop();
    // A parent that no longer waited for its child would stop now; give it
    // the chance (this only bounds from below how long it is watched).
    QVERIFY(!parent.stopped().wait(Till(200ms)));
    letGo.go();
    parent.join();
    std::lock_guard<std::mutex> lock(mutex);
    QCOMPARE(order, (std::vector<std::string>{"doomed", "parent"}));
    QVERIFY(!childNamed(Thread::current(), "parent"));
}

void tst_Thread::unjoinedFailureIsLoggedByItsParentWhenTheParentEnds()
{
    const LogCapture log;
    Signal childFailed;
    Thread parent = Thread::run("parent", [childFailed](const Signal& pleaseStop) mutable {
        const Thread child = Thread::run("doomed", [] { throw CustomFailure("nobody catches this"); });
        child.stopped().wait();
        childFailed.go();
        pleaseStop.wait();
    });
    StopAtExit guard;
    guard.add(parent);
    std::size_t loggedWhenParentStopped = 0;
    parent.stopped().then(
        [&log, &loggedWhenParentStopped] { loggedWhenParentStopped = log.mentioning("nobody catches this").size(); });

    QVERIFY(childFailed.wait(Till(testing::hangGuard)));
    // The failed child waits in the tree for someone to join it.
    QVERIFY(log.mentioning("nobody catches this").empty());
    QCOMPARE(namesOf(parent.children()), QStringList{"doomed"});

    parent.stop();
    parent.join();  // the child's failure is not the parent's
    QCOMPARE(loggedWhenParentStopped, std::size_t(1));
    const auto records = log.mentioning("nobody catches this");
    QCOMPARE(records.size(), std::size_t(1));
    QVERIFY2(contains(records[0].message, "main/parent/doomed"), records[0].message.c_str());
    QVERIFY2(contains(records[0].message, "nobody joined it"), records[0].message.c_str());
    QVERIFY(records[0].level == skein::LogLevel::Error);
}

// --- Leaving the tree, leaks -------------------------------------------------

void tst_Thread::joinedThreadLeavesTheTree()
{
    Thread t = Thread::run("short", [](const Signal& pleaseStop) { pleaseStop.wait(); });
    StopAtExit guard;
    guard.add(t);
    QCOMPARE(namesOf(Thread::current().children()), QStringList{"short"});
    t.stop();
    t.join();
    // Right after join(), not only once the OS thread is gone.
    QCOMPARE(namesOf(Thread::current().children()), QStringList());
}

void tst_Thread::droppedSuccessfulThreadLeavesTheTreeWhenItEnds()
{
    Signal finish;
    const Signal stopped = Thread::run("dropped", [finish] { finish.wait(); }).stopped();
    QCOMPARE(namesOf(Thread::current().children()), QStringList{"dropped"});
    finish.go();
    QVERIFY(stopped.wait(Till(testing::hangGuard)));
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    QCOMPARE(namesOf(Thread::current().children()), QStringList());
}

void tst_Thread::failedThreadStaysInTheTreeUntilJoined()
{
    Thread t = Thread::run("failed", [] { throw std::runtime_error("kept for join"); });
    QVERIFY(t.stopped().wait(Till(testing::hangGuard)));
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    QCOMPARE(namesOf(Thread::current().children()), QStringList{"failed"});
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, t.join());
    QCOMPARE(namesOf(Thread::current().children()), QStringList());
}

void tst_Thread::shortThreadsLeaveNothingBehind_data()
{
    QTest::addColumn<bool>("join");
    QTest::newRow("run and join") << true;
    QTest::newRow("run, drop the handle, wait for stopped()") << false;
}

void tst_Thread::shortThreadsLeaveNothingBehind()
{
    QFETCH(bool, join);
#if defined(SKEIN_TEST_TSAN) || defined(SKEIN_TEST_ASAN)
    // The sanitizers make each thread start about ten times dearer; 2 000
    // threads still cycle the tree and the allocator many times over, and
    // the checks that need more (RSS) do not run under ASan.
    constexpr int cycles = 20;
    constexpr int threadsPerCycle = 100;
    constexpr int warmUpCycles = 5;
#else
    constexpr int cycles = 100;
    constexpr int threadsPerCycle = 500;
    constexpr int warmUpCycles = 10;
#endif
    const std::size_t baseline = settledSignalStates();
    std::atomic<long> ran{0};
    std::size_t rssAfterWarmUp = 0;

    for (int cycle = 0; cycle < cycles; ++cycle) {
        if (join) {
            std::vector<skein::ThreadHandle<int>> threads;
            threads.reserve(threadsPerCycle);
            for (int i = 0; i < threadsPerCycle; ++i) {
                threads.push_back(Thread::run("short-" + std::to_string(i), [&ran, i] {
                    ran.fetch_add(1, std::memory_order_relaxed);
                    return i;
                }));
            }
            long sum = 0;
            for (auto& t : threads)
                sum += t.join();
            QCOMPARE(sum, long(threadsPerCycle) * (threadsPerCycle - 1) / 2);
            // join() takes a thread out of the tree before it returns.
            QCOMPARE(namesOf(Thread::current().children()), QStringList());
        } else {
            std::vector<Signal> stopped;
            stopped.reserve(threadsPerCycle);
            for (int i = 0; i < threadsPerCycle; ++i) {
                stopped.push_back(Thread::run("short-" + std::to_string(i), [&ran] {
                                      ran.fetch_add(1, std::memory_order_relaxed);
                                  }).stopped());
            }
            for (const Signal& s : stopped)
                QVERIFY(s.wait(Till(testing::hangGuard)));
        }
        QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
        QCOMPARE(namesOf(Thread::current().children()), QStringList());
        // Exact: every Signal of every thread of the cycle is gone.
        QCOMPARE(skein::detail::liveSignalStates(), baseline);
        if (cycle + 1 == warmUpCycles)
            rssAfterWarmUp = residentBytes();
    }
    QCOMPARE(ran.load(), long(cycles) * threadsPerCycle);

#if !defined(SKEIN_TEST_ASAN)
    // RSS is measured after a warm-up, once glibc's thread-stack cache and
    // per-thread malloc arenas have reached their working size; they keep
    // (and reuse) that memory, but it must not grow with the number of
    // threads. A leak of one thread's state (a ThreadState, its Signals and
    // its task, over 1 KB) would add more than 40 MB over the 45 000 threads
    // after the warm-up; 16 MB of slack leaves room for allocator
    // fragmentation and page-granular noise. Skipped under ASan, whose
    // quarantine holds freed memory on purpose.
    const std::size_t rssAtEnd = residentBytes();
    const std::size_t slack = 16u << 20;
    QVERIFY2(
        rssAtEnd <= rssAfterWarmUp + slack,
        qPrintable(QStringLiteral("RSS grew from %1 KB to %2 KB").arg(rssAfterWarmUp / 1024).arg(rssAtEnd / 1024)));
#else
    Q_UNUSED(rssAfterWarmUp);
#endif
}

// --- Thread-locals -------------------------------------------------------------

void tst_Thread::joinAndStoppedComeAfterTheThreadLocalsAreDestroyed_data()
{
    QTest::addColumn<bool>("byJoin");
    QTest::newRow("join()") << true;
    QTest::newRow("stopped().wait()") << false;
}

void tst_Thread::joinAndStoppedComeAfterTheThreadLocalsAreDestroyed()
{
    QFETCH(bool, byJoin);
    const auto destroyed = std::make_shared<int>(0);
    Signal looked("looked");
    auto lookOnExit = qScopeGuard([looked]() mutable { looked.go(); });
    Thread t = Thread::run("with-thread-local", [destroyed, looked] {
        thread_local CountsItsDestruction local;
        local.destroyed = destroyed;
        local.looked = looked;
    });
    if (byJoin)
        t.join();
    else
        QVERIFY(t.stopped().wait(Till(10s)));
    const int seen = *destroyed;
    looked.go();
    QCOMPARE(seen, 1);
    t.join();
}

void tst_Thread::threadLocalDestructorMayUseSkeinAndStartAChild()
{
    const LogCapture log;
    Events events;
    Thread t("worker", [&events] {
        thread_local UsesSkeinWhenDestroyed local;
        local.events = &events;
    });
    t.stopped().then([&events] { events.add("worker stopped()"); });
    t.start();
    t.join();

    // Still the worker, and its child was stopped and joined before its end.
    QCOMPARE(events.list(), (QStringList{"destroyed on main/worker", "child stopped", "worker stopped()"}));
    const auto records = log.mentioning("logged by a thread_local's destructor");
    QCOMPARE(records.size(), std::size_t(1));
    QCOMPARE(q(records[0].threadPath), QStringLiteral("main/worker"));
}

// --- Stragglers ----------------------------------------------------------------

void tst_Thread::stragglerWarningsBackOffWhateverTheGracePeriod_data()
{
    QTest::addColumn<int>("graceMs");
    QTest::newRow("zero") << 0;
    QTest::newRow("negative, which is zero") << -1000;
}

void tst_Thread::stragglerWarningsBackOffWhateverTheGracePeriod()
{
    QFETCH(int, graceMs);
    const GracePeriodGuard gracePeriod{std::chrono::milliseconds(graceMs)};
    QCOMPARE(qint64(skein::stopGracePeriod().count()), qint64(std::max(graceMs, 0)));
    const LogCapture log;
    const JoinedStraggler straggler;

    // At once, then 100 ms and 200 ms later: no sooner, and not in a storm.
    QVERIFY2(log.waitFor(namesTheStraggler, 3, 10s), log.dump().c_str());
    const QString wrong = tooClose(log.matching(namesTheStraggler));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
}

void tst_Thread::gracePeriodOfMillisecondsMaxNeverNamesAStraggler()
{
    const GracePeriodGuard gracePeriod(std::chrono::milliseconds::max());
    const LogCapture log;
    const JoinedStraggler straggler;

    // The join is under way; then it is given a while to warn, bounded from
    // below only: no length of time may bring a warning.
    QTRY_VERIFY2_WITH_TIMEOUT(contains(skein::dumpThreads(), "waiting on Thread 'main/straggler' (join)"),
                              skein::dumpThreads().c_str(), testing::hangGuardMs);
    QVERIFY(!straggler.release.wait(Till(200ms)));
    QVERIFY2(log.matching(namesTheStraggler).empty(), log.dump().c_str());
}

void tst_Thread::stragglerNobodyJoinsIsNamedAndAgainWithBackOff_data()
{
    QTest::addColumn<NobodyJoins>("how");
    QTest::newRow("stopped, handle kept") << NobodyJoins::HandleKept;
    QTest::newRow("released, then stopped") << NobodyJoins::Released;
    QTest::newRow("stopped, handle dropped") << NobodyJoins::HandleDropped;
}

void tst_Thread::stragglerNobodyJoinsIsNamedAndAgainWithBackOff()
{
    QFETCH(NobodyJoins, how);
    const auto grace = 50ms;
    const GracePeriodGuard gracePeriod(grace);
    const LogCapture log;
    Signal release("release");
    auto releaseOnExit = qScopeGuard([release]() mutable { release.go(); });
    std::optional<Thread> straggler = Thread::run("straggler", [release] { release.wait(); });
    const Signal stopped = straggler->stopped();
    if (how == NobodyJoins::Released)
        straggler->release();
    const Clock::time_point askedToStop = Clock::now();
    straggler->stop();
    if (how == NobodyJoins::HandleDropped)
        straggler.reset();

    QVERIFY2(log.waitFor(namesTheStraggler, 2, 10s), log.dump().c_str());
    const auto warnings = log.matching(namesTheStraggler);
    QVERIFY2(contains(warnings[0].message, "main/straggler (waiting on Signal 'release')"),
             warnings[0].message.c_str());
    QVERIFY2(contains(warnings[0].message, "asked to stop"), warnings[0].message.c_str());
    // Exact lower bounds: the first step is due the grace period after the
    // thread was asked to stop, each next one after the previous warning.
    QVERIFY(warnings[0].seen - askedToStop >= grace);
    const QString wrong = tooClose(warnings);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    QVERIFY(!stopped);

    release.go();
    QVERIFY(stopped.wait(Till(10s)));
}

void tst_Thread::stragglerIsNamedOncePerStepHoweverManyLook()
{
    // The timer, the parent joining its children, and another thread's
    // join() all look at one straggler: it is named once per step.
    const GracePeriodGuard gracePeriod(0ms);
    const LogCapture log;
    Signal release("release");
    Signal started("started");
    Thread parent = Thread::run("parent", [release, started](const Signal& pleaseStop) mutable {
        Thread::run("straggler", [release] { release.wait(); });
        started.go();
        pleaseStop.wait();
    });
    StopAtExit guard;
    guard.add(parent);
    auto releaseOnExit = qScopeGuard([release]() mutable { release.go(); });
    QVERIFY(started.wait(Till(10s)));
    const Thread straggler = parent.children().at(0);
    parent.stop();
    testing::Joining joiner([straggler] { straggler.join(); });
    auto releaseBeforeTheJoin = qScopeGuard([release]() mutable { release.go(); });

    const auto isAboutIt = [](const skein::LogRecord& r) {
        return r.level == skein::LogLevel::Warning && contains(r.message, "thread 'main/parent/straggler'");
    };
    QVERIFY2(log.waitFor(isAboutIt, 3, 10s), log.dump().c_str());
    const QString wrong = tooClose(log.matching(isAboutIt));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
}

void tst_Thread::threadJoiningItsChildrenIsNotNamedButTheStragglerIs()
{
    const GracePeriodGuard gracePeriod(50ms);
    const LogCapture log;
    Signal release("release");
    auto releaseOnExit = qScopeGuard([release]() mutable { release.go(); });
    Signal started("started");
    // Nobody joins the parent: asked to stop, it returns, and then it only
    // waits for its child, which ignores its pleaseStop.
    Thread parent = Thread::run("parent", [release, started](const Signal& pleaseStop) mutable {
        Thread::run("straggler", [release] { release.wait(); });
        started.go();
        pleaseStop.wait();
    });
    const Signal stopped = parent.stopped();
    QVERIFY(started.wait(Till(10s)));
    parent.stop();

    const auto isAboutTheChild = [](const skein::LogRecord& r) {
        return r.level == skein::LogLevel::Warning && contains(r.message, "main/parent/straggler (waiting on");
    };
    // Two steps of the child's schedule, so two of the parent's have passed
    // as well: it was asked to stop no later than its child.
    QVERIFY2(log.waitFor(isAboutTheChild, 2, 10s), log.dump().c_str());
    QVERIFY2(log.mentioning("thread 'main/parent' ").empty(), log.dump().c_str());
    QVERIFY2(log.mentioning("main/parent (").empty(), log.dump().c_str());

    release.go();
    QVERIFY(stopped.wait(Till(10s)));
}

// --- current() ---------------------------------------------------------------

void tst_Thread::currentInsideASkeinThreadIsThatThread()
{
    auto t = Thread::run("self", [] { return Thread::current(); });
    const Thread plain = t;
    const Thread seen = t.join();
    QVERIFY(seen == plain);
    QCOMPARE(q(seen.name()), QStringLiteral("self"));
    QCOMPARE(q(seen.path()), QStringLiteral("main/self"));
}

void tst_Thread::currentOnAForeignThreadIsAPlaceholderUnderMain()
{
    const Thread main = Thread::current();
    std::string name;
    std::string path;
    long tid = 0;
    bool sameHandleTwice = false;
    bool parentIsMain = false;
    bool running = false;
    std::thread([&] {
        const Thread me = Thread::current();
        name = me.name();
        path = me.path();
        tid = osThreadId();
        sameHandleTwice = Thread::current() == me;
        parentIsMain = me.parent() && *me.parent() == main;
        running = me.isRunning();
    }).join();

    QVERIFY2(q(name).startsWith("thread-"), name.c_str());
#ifdef __linux__
    QCOMPARE(q(name), q("thread-" + std::to_string(tid)));
#endif
    QCOMPARE(q(path), q("main/" + name));
    QVERIFY(sameHandleTwice);
    QVERIFY(parentIsMain);
    QVERIFY(running);
    // A placeholder is not a child that main would have to join.
    QCOMPARE(namesOf(main.children()), QStringList());
}

void tst_Thread::placeholderIsForgottenWhenItsThreadEnds()
{
    const std::size_t baseline = settledSignalStates();
    for (int i = 0; i < 100; ++i) {
        std::size_t whileItLived = 0;
        std::thread([&whileItLived] {
            const Thread me = Thread::current();
            whileItLived = skein::detail::liveSignalStates();
        }).join();
        // The placeholder existed, with its Signals...
        QVERIFY(whileItLived > baseline);
        // ...and went with its thread.
        QCOMPARE(skein::detail::liveSignalStates(), baseline);
    }
}

void tst_Thread::newForeignThreadGetsAFreshPlaceholder()
{
    // The first placeholder is kept alive here, so a registry keyed by the
    // OS thread id (which the next thread may reuse) would hand it out again.
    std::optional<Thread> first;
    std::thread([&first] { first = Thread::current(); }).join();
    QVERIFY(first);
    QVERIFY(first->stopped());  // it ended with its thread

    for (int i = 0; i < 20; ++i) {
        std::optional<Thread> next;
        bool stoppedAtFirstSight = true;
        std::thread([&] {
            next = Thread::current();
            stoppedAtFirstSight = bool(next->stopped());
        }).join();
        QVERIFY(next);
        QVERIFY(*next != *first);
        QVERIFY(!stoppedAtFirstSight);
        QVERIFY(next->stopped());
    }
}

// --- Progress ----------------------------------------------------------------

void tst_Thread::progressSetByTheThreadIsReadFromOutside()
{
    Signal reported;
    Signal proceed;
    Thread t("worker", [reported, proceed]() mutable {
        Thread::current().setProgress(0.25, "a quarter");
        reported.go();
        proceed.wait();
        Thread::current().setProgress(1.0, "done");
    });
    QCOMPARE(t.progress(), 0.0);
    QCOMPARE(q(t.progressText()), QString());

    t.start();
    StopAtExit guard;
    guard.add(t);
    QVERIFY(reported.wait(Till(testing::hangGuard)));
    QCOMPARE(t.progress(), 0.25);
    QCOMPARE(q(t.progressText()), QStringLiteral("a quarter"));

    proceed.go();
    t.join();
    QCOMPARE(t.progress(), 1.0);
    QCOMPARE(q(t.progressText()), QStringLiteral("done"));
}

// --- nativeId() and threadCount() -------------------------------------------

// The id is the OS's: the tid the thread reads itself, one of the process's
// tasks in /proc, and not the main thread's. 0 before start() and once the
// thread has ended, when the OS may give the id to another thread.
void tst_Thread::nativeIdIsTheOsThreadIdWhileTheThreadRuns()
{
    Signal running("running");
    Signal finish("finish");
    std::atomic<long> tidInside{0};
    std::atomic<std::uint64_t> nativeIdInside{0};
    Thread t("identified", [&] {
        tidInside = osThreadId();
        nativeIdInside = Thread::current().nativeId();
        running.go();
        finish.wait();
    });
    QCOMPARE(t.nativeId(), std::uint64_t(0));

    t.start();
    StopAtExit guard;
    guard.add(t);
    QVERIFY(running.wait(Till(testing::hangGuard)));
    const long tid = tidInside;
    QVERIFY(tid > 0);
    QCOMPARE(nativeIdInside.load(), std::uint64_t(tid));
    QCOMPARE(t.nativeId(), std::uint64_t(tid));
    QVERIFY(tid != long(::getpid()));
    QVERIFY2(QFileInfo::exists(QStringLiteral("/proc/self/task/%1").arg(tid)), std::to_string(tid).c_str());

    finish.go();
    t.join();
    QCOMPARE(t.nativeId(), std::uint64_t(0));
}

void tst_Thread::nativeIdOfMainAndOfAPlaceholderIsTheirOsThreadId()
{
    QCOMPARE(Thread::current().nativeId(), std::uint64_t(osThreadId()));
    QCOMPARE(Thread::current().nativeId(), std::uint64_t(::getpid()));

    long tid = 0;
    std::uint64_t placeholderId = 0;
    std::uint64_t mainSeenFromThere = 0;
    std::optional<Thread> placeholder;
    std::thread([&] {
        tid = osThreadId();
        placeholder = Thread::current();
        placeholderId = placeholder->nativeId();
        // Main's id, asked from another thread, is still main's.
        mainSeenFromThere = placeholder->parent()->nativeId();
    }).join();
    QVERIFY(tid > 0);
    QCOMPARE(placeholderId, std::uint64_t(tid));
    QCOMPARE(mainSeenFromThere, std::uint64_t(::getpid()));
    // Its thread has ended: the id is the OS's to reuse.
    QCOMPARE(placeholder->nativeId(), std::uint64_t(0));
}

// Each thread counts from its start until it has been joined, whatever its
// place in the tree.
void tst_Thread::threadCountRisesByTheThreadsThatRunAndFallsBackOnceJoined()
{
    const std::size_t baseline = skein::threadCount();
    QVERIFY(baseline >= 1);  // main, at least

    constexpr int topLevel = 3;
    Countdown started(2 * topLevel);  // each thread and the child it starts
    Signal finish("finish");
    std::vector<Thread> threads;
    StopAtExit guard;
    for (int i = 0; i < topLevel; ++i) {
        threads.push_back(Thread::run("counted-" + std::to_string(i), [&started, &finish] {
            Thread::run("child", [&started, &finish] {
                started.arrive();
                finish.wait();
            });
            started.arrive();
            finish.wait();
        }));
        guard.add(threads.back());
    }
    const Thread notStarted("not-started", [] {});
    QVERIFY(started.done().wait(Till(testing::hangGuard)));
    QCOMPARE(skein::threadCount(), baseline + 2 * topLevel);

    finish.go();
    for (const Thread& t : threads)
        t.join();
    QCOMPARE(skein::threadCount(), baseline);
}

// Python counts its dummy threads too: a thread Skein did not start counts
// from when Skein knows it until it ends.
void tst_Thread::threadCountCountsAPlaceholderWhileItsThreadLives()
{
    const std::size_t baseline = skein::threadCount();
    std::size_t before = 0;
    std::size_t known = 0;
    std::thread([&] {
        before = skein::threadCount();
        (void)Thread::current();
        known = skein::threadCount();
    }).join();
    QCOMPARE(before, baseline);
    QCOMPARE(known, baseline + 1);
    QCOMPARE(skein::threadCount(), baseline);
}

QTEST_GUILESS_MAIN(tst_Thread)
#include "tst_thread.moc"
