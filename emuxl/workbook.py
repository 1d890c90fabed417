"""The master ranking workbook ``out/ranking.xlsx``: live formulas over the inputs, cached values = Python's.

Sheets: *Tổng hợp* (ranking, awards, chart), *Chi tiết* (indicator × member:
inputs, % of plan, points), one sheet per section, *Chấm chéo* (the peer
matrix) and *Giải trình* (every explanation, adjustment and tie-break).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from .definitions import Campaign, Indicator
from .edits import ADJUSTED, UnsavedEdits, pending_edits, record, take_edits
from .files import write_atomic
from .methods import Input, Refs, Value, plan_ratio
from .ranking import Ranking, award_words
from .results import Results, as_data, compute
from .scoring import Inputs, PeerScores, Scorecard, explain
from .sheets import A4, GREY, HEAD, NUMBER, TEXT, TITLE, WARN, FormulaSheet, new_workbook, row_height, set_print
from .store import Store
from .vnformat import number
from .workbook_meeting import decision_lines, previous_sheet, robustness_sheet

SUMMARY, CHART, DETAIL, PEER, EXPLAIN = "Tổng hợp", "Biểu đồ", "Chi tiết", "Chấm chéo", "Giải trình"
DETAIL_HEAD = [
    ("code", "Mã", 6),
    ("title", "Tiêu chí", 36),
    ("member", "Mã ĐV", 7),
    ("name", "Đơn vị", 14),
    ("unit", "Đơn vị tính", 11),
]
ROW_INPUTS = [
    ("plan", "Kế hoạch", 12),
    ("actual", "Thực hiện", 12),
    ("previous", "Cùng kỳ", 12),
    ("result", "Kết quả", 16),
]
DETAIL_TAIL = [
    ("ratio", "% kế hoạch", 10),
    ("formula", "Điểm theo quy định", 11),
    ("adjusted", "Điểm điều chỉnh", 11),
    ("points", "Điểm", 10),
    ("self", "Tự chấm", 9),
    ("why", "Giải trình", 50),
]


def detail_columns(campaign: Campaign) -> list[tuple[str, str, float]]:
    """The «Chi tiết» sheet's columns: the four input columns of the form, a column for each input
    the catalogue's methods keep on a sub-row (the three accident figures and their previous year),
    then % of plan, the points and the explanation."""
    sub_rows: dict[str, tuple[str, str, float]] = {}
    for ind in campaign.catalogue.indicators:
        for inp in ind.inputs:
            if inp.row and inp.column != "self":
                sub_rows.setdefault(inp.name, (inp.name, inp.label, 8))
    return [*DETAIL_HEAD, *ROW_INPUTS, *sub_rows.values(), *DETAIL_TAIL]


def input_column(inp: Input, cols: Mapping[str, int]) -> int:
    """The «Chi tiết» column an input's value goes to."""
    if inp.column == "self":
        return cols["self"]
    return cols[inp.name] if inp.row else cols[inp.column]


HEAD_ROW = 3


@dataclass
class Written:
    """The workbook's bytes and, for every formula cell, the value Python computed for it."""

    data: bytes
    computed: dict[tuple[str, int, int], float] = field(default_factory=dict)  # (sheet, row, column) -> value
    editable: bytes = b""  # the record of its editable cells (see edits.py)

    @property
    def expected(self) -> dict[tuple[str, str], float]:
        """The value Python computed for each formula cell, by (sheet, "B12")."""
        return {(sheet, xl_rowcol_to_cell(row, col)): value for (sheet, row, col), value in self.computed.items()}


