"""Per-member feedback workbooks (*phiếu phản hồi*): each issue with its cell, the raw value and the fix.

Written in Vietnamese for the province to act on without calling anyone.
Everything that came from a returned file is written as a plain string.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name as letter_of

from . import i18n
from .definitions import Campaign, Member
from .errors import DecisionsError, FileInUse
from .files import write_atomic
from .layout import COLUMNS, KIND_MEMBER, KIND_PEER, SCORE_SHEET
from .methods import Method, ensure_registered, plugins
from .results import compute
from .scoring import Scorecard, explain
from .sheets import HEAD, TEXT, TITLE, PlainSheet, new_workbook, row_height, set_print
from .store import ACCEPTED, MISSING, NOT_READ, REJECTED, WITH_ERRORS, WITH_WARNINGS, Row, Store
from .vnformat import short_date

STATE_VI = {
    ACCEPTED: "Đã tiếp nhận, không có lỗi",
    WITH_WARNINGS: "Đã tiếp nhận; có lưu ý cần xem",
    WITH_ERRORS: "Đã tiếp nhận, còn lỗi (các tiêu chí có lỗi tạm tính 0 điểm cho đến khi sửa)",
    REJECTED: "KHÔNG tiếp nhận: tệp phải được sửa và gửi lại",
    MISSING: "Chưa nhận được",
    NOT_READ: "Chưa đọc được do lỗi tạm thời (máy bận hoặc quá thời gian): sẽ được đọc lại ở lần tiếp nhận sau, "
    "đơn vị không cần gửi lại",
}
SEVERITY_VI = {"fatal": "Không tiếp nhận", "error": "Lỗi", "warning": "Lưu ý", "note": "Ghi chú"}
ISSUE_COLUMNS = [  # widths sum to 150: A4 landscape at 78 %
    ("STT", 4),
    ("Mức độ", 10),
    ("Trang tính", 12),
    ("Ô", 9),
    ("Mã", 5),
    ("Tiêu chí", 24),
    ("Giá trị đã nhập", 14),
    ("Vấn đề", 40),
    ("Cách sửa", 32),
]
SCORE_COLUMNS = [("Mã", 6), ("Tiêu chí", 42), ("Điểm tối đa", 9), ("Điểm", 9), ("Cách tính", 60)]
VIETNAM = timezone(timedelta(hours=7), "UTC+7")  # no daylight saving
SHEET, SCORES = "Phản hồi", "Điểm tạm tính"
COLUMN_NUMBERS = {letter_of(col): col + 1 for col, _t, _w in COLUMNS.values()}


def feedback_path(campaign: Campaign, member: Member) -> Path:
    """Where a member's feedback workbook goes: ``out/feedback/<code>-<slug>.xlsx``."""
    return campaign.folder / "out" / "feedback" / f"{member.code}-{member.slug}.xlsx"


def vietnam_time(stamp: str) -> str:
    """An ISO time as a province reads it, in Vietnam's time: «16:50 ngày 30/11/2026»."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(VIETNAM)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def where_in_form(sheet: str, cell: str) -> str:
    """A cell as the form numbers its columns: «G13 (cột 7)» on the scoring sheet."""
    letters = "".join(ch for ch in cell if ch.isalpha())
    if sheet == SCORE_SHEET and letters in COLUMN_NUMBERS:
        return f"{cell} (cột {COLUMN_NUMBERS[letters]})"
    return cell


@dataclass(frozen=True)
class _Shared:
    """What every member's feedback says alike, worked out once per run rather than once per member."""

    titles: dict[str, str]  # indicator code -> title
    counted: dict[tuple[str, str], int]  # (member, kind) -> the submission that counts
    contact: str  # the deadline and where to send the corrected file
    shared_methods: str | None  # the scores sheet's note on points that depend on the other members


def _shared(campaign: Campaign, store: Store) -> _Shared:
    shared = sorted({i.spec.title for i in campaign.catalogue.indicators if i.spec.cluster_wide})
    note = (
        "Điểm do Cụm tính theo quy định từ số liệu trong tệp được tính; các tiêu chí chấm theo "
        f"phương pháp {', '.join(f'«{t}»' for t in shared)} phụ thuộc số liệu của các thành viên khác "
        "nên có thể thay đổi khi Cụm tổng hợp đủ. Điểm chính thức do Cụm công bố."
    )
    return _Shared(
        titles={i.code: i.title for i in campaign.catalogue.indicators},
        counted=store.counted(),
        contact=_contact_line(campaign),
        shared_methods=note if shared else None,
    )


