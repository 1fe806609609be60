#!/bin/sh
# gdb_check.sh <keel.iso> <keel.elf>: proves the debug workflow works — QEMU
# paused with a gdb stub, gdb loads the kernel's symbols, a hardware
# breakpoint on kernel_main is hit, and the backtrace names the boot path.
set -eu
iso=$1 elf=$2
port=$((20000 + $$ % 20000))
log=$(mktemp)
qemu-system-x86_64 -m 128M -no-reboot -display none -serial null -cdrom "$iso" \
    -gdb tcp::$port -S &
qemu=$!
trap 'kill $qemu 2>/dev/null; rm -f "$log"' EXIT
sleep 0.5
timeout 60 gdb -batch -nx -ex "file $elf" -ex "target remote localhost:$port" \
    -ex 'hbreak kernel_main' -ex 'continue' -ex 'bt' >"$log" 2>&1 || true
cat "$log"
grep -q "kernel_main (boot=" "$log" && grep -q "in kernel_entry" "$log"
