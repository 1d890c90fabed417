"""Reading a returned workbook's XML into plain data, inside an isolated worker.

Only what intake needs is read: sheets and their visibility, workbook-level
defined names, every cell of the visible form sheets and the metadata sheet
with its type, formula and date-ness, merged ranges, and the save time. The
XML parser is lxml's, locked down (no DTD, no entities, no network), and
only after ``read_parts`` has refused any DTD or entity declaration.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from posixpath import join, normpath
from string import ascii_uppercase
from typing import Any, NamedTuple, TypeVar
from zipfile import ZipFile

from lxml import etree

from .issues import Issue, file_issue
from .sniff import read_parts

# read_parts has already refused any DTD; the parser is locked down all the same.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


T = TypeVar("T")


def _parse(xml: bytes) -> Any:
    """Parse one XML part (no DTD, no entities, no network)."""
    return etree.fromstring(xml, _PARSER)


NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
}
M = "{" + NS["m"] + "}"
C_TAG, F_TAG, V_TAG, IS_TAG, T_TAG = f"{M}c", f"{M}f", f"{M}v", f"{M}is", f"{M}t"
DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
PERCENT_FORMAT_IDS = {9, 10}  # 0% and 0.00%
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
NAME_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!:\s]+))!\$([A-Z]{1,3})\$([0-9]{1,7})$")  # 'Sheet'!$B$12


# A number as Excel writes and reads it in a cell's <v> (xsd:double without leading or trailing blanks);
# Python's float() also takes " 12", "1_000", "١٢" and "infinity", which Excel refuses as a damaged file.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
SPECIAL_NUMBERS = {"NaN": math.nan, "INF": math.inf, "-INF": -math.inf}  # xsd:double's own words
MALFORMED = "x"  # the kind of a number cell whose <v> is not a number: an error, never a number


class Cell(NamedTuple):
    """One cell as stored: its value, type letter, formula text and whether it is shown as a date."""

    value: float | str | bool | None
    kind: str  # n number, s text, b boolean, e error, d date, x malformed number, "" empty
    formula: str | None = None
    is_date: bool = False
    is_percent: bool = False  # shown with a percent format: 0,765 shows as 76,5%


@dataclass
class RawBook:
    """What a returned workbook holds, as plain data."""

    sheets: dict[str, str] = field(default_factory=dict)  # name -> state (visible, hidden, veryHidden)
    names: dict[str, str] = field(default_factory=dict)  # workbook-level name -> reference text (shared: read only)
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)  # sheet -> "B12" -> cell
    merged: dict[str, list[str]] = field(default_factory=dict)  # sheet -> ["A1:C1", …]
    modified: str = ""  # dcterms:modified of the core properties
    duplicates: list[str] = field(default_factory=list)  # what the workbook defines twice (names, sheets)
    _refs: dict[str, tuple[str, str] | None] = field(default_factory=dict, repr=False)
    _spans: dict[str, dict[str, list[Span]]] = field(default_factory=dict, repr=False)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)  # derived lookups, per reader
    shape: dict[Any, Any] = field(default_factory=dict, repr=False)  # what derives from names alone, shared

    def cell(self, sheet: str, ref: str) -> Cell | None:
        """The cell at a plain reference ("B12") of a read sheet, or None when it is empty or not there."""
        cells = self.cells.get(sheet)
        return cells.get(ref) if cells is not None else None

    def ref(self, name: str) -> tuple[str, str] | None:
        """Where a defined name points: (sheet, "B12"), or None when missing or broken."""
        if name not in self._refs:
            text = self.names.get(name)
            self._refs[name] = split_ref(text) if text else None
        return self._refs[name]

    def merged_over(self, sheet: str, cell: str) -> str | None:
        """The merged range covering a cell, if any."""
        if sheet not in self._spans:
            self._spans[sheet] = _spans_by_row(self.merged.get(sheet, []))
        index = self._spans[sheet]
        if not index:
            return None
        address = cell_address(cell)
        if address is None:
            return None
        spans = index.get(address[2], []) + index.get(TALL, [])
        if not spans:
            return None
        col, row = column_number(address[1]), int(address[2])
        return next((t for c1, r1, c2, r2, t in spans if c1 <= col <= c2 and r1 <= row <= r2), None)


Span = tuple[int, int, int, int, str]  # first column, first row, last column, last row, "A1:C2"
TALL = ""  # the key of merged ranges too tall to index row by row
TALL_ROWS = 1000


def _spans_by_row(ranges: list[str]) -> dict[str, list[Span]]:
    """Merged ranges indexed by each row they cover (ranges over many rows under ``TALL``)."""
    index: dict[str, list[Span]] = {}
    for text in ranges:
        ends = [cell_address(x) for x in text.split(":")]
        if len(ends) != 2 or ends[0] is None or ends[1] is None:
            continue
        (c1, r1), (c2, r2) = ((column_number(e[1]), int(e[2])) for e in ends)  # type: ignore[index]
        span = (c1, r1, c2, r2, text)
        for row in [str(r) for r in range(r1, r2 + 1)] if r2 - r1 < TALL_ROWS else [TALL]:
            index.setdefault(row, []).append(span)
    return index


@lru_cache(maxsize=1 << 16)
def cell_address(ref: str) -> tuple[str, str, str] | None:
    """A cell reference as ("B12", "B", "12"), from ``B12``, ``b12`` or ``$B$12``; None when it is not one."""
    m = CELL_REF.match(ref.upper())
    return (m.group(1) + m.group(2), m.group(1), m.group(2)) if m else None


def row_number(ref: str) -> str:
    """The row part of a plain cell reference ("B12" -> "12")."""
    return ref.lstrip(ascii_uppercase)


def column_number(letters: str) -> int:
    """A column's number from its letters (A -> 1, XFD -> 16384)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _text(el: Any) -> str:
    """A string item's text: its own <t> or its rich-text runs, never the phonetic guide."""
    if len(el) == 1 and el[0].tag == T_TAG:  # the usual case: one plain <t>
        return _unescape(el[0].text or "")
    direct = el.find(f"{M}t")
    parts = [direct.text or ""] if direct is not None else []
    return _unescape("".join(parts + [t.text or "" for t in el.findall(f"{M}r/{M}t")]))


