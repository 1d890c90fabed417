"""Identify a returned form, verify it is the campaign's untouched form, and extract its values by name.

No single mark is trusted: the metadata sheet says whose form it is, the
heading must agree, and the definition cells actually in the file must give
the catalogue's fingerprint.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

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

T = TypeVar("T")
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
    the next section or indicator title (0: none after it). Worked out once per shape of names."""
    key = ("blocks", sheet)
    if key not in book.shape:
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
        book.shape[key] = blocks
    return book.shape[key]


def _block(book: RawBook, code: str, sheet: str) -> tuple[int, int] | None:
    """The rows of an indicator's block on a sheet (see ``_blocks``), or None when its title is not there."""
    return _blocks(book, sheet).get(code)


def _shown_place(where: tuple[str, str] | None) -> str:
    return f"ô {where[1]} trang «{where[0]}»" if where else "không ô nào"


def _row_cells(book: RawBook, name: str, columns: dict[str, tuple[int, str, float]]) -> dict[str, Cell | None] | None:
    key = (name, columns is PEER_COLUMNS)
    if key not in book.memo:
        refs = _row_refs(book, name, columns is PEER_COLUMNS)
        book.memo[key] = None if refs is None else {k: book.cell(refs[0], ref) for k, ref in refs[1].items()}
    return book.memo[key]


def _row_refs(book: RawBook, name: str, peer: bool) -> tuple[str, dict[str, str]] | None:
    """The sheet and cells (code, title, unit … by field) of the definition row a title name points at."""
    key = ("row", name, peer)
    if key not in book.shape:
        found = book.ref(name)
        if found is None:
            book.shape[key] = None
        else:
            row = row_number(found[1])
            book.shape[key] = (found[0], {field: letters + row for field, letters in ROW_LETTERS[peer]})
    return book.shape[key]


def _shown(cell: Cell | None) -> object:
    if cell is None or cell.value is None:
        return ""
    return float(cell.value) if cell.kind == "n" else nfc(str(cell.value))


def _title_rows(book: RawBook) -> list[tuple[str, str]]:
    """The section and indicator title names of the form, top to bottom, as (kind letter, code)."""
    if "titles" not in book.shape:
        rows: list[tuple[int, str, str]] = []
        for name in book.names:
            if name.startswith(("s_", "d_")):
                where = book.ref(name)
                if where:
                    rows.append((int(row_number(where[1])), name[:1], name[2:]))
        book.shape["titles"] = [(kind, code) for _row, kind, code in sorted(rows)]
    return book.shape["titles"]


def _file_fingerprint(campaign: Campaign, book: RawBook) -> str:
    """The fingerprint of the catalogue the file's own definition cells show."""

    def shown_at(where: _Where) -> object:
        return _shown(book.cell(*where) if where else None)

    expected = _shaped(book, "definitions", campaign, lambda: _definition_cells(campaign, book))
    if expected is not None and all(shown_at(where) == want for where, want in expected):
        return campaign.catalogue.fingerprint  # the usual case: the catalogue's own definitions, where names say
    return shown_fingerprint(_shown_catalogue(book, shown_at))


_Where = tuple[str, str] | None  # (sheet, "B12"), None: no such cell


def _shown_catalogue(book: RawBook, show: Callable[[_Where], Any]) -> list[list[Any]]:
    """The catalogue as the file's definition rows show it: [section code, title, [[code, title, unit, points,
    rule], …]] for each section, top to bottom; each field as ``show`` gives it from its cell."""
    shown: list[list[Any]] = []
    for kind, code in _title_rows(book):
        refs = _row_refs(book, f"{kind}_{code}", False)
        keys = ("title",) if kind == "s" else ("title", "unit", "points", "rule")
        fields = [show((refs[0], refs[1][key]) if refs else None) for key in keys]
        if kind == "s":
            shown.append([code, fields[0], []])
        elif shown:
            shown[-1][2].append([code, *fields])
    return shown


