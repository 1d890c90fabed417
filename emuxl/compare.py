"""Year on year (*so với năm trước*), pure: this year's ranking against last year's, across a merger.

Members map onto last year's through ``predecessors`` (a member without any is itself last year, by code).
Ranks are compared place for place only when the two years' members match one to one; otherwise every
comparison is marked as across a merger and each member lists its predecessors' ranks. Points are compared
indicator by indicator only where the indicator is the same in both catalogues (method, points, parameters)
and its method does not depend on the other members (``cluster_wide``, ``peer_scored``): a national rank out
of 63 against one out of 34 differs in its parameters and is not compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .definitions import Campaign, Indicator
from .ranking import Ranking
from .scoring import Scorecard
from .vnformat import fixed, join, number


@dataclass(frozen=True)
class Before:
    """A member of last year's cluster as it stood: code, name, rank out of how many, total."""

    code: str
    name: str
    rank: int
    of: int
    shown: float


@dataclass(frozen=True)
class Movement:
    """One member this year against last year."""

    member: str
    name: str
    rank: int
    of: int
    shown: float
    before: list[Before]  # last year's members it comes from (itself, or its predecessors)
    missing: list[str] = field(default_factory=list)  # predecessors that were not in last year's cluster
    across_merger: bool = False  # the members of the two years do not match one to one
    points_now: float | None = None  # over the indicators compared point for point
    points_before: float | None = None

    @property
    def merged(self) -> bool:
        """Formed from more than one unit (listed or not in last year's cluster)."""
        return len(self.before) + len(self.missing) > 1

    @property
    def change(self) -> int | None:
        """Places gained (+) or lost (−) since last year, when the ranks can be compared place for place."""
        if self.across_merger or len(self.before) != 1:
            return None
        return self.before[0].rank - self.rank

    @property
    def words(self) -> str:
        """Its movement for the score table: «tăng 3 bậc», «giữ nguyên», «Vĩnh Long 3/12, Bến Tre 7/12»."""
        change = self.change
        if change is not None:
            return "giữ nguyên" if change == 0 else f"{'tăng' if change > 0 else 'giảm'} {abs(change)} bậc"
        if not self.before:
            return "không có số liệu năm trước"
        listed = ", ".join(f"{b.name} {b.rank}/{b.of}" for b in self.before)
        return listed + (f"; {join(self.missing)} không thuộc Cụm" if self.missing else "")

    @property
    def previous_rank(self) -> int | None:
        """Last year's rank, when it had exactly one predecessor in the cluster."""
        return self.before[0].rank if len(self.before) == 1 else None

    @property
    def previous_total(self) -> float | None:
        """Last year's total, when it had exactly one predecessor in the cluster."""
        return self.before[0].shown if len(self.before) == 1 else None


@dataclass(frozen=True)
class YearOnYear:
    """This year's ranking against last year's."""

    year: int
    previous_year: int
    noun: str
    members: list[Movement]
    across_merger: bool
    compared: list[str]  # indicator codes compared point for point
    not_compared: list[tuple[str, str]]  # indicator code, why not
    gone: list[Before]  # last year's members that are no member's predecessor this year

    @property
    def risers(self) -> list[Movement]:
        """Members that rose, most places first."""
        return sorted((m for m in self.members if (m.change or 0) > 0), key=lambda m: (-(m.change or 0), m.rank))

    @property
    def fallers(self) -> list[Movement]:
        """Members that fell, most places first."""
        return sorted((m for m in self.members if (m.change or 0) < 0), key=lambda m: ((m.change or 0), m.rank))

    @property
    def sentence(self) -> str:
        """Who rose and who fell, in Vietnamese, for section III of the summary report."""
        since = f"So với năm {self.previous_year}"
        if self.across_merger:
            merged = [m for m in self.members if m.before and (m.merged or m.missing)]
            parts = [
                f"{m.name} (năm {self.previous_year}: {', '.join(f'{b.name} hạng {b.rank}/{b.of}' for b in m.before)}"
                + (f"; {join(m.missing)} chưa thuộc Cụm" if m.missing else "")
                + ")"
                for m in merged[:6]
            ]
            text = (
                f"{since}, thành viên của Cụm đã thay đổi sau sắp xếp đơn vị hành chính nên thứ hạng không so sánh "
                "trực tiếp"
            )
            return text + (": " + "; ".join(parts) + "." if parts else ".")
        up = [f"{m.name} tăng {m.change} bậc (từ hạng {m.previous_rank} lên hạng {m.rank})" for m in self.risers]
        down = [
            f"{m.name} giảm {-(m.change or 0)} bậc (từ hạng {m.previous_rank} xuống hạng {m.rank})"
            for m in self.fallers
        ]
        if not up and not down:
            return f"{since}, thứ hạng của các {self.noun} trong Cụm không thay đổi."
        text = f"{since}, " + "; ".join(x for x in (join(up), join(down)) if x)
        steady = len(self.members) - len(up) - len(down)
        return text + (f"; {steady} {self.noun} giữ nguyên thứ hạng." if steady else ".")

    @property
    def not_compared_sentence(self) -> str:
        """Which indicators are not compared point for point, and why, in Vietnamese."""
        if not self.not_compared:
            return ""
        by_reason: dict[str, list[str]] = {}
        for code, why in self.not_compared:
            by_reason.setdefault(why, []).append(code)
        parts = [f"{why} ({', '.join(codes)})" for why, codes in by_reason.items()]
        return (
            f"Không so sánh điểm với năm {self.previous_year} theo từng tiêu chí đối với các tiêu chí "
            + "; ".join(parts)
            + "."
        )

    def of(self, member: str) -> Movement:
        """One member's movement."""
        return next(m for m in self.members if m.member == member)

    def as_data(self) -> dict[str, Any]:
        """The comparison as plain data (``rank --json``'s ``year_on_year``)."""
        return {
            "previous_year": self.previous_year,
            "across_merger": self.across_merger,
            "compared_indicators": self.compared,
            "not_compared": [{"indicator": c, "why": w} for c, w in self.not_compared],
            "gone": [vars(b) for b in self.gone],
            "sentence": self.sentence,
            "not_compared_sentence": self.not_compared_sentence,
        }


