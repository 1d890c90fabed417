"""The library API: what ``import emuxl`` gives, and the rule that only the command line imports click."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import emuxl

PACKAGE = Path(emuxl.__file__).resolve().parent


def _type_checking_imports() -> dict[str, str]:
    """Name -> module of the imports under ``if TYPE_CHECKING:`` in emuxl/__init__.py (what mypy sees)."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    return {
        alias.asname or alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_import_emuxl_exposes_every_name_in_all() -> None:
    """Every name in emuxl.__all__ resolves to the object of the module mypy is told it comes from."""
    typed = _type_checking_imports()
    assert set(emuxl.__all__) == {"__version__", *typed}
    for name, module in typed.items():
        assert getattr(emuxl, name) is getattr(importlib.import_module(f"emuxl.{module}"), name), name
        assert name in dir(emuxl)
    assert emuxl.load_campaign.__doc__ and emuxl.take_in.__doc__ and emuxl.Results.__doc__


def test_import_emuxl_is_cheap() -> None:
    """``import emuxl`` loads none of its modules (nor click, xlsxwriter, jinja2) until a name is used."""
    code = (
        "import sys, emuxl; "
        "print(sorted(m for m in sys.modules if m.startswith('emuxl.') or m in ('click', 'xlsxwriter', 'jinja2')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_unknown_name_is_an_attribute_error() -> None:
    """A name the library does not have raises AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="no_such_thing"):
        emuxl.no_such_thing  # noqa: B018


def _imports_click(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "click" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "click":
            return True
    return False


def test_only_cli_imports_click() -> None:
    """No module of the package but cli.py imports click (the library stays usable without a terminal)."""
    importers = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if _imports_click(p))
    assert importers == ["cli.py"]
