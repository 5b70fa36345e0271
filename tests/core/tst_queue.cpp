// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Tests for skein::Queue<T>: FIFO order, move-only items, bounded add() that
// blocks and honours its `till`, close() that wakes everyone but drains what
// was added, many producers and consumers losing and duplicating nothing,
// and task tracking: taskDone() and waitDone(), as Python's task_done() and
// join().
#include <QtTest>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/till.h>

#include "testing.h"

using namespace std::chrono_literals;
using testing::Events;
using testing::Joining;
using testing::messageOf;
using testing::names;
using testing::waitUntilBlockedOn;
using testing::waitUntilParked;
using testing::TillKind;
using testing::addTillKindRows;
using testing::tillOf;

namespace {

std::vector<int> drain(skein::Queue<int>& queue)
{
    std::vector<int> items;
    while (auto item = queue.tryPop())
        items.push_back(*item);
    return items;
}

// The CPU time the calling thread has used, in milliseconds.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

enum class MakeRoom { Pop, TryPop, PopAll };
enum class AddFour { Add, Extend, PushThenAdd };

// `count` threads, each making one call(i); joined when this is destroyed.
class Callers {
public:
    template <class Call>
    Callers(int count, Call call) : count_(count)
    {
        for (int i = 0; i < count; ++i)
            threads_.emplace_back([this, call, i] {
                call(i);
                if (++returned_ == count_)
                    allReturned_.go();
            });
    }
    // True once every call has returned; false after testing::hangGuard,
    // which turns a broken Queue's hang into a failure.
    bool allReturned() { return allReturned_.wait(skein::Till(testing::hangGuard)); }

private:
    const int count_;
    std::atomic<int> returned_{0};
    skein::Signal allReturned_{"every call returned"};
    std::vector<Joining> threads_;  // last: joined before the rest goes
};
// What destroyOnceBlocked() saw before it acted.
struct BeforeDestruction {
    bool blocked = false;   // `count` calls showed as blocked in the Queue
    bool returned = false;  // one of them had returned already
};

// Destroys `queue` once `count` calls show as blocked in it as `what` and
// none has returned. Unless a check failed: then it closes the Queue
// instead, which frees the blocked threads so that the test can end.
BeforeDestruction destroyOnceBlocked(std::unique_ptr<skein::Queue<int>>& queue, const std::string& what,
                                     std::size_t count, const std::atomic<int>& returned)
{
    BeforeDestruction seen;
    seen.blocked = waitUntilBlockedOn(what, count);
    seen.returned = returned != 0;
    if (seen.blocked && !seen.returned)
        queue.reset();
    else
        queue->close();
    return seen;
}

}  // namespace

Q_DECLARE_METATYPE(MakeRoom)
Q_DECLARE_METATYPE(AddFour)

class tst_Queue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void popsItemsInTheOrderTheyWereAdded();
    void pushPutsAnItemAtTheFront();
    void reportsItsNameAndGeneratesDistinctOnes();
    void movesMoveOnlyItems();
    void tryPopAndPopAllNeverBlock();

    void boundedAddBlocksUntilRoomIsMade_data();
    void boundedAddBlocksUntilRoomIsMade();
    void boundedAddReturnsFalseWhenTillGoes_data();
    void boundedAddReturnsFalseWhenTillGoes();
    void popReturnsNulloptWhenTillGoes_data();
    void popReturnsNulloptWhenTillGoes();
    void popReturnsAnItemAddedLaterByAnotherThread_data();
    void popReturnsAnItemAddedLaterByAnotherThread();
    void extendStopsWhenTillGoesAndLeavesTheRestUntouched_data();
    void extendStopsWhenTillGoesAndLeavesTheRestUntouched();

    void closeWakesEveryBlockedAddWithQueueClosed();
    void roomMadeAllAtOnceReachesEveryBlockedAdd_data();
    void roomMadeAllAtOnceReachesEveryBlockedAdd();
    void roomMadeWhileAnAddIsWokenReachesTheOthers();
    void itemsAddedAllAtOnceReachEveryBlockedPop_data();
    void itemsAddedAllAtOnceReachEveryBlockedPop();
    void closeWakesEveryBlockedPopWithNullopt();
    void closeDrainsItemsAddedBeforeIt();
    void addingAfterCloseThrowsQueueClosedNamingTheQueue();

    void destroyingWakesBlockedPopsWithNullopt();
    void destroyingWakesBlockedAddsWithQueueClosedNamingTheQueue();
    void destroyingJustAfterAnAddWaitsForThePopItWoke();

    void everyItemArrivesExactlyOnce_data();
    void everyItemArrivesExactlyOnce();
    void consumersWhoseTillsGoLoseAndDuplicateNothing();
    void anIdleConsumerUsesNoCpu();

    void waitDoneReturnsTrueAtOnceWhenNothingIsOutstanding();
    void waitDoneWaitsUntilEveryItemIsPoppedAndMarkedDone_data();
    void waitDoneWaitsUntilEveryItemIsPoppedAndMarkedDone();
    void waitDoneReturnsFalseWhenTillGoes_data();
    void waitDoneReturnsFalseWhenTillGoes();
    void anItemHandedBackWithPushIsANewTask();
    void closeDoesNotEndWaitDone();
    void taskDoneMoreOftenThanItemsPoppedThrowsUsageErrorNamingTheQueue();
    void destroyingWakesABlockedWaitDoneWithQueueClosedNamingTheQueue();
    void waitDoneSeesEverythingConsumersDidBeforeTheirTaskDone();
};

