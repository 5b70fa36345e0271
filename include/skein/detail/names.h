// Skein — private: names for unnamed objects.
#pragma once

#include <string>

namespace skein::detail {

// "<kind>-<n>", n unique in the process: "queue-3", "lock-7".
std::string generatedName(const char* kind);

} // namespace skein::detail
