"""Pieces the methods' report sentences share: the subject, member lists, counts, the cluster figure.

Section II of the summary report (*báo cáo tổng kết*) writes each indicator
up the way the secretariat's reports do: the cluster figure, how many members
reached it, the best by name. These helpers keep the wording of every method
alike: one subject, «có 9/12 tỉnh …», «A, B và C», «và 3 tỉnh khác».
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..vnformat import join, number
from .base import Facts, Writeup, amount

# Words a yes/no indicator's title may open with that make it the predicate of a sentence:
# «Ký kết và tổ chức thực hiện giao ước» -> «12/12 tỉnh đều ký kết và tổ chức thực hiện giao ước».
VERBS = (
    "hoàn thành",
    "đạt",
    "thực hiện",
    "thực hành",
    "ký kết",
    "tham gia",
    "tổ chức",
    "triển khai",
    "ban hành",
    "xây dựng",
    "duy trì",
    "bảo đảm",
    "đảm bảo",
    "không để",
    "không có",
    "có",
    "gửi",
    "nộp",
    "chấp hành",
)


def subject(facts: Facts[Any]) -> str:
    """The indicator's title as the subject of a sentence: capitalised, cut at a colon.

    «Tai nạn giao thông: giảm số vụ, …» -> «Tai nạn giao thông», so a sentence
    can go on with its own colon.
    """
    head = facts.heading.split(":", 1)[0].strip()
    return head or facts.heading


def lower_first(text: str) -> str:
    """The text with a small first letter, unless it opens with an abbreviation (GRDP, PCI)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def predicate(title: str) -> str | None:
    """The title as what members did, when it opens with a verb; else None."""
    low = lower_first(title.strip())
    for verb in VERBS:
        if low.lower().startswith(verb + " "):
            return low
    return None


def members(names: Sequence[str], noun: str, limit: int = 6) -> str:
    """«A, B và C»; past ``limit`` names, «A, B, C, D và 3 tỉnh khác»."""
    names = list(names)
    if len(names) > limit:
        shown = limit - 1
        return ", ".join(names[:shown]) + f" và {len(names) - shown} {noun} khác"
    return join(names)


def reached(k: int, n: int, noun: str, what: str) -> str:
    """«12/12 tỉnh đều đạt …», «chưa có tỉnh nào đạt …», or «có 9/12 tỉnh đạt …»."""
    if n and k == n:
        return f"{k}/{n} {noun} đều {what}"
    if k == 0:
        return f"chưa có {noun} nào {what}"
    return f"có {k}/{n} {noun} {what}"


def no_data(facts: Facts[Any]) -> Writeup:
    """The sentence of an indicator no member has usable figures for."""
    return Writeup(
        f"{subject(facts)}: chưa có số liệu của {facts.noun} nào.", {"members": len(facts.rows), "kind": "none"}
    )


def is_rate(unit: str) -> bool:
    """Whether figures in this unit are rates (%): averaged, never summed; changes in percentage points."""
    return unit.strip() == "%"


def cluster_kind(facts: Facts[Any]) -> str:
    """How the cluster figure is formed: «sum», «mean» (a rate is always a mean) or «none»."""
    if facts.aggregate == "none":
        return "none"
    return "mean" if is_rate(facts.unit) else facts.aggregate


def cluster_figure(
    facts: Facts[Any], values: Sequence[float], lacking: Sequence[str], verb: str = "đạt"
) -> tuple[float, str]:
    """The cluster figure of the members' values and the words that open the sentence with it.

    A sum says «toàn Cụm» (and who is not in it); a mean says whose mean it is,
    the plain average of the members that reported («bình quân của 12 tỉnh»).
    """
    head = subject(facts)
    if cluster_kind(facts) == "sum":
        total = sum(values)
        text = f"{head} toàn Cụm {verb} {amount(total, facts.unit)}"
        if lacking:
            text += f" (chưa tính {members(lacking, facts.noun)} chưa có số liệu)"
        return total, text
    mean = sum(values) / len(values)
    whose = f"{len(values)} {facts.noun}" + (" có số liệu" if lacking else "")
    if "bình quân" in head.lower():
        return mean, f"{head}, tính bình quân của {whose}, {verb} {amount(mean, facts.unit)}"
    return mean, f"{head} bình quân của {whose} {verb} {amount(mean, facts.unit)}"


def change_words(now: float, before: float, unit: str, year: int, relative: bool) -> str:
    """«tăng 7,34% so với năm 2022», «giảm 1,2 điểm phần trăm so với năm 2022», «bằng năm 2022»."""
    diff = now - before
    if is_rate(unit):
        size, shown = abs(diff), f"{number(abs(diff))} điểm phần trăm"
    elif relative:
        if before == 0:
            return "" if diff else f"bằng năm {year}"
        size = abs(diff) / before * 100
        shown = f"{number(size)}%"
    else:
        size, shown = abs(diff), amount(abs(diff), unit)
    if number(size) == "0":  # nothing left once rounded: not «tăng 0 điểm phần trăm»
        return f"bằng năm {year}"
    return f"{'tăng' if diff > 0 else 'giảm'} {shown} so với năm {year}"


def sentence(text: str, figures: dict[str, Any]) -> Writeup:
    """A write-up ending with one full stop."""
    return Writeup(text.rstrip(" .;,") + ".", figures)
