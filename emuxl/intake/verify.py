"""Identify a returned form, verify it is the campaign's untouched form, and extract its values by name.

No single mark is trusted: the metadata sheet says whose form it is, the
heading must agree, and the definition cells actually in the file must give
the catalogue's fingerprint.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..definitions import Campaign, Indicator, shown_fingerprint
from ..layout import (
    COLUMNS,
    HEADING_NAME,
    KIND_MEMBER,
    KIND_PEER,
    META_KEYS,
    META_SHEET,
    PEER_COLUMNS,
    PEER_SHEET,
    SCORE_SHEET,
    input_name,
    peer_name,
    section_name,
    title_name,
)
from ..methods import Input, Value
from ..scoring import self_score
from ..store import ValueRow
from ..vnformat import fixed, number
from .checks import Where, check_note, check_value
from .issues import Issue, make_issue
from .read import MALFORMED, Cell, RawBook, cell_address, row_number

SELF_TOLERANCE = 0.005  # half a unit of the published precision


@dataclass
class Reading:
    """What a verified form says: whose it is, its values, its issues."""

    member: str | None = None
    kind: str = KIND_MEMBER
    values: list[ValueRow] = field(default_factory=list)  # plain tuples: cheap to send between processes
    issues: list[Issue] = field(default_factory=list)


def _col_letter(col: int) -> str:
    return LETTERS[col]


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ROW_FIELDS = ("code", "title", "unit", "points", "rule", "self")  # what is read of a title row
ROW_LETTERS = {  # (field, column letters) of a definition row, member form and peer form
    peer: [(key, LETTERS[col]) for key, (col, _t, _w) in columns.items() if key in ROW_FIELDS]
    for peer, columns in ((False, COLUMNS), (True, PEER_COLUMNS))
}


def _code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def read_meta(book: RawBook) -> dict[str, str]:
    """The metadata sheet as key -> text (numbers such as ``2023.0`` come back as ``2023``)."""
    cells = book.cells.get(META_SHEET, {})
    out = {}
    for row in range(1, len(META_KEYS) + 20):
        key, value = cells.get(f"A{row}"), cells.get(f"B{row}")
        if key is not None and isinstance(key.value, str):
            out[key.value.strip()] = _code_text(value.value if value else None)
    return out


def _identify(campaign: Campaign, book: RawBook, reading: Reading) -> bool:
    if META_SHEET not in book.sheets:
        reading.issues.append(make_issue("not-a-form"))
        return False
    meta = read_meta(book)
    kind = meta.get("kind", "")
    if kind not in (KIND_MEMBER, KIND_PEER):
        reading.issues.append(make_issue("wrong-kind", found=kind))
        return False
    reading.kind = kind
    if nfc(meta.get("cluster", "")) != campaign.cluster:
        reading.issues.append(make_issue("wrong-campaign", found=meta.get("cluster"), expected=campaign.cluster))
    if meta.get("year") != str(campaign.year):
        reading.issues.append(make_issue("wrong-year", found=meta.get("year"), expected=campaign.year))
    code = meta.get("member", "")
    member = campaign.find_member(code)
    if member is None:
        reading.issues.append(make_issue("unknown-member", found=code))
        return False
    reading.member = member.code
    return not reading.issues


def nfc(text: str) -> str:
    """Text composed (NFC): what Unikey's combining mode or a paste from a PDF types is the same text."""
    return unicodedata.normalize("NFC", text)


def _named(book: RawBook, name: str) -> tuple[str, str, Cell | None] | None:
    where = book.ref(name)
    if where is None:
        return None
    sheet, cell = where
    return sheet, cell, book.cell(sheet, cell)


class Place(NamedTuple):
    """Where the form put a named cell: its sheet, its column, and the rows it may be on (rows inserted above
    or inside an indicator's block move it; nothing else does)."""

    sheet: str
    column: str
    first: int
    last: int | None = None  # None: only ``first``; 0: any row from ``first`` on

    def holds(self, where: tuple[str, str]) -> bool:
        """Whether a (sheet, "B12") reference is in this place."""
        address = cell_address(where[1])
        if where[0] != self.sheet or address is None or address[1] != self.column:
            return False
        row = int(address[2])
        if self.last is None:
            return row == self.first
        return row >= self.first and (self.last == 0 or row <= self.last)


