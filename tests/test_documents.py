"""What the proposal and the minutes say, the legal basis by date, formal names, and what is left blank."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_golden import docx_lines
from test_sentences import CAMPAIGN, INDICATORS, MEMBERS, PEER, sentence_results

from emuxl.cli import main
from emuxl.definitions import load_campaign
from emuxl.errors import DefinitionsError
from emuxl.ranking import rank
from emuxl.report import build_context, render_reports, template_paths
from emuxl.report.parts import formal_name, legal_basis, recipients
from emuxl.results import Results
from emuxl.scoring import score


@pytest.mark.parametrize(
    ("day", "first", "second"),
    [
        (
            date(2023, 12, 31),
            "Luật Thi đua, khen thưởng năm 2003 (sửa đổi, bổ sung năm 2005, năm 2013)",
            "91/2017/NĐ-CP",
        ),
        (date(2024, 1, 1), "Luật Thi đua, khen thưởng số 06/2022/QH15", "98/2023/NĐ-CP"),
        (date(2025, 6, 30), "Luật Thi đua, khen thưởng số 06/2022/QH15", "98/2023/NĐ-CP"),
        (date(2025, 7, 1), "Luật Thi đua, khen thưởng số 06/2022/QH15", "152/2025/NĐ-CP"),
    ],
)
def test_legal_basis_is_the_one_in_force_on_the_documents_date(day: date, first: str, second: str) -> None:
    """The căn cứ lines follow the document's date: the 2003 law before 2024, decree 98 until 06/2025, then 152."""
    lines = legal_basis(day)
    assert lines[0] == first and f"Nghị định số {second}" in lines[1]
    assert any("15/2025/TT-BNV" in line for line in lines) == (day >= date(2025, 7, 1))


def test_legal_basis_can_be_overridden(tmp_path: Path) -> None:
    """report.legal_basis replaces the lines chosen by date; the covenant line still ends them."""
    folder = tmp_path / "c"
    shutil.copytree(CAMPAIGN, folder)
    with (folder / "campaign.yaml").open("a", encoding="utf-8") as f:
        f.write('  legal_basis: ["Quy chế hoạt động của Cụm"]\n')
    context = build_context(sentence_results(folder))
    assert context["legal_basis"] == [
        "Quy chế hoạt động của Cụm",
        "Giao ước thi đua năm 2017 của Cụm thi đua thử câu chữ",
    ]


@pytest.mark.parametrize(
    ("name", "noun", "formal"),
    [
        ("Trà Vinh", "tỉnh", "Ủy ban nhân dân tỉnh Trà Vinh"),
        ("Cần Thơ", "tỉnh, thành phố", "Ủy ban nhân dân thành phố Cần Thơ"),
        ("Vĩnh Long", "tỉnh, thành phố", "Ủy ban nhân dân tỉnh Vĩnh Long"),
        ("Tân Phú Đông", "xã", "Ủy ban nhân dân xã Tân Phú Đông"),
        ("Phường 3", "phường", "Ủy ban nhân dân phường 3"),
        ("Sở Tài chính", "đơn vị", "Sở Tài chính"),
    ],
)
def test_formal_names_come_from_the_member_noun(name: str, noun: str, formal: str) -> None:
    """A proposal names the body: «Ủy ban nhân dân tỉnh Trà Vinh», a city as «thành phố», a department as itself."""
    assert formal_name(name, noun) == formal


def test_like_above_only_where_there_is_a_kinh_gui() -> None:
    """«Như trên» opens the Nơi nhận of an addressed document and is dropped from one without Kính gửi; Lưu ends."""
    assert recipients(["Như trên", "Sở Nội vụ"], [], addressed=False) == ["Sở Nội vụ", "Lưu: VT"]
    assert recipients(None, ["Các tỉnh trong Cụm", "Lưu: VT, TĐKT"], addressed=True) == [
        "Như trên",
        "Các tỉnh trong Cụm",
        "Lưu: VT, TĐKT",
    ]


def test_proposal_names_only_the_proposed_with_their_justification(sample: Path) -> None:
    """The proposal lists proposed members by formal name with rank, total and what they led, and nobody else."""
    from test_golden_reports import sample_results

    results = sample_results(sample.parent / "fixed")
    done = render_reports(results, template_paths(results.campaign), today=date(2024, 3, 27))
    lines = docx_lines(next(d.docx for d in done if d.docx.stem == "to-trinh-khen-thuong"))
    text = "\n".join(lines)
    proposed = {s.name for s in results.ranking.standings if s.award}
    chair = results.campaign.member(results.campaign.chair).name  # the issuer: named as the one who submits
    for s in results.ranking.standings:
        if s.name in proposed:
            assert f"- Ủy ban nhân dân tỉnh {s.name}: " in text
        elif s.name != chair:
            assert s.name not in text, f"{s.name} is not proposed but named"
    assert (
        "- Ủy ban nhân dân tỉnh Cà Mau: dẫn đầu Cụm thi đua các tỉnh Tây Nam Bộ năm 2023 với tổng số 882,02 điểm"
        in text
    )
    assert "đủ điều kiện" not in text and "không đề nghị" not in text
    assert lines[-1].startswith("Nơi nhận: / - Như trên; / ")


