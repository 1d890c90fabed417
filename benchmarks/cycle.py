"""Benchmark of the whole cycle: forms, collect, rank, report, at growing scales, each against its floor.

    .venv/bin/python benchmarks/cycle.py [--scales 830,1660,3321] [--peer-scales 100,250]
                                         [--indicators 60] [--runs 2] [--markdown FILE] [--small]

Two series of synthetic campaigns (benchmarks/synthetic.py: the bundled 2025
sample's catalogue, every scoring method in its real proportions, stretched
to 60 indicators):

- national: 830, 1,660 and 3,321 communes, the catalogue without its peer
  indicator (all-to-all peer scoring is quadratic: see the peer series);
- peer: 100, 250 and 500 members with the peer indicator, peer forms returned.

Returns are realistic (benchmarks/returns.py): filled with plausible values,
then kept as written, saved by openpyxl or converted by LibreOffice in turn,
the re-saved ones each with a workbook and styles part of their own.

Each stage runs in a process of its own and is reported with its wall time,
CPU time (all its processes) and peak memory (the highest sum of the resident
memory of its processes alive at one moment). Floors are measured in the same
run, interleaved with the stage, and the fastest of repeated runs counts
(noise only ever adds time):

- forms: ``write_forms`` on all cores. Floor, per form on one core (CPU time,
  an evenly spread sample of members, member and peer forms): a replay of the
  very XlsxWriter calls emuxl made for those forms (benchmarks/replay.py) on
  stock XlsxWriter; target <= 0.7x. The replay on emuxl's FormulaSheet is
  printed beside it.
- collect: the library's ``collect()`` (all cores, every safety step, spawned
  readers included) against reading every zip member of the same files with
  ``zipfile``: in CPU seconds (target <= 10x), and in wall time with the floor
  on as many processes as collect has readers. Printed beside it, a second
  floor: the same zip reading plus lxml's tree of every part collect parses
  (workbook, relationships, strings, styles, properties, the form's sheets
  whole), nothing made from the trees: what parsing XML alone costs.
- emuxl collect: the command as users run it (start-up, feedback workbooks),
  against an openpyxl script that opens each file and reads its named inputs,
  in CPU time per file (target: emuxl >= 5x faster).
- rank: ``write_ranking`` (scores, ranking, ranking.xlsx, the run kept in the
  store) against a replay of the XlsxWriter calls of its workbook (the same
  cells, strings, formulas, formats and chart, on emuxl's FormulaSheet), in
  CPU time of one process; target <= 1.3x. Runs one more time than --runs:
  the store's growth per run, target <= 1 MB at 3,321 (the first two runs
  also hold the one-off growth of the record of ranking.xlsx's editable
  cells, written by the first run and replaced by each next one).
- report: ``emuxl report`` (the three bundled Word documents).

Targets also: every stage under 1 GiB summed over its processes; the whole
cycle (forms + emuxl collect + rank + report) under 2 minutes at 3,321.
``--small`` runs tiny scales in well under a minute (the test suite's smoke test).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import posixpath
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl
from lxml import etree
from measure import Part, Stage, best, folder_bytes, load, measured
from replay import record, replay
from returns import realistic_returns
from synthetic import forget_collected, methods_of, synthetic_campaign

from emuxl.definitions import Campaign, load_campaign
from emuxl.forms import member_form, peer_form, write_forms
from emuxl.intake import READ_SHEETS
from emuxl.results import compute
from emuxl.workbook import ranking_workbook, write_ranking

GIB, MIB = 1024**3, 1024**2
CLI = Path(sys.executable).with_name("emuxl")
COMMAND = [str(CLI)] if CLI.exists() else [sys.executable, "-m", "emuxl"]

# The library's collect() in a fresh interpreter: its spawned readers then import emuxl, not this script.
LIBRARY_COLLECT = """
import json, resource, sys, time
from collections import Counter
from pathlib import Path
from emuxl.definitions import load_campaign
from emuxl.intake import collect

def cpu():
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

