// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Fault injection: what Skein does when code it calls throws. Queue items
// whose move constructor throws, thread functions and what they captured
// (destructors declared noexcept(false)), then() callbacks on the stop path
// and the timer thread, and progress text whose conversion throws. Each
// fault must leave Skein's own state intact and be reported, never lost,
// never std::terminate.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/log.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include "testing.h"

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::messageOf;

namespace {

struct MoveFailed : std::runtime_error {
    MoveFailed() : std::runtime_error("move failed") {}
};

// An item whose move constructor throws when the calling thread's fuse runs
// out. It throws before it touches the source, as a strongly exception-safe
// type does; a successful move leaves the source with id -1, so a moved-from
// shell that is handed out shows up as a duplicate or a lost item.
struct Fragile {
    // Moves left before one throws; negative: none throws.
    static thread_local int fuse;

    int id;

    explicit Fragile(int id) : id(id) {}
    Fragile(Fragile&& other) : id(other.id)
    {
        if (fuse >= 0 && fuse-- == 0)
            throw MoveFailed();
        other.id = -1;
    }
    Fragile& operator=(Fragile&& other)
    {
        Fragile moved(std::move(other));
        id = moved.id;
        return *this;
    }
};
thread_local int Fragile::fuse = -1;

// Arms the fuse for one statement's worth of moves.
struct Fuse {
    explicit Fuse(int movesBeforeThrow) { Fragile::fuse = movesBeforeThrow; }
    ~Fuse() { Fragile::fuse = -1; }
};

std::vector<int> ids(const std::vector<Fragile>& items)
{
    std::vector<int> result;
    for (const Fragile& f : items)
        result.push_back(f.id);
    return result;
}

// How many records that `log` took are of `level` and contain every one of
// `parts`.
int count(const LogCapture& log, skein::LogLevel level, std::initializer_list<const char*> parts)
{
    const auto matches = [&](const skein::LogRecord& r) {
        return r.level == level && std::all_of(parts.begin(), parts.end(),
                                               [&](const char* part) { return testing::contains(r.message, part); });
    };
    return int(log.matching(matches).size());
}

enum class QueueOp { Add, Push, Extend, Pop, TryPop, PopAll };

struct Exploded : std::runtime_error {
    Exploded() : std::runtime_error("a destructor threw") {}
};

// Throws from its destructor (declared noexcept(false)) unless it was moved
// from; records the path of the thread that destroyed it armed.
struct Bomb {
    std::shared_ptr<std::string> destroyedOn = std::make_shared<std::string>();
    bool armed = true;

    Bomb() = default;
    Bomb(Bomb&& other) noexcept : destroyedOn(other.destroyedOn), armed(std::exchange(other.armed, false)) {}
    Bomb& operator=(Bomb&&) = delete;
    ~Bomb() noexcept(false)
    {
        if (!armed)
            return;
        *destroyedOn = skein::Thread::current().path();
        throw Exploded();
    }
};

}  // namespace

Q_DECLARE_METATYPE(QueueOp)

class tst_Faults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void queueItemWhoseMoveThrowsIsNeitherLostNorDuplicated_data();
    void queueItemWhoseMoveThrowsIsNeitherLostNorDuplicated();
    void queuePopMovesAnItemOnlyOnce();
    void queueUnderTrafficOfFragileItemsHandsEachOutOnce();

    void throwingDestructorOfWhatTheFunctionHeldFailsTheThread();
    void throwingDestructorOfAnArgumentFailsTheThread();
    void functionsOwnFailureWinsOverAThrowingDestructor();
    void threadNeverStartedLogsItsThrowingDestructor();
    void releasedThreadLogsAThrowingDestructorAtOnce();
    void nonStandardExceptionIsRethrownAndLoggedWhenUnjoined();
    void throwingStopCallbacksDoNotBreakTheStopOrder();
    void throwingTillCallbackLeavesTheTimerRunning();
    void throwingProgressTextLeavesProgressIntact();
    void throwingProgressCallbackDoesNotFailSetProgress();
};

void tst_Faults::queueItemWhoseMoveThrowsIsNeitherLostNorDuplicated_data()
{
    QTest::addColumn<QueueOp>("op");
    QTest::addColumn<int>("fuse");
    const std::pair<const char*, QueueOp> ops[] = {
        {"add", QueueOp::Add}, {"push", QueueOp::Push},     {"extend", QueueOp::Extend},
        {"pop", QueueOp::Pop}, {"tryPop", QueueOp::TryPop}, {"popAll", QueueOp::PopAll},
    };
    for (const auto& [name, op] : ops) {
        for (int fuse = 0; fuse < 4; ++fuse)
            QTest::addRow("%s, move %d throws", name, fuse + 1) << op << fuse;
    }
}

