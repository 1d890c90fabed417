"""Build the default Word templates in the layout of Nghị định 30/2020/NĐ-CP.

    .venv/bin/python templates/make_templates.py

The .docx files it writes are the templates: a secretariat restyles them in
Word (``emuxl init`` copies them into the campaign); this script only makes
the first version reproducible. Jinja tags are docxtpl's: ``{%p %}`` for
paragraph loops, ``{%tr %}`` for table-row loops.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"


def _fonts(style) -> None:
    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def new_document() -> Document:
    """An empty A4 document with Decree 30 margins, Times New Roman 14 and page numbers from page 2."""
    doc = Document()
    normal = doc.styles["Normal"]
    _fonts(normal)
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(header, "PAGE", 13)
    return doc


def _field(paragraph, code: str, size: int) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(size)
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        run._r.append(el)


def para(container, text: str = "", *, bold=False, italic=False, size=14, align=None, indent=False, after=6):
    """A paragraph with one run of text."""
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.space_after = Pt(after)
    return p


def rule(container, left_cm: float, right_cm: float) -> None:
    """A short horizontal rule: the bottom border of a tiny paragraph, narrowed by indents."""
    p = para(container, "", size=2, after=4)
    p.paragraph_format.line_spacing = Pt(2)
    p.paragraph_format.left_indent, p.paragraph_format.right_indent = Cm(left_cm), Cm(right_cm)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def widths(table, cms: list[float]) -> None:
    """Fixed column widths (grid and every cell), so Word and LibreOffice lay the table out alike."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for col, cm in zip(table.columns, cms, strict=True):
        col.width = Cm(cm)
        for cell in col.cells:
            cell.width = Cm(cm)


def header_block(doc, number_key: str) -> None:
    """The two-column header: issuer and number on the left, national motto and date line on the right."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(table, [6.3, 10.2])
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].text = ""
    p = left.paragraphs[0]
    p.alignment = center
    run = p.add_run("{{ report.issuer_parent or '' }}")
    run.font.size = Pt(13)
    para(left, "{{ report.issuer }}", bold=True, size=13, align=center, after=0)
    rule(left, 2.0, 2.0)
    para(left, f"Số: {{{{ report.{number_key} }}}}", size=13, align=center)
    right.paragraphs[0].alignment = center
    r = right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    r.bold, r.font.size = True, Pt(12)
    right.paragraphs[0].paragraph_format.space_after = Pt(0)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=center, after=0)
    rule(right, 2.4, 2.4)
    para(right, "{{ date_line }}", italic=True, size=14, align=center)


def signature_block(doc) -> None:
    """Nơi nhận on the left; the signatory on the right."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    widths(table, [8.0, 8.5])
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    row_pr.append(OxmlElement("w:cantSplit"))  # the signature block never breaks across pages
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    run = p.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    p.paragraph_format.space_after = Pt(0)
    para(left, "{%p for line in report.recipients %}", size=11, after=0)
    para(left, "- {{ line }}{{ '.' if loop.last else ';' }}", size=11, after=0)
    para(left, "{%p endfor %}", size=11, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].alignment = center
    r = right.paragraphs[0].add_run("{{ report.signatory.on_behalf }}")
    r.bold, r.font.size = True, Pt(14)
    right.paragraphs[0].paragraph_format.space_after = Pt(0)
    para(right, "{{ report.signatory.acting or '' }}", bold=True, align=center, after=0)
    para(right, "{{ report.signatory.title }}", bold=True, align=center, after=60)
    para(right, "{{ report.signatory.name }}", bold=True, align=center)


def ranking_table(doc, with_sections: bool) -> None:
    """The score table: one row per member (docxtpl row loop), one column per section (column loop)."""
    loop_head = ["{%tc for s in section_heads %}", "Phần {{ s.code }}", "{%tc endfor %}"] if with_sections else []
    loop_cell = ["{%tc for v in r.section_values %}", "{{ v }}", "{%tc endfor %}"] if with_sections else []
    heads = ["Hạng", "Đơn vị", *loop_head, "Tổng điểm", "Đề nghị khen thưởng"]
    values = ["{{ r.rank }}", "{{ r.name }}", *loop_cell, "{{ r.total }}", "{{ r.award_name }}"]
    table = doc.add_table(rows=4, cols=len(heads))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(table, [1.3, 3.4, 0.3, 1.9, 0.3, 2.1, 3.6] if with_sections else [1.5, 5.0, 3.0, 7.0])
    rows = [
        heads,
        ["{%tr for r in ranking %}"] + [""] * (len(heads) - 1),
        values,
        ["{%tr endfor %}"] + [""] * (len(heads) - 1),
    ]
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(12)
            run.bold = row is table.rows[0]


