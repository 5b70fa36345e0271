// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Command: shell command lines run through reused `sh` sessions.
#include <QtCore/QRandomGenerator>

#include <algorithm>
#include <atomic>
#include <list>

#include "skein/error.h"
#include "skein/qt/process.h"
#include "skein/till.h"
#include "skein/detail/mutex.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;

struct Session {
    QString key;  // working directory and environment
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

Thread rootThread()
{
    Thread t = Thread::current();
    while (const auto p = t.parent())
        t = *p;
    return t;
}

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
        Process::Options processOptions;
        processOptions.workingDirectory = options.workingDirectory;
        processOptions.environment = options.environment;
        processOptions.parent = rootThread();
        processOptions.killGrace = std::chrono::milliseconds(200);
        processOptions.maxQueuedLines = 0;      // a command's lines are all kept in its Result anyway
        processOptions.ownProcessGroup = true;  // stopping a session stops what its commands started
        try {
            session->shell = std::make_unique<Process>("command-session-" + std::to_string(++made_),
                                                       QStringLiteral("/bin/sh"), QStringList(), processOptions);
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

// A shell word that is exactly `text`.
QString singleQuoted(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

// The lines written to the session for one command: a start marker on both
// streams, the command (its stdin is not ours) in a subshell when isolated,
// else run by the session's shell itself (`command eval`: a syntax error does
// not end the shell, as it would with a bare eval), then its status and an
// end marker.
QByteArray script(const QString& commandLine, const QString& marker, bool isolated)
{
    const QString command =
        isolated ? QStringLiteral("( eval %1 ) </dev/null\n") : QStringLiteral("{ command eval %1\n} </dev/null\n");
    return (QStringLiteral("printf '%1\\n'; printf '%1\\n' >&2\n").arg(marker) +
            command.arg(singleQuoted(commandLine)) +
            QStringLiteral("printf '%1 %d\\n' \"$?\"; printf '%1\\n' >&2\n").arg(marker))
        .toUtf8();
}

enum class Read { Marker, TillWent, Ended };

// Pops lines from `lines` until one ending with `marker`; the lines before it
// go to `into` (if given), and so does text before the marker on its line (a
// last line without a newline). `*rest` receives what follows the marker.
Read readThroughMarker(Queue<std::string>& lines, const std::string& marker, const Signal& till,
                       std::vector<std::string>* into, std::string* rest)
{
    for (;;) {
        std::optional<std::string> line = lines.pop(till);
        if (!line)
            return till ? Read::TillWent : Read::Ended;
        const auto at = line->rfind(marker);
        if (at == std::string::npos) {
            if (into)
                into->push_back(std::move(*line));
            continue;
        }
        if (into && at > 0)
            into->push_back(line->substr(0, at));
        if (rest)
            *rest = line->substr(at + marker.size());
        return Read::Marker;
    }
}

}  // namespace

std::optional<Command::Result> Command::run(const QString& commandLine, const Signal& till, const Options& options)
{
    const QString marker = freshMarker();
    const std::string mark = marker.toStdString();
    const QByteArray lines = script(commandLine, marker, options.isolated);
    const std::string what = "Command '" + commandLine.toStdString() + "'";

    // A session may have died since it was last used: if it ends before the
    // command reaches it, the command never ran, and a new session runs it.
    for (int attempt = 1;; ++attempt) {
        std::unique_ptr<Session> session = pool().acquire(options);
        Process& shell = *session->shell;
        shell.write(lines);
        // Anything before the start markers is not this command's (a
        // background job of an earlier one): dropped.
        Read read = readThroughMarker(shell.stdoutLines(), mark, till, nullptr, nullptr);
        if (read == Read::Marker)
            read = readThroughMarker(shell.stderrLines(), mark, till, nullptr, nullptr);
        if (read == Read::Ended) {
            pool().discard(std::move(session));
            if (attempt == 1)
                continue;
            throw Error(what + ": a new shell session ended before running it");
        }
        Result result;
        std::string status;
        if (read == Read::Marker)
            read = readThroughMarker(shell.stdoutLines(), mark, till, &result.stdoutLines, &status);
        if (read == Read::Marker)
            read = readThroughMarker(shell.stderrLines(), mark, till, &result.stderrLines, nullptr);
        if (read == Read::Marker) {
            result.exitCode = std::atoi(status.c_str());
            pool().release(std::move(session));
            return result;
        }
        pool().discard(std::move(session));
        if (read == Read::TillWent)
            return std::nullopt;
        throw Error(what + ": its shell session ended while it ran");
    }
}

std::optional<Command::Result> Command::run(const QString& commandLine, const Signal& till)
{
    return run(commandLine, till, Options());
}

void Command::setIdleTimeout(std::chrono::milliseconds timeout) { pool().setIdleTimeout(timeout); }
std::size_t Command::sessionCount() { return pool().count(); }
void Command::closeIdleSessions() { pool().closeIdle(); }

}  // namespace skein
