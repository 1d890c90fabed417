"""Benchmark of collect alone, at one scale (what benchmarks/cycle.py measures for its collect stages).

    .venv/bin/python benchmarks/intake.py [--members 3321] [--indicators 60] [--runs 2] [--peer]

Realistic returns (benchmarks/returns.py, not timed); then the library's
``collect()`` and the ``emuxl collect`` command, each from an empty store, in
turn with the floor (reading every zip member of the same files): collect per
CPU second against the floor (target <= 10x), in wall time against the floor
on as many processes, and ``emuxl collect`` per file against an openpyxl
script reading the named inputs (target: >= 5x faster).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cycle import collect_stage, machine, prepare_scale, print_scale, returns_pool
from measure import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=3321)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--runs", type=int, default=2, help="runs of each (the fastest counts)")
    parser.add_argument("--peer", action="store_true", help="with the peer indicator (and peer forms)")
    args = parser.parse_args()
    jobs = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix="emuxl-intake-"))
    print(f"machine: {machine()}, Python {sys.version.split()[0]}; load {load()} (1/5/15 min)")
    try:
        pool, shapes = returns_pool(root, args.members, args.indicators, args.peer, jobs)
        print("returns: " + ", ".join(f"{n} {k}" for k, n in shapes.items()))
        out, _campaign, folder = prepare_scale(root, args.members, args.indicators, pool, args.peer)
        collect_stage(out, folder, jobs, args.runs)
        print_scale(out, jobs)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
