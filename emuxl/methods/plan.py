"""``plan`` (*đạt/vượt kế hoạch*) and ``leader`` (*dẫn đầu Cụm*): methods over a plan and an actual."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import _
from ..vnformat import join, number
from .base import (
    MAX_AMOUNT,
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
    pct,
    plan_ratio,
    pts,
    spread,
    typical,
)
from .writeup import (
    change_words,
    cluster_figure,
    cluster_kind,
    is_rate,
    lower_first,
    members,
    no_data,
    reached,
    sentence,
    subject,
)

PLAN = Input("plan", "Kế hoạch", "plan", limits=Limits(low=0, high=MAX_AMOUNT, above=True))
ACTUAL = Input("actual", "Thực hiện", "actual")
PREVIOUS = Input("previous", "Cùng kỳ năm trước", "previous", required=False, carried_from="actual")
SELF = Input("self", "Tự chấm", "self")
PLAN_INPUTS = (PLAN, ACTUAL, PREVIOUS)

PLAUSIBLE_RATIO = (0.2, 5.0)  # actual / plan outside this is more likely a slip than a result


def plausible_plan(values: Mapping[str, Value], _p: object) -> list[str]:
    """A warning when actual / plan is outside 20 %–500 %: a misplaced digit or a wrong unit."""
    r = plan_ratio(values)
    if r is None or PLAUSIBLE_RATIO[0] <= r <= PLAUSIBLE_RATIO[1]:
        return []
    low, high = (f"{x * 100:g}%" for x in PLAUSIBLE_RATIO)
    return [f"thực hiện đạt {pct(r)} kế hoạch, ngoài khoảng thường gặp {low}–{high}; kiểm tra lại đơn vị và số liệu"]


def example_plan(sample: Sample, _p: object) -> dict[str, Value]:
    """A plan near a province's typical figure, an actual mostly 92–112 % of it, last year a little lower."""
    centre, whole = typical(sample)
    plan = spread(sample, centre, whole)
    actual = spread(sample, plan, whole, 0.92, 1.12)
    if sample.unit.strip() == "%" and centre < 20:  # a growth rate or a fall: last year within a point
        previous = round(actual + sample.rng.uniform(-1.0, 1.0), 2)
    else:
        previous = spread(sample, actual, whole, 0.88, 0.99)
    return {"plan": plan, "actual": actual, "previous": previous}


