#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
"""Checks that every source, header, QML, CMake and script file of the project
carries an SPDX licence line near its top, and that LICENSE is the MIT licence.

    check_spdx.py <source dir>
"""
import pathlib
import sys

LINE = "SPDX-License-Identifier: MIT"
SUFFIXES = {".cpp", ".h", ".qml", ".cmake", ".in", ".py", ".sh", ".supp", ".txt", ".clang-format", ".gitignore"}
SKIPPED_DIRS = {"build", ".git", "corpus", "__pycache__", ".cache"}
HEAD_LINES = 5  # the line sits at the top, after a shebang if there is one


def needs_line(path: pathlib.Path) -> bool:
    if path.name == "CMakeLists.txt" or path.suffix in SUFFIXES or path.name in SUFFIXES:
        return path.suffix != ".txt" or path.name == "CMakeLists.txt"
    # Scripts without a suffix: scripts/test, .ci/run, …
    try:
        with path.open("rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False


def main() -> int:
    root = pathlib.Path(sys.argv[1]).resolve()
    missing = []
    checked = 0
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in SKIPPED_DIRS for part in relative.parts) or not path.is_file():
            continue
        if not needs_line(path):
            continue
        checked += 1
        head = path.read_text(encoding="utf-8", errors="replace").splitlines()[:HEAD_LINES]
        if not any(LINE in line for line in head):
            missing.append(str(relative))
    licence = (root / "LICENSE").read_text(encoding="utf-8") if (root / "LICENSE").exists() else ""
    ok = True
    if "MIT License" not in licence or "Permission is hereby granted, free of charge" not in licence:
        print("LICENSE is missing or is not the MIT licence")
        ok = False
    if missing:
        print(f"{len(missing)} of {checked} files lack '{LINE}' in their first {HEAD_LINES} lines:")
        for m in missing:
            print("  " + m)
        ok = False
    if ok:
        print(f"LICENSE is MIT; all {checked} files carry '{LINE}'")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
