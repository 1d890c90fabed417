"""Campaign and catalogue loading and validation: two YAML files in, one ``Campaign`` out.

Every problem a user can make is reported at once, each with the file, the
key path (``sections[1].indicators[3].points``), the line, and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import math
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Protocol, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import CampaignNotFound, DefinitionsError, Problem
from .i18n import N_, _
from .methods import METHODS, Input, Limits, Method, Params

CODE_PATTERN = r"^[A-Z][A-Z0-9_]*$"
MEMBER_CODE = r"^[0-9]{1,10}$"  # an official administrative code: it names files and cells, so digits only
CAMPAIGN_FILE = "campaign.yaml"
BOOK_FILE = "campaign.xlsx"  # campaign and catalogue as one workbook; when present, it is the definition
SPREADSHEETS = (".xlsx", ".xlsm")
MAX_YAML_BYTES = 10 * 1024 * 1024  # 10,000 indicators take about 3 MB
MAX_VALUES = 1_000_000  # values a file may hold once its aliases (*name) are expanded
MAX_DEPTH = 40  # levels of nesting (a catalogue needs under 10)
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

    code: str = Field(..., pattern=MEMBER_CODE, description="official code of the old unit, digits as text")
    name: str = Field(..., min_length=1, description="name of the old unit")


class Member(_Model):
    """A member of the cluster (*thành viên Cụm*): a province, city, commune or department."""

    code: str = Field(..., pattern=MEMBER_CODE, description='official administrative code, digits as text ("80")')
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
    name: str = Field("", description="the signatory's full name (blank: a dotted line to sign over)")


class Person(_Model):
    """Someone named in the minutes: full name and title (*chức vụ*)."""

    name: str = Field("", description="full name (Nguyễn Văn A)")
    title: str = Field("", description="title, as printed after the name (Phó Chủ tịch UBND tỉnh Sóc Trăng)")


class Attendee(_Model):
    """Who attended the scoring meeting for a member."""

    member: str = Field(..., min_length=1, description="code of the member represented")
    name: str = Field("", description="full name (Lê Văn C)")
    title: str = Field("", description="title, as printed after the name (Phó Chủ tịch UBND tỉnh Trà Vinh)")


class Meeting(_Model):
    """The scoring meeting (*họp bình xét*) the minutes record; what is not given is a dotted line."""

    date: dt.date | None = Field(None, description="day of the meeting (default: blank)")
    time: str | None = Field(None, pattern=r"^\d{1,2}:\d\d$", description='start time, "08:00"')
    end_time: str | None = Field(None, pattern=r"^\d{1,2}:\d\d$", description='end time, "11:30"')
    place: str = Field("", description="where (Hội trường UBND tỉnh Sóc Trăng)")
    chaired_by: Person = Field(Person(), description="who chaired (chủ trì)")
    secretary: Person = Field(Person(), description="who took the minutes (thư ký)")
    attendees: list[Attendee] = Field([], description="who attended, per member")
    agenda: list[str] = Field([], description="agenda items (default: scores and ranking, awards, next chair)")


class Commendations(_Model):
    """Commendations given in the year across the cluster (*kết quả khen thưởng*): award -> how many."""

    provincial: dict[str, int] = Field({}, description='by the provinces (khen thưởng cấp tỉnh): {"Cờ thi đua": 1115}')
    state: dict[str, int] = Field(
        {}, description='by the State (khen thưởng cấp Nhà nước): {"Cờ thi đua của Chính phủ": 106}'
    )


class ReportInfo(_Model):
    """What the Word documents need beyond the data: issuer, numbers, signatory, recipients, texts, meeting."""

    issuer: str | list[str] = Field(
        "ỦY BAN NHÂN DÂN", description="issuing body (capitals); a list gives the printed lines, else it is split"
    )
    issuer_parent: str | list[str] | None = Field(None, description="the body above the issuer, printed over it")
    minutes_issuer: str | list[str] | None = Field(
        None, description="issuer of the minutes (default: the cluster's name in capitals)"
    )
    number: str = Field("      /BC-UBND", description="number of the summary report (Số: …)")
    proposal_number: str = Field("      /TTr-UBND", description="number of the award proposal")
    minutes_number: str = Field("      /BB-CTĐ", description="number of the minutes of the scoring meeting")
    proposal_to: str = Field(
        "Hội đồng Thi đua - Khen thưởng Trung ương", description="to whom the proposal is addressed (Kính gửi)"
    )
    place: str = Field("", description="place in the date line (Sóc Trăng)")
    date: dt.date | None = Field(None, description="date of the documents (default: the day they are rendered)")
    signatory: Signatory = Field(Signatory(), description="who signs")
    recipients: list[str] | None = Field(
        None, description="Nơi nhận of the summary report, one line each (default: the central Board, members, Lưu)"
    )
    proposal_recipients: list[str] | None = Field(
        None, description="Nơi nhận of the proposal after «Như trên» (default: members, Lưu)"
    )
    minutes_recipients: list[str] | None = Field(
        None, description="Nơi nhận of the minutes (default: the central Board, members, Lưu: VT, hồ sơ)"
    )
    legal_basis: list[str] | None = Field(
        None, description="Căn cứ lines (default: the law and decree in force on the documents' date)"
    )
    member_noun: str = Field("tỉnh", description="what members are called in sentences (tỉnh, xã, đơn vị)")
    situation: str = Field("", description="I. Tình hình chung: free text")
    emulation: str = Field("", description="II. the emulation movements and commendation work: free text")
    emulation_section: str | None = Field(
        None, description="section code that text and the commendations go under (default: the one about thi đua)"
    )
    commendations: Commendations = Field(Commendations(), description="commendation figures for section II")
    assessment: str = Field("", description="III. Đánh giá chung: free text")
    tasks: str = Field("", description="V. Nhiệm vụ năm sau: free text")
    recommendations: str = Field("", description="VI. Kiến nghị, đề xuất: free text")
    meeting: Meeting = Field(Meeting(), description="the scoring meeting, for the minutes")


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
        known = self.input_limits.get(inp.name)
        if known is not None and known[0] is inp:
            return known[1]
        return self.spec.limits_for(inp, self.settings, self.points, self.unit)

    @cached_property
    def input_limits(self) -> dict[str, tuple[Input, Limits]]:
        """The valid values of each input it shows on the form, by name (looked up for every value read)."""
        return {i.name: (i, self.spec.limits_for(i, self.settings, self.points, self.unit)) for i in self.inputs}

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


class _YamlSource:
    """A YAML file's data and the line of every key path in it.

    Whatever the file holds, reading it ends in data or in problems, never a
    hang or a traceback: its size, nesting and aliases (``*name``, which can
    multiply a small file into gigabytes) are bounded before anything walks it.
    """

    def __init__(self, path: Path):
        self.name = path.name
        self.lines: dict[tuple[Any, ...], int] = {}
        self.problems: list[Problem] = []
        self.data: Any = None
        if path.suffix.lower() in (".xls", ".ods"):
            self.problems.append(
                Problem(self.name, "", _("only .xlsx workbooks are read; save it as «Excel Workbook (.xlsx)»"))
            )
            return
        text = self._read(path)
        if text is None:
            return
        try:
            loader = yaml.SafeLoader(text)
            try:
                node = loader.get_single_node()
                if node is not None:
                    self._measure(node)
                    if self.problems:
                        return
                    self.data = loader.construct_document(node)
            finally:
                loader.dispose()
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark else None
            what = getattr(e, "problem", None) or str(e)
            self.problems.append(Problem(self.name, "", _("YAML syntax error: {error}").format(error=what), line))
            return
        except RecursionError:
            message = _("nested too deeply (more than {levels} levels)").format(levels=MAX_DEPTH)
            self.problems.append(Problem(self.name, "", message))
            return
        except (ValueError, OverflowError, TypeError) as e:  # a date or number the YAML reader cannot make
            message = _("a value cannot be read ({error}); write it plainly").format(error=e)
            self.problems.append(Problem(self.name, "", message))
            return
        if node is not None:
            self._index(node, ())

    def _read(self, path: Path) -> str | None:
        """The file's text, or None with a problem saying why it cannot be read."""
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                message = _("{path} is a folder, not a file; give the YAML file").format(path=path)
                self.problems.append(Problem(self.name, "", message))
                return None
            if not stat.S_ISREG(info.st_mode):
                message = _("{path} is not a regular file; give the YAML file").format(path=path)
                self.problems.append(Problem(self.name, "", message))
                return None
            with path.open("rb") as f:
                raw = f.read(MAX_YAML_BYTES + 1)
        except FileNotFoundError:
            self.problems.append(Problem(self.name, "", _("file not found; create it or fix the path")))
            return None
        except OSError as e:
            reason = e.strerror or type(e).__name__
            message = _("cannot be read ({reason}); check the file's permissions").format(reason=reason)
            self.problems.append(Problem(self.name, "", message))
            return None
        if len(raw) > MAX_YAML_BYTES:
            size = os.path.getsize(path) // 1024 // 1024
            limit = MAX_YAML_BYTES >> 20
            message = _("the file is {size} MB, more than a campaign needs ({limit} MB)").format(size=size, limit=limit)
            self.problems.append(Problem(self.name, "", message))
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            message = _("not UTF-8 text ({reason}); save it as UTF-8").format(reason=e.reason)
            self.problems.append(Problem(self.name, "", message))
            return None

    def _measure(self, root: yaml.Node) -> None:
        """Refuse a node graph whose aliases expand to too many values, that is nested too deeply, or that
        contains itself (walked without recursion, each shared node once)."""
        sizes: dict[int, tuple[int, int]] = {}  # node id -> (values once expanded, depth)
        open_nodes: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            kids = _children(node)
            if done:
                open_nodes.discard(key)
                size = 1 + sum(sizes[id(k)][0] for k in kids)
                depth = 1 + max((sizes[id(k)][1] for k in kids), default=0)
                sizes[key] = (size, depth)
                if size > MAX_VALUES:
                    line = node.start_mark.line + 1
                    self.problems.append(
                        Problem(
                            self.name,
                            "",
                            _(
                                "its aliases (*name) expand to more than {count:,} values; write the values out"
                                " instead of repeating them through aliases"
                            ).format(count=MAX_VALUES),
                            line,
                        )
                    )
                    return
                if depth > MAX_DEPTH:
                    line = node.start_mark.line + 1
                    message = _("nested more than {levels} levels deep").format(levels=MAX_DEPTH)
                    self.problems.append(Problem(self.name, "", message, line))
                    return
                continue
            if key in sizes:
                continue
            if key in open_nodes:
                line = node.start_mark.line + 1
                message = _("an alias (*name) refers to a value containing it")
                self.problems.append(Problem(self.name, "", message, line))
                return
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)

    def _index(self, node: yaml.Node, loc: tuple[Any, ...]) -> None:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                label = key.value if isinstance(key, yaml.ScalarNode) else "?"
                if label in seen:
                    self.add(loc + (label,), _("key '{key}' appears twice; keep one").format(key=label), key)
                seen.add(label)
                self.lines[loc + (label,)] = key.start_mark.line + 1
                self._index(value, loc + (label,))
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
        self.problems.append(Problem(self.name, path, str(message), line))

    def order(self, problem: Problem) -> int:
        """Sort key of a problem: its line."""
        return problem.line or 0

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """The line of a key path, or of its nearest parent that has one."""
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc)


