"""The review (*rà soát*): explicit acceptances of numbers typed as text, the chair's corrections, and the
choice of the file that counts when a member sent several.

All are kept in the store with their author (and, for a correction, its
reason); the values a member sent are never changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .definitions import Campaign, Indicator
from .errors import InvalidRequest, NothingToAccept
from .i18n import _
from .layout import KIND_MEMBER
from .store import NOT_COUNTED, Row, Store


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
        raise InvalidRequest(
            _("{member} is not a member; members are {members}").format(
                member=member, members=", ".join(campaign.member_codes)
            )
        )


def _indicator(campaign: Campaign, code: str) -> Indicator:
    found = next((i for i in campaign.catalogue.indicators if i.code == code), None)
    if found is None:
        raise InvalidRequest(_("no indicator {code} in the catalogue").format(code=code))
    return found


def accept_numbers(campaign: Campaign, member: str, indicators: Iterable[str], author: str) -> list[Acceptance]:
    """Accept the readings of the numbers typed as text in a member's counted form (only these indicators, if any)."""
    _check_member(campaign, member)
    only = set(indicators)
    with Store(campaign.folder) as store:
        sid = store.counted().get((member, KIND_MEMBER))
        if sid is None:
            raise NothingToAccept(
                _("no accepted form of {name} yet; run 'emuxl collect'").format(name=campaign.member(member).name)
            )
        chosen = [i for i in store.issues(sid) if i["suggested"] is not None and (not only or i["indicator"] in only)]
        if not chosen:
            raise NothingToAccept(_("nothing to accept: no number typed as text with a reading in that form"))
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
            _(
                "{points:g} points is out of range for {indicator}: give between 0 and {most:g} (its most points)"
            ).format(points=points, indicator=indicator, most=most)
        )
    with Store(campaign.folder) as store:
        store.add_adjustment(member, indicator, points, reason, author)


@dataclass(frozen=True)
class Chosen:
    """The file chosen to count for a member, by whom."""

    member: str
    kind: str
    name: str
    received_at: str
    saved_at: str
    author: str


HEX = frozenset("0123456789abcdef")


def _matches(row: Row, wanted: str) -> bool:
    """Whether a stored file is the one named: its name or path as received, or the start of its hash (8 or more
    hex digits, also as its archive copy ``archive/<sha256>.xlsx``)."""
    if wanted in (row.name, row.path):
        return True
    stem = Path(wanted).name.split(".")[0].lower()
    if len(stem) >= 8 and set(stem) <= HEX and row.sha256.startswith(stem):
        return True
    try:
        return os.path.realpath(wanted) == os.path.realpath(row.path)
    except (OSError, ValueError):
        return False


def choose_file(campaign: Campaign, member: str, file: str, author: str) -> Chosen:
    """Make one of a member's files the one that counts, kept with who chose; a file received afterwards counts
    again by the usual rule. FILE is its name as received, its path, or the start of its hash (its archive copy).
    """
    _check_member(campaign, member)
    name = campaign.member(member).name
    with Store(campaign.folder) as store:
        rows = store.submissions(member)
        found = [r for r in rows if _matches(r, file)]
        if not found:
            known = "; ".join(f"{r.name} ({r.status})" for r in rows) or _("none yet")
            raise InvalidRequest(
                _("{name} sent no file called {file}; its files: {known}").format(
                    name=name, file=repr(file), known=known
                )
            )
        if len(found) > 1:
            copies = ", ".join(
                _("{sha256} (received {received_at}, saved {saved_at})").format(
                    sha256=r.sha256[:12], received_at=r.received_at, saved_at=r.saved_at
                )
                for r in found
            )
            raise InvalidRequest(
                _("{count} files of {name} are called {file}; name one by the start of its hash: {copies}").format(
                    count=len(found), name=name, file=repr(file), copies=copies
                )
            )
        row = found[0]
        if row.status in NOT_COUNTED:
            raise InvalidRequest(
                _("{file} is {status}: it has no values to count; ask {name} to send the form again").format(
                    file=row.name, status=row.status, name=name
                )
            )
        store.choose(member, row.kind or KIND_MEMBER, row.id, author)
    return Chosen(member, row.kind or KIND_MEMBER, row.name, row.received_at, row.saved_at, author)
