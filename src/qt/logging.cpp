#include "skein/qt/logging.h"

#include <QtCore/QByteArray>
#include <QtCore/QFile>

#include <cstdio>
#include <mutex>
#include <optional>

#include "skein/error.h"
#include "skein/queue.h"
#include "skein/thread.h"

Q_LOGGING_CATEGORY(skeinCategory, "skein")

namespace skein {

LogSink qtLogSink()
{
    return [](const LogRecord& record) {
        const QString text = QStringLiteral("[%1] %2").arg(QString::fromStdString(record.threadPath),
                                                           QString::fromStdString(record.message));
        switch (record.level) {
        case LogLevel::Debug: qCDebug(skeinCategory).noquote() << text; break;
        case LogLevel::Info: qCInfo(skeinCategory).noquote() << text; break;
        case LogLevel::Warning: qCWarning(skeinCategory).noquote() << text; break;
        case LogLevel::Error: qCCritical(skeinCategory).noquote() << text; break;
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

} // namespace

struct AsyncMessageHandler::Private {
    std::FILE* out = stderr;
    bool ownsFile = false;
    QtMessageHandler previous = nullptr;
    Queue<Message> queue{"qt-messages"};
    std::mutex writeMutex;  // one writer at a time, in order
    Thread writer;

    void write(const Message& m)
    {
        if (m.flushed) {  // everything before it is written
            std::fflush(out);
            Signal(*m.flushed).go();
            return;
        }
        const QMessageLogContext context(m.file, m.line, m.function, m.category);
        const QByteArray line = qFormatLogMessage(m.type, context, m.text).toLocal8Bit() + '\n';
        std::fwrite(line.constData(), 1, std::size_t(line.size()), out);
        if (m.type == QtFatalMsg)
            std::fflush(out);
    }

    void run(const Signal& pleaseStop)
    {
        for (;;) {
            std::optional<Message> m = queue.pop(pleaseStop);
            if (!m)
                break;
            std::lock_guard<std::mutex> lock(writeMutex);
            write(*m);
            if (queue.empty())
                std::fflush(out);
        }
        drain();
    }

    // Closes the queue and writes what it holds; later messages are written
    // synchronously by their threads, after these (they wait for writeMutex).
    void drain()
    {
        std::lock_guard<std::mutex> lock(writeMutex);
        queue.close();
        for (const Message& m : queue.popAll())
            write(m);
        std::fflush(out);
    }
};

namespace {

AsyncMessageHandler::Private* active = nullptr;  // set while a handler is installed
std::mutex activeMutex;

void handle(QtMsgType type, const QMessageLogContext& context, const QString& text)
{
    AsyncMessageHandler::Private* d = active;
    if (!d)
        return;
    Message m{type, context.file, context.line, context.function, context.category, text, std::nullopt};
    try {
        d->queue.add(std::move(m));
    } catch (const QueueClosed&) {
        std::lock_guard<std::mutex> lock(d->writeMutex);
        d->write(Message{type, context.file, context.line, context.function, context.category, text, std::nullopt});
        std::fflush(d->out);
    }
}

} // namespace

AsyncMessageHandler::AsyncMessageHandler(const QString& filePath) : d(std::make_unique<Private>())
{
    if (!filePath.isEmpty()) {
        d->out = std::fopen(QFile::encodeName(filePath).constData(), "a");
        if (!d->out)
            throw Error("AsyncMessageHandler: cannot open '" + filePath.toStdString() + "' for writing");
        d->ownsFile = true;
    }
    {
        std::lock_guard<std::mutex> lock(activeMutex);
        if (active)
            throw UsageError("AsyncMessageHandler: one is installed already");
        active = d.get();
    }
    d->writer = Thread::run("qt-message-writer", [p = d.get()](const Signal& pleaseStop) { p->run(pleaseStop); });
    d->previous = qInstallMessageHandler(handle);
}

AsyncMessageHandler::~AsyncMessageHandler()
{
    qInstallMessageHandler(d->previous);
    d->writer.stop();
    d->writer.join();
    {
        std::lock_guard<std::mutex> lock(activeMutex);
        active = nullptr;
    }
    if (d->ownsFile)
        std::fclose(d->out);
}

void AsyncMessageHandler::flush()
{
    const Signal flushed;
    try {
        d->queue.add(Message{QtDebugMsg, nullptr, 0, nullptr, nullptr, QString(), flushed});
    } catch (const QueueClosed&) {
        std::lock_guard<std::mutex> lock(d->writeMutex);  // the writer has drained: all is out
        std::fflush(d->out);
        return;
    }
    flushed.wait();
}

} // namespace skein
