"""A generated corpus of returned files, good and bad, each named after what is in it.

``build_corpus`` writes one small file per case into a folder and returns the
verdict and issue code intake must give it.
"""

from __future__ import annotations

import io
import random
import re
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl

from emuxl.definitions import Campaign
from emuxl.demo import plausible_values
from emuxl.forms import member_form
from emuxl.layout import META_SHEET, SCORE_SHEET, input_name

SHEET = "xl/worksheets/sheet2.xml"  # the scoring sheet of a member form
WORKBOOK = "xl/workbook.xml"


@dataclass(frozen=True)
class Case:
    """A corpus file and what intake must say about it."""

    name: str
    status: str  # rejected | accepted | accepted with errors | accepted with warnings
    code: str | None  # an issue code that must be among the file's issues
    member: str | None = None


def understate_size(data: bytes, part: str, size: int) -> bytes:
    """A zip whose central directory says a part is ``size`` bytes when it is larger (a lying zip bomb)."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(out[at + 28 : at + 30], "little")
        if bytes(out[at + 46 : at + 46 + length]) == part.encode():
            out[at + 24 : at + 28] = size.to_bytes(4, "little")  # the uncompressed size
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with parts changed (return None to drop a part) and parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = change(info.filename, src.read(info))
            if body is not None:
                dst.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def replace_in(part: str, old: bytes, new: bytes, count: int = 1) -> Callable[[str, bytes], bytes]:
    """A change that replaces bytes in one part, failing loudly if they are not there."""

    def change(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        assert old in body, f"{old!r} not in {part}"
        return body.replace(old, new, count)

    return change


def set_cell(ref: str, xml: str) -> Callable[[str, bytes], bytes]:
    """A change that rewrites one cell of the scoring sheet (``xml`` is the whole <c> element)."""

    def change(name: str, body: bytes) -> bytes:
        if name != SHEET:
            return body
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)')
        assert pattern.search(body), ref
        return pattern.sub(xml.encode(), body, count=1)

    return change


def cell_of(data: bytes, name: str) -> str:
    """The cell (``F9``) a defined name points at in a form."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(WORKBOOK).decode()
    return re.search(rf'<definedName name="{name}">[^<]*!\$([A-Z]+)\$(\d+)<', xml).expand(r"\1\2")  # type: ignore[union-attr]


