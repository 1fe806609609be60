#!/bin/sh
# Tests cmake/scripts/write_usb.sh with stand-ins for lsblk, dd and sync: no
# real device is touched. Usage: write_usb_test.sh <case> (the cases are at
# the end; tests/host/scripts/CMakeLists.txt runs each as a CTest test). Each
# case checks write_usb.sh's exit status, its key message (a whole line) and
# whether dd was called.
#
# The test seam. write_usb.sh asks "is this a block device?" with [ -b ], a
# shell builtin that no stand-in on PATH can replace, on exactly one line,
# marked "# test seam: block device check". The cases run a copy of the
# script, made in their temporary directory, in which sed replaced that line
# with a call to the stand-in fake_is_block. Nothing in the shipped script
# skips the check (no environment variable, no argument): the cases
# not_a_block_device and env_var_does_not_disable_check run the shipped
# script itself, on a regular file.
#
# The stand-ins, on PATH, log each call to $work/calls, marked "before:" or
# "after:" the answer to the prompt was read. They tell by their standard
# input, which they share with write_usb.sh: the answer is in a file, whose
# offset (/proc/<pid>/fdinfo/0) stays 0 until write_usb.sh's `read` took it.
#   lsblk          a --pairs query answers $FAKE_DISK (a KEY="value" line as
#                  lsblk -P prints it; made by `pairs`), after the answer
#                  $FAKE_DISK_AFTER if set. A MOUNTPOINT query answers
#                  $FAKE_MOUNTS (a line for the disk, then one per partition),
#                  after the answer $FAKE_MOUNTS_AFTER if set; with -d (no
#                  partitions) only the disk's line, as lsblk does.
#   fake_is_block  the block device check: says yes.
#   dd, sync       do nothing.
# $FAKE_FAIL lists calls that fail, each <what>:<when>, what being disk (the
# --pairs query), mounts (the MOUNTPOINT query) or block (fake_is_block) and
# when before or after (the answer was read).
set -u
writer=$(cd "$(dirname "$0")/../../../cmake/scripts" && pwd)/write_usb.sh
case=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/cwd"
printf 'iso' >"$work/keel.iso" # 3 bytes
printf 'precious' >"$work/disk.img"
: >"$work/calls"
status=none out=

fail() {
    echo "FAIL ($case): $*"
    echo "--- write_usb.sh said (status $status):"
    printf '%s\n' "$out"
    echo "--- calls:"
    cat "$work/calls"
    exit 1
}

# What every stand-in starts with: when it runs, how it logs, whether it fails.
# shellcheck disable=SC2016 # expanded by the stand-ins, not here
prelude='#!/bin/sh
when=before
pos=$(sed -n "s/^pos:[[:space:]]*//p" "/proc/$$/fdinfo/0" 2>/dev/null)
[ "${pos:-0}" -eq 0 ] || when=after
log() { printf "%s: %s\n" "$when" "$*" >>"$FAKE_WORK/calls"; }
fails() { case " $FAKE_FAIL " in *" $1:$when "*) return 0 ;; esac; return 1; }
'
{
    printf '%s' "$prelude"
    cat <<'SH'
log "lsblk $*"
for arg; do dev=$arg; done
nodeps=0
for arg; do
    case $arg in
    --nodeps) nodeps=1 ;;
    --*) ;;
    -*d*) nodeps=1 ;;
    esac
done
case " $* " in
*MOUNTPOINT*)
    if fails mounts; then echo "lsblk: $dev: not a block device" >&2; exit 32; fi
    mounts=$FAKE_MOUNTS
    [ "$when" = before ] || [ -z "$FAKE_MOUNTS_AFTER" ] || mounts=$FAKE_MOUNTS_AFTER
    if [ $nodeps = 1 ]; then
        printf '%s\n' "$mounts" | sed -n 1p
    else
        printf '%s\n' "$mounts"
    fi ;;
*" -P "* | *" --pairs "* | *" -"[!-]*P*)
    if fails disk; then echo "lsblk: $dev: not a block device" >&2; exit 32; fi
    disk=$FAKE_DISK
    [ "$when" = before ] || [ -z "$FAKE_DISK_AFTER" ] || disk=$FAKE_DISK_AFTER
    printf '%s\n' "$disk" ;;
