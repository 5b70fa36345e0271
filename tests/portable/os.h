// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// What the portable tests ask the OS directly, on Windows and on POSIX: a
// thread's OS name, and a child process stopped from outside.
#pragma once

#include <string>

namespace portable {

// The calling thread's name as the OS keeps it (Windows: its thread
// description; POSIX: pthread_getname_np); empty where there is none.
std::string osThreadName();

// How runChild() asks the child to stop once it printed "ready".
enum class StopBy {
    CtrlC,         // Windows: a CTRL_C_EVENT on the child's console; POSIX: SIGINT
    ExitOnStdin,   // the line "exit" on its stdin
};

struct ChildResult {
    int exitCode = -1;
    std::string output;  // stdout and stderr together
};

// Runs skein_portable_child (beside the test program) with `argument`,
// waits for its line "ready", stops it as `how` says, and reads what it
// writes until it exits.
ChildResult runChild(const std::string& argument, StopBy how);

}  // namespace portable
