"""A scoring method is one plugin: a toy method declared only here goes through the whole cycle.

Nothing in emuxl changes for it: ``check`` validates its parameters, ``forms``
writes its input (validated by its range) and its formula, LibreOffice fills
the input by name, ``collect`` reads it back, ``rank`` scores it with a
formula LibreOffice recalculates to Python's value, and ``report`` writes its
sentence.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import openpyxl
import pytest
from conftest import edit
from docx import Document

from emuxl.collecting import take_in
from emuxl.definitions import load_campaign
from emuxl.demo import plausible_values
from emuxl.errors import DefinitionsError
from emuxl.forms import form_path, member_form, write_forms
from emuxl.layout import input_name
from emuxl.methods import (
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
    lit,
    num,
    param,
    pts,
    register,
    unregister,
)
from emuxl.report import render_reports, template_paths
from emuxl.results import compute
from emuxl.workbook import ranking_workbook, write_ranking

SMALL = Path(__file__).parent / "data" / "small"


class StarsParams(Params):
    """``stars``: points in proportion to the stars an inspection gave (*số sao*)."""

    max_stars: int = param(5, "Số sao tối đa", "Số sao cao nhất của đợt đánh giá", "the most stars", ge=1, le=10)


STARS = Input("stars", "Số sao", "result", kind="integer", limits=Limits(low=0, high=5, whole=True))


def _score(values: Mapping[str, Value], p: StarsParams, points: float, _c: Cluster) -> Score:
    stars = num(values.get("stars"))
    if stars is None:
        return Score(0.0, "thiếu số liệu: Số sao → 0 điểm", "missing-input")
    score = points * stars / p.max_stars
    return Score(score, f"{int(stars)}/{p.max_stars} sao → {pts(score)} điểm")


def _formula(refs: Refs, p: StarsParams, points: float) -> str:
    cell = refs.inputs["stars"]
    return f"IF(ISNUMBER({cell}),{lit(points)}*{cell}/{p.max_stars},0)"


def _sentence(facts: Facts[StarsParams]) -> Writeup:
    stars = [x for r in facts.returned if (x := num(r.values.get("stars"))) is not None]
    mean = sum(stars) / len(stars) if stars else 0.0
    return Writeup(f"{facts.heading}: bình quân {pts(mean)}/{facts.params.max_stars} sao.", {"mean_stars": mean})


def _describe(p: StarsParams, points: float, _unit: str) -> str:
    return f"{pts(points)} điểm cho {p.max_stars} sao, tỷ lệ thuận"


def _example(sample: Sample, p: StarsParams) -> dict[str, Value]:
    return {"stars": float(sample.rng.randint(1, p.max_stars))}


def _bounds(inp: Input, p: StarsParams) -> Limits:
    return Limits(low=0, high=p.max_stars, whole=True)


# Module-level functions, not lambdas: collect's reader processes are spawned, and the method travels to them
# pickled, its functions by name.
STARS_METHOD: Method[StarsParams] = Method(
    name="stars",
    title="Số sao",
    inputs=(STARS,),
    params=StarsParams,
    score=_score,
    formula=_formula,
    describe=_describe,
    example=_example,
    sentence=_sentence,
    bounds=_bounds,
    doc="## stars — *số sao* (a test's toy method)",
    examples=(Example(StarsParams(max_stars=4), 20, {"stars": 3.0}, 15, "P = 20: 3 of 4 stars"),),
)

STARS_INDICATOR = (
    '      - {code: S1, title: "Đánh giá gắn sao dịch vụ công", unit: sao, points: 20, method: stars,'
    " params: {max_stars: 4}}\n"
)


@pytest.fixture
def stars_method() -> Iterator[Method[StarsParams]]:
    """The toy method, registered for the test only."""
    register(STARS_METHOD)
    yield STARS_METHOD
    unregister(STARS_METHOD.name)


@pytest.fixture
def stars_campaign(tmp_path: Path, stars_method: Method[StarsParams]) -> Path:
    """The small campaign with one more indicator, scored by the toy method."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    catalogue = folder / "indicators.yaml"
    edit(catalogue, "scale: 100", "scale: 120")
    section_b = '    title: "Xã hội, an ninh"\n    indicators:\n'
    edit(catalogue, section_b, section_b + STARS_INDICATOR)
    edit(folder / "campaign.yaml", "deadline:", "report:\n  date: 2025-01-15\ndeadline:")
    return folder


