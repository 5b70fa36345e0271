// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Tests for detail::Ring, the buffer behind Queue's items: first in, first
// out across growing while the items wrap around the buffer's end, items
// put at the front, swapping, every item destroyed exactly once, and the
// buffer kept, then given back after a burst.
#include <QtTest>

#include <cstddef>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include <skein/detail/ring.h>

namespace {

// Counts the live instances, to check that the Ring destroys each item
// exactly once, and what it still holds when it goes.
struct Counted {
    static inline int live = 0;
    std::unique_ptr<int> value;

    explicit Counted(int v) : value(std::make_unique<int>(v)) { ++live; }
    Counted(Counted&& other) noexcept : value(std::move(other.value)) { ++live; }
    Counted& operator=(Counted&&) = delete;
    ~Counted() { --live; }
};

}  // namespace

class tst_Ring : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keepsOrderWhileGrowingAroundTheEnd();
    void matchesADequeThroughRandomOperations();
    void swapTradesItemsAndBuffers();
    void destroysEveryItemExactlyOnce();
    void trimGivesBackOnlyAnEmptyBufferFarLargerThanNeeded();
};

void tst_Ring::keepsOrderWhileGrowingAroundTheEnd()
{
    skein::detail::Ring<int> ring;
    QVERIFY(ring.empty());
    QCOMPARE(ring.capacity(), std::size_t(0));
    // Move the front past the start of a 16-item buffer, then fill it so
    // that the items wrap around its end, then grow it.
    for (int i = 0; i < 10; ++i)
        ring.push_back(int(i));
    for (int i = 0; i < 10; ++i)
        ring.pop_front();
    QCOMPARE(ring.capacity(), std::size_t(16));
    for (int i = 0; i < 40; ++i)
        ring.push_back(int(i));
    QCOMPARE(ring.size(), std::size_t(40));
    QCOMPARE(ring.capacity(), std::size_t(64));
    ring.push_front(-1);
    for (int i = -1; i < 40; ++i) {
        QCOMPARE(ring.front(), i);
        ring.pop_front();
    }
    QVERIFY(ring.empty());
}

void tst_Ring::matchesADequeThroughRandomOperations()
{
    std::mt19937 random(15);
    skein::detail::Ring<std::string> ring;
    std::deque<std::string> model;
    int next = 0;
    for (int step = 0; step < 100000; ++step) {
        // Adds slightly outnumber pops, so that the ring grows as it goes.
        const int what = int(random() % 10);
        if (what < 4) {
            ring.push_back(std::to_string(next));
            model.push_back(std::to_string(next++));
        } else if (what < 5) {
            ring.push_front(std::to_string(next));
            model.push_front(std::to_string(next++));
        } else if (!model.empty()) {
            QCOMPARE(ring.front(), model.front());
            ring.pop_front();
            model.pop_front();
        }
        QCOMPARE(ring.size(), model.size());
        QVERIFY(ring.capacity() >= ring.size());
    }
    while (!model.empty()) {
        QCOMPARE(ring.front(), model.front());
        ring.pop_front();
        model.pop_front();
    }
    QVERIFY(ring.empty());
}

void tst_Ring::swapTradesItemsAndBuffers()
{
    skein::detail::Ring<int> a;
    skein::detail::Ring<int> b;
    for (int i = 0; i < 20; ++i)
        a.push_back(int(i));
    b.push_back(100);
    const std::size_t aCapacity = a.capacity();
    const std::size_t bCapacity = b.capacity();
    a.swap(b);
    QCOMPARE(a.size(), std::size_t(1));
    QCOMPARE(a.capacity(), bCapacity);
    QCOMPARE(a.front(), 100);
    QCOMPARE(b.size(), std::size_t(20));
    QCOMPARE(b.capacity(), aCapacity);
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(b.front(), i);
        b.pop_front();
    }
}

void tst_Ring::destroysEveryItemExactlyOnce()
{
    {
        skein::detail::Ring<Counted> ring;
        for (int i = 0; i < 100; ++i)
            ring.push_back(Counted(i));  // grows four times on the way
        QCOMPARE(Counted::live, 100);
        for (int i = 0; i < 30; ++i) {
            QCOMPARE(*ring.front().value, i);
            ring.pop_front();
        }
        QCOMPARE(Counted::live, 70);
    }
    QCOMPARE(Counted::live, 0);  // the 70 left went with the Ring
}

void tst_Ring::trimGivesBackOnlyAnEmptyBufferFarLargerThanNeeded()
{
    skein::detail::Ring<int> ring;
    for (int i = 0; i < 5000; ++i)
        ring.push_back(int(i));
    const std::size_t burst = ring.capacity();
    QCOMPARE(burst, std::size_t(8192));

    ring.trim(0);  // not empty: kept
    QCOMPARE(ring.capacity(), burst);
    while (!ring.empty())
        ring.pop_front();
    ring.trim(burst / 4);  // still wanted
    QCOMPARE(ring.capacity(), burst);
    ring.trim(10);  // a burst long gone
    QCOMPARE(ring.capacity(), std::size_t(0));

    for (int i = 0; i < 1000; ++i)
        ring.push_back(int(i));
    while (!ring.empty())
        ring.pop_front();
    ring.trim(0);  // small enough to keep for good
    QCOMPARE(ring.capacity(), std::size_t(1024));
}

QTEST_APPLESS_MAIN(tst_Ring)
#include "tst_ring.moc"
