// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Command: shell command lines run through reused shell sessions (`sh`; on
// Windows `cmd.exe`: platform/process_platform_p.h).
#include <QtCore/QRandomGenerator>

#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <list>

#include "skein/detail/mutex.h"
#include "skein/detail/wait.h"
#include "skein/error.h"
#include "skein/qt/process.h"
#include "skein/till.h"

#include "platform/process_platform_p.h"
#include "process_p.h"
#include "root_thread_p.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;
using Stream = detail::ProcessLines::Stream;

class Router;

struct Session {
    QString key;  // working directory and environment
    std::shared_ptr<Router> router;  // declared before the shell, which calls it until it is destroyed
    std::unique_ptr<Process> shell;
    // Guarded by the pool's mutex (which the analysis cannot name from here).
    Clock::time_point idleSince;
    bool closing = false;  // its stdin is being closed
};

QString keyOf(const Command::Options& options)
{
    QString key = (options.isolated ? QStringLiteral("isolated\n") : QStringLiteral("shared\n")) +
                  options.workingDirectory + QLatin1Char('\n');
    if (options.environment)
        key += options.environment->toStringList().join(QLatin1Char('\n'));
    return key;
}

// One started command: its Queues, and how far it has come. Shared by its
// handle and, while it runs, by its session's Router.
struct Run {
    Run(const QString& line, std::string markerText, std::size_t maxQueuedLines)
        : what("Command '" + line.toStdString() + "'"),
          marker(std::move(markerText)),
          out(line.toStdString() + " (stdout)", maxQueuedLines),
          err(line.toStdString() + " (stderr)", maxQueuedLines)
    {}
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;
    ~Run() { stopWhen.removeThen(onStop); }

    Queue<std::string>& queue(Stream stream) { return stream == Stream::Stdout ? out : err; }

    // Stops the command when `till` or the starting thread's pleaseStop goes.
    static void watch(const std::shared_ptr<Run>& run, const Signal& till, const Signal& starterStop);

    // From the session's thread, through its Router.
    void begin();
    void deliver(Stream stream, std::string line, const Signal& stop);
    void endStream(Stream stream, const std::string& status);
    void complete();
    void sessionEnded(bool neverBegun);

    void stop();
    bool isStopRequested();
    bool isRunning();
    // Ends a command that no session runs (any more): its Queues close,
    // then it has finished.
    void closeAndFinish();
    // Hands the session over unless a stop came first: then it is returned.
    std::unique_ptr<Session> adopt(std::unique_ptr<Session> session);
    enum class Began { Yes, SessionWasStale };
    // Waits until the session began the command, or ended (or was stopped)
    // first; a stale session is taken back, to be discarded.
    Began awaitBegin(const std::shared_ptr<Run>& self, std::unique_ptr<Session>* stale);
    // Waits until the command has ended and its session, if it is not
    // reused, is discarded. False when `till` went first.
    static bool settle(const std::shared_ptr<Run>& run, const Signal& till);
    // After settle(): the exit code; nullopt when it was stopped before it
    // ended. Throws when its session ended while it ran.
    std::optional<int> outcome();

    const std::string what;  // "Command 'make'"
    const std::string marker;
    Queue<std::string> out;
    Queue<std::string> err;

private:
    static std::string describeStart(const void* run) { return static_cast<const Run*>(run)->what + " (start)"; }
    static std::string describeJoin(const void* run) { return static_cast<const Run*>(run)->what + " (join)"; }

    // Set by watch() before anything else can reach the Run: `till` or the
    // starting thread's pleaseStop.
    Signal stopWhen;
    Subscription onStop;

    detail::Mutex mutex;
    std::condition_variable changed;
    std::unique_ptr<Session> session SKEIN_GUARDED_BY(mutex);
    int exitCode SKEIN_GUARDED_BY(mutex) = 0;
    bool begun SKEIN_GUARDED_BY(mutex) = false;       // a start marker came
    bool stale SKEIN_GUARDED_BY(mutex) = false;       // its session ended before any did
    bool completed SKEIN_GUARDED_BY(mutex) = false;   // both end markers came
    bool finished SKEIN_GUARDED_BY(mutex) = false;    // completed, or no session runs it any more
    bool stopRequested SKEIN_GUARDED_BY(mutex) = false;
    bool discarding SKEIN_GUARDED_BY(mutex) = false;  // a settle() discards the session
};