// The Queue holds 1, 2, 3; the operation runs with the fuse armed; then
// every item is accounted for exactly once: handed out by the operation,
// still in the Queue, or (extend) still in the caller's range. add() and
// push() take the item by value: when they throw, it ends with the call.
void tst_Faults::queueItemWhoseMoveThrowsIsNeitherLostNorDuplicated()
{
    QFETCH(QueueOp, op);
    QFETCH(int, fuse);
    skein::Queue<Fragile> queue("fragile");
    for (int id : {1, 2, 3})
        queue.add(Fragile(id));

    std::multiset<int> expected = {1, 2, 3};
    std::vector<int> handedOut;
    std::vector<Fragile> range;
    bool threw = false;
    try {
        switch (op) {
        case QueueOp::Add: {
            const Fuse armed(fuse);
            queue.add(Fragile(10));
            expected.insert(10);
            break;
        }
        case QueueOp::Push: {
            const Fuse armed(fuse);
            queue.push(Fragile(10));
            expected.insert(10);
            break;
        }
        case QueueOp::Extend: {
            range.reserve(3);
            for (int id : {10, 11, 12})
                range.emplace_back(id);
            expected.insert({10, 11, 12});
            const Fuse armed(fuse);
            queue.extend(range);
            break;
        }
        // Results are initialised from the returned prvalue, which moves
        // nothing: the fuse can only go off inside the Queue.
        case QueueOp::Pop: {
            const Fuse armed(fuse);
            const std::optional<Fragile> item = queue.pop(skein::Signal::done());
            handedOut.push_back(item->id);
            break;
        }
        case QueueOp::TryPop: {
            const Fuse armed(fuse);
            const std::optional<Fragile> item = queue.tryPop();
            handedOut.push_back(item->id);
            break;
        }
        case QueueOp::PopAll: {
            const Fuse armed(fuse);
            const std::vector<Fragile> all = queue.popAll();
            handedOut = ids(all);
            break;
        }
        }
    } catch (const MoveFailed&) {
        threw = true;
    }
    if (threw && (op == QueueOp::Pop || op == QueueOp::TryPop || op == QueueOp::PopAll))
        QVERIFY2(handedOut.empty(), "an operation that threw handed items out");

    std::multiset<int> seen(handedOut.begin(), handedOut.end());
    for (const Fragile& f : range) {
        if (f.id != -1)
            seen.insert(f.id);  // not added: still the caller's
    }
    const std::size_t sizeBefore = queue.size();
    const std::vector<Fragile> rest = queue.popAll();
    QCOMPARE(rest.size(), sizeBefore);
    for (const Fragile& f : rest)
        seen.insert(f.id);
    QVERIFY2(!seen.count(-1), "a moved-from item was handed out");
    QCOMPARE(std::vector<int>(seen.begin(), seen.end()), std::vector<int>(expected.begin(), expected.end()));
    // Order is kept: what is left is the original order minus what went.
    const std::vector<int> restIds = ids(rest);
    QVERIFY(std::is_sorted(restIds.begin(), restIds.end()) || op == QueueOp::Push);

    // And the Queue works as before.
    QVERIFY(queue.add(Fragile(20)));
    queue.push(Fragile(21));
    QCOMPARE(queue.pop(skein::Signal::done())->id, 21);
    QCOMPARE(queue.tryPop()->id, 20);
    QVERIFY(queue.empty());
}

// pop() builds its result in place: a single move takes the item out, so a
// fuse on the second move never fires inside the Queue.
void tst_Faults::queuePopMovesAnItemOnlyOnce()
{
    skein::Queue<Fragile> queue("fragile");
    queue.add(Fragile(1));
    queue.add(Fragile(2));
    {
        const Fuse armed(1);
        const std::optional<Fragile> first = queue.pop();
        QVERIFY(first);
        QCOMPARE(first->id, 1);
    }
    {
        const Fuse armed(1);
        const std::optional<Fragile> second = queue.tryPop();
        QVERIFY(second);
        QCOMPARE(second->id, 2);
    }
}

