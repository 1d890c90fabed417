"""Laying the rendered documents out: text widths in Times New Roman, line breaks, tables that fit the page.

Word and LibreOffice lay a fixed table out by its grid; docxtpl's column loops
leave the grid and the cells disagreeing, and nothing makes a template's
widths match the text it receives. After rendering, every table of ours is
measured from its content (the widest word or number each column must hold
whole, and what it holds on one line) and given widths that add up to the
text width of its page, grid and cells alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations, pairwise
from typing import Any

from .fontmetrics import BOLD, CHARACTERS, REGULAR

TWIPS_PER_PT = 20
TWIPS_PER_CM = 567
CELL_MARGIN = 108  # Word's default left and right cell margin, in twips (0,19 cm)
SLACK = 1.05  # renderers round glyph widths differently: 5 % more than measured
MARKER = "emuxl:fit"  # a table's description (w:tblDescription) that asks for fitting
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache
def _table(bold: bool) -> dict[str, int]:
    widths = (BOLD if bold else REGULAR).split()
    return dict(zip(CHARACTERS, map(int, widths), strict=True))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of text in points, in Times New Roman of ``size`` points."""
    table = _table(bold)
    fallback = table["M"] if bold else table["n"]
    return sum(table.get(c, table["H"] if c.isupper() else fallback) for c in text) * size / 1000


# ------------------------------------------------------------------ breaking a line where a reader would


TITLE_WORDS = ("của cụm", "cho các", "thuộc", "và", "tại")  # where a subject line may break
LEVELS = ("tỉnh", "thành phố", "xã", "phường", "huyện", "quận", "thị xã", "đặc khu")
REGIONS = ("tây nam bộ", "đông nam bộ", "tây nguyên", "đồng bằng", "miền", "duyên hải", "bắc trung bộ", "trung du")
ISSUER_WIDTH = 6.1 * 28.35  # points: the issuer column beside the 12 pt national motto on a 16,5 cm line


def pack(phrases: Sequence[str], width: float, size: float, bold: bool) -> list[str]:
    """Phrases joined into the fewest lines that fit ``width`` points, the widest line as short as can be.

    A line never breaks inside a phrase unless the phrase alone is too wide
    (then it wraps into even lines).
    """
    phrases = [p for p in phrases if p]
    if not phrases:
        return []

    def line(group: Sequence[str]) -> float:
        return text_width(" ".join(group), size, bold)

    n = len(phrases)
    for count in range(1, min(n, 6) + 1):
        best: tuple[float, list[str]] | None = None
        for cuts in combinations(range(1, n), count - 1):
            edges = [0, *cuts, n]
            groups = [phrases[a:b] for a, b in pairwise(edges)]
            widest = max(line(g) for g in groups)
            if widest <= width and (best is None or widest < best[0]):
                best = (widest, [" ".join(g) for g in groups])
        if best:
            return best[1]
    out: list[str] = []
    for phrase in phrases:  # a phrase alone is too wide: wrap it evenly
        out += [phrase] if text_width(phrase, size, bold) <= width else _even(phrase.split(), width, size, bold)
    return out


def split_before(text: str, groups: Sequence[str]) -> list[str]:
    """The text cut into phrases before each word group of ``groups`` (never inside one, «CÁC TỈNH»)."""
    words = text.split()
    cuts = _breaks(words, groups)
    return [" ".join(words[a:b]) for a, b in pairwise([0, *cuts, len(words)])]


def _breaks(words: list[str], before: Sequence[str]) -> list[int]:
    """Indexes of words a line may start with: those opening a word group, never inside one («CÁC TỈNH»)."""
    groups = [b.lower().replace(",", "").split() for b in before]
    plain = [w.strip(",;:").lower() for w in words]
    inside = {
        k for g in groups for j in range(len(plain)) if plain[j : j + len(g)] == g for k in range(j + 1, j + len(g))
    }
    return [i for i in range(1, len(words)) if i not in inside and any(plain[i : i + len(g)] == g for g in groups)]


def _wrap(words: list[str], width: float, size: float, bold: bool) -> list[str]:
    lines: list[list[str]] = [[]]
    for w in words:
        if lines[-1] and text_width(" ".join([*lines[-1], w]), size, bold) > width:
            lines.append([])
        lines[-1].append(w)
    return [" ".join(line) for line in lines]


def _even(words: list[str], width: float, size: float, bold: bool) -> list[str]:
    """As many lines as a plain wrap needs, each as short as that count allows (lines of even length)."""
    count = len(_wrap(words, width, size, bold))
    low, high = text_width(" ".join(words), size, bold) / count, width
    for _ in range(20):  # the narrowest width that still wraps into ``count`` lines
        mid = (low + high) / 2
        if len(_wrap(words, mid, size, bold)) <= count:
            high = mid
        else:
            low = mid
    return _wrap(words, high, size, bold)


