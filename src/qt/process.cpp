// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/process.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QProcess>
#include <QtCore/QTimer>

#include <map>
#include <vector>

#include "skein/error.h"
#include "skein/qt/connect.h"

#include "logging_p.h"
#include "platform/process_platform_p.h"
#include "process_p.h"
#include "skein/detail/mutex.h"

namespace skein {

namespace {

// Splits a byte stream into lines; keeps the unfinished tail for later.
// Each line goes to `sink`, which may wait (back-pressure) until `stop` goes.
class LineSplitter {
public:
    LineSplitter(detail::ProcessLines& sink, detail::ProcessLines::Stream stream, const Signal& stop)
        : sink_(sink),
          stream_(stream),
          stop_(stop),
          crlf_(detail::platform::newlineHasCarriageReturn())
    {}

    void feed(const QByteArray& bytes)
    {
        qsizetype start = 0;
        for (qsizetype nl = bytes.indexOf('\n'); nl >= 0; nl = bytes.indexOf('\n', start)) {
            tail_.append(bytes.constData() + start, std::size_t(nl - start));
            if (crlf_ && !tail_.empty() && tail_.back() == '\r')
                tail_.pop_back();  // part of the newline there
            deliver();
            start = nl + 1;
        }
        tail_.append(bytes.constData() + start, std::size_t(bytes.size() - start));
    }

    // The end of the stream: a last line without a newline is a line too.
    void flush()
    {
        if (!tail_.empty())
            deliver();
    }

private:
    void deliver()
    {
        std::string line;
        line.swap(tail_);
        sink_.line(stream_, std::move(line), stop_);
    }

    detail::ProcessLines& sink_;
    detail::ProcessLines::Stream stream_;
    Signal stop_;
    const bool crlf_;  // a newline is "\r\n"
    std::string tail_;
};

// The threads of the Processes that run. Once the QCoreApplication is gone,
// Qt delivers no event to a Process's thread, so none could stop (a stop,
// and the child's end, arrive as events): the application's destruction
// stops and waits for them first.
class LiveProcesses {
public:
    static LiveProcesses& instance()
    {
        static LiveProcesses* const live = new LiveProcesses;  // outlives every Process
        return *live;
    }

    void add(const void* key, const Thread& thread)
    {
        detail::MutexLock lock(mutex_);
        threads_.emplace(key, thread);
        if (!hooked_ && QCoreApplication::instance()) {
            qAddPostRoutine(&LiveProcesses::stopAll);
            hooked_ = true;
        }
    }

    void remove(const void* key)
    {
        detail::MutexLock lock(mutex_);
        threads_.erase(key);
    }

private:
    // In ~QCoreApplication, before it stops delivering events.
    static void stopAll()
    {
        std::vector<Thread> all;
        {
            detail::MutexLock lock(instance().mutex_);
            for (const auto& entry : instance().threads_)
                all.push_back(entry.second);
            instance().hooked_ = false;  // a new application hooks again
        }
        for (const Thread& t : all)
            t.stop();
        for (const Thread& t : all)
            t.stopped().wait();
    }

    detail::Mutex mutex_;
    std::map<const void*, Thread> threads_ SKEIN_GUARDED_BY(mutex_);
    bool hooked_ SKEIN_GUARDED_BY(mutex_) = false;
};

}  // namespace

// A plain Process's lines: its two Queues. Adding to a full Queue waits
// until `stop` goes; after that, lines that do not fit are dropped. A Queue
// its reader closed takes nothing.
struct Process::Private final : detail::ProcessLines {
    std::string name;
    QString program;
    QStringList arguments;
    Options options;
    Queue<std::string> out;
    Queue<std::string> err;
    Thread thread;
    Signal started;  // the program started, or failed to
    std::shared_ptr<detail::ProcessLines> lines;  // null: this, the Queues

    detail::Mutex mutex;
    QProcess* process SKEIN_GUARDED_BY(mutex) = nullptr;  // lives on `thread`
    QString startError SKEIN_GUARDED_BY(mutex);
    int exitCode SKEIN_GUARDED_BY(mutex) = 0;
    bool crashed SKEIN_GUARDED_BY(mutex) = false;
    bool stoppedByUs SKEIN_GUARDED_BY(mutex) = false;
    qint64 pid SKEIN_GUARDED_BY(mutex) = 0;

    Private(std::string n, QString p, QStringList a, Options o)
        : name(std::move(n)),
          program(std::move(p)),
          arguments(std::move(a)),
          options(std::move(o)),
          out(name + ".stdout", options.maxQueuedLines),
          err(name + ".stderr", options.maxQueuedLines)
    {}

