"""Member and peer scoring forms (*biểu tự chấm điểm*, *phiếu chấm chéo*), written with XlsxWriter."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from . import __version__
from .definitions import Campaign, Indicator, Member
from .errors import EmuxlError
from .files import write_atomic
from .i18n import _
from .layout import (
    COLUMNS,
    FIRST_ROW,
    FORMAT_VERSION,
    GUIDE_SHEET,
    HEADER_ROW,
    HEADING_NAME,
    KIND_MEMBER,
    KIND_PEER,
    META_KEYS,
    META_SHEET,
    PEER_COLUMNS,
    PEER_SHEET,
    SCORE_SHEET,
    input_name,
    peer_name,
    section_name,
    title_name,
)
from .methods import MAX_AMOUNT, Input, Refs, Value
from .scoring import self_score
from .sheets import GREY, HEAD, NUMBER_FORMAT, TITLE, FormulaSheet, new_workbook, row_height, set_print
from .store import STORE_FILE, Store
from .vnformat import number, short_date

PASSWORD = "emuxl"  # ASCII only: LibreOffice rejects non-ASCII sheet passwords
Values = Mapping[str, Mapping[str, Value]]  # indicator code -> input name -> value
Carried = Mapping[str, Mapping[str, tuple[float | None, str]]]  # indicator -> input -> (last year's value, note)
CARRIED_COLOUR = "#DDEBF7"  # an input pre-filled from last year (next-year)


def form_path(campaign: Campaign, member: Member, kind: str = KIND_MEMBER) -> Path:
    """Where a member's form is written: ``forms/<code>-<slug>.xlsx`` (peer: ``…-cham-cheo.xlsx``)."""
    suffix = "-cham-cheo" if kind == KIND_PEER else ""
    return campaign.folder / "forms" / f"{member.code}-{member.slug}{suffix}.xlsx"


def self_formula(indicator: Indicator, refs: Mapping[str, str]) -> str:
    """The self-score formula of a member-local indicator (penalties shown negative)."""
    body = indicator.spec.formula(Refs(inputs=refs), indicator.settings, indicator.points)
    return f"=-({body})" if indicator.spec.role == "penalty" else f"={body}"


class _Formats:
    """The cell formats of one workbook."""

    def __init__(self, wb: xlsxwriter.Workbook):
        border = {"border": 1, "valign": "vcenter", "text_wrap": True}
        self.title = wb.add_format({**TITLE, "align": "center"})
        self.subtitle = wb.add_format({"bold": True, "align": "center"})
        self.subtitle_wrap = wb.add_format({"bold": True, "align": "center", "text_wrap": True, "valign": "top"})
        self.hint = wb.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        self.head = wb.add_format(HEAD)
        self.colno = wb.add_format({**border, "italic": True, "align": "center", "font_size": 10})
        self.text = wb.add_format(border)
        self.center = wb.add_format({**border, "align": "center"})
        self.points = wb.add_format({**border, "align": "center", "num_format": "General"})  # 50, 12.5: no «50.»
        self.section_points = wb.add_format({**border, "bold": True, "bg_color": "#FFF2CC", "num_format": "General"})
        self.total_points = wb.add_format({**border, "bold": True, "bg_color": "#E2EFDA", "num_format": "General"})
        self.section = wb.add_format({**border, "bold": True, "bg_color": "#FFF2CC"})
        self.section_num = wb.add_format({**border, "bold": True, "bg_color": "#FFF2CC", "num_format": NUMBER_FORMAT})
        self.score = wb.add_format({**border, "num_format": NUMBER_FORMAT, "bg_color": GREY})
        self.na = wb.add_format({**border, "bg_color": GREY})
        self.total = wb.add_format({**border, "bold": True, "num_format": NUMBER_FORMAT, "bg_color": "#E2EFDA"})
        self.total_text = wb.add_format({**border, "bold": True, "bg_color": "#E2EFDA"})
        unlocked = {**border, "locked": False, "bg_color": "#FFFFFF"}
        self.number = wb.add_format({**unlocked, "num_format": NUMBER_FORMAT})
        self.integer = wb.add_format({**unlocked, "num_format": "#,##0"})
        self.choice = wb.add_format(unlocked)
        carried = {**unlocked, "bg_color": CARRIED_COLOUR, "italic": True}
        self.carried_number = wb.add_format({**carried, "num_format": NUMBER_FORMAT})
        self.carried_integer = wb.add_format({**carried, "num_format": "#,##0"})
        self.note = wb.add_format(unlocked)
        self.missing = wb.add_format({"bg_color": "#FFE699"})
        self.sign = wb.add_format({"bold": True, "align": "center"})
        self.sign_hint = wb.add_format({"italic": True, "align": "center"})