def issuer_lines(name: str | list[str], width: float = ISSUER_WIDTH, size: float = 13) -> list[str]:
    """An issuer's name in its printed lines (bold, 13 pt): as listed, or broken before its level and region.

    «ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG» -> «ỦY BAN NHÂN DÂN» / «TỈNH SÓC TRĂNG»;
    «CỤM THI ĐUA CÁC TỈNH TÂY NAM BỘ» -> «CỤM THI ĐUA» / «CÁC TỈNH TÂY NAM BỘ».
    """
    if isinstance(name, list):
        return [line for line in name if line.strip()]
    phrases = split_before(name, ["các tỉnh, thành phố", "các tỉnh", *LEVELS, *REGIONS])
    if len(phrases) > 1 and phrases[0].upper() in ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"):
        return [phrases[0], *pack(phrases[1:], width, size, True)]  # the level on its own line, as printed
    return pack(phrases, width, size, True)


def balanced_lines(text: str, width: float, size: float, bold: bool, before: Sequence[str] = TITLE_WORDS) -> list[str]:
    """The text in as few lines as fit ``width`` points, broken only before a word group, lines even.

    «Tổng kết … năm 2023 của Cụm thi đua các tỉnh Tây Nam Bộ» breaks before «của
    Cụm», so the cluster's name stays whole; without such a place, words wrap evenly.
    """
    return pack(split_before(text, before), width, size, bold)


# ------------------------------------------------------------------ fitting tables to the page


@dataclass
class _Cell:
    """What one cell asks of its column: the widest unbreakable piece, and its widest line unbroken."""

    least: float  # twips
    need: float  # twips
    span: int


def _style_size(doc: Any) -> tuple[float, bool]:
    font = doc.styles["Normal"].font
    return (font.size.pt if font.size else 11.0), bool(font.bold)


def _run_font(run: Any, para_size: float | None, default: tuple[float, bool]) -> tuple[float, bool]:
    size = run.font.size.pt if run.font.size else (para_size or default[0])
    bold = run.bold if run.bold is not None else default[1]
    return size, bool(bold)


def _paragraph_size(paragraph: Any, known: dict[str | None, float | None]) -> float | None:
    """The font size a paragraph's style gives (through its base styles), found once per style: python-docx
    looks a style up by scanning every style of the document, which a 3,321-row annex would do for each cell."""
    key = paragraph._p.style  # the style's id; None for the document's default paragraph style
    if key not in known:
        size, style = None, paragraph.style
        while style is not None:
            if style.font.size:
                size = float(style.font.size.pt)
                break
            style = style.base_style
        known[key] = size
    return known[key]


def _measure_cell(cell: Any, default: tuple[float, bool], known: dict[str | None, float | None]) -> tuple[float, float]:
    """(least, need) in points for a cell's paragraphs: no word broken; every line on one line."""
    least = need = 0.0
    for paragraph in cell.paragraphs:
        para_size = _paragraph_size(paragraph, known)
        indent = paragraph.paragraph_format.left_indent
        pad = indent.pt if indent else 0.0
        line = word = 0.0
        for run in paragraph.runs:
            size, bold = _run_font(run, para_size, default)
            for part in re.split(r"(\s)", run.text):
                if part == "\n":  # a line break: a new line, a new word
                    need, least = max(need, line + pad), max(least, word + pad)
                    line = word = 0.0
                elif part.isspace() and part != "\u00a0":
                    least, word = max(least, word + pad), 0.0
                    line += text_width(part, size, bold)
                elif part:
                    w = text_width(part, size, bold)
                    word += w
                    line += w
        need, least = max(need, line + pad), max(least, word + pad)
    return least, need


def _cells(row: Any) -> list[Any]:
    """The distinct cells of a row (python-docx repeats a merged cell once per grid column)."""
    out: list[Any] = []
    for cell in row.cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def _repeated(row: Any) -> bool:
    """Whether a row is a heading row, repeated on every page."""
    pr = row._tr.trPr
    return pr is not None and pr.find(f"{W}tblHeader") is not None


def _no_wrap(cell: Any) -> bool:
    pr = cell._tc.tcPr
    return pr is not None and pr.find(f"{W}noWrap") is not None


def _span(cell: Any) -> int:
    pr = cell._tc.tcPr
    span = pr.find(f"{W}gridSpan") if pr is not None else None
    return int(span.get(f"{W}val")) if span is not None else 1


def column_widths(cells: list[list[_Cell]], available: float, heading_rows: int = 0) -> list[int]:
    """Column widths (twips) that add up to ``available``.

    In order, as room allows: every word and number whole; every body cell on
    one line; the heading rows on one line; what is left shared by need.
    """
    columns = max((sum(c.span for c in row) for row in cells), default=0)
    least, body, head = [0.0] * columns, [0.0] * columns, [0.0] * columns
    for n, row in enumerate(cells):
        col = 0
        for cell in row:
            if cell.span == 1 and col < columns:
                least[col] = max(least[col], cell.least)
                target = head if n < heading_rows else body
                target[col] = max(target[col], cell.need)
            col += cell.span
    body = [max(b, lo) for b, lo in zip(body, least, strict=True)]
    head = [max(h, b) for h, b in zip(head, body, strict=True)]
    for low, high in ((head, head), (body, head), (least, body)):
        if sum(low) <= available:
            extra, gap = available - sum(low), [h - lo for h, lo in zip(high, low, strict=True)]
            if sum(gap) <= extra:  # every column gets its want, the rest goes by size
                total = sum(high) or 1
                widths = [h + (available - sum(high)) * h / total for h in high]
            else:  # the smallest wants first: as many columns as can be kept on one line
                widths = list(low)
                for i in sorted(range(columns), key=lambda k: gap[k]):
                    give = min(gap[i], extra)
                    widths[i] += give
                    extra -= give
            break
    else:  # cannot hold every word whole: shrink all alike (fitting the page comes first)
        widths = [lo * available / sum(least) for lo in least]
    out: list[int] = [int(w) for w in widths]
    out[-1] += int(available) - sum(out)  # exactly the text width, in whole twips
    return out


