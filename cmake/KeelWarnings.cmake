# The warnings every C file of keel is compiled with, in one place: the
# kernel, the host build (portable code, tests, benchmark) and the fuzz
# project. Targets link keel_warnings; KEEL_WARNINGS is the same list for a
# compiler called by hand (tests/host/lib's vec_typecheck tests).
set(KEEL_WARNINGS -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
add_library(keel_warnings INTERFACE)
target_compile_options(keel_warnings INTERFACE $<$<COMPILE_LANGUAGE:C>:${KEEL_WARNINGS}>)
