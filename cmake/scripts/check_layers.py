#!/usr/bin/env python3
"""check_layers.py <source-dir> [<dir>...]: fails when the layers include
each other in a cycle.

A file's layer is the first two components of its directory: lib, alloc,
mm, mm/heap, kernel, kernel/arch (for kernel/arch/x86_64), kernel/console.
Every `#include "..."` of a .c, .h or .S file under the given directories
(default: boot kernel mm lib alloc) that names a file in one of them is an
edge from the includer's layer to the included file's. The layers must form
a graph without cycles: each layer knows the ones below it only through
their headers, never the other way. On success the graph is printed, lowest
layers first; on a cycle, the cycle and one include behind each edge, and
the exit status is 1.
"""
import os
import re
import sys

DEFAULT_DIRS = ["boot", "kernel", "mm", "lib", "alloc"]
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of(path):
    """The layer of a file, from its path relative to the source dir."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:2])


def source_files(root, dirs):
    for top in dirs:
        for base, subdirs, files in os.walk(os.path.join(root, top)):
            subdirs.sort()
            for name in sorted(files):
                if name.endswith((".c", ".h", ".S")):
                    full = os.path.join(base, name)
                    yield os.path.relpath(full, root).replace(os.sep, "/")


def resolve(root, dirs, includer, target):
    """The included file relative to root, or None if it is not ours (the
    tree includes by path from the source dir; a name next to the includer
    is accepted too)."""
    for candidate in (target, os.path.join(os.path.dirname(includer), target)):
        candidate = os.path.normpath(candidate).replace(os.sep, "/")
        if candidate.split("/")[0] in dirs and os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return None


def include_edges(root, dirs):
    """{(from_layer, to_layer): "file:line includes header"}, one example
    per edge, and the set of layers."""
    edges = {}
    layers = set()
    for path in source_files(root, dirs):
        here = layer_of(path)
        layers.add(here)
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target = resolve(root, dirs, path, match.group(1))
                if target is None:
                    continue
                there = layer_of(target)
                if there != here:
                    edges.setdefault((here, there), f"{path}:{number} includes {target}")
    return edges, layers


def find_cycle(layers, edges):
    """A list of layers [a, b, ..., a] that include each other in a cycle,
    or None."""
    successors = {layer: sorted(b for (a, b) in edges if a == layer) for layer in layers}
    state = {}  # absent: unvisited, 1: on the current path, 2: done
    path = []

    def visit(layer):
        state[layer] = 1
        path.append(layer)
        for nxt in successors[layer]:
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[layer] = 2
        return None

    for layer in sorted(layers):
        if layer not in state:
            found = visit(layer)
            if found:
                return found
    return None


def lowest_first(layers, edges):
    """The layers ordered so that each comes after everything it includes."""
    order, done = [], set()

    def place(layer):
        if layer in done:
            return
        done.add(layer)
        for (a, b) in sorted(edges):
            if a == layer:
                place(b)
        order.append(layer)

    for layer in sorted(layers):
        place(layer)
    return order


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    root = argv[1]
    dirs = argv[2:] or DEFAULT_DIRS
    dirs = [d for d in dirs if os.path.isdir(os.path.join(root, d))]
    edges, layers = include_edges(root, dirs)
    cycle = find_cycle(layers, edges)
    if cycle:
        print("layer cycle: " + " -> ".join(cycle))
        for a, b in zip(cycle, cycle[1:]):
            print(f"  {a} -> {b}: {edges[(a, b)]}")
        return 1
    print("layers, lowest first (each includes only layers before it):")
    for layer in lowest_first(layers, edges):
        below = sorted(b for (a, b) in edges if a == layer)
        print(f"  {layer}" + (f" -> {', '.join(below)}" if below else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
