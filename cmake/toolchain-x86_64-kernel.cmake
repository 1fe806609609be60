# Toolchain for keel's freestanding x86_64 kernel, using the machine's own
# compilers: gcc (default) or clang + lld (-DKEEL_KERNEL_CC=clang).
# No cross-compiler is needed: the host is x86_64, and everything that would
# tie the output to the host (libc, PIE, the red zone, SSE) is switched off.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(KEEL_KERNEL_BUILD ON)

# KEEL_KERNEL_CC: the option of cmake/KeelOptions.cmake, passed on by the host
# build (this file runs before the project includes the options).
if(KEEL_KERNEL_CC STREQUAL "clang")
    set(CMAKE_C_COMPILER clang)
    set(CMAKE_ASM_COMPILER clang)
    set(CMAKE_C_COMPILER_TARGET x86_64-unknown-none-elf)
    set(CMAKE_ASM_COMPILER_TARGET x86_64-unknown-none-elf)
    # clang 14 has no -mgeneral-regs-only on x86: turn off each FP/SIMD unit.
    set(keel_no_fpu "-mno-mmx -mno-sse -mno-sse2 -mno-80387 -msoft-float")
    set(keel_linker "-fuse-ld=lld") # the bare-metal target links static, non-PIE by itself
else()
    set(CMAKE_C_COMPILER gcc)
    set(CMAKE_ASM_COMPILER gcc)
    set(keel_no_fpu "-mgeneral-regs-only")
    set(keel_linker "-no-pie")
endif()

# -mcmodel=kernel: the kernel is linked in the top 2 GiB (0xffffffff80000000).
# -mno-red-zone: interrupts push onto the current stack, below RSP.
# No SSE/x87: the kernel does not save FPU state on interrupts.
set(CMAKE_C_FLAGS_INIT
    "-ffreestanding -fno-builtin-malloc -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
${keel_no_fpu} -mcmodel=kernel -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -g")
set(CMAKE_ASM_FLAGS_INIT "-fno-pic -fno-pie -g")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-nostdlib -static ${keel_linker} -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none")

# Freestanding: the compiler cannot link a test executable without a libc.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
