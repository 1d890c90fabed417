"""The scoring-method registry: per method its inputs, parameters, Python rule and Excel twin.

Each method lives in one place so its three faces can never drift apart: the
form's input columns (``fields``), the parameter schema checked by
``emuxl check`` (``params``), the Python rule used for every official number
(``score``) and the Excel formula written into forms and the ranking workbook
(``formula``). Python and formula evaluate the same arithmetic in the same
order, so a spreadsheet program's recalculated value equals Python's.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Value = float | str | None

# Form columns an input may occupy; sub-rows carry the parts of multi-part rules.
Column = Literal["plan", "actual", "previous", "result", "self"]

YES, NO = "Đạt", "Không đạt"


class _Params(BaseModel):
    """Base of every method's parameter schema: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass(frozen=True)
class Input:
    """One input cell a method needs on the form (named ``v_<CODE>_<name>``)."""

    name: str
    label: str
    column: Column
    kind: Literal["number", "integer", "choice"] = "number"
    required: bool = True
    row: int = 0  # 0 = the indicator's own row, 1.. = sub-rows under it
    row_label: str = ""


@dataclass(frozen=True)
class Score:
    """Points for one member on one indicator, with the reason in words."""

    points: float
    explanation: str
    issue: str | None = None  # issue code when inputs were missing or unusable


@dataclass(frozen=True)
class Cluster:
    """What cluster-wide methods need to know about the other members.

    One Cluster serves every member of an indicator: its aggregates are
    computed once, so scoring stays linear in the number of members.
    """

    values: Sequence[Mapping[str, Value]] = ()  # every member's inputs, own included
    peer_scores: Sequence[float] = ()  # scores others gave this member (own excluded)

    @cached_property
    def best_ratio(self) -> float | None:
        """The best actual / plan of the cluster, or None when nobody has one."""
        return max((x for x in map(plan_ratio, self.values) if x is not None), default=None)

    @cached_property
    def actuals(self) -> list[float]:
        """Every member's actual that is a number, sorted."""
        return sorted(v for v in (num(m.get("actual")) for m in self.values) if v is not None)


@dataclass(frozen=True)
class Refs:
    """Cell references a formula twin is written over."""

    inputs: Mapping[str, str]  # input name -> cell reference
    column: Mapping[str, str] | None = None  # input name -> range over all members
    ratios: str | None = None  # range of every member's actual/plan ratio cells
    peers: str | None = None  # range of the peer scores given to this member


@dataclass(frozen=True)
class Method:
    """A scoring method (*phương pháp chấm điểm*): inputs, parameters, rule, formula twin."""

    name: str
    title: str
    inputs: tuple[Input, ...]
    params: type[_Params]
    score: Callable[[Mapping[str, Value], _Params, float, Cluster], Score]
    formula: Callable[[Refs, _Params, float], str]
    describe: Callable[[_Params, float], str]
    role: Literal["base", "bonus", "penalty"] = "base"
    cluster_wide: bool = False  # the score depends on other members' values


def num(value: Value) -> float | None:
    """The value as a finite number, or None for text, blanks, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def lit(x: float) -> str:
    """A number written into a formula so that it reads back as the same double."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def pct(x: float) -> str:
    """A ratio as a Vietnamese percentage for explanations (1.0346 -> 103,46%)."""
    return f"{x * 100:.2f}%".replace(".", ",")


def pts(x: float) -> str:
    """Points for explanations, Vietnamese decimal comma, no trailing zeros (12,5)."""
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _missing(names: Sequence[str]) -> Score:
    return Score(0.0, "thiếu số liệu: " + ", ".join(names) + " → 0 điểm", "missing-input")


def _need(values: Mapping[str, Value], names: Sequence[str]) -> list[float] | Score:
    got = [num(values.get(n)) for n in names]
    lacking = [n for n, v in zip(names, got, strict=True) if v is None]
    return _missing(lacking) if lacking else [v for v in got if v is not None]


def _guard(refs: Refs, names: Sequence[str], body: str) -> str:
    checks = ",".join(f"ISNUMBER({refs.inputs[n]})" for n in names)
    return f"IF(AND({checks}),{body},0)"