def text_widths(doc: Any) -> list[tuple[Any, int]]:
    """Every table of the body with the text width (twips) of the page section it is in."""
    body = doc.element.body
    out: list[tuple[Any, int]] = []
    pending: list[Any] = []
    for child in body.iterchildren():
        if child.tag == f"{W}tbl":
            pending.append(child)
        sect = None
        if child.tag == f"{W}p":
            ppr = child.find(f"{W}pPr")
            sect = ppr.find(f"{W}sectPr") if ppr is not None else None
        elif child.tag == f"{W}sectPr":
            sect = child
        if sect is not None:
            width = _section_text_width(sect)
            out.extend((t, width) for t in pending)
            pending = []
    return out


def _section_text_width(sect: Any) -> int:
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    page = int(size.get(f"{W}w")) if size is not None else 11906
    left = int(margins.get(f"{W}left")) if margins is not None else 1701
    right = int(margins.get(f"{W}right")) if margins is not None else 850
    return page - left - right


def _marked(tbl: Any) -> bool:
    pr = tbl.find(f"{W}tblPr")
    desc = pr.find(f"{W}tblDescription") if pr is not None else None
    return desc is not None and (desc.get(f"{W}val") or "").startswith(MARKER)


def _grid(tbl: Any) -> list[int]:
    grid = tbl.find(f"{W}tblGrid")
    return [int(g.get(f"{W}w") or 0) for g in grid.findall(f"{W}gridCol")] if grid is not None else []


def needs_fitting(table: Any, available: int) -> bool:
    """Whether a table is ours to fit, or its grid disagrees with its cells or is wider than the page."""
    tbl = table._tbl
    if _marked(tbl):
        return True
    grid = _grid(tbl)
    for row in table.rows:
        cells = _cells(row)
        if sum(_span(c) for c in cells) != len(grid):
            return True
    return sum(grid) > available + 10


TBL_PR_ORDER = (  # the children of w:tblPr, in the order the schema requires (Word refuses others)
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
)


def table_property(tbl_pr: Any, tag: str) -> Any:
    """The child ``w:<tag>`` of a table's properties, added in the order the schema requires if missing."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    found = tbl_pr.find(qn(f"w:{tag}"))
    if found is not None:
        return found
    element = OxmlElement(f"w:{tag}")
    successors = [f"w:{t}" for t in TBL_PR_ORDER[TBL_PR_ORDER.index(tag) + 1 :]]
    tbl_pr.insert_element_before(element, *successors)
    return element


def fit_tables(doc: Any) -> None:
    """Give every table that needs it column widths from its content that add up to its page's text width."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import Table

    default = _style_size(doc)
    known: dict[str | None, float | None] = {}  # paragraph style id -> its font size
    for tbl, available in text_widths(doc):
        table = Table(tbl, doc._body)
        if not needs_fitting(table, available):
            continue
        measured: list[list[_Cell]] = []
        for row in table.rows:
            line = []
            for cell in _cells(row):
                least, need = _measure_cell(cell, default, known)
                if _no_wrap(cell):  # a name or a number: on one line, whole
                    least = need
                margin = 2 * CELL_MARGIN
                line.append(
                    _Cell(least * SLACK * TWIPS_PER_PT + margin, need * SLACK * TWIPS_PER_PT + margin, _span(cell))
                )
            measured.append(line)
        heading = sum(
            1 for row in table.rows if row._tr.trPr is not None and row._tr.trPr.find(f"{W}tblHeader") is not None
        )
        widths = column_widths(measured, available, heading)
        pr = tbl.tblPr
        table_property(pr, "tblLayout").set(qn("w:type"), "fixed")
        tbl_w = table_property(pr, "tblW")
        tbl_w.set(qn("w:w"), str(sum(widths)))
        tbl_w.set(qn("w:type"), "dxa")
        grid = tbl.find(qn("w:tblGrid"))
        for col in list(grid):
            grid.remove(col)
        for w in widths:
            col = OxmlElement("w:gridCol")
            col.set(qn("w:w"), str(w))
            grid.append(col)
        for row in table.rows:
            start = 0
            for cell in _cells(row):
                span = _span(cell)
                tc_w = cell._tc.get_or_add_tcPr().get_or_add_tcW()
                tc_w.set(qn("w:w"), str(sum(widths[start : start + span])))
                tc_w.set(qn("w:type"), "dxa")
                start += span
