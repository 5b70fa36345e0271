// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — RegisterThread: a thread Skein did not start joins the tree as a
// child of main, under a name, for as long as the object lives.
#include "skein/main_thread.h"

#include "platform/platform_p.h"
#include "skein/error.h"
#include "tree/thread_p.h"

namespace skein {

struct RegisterThread::Private {
    std::shared_ptr<detail::ThreadState> state;
    detail::ThreadState* previous = nullptr;
    std::string previousOsName;  // the foreign thread's own, given back at the end
};

RegisterThread::RegisterThread(std::string name) : d(std::make_unique<Private>())
{
    const detail::ThreadState* current = detail::knownCurrentState();
    if (current && current->kind != detail::ThreadState::Kind::Placeholder)
        throw UsageError("RegisterThread '" + name + "': thread '" + current->path + "' is already a Skein thread");
    const auto& main = detail::mainState();
    d->state = detail::makeRunningState(std::move(name), main, detail::ThreadState::Kind::Registered);
    detail::attachChild(*main, d->state);  // main takes children as long as the process runs
    d->previous = detail::swapCurrent(d->state.get());
    d->previousOsName = detail::platform::threadName();
    detail::platform::setThreadName(d->state->name);
}

RegisterThread::~RegisterThread()
{
    detail::finishThread(*d->state);  // it leaves main's children
    detail::swapCurrent(d->previous);
    if (!d->previousOsName.empty())
        detail::platform::setThreadName(d->previousOsName);
}

Thread RegisterThread::thread() const { return detail::ThreadAccess::wrap(d->state); }

}  // namespace skein
