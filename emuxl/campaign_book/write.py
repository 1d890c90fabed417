"""campaign.xlsx written with XlsxWriter: blank, or holding a campaign's data; unlocked, checking itself as one types.

Every value cell gets the validation its type allows (a drop-down for choices,
whole numbers or numbers within the schema's bounds, dates) and an input
message in Vietnamese with its help and notation. In «Tiêu chí», parameter
cells a row's method does not use turn grey and required ones yellow while
empty, by conditional formats on the «Phương pháp» cell. Nothing is locked:
the secretariat inserts rows anywhere.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ..methods import METHODS, param_info
from ..sheets import GREY, HEAD, TITLE, new_workbook, row_height, set_print
from ..vnformat import number, short_date
from .labels import (
    CLUSTER_SHEET,
    GUIDE_SHEET,
    INDICATORS_SHEET,
    MEMBER_CODE_KEYS,
    MEMBERS_SHEET,
    METHODS_SHEET,
    SECTIONS_SHEET,
)
from .layout import (
    SECTION_KEY,
    Column,
    cluster_rows,
    indicator_columns,
    member_columns,
    required_params,
    section_columns,
)
from .notation import NULL_WORD, Codec

TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_ROW = 0, 1, 2, 3  # every sheet: title, a note, the header, then data
ROOM = 1000  # rows of a table sheet that get validation and formats beyond the data
EMPTY_ROWS = 15  # ruled empty rows of a blank table sheet
PORTRAIT_WIDTH = 95  # characters of columns that print on A4 portrait at a readable size
YELLOW = "#FFF2CC"  # a required cell still empty
KEY_GREY = "#808080"
METHOD_LIST = "DS_PhuongPhap"  # defined names the drop-downs use
SECTION_LIST = "DS_Phan"
MEMBER_LIST = "DS_ThanhVien"
CLUSTER_COLUMNS = ("Mục", "Giá trị", "Ghi chú", "Khóa")
CLUSTER_WIDTHS = (36, 46, 52, 26)

Data = Mapping[str, Any]


class _Formats:
    """The cell formats of the workbook."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.title = wb.add_format(dict(TITLE))
        self.note = wb.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        self.head = wb.add_format(dict(HEAD))
        self.heading = wb.add_format({"bold": True, "bg_color": GREY, "border": 1, "valign": "top"})
        self.label = [wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "indent": d}) for d in range(4)]
        self.text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "num_format": "@"})
        self.number = wb.add_format({"border": 1, "valign": "top", "align": "left", "num_format": "General"})
        self.date = wb.add_format({"border": 1, "valign": "top", "align": "left", "num_format": "dd/mm/yyyy"})
        self.hint = wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "italic": True})
        self.key = wb.add_format({"font_size": 9, "font_color": KEY_GREY, "valign": "top", "border": 1})
        self.column_text = wb.add_format({"text_wrap": True, "valign": "top", "num_format": "@"})
        self.column_number = wb.add_format({"valign": "top", "align": "left"})
        self.column_date = wb.add_format({"valign": "top", "align": "left", "num_format": "dd/mm/yyyy"})
        self.grey = wb.add_format({"bg_color": "#D9D9D9", "font_color": "#7F7F7F"})
        self.missing = wb.add_format({"bg_color": YELLOW})
        self.para = wb.add_format({"text_wrap": True, "valign": "top"})
        self.bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def cell(self, codec: Codec) -> Any:
        """The format of a value cell of this type."""
        return self.number if codec.is_number else self.date if codec.kind == "date" else self.text

    def column(self, codec: Codec) -> Any:
        """The format of a whole column of this type (what the secretariat types into inherits it)."""
        return self.column_number if codec.is_number else self.column_date if codec.kind == "date" else self.column_text


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: Any) -> None:
    """Write a cell as its type needs: text stays text, numbers numbers, dates dates."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Đúng" if value else "Sai", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _shown_default(codec: Codec, value: Any) -> str:
    """A default as the note column says it."""
    if value is None or value in ("", [], {}):
        return ""
    if codec.is_number:
        return number(value, 6)
    written = codec.write(value)
    if isinstance(written, dt.date):
        return short_date(written)
    return str(written).replace("\n", "; ")


def _validation(codec: Codec, title: str, message: str, source: str | None = None) -> dict[str, Any] | None:
    """The data validation of a value cell: drop-down, number range or date, with its input message."""
    base: dict[str, Any] = {"input_title": title[:32], "input_message": message[:255], "error_title": "Chưa đúng"}
    options = codec.options()
    if source is not None:
        return {
            **base,
            "validate": "list",
            "source": source,
            "error_type": "warning",
            "error_message": "Chọn trong danh sách.",
        }
    if options and sum(len(o) + 1 for o in options) < 250 and not any("," in o for o in options):
        return {**base, "validate": "list", "source": options, "error_message": "Chọn một giá trị trong danh sách."}
    if codec.is_number:
        whole = codec.kind == "integer"
        kind = "integer" if whole else "decimal"
        low, high = codec.low, codec.high
        words = "số nguyên" if whole else "số"
        if low is not None and high is not None:
            rule = {"criteria": "between", "minimum": low, "maximum": high}
            text = f"Phải là {words} từ {number(low)} đến {number(high)}."
        elif low is not None:
            rule = {"criteria": ">=", "value": low}
            text = f"Phải là {words} từ {number(low)} trở lên."
        else:
            rule = {"criteria": "between", "minimum": -1e15, "maximum": 1e15}
            text = f"Phải là {words}."
        return {**base, "validate": kind, **rule, "error_message": text}
    if codec.kind == "date":
        return {
            **base,
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2100, 12, 31),
            "error_message": "Phải là một ngày (dd/mm/yyyy).",
        }
    return {**base, "validate": "any"}


def _message(help: str, codec: Codec, example: str = "", required: bool = False) -> str:
    parts = [help] if help else []
    if codec.kind in ("list", "mapping", "yaml", "date", "integer"):
        parts.append(codec.notation()[:1].upper() + codec.notation()[1:])
    if example:
        parts.append(f"Ví dụ: {example}")
    if codec.nullable and codec.kind not in ("list",):
        parts.append(f"Gõ {NULL_WORD} nếu không có")
    if required:
        parts.append("Bắt buộc")
    return ". ".join(p.rstrip(".") for p in parts) + "."


# ------------------------------------------------------------------ «Cụm»


def _get(data: Data | None, path: Sequence[str]) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _write_cluster(wb: xlsxwriter.Workbook, fmt: _Formats, campaign: Data | None, catalogue: Data | None) -> None:
    ws = wb.add_worksheet(CLUSTER_SHEET)
    for col, width in enumerate(CLUSTER_WIDTHS):
        ws.set_column(col, col, width)
    ws.write_string(TITLE_ROW, 0, "THÔNG TIN CỤM THI ĐUA", fmt.title)
    note = (
        "Điền cột «Giá trị». Ô để trống nhận giá trị mặc định ghi ở cột «Ghi chú». "
        "Không sửa cột «Khóa»: emuxl tìm từng dòng theo khóa."
    )
    ws.merge_range(NOTE_ROW, 0, NOTE_ROW, 2, note, fmt.note)
    ws.set_row(NOTE_ROW, row_height(note, sum(CLUSTER_WIDTHS[:3])))
    for col, head in enumerate(CLUSTER_COLUMNS):
        ws.write_string(HEADER_ROW, col, head, fmt.head)
    for n, row in enumerate(cluster_rows()):
        r = FIRST_ROW + n
        if row.codec is None:
            ws.write_string(r, 0, row.label, fmt.heading)
            for col in (1, 2):
                ws.write_blank(r, col, None, fmt.heading)
            ws.write_string(r, 3, row.key, fmt.key)
            continue
        data = campaign if row.target == "campaign" else catalogue
        value = _get(data, row.path)
        present = value is not None or _has(data, row.path)
        written = row.codec.write(value) if present else None
        _put(ws, r, 1, written, fmt.cell(row.codec))
        default = _shown_default(row.codec, row.default)
        notes = [row.help] if row.help else []
        if row.required:
            notes.append("Bắt buộc.")
        elif default:
            notes.append(f"Mặc định: {default}")
        if row.codec.kind in ("list", "mapping"):
            notes.append("Cách ghi: " + row.codec.notation() + ".")
        hint = " ".join(n if n.endswith(".") else n + "." for n in notes)
        ws.write_string(r, 0, row.label, fmt.label[min(row.depth, 3)])
        ws.write_string(r, 2, hint, fmt.hint)
        ws.write_string(r, 3, row.key, fmt.key)
        shown = written if isinstance(written, str) else ""
        ws.set_row(r, row_height(row.label, CLUSTER_WIDTHS[0], shown, CLUSTER_WIDTHS[1], hint, CLUSTER_WIDTHS[2]))
        source = f"={MEMBER_LIST}" if row.key in MEMBER_CODE_KEYS else None
        rule = _validation(row.codec, row.label, _message(row.help, row.codec, required=row.required), source)
        if rule:
            ws.data_validation(r, 1, r, 1, rule)
        if row.required:
            ws.conditional_format(r, 1, r, 1, {"type": "blanks", "format": fmt.missing})
    ws.freeze_panes(FIRST_ROW, 1)
    set_print(ws, "Thông tin Cụm thi đua", CLUSTER_WIDTHS[:3], repeat_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_area(0, 0, FIRST_ROW + len(cluster_rows()), 2)


def _has(data: Data | None, path: Sequence[str]) -> bool:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


# ------------------------------------------------------------------ table sheets


def _header(column: Column) -> str:
    """A column's header: its label, and for a parameter the methods that use it, on a second line."""
    if not column.params:
        return column.label
    titles = [METHODS[name].title for name in column.params]
    return f"{column.label}\n({'; '.join(titles)})"