def _new_workbook(buffer: io.BytesIO, campaign: Campaign, member: Member, kind: str) -> xlsxwriter.Workbook:
    title = f"Biểu tự chấm điểm thi đua năm {campaign.year} - {member.name}"
    wb = new_workbook(buffer, title, campaign.cluster)
    meta = _meta(campaign, member, kind)
    for key in META_KEYS:
        wb.set_custom_property(f"emuxl_{key}", str(meta[key]))
    return wb


def _meta(campaign: Campaign, member: Member, kind: str) -> dict[str, Any]:
    return {
        "cluster": campaign.cluster,
        "year": campaign.year,
        "member": member.code,
        "kind": kind,
        "fingerprint": campaign.catalogue.fingerprint,
        "format": FORMAT_VERSION,
        "emuxl": __version__,
    }


def _write_meta(wb: xlsxwriter.Workbook, campaign: Campaign, member: Member, kind: str) -> None:
    ws = wb.add_worksheet(META_SHEET)
    for row, (key, value) in enumerate(_meta(campaign, member, kind).items()):
        ws.write_string(row, 0, key)
        if isinstance(value, int):
            ws.write_number(row, 1, value)
        else:
            ws.write_string(row, 1, str(value))
    ws.very_hidden()
    ws.protect(PASSWORD)


def _typed_scores(campaign: Campaign) -> str:
    """The guide's words on the self-scores a member types, for methods that need the whole cluster."""
    typed = sorted({i.spec.title for i in campaign.catalogue.indicators if i.spec.cluster_wide and i.inputs})
    if not typed:
        return "."
    names = ", ".join(f"«{t}»" for t in typed)
    return f"; tiêu chí chấm theo {names}: đơn vị tự nhập điểm, điểm chính thức do Cụm tính khi tổng hợp."


def _guide_lines(campaign: Campaign, member: Member, kind: str) -> list[str]:
    deadline = short_date(campaign.deadline) if campaign.deadline else "theo văn bản của Cụm"
    send_to = campaign.contact or "Ban Thi đua - Khen thưởng của đơn vị Cụm trưởng"
    if kind == KIND_PEER:
        what = [
            "1. Phiếu này dùng để chấm chéo: đơn vị chấm điểm cho từng thành viên khác của Cụm (không tự chấm mình).",
            "2. Nhập điểm vào các ô nhập liệu ở cột «Điểm chấm» (nền trắng; còn trống thì nền vàng), "
            "từ 0 đến điểm tối đa của tiêu chí.",
        ]
    else:
        what = [
            "1. Nhập số liệu vào các ô nhập liệu (nền trắng): Kế hoạch, Thực hiện, Cùng kỳ năm trước, Kết quả; "
            "ô nhập liệu bắt buộc mà còn trống có nền vàng, nhập xong sẽ trở lại nền trắng.",
            "2. Nhập số đúng đơn vị tính ghi ở cột «Đơn vị tính»; không nhập chữ, không nhập đơn vị "
            "hay dấu % vào ô số (tiêu chí tính bằng %: gõ số 76,5 theo dấu thập phân của máy, không gõ dấu %). "
            "Số lượng, số vụ: nhập 0 nếu không có.",
            "3. Với tiêu chí xếp loại hoặc đạt/không đạt: chọn trong danh sách của ô.",
            "4. Điểm tự chấm được tính tự động theo cách chấm" + _typed_scores(campaign),
            "5. Ghi minh chứng (số văn bản, nguồn số liệu) ở cột «Minh chứng, ghi chú».",
        ]
    return [
        f"{campaign.cluster.upper()} - NĂM {campaign.year}",
        f"HƯỚNG DẪN {'CHẤM CHÉO' if kind == KIND_PEER else 'TỰ CHẤM ĐIỂM'} - {member.name.upper()}",
        "",
        *what,
        "",
        "KHÔNG ĐƯỢC: đổi tên, xóa hoặc thêm trang tính; sửa tên tiêu chí, điểm tối đa, cách chấm; "
        "gộp ô; đặt mật khẩu cho tệp. Tệp bị sửa sẽ không được tiếp nhận.",
        f"Hạn gửi: {deadline}. Gửi lại chính tệp này (định dạng .xlsx, có thể đổi tên) cho: {send_to}.",
        "Phần mềm tiếp nhận sẽ gửi lại phiếu phản hồi nêu rõ ô cần sửa nếu có.",
    ]


