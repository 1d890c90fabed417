"""What every scoring method is made of: inputs, limits, scores, cluster data, the declaration itself.

A method (*phương pháp chấm điểm*) is declared once, as one ``Method`` value
beside its functions; every stage asks the declaration and none tests a
method by name.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..vnformat import number

Value = float | str | None

# Form columns an input may occupy; sub-rows carry the parts of multi-part rules.
Column = Literal["plan", "actual", "previous", "result", "self"]
Role = Literal["base", "bonus", "penalty"]

MAX_AMOUNT = 1e12  # no figure a province reports is larger; beyond it a value is a typing slip
WORDLESS = 1e9  # an upper bound this large is not worth saying in a message
PERCENT_RANGE = (-100.0, 1000.0)  # a rate or a growth in %: a fall of more than 100 % is not one


class Params(BaseModel):
    """Base of every method's parameter schema: unknown keys are errors, values cannot change."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


P = TypeVar("P", bound=Params)


@dataclass(frozen=True)
class Limits:
    """The values an input may take: bounds, whole numbers, and whether the low bound itself is allowed."""

    low: float | None = None
    high: float | None = None
    whole: bool = False
    above: bool = False  # the low bound itself is not allowed (a plan must be more than 0)

    def allows(self, x: float) -> bool:
        """Whether a number is a valid value for the input."""
        if not math.isfinite(x) or (self.whole and not x.is_integer()):
            return False
        if self.low is not None and (x < self.low or (self.above and x == self.low)):
            return False
        return self.high is None or x <= self.high

    def words(self) -> str:
        """The limits in Vietnamese, for validation messages: «số nguyên từ 1 đến 63», «số lớn hơn 0»."""
        kind = "số nguyên" if self.whole else "số"
        high = self.high if self.high is not None and self.high < WORDLESS else None  # 10⁹ and up: no real bound
        if self.low is not None and self.above:
            return f"{kind} lớn hơn {number(self.low)}" + (f", tối đa {number(high)}" if high is not None else "")
        if self.low is not None and high is not None:
            return f"{kind} từ {number(self.low)} đến {number(high)}"
        if self.low is not None:
            return f"{kind} từ {number(self.low)} trở lên"
        return f"{kind} đến {number(high)}" if high is not None else kind


@dataclass(frozen=True)
class Input:
    """One input cell a method needs on the form (named ``v_<CODE>_<name>``)."""

    name: str
    label: str  # Vietnamese, as the form's column or sub-row says it
    column: Column
    kind: Literal["number", "integer", "choice"] = "number"
    required: bool = True
    row: int = 0  # 0 = the indicator's own row, 1.. = sub-rows under it
    row_label: str = ""
    limits: Limits = Limits(low=0, high=MAX_AMOUNT)
    hint: str = ""  # what to enter, shown when the cell is selected ("nhập 0 nếu không có")
    carried_from: str | None = None  # next year, pre-filled from last year's value of this input (next-year)


@dataclass(frozen=True)
class Score:
    """Points for one member on one indicator, with the reason in words."""

    points: float
    explanation: str
    issue: str | None = None  # issue code when inputs were missing or unusable


def num(value: Value) -> float | None:
    """The value as a finite number, or None for text, blanks, NaN and infinities."""
    if type(value) is float:  # the usual case, first
        return value if math.isfinite(value) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def plan_ratio(values: Mapping[str, Value]) -> float | None:
    """actual / plan when both are numbers and the plan is positive, else None: the one ratio function."""
    plan, actual = num(values.get("plan")), num(values.get("actual"))
    if plan is None or actual is None or plan <= 0:
        return None
    ratio = actual / plan
    return ratio if math.isfinite(ratio) else None  # a plan of 1e-300 is not a plan


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
class Sample:
    """What an example generator knows of the indicator it invents values for."""

    title: str
    unit: str
    points: float
    rng: random.Random


@dataclass(frozen=True)
class Row:
    """One member's part in an indicator's write-up: name, the values it sent, the points it got."""

    name: str
    values: Mapping[str, Value]
    points: float
    submitted: bool = True


@dataclass(frozen=True)
class Facts(Generic[P]):
    """What a method's report sentence is written from: the indicator and every member's row."""

    title: str
    unit: str
    points: float
    aggregate: Literal["sum", "mean", "none"]
    params: P
    rows: Sequence[Row]
    noun: str  # what members are called in sentences (tỉnh, xã, đơn vị)
    year: int

    @property
    def heading(self) -> str:
        """The indicator's title with a capital first letter, to open a sentence."""
        return self.title[:1].upper() + self.title[1:]

    @property
    def returned(self) -> list[Row]:
        """The rows of members that returned a form."""
        return [r for r in self.rows if r.submitted]


