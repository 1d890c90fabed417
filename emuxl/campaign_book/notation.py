"""What a cell of campaign.xlsx holds for each type of the schema, both ways: cell → value, value → cell.

One ``Codec`` per annotation of the pydantic schema. Scalars are what Excel
holds natively (text, numbers, dates) or a choice from a drop-down; lists and
mappings are written in a compact notation in one cell, parsed strictly:

- a list: items separated by ``;`` or line breaks — ``1; 0,9; 0,8``;
- a mapping: ``name=value`` items — ``Hoàn thành xuất sắc nhiệm vụ=1; Hoàn thành tốt nhiệm vụ=0,7``;
- a list of records: fields in the schema's order joined by ``:`` — bands ``10:1; 30:0,8``,
  predecessors ``83: Bến Tre; 84: Trà Vinh``;
- anything else (a nested structure the schema may grow): YAML flow text, ``{a: 1, b: [2, 3]}``.

Numbers in a notation take the Vietnamese decimal comma (``0,8``; ``0.8`` is
read too, but ``1.000`` is ambiguous and refused). ``(không)`` in a cell is an
explicit null, for a key whose default is not empty (the «KT.» line).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from ..i18n import _

NULL_WORD = "(không)"
TRUE_WORD, FALSE_WORD = "Đúng", "Sai"
_TRUE = {"đúng", "có", "true", "yes", "x", "1"}
_FALSE = {"sai", "không", "false", "no", "0"}
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")  # 1.000: a thousand the Vietnamese way, or one?
_SEPARATORS = re.compile(r"[;\n]")
EXCEL_EPOCH = dt.date(1899, 12, 30)

Kind = Literal["text", "integer", "number", "bool", "date", "choice", "list", "mapping", "records", "yaml"]


class NotationError(ValueError):
    """A cell's content does not read as the value its column or row needs (the message says how to fix it)."""


class _ItemError(NotationError):
    """An item of a list, mapping or record in a cell does not read (the message starts «has an item …»)."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a blank cell: the key is left out, so its default applies


def same(a: str, b: str) -> bool:
    """Whether two labels are the same text once composed (NFC), trimmed and in any case."""
    return unicodedata.normalize("NFC", a).strip().casefold() == unicodedata.normalize("NFC", b).strip().casefold()


def shown(value: Any) -> str:
    """A cell's content quoted for a message."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"«{value}»"


def vn_number(x: float | int) -> str:
    """A number for a notation, exactly (it reads back as the same double), with the decimal comma: 0,85."""
    if isinstance(x, bool):
        raise TypeError("not a number")
    if isinstance(x, int) or (float(x).is_integer() and abs(x) < 1e15):
        return str(int(x))
    text = repr(float(x))
    if "e" in text:
        text = f"{x:.20f}".rstrip("0")
    return text.replace(".", ",")


