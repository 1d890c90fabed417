"""Scoring, ranking and awards; the master workbook's formulas recalculated by LibreOffice equal Python."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import edit
from hypothesis import given
from hypothesis import strategies as st

from emuxl.cli import main
from emuxl.definitions import Campaign, load_campaign
from emuxl.demo import plausible_peer_scores, plausible_values, write_demo_returns
from emuxl.errors import InvalidRequest
from emuxl.intake import collect
from emuxl.methods import (
    METHODS,
    AccidentsParams,
    Cluster,
    CountParams,
    LevelParams,
    LowerParams,
    NationalParams,
    PlanParams,
    RankParams,
)
from emuxl.ranking import FLAG, MERIT, rank, round_half_up
from emuxl.results import Results, as_data, compute
from emuxl.review import adjust_score
from emuxl.scoring import Adjustment, score
from emuxl.store import Store
from emuxl.workbook import ranking_workbook

SMALL = Path(__file__).parent / "data" / "small"
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


# ------------------------------------------------------------------ methods: properties


@given(plan=positive, actual=finite, base=st.floats(0.1, 1), bonus=st.floats(0, 5), floor=st.floats(0, 1))
def test_plan_points_within_bounds(plan: float, actual: float, base: float, bonus: float, floor: float) -> None:
    """plan: points between 0 and the cap, whatever the inputs."""
    params = PlanParams(base=base, bonus_per_pct=bonus, cap=60.0, floor_ratio=floor)
    result = METHODS["plan"].score({"plan": plan, "actual": actual}, params, 50, Cluster())
    assert 0 <= result.points <= 60 + 1e-9


@given(plan=positive, a=st.floats(0, 1e6), b=st.floats(0, 1e6))
def test_plan_is_monotone_in_actual(plan: float, a: float, b: float) -> None:
    """plan: more actual never gives fewer points (no floor)."""
    params = PlanParams(base=0.9, bonus_per_pct=1, cap=50)
    low, high = sorted([a, b])
    f = METHODS["plan"].score
    assert (
        f({"plan": plan, "actual": low}, params, 50, Cluster()).points
        <= f({"plan": plan, "actual": high}, params, 50, Cluster()).points + 1e-9
    )


def test_plan_edge_cases() -> None:
    """plan 0, negative actual, missing input and text: 0 points with an issue, never a crash."""
    f, p = METHODS["plan"].score, PlanParams()
    assert f({"plan": 0.0, "actual": 5.0}, p, 10, Cluster()).issue == "plan-not-positive"
    assert f({"plan": 10.0, "actual": -5.0}, p, 10, Cluster()).points == 0
    assert f({"plan": 10.0}, p, 10, Cluster()).issue == "missing-input"
    assert f({"plan": 10.0, "actual": "chín"}, p, 10, Cluster()).points == 0
    assert f(
        {"plan": 100.0, "actual": 103.46}, PlanParams(base=0.9, bonus_per_pct=1, cap=50), 50, Cluster()
    ).points == pytest.approx(48.46)


@given(r1=st.integers(1, 63), r2=st.integers(1, 63))
def test_national_better_rank_never_fewer_points(r1: int, r2: int) -> None:
    """national: a better national rank never gives fewer points; ranks outside 1..N give 0 with an issue."""
    params = NationalParams(of=63, bands=[{"top_pct": 10, "share": 1}, {"top_pct": 50, "share": 0.6}], rest=0.2)
    f = METHODS["national"].score
    best, worst = sorted([r1, r2])
    assert (
        f({"rank": float(best)}, params, 30, Cluster()).points
        >= f({"rank": float(worst)}, params, 30, Cluster()).points
    )
    assert f({"rank": 64.0}, params, 30, Cluster()).issue == "rank-out-of-range"


@given(actual=st.floats(0, 1e4), previous=st.floats(0, 1e4))
def test_lower_rewards_reduction(actual: float, previous: float) -> None:
    """lower: a reduction gets full points, an increase the worse share."""
    result = METHODS["lower"].score(
        {"actual": actual, "previous": previous}, LowerParams(worse_share=0.2), 20, Cluster()
    )
    expected = 20 if actual < previous else 20 if actual == previous else 4
    assert result.points == pytest.approx(expected)


@given(c=st.tuples(*[st.integers(0, 100)] * 6))
def test_accidents_share_by_criteria_reduced(c: tuple[int, ...]) -> None:
    """accidents: 3 reduced = 100 %, 2 = 70 %, 1 = 40 %, none = 0."""
    names = ["cases", "cases_previous", "deaths", "deaths_previous", "injuries", "injuries_previous"]
    values = {n: float(v) for n, v in zip(names, c, strict=True)}
    reduced = sum(c[i] < c[i + 1] for i in (0, 2, 4))
    points = METHODS["accidents"].score(values, AccidentsParams(), 30, Cluster()).points
    assert points == pytest.approx(30 * [0, 0.4, 0.7, 1.0][reduced])


@given(n=st.integers(0, 50))
def test_count_capped(n: int) -> None:
    """count: points per occurrence, never above the cap."""
    points = METHODS["count"].score({"count": float(n)}, CountParams(per_item=3), 15, Cluster()).points
    assert points == min(15, 3 * n)


def test_rank_in_cluster_ties_share_a_rank() -> None:
    """rank: equal values share a rank (and its points); the next value skips a place."""
    params = RankParams(shares=[1, 0.8, 0.6, 0.4])
    values = [{"actual": 10.0}, {"actual": 10.0}, {"actual": 5.0}]
    f = METHODS["rank"].score
    got = [f(v, params, 20, Cluster(values=values)).points for v in values]
    assert got == [20, 20, 12]


def test_level_and_peer() -> None:
    """level: listed levels only; peer: trimmed mean from enough scorers, dispersion flagged."""
    assert METHODS["level"].score({"level": "Hoàn thành tốt nhiệm vụ"}, LevelParams(), 20, Cluster()).points == 14
    assert METHODS["level"].score({"level": "Tốt"}, LevelParams(), 20, Cluster()).issue == "unknown-level"
    peer = METHODS["peer"].params.model_validate({"trim_min_scorers": 5})
    result = METHODS["peer"].score({}, peer, 35, Cluster(peer_scores=[30, 31, 32, 33, 10]))
    assert result.points == pytest.approx((30 + 31 + 32) / 3) and result.issue == "peer-dispersion"
    assert "chênh lệch lớn (10–33)" in result.explanation
    assert METHODS["peer"].score({}, peer, 35, Cluster(peer_scores=[30, 32])).points == 31


def test_round_half_up_like_a_spreadsheet() -> None:
    """Ranks use totals rounded as ROUND does: 2.675 -> 2.68, 938.205 -> 938.21."""
    assert round_half_up(2.675) == 2.68 and round_half_up(938.205) == 938.21 and round_half_up(-1.005) == -1.01


# ------------------------------------------------------------------ ranking


def _campaign(tmp_path: Path, extra: str = "") -> Campaign:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    if extra:
        (folder / "campaign.yaml").write_text((folder / "campaign.yaml").read_text() + extra, encoding="utf-8")
    return load_campaign(folder)


def _inputs(a1: tuple[float, float], level: str = "Hoàn thành tốt nhiệm vụ") -> dict:
    return {
        "A1": {"plan": a1[0], "actual": a1[1]},
        "A2": {"plan": 100.0, "actual": 100.0},
        "A3": {"rank": 5.0},
        "B1": {k: 10.0 for k in ("cases", "deaths", "injuries")}
        | {f"{k}_previous": 12.0 for k in ("cases", "deaths", "injuries")},
        "B2": {"level": level},
        "C1": {"count": 0.0},
        "C2": {"count": 0.0},
    }


def test_tie_on_shown_total_broken_by_section_a(tmp_path: Path) -> None:
    """Two members equal on the displayed total: the section A subtotal decides, and says so."""
    campaign = _campaign(tmp_path)
    inputs = {"01": _inputs((100, 100)), "02": _inputs((100, 100)), "03": _inputs((100, 50))}
    adjustments = [  # 01: 20 + 10, 02: 30 + 0 on A1 + B2: the same total, but 02 is ahead in section A
        Adjustment("01", "A1", 20.0, "số liệu thống kê", "Cụm trưởng"),
        Adjustment("01", "B2", 10.0, "xếp loại lại", "Cụm trưởng"),
        Adjustment("02", "A1", 30.0, "số liệu thống kê", "Cụm trưởng"),
        Adjustment("02", "B2", 0.0, "không có quyết định xếp loại", "Cụm phó"),
    ]
    cards = score(campaign, inputs, {}, adjustments)
    ranking = rank(campaign, cards)
    one, two = ranking.of("01"), ranking.of("02")
    assert one.shown == two.shown
    assert {one.rank, two.rank} == {1, 2} and not one.vote and not two.vote
    winner = min((one, two), key=lambda s: s.rank)
    assert winner.member == "02" and "điểm phần A" in winner.tie_break


def test_everything_tied_goes_to_a_vote(tmp_path: Path) -> None:
    """Members equal on the total and every tie-break share the rank and are flagged for a vote."""
    campaign = _campaign(tmp_path)
    same = _inputs((100, 100))
    cards = score(campaign, {"01": same, "02": same, "03": same}, {})
    ranking = rank(campaign, cards)
    assert {s.rank for s in ranking.standings} == {1}
    assert all(s.vote and "biểu quyết" in s.tie_break for s in ranking.standings)
    assert ranking.proposed[FLAG] == [] and any("biểu quyết" in n for n in ranking.notes)


def test_ineligible_first_is_passed_over(tmp_path: Path) -> None:
    """A first-ranked member with a veto is passed over for the Flag, with the reason stated."""
    campaign = _campaign(tmp_path)
    campaign = campaign.model_copy(
        update={
            "members": [
                campaign.members[0].model_copy(update={"veto": "cán bộ chủ chốt bị kỷ luật"}),
                *campaign.members[1:],
            ]
        }
    )
    cards = score(campaign, {"01": _inputs((100, 120)), "02": _inputs((100, 100)), "03": _inputs((100, 80))}, {})
    ranking = rank(campaign, cards)
    first = ranking.of("01")
    assert first.rank == 1 and not first.eligible and first.award is None
    assert "kỷ luật" in first.justification
    assert ranking.proposed == {FLAG: ["02"], MERIT: ["03"]}


def test_section_floor_gate(tmp_path: Path) -> None:
    """With a per-section floor, a member under it in any section is not proposed for the Flag (Merit yes)."""
    campaign = _campaign(tmp_path, "ranking:\n  section_floor: 0.9\n")
    cards = score(campaign, {"01": _inputs((100, 120)), "02": _inputs((100, 100))}, {})
    ranking = rank(campaign, cards)
    assert all(ranking.of(m).eligible and ranking.of(m).flag_reasons for m in ("01", "02"))
    assert not ranking.of("03").eligible and "chưa nộp" in ranking.of("03").reasons[0]
    assert any("dưới 90%" in r for r in ranking.of("01").flag_reasons)
    assert ranking.proposed == {FLAG: [], MERIT: ["01"]}
    assert "không đề nghị Cờ" in ranking.of("01").justification


# ------------------------------------------------------------------ Python = Excel, in LibreOffice


def _random_results(campaign: Campaign, seed: int) -> Results:
    rng = random.Random(seed)
    codes = campaign.member_codes
    submitted = codes if seed % 2 else codes[:-1]  # one member missing in half the runs
    inputs = {c: plausible_values(campaign, rng) for c in submitted}
    peer = {c: plausible_peer_scores(campaign, c, rng) for c in codes}
    inds = campaign.catalogue.indicators
    adjustments = [
        Adjustment(
            rng.choice(codes), (i := rng.choice(inds)).code, round(i.points * rng.random(), 2), "rà soát", "Cụm phó"
        )
        for _ in range(3)
    ]
    cards = score(campaign, inputs, peer, adjustments)
    return Results(campaign, inputs, peer, cards, rank(campaign, cards))


def test_libreoffice_recalculates_ranking_to_pythons_numbers(
    office, tmp_path: Path, sample: Path, sample_2025: Path
) -> None:
    """Every points cell, subtotal and total of ranking.xlsx recalculated by LibreOffice equals Python's."""
    jobs, expectations = [], []
    for n, (folder, seed) in enumerate([(sample, 1), (sample, 2), (sample_2025, 3), (SMALL, 4)]):
        campaign = load_campaign(folder)
        written = ranking_workbook(_random_results(campaign, seed))
        path = tmp_path / f"ranking-{n}.xlsx"
        path.write_bytes(written.data)
        cells = sorted(written.expected)
        jobs.append({"path": str(path), "read_cells": [list(c) for c in cells]})
        expectations.append((path.name, cells, written.expected))
    results = office.run(jobs)
    for (name, cells, expected), result in zip(expectations, results, strict=True):
        got = result["cells"]
        mismatches = [
            (sheet, cell, got[f"{sheet}!{cell}"], expected[(sheet, cell)])
            for sheet, cell in cells
            if not isinstance(got[f"{sheet}!{cell}"], float)
            or abs(got[f"{sheet}!{cell}"] - expected[(sheet, cell)]) > 1e-9
        ]
        assert not mismatches, f"{name}: {mismatches[:10]}"
        assert len(cells) >= 50