*)
    echo "fake lsblk: unexpected query: $*" >&2
    exit 99 ;;
esac
SH
} >"$work/bin/lsblk"
{
    printf '%s' "$prelude"
    echo 'log "block $*"; ! fails block'
} >"$work/bin/fake_is_block"
{
    printf '%s' "$prelude"
    echo 'log "dd $*"'
} >"$work/bin/dd"
{
    printf '%s' "$prelude"
    echo 'log sync'
} >"$work/bin/sync"
chmod +x "$work/bin/lsblk" "$work/bin/fake_is_block" "$work/bin/dd" "$work/bin/sync"

# The test copy of write_usb.sh: the marked line, and only it, replaced.
marker='# test seam: block device check'
[ "$(grep -c -- "$marker\$" "$writer")" = 1 ] ||
    fail "write_usb.sh must have exactly one line ending in '$marker'"
sed "s/^.*$marker\$/is_block_device() { fake_is_block \"\$1\"; }/" \
    "$writer" >"$work/write_usb.sh"
[ "$(diff "$writer" "$work/write_usb.sh" | grep -c '^[<>]')" = 2 ] ||
    fail "the test copy of write_usb.sh should differ in the marked line only"

FAKE_WORK=$work FAKE_DISK='' FAKE_DISK_AFTER='' FAKE_MOUNTS='' FAKE_MOUNTS_AFTER='' FAKE_FAIL=''
export PATH="$work/bin:$PATH" FAKE_WORK FAKE_DISK FAKE_DISK_AFTER FAKE_MOUNTS FAKE_MOUNTS_AFTER FAKE_FAIL

pairs() { # NAME TYPE RM RO SIZE TRAN MODEL SERIAL -> a line as lsblk -P prints it
    printf 'NAME="%s" TYPE="%s" RM="%s" RO="%s" SIZE="%s" TRAN="%s" MODEL="%s" SERIAL="%s"' "$@"
}
stick=$(pairs sdz disk 1 0 16000000000 usb "SanDisk Ultra" 4C530001)
FAKE_DISK=$stick

# run_script <script> <answer file> <arguments...>: run it from $work/cwd.
run_script() {
    script=$1 answer=$2
    shift 2
    : >"$work/calls"
    out=$(cd "$work/cwd" && sh "$script" "$@" <"$answer" 2>&1)
    status=$?
}
# run <answer>: the test copy on keel.iso and /dev/sdz, answering <answer>.
run() {
    printf '%s\n' "$1" >"$work/answer"
    run_script "$work/write_usb.sh" "$work/answer" "$work/keel.iso" /dev/sdz
}

expect_status() {
    [ "$status" = "$1" ] || fail "wanted status $1, got $status"
}
expect_line() { # the output has this whole line
    printf '%s\n' "$out" | grep -qxF -- "$1" || fail "wanted the line: $1"
}
expect_no_dd() {
    ! grep -q '^[a-z]*: dd ' "$work/calls" || fail "dd was called"
}
refused() { # <message line>: status 1, that message, dd not called
    expect_status 1
    expect_line "$1"
    expect_no_dd
    echo "ok: $case: $1"
}
# The details write_usb.sh shows of $stick.
expect_stick_shown() {
    expect_line "write_usb: about to overwrite /dev/sdz (sdz):"
    expect_line "  model:     SanDisk Ultra"
    expect_line "  serial:    4C530001"
    expect_line "  size:      16000 MB (16000000000 bytes)"
    expect_line "  transport: usb, removable"
    expect_line "EVERYTHING ON IT WILL BE LOST. Type the device name (/dev/sdz) to go on:"
}
# What write_usb.sh calls when it writes, checks after the answer included.
expect_written() {
    expect_status 0
    expect_line "write_usb: done. /dev/sdz now boots keel on BIOS and UEFI machines."
    cat >"$work/calls-wanted" <<EOF
before: block /dev/sdz
before: lsblk -dnbP -o NAME,TYPE,RM,RO,SIZE,TRAN,MODEL,SERIAL /dev/sdz
before: lsblk -nrpo MOUNTPOINT /dev/sdz
after: block /dev/sdz
after: lsblk -dnbP -o NAME,TYPE,RM,RO,SIZE,TRAN,MODEL,SERIAL /dev/sdz
after: lsblk -nrpo MOUNTPOINT /dev/sdz
after: dd if=$work/keel.iso of=/dev/sdz bs=4M conv=fsync,nocreat status=progress
after: sync
EOF
    cmp -s "$work/calls" "$work/calls-wanted" ||
        fail "wanted these calls: $(cat "$work/calls-wanted")"
    echo "ok: $case: written"
}
# On the shipped script: a regular file is refused before lsblk or dd run.
expect_not_block_device() {
    refused "write_usb: $work/disk.img is not a block device"
    [ ! -s "$work/calls" ] || fail "nothing should have been called"
    [ "$(cat "$work/disk.img")" = precious ] || fail "disk.img was changed"
}

