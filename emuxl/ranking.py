"""Ranking (pure): totals at the published precision, the tie-break chain, eligibility, awards.

Two members shown with the same total are never separated silently: the
tie-break used is recorded, and members still tied share the rank and are
flagged to be decided by vote (*biểu quyết*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from .definitions import Campaign
from .errors import DecisionsError, Problem
from .i18n import _
from .methods import pts
from .scoring import Scorecard
from .vnformat import fixed

FLAG: Final = "flag"
MERIT: Final = "merit"
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
    award: str | None = None  # final: the meeting's lists when it recorded them
    justification: str = ""
    pending: list[str] = field(default_factory=list)  # awards it is a candidate for until the meeting votes
    proposed: str | None = None  # the award the scores (and recorded votes) give, before the meeting's lists
    decided: bool = False  # its place or its award comes from a recorded decision
    decision: str = ""  # that decision, in words


def award_words(standing: Standing) -> str:
    """The award column of the ranking tables: the award, or what the member waits for a vote on."""
    if standing.award:
        return AWARD_VI[standing.award]
    if standing.pending:
        rest = f"; không được chọn: {AWARD_VI[standing.pending[1]]}" if len(standing.pending) > 1 else ""
        return f"Chờ biểu quyết: {AWARD_VI[standing.pending[0]]}{rest}"
    return "Biểu quyết" if standing.vote and standing.eligible else ""


@dataclass(frozen=True)
class PendingVote:
    """A tie across an award's last place that the meeting has still to vote on."""

    rank: int
    award: str
    places: int
    members: list[str]
    sentence: str
    fallback: bool = False  # those not chosen for the Flag are proposed for the Merit (places kept)


@dataclass(frozen=True)
class SettledVote:
    """A recorded vote (*biểu quyết*) applied: the members of a tie in the order the meeting decided."""

    rank: int
    shown: float
    order: list[str]  # member codes, best first
    names: list[str]
    note: str

    @property
    def how(self) -> str:
        """How the meeting decided, as recorded («biểu quyết 9/12»), or «biểu quyết»."""
        return self.note or "biểu quyết"

    @property
    def sentence(self) -> str:
        """The vote in one Vietnamese sentence, for the minutes."""
        ranked = "; ".join(f"{n} xếp thứ {self.rank + k}" for k, n in enumerate(self.names))
        return (
            f"{_names(self.names)} bằng nhau với {pts(self.shown)} điểm sau các tiêu chí phụ; "
            f"Hội nghị quyết định ({self.how}): {ranked}."
        )


@dataclass(frozen=True)
class Departure:
    """Where the meeting's final award lists depart from the proposal the scores gave, and why."""

    member: str
    name: str
    proposed: str | None
    final: str | None
    reason: str
    pending: bool = False  # the proposal had it waiting for a vote

    @property
    def sentence(self) -> str:
        """The departure in one Vietnamese sentence, with its reason."""
        final = f"đề nghị tặng {AWARD_VI[self.final]}" if self.final else "không đề nghị khen thưởng"
        if self.pending:
            was = "chờ biểu quyết"
        else:
            was = f"đề nghị {AWARD_VI[self.proposed]}" if self.proposed else "không đề nghị khen thưởng"
        return f"Hội nghị quyết định {final} cho {self.name} (theo kết quả chấm điểm: {was}); lý do: {self.reason}."


@dataclass
class Ranking:
    """The ranking of a campaign: standings in order, award proposals, next chair and deputies."""

    standings: list[Standing]
    flag_quota: int
    merit_quota: int
    next_chair: str
    next_deputies: list[str]
    notes: list[str] = field(default_factory=list)
    votes: list[SettledVote] = field(default_factory=list)  # the recorded votes applied
    pending: list[PendingVote] = field(default_factory=list)  # ties still to be voted on
    departures: list[Departure] = field(default_factory=list)  # the meeting's lists against the proposal
    rotation_decided: bool = False  # next chair and deputies as the meeting elected them

    def of(self, member: str) -> Standing:
        """The standing of one member."""
        return next(s for s in self.standings if s.member == member)

    @property
    def proposed(self) -> dict[str, list[str]]:
        """Award -> members proposed, in rank order: the final lists, the meeting's when it recorded them."""
        return {a: [s.member for s in self.standings if s.award == a] for a in (FLAG, MERIT)}

    @property
    def proposed_by_score(self) -> dict[str, list[str]]:
        """Award -> members the scores (and recorded votes) propose, before the meeting's final lists."""
        return {a: [s.member for s in self.standings if s.proposed == a] for a in (FLAG, MERIT)}


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


def order_keys(campaign: Campaign, card: Scorecard) -> tuple[float, ...]:
    """What members are ranked by: the total at the published precision, then the tie-break chain."""
    shown = round_half_up(card.total, campaign.ranking.decimals)
    return (shown, *(_key(campaign, card, step) for step in campaign.ranking.tie_break))


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


