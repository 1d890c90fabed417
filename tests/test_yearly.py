"""Year on year: previous ranks and totals with ``previous:`` set, who rose and who fell, across the 2025 merger."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import edit

from emuxl.cli import main
from emuxl.definitions import load_campaign
from emuxl.demo import write_demo_returns
from emuxl.intake import collect
from emuxl.nextyear import start_next_year
from emuxl.report import build_context
from emuxl.results import compute


def returned(folder: Path, seed: int) -> Path:
    """The campaign in ``folder`` with generated returns collected."""
    campaign = load_campaign(folder)
    write_demo_returns(campaign, seed)
    for _ in collect(campaign, [folder / "inbox"], jobs=2):
        pass
    return folder


def rank_json(folder: Path) -> dict:
    """emuxl rank --json, which must exit 0."""
    result = CliRunner().invoke(main, ["rank", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def year_2024(demo_2023: Path, tmp_path: Path) -> Path:
    """The 2024 campaign made by next-year from the 2023 demo, with its own returns collected."""
    start_next_year(demo_2023, tmp_path / "tnb-2024")
    return returned(tmp_path / "tnb-2024", seed=2024)


def test_rank_json_carries_previous_ranks_and_the_report_says_who_rose(demo_2023: Path, year_2024: Path) -> None:
    """With previous: set, each member has last year's rank and total; the report's sentences say who rose."""
    last = {m["code"]: m for m in rank_json(demo_2023)["members"]}
    data = rank_json(year_2024)
    assert data["year_on_year"]["previous_year"] == 2023 and not data["year_on_year"]["across_merger"]
    for m in data["members"]:
        before = m["previous"]
        assert (before["rank"], before["total"]) == (last[m["code"]]["rank"], last[m["code"]]["shown"])
        assert before["change"] == before["rank"] - m["rank"]
    risers = sorted((m for m in data["members"] if m["previous"]["change"] > 0), key=lambda m: -m["previous"]["change"])
    assert risers, "the generated returns move somebody up"
    context = build_context(compute(load_campaign(year_2024)))
    top = risers[0]
    rose = (
        f"{top['name']} tăng {top['previous']['change']} bậc (từ hạng {top['previous']['rank']} lên hạng {top['rank']})"
    )
    assert (
        context["year_on_year"]["sentence"].startswith("So với năm 2023, ")
        and rose in context["year_on_year"]["sentence"]
    )
    row = next(r for r in context["ranking"] if r["code"] == top["code"])
    assert (
        row["movement"] == f"tăng {top['previous']['change']} bậc" and row["previous_rank"] == top["previous"]["rank"]
    )
    not_compared = context["year_on_year"]["not_compared_sentence"]
    assert "phụ thuộc kết quả của các thành viên khác trong Cụm (A01, A06, B07, D02, E04)" in not_compared


def test_ranking_workbook_shows_last_years_ranks(year_2024: Path) -> None:
    """ranking.xlsx: a «So với năm 2023» column on «Tổng hợp» and a «So sánh năm trước» sheet."""
    rank_json(year_2024)
    book = openpyxl.load_workbook(year_2024 / "out" / "ranking.xlsx", read_only=True)
    head = next(r for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0] == "Hạng")
    assert "So với năm 2023" in head
    rows = list(book["So sánh năm trước"].iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "Hạng")
    assert header[3] == "Hạng năm 2023" and len([r for r in rows if r[0] and str(r[0]).isdigit()]) == 12


def test_across_the_merger_ranks_are_marked_and_predecessors_listed(demo_2023: Path, sample_2025: Path) -> None:
    """2025 against 2023: comparisons marked across a merger, predecessors' ranks listed, 63 → 34 not compared."""
    start_next_year(demo_2023, sample_2025)
    returned(sample_2025, seed=2025)
    last = {m["code"]: m["rank"] for m in rank_json(demo_2023)["members"]}
    data = rank_json(sample_2025)
    yearly = data["year_on_year"]
    assert yearly["across_merger"] and yearly["previous_year"] == 2023
    vinh_long = next(m for m in data["members"] if m["code"] == "86")["previous"]
    assert vinh_long["across_merger"] and vinh_long["change"] is None and vinh_long["rank"] is None
    assert [(p["code"], p["rank"], p["of"]) for p in vinh_long["predecessors"]] == [
        (c, last[c], 12) for c in ("86", "83", "84")
    ]
    can_tho = next(m for m in data["members"] if m["code"] == "92")["previous"]
    assert can_tho["not_in_cluster"] == ["Cần Thơ (92)"]
    why = {x["indicator"]: x["why"] for x in yearly["not_compared"]}
    assert why["A12"] == "tham số chấm thay đổi: of 63 → 34" and why["D01"] == why["A12"]
    assert why["A06"] == "điểm phụ thuộc kết quả của các thành viên khác trong Cụm"
    assert "A03" in yearly["compared_indicators"]
    assert "thành viên của Cụm đã thay đổi sau sắp xếp" in yearly["sentence"]
    assert "Vĩnh Long (năm 2023: Vĩnh Long hạng" in yearly["sentence"]


def test_previous_without_collected_returns_is_an_error(sample: Path, sample_2025: Path) -> None:
    """previous: pointing at a campaign that never collected: rank exits 1 naming the key and what to do."""
    edit(sample_2025 / "campaign.yaml", "year: 2025", f"year: 2025\nprevious: ../{sample.name}")
    line = _line(sample_2025, "previous:")
    result = CliRunner().invoke(main, ["rank", str(sample_2025)])
    assert result.exit_code == 1
    assert f"campaign.yaml:{line}: previous:" in result.output and "its returns were never collected" in result.output


def test_check_locates_a_previous_that_is_not_a_campaign(sample_2025: Path) -> None:
    """previous: naming a folder without campaign.yaml is a located definitions error."""
    edit(sample_2025 / "campaign.yaml", "year: 2025", "year: 2025\nprevious: ../nowhere")
    result = CliRunner().invoke(main, ["check", str(sample_2025)])
    line = _line(sample_2025, "previous:")
    assert result.exit_code == 1 and f"campaign.yaml:{line}: previous: no campaign.yaml in" in result.output


def _line(folder: Path, start: str) -> int:
    """The line of campaign.yaml that starts with ``start``."""
    lines = (folder / "campaign.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.startswith(start))
