"""The ``emuxl`` command line: one library call per command, expected errors made readable."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, resources
from .definitions import Campaign, load_campaign
from .errors import DefinitionsError, EmuxlError
from .forms import form_tasks, write_forms


def campaign_dir(func: Callable[..., Any]) -> Callable[..., Any]:
    """The optional DIR argument every campaign command takes (default: the current folder)."""
    return click.argument("directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False, path_type=Path))(
        func
    )


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn emuxl's expected errors into exit code 1 with their located messages."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DefinitionsError as e:
            for problem in e.problems:
                click.echo(f"Error: {problem}", err=True)
            n = len(e.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''} found; fix them and run 'emuxl check' again.", err=True)
            sys.exit(1)
        except EmuxlError as e:
            raise click.ClickException(str(e)) from e

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="emuxl")
def main() -> None:
    """emuxl: the annual scoring cycle of an emulation cluster (cụm thi đua).

    Forms out, returns in, scores, ranking and reports, from one campaign folder.
    """


@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--sample",
    default="tay-nam-bo-2023",
    show_default=True,
    type=click.Choice(resources.sample_names()),
    help="Bundled sample campaign to start from.",
)
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def init(directory: Path, sample: str, force: bool) -> None:
    """Create a campaign folder DIR from a bundled sample."""
    if directory.exists() and any(directory.iterdir()) and not force:
        raise click.UsageError(f"{directory} is not empty; choose a new folder or add --force to write into it.")
    resources.copy_sample(sample, directory)
    click.echo(f"Created {directory} from sample {sample}. Next: edit campaign.yaml, then 'emuxl check {directory}'.")


@main.command()
@campaign_dir
@reports_errors
def check(directory: Path) -> None:
    """Validate campaign.yaml and the catalogue; print a summary or every problem."""
    click.echo(summary(load_campaign(directory)))


@main.command()
@campaign_dir
@click.option("--member", "members", multiple=True, metavar="CODE", help="Only this member (repeatable).")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@reports_errors
def forms(directory: Path, members: tuple[str, ...], jobs: int | None) -> None:
    """Write each member's scoring form (and peer-scoring forms) into forms/."""
    campaign = load_campaign(directory)
    tasks = form_tasks(campaign, members)
    written = write_forms(campaign, members, jobs)
    with click.progressbar(written, length=len(tasks), label="Writing forms", file=sys.stderr) as bar:
        for _ in bar:
            pass
    click.echo(f"Wrote {len(tasks)} forms to {campaign.folder / 'forms'}")


def summary(campaign: Campaign) -> str:
    """A short text summary of a valid campaign."""
    names = {m.code: m.name for m in campaign.members}
    lines = [
        f"{campaign.cluster}, năm {campaign.year}" + (" (illustrative sample)" if campaign.illustrative else ""),
        f"Members ({len(campaign.members)}): " + ", ".join(f"{m.code} {m.name}" for m in campaign.members),
        f"Chair: {names[campaign.chair]}; deputies: " + (", ".join(names[d] for d in campaign.deputies) or "none"),
        f"Catalogue: {len(campaign.catalogue.indicators)} indicators, scale {campaign.catalogue.scale:g}",
    ]
    for s in campaign.catalogue.sections:
        base = sum(i.points for i in s.indicators if i.spec.role == "base")
        extra = [i for i in s.indicators if i.spec.role != "base"]
        text = f"  {s.code}. {s.title}: {len(s.indicators)} indicators"
        text += f", {base:g} points" if base else ""
        text += f", {len(extra)} bonus/penalty" if extra else ""
        lines.append(text)
    lines.append("OK")
    return "\n".join(lines)
