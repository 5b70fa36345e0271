// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Tests for skein::PriorityQueue<T, Compare>: the greatest item first and
// equal items in the order they came (0 and default-constructed priorities
// included, unlike mo-threads), against a reference model; then the Queue
// contract it shares: move-only items, bounded add() and pop() with their
// `till`, close() with drain, task tracking, destruction while blocked, the
// exception guarantees under a throwing Compare or move, and many producers
// and consumers losing and duplicating nothing.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <skein/detail/introspection.h>
#include <skein/error.h>
#include <skein/priority_queue.h>
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

// A job with a priority and a label; ordered by priority alone, so that
// jobs of equal priority show the order in which they came.
struct Job {
    int priority = 0;
    std::string label;
};
struct ByPriority {
    bool operator()(const Job& a, const Job& b) const { return a.priority < b.priority; }
};
using JobQueue = skein::PriorityQueue<Job, ByPriority>;

QStringList labels(const std::vector<Job>& jobs)
{
    QStringList result;
    for (const Job& job : jobs)
        result << QString::fromStdString(job.label);
    return result;
}

QStringList drainLabels(JobQueue& queue)
{
    std::vector<Job> jobs;
    while (auto job = queue.tryPop())
        jobs.push_back(std::move(*job));
    return labels(jobs);
}

enum class Take { Pop, TryPop, PopAll };
// A Compare that throws while `failing` is set.
struct Fickle {
    std::shared_ptr<std::atomic<bool>> failing = std::make_shared<std::atomic<bool>>(false);
    bool operator()(int a, int b) const
    {
        if (*failing)
            throw std::runtime_error("Compare failed");
        return a < b;
    }
};

// An item whose move constructor throws while `failing` is set.
struct Fragile {
    static inline std::atomic<bool> failing{false};
    int value;
    explicit Fragile(int v) : value(v) {}
    Fragile(Fragile&& other) : value(other.value)
    {
        if (failing)
            throw std::runtime_error("move failed");
    }
    Fragile& operator=(Fragile&&) = default;
    bool operator<(const Fragile& other) const { return value < other.value; }
};

std::vector<int> values(const std::vector<Fragile>& items)
{
    std::vector<int> result;
    for (const Fragile& item : items)
        result.push_back(item.value);
    return result;
}

}  // namespace

Q_DECLARE_METATYPE(Take)

class tst_PriorityQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void popsTheGreatestFirstAndEqualItemsInTheOrderTheyCame();
    void zeroAndDefaultPrioritiesAreOrderedLikeAnyOther_data();
    void zeroAndDefaultPrioritiesAreOrderedLikeAnyOther();
    void compareDecidesWhatIsGreatest();
    void popAllReturnsTheItemsInPopOrder();
    void randomAddsAndPopsFollowAReferenceModel_data();
    void randomAddsAndPopsFollowAReferenceModel();
    void reportsItsNameAndGeneratesDistinctOnes();
    void movesMoveOnlyItems();
    void tryPopAndPopAllNeverBlock();

    void boundedAddBlocksUntilRoomIsMade_data();
    void boundedAddBlocksUntilRoomIsMade();
    void boundedAddReturnsFalseWhenTillGoes_data();
    void boundedAddReturnsFalseWhenTillGoes();
    void popReturnsNulloptWhenTillGoes_data();
    void popReturnsNulloptWhenTillGoes();
    void popReturnsAnItemAddedLaterByAnotherThread();
    void extendStopsWhenTillGoesAndLeavesTheRestUntouched();

    void closeWakesBlockedAddsWithQueueClosedAndPopsWithNullopt();
    void closeDrainsItemsAddedBeforeItGreatestFirst();
    void addingAfterCloseThrowsQueueClosedNamingTheQueue();

    void waitDoneWaitsUntilEveryItemIsPoppedAndMarkedDone();
    void taskDoneMoreOftenThanItemsPoppedThrowsUsageErrorNamingTheQueue();

    void destroyingWakesBlockedCallsNamingTheQueue();

    void aThrowingCompareChangesNothing();
    void aThrowingMoveLosesAndDuplicatesNothing();

    void everyItemArrivesExactlyOnce_data();
    void everyItemArrivesExactlyOnce();
};

