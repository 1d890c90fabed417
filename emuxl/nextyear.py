"""Next year's campaign from this one (``emuxl next-year OLD NEW``), across a merger.

NEW is created with OLD's members, catalogue and templates, or, when it already holds a campaign (one made
by ``emuxl init NEW --sample tay-nam-bo-2025`` after the 2025 merger), keeps its own members and catalogue.
Either way NEW gets the chair and deputies OLD's meeting decided, ``previous:`` pointing at OLD, and last
year's values of every input a method declares ``carried_from`` (``previous`` ← ``actual``) stored to be
pre-filled on NEW's forms. A member formed by merger gets the sum of its predecessors' figures for an
additive indicator (``aggregate: sum``); anything else is left blank with a note saying why.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from . import resources
from .compare import sources
from .definitions import CAMPAIGN_FILE, Campaign, Indicator, load_campaign
from .errors import DefinitionsError, InvalidRequest, PreviousYearError
from .files import write_atomic
from .i18n import _
from .methods import Input, num
from .ranking import rank
from .results import Results, compute
from .scoring import score
from .store import STORE_FILE, Store
from .vnformat import join, number

REPORT_KEPT = ("issuer_parent", "proposal_to", "recipients", "legal_basis", "member_noun")  # the rest is the year's
NATIONAL_BEFORE, NATIONAL_AFTER, MERGER_YEAR = 63, 34, 2025


@dataclass(frozen=True)
class Gap:
    """An input of NEW's form left blank: whose, which, and why (the English reason for the terminal)."""

    member: str
    name: str
    indicator: str
    field: str
    reason: str


@dataclass
class NextYear:
    """What ``next-year`` did: the new campaign, what it carried over, and what it could not."""

    old: Campaign
    new: Campaign
    created: bool
    carried: int = 0  # values pre-filled
    gaps: list[Gap] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was set, and what to check by hand


@dataclass(frozen=True)
class Carry:
    """One pre-filled input: its value (None: left blank) and the Vietnamese note the form shows on it."""

    number: float | None
    note: str
    reason: str = ""  # English, when left blank


def start_next_year(old_dir: Path | str, new_dir: Path | str) -> NextYear:
    """Start NEW, next year's campaign, from OLD (see the module's docstring)."""
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    if new_dir.resolve() == old_dir.resolve():
        raise InvalidRequest(_("OLD and NEW are the same folder; give a new folder for next year"))
    old = _load(old_dir)
    results = _results(old)
    created = not (new_dir / CAMPAIGN_FILE).is_file()
    notes: list[str] = []
    if created:
        if new_dir.exists() and any(new_dir.iterdir()):
            raise InvalidRequest(
                _(
                    "{folder} is not empty and holds no {campaign_file}; give a new folder, or a campaign folder"
                    " made with 'emuxl init {folder} --sample NAME'"
                ).format(folder=new_dir, campaign_file=CAMPAIGN_FILE)
            )
        notes += _create(old, results, new_dir)
    else:
        notes += _update(old, results, new_dir)
    new = _load(new_dir)
    done = NextYear(old, new, created, notes=notes)
    if results is None:
        done.notes.append(
            _("{folder} has no {store}: no returns were collected, so no values are carried over").format(
                folder=old.folder, store=STORE_FILE
            )
        )
        rows: list[tuple[str, str, str, float | None, str]] = []
    else:
        rows = _carry_all(old, results, new, done)
    with Store(new.folder) as store:
        store.set_carried(rows, os.path.relpath(old.folder, new.folder))
    done.carried = sum(1 for r in rows if r[3] is not None)
    return done


def _load(folder: Path) -> Campaign:
    """A campaign, its problems (if any) named with their folder: OLD's and NEW's files share names."""
    try:
        return load_campaign(folder)
    except DefinitionsError as e:
        raise DefinitionsError([replace(p, file=str(folder / p.file)) for p in e.problems]) from e


def _results(old: Campaign) -> Results | None:
    """OLD's results (its decisions applied), or None when nothing was ever collected there."""
    if not (old.folder / STORE_FILE).is_file():
        return None
    return compute(old, with_previous=False)


