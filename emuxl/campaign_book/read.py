"""campaign.xlsx read back into the shape of campaign.yaml and indicators.yaml, with the cell of every key path.

The reader only turns cells into values (a notation it cannot parse is a
problem at its cell); every rule is then checked by definitions.py exactly as
for YAML, and each problem it finds is placed back at its cell:
``Tiêu chí!E7 (A05): «Điểm» must be a number, not «năm mươi»``. Rows are found
by their «Khóa» (in «Cụm») and columns by their header, so rows may be
inserted, deleted or moved and columns reordered.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..definitions import Said
from ..errors import Problem
from ..i18n import _
from ..methods import METHODS
from .labels import CLUSTER_SHEET, INDICATORS_SHEET, MEMBERS_SHEET, SECTIONS_SHEET
from .layout import SECTION_KEY, Column, Row, cluster_rows, indicator_columns, member_columns, section_columns
from .notation import MISSING, NotationError, same
from .write import CLUSTER_COLUMNS

KEY_PATH = re.compile(r"\b(?:members|sections)\[\d+\](?:\.indicators\[\d+\])?")  # in definitions' messages
SHEET_ORDER = (CLUSTER_SHEET, MEMBERS_SHEET, SECTIONS_SHEET, INDICATORS_SHEET)
HEADER_SCAN = 10  # the header is looked for in the first rows of a sheet

Loc = tuple[Any, ...]


@dataclass(frozen=True)
class Where:
    """A cell of the workbook and the words that name it in a message."""

    sheet: str
    row: int  # 1-based, as Excel shows it
    col: int  # 1-based; 0: the whole row
    subject: str  # the column's or the row's label: «Điểm»
    name: str = ""  # the row: its code or label (A05, Long An)

    @property
    def ref(self) -> str:
        """Tiêu chí!E7 (A05)."""
        cell = f"{get_column_letter(self.col)}{self.row}" if self.col else str(self.row)
        return f"{self.sheet}!{cell}" + (f" ({self.name})" if self.name else "")

    @property
    def order(self) -> tuple[int, int, int]:
        """Where the cell comes in reading order: sheet, row, column."""
        sheet = SHEET_ORDER.index(self.sheet) if self.sheet in SHEET_ORDER else len(SHEET_ORDER)
        return sheet, self.row, self.col


class BookSource:
    """One file's worth of data read from the workbook (campaign or catalogue), and the cell of each key path.

    It stands where definitions.py's YAML source stands: ``data``, ``problems``,
    ``add(loc, message)`` and ``order``.
    """

    def __init__(self, name: str):
        self.name = name
        self.data: dict[str, Any] = {}
        self.opened = True  # False when the workbook could not be opened: there is nothing to check
        self.problems: list[Problem] = []
        self.cells: dict[Loc, Where] = {}
        self.reported: set[Loc] = set()
        self._order: dict[Problem, tuple[int, int, int]] = {}

    def where(self, loc: Loc) -> Where | None:
        """The cell of a key path, of its nearest parent that has one, or of its first child."""
        probe = loc
        while probe and probe not in self.cells:
            probe = probe[:-1]
        if probe in self.cells:
            return self.cells[probe]
        children = [w for k, w in self.cells.items() if k[: len(loc)] == loc]
        return min(children, key=lambda w: w.order) if children else None

    def add(self, loc: Loc, message: str, at: Where | None = None) -> None:
        """Record a problem at a key path, in Excel terms; nothing twice for a cell already reported."""
        if any(loc[:n] in self.reported for n in range(1, len(loc) + 1)):
            return
        where = at or self.where(loc)
        text = KEY_PATH.sub(self._cell_of_path, _in_excel_terms(message, where, loc))
        problem = Problem(self.name, where.ref if where else "", text)
        self.problems.append(problem)
        self._order.setdefault(problem, where.order if where else (-1, 0, 0))

    def _cell_of_path(self, match: re.Match[str]) -> str:
        """A key path quoted in a message (``members[0]``), as the cell of its row."""
        loc = tuple(int(p) if p.isdigit() else p for p in re.findall(r"\w+", match.group(0)))
        where = self.cells.get(loc)
        return where.ref if where else match.group(0)

    def report(self, loc: Loc, message: str, at: Where | None = None) -> None:
        """Record a problem the reader found, and keep later ones at the same key path quiet."""
        self.add(loc, message, at)
        self.reported.add(loc)

    def order(self, problem: Problem) -> tuple[int, int, int]:
        """Sort key of a problem: sheet, row, column."""
        return self._order.get(problem, (-1, 0, 0))


def _in_excel_terms(message: str, where: Where | None, loc: Loc) -> str:
    """definitions.py's message for a YAML key, said of a cell."""
    subject = f"«{where.subject}»" if where and where.subject else _("this value")
    kind = message.kind if isinstance(message, Said) else ""
    if kind == "missing" or (not kind and message.startswith("missing required key")):
        return _("{subject} is empty; fill it in").format(subject=subject)
    if kind == "too_short" or (not kind and message.startswith("List should have at least")):
        if loc == ("members",):
            return _("at least 2 members are needed; add a row per member in «{sheet}» (Mã, Tên)").format(
                sheet=MEMBERS_SHEET
            )
        if loc == ("sections",):
            return _("no sections yet; add a row per section in «{sheet}» (A, B …)").format(sheet=SECTIONS_SHEET)
        if len(loc) == 3 and loc[0] == "sections" and loc[2] == "indicators":
            return _("this section has no indicators; add rows in «{sheet}» with this section in «Phần»").format(
                sheet=INDICATORS_SHEET
            )
    said = message.of(subject) if isinstance(message, Said) else None
    if said is not None:
        return said
    if message.startswith("must be ") or message.startswith("has an item"):  # a plugin's own words
        return f"{subject} {message}"
    if message.startswith("Input should be"):
        return f"{subject} should be{message.removeprefix('Input should be')}"
    return str(message)


