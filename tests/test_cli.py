"""The command line end to end: init, check, exit codes, help and version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import edit

from emuxl import __version__
from emuxl.cli import main


def run(*args: str) -> tuple[int, str]:
    """Run emuxl in-process; return the exit code and everything it printed."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_init_then_check(tmp_path: Path) -> None:
    """init copies the sample and check summarises it, exit 0."""
    folder = tmp_path / "tnb"
    assert run("init", str(folder), "--sample", "tay-nam-bo-2023")[0] == 0
    assert (folder / "campaign.yaml").is_file() and (folder / "indicators.yaml").is_file()
    code, out = run("check", str(folder))
    assert code == 0, out
    assert "Cụm thi đua các tỉnh Tây Nam Bộ, năm 2023" in out
    assert "Members (12)" in out and "Chair: Sóc Trăng; deputies: Trà Vinh" in out
    assert "A. Phát triển kinh tế: 14 indicators, 420 points" in out


def test_init_refuses_non_empty_folder(tmp_path: Path) -> None:
    """init will not write into a folder that has files unless --force."""
    (tmp_path / "keep.txt").write_text("mine")
    code, out = run("init", str(tmp_path))
    assert code == 2 and "not empty" in out and "--force" in out
    assert run("init", str(tmp_path), "--force", "--sample", "tay-nam-bo-2025")[0] == 0
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_check_exits_1_with_located_problems(sample: Path) -> None:
    """check on a broken catalogue exits 1 and prints every problem with its place."""
    edit(sample / "indicators.yaml", "code: A05,", "code: A04,")
    code, out = run("check", str(sample))
    assert code == 1
    assert "indicators.yaml:12: sections[0].indicators[4].code (A04): duplicate code 'A04'" in out
    assert "1 problem found" in out


def test_check_outside_a_campaign_exits_1(tmp_path: Path) -> None:
    """check in a folder without campaign.yaml says how to start one."""
    code, out = run("check", str(tmp_path))
    assert code == 1 and "emuxl init" in out


def test_unknown_sample_is_a_usage_error(tmp_path: Path) -> None:
    """An unknown sample name is a usage error (exit 2) listing the samples."""
    code, out = run("init", str(tmp_path / "x"), "--sample", "dong-bang")
    assert code == 2 and "tay-nam-bo-2023" in out


def test_version_and_help() -> None:
    """--version prints the version; every command has help text."""
    assert run("--version") == (0, f"emuxl, version {__version__}\n")
    for name, command in main.commands.items():
        assert command.help, name
        code, out = run(name, "--help")
        assert code == 0 and "Usage:" in out


def test_console_script_runs(tmp_path: Path) -> None:
    """The installed entry point works as a real process (python -m emuxl)."""
    folder = tmp_path / "c"
    subprocess.run(
        [sys.executable, "-m", "emuxl", "init", str(folder), "--sample", "tay-nam-bo-2023"],
        check=True,
        capture_output=True,
    )
    done = subprocess.run([sys.executable, "-m", "emuxl", "check", str(folder)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().endswith("OK")


def test_demo_runs_the_whole_cycle(tmp_path: Path) -> None:
    """emuxl demo (the README's main job) goes from an empty folder to forms, returns, ranking and reports."""
    folder = tmp_path / "demo"
    code, out = run("demo", str(folder), "--sample", "tay-nam-bo-2025")
    assert code == 0, out
    assert len(list((folder / "forms").glob("*.xlsx"))) == 12  # 6 member forms + 6 peer forms
    assert (folder / "out" / "ranking.xlsx").is_file()
    assert {p.name for p in (folder / "out").glob("*.docx")} == {
        "bao-cao-tong-ket.docx",
        "bien-ban-hop-binh-xet.docx",
        "to-trinh-khen-thuong.docx",
    }
    assert "wrong-year" in out and "6/6 members returned a form." in out
    assert len(list((folder / "out" / "feedback").glob("*.xlsx"))) == 6