def test_check_validates_the_plugin_parameters(stars_campaign: Path) -> None:
    """emuxl check knows the new method: valid parameters pass, a bad one is located with its bound."""
    campaign = load_campaign(stars_campaign)
    ind = next(i for i in campaign.catalogue.indicators if i.code == "S1")
    assert ind.spec is STARS_METHOD and ind.settings == StarsParams(max_stars=4)
    assert ind.rule == "20 điểm cho 4 sao, tỷ lệ thuận" and ind.max_points == 20
    edit(stars_campaign / "indicators.yaml", "max_stars: 4", "max_stars: 40")
    with pytest.raises(DefinitionsError) as caught:
        load_campaign(stars_campaign)
    assert "params.max_stars (S1)" in str(caught.value) and "10" in str(caught.value)


def test_a_method_declared_in_a_test_goes_through_the_whole_cycle(office, stars_campaign: Path) -> None:
    """forms → LibreOffice fills by name → collect → rank (LibreOffice = Python) → report, for the toy method."""
    campaign = load_campaign(stars_campaign)
    written = list(write_forms(campaign, jobs=1))
    assert len(written) == 6

    # forms: the input has its defined name, the method's range as validation, and the formula twin
    form = form_path(campaign, campaign.member("01"))
    wb = openpyxl.load_workbook(form)
    absolute = wb.defined_names[input_name("S1", "stars")].attr_text.split("!")[1]
    ref = absolute.replace("$", "")
    ws = wb.worksheets[1]
    rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == ref)
    assert (rule.type, rule.formula1, rule.formula2) == ("whole", "0", "4")
    row = int("".join(c for c in ref if c.isdigit()))
    assert any(f"{absolute}/4" in str(c.value) for c in ws[row] if isinstance(c.value, str) and c.value.startswith("="))

    # the provinces: every other value pre-filled, the stars typed in LibreOffice by the input's name
    rng = random.Random(5)
    stars = {"01": 4, "02": 1, "03": 3}
    inbox = stars_campaign / "inbox"
    inbox.mkdir()
    actions = []
    for member in campaign.members:
        values = plausible_values(campaign, rng)
        blank = stars_campaign / f"blank-{member.code}.xlsx"
        blank.write_bytes(member_form(campaign, member, {k: v for k, v in values.items() if k != "S1"}))
        actions.append(
            {
                "path": str(blank),
                "fill": {input_name("S1", "stars"): stars[member.code]},
                "save_as": str(inbox / f"{member.code}.xlsx"),
            }
        )
    office.run(actions)

    # collect reads the plugin's input back by name
    run = take_in(campaign, [inbox], jobs=1)
    assert not run.rejected and len(run.files) == 3, [(r.name, r.issues) for r in run.files]
    assert not [i for r in run.files for i in r.issues if i.indicator == "S1"]
    results = compute(campaign)
    for code, n in stars.items():
        cell = results.cards[code].cells["S1"]
        assert cell.points == pytest.approx(20 * n / 4) and f"{n}/4 sao" in cell.explanation

    # rank: the workbook's formula for it, recalculated by LibreOffice, equals Python
    write_ranking(campaign)
    book = ranking_workbook(results)
    path = stars_campaign / "ranking-check.xlsx"
    path.write_bytes(book.data)
    cells = sorted(book.expected)
    got = office.run([{"path": str(path), "read_cells": [list(c) for c in cells]}])[0]["cells"]
    for sheet, cell in cells:
        assert got[f"{sheet}!{cell}"] == pytest.approx(book.expected[(sheet, cell)], abs=1e-9), (sheet, cell)
    stars_cells = [c for c in cells if c[0] == "Chi tiết"]
    assert len(stars_cells) > 30

    # report: section II carries the method's own sentence
    done = render_reports(results, template_paths(campaign), pdf=False)
    summary = next(d.docx for d in done if d.docx.name.startswith("bao-cao"))
    text = "\n".join(p.text for p in Document(str(summary)).paragraphs)
    assert "Đánh giá gắn sao dịch vụ công: bình quân 2,67/4 sao." in text
