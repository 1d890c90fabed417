"""The blank campaign.xlsx filled in a real spreadsheet program (LibreOffice, through UNO), then the whole cycle.

A small cluster as the secretariat would type it: 11 members (one code with
a leading zero), 4 sections, 15 indicators over every scoring method, values
chosen from the drop-downs, notations typed into cells, a date in a date cell.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from emuxl.campaign_book import layout
from emuxl.campaign_book.labels import CLUSTER_SHEET, INDICATORS_SHEET, MEMBERS_SHEET, SECTIONS_SHEET
from emuxl.campaign_book.write import FIRST_ROW
from emuxl.campaign_files import TRIAL_DIR, init_campaign
from emuxl.cli import main
from emuxl.definitions import load_campaign

pytestmark = pytest.mark.office

CLUSTER: dict[str, Any] = {
    "cluster": "Cụm thi đua các tỉnh đồng bằng sông Hồng",
    "year": 2023,
    "chair": "27",
    "deputies": "30; 33",
    "awards.flag": 1,
    "awards.merit": 2,
    "deadline": 45306,  # 15/01/2024, typed into a date cell
    "contact": "Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh Bắc Ninh",
    "illustrative": "Đúng",
    "ranking.tie_break": "Phần A\nĐiểm chấm chéo",
    "report.issuer": "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
    "report.number": "12/BC-UBND",
    "report.proposal_number": "13/TTr-UBND",
    "report.place": "Bắc Ninh",
    "report.signatory.name": "Nguyễn Văn D",
    "report.recipients": "Ban Thi đua - Khen thưởng Trung ương\nCác tỉnh thành viên Cụm\nLưu: VT, NC",
    "catalogue.scale": 300,
}
MEMBERS = [
    ("01", "Hà Nội"),
    ("22", "Quảng Ninh"),
    ("26", "Vĩnh Phúc"),
    ("27", "Bắc Ninh"),
    ("30", "Hải Dương"),
    ("31", "Hải Phòng"),
    ("33", "Hưng Yên"),
    ("34", "Thái Bình"),
    ("35", "Hà Nam"),
    ("36", "Nam Định"),
    ("37", "Ninh Bình"),
]
SECTIONS = [
    ("A", "Phát triển kinh tế"),
    ("B", "Văn hóa - xã hội"),
    ("C", "Quốc phòng, an ninh"),
    ("D", "Điểm thưởng, điểm trừ"),
]
# section, code, title, unit, points, method (as the drop-down shows it), aggregate, {parameter label: cell}
INDICATORS: list[tuple[str, str, str, str, float, str, str, dict[str, Any]]] = [
    ("A", "A01", "Thu ngân sách nhà nước", "tỷ đồng", 30, "Đạt/vượt kế hoạch", "Cộng",
     {"Tỷ lệ điểm khi đạt KH": 0.9, "Điểm cộng mỗi 1% vượt KH": 1, "Điểm tối đa kể cả cộng": 33}),
    ("A", "A02", "Tốc độ tăng trưởng GRDP", "%", 20, "Đạt/vượt kế hoạch", "Trung bình", {"Ngưỡng tối thiểu": 0.5}),
    ("A", "A03", "Tỷ lệ giải ngân vốn đầu tư công", "%", 20, "Dẫn đầu Cụm", "Trung bình", {}),
    ("A", "A04", "Vốn FDI thu hút mới", "triệu USD", 20, "Xếp hạng trong Cụm", "Cộng",
     {"Tỷ lệ điểm theo hạng": "1; 0,9; 0,8; 0,7", "Tỷ lệ điểm các hạng sau": 0.5}),
    ("A", "A05", "Chỉ số PCI", "thứ hạng", 20, "Xếp hạng cả nước", "Không",
     {"Số đơn vị cả nước": 63, "Các nhóm xếp hạng": "10:1; 30:0,8; 50:0,6", "Tỷ lệ điểm ngoài các nhóm": 0.4}),
    ("B", "B01", "Tỷ lệ lao động qua đào tạo", "%", 20, "Đạt/vượt kế hoạch", "Trung bình", {}),
    ("B", "B02", "Xếp loại phong trào văn hóa", "", 20, "Xếp loại", "Không",
     {"Các mức xếp loại": "Xuất sắc=1; Tốt=0,8; Khá=0,5; Chưa đạt=0"}),
    ("B", "B03", "Hoàn thành chỉ tiêu tuyển quân", "", 20, "Đạt/không đạt", "Không", {}),
    ("B", "B04", "Mô hình, điển hình tiên tiến", "mô hình", 20, "Chấm thẳng theo số lượng", "Cộng",
     {"Điểm mỗi lần": 4}),
    ("B", "B05", "Số vụ cháy, nổ", "vụ", 20, "Càng thấp càng tốt", "Cộng",
     {"So sánh với": "Chỉ tiêu cố định", "Chỉ tiêu": 100}),
    ("C", "C01", "Tai nạn giao thông", "vụ/người", 30, "Giảm 3 mặt tai nạn", "Không", {}),
    ("C", "C02", "Số vụ phạm pháp hình sự", "vụ", 20, "Càng thấp càng tốt", "Cộng", {"Tỷ lệ điểm khi bằng": 0.5}),
    ("C", "C03", "Đánh giá chung của các thành viên (chấm chéo)", "điểm", 40, "Chấm chéo", "Không", {}),
    ("D", "D01", "Được Trung ương khen thưởng đột xuất", "lần", 10, "Điểm thưởng", "Không", {"Điểm mỗi lần": 5}),
    ("D", "D02", "Gửi báo cáo chậm", "lần", 8, "Điểm trừ", "Không", {"Điểm mỗi lần": 2}),
]  # fmt: skip


def _cell(col: int, row: int) -> str:
    return f"{openpyxl.utils.get_column_letter(col + 1)}{row + 1}"


def typed_cells() -> dict[str, Any]:
    """Every cell the secretariat types, as «Sheet!A1»: value (text typed as text, numbers as numbers)."""
    cells: dict[str, Any] = {}
    rows = {r.key: FIRST_ROW + n for n, r in enumerate(layout.cluster_rows())}
    for key, value in CLUSTER.items():
        cells[f"{CLUSTER_SHEET}!{_cell(1, rows[key])}"] = value
    for n, (code, name) in enumerate(MEMBERS):
        cells[f"{MEMBERS_SHEET}!{_cell(0, FIRST_ROW + n)}"] = code
        cells[f"{MEMBERS_SHEET}!{_cell(1, FIRST_ROW + n)}"] = name
    for n, (code, title) in enumerate(SECTIONS):
        cells[f"{SECTIONS_SHEET}!{_cell(0, FIRST_ROW + n)}"] = code
        cells[f"{SECTIONS_SHEET}!{_cell(1, FIRST_ROW + n)}"] = title
    columns = {c.label: i for i, c in enumerate(layout.indicator_columns())}
    for n, (section, code, title, unit, points, method, aggregate, params) in enumerate(INDICATORS):
        given = {"Phần": section, "Mã": code, "Tiêu chí": title, "Đơn vị": unit, "Điểm": points}
        given |= {"Phương pháp": method, "Số liệu toàn Cụm": aggregate, **params}
        for label, value in given.items():
            if value != "":
                cells[f"{INDICATORS_SHEET}!{_cell(columns[label], FIRST_ROW + n)}"] = value
    return cells


def fill(office: Any, folder: Path, extra: dict[str, Any] | None = None) -> None:
    """Fill the blank campaign.xlsx of ``folder`` in LibreOffice and save it in place, as a person would."""
    blank = folder / "blank.xlsx"
    (folder / "campaign.xlsx").rename(blank)
    office.run(
        [
            {
                "path": str(blank),
                "set_cells": {**typed_cells(), **(extra or {})},
                "save_as": str(folder / "campaign.xlsx"),
            }
        ]
    )
    blank.unlink()


def tree(folder: Path) -> dict[str, str]:
    """Every file under a folder (the trial's scratch folder left out) with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and TRIAL_DIR not in p.relative_to(folder).parts
    }


