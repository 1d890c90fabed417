"""The ranking workbook's sheets for the meeting: «Độ tin cậy» (how solid the ranking is), «So sánh năm trước»
(year on year), and the lines of the meeting's decisions under the ranking on «Tổng hợp»."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .ranking import FLAG, MERIT, Ranking
from .results import Results
from .robustness import Robust
from .sheets import row_height, set_print
from .vnformat import join

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

ROBUST, PREVIOUS = "Độ tin cậy", "So sánh năm trước"
ROBUST_WIDTHS = [20, 7, 18, 11, 16, 11, 11, 46]
PREVIOUS_WIDTHS = [6, 18, 11, 9, 11, 16, 30, 11, 11, 36]
SHORT_AWARD = {FLAG: "Cờ thi đua", MERIT: "Bằng khen"}


def decision_lines(results: Results) -> list[str]:
    """What the meeting decided, and what it still has to vote on, one Vietnamese line each."""
    ranking: Ranking = results.ranking
    names = {m.code: m.name for m in results.campaign.members}
    lines = [f"Đã biểu quyết: {v.sentence}" for v in ranking.votes]
    lines += [f"Thay đổi so với đề xuất: {d.sentence}" for d in ranking.departures]
    lines += [f"Chờ biểu quyết: {p.sentence}" for p in ranking.pending]
    if ranking.rotation_decided:
        deputies = join([names[d] for d in ranking.next_deputies])
        lines.append(
            f"Hội nghị suy tôn {names[ranking.next_chair]} làm Cụm trưởng"
            + (f", {deputies} làm Cụm phó" if deputies else "")
            + f" năm {results.campaign.year + 1}."
        )
    return lines


def _table(book: Any, ws: Worksheet, row: int, title: str, heads: Sequence[str], widths: Sequence[float]) -> int:
    """A table's title and header row; returns the first row of its body."""
    ws.write_string(row, 0, title, book.bold)
    ws.set_row(row + 1, max(33.0, row_height(*[x for h, w in zip(heads, widths, strict=False) for x in (h, w)])))
    for col, head in enumerate(heads):
        ws.write_string(row + 1, col, head, book.head)
    return row + 2


def _cells(
    book: Any, ws: Worksheet, row: int, values: Sequence[Any], widths: Sequence[float], fmts: Sequence[Any]
) -> None:
    """One row of values (text, numbers, blanks), tall enough for its longest text."""
    texts = [x for v, w in zip(values, widths, strict=False) if isinstance(v, str) for x in (v, w)]
    ws.set_row(row, row_height(*texts) if texts else None)
    for col, (value, fmt) in enumerate(zip(values, fmts, strict=True)):
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        else:
            ws.write_number(row, col, value, fmt)


def robustness_sheet(book: Any, results: Results) -> None:
    """«Độ tin cậy»: the margin and smallest flip at each boundary, rank intervals, members resting on one
    indicator; a paragraph for the minutes on top."""
    campaign, robust = results.campaign, results.robustness
    widths = ROBUST_WIDTHS
    ws = book.wb.add_worksheet(ROBUST)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    set_print(ws, f"{book.title_text} - {ROBUST}", widths)
    span = len(widths) - 1
    ws.write_string(0, 0, f"ĐỘ TIN CẬY CỦA KẾT QUẢ XẾP HẠNG NĂM {campaign.year}", book.title)
    ws.write_string(1, 0, campaign.cluster)
    ws.set_row(2, row_height(robust.sentence, sum(widths)))
    ws.merge_range(2, 0, 2, span, robust.sentence, book.paragraph)
    row = _margins(book, ws, 4, robust)
    row = _outliers(book, ws, row + 1, robust, results)
    ws.set_h_pagebreaks([row + 1])  # the intervals, one row a member, start a page and repeat their header
    _intervals(book, ws, row + 1, robust, results)
    ws.repeat_rows(row + 3)


def _margins(book: Any, ws: Worksheet, row: int, robust: Robust) -> int:
    heads = [
        "Ranh giới",
        "Hạng",
        "Đơn vị trong ranh giới",
        "Tổng điểm",
        "Đơn vị ngoài ranh giới (hạng)",
        "Tổng điểm",
        "Khoảng cách (điểm)",
        "Thay đổi nhỏ nhất làm đảo thứ tự (một tiêu chí của một đơn vị)",
    ]
    row = _table(book, ws, row, "1. Khoảng cách tại vị trí dẫn đầu và các ranh giới khen thưởng", heads, ROBUST_WIDTHS)
    fmts = [book.text, book.center, book.text, book.num, book.text, book.num, book.bold_num, book.text]
    if not robust.boundaries:
        ws.write_string(row, 0, "Không có ranh giới nào để xét.", book.text)
        return row + 1
    for b in robust.boundaries:
        flip = "Không một thay đổi ở một tiêu chí nào đảo được thứ tự."
        if b.flip is not None:
            flip = f"{b.flip.words[:1].upper()}{b.flip.words[1:]} ({b.flip.title})"
            if b.flip.carriers > 1:
                flip += f"; {b.flip.carriers - 1} tiêu chí khác của hai đơn vị cũng đảo được với thay đổi như vậy"
        values = [
            b.label,
            str(b.inside.rank),
            b.inside.name,
            b.inside.shown,
            f"{b.outside.name} (hạng {b.outside.rank})",
            b.outside.shown,
            b.margin,
            flip,
        ]
        _cells(book, ws, row, values, ROBUST_WIDTHS, fmts)
        row += 1
    return row