def plan_writeup(facts: Facts[Any]) -> Writeup:
    """The seeds' sentence: cluster figure, % of plan, change on last year, who reached the plan, who led.

    «Thu ngân sách … toàn Cụm đạt 65.913 tỷ đồng, đạt 103,46% kế hoạch, tăng
    31,15% so với năm 2016; có 10/12 tỉnh đạt và vượt kế hoạch, một số tỉnh vượt
    cao như: An Giang (109,69%) …». A rate (%) is the plain mean of the members,
    changes in percentage points, and its leaders are named with their rate;
    without ``aggregate`` the sentence opens on who reached the plan.
    """
    usable = [
        (r.name, num(r.values.get("plan")) or 0.0, num(r.values.get("actual")) or 0.0, num(r.values.get("previous")), q)
        for r in facts.returned
        if (q := plan_ratio(r.values)) is not None
    ]
    n = len(facts.rows)
    if not usable:
        return no_data(facts)
    rate, kind = is_rate(facts.unit), cluster_kind(facts)
    reported = {u[0] for u in usable}
    lacking = [r.name for r in facts.rows if r.name not in reported]
    pcts = [(name, q * 100) for name, _p, _a, _prev, q in usable]
    above = sorted((x for x in pcts if x[1] > 100), key=lambda x: -x[1])
    count = sum(1 for *_x, q in usable if q >= 1)
    low, high = min(pcts, key=lambda x: x[1]), max(pcts, key=lambda x: x[1])
    total = of_plan = change = None
    text, change_text = "", ""
    if kind != "none":
        total, text = cluster_figure(facts, [a for _n, _p, a, _prev, _q in usable], lacking)
        plans = [p for _n, p, _a, _prev, _q in usable]
        total_plan = sum(plans) if kind == "sum" else sum(plans) / len(plans)
        of_plan = total / total_plan * 100 if total_plan else None
        if of_plan is not None:
            text += f", đạt {share(of_plan)} kế hoạch"
        previous = [prev for _n, _p, _a, prev, _q in usable if prev is not None]
        if len(previous) == len(usable):
            before = sum(previous) if kind == "sum" else sum(previous) / len(previous)
            change = total - before if rate else ((total / before - 1) * 100 if before else None)
            if facts.title.lower().startswith("giảm"):  # a reduction of a rate: give last year's, not a change of it
                text += f" (năm {facts.year - 1}: {amount(before, facts.unit)})"
            else:
                change_text = change_words(total, before, facts.unit, facts.year - 1, relative=True)
                text += f", {change_text}" if change_text else ""
        text += "; " + reached(count, n, facts.noun, "đạt và vượt kế hoạch")
    else:
        text = f"Về {lower_first(subject(facts))}, " + reached(count, n, facts.noun, "đạt và vượt kế hoạch")
    best = sorted(usable, key=lambda u: -u[2])[:3]
    if rate:  # rates: the highest rates themselves
        text += f", cao nhất là {join(f'{name} ({amount(a, facts.unit)})' for name, _p, a, _prev, _q in best)}"
    elif above:
        text += f", một số {facts.noun} vượt cao như: {join(f'{name} ({share(x)})' for name, x in above[:3])}"
    else:
        text += f"; cao nhất là {high[0]} ({share(high[1])} kế hoạch)"
    if lacking and kind != "sum":
        text += f"; {members(lacking, facts.noun)} chưa có số liệu"
    figures = {
        "kind": kind,
        "total": total,
        "total_text": amount(total, facts.unit) if total is not None else "",
        "pct_of_plan": of_plan,
        "pct_of_plan_text": share(of_plan) if of_plan is not None else "",
        "change": change,
        "change_text": change_text,
        "change_in_points": rate,
        "reached": count,
        "members": n,
        "above_plan": [{"name": name, "pct": x, "pct_text": share(x)} for name, x in above],
        "lowest": {"name": low[0], "pct": low[1], "pct_text": share(low[1])},
        "highest": {"name": high[0], "pct": high[1], "pct_text": share(high[1])},
        "missing": lacking,
    }
    return sentence(text, figures)


def share(pct_value: float) -> str:
    """A percentage of plan as the seeds print it: 109,69%; 150%."""
    return f"{number(pct_value)}%"


# ---------------------------------------------------------------- plan


class PlanParams(Params):
    """``plan``: base share at 100 %, bonus per % over plan up to cap, floor ratio."""

    base: float = param(
        1.0,
        "Tỷ lệ điểm khi đạt KH",
        "Phần điểm tối đa khi đạt đúng 100% kế hoạch (0–1)",
        "share of points at exactly 100 % of plan",
        ge=0,
        le=1,
    )
    bonus_per_pct: float = param(
        0.0, "Điểm cộng mỗi 1% vượt KH", "Điểm cộng thêm cho mỗi 1% vượt kế hoạch", "points added per % over plan", ge=0
    )
    cap: float | None = param(
        None,
        "Điểm tối đa kể cả cộng",
        "Tổng điểm tối đa kể cả điểm cộng (để trống: bằng điểm tối đa)",
        "most points in all (default: the max points)",
        ge=0,
    )
    floor_ratio: float = param(
        0.0,
        "Ngưỡng tối thiểu",
        "Đạt dưới tỷ lệ kế hoạch này thì 0 điểm (0–1)",
        "below this actual/plan, 0 points",
        ge=0,
        le=1,
    )


def _plan_cap(p: PlanParams, points: float) -> float:
    return points if p.cap is None else p.cap