class _Source(Protocol):
    """Where definitions come from (a YAML file, or the sheets of campaign.xlsx): data, and problems located in it."""

    name: str
    data: Any
    problems: list[Problem]

    def add(self, loc: tuple[Any, ...], message: str) -> None: ...

    def order(self, problem: Problem) -> Any: ...


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class Said(str):
    """A problem message that campaign.xlsx can say of a cell's label instead, where a YAML file shows the key
    path before it: ``must be a number, not 'abc'`` becomes ``«Điểm» must be a number, not 'abc'``.

    ``kind`` tells a reader that words it its own way what it says (``missing``: a required key is absent,
    ``too_short``: a list has too few items); ``template`` (translated, with a ``{subject}`` field) and
    ``fields`` say it of a subject, and ``got`` (the value, shown) follows as «(got …)».
    """

    kind: str
    template: str
    fields: dict[str, Any]
    got: str | None

    def __new__(cls, text: str, kind: str = "", template: str = "", got: str | None = None, **fields: Any) -> Said:
        said = super().__new__(cls, text)
        said.kind, said.template, said.fields, said.got = kind, template, fields, got
        return said

    def of(self, subject: str) -> str | None:
        """The message said of a subject (a cell's label in «»), or None when it cannot be."""
        if not self.template:
            return None
        return _got(self.template.format(subject=subject, **self.fields), self.got)