@dataclass(frozen=True)
class _Returned:
    """One kind of form as a member returned it: the file that counts (else the newest), its issues, and the other
    files of that kind that were refused, each with its first issue."""

    chosen: Row | None
    issues: list[dict[str, Any]]
    refused: list[tuple[Row, dict[str, Any] | None]]


@dataclass(frozen=True)
class _MemberFeedback:
    """What one member's feedback workbook shows, read from the store: it is then written without the store."""

    code: str
    returned: list[tuple[str, str, _Returned]]  # (kind, label, what was returned)
    card: Scorecard | None


def _gather(campaign: Campaign, store: Store, shared: _Shared, code: str, card: Scorecard | None) -> _MemberFeedback:
    kinds = [(KIND_MEMBER, "Biểu tự chấm điểm")] + ([(KIND_PEER, "Phiếu chấm chéo")] if campaign.has_peer else [])
    submissions = store.submissions(code)
    returned = []
    for kind, label in kinds:
        rows = [r for r in submissions if r.kind == kind]
        counted = shared.counted.get((code, kind))
        chosen = next((r for r in rows if r.id == counted), rows[0] if rows else None)
        if chosen is None:
            returned.append((kind, label, _Returned(None, [], [])))
            continue
        refused = [
            (r, next(iter(store.issues(r.id)), None)) for r in rows if r.status == REJECTED and r.id != chosen.id
        ]
        returned.append((kind, label, _Returned(chosen, store.issues(chosen.id), refused)))
    return _MemberFeedback(code, returned, card)


class _Formats:
    """The cell formats of one feedback workbook, made once and shared by its sheets."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.title = wb.add_format(TITLE)
        self.bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.plain = wb.add_format({"text_wrap": True, "valign": "top"})
        self.head = wb.add_format(HEAD)
        self.cell = wb.add_format(TEXT)
        self.number = wb.add_format({**TEXT, "num_format": "#,##0.00", "align": "right"})
        self.total = wb.add_format({**TEXT, "bold": True, "num_format": "#,##0.00", "align": "right"})
        self.total_text = wb.add_format({**TEXT, "bold": True})


class _Sheet:
    """A feedback sheet being written: rows sized to their text."""

    def __init__(
        self, wb: xlsxwriter.Workbook, formats: _Formats, name: str, columns: Sequence[tuple[str, float]], title: str
    ):
        self.ws = wb.add_worksheet(name, worksheet_class=PlainSheet)
        self.widths = [w for _h, w in columns]
        self.columns = columns
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, width)
        self.row = 0
        self.formats = formats
        set_print(self.ws, title, self.widths)

    def line(self, text: str, style: str = "plain") -> None:
        """A line of text across the sheet's width (wrapped, its row tall enough)."""
        self.ws.merge_range(self.row, 0, self.row, len(self.widths) - 1, text, getattr(self.formats, style))
        self.ws.set_row(self.row, row_height(text, sum(self.widths) * 0.95))
        self.row += 1

    def header(self) -> None:
        """The column titles."""
        for col, (h, _w) in enumerate(self.columns):
            self.ws.write_string(self.row, col, h, self.formats.head)
        self.ws.set_row(self.row, row_height(*[x for h, w in self.columns for x in (h, w)]))
        self.row += 1

    def cells(self, values: list[str | float], style: str = "cell") -> None:
        """One table row: texts written as text, numbers as numbers; tall enough for the longest text."""
        text = getattr(self.formats, style)
        number = self.formats.total if style == "total_text" else self.formats.number
        for col, value in enumerate(values):
            if isinstance(value, float):
                self.ws.write_number(self.row, col, value, number)
            else:
                self.ws.write_string(self.row, col, value, text)
        pairs = [x for v, w in zip(values, self.widths, strict=False) if isinstance(v, str) for x in (v, w)]
        self.ws.set_row(self.row, row_height(*pairs) if pairs else None)
        self.row += 1


def _issue_table(sheet: _Sheet, issues: list[dict[str, Any]], titles: dict[str, str]) -> None:
    sheet.header()
    for n, issue in enumerate(issues, 1):
        sheet.cells(
            [
                str(n),
                SEVERITY_VI.get(issue["severity"], issue["severity"]),
                issue["sheet"] or "",
                where_in_form(issue["sheet"] or "", issue["cell"] or ""),
                issue["indicator"] or "",
                titles.get(issue["indicator"] or "", ""),
                issue["raw"] or "",
                issue["message"],
                issue["fix"],
            ]
        )


