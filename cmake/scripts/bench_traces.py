#!/usr/bin/env python3
"""Keel's allocators on real programs' allocation traces (docs/bench.md,
"Real programs' traces"): records the traces that are missing, replays each
with every allocator, counts instructions and cache misses per call under
callgrind, and writes a markdown table (and prints it).

  bench_traces.py --recorder build/tests/bench/libtrace_record.so
                  --replay build/tests/bench/trace_replay --source .
                  --work build/traces --out docs/bench/traces.md
                  [--only NAME[,NAME...]] [--rerecord] [--runs N] [--jobs N]
                  [--callgrind-ops N] [--no-callgrind]

Recording: each program runs once under the recorder (LD_PRELOAD, KEEL_TRACE)
on inputs this script generates (fixed seeds, no network) under WORK,
without address randomisation (setarch -R) and with fixed hash seeds, so
that a trace comes out the same every time (xz's threads aside); of
the per-process trace files, the one of the program named in TRACES is kept
as WORK/<name>.trace. A trace that exists is not recorded again (unless
--rerecord).

Replay: trace_replay measures each (trace, allocator) once and times it
--runs times (median). linked_list, whose every call walks its free list,
replays at most the first LINKED_LIST_OPS calls of a trace, timed once.

Callgrind: one run per (trace, allocator) on the first --callgrind-ops
calls of the trace (linked_list: LINKED_LIST_CALLGRIND_OPS), in process
(--runs 0 --no-fork), collection on only inside
bench_call_* (--toggle-collect), with the cache simulation of
bench_callgrind.py (fixed geometry: I1/D1 32 KiB, LL 8 MiB). Instructions
per call leave out the copies (memcpy/memmove called under bench_call_*,
bench_callgrind.parse_callgrind); LL misses per call are ILmr + DLmr + DLmw,
copies included.
"""

import argparse
import concurrent.futures
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_callgrind import DEFAULT_CACHE, LL_EVENTS, parse_callgrind  # noqa: E402

ALLOCATORS = ["segfit", "tlsf", "fixed_block", "linked_list", "bump", "glibc"]
# linked_list walks its free list at every call (O(holes)): on the larger
# traces it replays, and is counted under callgrind, on a prefix only.
LINKED_LIST_OPS = 1_000_000
LINKED_LIST_CALLGRIND_OPS = 200_000
TRACE_MAGIC = b"KEELTRC\n"


# ---- Inputs ---------------------------------------------------------------------


def sqlite_script(path):
    """SQL for sqlite3: a table, 100 000 single-row INSERTs in one
    transaction, an index, queries, an update and a delete."""
    with open(path, "w") as f:
        f.write("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, tag TEXT,"
                " note TEXT);\nBEGIN;\n")
        for i in range(1, 100_001):
            k = (i * 7919) % 100_003
            f.write(f"INSERT INTO t VALUES({i},'name{k}',{k % 1000 / 7.0:.4f},'tag{k % 97}',"
                    f"'{'x' * (k % 50)}');\n")
        f.write("COMMIT;\nCREATE INDEX t_tag ON t(tag, score);\n"
                "SELECT tag, count(*), avg(score) FROM t GROUP BY tag ORDER BY 2 DESC, 1 LIMIT 5;\n"
                "SELECT count(*) FROM t WHERE name LIKE 'name9%';\n"
                "SELECT a.tag, count(*) FROM t a JOIN t b ON a.id = b.id + 1 WHERE a.score > 100"
                " GROUP BY a.tag ORDER BY 1 LIMIT 3;\n"
                "UPDATE t SET note = note || 'y' WHERE id % 3 = 0;\n"
                "DELETE FROM t WHERE id % 5 = 0;\n"
                "SELECT sum(length(note)), max(score) FROM t;\n")


def text_file(path, size):
    """`size` bytes of text lines of made-up words (compressible, not trivially)."""
    r = random.Random(1)
    words = ["".join(r.choice("abcdefghijklmnop") for _ in range(r.randint(2, 9)))
             for _ in range(3000)]
    with open(path, "w") as f:
        n = 0
        while n < size:
            line = " ".join(r.choice(words) for _ in range(12)) + "\n"
            f.write(line)
            n += len(line)


