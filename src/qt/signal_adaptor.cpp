// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/signal_adaptor.h"

#include "skein/error.h"
#include "skein/qt/connect.h"
#include "skein/till.h"

namespace skein {

struct SignalAdaptor::Private {
    Signal signal;
    Connection connection;
    bool fired = false;
};

SignalAdaptor::SignalAdaptor(QObject* parent) : SignalAdaptor(Signal(), parent) {}

SignalAdaptor::SignalAdaptor(Signal signal, QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
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
        const QString who = objectName().isEmpty() ? QString() : QStringLiteral(" '%1'").arg(objectName());
        throw UsageError(std::string(metaObject()->className()) + who.toStdString() +
                         ": go() on an adaptor of Signal::never(), which cannot go");
    }
    d->signal.go();
}

TillAdaptor::TillAdaptor(QObject* parent) : SignalAdaptor(Signal::never(), parent) {}

TillAdaptor::TillAdaptor(double seconds, QObject* parent) : TillAdaptor(parent) { setSeconds(seconds); }

void TillAdaptor::setSeconds(double seconds)
{
    if (seconds == seconds_ && !signal().isNever())
        return;
    seconds_ = seconds;
    if (!isFired())
        setSignal(Till::seconds(seconds));
    Q_EMIT secondsChanged();
}

}  // namespace skein
