"""How solid the ranking is (*độ tin cậy của kết quả xếp hạng*), pure: margins, rank intervals, outliers.

Three views, after COINr's sensitivity analysis:

- **margins** at each award boundary (last Flag, last Merit) and at first place: the gap at the published
  precision, and the smallest single change of one member's points on one indicator that flips it, found
  by re-ranking the two members exactly as ``rank`` would (sums, rounding, tie-break chain);
- **rank intervals**: each member's ranks over Monte Carlo draws in which every indicator's points vary by
  ± ``vary`` (one factor per indicator and draw, i.e. the scoring table's weights; or, with
  ``spread: member``, one per member, indicator and draw), with a fixed seed; a member whose interval
  crosses an award boundary is flagged;
- **outliers**: members whose gap to the cluster's mean comes more than ``outlier_share`` from one indicator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .definitions import Campaign, Indicator, Robustness
from .ranking import AWARD_VI, FLAG, MERIT, Ranking, Standing, order_keys, quotas, round_half_up
from .scoring import Scorecard, with_points
from .vnformat import fixed, join, number

if TYPE_CHECKING:
    import numpy as np

BoundaryKind = Literal["first", "flag", "merit"]
BOUNDARY_VI = {
    "first": "Vị trí dẫn đầu",
    FLAG: f"Suất {AWARD_VI[FLAG]} cuối cùng",
    MERIT: f"Suất {AWARD_VI[MERIT]} cuối cùng",
}
CHUNK_CELLS = 8_000_000  # random factors drawn at once with spread: member (64 MB)


@dataclass(frozen=True)
class Place:
    """A member at a boundary: code, name, rank and total as published."""

    member: str
    name: str
    rank: int
    shown: float


@dataclass(frozen=True)
class Flip:
    """The smallest single change that flips a boundary: one indicator of one member, by so many points."""

    member: str
    name: str
    indicator: str
    title: str
    change: float  # signed points on the indicator: + raises it, - lowers it
    points: float  # the points it has now
    carriers: int  # how many (member, indicator) pairs could carry a change of this size

    @property
    def becomes(self) -> float:
        """The indicator's points after the change (what an adjustment would set)."""
        return self.points + self.change

    @property
    def words(self) -> str:
        """«điểm tiêu chí A03 của Tiền Giang tăng 0,36 điểm»."""
        way = "tăng" if self.change > 0 else "giảm"
        return f"điểm tiêu chí {self.indicator} của {self.name} {way} {fixed(abs(self.change))} điểm"


@dataclass(frozen=True)
class Boundary:
    """A place the meeting decides on: who is just inside, who just outside, the margin and what flips it."""

    kind: BoundaryKind
    inside: Place
    outside: Place
    margin: float
    flip: Flip | None

    @property
    def label(self) -> str:
        """The boundary in Vietnamese («Suất Cờ thi đua của Chính phủ cuối cùng»)."""
        return BOUNDARY_VI[self.kind]

    @property
    def sentence(self) -> str:
        """The boundary in one Vietnamese sentence."""
        a, b = self.inside, self.outside
        text = f"{self.label}: {a.name} (hạng {a.rank}, {fixed(a.shown)} điểm) "
        if self.margin:
            text += f"hơn {b.name} (hạng {b.rank}, {fixed(b.shown)} điểm) {fixed(self.margin)} điểm"
        elif a.rank == b.rank:
            text += f"bằng điểm và đồng hạng với {b.name}, chờ biểu quyết"
        else:
            text += f"bằng điểm {b.name} (hạng {b.rank}), xếp trên nhờ tiêu chí phụ hoặc biểu quyết"
        if self.flip is None:
            return text + "; không một thay đổi điểm nào ở một tiêu chí đảo được thứ tự này."
        others = self.flip.carriers - 1
        also = f" (hoặc thay đổi như vậy ở {others} tiêu chí khác của hai đơn vị)" if others else ""
        return text + f"; thay đổi nhỏ nhất làm đảo thứ tự: {self.flip.words}{also}."


@dataclass(frozen=True)
class Interval:
    """A member's ranks over the draws: the central interval, and how often it got each award."""

    member: str
    name: str
    rank: int
    low: int
    high: int
    flag_share: float
    merit_share: float
    crosses: tuple[str, ...] = ()  # boundaries its interval crosses: "first", "flag", "merit"
    eligible: bool = True

    @property
    def note(self) -> str:
        """What its interval means for the awards, in Vietnamese."""
        if not self.crosses:
            return ""
        names = {"first": "vị trí dẫn đầu", FLAG: "ranh giới Cờ thi đua", MERIT: "ranh giới Bằng khen"}
        return "Khoảng thứ hạng vượt qua " + " và ".join(names[c] for c in self.crosses)


