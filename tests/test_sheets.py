"""The shared workbook setup, and the private XlsxWriter hook FormulaSheet relies on."""

from __future__ import annotations

import inspect
import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from emuxl import sheets
from emuxl.definitions import load_campaign
from emuxl.forms import member_form, peer_form
from emuxl.sheets import FIXED_DATE, FONT, FormulaSheet, PlainSheet, new_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class CountingSheet(FormulaSheet):
    """A FormulaSheet that records every formula XlsxWriter hands to the hook."""

    def __init__(self) -> None:
        super().__init__()
        self.prepared: list[tuple[str, bool]] = []

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        self.prepared.append((formula, expand_future_functions))
        return super()._prepare_formula(formula, expand_future_functions)


@pytest.mark.parametrize("constant_memory", [False, True])
def test_formula_hook_is_called_and_stores_formulas(constant_memory: bool) -> None:
    """XlsxWriter calls the hook for every formula; classic ones are stored as written, others get _xlfn. prefixes."""
    buffer = io.BytesIO()
    wb = new_workbook(buffer, "test", constant_memory=constant_memory)
    ws = wb.add_worksheet("Sheet1", worksheet_class=CountingSheet)
    assert isinstance(ws, CountingSheet)
    ws.write_number(0, 0, 2)
    ws.write_formula(1, 0, '=IF(ISNUMBER(A1),ROUND(A1*2,2),"")', None, 4)
    ws.write_formula(2, 0, "=XLOOKUP(A1,A1:A2,A1:A2)", None, 2)
    ws.conditional_format(0, 0, 0, 0, {"type": "formula", "criteria": "=ISBLANK(A1)", "format": wb.add_format()})
    wb.close()

    assert [f for f, _ in ws.prepared] == [
        '=IF(ISNUMBER(A1),ROUND(A1*2,2),"")',
        "=XLOOKUP(A1,A1:A2,A1:A2)",
        "=ISBLANK(A1)",
    ]
    assert ws.prepared[2][1] is True  # conditional formats ask for future functions expanded
    with zipfile.ZipFile(buffer) as z:
        root = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    assert [f.text for f in root.iter(f"{MAIN}f")] == [
        'IF(ISNUMBER(A1),ROUND(A1*2,2),"")',
        "_xlfn.XLOOKUP(A1,A1:A2,A1:A2)",
    ]
    assert [f.text for f in root.iter(f"{MAIN}formula")] == ["ISBLANK(A1)"]


def test_private_hook_keeps_the_signature_the_override_expects() -> None:
    """xlsxwriter.worksheet.Worksheet._prepare_formula exists with (formula, expand_future_functions=False)."""
    hook = getattr(Worksheet, "_prepare_formula", None)
    assert hook is not None, "XlsxWriter no longer has Worksheet._prepare_formula: FormulaSheet's override is dead"
    theirs = inspect.signature(hook).parameters
    ours = inspect.signature(FormulaSheet._prepare_formula).parameters
    assert list(theirs) == list(ours) == ["self", "formula", "expand_future_functions"]
    assert theirs["expand_future_functions"].default is False


def test_new_workbook_options_and_properties() -> None:
    """Strings stay strings (no formulas, links or numbers); the document date is the fixed one."""
    buffer = io.BytesIO()
    wb = new_workbook(buffer, "Tiêu đề", "Cụm")
    ws = wb.add_worksheet()
    for col, text in enumerate(["=1+1", "https://example.org", "1.234,5", "12"]):
        ws.write(0, col, text)
    wb.close()
    with zipfile.ZipFile(buffer) as z:
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
        core = z.read("docProps/core.xml").decode()
    assert not list(sheet.iter(f"{MAIN}f")) and not list(sheet.iter(f"{MAIN}hyperlink"))
    assert [c.get("t") for c in sheet.iter(f"{MAIN}c")] == ["s"] * 4
    assert f"{FIXED_DATE:%Y-%m-%dT%H:%M:%SZ}" in core and "<dc:title>Tiêu đề</dc:title>" in core
    assert dict(FONT) == {"font_name": "Times New Roman", "font_size": 12}  # not changed by XlsxWriter


