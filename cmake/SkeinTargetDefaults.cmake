# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
# Warnings and sanitizers for Skein's own targets, target by target: nothing
# here leaks into a project that adds Skein with add_subdirectory().
function(skein_target_defaults target)
    target_compile_features(${target} PUBLIC cxx_std_17)
    # Installed libraries find each other beside themselves.
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "SHARED_LIBRARY")
        set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN")
    endif()
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    endif()
    if(SKEIN_SANITIZE)
        list(JOIN SKEIN_SANITIZE "," sanitizers)
        target_compile_options(${target} PRIVATE -fsanitize=${sanitizers} -fno-omit-frame-pointer -g)
        target_link_options(${target} PRIVATE -fsanitize=${sanitizers})
        if(SKEIN_BUILD_FUZZER)
            target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
        endif()
        if("undefined" IN_LIST SKEIN_SANITIZE)
            target_compile_options(${target} PRIVATE -fno-sanitize-recover=undefined)
        endif()
    endif()
endfunction()
