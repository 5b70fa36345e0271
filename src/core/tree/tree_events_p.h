// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: telling tree observers (skein/detail/tree_events.h).
#pragma once

#include <atomic>

#include "skein/detail/tree_events.h"

namespace skein::detail {

extern std::atomic<bool> treeObserved;  // an observer is registered
void callTreeObservers() noexcept;

// Called after the tree changed, outside the changed threads' locks. Costs
// one relaxed load while nobody observes: a registration that this misses
// reads the tree after the change (the tree's mutexes order the two).
inline void treeChanged() noexcept
{
    if (treeObserved.load(std::memory_order_relaxed))
        callTreeObservers();
}

}  // namespace skein::detail
