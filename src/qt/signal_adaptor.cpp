// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/signal_adaptor.h"

#include <cmath>
#include <exception>
#include <optional>

#include "skein/qt/connect.h"
#include "skein/till.h"

#include "logging_p.h"

namespace skein {

struct SignalAdaptor::Private {
    Signal signal;
    Connection connection;
    bool fired = false;
};

SignalAdaptor::SignalAdaptor(QObject* parent) : SignalAdaptor(Signal(), parent) {}

SignalAdaptor::SignalAdaptor(Signal signal, QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    detail::useQtLogging();
    setSignal(std::move(signal));
}

SignalAdaptor::~SignalAdaptor() { d->connection.disconnect(); }

bool SignalAdaptor::isFired() const { return d->fired; }

QString SignalAdaptor::name() const { return QString::fromStdString(d->signal.name()); }

Signal SignalAdaptor::signal() const { return d->signal; }

void SignalAdaptor::setSignal(Signal signal)
{
    d->connection.disconnect();
    const bool wasFired = std::exchange(d->fired, false);
    d->signal = std::move(signal);
    d->connection = skein::connect(d->signal, this, [this] {
        d->fired = true;
        Q_EMIT firedChanged();
        Q_EMIT fired();
    });
    if (wasFired)
        Q_EMIT firedChanged();
    Q_EMIT signalChanged();
}

void SignalAdaptor::go()
{
    if (d->signal.isNever()) {
        SKEIN_WARN(detail::logCategory, this, name())
            << "go() on an adaptor of Signal::never(), which cannot go; ignored";
        return;
    }
    try {
        d->signal.go();
    } catch (...) {
        SKEIN_WARN(detail::logCategory, this, name()) << "go() failed: " << detail::currentFailure();
    }
}

TillAdaptor::TillAdaptor(QObject* parent) : SignalAdaptor(Signal::never(), parent) {}

TillAdaptor::TillAdaptor(double seconds, QObject* parent) : TillAdaptor(parent) { setSeconds(seconds); }

void TillAdaptor::setSeconds(double seconds)
{
    if (std::isnan(seconds)) {
        SKEIN_WARN(detail::timerCategory, this, name()) << "seconds set to NaN, which is no timeout; ignored";
        return;
    }
    if (seconds == seconds_ && !signal().isNever())
        return;
    if (isFired()) {
        seconds_ = seconds;
    } else {
        std::optional<Signal> till;
        try {
            till.emplace(Till::seconds(seconds));
        } catch (...) {
            SKEIN_WARN(detail::timerCategory, this, name())
                << "seconds set to " << seconds << ", but no Till could be made: " << detail::currentFailure();
            return;
        }
        seconds_ = seconds;
        setSignal(std::move(*till));
    }
    Q_EMIT secondsChanged();
}

}  // namespace skein