def git_repo(path):
    """A repository of 400 commits over 60 C files, made by git fast-import."""
    r = random.Random(7)
    files = {f"src/file{i:03d}.c": [f"int f{i}_{j}(int x) {{ return x * {j} + {i}; }}"
                                    for j in range(40)] for i in range(60)}
    out = []
    for c in range(400):
        changed = sorted(files) if c == 0 else r.sample(sorted(files), 3)
        for name in ([] if c == 0 else changed):
            lines = files[name]
            for _ in range(r.randint(1, 6)):
                k = r.randrange(len(lines))
                if r.random() < 0.5:
                    lines[k] = lines[k].replace("-", "") if "-" in lines[k] else \
                        lines[k].replace("return", "return -")
                else:
                    lines.insert(k, f"/* change {c} */")
        msg = f"commit {c}: {len(changed)} files\n"
        out.append(f"commit refs/heads/main\n"
                   f"committer Keel Bench <bench@keel.invalid> {1700000000 + 3600 * c} +0000\n"
                   f"data {len(msg)}\n{msg}")
        for name in changed:
            data = "\n".join(files[name]) + "\n"
            out.append(f"M 100644 inline {name}\ndata {len(data)}\n{data}")
        out.append("\n")
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True, env=git_env(path))
    subprocess.run(["git", "fast-import", "--quiet"], input="".join(out), text=True,
                   cwd=path, check=True, env=git_env(path))


def git_env(path):
    return dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=os.path.dirname(path),
                GIT_CONFIG_GLOBAL="/dev/null")


# ---- The traces -----------------------------------------------------------------

# name -> what it is, the program whose trace is kept (its name in the trace
# header), how to prepare its inputs, and its command: setup(work) returns
# (argv, stdin path or None, extra environment).


def setup_python(work, source):
    return (["/usr/bin/python3", os.path.join(source, "tests/bench/trace_workload.py"), "4"],
            None, {"PYTHONMALLOC": "malloc", "PYTHONHASHSEED": "0"})


def setup_sqlite(work, source):
    script, db = os.path.join(work, "sqlite.sql"), os.path.join(work, "sqlite.db")
    sqlite_script(script)
    if os.path.exists(db):
        os.remove(db)
    return ["sqlite3", db], script, {}


def setup_cc1(work, source):
    return (["gcc", "-O2", "-g", "-I", source, "-DKEEL_HOST=1", "-c",
             os.path.join(source, "tests/host/mm/multiboot2_test.c"),
             "-o", os.path.join(work, "multiboot2_test.o")], None, {})


def setup_xz(work, source):
    data = os.path.join(work, "xz.txt")
    text_file(data, 8 << 20)
    return ["xz", "-T2", "--block-size=1MiB", "-3", "-c", "-k", data], None, {}


def setup_git(work, source):
    repo = os.path.join(work, "git-repo")
    git_repo(repo)
    return (["git", "-C", repo, "--no-pager", "log", "-p", "--stat", "main"], None,
            git_env(repo))


def setup_perl(work, source):
    return (["perl", os.path.join(source, "tests/bench/trace_workload.pl"), "20000"], None,
            {"PERL_HASH_SEED": "0", "PERL_PERTURB_KEYS": "0"})


TRACES = [
    ("python", "python3", "CPython 3.11, PYTHONMALLOC=malloc, tests/bench/trace_workload.py "
     "(4 rounds of dicts, lists, strings, JSON, sorting)", setup_python),
    ("sqlite", "sqlite3", "sqlite3 CLI: 100 000 INSERTs in one transaction, an index, "
     "queries, UPDATE, DELETE", setup_sqlite),
    ("cc1", "cc1", "gcc -O2 -g -c tests/host/mm/multiboot2_test.c: the compiler proper (cc1)",
     setup_cc1),
    ("xz", "xz", "xz -T2 --block-size=1MiB -3 on 8 MiB of text: 2 worker threads", setup_xz),
    ("git", "git", "git log -p --stat over a generated repository (400 commits, 60 files)",
     setup_git),
    ("perl", "perl", "perl tests/bench/trace_workload.pl 20000 (hashes, arrays, regexes, "
     "sort, sprintf)", setup_perl),
]


def program_of(path):
    """The program name in a trace file's header, or None."""
    with open(path, "rb") as f:
        h = f.read(48)
    if len(h) < 48 or h[:8] != TRACE_MAGIC:
        return None
    return h[24:48].split(b"\0")[0].decode(errors="replace")


