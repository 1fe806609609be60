#!/bin/sh
# write_usb.sh <keel.iso> <device>
#
# Writes keel.iso to a USB stick, and refuses anything that may be the wrong
# disk, because dd overwrites whatever it is given. It refuses:
#   - a path that is not a block device,
#   - anything that is not a whole disk (a partition such as /dev/sdb1, a CD
#     drive, a loop device): the image holds its own partition table,
#   - a disk that is not BOTH removable AND on USB. Either alone is not
#     enough: an internal card reader or hot-swap bay is removable but on
#     SATA, NVMe or MMC, and an external backup hard disk is on USB but not
#     removable,
#   - a read-only disk (write-protect switch on the stick or card),
#   - a disk smaller than the image,
#   - a disk with anything mounted from it or from any of its partitions.
# It shows the disk's model, serial number, size and transport, and writes
# only after you type the device name again. The stick can be swapped, or a
# partition auto-mounted by the desktop, while you type: so after your answer
# it checks again that the device is the same disk (kernel name, model,
# serial, size, ...) with nothing mounted, and refuses, writing nothing, if
# anything changed. dd is the first to open the device, right after that
# last check.
#
# lsblk is read with --pairs (KEY="value", a quote inside a value escaped as
# \x22) and taken apart with the shell's own string operations: its values are
# never word-split, glob-expanded or eval'ed. Odd characters in a model show
# as lsblk escapes them (\x22 for a quote).
#
# Exit status: 0 written, 1 refused (nothing written) or dd failed, 2 usage.
#
# The plain alternative, with none of these checks:
#   sudo dd if=build/keel.iso of=/dev/sdX bs=4M conv=fsync status=progress
set -eu

die() {
    printf 'write_usb: %s\n' "$*" >&2
    exit 1
}

# The only block device check; no variable or argument turns it off. Its
# tests (tests/host/scripts/write_usb_test.sh) run a copy of this script with this one line
# replaced, since [ is a shell builtin that no stand-in on PATH can replace.
is_block_device() { [ -b "$1" ]; } # test seam: block device check

# lsblk's line for the device itself (not its partitions), e.g.
#   NAME="sdb" TYPE="disk" RM="1" RO="0" SIZE="16008609792" TRAN="usb" MODEL="Ultra" SERIAL="4C53"
# RM is 1 for removable, RO 1 for read-only, SIZE in bytes, TRAN the transport.
lsblk_disk() {
    lsblk -dnbP -o NAME,TYPE,RM,RO,SIZE,TRAN,MODEL,SERIAL "$dev"
}

# take KEY: move the pair ` KEY="value"` from the front of $rest into $value.
# lsblk -P escapes quotes inside values, so a value ends at the first quote.
take() {
    case $rest in
    " $1=\""*\"*) rest=${rest#" $1=\""} ;;
    *) return 1 ;;
    esac
    value=${rest%%\"*}
    rest=${rest#*\"}
}

# parse_disk: split $disk (lsblk_disk's output) into its fields. Fails unless
# it is exactly these pairs, in this order, on one line, with a numeric size.
parse_disk() {
    rest=" $disk"
    take NAME && name=$value &&
        take TYPE && type=$value &&
        take RM && rm=$value &&
        take RO && ro=$value &&
        take SIZE && size=$value &&
        take TRAN && tran=$value &&
        take MODEL && model=$value &&
        take SERIAL && serial=$value &&
        [ -z "$rest" ] || return 1
    case $size in
    '' | *[!0-9]*) return 1 ;;
    esac
}

# read_mounts: set $mounted to the mount points of the device and of all its
# partitions (and what is stacked on them), comma-separated; empty if none.
# lsblk -r escapes spaces in them as \x20, so each line is one device.
read_mounts() {
    lines=$(lsblk -nrpo MOUNTPOINT "$dev") || return 1
    mounted=
    while IFS= read -r line; do
        [ -z "$line" ] || mounted=${mounted:+$mounted, }$line
    done <<EOF
$lines
EOF
}

if [ $# -ne 2 ]; then
    echo "write_usb: usage: write_usb.sh <keel.iso> <device, e.g. /dev/sdb>" >&2
    exit 2
fi
iso=$1
dev=$2
[ -f "$iso" ] || die "$iso does not exist: build it first (sh cmake/scripts/keel.sh run)"
iso_size=$(wc -c <"$iso")

is_block_device "$dev" || die "$dev is not a block device"
disk=$(lsblk_disk) || die "lsblk cannot read $dev"
parse_disk || die "lsblk gave unexpected details for $dev: $disk"
what=$dev # the device with its model, for messages
[ -z "$model" ] || what="$dev ($model)"

[ "$type" = disk ] ||
    die "$dev is a $type, not a whole disk: name the disk itself (e.g. /dev/sdb, not /dev/sdb1)"
if [ "$rm" != 1 ] || [ "$tran" != usb ]; then
    removable=no
    [ "$rm" != 1 ] || removable=yes
    die "$what is not a removable USB disk (removable: $removable, transport: ${tran:-none}):" \
        "refusing to overwrite what may be a system or backup disk"
fi
[ "$ro" = 0 ] || die "$what is read-only: is the stick's or card's write-protect switch on?"
[ "$size" -ge "$iso_size" ] || die "$dev holds $size bytes, less than the image ($iso_size bytes)"
read_mounts || die "lsblk cannot list what is mounted from $dev"
[ -z "$mounted" ] || die "$dev has mounted filesystems ($mounted): unmount them first"

printf '%s\n' "write_usb: about to overwrite $dev ($name):" \
    "  model:     ${model:-(none)}" \
    "  serial:    ${serial:-(none)}" \
    "  size:      $((size / 1000000)) MB ($size bytes)" \
    "  transport: $tran, removable" \
    "EVERYTHING ON IT WILL BE LOST. Type the device name ($dev) to go on:"
read -r answer || answer=""
[ "$answer" = "$dev" ] || die "not confirmed: nothing was written"

# Check again, right before writing: the stick may have been swapped, or a
# partition auto-mounted, while the user typed.
before=$disk
is_block_device "$dev" || die "$dev is no longer a block device: nothing was written"
disk=$(lsblk_disk) || die "lsblk cannot read $dev any more: nothing was written"
if [ "$disk" != "$before" ]; then
    printf 'write_usb: %s changed while you were typing: nothing was written\n  was: %s\n  now: %s\n' \
        "$dev" "$before" "$disk" >&2
    exit 1
fi
read_mounts || die "lsblk cannot list what is mounted from $dev any more: nothing was written"
[ -z "$mounted" ] ||
    die "$dev got mounted filesystems while you were typing ($mounted): nothing was written, unmount them first"

# nocreat: if the stick vanished after the check, fail instead of creating
# a regular file under /dev.
dd if="$iso" of="$dev" bs=4M conv=fsync,nocreat status=progress
sync
printf 'write_usb: done. %s now boots keel on BIOS and UEFI machines.\n' "$dev"