# ---------------------------------------------------------------- plan


class PlanParams(_Params):
    """``plan``: base share at 100 %, bonus per % over plan up to cap, floor ratio."""

    base: float = Field(1.0, ge=0, le=1, description="share of points at exactly 100 % of plan")
    bonus_per_pct: float = Field(0.0, ge=0, description="points added per % over plan")
    cap: float | None = Field(None, ge=0, description="most points in all (default: the max points)")
    floor_ratio: float = Field(0.0, ge=0, le=1, description="below this actual/plan, 0 points")


def _plan_cap(p: PlanParams, points: float) -> float:
    return points if p.cap is None else p.cap


def _plan_score(values: Mapping[str, Value], p: PlanParams, points: float, _: Cluster) -> Score:
    got = _need(values, ["plan", "actual"])
    if isinstance(got, Score):
        return got
    plan, actual = got
    if plan <= 0:
        return Score(0.0, "kế hoạch phải lớn hơn 0 → 0 điểm", "plan-not-positive")
    r = actual / plan
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
    return _guard(refs, ["plan", "actual"], body)


def _plan_describe(p: PlanParams, points: float) -> str:
    text = f"Đạt 100% KH: {pts(points * p.base)} điểm; dưới KH: tỷ lệ thuận"
    if p.bonus_per_pct:
        text += f"; vượt KH: +{pts(p.bonus_per_pct)} điểm/1%, tối đa {pts(_plan_cap(p, points))}"
    if p.floor_ratio:
        text += f"; dưới {pct(p.floor_ratio)} KH: 0 điểm"
    return text


_PLAN_INPUTS = (
    Input("plan", "Kế hoạch", "plan"),
    Input("actual", "Thực hiện", "actual"),
    Input("previous", "Cùng kỳ", "previous", required=False),
)

# ---------------------------------------------------------------- leader


class LeaderParams(_Params):
    """``leader``: share at plan; full points for the best member of the cluster."""

    at_plan: float = Field(0.5, ge=0, le=1, description="share of points at exactly 100 % of plan")


def plan_ratio(values: Mapping[str, Value]) -> float | None:
    """actual / plan when both are numbers and the plan is positive, else None."""
    plan, actual = num(values.get("plan")), num(values.get("actual"))
    return actual / plan if plan is not None and actual is not None and plan > 0 else None


def _leader_score(values: Mapping[str, Value], p: LeaderParams, points: float, c: Cluster) -> Score:
    got = _need(values, ["plan", "actual"])
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
    return _guard(refs, ["plan", "actual"], body)


def _leader_describe(p: LeaderParams, points: float) -> str:
    return (
        f"Đạt KH: {pts(points * p.at_plan)} điểm; dẫn đầu Cụm: {pts(points)} điểm; "
        "ở giữa: nội suy; dưới KH: tỷ lệ thuận"
    )


# ---------------------------------------------------------------- rank in cluster


class RankParams(_Params):
    """``rank``: points by rank among the members (ties share a rank)."""

    shares: list[float] = Field(..., min_length=1, description="share of points for rank 1, 2, …")
    rest: float = Field(0.0, ge=0, le=1, description="share for ranks past the list")
    higher_is_better: bool = Field(True, description="rank the highest value first")

    @model_validator(mode="after")
    def _shares_in_range(self) -> RankParams:
        if any(not 0 <= s <= 1 for s in self.shares):
            raise ValueError("every share must be between 0 and 1")
        return self


def _rank_of(x: float, ordered: Sequence[float], higher: bool) -> int:
    """1 + how many of the (sorted) values are strictly better than x."""
    return 1 + (len(ordered) - bisect_right(ordered, x) if higher else bisect_left(ordered, x))


def _rank_score(values: Mapping[str, Value], p: RankParams, points: float, c: Cluster) -> Score:
    got = _need(values, ["actual"])
    if isinstance(got, Score):
        return got
    everyone = c.actuals
    rank = _rank_of(got[0], everyone, p.higher_is_better)
    share = p.shares[rank - 1] if rank <= len(p.shares) else p.rest
    score = points * share
    return Score(score, f"xếp thứ {rank}/{len(everyone)} trong Cụm → {pts(score)} điểm")