def _definition_cells(campaign: Campaign, book: RawBook) -> list[tuple[_Where, Any]] | None:
    """Each definition cell the catalogue's fingerprint depends on, with what it must show; None when the
    names' sections and indicators are not the catalogue's own (the fingerprint then differs anyway)."""
    where = _shown_catalogue(book, lambda place: place)
    want = campaign.catalogue.shown
    codes = lambda shown: [(s[0], [i[0] for i in s[2]]) for s in shown]  # noqa: E731
    if codes(where) != codes(want):
        return None
    pairs: list[tuple[_Where, Any]] = []
    for got, section in zip(where, want, strict=True):
        pairs.append((got[1], section[1]))
        for got_row, row in zip(got[2], section[2], strict=True):
            pairs += zip(got_row[1:], row[1:], strict=True)
    return pairs


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


def _shaped(book: RawBook, what: str, campaign: Campaign, make: Callable[[], T]) -> T:
    """``make()``, worked out once per campaign for every workbook whose names are written alike."""
    key = (what, id(campaign))
    kept = book.shape.get(key)
    if kept is None or kept[0] is not campaign:  # kept[0]: no other campaign at a reused id
        kept = book.shape[key] = (campaign, make())
    return kept[1]


def _misplaced_definitions(campaign: Campaign, book: RawBook, peer: bool) -> list[Issue]:
    """Section and indicator title names that are gone (their row deleted) or point off the form's title column."""
    return list(_shaped(book, f"misplaced {peer}", campaign, lambda: _find_misplaced(campaign, book, peer)))


def _find_misplaced(campaign: Campaign, book: RawBook, peer: bool) -> list[Issue]:
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


class _Slot(NamedTuple):
    """One input of a form as the workbook's names place it: worked out once per campaign and shape of names."""

    name: str
    inp: Input
    where: Where | None  # None: the name is missing or broken
    misplaced: str | None  # where the name points, said, when that is not the input's place


def _slot(book: RawBook, name: str, inp: Input, code: str, place: Place | None) -> _Slot:
    found = book.ref(name)
    if found is None:
        return _Slot(name, inp, None, None)
    misplaced = None if place is not None and place.holds(found) else _shown_place(found)
    return _Slot(name, inp, Where(found[0], found[1], code, inp.name), misplaced)


def _take(book: RawBook, reading: Reading, slot: _Slot, ind: Indicator) -> Value:
    """Read, check and keep one input, from the cell its name points at if that is where the form put it."""
    where, inp = slot.where, slot.inp
    if where is None:
        reading.issues.append(make_issue("broken-name", indicator=ind.code, field=slot.name))
        return None
    sheet, cell = where.sheet, where.cell
    if slot.misplaced is not None:
        issue = make_issue("misplaced-name", detail=slot.misplaced, label=inp.label, name=slot.name, **where._asdict())
        reading.issues.append(issue)
        return None
    span = book.merged_over(sheet, cell)
    if span:
        reading.issues.append(make_issue("merged-input", detail=span, **where._asdict()))
        return None
    content = book.cell(sheet, cell)
    if content is not None and content.kind == MALFORMED:
        reading.issues.append(make_issue("malformed-number", raw=str(content.value)[:100], **where._asdict()))
        reading.values.append((ind.code, inp.name, sheet, cell, str(content.value), None, None))
        return None
    value: Value
    if inp.name == "note":
        value, issues = check_note(content, where)
    else:
        value, issues = check_value(content, inp, ind, where)
    if issues:
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


class _IndicatorPlan(NamedTuple):
    """An indicator's inputs and evidence note on a member form, and the cell of the form's own score of it."""

    ind: Indicator
    slots: list[_Slot]
    note: _Slot
    self_cell: _Where


_MemberPlan = list[_IndicatorPlan]


def _member_plan(campaign: Campaign, book: RawBook) -> _MemberPlan:
    """Every input of a member form, placed by the workbook's names."""
    plan = []
    for ind in campaign.catalogue.indicators:
        block = _block(book, ind.code, SCORE_SHEET)
        slots = []
        for inp in ind.inputs:
            place = _input_place(block, _col_letter(COLUMNS[inp.column][0]), inp.row)
            slots.append(_slot(book, input_name(ind.code, inp.name), inp, ind.code, place))
        note_place = _input_place(block, _col_letter(COLUMNS["note"][0]), 0)
        note = _slot(book, input_name(ind.code, "note"), NOTE, ind.code, note_place)
        refs = _row_refs(book, title_name(ind.code), False)
        plan.append(_IndicatorPlan(ind, slots, note, (refs[0], refs[1]["self"]) if refs else None))
    return plan


