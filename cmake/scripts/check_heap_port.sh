#!/bin/sh
# check_heap_port.sh <libkeel_heap.a> <heap_port.h>: the symbols the archive
# needs from outside itself are exactly HEAP_PORT_SYMBOLS, the port's list.
set -eu
lib=$1 header=$2
want=$(sed -n 's/^#define HEAP_PORT_SYMBOLS "\(.*\)"$/\1/p' "$header")
[ -n "$want" ] || { echo "$header defines no HEAP_PORT_SYMBOLS" >&2; exit 1; }
defined=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
needed=$(nm -g --undefined-only "$lib" | awk '$1 == "U" { print $2 }' | sort -u |
    grep -vxF "$defined" || true)
status=0
for sym in $needed; do
    case " $want " in
    *" $sym "*) ;;
    *) echo "$lib needs $sym, which $header does not list" >&2; status=1 ;;
    esac
done
for sym in $want; do
    if ! echo "$needed" | grep -qxF "$sym"; then
        echo "$header lists $sym, which $lib does not need" >&2
        status=1
    fi
done
[ $status = 0 ] && echo "$lib needs exactly: $want"
exit $status
