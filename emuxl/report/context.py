"""The data context a report template sees: the year's results as names, figures and ready Vietnamese sentences.

Built from the scorecards and standings of one ``Results``, the computation
every output uses (documented in docs/report-context.md). What the campaign
does not say is a dotted line, and listed under ``blanks``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..compare import Movement, YearOnYear
from ..definitions import Campaign, Indicator, ReportInfo, Section
from ..i18n import _
from ..methods import Facts, Row, plan_ratio
from ..methods.writeup import lower_first
from ..ranking import AWARD_VI, FLAG, MERIT, Ranking, Standing, award_words
from ..results import Results
from ..robustness import Robust
from ..scoring import Scorecard
from ..vnformat import fixed, join, long_date, number
from .minutes import minutes_context
from .parts import LINE, Blanks, called, formal_name, header, legal_basis, recipients, title

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EMULATION_WORDS = ("thi đua", "khen thưởng")


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
        "bonus": fixed(card.bonus) if card.bonus else "-",
        "penalty": fixed(-card.penalty) if card.penalty else "-",
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


def emulation_section(campaign: Campaign) -> str | None:
    """The catalogue section the emulation narrative and commendations go under, or None for a section of its own."""
    info = campaign.report
    if info.emulation_section:
        return info.emulation_section
    for s in campaign.catalogue.sections:
        if any(i.spec.role == "base" for i in s.indicators) and any(w in s.title.lower() for w in EMULATION_WORDS):
            return s.code
    return None


def commendation_sentence(info: ReportInfo, noun: str, blanks: Blanks) -> str:
    """The year's commendation figures: by the members, then by the State («106 Cờ thi đua của Chính phủ»)."""

    def listed(counts: dict[str, int]) -> str:
        return join(f"{number(n)} {award}" for award, n in counts.items())

    given = info.commendations
    parts = []
    if given.provincial:
        parts.append(
            f"Kết quả khen thưởng cấp tỉnh, Ủy ban nhân dân các {noun} trong Cụm đã khen thưởng "
            f"{listed(given.provincial)}"
        )
    if given.state:
        parts.append(f"khen thưởng cấp Nhà nước, toàn Cụm có {listed(given.state)}")
    if not parts:
        blanks.fill(None, "report.commendations", _("commendation figures (section II, emulation work)"))
        return f"Kết quả khen thưởng cấp tỉnh, Ủy ban nhân dân các {noun} trong Cụm đã khen thưởng {LINE}"
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _sections(results: Results, noun: str, blanks: Blanks) -> list[dict[str, Any]]:
    """Section II: every catalogue section with its indicators written up, and the emulation work."""
    campaign = results.campaign
    info = campaign.report
    emulation = [
        blanks.fill(
            info.emulation, "report.emulation", _("emulation movements and commendation work (section II)"), LINE
        ),
        commendation_sentence(info, noun, blanks),
    ]
    home = emulation_section(campaign)
    out = [
        {
            "number": n,
            "code": s.code,
            "title": s.title,
            "indicators": [indicator_context(i, results, noun) for i in s.indicators],
            "paragraphs": emulation if s.code == home else [],
        }
        for n, s in enumerate(campaign.catalogue.sections, 1)
    ]
    if home is None:
        out.append(
            {
                "number": len(out) + 1,
                "code": "",
                "title": "Công tác thi đua, khen thưởng",
                "indicators": [],
                "paragraphs": emulation,
            }
        )
    return out


@dataclass(frozen=True)
class _Best:
    """The cluster's best figures, found once for every proposed member: section subtotals, ratios of plan."""

    subtotals: dict[str, float]  # section code -> the best subtotal
    ratios: dict[str, float]  # plan indicator code -> the best actual / plan of the members


def _best(results: Results, base_sections: list[Section]) -> _Best:
    cards = results.cards.values()
    subtotals = {s.code: max((c.sections.get(s.code, 0.0) for c in cards), default=0.0) for s in base_sections}
    ratios: dict[str, float] = {}
    for ind in results.campaign.catalogue.indicators:
        if ind.spec.uses_plan:
            found = [
                r for m in results.cards if (r := plan_ratio(results.inputs.get(m, {}).get(ind.code, {}))) is not None
            ]
            if found:
                ratios[ind.code] = max(found)
    return _Best(subtotals, ratios)


