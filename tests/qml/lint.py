#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
"""Runs qmllint over every .qml file under the given directories and fails
on anything it says: Qt 6.4's qmllint exits 0 after an info line (an unused
import), so the exit code alone does not keep the QML clean.

    lint.py <qmllint> <import dir>... -- <qml dir>...
"""
import pathlib
import subprocess
import sys


def main() -> int:
    args = sys.argv[1:]
    if "--" not in args or len(args) < 3:
        print(__doc__)
        return 2
    split = args.index("--")
    qmllint, imports, dirs = args[0], args[1:split], args[split + 1:]
    failed = False
    linted = 0
    for directory in map(pathlib.Path, dirs):
        files = sorted(str(p) for p in directory.rglob("*.qml"))
        if not files:
            continue
        linted += len(files)
        # As the <target>_qmllint targets run it: --bare, only the given
        # import paths, from the files' own directory (its implicit import).
        command = [qmllint, "--bare"] + [a for i in imports for a in ("-I", i)] + files
        result = subprocess.run(command, cwd=directory, capture_output=True, text=True)
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0 or output:
            failed = True
            print(f"qmllint exited {result.returncode} on {directory}:")
            print(output)
    if linted == 0:
        print("no .qml files found")
        return 1
    print(f"{linted} QML files: {'qmllint had something to say' if failed else 'qmllint is silent'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
