// Skein — MainThread, RegisterThread and shutdown.
//
// MainThread is an RAII guard made first thing in main(). While it lives,
// SIGINT and SIGTERM become main's pleaseStop (no work is done in the signal
// handler: a watcher thread turns the signal into a Signal). Its destructor
// shuts down:
//   1. main's pleaseStop goes, reaching every thread, newest first;
//   2. every pending Till goes at once, so no thread waits on a timeout;
//   3. every thread is joined, children before parents; a thread that was
//      asked to stop and has not stopped after the grace period is named in a
//      warning, with what it waits on, and again with back-off;
//   4. a failure that nobody joined is logged (and rethrown by
//      waitForShutdown()).
// A program without MainThread still exits cleanly: at exit, its threads are
// asked to stop and given the grace period.
//
// RegisterThread makes a thread Skein did not start a named member of the
// tree (parent: main) for as long as the guard lives: it gets a pleaseStop,
// shutdown asks it to stop and waits for the guard to end.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "skein/thread.h"

namespace skein {

class MainThread {
public:
    struct Options {
        bool exitOnStdin = false;  // a line "exit" on stdin stops main
    };

    MainThread();
    explicit MainThread(Options options);
    MainThread(const MainThread&) = delete;
    MainThread& operator=(const MainThread&) = delete;
    ~MainThread();

    // Blocks until SIGINT, SIGTERM, "exit" on stdin (if enabled) or stop();
    // then shuts down. Returns 0; rethrows the first failure of a thread
    // nobody joined (after logging it).
    int waitForShutdown();
    // Asks main to stop: waitForShutdown() returns.
    void stop();
    Thread thread() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

class RegisterThread {
public:
    explicit RegisterThread(std::string name);
    RegisterThread(const RegisterThread&) = delete;
    RegisterThread& operator=(const RegisterThread&) = delete;
    ~RegisterThread();

    Thread thread() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// How long a thread asked to stop may take before it is named in a warning.
// Default 2 s.
void setStopGracePeriod(std::chrono::milliseconds period);
std::chrono::milliseconds stopGracePeriod();

} // namespace skein