// A session's lines, on the session's thread: between a command's start and
// end markers they go to that command's Queues; anything else (an earlier
// command's background job) is dropped.
class Router final : public detail::ProcessLines {
public:
    // Before the command's script is written. False when the session has
    // ended already.
    bool attach(std::shared_ptr<Run> run);
    // Undoes attach() when no script was written.
    void detach();

    void line(Stream stream, std::string text, const Signal& stop) override;
    void end(Stream stream) override;

private:
    enum class Phase { Before, In, After };

    detail::Mutex mutex_;
    std::shared_ptr<Run> run_ SKEIN_GUARDED_BY(mutex_);
    std::array<Phase, 2> phase_ SKEIN_GUARDED_BY(mutex_){Phase::Before, Phase::Before};
    int streamsEnded_ SKEIN_GUARDED_BY(mutex_) = 0;
};

// Never destroyed: sessions are threads under main, joined by its shutdown.
class Pool {
public:
    std::unique_ptr<Session> acquire(const Command::Options& options)
    {
        const QString key = keyOf(options);
        std::list<std::unique_ptr<Session>> ended;  // destroyed (joined) outside the lock
        {
            detail::MutexLock lock(mutex_);
            ended = takeEnded();
            for (auto it = idle_.begin(); it != idle_.end(); ++it) {
                if ((*it)->key == key) {
                    auto session = std::move(*it);
                    idle_.erase(it);
                    ++busy_;
                    return session;
                }
            }
            ++busy_;
        }
        auto session = std::make_unique<Session>();
        session->key = key;
        session->router = std::make_shared<Router>();
        Process::Options processOptions;
        processOptions.workingDirectory = options.workingDirectory;
        processOptions.environment = options.environment;
        processOptions.parent = detail::rootThread();
        processOptions.killGrace = std::chrono::milliseconds(200);
        processOptions.ownProcessGroup = true;  // stopping a session stops what its commands started
        try {
            session->shell = detail::ProcessAccess::start(
                "command-session-" + std::to_string(++made_), detail::platform::shellProgram(),
                detail::platform::shellArguments(), processOptions, session->router);
        } catch (...) {
            detail::MutexLock lock(mutex_);
            --busy_;
            throw;
        }
        return session;
    }

    void release(std::unique_ptr<Session> session)
    {
        Clock::time_point sweepAt;
        {
            detail::MutexLock lock(mutex_);
            --busy_;
            session->idleSince = Clock::now();
            idle_.push_back(std::move(session));
            if (!scheduleSweepLocked(idle_.back()->idleSince + idleTimeout(), &sweepAt))
                return;
        }
        scheduleSweep(sweepAt);
    }

    // Stops the session and everything its command started, and joins it.
    void discard(std::unique_ptr<Session> session)
    {
        session->shell->stop();
        session.reset();
        detail::MutexLock lock(mutex_);
        --busy_;
    }

    void closeIdle()
    {
        std::list<std::unique_ptr<Session>> idle;
        {
            detail::MutexLock lock(mutex_);
            idle.swap(idle_);
        }
        idle.clear();  // each stops and joins its shell
    }

    std::size_t count()
    {
        std::list<std::unique_ptr<Session>> ended;
        detail::MutexLock lock(mutex_);
        ended = takeEnded();
        return busy_ + idle_.size();
    }

    void setIdleTimeout(std::chrono::milliseconds timeout)
    {
        idleMillis_ = timeout.count();
        sweep();  // sessions idle for longer than the new timeout close now
    }

private:
    std::chrono::milliseconds idleTimeout() const { return std::chrono::milliseconds(idleMillis_.load()); }

    // Idle sessions whose shell has ended (closed for idleness, or died).
    std::list<std::unique_ptr<Session>> takeEnded() SKEIN_REQUIRES(mutex_)
    {
        std::list<std::unique_ptr<Session>> ended;
        for (auto it = idle_.begin(); it != idle_.end();) {
            const auto next = std::next(it);
            if ((*it)->closing || !(*it)->shell->isRunning())
                ended.splice(ended.end(), idle_, it);
            it = next;
        }
        return ended;
    }

    // One sweep pending at a time, at the earliest deadline: true when a
    // new one must be scheduled, at `*at` (outside the lock: a Till that has
    // gone already runs its callback at once).
    bool scheduleSweepLocked(Clock::time_point when, Clock::time_point* at) SKEIN_REQUIRES(mutex_)
    {
        if (nextSweep_ && *nextSweep_ <= when)
            return false;
        nextSweep_ = when;
        *at = when;
        return true;
    }