def _blocks(book: RawBook, sheet: str) -> dict[str, tuple[int, int]]:
    """Indicator code -> the rows of its block on a sheet: its title row (its d_ name), and the last row before
    the next section or indicator title (0: none after it). Worked out once per file."""
    key = ("blocks", sheet)
    if key not in book.memo:
        titles = []  # (row, code or "" for a section)
        for name in book.names:
            if name.startswith(("s_", "d_")):
                where = book.ref(name)
                if where and where[0] == sheet:
                    titles.append((int(row_number(where[1])), name[2:] if name[0] == "d" else ""))
        titles.sort()
        blocks = {}
        for i, (row, code) in enumerate(titles):
            if code:
                blocks[code] = (row, titles[i + 1][0] - 1 if i + 1 < len(titles) else 0)
        book.memo[key] = blocks
    return book.memo[key]


def _block(book: RawBook, code: str, sheet: str) -> tuple[int, int] | None:
    """The rows of an indicator's block on a sheet (see ``_blocks``), or None when its title is not there."""
    return _blocks(book, sheet).get(code)


def _shown_place(where: tuple[str, str] | None) -> str:
    return f"ô {where[1]} trang «{where[0]}»" if where else "không ô nào"


def _row_cells(book: RawBook, name: str, columns: dict[str, tuple[int, str, float]]) -> dict[str, Cell | None] | None:
    key = (name, columns is PEER_COLUMNS)
    if key not in book.memo:
        book.memo[key] = _find_row_cells(book, name, columns)
    return book.memo[key]


def _find_row_cells(
    book: RawBook, name: str, columns: dict[str, tuple[int, str, float]]
) -> dict[str, Cell | None] | None:
    found = _named(book, name)
    if found is None:
        return None
    sheet, cell = found[:2]
    row = row_number(cell)
    return {key: book.cell(sheet, letters + row) for key, letters in ROW_LETTERS[columns is PEER_COLUMNS]}


def _shown(cell: Cell | None) -> object:
    if cell is None or cell.value is None:
        return ""
    return float(cell.value) if cell.kind == "n" else nfc(str(cell.value))


def _file_fingerprint(campaign: Campaign, book: RawBook) -> str:
    """The fingerprint of the catalogue the file's own definition cells show."""
    rows: list[tuple[int, str, str]] = []
    for name in book.names:
        if name.startswith(("s_", "d_")):
            found = _named(book, name)
            if found:
                rows.append((int(row_number(found[1])), name[:1], name[2:]))
    shown: list[list[Any]] = []
    for _row, kind, code in sorted(rows):
        cells = _row_cells(book, f"{kind}_{code}", COLUMNS) or {}
        if kind == "s":
            shown.append([code, _shown(cells.get("title")), []])
        elif shown:
            fields = [_shown(cells.get(k)) for k in ("title", "unit", "points", "rule")]
            shown[-1][2].append([code, *fields])
    if shown == campaign.catalogue.shown:
        return campaign.catalogue.fingerprint
    return shown_fingerprint(shown)


def _definition_diffs(campaign: Campaign, book: RawBook, peer: bool) -> list[Issue]:
    columns = PEER_COLUMNS if peer else COLUMNS
    issues = []
    indicators = campaign.catalogue.peer_indicators if peer else campaign.catalogue.indicators
    for ind in indicators:
        cells = _row_cells(book, title_name(ind.code), columns)
        if cells is None:
            continue
        expected: dict[str, object] = {"code": ind.code, "title": ind.title, "points": float(ind.points)}
        if not peer:
            expected |= {"unit": ind.unit, "rule": ind.rule}
        for key, want in expected.items():
            got = _shown(cells.get(key))
            if got != want:
                col = _col_letter(columns[key][0])
                where = book.ref(title_name(ind.code))
                cell = f"{col}{row_number(where[1]) if where else ''}"
                issues.append(
                    make_issue(
                        "tampered-definition",
                        sheet=PEER_SHEET if peer else SCORE_SHEET,
                        cell=cell,
                        indicator=ind.code,
                        found=number(got) if isinstance(got, float) else got,
                        expected=number(want) if isinstance(want, float) else want,
                    )
                )
    return issues


