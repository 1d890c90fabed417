"""emuxl: the annual scoring cycle of a Vietnamese emulation cluster (*cụm thi đua*).

The library API, one call per command of the ``emuxl`` command line::

    import emuxl

    campaign = emuxl.load_campaign("tay-nam-bo-2023")
    emuxl.take_in(campaign)                      # emuxl collect
    results = emuxl.write_ranking(campaign)      # emuxl rank
    emuxl.render_reports(results, emuxl.template_paths(campaign))
    emuxl.start_next_year("tay-nam-bo-2023", "tay-nam-bo-2024")   # emuxl next-year

Names are loaded on first use, so ``import emuxl`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .campaign_files import convert_campaign, init_campaign, prepare_trial
    from .checkup import StoreCheck, check_store
    from .collecting import CollectRun, take_in
    from .definitions import Campaign, Indicator, Member, load_campaign
    from .demo import write_demo_returns
    from .errors import DefinitionsError, EmuxlError, InvalidRequest
    from .feedback import write_feedback
    from .forms import write_forms
    from .intake import FileResult, MemberStatus, collect, member_status, unidentified
    from .methods import METHODS, Method, register
    from .nextyear import NextYear, start_next_year
    from .ranking import Ranking, Standing
    from .report import Rendered, build_context, lint_template, render_reports, template_paths
    from .resources import copy_sample
    from .results import Results, as_data, compute
    from .review import Acceptance, Chosen, accept_numbers, adjust_score, choose_file
    from .robustness import Robust
    from .scoring import Scorecard
    from .workbook import Written, ranking_path, ranking_workbook, write_ranking

_MODULES = {  # module -> the names it gives the library API, in the order of the cycle
    "resources": ["copy_sample"],
    "campaign_files": ["convert_campaign", "init_campaign", "prepare_trial"],
    "methods": ["METHODS", "Method", "register"],
    "definitions": ["Campaign", "Indicator", "Member", "load_campaign"],
    "forms": ["write_forms"],
    "intake": ["FileResult", "MemberStatus", "collect", "member_status", "unidentified"],
    "collecting": ["CollectRun", "take_in"],
    "review": ["Acceptance", "Chosen", "accept_numbers", "adjust_score", "choose_file"],
    "checkup": ["StoreCheck", "check_store"],
    "scoring": ["Scorecard"],
    "ranking": ["Ranking", "Standing"],
    "results": ["Results", "as_data", "compute"],
    "robustness": ["Robust"],
    "nextyear": ["NextYear", "start_next_year"],
    "workbook": ["Written", "ranking_path", "ranking_workbook", "write_ranking"],
    "feedback": ["write_feedback"],
    "report": ["Rendered", "build_context", "lint_template", "render_reports", "template_paths"],
    "demo": ["write_demo_returns"],
    "errors": ["DefinitionsError", "EmuxlError", "InvalidRequest"],
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "METHODS",
    "Acceptance",
    "Campaign",
    "Chosen",
    "CollectRun",
    "DefinitionsError",
    "EmuxlError",
    "FileResult",
    "Indicator",
    "InvalidRequest",
    "Member",
    "MemberStatus",
    "Method",
    "NextYear",
    "Ranking",
    "Rendered",
    "Results",
    "Robust",
    "Scorecard",
    "Standing",
    "StoreCheck",
    "Written",
    "__version__",
    "accept_numbers",
    "adjust_score",
    "as_data",
    "build_context",
    "check_store",
    "choose_file",
    "collect",
    "compute",
    "convert_campaign",
    "copy_sample",
    "init_campaign",
    "lint_template",
    "load_campaign",
    "member_status",
    "prepare_trial",
    "ranking_path",
    "ranking_workbook",
    "register",
    "render_reports",
    "start_next_year",
    "take_in",
    "template_paths",
    "unidentified",
    "write_demo_returns",
    "write_feedback",
    "write_forms",
    "write_ranking",
]


def __getattr__(name: str) -> Any:
    """A library name, imported from its module on first use."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'emuxl' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the library API included."""
    return sorted({*globals(), *__all__})
