"""Word reports: the exact Vietnamese sentences, the Decree 30 layout, PDF, and a hostile template refused."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Mm, Pt

from emuxl.cli import main
from emuxl.definitions import Campaign, load_campaign
from emuxl.demo import plausible_peer_scores, plausible_values
from emuxl.errors import ReportError
from emuxl.ranking import rank
from emuxl.report import build_context, chart_rows, lint_template, render_reports, template_paths
from emuxl.results import Results
from emuxl.scoring import score
from emuxl.vnformat import fixed, join, long_date, number, percent

SMALL = Path(__file__).parent / "data" / "small"
A03 = {  # hand-checked budget revenue: three provinces over plan, nine at 95 %
    "89": 10969.0,
    "87": 10894.0,
    "80": 10775.0,
}
SENTENCE = (
    "Thu ngân sách nhà nước trên địa bàn toàn Cụm đạt 118.138 tỷ đồng, đạt 98,45% kế hoạch, "
    "tăng 9,39% so với năm 2022; có 3/12 tỉnh đạt và vượt kế hoạch, một số tỉnh vượt cao như: "
    "An Giang (109,69%), Đồng Tháp (108,94%) và Long An (107,75%)."
)


def results_for(campaign: Campaign, seed: int = 1) -> Results:
    """Plausible results, with A03 set to the hand-checked figures."""
    rng = random.Random(seed)
    inputs = {c: plausible_values(campaign, rng) for c in campaign.member_codes}
    if "A03" in inputs[campaign.member_codes[0]]:
        for code in campaign.member_codes:
            inputs[code]["A03"] = {"plan": 10000.0, "actual": A03.get(code, 9500.0), "previous": 9000.0}
    peer = {c: plausible_peer_scores(campaign, c, rng) for c in campaign.member_codes}
    cards = score(campaign, inputs, peer)
    return Results(campaign, inputs, peer, cards, rank(campaign, cards))


def texts(path: Path) -> list[str]:
    """Every paragraph of a document, tables included."""
    doc = Document(str(path))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(p.text for p in cell.paragraphs)
    return out


def test_vietnamese_formatting() -> None:
    """Numbers, percentages, dates and lists the Vietnamese way."""
    assert number(65913) == "65.913" and number(247615.5) == "247.615,5"
    assert percent(103.456) == "103,46%"
    assert long_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert long_date(date(2024, 3, 27)) == "ngày 27 tháng 3 năm 2024"
    assert join(["An Giang", "Đồng Tháp", "Long An"]) == "An Giang, Đồng Tháp và Long An"


@pytest.mark.parametrize("decimals", [0, 1, 2, 3, 6])
def test_numbers_are_rounded_half_up_on_their_decimal_form(decimals: int) -> None:
    """Every number, short or long, integral or not, of any size: the text the rule gives (half up on the number's
    shortest decimal form, grouped with dots, decimal comma, no «-0»), whichever way vnformat gets there."""
    from decimal import ROUND_HALF_UP, Decimal

    def by_the_rule(x: float, trim: bool) -> str:
        rounded = Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        whole, _, fraction = f"{abs(rounded):f}".partition(".")
        fraction = fraction.rstrip("0") if trim else fraction
        text = f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")
        return text if rounded.is_zero() or rounded > 0 else f"-{text}"

    rng = random.Random(decimals)
    values = [0.0, -0.0, 0.5, -0.5, 2.675, 999.995, -1234.5, 0.1 + 0.2, 1e15, 1e16, 1e-7, 123456789.25]
    values += [round(rng.uniform(-1e6, 1e6), rng.randint(0, 7)) for _ in range(3000)]
    values += [rng.choice([-1, 1]) * 10 ** rng.uniform(-8, 17) for _ in range(3000)]
    values += [float(rng.randint(-(10**12), 10**12)) for _ in range(1000)]
    for x in values:
        assert number(x, decimals) == by_the_rule(x, trim=True), x
        assert fixed(x, decimals) == by_the_rule(x, trim=False), x
    assert number(-0.001, 2) == "0" and fixed(-0.001, 2) == "0,00" and number(2.675) == "2,68"


def test_summary_sentence_for_a_hand_checked_indicator(sample: Path) -> None:
    """Section II writes the cluster total, % of plan, change, X/N and the members above plan."""
    campaign = load_campaign(sample)
    context = build_context(results_for(campaign))
    a03 = next(i for s in context["sections"] for i in s["indicators"] if i["code"] == "A03")
    assert a03["sentence"] == SENTENCE
    assert (a03["reached"], a03["members"]) == (3, 12)
    assert context["date_line"] == "Sóc Trăng, ngày 27 tháng 3 năm 2024"


def test_rendered_report_reads_back(sample: Path) -> None:
    """The rendered summary report, reopened with python-docx, has the sentence, ranking and signatory."""
    campaign = load_campaign(sample)
    result = results_for(campaign)
    rendered = {r.docx.name: r for r in render_reports(result, template_paths(campaign))}
    done, proposal = rendered["bao-cao-tong-ket.docx"], rendered["to-trinh-khen-thuong.docx"]
    paragraphs = texts(done.docx)
    assert f"- {SENTENCE}" in paragraphs
    assert "Số: 15/BC-UBND" in paragraphs and "Sóc Trăng, ngày 27 tháng 3 năm 2024" in paragraphs
    assert "BÁO CÁO" in paragraphs and "Nguyễn Văn A" in paragraphs
    first = result.ranking.standings[0]
    assert first.name in paragraphs and f"{first.shown:.2f}".replace(".", ",") in " ".join(paragraphs)
    flag = [s.name for s in result.ranking.standings if s.award == "flag"]
    assert any(all(f"tỉnh {name}" in p for name in flag) and "tặng Cờ thi đua" in p for p in paragraphs)
    proposal_text = texts(proposal.docx)
    assert "TỜ TRÌNH" in proposal_text and "Số: 16/TTr-UBND" in proposal_text
    assert all(any(p.startswith(f"- Ủy ban nhân dân tỉnh {name}: ") for p in proposal_text) for name in flag)
    minutes = " ".join(texts(rendered["bien-ban-hop-binh-xet.docx"].docx))
    assert "BIÊN BẢN" in minutes and "Vào lúc 08 giờ 00 phút, ngày 12 tháng 01 năm 2024" in minutes
    assert "- Tỉnh Long An: Lê Văn C, Phó Chủ tịch Ủy ban nhân dân tỉnh Long An." in minutes
    assert result.ranking.standings[0].name in minutes


def test_decree_30_layout(sample: Path) -> None:
    """A4, margins, Times New Roman 14, header block, page numbers from page 2, rules and italics."""
    campaign = load_campaign(sample)
    done = render_reports(results_for(campaign), template_paths(campaign))[0]
    doc = Document(str(done.docx))
    section = doc.sections[0]

    def mm(length: int) -> float:
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.left_margin), mm(section.right_margin), mm(section.top_margin)) == (30, 15, 20)
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size == Pt(14)
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and "PAGE" not in section.first_page_header._element.xml
    (issuer, motto), (number_cell, date_cell) = (row.cells for row in doc.tables[0].rows)
    assert motto.paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto.paragraphs[0].runs[0].bold
    first = issuer.paragraphs[0]  # level with the motto: no empty paragraph above the issuer
    assert first.text == "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG" and first.runs[0].bold
    assert sum("w:pBdr" in p._p.xml for p in issuer.paragraphs + motto.paragraphs) == 2  # the two short rules
    assert number_cell.text == "Số: 15/BC-UBND"  # «Số:» on the row of the place-and-date line
    assert date_cell.text == "Sóc Trăng, ngày 27 tháng 3 năm 2024" and date_cell.paragraphs[0].runs[0].italic
    signature = doc.tables[1].rows[0].cells[0].paragraphs[0].runs[0]
    assert signature.text == "Nơi nhận:" and signature.bold and signature.italic and signature.font.size == Pt(12)
    assert b"image" in (done.docx.read_bytes())  # the chart


def test_ampersand_and_angle_bracket_survive(tmp_path: Path) -> None:
    """A member named «Đơn vị Hai & <Ba>» comes out intact (autoescaping, not vanishing)."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    campaign = load_campaign(folder)
    result = results_for(campaign)
    done = render_reports(result, template_paths(campaign))
    assert any("Đơn vị Hai & <Ba>" in t for d in done for t in texts(d.docx))