def _plan_score(values: Mapping[str, Value], p: PlanParams, points: float, _: Cluster) -> Score:
    got = need(values, [PLAN, ACTUAL])
    if isinstance(got, Score):
        return got
    ratio = plan_ratio(values)
    if ratio is None:
        return Score(0.0, "kế hoạch phải lớn hơn 0 → 0 điểm", "plan-not-positive")
    r = ratio
    if r < p.floor_ratio or r <= 0:
        return Score(0.0, f"đạt {pct(r)} kế hoạch, dưới ngưỡng {pct(p.floor_ratio)} → 0 điểm")
    score = points * p.base * min(r, 1)
    if r > 1:
        score += min(_plan_cap(p, points) - points * p.base, p.bonus_per_pct * 100 * (r - 1))
    return Score(score, f"đạt {pct(r)} kế hoạch → {pts(score)} điểm")


def _plan_formula(refs: Refs, p: PlanParams, points: float) -> str:
    plan, actual = refs.inputs["plan"], refs.inputs["actual"]
    r = f"{actual}/{plan}"
    body = (
        f"IF({plan}>0,IF(OR({r}<{lit(p.floor_ratio)},{r}<=0),0,"
        f"{lit(points)}*{lit(p.base)}*MIN({r},1)"
        f"+IF({r}>1,MIN({lit(_plan_cap(p, points))}-{lit(points)}*{lit(p.base)},"
        f"{lit(p.bonus_per_pct)}*100*({r}-1)),0)),0)"
    )
    return guard(refs, ["plan", "actual"], body)


def _plan_describe(p: PlanParams, points: float, _unit: str) -> str:
    text = f"Đạt 100% KH: {pts(points * p.base)} điểm; dưới KH: tỷ lệ thuận"
    if p.bonus_per_pct:
        text += f"; vượt KH: +{pts(p.bonus_per_pct)} điểm/1%, tối đa {pts(_plan_cap(p, points))}"
    if p.floor_ratio:
        text += f"; đạt dưới {pct(p.floor_ratio)} KH: 0 điểm"
    return text


def _plan_check(p: PlanParams, points: float) -> list[tuple[str, str]]:
    if p.cap is not None and p.cap < points * p.base:
        message = _("cap {cap:g} is below the points at plan ({at_plan:g}); raise it")
        return [("cap", message.format(cap=p.cap, at_plan=points * p.base))]
    return []


PLAN_METHOD: Method[PlanParams] = Method(
    name="plan",
    title="Đạt/vượt kế hoạch",
    inputs=PLAN_INPUTS,
    params=PlanParams,
    score=_plan_score,
    formula=_plan_formula,
    describe=_plan_describe,
    example=example_plan,
    sentence=plan_writeup,
    uses_plan=True,
    check=_plan_check,
    most=_plan_cap,
    plausible=plausible_plan,
    doc="""\
## plan — *đạt/vượt kế hoạch* (higher is better)

Inputs `plan` (more than 0), `actual`, optional `previous`. Parameters `base` (1),
`bonus_per_pct` (0), `cap` (P), `floor_ratio` (0).

With r = actual / plan: points = P·base·min(r, 1) when r ≥ floor_ratio (else
0), plus min(cap − P·base, bonus_per_pct·100·(r − 1)) when r > 1. `cap` may
not be below P·base, and is the most `emuxl adjust` accepts.

Edge cases: plan ≤ 0 → 0 points, issue `plan-not-positive`; r ≤ 0 (negative
growth) → 0; r below the floor → 0. Actual outside 20 %–500 % of plan is
flagged as implausible (a warning; the value is used).

Report: the cluster figure (`aggregate`: sum, or mean of the members that
reported; a rate in % is always a mean and changes in percentage points), %
of plan, change on last year, how many members reached the plan and the
three furthest above it (for a rate: the three highest rates). Without
`aggregate`, the sentence opens on who reached the plan.""",
    examples=(
        Example(
            PlanParams(base=0.9, bonus_per_pct=1, cap=50, floor_ratio=0.5),
            50,
            {"plan": 65000.0, "actual": 67249.0},
            48.46,
            "A03, P = 50, base 0,9, bonus 1 per %, cap 50, floor 0,5: plan 65.000, actual 67.249"
            " → r = 103,46% → 45 + min(5; 3,46)",
        ),
        Example(PlanParams(), 30, {"plan": 200.0, "actual": 150.0}, 22.5, "P = 30: 75% of plan → 30 · 0,75"),
        Example(PlanParams(floor_ratio=0.6), 30, {"plan": 100.0, "actual": 55.0}, 0, "floor 0,6: 55% of plan → 0"),
    ),
)