campaign = load_campaign(Path(sys.argv[1]))
start, before = time.perf_counter(), cpu()
done = list(collect(campaign, jobs=int(sys.argv[2])))
seconds, used = time.perf_counter() - start, cpu() - before
print(json.dumps({"seconds": seconds, "cpu": used, "statuses": Counter(r.status for r in done)}))
"""


def run(args: list[str]) -> Any:
    """Run a command, fail loudly if it fails; its standard output."""
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])}… exit {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def library_collect(folder: Path, jobs: int) -> Part:
    """collect() timed inside a fresh interpreter (start-up and imports not timed, its readers' start-up timed)."""
    got = json.loads(run([sys.executable, "-c", LIBRARY_COLLECT, str(folder), str(jobs)]).splitlines()[-1])
    return Part(got["seconds"], got["cpu"], got["statuses"])


def zip_floor(paths: list[Path]) -> None:
    """The collect floor: read every zip member of every file, parsing nothing."""
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                zf.read(name)


PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)  # the reader's settings
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _part_name(target: str) -> str:
    """A workbook relationship's target as a zip member name (absolute, or relative to xl/)."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def parse_floor(paths: list[Path]) -> None:
    """The second collect floor: read every zip member, and build lxml's tree of each part collect parses."""
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            parts = {name: zf.read(name) for name in zf.namelist()}
        workbook = etree.fromstring(parts["xl/workbook.xml"], PARSER)
        rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"], PARSER)
        targets = {r.get("Id"): _part_name(r.get("Target", "")) for r in rels}
        for name in ("xl/sharedStrings.xml", "xl/styles.xml", "docProps/core.xml"):
            if name in parts:
                etree.fromstring(parts[name], PARSER)
        for sheet in workbook.iter(f"{MAIN}sheet"):
            if sheet.get("name") in READ_SHEETS:
                etree.fromstring(parts[targets[sheet.get(RELATIONSHIP)]], PARSER)


def zip_floor_parallel(paths: list[Path], jobs: int) -> None:
    """The same floor on ``jobs`` processes."""
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(zip_floor, [paths[i::jobs] for i in range(jobs)]))


def with_openpyxl(paths: list[Path]) -> None:
    """What a user would write: open each file with openpyxl and read the named inputs."""
    for path in paths:
        wb = openpyxl.load_workbook(path, data_only=True)
        for name, dn in wb.defined_names.items():
            if name.startswith(("v_", "p_")):
                for sheet, ref in dn.destinations:
                    _ = wb[sheet][ref.replace("$", "")].value


