#!/bin/sh
# check_hardened_symbols.sh <kernel.elf> <ON|OFF>: the kernel contains the
# hardened heap (hardened_* functions, kalloc_caller) exactly when the
# KEEL_HARDENED option is on; with it off (Release) not one symbol of it.
set -eu
elf=$1 want=$2
found=$(nm "$elf" | grep -E ' (hardened|hardened_[a-z_]+|kalloc_caller)$' || true)
case "$want" in
ON | on | 1 | TRUE | true)
    if ! echo "$found" | grep -q ' hardened_ops$'; then
        echo "KEEL_HARDENED is on, but $elf has no hardened_ops" >&2
        exit 1
    fi
    echo "hardened heap present: $(echo "$found" | wc -l) symbols"
    ;;
*)
    if [ -n "$found" ]; then
        echo "KEEL_HARDENED is off, but $elf contains:" >&2
        echo "$found" >&2
        exit 1
    fi
    echo "no hardened heap symbol in $elf"
    ;;
esac
