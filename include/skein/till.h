// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Till: a Signal that goes at a deadline.
///
/// A Till goes when the steady clock reaches its deadline, or earlier, when the
/// program shuts down (then every pending Till goes at once, so nothing waits
/// on a timeout past shutdown). A deadline in the past, a zero or a negative
/// timeout make a Till that has already gone. A deadline too far to represent
/// (or Till::seconds(+inf)) never comes: such a Till goes only at shutdown.
///
/// One timer thread serves every Till in the process; there is no polling
/// interval: a Till goes as soon as the clock reaches its deadline, never
/// before. Its `then` callbacks run on the timer thread, so they should be
/// short; a callback must not wait on another Till (the timer thread would be
/// waiting for itself). A Till that no handle, composite, waiter or then()
/// callback refers to any more is forgotten by the timer at once and costs
/// nothing; one with callbacks is kept until it goes, so `Till(1s).then(f)`
/// runs f.
///
/// Memory ordering is that of Signal.
#pragma once

#include <chrono>

#include "skein/signal.h"
#include "skein/skein_export.h"

namespace skein {

/// A Signal that goes at a deadline on the steady clock, or at shutdown.
/// The contract is in till.h.
class SKEIN_EXPORT Till : public Signal {
public:
    /// Goes `timeout` from now; zero or negative: already gone; NaN throws
    /// InvalidArgument.
    template <class Rep, class Period>
    explicit Till(std::chrono::duration<Rep, Period> timeout) : Till(detail::deadlineAfter(timeout))
    {}

    /// Goes at `deadline`; in the past: already gone.
    explicit Till(std::chrono::steady_clock::time_point deadline);
    /// A wall-clock deadline, converted once to the steady clock: a later
    /// change of the system clock does not move it.
    explicit Till(std::chrono::system_clock::time_point deadline);

    /// Goes `seconds` from now. NaN throws InvalidArgument; +inf never
    /// goes (until shutdown); zero or negative: already gone.
    static Till seconds(double seconds);

    /// When it goes (or went), on the steady clock; time_point::max() for a
    /// deadline that never comes.
    std::chrono::steady_clock::time_point deadline() const noexcept { return deadline_; }

private:
    std::chrono::steady_clock::time_point deadline_;
};

}  // namespace skein