def _rank_formula(refs: Refs, p: RankParams, points: float) -> str:
    x = refs.inputs["actual"]
    assert refs.column is not None
    order = 0 if p.higher_is_better else 1
    choose = ",".join(lit(s) for s in p.shares)
    body = f"{lit(points)}*IFERROR(CHOOSE(RANK({x},{refs.column['actual']},{order}),{choose}),{lit(p.rest)})"
    return _guard(refs, ["actual"], body)


def _rank_describe(p: RankParams, points: float) -> str:
    firsts = "; ".join(f"hạng {i}: {pts(points * s)}" for i, s in enumerate(p.shares[:3], 1))
    return f"Theo thứ hạng trong Cụm ({firsts}…)"


# ---------------------------------------------------------------- national rank


class Band(_Params):
    """One percentile band of a national ranking."""

    top_pct: float = Field(..., gt=0, le=100, description="rank within the top N % of units")
    share: float = Field(..., ge=0, le=1, description="share of points in this band")


class NationalParams(_Params):
    """``national``: points by percentile band of the national rank (PCI, PAR INDEX …)."""

    of: int = Field(63, ge=1, description="units ranked nationally (63 before 2025, 34 after)")
    bands: list[Band] = Field(..., min_length=1, description="bands, best first")
    rest: float = Field(0.0, ge=0, le=1, description="share below the last band")

    @model_validator(mode="after")
    def _bands_ascending(self) -> NationalParams:
        tops = [b.top_pct for b in self.bands]
        if tops != sorted(tops):
            raise ValueError("bands must be listed best first (top_pct ascending)")
        return self


def _national_score(values: Mapping[str, Value], p: NationalParams, points: float, _: Cluster) -> Score:
    got = _need(values, ["rank"])
    if isinstance(got, Score):
        return got
    rank = got[0]
    if not rank.is_integer() or not 1 <= rank <= p.of:
        return Score(0.0, f"thứ hạng {rank:g} ngoài 1..{p.of} → 0 điểm", "rank-out-of-range")
    share = next((b.share for b in p.bands if rank * 100 <= b.top_pct * p.of), p.rest)
    score = points * share
    return Score(score, f"xếp hạng {int(rank)}/{p.of} cả nước → {pts(score)} điểm")


def _national_formula(refs: Refs, p: NationalParams, points: float) -> str:
    rk = refs.inputs["rank"]
    body = f"{lit(points)}*{lit(p.rest)}"
    for band in reversed(p.bands):
        body = f"IF({rk}*100<={lit(band.top_pct)}*{p.of},{lit(points)}*{lit(band.share)},{body})"
    return _guard(refs, ["rank"], f"IF(AND({rk}>=1,{rk}<={p.of},{rk}=INT({rk})),{body},0)")


def _national_describe(p: NationalParams, points: float) -> str:
    bands = "; ".join(f"top {b.top_pct:g}%: {pts(points * b.share)}" for b in p.bands)
    return f"Theo xếp hạng cả nước /{p.of} ({bands})"


# ---------------------------------------------------------------- lower is better


class LowerParams(_Params):
    """``lower``: lower is better, against the previous year or a fixed target."""

    reference: Literal["previous", "target"] = Field("previous", description="compare with")
    target: float | None = Field(None, description="the target, when reference is target")
    equal_share: float = Field(1.0, ge=0, le=1, description="share when equal to the reference")
    worse_share: float = Field(0.0, ge=0, le=1, description="share when above the reference")

    @model_validator(mode="after")
    def _target_given(self) -> LowerParams:
        if (self.reference == "target") != (self.target is not None):
            raise ValueError("give target exactly when reference is 'target'")
        return self


def _lower_score(values: Mapping[str, Value], p: LowerParams, points: float, _: Cluster) -> Score:
    got = _need(values, ["actual", "previous"] if p.reference == "previous" else ["actual"])
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
    return Score(score, f"{actual:g} so với {ref:g}: {word} → {pts(score)} điểm")


