"""Loading and validating campaign definitions: every rule, with its located message."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit

from emuxl.definitions import load_campaign
from emuxl.errors import CampaignNotFound, DefinitionsError


def problems(folder: Path) -> list[str]:
    """The located problem lines emuxl reports for a folder."""
    with pytest.raises(DefinitionsError) as info:
        load_campaign(folder)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("name", ["tay-nam-bo-2023", "tay-nam-bo-2025"])
def test_samples_are_valid(tmp_path: Path, name: str) -> None:
    """Both bundled samples load, add up to 1000 and use every scoring method."""
    from emuxl import resources
    from emuxl.methods import METHODS

    resources.copy_sample(name, tmp_path / name)
    campaign = load_campaign(tmp_path / name)
    base = [i for i in campaign.catalogue.indicators if i.spec.role == "base"]
    assert sum(i.points for i in base) == 1000
    assert 35 <= len(campaign.catalogue.indicators) <= 45
    assert {i.method for i in campaign.catalogue.indicators} == set(METHODS)
    assert campaign.illustrative


def test_copies_do_not_keep_cached_lookups(sample: Path) -> None:
    """A campaign copied with other members or sections answers from its own fields, not the original's."""
    campaign = load_campaign(sample)
    assert campaign.find_member("80") is not None and campaign.catalogue.fingerprint
    first = campaign.catalogue.sections[0]
    retitled = first.model_copy(update={"title": first.title + " (sửa)"})
    catalogue = campaign.catalogue.model_copy(update={"sections": [retitled, *campaign.catalogue.sections[1:]]})
    assert catalogue.fingerprint != campaign.catalogue.fingerprint
    fewer = campaign.model_copy(update={"members": campaign.members[1:]})
    assert fewer.find_member("80") is None and "80" not in fewer.member_codes


def test_2023_sample_is_the_real_membership(sample: Path) -> None:
    """The 2023 sample has the 12 pre-merger provinces, chaired by Sóc Trăng, quotas 2 + 2."""
    campaign = load_campaign(sample)
    assert len(campaign.members) == 12
    assert campaign.member(campaign.chair).name == "Sóc Trăng"
    assert (campaign.awards.flag, campaign.awards.merit) == (2, 2)


def test_2025_sample_records_the_merger(sample_2025: Path) -> None:
    """The 2025 sample maps each new unit to every old province it was formed from (two outside the cluster)."""
    campaign = load_campaign(sample_2025)
    assert campaign.member_codes == ["80", "82", "86", "91", "92", "96"]
    old = {p.code for m in campaign.members for p in m.predecessors}
    assert old == {"80", "82", "83", "84", "86", "87", "89", "91", "93", "94", "95", "96"} | {"72", "92"}
    assert [p.name for p in campaign.member("86").predecessors] == ["Vĩnh Long", "Bến Tre", "Trà Vinh"]


def test_typo_duplicate_and_wrong_total_reported_together(sample: Path) -> None:
    """A typo'd key, a duplicate code and points summing to 990 come out in one run."""
    cat = sample / "indicators.yaml"
    edit(cat, 'unit: "triệu đồng", points: 30', 'unti: "triệu đồng", points: 30')
    edit(cat, "code: A05,", "code: A04,")
    edit(cat, 'unit: "giường", points: 15', 'unit: "giường", points: 5')
    assert problems(sample) == [
        "indicators.yaml:3: scale: base indicators add up to 990 points, 10 short the scale of 1000;"
        " bonus and penalty indicators are not counted",
        "indicators.yaml:9: sections[0].indicators[1].unti (A02): unknown key 'unti'; did you mean 'unit'?",
        "indicators.yaml:12: sections[0].indicators[4].code (A04): duplicate code 'A04' (also at"
        " sections[0].indicators[3]); codes must be unique",
    ]