void tst_PriorityQueue::popsTheGreatestFirstAndEqualItemsInTheOrderTheyCame()
{
    JobQueue queue("jobs");
    QVERIFY(queue.empty());
    const std::vector<Job> jobs{{1, "a"}, {3, "b"}, {1, "c"}, {3, "d"}, {2, "e"}, {1, "f"}, {3, "g"}};
    for (const Job& job : jobs)
        QVERIFY(queue.add(job));
    QCOMPARE(queue.size(), jobs.size());
    QStringList popped;
    while (!queue.empty())
        popped << QString::fromStdString(queue.pop()->label);
    QCOMPARE(popped, (QStringList{"b", "d", "g", "e", "a", "c", "f"}));
}

void tst_PriorityQueue::zeroAndDefaultPrioritiesAreOrderedLikeAnyOther_data()
{
    // mo-threads' PriorityQueue took priority 0 for "none" and put such
    // items last; here 0, like a default-constructed Job, is just a value.
    QTest::addColumn<std::vector<int>>("priorities");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("zero among positives") << std::vector<int>{2, 0, 1, 0} << QStringList{"0:2", "2:1", "1:0", "3:0"};
    QTest::newRow("zero among negatives") << std::vector<int>{-1, 0, -2, 0} << QStringList{"1:0", "3:0", "0:-1", "2:-2"};
    QTest::newRow("zero first") << std::vector<int>{0, 5, -5} << QStringList{"1:5", "0:0", "2:-5"};
    QTest::newRow("only zeros") << std::vector<int>{0, 0, 0} << QStringList{"0:0", "1:0", "2:0"};
}

void tst_PriorityQueue::zeroAndDefaultPrioritiesAreOrderedLikeAnyOther()
{
    QFETCH(std::vector<int>, priorities);
    QFETCH(QStringList, expected);
    JobQueue queue("zeros");
    for (std::size_t i = 0; i < priorities.size(); ++i) {
        if (priorities[i] == 0) {
            Job job;  // default-constructed: priority 0
            job.label = std::to_string(i) + ":0";
            queue.add(std::move(job));
        } else {
            queue.add(Job{priorities[i], std::to_string(i) + ":" + std::to_string(priorities[i])});
        }
    }
    QCOMPARE(drainLabels(queue), expected);

    skein::PriorityQueue<int> ints("ints");
    for (const int p : priorities)
        ints.add(p);
    std::vector<int> sorted = priorities;
    std::sort(sorted.begin(), sorted.end(), std::greater<int>());
    QCOMPARE(ints.popAll(), sorted);
}

void tst_PriorityQueue::compareDecidesWhatIsGreatest()
{
    skein::PriorityQueue<int, std::greater<int>> smallestFirst("smallest first");
    for (const int i : {3, 1, 4, 1, 5, 9, 2, 6})
        smallestFirst.add(i);
    QCOMPARE(smallestFirst.popAll(), (std::vector<int>{1, 1, 2, 3, 4, 5, 6, 9}));

    // A comparator with state, handed to the constructor.
    const auto byDistance = [](int from) {
        return std::function<bool(int, int)>([from](int a, int b) { return std::abs(a - from) > std::abs(b - from); });
    };
    skein::PriorityQueue<int, std::function<bool(int, int)>> nearestFirst("nearest first", 0, byDistance(10));
    for (const int i : {0, 12, 9, 20, 11, 8})
        nearestFirst.add(i);
    // 9 and 11 tie, as do 12 and 8: the one added first comes first.
    QCOMPARE(nearestFirst.popAll(), (std::vector<int>{9, 11, 12, 8, 0, 20}));
}

void tst_PriorityQueue::popAllReturnsTheItemsInPopOrder()
{
    std::minstd_rand random(14);
    std::vector<Job> jobs;
    for (int i = 0; i < 1000; ++i)
        jobs.push_back(Job{int(random() % 10), std::to_string(i)});
    std::vector<Job> expected = jobs;
    JobQueue queue("many");
    QVERIFY(queue.extend(std::move(jobs)));
    std::stable_sort(expected.begin(), expected.end(), [](const Job& a, const Job& b) { return a.priority > b.priority; });

    const std::vector<Job> all = queue.popAll();
    QCOMPARE(labels(all), labels(expected));
    QVERIFY(queue.empty());
}