def _params(ind: Indicator) -> dict[str, Any]:
    dumped: dict[str, Any] = ind.settings.model_dump(mode="json")
    return dumped


def _why_not(now: Indicator, then: Indicator | None) -> str | None:
    """Why an indicator's points are not compared with last year's, or None when they are."""
    if then is None:
        return "tiêu chí mới"
    if now.spec.cluster_wide or now.spec.peer_scored or then.spec.cluster_wide or then.spec.peer_scored:
        return "điểm phụ thuộc kết quả của các thành viên khác trong Cụm"
    if now.spec is not then.spec:
        return "cách chấm thay đổi"
    if not math.isclose(now.points, then.points):
        return "điểm tối đa thay đổi"
    old, new = _params(then), _params(now)
    if old != new:
        changed = ", ".join(f"{k} {_short(old.get(k))} → {_short(new.get(k))}" for k in new if old.get(k) != new.get(k))
        return f"tham số chấm thay đổi: {changed}"
    return None


def _short(value: Any) -> str:
    return number(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def sources(campaign: Campaign, code: str) -> list[tuple[str, str]]:
    """The (code, name) of last year's units a member comes from: its predecessors, or itself."""
    member = campaign.member(code)
    if member.predecessors:
        return [(p.code, p.name) for p in member.predecessors]
    return [(member.code, member.name)]


def compare(
    campaign: Campaign,
    ranking: Ranking,
    cards: Mapping[str, Scorecard],
    last: Campaign,
    last_ranking: Ranking,
    last_cards: Mapping[str, Scorecard],
) -> YearOnYear:
    """This year's ranking against last year's (merger-aware through ``predecessors``)."""
    before = {
        s.member: Before(s.member, s.name, s.rank, len(last_ranking.standings), s.shown) for s in last_ranking.standings
    }
    mapped = {code: sources(campaign, code) for code in campaign.member_codes}
    used = [c for srcs in mapped.values() for c, _n in srcs if c in before]
    one_to_one = all(len(s) == 1 and s[0][0] in before for s in mapped.values()) and sorted(used) == sorted(before)
    then_by_code = {i.code: i for i in last.catalogue.indicators}
    not_compared: list[tuple[str, str]] = []
    compared: list[str] = []
    for ind in campaign.catalogue.indicators:
        why = _why_not(ind, then_by_code.get(ind.code))
        if why is None:
            compared.append(ind.code)
        else:
            not_compared.append((ind.code, why))
    members = []
    for s in ranking.standings:
        found = [before[c] for c, _n in mapped[s.member] if c in before]
        missing = [f"{n} ({c})" for c, n in mapped[s.member] if c not in before]
        now = then = None
        if len(found) == 1 and not missing:
            now = math.fsum(cards[s.member].cells[c].points for c in compared)
            then = math.fsum(last_cards[found[0].code].cells[c].points for c in compared)
        members.append(
            Movement(
                s.member,
                s.name,
                s.rank,
                len(ranking.standings),
                s.shown,
                found,
                missing,
                not one_to_one,
                now,
                then,
            )
        )
    gone = [b for code, b in before.items() if code not in used]
    return YearOnYear(
        campaign.year,
        last.year,
        campaign.report.member_noun,
        members,
        not one_to_one,
        compared,
        not_compared,
        gone,
    )


def movement_data(m: Movement) -> dict[str, Any]:
    """One member's movement as plain data (each member's ``previous`` in ``rank --json``)."""
    return {
        "rank": m.previous_rank,
        "total": m.previous_total,
        "change": m.change,
        "across_merger": m.across_merger,
        "predecessors": [vars(b) for b in m.before],
        "not_in_cluster": m.missing,
        "comparable_points": None
        if m.points_now is None
        else {
            "now": m.points_now,
            "before": m.points_before,
            "text": f"{fixed(m.points_now)} / {fixed(m.points_before or 0)}",
        },
        "words": m.words,
    }
