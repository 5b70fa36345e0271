// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "tree/tree_events_p.h"

#include <utility>
#include <vector>

#include "skein/detail/mutex.h"

namespace skein::detail {

std::atomic<bool> treeObserved{false};

namespace {

struct Observers {
    Mutex mutex;
    std::uint64_t lastId SKEIN_GUARDED_BY(mutex) = 0;
    std::vector<std::pair<std::uint64_t, std::function<void()>>> list SKEIN_GUARDED_BY(mutex);
};

// Never destroyed: threads may end, and tell, during static destruction.
Observers& observers()
{
    static Observers* const instance = new Observers;
    return *instance;
}

}  // namespace

std::uint64_t addTreeObserver(std::function<void()> changed)
{
    Observers& o = observers();
    MutexLock lock(o.mutex);
    o.list.emplace_back(++o.lastId, std::move(changed));
    treeObserved.store(true, std::memory_order_relaxed);
    return o.lastId;
}

void removeTreeObserver(std::uint64_t id) noexcept
{
    Observers& o = observers();
    MutexLock lock(o.mutex);
    auto& l = o.list;
    for (auto it = l.begin(); it != l.end(); ++it) {
        if (it->first == id) {
            l.erase(it);
            break;
        }
    }
    treeObserved.store(!l.empty(), std::memory_order_relaxed);
}

void callTreeObservers() noexcept
{
    // Under the lock: removeTreeObserver() returns only once no call runs,
    // so an observer may go away right after it.
    Observers& o = observers();
    MutexLock lock(o.mutex);
    for (const auto& [id, changed] : o.list)
        changed();
}

}  // namespace skein::detail
