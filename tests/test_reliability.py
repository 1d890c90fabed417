"""Reliability: kill -9 at chosen points, a full disk, a workbook open elsewhere, several runs at once.

Kills are real SIGKILLs (see ``faults.py``); the disk is a real small tmpfs;
the open workbook is held by a real LibreOffice.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from corpus import check_store, many_forms

from emuxl.definitions import load_campaign

HERE = Path(__file__).resolve().parent
SEED = int(os.environ.get("EMUXL_FAULT_SEED", random.randrange(1_000_000)))
FILES = 30


def emuxl(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command line."""
    return subprocess.run([sys.executable, "-m", "emuxl", *args], capture_output=True, text=True, timeout=600)


def killed_at(point: str, nth: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line and SIGKILL it the nth time it reaches ``point``."""
    cmd = [sys.executable, str(HERE / "faults.py"), point, str(nth), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def _feedback_is_whole(folder: Path) -> None:
    for path in (folder / "out" / "feedback").glob("*.xlsx"):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None, path.name


@pytest.mark.parametrize("point", ["before-archive", "mid-transaction", "feedback"])
def test_kill_during_collect_then_rerun(sample: Path, point: str) -> None:
    """kill -9 at a random moment of a phase; the re-run leaves every file imported exactly once, whole."""
    rng = random.Random(f"{SEED}-{point}")
    many_forms(load_campaign(sample), sample / "inbox", FILES)
    nth = rng.randint(2, 6) if point == "feedback" else rng.randint(2, FILES - 1)
    killed = killed_at(point, nth, "collect", str(sample), "--jobs", "1")
    assert killed.returncode == -9, f"seed {SEED}: the kill did not happen ({killed.returncode}): {killed.stderr}"
    if point != "feedback":  # a kill before the last file leaves some files not yet taken in
        db = sqlite3.connect(sample / "emuxl.db")
        taken = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        db.close()
        assert taken < nth, f"seed {SEED}: {taken} files stored before the kill at file {nth}"
    again = emuxl("collect", str(sample), "--jobs", "1")
    assert again.returncode == 0, f"seed {SEED}: {again.stderr}"
    check_store(sample, FILES)
    _feedback_is_whole(sample)
    assert len(list((sample / "archive").glob("*.xlsx"))) == FILES


def _ranked(sample: Path) -> Path:
    many_forms(load_campaign(sample), sample / "inbox", 12)
    assert emuxl("collect", str(sample)).returncode == 0
    done = emuxl("rank", str(sample))
    assert done.returncode == 0, done.stderr
    return sample / "out" / "ranking.xlsx"


def test_kill_while_writing_ranking_keeps_the_previous_file(sample: Path) -> None:
    """kill -9 in the middle of writing ranking.xlsx: the previous workbook is still there, whole."""
    ranking = _ranked(sample)
    before = ranking.read_bytes()
    assert emuxl("adjust", str(sample), "80", "A01", "0", "--reason", "thử nghiệm", "--by", "Chủ tịch").returncode == 0
    killed = killed_at("ranking", 1, "rank", str(sample))
    assert killed.returncode == -9, killed.stderr
    assert ranking.read_bytes() == before
    again = emuxl("rank", str(sample))
    assert again.returncode == 0, again.stderr
    assert ranking.read_bytes() != before
    with zipfile.ZipFile(ranking) as zf:
        assert zf.testzip() is None


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 3 MB tmpfs (root only); skipped, with the reason, where mounting is not allowed."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip() or 'not root'}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill_disk(mount: Path, leave: int) -> None:
    free = shutil.disk_usage(mount).free
    (mount / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_full_disk_gives_a_clear_error_and_keeps_the_previous_ranking(sample: Path, small_disk: Path) -> None:
    """rank on a full disk: exit 1, a message that says the disk is full, the previous ranking.xlsx untouched."""
    folder = small_disk / "campaign"
    shutil.copytree(sample, folder)
    ranking = _ranked(folder)
    before = ranking.read_bytes()
    assert emuxl("adjust", str(folder), "80", "A01", "0", "--reason", "thử nghiệm", "--by", "Chủ tịch").returncode == 0
    _fill_disk(small_disk, 4096)
    done = emuxl("rank", str(folder))
    assert done.returncode == 1
    assert "disk is full" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert ranking.read_bytes() == before
    assert not list(ranking.parent.glob(".ranking.xlsx.*.tmp"))


def test_full_disk_during_collect_loses_nothing_already_taken_in(sample: Path, small_disk: Path) -> None:
    """collect runs out of space part-way: a clear error; after freeing space, a re-run takes in every file once."""
    folder = small_disk / "campaign"
    shutil.copytree(sample, folder)
    many_forms(load_campaign(folder), sample / "incoming", 20)
    _fill_disk(small_disk, 400 * 1024)
    done = emuxl("collect", str(folder), str(sample / "incoming"), "--jobs", "1")
    assert done.returncode == 1
    assert "disk is full" in done.stderr and "Traceback" not in done.stderr, done.stderr
    (small_disk / "filler").unlink()
    again = emuxl("collect", str(folder), str(sample / "incoming"), "--jobs", "1")
    assert again.returncode == 0, again.stderr
    check_store(folder, 20)


def test_ranking_open_in_libreoffice_gives_a_clear_error(sample: Path, tmp_path: Path) -> None:
    """While LibreOffice has ranking.xlsx open, rank refuses to replace it and says why; afterwards it works."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs LibreOffice (soffice)")
        pytest.skip("LibreOffice (soffice) is not installed")
    ranking = _ranked(sample)
    before = ranking.read_bytes()
    profile = (tmp_path / f"lo-{uuid.uuid4().hex}").as_uri()
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo", str(ranking)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    lock = ranking.with_name(f".~lock.{ranking.name}#")
    try:
        deadline = time.monotonic() + 120
        while not lock.exists() and time.monotonic() < deadline and office.poll() is None:
            time.sleep(0.2)
        assert lock.exists(), "LibreOffice did not open the workbook"
        done = emuxl("rank", str(sample))
        assert done.returncode == 1
        assert "is open in Excel or LibreOffice" in done.stderr and "close it" in done.stderr, done.stderr
        assert ranking.read_bytes() == before
    finally:
        os.killpg(office.pid, 9)
        office.wait()
    lock.unlink(missing_ok=True)  # a killed LibreOffice leaves its lock behind, as after a crash
    assert emuxl("rank", str(sample)).returncode == 0