void tst_PriorityQueue::randomAddsAndPopsFollowAReferenceModel_data()
{
    QTest::addColumn<int>("seed");
    QTest::addColumn<int>("distinctPriorities");
    QTest::newRow("few priorities, many ties") << 1 << 3;
    QTest::newRow("some priorities") << 2 << 50;
    QTest::newRow("mostly distinct") << 3 << 1000000;
}

// Interleaved adds and pops, checked against a plain model: the item with
// the greatest priority and, among those, the lowest arrival number.
void tst_PriorityQueue::randomAddsAndPopsFollowAReferenceModel()
{
    QFETCH(int, seed);
    QFETCH(int, distinctPriorities);
    std::minstd_rand random(static_cast<unsigned>(seed));
    JobQueue queue("model");
    std::vector<std::pair<int, int>> model;  // (priority, arrival)
    int arrivals = 0;
    int mismatches = 0;
    for (int step = 0; step < 20000; ++step) {
        // Grow for a while, then shrink, so that sizes vary widely.
        const bool growing = (step / 2000) % 2 == 0;
        if (model.empty() || random() % 10 < (growing ? 7u : 3u)) {
            const int priority = int(random() % unsigned(distinctPriorities)) - distinctPriorities / 2;
            queue.add(Job{priority, std::to_string(arrivals)});
            model.emplace_back(priority, arrivals++);
            continue;
        }
        const auto next = std::min_element(model.begin(), model.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        const auto job = queue.pop();
        mismatches += !job || job->label != std::to_string(next->second) || job->priority != next->first;
        model.erase(next);
        QCOMPARE(queue.size(), model.size());
    }
    QCOMPARE(mismatches, 0);
}

void tst_PriorityQueue::reportsItsNameAndGeneratesDistinctOnes()
{
    const skein::PriorityQueue<int> named("urgent", 8);
    QCOMPARE(named.name(), std::string("urgent"));
    QCOMPARE(named.maxSize(), std::size_t(8));

    const skein::PriorityQueue<int> a;
    const skein::PriorityQueue<int> b;
    QVERIFY(testing::contains(a.name(), "priority-queue"));
    QVERIFY(a.name() != b.name());
    QCOMPARE(a.maxSize(), std::size_t(0));
}

void tst_PriorityQueue::movesMoveOnlyItems()
{
    using Box = std::unique_ptr<int>;
    const auto byValue = [](const Box& a, const Box& b) { return *a < *b; };
    skein::PriorityQueue<Box, decltype(byValue)> queue("boxes", 0, byValue);
    QVERIFY(queue.add(std::make_unique<int>(1)));
    std::vector<Box> more;
    more.push_back(std::make_unique<int>(4));
    more.push_back(std::make_unique<int>(2));
    more.push_back(std::make_unique<int>(3));
    QVERIFY(queue.extend(more));
    QVERIFY(!more[0] && !more[1] && !more[2]);  // moved into the queue

    const auto first = queue.pop();
    QVERIFY(first && *first);
    QCOMPARE(**first, 4);
    const auto second = queue.tryPop();
    QVERIFY(second && *second);
    QCOMPARE(**second, 3);
    const std::vector<Box> rest = queue.popAll();
    QCOMPARE(rest.size(), std::size_t(2));
    QCOMPARE(*rest[0], 2);
    QCOMPARE(*rest[1], 1);
    QVERIFY(queue.empty());
}

void tst_PriorityQueue::tryPopAndPopAllNeverBlock()
{
    skein::PriorityQueue<int> queue("empty");
    QVERIFY(!queue.tryPop());
    QVERIFY(queue.popAll().empty());
    queue.close();
    QVERIFY(!queue.tryPop());
    QVERIFY(queue.popAll().empty());
}

void tst_PriorityQueue::boundedAddBlocksUntilRoomIsMade_data()
{
    QTest::addColumn<Take>("take");
    QTest::newRow("pop") << Take::Pop;
    QTest::newRow("tryPop") << Take::TryPop;
    QTest::newRow("popAll") << Take::PopAll;
}

void tst_PriorityQueue::boundedAddBlocksUntilRoomIsMade()
{
    QFETCH(Take, take);
    skein::PriorityQueue<int> queue("two seats", 2);
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
    // 50 ms in which the parked add() must not return: a bound from below,
    // which a slow machine can only make weaker.
    const bool returnedWhileFull = returned.wait(skein::Till(50ms));
    const std::size_t sizeWhileFull = queue.size();

    events.add("room is made");
    std::vector<int> taken;
    switch (take) {
    case Take::Pop: taken.push_back(*queue.pop()); break;
    case Take::TryPop: taken.push_back(*queue.tryPop()); break;
    case Take::PopAll: taken = queue.popAll(); break;
    }
    returned.wait();
    producer.join();

    QVERIFY(!returnedWhileFull);
    QCOMPARE(sizeWhileFull, std::size_t(2));
    QCOMPARE(events.list(), (QStringList{"room is made", "add returns"}));
    QVERIFY(added);
    QCOMPARE(taken.front(), 2);
    std::vector<int> all = taken;
    for (const int item : queue.popAll())
        all.push_back(item);
    std::sort(all.begin(), all.end());
    QCOMPARE(all, (std::vector<int>{1, 2, 3}));
}

void tst_PriorityQueue::boundedAddReturnsFalseWhenTillGoes_data() { addTillKindRows(); }

void tst_PriorityQueue::boundedAddReturnsFalseWhenTillGoes()
{
    QFETCH(TillKind, kind);
    skein::PriorityQueue<int> queue("full", 2);
    QVERIFY(queue.add(1));
    QVERIFY(queue.add(2));

    skein::Signal till = tillOf(kind);
    std::atomic<int> result{-1};
    Joining producer([&] { result = queue.add(9, till) ? 1 : 0; });
    if (kind == TillKind::GoesWhileParked) {
        QVERIFY(waitUntilParked(till, 1));
        till.go();
    }
    producer.join();

    QCOMPARE(result.load(), 0);
    QCOMPARE(queue.popAll(), (std::vector<int>{2, 1}));  // the 9 was dropped
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
    QVERIFY(queue.add(4, till));  // the refusal left the queue working
    QCOMPARE(queue.size(), std::size_t(1));
}

void tst_PriorityQueue::popReturnsNulloptWhenTillGoes_data() { addTillKindRows(); }

void tst_PriorityQueue::popReturnsNulloptWhenTillGoes()
{
    QFETCH(TillKind, kind);
    skein::PriorityQueue<int> queue("empty");
    skein::Signal till = tillOf(kind);
    std::optional<int> popped{-1};
    Joining consumer([&] { popped = queue.pop(till); });
    if (kind == TillKind::GoesWhileParked) {
        QVERIFY(waitUntilParked(till, 1));
        till.go();
    }
    consumer.join();

    QCOMPARE(popped, std::optional<int>());
    QVERIFY(!queue.isClosed());
    queue.add(5);
    QCOMPARE(queue.pop(till), std::optional<int>(5));  // an item beats a gone till
}

void tst_PriorityQueue::popReturnsAnItemAddedLaterByAnotherThread()
{
    skein::PriorityQueue<std::string> queue("mailbox");
    skein::Signal till("consumer's till");
    std::optional<std::string> popped;
    Joining consumer([&] { popped = queue.pop(till); });
    QVERIFY(waitUntilParked(till, 1));
    Joining producer([&] { queue.add("letter"); });
    producer.join();
    consumer.join();
    QCOMPARE(popped, std::optional<std::string>("letter"));
}

void tst_PriorityQueue::extendStopsWhenTillGoesAndLeavesTheRestUntouched()
{
    using Box = std::unique_ptr<int>;
    const auto byValue = [](const Box& a, const Box& b) { return *a < *b; };
    skein::PriorityQueue<Box, decltype(byValue)> queue("three seats", 3, byValue);
    QVERIFY(queue.add(std::make_unique<int>(0)));
    std::vector<Box> items;
    for (int i = 1; i <= 5; ++i)
        items.push_back(std::make_unique<int>(i));
    QVERIFY(!queue.extend(items, skein::Till(20ms)));

    // Two seats were free: items 1 and 2 went in, 3, 4 and 5 stayed put.
    QVERIFY(!items[0] && !items[1]);
    for (int i = 2; i < 5; ++i) {
        QVERIFY(items[i]);
        QCOMPARE(*items[i], i + 1);
    }
    const std::vector<Box> queued = queue.popAll();
    QCOMPARE(queued.size(), std::size_t(3));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(*queued[i], 2 - i);
}

void tst_PriorityQueue::closeWakesBlockedAddsWithQueueClosedAndPopsWithNullopt()
{
    skein::PriorityQueue<int> full("full at closing", 1);
    full.add(1);
    skein::PriorityQueue<int> empty("empty at closing");
    // Never goes: only lets waitUntilParked() count the parked calls.
    skein::Signal till("till");
    std::optional<std::string> addMessage;
    std::optional<int> popped(-1);
    std::atomic<int> returned{0};
    skein::Signal bothReturned("both returned");
    bool wokenByClose = false;
    {
        Joining producer([&] {
            addMessage = messageOf<skein::QueueClosed>([&] { full.add(2, till); });
            if (++returned == 2)
                bothReturned.go();
        });
        Joining consumer([&] {
            popped = empty.pop(till);
            if (++returned == 2)
                bothReturned.go();
        });
        const bool parked = waitUntilParked(till, 2);
        full.close();
        empty.close();
        // If close() woke nobody, going `till` frees them: a failure, not a hang.
        wokenByClose = bothReturned.wait(skein::Till(testing::hangGuard));
        till.go();
        QVERIFY(parked);
    }
    QVERIFY(wokenByClose);
    QVERIFY2(names(addMessage, "full at closing") && testing::contains(addMessage, "PriorityQueue"),
             addMessage ? addMessage->c_str() : "no QueueClosed");
    QCOMPARE(popped, std::optional<int>());
    QCOMPARE(full.popAll(), std::vector<int>{1});
}

void tst_PriorityQueue::closeDrainsItemsAddedBeforeItGreatestFirst()
{
    skein::PriorityQueue<int> queue("closing shop");
    for (const int i : {2, 3, 1})
        queue.add(i);
    queue.close();
    queue.close();  // idempotent
    QVERIFY(queue.isClosed());
    QCOMPARE(queue.pop(), std::optional<int>(3));
    QCOMPARE(queue.pop(skein::Signal::done()), std::optional<int>(2));
    QCOMPARE(queue.pop(skein::Signal("pending")), std::optional<int>(1));
    QCOMPARE(queue.pop(), std::optional<int>());
    QCOMPARE(queue.pop(skein::Signal("pending")), std::optional<int>());
}

void tst_PriorityQueue::addingAfterCloseThrowsQueueClosedNamingTheQueue()
{
    skein::PriorityQueue<int> queue("closed");
    queue.add(1);
    queue.close();
    const auto addMessage = messageOf<skein::QueueClosed>([&] { queue.add(2); });
    QVERIFY2(names(addMessage, "closed"), addMessage ? addMessage->c_str() : "add() did not throw QueueClosed");
    std::vector<int> more{3, 4};
    const auto extendMessage = messageOf<skein::QueueClosed>([&] { queue.extend(more); });
    QVERIFY2(names(extendMessage, "closed"), extendMessage ? extendMessage->c_str() : "extend() did not throw");
    QCOMPARE(more, (std::vector<int>{3, 4}));
    QCOMPARE(queue.popAll(), std::vector<int>{1});
}

void tst_PriorityQueue::waitDoneWaitsUntilEveryItemIsPoppedAndMarkedDone()
{
    skein::PriorityQueue<int> queue("tasks");
    QVERIFY(queue.waitDone(skein::Signal::done()));
    queue.add(1);
    QVERIFY(queue.extend(std::vector<int>{3, 2}));

    skein::Signal returned("waitDone returned");
    Events events;
    std::atomic<bool> done{false};
    Joining waiter([&] {
        done = queue.waitDone();
        events.add("waitDone returns");
        returned.go();
    });
    QVERIFY(waitUntilBlockedOn("PriorityQueue 'tasks' (waitDone)", 1));
    QCOMPARE(queue.pop(), std::optional<int>(3));
    QCOMPARE(queue.popAll(), (std::vector<int>{2, 1}));
    queue.taskDone();
    queue.taskDone();
    // 50 ms in which waitDone() must not return with a task unfinished: a
    // bound from below, which a slow machine can only make weaker.
    const bool returnedEarly = returned.wait(skein::Till(50ms));
    events.add("last taskDone");
    queue.taskDone();
    returned.wait();
    waiter.join();
    QVERIFY(!returnedEarly);
    QVERIFY(done);
    QCOMPARE(events.list(), (QStringList{"last taskDone", "waitDone returns"}));
}

void tst_PriorityQueue::taskDoneMoreOftenThanItemsPoppedThrowsUsageErrorNamingTheQueue()
{
    skein::PriorityQueue<int> queue("overdone");
    queue.add(1);
    const auto early = messageOf<skein::UsageError>([&] { queue.taskDone(); });
    QVERIFY2(early, "taskDone() for an item still queued did not throw UsageError");
    QVERIFY2(names(early, "overdone") && testing::contains(early, "PriorityQueue"), early->c_str());
    QCOMPARE(queue.pop(), std::optional<int>(1));
    queue.taskDone();
    QVERIFY(queue.waitDone(skein::Signal::done()));
    QVERIFY(messageOf<skein::UsageError>([&] { queue.taskDone(); }));
}

// The queues are on the heap, so that AddressSanitizer sees a call that
// touches one after its destructor returned.
void tst_PriorityQueue::destroyingWakesBlockedCallsNamingTheQueue()
{
    auto empty = std::make_unique<skein::PriorityQueue<int>>("doomed pops");
    auto full = std::make_unique<skein::PriorityQueue<int>>("doomed adds", 1);
    QVERIFY(full->add(1));
    skein::Signal till("till");
    std::optional<int> popped(-1);
    std::optional<std::string> addMessage;
    std::optional<std::string> waitDoneMessage;
    std::atomic<int> returned{0};
    bool blocked = false;
    bool returnedEarly = true;
    {
        std::vector<Joining> threads;
        threads.emplace_back([&] {
            popped = empty->pop(till);
            ++returned;
        });
        threads.emplace_back([&] {
            addMessage = messageOf<skein::QueueClosed>([&] { full->add(2, till); });
            ++returned;
        });
        threads.emplace_back([&] {
            waitDoneMessage = messageOf<skein::QueueClosed>([&] { full->waitDone(till); });
            ++returned;
        });
        blocked = waitUntilBlockedOn("PriorityQueue 'doomed pops' (pop)", 1) &&
                  waitUntilBlockedOn("PriorityQueue 'doomed adds' (add, full)", 1) &&
                  waitUntilBlockedOn("PriorityQueue 'doomed adds' (waitDone)", 1);
        returnedEarly = returned != 0;
        if (blocked && !returnedEarly) {
            empty.reset();
            full.reset();
        } else {
            till.go();  // a check failed: free the threads so that the test ends
        }
    }
    QVERIFY(blocked);
    QVERIFY(!returnedEarly);
    QCOMPARE(popped, std::optional<int>());
    for (const auto& message : {addMessage, waitDoneMessage}) {
        QVERIFY2(message, "a blocked add() or waitDone() was not woken with QueueClosed");
        QVERIFY2(names(message, "doomed adds") && testing::contains(message, "destroyed"), message->c_str());
    }
    QCOMPARE(skein::detail::pendingCallbacks(till), std::size_t(0));
}

void tst_PriorityQueue::aThrowingCompareChangesNothing()
{
    Fickle compare;
    skein::PriorityQueue<int, Fickle> queue("fickle", 0, compare);
    for (const int i : {5, 1, 4, 2, 3})
        queue.add(i);

    *compare.failing = true;
    QVERIFY(messageOf<std::runtime_error>([&] { queue.add(6); }));
    std::vector<int> more{7, 8};
    QVERIFY(messageOf<std::runtime_error>([&] { queue.extend(more); }));
    QCOMPARE(more, (std::vector<int>{7, 8}));  // left in the range
    QVERIFY(messageOf<std::runtime_error>([&] { queue.pop(); }));
    QVERIFY(messageOf<std::runtime_error>([&] { queue.tryPop(); }));
    QVERIFY(messageOf<std::runtime_error>([&] { queue.popAll(); }));
    QCOMPARE(queue.size(), std::size_t(5));
    // Nothing failed half way: no task was counted as popped.
    QVERIFY(messageOf<skein::UsageError>([&] { queue.taskDone(); }));

    *compare.failing = false;
    QCOMPARE(queue.popAll(), (std::vector<int>{5, 4, 3, 2, 1}));
}

void tst_PriorityQueue::aThrowingMoveLosesAndDuplicatesNothing()
{
    skein::PriorityQueue<Fragile> queue("fragile");
    for (const int i : {2, 5, 1, 4, 3})
        queue.add(Fragile(i));

    Fragile::failing = true;
    QVERIFY(messageOf<std::runtime_error>([&] { queue.add(Fragile(9)); }));
    QVERIFY(messageOf<std::runtime_error>([&] { queue.pop(); }));
    QVERIFY(messageOf<std::runtime_error>([&] { queue.tryPop(); }));
    QVERIFY(messageOf<std::runtime_error>([&] { queue.popAll(); }));
    Fragile::failing = false;
    QCOMPARE(queue.size(), std::size_t(5));

    QCOMPARE(queue.pop()->value, 5);
    QCOMPARE(values(queue.popAll()), (std::vector<int>{4, 3, 2, 1}));
    queue.taskDone();
    for (int i = 0; i < 4; ++i)
        queue.taskDone();
    QVERIFY(queue.waitDone(skein::Signal::done()));
}

void tst_PriorityQueue::everyItemArrivesExactlyOnce_data()
{
    QTest::addColumn<int>("items");
    QTest::addColumn<int>("maxSize");
    QTest::newRow("unbounded") << 200000 << 0;
    QTest::newRow("bounded to 64") << 100000 << 64;
}

void tst_PriorityQueue::everyItemArrivesExactlyOnce()
{
    QFETCH(int, items);
    QFETCH(int, maxSize);
    constexpr int producers = 4;
    constexpr int consumers = 4;
    skein::PriorityQueue<int> queue("conveyor", static_cast<std::size_t>(maxSize));
    std::vector<std::atomic<std::uint8_t>> arrivals(static_cast<std::size_t>(items));
    bool done = false;
    {
        std::vector<Joining> consumerThreads;
        for (int c = 0; c < consumers; ++c)
            consumerThreads.emplace_back([&] {
                while (const auto item = queue.pop()) {
                    arrivals[static_cast<std::size_t>(*item)].fetch_add(1, std::memory_order_relaxed);
                    queue.taskDone();
                }
            });
        {
            std::vector<Joining> producerThreads;
            for (int p = 0; p < producers; ++p)
                producerThreads.emplace_back([&, p] {
                    for (int item = p; item < items; item += producers)
                        queue.add(item);
                });
        }
        // Bounded, so that a broken waitDone() fails instead of hanging.
        done = queue.waitDone(skein::Till(testing::hangGuard));
        queue.close();
    }
    QVERIFY(done);
    int missing = 0;
    int duplicated = 0;
    for (int i = 0; i < items; ++i) {
        const int n = arrivals[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
        missing += n == 0;
        duplicated += n > 1;
    }
    QVERIFY2(missing == 0 && duplicated == 0,
             qPrintable(QStringLiteral("%1 items missing, %2 duplicated").arg(missing).arg(duplicated)));
    QVERIFY(queue.empty());
}

QTEST_GUILESS_MAIN(tst_PriorityQueue)
#include "tst_priority_queue.moc"
