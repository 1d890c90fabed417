"""The configuration reference, generated from the schema so the docs never go stale."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .definitions import (
    Awards,
    CampaignFile,
    Catalogue,
    Indicator,
    Member,
    Predecessor,
    RankingRules,
    ReportInfo,
    Section,
    Signatory,
)
from .methods import METHODS, Band


def _type_name(annotation: Any) -> str:
    text = annotation.__name__ if isinstance(annotation, type) else str(annotation)
    text = re.sub(r"\b[\w]+\.(?=\w)", "", text).replace("NoneType", "null")
    return text.replace(" | ", " or ").replace("|", " or ")


def _table(model: type[BaseModel]) -> list[str]:
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if field.default is PydanticUndefined:
            default = "**required**"
        elif isinstance(field.default, BaseModel):
            default = "see below"
        else:
            default = f"`{field.default!r}`" if field.default not in ({}, []) else f"`{field.default}`"
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | {_type_name(field.annotation)} | {default} | {meaning} |")
    return rows


def config_reference() -> str:
    """Markdown tables of every key of campaign.yaml, indicators.yaml and each method's params."""
    parts: list[str] = []
    for title, model in [
        ("campaign.yaml", CampaignFile),
        ("campaign.yaml: members[]", Member),
        ("campaign.yaml: members[].predecessors[]", Predecessor),
        ("campaign.yaml: awards", Awards),
        ("campaign.yaml: ranking", RankingRules),
        ("campaign.yaml: report", ReportInfo),
        ("campaign.yaml: report.signatory", Signatory),
        ("indicators.yaml", Catalogue),
        ("indicators.yaml: sections[]", Section),
        ("indicators.yaml: sections[].indicators[]", Indicator),
    ]:
        parts += [f"#### {title}", "", *_table(model), ""]
    for method in METHODS.values():
        parts += [f"#### params of `{method.name}` ({method.title})", "", (method.params.__doc__ or "").strip(), ""]
        parts += [*_table(method.params), ""] if method.params.model_fields else ["No parameters.", ""]
    parts += ["#### params: national `bands[]`", "", *_table(Band), ""]
    return "\n".join(parts).rstrip() + "\n"


def cli_reference() -> str:
    """The ``--help`` text of every command, as Markdown."""
    import click

    from .cli import main

    parts: list[str] = []
    fixed = {**main.context_settings, "terminal_width": 80, "max_content_width": 80}
    with click.Context(main, info_name="emuxl", **fixed) as ctx:
        parts += ["```", main.get_help(ctx), "```", ""]
        for name, command in main.commands.items():
            with click.Context(command, parent=ctx, info_name=name, **fixed) as sub:
                parts += [f"#### emuxl {name}", "", "```", command.get_help(sub), "```", ""]
    return "\n".join(parts).rstrip() + "\n"


BLOCKS = {"config": config_reference, "cli": cli_reference}


def refresh(text: str) -> str:
    """The README text with its generated blocks brought up to date."""
    for name, render in BLOCKS.items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        text = head + start + render() + end + tail
    return text
