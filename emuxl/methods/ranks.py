"""``rank`` (*xếp hạng trong Cụm*) and ``national`` (*xếp hạng cả nước*): points by a rank."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence

from pydantic import model_validator

from ..i18n import _
from ..vnformat import join, number
from .base import (
    Cluster,
    Example,
    Facts,
    Input,
    Limits,
    Method,
    Params,
    Refs,
    Sample,
    Score,
    Value,
    Writeup,
    amount,
    guard,
    lit,
    need,
    num,
    param,
    pts,
    spread,
    typical,
)
from .plan import SELF
from .writeup import cluster_figure, cluster_kind, members, no_data, sentence, subject

# ---------------------------------------------------------------- rank in cluster


class RankParams(Params):
    """``rank``: points by rank among the members (ties share a rank)."""

    shares: list[float] = param(
        ...,
        "Tỷ lệ điểm theo hạng",
        "Phần điểm tối đa cho hạng 1, 2, 3… (mỗi số từ 0 đến 1)",
        "share of points for rank 1, 2, …",
        min_length=1,
    )
    rest: float = param(
        0.0,
        "Tỷ lệ điểm các hạng sau",
        "Phần điểm cho các hạng sau danh sách (0–1)",
        "share for ranks past the list",
        ge=0,
        le=1,
    )
    higher_is_better: bool = param(
        True,
        "Cao hơn là tốt hơn",
        "Đúng: giá trị cao nhất xếp thứ nhất; Sai: thấp nhất xếp thứ nhất",
        "rank the highest value first",
    )

    @model_validator(mode="after")
    def _shares_in_range(self) -> RankParams:
        if any(not 0 <= s <= 1 for s in self.shares):
            raise ValueError(_("every share must be between 0 and 1"))
        return self


ACTUAL_RANKED = Input("actual", "Thực hiện", "actual")


def rank_of(x: float, ordered: Sequence[float], higher: bool) -> int:
    """1 + how many of the (sorted) values are strictly better than x."""
    return 1 + (len(ordered) - bisect_right(ordered, x) if higher else bisect_left(ordered, x))


def _rank_score(values: Mapping[str, Value], p: RankParams, points: float, c: Cluster) -> Score:
    got = need(values, [ACTUAL_RANKED])
    if isinstance(got, Score):
        return got
    everyone = c.actuals
    rank = rank_of(got[0], everyone, p.higher_is_better)
    share = p.shares[rank - 1] if rank <= len(p.shares) else p.rest
    score = points * share
    return Score(score, f"xếp thứ {rank}/{len(everyone)} trong Cụm → {pts(score)} điểm")


def _rank_formula(refs: Refs, p: RankParams, points: float) -> str:
    x = refs.inputs["actual"]
    assert refs.column is not None
    order = 0 if p.higher_is_better else 1
    choose = ",".join(lit(s) for s in p.shares)
    body = f"{lit(points)}*IFERROR(CHOOSE(RANK({x},{refs.column['actual']},{order}),{choose}),{lit(p.rest)})"
    return guard(refs, ["actual"], body)


def _rank_describe(p: RankParams, points: float, _unit: str) -> str:
    firsts = "; ".join(f"hạng {i}: {pts(points * s)}" for i, s in enumerate(p.shares[:3], 1))
    more = "; …" if len(p.shares) > 3 else ""
    return f"Theo thứ hạng trong Cụm ({firsts}{more}; các hạng sau: {pts(points * p.rest)})"


def _rank_example(sample: Sample, p: RankParams) -> dict[str, Value]:
    centre, whole = typical(sample)
    return {
        "actual": spread(sample, centre, whole, 0.6, 1.4),
        "self": round(sample.points * sample.rng.uniform(0.5, 1.0), 2),
    }


def _rank_sentence(facts: Facts[RankParams]) -> Writeup:
    """«FDI toàn Cụm đạt …; dẫn đầu Cụm là A (…), B (…) và C (…)»."""
    ranked = sorted(
        ((r.name, x) for r in facts.returned if (x := num(r.values.get("actual"))) is not None),
        key=lambda t: -t[1] if facts.params.higher_is_better else t[1],
    )
    if not ranked:
        return no_data(facts)
    reported = {n for n, _x in ranked}
    lacking = [r.name for r in facts.rows if r.name not in reported]
    leaders = join(f"{n} ({amount(x, facts.unit)})" for n, x in ranked[:3])
    if cluster_kind(facts) != "none":
        _total, text = cluster_figure(facts, [x for _n, x in ranked], lacking)
        text += f"; dẫn đầu Cụm là {leaders}"
    else:
        text = f"{subject(facts)}: dẫn đầu Cụm là {leaders}"
    return sentence(text, {"leaders": [{"name": n, "value": x} for n, x in ranked[:3]], "missing": lacking})


RANK_METHOD: Method[RankParams] = Method(
    name="rank",
    title="Xếp hạng trong Cụm",
    inputs=(ACTUAL_RANKED, SELF),
    params=RankParams,
    score=_rank_score,
    formula=_rank_formula,
    describe=_rank_describe,
    example=_rank_example,
    sentence=_rank_sentence,
    cluster_wide=True,
    doc="""\
