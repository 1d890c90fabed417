"""Campaign and catalogue loading and validation: two YAML files in, one ``Campaign`` out.

Every problem a user can make is reported at once, each with the file, the
key path (``sections[1].indicators[3].points``), the line, and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import CampaignNotFound, DefinitionsError, Problem
from .methods import METHODS, Input, Limits, Method, Params

CODE_PATTERN = r"^[A-Z][A-Z0-9_]*$"
CAMPAIGN_FILE = "campaign.yaml"
_PARENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")  # the last step of a key path: .key or [3]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with some fields changed; values cached from the old fields are dropped."""
        copy = super().model_copy(update=update, deep=deep)
        for name in [k for k in copy.__dict__ if isinstance(getattr(type(copy), k, None), cached_property)]:
            del copy.__dict__[name]
        return copy


# ------------------------------------------------------------------ campaign.yaml


class Predecessor(_Model):
    """A pre-merger unit now part of a member (for year-on-year comparisons)."""

    code: str = Field(..., min_length=1, description="official code of the old unit, as text")
    name: str = Field(..., min_length=1, description="name of the old unit")


class Member(_Model):
    """A member of the cluster (*thành viên Cụm*): a province, city, commune or department."""

    code: str = Field(..., min_length=1, description='official administrative code, as text ("80")')
    name: str = Field(..., min_length=1, description="official name (Long An)")
    predecessors: list[Predecessor] = Field([], description="old units merged into this one")
    veto: str | None = Field(None, description="serious violation barring the Flag, in words")

    @property
    def slug(self) -> str:
        """The name in ASCII lower case with hyphens, for file names (Cà Mau -> ca-mau)."""
        plain = unicodedata.normalize("NFKD", self.name.replace("Đ", "D").replace("đ", "d"))
        ascii_name = plain.encode("ascii", "ignore").decode().lower()
        return "-".join("".join(ch if ch.isalnum() else " " for ch in ascii_name).split())


class Awards(_Model):
    """Award quotas (*chỉ tiêu khen thưởng*); omitted ones follow the cluster-size rule."""

    flag: int | None = Field(None, ge=0, description="Cờ thi đua của Chính phủ: how many may be proposed")
    merit: int | None = Field(None, ge=0, description="Bằng khen của Thủ tướng Chính phủ: how many")


class RankingRules(_Model):
    """How totals become ranks and awards (*bình xét*): tie-breaks, eligibility gates, rotation."""

    tie_break: list[str] = Field(
        ["section:A", "above_plan", "peer"],
        description="tie-break chain after the total: section:<CODE> subtotal, above_plan count, peer score",
    )
    decimals: int = Field(2, ge=0, le=4, description="published precision: ranks use totals rounded to this")
    section_floor: float | None = Field(
        None, gt=0, le=1, description="for the Flag, every section must reach this share of its max"
    )
    targets_share: float | None = Field(
        None, gt=0, le=1, description="for the Flag, this share of plan indicators must reach their plan"
    )
    rotation: Literal["order", "rank"] = Field(
        "order", description="next chair: the next member in list order, or the best-ranked non-chair"
    )
    next_chair: str | None = Field(None, description="next year's chair when already agreed (member code)")


class Vote(_Model):
    """A tie the meeting settled by vote (*biểu quyết*): the members tied at one rank, in the order decided."""

    members: list[str] = Field(..., min_length=2, description="codes of the members tied at one rank")
    order: list[str] = Field(..., min_length=2, description="the same codes, best first, as the meeting decided")
    note: str = Field("", description="the vote as recorded, e.g. «biểu quyết 9/12»")


class FinalAwards(_Model):
    """The final award lists, when the meeting departs from the proposal (a list left out stays as proposed)."""

    flag: list[str] | None = Field(None, description="codes proposed for the Cờ thi đua của Chính phủ, in order")
    merit: list[str] | None = Field(None, description="codes proposed for the Bằng khen của Thủ tướng Chính phủ")
    reason: str = Field("", description="why the meeting departed from the proposal (needed when it does)")


