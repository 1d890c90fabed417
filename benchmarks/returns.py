"""Returned forms as provinces send them: filled, then saved again by different programs.

Each member's form (and peer form) is filled with plausible values
(``emuxl.demo``) and written by emuxl; then, in turn by member, it is kept as
written (*original*), loaded and saved by openpyxl (*openpyxl*), or converted
by LibreOffice (*libreoffice*). A file saved again by a person differs from
every other one in its workbook part (the window it was last shown in) and,
often, its styles part (a format someone added): the re-saved files here get
a window of their own and a font of their own, so no two share those parts
and no reader cache hits as it would with byte-identical synthetic files.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl

from emuxl.definitions import Campaign
from emuxl.demo import plausible_peer_scores, plausible_values
from emuxl.forms import member_form, peer_form

SHAPES = ("original", "openpyxl", "libreoffice")
_campaign: Campaign | None = None


def _init(campaign: Campaign) -> None:
    global _campaign
    _campaign = campaign


def _fill(task: tuple[list[str], Path]) -> list[Path]:
    codes, folder = task
    assert _campaign is not None
    written = []
    for code in codes:
        rng = random.Random(code)
        member = _campaign.member(code)
        path = folder / f"{code}.xlsx"
        path.write_bytes(member_form(_campaign, member, plausible_values(_campaign, rng)))
        written.append(path)
        if _campaign.has_peer:
            path = folder / f"{code}-cham-cheo.xlsx"
            path.write_bytes(peer_form(_campaign, member, plausible_peer_scores(_campaign, code, rng)))
            written.append(path)
    return written


def chunks(items: list[Any], jobs: int, most: int = 64) -> list[list[Any]]:
    """Items in chunks small enough to keep every core busy to the end."""
    size = max(1, min(most, len(items) // (jobs * 4)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def fill(campaign: Campaign, folder: Path, jobs: int) -> list[Path]:
    """Every member's forms filled with plausible values, as emuxl writes them, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(campaign,)) as pool:
        tasks = [(c, folder) for c in chunks(campaign.member_codes, jobs)]
        return [p for paths in pool.map(_fill, tasks) for p in paths]


def shape_of(path: Path) -> str:
    """The program a return is saved by: in turn by member number."""
    return SHAPES[int(path.name[:5]) % len(SHAPES)]


def _openpyxl_save(paths: list[Path]) -> None:
    for path in paths:
        wb = openpyxl.load_workbook(path)
        wb.save(path)


def _libreoffice_save(paths: list[Path], soffice: str) -> None:
    """Convert the files with one LibreOffice; the files it left out (it stops a batch when it crashes), again."""
    with tempfile.TemporaryDirectory(prefix="emuxl-bench-lo-") as tmp:
        out = Path(tmp) / "out"
        todo = list(paths)
        while todo:
            cmd = [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore", "--nologo"]
            cmd += ["--convert-to", "xlsx:Calc Office Open XML", "--outdir", str(out), *map(str, todo)]
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
            left = [p for p in todo if not (out / p.name).exists()]
            if len(left) == len(todo):
                raise RuntimeError(f"LibreOffice converted none of {len(todo)} files: {done.stderr[-2000:]}")
            for path in todo:
                if path not in left:
                    shutil.move(out / path.name, path)
            todo = left


_VIEW = re.compile(rb"<workbookView\b([^>]*?)(/?)>")
_WINDOW = re.compile(rb'\s(?:xWindow|yWindow|windowWidth|windowHeight)="[^"]*"')


def _vary(data: bytes, rng: random.Random) -> bytes:
    """The same workbook with a window of its own (workbook part) and a font of its own (styles part)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/workbook.xml":
                window = b' xWindow="%d" yWindow="%d" windowWidth="%d" windowHeight="%d"' % (
                    rng.randrange(0, 2000),
                    rng.randrange(0, 1000),
                    rng.randrange(12000, 29000),
                    rng.randrange(6000, 17000),
                )
                part = _VIEW.sub(
                    lambda m, w=window: b"<workbookView" + _WINDOW.sub(b"", m.group(1)) + w + m.group(2) + b">", part
                )
            elif info.filename == "xl/styles.xml":
                font = b'<font><sz val="%d"/><color rgb="FF%06X"/><name val="Arial"/></font></fonts>' % (
                    rng.choice((10, 11, 13, 14)),
                    rng.randrange(1 << 24),
                )
                count = re.search(rb'<fonts count="(\d+)"', part)
                if count:
                    part = part.replace(count.group(0), b'<fonts count="%d"' % (int(count.group(1)) + 1), 1)
                    part = part.replace(b"</fonts>", font, 1)
            dst.writestr(info, part)
    return out.getvalue()


def _vary_files(paths: list[Path]) -> None:
    for path in paths:
        path.write_bytes(_vary(path.read_bytes(), random.Random(path.name)))


def resave(paths: list[Path], jobs: int) -> dict[str, int]:
    """Save each return again with the program of its shape; how many files of each shape.

    Without LibreOffice (no ``soffice``), its share stays as written and is counted as ``original``.
    """
    by_shape: dict[str, list[Path]] = {s: [] for s in SHAPES}
    for path in paths:
        by_shape[shape_of(path)].append(path)
    soffice = shutil.which("soffice")
    if soffice is None:
        by_shape["original"] += by_shape.pop("libreoffice")
    with ProcessPoolExecutor(jobs) as pool:
        work = [pool.submit(_openpyxl_save, c) for c in chunks(by_shape["openpyxl"], jobs, 32)]
        if soffice is not None:  # one LibreOffice per core (for many files), each with its own profile
            lo = by_shape["libreoffice"]
            n = jobs if len(lo) > 100 else 1
            work += [pool.submit(_libreoffice_save, lo[i::n], soffice) for i in range(n) if lo[i::n]]
        for w in work:
            w.result()
        resaved = by_shape["openpyxl"] + by_shape.get("libreoffice", [])
        for w in [pool.submit(_vary_files, c) for c in chunks(resaved, jobs)]:
            w.result()
    return {shape: len(files) for shape, files in by_shape.items()}


def realistic_returns(campaign: Campaign, folder: Path, jobs: int | None = None) -> dict[str, int]:
    """Fill every member's forms into ``folder`` and save them again as provinces' programs do."""
    jobs = jobs or os.cpu_count() or 1
    return resave(fill(campaign, folder, jobs), jobs)