@dataclass(frozen=True)
class Codec:
    """How one type of the schema is held in a cell: read, written, validated, explained."""

    kind: Kind
    nullable: bool = False
    choices: Mapping[Any, str] = field(default_factory=dict)  # value -> label (drop-down; for text: words)
    item: Codec | None = None  # list items and mapping values
    fields: tuple[tuple[str, str, Codec, bool], ...] = ()  # records: key, label, codec, required
    low: float | None = None
    high: float | None = None

    # ---------------------------------------------------------------- cell → value

    def read(self, cell: Any) -> Any:
        """The value a cell holds (MISSING when blank), or NotationError saying what is wrong."""
        if isinstance(cell, str):
            cell = cell.strip()
        if cell is None or cell == "":
            return MISSING
        if isinstance(cell, str) and same(cell, NULL_WORD):
            if not self.nullable:
                raise NotationError(_("cannot be {null}: it needs a value").format(null=NULL_WORD))
            return None
        return _READERS[self.kind](self, cell)

    # ---------------------------------------------------------------- value → cell

    def write(self, value: Any) -> Any:
        """What to put in the cell for a value: text, a number, a date, or None for a blank cell."""
        if value is None:
            return NULL_WORD if self.nullable else None
        return _WRITERS[self.kind](self, value)

    def piece(self, value: Any) -> str:
        """A value as text inside a notation."""
        if self.kind in ("integer", "number"):
            return vn_number(value)
        written = self.write(value)
        if isinstance(written, dt.date):
            return written.strftime("%d/%m/%Y")
        return "" if written is None else str(written)

    # ---------------------------------------------------------------- explained

    @property
    def is_number(self) -> bool:
        """Whether the cell holds one number (and gets number validation)."""
        return self.kind in ("integer", "number")

    def notation(self) -> str:
        """How to write the value, in Vietnamese, for input messages and the sheet's notes."""
        if self.kind == "list" and self.item is not None:
            if self.item.kind == "records":
                return "mỗi mục «" + self.item.record_form() + "», các mục cách nhau bởi dấu ; hoặc xuống dòng"
            what = "các số" if self.item.is_number else "các mục"
            return f"{what} cách nhau bởi dấu ; hoặc xuống dòng (Alt+Enter)"
        if self.kind == "mapping":
            return "mỗi mục «tên=giá trị», các mục cách nhau bởi dấu ; hoặc xuống dòng"
        if self.kind == "yaml":
            return "viết theo cú pháp YAML một dòng, ví dụ {khóa: giá trị}"
        if self.kind == "date":
            return "ngày dạng dd/mm/yyyy"
        if self.kind in ("bool", "choice"):
            return "chọn trong danh sách"
        if self.kind == "integer":
            return "số nguyên"
        if self.kind == "number":
            return "số"
        return "chữ"

    def record_form(self) -> str:
        """The fields of a record in order: «mã: tên»."""
        return ": ".join(label for _, label, _, _ in self.fields)

    def options(self) -> list[str]:
        """The entries of the cell's drop-down (bool and choice), else []."""
        if self.kind == "bool":
            return [TRUE_WORD, FALSE_WORD]
        if self.kind == "choice":
            return list(self.choices.values())
        return []


# ------------------------------------------------------------------ readers


def _number_text(text: str, whole: bool = False) -> float | int:
    compact = text.replace(" ", "").replace("\u00a0", "")
    if _AMBIGUOUS.match(compact):
        if whole:
            message = _(
                "is ambiguous: {text} may be a thousand or a whole number with three decimals;"
                " write 1000, or use the decimal comma (1,500)"
            )
        else:
            message = _(
                "is ambiguous: {text} may be a thousand or a number with three decimals;"
                " write 1000, or use the decimal comma (1,500)"
            )
        raise NotationError(message.format(text=shown(text)))
    if not _NUMBER.match(compact):
        message = _("must be a whole number, not {value}") if whole else _("must be a number, not {value}")
        raise NotationError(message.format(value=shown(text)))
    if "," in compact or "." in compact:
        return float(compact.replace(",", "."))
    return int(compact)


def _read_text(c: Codec, cell: Any) -> Any:
    if isinstance(cell, bool):
        raise NotationError(_("must be text, not {value}").format(value=shown(cell)))
    if isinstance(cell, int | float):
        return vn_number(cell) if float(cell).is_integer() else str(cell)  # a code typed as a number: 80 → "80"
    if isinstance(cell, dt.datetime | dt.date):
        raise NotationError(_("must be text, not the date {date:%d/%m/%Y}").format(date=cell))
    text = str(cell)
    if not c.choices:
        return text
    for value, label in c.choices.items():  # words for values: «Phần A» is section:A
        for prefix in (label, str(value)) if str(value).endswith(":") else ():
            if text[: len(prefix)].casefold() == prefix.casefold() and text[len(prefix) :].strip():
                return str(value) + text[len(prefix) :].strip()
        if same(text, label) or same(text, str(value)):
            return value
    listed = ", ".join(f"«{label}<mã>»" if str(v).endswith(":") else f"«{label}»" for v, label in c.choices.items())
    raise NotationError(_("must be one of {choices}, not {value}").format(choices=listed, value=shown(cell)))


def _write_text(c: Codec, value: Any) -> Any:
    text = str(value)
    for key, label in c.choices.items():
        if str(key).endswith(":") and text.startswith(str(key)):
            return label + text[len(str(key)) :]
        if text == key:
            return label
    return text