class Decisions(_Model):
    """What the conference decided (*hội nghị bình xét, suy tôn*): votes, final awards, next chair and deputies."""

    votes: list[Vote] = Field([], description="each tie the meeting settled, in the order it decided")
    awards: FinalAwards | None = Field(None, description="the final award lists, when they depart from the proposal")
    next_chair: str | None = Field(None, description="next year's chair as elected (member code)")
    next_deputies: list[str] | None = Field(None, description="next year's deputies as elected, in order")


class Robustness(_Model):
    """How solid the ranking is (*độ tin cậy*): the Monte Carlo of rank intervals and the outlier threshold."""

    vary: float = Field(0.10, gt=0, lt=1, description="each indicator's points vary by ± this share in the draws")
    spread: Literal["indicator", "member"] = Field(
        "indicator",
        description="indicator: one factor per indicator and draw (the scoring table's weights); "
        "member: one per member, indicator and draw (each figure)",
    )
    draws: int = Field(1000, ge=10, le=100_000, description="Monte Carlo draws")
    seed: int = Field(1, ge=0, description="seed of the draws: the same seed gives the same intervals")
    interval: float = Field(0.90, gt=0, le=1, description="share of the draws a rank interval covers (central)")
    outlier_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="flag a member when one indicator gives more than this share of its gap to the mean",
    )


class Signatory(_Model):
    """Who signs the documents (*thẩm quyền ký*), lines as printed above the name."""

    on_behalf: str = Field("TM. ỦY BAN NHÂN DÂN", description="first line (TM. …)")
    acting: str | None = Field("KT. CHỦ TỊCH", description="second line (KT. …), or null")
    title: str = Field("PHÓ CHỦ TỊCH", description="the signatory's title")
    name: str = Field("", description="the signatory's full name")


DEFAULT_BASIS = [
    "Luật Thi đua, khen thưởng số 06/2022/QH15",
    "Nghị định của Chính phủ quy định chi tiết một số điều của Luật Thi đua, khen thưởng",
]


class ReportInfo(_Model):
    """What the Word documents need beyond the data: issuer, numbers, signatory, recipients, texts."""

    issuer: str = Field("ỦY BAN NHÂN DÂN", description="issuing body, as printed (capitals)")
    issuer_parent: str | None = Field(None, description="the body above the issuer, printed over it, or null")
    number: str = Field("      /BC-UBND", description="number of the summary report (Số: …)")
    proposal_number: str = Field("      /TTr-UBND", description="number of the award proposal")
    minutes_number: str = Field("      /BB-CTĐ", description="number of the minutes of the scoring meeting")
    proposal_to: str = Field(
        "Hội đồng Thi đua - Khen thưởng Trung ương", description="to whom the proposal is addressed (Kính gửi)"
    )
    place: str = Field("", description="place in the date line (Sóc Trăng)")
    date: dt.date | None = Field(None, description="date of the documents (default: the day they are rendered)")
    signatory: Signatory = Field(Signatory(), description="who signs")
    recipients: list[str] = Field(["Như trên", "Lưu: VT"], description="Nơi nhận, one line each")
    legal_basis: list[str] = Field(DEFAULT_BASIS, description="Căn cứ lines (the covenant line is added)")
    member_noun: str = Field("tỉnh", description="what members are called in sentences (tỉnh, xã, đơn vị)")
    situation: str = Field("", description="I. Tình hình chung: free text")
    assessment: str = Field("", description="III. Đánh giá chung: free text")
    tasks: str = Field("", description="V. Nhiệm vụ năm sau: free text")
    recommendations: str = Field("", description="VI. Kiến nghị, đề xuất: free text")


