"""Benchmark of the «Độ tin cậy» analysis: margins with the smallest flip, Monte Carlo rank intervals, outliers.

    .venv/bin/python benchmarks/robustness.py [--scales 12,168,830,3321] [--indicators 60] [--draws 1000]

For each scale, a synthetic campaign of that many members (plausible values, scored and ranked once, not
timed) and the analysis timed in both spreads: ``indicator`` (one factor per indicator and draw, the default)
and ``member`` (one per member, indicator and draw: members × indicators × draws random numbers). Targets:
seconds for 12 members, under a minute for 3,321 (the issue's); each run prints OK or MISSED against them.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_campaign

from emuxl.definitions import Robustness, load_campaign
from emuxl.demo import plausible_values
from emuxl.ranking import rank
from emuxl.robustness import boundaries, intervals, outliers
from emuxl.scoring import score

TARGETS = {12: 5.0, 3321: 60.0}  # seconds, by members


def main() -> None:
    """Time the analysis at each scale and print one row per scale and spread."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="12,168,830,3321")
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    print(f"{'members':>7} {'spread':<9} {'margins':>8} {'intervals':>9} {'outliers':>8} {'total':>7}  target")
    for members in (int(x) for x in args.scales.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "campaign"
            synthetic_campaign(folder, members, args.indicators)
            campaign = load_campaign(folder)
            rng = random.Random(members)
            inputs = {c: plausible_values(campaign, rng) for c in campaign.member_codes}
            cards = score(campaign, inputs, {})
            ranking = rank(campaign, cards)
            for spread in ("indicator", "member"):
                settings = Robustness(spread=spread, draws=args.draws)
                run = campaign.model_copy(update={"robustness": settings})
                start = time.perf_counter()
                bounds = boundaries(run, cards, ranking)
                t_bounds = time.perf_counter()
                intervals(run, cards, ranking, bounds)
                t_spans = time.perf_counter()
                outliers(run, cards, ranking)
                end = time.perf_counter()
                total = end - start
                target = TARGETS.get(members)
                verdict = "" if target is None else f"< {target:g}s {'OK' if total < target else 'MISSED'}"
                print(
                    f"{members:>7} {spread:<9} {t_bounds - start:>7.2f}s {t_spans - t_bounds:>8.2f}s "
                    f"{end - t_spans:>7.2f}s {total:>6.2f}s  {verdict}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
