// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Tests for skein::ThreadedQueue<T>: batches of at most maxBatch in FIFO
// order, a batch that is not full delivered once its period has passed,
// flush() that does not wait for the period and honours its `till`, nothing
// dropped by the destructor, stop(), or a pleaseStop from outside, add()
// racing stop(), a throwing deliver logged with its batch's size, bounded
// back-pressure, and the calls from inside deliver that would wait for
// themselves.
#include <QtTest>

#include <QByteArray>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>

#include <atomic>
#include <csignal>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <skein/error.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/threaded_queue.h>
#include <skein/till.h>

#include <sys/types.h>

#include "testing.h"

using namespace std::chrono_literals;
using testing::Joining;
using testing::LogCapture;
using testing::messageOf;
using testing::names;
using testing::waitUntilBlockedOn;
using testing::waitUntilParked;
using testing::TillKind;
using testing::addTillKindRows;
using testing::tillOf;

namespace {

using IntQueue = skein::ThreadedQueue<int>;

// The batches a deliver received, in order. Thread-safe.
class Batches {
public:
    void record(const std::vector<int>& batch)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        batches_.push_back(batch);
    }

    // A deliver that records its batches.
    IntQueue::Deliver recorder()
    {
        return [this](std::vector<int>& batch) { record(batch); };
    }

    std::vector<std::vector<int>> list() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return batches_;
    }

    // Every item, in the order delivered.
    std::vector<int> items() const
    {
        std::vector<int> all;
        for (const std::vector<int>& batch : list())
            all.insert(all.end(), batch.begin(), batch.end());
        return all;
    }

    std::vector<std::size_t> sizes() const
    {
        std::vector<std::size_t> sizes;
        for (const std::vector<int>& batch : list())
            sizes.push_back(batch.size());
        return sizes;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::vector<int>> batches_;  // guarded by mutex_
};

std::vector<int> range(int from, int to)
{
    std::vector<int> items;
    for (int i = from; i < to; ++i)
        items.push_back(i);
    return items;
}

IntQueue::Options options(std::size_t maxBatch, std::chrono::milliseconds period, std::size_t maxSize = 0)
{
    IntQueue::Options o;
    o.maxBatch = maxBatch;
    o.period = period;
    o.maxSize = maxSize;
    return o;
}

// A period that never ends within a test: only a full batch, flush() or a
// stop delivers.
constexpr std::chrono::milliseconds forever = std::chrono::hours(24);

// Calls `call` with `till` on this thread; when the till is one that goes
// while the call is parked, another thread makes it go once the call
// registered on it.
template <class Call>
bool endedByTill(TillKind kind, Call call)
{
    const skein::Signal till = tillOf(kind);
    std::optional<Joining> goer;
    if (kind == TillKind::GoesWhileParked) {
        goer.emplace([till] {
            if (waitUntilParked(till, 1))
                till.go();
        });
    }
    return call(till);
}

// A deliver that holds its first batch until `release` goes, after making
// `entered` go; the batches are recorded when it returns.
struct HeldDeliver {
    Batches batches;
    skein::Signal entered{"entered"};
    skein::Signal release{"release"};
    std::atomic<bool> first{true};

    IntQueue::Deliver deliver()
    {
        return [this](std::vector<int>& batch) {
            if (first.exchange(false)) {
                entered.go();
                release.wait(skein::Till(testing::hangGuard));
            }
            batches.record(batch);
        };
    }
};

enum class StopBy { Destructor, Stop, ItsPleaseStop, ItsParentStopping };

}  // namespace

Q_DECLARE_METATYPE(StopBy)