def _names(names: list[str]) -> str:
    from .vnformat import join

    return join(names)


def _awards(standings: list[Standing], flag_quota: int, merit_quota: int) -> list[PendingVote]:
    """Hand out awards in rank order to eligible members; a tie across an award's last place goes to a vote.

    Until the meeting votes, the members of such a tie stay candidates for the next award down: the places
    they need there are kept for them, so the Merits do not skip to the ranks below.
    """
    left = {FLAG: flag_quota, MERIT: merit_quota}
    pending: list[PendingVote] = []
    by_rank: dict[int, list[Standing]] = {}
    for s in standings:
        by_rank.setdefault(s.rank, []).append(s)
    for rank in sorted(by_rank):
        group = by_rank[rank]
        for s in group:
            if not s.eligible:
                s.justification = f"Xếp thứ {s.rank}, không đề nghị khen thưởng: {'; '.join(s.reasons)}"
            elif s.flag_reasons and left[FLAG]:
                s.justification = f"Xếp thứ {s.rank}, không đề nghị Cờ thi đua: {'; '.join(s.flag_reasons)}"
        candidates = [s for s in group if s.eligible]
        pool = [s for s in candidates if not s.flag_reasons] if left[FLAG] else []
        flag_vote: list[Standing] = []
        if pool and len(pool) <= left[FLAG]:
            for s in pool:
                s.award = FLAG
                s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm; đề nghị {AWARD_VI[FLAG]}"
            left[FLAG] -= len(pool)
        elif pool:
            flag_vote = pool
        direct = [s for s in candidates if s not in pool]  # eligible here, not competing for the Flag
        flag_places = left[FLAG] if flag_vote else 0
        losers = len(flag_vote) - flag_places
        if flag_vote:
            left[FLAG] = 0
        seekers = losers + len(direct)
        merit_places = min(seekers, left[MERIT])
        merit_vote = seekers > left[MERIT] and merit_places > 0
        if seekers and not merit_vote:
            for s in direct[:merit_places]:
                s.award = MERIT
                note = f"; không đề nghị Cờ: {'; '.join(s.flag_reasons)}" if s.flag_reasons else ""
                s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm; đề nghị {AWARD_VI[MERIT]}{note}"
        left[MERIT] -= merit_places
        if flag_vote:
            pending.append(_flag_vote(flag_vote, rank, flag_places, losers, merit_places, merit_vote, direct))
        elif merit_vote:
            pending.append(_merit_vote(direct, rank, merit_places))
    return pending


def _flag_vote(
    tied: list[Standing],
    rank: int,
    places: int,
    losers: int,
    merit_places: int,
    merit_vote: bool,
    others: list[Standing],
) -> PendingVote:
    """Members tied for the Flag's last places: the meeting votes; those not chosen stay Merit candidates."""
    names = [s.name for s in tied]
    if merit_vote:
        among = " cùng " + _names([s.name for s in others]) if others else ""
        then = f"; sau đó biểu quyết {merit_places} suất {AWARD_VI[MERIT]} giữa các đơn vị không được chọn{among}"
        short = f"; nếu không được chọn, biểu quyết tiếp {merit_places} suất {AWARD_VI[MERIT]}"
    elif merit_places >= losers:
        then = f"; đơn vị không được chọn vẫn được đề nghị {AWARD_VI[MERIT]} (đã dành {losers} suất)"
        short = f"; nếu không được chọn, đề nghị {AWARD_VI[MERIT]}"
    else:
        then = f"; không còn suất {AWARD_VI[MERIT]} cho đơn vị không được chọn"
        short = then
    for s in tied:
        s.vote = True
        s.pending = [FLAG, MERIT] if merit_places else [FLAG]
        s.justification = f"Đồng hạng {rank} với {pts(s.shown)} điểm: biểu quyết {places} suất {AWARD_VI[FLAG]}{short}"
    for s in others if merit_vote else []:
        s.vote = True
        s.pending = [MERIT]
        s.justification = f"Xếp thứ {rank} với {pts(s.shown)} điểm: biểu quyết {merit_places} suất {AWARD_VI[MERIT]}"
    sentence = f"{_names(names)} đồng hạng {rank} cho {places} suất {AWARD_VI[FLAG]}: biểu quyết{then}."
    fallback = not merit_vote and merit_places >= losers
    return PendingVote(rank, FLAG, places, [s.member for s in tied], sentence, fallback)