def _column_message(column: Column) -> str:
    if len(column.helps) > 1 and len(set(column.helps.values())) > 1:
        text = "; ".join(f"{METHODS[m].title}: {h}" for m, h in column.helps.items())
        return _message(text, column.codec, column.example)
    return _message(column.help, column.codec, column.example, column.required and not column.params)


def _write_table(
    wb: xlsxwriter.Workbook,
    fmt: _Formats,
    name: str,
    title: str,
    note: str,
    columns: list[Column],
    rows: list[dict[str, Any]],
    sources: Mapping[str, str],
    keys: int,
) -> Worksheet:
    ws = wb.add_worksheet(name)
    widths = [c.width for c in columns]
    for col, column in enumerate(columns):
        ws.set_column(col, col, column.width, fmt.column(column.codec))
    ws.write_string(TITLE_ROW, 0, title, fmt.title)
    span = min(len(columns) - 1, 7)
    ws.merge_range(NOTE_ROW, 0, NOTE_ROW, span, note, fmt.note)
    ws.set_row(NOTE_ROW, row_height(note, sum(widths[: span + 1])))
    headers = [_header(c) for c in columns]
    for col, head in enumerate(headers):
        ws.write_string(HEADER_ROW, col, head, fmt.head)
    ws.set_row(HEADER_ROW, row_height(*[x for pair in zip(headers, widths, strict=True) for x in pair]))
    last = FIRST_ROW + len(rows) + ROOM
    for n, values in enumerate(rows or [{}] * EMPTY_ROWS):  # a blank sheet shows empty rows to fill
        r = FIRST_ROW + n
        texts: list[Any] = []
        for col, column in enumerate(columns):
            value = values.get(column.key)
            _put(ws, r, col, value, fmt.cell(column.codec))
            if isinstance(value, str):
                texts += [value, column.width]
        if texts:
            ws.set_row(r, row_height(*texts))
    for col, column in enumerate(columns):
        rule = _validation(column.codec, column.label, _column_message(column), sources.get(column.key))
        if rule:
            ws.data_validation(FIRST_ROW, col, last, col, rule)
    ws.freeze_panes(FIRST_ROW, keys)
    landscape = sum(widths) > PORTRAIT_WIDTH
    set_print(
        ws, title[:1] + title[1:].lower(), widths, landscape=landscape, repeat_rows=(HEADER_ROW, HEADER_ROW), keys=keys
    )
    return ws


