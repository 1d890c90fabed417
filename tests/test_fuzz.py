"""Short coverage-guided fuzzing runs: intake's sniff + parse path, and the definitions loader (the longer runs:
see fuzz_intake.py and fuzz_definitions.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def test_short_fuzz_run_finds_no_crash(tmp_path: Path) -> None:
    """Some seconds of atheris mutating a real form: every input gets a verdict, none raises."""
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    cmd = [sys.executable, str(HERE / "fuzz_intake.py"), str(corpus)]
    cmd += ["-max_total_time=15", "-seed=20261122", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    crashes = sorted(p.name for p in tmp_path.glob("crash-*"))
    assert done.returncode == 0 and not crashes, f"{crashes}\n{done.stderr[-3000:]}"
    runs = re.search(r"Done (\d+) runs", done.stderr)
    assert runs and int(runs.group(1)) > 100, done.stderr[-2000:]
    assert len(list(corpus.iterdir())) > 10  # the real form, whole and part by part, plus what coverage found


def test_short_fuzz_run_of_the_definitions_loader_finds_no_crash(tmp_path: Path) -> None:
    """Some seconds of atheris mutating campaign.yaml and the catalogue: a campaign or problems, never a crash."""
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    cmd = [sys.executable, str(HERE / "fuzz_definitions.py"), str(corpus)]
    cmd += ["-max_total_time=15", "-seed=20261130", "-timeout=60", "-rss_limit_mb=2048"]
    cmd += [f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    found = sorted(p.name for p in tmp_path.glob("*-*") if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert done.returncode == 0 and not found, f"{found}\n{done.stderr[-3000:]}"
    runs = re.search(r"Done (\d+) runs", done.stderr)
    assert runs and int(runs.group(1)) > 30, done.stderr[-2000:]
