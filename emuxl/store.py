"""The campaign's SQLite store: every file received, every value with its cell, every issue.

Files are stored whole (one savepoint each) in transactions of up to a
quarter of a second's files, WAL journal, ``synchronous=FULL`` and a busy timeout: two
runs at once, or a run killed mid-import, leave a consistent store, and a
re-run finishes the job. Nothing is ever deleted: a newer file
from the same member supersedes the older one, which stays in history.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

STORE_FILE = "emuxl.db"
BUSY_SECONDS = 60  # how long a run waits for another one holding the store

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
CREATE INDEX IF NOT EXISTS submissions_member ON submissions(member, kind);
CREATE INDEX IF NOT EXISTS issues_submission ON issues(submission_id);
"""

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
MISSING = "missing"


def now() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


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


class Store:
    """The SQLite store of one campaign folder."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / STORE_FILE
        self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        self._use_wal()
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(f"BEGIN IMMEDIATE; {SCHEMA} COMMIT;")  # the write lock first: no upgrade deadlock

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

    def log_receipt(self, sha256: str, name: str, path: str, note: str = "") -> None:
        """Record that a file was seen (every time, duplicates included)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO receipts (sha256, name, path, received_at, note) VALUES (?, ?, ?, ?, ?)",
                (sha256, name, path, now(), note),
            )

    def known(self, sha256: str) -> bool:
        """Whether these exact bytes were already taken in."""
        return self.db.execute("SELECT 1 FROM submissions WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def add_submission(self, sub: dict[str, Any], values: Sequence[ValueRow], issues: Sequence[IssueRow]) -> int | None:
        """Log the receipt and store one file's submission, values and issues in one transaction.

        Values are (indicator, field, sheet, cell, raw, number, text); issues have
        the fields of the ``issues`` table. Returns the submission id, or None when
        the same bytes were already stored.
        """
        with self.transaction() as db:
            db.execute(
                "INSERT INTO receipts (sha256, name, path, received_at) VALUES (:sha256, :name, :path, :received_at)",
                sub,
            )
            if db.execute("SELECT 1 FROM submissions WHERE sha256 = ?", (sub["sha256"],)).fetchone():
                return None
            cur = db.execute(
                "INSERT INTO submissions (sha256, name, path, size, received_at, saved_at, member, kind, status,"
                " errors, warnings) VALUES (:sha256, :name, :path, :size, :received_at, :saved_at, :member, :kind,"
                " :status, :errors, :warnings)",
                sub,
            )
            sid = int(cur.lastrowid or 0)
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
            if sub["member"] and sub["status"] != REJECTED:
                self._recount(db, sub["member"], sub["kind"])
            return sid

    @staticmethod
    def _recount(db: sqlite3.Connection, member: str, kind: str) -> None:
        best = db.execute(
            "SELECT id FROM submissions WHERE member = ? AND kind = ? AND status != ?"
            " ORDER BY saved_at DESC, id DESC LIMIT 1",
            (member, kind, REJECTED),
        ).fetchone()
        if best:
            db.execute(
                "INSERT OR REPLACE INTO counted (member, kind, submission_id) VALUES (?, ?, ?)", (member, kind, best[0])
            )

    def submissions(self, member: str | None = None) -> list[Row]:
        """Every submission (of one member, if given), newest first."""
        sql = (
            "SELECT id, sha256, name, path, received_at, saved_at, member, kind, status, errors, warnings"
            " FROM submissions"
        )
        args: tuple[Any, ...] = ()
        if member is not None:
            sql, args = sql + " WHERE member = ?", (member,)
        return [Row(*r) for r in self.db.execute(sql + " ORDER BY saved_at DESC, id DESC", args)]

    def counted(self) -> dict[tuple[str, str], int]:
        """(member, kind) -> the submission that counts."""
        return {(m, k): s for m, k, s in self.db.execute("SELECT member, kind, submission_id FROM counted")}

    def issues(self, submission_id: int) -> list[dict[str, Any]]:
        """The issues of one submission, in the order found."""
        cur = self.db.execute(
            "SELECT code, severity, sheet, cell, indicator, field, raw, message, fix, suggested FROM issues"
            " WHERE submission_id = ? ORDER BY id",
            (submission_id,),
        )
        keys = [d[0] for d in cur.description]
        return [dict(zip(keys, r, strict=True)) for r in cur]

    def values(self, submission_id: int) -> dict[str, dict[str, float | str | None]]:
        """indicator -> field -> value (number, else text) of one submission."""
        out: dict[str, dict[str, float | str | None]] = {}
        for ind, fld, number, text in self.db.execute(
            "SELECT indicator, field, number, text FROM cell_values WHERE submission_id = ?", (submission_id,)
        ):
            out.setdefault(ind, {})[fld] = number if number is not None else text
        return out

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

    def accept(self, submission_id: int, issues: list[dict[str, Any]], author: str) -> None:
        """Accept the numbers emuxl would read for these issues (numbers typed as text), with who accepted."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO accepted (submission_id, indicator, field, number, raw, author, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(submission_id, i["indicator"], i["field"], i["suggested"], i["raw"], author, now()) for i in issues],
            )

    def add_adjustment(self, member: str, indicator: str, points: float | None, reason: str, author: str) -> None:
        """Record a correction (or, with points None, withdraw the previous one); history is kept."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO adjustments (member, indicator, points, reason, author, at) VALUES (?, ?, ?, ?, ?, ?)",
                (member, indicator, points, reason, author, now()),
            )

    def adjustments(self) -> list[tuple[str, str, float, str, str, str]]:
        """The corrections in force: the latest per member and indicator, unless withdrawn."""
        latest: dict[tuple[str, str], tuple[str, str, float | None, str, str, str]] = {}
        for row in self.db.execute("SELECT member, indicator, points, reason, author, at FROM adjustments ORDER BY id"):
            latest[(row[0], row[1])] = row
        return [r for r in latest.values() if r[2] is not None]  # type: ignore[misc]

    def set_master_state(self, sha256: str, cells: bytes) -> None:
        """Remember the ranking workbook just written: its hash and what its editable cells hold."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO master_state (id, sha256, cells, at) VALUES (1, ?, ?, ?)",
                (sha256, cells, now()),
            )

    def master_state(self) -> tuple[str, bytes] | None:
        """The hash and editable cells of the ranking workbook last written, if any."""
        row = self.db.execute("SELECT sha256, cells FROM master_state WHERE id = 1").fetchone()
        return (row[0], bytes(row[1])) if row else None

    def add_run(self, result: Mapping[str, Any] | str) -> None:
        """Keep the result of a ranking run (``results.as_data``, or its JSON), packed (``pack_run``)."""
        data = json.loads(result) if isinstance(result, str) else result
        with self.transaction() as db:
            packed = pack_run(data, self.counted())
            db.execute("INSERT INTO runs (at, result) VALUES (?, ?)", (now(), packed))

    def runs(self) -> list[tuple[int, str, dict[str, Any]]]:
        """Every ranking run kept, oldest first: (id, when, result as ``unpack_run`` gives it)."""
        return [(i, at, unpack_run(r)) for i, at, r in self.db.execute("SELECT id, at, result FROM runs ORDER BY id")]


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
