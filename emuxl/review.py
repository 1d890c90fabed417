"""The review (*rà soát*): explicit acceptances of numbers typed as text, and the chair's corrections.

Both are kept in the store with their author (and, for a correction, its
reason); the values a member sent are never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .definitions import Campaign, Indicator
from .errors import InvalidRequest, NothingToAccept
from .layout import KIND_MEMBER
from .store import Store


@dataclass(frozen=True)
class Acceptance:
    """A number typed as text (``1.234,5``), accepted as the number emuxl read from it."""

    indicator: str
    field: str
    cell: str
    raw: str
    number: float


def _check_member(campaign: Campaign, member: str) -> None:
    if member not in campaign.member_codes:
        raise InvalidRequest(f"{member} is not a member; members are {', '.join(campaign.member_codes)}")


def _indicator(campaign: Campaign, code: str) -> Indicator:
    found = next((i for i in campaign.catalogue.indicators if i.code == code), None)
    if found is None:
        raise InvalidRequest(f"no indicator {code} in the catalogue")
    return found


def accept_numbers(campaign: Campaign, member: str, indicators: Iterable[str], author: str) -> list[Acceptance]:
    """Accept the readings of the numbers typed as text in a member's counted form (only these indicators, if any)."""
    _check_member(campaign, member)
    only = set(indicators)
    with Store(campaign.folder) as store:
        sid = store.counted().get((member, KIND_MEMBER))
        if sid is None:
            raise NothingToAccept(f"no accepted form of {campaign.member(member).name} yet; run 'emuxl collect'")
        chosen = [i for i in store.issues(sid) if i["suggested"] is not None and (not only or i["indicator"] in only)]
        if not chosen:
            raise NothingToAccept("nothing to accept: no number typed as text with a reading in that form")
        store.accept(sid, chosen, author)
    return [Acceptance(i["indicator"], i["field"], i["cell"], i["raw"], i["suggested"]) for i in chosen]


def adjust_score(
    campaign: Campaign, member: str, indicator: str, points: float | None, reason: str, author: str
) -> None:
    """Correct a member's points on an indicator (between 0 and its most points), or withdraw with ``None``."""
    _check_member(campaign, member)
    most = _indicator(campaign, indicator).max_points
    if points is not None and not 0 <= points <= most:
        raise InvalidRequest(
            f"{points:g} points is out of range for {indicator}: give between 0 and {most:g} (its most points)"
        )
    with Store(campaign.folder) as store:
        store.add_adjustment(member, indicator, points, reason, author)