def _unescape(text: str) -> str:
    """Undo OOXML's ``_xHHHH_`` escapes of characters XML cannot hold."""
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _shared_strings(xml: bytes | None) -> list[str]:
    if not xml:
        return []
    root = _parse(xml)
    return [_text(si) for si in root.findall("m:si", NS)]


class Styles(NamedTuple):
    """The style numbers (as written in ``s="…"``) whose number format shows a date or time, or a percentage."""

    dates: frozenset[str] = frozenset()
    percents: frozenset[str] = frozenset()


def _number_styles(xml: bytes | None) -> Styles:
    """The date and percent styles of a styles part (remembered for parts seen before)."""
    return _remembered(_styles_kinds, xml) if xml else Styles()


@lru_cache(maxsize=4)  # files from one campaign mostly share their styles part byte for byte
def _styles_kinds(xml: bytes) -> Styles:
    """The style numbers whose number format shows a date or time, and those that show a percentage."""
    root = _parse(xml)
    dates, percents = {}, {}
    for nf in root.findall("m:numFmts/m:numFmt", NS):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", nf.get("formatCode", "")).lower()
        fid = int(nf.get("numFmtId", "0"))
        dates[fid] = not re.search(r"[0#?]", code) and bool(re.search(r"[dmyhs]", code))
        percents[fid] = "%" in code
    date_styles, percent_styles = set(), set()
    for index, xf in enumerate(root.findall("m:cellXfs/m:xf", NS)):
        fid = int(xf.get("numFmtId", "0"))
        if fid in DATE_FORMAT_IDS or dates.get(fid, False):
            date_styles.add(str(index))
        elif fid in PERCENT_FORMAT_IDS or percents.get(fid, False):
            percent_styles.add(str(index))
    return Styles(frozenset(date_styles), frozenset(percent_styles))


def _cell(
    kind: str,
    raw: str | None,
    formula: str | None,
    inline: Any,
    is_date: bool,
    strings: list[str],
    percent: bool = False,
) -> Cell:
    """A cell from its type letter, ``<v>`` text, formula text and inline string."""
    if kind == "s" and raw is not None:
        index = int(raw)
        return Cell(strings[index] if 0 <= index < len(strings) else "", "s", formula)
    if kind == "inlineStr":
        return Cell(_text(inline) if inline is not None else "", "s", formula)
    if raw is None:
        return Cell(None, "", formula, is_date)
    if kind == "n":
        if NUMBER.fullmatch(raw):
            return Cell(float(raw), "n", formula, is_date, percent)  # 1E999 overflows to inf: refused as not finite
        if raw in SPECIAL_NUMBERS:
            return Cell(SPECIAL_NUMBERS[raw], "n", formula, is_date)  # refused as not finite
        return Cell(raw, MALFORMED, formula)
    if kind == "str":
        return Cell(raw, "s", formula)
    if kind == "b":
        return Cell(raw.strip() in ("1", "true"), "b", formula)
    if kind == "d":
        return Cell(raw, "d", formula, True)
    return Cell(raw, "e", formula)  # "e", or a type no writer uses


