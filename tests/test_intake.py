"""Intake: the bad-input corpus, the store, failure injection and the LibreOffice round trip."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import build_corpus, check_store, many_forms

from emuxl.cli import LARGE_BATCH, describe, main
from emuxl.collecting import take_in
from emuxl.definitions import Campaign, Member, load_campaign
from emuxl.demo import plausible_peer_scores, plausible_values
from emuxl.forms import member_form, peer_form
from emuxl.intake import collect, member_issues, member_status
from emuxl.intake.checks import read_text_number
from emuxl.layout import input_name, peer_name
from emuxl.store import Store


def variant(campaign: Campaign):
    """A factory of altered copies of a campaign (other cluster, year, an extra member, a retitled indicator)."""

    def make(cluster=None, year=None, extra_member=None, retitle=False) -> Campaign:
        update: dict = {}
        if cluster:
            update["cluster"] = cluster
        if year:
            update["year"] = year
        if extra_member:
            update["members"] = [*campaign.members, Member(code=extra_member[0], name=extra_member[1])]
        if retitle:
            first = campaign.catalogue.sections[0]
            ind = first.indicators[0].model_copy(update={"title": first.indicators[0].title + " (bản cũ)"})
            section = first.model_copy(update={"indicators": [ind, *first.indicators[1:]]})
            catalogue = campaign.catalogue.model_copy(update={"sections": [section, *campaign.catalogue.sections[1:]]})
            update["catalogue"] = catalogue
        return campaign.model_copy(update=update)

    return make


@pytest.fixture
def corpus(sample: Path):
    """The 2023 sample with the whole corpus in its inbox."""
    campaign = load_campaign(sample)
    cases = build_corpus(campaign, sample / "inbox", variant(campaign))
    return campaign, cases


def test_corpus_verdicts(corpus) -> None:
    """Every corpus file gets its verdict and issue code in one run; the good ones are accepted."""
    campaign, cases = corpus
    results = {r.name: r for r in collect(campaign, jobs=2)}
    assert set(results) == {c.name for c in cases}
    wrong = []
    for case in cases:
        got = results[case.name]
        codes = {i.code for i in got.issues}
        if (
            got.status != case.status
            or (case.code and case.code not in codes)
            or (case.member and got.member != case.member)
        ):
            wrong.append((case.name, case.status, case.code, got.status, sorted(codes)))
    assert not wrong, "\n".join(map(str, wrong))


def test_every_issue_is_located_and_in_vietnamese(corpus) -> None:
    """Value issues name sheet, cell and indicator; every message and fix is Vietnamese text."""
    campaign, _ = corpus
    for result in collect(campaign, jobs=2):
        for issue in result.issues:
            assert issue.message and issue.fix
            if issue.severity in ("error", "warning") and issue.code != "self-score-differs":
                assert issue.sheet and issue.cell and issue.indicator, (result.name, issue)


def test_vietnamese_number_shows_what_would_be_read(corpus) -> None:
    """A Vietnamese number typed as text is not used, but the issue shows the number emuxl would read."""
    campaign, _ = corpus
    results = {r.name: r for r in collect(campaign, jobs=1)}
    [issue] = [i for i in results["vietnamese-number-text.xlsx"].issues if i.code == "vietnamese-number"]
    assert issue.suggested == 1234.5 and issue.raw == "1.234,5" and issue.indicator == "A02"
    assert "1.234,5" in issue.message
    with Store(campaign.folder) as store:
        [row] = [r for r in store.submissions() if r.name == "vietnamese-number-text.xlsx"]
        assert store.values(row.id)["A02"]["plan"] is None


@pytest.mark.parametrize(
    ("text", "code", "value"),
    [
        ("1.234,5", "vietnamese-number", 1234.5),
        ("12,5%", "vietnamese-number", 12.5),
        ("1.234.567", "vietnamese-number", 1234567),
        ("12,5", "vietnamese-number", 12.5),
        ("12.5", "ambiguous-number", None),
        ("1.234", "ambiguous-number", None),
        ("1,234", "ambiguous-number", None),
        ("1,234.5", "text-number", 1234.5),
        ("1234", "text-number", 1234),
        ("-7", "text-number", -7),
        ("chín mươi", "not-a-number", None),
        ("15/01/2024", "date-value", None),
        ("1.23,4", "not-a-number", None),
    ],
)
def test_read_text_number(text: str, code: str, value: float | None) -> None:
    """Numbers typed as text read the Vietnamese way, ambiguous ones are flagged, words are not numbers."""
    assert read_text_number(text) == (code, value)


def test_long_text_is_stored_whole(corpus) -> None:
    """An over-long note is flagged and kept whole in the store."""
    campaign, _ = corpus
    list(collect(campaign, jobs=1))
    with Store(campaign.folder) as store:
        [row] = [r for r in store.submissions() if r.name == "very-long-note.xlsx"]
        assert len(store.values(row.id)["A02"]["note"]) == len("Minh chứng rất dài. " * 300)


def test_archive_keeps_every_file_and_same_bytes_are_a_no_op(corpus) -> None:
    """Every file's bytes are archived read-only under their hash; collecting again adds nothing."""
    campaign, cases = corpus
    first = list(collect(campaign, jobs=2))
    archived = list((campaign.folder / "archive").iterdir())
    assert len(archived) == len({(campaign.folder / "inbox" / c.name).read_bytes() for c in cases})
    assert all(p.stat().st_mode & 0o222 == 0 for p in archived)
    again = list(collect(campaign, jobs=2))
    assert {r.status for r in again} == {"duplicate"}
    with Store(campaign.folder) as store:
        assert len(store.submissions()) == len(first)


