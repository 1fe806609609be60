#!/bin/sh
# make_iso.sh <kernel.elf> <grub.cfg> <out.iso> <work-dir> [file...]
# Builds a hybrid ISO (BIOS i386-pc + UEFI x86_64-efi, CD and USB) with
# grub-mkrescue: the kernel as /boot/keel.elf, the configuration with the
# iso/video.cfg it sources next to it, and each further file (boot modules,
# other kernels) in /boot/. Prints grub-mkrescue's log only when it fails.
set -eu
elf=$1 cfg=$2 out=$3 work=$4
shift 4
rm -rf "$work"
mkdir -p "$work/root/boot/grub"
cp "$elf" "$work/root/boot/keel.elf"
cp "$cfg" "$work/root/boot/grub/grub.cfg"
cp "$(dirname "$0")/../../iso/video.cfg" "$work/root/boot/grub/video.cfg"
for file in "$@"; do
    cp "$file" "$work/root/boot/"
done
for platform in i386-pc x86_64-efi; do
    if [ ! -d "/usr/lib/grub/$platform" ]; then
        echo "make_iso.sh: GRUB platform $platform is missing (install grub-pc-bin and grub-efi-amd64-bin)" >&2
        exit 1
    fi
done
if ! grub-mkrescue -o "$out" "$work/root" >"$work/mkrescue.log" 2>&1; then
    cat "$work/mkrescue.log" >&2
    exit 1
fi
