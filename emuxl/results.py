"""The year's results from the store: scores and ranking, and the JSON made from them.

One computation feeds every output — ``--json``, ``out/ranking.xlsx`` and the
reports — so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .compare import YearOnYear, compare, movement_data
from .definitions import Campaign, load_campaign
from .errors import DefinitionsError, PreviousYearError
from .i18n import _
from .layout import KIND_MEMBER, KIND_PEER
from .ranking import AWARD_VI, Ranking, rank
from .robustness import Robust, assess
from .scoring import Adjustment, Inputs, PeerScores, Scorecard, explain, score
from .store import STORE_FILE, Store


@dataclass
class Results:
    """Everything the year's outputs are made from."""

    campaign: Campaign
    inputs: Inputs
    peer: PeerScores
    cards: dict[str, Scorecard]
    ranking: Ranking
    previous: Results | None = None  # last year's (``previous:`` in campaign.yaml)

    @cached_property
    def robustness(self) -> Robust:
        """How solid the ranking is: margins at the boundaries, rank intervals, outliers."""
        return assess(self.campaign, self.cards, self.ranking)

    @cached_property
    def year_on_year(self) -> YearOnYear | None:
        """This year against last year, when ``previous:`` is set."""
        last = self.previous
        if last is None:
            return None
        return compare(self.campaign, self.ranking, self.cards, last.campaign, last.ranking, last.cards)


def compute(campaign: Campaign, with_previous: bool = True) -> Results:
    """Score and rank the members from the submissions that count and the adjustments in force; with
    ``previous:`` set, last year's results too."""
    with Store(campaign.folder, readonly=True) as store:
        inputs = store.counted_values(KIND_MEMBER)
        peer = store.counted_values(KIND_PEER)
        adjustments = [Adjustment(*row) for row in store.adjustments()]
        refused = store.refused_inputs(KIND_MEMBER)
    cards = score(campaign, inputs, peer, adjustments, refused)
    results = Results(campaign, inputs, peer, cards, rank(campaign, cards))
    if with_previous and campaign.previous_folder is not None:
        results.previous = compute(last_year(campaign), with_previous=False)
    return results


def last_year(campaign: Campaign) -> Campaign:
    """Last year's campaign (``previous:``), checked to have its returns collected."""
    folder = campaign.previous_folder
    assert folder is not None

    def refuse(message: str) -> PreviousYearError:
        return PreviousYearError(str(campaign.problem("previous", message)))

    try:
        last = load_campaign(folder)
    except DefinitionsError as e:
        listed = "".join(f"\n  {p}" for p in e.problems)
        raise refuse(
            _("last year's campaign in {folder} is invalid; fix it there:").format(folder=folder) + listed
        ) from e
    if not (folder / STORE_FILE).is_file():
        raise refuse(
            _(
                "{folder} has no {store}: its returns were never collected;"
                " run 'emuxl collect {folder}', or remove previous"
            ).format(folder=folder, store=STORE_FILE)
        )
    if last.year >= campaign.year:
        raise refuse(
            _("{folder} is the campaign of {year}, not of a year before {this_year}").format(
                folder=folder, year=last.year, this_year=campaign.year
            )
        )
    return last


def as_data(results: Results) -> dict[str, Any]:
    """The full result as plain data: per member section subtotals, total, rank, tie-break, eligibility, award."""
    campaign, ranking = results.campaign, results.ranking
    yearly = results.year_on_year
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
                "proposed_award": s.proposed,
                "pending": s.pending,
                "decided": s.decided,
                "decision": s.decision,
                "justification": s.justification,
                "submitted": card.submitted,
                "previous": movement_data(yearly.of(s.member)) if yearly else None,
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
        "proposed_by_score": ranking.proposed_by_score,
        "votes": [{"rank": v.rank, "order": v.order, "note": v.note, "sentence": v.sentence} for v in ranking.votes],
        "pending_votes": [
            {"rank": p.rank, "award": p.award, "places": p.places, "members": p.members, "sentence": p.sentence}
            for p in ranking.pending
        ],
        "departures": [
            {"member": d.member, "proposed": d.proposed, "final": d.final, "reason": d.reason, "sentence": d.sentence}
            for d in ranking.departures
        ],
        "next_chair": ranking.next_chair,
        "next_deputies": ranking.next_deputies,
        "rotation_decided": ranking.rotation_decided,
        "notes": ranking.notes,
        "members": members,
        "year_on_year": yearly.as_data() if yearly else None,
        "robustness": results.robustness.as_data(),
    }
