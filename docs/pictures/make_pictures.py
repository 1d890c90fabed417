"""Rebuild the pictures of docs/huong-dan.md from real outputs, rendered by LibreOffice.

    .venv/bin/python docs/pictures/make_pictures.py

Runs emuxl as the guide does (a blank workbook; the 2023 sample as a workbook,
its trial run), converts each output to PDF with LibreOffice, finds the page
that shows what the guide talks about, and keeps it as a small PNG (cropped,
256 colours, at most 150 KB). Needs soffice and pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
LIMIT = 150_000  # bytes per picture
DPI = 80


def emuxl(*args: str | Path) -> None:
    """Run an emuxl command as the secretariat would."""
    subprocess.run([sys.executable, "-m", "emuxl", *map(str, args)], check=True, capture_output=True)


def pdf_of(path: Path, work: Path) -> Path:
    """The document converted to PDF by LibreOffice (a private profile)."""
    profile = work / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return work / f"{path.stem}.pdf"


def page_with(pdf: Path, marker: str) -> int:
    """The first page whose text holds the marker."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for n, text in enumerate(pages.split("\f"), 1):
        if marker in text:
            return n
    raise LookupError(f"{marker!r} is on no page of {pdf.name}")


def picture(path: Path, marker: str, name: str, work: Path, keep: float = 1.0) -> None:
    """Save the page of ``path`` that shows ``marker`` as docs/pictures/<name>.png (its top ``keep`` share)."""
    pdf = pdf_of(path, work)
    page = page_with(pdf, marker)
    stem = work / name
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", str(pdf), str(stem)], check=True
    )
    [png] = list(work.glob(f"{name}-*.png"))
    image = Image.open(png).convert("RGB")
    image = image.crop((0, 0, image.width, int(image.height * keep)))
    box = Image.eval(image.convert("L"), lambda v: 255 if v < 250 else 0).getbbox()  # what is not white
    if box:
        margin = 12
        image = image.crop(
            (
                max(0, box[0] - margin),
                max(0, box[1] - margin),
                min(image.width, box[2] + margin),
                min(image.height, box[3] + margin),
            )
        )
    target = HERE / f"{name}.png"
    image.quantize(256).save(target, optimize=True)
    assert target.stat().st_size <= LIMIT, f"{target.name}: {target.stat().st_size} bytes"
    print(f"{target.relative_to(HERE.parent.parent)}: page {page} of {path.name}, {target.stat().st_size // 1000} KB")


def main() -> None:
    """Make every picture of the guide."""
    with tempfile.TemporaryDirectory(prefix="emuxl-pictures-") as tmp:
        work = Path(tmp)
        blank, sample = work / "trang", work / "tay-nam-bo-2023"
        emuxl("init", blank)
        emuxl("init", sample, "--sample", "tay-nam-bo-2023", "--format", "xlsx")
        picture(blank / "campaign.xlsx", "THÔNG TIN CỤM THI ĐUA", "cum-trang", work, keep=0.6)
        picture(sample / "campaign.xlsx", "THÔNG TIN CỤM THI ĐUA", "cum-da-dien", work, keep=0.6)
        picture(sample / "campaign.xlsx", "THÀNH VIÊN CỤM", "thanh-vien", work, keep=0.45)
        picture(sample / "campaign.xlsx", "BẢNG TIÊU CHÍ, THANG ĐIỂM", "tieu-chi", work, keep=0.7)
        shutil.rmtree(work / "profile", ignore_errors=True)
        emuxl("trial", sample)
        scratch = sample / "chay-thu"
        picture(scratch / "forms" / "94-soc-trang.xlsx", "BIỂU TỰ CHẤM ĐIỂM", "bieu-cham-diem", work, keep=0.7)
        picture(scratch / "out" / "feedback" / "82-tien-giang.xlsx", "Tiền Giang", "phan-hoi", work, keep=0.6)
        picture(scratch / "out" / "ranking.xlsx", "Tổng hợp", "xep-hang", work, keep=0.8)
        picture(scratch / "out" / "bao-cao-tong-ket.docx", "BÁO CÁO", "bao-cao", work)
        picture(scratch / "out" / "to-trinh-khen-thuong.docx", "TỜ TRÌNH", "to-trinh", work)


if __name__ == "__main__":
    main()
