"""The scoring-method registry: the one place where a method is defined.

Each method is one ``Method`` declaration beside its functions (``plan.py``,
``ranks.py``, ``lower.py``, ``choice.py``, ``count.py``, ``peer.py``): its
inputs with their Vietnamese labels and valid ranges, its parameter schema
with labels, help and bounds, the Python rule and its Excel formula twin, the
flags the stages ask (uses a plan, peer-scored, cluster-wide), plausible
example values, its documentation with worked examples the tests execute, and
its sentence in the summary report. No stage tests a method by name: a new
method is one declaration passed to ``register`` (or, from another package,
an ``emuxl.methods`` entry point naming it).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from .base import (
    MAX_AMOUNT,
    Cluster,
    Column,
    Example,
    Facts,
    Input,
    Limits,
    Method,
    ParamInfo,
    Params,
    Refs,
    Row,
    Sample,
    Score,
    Value,
    Writeup,
    lit,
    num,
    param,
    param_info,
    plan_ratio,
    pts,
)
from .choice import LEVEL_METHOD, NO, YES, YESNO_METHOD, LevelParams, YesNoParams, same_text
from .count import BONUS_METHOD, COUNT_METHOD, PENALTY_METHOD, CountParams
from .lower import ACCIDENTS_METHOD, LOWER_METHOD, AccidentsParams, LowerParams
from .peer import PEER_METHOD, PeerParams, peer_example
from .plan import LEADER_METHOD, PLAN_METHOD, LeaderParams, PlanParams
from .ranks import NATIONAL_METHOD, RANK_METHOD, Band, NationalParams, RankParams

METHODS: dict[str, Method[Any]] = {}


def register(method: Method[Any]) -> Method[Any]:
    """Add a method to the registry (the same declaration again is a no-op); return it."""
    known = METHODS.get(method.name)
    if known is not None and known is not method:
        raise ValueError(f"a scoring method named {method.name!r} is already registered")
    METHODS[method.name] = method
    return method


def plugins() -> tuple[Method[Any], ...]:
    """The methods registered beyond emuxl's own (at run time or by entry points), to carry to worker processes."""
    return tuple(m for name, m in METHODS.items() if name not in BUILT_IN)


def ensure_registered(methods: tuple[Method[Any], ...]) -> None:
    """Register methods carried from another process, unless a method of that name is already known."""
    for method in methods:
        METHODS.setdefault(method.name, method)


def unregister(name: str) -> None:
    """Remove a method from the registry (for tests of plugins)."""
    METHODS.pop(name, None)


for _method in (
    PLAN_METHOD,
    LEADER_METHOD,
    RANK_METHOD,
    NATIONAL_METHOD,
    LOWER_METHOD,
    ACCIDENTS_METHOD,
    YESNO_METHOD,
    LEVEL_METHOD,
    COUNT_METHOD,
    PEER_METHOD,
    BONUS_METHOD,
    PENALTY_METHOD,
):
    register(_method)

BUILT_IN = frozenset(METHODS)

for _entry in entry_points(group="emuxl.methods"):  # methods other packages declare
    register(_entry.load())

__all__ = [
    "MAX_AMOUNT",
    "METHODS",
    "NO",
    "YES",
    "AccidentsParams",
    "Band",
    "Cluster",
    "Column",
    "CountParams",
    "Example",
    "Facts",
    "Input",
    "LeaderParams",
    "LevelParams",
    "Limits",
    "LowerParams",
    "Method",
    "NationalParams",
    "ParamInfo",
    "Params",
    "PeerParams",
    "PlanParams",
    "RankParams",
    "Refs",
    "Row",
    "Sample",
    "Score",
    "Value",
    "Writeup",
    "YesNoParams",
    "ensure_registered",
    "lit",
    "num",
    "param",
    "param_info",
    "peer_example",
    "plan_ratio",
    "plugins",
    "pts",
    "register",
    "same_text",
    "unregister",
]