def _method_rule(cell: str, methods: Sequence[str]) -> str:
    """A formula true when the method in ``cell`` is one of ``methods`` (by its title or its key)."""
    names = [x.replace('"', '""') for m in methods for x in (METHODS[m].title, m)]
    return "OR(" + ",".join(f'{cell}="{x}"' for x in names) + ")"


def _shade_params(ws: Worksheet, fmt: _Formats, columns: list[Column], last: int) -> None:
    """Grey the parameter cells a row's method does not use; yellow the empty ones it requires."""
    method_col = next(i for i, c in enumerate(columns) if c.key == "method")
    method = f"${xl_col_to_name(method_col)}{FIRST_ROW + 1}"
    for col, column in enumerate(columns):
        if not column.params:
            continue
        ws.conditional_format(
            FIRST_ROW,
            col,
            last,
            col,
            {
                "type": "formula",
                "criteria": f'=AND({method}<>"",NOT({_method_rule(method, list(column.params))}))',
                "format": fmt.grey,
            },
        )
        required = required_params(column)
        if required:
            cell = xl_rowcol_to_cell(FIRST_ROW, col)
            ws.conditional_format(
                FIRST_ROW,
                col,
                last,
                col,
                {
                    "type": "formula",
                    "criteria": f'=AND({_method_rule(method, required)},{cell}="")',
                    "format": fmt.missing,
                },
            )


