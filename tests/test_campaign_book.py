"""campaign.xlsx: written and read, checked like YAML with problems located by sheet and cell, lossless both ways."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel, Field
from test_province import _printable, _rows_fit

from emuxl import resources
from emuxl.campaign_book import book_bytes, layout
from emuxl.campaign_book.labels import CLUSTER_SHEET, INDICATORS_SHEET, MEMBERS_SHEET
from emuxl.campaign_book.notation import MISSING, NULL_WORD, Codec, NotationError, codec_for
from emuxl.campaign_book.read import read_book
from emuxl.campaign_files import convert_campaign, init_campaign, prepare_trial
from emuxl.cli import main
from emuxl.definitions import CampaignFile, ReportInfo, load_campaign
from emuxl.errors import DefinitionsError, InvalidRequest
from emuxl.methods import METHODS, Band

SAMPLES = ["tay-nam-bo-2023", "tay-nam-bo-2025"]


def run(*args: str) -> tuple[int, str]:
    """Run emuxl in-process; return the exit code and everything it printed."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def problems(folder: Path) -> list[str]:
    """The located problems load_campaign raises for a folder, as printed."""
    with pytest.raises(DefinitionsError) as e:
        load_campaign(folder)
    return [str(p) for p in e.value.problems]


def same_campaign(a: Path, b: Path) -> None:
    """Two folders define the same campaign: every key but where it lives, and the same form fingerprint."""
    first, second = load_campaign(a), load_campaign(b)
    skip = {"folder", "indicators", "lines"}  # lines: where keys sit in a YAML file, not what they say
    assert first.model_dump(exclude=skip) == second.model_dump(exclude=skip)
    assert first.catalogue.fingerprint == second.catalogue.fingerprint


def book(tmp_path: Path, sample: str = "tay-nam-bo-2023") -> Path:
    """A campaign folder holding a sample as campaign.xlsx."""
    folder = tmp_path / f"{sample}-xlsx"
    init_campaign(folder, sample, "xlsx")
    return folder


def cell_of(ws: Any, header: str, code: str) -> Any:
    """The cell of «Tiêu chí» in the column headed ``header`` on the row of indicator ``code``."""
    head = next(c for c in ws[3] if str(c.value or "").split("\n")[0] == header)
    row = next(r for r in ws.iter_rows(min_row=4) if r[1].value == code)
    return ws.cell(row[0].row, head.column)


def edit_book(folder: Path, change: Any) -> None:
    """Open campaign.xlsx with openpyxl, let ``change`` edit it, save it."""
    path = folder / "campaign.xlsx"
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


# ------------------------------------------------------------------ both ways


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_round_trip_yaml_xlsx_yaml(tmp_path: Path, sample: str) -> None:
    """A sample converted YAML → xlsx → YAML is the same campaign with the same form fingerprint, key for key."""
    original = tmp_path / "yaml"
    resources.copy_sample(sample, original)
    convert_campaign(original, "xlsx", tmp_path / "xlsx")
    convert_campaign(tmp_path / "xlsx", "yaml", tmp_path / "again")
    same_campaign(original, tmp_path / "xlsx")
    same_campaign(original, tmp_path / "again")
    for name in ("campaign.yaml", "indicators.yaml"):
        before = yaml.safe_load((original / name).read_text(encoding="utf-8"))
        after = yaml.safe_load((tmp_path / "again" / name).read_text(encoding="utf-8"))
        assert after == before, name


def test_xlsx_is_the_definition_when_present(tmp_path: Path) -> None:
    """With campaign.xlsx beside the YAML files, the workbook is read and check says the YAML is not."""
    folder = tmp_path / "both"
    resources.copy_sample("tay-nam-bo-2023", folder)
    convert_campaign(folder, "xlsx")
    edit_book(folder, lambda wb: _set_value(wb, "cluster", "Cụm thi đua thử"))
    assert load_campaign(folder).cluster == "Cụm thi đua thử"
    code, out = run("check", str(folder))
    assert code == 0 and "campaign.xlsx is the definition; campaign.yaml and indicators.yaml are not read" in out


