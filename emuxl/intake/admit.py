"""Admitting returned files: finding them without following links, opening them safely, keeping their bytes.

Nothing here parses a file. Each file found gets one of three outcomes: its
bytes are kept in ``archive/`` under their SHA-256 (read whole when they are
small, streamed when not, so a huge file never sits in memory); it is
refused (a link, a device) without being read; or it could not be opened
(permissions), which is said, and the next run tries again. Errors writing
into the campaign folder (a full disk, ``archive/`` being a file) are not a
file's problem: they stop the run.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import FolderError
from ..i18n import _
from .issues import Issue, make_issue
from .sniff import MAX_FILE_BYTES

MAX_KEEP_BYTES = 10 * MAX_FILE_BYTES  # larger files are hashed and refused, not copied into archive/
CHUNK = 1024 * 1024
REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: a Windows symbolic link or junction
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
SUFFIX = re.compile(r"\.[a-z0-9]{1,7}")
ARCHIVE_MODE = 0o400  # readable by the owner alone


def shown(text: str) -> str:
    """A file name or path as it can be printed and stored as text: bytes that are not UTF-8 (a name from a
    Windows zip) as ``\\xe1``, control and invisible characters as ``\\x07``, ``\\u202e``; other names as they are.
    """
    text = os.fsencode(text).decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def find_files(sources: Iterable[Path]) -> list[Path]:
    """Every file under the given files and folders, in a stable order, without following links.

    Links inside a folder (to files or folders) are listed, not followed, so
    that they are refused with a reason; so are folders that cannot be listed.
    A source that is itself a link to a folder (an inbox on a shared drive) is
    followed: it was named on purpose.
    """
    out: list[Path] = []
    for source in sources:
        if source.is_dir():
            found: list[Path] = []

            def unlisted(e: OSError, found: list[Path] = found) -> None:
                found.append(Path(e.filename))

            for root, dirs, files in os.walk(source, onerror=unlisted):
                found.extend(Path(root) / d for d in dirs if _is_link(Path(root) / d))
                found.extend(Path(root) / f for f in files)
            out.extend(sorted(found))
        elif os.path.lexists(source):
            out.append(source)
    return out


def _is_link(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0) & REPARSE_POINT)


@dataclass(frozen=True)
class Kept:
    """A file whose bytes were read and kept: where it was found, its hash and size, when it was last written."""

    sha256: str
    size: int
    modified: str  # the file's modification time (UTC, ISO 8601): its save time when the file has none
    archived: Path | None  # None when too large to keep (it was left where it was)


@dataclass(frozen=True)
class Turned:
    """A file that was not taken: refused (``rejected``), or not opened (``not read``: the next run tries again)."""

    status: str
    issue: Issue


def _not_opened(e: OSError) -> Turned:
    return Turned("not read", make_issue("cannot-open", detail=e.strerror or type(e).__name__))


class _SourceError(Exception):
    """Reading the returned file failed (not writing the copy)."""

    def __init__(self, error: OSError):
        self.error = error


def admit(path: Path, folder: Path) -> Kept | Turned:
    """Open one file found in the inbox without following links, and keep its bytes in ``folder/archive``."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return _not_opened(e)
    if stat.S_ISLNK(st.st_mode) or getattr(st, "st_file_attributes", 0) & REPARSE_POINT:
        return Turned("rejected", make_issue("link-refused", detail=_target(path)))
    if stat.S_ISDIR(st.st_mode):  # listed only when it could not be listed
        try:
            os.listdir(path)
        except OSError as e:
            return _not_opened(e)
        return Turned("not read", make_issue("cannot-open", detail="a folder that could not be listed"))
    if not stat.S_ISREG(st.st_mode):
        return Turned("rejected", make_issue("special-file"))
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as e:
        if e.errno == errno.ELOOP:  # replaced by a link since it was listed
            return Turned("rejected", make_issue("link-refused", detail=_target(path)))
        return _not_opened(e)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Turned("rejected", make_issue("special-file"))
        modified = datetime.fromtimestamp(st.st_mtime, UTC).isoformat(timespec="seconds")
        return _keep(fd, folder, _suffix(path), modified)
    except _SourceError as e:
        return _not_opened(e.error)
    finally:
        os.close(fd)


def _target(path: Path) -> str:
    try:
        return shown(os.readlink(path))
    except OSError:
        return "?"


def _suffix(path: Path) -> str:
    """The archive copy's extension: the file's own when it is a plain one (``.xlsx``), else none."""
    suffix = path.suffix.lower()
    return suffix if SUFFIX.fullmatch(suffix) else ""


def _read(fd: int, n: int) -> bytes:
    try:
        return os.read(fd, n)
    except OSError as e:
        raise _SourceError(e) from e


def _keep(fd: int, folder: Path, suffix: str, modified: str) -> Kept:
    """Read a file's bytes, hash them and keep them; a file over the size limit is streamed, never held whole."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_FILE_BYTES:
        chunk = _read(fd, CHUNK)
        if not chunk:
            data = b"".join(chunks)
            sha = hashlib.sha256(data).hexdigest()
            return Kept(sha, len(data), modified, archive(folder, sha, data, suffix))
        chunks.append(chunk)
        size += len(chunk)
    return _stream(fd, folder, suffix, modified, b"".join(chunks))


def _stream(fd: int, folder: Path, suffix: str, modified: str, head: bytes) -> Kept:
    """Hash a large file chunk by chunk, copying it into the archive unless it is too large even to keep."""
    hasher = hashlib.sha256(head)
    size = len(head)
    tmp = archive_dir(folder) / f".stream.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), ARCHIVE_MODE)
    keeping = True
    with os.fdopen(out, "wb") as copy:
        copy.write(head)
        while chunk := _read(fd, CHUNK):
            hasher.update(chunk)
            size += len(chunk)
            if keeping and size > MAX_KEEP_BYTES:
                keeping = False  # too large to keep: the original stays where it was
            if keeping:
                copy.write(chunk)
    sha = hasher.hexdigest()
    if not keeping:
        tmp.unlink()
        return Kept(sha, size, modified, None)
    path = archive_dir(folder) / f"{sha}{suffix}"
    if path.exists():
        tmp.unlink()
    else:
        os.replace(tmp, path)
    return Kept(sha, size, modified, path)


def archive_dir(folder: Path) -> Path:
    """The campaign's archive folder (made, readable by the owner alone, when missing)."""
    path = folder / "archive"
    if not path.is_dir():
        if path.exists() or path.is_symlink():
            raise FolderError(
                _(
                    "{path} is not a folder: emuxl keeps every returned file there. Move it out of the way"
                    " (if it is an old archive, put its files into a folder of that name) and run again."
                ).format(path=path)
            )
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def archive(folder: Path, sha256: str, data: bytes, suffix: str) -> Path:
    """Keep a file's bytes under their hash, readable by the owner alone; the same bytes are written once."""
    path = archive_dir(folder) / f"{sha256}{suffix}"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # one per process: concurrent runs never share
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(tmp, flags, ARCHIVE_MODE)
        except FileExistsError:  # left by a killed run whose process number came back
            tmp.unlink()
            fd = os.open(tmp, flags, ARCHIVE_MODE)
        try:
            with os.fdopen(fd, "wb", closefd=False) as f:
                f.write(data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    return path


def archived(folder: Path, sha256: str) -> Path | None:
    """The archive copy of the file with this hash, if it is there."""
    found = [p for p in (folder / "archive").glob(f"{sha256}*") if not p.name.startswith(".")]
    return found[0] if found else None
