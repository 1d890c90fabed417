"""Word reports from Jinja templates designed in Word (docxtpl), rendered in a bounded sandbox.

Templates are user-edited files: they render in Jinja's immutable sandbox with
autoescaping and ``StrictUndefined``, with limits on what an expression may
build, inside an isolated worker with a time and memory limit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import fmean
from typing import Any

from . import resources
from .definitions import Campaign, Indicator
from .errors import ReportError
from .files import write_atomic
from .isolate import Failure, run_isolated
from .methods import num
from .ranking import FLAG, MERIT
from .results import Results, as_data
from .vnformat import fixed, join, long_date, number, percent

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_SEQUENCE = 100_000  # the longest string or list an expression may build
MAX_OUTPUT = 30 * 1024 * 1024  # bytes of document XML a template may produce
RENDER_TIMEOUT = 60.0


# ------------------------------------------------------------------ the data context


def _clean(value: Any) -> Any:
    """Strings without characters XML cannot hold, all the way down."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _aggregate(kind: str, xs: list[float]) -> float | None:
    if not xs:
        return None
    return sum(xs) if kind == "sum" else fmean(xs)


def _amount(x: float, unit: str) -> str:
    return f"{number(x)}%" if unit == "%" else f"{number(x)} {unit}".strip()


def indicator_context(ind: Indicator, results: Results, noun: str) -> dict[str, Any] | None:
    """The figures and sentence of one indicator with plan and actual, or None for other indicators."""
    if ind.method not in ("plan", "leader"):
        return None
    campaign = results.campaign
    rows = []
    for m in campaign.members:
        values = results.inputs.get(m.code, {}).get(ind.code, {})
        plan, actual, previous = (num(values.get(k)) for k in ("plan", "actual", "previous"))
        if plan is not None and actual is not None and plan > 0:
            rows.append((m.name, plan, actual, previous))
    if not rows:
        return None
    pcts = [(name, actual / plan * 100) for name, plan, actual, _p in rows]
    above = sorted([p for p in pcts if p[1] > 100], key=lambda p: -p[1])
    reached = sum(1 for _n, plan, actual, _p in rows if actual >= plan)
    low, high = min(pcts, key=lambda p: p[1]), max(pcts, key=lambda p: p[1])
    total = _aggregate(ind.aggregate, [r[2] for r in rows]) if ind.aggregate != "none" else None
    total_plan = _aggregate(ind.aggregate, [r[1] for r in rows]) if ind.aggregate != "none" else None
    previous = [r[3] for r in rows if r[3] is not None]
    total_prev = _aggregate(ind.aggregate, previous) if ind.aggregate != "none" and len(previous) == len(rows) else None
    pct = total / total_plan * 100 if total is not None and total_plan else None
    change = (total / total_prev - 1) * 100 if total is not None and total_prev else None
    parts = [ind.title[0].upper() + ind.title[1:]]
    if total is not None:
        mean = ind.aggregate == "mean" and "bình quân" not in ind.title.lower()
        scope = "bình quân toàn Cụm" if mean else "toàn Cụm"
        parts[0] += f" {scope} đạt {_amount(total, ind.unit)}"
        if pct is not None:
            parts.append(f"đạt {percent(pct)} kế hoạch")
        if change is not None:
            parts.append(f"{'tăng' if change >= 0 else 'giảm'} {percent(abs(change))} so với năm {campaign.year - 1}")
    n = len(campaign.members)
    sentence = ", ".join(parts) + f"; có {reached}/{n} {noun} đạt và vượt kế hoạch"
    if above:
        listed = join(f"{name} ({percent(p)})" for name, p in above[:3])
        sentence += f", một số {noun} vượt cao như: {listed}"
    elif ind.aggregate == "none":
        sentence += f"; cao nhất {high[0]} ({percent(high[1])}), thấp nhất {low[0]} ({percent(low[1])})"
    return {
        "code": ind.code,
        "title": ind.title,
        "unit": ind.unit,
        "aggregate": ind.aggregate,
        "total": total,
        "total_text": _amount(total, ind.unit) if total is not None else "",
        "pct_of_plan": pct,
        "pct_of_plan_text": percent(pct),
        "change": change,
        "change_text": percent(change),
        "reached": reached,
        "members": n,
        "above_plan": [{"name": name, "pct": p, "pct_text": percent(p)} for name, p in above],
        "lowest": {"name": low[0], "pct": low[1], "pct_text": percent(low[1])},
        "highest": {"name": high[0], "pct": high[1], "pct_text": percent(high[1])},
        "sentence": sentence + ".",
    }


