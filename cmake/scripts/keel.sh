#!/bin/sh
# keel.sh — the one entry point behind the README's commands.
#
#   sh cmake/scripts/keel.sh run     install what is missing, build keel.iso, boot it in QEMU
#   sh cmake/scripts/keel.sh test    install what is missing, build everything, run every test
#   sh cmake/scripts/keel.sh deps    only install what is missing
#
# Environment: KEEL_PRESET (default: default), KEEL_QEMU_ACCEL (tcg or kvm),
# KEEL_NO_INSTALL=1 to never call apt-get.
set -eu

cd "$(dirname "$0")/../.."
preset=${KEEL_PRESET:-default}

# Debian 12 packages keel needs, by what they provide (the fifth line: the
# programs whose allocations the bench_traces target records; the last: the
# heap library's tests, tests/library).
packages="gcc make cmake ninja-build python3 \
grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools \
qemu-system-x86 ovmf libcmocka-dev clang-format \
clang lld libclang-rt-14-dev valgrind gnuplot-nox gdb \
sqlite3 xz-utils git perl \
g++ pkg-config"

missing_packages() {
    for p in $packages; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            printf '%s ' "$p"
        fi
    done
}

install_deps() {
    if [ "${KEEL_NO_INSTALL:-0}" = 1 ]; then
        return
    fi
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        echo "keel: not a Debian system; make sure these are installed: $packages" >&2
        return
    fi
    missing=$(missing_packages)
    if [ -z "$missing" ]; then
        return
    fi
    echo "keel: installing: $missing"
    sudo=""
    if [ "$(id -u)" != 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing
}

configure() {
    cmake --preset "$preset"
}

case "${1:-}" in
deps)
    install_deps
    ;;
run)
    install_deps
    configure
    cmake --build --preset "$preset" --target run
    ;;
test)
    install_deps
    configure
    cmake --build --preset "$preset"
    ctest --preset "$preset"
    ;;
*)
    echo "usage: sh cmake/scripts/keel.sh run|test|deps" >&2
    exit 2
    ;;
esac
