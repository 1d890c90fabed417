"""A synthetic campaign for benchmarks: thousands of communes, dozens of indicators."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

METHODS = [
    ("plan", {}),
    ("plan", {"base": 0.9, "bonus_per_pct": 1, "cap": 20, "floor_ratio": 0.5}),
    ("leader", {}),
    ("national", {"of": 34, "bands": [{"top_pct": 10, "share": 1}, {"top_pct": 50, "share": 0.6}]}),
    ("lower", {}),
    ("yesno", {}),
    ("level", {}),
    ("count", {"per_item": 2}),
]


def synthetic_campaign(folder: Path, members: int, indicators: int) -> None:
    """Write a campaign of ``members`` communes and ``indicators`` indicators worth 1000 points."""
    points = [1000 // indicators] * indicators
    points[0] += 1000 - sum(points)
    inds = []
    for i, p in enumerate(points):
        method, params = METHODS[i % len(METHODS)]
        if method == "plan" and params.get("cap"):
            params = {**params, "cap": p}
        inds.append(
            {"code": f"I{i + 1:02d}", "title": f"Chỉ tiêu số {i + 1} của xã", "unit": "%", "points": p}
            | {"method": method, "params": params}
        )
    sections = [{"code": f"S{k}", "title": f"Phần {k}", "indicators": inds[k::4]} for k in range(4)]
    campaign = {
        "cluster": "Cụm thi đua các xã (tổng hợp)",
        "year": 2026,
        "members": [{"code": f"{n:05d}", "name": f"Xã Số {n}"} for n in range(1, members + 1)],
        "chair": "00001",
        "report": {"member_noun": "xã"},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.yaml").write_text(yaml.safe_dump(campaign, allow_unicode=True), encoding="utf-8")
    catalogue = {"scale": 1000, "sections": sections}
    (folder / "indicators.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")


def timed(func: Callable[..., Any], *args: Any) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def forget_collected(folder: Path) -> None:
    """Remove what ``collect`` wrote (store, archive, feedback), so the next run starts afresh."""
    for path in folder.glob("emuxl.db*"):
        path.unlink()
    for sub in ("archive", "out"):
        shutil.rmtree(folder / sub, ignore_errors=True)
