// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: who is logging.
#pragma once

#include <string>

namespace skein::detail {

// The calling thread's path, for messages: "main" for the process's main
// thread, else the name Skein knows it by.
std::string currentThreadPath();

}  // namespace skein::detail