GUIDE_WIDTH = 80  # characters: fits A4 portrait at 100 %


CARRIED_GUIDE = (
    "6. Ô nền xanh nhạt, chữ nghiêng ở cột «Cùng kỳ năm trước» đã được điền sẵn từ số liệu thực hiện năm trước "
    "trong hồ sơ của Cụm (đơn vị hình thành sau sắp xếp: tổng của các đơn vị cũ với chỉ tiêu cộng được); "
    "di chuột vào ô để xem nguồn. Kiểm tra và sửa nếu chưa đúng. Ô xanh còn trống: đơn vị tự nhập, ghi chú trong ô "
    "nói rõ lý do."
)


def _write_guide(
    wb: xlsxwriter.Workbook, fmt: _Formats, campaign: Campaign, member: Member, kind: str, carried: bool = False
) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    ws.set_column(0, 0, GUIDE_WIDTH)
    lines = _guide_lines(campaign, member, kind)
    if carried:
        lines.insert(lines.index("", 3), CARRIED_GUIDE)
    for row, line in enumerate(lines):
        ws.write_string(row, 0, line, fmt.subtitle_wrap if row < 2 else fmt.hint)
        ws.set_row(row, row_height(line, GUIDE_WIDTH))
    ws.protect(PASSWORD)
    set_print(ws, f"Hướng dẫn - {member.name}", [GUIDE_WIDTH], landscape=False)


def _prepare_sheet(ws: Worksheet, columns: Mapping[str, tuple[int, str, float]], member: Member, title: str) -> None:
    widths = [width for _col, _title, width in columns.values()]
    for col, _title, width in columns.values():
        ws.set_column(col, col, width)
    set_print(ws, f"{title} - {member.name}", widths, repeat_rows=(HEADER_ROW, HEADER_ROW + 1), keys=2)
    ws.freeze_panes(FIRST_ROW, 2)
    ws.protect(PASSWORD, {"format_columns": True, "format_rows": True})


def _write_heading(
    wb: xlsxwriter.Workbook, ws: Worksheet, fmt: _Formats, campaign: Campaign, member: Member, title: str, last: int
) -> None:
    ws.merge_range(0, 0, 0, last, campaign.cluster.upper(), fmt.subtitle)
    ws.merge_range(1, 0, 1, last, f"{title} NĂM {campaign.year}", fmt.title)
    ws.merge_range(2, 0, 2, last, f"Đơn vị: {member.name} (mã {member.code})", fmt.subtitle)
    wb.define_name(HEADING_NAME, f"='{ws.name}'!$A$3")
    deadline = short_date(campaign.deadline) if campaign.deadline else "theo văn bản của Cụm"
    send_to = f" Gửi lại cho: {campaign.contact}." if campaign.contact else ""
    hint = (
        f"Hạn gửi: {deadline}.{send_to} Chỉ nhập vào các ô nhập liệu (nền trắng); "
        "ô bắt buộc còn trống có nền vàng. Xem hướng dẫn ở trang tính «Hướng dẫn»."
    )
    ws.merge_range(3, 0, 3, last, hint, fmt.hint)
    ws.set_row(3, row_height(hint, 150))