# ---------------------------------------------------------------- leader


class LeaderParams(Params):
    """``leader``: share at plan; full points for the best member of the cluster."""

    at_plan: float = param(
        0.5,
        "Tỷ lệ điểm khi đạt KH",
        "Phần điểm tối đa khi đạt đúng 100% kế hoạch (0–1)",
        "share of points at exactly 100 % of plan",
        ge=0,
        le=1,
    )


def _leader_score(values: Mapping[str, Value], p: LeaderParams, points: float, c: Cluster) -> Score:
    got = need(values, [PLAN, ACTUAL])
    if isinstance(got, Score):
        return got
    r = plan_ratio(values)
    if r is None:
        return Score(0.0, "kế hoạch phải lớn hơn 0 → 0 điểm", "plan-not-positive")
    best = max(r, c.best_ratio if c.best_ratio is not None else r)
    if r < 1:
        score = max(0.0, points * p.at_plan * r)
    elif r >= best:
        score = points
    else:
        score = points * p.at_plan + points * (1 - p.at_plan) * (r - 1) / (best - 1)
    return Score(score, f"đạt {pct(r)} KH, cao nhất Cụm {pct(best)} → {pts(score)} điểm")


def _leader_formula(refs: Refs, p: LeaderParams, points: float) -> str:
    plan, actual = refs.inputs["plan"], refs.inputs["actual"]
    r, best, a = f"{actual}/{plan}", f"MAX({refs.ratios})", lit(p.at_plan)
    body = (
        f"IF({plan}>0,IF({r}<1,MAX(0,{lit(points)}*{a}*{r}),IF({r}>={best},{lit(points)},"
        f"{lit(points)}*{a}+{lit(points)}*(1-{a})*({r}-1)/({best}-1))),0)"
    )
    return guard(refs, ["plan", "actual"], body)


def _leader_describe(p: LeaderParams, points: float, _unit: str) -> str:
    return (
        f"Đạt KH: {pts(points * p.at_plan)} điểm; dẫn đầu Cụm: {pts(points)} điểm; "
        "giữa hai mức: tính theo tỷ lệ; dưới KH: tỷ lệ thuận"
    )


def _leader_example(sample: Sample, p: LeaderParams) -> dict[str, Value]:
    values = example_plan(sample, p)
    values["self"] = round(sample.points * sample.rng.uniform(0.6, 1.0), 2)
    return values


LEADER_METHOD: Method[LeaderParams] = Method(
    name="leader",
    title="Dẫn đầu Cụm",
    inputs=(*PLAN_INPUTS, SELF),
    params=LeaderParams,
    score=_leader_score,
    formula=_leader_formula,
    describe=_leader_describe,
    example=_leader_example,
    sentence=plan_writeup,
    uses_plan=True,
    cluster_wide=True,
    plausible=plausible_plan,
    doc="""\
## leader — *dẫn đầu Cụm*

Inputs `plan`, `actual`, optional `previous`, `self` (the member's own
estimate; the official score needs every member's values). Parameter
`at_plan` (0.5).

r = actual / plan, best = the highest r in the cluster. r < 1 → P·at_plan·r;
r ≥ best → P; otherwise P·at_plan + P·(1 − at_plan)·(r − 1)/(best − 1).
Reported like `plan`.""",
    examples=(
        Example(
            LeaderParams(),
            50,
            {"plan": 100.0, "actual": 106.0},
            37.5,
            "P = 50: best 112%, member at 106% → 25 + 25 · 0,06 / 0,12",
            Cluster(values=({"plan": 100.0, "actual": 112.0}, {"plan": 100.0, "actual": 106.0})),
        ),
        Example(LeaderParams(), 50, {"plan": 100.0, "actual": 90.0}, 22.5, "below plan: 50 · 0,5 · 0,9"),
    ),
)