    void scheduleSweep(Clock::time_point at)
    {
        Till(at).then([this] { sweep(); });
    }

    // Asks every session idle for longer than the timeout to end (closing
    // its stdin: the shell exits); the next caller reaps it. Runs on the
    // timer thread, so it must not wait.
    void sweep()
    {
        Clock::time_point sweepAt;
        {
            detail::MutexLock lock(mutex_);
            const auto now = Clock::now();
            if (nextSweep_ && *nextSweep_ <= now)
                nextSweep_.reset();
            std::optional<Clock::time_point> next;
            for (const auto& s : idle_) {
                if (s->closing)
                    continue;
                const auto deadline = s->idleSince + idleTimeout();
                if (deadline <= now) {
                    s->closing = true;
                    s->shell->closeStdin();
                } else if (!next || deadline < *next) {
                    next = deadline;
                }
            }
            if (!next || !scheduleSweepLocked(*next, &sweepAt))
                return;
        }
        scheduleSweep(sweepAt);
    }

    detail::Mutex mutex_;
    std::list<std::unique_ptr<Session>> idle_ SKEIN_GUARDED_BY(mutex_);
    std::size_t busy_ SKEIN_GUARDED_BY(mutex_) = 0;
    std::optional<Clock::time_point> nextSweep_ SKEIN_GUARDED_BY(mutex_);
    std::atomic<std::int64_t> idleMillis_{60000};
    std::atomic<int> made_{0};
};

Pool& pool()
{
    static Pool* const instance = new Pool;
    return *instance;
}

QString freshMarker()
{
    return QStringLiteral("__skein_%1%2__")
        .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'))
        .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
}

int index(Stream stream) { return stream == Stream::Stdout ? 0 : 1; }

bool Router::attach(std::shared_ptr<Run> run)
{
    detail::MutexLock lock(mutex_);
    if (streamsEnded_ > 0)
        return false;
    run_ = std::move(run);
    phase_ = {Phase::Before, Phase::Before};
    return true;
}

void Router::detach()
{
    detail::MutexLock lock(mutex_);
    run_.reset();
}

void Router::line(Stream stream, std::string text, const Signal& stop)
{
    const int i = index(stream);
    std::shared_ptr<Run> run;
    Phase phase = Phase::After;
    {
        detail::MutexLock lock(mutex_);
        if (!run_)
            return;
        run = run_;
        phase = phase_[i];
    }
    if (phase == Phase::After)
        return;
    const auto at = text.rfind(run->marker);
    if (phase == Phase::Before) {
        if (at == std::string::npos)
            return;
        {
            detail::MutexLock lock(mutex_);
            phase_[i] = Phase::In;
        }
        run->begin();
        return;
    }
    if (at == std::string::npos) {
        run->deliver(stream, std::move(text), stop);
        return;
    }
    // Text before the end marker is a last line without a newline.
    if (at > 0)
        run->deliver(stream, text.substr(0, at), stop);
    bool complete = false;
    {
        detail::MutexLock lock(mutex_);
        phase_[i] = Phase::After;
        complete = phase_[1 - i] == Phase::After;
        if (complete)
            run_.reset();
    }
    run->endStream(stream, text.substr(at + run->marker.size()));
    if (complete)
        run->complete();
}

void Router::end(Stream)
{
    std::shared_ptr<Run> run;
    bool neverBegun = false;
    {
        detail::MutexLock lock(mutex_);
        // Both ends come together, after every line: the second one decides.
        if (++streamsEnded_ < 2 || !run_)
            return;
        run = std::move(run_);
        neverBegun = phase_[0] == Phase::Before && phase_[1] == Phase::Before;
    }
    run->sessionEnded(neverBegun);
}

void Run::watch(const std::shared_ptr<Run>& run, const Signal& till, const Signal& starterStop)
{
    const std::weak_ptr<Run> weak = run;
    const auto stop = [weak] {
        if (const auto r = weak.lock())
            r->stop();
    };
    run->stopWhen = till | starterStop;
    run->onStop = run->stopWhen.then(stop);
}

void Run::begin()
{
    detail::MutexLock lock(mutex);
    begun = true;
    changed.notify_all();
}