// Producers and consumers on a small bounded Queue whose items fail to move
// one time in five, on either side. Every item whose add() returned true is
// popped exactly once.
void tst_Faults::queueUnderTrafficOfFragileItemsHandsEachOutOnce()
{
    skein::Queue<Fragile> queue("fragile", 4);
    constexpr int producers = 3;
    constexpr int perProducer = 2000;
    std::mutex mutex;
    std::vector<int> added;  // guarded by mutex

    std::vector<std::thread> threads;
    for (int p = 1; p <= producers; ++p) {
        threads.emplace_back([&, p] {
            std::mt19937 rng{unsigned(p)};
            for (int i = 0; i < perProducer; ++i) {
                const int id = p * 100000 + i;
                const Fuse armed(rng() % 5 == 0 ? int(rng() % 2) : -1);
                try {
                    if (queue.add(Fragile(id), skein::Till(1ms))) {
                        std::lock_guard<std::mutex> lock(mutex);
                        added.push_back(id);
                    }
                } catch (const MoveFailed&) {
                }
            }
        });
    }
    std::vector<std::thread> consumers;
    std::vector<int> popped;  // guarded by mutex
    for (int c = 0; c < 2; ++c) {
        consumers.emplace_back([&, c] {
            std::mt19937 rng{unsigned(100 + c)};
            for (;;) {
                const Fuse armed(rng() % 5 == 0 ? int(rng() % 2) : -1);
                try {
                    const std::optional<Fragile> item = queue.pop(skein::Till(1ms));
                    if (item) {
                        std::lock_guard<std::mutex> lock(mutex);
                        popped.push_back(item->id);
                    } else if (queue.isClosed()) {
                        return;
                    }
                } catch (const MoveFailed&) {
                }
            }
        });
    }
    for (auto& t : threads)
        t.join();
    queue.close();
    for (auto& t : consumers)
        t.join();
    for (const Fragile& f : queue.popAll())
        popped.push_back(f.id);

    std::sort(added.begin(), added.end());
    std::sort(popped.begin(), popped.end());
    QCOMPARE(popped.size(), added.size());
    QVERIFY(popped == added);
    QVERIFY(!added.empty());
}

// The destructor runs on the thread, right after the function returned, and
// its exception is the thread's failure: join() rethrows it, with its type.
void tst_Faults::throwingDestructorOfWhatTheFunctionHeldFailsTheThread()
{
    Bomb bomb;
    const auto destroyedOn = bomb.destroyedOn;
    auto thread = skein::Thread::run("bomb", [bomb = std::move(bomb)] { return 42; });
    QVERIFY(messageOf<Exploded>([&] { (void)thread.join(); }));
    QCOMPARE(*destroyedOn, std::string("main/bomb"));
    // Every join says the same.
    QVERIFY(messageOf<Exploded>([&] { static_cast<skein::Thread&>(thread).join(); }));
}

void tst_Faults::throwingDestructorOfAnArgumentFailsTheThread()
{
    Bomb bomb;
    const auto destroyedOn = bomb.destroyedOn;
    skein::Thread thread = skein::Thread::run(
        "bomb-argument", [](const Bomb&) {}, std::move(bomb));
    QVERIFY(messageOf<Exploded>([&] { thread.join(); }));
    QCOMPARE(*destroyedOn, std::string("main/bomb-argument"));
}

// Two failures: the function's is the thread's, the destructor's is logged.
void tst_Faults::functionsOwnFailureWinsOverAThrowingDestructor()
{
    const LogCapture log;
    skein::Thread thread =
        skein::Thread::run("both", [bomb = Bomb()] { throw std::logic_error("the function failed"); });
    QCOMPARE(messageOf<std::logic_error>([&] { thread.join(); }), std::optional<std::string>("the function failed"));
    QVERIFY2(count(log, skein::LogLevel::Error, {"main/both", "a destructor threw"}) == 1, log.dump().c_str());
}

// Nobody can be failed: the exception is logged, with the thread's path,
// where the last handle goes.
void tst_Faults::threadNeverStartedLogsItsThrowingDestructor()
{
    const LogCapture log;
    {
        const skein::Thread unstarted("unstarted", [bomb = Bomb()] {});
        QVERIFY(!unstarted.isStarted());
    }
    QVERIFY2(count(log, skein::LogLevel::Error, {"main/unstarted", "never started", "a destructor threw"}) == 1,
             log.dump().c_str());
}

void tst_Faults::releasedThreadLogsAThrowingDestructorAtOnce()
{
    const LogCapture log;
    const skein::Signal release("release");
    skein::Thread thread = skein::Thread::run("released-bomb", [release, bomb = Bomb()] { release.wait(); });
    thread.release();
    const skein::Signal stopped = thread.stopped();
    thread = skein::Thread();
    skein::Signal(release).go();
    stopped.wait();
    QVERIFY2(count(log, skein::LogLevel::Error, {"main/released-bomb", "a destructor threw"}) == 1, log.dump().c_str());
    // It leaves the tree on its own thread, just after stopped() went.
    QVERIFY(skein::detail::waitForThreadExits(testing::hangGuard));
    QVERIFY(skein::Thread::current().children().empty());
}

