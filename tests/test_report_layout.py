"""The documents as their reader gets them: tables that fit the page, read back from the .docx and from the PDF.

The PDF tests convert through real LibreOffice and read the text back with pdftotext (poppler).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_golden_reports import sample_results

from emuxl.definitions import load_campaign
from emuxl.report import render_reports, template_paths
from emuxl.report.layout import (
    CELL_MARGIN,
    balanced_lines,
    issuer_lines,
    text_width,
    text_widths,
)
from emuxl.results import Results

SMALL = Path(__file__).parent / "data" / "small"


@pytest.fixture(scope="module")
def pdf_tools() -> None:
    """LibreOffice and poppler's pdftotext/pdfinfo; skipped (visibly) only outside CI."""
    missing = [tool for tool in ("soffice", "pdftotext", "pdfinfo") if not shutil.which(tool)]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)}")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """The 2023 sample with its fixed returns (the golden files' results)."""
    return sample_results(tmp_path_factory.mktemp("layout") / "tay-nam-bo-2023")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """45 communes: an annex over several pages."""
    from test_report import results_for

    folder = tmp_path_factory.mktemp("big") / "big"
    shutil.copytree(SMALL, folder)
    members = "".join(f'  - {{code: "{n:02d}", name: "Xã Tân Phú Đông {n}"}}\n' for n in range(1, 46))
    text = (folder / "campaign.yaml").read_text(encoding="utf-8")
    start, end = text.index("members:\n"), text.index("chair:")
    (folder / "campaign.yaml").write_text(
        text[:start] + "members:\n" + members + text[end:] + "report: {member_noun: xã, date: 2025-01-15}\n",
        encoding="utf-8",
    )
    return results_for(load_campaign(folder))


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text laid out as on the page (pdftotext -layout)."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    cmd = ["pdftotext", "-layout", *pages, str(path), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """Width and height in points of every page of a PDF (pdfinfo)."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True, check=True)
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out.stdout)]


def _annex_pages(pdf: Path) -> list[int]:
    """The numbers of the PDF pages that hold the annex (landscape pages)."""
    return [n for n, (w, h) in enumerate(page_sizes(pdf), 1) if w > h]


