// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — errors.
///
/// Every exception Skein throws derives from skein::Error, itself a
/// std::runtime_error, so `catch (const std::exception&)` still sees them.
/// Messages name the object involved: the thread, lock or queue, by name.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

/// Skein: threads with a name, a parent and pleaseStop, for Qt 6
/// applications. The core needs only the C++17 standard library.
#include "skein/skein_export.h"

namespace skein {

/// Something went wrong that is not the caller's fault.
class SKEIN_EXPORT Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The caller broke a rule: re-locking a held Lock, unlocking a Lock held by
/// another thread, going a Signal::never(), joining yourself, starting twice.
/// Skein reports misuse with this exception instead of deadlocking or aborting.
class SKEIN_EXPORT UsageError : public Error {
public:
    using Error::Error;
};

/// An argument Skein cannot use: an empty name (of a thread, a group, a Qt
/// ThreadAdaptor), a NaN timeout. The message says which. Deliberately not
/// also a std::invalid_argument: a second std::exception base would make
/// `catch (const std::exception&)` ambiguous, so that it would miss it.
class SKEIN_EXPORT InvalidArgument : public Error {
public:
    using Error::Error;
};

/// Queue::add (or push, extend) on a Queue after close().
class SKEIN_EXPORT QueueClosed : public Error {
public:
    using Error::Error;
};

/// Barrier::wait() on a broken Barrier: one that abort() broke, whose
/// completion function threw, or one of whose waits gave up when its `till`
/// went. Also what reset() and the Barrier's destruction make its blocked
/// waits throw. The message names the Barrier and what broke it.
class SKEIN_EXPORT BrokenBarrier : public Error {
public:
    using Error::Error;
};

/// What a stored exception says, for a log or a UI reporting a failure:
/// what() of a std::exception, else "a non-standard exception".
SKEIN_EXPORT std::string errorMessage(const std::exception_ptr& failure);

}  // namespace skein