def _got(message: str, shown: str | None) -> str:
    """A message followed by the value it is about: «Input should be greater than 0 (got -5)»."""
    return message if shown is None else _("{problem} (got {value})").format(problem=message, value=shown)


_KINDS = {  # pydantic's type errors, in emuxl's words
    "string_type": N_("must be text, not {value}"),
    "int_type": N_("must be a whole number, not {value}"),
    "float_type": N_("must be a number, not {value}"),
    "bool_type": N_("must be true or false, not {value}"),
    "list_type": N_("must be a list, not {value}"),
    "dict_type": N_("must be a mapping of keys, not {value}"),
    "model_type": N_("must be a mapping of keys, not {value}"),
    "date_type": N_("must be a date (YYYY-MM-DD), not {value}"),
}
_QUOTED = N_("must be text in quotes, not {value}")  # a number where text goes: "80", not 80
_BOUNDS = {  # pydantic's words for a bound; campaign.xlsx says them of the cell's label instead of «Input»
    "greater_than": N_("{subject} should be greater than {gt}"),
    "greater_than_equal": N_("{subject} should be greater than or equal to {ge}"),
    "less_than": N_("{subject} should be less than {lt}"),
    "less_than_equal": N_("{subject} should be less than or equal to {le}"),
}
_LENGTHS = {  # pydantic's words for a length: one, more than one (each its own message), the number that chooses
    "too_short": (
        N_("List should have at least {min_length} item after validation, not {actual_length}"),
        N_("List should have at least {min_length} items after validation, not {actual_length}"),
        "min_length",
    ),
    "too_long": (
        N_("List should have at most {max_length} item after validation, not {actual_length}"),
        N_("List should have at most {max_length} items after validation, not {actual_length}"),
        "max_length",
    ),
    "string_too_short": (
        N_("String should have at least {min_length} character"),
        N_("String should have at least {min_length} characters"),
        "min_length",
    ),
}