case $case in
# --- arguments and the image
usage)
    run_script "$work/write_usb.sh" /dev/null "$work/keel.iso"
    expect_status 2
    expect_line "write_usb: usage: write_usb.sh <keel.iso> <device, e.g. /dev/sdb>"
    expect_no_dd
    run_script "$work/write_usb.sh" /dev/null "$work/keel.iso" /dev/sdz /dev/sdz
    expect_status 2
    expect_line "write_usb: usage: write_usb.sh <keel.iso> <device, e.g. /dev/sdb>"
    expect_no_dd
    echo "ok: $case" ;;
no_iso)
    printf '/dev/sdz\n' >"$work/answer"
    run_script "$work/write_usb.sh" "$work/answer" "$work/missing.iso" /dev/sdz
    refused "write_usb: $work/missing.iso does not exist: build it first (sh cmake/scripts/keel.sh run)" ;;

# --- the block device check, on the shipped script
not_a_block_device)
    printf '%s\n' "$work/disk.img" >"$work/answer"
    run_script "$writer" "$work/answer" "$work/keel.iso" "$work/disk.img"
    expect_not_block_device ;;
env_var_does_not_disable_check)
    printf '%s\n' "$work/disk.img" >"$work/answer"
    for var in WRITE_USB_TEST WRITE_USB_FORCE WRITE_USB_SKIP_CHECKS WRITE_USB_NO_CHECK \
        WRITE_USB_YES FORCE TEST TESTING DEBUG CI KEEL_TEST SKIP_BLOCK_CHECK; do
        eval "$var=1; export $var"
    done
    run_script "$writer" "$work/answer" "$work/keel.iso" "$work/disk.img"
    expect_not_block_device ;;

# --- what lsblk says, and how it is read
lsblk_fails)
    FAKE_FAIL=disk:before
    run /dev/sdz
    refused "write_usb: lsblk cannot read /dev/sdz" ;;
lsblk_unexpected_output) # an lsblk without --pairs
    FAKE_DISK="sdz disk 1 0 16000000000 usb SanDisk Ultra 4C530001"
    run /dev/sdz
    refused "write_usb: lsblk gave unexpected details for /dev/sdz: sdz disk 1 0 16000000000 usb SanDisk Ultra 4C530001" ;;
lsblk_unterminated_value) # the last value without its closing quote
    for FAKE_DISK in "${stick%\"}" "${stick%4C530001\"}"; do
        run /dev/sdz
        refused "write_usb: lsblk gave unexpected details for /dev/sdz: $FAKE_DISK"
    done ;;
lsblk_malformed_pair) # the last pair without its opening quote
    FAKE_DISK="${stick%\"4C530001\"}4C530001\""
    run /dev/sdz
    refused "write_usb: lsblk gave unexpected details for /dev/sdz: $FAKE_DISK" ;;
lsblk_extra_output)
    FAKE_DISK="$stick X=\"1\""
    run /dev/sdz
    refused "write_usb: lsblk gave unexpected details for /dev/sdz: $stick X=\"1\"" ;;
size_not_a_number)
    FAKE_DISK=$(pairs sdz disk 1 0 16G usb "SanDisk Ultra" 4C530001)
    run /dev/sdz
    refused "write_usb: lsblk gave unexpected details for /dev/sdz: $FAKE_DISK" ;;
