// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — Process and Command on Windows: a child's tree held in a Job
// object, asked to stop with QProcess::terminate() and CTRL_BREAK_EVENT,
// killed with TerminateJobObject() or QProcess::kill(); cmd.exe for Command
// sessions. The interface and what each call means: process_platform_p.h.
//
// Written against the documented Qt 6.4 and Win32 APIs; not built or tested
// on Windows by Skein's CI (which runs on Linux): the README says so.
//
// Why these calls:
// - Windows has no SIGTERM. QProcess::terminate() posts WM_CLOSE to the
//   child's top-level windows and to its main thread: a GUI program closes as
//   when its window is closed. A console program has no window, so for a
//   child with ownProcessGroup (created with CREATE_NEW_PROCESS_GROUP) that
//   shares this process's console, askToStop() also sends CTRL_BREAK_EVENT to
//   its group: a console program's default handler then exits, as on
//   SIGTERM, and one with a handler can clean up first. (CTRL_C_EVENT cannot
//   be aimed at a group; and a child that has a console of its own, as when
//   this process has none and Qt starts it with CREATE_NO_WINDOW, is beyond
//   the reach of either: it is killed when the grace period ends.)
// - The tree: a process group on Windows is a console notion only, and
//   TerminateProcess() ends one process, not what it started. A Job object
//   holds every process the child starts (unless one breaks away on
//   purpose), and TerminateJobObject() ends them all at once. The child
//   enters the job as CreateProcess() makes it (PROC_THREAD_ATTRIBUTE_JOB_LIST
//   in an extended STARTUPINFO, through QProcess's CreateProcessArguments
//   modifier), so nothing it starts can escape in between. The job is not
//   JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: as on POSIX, what a child that ended
//   by itself left running keeps running; only a stop kills the rest. Where
//   the job cannot be had, the child alone is killed, with QProcess::kill().
#include "process_platform_p.h"

#include <QtCore/QProcess>
#include <QtCore/QtGlobal>

#include <cstdio>
#include <string>
#include <vector>

#include "skein/error.h"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#ifndef PROC_THREAD_ATTRIBUTE_JOB_LIST
// ProcThreadAttributeValue(ProcThreadAttributeJobList = 13, FALSE, TRUE,
// FALSE), for an SDK whose _WIN32_WINNT is set below Windows 10.
#define PROC_THREAD_ATTRIBUTE_JOB_LIST 0x0002000D
#endif

namespace skein::detail::platform {

namespace {

// The exit code QProcess::kill() gives its child (QProcess reports it as a
// CrashExit). The job is terminated with the same code, so that a killed
// child reads the same whichever of the two killed it.
constexpr UINT killedExitCode = 0xF291;

}  // namespace

struct ChildTree::Native {
    HANDLE job = nullptr;        // with ownGroup, unless Windows refused one
    bool sharesConsole = false;  // the child is on this console: CTRL_BREAK_EVENT reaches its group
    // The child's place in the job, handed to CreateProcess(); both must live
    // until it has read them.
    std::vector<char> attributeBuffer;  // a PROC_THREAD_ATTRIBUTE_LIST
    bool attributesReady = false;
    HANDLE jobList[1] = {nullptr};
    STARTUPINFOEXW startupInfo{};

    LPPROC_THREAD_ATTRIBUTE_LIST attributes()
    {
        return reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attributeBuffer.data());
    }

    // A job, and the attribute list that puts the child in it at creation.
    // On any refusal, no job: the child alone is killed then.
    void makeJob()
    {
        job = CreateJobObjectW(nullptr, nullptr);
        if (!job)
            return;
        SIZE_T size = 0;
        InitializeProcThreadAttributeList(nullptr, 1, 0, &size);  // fails, telling the size
        if (size > 0) {
            attributeBuffer.resize(size);
            if (InitializeProcThreadAttributeList(attributes(), 1, 0, &size)) {
                jobList[0] = job;
                attributesReady = UpdateProcThreadAttribute(attributes(), 0, PROC_THREAD_ATTRIBUTE_JOB_LIST, jobList,
                                                            sizeof(jobList), nullptr, nullptr) != FALSE;
                if (!attributesReady)
                    DeleteProcThreadAttributeList(attributes());
            }
        }
        if (!attributesReady) {
            CloseHandle(job);
            job = nullptr;
        }
    }

    // QProcess's modifier, just before its CreateProcess() call.
    void modify(QProcess::CreateProcessArguments* args)
    {
        args->flags |= CREATE_NEW_PROCESS_GROUP;
        // Qt passes CREATE_NO_WINDOW when this process has no console: the
        // child then gets one of its own.
        sharesConsole = (args->flags & (CREATE_NO_WINDOW | CREATE_NEW_CONSOLE | DETACHED_PROCESS)) == 0;
        if (!attributesReady)
            return;
        startupInfo.StartupInfo = *args->startupInfo;  // Qt's: the pipes for stdin, stdout and stderr
        startupInfo.StartupInfo.cb = sizeof(STARTUPINFOEXW);
        startupInfo.lpAttributeList = attributes();
        args->startupInfo = &startupInfo.StartupInfo;
        args->flags |= EXTENDED_STARTUPINFO_PRESENT;
    }
};

ChildTree::ChildTree(QProcess& process, bool ownGroup)
    : process_(process),
      ownGroup_(ownGroup),
      native_(std::make_unique<Native>())
{
    if (!ownGroup_)
        return;
    native_->makeJob();
    Native* const native = native_.get();
    process_.setCreateProcessArgumentsModifier(
        [native](QProcess::CreateProcessArguments* args) { native->modify(args); });
}

