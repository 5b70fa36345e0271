// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — ApplicationAdaptor: Skein's shutdown, tied to a QCoreApplication.
///
/// Made right after the application object, it is the process's MainThread
/// (so there must be no other): SIGINT and SIGTERM make main's pleaseStop go,
/// which quits the application; aboutToQuit stops every Skein thread and joins
/// them all, children before parents, before the event loop returns from
/// exec(). Parented to the application.
///
/// Its slot shutDown() never throws. The constructor is C++ only, and throws
/// UsageError for a null application or a second MainThread.
#pragma once

#include <QtCore/QCoreApplication>
#include <QtCore/QObject>

#include <memory>

#include "skein/qt/skein_qt_export.h"
#include "skein/thread.h"

namespace skein {

/// Skein's shutdown tied to a QCoreApplication: the process's MainThread,
/// parented to the application. The contract is in application_adaptor.h.
class SKEIN_QT_EXPORT ApplicationAdaptor : public QObject {
    Q_OBJECT

public:
    /// Ties shutdown to `application`, and becomes its child.
    explicit ApplicationAdaptor(QCoreApplication* application);
    ~ApplicationAdaptor() override;

    /// main: its pleaseStop is the application's stop request.
    Thread mainThread() const;

public Q_SLOTS:
    /// Stops and joins every thread now (aboutToQuit does it too); later
    /// calls do nothing. A thread that failed and that nobody joined is
    /// logged in skein.shutdown, not thrown.
    void shutDown();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace skein
