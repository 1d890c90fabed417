"""Campaign folders as files: a new one (blank workbook or a sample), its definitions converted, a trial copy.

A campaign is defined by campaign.xlsx when the folder has one, else by
campaign.yaml and the catalogue it names. Conversion between the two is
lossless: it is checked on every run by loading what was written and
comparing it with the campaign it came from, and refuses to write otherwise.
"""

from __future__ import annotations

import shutil
import tempfile
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from . import resources
from .campaign_book import book_bytes
from .campaign_book.notation import model_of
from .definitions import BOOK_FILE, CAMPAIGN_FILE, Campaign, CampaignFile, Catalogue, load_campaign, read_sources
from .errors import EmuxlError, InvalidRequest
from .files import write_atomic
from .i18n import _

Format = Literal["xlsx", "yaml"]
CATALOGUE_FILE = "indicators.yaml"
TRIAL_DIR = "chay-thu"  # the trial run's scratch folder, inside the campaign folder
TRIAL_MARK = ".emuxl-chay-thu"  # marks a folder as a trial copy emuxl may wipe and write again


class ConversionError(EmuxlError):
    """A campaign could not be written in the other form without changing it."""


def definition_files(folder: Path) -> tuple[list[str], list[str]]:
    """The definition files of a folder: those read, and those ignored because campaign.xlsx is there."""
    names = [CAMPAIGN_FILE, CATALOGUE_FILE]
    if (folder / BOOK_FILE).is_file():
        return [BOOK_FILE], [n for n in names if (folder / n).is_file()]
    return [n for n in names if (folder / n).is_file()], []


def _same(a: Campaign, b: Campaign) -> bool:
    """Whether two loads are the same campaign: every key but where it lives, and the same form fingerprint."""
    skip = {"folder", "indicators", "lines"}  # lines: where keys sit in a YAML file, not what they say
    return (
        a.model_dump(exclude=skip) == b.model_dump(exclude=skip) and a.catalogue.fingerprint == b.catalogue.fingerprint
    )


def _in_schema_order(data: Any, model: type[BaseModel]) -> Any:
    """Data with its keys in the schema's order, as a person would write the YAML (nested models too)."""
    if not isinstance(data, dict):
        return data
    fields = model.model_fields
    out: dict[str, Any] = {}
    for key in sorted(data, key=lambda k: list(fields).index(k) if k in fields else len(fields)):
        value, info = data[key], fields.get(key)
        inner = None if info is None else model_of(info.annotation)
        if info is not None and isinstance(value, list) and typing.get_origin(info.annotation) is list:
            item = model_of(typing.get_args(info.annotation)[0])
            value = [_in_schema_order(v, item) for v in value] if item else value
        elif inner is not None:
            value = _in_schema_order(value, inner)
        out[key] = value
    return out


def _yaml_text(data: Any, heading: str) -> str:
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    return heading + body


def _write_yaml(campaign: dict[str, Any], catalogue: dict[str, Any], dest: Path, source: str) -> list[Path]:
    note = f"# Written by 'emuxl convert' from {source}.\n"
    ordered = _in_schema_order({**campaign, "indicators": CATALOGUE_FILE}, CampaignFile)
    paths = [dest / CAMPAIGN_FILE, dest / CATALOGUE_FILE]
    write_atomic(paths[0], _yaml_text(ordered, note).encode())
    write_atomic(paths[1], _yaml_text(_in_schema_order(catalogue, Catalogue), note).encode())
    return paths


@dataclass(frozen=True)
class Converted:
    """What a conversion wrote, and the definition files left in the folder that no longer count."""

    written: list[Path]
    ignored: list[str]


