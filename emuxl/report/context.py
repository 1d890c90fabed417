"""The data context a report template sees: the year's results as names, figures and ready Vietnamese sentences.

Built from the scorecards and standings of one ``Results``, the computation
every output uses (documented in docs/report-context.md).
"""

from __future__ import annotations

import re
from datetime import date
from statistics import fmean
from typing import Any

from ..definitions import Indicator, Section
from ..methods import num
from ..ranking import AWARD_VI, FLAG, MERIT, Standing
from ..results import Results
from ..scoring import Scorecard
from ..vnformat import fixed, join, long_date, number, percent

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


def _aggregate(kind: str, xs: list[float]) -> float | None:
    if not xs:
        return None
    return sum(xs) if kind == "sum" else fmean(xs)


def _amount(x: float, unit: str) -> str:
    return f"{number(x)}%" if unit == "%" else f"{number(x)} {unit}".strip()


def indicator_context(ind: Indicator, results: Results, noun: str) -> dict[str, Any] | None:
    """The figures and sentence of one indicator with plan and actual, or None for other indicators."""
    if ind.method not in ("plan", "leader"):
        return None
    campaign = results.campaign
    rows = []
    for m in campaign.members:
        values = results.inputs.get(m.code, {}).get(ind.code, {})
        plan, actual, previous = (num(values.get(k)) for k in ("plan", "actual", "previous"))
        if plan is not None and actual is not None and plan > 0:
            rows.append((m.name, plan, actual, previous))
    if not rows:
        return None
    pcts = [(name, actual / plan * 100) for name, plan, actual, _p in rows]
    above = sorted([p for p in pcts if p[1] > 100], key=lambda p: -p[1])
    reached = sum(1 for _n, plan, actual, _p in rows if actual >= plan)
    low, high = min(pcts, key=lambda p: p[1]), max(pcts, key=lambda p: p[1])
    total = _aggregate(ind.aggregate, [r[2] for r in rows]) if ind.aggregate != "none" else None
    total_plan = _aggregate(ind.aggregate, [r[1] for r in rows]) if ind.aggregate != "none" else None
    previous = [r[3] for r in rows if r[3] is not None]
    total_prev = _aggregate(ind.aggregate, previous) if ind.aggregate != "none" and len(previous) == len(rows) else None
    pct = total / total_plan * 100 if total is not None and total_plan else None
    change = (total / total_prev - 1) * 100 if total is not None and total_prev else None
    parts = [ind.title[0].upper() + ind.title[1:]]
    if total is not None:
        mean = ind.aggregate == "mean" and "bình quân" not in ind.title.lower()
        scope = "bình quân toàn Cụm" if mean else "toàn Cụm"
        parts[0] += f" {scope} đạt {_amount(total, ind.unit)}"
        if pct is not None:
            parts.append(f"đạt {percent(pct)} kế hoạch")
        if change is not None:
            parts.append(f"{'tăng' if change >= 0 else 'giảm'} {percent(abs(change))} so với năm {campaign.year - 1}")
    n = len(campaign.members)
    sentence = ", ".join(parts) + f"; có {reached}/{n} {noun} đạt và vượt kế hoạch"
    if above:
        listed = join(f"{name} ({percent(p)})" for name, p in above[:3])
        sentence += f", một số {noun} vượt cao như: {listed}"
    elif ind.aggregate == "none":
        sentence += f"; cao nhất {high[0]} ({percent(high[1])}), thấp nhất {low[0]} ({percent(low[1])})"
    return {
        "code": ind.code,
        "title": ind.title,
        "unit": ind.unit,
        "aggregate": ind.aggregate,
        "total": total,
        "total_text": _amount(total, ind.unit) if total is not None else "",
        "pct_of_plan": pct,
        "pct_of_plan_text": percent(pct),
        "change": change,
        "change_text": percent(change),
        "reached": reached,
        "members": n,
        "above_plan": [{"name": name, "pct": p, "pct_text": percent(p)} for name, p in above],
        "lowest": {"name": low[0], "pct": low[1], "pct_text": percent(low[1])},
        "highest": {"name": high[0], "pct": high[1], "pct_text": percent(high[1])},
        "sentence": sentence + ".",
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
    sections = []
    for s in campaign.catalogue.sections:
        inds = [c for c in (indicator_context(i, results, noun) for i in s.indicators) if c]
        if inds:  # sections with plan indicators; the others are in the annex's score table
            sections.append({"number": len(sections) + 1, "code": s.code, "title": s.title, "indicators": inds})
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