void tst_Queue::popsItemsInTheOrderTheyWereAdded()
{
    skein::Queue<int> queue("fifo");
    QVERIFY(queue.empty());
    QCOMPARE(queue.size(), std::size_t(0));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(queue.add(i));
    QVERIFY(!queue.empty());
    QCOMPARE(queue.size(), std::size_t(5));
    for (int i = 1; i <= 5; ++i) {
        const auto item = queue.pop();
        QVERIFY(item);
        QCOMPARE(*item, i);
        QCOMPARE(queue.size(), std::size_t(5 - i));
    }
    QVERIFY(queue.empty());
}

void tst_Queue::pushPutsAnItemAtTheFront()
{
    skein::Queue<int> queue("front");
    queue.add(2);
    queue.add(3);
    queue.push(1);
    queue.push(0);
    QCOMPARE(queue.size(), std::size_t(4));
    QCOMPARE(drain(queue), (std::vector<int>{0, 1, 2, 3}));

    // push() hands an item back even past maxSize, without blocking.
    skein::Queue<int> bounded("bounded front", 1);
    QVERIFY(bounded.add(2, skein::Signal::done()));
    bounded.push(1);
    QCOMPARE(bounded.size(), std::size_t(2));
    QCOMPARE(drain(bounded), (std::vector<int>{1, 2}));

    // The place push() took is gone for add(), also one add() knew as free.
    skein::Queue<int> two("bounded two", 2);
    QVERIFY(two.add(2, skein::Signal::done()));
    two.push(1);
    QVERIFY(!two.add(3, skein::Signal::done()));
    QCOMPARE(two.size(), std::size_t(2));
    QCOMPARE(drain(two), (std::vector<int>{1, 2}));
}

void tst_Queue::reportsItsNameAndGeneratesDistinctOnes()
{
    const skein::Queue<int> named("jobs", 8);
    QCOMPARE(named.name(), std::string("jobs"));
    QCOMPARE(named.maxSize(), std::size_t(8));

    const skein::Queue<int> a;
    const skein::Queue<std::string> b;
    const skein::Queue<int> c;
    QVERIFY(!a.name().empty());
    QVERIFY(!b.name().empty());
    QVERIFY(a.name() != b.name());
    QVERIFY(a.name() != c.name());
    QVERIFY(b.name() != c.name());
    QCOMPARE(a.maxSize(), std::size_t(0));
}

void tst_Queue::movesMoveOnlyItems()
{
    using Box = std::unique_ptr<int>;
    skein::Queue<Box> queue("boxes");
    QVERIFY(queue.add(std::make_unique<int>(1)));
    queue.push(std::make_unique<int>(0));

    std::vector<Box> more;
    more.push_back(std::make_unique<int>(2));
    more.push_back(std::make_unique<int>(3));
    QVERIFY(queue.extend(more));
    QVERIFY(!more[0]);  // moved into the queue
    QVERIFY(!more[1]);

    std::vector<Box> evenMore;
    evenMore.push_back(std::make_unique<int>(4));
    QVERIFY(queue.extend(std::move(evenMore)));
    QCOMPARE(queue.size(), std::size_t(5));

    const auto first = queue.pop();
    QVERIFY(first && *first);
    QCOMPARE(**first, 0);
    const auto second = queue.tryPop();
    QVERIFY(second && *second);
    QCOMPARE(**second, 1);
    const std::vector<Box> rest = queue.popAll();
    QCOMPARE(rest.size(), std::size_t(3));
    for (int i = 0; i < 3; ++i) {
        QVERIFY(rest[i]);
        QCOMPARE(*rest[i], i + 2);
    }
    QVERIFY(queue.empty());
    QVERIFY(!queue.tryPop());
    QVERIFY(queue.popAll().empty());
}

void tst_Queue::tryPopAndPopAllNeverBlock()
{
    skein::Queue<int> queue("empty");
    QVERIFY(!queue.tryPop());
    QVERIFY(queue.popAll().empty());

    queue.add(7);
    QCOMPARE(queue.tryPop(), std::optional<int>(7));
    QVERIFY(!queue.tryPop());

    // Not even on a closed queue, nor a full bounded one with an add() parked.
    skein::Queue<int> full("full", 1);
    full.add(1);
    skein::Signal till("producer's till");
    std::atomic<bool> added{false};
    Joining producer([&] { added = full.add(2, till); });
    QVERIFY(waitUntilParked(till, 1));
    QCOMPARE(full.popAll(), (std::vector<int>{1}));
    producer.join();
    QVERIFY(added);
    full.close();
    QCOMPARE(full.tryPop(), std::optional<int>(2));
    QVERIFY(!full.tryPop());
    QVERIFY(full.popAll().empty());
}

void tst_Queue::boundedAddBlocksUntilRoomIsMade_data()
{
    QTest::addColumn<MakeRoom>("makeRoom");
    QTest::newRow("pop") << MakeRoom::Pop;
    QTest::newRow("tryPop") << MakeRoom::TryPop;
    QTest::newRow("popAll") << MakeRoom::PopAll;
}