def test_convert_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    """convert into a folder that has the target file needs --force; an invalid campaign is not converted."""
    folder = book(tmp_path)
    with pytest.raises(InvalidRequest, match="--force"):
        convert_campaign(folder, "xlsx")
    code, out = run("convert", str(folder), "--to", "xlsx")
    assert code == 2 and "--force" in out
    assert run("convert", str(folder), "--to", "xlsx", "--force")[0] == 0
    edit_book(folder, lambda wb: _set_value(wb, "year", "năm nay"))
    code, out = run("convert", str(folder), "--to", "yaml", "--out", str(tmp_path / "y"))
    assert code == 1 and "Cụm!B5: «Năm thi đua» must be a whole number" in out and not (tmp_path / "y").exists()


def test_catalogue_workbook_named_in_campaign_yaml(tmp_path: Path, sample: Path) -> None:
    """campaign.yaml may name a catalogue workbook: its «Phần» and «Tiêu chí» are read."""
    folder = book(tmp_path)
    (folder / "campaign.xlsx").rename(sample / "chi-tieu.xlsx")
    (sample / "indicators.yaml").unlink()
    text = (sample / "campaign.yaml").read_text(encoding="utf-8")
    (sample / "campaign.yaml").write_text(text.replace("indicators: indicators.yaml", "indicators: chi-tieu.xlsx"))
    assert len(load_campaign(sample).catalogue.indicators) == 44


# ------------------------------------------------------------------ a blank start


def test_blank_workbook_lists_what_to_fill_in(tmp_path: Path) -> None:
    """init without --sample gives a blank campaign.xlsx; check lists what must be filled in, by sheet and cell."""
    code, out = run("init", str(tmp_path / "new"))
    assert code == 0 and "blank campaign workbook" in out
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["campaign.xlsx", "templates"]
    assert problems(tmp_path / "new") == [
        "campaign.xlsx: Cụm!B4: «Tên Cụm thi đua» is empty; fill it in",
        "campaign.xlsx: Cụm!B5: «Năm thi đua» is empty; fill it in",
        "campaign.xlsx: Cụm!B6: «Cụm trưởng (mã thành viên)» is empty; fill it in",
        "campaign.xlsx: Thành viên!A4: at least 2 members are needed; add a row per member in «Thành viên» (Mã, Tên)",
        "campaign.xlsx: Phần!A4: no sections yet; add a row per section in «Phần» (A, B …)",
    ]
    code, out = run("check", str(tmp_path / "new"))
    assert code == 1 and "5 problems found" in out


def test_blank_workbook_has_no_cluster_data() -> None:
    """The blank workbook holds sheets, headers, help and validation, and no cluster's data."""
    data = book_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert all(r[1].value is None for r in wb[CLUSTER_SHEET].iter_rows(min_row=4))  # every value cell empty
    assert [ws.title for ws in wb.worksheets] == ["Hướng dẫn", "Cụm", "Thành viên", "Phần", "Tiêu chí", "Phương pháp"]
    for ws in wb.worksheets:
        assert not ws.protection.sheet, ws.title  # unlocked: the secretariat adds rows
    assert [c.value for c in wb[INDICATORS_SHEET][3][:6]] == ["Phần", "Mã", "Tiêu chí", "Đơn vị", "Điểm", "Phương pháp"]
    assert [c.value for c in wb[MEMBERS_SHEET][3][:2]] == ["Mã", "Tên"]
    assert all(c.value is None for r in wb[INDICATORS_SHEET].iter_rows(min_row=4) for c in r)


def test_init_sample_in_either_format(tmp_path: Path) -> None:
    """init --sample writes YAML by default, campaign.xlsx with --format xlsx; a blank YAML start is refused."""
    assert run("init", str(tmp_path / "y"), "--sample", "tay-nam-bo-2025")[0] == 0
    assert (tmp_path / "y" / "campaign.yaml").is_file() and not (tmp_path / "y" / "campaign.xlsx").exists()
    assert run("init", str(tmp_path / "x"), "--sample", "tay-nam-bo-2025", "--format", "xlsx")[0] == 0
    assert not (tmp_path / "x" / "campaign.yaml").exists()
    same_campaign(tmp_path / "y", tmp_path / "x")
    code, out = run("init", str(tmp_path / "z"), "--format", "yaml")
    assert code == 2 and "--sample" in out


