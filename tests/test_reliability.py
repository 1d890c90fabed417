"""Reliability: kill -9 at chosen points, a full disk, a workbook open elsewhere, several runs at once.

Kills are real SIGKILLs (see ``faults.py``); the disk is a real small tmpfs;
the open workbook is held by a real LibreOffice.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
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
    db.close()
    return {"submissions": sorted(subs), "values": sorted(values), "issues": sorted(issues)}


def _counted_follows_the_rule(folder: Path) -> None:
    """Each member's counted file is the one the store's rule picks from its files as stored."""
    from emuxl.store import Store, pick

    with Store(folder) as store:
        counted = store.counted()
        members = {(r.member, r.kind) for r in store.submissions() if r.member}
        assert set(counted) == members
        for member, kind in members:
            rows = [r for r in store.submissions(member) if r.kind == kind]
            best = pick(rows, store.choice(member, kind))
            assert best is not None and counted[(member, kind)] == best.id, (member, kind)


def test_several_concurrent_runs_equal_one_sequential_run(sample: Path, tmp_path: Path) -> None:
    """Four concurrent collect runs over overlapping folders store what one run stores; who counts follows the rule."""
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
    _counted_follows_the_rule(sample)
    _counted_follows_the_rule(sequential)


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


# ------------------------------------------------------------------ a passing failure is not final


def _two_forms(sample: Path) -> tuple[Path, str]:
    """Long An's and Tiền Giang's filled forms in the inbox; Long An's path and the hash of its bytes."""
    from emuxl.demo import plausible_values
    from emuxl.forms import member_form

    campaign = load_campaign(sample)
    inbox = sample / "inbox"
    inbox.mkdir(exist_ok=True)
    for code, seed in (("80", 1), ("82", 2)):
        data = member_form(campaign, campaign.member(code), plausible_values(campaign, random.Random(seed)))
        (inbox / f"{code}.xlsx").write_bytes(data)
    path = inbox / "80.xlsx"
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def _state(sample: Path, code: str) -> str:
    from emuxl.intake import member_status

    return next(r.state for r in member_status(load_campaign(sample)) if r.code == code)


@pytest.mark.parametrize("how", ["stall-reader", "kill-reader"])
def test_a_read_that_timed_out_or_was_killed_is_read_again_by_the_next_collect(sample: Path, how: str) -> None:
    """A reader that stalls past --timeout (a busy machine) or is killed: 'not read', exit 1; the next run reads it."""
    _path, sha = _two_forms(sample)
    cmd = [sys.executable, str(HERE / "faults.py"), how, sha, "collect", str(sample), "--jobs", "1", "--timeout", "2"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert first.returncode == 1, first.stderr
    assert "? 80.xlsx: not read" in first.stdout and "v 82.xlsx 82 (member): accepted" in first.stdout
    assert ("longer than 2 s" if how == "stall-reader" else "SIGKILL") in first.stdout
    assert "the next 'emuxl collect' reads them again" in first.stdout
    assert _state(sample, "80") == "missing" and _state(sample, "82") == "accepted"
    status = emuxl("status", str(sample))
    assert "file 80.xlsx: not read yet" in status.stdout and "reads it again" in status.stdout, status.stdout
    again = emuxl("collect", str(sample))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "v 80.xlsx 80 (member): accepted" in again.stdout and "= 82.xlsx" in again.stdout
    assert _state(sample, "80") == "accepted"
    check_store(sample, 2)


def test_a_file_not_read_is_read_again_from_the_archive_when_gone_from_the_inbox(sample: Path) -> None:
    """The retry needs no copy in the inbox: the next collect reads the file not read from archive/."""
    path, sha = _two_forms(sample)
    cmd = [sys.executable, str(HERE / "faults.py"), "stall-reader", sha, "collect", str(sample), "--timeout", "1"]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=600).returncode == 1
    path.unlink()
    again = emuxl("collect", str(sample))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "v 80.xlsx 80 (member): accepted (read again)" in again.stdout
    assert _state(sample, "80") == "accepted"


@pytest.mark.parametrize("value", ["0", "-5", "nan", "NaN", "inf", "-inf", "abc"])
def test_timeout_must_be_seconds_above_zero(sample: Path, value: str) -> None:
    """--timeout 0, negative, NaN, infinite or not a number is a usage error (exit 2) that names the option."""
    done = emuxl("collect", str(sample), "--timeout", value)
    assert done.returncode == 2 and "--timeout" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_take_in_refuses_a_timeout_that_is_not_seconds_above_zero(sample: Path) -> None:
    """The library refuses the same time limits, as InvalidRequest."""
    from emuxl.collecting import take_in
    from emuxl.errors import InvalidRequest

    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(InvalidRequest, match="seconds above 0"):
            take_in(load_campaign(sample), timeout=bad)


