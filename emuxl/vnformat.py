"""Vietnamese formatting, the one formatter of numbers emuxl writes anywhere: 65.913; 247.615,5; 103,46%; dates; lists.

Numbers are rounded half up on their decimal form, as a spreadsheet's ROUND
and its number formats do (2,675 → 2,68), so a total printed in a report is
the total the ranking used. The output equals Babel's ``vi`` locale wherever
the two roundings agree (a test checks it); lists come from Babel.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal

from babel.lists import format_list

LOCALE = "vi"
_SWAP = str.maketrans(",.", ".,")


def _grouped(x: float | int, decimals: int, trim: bool) -> str:
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{x!r} is not a number that can be written in a document")
    short = _as_written(x, decimals, trim)
    if short is not None:
        return short
    exact = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    digits = Context(prec=max(28, exact.adjusted() + decimals + 2))  # 1e308 has 309 digits before the point
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=digits)
    text = f"{rounded:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no «-0»
    return text.translate(_SWAP)


def _as_written(x: float | int, decimals: int, trim: bool) -> str | None:
    """The number without rounding when its shortest decimal form has no more than ``decimals`` decimals (most
    numbers emuxl writes: points, counts, typed values), else None; the same text as rounding it would give."""
    text = repr(x) if isinstance(x, float) else str(int(x))
    if "e" in text or "n" in text:  # 1e+20, 1.5e-07 (and nan, inf, refused above)
        return None
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) > decimals:
        return None
    sign, whole = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    if not fraction and not whole.strip("0"):
        sign = ""  # no «-0»
    if not trim:
        fraction = fraction.ljust(decimals, "0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def number(x: float | int | None, decimals: int = 2) -> str:
    """A number the Vietnamese way, with up to ``decimals`` decimals: 65.913; 247.615,5."""
    return "" if x is None else _grouped(x, decimals, trim=True)


def fixed(x: float | int | None, decimals: int = 2) -> str:
    """A number with exactly ``decimals`` decimals: 938,21; 945,00."""
    return "" if x is None else _grouped(x, decimals, trim=False)


def percent(x: float | None, decimals: int = 2) -> str:
    """A percentage given in percent points: 103.456 -> 103,46%."""
    return "" if x is None else f"{fixed(x, decimals)}%"


def ratio(x: float | None, decimals: int = 2) -> str:
    """A ratio as a percentage: 1.0346 -> 103,46%."""
    return "" if x is None else percent(x * 100, decimals)


def long_date(d: date) -> str:
    """«ngày 05 tháng 01 năm 2026»: leading zero for days 1–9 and months 1–2."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def short_date(d: date) -> str:
    """«05/01/2026»."""
    return d.strftime("%d/%m/%Y")


def join(items: Iterable[str]) -> str:
    """A list in words: «A, B và C»."""
    items = [str(i) for i in items]
    return format_list(items, locale=LOCALE) if items else ""


# ``join_vi``, not ``join``: Jinja's own join filter stays as template authors know it.
FILTERS = {"number": number, "fixed": fixed, "percent": percent, "long_date": long_date, "join_vi": join}
