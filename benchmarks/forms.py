"""Benchmark of the forms alone, at one scale (what benchmarks/cycle.py measures for its forms stage).

    .venv/bin/python benchmarks/forms.py [--members 3321] [--indicators 60] [--sample 100] [--peer]

``write_forms`` on all cores (wall, CPU, peak memory summed over its
processes), and per form on one core (CPU time, an evenly spread sample of
members) emuxl's form writer against a replay of the very XlsxWriter calls it
made for those forms, on stock XlsxWriter (target <= 0.7x) and on emuxl's
FormulaSheet.
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

from cycle import Scale, forms_stage, machine, print_scale
from measure import load
from synthetic import synthetic_campaign

from emuxl.definitions import load_campaign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=3321)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--sample", type=int, default=100, help="members whose forms give the ratio")
    parser.add_argument("--runs", type=int, default=2, help="passes over the sample (the fastest counts)")
    parser.add_argument("--peer", action="store_true", help="with the peer indicator (and peer forms)")
    args = parser.parse_args()
    jobs = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix="emuxl-forms-"))
    print(f"machine: {machine()}, Python {sys.version.split()[0]}; load {load()} (1/5/15 min)")
    try:
        synthetic_campaign(root / "c", args.members, args.indicators, args.peer)
        out = Scale(args.members, args.peer, files=0, load=load())
        forms_stage(out, load_campaign(root / "c"), jobs, args.sample, args.runs)
        print_scale(out, jobs)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