class tst_ThreadedQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void itemsArriveInOrderInFullBatchesOfMaxBatch_data();
    void itemsArriveInOrderInFullBatchesOfMaxBatch();
    void batchThatIsNotFullIsDeliveredOncePeriodHasPassed();
    void zeroPeriodDeliversWhatWaitsAtOnce();
    void flushDeliversAtOnceWithoutWaitingForThePeriod();
    void flushOnAnEmptyQueueReturnsTrue();
    void flushReturnsFalseWhenTillGoesFirst_data();
    void flushReturnsFalseWhenTillGoesFirst();
    void flushWaitsForItemsAddedWhileDeliverRuns();
    void manyProducersLoseAndDuplicateNothing();
    void nothingIsDroppedWhenItStops_data();
    void nothingIsDroppedWhenItStops();
    void addRacingStopIsDeliveredOrThrowsQueueClosed();
    void throwingDeliverIsLoggedWithBatchSizeAndLaterBatchesRun();
    void boundedAddBlocksUntilTheThreadTakesItems();
    void boundedAddReturnsFalseWhenTillGoesFirst_data();
    void boundedAddReturnsFalseWhenTillGoesFirst();
    void destroyingWhileFlushIsBlockedReturnsTrue();
    void threadIsNamedAfterTheQueueAndIsChildOfItsCreator();
    void invalidArgumentsAreRefusedNamingTheQueue();
    void callsThatWouldWaitForTheirOwnThreadThrowUsageError();
    void destroyingFromInsideDeliverStillDeliversEverything();
    void noItemIsLostWhenSigtermStopsMainMidStream();
};

void tst_ThreadedQueue::itemsArriveInOrderInFullBatchesOfMaxBatch_data()
{
    QTest::addColumn<int>("maxBatch");
    QTest::addColumn<int>("count");
    QTest::newRow("batches of 1") << 1 << 500;
    QTest::newRow("batches of 7, the last one short") << 7 << 5000;
    QTest::newRow("batches of 1000") << 1000 << 10000;
    QTest::newRow("fewer items than a batch") << 1000 << 10;
}

// With a period that never ends, only a full batch is delivered before
// flush(), which delivers the rest: every batch but the last is full.
void tst_ThreadedQueue::itemsArriveInOrderInFullBatchesOfMaxBatch()
{
    QFETCH(int, maxBatch);
    QFETCH(int, count);
    Batches batches;
    IntQueue queue("batched", batches.recorder(), options(std::size_t(maxBatch), forever));
    for (int i = 0; i < count; ++i)
        QVERIFY(queue.add(i));
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));

    QCOMPARE(batches.items(), range(0, count));
    const std::vector<std::size_t> sizes = batches.sizes();
    QVERIFY(!sizes.empty());
    for (std::size_t i = 0; i + 1 < sizes.size(); ++i)
        QCOMPARE(sizes[i], std::size_t(maxBatch));
    QVERIFY(sizes.back() >= 1 && sizes.back() <= std::size_t(maxBatch));
}

// Nothing but the period delivers here: no flush, no stop, a batch that
// never fills. Its lower bound is the contract: the batch began when the
// thread took its first item, after add() was called, so it is delivered no
// sooner than `period` after that call (a Till never goes early).
void tst_ThreadedQueue::batchThatIsNotFullIsDeliveredOncePeriodHasPassed()
{
    constexpr auto period = 50ms;
    std::mutex mutex;
    std::vector<std::chrono::steady_clock::time_point> deliveredAt;  // guarded by mutex
    Batches batches;
    const skein::Signal allThree("all three delivered");
    IntQueue queue(
        "periodic",
        [&](std::vector<int>& batch) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                deliveredAt.push_back(std::chrono::steady_clock::now());
            }
            batches.record(batch);
            if (batches.items().size() == 3)
                allThree.go();
        },
        options(1000, period));

    const auto added = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i)
        QVERIFY(queue.add(i));
    QVERIFY(allThree.wait(skein::Till(testing::hangGuard)));

    QCOMPARE(batches.items(), range(0, 3));
    std::lock_guard<std::mutex> lock(mutex);
    QVERIFY(deliveredAt.front() - added >= period);
}

// A period of zero: nothing waits for a batch to fill.
void tst_ThreadedQueue::zeroPeriodDeliversWhatWaitsAtOnce()
{
    const skein::Signal delivered("delivered");
    Batches batches;
    IntQueue queue(
        "eager",
        [&](std::vector<int>& batch) {
            batches.record(batch);
            delivered.go();
        },
        options(1000, 0ms));
    QVERIFY(queue.add(7));
    // A period of a day would hold this batch far beyond the hang guard.
    QVERIFY(delivered.wait(skein::Till(testing::hangGuard)));
    QCOMPARE(batches.items(), std::vector<int>{7});
}

