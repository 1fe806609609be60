#!/bin/sh
# check_allocator_symbols.sh <kernel.elf> <allocator>: the kernel links the
# one allocator it was built with (its <allocator>_ops) and no other
# allocator's ops, except those that one is built on (fixed_block serves
# large blocks from a linked_list).
set -eu
elf=$1 want=$2
case "$want" in
fixed_block) allowed="fixed_block linked_list" ;;
*) allowed="$want" ;;
esac
syms=$(nm "$elf")
status=0
for alloc in segfit tlsf linked_list fixed_block bump dummy; do
    has=no
    if echo "$syms" | grep -q " ${alloc}_ops$"; then
        has=yes
    fi
    case " $allowed " in
    *" $alloc "*) ok=yes ;;
    *) ok=no ;;
    esac
    if [ "$alloc" = "$want" ] && [ $has = no ]; then
        echo "$elf was built with $want, but has no ${want}_ops" >&2
        status=1
    elif [ $ok = no ] && [ $has = yes ]; then
        echo "$elf was built with $want, but also links ${alloc}_ops" >&2
        status=1
    fi
done
[ $status = 0 ] && echo "$elf links one allocator: $want"
exit $status