class CampaignFile(_Model):
    """The keys of campaign.yaml."""

    cluster: str = Field(..., min_length=1, description="the cluster's official name")
    year: int = Field(..., ge=2000, le=2100, description="the year being scored")
    indicators: str = Field("indicators.yaml", description="the catalogue file, relative to the folder")
    members: list[Member] = Field(..., min_length=2, description="the members, in official order")
    chair: str = Field(..., description="code of the chair (cụm trưởng)")
    deputies: list[str] = Field([], description="codes of the deputies (cụm phó), in order")
    awards: Awards = Field(Awards(), description="award quotas")
    deadline: date | None = Field(None, description="when forms are due back (shown on the form)")
    contact: str | None = Field(None, description="where to return forms, shown on the form")
    illustrative: bool = Field(False, description="the catalogue is an example, not an official table")
    ranking: RankingRules = Field(RankingRules(), description="tie-breaks, eligibility, rotation")
    report: ReportInfo = Field(ReportInfo(), description="issuer, numbers, signatory and texts of the reports")
    decisions: Decisions = Field(Decisions(), description="what the meeting decided: votes, final awards, next chair")
    previous: str | None = Field(None, description="last year's campaign folder, relative to this one (year on year)")
    robustness: Robustness = Field(Robustness(), description="settings of the «Độ tin cậy» analysis")


# ------------------------------------------------------------------ indicators.yaml


class Indicator(_Model):
    """An indicator (*tiêu chí*) of the catalogue, scored by one method."""

    code: str = Field(..., pattern=CODE_PATTERN, description="unique code, [A-Z][A-Z0-9_]*")
    title: str = Field(..., min_length=1, description="the indicator as written in the covenant")
    unit: str = Field("", description="unit of the inputs (tỷ đồng, %, vụ …)")
    points: float = Field(..., gt=0, description="max points (for a penalty: the most deducted)")
    method: str = Field(..., description="scoring method: " + ", ".join(METHODS))
    aggregate: Literal["sum", "mean", "none"] = Field("none", description="cluster figure in reports")
    params: dict[str, Any] = Field({}, description="the method's parameters (see docs/methods.md)")
    description: str | None = Field(None, description="how it is scored, shown on the form")

    @property
    def spec(self) -> Method[Any]:
        """The scoring method, from the registry."""
        return METHODS[self.method]

    @cached_property
    def settings(self) -> Params:
        """The method's parameters, validated, with defaults filled in."""
        return self.spec.params.model_validate(self.params)

    @property
    def max_points(self) -> float:
        """The most points the indicator can give (a plan bonus may go above ``points``)."""
        return max(self.points, self.spec.most(self.settings, self.points))

    @cached_property
    def inputs(self) -> tuple[Input, ...]:
        """The inputs this indicator shows on the form, as its method and parameters need them."""
        return self.spec.inputs_for(self.settings)

    def limits(self, inp: Input) -> Limits:
        """The valid values of one of its inputs."""
        return self.spec.limits_for(inp, self.settings, self.points, self.unit)

    @cached_property
    def rule(self) -> str:
        """One line, in Vietnamese, on how the indicator is scored."""
        return self.description or self.spec.describe(self.settings, self.points, self.unit)


class Section(_Model):
    """A section (*phần*, I, II …) of the catalogue."""

    code: str = Field(..., pattern=CODE_PATTERN, description="section code (A, B …)")
    title: str = Field(..., min_length=1, description="section title")
    indicators: list[Indicator] = Field(..., min_length=1, description="its indicators")


class Catalogue(_Model):
    """The scoring catalogue (*bảng tiêu chí, thang điểm*)."""

    scale: float = Field(1000, gt=0, description="points of the base indicators together")
    sections: list[Section] = Field(..., min_length=1, description="sections, in order")

    @cached_property
    def indicators(self) -> list[Indicator]:
        """Every indicator, in catalogue order."""
        return [i for s in self.sections for i in s.indicators]

    @cached_property
    def peer_indicators(self) -> list[Indicator]:
        """The indicators the members score each other on (peer forms)."""
        return [i for i in self.indicators if i.spec.peer_scored]

    @cached_property
    def shown(self) -> list[list[Any]]:
        """The definitions as the form shows them: [section code, title, [[code, title, unit, points, rule], …]]."""
        return [
            [s.code, s.title, [[i.code, i.title, i.unit, float(i.points), i.rule] for i in s.indicators]]
            for s in self.sections
        ]

    @cached_property
    def fingerprint(self) -> str:
        """A hash over the definitions as shown on the form (code, title, unit, points, rule).

        Intake recomputes it from the cells actually in a returned file, so it
        must use exactly what the form shows.
        """
        return shown_fingerprint(self.shown)