// A period of a day: flush() returning at all means it did not wait for it.
void tst_ThreadedQueue::flushDeliversAtOnceWithoutWaitingForThePeriod()
{
    Batches batches;
    IntQueue queue("flushed", batches.recorder(), options(1000, forever));
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 10; ++i)
            QVERIFY(queue.add(round * 10 + i));
        QVERIFY(queue.flush(skein::Till(testing::hangGuard)));
        QCOMPARE(batches.items(), range(0, round * 10 + 10));
    }
    QCOMPARE(batches.sizes(), (std::vector<std::size_t>{10, 10, 10}));
}

void tst_ThreadedQueue::flushOnAnEmptyQueueReturnsTrue()
{
    Batches batches;
    IntQueue queue("empty", batches.recorder(), options(10, forever));
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));
    QVERIFY(batches.list().empty());
}

void tst_ThreadedQueue::flushReturnsFalseWhenTillGoesFirst_data() { addTillKindRows(); }

// deliver holds item 0: a flush cannot be served, and its till ends it.
void tst_ThreadedQueue::flushReturnsFalseWhenTillGoesFirst()
{
    QFETCH(TillKind, kind);
    HeldDeliver held;
    IntQueue queue("held", held.deliver(), options(1, forever));
    QVERIFY(queue.add(0));
    QVERIFY(held.entered.wait(skein::Till(testing::hangGuard)));

    QVERIFY(!endedByTill(kind, [&](const skein::Signal& till) { return queue.flush(till); }));
    QVERIFY(held.batches.list().empty());

    held.release.go();
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));
    QCOMPARE(held.batches.items(), std::vector<int>{0});
}

// Items added while deliver holds an earlier batch are added before the
// flush: it returns only once they too are delivered.
void tst_ThreadedQueue::flushWaitsForItemsAddedWhileDeliverRuns()
{
    HeldDeliver held;
    IntQueue queue("held", held.deliver(), options(4, forever));
    for (int i = 0; i < 4; ++i)
        QVERIFY(queue.add(i));
    QVERIFY(held.entered.wait(skein::Till(testing::hangGuard)));
    for (int i = 4; i < 10; ++i)
        QVERIFY(queue.add(i));

    std::atomic<bool> flushed{false};
    Joining flusher([&] { flushed = queue.flush(skein::Till(testing::hangGuard)); });
    QVERIFY(waitUntilBlockedOn("ThreadedQueue 'held' (flush)", 1));
    held.release.go();
    flusher.join();
    QVERIFY(flushed);
    QCOMPARE(held.batches.items(), range(0, 10));
    QCOMPARE(held.batches.sizes(), (std::vector<std::size_t>{4, 4, 2}));
}

// Each producer's items arrive in its order; none lost, none twice.
void tst_ThreadedQueue::manyProducersLoseAndDuplicateNothing()
{
    constexpr int producers = 4;
    constexpr int perProducer = 50000;
    Batches batches;
    IntQueue queue("many", batches.recorder(), options(100, 1ms));
    {
        std::vector<Joining> threads;
        for (int p = 0; p < producers; ++p) {
            threads.emplace_back([&queue, p] {
                for (int i = 0; i < perProducer; ++i)
                    queue.add(p * perProducer + i);
            });
        }
    }
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));

    std::vector<int> next(producers, 0);
    for (const int item : batches.items()) {
        const int p = item / perProducer;
        QCOMPARE(item, p * perProducer + next[std::size_t(p)]);
        ++next[std::size_t(p)];
    }
    for (int p = 0; p < producers; ++p)
        QCOMPARE(next[std::size_t(p)], perProducer);
    for (const std::size_t size : batches.sizes())
        QVERIFY(size >= 1 && size <= 100);
}