CATALOGUE_CASES = {
    "yaml-syntax": ("  - code: A\n", "  - code: [A\n", "YAML syntax error"),
    "bad-code": (
        "code: A02,",
        "code: a02,",
        "sections[0].indicators[1].code (a02): code 'a02' must be capital letters",
    ),
    "unknown-method": (
        "points: 30, method: plan, aggregate: mean}",
        "points: 30, method: plann, aggregate: mean}",
        "sections[0].indicators[1].method (A02): unknown scoring method 'plann'; did you mean 'plan'?",
    ),
    "missing-param": (
        "params: {per_item: 3}",
        "params: {}",
        "sections[4].indicators[2].params.per_item (E03): missing required key 'per_item'",
    ),
    "wrong-type-param": (
        "params: {per_item: 3}",
        'params: {per_item: "ba"}',
        "sections[4].indicators[2].params.per_item (E03): must be a number, not 'ba'",
    ),
    "unknown-param": (
        "params: {at_plan: 0.5}",
        "params: {at_plann: 0.5}",
        "sections[0].indicators[0].params.at_plann (A01): unknown key 'at_plann'; did you mean 'at_plan'?",
    ),
    "points-not-number": ("points: 20, method: yesno}", 'points: "20", method: yesno}', "must be a number, not '20'"),
    "points-over": (
        'unit: "giường", points: 15',
        'unit: "giường", points: 25',
        "scale: base indicators add up to 1010 points, 10 over the scale of 1000",
    ),
    "not-nfc": (
        'title: "Phát triển kinh tế"',
        'title: "Pha\u0301t triển kinh tế"',
        "indicators.yaml:6: sections[0].title: ",
    ),
    "cap-below-base": ("cap: 50, floor_ratio", "cap: 40, floor_ratio", "cap 40 is below the points at plan (45)"),
}


@pytest.mark.parametrize("case", list(CATALOGUE_CASES))
def test_catalogue_rule(sample: Path, case: str) -> None:
    """Each catalogue mistake is reported with its file, key path and what to do."""
    old, new, expected = CATALOGUE_CASES[case]
    edit(sample / "indicators.yaml", old, new)
    found = problems(sample)
    assert any(expected in p for p in found), found
    assert all(p.startswith("indicators.yaml:") for p in found)


CAMPAIGN_CASES = {
    "chair-not-member": ('chair: "94"', 'chair: "99"', "campaign.yaml:21: chair: chair '99' is not a member"),
    "deputy-not-member": (
        'deputies: ["84"]',
        'deputies: ["85"]',
        "campaign.yaml:22: deputies[0]: deputy '85' is not a member",
    ),
    "chair-as-deputy": ('deputies: ["84"]', 'deputies: ["94"]', "deputies[0]: '94' is the chair"),
    "duplicate-member": (
        '{code: "82", name: "Tiền Giang"}',
        '{code: "80", name: "Tiền Giang"}',
        "campaign.yaml:10: members[1].code: duplicate member code '80' (also members[0])",
    ),
    "code-as-number": (
        '{code: "80", name: "Long An"}',
        '{code: 80, name: "Long An"}',
        "members[0].code: must be text in quotes, not 80",
    ),
    "quota-too-big": ("flag: 2 ", "flag: 11 ", "campaign.yaml:23: awards: 13 awards for 12 members; lower the quotas"),
    "stray-space": ('name: "Cà Mau"', 'name: "Cà  Mau"', "members[11].name: 'Cà  Mau' has stray whitespace"),
    "unknown-key": (
        "deadline:",
        "dealine:",
        "campaign.yaml:26: dealine: unknown key 'dealine'; did you mean 'deadline'?",
    ),
    "duplicate-key": ("year: 2023", "year: 2023\nyear: 2024", "campaign.yaml:6: year: key 'year' appears twice"),
}


@pytest.mark.parametrize("case", list(CAMPAIGN_CASES))
def test_campaign_rule(sample: Path, case: str) -> None:
    """Each campaign.yaml mistake is reported with its line and key path."""
    old, new, expected = CAMPAIGN_CASES[case]
    edit(sample / "campaign.yaml", old, new)
    found = problems(sample)
    assert any(p.startswith(expected) or expected in p for p in found), found