def record(name, program, setup, args):
    """Runs the program under the recorder; keeps WORK/<name>.trace."""
    work = os.path.join(args.work, name + ".inputs")
    os.makedirs(work, exist_ok=True)
    argv, stdin, env = setup(work, args.source)
    rec = tempfile.mkdtemp(prefix=name + ".", dir=args.work)
    env = dict(os.environ, **env, KEEL_TRACE=os.path.join(rec, name),
               LD_PRELOAD=args.recorder)
    # Without address randomisation (and with fixed hash seeds), a program
    # makes the same calls every time: only xz's threads may interleave
    # differently.
    argv = ["setarch", platform.machine(), "--addr-no-randomize"] + argv
    t0 = time.time()
    with open(stdin or os.devnull) as inp:
        p = subprocess.run(argv, stdin=inp, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env, cwd=work)
    if p.returncode != 0:
        raise RuntimeError(f"{name}: {' '.join(argv)} exited with {p.returncode}:\n"
                           f"{p.stderr.decode(errors='replace')[-2000:]}")
    files = [os.path.join(rec, f) for f in os.listdir(rec)]
    mine = [f for f in files if program_of(f) == program]
    if not mine:
        raise RuntimeError(f"{name}: no trace of {program} among {len(files)} files")
    keep = max(mine, key=os.path.getsize)
    os.replace(keep, os.path.join(args.work, name + ".trace"))
    shutil.rmtree(rec)
    print(f"recorded {name}: {' '.join(argv)} ({time.time() - t0:.1f} s, "
          f"{len(files)} processes)", flush=True)


# ---- Replay ---------------------------------------------------------------------


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def replay(args, trace, allocators, extra):
    """The trace line and the replay lines (by allocator) of one trace_replay run."""
    cmd = [args.replay, "--allocator", ",".join(allocators)] + extra + [trace]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
    info, rows = None, {}
    for line in p.stdout.splitlines():
        if line.startswith("trace "):
            info = fields(line)
        elif line.startswith("replay "):
            f = fields(line)
            rows[f["allocator"]] = f
    return info, rows


def callgrind(args, trace, allocator):
    """Instructions (copies left out) and LL misses per call, and the calls,
    over the first --callgrind-ops calls (linked_list: fewer)."""
    ops = args.callgrind_ops
    if allocator == "linked_list":
        ops = min(ops, LINKED_LIST_CALLGRIND_OPS)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        i1, d1, ll = DEFAULT_CACHE.split(":")
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               "--toggle-collect=bench_call_*", f"--callgrind-out-file={out}",
               "--cache-sim=yes", f"--I1={i1}", f"--D1={d1}", f"--LL={ll}",
               args.replay, "--allocator", allocator, "--runs", "0", "--no-fork",
               "--max-ops", str(ops), trace]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
        row = [fields(line) for line in p.stdout.splitlines() if line.startswith("replay ")][0]
        calls = int(row["calls"])
        totals, copy, _, _ = parse_callgrind(out)
        return {"calls": calls,
                "instr": (totals["Ir"] - copy["Ir"]) / calls,
                "ll": sum(totals[e] for e in LL_EVENTS) / calls}


# ---- The table ------------------------------------------------------------------


