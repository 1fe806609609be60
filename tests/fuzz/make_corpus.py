#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target (tests/fuzz/corpus/<target>/).

The inputs follow the encoding described at the top of fuzz_heap.c. Run it
again after changing the encoding:  python3 tests/fuzz/make_corpus.py
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def alloc(size, align_shift=3, zeroed=False):
    v = size << 2
    return bytes([4 if zeroed else 0, align_shift, v & 0xFF, v >> 8])


def free(slot):
    return bytes([6, slot])


def realloc(slot, size):
    v = size << 2
    return bytes([10, slot, v & 0xFF, v >> 8])


def extend(units):
    return bytes([13, units])


CHECK = bytes([15])


def seeds():
    yield "small_blocks_then_free_all", b"".join(
        [alloc(8 * i, i % 5) for i in range(24)] + [CHECK] + [free(0)] * 24)
    yield "realloc_chain", b"".join(
        [alloc(100), alloc(16)] + [realloc(0, s) for s in (4000, 10, 3000, 0, 700)] + [CHECK])
    yield "exhaust_then_extend", b"".join(
        [alloc(3000, 4)] * 4 + [CHECK, extend(255), extend(255)] + [alloc(4000, 12)] * 3
        + [CHECK, free(1), free(0)])
    yield "zeroed_after_dirty_frees", b"".join(
        [alloc(64 * i) for i in range(1, 9)] + [free(i % 3) for i in range(8)]
        + [alloc(64 * i, 4, zeroed=True) for i in range(1, 9)] + [CHECK])
    yield "huge_requests_fail", b"".join(
        [bytes([0, 0, 0xFF, 0xFF]), bytes([0, 12, 0xFF, 0xFF]), alloc(40), bytes([10, 0, 0xFF, 0xFF]),
         CHECK])
    rng = random.Random(1234)
    yield "random_mix", bytes(rng.randrange(256) for _ in range(512))


def main():
    targets = sys.argv[1:] or ["bump", "linked_list", "fixed_block", "tlsf", "segfit", "hardened"]
    for target in targets:
        d = os.path.join(HERE, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for i, (name, body) in enumerate(seeds()):
            # Region byte: sizes 4..64 KiB and start offsets vary per seed.
            header = bytes([(i * 11) & 0xFF])
            if target == "hardened":
                header += bytes([i, i])  # inner design, quarantine size
            with open(os.path.join(d, name), "wb") as f:
                f.write(header + body)


if __name__ == "__main__":
    main()
