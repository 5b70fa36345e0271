// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/logging.h"

#include <QtCore/QByteArray>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <optional>
#include <thread>
#include <vector>

#include "skein/error.h"
#include "skein/queue.h"
#include "skein/thread.h"

#include "logging_p.h"
#include "skein/detail/mutex.h"

namespace skein {

namespace detail {

const QLoggingCategory& categoryOf(LogTopic topic)
{
    // In LogTopic's order. Never destroyed: threads may log during static
    // destruction.
    static const QLoggingCategory* const categories[] = {
        new QLoggingCategory("skein.thread", QtInfoMsg), new QLoggingCategory("skein.shutdown", QtInfoMsg),
        new QLoggingCategory("skein.timer", QtInfoMsg),  new QLoggingCategory("skein.process", QtInfoMsg),
        new QLoggingCategory("skein.log", QtInfoMsg),
    };
    return *categories[static_cast<std::size_t>(topic)];
}

const QLoggingCategory& threadCategory() { return categoryOf(LogTopic::Thread); }
const QLoggingCategory& shutdownCategory() { return categoryOf(LogTopic::Shutdown); }
const QLoggingCategory& timerCategory() { return categoryOf(LogTopic::Timer); }
const QLoggingCategory& processCategory() { return categoryOf(LogTopic::Process); }
const QLoggingCategory& logCategory() { return categoryOf(LogTopic::Log); }

void useQtLogging()
{
    static const bool installed = (setDefaultLogSink(qtLogSink()), true);
    (void)installed;
}

QString describe(const QObject* object, const QString& name)
{
    const QString shown = object->objectName().isEmpty() ? name : object->objectName();
    const QString className = QString::fromLatin1(object->metaObject()->className());
    return shown.isEmpty() ? className : className + QStringLiteral(" '") + shown + QLatin1Char('\'');
}

QString currentFailure() { return QString::fromStdString(errorMessage(std::current_exception())); }

}  // namespace detail

namespace {

QtMsgType messageType(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return QtDebugMsg;
    case LogLevel::Info: return QtInfoMsg;
    case LogLevel::Warning: return QtWarningMsg;
    case LogLevel::Error: break;
    }
    return QtCriticalMsg;
}

// The first QCoreApplication turns Qt logging on (in the constructor, before
// any code of the application's runs in it).
void installQtLogSinkOnStartup() { detail::useQtLogging(); }

}  // namespace

Q_COREAPP_STARTUP_FUNCTION(installQtLogSinkOnStartup)

LogSink qtLogSink()
{
    return [](const LogRecord& record) {
        const QLoggingCategory& category = detail::categoryOf(record.topic);
        const QtMsgType type = messageType(record.level);
        if (!category.isEnabled(type))
            return;
        const QString text = QStringLiteral("[%1] %2").arg(QString::fromStdString(record.threadPath),
                                                           QString::fromStdString(record.message));
        const QMessageLogger logger(record.file, record.line, record.function, category.categoryName());
        switch (type) {
        case QtDebugMsg: logger.debug(category).noquote() << text; break;
        case QtInfoMsg: logger.info(category).noquote() << text; break;
        case QtWarningMsg: logger.warning(category).noquote() << text; break;
        default: logger.critical(category).noquote() << text; break;
        }
    };
}

namespace {

// A message as the calling thread hands it over: QMessageLogContext points
// at static strings (file, function, category), so pointers are enough.
struct Message {
    QtMsgType type;
    const char* file;
    int line;
    const char* function;
    const char* category;
    QString text;
    std::optional<Signal> flushed;  // set on a flush() marker, which writes nothing
};

}  // namespace

struct AsyncMessageHandler::Private {
    std::FILE* out = stderr;
    bool ownsFile = false;
    QtMessageHandler previous = nullptr;
    Queue<Message> queue{"qt-messages"};
    detail::Mutex writeMutex;  // one writer at a time, in order
    Thread writer;

    void write(const Message& m)
    {
        if (m.flushed) {  // everything before it is written
            std::fflush(out);
            m.flushed->go();
            return;
        }
        const QMessageLogContext context(m.file, m.line, m.function, m.category);
        const QByteArray line = qFormatLogMessage(m.type, context, m.text).toLocal8Bit() + '\n';
        std::fwrite(line.constData(), 1, std::size_t(line.size()), out);
        if (m.type == QtFatalMsg)
            std::fflush(out);
    }

