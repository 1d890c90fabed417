"""docs/methods.md, written from the registry: each method's text, its inputs and its worked examples."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..vnformat import number
from .base import Cluster, Method

HEADER = """\
# Scoring methods

<!-- generated from the method registry (emuxl/methods/) by `make docs`; edit the declarations, not this file -->

Each indicator of `indicators.yaml` names one method. A method is defined once,
in the registry `emuxl/methods/`: its inputs (the form's columns, with their
Vietnamese labels and valid values), its parameters (checked by `emuxl check`;
full table in the README's configuration reference), the Python rule used for
every official number, the Excel-formula twin written into the forms and into
`out/ranking.xlsx`, the values the demo invents, and its sentence in the
summary report. Python and formula evaluate the same arithmetic in the same
order; a test recalculates the workbook in LibreOffice and compares every
cell with Python. The worked examples below are executed by the tests.

`P` is the indicator's `points`. Points are shown with two decimals; ranks use
totals rounded half up to `ranking.decimals` (default 2), as ROUND does.

Common rules, for every method:

- **Missing or unusable input** (blank, text, error value, a date): 0 points
  and an issue (`missing-input`), never a crash. Text never scores: every
  formula guards its inputs with `ISNUMBER`.
- **Valid values.** Each input has a valid range (below), checked by the
  form's validation and again at intake; a value outside it is an error and
  is not used. A rate in `%` is between −100 and 1.000; amounts are at most
  10¹². Warnings flag values that are valid but implausible.
- A member that returned no form scores 0 on every indicator it fills in
  ("chưa nộp biểu"), and is not eligible for an award.
- Adjustments (`emuxl adjust`) replace the computed points, from 0 to the
  method's most points, with a reason and an author, in every output; the
  submitted values are never changed.
"""


def _inputs(method: Method[Any]) -> list[str]:
    if not method.inputs:
        return []
    lines = ["", "| input | on the form | valid values |", "|---|---|---|"]
    for inp in method.inputs:
        limits = inp.limits if inp.kind != "choice" else None
        valid = "one of the cell's list" if limits is None else limits.words()
        if inp.column == "self":
            valid = "số từ 0 đến P"
        optional = "" if inp.required else " (optional)"
        carried = f"; next year pre-filled from `{inp.carried_from}`" if inp.carried_from else ""
        lines.append(f"| `{inp.name}`{optional} | {inp.label}{carried} | {valid} |")
    return lines


def _examples(method: Method[Any]) -> list[str]:
    if not method.examples:
        return []
    lines = ["", "Worked examples:", ""]
    for ex in method.examples:
        lines.append(f"- {ex.note} → **{number(ex.expected)}**")
    return lines


def methods_markdown(methods: Mapping[str, Method[Any]] | None = None) -> str:
    """The whole of docs/methods.md for the given methods (default: every registered one)."""
    from . import METHODS

    parts = [HEADER]
    for method in (METHODS if methods is None else methods).values():
        parts.append("\n".join([method.doc.rstrip(), *_inputs(method), *_examples(method)]) + "\n")
    return "\n".join(parts)


def run_example(method: Method[Any], index: int) -> float:
    """The points a method's worked example gives when its rule is run."""
    ex = method.examples[index]
    return method.score(ex.values, ex.params, ex.points, ex.cluster or Cluster()).points
