"""The ``emuxl`` command line: one library call per command, expected errors made readable."""

from __future__ import annotations

import functools
import json
import shutil
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from . import __version__, intake, resources, results
from . import report as reporting
from .definitions import Campaign, load_campaign
from .demo import write_demo_returns
from .errors import DefinitionsError, EmuxlError
from .feedback import missing_feedback, write_feedback
from .files import disk_full
from .forms import form_tasks, write_forms
from .isolate import DEFAULT_TIMEOUT
from .store import MISSING, REJECTED, Store

LARGE_BATCH = 50  # above this many files, a progress bar instead of a line per file
MAX_SHOWN = 5  # problems printed per file; the feedback workbook has them all


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
        except (OSError, sqlite3.Error) as e:
            if disk_full(e, kwargs.get("directory")):
                raise click.ClickException(
                    f"the disk is full ({e}); free some space and run again. Files already taken in are kept."
                ) from e
            raise

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


@main.command()
@campaign_dir
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--jobs", type=click.IntRange(min=1), help="Reader processes (default: all cores).")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, help="Seconds allowed to read one file.")
@reports_errors
def collect(directory: Path, paths: tuple[Path, ...], jobs: int | None, timeout: float) -> None:
    """Take in returned files (PATHs, files or folders; default DIR/inbox) and write feedback."""
    campaign = load_campaign(directory)
    sources = list(paths) or [campaign.folder / "inbox"]
    total = len(intake.find_files(sources))
    results = []
    stream = intake.collect(campaign, sources, jobs=jobs, timeout=timeout)
    if total > LARGE_BATCH:
        with click.progressbar(stream, length=total, label="Collecting", file=sys.stderr) as bar:
            results = list(bar)
        shown = [r for r in results if r.status == REJECTED]
    else:
        shown = results
        for result in stream:
            results.append(result)
            click.echo(describe(result))
    if total > LARGE_BATCH:
        for result in shown:
            click.echo(describe(result))
    touched = {r.member for r in results if r.member} | missing_feedback(campaign)
    written = write_feedback(campaign, touched)
    counts = Counter(r.status for r in results)
    click.echo(", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "No files found.")
    if written:
        click.echo(f"Feedback for {len(written)} member(s) in {campaign.folder / 'out' / 'feedback'}")
    if counts[REJECTED]:
        sys.exit(1)


def describe(result: intake.FileResult) -> str:
    """One line (and its problems) for a file taken in."""
    who = f" {result.member} ({result.kind})" if result.member else ""
    mark = {REJECTED: "x", intake.DUPLICATE: "=", intake.SKIPPED: "-"}.get(result.status, "v")
    lines = [f"{mark} {result.name}{who}: {result.status}"]
    for issue in result.issues[:MAX_SHOWN]:
        where = " ".join(x for x in (issue.indicator, issue.cell) if x)
        lines.append(f"    {issue.code}{f' [{where}]' if where else ''}: {issue.message}")
    if len(result.issues) > MAX_SHOWN:
        lines.append(f"    … and {len(result.issues) - MAX_SHOWN} more (see the feedback workbook)")
    return "\n".join(lines)


@main.command()
@campaign_dir
@click.option("--json", "as_json", is_flag=True, help="Print the same content as JSON.")
@reports_errors
def status(directory: Path, as_json: bool) -> None:
    """Who returned what, what is wrong, what is missing."""
    campaign = load_campaign(directory)
    rows = intake.member_status(campaign)
    strays = intake.unidentified(campaign)
    if as_json:
        data = {
            "members": [asdict(r) for r in rows],
            "unidentified": [{"file": f, "status": s, "problem": p} for f, s, p in strays],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    peer = campaign.has_peer
    header = (
        f"{'code':<6} {'member':<20} {'state':<24} {'err':>4} {'warn':>4}  " + ("peer form  " if peer else "") + "file"
    )
    click.echo(header)
    for r in rows:
        line = f"{r.code:<6} {r.name:<20} {r.state:<24} {r.errors:>4} {r.warnings:>4}  "
        line += f"{r.peer_state:<10} " if peer else ""
        click.echo(line + r.file + (f"  (also: {', '.join(r.other_files)})" if r.other_files else ""))
    for name, state, problem in strays:
        click.echo(f"unidentified file {name}: {state}: {problem}")
    done = sum(1 for r in rows if r.state != MISSING)
    click.echo(f"{done}/{len(rows)} members returned a form.")


@main.command()
@campaign_dir
@click.argument("member")
@click.option("--indicator", "indicators", multiple=True, metavar="CODE", help="Only this indicator (repeatable).")
@click.option("--by", "author", required=True, help="Who accepts (shown in the store's history).")
@reports_errors
def accept(directory: Path, member: str, indicators: tuple[str, ...], author: str) -> None:
    """Accept the numbers emuxl read from MEMBER's numbers typed as text (1.234,5), explicitly."""
    campaign = load_campaign(directory)
    if member not in campaign.member_codes:
        raise click.UsageError(f"{member} is not a member; members are {', '.join(campaign.member_codes)}")
    with Store(campaign.folder) as store:
        sid = store.counted().get((member, "member"))
        if sid is None:
            raise click.ClickException(f"no accepted form of {campaign.member(member).name} yet; run 'emuxl collect'")
        chosen = [
            i
            for i in store.issues(sid)
            if i["suggested"] is not None and (not indicators or i["indicator"] in indicators)
        ]
        if not chosen:
            raise click.ClickException("nothing to accept: no number typed as text with a reading in that form")
        store.accept(sid, chosen, author)
    for i in chosen:
        click.echo(f"{i['indicator']} {i['field']} ({i['cell']}): «{i['raw']}» accepted as {i['suggested']:g}")
    click.echo("Run 'emuxl rank' to use them.")


@main.command("rank")
@campaign_dir
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@reports_errors
def rank_command(directory: Path, as_json: bool) -> None:
    """Score, rank and propose awards; write out/ranking.xlsx."""
    campaign = load_campaign(directory)
    result = results.write_ranking(campaign)
    data = results.as_data(result)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'rank':>4}  {'member':<20} {'total':>10}  award / notes")
    for m in data["members"]:
        note = m["award_name"] or ("vote" if m["vote"] else "")
        extra = "; ".join(
            x for x in (m["tie_break"], *m["not_eligible_because"], *m["not_eligible_for_flag_because"]) if x
        )
        click.echo(f"{m['rank']:>4}  {m['name']:<20} {m['shown']:>10.2f}  {note}{'  ' + extra if extra else ''}")
    names = {m.code: m.name for m in campaign.members}
    click.echo(
        f"Next chair: {names[data['next_chair']]}; deputies: {', '.join(names[d] for d in data['next_deputies'])}"
    )
    for note in data["notes"]:
        click.echo(f"Note: {note}")
    click.echo(f"Wrote {results.ranking_path(campaign)}")


@main.command()
@campaign_dir
@click.argument("member")
@click.argument("indicator")
@click.argument("points", required=False, type=float)
@click.option("--reason", required=True, help="Why the score is corrected (shown in every output).")
@click.option("--by", "author", required=True, help="Who corrects it (chair or deputy).")
@click.option("--clear", is_flag=True, help="Withdraw the correction in force instead.")
@reports_errors
def adjust(
    directory: Path, member: str, indicator: str, points: float | None, reason: str, author: str, clear: bool
) -> None:
    """Correct MEMBER's score on INDICATOR to POINTS, with a reason (rà soát); values stay as sent."""
    campaign = load_campaign(directory)
    if member not in campaign.member_codes:
        raise click.UsageError(f"{member} is not a member; members are {', '.join(campaign.member_codes)}")
    ind = next((i for i in campaign.catalogue.indicators if i.code == indicator), None)
    if ind is None:
        raise click.UsageError(f"no indicator {indicator} in the catalogue")
    if clear == (points is not None):
        raise click.UsageError("give POINTS, or --clear to withdraw the correction in force")
    if points is not None and not 0 <= points <= ind.points * 10:
        raise click.UsageError(f"{points:g} points is out of range for {indicator} (max {ind.points:g})")
    with Store(campaign.folder) as store:
        store.add_adjustment(member, indicator, points, reason, author)
    done = "withdrawn" if clear else f"set to {points:g}"
    click.echo(f"Correction of {campaign.member(member).name} on {indicator} {done}. Run 'emuxl rank' to apply it.")


@main.command()
@campaign_dir
@click.option(
    "--template", "template", type=click.Path(path_type=Path), help="One template (file, or name in DIR/templates)."
)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Output file (with --template).")
@click.option("--pdf", is_flag=True, help="Also convert each document to PDF with LibreOffice.")
@click.option("--context", "show_context", is_flag=True, help="Print the data context templates see, as JSON.")
@click.option("--check", "lint", is_flag=True, help="Lint the templates against the context; render nothing.")
@reports_errors
def report(directory: Path, template: Path | None, out: Path | None, pdf: bool, show_context: bool, lint: bool) -> None:
    """Render the Word reports (summary report, award proposal) into out/."""
    campaign = load_campaign(directory)
    result = results.compute(campaign)
    if show_context:
        click.echo(json.dumps(reporting.build_context(result), ensure_ascii=False, indent=2))
        return
    templates = reporting.template_paths(campaign, template)
    if lint:
        context = reporting.build_context(result)
        problems = [p for t in templates for p in reporting.lint_template(t, context)]
        for problem in problems:
            click.echo(f"Error: {problem}", err=True)
        click.echo(f"{len(templates)} template(s) checked, {len(problems)} problem(s).")
        if problems:
            sys.exit(1)
        return
    for done in reporting.render_reports(result, templates, out, pdf):
        click.echo(f"Wrote {done.docx}" + (f" and {done.pdf.name}" if done.pdf else ""))


@main.command()
@click.argument("directory", metavar="[DIR]", default="demo-campaign", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--sample",
    default="tay-nam-bo-2023",
    show_default=True,
    type=click.Choice(resources.sample_names()),
    help="Bundled sample campaign to run.",
)
@click.pass_context
def demo(ctx: click.Context, directory: Path, sample: str) -> None:
    """The whole cycle on a bundled sample, with generated returns (a few deliberately wrong)."""
    if directory.exists() and any(directory.iterdir()):
        raise click.UsageError(f"{directory} is not empty; the demo needs a new folder.")
    ctx.invoke(init, directory=directory, sample=sample, force=False)
    ctx.invoke(check, directory=directory)
    ctx.invoke(forms, directory=directory, members=(), jobs=None)
    paths = write_demo_returns(load_campaign(directory))
    click.echo(f"Generated {len(paths)} returned files in {directory / 'inbox'} (a few deliberately wrong).")
    try:
        ctx.invoke(collect, directory=directory, paths=(), jobs=None, timeout=DEFAULT_TIMEOUT)
    except SystemExit as e:
        if e.code not in (0, 1):  # 1 = a file was rejected: expected, the demo sends one on purpose
            raise
    ctx.invoke(status, directory=directory, as_json=False)
    ctx.invoke(rank_command, directory=directory, as_json=False)
    pdf = shutil.which("soffice") is not None
    ctx.invoke(report, directory=directory, template=None, out=None, pdf=pdf, show_context=False, lint=False)


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