def _write_header(ws: Worksheet, fmt: _Formats, columns: Mapping[str, tuple[int, str, float]]) -> None:
    ws.set_row(HEADER_ROW, max(45, row_height(*[x for _c, title, width in columns.values() for x in (title, width)])))
    for n, (col, title, _w) in enumerate(columns.values(), 1):
        ws.write_string(HEADER_ROW, col, title, fmt.head)
        ws.write_string(HEADER_ROW + 1, col, f"({n})", fmt.colno)


def _validation(inp: Input, indicator: Indicator, cell: str) -> dict[str, Any]:
    """The cell's data validation: the method's choices, or its valid range, with Vietnamese messages."""
    base = {"error_title": "Giá trị không hợp lệ", "input_title": inp.label[:32]}
    if inp.kind == "choice":
        return {
            **base,
            "validate": "list",
            "source": indicator.spec.choices(indicator.settings),
            "input_message": "Chọn một giá trị trong danh sách.",
            "error_message": "Chỉ được chọn một giá trị trong danh sách của ô.",
        }
    limits = indicator.limits(inp)
    unit = f" ({indicator.unit})" if indicator.unit and inp.column != "self" else ""
    hint = f"; {inp.hint}" if inp.hint else ""
    words = limits.words()
    messages = {
        "input_message": f"Nhập {words}{unit}{hint}."[:255],
        "error_message": f"Phải là {words}; không nhập chữ, đơn vị hay dấu %."[:255],
    }
    kind = "integer" if limits.whole else "decimal"
    if limits.above:  # more than the low bound: a rule Excel's «between» cannot say
        test = f"AND(ISNUMBER({cell}),{cell}>{limits.low}" + (f",{cell}<={limits.high})" if limits.high else ")")
        return {**base, **messages, "validate": "custom", "value": f"={test}"}
    low = limits.low if limits.low is not None else -MAX_AMOUNT
    high = limits.high if limits.high is not None else MAX_AMOUNT
    return {**base, **messages, "validate": kind, "criteria": "between", "minimum": low, "maximum": high}


def _write_input(
    wb: xlsxwriter.Workbook,
    ws: Worksheet,
    fmt: _Formats,
    row: int,
    inp: Input,
    ind: Indicator,
    value: Value,
    note: str | None = None,
) -> str:
    col = COLUMNS[inp.column][0]
    cell_format = {"number": fmt.number, "integer": fmt.integer, "choice": fmt.choice}[inp.kind]
    if note is not None:  # carried over from last year: marked, with where it came from (or why it is blank)
        cell_format = fmt.carried_integer if inp.kind == "integer" else fmt.carried_number
        ws.write_comment(row, col, note, {"author": "emuxl", "x_scale": 2.4, "y_scale": 1.6})
    if isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(row, col, value, cell_format)
    elif isinstance(value, str):
        ws.write_string(row, col, value, cell_format)
    else:
        ws.write_blank(row, col, None, cell_format)
    ws.data_validation(row, col, row, col, _validation(inp, ind, xl_rowcol_to_cell(row, col)))
    if inp.required:
        ws.conditional_format(row, col, row, col, {"type": "blanks", "format": fmt.missing})
    cell = xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)
    wb.define_name(input_name(ind.code, inp.name), f"='{ws.name}'!{cell}")
    return cell


