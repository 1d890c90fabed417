"""The shape of campaign.xlsx, derived from the schema and the method registry, never written out by hand.

«Cụm» has a row per key of campaign.yaml (nested blocks under a heading row)
and per key of indicators.yaml but its sections; «Thành viên», «Phần» and
«Tiêu chí» have a column per key of a member, a section and an indicator. The
parameters of every registered method become labelled columns of «Tiêu chí»:
parameters with the same Vietnamese label and notation share a column (the
«Tỷ lệ điểm khi đạt KH» of ``plan`` and of ``leader``), so a new key in the
schema or a new method changes the workbook without this module changing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..definitions import CampaignFile, Catalogue, Indicator, Member, Section
from ..methods import METHODS, param_info
from .labels import CHOICES, EXAMPLES, help_text, label
from .notation import Codec, codec_for, model_of

CAMPAIGN, CATALOGUE = "campaign", "catalogue"
SKIPPED = {CAMPAIGN: {"members", "indicators"}, CATALOGUE: {"sections"}}  # held by other sheets, or by the book
PARAM = "params:"  # the key of a parameter column: PARAM + its label (a column serves several methods)
SECTION_KEY = "section"  # the «Phần» column of «Tiêu chí»: not a key of an indicator, the section it goes in


def bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """The low and high bound a field's metadata sets (ge/gt, le/lt), if any."""
    low = high = None
    for m in info.metadata:
        for name in ("ge", "gt"):
            low = getattr(m, name, None) if getattr(m, name, None) is not None else low
        for name in ("le", "lt"):
            high = getattr(m, name, None) if getattr(m, name, None) is not None else high
    return low, high


def _label_of(prefix: str) -> Any:
    def label_of(model: type[BaseModel], key: str) -> str:
        info = model.model_fields[key]
        return label(f"{prefix}.{key}", info.title or key)

    return label_of


def _codec(key: str, info: FieldInfo, choices: dict[Any, str] | None = None) -> Codec:
    low, high = bounds(info)
    return codec_for(info.annotation, choices=choices or CHOICES.get(key), label_of=_label_of(key), low=low, high=high)


# ------------------------------------------------------------------ «Cụm»


@dataclass(frozen=True)
class Row:
    """A row of «Cụm»: one key of campaign.yaml or indicators.yaml (or, with no codec, a heading)."""

    key: str  # key path, e.g. report.signatory.name; catalogue keys start with "catalogue."
    label: str
    help: str
    codec: Codec | None  # None: the heading of a nested block
    required: bool = False
    default: Any = None
    depth: int = 0

    @property
    def target(self) -> str:
        """Which file the key belongs to: campaign (campaign.yaml) or catalogue (indicators.yaml)."""
        return CATALOGUE if self.key.startswith(CATALOGUE + ".") else CAMPAIGN

    @property
    def path(self) -> tuple[str, ...]:
        """The key path in its file's data."""
        parts = tuple(self.key.split("."))
        return parts[1:] if self.target == CATALOGUE else parts


def _rows(model: type[BaseModel], prefix: str, depth: int, skip: set[str]) -> list[Row]:
    out: list[Row] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        key = f"{prefix}{name}"
        nested = model_of(info.annotation)
        if nested is not None:
            out.append(Row(key, label(key), help_text(key, info.description or ""), None, depth=depth))
            out += _rows(nested, key + ".", depth + 1, set())
            continue
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        out.append(
            Row(
                key,
                label(key),
                help_text(key, info.description or ""),
                _codec(key, info),
                info.is_required(),
                default,
                depth,
            )
        )
    return out


def cluster_rows() -> list[Row]:
    """Every row of «Cụm», in the schema's order: the campaign's keys, then the catalogue's."""
    return _rows(CampaignFile, "", 0, SKIPPED[CAMPAIGN]) + _rows(Catalogue, CATALOGUE + ".", 0, SKIPPED[CATALOGUE])


# ------------------------------------------------------------------ the table sheets


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: one key of the row's object, or a parameter of some methods."""

    key: str  # the key in the row's object; for a parameter column, PARAM + its label
    label: str
    help: str
    codec: Codec
    required: bool = False
    width: float = 14
    params: dict[str, str] = field(default_factory=dict)  # method name -> its parameter key in this column
    helps: dict[str, str] = field(default_factory=dict)  # method name -> its help for this parameter
    example: str = ""


WIDTHS = {"title": 46, "name": 22, "description": 30, "predecessors": 30, "veto": 26, "method": 22, "unit": 11}


def _columns(model: type[BaseModel], prefix: str, skip: set[str]) -> list[Column]:
    out = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        key = f"{prefix}.{name}"
        codec = _codec(key, info)
        width = WIDTHS.get(name, 8 if name == "code" else 24 if codec.kind in ("list", "mapping", "yaml") else 12)
        out.append(Column(name, label(key), help_text(key, info.description or ""), codec, info.is_required(), width))
    return out


def member_columns() -> list[Column]:
    """The columns of «Thành viên»: every key of a member."""
    return _columns(Member, "members", set())


def section_columns() -> list[Column]:
    """The columns of «Phần»: every key of a section but its indicators."""
    return _columns(Section, "sections", {"indicators"})


def indicator_columns() -> list[Column]:
    """The columns of «Tiêu chí»: its section, every key of an indicator, then the methods' parameters."""
    section = Column(SECTION_KEY, label("indicators.section"), help_text("indicators.section"), Codec("text"), True, 7)
    base = _columns(Indicator, "indicators", {"params"})
    method = next(c for c in base if c.key == "method")
    titles = {m.name: m.title for m in METHODS.values()}
    base[base.index(method)] = replace(method, codec=Codec("choice", choices=titles))
    return [section, *base, *param_columns({c.label for c in base} | {section.label})]


def param_columns(taken: set[str] = frozenset()) -> list[Column]:  # type: ignore[assignment]
    """A column per parameter label and notation, shared by the methods whose parameter it is."""
    columns: list[Column] = []
    for method in METHODS.values():
        for p in param_info(method.params):
            info = method.params.model_fields[p.name]
            codec = _codec(p.name, info, dict(p.choices) or None)
            plain = replace(codec, low=None, high=None)
            same = next(
                (
                    i
                    for i, c in enumerate(columns)
                    if c.label == p.label and replace(c.codec, low=None, high=None) == plain
                ),
                None,
            )
            if same is None:
                name = p.label if p.label not in taken else f"{p.label} ({method.title})"
                taken = {*taken, name}
                width = 24 if codec.kind in ("list", "mapping", "yaml") else 13
                example = EXAMPLES.get(p.name, "")
                params, helps = {method.name: p.name}, {method.name: p.help}
                columns.append(Column(PARAM + name, name, p.help, codec, False, width, params, helps, example))
                continue
            column = columns[same]
            low = None if column.codec.low is None or codec.low is None else min(column.codec.low, codec.low)
            high = None if column.codec.high is None or codec.high is None else max(column.codec.high, codec.high)
            columns[same] = replace(
                column,
                codec=replace(column.codec, low=low, high=high),
                params={**column.params, method.name: p.name},
                helps={**column.helps, method.name: p.help},
            )
    return columns


def required_params(column: Column) -> list[str]:
    """The methods for which a parameter column must be filled (their parameter has no default)."""
    out = []
    for name, key in column.params.items():
        info = METHODS[name].params.model_fields[key]
        if info.is_required():
            out.append(name)
    return out


def is_default(info: FieldInfo, value: Any) -> bool:
    """Whether a value equals the field's default (so the cell may stay blank)."""
    return info.default is not PydanticUndefined and value == info.default
