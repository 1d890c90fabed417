"""Ranking (pure): totals at the published precision, the tie-break chain, eligibility, awards.

Two members shown with the same total are never separated silently: the
tie-break used is recorded, and members still tied share the rank and are
flagged to be decided by vote (*biểu quyết*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .definitions import Campaign
from .methods import pts
from .scoring import Scorecard

FLAG, MERIT = "flag", "merit"
AWARD_VI = {FLAG: "Cờ thi đua của Chính phủ", MERIT: "Bằng khen của Thủ tướng Chính phủ"}


def round_half_up(x: float, decimals: int = 2) -> float:
    """Round as a spreadsheet's ROUND does (2.675 -> 2.68), on the number as it is shown."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(x)).quantize(quantum, rounding=ROUND_HALF_UP))


@dataclass
class Standing:
    """One member's place (*thứ hạng*): shown total, rank, how ties were broken, eligibility, award."""

    member: str
    name: str
    total: float
    shown: float
    rank: int = 0
    tie_break: str = ""
    vote: bool = False  # still tied after the whole chain: to be decided by vote
    eligible: bool = True  # may be proposed for an award at all
    reasons: list[str] = field(default_factory=list)  # why not eligible for any award
    flag_reasons: list[str] = field(default_factory=list)  # why not eligible for the Flag in particular
    award: str | None = None
    justification: str = ""


@dataclass
class Ranking:
    """The ranking of a campaign: standings in order, award proposals, next chair and deputies."""

    standings: list[Standing]
    flag_quota: int
    merit_quota: int
    next_chair: str
    next_deputies: list[str]
    notes: list[str] = field(default_factory=list)

    def of(self, member: str) -> Standing:
        """The standing of one member."""
        return next(s for s in self.standings if s.member == member)

    @property
    def proposed(self) -> dict[str, list[str]]:
        """Award -> members proposed, in rank order."""
        return {a: [s.member for s in self.standings if s.award == a] for a in (FLAG, MERIT)}


def quotas(campaign: Campaign) -> tuple[int, int]:
    """Flag and Merit quotas: from campaign.yaml, else 2 + 2 above 8 members and 1 + 1 up to 8."""
    by_size = 2 if len(campaign.members) > 8 else 1
    flag = campaign.awards.flag if campaign.awards.flag is not None else by_size
    merit = campaign.awards.merit if campaign.awards.merit is not None else by_size
    return flag, merit


def _key(campaign: Campaign, card: Scorecard, step: str) -> float:
    decimals = campaign.ranking.decimals
    if step == "above_plan":
        return float(card.above_plan)
    if step == "peer":
        return round_half_up(card.peer, decimals)
    return round_half_up(card.sections.get(step.removeprefix("section:"), 0.0), decimals)


STEP_VI = {"above_plan": "số chỉ tiêu đạt/vượt kế hoạch", "peer": "điểm chấm chéo"}


def _step_words(step: str) -> str:
    return STEP_VI.get(step, f"điểm phần {step.removeprefix('section:')}")


def _order(
    campaign: Campaign, group: list[Standing], cards: dict[str, Scorecard], depth: int = 0
) -> list[list[Standing]]:
    """Split a group tied on the shown total into ordered sub-groups by the tie-break chain."""
    chain = campaign.ranking.tie_break
    if len(group) == 1 or depth >= len(chain):
        return [group]
    step = chain[depth]
    values = sorted({_key(campaign, cards[s.member], step) for s in group}, reverse=True)
    out: list[list[Standing]] = []
    for value in values:
        sub = [s for s in group if _key(campaign, cards[s.member], step) == value]
        if len(values) > 1:
            for s in sub:
                s.tie_break += f"{'; ' if s.tie_break else ''}{_step_words(step)}: {pts(value)}"
        out.extend(_order(campaign, sub, cards, depth + 1))
    return out


def _eligibility(campaign: Campaign, card: Scorecard, standing: Standing) -> None:
    member = campaign.member(card.member)
    rules = campaign.ranking
    if member.veto:
        standing.reasons.append(f"vi phạm: {member.veto}")
    if not card.submitted:
        standing.reasons.append("chưa nộp biểu tự chấm điểm")
    if rules.section_floor:
        for section in campaign.catalogue.sections:
            top = sum(i.points for i in section.indicators if i.spec.role == "base")
            got = card.sections.get(section.code)
            if top and got is not None and got < rules.section_floor * top:
                standing.flag_reasons.append(
                    f"phần {section.code} đạt {pts(got)}/{pts(top)} điểm, dưới {pts(rules.section_floor * 100)}%"
                )
    if rules.targets_share:
        planned = [i for i in campaign.catalogue.indicators if i.spec.uses_plan]
        if planned and card.above_plan < rules.targets_share * len(planned):
            standing.flag_reasons.append(f"chỉ {card.above_plan}/{len(planned)} chỉ tiêu đạt/vượt kế hoạch")
    standing.eligible = not standing.reasons