def test_lock_files_are_skipped(sample: Path) -> None:
    """Excel's ~$ lock files are skipped with a note, not rejected."""
    (sample / "inbox").mkdir()
    (sample / "inbox" / "~$80.xlsx").write_bytes(b"lock")
    [result] = collect(load_campaign(sample))
    assert result.status == "skipped"


def test_newer_file_supersedes_older(sample: Path) -> None:
    """Two files for one member in a batch: the later-saved one counts, both stay in history."""
    campaign = load_campaign(sample)
    inbox = sample / "inbox"
    inbox.mkdir()
    older, newer = inbox / "long-an-lan-1.xlsx", inbox / "long-an-lan-2.xlsx"
    m = campaign.member("80")
    older.write_bytes(member_form(campaign, m, plausible_values(campaign, random.Random(1))))
    newer.write_bytes(member_form(campaign, m, plausible_values(campaign, random.Random(2))))
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_100_000, 1_700_100_000))
    list(collect(campaign, jobs=1))
    [row] = [s for s in member_status(campaign) if s.code == "80"]
    assert row.file == "long-an-lan-2.xlsx" and row.other_files == ("long-an-lan-1.xlsx (accepted)",)
    with Store(campaign.folder) as store:
        counted = store.counted()[("80", "member")]
        expected = plausible_values(campaign, random.Random(2))["A03"]["plan"]
        assert store.values(counted)["A03"]["plan"] == expected


def test_peer_forms_are_read_by_name(sample: Path) -> None:
    """A returned peer form gives one score per other member, by its p_ names."""
    campaign = load_campaign(sample)
    (sample / "inbox").mkdir()
    given = plausible_peer_scores(campaign, "80", random.Random(3))
    (sample / "inbox" / "peer.xlsx").write_bytes(peer_form(campaign, campaign.member("80"), given))
    [result] = collect(campaign, jobs=1)
    assert (result.status, result.member, result.kind) == ("accepted", "80", "peer")
    with Store(campaign.folder) as store:
        assert store.values(store.counted()[("80", "peer")])["E04"] == {k: v for k, v in given["E04"].items()}


