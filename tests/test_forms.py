"""Scoring forms: the contract, determinism, golden layout, and the round trip through LibreOffice."""

from __future__ import annotations

import os
import random
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from xmlcompare import assert_same_xlsx

from emuxl.cli import main
from emuxl.definitions import load_campaign
from emuxl.demo import plausible_values
from emuxl.forms import form_path, member_form, peer_form, write_forms
from emuxl.layout import META_SHEET, PEER_SHEET, SCORE_SHEET, input_name, peer_name, title_name
from emuxl.scoring import self_score

SMALL = Path(__file__).parent / "data" / "small"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A copy of the three-member test campaign that uses every kind of input."""
    shutil.copytree(SMALL, tmp_path / "small")
    return tmp_path / "small"


def names_of(path: Path) -> dict[str, str]:
    """Workbook-level defined names of a file, as openpyxl reads them."""
    wb = openpyxl.load_workbook(path)
    return {name: dn.attr_text for name, dn in wb.defined_names.items()}


def meta_of(path: Path) -> dict[str, object]:
    """The metadata sheet of a form as key -> value."""
    ws = openpyxl.load_workbook(path)[META_SHEET]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True)}


def test_cli_writes_one_form_per_member_and_peer_forms(sample: Path) -> None:
    """emuxl forms writes a form and a peer form for each of the 12 members, all valid xlsx."""
    result = CliRunner().invoke(main, ["forms", str(sample)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (sample / "forms").iterdir())
    assert len(files) == 24
    assert "94-soc-trang.xlsx" in files and "94-soc-trang-cham-cheo.xlsx" in files
    for name in files:
        assert zipfile.is_zipfile(sample / "forms" / name)


def test_form_contract(sample: Path) -> None:
    """Every input has its v_ name on the scoring sheet; metadata identifies the form."""
    campaign = load_campaign(sample)
    list(write_forms(campaign, ["96"], jobs=1))
    path = form_path(campaign, campaign.member("96"))
    names = names_of(path)
    for ind in campaign.catalogue.indicators:
        for inp in ind.inputs:
            assert names[input_name(ind.code, inp.name)].startswith(f"'{SCORE_SHEET}'!$")
        assert input_name(ind.code, "note") in names
    assert names["v_A03_plan"] != names["v_A03_actual"]
    meta = meta_of(path)
    assert meta == {
        "cluster": "Cụm thi đua các tỉnh Tây Nam Bộ",
        "year": 2023,
        "member": "96",
        "kind": "member",
        "fingerprint": campaign.catalogue.fingerprint,
        "format": 1,
        "emuxl": meta["emuxl"],
    }
    wb = openpyxl.load_workbook(path)
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert wb[SCORE_SHEET].protection.sheet
    assert wb[SCORE_SHEET]["A3"].value == "Đơn vị: Cà Mau (mã 96)"
    assert wb.custom_doc_props["emuxl_member"].value == "96"


def test_peer_form_lists_every_other_member(sample: Path) -> None:
    """A peer form names one input per other member and peer criterion, never the scorer itself."""
    campaign = load_campaign(sample)
    path = sample / "peer.xlsx"
    path.write_bytes(peer_form(campaign, campaign.member("80")))
    names = names_of(path)
    expected = {peer_name("E04", m) for m in campaign.member_codes if m != "80"}
    assert {n for n in names if n.startswith("p_")} == expected
    assert all(names[n].startswith(f"'{PEER_SHEET}'!") for n in expected)
    assert meta_of(path)["kind"] == "peer"


def test_same_definitions_give_identical_bytes(small: Path) -> None:
    """Two runs give byte-identical files (fixed document dates), in one process and across --jobs."""
    campaign = load_campaign(small)
    first = {p.name: p.read_bytes() for p in write_forms(campaign, jobs=1)}
    again = {p.name: p.read_bytes() for p in write_forms(campaign, jobs=2)}
    assert first == again and len(first) == 6


def test_golden_layout(small: Path) -> None:
    """The small campaign's member and peer forms match the reviewed golden files part by part."""
    campaign = load_campaign(small)
    for name, data in {
        "small-02.xlsx": member_form(campaign, campaign.member("02")),
        "small-02-peer.xlsx": peer_form(campaign, campaign.member("02")),
    }.items():
        if os.environ.get("EMUXL_UPDATE_GOLDEN"):
            (GOLDEN / name).write_bytes(data)
        got = small / name
        got.write_bytes(data)
        assert_same_xlsx(got, GOLDEN / name)