def _context(err: Any) -> dict[str, Any]:
    """The figures of a pydantic error, as its message shows them (0.0 as 0)."""
    ctx = err.get("ctx") or {}
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ctx.items()}


def _either(expected: str) -> str:
    """pydantic's allowed values (``'sum', 'mean' or 'none'``) with «or» in the chosen language."""
    values, sep, last = expected.rpartition(" or ")
    return _("{values} or {last}").format(values=values, last=last) if sep else expected


def _message(err: Any, allowed: list[str]) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        near = difflib.get_close_matches(str(key), allowed, n=1)
        if near:
            return _("unknown key '{key}'; did you mean '{near}'?").format(key=key, near=near[0])
        return _("unknown key '{key}'; allowed: {allowed}").format(key=key, allowed=", ".join(allowed))
    if kind == "missing":
        return Said(_("missing required key '{key}'").format(key=err["loc"][-1]), "missing")
    if kind in _KINDS:
        quoted = kind == "string_type" and isinstance(value, int | float)
        message = _(_QUOTED if quoted else _KINDS[kind])
        return Said(message.format(value=repr(value)), template="{subject} " + message, value=repr(value))
    if kind == "string_pattern_mismatch" and ("members" in err["loc"] or "predecessors" in err["loc"]):
        return _(
            "member code {code} must be the official administrative code, digits only (80, 01, 00004):"
            " it names the member's files and the cells of every peer form"
        ).format(code=repr(value))
    if kind == "string_pattern_mismatch" and err["loc"][-1] in ("time", "end_time"):
        return _("time {value} must be hours and minutes, like 08:00 or 14:30").format(value=repr(value))
    if kind == "string_pattern_mismatch":
        return _("code {code} must be capital letters, digits and _ , starting with a letter (A03)").format(
            code=repr(value)
        )
    ctx = _context(err)
    if kind == "literal_error" and err["msg"] == f"Input should be {ctx.get('expected')}":
        return _("{value} is not allowed; use {choices}").format(value=repr(value), choices=_either(ctx["expected"]))
    if kind == "literal_error":
        return f"{value!r} is not allowed; {err['msg'].replace('Input should be', 'use')}"
    got = repr(value) if not isinstance(value, dict | list) else None
    bound = _BOUNDS.get(kind, "")
    if bound and bound.format(subject="Input", **ctx) == err["msg"]:  # translated only when worded as we know
        template = _(bound)
        return Said(_got(template.format(subject=_("Input"), **ctx), got), template=template, got=got, **ctx)
    said_kind = "too_short" if kind == "too_short" else ""
    if kind in _LENGTHS and ctx.get("field_type", "List") == "List":
        singular, plural, count = _LENGTHS[kind]
        message = singular if ctx.get(count) == 1 else plural
        if message.format(**ctx) == err["msg"]:
            return Said(_got(_(message).format(**ctx), got), said_kind)
    return Said(_got(err["msg"].removeprefix("Value error, "), got), said_kind)


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
            src.add(
                loc,
                _("{text} has decomposed diacritics (not NFC, e.g. pasted from a PDF); retype it").format(
                    text=repr(data)
                ),
            )
        if data != data.strip() or "  " in data or any(c in data for c in "\t\r\n\u00a0\u200b"):
            message = _("{text} has stray whitespace; remove leading, trailing or doubled spaces")
            src.add(loc, message.format(text=repr(data)))


