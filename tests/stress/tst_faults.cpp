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

#include <skein/error.h>
#include <skein/log.h>
#include <skein/queue.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

using namespace std::chrono_literals;

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

// Every record logged while it lives.
class LogCapture {
public:
    LogCapture()
        : records_(std::make_shared<Records>()),
          previous_(skein::setLogSink([records = records_](const skein::LogRecord& r) {
              std::lock_guard<std::mutex> lock(records->mutex);
              records->all.push_back(r);
          }))
    {
    }
    ~LogCapture() { skein::setLogSink(previous_); }

    // The messages of level `level` that contain every one of `parts`.
    int count(skein::LogLevel level, std::initializer_list<const char*> parts) const
    {
        std::lock_guard<std::mutex> lock(records_->mutex);
        return int(std::count_if(records_->all.begin(), records_->all.end(), [&](const skein::LogRecord& r) {
            return r.level == level && std::all_of(parts.begin(), parts.end(), [&](const char* part) {
                       return r.message.find(part) != std::string::npos;
                   });
        }));
    }
    std::string dump() const
    {
        std::lock_guard<std::mutex> lock(records_->mutex);
        std::string text;
        for (const auto& r : records_->all)
            text += std::string(skein::toString(r.level)) + ": " + r.message + "\n";
        return text;
    }

private:
    struct Records {
        std::mutex mutex;
        std::vector<skein::LogRecord> all;  // guarded by mutex
    };
    std::shared_ptr<Records> records_;
    skein::LogSink previous_;
};

enum class QueueOp { Add, Push, Extend, Pop, TryPop, PopAll };

} // namespace

Q_DECLARE_METATYPE(QueueOp)

class tst_Faults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void queueItemWhoseMoveThrowsIsNeitherLostNorDuplicated_data();
    void queueItemWhoseMoveThrowsIsNeitherLostNorDuplicated();
    void queuePopMovesAnItemOnlyOnce();
    void queueUnderTrafficOfFragileItemsHandsEachOutOnce();
};

void tst_Faults::queueItemWhoseMoveThrowsIsNeitherLostNorDuplicated_data()
{
    QTest::addColumn<QueueOp>("op");
    QTest::addColumn<int>("fuse");
    const std::pair<const char*, QueueOp> ops[] = {
        {"add", QueueOp::Add},   {"push", QueueOp::Push},     {"extend", QueueOp::Extend},
        {"pop", QueueOp::Pop},   {"tryPop", QueueOp::TryPop}, {"popAll", QueueOp::PopAll},
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

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