def forms_per_form(campaign: Campaign, size: int, repeats: int) -> dict[str, float]:
    """CPU milliseconds per form on one core: emuxl, and the replay of its XlsxWriter calls (stock, FormulaSheet)."""
    step = max(1, len(campaign.members) // size)
    sample = campaign.members[::step][:size]

    def ours() -> None:
        for m in sample:
            member_form(campaign, m)
            if campaign.has_peer:
                peer_form(campaign, m)

    books = record(ours)
    sides: dict[str, Callable[[], Any]] = {
        "emuxl": ours,
        "stock": lambda: [replay(b) for b in books],
        "sheet": lambda: [replay(b, stock=False) for b in books],
    }
    for side in sides.values():  # warm up imports and caches
        side()
    times: dict[str, list[float]] = {k: [] for k in sides}
    for _ in range(repeats):  # interleaved: the machine's speed drifts
        for name, side in sides.items():
            start = time.process_time()
            side()
            times[name].append(time.process_time() - start)
    return {k: min(v) / len(books) * 1000 for k, v in times.items()} | {"forms": len(books)}


def record_ranking(campaign: Campaign, target: Path) -> int:
    """Record the XlsxWriter calls of the ranking workbook into ``target``; how many calls."""
    results = compute(campaign)
    (calls,) = record(lambda: ranking_workbook(results))
    with target.open("wb") as f:
        pickle.dump(calls, f, protocol=pickle.HIGHEST_PROTOCOL)
    return len(calls)


def replay_ranking(source: Path) -> Part:
    """Replay the recorded ranking workbook on emuxl's sheet class; only the replay is timed."""
    with source.open("rb") as f:
        calls = pickle.load(f)
    start, cpu = time.perf_counter(), time.process_time()
    replay(calls, stock=False)
    return Part(time.perf_counter() - start, time.process_time() - cpu)


@dataclass
class Scale:
    """Everything measured at one scale."""

    members: int
    peer: bool
    files: int = 0
    stages: dict[str, Stage] = field(default_factory=dict)
    floors: dict[str, Stage] = field(default_factory=dict)
    forms: dict[str, float] = field(default_factory=dict)
    growth: list[int] = field(default_factory=list)  # store bytes added by each rank run
    kept: int = 0  # bytes the store keeps for one rank run
    statuses: dict[str, int] = field(default_factory=dict)
    load: str = ""

    @property
    def cycle(self) -> float:
        """Seconds of the whole cycle as users run it: forms, emuxl collect, rank, report."""
        return sum(self.stages[k].seconds for k in ("forms", "emuxl collect", "rank", "report"))


def returns_pool(root: Path, members: int, indicators: int, peer: bool, jobs: int) -> tuple[Path, dict[str, int]]:
    """A folder of realistic returns for ``members`` members (not timed), and how many of each shape."""
    folder = root / f"returns-{members}{'-peer' if peer else ''}"
    synthetic_campaign(folder, members, indicators, peer)
    shapes = realistic_returns(load_campaign(folder), folder / "inbox", jobs)
    return folder / "inbox", shapes


def trace(what: str) -> None:
    """Say on stderr what the benchmark is doing (the stages take minutes at national scale)."""
    print(f"{time.strftime('%H:%M:%S')} {what}", file=sys.stderr, flush=True)


def prepare_scale(root: Path, members: int, indicators: int, pool: Path, peer: bool) -> tuple[Scale, Campaign, Path]:
    """A campaign of ``members`` members with their returns from ``pool`` in its inbox (not timed)."""
    out = Scale(members, peer, load=load())
    folder = root / f"c{members}{'-peer' if peer else ''}"
    synthetic_campaign(folder, members, indicators, peer)
    (folder / "inbox").mkdir()
    for path in pool.iterdir():
        if int(path.name[:5]) <= members:
            shutil.copy(path, folder / "inbox" / path.name)
    out.files = len(list((folder / "inbox").iterdir()))
    return out, load_campaign(folder), folder


def forms_stage(out: Scale, campaign: Campaign, jobs: int, sample: int, runs: int) -> None:
    """write_forms on all cores; per form on one core against the replay of its XlsxWriter calls."""
    trace(f"{out.members}: forms")
    out.stages["forms"] = best([measured(lambda: len(list(write_forms(campaign, jobs=jobs)))) for _ in range(runs)])
    out.forms = measured(lambda: forms_per_form(campaign, min(out.members, sample), runs + 1)).value


def collect_stage(out: Scale, folder: Path, jobs: int, runs: int) -> None:
    """collect() and emuxl collect from an empty store, each ``runs`` times, between zip floors; openpyxl."""
    trace(f"{out.members}: collect")
    paths = sorted((folder / "inbox").iterdir())
    zip_floor(paths)  # warm the page cache for every measurement
    floors, wide, lib, cli, parse = [measured(lambda: zip_floor(paths))], [], [], [], []
    for _ in range(runs):  # interleaved with the floors: the machine's speed drifts
        forget_collected(folder)
        lib.append(measured(lambda: library_collect(folder, jobs)))
        wide.append(measured(lambda: zip_floor_parallel(paths, jobs)))
        parse.append(measured(lambda: parse_floor(paths)))
        forget_collected(folder)
        cli.append(measured(lambda: run([*COMMAND, "collect", str(folder), "--jobs", str(jobs)])))
        floors.append(measured(lambda: zip_floor(paths)))
    out.statuses = lib[-1].value
    out.stages["collect"], out.stages["emuxl collect"] = best(lib), best(cli)
    out.floors["zip"], out.floors["zip wide"], out.floors["parse"] = best(floors), best(wide), best(parse)
    sample = paths[:: max(1, len(paths) // 60)][:60]
    out.floors["openpyxl"] = measured(lambda: with_openpyxl(sample))
    out.floors["openpyxl"].value = len(sample)


def kept_run_bytes(folder: Path) -> int:
    """Bytes the store keeps for the last rank run."""
    db = sqlite3.connect(folder / "emuxl.db")
    try:
        return int(db.execute("SELECT length(result) FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    finally:
        db.close()


def rank_stage(out: Scale, campaign: Campaign, root: Path, runs: int) -> None:
    """write_ranking ``runs`` + 1 times (the store's growth each time: the first two also hold the one-off growth
    of the record of ranking.xlsx's editable cells, written, then replaced once), the replay floor after the first."""
    trace(f"{out.members}: rank")
    store = lambda: folder_bytes(campaign.folder, "emuxl.db*")  # noqa: E731
    ranks, recording = [], root / "ranking-calls.pickle"
    for i in range(runs + 1):
        before = store()
        ranks.append(measured(lambda: len(write_ranking(campaign, overwrite_edits=True).cards)))
        out.growth.append(store() - before)
        out.kept = kept_run_bytes(campaign.folder)
        if i == 0:  # the floor between two runs
            measured(lambda: record_ranking(campaign, recording))
            out.floors["replay"] = measured(lambda: replay_ranking(recording))
            recording.unlink()
    out.stages["rank"] = best(ranks)


def report_stage(out: Scale, folder: Path, runs: int) -> None:
    """emuxl report: the three bundled Word documents."""
    trace(f"{out.members}: report")
    out.stages["report"] = best([measured(lambda: run([*COMMAND, "report", str(folder)])) for _ in range(runs)])


def run_scale(
    root: Path, members: int, indicators: int, jobs: int, pool: Path, peer: bool, runs: int, sample: int
) -> Scale:
    """Every stage at one scale, with its floors."""
    out, campaign, folder = prepare_scale(root, members, indicators, pool, peer)
    forms_stage(out, campaign, jobs, sample, runs)
    collect_stage(out, folder, jobs, runs)
    rank_stage(out, campaign, root, runs)
    report_stage(out, folder, runs)
    shutil.rmtree(folder)
    return out


# ------------------------------------------------------------------ printing

STAGES = ("forms", "collect", "emuxl collect", "rank", "report")
TARGETS = {"forms": 0.7, "collect": 10.0, "openpyxl": 5.0, "rank": 1.3, "growth": 1.0, "cycle": 120.0}


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def ratios(s: Scale) -> list[tuple[str, str, str, str, str]]:
    """(what, emuxl, floor, ratio, target) rows of one scale, for the stages measured."""
    st, fl, rows = s.stages, s.floors, []
    if s.forms:
        f = s.forms
        rows += [
            (
                f"forms, CPU ms per form (one core, {f['forms']:.0f} forms)",
                f"{f['emuxl']:.1f}",
                f"{f['stock']:.1f} replay on stock XlsxWriter",
                f"{f['emuxl'] / f['stock']:.2f}x",
                f"<= {TARGETS['forms']}x: {verdict(f['emuxl'] / f['stock'] <= TARGETS['forms'])}",
            ),
            ("", "", f"{f['sheet']:.1f} replay on FormulaSheet", f"{f['emuxl'] / f['sheet']:.2f}x", ""),
        ]
    if "collect" in st:
        collect, zipf, wide, opx = st["collect"], fl["zip"], fl["zip wide"], fl["openpyxl"]
        cli_ms, opx_ms = st["emuxl collect"].cpu / s.files * 1000, opx.cpu / opx.value * 1000
        cli_wall_ms, opx_wall_ms = st["emuxl collect"].seconds / s.files * 1000, opx.seconds / opx.value * 1000
        rows += [
            (
                "collect(), CPU s (all processes)",
                f"{collect.cpu:.2f}",
                f"{zipf.cpu:.2f} zipfile, every member",
                f"{collect.cpu / zipf.cpu:.1f}x",
                f"<= {TARGETS['collect']:g}x: {verdict(collect.cpu / zipf.cpu <= TARGETS['collect'])}",
            ),
            (
                "",
                "",
                f"{fl['parse'].cpu:.2f} zipfile + lxml trees of parts read",
                f"{collect.cpu / fl['parse'].cpu:.1f}x",
                f"(this floor is {fl['parse'].cpu / zipf.cpu:.1f}x the zip floor)",
            ),
            (
                "collect(), wall s",
                f"{collect.seconds:.2f}",
                f"{wide.seconds:.2f} zipfile on as many processes",
                f"{collect.seconds / wide.seconds:.1f}x",
                "",
            ),
            (
                "emuxl collect, CPU ms per file",
                f"{cli_ms:.1f}",
                f"{opx_ms:.1f} openpyxl script ({opx.value} files)",
                f"{opx_ms / cli_ms:.1f}x faster",
                f">= {TARGETS['openpyxl']:g}x: {verdict(opx_ms / cli_ms >= TARGETS['openpyxl'])}",
            ),
            (
                "emuxl collect, wall ms per file",
                f"{cli_wall_ms:.1f}",
                f"{opx_wall_ms:.1f} the same script, wall (one process)",
                f"{opx_wall_ms / cli_wall_ms:.1f}x faster",
                "",
            ),
        ]
    if "rank" in st:
        rank, rep = st["rank"], fl["replay"]
        rows += [
            (
                "rank, CPU s (one process)",
                f"{rank.cpu:.2f}",
                f"{rep.cpu:.2f} replay of its workbook",
                f"{rank.cpu / rep.cpu:.2f}x",
                f"<= {TARGETS['rank']}x: {verdict(rank.cpu / rep.cpu <= TARGETS['rank'])}",
            ),
            (
                "rank, wall s",
                f"{rank.seconds:.2f}",
                f"{rep.seconds:.2f} replay of its workbook",
                f"{rank.seconds / rep.seconds:.2f}x",
                "",
            ),
            (
                "store growth per rank run, MB",
                "/".join(f"{g / MIB:.2f}" for g in s.growth),
                f"the run itself: {s.kept / MIB:.2f}",
                "",
                f"<= {TARGETS['growth']:g} MB from run 3: {verdict(s.growth[-1] / MIB <= TARGETS['growth'])}"
                if s.members >= 3321 and len(s.growth) >= 3
                else "",
            ),
        ]
    return rows


def print_scale(s: Scale, jobs: int) -> None:
    kind = "members, peer indicator included" if s.peer else "members"
    files = f" {s.files} returned files," if s.files else ""
    print(f"\n{s.members} {kind}:{files} load {s.load} (1/5/15 min)")
    print(f"{'stage':<14} {'wall s':>8} {'CPU s':>8} {'per s':>7} {'peak MiB':>9}  (peak: processes alive together)")
    for name, st in s.stages.items():
        per = s.files if "collect" in name else s.members
        print(f"{name:<14} {st.seconds:>8.2f} {st.cpu:>8.2f} {per / st.seconds:>7.0f} {st.peak / MIB:>9.0f}")
    memory = f"every stage < 1 GiB: {verdict(all(st.peak < GIB for st in s.stages.values()))}"
    if len(s.stages) == len(STAGES):
        cycle = f"whole cycle (forms + emuxl collect + rank + report): {s.cycle:.1f} s on {jobs} cores"
        if s.members >= 3321:
            cycle += f"; < {TARGETS['cycle']:g} s: {verdict(s.cycle < TARGETS['cycle'])}"
        memory = f"{cycle}; {memory}"
    print(memory)
    print(f"{'what':<46} {'emuxl':>10}  {'floor':<40} {'ratio':>11}  target")
    for what, ours, floor, ratio, target in ratios(s):
        print(f"{what:<46} {ours:>10}  {floor:<40} {ratio:>11}  {target}")
    if s.statuses:
        print("collect statuses: " + ", ".join(f"{n} {k}" for k, n in sorted(s.statuses.items())))


def per_member(series: list[Scale], name: str) -> list[float]:
    """CPU milliseconds per member of a stage at each scale (CPU, not wall: a busy machine stretches wall time)."""
    return [s.stages[name].cpu / s.members * 1000 for s in series]


def print_growth(series: list[Scale]) -> None:
    print("\ngrowth: CPU milliseconds per member at " + ", ".join(str(s.members) for s in series) + " members")
    for name in series[0].stages:
        values = per_member(series, name)
        print(f"{name:<14} " + "  ".join(f"{v:8.2f}" for v in values) + f"   last/first {values[-1] / values[0]:.2f}")


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / GIB
    return f"{os.cpu_count()} cores, {model or platform.machine()}, {memory:.0f} GiB, {platform.system()}"


def markdown(series: dict[str, list[Scale]], header: str) -> str:
    """The README's tables, from this run."""
    lines = [header, ""]
    for title, scales in series.items():
        if not scales:
            continue
        last = scales[-1]
        lines += [f"**{title}** (load {', '.join(s.load.split('/')[0] for s in scales)} as each scale began)", ""]
        lines.append(
            "| stage | "
            + " | ".join(f"{s.members:,}" for s in scales)
            + f" | CPU at {last.members:,} | peak memory at {last.members:,} (sum) | CPU ms per member |"
        )
        lines.append("|---|" + "---|" * (len(scales) + 3))
        for name in last.stages:
            cells = [f"{s.stages[name].seconds:.1f} s" for s in scales]
            growth = " / ".join(f"{v:.1f}" for v in per_member(scales, name))
            st = last.stages[name]
            lines.append(
                f"| {name} | " + " | ".join(cells) + f" | {st.cpu:.1f} s | {st.peak / MIB:.0f} MiB | {growth} |"
            )
        lines.append("| whole cycle | " + " | ".join(f"**{s.cycle:.1f} s**" for s in scales) + " | | | |")
        lines += ["", f"Against the floors at {last.members:,} members:", ""]
        lines += ["| what | emuxl | floor | ratio | target |", "|---|---|---|---|---|"]
        lines += [f"| {' | '.join(row)} |" for row in ratios(last)]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="830,1660,3321", help="member counts of the national series")
    parser.add_argument("--peer-scales", default="100,250", help="member counts of the peer series ('' for none)")
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--runs", type=int, default=2, help="runs of collect (rank: one more), the fastest counts")
    parser.add_argument("--sample", type=int, default=100, help="members whose forms give the forms ratio")
    parser.add_argument("--markdown", type=Path, help="also write the README's tables into this file")
    parser.add_argument("--small", action="store_true", help="tiny scales (20, 40; peer 10), one run: a smoke test")
    args = parser.parse_args()
    if args.small:
        args.scales, args.peer_scales, args.indicators, args.runs, args.sample = "20,40", "10", 12, 1, 10
    scales = [int(s) for s in args.scales.split(",") if s]
    peer_scales = [int(s) for s in args.peer_scales.split(",") if s]
    jobs = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix="emuxl-cycle-"))
    when, started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), load()
    print(f"emuxl whole-cycle benchmark, {when}")
    print(f"machine: {machine()}, Python {sys.version.split()[0]}; load {started} (1/5/15 min)")
    series: dict[str, list[Scale]] = {"national": [], "peer": []}
    try:
        for peer, sizes in ((False, scales), (True, peer_scales)):
            if not sizes:
                continue
            start = time.perf_counter()
            pools = [max(sizes)] if not peer else sizes  # peer forms list every member: one pool per scale
            trace(f"returns for {', '.join(map(str, pools))} members")
            made = {n: returns_pool(root, n, args.indicators, peer, jobs) for n in pools}
            shapes = made[max(sizes)][1]
            catalogue = methods_of(root / f"returns-{max(sizes)}{'-peer' if peer else ''}")
            name = "peer" if peer else "national"
            print(f"\n== {name} series: {args.indicators} indicators, {len(catalogue)} methods:")
            print("   " + ", ".join(f"{m} {n}" for m, n in catalogue.items()))
            print(f"   returns at {max(sizes)}: " + ", ".join(f"{n} {k}" for k, n in shapes.items()))
            print(f"   (made in {time.perf_counter() - start:.0f} s, not timed)")
            for members in sizes:
                pool = made[members if peer else max(sizes)][0]
                s = run_scale(root, members, args.indicators, jobs, pool, peer, args.runs, args.sample)
                series["peer" if peer else "national"].append(s)
                print_scale(s, jobs)
            print_growth(series["peer" if peer else "national"])
        print(f"\nload at the end: {load()} (1/5/15 min)")
        if args.markdown:
            header = (
                f"Measured {when}: {machine()}, Python {sys.version.split()[0]}; load {started} at the start,"
                f" {load()} at the end (1/5/15 min; other work ran on the machine)."
            )
            titles = {"national": "National series", "peer": "Peer series (peer indicator included)"}
            args.markdown.write_text(markdown({titles[k]: v for k, v in series.items()}, header), encoding="utf-8")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
