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
from .campaign_book.labels import LABELS, label
from .campaign_files import TRIAL_DIR, convert_campaign, definition_files, init_campaign, prepare_trial
from .checkup import check_store
from .collecting import CollectRun, take_in
from .definitions import BOOK_FILE, Campaign, load_campaign
from .demo import write_demo_returns
from .errors import DefinitionsError, EmuxlError, InvalidRequest
from .files import disk_full, folder_problem
from .forms import form_tasks, write_forms
from .i18n import LANGUAGES, N_, _, language, ngettext, pgettext, use_language
from .isolate import DEFAULT_TIMEOUT
from .nextyear import Gap, start_next_year
from .review import accept_numbers, adjust_score, choose_file
from .store import ACCEPTED, MISSING, NOT_READ, REJECTED, WITH_ERRORS, WITH_WARNINGS
from .vnformat import fixed
from .workbook import rank_taking_edits, ranking_path, write_ranking

LARGE_BATCH = 50  # above this many files, a progress bar instead of a line per file
MAX_SHOWN = 5  # problems printed per file; the feedback workbook has them all
STATES = {  # a file's or member's state as printed (the store keeps the English key)
    ACCEPTED: N_("accepted"),
    WITH_WARNINGS: N_("accepted with warnings"),
    WITH_ERRORS: N_("accepted with errors"),
    REJECTED: N_("rejected"),
    NOT_READ: N_("not read"),
    MISSING: N_("missing"),
    intake.DUPLICATE: N_("duplicate"),
    intake.SKIPPED: N_("skipped"),
}


def state(key: str) -> str:
    """A state as printed, in the chosen language."""
    return _(STATES[key]) if key in STATES else key


class BadRequest(click.UsageError):
    """A command given wrongly (exit 2): the usage line, then the error and where to find help, in the chosen
    language (click's own checks of options keep click's English)."""

    def show(self, file: Any = None) -> None:
        """Print the usage, the error and the hint to stderr."""
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), err=True)
            hint = _("Try '{command} --help' for help.").format(command=self.ctx.command_path)
            click.echo(hint + "\n", err=True)
        click.echo(_("Error: {message}").format(message=self.format_message()), err=True)


def input_label(campaign: Campaign, indicator: str, field: str) -> str:
    """An input of an indicator as the messages say it: its key (``plan``), or in Vietnamese its form's label."""
    if language() == "en":
        return field
    found = next((i for i in campaign.catalogue.indicators if i.code == indicator), None)
    return next((f"«{i.label}»" for i in (found.inputs if found else ()) if i.name == field), field)


def blank_place(key: str, in_book: bool) -> str:
    """Where a blank of the reports is set: its key in campaign.yaml, or its row of «Cụm» in campaign.xlsx."""
    if in_book and key in LABELS:
        return _("«{label}» in sheet «Cụm» ({key})").format(label=label(key), key=key)
    return key


def other_file(shown: str) -> str:
    """«name (state)» of a member's other file, its state in the chosen language."""
    name, sep, rest = shown.rpartition(" (")
    return f"{name} ({state(rest[:-1])})" if sep and rest.endswith(")") else shown


def boundary_name(kind: str) -> str:
    """A boundary of the ranking «Độ tin cậy» measures, in the chosen language."""
    names = {
        "first": pgettext("boundary", "first"),
        "flag": pgettext("boundary", "flag"),
        "merit": pgettext("boundary", "merit"),
    }
    return names.get(kind, kind)


def decimals(x: float, places: int = 2, sign: bool = False) -> str:
    """A number with ``places`` decimals (893.52); when messages are Vietnamese, written as vnformat writes every
    number emuxl prints for a reader (893,52; 1.234,50)."""
    if language() == "en":
        return f"{x:+.{places}f}" if sign else f"{x:.{places}f}"
    text = fixed(x, places)
    return f"+{text}" if sign and not text.startswith("-") else text


def form_kind(kind: str) -> str:
    """A form's kind as printed: a member's own form, or a peer-scoring form."""
    if kind == "member":
        return pgettext("form kind", "member")
    if kind == "peer":
        return pgettext("form kind", "peer")
    return kind


