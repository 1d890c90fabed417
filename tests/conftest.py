"""Shared fixtures: sample campaigns copied into a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from emuxl import i18n, resources


@pytest.fixture(autouse=True)
def english_messages():
    """Every test starts and ends with English messages (a test may run the command line with --lang vi)."""
    i18n.use_language("en")
    yield
    i18n.use_language("en")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of the 12-member 2023 sample campaign."""
    folder = tmp_path / "campaign"
    resources.copy_sample("tay-nam-bo-2023", folder)
    return folder


@pytest.fixture
def sample_2025(tmp_path: Path) -> Path:
    """A fresh copy of the six-member post-merger 2025 sample campaign."""
    folder = tmp_path / "campaign-2025"
    resources.copy_sample("tay-nam-bo-2025", folder)
    return folder


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="session")
def office():
    """A headless LibreOffice driven through UNO; skipped (visibly) only outside CI."""
    from office import Office, missing_reason

    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs LibreOffice: {reason}")
        pytest.skip(reason)
    lo = Office()
    yield lo
    lo.close()


THROWAWAY_UID = 54_321  # an unused user id: root runs permission tests as it, since root ignores permission bits


class User:
    """A user the file permissions apply to: a throwaway user id when the tests run as root, else the tester."""

    def __init__(self, home: Path):
        self.root = os.geteuid() == 0
        self.uid = THROWAWAY_UID if self.root else os.getuid()
        self.home = home
        self.python = sys.executable  # the interpreter this user runs emuxl with (see find_python)
        self.env: dict[str, str] = {}

    def run(self, cmd: list[str]) -> subprocess.CompletedProcess[str]:
        """Run a command as this user (through setpriv, when root); this test's Python is the user's."""
        prefix = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups"] if self.root else []
        env = {**os.environ, "HOME": str(self.home), **self.env}
        cmd = [self.python, *cmd[1:]] if cmd and cmd[0] == sys.executable else cmd
        return subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=600, env=env)

    def find_python(self) -> str | None:
        """Make sure the user can run emuxl with worker processes (spawned afresh); None, or why not.

        A Python installed under root's 0700 home (pyenv) cannot be executed by another user: then the
        system's interpreter of the same version runs emuxl from this checkout and this environment's packages.
        """
        probe = "import multiprocessing as m; p = m.get_context('spawn').Process(target=int); p.start(); p.join()"
        probe += "; import emuxl; exit(p.exitcode)"
        if self.run([sys.executable, "-c", probe]).returncode == 0:
            return None
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        other = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
        if other is None:
            return f"no {version} the user may run"
        self.python = other
        packages = sysconfig.get_paths()["purelib"]
        self.env = {"PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent), packages])}
        done = self.run([sys.executable, "-c", probe])
        return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]

    def own(self, path: Path) -> None:
        """Give a file or folder (recursively) to this user."""
        if self.root:
            for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
                os.lchown(item, self.uid, self.uid)


@pytest.fixture
def user():
    """A user the file permissions apply to, with a home folder it owns outside pytest's root-only tmp folder.

    As root (who bypasses permission bits), commands run as a throwaway user id
    through ``setpriv``. Skipped, with the reason, where neither is possible
    (Windows, or root without setpriv).
    """
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot drop privileges to test permissions")
    home = Path(tempfile.mkdtemp(prefix="emuxl-perm-", dir="/tmp"))
    os.chmod(home, 0o755)
    someone = User(home)
    someone.own(home)
    why = someone.find_python()
    if why:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"a throwaway user cannot run emuxl with worker processes here: {why}")
    try:
        yield someone
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", str(home)], check=False)
        shutil.rmtree(home, ignore_errors=True)


def collected(folder: Path, sample_name: str, seed: int = 2023) -> Path:
    """A sample campaign in ``folder`` with the demo's generated returns collected into its store."""
    from emuxl.definitions import load_campaign
    from emuxl.demo import write_demo_returns
    from emuxl.intake import collect

    resources.copy_sample(sample_name, folder)
    campaign = load_campaign(folder)
    write_demo_returns(campaign, seed)
    for _ in collect(campaign, [folder / "inbox"], jobs=2):
        pass
    return folder


@pytest.fixture(scope="session")
def returned_2023(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2023 sample with the demo's returns collected (shared: copy it before changing anything)."""
    return collected(tmp_path_factory.mktemp("returned") / "tnb-2023", "tay-nam-bo-2023")


@pytest.fixture
def demo_2023(returned_2023: Path, tmp_path: Path) -> Path:
    """A copy of the 2023 sample with the demo's returns collected, to change at will."""
    import shutil

    return Path(shutil.copytree(returned_2023, tmp_path / "tnb-2023"))
