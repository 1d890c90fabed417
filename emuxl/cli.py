"""The ``emuxl`` command line: one library call per command, expected errors made readable."""

from __future__ import annotations

import contextlib
import functools
import json
import math
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from . import __version__, intake, resources, results
from . import report as reporting
from .campaign_files import TRIAL_DIR, convert_campaign, definition_files, init_campaign, prepare_trial
from .checkup import check_store
from .collecting import CollectRun, take_in
from .definitions import Campaign, load_campaign
from .demo import write_demo_returns
from .errors import DefinitionsError, EmuxlError, InvalidRequest
from .files import disk_full, folder_problem
from .forms import form_tasks, write_forms
from .isolate import DEFAULT_TIMEOUT
from .nextyear import Gap, start_next_year
from .review import accept_numbers, adjust_score, choose_file
from .store import MISSING, NOT_READ, REJECTED
from .workbook import rank_taking_edits, ranking_path, write_ranking

LARGE_BATCH = 50  # above this many files, a progress bar instead of a line per file
MAX_SHOWN = 5  # problems printed per file; the feedback workbook has them all


def campaign_dir(func: Callable[..., Any]) -> Callable[..., Any]:
    """The optional DIR argument every campaign command takes (default: the current folder)."""
    return click.argument("directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False, path_type=Path))(
        func
    )


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn emuxl's expected errors into exit code 1 with their located messages (a bad request: 2)."""

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
        except InvalidRequest as e:
            raise click.UsageError(str(e)) from e
        except EmuxlError as e:
            raise click.ClickException(str(e)) from e
        except (OSError, sqlite3.Error) as e:
            if disk_full(e, kwargs.get("directory")):
                raise click.ClickException(
                    f"the disk is full ({e}); free some space and run again. Files already taken in are kept."
                ) from e
            message = folder_problem(e) if isinstance(e, OSError) else None
            if message:
                raise click.ClickException(message) from e
            raise

    return wrapper