def with_openpyxl(data: bytes, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    """A form edited and saved by openpyxl (as a user's own script would)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ole(extra: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + extra + bytes(1024)


def build_corpus(campaign: Campaign, folder: Path, variant: Callable[..., Campaign]) -> list[Case]:
    """Write the corpus for a campaign's first two members; ``variant`` makes altered campaigns."""
    folder.mkdir(parents=True, exist_ok=True)
    m1, m2 = campaign.members[0], campaign.members[1]
    values = plausible_values(campaign, random.Random(11))
    good = member_form(campaign, m1, values)
    cases: list[Case] = []

    def add(name: str, data: bytes, status: str, code: str | None, member: str | None = None) -> None:
        (folder / name).write_bytes(data)
        cases.append(Case(name, status, code, member))

    plan = cell_of(good, input_name("A02", "plan"))
    actual = cell_of(good, input_name("A02", "actual"))
    pci = cell_of(good, input_name("A12", "rank"))
    note = cell_of(good, input_name("A02", "note"))

    # whole files that are not forms at all
    add("empty.xlsx", b"", "rejected", "empty-file")
    add("random-bytes.xlsx", random.Random(1).randbytes(3000), "rejected", "not-a-workbook")
    add("truncated.xlsx", good[: len(good) // 2], "rejected", "corrupt-zip")
    add("csv-renamed.xlsx", "Mã,Chỉ tiêu,Kế hoạch\nA01,GRDP,7\n".encode(), "rejected", "csv-file")
    add("html-renamed.xlsx", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "rejected", "html-file")
    ods = rezip(good, lambda n, b: b, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    add("ods-renamed.xlsx", ods, "rejected", "ods-file")
    add("docx-renamed.xlsx", rezip(good, lambda n, b: b, {"word/document.xml": b"<w/>"}), "rejected", "docx-file")
    add("legacy-xls-renamed.xlsx", _ole(b"Workbook"), "rejected", "legacy-xls")
    add("password-protected.xlsx", _ole("EncryptionInfo".encode("utf-16-le")), "rejected", "encrypted")
    strict = replace_in(
        WORKBOOK,
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    add("strict-open-xml.xlsx", rezip(good, strict), "rejected", "strict-ooxml")
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    add(
        "billion-laughs-sst.xlsx",
        rezip(
            good, replace_in("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', laughs)
        ),
        "rejected",
        "dtd-forbidden",
    )
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    add(
        "xxe-workbook.xlsx",
        rezip(good, replace_in(WORKBOOK, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', xxe)),
        "rejected",
        "dtd-forbidden",
    )
    add(
        "zip-bomb.xlsx",
        rezip(good, lambda n, b: b, {"xl/media/pad.xml": bytes(8 * 1024 * 1024)}),
        "rejected",
        "zip-bomb",
    )
    padded = rezip(good, lambda n, b: b, {"xl/media/pad.xml": b"<a>" + bytes(60 * 1024 * 1024) + b"</a>"})
    add("lying-size.xlsx", understate_size(padded, "xl/media/pad.xml", 1000), "rejected", "corrupt-zip")
    many = {f"xl/media/p{i}.xml": b"<a/>" for i in range(400)}
    add("too-many-parts.xlsx", rezip(good, lambda n, b: b, many), "rejected", "zip-bomb")
    add("binary-xlsb.xlsx", rezip(good, lambda n, b: b, {"xl/workbook.bin": b"\0"}), "rejected", "xlsb-file")

    # forms that are not this campaign's, or not this member's
    add(
        "other-cluster.xlsx", member_form(variant(cluster="Cụm thi đua khác"), m1, values), "rejected", "wrong-campaign"
    )
    add("other-year.xlsx", member_form(variant(year=campaign.year - 1), m1, values), "rejected", "wrong-year")
    stranger = variant(extra_member=("99", "Tỉnh Lạ"))
    add("unknown-member.xlsx", member_form(stranger, stranger.member("99"), values), "rejected", "unknown-member")
    add("old-form-version.xlsx", member_form(variant(retitle=True), m1, values), "rejected", "old-form-version")
    heading = replace_in("xl/sharedStrings.xml", f"(mã {m1.code})".encode(), f"(mã {m2.code})".encode())
    add("heading-of-another-member.xlsx", rezip(good, heading), "rejected", "wrong-member")
    points = cell_of(good, "d_A02").replace("B", "D")
    tampered = set_cell(points, f'<c r="{points}" s="9"><v>60</v></c>')
    add("max-points-edited.xlsx", rezip(good, tampered), "rejected", "tampered-definition")
    renamed = replace_in(WORKBOOK, f'name="{SCORE_SHEET}"'.encode(), b'name="Sheet1"')
    add("scoring-sheet-renamed.xlsx", rezip(good, renamed), "rejected", "missing-sheet")
    no_names = lambda n, b: re.sub(rb"<definedNames>.*</definedNames>", b"", b) if n == WORKBOOK else b  # noqa: E731
    add("defined-names-deleted.xlsx", rezip(good, no_names), "rejected", "missing-names")
    no_meta = lambda n, b: re.sub(rb'<sheet name="_meta"[^>]*/>', b"", b) if n == WORKBOOK else b  # noqa: E731
    add("metadata-sheet-deleted.xlsx", rezip(good, no_meta), "rejected", "not-a-form")

    # hostile but harmless structure: the parent survives, the form is read
    far = set_cell(note, f'<c r="{note}" t="inlineStr"><is><t>ghi chú</t></is></c><c r="XFD1048576"><v>1</v></c>')
    add("far-corner-cell.xlsx", rezip(good, far), "accepted", None, m1.code)
    bad_ref = set_cell(note, f'<c r="{note}" t="inlineStr"><is><t>ghi chú</t></is></c><c r="1A"><v>1</v></c>')
    add("malformed-cell-reference.xlsx", rezip(good, bad_ref), "accepted", None, m1.code)
    macro = rezip(good, lambda n, b: b, {"xl/vbaProject.bin": b"Attribute VB_Name"})
    add("with-macros.xlsm", macro, "accepted", "macros-ignored", m1.code)

    hidden = replace_in(WORKBOOK, b'state="veryHidden"', b'state="hidden"')
    add("meta-hidden-not-very-hidden.xlsx", rezip(good, hidden), "accepted", None, m1.code)
    year_float = lambda wb: wb[META_SHEET].cell(2, 2, float(campaign.year))  # noqa: E731
    add("year-as-3.0-number.xlsx", with_openpyxl(good, year_float), "accepted", None, m1.code)

    # value problems: the file is taken, the indicator scores 0 until fixed
    def value_case(name: str, code: str, cell: str, value: object) -> None:
        def edit(wb: openpyxl.Workbook) -> None:
            wb[SCORE_SHEET][cell] = value

        add(name, with_openpyxl(good, edit), "accepted with errors", code, m1.code)

    value_case("number-as-text.xlsx", "text-number", plan, "1234")
    value_case("vietnamese-number-text.xlsx", "vietnamese-number", plan, "1.234,5")
    value_case("vietnamese-percent-text.xlsx", "vietnamese-number", plan, "12,5%")
    value_case("ambiguous-decimal-point.xlsx", "ambiguous-number", plan, "12.5")
    value_case("ambiguous-thousands.xlsx", "ambiguous-number", plan, "1.234")
    value_case("words-instead-of-number.xlsx", "not-a-number", actual, "chín mươi")
    value_case("date-in-number-cell.xlsx", "date-value", actual, datetime(2024, 1, 15))
    value_case("error-value.xlsx", "error-value", actual, "#DIV/0!")
    value_case("formula-in-input.xlsx", "formula-in-input", actual, "=1000+234")
    value_case("rank-out-of-range.xlsx", "out-of-range", pci, 70)
    value_case("missing-required-input.xlsx", "missing-input", actual, None)
    level = cell_of(good, input_name("B08", "level"))
    value_case("level-not-in-list.xlsx", "not-a-choice", level, "Xuất sắc lắm")

    def merged(wb: openpyxl.Workbook) -> None:
        wb[SCORE_SHEET].merge_cells(f"{plan}:{actual}")

    add("merged-over-inputs.xlsx", with_openpyxl(good, merged), "accepted with errors", "merged-input", m1.code)
    nan = set_cell(plan, f'<c r="{plan}"><v>NaN</v></c>')
    add("nan-value.xlsx", rezip(good, nan), "accepted with errors", "not-finite", m1.code)

    # warnings: the value is kept
    def note_case(name: str, code: str, text: str) -> None:
        add(
            name,
            member_form(campaign, m1, {**values, "A02": {**values["A02"], "note": text}}),
            "accepted with warnings",
            code,
            m1.code,
        )

    note_case("formula-like-note.xlsx", "formula-like-text", "@SUM(A1:A9) -- xem báo cáo")
    note_case("control-characters-note.xlsx", "control-characters", "Báo cáo\x07 số 12")
    note_case("very-long-note.xlsx", "text-too-long", "Minh chứng rất dài. " * 300)
    score_cell = cell_of(good, "d_A02").replace("B", "J")
    wrong_self = set_cell(score_cell, f'<c r="{score_cell}" s="14"><f>0</f><v>1.5</v></c>')
    add("self-score-differs.xlsx", rezip(good, wrong_self), "accepted with warnings", "self-score-differs", m1.code)

    hardening_cases(campaign, good, add)

    # the second member's good form, for "good files in the same batch are accepted"
    add(
        "good-second-member.xlsx",
        member_form(campaign, m2, plausible_values(campaign, random.Random(12))),
        "accepted",
        None,
        m2.code,
    )
    return cases


def many_forms(campaign: Campaign, folder: Path, n: int) -> None:
    """n plausible filled member forms (members in turn) written into a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    for i in range(n):
        m = campaign.members[i % len(campaign.members)]
        (folder / f"{i:03d}-{m.code}.xlsx").write_bytes(member_form(campaign, m, plausible_values(campaign, rng)))


def check_store(folder: Path, expected_files: int) -> None:
    """The store passes SQLite's integrity check and holds each file once, whole."""
    db = sqlite3.connect(folder / "emuxl.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    subs = db.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM submissions").fetchone()
    assert subs == (expected_files, expected_files)
    per_sub = db.execute("SELECT submission_id, COUNT(*) FROM cell_values GROUP BY submission_id").fetchall()
    assert len(per_sub) == expected_files and len({n for _, n in per_sub}) == 1  # every file whole, none half
    db.close()


def _name(name: str, ref: str) -> Callable[[str, bytes], bytes]:
    """A change that points a defined name somewhere else (``ref``: ``'Sheet'!$Z$5000``)."""

    def change(part: str, body: bytes) -> bytes:
        if part != WORKBOOK:
            return body
        pattern = re.compile(rb'(<definedName name="' + name.encode() + rb'">)[^<]*(</definedName>)')
        assert pattern.search(body), name
        return pattern.sub(lambda m: m.group(1) + ref.encode() + m.group(2), body, count=1)

    return change


def _also_define(name: str, ref: str) -> Callable[[str, bytes], bytes]:
    """A change that adds a second definition of a name."""
    extra = f'<definedName name="{name}">{ref}</definedName>'.encode()
    return replace_in(WORKBOOK, b"<definedNames>", b"<definedNames>" + extra)


def _both(*changes: Callable[[str, bytes], bytes]) -> Callable[[str, bytes], bytes]:
    def change(part: str, body: bytes) -> bytes:
        for one in changes:
            body = one(part, body)
        return body

    return change


def _raw_value(ref: str, text: str) -> Callable[[str, bytes], bytes]:
    """A change that writes ``text`` as the raw <v> of a number cell, as only a script could."""
    return set_cell(ref, f'<c r="{ref}" s="11"><v>{text}</v></c>')


def hardening_cases(campaign: Campaign, good: bytes, add: Callable[..., None]) -> None:
    """The cases of issue 16's adversarial pass: names redirected or defined twice, malformed and extreme
    numbers in the XML, a sheet cut off after its data, a deleted row."""
    m1 = campaign.members[0]
    plan, actual = cell_of(good, input_name("A02", "plan")), cell_of(good, input_name("A02", "actual"))
    other_plan = cell_of(good, input_name("A03", "plan"))
    sheet = f"'{SCORE_SHEET}'"
    errors = "accepted with errors"

    # a value is read from where the form put it, or not at all
    far = _both(
        _name(input_name("A02", "plan"), f"{sheet}!$Z$5000"),
        set_cell(plan, f'<c r="{plan}"/>'),
        replace_in(SHEET, b"</sheetData>", b'<row r="5000"><c r="Z5000"><v>99999</v></c></row></sheetData>'),
    )
    add("name-redirected-to-z5000.xlsx", rezip(good, far), errors, "misplaced-name", m1.code)
    other_sheet = _name(input_name("A02", "actual"), "'Hướng dẫn'!$A$1")
    add("name-redirected-to-another-sheet.xlsx", rezip(good, other_sheet), errors, "misplaced-name", m1.code)
    col, row = re.match(r"([A-Z]+)(\d+)", other_plan).groups()  # type: ignore[union-attr]
    other_row = _name(input_name("A02", "plan"), f"{sheet}!${col}${row}")
    add("name-redirected-to-another-row.xlsx", rezip(good, other_row), errors, "misplaced-name", m1.code)
    twice = _also_define(input_name("A02", "plan"), f"{sheet}!$Z$5000")
    add("input-name-defined-twice.xlsx", rezip(good, twice), "rejected", "duplicate-definition")
    upper = _also_define(input_name("A02", "plan").upper(), f"{sheet}!$Z$5000")
    add("name-defined-twice-differing-in-case.xlsx", rezip(good, upper), "rejected", "duplicate-definition")
    copy = re.sub(rb'(<c r="' + plan.encode() + rb'"[^>]*><v>)[^<]*', rb"\g<1>999999", _part(good, SHEET))
    second = _both(
        replace_in(WORKBOOK, b"</sheets>", f'<sheet name="{SCORE_SHEET}" sheetId="9" r:id="rId99"/></sheets>'.encode()),
        replace_in(
            "xl/_rels/workbook.xml.rels",
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'worksheet" Target="worksheets/sheet9.xml"/></Relationships>',
        ),
    )
    add(
        "scoring-sheet-twice.xlsx",
        rezip(good, second, {"xl/worksheets/sheet9.xml": copy}),
        "rejected",
        "duplicate-definition",
    )
    add("malformed-number-in-xml.xlsx", rezip(good, _raw_value(plan, "1_000")), errors, "malformed-number", m1.code)
    add("number-with-blanks-in-xml.xlsx", rezip(good, _raw_value(plan, " 12 ")), errors, "malformed-number", m1.code)
    body = _part(good, SHEET)
    cut = body[: body.index(b"<dataValidations") + 300]  # the data whole, the validations cut off
    add(
        "sheet-cut-off-after-its-data.xlsx",
        rezip(good, lambda n, b: cut if n == SHEET else b),
        "rejected",
        "unreadable",
    )
    gone = _both(
        *(
            _name(n, f"{sheet}!#REF!")
            for n in ("d_A02", *(input_name("A02", k) for k in ("plan", "actual", "previous", "note")))
        )
    )
    add("row-deleted.xlsx", rezip(good, gone), "rejected", "deleted-row")

    # extreme and impossible values are refused at intake
    add("infinity-in-xml.xlsx", rezip(good, _raw_value(plan, "INF")), errors, "not-finite", m1.code)
    add("minus-infinity-in-xml.xlsx", rezip(good, _raw_value(actual, "-INF")), errors, "not-finite", m1.code)
    add("number-overflowing-to-infinity.xlsx", rezip(good, _raw_value(plan, "1E309")), errors, "not-finite", m1.code)
    add("huge-number-1e308.xlsx", rezip(good, _raw_value(actual, "1E308")), errors, "out-of-range", m1.code)
    add("huge-negative-number.xlsx", rezip(good, _raw_value(plan, "-1E308")), errors, "out-of-range", m1.code)


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)
