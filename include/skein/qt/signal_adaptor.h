// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — SignalAdaptor and TillAdaptor: a Skein Signal as a QObject.
//
// The adaptor emits fired() (and firedChanged()) once, in its own thread,
// through the event loop, when its Signal goes; if the Signal has gone
// already, still once, asynchronously. `fired` reads the adaptor's view, so
// it agrees with the notifications a binding has seen.
#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

#include "skein/qt/skein_qt_export.h"
#include "skein/signal.h"

namespace skein {

class SKEIN_QT_EXPORT SignalAdaptor : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool fired READ isFired NOTIFY firedChanged FINAL)
    Q_PROPERTY(QString name READ name NOTIFY signalChanged FINAL)

public:
    // Adapts a new, pending Signal.
    explicit SignalAdaptor(QObject* parent = nullptr);
    explicit SignalAdaptor(Signal signal, QObject* parent = nullptr);
    ~SignalAdaptor() override;

    bool isFired() const;
    QString name() const;
    Signal signal() const;
    // Adapts another Signal; fired() follows the new one.
    void setSignal(Signal signal);

    // Makes the Signal go (UsageError for Signal::never()).
    Q_INVOKABLE void go();

Q_SIGNALS:
    void fired();
    void firedChanged();
    void signalChanged();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

class SKEIN_QT_EXPORT TillAdaptor : public SignalAdaptor {
    Q_OBJECT
    Q_PROPERTY(double seconds READ seconds WRITE setSeconds NOTIFY secondsChanged FINAL)

public:
    // No deadline until `seconds` is set.
    explicit TillAdaptor(QObject* parent = nullptr);
    TillAdaptor(double seconds, QObject* parent);

    double seconds() const { return seconds_; }
    // Starts a new Till of `seconds` from now (unless it fired already).
    void setSeconds(double seconds);

Q_SIGNALS:
    void secondsChanged();

private:
    double seconds_ = 0;
};

}  // namespace skein
