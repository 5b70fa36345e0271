// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: the Qt layer's logging categories, and how an entry
// point reports misuse.
#pragma once

#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>
#include <QtCore/QString>

#include "skein/log.h"

namespace skein::detail {

// skein.thread, skein.shutdown, skein.timer, skein.process, skein.log: debug
// off by default, info and above on. Never destroyed: threads may log
// during static destruction.
const QLoggingCategory& threadCategory();
const QLoggingCategory& shutdownCategory();
const QLoggingCategory& timerCategory();
const QLoggingCategory& processCategory();
const QLoggingCategory& logCategory();
const QLoggingCategory& categoryOf(LogTopic topic);

// Makes qtLogSink() the core's default sink (once per process): every
// constructor of the Qt layer calls it, so a program that links Skein::Qt
// statically, where the startup hook in logging.cpp is linked in only if
// something refers to that file, gets it too.
void useQtLogging();

// How a misuse warning names `object`: its class, then its objectName in
// quotes, or `name` when it has none.
QString describe(const QObject* object, const QString& name = {});

// What the exception being handled says (errorMessage()), for a warning;
// call it inside a catch block.
QString currentFailure();

}  // namespace skein::detail

// An entry point's misuse warning, at its file and line:
//     SKEIN_WARN(skein::detail::timerCategory, this, seconds()) << "...; ignored";
#define SKEIN_WARN(category, object, name)                                                                             \
    qCWarning(category).noquote().nospace() << ::skein::detail::describe((object), (name)) << ": "
