// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: names for unnamed objects.
#pragma once

#include <cstdint>
#include <string>

#include "skein/skein_export.h"

namespace skein::detail {

// "<kind>-<n>", n unique in the process: "queue-3", "lock-7".
SKEIN_EXPORT std::string generatedName(const char* kind);
// The next n.
std::uint64_t nextNameNumber();

}  // namespace skein::detail
