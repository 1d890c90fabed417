"""Intake: take returned files in safely — admit, archive, sniff, read in isolation, verify, extract, store.

Every file's bytes are archived under their SHA-256 before anything parses
them; one bad file never stops the others; problems are issues, not
exceptions. A file whose reader failed for a passing reason (time, memory, a
crash) is stored as *not read* and read again by the next run.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..definitions import Campaign
from ..errors import EmuxlError
from ..i18n import _
from ..isolate import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Failure, check_timeout, run_isolated
from ..layout import KIND_MEMBER, KIND_PEER, META_SHEET, PEER_SHEET, SCORE_SHEET
from ..methods import Method, ensure_registered, plugins
from ..store import (
    ACCEPTED,
    MISSING,
    NOT_READ,
    REJECTED,
    WITH_ERRORS,
    WITH_WARNINGS,
    Row,
    Store,
    conflicts,
    in_force,
    receipt_time,
)
from .admit import Kept, admit, archive_dir, archived, find_files, shown
from .issues import Issue, count, make_issue
from .read import read_book
from .sniff import MAX_FILE_BYTES, sniff_container
from .verify import Reading, verify_and_extract

DUPLICATE = "duplicate"
SKIPPED = "skipped"
FIXED_FORM_DATE = "2000-01-01"  # forms are written with this date; a real save changes it
READ_SHEETS = frozenset({SCORE_SHEET, PEER_SHEET, META_SHEET})
# Files read are stored together, one commit (one fsync) per quarter of a second or 32 files: a commit per
# file held the collecting process in fsync for most of a run, its readers waiting. A killed run loses the
# files of the batch in progress from the store only: they are archived and still in the inbox, and a re-run
# takes them in.
BATCH_SECONDS, BATCH_FILES = 0.25, 32


@dataclass
class FileResult:
    """What happened to one file of a collect run (``again``: a stored file read again)."""

    name: str
    path: str
    status: str
    sha256: str = ""
    member: str | None = None
    kind: str | None = None
    issues: list[Issue] = field(default_factory=list)
    again: bool = False

    @property
    def errors(self) -> int:
        """Problems that reject the file or zero a score."""
        return count(self.issues, "errors")

    @property
    def warnings(self) -> int:
        """Problems worth a look that do not change the score."""
        return count(self.issues, "warnings")


def status_of(issues: list[Issue]) -> str:
    """The state a file's issues give it."""
    severities = {i.severity for i in issues}
    if "fatal" in severities:
        return REJECTED
    if "error" in severities:
        return WITH_ERRORS
    return WITH_WARNINGS if "warning" in severities else ACCEPTED


def _saved_at(modified: str) -> str:
    """The save time a file's own properties give (UTC), or "" when it has none that a real save wrote."""
    if modified and not modified.startswith(FIXED_FORM_DATE):
        try:
            return datetime.fromisoformat(modified).astimezone(UTC).isoformat(timespec="seconds")
        except (ValueError, OverflowError):
            pass
    return ""


@dataclass(frozen=True)
class _Reader:
    """What a reader process is given (pickled: workers are spawned): the campaign and any plugin methods."""

    campaign: Campaign
    plugins: tuple[Method[Any], ...]

    def __call__(self, path: str) -> tuple[Reading, str]:
        """Worker side: read the archived file; plain data goes back."""
        ensure_registered(self.plugins)
        return read_and_verify(self.campaign, Path(path).read_bytes())


def read_and_verify(campaign: Campaign, data: bytes) -> tuple[Reading, str]:
    """Sniff a returned file's bytes, parse them, verify and extract the form: its reading and save time.

    Every problem, however hostile the bytes, comes back as an issue in the reading.
    """
    container = sniff_container(data)
    if container.zip is None:
        return Reading(issues=[container.rejected or make_issue("not-a-workbook")]), ""
    notes = [make_issue("macros-ignored")] if container.macros else []
    book = read_book(container.zip, READ_SHEETS)
    if isinstance(book, Issue):
        return Reading(issues=[*notes, book]), ""
    reading = verify_and_extract(campaign, book)
    reading.issues[:0] = notes
    return reading, book.modified


@dataclass
class _Pending:
    """A file waiting for its reading: a new one, or a stored one read again (``stored``: its submission)."""

    sha256: str
    size: int
    name: str
    path: str
    raw_path: bytes | None
    received_at: str
    saved_at: str  # the file's time on disk (new files) or as stored: used when the file has no save time
    stored: int | None = None
    again: bool = False