# ------------------------------------------------------------------ concurrency


def _store_content(folder: Path) -> dict[str, object]:
    """What the store says, without ids, times or which copy of a file came first."""
    db = sqlite3.connect(folder / "emuxl.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    subs = db.execute("SELECT sha256, member, kind, status, errors, warnings, saved_at FROM submissions").fetchall()
    values = db.execute(
        "SELECT s.sha256, v.indicator, v.field, v.cell, v.raw, v.number, v.text"
        " FROM cell_values v JOIN submissions s ON s.id = v.submission_id"
    ).fetchall()
    issues = db.execute(
        "SELECT s.sha256, i.code, i.cell, i.indicator, i.raw, i.message FROM issues i"
        " JOIN submissions s ON s.id = i.submission_id"
    ).fetchall()
    counted = db.execute(
        "SELECT c.member, c.kind, s.sha256 FROM counted c JOIN submissions s ON s.id = c.submission_id"
    ).fetchall()
    db.close()
    return {"submissions": sorted(subs), "values": sorted(values), "issues": sorted(issues), "counted": sorted(counted)}


def test_several_concurrent_runs_equal_one_sequential_run(sample: Path, tmp_path: Path) -> None:
    """Four collect processes over overlapping folders at once give the store one sequential run gives."""
    campaign = load_campaign(sample)
    pool = tmp_path / "pool"
    many_forms(campaign, pool, 36)  # 36 forms: three per member, the newest counting
    files = sorted(pool.iterdir())
    for minute, path in enumerate(files):  # distinct save times, so "the newest counts" has one answer
        os.utime(path, (1_700_000_000 + 60 * minute,) * 2)
    for k in range(4):  # folder k holds a window of the files; neighbouring windows overlap
        folder = sample / f"inbox-{k}"
        folder.mkdir()
        for path in files[k * 8 : k * 8 + 14]:
            shutil.copy2(path, folder / path.name)
    sequential = tmp_path / "sequential"
    shutil.copytree(sample, sequential)
    one = emuxl("collect", str(sequential), *(str(sequential / f"inbox-{k}") for k in range(4)))
    assert one.returncode == 0, one.stderr
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "emuxl", "collect", str(sample), str(sample / f"inbox-{k}"), "--jobs", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    assert _store_content(sample) == _store_content(sequential)


def _open_store(folder: str) -> str | None:
    from emuxl.store import Store

    try:
        with Store(Path(folder)) as store:
            store.known("0" * 64)
    except Exception as e:  # what the test reports
        return repr(e)
    return None


def test_runs_opening_a_new_store_at_once_all_get_in(tmp_path: Path) -> None:
    """Eight runs creating the same store at the same moment all open it (SQLite says "locked" without waiting)."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(8) as pool:
        for round_ in range(25):
            folder = tmp_path / str(round_)
            folder.mkdir()
            failures = [f for f in pool.map(_open_store, [str(folder)] * 8) if f]
            assert not failures, failures
