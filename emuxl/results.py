"""The year's results from the store: scores and ranking, and the JSON made from them.

One computation feeds every output — ``--json``, ``out/ranking.xlsx`` and the
reports — so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .definitions import Campaign
from .layout import KIND_MEMBER, KIND_PEER
from .ranking import AWARD_VI, Ranking, rank
from .scoring import Adjustment, Inputs, PeerScores, Scorecard, explain, score
from .store import Store


@dataclass
class Results:
    """Everything the year's outputs are made from."""

    campaign: Campaign
    inputs: Inputs
    peer: PeerScores
    cards: dict[str, Scorecard]
    ranking: Ranking


def compute(campaign: Campaign) -> Results:
    """Score and rank the members from the submissions that count and the adjustments in force."""
    with Store(campaign.folder, readonly=True) as store:
        inputs = store.counted_values(KIND_MEMBER)
        peer = store.counted_values(KIND_PEER)
        adjustments = [Adjustment(*row) for row in store.adjustments()]
        refused = store.refused_inputs(KIND_MEMBER)
    cards = score(campaign, inputs, peer, adjustments, refused)
    return Results(campaign, inputs, peer, cards, rank(campaign, cards))


def as_data(results: Results) -> dict[str, Any]:
    """The full result as plain data: per member section subtotals, total, rank, tie-break, eligibility, award."""
    campaign, ranking = results.campaign, results.ranking
    members = []
    for s in ranking.standings:
        card = results.cards[s.member]
        members.append(
            {
                "rank": s.rank,
                "code": s.member,
                "name": s.name,
                "sections": card.sections,
                "bonus": card.bonus,
                "penalty": card.penalty,
                "total": card.total,
                "shown": s.shown,
                "tie_break": s.tie_break,
                "vote": s.vote,
                "eligible": s.eligible,
                "not_eligible_because": s.reasons,
                "not_eligible_for_flag_because": s.flag_reasons,
                "award": s.award,
                "award_name": AWARD_VI.get(s.award or ""),
                "justification": s.justification,
                "submitted": card.submitted,
                "indicators": {
                    code: {
                        "points": cell.points,
                        "computed": cell.computed,
                        "explanation": explain(cell),
                        "issue": cell.issue,
                        "adjusted": cell.adjustment is not None,
                    }
                    for code, cell in card.cells.items()
                },
            }
        )
    return {
        "cluster": campaign.cluster,
        "year": campaign.year,
        "quotas": {"flag": ranking.flag_quota, "merit": ranking.merit_quota},
        "proposed": ranking.proposed,
        "next_chair": ranking.next_chair,
        "next_deputies": ranking.next_deputies,
        "notes": ranking.notes,
        "members": members,
    }
