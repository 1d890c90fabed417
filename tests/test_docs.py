"""The README's generated references match the code."""

from __future__ import annotations

from pathlib import Path

from emuxl.cli import cli_reference, main
from emuxl.reference import refresh

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_references_are_current() -> None:
    """The config and CLI references in the README equal what the code generates (run make docs)."""
    text = README.read_text(encoding="utf-8")
    assert refresh(text, cli_reference()) == text, "README.md is stale: run 'make docs'"


def test_every_command_is_documented() -> None:
    """Every CLI command has a section in the README."""
    text = README.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"`emuxl {name}" in text, name
