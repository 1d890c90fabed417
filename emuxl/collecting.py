"""The collect step as one call: take returned files in, then write the feedback of every member they touched.

Intake knows nothing of the feedback workbooks (an output); this module comes
after both and joins them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .definitions import Campaign
from .errors import FileInUse
from .feedback import refresh_feedback
from .intake import FileResult, collect, find_files, to_read_again
from .isolate import DEFAULT_TIMEOUT, check_timeout
from .store import NOT_READ, REJECTED


@dataclass
class CollectRun:
    """What a collect run did: every file's result, in the order they were done, the feedback written, and
    the feedback workbooks that could not be written because they were open (the next run writes them)."""

    files: list[FileResult]
    feedback: list[Path]
    feedback_blocked: list[FileInUse] = field(default_factory=list)

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
) -> CollectRun:
    """Take in returned files (default: the inbox folder) and write the feedback of the members concerned.

    ``on_file`` is called as each file is done, with its result and the number
    of files to do (found, and stored ones to read again). With ``recheck``
    every stored file is read again (after a catalogue fix, say).
    """
    check_timeout(timeout)
    sources = list(sources) if sources else [campaign.folder / "inbox"]
    total = len(find_files(sources)) + to_read_again(campaign, recheck)
    files = []
    for result in collect(campaign, sources, jobs=jobs, timeout=timeout, recheck=recheck):
        files.append(result)
        if on_file is not None:
            on_file(result, total)
    done = refresh_feedback(campaign, {r.member for r in files if r.member})
    return CollectRun(files, done.written, done.blocked)
