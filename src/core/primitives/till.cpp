// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/till.h"

#include <cmath>
#include <limits>

#include "primitives/signal_p.h"
#include "skein/error.h"
#include "primitives/timer_p.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<detail::SignalState> tillState(Clock::time_point deadline)
{
    if (deadline <= Clock::now())
        return detail::doneState();
    auto state = std::make_shared<detail::SignalState>();
    state->timed = true;
    if (!detail::scheduleTill(state, deadline))
        return detail::doneState();  // shut down: every Till has gone
    return state;
}

Clock::time_point fromSystem(std::chrono::system_clock::time_point deadline)
{
    const auto now = std::chrono::system_clock::now();
    if (deadline <= now)
        return Clock::time_point::min();
    return detail::deadlineAfter(deadline - now);
}

}  // namespace

Till::Till(Clock::time_point deadline) : Signal(tillState(deadline)), deadline_(deadline) {}

Till::Till(std::chrono::system_clock::time_point deadline) : Till(fromSystem(deadline)) {}

Till Till::seconds(double seconds)
{
    if (std::isnan(seconds))
        throw InvalidArgument("Till::seconds: NaN is not a timeout");
    if (seconds == std::numeric_limits<double>::infinity())
        return Till(Clock::time_point::max());
    return Till(std::chrono::duration<double>(seconds));
}

}  // namespace skein
