// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — Process and Command: child processes in the thread tree.
///
/// A Process runs one program (argv as a list: no shell unless you run one)
/// on a Skein thread of its own, a child of the thread that made it (or of
/// `parent`), so it shows in the tree and stops with its parent. Its stdout
/// and stderr arrive as lines in two Queues, in order, each line without its
/// newline; a last line without a newline is delivered too; both Queues close
/// when the process has ended and every line is in. Lines are moved as bytes
/// (UTF-8 stays intact, even when a read splits a character). Like QProcess,
/// it needs a QCoreApplication; the application's event loop need not run
/// (each Process runs one of its own). Destroying the QCoreApplication stops
/// every Process still running and waits for it: after that, Qt would
/// deliver it no event, so nothing could end it.
///
/// Back-pressure: each Queue holds at most `maxQueuedLines` lines (0: no
/// bound). While one is full the process's output is not read, so a child
/// that writes faster than you read waits, as it would on a pipe, and memory
/// stays bounded. Read both Queues while it runs (or set 0) when a child may
/// write more than that: join() reads nothing. Closing a Queue yourself means
/// "no more of these lines": the rest of that stream is read and dropped.
///
/// Stopping: pleaseStop (stop(), or the parent stopping) sends SIGTERM, then
/// SIGKILL after the grace period. With `ownProcessGroup` the child leads a
/// process group of its own and both signals go to the whole group: what the
/// child started stops with it (once the child has ended, what is left of its
/// group is killed). Lines that no longer fit a full Queue after a stop are
/// dropped. The child is always reaped: no zombie.
///
/// join() returns the exit code. A process that dies by a signal it was not
/// sent by stop() throws skein::Error saying so ("crashed"); one that Skein
/// stopped returns 128 + the signal, as a shell would report it. A program that
/// cannot be started throws skein::Error naming it from the constructor, at
/// once. A Process that has ended has left the thread tree, whatever its exit.
///
/// Command runs shell command lines through a reused `sh` session per
/// (working directory, environment): starting a process per command is the
/// slow part, so a session saves it. Each command runs in a subshell of the
/// session, so `cd`, `exit` or a syntax error in one command cannot change or
/// end the session, and the next command starts from the session's own
/// directory and environment. Each command is framed by fresh random markers,
/// so output that looks like a marker is just output. A session that died
/// before the command reached it is replaced transparently; one that dies
/// while the command runs is an Error. Idle sessions close after a settable
/// time; sessions are children of the root thread (main) and are joined by
/// its shutdown.
///
/// Command::start() returns once the command runs in its session, as a
/// Command handle. Its lines arrive as a Process's do: two Queues, in order,
/// without newlines, the last partial line too, both closed at the end, each
/// bounded by `maxQueuedLines` with the same back-pressure (the command waits
/// while a Queue is full; join() reads nothing). The session's own reading
/// thread puts them there: a command costs no thread of its own. join()
/// returns the command's exit status; tryJoin(till) gives up when `till`
/// goes. Its command line's stdin is /dev/null.
///
/// Stopping a command: stop(), `till`, the thread that called start() being
/// asked to stop, or the handle's destruction. Nothing can stop a command
/// without its shell, so the session is stopped as a Process with its own
/// process group is (SIGTERM to all of it, SIGKILL after a grace period) and
/// discarded: the next command gets a new session, and other sessions are
/// untouched. join() then returns 128 + SIGTERM, as a shell reports a command
/// ended by SIGTERM, and by then everything the command started has been
/// killed and its shell reaped. A command that had ended already keeps its
/// exit status, and its session stays in the pool. A command started by a
/// thread that is stopping, or with a `till` that has gone, is never run.
/// Command::run() is start(), then every line collected into a Result, then
/// join(): nullopt instead of 128 + SIGTERM.
///
/// Memory ordering: what a thread did before start() happens before the
/// command runs; what the reading thread did before adding a line is visible
/// to the thread that pops it; join() and a true tryJoin() return after every
/// line was added and both Queues closed.
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