# ------------------------------------------------------------------ the workbook checks itself


def test_workbook_validates_while_typing(tmp_path: Path) -> None:
    """Drop-downs for method, section, aggregate and chair; number ranges from the schema; Vietnamese input messages."""
    wb = openpyxl.load_workbook(book(tmp_path) / "campaign.xlsx")
    rules = {}
    for dv in wb[INDICATORS_SHEET].data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            rules[rng.split(":")[0]] = dv
    assert rules["F4"].type == "list" and rules["F4"].formula1 == "DS_PhuongPhap"
    assert rules["A4"].type == "list" and rules["A4"].formula1 == "DS_Phan"
    assert rules["E4"].type == "decimal" and rules["E4"].promptTitle == "Điểm"
    assert rules["G4"].formula1 == '"Cộng,Trung bình,Không"'
    assert "Phần điểm tối đa khi đạt đúng 100% kế hoạch" in rules["I4"].prompt
    titles = [c.value for c in wb["Phương pháp"]["A"][3:]]
    assert titles == [m.title for m in METHODS.values()]
    cluster = {str(dv.sqref): dv for dv in wb[CLUSTER_SHEET].data_validations.dataValidation}
    year = next(dv for dv in cluster.values() if dv.promptTitle == "Năm thi đua")
    assert (year.type, year.formula1, year.formula2) == ("whole", "2000", "2100")
    chair = next(dv for dv in cluster.values() if dv.promptTitle.startswith("Cụm trưởng (mã"))
    assert chair.formula1 == "DS_ThanhVien"


def test_parameter_columns_come_from_the_registry() -> None:
    """Each parameter of each method has a labelled column; methods share a column for the same label and notation."""
    columns = layout.param_columns()
    placed = {(m, key) for c in columns for m, key in c.params.items()}
    wanted = {(m.name, key) for m in METHODS.values() for key in m.params.model_fields}
    assert placed == wanted
    shared = next(c for c in columns if c.label == "Tỷ lệ điểm khi đạt KH")
    assert shared.params == {"plan": "base", "leader": "at_plan"}
    assert len({c.label for c in columns}) == len(columns)


# ------------------------------------------------------------------ checked like YAML, located in Excel terms


def _set_value(wb: Any, key: str, value: Any) -> None:
    ws = wb[CLUSTER_SHEET]
    row = next(r for r in ws.iter_rows(min_row=4) if r[3].value == key)
    row[1].value = value


def test_text_under_points_is_located_by_sheet_and_cell(tmp_path: Path) -> None:
    """Text typed under «Điểm» is reported at its sheet, cell and indicator, as the issue asks."""
    folder = book(tmp_path)
    edit_book(folder, lambda wb: setattr(cell_of(wb[INDICATORS_SHEET], "Điểm", "A05"), "value", "năm mươi"))
    found = problems(folder)
    assert "campaign.xlsx: Tiêu chí!E8 (A05): «Điểm» must be a number, not «năm mươi»" in found
    assert all("Tiêu chí!E8" in p for p in found if "A05" in p)