def _decided(old: Campaign, results: Results | None) -> tuple[str, list[str]]:
    """The chair and deputies OLD's meeting decided (or its rotation gives) for the year after."""
    if results is not None:
        return results.ranking.next_chair, results.ranking.next_deputies
    ranking = rank(old, score(old, {}, {}))
    return ranking.next_chair, ranking.next_deputies


# ------------------------------------------------------------------ NEW's campaign.yaml


def _create(old: Campaign, results: Results | None, new_dir: Path) -> list[str]:
    """A new campaign folder: OLD's campaign.yaml for the next year, its catalogue and templates."""
    data: dict[str, Any] = yaml.safe_load((old.folder / CAMPAIGN_FILE).read_text(encoding="utf-8"))
    chair, deputies = _decided(old, results)
    year = old.year + 1
    data["year"] = year
    data["chair"], data["deputies"] = chair, deputies
    data.pop("decisions", None)
    data.pop("contact", None)
    if isinstance(data.get("ranking"), dict):
        data["ranking"].pop("next_chair", None)
    if isinstance(data.get("deadline"), dt.date):
        deadline = data["deadline"]
        day = min(deadline.day, 28) if deadline.month == 2 else deadline.day  # 29/02 has no next year
        data["deadline"] = deadline.replace(year=deadline.year + 1, day=day)
    report = data.get("report")
    if isinstance(report, dict):
        data["report"] = {k: v for k, v in report.items() if k in REPORT_KEPT}
    new_dir.mkdir(parents=True, exist_ok=True)
    data["previous"] = Path(os.path.relpath(old.folder, new_dir.resolve())).as_posix()
    head = (
        f"# {old.cluster}, năm {year}: written by 'emuxl next-year' from {old.folder.name} ({old.year}).\n"
        "# Members and catalogue are last year's: edit them for the new year. Report numbers, date, place,\n"
        "# issuer and signatory belong to each year and were left out: set them under report.\n"
    )
    text = head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    write_atomic(new_dir / CAMPAIGN_FILE, text.encode("utf-8"))
    shutil.copyfile(old.folder / old.indicators, new_dir / old.indicators)
    if (old.folder / "templates").is_dir():
        shutil.copytree(old.folder / "templates", new_dir / "templates", dirs_exist_ok=True)
    else:
        resources.copy_templates(new_dir / "templates")
    names = {m.code: m.name for m in old.members}
    listed = ", ".join(f"{names[d]} ({d})" for d in deputies) or _("none")
    if results is not None and results.ranking.rotation_decided:
        chosen = _("chair {chair}, deputies {deputies} as the meeting decided")
    else:
        chosen = _("chair {chair}, deputies {deputies} by rotation")
    notes = [
        _("created {path} for {year} with last year's {count} members").format(
            path=new_dir / CAMPAIGN_FILE, year=year, count=len(old.members)
        ),
        _("copied the catalogue {catalogue} (edit it for {year} before 'emuxl forms')").format(
            catalogue=old.indicators, year=year
        ),
        chosen.format(chair=f"{names[chair]} ({chair})", deputies=listed),
        _("report: issuer, numbers, date, place, signatory and texts left to fill for the new year; contact removed"),
    ]
    notes += _national_note(old, year)
    return notes


def _national_note(old: Campaign, year: int) -> list[str]:
    """A reminder when national ranks still count 63 provinces in a year after the 2025 merger."""
    stale = [i.code for i in old.catalogue.indicators if getattr(i.settings, "of", None) == NATIONAL_BEFORE]
    if year < MERGER_YEAR or not stale:
        return []
    return [
        _(
            "check {catalogue}: {indicators} rank out of {before} provinces; "
            "from 01/07/2025 there are {after} (params.of)"
        ).format(catalogue=old.indicators, indicators=", ".join(stale), before=NATIONAL_BEFORE, after=NATIONAL_AFTER)
    ]


