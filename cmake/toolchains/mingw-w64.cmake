# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
# Cross-builds Skein for 64-bit Windows with Debian's MinGW-w64 (package
# g++-mingw-w64-x86-64-posix: the compilers with POSIX threads, which
# std::thread and std::mutex need) and runs what it builds under Wine
# (package wine64): the `windows` preset. Only Skein::Core builds there: Qt
# for Windows is not on the machine.
#
# The runtime (libgcc, libstdc++, winpthread) is linked statically into
# every DLL and executable, so Wine needs none of MinGW's DLLs; every DLL
# and executable is written to <build>/bin, where Windows finds skein's DLL
# beside the programs that load it.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(SKEIN_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${SKEIN_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${SKEIN_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${SKEIN_MINGW_TRIPLE}-windres)

# Libraries and packages from the MinGW tree only (no Linux Qt, no Linux
# GoogleTest); programs (python3, doxygen) from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${SKEIN_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static")

if(NOT DEFINED CMAKE_RUNTIME_OUTPUT_DIRECTORY)
    set(CMAKE_RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin")
endif()

# ctest (and add_test's COMMAND of a target) runs the programs through
# wine-run.sh, with a Wine prefix of the build's own: nothing touches
# ~/.wine, and Wine's slow first start happens once per build directory.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh;${CMAKE_BINARY_DIR}/wineprefix")