void tst_Queue::boundedAddBlocksUntilRoomIsMade()
{
    QFETCH(MakeRoom, makeRoom);
    skein::Queue<int> queue("two seats", 2);
    QVERIFY(queue.add(1));
    QVERIFY(queue.add(2));

    // Never goes: only lets waitUntilParked() see the producer inside add().
    skein::Signal till("producer's till");
    skein::Signal returned("add returned");
    Events events;
    std::atomic<bool> added{false};
    Joining producer([&] {
        added = queue.add(3, till);
        events.add("add returns");
        returned.go();
    });
    QVERIFY(waitUntilParked(till, 1));
    // Only a window of time can show that something does not happen: 50 ms
    // in which the parked add() must not return. A bound from below: a slow
    // machine can only make the check weaker, never fail a correct Queue.
    const bool returnedWhileFull = returned.wait(skein::Till(50ms));
    const std::size_t sizeWhileFull = queue.size();

    events.add("room is made");
    std::vector<int> taken;
    switch (makeRoom) {
    case MakeRoom::Pop: taken.push_back(*queue.pop()); break;
    case MakeRoom::TryPop: taken.push_back(*queue.tryPop()); break;
    case MakeRoom::PopAll: taken = queue.popAll(); break;
    }
    returned.wait();
    producer.join();

    QVERIFY(!returnedWhileFull);
    QCOMPARE(sizeWhileFull, std::size_t(2));
    QCOMPARE(events.list(), (QStringList{"room is made", "add returns"}));
    QVERIFY(added);
    std::vector<int> all = taken;
    for (int item : drain(queue))
        all.push_back(item);
    QCOMPARE(all, (std::vector<int>{1, 2, 3}));
}

void tst_Queue::boundedAddReturnsFalseWhenTillGoes_data() { addTillKindRows(); }

void tst_Queue::boundedAddReturnsFalseWhenTillGoes()
{
    QFETCH(TillKind, kind);
    using Box = std::unique_ptr<int>;
    skein::Queue<Box> queue("full", 2);
    QVERIFY(queue.add(std::make_unique<int>(1)));
    QVERIFY(queue.add(std::make_unique<int>(2)));

    skein::Signal till = tillOf(kind);
    std::atomic<int> result{-1};
    Joining producer([&] { result = queue.add(std::make_unique<int>(3), till) ? 1 : 0; });
    if (kind == TillKind::GoesWhileParked) {
        QVERIFY(waitUntilParked(till, 1));
        till.go();
    }
    producer.join();

    QCOMPARE(result.load(), 0);
    QCOMPARE(queue.size(), std::size_t(2));
    const std::vector<Box> items = queue.popAll();
    QCOMPARE(items.size(), std::size_t(2));
    QCOMPARE(*items[0], 1);
    QCOMPARE(*items[1], 2);
    // The refusal left the queue working.
    QVERIFY(queue.add(std::make_unique<int>(4), till));
    QCOMPARE(queue.size(), std::size_t(1));
}

void tst_Queue::popReturnsNulloptWhenTillGoes_data() { addTillKindRows(); }

void tst_Queue::popReturnsNulloptWhenTillGoes()
{
    QFETCH(TillKind, kind);
    skein::Queue<int> queue("empty");
    skein::Signal till = tillOf(kind);
    std::optional<int> popped{-1};
    Joining consumer([&] { popped = queue.pop(till); });
    if (kind == TillKind::GoesWhileParked) {
        QVERIFY(waitUntilParked(till, 1));
        till.go();
    }
    consumer.join();

    QCOMPARE(popped, std::optional<int>());
    QVERIFY(queue.empty());
    QVERIFY(!queue.isClosed());
    queue.add(5);
    QCOMPARE(queue.pop(till), std::optional<int>(5));  // an item beats a gone till
}

void tst_Queue::popReturnsAnItemAddedLaterByAnotherThread_data()
{
    QTest::addColumn<bool>("withTill");
    QTest::newRow("no till") << false;
    QTest::newRow("till pending") << true;
}

void tst_Queue::popReturnsAnItemAddedLaterByAnotherThread()
{
    QFETCH(bool, withTill);
    skein::Queue<std::string> queue("mailbox");
    skein::Signal till = withTill ? skein::Signal("consumer's till") : skein::Signal::never();
    skein::Signal popping("consumer about to pop");
    std::optional<std::string> popped;
    Joining consumer([&] {
        popping.go();
        popped = queue.pop(till);
    });
    popping.wait();
    if (withTill)
        QVERIFY(waitUntilParked(till, 1));
    Joining producer([&] { queue.add("letter"); });
    producer.join();
    consumer.join();

    QCOMPARE(popped, std::optional<std::string>("letter"));
    QVERIFY(queue.empty());
}

void tst_Queue::extendStopsWhenTillGoesAndLeavesTheRestUntouched_data() { addTillKindRows(); }

void tst_Queue::extendStopsWhenTillGoesAndLeavesTheRestUntouched()
{
    QFETCH(TillKind, kind);
    using Box = std::unique_ptr<int>;
    skein::Queue<Box> queue("three seats", 3);
    QVERIFY(queue.add(std::make_unique<int>(0)));

    std::vector<Box> items;
    for (int i = 1; i <= 5; ++i)
        items.push_back(std::make_unique<int>(i));
    skein::Signal till = tillOf(kind);
    std::atomic<int> result{-1};
    Joining producer([&] { result = queue.extend(items, till) ? 1 : 0; });
    if (kind == TillKind::GoesWhileParked) {
        QVERIFY(waitUntilParked(till, 1));
        till.go();
    }
    producer.join();

    QCOMPARE(result.load(), 0);
    // Two seats were free: items 1 and 2 went in, 3, 4 and 5 stayed put.
    QVERIFY(!items[0]);
    QVERIFY(!items[1]);
    for (int i = 2; i < 5; ++i) {
        QVERIFY(items[i]);
        QCOMPARE(*items[i], i + 1);
    }
    const std::vector<Box> queued = queue.popAll();
    QCOMPARE(queued.size(), std::size_t(3));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(*queued[i], i);
}