def _led(results: Results, code: str, base_sections: list[Section], best: _Best) -> tuple[list[str], list[str]]:
    """The sections a member has the best subtotal of, and the plan indicators it has the best ratio of."""
    card = results.cards[code]
    sections = [
        s.title
        for s in base_sections
        if card.sections.get(s.code) is not None and card.sections.get(s.code) == best.subtotals[s.code]
    ]
    indicators = []
    for ind in results.campaign.catalogue.indicators:
        if not ind.spec.uses_plan:
            continue
        mine = plan_ratio(results.inputs.get(code, {}).get(ind.code, {}))
        if mine is not None and mine >= 1 and mine == best.ratios.get(ind.code):
            indicators.append(ind.title)
    return sections, indicators


def _justification(results: Results, standing: Standing, base_sections: list[Section], best: _Best) -> str:
    """Why a member is proposed, in the proposal's words: rank, total, what it led, targets reached."""
    campaign = results.campaign
    n = len(campaign.members)
    card = results.cards[standing.member]
    head = (
        f"dẫn đầu {campaign.cluster} năm {campaign.year} với tổng số {fixed(standing.shown)} điểm"
        if standing.rank == 1
        else f"xếp thứ {standing.rank}/{n} của {campaign.cluster} năm {campaign.year} "
        f"với tổng số {fixed(standing.shown)} điểm"
    )
    sections, indicators = _led(results, standing.member, base_sections, best)
    parts = [head]
    if sections:
        parts.append("dẫn đầu Cụm ở " + join(f"phần “{t}”" for t in sections))
    if indicators:
        shown = [lower_first(t) for t in indicators[:3]]
        more = f" và {len(indicators) - 3} chỉ tiêu khác" if len(indicators) > 3 else ""
        parts.append("đạt tỷ lệ so với kế hoạch cao nhất Cụm về " + ", ".join(shown) + more)
    planned = sum(1 for i in campaign.catalogue.indicators if i.spec.uses_plan)
    if planned:
        parts.append(f"{card.above_plan}/{planned} chỉ tiêu đạt và vượt kế hoạch")
    return "; ".join(parts)


def _proposals(results: Results, rows: list[dict[str, Any]], base_sections: list[Section]) -> dict[str, Any]:
    """Who is proposed for which award, by formal name, with the proposal's justification of each.

    A place left to a vote (members tied across the quota) is a dotted line to
    fill in with the meeting's result; members not proposed are not mentioned.
    """
    campaign, ranking = results.campaign, results.ranking
    noun = campaign.report.member_noun
    by_code = {r["code"]: r for r in rows}
    best = _best(results, base_sections)
    out: dict[str, Any] = {}
    for award in (FLAG, MERIT):
        out[award] = [
            {
                "code": c,
                "name": by_code[c]["name"],
                "formal_name": formal_name(by_code[c]["name"], noun),
                "total": by_code[c]["total"],
                "justification": _justification(results, ranking.of(c), base_sections, best),
                "pending": False,
            }
            for c in ranking.proposed[award]
        ]
        for place in _pending_proposals(ranking)[award]:  # places the meeting still has to vote on
            out[award].append({"code": "", "formal_name": place["name"], **place})
    return out