class _Book:
    def __init__(self, campaign: Campaign):
        self.buffer = io.BytesIO()
        # constant memory: every sheet is written top to bottom, so memory stays flat at national scale
        title = f"Tổng hợp kết quả chấm điểm năm {campaign.year}"
        self.wb = new_workbook(self.buffer, title, campaign.cluster, constant_memory=True)
        add = self.wb.add_format
        self.title = add(TITLE)
        self.head = add(HEAD)
        self.text = add(TEXT)
        self.num = add({**NUMBER, "valign": "top"})
        self.pct = add({"border": 1, "num_format": "0.00%", "valign": "top"})
        self.integer = add({**NUMBER, "num_format": "#,##0", "valign": "top"})
        self.section = add({"bold": True, "valign": "top"})
        self.bold_num = add({**NUMBER, "bold": True, "valign": "top"})
        self.blank = add({"border": 1, "bg_color": GREY})
        self.center = add({**TEXT, "align": "center"})
        self.bold = add({"bold": True})
        self.paragraph = add({"text_wrap": True, "valign": "top"})
        self.share = add({"border": 1, "num_format": "0%", "align": "center", "valign": "top"})
        self.warn = add({**TEXT, "bg_color": WARN})
        self.warn_center = add({**TEXT, "bg_color": WARN, "align": "center"})
        self.computed: dict[tuple[str, int, int], float] = {}  # formula cells: (sheet, row, column) -> value
        self.title_text = f"Kết quả chấm điểm thi đua năm {campaign.year}"
        self.chart_sheet: Any = None
        self.editable: dict[tuple[str, str], dict[str, list[Any]]] = {}  # (indicator, member) -> field -> [col, value]

    def sheet(
        self, name: str, widths: Sequence[float], freeze: tuple[int, int], keys: int = 0, heads: Sequence[str] = ()
    ) -> Worksheet:
        """A sheet with its columns, frozen panes, print setup (its first ``keys`` columns on every page) and a
        header row tall enough for its titles ``heads``."""
        ws = self.wb.add_worksheet(name, worksheet_class=FormulaSheet)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(*freeze)
        set_print(ws, f"{self.title_text} - {name}", widths, repeat_rows=(HEAD_ROW, HEAD_ROW), keys=keys)
        ws.set_row(HEAD_ROW, max(36, row_height(*[x for h, w in zip(heads, widths, strict=False) for x in (h, w)])))
        return ws

    def formula(self, ws: Worksheet, row: int, col: int, text: str, value: float, fmt: object) -> str:
        """Write a formula with its cached value and remember the value to check it."""
        ws.write_formula(row, col, text, fmt, value)
        self.computed[(ws.name, row, col)] = value
        return xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)


def _ref(sheet: str, cell: str) -> str:
    return f"'{sheet}'!{cell}"


def _write_value(ws: Worksheet, row: int, col: int, value: Value, book: _Book, whole: bool = False) -> None:
    if isinstance(value, float | int) and not isinstance(value, bool):
        ws.write_number(row, col, value, book.integer if whole and float(value).is_integer() else book.num)
    elif isinstance(value, str):
        ws.write_string(row, col, value, book.text)
    else:
        ws.write_blank(row, col, None, book.text)


def _peer_sheet(book: _Book, campaign: Campaign, peer: PeerScores) -> dict[tuple[str, str], str]:
    """The peer matrix; returns (indicator, member) -> the range of scores that member received."""
    members = campaign.members
    widths = [8, 18] + [11] * len(members)
    ws = book.sheet(PEER, widths, (HEAD_ROW + 1, 2), keys=2)
    head_height = max(36, row_height(*[x for m in members for x in (m.name, 11)]))
    ws.write_string(
        0, 0, f"MA TRẬN CHẤM CHÉO NĂM {campaign.year} (hàng: đơn vị được chấm; cột: đơn vị chấm)", book.title
    )
    ranges: dict[tuple[str, str], str] = {}
    ws.set_row(HEAD_ROW, head_height)
    for col, head in enumerate(["Mã ĐV", "Đơn vị được chấm", *(m.name for m in members)]):
        ws.write_string(HEAD_ROW, col, head, book.head)
    row = HEAD_ROW + 1
    for ind in campaign.catalogue.peer_indicators:
        title = f"{ind.code}. {ind.title} (tối đa {number(ind.points)} điểm; đơn vị chấm theo cột, không tự chấm)"
        ws.set_row(row, row_height(title, sum(widths) * 0.9))
        ws.write_string(row, 0, title, book.section)
        row += 1
        for scored in members:
            ws.write_string(row, 0, scored.code, book.text)
            ws.write_string(row, 1, scored.name, book.text)
            for j, scorer in enumerate(members):
                if scorer.code == scored.code:
                    ws.write_blank(row, 2 + j, None, book.blank)
                else:
                    _write_value(ws, row, 2 + j, peer.get(scorer.code, {}).get(ind.code, {}).get(scored.code), book)
            first, last = xl_rowcol_to_cell(row, 2, True, True), xl_rowcol_to_cell(row, 1 + len(members), True, True)
            ranges[(ind.code, scored.code)] = _ref(PEER, f"{first}:{last}")
            row += 1
        row += 1
    return ranges