def build_context(results: Results, today: date | None = None) -> dict[str, Any]:
    """Everything a template sees (documented in docs/report-context.md)."""
    campaign, ranking = results.campaign, results.ranking
    info = campaign.report
    day = info.date or today or date.today()
    names = {m.code: m.name for m in campaign.members}
    noun = info.member_noun
    sections = []
    for s in campaign.catalogue.sections:
        inds = [c for c in (indicator_context(i, results, noun) for i in s.indicators) if c]
        if inds:  # sections with plan indicators; the others are in the annex's score table
            sections.append({"number": len(sections) + 1, "code": s.code, "title": s.title, "indicators": inds})
    base_sections = [s for s in campaign.catalogue.sections if any(i.spec.role == "base" for i in s.indicators)]
    rows = [  # the same data as 'emuxl rank --json', formatted for print
        {
            "rank": m["rank"],
            "code": m["code"],
            "name": m["name"],
            "total": fixed(m["shown"]),
            "total_value": m["shown"],
            "section_values": [fixed(m["sections"].get(s.code, 0.0)) for s in base_sections],
            "bonus": fixed(m["bonus"]),
            "penalty": fixed(m["penalty"]),
            "award": m["award"],
            "award_name": m["award_name"] or ("Biểu quyết" if m["vote"] else ""),
            "justification": m["justification"],
            "tie_break": m["tie_break"],
            "vote": m["vote"],
        }
        for m in as_data(results)["members"]
    ]
    by_code = {r["code"]: r for r in rows}
    proposals = {
        award: [
            {"name": by_code[c]["name"], "total": by_code[c]["total"], "justification": by_code[c]["justification"]}
            for c in ranking.proposed[award]
        ]
        for award in (FLAG, MERIT)
    }
    top = rows[0] if rows else None
    ranking_sentence = (
        f"Kết quả chấm điểm, {top['name']} dẫn đầu Cụm với {top['total']} điểm; "
        f"các thành viên xếp hạng theo bảng tổng hợp kèm theo."
        if top
        else ""
    )
    flag_names = join(p["name"] for p in proposals[FLAG])
    merit_names = join(p["name"] for p in proposals[MERIT])
    proposal_sentence = ""
    if flag_names:
        proposal_sentence += f"Cụm thống nhất đề nghị tặng Cờ thi đua của Chính phủ cho {flag_names}"
    if merit_names:
        lead = "; " if proposal_sentence else "Cụm thống nhất đề nghị "
        proposal_sentence += f"{lead}tặng Bằng khen của Thủ tướng Chính phủ cho {merit_names}"
    deputies = [names[d] for d in ranking.next_deputies]
    rotation_sentence = (
        f"Thống nhất cử {names[ranking.next_chair]} làm Cụm trưởng"
        + (f", {join(deputies)} làm Cụm phó" if deputies else "")
        + f" năm {campaign.year + 1}."
    )
    context = {
        "cluster": campaign.cluster,
        "year": campaign.year,
        "next_year": campaign.year + 1,
        "members": [{"code": m.code, "name": m.name} for m in campaign.members],
        "chair": {"code": campaign.chair, "name": names[campaign.chair]},
        "deputies": [{"code": d, "name": names[d]} for d in campaign.deputies],
        "report": {
            **info.model_dump(mode="json", exclude={"date", "legal_basis"}),
            "date": day.isoformat(),
        },
        "date_line": f"{info.place + ', ' if info.place else ''}{long_date(day)}",
        "legal_basis": [*info.legal_basis, f"Giao ước thi đua năm {campaign.year} của {campaign.cluster}"],
        "sections": sections,
        "section_heads": [{"code": s.code, "title": s.title} for s in base_sections],
        "ranking": rows,
        "proposals": proposals,
        "ranking_sentence": ranking_sentence,
        "proposal_sentence": proposal_sentence + ("." if proposal_sentence else ""),
        "rotation_sentence": rotation_sentence,
        "next_chair": {"code": ranking.next_chair, "name": names[ranking.next_chair]},
        "next_deputies": [{"code": d, "name": names[d]} for d in ranking.next_deputies],
        "notes": ranking.notes,
        "illustrative": campaign.illustrative,
    }
    return _clean(context)


# ------------------------------------------------------------------ the sandbox


