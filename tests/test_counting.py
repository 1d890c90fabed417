"""Which file counts when a member sends several: received later, then saved later; doubts shown; `choose`."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import rezip

from emuxl.cli import main
from emuxl.definitions import Campaign, load_campaign
from emuxl.demo import plausible_values
from emuxl.forms import member_form
from emuxl.intake import collect, member_status
from emuxl.review import choose_file
from emuxl.store import Store

CORE = "docProps/core.xml"


def form(campaign: Campaign, seed: int | None, saved: str | None = None, code: str = "80") -> bytes:
    """A member form (filled with plausible values, or blank when seed is None), saved at ``saved`` if given."""
    values = plausible_values(campaign, random.Random(seed)) if seed is not None else None
    data = member_form(campaign, campaign.member(code), values)
    if saved is None:
        return data

    def change(name: str, body: bytes) -> bytes:
        if name != CORE:
            return body
        start = body.index(b"<dcterms:modified")
        end = body.index(b"</dcterms:modified>")
        head = body[start : body.index(b">", start) + 1]
        return body[:start] + head + saved.encode() + body[end:]

    return rezip(data, change)


def counted_file(campaign: Campaign, code: str = "80") -> str:
    """The name of the file that counts for a member."""
    with Store(campaign.folder) as store:
        sid = store.counted()[(code, "member")]
        return next(r.name for r in store.submissions(code) if r.id == sid)


def status_of(campaign: Campaign, code: str = "80"):
    """The member's row of ``status``."""
    return next(r for r in member_status(campaign) if r.code == code)


@pytest.fixture
def campaign(sample: Path) -> Campaign:
    """The 2023 sample with an empty inbox."""
    (sample / "inbox").mkdir()
    return load_campaign(sample)


def test_a_save_time_in_the_future_does_not_beat_a_later_correction(campaign: Campaign) -> None:
    """A file saved «in 2099» (a wrong clock), then a correction received later: the correction counts, flagged."""
    inbox = campaign.folder / "inbox"
    (inbox / "lan-1.xlsx").write_bytes(form(campaign, 1, "2099-01-01T08:00:00Z"))
    list(collect(campaign, [inbox / "lan-1.xlsx"]))
    assert counted_file(campaign) == "lan-1.xlsx"
    (inbox / "lan-2.xlsx").write_bytes(form(campaign, 2, "2024-03-01T08:00:00Z"))
    with Store(campaign.folder) as store:  # the first run was earlier: make that visible to the second's clock
        store.db.execute("UPDATE submissions SET received_at = '2024-03-02T00:00:00+00:00'")
    list(collect(campaign, [inbox / "lan-2.xlsx"]))
    assert counted_file(campaign) == "lan-2.xlsx"
    doubts = " ".join(status_of(campaign).conflicts)
    assert "lan-1.xlsx says it was saved at 2099-01-01T08:00:00+00:00, after it was received" in doubts
    assert "lan-2.xlsx was received after lan-1.xlsx but saved before it" in doubts


def test_in_one_batch_a_save_time_after_the_receipt_loses(campaign: Campaign) -> None:
    """Received together, a file claiming a save time after its receipt loses to the honest one, and it is flagged."""
    inbox = campaign.folder / "inbox"
    (inbox / "a-future.xlsx").write_bytes(form(campaign, 1, "2099-01-01T08:00:00Z"))
    (inbox / "b-honest.xlsx").write_bytes(form(campaign, 2, "2024-03-01T08:00:00Z"))
    list(collect(campaign))
    assert counted_file(campaign) == "b-honest.xlsx"
    assert any("a-future.xlsx says it was saved at 2099" in d for d in status_of(campaign).conflicts)


@pytest.mark.parametrize("names", [("a-blank.xlsx", "b-good.xlsx"), ("b-blank.xlsx", "a-good.xlsx")])
def test_the_same_save_time_is_a_conflict_and_a_blank_copy_never_displaces_a_good_return(
    campaign: Campaign, names: tuple[str, str]
) -> None:
    """Two files with one save time: the one with fewer errors counts, whatever the order they are read in."""
    blank, good = (campaign.folder / "inbox" / n for n in names)
    blank.write_bytes(form(campaign, None))
    good.write_bytes(form(campaign, 1))
    for path in (blank, good):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    results = {r.name: r for r in collect(campaign, jobs=2)}
    assert results[blank.name].errors > 40 and results[good.name].status == "accepted"
    assert counted_file(campaign) == good.name
    row = status_of(campaign)
    assert row.file == good.name and row.state == "accepted"
    [doubt] = row.conflicts
    assert f"{good.name} and {blank.name} were received together with the same save time" in doubt


