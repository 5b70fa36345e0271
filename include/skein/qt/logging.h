// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — logging into Qt.
///
/// qtLogSink() is a skein::LogSink that writes Skein's records into Qt's
/// logging categories, one per topic (skein::LogTopic), as
/// "[thread path] message" with the record's file, line and function in the
/// QMessageLogContext, so QT_LOGGING_RULES, QT_MESSAGE_PATTERN and an
/// application's qInstallMessageHandler see them:
///     skein.thread    threads: stragglers, unjoined failures, ThreadAdaptor,
///                     ThreadTreeModel
///     skein.shutdown  MainThread, ApplicationAdaptor, stop signals, exit
///     skein.timer     Till, TillAdaptor
///     skein.process   Process and Command
///     skein.log       everything else: a record without a topic
///                     (skein::log(level, message)), Signal callbacks,
///                     SignalAdaptor
/// Debug messages are off by default ("skein.*.debug=true" turns them on);
/// info and above are on. skein::LogLevel::Error is a qCritical.
///
/// It is the default once the Qt layer is in use: Skein::Qt makes it the
/// core's default sink (skein::setDefaultLogSink) when the first
/// QCoreApplication is constructed, and when any of its objects is (an
/// adaptor, ThreadTreeModel, Process, Command), whichever comes first; also
/// when Skein is linked statically. A sink the application sets with
/// skein::setLogSink() wins over it, whether set before or after. Programs
/// without Qt keep the core's default, stderr.
///
/// The Qt entry points (slots, Q_INVOKABLEs, property setters) never throw:
/// misuse is a qWarning in the fitting category above, naming the object
/// (class, and objectName or name), and the call returns.
///
/// AsyncMessageHandler installs a Qt message handler that takes formatting and
/// writing off the calling thread: qDebug()/qInfo()/… only queue the message,
/// and a Skein thread formats it (qFormatLogMessage, so QT_MESSAGE_PATTERN
/// applies) and writes it to stderr or a file. Nothing is lost: messages keep
/// their per-thread order, the destructor writes everything still queued and
/// restores the previous handler, and once the writer thread is asked to stop
/// (at shutdown) messages are written synchronously, after the queued ones.
/// A message logged while the destructor runs goes either to the file or to
/// the previous handler, never nowhere; a fatal message (qFatal) is written
/// and flushed, after everything queued before it, before Qt aborts.
/// Formatting happens on the writer thread: a QT_MESSAGE_PATTERN with
/// %{threadid} or %{time} shows the writer's, not the caller's.
/// One at a time per process: a second is a UsageError.
#pragma once

#include <QtCore/QLoggingCategory>
#include <QtCore/QString>

#include <memory>

#include "skein/log.h"
#include "skein/qt/skein_qt_export.h"

namespace skein {

/// Writes each record into its category (see above). Thread-safe.
SKEIN_QT_EXPORT LogSink qtLogSink();

/// A Qt message handler that queues messages and writes them on a Skein
/// thread; installed while it lives. The contract is in logging.h.
class SKEIN_QT_EXPORT AsyncMessageHandler {
public:
    /// Writes to `filePath` (appending), or to stderr when it is empty.
    explicit AsyncMessageHandler(const QString& filePath = {});
    AsyncMessageHandler(const AsyncMessageHandler&) = delete;
    AsyncMessageHandler& operator=(const AsyncMessageHandler&) = delete;
    ~AsyncMessageHandler();

    /// Blocks until every message queued so far is written and flushed.
    void flush();

    struct Private;  // opaque; public so the message handler can reach it

private:
    std::unique_ptr<Private> d;
};

}  // namespace skein