def test_blank_workbook_filled_in_libreoffice_runs_the_cycle(office, tmp_path: Path) -> None:
    """Filled in LibreOffice: check passes; forms, the trial run and report work; the trial touches nothing real."""
    folder = tmp_path / "đồng bằng sông Hồng"  # Vietnamese and a space in the path
    init_campaign(folder)
    fill(office, folder)
    cli = CliRunner()
    done = cli.invoke(main, ["check", str(folder)])
    assert done.exit_code == 0, done.output
    campaign = load_campaign(folder)
    assert campaign.member("01").name == "Hà Nội" and campaign.deputies == ["30", "33"]
    assert str(campaign.deadline) == "2024-01-15" and campaign.ranking.tie_break == ["section:A", "peer"]
    assert campaign.report.recipients[-1] == "Lưu: VT, NC" and campaign.catalogue.scale == 300
    assert len(campaign.catalogue.indicators) == 15 and len({i.method for i in campaign.catalogue.indicators}) == 12
    a04 = next(i for i in campaign.catalogue.indicators if i.code == "A04")
    assert a04.params == {"shares": [1, 0.9, 0.8, 0.7], "rest": 0.5}
    b05 = next(i for i in campaign.catalogue.indicators if i.code == "B05")
    assert b05.params == {"reference": "target", "target": 100}

    done = cli.invoke(main, ["forms", str(folder)])
    assert done.exit_code == 0 and len(list((folder / "forms").glob("*.xlsx"))) == 22, done.output
    (folder / "inbox").mkdir()
    (folder / "inbox" / "thật.xlsx").write_bytes(b"a real return, kept as it is")
    before = tree(folder)
    done = cli.invoke(main, ["trial", str(folder)])
    assert done.exit_code == 0, done.output
    scratch = folder / TRIAL_DIR
    assert (scratch / "out" / "ranking.xlsx").is_file() and (scratch / "out" / "bao-cao-tong-ket.docx").is_file()
    assert "11/11 members returned a form." in done.output
    assert tree(folder) == before  # the real inbox, forms, templates and workbook are untouched; no store, no out/
    assert not (folder / "emuxl.db").exists() and not (folder / "out").exists()

    done = cli.invoke(main, ["report", str(folder)])
    assert done.exit_code == 0, done.output
    assert (folder / "out" / "bao-cao-tong-ket.docx").is_file()