def _store(store: Store, p: _Pending, reading: Reading, modified: str = "", status: str = "") -> FileResult:
    issues = reading.issues
    status = status or status_of(issues)
    member = reading.member
    kind = reading.kind if member else None
    sub = {
        "sha256": p.sha256,
        "name": p.name,
        "path": p.path,
        "raw_path": p.raw_path,
        "size": p.size,
        "received_at": p.received_at,
        "saved_at": _saved_at(modified) or p.saved_at,
        "member": member,
        "kind": kind,
        "status": status,
        "errors": count(issues, "errors"),
        "warnings": count(issues, "warnings"),
    }
    if p.stored is not None:
        store.replace_reading(p.stored, sub, reading.values, issues)
        return FileResult(p.name, p.path, status, p.sha256, member, kind, issues, again=True)
    stored = store.add_submission(sub, reading.values, issues)
    state = status if stored is not None else DUPLICATE
    return FileResult(p.name, p.path, state, p.sha256, member, kind, issues)


def _not_read(failure: Failure) -> Reading:
    return Reading(issues=[make_issue("not-read", detail=failure.reason.splitlines()[0])])


def collect(
    campaign: Campaign,
    sources: Iterable[Path] | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
    recheck: bool = False,
) -> Iterator[FileResult]:
    """Take in returned files (default: the inbox folder) and yield what happened to each.

    Files stored as not read are read again from the archive. With ``recheck``
    every stored file is read again (after a catalogue fix, say): its issues,
    values and status are replaced, and who counts is decided again.
    """
    timeout = check_timeout(timeout)
    files = find_files(list(sources) if sources else [campaign.folder / "inbox"])
    received = receipt_time()  # one receipt time for the whole run: the order files are read in never decides
    store = Store(campaign.folder)
    decided: list[FileResult] = []  # results known before any parsing
    queue: list[_Pending] = []

    def admitted() -> Iterator[str]:
        """Archive each new file and hand it to the readers; then the stored files to read again."""
        seen: set[str] = set()
        for path in files:
            name, where, raw = shown(path.name), shown(str(path)), os.fsencode(path)
            if path.name.startswith(("~$", ".~lock")):
                decided.append(FileResult(name, where, SKIPPED))
                continue
            kept = admit(path, campaign.folder)
            if not isinstance(kept, Kept):
                store.log_receipt("", name, where, f"{kept.status}: {kept.issue.code}", raw)
                decided.append(FileResult(name, where, kept.status, issues=[kept.issue]))
                continue
            sha = kept.sha256
            if sha in seen or store.known(sha):
                store.log_receipt(sha, name, where, "duplicate", raw)
                note = [make_issue("duplicate-file")]
                decided.append(FileResult(name, where, DUPLICATE, sha, issues=note))
                continue
            seen.add(sha)
            pending = _Pending(sha, kept.size, name, where, raw, received, kept.modified)
            if kept.archived is None or kept.size > MAX_FILE_BYTES:  # refused on its size, unread
                size = f"{kept.size / 1024 / 1024:.0f} MB; tối đa {MAX_FILE_BYTES // 1024 // 1024} MB"
                kept_where = "" if kept.archived else "; tệp quá lớn nên không được lưu vào archive"
                issue = make_issue("file-too-large", detail=size + kept_where)
                decided.append(_store(store, pending, Reading(issues=[issue])))
                continue
            queue.append(pending)
            yield str(kept.archived)
        again = store.submissions() if recheck else [r for r in store.submissions() if r.status == NOT_READ]
        for row in again:
            copy = archived(campaign.folder, row.sha256)
            if row.sha256 in seen or copy is None or os.path.getsize(copy) > MAX_FILE_BYTES:
                if copy is None:
                    gone = [make_issue("cannot-open", detail="không còn bản lưu trong archive")]
                    decided.append(FileResult(row.name, row.path, row.status, row.sha256, issues=gone, again=True))
                continue
            seen.add(row.sha256)
            queue.append(_again(row, os.path.getsize(copy)))
            yield str(copy)

    read: list[_Read] = []  # read whole, to store with the next batch
    since = 0.0
    try:
        work = _Reader(campaign, plugins())
        for index, result in run_isolated(work, admitted(), jobs, timeout, memory):
            if not read:
                since = time.monotonic()
            pending = queue[index]
            if isinstance(result, Failure) and result.kind == "error":  # the reader raised: not a passing failure
                reading = Reading(issues=[make_issue("unreadable", detail=result.reason.splitlines()[0])])
                read.append(_Read(pending, reading))
            elif isinstance(result, Failure):
                read.append(_Read(pending, _not_read(result), status=NOT_READ))
            else:
                read.append(_Read(pending, *result))
            if len(read) >= BATCH_FILES or time.monotonic() - since >= BATCH_SECONDS:
                yield from _drain(decided)
                yield from _store_batch(store, read)
        yield from _drain(decided)
        yield from _store_batch(store, read)
    except BaseException:
        with contextlib.suppress(sqlite3.Error, OSError, EmuxlError):
            list(_store_batch(store, read))  # keep what was read whole; a re-run takes in the rest
        raise
    finally:
        store.close()