@dataclass(frozen=True)
class Outlier:
    """A member whose gap to the cluster's mean comes mostly from one indicator."""

    member: str
    name: str
    rank: int
    indicator: str
    title: str
    share: float  # of its gap above (or below) the mean
    above: bool  # the gap is above the mean
    rank_without: int  # its rank if that indicator counted for nobody

    @property
    def sentence(self) -> str:
        """The outlier in one Vietnamese sentence."""
        side = "trên" if self.above else "dưới"
        text = (
            f"{number(round(self.share * 100))}% khoảng cách {side} mức bình quân Cụm của {self.name} "
            f"đến từ tiêu chí {self.indicator}"
        )
        if self.rank_without != self.rank:
            text += f"; không tính tiêu chí này thì xếp thứ {self.rank_without} (nay thứ {self.rank})"
        return text


@dataclass(frozen=True)
class Robust:
    """The robustness of one year's ranking: settings, boundaries, intervals, outliers."""

    settings: Robustness
    boundaries: list[Boundary]
    intervals: list[Interval]
    outliers: list[Outlier]
    noun: str = "đơn vị"
    decimals: int = 2
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[Interval]:
        """The eligible members whose rank interval crosses an award boundary."""
        return [i for i in self.intervals if i.crosses and i.eligible]

    @property
    def method_words(self) -> str:
        """How the intervals were drawn, in Vietnamese."""
        what = "điểm tối đa của mỗi tiêu chí" if self.settings.spread == "indicator" else "điểm của mỗi tiêu chí"
        return (
            f"khi {what} thay đổi ngẫu nhiên trong khoảng ±{number(self.settings.vary * 100)}% "
            f"({number(self.settings.draws)} lần mô phỏng, hạt giống {self.settings.seed}; "
            f"khoảng chứa {number(self.settings.interval * 100)}% số lần)"
        )

    @property
    def sentence(self) -> str:
        """A short paragraph for the minutes: the margins, who is not safe, what rests on one indicator."""
        parts = [b.sentence for b in self.boundaries]
        flagged = self.flagged
        if flagged:
            shown = [f"{i.name} (hạng {i.low}–{i.high})" for i in flagged[:8]]
            if len(flagged) > 8:
                shown.append(f"{len(flagged) - 8} {self.noun} khác")
            parts.append(
                f"{self.method_words[:1].upper()}{self.method_words[1:]}, khoảng thứ hạng của {join(shown)} "
                f"vượt qua ranh giới khen thưởng; các {self.noun} còn lại giữ nguyên nhóm khen thưởng."
            )
        elif self.intervals:
            parts.append(
                f"{self.method_words[:1].upper()}{self.method_words[1:]}, không {self.noun} nào có khoảng thứ hạng "
                "vượt qua ranh giới khen thưởng."
            )
        decisive = [o for o in self.outliers if o.rank_without != o.rank][:3]
        if decisive:
            parts.append("Phụ thuộc vào một tiêu chí: " + "; ".join(o.sentence for o in decisive) + ".")
        return " ".join(parts)

    def as_data(self) -> dict[str, Any]:
        """The robustness as plain data (``rank --json``'s ``robustness``)."""
        return {
            "settings": self.settings.model_dump(),
            "boundaries": [
                {
                    "kind": b.kind,
                    "label": b.label,
                    "inside": vars(b.inside),
                    "outside": vars(b.outside),
                    "margin": b.margin,
                    "flip": None
                    if b.flip is None
                    else {
                        "member": b.flip.member,
                        "indicator": b.flip.indicator,
                        "change": b.flip.change,
                        "points": b.flip.points,
                        "becomes": b.flip.becomes,
                        "carriers": b.flip.carriers,
                    },
                    "sentence": b.sentence,
                }
                for b in self.boundaries
            ],
            "intervals": {
                i.member: {
                    "rank": i.rank,
                    "low": i.low,
                    "high": i.high,
                    "flag_share": i.flag_share,
                    "merit_share": i.merit_share,
                    "crosses": list(i.crosses),
                    "flagged": bool(i.crosses) and i.eligible,
                }
                for i in self.intervals
            },
            "outliers": [
                {
                    "member": o.member,
                    "indicator": o.indicator,
                    "share": o.share,
                    "above_mean": o.above,
                    "rank": o.rank,
                    "rank_without": o.rank_without,
                    "sentence": o.sentence,
                }
                for o in self.outliers
            ],
            "notes": self.notes,
            "sentence": self.sentence,
        }


# ------------------------------------------------------------------ margins and the smallest flip


def _place(s: Standing) -> Place:
    return Place(s.member, s.name, s.rank, s.shown)