# ------------------------------------------------------------------ opening the workbook


def _open(path: Path, source: BookSource) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops (x14 validations)
            return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        message = _("not a readable .xlsx workbook ({error}); save it in Excel as «Excel Workbook (.xlsx)»")
        source.problems.append(Problem(source.name, "", message.format(error=e)))
        return None


def _sheet(book: Any, name: str, source: BookSource) -> Worksheet | None:
    for ws in book.worksheets:
        if same(ws.title, name):
            return ws
    sheets = ", ".join(f"«{ws.title}»" for ws in book.worksheets)
    source.problems.append(
        Problem(source.name, "", _("no sheet «{name}»; sheets are {sheets}").format(name=name, sheets=sheets))
    )
    return None


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""


def _set(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _near(text: str, known: Iterable[str]) -> str | None:
    """The known label a text most likely means, or None."""
    known = list(known)
    folded = {k.casefold(): k for k in known}
    near = difflib.get_close_matches(text.casefold(), list(folded), n=1, cutoff=0.5)
    near += [k for k in folded if text.casefold() and (text.casefold() in k or k in text.casefold())]
    return folded[near[0]] if near else None


# ------------------------------------------------------------------ «Cụm»


def _read_cluster(ws: Worksheet, camp: BookSource, cat: BookSource) -> None:
    rows = cluster_rows()
    by_key = {r.key: r for r in rows}
    by_label = {unicodedata.normalize("NFC", r.label).casefold(): r for r in rows}
    header, columns = _cluster_header(ws)
    label_col, value_col, key_col = (columns.get(h) for h in CLUSTER_COLUMNS[:2] + CLUSTER_COLUMNS[3:])
    if value_col is None:
        message = _("no «{column}» column in «{sheet}»; put the header back in row {row}")
        camp.add((), message.format(column=CLUSTER_COLUMNS[1], sheet=ws.title, row=header))
        return
    seen: dict[str, int] = {}
    for r in range(header + 1, ws.max_row + 1):
        key = _text(ws.cell(r, key_col).value) if key_col else ""
        text = _text(ws.cell(r, label_col).value) if label_col else ""
        raw = ws.cell(r, value_col).value
        row = by_key.get(key) or by_label.get(text.casefold())
        if row is None:
            if raw not in (None, "") or key:
                where = Where(ws.title, r, value_col, text or key)
                near = _near(key or text, by_key if key else [x.label for x in rows])
                if near is None:
                    message = _("unknown row «{row}»; delete the row or fix its «{column}»")
                else:
                    message = _("unknown row «{row}»; did you mean «{near}»? delete the row or fix its «{column}»")
                camp.add((), message.format(row=key or text, near=near, column=CLUSTER_COLUMNS[3]), where)
            continue
        source = camp if row.target == "campaign" else cat
        where = Where(ws.title, r, value_col, row.label)
        loc = row.path
        if row.key in seen:
            source.report(loc, _("this row repeats row {row}; delete one of them").format(row=seen[row.key]), where)
            continue
        seen[row.key] = r
        source.cells[loc] = where
        if row.codec is None:
            continue
        _read_value(source, loc, row, raw, where)


def _cluster_header(ws: Worksheet) -> tuple[int, dict[str, int]]:
    for r in range(1, min(ws.max_row, HEADER_SCAN) + 1):
        found = {
            h: c for c in range(1, ws.max_column + 1) for h in CLUSTER_COLUMNS if same(_text(ws.cell(r, c).value), h)
        }
        if len(found) >= 2:
            return r, found
    return 3, {h: n + 1 for n, h in enumerate(CLUSTER_COLUMNS)}


def _read_value(source: BookSource, loc: Loc, row: Row, raw: Any, where: Where) -> None:
    assert row.codec is not None
    try:
        value = row.codec.read(raw)
    except NotationError as e:
        source.report(loc, f"«{row.label}» {e}", where)
        return
    if value is not MISSING:
        _set(source.data, loc, value)


# ------------------------------------------------------------------ table sheets


@dataclass
class _Table:
    """A table sheet's header row and which column holds which key."""

    ws: Worksheet
    header: int
    columns: dict[str, int]  # key -> 1-based column
    specs: dict[str, Column]

    def rows(self) -> Iterable[int]:
        """The data rows: after the header, not blank in every known column."""
        for r in range(self.header + 1, self.ws.max_row + 1):
            if any(_text(self.ws.cell(r, c).value) for c in self.columns.values()):
                yield r

    def cell(self, r: int, key: str) -> Any:
        """The raw value in row r of the column of a key (None when the sheet has no such column)."""
        col = self.columns.get(key)
        return self.ws.cell(r, col).value if col else None

    def where(self, r: int, key: str, name: str) -> Where:
        """The cell of a key in row r, or the row itself when the column is missing."""
        return Where(self.ws.title, r, self.columns.get(key, 0), self.specs[key].label, name)


def _table(ws: Worksheet, specs: list[Column], source: BookSource) -> _Table | None:
    by_name = {}
    for spec in specs:
        by_name[unicodedata.normalize("NFC", spec.label).casefold()] = spec
        by_name.setdefault(spec.key.casefold(), spec)
    best: tuple[int, dict[str, int], list[tuple[int, str]]] | None = None
    for r in range(1, min(ws.max_row, HEADER_SCAN) + 1):
        found: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        for c in range(1, ws.max_column + 1):
            head = _text(ws.cell(r, c).value).split("\n")[0].strip()
            match = by_name.get(head.casefold())
            if match is not None:
                found.setdefault(match.key, c)
            elif head:
                unknown.append((c, head))
        if len(found) >= min(2, len(specs)) and (best is None or len(found) > len(best[1])):
            best = (r, found, unknown)
    if best is None:
        message = _("no header row in «{sheet}» (the row with «{first}», «{second}» …); put it back")
        source.add((), message.format(sheet=ws.title, first=specs[0].label, second=specs[1].label))
        return None
    header, found, unknown = best
    for c, head in unknown:
        where = Where(ws.title, header, c, head)
        near = _near(head, [s.label for s in specs])
        if near is None:
            message = _("unknown column «{column}»; delete it or fix its header")
        else:
            message = _("unknown column «{column}»; did you mean «{near}»? delete it or fix its header")
        source.add((), message.format(column=head, near=near), where)
    missing = [s for s in specs if s.required and s.key not in found]
    for spec in missing:
        where = Where(ws.title, header, 0, spec.label)
        source.add(
            (), _("no «{column}» column; put its header back in row {row}").format(column=spec.label, row=header), where
        )
    return None if missing else _Table(ws, header, found, {s.key: s for s in specs})


def _read_cells(
    source: BookSource, table: _Table, r: int, specs: Iterable[Column], loc: Loc, name: str
) -> dict[str, Any]:
    """The values of a row's cells for some columns, each cell's place registered at ``loc + (key,)``."""
    item: dict[str, Any] = {}
    for spec in specs:
        where = table.where(r, spec.key, name)
        source.cells[loc + (spec.key,)] = where
        try:
            value = spec.codec.read(table.cell(r, spec.key))
        except NotationError as e:
            source.report(loc + (spec.key,), f"«{spec.label}» {e}", where)
            continue
        if value is not MISSING:
            item[spec.key] = value
    return item


def _name(table: _Table, r: int, *keys: str) -> str:
    for key in keys:
        text = _text(table.cell(r, key))
        if text:
            return text.removesuffix(".0")
    return ""


def _read_members(ws: Worksheet, source: BookSource) -> None:
    specs = member_columns()
    table = _table(ws, specs, source)
    source.cells[("members",)] = Where(ws.title, (table.header if table else 3) + 1, 1, "")
    if table is None:
        source.reported.add(("members",))
        return
    members: list[dict[str, Any]] = []
    for r in table.rows():
        loc = ("members", len(members))
        name = _name(table, r, "name", "code")
        source.cells[loc] = Where(ws.title, r, 1, "", name)
        members.append(_read_cells(source, table, r, specs, loc, name))
    source.data["members"] = members


def _read_catalogue(sections_ws: Worksheet, indicators_ws: Worksheet, source: BookSource) -> None:
    section_specs = section_columns()
    sections_table = _table(sections_ws, section_specs, source)
    first = (sections_table.header if sections_table else 3) + 1
    source.cells[("sections",)] = Where(sections_ws.title, first, 1, "")
    specs = indicator_columns()
    table = _table(indicators_ws, specs, source)
    if sections_table is None or table is None:
        source.reported.add(("sections",))
        return
    sections: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for r in sections_table.rows():
        loc: Loc = ("sections", len(sections))
        name = _name(sections_table, r, "code", "title")
        source.cells[loc] = Where(sections_ws.title, r, 1, "", name)
        section = _read_cells(source, sections_table, r, section_specs, loc, name)
        if isinstance(section.get("code"), str):
            index.setdefault(section["code"], len(sections))
        section["indicators"] = []
        source.cells[loc + ("indicators",)] = Where(sections_ws.title, r, 1, "", name)
        sections.append(section)
    source.data["sections"] = sections
    plain = [s for s in specs if not s.params and s.key not in (SECTION_KEY, "method")]
    method_spec = next(s for s in specs if s.key == "method")
    params = [s for s in specs if s.params]
    for r in table.rows():
        name = _name(table, r, "code", "title") or f"dòng {r}"
        code = _text(table.cell(r, SECTION_KEY)).removesuffix(".0")
        where = table.where(r, SECTION_KEY, name)
        if code not in index:
            if code and index:
                message = _("section «{code}» is not in «{sheet}»; choose one of: {known}")
            elif code:
                message = _("section «{code}» is not in «{sheet}»; choose one of: none yet: add them in «{sheet}»")
            elif index:
                message = _("«Phần» is empty; choose one of: {known}")
            else:
                message = _("«Phần» is empty; choose one of: none yet: add them in «{sheet}»")
            source.add((), message.format(code=code, sheet=SECTIONS_SHEET, known=", ".join(index)), where)
            continue
        si = index[code]
        loc = ("sections", si, "indicators", len(sections[si]["indicators"]))
        source.cells[loc] = Where(indicators_ws.title, r, table.columns.get("code", 1), "", name)
        indicator = _read_cells(source, table, r, plain, loc, name)
        method = _read_method(source, table, r, method_spec, loc, name)
        if method is not None:
            indicator["method"] = method
            values = _read_params(source, table, r, params, method, loc, name)
            if values:
                indicator["params"] = values
        sections[si]["indicators"].append(indicator)


def _read_method(source: BookSource, table: _Table, r: int, spec: Column, loc: Loc, name: str) -> str | None:
    where = table.where(r, "method", name)
    source.cells[loc + ("method",)] = where
    text = _text(table.cell(r, "method"))
    if not text:
        return None  # definitions.py says it is missing
    for method in METHODS.values():
        if same(text, method.title) or same(text, method.name):
            return method.name
    near = _near(text, [m.title for m in METHODS.values()])
    if near is None:
        message = _("unknown scoring method «{method}»; choose one from the list (sheet «Phương pháp»)")
    else:
        message = _(
            "unknown scoring method «{method}»; did you mean «{near}»? choose one from the list (sheet «Phương pháp»)"
        )
    source.report(loc + ("method",), message.format(method=text, near=near), where)
    return None


def _read_params(
    source: BookSource, table: _Table, r: int, specs: Sequence[Column], method: str, loc: Loc, name: str
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    title = METHODS[method].title
    for spec in specs:
        key = spec.params.get(method)
        raw = table.cell(r, spec.key)
        where = table.where(r, spec.key, name)
        if key is None:
            if _text(raw):
                message = _("«{label}» is not a parameter of «{method}»; clear this cell")
                source.add(loc + ("params",), message.format(label=spec.label, method=title), where)
            continue
        ploc = loc + ("params", key)
        source.cells[ploc] = where
        try:
            value = spec.codec.read(raw)
        except NotationError as e:
            source.report(ploc, f"«{spec.label}» {e}", where)
            continue
        if value is not MISSING:
            values[key] = value
    return values


# ------------------------------------------------------------------ the entry point


def read_book(path: Path, *, catalogue_only: bool = False) -> tuple[BookSource, BookSource]:
    """The campaign and catalogue data a workbook holds, as two sources definitions.py validates.

    With ``catalogue_only`` (a catalogue workbook named by campaign.yaml), only
    «Phần», «Tiêu chí» and the catalogue's rows of «Cụm» are read.
    """
    camp, cat = BookSource(path.name), BookSource(path.name)
    book = _open(path, cat if catalogue_only else camp)
    if book is None:
        camp.opened = cat.opened = False
        return camp, cat
    if not catalogue_only:
        cluster = _sheet(book, CLUSTER_SHEET, camp)
        if cluster is not None:
            _read_cluster(cluster, camp, cat)
        members = _sheet(book, MEMBERS_SHEET, camp)
        if members is not None:
            _read_members(members, camp)
    elif any(same(ws.title, CLUSTER_SHEET) for ws in book.worksheets):
        cluster = _sheet(book, CLUSTER_SHEET, cat)
        assert cluster is not None
        _read_cluster(cluster, BookSource(path.name), cat)
    sections, indicators = _sheet(book, SECTIONS_SHEET, cat), _sheet(book, INDICATORS_SHEET, cat)
    if sections is not None and indicators is not None:
        _read_catalogue(sections, indicators, cat)
    return camp, cat