class Seconds(click.ParamType):
    """A number of seconds above 0 (not 0, not negative, not NaN, not infinite)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a number of seconds above 0", param, ctx)
        return seconds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="emuxl")
def main() -> None:
    """emuxl: the annual scoring cycle of an emulation cluster (cụm thi đua).

    Forms out, returns in, scores, ranking and reports, from one campaign folder.
    """


FORMATS = click.Choice(["xlsx", "yaml"])


@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--sample",
    type=click.Choice(resources.sample_names()),
    help="Start from a bundled sample campaign instead of a blank workbook.",
)
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    help="campaign.xlsx, or campaign.yaml + indicators.yaml (default: xlsx for a blank start, yaml for a sample).",
)
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@reports_errors
def init(directory: Path, sample: str | None, fmt: str | None, force: bool) -> None:
    """Create a campaign folder DIR: a blank campaign.xlsx to fill in, or a bundled sample."""
    if directory.exists() and any(directory.iterdir()) and not force:
        raise click.UsageError(f"{directory} is not empty; choose a new folder or add --force to write into it.")
    written = init_campaign(directory, sample, "xlsx" if fmt == "xlsx" else "yaml" if fmt else None)
    what = f"from sample {sample}" if sample else "with a blank campaign workbook"
    names = " and ".join(p.name for p in written)
    click.echo(f"Created {directory} {what}. Next: fill in {names}, then run 'emuxl check {directory}'.")


@main.command()
@campaign_dir
@click.option("--store", "store", is_flag=True, help="Check emuxl.db (SQLite's integrity check) and archive/ instead.")
@reports_errors
def check(directory: Path, store: bool) -> None:
    """Validate the campaign (campaign.xlsx, or campaign.yaml and its catalogue); print a summary or every problem.

    With --store, check the store and the archive instead.
    """
    if not store:
        _, ignored = definition_files(directory)
        if ignored:
            click.echo(f"Note: campaign.xlsx is the definition; {' and '.join(ignored)} are not read.", err=True)
        click.echo(summary(load_campaign(directory)))
        return
    found = check_store(directory)
    for problem in found.problems:
        click.echo(f"Error: {problem}", err=True)
    for note in found.notes:
        click.echo(f"Note: {note}")
    click.echo(f"{found.files} stored file(s) checked against archive/, {len(found.problems)} problem(s).")
    if found.problems:
        sys.exit(1)


@main.command()
@campaign_dir
@click.option(
    "--to", "to", type=FORMATS, required=True, help="xlsx: write campaign.xlsx; yaml: campaign.yaml + indicators.yaml."
)
@click.option(
    "--out", "out", type=click.Path(file_okay=False, path_type=Path), help="Folder to write into (default: DIR)."
)
@click.option("--force", is_flag=True, help="Replace files that exist.")
@reports_errors
def convert(directory: Path, to: str, out: Path | None, force: bool) -> None:
    """Write a valid campaign's definitions as campaign.xlsx or as YAML, checked to be the same campaign.

    YAML comments are not kept. While campaign.xlsx is in a folder it is the
    definition; the YAML files beside it are not read.
    """
    done = convert_campaign(directory, "xlsx" if to == "xlsx" else "yaml", out, force)
    click.echo(f"Wrote {', '.join(str(p) for p in done.written)}: the same campaign and form fingerprint.")
    if done.ignored:
        click.echo(
            f"Note: campaign.xlsx is the definition while it is in the folder; {' and '.join(done.ignored)}"
            " are not read. Move it away to use the YAML files.",
            err=True,
        )


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
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Reader processes (default: all cores); each file is read within --timeout and, on Linux only, "
    "within a memory cap.",
)
@click.option(
    "--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=Seconds(), help="Seconds allowed to read one file."
)
@click.option("--recheck", is_flag=True, help="Read every stored file again first (after a catalogue fix).")
@reports_errors
def collect(directory: Path, paths: tuple[Path, ...], jobs: int | None, timeout: float, recheck: bool) -> None:
    """Take in returned files (PATHs, files or folders; default DIR/inbox) and write feedback."""
    campaign = load_campaign(directory)
    with contextlib.ExitStack() as stack:
        run = take_in(campaign, paths, jobs, timeout, on_file=FileLines(stack), recheck=recheck)
    report_run(run, campaign)


def report_run(run: CollectRun, campaign: Campaign) -> None:
    """collect's summary, and exit 1 when a file was rejected or not read or a feedback workbook not written."""
    if len(run.files) > LARGE_BATCH:  # under the progress bar only the files with a problem are listed
        for result in run.rejected + run.not_read:
            click.echo(describe(result))
    click.echo(", ".join(f"{n} {state}" for state, n in sorted(run.counts.items())) or "No files found.")
    if run.not_read:
        click.echo(f"{len(run.not_read)} file(s) not read this time: the next 'emuxl collect' reads them again.")
    if run.feedback:
        click.echo(f"Feedback for {len(run.feedback)} member(s) in {campaign.folder / 'out' / 'feedback'}")
    for blocked in run.feedback_blocked:
        click.echo(f"Error: {blocked} The next 'emuxl collect' writes it.", err=True)
    if not run.ok:
        sys.exit(1)


@dataclass
class FileLines:
    """collect's output as each file is done: a line per file, or for a large batch a progress bar."""

    stack: contextlib.ExitStack[Any]
    bar: Any = None

    def __call__(self, result: intake.FileResult, total: int) -> None:
        if total <= LARGE_BATCH:
            click.echo(describe(result))
            return
        if self.bar is None:
            self.bar = self.stack.enter_context(click.progressbar(length=total, label="Collecting", file=sys.stderr))
        if self.bar.pos >= total:
            return  # a file found twice: the bar is already full
        self.bar.update(1)
        if self.bar.pos >= total:
            self.stack.close()  # the bar ends with the last file, before the feedback is written


