# The libFuzzer targets (tests/fuzz) as an external project built with clang
# whatever compiler the host build uses, and a CTest smoke run of each:
# fuzz.<target>, 20000 executions from the committed corpus. Skipped, with a
# message, when clang or its libFuzzer runtime is missing
# (cmake/scripts/keel.sh deps installs clang and libclang-rt-14-dev).
include(ExternalProject)
if(NOT KEEL_FUZZ)
    return()
endif()

find_program(KEEL_FUZZ_CC NAMES clang-14 clang)
set(keel_fuzz_ok FALSE)
if(KEEL_FUZZ_CC)
    set(probe ${CMAKE_BINARY_DIR}/fuzz-probe.c)
    file(WRITE ${probe} "#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
    execute_process(COMMAND ${KEEL_FUZZ_CC} -fsanitize=fuzzer,address,undefined ${probe}
                            -o ${CMAKE_BINARY_DIR}/fuzz-probe
                    RESULT_VARIABLE probe_result OUTPUT_QUIET ERROR_QUIET)
    if(probe_result EQUAL 0)
        set(keel_fuzz_ok TRUE)
    endif()
endif()
if(NOT keel_fuzz_ok)
    message(STATUS "fuzz targets skipped: no clang with the libFuzzer runtime "
                   "(install clang and libclang-rt-14-dev)")
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
    set_tests_properties(fuzz.${target} PROPERTIES TIMEOUT 300 LABELS "host;fuzz")
endforeach()