@dataclass(frozen=True)
class Writeup:
    """An indicator's sentence for section II of the summary report, and the figures behind it."""

    sentence: str
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Example(Generic[P]):
    """A worked example of a method: executed by the tests, printed in docs/methods.md."""

    params: P
    points: float
    values: Mapping[str, Value]
    expected: float
    note: str  # the arithmetic, in the docs' words
    cluster: Cluster = Cluster()


def every_input(_inp: Input, _params: Any) -> bool:
    """Default: every declared input is used."""
    return True


def no_choices(_params: Any) -> list[str]:
    """Default: no choice input."""
    return []


def own_limits(_inp: Input, _params: Any) -> Limits | None:
    """Default: each input's own declared limits."""
    return None


def nothing_to_check(_params: Any, _points: float) -> list[tuple[str, str]]:
    """Default: no check of the parameters against the points."""
    return []


def the_points(_params: Any, points: float) -> float:
    """Default: the most points are the indicator's points."""
    return points


def always_plausible(_values: Mapping[str, Value], _params: Any) -> list[str]:
    """Default: no plausibility warning."""
    return []


@dataclass(frozen=True)
class Method(Generic[P]):
    """A scoring method: every face any stage needs, declared once.

    ``score`` is the Python rule used for every official number and ``formula``
    its Excel twin, written into forms and the ranking workbook; the two
    evaluate the same arithmetic in the same order.
    """

    name: str
    title: str  # Vietnamese name, as the catalogue workbook's drop-down shows it
    inputs: tuple[Input, ...]
    params: type[P]
    score: Callable[[Mapping[str, Value], P, float, Cluster], Score]
    formula: Callable[[Refs, P, float], str]
    describe: Callable[[P, float, str], str]  # one line on the form (params, points, unit): how it is scored
    example: Callable[[Sample, P], dict[str, Value]]  # plausible values a province could send
    sentence: Callable[[Facts[P]], Writeup]  # its part of the summary report
    doc: str  # its section of docs/methods.md, in Markdown
    examples: tuple[Example[P], ...] = ()
    role: Role = "base"
    uses_plan: bool = False  # has a plan and an actual: % of plan, counts toward targets reached
    peer_scored: bool = False  # scored by the other members on peer forms, nothing on its own form
    cluster_wide: bool = False  # the score depends on other members' values
    # Defaults are module-level functions (below), so a declaration pickles: plugin methods travel to the
    # spawned reader processes.
    applies: Callable[[Input, P], bool] = every_input  # whether an input is used with these params
    choices: Callable[[P], list[str]] = no_choices  # the entries of its choice input
    bounds: Callable[[Input, P], Limits | None] = own_limits  # limits that depend on the params
    check: Callable[[P, float], list[tuple[str, str]]] = nothing_to_check  # (param, problem) against points
    most: Callable[[P, float], float] = the_points  # the most points it can give
    plausible: Callable[[Mapping[str, Value], P], list[str]] = always_plausible  # warnings on odd values

    @property
    def self_scored(self) -> bool:
        """Whether the member's form computes the score itself (its inputs are all it needs)."""
        return not (self.cluster_wide or self.peer_scored)

    def inputs_for(self, params: P) -> tuple[Input, ...]:
        """The inputs an indicator with these parameters shows on the form."""
        return tuple(i for i in self.inputs if self.applies(i, params))

    def limits_for(self, inp: Input, params: P, points: float, unit: str) -> Limits:
        """The valid values of one input: the method's own, narrowed for rates in %, scores up to the points."""
        if inp.column == "self":
            return Limits(low=0, high=self.most(params, points))
        own = self.bounds(inp, params) or inp.limits
        if inp.kind == "number" and unit.strip() == "%" and own.high == MAX_AMOUNT:
            return replace(own, low=own.low if own.above else PERCENT_RANGE[0], high=PERCENT_RANGE[1])
        return own


# ------------------------------------------------------------------ helpers the methods share