void tst_ThreadedQueue::nothingIsDroppedWhenItStops_data()
{
    QTest::addColumn<StopBy>("by");
    QTest::newRow("destructor") << StopBy::Destructor;
    QTest::newRow("stop()") << StopBy::Stop;
    QTest::newRow("its thread's pleaseStop") << StopBy::ItsPleaseStop;
    QTest::newRow("its parent stopping") << StopBy::ItsParentStopping;
}

// deliver holds its first batch while many more wait, with a period that
// never ends: only the stop can deliver them, all of them, in batches of
// maxBatch, before the thread ends.
void tst_ThreadedQueue::nothingIsDroppedWhenItStops()
{
    QFETCH(StopBy, by);
    constexpr int count = 10007;
    HeldDeliver held;
    std::shared_ptr<IntQueue> queue;
    skein::Thread parent;
    // Outlives `parent`, whose add() may still be leaving it after pop().
    skein::Queue<std::shared_ptr<IntQueue>> handOver("hand over");
    if (by == StopBy::ItsParentStopping) {
        // The queue's thread is a child of `parent`, which hands the queue
        // over and waits to be stopped.
        parent = skein::Thread::run("owner", [&held, &handOver](const skein::Signal& pleaseStop) {
            handOver.add(std::make_shared<IntQueue>("stopping", held.deliver(), options(10, forever)));
            pleaseStop.wait();
        });
        queue = *handOver.pop(skein::Till(testing::hangGuard));
        QCOMPARE(queue->thread().parent(), std::optional<skein::Thread>(parent));
    } else {
        queue = std::make_shared<IntQueue>("stopping", held.deliver(), options(10, forever));
    }
    for (int i = 0; i < count; ++i)
        QVERIFY(queue->add(i));
    QVERIFY(held.entered.wait(skein::Till(testing::hangGuard)));

    const skein::Thread thread = queue->thread();
    // The stop is asked for while deliver still holds the first batch; the
    // drain follows once it lets go.
    switch (by) {
    case StopBy::Destructor: {
        Joining destroyer([&queue] { queue.reset(); });
        QVERIFY(thread.pleaseStop().wait(skein::Till(testing::hangGuard)));
        held.release.go();
        break;
    }
    case StopBy::Stop: {
        Joining stopper([&queue] { queue->stop(); });
        QVERIFY(thread.pleaseStop().wait(skein::Till(testing::hangGuard)));
        held.release.go();
        break;
    }
    case StopBy::ItsPleaseStop:
        thread.stop();
        held.release.go();
        break;
    case StopBy::ItsParentStopping:
        parent.stop();
        held.release.go();
        parent.join();
        break;
    }
    QVERIFY(thread.tryJoin(skein::Till(testing::hangGuard)));

    QCOMPARE(held.batches.items(), range(0, count));
    const std::vector<std::size_t> sizes = held.batches.sizes();
    for (std::size_t i = 0; i + 1 < sizes.size(); ++i)
        QCOMPARE(sizes[i], std::size_t(10));
    QCOMPARE(sizes.back(), std::size_t(count % 10));
    if (queue) {
        const std::optional<std::string> refused = messageOf<skein::QueueClosed>([&] { queue->add(-1); });
        QVERIFY2(names(refused, "stopping"), refused.value_or("(nothing thrown)").c_str());
        // The thread delivered everything before it ended.
        QVERIFY(queue->flush(skein::Signal::done()));
    }
}

// Producers add until add() throws; stop() races them. Every add() that
// returned is delivered; every other one threw QueueClosed.
void tst_ThreadedQueue::addRacingStopIsDeliveredOrThrowsQueueClosed()
{
    constexpr int producers = 3;
    constexpr int rounds = 20;
    constexpr int stride = 1 << 24;
    for (int round = 0; round < rounds; ++round) {
        Batches batches;
        IntQueue queue("racing", batches.recorder(), options(16, 1ms));
        std::vector<int> added(producers, 0);
        std::vector<int> refused(producers, 0);
        testing::Racers racers(producers, [&](int p) {
            for (int i = 0; i < stride; ++i) {
                try {
                    queue.add(p * stride + i);
                } catch (const skein::QueueClosed&) {
                    ++refused[std::size_t(p)];
                    return;
                }
                ++added[std::size_t(p)];
            }
        });
        racers.start();
        queue.stop();
        racers.finish();

        std::vector<int> next(producers, 0);
        for (const int item : batches.items()) {
            const int p = item / stride;
            QCOMPARE(item, p * stride + next[std::size_t(p)]);
            ++next[std::size_t(p)];
        }
        QCOMPARE(next, added);
        QCOMPARE(refused, std::vector<int>(producers, 1));
    }
}

