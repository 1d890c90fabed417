"""Intake: take returned files in safely — archive, sniff, read in isolation, verify, extract, store.

Every file's bytes are archived under their SHA-256 before anything parses
them; one bad file never stops the others; problems are issues, not exceptions.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..definitions import Campaign
from ..isolate import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Failure, run_isolated
from ..layout import KIND_MEMBER, KIND_PEER, META_SHEET, PEER_SHEET, SCORE_SHEET
from ..methods import Method, ensure_registered, plugins
from ..store import ACCEPTED, MISSING, REJECTED, WITH_ERRORS, WITH_WARNINGS, Store, now
from .issues import Issue, count, make_issue
from .read import read_book
from .sniff import sniff_container
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
    """What happened to one file of a collect run."""

    name: str
    path: str
    status: str
    sha256: str = ""
    member: str | None = None
    kind: str | None = None
    issues: list[Issue] = field(default_factory=list)

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


def find_files(sources: Iterable[Path]) -> list[Path]:
    """Every file under the given files and folders, recursively, in a stable order."""
    out: list[Path] = []
    for source in sources:
        if source.is_dir():
            out.extend(sorted(p for p in source.rglob("*") if p.is_file()))
        elif source.is_file():
            out.append(source)
    return out


def archive(folder: Path, sha256: str, data: bytes, suffix: str) -> Path:
    """Keep a file's bytes under their hash, read-only; the same bytes are written once."""
    path = folder / "archive" / f"{sha256}{suffix}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # one per process: concurrent runs never share
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:  # left by a killed run whose process number came back
            tmp.unlink()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            with os.fdopen(fd, "wb", closefd=False) as f:
                f.write(data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    return path


def _saved_at(modified: str, path: Path) -> str:
    if modified and not modified.startswith(FIXED_FORM_DATE):
        try:
            return datetime.fromisoformat(modified).astimezone(UTC).isoformat(timespec="seconds")
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


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
    path: Path
    sha256: str
    size: int


def _store(store: Store, p: _Pending, reading: Reading, modified: str = "") -> FileResult:
    issues = reading.issues
    status = status_of(issues)
    sub = {
        "sha256": p.sha256,
        "name": p.path.name,
        "path": str(p.path),
        "size": p.size,
        "received_at": now(),
        "saved_at": _saved_at(modified, p.path),
        "member": reading.member,
        "kind": reading.kind if reading.member else None,
        "status": status,
        "errors": count(issues, "errors"),
        "warnings": count(issues, "warnings"),
    }
    stored = store.add_submission(sub, reading.values, issues)
    state = status if stored is not None else DUPLICATE
    return FileResult(
        p.path.name, str(p.path), state, p.sha256, reading.member, reading.kind if reading.member else None, issues
    )


def collect(
    campaign: Campaign,
    sources: Iterable[Path] | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
) -> Iterator[FileResult]:
    """Take in returned files (default: the inbox folder) and yield what happened to each."""
    files = find_files(list(sources) if sources else [campaign.folder / "inbox"])
    store = Store(campaign.folder)
    decided: list[FileResult] = []  # results known before any parsing
    queue: list[_Pending] = []

    def admitted() -> Iterator[str]:
        """Archive each new file and hand it to the readers."""
        seen: set[str] = set()
        for path in files:
            if path.name.startswith(("~$", ".~lock")):
                decided.append(FileResult(path.name, str(path), SKIPPED))
                continue
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            archived = archive(campaign.folder, sha, data, path.suffix.lower()[:8])
            if sha in seen or store.known(sha):
                store.log_receipt(sha, path.name, str(path), "duplicate")
                note = [make_issue("duplicate-file")]
                decided.append(FileResult(path.name, str(path), DUPLICATE, sha, issues=note))
                continue
            seen.add(sha)
            queue.append(_Pending(path, sha, len(data)))
            yield str(archived)

    read: list[tuple[_Pending, Reading, str]] = []  # read whole, to store with the next batch
    since = 0.0
    try:
        work = _Reader(campaign, plugins())
        for index, result in run_isolated(work, admitted(), jobs, timeout, memory):
            if not read:
                since = time.monotonic()
            if isinstance(result, Failure):
                reading = Reading(issues=[make_issue("unreadable", detail=result.reason.splitlines()[0])])
                read.append((queue[index], reading, ""))
            else:
                read.append((queue[index], *result))
            if len(read) >= BATCH_FILES or time.monotonic() - since >= BATCH_SECONDS:
                yield from _drain(decided)
                yield from _store_batch(store, read)
        yield from _drain(decided)
        yield from _store_batch(store, read)
    except BaseException:
        with contextlib.suppress(sqlite3.Error, OSError):
            list(_store_batch(store, read))  # keep what was read whole; a re-run takes in the rest
        raise
    finally:
        store.close()


def _store_batch(store: Store, read: list[tuple[_Pending, Reading, str]]) -> Iterator[FileResult]:
    """Store the files read in one transaction (each file whole, a savepoint of it); their results once committed."""
    if not read:
        return
    with store.transaction():
        done = [_store(store, *item) for item in read]
    read.clear()
    yield from done


def _drain(results: list[FileResult]) -> Iterator[FileResult]:
    while results:
        yield results.pop(0)


@dataclass(frozen=True)
class MemberStatus:
    """Where one member stands: the file that counts, its state, and every other file received."""

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


def member_status(campaign: Campaign) -> list[MemberStatus]:
    """One row per member: what was returned, what is wrong, what is missing."""
    with Store(campaign.folder) as store:
        counted = store.counted()
        out = []
        for m in campaign.members:
            received = store.submissions(m.code)
            rows = [r for r in received if r.kind == KIND_MEMBER]
            chosen = next((r for r in rows if r.id == counted.get((m.code, KIND_MEMBER))), rows[0] if rows else None)
            peers = [r for r in received if r.kind == KIND_PEER]
            peer_id = counted.get((m.code, KIND_PEER))
            peer_state = next((r.status for r in peers if r.id == peer_id), peers[0].status if peers else MISSING)
            if chosen is None:
                out.append(MemberStatus(m.code, m.name, MISSING, peer_state=peer_state if campaign.has_peer else ""))
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
    with Store(campaign.folder) as store:
        return [
            (r.name, r.status, (store.issues(r.id) or [{"message": ""}])[0]["message"])
            for r in store.submissions()
            if r.member is None
        ]


__all__ = [
    "FileResult",
    "MemberStatus",
    "collect",
    "member_issues",
    "member_status",
    "read_and_verify",
    "unidentified",
]
