"""Benchmark: forms for a synthetic national commune cluster, against a bare XlsxWriter loop.

    .venv/bin/python benchmarks/forms.py [--members 3321] [--indicators 60] [--ratio-sample 300]

Prints forms/second for the whole run (all cores) and, on one core for a
sample of members, the ratio of emuxl's form writer to a bare loop that
writes the same cells, names, validations and formats with no emuxl logic.
Target: ratio within 1.5x.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_campaign, timed

from emuxl.definitions import load_campaign
from emuxl.forms import member_form, write_forms


def bare_form(name: str, rows: int) -> bytes:
    """The same amount of workbook content as a form, written with no emuxl logic."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt, unlocked = wb.add_format({"border": 1, "text_wrap": True}), wb.add_format({"locked": False})
    guide = wb.add_worksheet("Hướng dẫn")
    for r in range(12):
        guide.write_string(r, 0, f"Dòng hướng dẫn số {r} " * 4)
    ws = wb.add_worksheet("Tự chấm điểm")
    ws.write_string(2, 0, name)
    for r in range(7, 7 + rows):
        for c, text in enumerate(("I01", "Chỉ tiêu của xã", "%")):
            ws.write_string(r, c, text, fmt)
        ws.write_number(r, 3, 16, fmt)
        ws.write_string(r, 4, "Đạt 100% KH: 16 điểm; dưới KH: tỷ lệ thuận", fmt)
        for c in (5, 6, 7):
            ws.write_blank(r, c, None, unlocked)
            ws.data_validation(r, c, r, c, {"validate": "decimal", "criteria": ">=", "value": 0})
            ws.conditional_format(r, c, r, c, {"type": "blanks", "format": fmt})
            wb.define_name(f"v_I{r}_{c}", f"='Tự chấm điểm'!$A${r + 1}")
        ws.write_formula(r, 9, "=IF(AND(ISNUMBER(F8),ISNUMBER(G8)),16*MIN(G8/F8,1),0)", fmt, 0)
        ws.write_blank(r, 10, None, unlocked)
    ws.protect("x")
    meta = wb.add_worksheet("_meta")
    for r in range(7):
        meta.write_string(r, 0, "key")
        meta.write_string(r, 1, "value")
    wb.close()
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=3321)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--ratio-sample", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="emuxl-bench-"))
    try:
        synthetic_campaign(root / "c", args.members, args.indicators)
        campaign = load_campaign(root / "c")
        sample = campaign.members[: args.ratio_sample]

        def emuxl_loop() -> None:
            for m in sample:
                member_form(campaign, m)

        def bare_loop() -> None:
            for m in sample:
                bare_form(m.name, args.indicators)

        emuxl_loop(), bare_loop()  # warm up imports and caches
        ours, floor = min(timed(emuxl_loop) for _ in range(2)), min(timed(bare_loop) for _ in range(2))
        print(
            f"one core, {len(sample)} forms: emuxl {len(sample) / ours:.0f} forms/s,"
            f" bare loop {len(sample) / floor:.0f} forms/s"
        )
        print(f"ratio emuxl / bare loop: {ours / floor:.2f}x (target <= 1.5x)")
        jobs = os.cpu_count() or 1
        total = timed(lambda: list(write_forms(campaign, jobs=jobs)))
        count = len(list((root / "c" / "forms").iterdir()))
        print(f"all cores ({jobs}): {count} forms written in {total:.1f} s = {count / total:.0f} forms/s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
