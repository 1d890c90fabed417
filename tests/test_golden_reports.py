"""Golden text of the three documents of the bundled 2023 sample, from fixed returns (tests/data).

The returns are read from ``tests/data/tay-nam-bo-2023-values.json``, not generated, so the golden
files change only when what the documents say changes. After a deliberate change, regenerate and
read the difference: ``EMUXL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_reports.py``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_golden import TEMPLATES, check_lines, docx_lines

from emuxl import resources
from emuxl.definitions import load_campaign
from emuxl.ranking import rank
from emuxl.report import render_reports, template_paths
from emuxl.results import Results
from emuxl.scoring import score

VALUES = Path(__file__).parent / "data" / "tay-nam-bo-2023-values.json"


def sample_results(folder: Path) -> Results:
    """The 2023 sample scored and ranked from the fixed returns."""
    resources.copy_sample("tay-nam-bo-2023", folder)
    campaign = load_campaign(folder)
    data = json.loads(VALUES.read_text(encoding="utf-8"))
    cards = score(campaign, data["inputs"], data["peer"])
    return Results(campaign, data["inputs"], data["peer"], cards, rank(campaign, cards))


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three documents of the 2023 sample, rendered once for this module."""
    results = sample_results(tmp_path_factory.mktemp("sample") / "tay-nam-bo-2023")
    done = render_reports(results, template_paths(results.campaign), today=date(2024, 3, 27))
    return {r.docx.stem: r.docx for r in done}


@pytest.mark.parametrize("template", TEMPLATES)
def test_sample_2023_document_text(documents: dict[str, Path], template: str) -> None:
    """Each document of the 2023 sample says exactly what its golden file says (paragraphs, table rows)."""
    check_lines(docx_lines(documents[template]), f"tay-nam-bo-2023-{template}.txt")