def _member_rows(campaign: Data | None) -> list[dict[str, Any]]:
    members = campaign.get("members") if isinstance(campaign, Mapping) else None
    return [_cells(m, member_columns()) for m in members or [] if isinstance(m, Mapping)]


def _cells(item: Mapping[str, Any], columns: list[Column]) -> dict[str, Any]:
    return {c.key: c.codec.write(item[c.key]) for c in columns if c.key in item}


def _indicator_rows(catalogue: Data | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sections = catalogue.get("sections") if isinstance(catalogue, Mapping) else None
    section_rows, indicator_rows = [], []
    columns = indicator_columns()
    plain = [c for c in columns if not c.params and c.key != SECTION_KEY]
    by_param = {(m, key): c for c in columns for m, key in c.params.items()}
    for section in sections or []:
        section_rows.append(_cells(section, section_columns()))
        for ind in section.get("indicators", []):
            row = {SECTION_KEY: section.get("code"), **_cells(ind, plain)}
            method = ind.get("method")
            for key, value in (ind.get("params") or {}).items():
                column = by_param[(method, key)]
                row[column.key] = column.codec.write(value)
            indicator_rows.append(row)
    return section_rows, indicator_rows


# ------------------------------------------------------------------ the guide and the methods


def _write_methods(wb: xlsxwriter.Workbook, fmt: _Formats) -> None:
    ws = wb.add_worksheet(METHODS_SHEET)
    widths = (26, 12, 44, 60)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width, fmt.para)
    ws.write_string(TITLE_ROW, 0, "CÁC PHƯƠNG PHÁP CHẤM ĐIỂM", fmt.title)
    note = "Danh sách để chọn ở cột «Phương pháp» của sheet «Tiêu chí». Quy tắc chi tiết: docs/methods.md."
    ws.merge_range(NOTE_ROW, 0, NOTE_ROW, 3, note, fmt.note)
    heads = ("Phương pháp", "Khóa (YAML)", "Đơn vị nhập trên biểu", "Tham số (cột của sheet Tiêu chí)")
    for col, head in enumerate(heads):
        ws.write_string(HEADER_ROW, col, head, fmt.head)
    ws.set_row(HEADER_ROW, row_height(*[x for pair in zip(heads, widths, strict=True) for x in pair]))
    for n, method in enumerate(METHODS.values()):
        r = FIRST_ROW + n
        inputs = "; ".join(dict.fromkeys(i.label for i in method.inputs)) or "—"
        if method.peer_scored:
            inputs = "các thành viên khác chấm trên phiếu chấm chéo"
        params = "\n".join(f"{p.label}: {p.help}" for p in param_info(method.params)) or "Không có tham số"
        for col, text in enumerate((method.title, method.name, inputs, params)):
            ws.write_string(r, col, text, fmt.bold if col == 0 else fmt.text)
        ws.set_row(r, row_height(inputs, widths[2], params, widths[3]))
    first, last = FIRST_ROW + 1, FIRST_ROW + len(METHODS)
    wb.define_name(METHOD_LIST, f"='{METHODS_SHEET}'!$A${first}:$A${last}")
    set_print(ws, "Các phương pháp chấm điểm", widths, repeat_rows=(HEADER_ROW, HEADER_ROW))