def _merit_vote(tied: list[Standing], rank: int, places: int) -> PendingVote:
    """More members tied for the Merit's last places than places left: the meeting votes."""
    for s in tied:
        s.vote = True
        s.pending = [MERIT]
        s.justification = f"Đồng hạng {rank} với {pts(s.shown)} điểm: biểu quyết {places} suất {AWARD_VI[MERIT]}"
    names = _names([s.name for s in tied])
    sentence = f"{names} đồng hạng {rank} cho {places} suất {AWARD_VI[MERIT]}: biểu quyết."
    return PendingVote(rank, MERIT, places, [s.member for s in tied], sentence)


def _settle_votes(campaign: Campaign, ordered: list[Standing]) -> list[SettledVote]:
    """Apply the recorded votes: each must name exactly a group still tied; its order becomes their ranks."""
    by_code = {s.member: s for s in ordered}
    problems: list[Problem] = []
    settled: list[SettledVote] = []
    for i, vote in enumerate(campaign.decisions.votes):
        group = [by_code[c] for c in vote.members]
        ranks = sorted({s.rank for s in group})
        where = f"decisions.votes[{i}].members"
        if len(ranks) > 1:
            places = "; ".join(
                _("{name} ({member}) ranks {rank} with {total}").format(
                    name=s.name, member=s.member, rank=s.rank, total=fixed(s.shown)
                )
                for s in group
            )
            message = _("these members are not tied: {places}. {ties}").format(places=places, ties=_ties_now(ordered))
            problems.append(campaign.problem(where, message))
            continue
        tied = [s for s in ordered if s.rank == ranks[0]]
        if len(tied) != len(group):
            names = ", ".join(f"{s.name} ({s.member})" for s in tied)
            message = _("the tie at rank {rank} is between {names}; the vote must name all of them").format(
                rank=ranks[0], names=names
            )
            problems.append(campaign.problem(where, message))
            continue
        order = [by_code[c] for c in vote.order]
        settled.append(SettledVote(ranks[0], order[0].shown, vote.order, [s.name for s in order], vote.note))
    if problems:
        raise DecisionsError(problems)
    for done in settled:
        for k, code in enumerate(done.order):
            s = by_code[code]
            s.rank = done.rank + k
            s.vote = False
            s.decided = True
            s.decision = f"Hội nghị quyết định ({done.how}): xếp thứ {s.rank}"
            s.tie_break = s.tie_break.replace(_STILL_TIED, f"Hội nghị quyết định ({done.how}): xếp thứ {s.rank}")
    ordered.sort(key=lambda s: s.rank)
    return settled


_STILL_TIED = "vẫn bằng nhau: quyết định bằng biểu quyết"


def _ties_now(ordered: list[Standing]) -> str:
    """The ties a vote could settle, in words, for a message."""
    ties = [[s for s in ordered if s.rank == r] for r in sorted({s.rank for s in ordered if s.vote})]
    if not ties:
        return _("No tie is left after the tie-break chain; remove this vote.")
    listed = "; ".join(
        _("rank {rank}: {members}").format(rank=t[0].rank, members=", ".join(s.member for s in t)) for t in ties
    )
    return _("Ties a vote can settle now: {ties}.").format(ties=listed)


def _final_awards(campaign: Campaign, ranking: Ranking) -> None:
    """Take the meeting's final award lists; record each departure from the proposal with its reason.

    A list left out stays as proposed. Members waiting for a vote that the lists settle are decided, not
    departures, when they get an award the proposal kept open for them.
    """
    for s in ranking.standings:
        s.proposed = s.award
    final = campaign.decisions.awards
    if final is None:
        return
    by_score = ranking.proposed_by_score
    order = {s.member: n for n, s in enumerate(ranking.standings)}
    fallback = [  # not chosen for the Flag in a tie, and kept a Merit place by the proposal
        c for p in ranking.pending if p.award == FLAG and p.fallback for c in p.members if c not in (final.flag or [])
    ]
    flag = final.flag if final.flag is not None else [c for c in by_score[FLAG] if c not in (final.merit or [])]
    if final.merit is not None:
        merit = final.merit
    else:
        extra = fallback if final.flag is not None else []
        merit = sorted((c for c in by_score[MERIT] + extra if c not in flag), key=order.__getitem__)
    problems = _check_lists(campaign, ranking, {FLAG: (flag, final.flag), MERIT: (merit, final.merit)})
    chosen = {code: FLAG for code in flag} | {code: MERIT for code in merit}
    covered = {a for a, given in ((FLAG, final.flag), (MERIT, final.merit)) if given is not None}
    for s in ranking.standings:
        new = chosen.get(s.member)
        named = s.member in (final.flag or []) + (final.merit or [])
        open_for = set(s.pending) if s.pending else set()
        if new != s.proposed and new not in open_for:
            ranking.departures.append(Departure(s.member, s.name, s.proposed, new, final.reason, bool(s.pending)))
        if new != s.proposed or named:
            s.decided = True
            s.award = new
        settled = new == FLAG or open_for <= covered | ({MERIT} if s.member in fallback else set())
        if s.pending and settled:
            s.pending = []
    if ranking.departures and not final.reason.strip():
        changed = "; ".join(f"{d.name} ({d.member})" for d in ranking.departures)
        message = _("the final lists depart from the proposal for {members}; give the meeting's reason").format(
            members=changed
        )
        problems.append(campaign.problem("decisions.awards.reason", message))
    if problems:
        raise DecisionsError(problems)
    departed = {d.member: d for d in ranking.departures}
    for s in ranking.standings:
        if s.member in departed:
            sentence = departed[s.member].sentence
            s.decision = "; ".join(x for x in (s.decision, sentence) if x)
            s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm; {sentence}"
        elif s.decided and s.award and not s.decision.endswith(AWARD_VI[s.award]):
            said = f"Hội nghị quyết định đề nghị {AWARD_VI[s.award]}"
            s.decision = "; ".join(x for x in (s.decision, said) if x)
            s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm; {said}"
    still = {s.member for s in ranking.standings if s.pending}
    ranking.pending = [p for p in ranking.pending if still & set(p.members)]