def shown_fingerprint(shown: list[list[Any]]) -> str:
    """The fingerprint of definitions as shown on a form (see ``Catalogue.shown``)."""
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:16]


class Campaign(CampaignFile):
    """A campaign (*giao ước thi đua*) of one cluster, one year: members and catalogue."""

    catalogue: Catalogue
    folder: Path
    lines: dict[str, int] = {}  # key path in campaign.yaml -> line, for messages found after loading

    def problem(self, path: str, message: str) -> Problem:
        """A problem located at a key path of campaign.yaml (``decisions.votes[0]``), with the line of the
        path or of its nearest parent that has one."""
        line, up = None, path
        while up and line is None:
            line = self.lines.get(up)
            parent = _PARENT.sub("", up)
            up = "" if parent == up else parent
        return Problem(CAMPAIGN_FILE, path, message, line)

    @property
    def previous_folder(self) -> Path | None:
        """Last year's campaign folder (``previous:``), resolved against this one, or None."""
        return (self.folder / self.previous).resolve() if self.previous else None

    @cached_property
    def member_codes(self) -> list[str]:
        """Member codes in official order."""
        return [m.code for m in self.members]

    @cached_property
    def _by_code(self) -> dict[str, Member]:
        return {m.code: m for m in self.members}

    def member(self, code: str) -> Member:
        """The member with this code."""
        return self._by_code[code]

    def find_member(self, code: str) -> Member | None:
        """The member a code written on a form means (``7`` finds ``07``), or None."""
        if code in self._by_code:
            return self._by_code[code]
        if code.isdigit():
            return next((m for m in self.members if m.code.isdigit() and int(m.code) == int(code)), None)
        return None

    @property
    def has_peer(self) -> bool:
        """Whether any indicator is peer-scored (so peer forms are needed)."""
        return bool(self.catalogue.peer_indicators)


# ------------------------------------------------------------------ loading


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Source:
    """A YAML file's data and the line of every key path in it."""

    def __init__(self, path: Path):
        self.name = path.name
        self.lines: dict[tuple[Any, ...], int] = {}
        self.problems: list[Problem] = []
        self.data: Any = None
        if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
            self.problems.append(
                Problem(self.name, "", "catalogues in spreadsheets are not supported yet; write it as YAML")
            )
            return
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(Problem(self.name, "", "file not found; create it or fix the path"))
            return
        except UnicodeDecodeError as e:
            self.problems.append(Problem(self.name, "", f"not UTF-8 text ({e.reason}); save it as UTF-8"))
            return
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark else None
            what = getattr(e, "problem", None) or str(e)
            self.problems.append(Problem(self.name, "", f"YAML syntax error: {what}", line))
            return
        if node is not None:
            self._index(node, ())

    def _index(self, node: yaml.Node, loc: tuple[Any, ...]) -> None:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    self.add(loc + (key.value,), f"key '{key.value}' appears twice; keep one", key)
                seen.add(key.value)
                self.lines[loc + (key.value,)] = key.start_mark.line + 1
                self._index(value, loc + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, loc + (i,))

    def add(self, loc: tuple[Any, ...], message: str, node: yaml.Node | None = None) -> None:
        """Record a problem at a key path."""
        line = node.start_mark.line + 1 if node else self.line(loc)
        path = _dotted(loc)
        if loc[:1] == ("sections",) and len(loc) > 4:
            try:
                code = self.data["sections"][loc[1]]["indicators"][loc[3]]["code"]
                path += f" ({code})" if isinstance(code, str) else ""
            except (KeyError, IndexError, TypeError):
                pass
        self.problems.append(Problem(self.name, path, message, line))

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """The line of a key path, or of its nearest parent that has one."""
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc)


_KINDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys",
    "model_type": "a mapping of keys",
    "date_type": "a date (YYYY-MM-DD)",
}


def _message(err: Any, allowed: list[str]) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        near = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(allowed)
        return f"unknown key '{key}'; {hint}"
    if kind == "missing":
        return f"missing required key '{err['loc'][-1]}'"
    if kind in _KINDS:
        extra = " in quotes" if kind == "string_type" and isinstance(value, int | float) else ""
        return f"must be {_KINDS[kind]}{extra}, not {value!r}"
    if kind == "string_pattern_mismatch":
        return f"code {value!r} must be capital letters, digits and _ , starting with a letter (A03)"
    if kind == "literal_error":
        return f"{value!r} is not allowed; {err['msg'].replace('Input should be', 'use')}"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{msg} (got {value!r})" if not isinstance(value, dict | list) else msg


def _fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Allowed keys at a key path, for did-you-mean hints."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            break
        ann = info.annotation
        inner = getattr(ann, "__args__", (ann,))
        model = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), model)
    return list(model.model_fields)


def _validate(src: _Source, model: type[BaseModel], data: Any, prefix: tuple[Any, ...] = ()) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = prefix + tuple(err["loc"])
            src.add(loc, _message(err, _fields(model, tuple(err["loc"]))))
        return None