void tst_Queue::closeWakesEveryBlockedAddWithQueueClosed()
{
    constexpr int producers = 4;
    skein::Queue<int> queue("full at closing", 2);
    QVERIFY(queue.add(1));
    QVERIFY(queue.add(2));

    // Never goes: only lets waitUntilParked() count the parked producers.
    skein::Signal till("producers' till");
    std::vector<std::optional<std::string>> messages(producers);
    bool wokenByClose = false;
    {
        Callers adds(producers, [&](int p) {
            messages[p] = messageOf<skein::QueueClosed>([&] { queue.add(100 + p, till); });
        });
        const bool parked = waitUntilParked(till, producers);
        queue.close();
        // If close() woke nobody, going `till` frees the producers, so the
        // test fails instead of hanging.
        wokenByClose = adds.allReturned();
        till.go();
        QVERIFY(parked);
    }
    QVERIFY(wokenByClose);
    QVERIFY(queue.isClosed());
    for (const auto& message : messages) {
        QVERIFY2(message, "a parked add() was not woken with QueueClosed");
        QVERIFY2(names(message, "full at closing"), message->c_str());
    }
    // The woken adds added nothing; what was there before close() drains.
    QCOMPARE(queue.size(), std::size_t(2));
    QCOMPARE(queue.pop(), std::optional<int>(1));
    QCOMPARE(queue.pop(), std::optional<int>(2));
    QCOMPARE(queue.pop(), std::optional<int>());
}

// A Queue wakes one sleeper at a time and leaves it to pass the wake on:
// room made for four parked adds, one pop after another with nothing in
// between, must reach all four, not only the one woken first.
void tst_Queue::roomMadeAllAtOnceReachesEveryBlockedAdd_data()
{
    QTest::addColumn<MakeRoom>("makeRoom");
    QTest::newRow("tryPop") << MakeRoom::TryPop;
    QTest::newRow("pop") << MakeRoom::Pop;
}

void tst_Queue::roomMadeAllAtOnceReachesEveryBlockedAdd()
{
    QFETCH(MakeRoom, makeRoom);
    constexpr int producers = 4;
    skein::Queue<int> queue("four seats", producers);
    for (int i = 0; i < producers; ++i)
        QVERIFY(queue.add(i));

    // Never goes unless the test would hang: lets waitUntilParked() count.
    skein::Signal till("producers' till");
    std::atomic<int> added{0};
    bool allAdded = false;
    std::vector<int> taken;
    {
        Callers adds(producers, [&](int p) {
            if (queue.add(100 + p, till))
                ++added;
        });
        const bool parked = waitUntilParked(till, producers);
        for (int i = 0; i < producers; ++i)
            taken.push_back(makeRoom == MakeRoom::Pop ? *queue.pop() : *queue.tryPop());
        allAdded = adds.allReturned();
        till.go();
        QVERIFY(parked);
    }
    QVERIFY2(allAdded, "room was made for every parked add(), but not every one woke to take it");
    QCOMPARE(added.load(), producers);
    QCOMPARE(taken, (std::vector<int>{0, 1, 2, 3}));
    std::vector<int> rest = drain(queue);
    std::sort(rest.begin(), rest.end());
    QCOMPARE(rest, (std::vector<int>{100, 101, 102, 103}));
}

// Room made while the first add() woken passes its wake on: that add()
// counted two places, took one and woke a second add() for the other; the
// two pops that follow find a wake under way and wake nobody. The second
// add() must see their room too and pass it on, not only the place it was
// woken for. Repeated: each round the two pops land in that window unless
// the second add() wakes first.
void tst_Queue::roomMadeWhileAnAddIsWokenReachesTheOthers()
{
    constexpr int producers = 4;
    for (int round = 0; round < 10; ++round) {
        skein::Queue<int> queue("four seats, in two steps", producers);
        for (int i = 0; i < producers; ++i)
            QVERIFY(queue.add(i));
        // As above; and no check fails while the adds are parked, which
        // would leave them parked for good.
        skein::Signal till("producers' till");
        std::vector<std::optional<int>> taken;
        bool firstIn = false;
        bool allAdded = false;
        {
            Callers adds(producers, [&](int p) { queue.add(100 + p, till); });
            const bool parked = waitUntilParked(till, producers);
            taken.push_back(queue.tryPop());
            taken.push_back(queue.tryPop());
            firstIn = testing::pollUntil([&] { return queue.size() >= producers - 1; });
            taken.push_back(queue.tryPop());
            taken.push_back(queue.tryPop());
            allAdded = adds.allReturned();
            till.go();
            QVERIFY(parked);
        }
        QVERIFY2(firstIn, "room was made for two parked add() calls, but none woke to take it");
        QCOMPARE(taken, (std::vector<std::optional<int>>{0, 1, 2, 3}));
        QVERIFY2(allAdded, qPrintable(QString("round %1: room was made for every parked add(), but not every one "
                                              "woke to take it").arg(round)));
        std::vector<int> rest = drain(queue);
        std::sort(rest.begin(), rest.end());
        QCOMPARE(rest, (std::vector<int>{100, 101, 102, 103}));
    }
}

// Four items added one after another to a Queue with four parked pops: each
// pop gets one, though only the first call found a pop to wake. After a
// push(), the pop woken finds its item at the front and the rest behind it.
void tst_Queue::itemsAddedAllAtOnceReachEveryBlockedPop_data()
{
    QTest::addColumn<AddFour>("how");
    QTest::newRow("add") << AddFour::Add;
    QTest::newRow("extend") << AddFour::Extend;
    QTest::newRow("push, then add") << AddFour::PushThenAdd;
}

