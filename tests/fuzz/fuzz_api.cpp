// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// libFuzzer target: reads its input as a program of calls on a few Signals,
// composites, Tills, a Queue, a Lock and a small tree of threads, and checks
// Skein's invariants: every callback runs at most once, and exactly once
// when its Signal went and it was not removed; removeThen() says true only
// for callbacks that never ran; the Queue hands out every item exactly once,
// in order (push() to the front); a Lock waiter woken by unlock() says so;
// misuse throws UsageError instead of hanging; a thread's failure comes back
// from join() with its type; every thread stops after its children; and at
// the end nothing is left: no thread in the tree, no Signal or thread state
// alive beyond what the input found.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <skein/detail/introspection.h>
#include <skein/skein.h>

using namespace std::chrono_literals;

namespace {

// How long a check waits for what must come before it calls it a hang: a
// guard only, never a claim about speed (the sanitizers on a loaded machine
// can keep a thread waiting for seconds). libFuzzer's -timeout is longer.
constexpr auto hangGuard = 60s;

[[noreturn]] void broken(const char* invariant)
{
    std::fprintf(stderr, "invariant broken: %s\n", invariant);
    std::abort();
}

void check(bool ok, const char* invariant)
{
    if (!ok)
        broken(invariant);
}

struct Injected : std::runtime_error {
    Injected() : std::runtime_error("injected") {}
};

struct Callback {
    skein::Signal on;
    skein::Subscription subscription;
    std::shared_ptr<std::atomic<int>> runs = std::make_shared<std::atomic<int>>(0);
    bool removed = false;
};

// When each thread's stopped() went, for the stop order.
class Journal {
public:
    void record(const std::string& path)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        check(stoppedAt_.emplace(path, ++clock_).second, "a stopped() callback ran twice");
    }
    void checkChildrenFirst()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [path, at] : stoppedAt_)
            for (const auto& [other, otherAt] : stoppedAt_)
                if (other.size() > path.size() && other.compare(0, path.size() + 1, path + "/") == 0)
                    check(otherAt < at, "a thread stopped before its descendant");
    }

private:
    std::mutex mutex_;
    int clock_ = 0;                         // guarded by mutex_
    std::map<std::string, int> stoppedAt_;  // guarded by mutex_
};

