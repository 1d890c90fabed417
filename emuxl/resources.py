"""Bundled samples and templates, found inside the installed package or the checkout."""

from __future__ import annotations

import shutil
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import DiskFull, FolderError
from .files import disk_full, folder_problem
from .i18n import _


def _bundle(kind: str) -> Traversable:
    try:
        return resources.files(f"emuxl.{kind}")
    except ModuleNotFoundError:  # running from a checkout: samples/ and templates/ beside emuxl/
        return Path(__file__).resolve().parent.parent / kind


def sample_names() -> list[str]:
    """Names of the bundled sample campaigns."""
    return sorted(p.name for p in _bundle("samples").iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def template_names() -> list[str]:
    """File names of the bundled Word templates."""
    return sorted(p.name for p in _bundle("templates").iterdir() if p.name.endswith(".docx"))


def _copy(src: Traversable, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if item.is_dir():
            if not item.name.startswith(("_", ".")):
                _copy(item, dest / item.name)
        elif not item.name.endswith((".pyc", ".py")):
            with resources.as_file(item) as real:
                shutil.copyfile(real, dest / item.name)


def bundled_templates() -> list[Path]:
    """The bundled Word templates, where the installed package keeps them."""
    return sorted(Path(str(_bundle("templates"))).glob("*.docx"))


def copy_templates(dest: Path) -> None:
    """Copy the bundled Word templates into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in template_names():
        with resources.as_file(_bundle("templates") / name) as real:
            shutil.copyfile(real, dest / name)


def copy_sample(name: str, dest: Path) -> None:
    """Copy a bundled sample campaign (and the bundled templates) into ``dest``.

    A full disk or a folder that cannot be written gives an error that says
    so and what to do with the incomplete folder.
    """
    try:
        _copy(_bundle("samples") / name, dest)
        copy_templates(dest / "templates")
    except OSError as e:
        why = _("the disk is full") if disk_full(e) else folder_problem(e)
        if why is None:
            raise
        raise (DiskFull if disk_full(e) else FolderError)(
            _(
                "cannot create the campaign {folder}: {why} ({error}). {folder} is incomplete: free some space"
                " (or fix the folder), then run 'emuxl init {folder} --force'."
            ).format(folder=dest, why=why, error=e.strerror)
        ) from e