def _lower_formula(refs: Refs, p: LowerParams, points: float) -> str:
    a = refs.inputs["actual"]
    ref = refs.inputs["previous"] if p.reference == "previous" else lit(p.target or 0)
    body = (
        f"IF({a}<{ref},{lit(points)},IF({a}={ref},{lit(points)}*{lit(p.equal_share)},"
        f"{lit(points)}*{lit(p.worse_share)}))"
    )
    return _guard(refs, ["actual", "previous"] if p.reference == "previous" else ["actual"], body)


def _lower_describe(p: LowerParams, points: float) -> str:
    ref = "cùng kỳ" if p.reference == "previous" else f"chỉ tiêu {p.target:g}"
    same, worse = pts(points * p.equal_share), pts(points * p.worse_share)
    return f"Giảm so với {ref}: {pts(points)} điểm; bằng: {same}; tăng: {worse}"


# ---------------------------------------------------------------- three-criteria reduction


class AccidentsParams(_Params):
    """``accidents``: reduced on cases, deaths and injuries; share by criteria reduced."""

    shares: list[float] = Field(
        [0.0, 0.4, 0.7, 1.0], min_length=4, max_length=4, description="share for 0, 1, 2, 3 reduced"
    )


_CRITERIA = (("cases", "Số vụ"), ("deaths", "Số người chết"), ("injuries", "Số người bị thương"))


def _accidents_score(values: Mapping[str, Value], p: AccidentsParams, points: float, _: Cluster) -> Score:
    names = [n for c, _l in _CRITERIA for n in (c, f"{c}_previous")]
    got = _need(values, names)
    if isinstance(got, Score):
        return got
    reduced = sum(1 for i in range(0, 6, 2) if got[i] < got[i + 1])
    score = points * p.shares[reduced]
    return Score(score, f"giảm {reduced}/3 tiêu chí (vụ, chết, bị thương) → {pts(score)} điểm")


def _accidents_formula(refs: Refs, p: AccidentsParams, points: float) -> str:
    i = refs.inputs
    count = "+".join(f"({i[c]}<{i[c + '_previous']})" for c, _l in _CRITERIA)
    names = [n for c, _l in _CRITERIA for n in (c, f"{c}_previous")]
    shares = ",".join(lit(s) for s in p.shares)
    return _guard(refs, names, f"{lit(points)}*CHOOSE(1+{count},{shares})")


def _accidents_describe(p: AccidentsParams, points: float) -> str:
    s = p.shares
    return f"Giảm cả 3 tiêu chí: {pts(points * s[3])}; 2/3: {pts(points * s[2])}; 1/3: {pts(points * s[1])}"


# ---------------------------------------------------------------- yes / no


class YesNoParams(_Params):
    """``yesno``: full points when done (*đạt*), zero otherwise."""


def _same(a: Value, b: str) -> bool:
    return isinstance(a, str) and a.strip().casefold() == b.casefold()


def _yesno_score(values: Mapping[str, Value], p: YesNoParams, points: float, _: Cluster) -> Score:
    done = values.get("done")
    if done in (None, ""):
        return _missing(["done"])
    score = points if _same(done, YES) else 0.0
    return Score(score, f"{done} → {pts(score)} điểm")


def _yesno_formula(refs: Refs, p: YesNoParams, points: float) -> str:
    return f'IF(TRIM({refs.inputs["done"]})="{YES}",{lit(points)},0)'


def _yesno_describe(p: YesNoParams, points: float) -> str:
    return f"{YES}: {pts(points)} điểm; {NO}: 0 điểm"


# ---------------------------------------------------------------- level


class LevelParams(_Params):
    """``level``: a graded level (*xếp loại*) gives a share of points."""

    levels: dict[str, float] = Field(
        {
            "Hoàn thành xuất sắc nhiệm vụ": 1.0,
            "Hoàn thành tốt nhiệm vụ": 0.7,
            "Hoàn thành nhiệm vụ": 0.4,
            "Không hoàn thành nhiệm vụ": 0.0,
        },
        min_length=2,
        description="level name -> share of points, best first",
    )

    @model_validator(mode="after")
    def _shares_in_range(self) -> LevelParams:
        if any(not 0 <= s <= 1 for s in self.levels.values()):
            raise ValueError("every level's share must be between 0 and 1")
        return self


