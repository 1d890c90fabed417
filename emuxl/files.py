"""Writing output files safely: atomically, never over a file someone has open, clearly when the disk is full.

A killed run leaves the previous file whole: the bytes go to a temporary file
beside the target, which is renamed into place only once fully written.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from .errors import DiskFull, FileInUse, FolderError
from .i18n import _


def lock_files(path: Path) -> list[Path]:
    """The lock files Excel (``~$name``) and LibreOffice (``.~lock.name#``) keep beside a file they have open."""
    candidates = [path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")]
    return [p for p in candidates if p.exists()]


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``path`` and rename it into place.

    Refuses to replace a file open in Excel or LibreOffice, and turns a full
    disk into ``DiskFull``; either way the previous file is left as it was.
    """
    if path.is_dir():
        raise FolderError(
            _("{path} is a folder, but emuxl writes a file there: move or rename it and run again.").format(path=path)
        )
    locks = lock_files(path)
    if locks:
        raise FileInUse(
            _(
                "{path} is open in Excel or LibreOffice (lock file {lock_name}); close it and run again."
                " If it is not open anywhere, delete the stale lock file {lock}."
            ).format(path=path, lock_name=locks[0].name, lock=locks[0])
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise _write_error(e, path) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0o600; on Windows this only clears read-only
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise _write_error(e, path) from e
        raise


def _write_error(e: OSError, path: Path) -> Exception:
    if disk_full(e):
        return DiskFull(
            _("cannot write {path}: the disk is full ({error}); free some space and run again.").format(
                path=path, error=e.strerror
            )
        )
    message = folder_problem(e, path)
    return FolderError(message) if message else e


def _blocking_file(path: Path) -> Path | None:
    """The nearest part of a path that exists and is not a folder (a file where a folder should be)."""
    for part in [path, *path.parents]:
        if part.exists() or part.is_symlink():
            return None if part.is_dir() else part
    return None


def folder_problem(e: OSError, target: Path | None = None) -> str | None:
    """What an error on a file of the campaign folder means and what to do, or None when it is not one of
    those: no permission, a read-only disk, a folder where a file goes or a file where a folder goes.
    ``target`` is the file being written, when the error names a temporary file beside it."""
    where = target or (Path(os.fsdecode(e.filename)) if e.filename else None)
    if where is None:
        return None
    if e.errno in (errno.EACCES, errno.EPERM):
        folder = next((p for p in where.parents if p.is_dir()), where.parent)  # the nearest that exists
        if not os.access(folder, os.W_OK):
            return _(
                "cannot write {path}: the folder {folder} is read-only for you. Make it writable, or copy the"
                " campaign to a folder you can write to, and run again."
            ).format(path=where, folder=folder)
        return _(
            "cannot use {path}: permission denied. Make it writable for you (or close the program that holds"
            " it) and run again."
        ).format(path=where)
    if e.errno == errno.EROFS:
        return _(
            "cannot write {path}: the disk is read-only. Copy the campaign to a writable folder and run again."
        ).format(path=where)
    if e.errno == errno.EISDIR:
        return _("{path} is a folder, but emuxl needs a file there: move or rename it and run again.").format(
            path=where
        )
    if e.errno in (errno.ENOTDIR, errno.EEXIST):
        blocking = _blocking_file(where)
        if blocking is not None:
            return _("{path} is a file, but emuxl needs a folder there: move or rename it and run again.").format(
                path=blocking
            )
    return None


LOW_SPACE = 1024 * 1024  # bytes: below this, SQLite's "disk I/O error" means a full disk


def disk_full(e: Exception, folder: Path | None = None) -> bool:
    """Whether an error (an OSError, or SQLite's own) means the disk holding ``folder`` is full."""
    if isinstance(e, OSError):
        return e.errno in (errno.ENOSPC, errno.EDQUOT)
    if "disk is full" in str(e):
        return True
    if "disk I/O error" in str(e) and folder is not None and folder.exists():
        return shutil.disk_usage(folder).free < LOW_SPACE  # SQLite could not grow its shared-memory file
    return False
