"""Drive a running headless LibreOffice through UNO: fill cells by defined name, recalculate, save.

Run with the system Python that has ``uno`` (Debian's python3-uno):

    /usr/bin/python3 driver.py PIPE_NAME JOB.json

The job is a list of actions; the answer (JSON on stdout) has one result per action.
This file imports nothing from emuxl: it is the real spreadsheet program's side.
"""

from __future__ import annotations

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

XLSX_FILTER = "Calc Office Open XML"


def _props(**kwargs):
    out = []
    for key, value in kwargs.items():
        p = PropertyValue()
        p.Name, p.Value = key, value
        out.append(p)
    return tuple(out)


def connect(pipe: str, timeout: float = 60.0):
    """The desktop of the LibreOffice listening on the named pipe."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.3)


def _cell_by_name(doc, name: str):
    ranges = doc.NamedRanges
    if not ranges.hasByName(name):
        raise KeyError(f"no defined name {name}")
    return ranges.getByName(name).getReferredCells().getCellByPosition(0, 0)


def _cell_by_address(doc, sheet: str, address: str):
    return doc.Sheets.getByName(sheet).getCellRangeByName(address)


def _read(cell):
    kind = cell.Type.value  # EMPTY, VALUE, TEXT, FORMULA
    if kind == "FORMULA":
        if cell.getError():
            return {"error": cell.getError()}
        text_result = 2  # com.sun.star.sheet.FormulaResult.STRING
        return cell.getString() if cell.FormulaResultType2 == text_result else cell.getValue()
    if kind == "VALUE":
        return cell.getValue()
    if kind == "TEXT":
        return cell.getString()
    return None


def run(desktop, action: dict):
    """Carry out one action on one document and return what it asks for (rows are inserted or deleted first)."""
    url = uno.systemPathToFileUrl(action["path"])
    doc = desktop.loadComponentFromURL(url, "_blank", 0, _props(Hidden=True, ReadOnly=False))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {action['path']}")
    try:
        for sheet_name, index, count in action.get("insert_rows", []):  # index: 0-based row the new rows go before
            sheet = doc.Sheets.getByName(sheet_name)
            sheet.unprotect(action.get("password", ""))
            sheet.Rows.insertByIndex(index, count)
        for sheet_name, index, count in action.get("delete_rows", []):
            sheet = doc.Sheets.getByName(sheet_name)
            sheet.unprotect(action.get("password", ""))
            sheet.Rows.removeByIndex(index, count)
        for name, value in action.get("fill", {}).items():
            cell = _cell_by_name(doc, name)
            if isinstance(value, str):
                cell.setString(value)
            else:
                cell.setValue(float(value))
        for name, text in action.get("type", {}).items():  # as a person types it: «76.5%» becomes 0.765, shown 76.5%
            cell = _cell_by_name(doc, name)
            cell.setFormula(text)
            if text.strip().endswith("%"):  # Excel and LibreOffice's input recognition switch the cell to a % format
                percent = uno.getConstantByName("com.sun.star.util.NumberFormat.PERCENT")
                locale = uno.createUnoStruct("com.sun.star.lang.Locale")
                cell.NumberFormat = doc.NumberFormats.getStandardFormat(percent, locale)
        for ref, value in action.get("set_cells", {}).items():  # "Sheet!B12": value, "" clears
            sheet, address = ref.rsplit("!", 1)
            cell = _cell_by_address(doc, sheet, address)
            if value == "":
                cell.setString("")
            elif isinstance(value, str):
                cell.setString(value)
            else:
                cell.setValue(float(value))
        doc.calculateAll()
        result = {
            "names": {n: _read(_cell_by_name(doc, n)) for n in action.get("read_names", [])},
            "cells": {f"{s}!{a}": _read(_cell_by_address(doc, s, a)) for s, a in action.get("read_cells", [])},
            "sheets": [
                {"name": sh.Name, "visible": bool(sh.IsVisible), "protected": bool(sh.isProtected())}
                for sh in doc.Sheets
            ],
        }
        if action.get("save_as"):
            out = uno.systemPathToFileUrl(action["save_as"])
            doc.storeToURL(out, _props(FilterName=XLSX_FILTER, Overwrite=True))
        return result
    finally:
        doc.close(True)


def main() -> None:
    pipe, job_file = sys.argv[1], sys.argv[2]
    with open(job_file, encoding="utf-8") as f:
        actions = json.load(f)
    desktop = connect(pipe)
    json.dump([run(desktop, a) for a in actions], sys.stdout)


if __name__ == "__main__":
    main()
