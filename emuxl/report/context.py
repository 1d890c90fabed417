"""The data context a report template sees: the year's results as names, figures and ready Vietnamese sentences.

Built from the scorecards and standings of one ``Results``, the computation
every output uses (documented in docs/report-context.md).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..compare import Movement, YearOnYear
from ..definitions import Indicator, Section
from ..methods import Facts, Row
from ..ranking import AWARD_VI, FLAG, MERIT, Ranking, Standing, award_words
from ..results import Results
from ..robustness import Robust
from ..scoring import Scorecard
from ..vnformat import fixed, join, long_date

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> Any:
    """Strings without characters XML cannot hold, all the way down."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def indicator_context(ind: Indicator, results: Results, noun: str) -> dict[str, Any]:
    """An indicator's part of section II: the sentence its method writes, and the figures behind it."""
    campaign = results.campaign
    rows = [
        Row(
            m.name,
            results.inputs.get(m.code, {}).get(ind.code, {}),
            results.cards[m.code].cells[ind.code].points,
            results.cards[m.code].submitted,
        )
        for m in campaign.members
    ]
    facts = Facts(ind.title, ind.unit, ind.points, ind.aggregate, ind.settings, rows, noun, campaign.year)
    writeup = ind.spec.sentence(facts)
    return {
        "code": ind.code,
        "title": ind.title,
        "unit": ind.unit,
        "aggregate": ind.aggregate,
        "method": ind.method,
        "role": ind.spec.role,
        **writeup.figures,
        "sentence": writeup.sentence,
    }


def ranking_row(
    standing: Standing, card: Scorecard, sections: list[Section], yearly: YearOnYear | None = None
) -> dict[str, Any]:
    """One member's line of the ranking table, formatted for print (the same figures as 'emuxl rank --json')."""
    moved = yearly.of(standing.member) if yearly is not None else None
    return {
        "rank": standing.rank,
        "code": standing.member,
        "name": standing.name,
        "total": fixed(standing.shown),
        "total_value": standing.shown,
        "section_values": [fixed(card.sections.get(s.code, 0.0)) for s in sections],
        "bonus": fixed(card.bonus),
        "penalty": fixed(card.penalty),
        "award": standing.award,
        "award_name": award_words(standing),
        "justification": standing.justification,
        "tie_break": standing.tie_break,
        "vote": standing.vote,
        "pending": standing.pending,
        "decided": standing.decided,
        "decision": standing.decision,
        "previous_rank": moved.previous_rank if moved else None,
        "previous_total": fixed(moved.previous_total) if moved and moved.previous_total is not None else "",
        "change": moved.change if moved else None,
        "movement": moved.words if moved else "",
    }


def _pending_proposals(ranking: Ranking) -> dict[str, list[dict[str, Any]]]:
    """The award places still to be voted on, as lines of the proposal («Trà Vinh hoặc Sóc Trăng»)."""
    out: dict[str, list[dict[str, Any]]] = {FLAG: [], MERIT: []}
    for vote in ranking.pending:
        tied = [ranking.of(c) for c in vote.members]
        names = " hoặc ".join(s.name for s in tied)
        total = fixed(tied[0].shown)
        out[vote.award].append(
            {
                "name": names,
                "total": total,
                "justification": f"Đồng hạng {vote.rank}: Hội nghị biểu quyết chọn {vote.places} đơn vị",
                "pending": True,
            }
        )
        if vote.award == FLAG and vote.fallback:
            out[MERIT].append(
                {
                    "name": f"Đơn vị không được chọn Cờ thi đua trong số {join([s.name for s in tied])}",
                    "total": total,
                    "justification": f"Đồng hạng {vote.rank}; suất Bằng khen đã được dành cho đơn vị này",
                    "pending": True,
                }
            )
    return out


def _year_on_year(yearly: YearOnYear | None) -> dict[str, Any] | None:
    if yearly is None:
        return None

    def line(m: Movement) -> dict[str, Any]:
        return {
            "code": m.member,
            "name": m.name,
            "rank": m.rank,
            "previous_rank": m.previous_rank,
            "previous_total": fixed(m.previous_total) if m.previous_total is not None else "",
            "change": m.change,
            "movement": m.words,
            "predecessors": [{"code": b.code, "name": b.name, "rank": b.rank, "of": b.of} for b in m.before],
            "not_in_cluster": m.missing,
        }

    return {
        "year": yearly.year,
        "previous_year": yearly.previous_year,
        "across_merger": yearly.across_merger,
        "sentence": yearly.sentence,
        "not_compared_sentence": yearly.not_compared_sentence,
        "members": [line(m) for m in yearly.members],
        "risers": [line(m) for m in yearly.risers],
        "fallers": [line(m) for m in yearly.fallers],
    }


def _robustness(robust: Robust) -> dict[str, Any]:
    return {
        "method": robust.method_words,
        "boundaries": [
            {"label": b.label, "margin": fixed(b.margin), "sentence": b.sentence} for b in robust.boundaries
        ],
        "flagged": [{"name": i.name, "rank": i.rank, "low": i.low, "high": i.high} for i in robust.flagged],
        "outliers": [o.sentence for o in robust.outliers],
    }