void tst_ThreadedQueue::throwingDeliverIsLoggedWithBatchSizeAndLaterBatchesRun()
{
    LogCapture log;
    Batches batches;
    IntQueue queue(
        "fragile",
        [&batches](std::vector<int>& batch) {
            batches.record(batch);
            if (batch.front() == 0)
                throw std::runtime_error("disk full");
        },
        options(3, forever));
    for (int i = 0; i < 5; ++i)
        QVERIFY(queue.add(i));
    // The failed batch counts as delivered.
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));

    QCOMPARE(batches.list(), (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4}}));
    const std::vector<testing::Captured> failures = log.mentioning("'fragile'");
    QVERIFY2(failures.size() == 1, log.dump().c_str());
    QCOMPARE(failures.front().level, skein::LogLevel::Error);
    QVERIFY2(testing::contains(failures.front().message, "batch of 3 items"), failures.front().message.c_str());
    QVERIFY2(testing::contains(failures.front().message, "disk full"), failures.front().message.c_str());
    QCOMPARE(testing::q(failures.front().threadPath), testing::q(queue.thread().path()));
}

// maxSize 2, and deliver holds item 0 (batches of 1, no period): items 1
// and 2 wait, and the next add() blocks until the thread takes them.
void tst_ThreadedQueue::boundedAddBlocksUntilTheThreadTakesItems()
{
    HeldDeliver held;
    IntQueue queue("bounded", held.deliver(), options(1, 0ms, 2));
    QVERIFY(queue.add(0));
    QVERIFY(held.entered.wait(skein::Till(testing::hangGuard)));
    QVERIFY(queue.add(1));
    QVERIFY(queue.add(2));

    std::atomic<bool> added{false};
    Joining producer([&] { added = queue.add(3); });
    QVERIFY(waitUntilBlockedOn("Queue 'bounded' (add, full)", 1));
    QVERIFY(!added);
    held.release.go();
    producer.join();
    QVERIFY(added);
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));
    QCOMPARE(held.batches.items(), range(0, 4));
}

void tst_ThreadedQueue::boundedAddReturnsFalseWhenTillGoesFirst_data() { addTillKindRows(); }

void tst_ThreadedQueue::boundedAddReturnsFalseWhenTillGoesFirst()
{
    QFETCH(TillKind, kind);
    HeldDeliver held;
    IntQueue queue("bounded", held.deliver(), options(1, 0ms, 2));
    QVERIFY(queue.add(0));
    QVERIFY(held.entered.wait(skein::Till(testing::hangGuard)));
    QVERIFY(queue.add(1));
    QVERIFY(queue.add(2));

    QVERIFY(!endedByTill(kind, [&](const skein::Signal& till) { return queue.add(3, till); }));
    std::vector<int> more{3, 4};
    QVERIFY(!endedByTill(kind, [&](const skein::Signal& till) { return queue.extend(more, till); }));
    QCOMPARE(more, (std::vector<int>{3, 4}));  // left in the range, untouched

    held.release.go();
    QVERIFY(queue.add(5));
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));
    QCOMPARE(held.batches.items(), (std::vector<int>{0, 1, 2, 5}));
}