def _intervals(book: Any, ws: Worksheet, row: int, robust: Robust, results: Results) -> int:
    s = robust.settings
    title = f"3. Khoảng thứ hạng {robust.method_words}"
    heads = [
        "Đơn vị",
        "Hạng",
        f"Khoảng thứ hạng ({round(s.interval * 100)}% số lần)",
        "Tổng điểm",
        "Đề nghị theo kết quả chấm điểm",
        "Được Cờ thi đua (tỷ lệ số lần)",
        "Được Bằng khen (tỷ lệ số lần)",
        "Ghi chú",
    ]
    ws.set_row(row, row_height(title, sum(ROBUST_WIDTHS) * 0.9))
    row = _table(book, ws, row, title, heads, ROBUST_WIDTHS)
    fmts = [book.text, book.center, book.center, book.num, book.text, book.share, book.share, book.text]
    warn = {0: book.warn, 2: book.warn_center}
    for i in robust.intervals:
        s_ = results.ranking.of(i.member)
        note = i.note if i.eligible else ("; ".join(s_.reasons) if s_.reasons else "")
        if i.crosses and i.eligible:
            note = f"Cần lưu ý: {note[:1].lower()}{note[1:]}"
        span = f"{i.low}" if i.low == i.high else f"{i.low}–{i.high}"
        award = SHORT_AWARD.get(s_.proposed or "", "Chờ biểu quyết" if s_.pending else "")
        values = [i.name, str(i.rank), span, s_.shown, award, i.flag_share, i.merit_share, note]
        row_fmts = [warn.get(k, f) if i.crosses and i.eligible else f for k, f in enumerate(fmts)]
        _cells(book, ws, row, values, ROBUST_WIDTHS, row_fmts)
        row += 1
    return row


def _outliers(book: Any, ws: Worksheet, row: int, robust: Robust, results: Results) -> int:
    share = round(robust.settings.outlier_share * 100)
    title = f"2. Đơn vị có hơn {share}% khoảng cách so với bình quân Cụm đến từ một tiêu chí"
    heads = [
        "Đơn vị",
        "Hạng",
        "Tiêu chí",
        "Tỷ trọng trong khoảng cách",
        "So với bình quân Cụm",
        "Điểm tiêu chí",
        "Hạng nếu không tính tiêu chí này",
        "Ghi chú",
    ]
    row = _table(book, ws, row, title, heads, ROBUST_WIDTHS)
    if not robust.outliers:
        noun = results.campaign.report.member_noun
        _cells(book, ws, row, [f"Không có {noun} nào.", *[None] * 7], ROBUST_WIDTHS, [book.text] * 8)
        return row + 1
    fmts = [book.text, book.center, book.text, book.share, book.text, book.num, book.center, book.text]
    for o in robust.outliers:
        values = [
            o.name,
            str(o.rank),
            f"{o.indicator}. {o.title}",
            o.share,
            "trên bình quân" if o.above else "dưới bình quân",
            results.cards[o.member].cells[o.indicator].points,
            str(o.rank_without),
            o.sentence[:1].upper() + o.sentence[1:],
        ]
        _cells(book, ws, row, values, ROBUST_WIDTHS, fmts)
        row += 1
    return row


def previous_sheet(book: Any, results: Results) -> None:
    """«So sánh năm trước»: each member's rank and total against last year's (its predecessors' across a merger)."""
    yearly = results.year_on_year
    if yearly is None:
        return
    widths = PREVIOUS_WIDTHS
    ws = book.wb.add_worksheet(PREVIOUS)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    set_print(ws, f"{book.title_text} - {PREVIOUS}", widths, keys=2)
    span = len(widths) - 1
    ws.write_string(0, 0, f"SO SÁNH KẾT QUẢ NĂM {yearly.year} VỚI NĂM {yearly.previous_year}", book.title)
    ws.write_string(1, 0, results.campaign.cluster)
    row = 2
    for text in (yearly.sentence, yearly.not_compared_sentence):
        if text:
            ws.set_row(row, row_height(text, sum(widths)))
            ws.merge_range(row, 0, row, span, text, book.paragraph)
            row += 1
    last = yearly.previous_year
    heads = [
        "Hạng",
        "Đơn vị",
        "Tổng điểm",
        f"Hạng năm {last}",
        f"Tổng điểm năm {last}",
        "Thay đổi thứ hạng",
        f"Đơn vị năm {last} (hạng/số đơn vị)",
        f"Điểm các tiêu chí so sánh được, năm {yearly.year}",
        f"Như trên, năm {last}",
        "Ghi chú",
    ]
    row = _table(book, ws, row + 1, "", heads, widths)
    fmts = [
        book.center,
        book.text,
        book.num,
        book.center,
        book.num,
        book.text,
        book.text,
        book.num,
        book.num,
        book.text,
    ]
    for m in yearly.members:
        note = ""
        if m.across_merger:
            note = "So sánh qua sắp xếp, thay đổi thành viên Cụm"
        if m.merged:
            note = "Đơn vị hình thành sau sắp xếp: không so sánh điểm theo từng tiêu chí"
        values = [
            str(m.rank),
            m.name,
            m.shown,
            str(m.previous_rank) if m.previous_rank is not None else None,
            m.previous_total,
            m.words if m.change is not None else "",
            "; ".join(f"{b.name}: {b.rank}/{b.of}" for b in m.before)
            + ("; " + join(m.missing) + ": không thuộc Cụm" if m.missing else ""),
            m.points_now,
            m.points_before,
            note,
        ]
        _cells(book, ws, row, values, widths, fmts)
        row += 1
    gone = [f"{b.name} (hạng {b.rank}/{b.of})" for b in yearly.gone]
    if gone:
        text = f"Thành viên năm {last} không thuộc Cụm năm {yearly.year}: {join(gone)}."
        ws.set_row(row + 1, row_height(text, sum(widths)))
        ws.merge_range(row + 1, 0, row + 1, span, text, book.paragraph)