def test_recheck_reads_stored_files_again_after_a_catalogue_fix(sample: Path) -> None:
    """Returns refused against a mistyped catalogue are taken by 'collect --recheck' once it is fixed."""
    from conftest import edit

    _two_forms(sample)
    edit(sample / "indicators.yaml", "Tốc độ tăng trưởng", "Tốc độ tăng trưởngg")  # a typo after the forms went out
    first = emuxl("collect", str(sample))
    assert first.returncode == 1 and _state(sample, "80") == "rejected", first.stdout
    edit(sample / "indicators.yaml", "Tốc độ tăng trưởngg", "Tốc độ tăng trưởng")
    plain = emuxl("collect", str(sample))
    assert "= 80.xlsx" in plain.stdout and _state(sample, "80") == "rejected"  # the same bytes: not read again
    again = emuxl("collect", str(sample), "--recheck")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "v 80.xlsx 80 (member): accepted (read again)" in again.stdout
    assert _state(sample, "80") == "accepted" and _state(sample, "82") == "accepted"
    check_store(sample, 2)


# ------------------------------------------------------------------ feedback is never stale


def _feedback_text(path: Path) -> str:
    import openpyxl

    ws = openpyxl.load_workbook(path)["Phản hồi"]
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)


def test_feedback_that_could_not_be_written_is_written_by_the_next_run(sample: Path) -> None:
    """Tiền Giang's feedback open elsewhere: the run says so and writes the others; the next run writes it."""
    from emuxl.demo import plausible_values
    from emuxl.forms import member_form

    _two_forms(sample)
    assert emuxl("collect", str(sample)).returncode == 0
    feedback = sample / "out" / "feedback" / "82-tien-giang.xlsx"
    assert "82.xlsx" in _feedback_text(feedback)
    campaign = load_campaign(sample)
    values = plausible_values(campaign, random.Random(7))
    values["A02"] = {**values["A02"], "plan": "1.234,5"}  # the correction has a problem the province must see
    (sample / "inbox" / "82-sua.xlsx").write_bytes(member_form(campaign, campaign.member("82"), values))
    (sample / "inbox" / "83.xlsx").write_bytes(member_form(campaign, campaign.member("83")))
    lock = feedback.with_name(f".~lock.{feedback.name}#")  # what LibreOffice keeps beside a file it has open
    lock.write_text("Nguyễn Văn B,thu-ky,thu-ky-pc,30.11.2026 09:12,file:///C:/Users/thu-ky;\n", encoding="utf-8")
    blocked = emuxl("collect", str(sample))
    assert blocked.returncode == 1
    assert f"{feedback} is open in Excel or LibreOffice" in blocked.stderr and "The next 'emuxl collect' writes it" in (
        blocked.stderr
    )
    assert "Traceback" not in blocked.stderr
    assert (sample / "out" / "feedback" / "83-ben-tre.xlsx").is_file()  # the others were written
    assert "82-sua.xlsx" not in _feedback_text(feedback)
    lock.unlink()  # closed
    again = emuxl("collect", str(sample))
    assert again.returncode == 0, again.stdout + again.stderr
    text = _feedback_text(feedback)
    assert "82-sua.xlsx" in text and "1.234,5" in text
    quiet = emuxl("collect", str(sample))
    assert "Feedback for" not in quiet.stdout  # nothing new: nothing written again


def test_feedback_written_on_worker_processes_is_what_one_process_writes(sample: Path, monkeypatch) -> None:
    """Many members' feedback goes to spawned writers: the same bytes as written in one process; one workbook open
    elsewhere is reported, stays due for the next run, and the others are written."""
    from emuxl import feedback
    from emuxl.store import Store

    _two_forms(sample)
    (sample / "inbox" / "83.xlsx").write_bytes(b"not a workbook")  # a member whose only file was refused
    assert emuxl("collect", str(sample)).returncode == 1
    campaign = load_campaign(sample)
    codes = [m.code for m in campaign.members]
    serial = feedback.refresh_feedback(campaign, codes, jobs=1)
    assert not serial.blocked and len(serial.written) == len(codes)
    one_process = {path.name: path.read_bytes() for path in serial.written}
    assert {"80-long-an.xlsx", "82-tien-giang.xlsx", "83-ben-tre.xlsx"} <= set(one_process)
    for path in serial.written:
        path.unlink()
    blocked = feedback.feedback_path(campaign, campaign.member("82"))
    lock = blocked.with_name(f".~lock.{blocked.name}#")
    lock.write_text("thu-ky;\n", encoding="utf-8")
    monkeypatch.setattr(feedback, "PARALLEL_FROM", 1)  # the writers are spawned even for this small cluster
    monkeypatch.setattr(feedback, "CHUNK", 2)
    with Store(sample) as store:
        store.mark_feedback_due(["82"])
    parallel = feedback.refresh_feedback(campaign, codes, jobs=2)
    assert [str(blocked) in str(e) for e in parallel.blocked] == [True]
    assert {path.name: path.read_bytes() for path in parallel.written} == {
        name: data for name, data in one_process.items() if name != blocked.name
    }
    with Store(sample) as store:
        assert "82" in store.feedback_due()  # written by the next run
    lock.unlink()
    again = feedback.refresh_feedback(campaign, [], jobs=2)
    assert [p.name for p in again.written] == [blocked.name] and blocked.read_bytes() == one_process[blocked.name]


