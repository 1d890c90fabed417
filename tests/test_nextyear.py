"""emuxl next-year: next year's campaign from this one, into a new folder or into the 2025 membership."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import edit

from emuxl import resources
from emuxl.cli import main
from emuxl.definitions import Campaign, load_campaign
from emuxl.forms import CARRIED_COLOUR, form_path
from emuxl.intake import collect
from emuxl.layout import KIND_MEMBER, input_name
from emuxl.nextyear import set_keys, start_next_year
from emuxl.results import compute
from emuxl.store import Store


def invoke(*args: str | Path) -> str:
    """Run emuxl with these arguments; fail unless it exits 0; its output."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def by_name(path: Path, name: str) -> openpyxl.cell.Cell:
    """The cell a workbook-level defined name points to."""
    book = openpyxl.load_workbook(path)
    sheet, ref = next(book.defined_names[name].destinations)
    return book[sheet][ref.replace("$", "")]


def actuals(old: Path) -> dict[str, dict[str, dict[str, float | str | None]]]:
    """member -> indicator -> field -> value that counts in OLD's store."""
    with Store(old) as store:
        return store.counted_values(KIND_MEMBER)


def carried_inputs(campaign: Campaign) -> list[tuple[str, str, str]]:
    """(indicator, input, the input last year's value comes from) for every carried input of the catalogue."""
    return [
        (i.code, inp.name, inp.carried_from)
        for i in campaign.catalogue.indicators
        for inp in i.inputs
        if inp.carried_from
    ]


def test_next_year_into_a_new_folder_prefills_last_years_actuals(demo_2023: Path, tmp_path: Path) -> None:
    """From the 2023 demo into a new folder: the new forms carry last year's actuals in their previous inputs."""
    new = tmp_path / "tnb-2024"
    out = invoke("next-year", demo_2023, new)
    assert "created" in out and "Pre-filled" in out
    campaign = load_campaign(new)
    old = load_campaign(demo_2023)
    decided = compute(old).ranking
    assert (campaign.year, campaign.chair, campaign.deputies) == (2024, decided.next_chair, decided.next_deputies)
    assert campaign.member_codes == old.member_codes and campaign.previous == "../tnb-2023"
    assert (new / "indicators.yaml").read_bytes() == (demo_2023 / "indicators.yaml").read_bytes()
    assert campaign.decisions.votes == [] and campaign.report.number == "      /BC-UBND"
    invoke("forms", new, "--jobs", "1")
    last = actuals(demo_2023)
    checked = 0
    for member in campaign.members:
        path = form_path(campaign, member)
        for indicator, name, source in carried_inputs(campaign):
            cell = by_name(path, input_name(indicator, name))
            value = last.get(member.code, {}).get(indicator, {}).get(source)
            if isinstance(value, float):
                assert cell.value == pytest.approx(value), (member.code, indicator, name)
                assert cell.fill.fgColor.rgb.endswith(CARRIED_COLOUR[1:]) and cell.protection.locked is False
                assert f"năm 2023 của {member.name}" in cell.comment.text
                checked += 1
            else:
                assert cell.value is None and "không có số liệu" in cell.comment.text
    assert checked > 12 * 20


def test_prefilled_form_returned_as_is_is_read_back(demo_2023: Path, tmp_path: Path) -> None:
    """A pre-filled form (with its notes) goes through intake, its previous values read like typed ones."""
    new = tmp_path / "tnb-2024"
    start_next_year(demo_2023, new)
    invoke("forms", new, "--member", "86", "--jobs", "1")
    campaign = load_campaign(new)
    inbox = new / "inbox"
    inbox.mkdir()
    shutil.copy(form_path(campaign, campaign.member("86")), inbox / "vinh-long.xlsx")
    [result] = list(collect(campaign, [inbox], jobs=1))
    assert result.member == "86" and result.status != "rejected"
    with Store(new) as store:
        values = store.counted_values(KIND_MEMBER)["86"]
    assert values["A03"]["previous"] == pytest.approx(actuals(demo_2023)["86"]["A03"]["actual"])