empty_model_field) # no field shifted into another, as splitting on blanks did
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 usb "" AA0011)
    run no
    refused "write_usb: not confirmed: nothing was written"
    expect_line "  model:     (none)"
    expect_line "  serial:    AA0011"
    expect_line "  size:      16000 MB (16000000000 bytes)"
    expect_line "  transport: usb, removable"
    FAKE_DISK=$(pairs sdz disk 0 0 256060514304 "" "" "") # e.g. a virtual disk
    run /dev/sdz
    refused "write_usb: /dev/sdz is not a removable USB disk (removable: no, transport: none): refusing to overwrite what may be a system or backup disk" ;;
glob_in_model) # shown as is, not expanded to the files in the current directory
    touch "$work/cwd/Flash-Drive" "$work/cwd/FlashXDrive"
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 usb "Flash*Drive" "*")
    run no
    refused "write_usb: not confirmed: nothing was written"
    expect_line "  model:     Flash*Drive"
    expect_line "  serial:    *" ;;
quote_in_model)
    # lsblk -P escapes " and \ as \x22 and \x5c (since 2.37 $ and ` too, as
    # \x24 and \x60): shown as escaped, the rest of the line read right.
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 usb 'My \x22Fast\x22 \x24HOME \x60id\x60 \x5c' 4C530001)
    run no
    refused "write_usb: not confirmed: nothing was written"
    expect_line '  model:     My \x22Fast\x22 \x24HOME \x60id\x60 \x5c'
    expect_line "  serial:    4C530001"
    # shellcheck disable=SC2016 # as an lsblk before 2.37 prints them, unexpanded
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 usb 'My $HOME `id` $(id)' '$1')
    run no
    refused "write_usb: not confirmed: nothing was written"
    # shellcheck disable=SC2016
    expect_line '  model:     My $HOME `id` $(id)'
    # shellcheck disable=SC2016
    expect_line '  serial:    $1' ;;
pair_lookalike_in_model) # a model ending in ` SERIAL=` is still the model
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 usb 'Ultra SERIAL=' 4C530001)
    run no
    refused "write_usb: not confirmed: nothing was written"
    expect_line "  model:     Ultra SERIAL="
    expect_line "  serial:    4C530001" ;;

# --- which disks are refused
partition)
    FAKE_DISK=$(pairs sdz1 part 1 0 16000000000 usb "SanDisk Ultra" 4C530001)
    run /dev/sdz
    refused "write_usb: /dev/sdz is a part, not a whole disk: name the disk itself (e.g. /dev/sdb, not /dev/sdb1)" ;;
system_disk)
    FAKE_DISK=$(pairs sdz disk 0 0 512000000000 sata "Samsung SSD 870" S5Y1)
    run /dev/sdz
    refused "write_usb: /dev/sdz (Samsung SSD 870) is not a removable USB disk (removable: no, transport: sata): refusing to overwrite what may be a system or backup disk" ;;
removable_but_not_usb) # e.g. a hot-swap bay or an internal card reader
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 sata "Hot Swap Bay" HS01)
    run /dev/sdz
    refused "write_usb: /dev/sdz (Hot Swap Bay) is not a removable USB disk (removable: yes, transport: sata): refusing to overwrite what may be a system or backup disk" ;;
removable_no_transport)
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 "" "Card Reader" CR01)
    run /dev/sdz
    refused "write_usb: /dev/sdz (Card Reader) is not a removable USB disk (removable: yes, transport: none): refusing to overwrite what may be a system or backup disk" ;;
usb_but_not_removable) # e.g. a USB backup hard disk
    FAKE_DISK=$(pairs sdz disk 0 0 2000398934016 usb "WD Elements 25A3" WX11)
    run /dev/sdz
    refused "write_usb: /dev/sdz (WD Elements 25A3) is not a removable USB disk (removable: no, transport: usb): refusing to overwrite what may be a system or backup disk" ;;
read_only)
    FAKE_DISK=$(pairs sdz disk 1 1 16000000000 usb "SanDisk Ultra" 4C530001)
    run /dev/sdz
    refused "write_usb: /dev/sdz (SanDisk Ultra) is read-only: is the stick's or card's write-protect switch on?" ;;
too_small)
    FAKE_DISK=$(pairs sdz disk 1 0 2 usb "SanDisk Ultra" 4C530001)
    run /dev/sdz
    refused "write_usb: /dev/sdz holds 2 bytes, less than the image (3 bytes)" ;;
exact_size) # a disk exactly the image's size is big enough
    FAKE_DISK=$(pairs sdz disk 1 0 3 usb "SanDisk Ultra" 4C530001)
    run /dev/sdz
    expect_written ;;
