# The libFuzzer targets (tests/fuzz) as an external project built with clang
# whatever compiler the host build uses, and a CTest smoke run of each:
# fuzz.<target>, 20000 executions from the committed corpus. Skipped, with a
# message, when clang is missing; the fuzz project probes clang for its
# libFuzzer runtime, and without one the smoke tests report as skipped
# (cmake/scripts/keel.sh deps installs clang and libclang-rt-14-dev).
include(ExternalProject)
if(NOT KEEL_FUZZ)
    return()
endif()

find_program(KEEL_FUZZ_CC NAMES clang-14 clang)
if(NOT KEEL_FUZZ_CC)
    message(STATUS "fuzz targets skipped: no clang (install clang and libclang-rt-14-dev)")
    return()
endif()

include(${PROJECT_SOURCE_DIR}/tests/fuzz/targets.cmake)
set(KEEL_FUZZ_BINARY_DIR ${CMAKE_BINARY_DIR}/fuzz)
ExternalProject_Add(fuzz
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz
    BINARY_DIR ${KEEL_FUZZ_BINARY_DIR}
    CMAKE_GENERATOR ${CMAKE_GENERATOR}
    CMAKE_ARGS -DCMAKE_C_COMPILER=${KEEL_FUZZ_CC} -DCMAKE_BUILD_TYPE=Debug
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON)

foreach(target ${KEEL_FUZZ_TARGETS})
    add_test(NAME fuzz.${target}
        COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/scripts/fuzz_smoke.sh
                ${KEEL_FUZZ_BINARY_DIR}/fuzz_${target} ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${target}
                ${KEEL_FUZZ_BINARY_DIR}/work/${target} 20000)
    set_tests_properties(fuzz.${target} PROPERTIES TIMEOUT 300 LABELS "host;fuzz"
                         SKIP_RETURN_CODE 77)
endforeach()
