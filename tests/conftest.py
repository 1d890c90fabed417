"""Shared fixtures: sample campaigns copied into a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emuxl import resources


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of the 12-member 2023 sample campaign."""
    folder = tmp_path / "campaign"
    resources.copy_sample("tay-nam-bo-2023", folder)
    return folder


@pytest.fixture
def sample_2025(tmp_path: Path) -> Path:
    """A fresh copy of the six-member post-merger 2025 sample campaign."""
    folder = tmp_path / "campaign-2025"
    resources.copy_sample("tay-nam-bo-2025", folder)
    return folder


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="session")
def office():
    """A headless LibreOffice driven through UNO; skipped (visibly) only outside CI."""
    from office import Office, missing_reason

    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs LibreOffice: {reason}")
        pytest.skip(reason)
    lo = Office()
    yield lo
    lo.close()
