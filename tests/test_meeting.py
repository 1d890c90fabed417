"""The meeting's decisions: votes on ties, final award lists with their reasons, next chair and deputies."""

from __future__ import annotations

import copy
import io
import json
import random
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from conftest import edit
from docx import Document

from emuxl import resources
from emuxl.cli import main
from emuxl.definitions import Campaign, Decisions, FinalAwards, Vote, load_campaign
from emuxl.demo import plausible_values
from emuxl.errors import DecisionsError
from emuxl.forms import member_form, peer_form
from emuxl.intake import collect
from emuxl.ranking import FLAG, MERIT, Ranking, rank
from emuxl.report import build_context, render_reports
from emuxl.results import Results, compute
from emuxl.review import adjust_score
from emuxl.scoring import Adjustment, Inputs, PeerScores, score
from emuxl.workbook import ranking_workbook

Tie = tuple[Inputs, PeerScores, list[Adjustment], tuple[str, str, str]]


def constructed_tie(campaign: Campaign, seed: int = 5) -> Tie:
    """Plausible returns where z leads and x and y are equal on the total and every tie-break at rank 2."""
    codes = campaign.member_codes
    rng = random.Random(seed)
    inputs = {c: plausible_values(campaign, rng) for c in codes}
    peer = {  # every member gives everyone else the same peer score: no tie-break on it
        s: {i.code: {m: 30.0 for m in codes if m != s} for i in campaign.catalogue.peer_indicators} for s in codes
    }
    cards = score(campaign, inputs, peer)
    x = max(codes, key=lambda c: cards[c].total)
    y, z = [c for c in codes if c != x][:2]
    inputs[y], inputs[z] = copy.deepcopy(inputs[x]), copy.deepcopy(inputs[x])
    cards = score(campaign, inputs, peer)
    room = next(
        i
        for i in campaign.catalogue.indicators
        if i.spec.role == "base" and i.max_points - cards[z].cells[i.code].points >= 5
    )
    lead = Adjustment(z, room.code, cards[z].cells[room.code].points + 5, "số liệu thống kê chính thức", "Cụm trưởng")
    return inputs, peer, [lead], (z, x, y)


def ranked(campaign: Campaign, tie: Tie) -> Ranking:
    """The ranking of the constructed returns."""
    inputs, peer, adjustments, _ = tie
    return rank(campaign, score(campaign, inputs, peer, adjustments))


def with_decisions(campaign: Campaign, **decided: object) -> Campaign:
    """The campaign with these decisions recorded."""
    return campaign.model_copy(update={"decisions": Decisions.model_validate(decided)})


def write_returns(campaign: Campaign, tie: Tie) -> None:
    """The constructed returns as real forms, collected into the campaign's store, and the adjustment recorded."""
    inputs, peer, adjustments, _ = tie
    inbox = campaign.folder / "inbox"
    inbox.mkdir(exist_ok=True)
    for member in campaign.members:
        (inbox / f"{member.slug}.xlsx").write_bytes(member_form(campaign, member, inputs[member.code]))
        (inbox / f"{member.slug}-cc.xlsx").write_bytes(peer_form(campaign, member, peer[member.code]))
    for _ in collect(campaign, [inbox], jobs=2):
        pass
    for a in adjustments:
        adjust_score(campaign, a.member, a.indicator, a.points, a.reason, a.author)