# ------------------------------------------------------------------ damage to the campaign folder: a message, exit 1


def _collected(sample: Path) -> Path:
    """The sample with two forms taken in; the campaign folder."""
    _two_forms(sample)
    assert emuxl("collect", str(sample)).returncode == 0
    return sample


def _says(done: subprocess.CompletedProcess[str], *words: str) -> None:
    """A command ended with exit 1 and a plain message holding these words, no traceback."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and re.search(r"^Error: ", done.stderr, re.MULTILINE), done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


@pytest.mark.parametrize("damage", ["truncated", "random-bytes"])
def test_a_damaged_store_gives_a_message_naming_it_and_what_to_do(sample: Path, damage: str) -> None:
    """emuxl.db cut in half or overwritten: status, collect, rank and check --store say so and how to recover."""
    folder = _collected(sample)
    db = folder / "emuxl.db"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2] if damage == "truncated" else random.Random(1).randbytes(len(data)))
    for extra in ("emuxl.db-wal", "emuxl.db-shm"):
        (folder / extra).unlink(missing_ok=True)
    for command in ("status", "collect", "rank"):
        _says(emuxl(command, str(folder)), f"the store {db} is damaged", "backup copy", "emuxl check --store")
    checked = emuxl("check", str(folder), "--store")
    assert checked.returncode == 1 and "damaged" in checked.stderr and "Traceback" not in checked.stderr


def test_a_folder_in_place_of_the_store_gives_a_message(sample: Path) -> None:
    """emuxl.db being a folder: every command using the store says so and what to do."""
    (sample / "emuxl.db").mkdir()
    for command in ("status", "collect", "rank"):
        _says(emuxl(command, str(sample)), f"{sample / 'emuxl.db'} is a folder", "move it out of the way")


def test_a_read_only_campaign_folder(sample: Path, user) -> None:
    """A read-only campaign folder: status and check --store work; collect, rank, forms say so; nothing written."""
    folder = user.home / "campaign"
    shutil.copytree(_collected(sample), folder)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)  # readable, not writable, for the user (owner or not)
    before = sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    status = user.run([sys.executable, "-m", "emuxl", "status", str(folder)])
    assert status.returncode == 0 and "2/12 members returned a form." in status.stdout, status.stderr
    assert user.run([sys.executable, "-m", "emuxl", "check", str(folder), "--store"]).returncode == 0
    collect = user.run([sys.executable, "-m", "emuxl", "collect", str(folder), "--recheck"])
    _says(collect, "read-only", str(folder))
    _says(user.run([sys.executable, "-m", "emuxl", "rank", str(folder)]), f"{folder / 'out'} is read-only for you")
    # forms reads what next-year carried over from the store first: the store's message names the folder too
    forms = user.run([sys.executable, "-m", "emuxl", "forms", str(folder)])
    _says(forms, str(folder), "read-only")
    assert sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before


def test_a_file_where_a_folder_goes_and_a_folder_where_a_file_goes(sample: Path) -> None:
    """archive/ or out/ being a file, ranking.xlsx being a folder: a message naming it, exit 1, files kept."""
    folder = _collected(sample)
    shutil.rmtree(folder / "archive")
    (folder / "archive").write_text("not a folder")
    (folder / "inbox" / "83.xlsx").write_bytes((folder / "inbox" / "82.xlsx").read_bytes()[:-1] + b"\0")
    _says(emuxl("collect", str(folder)), f"{folder / 'archive'} is not a folder")
    (folder / "archive").unlink()
    shutil.rmtree(folder / "out")
    (folder / "out").write_text("not a folder")
    _says(emuxl("rank", str(folder)), f"{folder / 'out'} is a file, but emuxl needs a folder there")
    (folder / "out").unlink()
    (folder / "out" / "ranking.xlsx").mkdir(parents=True)
    _says(emuxl("rank", str(folder)), f"{folder / 'out' / 'ranking.xlsx'} is a folder, but emuxl writes a file")


def test_init_on_a_full_disk_says_so(small_disk: Path) -> None:
    """init on a full disk: exit 1, 'the disk is full', and what to do with the incomplete folder."""
    _fill_disk(small_disk, 16 * 1024)
    done = emuxl("init", str(small_disk / "campaign"))
    _says(done, "the disk is full")


def test_a_corrupt_template_under_report_check_gives_a_message(sample: Path) -> None:
    """A template that is not a readable .docx: report --check names it and says how to restore it (exit 1)."""
    template = sample / "templates" / "bao-cao-tong-ket.docx"
    template.write_bytes(template.read_bytes()[:3000])
    done = emuxl("report", str(sample), "--check")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{template}: not a Word document (.docx) that can be read" in done.stderr
    assert "backup copy" in done.stderr and "emuxl init" in done.stderr


def test_check_store_verifies_the_archive_against_the_store(sample: Path) -> None:
    """check --store: a healthy campaign passes; an archived file changed or removed is named (exit 1)."""
    folder = _collected(sample)
    healthy = emuxl("check", str(folder), "--store")
    assert healthy.returncode == 0 and "2 stored file(s) checked against archive/, 0 problem(s)." in healthy.stdout
    copies = sorted((folder / "archive").iterdir())
    copies[0].chmod(0o600)
    copies[0].write_bytes(copies[0].read_bytes() + b"x")
    copies[1].unlink()
    (folder / "archive" / ("f" * 64 + ".xlsx")).write_bytes(b"stray")
    done = emuxl("check", str(folder), "--store")
    assert done.returncode == 1, done.stdout
    assert "has changed" in done.stderr and "is missing" in done.stderr and "2 problem(s)" in done.stdout
    assert "1 archived file(s) are not in the store" in done.stdout


# ------------------------------------------------------------------ collect --dry-run


def _folder_state(folder: Path) -> dict[str, bytes]:
    """Every file under the campaign folder (store, its journal files, archive, out/ …) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _verdicts(output: str) -> list[str]:
    """The per-file lines of collect's output (their problems included), in order."""
    return [line for line in output.splitlines() if line[:2] in ("v ", "x ", "? ", "= ", "- ") or line[:4] == "    "]


