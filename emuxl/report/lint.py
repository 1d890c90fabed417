"""Linting a report template before it is rendered: names not in the context, tags Word has broken."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ..i18n import _
from .render import environment


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


def paragraph_of(template: Path, name: str) -> str | None:
    """The first paragraph of a template that mentions a name in a tag (its first 120 characters), to say where
    a problem is; None when none does."""
    for text in _paragraph_texts(template):
        if name in text and ("{{" in text or "{%" in text):
            return text[:120]
    return None


TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)


def damaged(template: Path) -> str | None:
    """Why a template cannot be a Word document (not a zip, no document part, unreadable), or None."""
    try:
        with zipfile.ZipFile(template) as zf:
            if "word/document.xml" not in zf.namelist():
                return _("it has no document part (word/document.xml)")
            zf.read("word/document.xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, ValueError) as e:
        return f"{type(e).__name__}: {e}"
    except OSError as e:
        return e.strerror or type(e).__name__
    return None


def lint_template(template: Path, context: dict[str, Any]) -> list[str]:
    """Problems a template will cause: undefined names, tags split across Word runs, smart quotes in tags."""
    from docxtpl import DocxTemplate
    from jinja2 import meta

    why = damaged(template)
    if why:
        return [
            _(
                "{template}: not a Word document (.docx) that can be read ({why}); restore it from a backup copy,"
                " or take the bundled one again ('emuxl init NEW-FOLDER' writes them to NEW-FOLDER/templates)"
            ).format(template=template, why=why)
        ]
    problems = []
    for runs in _runs_of_paragraphs(template):
        text = "".join(runs)
        for tag in TAG.findall(text):
            if any(q in tag for q in "“”‘’"):
                problems.append(
                    _(
                        "smart quotes inside the tag «{tag}»: Word's AutoCorrect changed them; type straight quotes"
                    ).format(tag=tag[:80])
                )
            if not any(tag in run for run in runs):
                problems.append(
                    _("the tag «{tag}» is split across formatting runs; retype it in one go").format(tag=tag[:80])
                )
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
        source = tpl.patch_xml(tpl.get_xml())
        names = meta.find_undeclared_variables(environment().parse(source))
    except Exception as e:
        return [*problems, _("the template does not parse: {error}").format(error=e)]
    known = set(context) | {"chart"}
    for name in sorted(names - known):
        paragraph = paragraph_of(template, name)
        if paragraph is None:
            problems.append(_("'{name}' is not in the data context").format(name=name))
        else:
            problems.append(
                _("'{name}' is not in the data context (in the paragraph «{paragraph}»)").format(
                    name=name, paragraph=paragraph
                )
            )
    return [f"{template.name}: {p}" for p in problems]
