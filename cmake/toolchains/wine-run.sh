#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
# Runs a Windows program under Wine in a given prefix: the emulator of the
# mingw-w64 toolchain (cmake/toolchains/mingw-w64.cmake).
#   wine-run.sh <wineprefix> <program.exe> [arguments...]
# The prefix is made on first use (wineboot, the slow part), under a lock so
# that tests started in parallel make it once. Wine's own messages are off
# (WINEDEBUG=-all) unless WINEDEBUG is set; Mono and Gecko are not offered;
# a crash prints its backtrace instead of opening a dialog that nobody sees
# (which would hang the test).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 <wineprefix> <program.exe> [arguments...]" >&2; exit 2; }
WINEPREFIX=$1
shift
export WINEPREFIX
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
wine=${SKEIN_WINE:-/usr/lib/wine/wine64}
if [ ! -f "$WINEPREFIX/.skein-ready" ]; then
    mkdir -p "$WINEPREFIX"
    (
        flock 9
        if [ ! -f "$WINEPREFIX/.skein-ready" ]; then
            "$wine" wineboot --init >/dev/null 2>&1 </dev/null
            "$wine" reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f \
                >/dev/null 2>&1 </dev/null
            "${SKEIN_WINESERVER:-/usr/lib/wine/wineserver}" --wait
            touch "$WINEPREFIX/.skein-ready"
        fi
    ) 9>"$WINEPREFIX.lock"
fi
exec "$wine" "$@"
