# The host side of the superbuild: portable code under sanitizers, host unit
# tests, the kernel as an external project, and the QEMU tests of its ISOs.
include(CTest)

# The portable code, as host tests link it.
add_library(keel_portable STATIC ${KEEL_PORTABLE_SOURCES})
target_include_directories(keel_portable PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(keel_portable PRIVATE keel_warnings)
# The host build always has the hardened heap's code (mm/heap/sources.cmake):
# its tests run whatever KEEL_HARDENED says for the kernel.
target_compile_definitions(keel_portable PUBLIC KEEL_HOST=1 KEEL_HARDENED=1)
if(KEEL_SANITIZE)
    set(KEEL_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                             -fno-omit-frame-pointer)
    target_compile_options(keel_portable PUBLIC ${KEEL_SANITIZER_FLAGS})
    target_link_options(keel_portable PUBLIC ${KEEL_SANITIZER_FLAGS})
endif()

# The heap library and the package it installs (mm/heap/CMakeLists.txt);
# tests/library builds the examples against that package once installed.
add_subdirectory(mm/heap)
add_subdirectory(tests/library)

add_subdirectory(tests/host)
include(cmake/KernelProject.cmake)
include(cmake/FuzzProject.cmake)

# Every C file formatted as .clang-format says.
find_program(CLANG_FORMAT clang-format REQUIRED)
add_test(NAME format COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/scripts/check_format.sh
                             ${PROJECT_SOURCE_DIR})
set_tests_properties(format PROPERTIES LABELS host)

# Every relative link of README.md and docs/*.md names a file and heading that exist.
add_test(NAME doc_links COMMAND ${Python3_EXECUTABLE}
                                ${PROJECT_SOURCE_DIR}/cmake/scripts/check_doc_links.py
                                ${PROJECT_SOURCE_DIR})
set_tests_properties(doc_links PROPERTIES LABELS host)
add_subdirectory(tests/bench)
