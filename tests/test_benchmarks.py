"""The whole-cycle benchmark runs end to end (its --small mode): a smoke test, not a timing test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("forms", "collect", "emuxl collect", "rank", "report")
RATIOS = (
    "forms, CPU ms per form",
    "collect(), CPU s",
    "collect(), wall s",
    "emuxl collect, CPU ms per file",
    "rank, CPU s",
    "rank, wall s",
)


def test_cycle_benchmark_small_prints_every_stage_with_its_floors(tmp_path: Path) -> None:
    """Both series run at their tiny scales; every stage is reported with wall and CPU time and summed memory,
    every floor with its ratio, the store's growth per rank run, every return taken in, and the README's tables."""
    tables = tmp_path / "tables.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "cycle.py"), "--small", "--markdown", str(tables)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"^machine: \d+ cores, .*; load [\d.]+/[\d.]+/[\d.]+", out, re.MULTILINE), out
    assert "12 methods:" in out and "11 methods:" in out  # the peer series has them all; the national all but peer
    for heading in ("\n20 members:", "\n40 members:", "\n10 members, peer indicator included:"):
        assert heading in out, out
    for stage in STAGES:
        rows = re.findall(rf"^{re.escape(stage)}\s+(\d+\.\d+)\s+(\d+\.\d+)\s+\d+\s+(\d+)$", out, re.MULTILINE)
        assert len(rows) == 3, (stage, out)
        assert all(float(wall) > 0 and float(cpu) > 0 and int(mib) > 0 for wall, cpu, mib in rows)
    for what in RATIOS:
        assert len(re.findall(rf"^{re.escape(what)}.* \d+\.\d+x", out, re.MULTILINE)) == 3, (what, out)
    assert len(re.findall(r"^store growth per rank run, MB\s+\d+\.\d\d\b", out, re.MULTILINE)) == 3, out
    statuses = re.findall(r"^collect statuses: (.*)$", out, re.MULTILINE)
    assert len(statuses) == 3 and not any("rejected" in s for s in statuses), out  # realistic returns are taken in
    assert len(re.findall(r"^growth: CPU milliseconds per member at", out, re.MULTILINE)) == 2
    text = tables.read_text(encoding="utf-8")
    assert "| whole cycle |" in text and "| rank, CPU s (one process) |" in text and "load" in text
    assert "| store growth per rank run, MB |" in text and "the run itself" in text
