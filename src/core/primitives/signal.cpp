// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/signal.h"

#include <algorithm>
#include <exception>

#include "primitives/signal_p.h"
#include "skein/detail/introspection.h"
#include "skein/detail/names.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/log.h"
#include "skein/till.h"
#include "primitives/timer_p.h"

namespace skein {
namespace detail {

namespace {

std::atomic<std::size_t> liveStates{0};

// Runs one callback; a throwing callback is logged, never propagated.
void invoke(const std::function<void()>& fn, SignalState& state)
{
    try {
        fn();
    } catch (...) {
        SKEIN_LOG(Log, Warning,
                  "Signal '" + state.displayName() +
                      "': a then() callback threw: " + errorMessage(std::current_exception()));
    }
}

}  // namespace

std::string describeSignal(const void* state)
{
    return "Signal '" + static_cast<const SignalState*>(state)->displayName() + "'";
}

std::string SignalState::displayName() const
{
    if (!name.empty())
        return name;
    // Numbered when first asked, without a lock: every caller agrees on the
    // number that wins the exchange.
    std::uint64_t id = nameId.load(std::memory_order_acquire);
    if (id == 0) {
        std::uint64_t expected = 0;
        const std::uint64_t fresh = nextNameNumber();
        id = nameId.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel) ? fresh : expected;
    }
    return std::string(timed ? "till-" : "signal-") + std::to_string(id);
}

std::uint64_t nextNameNumber()
{
    static std::atomic<std::uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::string generatedName(const char* kind) { return std::string(kind) + '-' + std::to_string(nextNameNumber()); }

SignalState::SignalState(std::string name, Kind kind) : kind(kind), name(std::move(name))
{
    liveStates.fetch_add(1, std::memory_order_relaxed);
}

SignalState::~SignalState()
{
    if (timed)
        forgetTill(this);
    // Inputs remain only when this composite never went: unregister from them.
    for (const Input& input : inputs)
        if (const auto in = input.state.lock())
            in->removeCallback(input.id);
    liveStates.fetch_sub(1, std::memory_order_relaxed);
}

std::uint64_t SignalState::addCallback(std::function<void()>& fn)
{
    MutexLock lock(mutex);
    if (gone.load(std::memory_order_relaxed))
        return 0;
    const std::uint64_t id = nextId++;
    callbacks.push_back(Callback{id, std::move(fn)});
    if (callbacks.size() - nextCallback == 1)
        holdWhilePending();
    return id;
}

void SignalState::holdWhilePending()
{
    if (timed) {
        holdTill(this);
    } else if (const auto l = link.lock()) {
        l->held = l->composite.lock();
    }
}

std::shared_ptr<SignalState> SignalState::releaseHold()
{
    if (timed)
        return releaseTill(this);
    if (const auto l = link.lock())
        return std::move(l->held);
    return nullptr;
}

bool SignalState::removeCallback(std::uint64_t id)
{
    // Destroyed after the mutex is released, in this order.
    std::shared_ptr<SignalState> held;
    std::function<void()> removed;
    MutexLock lock(mutex);
    const auto first = callbacks.begin() + static_cast<std::ptrdiff_t>(nextCallback);
    const auto it = std::find_if(first, callbacks.end(), [id](const Callback& c) { return c.id == id; });
    if (it == callbacks.end())
        return false;
    removed = std::move(it->fn);
    callbacks.erase(it);
    if (callbacks.size() == nextCallback)
        held = releaseHold();
    return true;
}

void SignalState::go()
{
    MutexLock lock(mutex);
    if (gone.load(std::memory_order_relaxed))
        return;
    gone.store(true, std::memory_order_release);
    std::vector<Input> detached = std::move(inputs);
    inputs.clear();
    const bool hasCallbacks = !callbacks.empty();
    lock.unlock();
    cv.notify_all();

    for (const Input& input : detached)
        if (const auto in = input.state.lock())
            in->removeCallback(input.id);
    detached.clear();

    // One callback at a time, taken under the mutex, so that a callback can
    // still remove the ones after it. Whoever called go() holds a reference,
    // so dropping the hold at the end cannot destroy this state under us.
    std::shared_ptr<SignalState> held;
    while (hasCallbacks) {
        lock.lock();
        if (nextCallback == callbacks.size()) {
            callbacks.clear();
            callbacks.shrink_to_fit();
            nextCallback = 0;
            held = releaseHold();
            lock.unlock();
            break;
        }
        const std::function<void()> fn = std::move(callbacks[nextCallback++].fn);
        lock.unlock();
        invoke(fn, *this);
        // fn is destroyed here, outside the mutex
    }
}

void SignalState::attach(const Signal& input, std::function<void()> fn)
{
    const std::shared_ptr<SignalState>& in = SignalAccess::state(input);
    if (in->kind == Kind::Never)
        return;
    const std::uint64_t id = in->addCallback(fn);
    if (id == 0) {  // the input has gone: it decides now
        fn();
        return;
    }
    MutexLock lock(mutex);
    if (!gone.load(std::memory_order_relaxed)) {
        inputs.push_back(Input{in, id});
        return;
    }
    lock.unlock();
    in->removeCallback(id);
}

std::pair<std::shared_ptr<SignalState>, std::shared_ptr<CompositeLink>> SignalState::makeComposite()
{
    auto state = std::make_shared<SignalState>();
    auto link = std::make_shared<CompositeLink>();
    link->composite = state;
    state->link = link;
    return {std::move(state), std::move(link)};
}

const std::shared_ptr<SignalState>& doneState()
{
    static const auto* const state = [] {
        auto* s = new std::shared_ptr<SignalState>(std::make_shared<SignalState>("done"));
        (*s)->gone.store(true);
        return s;
    }();
    return *state;
}

std::size_t pendingCallbacks(const Signal& signal)
{
    SignalState& s = *SignalAccess::state(signal);
    MutexLock lock(s.mutex);
    return s.callbacks.size() - s.nextCallback;
}

std::size_t liveSignalStates() { return liveStates.load(std::memory_order_relaxed); }

}  // namespace detail

using detail::SignalState;

Signal::Signal() : state_(std::make_shared<SignalState>()) {}

Signal::Signal(std::string name) : state_(std::make_shared<SignalState>(std::move(name))) {}

void Signal::go() const
{
    if (state_->kind == SignalState::Kind::Never)
        throw UsageError("Signal::never() cannot go");
    // Its own reference: a waiter that this go() wakes may drop the last
    // handle, the one go() was called through, before go() has returned.
    const std::shared_ptr<SignalState> keep = state_;
    keep->go();
}

Signal::operator bool() const noexcept { return state_->gone.load(std::memory_order_acquire); }

bool Signal::isNever() const noexcept { return state_->kind == SignalState::Kind::Never; }

void Signal::wait() const
{
    SignalState& s = *state_;
    if (s.gone.load(std::memory_order_acquire))
        return;
    if (s.kind == SignalState::Kind::Never)
        throw UsageError("wait() on Signal::never() would block forever");
    if (detail::spinBriefly([&s] { return s.gone.load(std::memory_order_acquire); }))
        return;
    const detail::BlockedScope blocked(detail::describeSignal, &s);
    detail::MutexLock lock(s.mutex);
    s.cv.wait(lock.native(), [&s] { return s.gone.load(std::memory_order_relaxed); });
}

bool Signal::wait(const Signal& till) const
{
    SignalState& s = *state_;
    if (s.gone.load(std::memory_order_acquire))
        return true;
    if (till.isNever()) {
        wait();
        return true;
    }
    detail::MutexLock lock(s.mutex);
    return detail::waitUntil(
        lock.native(), s.cv, till, state_, [&s] { return s.gone.load(std::memory_order_relaxed); }, detail::describeSignal, &s);
}

bool Signal::waitUntil(std::chrono::steady_clock::time_point deadline) const { return wait(Till(deadline)); }

Subscription Signal::then(std::function<void()> fn) const
{
    if (state_->kind == SignalState::Kind::Never)
        return {};
    const std::uint64_t id = state_->addCallback(fn);
    if (id != 0)
        return Subscription(state_, id);
    detail::invoke(fn, *state_);
    return {};
}

bool Signal::removeThen(const Subscription& subscription) const
{
    const std::shared_ptr<SignalState> owner = subscription.state_.lock();
    if (owner != state_ || subscription.id_ == 0)
        return false;
    return state_->removeCallback(subscription.id_);
}

std::string Signal::name() const { return state_->displayName(); }

const Signal& Signal::done()
{
    static const Signal* const handle = new Signal(detail::doneState());
    return *handle;
}

const Signal& Signal::never()
{
    static const Signal* const handle = new Signal(std::make_shared<SignalState>("never", SignalState::Kind::Never));
    return *handle;
}

Signal operator|(const Signal& a, const Signal& b)
{
    if (a || b)
        return Signal::done();
    auto [any, link] = detail::SignalState::makeComposite();
    const auto goAny = [link = std::move(link)] {
        if (const auto s = link->composite.lock())
            s->go();
    };
    any->attach(a, goAny);
    any->attach(b, goAny);
    return Signal(std::move(any));
}

Signal operator&(const Signal& a, const Signal& b)
{
    if (a.isNever() || b.isNever())
        return Signal::never();
    // Read each input once: one that goes after this is counted, and attach()
    // counts it down at once.
    const bool waitA = !a;
    const bool waitB = !b;
    const int pending = int(waitA) + int(waitB);
    if (pending == 0)
        return Signal::done();
    auto [all, link] = detail::SignalState::makeComposite();
    all->pendingInputs.store(pending, std::memory_order_relaxed);
    const auto countDown = [link = std::move(link)] {
        const auto s = link->composite.lock();
        if (s && s->pendingInputs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            s->go();
    };
    if (waitA)
        all->attach(a, countDown);
    if (waitB)
        all->attach(b, countDown);
    return Signal(std::move(all));
}

}  // namespace skein

namespace skein::detail {

bool waitWithoutTimer(const Signal& signal, std::chrono::steady_clock::time_point deadline)
{
    SignalState& s = *SignalAccess::state(signal);
    MutexLock lock(s.mutex);
    return s.cv.wait_until(lock.native(), deadline, [&s] { return s.gone.load(std::memory_order_relaxed); });
}

}  // namespace skein::detail
