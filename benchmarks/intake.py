"""Benchmark: collect thousands of returned forms, against the floor of reading every zip member.

    .venv/bin/python benchmarks/intake.py [--members 3321] [--indicators 60] [--openpyxl-sample 200]

Prints files/second for ``collect`` (all cores, every safety step: archive,
sniff, isolated workers, verification, validation, SQLite) and the ratio to
the floor measured in the same run: reading every zip member of the same
files with ``zipfile`` and no parsing. Collect runs twice from an empty store
and the floor three times around them; the fastest of each counts. Target: within 10x of the floor.
Also prints what a user's own openpyxl script costs per file, for comparison.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import forget_collected, synthetic_campaign, timed

from emuxl.definitions import Campaign, load_campaign
from emuxl.demo import plausible_values
from emuxl.forms import member_form
from emuxl.intake import collect

_campaign: Campaign | None = None


def _write(codes: list[str]) -> None:
    assert _campaign is not None
    rng = random.Random(codes[0])
    for code in codes:
        member = _campaign.member(code)
        path = _campaign.folder / "inbox" / f"{code}.xlsx"
        path.write_bytes(member_form(_campaign, member, plausible_values(_campaign, rng)))


def _init(campaign: Campaign) -> None:
    global _campaign
    _campaign = campaign


def floor(paths: list[Path]) -> None:
    """Read every zip member of every file, parsing nothing."""
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                zf.read(name)


def with_openpyxl(paths: list[Path]) -> None:
    """What a user would write: open each file with openpyxl and read the named inputs."""
    for path in paths:
        wb = openpyxl.load_workbook(path, data_only=True)
        for name, dn in wb.defined_names.items():
            if name.startswith("v_"):
                for sheet, ref in dn.destinations:
                    _ = wb[sheet][ref.replace("$", "")].value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=3321)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--openpyxl-sample", type=int, default=200)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="emuxl-bench-"))
    try:
        synthetic_campaign(root / "c", args.members, args.indicators)
        campaign = load_campaign(root / "c")
        (root / "c" / "inbox").mkdir()
        codes = campaign.member_codes
        chunks = [codes[i : i + 50] for i in range(0, len(codes), 50)]
        with ProcessPoolExecutor(initializer=_init, initargs=(campaign,)) as pool:
            list(pool.map(_write, chunks))
        paths = sorted((root / "c" / "inbox").iterdir())
        n = len(paths)
        floor(paths)  # warm the page cache for both measurements
        floors, runs = [timed(floor, paths)], []
        for _ in range(2):  # interleaved with the floor: the machine's speed drifts
            forget_collected(root / "c")
            runs.append(timed(lambda: list(collect(campaign))))
            floors.append(timed(floor, paths))
        t_collect, t_floor = min(runs), min(floors)  # noise only ever adds time
        sample = paths[: args.openpyxl_sample]
        t_openpyxl = timed(with_openpyxl, sample) / len(sample)
        print(f"{n} returned forms, {args.indicators} indicators each, {os.cpu_count()} cores")
        print(f"floor (zipfile, every member, one core, best of 3): {t_floor:.2f} s = {n / t_floor:.0f} files/s")
        print(f"emuxl collect (all cores, every safety step, best of 2): {t_collect:.2f} s = {n / t_collect:.0f}/s")
        print(f"ratio collect / floor: {t_collect / t_floor:.1f}x (target <= 10x)")
        print(f"openpyxl per file (one core, {len(sample)} files): {t_openpyxl * 1000:.1f} ms")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
