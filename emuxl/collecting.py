"""The collect step as one call: take returned files in, then write the feedback of every member they touched.

Intake knows nothing of the feedback workbooks (an output); this module comes
after both and joins them.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .definitions import Campaign
from .errors import FileInUse
from .feedback import refresh_feedback
from .intake import FileResult, archive_dir, archived, collect, find_files, to_read_again
from .isolate import DEFAULT_TIMEOUT, check_timeout
from .store import NOT_READ, REJECTED, STORE_FILE, Store, copy_store


@dataclass
class CollectRun:
    """What a collect run did: every file's result, in the order they were done, the feedback written, and
    the feedback workbooks that could not be written because they were open (the next run writes them)."""

    files: list[FileResult]
    feedback: list[Path]
    feedback_blocked: list[FileInUse] = field(default_factory=list)
    dry_run: bool = False  # verdicts only: nothing was stored, archived or written

    @property
    def counts(self) -> dict[str, int]:
        """How many files ended in each state."""
        return dict(Counter(r.status for r in self.files))

    @property
    def rejected(self) -> list[FileResult]:
        """The files that were not taken in and must be sent again."""
        return [r for r in self.files if r.status == REJECTED]

    @property
    def not_read(self) -> list[FileResult]:
        """The files that could not be read this time (busy machine, permissions): the next run tries again."""
        return [r for r in self.files if r.status == NOT_READ]

    @property
    def ok(self) -> bool:
        """Whether every file was read and taken (or was a duplicate) and every feedback workbook written."""
        return not (self.rejected or self.not_read or self.feedback_blocked)


def take_in(
    campaign: Campaign,
    sources: Iterable[Path] | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_file: Callable[[FileResult, int], None] | None = None,
    recheck: bool = False,
    dry_run: bool = False,
) -> CollectRun:
    """Take in returned files (default: the inbox folder) and write the feedback of the members concerned.

    ``on_file`` is called as each file is done, with its result and the number
    of files to do (found, and stored ones to read again). With ``recheck``
    every stored file is read again (after a catalogue fix, say). With
    ``dry_run`` every file is read and judged as it would be, and nothing is
    kept: no store rows, no archive files, no feedback.
    """
    check_timeout(timeout)
    sources = list(sources) if sources else [campaign.folder / "inbox"]
    run = functools.partial(_collect, sources=sources, jobs=jobs, timeout=timeout, on_file=on_file, recheck=recheck)
    if dry_run:
        return _dry_run(campaign, run, recheck)
    files = run(campaign)
    done = refresh_feedback(campaign, {r.member for r in files if r.member}, jobs)
    return CollectRun(files, done.written, done.blocked)


def _collect(
    campaign: Campaign,
    sources: list[Path],
    jobs: int | None,
    timeout: float,
    on_file: Callable[[FileResult, int], None] | None,
    recheck: bool,
) -> list[FileResult]:
    total = len(find_files(sources)) + to_read_again(campaign, recheck)
    files = []
    for result in collect(campaign, sources, jobs=jobs, timeout=timeout, recheck=recheck):
        files.append(result)
        if on_file is not None:
            on_file(result, total)
    return files


def _dry_run(campaign: Campaign, run: Callable[[Campaign], list[FileResult]], recheck: bool) -> CollectRun:
    """collect against a scratch copy of the store and of the archived files it reads again: the verdicts a real
    run gives (duplicates and the files read again included), with the campaign folder left as it was."""
    with tempfile.TemporaryDirectory(prefix="emuxl-dry-run-") as scratch:
        trial = campaign.model_copy(update={"folder": Path(scratch)})
        if copy_store(campaign.folder, trial.folder / STORE_FILE):
            with Store(trial.folder) as store:
                again = [r.sha256 for r in store.submissions() if recheck or r.status == NOT_READ]
            for sha256 in again:
                kept = archived(campaign.folder, sha256)
                if kept is not None:
                    shutil.copyfile(kept, archive_dir(trial.folder) / kept.name)
        files = run(trial)
    return CollectRun(files, [], dry_run=True)
