"""The built wheel carries the samples and templates: a plain pip install works, not only the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_with_samples_and_templates(tmp_path: Path) -> None:
    """Build the wheel, install it apart from the checkout, and run init, check and report --check from it."""
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path / "dist")], check=True, capture_output=True
    )
    [wheel] = list((tmp_path / "dist").glob("emuxl-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "emuxl").rglob("*.py")}
    assert modules == {
        n for n in names if n.endswith(".py") and not n.startswith(("emuxl/samples/", "emuxl/templates/"))
    }, "the wheel must carry every module of emuxl/ and no other (setup.cfg's packages)"
    assert "emuxl/samples/tay-nam-bo-2023/indicators.yaml" in names
    assert "emuxl/templates/bao-cao-tong-ket.docx" in names and "emuxl/py.typed" in names
    target = tmp_path / "site"
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "emuxl", *args], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    where = subprocess.run(
        [sys.executable, "-c", "import emuxl; print(emuxl.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(target))
    assert run("init", "c", "--sample", "tay-nam-bo-2025").returncode == 0
    assert sorted(p.name for p in (tmp_path / "c" / "templates").iterdir()) == [
        "bao-cao-tong-ket.docx",
        "bien-ban-hop-binh-xet.docx",
        "to-trinh-khen-thuong.docx",
    ]
    assert run("check", "c").stdout.strip().endswith("OK")
    assert run("report", "c", "--check").returncode == 0
