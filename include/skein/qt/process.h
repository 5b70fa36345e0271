// Skein — Process and Command: child processes in the thread tree.
//
// A Process runs one program (argv as a list: no shell unless you run one)
// on a Skein thread of its own, a child of the thread that made it (or of
// `parent`), so it shows in the tree and stops with its parent. Its stdout
// and stderr arrive as lines in two Queues, in order, each line without its
// newline; a last line without a newline is delivered too; both Queues close
// when the process has ended and every line is in. Lines are moved as bytes
// (UTF-8 stays intact).
//
// Stopping: pleaseStop (stop(), or the parent stopping) sends SIGTERM, then
// SIGKILL after the grace period. The child is always reaped: no zombie.
//
// join() returns the exit code. A process that dies by a signal it was not
// sent by stop() throws skein::Error saying so ("crashed"); one that Skein
// stopped returns 128 + the signal, as a shell would report it. A program that
// cannot be started throws skein::Error naming it from the constructor.
//
// Command runs shell command lines through a reused `sh` session per
// (working directory, environment): starting a process per command is the
// slow part, so a session saves it. Each command ends with a fresh random
// marker, so output that looks like a marker is just output. A session that
// dies is replaced; idle sessions close after a settable time; sessions are
// children of main and join at shutdown.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "skein/queue.h"
#include "skein/signal.h"
#include "skein/thread.h"

namespace skein {

class Process {
public:
    struct Options {
        QString workingDirectory;  // empty: the caller's
        std::optional<QProcessEnvironment> environment;  // empty: the caller's
        std::chrono::milliseconds killGrace{2000};        // SIGTERM, then SIGKILL after this
        std::optional<Thread> parent;                     // empty: the calling thread
    };

    Process(std::string name, QString program, QStringList arguments = {});
    Process(std::string name, QString program, QStringList arguments, Options options);
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    // Stops the process if it still runs, and joins it.
    ~Process();

    Queue<std::string>& stdoutLines();
    Queue<std::string>& stderrLines();

    // Writes to the child's stdin (queued to the process's thread).
    void write(QByteArray bytes);
    void closeStdin();

    // Waits for the end; returns the exit code (see the contract).
    int join();
    // False when `till` went first; otherwise as join() (the code in `exitCode`).
    bool tryJoin(const Signal& till, int* exitCode = nullptr);
    void stop();
    bool isRunning() const;
    // The child's process id (0 if it never started).
    qint64 processId() const;
    Thread thread() const;
    std::string name() const;

private:
    struct Private;
    std::shared_ptr<Private> d;
};

class Command {
public:
    struct Result {
        int exitCode = 0;
        std::vector<std::string> stdoutLines;
        std::vector<std::string> stderrLines;
    };
    struct Options {
        QString workingDirectory;
        std::optional<QProcessEnvironment> environment;
    };

    // Runs `commandLine` in a session's shell. nullopt when `till` went
    // first (that session is stopped: the command is not left running).
    static std::optional<Result> run(const QString& commandLine, const Signal& till = Signal::never(),
                                     const Options& options = {});

    // Sessions idle longer than this are closed. Default 60 s.
    static void setIdleTimeout(std::chrono::milliseconds timeout);
    // Sessions whose shell runs now (busy or idle).
    static std::size_t sessionCount();
    // Closes every idle session now.
    static void closeIdleSessions();
};

} // namespace skein
