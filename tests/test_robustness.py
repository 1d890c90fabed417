"""How solid the ranking is: margins and the smallest flip at each boundary, rank intervals, outliers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from emuxl.cli import main
from emuxl.definitions import Campaign, Robustness, load_campaign
from emuxl.ranking import Ranking, rank
from emuxl.results import compute
from emuxl.review import adjust_score
from emuxl.robustness import assess
from emuxl.scoring import Adjustment, score

SMALL = Path(__file__).parent / "data" / "small"


def above(ranking: Ranking, a: str, b: str) -> bool:
    """Whether member a ranks strictly above member b."""
    return ranking.of(a).rank < ranking.of(b).rank


def test_smallest_flip_flips_the_boundary_and_a_change_just_below_does_not(demo_2023: Path) -> None:
    """Each boundary's smallest change, applied as an adjustment and re-ranked, flips it; one step less does not."""
    campaign = load_campaign(demo_2023)
    results = compute(campaign)
    step = 10.0**-campaign.ranking.decimals
    bounds = [b for b in results.robustness.boundaries if b.flip is not None]
    assert {b.kind for b in bounds} == {"first", "flag", "merit"}
    for b in bounds:
        flip = b.flip
        assert flip is not None
        inside, outside = b.inside.member, b.outside.member
        assert above(results.ranking, inside, outside)
        assert b.margin == pytest.approx(round(b.inside.shown - b.outside.shown, 2))
        assert abs(flip.change) >= b.margin - 1e-9
        adjust_score(campaign, flip.member, flip.indicator, flip.becomes, "thử độ tin cậy", "kiểm thử")
        assert above(compute(campaign).ranking, outside, inside), b.sentence
        less = flip.becomes - (step if flip.change > 0 else -step)
        adjust_score(campaign, flip.member, flip.indicator, less, "thử độ tin cậy", "kiểm thử")
        assert above(compute(campaign).ranking, inside, outside), b.sentence
        adjust_score(campaign, flip.member, flip.indicator, None, "rút điều chỉnh", "kiểm thử")


def test_rank_intervals_are_reproducible_with_the_seed(demo_2023: Path) -> None:
    """The same seed gives the same intervals and award shares; another seed gives other draws."""
    campaign = load_campaign(demo_2023)
    results = compute(campaign)
    first = assess(campaign, results.cards, results.ranking).intervals
    again = assess(campaign, results.cards, results.ranking).intervals
    assert first == again
    other = campaign.model_copy(update={"robustness": Robustness(seed=2)})
    shares = [(i.flag_share, i.merit_share) for i in assess(other, results.cards, results.ranking).intervals]
    assert shares != [(i.flag_share, i.merit_share) for i in first]
    each = campaign.model_copy(update={"robustness": Robustness(spread="member", draws=200, seed=7)})
    assert (
        assess(each, results.cards, results.ranking).intervals == assess(each, results.cards, results.ranking).intervals
    )
    for i in first:
        assert i.low <= i.rank <= i.high or i.low <= i.high
        assert 0 <= i.flag_share <= 1 and 0 <= i.merit_share <= 1


def test_members_close_to_a_boundary_are_flagged_and_distant_ones_are_not(demo_2023: Path) -> None:
    """Bring the first member outside the Merits within 0,1 point of the last Merit: both intervals cross it."""
    campaign = load_campaign(demo_2023)
    results = compute(campaign)
    merit = next(b for b in results.robustness.boundaries if b.kind == "merit")
    card = results.cards[merit.outside.member]
    ind = max(
        (i for i in campaign.catalogue.indicators if i.spec.role == "base"),
        key=lambda i: i.max_points - card.cells[i.code].points,
    )
    closer = card.cells[ind.code].points + merit.margin - 0.1
    adjust_score(campaign, merit.outside.member, ind.code, closer, "thử độ tin cậy", "kiểm thử")
    robust = compute(campaign).robustness
    flagged = {i.member: i for i in robust.flagged}
    assert {merit.inside.member, merit.outside.member} <= set(flagged)
    assert "merit" in flagged[merit.outside.member].crosses
    last = robust.intervals[-1]
    assert last.member not in flagged and last.high == len(campaign.members)


def _small(tmp_path: Path) -> Campaign:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    return load_campaign(folder)


def test_a_member_resting_on_one_indicator_is_an_outlier(tmp_path: Path) -> None:
    """A lead that comes from one indicator is flagged, with the rank the member would have without it."""
    campaign = _small(tmp_path)
    same = {
        "A1": {"plan": 100.0, "actual": 100.0},
        "A2": {"plan": 7.0, "actual": 7.0},
        "A3": {"rank": 30.0},
        "B1": {"cases": 5.0, "cases_previous": 6.0, "deaths": 1.0, "deaths_previous": 1.0}
        | {"injuries": 3.0, "injuries_previous": 2.0},
        "B2": {"level": "Hoàn thành nhiệm vụ"},
        "C1": {"count": 0.0},
        "C2": {"count": 0.0},
    }
    inputs = {c: same for c in campaign.member_codes}
    cards = score(campaign, inputs, {})
    lifted = [
        Adjustment("01", "A1", cards["01"].cells["A1"].points + 10, "số liệu bổ sung", "Cụm trưởng"),
        Adjustment("02", "B2", cards["02"].cells["B2"].points + 3, "xếp loại lại", "Cụm trưởng"),
    ]
    cards = score(campaign, inputs, {}, lifted)
    ranking = rank(campaign, cards)
    found = {o.member: o for o in assess(campaign, cards, ranking).outliers}
    one = found["01"]
    assert (one.indicator, one.above, one.share, one.rank, one.rank_without) == ("A1", True, 1.0, 1, 2)
    assert one.sentence == (
        "100% khoảng cách trên mức bình quân Cụm của Đơn vị Một đến từ tiêu chí A1; "
        "không tính tiêu chí này thì xếp thứ 2 (nay thứ 1)"
    )


def test_robustness_in_rank_json_and_the_sheet_prints(demo_2023: Path) -> None:
    """rank --json has the robustness object; ranking.xlsx has «Độ tin cậy», on A4 landscape, fitted to the width."""
    result = CliRunner().invoke(main, ["rank", str(demo_2023), "--json"])
    assert result.exit_code == 0, result.output
    robust = json.loads(result.output)["robustness"]
    assert robust["settings"] == Robustness().model_dump()
    assert [b["kind"] for b in robust["boundaries"]] == ["first", "flag", "merit"]
    assert all(b["flip"]["change"] and b["sentence"] for b in robust["boundaries"])
    assert len(robust["intervals"]) == 12 and robust["sentence"].startswith("Vị trí dẫn đầu: ")
    flagged = [c for c, i in robust["intervals"].items() if i["flagged"]]
    assert all(robust["intervals"][c]["crosses"] for c in flagged)
    book = openpyxl.load_workbook(demo_2023 / "out" / "ranking.xlsx")
    ws = book["Độ tin cậy"]
    assert ws["A1"].value == "ĐỘ TIN CẬY CỦA KẾT QUẢ XẾP HẠNG NĂM 2023" and ws["A3"].value == robust["sentence"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert "Trang &P/&N" in ws.oddFooter.center.text
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Thay đổi nhỏ nhất làm đảo thứ tự (một tiêu chí của một đơn vị)" in texts
    assert ws.row_dimensions[3].height and ws.row_dimensions[3].height >= 4 * 16.5
