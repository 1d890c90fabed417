"""Corrections typed into ``out/ranking.xlsx``: found before it is overwritten, never lost in silence.

The secretariat lives in Excel: a value typed into the «Chi tiết» sheet (an
input or the «Điểm điều chỉnh» column) would be thrown away by the next
``emuxl rank``. So each time the workbook is written, the store keeps what its
editable cells held; before the next write, the file is compared with that
record, cell by cell, rows matched by indicator and member code (so sorting
or filtering the sheet changes nothing). Edits found stop the run until they
are taken as adjustments, with an author and a reason, or discarded on
purpose.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .definitions import Campaign
from .errors import EmuxlError
from .i18n import _
from .methods import Value
from .results import Results
from .review import adjust_score
from .scoring import score
from .store import Store
from .vnformat import number

ADJUSTED = "adjusted"  # the field name of the «Điểm điều chỉnh» column in the record


@dataclass(frozen=True)
class Edit:
    """One editable cell of the ranking workbook whose value is not what emuxl wrote there."""

    sheet: str
    cell: str
    member: str
    indicator: str
    field: str  # an input name, or "adjusted"
    old: Value
    new: Value

    def __str__(self) -> str:
        what = "điểm điều chỉnh" if self.field == ADJUSTED else self.field
        where = f"{self.sheet}!{self.cell} ({self.member}, {self.indicator}, {what})"
        return f"{where}: {_shown(self.old)} → {_shown(self.new)}"


class UnsavedEdits(EmuxlError):
    """ranking.xlsx holds values typed in since emuxl wrote it; overwriting it would lose them."""

    def __init__(self, path: Path, edits: Sequence[Edit]):
        self.edits = list(edits)
        listed = "\n".join(f"  {e}" for e in self.edits[:20])
        more = "\n  " + _("… and {count} more").format(count=len(self.edits) - 20) if len(self.edits) > 20 else ""
        head = _("{path} has {count} value(s) typed in since emuxl wrote it:").format(path=path, count=len(self.edits))
        todo = _(
            "To keep them, run 'emuxl rank --take-edits --by NAME --reason TEXT' (each becomes an adjustment "
            "that shows in every output); to overwrite them, run 'emuxl rank --discard-edits'."
        )
        super().__init__(f"{head}\n{listed}{more}\n{todo}")


def _shown(value: Value) -> str:
    if value is None or value == "":
        return "(trống)"
    return number(value, 6) if isinstance(value, float) else f"«{value}»"


def record(sheet: str, code_col: int, member_col: int, cells: Mapping[tuple[str, str], Mapping[str, Any]]) -> bytes:
    """The compressed record of a written workbook's editable cells.

    ``cells``: (indicator, member) → field → [column number, value written].
    """
    rows = [[ind, member, fields] for (ind, member), fields in cells.items()]
    data = {"sheet": sheet, "code": code_col, "member": member_col, "rows": rows}
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _same(a: Value, b: Value) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _value(cell: Any) -> Value:
    if isinstance(cell, bool) or cell is None:
        return None if cell is None else str(cell)
    if isinstance(cell, int | float):
        return float(cell)
    return str(cell)


def compare(path: Path, recorded: bytes) -> list[Edit]:
    """The editable cells of the workbook at ``path`` whose values differ from the record."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    data = json.loads(zlib.decompress(recorded))
    expected = {(ind, member): fields for ind, member, fields in data["rows"]}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        if data["sheet"] not in wb.sheetnames:
            return []
        ws = wb[data["sheet"]]
        edits = []
        for number_, row in enumerate(ws.iter_rows(values_only=True), 1):
            if len(row) <= max(data["code"], data["member"]):
                continue
            key = (str(row[data["code"]] or ""), str(row[data["member"]] or ""))
            fields = expected.get(key)
            if fields is None:
                continue
            for field, (col, old) in fields.items():
                new = _value(row[col]) if col < len(row) else None
                if not _same(old, new):
                    cell = f"{get_column_letter(col + 1)}{number_}"
                    edits.append(Edit(data["sheet"], cell, key[1], key[0], field, old, new))
        return edits
    finally:
        wb.close()


def pending_edits(campaign: Campaign, path: Path) -> list[Edit]:
    """Values typed into the ranking workbook since emuxl last wrote it (none when it is as written)."""
    if not path.is_file():
        return []
    with Store(campaign.folder) as store:
        state = store.master_state()
    if state is None:
        return []  # written by a version that kept no record: nothing to compare with
    sha, recorded = state
    if sha256_of(path) == sha:
        return []
    return compare(path, recorded)


def take_edits(campaign: Campaign, results: Results, edits: Sequence[Edit], author: str, reason: str) -> list[str]:
    """Record edits as adjustments, with the author and reason; return what was recorded, in words.

    A typed «Điểm điều chỉnh» is the adjustment (a cleared one withdraws it);
    a typed input gives the points emuxl's rule computes from it, the rest of
    the member's values as they are.
    """
    done = []
    by_input = [e for e in edits if e.field != ADJUSTED]
    recomputed = {}
    if by_input:
        inputs = {m: {i: dict(v) for i, v in ind.items()} for m, ind in results.inputs.items()}
        for e in by_input:
            inputs.setdefault(e.member, {}).setdefault(e.indicator, {})[e.field] = e.new
        cards = score(campaign, inputs, results.peer)
        recomputed = {(e.member, e.indicator): cards[e.member].cells[e.indicator].computed for e in by_input}
    for e in edits:
        where = f"sửa trong ranking.xlsx, ô {e.sheet}!{e.cell}"
        if e.field == ADJUSTED:
            points = e.new if isinstance(e.new, float) else None
            if e.new not in (None, "") and points is None:
                raise EmuxlError(
                    _("{cell}: «{value}» is not a number of points; type a number or clear it").format(
                        cell=f"{e.sheet}!{e.cell}", value=e.new
                    )
                )
            adjust_score(campaign, e.member, e.indicator, points, f"{reason} ({where})", author)
            done.append(
                f"{e.member} {e.indicator}: " + ("điều chỉnh bỏ" if points is None else f"{number(points)} điểm")
            )
        else:
            points = recomputed[(e.member, e.indicator)]
            change = f"{e.field} {_shown(e.old)} → {_shown(e.new)}"
            adjust_score(campaign, e.member, e.indicator, points, f"{reason} ({where}: {change})", author)
            done.append(f"{e.member} {e.indicator}: {number(points)} điểm ({change})")
    return done
