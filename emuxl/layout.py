"""The form's layout contract, shared by the form writer and intake: sheets, names, columns, metadata."""

from __future__ import annotations

from .methods import Column

FORMAT_VERSION = 1  # bump when the layout changes in a way intake must know

GUIDE_SHEET = "Hướng dẫn"
SCORE_SHEET = "Tự chấm điểm"
PEER_SHEET = "Chấm chéo"
META_SHEET = "_meta"

KIND_MEMBER = "member"
KIND_PEER = "peer"

# Metadata keys, in the order they are written to the metadata sheet (column A key, column B value).
META_KEYS = ("cluster", "year", "member", "kind", "fingerprint", "format", "emuxl")

HEADER_ROW = 5  # 0-based row of the column titles on the scoring sheet
FIRST_ROW = 7  # 0-based first row of sections and indicators

# Scoring-sheet columns: key -> (0-based column, Vietnamese title, width)
COLUMNS: dict[str, tuple[int, str, float]] = {  # widths sum to 155: A4 landscape at 78 %, text at 9,4 pt
    "code": (0, "Mã", 5),
    "title": (1, "Tiêu chí", 30),
    "unit": (2, "Đơn vị tính", 9),
    "points": (3, "Điểm tối đa", 7),
    "rule": (4, "Cách chấm điểm", 30),
    "plan": (5, "Kế hoạch", 11),
    "actual": (6, "Thực hiện", 11),
    "previous": (7, "Cùng kỳ năm trước", 11),
    "result": (8, "Kết quả (thứ hạng, xếp loại, số lượng)", 13),
    "self": (9, "Điểm tự chấm", 9),
    "note": (10, "Minh chứng, ghi chú", 19),
}

INPUT_COLUMNS: tuple[Column, ...] = ("plan", "actual", "previous", "result", "self")

# Peer-form columns: key -> (0-based column, Vietnamese title, width)
PEER_COLUMNS: dict[str, tuple[int, str, float]] = {
    "code": (0, "Mã", 6),
    "title": (1, "Tiêu chí chấm chéo", 48),
    "points": (2, "Điểm tối đa", 9),
    "member": (3, "Đơn vị được chấm", 24),
    "score": (4, "Điểm chấm", 11),
    "note": (5, "Nhận xét", 40),
}


def input_name(code: str, field: str) -> str:
    """Defined name of a member-form input cell (contract): ``v_A03_plan``."""
    return f"v_{code}_{field}"


def peer_name(code: str, member: str) -> str:
    """Defined name of a peer-form input cell (contract): ``p_E04_80``."""
    return f"p_{code}_{member}"


def title_name(code: str) -> str:
    """Defined name of an indicator's (or section's) title cell, used to re-read definitions."""
    return f"d_{code}"


def section_name(code: str) -> str:
    """Defined name of a section's title cell on the scoring sheet."""
    return f"s_{code}"


HEADING_NAME = "h_member"  # the cell naming the member on the scoring sheet
