#!/bin/sh
# check_multiboot2.sh <kernel.elf>: fails the build if GRUB would not find a
# valid multiboot2 header in the kernel.
if ! grub-file --is-x86-multiboot2 "$1"; then
    echo "error: $1 has no valid multiboot2 header" >&2
    exit 1
fi