#include "skein/qt/skein_qt_export.h"
#include "skein/queue.h"
#include "skein/signal.h"
#include "skein/thread.h"

namespace skein {

namespace detail {
class ProcessLines;
struct ProcessAccess;
}  // namespace detail

/// A child process on a Skein thread of its own, its output lines in two
/// Queues, stopped with its thread. The contract is in process.h.
class SKEIN_QT_EXPORT Process {
public:
    /// How to run the program; the defaults are the caller's directory and
    /// environment.
    struct Options {
        /// The child's working directory; empty: the caller's.
        QString workingDirectory;
        /// The child's environment; nullopt: the caller's.
        std::optional<QProcessEnvironment> environment;
        /// How long after SIGTERM a stopped child gets SIGKILL.
        std::chrono::milliseconds killGrace{2000};
        /// The thread to run under; nullopt: the calling thread.
        std::optional<Thread> parent;
        /// The bound of each line Queue; 0: unbounded.
        std::size_t maxQueuedLines = 65536;
        /// True: the child leads a process group, and stopping signals it all.
        bool ownProcessGroup = false;
    };

    /// Starts `program` with `arguments` (no shell) and the default Options,
    /// as a thread named `name`. Throws skein::Error when it cannot start.
    Process(std::string name, QString program, QStringList arguments = {});
    /// As above, with `options`.
    Process(std::string name, QString program, QStringList arguments, Options options);
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    /// Stops the process if it still runs, and joins it.
    ~Process();

    /// The child's stdout, a line per item without its newline; closed once
    /// the child has ended and every line is in.
    Queue<std::string>& stdoutLines();
    /// The child's stderr, as stdoutLines().
    Queue<std::string>& stderrLines();

    /// Writes to the child's stdin (queued to the process's thread).
    void write(QByteArray bytes);
    /// Closes the child's stdin (queued after the writes before it).
    void closeStdin();

    /// Waits for the end; returns the exit code (see the contract).
    int join();
    /// False when `till` went first; otherwise as join() (the code in `exitCode`).
    bool tryJoin(const Signal& till, int* exitCode = nullptr);
    /// Asks the process's thread to stop: SIGTERM, then SIGKILL after the
    /// grace period. Returns at once; join() waits.
    void stop();
    /// True until the process's thread has ended.
    bool isRunning() const;
    /// The child's process id (0 if it never started).
    qint64 processId() const;
    /// The process's thread in the tree.
    Thread thread() const;
    /// The name given at construction (the thread's name).
    std::string name() const;

private:
    friend struct detail::ProcessAccess;
    Process(std::string name, QString program, QStringList arguments, Options options,
            std::shared_ptr<detail::ProcessLines> lines);

    struct Private;
    std::shared_ptr<Private> d;
};

/// A shell command line running in a reused `sh` session, its output lines
/// in two Queues as it runs; or, through the static run(), the whole of it
/// at once. The contract is in process.h.
///
/// Made by start(), like a QProcess made by QProcess::start(); run() is the
/// convenience on top, as QProcess::execute() is. A Command is a move-only
/// handle: destroying it (or assigning another to it) stops the command if
/// it still runs and waits for it. join(), tryJoin(), stop() and
/// isRunning() are safe from any thread, concurrently; threads blocked in
/// join() or in its Queues while the handle is destroyed return (the stopped
/// command's code; a closed Queue). Moving a handle is not thread-safe.
class SKEIN_QT_EXPORT Command {
public:
    /// What a command printed, and its exit code.
    struct Result {
        /// The command's exit status.
        int exitCode = 0;
        /// Its stdout, a line per item, without newlines.
        std::vector<std::string> stdoutLines;
        /// Its stderr, as stdoutLines.
        std::vector<std::string> stderrLines;
    };
    /// Where, with what environment, and how isolated a command runs; each
    /// combination has sessions of its own.
    struct Options {
        /// The session's working directory; empty: the caller's.
        QString workingDirectory;
        /// The session's environment; nullopt: the caller's.
        std::optional<QProcessEnvironment> environment;
        /// Isolated (the default): each command runs in a subshell of its
        /// session, so whatever it changes (the directory, variables, shell
        /// options, an exit) ends with it; the subshell's fork is most of what
        /// a short command costs. Not isolated: the command runs in the
        /// session's shell itself, with no fork for a builtin or a function,
        /// several times faster for short commands; what it changes stays for
        /// the next commands run in that session (isolated and shared commands
        /// never share a session), and a command that exits the shell ends the
        /// session: join() and run() throw skein::Error.
        bool isolated = true;
        /// The bound of each line Queue of a started command; 0: unbounded.
        /// run() keeps every line anyway: it ignores this.
        std::size_t maxQueuedLines = 65536;
    };

