# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
# cmake -P script: install Skein into a scratch prefix as a user does, check
# what was installed, then configure, build and run programs against it:
# the consumers in CONSUMERS, and (FULL) the examples 01–06 and a second,
# static build of Skein with the Core and Qt consumers against it.
file(REMOVE_RECURSE "${SCRATCH}")
set(prefix "${SCRATCH}/prefix")

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
    endif()
    message(STATUS "${out}")
endfunction()

function(expect_file path what)
    if(NOT EXISTS "${path}")
        message(FATAL_ERROR "${what} is not installed: no ${path}")
    endif()
endfunction()

function(expect_none files what)
    if(files)
        message(FATAL_ERROR "${what}: ${files}")
    endif()
endfunction()

# Configures, builds and runs the project in `source` against `prefix`;
# the program is `program` with the arguments that follow.
function(build_and_run source build prefix program)
    run(${CMAKE_COMMAND} -S "${source}" -B "${build}"
        "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}" ${flags})
    run(${CMAKE_COMMAND} --build "${build}" -j 2)
    run(${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen "${build}/${program}" ${ARGN})
endfunction()

run(${CMAKE_COMMAND} --install "${SKEIN_BUILD_DIR}" --prefix "${prefix}")

# What a packager sees: versioned libraries, the export header, nothing
# test-only.
if(SHARED)
    file(GLOB libdirs LIST_DIRECTORIES true "${prefix}/lib*")
    list(GET libdirs 0 libdir)
    set(libraries skein.so.0 skein.so.${VERSION})
    if(WITH_QT)
        list(APPEND libraries skein-qt.so.0)
    endif()
    foreach(library IN LISTS libraries)
        expect_file("${libdir}/lib${library}" "lib${library} (VERSION ${VERSION}, SOVERSION 0)")
    endforeach()
endif()
expect_file("${prefix}/include/skein/skein_export.h" "The export header")
file(GLOB_RECURSE testOnly "${prefix}/include/*introspection*")
expect_none("${testOnly}" "Test-only headers are installed")

# A sanitized Skein needs a sanitized consumer.
set(flags "")
if(SANITIZE)
    list(JOIN SANITIZE "," sanitizers)
    set(flags "-DCMAKE_CXX_FLAGS=-fsanitize=${sanitizers}" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${sanitizers}")
endif()

foreach(consumer IN LISTS CONSUMERS)
    get_filename_component(name "${consumer}" NAME)
    build_and_run("${consumer}" "${SCRATCH}/${name}" "${prefix}" consumer)
endforeach()

if(NOT FULL)
    return()
endif()

# The examples are complete projects: each builds as it is, copied nowhere,
# against the prefix, and runs.
build_and_run("${SKEIN_SOURCE_DIR}/examples/01-signals-and-queue" "${SCRATCH}/01" "${prefix}" 01-signals-and-queue)
build_and_run("${SKEIN_SOURCE_DIR}/examples/02-thread-tree" "${SCRATCH}/02" "${prefix}" 02-thread-tree)
if(WITH_QT)
    build_and_run("${SKEIN_SOURCE_DIR}/examples/03-widgets-progress" "${SCRATCH}/03" "${prefix}" 03-widgets-progress --script)
    build_and_run("${SKEIN_SOURCE_DIR}/examples/05-qt-adaptors" "${SCRATCH}/05" "${prefix}" 05-qt-adaptors)
    build_and_run("${SKEIN_SOURCE_DIR}/examples/06-qfuture" "${SCRATCH}/06" "${prefix}" 06-qfuture --script)
endif()
if(WITH_QML)
    # `import Skein` from the prefix: the window loads, then closes.
    build_and_run("${SKEIN_SOURCE_DIR}/examples/04-qml-progress-demo" "${SCRATCH}/04" "${prefix}"
                  04-qml-progress-demo --close-after 300)
endif()

# BUILD_SHARED_LIBS=OFF: a static Skein, installed, and programs that link it
# with no definition or setting of their own.
set(static "${SCRATCH}/static")
run(${CMAKE_COMMAND} -S "${SKEIN_SOURCE_DIR}" -B "${static}/build" -DBUILD_SHARED_LIBS=OFF
    "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}" -DSKEIN_BUILD_TESTS=OFF -DSKEIN_BUILD_EXAMPLES=OFF
    -DSKEIN_BUILD_QML=OFF "-DSKEIN_BUILD_QT=${WITH_QT}")
run(${CMAKE_COMMAND} --build "${static}/build" -j 2)
run(${CMAKE_COMMAND} --install "${static}/build" --prefix "${static}/prefix")
file(GLOB_RECURSE sharedObjects "${static}/prefix/*.so*")
expect_none("${sharedObjects}" "A static build installed shared objects")
build_and_run("${SKEIN_SOURCE_DIR}/tests/install/consumer" "${static}/consumer" "${static}/prefix" consumer)
if(WITH_QT)
    build_and_run("${SKEIN_SOURCE_DIR}/tests/install/consumer_qt" "${static}/consumer_qt" "${static}/prefix" consumer)
endif()