def _level_score(values: Mapping[str, Value], p: LevelParams, points: float, _: Cluster) -> Score:
    level = values.get("level")
    if level in (None, ""):
        return _missing(["level"])
    share = next((s for name, s in p.levels.items() if _same(level, name)), None)
    if share is None:
        return Score(0.0, f"xếp loại «{level}» không có trong danh sách → 0 điểm", "unknown-level")
    score = points * share
    return Score(score, f"{level} → {pts(score)} điểm")


def _level_formula(refs: Refs, p: LevelParams, points: float) -> str:
    cell = f"TRIM({refs.inputs['level']})"
    body = "0"
    for name, share in reversed(list(p.levels.items())):
        body = f'IF({cell}="{name}",{lit(points)}*{lit(share)},{body})'
    return body


def _level_describe(p: LevelParams, points: float) -> str:
    return "; ".join(f"{name}: {pts(points * s)}" for name, s in p.levels.items())


# ---------------------------------------------------------------- count, bonus, penalty


class CountParams(_Params):
    """``count`` / ``bonus`` / ``penalty``: points per occurrence, capped."""

    per_item: float = Field(..., gt=0, description="points per occurrence")
    cap: float | None = Field(None, gt=0, description="most points in all (default: the max points)")


def _count_cap(p: CountParams, points: float) -> float:
    return points if p.cap is None else p.cap


def _count_score(values: Mapping[str, Value], p: CountParams, points: float, _: Cluster) -> Score:
    got = _need(values, ["count"])
    if isinstance(got, Score):
        return got
    n = got[0]
    if n < 0 or not n.is_integer():
        return Score(0.0, f"số lần {n:g} không hợp lệ → 0 điểm", "count-invalid")
    score = min(_count_cap(p, points), p.per_item * n)
    return Score(score, f"{int(n)} lần × {pts(p.per_item)} → {pts(score)} điểm")


def _count_formula(refs: Refs, p: CountParams, points: float) -> str:
    n = refs.inputs["count"]
    body = f"IF(AND({n}>=0,{n}=INT({n})),MIN({lit(_count_cap(p, points))},{lit(p.per_item)}*{n}),0)"
    return _guard(refs, ["count"], body)


def _count_describe(p: CountParams, points: float) -> str:
    return f"{pts(p.per_item)} điểm/lần, tối đa {pts(_count_cap(p, points))}"


def _penalty_describe(p: CountParams, points: float) -> str:
    return f"Trừ {pts(p.per_item)} điểm/lần, tối đa {pts(_count_cap(p, points))}"


_COUNT_INPUT = (Input("count", "Số lần", "result", kind="integer"),)

# ---------------------------------------------------------------- peer


class PeerParams(_Params):
    """``peer``: the mean of other members' scores, trimmed when enough scorers."""

    trim_min_scorers: int = Field(5, ge=3, description="drop highest and lowest from this many scorers")
    dispersion: float = Field(0.3, gt=0, le=1, description="flag when max - min exceeds this share of points")


def _peer_score(values: Mapping[str, Value], p: PeerParams, points: float, c: Cluster) -> Score:
    given = [x for x in (num(v) for v in c.peer_scores) if x is not None]
    if not given:
        return Score(0.0, "chưa có điểm chấm chéo → 0 điểm", "missing-input")
    if len(given) >= p.trim_min_scorers:
        score = (sum(given) - max(given) - min(given)) / (len(given) - 2)
        how = f"trung bình {len(given) - 2} điểm (bỏ cao nhất, thấp nhất)"
    else:
        score = sum(given) / len(given)
        how = f"trung bình {len(given)} điểm"
    text = f"chấm chéo: {how} → {pts(score)} điểm"
    issue = None
    if max(given) - min(given) > p.dispersion * points:
        issue = "peer-dispersion"
        text += f"; các đơn vị chấm chênh lệch lớn ({pts(min(given))}–{pts(max(given))})"
    return Score(score, text, issue)


