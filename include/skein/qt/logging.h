// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — logging into Qt.
///
/// qtLogSink() is a skein::LogSink that writes Skein's records into the
/// logging category "skein" (so QT_LOGGING_RULES and message handlers apply):
///     skein::setLogSink(skein::qtLogSink());
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

/// The logging category "skein", where qtLogSink() writes: QT_LOGGING_RULES
/// such as "skein.debug=true" apply to it.
// Q_DECLARE_LOGGING_CATEGORY(skeinCategory), exported (Qt 6.4 has no macro for it).
SKEIN_QT_EXPORT const QLoggingCategory& skeinCategory();

namespace skein {

/// A LogSink that writes Skein's records into the logging category "skein"
/// as "[thread path] message", at the record's level (Error as critical).
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
