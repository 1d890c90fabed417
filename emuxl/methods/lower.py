"""``lower`` (*càng thấp càng tốt*) and ``accidents`` (*giảm 3 tiêu chí*): fewer is better."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import model_validator

from ..i18n import _
from ..vnformat import join, number
from .base import (
    Cluster,
    Column,
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
    typical,
)
from .writeup import change_words, cluster_figure, cluster_kind, members, no_data, reached, sentence, subject

PLAUSIBLE_CHANGE = (0.2, 5.0)  # this year / last year outside this, for counts of ten or more: check it
COUNTS = Limits(low=0, high=1e9, whole=True)


def _odd_change(name: str, actual: float | None, previous: float | None) -> list[str]:
    if actual is None or previous is None or previous < 10:
        return []
    if PLAUSIBLE_CHANGE[0] <= actual / previous <= PLAUSIBLE_CHANGE[1]:
        return []
    return [f"{name} năm nay {number(actual)} so với cùng kỳ {number(previous)}: thay đổi bất thường, kiểm tra lại"]


# ---------------------------------------------------------------- lower is better


class LowerParams(Params):
    """``lower``: lower is better, against the previous year or a fixed target."""

    reference: Literal["previous", "target"] = param(
        "previous",
        "So sánh với",
        "Cùng kỳ năm trước, hoặc một chỉ tiêu cố định (ghi ở cột Chỉ tiêu)",
        "compare with",
        choices={"previous": "Cùng kỳ năm trước", "target": "Chỉ tiêu cố định"},
    )
    target: float | None = param(
        None, "Chỉ tiêu", "Chỉ tiêu cần thấp hơn, khi so sánh với chỉ tiêu", "the target, when reference is target"
    )
    equal_share: float = param(
        1.0,
        "Tỷ lệ điểm khi bằng",
        "Phần điểm khi bằng mức so sánh (0–1)",
        "share when equal to the reference",
        ge=0,
        le=1,
    )
    worse_share: float = param(
        0.0,
        "Tỷ lệ điểm khi tăng",
        "Phần điểm khi cao hơn mức so sánh (0–1)",
        "share when above the reference",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _target_given(self) -> LowerParams:
        if (self.reference == "target") != (self.target is not None):
            raise ValueError(_("give target exactly when reference is 'target'"))
        return self


LOWER_ACTUAL = Input("actual", "Thực hiện", "actual", hint="nhập 0 nếu không có")
LOWER_PREVIOUS = Input("previous", "Cùng kỳ năm trước", "previous", hint="nhập 0 nếu không có", carried_from="actual")


def _lower_needs(p: LowerParams) -> list[Input]:
    return [LOWER_ACTUAL, LOWER_PREVIOUS] if p.reference == "previous" else [LOWER_ACTUAL]


def _lower_score(values: Mapping[str, Value], p: LowerParams, points: float, _: Cluster) -> Score:
    got = need(values, _lower_needs(p))
    if isinstance(got, Score):
        return got
    actual = got[0]
    ref = got[1] if p.reference == "previous" else float(p.target or 0)
    if actual < ref:
        score, word = points, "giảm"
    elif actual == ref:
        score, word = points * p.equal_share, "bằng"
    else:
        score, word = points * p.worse_share, "tăng"
    return Score(score, f"{number(actual)} so với {number(ref)}: {word} → {pts(score)} điểm")


def _lower_formula(refs: Refs, p: LowerParams, points: float) -> str:
    a = refs.inputs["actual"]
    ref = refs.inputs["previous"] if p.reference == "previous" else lit(p.target or 0)
    body = (
        f"IF({a}<{ref},{lit(points)},IF({a}={ref},{lit(points)}*{lit(p.equal_share)},"
        f"{lit(points)}*{lit(p.worse_share)}))"
    )
    return guard(refs, [i.name for i in _lower_needs(p)], body)


def _lower_describe(p: LowerParams, points: float, _unit: str) -> str:
    ref = "cùng kỳ" if p.reference == "previous" else f"chỉ tiêu {number(p.target or 0)}"
    same, worse = pts(points * p.equal_share), pts(points * p.worse_share)
    return f"Giảm so với {ref}: {pts(points)} điểm; bằng: {same}; tăng: {worse}"


def _lower_example(sample: Sample, p: LowerParams) -> dict[str, Value]:
    centre, whole = typical(sample)
    previous = round(centre * sample.rng.uniform(0.6, 1.4), 0 if whole else 2)
    actual = round(previous * sample.rng.uniform(0.82, 1.06), 0 if whole else 2)
    return {"actual": float(actual), "previous": float(previous)}


def _lower_sentence(facts: Facts[LowerParams]) -> Writeup:
    """The cluster figure and its change in units («giảm 348 vụ so với năm 2016»), and how many reduced it."""
    p = facts.params
    pairs = [
        (r.name, a, num(r.values.get("previous")) if p.reference == "previous" else p.target)
        for r in facts.returned
        if (a := num(r.values.get("actual"))) is not None
    ]
    usable = [(name, a, ref) for name, a, ref in pairs if ref is not None]
    if not usable:
        return no_data(facts)
    n = len(facts.rows)
    reported = {u[0] for u in usable}
    lacking = [r.name for r in facts.rows if r.name not in reported]
    fewer = [name for name, a, ref in usable if a < ref]
    higher = [name for name, a, ref in usable if a > ref]
    if p.reference == "target":
        goal = amount(p.target or 0, facts.unit)
        text = f"{subject(facts)}: " + reached(len(fewer), n, facts.noun, f"thấp hơn chỉ tiêu {goal}")
        if higher and len(higher) <= 3:
            text += f"; {members(higher, facts.noun)} vượt chỉ tiêu"
        return sentence(text, {"reduced": len(fewer), "above_target": higher, "missing": lacking})
    kind = cluster_kind(facts)
    year = facts.year - 1
    figures: dict[str, Any] = {"reduced": len(fewer), "increased": higher, "missing": lacking, "kind": kind}
    if kind == "none":
        text = f"{subject(facts)}: " + reached(len(fewer), n, facts.noun, f"giảm so với năm {year}")
    else:
        now_values, before_values = [a for _n, a, _r in usable], [r for _n, _a, r in usable]
        now, text = cluster_figure(facts, now_values, lacking, verb="là")  # a count of cases is not «reached»
        before = sum(before_values) if kind == "sum" else sum(before_values) / len(before_values)
        change = change_words(now, before, facts.unit, year, relative=False)
        if kind == "sum" and now != before and before:
            change = change.replace(" so với", f" ({number(abs(now - before) / before * 100)}%) so với", 1)
        text += f", {change}; " + reached(len(fewer), n, facts.noun, "giảm")
        figures |= {"total": now, "previous": before, "change": now - before}
    if higher and len(higher) <= 3:
        text += f"; {members(higher, facts.noun)} còn tăng"
    return sentence(text, figures)


LOWER_METHOD: Method[LowerParams] = Method(
    name="lower",
    title="Càng thấp càng tốt",
    inputs=(LOWER_ACTUAL, LOWER_PREVIOUS),
    params=LowerParams,
    score=_lower_score,
    formula=_lower_formula,
    describe=_lower_describe,
    example=_lower_example,
    sentence=_lower_sentence,
    applies=lambda inp, p: inp.name != "previous" or p.reference == "previous",
    plausible=lambda v, _p: _odd_change("Số liệu", num(v.get("actual")), num(v.get("previous"))),
    doc="""\