class Failed(click.ClickException):
    """An error that stops a command (exit 1), printed as «Error: …» in the chosen language."""

    def show(self, file: Any = None) -> None:
        """Print the error to stderr."""
        click.echo(_("Error: {message}").format(message=self.format_message()), err=True)


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
                click.echo(_("Error: {message}").format(message=problem), err=True)
            n = len(e.problems)
            found = ngettext(
                "{n} problem found; fix it and run 'emuxl check' again.",
                "{n} problems found; fix them and run 'emuxl check' again.",
                n,
            )
            click.echo(found.format(n=n), err=True)
            sys.exit(1)
        except InvalidRequest as e:
            raise BadRequest(str(e)) from e
        except EmuxlError as e:
            raise Failed(str(e)) from e
        except (OSError, sqlite3.Error) as e:
            if disk_full(e, kwargs.get("directory")):
                raise Failed(
                    _(
                        "the disk is full ({error}); free some space and run again. Files already taken in are kept."
                    ).format(error=e)
                ) from e
            message = folder_problem(e) if isinstance(e, OSError) else None
            if message:
                raise Failed(message) from e
            raise

    return wrapper


class Seconds(click.ParamType):
    """A number of seconds above 0 (not 0, not negative, not NaN, not infinite)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(_("{value} is not a number of seconds").format(value=repr(value)), param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(_("{value} is not a number of seconds above 0").format(value=repr(value)), param, ctx)
        return seconds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="emuxl")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language of the messages: en or vi (default: EMUXL_LANG, else the system's locale, else en).",
)
def main(lang: str | None) -> None:
    """emuxl: the annual scoring cycle of an emulation cluster (cụm thi đua).

    Forms out, returns in, scores, ranking and reports, from one campaign folder.
    """
    utf8_output()
    use_language(lang)


def utf8_output() -> None:
    """Write the terminal's text as UTF-8 when the stream's code page cannot hold Vietnamese (output redirected to
    a file on Windows, cp1252 or cp1258): the letters come out whole instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8")


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
        raise BadRequest(
            _("{folder} is not empty; choose a new folder or add --force to write into it.").format(folder=directory)
        )
    written = init_campaign(directory, sample, "xlsx" if fmt == "xlsx" else "yaml" if fmt else None)
    names = _(" and ").join(p.name for p in written)
    if sample:
        done = _("Created {folder} from sample {sample}. Next: fill in {names}, then run 'emuxl check {folder}'.")
    else:
        done = _(
            "Created {folder} with a blank campaign workbook. Next: fill in {names}, then run 'emuxl check {folder}'."
        )
    click.echo(done.format(folder=directory, sample=sample, names=names))


@main.command()
@campaign_dir
@click.option("--store", "store", is_flag=True, help="Check emuxl.db (SQLite's integrity check) and archive/ instead.")
@reports_errors
def check(directory: Path, store: bool) -> None:
    """Validate the campaign (campaign.xlsx, or campaign.yaml and its catalogue); print a summary or every problem.

    With --store, check the store and the archive instead.
    """
    if not store:
        _used, ignored = definition_files(directory)
        if ignored:
            note = _("Note: campaign.xlsx is the definition; {files} are not read.")
            click.echo(note.format(files=_(" and ").join(ignored)), err=True)
        click.echo(summary(load_campaign(directory)))
        return
    found = check_store(directory)
    for problem in found.problems:
        click.echo(_("Error: {message}").format(message=problem), err=True)
    for note in found.notes:
        click.echo(_("Note: {message}").format(message=note))
    done = _("{files} stored file(s) checked against archive/, {problems} problem(s).")
    click.echo(done.format(files=found.files, problems=len(found.problems)))
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
    written = ", ".join(str(p) for p in done.written)
    click.echo(_("Wrote {files}: the same campaign and form fingerprint.").format(files=written))
    if done.ignored:
        note = _(
            "Note: campaign.xlsx is the definition while it is in the folder; {files} are not read."
            " Move it away to use the YAML files."
        )
        click.echo(note.format(files=_(" and ").join(done.ignored)), err=True)


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
    with click.progressbar(written, length=len(tasks), label=_("Writing forms"), file=sys.stderr) as bar:
        for _done in bar:
            pass
    click.echo(_("Wrote {n} forms to {folder}").format(n=len(tasks), folder=campaign.folder / "forms"))


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
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read and judge every file as a real run would, and print the verdicts; store, archive and out/ are left"
    " as they were.",
)
@reports_errors
def collect(
    directory: Path, paths: tuple[Path, ...], jobs: int | None, timeout: float, recheck: bool, dry_run: bool
) -> None:
    """Take in returned files (PATHs, files or folders; default DIR/inbox) and write feedback."""
    campaign = load_campaign(directory)
    if dry_run:
        click.echo(_("Dry run: every file is read and judged; nothing is stored, archived or written."))
    with contextlib.ExitStack() as stack:
        run = take_in(campaign, paths, jobs, timeout, on_file=FileLines(stack), recheck=recheck, dry_run=dry_run)
    report_run(run, campaign)


