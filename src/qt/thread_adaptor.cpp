// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/thread_adaptor.h"

#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include "skein/error.h"
#include "skein/log.h"
#include "skein/qt/connect.h"
#include "skein/qt/future.h"
#include "skein/till.h"

#include "logging_p.h"

namespace skein {

namespace {

// The least time between two progress notifications: about one frame at
// 60 Hz, as often as a view can show a change.
constexpr std::chrono::milliseconds progressInterval{16};

}  // namespace

struct ThreadAdaptor::Private {
    QString name;
    Function fn;
    std::optional<ThreadHandle<QVariant>> own;  // a thread this adaptor made
    Thread thread;                              // the thread, own or wrapped
    bool wired = false;
    bool reported = false;  // stopped() and finished() or failed() were emitted
    bool running = false;
    bool stopRequested = false;
    double progress = 0;
    QString progressText;
    QVariant result;
    QString error;
    Connection onStarted;
    Connection onStopRequest;
    Connection onStopped;
    Connection onProgress;                             // the next progress change, or the end of the pause after one
    const QObject* watchedParent = nullptr;            // the parent whose destroyed() stops this thread
    std::optional<QFutureInterface<QVariant>> future;  // made by future(), fed from wire()
    bool futureFed = false;
};

ThreadAdaptor::ThreadAdaptor(QString name, Function fn, QObject* parent) : ThreadAdaptor(std::move(name), parent)
{
    d->fn = std::move(fn);
}

ThreadAdaptor::ThreadAdaptor(QString name, QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    detail::useQtLogging();
    if (name.isEmpty())
        throw InvalidArgument("skein: a ThreadAdaptor needs a name, and the name given is empty");
    d->name = std::move(name);
    setObjectName(d->name);
    watchParent();
}

ThreadAdaptor::ThreadAdaptor(Thread thread, QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    detail::useQtLogging();
    d->name = QString::fromStdString(thread.name());
    d->thread = std::move(thread);
    setObjectName(d->name);
    watchParent();
    if (d->thread.isStarted())
        wire();
}

void ThreadAdaptor::watchParent()
{
    // destroyed() comes before ~QObject deletes the children, one by one.
    // Watched when made and when started (no event() override: it would
    // read events posted from workers, out of ThreadSanitizer's sight); an
    // adaptor that was moved to another parent since ignores the old one.
    QObject* const p = parent();
    if (!p || p == d->watchedParent)
        return;
    d->watchedParent = p;
    QObject::connect(p, &QObject::destroyed, this, [this, p] {
        if (parent() == p)
            requestStop();
    });
}

ThreadAdaptor::~ThreadAdaptor()
{
    // Destroyed before its stop was reported: a failure would go unseen.
    if (const std::exception_ptr failure = stopAndJoin(); failure && !d->reported)
        SKEIN_LOG(Thread, Error,
                  "ThreadAdaptor '" + d->name.toStdString() + "' was destroyed before it reported that its thread '" +
                      d->thread.path() + "' failed: " + errorMessage(failure));
    unwire();
    if (d->future && !d->futureFed) {  // never started: its future will not be fed
        d->future->reportCanceled();
        d->future->reportFinished();
    }
}

QFuture<QVariant> ThreadAdaptor::future() const
{
    if (!d->future) {
        d->future.emplace();
        feedFuture();
    }
    return d->future->future();
}

void ThreadAdaptor::feedFuture() const
{
    if (!d->future || d->futureFed || d->thread == Thread() || !d->thread.isStarted())
        return;  // fed once the thread has started
    d->futureFed = true;
    if (d->own) {
        detail::feedFuture(*d->own, *d->future);
        return;
    }
    // A wrapped thread has no typed result.
    detail::feedFuture(d->thread, *d->future, std::make_shared<QFutureInterface<QVariant>>(*d->future),
                       [promise = *d->future](bool succeeded) mutable {
                           if (succeeded)
                               promise.reportResult(QVariant());
                           promise.reportFinished();
                       });
}

void ThreadAdaptor::unwire()
{
    d->wired = false;
    d->onStarted.disconnect();
    d->onStopRequest.disconnect();
    d->onStopped.disconnect();
    d->onProgress.disconnect();
}

QString ThreadAdaptor::name() const { return d->name; }
bool ThreadAdaptor::isRunning() const { return d->running; }
bool ThreadAdaptor::isStopRequested() const { return d->stopRequested; }
double ThreadAdaptor::progress() const { return d->progress; }
QString ThreadAdaptor::progressText() const { return d->progressText; }
QVariant ThreadAdaptor::result() const { return d->result; }
QString ThreadAdaptor::error() const { return d->error; }
Thread ThreadAdaptor::thread() const { return d->thread; }

QVariant ThreadAdaptor::work(const Signal& pleaseStop)
{
    if (!d->fn)
        throw UsageError("ThreadAdaptor '" + d->name.toStdString() +
                         "': no function given, and work() is not overridden");
    return d->fn(pleaseStop);
}

namespace {

// The thread of the nearest ThreadAdaptor above `object` in the QObject
// tree, if it runs: the parent for a nested adaptor's thread.
std::optional<Thread> enclosingThread(const QObject* object)
{
    for (const QObject* p = object->parent(); p; p = p->parent()) {
        if (const auto* adaptor = qobject_cast<const ThreadAdaptor*>(p)) {
            const Thread t = adaptor->thread();
            try {
                if (t.isRunning())
                    return t;
            } catch (const UsageError&) {
                // not started yet: no thread to nest under
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

void ThreadAdaptor::start()
{
    if (d->wired) {
        SKEIN_WARN(detail::threadCategory, this, d->name) << "start() on a thread that has started; ignored";
        return;
    }
    watchParent();
    const bool made = d->thread == Thread();
    try {
        if (made) {
            const auto body = [this](const Signal& pleaseStop) { return work(pleaseStop); };
            const std::string name = d->name.toStdString();
            if (const auto parent = enclosingThread(this))
                d->own.emplace(*parent, name, body);
            else
                d->own.emplace(name, body);
            d->thread = *d->own;
        }
        wire();
        if (!d->thread.isStarted())
            d->thread.start();
        feedFuture();
    } catch (...) {
        // As if start() had not been called: nothing is reported, and a
        // later start() tries again.
        unwire();
        if (made) {
            d->own.reset();
            d->thread = Thread();
        }
        SKEIN_WARN(detail::threadCategory, this, d->name) << "start() failed: " << detail::currentFailure();
    }
}

void ThreadAdaptor::requestStop()
{
    if (d->thread == Thread())
        return;
    try {
        d->thread.stop();
    } catch (...) {
        SKEIN_WARN(detail::threadCategory, this, d->name) << "requestStop() failed: " << detail::currentFailure();
    }
}

void ThreadAdaptor::stopAndWait()
{
    // A failure is reported by failed(), in the adaptor's thread.
    (void)stopAndJoin();
}

std::exception_ptr ThreadAdaptor::stopAndJoin()
{
    if (!d->wired)
        return nullptr;
    d->thread.stop();
    try {
        d->thread.join();
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

void ThreadAdaptor::wire()
{
    d->wired = true;
    // Queued first, so that started() comes before whatever a thread that
    // has started (or even ended) already did.
    d->onStarted = skein::connect(Signal::done(), this, [this] {
        // Set with its notification, so a binding never sees one without the other.
        d->running = true;
        Q_EMIT started();
        Q_EMIT runningChanged();
    });
    const Thread t = d->thread;
    d->onStopRequest = skein::connect(t.pleaseStop(), this, [this] { reportStopRequest(); });
    d->onStopped = skein::connect(t.stopped(), this, [this] { finish(); });
    watchProgress();
}

void ThreadAdaptor::watchProgress()
{
    // Ask for the next change first, then read: a value set in between
    // brings one more notification, so the last value always arrives.
    d->onProgress = skein::connect(d->thread.progressChanged(), this, [this] { progressNotified(); });
    readProgress();
}

void ThreadAdaptor::progressNotified()
{
    readProgress();
    // Values set during the pause are plain stores on the worker; the read
    // that ends it (or finish()) picks up the latest.
    d->onProgress = skein::connect(Till(progressInterval), this, [this] { watchProgress(); });
}

void ThreadAdaptor::readProgress()
{
    const double progress = d->thread.progress();
    const QString text = QString::fromStdString(d->thread.progressText());
    if (progress == d->progress && text == d->progressText)
        return;
    d->progress = progress;
    d->progressText = text;
    Q_EMIT progressChanged();
}

void ThreadAdaptor::reportStopRequest()
{
    if (d->stopRequested)
        return;
    d->stopRequested = true;
    Q_EMIT stopRequestedChanged();
    Q_EMIT stopRequested();
}

void ThreadAdaptor::finish()
{
    // pleaseStop wakes the worker before it runs its callbacks, so the
    // thread may end, and this be queued, before the stop request's own
    // notification: report it first.
    d->onStopRequest.disconnect();
    if (d->thread.pleaseStop())
        reportStopRequest();
    d->onProgress.disconnect();
    readProgress();
    try {
        if (d->own)
            d->result = d->own->join();
        else
            d->thread.join();
    } catch (...) {
        d->error = detail::currentFailure();
    }
    d->reported = true;
    d->running = false;
    Q_EMIT runningChanged();
    Q_EMIT stopped();
    if (d->error.isEmpty()) {
        Q_EMIT resultChanged();
        Q_EMIT finished(d->result);
    } else {
        Q_EMIT errorChanged();
        Q_EMIT failed(d->error);
    }
}

}  // namespace skein