def _detail_block(
    book: _Book,
    ws: Worksheet,
    row: int,
    ind: Indicator,
    campaign: Campaign,
    inputs: Inputs,
    cards: Mapping[str, Scorecard],
    peer_ranges: Mapping[tuple[str, str], str],
    cols: Mapping[str, int],
) -> tuple[int, dict[str, str]]:
    """Write one indicator's rows (one per member); return the next row and member -> final points cell."""
    first, last = row, row + len(campaign.members) - 1
    COL = cols  # the sheet's column numbers by key
    widths = {key: width for key, _t, width in DETAIL_HEAD + DETAIL_TAIL}

    def column_range(key: str) -> str:
        a, b = xl_rowcol_to_cell(first, COL[key], True, True), xl_rowcol_to_cell(last, COL[key], True, True)
        return f"{a}:{b}"

    # the same for every member of the block: worked out once
    columns = {"actual": column_range("actual")}
    ratios = column_range("ratio")
    inputs_at = [(inp, input_column(inp, COL)) for inp in ind.inputs]
    letters = {col: xl_col_to_name(col) for _inp, col in inputs_at} | {COL["adjusted"]: xl_col_to_name(COL["adjusted"])}
    finals: dict[str, str] = {}
    for r, member in enumerate(campaign.members, start=first):
        values = inputs.get(member.code, {}).get(ind.code, {})
        cell = cards[member.code].cells[ind.code]
        why = explain(cell)
        ws.set_row(
            r,
            row_height(
                ind.title, widths["title"], why, widths["why"], member.name, widths["name"], ind.unit, widths["unit"]
            ),
        )
        ws.write_string(r, COL["code"], ind.code, book.text)
        ws.write_string(r, COL["title"], ind.title, book.text)
        ws.write_string(r, COL["member"], member.code, book.text)
        ws.write_string(r, COL["name"], member.name, book.text)
        ws.write_string(r, COL["unit"], ind.unit, book.text)
        number_of_row = str(r + 1)
        refs: dict[str, str] = {}
        typed: dict[str, list[Any]] = {}
        for inp, col in inputs_at:
            value = values.get(inp.name)
            _write_value(ws, r, col, value, book, whole=inp.kind == "integer")
            refs[inp.name] = letters[col] + number_of_row
            typed[inp.name] = [col, float(value) if isinstance(value, int | float) else value]
        typed[ADJUSTED] = [COL["adjusted"], cell.adjustment.points if cell.adjustment else None]
        book.editable[(ind.code, member.code)] = typed
        if ind.spec.uses_plan:
            plan, actual = refs["plan"], refs["actual"]
            ratio_value = plan_ratio(values)
            text = f'=IF(AND(ISNUMBER({plan}),ISNUMBER({actual})),IF({plan}>0,{actual}/{plan},""),"")'
            ws.write_formula(r, COL["ratio"], text, book.pct, ratio_value if ratio_value is not None else "")
            if ratio_value is not None:
                book.computed[(ws.name, r, COL["ratio"])] = ratio_value
        spec = Refs(inputs=refs, column=columns, ratios=ratios, peers=peer_ranges.get((ind.code, member.code)))
        computed = book.formula(
            ws, r, COL["formula"], "=" + ind.spec.formula(spec, ind.settings, ind.points), cell.computed, book.num
        )
        if cell.adjustment:
            ws.write_number(r, COL["adjusted"], cell.adjustment.points, book.num)
        else:
            ws.write_blank(r, COL["adjusted"], None, book.num)
        adjusted = letters[COL["adjusted"]] + number_of_row
        final = f"=IF(ISNUMBER({adjusted}),{adjusted},{computed})"
        finals[member.code] = book.formula(ws, r, COL["points"], final, cell.points, book.bold_num)
        if "self" not in refs:
            ws.write_blank(r, COL["self"], None, book.text)
        ws.write_string(r, COL["why"], why, book.text)
    return last + 1, finals