def test_cli_collect_and_status_json(corpus) -> None:
    """collect exits 1 when a file is rejected and writes feedback; status --json equals the library's rows."""
    campaign, _ = corpus
    runner = CliRunner()
    result = runner.invoke(main, ["collect", str(campaign.folder), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert "x empty.xlsx: rejected" in result.output
    assert (campaign.folder / "out" / "feedback" / "80-long-an.xlsx").is_file()
    status = runner.invoke(main, ["status", str(campaign.folder), "--json"])
    data = json.loads(status.output)
    from dataclasses import asdict

    issues = member_issues(campaign)
    expected = [asdict(r) | {"issues": issues[r.code]} for r in member_status(campaign)]
    assert data["members"] == json.loads(json.dumps(expected, ensure_ascii=False))
    states = {m["code"]: m["state"] for m in data["members"]}
    assert states["82"] == "accepted" and states["83"] == "missing"
    assert any(u["file"] == "empty.xlsx" for u in data["unidentified"])


def test_take_in_gives_the_verdicts_collect_prints(corpus, tmp_path: Path) -> None:
    """The library's take_in returns the verdicts 'emuxl collect' prints, and writes the same feedback."""
    campaign, cases = corpus
    for case in cases[LARGE_BATCH - 5 :]:  # a batch small enough for a line per file
        (campaign.folder / "inbox" / case.name).unlink()
    twin = tmp_path / "twin"
    shutil.copytree(campaign.folder, twin)  # the same inbox, taken in once by each
    seen: list[tuple[str, int]] = []
    run = take_in(load_campaign(twin), jobs=1, on_file=lambda result, total: seen.append((result.name, total)))
    printed = CliRunner().invoke(main, ["collect", str(campaign.folder), "--jobs", "1"])
    assert printed.exit_code == 1 and run.rejected
    blocks: list[str] = []
    for line in printed.output.splitlines():
        if line.startswith("    ") and blocks:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    counts = ", ".join(f"{n} {state}" for state, n in sorted(run.counts.items()))
    feedback = f"Feedback for {len(run.feedback)} member(s) in {campaign.folder / 'out' / 'feedback'}"
    assert sorted(blocks) == sorted([*(describe(r) for r in run.files), counts, feedback])
    assert sorted(name for name, _ in seen) == sorted(r.name for r in run.files)
    assert {total for _, total in seen} == {len(run.files)}
    assert run.feedback and all(p.is_file() for p in run.feedback)
    assert sorted(p.name for p in run.feedback) == sorted(
        p.name for p in (campaign.folder / "out" / "feedback").iterdir()
    )
    assert {p.name.split("-")[0] for p in run.feedback} == {r.member for r in run.files if r.member}


def test_feedback_workbook_lists_issues_as_plain_strings(corpus) -> None:
    """The feedback workbook names cell, raw value and fix; a formula-looking value stays text."""
    import openpyxl

    campaign, cases = corpus
    for case in cases:  # keep one file for Long An: the one with a formula typed into an input
        if case.name != "formula-in-input.xlsx":
            (campaign.folder / "inbox" / case.name).unlink()
    CliRunner().invoke(main, ["collect", str(campaign.folder), "--jobs", "2"])
    ws = openpyxl.load_workbook(campaign.folder / "out" / "feedback" / "80-long-an.xlsx")["Phản hồi"]
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    flat = [str(c) for row in rows for c in row if c is not None]
    assert any("Biểu tự chấm điểm" in c for c in flat)
    assert "=1000+234" in flat  # the formula typed into an input, written back as text
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1000+234"]
    assert cells and all(c.data_type == "s" for c in cells)


# ------------------------------------------------------------------ failure injection


def test_killed_import_then_rerun(sample: Path) -> None:
    """kill -9 in the middle of a run leaves a consistent store; a re-run finishes the job."""
    campaign = load_campaign(sample)
    many_forms(campaign, sample / "inbox", 45)  # under LARGE_BATCH: a line per file
    cmd = [sys.executable, "-m", "emuxl", "collect", str(sample), "--jobs", "1"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("v "):
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    db = sqlite3.connect(sample / "emuxl.db")
    taken = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    db.close()
    assert 0 < taken < 45, "the kill must land in the middle of the run"
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    check_store(sample, 45)


def test_two_concurrent_runs_on_overlapping_files(sample: Path) -> None:
    """Two collect runs at once on overlapping files: nothing lost, nothing duplicated."""
    campaign = load_campaign(sample)
    many_forms(campaign, sample / "a", 30)
    many_forms(campaign, sample / "b", 30)  # the same 30 forms again, byte for byte
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "emuxl", "collect", str(sample), str(sample / d), "--jobs", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in ("a", "b")
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    check_store(sample, 30)


# ------------------------------------------------------------------ LibreOffice, the real client


def test_libreoffice_filled_form_is_accepted_with_exact_values(office, sample: Path) -> None:
    """A form filled and saved by LibreOffice is accepted with exactly the values typed."""
    campaign = load_campaign(sample)
    member = campaign.member("89")
    src = sample / "form.xlsx"
    src.write_bytes(member_form(campaign, member))
    values = plausible_values(campaign, random.Random(21))
    fill = {input_name(code, k): v for code, inputs in values.items() for k, v in inputs.items()}
    (sample / "inbox").mkdir()
    office.run([{"path": str(src), "fill": fill, "save_as": str(sample / "inbox" / "an-giang.xlsx")}])
    peer_src = sample / "peer.xlsx"
    peer_src.write_bytes(peer_form(campaign, member))
    scores = plausible_peer_scores(campaign, "89", random.Random(22))
    peer_fill = {peer_name(code, m): v for code, given in scores.items() for m, v in given.items()}
    office.run([{"path": str(peer_src), "fill": peer_fill, "save_as": str(sample / "inbox" / "an-giang-peer.xlsx")}])

    results = {r.name: r for r in collect(campaign, jobs=1)}
    assert results["an-giang.xlsx"].status == "accepted", results["an-giang.xlsx"].issues
    assert results["an-giang-peer.xlsx"].status == "accepted", results["an-giang-peer.xlsx"].issues
    with Store(campaign.folder) as store:
        got = store.values(store.counted()[("89", "member")])
        peer_got = store.values(store.counted()[("89", "peer")])
    for code, inputs in values.items():
        for name, value in inputs.items():
            assert got[code][name] == value, (code, name)
    assert peer_got == scores


def test_accepting_a_vietnamese_number(sample: Path) -> None:
    """A number typed the Vietnamese way scores 0 until the secretariat accepts the reading, explicitly."""
    from emuxl.results import compute

    campaign = load_campaign(sample)
    values = plausible_values(campaign, random.Random(8))
    values["A03"] = {"plan": "65.000,00", "actual": 67249.0, "previous": 60000.0}  # plan typed as text
    (sample / "inbox").mkdir()
    (sample / "inbox" / "long-an.xlsx").write_bytes(member_form(campaign, campaign.member("80"), values))
    [result] = collect(campaign, jobs=1)
    assert result.status == "accepted with errors"
    assert compute(campaign).cards["80"].cells["A03"].points == 0
    runner = CliRunner()
    done = runner.invoke(main, ["accept", str(sample), "80", "--indicator", "A03", "--by", "Nguyễn Thị C"])
    assert done.exit_code == 0, done.output
    assert "«65.000,00» accepted as 65000" in done.output
    assert compute(campaign).cards["80"].cells["A03"].points == pytest.approx(48.46)
    again = runner.invoke(main, ["accept", str(sample), "82", "--by", "x"])
    assert again.exit_code == 1 and "no accepted form" in again.output


def test_sheet_head_reads_what_the_whole_sheet_holds(sample: Path) -> None:
    """Parsing a sheet only up to its validations gives the same cells; odd shapes are read whole."""
    import io
    import zipfile

    from emuxl.intake.read import Styles, _sheet_cells, sheet_head

    campaign = load_campaign(sample)
    form = member_form(campaign, campaign.members[0], plausible_values(campaign, random.Random(4)))
    with zipfile.ZipFile(io.BytesIO(form)) as zf:
        names = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        sheet = max((zf.read(n) for n in names), key=len)
    head = sheet_head(sheet)
    assert head is not None and len(head) < len(sheet) / 2  # the form's validations are most of its XML
    whole = _sheet_cells(sheet, [], Styles())
    assert _sheet_cells(head, [], Styles()) == whole
    tail = sheet.index(b"<dataValidations")
    merges_late = sheet[:tail] + b'<mergeCells count="1"><mergeCell ref="F9:G9"/></mergeCells>' + sheet[tail:]
    assert sheet_head(merges_late) is None  # out of the schema's order: read whole, the merge is seen
    assert "F9:G9" in _sheet_cells(merges_late, [], Styles())[1]
    end = sheet.index(b"</mergeCells>") + len(b"</mergeCells>")
    commented = sheet[:end] + b"<!-- <dataValidations -->" + sheet[end:]
    assert sheet_head(commented) is not None  # a cut inside a comment does not parse ...
    assert _sheet_cells(commented, [], Styles()) == whole  # ... so the whole sheet is read


def test_returns_whose_names_are_written_alike_share_what_is_derived_from_them(sample: Path) -> None:
    """Re-saved returns differ in window positions and the like: what the names say is worked out once for
    them all; a workbook whose names differ (one moved) is read on its own, before and after the others."""
    import io

    from corpus import rezip

    from emuxl.intake import READ_SHEETS, read_and_verify
    from emuxl.intake.read import RawBook, _parse, _structure_key, read_book

    campaign = load_campaign(sample)
    form = _good_form(campaign)

    def workbook_part(change: Callable[[bytes], bytes]) -> bytes:
        return rezip(form, lambda name, body: change(body) if name == "xl/workbook.xml" else body)

    moved_window = workbook_part(lambda xml: re.sub(rb'xWindow="\d+"', b'xWindow="777"', xml))
    name = input_name(campaign.catalogue.indicators[0].code, "actual").encode()
    moved_name = workbook_part(lambda xml: re.sub(name + rb"(\">[^<]*\$)([A-Z]+)", name + rb"\1A", xml))
    assert moved_window != form and moved_name != form

    def book(data: bytes) -> RawBook:
        found = read_book(zipfile.ZipFile(io.BytesIO(data)), READ_SHEETS)
        assert isinstance(found, RawBook)
        return found

    assert book(form).shape is book(moved_window).shape  # one shape of names: derived once
    assert book(form).shape is not book(moved_name).shape
    clean = read_and_verify(campaign, form)[0]
    moved = read_and_verify(campaign, moved_name)[0]
    assert [i.code for i in moved.issues] == ["misplaced-name"] and moved.issues[0].field == "actual"
    assert read_and_verify(campaign, moved_window)[0] == clean  # after the other shape, as before it
    assert read_and_verify(campaign, form)[0] == clean and not clean.issues

    xml = zipfile.ZipFile(io.BytesIO(form)).read("xl/workbook.xml")
    key = _structure_key(_parse(xml))
    nested = xml.replace(b"<sheets>", b"<x><sheets>").replace(b"</sheets>", b"</sheets></x>")
    prefixed = xml.replace(b"<sheets>", b'<x:sheets xmlns:x="urn:other">').replace(b"</sheets>", b"</x:sheets>")
    for other in (nested, prefixed):  # the same bytes, not the workbook's own sheets: never taken for them
        assert _structure_key(_parse(other)) != key


def test_a_file_reads_the_same_whatever_was_read_before_it(corpus) -> None:
    """What is worked out once per shape of names never leaks from one file into another: every corpus file,
    hostile ones included, reads the same after all the others as it does first in a fresh reader."""
    from emuxl.intake import read_and_verify
    from emuxl.intake.read import _structures

    campaign, cases = corpus
    datas = [(case.name, (campaign.folder / "inbox" / case.name).read_bytes()) for case in cases]
    warm = {name: read_and_verify(campaign, data) for name, data in datas + datas}  # second pass: shapes known
    for name, data in reversed(datas):
        _structures.clear()
        assert read_and_verify(campaign, data) == warm[name], name


def test_a_collect_stopped_early_keeps_what_was_read_whole(sample: Path) -> None:
    """A run stopped early (the caller stops reading, or an error) stores the files it had read whole before it
    goes; a re-run takes in the rest, each file once."""
    campaign = load_campaign(sample)
    many_forms(campaign, sample / "inbox", 40)
    run = collect(campaign, jobs=1)
    first = next(run)
    run.close()
    with Store(sample) as store:
        assert store.known(first.sha256)  # a file reported is stored
        taken = len(store.submissions())
    assert 0 < taken < 40
    assert sum(r.status != "duplicate" for r in collect(campaign, jobs=1)) == 40 - taken
    check_store(sample, 40)


def test_a_file_that_fails_to_store_leaves_the_rest_of_its_batch(sample: Path) -> None:
    """Within a batch each file is a savepoint: one that fails is undone alone, the others are committed."""
    row = {"sha256": "", "name": "x.xlsx", "path": "x.xlsx", "size": 1, "received_at": "", "saved_at": ""}
    row |= {"member": None, "kind": None, "status": "rejected", "errors": 1, "warnings": 0}
    with Store(sample) as store:
        with store.transaction():
            store.add_submission(row | {"sha256": "a"}, [], [])
            with pytest.raises(sqlite3.IntegrityError):
                store.add_submission(row | {"sha256": "b"}, [("A01", "plan", "S", "A1", "1", None, None)] * 2, [])
            store.add_submission(row | {"sha256": "c"}, [], [])
        assert [r.sha256 for r in store.submissions()] == ["c", "a"]
        assert store.db.execute("SELECT COUNT(*) FROM receipts").fetchone()[0] == 2


# ------------------------------------------------------------------ one file never stops the batch; links refused


def _good_form(campaign: Campaign, code: str = "80", seed: int = 1) -> bytes:
    return member_form(campaign, campaign.member(code), plausible_values(campaign, random.Random(seed)))


def test_a_file_name_that_is_not_utf8_is_taken_in_and_recorded_losslessly(sample: Path) -> None:
    """A Windows-encoded name (bytes that are not UTF-8) is taken in, shown escaped, kept whole; re-runs work."""
    campaign = load_campaign(sample)
    inbox = sample / "inbox"
    inbox.mkdir()
    raw = os.fsencode(inbox) + b"/b\xe1o-c\xe1o-long-an.xlsx"  # «báo-cáo» in cp1258/latin-1: not UTF-8
    with open(raw, "wb") as f:
        f.write(_good_form(campaign))
    (inbox / "tien-giang.xlsx").write_bytes(_good_form(campaign, "82", 2))
    runner = CliRunner()
    done = runner.invoke(main, ["collect", str(sample)])
    assert done.exit_code == 0, done.output
    assert "v b\\xe1o-c\\xe1o-long-an.xlsx 80 (member): accepted" in done.output
    db = sqlite3.connect(sample / "emuxl.db")
    [(name, kept)] = db.execute("SELECT name, raw_path FROM submissions WHERE member = '80'").fetchall()
    db.close()
    assert name == "b\\xe1o-c\\xe1o-long-an.xlsx" and kept == raw
    status = runner.invoke(main, ["status", str(sample)])
    assert status.exit_code == 0 and "b\\xe1o-c\\xe1o-long-an.xlsx" in status.output
    again = runner.invoke(main, ["collect", str(sample)])
    assert again.exit_code == 0 and "= b\\xe1o-c\\xe1o-long-an.xlsx" in again.output, again.output


def test_names_with_control_characters_are_shown_escaped(sample: Path) -> None:
    """A name with a terminal escape or a right-to-left override is printed escaped, never interpreted."""
    campaign = load_campaign(sample)
    inbox = sample / "inbox"
    inbox.mkdir()
    (inbox / "x\x1b[2Jy\u202egpj.xlsx").write_bytes(_good_form(campaign))
    [result] = collect(campaign)
    assert result.status == "accepted" and result.name == "x\\x1b[2Jy\\u202egpj.xlsx"


def test_an_unreadable_file_gets_its_verdict_and_the_batch_goes_on(sample: Path, user) -> None:
    """A file and a folder the user may not read: each 'not read' with the reason, the others taken; later, read."""
    folder = user.home / "campaign"
    shutil.copytree(sample, folder)
    campaign = load_campaign(folder)
    inbox = folder / "inbox"
    (inbox / "ben-tre").mkdir(parents=True)
    (inbox / "long-an.xlsx").write_bytes(_good_form(campaign))
    (inbox / "tien-giang.xlsx").write_bytes(_good_form(campaign, "82", 2))
    (inbox / "ben-tre" / "83.xlsx").write_bytes(_good_form(campaign, "83", 3))
    user.own(folder)
    (inbox / "long-an.xlsx").chmod(0)
    (inbox / "ben-tre").chmod(0)
    done = user.run([sys.executable, "-m", "emuxl", "collect", str(folder)])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "? long-an.xlsx: not read" in done.stdout and "? ben-tre: not read" in done.stdout
    assert done.stdout.count("Permission denied") == 2, done.stdout
    assert "v tien-giang.xlsx 82 (member): accepted" in done.stdout and "Traceback" not in done.stderr
    (inbox / "long-an.xlsx").chmod(0o644)
    (inbox / "ben-tre").chmod(0o755)
    again = user.run([sys.executable, "-m", "emuxl", "collect", str(folder)])
    assert again.returncode == 0, again.stdout
    assert "v long-an.xlsx 80 (member): accepted" in again.stdout and "v 83.xlsx 83 (member): accepted" in again.stdout


MEASURED = """
import re, sys
from emuxl.cli import main
try:
    main(sys.argv[1:], prog_name="emuxl")
finally:
    status = open("/proc/self/status").read()
    print("peak", re.search(r"VmHWM:\\s*(\\d+)", status).group(1), file=sys.stderr)
"""  # the command line, printing the peak memory of the collecting process (KiB) as it exits (VmHWM: this
# process's own high-water mark; ru_maxrss would also count the test runner it was started from)


def test_a_file_far_over_the_size_limit_is_refused_without_reading_it_whole(sample: Path) -> None:
    """A 300 MB file and a 30 MB one: refused on their size, the run's memory stays small, the batch goes on."""
    if not Path("/proc/self/status").is_file():
        pytest.skip("measures memory through /proc/self/status (Linux)")
    from emuxl.intake.admit import MAX_KEEP_BYTES
    from emuxl.intake.sniff import MAX_FILE_BYTES

    campaign = load_campaign(sample)
    inbox = sample / "inbox"
    inbox.mkdir()
    good = _good_form(campaign)
    huge, large = inbox / "huge.xlsx", inbox / "large.xlsx"
    with huge.open("wb") as f:  # a sparse file: no disk used, every byte read all the same
        f.write(good)
        f.truncate(MAX_KEEP_BYTES + 100 * 1024 * 1024)
    large.write_bytes(good + os.urandom(MAX_FILE_BYTES + 10 * 1024 * 1024))
    (inbox / "long-an.xlsx").write_bytes(good)
    done = subprocess.run([sys.executable, "-c", MEASURED, "collect", str(sample)], capture_output=True, text=True)
    peak_mib = int(re.search(r"peak (\d+)", done.stderr).group(1)) / 1024  # type: ignore[union-attr]
    assert done.returncode == 1, done.stderr
    assert "x huge.xlsx: rejected" in done.stdout and "không được lưu vào archive" in done.stdout
    assert "x large.xlsx: rejected" in done.stdout and "v long-an.xlsx 80 (member): accepted" in done.stdout
    assert peak_mib < 200, f"the collecting process held {peak_mib:.0f} MiB"
    kept = {p.stat().st_size for p in (sample / "archive").iterdir()}
    assert large.stat().st_size in kept and huge.stat().st_size not in kept  # the 30 MB one is kept, streamed
    again = subprocess.run([sys.executable, "-m", "emuxl", "collect", str(sample)], capture_output=True, text=True)
    assert "= huge.xlsx" in again.stdout and "= large.xlsx" in again.stdout


def test_links_in_the_inbox_are_refused_not_followed(sample: Path, tmp_path: Path) -> None:
    """Links to a secret file and to a folder outside the inbox are refused with a reason; nothing is copied."""
    campaign = load_campaign(sample)
    inbox = sample / "inbox"
    inbox.mkdir()
    secret = tmp_path / "shadow"
    secret.write_bytes(_good_form(campaign, "82", 3))  # a link to a file that would even pass as a form
    secret.chmod(0o600)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "other.xlsx").write_bytes(_good_form(campaign, "83", 4))
    (inbox / "long-an.xlsx").write_bytes(_good_form(campaign))
    (inbox / "shadow.xlsx").symlink_to(secret)
    (inbox / "folder-link").symlink_to(outside, target_is_directory=True)
    (inbox / "dangling.xlsx").symlink_to(tmp_path / "nowhere")
    results = {r.name: r for r in collect(campaign)}
    assert set(results) == {"long-an.xlsx", "shadow.xlsx", "folder-link", "dangling.xlsx"}
    for name in ("shadow.xlsx", "folder-link", "dangling.xlsx"):
        assert results[name].status == "rejected" and results[name].issues[0].code == "link-refused", name
    assert str(secret) in results["shadow.xlsx"].issues[0].message
    assert results["long-an.xlsx"].status == "accepted"
    archived = list((sample / "archive").iterdir())
    assert len(archived) == 1 and secret.read_bytes() not in {p.read_bytes() for p in archived}


def test_archive_is_readable_by_the_owner_alone(sample: Path) -> None:
    """archive/ and every file in it are readable by their owner only."""
    campaign = load_campaign(sample)
    (sample / "inbox").mkdir()
    (sample / "inbox" / "long-an.xlsx").write_bytes(_good_form(campaign))
    list(collect(campaign))
    box = sample / "archive"
    assert box.stat().st_mode & 0o077 == 0
    assert [p.stat().st_mode & 0o777 for p in box.iterdir()] == [0o400]


def test_a_named_pipe_in_the_inbox_is_refused_without_blocking(sample: Path) -> None:
    """A FIFO (which would block a reader forever) is refused as not a regular file."""
    campaign = load_campaign(sample)
    (sample / "inbox").mkdir()
    os.mkfifo(sample / "inbox" / "pipe.xlsx")
    [result] = collect(campaign)
    assert result.status == "rejected" and result.issues[0].code == "special-file"


# ------------------------------------------------------------------ a value is read from where the form put it


def test_a_redirected_name_gives_no_value_and_says_where_it_points(corpus) -> None:
    """v_A02_plan pointing at Z5000 (which holds 99999): not read, and the message names the cell and the input."""
    campaign, _ = corpus
    results = {r.name: r for r in collect(campaign, jobs=2)}
    [issue] = [i for i in results["name-redirected-to-z5000.xlsx"].issues if i.code == "misplaced-name"]
    assert issue.indicator == "A02" and issue.cell == "Z5000" and issue.field == "plan"
    assert "v_A02_plan" in issue.message and "Z5000" in issue.message and "«Kế hoạch»" in issue.message
    with Store(campaign.folder) as store:
        [row] = [r for r in store.submissions() if r.name == "name-redirected-to-z5000.xlsx"]
        assert store.values(row.id)["A02"].get("plan") is None


def test_a_deleted_row_says_which_row_not_an_older_form(corpus) -> None:
    """A form whose A02 row was deleted is refused naming A02 and its title, not as «Biểu mẫu cũ»."""
    campaign, _ = corpus
    results = {r.name: r for r in collect(campaign, jobs=2)}
    codes = [i.code for i in results["row-deleted.xlsx"].issues]
    assert "old-form-version" not in codes and codes == ["deleted-row"]
    [issue] = results["row-deleted.xlsx"].issues
    title = next(i.title for i in campaign.catalogue.indicators if i.code == "A02")
    assert "A02" in issue.message and title in issue.message and "d_A02" in issue.message


def test_a_sheet_cut_off_after_its_data_is_refused_as_the_whole_sheet_would_be() -> None:
    """The head-only parse does not make a sheet whose tail is cut off, or not well-formed, acceptable."""
    import io
    import zipfile

    from lxml import etree

    from emuxl.intake.read import _parse, _parse_sheet

    campaign = load_campaign(Path(__file__).parent / "data" / "small")
    form = member_form(campaign, campaign.members[0])
    with zipfile.ZipFile(io.BytesIO(form)) as zf:
        sheet = max((zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")), key=len)
    tail = sheet.index(b"<dataValidations")
    for broken in (sheet[: tail + 200], sheet[:tail] + b"<dataValidations><oops></dataValidations>" + sheet[tail:]):
        with pytest.raises(etree.XMLSyntaxError):
            _parse(broken)
        with pytest.raises(etree.XMLSyntaxError):
            _parse_sheet(broken)
    assert etree.tostring(_parse_sheet(sheet)) != b""


def test_rows_inserted_in_libreoffice_are_allowed_a_deleted_row_is_named(office, sample: Path) -> None:
    """Rows inserted in LibreOffice (inside C03's block too) read exactly; a deleted row is refused, named."""
    from emuxl.intake.read import cell_address

    campaign = load_campaign(sample)
    member = campaign.member("89")
    src = sample / "form.xlsx"
    src.write_bytes(member_form(campaign, member))
    values = plausible_values(campaign, random.Random(23))
    fill = {input_name(code, k): v for code, inputs in values.items() for k, v in inputs.items()}
    with zipfile.ZipFile(src) as zf:
        names = dict(
            re.findall(r'<definedName name="([^"]+)">[^!]*!\$[A-Z]+\$(\d+)<', zf.read("xl/workbook.xml").decode())
        )
    a02, c03 = int(names["d_A02"]) - 1, int(names["d_C03"]) - 1  # 0-based rows of two indicators' titles
    inbox = sample / "inbox"
    inbox.mkdir()
    office.run(
        [
            {
                "path": str(src),
                "password": "emuxl",
                "insert_rows": [["Tự chấm điểm", c03 + 1, 2], ["Tự chấm điểm", a02, 1]],  # inside C03, above A02
                "fill": fill,
                "save_as": str(inbox / "rows-inserted.xlsx"),
            },
            {
                "path": str(src),
                "password": "emuxl",
                "delete_rows": [["Tự chấm điểm", a02, 1]],
                "fill": {k: v for k, v in fill.items() if not k.startswith("v_A02_")},
                "save_as": str(inbox / "row-deleted.xlsx"),
            },
        ]
    )
    results = {r.name: r for r in collect(campaign, jobs=1)}
    inserted = results["rows-inserted.xlsx"]
    assert inserted.status == "accepted", inserted.issues
    with Store(campaign.folder) as store:
        got = store.values(store.counted()[("89", "member")])
        rows = dict(store.db.execute("SELECT field, cell FROM cell_values WHERE indicator = 'C03'").fetchall())
    for code, inputs in values.items():
        for name, value in inputs.items():
            assert got[code][name] == value, (code, name)
    assert cell_address(rows["cases"])[2] == str(c03 + 1 + 1 + 3)  # type: ignore[index]  # 3 rows inserted above
    deleted = results["row-deleted.xlsx"]
    assert deleted.status == "rejected" and [i.code for i in deleted.issues] == ["deleted-row"], deleted.issues
    assert "A02" in deleted.issues[0].message


def test_a_peer_score_name_moved_to_another_members_row_is_not_read(sample: Path) -> None:
    """p_E04_82 pointing at the row scoring Bến Tre: that score is not given to Tiền Giang; the others are read."""
    from corpus import WORKBOOK, cell_of, rezip

    campaign = load_campaign(sample)
    given = plausible_peer_scores(campaign, "80", random.Random(3))
    data = peer_form(campaign, campaign.member("80"), given)
    target = cell_of(data, peer_name("E04", "83"))
    col, row = re.match(r"([A-Z]+)(\d+)", target).groups()  # type: ignore[union-attr]

    def moved(name: str, body: bytes) -> bytes:
        if name != WORKBOOK:
            return body
        return re.sub(rb'(<definedName name="p_E04_82">)[^<]*', rf"\g<1>'Chấm chéo'!${col}${row}".encode(), body)

    (sample / "inbox").mkdir()
    (sample / "inbox" / "peer.xlsx").write_bytes(rezip(data, moved))
    [result] = collect(campaign, jobs=1)
    assert result.status == "accepted with errors"
    [issue] = result.issues
    assert issue.code == "misplaced-name" and issue.field == "82" and "p_E04_82" in issue.message
    with Store(campaign.folder) as store:
        scores = store.values(store.counted()[("80", "peer")])["E04"]
    assert "82" not in scores or scores["82"] is None
    assert scores["83"] == given["E04"]["83"]
