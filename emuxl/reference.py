"""The README's generated references: the configuration from the schema, so the docs never go stale."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .definitions import (
    Attendee,
    Awards,
    CampaignFile,
    Catalogue,
    Commendations,
    Indicator,
    Meeting,
    Member,
    Person,
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


def _table(model: type[BaseModel], labels: bool = False) -> list[str]:
    if labels:  # a method's parameters: the Vietnamese label and help the catalogue workbook shows
        rows = ["| key | type | default | meaning | nhãn (tiếng Việt) |", "|---|---|---|---|---|"]
    else:
        rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if field.default is PydanticUndefined:
            default = "**required**"
        elif isinstance(field.default, BaseModel):
            default = "see below"
        else:
            default = f"`{field.default!r}`" if field.default not in ({}, []) else f"`{field.default}`"
        meaning = (field.description or "").replace("|", "\\|")
        row = f"| `{name}` | {_type_name(field.annotation)} | {default} | {meaning} |"
        if labels:
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            row += f" {field.title}: {extra.get('help', '')} |"
        rows.append(row)
    return rows


def config_reference() -> str:
    """Markdown tables of every key of campaign.yaml, indicators.yaml and each method's params."""
    parts: list[str] = []
    models: list[tuple[str, type[BaseModel]]] = [
        ("campaign.yaml", CampaignFile),
        ("campaign.yaml: members[]", Member),
        ("campaign.yaml: members[].predecessors[]", Predecessor),
        ("campaign.yaml: awards", Awards),
        ("campaign.yaml: ranking", RankingRules),
        ("campaign.yaml: report", ReportInfo),
        ("campaign.yaml: report.signatory", Signatory),
        ("campaign.yaml: report.commendations", Commendations),
        ("campaign.yaml: report.meeting", Meeting),
        ("campaign.yaml: report.meeting.chaired_by, .secretary", Person),
        ("campaign.yaml: report.meeting.attendees[]", Attendee),
        ("indicators.yaml", Catalogue),
        ("indicators.yaml: sections[]", Section),
        ("indicators.yaml: sections[].indicators[]", Indicator),
    ]
    for title, model in models:
        parts += [f"#### {title}", "", *_table(model), ""]
    for method in METHODS.values():
        parts += [f"#### params of `{method.name}` ({method.title})", "", (method.params.__doc__ or "").strip(), ""]
        parts += [*_table(method.params, labels=True), ""] if method.params.model_fields else ["No parameters.", ""]
    parts += ["#### params: national `bands[]`", "", *_table(Band, labels=True), ""]
    return "\n".join(parts).rstrip() + "\n"


def refresh(text: str, cli: str) -> str:
    """The README text with its generated blocks brought up to date; ``cli`` is the command reference.

    The command reference is rendered from ``--help`` by ``emuxl.cli.cli_reference``
    (only the command line knows click).
    """
    for name, block in {"config": config_reference(), "cli": cli}.items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        text = head + start + block + end + tail
    return text