void tst_Faults::nonStandardExceptionIsRethrownAndLoggedWhenUnjoined()
{
    skein::Thread joined = skein::Thread::run("throws-int", [] { throw 7; });
    bool caught = false;
    try {
        joined.join();
    } catch (int value) {
        caught = value == 7;
    }
    QVERIFY(caught);

    // Unjoined, under a parent that ends: the parent logs it.
    const LogCapture log;
    skein::Thread parent = skein::Thread::run("parent", [] {
        const skein::Thread child = skein::Thread::run("throws-int", [] { throw 7; });
        child.stopped().wait();
    });
    parent.join();
    QVERIFY2(count(log, skein::LogLevel::Error, {"main/parent/throws-int", "a non-standard exception"}) == 1,
             log.dump().c_str());
}

// Callbacks that throw on pleaseStop and stopped are logged; the stop still
// reaches the children first and the thread ends normally.
void tst_Faults::throwingStopCallbacksDoNotBreakTheStopOrder()
{
    const LogCapture log;
    std::mutex mutex;
    std::vector<std::string> order;  // guarded by mutex
    const auto record = [&](std::string what) {
        std::lock_guard<std::mutex> lock(mutex);
        order.push_back(std::move(what));
    };
    const skein::Signal childReady("child ready");
    skein::Thread parent = skein::Thread::run("parent", [&, childReady](const skein::Signal& pleaseStop) {
        skein::Thread child = skein::Thread::run("child", [](const skein::Signal& stop) { stop.wait(); });
        child.pleaseStop().then([] { throw std::runtime_error("pleaseStop callback"); });
        child.stopped().then([&] { record("child stopped"); });
        child.stopped().then([] { throw std::runtime_error("stopped callback"); });
        skein::Signal(childReady).go();
        pleaseStop.wait();
    });
    parent.pleaseStop().then([] { throw std::runtime_error("pleaseStop callback"); });
    parent.stopped().then([] { throw std::runtime_error("stopped callback"); });
    parent.stopped().then([&] { record("parent stopped"); });
    childReady.wait();
    parent.stop();
    parent.join();  // a callback's exception is not the thread's failure
    QCOMPARE(order, (std::vector<std::string>{"child stopped", "parent stopped"}));
    QVERIFY2(count(log, skein::LogLevel::Warning, {"pleaseStop callback"}) == 2, log.dump().c_str());
    QVERIFY2(count(log, skein::LogLevel::Warning, {"stopped callback"}) == 2, log.dump().c_str());
}

void tst_Faults::throwingTillCallbackLeavesTheTimerRunning()
{
    const LogCapture log;
    const skein::Till first(1ms);
    first.then([] { throw std::runtime_error("till callback"); });
    const skein::Signal after("after");
    first.then([after] { skein::Signal(after).go(); });
    after.wait();  // the callback after the throwing one ran
    // The timer thread goes on to the next Till.
    const skein::Till second(1ms);
    second.wait();
    QVERIFY2(count(log, skein::LogLevel::Warning, {"till callback"}) == 1, log.dump().c_str());
}

// The text is built before setProgress() is called: a conversion that throws
// leaves the thread's progress as it was, and the thread carries on.
void tst_Faults::throwingProgressTextLeavesProgressIntact()
{
    struct Label {
        bool fails;
        operator std::string() const
        {
            if (fails)
                throw std::runtime_error("no text");
            return "halfway";
        }
    };
    auto thread = skein::Thread::run("progress", [] {
        const skein::Thread self = skein::Thread::current();
        self.setProgress(0.5, Label{false});
        try {
            self.setProgress(0.9, Label{true});
        } catch (const std::runtime_error&) {
        }
        return std::make_pair(self.progress(), self.progressText());
    });
    const auto [progress, text] = thread.join();
    QCOMPARE(progress, 0.5);
    QCOMPARE(text, std::string("halfway"));
}

void tst_Faults::throwingProgressCallbackDoesNotFailSetProgress()
{
    const LogCapture log;
    const skein::Signal watching("watching");
    const skein::Signal proceed("proceed");
    skein::Thread thread = skein::Thread::run("progress", [watching, proceed] {
        const skein::Thread self = skein::Thread::current();
        self.progressChanged().then([] { throw std::runtime_error("progress callback"); });
        skein::Signal(watching).go();
        proceed.wait();
        self.setProgress(0.25, "a quarter");
    });
    watching.wait();
    skein::Signal(proceed).go();
    thread.join();  // setProgress() did not throw
    QCOMPARE(thread.progress(), 0.25);
    QCOMPARE(thread.progressText(), std::string("a quarter"));
    QVERIFY2(count(log, skein::LogLevel::Warning, {"progress callback"}) == 1, log.dump().c_str());
}

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