LARGEST = 1e15  # no count, points or amount in a campaign comes near; beyond it a number is a slip or an attack


def _number(value: Any) -> float | None:
    """A YAML number as a float, or None when it is not a number, not finite, or beyond ``LARGEST``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and abs(number) <= LARGEST else None


def _check_numbers(src: _Source, data: Any, loc: tuple[Any, ...] = ()) -> None:
    """Every number must be finite and of a sane size (.inf, .nan and 400-digit integers are refused)."""
    if isinstance(data, dict):
        for k, v in data.items():
            _check_numbers(src, v, loc + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_numbers(src, v, loc + (i,))
    elif isinstance(data, int | float) and not isinstance(data, bool) and _number(data) is None:
        if len(repr(data)) < 30:
            message = _("{value} is not a usable number: write a finite number below {largest:.0e}")
        else:
            message = _("a number of {digits} digits is not a usable number: write a finite number below {largest:.0e}")
        src.add(loc, message.format(value=repr(data), digits=len(str(data)), largest=LARGEST))


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []


def _unknown_method(name: str) -> str:
    """The problem of an unknown scoring method, with the method it most likely means (by key or by title)."""
    known = ", ".join(METHODS)
    near = difflib.get_close_matches(name, list(METHODS), n=1)
    if near:
        message = _("unknown scoring method '{method}'; did you mean '{near}'? use one of: {methods}")
        return message.format(method=name, near=near[0], methods=known)
    titles = {m.title.casefold(): m.name for m in METHODS.values()}  # «kế hoạch» means plan
    said = difflib.get_close_matches(name.casefold(), list(titles), n=1, cutoff=0.5)
    said = said or [t for t in titles if name.casefold() in t][:1]
    if said:
        meant = METHODS[titles[said[0]]]
        message = _("unknown scoring method '{method}'; did you mean '{near}' ({title})? use one of: {methods}")
        return message.format(method=name, near=meant.name, title=meant.title, methods=known)
    return _("unknown scoring method '{method}'; use one of: {methods}").format(method=name, methods=known)


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
                    message = _("duplicate code '{code}' (also at {first}); codes must be unique")
                    src.add(loc + ("code",), message.format(code=code, first=first))
                codes.setdefault(code, loc)
            name = ind.get("method")
            method = METHODS.get(name) if isinstance(name, str) else None
            if method is None and isinstance(name, str):
                src.add(loc + ("method",), _unknown_method(name))
            params = ind.get("params", {})
            settings = (
                _validate(src, method.params, params, loc + ("params",))
                if method and isinstance(params, dict)
                else None
            )
            points = _number(ind.get("points"))
            if method is not None and settings is not None and points is not None:
                for key, problem in method.check(settings, points):
                    src.add(loc + ("params", key), problem)
            if method is not None and method.role != "base":
                continue
            if points is not None:
                total += points
            else:
                uncounted += 1
    scale = _number(data.get("scale", 1000) if isinstance(data, dict) else 1000)
    if scale is not None and codes and abs(total - scale) > 1e-9:
        diff = total - scale
        note = _(" ({count} indicator(s) with invalid points not counted)").format(count=uncounted) if uncounted else ""
        if diff > 0:
            message = _(
                "base indicators add up to {total:g} points, {diff:g} over the scale of {scale:g}{note};"
                " bonus and penalty indicators are not counted"
            )
        else:
            message = _(
                "base indicators add up to {total:g} points, {diff:g} short the scale of {scale:g}{note};"
                " bonus and penalty indicators are not counted"
            )
        src.add(("scale",), message.format(total=total, diff=abs(diff), scale=scale, note=note))


def _check_campaign(src: _Source, data: Any) -> None:
    if not isinstance(data, dict):
        return
    codes: dict[str, int] = {}
    numbers: dict[int, int] = {}
    for i, member in _items(data, "members"):
        code = member.get("code")
        if isinstance(code, str):
            if code in codes:
                message = _("duplicate member code '{code}' (also members[{first}])")
                src.add(("members", i, "code"), message.format(code=code, first=codes[code]))
            elif code.isdigit() and len(code) <= 10 and int(code) in numbers:  # a form's 7 would find 7 and 07
                first = numbers[int(code)]
                message = _("member code '{code}' is the same number as members[{first}]")
                src.add(("members", i, "code"), message.format(code=code, first=first))
            codes.setdefault(code, i)
            if code.isdigit() and len(code) <= 10:
                numbers.setdefault(int(code), i)
    known = ", ".join(codes)
    chair = data.get("chair")
    if isinstance(chair, str) and codes and chair not in codes:
        src.add(("chair",), _("chair '{code}' is not a member; use one of: {known}").format(code=chair, known=known))
    deputies = data.get("deputies", [])
    for i, d in enumerate(deputies if isinstance(deputies, list) else []):
        if isinstance(d, str) and codes and d not in codes:
            src.add(
                ("deputies", i), _("deputy '{code}' is not a member; use one of: {known}").format(code=d, known=known)
            )
        elif d == chair:
            src.add(("deputies", i), _("'{code}' is the chair; the chair cannot also be a deputy").format(code=d))
    rules: dict[str, Any] = data["ranking"] if isinstance(data.get("ranking"), dict) else {}
    for i, key in enumerate(rules.get("tie_break", []) if isinstance(rules.get("tie_break"), list) else []):
        if key not in ("above_plan", "peer") and not (isinstance(key, str) and key.startswith("section:")):
            message = _("unknown tie-break {key}; use section:<CODE>, above_plan or peer").format(key=repr(key))
            src.add(("ranking", "tie_break", i), message)
    if isinstance(rules.get("next_chair"), str) and codes and rules["next_chair"] not in codes:
        src.add(("ranking", "next_chair"), _("next chair '{code}' is not a member").format(code=rules["next_chair"]))
    awards: dict[str, Any] = data["awards"] if isinstance(data.get("awards"), dict) else {}
    quota = sum(v for v in awards.values() if isinstance(v, int) and not isinstance(v, bool))
    if codes and quota > len(codes):
        message = _("{quota} awards for {members} members; lower the quotas")
        src.add(("awards",), message.format(quota=quota, members=len(codes)))
    _check_decisions(src, data, codes)


_UNKNOWN_MEMBER = N_("member '{code}' is not a member; use one of: {known}")
_UNKNOWN_VOTED = N_("voted member '{code}' is not a member; use one of: {known}")
_UNKNOWN_DEPUTY = N_("deputy '{code}' is not a member; use one of: {known}")


def _check_codes(src: _Source, loc: tuple[Any, ...], value: Any, codes: Mapping[str, int], unknown: str) -> list[str]:
    """The member codes of a list in campaign.yaml, with a problem for each unknown (``unknown``: its message,
    with fields code and known) or repeated one."""
    if not isinstance(value, list):
        return []
    known = ", ".join(codes)
    seen: list[str] = []
    for j, code in enumerate(value):
        if not isinstance(code, str):
            continue
        if codes and code not in codes:
            src.add(loc + (j,), _(unknown).format(code=code, known=known))
        elif code in seen:
            src.add(loc + (j,), _("'{code}' is listed twice; list each member once").format(code=code))
        seen.append(code)
    return seen


def _check_decisions(src: _Source, data: dict[str, Any], codes: Mapping[str, int]) -> None:
    decisions: dict[str, Any] = data["decisions"] if isinstance(data.get("decisions"), dict) else {}
    voted: dict[str, int] = {}
    for i, vote in _items(decisions, "votes"):
        loc = ("decisions", "votes", i)
        members = _check_codes(src, loc + ("members",), vote.get("members"), codes, _UNKNOWN_VOTED)
        order = _check_codes(src, loc + ("order",), vote.get("order"), codes, _UNKNOWN_MEMBER)
        for code in members:
            if code in voted:
                message = _("'{code}' is also in decisions.votes[{vote}]; merge the two votes")
                src.add(loc + ("members",), message.format(code=code, vote=voted[code]))
            voted.setdefault(code, i)
        if members and isinstance(vote.get("order"), list) and sorted(order) != sorted(members):
            src.add(
                loc + ("order",),
                _("order must list exactly the members of the vote ({members}), each once, best first").format(
                    members=", ".join(members)
                ),
            )
    awards: dict[str, Any] = decisions["awards"] if isinstance(decisions.get("awards"), dict) else {}
    flag = _check_codes(src, ("decisions", "awards", "flag"), awards.get("flag"), codes, _UNKNOWN_MEMBER)
    merit = _check_codes(src, ("decisions", "awards", "merit"), awards.get("merit"), codes, _UNKNOWN_MEMBER)
    for code in sorted(set(flag) & set(merit)):
        message = _("'{code}' is in both flag and merit; a member gets one award").format(code=code)
        src.add(("decisions", "awards", "merit"), message)
    chair = decisions.get("next_chair")
    if isinstance(chair, str) and codes and chair not in codes:
        message = _("next chair '{code}' is not a member; use one of: {known}")
        src.add(("decisions", "next_chair"), message.format(code=chair, known=", ".join(codes)))
    deputies = _check_codes(src, ("decisions", "next_deputies"), decisions.get("next_deputies"), codes, _UNKNOWN_DEPUTY)
    if isinstance(chair, str) and chair in deputies:
        message = _("'{code}' is the next chair; the chair cannot also be a deputy").format(code=chair)
        src.add(("decisions", "next_deputies"), message)
    rules: dict[str, Any] = data["ranking"] if isinstance(data.get("ranking"), dict) else {}
    agreed = rules.get("next_chair")
    if isinstance(chair, str) and isinstance(agreed, str) and agreed != chair:
        src.add(
            ("decisions", "next_chair"),
            _(
                "ranking.next_chair says '{agreed}' and decisions.next_chair '{chair}'; remove ranking.next_chair"
                " (the meeting's decision is kept in decisions)"
            ).format(agreed=agreed, chair=chair),
        )


def _check_report(src: _Source, campaign: Any, catalogue: Any) -> None:
    """The report's meeting attendees name members; its emulation section is a section of the catalogue."""
    if not isinstance(campaign, dict) or not isinstance(campaign.get("report"), dict):
        return
    report: dict[str, Any] = campaign["report"]
    codes = [m.get("code") for _, m in _items(campaign, "members")]
    meeting = report.get("meeting")
    for i, who in _items(meeting, "attendees") if isinstance(meeting, dict) else []:
        if isinstance(who.get("member"), str) and codes and who["member"] not in codes:
            src.add(
                ("report", "meeting", "attendees", i, "member"),
                _("'{code}' is not a member; use one of: {known}").format(
                    code=who["member"], known=", ".join(dict.fromkeys(str(c) for c in codes))
                ),
            )
    sections = [s.get("code") for _, s in _items(catalogue, "sections")]
    chosen = report.get("emulation_section")
    if isinstance(chosen, str) and sections and chosen not in sections:
        src.add(("report", "emulation_section"), _("no section '{code}' in the catalogue").format(code=chosen))