def _check_text(src: _Source, data: Any, loc: tuple[Any, ...] = ()) -> None:
    """Names and titles must be NFC and without stray whitespace."""
    if isinstance(data, dict):
        for k, v in data.items():
            _check_text(src, v, loc + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_text(src, v, loc + (i,))
    elif isinstance(data, str):
        if unicodedata.normalize("NFC", data) != data:
            src.add(loc, f"{data!r} has decomposed diacritics (not NFC, e.g. pasted from a PDF); retype it")
        if data != data.strip() or "  " in data or any(c in data for c in "\t\r\n\u00a0\u200b"):
            src.add(loc, f"{data!r} has stray whitespace; remove leading, trailing or doubled spaces")


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []


def _check_catalogue(src: _Source, data: Any) -> None:
    codes: dict[str, tuple[Any, ...]] = {}
    total, uncounted = 0.0, 0
    for si, section in _items(data, "sections"):
        for ii, ind in _items(section, "indicators"):
            loc = ("sections", si, "indicators", ii)
            code = ind.get("code")
            if isinstance(code, str):
                if code in codes:
                    first = _dotted(codes[code])
                    src.add(loc + ("code",), f"duplicate code '{code}' (also at {first}); codes must be unique")
                codes.setdefault(code, loc)
            name = ind.get("method")
            method = METHODS.get(name) if isinstance(name, str) else None
            if method is None and isinstance(name, str):
                near = difflib.get_close_matches(name, list(METHODS), n=1)
                hint = f"did you mean '{near[0]}'? " if near else ""
                src.add(
                    loc + ("method",),
                    f"unknown scoring method '{ind['method']}'; {hint}use one of: {', '.join(METHODS)}",
                )
            params = ind.get("params", {})
            settings = (
                _validate(src, method.params, params, loc + ("params",))
                if method and isinstance(params, dict)
                else None
            )
            given = ind.get("points")
            points = float(given) if isinstance(given, int | float) and not isinstance(given, bool) else None
            if method is not None and settings is not None and points is not None:
                for key, problem in method.check(settings, points):
                    src.add(loc + ("params", key), problem)
            if method is not None and method.role != "base":
                continue
            if points is not None:
                total += points
            else:
                uncounted += 1
    scale = data.get("scale", 1000) if isinstance(data, dict) else 1000
    if isinstance(scale, int | float) and codes and abs(total - scale) > 1e-9:
        diff = total - scale
        note = f" ({uncounted} indicator(s) with invalid points not counted)" if uncounted else ""
        word = "over" if diff > 0 else "short"
        src.add(
            ("scale",),
            f"base indicators add up to {total:g} points, {abs(diff):g} {word} the scale of {scale:g}{note};"
            " bonus and penalty indicators are not counted",
        )


def _check_campaign(src: _Source, data: Any) -> None:
    if not isinstance(data, dict):
        return
    codes: dict[str, int] = {}
    for i, member in _items(data, "members"):
        code = member.get("code")
        if isinstance(code, str):
            if code in codes:
                src.add(("members", i, "code"), f"duplicate member code '{code}' (also members[{codes[code]}])")
            codes.setdefault(code, i)
    known = ", ".join(codes)
    chair = data.get("chair")
    if isinstance(chair, str) and codes and chair not in codes:
        src.add(("chair",), f"chair '{chair}' is not a member; use one of: {known}")
    deputies = data.get("deputies", [])
    for i, d in enumerate(deputies if isinstance(deputies, list) else []):
        if isinstance(d, str) and codes and d not in codes:
            src.add(("deputies", i), f"deputy '{d}' is not a member; use one of: {known}")
        elif d == chair:
            src.add(("deputies", i), f"'{d}' is the chair; the chair cannot also be a deputy")
    rules: dict[str, Any] = data["ranking"] if isinstance(data.get("ranking"), dict) else {}
    for i, key in enumerate(rules.get("tie_break", []) if isinstance(rules.get("tie_break"), list) else []):
        if key not in ("above_plan", "peer") and not (isinstance(key, str) and key.startswith("section:")):
            src.add(("ranking", "tie_break", i), f"unknown tie-break {key!r}; use section:<CODE>, above_plan or peer")
    if isinstance(rules.get("next_chair"), str) and codes and rules["next_chair"] not in codes:
        src.add(("ranking", "next_chair"), f"next chair '{rules['next_chair']}' is not a member")
    awards: dict[str, Any] = data["awards"] if isinstance(data.get("awards"), dict) else {}
    quota = sum(v for v in awards.values() if isinstance(v, int) and not isinstance(v, bool))
    if codes and quota > len(codes):
        src.add(("awards",), f"{quota} awards for {len(codes)} members; lower the quotas")
    _check_decisions(src, data, codes)


def _check_codes(src: _Source, loc: tuple[Any, ...], value: Any, codes: Mapping[str, int], what: str) -> list[str]:
    """The member codes of a list in campaign.yaml, with a problem for each unknown or repeated one."""
    if not isinstance(value, list):
        return []
    known = ", ".join(codes)
    seen: list[str] = []
    for j, code in enumerate(value):
        if not isinstance(code, str):
            continue
        if codes and code not in codes:
            src.add(loc + (j,), f"{what} '{code}' is not a member; use one of: {known}")
        elif code in seen:
            src.add(loc + (j,), f"'{code}' is listed twice; list each member once")
        seen.append(code)
    return seen


def _check_decisions(src: _Source, data: dict[str, Any], codes: Mapping[str, int]) -> None:
    decisions: dict[str, Any] = data["decisions"] if isinstance(data.get("decisions"), dict) else {}
    voted: dict[str, int] = {}
    for i, vote in _items(decisions, "votes"):
        loc = ("decisions", "votes", i)
        members = _check_codes(src, loc + ("members",), vote.get("members"), codes, "voted member")
        order = _check_codes(src, loc + ("order",), vote.get("order"), codes, "member")
        for code in members:
            if code in voted:
                src.add(loc + ("members",), f"'{code}' is also in decisions.votes[{voted[code]}]; merge the two votes")
            voted.setdefault(code, i)
        if members and isinstance(vote.get("order"), list) and sorted(order) != sorted(members):
            src.add(
                loc + ("order",),
                f"order must list exactly the members of the vote ({', '.join(members)}), each once, best first",
            )
    awards: dict[str, Any] = decisions["awards"] if isinstance(decisions.get("awards"), dict) else {}
    flag = _check_codes(src, ("decisions", "awards", "flag"), awards.get("flag"), codes, "member")
    merit = _check_codes(src, ("decisions", "awards", "merit"), awards.get("merit"), codes, "member")
    for code in sorted(set(flag) & set(merit)):
        src.add(("decisions", "awards", "merit"), f"'{code}' is in both flag and merit; a member gets one award")
    chair = decisions.get("next_chair")
    if isinstance(chair, str) and codes and chair not in codes:
        src.add(("decisions", "next_chair"), f"next chair '{chair}' is not a member; use one of: {', '.join(codes)}")
    deputies = _check_codes(src, ("decisions", "next_deputies"), decisions.get("next_deputies"), codes, "deputy")
    if isinstance(chair, str) and chair in deputies:
        src.add(("decisions", "next_deputies"), f"'{chair}' is the next chair; the chair cannot also be a deputy")
    rules: dict[str, Any] = data["ranking"] if isinstance(data.get("ranking"), dict) else {}
    agreed = rules.get("next_chair")
    if isinstance(chair, str) and isinstance(agreed, str) and agreed != chair:
        src.add(
            ("decisions", "next_chair"),
            f"ranking.next_chair says '{agreed}' and decisions.next_chair '{chair}'; remove ranking.next_chair"
            " (the meeting's decision is kept in decisions)",
        )


def _check_tie_break_sections(src: _Source, campaign: Any, catalogue: Any) -> None:
    sections = {s.get("code") for _, s in _items(catalogue, "sections")}
    rules: dict[str, Any] = (
        campaign["ranking"] if isinstance(campaign, dict) and isinstance(campaign.get("ranking"), dict) else {}
    )
    chain = rules.get("tie_break", [])
    for i, key in enumerate(chain if isinstance(chain, list) else []):
        if isinstance(key, str) and key.startswith("section:") and sections and key[8:] not in sections:
            src.add(("ranking", "tie_break", i), f"no section '{key[8:]}' in the catalogue")


def _by_line(p: Problem) -> int:
    return p.line or 0


def load_campaign(folder: Path | str = ".") -> Campaign:
    """Load and validate a campaign folder; raise DefinitionsError with every problem found."""
    folder = Path(folder)
    if not (folder / CAMPAIGN_FILE).is_file():
        raise CampaignNotFound(
            f"{folder}: no {CAMPAIGN_FILE} here; run 'emuxl init {folder} --sample tay-nam-bo-2023' to start one"
        )
    camp = _Source(folder / CAMPAIGN_FILE)
    meta = _validate(camp, CampaignFile, camp.data) if not camp.problems else None
    _check_campaign(camp, camp.data)
    _check_text(camp, camp.data)
    name = camp.data.get("indicators", "indicators.yaml") if isinstance(camp.data, dict) else "indicators.yaml"
    cat = _Source(folder / (name if isinstance(name, str) else "indicators.yaml"))
    catalogue = _validate(cat, Catalogue, cat.data) if not cat.problems else None
    _check_catalogue(cat, cat.data)
    _check_text(cat, cat.data)
    _check_tie_break_sections(camp, camp.data, cat.data)
    _check_previous(camp, camp.data, folder)
    problems = sorted(camp.problems, key=_by_line) + sorted(cat.problems, key=_by_line)
    if problems or meta is None or catalogue is None:
        raise DefinitionsError(problems)
    lines = {_dotted(loc): line for loc, line in camp.lines.items() if loc}
    return Campaign(**dict(meta), catalogue=catalogue, folder=folder.resolve(), lines=lines)


def _check_previous(src: _Source, data: Any, folder: Path) -> None:
    """``previous:`` must name another campaign folder."""
    previous = data.get("previous") if isinstance(data, dict) else None
    if not isinstance(previous, str):
        return
    there = (folder / previous).resolve()
    if there == folder.resolve():
        src.add(("previous",), "previous names this campaign's own folder; give last year's folder")
    elif not (there / CAMPAIGN_FILE).is_file():
        src.add(
            ("previous",),
            f"no {CAMPAIGN_FILE} in {there}; give last year's campaign folder, relative to this one (../tnb-2023)",
        )