def _contact_line(campaign: Campaign) -> str:
    deadline = short_date(campaign.deadline) if campaign.deadline else "theo văn bản của Cụm"
    send_to = campaign.contact or "Ban Thi đua - Khen thưởng của đơn vị Cụm trưởng"
    return (
        f"Hạn gửi: {deadline}. Sửa trên chính tệp đơn vị đã gửi (định dạng .xlsx, có thể đổi tên tệp) "
        f"và gửi lại cho: {send_to}. Tệp gửi lại sẽ thay cho tệp trước."
    )


def _scores(
    wb: xlsxwriter.Workbook, formats: _Formats, campaign: Campaign, member: Member, card: Scorecard, shared: _Shared
) -> None:
    sheet = _Sheet(wb, formats, SCORES, SCORE_COLUMNS, f"Điểm tạm tính - {member.name}")
    sheet.line(f"ĐIỂM TẠM TÍNH THEO SỐ LIỆU ĐÃ NHẬN - {member.name.upper()}", "title")
    sheet.line(campaign.cluster)
    if shared.shared_methods:
        sheet.line(shared.shared_methods)
    sheet.row += 1
    sheet.ws.repeat_rows(sheet.row)  # the column titles on every page
    sheet.header()
    for section in campaign.catalogue.sections:
        sheet.cells([section.code, section.title, "", "", ""], "total_text")
        for ind in section.indicators:
            cell = card.cells[ind.code]
            points = -cell.points if ind.spec.role == "penalty" else cell.points
            sheet.cells([ind.code, ind.title, float(ind.points), float(points), explain(cell)])
    sheet.cells(["", "TỔNG ĐIỂM TẠM TÍNH", float(campaign.catalogue.scale), float(card.total), ""], "total_text")


def feedback_workbook(campaign: Campaign, member: Member, store: Store, card: Scorecard | None = None) -> bytes:
    """The bytes of one member's feedback workbook: each file's state and issues, and the points computed."""
    shared = _shared(campaign, store)
    return _workbook(campaign, member, _gather(campaign, store, shared, member.code, card), shared)


def _workbook(campaign: Campaign, member: Member, got: _MemberFeedback, shared: _Shared) -> bytes:
    buffer = io.BytesIO()
    wb = new_workbook(buffer, f"Phản hồi tiếp nhận - {member.name}", campaign.cluster)
    formats = _Formats(wb)
    sheet = _Sheet(wb, formats, SHEET, ISSUE_COLUMNS, f"Phản hồi tiếp nhận - {member.name}")
    sheet.line(f"PHẢN HỒI TIẾP NHẬN BIỂU CHẤM ĐIỂM THI ĐUA NĂM {campaign.year}", "title")
    sheet.line(campaign.cluster)
    sheet.line(f"Đơn vị: {member.name} (mã {member.code})", "bold")
    sheet.line(shared.contact)
    sheet.row += 1
    accepted = False
    for n, (kind, label, returned) in enumerate(got.returned, 1):
        chosen = returned.chosen
        sheet.line(f"{n}. {label}: {STATE_VI[chosen.status if chosen else MISSING]}", "bold")
        if chosen is None:
            sheet.row += 1
            continue
        accepted = accepted or (kind == KIND_MEMBER and chosen.status != REJECTED)
        times = f"lưu lúc {vietnam_time(chosen.saved_at)}, nhận lúc {vietnam_time(chosen.received_at)}"
        sheet.line(f"Tệp dùng để tính điểm: {chosen.name} ({times})")
        if returned.issues:
            _issue_table(sheet, returned.issues, shared.titles)
        else:
            sheet.line("Không có vấn đề nào.")
        if returned.refused:
            sheet.line(f"Các tệp {label.lower()} khác không được tiếp nhận:", "bold")
            for r, first in returned.refused:
                reason = f"{first['message']} {first['fix']}" if first else ""
                sheet.line(f"- {r.name} (nhận lúc {vietnam_time(r.received_at)}): {reason}")
        sheet.row += 1
    if got.card is not None and accepted:
        _scores(wb, formats, campaign, member, got.card, shared)
    wb.close()
    return buffer.getvalue()


def _write_one(campaign: Campaign, shared: _Shared, got: _MemberFeedback) -> Path | FileInUse:
    """Write one member's feedback workbook: its path, or why it could not be written (open elsewhere)."""
    member = campaign.member(got.code)
    path = feedback_path(campaign, member)
    try:
        write_atomic(path, _workbook(campaign, member, got, shared))
    except FileInUse as e:
        return e
    return path


PARALLEL_FROM = 200  # members: for fewer, starting the worker processes costs more than they save
CHUNK = 50  # members a worker writes per task

