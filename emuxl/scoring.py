"""Scoring (pure): every member's values and the catalogue → points, with an explanation per cell.

Adjustments by the chair and deputies (*rà soát*) replace a computed score
with a reason and an author; the member's submitted values are never changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .definitions import Campaign, Indicator
from .methods import Cluster, Value, num, plan_ratio, pts

Inputs = Mapping[str, Mapping[str, Mapping[str, Value]]]  # member -> indicator -> input -> value
PeerScores = Mapping[str, Mapping[str, Mapping[str, Value]]]  # scorer -> indicator -> scored member -> points


@dataclass(frozen=True)
class Adjustment:
    """A correction of one member's score on one indicator, with its reason and author."""

    member: str
    indicator: str
    points: float
    reason: str
    author: str
    at: str = ""


@dataclass(frozen=True)
class Cell:
    """One member's points on one indicator: computed, possibly adjusted, and why."""

    indicator: str
    computed: float
    explanation: str
    issue: str | None = None
    adjustment: Adjustment | None = None

    @property
    def points(self) -> float:
        """The points that count: the adjustment when there is one."""
        return self.adjustment.points if self.adjustment else self.computed


@dataclass
class Scorecard:
    """A member's scores (*kết quả chấm điểm*): per indicator, per section, bonus, penalty, total."""

    member: str
    cells: dict[str, Cell] = field(default_factory=dict)
    sections: dict[str, float] = field(default_factory=dict)  # base points per section
    bonus: float = 0.0
    penalty: float = 0.0
    above_plan: int = 0  # indicators with a plan reached or exceeded
    peer: float = 0.0  # points from peer indicators
    submitted: bool = True

    @property
    def total(self) -> float:
        """Base points of every section, plus bonus, minus penalty."""
        return math.fsum(self.sections.values()) + self.bonus - self.penalty


def peer_scores_for(member: str, indicator: str, peer: PeerScores) -> list[float]:
    """The scores other members gave this member on a peer indicator (own score excluded)."""
    given = (sheet.get(indicator, {}).get(member) for scorer, sheet in peer.items() if scorer != member)
    return [x for x in map(num, given) if x is not None]


def _cell(ind: Indicator, member: str, inputs: Inputs, peer: PeerScores, shared: Cluster) -> Cell:
    values = inputs.get(member, {}).get(ind.code, {})
    peer_scored = ind.spec.peer_scored
    if member not in inputs and not peer_scored:
        return Cell(ind.code, 0.0, "chưa nộp biểu → 0 điểm", "not-submitted")
    cluster = Cluster(peer_scores=peer_scores_for(member, ind.code, peer)) if peer_scored else shared
    result = ind.spec.score(values, ind.settings, ind.points, cluster)
    if not math.isfinite(result.points):  # no infinity or NaN reaches a workbook or a report, whatever the input
        return Cell(ind.code, 0.0, "số liệu không tính được điểm → 0 điểm", "not-finite")
    return Cell(ind.code, result.points, result.explanation, result.issue)


def _awaiting(ind: Indicator, cell: Cell, refused: set[tuple[str, str]]) -> Cell:
    """A 0 for a value that was sent but refused at intake, said as such."""
    labels = [i.label for i in ind.inputs if (ind.code, i.name) in refused]
    if not labels:
        return cell
    names = ", ".join(f"«{label}»" for label in labels)
    text = f"số liệu {names} nhập chưa đúng (xem lỗi trong phiếu phản hồi) → tạm tính 0 điểm"
    return Cell(cell.indicator, cell.computed, text, cell.issue)


def reached_plan(ind: Indicator, values: Mapping[str, Value]) -> bool:
    """Whether a member reached the plan of an indicator that has one (actual ≥ plan > 0)."""
    ratio = plan_ratio(values) if ind.spec.uses_plan else None
    return ratio is not None and ratio >= 1


def self_score(ind: Indicator, values: Mapping[str, Value]) -> float | None:
    """The self-score the form's formula computes, or None when the member types it in (or peers score it).

    A penalty shows negative, as the form adds up signed points.
    """
    method = ind.spec
    if not method.self_scored:
        return None
    points = method.score(values, ind.settings, ind.points, Cluster()).points
    return -points if method.role == "penalty" else points


def score(
    campaign: Campaign,
    inputs: Inputs,
    peer: PeerScores | None = None,
    adjustments: list[Adjustment] | None = None,
    refused: Mapping[str, set[tuple[str, str]]] | None = None,
) -> dict[str, Scorecard]:
    """Every member's scorecard, in member order; members without a return score 0 with a note.

    ``refused``: member -> (indicator, input) sent but not usable (an intake error), so that a score of 0
    says the value is awaiting correction rather than that nothing was sent.
    """
    peer = peer or {}
    refused = refused or {}
    latest = {(a.member, a.indicator): a for a in adjustments or []}
    cards: dict[str, Scorecard] = {}
    clusters = {  # one per indicator, shared by every member
        ind.code: Cluster(values=[inputs[m].get(ind.code, {}) for m in inputs] if ind.spec.cluster_wide else ())
        for ind in campaign.catalogue.indicators
    }
    for member in campaign.member_codes:
        card = Scorecard(member, submitted=member in inputs)
        for ind in campaign.catalogue.indicators:
            cell = _cell(ind, member, inputs, peer, clusters[ind.code])
            if cell.issue == "missing-input" and refused.get(member):
                cell = _awaiting(ind, cell, refused[member])
            adj = latest.get((member, ind.code))
            if adj:
                cell = Cell(cell.indicator, cell.computed, cell.explanation, cell.issue, adj)
            card.cells[ind.code] = cell
            if reached_plan(ind, inputs.get(member, {}).get(ind.code, {})):
                card.above_plan += 1
        cards[member] = tally(campaign, card)
    return cards


def tally(campaign: Campaign, card: Scorecard) -> Scorecard:
    """The card with its section subtotals, bonus, penalty and peer points summed from its cells, in place."""
    card.bonus = card.penalty = card.peer = 0.0
    card.sections = {}
    for section in campaign.catalogue.sections:
        base: list[float] = []
        for ind in section.indicators:
            points = card.cells[ind.code].points
            role = ind.spec.role
            if role == "bonus":
                card.bonus += points
            elif role == "penalty":
                card.penalty += points
            else:
                base.append(points)
            if ind.spec.peer_scored:
                card.peer += points
        if any(i.spec.role == "base" for i in section.indicators):
            card.sections[section.code] = math.fsum(base)
    return card


def with_points(campaign: Campaign, card: Scorecard, indicator: str, points: float) -> Scorecard:
    """A copy of the card with one indicator's points set as an adjustment would set them, sums recomputed."""
    cell = card.cells[indicator]
    cells = dict(card.cells)
    cells[indicator] = Cell(
        cell.indicator, cell.computed, cell.explanation, cell.issue, Adjustment("", "", points, "", "")
    )
    copy = Scorecard(card.member, cells, above_plan=card.above_plan, submitted=card.submitted)
    return tally(campaign, copy)


def explain(cell: Cell) -> str:
    """The cell's explanation, with its adjustment if any."""
    if cell.adjustment is None:
        return cell.explanation
    a = cell.adjustment
    return f"{cell.explanation}; điều chỉnh thành {pts(a.points)} điểm ({a.reason}; {a.author})"