def ranking_workbook(results: Results) -> Written:
    """The master ranking workbook for the year's results (scores, ranking, the inputs and peer scores behind them)."""
    campaign, cards, ranking = results.campaign, results.cards, results.ranking
    inputs, peer = results.inputs, results.peer
    book = _Book(campaign)
    summary = book.sheet(SUMMARY, [], (HEAD_ROW + 1, 3), keys=3)
    book.chart_sheet = book.wb.add_chartsheet(CHART)
    book.chart_sheet.set_landscape()
    book.chart_sheet.set_paper(A4)
    book.chart_sheet.set_header(f'&C&"Times New Roman,Bold"&11{book.title_text} - {CHART}')
    book.chart_sheet.set_footer("&C&10Trang &P/&N")
    columns = detail_columns(campaign)
    cols = {key: i for i, (key, _t, _w) in enumerate(columns)}
    detail = book.sheet(
        DETAIL, [w for _k, _t, w in columns], (HEAD_ROW + 1, 4), keys=4, heads=[t for _k, t, _w in columns]
    )
    section_sheets = {
        s.code: book.sheet(
            f"Phần {s.code}",
            [8, 40] + [11] * len(campaign.members),
            (HEAD_ROW + 1, 2),
            keys=2,
            heads=["Mã", "Tiêu chí", *(m.name for m in campaign.members)],
        )
        for s in campaign.catalogue.sections
    }
    peer_ranges = _peer_sheet(book, campaign, peer) if campaign.has_peer else {}

    detail.write_string(0, 0, f"CHI TIẾT ĐIỂM THEO TIÊU CHÍ VÀ ĐƠN VỊ NĂM {campaign.year}", book.title)
    for col, (_k, title, _w) in enumerate(columns):
        detail.write_string(HEAD_ROW, col, title, book.head)
    finals: dict[str, dict[str, str]] = {}
    row = HEAD_ROW + 1
    for ind in campaign.catalogue.indicators:
        row, finals[ind.code] = _detail_block(book, detail, row, ind, campaign, inputs, cards, peer_ranges, cols)
    detail.autofilter(HEAD_ROW, 0, row - 1, len(columns) - 1)
    # inputs an indicator does not have stay unwritten and show grey: one rule, not a cell each
    # (at national scale that is 1.5 million cells fewer)
    detail.conditional_format(
        HEAD_ROW + 1, cols["plan"], row - 1, cols["ratio"], {"type": "blanks", "format": book.blank}
    )

    subtotal_cells: dict[str, dict[str, str]] = {}
    for section in campaign.catalogue.sections:
        ws = section_sheets[section.code]
        ws.write_string(0, 0, f"PHẦN {section.code}. {section.title.upper()}", book.title)
        ws.write_string(HEAD_ROW, 0, "Mã", book.head)
        ws.write_string(HEAD_ROW, 1, "Tiêu chí", book.head)
        for j, m in enumerate(campaign.members):
            ws.write_string(HEAD_ROW, 2 + j, m.name, book.head)
        r = HEAD_ROW + 1
        for ind in section.indicators:
            label = f"{ind.title} ({number(ind.points)} điểm{', trừ' if ind.spec.role == 'penalty' else ''})"
            ws.set_row(r, row_height(label, 40))
            ws.write_string(r, 0, ind.code, book.text)
            ws.write_string(r, 1, label, book.text)
            for j, m in enumerate(campaign.members):
                book.formula(
                    ws,
                    r,
                    2 + j,
                    "=" + _ref(DETAIL, finals[ind.code][m.code]),
                    cards[m.code].cells[ind.code].points,
                    book.num,
                )
            r += 1
        base = [i for i in section.indicators if i.spec.role == "base"]
        if base:
            ws.write_string(r, 1, "Cộng", book.head)
            subtotal_cells[section.code] = {}
            first_row = HEAD_ROW + 1
            rows = [first_row + k for k, i in enumerate(section.indicators) if i.spec.role == "base"]
            for j, m in enumerate(campaign.members):
                cells = ",".join(xl_rowcol_to_cell(x, 2 + j) for x in rows)
                cell = book.formula(ws, r, 2 + j, f"=SUM({cells})", cards[m.code].sections[section.code], book.bold_num)
                subtotal_cells[section.code][m.code] = _ref(ws.name, cell)

    _summary(book, summary, results, finals, subtotal_cells)
    _explanations(book, campaign, cards, ranking)
    robustness_sheet(book, results)
    previous_sheet(book, results)
    book.wb.close()
    editable = record(DETAIL, cols["code"], cols["member"], book.editable)
    return Written(book.buffer.getvalue(), book.computed, editable)