mounted) # a partition of the stick mounted: the query must cover partitions
    FAKE_MOUNTS=$(printf '\n/media/stick\n')
    run /dev/sdz
    refused "write_usb: /dev/sdz has mounted filesystems (/media/stick): unmount them first" ;;
mounted_disk) # the stick itself mounted (no partition table)
    FAKE_MOUNTS=$(printf '/media/stick\n\n')
    run /dev/sdz
    refused "write_usb: /dev/sdz has mounted filesystems (/media/stick): unmount them first" ;;
mounted_odd_names) # lsblk -r escapes the space; the * is not expanded
    touch "$work/cwd/a" "$work/cwd/b"
    FAKE_MOUNTS=$(printf '\n/media/my\\x20stick\n\n*\n')
    run /dev/sdz
    refused 'write_usb: /dev/sdz has mounted filesystems (/media/my\x20stick, *): unmount them first' ;;
mounts_query_fails)
    FAKE_FAIL=mounts:before
    run /dev/sdz
    refused "write_usb: lsblk cannot list what is mounted from /dev/sdz" ;;

# --- the confirmation
not_confirmed)
    for answer in yes sdz /dev/sdy ""; do
        run "$answer"
        refused "write_usb: not confirmed: nothing was written"
        expect_stick_shown
    done
    printf '/dev/sdz' >"$work/answer" # no end of line: the input ended
    run_script "$work/write_usb.sh" "$work/answer" "$work/keel.iso" /dev/sdz
    refused "write_usb: not confirmed: nothing was written"
    run_script "$work/write_usb.sh" /dev/null "$work/keel.iso" /dev/sdz
    refused "write_usb: not confirmed: nothing was written" ;;
confirmed)
    run /dev/sdz
    expect_stick_shown
    expect_written ;;

# --- changes while the user types: checked again after the answer
swapped_while_typing)
    FAKE_DISK_AFTER=$(pairs sdz disk 1 0 64000000000 usb "Kingston DataTraveler" 60A44C41)
    run /dev/sdz
    refused "write_usb: /dev/sdz changed while you were typing: nothing was written"
    expect_line "  was: $stick"
    expect_line "  now: $FAKE_DISK_AFTER" ;;
same_model_swapped_while_typing) # only the serial differs
    FAKE_DISK_AFTER=$(pairs sdz disk 1 0 16000000000 usb "SanDisk Ultra" 4C530002)
    run /dev/sdz
    refused "write_usb: /dev/sdz changed while you were typing: nothing was written" ;;
card_swapped_while_typing) # a card reader: only the size differs
    FAKE_DISK=$(pairs sdz disk 1 0 16000000000 usb "SD Reader" 000000001)
    FAKE_DISK_AFTER=$(pairs sdz disk 1 0 32000000000 usb "SD Reader" 000000001)
    run /dev/sdz
    refused "write_usb: /dev/sdz changed while you were typing: nothing was written" ;;
renamed_while_typing) # only the kernel name differs
    FAKE_DISK_AFTER=$(pairs sdy disk 1 0 16000000000 usb "SanDisk Ultra" 4C530001)
    run /dev/sdz
    refused "write_usb: /dev/sdz changed while you were typing: nothing was written" ;;
unplugged_while_typing)
    FAKE_FAIL=disk:after
    run /dev/sdz
    refused "write_usb: lsblk cannot read /dev/sdz any more: nothing was written" ;;
gone_while_typing) # the device node is no longer a block device
    FAKE_FAIL=block:after
    run /dev/sdz
    refused "write_usb: /dev/sdz is no longer a block device: nothing was written" ;;
mounted_while_typing) # e.g. the desktop auto-mounted a partition
    FAKE_MOUNTS_AFTER=$(printf '\n/media/user/STICK\n')
    run /dev/sdz
    refused "write_usb: /dev/sdz got mounted filesystems while you were typing (/media/user/STICK): nothing was written, unmount them first" ;;
mounts_query_fails_while_typing)
    FAKE_FAIL=mounts:after
    run /dev/sdz
    refused "write_usb: lsblk cannot list what is mounted from /dev/sdz any more: nothing was written" ;;
*)
    echo "unknown case '$case'"
    exit 2 ;;
esac
