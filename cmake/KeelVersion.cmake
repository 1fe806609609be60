# keel's version, in one place: the root project() and the heap library's
# package (mm/heap/CMakeLists.txt, its ConfigVersion file and .pc files).
set(KEEL_VERSION 0.1.0)