def _misplaced_definitions(campaign: Campaign, book: RawBook, peer: bool) -> list[Issue]:
    """Section and indicator title names that are gone (their row deleted) or point off the form's title column."""
    sheet = PEER_SHEET if peer else SCORE_SHEET
    column = LETTERS[(PEER_COLUMNS if peer else COLUMNS)["title"][0]]
    sections = campaign.catalogue.sections if not peer else []
    wanted = [(section_name(x.code), f"phần {x.code} «{x.title}»") for x in sections]
    indicators = campaign.catalogue.peer_indicators if peer else campaign.catalogue.indicators
    wanted += [(title_name(i.code), f"tiêu chí {i.code} «{i.title}»") for i in indicators]
    issues = []
    for name, what in wanted:
        where = book.ref(name)
        if where is None:
            issues.append(make_issue("deleted-row", sheet=sheet, field=name, detail=what))
        elif not Place(sheet, column, 1, 0).holds(where):
            issues.append(make_issue("misplaced-definition", sheet=sheet, field=name, detail=_shown_place(where)))
    return issues


def _verify_structure(campaign: Campaign, book: RawBook, reading: Reading) -> bool:
    peer = reading.kind == KIND_PEER
    sheet = PEER_SHEET if peer else SCORE_SHEET
    if sheet not in book.sheets:
        reading.issues.append(make_issue("missing-sheet", expected=sheet))
        return False
    prefix = "p_" if peer else "v_"
    if not any(n.startswith(prefix) for n in book.names):
        example = "p_…" if peer else input_name(campaign.catalogue.indicators[0].code, "…")
        reading.issues.append(make_issue("missing-names", expected=example))
        return False
    member = campaign.member(reading.member or "")
    heading = _named(book, HEADING_NAME)
    text = nfc(str(heading[2].value)) if heading and heading[2] and heading[2].value is not None else ""
    if f"(mã {member.code})" not in text or member.name not in text:
        reading.issues.append(make_issue("wrong-member", found=text or "(trống)", expected=member.name))
        return False
    expected = campaign.catalogue.fingerprint
    meta_fp = read_meta(book).get("fingerprint", "")
    if peer:
        if meta_fp != expected:
            reading.issues.append(make_issue("old-form-version"))
            return False
        reading.issues.extend(_misplaced_definitions(campaign, book, peer) or _definition_diffs(campaign, book, peer))
        return not reading.issues
    in_file = _file_fingerprint(campaign, book)
    if in_file == expected:
        reading.issues.extend(_misplaced_definitions(campaign, book, peer))  # the right titles, in the wrong place
        return not reading.issues
    if meta_fp != expected and in_file == meta_fp:
        reading.issues.append(make_issue("old-form-version"))
        return False
    reading.issues.extend(
        _misplaced_definitions(campaign, book, peer)  # rows deleted: say which, not «an older form»
        or _definition_diffs(campaign, book, peer)
        or [make_issue("old-form-version")]
    )
    return False


def _take(book: RawBook, reading: Reading, name: str, inp: Input, ind: Indicator, place: Place | None) -> Value:
    """Read, check and keep one input, from the cell its name points at if that is where the form put it."""
    found = _named(book, name)
    if found is None:
        reading.issues.append(make_issue("broken-name", indicator=ind.code, field=name))
        return None
    sheet, cell, content = found
    where = Where(sheet, cell, ind.code, inp.name)
    if place is None or not place.holds((sheet, cell)):
        detail = _shown_place((sheet, cell))
        issue = make_issue("misplaced-name", detail=detail, label=inp.label, name=name, **where._asdict())
        reading.issues.append(issue)
        return None
    span = book.merged_over(sheet, cell)
    if span:
        reading.issues.append(make_issue("merged-input", detail=span, **where._asdict()))
        return None
    if content is not None and content.kind == MALFORMED:
        reading.issues.append(make_issue("malformed-number", raw=str(content.value)[:100], **where._asdict()))
        reading.values.append((ind.code, inp.name, sheet, cell, str(content.value), None, None))
        return None
    value: Value
    if inp.name == "note":
        value, issues = check_note(content, where)
    else:
        value, issues = check_value(content, inp, ind, where)
    reading.issues.extend(issues)
    raw = "" if content is None or content.value is None else str(content.value)
    number = value if isinstance(value, float) else None
    text = value if isinstance(value, str) else None
    reading.values.append((ind.code, inp.name, sheet, cell, raw, number, text))
    return value


