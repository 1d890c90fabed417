"""Plausible returns for the demo and the tests: the values a province might really enter."""

from __future__ import annotations

import os
import random
from pathlib import Path

from .definitions import Campaign, Indicator
from .files import write_atomic
from .forms import member_form, peer_form
from .methods import Sample, Value, peer_example
from .vnformat import fixed


def _indicator_values(ind: Indicator, rng: random.Random) -> dict[str, Value]:
    """Values for one indicator from its method's example generator, and an evidence note."""
    sample = Sample(ind.title, ind.unit, ind.points, rng)
    made = ind.spec.example(sample, ind.settings)
    names = {i.name for i in ind.inputs}
    out: dict[str, Value] = {k: v for k, v in made.items() if k in names}
    out["note"] = f"Báo cáo số {rng.randint(10, 300)}/BC-UBND"
    return out


def plausible_values(campaign: Campaign, rng: random.Random) -> dict[str, dict[str, Value]]:
    """One member's plausible inputs for every indicator: code -> input name -> value."""
    return {ind.code: _indicator_values(ind, rng) for ind in campaign.catalogue.indicators}


def plausible_peer_scores(campaign: Campaign, scorer: str, rng: random.Random) -> dict[str, dict[str, float]]:
    """The peer scores one member gives every other member: code -> member code -> points."""
    return {
        ind.code: {
            m: peer_example(Sample(ind.title, ind.unit, ind.points, rng)) for m in campaign.member_codes if m != scorer
        }
        for ind in campaign.catalogue.peer_indicators
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
        first_plan = next((i for i in campaign.catalogue.indicators if "plan" in values[i.code]), None)
        if n == 1 and first_plan is not None:  # a catalogue without a plan has no plan to type as text
            plan = float(values[first_plan.code]["plan"] or 0)
            values[first_plan.code]["plan"] = fixed(plan, 1)  # typed as text, the Vietnamese way
        if n == 2 and first_plan is not None:
            values[first_plan.code].pop("actual", None)
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
