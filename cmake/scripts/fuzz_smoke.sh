#!/bin/sh
# fuzz_smoke.sh <fuzzer> <corpus> <workdir> <runs>: a bounded libFuzzer run
# from the committed corpus (never written to: new inputs go to <workdir>,
# emptied first, so every run starts from the same place), fixed seed.
# Fails on any finding (crash, panic, model mismatch, leak). Exits 77 (CTest:
# skipped) when the fuzz project built no targets because clang cannot link
# them (it writes fuzz_skipped.txt beside them).
set -eu
fuzzer=$1 corpus=$2 work=$3 runs=$4
skipped=$(dirname "$fuzzer")/fuzz_skipped.txt
if [ ! -e "$fuzzer" ] && [ -f "$skipped" ]; then
    echo "fuzz_smoke: skipped: $(cat "$skipped")"
    exit 77
fi
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "fuzz_smoke: no seed corpus in $corpus (tests/fuzz/make_corpus.py writes one)" >&2
    exit 1
fi
rm -rf "$work"
mkdir -p "$work"
exec "$fuzzer" -runs="$runs" -max_len=256 -seed=1 -print_final_stats=1 "$work" "$corpus"