## rank — *xếp hạng trong Cụm*

Inputs `actual`, `self`. Parameters `shares` (share of P for rank 1, 2, …),
`rest` (0), `higher_is_better` (true). Ranks are competition ranks among the
members that gave a number (ties share a rank: 1, 1, 3); twin: `RANK`.

Report: the three leading members with their figures, and the cluster figure.""",
    examples=(
        Example(
            RankParams(shares=[1, 0.9, 0.8]),
            20,
            {"actual": 30.0},
            16,
            "P = 20, shares 1; 0,9; 0,8: third of four → 20 · 0,8",
            Cluster(values=({"actual": 50.0}, {"actual": 40.0}, {"actual": 30.0}, {"actual": 20.0})),
        ),
    ),
)


# ---------------------------------------------------------------- national rank


class Band(Params):
    """One percentile band of a national ranking."""

    top_pct: float = param(
        ...,
        "Nhóm đứng đầu (%)",
        "Xếp hạng trong N% đơn vị đứng đầu cả nước",
        "rank within the top N % of units",
        gt=0,
        le=100,
    )
    share: float = param(
        ..., "Tỷ lệ điểm", "Phần điểm tối đa của nhóm này (0–1)", "share of points in this band", ge=0, le=1
    )


class NationalParams(Params):
    """``national``: points by percentile band of the national rank (PCI, PAR INDEX …)."""

    of: int = param(
        63,
        "Số đơn vị cả nước",
        "Số đơn vị được xếp hạng cả nước (63 trước 2025, 34 từ 2025)",
        "units ranked nationally (63 before 2025, 34 after)",
        ge=1,
    )
    bands: list[Band] = param(
        ..., "Các nhóm xếp hạng", "Nhóm đứng đầu và tỷ lệ điểm, nhóm tốt nhất trước", "bands, best first", min_length=1
    )
    rest: float = param(
        0.0,
        "Tỷ lệ điểm ngoài các nhóm",
        "Phần điểm khi xếp sau nhóm cuối (0–1)",
        "share below the last band",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _bands_ascending(self) -> NationalParams:
        tops = [b.top_pct for b in self.bands]
        if tops != sorted(tops):
            raise ValueError(_("bands must be listed best first (top_pct ascending)"))
        return self


NATIONAL_RANK = Input("rank", "Thứ hạng cả nước", "result", kind="integer", limits=Limits(low=1, high=63, whole=True))


def _national_score(values: Mapping[str, Value], p: NationalParams, points: float, _: Cluster) -> Score:
    got = need(values, [NATIONAL_RANK])
    if isinstance(got, Score):
        return got
    rank = got[0]
    if not rank.is_integer() or not 1 <= rank <= p.of:
        return Score(0.0, f"thứ hạng {number(rank)} ngoài 1..{p.of} → 0 điểm", "rank-out-of-range")
    share = next((b.share for b in p.bands if rank * 100 <= b.top_pct * p.of), p.rest)
    score = points * share
    return Score(score, f"xếp hạng {int(rank)}/{p.of} cả nước → {pts(score)} điểm")


def _national_formula(refs: Refs, p: NationalParams, points: float) -> str:
    rk = refs.inputs["rank"]
    body = f"{lit(points)}*{lit(p.rest)}"
    for band in reversed(p.bands):
        body = f"IF({rk}*100<={lit(band.top_pct)}*{p.of},{lit(points)}*{lit(band.share)},{body})"
    return guard(refs, ["rank"], f"IF(AND({rk}>=1,{rk}<={p.of},{rk}=INT({rk})),{body},0)")


def _national_describe(p: NationalParams, points: float, _unit: str) -> str:
    bands = "; ".join(f"trong {number(b.top_pct)}% đứng đầu: {pts(points * b.share)}" for b in p.bands)
    return f"Theo thứ hạng trên {p.of} tỉnh, thành phố cả nước ({bands}; còn lại: {pts(points * p.rest)})"


def _national_sentence(facts: Facts[NationalParams]) -> Writeup:
    """Who is in the scoring bands, with their rank out of the national count («Đồng Tháp hạng 7/63»)."""
    p = facts.params
    ranked = sorted(
        ((r.name, int(x)) for r in facts.returned if (x := num(r.values.get("rank"))) is not None and 1 <= x <= p.of),
        key=lambda t: t[1],
    )
    if not ranked:
        return no_data(facts)
    n = len(facts.rows)

    def listed(group: list[tuple[str, int]]) -> str:
        return members([f"{name} hạng {k}/{p.of}" for name, k in group], facts.noun, limit=4)

    parts: list[str] = []
    shown = 0
    for i, band in enumerate(p.bands):
        if band.share <= p.rest:
            break  # bands that give no more than the rest are not worth naming
        upper = band.top_pct * p.of
        lower = p.bands[i - 1].top_pct * p.of if i else 0
        group = [(name, k) for name, k in ranked if lower < k * 100 <= upper]
        if not group:
            continue
        words = f"nhóm {number(band.top_pct)}% dẫn đầu cả nước"
        count = f"{len(group)}/{n} {facts.noun}" if not parts else f"{len(group)} {facts.noun} khác"
        if shown < 6:
            parts.append(f"{count} thuộc {words} ({listed(group)})")
            shown += len(group)
        else:
            parts.append(f"{count} thuộc {words}")
    best = p.bands[0]
    if parts:
        text = f"{subject(facts)}: có " + "; ".join(parts)
    else:
        last = next((b for b in reversed(p.bands) if b.share > p.rest), best)
        text = (
            f"{subject(facts)}: chưa có {facts.noun} nào thuộc nhóm {number(last.top_pct)}% dẫn đầu cả nước; "
            f"cao nhất là {listed(ranked[:1])}"
        )
    return sentence(text, {"ranks": [{"name": name, "rank": k} for name, k in ranked], "of": p.of})


NATIONAL_METHOD: Method[NationalParams] = Method(
    name="national",
    title="Xếp hạng cả nước",
    inputs=(NATIONAL_RANK,),
    params=NationalParams,
    score=_national_score,
    formula=_national_formula,
    describe=_national_describe,
    example=lambda sample, p: {"rank": float(sample.rng.randint(1, p.of))},
    sentence=_national_sentence,
    bounds=lambda inp, p: Limits(low=1, high=p.of, whole=True),
    doc="""\
