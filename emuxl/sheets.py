"""XlsxWriter workbooks as emuxl writes them: one set of options, the fixed document date, shared formats.

The forms, the feedback workbooks and the ranking workbook are all made by
:func:`new_workbook`, so they agree on what a written string is (always a
string), on the font and on the document date, which is fixed: the same
inputs give the same bytes.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Sequence
from datetime import datetime
from types import MappingProxyType
from typing import IO, Any

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple, Worksheet

FIXED_DATE = datetime(2000, 1, 1)  # document dates, so the same definitions give the same bytes
FONT = MappingProxyType({"font_name": "Times New Roman", "font_size": 12})

# Cell formats (XlsxWriter format properties) more than one writer uses, so they look alike; read-only,
# as writers build their own formats from them: wb.add_format(HEAD), wb.add_format({**NUMBER, "bold": True}).
HEAD_COLOUR = "#D9E1F2"  # column titles
GREY = "#F2F2F2"  # computed or not applicable: nothing to type there
WARN = "#FCE4D6"  # a figure the meeting should look at
NUMBER_FORMAT = "#,##0.00"
TITLE = MappingProxyType({"bold": True, "font_size": 14})
HEAD = MappingProxyType(
    {"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter", "bg_color": HEAD_COLOUR}
)
TEXT = MappingProxyType({"border": 1, "text_wrap": True, "valign": "top"})
NUMBER = MappingProxyType({"border": 1, "num_format": NUMBER_FORMAT})


def new_workbook(
    target: IO[bytes], title: str, subject: str | None = None, constant_memory: bool = False
) -> xlsxwriter.Workbook:
    """A workbook written into ``target`` with emuxl's options and document properties.

    In memory by default (2.8× faster for small workbooks); with ``constant_memory``
    each sheet's rows go to a temporary file as the sheet moves past them, so a
    national-scale workbook keeps memory flat (every sheet must then be written
    top to bottom). Strings are never turned into formulas, links or numbers:
    whatever a province typed is written back as they typed it.
    """
    mode = {"constant_memory": True} if constant_memory else {"in_memory": True}
    options = {
        **mode,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "default_format_properties": dict(FONT),  # a copy: XlsxWriter adds keys to the one it is given
    }
    wb = _Workbook(target, options)
    properties: dict[str, Any] = {"title": title, "author": "emuxl", "created": FIXED_DATE}
    if subject is not None:
        properties["subject"] = subject
    wb.set_properties(properties)
    return wb


# A string XlsxWriter's shared-strings writer changes (escapes, control-character codes, spaces to keep).
SPECIAL_STRING = re.compile(r'[&<>"\n\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_|^\s|\s$')


class _SharedStrings(SharedStrings):
    """XlsxWriter's shared-strings part, with the strings it would write unchanged (nearly all) written straight
    out: a tenth of a feedback workbook's time, byte for byte the same (tests/test_sheets.py)."""

    def _write_si(self, string: str) -> None:
        if SPECIAL_STRING.search(string):
            super()._write_si(string)
        else:
            self.fh.write(f"<si><t>{string}</t></si>")


class _Packager(Packager):
    """XlsxWriter's packager, writing the shared strings with :class:`_SharedStrings`."""

    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = _SharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class _Workbook(xlsxwriter.Workbook):
    """XlsxWriter's workbook, packaged by :class:`_Packager` (through XlsxWriter's hook for another packager)."""

    def _get_packager(self) -> Packager:
        return _Packager()


LINE_HEIGHT = 16.5  # points per line of 12 pt text, with the leading Excel and LibreOffice use


def lines_of(text: str, width: float) -> int:
    """How many lines a text takes when wrapped by words in a column ``width`` characters wide."""
    per_line = max(1, int(width * 1.1) - 1)
    if len(text) <= per_line and "\n" not in text:
        return 1  # the usual case, without wrapping anything
    return _wrapped_lines(str(text), per_line)


@functools.lru_cache(maxsize=4096)
def _wrapped_lines(text: str, per_line: int) -> int:
    """The lines of a text wrapped at ``per_line`` characters; remembered, as the same titles, headings and
    notes come back in every member's workbook (wrapping them was a tenth of a feedback workbook's time)."""
    return sum(
        max(1, len(textwrap.wrap(part, per_line, break_long_words=True, break_on_hyphens=False)))
        for part in text.split("\n")
    )


def row_height(*texts_and_widths: Any) -> float:
    """A row height (points) that shows wrapped texts whole: pairs of (text, column width).

    Excel does not fit rows written by XlsxWriter to their text when it opens
    the file, so emuxl computes the height from the text and the width.
    """
    pairs = zip(texts_and_widths[::2], texts_and_widths[1::2], strict=True)
    return LINE_HEIGHT * max((lines_of(text, width) for text, width in pairs), default=1)


# ------------------------------------------------------------------ printing