def _bars(png: bytes) -> int:
    """How many bars a chart has: runs of the bar colour along a row just above the axis."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    bar = (0x2F, 0x55, 0x97)
    for y in range(image.height - 1, 0, -1):  # the lowest row that crosses a bar
        row = [image.getpixel((x, y)) == bar for x in range(image.width)]
        if any(row):
            return sum(1 for x in range(1, len(row)) if row[x] and not row[x - 1]) + row[0]
    return 0


def test_large_cluster_chart_shows_the_leaders_and_the_annex_everyone(tmp_path: Path) -> None:
    """45 communes, 15 names three times over: the chart has 30 bars (namesakes apart), the annex 45 rows."""
    folder = tmp_path / "big"
    shutil.copytree(SMALL, folder)
    members = "".join(f'  - {{code: "{n:02d}", name: "Xã Số {n % 15 + 1}"}}\n' for n in range(1, 46))
    text = (folder / "campaign.yaml").read_text(encoding="utf-8")
    start, end = text.index("members:\n"), text.index("chair:")
    (folder / "campaign.yaml").write_text(
        text[:start] + "members:\n" + members + text[end:] + "report: {member_noun: xã}\n", encoding="utf-8"
    )
    campaign = load_campaign(folder)
    result = results_for(campaign)
    context = build_context(result, date(2025, 1, 15))
    rows, title = chart_rows(context)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in context["ranking"])[:30]
    assert title.endswith("30 xã dẫn đầu (trong tổng số 45 xã)")
    done = render_reports(result, template_paths(campaign), today=date(2025, 1, 15))
    with zipfile.ZipFile(done[0].docx) as zf:
        (image,) = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert _bars(zf.read(image)) == 30  # 30 rows share at most 15 names: bars by name would merge
    annex = [t for t in texts(done[0].docx) if t.startswith("Xã Số ")]
    assert sorted(set(annex)) == sorted(f"Xã Số {n}" for n in range(1, 16)) and len(annex) >= 45


def _template_with(tmp_path: Path, paragraph: str) -> Path:
    from emuxl import resources

    resources.copy_templates(tmp_path / "t")
    path = tmp_path / "t" / "bao-cao-tong-ket.docx"
    doc = Document(str(path))
    doc.add_paragraph(paragraph)
    doc.save(str(path))
    return path


@pytest.mark.parametrize(
    ("paragraph", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ 'x' * 10**9 }}", "this long"),
        ("{{ 2 ** 100000 }}", "too large"),
        ("{{ 'x' * 1000000 }}", "this long"),
        ("{{ cluter }}", "'cluter' is undefined"),
    ],
)
def test_hostile_or_wrong_template_is_refused(tmp_path: Path, sample: Path, paragraph: str, message: str) -> None:
    """Sandbox escapes, huge repeats and misspelled names are refused with a clear error, no output."""
    campaign = load_campaign(sample)
    template = _template_with(tmp_path, paragraph)
    out = tmp_path / "out.docx"
    with pytest.raises(ReportError, match=message):
        render_reports(results_for(campaign), [template], out=out)
    assert not out.exists()


def test_lint_finds_smart_quotes_split_tags_and_unknown_names(tmp_path: Path, sample: Path) -> None:
    """report --check names smart quotes in tags, tags split across runs and names not in the context."""
    campaign = load_campaign(sample)
    template = _template_with(tmp_path, "{{ report.place | default(“x”) }} {{ nam_truoc }}")
    doc = Document(str(template))
    split = doc.add_paragraph()
    split.add_run("{{ clus")
    split.add_run("ter }}").bold = True
    doc.save(str(template))
    problems = lint_template(template, build_context(results_for(campaign)))
    assert any("smart quotes" in p for p in problems)
    assert any("split across formatting runs" in p for p in problems)
    assert any("'nam_truoc' is not in the data context" in p for p in problems)
    bundled = template_paths(campaign)
    assert [p for t in bundled for p in lint_template(t, build_context(results_for(campaign)))] == []


def test_cli_report_context_and_check(sample: Path) -> None:
    """report --context prints the documented context; --check passes on the bundled templates."""
    runner = CliRunner()
    result = runner.invoke(main, ["report", str(sample), "--context"])
    assert result.exit_code == 0, result.output
    context = json.loads(result.output)
    for key in (
        "cluster",
        "year",
        "members",
        "sections",
        "ranking",
        "proposals",
        "next_chair",
        "legal_basis",
        "date_line",
    ):
        assert key in context
    check = runner.invoke(main, ["report", str(sample), "--check"])
    assert check.exit_code == 0 and "0 problem(s)" in check.output


def test_pdf_has_vietnamese_text(office, sample: Path) -> None:
    """--pdf converts through LibreOffice; pdftotext shows the Vietnamese sentence with its diacritics."""
    campaign = load_campaign(sample)
    done = render_reports(results_for(campaign), template_paths(campaign)[:1], pdf=True)[0]
    assert done.pdf is not None and done.pdf.is_file()
    text = subprocess.run(["pdftotext", str(done.pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "An Giang (109,69%), Đồng Tháp (108,94%) và Long An (107,75%)" in flat
    assert "Sóc Trăng, ngày 27 tháng 3 năm 2024" in flat
