"""The collect step as one call: take returned files in, then write the feedback of every member they touched.

Intake knows nothing of the feedback workbooks (an output); this module comes
after both and joins them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .definitions import Campaign
from .feedback import missing_feedback, write_feedback
from .intake import FileResult, collect, find_files
from .isolate import DEFAULT_TIMEOUT
from .store import REJECTED


@dataclass
class CollectRun:
    """What a collect run did: every file's result, in the order they were done, and the feedback written."""

    files: list[FileResult]
    feedback: list[Path]

    @property
    def counts(self) -> dict[str, int]:
        """How many files ended in each state."""
        return dict(Counter(r.status for r in self.files))

    @property
    def rejected(self) -> list[FileResult]:
        """The files that were not taken in and must be sent again."""
        return [r for r in self.files if r.status == REJECTED]


def take_in(
    campaign: Campaign,
    sources: Iterable[Path] | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_file: Callable[[FileResult, int], None] | None = None,
) -> CollectRun:
    """Take in returned files (default: the inbox folder) and write the feedback of the members concerned.

    ``on_file`` is called as each file is done, with its result and the number of files found.
    """
    sources = list(sources) if sources else [campaign.folder / "inbox"]
    total = len(find_files(sources))
    files = []
    for result in collect(campaign, sources, jobs=jobs, timeout=timeout):
        files.append(result)
        if on_file is not None:
            on_file(result, total)
    touched = {r.member for r in files if r.member} | missing_feedback(campaign)
    return CollectRun(files, write_feedback(campaign, touched))