def _write_indicator(
    wb: xlsxwriter.Workbook,
    ws: Worksheet,
    fmt: _Formats,
    row: int,
    ind: Indicator,
    values: Mapping[str, Value],
    carried: Mapping[str, tuple[float | None, str]] | None = None,
) -> int:
    """Write one indicator (and its sub-rows); return the next free row."""
    inputs = ind.inputs
    if carried:  # last year's figures where the values leave the input blank
        values = {**{k: v for k, (v, _note) in carried.items()}, **values}
    depth = max((i.row for i in inputs), default=0)
    for r in range(row, row + depth + 1):
        for key in ("code", "title", "unit", "points", "rule", "plan", "actual", "previous", "result", "self", "note"):
            ws.write_blank(r, COLUMNS[key][0], None, fmt.na)
    ws.write_string(row, COLUMNS["code"][0], ind.code, fmt.center)
    ws.write_string(row, COLUMNS["title"][0], ind.title, fmt.text)
    wb.define_name(title_name(ind.code), f"='{ws.name}'!{xl_rowcol_to_cell(row, COLUMNS['title'][0], True, True)}")
    ws.write_string(row, COLUMNS["unit"][0], ind.unit, fmt.center)
    ws.write_number(row, COLUMNS["points"][0], ind.points, fmt.points)
    ws.write_string(row, COLUMNS["rule"][0], ind.rule, fmt.text)
    ws.set_row(row, row_height(ind.title, COLUMNS["title"][2], ind.rule, COLUMNS["rule"][2]))
    refs = {}
    for inp in inputs:
        if inp.row and inp.row_label:
            ws.write_string(row + inp.row, COLUMNS["title"][0], f"- {inp.row_label}", fmt.text)
        note = carried[inp.name][1] if carried and inp.name in carried else None
        refs[inp.name] = _write_input(wb, ws, fmt, row + inp.row, inp, ind, values.get(inp.name), note)
    score_col = COLUMNS["self"][0]
    cached = self_score(ind, values)
    if cached is not None:
        ws.write_formula(row, score_col, self_formula(ind, refs), fmt.score, cached)
    elif ind.spec.peer_scored:
        ws.write_string(row, score_col, "Chấm chéo", fmt.na)
    ws.write(row, COLUMNS["note"][0], values.get("note") or None, fmt.note)
    note = xl_rowcol_to_cell(row, COLUMNS["note"][0], True, True)
    wb.define_name(input_name(ind.code, "note"), f"='{ws.name}'!{note}")
    return row + depth + 1


def _open_form(
    campaign: Campaign, member: Member, kind: str, carried: bool = False
) -> tuple[io.BytesIO, xlsxwriter.Workbook, _Formats, Worksheet, int]:
    """A new form workbook with its guide and its main sheet's heading and column titles written."""
    columns = PEER_COLUMNS if kind == KIND_PEER else COLUMNS
    buffer = io.BytesIO()
    wb = _new_workbook(buffer, campaign, member, kind)
    fmt = _Formats(wb)
    _write_guide(wb, fmt, campaign, member, kind, carried)
    # FormulaSheet: the self-score formulas, validations and highlighting rules are stored as written
    ws = wb.add_worksheet(PEER_SHEET if kind == KIND_PEER else SCORE_SHEET, worksheet_class=FormulaSheet)
    last = len(columns) - 1
    title = "PHIẾU CHẤM CHÉO" if kind == KIND_PEER else "BIỂU TỰ CHẤM ĐIỂM THI ĐUA"
    _prepare_sheet(ws, columns, member, "Phiếu chấm chéo" if kind == KIND_PEER else "Biểu tự chấm điểm")
    _write_heading(wb, ws, fmt, campaign, member, title, last)
    _write_header(ws, fmt, columns)
    return buffer, wb, fmt, ws, last


