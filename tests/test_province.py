"""What provinces and the secretariat see in Excel: nothing mis-scored in silence, Vietnamese only, pages that print.

Real round trips: forms filled in LibreOffice the way people fill them, read
back by ``collect``; the feedback and the ranking workbook read back with
openpyxl; a correction typed into ranking.xlsx through LibreOffice.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from emuxl.cli import main
from emuxl.collecting import take_in
from emuxl.definitions import load_campaign
from emuxl.demo import plausible_values, write_demo_returns
from emuxl.feedback import feedback_path
from emuxl.forms import member_form, peer_form
from emuxl.layout import input_name
from emuxl.results import compute
from emuxl.sheets import READABLE, fit_scale, lines_of
from emuxl.workbook import ranking_path

ENGLISH = re.compile(r"\b(actual|plan|previous|count|result|top|done|level|rank|self|missing|points?)\b", re.I)


def _strings(path: Path) -> list[tuple[str, str, str]]:
    """Every text a person sees in a workbook: (sheet, cell, text), validation messages included; not _meta."""
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        if ws.title.startswith("_"):
            continue
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and not c.value.startswith("="):
                    out.append((ws.title, c.coordinate, c.value))
        for dv in ws.data_validations.dataValidation:
            for text in (dv.prompt, dv.error, dv.promptTitle, dv.errorTitle):
                if text:
                    out.append((ws.title, str(dv.sqref), text))
    return out


def test_province_mistakes_round_trip_through_libreoffice(office, sample: Path) -> None:
    """A % typed with its sign, a decomposed «Đạt», a plan of 0, 1e308 and a blank penalty count each get their
    issue in status --json and the feedback; the decomposed «Đạt» scores full points; the % reads only when accepted."""
    campaign = load_campaign(sample)
    member = campaign.member("80")
    values = plausible_values(campaign, random.Random(4))
    blank = sample / "blank.xlsx"
    blank.write_bytes(member_form(campaign, member, values))
    inbox = sample / "inbox"
    inbox.mkdir()
    office.run(
        [
            {
                "path": str(blank),
                "type": {input_name("A10", "actual"): "76.5%", input_name("F02", "count"): ""},
                "fill": {
                    input_name("C01", "done"): unicodedata.normalize("NFD", "Đạt"),
                    input_name("A03", "plan"): 0,
                    input_name("A04", "actual"): 1e308,
                },
                "save_as": str(inbox / "long-an.xlsx"),
            }
        ]
    )
    take_in(campaign, [inbox], jobs=1)
    runner = CliRunner()
    status = runner.invoke(main, ["status", str(sample), "--json"])
    assert status.exit_code == 0, status.output
    issues = next(m for m in json.loads(status.output)["members"] if m["code"] == "80")["issues"]
    found = {(i["indicator"], i["code"]) for i in issues}
    assert {
        ("A10", "percent-cell"),
        ("A03", "out-of-range"),
        ("A04", "out-of-range"),
        ("F02", "missing-input"),
    } <= found
    # the form's own formula cannot compose letters, so its cached self-score may differ: a warning, never an error
    assert not [i for i in issues if i["indicator"] == "C01" and i["severity"] != "warning"]
    percent = next(i for i in issues if i["code"] == "percent-cell")
    assert (
        percent["suggested"] == pytest.approx(76.5) and "76,5%" in percent["message"] and "0,765" in percent["message"]
    )
    penalty = next(i for i in issues if i["indicator"] == "F02")
    assert "nhập 0 nếu không có" in penalty["fix"]

    feedback = [text for _s, _c, text in _strings(feedback_path(campaign, member))]
    for issue in (percent, penalty):
        assert issue["message"] in feedback
    results = compute(campaign)
    cells = results.cards["80"].cells
    assert cells["C01"].points == 20 and cells["A10"].points == 0 and cells["A03"].points == 0
    assert all("inf" not in c.explanation and "nan" not in c.explanation.lower() for c in cells.values())

    accepted = runner.invoke(main, ["accept", str(sample), "80", "--indicator", "A10", "--by", "Ban TĐKT"])
    assert accepted.exit_code == 0, accepted.output
    after = compute(campaign).cards["80"].cells["A10"]
    assert after.points > 0 and "kế hoạch" in after.explanation


def test_no_english_in_what_goes_to_a_province(tmp_path: Path, sample: Path) -> None:
    """Forms, peer forms and feedback workbooks (with errors in them) hold no English word."""
    campaign = load_campaign(sample)
    write_demo_returns(campaign)
    take_in(campaign, jobs=1)
    member = campaign.member("82")
    paths = [tmp_path / "form.xlsx", tmp_path / "peer.xlsx"]
    paths[0].write_bytes(member_form(campaign, member))
    paths[1].write_bytes(peer_form(campaign, member))
    paths += sorted((sample / "out" / "feedback").glob("*.xlsx"))
    contact = campaign.contact or ""
    hits = [
        f"{p.name} {sheet}!{cell}: {text[:120]}"
        for p in paths
        for sheet, cell, text in _strings(p)
        if ENGLISH.search(text.replace(contact, ""))
    ]
    assert not hits, "\n".join(hits[:20])


def _printable(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """A sheet prints on A4, fitted to the page width at a readable size, with page numbers."""
    setup = ws.page_setup
    assert setup.paperSize in (9, "9"), ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert "&P" in (ws.oddFooter.center.text or "") and "&N" in (ws.oddFooter.center.text or ""), ws.title
    widths = [ws.column_dimensions[c].width or 8.43 for c in ws.column_dimensions]
    wide = int(setup.fitToWidth or 1)
    if wide == 1:
        assert fit_scale(widths, setup.orientation == "landscape") >= READABLE, ws.title
    else:
        assert ws.print_title_cols, f"{ws.title}: {wide} pages wide without its key columns repeated"


def _rows_fit(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """Every wrapped text cell's row is at least as tall as its text needs."""
    merged = {str(r).split(":")[0]: r for r in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        for c in row:
            if not isinstance(c.value, str) or c.value[:1] in ("", "=") or not (c.alignment and c.alignment.wrap_text):
                continue
            span = merged.get(c.coordinate)
            cols = (
                [c.column_letter]
                if span is None
                else [openpyxl.utils.get_column_letter(i) for i in range(span.min_col, span.max_col + 1)]
            )
            width = sum(ws.column_dimensions[x].width or 8.43 for x in cols)
            height = ws.row_dimensions[c.row].height or 15
            assert height >= 15 * lines_of(c.value, width), f"{ws.title}!{c.coordinate}: {height} for {c.value[:60]}"


def test_every_workbook_prints_and_its_rows_fit_their_text(sample: Path) -> None:
    """Forms, peer forms, feedback and ranking.xlsx: A4, fitted at 9 pt or more (or pages wide with key columns),
    «Trang x/y», and rows tall enough for their wrapped text."""
    campaign = load_campaign(sample)
    write_demo_returns(campaign)
    take_in(campaign, jobs=1)
    assert CliRunner().invoke(main, ["rank", str(sample)]).exit_code == 0
    member = campaign.member("84")
    paths = [sample / "form.xlsx", sample / "peer.xlsx", feedback_path(campaign, member), ranking_path(campaign)]
    paths[0].write_bytes(member_form(campaign, member))
    paths[1].write_bytes(peer_form(campaign, member))
    for path in paths:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            _printable(ws)
            _rows_fit(ws)


def test_a_correction_typed_into_ranking_xlsx_is_never_lost(office, tmp_path: Path, sample: Path) -> None:
    """A value typed into «Chi tiết» in LibreOffice stops the next rank, naming the cell; taken, it is an adjustment."""
    campaign = load_campaign(sample)
    write_demo_returns(campaign)
    take_in(campaign, jobs=1)
    runner = CliRunner()
    assert runner.invoke(main, ["rank", str(sample)]).exit_code == 0
    path = ranking_path(campaign)
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Chi tiết"].iter_rows(values_only=True))
    heads = rows[3]
    adjusted, actual = heads.index("Điểm điều chỉnh"), heads.index("Thực hiện")
    find = {(r[0], r[2]): n for n, r in enumerate(rows, 1)}
    letter = openpyxl.utils.get_column_letter
    adj_cell = f"{letter(adjusted + 1)}{find[('A05', '86')]}"
    actual_cell = f"{letter(actual + 1)}{find[('A04', '93')]}"
    wb.close()
    edited = tmp_path / "edited.xlsx"
    office.run(
        [
            {
                "path": str(path),
                "set_cells": {f"Chi tiết!{adj_cell}": 12.5, f"Chi tiết!{actual_cell}": 1.0},
                "save_as": str(edited),
            }
        ]
    )
    shutil.copyfile(edited, path)

    refused = runner.invoke(main, ["rank", str(sample)])
    assert refused.exit_code == 1
    assert f"Chi tiết!{adj_cell} (86, A05, điểm điều chỉnh)" in refused.output
    assert f"Chi tiết!{actual_cell} (93, A04, actual)" in refused.output and "--take-edits" in refused.output
    assert path.read_bytes() == edited.read_bytes()  # nothing overwritten

    taken = runner.invoke(
        main, ["rank", str(sample), "--json", "--take-edits", "--by", "Cụm phó", "--reason", "rà soát"]
    )
    assert taken.exit_code == 0, taken.output
    data = json.loads(taken.stdout)
    by_code = {m["code"]: m for m in data["members"]}
    assert by_code["86"]["indicators"]["A05"]["points"] == 12.5 and by_code["86"]["indicators"]["A05"]["adjusted"]
    a04 = by_code["93"]["indicators"]["A04"]
    assert a04["adjusted"] and a04["points"] < 1 and "rà soát" in a04["explanation"]
    assert runner.invoke(main, ["rank", str(sample)]).exit_code == 0  # written anew: nothing pending