def _pairs(ranking: Ranking) -> list[tuple[BoundaryKind, Standing, Standing]]:
    """The members just inside and just outside the first place and each award's last place (by score)."""
    standings = ranking.standings
    pairs: list[tuple[BoundaryKind, Standing, Standing]] = []
    if len(standings) > 1:
        pairs.append(("first", standings[0], standings[1]))
    for award in (FLAG, MERIT):
        tied = [s for s in standings if award in s.pending[:1]]
        if len(tied) > 1:  # still to be voted on: the boundary runs through the tie
            pairs.append((award, tied[0], tied[1]))
            continue
        holders = [n for n, s in enumerate(standings) if s.proposed == award]
        if not holders:
            continue
        inside = standings[holders[-1]]
        outside = next(
            (
                s
                for s in standings[holders[-1] + 1 :]
                if s.eligible
                and not s.pending
                and (s.proposed is None or (award == FLAG and s.proposed == MERIT))
                and not (award == FLAG and s.flag_reasons)
            ),
            None,
        )
        if outside is not None:
            pairs.append((award, inside, outside))
    return pairs


def _ahead(campaign: Campaign, a: Scorecard, b: Scorecard) -> bool:
    """Whether ``b`` now ranks strictly above ``a``."""
    return order_keys(campaign, b) > order_keys(campaign, a)


def smallest_flip(campaign: Campaign, cards: Mapping[str, Scorecard], a: Standing, b: Standing) -> Flip | None:
    """The smallest change, at the published precision, of one indicator's points of ``a`` (down) or ``b`` (up)
    after which ``b`` ranks above ``a``; None when no single indicator has room for it."""
    step = 10.0**-campaign.ranking.decimals
    margin = max(0.0, a.shown - b.shown)
    start = max(1, round(margin / step) - 1)
    best: tuple[tuple[float, float, int], Flip] | None = None
    carriers = 0
    for who, card, up in ((b, cards[b.member], True), (a, cards[a.member], False)):
        for order, ind in enumerate(campaign.catalogue.indicators):
            change = _least_change(campaign, cards[a.member], cards[b.member], card, ind, up, start, step)
            if change is None:
                continue
            key = (round(abs(change), 9), abs(change) / ind.points, order)
            if best is None or key[0] < best[0][0]:
                carriers = 1
            elif key[0] == best[0][0]:
                carriers += 1
            if best is None or key < best[0]:
                points = card.cells[ind.code].points
                best = (key, Flip(who.member, who.name, ind.code, ind.title, change, points, 0))
    if best is None:
        return None
    flip = best[1]
    return Flip(flip.member, flip.name, flip.indicator, flip.title, flip.change, flip.points, carriers)


def _least_change(
    campaign: Campaign,
    a: Scorecard,
    b: Scorecard,
    card: Scorecard,
    ind: Indicator,
    up: bool,
    start: int,
    step: float,
) -> float | None:
    """The least multiple of ``step`` (from ``start`` steps) by which moving this indicator of ``card`` puts b
    above a: raising b's total (up) or lowering a's; None when the indicator has no room for it."""
    points = card.cells[ind.code].points
    sign = -1.0 if ind.spec.role == "penalty" else 1.0  # a penalty counts against the total
    direction = sign if up else -sign
    room = ind.max_points - points if direction > 0 else points
    decimals = campaign.ranking.decimals
    for k in range(start, start + 4):
        change = direction * round(k * step, decimals)
        if k * step > room + 1e-9:
            return None
        moved = with_points(campaign, card, ind.code, points + change)
        if _ahead(campaign, moved if card is a else a, moved if card is b else b):
            return change
    return None


def boundaries(campaign: Campaign, cards: Mapping[str, Scorecard], ranking: Ranking) -> list[Boundary]:
    """Every boundary the meeting decides on, with its margin and smallest flip."""
    decimals = campaign.ranking.decimals
    out = []
    for kind, a, b in _pairs(ranking):
        margin = round_half_up(max(0.0, a.shown - b.shown), decimals)
        out.append(Boundary(kind, _place(a), _place(b), margin, smallest_flip(campaign, cards, a, b)))
    return out


# ------------------------------------------------------------------ Monte Carlo rank intervals


def points_matrix(campaign: Campaign, cards: Mapping[str, Scorecard], codes: Sequence[str]) -> np.ndarray:
    """Members × indicators: the points that count, penalties negative (rows in ``codes`` order)."""
    import numpy as np

    inds = campaign.catalogue.indicators
    sign = np.array([-1.0 if i.spec.role == "penalty" else 1.0 for i in inds])
    matrix = np.array([[cards[c].cells[i.code].points for i in inds] for c in codes], dtype=float)
    return matrix * sign


