"""The whole-cycle benchmark runs end to end (its --small mode): a smoke test, not a timing test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cycle_benchmark_small_prints_every_stage_with_its_floor() -> None:
    """Every stage runs at both tiny scales and is reported with time, memory and (where there is one) its ratio."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "cycle.py"), "--small"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for members in (40, 80):
        assert f"\n{members} members\n" in out
    for stage in ("forms", "fill", "collect", "rank", "report"):
        rows = re.findall(rf"^{stage}\s+(\d+\.\d+)s\s+\d+\s+(\d+)\s", out, re.MULTILINE)
        assert len(rows) == 2, (stage, out)
        assert all(float(t) > 0 and int(mib) > 0 for t, mib in rows)
    assert len(re.findall(r"^(forms|collect|rank) .* \d+\.\dx ", out, re.MULTILINE)) == 6, out
    assert re.search(r"^growth: milliseconds per member at 40, 80 members$", out, re.MULTILINE)
