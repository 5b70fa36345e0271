// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — Process and Command on POSIX systems: a child that leads its own
// process group, SIGTERM and SIGKILL to it, and /bin/sh for Command
// sessions. The interface and what each call means: process_platform_p.h.
#include "process_platform_p.h"

#include <QtCore/QProcess>

#include <csignal>
#include <string>

#include <sys/types.h>
#include <unistd.h>

namespace skein::detail::platform {

struct ChildTree::Native {};  // the child's id is all POSIX needs

namespace {

// To the child, or to its whole group. Does nothing once the child has
// ended: QProcess then reports no id.
void signalChild(const QProcess& process, bool group, int signal)
{
    const auto childPid = pid_t(process.processId());
    if (childPid <= 0)
        return;
    ::kill(group ? -childPid : childPid, signal);
}

}  // namespace

ChildTree::ChildTree(QProcess& process, bool ownGroup) : process_(process), ownGroup_(ownGroup)
{
    if (ownGroup_)
        process_.setChildProcessModifier([] { ::setpgid(0, 0); });
}

ChildTree::~ChildTree() = default;

void ChildTree::started() { pid_ = process_.processId(); }

void ChildTree::askToStop() { signalChild(process_, ownGroup_, SIGTERM); }

void ChildTree::kill() { signalChild(process_, ownGroup_, SIGKILL); }

void ChildTree::killRemains()
{
    // What the child started may outlive it in its group. (No other group
    // can have this id yet: the kernel hands ids out in turn, and none while
    // a group still uses it.)
    if (ownGroup_ && pid_ > 0)
        ::kill(-pid_t(pid_), SIGKILL);
}

int stoppedCrashExitCode(int qtExitCode) { return 128 + qtExitCode; }

std::string describeCrash(int qtExitCode) { return "killed by signal " + std::to_string(qtExitCode); }

bool newlineHasCarriageReturn() { return false; }

QString shellProgram() { return QStringLiteral("/bin/sh"); }

QStringList shellArguments() { return {}; }

namespace {

// A shell word that is exactly `text`.
QString singleQuoted(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

}  // namespace

// The command (its stdin is not ours) runs in a subshell when isolated, else
// in the session's shell itself (`command eval`: a syntax error does not end
// the shell, as it would with a bare eval).
QByteArray commandScript(const QString& commandLine, const QString& marker, bool isolated)
{
    const QString command =
        isolated ? QStringLiteral("( eval %1 ) </dev/null\n") : QStringLiteral("{ command eval %1\n} </dev/null\n");
    return (QStringLiteral("printf '%1\\n'; printf '%1\\n' >&2\n").arg(marker) +
            command.arg(singleQuoted(commandLine)) +
            QStringLiteral("printf '%1 %d\\n' \"$?\"; printf '%1\\n' >&2\n").arg(marker))
        .toUtf8();
}

}  // namespace skein::detail::platform
