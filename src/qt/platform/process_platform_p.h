// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: what Process and Command need from the operating system,
// behind one small interface. process_posix.cpp implements it with process
// groups, signals and /bin/sh; process_windows.cpp with a Job object, a
// console process group, QProcess::terminate()/kill() and cmd.exe.
// src/qt/CMakeLists.txt compiles one of the two; nothing else in the Qt
// layer includes an OS header or tests an OS macro for these.
//
// Internal: nothing here is exported from Skein::Qt.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <memory>
#include <string>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace skein::detail::platform {

// --- A child and what it started ---------------------------------------------

// One child process and, with `ownGroup`, everything it starts: how it is
// asked to stop, and killed. Made before QProcess::start(), on the thread
// the QProcess lives on, and used only there; the QProcess outlives it.
//
//            POSIX                              Windows
// ownGroup   the child leads a process group    the child is created in a Job
//            (setpgid in the forked child)      object of its own and leads a
//                                               new console process group
// askToStop  SIGTERM (to the group with         QProcess::terminate() (WM_CLOSE
//            ownGroup, else to the child)       to its windows and main thread);
//                                               with ownGroup and a shared
//                                               console, CTRL_BREAK_EVENT to
//                                               the group too
// kill       SIGKILL (to the group, or child)   TerminateJobObject with ownGroup,
//                                               else QProcess::kill()
// killRemains after a stop, with ownGroup: what is left of the group (job)
//            once the child itself has ended is killed
class ChildTree {
public:
    // Prepares `process` (before start()).
    ChildTree(QProcess& process, bool ownGroup);
    ChildTree(const ChildTree&) = delete;
    ChildTree& operator=(const ChildTree&) = delete;
    ~ChildTree();

    // The child has started (QProcess::waitForStarted() returned true).
    void started();
    // Asks the child (with ownGroup: its tree) to stop; it may refuse.
    void askToStop();
    // Kills the child (with ownGroup: its tree) now.
    void kill();
    // The child has ended after a stop: with ownGroup, what it started and
    // left behind is killed; without, nothing.
    void killRemains();

private:
    struct Native;  // each platform's own state

    QProcess& process_;
    const bool ownGroup_;
    qint64 pid_ = 0;  // the child's id once started
    std::unique_ptr<Native> native_;
};

// --- How a child that crashed reads ------------------------------------------

// QProcess reports a CrashExit with a code: on POSIX the signal that ended
// the child, on Windows its exit code (an NTSTATUS such as 0xC0000005, or
// the code QProcess::kill() and ChildTree::kill() give).

// The exit code join() returns for a child that Skein stopped and that
// ended as a crash: POSIX 128 + the signal, as a shell reports it; Windows
// the exit code itself.
int stoppedCrashExitCode(int qtExitCode);
// The end of an Error's words for a child that crashed unasked: "killed by
// signal 11"; "exit code 0xC0000005".
std::string describeCrash(int qtExitCode);

// --- Lines ---------------------------------------------------------------------

// True where a child's text lines end in "\r\n" (Windows): the '\r' is part
// of the newline, and is dropped with it. False on POSIX, where a '\r' before
// the '\n' is the line's own.
bool newlineHasCarriageReturn();

// --- Command's shell -----------------------------------------------------------

// The shell a Command session runs, reading command scripts on its stdin:
// /bin/sh; cmd.exe (%ComSpec%) on Windows.
QString shellProgram();
QStringList shellArguments();

// The lines written to a session for one command line: a start marker on
// both streams, the command line with its stdin empty (isolated: in a child
// shell of the session; else in the session's shell itself), then on stdout
// the end marker, a space and the command's exit status, and the end marker
// on stderr. Throws skein::InvalidArgument for a command line this shell
// cannot take (Windows: one with a line break).
QByteArray commandScript(const QString& commandLine, const QString& marker, bool isolated);

}  // namespace skein::detail::platform
