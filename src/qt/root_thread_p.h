// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the root of the thread tree ("main"), found through the
// public API from whichever thread asks.
#pragma once

#include "skein/thread.h"

namespace skein::detail {

inline Thread rootThread()
{
    Thread t = Thread::current();
    while (const auto p = t.parent())
        t = *p;
    return t;
}

}  // namespace skein::detail