## lower — *càng thấp càng tốt* (crime, fires)

Inputs `actual`, `previous` (or none with `reference: target`), both 0 or
more. Parameters `reference` (previous | target), `target`, `equal_share` (1),
`worse_share` (0).

actual < reference → P; equal → P·equal_share; higher → P·worse_share.
A change on last year beyond ×0,2–×5 (from 10 up) is flagged as implausible.

Report: the cluster total and its change in units on last year («giảm 348 vụ
so với năm 2016»), and how many members reduced it.""",
    examples=(
        Example(
            LowerParams(equal_share=0.5), 25, {"actual": 182.0, "previous": 190.0}, 25, "P = 25: 182 cases against 190"
        ),
        Example(LowerParams(equal_share=0.5), 25, {"actual": 190.0, "previous": 190.0}, 12.5, "equal: 25 · 0,5"),
        Example(LowerParams(reference="target", target=5), 10, {"actual": 7.0}, 0, "target 5, actual 7: higher"),
    ),
)


# ---------------------------------------------------------------- three-criteria reduction


class AccidentsParams(Params):
    """``accidents``: reduced on cases, deaths and injuries; share by criteria reduced."""

    shares: list[float] = param(
        [0.0, 0.4, 0.7, 1.0],
        "Tỷ lệ điểm theo số mặt giảm",
        "Phần điểm khi giảm 0, 1, 2, 3 mặt (bốn số từ 0 đến 1)",
        "share for 0, 1, 2, 3 reduced",
        min_length=4,
        max_length=4,
    )


ACTUAL_COLUMN: Column = "actual"
PREVIOUS_COLUMN: Column = "previous"
CRITERIA = (("cases", "Số vụ"), ("deaths", "Số người chết"), ("injuries", "Số người bị thương"))
ACCIDENT_INPUTS = tuple(
    Input(
        name,
        label if col == "actual" else f"{label} cùng kỳ",
        col,
        kind="integer",
        row=i,
        row_label=label,
        limits=COUNTS,
        hint="nhập 0 nếu không có",
        carried_from=c if col == PREVIOUS_COLUMN else None,
    )
    for i, (c, label) in enumerate(CRITERIA, 1)
    for name, col in ((c, ACTUAL_COLUMN), (f"{c}_previous", PREVIOUS_COLUMN))
)


def _accidents_score(values: Mapping[str, Value], p: AccidentsParams, points: float, _: Cluster) -> Score:
    got = need(values, ACCIDENT_INPUTS)
    if isinstance(got, Score):
        return got
    reduced = sum(1 for i in range(0, 6, 2) if got[i] < got[i + 1])
    score = points * p.shares[reduced]
    return Score(score, f"giảm {reduced}/3 mặt (số vụ, số người chết, số người bị thương) → {pts(score)} điểm")


def _accidents_formula(refs: Refs, p: AccidentsParams, points: float) -> str:
    i = refs.inputs
    count = "+".join(f"({i[c]}<{i[c + '_previous']})" for c, _l in CRITERIA)
    shares = ",".join(lit(s) for s in p.shares)
    return guard(refs, [x.name for x in ACCIDENT_INPUTS], f"{lit(points)}*CHOOSE(1+{count},{shares})")


def _accidents_describe(p: AccidentsParams, points: float, _unit: str) -> str:
    s = p.shares
    return (
        f"Giảm cả 3 mặt (số vụ, số người chết, số người bị thương): {pts(points * s[3])}; "
        f"giảm 2 mặt: {pts(points * s[2])}; giảm 1 mặt: {pts(points * s[1])}; không giảm: {pts(points * s[0])}"
    )


def _accidents_example(sample: Sample, p: AccidentsParams) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for (c, _l), centre in zip(CRITERIA, (180, 120, 140), strict=True):
        previous = float(round(centre * sample.rng.uniform(0.6, 1.4)))
        out[f"{c}_previous"] = previous
        out[c] = float(round(previous * sample.rng.uniform(0.85, 1.05)))
    return out


def _accidents_sentence(facts: Facts[AccidentsParams]) -> Writeup:
    """The cluster's change on cases, deaths and injuries, and the members that reduced all three, by name."""
    totals: dict[str, float] = {}
    all_three = []
    for r in facts.returned:
        got = [num(r.values.get(x.name)) for x in ACCIDENT_INPUTS]
        if any(v is None for v in got):
            continue
        nums = [v for v in got if v is not None]
        if all(nums[i] < nums[i + 1] for i in range(0, 6, 2)):
            all_three.append(r.name)
        for k, x in enumerate(ACCIDENT_INPUTS):
            totals[x.name] = totals.get(x.name, 0.0) + nums[k]
    if not totals:
        return no_data(facts)
    units = ("vụ", "người chết", "người bị thương")
    changes = [(totals[c] - totals[f"{c}_previous"], u) for (c, _l), u in zip(CRITERIA, units, strict=True)]
    by_way: dict[str, list[str]] = {}
    for d, u in changes:
        by_way.setdefault("giảm" if d < 0 else "tăng" if d > 0 else "bằng", []).append(
            f"{number(abs(d))} {u}" if d else f"số {u}"
        )
    said = [f"{way} {join(items)}" for way, items in by_way.items() if way != "bằng"]
    same = by_way.get("bằng")
    text = f"{subject(facts)}: toàn Cụm {', '.join(said)} so với năm {facts.year - 1}" if said else ""
    if same:
        text += (", " if text else f"{subject(facts)}: toàn Cụm ") + f"bằng năm {facts.year - 1} về {join(same)}"
    n = len(facts.rows)
    what = "giảm cả 3 mặt (số vụ, số người chết và số người bị thương)"
    text += "; " + reached(len(all_three), n, facts.noun, what)
    if all_three and len(all_three) < n:
        text += f" là {members(all_three, facts.noun)}"
    return sentence(text, {"all_three": all_three, "changes": [d for d, _u in changes]})