## national — *xếp hạng cả nước* (PCI, PAR INDEX, SIPAS, PAPI, DTI)

Input `rank` (whole number from 1 to `of`). Parameters `of` (63 before 2025,
34 after), `bands` (best first: `top_pct`, `share`), `rest` (0).

points = P·share of the first band with rank·100 ≤ top_pct·of, else P·rest.
Integer arithmetic on both sides, so the band edges are exact in Python and
in spreadsheets. Rank outside 1..of or not whole → 0, issue `rank-out-of-range`.

Report: the members of each band that scores above `rest`, with their rank
out of `of` («Đồng Tháp hạng 7/63»); when none is in a band, the best ranked.""",
    examples=(
        Example(
            NationalParams(of=63, bands=[Band(top_pct=10, share=1), Band(top_pct=30, share=0.8)]),
            30,
            {"rank": 15.0},
            24,
            "P = 30, of 63, bands 10% → 1, 30% → 0,8: rank 15 → 1.500 ≤ 1.890 → 30 · 0,8",
        ),
        Example(
            NationalParams(of=34, bands=[Band(top_pct=10, share=1)], rest=0.4),
            20,
            {"rank": 4.0},
            8,
            "P = 20, of 34, band 10% → 1, rest 0,4: rank 4 → 400 > 340 → 20 · 0,4",
        ),
    ),
)