def test_text_under_points_typed_in_libreoffice_is_located(office, tmp_path: Path) -> None:
    """Text typed under «Điểm» in LibreOffice is reported with its sheet, cell and indicator."""
    folder = tmp_path / "c"
    init_campaign(folder)
    column = next(i for i, c in enumerate(layout.indicator_columns()) if c.label == "Điểm")
    fill(office, folder, {f"{INDICATORS_SHEET}!{_cell(column, FIRST_ROW + 1)}": "hai mươi"})
    done = CliRunner().invoke(main, ["check", str(folder)])
    assert done.exit_code == 1
    assert "Error: campaign.xlsx: Tiêu chí!E5 (A02): «Điểm» must be a number, not «hai mươi»" in done.output
    assert "base indicators add up to 280 points" in done.output  # and the rest is still checked


def test_sample_workbook_survives_a_libreoffice_save(office, tmp_path: Path) -> None:
    """A sample as campaign.xlsx, opened and saved by LibreOffice, is still the same campaign."""
    folder = tmp_path / "s"
    init_campaign(folder, "tay-nam-bo-2025", "xlsx")
    before = load_campaign(folder)
    (folder / "campaign.xlsx").rename(folder / "saved-before.xlsx")
    office.run([{"path": str(folder / "saved-before.xlsx"), "save_as": str(folder / "campaign.xlsx")}])
    after = load_campaign(folder)
    assert after.model_dump(exclude={"folder"}) == before.model_dump(exclude={"folder"})
    for ws in openpyxl.load_workbook(folder / "campaign.xlsx").worksheets:
        assert not ws.protection.sheet