# What intake reads of a sheet (sheetData, mergeCells) comes before these in the schema's order;
# the part from them on (on a form, two thirds of the sheet's XML) need not be parsed.
_TAIL = (b"<conditionalFormatting", b"<dataValidations")


def sheet_head(xml: bytes) -> bytes | None:
    """A sheet's XML cut before its conditional formats and validations and closed again, or None.

    None when the sheet is not in the usual shape (unprefixed ``<worksheet``,
    ``</sheetData>`` then one of the tail elements, no ``<mergeCells`` after the
    cut). A cut that falls inside a comment, CDATA or processing instruction
    leaves it unclosed, so the head does not parse and the whole sheet is parsed.
    """
    end = xml.find(b"</sheetData>")
    if end < 0 or b"<worksheet " not in xml[:512]:
        return None
    cut = min((p for p in (xml.find(tag, end) for tag in _TAIL) if p >= 0), default=-1)
    if cut < 0 or xml.find(b"<mergeCells", cut) >= 0:
        return None
    return xml[:cut] + b"</worksheet>"


def _parse_sheet(xml: bytes) -> Any:
    head = sheet_head(xml)
    if head is not None:
        try:
            root = _parse(head)
        except etree.XMLSyntaxError:
            pass  # the cut was not in markup: read the whole sheet
        else:
            _check_tail(xml, len(head) - len(b"</worksheet>"))
            return root
    return _parse(xml)


class _NoTree:
    """A parser target that keeps nothing: the parser only checks that the XML is well-formed."""

    def close(self) -> None:
        """Nothing was kept."""


def _check_tail(xml: bytes, cut: int) -> None:
    """Raise XMLSyntaxError unless the part of a sheet after ``cut`` is well-formed under the root element.

    The head was parsed on its own; this checks the rest, without building it,
    so that a sheet cut off or damaged after its data is refused as the whole
    sheet would be (libxml2 with a target that keeps nothing: a quarter of parsing it).
    """
    start = xml.find(b"<worksheet ")
    root = xml[: xml.index(b">", start) + 1] if start >= 0 else b""
    checker = etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True, load_dtd=False)
    checker.feed(root)
    checker.feed(xml[cut:])
    checker.close()


def _sheet_cells(xml: bytes, strings: list[str], styles: Styles) -> tuple[dict[str, Cell], list[str]]:
    """A sheet's cells by reference, and its merged ranges.

    The loop runs once per ``<c>`` of the sheet (hundreds per form): plain
    numbers and shared strings, most of a form's cells, are made here; the
    other kinds by ``_cell``, which they would reach with the same result.
    """
    root = _parse_sheet(xml)
    cells: dict[str, Cell] = {}
    dates, percents = styles
    known = len(strings)
    for el in root.iter(C_TAG):
        if not len(el):
            continue  # a formatted blank: the same as no cell
        raw = formula = inline = None
        for child in el:
            tag = child.tag
            if tag == V_TAG:
                raw = child.text
            elif tag == F_TAG:
                formula = child.text or ""
            elif tag == IS_TAG:
                inline = child
        if raw is None and formula is None and inline is None:
            continue  # no value, formula or text: a blank as well
        address = cell_address(el.get("r") or "")
        if address is None:
            continue
        kind = el.get("t", "n")
        if raw is not None and kind == "n" and NUMBER.fullmatch(raw):
            style = el.get("s")
            cells[address[0]] = Cell(float(raw), "n", formula, style in dates, style in percents)
        elif raw is not None and kind == "s":
            index = int(raw)
            cells[address[0]] = Cell(strings[index] if 0 <= index < known else "", "s", formula)
        else:
            style = el.get("s")
            cells[address[0]] = _cell(kind, raw, formula, inline, style in dates, strings, style in percents)
    merged = [m.get("ref", "") for m in root.iter(f"{M}mergeCell")]
    return cells, merged


