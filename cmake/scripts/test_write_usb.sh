#!/bin/sh
# Tests write_usb.sh's refusals and its confirmation with stand-ins for
# lsblk and dd (no real device is touched). Usage: test_write_usb.sh <case>
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
printf 'iso' >"$work/keel.iso"

# lsblk stand-in: details from $FAKE_DISK ("NAME TYPE RM SIZE TRAN MODEL"),
# mount points from $FAKE_MOUNTS.
cat >"$work/bin/lsblk" <<'SH'
#!/bin/sh
case "$*" in
*MOUNTPOINT*) printf '%s\n' "${FAKE_MOUNTS:-}" ;;
*) printf '%s\n' "$FAKE_DISK" ;;
esac
SH
cat >"$work/bin/dd" <<SH
#!/bin/sh
echo "\$@" >"$work/dd-called"
SH
chmod +x "$work/bin/lsblk" "$work/bin/dd"
export PATH="$work/bin:$PATH" WRITE_USB_TEST=1

run() { # <answer> -> output and status of write_usb.sh
    out=$(echo "$1" | sh "$here/write_usb.sh" "$work/keel.iso" /dev/sdz 2>&1)
    status=$?
}
expect() { # <status> <text>
    if [ "$status" != "$1" ] || ! echo "$out" | grep -qF "$2"; then
        echo "FAIL: wanted status $1 and '$2', got status $status:"
        echo "$out"
        exit 1
    fi
    echo "ok: $2"
}

case "$1" in
partition)
    FAKE_DISK="sdz1 part 1 16000000000 usb SanDisk Ultra" run /dev/sdz
    expect 1 "is a part, not a whole disk" ;;
system_disk)
    FAKE_DISK="sdz disk 0 512000000000 sata Samsung SSD 870" run /dev/sdz
    expect 1 "is not a removable USB disk" ;;
mounted)
    FAKE_DISK="sdz disk 1 16000000000 usb SanDisk Ultra" FAKE_MOUNTS="/media/stick" run /dev/sdz
    expect 1 "has mounted filesystems (/media/stick)" ;;
not_confirmed)
    FAKE_DISK="sdz disk 1 16000000000 usb SanDisk Ultra" run yes
    expect 1 "not confirmed: nothing was written"
    echo "$out" | grep -qF "About to overwrite /dev/sdz: SanDisk Ultra, 16000 MB, usb." || exit 1
    [ ! -e "$work/dd-called" ] || { echo "FAIL: dd ran"; exit 1; } ;;
confirmed)
    FAKE_DISK="sdz disk 1 16000000000 usb SanDisk Ultra" run /dev/sdz
    expect 0 "write_usb: done"
    grep -qF "of=/dev/sdz bs=4M conv=fsync" "$work/dd-called" || { echo "FAIL: dd not called right"; exit 1; } ;;
*)
    echo "unknown case $1"; exit 2 ;;
esac
