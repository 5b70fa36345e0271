// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// The one timer thread. Pending Tills sit in a binary min-heap ordered by
// deadline; each state knows its slot, so a Till whose last handle is
// dropped leaves the heap at once (memory stays flat however many Tills come
// and go). The heap holds states weakly: the timer never keeps a Till alive.
#include <condition_variable>
#include <cstdint>
#include <thread>
#include <vector>

#include "platform/platform_p.h"
#include "primitives/signal_p.h"
#include "skein/detail/mutex.h"
#include "skein/detail/introspection.h"
#include "primitives/timer_p.h"

namespace skein::detail {

thread_local bool onTimerThread = false;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t noSlot = std::numeric_limits<std::size_t>::max();

class Timer {
public:
    bool schedule(const std::shared_ptr<SignalState>& state, Clock::time_point deadline)
    {
        MutexLock lock(mutex_);
        if (shutDown_)
            return false;
        if (!thread_.joinable())
            start();
        heap_.push_back(Entry{deadline, nextSeq_++, state.get(), state, nullptr});
        siftUp(heap_.size() - 1);
        const bool earliest = state->timerSlot == 0;
        lock.unlock();
        if (earliest)
            cv_.notify_one();
        return true;
    }

    void forget(SignalState* state) noexcept
    {
        MutexLock lock(mutex_);
        if (state->timerSlot != noSlot)
            removeAt(state->timerSlot);
    }

    void hold(SignalState* state)
    {
        MutexLock lock(mutex_);
        if (state->timerSlot != noSlot) {
            Entry& e = heap_[state->timerSlot];
            e.strong = e.weak.lock();
        }
    }

    std::shared_ptr<SignalState> release(SignalState* state)
    {
        MutexLock lock(mutex_);
        if (state->timerSlot == noSlot)
            return nullptr;
        return std::move(heap_[state->timerSlot].strong);
    }

    void shutDown()
    {
        std::vector<std::shared_ptr<SignalState>> due;
        {
            MutexLock lock(mutex_);
            shutDown_ = true;
            due.reserve(heap_.size());
            for (Entry& e : heap_) {
                e.state->timerSlot = noSlot;
                if (auto s = e.weak.lock())
                    due.push_back(std::move(s));
            }
            heap_.clear();
        }
        cv_.notify_all();
        for (const auto& s : due)
            s->go();
    }

    // At process exit: ends the thread without making anything go.
    void stopThread()
    {
        {
            MutexLock lock(mutex_);
            shutDown_ = true;
            stopping_ = true;
        }
        cv_.notify_all();
        if (!thread_.joinable())
            return;
        if (thread_.get_id() == std::this_thread::get_id())
            thread_.detach();  // exit() called from a Till callback
        else
            thread_.join();
    }

    std::size_t pending()
    {
        MutexLock lock(mutex_);
        return heap_.size();
    }

    std::size_t threads()
    {
        MutexLock lock(mutex_);
        return thread_.joinable() ? 1 : 0;
    }

private:
    struct Entry {
        Clock::time_point deadline;
        std::uint64_t seq;  // equal deadlines go in the order they were made
        SignalState* state;
        std::weak_ptr<SignalState> weak;
        // Set while the Till has callbacks. Never the last reference when an
        // entry is dropped under mutex_: whoever drops it holds another.
        std::shared_ptr<SignalState> strong;
    };

    // Joins the thread when static objects are destroyed at exit; not where
    // the OS has ended it already (Windows, in a DLL), with what it held.
    struct ExitGuard {
        Timer& timer;
        ~ExitGuard()
        {
            if (!platform::otherThreadsEnded())
                timer.stopThread();
        }
    };

    void start() SKEIN_REQUIRES(mutex_)
    {
        static ExitGuard guard{*this};
        thread_ = std::thread([this] {
            platform::setThreadName("skein-timer");
            run();
        });
    }

