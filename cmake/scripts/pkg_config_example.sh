#!/bin/sh
# pkg_config_example.sh <prefix> <source.c> <work dir>: builds <source.c>
# with $CC and the flags pkg-config gives for keel_heap_hosted installed
# under <prefix>, then runs it.
set -eu
prefix=$1 source=$2 work=$3
pc=$(find "$prefix" -name keel_heap_hosted.pc | head -n 1)
[ -n "$pc" ] || { echo "no keel_heap_hosted.pc under $prefix" >&2; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
mkdir -p "$work"
# shellcheck disable=SC2046 # pkg-config's flags are words
"${CC:-cc}" -std=gnu17 -Wall -Wextra -Werror $(pkg-config --cflags keel_heap_hosted) "$source" \
    $(pkg-config --libs keel_heap_hosted) -o "$work/heap_hosted"
"$work/heap_hosted"