ChildTree::~ChildTree()
{
    if (ownGroup_)
        process_.setCreateProcessArgumentsModifier({});  // it points here
    if (native_->attributesReady)
        DeleteProcThreadAttributeList(native_->attributes());
    // What is left in the job runs on (no kill-on-close): only a stop kills
    // it, through killRemains().
    if (native_->job)
        CloseHandle(native_->job);
}

void ChildTree::started() { pid_ = process_.processId(); }

void ChildTree::askToStop()
{
    process_.terminate();
    // While QProcess reports an id it holds the child's handle, so the id is
    // still the child's, and its group's: the event cannot reach another
    // group. (Never 0, which would mean every process on this console.)
    const qint64 id = process_.processId();
    if (ownGroup_ && native_->sharesConsole && id > 0)
        GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, DWORD(id));
}

void ChildTree::kill()
{
    if (native_->job)
        TerminateJobObject(native_->job, killedExitCode);
    else
        process_.kill();
}

void ChildTree::killRemains()
{
    if (native_->job)
        TerminateJobObject(native_->job, killedExitCode);
}

int stoppedCrashExitCode(int qtExitCode) { return qtExitCode; }

std::string describeCrash(int qtExitCode)
{
    char code[32];
    std::snprintf(code, sizeof code, "exit code 0x%08X", unsigned(qtExitCode));
    return code;
}

bool newlineHasCarriageReturn() { return true; }

QString shellProgram()
{
    const QString comSpec = qEnvironmentVariable("ComSpec");
    return comSpec.isEmpty() ? QStringLiteral("cmd.exe") : comSpec;
}

// /D: no AutoRun commands from the registry. /Q: echo off, so that neither
// the commands read nor a prompt are printed. /V:OFF: '!' is just a
// character. With neither /C nor /K, cmd reads commands from its stdin until
// it closes.
QStringList shellArguments() { return {QStringLiteral("/D"), QStringLiteral("/Q"), QStringLiteral("/V:OFF")}; }

namespace {

// `line` as it must be written inside "…" on a line that the session's cmd
// reads, so that the cmd it starts with /S /C "…" gets exactly `line`. The
// session sees the quotes toggled: what is quoted for the command is
// unquoted for the session, whose special characters there are escaped
// with '^'; what is unquoted for the command is quoted for the session,
// which passes it on as it is. (%VAR% is still expanded by the session
// rather than by the command: the same value, since an isolated command
// cannot change the session's environment; only a value holding '"' or a
// special character, used inside quotes, reads differently.)
QString escapedForSession(const QString& line)
{
    static const QString special = QStringLiteral("^&|<>()");
    QString escaped;
    escaped.reserve(line.size() + line.size() / 8);
    bool sessionQuoted = true;  // inside the opening quote
    for (const QChar c : line) {
        if (c == QLatin1Char('"'))
            sessionQuoted = !sessionQuoted;
        else if (!sessionQuoted && special.contains(c))
            escaped += QLatin1Char('^');
        escaped += c;
    }
    return escaped;
}

// A command line on this console's input code page, the one cmd reads its
// stdin with (a console of its own has the system's OEM one).
QByteArray toConsoleCodePage(const QString& text)
{
    UINT codePage = GetConsoleCP();
    if (codePage == 0)
        codePage = CP_OEMCP;
    const auto* wide = reinterpret_cast<const wchar_t*>(text.utf16());
    const int size = WideCharToMultiByte(codePage, 0, wide, int(text.size()), nullptr, 0, nullptr, nullptr);
    if (size <= 0)
        return text.toLocal8Bit();
    QByteArray bytes(size, '\0');
    WideCharToMultiByte(codePage, 0, wide, int(text.size()), bytes.data(), size, nullptr, nullptr);
    return bytes;
}

}  // namespace

// Start markers, then the command. (`echo M 1>&2` prints "M " on stderr: the
// space before the redirection is echoed, and is harmless, as the markers
// are looked for within a line.) Isolated, the command runs in a
// cmd of its own, /S /C as `cmd /c` would run it, with its stdin NUL (the
// redirection first, so that the command line's own quotes cannot swallow
// it). Shared, it runs in the session's cmd, in a block whose stdin is NUL:
// what it sets stays, and a ')' of its own that is neither quoted nor
// escaped closes that block early, as it would in a batch file; the block
// is kept on one line, since cmd prompts "More?" for a block's next line.
// Then the status (%ERRORLEVEL%, expanded when its own line is read) and the
// end markers.
QByteArray commandScript(const QString& commandLine, const QString& marker, bool isolated)
{
    if (commandLine.contains(QLatin1Char('\n')) || commandLine.contains(QLatin1Char('\r')))
        throw InvalidArgument("Command '" + commandLine.toStdString() +
                              "': cmd.exe reads a command line as one line: it cannot hold a line break");
    QString script = QStringLiteral("echo %1 1>&2& echo %1\r\n").arg(marker);
    if (isolated)
        script += QStringLiteral("<NUL \"%1\" /D /S /C \"%2\"\r\n").arg(shellProgram(), escapedForSession(commandLine));
    else
        script += QStringLiteral("(%1) <NUL\r\n").arg(commandLine);
    script += QStringLiteral("echo %1 %ERRORLEVEL%& echo %1 1>&2\r\n").arg(marker);
    return toConsoleCodePage(script);
}

}  // namespace skein::detail::platform