def _targets(rels_xml: bytes | None, base: str) -> dict[str, str]:
    if not rels_xml:
        return {}
    root = _parse(rels_xml)
    out = {}
    for rel in root.findall("rel:Relationship", NS):
        target = rel.get("Target", "")
        out[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else normpath(join(base, target))
    return out


REMEMBER_UP_TO = 1 << 20  # bytes: larger parts are parsed each time, never kept


def _remembered(func: Callable[[bytes], T], xml: bytes) -> T:
    """``func(xml)``, from its cache when the part is small enough to keep."""
    return func(xml) if len(xml) <= REMEMBER_UP_TO else func.__wrapped__(xml)  # type: ignore[attr-defined]


FORM_NAMES = ("v_", "p_", "d_", "s_", "h_")  # the prefixes of the names emuxl's forms define


class Structure(NamedTuple):
    """A workbook part's sheets (name, state, relationship id), defined names, where each name points, what is
    defined twice, and a memo for what verification derives from them (shared by the workbooks that have them)."""

    sheets: tuple[tuple[str, str, str], ...]
    names: dict[str, str]
    refs: dict[str, tuple[str, str] | None]
    twice: tuple[str, ...]
    memo: dict[Any, Any]


STRUCTURES_KEPT = 8
_structures: dict[bytes, Structure] = {}  # by what they are read from (see ``_structure_key``)


def _workbook_structure(xml: bytes) -> Structure:
    """A workbook part's structure; the same object for parts whose sheets and names are written alike.

    Re-saved returns differ in their window positions and the like, rarely in their
    sheets and names: those are read once per run, the part itself parsed every time.
    """
    workbook = _parse(xml)
    key = _structure_key(workbook)
    found = _structures.get(key)
    if found is None:
        if len(_structures) >= STRUCTURES_KEPT:
            del _structures[next(iter(_structures))]
        found = _structures[key] = _read_structure(workbook)
    return found


STRUCTURE_TAGS = (f"{M}sheets", f"{M}definedNames")


def _structure_key(workbook: Any) -> bytes:
    """The elements a workbook part's structure is read from (its ``<sheets>`` and ``<definedNames>``),
    serialised with the namespaces they use: parts with the same key have the same sheets and names."""
    return b"\0".join(etree.tostring(e, with_tail=False) for e in workbook if e.tag in STRUCTURE_TAGS)


def _read_structure(workbook: Any) -> Structure:
    sheets = tuple(
        (sheet.get("name", ""), sheet.get("state", "visible"), sheet.get(f"{{{NS['r']}}}id", ""))
        for sheet in workbook.findall("m:sheets/m:sheet", NS)
    )
    names: dict[str, str] = {}
    seen: set[str] = set()
    twice: list[str] = []
    for dn in workbook.findall("m:definedNames/m:definedName", NS):
        name = dn.get("name", "")
        local = dn.get("localSheetId") is not None
        if local and not name.lower().startswith(FORM_NAMES):
            continue  # print areas and the like: one per sheet
        if name.lower() in seen:
            twice.append(f"tên ô {name}")
        seen.add(name.lower())
        if not local:
            names[name] = (dn.text or "").strip()
    folded = [name.lower() for name, _state, _rid in sheets]
    twice += [f"trang tính «{name}»" for i, (name, _s, _r) in enumerate(sheets) if name.lower() in folded[:i]]
    refs = {name: split_ref(text) if text else None for name, text in names.items()}
    return Structure(sheets, names, refs, tuple(twice), {})


def read_book(zf: ZipFile, sheets_wanted: Collection[str]) -> RawBook | Issue:
    """Read the wanted sheets (and the workbook's structure) of a sniffed xlsx zip."""
    parts, problem = read_parts(
        zf,
        {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"}
        | {"docProps/core.xml"},
    )
    if problem:
        return problem
    try:
        structure = _workbook_structure(parts["xl/workbook.xml"])
        targets = _targets(parts.get("xl/_rels/workbook.xml.rels"), "xl")
        strings = _shared_strings(parts.get("xl/sharedStrings.xml"))
        styles = _number_styles(parts.get("xl/styles.xml"))
        book = RawBook(
            names=structure.names,
            duplicates=list(structure.twice),
            _refs=dict(structure.refs),
            shape=structure.memo,
        )
        for name, state, rid in structure.sheets:
            book.sheets[name] = state
            path = targets.get(rid, "")
            if name in sheets_wanted and path in parts:
                book.cells[name], book.merged[name] = _sheet_cells(parts[path], strings, styles)
        core = parts.get("docProps/core.xml")
        if core:
            modified = _parse(core).find("dcterms:modified", NS)
            book.modified = (modified.text or "").strip() if modified is not None else ""
        return book
    except (etree.XMLSyntaxError, KeyError, ValueError, IndexError) as e:
        return file_issue("unreadable", detail=f"XML không hợp lệ ({type(e).__name__})")
    except Exception as e:  # anything else a hostile file provokes
        return file_issue("unreadable", detail=type(e).__name__)


def split_ref(ref: str) -> tuple[str, str] | None:
    """A defined name's reference as (sheet, "B12"), or None when broken (#REF!) or not one cell."""
    m = NAME_REF.match(ref)
    if m:  # the usual shape, written by Excel, LibreOffice and emuxl
        return (m.group(1) or m.group(2)).replace("''", "'"), m.group(3) + m.group(4)
    if "!" not in ref or "#REF" in ref.upper():
        return None
    sheet, cell = ref.lstrip("=").rsplit("!", 1)
    sheet = sheet.strip()
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    address = cell_address(cell.split(":")[0].replace("$", ""))
    return (sheet, address[0]) if address else None