def build_context(results: Results, today: date | None = None) -> dict[str, Any]:
    """Everything a template sees (documented in docs/report-context.md)."""
    campaign, ranking = results.campaign, results.ranking
    info = campaign.report
    day = info.date or today or date.today()
    names = {m.code: m.name for m in campaign.members}
    noun = info.member_noun
    sections = [  # every section, every indicator written up by its method
        {
            "number": n,
            "code": s.code,
            "title": s.title,
            "indicators": [indicator_context(i, results, noun) for i in s.indicators],
        }
        for n, s in enumerate(campaign.catalogue.sections, 1)
    ]
    base_sections = [s for s in campaign.catalogue.sections if any(i.spec.role == "base" for i in s.indicators)]
    yearly = results.year_on_year
    rows = [ranking_row(s, results.cards[s.member], base_sections, yearly) for s in ranking.standings]
    by_code = {r["code"]: r for r in rows}
    waiting = _pending_proposals(ranking)
    proposals = {
        award: [
            {
                "name": by_code[c]["name"],
                "total": by_code[c]["total"],
                "justification": by_code[c]["justification"],
                "pending": False,
            }
            for c in ranking.proposed[award]
        ]
        + waiting[award]
        for award in (FLAG, MERIT)
    }
    top = rows[0] if rows else None
    ranking_sentence = (
        f"Kết quả chấm điểm, {top['name']} dẫn đầu Cụm với {top['total']} điểm; "
        f"các thành viên xếp hạng theo bảng tổng hợp kèm theo."
        if top
        else ""
    )
    flag_names = join(p["name"] for p in proposals[FLAG] if not p["pending"])
    merit_names = join(p["name"] for p in proposals[MERIT] if not p["pending"])
    proposal_sentence = ""
    if flag_names:
        proposal_sentence += f"Cụm thống nhất đề nghị tặng Cờ thi đua của Chính phủ cho {flag_names}"
    if merit_names:
        lead = "; " if proposal_sentence else "Cụm thống nhất đề nghị "
        proposal_sentence += f"{lead}tặng Bằng khen của Thủ tướng Chính phủ cho {merit_names}"
    deputies = [names[d] for d in ranking.next_deputies]
    rotation_sentence = (
        ("Hội nghị đã suy tôn " if ranking.rotation_decided else "Thống nhất cử ")
        + f"{names[ranking.next_chair]} làm Cụm trưởng"
        + (f", {join(deputies)} làm Cụm phó" if deputies else "")
        + f" năm {campaign.year + 1}."
    )
    votes = [
        {
            "rank": v.rank,
            "names": v.names,
            "note": v.note,
            "sentence": v.sentence,
        }
        for v in ranking.votes
    ]
    pending_votes = [
        {
            "rank": p.rank,
            "award_name": AWARD_VI[p.award],
            "places": p.places,
            "names": [names[c] for c in p.members],
            "sentence": p.sentence,
        }
        for p in ranking.pending
    ]
    departures = [
        {
            "name": d.name,
            "proposed": AWARD_VI.get(d.proposed or "", ""),
            "final": AWARD_VI.get(d.final or "", ""),
            "reason": d.reason,
            "sentence": d.sentence,
        }
        for d in ranking.departures
    ]
    decisions_sentence = " ".join(
        [v.sentence for v in ranking.votes]
        + [d.sentence for d in ranking.departures]
        + [p.sentence for p in ranking.pending]
    )
    context = {
        "cluster": campaign.cluster,
        "year": campaign.year,
        "next_year": campaign.year + 1,
        "members": [{"code": m.code, "name": m.name} for m in campaign.members],
        "chair": {"code": campaign.chair, "name": names[campaign.chair]},
        "deputies": [{"code": d, "name": names[d]} for d in campaign.deputies],
        "report": {
            **info.model_dump(mode="json", exclude={"date", "legal_basis"}),
            "date": day.isoformat(),
        },
        "date_line": f"{info.place + ', ' if info.place else ''}{long_date(day)}",
        "legal_basis": [*info.legal_basis, f"Giao ước thi đua năm {campaign.year} của {campaign.cluster}"],
        "sections": sections,
        "section_heads": [{"code": s.code, "title": s.title} for s in base_sections],
        "ranking": rows,
        "proposals": proposals,
        "ranking_sentence": ranking_sentence,
        "proposal_sentence": " ".join(
            [proposal_sentence + "." if proposal_sentence else ""] + [d.sentence for d in ranking.departures]
        ).strip(),
        "rotation_sentence": rotation_sentence,
        "next_chair": {"code": ranking.next_chair, "name": names[ranking.next_chair]},
        "next_deputies": [{"code": d, "name": names[d]} for d in ranking.next_deputies],
        "notes": [v.sentence for v in ranking.votes] + ranking.notes,
        "illustrative": campaign.illustrative,
        "votes": votes,
        "pending_votes": pending_votes,
        "departures": departures,
        "decisions": {
            "recorded": bool(votes or departures or ranking.rotation_decided or campaign.decisions.awards),
            "rotation_decided": ranking.rotation_decided,
            "sentence": decisions_sentence,
        },
        "year_on_year": _year_on_year(yearly),
        "robustness": _robustness(results.robustness),
        "robustness_sentence": results.robustness.sentence,
    }
    return _clean(context)
