"""The campaign's SQLite store: every file received, every value with its cell, every issue.

Files are stored whole (one savepoint each) in transactions of up to a
quarter of a second's files, WAL journal, ``synchronous=FULL`` and a busy
timeout: two runs at once, or a run killed mid-import, leave a consistent
store, and a re-run finishes the job. Nothing is ever deleted: a newer file
from the same member supersedes the older one, which stays in history. Which
file counts is decided here, in one place (``pick``): time received, then
save time, unless the secretariat chose one (``choose``).
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .errors import DiskFull, StoreError
from .files import disk_full
from .i18n import _

STORE_FILE = "emuxl.db"
BUSY_SECONDS = 60  # how long a run waits for another one holding the store
SCHEMA_VERSION = 2  # PRAGMA user_version: 2 added raw paths, choices and feedback due

SCHEMA = """
CREATE TABLE IF NOT EXISTS receipts (
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
    received_at TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL, path TEXT NOT NULL,
    size INTEGER NOT NULL, received_at TEXT NOT NULL, saved_at TEXT NOT NULL,
    member TEXT, kind TEXT, status TEXT NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cell_values (
    submission_id INTEGER NOT NULL REFERENCES submissions(id), indicator TEXT NOT NULL, field TEXT NOT NULL,
    sheet TEXT NOT NULL, cell TEXT NOT NULL, raw TEXT NOT NULL, number REAL, text TEXT,
    PRIMARY KEY (submission_id, indicator, field)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL REFERENCES submissions(id),
    code TEXT NOT NULL, severity TEXT NOT NULL, sheet TEXT, cell TEXT, indicator TEXT, field TEXT,
    raw TEXT, message TEXT NOT NULL, fix TEXT NOT NULL, suggested REAL);
CREATE TABLE IF NOT EXISTS counted (
    member TEXT NOT NULL, kind TEXT NOT NULL, submission_id INTEGER NOT NULL REFERENCES submissions(id),
    PRIMARY KEY (member, kind));
CREATE TABLE IF NOT EXISTS adjustments (
    id INTEGER PRIMARY KEY, member TEXT NOT NULL, indicator TEXT NOT NULL, points REAL,
    reason TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accepted (
    id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL REFERENCES submissions(id), indicator TEXT NOT NULL,
    field TEXT NOT NULL, number REAL NOT NULL, raw TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, at TEXT NOT NULL, result TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS master_state (
    id INTEGER PRIMARY KEY CHECK (id = 1), sha256 TEXT NOT NULL, cells BLOB NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS choices (
    id INTEGER PRIMARY KEY, member TEXT NOT NULL, kind TEXT NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions(id), author TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback_due (member TEXT PRIMARY KEY, since TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_member ON submissions(member, kind);
CREATE INDEX IF NOT EXISTS issues_submission ON issues(submission_id);
"""
# Columns added after the first version, with the table they belong to: added to older stores on open.
ADDED_COLUMNS = (
    ("receipts", "raw_path", "BLOB"),  # the path's bytes as the file system gave them (names that are not UTF-8)
    ("submissions", "raw_path", "BLOB"),
)

ValueRow = tuple[str, str, str, str, str, float | None, str | None]  # indicator, field, sheet, cell, raw, number, text


class IssueRow(Protocol):
    """What the store keeps of an issue (read-only attributes)."""

    @property
    def code(self) -> str: ...

    @property
    def severity(self) -> str: ...

    @property
    def sheet(self) -> str: ...

    @property
    def cell(self) -> str: ...

    @property
    def indicator(self) -> str: ...

    @property
    def field(self) -> str: ...

    @property
    def raw(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def fix(self) -> str: ...

    @property
    def suggested(self) -> float | None: ...


ISSUE_FIELDS = ("code", "severity", "sheet", "cell", "indicator", "field", "raw", "message", "fix", "suggested")

ACCEPTED = "accepted"
WITH_WARNINGS = "accepted with warnings"
WITH_ERRORS = "accepted with errors"
REJECTED = "rejected"
NOT_READ = "not read"  # the reader failed for a passing reason (time, memory, a crash): read again next time
MISSING = "missing"
NOT_COUNTED = (REJECTED, NOT_READ)


def now() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def copy_store(folder: Path, target: Path) -> bool:
    """Copy the campaign's store into the file ``target`` without writing anything in ``folder`` (a dry run works
    on the copy); False when the campaign has no store yet."""
    source = folder / STORE_FILE
    if not source.is_file():
        return False
    # With no -wal file beside it the store is whole as it is: opened immutable, SQLite creates nothing (a plain
    # read-only open would leave -wal and -shm files behind). With one, another run may be writing: read through it.
    flags = "mode=ro" if source.with_name(source.name + "-wal").exists() else "mode=ro&immutable=1"
    try:
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?{flags}", uri=True)) as db,
            closing(sqlite3.connect(target)) as copy,
        ):
            db.backup(copy)
    except sqlite3.DatabaseError as e:
        raise StoreError(
            _(
                "cannot read the store {path} ({error}). Run 'emuxl check --store {folder}' to see what is wrong"
                " with it."
            ).format(path=source, error=e, folder=folder)
        ) from e
    return True


def receipt_time() -> str:
    """The current time, UTC, ISO 8601 to the microsecond: two runs a second apart are received apart."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


EARLIEST = datetime.min.replace(tzinfo=UTC)


@functools.lru_cache(maxsize=4096)
def instant(text: str) -> datetime:
    """A stored time as a moment (times stored to the second and to the microsecond compare right)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return EARLIEST
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    """A submission as stored."""

    id: int
    sha256: str
    name: str
    path: str
    received_at: str
    saved_at: str
    member: str | None
    kind: str | None
    status: str
    errors: int
    warnings: int

    @property
    def saved_after_received(self) -> bool:
        """Whether the file says it was saved after it was received: the sender's clock is wrong."""
        return instant(self.saved_at) > instant(self.received_at)


ROW_COLUMNS = "id, sha256, name, path, received_at, saved_at, member, kind, status, errors, warnings"


@dataclass(frozen=True)
class Choice:
    """The secretariat's choice of the file that counts for a member (``emuxl choose``)."""

    submission_id: int
    author: str
    at: str


def _order(row: Row) -> tuple[datetime, bool, datetime, int, int, str]:
    """How files compete to count: received later, then a save time that is not after the receipt, then saved
    later; on a tie (a conflict, flagged) fewer errors, fewer warnings, then the hash, never processing order."""
    trusted = not row.saved_after_received
    return (instant(row.received_at), trusted, instant(row.saved_at), -row.errors, -row.warnings, row.sha256)


def in_force(rows: Sequence[Row], choice: Choice | None) -> bool:
    """Whether a choice still holds: its file can count and no file was received after it was made."""
    if choice is None:
        return False
    live = [r for r in rows if r.status not in NOT_COUNTED]
    made = instant(choice.at)
    return any(r.id == choice.submission_id for r in live) and not any(instant(r.received_at) > made for r in live)


def pick(rows: Sequence[Row], choice: Choice | None = None) -> Row | None:
    """The file that counts among one member's files of one kind (None when none can count).

    The secretariat's choice, while no file has been received since; otherwise
    the file received last, and among files received together the one saved
    last, a save time later than the receipt losing to any other.
    """
    live = [r for r in rows if r.status not in NOT_COUNTED]
    if not live:
        return None
    if choice is not None and in_force(rows, choice):
        return next(r for r in live if r.id == choice.submission_id)
    return max(live, key=_order)


def conflicts(rows: Sequence[Row], choice: Choice | None = None) -> list[str]:
    """What makes the file that counts doubtful, for the secretariat to settle with ``emuxl choose``."""
    live = [r for r in rows if r.status not in NOT_COUNTED]
    counted = pick(rows, choice)
    if counted is None or len(live) < 2 or in_force(rows, choice):
        return []
    notes = [
        _(
            "{name} says it was saved at {saved_at}, after it was received ({received_at}): the sender's clock"
            " is wrong, so its save time is not trusted"
        ).format(name=r.name, saved_at=r.saved_at, received_at=r.received_at)
        for r in live
        if r.saved_after_received
    ]
    twins = [r.name for r in live if r is not counted and _when(r) == _when(counted)]
    if twins:
        notes.append(
            _(
                "{name} and {others} were received together with the same save time"
                " ({saved_at}); {name} counts for now (fewest errors)"
            ).format(name=counted.name, others=", ".join(twins), saved_at=counted.saved_at)
        )
    newer = [r.name for r in live if _when(r)[0] < _when(counted)[0] and _when(r)[1] > _when(counted)[1]]
    if newer:
        notes.append(
            _("{name} was received after {others} but saved before it").format(
                name=counted.name, others=", ".join(newer)
            )
        )
    return notes


def _when(row: Row) -> tuple[datetime, datetime]:
    return instant(row.received_at), instant(row.saved_at)


T = TypeVar("T")
KEEP = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)  # bugs, not damage: raised as is


def _guarded(func: Callable[..., T]) -> Callable[..., T]:
    """A store method whose SQLite failures become an error that says what to do."""

    @functools.wraps(func)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> T:
        try:
            return func(self, *args, **kwargs)
        except KEEP:
            raise
        except sqlite3.DatabaseError as e:
            raise self.problem(e) from e

    return wrapper


class Store:
    """The SQLite store of one campaign folder.

    ``readonly`` stores are for commands that only read (``status``): in a
    folder emuxl may not write to, they open the store read-only instead of
    failing.
    """

    def __init__(self, folder: Path, readonly: bool = False):
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE
        self.readonly = False
        if self.path.is_dir():
            raise StoreError(
                _(
                    "{path} is a folder, not emuxl's store file: move it out of the way (if it holds the real"
                    " store, put that file back as {path}) and run again."
                ).format(path=self.path)
            )
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.DatabaseError as e:
            if readonly and self._cannot_write():
                self._open_read_only()
                return
            raise self.problem(e) from e
        try:
            self._use_wal()
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(f"BEGIN IMMEDIATE; {SCHEMA}")  # the write lock first: no upgrade deadlock
            self._migrate()
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            self.db.close()
            if readonly and self._cannot_write():
                self._open_read_only()
                return
            raise self.problem(e) from e

    def _cannot_write(self) -> bool:
        """Whether the folder (or the store file) is read-only for this process."""
        return not os.access(self.folder, os.W_OK) or (self.path.exists() and not os.access(self.path, os.W_OK))

    def _open_read_only(self) -> None:
        """Open the store without writing anything (no journal, no schema change); no store yet is an empty one."""
        self.readonly = True
        if not self.path.exists():
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            self.db.executescript(SCHEMA)
            return
        last: sqlite3.DatabaseError | None = None
        for flags in ("mode=ro", "mode=ro&immutable=1"):  # immutable: a WAL store in a folder without its -shm file
            try:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?{flags}", uri=True, isolation_level=None)
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            except sqlite3.DatabaseError as e:
                last = e
                continue
            for table in ("choices", "feedback_due"):  # an older store: empty stand-ins, in memory
                if table not in tables:
                    definition = SCHEMA.split(f"CREATE TABLE IF NOT EXISTS {table} ", 1)[1].split(";", 1)[0]
                    db.execute(f"CREATE TEMP TABLE {table} {definition}")
            self.db = db
            return
        raise self.problem(last or sqlite3.DatabaseError("unable to open"))

    def _migrate(self) -> None:
        """Bring an older store's tables up to this version (inside the schema transaction)."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        for table, column, kind in ADDED_COLUMNS:
            if column not in {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def problem(self, e: sqlite3.DatabaseError) -> Exception:
        """The error to raise for an SQLite failure: what happened to the store, and what to do."""
        text = str(e)
        if disk_full(e, self.folder):
            return DiskFull(
                _("cannot write {path}: the disk is full ({error}); free some space and run again.").format(
                    path=self.path, error=text
                )
            )
        if "locked" in text or "busy" in text:
            return StoreError(
                _(
                    "the store {path} is busy: another emuxl run (or a program that opened emuxl.db) has held it"
                    " for more than {seconds} s; wait for it to finish, or close that program, and run again."
                ).format(path=self.path, seconds=BUSY_SECONDS)
            )
        if "readonly" in text or "read-only" in text or self._cannot_write():
            return StoreError(
                _(
                    "cannot write the store {path}: the campaign folder is read-only ({error}). Make {folder}"
                    " writable, or copy the campaign to a folder you can write to, and run again."
                ).format(path=self.path, error=text, folder=self.folder)
            )
        return StoreError(
            _(
                "the store {path} is damaged ({error}). Restore emuxl.db from a backup copy of the campaign folder"
                " and run 'emuxl check --store {folder}'. Without a copy, move emuxl.db aside and run"
                " 'emuxl collect {folder} {archive}' to take every archived file in again"
                " (corrections, acceptances and choices must then be entered again)."
            ).format(path=self.path, error=text, folder=self.folder, archive=self.folder / "archive")
        )

    def _use_wal(self) -> None:
        """Switch to WAL (it stays in the file), waiting out other runs opening the store at the same moment.

        SQLite answers "locked" at once, without waiting, when two connections
        both try to change the journal mode; so this waits and tries again.
        """
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so concurrent runs queue instead of failing.

        Within another one it is a savepoint of it: all or nothing on its own, durable when the outer one
        commits (collect stores the files read in a quarter of a second together: one commit, one fsync).
        """
        if self.db.in_transaction:
            self.db.execute("SAVEPOINT part")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK TO part")
                self.db.execute("RELEASE part")
                raise
            self.db.execute("RELEASE part")
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @_guarded
    def log_receipt(self, sha256: str, name: str, path: str, note: str = "", raw_path: bytes | None = None) -> None:
        """Record that a file was seen (every time, duplicates and files that could not be opened included)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO receipts (sha256, name, path, received_at, note, raw_path) VALUES (?, ?, ?, ?, ?, ?)",
                (sha256, name, path, now(), note, raw_path),
            )

    @_guarded
    def stored_status(self, sha256: str) -> str | None:
        """The status of these exact bytes if they were already stored, else None."""
        found = self.db.execute("SELECT status FROM submissions WHERE sha256 = ?", (sha256,)).fetchone()
        return found[0] if found else None

    def known(self, sha256: str) -> bool:
        """Whether these exact bytes were already taken in (a file not read yet is not: it is read again)."""
        return self.stored_status(sha256) not in (None, NOT_READ)

    @_guarded
    def add_submission(self, sub: dict[str, Any], values: Sequence[ValueRow], issues: Sequence[IssueRow]) -> int | None:
        """Log the receipt and store one file's submission, values and issues in one transaction.

        ``sub`` has the columns of ``submissions`` (``raw_path`` optional). Values
        are (indicator, field, sheet, cell, raw, number, text); issues have the
        fields of the ``issues`` table. Returns the submission id, or None when
        the same bytes were already stored. A file stored as not read (a passing
        failure) takes its new reading, keeping the time it was first received.
        """
        sub = {"raw_path": None, **sub}
        with self.transaction() as db:
            db.execute(
                "INSERT INTO receipts (sha256, name, path, received_at, raw_path)"
                " VALUES (:sha256, :name, :path, :received_at, :raw_path)",
                sub,
            )
            found = db.execute("SELECT id, status FROM submissions WHERE sha256 = ?", (sub["sha256"],)).fetchone()
            if found and found[1] != NOT_READ:
                return None
            if found:
                self._replace(db, found[0], sub, values, issues)
                return int(found[0])
            cur = db.execute(
                "INSERT INTO submissions (sha256, name, path, size, received_at, saved_at, member, kind, status,"
                " errors, warnings, raw_path) VALUES (:sha256, :name, :path, :size, :received_at, :saved_at, :member,"
                " :kind, :status, :errors, :warnings, :raw_path)",
                sub,
            )
            sid = int(cur.lastrowid or 0)
            self._insert_reading(db, sid, values, issues)
            if sub["member"]:
                self._recount(db, sub["member"], sub["kind"])
                _mark_due(db, [sub["member"]])
            return sid

    @_guarded
    def replace_reading(
        self, submission_id: int, sub: dict[str, Any], values: Sequence[ValueRow], issues: Sequence[IssueRow]
    ) -> None:
        """Give a stored file a new reading (``collect --recheck``): its values, issues, member and status.

        ``sub`` has ``saved_at``, ``member``, ``kind``, ``status``, ``errors`` and
        ``warnings``. Who counts is decided again for the member it had and the
        one it has now, and both get new feedback.
        """
        with self.transaction() as db:
            self._replace(db, submission_id, sub, values, issues)

    def _replace(
        self,
        db: sqlite3.Connection,
        sid: int,
        sub: dict[str, Any],
        values: Sequence[ValueRow],
        issues: Sequence[IssueRow],
    ) -> None:
        before = db.execute("SELECT member, kind FROM submissions WHERE id = ?", (sid,)).fetchone()
        db.execute(
            "UPDATE submissions SET saved_at = :saved_at, member = :member, kind = :kind, status = :status,"
            " errors = :errors, warnings = :warnings WHERE id = :id",
            {**sub, "id": sid},
        )
        db.execute("DELETE FROM cell_values WHERE submission_id = ?", (sid,))
        db.execute("DELETE FROM issues WHERE submission_id = ?", (sid,))
        self._insert_reading(db, sid, values, issues)
        touched = {(m, k) for m, k in (before, (sub["member"], sub["kind"])) if m}
        for member, kind in touched:
            self._recount(db, member, kind)
        _mark_due(db, [m for m, _ in touched])

    @staticmethod
    def _insert_reading(
        db: sqlite3.Connection, sid: int, values: Sequence[ValueRow], issues: Sequence[IssueRow]
    ) -> None:
        db.executemany(
            "INSERT INTO cell_values (submission_id, indicator, field, sheet, cell, raw, number, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(sid, *v) for v in values],
        )
        db.executemany(
            "INSERT INTO issues (submission_id, code, severity, sheet, cell, indicator, field, raw, message, fix,"
            " suggested) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(sid, *(getattr(i, k) for k in ISSUE_FIELDS)) for i in issues],
        )

    def _recount(self, db: sqlite3.Connection, member: str, kind: str) -> None:
        """Decide again which file counts for a member and kind (``pick``)."""
        rows = self._rows(db, "WHERE member = ? AND kind = ?", (member, kind))
        best = pick(rows, self._choice(db, member, kind))
        if best is None:
            db.execute("DELETE FROM counted WHERE member = ? AND kind = ?", (member, kind))
        else:
            db.execute(
                "INSERT OR REPLACE INTO counted (member, kind, submission_id) VALUES (?, ?, ?)", (member, kind, best.id)
            )

    @staticmethod
    def _rows(db: sqlite3.Connection, where: str = "", args: tuple[Any, ...] = ()) -> list[Row]:
        sql = f"SELECT {ROW_COLUMNS} FROM submissions {where} ORDER BY received_at DESC, saved_at DESC, id DESC"
        return [Row(*r) for r in db.execute(sql, args)]

    @staticmethod
    def _choice(db: sqlite3.Connection, member: str, kind: str) -> Choice | None:
        found = db.execute(
            "SELECT submission_id, author, at FROM choices WHERE member = ? AND kind = ? ORDER BY id DESC LIMIT 1",
            (member, kind),
        ).fetchone()
        return Choice(*found) if found else None

    @_guarded
    def submissions(self, member: str | None = None) -> list[Row]:
        """Every submission (of one member, if given), the latest received first."""
        if member is None:
            return self._rows(self.db)
        return self._rows(self.db, "WHERE member = ?", (member,))

    @_guarded
    def submission(self, submission_id: int) -> Row | None:
        """One submission by its id."""
        found = self._rows(self.db, "WHERE id = ?", (submission_id,))
        return found[0] if found else None

    @_guarded
    def choice(self, member: str, kind: str) -> Choice | None:
        """The secretariat's latest choice of the file that counts for a member and kind, if any."""
        return self._choice(self.db, member, kind)

    @_guarded
    def choose(self, member: str, kind: str, submission_id: int, author: str) -> None:
        """Make a file the one that counts for its member (kept with who chose it), until a newer file arrives."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO choices (member, kind, submission_id, author, at) VALUES (?, ?, ?, ?, ?)",
                (member, kind, submission_id, author, receipt_time()),
            )
            self._recount(db, member, kind)
            _mark_due(db, [member])

    @_guarded
    def recount_all(self) -> None:
        """Decide again which file counts for every member (after the rule changed, or a recheck)."""
        with self.transaction() as db:
            pairs = db.execute("SELECT DISTINCT member, kind FROM submissions WHERE member IS NOT NULL").fetchall()
            db.execute("DELETE FROM counted")
            for member, kind in pairs:
                self._recount(db, member, kind)

    @_guarded
    def counted(self) -> dict[tuple[str, str], int]:
        """(member, kind) -> the submission that counts."""
        return {(m, k): s for m, k, s in self.db.execute("SELECT member, kind, submission_id FROM counted")}

    @_guarded
    def issues(self, submission_id: int) -> list[dict[str, Any]]:
        """The issues of one submission, in the order found."""
        cur = self.db.execute(
            "SELECT code, severity, sheet, cell, indicator, field, raw, message, fix, suggested FROM issues"
            " WHERE submission_id = ? ORDER BY id",
            (submission_id,),
        )
        keys = [d[0] for d in cur.description]
        return [dict(zip(keys, r, strict=True)) for r in cur]

    @_guarded
    def values(self, submission_id: int) -> dict[str, dict[str, float | str | None]]:
        """indicator -> field -> value (number, else text) of one submission."""
        out: dict[str, dict[str, float | str | None]] = {}
        for ind, fld, number, text in self.db.execute(
            "SELECT indicator, field, number, text FROM cell_values WHERE submission_id = ?", (submission_id,)
        ):
            out.setdefault(ind, {})[fld] = number if number is not None else text
        return out

    @_guarded
    def counted_values(self, kind: str) -> dict[str, dict[str, dict[str, float | str | None]]]:
        """member -> indicator -> field -> value, from the submission that counts for each member.

        Numbers typed as text that the secretariat accepted (``accept``) take their place.
        """
        out = {}
        for (member, k), sid in self.counted().items():
            if k != kind:
                continue
            values = self.values(sid)
            for indicator, fld, number in self.db.execute(
                "SELECT indicator, field, number FROM accepted WHERE submission_id = ? ORDER BY id", (sid,)
            ):
                values.setdefault(indicator, {})[fld] = number
            out[member] = values
        return out

    @_guarded
    def refused_inputs(self, kind: str) -> dict[str, set[tuple[str, str]]]:
        """member -> (indicator, field) of values in the counted submission that were sent but not usable
        (an error on that cell) and not accepted since."""
        out: dict[str, set[tuple[str, str]]] = {}
        for (member, k), sid in self.counted().items():
            if k != kind:
                continue
            accepted = set(self.db.execute("SELECT indicator, field FROM accepted WHERE submission_id = ?", (sid,)))
            rows = self.db.execute(
                "SELECT indicator, field FROM issues WHERE submission_id = ? AND severity = 'error'"
                " AND code != 'missing-input' AND indicator IS NOT NULL AND indicator != ''",
                (sid,),
            )
            out[member] = {(i, f) for i, f in rows if (i, f) not in accepted}
        return out

    @_guarded
    def accept(self, submission_id: int, issues: list[dict[str, Any]], author: str) -> None:
        """Accept the numbers emuxl would read for these issues (numbers typed as text), with who accepted."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO accepted (submission_id, indicator, field, number, raw, author, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(submission_id, i["indicator"], i["field"], i["suggested"], i["raw"], author, now()) for i in issues],
            )

    @_guarded
    def add_adjustment(self, member: str, indicator: str, points: float | None, reason: str, author: str) -> None:
        """Record a correction (or, with points None, withdraw the previous one); history is kept."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO adjustments (member, indicator, points, reason, author, at) VALUES (?, ?, ?, ?, ?, ?)",
                (member, indicator, points, reason, author, now()),
            )

    @_guarded
    def adjustments(self) -> list[tuple[str, str, float, str, str, str]]:
        """The corrections in force: the latest per member and indicator, unless withdrawn."""
        latest: dict[tuple[str, str], tuple[str, str, float | None, str, str, str]] = {}
        for row in self.db.execute("SELECT member, indicator, points, reason, author, at FROM adjustments ORDER BY id"):
            latest[(row[0], row[1])] = row
        return [r for r in latest.values() if r[2] is not None]  # type: ignore[misc]

    @_guarded
    def set_master_state(self, sha256: str, cells: bytes) -> None:
        """Remember the ranking workbook just written: its hash and what its editable cells hold."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO master_state (id, sha256, cells, at) VALUES (1, ?, ?, ?)",
                (sha256, cells, now()),
            )

    @_guarded
    def master_state(self) -> tuple[str, bytes] | None:
        """The hash and editable cells of the ranking workbook last written, if any."""
        row = self.db.execute("SELECT sha256, cells FROM master_state WHERE id = 1").fetchone()
        return (row[0], bytes(row[1])) if row else None

    @_guarded
    def add_run(self, result: Mapping[str, Any] | str) -> None:
        """Keep the result of a ranking run (``results.as_data``, or its JSON), packed (``pack_run``)."""
        data = json.loads(result) if isinstance(result, str) else result
        with self.transaction() as db:
            packed = pack_run(data, self.counted())
            db.execute("INSERT INTO runs (at, result) VALUES (?, ?)", (now(), packed))

    @_guarded
    def runs(self) -> list[tuple[int, str, dict[str, Any]]]:
        """Every ranking run kept, oldest first: (id, when, result as ``unpack_run`` gives it)."""
        return [(i, at, unpack_run(r)) for i, at, r in self.db.execute("SELECT id, at, result FROM runs ORDER BY id")]

    # ------------------------------------------------------------------ feedback workbooks to write

    @_guarded
    def feedback_due(self) -> dict[str, str]:
        """member -> since when its feedback workbook is out of date (written neither since, nor at all)."""
        return dict(self.db.execute("SELECT member, since FROM feedback_due").fetchall())

    @_guarded
    def mark_feedback_due(self, members: Sequence[str]) -> None:
        """Note that these members' feedback workbooks must be written again."""
        with self.transaction() as db:
            _mark_due(db, members)

    @_guarded
    def feedback_written(self, written: Mapping[str, str]) -> None:
        """These members' feedback was written (member -> ``since``): from the store as it was when it fell due."""
        if not written:
            return
        with self.transaction() as db:
            db.executemany("DELETE FROM feedback_due WHERE member = ? AND since = ?", written.items())

    # ------------------------------------------------------------------ checking the store itself

    @_guarded
    def integrity(self) -> list[str]:
        """What SQLite's integrity and foreign-key checks find wrong (nothing: an empty list)."""
        found = [r[0] for r in self.db.execute("PRAGMA integrity_check")]
        problems = [] if found == ["ok"] else found
        for table, rowid, parent, _fk in self.db.execute("PRAGMA foreign_key_check"):
            problems.append(
                _("{table} row {rowid} refers to a missing row of {parent}").format(
                    table=table, rowid=rowid, parent=parent
                )
            )
        return problems

    @_guarded
    def files(self) -> list[tuple[int, str, str, int, str]]:
        """(id, sha256, name, size, status) of every stored file, in the order received."""
        return self.db.execute("SELECT id, sha256, name, size, status FROM submissions ORDER BY id").fetchall()

    # ------------------------------------------------------------------ carried over from last year (next-year)

    CARRIED_SCHEMA = """
    CREATE TABLE IF NOT EXISTS carried (
        member TEXT NOT NULL, indicator TEXT NOT NULL, field TEXT NOT NULL, number REAL,
        note TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (member, indicator, field)) WITHOUT ROWID;
    """

    def set_carried(self, rows: Sequence[tuple[str, str, str, float | None, str]], source: str) -> None:
        """Replace what was carried over from last year: (member, indicator, field, number or None, note) rows,
        from the campaign folder ``source``; a None number is an input left blank, its note says why."""
        with self.transaction() as db:
            db.execute(self.CARRIED_SCHEMA)
            db.execute("DELETE FROM carried")
            at = now()
            db.executemany(
                "INSERT INTO carried (member, indicator, field, number, note, source, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(*row, source, at) for row in rows],
            )

    def carried(self) -> dict[str, dict[str, dict[str, tuple[float | None, str]]]]:
        """member -> indicator -> field -> (number or None, note): what next-year carried over, if anything."""
        found = self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'carried'").fetchone()
        out: dict[str, dict[str, dict[str, tuple[float | None, str]]]] = {}
        if found is None:
            return out
        for member, indicator, fld, number, note in self.db.execute(
            "SELECT member, indicator, field, number, note FROM carried"
        ):
            out.setdefault(member, {}).setdefault(indicator, {})[fld] = (number, note)
        return out


def _mark_due(db: sqlite3.Connection, members: Sequence[str]) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    db.executemany(
        "INSERT OR REPLACE INTO feedback_due (member, since) VALUES (?, ?)", [(m, stamp) for m in set(members) if m]
    )


RUN_FORMAT = 1  # the layout of a packed run


def pack_run(result: Mapping[str, Any], counted: Mapping[tuple[str, str], int]) -> bytes:
    """A ranking run as the store keeps it: compact, exact, compressed (0.7 MB at 3,321 members × 60 indicators,
    where the plain JSON took 30 MB).

    Every field of ``results.as_data`` is kept, numbers exact, with the members' indicator cells in columns
    (indicator → points in member order; computed points only where adjusted; issues where there are some), and
    the submission that counted for each member and form. The explanation texts are not kept: ranking.xlsx shows
    them, and the values the store keeps give them again.
    """
    members = [dict(m) for m in result.get("members", [])]
    cells = [m.pop("indicators", {}) for m in members]
    codes = list(dict.fromkeys(code for row in cells for code in row))
    data = {k: v for k, v in result.items() if k != "members"} | {"format": RUN_FORMAT, "members": members}
    data["indicators"] = codes
    data["points"] = {c: [row[c]["points"] if c in row else None for row in cells] for c in codes}
    data["computed"] = {
        c: {
            m["code"]: row[c]["computed"]
            for m, row in zip(members, cells, strict=True)
            if row.get(c, {}).get("adjusted")
        }
        for c in codes
    }
    data["issues"] = {
        c: {m["code"]: row[c]["issue"] for m, row in zip(members, cells, strict=True) if row.get(c, {}).get("issue")}
        for c in codes
    }
    data["counted"] = sorted([member, kind, sid] for (member, kind), sid in counted.items())
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def unpack_run(stored: bytes | str) -> dict[str, Any]:
    """A kept run as ``results.as_data`` gave it, without the explanation texts (runs kept as plain JSON by
    earlier versions: as they were), with ``counted``: [member, form kind, submission id] of each counted form."""
    if isinstance(stored, str):
        return dict(json.loads(stored))
    data = json.loads(zlib.decompress(stored).decode("utf-8"))
    codes = data.pop("indicators")
    points, computed, issues = data.pop("points"), data.pop("computed"), data.pop("issues")
    data.pop("format")
    for n, m in enumerate(data["members"]):
        m["indicators"] = {
            c: {
                "points": points[c][n],
                "computed": computed[c].get(m["code"], points[c][n]),
                "issue": issues[c].get(m["code"]),
                "adjusted": m["code"] in computed[c],
            }
            for c in codes
            if points[c][n] is not None
        }
    return dict(data)
