"""The EmuxlError tree: exceptions that stop a run, each with a message a user can act on."""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import _


class EmuxlError(Exception):
    """Base of every error emuxl raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a definitions file."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DefinitionsError(EmuxlError):
    """The campaign or catalogue files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CampaignNotFound(EmuxlError):
    """The folder is not a campaign folder."""


class InvalidRequest(EmuxlError):
    """A request names a member or indicator that does not exist, or a value out of range (a usage error)."""


class NothingToAccept(EmuxlError):
    """There is no number typed as text to accept: no form counted yet, or none with a reading."""


class ReportError(EmuxlError):
    """A report template could not be rendered."""


class FileInUse(EmuxlError):
    """The output file is open in Excel or LibreOffice, which would lose or block the new version."""


class DiskFull(EmuxlError):
    """There is no space left where an output goes."""


class StoreError(EmuxlError):
    """The campaign's store (emuxl.db) cannot be used: damaged, busy, read-only, or a folder in its place."""


class FolderError(EmuxlError):
    """A file or folder of the campaign folder is not what emuxl needs there (a file where a folder goes, …)."""


class DecisionsError(EmuxlError):
    """The meeting's recorded decisions do not fit the results (a vote on members that are not tied …)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        lines.append(_("Fix decisions in campaign.yaml and run the command again."))
        super().__init__("\n".join(lines))


class PreviousYearError(EmuxlError):
    """Last year's campaign (``previous:``, or OLD of ``next-year``) cannot be read."""