    void run(const Signal& pleaseStop);
    void line(Stream stream, std::string line, const Signal& stop) override
    {
        try {
            (stream == Stream::Stdout ? out : err).add(std::move(line), stop);
        } catch (const QueueClosed&) {
            // the reader closed it: it wants no more lines
        }
    }
    void end(Stream stream) override { (stream == Stream::Stdout ? out : err).close(); }
    // Both streams have ended: the sink hears of it, and the Queues close.
    void endLines(LineSplitter& outLines, LineSplitter& errLines)
    {
        outLines.flush();
        errLines.flush();
        detail::ProcessLines& sink = lines ? *lines : *this;
        sink.end(Stream::Stdout);
        sink.end(Stream::Stderr);
        out.close();
        err.close();
    }
    // Calls fn with the QProcess on its own thread, if it still runs.
    template <class F>
    void post(F fn)
    {
        detail::MutexLock lock(mutex);
        if (process)
            QMetaObject::invokeMethod(
                process, [p = process, fn = std::move(fn)] { fn(*p); }, Qt::QueuedConnection);
    }
};

void Process::Private::run(const Signal& pleaseStop)
{
    LiveProcesses::instance().add(this, Thread::current());
    struct Leave {
        const void* key;
        ~Leave() { LiveProcesses::instance().remove(key); }
    } const leave{this};
    QProcess p;
    QEventLoop loop;
    detail::ProcessLines& sink = lines ? *lines : *this;
    LineSplitter outLines(sink, Stream::Stdout, pleaseStop);
    LineSplitter errLines(sink, Stream::Stderr, pleaseStop);
    p.setProgram(program);
    p.setArguments(arguments);
    if (!options.workingDirectory.isEmpty())
        p.setWorkingDirectory(options.workingDirectory);
    if (options.environment)
        p.setProcessEnvironment(*options.environment);
    detail::platform::ChildTree tree(p, options.ownProcessGroup);
    QObject::connect(&p, &QProcess::readyReadStandardOutput, [&] { outLines.feed(p.readAllStandardOutput()); });
    QObject::connect(&p, &QProcess::readyReadStandardError, [&] { errLines.feed(p.readAllStandardError()); });
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);

    p.start();
    if (!p.waitForStarted(-1)) {
        {
            detail::MutexLock lock(mutex);
            startError = p.errorString();
        }
        endLines(outLines, errLines);
        started.go();
        return;
    }
    tree.started();
    {
        detail::MutexLock lock(mutex);
        process = &p;
        pid = p.processId();
    }
    started.go();

    // pleaseStop: asked to stop now (SIGTERM), killed after the grace period.
    const Connection stopping = skein::connect(pleaseStop, &p, [&] {
        {
            detail::MutexLock lock(mutex);
            stoppedByUs = true;
        }
        tree.askToStop();
        QTimer::singleShot(options.killGrace, &p, [&] { tree.kill(); });
    });
    if (p.state() != QProcess::NotRunning)
        loop.exec();
    p.waitForFinished(-1);  // reaps the child

    bool stopped = false;
    {
        detail::MutexLock lock(mutex);
        process = nullptr;
        crashed = p.exitStatus() == QProcess::CrashExit;
        exitCode = p.exitCode();
        stopped = stoppedByUs;
    }
    // What the child started may outlive it in its group; a stop means all
    // of it.
    if (stopped)
        tree.killRemains();

    outLines.feed(p.readAllStandardOutput());
    errLines.feed(p.readAllStandardError());
    endLines(outLines, errLines);
}

Process::Process(std::string name, QString program, QStringList arguments)
    : Process(std::move(name), std::move(program), std::move(arguments), Options{})
{}

Process::Process(std::string name, QString program, QStringList arguments, Options options)
    : Process(std::move(name), std::move(program), std::move(arguments), std::move(options), nullptr)
{}

Process::Process(std::string name, QString program, QStringList arguments, Options options,
                 std::shared_ptr<detail::ProcessLines> lines)
    : d(std::make_shared<Private>(std::move(name), std::move(program), std::move(arguments), std::move(options)))
{
    d->lines = std::move(lines);
    detail::useQtLogging();
    const auto body = [d = d](const Signal& pleaseStop) { d->run(pleaseStop); };
    d->thread = d->options.parent ? Thread(*d->options.parent, d->name, body) : Thread(d->name, body);
    d->thread.start();
    d->started.wait();
    detail::MutexLock lock(d->mutex);
    if (!d->startError.isEmpty()) {
        const std::string why = d->startError.toStdString();
        d->thread.join();
        throw Error("Process '" + d->name + "': cannot start '" + d->program.toStdString() + "': " + why);
    }
}

Process::~Process()
{
    if (!d)
        return;
    d->thread.stop();
    try {
        d->thread.join();
    } catch (...) {
        // a failure of the reading thread has nobody left to tell
    }
}

std::unique_ptr<Process> detail::ProcessAccess::start(std::string name, QString program, QStringList arguments,
                                                     Process::Options options, std::shared_ptr<ProcessLines> lines)
{
    return std::unique_ptr<Process>(
        new Process(std::move(name), std::move(program), std::move(arguments), std::move(options), std::move(lines)));
}

Queue<std::string>& Process::stdoutLines() { return d->out; }
Queue<std::string>& Process::stderrLines() { return d->err; }

void Process::write(QByteArray bytes)
{
    d->post([bytes = std::move(bytes)](QProcess& p) { p.write(bytes); });
}

void Process::closeStdin()
{
    d->post([](QProcess& p) { p.closeWriteChannel(); });
}

int Process::join()
{
    int code = 0;
    tryJoin(Signal::never(), &code);
    return code;
}

bool Process::tryJoin(const Signal& till, int* exitCode)
{
    if (!d->thread.tryJoin(till))
        return false;
    detail::MutexLock lock(d->mutex);
    if (d->crashed && !d->stoppedByUs)
        throw Error("Process '" + d->name + "' ('" + d->program.toStdString() +
                    "') crashed: " + detail::platform::describeCrash(d->exitCode));
    if (exitCode)
        *exitCode = d->crashed ? detail::platform::stoppedCrashExitCode(d->exitCode) : d->exitCode;
    return true;
}

void Process::stop() { d->thread.stop(); }
bool Process::isRunning() const { return d->thread.isRunning(); }

qint64 Process::processId() const
{
    detail::MutexLock lock(d->mutex);
    return d->pid;
}
Thread Process::thread() const { return d->thread; }
std::string Process::name() const { return d->name; }

}  // namespace skein