def _read_number(c: Codec, cell: Any) -> Any:
    whole = c.kind == "integer"
    if isinstance(cell, bool | dt.datetime | dt.date):
        raise NotationError(_("must be a number, not {value}").format(value=shown(cell)))
    value = cell if isinstance(cell, int | float) else _number_text(str(cell), whole)
    if whole:
        if not float(value).is_integer():
            raise NotationError(_("must be a whole number, not {value}").format(value=shown(cell)))
        value = int(value)
    return value


def _read_bool(c: Codec, cell: Any) -> Any:
    if isinstance(cell, bool):
        return cell
    word = str(vn_number(cell) if isinstance(cell, int | float) else cell).strip().casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise NotationError(
        _("must be {true} or {false} (choose from the list), not {value}").format(
            true=TRUE_WORD, false=FALSE_WORD, value=shown(cell)
        )
    )


def _read_date(c: Codec, cell: Any) -> Any:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool) and 36526 <= cell < 73051:  # 2000–2100
        return EXCEL_EPOCH + dt.timedelta(days=int(cell))  # a date cell that lost its date format
    text = str(cell).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise NotationError(_("must be a date (dd/mm/yyyy, e.g. 15/01/2024), not {value}").format(value=shown(cell)))


def _read_choice(c: Codec, cell: Any) -> Any:
    text = str(vn_number(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) else cell)
    for value, label in c.choices.items():
        if same(text, label) or same(text, str(value)):
            return value
    listed = ", ".join(f"«{label}»" for label in c.choices.values())
    raise NotationError(_("must be one of {choices}, not {value}").format(choices=listed, value=shown(cell)))


def _pieces(cell: Any) -> list[str]:
    return [p.strip() for p in _SEPARATORS.split(str(cell)) if p.strip()]


def _read_list(c: Codec, cell: Any) -> Any:
    assert c.item is not None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return [c.item.read(cell)]  # one number in a number cell: a list of one
    out = []
    for piece in _pieces(cell):
        try:
            out.append(c.item.read(piece))
        except _ItemError:
            raise
        except NotationError as e:
            raise _ItemError(_("has an item that {problem} (items are separated by «;»)").format(problem=e)) from None
    return out


def _read_mapping(c: Codec, cell: Any) -> Any:
    assert c.item is not None
    out: dict[str, Any] = {}
    for piece in _pieces(cell):
        key, sign, value = piece.rpartition("=")
        if not sign or not key.strip():
            raise _ItemError(
                _("has an item {item} without «=»; write each item as «tên=giá trị» (Đạt=1)").format(item=shown(piece))
            )
        try:
            out[key.strip()] = c.item.read(value)
        except NotationError as e:
            raise _ItemError(
                _("has an item {item} whose value {problem}").format(item=shown(piece), problem=e)
            ) from None
        if out[key.strip()] is MISSING:
            raise _ItemError(_("has an item {item} with nothing after «=»").format(item=shown(piece)))
    return out


def _read_records(c: Codec, cell: Any) -> Any:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        cell = vn_number(cell)
    record: dict[str, Any] = {}
    parts = [p.strip() for p in str(cell).split(":", len(c.fields) - 1)]
    for (key, label, codec, required), part in zip(c.fields, parts + [""] * len(c.fields), strict=False):
        try:
            value = codec.read(part)
        except NotationError as e:
            message = _("has an item {item} whose {field} {problem}")
            raise _ItemError(message.format(item=shown(cell), field=label, problem=e)) from None
        if value is MISSING:
            if required:
                raise _ItemError(
                    _("has an item {item} without its {field}; write each item as «{form}»").format(
                        item=shown(cell), field=label, form=c.record_form()
                    )
                )
            continue
        record[key] = value
    return record


def _read_yaml(c: Codec, cell: Any) -> Any:
    if not isinstance(cell, str):
        return cell
    try:
        return yaml.safe_load(cell)
    except yaml.YAMLError as e:
        raise NotationError(_("is not valid YAML ({error})").format(error=getattr(e, "problem", None) or e)) from None


_READERS: dict[str, Callable[[Codec, Any], Any]] = {
    "text": _read_text,
    "integer": _read_number,
    "number": _read_number,
    "bool": _read_bool,
    "date": _read_date,
    "choice": _read_choice,
    "list": _read_list,
    "mapping": _read_mapping,
    "records": _read_records,
    "yaml": _read_yaml,
}