def test_prefilled_form_caches_python_scores(sample: Path) -> None:
    """A form written with values carries formula results equal to emuxl's scoring."""
    campaign = load_campaign(sample)
    values = plausible_values(campaign, random.Random(7))
    path = sample / "filled.xlsx"
    path.write_bytes(member_form(campaign, campaign.member("80"), values))
    ws = openpyxl.load_workbook(path, data_only=True)[SCORE_SHEET]
    names = names_of(path)
    for ind in campaign.catalogue.indicators:
        expected = self_score(ind, values[ind.code])
        if expected is None:
            continue
        row = int(names[title_name(ind.code)].rsplit("$", 1)[1])
        assert ws.cell(row, 10).value == pytest.approx(expected, abs=1e-12), ind.code


def test_unknown_member_is_refused(sample: Path) -> None:
    """forms --member with a code that is not a member exits 1 and lists the members."""
    result = CliRunner().invoke(main, ["forms", str(sample), "--member", "99"])
    assert result.exit_code == 1 and "not a member: 99" in result.output


# ------------------------------------------------------------------ LibreOffice, the real client


def _self_score_cells(path: Path, codes: list[str]) -> dict[str, object]:
    """Cached self-score values in a saved workbook, found through each indicator's d_ name."""
    names = names_of(path)
    ws = openpyxl.load_workbook(path, data_only=True)[SCORE_SHEET]
    out = {}
    for code in codes:
        ref = names[title_name(code)].replace("$", "")
        row = int("".join(ch for ch in ref.split("!")[1] if ch.isdigit()))
        out[code] = ws.cell(row, 10).value
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_libreoffice_round_trip(office, sample: Path, seed: int) -> None:
    """LibreOffice fills a form by name and saves it; names, metadata, protection and validation
    survive, and its recalculated self-scores equal emuxl's."""
    campaign = load_campaign(sample)
    member = campaign.member("94")
    src = sample / "form.xlsx"
    src.write_bytes(member_form(campaign, member))
    values = plausible_values(campaign, random.Random(seed))
    values["A02"]["actual"] = "chín mươi"  # text never scores
    fill = {input_name(code, k): v for code, inputs in values.items() for k, v in inputs.items()}
    saved = sample / "saved-by-libreoffice.xlsx"
    [result] = office.run([{"path": str(src), "fill": fill, "save_as": str(saved)}])

    assert {s["name"] for s in result["sheets"]} >= {SCORE_SHEET, META_SHEET}
    names = names_of(saved)
    assert set(fill) <= set(names)
    assert meta_of(saved)["member"] == "94"
    assert int(float(str(meta_of(saved)["year"]))) == 2023
    wb = openpyxl.load_workbook(saved)
    assert wb[META_SHEET].sheet_state in ("hidden", "veryHidden")
    assert wb[SCORE_SHEET].protection.sheet
    assert len(wb[SCORE_SHEET].data_validations.dataValidation) > 0

    local = [i for i in campaign.catalogue.indicators if self_score(i, values[i.code]) is not None]
    recalculated = _self_score_cells(saved, [i.code for i in local])
    for ind in local:
        assert recalculated[ind.code] == pytest.approx(self_score(ind, values[ind.code]), abs=1e-9), ind.code
    assert recalculated["A02"] == 0


def test_libreoffice_opens_every_sample_form(office, sample_2025: Path) -> None:
    """Every form of the 2025 sample opens in LibreOffice with all its sheets."""
    campaign = load_campaign(sample_2025)
    paths = list(write_forms(campaign, jobs=1))
    results = office.run([{"path": str(p)} for p in paths])
    for path, result in zip(paths, results, strict=True):
        sheets = {s["name"] for s in result["sheets"]}
        assert META_SHEET in sheets and (SCORE_SHEET in sheets or PEER_SHEET in sheets), path.name
