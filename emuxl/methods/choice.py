"""``yesno`` (*đạt/không đạt*) and ``level`` (*xếp loại*): a choice from the cell's list."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from pydantic import model_validator

from ..i18n import _
from ..vnformat import join
from .base import (
    Cluster,
    Example,
    Facts,
    Input,
    Method,
    Params,
    Refs,
    Sample,
    Score,
    Value,
    Writeup,
    lit,
    missing,
    param,
    pts,
)
from .writeup import members, predicate, reached, sentence, subject

YES, NO = "Đạt", "Không đạt"


def same_text(a: Value, b: str) -> bool:
    """Whether a cell's text is the choice ``b``: the same letters once composed (NFC), trimmed, any case."""
    if not isinstance(a, str):
        return False
    return unicodedata.normalize("NFC", a).strip().casefold() == unicodedata.normalize("NFC", b).casefold()


# ---------------------------------------------------------------- yes / no


class YesNoParams(Params):
    """``yesno``: full points when done (*đạt*), zero otherwise."""


DONE = Input("done", "Kết quả", "result", kind="choice")


def _yesno_score(values: Mapping[str, Value], p: YesNoParams, points: float, _: Cluster) -> Score:
    done = values.get("done")
    if done in (None, ""):
        return missing([DONE.label])
    score = points if same_text(done, YES) else 0.0
    return Score(score, f"{done} → {pts(score)} điểm")


def _yesno_formula(refs: Refs, p: YesNoParams, points: float) -> str:
    return f'IF(TRIM({refs.inputs["done"]})="{YES}",{lit(points)},0)'


def _yesno_sentence(facts: Facts[YesNoParams]) -> Writeup:
    """«12/12 tỉnh đều ký kết …», or how many did and which did not («chưa đạt: Trà Vinh»)."""
    answered = [r for r in facts.returned if r.values.get("done") not in (None, "")]
    done = [r.name for r in answered if same_text(r.values.get("done"), YES)]
    done_names = set(done)  # a set: the lists run to 3,321 members
    missed = [r.name for r in answered if r.name not in done_names]
    answered_rows = {id(r) for r in answered}
    lacking = [r.name for r in facts.rows if id(r) not in answered_rows]
    n = len(facts.rows)
    did = predicate(facts.title)
    if did:
        text = reached(len(done), n, facts.noun, did)
    else:
        text = f"{subject(facts)}: " + reached(len(done), n, facts.noun, "đạt")
    text = text[:1].upper() + text[1:]
    if len(missed) == 1:
        text += f"; riêng {missed[0]} chưa đạt"
    elif missed:
        text += f"; {len(missed)} {facts.noun} chưa đạt là {members(missed, facts.noun)}"
    if lacking:
        text += f"; {members(lacking, facts.noun)} chưa có số liệu"
    return sentence(text, {"done": len(done), "not_done": missed, "missing": lacking})


YESNO_METHOD: Method[YesNoParams] = Method(
    name="yesno",
    title="Đạt/không đạt",
    inputs=(DONE,),
    params=YesNoParams,
    score=_yesno_score,
    formula=_yesno_formula,
    describe=lambda p, points, _unit: f"{YES}: {pts(points)} điểm; {NO}: 0 điểm",
    example=lambda sample, p: {"done": YES if sample.rng.random() < 0.9 else NO},
    sentence=_yesno_sentence,
    choices=lambda p: [YES, NO],
    doc=f"""\
## yesno — *đạt/không đạt*

Input `done` («{YES}» / «{NO}», from the cell's list). «{YES}» → P, else 0.
Text is compared composed (NFC), trimmed and in any case: a decomposed «{YES}»
typed with Unikey's combining mode is «{YES}».

Report: how many members did it («12/12 tỉnh đều đạt»), or which did not.""",
    examples=(
        Example(YesNoParams(), 20, {"done": YES}, 20, f"P = 20: «{YES}»"),
        Example(YesNoParams(), 20, {"done": unicodedata.normalize("NFD", YES)}, 20, "decomposed letters, same text"),
        Example(YesNoParams(), 20, {"done": NO}, 0, f"«{NO}»"),
    ),
)


# ---------------------------------------------------------------- level


class LevelParams(Params):
    """``level``: a graded level (*xếp loại*) gives a share of points."""

    levels: dict[str, float] = param(
        {
            "Hoàn thành xuất sắc nhiệm vụ": 1.0,
            "Hoàn thành tốt nhiệm vụ": 0.7,
            "Hoàn thành nhiệm vụ": 0.4,
            "Không hoàn thành nhiệm vụ": 0.0,
        },
        "Các mức xếp loại",
        "Tên mức và phần điểm tương ứng (0–1), mức cao nhất trước",
        "level name -> share of points, best first",
        min_length=2,
    )

    @model_validator(mode="after")
    def _shares_in_range(self) -> LevelParams:
        if any(not 0 <= s <= 1 for s in self.levels.values()):
            raise ValueError(_("every level's share must be between 0 and 1"))
        return self


LEVEL = Input("level", "Xếp loại", "result", kind="choice")


def _level_score(values: Mapping[str, Value], p: LevelParams, points: float, _: Cluster) -> Score:
    level = values.get("level")
    if level in (None, ""):
        return missing([LEVEL.label])
    share = next((s for name, s in p.levels.items() if same_text(level, name)), None)
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


def _level_sentence(facts: Facts[LevelParams]) -> Writeup:
    """How many members reached each level, naming those at the best one reached when they are few."""
    counts = []
    for name in facts.params.levels:
        who = [r.name for r in facts.rows if same_text(r.values.get("level"), name)]
        if who:
            counts.append((name, who))
    if not counts:
        return Writeup(f"{subject(facts)}: chưa có kết quả xếp loại của {facts.noun} nào.", {"levels": {}})
    parts = []
    for i, (name, who) in enumerate(counts):
        part = f"{len(who)} {facts.noun}" + (" được xếp loại" if i == 0 else "") + f" “{name}”"
        if i == 0 and len(who) <= 4 and len(counts) > 1:
            part += f" ({join(who)})"
        parts.append(part)
    text = f"{subject(facts)}: có {join(parts)}"
    return sentence(text, {"levels": {name: len(who) for name, who in counts}})


def _level_example(sample: Sample, p: LevelParams) -> dict[str, Value]:
    names = list(p.levels)[:3]
    return {"level": sample.rng.choices(names, weights=[4, 5, 1][: len(names)])[0]}


LEVEL_METHOD: Method[LevelParams] = Method(
    name="level",
    title="Xếp loại",
    inputs=(LEVEL,),
    params=LevelParams,
    score=_level_score,
    formula=_level_formula,
    describe=lambda p, points, _unit: "; ".join(f"{name}: {pts(points * s)}" for name, s in p.levels.items()),
    example=_level_example,
    sentence=_level_sentence,
    choices=lambda p: list(p.levels),
    doc="""\
## level — *xếp loại*

Input `level`, one of the listed levels. Parameter `levels` (level → share;
default: Hoàn thành xuất sắc 1, tốt 0,7, hoàn thành 0,4, không hoàn thành 0).
An unlisted level → 0, issue `unknown-level`.

Report: how many members reached each level.""",
    examples=(
        Example(LevelParams(), 20, {"level": "Hoàn thành tốt nhiệm vụ"}, 14, "P = 20: «tốt» → 20 · 0,7"),
        Example(LevelParams(), 20, {"level": "Tốt"}, 0, "an unlisted level"),
    ),
)