// The destructor delivers everything; the flush blocked meanwhile sees it
// done.
void tst_ThreadedQueue::destroyingWhileFlushIsBlockedReturnsTrue()
{
    HeldDeliver held;
    auto queue = std::make_unique<IntQueue>("doomed", held.deliver(), options(1, forever));
    for (int i = 0; i < 3; ++i)
        QVERIFY(queue->add(i));
    QVERIFY(held.entered.wait(skein::Till(testing::hangGuard)));

    std::atomic<int> flushed{-1};
    IntQueue* raw = queue.get();
    Joining flusher([&flushed, raw] { flushed = raw->flush() ? 1 : 0; });
    QVERIFY(waitUntilBlockedOn("ThreadedQueue 'doomed' (flush)", 1));
    const skein::Thread thread = queue->thread();
    Joining destroyer([&queue] { queue.reset(); });
    QVERIFY(thread.pleaseStop().wait(skein::Till(testing::hangGuard)));
    held.release.go();
    destroyer.join();
    flusher.join();
    QCOMPARE(flushed.load(), 1);
    QCOMPARE(held.batches.items(), range(0, 3));
}

void tst_ThreadedQueue::threadIsNamedAfterTheQueueAndIsChildOfItsCreator()
{
    Batches batches;
    IntQueue queue("shipper", batches.recorder());
    QCOMPARE(queue.name(), std::string("shipper"));
    QCOMPARE(queue.thread().name(), std::string("shipper"));
    QCOMPARE(queue.thread().parent(), std::optional<skein::Thread>(skein::Thread::current()));
    QCOMPARE(queue.options().maxBatch, std::size_t(1000));
    QCOMPARE(queue.options().period, std::chrono::milliseconds(100));
    QCOMPARE(queue.options().maxSize, std::size_t(0));
    QVERIFY(queue.thread().isRunning());
    queue.stop();
    QVERIFY(!queue.thread().isRunning());
    queue.stop();  // idempotent
}

void tst_ThreadedQueue::invalidArgumentsAreRefusedNamingTheQueue()
{
    Batches batches;
    const std::optional<std::string> emptyName =
        messageOf<skein::InvalidArgument>([&] { IntQueue("", batches.recorder()); });
    QVERIFY2(testing::contains(emptyName, "ThreadedQueue"), emptyName.value_or("(nothing thrown)").c_str());

    const std::optional<std::string> noDeliver = messageOf<skein::InvalidArgument>([] { IntQueue("mute", {}); });
    QVERIFY2(names(noDeliver, "mute"), noDeliver.value_or("(nothing thrown)").c_str());

    const std::optional<std::string> zeroBatch =
        messageOf<skein::InvalidArgument>([&] { IntQueue("tiny", batches.recorder(), options(0, 1ms)); });
    QVERIFY2(names(zeroBatch, "tiny"), zeroBatch.value_or("(nothing thrown)").c_str());
    QVERIFY2(testing::contains(zeroBatch, "maxBatch"), zeroBatch->c_str());
}

// flush() and stop() from inside deliver would wait for the very thread
// that runs deliver; so would an add() to a full bounded queue.
void tst_ThreadedQueue::callsThatWouldWaitForTheirOwnThreadThrowUsageError()
{
    std::mutex mutex;
    std::vector<std::optional<std::string>> refusals;  // guarded by mutex
    std::vector<bool> addsWithRoom;                   // guarded by mutex
    IntQueue* self = nullptr;
    const skein::Signal done("done");
    IntQueue queue(
        "selfish",
        [&](std::vector<int>& batch) {
            if (batch.front() != 0)
                return;
            std::vector<std::optional<std::string>> r;
            r.push_back(messageOf<skein::UsageError>([&] { self->flush(); }));
            r.push_back(messageOf<skein::UsageError>([&] { self->stop(); }));
            // maxSize 1: the first add() fills it, the second would wait.
            const bool first = self->add(100);
            r.push_back(messageOf<skein::UsageError>([&] { self->add(101); }));
            std::vector<int> more{102};
            r.push_back(messageOf<skein::UsageError>([&] { self->extend(more); }));
            std::lock_guard<std::mutex> lock(mutex);
            refusals = r;
            addsWithRoom.push_back(first);
            done.go();
        },
        options(1, 0ms, 1));
    self = &queue;
    QVERIFY(queue.add(0));
    QVERIFY(done.wait(skein::Till(testing::hangGuard)));
    QVERIFY(queue.flush(skein::Till(testing::hangGuard)));

    std::lock_guard<std::mutex> lock(mutex);
    QCOMPARE(refusals.size(), std::size_t(4));
    for (const std::optional<std::string>& refusal : refusals)
        QVERIFY2(names(refusal, "selfish"), refusal.value_or("(nothing thrown)").c_str());
    QCOMPARE(addsWithRoom, std::vector<bool>{true});
}