def num(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


def mib(x):
    return "—" if x is None else f"{int(x) / (1 << 20):,.2f}"


def markdown(args, infos, rows, cg):
    md = ["# Allocators on real programs' traces", "",
          "Produced by `cmake/scripts/bench_traces.py` (target `bench_traces`); see "
          "[../bench.md](../bench.md#real-programs-traces) for what the figures mean.", "",
          "## The traces", "",
          "| trace | what ran | calls | allocs / frees / reallocs | threads | peak live MiB |",
          "|---|---|---|---|---|---|"]
    for name, _, title, _ in TRACES:
        i = infos.get(name)
        if i is None:
            continue
        md.append(f"| {name} | {title} | {num(int(i['calls']))} | {num(int(i['allocs']))} / "
                  f"{num(int(i['frees']))} / {num(int(i['reallocs']))} | {i['threads']} | "
                  f"{mib(i['peak_live'])} |")
    md += ["", "## Per trace and allocator", "",
           "Footprint: highest byte handed out − region start (glibc: the most "
           "`mallinfo2()` arena + hblkhd reached); pages: distinct 4 KiB pages blocks "
           "ever covered; both also as a multiple of the peak of live requested bytes. "
           "Mops/s: calls per second, median of the timed runs. Instructions per call "
           "(memcpy/memmove left out) and last-level cache misses per call come from "
           "callgrind, over the first calls of the trace (*calls counted*).", "",
           "| trace | allocator | calls replayed | failed | footprint MiB | ÷ peak live | "
           "pages × 4 KiB MiB | ÷ peak live | Mops/s | calls counted | instr/call | "
           "LL misses/call |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, _, _, _ in TRACES:
        for a in ALLOCATORS:
            r = rows.get((name, a))
            if r is None:
                continue
            c = cg.get((name, a), {})
            calls = num(int(r["calls"]))
            if a == "linked_list" and int(infos[name]["calls"]) > LINKED_LIST_OPS:
                calls = f"first {calls}"
            glibc = "anchor" in r
            foot = r["anchor"] if glibc else r["footprint"]
            ratio = float(r["anchor_ratio"] if glibc else r["footprint_ratio"])
            pages = None if glibc else int(r["pages"]) * 4096
            pratio = None if glibc else float(r["pages_ratio"])
            ops = float(r["ops_per_s"]) / 1e6 if "ops_per_s" in r else None
            md.append(f"| {name} | {a} | {calls} | {r['failed']} | {mib(foot)} | {num(ratio, 2)} "
                      f"| {mib(pages)} | {num(pratio, 2)} | {num(ops, 1)} | "
                      f"{num(c.get('calls'))} | {num(c.get('instr'), 1)} | "
                      f"{num(c.get('ll'), 3)} |")
    return "\n".join(md) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recorder", required=True, help="libtrace_record.so")
    ap.add_argument("--replay", required=True, help="trace_replay")
    ap.add_argument("--source", required=True, help="the keel source tree")
    ap.add_argument("--work", required=True, help="directory for traces and their inputs")
    ap.add_argument("--out", required=True, help="the markdown file to write")
    ap.add_argument("--only", help="comma-separated trace names")
    ap.add_argument("--rerecord", action="store_true", help="record even existing traces")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per replay (median)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="callgrind jobs")
    ap.add_argument("--callgrind-ops", type=int, default=1_000_000)
    ap.add_argument("--no-callgrind", action="store_true")
    args = ap.parse_args()
    args.recorder = os.path.abspath(args.recorder)
    args.source = os.path.abspath(args.source)
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    # One replayer for the whole run, even if the build tree is rebuilt
    # meanwhile.
    snapshot = os.path.join(args.work, "trace_replay")
    shutil.copy2(args.replay, snapshot)
    args.replay = snapshot
    only = set(args.only.split(",")) if args.only else None
    traces = [t for t in TRACES if only is None or t[0] in only]
    start = time.time()

    for name, program, _, setup in traces:
        if args.rerecord or not os.path.exists(os.path.join(args.work, name + ".trace")):
            record(name, program, setup, args)
    t_record = time.time()

    infos, rows = {}, {}
    for name, _, _, _ in traces:
        path = os.path.join(args.work, name + ".trace")
        fast = [a for a in ALLOCATORS if a != "linked_list"]
        infos[name], got = replay(args, path, fast, ["--runs", str(args.runs)])
        _, slow = replay(args, path, ["linked_list"],
                         ["--runs", "1", "--max-ops", str(LINKED_LIST_OPS)])
        got.update(slow)
        for a, r in got.items():
            rows[(name, a)] = r
            print(f"replay {name:8s} {a:12s} " + " ".join(
                f"{k}={v}" for k, v in r.items() if k not in ("trace", "allocator")), flush=True)
        if name == "xz" and int(infos[name]["threads"]) < 3:
            raise RuntimeError("xz -T2: the trace shows fewer than 3 threads allocating")
    t_replay = time.time()

    cg = {}
    if not args.no_callgrind:
        jobs = [(name, a) for name, _, _, _ in traces for a in ALLOCATORS]
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(callgrind, args, os.path.join(args.work, n + ".trace"), a):
                       (n, a) for n, a in jobs}
            for fut in concurrent.futures.as_completed(futures):
                n, a = futures[fut]
                cg[(n, a)] = fut.result()
                print(f"callgrind {n:8s} {a:12s} {cg[(n, a)]['instr']:10.1f} instructions/call "
                      f"{cg[(n, a)]['ll']:.3f} LL misses/call", flush=True)
    t_callgrind = time.time()

    md = markdown(args, infos, rows, cg)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(md)
    print()
    print(md)
    print(f"bench_traces: {t_record - start:.0f} s recording, {t_replay - t_record:.0f} s "
          f"replaying, {t_callgrind - t_replay:.0f} s callgrind; wrote {args.out}")


if __name__ == "__main__":
    main()
