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


def collected(folder: Path, sample_name: str, seed: int = 2023) -> Path:
    """A sample campaign in ``folder`` with the demo's generated returns collected into its store."""
    from emuxl.definitions import load_campaign
    from emuxl.demo import write_demo_returns
    from emuxl.intake import collect

    resources.copy_sample(sample_name, folder)
    campaign = load_campaign(folder)
    write_demo_returns(campaign, seed)
    for _ in collect(campaign, [folder / "inbox"], jobs=2):
        pass
    return folder


@pytest.fixture(scope="session")
def returned_2023(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2023 sample with the demo's returns collected (shared: copy it before changing anything)."""
    return collected(tmp_path_factory.mktemp("returned") / "tnb-2023", "tay-nam-bo-2023")


@pytest.fixture
def demo_2023(returned_2023: Path, tmp_path: Path) -> Path:
    """A copy of the 2023 sample with the demo's returns collected, to change at will."""
    import shutil

    return Path(shutil.copytree(returned_2023, tmp_path / "tnb-2023"))
