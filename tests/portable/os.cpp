// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// The OS side of the portable tests (os.h): Win32 on Windows, POSIX
// elsewhere.
#include "os.h"

#include <stdexcept>
#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <climits>
#include <csignal>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace portable {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("portable test helper: " + what); }

// "<directory of this program>/skein_portable_child[.exe]"
std::string childPath()
{
#ifdef _WIN32
    char path[MAX_PATH];
    const DWORD n = ::GetModuleFileNameA(nullptr, path, MAX_PATH);
    std::string self(path, n);
    return self.substr(0, self.find_last_of("\\/") + 1) + "skein_portable_child.exe";
#else
    char path[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path);
    if (n <= 0)
        fail("readlink /proc/self/exe");
    std::string self(path, std::size_t(n));
    return self.substr(0, self.find_last_of('/') + 1) + "skein_portable_child";
#endif
}

}  // namespace

#ifdef _WIN32

std::string osThreadName()
{
    using Get = HRESULT(WINAPI*)(HANDLE, PWSTR*);
    const auto get = reinterpret_cast<Get>(
        reinterpret_cast<void*>(::GetProcAddress(::GetModuleHandleW(L"kernel32.dll"), "GetThreadDescription")));
    PWSTR description = nullptr;
    if (!get || FAILED(get(::GetCurrentThread(), &description)) || !description)
        return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, description, -1, nullptr, 0, nullptr, nullptr);
    std::string name(n > 0 ? std::size_t(n) : 1, '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, description, -1, name.data(), n, nullptr, nullptr);
    ::LocalFree(description);
    name.resize(name.size() - 1);
    return name;
}

ChildResult runChild(const std::string& argument, StopBy how)
{
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE outRead, outWrite, inRead, inWrite;
    if (!::CreatePipe(&outRead, &outWrite, &inherit, 0) || !::CreatePipe(&inRead, &inWrite, &inherit, 0))
        fail("CreatePipe");
    ::SetHandleInformation(outRead, HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(inWrite, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = inRead;
    startup.hStdOutput = outWrite;
    startup.hStdError = outWrite;
    PROCESS_INFORMATION process{};
    std::string command = "\"" + childPath() + "\" " + argument;
    // A console of its own, in this process group: the Ctrl+C below goes to
    // every process on that console, which this one joins only to send it.
    if (!::CreateProcessA(nullptr, command.data(), nullptr, nullptr, TRUE, CREATE_NEW_CONSOLE, nullptr, nullptr,
                          &startup, &process))
        fail("CreateProcess " + command + ": error " + std::to_string(::GetLastError()));
    ::CloseHandle(outWrite);
    ::CloseHandle(inRead);

    ChildResult result;
    auto readSome = [&] {
        char buffer[512];
        DWORD n = 0;
        if (!::ReadFile(outRead, buffer, sizeof buffer, &n, nullptr) || n == 0)
            return false;
        result.output.append(buffer, n);
        return true;
    };
    while (result.output.find("ready\n") == std::string::npos && result.output.find("ready\r\n") == std::string::npos)
        if (!readSome())
            break;
    if (how == StopBy::CtrlC) {
        ::FreeConsole();
        if (!::AttachConsole(process.dwProcessId))
            fail("AttachConsole: error " + std::to_string(::GetLastError()));
        ::SetConsoleCtrlHandler(nullptr, TRUE);  // this process ignores it
        if (!::GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0))
            fail("GenerateConsoleCtrlEvent: error " + std::to_string(::GetLastError()));
        ::FreeConsole();
    } else {
        DWORD written = 0;
        ::WriteFile(inWrite, "exit\n", 5, &written, nullptr);
    }
    while (readSome()) {
    }
    ::WaitForSingleObject(process.hProcess, INFINITE);
    DWORD code = 0;
    ::GetExitCodeProcess(process.hProcess, &code);
    result.exitCode = int(code);
    ::CloseHandle(process.hProcess);
    ::CloseHandle(process.hThread);
    ::CloseHandle(outRead);
    ::CloseHandle(inWrite);
    return result;
}

#else

std::string osThreadName()
{
    char name[64] = {};
    if (::pthread_getname_np(::pthread_self(), name, sizeof name) != 0)
        return {};
    return name;
}

ChildResult runChild(const std::string& argument, StopBy how)
{
    int out[2], in[2];
    if (::pipe(out) != 0 || ::pipe(in) != 0)
        fail("pipe");
    const std::string path = childPath();
    const pid_t pid = ::fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(out[1], STDERR_FILENO);
        ::close(in[0]);
        ::close(in[1]);
        ::close(out[0]);
        ::close(out[1]);
        ::execl(path.c_str(), path.c_str(), argument.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(in[0]);
    ChildResult result;
    auto readSome = [&] {
        char buffer[512];
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0)
            return false;
        result.output.append(buffer, std::size_t(n));
        return true;
    };
    while (result.output.find("ready\n") == std::string::npos)
        if (!readSome())
            break;
    if (how == StopBy::CtrlC) {
        ::kill(pid, SIGINT);
    } else {
        [[maybe_unused]] const auto n = ::write(in[1], "exit\n", 5);
    }
    while (readSome()) {
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ::close(out[0]);
    ::close(in[1]);
    return result;
}

#endif

}  // namespace portable
