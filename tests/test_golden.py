"""Golden files for every file emuxl writes after the forms, from one fixed cycle of the small campaign.

The returns are filled from the hand-written VALUES below (not from emuxl.demo), so the golden files only
change when what emuxl writes changes. After a deliberate change, regenerate and review the difference:
``EMUXL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.table import Table
from xmlcompare import assert_same_xlsx

from emuxl import resources
from emuxl.cli import main
from emuxl.definitions import load_campaign
from emuxl.feedback import feedback_path
from emuxl.forms import member_form, peer_form
from emuxl.methods import Value

SMALL = Path(__file__).parent / "data" / "small"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("EMUXL_UPDATE_GOLDEN"))
# When a file was received or saved and when a score was adjusted are the clock's, not emuxl's: blanked.
TIMESTAMP = (
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"  # as stored
    r"|\d\d:\d\d ngày \d\d/\d\d/\d{4}"  # as the feedback shows it, in Vietnam's time
)
REPORT = 'report:\n  date: 2025-01-15\n  place: "Thành phố Thử"\n'  # the documents' date, fixed
TEMPLATES = [p.stem for p in resources.bundled_templates()]

ACCIDENTS = ("cases", "deaths", "injuries")


def _accidents(now: tuple[int, int, int], before: tuple[int, int, int]) -> dict[str, Value]:
    return {k: float(n) for k, n in zip(ACCIDENTS, now, strict=True)} | {
        f"{k}_previous": float(n) for k, n in zip(ACCIDENTS, before, strict=True)
    }


VALUES: dict[str, dict[str, dict[str, Value]]] = {
    "01": {
        "A1": {"plan": 1000.0, "actual": 1080.0, "previous": 950.0, "note": "Báo cáo 12/BC-STC"},
        "A2": {"plan": 7.0, "actual": 7.5, "previous": 6.8, "self": 18.0},
        "A3": {"rank": 5.0},
        "B1": _accidents((40, 10, 30), (45, 12, 28)),
        "B2": {"level": "Hoàn thành xuất sắc nhiệm vụ"},
        "C1": {"count": 1.0, "note": "Quyết định 55/QĐ-TTg"},
        "C2": {"count": 0.0},
    },
    "02": {  # the return with problems: a number typed as text the Vietnamese way, a required input left empty
        "A1": {"plan": "1.234,5", "actual": 1250.0, "previous": 1100.0},
        "A2": {"plan": 7.0, "previous": 6.5, "self": 15.0},
        "A3": {"rank": 20.0},
        "B1": _accidents((52, 15, 41), (50, 16, 44)),
        "B2": {"level": "Hoàn thành tốt nhiệm vụ"},
        "C1": {"count": 0.0},
        "C2": {"count": 1.0, "note": "Chậm báo cáo quý III"},
    },
    "03": {
        "A1": {"plan": 800.0, "actual": 760.0, "previous": 700.0},
        "A2": {"plan": 6.5, "actual": 6.9, "previous": 6.0, "self": 16.0},
        "A3": {"rank": 40.0},
        "B1": _accidents((20, 5, 18), (25, 7, 16)),
        "B2": {"level": "Hoàn thành nhiệm vụ"},
        "C1": {"count": 2.0},
        "C2": {"count": 0.0},
    },
}
PEER = {  # scorer -> indicator -> scored member -> points
    "01": {"B3": {"02": 13.5, "03": 12.0}},
    "02": {"B3": {"01": 14.0, "03": 12.5}},
    "03": {"B3": {"01": 14.5, "02": 13.0}},
}
COMMANDS = [
    ["collect", "--jobs", "1"],
    ["adjust", "03", "B2", "8", "--reason", "xếp loại lại theo Quyết định 9/QĐ-UBND", "--by", "Cụm trưởng"],
    ["rank"],
    ["report"],
]


def run_cycle(folder: Path) -> Path:
    """The small campaign's cycle through the commands: fixed returns collected, one adjustment, rank, report."""
    shutil.copytree(SMALL, folder)
    with (folder / "campaign.yaml").open("a", encoding="utf-8") as f:
        f.write(REPORT)
    campaign = load_campaign(folder)
    inbox = folder / "inbox"
    inbox.mkdir()
    for member in campaign.members:
        (inbox / f"{member.slug}.xlsx").write_bytes(member_form(campaign, member, VALUES[member.code]))
        (inbox / f"{member.slug}-cham-cheo.xlsx").write_bytes(peer_form(campaign, member, PEER[member.code]))
    for command, *args in COMMANDS:
        result = CliRunner().invoke(main, [command, str(folder), *args])
        assert result.exit_code == 0, f"emuxl {command}: {result.output}"
    return folder


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The campaign folder after one fixed cycle (shared by the tests of this module)."""
    return run_cycle(tmp_path_factory.mktemp("golden") / "small")


def docx_lines(path: Path) -> list[str]:
    """A document's text in order: one line per paragraph, one per table row (cells joined by " | ")."""
    lines = []
    for block in Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [c for n, c in enumerate(row.cells) if n == 0 or c._tc is not row.cells[n - 1]._tc]
                lines.append(" | ".join(c.text.replace("\n", " / ") for c in cells))
        else:
            lines.append(block.text.replace("\n", " / "))
    return [line.rstrip() for line in lines]  # no trailing blanks in the golden files


