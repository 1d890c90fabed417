"""Pieces of the three documents: legal basis by date, formal names, recipients, and what is still blank.

A value the campaign does not give is printed as a dotted line to fill in by
hand, as printed forms do, and recorded in ``Blanks`` so ``emuxl report
--check`` can list it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..vnformat import long_date
from .layout import balanced_lines, issuer_lines

DOTS = "…" * 8  # a short blank: a name, a title, a place
LINE = "…" * 30  # a blank as wide as a 14 pt line on A4 portrait
TIME = "… giờ … phút"
TEXT_WIDTH = 16.5 * 28.35  # points: A4 portrait between the 30 mm and 15 mm margins
DAY = "ngày … tháng … năm …"


@dataclass
class Blanks:
    """What the documents leave as dotted lines, with the campaign.yaml key that would fill each."""

    found: list[dict[str, str]] = field(default_factory=list)

    def fill(self, value: str | None, key: str, what: str, dots: str = DOTS) -> str:
        """The value, or dots when it is empty (recorded as a blank under ``key``)."""
        if value is not None and value.strip():
            return value
        if not any(b["key"] == key for b in self.found):
            self.found.append({"key": key, "what": what})
        return dots


# ------------------------------------------------------------------ legal basis


LAW_2003 = "Luật Thi đua, khen thưởng năm 2003 (sửa đổi, bổ sung năm 2005, năm 2013)"
LAW_2022 = "Luật Thi đua, khen thưởng số 06/2022/QH15"
DECREE_91 = (
    "Nghị định số 91/2017/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng"
)
DECREE_98 = (
    "Nghị định số 98/2023/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng"
)
DECREE_152 = (
    "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định về phân cấp, phân quyền trong lĩnh vực thi đua, "
    "khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều của Luật Thi đua, khen thưởng"
)
CIRCULAR_15 = "Thông tư số 15/2025/TT-BNV của Bộ trưởng Bộ Nội vụ"
LAW_IN_FORCE = date(2024, 1, 1)  # Luật 06/2022/QH15 and Nghị định 98/2023/NĐ-CP
DECREE_152_IN_FORCE = date(2025, 7, 1)


def legal_basis(day: date) -> list[str]:
    """The *căn cứ* lines in force on a document's date: the law, its decree and, from 07/2025, the circular."""
    if day < LAW_IN_FORCE:
        return [LAW_2003, DECREE_91]
    if day < DECREE_152_IN_FORCE:
        return [LAW_2022, DECREE_98]
    return [LAW_2022, DECREE_152, CIRCULAR_15]


# ------------------------------------------------------------------ names


LEVELS = ("tỉnh", "thành phố", "xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "đặc khu")
# centrally-run cities: «thành phố» where the member noun says «tỉnh, thành phố»
CITIES = ("Hà Nội", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")


def level_of(name: str, noun: str) -> str | None:
    """The administrative level a member's name is called by («tỉnh», «thành phố», «xã»), or None."""
    if any(name.lower().startswith(level + " ") for level in LEVELS):
        return ""  # the name says it itself («Xã Tân Phú», «Thành phố Thử»)
    nouns = [n.strip() for n in noun.split(",")]
    if "thành phố" in nouns and name in CITIES:
        return "thành phố"
    first = nouns[0] if nouns else ""
    return first if first in LEVELS else None


def called(name: str, noun: str) -> str:
    """A member as a sentence names it: «tỉnh Trà Vinh», «Xã Tân Phú»; a department by its name."""
    level = level_of(name, noun)
    return f"{level} {name}" if level else name


def formal_name(name: str, noun: str) -> str:
    """The body a proposal goes to or names: «Ủy ban nhân dân tỉnh Trà Vinh», «Ủy ban nhân dân xã …»."""
    level = level_of(name, noun)
    if level is None:
        return name
    if level == "":
        return f"Ủy ban nhân dân {name[:1].lower()}{name[1:]}"
    return f"Ủy ban nhân dân {level} {name}"


def recipients(lines: list[str] | None, default: list[str], addressed: bool) -> list[str]:
    """A Nơi nhận list: «Như trên» first where the document has a Kính gửi (and only there), «Lưu» last."""
    out = [line for line in (lines if lines is not None else default) if line.strip().lower() != "như trên"]
    if addressed:
        out.insert(0, "Như trên")
    if not any(line.lower().startswith("lưu") for line in out):
        out.append("Lưu: VT")
    return out


# ------------------------------------------------------------------ dates and times


def clock(time: str | None, blanks: Blanks, key: str, what: str) -> str:
    """«08 giờ 00 phút» from "08:00", or dots."""
    if not time:
        blanks.fill(None, key, what)
        return TIME
    hours, minutes = time.split(":")
    return f"{int(hours):02d} giờ {minutes} phút"


def day_words(day: date | None, blanks: Blanks, key: str, what: str) -> str:
    """«ngày 12 tháng 01 năm 2024», or dots."""
    if day is None:
        blanks.fill(None, key, what)
        return DAY
    return long_date(day)


# ------------------------------------------------------------------ the header block and the title


def header(issuer: str | list[str], parent: str | list[str] | None) -> dict[str, str]:
    """The issuer block: the body above (regular) and the issuer (bold), each in its printed lines."""
    return {
        "issuer_parent": "\n".join(issuer_lines(parent)) if parent else "",
        "issuer": "\n".join(issuer_lines(issuer)),
    }


def title(text: str) -> str:
    """A document's subject (*trích yếu*, bold 14 pt) in lines broken where a reader would."""
    return "\n".join(balanced_lines(text, TEXT_WIDTH * 0.92, 14, True))
