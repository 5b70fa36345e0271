// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — SignalAdaptor and TillAdaptor: a Skein Signal as a QObject.
///
/// The adaptor emits fired() (and firedChanged()) once, in its own thread,
/// through the event loop, when its Signal goes; if the Signal has gone
/// already, still once, asynchronously. `fired` reads the adaptor's view, so
/// it agrees with the notifications a binding has seen.
///
/// The Qt entry points (go(), the seconds property) never throw: misuse is a
/// qWarning naming the adaptor (its class, and its objectName or else its
/// Signal's name), in skein.log for SignalAdaptor and skein.timer for
/// TillAdaptor, and the call returns having changed nothing.
#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

#include "skein/qt/skein_qt_export.h"
#include "skein/signal.h"

namespace skein {

/// A Skein Signal as a QObject: fired() arrives once, in the adaptor's
/// thread, when the Signal goes. The contract is in signal_adaptor.h.
class SKEIN_QT_EXPORT SignalAdaptor : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool fired READ isFired NOTIFY firedChanged FINAL)
    Q_PROPERTY(QString name READ name NOTIFY signalChanged FINAL)

public:
    /// Adapts a new, pending Signal.
    explicit SignalAdaptor(QObject* parent = nullptr);
    /// Adapts `signal`; if it has gone already, fired() still comes, once,
    /// asynchronously.
    explicit SignalAdaptor(Signal signal, QObject* parent = nullptr);
    ~SignalAdaptor() override;

    /// The `fired` property: true once fired() has been emitted for the
    /// current Signal (not merely once the Signal went).
    bool isFired() const;
    /// The `name` property: the adapted Signal's name.
    QString name() const;
    /// The adapted Signal.
    Signal signal() const;
    /// Adapts another Signal; fired() follows the new one.
    void setSignal(Signal signal);

    /// Makes the Signal go. On an adaptor of Signal::never(), which cannot
    /// go: a warning, and nothing happens.
    Q_INVOKABLE void go();

Q_SIGNALS:
    /// The Signal went; emitted once per adapted Signal, in the adaptor's
    /// thread.
    void fired();
    /// `fired` changed: emitted right before fired(), and when setSignal()
    /// resets it.
    void firedChanged();
    /// setSignal() adapted another Signal (the `name` may have changed).
    void signalChanged();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// A SignalAdaptor for a timeout, usable from QML as `Till { seconds: 2 }`:
/// fired() comes `seconds` after it is set.
class SKEIN_QT_EXPORT TillAdaptor : public skein::SignalAdaptor {
    Q_OBJECT
    Q_PROPERTY(double seconds READ seconds WRITE setSeconds NOTIFY secondsChanged FINAL)

public:
    /// No deadline until `seconds` is set.
    explicit TillAdaptor(QObject* parent = nullptr);
    /// Fires `seconds` from now (see Till::seconds() for zero, negative and
    /// infinite values); NaN: as setSeconds(NaN), a warning, and no deadline.
    TillAdaptor(double seconds, QObject* parent);

    /// The `seconds` property: the last timeout set; 0 before one.
    double seconds() const { return seconds_; }
    /// Starts a new Till of `seconds` from now (unless it fired already);
    /// +inf: no deadline. NaN: a warning, and `seconds` keeps its value.
    void setSeconds(double seconds);

Q_SIGNALS:
    /// `seconds` was set.
    void secondsChanged();

private:
    double seconds_ = 0;
};

}  // namespace skein
