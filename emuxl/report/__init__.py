"""Word reports: the data context (context.py), sandboxed rendering (render.py), template linting (lint.py)."""

from .context import build_context, indicator_context, ranking_row
from .lint import lint_template
from .render import RENDER_TIMEOUT, Rendered, chart_rows, environment, render_reports, template_paths, to_pdf

__all__ = [
    "RENDER_TIMEOUT",
    "Rendered",
    "build_context",
    "chart_rows",
    "environment",
    "indicator_context",
    "lint_template",
    "ranking_row",
    "render_reports",
    "template_paths",
    "to_pdf",
]