def test_choose_makes_a_file_count_until_a_newer_one_arrives(campaign: Campaign) -> None:
    """`emuxl choose` overrides the rule, shows in status with its author, and yields to a file received later."""
    folder = campaign.folder
    inbox = folder / "inbox"
    (inbox / "first.xlsx").write_bytes(form(campaign, 1, "2024-03-01T08:00:00Z"))
    (inbox / "second.xlsx").write_bytes(form(campaign, 2, "2024-03-02T08:00:00Z"))
    runner = CliRunner()
    assert runner.invoke(main, ["collect", str(folder)]).exit_code == 0
    assert counted_file(campaign) == "second.xlsx"
    done = runner.invoke(main, ["choose", str(folder), "80", "first.xlsx", "--by", "Nguyễn Văn A"])
    assert done.exit_code == 0, done.output
    assert "first.xlsx" in done.output and "chosen by Nguyễn Văn A" in done.output
    assert counted_file(campaign) == "first.xlsx"
    shown = json.loads(runner.invoke(main, ["status", str(folder), "--json"]).output)
    row = next(m for m in shown["members"] if m["code"] == "80")
    assert row["file"] == "first.xlsx" and row["chosen_by"] == "Nguyễn Văn A" and row["conflicts"] == []
    text = runner.invoke(main, ["status", str(folder)]).output
    assert "chosen by Nguyễn Văn A" in text
    with Store(folder) as store:
        store.db.execute("UPDATE choices SET at = '2000-01-01T00:00:00+00:00'")  # the choice was made before …
    (inbox / "third.xlsx").write_bytes(form(campaign, 3, "2024-03-03T08:00:00Z"))
    assert runner.invoke(main, ["collect", str(folder)]).exit_code == 0  # … this file was received
    assert counted_file(campaign) == "third.xlsx"
    assert status_of(campaign).chosen_by == ""


def test_choose_by_path_and_by_hash_when_names_repeat(campaign: Campaign) -> None:
    """FILE may be the path as received; two files of one name are told apart by the start of their hash."""
    inbox = campaign.folder / "inbox"
    first, second = inbox / "round-1", inbox / "round-2"
    first.mkdir()
    second.mkdir()
    (first / "long-an.xlsx").write_bytes(form(campaign, 1, "2024-03-01T08:00:00Z"))
    (second / "long-an.xlsx").write_bytes(form(campaign, 2, "2024-03-02T08:00:00Z"))
    list(collect(campaign))
    runner = CliRunner()
    ambiguous = runner.invoke(main, ["choose", str(campaign.folder), "80", "long-an.xlsx", "--by", "A"])
    assert ambiguous.exit_code == 2 and "2 files of Long An are called 'long-an.xlsx'" in ambiguous.output
    done = runner.invoke(main, ["choose", str(campaign.folder), "80", str(first / "long-an.xlsx"), "--by", "A"])
    assert done.exit_code == 0, done.output
    with Store(campaign.folder) as store:
        rows = store.submissions("80")
        older = next(r for r in rows if r.path == str(first / "long-an.xlsx"))
        assert store.counted()[("80", "member")] == older.id
        newer = next(r for r in rows if r is not older)
    chosen = choose_file(campaign, "80", newer.sha256[:10], "B")
    assert chosen.author == "B" and counted_file(campaign) == "long-an.xlsx"
    with Store(campaign.folder) as store:
        assert store.counted()[("80", "member")] == newer.id


def test_choose_refuses_what_cannot_count(campaign: Campaign) -> None:
    """An unknown member or file, or a rejected file, is a usage error (exit 2) that says what exists."""
    inbox = campaign.folder / "inbox"
    (inbox / "good.xlsx").write_bytes(form(campaign, 1))
    other = member_form(campaign.model_copy(update={"year": 2000}), campaign.member("80"))
    (inbox / "old-year.xlsx").write_bytes(other)
    list(collect(campaign))
    runner = CliRunner()
    folder = str(campaign.folder)
    unknown = runner.invoke(main, ["choose", folder, "99", "good.xlsx", "--by", "A"])
    assert unknown.exit_code == 2 and "99 is not a member" in unknown.output
    missing = runner.invoke(main, ["choose", folder, "80", "nope.xlsx", "--by", "A"])
    assert missing.exit_code == 2 and "good.xlsx (accepted)" in missing.output
    with Store(campaign.folder) as store:  # a rejected file that could be tied to the member
        store.db.execute("UPDATE submissions SET member = '80', kind = 'member' WHERE name = 'old-year.xlsx'")
    rejected = runner.invoke(main, ["choose", folder, "80", "old-year.xlsx", "--by", "A"])
    assert rejected.exit_code == 2 and "old-year.xlsx is rejected: it has no values to count" in rejected.output