def summary_report() -> Document:
    """Báo cáo tổng kết giao ước thi đua."""
    doc = new_document()
    header_block(doc, "number")
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, "BÁO CÁO", bold=True, align=center, after=0)
    para(doc, "Tổng kết thực hiện giao ước thi đua năm {{ year }} của {{ cluster }}", bold=True, align=center)
    para(doc, "{%p for line in legal_basis %}")
    para(doc, "Căn cứ {{ line }};", italic=True, indent=True, after=0)
    para(doc, "{%p endfor %}")
    para(doc, "{{ cluster }} báo cáo kết quả thực hiện giao ước thi đua năm {{ year }} như sau:", indent=True)
    para(doc, "I. TÌNH HÌNH CHUNG", bold=True)
    para(doc, "{{ report.situation }}", indent=True)
    para(doc, "II. KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG GIAO ƯỚC THI ĐUA", bold=True)
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.number }}. {{ s.title }}", bold=True, indent=True)
    para(doc, "{%p for i in s.indicators %}")
    para(doc, "- {{ i.sentence }}", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "III. ĐÁNH GIÁ CHUNG", bold=True)
    para(doc, "{{ report.assessment }}", indent=True)
    para(doc, "IV. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG VÀ ĐỀ NGHỊ KHEN THƯỞNG", bold=True)
    para(doc, "{{ ranking_sentence }}", indent=True)
    para(doc, "{{ chart }}", align=center)
    para(doc, "{{ proposal_sentence }}", indent=True)
    para(doc, "V. NHIỆM VỤ NĂM {{ next_year }}; CỤM TRƯỞNG, CỤM PHÓ NĂM {{ next_year }}", bold=True)
    para(doc, "{{ report.tasks }}", indent=True)
    para(doc, "{{ rotation_sentence }}", indent=True)
    para(doc, "VI. KIẾN NGHỊ, ĐỀ XUẤT", bold=True)
    para(doc, "{{ report.recommendations }}", indent=True)
    para(doc, "Trên đây là báo cáo tổng kết giao ước thi đua năm {{ year }} của {{ cluster }}./.", indent=True)
    signature_block(doc)
    p = para(doc)
    p.add_run().add_break(WD_BREAK.PAGE)
    para(doc, "PHỤ LỤC", bold=True, align=center, after=0)
    para(doc, "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {{ year }}", bold=True, align=center, after=0)
    para(doc, "(Kèm theo Báo cáo số {{ report.number }})", italic=True, align=center)
    ranking_table(doc, with_sections=True)
    return doc


def award_proposal() -> Document:
    """Tờ trình đề nghị khen thưởng."""
    doc = new_document()
    header_block(doc, "proposal_number")
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, "TỜ TRÌNH", bold=True, align=center, after=0)
    para(
        doc,
        "Về việc đề nghị tặng Cờ thi đua của Chính phủ và Bằng khen của Thủ tướng Chính phủ",
        bold=True,
        align=center,
        after=0,
    )
    para(doc, "cho các tỉnh thuộc {{ cluster }} năm {{ year }}", bold=True, align=center)
    para(doc, "Kính gửi: {{ report.proposal_to }}.", align=center)
    para(doc, "{%p for line in legal_basis %}")
    para(doc, "Căn cứ {{ line }};", italic=True, indent=True, after=0)
    para(doc, "{%p endfor %}")
    para(doc, "{{ ranking_sentence }}", indent=True)
    para(doc, "Thay mặt {{ cluster }}, Cụm trưởng {{ chair.name }} trân trọng đề nghị:", indent=True)
    para(doc, "1. Tặng Cờ thi đua của Chính phủ cho:", bold=True, indent=True)
    para(doc, "{%p for p in proposals.flag %}")
    para(doc, "- {{ p.name }}: {{ p.justification }};", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "2. Tặng Bằng khen của Thủ tướng Chính phủ cho:", bold=True, indent=True)
    para(doc, "{%p for p in proposals.merit %}")
    para(doc, "- {{ p.name }}: {{ p.justification }};", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "(Kèm theo bảng tổng hợp kết quả chấm điểm, xếp hạng.)", italic=True, indent=True)
    ranking_table(doc, with_sections=False)
    para(doc, "Kính trình {{ report.proposal_to }} xem xét, quyết định./.", indent=True)
    signature_block(doc)
    return doc


def minutes() -> Document:
    """Biên bản họp bình xét (the minutes of the scoring meeting)."""
    doc = new_document()
    header_block(doc, "minutes_number")
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, "BIÊN BẢN", bold=True, align=center, after=0)
    para(doc, "Họp bình xét, suy tôn thi đua năm {{ year }} của {{ cluster }}", bold=True, align=center)
    para(
        doc,
        "Chủ trì: đại diện {{ chair.name }} (Cụm trưởng). Tham dự: đại diện các {{ report.member_noun }} "
        "{{ members | map(attribute='name') | join_vi }}.",
        indent=True,
    )
    para(doc, "1. Kết quả chấm điểm, xếp hạng", bold=True, indent=True)
    para(doc, "{{ ranking_sentence }}", indent=True)
    ranking_table(doc, with_sections=False)
    para(doc, "{%p for note in notes %}")
    para(doc, "- {{ note }}.", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "2. Đề nghị khen thưởng", bold=True, indent=True)
    para(doc, "{{ proposal_sentence }}", indent=True)
    para(doc, "3. Cụm trưởng, Cụm phó năm {{ next_year }}", bold=True, indent=True)
    para(doc, "{{ rotation_sentence }}", indent=True)
    para(doc, "Biên bản được thông qua tại cuộc họp và lập thành các bản có giá trị như nhau./.", indent=True)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    widths(table, [8.0, 8.5])
    for cell, title in zip(table.rows[0].cells, ("THƯ KÝ", "CHỦ TRÌ"), strict=True):
        cell.paragraphs[0].alignment = center
        run = cell.paragraphs[0].add_run(title)
        run.bold = True
    return doc


def main() -> None:
    summary_report().save(HERE / "bao-cao-tong-ket.docx")
    award_proposal().save(HERE / "to-trinh-khen-thuong.docx")
    minutes().save(HERE / "bien-ban-hop-binh-xet.docx")


if __name__ == "__main__":
    main()
