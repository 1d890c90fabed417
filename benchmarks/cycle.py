"""Benchmark of the whole cycle: forms, fill, collect, rank, report, at growing scales.

    .venv/bin/python benchmarks/cycle.py [--scales 830,1660,3321] [--indicators 60] [--small]

For each scale, a synthetic campaign of that many communes: every stage runs
in its own process (so its peak memory is its own) and prints its time,
throughput, peak memory and the ratio to a floor measured in the same run:

- forms: emuxl's form writer against a bare XlsxWriter loop writing the same
  cells, names, validations and formats (both on all cores); target <= 1.5x;
- fill: the forms filled with plausible values, written directly (no floor);
- collect: every safety step against reading every zip member of the same
  files with ``zipfile`` (one core); collect runs twice from an empty store,
  the floor before, between and after, and the fastest of each counts (noise
  only ever adds time); target <= 10x;
- rank: scores, ranking and ``ranking.xlsx`` with live formulas, against
  writing the same values without formulas; target: under a minute at 3,321;
- report: the three bundled Word documents.

Peak memory target: under 1 GiB per stage. Growth: the last table shows each
stage's time per member at every scale; linear means a flat row.
``--small`` runs two tiny scales in seconds (the test suite's smoke test).
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from forms import bare_form
from synthetic import forget_collected, synthetic_campaign

from emuxl import resources
from emuxl.definitions import Campaign, load_campaign
from emuxl.demo import plausible_values
from emuxl.forms import member_form, write_forms
from emuxl.intake import collect
from emuxl.report import render_reports
from emuxl.results import compute
from emuxl.workbook import write_ranking

GIB = 1024**3


@dataclass
class Stage:
    """One measured step: seconds, peak resident memory in bytes, and what it returned."""

    seconds: float
    peak: int
    value: Any = None


def measured(func: Callable[[], Any]) -> Stage:
    """Run ``func`` in a forked process; its time, its peak memory (with its own workers) and its result."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, leave without cleanup handlers
        os.close(read)
        code = 0
        try:
            start = time.perf_counter()
            value = func()
            payload = pickle.dumps((time.perf_counter() - start, value))
        except BaseException as e:  # report any failure to the parent
            payload, code = pickle.dumps((0.0, f"failed: {type(e).__name__}: {e}")), 1
        with os.fdopen(write, "wb") as f:
            f.write(payload)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        seconds, value = pickle.loads(f.read())
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"stage failed: {value}")
    return Stage(seconds, usage.ru_maxrss * 1024, value)


def best(stages: list[Stage]) -> Stage:
    """The fastest of repeated runs (noise only ever adds time), with the highest peak memory."""
    return Stage(min(s.seconds for s in stages), max(s.peak for s in stages))


COLLECT_RUNS = 2