def _check_tie_break_sections(src: _Source, campaign: Any, catalogue: Any) -> None:
    sections = {s.get("code") for _i, s in _items(catalogue, "sections") if isinstance(s.get("code"), str)}
    rules: dict[str, Any] = (
        campaign["ranking"] if isinstance(campaign, dict) and isinstance(campaign.get("ranking"), dict) else {}
    )
    chain = rules.get("tie_break", [])
    for i, key in enumerate(chain if isinstance(chain, list) else []):
        if isinstance(key, str) and key.startswith("section:") and sections and key[8:] not in sections:
            src.add(("ranking", "tie_break", i), _("no section '{code}' in the catalogue").format(code=key[8:]))


def read_sources(folder: Path) -> tuple[_Source, _Source]:
    """The campaign and catalogue sources of a folder: campaign.xlsx when present, else the YAML files."""
    if (folder / BOOK_FILE).is_file():
        from .campaign_book.read import read_book  # the workbook reader builds on this module's schema

        return read_book(folder / BOOK_FILE)
    if not (folder / CAMPAIGN_FILE).is_file():
        raise CampaignNotFound(
            _(
                "{folder}: no {book} or {yaml} here; run 'emuxl init {folder}' to start a blank"
                " campaign workbook (or add --sample tay-nam-bo-2023 for a filled example)"
            ).format(folder=folder, book=BOOK_FILE, yaml=CAMPAIGN_FILE)
        )
    camp = _YamlSource(folder / CAMPAIGN_FILE)
    name = camp.data.get("indicators", "indicators.yaml") if isinstance(camp.data, dict) else "indicators.yaml"
    path = folder / (name if isinstance(name, str) else "indicators.yaml")
    if path.suffix.lower() in SPREADSHEETS and path.is_file():
        from .campaign_book.read import read_book

        return camp, read_book(path, catalogue_only=True)[1]
    return camp, _YamlSource(path)