def _draw_totals(points: np.ndarray, settings: Robustness) -> np.ndarray:
    """Draws × members: totals with every indicator's points multiplied by a factor in 1 ± vary."""
    import numpy as np

    rng = np.random.default_rng(settings.seed)
    low, high = 1 - settings.vary, 1 + settings.vary
    n, k = points.shape
    if settings.spread == "indicator":
        factors = rng.uniform(low, high, size=(settings.draws, k))
        return factors @ points.T
    totals = np.empty((settings.draws, n))
    chunk = max(1, CHUNK_CELLS // max(1, n * k))
    for start in range(0, settings.draws, chunk):
        size = min(chunk, settings.draws - start)
        factors = rng.uniform(low, high, size=(size, n, k))
        totals[start : start + size] = np.einsum("dnk,nk->dn", factors, points)
    return totals


def intervals(
    campaign: Campaign, cards: Mapping[str, Scorecard], ranking: Ranking, bounds: Sequence[Boundary]
) -> list[Interval]:
    """Each member's central rank interval over the draws, its award shares, and the boundaries it crosses."""
    import numpy as np

    settings = campaign.robustness
    standings = ranking.standings
    n = len(standings)
    if n < 2:
        return []
    codes = [s.member for s in standings]
    totals = np.round(_draw_totals(points_matrix(campaign, cards, codes), settings), campaign.ranking.decimals)
    order = np.argsort(-totals, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1), axis=1)
    eligible = np.array([s.eligible for s in standings])
    for_flag = eligible & np.array([not s.flag_reasons for s in standings])
    flag_quota, merit_quota = quotas(campaign)
    sorted_flag = for_flag[order]
    gets_flag = sorted_flag & (np.cumsum(sorted_flag, axis=1) <= flag_quota)
    sorted_merit = eligible[order] & ~gets_flag
    gets_merit = sorted_merit & (np.cumsum(sorted_merit, axis=1) <= merit_quota)
    flags = np.bincount(order[gets_flag], minlength=n) / settings.draws
    merits = np.bincount(order[gets_merit], minlength=n) / settings.draws
    tail = (1 - settings.interval) / 2
    low = np.quantile(ranks, tail, axis=0, method="inverted_cdf")
    high = np.quantile(ranks, 1 - tail, axis=0, method="inverted_cdf")
    lines = {b.kind: b.inside.rank for b in bounds}
    out = []
    for j, s in enumerate(standings):
        lo, hi = int(low[j]), int(high[j])
        crosses = tuple(kind for kind, line in lines.items() if lo <= line < hi)
        out.append(Interval(s.member, s.name, s.rank, lo, hi, float(flags[j]), float(merits[j]), crosses, s.eligible))
    return out


# ------------------------------------------------------------------ outliers


def outliers(campaign: Campaign, cards: Mapping[str, Scorecard], ranking: Ranking) -> list[Outlier]:
    """Members whose gap to the cluster's mean comes more than ``outlier_share`` from one indicator."""
    import numpy as np

    standings = ranking.standings
    if len(standings) < 3:
        return []
    inds = campaign.catalogue.indicators
    codes = [s.member for s in standings]
    points = points_matrix(campaign, cards, codes)
    gaps = points - points.mean(axis=0)
    totals = points.sum(axis=1)
    step = 10.0**-campaign.ranking.decimals
    out = []
    for j, s in enumerate(standings):
        gap = gaps[j].sum()
        if abs(gap) < step:
            continue
        same = np.clip(gaps[j], 0, None) if gap > 0 else np.clip(-gaps[j], 0, None)
        whole = same.sum()
        top = int(same.argmax())
        share = float(same[top] / whole) if whole > 0 else 0.0
        if share <= campaign.robustness.outlier_share:
            continue
        without = totals - points[:, top]
        rank_without = 1 + int((np.round(without, 9) > round(float(without[j]), 9)).sum())
        ind = inds[top]
        out.append(Outlier(s.member, s.name, s.rank, ind.code, ind.title, share, bool(gap > 0), rank_without))
    return out


def assess(campaign: Campaign, cards: Mapping[str, Scorecard], ranking: Ranking) -> Robust:
    """How solid this ranking is: boundaries with their smallest flip, rank intervals, outliers."""
    import time

    started = time.perf_counter()
    bounds = boundaries(campaign, cards, ranking)
    spans = intervals(campaign, cards, ranking, bounds)
    odd = outliers(campaign, cards, ranking)
    notes = []
    if not any(b.kind != "first" for b in bounds):
        notes.append(
            "Không có ranh giới khen thưởng nào để xét: chưa có đề nghị khen thưởng, hoặc không còn đơn vị ngoài."
        )
    return Robust(
        campaign.robustness,
        bounds,
        spans,
        odd,
        campaign.report.member_noun,
        campaign.ranking.decimals,
        time.perf_counter() - started,
        notes,
    )
