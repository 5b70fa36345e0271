#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
"""Checks what a shared Skein library exports: only the public API.

    check_exports.py <library.so> <budget> [detail name …]

Reads the dynamic symbol table (nm -D -C) and fails when
- more than <budget> symbols of namespace skein are exported (a library
  built without hidden visibility exports thousands), or
- a skein::detail symbol is exported that is not named on the command line:
  only the internals that public inline or template code calls (and the
  counters Skein's own tests read) may be.
Symbols of the standard library's templates, which libstdc++ gives default
visibility itself, are not Skein's and are not counted.
"""
import re
import subprocess
import sys

PREFIXES = ("typeinfo name for ", "typeinfo for ", "vtable for ", "VTT for ", "guard variable for ",
            "non-virtual thunk to ", "virtual thunk to ")


def own_name(demangled: str) -> str:
    for prefix in PREFIXES:
        if demangled.startswith(prefix):
            return demangled[len(prefix):]
    return demangled


def main() -> int:
    library, budget, allowed = sys.argv[1], int(sys.argv[2]), set(sys.argv[3:])
    out = subprocess.run(["nm", "-D", "--defined-only", "-C", library], check=True, capture_output=True,
                         text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and own_name(parts[2]).startswith("skein::"):
            names.add(own_name(parts[2]))
    ok = True
    if len(names) > budget:
        print(f"{library}: {len(names)} skein symbols exported, over the budget of {budget}")
        ok = False
    unexpected = sorted(n for n in names
                        if n.startswith("skein::detail::")
                        and re.match(r"skein::detail::(\w+)", n).group(1) not in allowed)
    if unexpected:
        print(f"{library}: internals exported:")
        for n in unexpected:
            print("  " + n)
        ok = False
    if ok:
        details = sum(1 for n in names if n.startswith("skein::detail::"))
        print(f"{library}: {len(names)} skein symbols exported (budget {budget}), "
              f"{details} of them skein::detail ones the headers need")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
