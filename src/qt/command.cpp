// Command: shell command lines run through reused `sh` sessions.
#include <QtCore/QRandomGenerator>

#include <algorithm>
#include <atomic>
#include <list>
#include <mutex>

#include "skein/error.h"
#include "skein/qt/process.h"
#include "skein/till.h"

namespace skein {

namespace {

using Clock = std::chrono::steady_clock;

struct Session {
    QString key;  // working directory and environment
    std::unique_ptr<Process> shell;
    std::uint64_t idleSince = 0;  // guarded by the pool's mutex: which release() made it idle
};

QString keyOf(const Command::Options& options)
{
    QString key = options.workingDirectory + QLatin1Char('\n');
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
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (auto it = idle_.begin(); it != idle_.end(); ++it) {
                if ((*it)->key != key)
                    continue;
                auto session = std::move(*it);
                idle_.erase(it);
                if (session->shell->isRunning())
                    return session;
                --count_;  // it died while idle: replace it
            }
            ++count_;
        }
        auto session = std::make_unique<Session>();
        session->key = key;
        Process::Options processOptions;
        processOptions.workingDirectory = options.workingDirectory;
        processOptions.environment = options.environment;
        processOptions.parent = rootThread();
        processOptions.killGrace = std::chrono::milliseconds(200);
        try {
            session->shell = std::make_unique<Process>(
                "command-session-" + std::to_string(++made_), QStringLiteral("/bin/sh"), QStringList(), processOptions);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            --count_;
            throw;
        }
        return session;
    }

    void release(std::unique_ptr<Session> session)
    {
        Session* raw = session.get();
        std::uint64_t release = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            release = session->idleSince = ++releases_;
            idle_.push_back(std::move(session));
        }
        // Close it if it is still idle, since this release, when the timeout comes.
        Till(std::chrono::milliseconds(idleMillis_.load())).then([this, raw, release] { closeIfIdle(raw, release); });
    }

    void discard(std::unique_ptr<Session> session)
    {
        session->shell->stop();
        session.reset();  // joins its thread
        std::lock_guard<std::mutex> lock(mutex_);
        --count_;
    }

    void closeIdle()
    {
        std::list<std::unique_ptr<Session>> idle;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            idle.swap(idle_);
            count_ -= idle.size();
        }
        idle.clear();  // each stops and joins its shell
    }

    std::size_t count()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto closed = std::count_if(idle_.begin(), idle_.end(), [](const auto& s) { return !s->shell->isRunning(); });
        return count_ - std::size_t(closed);
    }

    std::atomic<std::int64_t> idleMillis_{60000};

private:
    // On the timer thread: only asks the shell to end (closing its stdin);
    // the Session is destroyed, and its thread joined, by the next caller.
    void closeIfIdle(const Session* session, std::uint64_t release)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& s : idle_)
            if (s.get() == session && s->idleSince == release)
                s->shell->closeStdin();
    }

    std::mutex mutex_;
    std::list<std::unique_ptr<Session>> idle_;  // guarded by mutex_
    std::size_t count_ = 0;                     // guarded by mutex_
    std::uint64_t releases_ = 0;                // guarded by mutex_
    std::atomic<int> made_{0};
};

Pool& pool()
{
    static Pool* const instance = new Pool;
    return *instance;
}

// `line` ends with "<marker> <code>": the end of the command's output.
bool endsWithMarker(const std::string& line, const std::string& marker, std::string* before, int* code)
{
    const auto at = line.rfind(marker);
    if (at == std::string::npos)
        return false;
    const std::string rest = line.substr(at + marker.size());
    if (code) {
        if (rest.size() < 2 || rest[0] != ' ')
            return false;
        *code = std::atoi(rest.c_str() + 1);
    } else if (!rest.empty()) {
        return false;
    }
    *before = line.substr(0, at);
    return true;
}

// Reads `lines` up to the marker; false when `till` went or the shell ended.
bool readUntilMarker(Queue<std::string>& lines, const std::string& marker, const Signal& till,
                     std::vector<std::string>& into, int* code)
{
    for (;;) {
        std::optional<std::string> line = lines.pop(till);
        if (!line)
            return false;
        std::string before;
        if (endsWithMarker(*line, marker, &before, code)) {
            if (!before.empty())
                into.push_back(std::move(before));  // a last line without a newline
            return true;
        }
        into.push_back(std::move(*line));
    }
}

} // namespace

std::optional<Command::Result> Command::run(const QString& commandLine, const Signal& till, const Options& options)
{
    const QString marker = QStringLiteral("__skein_%1%2__")
                               .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'))
                               .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    std::unique_ptr<Session> session = pool().acquire(options);
    // The command reads no stdin of ours; its status and the markers follow it.
    session->shell->write((QStringLiteral("{\n%1\n} </dev/null\n__skein_rc=$?\n"
                                          "printf '%2 %d\\n' \"$__skein_rc\"\nprintf '%2\\n' >&2\n")
                               .arg(commandLine, marker))
                              .toUtf8());
    Result result;
    const std::string mark = marker.toStdString();
    const bool outDone = readUntilMarker(session->shell->stdoutLines(), mark, till, result.stdoutLines, &result.exitCode);
    const bool errDone = outDone && readUntilMarker(session->shell->stderrLines(), mark, till, result.stderrLines, nullptr);
    if (outDone && errDone) {
        pool().release(std::move(session));
        return result;
    }
    if (till) {
        pool().discard(std::move(session));
        return std::nullopt;
    }
    // The command ended the shell itself (exit, exec, …): its status is the shell's.
    for (auto& line : session->shell->stdoutLines().popAll())
        result.stdoutLines.push_back(std::move(line));
    for (auto& line : session->shell->stderrLines().popAll())
        result.stderrLines.push_back(std::move(line));
    result.exitCode = session->shell->join();
    pool().discard(std::move(session));
    return result;
}

void Command::setIdleTimeout(std::chrono::milliseconds timeout) { pool().idleMillis_ = timeout.count(); }
std::size_t Command::sessionCount() { return pool().count(); }
void Command::closeIdleSessions() { pool().closeIdle(); }

} // namespace skein