NOTE = Input("note", "Minh chứng", "result", required=False)


def _input_place(block: tuple[int, int] | None, column: str, sub_row: int) -> Place | None:
    """Where an input of an indicator belongs: its column, on the title row or (a sub-row input) below it."""
    if block is None:
        return None
    first, last = block
    return Place(SCORE_SHEET, column, first) if sub_row == 0 else Place(SCORE_SHEET, column, first + 1, last)


def _extract_member(campaign: Campaign, book: RawBook, reading: Reading) -> None:
    for ind in campaign.catalogue.indicators:
        got: dict[str, Value] = {}
        cells: dict[str, str] = {}
        block = _block(book, ind.code, SCORE_SHEET)
        for inp in ind.inputs:
            place = _input_place(block, LETTERS[COLUMNS[inp.column][0]], inp.row)
            got[inp.name] = _take(book, reading, input_name(ind.code, inp.name), inp, ind, place)
            where = book.ref(input_name(ind.code, inp.name))
            cells[inp.name] = where[1] if where else ""
        note_place = _input_place(block, LETTERS[COLUMNS["note"][0]], 0)
        _take(book, reading, input_name(ind.code, "note"), NOTE, ind, note_place)
        _check_self_score(book, reading, ind, got)
        for warning in ind.spec.plausible(got, ind.settings):
            cell = cells.get("actual") or next(iter(cells.values()), "")
            reading.issues.append(
                make_issue("implausible-value", sheet=SCORE_SHEET, cell=cell, indicator=ind.code, detail=warning)
            )


def _check_self_score(book: RawBook, reading: Reading, ind: Indicator, values: dict[str, Value]) -> None:
    cells = _row_cells(book, title_name(ind.code), COLUMNS)
    cached = cells.get("self") if cells else None
    if cached is None or cached.kind != "n" or cached.formula is None:
        return  # no value computed by the form's formula (emuxl and openpyxl write none): nothing to compare
    expected = self_score(ind, values)  # scored only when there is a cached value to compare it with
    if expected is None:
        return
    if abs(float(cached.value) - expected) > SELF_TOLERANCE:  # type: ignore[arg-type]
        title = _named(book, title_name(ind.code))
        row = row_number(title[1]) if title else ""
        reading.issues.append(
            make_issue(
                "self-score-differs",
                sheet=SCORE_SHEET,
                cell=f"{_col_letter(COLUMNS['self'][0])}{row}",
                indicator=ind.code,
                found=fixed(float(cached.value)),  # type: ignore[arg-type]
                expected=fixed(expected),
            )
        )


def _peer_place(book: RawBook, block: tuple[int, int] | None, name: str, member: str) -> Place | None:
    """Where a peer score belongs: the score column of the row, in its criterion's block, naming that member."""
    where = book.ref(name)
    if block is None or where is None or cell_address(where[1]) is None:
        return None
    row = row_number(where[1])
    shown = book.cell(PEER_SHEET, LETTERS[PEER_COLUMNS["member"][0]] + row)
    if shown is None or shown.value != member:
        return None  # the row of another member, or of none
    return Place(PEER_SHEET, LETTERS[PEER_COLUMNS["score"][0]], block[0] + 1, block[1])


def _extract_peer(campaign: Campaign, book: RawBook, reading: Reading) -> None:
    for ind in campaign.catalogue.peer_indicators:
        block = _block(book, ind.code, PEER_SHEET)
        for other in (m for m in campaign.member_codes if m != reading.member):
            name = campaign.member(other).name
            inp = Input(other, f"Điểm chấm cho {name}", "self")
            place = _peer_place(book, block, peer_name(ind.code, other), name)
            _take(book, reading, peer_name(ind.code, other), inp, ind, place)


def verify_and_extract(campaign: Campaign, book: RawBook) -> Reading:
    """Identify the form, verify it, and (when it passes) extract and validate every value."""
    reading = Reading()
    if book.duplicates:  # which of two copies holds the values cannot be known
        reading.issues.append(make_issue("duplicate-definition", detail=", ".join(book.duplicates[:5])))
        return reading
    if _identify(campaign, book, reading) and _verify_structure(campaign, book, reading):
        if reading.kind == KIND_PEER:
            _extract_peer(campaign, book, reading)
        else:
            _extract_member(campaign, book, reading)
    return reading