@pytest.mark.parametrize(
    ("header", "code", "value", "expected"),
    [
        (
            "Phương pháp",
            "A02",
            "kế hoạch",
            "Tiêu chí!F5 (A02): unknown scoring method «kế hoạch»; did you mean «Đạt/vượt kế hoạch»?",
        ),
        ("Các nhóm xếp hạng", "A12", "10:1; 30", "(A12): «Các nhóm xếp hạng» has an item «30» without its Tỷ lệ điểm"),
        ("Các mức xếp loại", "B08", "Tốt; Khá=0,5", "(B08): «Các mức xếp loại» has an item «Tốt» without «=»"),
        (
            "Số đơn vị cả nước",
            "A03",
            63,
            "(A03): «Số đơn vị cả nước» is not a parameter of «Đạt/vượt kế hoạch»; clear this cell",
        ),
        ("Tỷ lệ điểm khi đạt KH", "A03", 1.5, "(A03): «Tỷ lệ điểm khi đạt KH» should be less than or equal to 1"),
        ("Mã", "A05", "A04", "Tiêu chí!B8 (A04): duplicate code 'A04'"),
        ("Phần", "A05", "Z", "Tiêu chí!A8 (A05): section «Z» is not in «Phần»; choose one of: A, B, C, D, E, F"),
        (
            "Tỷ lệ điểm theo hạng",
            "A06",
            "1; 0,9; hai",
            "(A06): «Tỷ lệ điểm theo hạng» has an item that must be a number, not «hai»",
        ),
        ("Tỷ lệ điểm theo hạng", "A06", "1; 1.000", "(A06): «Tỷ lệ điểm theo hạng» has an item that is ambiguous"),
        (
            "Số liệu toàn Cụm",
            "A05",
            "tổng",
            "(A05): «Số liệu toàn Cụm» must be one of «Cộng», «Trung bình», «Không», not «tổng»",
        ),
    ],
)
def test_catalogue_mistake_is_located(tmp_path: Path, header: str, code: str, value: Any, expected: str) -> None:
    """Each mistake in «Tiêu chí» is one problem at its cell, with the indicator's code and how to fix it."""
    folder = book(tmp_path)
    edit_book(folder, lambda wb: setattr(cell_of(wb[INDICATORS_SHEET], header, code), "value", value))
    found = problems(folder)
    assert any(expected in p for p in found), found
    assert len([p for p in found if f"({code})" in p or "(A04)" in p]) >= 1


def test_cluster_sheet_mistakes_are_located(tmp_path: Path) -> None:
    """«Cụm» and «Thành viên» mistakes name the row's label and the cell, with the fix."""
    folder = book(tmp_path)

    def change(wb: Any) -> None:
        _set_value(wb, "chair", "99")
        _set_value(wb, "deadline", "mai")
        _set_value(wb, "ranking.tie_break", "Phần Z; Điểm chấm chéo")
        _set_value(wb, "report.signatory.acting", NULL_WORD)
        wb[MEMBERS_SHEET]["A5"].value = "80"

    edit_book(folder, change)
    found = problems(folder)
    assert (
        "campaign.xlsx: Cụm!B6: chair '99' is not a member; use one of: 80, 82, 83, 84, 86, 87, 89, 91, 93, 94, 95, 96"
        not in found
    )
    assert any(p.startswith("campaign.xlsx: Cụm!B6: chair '99' is not a member") for p in found), found
    assert any("«Hạn gửi lại biểu chấm điểm» must be a date (dd/mm/yyyy" in p for p in found)
    assert any("Cụm!" in p and "no section 'Z' in the catalogue" in p for p in found)
    assert (
        "campaign.xlsx: Thành viên!A5 (Tiền Giang): duplicate member code '80' (also Thành viên!A4 (Long An))" in found
    )
    # member 82's code changed to 80: the meeting attendee who named 82 is located too
    assert any(p.startswith("campaign.xlsx: Cụm!") and "'82' is not a member" in p for p in found), found
    assert len(found) == 5, found


def test_rows_inserted_and_columns_moved_change_nothing(tmp_path: Path) -> None:
    """Rows are found by key (or label) and columns by header: inserted rows, moved columns, the same campaign."""
    folder = book(tmp_path)
    expected = load_campaign(folder)

    def change(wb: Any) -> None:
        wb[CLUSTER_SHEET].insert_rows(8, 2)
        wb[CLUSTER_SHEET].delete_cols(4)  # without «Khóa», rows are found by their label
        wb[MEMBERS_SHEET].insert_rows(6)
        ws = wb[INDICATORS_SHEET]
        ws.insert_rows(10)
        ws.move_range("C3:C60", cols=40)  # «Tiêu chí» moved to the far right
        ws.move_range("D3:AR60", cols=-1)

    edit_book(folder, change)
    again = load_campaign(folder)
    assert again.model_dump(exclude={"folder"}) == expected.model_dump(exclude={"folder"})