def _peer_formula(refs: Refs, p: PeerParams, points: float) -> str:
    r = refs.peers
    return (
        f"IF(COUNT({r})=0,0,IF(COUNT({r})>={p.trim_min_scorers},"
        f"(SUM({r})-MAX({r})-MIN({r}))/(COUNT({r})-2),SUM({r})/COUNT({r})))"
    )


def _peer_describe(p: PeerParams, points: float) -> str:
    trim = f"bỏ cao nhất, thấp nhất khi ≥ {p.trim_min_scorers} đơn vị chấm"
    return f"Các thành viên khác chấm chéo (0–{pts(points)}); {trim}"


_SELF = Input("self", "Tự chấm", "self")

METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("plan", "Đạt/vượt kế hoạch", _PLAN_INPUTS, PlanParams, _plan_score, _plan_formula, _plan_describe),
        Method(
            "leader",
            "Dẫn đầu Cụm",
            (*_PLAN_INPUTS, _SELF),
            LeaderParams,
            _leader_score,
            _leader_formula,
            _leader_describe,
            cluster_wide=True,
        ),
        Method(
            "rank",
            "Xếp hạng trong Cụm",
            (Input("actual", "Thực hiện", "actual"), _SELF),
            RankParams,
            _rank_score,
            _rank_formula,
            _rank_describe,
            cluster_wide=True,
        ),
        Method(
            "national",
            "Xếp hạng cả nước",
            (Input("rank", "Thứ hạng", "result", kind="integer"),),
            NationalParams,
            _national_score,
            _national_formula,
            _national_describe,
        ),
        Method(
            "lower",
            "Càng thấp càng tốt",
            (Input("actual", "Thực hiện", "actual"), Input("previous", "Cùng kỳ", "previous")),
            LowerParams,
            _lower_score,
            _lower_formula,
            _lower_describe,
        ),
        Method(
            "accidents",
            "Giảm 3 tiêu chí",
            tuple(
                Input(n, label, col, kind="integer", row=i, row_label=label)
                for i, (c, label) in enumerate(_CRITERIA, 1)
                for n, col in ((c, "actual"), (f"{c}_previous", "previous"))
            ),
            AccidentsParams,
            _accidents_score,
            _accidents_formula,
            _accidents_describe,
        ),
        Method(
            "yesno",
            "Đạt/không đạt",
            (Input("done", "Kết quả", "result", kind="choice"),),
            YesNoParams,
            _yesno_score,
            _yesno_formula,
            _yesno_describe,
        ),
        Method(
            "level",
            "Xếp loại",
            (Input("level", "Xếp loại", "result", kind="choice"),),
            LevelParams,
            _level_score,
            _level_formula,
            _level_describe,
        ),
        Method("count", "Chấm thẳng", _COUNT_INPUT, CountParams, _count_score, _count_formula, _count_describe),
        Method("peer", "Chấm chéo", (), PeerParams, _peer_score, _peer_formula, _peer_describe, cluster_wide=True),
        Method(
            "bonus",
            "Điểm thưởng",
            _COUNT_INPUT,
            CountParams,
            _count_score,
            _count_formula,
            _count_describe,
            role="bonus",
        ),
        Method(
            "penalty",
            "Điểm trừ",
            _COUNT_INPUT,
            CountParams,
            _count_score,
            _count_formula,
            _penalty_describe,
            role="penalty",
        ),
    )
}


def inputs_of(method: Method, params: _Params) -> tuple[Input, ...]:
    """The inputs an indicator shows on the form (``lower`` against a target needs no previous)."""
    if isinstance(params, LowerParams) and params.reference == "target":
        return tuple(i for i in method.inputs if i.name != "previous")
    return method.inputs


def choices_of(params: _Params) -> list[str]:
    """The allowed entries of a choice input: levels, or yes/no."""
    return list(params.levels) if isinstance(params, LevelParams) else [YES, NO]
