// libFuzzer target: reads its input as a program of calls on a few Signals,
// composites, a Queue, a Lock and threads, and checks Skein's invariants:
// every callback runs at most once, and exactly once when its Signal went
// and it was not removed; removeThen() says true only for callbacks that
// never ran; the Queue hands out every item added exactly once, in order;
// misuse throws UsageError instead of hanging; nothing is left running.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <skein/skein.h>

using namespace std::chrono_literals;

namespace {

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

struct Callback {
    skein::Signal on;
    skein::Subscription subscription;
    std::shared_ptr<std::atomic<int>> runs = std::make_shared<std::atomic<int>>(0);
    bool removed = false;
};

class Program {
public:
    Program(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    void run()
    {
        while (pos_ < size_)
            step(next() % 14);
        finish();
    }

private:
    std::uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
    skein::Signal& pick() { return signals_[next() % signals_.size()]; }

    void step(int op)
    {
        switch (op) {
        case 0: pick().go(); break;
        case 1: if (signals_.size() < 64) signals_.push_back(pick() | pick()); break;
        case 2: if (signals_.size() < 64) signals_.push_back(pick() & pick()); break;
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
                if (queue_.add(nextItem_, skein::Signal::done()))  // refused when full
                    added_.push_back(nextItem_);
                ++nextItem_;
            } catch (const skein::QueueClosed&) {
                check(queue_.isClosed(), "QueueClosed from an open queue");
            }
            break;
        case 6: {
            const auto item = queue_.pop(skein::Till(std::chrono::microseconds(next() % 50)));
            if (item) {
                check(!added_.empty() && added_.front() == *item, "the queue lost, repeated or reordered an item");
                added_.pop_front();
            } else {
                check(added_.empty(), "pop() gave up while the queue held items");
            }
            break;
        }
        case 7: queue_.close(); break;
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
        case 10:
            if (threads_.size() < 6) {
                const skein::Signal& watch = pick();
                threads_.push_back(skein::Thread::run("fuzz", [watch](const skein::Signal& pleaseStop) {
                    (watch | pleaseStop).wait();
                    return bool(watch);
                }));
            }
            break;
        case 11:
            if (!threads_.empty())
                threads_[next() % threads_.size()].stop();
            break;
        case 12: skein::Till(std::chrono::microseconds(next() % 100)).wait(pick()); break;
        case 13:
            if (!threads_.empty()) {
                auto& t = threads_[next() % threads_.size()];
                t.tryJoin(skein::Till(std::chrono::microseconds(next() % 100)));
            }
            break;
        }
    }

    void finish()
    {
        for (std::size_t i = 0; i < 8; ++i)
            signals_[i].go();
        // Every composite is built from the first 8 Signals: all have gone.
        for (const auto& s : signals_)
            check(bool(s), "a composite of Signals that all went did not go");
        for (const auto& c : callbacks_)
            check(c.runs->load() == (c.removed ? 0 : 1), "a callback ran other than exactly once");
        for (auto& t : threads_) {
            t.stop();
            t.join();
        }
        check(skein::Thread::current().children().empty(), "a thread was left in the tree");
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::vector<skein::Signal> signals_ = std::vector<skein::Signal>(8);
    std::vector<Callback> callbacks_;
    skein::Queue<int> queue_{"fuzz", 4};
    std::deque<int> added_;
    int nextItem_ = 0;
    skein::Lock lock_{"fuzz"};
    std::vector<skein::ThreadHandle<bool>> threads_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    Program(data, size).run();
    return 0;
}
