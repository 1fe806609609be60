# The fuzz targets, shared by the fuzz project (tests/fuzz/CMakeLists.txt)
# and the host build's smoke tests (cmake/FuzzProject.cmake): one per
# allocator design in mm/heap (every <name>.h declaring `<name>_ops`, dummy
# and the hardened wrapper excepted), then `hardened`, the wrapper over all
# of them. A new design is fuzzed as soon as its header exists; give it a
# corpus with tests/fuzz/make_corpus.py.
file(GLOB keel_fuzz_headers ${CMAKE_CURRENT_LIST_DIR}/../../mm/heap/*.h)
set(KEEL_FUZZ_ALLOCATORS)
foreach(h ${keel_fuzz_headers})
    get_filename_component(name ${h} NAME_WE)
    file(STRINGS ${h} decl REGEX "^extern const struct allocator_ops ${name}_ops")
    if(decl AND NOT name STREQUAL "dummy" AND NOT name STREQUAL "hardened")
        list(APPEND KEEL_FUZZ_ALLOCATORS ${name})
    endif()
endforeach()
list(SORT KEEL_FUZZ_ALLOCATORS)
set(KEEL_FUZZ_TARGETS ${KEEL_FUZZ_ALLOCATORS} hardened)