    void run() SKEIN_EXCLUDES(mutex_)
    {
        onTimerThread = true;
        std::vector<std::shared_ptr<SignalState>> due;
        MutexLock lock(mutex_);
        while (!stopping_) {
            if (heap_.empty() || heap_.front().deadline == Clock::time_point::max()) {
                lock.wait(cv_);
                continue;
            }
            const Clock::time_point now = Clock::now();
            if (heap_.front().deadline > now) {
                // A copy: wait_until reads its deadline after waking, when
                // the heap may have grown and moved.
                const Clock::time_point next = heap_.front().deadline;
                lock.waitUntil(cv_, next);
                continue;
            }
            while (!heap_.empty() && heap_.front().deadline <= now) {
                if (auto s = heap_.front().weak.lock())
                    due.push_back(std::move(s));
                removeAt(0);
            }
            lock.unlock();
            for (const auto& s : due)
                s->go();
            due.clear();  // may destroy states, whose destructors take mutex_
            lock.lock();
        }
    }

    static bool before(const Entry& a, const Entry& b)
    {
        return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
    }

    void place(std::size_t slot, Entry&& e) SKEIN_REQUIRES(mutex_)
    {
        e.state->timerSlot = slot;
        heap_[slot] = std::move(e);
    }

    void siftUp(std::size_t slot) SKEIN_REQUIRES(mutex_)
    {
        Entry e = std::move(heap_[slot]);
        while (slot > 0) {
            const std::size_t parent = (slot - 1) / 2;
            if (!before(e, heap_[parent]))
                break;
            place(slot, std::move(heap_[parent]));
            slot = parent;
        }
        place(slot, std::move(e));
    }

    void siftDown(std::size_t slot) SKEIN_REQUIRES(mutex_)
    {
        Entry e = std::move(heap_[slot]);
        const std::size_t n = heap_.size();
        for (;;) {
            std::size_t child = 2 * slot + 1;
            if (child >= n)
                break;
            if (child + 1 < n && before(heap_[child + 1], heap_[child]))
                ++child;
            if (!before(heap_[child], e))
                break;
            place(slot, std::move(heap_[child]));
            slot = child;
        }
        place(slot, std::move(e));
    }

    void removeAt(std::size_t slot) SKEIN_REQUIRES(mutex_)
    {
        heap_[slot].state->timerSlot = noSlot;
        const std::size_t last = heap_.size() - 1;
        if (slot != last) {
            place(slot, std::move(heap_[last]));
            heap_.pop_back();
            if (slot > 0 && before(heap_[slot], heap_[(slot - 1) / 2]))
                siftUp(slot);
            else
                siftDown(slot);
        } else {
            heap_.pop_back();
        }
    }

    Mutex mutex_;
    std::condition_variable cv_;
    std::vector<Entry> heap_ SKEIN_GUARDED_BY(mutex_);
    std::uint64_t nextSeq_ SKEIN_GUARDED_BY(mutex_) = 0;
    bool shutDown_ SKEIN_GUARDED_BY(mutex_) = false;
    bool stopping_ SKEIN_GUARDED_BY(mutex_) = false;
    // Started under mutex_; joined by stopThread() once stopping_ is set,
    // when nothing can start it any more.
    std::thread thread_;
};

// Never destroyed: Tills may be made and dropped during static destruction.
Timer& timer()
{
    static Timer* const instance = new Timer;
    return *instance;
}

}  // namespace

bool scheduleTill(const std::shared_ptr<SignalState>& state, Clock::time_point deadline)
{
    return timer().schedule(state, deadline);
}

void forgetTill(SignalState* state) noexcept { timer().forget(state); }
void holdTill(SignalState* state) { timer().hold(state); }
std::shared_ptr<SignalState> releaseTill(SignalState* state) { return timer().release(state); }

std::size_t pendingTimers() { return timer().pending(); }
std::size_t timerThreadCount() { return timer().threads(); }
void shutdownTimers() { timer().shutDown(); }

}  // namespace skein::detail