@pytest.fixture(scope="module")
def tied_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2023 sample with the constructed tie collected from real forms (copy it before changing it)."""
    folder = tmp_path_factory.mktemp("tie") / "tnb-2023"
    resources.copy_sample("tay-nam-bo-2023", folder)
    campaign = load_campaign(folder)
    write_returns(campaign, constructed_tie(campaign))
    return folder


@pytest.fixture
def tied(tied_folder: Path, tmp_path: Path) -> Path:
    """A copy of the folder with the constructed tie."""
    return Path(shutil.copytree(tied_folder, tmp_path / "tnb-2023"))


def append_yaml(folder: Path, text: str) -> None:
    """Add keys at the end of campaign.yaml."""
    with (folder / "campaign.yaml").open("a", encoding="utf-8") as f:
        f.write(text)


# ------------------------------------------------------------------ votes


def test_tie_at_last_flag_place_keeps_both_as_merit_candidates(sample: Path) -> None:
    """Before the vote, the two tied for the last Flag wait for it, and a Merit is kept for the one not chosen."""
    campaign = load_campaign(sample)
    tie = constructed_tie(campaign)
    z, x, y = tie[3]
    ranking = ranked(campaign, tie)
    assert ranking.of(z).award == FLAG and ranking.of(z).rank == 1
    for code in (x, y):
        s = ranking.of(code)
        assert (s.rank, s.award, s.vote, s.pending) == (2, None, True, [FLAG, MERIT])
        assert s.eligible and not s.flag_reasons
        assert "nếu không được chọn, đề nghị Bằng khen" in s.justification
    fourth = ranking.standings[3]
    assert fourth.rank == 4 and ranking.proposed == {FLAG: [z], MERIT: [fourth.member]}  # not ranks 4 and 5
    assert len(ranking.pending) == 1 and "vẫn được đề nghị Bằng khen" in ranking.notes[0]


def test_recorded_vote_gives_the_flag_to_the_winner_and_a_merit_to_the_other(sample: Path) -> None:
    """After the vote the winner has the Flag, the other a Merit within the quota, both marked decided."""
    campaign = load_campaign(sample)
    tie = constructed_tie(campaign)
    z, x, y = tie[3]
    voted = with_decisions(campaign, votes=[{"members": [x, y], "order": [y, x], "note": "biểu quyết 9/12"}])
    ranking = ranked(voted, tie)
    fourth = ranking.standings[3]
    assert [(s.member, s.rank, s.award) for s in ranking.standings[:4]] == [
        (z, 1, FLAG),
        (y, 2, FLAG),
        (x, 3, MERIT),
        (fourth.member, 4, MERIT),
    ]
    assert ranking.of(x).decided and ranking.of(y).decided and not ranking.of(z).decided
    assert not ranking.pending and not ranking.notes
    assert "Hội nghị quyết định (biểu quyết 9/12)" in ranking.votes[0].sentence
    assert len(ranking.proposed[MERIT]) == ranking.merit_quota


def test_vote_naming_members_that_are_not_tied_is_refused(sample: Path) -> None:
    """A vote on members at different ranks is refused, naming the key, the members and the ties there are."""
    campaign = load_campaign(sample)
    tie = constructed_tie(campaign)
    z, x, y = tie[3]
    with pytest.raises(DecisionsError) as refused:
        ranked(with_decisions(campaign, votes=[{"members": [z, x], "order": [x, z]}]), tie)
    message = str(refused.value)
    assert "decisions.votes[0].members: these members are not tied" in message
    assert re.search(rf"Ties a vote can settle now: rank 2: ({x}, {y}|{y}, {x})\.", message)


def test_vote_must_name_the_whole_tie(sample: Path) -> None:
    """Three members tied: a vote naming two of them is refused, listing all three."""
    campaign = load_campaign(sample)
    inputs, peer, adjustments, (z, x, y) = constructed_tie(campaign)
    w = next(c for c in campaign.member_codes if c not in (x, y, z))
    inputs[w] = copy.deepcopy(inputs[x])
    tie = (inputs, peer, adjustments, (z, x, y))
    with pytest.raises(DecisionsError, match=r"the tie at rank 2 is between .*the vote must name all of them"):
        ranked(with_decisions(campaign, votes=[{"members": [x, y], "order": [x, y]}]), tie)


def test_rank_refuses_a_vote_on_members_not_tied_with_exit_1(tied: Path) -> None:
    """emuxl rank with a recorded vote on members that are not tied exits 1 with the file, line and key."""
    campaign = load_campaign(tied)
    first, second = campaign.member_codes[:2]
    ranking = compute(campaign).ranking
    a, b = ranking.standings[0].member, ranking.standings[-1].member
    append_yaml(tied, f'decisions:\n  votes:\n    - {{members: ["{a}", "{b}"], order: ["{b}", "{a}"]}}\n')
    result = CliRunner().invoke(main, ["rank", str(tied), "--json"])
    assert result.exit_code == 1, result.output
    line = (tied / "campaign.yaml").read_text(encoding="utf-8").splitlines().index("  votes:") + 2
    assert f"campaign.yaml:{line}: decisions.votes[0].members: these members are not tied" in result.output
    assert "Fix decisions in campaign.yaml" in result.output and first and second


def test_rank_json_marks_what_the_meeting_decided(tied: Path) -> None:
    """rank --json: decided is true for the members the vote placed, false for the others; the vote is listed."""
    campaign = load_campaign(tied)
    before = json.loads(CliRunner().invoke(main, ["rank", str(tied), "--json"]).output)
    waiting = [m["code"] for m in before["members"] if m["pending"]]
    assert len(waiting) == 2 and not any(m["decided"] for m in before["members"])
    assert before["proposed"]["flag"] == before["proposed_by_score"]["flag"] and len(before["proposed"]["flag"]) == 1
    a, b = waiting
    append_yaml(tied, f'decisions:\n  votes:\n    - {{members: ["{a}", "{b}"], order: ["{b}", "{a}"], note: "9/12"}}\n')
    result = CliRunner().invoke(main, ["rank", str(tied), "--json"])
    assert result.exit_code == 0, result.output
    after = json.loads(result.output)
    decided = {m["code"]: m["decided"] for m in after["members"]}
    assert decided == {c: c in (a, b) for c in campaign.member_codes}
    award = {m["code"]: m["award"] for m in after["members"]}
    assert (award[b], award[a]) == (FLAG, MERIT)
    assert after["votes"][0]["order"] == [b, a] and not after["pending_votes"]


# ------------------------------------------------------------------ what the documents say


def test_workbook_and_proposal_say_the_one_not_chosen_stays_a_merit_candidate(sample: Path, tmp_path: Path) -> None:
    """Before the vote: «Chờ biểu quyết» in the ranking workbook, and the proposal lists the pending places."""
    campaign = load_campaign(sample)
    tie = constructed_tie(campaign)
    inputs, peer, adjustments, (_z, x, y) = tie
    cards = score(campaign, inputs, peer, adjustments)
    results = Results(campaign, inputs, peer, cards, rank(campaign, cards))
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(results).data), read_only=True)
    texts = [str(c) for row in book["Tổng hợp"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    waiting = "Chờ biểu quyết: Cờ thi đua của Chính phủ; không được chọn: Bằng khen của Thủ tướng Chính phủ"
    assert texts.count(waiting) == 2
    assert any(t.startswith("Chờ biểu quyết: ") and "vẫn được đề nghị Bằng khen" in t for t in texts)
    context = build_context(results)
    names = {m.code: m.name for m in campaign.members}
    pending = [p for p in context["proposals"]["merit"] if p["pending"]]
    assert len(pending) == 1 and names[x] in pending[0]["name"] and names[y] in pending[0]["name"]
    template = next(p for p in resources.bundled_templates() if p.name == "to-trinh-khen-thuong.docx")
    [done] = render_reports(results, [template], tmp_path / "to-trinh.docx")
    text = "\n".join(p.text for p in Document(str(done.docx)).paragraphs)
    either = (f"{names[x]} hoặc {names[y]}", f"{names[y]} hoặc {names[x]}")
    assert any(f"- {e}: Đồng hạng 2: Hội nghị biểu quyết chọn 1 đơn vị" in text for e in either)
    assert "- Đơn vị không được chọn Cờ thi đua trong số " in text


def test_final_award_lists_are_taken_with_each_departure_and_its_reason(sample: Path) -> None:
    """The meeting's lists replace the proposal; each departure carries its reason into the workbook and minutes."""
    campaign = load_campaign(sample)
    tie = constructed_tie(campaign)
    z, x, y = tie[3]
    by_score = ranked(campaign, tie)
    fourth, fifth = by_score.standings[3].member, by_score.standings[4].member
    reason = "tỉnh có thành tích đột xuất trong phòng, chống thiên tai"
    final = with_decisions(
        campaign,
        votes=[{"members": [x, y], "order": [x, y]}],
        awards={"flag": [z, x], "merit": [y, fifth], "reason": reason},
    )
    inputs, peer, adjustments, _ = tie
    cards = score(final, inputs, peer, adjustments)
    results = Results(final, inputs, peer, cards, rank(final, cards))
    ranking = results.ranking
    assert ranking.proposed == {FLAG: [z, x], MERIT: [y, fifth]}
    assert ranking.proposed_by_score[MERIT] == [y, fourth]
    departures = {(d.member, d.proposed, d.final) for d in ranking.departures}
    assert departures == {(fourth, MERIT, None), (fifth, None, MERIT)}
    assert ranking.of(fifth).decided and reason in ranking.of(fifth).justification
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(results).data), read_only=True)
    texts = [c for row in book["Tổng hợp"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "QUYẾT ĐỊNH CỦA HỘI NGHỊ BÌNH XÉT, SUY TÔN" in texts
    assert sum(1 for t in texts if t.startswith("Thay đổi so với đề xuất: ") and reason in t) == 2
    context = build_context(results)
    assert all(reason in d["sentence"] for d in context["departures"]) and len(context["departures"]) == 2
    assert reason in context["proposal_sentence"]  # the minutes and the report print it
    assert any("Hội nghị quyết định" in n for n in context["notes"])  # the vote, in the minutes' notes


def test_departing_from_the_proposal_needs_a_reason(sample: Path) -> None:
    """Final lists that differ from the proposal without a reason are refused at decisions.awards.reason."""
    campaign = load_campaign(sample)
    tie = constructed_tie(campaign)
    z, x, y = tie[3]
    fifth = ranked(campaign, tie).standings[4].member
    no_reason = with_decisions(campaign, awards={"flag": [z, x], "merit": [y, fifth]})
    with pytest.raises(DecisionsError, match=r"decisions.awards.reason: the final lists depart from the proposal"):
        ranked(no_reason, tie)
    over = with_decisions(campaign, awards={"flag": [z, x, y], "reason": "x"})
    with pytest.raises(DecisionsError, match=r"decisions.awards.flag: 3 members for 2 Cờ thi đua"):
        ranked(over, tie)


def test_next_chair_and_deputies_as_elected(tmp_path: Path) -> None:
    """Red River Delta 2024: Nam Định chair, Hải Dương and Ninh Bình deputies, as the meeting elected them."""
    folder = tmp_path / "dbsh-2023"
    resources.copy_sample("tay-nam-bo-2023", folder)
    members = [
        ("26", "Vĩnh Phúc"),
        ("27", "Bắc Ninh"),
        ("22", "Quảng Ninh"),
        ("30", "Hải Dương"),
        ("33", "Hưng Yên"),
        ("34", "Thái Bình"),
        ("35", "Hà Nam"),
        ("36", "Nam Định"),
        ("37", "Ninh Bình"),
    ]
    data = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    data.update(
        cluster="Cụm thi đua các tỉnh đồng bằng sông Hồng",
        members=[{"code": c, "name": n} for c, n in members],
        chair="34",
        deputies=["36"],
        decisions={"next_chair": "36", "next_deputies": ["30", "37"]},
    )
    data.get("report", {}).pop("meeting", None)  # the sample's meeting names Tây Nam Bộ's delegates
    (folder / "campaign.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    campaign = load_campaign(folder)
    ranking = rank(campaign, score(campaign, {}, {}))
    assert (ranking.next_chair, ranking.next_deputies, ranking.rotation_decided) == ("36", ["30", "37"], True)
    context = build_context(Results(campaign, {}, {}, score(campaign, {}, {}), ranking))
    sentence = context["rotation_sentence"]
    assert "suy tôn tỉnh Nam Định làm Cụm trưởng, tỉnh Hải Dương và tỉnh Ninh Bình làm Cụm phó" in sentence
    assert sentence.endswith("năm 2024.")


def test_check_locates_mistakes_in_decisions(sample: Path) -> None:
    """emuxl check: an unknown member, an order that is not the vote's members, a member in both lists; each located."""
    append_yaml(
        sample,
        "decisions:\n"
        "  votes:\n"
        '    - {members: ["84", "99"], order: ["84", "86"]}\n'
        "  awards:\n"
        '    flag: ["96", "94"]\n'
        '    merit: ["94"]\n'
        '  next_chair: "95"\n'
        '  next_deputies: ["95"]\n',
    )
    result = CliRunner().invoke(main, ["check", str(sample)])
    assert result.exit_code == 1
    lines = (sample / "campaign.yaml").read_text(encoding="utf-8").splitlines()
    at = lines.index("decisions:") + 1
    out = result.output
    assert f"campaign.yaml:{at + 2}: decisions.votes[0].members[1]: voted member '99' is not a member" in out
    assert f"campaign.yaml:{at + 2}: decisions.votes[0].order: order must list exactly the members" in out
    assert "decisions.awards.merit: '94' is in both flag and merit" in out
    assert "decisions.next_deputies: '95' is the next chair" in out


def test_decisions_file_round_trip(sample: Path) -> None:
    """The decisions block in campaign.yaml loads into the typed model, with every key optional."""
    edit(sample / "campaign.yaml", "ranking:\n", 'decisions:\n  next_chair: "95"\nranking:\n')
    campaign = load_campaign(sample)
    assert campaign.decisions == Decisions(next_chair="95")
    assert Decisions().votes == [] and FinalAwards().flag is None
    assert Vote(members=["a", "b"], order=["b", "a"]).note == ""


def test_a_vote_that_no_longer_fits_stops_rank_but_never_collect(sample: Path) -> None:
    """A recorded vote on members that are not tied: rank refuses with the reason; collect still takes files in."""
    from click.testing import CliRunner

    from emuxl.cli import main
    from emuxl.demo import write_demo_returns

    with (sample / "campaign.yaml").open("a", encoding="utf-8") as f:
        f.write('decisions:\n  votes:\n    - {members: ["80", "82"], order: ["82", "80"]}\n')
    write_demo_returns(load_campaign(sample))
    runner = CliRunner()
    collected = runner.invoke(main, ["collect", str(sample)])
    assert collected.exit_code in (0, 1) and "Traceback" not in collected.output, collected.output
    assert (sample / "out" / "feedback" / "80-long-an.xlsx").is_file()
    ranked = runner.invoke(main, ["rank", str(sample)])
    assert ranked.exit_code == 1 and "decisions" in ranked.output, ranked.output
