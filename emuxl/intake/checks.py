"""Validation of each value read from a returned form, and Vietnamese numbers typed as text.

A value is used only when it is exactly what the input needs; everything else
is an issue naming the sheet, cell and indicator, with the raw value and, for
numbers typed as text, the number emuxl would read (never used silently).
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from ..definitions import Indicator
from ..methods import Input, Value, same_text
from ..vnformat import number
from .issues import Issue, make_issue
from .read import Cell

MAX_TEXT = 2000
FORMULA_START = ("=", "+", "-", "@")
_DATE_TEXT = re.compile(r"^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}$")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters but tab and newline


class Where(NamedTuple):
    """Where a value sits: sheet, cell, indicator and input name."""

    sheet: str
    cell: str
    indicator: str
    field: str


def read_text_number(text: str) -> tuple[str, float | None]:
    """How a number typed as text reads: (issue code, the number emuxl would read, if any).

    ``1.234,5`` and ``12,5%`` read the Vietnamese way; ``12.5`` and ``1.234`` are
    ambiguous (decimal point or thousands?); ``1,234.5`` reads the English way.
    """
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    s = s[:-1] if s.endswith("%") else s
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    if not s or not re.fullmatch(r"[\d.,]+", s) or not s[0].isdigit():
        return ("date-value" if _DATE_TEXT.match(text.strip()) else "not-a-number"), None
    dots, commas = s.count("."), s.count(",")
    groups_ok = lambda sep: all(len(g) == 3 for g in s.split(sep)[1:])  # noqa: E731
    if dots and commas:
        if s.rfind(",") > s.rfind(".") and groups_ok_before(s, ".", ","):
            return "vietnamese-number", sign * float(s.replace(".", "").replace(",", "."))
        if s.rfind(".") > s.rfind(",") and groups_ok_before(s, ",", "."):
            return "text-number", sign * float(s.replace(",", ""))
        return "not-a-number", None
    if commas == 1 and not dots:
        whole, frac = s.split(",")
        if len(frac) == 3:
            return "ambiguous-number", None
        return "vietnamese-number", sign * float(f"{whole}.{frac}")
    if dots == 1 and not commas:
        return "ambiguous-number", None
    if dots > 1 and groups_ok("."):
        return "vietnamese-number", sign * float(s.replace(".", ""))
    if commas > 1 and groups_ok(","):
        return "text-number", sign * float(s.replace(",", ""))
    if not dots and not commas:
        return "text-number", sign * float(s)
    return "not-a-number", None


def groups_ok_before(s: str, group_sep: str, decimal_sep: str) -> bool:
    """Whether the part before the decimal separator is digits grouped by threes."""
    head = s.rsplit(decimal_sep, 1)[0]
    return decimal_sep not in head and all(len(g) == 3 for g in head.split(group_sep)[1:])


def check_text(text: str, where: Where) -> list[Issue]:
    """Warnings for any text kept from a form: formula-like start, control characters, length."""
    issues = []
    loc = where._asdict()
    if text.startswith(FORMULA_START):
        issues.append(make_issue("formula-like-text", raw=text[:100], detail=text[0], **loc))
    if CONTROL.search(text):
        issues.append(make_issue("control-characters", raw=text[:100].encode("unicode_escape").decode(), **loc))
    if len(text) > MAX_TEXT:
        issues.append(make_issue("text-too-long", raw=text[:100] + "…", detail=len(text), **loc))
    return issues


def check_value(cell: Cell | None, inp: Input, ind: Indicator, where: Where) -> tuple[Value, list[Issue]]:
    """The value to use for one input (or None) and the issues it raises."""
    if cell is not None and cell.kind == "n" and cell.formula is None and not cell.is_date and inp.kind != "choice":
        return _check_number(cell, inp, ind, where)  # the usual case, first
    loc = where._asdict()
    if cell is None or cell.kind == "" or (cell.kind == "s" and not str(cell.value).strip() and not cell.formula):
        if cell is not None and cell.formula:
            return None, [make_issue("formula-in-input", raw=f"={cell.formula}", **loc)]
        hint = f" ({inp.hint})" if inp.hint else ""
        issues = [make_issue("missing-input", label=inp.label, hint=hint, **loc)] if inp.required else []
        return None, issues
    if cell.formula is not None:
        return None, [make_issue("formula-in-input", raw=f"={cell.formula}"[:200], **loc)]
    if cell.kind == "e":
        return None, [make_issue("error-value", raw=cell.value, **loc)]
    if inp.kind == "choice":
        text = str(cell.value).strip() if cell.kind == "s" else str(cell.value)
        choices = ind.spec.choices(ind.settings)
        match = next((c for c in choices if same_text(text, c)), None)
        if match is None:
            return None, [make_issue("not-a-choice", raw=text[:100], detail="; ".join(choices), **loc)]
        return match, check_text(str(cell.value), where)
    if cell.kind == "s":
        text = str(cell.value)
        code, suggested = read_text_number(text)
        return None, [*check_text(text, where), make_issue(code, raw=text[:100], suggested=suggested, **loc)]
    if cell.kind == "b" or cell.kind == "d" or cell.is_date:
        code = "date-value" if cell.kind == "d" or cell.is_date else "not-a-number"
        return None, [make_issue(code, raw=cell.value, **loc)]
    return _check_number(cell, inp, ind, where)


def _check_number(cell: Cell, inp: Input, ind: Indicator, where: Where) -> tuple[Value, list[Issue]]:
    value = float(cell.value)  # type: ignore[arg-type]
    if not math.isfinite(value):
        return None, [make_issue("not-finite", raw=cell.value, **where._asdict())]
    limits = ind.limits(inp)
    if cell.is_percent and ind.unit.strip() == "%" and inp.column != "self":
        # «76,5%» typed in a cell of a rate in %: the cell holds 0,765, which would score as 0,765%
        shown = value * 100
        reading = shown if limits.allows(shown) else None
        issue = make_issue(
            "percent-cell", raw=number(value, 6), shown=number(shown, 6), suggested=reading, **where._asdict()
        )
        return None, [issue]
    if not limits.allows(value):
        detail = limits.words()
        return None, [make_issue("out-of-range", raw=number(value, 6), detail=detail, **where._asdict())]
    return value, []


def check_note(cell: Cell | None, where: Where) -> tuple[str | None, list[Issue]]:
    """An evidence note: kept whole as text, with warnings for what looks wrong."""
    if cell is None or cell.value is None or cell.kind == "":
        return None, []
    if cell.formula is not None:
        return None, [make_issue("formula-in-input", raw=f"={cell.formula}"[:200], **where._asdict())]
    text = (
        cell.value
        if isinstance(cell.value, str)
        else f"{cell.value:g}"
        if isinstance(cell.value, float)
        else str(cell.value)
    )
    return text, check_text(text, where)