# ------------------------------------------------------------------ the command


def test_rank_command_json_and_workbook(sample: Path) -> None:
    """emuxl rank --json prints the same data the library computes, and writes out/ranking.xlsx."""
    campaign = load_campaign(sample)
    write_demo_returns(campaign)
    list(collect(campaign, jobs=1))
    runner = CliRunner()
    adjusted = runner.invoke(
        main, ["adjust", str(sample), "80", "A01", "40", "--reason", "số liệu Cục Thống kê", "--by", "Sóc Trăng"]
    )
    assert adjusted.exit_code == 0, adjusted.output
    result = runner.invoke(main, ["rank", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == json.loads(json.dumps(as_data(compute(campaign)), ensure_ascii=False))
    assert (sample / "out" / "ranking.xlsx").is_file()
    long_an = next(m for m in data["members"] if m["code"] == "80")
    assert (
        long_an["indicators"]["A01"]["points"] == 40
        and "số liệu Cục Thống kê" in long_an["indicators"]["A01"]["explanation"]
    )
    assert [m["rank"] for m in data["members"]] == sorted(m["rank"] for m in data["members"])
    assert len(data["proposed"]["flag"]) <= 2 and data["next_chair"] == "95"
    detail = openpyxl.load_workbook(sample / "out" / "ranking.xlsx")["Chi tiết"]
    head = {c.value: c.column_letter for c in detail[4]}
    row = next(c.row for c in detail["A"] if c.value == "A01")  # a plan indicator: no accident counts
    assert detail[f"{head['Kế hoạch']}{row}"].value is not None and detail[f"{head['Số vụ']}{row}"].value is None
    (rule_range,) = [r for r in detail.conditional_formatting if f"{head['Số vụ']}{row}" in r.sqref]
    (rule,) = rule_range.rules
    assert rule.type == "containsBlanks" and rule.dxf.fill.bgColor.rgb.endswith("F2F2F2")  # shown "not applicable"


def test_each_rank_run_is_kept_compact_and_exact(sample: Path) -> None:
    """Each rank run keeps its result exactly (every number, issue, adjustment, rank, award) and which
    submission counted for each member, packed: no explanation texts, compressed, far smaller than its JSON."""
    campaign = load_campaign(sample)
    write_demo_returns(campaign)
    list(collect(campaign, jobs=1))
    assert CliRunner().invoke(main, ["rank", str(sample)]).exit_code == 0
    adjust_score(campaign, "80", "A01", 40.0, "số liệu Cục Thống kê", "Sóc Trăng")
    assert CliRunner().invoke(main, ["rank", str(sample)]).exit_code == 0
    with Store(sample) as store:
        (_, _, first), (_, _, second) = store.runs()
        counted = sorted([m, k, s] for (m, k), s in store.counted().items())
        stored = [len(r) for (r,) in store.db.execute("SELECT result FROM runs ORDER BY id")]
    expected = as_data(compute(campaign))
    for m in expected["members"]:
        for cell in m["indicators"].values():
            del cell["explanation"]
    assert second == expected | {"counted": counted}
    assert first["members"] != second["members"]  # the adjustment is in the second run only
    cell = next(m for m in second["members"] if m["code"] == "80")["indicators"]["A01"]
    assert cell["points"] == 40 and cell["adjusted"] and cell["computed"] != 40
    assert max(stored) * 5 < len(json.dumps(as_data(compute(campaign)), ensure_ascii=False).encode())


def test_runs_kept_as_plain_json_by_earlier_versions_are_read_back(sample: Path) -> None:
    """A run an earlier emuxl kept as plain JSON text is read back as it was."""
    with Store(sample) as store:
        store.db.execute("INSERT INTO runs (at, result) VALUES ('2026-01-01T00:00:00+00:00', '{\"year\": 2023}')")
        assert store.runs() == [(1, "2026-01-01T00:00:00+00:00", {"year": 2023})]


def test_adjust_refuses_unknown_indicator(sample: Path) -> None:
    """adjust names what is wrong when the indicator does not exist."""
    result = CliRunner().invoke(main, ["adjust", str(sample), "80", "Z9", "1", "--reason", "x", "--by", "y"])
    assert result.exit_code == 2 and "no indicator Z9" in result.output


def test_adjust_is_bounded_by_the_indicators_most_points(sample: Path) -> None:
    """adjust takes 0 … the indicator's most points (a plan bonus cap above its points), and refuses the rest."""
    edit(sample / "indicators.yaml", "bonus_per_pct: 1, cap: 50,", "bonus_per_pct: 1, cap: 55,")  # A03: 50 points
    runner = CliRunner()
    args = ["adjust", str(sample), "80", "A03", "--reason", "rà soát", "--by", "Sóc Trăng"]
    above = runner.invoke(main, [*args, "55.5"])
    assert above.exit_code == 2 and "55.5 points is out of range for A03: give between 0 and 55" in above.output
    negative = runner.invoke(main, [*args, "--", "-1"])
    assert negative.exit_code == 2 and "out of range for A03" in negative.output
    at_most = runner.invoke(main, [*args, "55"])
    assert at_most.exit_code == 0, at_most.output
    with pytest.raises(InvalidRequest, match="A03"):
        adjust_score(load_campaign(sample), "80", "A03", 500.0, "x", "y")  # within the old bound, ten times the points
    with Store(sample) as store:
        assert [(m, i, p) for m, i, p, *_ in store.adjustments()] == [("80", "A03", 55.0)]


def test_tie_break_chain_is_validated(sample: Path) -> None:
    """An unknown tie-break or section in campaign.yaml is a located definitions problem."""
    edit(sample / "campaign.yaml", 'tie_break: ["section:A", "above_plan", "peer"]', 'tie_break: ["section:Z", "luck"]')
    result = CliRunner().invoke(main, ["check", str(sample)])
    assert result.exit_code == 1
    assert "ranking.tie_break[0]: no section 'Z'" in result.output and "unknown tie-break 'luck'" in result.output