// The thread keeps the queue's state alive: destroyed from inside deliver,
// the queue asks its thread to stop, which drains what was added.
void tst_ThreadedQueue::destroyingFromInsideDeliverStillDeliversEverything()
{
    Batches batches;
    const skein::Signal release("release");
    std::unique_ptr<IntQueue> queue;
    queue = std::make_unique<IntQueue>(
        "suicidal",
        [&](std::vector<int>& batch) {
            batches.record(batch);
            if (batch.front() == 0) {
                QVERIFY(release.wait(skein::Till(testing::hangGuard)));
                queue.reset();
            }
        },
        options(1, forever));
    const skein::Thread thread = queue->thread();
    for (int i = 0; i < 5; ++i)
        QVERIFY(queue->add(i));
    release.go();
    QVERIFY(thread.stopped().wait(skein::Till(testing::hangGuard)));
    QVERIFY(!queue);
    QCOMPARE(batches.items(), range(0, 5));
}

// threaded_queue_child streams ids from four producers through ThreadedQueue
// 'sink'; its deliver holds a batch once the stream is under way, so that
// SIGTERM finds a great many items waiting (everything added beyond
// "held-at"), and producers may still be adding. Shutdown must deliver each
// accepted id exactly once, and refuse the rest with QueueClosed.
void tst_ThreadedQueue::noItemIsLostWhenSigtermStopsMainMidStream()
{
    const int count = 1000000;
    // Patient: only a hang is given up on, never a drain that a loaded
    // machine slowed down.
    const QStringList arguments = {QStringLiteral("--count"),    QString::number(count),
                                   QStringLiteral("--grace-ms"), QString::number(testing::hangGuardMs),
                                   QStringLiteral("--limit-ms"), QString::number(testing::hangGuardMs)};
    QProcess child;
    QByteArray out;
    QVERIFY(testing::startChild(child, QStringLiteral(THREADED_QUEUE_CHILD), arguments, out, 2 * testing::hangGuardMs));
    QCOMPARE(::kill(static_cast<pid_t>(child.processId()), SIGTERM), 0);
    const bool finished = testing::finishChild(child, out, 2 * testing::hangGuardMs);
    const QByteArray err = child.readAllStandardError();
    QVERIFY2(finished, (out + "\nstderr:\n" + err).constData());
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.exitCode() == 0, (out + "\nstderr:\n" + err).constData());
    QVERIFY2(!err.contains("log warning") && !err.contains("log error"), err.constData());

    const QRegularExpression summary(
        QStringLiteral("^added (\\d+) delivered (\\d+) held-at (\\d+) exactly-once (yes|no) exit 0$"),
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = summary.match(QString::fromUtf8(out));
    QVERIFY2(match.hasMatch(), out.constData());
    const qlonglong added = match.captured(1).toLongLong();
    const qlonglong delivered = match.captured(2).toLongLong();
    const qlonglong heldAt = match.captured(3).toLongLong();
    QCOMPARE(match.captured(4), QStringLiteral("yes"));
    QCOMPARE(delivered, added);
    // Every producer had added a fifth of its share before "ready": at least
    // that many, less what was delivered, waited when shutdown began.
    QVERIFY2(added >= count / 5 && added - heldAt > 0, out.constData());
    QVERIFY(added <= count);
    qInfo("added %lld of %d, %lld waiting when shutdown began", added, count, added - heldAt);
}

QTEST_GUILESS_MAIN(tst_ThreadedQueue)
#include "tst_threaded_queue.moc"
