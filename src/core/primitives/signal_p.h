// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the state shared by the handles of one Signal.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "skein/detail/mutex.h"
#include "skein/signal.h"

namespace skein::detail {

struct SignalState;

// What a composite's registrations on its inputs hold it by. Weakly while
// only handles can observe the composite (a dropped, unused `a | b` dies at
// once and unregisters); strongly while it has then() callbacks, whose
// running is observable without a handle, so `(a | b).then(f)` runs f. The
// composite refers to its inputs only weakly: whatever can still make it go
// (a handle, the timer holding a Till, a thread) keeps the input alive, and
// through these registrations the composite; nothing forms a cycle.
struct CompositeLink {
    std::weak_ptr<SignalState> composite;
    // Guarded by the composite's mutex, which the analysis cannot name from
    // here: holdWhilePending() and releaseHold() require it.
    std::shared_ptr<SignalState> held;
};

struct SignalState {
    enum class Kind : std::uint8_t { Plain, Never };

    explicit SignalState(std::string name = {}, Kind kind = Kind::Plain);
    ~SignalState();
    SignalState(const SignalState&) = delete;
    SignalState& operator=(const SignalState&) = delete;

    // Goes; see Signal::go(). Safe to call on a state that has gone.
    void go();
    // Registers fn and returns its id; returns 0 and leaves fn alone when the
    // state has gone (the caller runs it).
    std::uint64_t addCallback(std::function<void()>& fn);
    // True when the callback had not started; it will never run.
    bool removeCallback(std::uint64_t id);
    // Makes this composite depend on `input`: fn runs when the input goes.
    void attach(const Signal& input, std::function<void()> fn);
    // A new composite, with the link its registrations hold it by.
    static std::pair<std::shared_ptr<SignalState>, std::shared_ptr<CompositeLink>> makeComposite();
    // With mutex held, when callbacks start or stop pending: whoever must
    // keep this state alive meanwhile (the timer for a Till, the inputs'
    // registrations for a composite) takes or drops its hold. The release
    // returns the reference, to be dropped once the mutex is released.
    void holdWhilePending() SKEIN_REQUIRES(mutex);
    std::shared_ptr<SignalState> releaseHold() SKEIN_REQUIRES(mutex);
    // The name; an unnamed state is numbered on first use. Takes no lock.
    std::string displayName() const;

    struct Callback {
        std::uint64_t id;
        std::function<void()> fn;
    };
    // A composite's registration on one of its inputs.
    struct Input {
        std::weak_ptr<SignalState> state;
        std::uint64_t id;
    };

    std::atomic<bool> gone{false};
    std::atomic<int> pendingInputs{0};  // for a & b: inputs yet to go
    const Kind kind;
    // Set before the state is shared, when a Till registers with the timer.
    bool timed = false;
    // Used by the timer only, under the timer's mutex, which the analysis
    // cannot name from here; the timer's functions that touch it require it.
    std::size_t timerSlot = std::numeric_limits<std::size_t>::max();

    Mutex mutex;
    std::condition_variable cv;
    std::vector<Callback> callbacks SKEIN_GUARDED_BY(mutex);  // [0, nextCallback) have run
    std::size_t nextCallback SKEIN_GUARDED_BY(mutex) = 0;
    std::uint64_t nextId SKEIN_GUARDED_BY(mutex) = 1;
    std::vector<Input> inputs SKEIN_GUARDED_BY(mutex);  // emptied when it goes
    std::weak_ptr<CompositeLink> link;             // set before a composite is shared
    const std::string name;                        // empty: numbered when first asked
    mutable std::atomic<std::uint64_t> nameId{0};  // that number
};

// For BlockedScope: "Signal '<name>'" of a SignalState.
std::string describeSignal(const void* state);

// The shared state of Signal::done().
const std::shared_ptr<SignalState>& doneState();

struct SignalAccess {
    static const std::shared_ptr<SignalState>& state(const Signal& s) { return s.state_; }
    static Signal wrap(std::shared_ptr<SignalState> state) { return Signal(std::move(state)); }
};

}  // namespace skein::detail

namespace skein::detail {

// Waits for `signal` until `deadline` without the timer thread (which may
// have shut down): for the shutdown path. Returns bool(signal).
bool waitWithoutTimer(const Signal& signal, std::chrono::steady_clock::time_point deadline);

}  // namespace skein::detail
