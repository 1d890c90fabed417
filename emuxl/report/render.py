"""Rendering Word reports from Jinja templates designed in Word (docxtpl), in a bounded sandbox.

Templates are user-edited files: they render in Jinja's immutable sandbox with
autoescaping and ``StrictUndefined``, with limits on what an expression may
build, inside an isolated worker with a time and memory limit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import resources
from ..definitions import Campaign
from ..errors import ReportError
from ..files import write_atomic
from ..i18n import _, language, use_language
from ..isolate import Failure, run_isolated
from ..results import Results
from .context import build_context
from .layout import fit_tables

MAX_SEQUENCE = 100_000  # the longest string or list an expression may build
MAX_OUTPUT = 30 * 1024 * 1024  # bytes of document XML a template may produce
RENDER_TIMEOUT = 60.0


# ------------------------------------------------------------------ the sandbox


def environment() -> Any:
    """Jinja's immutable sandbox, autoescaping, strict about undefined names, bounded, with vn filters."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    from ..vnformat import FILTERS

    class Bounded(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError(_("exponent too large in a template"))
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_SEQUENCE:
                        raise SecurityError(_("a template may not build strings or lists this long"))
            result = super().call_binop(context, operator, left, right)
            if isinstance(result, str | list | tuple) and len(result) > MAX_SEQUENCE:
                raise SecurityError(_("a template may not build strings or lists this long"))
            return result

    env = Bounded(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


# ------------------------------------------------------------------ rendering, isolated


CHART_BARS = 30  # more bars than this and the names cannot be read on an A4 page


def chart_rows(context: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The ranking rows the chart shows (the leading CHART_BARS, in rank order) and its title."""
    rows = context["ranking"]
    title = f"Tổng điểm thi đua năm {context['year']}"
    if len(rows) > CHART_BARS:
        noun = context["report"]["member_noun"]
        title += f": {CHART_BARS} {noun} dẫn đầu (trong tổng số {len(rows)} {noun})"
    return rows[:CHART_BARS], title


def _chart(context: dict[str, Any], folder: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rows, title = chart_rows(context)
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=150)
    # positions, not names, on the axis: two communes of the same name stay two bars
    ax.bar(range(len(rows)), [r["total_value"] for r in rows], color="#2F5597")
    ax.set_xticks(range(len(rows)), [r["name"] for r in rows], rotation=45, ha="right")
    upright = len(rows) > 12  # side by side, the figures of more bars would overlap
    for i, r in enumerate(rows):
        ax.text(
            i,
            r["total_value"],
            f" {r['total']}" if upright else r["total"],
            ha="center",
            va="bottom",
            fontsize=7,
            rotation=90 if upright else 0,
        )
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_ylim(0, max([r["total_value"] for r in rows] + [1]) * (1.25 if upright else 1.12))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path = folder / "chart.png"
    fig.savefig(path)
    plt.close(fig)
    return path


def _render_job(job: tuple[str, dict[str, Any], str, str]) -> str | None:
    """Worker side: render one template to a file; return an error message (in the caller's language) or None."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import TemplateError, UndefinedError

    from .lint import paragraph_of

    template, context, out, lang = job
    use_language(lang)  # a spawned worker does not inherit the language chosen in the caller
    with tempfile.TemporaryDirectory() as tmp:
        try:
            tpl = DocxTemplate(template)
            full = {**context, "chart": InlineImage(tpl, str(_chart(context, Path(tmp))), width=Mm(150))}
            tpl.render(full, jinja_env=environment(), autoescape=True)
            fit_tables(tpl.docx)  # widths from the content received: every table fits its page
            xml_size = len(tpl.docx.element.xml)
            if xml_size > MAX_OUTPUT:
                return _("{template}: the rendered document is too large ({size} MB)").format(
                    template=template, size=xml_size // 1024 // 1024
                )
            tpl.save(Path(tmp) / "out.docx")
            write_atomic(Path(out), (Path(tmp) / "out.docx").read_bytes())
        except UndefinedError as e:
            name = re.findall(r"'([^']+)'", str(e))
            paragraph = paragraph_of(Path(template), name[-1]) if name else None
            if paragraph is None:
                return _("{template}: {error}; check the spelling against 'emuxl report --context'").format(
                    template=template, error=e
                )
            return _(
                "{template}: {error} (in the paragraph «{paragraph}»); check the spelling against"
                " 'emuxl report --context'"
            ).format(template=template, error=e, paragraph=paragraph)
        except TemplateError as e:
            return f"{template}: {type(e).__name__}: {e}"
    return None


@dataclass(frozen=True)
class Rendered:
    """One document written."""

    template: Path
    docx: Path
    pdf: Path | None = None


def template_paths(campaign: Campaign, chosen: Path | None = None) -> list[Path]:
    """The templates to render: the chosen one, else the campaign's templates/, else the bundled ones."""
    if chosen is not None:
        path = chosen if chosen.is_file() else campaign.folder / "templates" / chosen
        if not path.is_file():
            raise ReportError(_("template not found: {template}").format(template=chosen))
        return [path]
    own = [p for p in sorted((campaign.folder / "templates").glob("*.docx")) if not p.name.startswith("~$")]
    return own or resources.bundled_templates()


def render_reports(
    results: Results,
    templates: list[Path],
    out: Path | None = None,
    pdf: bool = False,
    today: date | None = None,
) -> list[Rendered]:
    """Render each template to out/<template name>.docx (or ``out`` for one template), optionally PDF."""
    campaign = results.campaign
    if out is not None and len(templates) != 1:
        raise ReportError(_("--out needs exactly one template (--template)"))
    if pdf and not shutil.which("soffice"):
        raise ReportError(_("--pdf needs LibreOffice: apt-get install libreoffice-writer-nogui (soffice not found)"))
    context = build_context(results, today)
    lang = language()
    jobs = [(str(t), context, str(out or campaign.folder / "out" / t.name), lang) for t in templates]
    errors = []
    for index, result in run_isolated(_render_job, jobs, jobs=1, timeout=RENDER_TIMEOUT):
        if isinstance(result, Failure):
            errors.append(
                _("{template}: rendering stopped: {reason}").format(
                    template=templates[index], reason=result.reason.splitlines()[0]
                )
            )
        elif result:
            errors.append(result)
    if errors:
        raise ReportError("\n".join(errors))
    done = [Rendered(t, Path(job[2])) for t, job in zip(templates, jobs, strict=True)]
    if pdf:
        done = [Rendered(r.template, r.docx, to_pdf(r.docx)) for r in done]
    return done


def to_pdf(docx: Path) -> Path:
    """Convert a document to PDF beside it with headless LibreOffice (own profile, no lock files)."""
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as outdir:
        cmd = [
            "soffice",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            outdir,
            str(docx),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        made = Path(outdir) / (docx.stem + ".pdf")
        if done.returncode != 0 or not made.is_file():
            raise ReportError(
                _("LibreOffice could not convert {document} to PDF: {error}").format(
                    document=docx.name, error=done.stderr.strip()[:300]
                )
            )
        target = docx.with_suffix(".pdf")
        write_atomic(target, made.read_bytes())
    return target