def environment() -> Any:
    """Jinja's immutable sandbox, autoescaping, strict about undefined names, bounded, with vn filters."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    from .vnformat import FILTERS

    class Bounded(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("exponent too large in a template")
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_SEQUENCE:
                        raise SecurityError("a template may not build strings or lists this long")
            result = super().call_binop(context, operator, left, right)
            if isinstance(result, str | list | tuple) and len(result) > MAX_SEQUENCE:
                raise SecurityError("a template may not build strings or lists this long")
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


def _where(template: Path, name: str) -> str:
    """The first paragraph of a template that mentions a name, to say where a problem is."""
    for text in _paragraph_texts(template):
        if name in text and ("{{" in text or "{%" in text):
            return f" (in the paragraph «{text[:120]}»)"
    return ""


def _render_job(job: tuple[str, dict[str, Any], str]) -> str | None:
    """Worker side: render one template to a file; return an error message or None."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import TemplateError, UndefinedError

    template, context, out = job
    with tempfile.TemporaryDirectory() as tmp:
        try:
            tpl = DocxTemplate(template)
            full = {**context, "chart": InlineImage(tpl, str(_chart(context, Path(tmp))), width=Mm(150))}
            tpl.render(full, jinja_env=environment(), autoescape=True)
            xml_size = len(tpl.docx.element.xml)
            if xml_size > MAX_OUTPUT:
                return f"{template}: the rendered document is too large ({xml_size // 1024 // 1024} MB)"
            tpl.save(Path(tmp) / "out.docx")
            write_atomic(Path(out), (Path(tmp) / "out.docx").read_bytes())
        except UndefinedError as e:
            name = re.findall(r"'([^']+)'", str(e))
            hint = _where(Path(template), name[-1]) if name else ""
            return f"{template}: {e}{hint}; check the spelling against 'emuxl report --context'"
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
            raise ReportError(f"template not found: {chosen}")
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
        raise ReportError("--out needs exactly one template (--template)")
    if pdf and not shutil.which("soffice"):
        raise ReportError("--pdf needs LibreOffice: apt-get install libreoffice-writer-nogui (soffice not found)")
    context = build_context(results, today)
    jobs = [(str(t), context, str(out or campaign.folder / "out" / t.name)) for t in templates]
    errors = []
    for index, result in run_isolated(_render_job, jobs, jobs=1, timeout=RENDER_TIMEOUT):
        if isinstance(result, Failure):
            errors.append(f"{templates[index]}: rendering stopped: {result.reason.splitlines()[0]}")
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
            raise ReportError(f"LibreOffice could not convert {docx.name} to PDF: {done.stderr.strip()[:300]}")
        target = docx.with_suffix(".pdf")
        write_atomic(target, made.read_bytes())
    return target


# ------------------------------------------------------------------ linting a template


def _paragraph_texts(template: Path) -> list[str]:
    with zipfile.ZipFile(template) as zf:
        parts = [n for n in zf.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
        out = []
        for name in parts:
            xml = zf.read(name).decode("utf-8", "replace")
            for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                out.append("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)))
    return out


def _runs_of_paragraphs(template: Path) -> list[list[str]]:
    with zipfile.ZipFile(template) as zf:
        xml = zf.read("word/document.xml").decode("utf-8", "replace")
    return [re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)]


TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)


def lint_template(template: Path, context: dict[str, Any]) -> list[str]:
    """Problems a template will cause: undefined names, tags split across Word runs, smart quotes in tags."""
    from docxtpl import DocxTemplate
    from jinja2 import meta

    problems = []
    for runs in _runs_of_paragraphs(template):
        text = "".join(runs)
        for tag in TAG.findall(text):
            if any(q in tag for q in "“”‘’"):
                problems.append(
                    f"smart quotes inside the tag «{tag[:80]}»: Word's AutoCorrect changed them; type straight quotes"
                )
            if not any(tag in run for run in runs):
                problems.append(f"the tag «{tag[:80]}» is split across formatting runs; retype it in one go")
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
        source = tpl.patch_xml(tpl.get_xml())
        names = meta.find_undeclared_variables(environment().parse(source))
    except Exception as e:
        return [*problems, f"the template does not parse: {e}"]
    known = set(context) | {"chart"}
    for name in sorted(names - known):
        problems.append(f"'{name}' is not in the data context{_where(template, name)}")
    return [f"{template.name}: {p}" for p in problems]