void tst_Queue::itemsAddedAllAtOnceReachEveryBlockedPop()
{
    QFETCH(AddFour, how);
    constexpr int consumers = 4;
    skein::Queue<int> queue("four customers");
    skein::Signal till("consumers' till");
    std::vector<std::optional<int>> popped(consumers);
    bool allServed = false;
    {
        Callers pops(consumers, [&](int c) { popped[c] = queue.pop(till); });
        const bool parked = waitUntilParked(till, consumers);
        switch (how) {
        case AddFour::Add:
            for (int i = 0; i < consumers; ++i)
                QVERIFY(queue.add(i));
            break;
        case AddFour::Extend: QVERIFY(queue.extend(std::vector<int>{0, 1, 2, 3})); break;
        case AddFour::PushThenAdd:
            queue.push(0);
            for (int i = 1; i < consumers; ++i)
                QVERIFY(queue.add(i));
            break;
        }
        allServed = pops.allReturned();
        till.go();
        QVERIFY(parked);
    }
    QVERIFY2(allServed, "an item waited while a pop() slept");
    std::vector<int> items;
    for (const auto& item : popped) {
        QVERIFY(item);
        items.push_back(*item);
    }
    std::sort(items.begin(), items.end());
    QCOMPARE(items, (std::vector<int>{0, 1, 2, 3}));
    QVERIFY(queue.empty());
}

void tst_Queue::closeWakesEveryBlockedPopWithNullopt()
{
    constexpr int consumers = 4;
    skein::Queue<int> queue("empty at closing");
    // Never goes: only lets waitUntilParked() count the parked consumers.
    skein::Signal till("consumers' till");
    std::vector<std::optional<int>> popped(consumers + 1, std::optional<int>(-1));
    bool wokenByClose = false;
    {
        // One more without a till, which nothing but close() can wake.
        const Joining untimed([&] { popped[consumers] = queue.pop(); });
        Callers pops(consumers, [&](int c) { popped[c] = queue.pop(till); });
        const bool parked = waitUntilParked(till, consumers);
        queue.close();
        // If close() woke nobody, going `till` frees the consumers that have
        // one, so the test fails instead of hanging on them.
        wokenByClose = pops.allReturned();
        till.go();
        QVERIFY(parked);
    }
    QVERIFY(wokenByClose);
    for (const auto& item : popped)
        QCOMPARE(item, std::optional<int>());
    QVERIFY(queue.isClosed());
    QCOMPARE(queue.pop(), std::optional<int>());
}

void tst_Queue::closeDrainsItemsAddedBeforeIt()
{
    skein::Queue<int> queue("closing shop");
    for (int i = 1; i <= 3; ++i)
        queue.add(i);
    QVERIFY(!queue.isClosed());
    queue.close();
    QVERIFY(queue.isClosed());
    queue.close();  // idempotent
    QVERIFY(queue.isClosed());
    QCOMPARE(queue.size(), std::size_t(3));
    QCOMPARE(queue.pop(), std::optional<int>(1));
    QCOMPARE(queue.pop(skein::Signal::done()), std::optional<int>(2));
    QCOMPARE(queue.pop(skein::Signal("pending")), std::optional<int>(3));
    // Closed and empty: nullopt at once, whatever the till.
    QCOMPARE(queue.pop(), std::optional<int>());
    QCOMPARE(queue.pop(skein::Signal("pending")), std::optional<int>());
    QVERIFY(!queue.tryPop());
    QVERIFY(queue.popAll().empty());
}

void tst_Queue::addingAfterCloseThrowsQueueClosedNamingTheQueue()
{
    skein::Queue<int> queue("closed");
    queue.add(1);
    queue.close();

    const auto addMessage = messageOf<skein::QueueClosed>([&] { queue.add(2); });
    QVERIFY2(addMessage, "add() after close() did not throw QueueClosed");
    QVERIFY2(names(addMessage, "closed"), addMessage->c_str());

    const auto addWithTillMessage = messageOf<skein::QueueClosed>([&] { queue.add(2, skein::Signal::done()); });
    QVERIFY2(addWithTillMessage, "add(item, till) after close() did not throw QueueClosed");
    QVERIFY2(names(addWithTillMessage, "closed"), addWithTillMessage->c_str());

    const auto pushMessage = messageOf<skein::QueueClosed>([&] { queue.push(0); });
    QVERIFY2(pushMessage, "push() after close() did not throw QueueClosed");
    QVERIFY2(names(pushMessage, "closed"), pushMessage->c_str());

    std::vector<int> more{3, 4};
    const auto extendMessage = messageOf<skein::QueueClosed>([&] { queue.extend(more); });
    QVERIFY2(extendMessage, "extend() after close() did not throw QueueClosed");
    QVERIFY2(names(extendMessage, "closed"), extendMessage->c_str());

    // QueueClosed is a skein::Error, so catch (const std::exception&) sees it.
    bool caughtAsError = false;
    try {
        queue.add(5);
    } catch (const skein::Error&) {
        caughtAsError = true;
    }
    QVERIFY(caughtAsError);

    QCOMPARE(drain(queue), std::vector<int>{1});
}

