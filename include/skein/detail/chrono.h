// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: deadline arithmetic that neither overflows nor rounds early.
#pragma once

#include <chrono>
#include <cmath>
#include <type_traits>

#include "skein/error.h"

namespace skein::detail {

// The steady-clock deadline `timeout` from now. A zero or negative timeout is
// a deadline in the past; a timeout too large to represent saturates to
// time_point::max(), which never comes. Rounds up, so a deadline is never
// earlier than asked. NaN throws InvalidArgument.
template <class Rep, class Period>
std::chrono::steady_clock::time_point deadlineAfter(std::chrono::duration<Rep, Period> timeout)
{
    using namespace std::chrono;
    if constexpr (std::is_floating_point_v<Rep>) {
        if (std::isnan(timeout.count()))
            throw InvalidArgument("skein: a timeout of NaN seconds has no deadline");
    }
    if (timeout <= duration<Rep, Period>::zero())
        return steady_clock::time_point::min();
    const auto now = steady_clock::now();
    const auto room = steady_clock::time_point::max() - now;
    if (duration<double>(timeout) >= duration<double>(room))
        return steady_clock::time_point::max();
    return now + ceil<steady_clock::duration>(timeout);
}

}  // namespace skein::detail
