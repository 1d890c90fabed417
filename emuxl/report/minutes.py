"""The minutes of the scoring meeting (*biên bản họp bình xét*): time, place, who, agenda, votes, conclusions.

From ``report.meeting`` in campaign.yaml; what it does not give is a dotted
line. Ties the ranking could not break go to a vote: until the meeting's
decisions are recorded, each is listed with its result left to fill in.
"""

from __future__ import annotations

from typing import Any

from ..i18n import _
from ..results import Results
from ..vnformat import long_date
from .parts import DAY, DOTS, LINE, Blanks, called, clock, day_words, header, recipients, title


def _person(name: str, title_text: str, blanks: Blanks, key: str, what_name: str, what_title: str) -> str:
    """«Nguyễn Văn A, Phó Chủ tịch UBND tỉnh Sóc Trăng», with dots for what is missing."""
    who = blanks.fill(name, f"{key}.name", what_name)
    role = blanks.fill(title_text, f"{key}.title", what_title)
    return f"{who}, {role}"


def _attendees(results: Results, blanks: Blanks) -> list[dict[str, str]]:
    """One line per member that is not the chair's (its leader chairs): who attended for it, or dots."""
    campaign = results.campaign
    meeting = campaign.report.meeting
    noun = campaign.report.member_noun
    chairing = meeting.chaired_by.name.strip()
    lines, absent = [], []
    for m in campaign.members:
        people = [a for a in meeting.attendees if a.member == m.code and not (chairing and a.name.strip() == chairing)]
        if m.code == campaign.chair and not people:
            continue  # represented by whoever chairs
        text = "; ".join(f"{a.name or DOTS}, {a.title or DOTS}" for a in people)
        if not people:
            absent.append(m.name)
            text = f"{DOTS}, {DOTS}"
        member = called(m.name, noun)
        lines.append({"member": member[:1].upper() + member[1:], "people": text})
    if absent:
        blanks.fill(None, "report.meeting.attendees", _("attendees of {members}").format(members=", ".join(absent)))
    return lines


def _votes(results: Results, blanks: Blanks) -> list[dict[str, str]]:
    """The votes the meeting must hold (ties the ranking could not break), with their result or dots."""
    votes = []
    for note in results.ranking.notes:
        question = note.removesuffix(": biểu quyết").strip()
        votes.append({"question": question, "result": "", "result_text": LINE})
    if votes:
        blanks.fill(None, "decisions.votes", _("results of the votes on tied members (minutes)"))
    return votes


def minutes_context(results: Results, context: dict[str, Any], blanks: Blanks) -> dict[str, Any]:
    """Everything the minutes say, as sentences and lists (``minutes`` in the template context)."""
    campaign = results.campaign
    info = campaign.report
    meeting = info.meeting
    noun, year, cluster = info.member_noun, campaign.year, campaign.cluster
    key = "report.meeting"
    when = clock(meeting.time, blanks, f"{key}.time", _("meeting start time"))
    day = day_words(meeting.date, blanks, f"{key}.date", _("meeting date"))
    place = blanks.fill(meeting.place, f"{key}.place", _("meeting place"))
    town = info.place or "……"
    date_line = f"{town}, {long_date(meeting.date)}" if meeting.date else f"{town}, {DAY}"
    agenda = meeting.agenda or [
        f"Thông qua kết quả chấm điểm, xếp hạng thi đua năm {year} của các {noun} trong Cụm.",
        "Bình xét, suy tôn và thống nhất đề nghị tặng Cờ thi đua của Chính phủ, Bằng khen của Thủ tướng Chính phủ.",
        f"Suy tôn Cụm trưởng, Cụm phó năm {year + 1}.",
    ]
    votes = _votes(results, blanks)
    proposal = context["proposal_sentence"] or f"Cụm thống nhất chưa đề nghị khen thưởng cấp Nhà nước năm {year}."
    if votes:
        proposal = proposal.rstrip(".") + "; các trường hợp đồng hạng theo kết quả biểu quyết nêu trên."
    end = clock(meeting.end_time, blanks, f"{key}.end_time", _("meeting end time"))
    chair_member = called(context["chair"]["name"], noun)
    return {
        "document": {
            **header(info.minutes_issuer or cluster.upper(), None),
            "number": info.minutes_number,
            "date_line": date_line,
            "title": title(f"Họp bình xét, suy tôn thi đua năm {year} của {cluster}"),
            "recipients": recipients(
                info.minutes_recipients,
                ["Ban Thi đua - Khen thưởng Trung ương", f"Các {noun} thành viên Cụm", "Lưu: VT, hồ sơ"],
                addressed=False,
            ),
        },
        "opening": f"Vào lúc {when}, {day}, tại {place}, {cluster} tổ chức họp bình xét, suy tôn thi đua năm {year}.",
        "chaired_by": _person(
            meeting.chaired_by.name,
            meeting.chaired_by.title,
            blanks,
            f"{key}.chaired_by",
            _("who chaired: name"),
            _("who chaired: title"),
        )
        + f" (đại diện {chair_member}, Cụm trưởng năm {year})",
        "secretary": _person(
            meeting.secretary.name,
            meeting.secretary.title,
            blanks,
            f"{key}.secretary",
            _("who took the minutes: name"),
            _("who took the minutes: title"),
        ),
        "attendees": _attendees(results, blanks),
        "agenda": agenda,
        "votes": votes,
        "conclusions": [
            f"Thống nhất kết quả chấm điểm, xếp hạng thi đua năm {year} của {cluster} như bảng tổng hợp trên.",
            proposal,
            context["rotation_sentence"],
        ],
        "closing": (
            f"Cuộc họp kết thúc vào lúc {end} cùng ngày. Biên bản đã được đọc lại cho các thành viên dự họp "
            "cùng nghe và thống nhất thông qua./."
        ),
        "secretary_name": blanks.fill(meeting.secretary.name, f"{key}.secretary.name", _("who took the minutes: name")),
        "chair_name": blanks.fill(meeting.chaired_by.name, f"{key}.chaired_by.name", _("who chaired: name")),
    }