// The Queue is on the heap, so that AddressSanitizer sees a call that
// touches it after its destructor returned.
void tst_Queue::destroyingWakesBlockedPopsWithNullopt()
{
    auto queue = std::make_unique<skein::Queue<int>>("doomed pops");
    // Never goes: the pop(till) must leave no callback behind on it.
    skein::Signal till("consumer's till");
    std::optional<int> popped(-1);
    std::optional<int> poppedWithTill(-1);
    std::atomic<int> returned{0};
    BeforeDestruction seen;
    {
        std::vector<Joining> threads;
        threads.emplace_back([&] {
            popped = queue->pop();
            ++returned;
        });
        threads.emplace_back([&] {
            poppedWithTill = queue->pop(till);
            ++returned;
        });
        seen = destroyOnceBlocked(queue, "Queue 'doomed pops' (pop)", 2, returned);
    }
    QVERIFY(seen.blocked);
    QVERIFY(!seen.returned);
    QCOMPARE(popped, std::optional<int>());
    QCOMPARE(poppedWithTill, std::optional<int>());
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

void tst_Queue::destroyingWakesBlockedAddsWithQueueClosedNamingTheQueue()
{
    auto queue = std::make_unique<skein::Queue<int>>("doomed adds", 1);
    QVERIFY(queue->add(1));
    // Never goes: the add(item, till) must leave no callback behind on it.
    skein::Signal till("producer's till");
    std::optional<std::string> addMessage;
    std::optional<std::string> addWithTillMessage;
    std::optional<std::string> extendMessage;
    std::vector<int> more{3, 4};
    std::atomic<int> returned{0};
    BeforeDestruction seen;
    {
        std::vector<Joining> threads;
        threads.emplace_back([&] {
            addMessage = messageOf<skein::QueueClosed>([&] { queue->add(2); });
            ++returned;
        });
        threads.emplace_back([&] {
            addWithTillMessage = messageOf<skein::QueueClosed>([&] { queue->add(2, till); });
            ++returned;
        });
        threads.emplace_back([&] {
            extendMessage = messageOf<skein::QueueClosed>([&] { queue->extend(more); });
            ++returned;
        });
        seen = destroyOnceBlocked(queue, "Queue 'doomed adds' (add, full)", 3, returned);
    }
    QVERIFY(seen.blocked);
    QVERIFY(!seen.returned);
    for (const auto& message : {addMessage, addWithTillMessage, extendMessage}) {
        QVERIFY2(message, "a blocked add() or extend() was not woken with QueueClosed");
        QVERIFY2(names(message, "doomed adds") && testing::contains(message, "destroyed"), message->c_str());
    }
    QCOMPARE(more, (std::vector<int>{3, 4}));
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

// An add() wakes the blocked pop(), and the Queue is destroyed at once: the
// pop() may not have re-taken the mutex yet, or be just past letting go of
// it, telling a bounded Queue's blocked adds there is room. The destructor
// waits for it either way, and the item added before the destruction began
// is drained. Many rounds, so that the destructor meets the pop() at
// different points; AddressSanitizer and ThreadSanitizer see a pop() that
// touches the Queue after the destructor returned.
void tst_Queue::destroyingJustAfterAnAddWaitsForThePopItWoke()
{
    constexpr int rounds = 200;
    for (int round = 0; round < rounds; ++round) {
        auto queue = std::make_unique<skein::Queue<int>>("hand-over", 1);
        std::optional<int> popped(-1);
        Joining consumer([&] { popped = queue->pop(); });
        const bool blocked = waitUntilBlockedOn("Queue 'hand-over' (pop)", 1);
        queue->add(round);
        if (blocked)
            queue.reset();
        consumer.join();
        QVERIFY2(blocked, qPrintable(QStringLiteral("round %1").arg(round)));
        QCOMPARE(popped, std::optional<int>(round));
    }
}

void tst_Queue::everyItemArrivesExactlyOnce_data()
{
    QTest::addColumn<int>("items");
    QTest::addColumn<int>("maxSize");
    QTest::newRow("unbounded") << 1000000 << 0;
    QTest::newRow("bounded to 64") << 200000 << 64;
}

void tst_Queue::everyItemArrivesExactlyOnce()
{
    QFETCH(int, items);
    QFETCH(int, maxSize);
    constexpr int producers = 4;
    constexpr int consumers = 4;
    skein::Queue<int> queue("conveyor", static_cast<std::size_t>(maxSize));
    std::vector<std::atomic<std::uint8_t>> arrivals(static_cast<std::size_t>(items));
    {
        std::vector<Joining> consumerThreads;
        for (int c = 0; c < consumers; ++c)
            consumerThreads.emplace_back([&] {
                while (const auto item = queue.pop())
                    arrivals[static_cast<std::size_t>(*item)].fetch_add(1, std::memory_order_relaxed);
            });
        {
            std::vector<Joining> producerThreads;
            for (int p = 0; p < producers; ++p)
                producerThreads.emplace_back([&, p] {
                    for (int item = p; item < items; item += producers)
                        queue.add(item);
                });
        }
        // Every item is in; the consumers drain them and then stop.
        queue.close();
    }
    int missing = 0;
    int duplicated = 0;
    int firstBad = -1;
    for (int i = 0; i < items; ++i) {
        const int n = arrivals[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
        if (n == 1)
            continue;
        (n == 0 ? missing : duplicated) += 1;
        if (firstBad < 0)
            firstBad = i;
    }
    QVERIFY2(missing == 0 && duplicated == 0,
             qPrintable(QStringLiteral("%1 items missing, %2 duplicated, the first bad one is %3")
                            .arg(missing)
                            .arg(duplicated)
                            .arg(firstBad)));
    QVERIFY(queue.empty());
}

// Consumers each pop with their own kind of `till`: none, one that never goes,
// and short Tills that keep going while producers add. A pop() whose till
// goes as an item arrives must either return the item or leave it queued.
// Each producer waits until its item has been taken before adding the next,
// so the queue is mostly empty and the consumers mostly parked: items arrive
// while tills go.
void tst_Queue::consumersWhoseTillsGoLoseAndDuplicateNothing()
{
    const int items = 100000;
    constexpr int producers = 4;
    constexpr int consumers = 8;
    skein::Queue<int> queue("fickle");
    std::vector<std::atomic<std::uint8_t>> arrivals(static_cast<std::size_t>(items));
    std::vector<skein::Signal> taken(static_cast<std::size_t>(items));
    std::atomic<int> emptyHanded{0};
    {
        std::vector<Joining> consumerThreads;
        for (int c = 0; c < consumers; ++c)
            consumerThreads.emplace_back([&, c] {
                std::minstd_rand random(static_cast<unsigned>(c) + 1);
                for (;;) {
                    std::optional<int> item;
                    switch (c % 4) {
                    case 0: item = queue.pop(); break;
                    case 1: item = queue.pop(skein::Till(1h)); break;
                    case 2: item = queue.pop(skein::Till(std::chrono::microseconds(random() % 200))); break;
                    default: item = queue.pop(skein::Till(std::chrono::microseconds(random() % 20))); break;
                    }
                    if (item) {
                        arrivals[static_cast<std::size_t>(*item)].fetch_add(1, std::memory_order_relaxed);
                        taken[static_cast<std::size_t>(*item)].go();
                        continue;
                    }
                    ++emptyHanded;
                    // Closed and empty: nothing can be added any more.
                    if (queue.isClosed() && queue.empty())
                        return;
                }
            });
        {
            std::vector<Joining> producerThreads;
            for (int p = 0; p < producers; ++p)
                producerThreads.emplace_back([&, p] {
                    for (int item = p; item < items; item += producers) {
                        queue.add(item);
                        // A lost item fails the test here instead of hanging it.
                        if (!taken[static_cast<std::size_t>(item)].wait(skein::Till(testing::hangGuard)))
                            return;
                    }
                });
        }
        queue.close();
    }
    int missing = 0;
    int duplicated = 0;
    for (int i = 0; i < items; ++i) {
        const int n = arrivals[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
        missing += n == 0;
        duplicated += n > 1;
    }
    QVERIFY2(missing == 0 && duplicated == 0,
             qPrintable(QStringLiteral("%1 items missing, %2 duplicated").arg(missing).arg(duplicated)));
    // Every consumer saw the queue closed and empty at least once.
    QVERIFY(emptyHanded >= consumers);
}

// A consumer blocked in pop() sleeps: over a second it uses less than 5 ms
// of CPU (the spin before it sleeps is some microseconds).
void tst_Queue::anIdleConsumerUsesNoCpu()
{
    skein::Queue<int> queue("idle");
    std::optional<int> popped;
    double cpuMs = -1;
    {
        Joining consumer([&] {
            const double before = threadCpuMs();
            popped = queue.pop();
            cpuMs = threadCpuMs() - before;
        });
        QVERIFY(waitUntilBlockedOn("Queue 'idle' (pop)", 1));
        skein::Till(1s).wait();
        queue.add(7);
    }
    QCOMPARE(popped, std::optional<int>(7));
    qInfo("an idle consumer used %.3f ms of CPU in pop() over 1 s", cpuMs);
    QVERIFY2(cpuMs >= 0 && cpuMs < 5, qPrintable(QStringLiteral("%1 ms of CPU").arg(cpuMs)));
}

void tst_Queue::waitDoneReturnsTrueAtOnceWhenNothingIsOutstanding()
{
    skein::Queue<int> queue("idle");
    QVERIFY(queue.waitDone());
    // Done beats a gone till, as an item beats it in pop().
    QVERIFY(queue.waitDone(skein::Signal::done()));

    queue.add(1);
    QVERIFY(!queue.waitDone(skein::Signal::done()));
    QCOMPARE(queue.pop(), std::optional<int>(1));
    QVERIFY(!queue.waitDone(skein::Signal::done()));  // popped, not yet done
    queue.taskDone();
    QVERIFY(queue.waitDone());
    QVERIFY(queue.waitDone(skein::Signal::done()));
}

void tst_Queue::waitDoneWaitsUntilEveryItemIsPoppedAndMarkedDone_data()
{
    QTest::addColumn<MakeRoom>("take");
    QTest::newRow("pop") << MakeRoom::Pop;
    QTest::newRow("tryPop") << MakeRoom::TryPop;
    QTest::newRow("popAll") << MakeRoom::PopAll;
}

void tst_Queue::waitDoneWaitsUntilEveryItemIsPoppedAndMarkedDone()
{
    QFETCH(MakeRoom, take);
    skein::Queue<int> queue("tasks");
    // Every way in is a task: add, push and extend.
    queue.add(1);
    queue.push(0);
    QVERIFY(queue.extend(std::vector<int>{2}));

    skein::Signal returned("waitDone returned");
    Events events;
    std::atomic<bool> done{false};
    Joining waiter([&] {
        done = queue.waitDone();
        events.add("waitDone returns");
        returned.go();
    });
    QVERIFY(waitUntilBlockedOn("Queue 'tasks' (waitDone)", 1));

    std::vector<int> taken;
    switch (take) {
    case MakeRoom::Pop:
        for (int i = 0; i < 3; ++i)
            taken.push_back(*queue.pop());
        break;
    case MakeRoom::TryPop:
        for (int i = 0; i < 3; ++i)
            taken.push_back(*queue.tryPop());
        break;
    case MakeRoom::PopAll: taken = queue.popAll(); break;
    }
    QCOMPARE(taken, (std::vector<int>{0, 1, 2}));
    queue.taskDone();
    queue.taskDone();
    // Only a window of time can show that something does not happen: 50 ms
    // in which waitDone() must not return with one task unfinished. A bound
    // from below: a slow machine can only make the check weaker.
    const bool returnedEarly = returned.wait(skein::Till(50ms));
    events.add("last taskDone");
    queue.taskDone();
    returned.wait();
    waiter.join();

    QVERIFY(!returnedEarly);
    QVERIFY(done);
    QCOMPARE(events.list(), (QStringList{"last taskDone", "waitDone returns"}));
}

void tst_Queue::waitDoneReturnsFalseWhenTillGoes_data() { addTillKindRows(); }

void tst_Queue::waitDoneReturnsFalseWhenTillGoes()
{
    QFETCH(TillKind, kind);
    skein::Queue<int> queue("unfinished");
    queue.add(1);
    skein::Signal till = tillOf(kind);
    std::atomic<int> result{-1};
    Joining waiter([&] { result = queue.waitDone(till) ? 1 : 0; });
    if (kind == TillKind::GoesWhileParked) {
        QVERIFY(waitUntilParked(till, 1));
        till.go();
    }
    waiter.join();

    QCOMPARE(result.load(), 0);
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
    // The refusal left the tracking as it was.
    QCOMPARE(queue.pop(), std::optional<int>(1));
    queue.taskDone();
    QVERIFY(queue.waitDone(till));
}

void tst_Queue::anItemHandedBackWithPushIsANewTask()
{
    skein::Queue<int> queue("hand back");
    queue.add(1);
    const auto item = queue.pop();
    QVERIFY(item);
    queue.push(*item);
    queue.taskDone();  // for the pop that took it
    QVERIFY(!queue.waitDone(skein::Signal::done()));
    QCOMPARE(queue.pop(), std::optional<int>(1));
    queue.taskDone();
    QVERIFY(queue.waitDone(skein::Signal::done()));
}

void tst_Queue::closeDoesNotEndWaitDone()
{
    skein::Queue<int> queue("closed with work");
    queue.add(1);
    queue.add(2);
    queue.close();
    QVERIFY(!queue.waitDone(skein::Till(20ms)));

    skein::Signal returned("waitDone returned");
    std::atomic<bool> done{false};
    Joining waiter([&] {
        done = queue.waitDone();
        returned.go();
    });
    QVERIFY(waitUntilBlockedOn("Queue 'closed with work' (waitDone)", 1));
    for (const int item : queue.popAll()) {
        QVERIFY(item > 0);
        queue.taskDone();
    }
    QVERIFY(returned.wait(skein::Till(testing::hangGuard)));
    waiter.join();
    QVERIFY(done);
}

void tst_Queue::taskDoneMoreOftenThanItemsPoppedThrowsUsageErrorNamingTheQueue()
{
    skein::Queue<int> queue("overdone");
    const auto fresh = messageOf<skein::UsageError>([&] { queue.taskDone(); });
    QVERIFY2(fresh, "taskDone() with nothing popped did not throw UsageError");
    QVERIFY2(names(fresh, "overdone") && testing::contains(fresh, "taskDone"), fresh->c_str());

    // Python's task_done() counts against items added; Skein against items
    // popped: an item still queued is not yet anyone's to mark done.
    queue.add(1);
    queue.add(2);
    QCOMPARE(queue.pop(), std::optional<int>(1));
    queue.taskDone();
    const auto early = messageOf<skein::UsageError>([&] { queue.taskDone(); });
    QVERIFY2(early, "taskDone() for an item still queued did not throw UsageError");
    QVERIFY2(names(early, "overdone"), early->c_str());

    // The refused calls counted nothing: one task remains, and then none.
    QVERIFY(!queue.waitDone(skein::Signal::done()));
    QCOMPARE(queue.pop(), std::optional<int>(2));
    queue.taskDone();
    QVERIFY(queue.waitDone(skein::Signal::done()));
}

void tst_Queue::destroyingWakesABlockedWaitDoneWithQueueClosedNamingTheQueue()
{
    auto queue = std::make_unique<skein::Queue<int>>("doomed work");
    queue->add(1);
    // Never goes: the waitDone(till) must leave no callback behind on it.
    skein::Signal till("waiter's till");
    std::optional<std::string> message;
    std::optional<std::string> messageWithTill;
    std::atomic<int> returned{0};
    BeforeDestruction seen;
    {
        std::vector<Joining> threads;
        threads.emplace_back([&] {
            message = messageOf<skein::QueueClosed>([&] { queue->waitDone(); });
            ++returned;
        });
        threads.emplace_back([&] {
            messageWithTill = messageOf<skein::QueueClosed>([&] { queue->waitDone(till); });
            ++returned;
        });
        seen.blocked = waitUntilBlockedOn("Queue 'doomed work' (waitDone)", 2);
        seen.returned = returned != 0;
        if (seen.blocked && !seen.returned) {
            queue.reset();
        } else {
            // A check failed: finish the work so that the waiters return.
            queue->pop();
            queue->taskDone();
        }
    }
    QVERIFY(seen.blocked);
    QVERIFY(!seen.returned);
    for (const auto& m : {message, messageWithTill}) {
        QVERIFY2(m, "a blocked waitDone() was not woken with QueueClosed");
        QVERIFY2(names(m, "doomed work") && testing::contains(m, "destroyed") && testing::contains(m, "waitDone"),
                 m->c_str());
    }
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

// Consumers count each item before they mark it done; once waitDone()
// returns, the count must be complete, every time.
void tst_Queue::waitDoneSeesEverythingConsumersDidBeforeTheirTaskDone()
{
    constexpr int rounds = 50;
    constexpr int itemsPerRound = 1000;
    constexpr int consumers = 4;
    skein::Queue<int> queue("work");
    std::atomic<int> processed{0};
    int shortRounds = 0;
    {
        std::vector<Joining> threads;
        for (int c = 0; c < consumers; ++c)
            threads.emplace_back([&] {
                while (queue.pop()) {
                    processed.fetch_add(1, std::memory_order_relaxed);
                    queue.taskDone();
                }
            });
        for (int round = 1; round <= rounds; ++round) {
            for (int i = 0; i < itemsPerRound; ++i)
                queue.add(i);
            queue.waitDone();
            shortRounds += processed.load(std::memory_order_relaxed) != round * itemsPerRound;
        }
        queue.close();
    }
    QCOMPARE(shortRounds, 0);
    QCOMPARE(processed.load(), rounds * itemsPerRound);
}

QTEST_GUILESS_MAIN(tst_Queue)
#include "tst_queue.moc"