def load_campaign(folder: Path | str = ".") -> Campaign:
    """Load and validate a campaign folder (campaign.xlsx, or campaign.yaml and its catalogue).

    Raise DefinitionsError with every problem found, each located by file and
    line, or by sheet and cell.
    """
    folder = Path(folder)
    if (folder / CAMPAIGN_FILE).is_dir() and not (folder / BOOK_FILE).is_file():
        problem = Problem(CAMPAIGN_FILE, "", _("is a folder, not a file; move it away and put the campaign file back"))
        raise DefinitionsError([problem])
    camp, cat = read_sources(folder)
    # a workbook that could not be opened has nothing to check: its one problem says so
    camp_read, cat_read = getattr(camp, "opened", True), getattr(cat, "opened", True)
    meta = _validate(camp, CampaignFile, camp.data) if camp_read and not camp.problems else None
    if camp_read:
        _check_campaign(camp, camp.data)
        _check_text(camp, camp.data)
        _check_numbers(camp, camp.data)
        _check_previous(camp, camp.data, folder)
    catalogue = _validate(cat, Catalogue, cat.data) if cat_read and not cat.problems else None
    if cat_read:
        _check_catalogue(cat, cat.data)
        _check_text(cat, cat.data)
        _check_numbers(cat, cat.data)
    if camp_read and cat_read:
        _check_tie_break_sections(camp, camp.data, cat.data)
        _check_report(camp, camp.data, cat.data)
    problems = sorted(camp.problems, key=camp.order) + sorted(cat.problems, key=cat.order)
    if problems or meta is None or catalogue is None:
        raise DefinitionsError(problems)
    lines = {_dotted(loc): line for loc, line in getattr(camp, "lines", {}).items() if loc}  # YAML only
    return Campaign(**dict(meta), catalogue=catalogue, folder=folder.resolve(), lines=lines)


def _check_previous(src: _Source, data: Any, folder: Path) -> None:
    """``previous:`` must name another campaign folder."""
    previous = data.get("previous") if isinstance(data, dict) else None
    if not isinstance(previous, str):
        return
    there = (folder / previous).resolve()
    if there == folder.resolve():
        src.add(("previous",), _("previous names this campaign's own folder; give last year's folder"))
    elif not (there / CAMPAIGN_FILE).is_file():
        src.add(
            ("previous",),
            _("no {file} in {folder}; give last year's campaign folder, relative to this one (../tnb-2023)").format(
                file=CAMPAIGN_FILE, folder=there
            ),
        )