def _summary(
    book: _Book,
    ws: Worksheet,
    results: Results,
    finals: Mapping[str, Mapping[str, str]],
    subtotals: Mapping[str, Mapping[str, str]],
) -> None:
    campaign, cards, ranking, yearly = results.campaign, results.cards, results.ranking, results.year_on_year
    sections = [s for s in campaign.catalogue.sections if s.code in subtotals]
    heads = ["Hạng", "Mã", "Đơn vị"] + [f"Phần {s.code}" for s in sections]
    heads += ["Điểm thưởng", "Điểm trừ", "Tổng điểm", "Tổng (làm tròn)", "Đề nghị khen thưởng"]
    widths = [5, 5, 14] + [8] * len(sections) + [8, 8, 10, 10, 20]  # one A4 page wide up to six sections
    if yearly is not None:
        heads.append(f"So với năm {yearly.previous_year}")
        widths.append(16)
    heads.append("Ghi chú")
    widths.append(33)
    ws.write_string(0, 0, f"TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {campaign.year}", book.title)
    ws.write_string(1, 0, campaign.cluster)
    ws.set_row(HEAD_ROW, max(36, row_height(*[x for h, w in zip(heads, widths, strict=True) for x in (h, w)])))
    for col, (h, w) in enumerate(zip(heads, widths, strict=True)):
        ws.set_column(col, col, w)
        ws.write_string(HEAD_ROW, col, h, book.head)
    set_print(ws, f"{book.title_text} - {SUMMARY}", widths, repeat_rows=(HEAD_ROW, HEAD_ROW), keys=3)
    bonus_ids = [i.code for i in campaign.catalogue.indicators if i.spec.role == "bonus"]
    penalty_ids = [i.code for i in campaign.catalogue.indicators if i.spec.role == "penalty"]
    row = HEAD_ROW + 1
    total_col = 3 + len(sections) + 2
    for s in ranking.standings:
        card = cards[s.member]
        note = "; ".join(x for x in (s.justification, s.tie_break, *s.reasons, *s.flag_reasons, *_open(card)) if x)
        award = award_words(s)
        moved = yearly.of(s.member).words if yearly is not None else ""
        ws.set_row(
            row, row_height(note, widths[-1], award, widths[3 + len(sections) + 4], s.name, widths[2], moved, 16)
        )
        ws.write_number(row, 0, s.rank, book.center)
        ws.write_string(row, 1, s.member, book.center)
        ws.write_string(row, 2, s.name, book.text)
        parts = []
        for k, section in enumerate(sections):
            parts.append(
                book.formula(
                    ws, row, 3 + k, "=" + subtotals[section.code][s.member], card.sections[section.code], book.num
                )
            )
        bonus = "+".join(_ref(DETAIL, finals[c][s.member]) for c in bonus_ids) or "0"
        penalty = "+".join(_ref(DETAIL, finals[c][s.member]) for c in penalty_ids) or "0"
        b = book.formula(ws, row, 3 + len(sections), f"={bonus}", card.bonus, book.num)
        p = book.formula(ws, row, 4 + len(sections), f"={penalty}", card.penalty, book.num)
        total = book.formula(ws, row, total_col, f"=SUM({','.join(parts)})+{b}-{p}", card.total, book.bold_num)
        decimals = campaign.ranking.decimals
        book.formula(ws, row, total_col + 1, f"=ROUND({total},{decimals})", s.shown, book.bold_num)
        ws.write_string(row, total_col + 2, award, book.text)
        if yearly is not None:
            ws.write_string(row, total_col + 3, moved, book.text)
        ws.write_string(row, len(heads) - 1, note, book.text)
        row += 1
    lines = decision_lines(results)
    if lines:
        ws.write_string(row + 1, 0, "QUYẾT ĐỊNH CỦA HỘI NGHỊ BÌNH XÉT, SUY TÔN", book.bold)
        for k, line in enumerate(lines, start=row + 2):
            ws.set_row(k, row_height(line, sum(widths)))
            ws.merge_range(k, 0, k, len(heads) - 1, line, book.paragraph)
    chart = book.wb.add_chart({"type": "column"})
    last = HEAD_ROW + len(ranking.standings)
    chart.add_series(
        {
            "name": "Tổng điểm",
            "categories": [SUMMARY, HEAD_ROW + 1, 2, last, 2],
            "values": [SUMMARY, HEAD_ROW + 1, total_col, last, total_col],
            "data_labels": {"value": True, "num_format": "#,##0.00"},
        }
    )
    chart.set_title({"name": f"Tổng điểm thi đua năm {campaign.year} - {campaign.cluster}", "name_font": {"size": 14}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"min": 0, "num_format": "#,##0"})  # from 0: bars in proportion to the totals
    book.chart_sheet.set_chart(chart)  # a sheet of its own: it prints whole, on one A4 page


