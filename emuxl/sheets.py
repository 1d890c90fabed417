"""XlsxWriter workbooks as emuxl writes them: one set of options, the fixed document date, shared formats.

The forms, the feedback workbooks and the ranking workbook are all made by
:func:`new_workbook`, so they agree on what a written string is (always a
string), on the font and on the document date, which is fixed: the same
inputs give the same bytes.
"""

from __future__ import annotations

import re
from datetime import datetime
from types import MappingProxyType
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

FIXED_DATE = datetime(2000, 1, 1)  # document dates, so the same definitions give the same bytes
FONT = MappingProxyType({"font_name": "Times New Roman", "font_size": 12})

# Cell formats (XlsxWriter format properties) more than one writer uses, so they look alike; read-only,
# as writers build their own formats from them: wb.add_format(HEAD), wb.add_format({**NUMBER, "bold": True}).
HEAD_COLOUR = "#D9E1F2"  # column titles
GREY = "#F2F2F2"  # computed or not applicable: nothing to type there
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
    wb = xlsxwriter.Workbook(target, options)
    properties: dict[str, Any] = {"title": title, "author": "emuxl", "created": FIXED_DATE}
    if subject is not None:
        properties["subject"] = subject
    wb.set_properties(properties)
    return wb


def row_height(*texts_and_widths: Any) -> float:
    """A row height (points) that shows wrapped texts whole: pairs of (text, column width)."""
    pairs = zip(texts_and_widths[::2], texts_and_widths[1::2], strict=True)
    lines = max(-(-len(text) // max(1, int(width * 1.05))) for text, width in pairs)
    return 16.5 * max(1, lines)


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
    """XlsxWriter's worksheet, minus its ~30 rewriting passes over formulas that need none.

    XlsxWriter rewrites future and dynamic-array functions (``_xlfn.`` prefixes);
    a formula made only of Excel 2007 functions is stored as written, which is
    what the ranking workbook's hundreds of thousands of formulas are. This
    overrides a private method of XlsxWriter (pinned below 4 in setup.cfg);
    tests/test_sheets.py fails if it stops being called.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if "{" not in formula and "_xlfn." not in formula and CLASSIC_FUNCTIONS.issuperset(FUNCTION.findall(formula)):
            return formula[1:] if formula.startswith("=") else formula
        return str(super()._prepare_formula(formula, expand_future_functions))