    /// Starts `commandLine` in a session's shell and returns once it runs
    /// there. The command is stopped when `till` goes, when the calling
    /// thread is asked to stop, or by stop(); a stopped command's session is
    /// stopped with everything the command started. Throws
    /// skein::InvalidArgument for a command line with a NUL character, and
    /// skein::Error when no session can start.
    static Command start(const QString& commandLine, const Signal& till, const Options& options);
    /// The same with the default Options.
    static Command start(const QString& commandLine, const Signal& till = Signal::never());

    /// Runs `commandLine` in a session's shell and returns what it printed
    /// and its exit code: start() and join(), every line kept. nullopt when
    /// the command was stopped before it ended (`till` went, or the calling
    /// thread was asked to stop): nothing it started is left running. Throws
    /// as start() and join() do.
    static std::optional<Result> run(const QString& commandLine, const Signal& till, const Options& options);
    /// The same with the default Options.
    static std::optional<Result> run(const QString& commandLine, const Signal& till = Signal::never());

    /// Takes over `other`'s command; `other` is left empty (any use but
    /// destruction or assignment throws skein::UsageError).
    Command(Command&& other) noexcept;
    /// Stops and waits for this handle's command (if any, as the destructor
    /// does), then takes over `other`'s.
    Command& operator=(Command&& other) noexcept;
    Command(const Command&) = delete;
    Command& operator=(const Command&) = delete;
    /// Stops the command if it still runs, and waits for it.
    ~Command();

    /// The command's stdout, a line per item without its newline; closed
    /// once the command has ended (or was stopped) and every line is in.
    Queue<std::string>& stdoutLines();
    /// The command's stderr, as stdoutLines().
    Queue<std::string>& stderrLines();

    /// Waits for the end and returns the exit code: the command's exit
    /// status; 128 + SIGTERM when it was stopped before it ended. Throws
    /// skein::Error naming the command when its session ended while it ran.
    int join();
    /// False when `till` went first (the command runs on); otherwise as
    /// join(), with the code in `*exitCode` (if given).
    bool tryJoin(const Signal& till, int* exitCode = nullptr);
    /// Asks the command to stop: its session is stopped (SIGTERM to the
    /// session's process group, SIGKILL after a grace period). Returns at
    /// once; join() waits. Does nothing once the command has ended. Safe
    /// from any thread.
    void stop();
    /// True until the command has ended (or was stopped) and both Queues
    /// are closed.
    bool isRunning() const;
    /// The command line given to start().
    QString commandLine() const;

    /// Sessions idle longer than this are closed. Default 60 s.
    static void setIdleTimeout(std::chrono::milliseconds timeout);
    /// Sessions whose shell runs now (busy or idle).
    static std::size_t sessionCount();
    /// Closes every idle session now.
    static void closeIdleSessions();

private:
    struct Private;
    Command(std::shared_ptr<Private> d, QString commandLine);
    std::shared_ptr<Private> self(const char* operation) const;

    std::shared_ptr<Private> d;
    QString commandLine_;  // kept by a moved-from handle, to name it
};

}  // namespace skein