class Program {
public:
    Program(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    void run()
    {
        while (pos_ < size_)
            step(next() % 24);
        finish();
    }

private:
    std::uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
    skein::Signal& pick() { return signals_[next() % signals_.size()]; }
    skein::Signal shortTill() { return skein::Till(std::chrono::microseconds(next() % 64)); }

    void step(int op)
    {
        switch (op) {
        case 0: pick().go(); break;
        case 1:
            if (signals_.size() < 64)
                signals_.push_back(pick() | pick());
            break;
        case 2:
            if (signals_.size() < 64)
                signals_.push_back(pick() & pick());
            break;
        case 3: {
            if (callbacks_.size() >= 256)
                break;
            Callback c;
            c.on = pick();
            c.subscription = c.on.then([runs = c.runs] { runs->fetch_add(1); });
            callbacks_.push_back(std::move(c));
            break;
        }
        case 4: {
            if (callbacks_.empty())
                break;
            Callback& c = callbacks_[next() % callbacks_.size()];
            const int before = c.runs->load();
            if (c.on.removeThen(c.subscription)) {
                check(before == 0 && !c.removed, "removeThen() said true for a callback that ran or was removed");
                c.removed = true;
            }
            break;
        }
        case 5:
            try {
                if (queue_.add(nextItem_, skein::Signal::done())) {  // refused when full
                    check(model_.size() < queue_.maxSize(), "add() past maxSize");
                    model_.push_back(nextItem_);
                } else {
                    check(model_.size() >= queue_.maxSize(), "add() refused with room left");
                }
                ++nextItem_;
            } catch (const skein::QueueClosed&) {
                check(closed_, "QueueClosed from an open queue");
            }
            break;
        case 6: {
            const auto item = queue_.pop(shortTill());
            if (item) {
                check(!model_.empty() && model_.front() == *item, "the queue lost, repeated or reordered an item");
                model_.pop_front();
            } else {
                check(model_.empty(), "pop() gave up while the queue held items");
            }
            break;
        }
        case 7:
            queue_.close();
            closed_ = true;
            break;
        case 8: {
            std::lock_guard<skein::Lock> guard(lock_);
            try {
                lock_.lock();
                broken("a Lock was taken twice by one thread");
            } catch (const skein::UsageError&) {
            }
            check(!lock_.wait(skein::Signal::done()), "wait() with a till that went said woken");
            check(lock_.isHeldByCurrentThread(), "wait() returned without the Lock");
            break;
        }
        case 9:
            try {
                lock_.unlock();
                broken("unlock() by a thread that does not hold the Lock succeeded");
            } catch (const skein::UsageError&) {
            }
            break;
        case 10: startThread(); break;
        case 11:
            if (!threads_.empty())
                threads_[next() % threads_.size()].stop();
            break;
        case 12: shortTill().wait(pick()); break;
        case 13:
            if (!threads_.empty())
                tryJoin(next() % threads_.size(), shortTill());
            break;
        case 14:
            try {
                queue_.push(nextItem_);
                model_.push_front(nextItem_++);
            } catch (const skein::QueueClosed&) {
                check(closed_, "QueueClosed from an open queue");
            }
            break;
        case 15: {
            std::vector<int> items(next() % 4);
            for (int& i : items)
                i = nextItem_++;
            try {
                const std::size_t room = queue_.maxSize() - std::min(queue_.maxSize(), model_.size());
                const bool all = queue_.extend(items, skein::Signal::done());
                check(all == (items.size() <= room), "extend() said other than what fitted");
                for (std::size_t i = 0; i < std::min(room, items.size()); ++i)
                    model_.push_back(items[i]);
            } catch (const skein::QueueClosed&) {
                check(closed_, "QueueClosed from an open queue");
            }
            break;
        }
        case 16: {
            const auto item = queue_.tryPop();
            check(bool(item) == !model_.empty(), "tryPop() disagreed with what the queue held");
            if (item) {
                check(model_.front() == *item, "tryPop() lost, repeated or reordered an item");
                model_.pop_front();
            }
            break;
        }
        case 17: {
            const std::vector<int> all = queue_.popAll();
            check(std::deque<int>(all.begin(), all.end()) == model_, "popAll() lost, repeated or reordered items");
            model_.clear();
            break;
        }
        case 18: lockHandOver(); break;
        case 19: {
            // A callback that throws: logged, the rest still run.
            const skein::Signal& on = pick();
            on.then([] { throw Injected(); });
            break;
        }
        case 20:
            if (!threads_.empty()) {
                const std::size_t i = next() % threads_.size();
                threads_[i].release();
                released_.push_back(threads_[i]);
                threads_.erase(threads_.begin() + std::ptrdiff_t(i));
                fails_.erase(fails_.begin() + std::ptrdiff_t(i));
            }
            break;
        case 21: {
            // A Till with a callback and no handle still goes, once.
            if (callbacks_.size() >= 256)
                break;
            Callback c;
            c.on = shortTill();
            c.subscription = c.on.then([runs = c.runs] { runs->fetch_add(1); });
            tills_.push_back(c.on);
            callbacks_.push_back(std::move(c));
            break;
        }
        case 22:
            try {
                skein::Thread::current().join();
                broken("join() on the calling thread did not throw");
            } catch (const skein::UsageError&) {
            }
            break;
        case 23: {
            skein::Signal moved = pick();
            skein::Signal to = std::move(moved);
            check(moved == to, "a moved-from Signal is not the same Signal");
            break;
        }
        }
    }

    // A thread that waits on a Signal of the program or its pleaseStop; it
    // may start a child that does the same, and may fail when it ends.
    void startThread()
    {
        if (threads_.size() + released_.size() >= 6)
            return;
        const skein::Signal watch = pick();
        const std::uint8_t how = next();
        const std::shared_ptr<Journal> journal = journal_;
        auto thread = skein::Thread::run("fuzz-" + std::to_string(started_++), [watch, how, journal](
                                                                                   const skein::Signal& pleaseStop) {
            if (how & 1) {
                auto child = skein::Thread::run("child", [watch](const skein::Signal& stop) { (watch | stop).wait(); });
                child.stopped().then([journal, path = child.path()] { journal->record(path); });
                if (how & 2)
                    child.release();
            }
            (watch | pleaseStop).wait();
            if (how & 4)
                throw Injected();
            return bool(watch);
        });
        thread.stopped().then([journal, path = thread.path()] { journal->record(path); });
        threads_.push_back(thread);
        fails_.push_back((how & 4) != 0);
    }

    void tryJoin(std::size_t i, const skein::Signal& till)
    {
        try {
            if (threads_[i].tryJoin(till))
                check(!fails_[i], "a failed thread joined without its exception");
        } catch (const Injected&) {
            check(fails_[i], "join() threw for a thread that did not fail");
        }
    }

    // Another thread waits on the Lock; an unlock() wakes it, and it says so.
    void lockHandOver()
    {
        const skein::Signal waiting;
        std::atomic<bool> woken{false};
        std::thread waiter([&] {
            std::lock_guard<skein::Lock> guard(lock_);
            skein::Signal(waiting).go();
            woken = lock_.wait(skein::Till(hangGuard));
        });
        waiting.wait();
        // The waiter released the Lock inside wait(): taking it here means it
        // is queued; leaving it wakes it.
        {
            std::lock_guard<skein::Lock> guard(lock_);
        }
        waiter.join();
        check(woken, "a Lock waiter woken by unlock() said it was not");
    }

    void finish()
    {
        for (std::size_t i = 0; i < 8; ++i)
            signals_[i].go();
        // Every composite is built from the first 8 Signals: all have gone.
        for (const auto& s : signals_)
            check(bool(s), "a composite of Signals that all went did not go");
        for (const auto& t : tills_)
            t.wait();
        // A Till's callbacks run on the timer thread, after its waiters woke.
        const auto giveUpAt = std::chrono::steady_clock::now() + hangGuard;
        for (const auto& c : callbacks_) {
            const int expected = c.removed ? 0 : 1;
            while (c.runs->load() < expected && std::chrono::steady_clock::now() < giveUpAt)
                std::this_thread::sleep_for(10us);
            check(c.runs->load() == expected, "a callback ran other than exactly once");
        }
        for (std::size_t i = 0; i < threads_.size(); ++i) {
            threads_[i].stop();
            try {
                (void)threads_[i].join();
                check(!fails_[i], "join() returned for a thread that failed");
            } catch (const Injected&) {
                check(fails_[i], "join() threw for a thread that did not fail");
            }
        }
        for (const auto& t : released_) {
            t.stop();
            t.stopped().wait();
        }
        journal_->checkChildrenFirst();
        if (!closed_)
            check(std::size_t(queue_.size()) == model_.size(), "the queue's size disagrees with what it holds");
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::vector<skein::Signal> signals_ = std::vector<skein::Signal>(8);
    std::vector<skein::Signal> tills_;
    std::vector<Callback> callbacks_;
    skein::Queue<int> queue_{"fuzz", 4};
    std::deque<int> model_;  // what the queue should hold, front first
    bool closed_ = false;
    int nextItem_ = 0;
    skein::Lock lock_{"fuzz"};
    // Shared with stopped() callbacks, which may run after the program ends.
    const std::shared_ptr<Journal> journal_ = std::make_shared<Journal>();
    int started_ = 0;
    std::vector<skein::ThreadHandle<bool>> threads_;
    std::vector<bool> fails_;  // parallel to threads_
    std::vector<skein::Thread> released_;
};

// Waits until what the program made is gone: thread states and Signal states
// back to where they were. The timer thread may still hold a Till it just
// made go for a moment; polled with a sleep, as a Till would count itself.
void checkNothingLeft(std::size_t signalStates, std::size_t threadStates)
{
    // A released thread leaves the tree just after its stopped() went, on
    // its own thread: once every thread has left its OS thread, none is left.
    check(skein::detail::waitForThreadExits(hangGuard), "a thread did not leave its OS thread");
    check(skein::Thread::current().children().empty(), "a thread was left in the tree");
    const auto giveUpAt = std::chrono::steady_clock::now() + hangGuard;
    while (skein::detail::liveSignalStates() > signalStates || skein::detail::liveThreadStates() > threadStates) {
        if (std::chrono::steady_clock::now() > giveUpAt)
            broken("Signal or thread states outlived the program that made them");
        std::this_thread::sleep_for(100us);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    // The throwing callbacks are logged by design: keep the output readable.
    skein::setLogSink([](const skein::LogRecord&) {});
    // Process-wide states (main, done, never, the timer) exist before the
    // first input is counted.
    (void)skein::Thread::current();
    (void)skein::Signal::never();
    (void)skein::Signal::done();
    skein::Till(1us).wait();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::size_t signalStates = skein::detail::liveSignalStates();
    const std::size_t threadStates = skein::detail::liveThreadStates();
    Program(data, size).run();
    checkNothingLeft(signalStates, threadStates);
    return 0;
}