def _check_lists(
    campaign: Campaign, ranking: Ranking, lists: dict[str, tuple[list[str], list[str] | None]]
) -> list[Problem]:
    """The final lists within the quotas, and only members eligible for an award."""
    quota = {FLAG: ranking.flag_quota, MERIT: ranking.merit_quota}
    problems: list[Problem] = []
    for award, (final, given) in lists.items():
        if len(final) > quota[award]:
            message = _(
                "{count} members for {quota} {award_name} (awards.{award}); "
                "list at most the quota, or raise the quota if the Council allows more"
            ).format(count=len(final), quota=quota[award], award_name=AWARD_VI[award], award=award)
            problems.append(campaign.problem(f"decisions.awards.{award}", message))
        for j, code in enumerate(given or []):
            s = ranking.of(code)
            if not s.eligible:
                message = _("{name} ({member}) cannot be proposed for any award: {reasons}; remove it").format(
                    name=s.name, member=code, reasons="; ".join(s.reasons)
                )
                problems.append(campaign.problem(f"decisions.awards.{award}[{j}]", message))
    return problems


def _rotation(campaign: Campaign, standings: list[Standing]) -> tuple[str, list[str]]:
    codes = campaign.member_codes
    rules = campaign.ranking
    decided = campaign.decisions
    count = len(campaign.deputies)
    agreed = decided.next_chair or rules.next_chair
    if agreed:
        chair = agreed
    elif rules.rotation == "rank":
        chair = next(s.member for s in standings if s.member != campaign.chair)
    else:
        chair = codes[(codes.index(campaign.chair) + 1) % len(codes)]
    if decided.next_deputies is not None:
        return chair, list(decided.next_deputies)
    if rules.rotation == "rank" and not agreed:
        order = [s.member for s in standings]
    else:
        start = codes.index(chair)
        order = codes[start + 1 :] + codes[:start]
    deputies = [c for c in order if c not in (chair, campaign.chair)][:count]
    return chair, deputies


def rank(campaign: Campaign, cards: dict[str, Scorecard]) -> Ranking:
    """Rank the members, apply the tie-break chain and the recorded votes, check eligibility, propose awards,
    then take the meeting's final lists and next chair and deputies when it recorded them."""
    decimals = campaign.ranking.decimals
    standings = [
        Standing(c.member, campaign.member(c.member).name, c.total, round_half_up(c.total, decimals))
        for c in cards.values()
    ]
    ordered: list[Standing] = []
    by_total: dict[float, list[Standing]] = {}
    for s in standings:
        by_total.setdefault(s.shown, []).append(s)
    for shown in sorted(by_total, reverse=True):
        group = by_total[shown]
        for sub in _order(campaign, group, cards):
            place = len(ordered) + 1
            for s in sub:
                s.rank = place
                s.vote = len(sub) > 1
                if s.vote:
                    s.tie_break += f"{'; ' if s.tie_break else ''}{_STILL_TIED}"
            ordered.extend(sub)
    settled = _settle_votes(campaign, ordered)
    for s in ordered:
        _eligibility(campaign, cards[s.member], s)
    flag_quota, merit_quota = quotas(campaign)
    pending = _awards(ordered, flag_quota, merit_quota)
    for s in ordered:
        if s.eligible and not s.award and not s.justification:
            s.justification = f"Xếp thứ {s.rank} với {pts(s.shown)} điểm"
    chair, deputies = _rotation(campaign, ordered)
    decided = campaign.decisions.next_chair is not None or campaign.decisions.next_deputies is not None
    ranking = Ranking(
        ordered, flag_quota, merit_quota, chair, deputies, votes=settled, pending=pending, rotation_decided=decided
    )
    _final_awards(campaign, ranking)
    ranking.notes = [p.sentence for p in ranking.pending]
    return ranking