def convert_campaign(folder: Path, to: Format, out: Path | None = None, force: bool = False) -> Converted:
    """Write a valid campaign's definitions in the other form (``xlsx``: campaign.xlsx; ``yaml``: the two files).

    The result is loaded back and compared with the campaign (every key and
    the form fingerprint) before it is put in place. Existing files are
    replaced only with ``force``.
    """
    folder = Path(folder)
    dest = Path(out) if out is not None else folder
    original = load_campaign(folder)  # raises DefinitionsError: a campaign is converted only once it is valid
    camp, cat = read_sources(folder)
    targets = [BOOK_FILE] if to == "xlsx" else [CAMPAIGN_FILE, CATALOGUE_FILE]
    clash = [n for n in targets if (dest / n).exists()]
    if clash and not force:
        raise InvalidRequest(_("{path} exists; add --force to replace it").format(path=dest / clash[0]))
    source = ", ".join(definition_files(folder)[0])
    with tempfile.TemporaryDirectory(prefix="emuxl-convert-") as tmp:
        trial = Path(tmp)
        try:
            if to == "xlsx":
                data = {k: v for k, v in camp.data.items() if k != "indicators"}
                (trial / BOOK_FILE).write_bytes(book_bytes(data, cat.data))
            else:
                _write_yaml(camp.data, cat.data, trial, source)
        except ValueError as e:
            message = _("cannot write {format} without changing the campaign: {error}")
            raise ConversionError(message.format(format=to, error=e)) from e
        again = load_campaign(trial)
        if not _same(original, again):
            raise ConversionError(
                _("the {format} written would not be the same campaign; nothing was written (a bug: report it)").format(
                    format=to
                )
            )
        dest.mkdir(parents=True, exist_ok=True)
        written = []
        for name in targets:
            write_atomic(dest / name, (trial / name).read_bytes())
            written.append(dest / name)
    return Converted(written, definition_files(dest)[1])


def init_campaign(folder: Path, sample: str | None = None, fmt: Format | None = None) -> list[Path]:
    """A new campaign folder: a blank campaign.xlsx, or a bundled sample as YAML (default) or as campaign.xlsx.

    The Word templates are copied beside it (templates/), to restyle in Word.
    """
    folder = Path(folder)
    if sample is None:
        if fmt == "yaml":
            raise InvalidRequest(_("a blank campaign is a workbook; use --format xlsx, or --sample NAME for YAML"))
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / BOOK_FILE, book_bytes())
        resources.copy_templates(folder / "templates")
        return [folder / BOOK_FILE]
    if fmt != "xlsx":
        resources.copy_sample(sample, folder)
        return [folder / CAMPAIGN_FILE, folder / CATALOGUE_FILE]
    with tempfile.TemporaryDirectory(prefix="emuxl-sample-") as tmp:
        resources.copy_sample(sample, Path(tmp))
        convert_campaign(Path(tmp), "xlsx", folder, force=True)
    resources.copy_templates(folder / "templates")
    return [folder / BOOK_FILE]


# ------------------------------------------------------------------ trial run


def prepare_trial(folder: Path, scratch: Path | None = None) -> Path:
    """A fresh scratch copy of a valid campaign's definitions and templates, for a trial run of the whole cycle.

    Only the definitions and templates are copied: the real inbox, archive,
    store, forms and outputs are never read or written. The scratch folder
    (default ``DIR/chay-thu``) is wiped first, and only if emuxl made it.
    """
    folder = Path(folder).resolve()
    load_campaign(folder)  # a trial of an invalid campaign stops here, with every problem
    scratch = (Path(scratch) if scratch is not None else folder / TRIAL_DIR).resolve()
    if scratch == folder or scratch in folder.parents:
        raise InvalidRequest(
            _("{folder} holds the campaign itself; choose another folder for the trial run").format(folder=scratch)
        )
    if scratch.exists():
        if any(scratch.iterdir()) and not (scratch / TRIAL_MARK).is_file():
            raise InvalidRequest(
                _("{folder} is not empty and was not made by a trial run; choose another folder").format(folder=scratch)
            )
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    (scratch / TRIAL_MARK).write_text("Thư mục chạy thử của emuxl: số liệu giả định, xóa được.\n", encoding="utf-8")
    names = [BOOK_FILE]
    if not (folder / BOOK_FILE).is_file():
        camp = read_sources(folder)[0]
        names = [CAMPAIGN_FILE, str(camp.data.get("indicators", CATALOGUE_FILE))]
    for name in names:
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / name, scratch / name)
    if (folder / "templates").is_dir():
        shutil.copytree(folder / "templates", scratch / "templates")
    return scratch