def _update(old: Campaign, results: Results | None, new_dir: Path) -> list[str]:
    """NEW already holds a campaign: keep its members and catalogue; set chair, deputies and previous."""
    new = _load(new_dir)
    if new.year <= old.year:
        raise PreviousYearError(
            _("{folder} is the campaign of {year}, not of a year after {old_year} ({old_folder})").format(
                folder=new_dir, year=new.year, old_year=old.year, old_folder=old.folder.name
            )
        )
    notes = [
        _("kept {path}'s {count} members and its catalogue {catalogue}").format(
            path=new_dir / CAMPAIGN_FILE, count=len(new.members), catalogue=new.indicators
        )
    ]
    values: dict[str, Any] = {"previous": Path(os.path.relpath(old.folder, new.folder)).as_posix()}
    if new.year != old.year + 1:
        notes.append(
            _(
                "{year} does not follow {old_year}: the chair and deputies decided in {old_year} were for"
                " {next_year}, so the ones in {campaign_file} are kept; the previous-year values are {old_year}'s"
            ).format(year=new.year, old_year=old.year, next_year=old.year + 1, campaign_file=CAMPAIGN_FILE)
        )
    else:
        chair, deputies = _decided(old, results)
        owner = _owners(new)
        new_chair = owner.get(chair)
        if new_chair is None:
            notes.append(
                _("the chair decided in {year} ({chair}) is no member's predecessor: kept {kept}").format(
                    year=old.year, chair=chair, kept=new.chair
                )
            )
            new_chair = new.chair
        new_deputies: list[str] = []
        for d in deputies:
            code = owner.get(d)
            if code is None or code == new_chair or code in new_deputies:
                if code is None:
                    lost = _("deputy {deputy} decided in {year} is now part of no member: not carried")
                else:
                    lost = _("deputy {deputy} decided in {year} is now part of {member}: not carried")
                notes.append(lost.format(deputy=d, year=old.year, member=code))
            else:
                new_deputies.append(code)
        values["chair"], values["deputies"] = new_chair, new_deputies
        names = {m.code: m.name for m in new.members}
        notes.append(
            _("chair {chair}, deputies {deputies}").format(
                chair=f"{names[new_chair]} ({new_chair})",
                deputies=", ".join(f"{names[d]} ({d})" for d in new_deputies) or _("none"),
            )
        )
    path = new.folder / CAMPAIGN_FILE
    original = path.read_text(encoding="utf-8")
    write_atomic(path, set_keys(original, values).encode("utf-8"))
    try:
        load_campaign(new.folder)
    except Exception:
        write_atomic(path, original.encode("utf-8"))  # never leave NEW broken
        raise
    notes.append(_("previous: {previous} set in {path}").format(previous=values["previous"], path=path))
    return notes


def _owners(new: Campaign) -> dict[str, str]:
    """Last year's code -> the member of NEW it is now part of."""
    return {code: m.code for m in new.members for code, _name in sources(new, m.code)}


