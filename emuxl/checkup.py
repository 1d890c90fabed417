"""Checking a campaign's store and archive (``emuxl check --store``): SQLite's own checks, then every file.

The store says which files were received; the archive keeps their bytes. The
check reads both: each stored file must be in the archive with the bytes its
hash names, and the store must pass SQLite's integrity and foreign-key checks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StoreError
from .i18n import _
from .intake.admit import MAX_KEEP_BYTES, archived
from .store import NOT_READ, STORE_FILE, Store


@dataclass
class StoreCheck:
    """What the check found: problems (damage to repair) and notes (worth knowing, nothing to repair)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        """Whether nothing needs repairing."""
        return not self.problems


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def check_store(folder: Path) -> StoreCheck:
    """Run SQLite's integrity check on ``emuxl.db`` and verify the archive against it."""
    folder = Path(folder)
    report = StoreCheck()
    if not (folder / STORE_FILE).exists():
        report.notes.append(_("no store yet in {folder} (nothing collected)").format(folder=folder))
        return report
    try:
        store = Store(folder, readonly=True)
    except StoreError as e:
        report.problems.append(str(e))
        return report
    with store:
        try:
            report.problems += [
                _("{path}: {problem}; restore it from a backup copy of the campaign folder").format(
                    path=folder / STORE_FILE, problem=p
                )
                for p in store.integrity()
            ]
            files = store.files()
        except StoreError as e:
            report.problems.append(str(e))
            return report
    report.files = len(files)
    known = set()
    not_read = 0
    for _id, sha, name, size, status in files:
        known.add(sha)
        not_read += status == NOT_READ
        if size > MAX_KEEP_BYTES:
            continue  # never kept: too large
        copy = archived(folder, sha)
        if copy is None:
            report.problems.append(
                _(
                    "{name}: its archived copy archive/{sha256}… is missing;"
                    " restore it from a backup copy of the campaign folder"
                ).format(name=name, sha256=sha)
            )
            continue
        try:
            found = _sha256(copy)
        except OSError as e:
            report.problems.append(
                _("{name}: its archived copy {path} cannot be read ({error})").format(
                    name=name, path=copy, error=e.strerror
                )
            )
            continue
        if found != sha:
            report.problems.append(
                _(
                    "{name}: its archived copy {path} has changed (its bytes hash to {found}…);"
                    " restore it from a backup copy of the campaign folder"
                ).format(name=name, path=copy, found=found[:12])
            )
    box = folder / "archive"
    extra = (
        sorted(p.name for p in box.iterdir() if not p.name.startswith(".") and p.name[:64] not in known)
        if box.is_dir()
        else []
    )
    if extra:
        report.notes.append(
            _(
                "{count} archived file(s) are not in the store (a run stopped before storing them): 'emuxl collect'"
                " takes them in again from the inbox, or from archive/ itself: {names}"
            ).format(count=len(extra), names=", ".join(extra[:5]))
        )
    if not_read:
        report.notes.append(
            _("{count} file(s) are not read yet; the next 'emuxl collect' reads them again").format(count=not_read)
        )
    return report
