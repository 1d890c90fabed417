"""Section II, one sentence per kind of indicator, from a four-member campaign built for it (hand-checked).

The figures are chosen so every sentence can be checked by hand: the budget adds up to 4.050 of a
4.000 plan, crime falls by the seeds' 348 cases, Đồng Tháp is 7th of 63 on PAR INDEX.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from emuxl.definitions import load_campaign
from emuxl.methods import Value
from emuxl.ranking import rank
from emuxl.report import build_context
from emuxl.results import Results
from emuxl.scoring import score

CAMPAIGN = Path(__file__).parent / "data" / "sentences"
MEMBERS = ("80", "87", "89", "91")  # Long An, Đồng Tháp, An Giang, Kiên Giang


def _by_member(**columns: tuple[Value, ...]) -> dict[str, dict[str, Value]]:
    """Inputs of one indicator for the four members, one tuple per input, members in order."""
    out: dict[str, dict[str, Value]] = {m: {} for m in MEMBERS}
    for name, values in columns.items():
        for member, value in zip(MEMBERS, values, strict=True):
            if value is not None:
                out[member][name] = value
    return out


def _accidents(*members: tuple[int, int, int, int, int, int]) -> dict[str, dict[str, Value]]:
    """Cases, deaths, injuries this year and the year before, per member."""
    names = ("cases", "cases_previous", "deaths", "deaths_previous", "injuries", "injuries_previous")
    return {m: {k: float(v) for k, v in zip(names, row, strict=True)} for m, row in zip(MEMBERS, members, strict=True)}


INDICATORS: dict[str, dict[str, dict[str, Value]]] = {
    "A1": _by_member(
        plan=(1000.0,) * 4, actual=(1100.0, 1050.0, 1000.0, 900.0), previous=(1000.0, 1000.0, 900.0, 1000.0)
    ),
    "A2": _by_member(plan=(7.0,) * 4, actual=(7.5, 7.0, 6.5, 8.0), previous=(7.0, 6.5, 6.0, 7.5)),
    "A3": _by_member(plan=(500.0,) * 4, actual=(550.0, 480.0, 500.0, 510.0)),
    "A4": _by_member(plan=(2000.0,) * 4, actual=(2100.0, 2000.0, 1900.0, None), self=(20.0,) * 4),
    "A5": _by_member(actual=(300.0, 250.0, 200.0, 100.0), self=(20.0,) * 4),
    "A6": _by_member(rank=(30.0, 7.0, 34.0, 50.0)),
    "B1": _by_member(done=("Đạt",) * 4),
    "B2": _by_member(done=("Đạt", "Đạt", "Không đạt", "Đạt")),
    "B3": _by_member(
        level=(
            "Hoàn thành xuất sắc nhiệm vụ",
            "Hoàn thành xuất sắc nhiệm vụ",
            "Hoàn thành tốt nhiệm vụ",
            "Hoàn thành nhiệm vụ",
        )
    ),
    "B4": _by_member(actual=(400.0, 300.0, 250.0, 202.0), previous=(500.0, 350.0, 300.0, 350.0)),
    "B5": _by_member(actual=(3.0, 7.0, 5.0, 2.0)),
    "B6": _accidents(
        (90, 100, 40, 45, 80, 70), (60, 50, 30, 30, 50, 40), (70, 80, 20, 25, 60, 70), (40, 45, 15, 20, 30, 35)
    ),
    "B7": _by_member(count=(6.0, 4.0, 0.0, 2.0)),
    "D1": _by_member(count=(1.0, 2.0, 0.0, 0.0)),
    "D2": _by_member(count=(0.0,) * 4),
}
PEER = {"80": 30.0, "87": 28.0, "89": 27.0, "91": 25.0}  # every other member gives each the same score

SENTENCES = {
    "A1": "Thu ngân sách nhà nước toàn Cụm đạt 4.050 tỷ đồng, đạt 101,25% kế hoạch, tăng 3,85% so với năm 2016; "
    "có 3/4 tỉnh đạt và vượt kế hoạch, một số tỉnh vượt cao như: Long An (110%) và Đồng Tháp (105%).",
    "A2": "Tốc độ tăng trưởng kinh tế (GRDP) bình quân của 4 tỉnh đạt 7,25%, đạt 103,57% kế hoạch, "
    "tăng 0,5 điểm phần trăm so với năm 2016; có 3/4 tỉnh đạt và vượt kế hoạch, "
    "cao nhất là Kiên Giang (8%), Long An (7,5%) và Đồng Tháp (7%).",
    "A3": "Về kim ngạch xuất khẩu, có 3/4 tỉnh đạt và vượt kế hoạch, "
    "một số tỉnh vượt cao như: Long An (110%) và Kiên Giang (102%).",
    "A4": "Tổng vốn đầu tư toàn xã hội toàn Cụm đạt 6.000 tỷ đồng (chưa tính Kiên Giang chưa có số liệu), "
    "đạt 100% kế hoạch; có 2/4 tỉnh đạt và vượt kế hoạch, một số tỉnh vượt cao như: Long An (105%).",
    "A5": "Vốn FDI thu hút mới toàn Cụm đạt 850 triệu USD; dẫn đầu Cụm là Long An (300 triệu USD), "
    "Đồng Tháp (250 triệu USD) và An Giang (200 triệu USD).",
    "A6": "Chỉ số cải cách hành chính (PAR INDEX): có 1/4 tỉnh thuộc nhóm 20% dẫn đầu cả nước (Đồng Tháp hạng 7/63); "
    "1 tỉnh khác thuộc nhóm 50% dẫn đầu cả nước (Long An hạng 30/63).",
    "B1": "4/4 tỉnh đều đạt chuẩn phổ cập giáo dục mầm non.",
    "B2": "Có 3/4 tỉnh hoàn thành chỉ tiêu tuyển quân; riêng An Giang chưa đạt.",
    "B3": "Xếp loại phong trào văn hóa: có 2 tỉnh được xếp loại “Hoàn thành xuất sắc nhiệm vụ” (Long An và Đồng Tháp), "
    "1 tỉnh “Hoàn thành tốt nhiệm vụ” và 1 tỉnh “Hoàn thành nhiệm vụ”.",
    "B4": "Số vụ phạm pháp hình sự toàn Cụm là 1.152 vụ, giảm 348 vụ (23,2%) so với năm 2016; 4/4 tỉnh đều giảm.",
    "B5": "Số vụ cháy rừng: có 2/4 tỉnh thấp hơn chỉ tiêu 5 vụ; Đồng Tháp vượt chỉ tiêu.",
    "B6": "Tai nạn giao thông: toàn Cụm giảm 15 vụ và 15 người chết, tăng 5 người bị thương so với năm 2016; "
    "có 2/4 tỉnh giảm cả 3 mặt (số vụ, số người chết và số người bị thương) là An Giang và Kiên Giang.",
    "B7": "Mô hình điển hình tiên tiến: toàn Cụm có 12 mô hình; nhiều nhất là Long An (6 mô hình), "
    "Đồng Tháp (4 mô hình) và Kiên Giang (2 mô hình).",
    "C1": "Đánh giá chung (chấm chéo): điểm chấm chéo bình quân của 4 tỉnh là 27,5/35 điểm; "
    "được đánh giá cao nhất là Long An (30 điểm), Đồng Tháp (28 điểm) và An Giang (27 điểm).",
    "D1": "Khen thưởng đột xuất: có 2 tỉnh được cộng điểm là Đồng Tháp (+10 điểm); Long An (+5 điểm).",
    "D2": "Không ký kết giao ước thi đua: không có tỉnh nào bị trừ điểm.",
}


def sentence_results(folder: Path | None = None) -> Results:
    """The campaign scored and ranked from the hand-set inputs above."""
    campaign = load_campaign(folder or CAMPAIGN)
    inputs = {m: {code: values[m] for code, values in INDICATORS.items()} for m in MEMBERS}
    peer = {scorer: {"C1": {m: points for m, points in PEER.items() if m != scorer}} for scorer in MEMBERS}
    cards = score(campaign, inputs, peer)
    return Results(campaign, inputs, peer, cards, rank(campaign, cards))


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    """The report context of the campaign built for the sentences."""
    return build_context(sentence_results())


def _indicators(context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for s in context["sections"] for i in s["indicators"]}


@pytest.mark.parametrize("code", list(SENTENCES))
def test_sentence_of_each_kind(context: dict[str, Any], code: str) -> None:
    """Each kind of indicator is written up in one whole sentence, with the hand-checked figures."""
    assert _indicators(context)[code]["sentence"] == SENTENCES[code]


def test_every_indicator_is_written_up(context: dict[str, Any]) -> None:
    """Every indicator of the catalogue has a sentence in section II, one full stop at its end."""
    written = _indicators(context)
    campaign = load_campaign(CAMPAIGN)
    assert list(written) == [i.code for i in campaign.catalogue.indicators]
    for item in written.values():
        assert item["sentence"].endswith(".") and not item["sentence"].endswith("..")
        assert "None" not in item["sentence"] and "nan" not in item["sentence"]


def test_rate_figures_are_a_mean_in_points(context: dict[str, Any]) -> None:
    """A rate's cluster figure is the members' mean, and its change is in percentage points, not in %."""
    a2 = _indicators(context)["A2"]
    assert (a2["kind"], a2["total"], a2["change_in_points"]) == ("mean", 7.25, True)
    assert a2["change"] == pytest.approx(0.5) and a2["change_text"] == "tăng 0,5 điểm phần trăm so với năm 2016"


def test_emulation_work_has_its_own_part_when_no_section_is_about_it(context: dict[str, Any]) -> None:
    """Without a catalogue section about thi đua, section II ends with one, stating the commendation figures."""
    last = context["sections"][-1]
    assert (last["number"], last["title"], last["indicators"]) == (5, "Công tác thi đua, khen thưởng", [])
    assert last["paragraphs"][1] == (
        "Kết quả khen thưởng cấp tỉnh, Ủy ban nhân dân các tỉnh trong Cụm đã khen thưởng 1.115 Cờ thi đua và "
        "5.944 danh hiệu “Tập thể Lao động xuất sắc”; khen thưởng cấp Nhà nước, toàn Cụm có 106 Cờ thi đua của "
        "Chính phủ."
    )
    assert {"key": "report.emulation", "what": "emulation movements and commendation work (section II)"} in (
        context["blanks"]
    )


def test_emulation_work_goes_under_the_section_about_it(tmp_path: Path) -> None:
    """A section titled about thi đua, khen thưởng carries the emulation text and figures; none is added."""
    folder = tmp_path / "c"
    shutil.copytree(CAMPAIGN, folder)
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"Đánh giá chung"', '"Công tác thi đua"'), "utf-8")
    sections = build_context(sentence_results(folder))["sections"]
    assert [s["code"] for s in sections] == ["A", "B", "C", "D"]
    assert sections[2]["paragraphs"][1].startswith("Kết quả khen thưởng cấp tỉnh")
    assert all(not s["paragraphs"] for s in sections if s["code"] != "C")
