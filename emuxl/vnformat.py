"""Vietnamese formatting for reports, on Babel's ``vi`` locale: 65.913; 247.615,5; 103,46%; dates; lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from babel.lists import format_list
from babel.numbers import format_decimal

LOCALE = "vi"


def number(x: float | int | None, decimals: int = 2) -> str:
    """A number the Vietnamese way, with up to ``decimals`` decimals: 65.913; 247.615,5."""
    if x is None:
        return ""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(x, format=pattern, locale=LOCALE)


def fixed(x: float | int | None, decimals: int = 2) -> str:
    """A number with exactly ``decimals`` decimals: 938,21; 945,00."""
    if x is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(x, format=pattern, locale=LOCALE)


def percent(x: float | None, decimals: int = 2) -> str:
    """A percentage given in percent points: 103.456 -> 103,46%."""
    return "" if x is None else f"{fixed(x, decimals)}%"


def long_date(d: date) -> str:
    """«ngày 05 tháng 01 năm 2026»: leading zero for days 1–9 and months 1–2."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def join(items: Iterable[str]) -> str:
    """A list in words: «A, B và C»."""
    items = [str(i) for i in items]
    return format_list(items, locale=LOCALE) if items else ""


# ``join_vi``, not ``join``: Jinja's own join filter stays as template authors know it.
FILTERS = {"number": number, "fixed": fixed, "percent": percent, "long_date": long_date, "join_vi": join}
