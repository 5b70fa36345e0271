// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: where a Process's lines go. A Process puts them in its two
// Queues; a Command session hands them to the command it runs, so that they
// reach that command's Queues with no thread in between.
#pragma once

#include <memory>
#include <string>

#include "skein/qt/process.h"

namespace skein::detail {

// Receives a Process's lines on the process's own thread, in order per
// stream. end() comes for both streams once the process has ended, after
// every line of both was delivered.
class ProcessLines {
public:
    enum class Stream { Stdout, Stderr };

    virtual ~ProcessLines() = default;
    // One line, without its newline. May wait (back-pressure) until `stop`
    // (the process's pleaseStop) goes.
    virtual void line(Stream stream, std::string line, const Signal& stop) = 0;
    // The stream has ended.
    virtual void end(Stream stream) = 0;
};

struct ProcessAccess {
    // A Process whose lines go to `lines` (its own Queues stay empty, and
    // close when it ends). Throws as the Process constructor does.
    static std::unique_ptr<Process> start(std::string name, QString program, QStringList arguments,
                                          Process::Options options, std::shared_ptr<ProcessLines> lines);
};

}  // namespace skein::detail
