"""``count`` (*chấm thẳng*), ``bonus`` (*điểm thưởng*) and ``penalty`` (*điểm trừ*): points per occurrence."""

from __future__ import annotations

from collections.abc import Callable, Mapping

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
    Role,
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
from .writeup import no_data, reached, sentence, subject


class CountParams(Params):
    """``count`` / ``bonus`` / ``penalty``: points per occurrence, capped."""

    per_item: float = param(..., "Điểm mỗi lần", "Điểm cho mỗi lần (mỗi đơn vị tính)", "points per occurrence", gt=0)
    cap: float | None = param(
        None,
        "Điểm tối đa",
        "Điểm tối đa của tiêu chí (để trống: bằng điểm tối đa)",
        "most points in all (default: the max points)",
        gt=0,
    )


COUNT = Input(
    "count",
    "Số lượng",
    "result",
    kind="integer",
    limits=Limits(low=0, high=1e9, whole=True),
    hint="nhập 0 nếu không có",
)


def _cap(p: CountParams, points: float) -> float:
    return points if p.cap is None else p.cap


def _points_for(role: Role) -> Callable[[Mapping[str, Value], CountParams, float, Cluster], Score]:
    verb = {"base": "", "bonus": "cộng ", "penalty": "trừ "}[role]

    def score_count(values: Mapping[str, Value], p: CountParams, points: float, _: Cluster) -> Score:
        got = need(values, [COUNT])
        if isinstance(got, Score):
            return got
        n = got[0]
        if n < 0 or not n.is_integer():
            return Score(0.0, f"số lượng {number(n)} không hợp lệ → 0 điểm", "count-invalid")
        raw, cap = p.per_item * n, _cap(p, points)
        score = min(cap, raw)
        capped = f" = {pts(raw)}, tối đa {pts(cap)}" if raw > cap else ""
        return Score(score, f"{int(n)} × {pts(p.per_item)}{capped} → {verb}{pts(score)} điểm")

    score_count.__name__ = score_count.__qualname__ = f"score_{role}"  # pickled by name
    return score_count


score_base, score_bonus, score_penalty = (_points_for(r) for r in ("base", "bonus", "penalty"))


def _formula(refs: Refs, p: CountParams, points: float) -> str:
    n = refs.inputs["count"]
    body = f"IF(AND({n}>=0,{n}=INT({n})),MIN({lit(_cap(p, points))},{lit(p.per_item)}*{n}),0)"
    return guard(refs, ["count"], body)


def _describe(verb: str) -> Callable[[CountParams, float, str], str]:
    def describe(p: CountParams, points: float, unit: str) -> str:
        per = unit.strip() or "lần"
        return f"{verb}{pts(p.per_item)} điểm/{per}, tối đa {pts(_cap(p, points))} điểm"

    return describe


def _example(role: Role) -> Callable[[Sample, CountParams], dict[str, Value]]:
    def example(sample: Sample, p: CountParams) -> dict[str, Value]:
        if role != "base":
            return {"count": float(sample.rng.choices([0, 1, 2], weights=[7, 2, 1])[0])}
        centre, _whole = typical(sample)
        return {"count": float(max(0, round(centre * sample.rng.uniform(0.5, 1.5))))}

    return example


def _count_sentence(facts: Facts[CountParams]) -> Writeup:
    """«Nhà tình nghĩa …: toàn Cụm có 1.954 căn; nhiều nhất là Tiền Giang (218 căn) …»."""
    counted = sorted(
        ((r.name, x) for r in facts.returned if (x := num(r.values.get("count"))) is not None), key=lambda t: -t[1]
    )
    if not counted:
        return no_data(facts)
    unit = facts.unit.strip() or "lần"
    total = sum(x for _n, x in counted)
    if facts.aggregate == "none":
        text = f"{subject(facts)}: " + reached(
            sum(1 for _n, x in counted if x > 0), len(facts.rows), facts.noun, f"có {unit}"
        )
    elif total:
        text = f"{subject(facts)}: toàn Cụm có {amount(total, unit)}"
    else:
        text = f"{subject(facts)}: chưa có {facts.noun} nào có {unit}"
    leaders = [(n, x) for n, x in counted[:3] if x > 0]
    if leaders:
        text += f"; nhiều nhất là {join(f'{n} ({amount(x, unit)})' for n, x in leaders)}"
    return sentence(text, {"total": total})


def _extra_sentence(role: Role) -> Callable[[Facts[CountParams]], Writeup]:
    def sentence_of(facts: Facts[CountParams]) -> Writeup:
        hit = [r for r in facts.returned if r.points > 0]
        sign, verb = ("+", "được cộng điểm") if role == "bonus" else ("−", "bị trừ điểm")
        if not hit:
            return sentence(f"{subject(facts)}: không có {facts.noun} nào {verb}", {"members": []})
        by_points: dict[float, list[str]] = {}
        for r in hit:
            by_points.setdefault(r.points, []).append(r.name)
        groups = sorted(by_points.items(), key=lambda g: -g[0])  # the most points first
        listed = "; ".join(f"{join(names)} ({sign}{pts(points)} điểm)" for points, names in groups)
        text = f"{subject(facts)}: có {len(hit)} {facts.noun} {verb} là {listed}"
        return sentence(text, {"members": [r.name for r in hit]})

    return sentence_of


def _count_method(
    name: str, title: str, role: Role, verb: str, doc: str, example: Example[CountParams]
) -> Method[CountParams]:
    return Method(
        name=name,
        title=title,
        inputs=(COUNT,),
        params=CountParams,
        score={"base": score_base, "bonus": score_bonus, "penalty": score_penalty}[role],
        formula=_formula,
        describe=_describe(verb),
        example=_example(role),
        sentence=_count_sentence if role == "base" else _extra_sentence(role),
        role=role,
        most=_cap,
        doc=doc,
        examples=(example,),
    )


COUNT_METHOD = _count_method(
    "count",
    "Chấm thẳng theo số lượng",
    "base",
    "",
    """\
## count — *chấm thẳng*

Input `count` (whole number, 0 or more; 0 when there were none). Parameters
`per_item`, `cap` (P). points = min(cap, per_item·count).

Report: the cluster total and the members with the most.""",
    Example(CountParams(per_item=3), 15, {"count": 4.0}, 12, "P = 15, 3 per model: 4 models"),
)
BONUS_METHOD = _count_method(
    "bonus",
    "Điểm thưởng",
    "bonus",
    "Cộng ",
    """\
## bonus — *điểm thưởng*

Input `count`. Parameters `per_item`, `cap` (P). Same rule as `count`; the
points are added to the total (which may then pass the scale). Not counted
toward the catalogue's `scale`.

Report: the members that earned a bonus, with their points.""",
    Example(CountParams(per_item=5), 20, {"count": 5.0}, 20, "P = 20, 5 per award: 5 awards, capped at 20"),
)
PENALTY_METHOD = _count_method(
    "penalty",
    "Điểm trừ",
    "penalty",
    "Trừ ",
    """\
## penalty — *điểm trừ*

Input `count` (0 when there were none). Parameters `per_item`, `cap` (P).
Same rule as `count`; the points are deducted from the total (shown negative
on the form). Not counted toward the catalogue's `scale`.

Report: the members that lost points, or that none did.""",
    Example(CountParams(per_item=8), 8, {"count": 1.0}, 8, "not signing the covenant, 8 per occurrence: −8"),
)
