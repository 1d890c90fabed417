"""Build the default Word templates in the layout of Nghị định 30/2020/NĐ-CP.

    .venv/bin/python templates/make_templates.py

The .docx files it writes are the templates: a secretariat restyles them in
Word (``emuxl init`` copies them into the campaign); this script only makes
the first version reproducible. Jinja tags are docxtpl's: ``{%p %}`` for
paragraph loops, ``{%tr %}`` for table-row loops, ``{%tc %}`` for column
loops. Tables marked ``emuxl:fit`` (their description) get column widths from
their content after rendering, adding up to the text width of their page.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from emuxl.report.layout import MARKER, table_property

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT


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
    header.alignment = CENTER
    _field(header, "PAGE", 13)
    body = doc.element.body  # python-docx's default document starts with an empty paragraph: none here
    for p in body.findall(qn("w:p")):
        body.remove(p)
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


def para(container, text="", *, bold=False, italic=False, size=14, align=None, indent=False, after=6, first=False):
    """A paragraph with one run of text (``first``: use the cell's own first paragraph)."""
    p = container.paragraphs[0] if first else container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    return p


def tag(container, text: str) -> None:
    """A paragraph holding only a docxtpl ``{%p %}`` tag (removed when rendered)."""
    para(container, text, size=2, after=0)


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
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def _no_borders(table) -> None:
    borders = table_property(table._tbl.tblPr, "tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)


def fit(table, cms: list[float]) -> None:
    """Starting widths (grid and every cell), fixed layout, and the mark that refits them to their content."""
    table.autofit = False
    table_property(table._tbl.tblPr, "tblLayout").set(qn("w:type"), "fixed")
    table_property(table._tbl.tblPr, "tblDescription").set(qn("w:val"), MARKER)
    for col, cm in zip(table.columns, cms, strict=True):
        col.width = Cm(cm)
        for cell in col.cells:
            cell.width = Cm(cm)


def _row_flags(row, *flags: str) -> None:
    trpr = row._tr.get_or_add_trPr()
    for flag in flags:
        trpr.append(OxmlElement(f"w:{flag}"))


def header_block(doc, key: str) -> None:
    """Issuer over «Số:», level with the national motto over the date line (Decree 30, two rows)."""
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fit(table, [6.5, 10.0])
    (issuer, motto), (number, date_line) = (r.cells for r in table.rows)
    d = f"documents.{key}"
    tag(issuer, f"{{%p if {d}.issuer_parent %}}")
    para(issuer, f"{{{{ {d}.issuer_parent }}}}", size=13, align=CENTER, after=0)
    tag(issuer, "{%p endif %}")
    issuer._tc.remove(issuer.paragraphs[0]._p)  # the cell's own empty first paragraph would push the issuer down
    para(issuer, f"{{{{ {d}.issuer }}}}", bold=True, size=13, align=CENTER, after=0)
    rule(issuer, 2.0, 2.0)
    para(motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=CENTER, after=0, first=True)
    para(motto, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=CENTER, after=0)
    rule(motto, 2.4, 2.4)
    para(number, f"Số: {{{{ {d}.number }}}}", size=13, align=CENTER, after=0, first=True)
    para(date_line, f"{{{{ {d}.date_line }}}}", italic=True, size=14, align=CENTER, after=0, first=True)
    for cell in (issuer, motto):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    para(doc, "", size=6, after=0)


def title_block(doc, kind: str, key: str) -> None:
    """«BÁO CÁO» and the subject under it (bold, centred), with the short rule below."""
    para(doc, kind, bold=True, align=CENTER, after=0)
    para(doc, f"{{{{ documents.{key}.title }}}}", bold=True, align=CENTER, after=0)
    rule(doc, 6.5, 6.5)


def signature_block(doc, key: str) -> None:
    """Nơi nhận on the left; the signatory on the right, with a name (or a dotted line to sign over)."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    fit(table, [8.0, 8.5])
    _row_flags(table.rows[0], "cantSplit")  # the signature block never breaks across pages
    left, right = table.rows[0].cells
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, after=0, first=True)
    tag(left, f"{{%p for line in documents.{key}.recipients %}}")
    para(left, "- {{ line }}{{ '.' if loop.last else ';' }}", size=11, after=0)
    tag(left, "{%p endfor %}")
    para(right, "{{ signature.on_behalf }}", bold=True, align=CENTER, after=0, first=True)
    tag(right, "{%p if signature.acting %}")
    para(right, "{{ signature.acting }}", bold=True, align=CENTER, after=0)
    tag(right, "{%p endif %}")
    para(right, "{{ signature.title }}", bold=True, align=CENTER, after=72)
    para(right, "{{ signature.name }}", bold=True, align=CENTER)


def legal_basis(doc) -> None:
    """The *căn cứ* lines, italic, one a paragraph."""
    tag(doc, "{%p for line in legal_basis %}")
    para(doc, "Căn cứ {{ line }};", italic=True, indent=True, after=0)
    tag(doc, "{%p endfor %}")


def _cell(cell, text: str, *, bold=False, size=12, align=CENTER, whole=False) -> None:
    """One table cell's text; ``whole``: never wrapped (names and numbers are not broken)."""
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold, run.font.size = bold, Pt(size)
    p.alignment = align
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(1)
    p.paragraph_format.line_spacing = 1.0
    mark = OxmlElement("w:rPr")  # the paragraph mark's size: an empty cell is as tall as a full one
    size_el = OxmlElement("w:sz")
    size_el.set(qn("w:val"), str(size * 2))
    mark.append(size_el)
    p._p.get_or_add_pPr().append(mark)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if whole:
        tcpr = cell._tc.get_or_add_tcPr()
        tcpr.insert_element_before(OxmlElement("w:noWrap"), "w:vAlign", "w:hideMark")


def ranking_table(doc, with_sections: bool, size: int = 12) -> None:
    """The score table: header repeated on every page, one row per member that never splits.

    Columns: rank, member, every section's subtotal (column loop), bonus, penalty, total, award.
    """
    heads = ["Hạng", "{{ noun_title }}"]
    values = ["{{ r.rank }}", "{{ r.name }}"]
    aligns = [CENTER, LEFT]
    if with_sections:
        heads += ["{%tc for s in section_heads %}", "Phần {{ s.code }}", "{%tc endfor %}"]
        values += ["{%tc for v in r.section_values %}", "{{ v }}", "{%tc endfor %}"]
        aligns += [CENTER, RIGHT, CENTER]
        heads += ["Điểm thưởng", "Điểm trừ"]
        values += ["{{ r.bonus }}", "{{ r.penalty }}"]
        aligns += [RIGHT, RIGHT]
    heads += ["Tổng điểm", "Đề nghị khen thưởng"]
    values += ["{{ r.total }}", "{{ r.award_name }}"]
    aligns += [RIGHT, LEFT]
    table = doc.add_table(rows=4, cols=len(heads))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fit(table, [16.5 / len(heads)] * len(heads))
    _row_flags(table.rows[0], "cantSplit", "tblHeader")
    _row_flags(table.rows[2], "cantSplit")
    blank = [""] * (len(heads) - 1)
    for n, (row, texts) in enumerate(
        zip(table.rows, [heads, ["{%tr for r in ranking %}", *blank], values, ["{%tr endfor %}", *blank]], strict=True)
    ):
        for cell, text, align in zip(row.cells, texts, aligns, strict=True):
            whole = n == 2 and "award" not in text
            _cell(cell, text, bold=n == 0, size=size, align=CENTER if n != 2 else align, whole=whole)


def landscape_section(doc) -> None:
    """A new page in landscape for the annex (binding edge at the top: 30 mm there)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(30), Mm(15)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    section.different_first_page_header_footer = False


def summary_report() -> Document:
    """Báo cáo tổng kết giao ước thi đua."""
    doc = new_document()
    header_block(doc, "report")
    title_block(doc, "BÁO CÁO", "report")
    legal_basis(doc)
    para(doc, "{{ cluster }} báo cáo kết quả thực hiện giao ước thi đua năm {{ year }} như sau:", indent=True)
    para(doc, "I. TÌNH HÌNH CHUNG", bold=True)
    para(doc, "{{ texts.situation }}", indent=True)
    para(doc, "II. KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG GIAO ƯỚC THI ĐUA", bold=True)
    tag(doc, "{%p for s in sections %}")
    para(doc, "{{ s.number }}. {{ s.title }}", bold=True, indent=True)
    tag(doc, "{%p for i in s.indicators %}")
    para(doc, "- {{ i.sentence }}", indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for text in s.paragraphs %}")
    para(doc, "{{ text }}", indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    para(doc, "III. ĐÁNH GIÁ CHUNG", bold=True)
    para(doc, "{{ texts.assessment }}", indent=True)
    para(doc, "IV. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG VÀ ĐỀ NGHỊ KHEN THƯỞNG", bold=True)
    para(doc, "{{ ranking_sentence }} Kết quả của từng {{ noun }} tại Phụ lục kèm theo.", indent=True)
    para(doc, "{{ chart }}", align=CENTER)
    tag(doc, "{%p for note in notes %}")
    para(doc, "- {{ note }}.", indent=True)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ proposal_sentence }}", indent=True)
    para(doc, "V. NHIỆM VỤ NĂM {{ next_year }}; CỤM TRƯỞNG, CỤM PHÓ NĂM {{ next_year }}", bold=True)
    para(doc, "{{ texts.tasks }}", indent=True)
    para(doc, "{{ rotation_sentence }}", indent=True)
    para(doc, "VI. KIẾN NGHỊ, ĐỀ XUẤT", bold=True)
    para(doc, "{{ texts.recommendations }}", indent=True)
    closing = "Trên đây là báo cáo tổng kết giao ước thi đua năm {{ year }} của {{ cluster }}./."
    para(doc, closing, indent=True).paragraph_format.keep_with_next = True  # never a signature alone
    signature_block(doc, "report")
    landscape_section(doc)
    para(doc, "PHỤ LỤC", bold=True, align=CENTER, after=0)
    para(doc, "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {{ year }}", bold=True, align=CENTER, after=0)
    annexed = "(Kèm theo Báo cáo số {{ documents.report.number }} {{ documents.report.day }})"
    para(doc, annexed, italic=True, align=CENTER)
    ranking_table(doc, with_sections=True)
    para(doc, "{{ annex_note }}", italic=True, size=12, after=0).paragraph_format.space_before = Pt(6)
    return doc


def award_proposal() -> Document:
    """Tờ trình đề nghị khen thưởng."""
    doc = new_document()
    header_block(doc, "proposal")
    title_block(doc, "TỜ TRÌNH", "proposal")
    para(doc, "Kính gửi: {{ documents.proposal.to }}.", align=CENTER)
    legal_basis(doc)
    para(doc, "{{ proposal.intro }}", indent=True)
    tag(doc, "{%p for group in proposal.groups %}")
    para(doc, "{{ group.heading }}", bold=True, indent=True)
    tag(doc, "{%p for p in group.members %}")
    para(doc, "- {{ p.formal_name }}: {{ p.justification }}.", indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ proposal.enclosed }}", italic=True, indent=True)
    para(doc, "{{ proposal.closing }}", indent=True).paragraph_format.keep_with_next = True
    signature_block(doc, "proposal")
    return doc


def minutes() -> Document:
    """Biên bản họp bình xét (the minutes of the scoring meeting)."""
    doc = new_document()
    header_block(doc, "minutes")
    title_block(doc, "BIÊN BẢN", "minutes")
    para(doc, "{{ minutes.opening }}", indent=True)
    para(doc, "I. THÀNH PHẦN THAM DỰ", bold=True)
    para(doc, "1. Chủ trì: {{ minutes.chaired_by }}.", indent=True)
    para(doc, "2. Thư ký: {{ minutes.secretary }}.", indent=True)
    para(doc, "3. Đại diện các {{ noun }} thành viên Cụm:", indent=True)
    tag(doc, "{%p for a in minutes.attendees %}")
    para(doc, "- {{ a.member }}: {{ a.people }}.", indent=True).alignment = LEFT
    tag(doc, "{%p endfor %}")
    para(doc, "II. NỘI DUNG", bold=True)
    para(doc, "1. Chương trình cuộc họp", bold=True, indent=True)
    tag(doc, "{%p for item in minutes.agenda %}")
    para(doc, "- {{ item }}", indent=True)
    tag(doc, "{%p endfor %}")
    para(doc, "2. Kết quả chấm điểm, xếp hạng", bold=True, indent=True)
    para(doc, "{{ ranking_sentence }}", indent=True)
    ranking_table(doc, with_sections=False, size=13)
    tag(doc, "{%p if minutes.votes %}")
    para(doc, "3. Biểu quyết", bold=True, indent=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for v in minutes.votes %}")
    para(doc, "- {{ v.question }}. Kết quả biểu quyết: {{ v.result or v.result_text }}", indent=True)
    tag(doc, "{%p endfor %}")
    para(doc, "III. KẾT LUẬN", bold=True).paragraph_format.space_before = Pt(6)
    tag(doc, "{%p for line in minutes.conclusions %}")
    para(doc, "{{ loop.index }}. {{ line }}", indent=True)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ minutes.closing }}", indent=True).paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    fit(table, [8.0, 8.5])
    _row_flags(table.rows[0], "cantSplit")
    for cell, role, name in zip(
        table.rows[0].cells, ("THƯ KÝ", "CHỦ TRÌ"), ("minutes.secretary_name", "minutes.chair_name"), strict=True
    ):
        para(cell, role, bold=True, align=CENTER, after=72, first=True)
        para(cell, f"{{{{ {name} }}}}", bold=True, align=CENTER)
    para(doc, "Nơi nhận:", bold=True, italic=True, size=12, after=0)
    tag(doc, "{%p for line in documents.minutes.recipients %}")
    para(doc, "- {{ line }}{{ '.' if loop.last else ';' }}", size=11, after=0)
    tag(doc, "{%p endfor %}")
    return doc


def main() -> None:
    summary_report().save(HERE / "bao-cao-tong-ket.docx")
    award_proposal().save(HERE / "to-trinh-khen-thuong.docx")
    minutes().save(HERE / "bien-ban-hop-binh-xet.docx")


if __name__ == "__main__":
    main()
