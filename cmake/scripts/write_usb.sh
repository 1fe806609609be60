#!/bin/sh
# write_usb.sh <keel.iso> <device>
#
# Writes keel.iso to a USB stick, carefully. It refuses:
#   - anything that is not a whole disk (a partition such as /dev/sdb1),
#   - a disk that is not removable or not on USB (your system disk),
#   - a disk with any mounted partition,
# shows the stick's model and size, and writes only after you type the
# device name again. The plain alternative, with none of these checks:
#   sudo dd if=build/keel.iso of=/dev/sdX bs=4M conv=fsync status=progress
set -eu

die() {
    echo "write_usb: $*" >&2
    exit 1
}

[ $# -eq 2 ] || die "usage: write_usb.sh <keel.iso> <device, e.g. /dev/sdb>"
iso=$1
dev=$2
[ -f "$iso" ] || die "$iso does not exist: build it first (sh cmake/scripts/keel.sh run)"
[ -b "$dev" ] || [ "${WRITE_USB_TEST:-0}" = 1 ] || die "$dev is not a block device"

# NAME TYPE RM(removable) SIZE(bytes) TRAN(transport) MODEL(may contain spaces)
info=$(lsblk -dnbo NAME,TYPE,RM,SIZE,TRAN,MODEL "$dev" 2>/dev/null) || die "lsblk cannot read $dev"
set -- $info
[ $# -ge 5 ] || die "lsblk gave no details for $dev"
type=$2 removable=$3 size=$4 tran=$5
shift 5
model=${*:-unknown model}

[ "$type" = disk ] || die "$dev is a $type, not a whole disk: name the disk itself (e.g. /dev/sdb, not /dev/sdb1)"
[ "$removable" = 1 ] || [ "$tran" = usb ] ||
    die "$dev ($model) is not a removable USB disk: refusing to overwrite what may be a system disk"
mounted=$(lsblk -nro MOUNTPOINT "$dev" 2>/dev/null | grep -v '^$' || true)
[ -z "$mounted" ] || die "$dev has mounted filesystems ($(echo $mounted)): unmount them first"

iso_size=$(wc -c <"$iso")
[ "$size" -ge "$iso_size" ] || die "$dev holds $size bytes, less than the image ($iso_size bytes)"

echo "About to overwrite $dev: $model, $((size / 1000000)) MB, $tran."
echo "EVERYTHING ON IT WILL BE LOST. Type the device name ($dev) to go on:"
read -r answer || answer=""
[ "$answer" = "$dev" ] || die "not confirmed: nothing was written"

dd if="$iso" of="$dev" bs=4M conv=fsync status=progress
sync
echo "write_usb: done. $dev now boots keel on BIOS and UEFI machines."