def _extract_member(campaign: Campaign, book: RawBook, reading: Reading) -> None:
    for ind, slots, note, self_cell in _shaped(book, "member", campaign, lambda: _member_plan(campaign, book)):
        got: dict[str, Value] = {slot.inp.name: _take(book, reading, slot, ind) for slot in slots}
        _take(book, reading, note, ind)
        if self_cell is not None:
            _check_self_score(reading, ind, got, book.cell(*self_cell), self_cell[1])
        for warning in ind.spec.plausible(got, ind.settings):
            cells = {slot.inp.name: (slot.where.cell if slot.where else "") for slot in slots}
            cell = cells.get("actual") or next(iter(cells.values()), "")
            reading.issues.append(
                make_issue("implausible-value", sheet=SCORE_SHEET, cell=cell, indicator=ind.code, detail=warning)
            )


def _check_self_score(
    reading: Reading, ind: Indicator, values: dict[str, Value], cached: Cell | None, cell: str
) -> None:
    """A warning when the self-score the form's formula computed is not what emuxl computes from its inputs."""
    if cached is None or cached.kind != "n" or cached.formula is None:
        return  # no value computed by the form's formula (emuxl and openpyxl write none): nothing to compare
    expected = self_score(ind, values)  # scored only when there is a cached value to compare it with
    if expected is None:
        return
    if abs(float(cached.value) - expected) > SELF_TOLERANCE:  # type: ignore[arg-type]
        reading.issues.append(
            make_issue(
                "self-score-differs",
                sheet=SCORE_SHEET,
                cell=cell,
                indicator=ind.code,
                found=fixed(float(cached.value)),  # type: ignore[arg-type]
                expected=fixed(expected),
            )
        )


def _peer_place(book: RawBook, block: tuple[int, int] | None, where: tuple[str, str], member: str) -> Place | None:
    """Where a peer score belongs: the score column of the row, in its criterion's block, naming that member."""
    if block is None or cell_address(where[1]) is None:
        return None
    row = row_number(where[1])
    shown = book.cell(PEER_SHEET, LETTERS[PEER_COLUMNS["member"][0]] + row)
    if shown is None or shown.value != member:
        return None  # the row of another member, or of none
    return Place(PEER_SHEET, LETTERS[PEER_COLUMNS["score"][0]], block[0] + 1, block[1])


_PeerPlan = list[tuple[Indicator, tuple[int, int] | None, list[tuple[str, str, _Slot]]]]  # (code, name, slot)


def _peer_plan(campaign: Campaign, book: RawBook) -> _PeerPlan:
    """Every score a peer form may hold, by the workbook's names; whether each is in its place is read per file."""
    plan = []
    for ind in campaign.catalogue.peer_indicators:
        block = _block(book, ind.code, PEER_SHEET)
        slots = []
        for other in campaign.member_codes:
            name = campaign.member(other).name
            inp = Input(other, f"Điểm chấm cho {name}", "self")
            slots.append((other, name, _slot(book, peer_name(ind.code, other), inp, ind.code, None)))
        plan.append((ind, block, slots))
    return plan


def _extract_peer(campaign: Campaign, book: RawBook, reading: Reading) -> None:
    for ind, block, slots in _shaped(book, "peer", campaign, lambda: _peer_plan(campaign, book)):
        for other, name, slot in slots:
            if other == reading.member:
                continue  # no member scores itself
            if slot.where is not None:  # the row must name that member, in its criterion's block
                found = (slot.where.sheet, slot.where.cell)
                place = _peer_place(book, block, found, name)
                if place is not None and place.holds(found):
                    slot = slot._replace(misplaced=None)
                else:
                    slot = slot._replace(misplaced=_shown_place(found))
            _take(book, reading, slot, ind)


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