def _proposal_document(results: Results, proposals: dict[str, Any], to: str) -> dict[str, Any]:
    """The proposal's own sentences: who submits it, the groups of members proposed, what is enclosed."""
    campaign = results.campaign
    noun, year = campaign.report.member_noun, campaign.year
    chair = formal_name(campaign.member(campaign.chair).name, noun)
    meeting = campaign.report.meeting.date
    minutes = f" (Biên bản họp bình xét {long_date(meeting)})" if meeting else ""
    groups = [
        {"heading": f"{n}. {AWARD_VI[award]} ({len(proposals[award])} {noun}):", "members": proposals[award]}
        for n, award in enumerate([a for a in (FLAG, MERIT) if proposals[a]], 1)
    ]
    who = {FLAG: "Chính phủ", MERIT: "Thủ tướng Chính phủ"}
    what = {FLAG: "Chính phủ tặng Cờ thi đua", MERIT: "Thủ tướng Chính phủ tặng Bằng khen"}
    givers = [who[a] for a in (FLAG, MERIT) if proposals[a]] or ["cấp có thẩm quyền"]
    awards = [what[a] for a in (FLAG, MERIT) if proposals[a]]
    intro = (
        f"Căn cứ kết quả chấm điểm, bình xét thi đua năm {year} của {campaign.cluster}{minutes}, {chair} "
        f"(Cụm trưởng năm {year}) kính trình {to} xem xét, đề nghị {' và '.join(awards) or 'khen thưởng'} "
        f"cho các {noun} có thành tích xuất sắc trong thực hiện giao ước thi đua năm {year}, cụ thể như sau:"
    )
    return {
        "intro": intro,
        "groups": groups,
        "enclosed": f"(Kèm theo Biên bản họp bình xét và Báo cáo tổng kết giao ước thi đua năm {year} của Cụm.)",
        "closing": f"{chair} kính trình {to} xem xét, trình {', '.join(givers)} quyết định./.",
    }


def _ranking_sentence(rows: list[dict[str, Any]], noun: str, year: int) -> str:
    """«Kết quả chấm điểm, xếp hạng năm 2023: tỉnh Cà Mau dẫn đầu Cụm với 893,52 điểm; thứ hai …»."""
    if not rows:
        return ""
    words = ("thứ hai", "thứ ba")
    first = rows[0]
    if sum(1 for r in rows if r["rank"] == first["rank"]) > 1:
        tied = join(called(r["name"], noun) for r in rows if r["rank"] == first["rank"])
        text = f"Kết quả chấm điểm, xếp hạng năm {year}: {tied} đồng hạng nhất với {first['total']} điểm"
    else:
        text = (
            f"Kết quả chấm điểm, xếp hạng năm {year}: {called(first['name'], noun)} "
            f"dẫn đầu Cụm với {first['total']} điểm"
        )
        for word, r in zip(words, rows[1:3], strict=False):
            text += f"; {word} là {called(r['name'], noun)} ({r['total']} điểm)"
    return text + "."


def _proposal_sentence(proposals: dict[str, Any], noun: str) -> str:
    """«Cụm thống nhất đề nghị Chính phủ tặng Cờ thi đua cho …; đề nghị Thủ tướng Chính phủ tặng Bằng khen cho …»."""
    flag = join(called(p["name"], noun) for p in proposals[FLAG])
    merit = join(called(p["name"], noun) for p in proposals[MERIT])
    parts = []
    if flag:
        parts.append(f"đề nghị Chính phủ tặng Cờ thi đua cho {flag}")
    if merit:
        parts.append(f"đề nghị Thủ tướng Chính phủ tặng Bằng khen cho {merit}")
    return ("Cụm thống nhất " + "; ".join(parts) + ".") if parts else ""