def member_form(
    campaign: Campaign, member: Member, values: Values | None = None, carried: Carried | None = None
) -> bytes:
    """The bytes of a member's self-scoring form, optionally pre-filled with values, and with last year's
    figures carried over by ``next-year`` (marked, each with a note on where it came from)."""
    values = values or {}
    carried = carried or {}
    buffer, wb, fmt, ws, last = _open_form(campaign, member, KIND_MEMBER, bool(carried))
    score_col = COLUMNS["self"][0]
    row, subtotals, grand = FIRST_ROW, [], 0.0
    for section in campaign.catalogue.sections:
        head, row = row, row + 1
        section_total = 0.0
        for ind in section.indicators:
            filled = {**{k: v for k, (v, _n) in carried.get(ind.code, {}).items()}, **values.get(ind.code, {})}
            score = self_score(ind, filled)
            section_total += score or 0.0
            row = _write_indicator(wb, ws, fmt, row, ind, values.get(ind.code, {}), carried.get(ind.code))
        for col in range(last + 1):
            ws.write_blank(head, col, None, fmt.section)
        ws.write_string(head, COLUMNS["code"][0], section.code, fmt.section)
        ws.write_string(head, COLUMNS["title"][0], section.title, fmt.section)
        ws.set_row(head, row_height(section.title, COLUMNS["title"][2]))
        cell = xl_rowcol_to_cell(head, COLUMNS["title"][0], True, True)
        wb.define_name(section_name(section.code), f"='{ws.name}'!{cell}")
        base = sum(i.points for i in section.indicators if i.spec.role == "base")
        if base:
            ws.write_number(head, COLUMNS["points"][0], base, fmt.section_points)
        first, end = xl_rowcol_to_cell(head + 1, score_col), xl_rowcol_to_cell(row - 1, score_col)
        ws.write_formula(head, score_col, f"=SUM({first}:{end})", fmt.section_num, section_total)
        subtotals.append(xl_rowcol_to_cell(head, score_col))
        grand += section_total
    for col in range(last + 1):
        ws.write_blank(row, col, None, fmt.total_text)
    total = "TỔNG ĐIỂM TỰ CHẤM (chưa gồm chấm chéo)"
    ws.write_string(row, COLUMNS["title"][0], total, fmt.total_text)
    ws.set_row(row, row_height(total, COLUMNS["title"][2]))
    ws.write_number(row, COLUMNS["points"][0], campaign.catalogue.scale, fmt.total_points)
    ws.write_formula(row, score_col, "=" + "+".join(subtotals), fmt.total, grand)
    _write_signatures(ws, fmt, row + 2, (COLUMNS["title"][0], COLUMNS["self"][0]))
    ws.print_area(0, 0, row + 7, last)
    _write_meta(wb, campaign, member, KIND_MEMBER)
    wb.close()
    return buffer.getvalue()


def _write_signatures(ws: Worksheet, fmt: _Formats, row: int, cols: tuple[int, int]) -> None:
    left, right = cols
    ws.write_string(row, left, "NGƯỜI LẬP BIỂU", fmt.sign)
    ws.write_string(row + 1, left, "(Ký, ghi rõ họ tên)", fmt.sign_hint)
    ws.write_string(row, right, "THỦ TRƯỞNG ĐƠN VỊ", fmt.sign)
    ws.write_string(row + 1, right, "(Ký tên, đóng dấu)", fmt.sign_hint)