def test_form_formulas_all_skip_the_rewriting(sample_2025: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every formula of the member and peer forms (scores, validations, highlighting rules) of both samples
    with every bundled method is stored as written: none goes through XlsxWriter's rewriting."""
    rewritten: list[str] = []
    stock = Worksheet._prepare_formula

    def spy(self: Worksheet, formula: str, expand_future_functions: bool = False) -> str:
        rewritten.append(formula)
        return str(stock(self, formula, expand_future_functions))

    monkeypatch.setattr(Worksheet, "_prepare_formula", spy)
    for folder in (sample_2025, Path(__file__).parent / "data" / "small"):
        campaign = load_campaign(folder)
        assert campaign.has_peer
        member = campaign.members[1]
        for data in (member_form(campaign, member), peer_form(campaign, member)):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                sheet = z.read("xl/worksheets/sheet2.xml").decode()
            assert "<formula>" in sheet  # highlighting rules: XlsxWriter's LEN(TRIM(…))=0
    assert rewritten == []


def _sheet_bytes(sheet_class: type[Worksheet], constant_memory: bool = False) -> bytes:
    """A workbook with every kind of cell PlainSheet writes itself and every kind it hands back to XlsxWriter."""
    buffer = io.BytesIO()
    wb = new_workbook(buffer, "test", constant_memory=constant_memory)
    ws = wb.add_worksheet("Sheet1", worksheet_class=sheet_class)
    bold, money = wb.add_format({"bold": True}), wb.add_format({"num_format": "#,##0.00"})
    ws.set_column(3, 3, 12, money)  # a column's format, for a cell without one
    ws.set_row(2, 30, bold)  # a row's format, for a cell without one
    texts = ["Tiêu chí", 'a "quoted" <b> & more', " lead", "trail\xa0", "_x0041_ and \x07", "a\nb\tc", "<r>x</r>", ""]
    for row in range(4):
        for col, text in enumerate(texts):
            ws.write_string(row, col, text, bold if (row + col) % 2 else None)
        ws.write_number(row, 8, 1234.5 + row / 3, money if row % 2 else None)
        ws.write_number(row, 9, 1e-20, money)
        ws.write_number(row, 3, -0.0, None)
    ws.write_formula(4, 0, "=SUM(I1:I4)", money, 10)
    ws.write_blank(4, 1, None, bold)
    ws.write_boolean(4, 2, True, bold)
    ws.write_rich_string(4, 3, "a ", bold, "b", money)
    ws.merge_range(5, 0, 5, 4, "merged", bold)
    wb.close()
    return buffer.getvalue()


@pytest.mark.parametrize("constant_memory", [False, True])
def test_plain_sheet_and_strings_write_what_xlsxwriter_writes(
    constant_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PlainSheet's cells and the shared strings written straight out give stock XlsxWriter's bytes."""
    written: list[str] = []
    monkeypatch.setattr(sheets._SharedStrings, "_write_si", _spy(sheets._SharedStrings._write_si, written))
    ours = _sheet_bytes(PlainSheet, constant_memory)
    assert bool(written) is not constant_memory  # our shared strings part wrote them (none: in-line strings)
    monkeypatch.setattr(sheets, "_Workbook", xlsxwriter.Workbook)
    assert ours == _sheet_bytes(Worksheet, constant_memory)


def _spy(method: Any, calls: list[str]) -> Any:
    def spy(self: Any, string: str) -> None:
        calls.append(string)
        method(self, string)

    return spy


def test_plain_sheet_hook_is_called() -> None:
    """XlsxWriter still writes cells through Worksheet._write_cell(row, col, cell), which PlainSheet overrides."""
    theirs = inspect.signature(Worksheet._write_cell).parameters
    assert list(theirs) == list(inspect.signature(PlainSheet._write_cell).parameters) == ["self", "row", "col", "cell"]
    calls: list[tuple[int, int]] = []

    class Spy(PlainSheet):
        def _write_cell(self, row: int, col: int, cell: Any) -> None:
            calls.append((row, col))
            super()._write_cell(row, col, cell)

    _sheet_bytes(Spy)
    assert (0, 0) in calls and (3, 5) in calls