void Run::deliver(Stream stream, std::string line, const Signal& stop)
{
    try {
        queue(stream).add(std::move(line), stop);  // after a stop, a line that does not fit is dropped
    } catch (const QueueClosed&) {
        // the reader closed it: it wants no more lines
    }
}

void Run::endStream(Stream stream, const std::string& status)
{
    if (stream == Stream::Stdout) {
        detail::MutexLock lock(mutex);
        exitCode = std::atoi(status.c_str());
    }
    queue(stream).close();
}

void Run::complete()
{
    std::unique_ptr<Session> reusable;
    {
        detail::MutexLock lock(mutex);
        completed = true;  // from now on, stop() leaves the session alone
        // A stop that came first is stopping the session: it is not reused.
        if (!stopRequested)
            reusable = std::move(session);
    }
    // Back in the pool before join() returns, so that the caller's next
    // command finds it there.
    if (reusable)
        pool().release(std::move(reusable));
    detail::MutexLock lock(mutex);
    finished = true;
    changed.notify_all();
}

void Run::sessionEnded(bool neverBegun)
{
    {
        detail::MutexLock lock(mutex);
        if (neverBegun && !stopRequested) {
            stale = true;  // start() runs it in a new session
            changed.notify_all();
            return;
        }
    }
    closeAndFinish();
}

void Run::stop()
{
    std::optional<Thread> shell;
    {
        detail::MutexLock lock(mutex);
        if (completed || stopRequested)
            return;
        stopRequested = true;
        if (!finished && session)
            shell = session->shell->thread();
    }
    // Outside the lock: go() runs the session's stop callbacks here.
    if (shell)
        shell->stop();
}

bool Run::isRunning()
{
    detail::MutexLock lock(mutex);
    return !finished;
}

bool Run::isStopRequested()
{
    detail::MutexLock lock(mutex);
    return stopRequested;
}

void Run::closeAndFinish()
{
    out.close();
    err.close();
    detail::MutexLock lock(mutex);
    finished = true;
    changed.notify_all();
}

std::unique_ptr<Session> Run::adopt(std::unique_ptr<Session> s)
{
    detail::MutexLock lock(mutex);
    if (stopRequested)
        return s;
    session = std::move(s);
    stale = false;
    return nullptr;
}

Run::Began Run::awaitBegin(const std::shared_ptr<Run>& self, std::unique_ptr<Session>* staleSession)
{
    detail::MutexLock lock(mutex);
    // No `till` of its own: the command's stop ends the session, and with
    // it this wait.
    detail::waitUntil(
        lock.native(), changed, Signal::never(), self,
        [this]() SKEIN_REQUIRES(mutex) { return begun || stale || finished; }, &Run::describeStart, this);
    if (begun || finished)
        return Began::Yes;
    *staleSession = std::move(session);
    return Began::SessionWasStale;
}

bool Run::settle(const std::shared_ptr<Run>& run, const Signal& till)
{
    Run& r = *run;
    detail::MutexLock lock(r.mutex);
    for (;;) {
        if (!detail::waitUntil(
                lock.native(), r.changed, till, run,
                [&r]() SKEIN_REQUIRES(r.mutex) { return r.finished && !r.discarding; }, &Run::describeJoin, &r))
            return false;
        if (!r.session)
            return true;
        // Not reused (stopped, or ended): stopped, with what its command
        // started, and joined, before anyone returns from here.
        std::unique_ptr<Session> discarded = std::move(r.session);
        r.discarding = true;
        lock.unlock();
        pool().discard(std::move(discarded));
        lock.lock();
        r.discarding = false;
        r.changed.notify_all();
    }
}

std::optional<int> Run::outcome()
{
    detail::MutexLock lock(mutex);
    if (completed)
        return exitCode;
    if (stopRequested)
        return std::nullopt;
    throw Error(what + ": its shell session ended while it ran");
}

}  // namespace

struct Command::Private : Run {
    using Run::Run;
};

Command::Command(std::shared_ptr<Private> run, QString commandLine)
    : d(std::move(run)), commandLine_(std::move(commandLine))
{}

Command::Command(Command&& other) noexcept : d(std::move(other.d)), commandLine_(other.commandLine_) {}

Command& Command::operator=(Command&& other) noexcept
{
    if (this != &other) {
        Command old(std::move(*this));
        d = std::move(other.d);
        commandLine_ = other.commandLine_;
    }
    return *this;
}