def _chunks(items: list[Any], jobs: int) -> list[list[Any]]:
    size = max(1, min(64, len(items) // (jobs * 4)))
    return [items[i : i + size] for i in range(0, len(items), size)]


_campaign: Campaign | None = None


def _init(campaign: Campaign) -> None:
    global _campaign
    _campaign = campaign


def _bare_chunk(args: tuple[Path, list[str], int]) -> None:
    folder, names, rows = args
    for name in names:
        (folder / f"{abs(hash(name))}.xlsx").write_bytes(bare_form(name, rows))


def _fill_chunk(codes: list[str]) -> None:
    assert _campaign is not None
    rng = random.Random(codes[0])
    for code in codes:
        data = member_form(_campaign, _campaign.member(code), plausible_values(_campaign, rng))
        (_campaign.folder / "inbox" / f"{code}.xlsx").write_bytes(data)


def read_every_member(paths: list[Path]) -> None:
    """The collect floor: read every zip member of every file, parsing nothing."""
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                zf.read(name)


def ranking_values(campaign: Campaign) -> tuple[dict[tuple[str, str], float], list[tuple[str, list[float]]]]:
    """What ``ranking.xlsx`` holds: each formula cell's value, and each member's name and input numbers."""
    from emuxl.workbook import ranking_workbook

    results = compute(campaign)
    written = ranking_workbook(results)
    rows = [
        (
            campaign.member(code).name,
            [v for _i, fields in sorted(values.items()) for v in fields.values() if isinstance(v, float)],
        )
        for code, values in sorted(results.inputs.items())
    ]
    return written.expected, rows


def bare_ranking(values: dict[tuple[str, str], float], rows: list[tuple[str, list[float]]], path: Path) -> None:
    """The rank floor: the same values written with XlsxWriter, every formula replaced by its value."""
    wb = xlsxwriter.Workbook(str(path))
    sheets: dict[str, Any] = {}
    for (sheet, ref), value in values.items():
        if sheet not in sheets:
            sheets[sheet] = wb.add_worksheet(sheet[:31])
        sheets[sheet].write_number(*xl_cell_to_rowcol(ref), value)
    inputs = wb.add_worksheet("inputs")
    for r, (name, numbers) in enumerate(rows):
        inputs.write_string(r, 0, name)
        for c, number in enumerate(numbers, 1):
            inputs.write_number(r, c, number)
    wb.close()


def run_scale(root: Path, members: int, indicators: int, jobs: int) -> dict[str, tuple[Stage, Stage | None]]:
    """Every stage at one scale, each with its floor (or None)."""
    folder = root / f"c{members}"
    synthetic_campaign(folder, members, indicators)
    campaign = load_campaign(folder)
    names = [m.name for m in campaign.members]
    out: dict[str, tuple[Stage, Stage | None]] = {}

    def forms() -> int:
        return len(list(write_forms(campaign, jobs=jobs)))

    def bare() -> None:
        target = root / "bare"
        target.mkdir(exist_ok=True)
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_bare_chunk, [(target, c, indicators) for c in _chunks(names, jobs)]))
        shutil.rmtree(target)

    out["forms"] = (measured(forms), measured(bare))

    def fill() -> None:
        (folder / "inbox").mkdir(exist_ok=True)
        with ProcessPoolExecutor(jobs, initializer=_init, initargs=(campaign,)) as pool:
            list(pool.map(_fill_chunk, _chunks(campaign.member_codes, jobs)))

    out["fill"] = (measured(fill), None)
    paths = sorted((folder / "inbox").iterdir())
    read_every_member(paths)  # warm the page cache for both measurements
    floors, runs = [measured(lambda: read_every_member(paths))], []
    for _ in range(COLLECT_RUNS):  # interleaved with the floor: the machine's speed drifts
        forget_collected(folder)
        runs.append(measured(lambda: sum(1 for _ in collect(campaign, jobs=jobs))))
        floors.append(measured(lambda: read_every_member(paths)))
    out["collect"] = (best(runs), best(floors))
    ours = measured(lambda: len(write_ranking(campaign).cards))
    values, rows = measured(lambda: ranking_values(campaign)).value  # in a child: this process stays small
    out["rank"] = (ours, measured(lambda: bare_ranking(values, rows, root / "bare-ranking.xlsx")))
    templates = resources.bundled_templates()
    out["report"] = (measured(lambda: len(render_reports(compute(campaign), templates))), None)
    shutil.rmtree(folder)
    return out


TARGETS = {"forms": 1.5, "collect": 10.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="830,1660,3321", help="member counts, comma-separated")
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--small", action="store_true", help="two tiny scales (40, 80 members, 12 indicators)")
    args = parser.parse_args()
    scales = [40, 80] if args.small else [int(s) for s in args.scales.split(",")]
    indicators = 12 if args.small else args.indicators
    jobs = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix="emuxl-cycle-"))
    print(f"whole cycle, {indicators} indicators, {jobs} cores, Python {sys.version.split()[0]}")
    per_member: dict[str, list[float]] = {}
    try:
        for members in scales:
            stages = run_scale(root, members, indicators, jobs)
            print(f"\n{members} members")
            print(f"{'stage':<8} {'time':>8} {'per s':>9} {'peak MiB':>9} {'floor':>8} {'ratio':>7}  target")
            for name, (ours, floor) in stages.items():
                ratio = ours.seconds / floor.seconds if floor else None
                target = TARGETS.get(name)
                verdict = ""
                if target and ratio is not None:
                    verdict = f"<= {target:g}x: {'met' if ratio <= target else 'NOT met'}"
                elif name == "rank":
                    verdict = "< 60 s: " + ("met" if ours.seconds < 60 else "NOT met")
                verdict += f"; memory {'met' if ours.peak < GIB else 'NOT met'}"
                print(
                    f"{name:<8} {ours.seconds:>7.2f}s {members / ours.seconds:>9.0f}"
                    f" {ours.peak / 2**20:>9.0f} {f'{floor.seconds:.2f}s' if floor else '-':>8}"
                    f" {f'{ratio:.1f}x' if ratio is not None else '-':>7}  {verdict}"
                )
                per_member.setdefault(name, []).append(ours.seconds / members * 1000)
        print("\ngrowth: milliseconds per member at " + ", ".join(map(str, scales)) + " members")
        for name, values in per_member.items():
            growth = values[-1] / values[0]
            print(f"{name:<8} " + "  ".join(f"{v:8.2f}" for v in values) + f"   last/first {growth:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