# ------------------------------------------------------------------ writers


def _joined(pieces: list[str]) -> str:
    """Items as one cell: a line each when they are words, «; » between numbers and codes."""
    for p in pieces:
        if ";" in p or "\n" in p:
            raise NotationError(
                _("{item} holds «;» or a line break, which separate items in the workbook").format(item=shown(p))
            )
    return ("\n" if any(" " in p for p in pieces) else "; ").join(pieces)


def _write_list(c: Codec, value: Any) -> Any:
    assert c.item is not None
    return _joined([c.item.piece(x) for x in value])


def _write_mapping(c: Codec, value: Any) -> Any:
    assert c.item is not None
    for key in value:
        if "=" in str(key):
            raise NotationError(_("{name} holds «=», which separates a name from its value").format(name=shown(key)))
    return _joined([f"{key}={c.item.piece(v)}" for key, v in value.items()])


def _write_records(c: Codec, value: Any) -> Any:
    data = value.model_dump(exclude_unset=True) if isinstance(value, BaseModel) else dict(value)
    parts = [c_.piece(data[key]) if data.get(key) is not None else "" for key, _, c_, _ in c.fields]
    while parts and not parts[-1]:
        parts.pop()
    if any(":" in p for p in parts[:-1]):
        raise NotationError(_("{item}: only the last field of an item may hold «:»").format(item=shown(parts)))
    return (": " if any(codec.kind == "text" for _, _, codec, _ in c.fields) else ":").join(parts)


def _write_yaml(c: Codec, value: Any) -> Any:
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_unset=True)
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6).strip()


_WRITERS: dict[str, Callable[[Codec, Any], Any]] = {
    "text": _write_text,
    "integer": lambda c, v: v,
    "number": lambda c, v: v,
    "bool": lambda c, v: TRUE_WORD if v else FALSE_WORD,
    "date": lambda c, v: v,
    "choice": lambda c, v: c.choices.get(v, str(v)),
    "list": _write_list,
    "mapping": _write_mapping,
    "records": _write_records,
    "yaml": _write_yaml,
}


# ------------------------------------------------------------------ from the schema


def _scalar(annotation: Any) -> Kind | None:
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "integer"
    if annotation is float:
        return "number"
    if annotation is str:
        return "text"
    if annotation in (dt.date, dt.datetime):
        return "date"
    return None


def _optional(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None``, and whether None was allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation (or its ``| None``) names, else None."""
    inner, _nullable = _optional(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def codec_for(
    annotation: Any,
    *,
    choices: Mapping[Any, str] | None = None,
    label_of: Callable[[type[BaseModel], str], str] | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Codec:
    """The codec of a schema annotation; ``choices`` names a Literal's values, ``label_of`` a record's fields."""
    inner, nullable = _optional(annotation)
    kind = _scalar(inner)
    if kind is not None:
        words = dict(choices or {}) if kind == "text" else {}  # open choices: words for some values of a text
        return Codec(kind, nullable, words, low=low, high=high)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin is Literal:
        names = dict(choices or {})
        return Codec("choice", nullable, {v: names.get(v, str(v)) for v in args})
    if origin is list and len(args) == 1:
        item = args[0]
        model = model_of(item)
        if model is not None:
            record = _record(model, label_of)
            if record is not None:
                return Codec("list", nullable, item=record)
        elif _scalar(item) is not None or typing.get_origin(item) is Literal:
            return Codec("list", nullable, item=codec_for(item, choices=choices))
    if origin is dict and len(args) == 2 and args[0] is str and _scalar(args[1]) is not None:
        return Codec("mapping", nullable, item=codec_for(args[1]))
    return Codec("yaml", nullable)


def _record(model: type[BaseModel], label_of: Callable[[type[BaseModel], str], str] | None) -> Codec | None:
    """A list item's codec when every field of its model is a scalar, else None (YAML then)."""
    fields = []
    for key, info in model.model_fields.items():
        inner, _nullable = _optional(info.annotation)
        if _scalar(inner) is None and typing.get_origin(inner) is not Literal:
            return None
        label = label_of(model, key) if label_of else (info.title or key)
        fields.append((key, label, codec_for(info.annotation), info.is_required()))
    return Codec("records", fields=tuple(fields))