def test_collect_dry_run_gives_a_real_runs_verdicts_and_changes_nothing(sample: Path) -> None:
    """--dry-run reads and judges every file (new, duplicate, rejected, one not read before and gone from the
    inbox) as the real run then does, and leaves every byte of the campaign folder as it was."""
    from emuxl.demo import plausible_values
    from emuxl.forms import member_form

    path, sha = _two_forms(sample)
    # 80 not read: its reader is killed (a timeout would catch 82 too on a loaded machine)
    cmd = [sys.executable, str(HERE / "faults.py"), "kill-reader", sha, "collect", str(sample)]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=600).returncode == 1
    path.unlink()  # read again from archive/
    campaign = load_campaign(sample)
    again = member_form(campaign, campaign.member("82"), plausible_values(campaign, random.Random(7)))
    (sample / "inbox" / "82-sửa lại.xlsx").write_bytes(again)
    (sample / "inbox" / "ghi chú.xlsx").write_bytes(b"not a workbook")
    before = _folder_state(sample)

    dry = emuxl("collect", str(sample), "--dry-run")
    assert _folder_state(sample) == before  # no store row, no archive file, no feedback, no journal file
    assert dry.returncode == 1, dry.stdout + dry.stderr  # a file would be rejected: the same exit code
    assert dry.stdout.startswith("Dry run: every file is read and judged; nothing is stored, archived or written.")
    assert "A real run would give: 2 accepted, 1 duplicate, 1 rejected" in dry.stdout, dry.stdout
    verdicts = _verdicts(dry.stdout)
    assert "v 80.xlsx 80 (member): accepted (read again)" in verdicts
    assert "v 82-sửa lại.xlsx 82 (member): accepted" in verdicts
    assert "= 82.xlsx: duplicate" in verdicts and "x ghi chú.xlsx: rejected" in verdicts

    real = emuxl("collect", str(sample))
    assert real.returncode == 1
    assert sorted(_verdicts(real.stdout)) == sorted(verdicts)  # what the dry run said is what happened
    assert _folder_state(sample) != before


def test_collect_dry_run_before_anything_was_collected_creates_nothing(sample: Path) -> None:
    """On a fresh campaign a dry run leaves no store, archive or feedback folder behind."""
    _two_forms(sample)
    before = _folder_state(sample)
    dry = emuxl("collect", str(sample), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "A real run would give: 2 accepted" in dry.stdout
    assert _folder_state(sample) == before
    assert not (sample / "emuxl.db").exists() and not (sample / "archive").exists()
