// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — from Skein Signals to Qt's event loop, and back.
///
/// connect(signal, context, functor) calls functor in the thread of `context`
/// (through its event loop, queued) once `signal` goes; at once (still queued)
/// if it has gone already. Nothing is called if `context` is destroyed first,
/// or after Connection::disconnect(); going concurrently with the destruction
/// of `context` is safe. The context's thread needs a running event loop.
///
/// signalFrom(sender, &Sender::signal) is a Signal that goes on the first
/// emission of a Qt signal: a Cancel button's clicked() becomes a worker's
/// `till`. It goes in the emitting thread, during the emission.
///
/// A null context or sender is a UsageError.
#pragma once

#include <QtCore/QObject>

#include <functional>
#include <memory>
#include <utility>

#include "skein/qt/skein_qt_export.h"
#include "skein/signal.h"

namespace skein {

namespace detail {
struct QtConnectionState;
}

/// What connect() returns: disconnect() stops the call. A
/// default-constructed Connection is connected to nothing.
class SKEIN_QT_EXPORT Connection {
public:
    Connection() = default;
    /// Calls nothing more; safe from any thread, any number of times.
    void disconnect();
    /// False after disconnect(), after the call was made, or when the context
    /// was destroyed.
    bool isConnected() const;

private:
    friend Connection connect(const Signal&, const QObject*, std::function<void()>);
    explicit Connection(std::shared_ptr<detail::QtConnectionState> state) : state_(std::move(state)) {}
    std::shared_ptr<detail::QtConnectionState> state_;
};

/// Calls `functor` in `context`'s thread, queued, once `signal` goes (see
/// connect.h); never after `context` is destroyed or disconnect().
SKEIN_QT_EXPORT Connection connect(const Signal& signal, const QObject* context, std::function<void()> functor);

namespace detail {
[[noreturn]] SKEIN_QT_EXPORT void throwNoSender(const char* className);
}

/// A Signal that goes, in the emitting thread, on the first emission of
/// `sender`'s Qt signal `qtSignal` (a pointer to member signal).
template <class Sender, class Func>
Signal signalFrom(const Sender* sender, Func qtSignal)
{
    if (!sender)
        detail::throwNoSender(Sender::staticMetaObject.className());
    Signal signal(std::string("Qt signal of ") + (!sender->objectName().isEmpty()
                                                      ? sender->objectName().toStdString()
                                                      : std::string(Sender::staticMetaObject.className())));
    QObject::connect(
        sender, qtSignal, sender, [signal] { signal.go(); }, Qt::DirectConnection);
    return signal;
}

}  // namespace skein
