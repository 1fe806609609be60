#!/usr/bin/env python3
"""Issue 9's allocator figures: instructions and last-level cache misses
per allocator call under callgrind, plus one timed run of the whole
benchmark, written as docs/bench/results.md and gnuplot SVG plots.

  bench_callgrind.py --bench build/tests/bench/bench_heap --out docs/bench
                     [--ops N] [--jobs N] [--iso build/keel.iso] [--resume]
                     [--cache I1:D1:LL | --cache host | --no-cache-sim]

Callgrind runs bench_heap once per workload and allocator
(--only W --allocator A --trials 1 --no-latency) with collection off except
inside bench_call_alloc/dealloc/realloc, the three functions that do nothing
but the call through the allocator vtable (--collect-atstart=no
--toggle-collect=bench_call_*). Instructions per call = collected
instructions / allocator calls. The "null" allocator, which returns at once,
measures what the dispatch itself costs (wrapper + indirect call); the
tables give both the gross figure and the figure net of it.

Without memcpy: the callgrind.out file is read and the inclusive cost of
every call into a function whose name matches memcpy|memmove (glibc's
__memmove_avx_unaligned_erms and the like, whatever it resolves to) made by
a function that does not match is subtracted. Callgrind counts a copy by its
bytes (a `rep movsb` once per byte), so a few large copies would otherwise
hide the allocator's own work.

LL misses: the same run simulates the caches (--cache-sim=yes) with a fixed
geometry (default I1 and D1 32 KiB 8-way, LL 8 MiB 16-way, 64-byte lines:
the host's own, which valgrind would read from CPUID, differs from machine
to machine, and on a VM can claim hundreds of MiB of L3 that nothing
misses). The simulation runs over the whole program, driver included, so
the caches hold what the driver and the earlier calls left in them; only
misses inside bench_call_* are counted: ILmr + DLmr + DLmw per call (and
the same without the copy routines' share).

Besides results.md: callgrind.json (gross instructions per call, as
before), callgrind_raw.json (the counts of every callgrind run, for
--resume), metrics.csv and metrics.json (every figure per workload and
allocator).

With --iso, keel.iso is also booted in QEMU (boot mode): the wall time from
QEMU's start to "It did not crash!" is recorded, with the TSC cycles from
kernel entry to that line that the kernel prints after it.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

ALLOCATORS = ["segfit", "tlsf", "fixed_block", "linked_list", "bump", "glibc"]
DEFAULT = "segfit"
ISSUE_ORDER = ["segfit", "glibc", "tlsf", "fixed_block", "linked_list", "bump"]
CALLGRIND_WORKLOADS = ["random_4M", "random_4M_small", "random_32M", "simple_allocation",
                       "large_vec", "many_boxes", "many_boxes_long_lived"]
EFFICIENCY_WORKLOADS = ["efficiency_128M", "efficiency_4M", "efficiency_small",
                        "efficiency_small_realloc"]
TITLES = {
    "random_4M": "random actions, 4 MiB, max 1000",
    "random_4M_small": "random actions, 4 MiB, max 200",
    "random_32M": "random actions, 32 MiB, max 10000",
    "efficiency_128M": "heap efficiency, 128 MiB (x5)",
    "efficiency_4M": "heap efficiency, 4 MiB (x50)",
    "efficiency_small": "heap efficiency, 100 KiB, max 256, no realloc (x300)",
    "efficiency_small_realloc": "heap efficiency, 100 KiB, max 256, realloc to < 1024 (x300)",
    "simple_allocation": "blog_os simple_allocation, 100 KiB",
    "large_vec": "blog_os large_vec, 100 KiB",
    "many_boxes": "blog_os many_boxes, 100 KiB",
    "many_boxes_long_lived": "blog_os many_boxes_long_lived, 100 KiB",
}


# Copy routines whose cost "without memcpy" leaves out (matched on the symbol
# name: memcpy, memmove, __memmove_avx_unaligned_erms, memcpy@plt, ...).
COPY_RE = re.compile(r"memcpy|memmove")
# The simulated caches (see the docstring): "size,associativity,line size".
DEFAULT_CACHE = "32768,8,64:32768,8,64:8388608,16,64"
LL_EVENTS = ("ILmr", "DLmr", "DLmw")


def parse_callgrind(path):
    """The totals of a callgrind.out file and the inclusive cost of the
    calls into copy routines (COPY_RE) from functions that are not copy
    routines themselves, each as {event: count}; plus the names of the copy
    routines seen and the simulated caches ("desc:" lines)."""
    names = {}  # (table, id) -> name; fn/cfn share a table, so do the files
    table = {"fn": "fn", "cfn": "fn", "ob": "ob", "cob": "ob",
             "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl"}
    events, npos, totals, desc = [], 1, None, []
    copy = None
    copy_names = set()
    fn = cfn = ""
    in_call = False

    def name_of(key, rest):
        m = re.match(r"\((\d+)\)(?:\s+(.*))?$", rest)
        if not m:
            return rest  # uncompressed
        k = (table[key], m.group(1))
        if m.group(2) is not None:
            names[k] = m.group(2)
        return names.get(k, "")

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line[0] == "#":
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":  # a cost line
                if in_call:
                    in_call = False
                    if COPY_RE.search(cfn) and not COPY_RE.search(fn):
                        copy_names.add(cfn)
                        vals = line.split()[npos:]
                        for i, v in enumerate(vals):
                            copy[i] += int(v)
                continue
            if line.startswith("events:"):
                events = line.split()[1:]
                copy = [0] * len(events)
            elif line.startswith("positions:"):
                npos = len(line.split()) - 1
            elif line.startswith("totals:") or (line.startswith("summary:") and totals is None):
                totals = [int(v) for v in line.split()[1:]]
            elif line.startswith("desc:"):
                desc.append(line[len("desc:"):].strip())
            elif line.startswith("calls="):
                in_call = True
            else:
                key, eq, rest = line.partition("=")
                if not eq or key not in table:
                    continue
                if key == "fn":
                    fn = name_of(key, rest)
                elif key == "cfn":
                    cfn = name_of(key, rest)
                else:
                    name_of(key, rest)
    if totals is None or not events:
        raise RuntimeError(f"{path}: no events or totals")
    totals += [0] * (len(events) - len(totals))
    return (dict(zip(events, totals)), dict(zip(events, copy)), sorted(copy_names),
            [d for d in desc if "cache" in d])


def callgrind(bench, workload, allocator, ops, cache):
    """One run under callgrind: {calls, Ir, Ir_copy, and with the cache
    simulation LL, LL_copy (ILmr + DLmr + DLmw), caches}, counts collected
    inside bench_call_*, plus the copy routines subtracted."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               "--toggle-collect=bench_call_*", f"--callgrind-out-file={out}"]
        if cache is not None:
            cmd.append("--cache-sim=yes")
            if cache != "host":
                i1, d1, ll = cache.split(":")
                cmd += [f"--I1={i1}", f"--D1={d1}", f"--LL={ll}"]
        cmd += [bench, "--only", workload, "--allocator", allocator, "--trials", "1",
                "--no-latency"]
        if ops and workload.startswith("random"):
            cmd += ["--ops", str(ops)]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
        collected = re.search(r"Collected : (\d+)", p.stderr)
        calls = re.search(r"\((\d+) calls,", p.stdout)
        if not collected or not calls:
            raise RuntimeError(f"cannot parse the output of {' '.join(cmd)}")
        totals, copy, copy_names, caches = parse_callgrind(out)
        if totals["Ir"] != int(collected.group(1)):
            raise RuntimeError(f"{out}: Ir {totals['Ir']} but callgrind collected "
                               f"{collected.group(1)}")
        r = {"calls": int(calls.group(1)), "Ir": totals["Ir"], "Ir_copy": copy["Ir"],
             "copy_functions": copy_names}
        if all(e in totals for e in LL_EVENTS):
            r["LL"] = sum(totals[e] for e in LL_EVENTS)
            r["LL_copy"] = sum(copy[e] for e in LL_EVENTS)
            r["caches"] = caches
        return r