def test_new_schema_keys_appear_without_code_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key added to campaign.yaml's schema (a list of objects, a date) gets its «Cụm» row and reads back."""

    class Attendee(BaseModel):
        name: str
        title: str = ""

    class Meeting(BaseModel):
        date: dt.date | None = None
        attendees: list[Attendee] = Field([], description="who attended")

    class Report(ReportInfo):
        meeting: Meeting = Meeting()

    class Grown(CampaignFile):
        report: Report = Report()  # type: ignore[assignment]

    monkeypatch.setattr(layout, "CampaignFile", Grown)
    data = {
        "cluster": "Cụm X",
        "report": {
            "meeting": {"date": dt.date(2024, 3, 1), "attendees": [{"name": "Lê Văn C", "title": "Chánh Văn phòng"}]}
        },
    }
    target = tmp_path / "campaign.xlsx"
    target.write_bytes(book_bytes(data, {}))
    wb = openpyxl.load_workbook(target)
    row = next(r for r in wb[CLUSTER_SHEET].iter_rows(min_row=4) if r[3].value == "report.meeting.attendees")
    assert row[1].value == "Lê Văn C: Chánh Văn phòng" and row[0].value == "Thành phần dự họp"
    camp, _ = read_book(target)
    assert camp.data["report"]["meeting"] == data["report"]["meeting"]


# ------------------------------------------------------------------ notations


@pytest.mark.parametrize(
    ("annotation", "value", "cell"),
    [
        (list[float], [1.0, 0.9, 0.8], "1; 0,9; 0,8"),
        (list[Band], [{"top_pct": 10, "share": 1}, {"top_pct": 30, "share": 0.8}], "10:1; 30:0,8"),
        (
            dict[str, float],
            {"Hoàn thành tốt nhiệm vụ": 0.7, "Không đạt": 0},
            "Hoàn thành tốt nhiệm vụ=0,7\nKhông đạt=0",
        ),
        (list[str], ["Như trên", "Lưu: VT, NC"], "Như trên\nLưu: VT, NC"),
        (list[str], ["84", "86"], "84; 86"),
        (bool, False, "Sai"),
        (float | None, 0.1 + 0.2, 0.1 + 0.2),
        (list[float], [0.1 + 0.2], "0,30000000000000004"),
        (dict[str, Any], {"a": [1, 2]}, "{a: [1, 2]}"),
    ],
)
def test_notation_writes_and_reads_back_exactly(annotation: Any, value: Any, cell: Any) -> None:
    """Each notation writes a value as documented and reads it back to the same value."""
    codec = codec_for(annotation)
    assert codec.write(value) == cell
    assert codec.read(cell) == value


def test_notation_reads_what_a_person_types() -> None:
    """Numbers typed as text the Vietnamese way, codes typed as numbers, dates as text, words for values."""
    assert codec_for(float).read("0,85") == 0.85
    assert codec_for(str).read(80.0) == "80"
    assert codec_for(dt.date).read("15/01/2024") == dt.date(2024, 1, 15)
    assert codec_for(dt.date).read(45306) == dt.date(2024, 1, 15)  # a date cell that lost its format
    assert codec_for(bool).read("có") is True
    assert codec_for(str | None).read(NULL_WORD) is None and codec_for(str).read("  ") is MISSING
    tie = codec_for(list[str], choices={"section:": "Phần ", "peer": "Điểm chấm chéo"})
    assert tie.read("Phần A; Điểm chấm chéo") == ["section:A", "peer"]
    assert tie.write(["section:B", "peer"]) == "Phần B\nĐiểm chấm chéo"
    for bad, kind in (("1.000", float), ("năm", int), ("2023,5", int), (NULL_WORD, str)):
        with pytest.raises(NotationError):
            codec_for(kind).read(bad)
    assert Codec("text").read("  Cà Mau ") == "Cà Mau"


def test_workbook_bytes_are_reproducible(tmp_path: Path) -> None:
    """The same campaign gives the same campaign.xlsx, byte for byte."""
    a, b = book(tmp_path / "a"), book(tmp_path / "b")
    digest = [hashlib.sha256((f / "campaign.xlsx").read_bytes()).hexdigest() for f in (a, b)]
    assert digest[0] == digest[1]


