"""A synthetic campaign for benchmarks: thousands of communes, a realistic catalogue of dozens of indicators.

The catalogue is the bundled 2025 sample's (every one of the 12 scoring
methods in the proportions a real cluster uses them: plan-heavy, a few
ranks, levels, yes/no, counts, lower-is-better, accidents, one peer
indicator, bonus and penalties; the sample's titles, units and parameters),
repeated in order to the number of indicators asked for, the base points
rescaled to a scale of 1000.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "tay-nam-bo-2025" / "indicators.yaml"
SCALE = 1000


def sample_indicators() -> list[tuple[str, str, dict[str, Any]]]:
    """The 2025 sample's indicators in order: (section code, section title, indicator)."""
    catalogue = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return [(s["code"], s["title"], dict(ind)) for s in catalogue["sections"] for ind in s["indicators"]]


def _by_method(source: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[str, str, dict[str, Any]]]:
    """The indicators one of each method first, then a second of each, and so on (sample order within each)."""
    seen: dict[str, int] = {}
    layer = []
    for x in source:
        seen[x[2]["method"]] = seen.get(x[2]["method"], 0) + 1
        layer.append(seen[x[2]["method"]])
    return [x for _, _, x in sorted(zip(layer, range(len(source)), source, strict=True), key=lambda t: t[:2])]


def realistic_catalogue(indicators: int, peer: bool = True) -> dict[str, Any]:
    """The sample's catalogue stretched to ``indicators`` indicators (without its peer indicator if not ``peer``).

    Fewer indicators than the sample: one of each method first, so every method is there from 11 (12 with peer)
    on; more: the whole sample, then one more of each method, and so on.
    """
    source = [x for x in sample_indicators() if peer or x[2]["method"] != "peer"]
    layered = _by_method(source)
    chosen = source * (indicators // len(source)) + layered[: indicators % len(source)]
    base = [i for i, (_s, _t, ind) in enumerate(chosen) if ind["method"] not in ("bonus", "penalty")]
    raw = sum(chosen[i][2]["points"] for i in base)
    sections: dict[str, dict[str, Any]] = {}
    points = {i: max(1, round(chosen[i][2]["points"] * SCALE / raw)) for i in base}
    points[max(base, key=lambda i: points[i])] += SCALE - sum(points.values())
    for i, (code, title, ind) in enumerate(chosen):
        new = {**ind, "code": f"{code}{i + 1:02d}"}
        if i in points:
            factor = points[i] / ind["points"]
            new["points"] = points[i]
            params = dict(ind.get("params") or {})
            if params.get("cap") is not None:
                params["cap"] = points[i] if params["cap"] == ind["points"] else round(params["cap"] * factor, 2)
            if params:
                new["params"] = params
        sections.setdefault(code, {"code": code, "title": title, "indicators": []})["indicators"].append(new)
    return {"scale": SCALE, "sections": list(sections.values())}


def synthetic_campaign(folder: Path, members: int, indicators: int, peer: bool = False) -> None:
    """Write a campaign of ``members`` communes and the realistic catalogue of ``indicators`` indicators."""
    campaign = {
        "cluster": "Cụm thi đua các xã (tổng hợp)",
        "year": 2026,
        "members": [{"code": f"{n:05d}", "name": f"Xã Số {n}"} for n in range(1, members + 1)],
        "chair": "00001",
        "report": {"member_noun": "xã"},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.yaml").write_text(yaml.safe_dump(campaign, allow_unicode=True), encoding="utf-8")
    catalogue = realistic_catalogue(indicators, peer)
    (folder / "indicators.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")


def methods_of(folder: Path) -> dict[str, int]:
    """How many indicators of each method a campaign folder's catalogue has."""
    catalogue = yaml.safe_load((folder / "indicators.yaml").read_text(encoding="utf-8"))
    out: dict[str, int] = {}
    for section in catalogue["sections"]:
        for ind in section["indicators"]:
            out[ind["method"]] = out.get(ind["method"], 0) + 1
    return out


def forget_collected(folder: Path) -> None:
    """Remove what ``collect`` wrote (store, archive, feedback), so the next run starts afresh."""
    for path in folder.glob("emuxl.db*"):
        path.unlink()
    for sub in ("archive", "out"):
        shutil.rmtree(folder / sub, ignore_errors=True)