GUIDE = [
    (
        "Tệp này là gì",
        "campaign.xlsx là định nghĩa của một giao ước thi đua: Cụm, thành viên, bảng tiêu chí. "
        "emuxl đọc tệp này để làm biểu chấm điểm, nhận biểu, chấm điểm, xếp hạng và viết báo cáo.",
    ),
    (
        "1. Sheet «Cụm»",
        "Điền tên Cụm, năm, Cụm trưởng, Cụm phó, chỉ tiêu khen thưởng, hạn gửi biểu và thông tin văn bản. "
        "Ô để trống nhận giá trị mặc định ghi ở cột «Ghi chú»; ô vàng là ô bắt buộc còn trống.",
    ),
    (
        "2. Sheet «Thành viên»",
        "Mỗi dòng một đơn vị, theo thứ tự chính thức: mã (gõ như chữ, ví dụ 80), tên; "
        "nếu đơn vị được hợp nhất từ đơn vị cũ, ghi các đơn vị cũ; ghi vi phạm nếu đơn vị không được xét Cờ.",
    ),
    ("3. Sheet «Phần»", "Mỗi dòng một phần của bảng tiêu chí: mã (A, B, …) và tên phần."),
    (
        "4. Sheet «Tiêu chí»",
        "Mỗi dòng một tiêu chí: chọn Phần và Phương pháp trong danh sách, ghi mã, tên, đơn vị, điểm. "
        "Các cột sau là tham số của phương pháp: ô xám là tham số phương pháp đã chọn không dùng (để trống); "
        "ô vàng là tham số bắt buộc còn trống; ô trắng để trống thì dùng giá trị mặc định.",
    ),
    (
        "Cách ghi nhiều giá trị trong một ô",
        "Danh sách: các mục cách nhau bởi dấu ; (ví dụ 1; 0,9; 0,8). "
        "Nhóm xếp hạng: «nhóm %:tỷ lệ điểm» (10:1; 30:0,8). Các mức xếp loại: «tên mức=tỷ lệ điểm» "
        "(Hoàn thành xuất sắc nhiệm vụ=1; Hoàn thành tốt nhiệm vụ=0,7). "
        "Đơn vị cũ: «mã: tên» (83: Bến Tre; 84: Trà Vinh). "
        "Nơi nhận, căn cứ: mỗi dòng một mục (Alt+Enter để xuống dòng trong ô). "
        "Trong các cách ghi này, số thập phân dùng dấu phẩy: 0,8.",
    ),
    ("Thêm dòng", "Có thể chèn hoặc xóa dòng ở bất kỳ đâu trong các sheet; không sửa tên sheet và tiêu đề cột."),
    (
        "5. Kiểm tra",
        "Lưu tệp (định dạng Excel .xlsx) rồi chạy: emuxl check. Mỗi lỗi nêu sheet, ô và cách sửa, "
        "ví dụ «Tiêu chí!E7 (A05): «Điểm» must be a number». Sửa hết lỗi rồi chạy lại đến khi thấy OK.",
    ),
    (
        "6. Chạy thử",
        "emuxl trial: chạy thử cả quy trình trên một bản sao (thư mục chay-thu), với số liệu giả định "
        "của các thành viên, để xem biểu, bảng xếp hạng và báo cáo trước khi gửi biểu. Không đụng đến số liệu thật.",
    ),
    (
        "7. Gửi biểu",
        "emuxl forms: viết biểu chấm điểm cho từng thành viên vào thư mục forms. Hướng dẫn đầy đủ: docs/huong-dan.md.",
    ),
]


