"""A small deterministic Python workload for the allocation traces
(cmake/scripts/bench_traces.py runs it with PYTHONMALLOC=malloc, so that
every object CPython makes is a malloc, and PYTHONHASHSEED=0).

It does what Python programs do all day: builds records as dicts, lists and
strings, serialises them to JSON and back, indexes and sorts them, formats
a report, and lets a part of them die while others live on, in rounds.
Prints a checksum so that a change in the work shows.
"""

import json
import sys


class Account:
    def __init__(self, ident, owner, balance):
        self.ident = ident
        self.owner = owner
        self.balance = balance
        self.history = []

    def post(self, amount, memo):
        self.balance += amount
        self.history.append((amount, memo))


def make_records(round_no, count):
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    records = []
    for i in range(count):
        key = (i * 7919 + round_no * 104729) % 100003
        records.append({
            "id": key,
            "name": "user-%d-%s" % (key, words[key % len(words)]),
            "tags": [words[(key + j) % len(words)] for j in range(key % 5)],
            "score": (key % 1000) / 7.0,
            "nested": {"round": round_no, "parity": key % 2 == 0},
        })
    return records


def one_round(round_no, survivors, accounts):
    records = make_records(round_no, 6000)
    text = json.dumps(records)
    back = json.loads(text)
    by_word = {}
    for r in back:
        for t in r["tags"]:
            by_word.setdefault(t, []).append(r["id"])
    back.sort(key=lambda r: (r["score"], r["name"]))
    lines = ["%8d %-24s %10.3f %s" % (r["id"], r["name"], r["score"], ",".join(r["tags"]))
             for r in back[:3000]]
    report = "\n".join(lines)
    words = report.split()
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    # Some of the round lives on, most of it dies.
    survivors.extend(back[::50])
    if len(survivors) > 2000:
        del survivors[:600]
    for r in back[:1500]:
        a = accounts.setdefault(r["id"] % 500, Account(r["id"] % 500, r["name"], 0.0))
        a.post(r["score"], "round %d" % round_no)
        if len(a.history) > 40:
            a.history = a.history[-10:]
    return len(text) + len(report) + len(counts) + sum(len(v) for v in by_word.values())


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    survivors, accounts = [], {}
    checksum = 0
    for n in range(rounds):
        checksum = (checksum * 31 + one_round(n, survivors, accounts)) % (1 << 61)
    print("checksum", checksum, "survivors", len(survivors), "accounts", len(accounts))


if __name__ == "__main__":
    main()