def _awards(standings: list[Standing], flag_quota: int, merit_quota: int, notes: list[str]) -> None:
    """Hand out awards in rank order to eligible members; a tie across the last place goes to a vote."""
    left = {FLAG: flag_quota, MERIT: merit_quota}
    for rank in sorted({s.rank for s in standings}):
        group = [s for s in standings if s.rank == rank]
        for s in group:
            if not s.eligible:
                s.justification = f"Xếp thứ {s.rank}, không đề nghị khen thưởng: {'; '.join(s.reasons)}"
            elif s.flag_reasons and left[FLAG]:
                s.justification = f"Xếp thứ {s.rank}, không đề nghị Cờ thi đua: {'; '.join(s.flag_reasons)}"
        candidates = [s for s in group if s.eligible]
        for award in (FLAG, MERIT):
            if award == FLAG:
                pool = [s for s in candidates if not s.flag_reasons]
                if not pool or left[FLAG] == 0:
                    continue
                if len(pool) > left[FLAG]:
                    _vote(pool, rank, FLAG, left, notes)
                    candidates = [s for s in candidates if s not in pool]
                    continue
                for s in pool:
                    s.award = FLAG
                    s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm; đề nghị {AWARD_VI[FLAG]}"
                left[FLAG] -= len(pool)
                candidates = [s for s in candidates if s not in pool]
                continue
            if not candidates or left[award] == 0:
                continue
            if len(candidates) > left[award]:
                _vote(candidates, rank, award, left, notes)
                break
            for s in candidates:
                s.award = award
                note = f"; không đề nghị Cờ: {'; '.join(s.flag_reasons)}" if s.flag_reasons else ""
                s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm; đề nghị {AWARD_VI[award]}{note}"
            left[award] -= len(candidates)
            candidates = []


def _vote(tied: list[Standing], rank: int, award: str, left: dict[str, int], notes: list[str]) -> None:
    """More members tied at a rank than places left: the meeting votes; nobody is picked silently."""
    names = ", ".join(s.name for s in tied)
    notes.append(f"{names} đồng hạng {rank} cho {left[award]} suất {AWARD_VI[award]}: biểu quyết")
    for s in tied:
        s.vote = True
        s.justification = f"Đồng hạng {rank} với {pts(s.shown)} điểm: biểu quyết cho {AWARD_VI[award]}"
    left[award] = 0


def _rotation(campaign: Campaign, standings: list[Standing]) -> tuple[str, list[str]]:
    codes = campaign.member_codes
    rules = campaign.ranking
    count = len(campaign.deputies)
    if rules.next_chair:
        chair = rules.next_chair
    elif rules.rotation == "rank":
        chair = next(s.member for s in standings if s.member != campaign.chair)
    else:
        chair = codes[(codes.index(campaign.chair) + 1) % len(codes)]
    if rules.rotation == "rank" and not rules.next_chair:
        order = [s.member for s in standings]
    else:
        start = codes.index(chair)
        order = codes[start + 1 :] + codes[:start]
    deputies = [c for c in order if c not in (chair, campaign.chair)][:count]
    return chair, deputies


def rank(campaign: Campaign, cards: dict[str, Scorecard]) -> Ranking:
    """Rank the members, apply the tie-break chain, check eligibility and propose awards."""
    decimals = campaign.ranking.decimals
    standings = [
        Standing(c.member, campaign.member(c.member).name, c.total, round_half_up(c.total, decimals))
        for c in cards.values()
    ]
    ordered: list[Standing] = []
    for shown in sorted({s.shown for s in standings}, reverse=True):
        group = [s for s in standings if s.shown == shown]
        for sub in _order(campaign, group, cards):
            place = len(ordered) + 1
            for s in sub:
                s.rank = place
                s.vote = len(sub) > 1
                if s.vote:
                    s.tie_break += f"{'; ' if s.tie_break else ''}vẫn bằng nhau: quyết định bằng biểu quyết"
            ordered.extend(sub)
    for s in ordered:
        _eligibility(campaign, cards[s.member], s)
    flag_quota, merit_quota = quotas(campaign)
    notes: list[str] = []
    _awards(ordered, flag_quota, merit_quota, notes)
    for s in ordered:
        if s.eligible and not s.award and not s.justification:
            s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm"
    chair, deputies = _rotation(campaign, ordered)
    return Ranking(ordered, flag_quota, merit_quota, chair, deputies, notes)