def timed_run(bench, csv_path, reuse):
    """The timed run's header lines, rows by (workload, allocator), stdout.
    With `reuse`, the previous run's files are read instead."""
    text_path = csv_path[:-len(".csv")] + ".txt"
    if reuse and os.path.exists(csv_path) and os.path.exists(text_path):
        with open(text_path) as f:
            stdout = f.read()
    else:
        p = subprocess.run([bench, "--csv", csv_path], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{bench} failed:\n{p.stderr}")
        stdout = p.stdout
        with open(text_path, "w") as f:
            f.write(stdout)
    header = stdout.splitlines()[:2]
    rows = {}
    with open(csv_path) as f:
        for r in csv.DictReader(f):
            rows[(r["workload"], r["allocator"])] = r
    return header, rows, stdout


def boot_time(iso):
    """keel.iso's boot figures: (wall seconds from QEMU's start to the line
    after "It did not crash!", TSC cycles from kernel entry to "It did not
    crash!" as the kernel prints them on that line), or None."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu_run.py")
    p = subprocess.run([sys.executable, script, "--mode", "boot", "--iso", iso, "--verbose",
                        "--expect-serial", r"It did not crash!\nboot: [0-9]+ TSC cycles"],
                       capture_output=True, text=True)
    wall = re.search(r"PASSED in ([0-9.]+) s", p.stdout)
    tsc = re.search(r"boot: ([0-9]+) TSC cycles", p.stdout)
    return (float(wall.group(1)), int(tsc.group(1))) if wall and tsc else None


def fmt(x, digits=1):
    return "—" if x is None else f"{x:,.{digits}f}"


def write_dat(path, header, lines):
    with open(path, "w") as f:
        f.write("# " + " ".join(header) + "\n")
        for line in lines:
            f.write(" ".join(str(v) for v in line) + "\n")


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def histogram(out, name, title, ylabel, workloads, values, logscale=False):
    """One clustered bar chart: a cluster per workload, a bar per allocator."""
    dat = os.path.join(out, f"{name}.dat")
    allocators = [a for a in ALLOCATORS if any(values.get((w, a)) for w in workloads)]
    write_dat(dat, ["workload"] + allocators,
              [[w] + [values.get((w, a), "NaN") for a in allocators] for w in workloads])
    cols = " , ".join(f"'{dat}' using {i + 2}:xtic(1) title '{a}'"
                      for i, a in enumerate(allocators))
    gnuplot(f"""set terminal svg size 1000,480 font 'sans,11' noenhanced
set output '{os.path.join(out, name + '.svg')}'
set title '{title}'
set ylabel '{ylabel}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key outside right top
set grid ytics
set xtics rotate by -20 noenhanced
set yrange [{'1' if logscale else '0'}:*]
{'set logscale y' if logscale else ''}
plot {cols}
""")
    os.remove(dat)


def latency_plot(out, rows):
    dat = os.path.join(out, "latency.dat")
    lines = []
    for w in ("random_4M", "random_32M"):
        for a in ALLOCATORS:
            r = rows.get((w, a))
            if r:
                lines.append([f"{w}:{a}", r["p50"], r["p99"], r["p999"]])
    write_dat(dat, ["run", "p50", "p99", "p999"], lines)
    gnuplot(f"""set terminal svg size 1000,480 font 'sans,11' noenhanced
set output '{os.path.join(out, 'latency.svg')}'
set title 'Latency per allocator call, random actions (rdtsc cycles, timer overhead subtracted)'
set ylabel 'cycles'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [1:*]
set grid ytics
set key outside right top
set xtics rotate by -35 noenhanced
plot '{dat}' using 2:xtic(1) title 'p50', '' using 3 title 'p99', '' using 4 title 'p99.9'
""")
    os.remove(dat)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--out", required=True, help="directory for results.md and the plots")
    ap.add_argument("--ops", type=int, default=0, help="random-actions ops (default 1000000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--iso", help="also time keel.iso from QEMU start to 'It did not crash!'")
    ap.add_argument("--cache", default=DEFAULT_CACHE,
                    help="simulated caches I1:D1:LL, each size,associativity,line size "
                         "(default %(default)s), or 'host' for what valgrind reads from CPUID")
    ap.add_argument("--no-cache-sim", action="store_true",
                    help="no cache simulation: about twice as fast, no LL-miss figures")
    ap.add_argument("--resume", action="store_true",
                    help="keep the figures already in OUT/callgrind_raw.json and the timed run "
                         "in OUT/bench_heap.{csv,txt}; measure only what is missing")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cache = None if args.no_cache_sim else args.cache

    # Every callgrind run's counts, kept in callgrind_raw.json (--resume
    # reuses those made with the same cache setting); callgrind.json keeps
    # its old form, gross instructions per call.
    raw_path = os.path.join(args.out, "callgrind_raw.json")
    cache_path = os.path.join(args.out, "callgrind.json")
    raw = {}
    if args.resume and os.path.exists(raw_path):
        with open(raw_path) as f:
            raw = {tuple(k.split("/")): v for k, v in json.load(f).items()
                   if v.get("cache") == cache}
    # The null allocator cannot run many_boxes_long_lived (its one pointer
    # is shared by the long-lived box, whose value the boxes overwrite).
    runs = [(w, a) for w in CALLGRIND_WORKLOADS for a in ALLOCATORS + ["null"]
            if (w, a) not in raw and (w, a) != ("many_boxes_long_lived", "null")]
    # The slowest runs first, so that the last ones to finish are short.
    runs.sort(key=lambda r: (r[1] not in ("linked_list", "fixed_block"),
                             not r[0].startswith("random")))
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(callgrind, args.bench, w, a, args.ops, cache): (w, a)
                   for w, a in runs}
        for fut in concurrent.futures.as_completed(futures):
            w, a = futures[fut]
            try:
                r = fut.result()
            except RuntimeError as e:
                print(f"callgrind: {w} {a}: {e}", file=sys.stderr, flush=True)
                continue
            r["cache"] = cache
            raw[(w, a)] = r
            ll = f" {r['LL'] / r['calls']:8.3f} LL misses/call" if "LL" in r else ""
            print(f"callgrind: {w:22s} {a:12s} {r['Ir'] / r['calls']:10.1f} instructions/call, "
                  f"{(r['Ir'] - r['Ir_copy']) / r['calls']:10.1f} without memcpy{ll}",
                  flush=True)
            with open(raw_path, "w") as f:
                json.dump({f"{k[0]}/{k[1]}": v for k, v in raw.items()}, f, indent=1)
            with open(cache_path, "w") as f:
                json.dump({f"{k[0]}/{k[1]}": v["Ir"] / v["calls"] for k, v in raw.items()},
                          f, indent=1)

    header, rows, timed_text = timed_run(args.bench, os.path.join(args.out, "bench_heap.csv"),
                                         args.resume)
    boot = boot_time(args.iso) if args.iso else None

    def per_call(w, a, key, minus=None):
        r = raw.get((w, a))
        if r is None or key not in r:
            return None
        return (r[key] - (r[minus] if minus else 0)) / r["calls"]

    def gross(w, a):
        return per_call(w, a, "Ir")

    def nocopy(w, a):
        return per_call(w, a, "Ir", "Ir_copy")

    def ll(w, a):
        return per_call(w, a, "LL")

    def ll_nocopy(w, a):
        return per_call(w, a, "LL", "LL_copy")

    def copies(w, a):
        return per_call(w, a, "Ir_copy")

    def dispatch(w, f=gross):
        # No null run for many_boxes_long_lived: same calls as many_boxes.
        d = f(w, "null")
        return f("many_boxes", "null") if d is None else d

    def net(w, a, f=gross):
        g, d = f(w, a), dispatch(w, f)
        return None if g is None or d is None else g - d

    def nocopy_net(w, a):
        return net(w, a, nocopy)

    def ops(w, a):
        r = rows.get((w, a))
        return None if r is None else float(r["ops_per_s"])

    def eff(w, a, col="eff_mean"):
        r = rows.get((w, a))
        return None if r is None else float(r[col])

    def eff_worst(w, a):
        return eff(w, a, "eff_min")

    copy_functions = sorted({n for r in raw.values() for n in r.get("copy_functions", [])})
    caches = next((r["caches"] for r in raw.values() if r.get("caches")), [])

    md = ["# Allocator benchmark results", "",
          "Produced by `cmake/scripts/bench_callgrind.py` (target `bench_callgrind`); see "
          "[../bench.md](../bench.md) for what the workloads are and how to read this.", "",
          "Instructions per allocator call: callgrind, allocator calls only, "
          "deterministic. *Gross* includes the call through the vtable "
          "(`bench_call_*` wrapper + indirect call), *net* subtracts what the same "
          "calls cost with the `null` allocator (shown in the last column). "
          "*Without memcpy* leaves out the inclusive cost of the copy routines called "
          "under `bench_call_*` (" + (", ".join(f"`{n}`" for n in copy_functions) or "none seen")
          + "). *LL misses* are ILmr + DLmr + DLmw per call from callgrind's cache simulation"
          + (" (" + "; ".join(caches) + ")" if caches else " (not run)") + ".", "",
          "## The issue's rows", "",
          "| workload | " + " | ".join(a + (" (default)" if a == DEFAULT else "")
                                       for a in ISSUE_ORDER) + " |",
          "|---|" + "---|" * len(ISSUE_ORDER)]

    def issue_row(label, getter, unit, digits=1):
        cells = [f"{fmt(getter(a), digits)}{unit}" if getter(a) is not None else "—"
                 for a in ISSUE_ORDER]
        md.append(f"| {label} | " + " | ".join(cells) + " |")

    for w in ("random_4M", "random_4M_small", "random_32M"):
        issue_row(TITLES[w] + ", instructions/call (net)", lambda a, w=w: net(w, a), "")
        issue_row(TITLES[w] + ", instructions/call (gross)", lambda a, w=w: gross(w, a), "")
        issue_row(TITLES[w] + ", instructions/call without memcpy (net)",
                  lambda a, w=w: nocopy_net(w, a), "")
        issue_row(TITLES[w] + ", instructions/call without memcpy (gross)",
                  lambda a, w=w: nocopy(w, a), "")
        issue_row(TITLES[w] + ", LL misses/call", lambda a, w=w: ll(w, a), "", 3)
        issue_row(TITLES[w] + ", LL misses/call without memcpy",
                  lambda a, w=w: ll_nocopy(w, a), "", 3)
        issue_row(TITLES[w] + ", Mops/s", lambda a, w=w: (ops(w, a) or 0) / 1e6 or None, "")
    issue_row("many_boxes, instructions/call (net)", lambda a: net("many_boxes", a), "")
    issue_row("many_boxes, instructions/call (gross)", lambda a: gross("many_boxes", a), "")
    issue_row("many_boxes, LL misses/call", lambda a: ll("many_boxes", a), "", 3)
    issue_row("many_boxes, Mops/s", lambda a: (ops("many_boxes", a) or 0) / 1e6 or None, "")
    for w in ("efficiency_128M", "efficiency_small", "efficiency_small_realloc"):
        issue_row(TITLES[w] + ", mean", lambda a, w=w: eff(w, a), " %")
        issue_row(TITLES[w] + ", worst trial", lambda a, w=w: eff_worst(w, a), " %")
    md.append("")
    for w in ("random_4M", "random_4M_small", "random_32M"):
        g, s = net(w, "glibc"), net(w, DEFAULT)
        if g and s is not None:
            line = (f"- {TITLES[w]}: segfit/glibc = {s / g:.2f} (net), "
                    f"{gross(w, DEFAULT) / gross(w, 'glibc'):.2f} (gross)")
            gn, sn = nocopy_net(w, "glibc"), nocopy_net(w, DEFAULT)
            if gn and sn is not None:
                line += f", {sn / gn:.2f} (net, without memcpy)"
            md.append(line + ".")
    md += ["", "## Every workload", "",
           "| workload | allocator | instr/call gross | net | without memcpy | without memcpy, "
           "net | LL misses/call | without memcpy | ops/s (median of 3) | p50 | p99 | p99.9 (cycles) | "
           "efficiency mean (worst–best) | dispatch (null) |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for w in CALLGRIND_WORKLOADS + EFFICIENCY_WORKLOADS:
        for a in ALLOCATORS:
            r = rows.get((w, a))
            if r is None:
                continue
            is_eff = w.startswith("efficiency")
            md.append("| " + " | ".join([
                w, a, fmt(gross(w, a)), fmt(net(w, a)), fmt(nocopy(w, a)),
                fmt(nocopy_net(w, a)), fmt(ll(w, a), 3), fmt(ll_nocopy(w, a), 3),
                "—" if is_eff else f"{float(r['ops_per_s']):,.0f}",
                "—" if is_eff else r["p50"], "—" if is_eff else r["p99"],
                "—" if is_eff else r["p999"],
                f"{float(r['eff_mean']):.2f} % ({float(r['eff_min']):.2f}–"
                f"{float(r['eff_max']):.2f})" if is_eff else "—",
                "—" if is_eff else fmt(dispatch(w))]) + " |")
    md += ["", "Timed run: " + " / ".join(h.strip() for h in header) + "."]
    if boot is not None:
        md.append(f"\nkeel.iso under QEMU (TCG): {boot[0]:.1f} s wall time from QEMU's start to "
                  f"`It did not crash!` and the boot figure on the next line (qemu_run.py, boot mode); "
                  f"{boot[1]:,} TSC cycles from kernel entry to `It did not crash!`, as the "
                  "kernel prints it.")
    md += ["", "## Plots", "",
           "![throughput](throughput.svg)", "", "![instructions](instructions.svg)", "",
           "![latency](latency.svg)", "", "![efficiency](efficiency.svg)", ""]
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(md))

    # Every figure per workload and allocator, machine-readable.
    fields = ["workload", "allocator", "callgrind_calls", "instr_gross", "instr_net",
              "instr_without_memcpy", "instr_without_memcpy_net", "memcpy_instr",
              "ll_misses", "ll_misses_without_memcpy", "ops_per_s", "p50", "p99", "p999",
              "eff_mean", "eff_worst", "eff_best", "calls", "ops", "failed"]
    table = []
    for w in CALLGRIND_WORKLOADS + EFFICIENCY_WORKLOADS:
        for a in ALLOCATORS + ["null"]:
            r, c = rows.get((w, a)), raw.get((w, a))
            if r is None and c is None:
                continue
            is_eff = w.startswith("efficiency")
            num = (lambda k: None if r is None or is_eff else float(r[k]))
            effv = (lambda k: float(r[k]) if r is not None and is_eff else None)
            table.append({
                "workload": w, "allocator": a,
                "callgrind_calls": c["calls"] if c else None,
                "instr_gross": gross(w, a), "instr_net": net(w, a),
                "instr_without_memcpy": nocopy(w, a),
                "instr_without_memcpy_net": nocopy_net(w, a),
                "memcpy_instr": copies(w, a),
                "ll_misses": ll(w, a), "ll_misses_without_memcpy": ll_nocopy(w, a),
                "ops_per_s": num("ops_per_s"), "p50": num("p50"), "p99": num("p99"),
                "p999": num("p999"), "eff_mean": effv("eff_mean"),
                "eff_worst": effv("eff_min"), "eff_best": effv("eff_max"),
                "calls": int(r["calls"]) if r else None, "ops": int(r["ops"]) if r else None,
                "failed": int(r["failed"]) if r else None})
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"per_call": "instructions and LL misses per allocator call",
                   "copy_functions": copy_functions, "caches": caches,
                   "timed_run": [h.strip() for h in header], "rows": table}, f, indent=1)
    with open(os.path.join(args.out, "metrics.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=fields)
        wr.writeheader()
        for t in table:
            wr.writerow({k: "" if v is None else v if not isinstance(v, float)
                         else int(v) if v.is_integer() else f"{v:.4f}" for k, v in t.items()})

    speed = CALLGRIND_WORKLOADS
    histogram(args.out, "throughput", "Throughput (successful operations per second, median of 3)",
              "ops/s", speed, {(w, a): ops(w, a) for w in speed for a in ALLOCATORS}, True)
    histogram(args.out, "instructions", "Instructions per allocator call (callgrind, net of dispatch)",
              "instructions", speed,
              {(w, a): max(net(w, a), 0.5) for w in speed for a in ALLOCATORS
               if net(w, a) is not None}, True)
    histogram(args.out, "efficiency", "Heap efficiency (requested bytes live at first failure)",
              "% of the region", EFFICIENCY_WORKLOADS,
              {(w, a): eff(w, a) for w in EFFICIENCY_WORKLOADS for a in ALLOCATORS
               if eff(w, a) is not None})
    latency_plot(args.out, rows)
    sys.stdout.write(timed_text)
    print("\n".join(md))


if __name__ == "__main__":
    main()