    // On the writer thread: what is queued, in batches, one flush each.
    void run(const Signal& pleaseStop)
    {
        for (;;) {
            std::optional<Message> first = queue.pop(pleaseStop);
            if (!first)
                break;
            std::vector<Message> rest = queue.popAll();
            detail::MutexLock lock(writeMutex);
            write(*first);
            for (const Message& m : rest)
                write(m);
            std::fflush(out);
        }
        drain();
    }

    // Closes the queue and writes what it holds; later messages are written
    // synchronously by their threads, after these (they wait for writeMutex).
    void drain()
    {
        detail::MutexLock lock(writeMutex);
        queue.close();
        for (const Message& m : queue.popAll())
            write(m);
        std::fflush(out);
    }

    // Returns once everything queued before it is written and flushed.
    void flush()
    {
        Signal flushed;
        try {
            queue.add(Message{QtDebugMsg, nullptr, 0, nullptr, nullptr, QString(), flushed});
        } catch (const QueueClosed&) {
            detail::MutexLock lock(writeMutex);  // the writer has drained: all is out
            std::fflush(out);
            return;
        }
        flushed.wait();
    }

    void handle(QtMsgType type, const QMessageLogContext& context, const QString& text)
    {
        try {
            // A deep copy: Qt frees the caller's string when this returns.
            // Sharing it would be correct (an atomic reference count), but
            // the count changes inside Qt, where ThreadSanitizer cannot see.
            queue.add(Message{type, context.file, context.line, context.function, context.category,
                              QString(text.unicode(), text.size()), std::nullopt});
        } catch (const QueueClosed&) {
            detail::MutexLock lock(writeMutex);
            write(Message{type, context.file, context.line, context.function, context.category, text, std::nullopt});
            return;
        }
        // Qt aborts the process when the handler returns from a fatal
        // message: it must be written by then.
        if (type == QtFatalMsg)
            flush();
    }
};

namespace {

// The installed handler's state. A call of handle() counts itself in
// `inFlight` before it reads `active`; the destructor clears `active`, then
// waits for `inFlight` to drain, so no call can still use the state it frees.
// (Sequentially consistent: a call that saw the state is counted before the
// destructor reads the count.)
std::atomic<AsyncMessageHandler::Private*> active{nullptr};
std::atomic<int> inFlight{0};
// The handler that was installed before: a message that raced the
// destructor (Qt called handle(), which then found no state) goes there.
std::atomic<QtMessageHandler> previousHandler{nullptr};
detail::Mutex installMutex;  // one install or uninstall at a time

void handle(QtMsgType type, const QMessageLogContext& context, const QString& text)
{
    inFlight.fetch_add(1);
    if (AsyncMessageHandler::Private* d = active.load()) {
        d->handle(type, context, text);
        inFlight.fetch_sub(1);
        return;
    }
    inFlight.fetch_sub(1);
    if (const QtMessageHandler previous = previousHandler.load())
        previous(type, context, text);
}

}  // namespace

AsyncMessageHandler::AsyncMessageHandler(const QString& filePath) : d(std::make_unique<Private>())
{
    detail::MutexLock lock(installMutex);
    if (active.load())
        throw UsageError("AsyncMessageHandler: one is installed already; there can be one at a time");
    if (!filePath.isEmpty()) {
        d->out = std::fopen(QFile::encodeName(filePath).constData(), "a");
        if (!d->out)
            throw Error("AsyncMessageHandler: cannot open '" + filePath.toStdString() + "' for writing");
        d->ownsFile = true;
    }
    d->writer = Thread::run("qt-message-writer", [p = d.get()](const Signal& pleaseStop) { p->run(pleaseStop); });
    active.store(d.get());
    d->previous = qInstallMessageHandler(handle);
    previousHandler.store(d->previous);
}

AsyncMessageHandler::~AsyncMessageHandler()
{
    detail::MutexLock lock(installMutex);
    qInstallMessageHandler(d->previous);
    active.store(nullptr);
    while (inFlight.load() != 0)
        std::this_thread::yield();  // a call that saw the state adds one message, and returns
    d->writer.stop();
    d->writer.join();  // it writes everything queued
    if (d->ownsFile)
        std::fclose(d->out);
}

void AsyncMessageHandler::flush() { d->flush(); }

}  // namespace skein