@pytest.fixture(scope="module")
def sample_pdfs(pdf_tools: None, sample: Results, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three documents of the 2023 sample converted to PDF by LibreOffice, by template name."""
    out = tmp_path_factory.mktemp("pdf")
    done = []
    for template in template_paths(sample.campaign):
        done += render_reports(sample, [template], out=out / template.name, pdf=True, today=date(2024, 3, 27))
    return {d.docx.stem: d.pdf for d in done if d.pdf is not None}


def test_annex_totals_read_back_whole_from_the_pdf(sample_pdfs: dict[str, Path], sample: Results) -> None:
    """In the PDF, every member's annex row holds its name, every subtotal, bonus, penalty and total whole."""
    pdf = sample_pdfs["bao-cao-tong-ket"]
    annex = _annex_pages(pdf)
    assert annex, "the annex is not on a landscape page"
    text = pdf_text(pdf, annex[0], annex[-1])
    from emuxl.report import build_context

    for row in build_context(sample)["ranking"]:
        cells = [*row["section_values"], row["bonus"], row["penalty"], row["total"]]
        pattern = r"^\s*" + r"\s+".join(re.escape(x) for x in [str(row["rank"]), row["name"], *cells]) + r"(\s|$)"
        assert re.search(pattern, text, flags=re.M), f"row of {row['name']} not whole in the PDF:\n{text}"


@pytest.mark.parametrize("template", ["bao-cao-tong-ket", "to-trinh-khen-thuong", "bien-ban-hop-binh-xet"])
def test_signatures_never_stand_alone_on_a_page(sample_pdfs: dict[str, Path], template: str) -> None:
    """The page with the signature block also has the closing sentence («…./.»): no signature on a page alone."""
    pdf = sample_pdfs[template]
    pages = [pdf_text(pdf, n, n) for n in range(1, len(page_sizes(pdf)) + 1)]
    signed = [t for t in pages if "Nơi nhận:" in t or "THƯ KÝ" in t]
    assert len(signed) == 1 and "./." in signed[0], f"{template}: the signature is apart from the closing"


def test_annex_of_a_large_cluster_repeats_its_header_and_keeps_rows_whole(
    pdf_tools: None, big: Results, tmp_path: Path
) -> None:
    """45 communes: the annex spans landscape pages, each opening with the header; no row is split or broken."""
    template = template_paths(big.campaign)[0]
    done = render_reports(big, [template], out=tmp_path / "bao-cao.docx", pdf=True, today=date(2025, 1, 15))[0]
    assert done.pdf is not None
    annex = _annex_pages(done.pdf)
    assert len(annex) >= 2, "45 rows should take more than one page"
    seen = []
    for page in annex:
        text = pdf_text(done.pdf, page, page)
        header = re.search(r"^\s*Hạng\s+Xã\s+Phần A\s+Phần B\s+.*Đề nghị khen thưởng", text, flags=re.M)
        assert header, f"page {page} does not open with the header row:\n{text[:400]}"
        seen += re.findall(r"^\s*\d+\s+(Xã Tân Phú Đông \d+)\s+[\d.,-]+", text, flags=re.M)
    assert sorted(seen) == sorted(f"Xã Tân Phú Đông {n}" for n in range(1, 46))  # each row once, on one line


def _tables(path: Path) -> list[tuple[object, int]]:
    return text_widths(Document(str(path)))


def _check_table(tbl: object, available: int, where: str) -> None:
    grid = [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]  # type: ignore[attr-defined]
    assert abs(sum(grid) - available) <= 2, f"{where}: grid {sum(grid)} twips, text width {available}"
    for n, tr in enumerate(tbl.findall(qn("w:tr"))):  # type: ignore[attr-defined]
        cells = tr.findall(qn("w:tc"))
        spans = [
            int(s.get(qn("w:val"))) if (s := tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")) is not None else 1
            for tc in cells
        ]
        widths = [int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for tc in cells]
        assert sum(spans) == len(grid), f"{where}, row {n}: {sum(spans)} cells on a grid of {len(grid)}"
        assert sum(widths) == sum(grid), f"{where}, row {n}: cells {sum(widths)} twips, grid {sum(grid)}"


def test_every_table_agrees_with_its_grid_and_fills_the_text_width(
    sample: Results, big: Results, tmp_path: Path
) -> None:
    """In every document, each table's grid adds up to its page's text width, and every row's cells to the grid."""
    for name, results in (("sample", sample), ("big", big)):
        done = render_reports(results, template_paths(results.campaign), today=date(2025, 1, 15))
        for doc in done:
            tables = _tables(doc.docx)
            assert tables
            for n, (tbl, available) in enumerate(tables):
                _check_table(tbl, available, f"{name} {doc.docx.name} table {n}")


def test_annex_is_landscape_with_a_bold_repeated_header_and_rows_that_never_split(sample: Results) -> None:
    """The annex: a landscape section; the header row bold and repeated; no row breaks across pages."""
    done = render_reports(sample, template_paths(sample.campaign)[:1], today=date(2024, 3, 27))[0]
    doc = Document(str(done.docx))
    annex_section = doc.sections[-1]
    assert annex_section.page_width > annex_section.page_height
    table = doc.tables[-1]
    head, *body = table.rows
    assert head._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    assert all(run.bold for cell in head.cells for p in cell.paragraphs for run in p.runs if run.text.strip())
    assert [c.text for c in head.cells] == [
        "Hạng", "Tỉnh", "Phần A", "Phần B", "Phần C", "Phần D", "Phần E",
        "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Đề nghị khen thưởng",
    ]  # fmt: skip
    assert len(body) == 12


def test_header_block_columns_hold_their_lines_unbroken(sample: Results) -> None:
    """The issuer column holds its widest line and the motto column the national motto, each on one line."""
    for done in render_reports(sample, template_paths(sample.campaign), today=date(2024, 3, 27)):
        doc = Document(str(done.docx))
        table = doc.tables[0]
        issuer, motto = table.rows[0].cells
        left, right = (int(c._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for c in (issuer, motto))
        widest = max(text_width(line, 13, True) for line in issuer.paragraphs[0].text.split("\n"))
        assert widest * 20 + 2 * CELL_MARGIN <= left, done.docx.name
        assert text_width("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True) * 20 + 2 * CELL_MARGIN <= right


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", ["ỦY BAN NHÂN DÂN", "TỈNH SÓC TRĂNG"]),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ", ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ CẦN THƠ"]),
        ("CỤM THI ĐUA CÁC TỈNH TÂY NAM BỘ", ["CỤM THI ĐUA", "CÁC TỈNH TÂY NAM BỘ"]),
        ("CỤM THI ĐUA CÁC TỈNH, THÀNH PHỐ TÂY NAM BỘ", ["CỤM THI ĐUA", "CÁC TỈNH, THÀNH PHỐ", "TÂY NAM BỘ"]),
        (["SỞ NỘI VỤ", "BAN THI ĐUA - KHEN THƯỞNG"], ["SỞ NỘI VỤ", "BAN THI ĐUA - KHEN THƯỞNG"]),
    ],
)
def test_issuer_names_break_between_word_groups(name: str | list[str], lines: list[str]) -> None:
    """An issuer breaks before its level («TỈNH», «CÁC TỈNH») or region, never inside a group; a list is kept."""
    assert issuer_lines(name) == lines


def test_a_title_breaks_before_the_cluster_name() -> None:
    """A subject line too long for one line breaks before «của Cụm», so the cluster's name stays whole."""
    text = "Tổng kết thực hiện giao ước thi đua năm 2023 của Cụm thi đua các tỉnh Tây Nam Bộ"
    assert balanced_lines(text, 16.5 * 28.35 * 0.92, 14, True) == [
        "Tổng kết thực hiện giao ước thi đua năm 2023",
        "của Cụm thi đua các tỉnh Tây Nam Bộ",
    ]


# The order OOXML requires for the children of these properties (ECMA-376 part 1, §17): Word refuses a
# document that breaks it ("unreadable content") where LibreOffice opens it silently.
SCHEMA_ORDER = {
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
}


def test_documents_keep_the_property_order_word_requires(sample: Results) -> None:
    """Table, cell and paragraph properties of every document are in schema order (Word rejects others)."""
    for done in render_reports(sample, template_paths(sample.campaign), today=date(2024, 3, 27)):
        body = Document(str(done.docx)).element
        for tag, order in SCHEMA_ORDER.items():
            known = order.split()
            for el in body.iter(qn(f"w:{tag}")):
                names = [c.tag.split("}")[1] for c in el if isinstance(c.tag, str)]
                assert all(n in known for n in names), f"{done.docx.name}: unexpected {tag} child in {names}"
                positions = [known.index(n) for n in names]
                assert positions == sorted(positions), f"{done.docx.name}: {tag} children out of order: {names}"
