// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — MainThread, RegisterThread and shutdown.
///
/// MainThread is an RAII guard made first thing in main(). While it lives,
/// SIGINT and SIGTERM become main's pleaseStop (no work is done in the signal
/// handler: a watcher thread turns the signal into a Signal); on Windows,
/// Ctrl+C, Ctrl+Break and the console closing (or logoff, shutdown) do the
/// same. Its destructor shuts down:
///   1. main's pleaseStop goes, reaching every thread, newest first;
///   2. every pending Till goes at once, so no thread waits on a timeout;
///   3. every thread is joined, children before parents; a thread that was
///      asked to stop and has not stopped after the grace period is named in a
///      warning, with what it waits on, and again with back-off;
///   4. a failure that nobody joined is logged (and rethrown by
///      waitForShutdown()).
/// A thread that has not stopped by the stop time limit is given up on: named
/// in an error and left running, so that shutdown always completes.
/// A program without MainThread still exits cleanly: at exit, its threads are
/// asked to stop and waited for in the same way (warnings, then the limit).
///
/// Stragglers are named while the program runs too, whether or not anyone
/// joins them: a thread asked to stop that outstays the grace period is
/// named (path, and what it waits on) by the join that waits for it, or
/// else by the timer thread; once per step of the back-off, however many
/// joins wait for it. A thread that is joining its children is not named:
/// the children that hold it up are.
///
/// RegisterThread makes a thread Skein did not start a named member of the
/// tree (parent: main) for as long as the guard lives: it gets a pleaseStop,
/// shutdown asks it to stop and waits for the guard to end.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "skein/skein_export.h"
#include "skein/thread.h"

namespace skein {

/// The RAII guard made first thing in main(): signals become main's
/// pleaseStop, and its destructor shuts every thread down, children first.
/// One per process. The contract is in main_thread.h.
class SKEIN_EXPORT MainThread {
public:
    /// What, besides SIGINT, SIGTERM and stop(), ends waitForShutdown().
    struct Options {
        bool exitOnStdin = false;  ///< a line "exit" on stdin stops main
    };

    /// Installs the SIGINT/SIGTERM handling. Throws UsageError when a
    /// MainThread exists already in the process.
    MainThread();
    /// As MainThread(), with `options`.
    explicit MainThread(Options options);
    MainThread(const MainThread&) = delete;
    MainThread& operator=(const MainThread&) = delete;
    ~MainThread();

    /// Blocks until SIGINT, SIGTERM, "exit" on stdin (if enabled) or stop();
    /// then shuts down. Rethrows the first failure of a thread nobody joined
    /// (after logging it). Otherwise returns 0, or 1 when shutdown gave up on
    /// a thread that did not stop (see setStopTimeLimit()): an exit code.
    int waitForShutdown();
    /// Asks main to stop: waitForShutdown() returns.
    void stop();
    /// The process's main thread, "main", root of the thread tree.
    Thread thread() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// An RAII guard that makes a thread Skein did not start a member of the
/// thread tree, named `name`, child of main, while it lives. The contract is
/// in main_thread.h.
class SKEIN_EXPORT RegisterThread {
public:
    /// Registers the calling thread. Throws UsageError on a thread Skein
    /// started or one registered already, InvalidArgument for an empty name.
    explicit RegisterThread(std::string name);
    RegisterThread(const RegisterThread&) = delete;
    RegisterThread& operator=(const RegisterThread&) = delete;
    ~RegisterThread();

    /// The registered thread: its pleaseStop tells it to end.
    Thread thread() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// How long a thread asked to stop may take before it is named in a warning,
/// counted from when it was asked (from its start, when it was asked
/// before). Default 2 s. Zero names it at once; a negative period is zero;
/// milliseconds::max() never names it. After the first warning, the next
/// comes after twice the previous interval, and never sooner than 100 ms
/// after the one before: a zero grace period warns at 0, 100 ms, 300 ms,
/// 700 ms… and never in a busy loop.
SKEIN_EXPORT void setStopGracePeriod(std::chrono::milliseconds period);
/// The grace period now in force (see setStopGracePeriod()).
SKEIN_EXPORT std::chrono::milliseconds stopGracePeriod();

/// How long shutdown (MainThread's destructor, waitForShutdown(), or the exit
/// of a program without MainThread) waits for threads that were asked to stop
/// before it gives up on them. Counted from the start of shutdown. A thread
/// still running then is named in an error (with what it waits on), left
/// running, detached, and shutdown completes: waitForShutdown() then returns
/// 1, and a program that exits runs on into static destruction beside it (so
/// such a thread must not use objects that are destroyed at exit). Only
/// shutdown gives up: join() waits as long as it takes, naming the straggler
/// in warnings. milliseconds::max() never gives up; a negative limit is zero.
/// Read once, when shutdown begins.
///
/// Default 8 s: a thread that ignores pleaseStop is named twice in warnings
/// first (after 2 s and 6 s, with the default grace period); a thread that is
/// merely slow (a flush, a network round-trip) has ample time; and the
/// process still ends, with that error logged, before `docker stop` (10 s),
/// Kubernetes (30 s) or systemd (90 s) would kill it without a word.
SKEIN_EXPORT void setStopTimeLimit(std::chrono::milliseconds limit);
/// The stop time limit now in force (see setStopTimeLimit()).
SKEIN_EXPORT std::chrono::milliseconds stopTimeLimit();

}  // namespace skein