def report_run(run: CollectRun, campaign: Campaign) -> None:
    """collect's summary, and exit 1 when a file was rejected or not read or a feedback workbook not written."""
    if len(run.files) > LARGE_BATCH:  # under the progress bar only the files with a problem are listed
        for result in run.rejected + run.not_read:
            click.echo(describe(result))
    counts = ", ".join(f"{n} {state(key)}" for key, n in sorted(run.counts.items())) or _("No files found.")
    if run.dry_run:
        would = _("A real run would give: {counts} (nothing was kept; run without --dry-run to take them in).")
        click.echo(would.format(counts=counts))
    else:
        click.echo(counts)
    if run.not_read:
        again = _("{n} file(s) not read this time: the next 'emuxl collect' reads them again.")
        click.echo(again.format(n=len(run.not_read)))
    if run.feedback:
        where = campaign.folder / "out" / "feedback"
        click.echo(_("Feedback for {n} member(s) in {folder}").format(n=len(run.feedback), folder=where))
    for blocked in run.feedback_blocked:
        click.echo(_("Error: {message} The next 'emuxl collect' writes it.").format(message=blocked), err=True)
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
            bar = click.progressbar(length=total, label=_("Collecting"), file=sys.stderr)
            self.bar = self.stack.enter_context(bar)
        if self.bar.pos >= total:
            return  # a file found twice: the bar is already full
        self.bar.update(1)
        if self.bar.pos >= total:
            self.stack.close()  # the bar ends with the last file, before the feedback is written


def describe(result: intake.FileResult) -> str:
    """One line (and its problems) for a file taken in."""
    kind = form_kind(result.kind or "")
    who = f" {result.member} ({kind})" if result.member else ""
    mark = {REJECTED: "x", NOT_READ: "?", intake.DUPLICATE: "=", intake.SKIPPED: "-"}.get(result.status, "v")
    again = _(" (read again)") if result.again else ""
    lines = [f"{mark} {result.name}{who}: {state(result.status)}{again}"]
    for issue in result.issues[:MAX_SHOWN]:
        where = " ".join(x for x in (issue.indicator, issue.cell) if x)
        lines.append(f"    {issue.code}{f' [{where}]' if where else ''}: {issue.message}")
    if len(result.issues) > MAX_SHOWN:
        more = _("    … and {n} more (see the feedback workbook)")
        lines.append(more.format(n=len(result.issues) - MAX_SHOWN))
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
    code, member, status_word, errors, warnings = _("code"), _("member"), _("state"), _("err"), _("warn")
    e, w = max(4, len(errors)), max(4, len(warnings))  # the columns as wide as their headings
    peer_form = "{:<10} ".format(_("peer form")) if peer else ""
    header = f"{code:<6} {member:<20} {status_word:<24} {errors:>{e}} {warnings:>{w}}  " + peer_form + _("file")
    click.echo(header)
    for r in rows:
        line = f"{r.code:<6} {r.name:<20} {state(r.state):<24} {r.errors:>{e}} {r.warnings:>{w}}  "
        line += f"{state(r.peer_state):<10} " if peer else ""
        others = ", ".join(other_file(f) for f in r.other_files)
        also = _("  (also: {files})").format(files=others) if r.other_files else ""
        click.echo(line + r.file + also)
        if r.chosen_by:
            click.echo(f"{'':<6} " + _("chosen by {author}").format(author=r.chosen_by))
        for doubt in r.conflicts:
            click.echo(f"{'':<6} " + _("conflict: {doubt}").format(doubt=doubt))
        if r.conflicts:
            settle = _("settle it: emuxl choose {folder} {member} FILE --by NAME")
            click.echo(f"{'':<6} " + settle.format(folder=directory, member=r.code))
    for name, status_key, problem in strays:
        if status_key == NOT_READ:
            line = _("file {name}: not read yet ({problem}); the next 'emuxl collect' reads it again")
            click.echo(line.format(name=name, problem=problem))
        else:
            line = _("unidentified file {name}: {state}: {problem}")
            click.echo(line.format(name=name, state=state(status_key), problem=problem))
    done = sum(1 for r in rows if r.state != MISSING)
    click.echo(_("{done}/{total} members returned a form.").format(done=done, total=len(rows)))


