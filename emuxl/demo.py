"""Plausible returns for the demo and the tests: the values a province might really enter."""

from __future__ import annotations

import os
import random
from pathlib import Path

from .definitions import Campaign, Indicator
from .files import write_atomic
from .forms import member_form, peer_form
from .methods import NO, YES, LevelParams, NationalParams, Value, choices_of, inputs_of

MAGNITUDES = {"%": 100.0, "tỷ đồng": 20000.0, "triệu USD": 1500.0, "triệu đồng": 70.0}


def _indicator_values(ind: Indicator, rng: random.Random) -> dict[str, Value]:
    settings = ind.settings
    names = {i.name for i in inputs_of(ind.spec, settings)}
    out: dict[str, Value] = {}
    if "plan" in names:
        plan = round(MAGNITUDES.get(ind.unit, 1000.0) * rng.uniform(0.5, 1.0), 2)
        out["plan"] = plan
        out["actual"] = round(plan * rng.uniform(0.85, 1.15), 2)
        out["previous"] = round(float(out["actual"]) * rng.uniform(0.85, 1.0), 2)
    elif ind.method == "rank":
        out["actual"] = round(MAGNITUDES.get(ind.unit, 500.0) * rng.uniform(0.3, 1.0), 2)
    elif ind.method == "lower":
        out["previous"] = float(rng.randint(50, 400))
        out["actual"] = float(out["previous"] + rng.randint(-40, 20))
    elif ind.method == "accidents":
        for name in ("cases", "deaths", "injuries"):
            out[f"{name}_previous"] = float(rng.randint(40, 300))
            out[name] = float(out[f"{name}_previous"] + rng.randint(-30, 10))
    if isinstance(settings, NationalParams):
        out["rank"] = float(rng.randint(1, settings.of))
    if ind.method == "yesno":
        out["done"] = YES if rng.random() < 0.85 else NO
    if isinstance(settings, LevelParams):
        out["level"] = rng.choice(choices_of(settings)[:3])
    if "count" in names:
        out["count"] = float(rng.randint(0, 3) if ind.spec.role == "base" else rng.choice([0, 0, 0, 1]))
    if "self" in names:
        out["self"] = round(ind.points * rng.uniform(0.6, 1.0), 2)
    out["note"] = f"Báo cáo số {rng.randint(10, 300)}/BC-UBND"
    return {k: v for k, v in out.items() if k in names or k == "note"}


def plausible_values(campaign: Campaign, rng: random.Random) -> dict[str, dict[str, Value]]:
    """One member's plausible inputs for every indicator: code -> input name -> value."""
    return {ind.code: _indicator_values(ind, rng) for ind in campaign.catalogue.indicators}


def plausible_peer_scores(campaign: Campaign, scorer: str, rng: random.Random) -> dict[str, dict[str, float]]:
    """The peer scores one member gives every other member: code -> member code -> points."""
    return {
        ind.code: {m: round(ind.points * rng.uniform(0.7, 1.0), 2) for m in campaign.member_codes if m != scorer}
        for ind in campaign.catalogue.indicators
        if ind.method == "peer"
    }


def write_demo_returns(campaign: Campaign, seed: int = 2023) -> list[Path]:
    """Fill every member's forms with plausible values into inbox/, a few deliberately wrong.

    The second member types a number the Vietnamese way as text, the third
    leaves a required input empty, the fourth first sends last year's form and
    then a corrected one: so the feedback has something to show.
    """
    rng = random.Random(seed)
    inbox = campaign.folder / "inbox"
    written = []
    for n, member in enumerate(campaign.members):
        values = plausible_values(campaign, rng)
        first_plan = next(i for i in campaign.catalogue.indicators if "plan" in values[i.code])
        if n == 1:
            plan = float(values[first_plan.code]["plan"] or 0)
            values[first_plan.code]["plan"] = f"{plan:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        if n == 2:
            values[first_plan.code].pop("actual")
        if n == 3:
            last_year = campaign.model_copy(update={"year": campaign.year - 1})
            path = inbox / f"{member.slug}-nam-truoc.xlsx"
            write_atomic(path, member_form(last_year, member, values))
            os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 86400))
            written.append(path)
        path = inbox / f"{member.slug}.xlsx"
        write_atomic(path, member_form(campaign, member, values))
        written.append(path)
        if campaign.has_peer:
            path = inbox / f"{member.slug}-cham-cheo.xlsx"
            write_atomic(path, peer_form(campaign, member, plausible_peer_scores(campaign, member.code, rng)))
            written.append(path)
    return written