PROVISIONAL = frozenset({"missing-input", "plan-not-positive", "rank-out-of-range", "count-invalid", "unknown-level"})
EXPLAIN_WIDTHS = [8, 16, 8, 60, 40]
EXPLAIN_HEADS = ["Mã ĐV", "Đơn vị", "Tiêu chí", "Giải trình", "Điều chỉnh (lý do, người điều chỉnh)"]


def _open(card: Scorecard) -> list[str]:
    """What is still wrong in a member's return, said where the ranking is read: the scores are provisional."""
    if not card.submitted:
        return []
    wrong = [c.indicator for c in card.cells.values() if c.issue in PROVISIONAL and c.adjustment is None]
    if not wrong:
        return []
    shown = ", ".join(wrong[:6]) + (", …" if len(wrong) > 6 else "")
    return [f"biểu còn lỗi ở {len(wrong)} tiêu chí ({shown}), tạm tính 0 điểm: điểm và thứ hạng chưa chính thức"]


def _explanations(book: _Book, campaign: Campaign, cards: Mapping[str, Scorecard], ranking: Ranking) -> None:
    """«Giải trình»: what the meeting reads (adjustments, then ranks, tie-breaks, eligibility and awards);
    every cell's explanation is on «Chi tiết», not repeated here."""
    ws = book.sheet(EXPLAIN, EXPLAIN_WIDTHS, (HEAD_ROW + 1, 0), heads=EXPLAIN_HEADS)
    ws.write_string(0, 0, "GIẢI TRÌNH ĐIỂM, ĐIỀU CHỈNH VÀ XẾP HẠNG", book.title)
    ws.write_string(
        1, 0, f"Giải trình điểm của từng tiêu chí, từng đơn vị: cột «Giải trình» của trang tính «{DETAIL}»."
    )
    for col, h in enumerate(EXPLAIN_HEADS):
        ws.write_string(HEAD_ROW, col, h, book.head)
    row = HEAD_ROW + 1
    for m in campaign.members:
        for ind in campaign.catalogue.indicators:
            cell = cards[m.code].cells[ind.code]
            adj = cell.adjustment
            if adj is None:
                continue
            texts = [
                m.code,
                m.name,
                ind.code,
                cell.explanation,
                f"{number(adj.points)}: {adj.reason} ({adj.author}, {adj.at})",
            ]
            _text_row(book, ws, row, texts, EXPLAIN_WIDTHS)
            row += 1
    if row == HEAD_ROW + 1:
        _text_row(book, ws, row, ["", "", "", "Không có điểm nào được điều chỉnh.", ""], EXPLAIN_WIDTHS)
        row += 1
    row += 1
    ws.write_string(row, 0, "XẾP HẠNG, PHÁ THẾ HÒA VÀ ĐỀ NGHỊ KHEN THƯỞNG", book.title)
    row += 1
    for col, h in enumerate(["Mã ĐV", "Đơn vị", "Hạng", "Xếp hạng, phá thế hòa và đề nghị khen thưởng", "Ghi chú"]):
        ws.write_string(row, col, h, book.head)
    ws.set_row(row, 36)
    row += 1
    for s in ranking.standings:
        text = "; ".join(x for x in (s.justification, s.tie_break, *s.reasons, *s.flag_reasons) if x)
        _text_row(book, ws, row, [s.member, s.name, str(s.rank), text, "biểu quyết" if s.vote else ""], EXPLAIN_WIDTHS)
        row += 1
    for note in ranking.notes:
        _text_row(book, ws, row, ["", "", "", note, ""], EXPLAIN_WIDTHS)
        row += 1