def test_missing_catalogue_file(sample: Path) -> None:
    """A campaign pointing at a catalogue that is not there says so."""
    edit(sample / "campaign.yaml", "indicators: indicators.yaml", "indicators: chi-tieu.yaml")
    assert problems(sample) == ["chi-tieu.yaml: file not found; create it or fix the path"]


def test_not_a_campaign_folder(tmp_path: Path) -> None:
    """A folder without campaign.yaml is refused with the command that starts one."""
    with pytest.raises(CampaignNotFound, match="emuxl init"):
        load_campaign(tmp_path)


def test_unreadable_spreadsheet_catalogue_is_refused_plainly(sample: Path) -> None:
    """A catalogue workbook that is not a readable .xlsx, or an .xls, gets a plain message, not an encoding error."""
    edit(sample / "campaign.yaml", "indicators: indicators.yaml", "indicators: chi-tieu.xlsx")
    (sample / "chi-tieu.xlsx").write_bytes(b"PK\x03\x04")
    [found] = problems(sample)
    assert found.startswith("chi-tieu.xlsx: not a readable .xlsx workbook (") and "«Excel Workbook (.xlsx)»" in found
    edit(sample / "campaign.yaml", "indicators: chi-tieu.xlsx", "indicators: chi-tieu.xls")
    (sample / "chi-tieu.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert problems(sample) == ["chi-tieu.xls: only .xlsx workbooks are read; save it as «Excel Workbook (.xlsx)»"]


# ------------------------------------------------------------------ definitions are checked for what can hurt


@pytest.mark.parametrize("code", ["../../../ESCAPED", "CM-96", "80/81", "8 0", "8O", "٨٠", ""])
def test_member_codes_are_digits_only(sample: Path, code: str) -> None:
    """A member code that is not digits (a path, a separator, a dash) is a located problem naming the code."""
    edit(sample / "campaign.yaml", '{code: "80", name: "Long An"}', f'{{code: "{code}", name: "Long An"}}')
    found = problems(sample)
    assert any("members[0].code" in p and "digits only" in p and repr(code) in p for p in found), found


def test_forms_refuses_a_member_code_that_would_write_outside_the_campaign(sample: Path) -> None:
    """`emuxl forms` with the code ../../../ESCAPED exits 1 with the message and writes nothing anywhere."""
    from click.testing import CliRunner

    from emuxl.cli import main

    edit(sample / "campaign.yaml", '{code: "80", name: "Long An"}', '{code: "../../../ESCAPED", name: "Long An"}')
    before = {p for p in sample.parent.parent.rglob("*")}
    done = CliRunner().invoke(main, ["forms", str(sample)])
    assert done.exit_code == 1 and "digits only" in done.output, done.output
    assert {p for p in sample.parent.parent.rglob("*")} == before


def test_codes_that_are_the_same_number_are_refused(sample: Path) -> None:
    """Members 7 and 07 would both match a form saying 7: the second is a located problem."""
    edit(sample / "campaign.yaml", '{code: "82", name: "Tiền Giang"}', '{code: "080", name: "Tiền Giang"}')
    assert any("members[1].code" in p and "same number as members[0]" in p for p in problems(sample))


ALIAS_BOMB = """a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""  # 300 bytes that expand to 9**9 = 387 million values


HOSTILE_YAML = {
    "alias-bomb": (ALIAS_BOMB, "aliases (*name) expand to more than 1,000,000 values"),
    "nested-beyond-recursion": ("a: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested too deeply"),
    "nested-60-levels": ("a: " + "[" * 60 + "1" + "]" * 60 + "\n", "nested more than 40 levels deep"),
    "alias-containing-itself": ("a: &a [1, *a]\n", "an alias (*name) refers to a value containing it"),
    "impossible-date": ("deadline: 2023-02-30\n", "a value cannot be read"),
    "complex-key": ("? [a, b]\n: 1\n", "YAML syntax error"),
    "infinite-number": ("scale: .inf\n", "scale: inf is not a usable number"),
    "not-a-number": ("scale: .nan\n", "is not a usable number"),
    "400-digit-integer": ("scale: " + "9" * 400 + "\n", "a number of 400 digits is not a usable number"),
    "4400-digit-integer": ("scale: " + "9" * 4400 + "\n", "a value cannot be read"),
}


@pytest.mark.parametrize("case", list(HOSTILE_YAML))
def test_hostile_yaml_ends_in_a_message_quickly(sample: Path, case: str) -> None:
    """Alias bombs, deep nesting, self-containing aliases, impossible values: a located message within seconds."""
    import time

    text, expected = HOSTILE_YAML[case]
    (sample / "indicators.yaml").write_text(text + (sample / "indicators.yaml").read_text(encoding="utf-8"))
    if case in ("infinite-number", "not-a-number", "400-digit-integer", "4400-digit-integer"):
        original = (sample / "indicators.yaml").read_text(encoding="utf-8").replace("scale: 1000\n", "", 1)
        (sample / "indicators.yaml").write_text(original, encoding="utf-8")
    start = time.monotonic()
    found = problems(sample)
    assert time.monotonic() - start < 10
    assert any(p.startswith("indicators.yaml") and expected in p for p in found), found


def test_a_folder_or_a_pipe_as_the_catalogue_gives_a_message(sample: Path) -> None:
    """The catalogue path naming a folder, or a named pipe (which would block a reader), is a plain problem."""
    import os

    (sample / "cat").mkdir()
    edit(sample / "campaign.yaml", "indicators: indicators.yaml", "indicators: cat")
    assert any("is a folder, not a file" in p for p in problems(sample))
    os.mkfifo(sample / "pipe.yaml")
    edit(sample / "campaign.yaml", "indicators: cat", "indicators: pipe.yaml")
    assert any("is not a regular file" in p for p in problems(sample))


def test_a_folder_in_place_of_campaign_yaml_gives_a_message(tmp_path: Path) -> None:
    """campaign.yaml being a folder is a problem that says so, not 'no campaign here' nor a traceback."""
    (tmp_path / "campaign.yaml").mkdir()
    assert problems(tmp_path) == ["campaign.yaml: is a folder, not a file; move it away and put the campaign file back"]


def test_a_huge_catalogue_is_refused_from_its_size(sample: Path) -> None:
    """A catalogue over 10 MB is refused before it is parsed."""
    with (sample / "indicators.yaml").open("a", encoding="utf-8") as f:
        f.write("# " + "x" * (11 * 1024 * 1024) + "\n")
    assert any("the file is 11 MB, more than a campaign needs (10 MB)" in p for p in problems(sample))


def test_an_unreadable_catalogue_gives_a_message(sample: Path, user) -> None:
    """A catalogue the user may not read (mode 000, checked as that user): exit 1 and 'Permission denied'."""
    import shutil
    import sys

    folder = user.home / "campaign"
    shutil.copytree(sample, folder)
    user.own(folder)
    (folder / "indicators.yaml").chmod(0)
    done = user.run([sys.executable, "-m", "emuxl", "check", str(folder)])
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "indicators.yaml: cannot be read (Permission denied)" in done.stderr


def test_a_section_code_that_is_not_text_is_a_problem_not_a_crash(sample: Path) -> None:
    """A section code written as a mapping (``code: {a: 1}``) is reported at its line; check does not crash."""
    edit(sample / "indicators.yaml", "  - code: A\n", "  - code: {a: 1}\n")
    with pytest.raises(DefinitionsError) as raised:
        load_campaign(sample)
    assert any("sections[0].code: must be text" in str(p) for p in raised.value.problems)


def test_a_meeting_time_written_wrongly_is_said_as_a_time(sample: Path) -> None:
    """«8h» as the meeting's time asks for hours and minutes, not for a code's capital letters."""
    edit(sample / "campaign.yaml", 'time: "08:00"', 'time: "8h"')
    with pytest.raises(DefinitionsError) as raised:
        load_campaign(sample)
    [problem] = [str(p) for p in raised.value.problems]
    assert "report.meeting.time: time '8h' must be hours and minutes, like 08:00 or 14:30" in problem