def set_keys(text: str, values: Mapping[str, Any]) -> str:
    """A YAML file's text with top-level keys set (JSON-style values are valid YAML); comments and layout kept."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    spans: dict[str, tuple[int, int]] = {}
    if isinstance(root, yaml.MappingNode):
        spans = {k.value: (v.start_mark.index, _end(v)) for k, v in root.value}
    missing = []
    for key, value in sorted(values.items(), key=lambda kv: -spans.get(kv[0], (-1, -1))[0]):
        written = json.dumps(value, ensure_ascii=False)
        if key not in spans:
            missing.append(f"{key}: {written}\n")
            continue
        start, end = spans[key]
        text = text[:start] + written + text[end:]
    if missing:
        text = text if text.endswith("\n") else text + "\n"
        text += "".join(missing)
    return text


def _end(node: yaml.Node) -> int:
    """Where a value ends in the text: a block collection ends with its last item, not at the next key (so the
    comments and blank lines before that key stay)."""
    if isinstance(node, yaml.SequenceNode | yaml.MappingNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(last, tuple) else last)
    return int(node.end_mark.index)


# ------------------------------------------------------------------ the values


def _carry_all(
    old: Campaign, results: Results, new: Campaign, done: NextYear
) -> list[tuple[str, str, str, float | None, str]]:
    rows: list[tuple[str, str, str, float | None, str]] = []
    old_codes = set(old.member_codes)
    then = {i.code: i for i in old.catalogue.indicators}
    used: set[str] = set()
    for member in new.members:
        srcs = sources(new, member.code)
        used.update(c for c, _n in srcs)
        for ind in new.catalogue.indicators:
            for inp in ind.inputs:
                if not inp.carried_from:
                    continue
                carry = _carry(old, results, then.get(ind.code), ind, inp, srcs, old_codes)
                rows.append((member.code, ind.code, inp.name, carry.number, carry.note))
                if carry.number is None:
                    done.gaps.append(Gap(member.code, member.name, ind.code, inp.name, carry.reason))
    names = {m.code: m.name for m in old.members}
    for code in old.member_codes:
        if code not in used:
            done.notes.append(
                _("{name} ({member}) of {old_year} is no member's predecessor in {year}: not carried").format(
                    name=names[code], member=code, old_year=old.year, year=new.year
                )
            )
    return rows


def _carry(
    old: Campaign,
    results: Results,
    then: Indicator | None,
    ind: Indicator,
    inp: Input,
    srcs: list[tuple[str, str]],
    old_codes: set[str],
) -> Carry:
    """Last year's figure for one input of one member of NEW, or a blank with the note saying why."""
    year = old.year
    fill = f"; đơn vị tự nhập số liệu năm {year} tính cho địa bàn hiện nay"
    if then is None:
        return Carry(None, f"Tiêu chí mới, không có trong bộ tiêu chí năm {year}: đơn vị tự nhập.", _("new indicator"))
    source = inp.carried_from or ""
    if then.spec is not ind.spec or source not in {i.name for i in then.inputs}:
        return Carry(
            None, f"Năm {year} tiêu chí này chấm theo cách khác: đơn vị tự nhập.", _("scored differently last year")
        )
    if then.unit.strip() != ind.unit.strip():
        return Carry(
            None,
            f"Đơn vị tính năm {year} là «{then.unit}», năm nay là «{ind.unit}»: đơn vị tự nhập.",
            _("unit changed ({old_unit} → {unit})").format(old_unit=then.unit, unit=ind.unit),
        )
    outside = [f"{n} ({c})" for c, n in srcs if c not in old_codes]
    figures = [(n, num(results.inputs.get(c, {}).get(ind.code, {}).get(source))) for c, n in srcs if c in old_codes]
    label = "thực hiện" if source == "actual" else next((i.label for i in then.inputs if i.name == source), source)
    label = label[:1].lower() + label[1:]
    if len(srcs) == 1:
        name, value = figures[0] if figures else (srcs[0][1], None)
        if outside:
            return Carry(
                None, f"{name} không thuộc Cụm năm {year}: Cụm không có số liệu{fill}.", _("not in last year's cluster")
            )
        if value is None:
            return Carry(
                None,
                f"Cụm không có số liệu {label} năm {year} hợp lệ của {name}: đơn vị tự nhập.",
                _("no valid value last year"),
            )
        return Carry(value, f"Điền sẵn: số liệu {label} năm {year} của {name} trong hồ sơ của Cụm; sửa nếu chưa đúng.")
    parts = join([n for _c, n in srcs])
    merged = f"Đơn vị hình thành sau sắp xếp từ {parts}"
    if ind.aggregate != "sum":
        return Carry(
            None,
            f"{merged}: chỉ tiêu này (tỷ lệ, bình quân) không cộng được từ số liệu các đơn vị cũ{fill}.",
            _("merged: not additive (aggregate is not sum)"),
        )
    if outside:
        return Carry(
            None,
            f"{merged}; {join(outside)} không thuộc Cụm năm {year} nên Cụm không có đủ số liệu{fill}.",
            _("merged with units outside last year's cluster ({units})").format(units=", ".join(outside)),
        )
    lacking = [n for n, v in figures if v is None]
    if lacking:
        return Carry(
            None,
            f"{merged}; thiếu số liệu {label} năm {year} của {join(lacking)}{fill}.",
            _("merged: no valid value last year for {units}").format(units=", ".join(lacking)),
        )
    total = sum(v for _n, v in figures if v is not None)
    listed = join([f"{n} ({number(v or 0)})" for n, v in figures])
    return Carry(total, f"Điền sẵn: tổng số liệu {label} năm {year} của {listed}; sửa nếu chưa đúng.")