def lit(x: float) -> str:
    """A number written into a formula so that it reads back as the same double."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def pct(x: float) -> str:
    """A ratio as a Vietnamese percentage for explanations (1.0346 -> 103,46%; 0.5 -> 50%)."""
    return f"{number(x * 100)}%"


def pts(x: float) -> str:
    """Points for explanations: Vietnamese decimals, no trailing zeros (12,5)."""
    return number(x)


def missing(labels: Sequence[str]) -> Score:
    """0 points because inputs are missing, naming them as the form does."""
    return Score(0.0, "thiếu số liệu: " + ", ".join(labels) + " → 0 điểm", "missing-input")


def need(values: Mapping[str, Value], inputs: Sequence[Input]) -> list[float] | Score:
    """The inputs' numbers, or a 0-point Score naming the missing ones."""
    got = [num(values.get(i.name)) for i in inputs]
    lacking = [i.label for i, v in zip(inputs, got, strict=True) if v is None]
    return missing(lacking) if lacking else [v for v in got if v is not None]


def guard(refs: Refs, names: Sequence[str], body: str) -> str:
    """A formula that scores 0 unless every named input is a number (text never scores)."""
    checks = ",".join(f"ISNUMBER({refs.inputs[n]})" for n in names)
    return f"IF(AND({checks}),{body},0)"


def amount(x: float, unit: str) -> str:
    """A figure with its unit, the Vietnamese way: «65.913 tỷ đồng», «7,5%»."""
    return f"{number(x)}%" if unit.strip() == "%" else f"{number(x)} {unit}".strip()


def typical(sample: Sample) -> tuple[float, bool]:
    """A typical figure for a province for an indicator's unit and title, and whether it is a whole count."""
    unit, title = sample.unit.strip().lower(), sample.title.lower()
    if unit == "%":
        if "tăng trưởng" in title or "tốc độ" in title:
            return 7.0, False  # growth rates: a few percent
        if title.startswith("giảm"):
            return 1.2, False  # reductions of a rate, in points: about one
        return 75.0, False  # shares and rates reached
    table = {
        "tỷ đồng": (12000.0, False),
        "triệu usd": (1500.0, False),
        "triệu đồng": (70.0, False),
        "nghìn lượt": (4000.0, False),
        "giường": (30.0, False),
        "lao động": (25000.0, True),
        "doanh nghiệp": (900.0, True),
        "vụ": (250.0, True),
        "căn": (150.0, True),
        "mô hình": (4.0, True),
        "lần": (1.0, True),
    }
    return table.get(unit, (1000.0, True))


def spread(sample: Sample, centre: float, whole: bool, low: float = 0.8, high: float = 1.2) -> float:
    """A value around ``centre``: whole when the unit counts things, two decimals otherwise; a share in %
    (a centre of 50 % or more) never above 100 %."""
    x = centre * sample.rng.uniform(low, high)
    if sample.unit.strip() == "%" and centre >= 50:
        x = min(x, 100.0)
    return float(round(x)) if whole else round(x, 2)


# ------------------------------------------------------------------ parameters, described


def param(
    default: Any, label: str, help: str, en: str, *, choices: Mapping[str, str] | None = None, **bounds: Any
) -> Any:
    """A method parameter: default, Vietnamese label and one-line help, English description, bounds (ge, le …).

    ``choices`` gives Vietnamese words for the values of a parameter that takes
    one of a few (value -> words), as the catalogue workbook's drop-down shows them.
    """
    extra: dict[str, Any] = {"help": help}
    if choices:
        extra["choices"] = dict(choices)
    return Field(default, title=label, description=en, json_schema_extra=extra, **bounds)


@dataclass(frozen=True)
class ParamInfo:
    """One parameter of a method as a person setting up a catalogue needs it."""

    name: str
    label: str  # Vietnamese
    help: str  # Vietnamese, one line
    description: str  # English, for the configuration reference
    default: Any
    required: bool
    low: float | None
    high: float | None
    choices: Mapping[str, str] = field(default_factory=dict)  # value -> Vietnamese words, for a few-valued one


def param_info(params: type[Params]) -> list[ParamInfo]:
    """Every parameter of a schema with its labels, help, default and bounds."""
    out = []
    for name, info in params.model_fields.items():
        low = high = None
        for m in info.metadata:
            low = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else getattr(m, "gt", low)
            high = getattr(m, "le", None) if getattr(m, "le", None) is not None else getattr(m, "lt", high)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        out.append(
            ParamInfo(
                name,
                info.title or name,
                str(extra.get("help", "")),
                info.description or "",
                None if info.is_required() else info.default,
                info.is_required(),
                low,
                high,
                {str(k): str(v) for k, v in choices.items()}
                if isinstance(choices := extra.get("choices"), dict)
                else {},
            )
        )
    return out