def _text_row(book: _Book, ws: Worksheet, row: int, texts: Sequence[str], widths: Sequence[float]) -> None:
    """A row of texts, tall enough for the longest; codes and ranks centred."""
    ws.set_row(row, row_height(*[x for t, w in zip(texts, widths, strict=True) for x in (t, w)]))
    for col, text in enumerate(texts):
        ws.write_string(row, col, text, book.center if col in (0, 2) else book.text)


def ranking_path(campaign: Campaign) -> Path:
    """Where the master workbook goes."""
    return campaign.folder / "out" / "ranking.xlsx"


def write_ranking(campaign: Campaign, overwrite_edits: bool = False) -> Results:
    """Compute the results, write ``out/ranking.xlsx`` atomically and keep the run in the store.

    Refuses (``UnsavedEdits``) when values were typed into the workbook since
    emuxl wrote it, unless ``overwrite_edits``: take them first (``edits.take_edits``).
    """
    path = ranking_path(campaign)
    if not overwrite_edits:
        found = pending_edits(campaign, path)
        if found:
            raise UnsavedEdits(path, found)
    results = compute(campaign)
    written = ranking_workbook(results)
    write_atomic(path, written.data)
    with Store(campaign.folder) as store:
        store.set_master_state(hashlib.sha256(written.data).hexdigest(), written.editable)
        store.add_run(as_data(results))
    return results


def rank_taking_edits(campaign: Campaign, author: str, reason: str) -> tuple[list[str], Results]:
    """Record the values typed into ranking.xlsx as adjustments, then rank and write it anew."""
    found = pending_edits(campaign, ranking_path(campaign))
    taken = take_edits(campaign, compute(campaign), found, author, reason) if found else []
    return taken, write_ranking(campaign, overwrite_edits=True)