def build_context(results: Results, today: date | None = None) -> dict[str, Any]:
    """Everything a template sees (documented in docs/report-context.md)."""
    campaign, ranking = results.campaign, results.ranking
    info = campaign.report
    blanks = Blanks()
    day = info.date or today or date.today()
    names = {m.code: m.name for m in campaign.members}
    noun = info.member_noun
    base_sections = [s for s in campaign.catalogue.sections if any(i.spec.role == "base" for i in s.indicators)]
    yearly = results.year_on_year
    rows = [ranking_row(s, results.cards[s.member], base_sections, yearly) for s in ranking.standings]
    proposals = _proposals(results, rows, base_sections)
    deputies = [names[d] for d in ranking.next_deputies]
    rotation_sentence = (
        f"Cụm thống nhất suy tôn {called(names[ranking.next_chair], noun)} làm Cụm trưởng"
        + (f", {join(called(d, noun) for d in deputies)} làm Cụm phó" if deputies else "")
        + f" {campaign.cluster} năm {campaign.year + 1}."
    )
    place = blanks.fill(info.place, "report.place", _("place in the date line"), "……")
    date_line = f"{place}, {long_date(day)}"
    for key in ("number", "proposal_number", "minutes_number"):
        value = getattr(info, key)
        if not value.split("/")[0].strip():  # «      /BC-UBND»: the number is given when the document is issued
            what = _("document number ({number}), given when it is issued").format(number=value.strip())
            blanks.fill(None, f"report.{key}", what)
    signature = {
        "on_behalf": info.signatory.on_behalf,
        "acting": info.signatory.acting or "",
        "title": info.signatory.title,
        "name": blanks.fill(info.signatory.name, "report.signatory.name", _("signatory's name (report, proposal)")),
    }
    award_words = {FLAG: "Cờ thi đua của Chính phủ", MERIT: "Bằng khen của Thủ tướng Chính phủ"}
    proposed = [award_words[a] for a in (FLAG, MERIT) if proposals[a]] or list(award_words.values())
    sections = _sections(results, noun, blanks)
    documents: dict[str, Any] = {
        "report": {
            **header(info.issuer, info.issuer_parent),
            "number": info.number,
            "date_line": date_line,
            "day": long_date(day),
            "title": title(f"Tổng kết thực hiện giao ước thi đua năm {campaign.year} của {campaign.cluster}"),
            "recipients": recipients(
                info.recipients,
                ["Ban Thi đua - Khen thưởng Trung ương", f"Ủy ban nhân dân các {noun} trong Cụm", "Lưu: VT"],
                addressed=False,
            ),
        },
        "proposal": {
            **header(info.issuer, info.issuer_parent),
            "number": info.proposal_number,
            "date_line": date_line,
            "title": title(
                f"Về việc đề nghị tặng {' và '.join(proposed)} cho các {noun} thuộc {campaign.cluster} "
                f"năm {campaign.year}"
            ),
            "to": info.proposal_to,
            "day": long_date(day),
            "recipients": recipients(
                info.proposal_recipients, [f"Ủy ban nhân dân các {noun} trong Cụm", "Lưu: VT"], addressed=True
            ),
        },
    }
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
        "noun": noun,
        "noun_title": noun[:1].upper() + noun[1:],
        "members": [
            {"code": m.code, "name": m.name, "formal_name": formal_name(m.name, noun)} for m in campaign.members
        ],
        "chair": {"code": campaign.chair, "name": names[campaign.chair]},
        "deputies": [{"code": d, "name": names[d]} for d in campaign.deputies],
        "report": {
            **info.model_dump(mode="json", exclude={"date", "legal_basis"}),
            "date": day.isoformat(),
        },
        "date_line": date_line,
        "signature": signature,
        "legal_basis": [
            *(info.legal_basis if info.legal_basis is not None else legal_basis(day)),
            f"Giao ước thi đua năm {campaign.year} của {campaign.cluster}",
        ],
        "documents": documents,
        "sections": sections,
        "section_heads": [
            {
                "code": s.code,
                "title": s.title,
                "points": number(sum(i.points for i in s.indicators if i.spec.role == "base")),
            }
            for s in base_sections
        ],
        "annex_note": "Ghi chú: "
        + "; ".join(
            f"phần {s.code} - {s.title} ({number(sum(i.points for i in s.indicators if i.spec.role == 'base'))} điểm)"
            for s in base_sections
        )
        + ".",
        "ranking": rows,
        "proposals": proposals,
        "proposal": _proposal_document(results, proposals, info.proposal_to),
        "ranking_sentence": _ranking_sentence(rows, noun, campaign.year),
        "proposal_sentence": " ".join(
            [_proposal_sentence(proposals, noun)] + [d.sentence for d in ranking.departures]
        ).strip(),
        "rotation_sentence": rotation_sentence,
        "next_chair": {"code": ranking.next_chair, "name": names[ranking.next_chair]},
        "next_deputies": [{"code": d, "name": names[d]} for d in ranking.next_deputies],
        "notes": [v.sentence for v in ranking.votes] + ranking.notes,
        "illustrative": campaign.illustrative,
        "texts": {
            key: blanks.fill(getattr(info, key), f"report.{key}", what, LINE)
            for key, what in (
                ("situation", _("I. general situation (summary report)")),
                ("assessment", _("III. assessment (summary report)")),
                ("tasks", _("V. next year's tasks (summary report)")),
                ("recommendations", _("VI. recommendations (summary report)")),
            )
        },
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
    minutes = minutes_context(results, context, blanks)
    documents["minutes"] = minutes["document"]
    context["minutes"] = minutes
    context["blanks"] = blanks.found
    return _clean(context)