def test_next_year_into_the_2025_membership_sums_what_adds_up(demo_2023: Path, sample_2025: Path) -> None:
    """Into the 2025 sample: a merged member's sum indicator is its predecessors' sum; a rate is blank with a note."""
    out = invoke("next-year", demo_2023, sample_2025)
    assert "kept" in out and "merged: not additive (aggregate is not sum)" in out
    assert "merged with units outside last year's cluster (Cần Thơ (92))" in out
    campaign = load_campaign(sample_2025)
    assert campaign.members[2].name == "Vĩnh Long" and campaign.previous == f"../{demo_2023.name}"
    assert campaign.chair == "92"  # 2025 does not follow 2023: the chair decided in 2023 was for 2024
    invoke("forms", sample_2025, "--jobs", "1")
    last = actuals(demo_2023)
    vinh_long = form_path(campaign, campaign.member("86"))
    revenue = by_name(vinh_long, "v_A03_previous")  # aggregate: sum
    parts = [last[c]["A03"]["actual"] for c in ("86", "83", "84")]
    assert all(isinstance(x, float) for x in parts)
    assert revenue.value == pytest.approx(sum(parts))  # type: ignore[arg-type]
    assert "tổng số liệu thực hiện năm 2023 của Vĩnh Long" in revenue.comment.text
    rate = by_name(vinh_long, "v_A10_previous")  # a rate in %: aggregate mean
    assert rate.value is None
    assert "Bến Tre và Trà Vinh" in rate.comment.text and "không cộng được" in rate.comment.text
    can_tho = by_name(form_path(campaign, campaign.member("92")), "v_A03_previous")
    assert can_tho.value is None and "Cần Thơ (92) không thuộc Cụm năm 2023" in can_tho.comment.text
    guide = openpyxl.load_workbook(vinh_long)["Hướng dẫn"]
    assert any("điền sẵn" in str(c.value) for c in guide["A"])


def test_next_year_sets_the_chair_and_deputies_the_meeting_decided(demo_2023: Path, tmp_path: Path) -> None:
    """The new campaign's chair and deputies are the ones recorded in OLD's decisions."""
    with (demo_2023 / "campaign.yaml").open("a", encoding="utf-8") as f:
        f.write('decisions:\n  next_chair: "80"\n  next_deputies: ["89", "96"]\n')
    done = start_next_year(demo_2023, tmp_path / "tnb-2024")
    assert (done.new.chair, done.new.deputies) == ("80", ["89", "96"])
    assert any("as the meeting decided" in n for n in done.notes)


def test_next_year_into_the_following_year_maps_the_decided_chair(demo_2023: Path, sample_2025: Path) -> None:
    """Into a membership of the following year, the decided chair becomes the member it merged into."""
    edit(sample_2025 / "campaign.yaml", "year: 2025", "year: 2024")
    with (demo_2023 / "campaign.yaml").open("a", encoding="utf-8") as f:
        f.write('decisions:\n  next_chair: "95"\n  next_deputies: ["84", "89"]\n')
    done = start_next_year(demo_2023, sample_2025)
    assert (done.new.chair, done.new.deputies) == ("96", ["86", "91"])  # Bạc Liêu → Cà Mau, Trà Vinh → Vĩnh Long


def test_next_year_refuses_a_folder_that_is_not_a_campaign(demo_2023: Path, tmp_path: Path) -> None:
    """NEW not empty and without campaign.yaml: exit 2, nothing written."""
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["next-year", str(demo_2023), str(stray)])
    assert result.exit_code == 2 and "holds no campaign.yaml" in result.output
    assert sorted(p.name for p in stray.iterdir()) == ["notes.txt"]


def test_next_year_without_collected_returns_says_so(tmp_path: Path) -> None:
    """OLD never collected: the campaign is still made, and the output says nothing could be pre-filled."""
    old = tmp_path / "tnb-2023"
    resources.copy_sample("tay-nam-bo-2023", old)
    out = invoke("next-year", old, tmp_path / "tnb-2024")
    assert "no returns were collected, so no values are carried over" in out
    assert not (old / "emuxl.db").exists()


def test_set_keys_keeps_comments_and_layout() -> None:
    """Setting top-level keys replaces their values only (block or flow), keeping comments; missing keys appended."""
    text = 'year: 2025  # the year\nchair: "92"\ndeputies:\n  - "96"\n# end\nreport: {place: "Cần Thơ"}\n'
    got = set_keys(text, {"chair": "96", "deputies": ["86", "91"], "previous": "../tnb-2024"})
    assert got == (
        'year: 2025  # the year\nchair: "96"\ndeputies:\n  ["86", "91"]\n# end\nreport: {place: "Cần Thơ"}\n'
        'previous: "../tnb-2024"\n'
    )