@pytest.mark.parametrize("sample", [None, "tay-nam-bo-2023"])
def test_campaign_workbook_prints_and_rows_fit(tmp_path: Path, sample: str | None) -> None:
    """Every sheet of campaign.xlsx prints on A4 at a readable size, with page numbers and rows tall enough."""
    init_campaign(tmp_path / "c", sample, "xlsx")
    for ws in openpyxl.load_workbook(tmp_path / "c" / "campaign.xlsx").worksheets:
        _printable(ws)
        _rows_fit(ws)


def test_guide_shows_real_pictures_and_every_step() -> None:
    """docs/huong-dan.md links pictures that exist and are small, and walks through every command of the cycle."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    guide = (docs / "huong-dan.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((pictures/[^)]+\.png)\)", guide)
    assert len(pictures) >= 8
    for name in pictures:
        assert (docs / name).stat().st_size <= 150_000, name
    for command in ("init", "check", "trial", "forms", "collect", "status", "accept", "adjust", "rank", "report"):
        assert f"emuxl {command}" in guide, command
    assert "py -m venv .venv" in guide


def test_a_method_written_in_vietnamese_in_yaml_gets_a_suggestion(sample: Path) -> None:
    """`method: kế hoạch` in indicators.yaml is answered with the method it means, by its key and its title."""
    path = sample / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("method: plan,", "method: kế hoạch,", 1), encoding="utf-8")
    [found] = problems(sample)
    assert "unknown scoring method 'kế hoạch'; did you mean 'plan' (Đạt/vượt kế hoạch)?" in found


def test_trial_copy_holds_only_definitions_and_refuses_foreign_folders(tmp_path: Path, sample: Path) -> None:
    """A trial copy gets the definitions and templates only; a folder it did not make, or the campaign, is refused."""
    (sample / "inbox").mkdir()
    (sample / "inbox" / "real.xlsx").write_bytes(b"real")
    scratch = prepare_trial(sample)
    assert scratch == (sample / "chay-thu").resolve()
    assert sorted(p.name for p in scratch.iterdir()) == [
        ".emuxl-chay-thu",
        "campaign.yaml",
        "indicators.yaml",
        "templates",
    ]
    (scratch / "out").mkdir()
    assert prepare_trial(sample) == scratch and not (scratch / "out").exists()  # emptied again
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    with pytest.raises(InvalidRequest, match="not made by a trial run"):
        prepare_trial(sample, mine)
    with pytest.raises(InvalidRequest, match="holds the campaign itself"):
        prepare_trial(sample, sample)
    assert (mine / "notes.txt").read_text() == "keep" and (sample / "inbox" / "real.xlsx").read_bytes() == b"real"


def test_a_campaign_workbook_that_cannot_be_opened_is_one_problem(tmp_path: Path) -> None:
    """A campaign.xlsx that is not a workbook is said once, with how to save it; nothing is reported as empty."""
    from emuxl.definitions import load_campaign
    from emuxl.errors import DefinitionsError

    (tmp_path / "campaign.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(DefinitionsError) as raised:
        load_campaign(tmp_path)
    [problem] = [str(p) for p in raised.value.problems]
    assert problem.startswith("campaign.xlsx: not a readable .xlsx workbook (")


def test_report_check_names_a_blank_by_its_row_of_the_campaign_workbook(tmp_path: Path) -> None:
    """For a campaign.xlsx, a blank of the reports is named by its «Cụm» row (the YAML key beside it)."""
    from click.testing import CliRunner

    from emuxl.cli import main

    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", str(tmp_path / "c"), "--sample", "tay-nam-bo-2023", "--format", "xlsx"]).exit_code
        == 0
    )
    done = runner.invoke(main, ["report", str(tmp_path / "c"), "--check"])
    assert done.exit_code == 0, done.output
    assert "Blank: «Số biên bản họp bình xét» in sheet «Cụm» (report.minutes_number):" in done.output