@dataclass
class _Read:
    """A file read whole, waiting for its batch to be stored."""

    pending: _Pending
    reading: Reading
    modified: str = ""
    status: str = ""


def _store_batch(store: Store, read: list[_Read]) -> Iterator[FileResult]:
    """Store the files read in one transaction (each file whole, a savepoint of it); their results once committed."""
    if not read:
        return
    with store.transaction():
        done = [_store(store, r.pending, r.reading, r.modified, r.status) for r in read]
    read.clear()
    yield from done


def to_read_again(campaign: Campaign, recheck: bool = False) -> int:
    """How many stored files the next collect reads again: those not read yet (with ``recheck``: all)."""
    with Store(campaign.folder, readonly=True) as store:
        return sum(1 for r in store.submissions() if recheck or r.status == NOT_READ)


def _again(row: Row, size: int) -> _Pending:
    return _Pending(row.sha256, size, row.name, row.path, None, row.received_at, row.saved_at, row.id, True)


def _drain(results: list[FileResult]) -> Iterator[FileResult]:
    while results:
        yield results.pop(0)


@dataclass(frozen=True)
class MemberStatus:
    """Where one member stands: the file that counts, its state, every other file received, and any doubt
    about which file should count (``conflicts``; ``chosen_by``: the secretariat chose it)."""

    code: str
    name: str
    state: str
    file: str = ""
    received_at: str = ""
    saved_at: str = ""
    errors: int = 0
    warnings: int = 0
    peer_state: str = ""
    other_files: tuple[str, ...] = ()
    chosen_by: str = ""
    conflicts: tuple[str, ...] = ()


def member_status(campaign: Campaign) -> list[MemberStatus]:
    """One row per member: what was returned, what is wrong, what is missing, and what is in doubt."""
    with Store(campaign.folder, readonly=True) as store:
        counted = store.counted()
        out = []
        for m in campaign.members:
            received = store.submissions(m.code)
            rows = [r for r in received if r.kind == KIND_MEMBER]
            chosen = next((r for r in rows if r.id == counted.get((m.code, KIND_MEMBER))), rows[0] if rows else None)
            peers = [r for r in received if r.kind == KIND_PEER]
            peer_id = counted.get((m.code, KIND_PEER))
            peer_state = next((r.status for r in peers if r.id == peer_id), peers[0].status if peers else MISSING)
            doubts: list[str] = []
            author = ""
            for kind, files in ((KIND_MEMBER, rows), (KIND_PEER, peers)):
                choice = store.choice(m.code, kind)
                found = conflicts(files, choice)
                doubts += found if kind == KIND_MEMBER else [_("peer form: {doubt}").format(doubt=t) for t in found]
                if kind == KIND_MEMBER and choice is not None and in_force(files, choice):
                    author = choice.author
            if chosen is None:
                state = peer_state if campaign.has_peer else ""
                out.append(MemberStatus(m.code, m.name, MISSING, peer_state=state, conflicts=tuple(doubts)))
                continue
            others = tuple(f"{r.name} ({r.status})" for r in rows if r.id != chosen.id)
            out.append(
                MemberStatus(
                    m.code,
                    m.name,
                    chosen.status,
                    chosen.name,
                    chosen.received_at,
                    chosen.saved_at,
                    chosen.errors,
                    chosen.warnings,
                    peer_state if campaign.has_peer else "",
                    others,
                    author,
                    tuple(doubts),
                )
            )
        return out


def member_issues(campaign: Campaign) -> dict[str, list[dict[str, object]]]:
    """Each member's issues in the form that counts (its member form, then its peer form), as plain data."""
    keys = ("code", "severity", "sheet", "cell", "indicator", "field", "raw", "message", "fix", "suggested")
    with Store(campaign.folder) as store:
        counted = store.counted()
        return {
            m.code: [
                {k: issue[k] for k in keys} | {"form": kind}
                for kind in (KIND_MEMBER, KIND_PEER)
                if (m.code, kind) in counted
                for issue in store.issues(counted[(m.code, kind)])
            ]
            for m in campaign.members
        }


def unidentified(campaign: Campaign) -> list[tuple[str, str, str]]:
    """Files that could not be tied to any member: (name, status, first problem)."""
    with Store(campaign.folder, readonly=True) as store:
        return [
            (r.name, r.status, (store.issues(r.id) or [{"message": ""}])[0]["message"])
            for r in store.submissions()
            if r.member is None
        ]


__all__ = [
    "FileResult",
    "MemberStatus",
    "archive_dir",
    "archived",
    "collect",
    "find_files",
    "member_issues",
    "member_status",
    "read_and_verify",
    "to_read_again",
    "unidentified",
]
