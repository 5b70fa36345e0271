// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/connect.h"

#include <QtCore/QMetaObject>
#include <QtCore/QThread>

#include <atomic>
#include <functional>
#include <mutex>

#include "skein/error.h"
#include "skein/detail/mutex.h"

#if defined(__SANITIZE_THREAD__)
#define SKEIN_QT_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SKEIN_QT_THREAD_SANITIZER 1
#endif
#endif

namespace skein {

namespace {

// Qt orders a post and its delivery with its own QMutex and atomic reference
// counts, out of ThreadSanitizer's sight (Qt is not built with it). Under
// ThreadSanitizer a post holds one of these mutexes, chosen by the receiving
// thread as Qt's own lock is, and the delivery takes it before it reads what
// was handed over, so the order Qt guarantees is visible. Elsewhere the lock
// is empty and costs nothing.
std::unique_lock<std::mutex> lockHandOver(const QThread* receiver)
{
#ifdef SKEIN_QT_THREAD_SANITIZER
    constexpr std::size_t stripes = 16;
    static std::mutex mutexes[stripes];
    return std::unique_lock<std::mutex>(mutexes[std::hash<const void*>()(receiver) % stripes]);
#else
    (void)receiver;
    return {};
#endif
}

}  // namespace

namespace detail {

// One connection. `context` is cleared, under `mutex`, by the context's
// destroyed() (which runs before ~QObject drops the events posted to it), so
// posting under `mutex` never reaches a destroyed object.
struct QtConnectionState {
    // Qt's connect() takes a const context too, and so posts to it.
    explicit QtConnectionState(const QObject* context_) : context(const_cast<QObject*>(context_)) {}

    detail::Mutex mutex;
    QObject* context SKEIN_GUARDED_BY(mutex) = nullptr;
    std::atomic<bool> connected{true};
    std::function<void()> functor;  // moved out under mutex, then called in the context's thread
    Signal signal;
    Subscription subscription SKEIN_GUARDED_BY(mutex);
    QMetaObject::Connection destroyedConnection;

    void post(const std::shared_ptr<QtConnectionState>& self)
    {
        detail::MutexLock lock(mutex);
        if (!context || !connected.load())
            return;
        const std::unique_lock<std::mutex> handOver = lockHandOver(context->thread());
        QMetaObject::invokeMethod(
            context,
            [self] {
                (void)lockHandOver(QThread::currentThread());
                std::function<void()> fn;
                {
                    // The lock also orders connect()'s writes before these
                    // reads when connect() ran in another thread.
                    detail::MutexLock lock(self->mutex);
                    if (!self->connected.exchange(false))
                        return;
                    fn = std::move(self->functor);
                }
                QObject::disconnect(self->destroyedConnection);
                fn();
            },
            Qt::QueuedConnection);
    }
};

}  // namespace detail

void detail::throwNoSender(const char* className)
{
    throw UsageError(std::string("skein::signalFrom: the sender is a null ") + className + "*");
}

Connection connect(const Signal& signal, const QObject* context, std::function<void()> functor)
{
    if (!context)
        throw UsageError("skein::connect: no context object for Signal '" + signal.name() + "'");
    auto state = std::make_shared<detail::QtConnectionState>(context);
    state->functor = std::move(functor);
    state->signal = signal;
    const std::weak_ptr<detail::QtConnectionState> weak = state;
    state->destroyedConnection = QObject::connect(context, &QObject::destroyed, [weak] {
        const auto s = weak.lock();
        if (!s)
            return;
        Subscription subscription;
        {
            detail::MutexLock lock(s->mutex);
            s->context = nullptr;
            s->connected = false;
            subscription = s->subscription;
        }
        s->signal.removeThen(subscription);  // drops the callback's hold on the state
    });                                      // a context-free functor connection is direct: it runs inside ~QObject
    // The callback holds the state until the Signal goes, or the connection
    // ends (disconnect() or the context's destruction) and removes it.
    const Subscription subscription = signal.then([state] { state->post(state); });
    {
        detail::MutexLock lock(state->mutex);
        state->subscription = subscription;
    }
    return Connection(state);
}

void Connection::disconnect()
{
    if (!state_)
        return;
    state_->connected = false;
    Subscription subscription;
    {
        detail::MutexLock lock(state_->mutex);
        subscription = state_->subscription;
    }
    state_->signal.removeThen(subscription);
    QObject::disconnect(state_->destroyedConnection);
}

bool Connection::isConnected() const { return state_ && state_->connected.load(); }

}  // namespace skein
