"""``plan`` (*đạt/vượt kế hoạch*) and ``leader`` (*dẫn đầu Cụm*): methods over a plan and an actual."""

from __future__ import annotations

from collections.abc import Mapping
from statistics import fmean
from typing import Any

from ..vnformat import join, number, percent
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
    """The seeds' sentence: cluster figure, % of plan, change on last year, who reached the plan, who led."""
    usable = [
        (
            r.name,
            num(r.values.get("plan")) or 0.0,
            num(r.values.get("actual")) or 0.0,
            num(r.values.get("previous")),
            ratio,
        )
        for r in facts.returned
        if (ratio := plan_ratio(r.values)) is not None
    ]
    total_members = len(facts.rows)
    if not usable:
        return Writeup(f"{facts.heading}: chưa có số liệu của {facts.noun} nào.", {"members": total_members})
    rate = facts.unit.strip() == "%"
    kind = "mean" if rate and facts.aggregate != "none" else facts.aggregate
    pcts = [(n, ratio * 100) for n, _p, _a, _prev, ratio in usable]
    above = sorted((x for x in pcts if x[1] > 100), key=lambda x: -x[1])
    reached = sum(1 for *_x, ratio in usable if ratio >= 1)
    low, high = min(pcts, key=lambda x: x[1]), max(pcts, key=lambda x: x[1])

    def cluster(xs: list[float]) -> float | None:
        if kind == "none" or not xs:
            return None
        return sum(xs) if kind == "sum" else fmean(xs)

    total = cluster([a for _n, _p, a, _prev, _r in usable])
    total_plan = cluster([p for _n, p, _a, _prev, _r in usable])
    previous = [prev for _n, _p, _a, prev, _r in usable if prev is not None]
    total_prev = cluster(previous) if len(previous) == len(usable) else None
    of_plan = total / total_plan * 100 if total is not None and total_plan else None
    change = None
    if total is not None and total_prev is not None:
        change = total - total_prev if rate else ((total / total_prev - 1) * 100 if total_prev else None)
    parts = [facts.heading]
    if total is not None:
        scope = "bình quân toàn Cụm" if kind == "mean" and "bình quân" not in facts.title.lower() else "toàn Cụm"
        parts[0] += f" {scope} đạt {amount(total, facts.unit)}"
        if of_plan is not None:
            parts.append(f"đạt {percent(of_plan)} kế hoạch")
        if change is not None:
            word = "tăng" if change >= 0 else "giảm"
            size = f"{number(abs(change))} điểm phần trăm" if rate else percent(abs(change))
            parts.append(f"{word} {size} so với năm {facts.year - 1}")
    sentence = ", ".join(parts) + ("; có" if total is not None else ": có")
    sentence += f" {reached}/{total_members} {facts.noun} đạt và vượt kế hoạch"
    if above:
        listed = join(f"{n} ({percent(p)})" for n, p in above[:3])
        sentence += f", một số {facts.noun} vượt cao như: {listed}"
    elif len(pcts) > 1:
        sentence += f"; cao nhất {high[0]} ({percent(high[1])}), thấp nhất {low[0]} ({percent(low[1])})"
    figures = {
        "total": total,
        "total_text": amount(total, facts.unit) if total is not None else "",
        "pct_of_plan": of_plan,
        "pct_of_plan_text": percent(of_plan),
        "change": change,
        "change_text": (f"{number(abs(change))} điểm phần trăm" if rate else percent(abs(change)))
        if change is not None
        else "",
        "change_in_points": rate,
        "reached": reached,
        "members": total_members,
        "above_plan": [{"name": n, "pct": p, "pct_text": percent(p)} for n, p in above],
        "lowest": {"name": low[0], "pct": low[1], "pct_text": percent(low[1])},
        "highest": {"name": high[0], "pct": high[1], "pct_text": percent(high[1])},
    }
    return Writeup(sentence + ".", figures)


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
        return [("cap", f"cap {p.cap:g} is below the points at plan ({points * p.base:g}); raise it")]
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

Report: the cluster figure (`aggregate`: sum, or mean; a rate in % is always
a mean and changes in percentage points), % of plan, change on last year,
how many members reached the plan and the three furthest above it.""",
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
        "ở giữa: nội suy; dưới KH: tỷ lệ thuận"
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
