// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: being told that the thread tree changed.
//
// For ThreadTreeModel (Skein::Qt), which follows the tree without polling.
// A change is a thread that joined the tree (started, registered, or a
// placeholder made by Thread::current()), left it, was asked to stop, or
// stopped. Progress is not a tree change: Thread::progressChanged() tells it.
#pragma once

#include <cstdint>
#include <functional>

#include "skein/skein_export.h"

namespace skein::detail {

// Calls `changed` after every change of the tree from now on, on the thread
// that made it, until removeTreeObserver(the id returned). `changed` must be
// quick, must not throw, must not block and must not call these functions:
// it runs under the observers' lock, and possibly under no other. Several
// changes may bring one call each; a call may come with nothing changed.
SKEIN_EXPORT std::uint64_t addTreeObserver(std::function<void()> changed);
// Once this returns, the observer is not called any more, and no call of it
// still runs. An id unknown (or removed already) is ignored.
SKEIN_EXPORT void removeTreeObserver(std::uint64_t id) noexcept;

}  // namespace skein::detail
