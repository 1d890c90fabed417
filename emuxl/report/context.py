"""The data context a report template sees: the year's results as names, figures and ready Vietnamese sentences.

Built from the scorecards and standings of one ``Results``, the computation
every output uses (documented in docs/report-context.md).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..definitions import Indicator, Section
from ..methods import Facts, Row
from ..ranking import AWARD_VI, FLAG, MERIT, Standing
from ..results import Results
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


def ranking_row(standing: Standing, card: Scorecard, sections: list[Section]) -> dict[str, Any]:
    """One member's line of the ranking table, formatted for print (the same figures as 'emuxl rank --json')."""
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
        "award_name": AWARD_VI.get(standing.award or "") or ("Biểu quyết" if standing.vote else ""),
        "justification": standing.justification,
        "tie_break": standing.tie_break,
        "vote": standing.vote,
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
    rows = [ranking_row(s, results.cards[s.member], base_sections) for s in ranking.standings]
    by_code = {r["code"]: r for r in rows}
    proposals = {
        award: [
            {"name": by_code[c]["name"], "total": by_code[c]["total"], "justification": by_code[c]["justification"]}
            for c in ranking.proposed[award]
        ]
        for award in (FLAG, MERIT)
    }
    top = rows[0] if rows else None
    ranking_sentence = (
        f"Kết quả chấm điểm, {top['name']} dẫn đầu Cụm với {top['total']} điểm; "
        f"các thành viên xếp hạng theo bảng tổng hợp kèm theo."
        if top
        else ""
    )
    flag_names = join(p["name"] for p in proposals[FLAG])
    merit_names = join(p["name"] for p in proposals[MERIT])
    proposal_sentence = ""
    if flag_names:
        proposal_sentence += f"Cụm thống nhất đề nghị tặng Cờ thi đua của Chính phủ cho {flag_names}"
    if merit_names:
        lead = "; " if proposal_sentence else "Cụm thống nhất đề nghị "
        proposal_sentence += f"{lead}tặng Bằng khen của Thủ tướng Chính phủ cho {merit_names}"
    deputies = [names[d] for d in ranking.next_deputies]
    rotation_sentence = (
        f"Thống nhất cử {names[ranking.next_chair]} làm Cụm trưởng"
        + (f", {join(deputies)} làm Cụm phó" if deputies else "")
        + f" năm {campaign.year + 1}."
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
        "proposal_sentence": proposal_sentence + ("." if proposal_sentence else ""),
        "rotation_sentence": rotation_sentence,
        "next_chair": {"code": ranking.next_chair, "name": names[ranking.next_chair]},
        "next_deputies": [{"code": d, "name": names[d]} for d in ranking.next_deputies],
        "notes": ranking.notes,
        "illustrative": campaign.illustrative,
    }
    return _clean(context)