def describe(result: intake.FileResult) -> str:
    """One line (and its problems) for a file taken in."""
    who = f" {result.member} ({result.kind})" if result.member else ""
    mark = {REJECTED: "x", NOT_READ: "?", intake.DUPLICATE: "=", intake.SKIPPED: "-"}.get(result.status, "v")
    again = " (read again)" if result.again else ""
    lines = [f"{mark} {result.name}{who}: {result.status}{again}"]
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
        issues = intake.member_issues(campaign)
        data = {
            "members": [asdict(r) | {"issues": issues[r.code]} for r in rows],
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
        if r.chosen_by:
            click.echo(f"{'':<6} chosen by {r.chosen_by}")
        for doubt in r.conflicts:
            click.echo(f"{'':<6} conflict: {doubt}")
        if r.conflicts:
            click.echo(f"{'':<6} settle it: emuxl choose {directory} {r.code} FILE --by NAME")
    for name, state, problem in strays:
        if state == NOT_READ:
            click.echo(f"file {name}: not read yet ({problem}); the next 'emuxl collect' reads it again")
        else:
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
    for a in accept_numbers(load_campaign(directory), member, indicators, author):
        click.echo(f"{a.indicator} {a.field} ({a.cell}): «{a.raw}» accepted as {a.number:g}")
    click.echo("Run 'emuxl rank' to use them.")


@main.command()
@campaign_dir
@click.argument("member")
@click.argument("file")
@click.option("--by", "author", required=True, help="Who chooses (shown in the store's history).")
@reports_errors
def choose(directory: Path, member: str, file: str, author: str) -> None:
    """Make FILE the file that counts for MEMBER (its name as received, its path, or the start of its hash)."""
    campaign = load_campaign(directory)
    done = choose_file(campaign, member, file, author)
    click.echo(
        f"{campaign.member(member).name}: {done.name} (received {done.received_at}, saved {done.saved_at}) now counts,"
        f" chosen by {done.author}, until a newer file is received. Run 'emuxl rank' to use it."
    )


@main.command("rank")
@campaign_dir
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option(
    "--take-edits", is_flag=True, help="Keep values typed into out/ranking.xlsx, as adjustments (needs --by, --reason)."
)
@click.option("--discard-edits", is_flag=True, help="Overwrite values typed into out/ranking.xlsx.")
@click.option("--by", "author", help="Who takes the typed values (with --take-edits).")
@click.option("--reason", help="Why (with --take-edits; shown in every output).")
@reports_errors
def rank_command(
    directory: Path, as_json: bool, take_edits: bool, discard_edits: bool, author: str | None, reason: str | None
) -> None:
    """Score, rank and propose awards; write out/ranking.xlsx (never over values typed into it)."""
    if take_edits and discard_edits:
        raise click.UsageError("give --take-edits or --discard-edits, not both")
    if take_edits and not (author and reason):
        raise click.UsageError("--take-edits needs --by NAME and --reason TEXT (each becomes an adjustment)")
    campaign = load_campaign(directory)
    if take_edits:
        taken, result = rank_taking_edits(campaign, author or "", reason or "")
        for line in taken:
            click.echo(f"Adjustment from ranking.xlsx: {line}", err=True)
    else:
        result = write_ranking(campaign, overwrite_edits=discard_edits)
    data = results.as_data(result)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    yearly = data["year_on_year"]
    last = f"{yearly['previous_year']:>9}" if yearly else ""
    click.echo(f"{'rank':>4}  {'member':<20} {'total':>10}{last}  award / notes")
    for m in data["members"]:
        note = m["award_name"] or ("vote" if m["vote"] else "")
        note += " (decided)" if m["decided"] else ""
        if m["pending"]:
            note = "vote pending: " + " or ".join(m["pending"])
        extra = "; ".join(
            x for x in (m["tie_break"], *m["not_eligible_because"], *m["not_eligible_for_flag_because"]) if x
        )
        before = ""
        if yearly:
            was = m["previous"]["rank"]
            before = f"{was if was is not None else '-':>9}"
        click.echo(
            f"{m['rank']:>4}  {m['name']:<20} {m['shown']:>10.2f}{before}  {note}{'  ' + extra if extra else ''}"
        )
    names = {m.code: m.name for m in campaign.members}
    decided = " (as decided)" if data["rotation_decided"] else ""
    click.echo(
        f"Next chair: {names[data['next_chair']]}; deputies: {', '.join(names[d] for d in data['next_deputies'])}"
        + decided
    )
    for vote in data["votes"]:
        click.echo(f"Vote: {vote['sentence']}")
    for departure in data["departures"]:
        click.echo(f"Decided: {departure['sentence']}")
    for note in data["notes"]:
        click.echo(f"Note: {note}")
    if yearly and yearly["across_merger"]:
        click.echo(f"Year on year: members changed since {yearly['previous_year']}; ranks compared across a merger")
    for bound in data["robustness"]["boundaries"]:
        flip = bound["flip"]
        how = (
            f"; smallest flip: {flip['indicator']} of {names[flip['member']]} by {flip['change']:+.2f}" if flip else ""
        )
        click.echo(f"Margin at {bound['kind']}: {bound['margin']:.2f}{how}")
    unsafe = [names[c] for c, i in data["robustness"]["intervals"].items() if i["flagged"]]
    if unsafe:
        click.echo(f"Rank interval crosses an award boundary: {', '.join(unsafe)} (see «Độ tin cậy»)")
    click.echo(f"Wrote {ranking_path(campaign)}")


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
    if clear == (points is not None):
        raise click.UsageError("give POINTS, or --clear to withdraw the correction in force")
    adjust_score(campaign, member, indicator, points, reason, author)
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
@click.option(
    "--check",
    "lint",
    is_flag=True,
    help="Lint the templates against the context and list what is still blank; render nothing.",
)
@reports_errors
def report(directory: Path, template: Path | None, out: Path | None, pdf: bool, show_context: bool, lint: bool) -> None:
    """Render the Word reports (summary report, award proposal, minutes) into out/."""
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
        blanks = context["blanks"]
        for blank in blanks:  # not problems: dotted lines to fill in by hand, or keys to set in campaign.yaml
            click.echo(f"Blank: {blank['key']}: {blank['what']}")
        click.echo(
            f"{len(templates)} template(s) checked, {len(problems)} problem(s), "
            f"{len(blanks)} blank(s) left as dotted lines."
        )
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
    ctx.invoke(init, directory=directory, sample=sample, fmt=None, force=False)
    run_cycle(ctx, directory)


@main.command()
@campaign_dir
@click.option(
    "--to",
    "scratch",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Scratch folder for the trial (default: DIR/{TRIAL_DIR}; emptied first).",
)
@click.pass_context
@reports_errors
def trial(ctx: click.Context, directory: Path, scratch: Path | None) -> None:
    """Try your own campaign through the whole cycle in a scratch copy, with generated returns.

    Forms, generated returns (a few deliberately wrong), collect, status, rank
    and report all run in the scratch folder; the campaign's own inbox, store,
    forms and out/ are never read or written.
    """
    folder = prepare_trial(directory, scratch)
    click.echo(f"Trial run of {directory} in {folder} (generated values, not the members' figures).")
    run_cycle(ctx, folder)
    click.echo(f"Trial done: look at {folder / 'forms'}, {folder / 'out'}. Nothing in {directory} was changed.")


def run_cycle(ctx: click.Context, directory: Path) -> None:
    """check, forms, generated returns, collect, status, rank and report in a folder (the demo and the trial)."""
    ctx.invoke(check, directory=directory, store=False)
    ctx.invoke(forms, directory=directory, members=(), jobs=None)
    paths = write_demo_returns(load_campaign(directory))
    click.echo(f"Generated {len(paths)} returned files in {directory / 'inbox'} (a few deliberately wrong).")
    try:
        ctx.invoke(collect, directory=directory, paths=(), jobs=None, timeout=DEFAULT_TIMEOUT, recheck=False)
    except SystemExit as e:
        if e.code not in (0, 1):  # 1 = a file was rejected: expected, the demo sends one on purpose
            raise
    ctx.invoke(status, directory=directory, as_json=False)
    ctx.invoke(rank_command, directory=directory, as_json=False)
    pdf = shutil.which("soffice") is not None
    ctx.invoke(report, directory=directory, template=None, out=None, pdf=pdf, show_context=False, lint=False)


@main.command("next-year")
@click.argument("old", metavar="OLD", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new", metavar="NEW", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def next_year(old: Path, new: Path) -> None:
    """Start NEW, next year's campaign, from OLD: chair and deputies as decided, last year's values pre-filled.

    NEW may not exist yet (it gets OLD's members and catalogue), or may hold a campaign for a new
    membership (e.g. 'emuxl init NEW --sample tay-nam-bo-2025'): its members and catalogue are kept,
    and merged members get their predecessors' figures where they add up.
    """
    done = start_next_year(old, new)
    for note in done.notes:
        click.echo(f"- {note}")
    click.echo(f"Pre-filled {done.carried} previous-year values from {done.old.year} for the forms of {done.new.year}.")
    if done.gaps:
        click.echo(f"Could not carry over {len(done.gaps)} value(s); left blank on the forms, each with its reason:")
        for reason, lines in group_gaps(done.gaps).items():
            click.echo(f"  {reason}:")
            for line in lines[:MAX_GAP_LINES]:
                click.echo(f"    {line}")
            if len(lines) > MAX_GAP_LINES:
                click.echo(f"    … and {len(lines) - MAX_GAP_LINES} more members")
    click.echo(f"Next: check {done.new.folder / 'campaign.yaml'}, then 'emuxl forms {new}'.")


MAX_GAP_LINES = 8


def group_gaps(gaps: list[Gap]) -> dict[str, list[str]]:
    """Reason -> one line per member: «Vĩnh Long (86): A01, A02 …»."""
    by_reason: dict[str, dict[str, list[str]]] = {}
    for gap in gaps:
        who = f"{gap.name} ({gap.member})"
        what = gap.indicator if gap.field == "previous" else f"{gap.indicator}.{gap.field}"
        by_reason.setdefault(gap.reason, {}).setdefault(who, []).append(what)
    return {
        reason: [f"{who}: {', '.join(items)}" for who, items in members.items()]
        for reason, members in by_reason.items()
    }


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
    decided = campaign.decisions
    recorded = [f"{len(decided.votes)} vote(s)"] if decided.votes else []
    recorded += ["final award lists"] if decided.awards else []
    recorded += ["next chair"] if decided.next_chair else []
    recorded += ["next deputies"] if decided.next_deputies is not None else []
    if recorded:
        lines.append("Decisions of the meeting: " + ", ".join(recorded))
    if campaign.previous:
        lines.append(f"Previous year: {campaign.previous}")
    lines.append("OK")
    return "\n".join(lines)


def cli_reference() -> str:
    """The ``--help`` text of every command, as Markdown (the README's command reference, see ``make docs``)."""
    parts: list[str] = []
    fixed = {**main.context_settings, "terminal_width": 80, "max_content_width": 80}
    with click.Context(main, info_name="emuxl", **fixed) as ctx:
        parts += ["```", main.get_help(ctx), "```", ""]
        for name, command in main.commands.items():
            with click.Context(command, parent=ctx, info_name=name, **fixed) as sub:
                parts += [f"#### emuxl {name}", "", "```", command.get_help(sub), "```", ""]
    return "\n".join(parts).rstrip() + "\n"
