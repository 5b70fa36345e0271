# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
# cmake -P script: install, configure the consumer, build it, run it.
file(REMOVE_RECURSE "${SCRATCH}")
set(prefix "${SCRATCH}/prefix")

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
    endif()
    message(STATUS "${out}")
endfunction()

run(${CMAKE_COMMAND} --install "${SKEIN_BUILD_DIR}" --prefix "${prefix}")
# A sanitized Skein needs a sanitized consumer.
set(flags "")
if(SANITIZE)
    list(JOIN SANITIZE "," sanitizers)
    set(flags "-DCMAKE_CXX_FLAGS=-fsanitize=${sanitizers}" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${sanitizers}")
endif()

foreach(consumer IN LISTS CONSUMERS)
    get_filename_component(name "${consumer}" NAME)
    set(build "${SCRATCH}/${name}")
    run(${CMAKE_COMMAND} -S "${consumer}" -B "${build}"
        "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}" ${flags})
    run(${CMAKE_COMMAND} --build "${build}")
    run("${build}/consumer")
endforeach()