def _write_guide(wb: xlsxwriter.Workbook, fmt: _Formats) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    widths = (22, 74)
    ws.set_column(0, 0, widths[0], fmt.bold)
    ws.set_column(1, 1, widths[1], fmt.para)
    ws.write_string(TITLE_ROW, 0, "HƯỚNG DẪN ĐIỀN TỆP THIẾT LẬP CỤM THI ĐUA", fmt.title)
    for n, (head, text) in enumerate(GUIDE):
        r = FIRST_ROW + n - 1
        ws.write_string(r, 0, head, fmt.bold)
        ws.write_string(r, 1, text, fmt.para)
        ws.set_row(r, row_height(head, widths[0], text, widths[1]))
    set_print(ws, "Hướng dẫn", widths, landscape=False)


# ------------------------------------------------------------------ the workbook


def book_bytes(campaign: Data | None = None, catalogue: Data | None = None) -> bytes:
    """campaign.xlsx holding a campaign's data as read from YAML (None: the blank workbook)."""
    target = io.BytesIO()
    title = "Thiết lập Cụm thi đua" + (f": {campaign['cluster']}" if campaign and campaign.get("cluster") else "")
    wb = new_workbook(target, title)
    fmt = _Formats(wb)
    _write_guide(wb, fmt)
    _write_cluster(wb, fmt, campaign, catalogue)
    members = member_columns()
    member_rows = _member_rows(campaign)
    _write_table(
        wb,
        fmt,
        MEMBERS_SHEET,
        "THÀNH VIÊN CỤM",
        "Mỗi dòng một đơn vị, theo thứ tự chính thức. Mã gõ như chữ (80, 07). Cách ghi đơn vị cũ: «mã: tên; mã: tên».",
        members,
        member_rows,
        {},
        2,
    )
    code_col = xl_col_to_name(next(i for i, c in enumerate(members) if c.key == "code"))
    wb.define_name(
        MEMBER_LIST, f"='{MEMBERS_SHEET}'!${code_col}${FIRST_ROW + 1}:${code_col}${FIRST_ROW + len(member_rows) + ROOM}"
    )
    section_rows, indicator_rows = _indicator_rows(catalogue)
    sections = section_columns()
    _write_table(
        wb,
        fmt,
        SECTIONS_SHEET,
        "CÁC PHẦN CỦA BẢNG TIÊU CHÍ",
        "Mỗi dòng một phần: mã (A, B, …) và tên.",
        sections,
        section_rows,
        {},
        1,
    )
    code_col = xl_col_to_name(next(i for i, c in enumerate(sections) if c.key == "code"))
    wb.define_name(
        SECTION_LIST,
        f"='{SECTIONS_SHEET}'!${code_col}${FIRST_ROW + 1}:${code_col}${FIRST_ROW + len(section_rows) + ROOM}",
    )
    columns = indicator_columns()
    note = (
        "Mỗi dòng một tiêu chí. Chọn «Phần» và «Phương pháp» trong danh sách. Các cột sau «Cách chấm» là tham số: "
        "ô xám là tham số phương pháp đã chọn không dùng; ô vàng là tham số bắt buộc còn trống; ô trắng để trống "
        "thì dùng mặc định. Nhiều giá trị trong một ô cách nhau bởi dấu ; (1; 0,9; 0,8), nhóm xếp hạng «nhóm %:tỷ lệ» "
        "(10:1; 30:0,8), mức xếp loại «tên=tỷ lệ»; trong các cách ghi này số thập phân dùng dấu phẩy."
    )
    ws = _write_table(
        wb,
        fmt,
        INDICATORS_SHEET,
        "BẢNG TIÊU CHÍ, THANG ĐIỂM",
        note,
        columns,
        indicator_rows,
        {SECTION_KEY: f"={SECTION_LIST}", "method": f"={METHOD_LIST}"},
        3,
    )
    _shade_params(ws, fmt, columns, FIRST_ROW + len(indicator_rows) + ROOM)
    _write_methods(wb, fmt)
    wb.worksheets()[1].activate()
    wb.close()
    return target.getvalue()