A4 = 9  # XlsxWriter's paper code
PRINTABLE_MM = {True: 297 - 2 * 12.7, False: 210 - 2 * 12.7}  # landscape or portrait, 0,5" margins
DIGIT_PX = 8  # width of a digit of Times New Roman 12 at 96 dpi: Excel's column-width unit in pixels
READABLE = 0.75  # the smallest print scale that keeps 12 pt text at 9 pt or more


def column_mm(width: float) -> float:
    """The printed width of a column ``width`` characters wide, at 100 %."""
    return (width * DIGIT_PX + 5) * 25.4 / 96


def fit_scale(widths: Sequence[float], landscape: bool) -> float:
    """The scale a sheet prints at when fitted to one page wide (at most 100 %)."""
    return min(1.0, PRINTABLE_MM[landscape] / max(1.0, sum(column_mm(w) for w in widths)))


def pages_wide(widths: Sequence[float], landscape: bool, keys: int = 0) -> int:
    """How many pages wide a sheet must print for READABLE text, with its first ``keys`` columns on every page."""
    key_mm = sum(column_mm(w) for w in widths[:keys])
    rest = [column_mm(w) for w in widths[keys:]]
    room = PRINTABLE_MM[landscape] / READABLE - key_mm
    pages, used = 1, 0.0
    for mm in rest:
        if used and used + mm > room:
            pages, used = pages + 1, 0.0
        used += mm
    return pages


def set_print(
    ws: Worksheet,
    title: str,
    widths: Sequence[float],
    *,
    landscape: bool = True,
    repeat_rows: tuple[int, int] | None = None,
    keys: int = 0,
) -> None:
    """A4, fitted to the page width at a readable size (two or more pages wide with the first ``keys``
    columns repeated when one page would shrink the text under 9 pt), the sheet's title at the top and
    «Trang x/y» at the bottom of every page."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.6)
    wide = pages_wide(widths, landscape, keys) if fit_scale(widths, landscape) < READABLE else 1
    ws.fit_to_pages(wide, 0)
    if wide > 1:
        ws.print_across()  # a band of rows across all its pages, then the next: a row's parts stay together
        if keys:
            ws.repeat_columns(0, keys - 1)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    safe = title.replace("&", "&&")
    ws.set_header(f'&C&"Times New Roman,Bold"&11{safe}', {"margin": 0.3})
    ws.set_footer("&C&10Trang &P/&N", {"margin": 0.3})


class PlainSheet(Worksheet):
    """XlsxWriter's worksheet, writing cells of a string, a number or nothing with a format of their own straight out.

    XlsxWriter's cell writer handles every kind of cell (formulas, rich and
    in-line strings, a row's or a column's format) and escapes every attribute;
    a shared string, a number or a blank with its own format needs none of that,
    and is every cell of a feedback workbook: a sheet's rows written in half the
    time, byte for byte the same. Overrides a private method of XlsxWriter
    (pinned below 4 in setup.cfg); tests/test_sheets.py checks the bytes against
    XlsxWriter's own writer.
    """

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = type(cell)
        if cell.format is None or self.constant_memory or kind not in PLAIN_CELLS:
            super()._write_cell(row, col, cell)
            return
        start = f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}"'
        if kind is CellStringTuple:
            self.fh.write(f'{start} t="s"><v>{cell.string}</v></c>')
        elif kind is CellNumberTuple:
            self.fh.write(f"{start}><v>{cell.number:.16G}</v></c>")
        else:
            self.fh.write(f"{start}/>")


PLAIN_CELLS = (CellStringTuple, CellNumberTuple, CellBlankTuple)


CLASSIC_FUNCTIONS = frozenset(
    {
        "ABS",
        "AND",
        "CHOOSE",
        "COUNT",
        "COUNTIF",
        "IF",
        "IFERROR",
        "INT",
        "ISBLANK",
        "ISNUMBER",
        "LEN",  # XlsxWriter's own rule for a "blanks" conditional format: LEN(TRIM(F8))=0
        "MAX",
        "MIN",
        "NOT",
        "OR",
        "RANK",
        "ROUND",
        "SUM",
        "SUMPRODUCT",
        "TRIM",
    }
)
FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9._]*)\(")


class FormulaSheet(Worksheet):
    """XlsxWriter's worksheet, minus its rewriting passes over formulas that need none.

    XlsxWriter rewrites future and dynamic-array functions (``_xlfn.`` prefixes):
    ~30 regular-expression passes over every cell formula, ~200 over every
    conditional-format and validation formula. A formula made only of Excel
    2007 functions is stored as written, which is what the ranking workbook's
    hundreds of thousands of formulas are, and every formula of a form (its
    self-scores, validations and highlighting rules): a form takes about half
    the CPU, byte for byte the same. This overrides a private method of
    XlsxWriter (pinned below 4 in setup.cfg); tests/test_sheets.py fails if it
    stops being called.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if "{" not in formula and "_xlfn." not in formula and CLASSIC_FUNCTIONS.issuperset(FUNCTION.findall(formula)):
            return formula[1:] if formula.startswith("=") else formula
        return str(super()._prepare_formula(formula, expand_future_functions))
