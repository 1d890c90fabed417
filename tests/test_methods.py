"""The method registry: one declaration per method, its faces consistent, and no stage testing a name."""

from __future__ import annotations

import random
import re
from pathlib import Path

import openpyxl
import pytest

from emuxl.definitions import load_campaign
from emuxl.demo import plausible_values
from emuxl.forms import member_form
from emuxl.intake import read_and_verify
from emuxl.layout import input_name
from emuxl.methods import METHODS, Limits, Sample, same_text
from emuxl.methods.docs import methods_markdown, run_example

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [(name, i) for name, m in METHODS.items() for i in range(len(m.examples))]


@pytest.mark.parametrize(("name", "index"), EXAMPLES, ids=[f"{n}-{i}" for n, i in EXAMPLES])
def test_worked_example(name: str, index: int) -> None:
    """Every worked example printed in docs/methods.md gives the points it says when the rule runs."""
    method = METHODS[name]
    assert run_example(method, index) == pytest.approx(method.examples[index].expected, abs=0.005)


def test_every_method_has_worked_examples_and_docs() -> None:
    """Each method documents itself, with at least one worked example and labelled inputs and parameters."""
    for method in METHODS.values():
        assert method.examples, method.name
        assert method.doc.startswith(f"## {method.name} "), method.name
        assert all(i.label for i in method.inputs), method.name
        for info in method.params.model_fields.values():
            assert info.title and info.description, (method.name, info)


def test_methods_doc_is_generated_from_the_registry() -> None:
    """docs/methods.md is what the registry writes (run make docs after changing a declaration)."""
    assert (ROOT / "docs" / "methods.md").read_text(encoding="utf-8") == methods_markdown()


def test_no_stage_tests_a_method_by_name() -> None:
    """Outside emuxl/methods/, no code compares an indicator's method name with a literal."""
    by_name = re.compile(r"\.method\s*(==|!=|in\b|not in\b)|METHODS\[\s*[\"']")
    offenders = []
    for path in (ROOT / "emuxl").rglob("*.py"):
        if "methods" in path.relative_to(ROOT / "emuxl").parts[:1]:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if by_name.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_example_values_are_what_a_province_could_send(sample: Path) -> None:
    """The demo's generated values are valid, whole where they count things, and of a believable size."""
    campaign = load_campaign(sample)
    rng = random.Random(7)
    ratios = []
    for _ in range(40):
        values = plausible_values(campaign, rng)
        for ind in campaign.catalogue.indicators:
            got = values[ind.code]
            for inp in ind.inputs:
                value = got.get(inp.name)
                if inp.kind == "choice":
                    assert any(same_text(value, c) for c in ind.spec.choices(ind.settings)), (ind.code, value)
                elif value is not None:
                    assert isinstance(value, float) and ind.limits(inp).allows(value), (ind.code, inp.name, value)
            assert not ind.spec.plausible(got, ind.settings), (ind.code, got)
            if ind.spec.uses_plan:
                ratios.append(got["actual"] / got["plan"])  # type: ignore[operator]
            if ind.unit == "%" and "tăng trưởng" in ind.title.lower():
                assert 2 <= got["actual"] <= 15, got  # type: ignore[operator]
            if ind.unit in ("doanh nghiệp", "lao động", "căn", "mô hình", "vụ"):
                assert all(float(v).is_integer() for k, v in got.items() if k != "note"), (ind.code, got)
    within = sum(1 for r in ratios if 0.9 <= r <= 1.15) / len(ratios)
    assert within > 0.9 and min(ratios) > 0.8 and max(ratios) < 1.25


def test_limits_in_words() -> None:
    """Limits read back in Vietnamese as the form's messages say them."""
    assert Limits(low=1, high=63, whole=True).words() == "số nguyên từ 1 đến 63"
    assert Limits(low=0, high=1e12, above=True).words() == "số lớn hơn 0"
    assert Limits(low=-100, high=1000).words() == "số từ -100 đến 1.000"
    assert not Limits(low=0, high=10, above=True).allows(0)
    assert not Limits(low=0, high=10, whole=True).allows(2.5)
    assert not Limits(low=0, high=1e12).allows(1e308)


def test_form_validation_comes_from_the_registry(sample: Path) -> None:
    """The form validates each input with its method's range: plans above 0, ranks 1..of, counts whole."""
    campaign = load_campaign(sample)
    member = campaign.members[0]
    path = sample / "form.xlsx"
    path.write_bytes(member_form(campaign, member))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}

    def rule(code: str, field: str) -> openpyxl.worksheet.datavalidation.DataValidation:
        return rules[wb.defined_names[input_name(code, field)].attr_text.split("!")[1].replace("$", "")]

    assert rule("A12", "rank").type == "whole" and (rule("A12", "rank").formula1, rule("A12", "rank").formula2) == (
        "1",
        "63",
    )
    assert rule("A03", "plan").type == "custom" and ">0" in rule("A03", "plan").formula1
    assert float(rule("A10", "actual").formula2) == 1000  # a rate in %
    assert rule("E03", "count").type == "whole" and "nhập 0 nếu không có" in rule("E03", "count").prompt


@pytest.mark.parametrize(
    ("code", "field", "value"),
    [
        ("A03", "plan", 0.0),
        ("A03", "actual", 1e308),
        ("A12", "rank", 64.0),
        ("E03", "count", 2.5),
        ("A10", "actual", 765.0e3),
    ],
)
def test_intake_refuses_values_outside_the_methods_range(sample: Path, code: str, field: str, value: float) -> None:
    """A value outside its input's declared range is an error at intake, naming the cell, and is not used."""
    campaign = load_campaign(sample)
    values = plausible_values(campaign, random.Random(1))
    values[code][field] = value
    reading, _saved = read_and_verify(campaign, member_form(campaign, campaign.members[0], values))
    issues = [i for i in reading.issues if i.indicator == code and i.code == "out-of-range"]
    assert len(issues) == 1, reading.issues
    assert issues[0].cell and issues[0].sheet and "ngoài khoảng cho phép" in issues[0].message
    kept = {(c, f): n for c, f, _s, _cell, _raw, n, _t in reading.values}
    assert kept[(code, field)] is None


def test_implausible_value_is_a_warning(sample: Path) -> None:
    """An actual at 30 times its plan is kept but flagged for the province and the secretariat."""
    campaign = load_campaign(sample)
    values = plausible_values(campaign, random.Random(2))
    values["A03"]["actual"] = float(values["A03"]["plan"]) * 30  # type: ignore[arg-type]
    reading, _saved = read_and_verify(campaign, member_form(campaign, campaign.members[0], values))
    warned = [i for i in reading.issues if i.code == "implausible-value"]
    assert [i.indicator for i in warned] == ["A03"] and warned[0].severity == "warning"
    assert "3.000%" in warned[0].message or "3.000,00%" in warned[0].message


def test_generated_samples_use_every_face(sample: Path) -> None:
    """Each method's example generator gives every required input its indicator shows."""
    campaign = load_campaign(sample)
    rng = random.Random(3)
    for ind in campaign.catalogue.indicators:
        made = ind.spec.example(Sample(ind.title, ind.unit, ind.points, rng), ind.settings)
        required = {i.name for i in ind.inputs if i.required}
        assert required <= set(made), (ind.code, required - set(made))
