#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
"""Every ```cpp block of README.md must stand, verbatim, in a file under
examples/, so that the README only shows code that builds and runs."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text()
sources = [p.read_text() for p in (root / "examples").rglob("*.cpp")]
blocks = re.findall(r"```cpp\n(.*?)```", readme, re.S)
missing = [b for b in blocks if not any(b in s for s in sources)]
for b in missing:
    print("README snippet not found in examples/:\n" + b)
print(f"{len(blocks) - len(missing)} passed, {len(missing)} failed")
sys.exit(1 if missing or not blocks else 0)