_writer: tuple[Campaign, _Shared] | None = None  # a worker's campaign and what every feedback says alike


def _start_writer(campaign: Campaign, shared: _Shared, methods: tuple[Method[Any], ...], language: str) -> None:
    """Worker side: keep what every task needs (spawned: plugin methods and the language are passed)."""
    global _writer
    ensure_registered(methods)
    i18n.use_language(language)
    _writer = (campaign, shared)


def _write_chunk(chunk: list[_MemberFeedback]) -> list[tuple[str, Path | FileInUse]]:
    """Worker side: write a chunk of members' feedback workbooks."""
    assert _writer is not None, "the worker was started without _start_writer"
    campaign, shared = _writer
    return [(got.code, _write_one(campaign, shared, got)) for got in chunk]


def _started() -> bool:
    """Worker side: nothing; sent first so that the workers start while the caller computes the points."""
    return _writer is not None


class _Writers:
    """Where the feedback workbooks are written: in this process, or, when there are many, on ``jobs`` spawned
    worker processes started at once (they import and unpickle while the caller computes the points)."""

    def __init__(self, campaign: Campaign, shared: _Shared, count: int, jobs: int | None):
        self.campaign, self.shared = campaign, shared
        jobs = max(1, jobs or os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1 and count >= PARALLEL_FROM:
            context = multiprocessing.get_context("spawn")  # one code path, the one Windows has
            start = (campaign, shared, plugins(), i18n.language())
            self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_writer, initargs=start)
            for _n in range(jobs):
                self.pool.submit(_started)

    def write(self, todo: list[_MemberFeedback]) -> Iterator[tuple[str, Path | FileInUse]]:
        """Write the workbooks; each member's result as it is done."""
        if self.pool is None:
            for got in todo:
                yield got.code, _write_one(self.campaign, self.shared, got)
            return
        chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
        for done in self.pool.map(_write_chunk, chunks):
            yield from done

    def __enter__(self) -> _Writers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


@dataclass
class FeedbackDone:
    """The feedback workbooks written, and those that could not be (open elsewhere): written by the next run."""

    written: list[Path] = field(default_factory=list)
    blocked: list[FileInUse] = field(default_factory=list)


def refresh_feedback(campaign: Campaign, codes: Iterable[str] = (), jobs: int | None = None) -> FeedbackDone:
    """Write the feedback of these members and of every member whose feedback is out of date.

    A member's feedback falls due in the store when anything it shows changes
    (a file stored, read again or chosen) and stays due until written: a
    workbook that could not be written because it was open is written by the
    next run, never left saying something older. One open workbook does not
    stop the others. Many workbooks are written on ``jobs`` processes
    (default: one per CPU).
    """
    done = FeedbackDone()
    with Store(campaign.folder) as store:
        due = store.feedback_due()
        wanted = (set(codes) | set(due) | missing_feedback(campaign, store)) & set(campaign.member_codes)
        shared = _shared(campaign, store)
    if not wanted:
        return done
    written: dict[str, str] = {}  # member -> since when it was due, noted in one commit (one fsync)
    with _Writers(campaign, shared, len(wanted), jobs) as writers:
        try:
            cards = compute(campaign, with_previous=False).cards  # the points now, once for every member written
        except DecisionsError:  # recorded votes no longer fit the scores: rank and report say so; collect goes on
            cards = {}  # and the feedback goes out without the points
        with Store(campaign.folder) as store:
            todo = [_gather(campaign, store, shared, code, cards.get(code)) for code in sorted(wanted)]
        try:
            for code, result in writers.write(todo):
                if isinstance(result, FileInUse):
                    done.blocked.append(result)
                    continue
                if code in due:
                    written[code] = due[code]
                done.written.append(result)
        finally:  # what was written is noted even if a later one fails (a full disk, say)
            with Store(campaign.folder) as store:
                store.feedback_written(written)
    return done


def write_feedback(campaign: Campaign, codes: Iterable[str]) -> list[Path]:
    """Write the feedback workbooks of the given members (and any out of date); return their paths.

    Raises FileInUse, after writing the others, when one was open elsewhere.
    """
    done = refresh_feedback(campaign, codes)
    if done.blocked:
        raise FileInUse("\n".join(str(e) for e in done.blocked))
    return done.written


def missing_feedback(campaign: Campaign, store: Store) -> set[str]:
    """Members who returned files but have no feedback workbook (deleted since it was written, say)."""
    returned = {row.member for row in store.submissions() if row.member}
    return {m.code for m in campaign.members if m.code in returned and not feedback_path(campaign, m).exists()}
