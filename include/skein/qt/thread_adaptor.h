// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — ThreadAdaptor: a Skein Thread owned by a QObject.
///
/// Three ways to make one: give it a function, subclass it and override
/// work(), or wrap a Thread that exists already. It runs nothing until
/// start(). Its state reaches Qt as properties and signals, always in the
/// adaptor's own thread through the event loop, never on the worker.
///
/// Ownership is the thread tree. The destructor stops the thread and joins it
/// (its descendants first), so deleting a QObject that owns running adaptors
/// never aborts and never calls a slot of a dead object. When the parent
/// QObject is destroyed, every adaptor among its children is asked to stop
/// at once, before the first is joined: siblings stop together, not one after
/// the other (the parent an adaptor had when it was made or started). An
/// adaptor nested
/// under another ThreadAdaptor in the QObject tree runs its thread as a child
/// of the other's thread.
///
/// Order: started() comes first, also for a wrapped thread that has ended
/// already; stopRequested() (if a stop was asked for) comes before
/// stopped(); stopped() is followed by finished(result) or failed(message).
/// Each property changes right before its notification.
///
/// Progress is pushed, coalesced: at most one notification is in flight per
/// adaptor, notifications are at least 16 ms apart (a frame at 60 Hz: a
/// worker calling setProgress() in a tight loop never floods the event
/// loop), and the last value set always arrives, before stopped().
///
/// A failure is reported by failed(). An adaptor destroyed before it could
/// report one (its thread failed, and the queued report had not arrived)
/// logs it instead.
///
/// The Qt entry points, start() and requestStop(), never throw: misuse, and
/// a failure of the core beneath them, is a qWarning in skein.thread naming
/// the adaptor (its class and name), and the call returns. The rest is the
/// C++ API and keeps its exceptions.
///
/// A subclass whose work() uses the subclass's own members must call
/// stopAndWait() in its destructor: C++ destroys those members before
/// ~ThreadAdaptor could stop the thread.
#pragma once

#include <QtCore/QFuture>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QVariant>

#include <exception>
#include <functional>
#include <memory>

#include "skein/qt/skein_qt_export.h"
#include "skein/signal.h"
#include "skein/thread.h"

namespace skein {

/// A Skein Thread owned by a QObject, its state reaching Qt as properties
/// and signals in the adaptor's thread. The contract is in thread_adaptor.h.
class SKEIN_QT_EXPORT ThreadAdaptor : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString name READ name CONSTANT FINAL)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged FINAL)
    Q_PROPERTY(bool stopRequested READ isStopRequested NOTIFY stopRequestedChanged FINAL)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged FINAL)
    Q_PROPERTY(QString progressText READ progressText NOTIFY progressChanged FINAL)
    Q_PROPERTY(QVariant result READ result NOTIFY resultChanged FINAL)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged FINAL)

public:
    /// The work of an adaptor made with a function: called on the worker
    /// thread with its pleaseStop; returns the result, throws to fail.
    using Function = std::function<QVariant(const Signal& pleaseStop)>;

    /// An empty name throws InvalidArgument (C++ only: QML cannot make a
    /// ThreadAdaptor).
    ThreadAdaptor(QString name, Function fn, QObject* parent = nullptr);
    /// Wraps a Thread; start() starts it if it has not started.
    explicit ThreadAdaptor(Thread thread, QObject* parent = nullptr);
    ~ThreadAdaptor() override;

    /// The `name` property: the thread's name.
    QString name() const;
    /// The `running` property: true from started() until stopped(), as the
    /// adaptor's thread has seen them.
    bool isRunning() const;
    /// The `stopRequested` property: true once the thread's pleaseStop went
    /// and stopRequested() was emitted.
    bool isStopRequested() const;
    /// The `progress` property: the thread's last progress fraction that
    /// has arrived; 0 before one.
    double progress() const;
    /// The `progressText` property: the text that came with progress().
    QString progressText() const;
    /// The `result` property: what the function returned; invalid until
    /// finished(), and after a failure.
    QVariant result() const;
    /// The `error` property: the failure's message; empty until failed(),
    /// and after success.
    QString error() const;
    /// The thread, once started (or wrapped).
    Thread thread() const;
    /// The thread's outcome as a QFuture (see future.h): the function's
    /// result, or the exception it threw, or canceled when it ended because
    /// it was asked to stop; a wrapped thread's result is an invalid
    /// QVariant. cancel() asks the thread to stop. Every call returns the
    /// same future; one asked for before start() begins with the thread,
    /// and is canceled if the adaptor is destroyed first.
    QFuture<QVariant> future() const;
    /// Asks the thread to stop and waits for it (and its descendants).
    void stopAndWait();

public Q_SLOTS:
    /// Starts the thread. A second start() (also on a wrapped thread that had
    /// started), or one the core refuses (the wrapped thread's parent has
    /// ended, the OS has no thread to give): a warning, nothing is emitted,
    /// and after a refusal a later start() may try again.
    void start();
    /// Makes the thread's pleaseStop go; before start() (of a thread it
    /// makes) it does nothing. Never fails.
    void requestStop();

Q_SIGNALS:
    /// The thread started; the first notification, also for a wrapped
    /// thread that has ended already.
    void started();
    /// The thread's pleaseStop went; comes before stopped().
    void stopRequested();
    /// The thread and its descendants ended; followed by finished() or
    /// failed().
    void stopped();
    /// The function returned `result` (also in the `result` property).
    void finished(const QVariant& result);
    /// The function threw; `message` says what (also in `error`).
    void failed(const QString& message);
    /// `running` changed.
    void runningChanged();
    /// `stopRequested` changed.
    void stopRequestedChanged();
    /// `progress` or `progressText` changed (coalesced, at least 16 ms apart).
    void progressChanged();
    /// `result` changed, right before finished().
    void resultChanged();
    /// `error` changed, right before failed().
    void errorChanged();

protected:
    /// For subclasses that override work(). An empty name throws
    /// InvalidArgument.
    explicit ThreadAdaptor(QString name, QObject* parent = nullptr);
    /// Runs on the worker thread; the default calls the function given to the
    /// constructor. Return the result; throw to fail.
    virtual QVariant work(const Signal& pleaseStop);

private:
    void watchParent();
    void wire();
    void unwire();
    void feedFuture() const;
    void watchProgress();
    void progressNotified();
    void readProgress();
    void reportStopRequest();
    std::exception_ptr stopAndJoin();
    void finish();

    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace skein