def test_minutes_name_who_chaired_who_took_them_and_who_attended(sample: Path) -> None:
    """The minutes give time, place, chair, secretary, attendees by member (not the chair) and names to sign."""
    from test_golden_reports import sample_results

    results = sample_results(sample.parent / "fixed")
    minutes = build_context(results)["minutes"]
    assert minutes["opening"].startswith("Vào lúc 08 giờ 00 phút, ngày 12 tháng 01 năm 2024, tại Hội trường")
    assert minutes["chaired_by"].startswith("Nguyễn Văn A, Phó Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng")
    assert minutes["secretary"].startswith("Trần Thị B, ")
    assert all("Nguyễn Văn A" not in a["people"] for a in minutes["attendees"])
    assert len(minutes["attendees"]) == 12  # Sóc Trăng sent someone besides the chair
    assert (minutes["secretary_name"], minutes["chair_name"]) == ("Trần Thị B", "Nguyễn Văn A")
    assert minutes["closing"].startswith("Cuộc họp kết thúc vào lúc 11 giờ 30 phút cùng ngày.")


def tied_results() -> Results:
    """Long An and Đồng Tháp with the same returns and peer scores: tied for the one Flag."""
    campaign = load_campaign(CAMPAIGN)
    inputs = {m: {code: dict(values[m]) for code, values in INDICATORS.items()} for m in MEMBERS}
    inputs["87"] = {code: dict(v) for code, v in inputs["80"].items()}
    peer_given = dict(PEER, **{"87": PEER["80"]})
    peer = {s: {"C1": {m: p for m, p in peer_given.items() if m != s}} for s in MEMBERS}
    cards = score(campaign, inputs, peer)
    return Results(campaign, inputs, peer, cards, rank(campaign, cards))


def test_a_tie_for_an_award_goes_to_a_vote_in_the_minutes_and_a_blank_in_the_proposal() -> None:
    """A tie across the Flag quota: the minutes list the vote, its result to fill in; the proposal names the place
    still to be voted on («Long An hoặc Đồng Tháp»), marked pending."""
    context = build_context(tied_results())
    (vote,) = context["minutes"]["votes"]
    assert "Long An" in vote["question"] and "Đồng Tháp" in vote["question"] and "Cờ thi đua" in vote["question"]
    assert vote["result"] == "" and set(vote["result_text"]) == {"…"}
    place = context["proposals"]["flag"][0]
    assert place["pending"] and {"Long An", "Đồng Tháp"} <= set(place["formal_name"].split(" hoặc "))
    assert "biểu quyết" in context["minutes"]["conclusions"][1]
    assert any(b["key"] == "decisions.votes" for b in context["blanks"])


def test_without_meeting_keys_the_minutes_leave_dotted_lines_and_check_lists_them(tmp_path: Path) -> None:
    """No report.meeting: time, place, chair and secretary are dotted lines, listed by report --check (exit 0)."""
    context = build_context(sentence_results())
    assert context["minutes"]["opening"].startswith("Vào lúc … giờ … phút, ngày … tháng … năm …, tại ………")
    keys = {b["key"] for b in context["blanks"]}
    assert {"report.meeting.place", "report.meeting.chaired_by.name", "report.meeting.attendees"} <= keys
    assert {"report.signatory.name", "report.situation", "report.number"} <= keys
    folder = tmp_path / "c"
    shutil.copytree(CAMPAIGN, folder)
    result = CliRunner().invoke(main, ["report", str(folder), "--check"])
    assert result.exit_code == 0, result.output
    assert "Blank: report.meeting.place: meeting place" in result.output
    assert f"0 problem(s), {len(keys)} blank(s) left as dotted lines." in result.output


def test_an_attendee_must_be_a_member(tmp_path: Path) -> None:
    """report.meeting.attendees naming an unknown member is refused by check, with the key path and the members."""
    folder = tmp_path / "c"
    shutil.copytree(CAMPAIGN, folder)
    with (folder / "campaign.yaml").open("a", encoding="utf-8") as f:
        f.write('  meeting:\n    attendees: [{member: "99", name: "Lê Văn C", title: "Phó Chủ tịch"}]\n')
    with pytest.raises(DefinitionsError) as err:
        load_campaign(folder)
    assert "report.meeting.attendees[0].member" in str(err.value) and "'99' is not a member" in str(err.value)
