"""Per-member feedback workbooks (*phiếu phản hồi*): each issue with its cell, the raw value and the fix.

Written in Vietnamese for the province to act on without calling anyone.
Everything that came from a returned file is written as a plain string.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .definitions import Campaign, Member
from .errors import FileInUse
from .files import write_atomic
from .layout import KIND_MEMBER, KIND_PEER
from .sheets import HEAD, TEXT, TITLE, new_workbook
from .store import ACCEPTED, MISSING, REJECTED, WITH_ERRORS, WITH_WARNINGS, Row, Store

STATE_VI = {
    ACCEPTED: "Đã tiếp nhận, không có lỗi",
    WITH_WARNINGS: "Đã tiếp nhận; có lưu ý cần xem",
    WITH_ERRORS: "Đã tiếp nhận nhưng còn lỗi: các tiêu chí có lỗi tạm tính 0 điểm cho đến khi sửa",
    REJECTED: "KHÔNG tiếp nhận: tệp phải được sửa và gửi lại",
    MISSING: "Chưa nhận được",
}
SEVERITY_VI = {"fatal": "Không tiếp nhận", "error": "Lỗi", "warning": "Lưu ý", "note": "Ghi chú"}
HEADERS = [
    ("STT", 5),
    ("Mức độ", 14),
    ("Trang tính", 14),
    ("Ô", 7),
    ("Mã", 6),
    ("Tiêu chí", 40),
    ("Giá trị đã nhập", 20),
    ("Vấn đề", 50),
    ("Cách sửa", 45),
]


def feedback_path(campaign: Campaign, member: Member) -> Path:
    """Where a member's feedback workbook goes: ``out/feedback/<code>-<slug>.xlsx``."""
    return campaign.folder / "out" / "feedback" / f"{member.code}-{member.slug}.xlsx"


def _latest(store: Store, code: str, kind: str) -> Row | None:
    """The member's file that counts, else the one received last."""
    rows = [r for r in store.submissions(code) if r.kind == kind]
    counted = store.counted().get((code, kind))
    return next((r for r in rows if r.id == counted), rows[0] if rows else None)


def feedback_workbook(campaign: Campaign, member: Member, store: Store) -> bytes:
    """The bytes of one member's feedback workbook."""
    titles = {i.code: i.title for i in campaign.catalogue.indicators}
    buffer = io.BytesIO()
    wb = new_workbook(buffer, f"Phản hồi tiếp nhận - {member.name}", campaign.cluster)
    bold = wb.add_format({"bold": True})
    title = wb.add_format(TITLE)
    head = wb.add_format(HEAD)
    cell = wb.add_format(TEXT)
    ws = wb.add_worksheet("Phản hồi")
    for col, (_h, width) in enumerate(HEADERS):
        ws.set_column(col, col, width)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, f"PHẢN HỒI TIẾP NHẬN BIỂU CHẤM ĐIỂM THI ĐUA NĂM {campaign.year}", title)
    ws.write_string(1, 0, campaign.cluster)
    ws.write_string(2, 0, f"Đơn vị: {member.name} (mã {member.code})", bold)
    row = 4
    kinds = [(KIND_MEMBER, "Biểu tự chấm điểm")] + ([(KIND_PEER, "Phiếu chấm chéo")] if campaign.has_peer else [])
    for kind, label in kinds:
        latest = _latest(store, member.code, kind)
        state = STATE_VI[latest.status if latest else MISSING]
        ws.write_string(row, 0, f"{label}: {state}", bold)
        row += 1
        if latest is None:
            row += 1
            continue
        ws.write_string(row, 0, f"Tệp: {latest.name} (lưu lúc {latest.saved_at}, nhận lúc {latest.received_at})")
        row += 1
        issues = store.issues(latest.id)
        if not issues:
            ws.write_string(row, 0, "Không có vấn đề nào.")
            row += 2
            continue
        for col, (h, _w) in enumerate(HEADERS):
            ws.write_string(row, col, h, head)
        row += 1
        for n, issue in enumerate(issues, 1):
            texts = [
                str(n),
                SEVERITY_VI.get(issue["severity"], issue["severity"]),
                issue["sheet"] or "",
                issue["cell"] or "",
                issue["indicator"] or "",
                titles.get(issue["indicator"] or "", ""),
                issue["raw"] or "",
                issue["message"],
                issue["fix"],
            ]
            for col, text in enumerate(texts):
                ws.write_string(row, col, text, cell)
            row += 1
        row += 1
    wb.close()
    return buffer.getvalue()


@dataclass
class FeedbackDone:
    """The feedback workbooks written, and those that could not be (open elsewhere): written by the next run."""

    written: list[Path] = field(default_factory=list)
    blocked: list[FileInUse] = field(default_factory=list)


def refresh_feedback(campaign: Campaign, codes: Iterable[str] = ()) -> FeedbackDone:
    """Write the feedback of these members and of every member whose feedback is out of date.

    A member's feedback falls due in the store when anything it shows changes
    (a file stored, read again or chosen) and stays due until written: a
    workbook that could not be written because it was open is written by the
    next run, never left saying something older. One open workbook does not
    stop the others.
    """
    done = FeedbackDone()
    with Store(campaign.folder) as store:
        due = store.feedback_due()
        wanted = (set(codes) | set(due) | missing_feedback(campaign, store)) & set(campaign.member_codes)
        for code in sorted(wanted):
            member = campaign.member(code)
            path = feedback_path(campaign, member)
            try:
                write_atomic(path, feedback_workbook(campaign, member, store))
            except FileInUse as e:
                done.blocked.append(e)
                continue
            if code in due:
                store.feedback_written(code, due[code])
            done.written.append(path)
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