def peer_form(campaign: Campaign, scorer: Member, values: Mapping[str, Mapping[str, float]] | None = None) -> bytes:
    """The bytes of a member's peer-scoring form: every other member against each peer criterion."""
    values = values or {}
    buffer, wb, fmt, ws, last = _open_form(campaign, scorer, KIND_PEER)
    col = {key: spec[0] for key, spec in PEER_COLUMNS.items()}
    row = FIRST_ROW
    for ind in campaign.catalogue.peer_indicators:
        for c in range(last + 1):
            ws.write_blank(row, c, None, fmt.section)
        ws.write_string(row, col["code"], ind.code, fmt.section)
        ws.write_string(row, col["title"], ind.title, fmt.section)
        ws.set_row(row, row_height(ind.title, PEER_COLUMNS["title"][2]))
        cell = xl_rowcol_to_cell(row, col["title"], True, True)
        wb.define_name(title_name(ind.code), f"='{ws.name}'!{cell}")
        ws.write_number(row, col["points"], ind.points, fmt.section_points)
        row += 1
        for other in (m for m in campaign.members if m.code != scorer.code):
            for key in ("code", "title", "points"):
                ws.write_blank(row, col[key], None, fmt.na)
            ws.write_string(row, col["member"], other.name, fmt.text)
            ws.set_row(row, row_height(other.name, PEER_COLUMNS["member"][2]))
            given = values.get(ind.code, {}).get(other.code)
            if given is None:
                ws.write_blank(row, col["score"], None, fmt.number)
            else:
                ws.write_number(row, col["score"], given, fmt.number)
            ws.data_validation(
                row,
                col["score"],
                row,
                col["score"],
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": 0,
                    "maximum": ind.points,
                    "input_title": "Điểm chấm chéo",
                    "input_message": f"Điểm cho {other.name}, từ 0 đến {number(ind.points)}."[:255],
                    "error_title": "Giá trị không hợp lệ",
                    "error_message": f"Điểm phải là số từ 0 đến {number(ind.points)}.",
                },
            )
            ws.conditional_format(row, col["score"], row, col["score"], {"type": "blanks", "format": fmt.missing})
            ref = xl_rowcol_to_cell(row, col["score"], True, True)
            wb.define_name(peer_name(ind.code, other.code), f"='{ws.name}'!{ref}")
            ws.write_blank(row, col["note"], None, fmt.note)
            row += 1
    _write_signatures(ws, fmt, row + 1, (col["title"], col["score"]))
    _write_meta(wb, campaign, scorer, KIND_PEER)
    wb.close()
    return buffer.getvalue()


# ------------------------------------------------------------------ many forms, many cores

_worker_campaign: Campaign | None = None
_worker_carried: Mapping[str, Carried] = {}


def _init_worker(campaign: Campaign, carried: Mapping[str, Carried] | None = None) -> None:
    global _worker_campaign, _worker_carried
    _worker_campaign = campaign
    _worker_carried = carried or {}


def _write_one(code: str, kind: str) -> Path:
    campaign = _worker_campaign
    assert campaign is not None
    member = campaign.member(code)
    path = form_path(campaign, member, kind)
    if kind == KIND_MEMBER:
        write_atomic(path, member_form(campaign, member, carried=_worker_carried.get(code)))
    else:
        write_atomic(path, peer_form(campaign, member))
    return path


def carried_values(campaign: Campaign) -> dict[str, Carried]:
    """What ``next-year`` carried over into this campaign (member -> indicator -> input -> (value, note))."""
    if not (campaign.folder / STORE_FILE).is_file():
        return {}
    with Store(campaign.folder) as store:
        return dict(store.carried())


def _write_chunk(tasks: list[tuple[str, str]]) -> list[Path]:
    return [_write_one(code, kind) for code, kind in tasks]


def form_tasks(campaign: Campaign, codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The (member code, form kind) pairs to write: every member form, plus peer forms if needed."""
    chosen = list(codes) if codes else campaign.member_codes
    unknown = [c for c in chosen if c not in campaign.member_codes]
    if unknown:
        raise EmuxlError(
            _("not a member: {unknown}; members are {members}").format(
                unknown=", ".join(unknown), members=", ".join(campaign.member_codes)
            )
        )
    kinds = [KIND_MEMBER, KIND_PEER] if campaign.has_peer else [KIND_MEMBER]
    return [(code, kind) for code in chosen for kind in kinds]


def write_forms(campaign: Campaign, codes: Iterable[str] | None = None, jobs: int | None = None) -> Iterator[Path]:
    """Write the forms of the given members (default: all) and yield each path as it is done."""
    tasks = form_tasks(campaign, codes)
    carried = carried_values(campaign)
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) < 8:
        _init_worker(campaign, carried)
        for code, kind in tasks:
            yield _write_one(code, kind)
        return
    size = max(1, min(64, len(tasks) // (jobs * 4)))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(campaign, carried)) as pool:
        for paths in pool.map(_write_chunk, chunks):
            yield from paths