ACCIDENTS_METHOD: Method[AccidentsParams] = Method(
    name="accidents",
    title="Giảm 3 mặt tai nạn",
    inputs=ACCIDENT_INPUTS,
    params=AccidentsParams,
    score=_accidents_score,
    formula=_accidents_formula,
    describe=_accidents_describe,
    example=_accidents_example,
    sentence=_accidents_sentence,
    plausible=lambda v, _p: [
        w for c, label in CRITERIA for w in _odd_change(label, num(v.get(c)), num(v.get(f"{c}_previous")))
    ],
    doc="""\
## accidents — *giảm 3 mặt* (traffic accidents)

Inputs `cases`, `deaths`, `injuries` and each one's `_previous` (whole
numbers, 0 or more). Parameter `shares` ([0, 0,4, 0,7, 1]: by the number of
criteria reduced).

Report: the cluster's change on each of the three, and the members that
reduced all three, by name («giảm cả 3 mặt … như các tỉnh An Giang, …»).""",
    examples=(
        Example(
            AccidentsParams(),
            30,
            {
                "cases": 90.0,
                "cases_previous": 100.0,
                "deaths": 40.0,
                "deaths_previous": 45.0,
                "injuries": 80.0,
                "injuries_previous": 70.0,
            },
            21,
            "P = 30: cases and deaths down, injuries up → 2 of 3 → 30 · 0,7",
        ),
    ),
)
