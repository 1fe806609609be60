#!/usr/bin/env python3
"""Issue 9's allocator figures: instructions per allocator call under
callgrind, plus one timed run of the whole benchmark, written as
docs/bench/results.md and gnuplot SVG plots.

  bench_callgrind.py --bench build/tests/bench/bench_heap --out docs/bench
                     [--ops N] [--jobs N] [--iso build/keel.iso] [--resume]

Callgrind runs bench_heap once per workload and allocator
(--only W --allocator A --trials 1 --no-latency) with collection off except
inside bench_call_alloc/dealloc/realloc, the three functions that do nothing
but the call through the allocator vtable (--collect-atstart=no
--toggle-collect=bench_call_*). Instructions per call = collected
instructions / allocator calls. The "null" allocator, which returns at once,
measures what the dispatch itself costs (wrapper + indirect call); the
tables give both the gross figure and the figure net of it.

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
CALLGRIND_WORKLOADS = ["random_4M", "random_32M", "simple_allocation", "large_vec",
                       "many_boxes", "many_boxes_long_lived"]
EFFICIENCY_WORKLOADS = ["efficiency_128M", "efficiency_4M", "efficiency_small"]
TITLES = {
    "random_4M": "random actions, 4 MiB, max 1000",
    "random_32M": "random actions, 32 MiB, max 10000",
    "efficiency_128M": "heap efficiency, 128 MiB (x5)",
    "efficiency_4M": "heap efficiency, 4 MiB (x50)",
    "efficiency_small": "heap efficiency, 100 KiB, max 256, no realloc (x300)",
    "simple_allocation": "blog_os simple_allocation, 100 KiB",
    "large_vec": "blog_os large_vec, 100 KiB",
    "many_boxes": "blog_os many_boxes, 100 KiB",
    "many_boxes_long_lived": "blog_os many_boxes_long_lived, 100 KiB",
}


def callgrind(bench, workload, allocator, ops):
    """(instructions collected, allocator calls) of one run under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               "--toggle-collect=bench_call_*",
               f"--callgrind-out-file={os.path.join(tmp, 'callgrind.out')}",
               bench, "--only", workload, "--allocator", allocator, "--trials", "1",
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
        return int(collected.group(1)), int(calls.group(1))


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
    ap.add_argument("--resume", action="store_true",
                    help="keep the figures already in OUT/callgrind.json and the timed run in "
                         "OUT/bench_heap.{csv,txt}; measure only what is missing")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    # Figures already measured (--resume) are kept in callgrind.json.
    cache_path = os.path.join(args.out, "callgrind.json")
    instr = {}
    if args.resume and os.path.exists(cache_path):
        with open(cache_path) as f:
            instr = {tuple(k.split("/")): v for k, v in json.load(f).items()}
    runs = [(w, a) for w in CALLGRIND_WORKLOADS for a in ALLOCATORS + ["null"]
            if (w, a) not in instr]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(callgrind, args.bench, w, a, args.ops): (w, a) for w, a in runs}
        for fut in concurrent.futures.as_completed(futures):
            w, a = futures[fut]
            try:
                collected, calls = fut.result()
            except RuntimeError as e:
                print(f"callgrind: {w} {a}: {e}", file=sys.stderr, flush=True)
                continue
            instr[(w, a)] = collected / calls
            print(f"callgrind: {w:22s} {a:12s} {collected / calls:10.1f} instructions/call",
                  flush=True)
            with open(cache_path, "w") as f:
                json.dump({f"{k[0]}/{k[1]}": v for k, v in instr.items()}, f, indent=1)

    header, rows, timed_text = timed_run(args.bench, os.path.join(args.out, "bench_heap.csv"),
                                         args.resume)
    boot = boot_time(args.iso) if args.iso else None

    def gross(w, a):
        return instr.get((w, a))

    def dispatch(w):
        # The null allocator cannot run many_boxes_long_lived (its one
        # pointer is shared by the long-lived box): same calls as many_boxes.
        d = instr.get((w, "null"))
        return instr.get(("many_boxes", "null")) if d is None else d

    def net(w, a):
        g, d = instr.get((w, a)), dispatch(w)
        return None if g is None or d is None else g - d

    def ops(w, a):
        r = rows.get((w, a))
        return None if r is None else float(r["ops_per_s"])

    def eff(w, a):
        r = rows.get((w, a))
        return None if r is None else float(r["eff_mean"])

    md = ["# Allocator benchmark results", "",
          "Produced by `cmake/scripts/bench_callgrind.py` (target `bench_callgrind`); see "
          "[../bench.md](../bench.md) for what the workloads are and how to read this.", "",
          "Instructions per allocator call: callgrind, allocator calls only, "
          "deterministic. *Gross* includes the call through the vtable "
          "(`bench_call_*` wrapper + indirect call), *net* subtracts what the same "
          "calls cost with the `null` allocator (shown in the last column).", "",
          "## The issue's rows", "",
          "| workload | " + " | ".join(a + (" (default)" if a == DEFAULT else "")
                                       for a in ISSUE_ORDER) + " |",
          "|---|" + "---|" * len(ISSUE_ORDER)]

    def issue_row(label, getter, unit):
        cells = [f"{fmt(getter(a))}{unit}" if getter(a) is not None else "—"
                 for a in ISSUE_ORDER]
        md.append(f"| {label} | " + " | ".join(cells) + " |")

    for w in ("random_4M", "random_32M"):
        issue_row(TITLES[w] + ", instructions/call (net)", lambda a, w=w: net(w, a), "")
        issue_row(TITLES[w] + ", instructions/call (gross)", lambda a, w=w: gross(w, a), "")
        issue_row(TITLES[w] + ", Mops/s", lambda a, w=w: (ops(w, a) or 0) / 1e6 or None, "")
    issue_row("many_boxes, instructions/call (net)", lambda a: net("many_boxes", a), "")
    issue_row("many_boxes, instructions/call (gross)", lambda a: gross("many_boxes", a), "")
    issue_row(TITLES["efficiency_128M"], lambda a: eff("efficiency_128M", a), " %")
    issue_row(TITLES["efficiency_small"], lambda a: eff("efficiency_small", a), " %")
    md.append("")
    for w in ("random_4M", "random_32M"):
        g, s = net(w, "glibc"), net(w, DEFAULT)
        if g and s is not None:
            md.append(f"- {TITLES[w]}: segfit/glibc = {s / g:.2f} (net), "
                      f"{gross(w, DEFAULT) / gross(w, 'glibc'):.2f} (gross).")
    md += ["", "## Every workload", "",
           "| workload | allocator | instr/call gross | net | ops/s (median of 3) | "
           "p50 | p99 | p99.9 (cycles) | efficiency mean (min–max) | dispatch (null) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for w in CALLGRIND_WORKLOADS + EFFICIENCY_WORKLOADS:
        for a in ALLOCATORS:
            r = rows.get((w, a))
            if r is None:
                continue
            is_eff = w.startswith("efficiency")
            md.append("| " + " | ".join([
                w, a, fmt(gross(w, a)), fmt(net(w, a)),
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