@main.command()
@campaign_dir
@click.argument("member")
@click.option("--indicator", "indicators", multiple=True, metavar="CODE", help="Only this indicator (repeatable).")
@click.option("--by", "author", required=True, help="Who accepts (shown in the store's history).")
@reports_errors
def accept(directory: Path, member: str, indicators: tuple[str, ...], author: str) -> None:
    """Accept the numbers emuxl read from MEMBER's numbers typed as text (1.234,5), explicitly."""
    campaign = load_campaign(directory)
    for a in accept_numbers(campaign, member, indicators, author):
        line = _("{indicator} {field} ({cell}): «{raw}» accepted as {number:g}")
        field = input_label(campaign, a.indicator, a.field)
        click.echo(line.format(indicator=a.indicator, field=field, cell=a.cell, raw=a.raw, number=a.number))
    click.echo(_("Run 'emuxl rank' to use them."))


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
    line = _(
        "{member}: {file} (received {received}, saved {saved}) now counts, chosen by {author}, until a newer file"
        " is received. Run 'emuxl rank' to use it."
    )
    click.echo(
        line.format(
            member=campaign.member(member).name,
            file=done.name,
            received=done.received_at,
            saved=done.saved_at,
            author=done.author,
        )
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
        raise BadRequest(_("give --take-edits or --discard-edits, not both"))
    if take_edits and not (author and reason):
        raise BadRequest(_("--take-edits needs --by NAME and --reason TEXT (each becomes an adjustment)"))
    campaign = load_campaign(directory)
    if take_edits:
        taken, result = rank_taking_edits(campaign, author or "", reason or "")
        for line in taken:
            click.echo(_("Adjustment from ranking.xlsx: {edit}").format(edit=line), err=True)
    else:
        result = write_ranking(campaign, overwrite_edits=discard_edits)
    data = results.as_data(result)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    yearly = data["year_on_year"]
    last = f"{yearly['previous_year']:>9}" if yearly else ""
    rank, member, total = _("rank"), _("member"), _("total")
    click.echo(f"{rank:>4}  {member:<20} {total:>10}{last}  " + _("award / notes"))
    for m in data["members"]:
        note = m["award_name"] or (_("vote") if m["vote"] else "")
        note += _(" (decided)") if m["decided"] else ""
        if m["pending"]:
            note = _("vote pending: {choices}").format(choices=_(" or ").join(m["pending"]))
        extra = "; ".join(
            x for x in (m["tie_break"], *m["not_eligible_because"], *m["not_eligible_for_flag_because"]) if x
        )
        before = ""
        if yearly:
            was = m["previous"]["rank"]
            before = f"{was if was is not None else '-':>9}"
        click.echo(
            f"{m['rank']:>4}  {m['name']:<20} {decimals(m['shown']):>10}{before}  {note}{'  ' + extra if extra else ''}"
        )
    names = {m.code: m.name for m in campaign.members}
    chair = names[data["next_chair"]]
    deputies = ", ".join(names[d] for d in data["next_deputies"])
    if data["rotation_decided"]:
        click.echo(_("Next chair: {chair}; deputies: {deputies} (as decided)").format(chair=chair, deputies=deputies))
    else:
        click.echo(_("Next chair: {chair}; deputies: {deputies}").format(chair=chair, deputies=deputies))
    for vote in data["votes"]:
        click.echo(_("Vote: {sentence}").format(sentence=vote["sentence"]))
    for departure in data["departures"]:
        click.echo(_("Decided: {sentence}").format(sentence=departure["sentence"]))
    for note in data["notes"]:
        click.echo(_("Note: {message}").format(message=note))
    if yearly and yearly["across_merger"]:
        merged = _("Year on year: members changed since {year}; ranks compared across a merger")
        click.echo(merged.format(year=yearly["previous_year"]))
    for bound in data["robustness"]["boundaries"]:
        flip = bound["flip"]
        margin = _("Margin at {boundary}: {margin}").format(
            boundary=boundary_name(bound["kind"]), margin=decimals(bound["margin"])
        )
        if flip:
            margin += _("; smallest flip: {indicator} of {member} by {change}").format(
                indicator=flip["indicator"], member=names[flip["member"]], change=decimals(flip["change"], sign=True)
            )
        click.echo(margin)
    unsafe = [names[c] for c, i in data["robustness"]["intervals"].items() if i["flagged"]]
    if unsafe:
        crossing = _("Rank interval crosses an award boundary: {members} (see «Độ tin cậy»)")
        click.echo(crossing.format(members=", ".join(unsafe)))
    click.echo(_("Wrote {file}").format(file=ranking_path(campaign)))


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
        raise BadRequest(_("give POINTS, or --clear to withdraw the correction in force"))
    adjust_score(campaign, member, indicator, points, reason, author)
    name = campaign.member(member).name
    if clear:
        done = _("Correction of {member} on {indicator} withdrawn. Run 'emuxl rank' to apply it.")
    else:
        done = _("Correction of {member} on {indicator} set to {points:g}. Run 'emuxl rank' to apply it.")
    click.echo(done.format(member=name, indicator=indicator, points=points))


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
            click.echo(_("Error: {message}").format(message=problem), err=True)
        blanks = context["blanks"]
        in_book = (campaign.folder / BOOK_FILE).is_file()
        for blank in blanks:  # not problems: dotted lines to fill in by hand, or keys to set in the campaign
            click.echo(_("Blank: {key}: {what}").format(key=blank_place(blank["key"], in_book), what=blank["what"]))
        checked = _("{templates} template(s) checked, {problems} problem(s), {blanks} blank(s) left as dotted lines.")
        click.echo(checked.format(templates=len(templates), problems=len(problems), blanks=len(blanks)))
        if problems:
            sys.exit(1)
        return
    for done in reporting.render_reports(result, templates, out, pdf):
        if done.pdf:
            click.echo(_("Wrote {file} and {pdf}").format(file=done.docx, pdf=done.pdf.name))
        else:
            click.echo(_("Wrote {file}").format(file=done.docx))


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
        raise BadRequest(_("{folder} is not empty; the demo needs a new folder.").format(folder=directory))
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
    click.echo(
        _("Trial run of {campaign} in {folder} (generated values, not the members' figures).").format(
            campaign=directory, folder=folder
        )
    )
    run_cycle(ctx, folder)
    done = _("Trial done: look at {forms}, {out}. Nothing in {campaign} was changed.")
    click.echo(done.format(forms=folder / "forms", out=folder / "out", campaign=directory))


def run_cycle(ctx: click.Context, directory: Path) -> None:
    """check, forms, generated returns, collect, status, rank and report in a folder (the demo and the trial)."""
    ctx.invoke(check, directory=directory, store=False)
    ctx.invoke(forms, directory=directory, members=(), jobs=None)
    paths = write_demo_returns(load_campaign(directory))
    made = _("Generated {n} returned files in {folder} (a few deliberately wrong).")
    click.echo(made.format(n=len(paths), folder=directory / "inbox"))
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
    filled = _("Pre-filled {n} previous-year values from {old} for the forms of {new}.")
    click.echo(filled.format(n=done.carried, old=done.old.year, new=done.new.year))
    if done.gaps:
        gaps = _("Could not carry over {n} value(s); left blank on the forms, each with its reason:")
        click.echo(gaps.format(n=len(done.gaps)))
        for reason, lines in group_gaps(done.gaps).items():
            click.echo(f"  {reason}:")
            for line in lines[:MAX_GAP_LINES]:
                click.echo(f"    {line}")
            if len(lines) > MAX_GAP_LINES:
                click.echo(_("    … and {n} more members").format(n=len(lines) - MAX_GAP_LINES))
    nxt = _("Next: check {file}, then 'emuxl forms {folder}'.")
    click.echo(nxt.format(file=done.new.folder / "campaign.yaml", folder=new))


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
    members = ", ".join(f"{m.code} {m.name}" for m in campaign.members)
    deputies = ", ".join(names[d] for d in campaign.deputies) or _("none")
    catalogue = campaign.catalogue
    lines = [
        f"{campaign.cluster}, năm {campaign.year}" + (_(" (illustrative sample)") if campaign.illustrative else ""),
        _("Members ({n}): {members}").format(n=len(campaign.members), members=members),
        _("Chair: {chair}; deputies: {deputies}").format(chair=names[campaign.chair], deputies=deputies),
        _("Catalogue: {n} indicators, scale {scale:g}").format(n=len(catalogue.indicators), scale=catalogue.scale),
    ]
    for s in campaign.catalogue.sections:
        base = sum(i.points for i in s.indicators if i.spec.role == "base")
        extra = [i for i in s.indicators if i.spec.role != "base"]
        text = "  " + _("{code}. {title}: {n} indicators").format(code=s.code, title=s.title, n=len(s.indicators))
        text += _(", {points:g} points").format(points=base) if base else ""
        text += _(", {n} bonus/penalty").format(n=len(extra)) if extra else ""
        lines.append(text)
    decided = campaign.decisions
    recorded = [_("{n} vote(s)").format(n=len(decided.votes))] if decided.votes else []
    recorded += [_("final award lists")] if decided.awards else []
    recorded += [_("next chair")] if decided.next_chair else []
    recorded += [_("next deputies")] if decided.next_deputies is not None else []
    if recorded:
        lines.append(_("Decisions of the meeting: {decisions}").format(decisions=", ".join(recorded)))
    if campaign.previous:
        lines.append(_("Previous year: {folder}").format(folder=campaign.previous))
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