Command::~Command()
{
    if (!d)
        return;
    d->stop();
    Run::settle(d, Signal::never());
}

std::shared_ptr<Command::Private> Command::self(const char* operation) const
{
    if (!d)
        throw UsageError("Command '" + commandLine_.toStdString() + "': " + operation +
                         "() on a handle moved from");
    return d;
}

Command Command::start(const QString& commandLine, const Signal& till, const Options& options)
{
    if (commandLine.contains(QChar(0)))
        throw InvalidArgument("Command '" + commandLine.toStdString() +
                              "': a command line cannot hold a NUL character");
    const QString marker = freshMarker();
    // The script for this platform's shell: a start marker on both streams,
    // the command, its status and an end marker (process_platform_p.h).
    const QByteArray lines = detail::platform::commandScript(commandLine, marker, options.isolated);
    auto d = std::make_shared<Private>(commandLine, marker.toStdString(), options.maxQueuedLines);
    Run::watch(d, till, Thread::current().pleaseStop());
    // From here on, its destructor ends whatever this leaves running.
    Command command(d, commandLine);

    // A session may have died since it was last used: if it ends before the
    // command reaches it, the command never ran, and a new session runs it.
    for (int attempt = 1;; ++attempt) {
        if (d->isStopRequested()) {
            d->closeAndFinish();
            return command;
        }
        std::unique_ptr<Session> session;
        try {
            session = pool().acquire(options);
        } catch (...) {
            d->closeAndFinish();
            throw;
        }
        Router& router = *session->router;
        Process& shell = *session->shell;
        std::unique_ptr<Session> stale;
        if (router.attach(d)) {
            if (auto refused = d->adopt(std::move(session))) {
                // Stopped before its script was written: the session is as good as before.
                router.detach();
                pool().release(std::move(refused));
                d->closeAndFinish();
                return command;
            }
            shell.write(lines);
            if (d->awaitBegin(d, &stale) == Run::Began::Yes)
                return command;
        } else {
            stale = std::move(session);
        }
        pool().discard(std::move(stale));
        if (attempt > 1) {
            d->closeAndFinish();
            throw Error(d->what + ": a new shell session ended before running it");
        }
    }
}

Command Command::start(const QString& commandLine, const Signal& till) { return start(commandLine, till, Options()); }

std::optional<Command::Result> Command::run(const QString& commandLine, const Signal& till, const Options& options)
{
    Options unbounded = options;
    unbounded.maxQueuedLines = 0;  // one Queue is read to its end before the other
    Command command = start(commandLine, till, unbounded);
    Result result;
    while (auto line = command.d->out.pop())
        result.stdoutLines.push_back(std::move(*line));
    while (auto line = command.d->err.pop())
        result.stderrLines.push_back(std::move(*line));
    Run::settle(command.d, Signal::never());
    const std::optional<int> code = command.d->outcome();
    if (!code)
        return std::nullopt;
    result.exitCode = *code;
    return result;
}

std::optional<Command::Result> Command::run(const QString& commandLine, const Signal& till)
{
    return run(commandLine, till, Options());
}

Queue<std::string>& Command::stdoutLines() { return self("stdoutLines")->out; }
Queue<std::string>& Command::stderrLines() { return self("stderrLines")->err; }

namespace {

// A stopped command reports what a shell reports for one ended by SIGTERM.
bool joinRun(const std::shared_ptr<Run>& run, const Signal& till, int* exitCode)
{
    if (!Run::settle(run, till))
        return false;
    const std::optional<int> code = run->outcome();
    if (exitCode)
        *exitCode = code ? *code : 128 + SIGTERM;
    return true;
}

}  // namespace

int Command::join()
{
    int code = 0;
    joinRun(self("join"), Signal::never(), &code);
    return code;
}

bool Command::tryJoin(const Signal& till, int* exitCode) { return joinRun(self("tryJoin"), till, exitCode); }

void Command::stop() { self("stop")->stop(); }

bool Command::isRunning() const
{
    return self("isRunning")->isRunning();
}

QString Command::commandLine() const { return commandLine_; }

void Command::setIdleTimeout(std::chrono::milliseconds timeout) { pool().setIdleTimeout(timeout); }
std::size_t Command::sessionCount() { return pool().count(); }
void Command::closeIdleSessions() { pool().closeIdle(); }

}  // namespace skein