def write_golden_xlsx(got: Path, golden: Path) -> None:
    """Write a golden xlsx with its clock times already blanked, so regenerating changes only what changed."""
    with zipfile.ZipFile(got) as src, zipfile.ZipFile(golden, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):  # cells, not document dates
                data = re.sub(TIMESTAMP.encode(), b"(blanked)", data)
            dst.writestr(info, data)


def check_xlsx(got: Path, name: str) -> None:
    """Compare an xlsx file with tests/golden/<name> part by part (or rewrite the golden file)."""
    if UPDATE:
        write_golden_xlsx(got, GOLDEN / name)
    assert_same_xlsx(got, GOLDEN / name, blank=[TIMESTAMP])


def check_lines(lines: list[str], name: str) -> None:
    """Compare lines of text with tests/golden/<name> line by line (or rewrite the golden file)."""
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    expected = golden.read_text(encoding="utf-8").splitlines()
    for n, (got, want) in enumerate(zip(lines, expected, strict=False), 1):
        assert got == want, f"{name}, line {n}:\n got      {got}\n expected {want}"
    assert len(lines) == len(expected), f"{name}: {len(lines)} lines, expected {len(expected)}"


def test_ranking_workbook(cycle: Path) -> None:
    """out/ranking.xlsx of the fixed cycle (every sheet, formula, cached value, format and the chart) is pinned."""
    check_xlsx(cycle / "out" / "ranking.xlsx", "small-ranking.xlsx")


def test_feedback_workbook(cycle: Path) -> None:
    """The feedback to the member who typed a number as text and left a required input empty is pinned."""
    campaign = load_campaign(cycle)
    check_xlsx(feedback_path(campaign, campaign.member("02")), "small-feedback-02.xlsx")


@pytest.mark.parametrize("template", TEMPLATES)
def test_report_text(cycle: Path, template: str) -> None:
    """The text of each Word report emuxl report writes (paragraphs and table rows, in order) is pinned."""
    check_lines(docx_lines(cycle / "out" / f"{template}.docx"), f"small-{template}.txt")


def test_a_second_cycle_writes_the_same_files(cycle: Path, tmp_path: Path) -> None:
    """The same returns give the same ranking workbook, feedback and report text (only clock times differ)."""
    again = run_cycle(tmp_path / "small")
    campaign = load_campaign(again)
    assert sorted(p.name for p in (again / "out").glob("*.docx")) == [f"{t}.docx" for t in sorted(TEMPLATES)]
    assert_same_xlsx(again / "out" / "ranking.xlsx", cycle / "out" / "ranking.xlsx", blank=[TIMESTAMP])
    for member in campaign.members:
        path = feedback_path(campaign, member)
        assert_same_xlsx(path, cycle / path.relative_to(again), blank=[TIMESTAMP])
    for template in TEMPLATES:
        name = f"out/{template}.docx"
        assert docx_lines(again / name) == docx_lines(cycle / name), name
