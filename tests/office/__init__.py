"""A headless LibreOffice for the tests: started once per session, driven through UNO."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

DRIVER = Path(__file__).with_name("driver.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno belongs to the system Python

# Recalculate xlsx on load (OOXMLRecalcMode 0 = always) and write no lock files.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse">
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">
<value>false</value></prop></item>
</oor:items>
"""


def missing_reason() -> str | None:
    """Why LibreOffice cannot be driven here, or None when it can."""
    if not shutil.which("soffice"):
        return "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
    probe = (
        subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
        if Path(SYSTEM_PYTHON).exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        return "python3-uno is not installed for /usr/bin/python3: apt-get install python3-uno"
    return None


class Office:
    """One headless LibreOffice with its own profile, listening on a private pipe."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="emuxl-lo-"))
        (self.home / "user").mkdir()
        (self.home / "user" / "registrymodifications.xcu").write_text(PROFILE)
        self.process = self._start()

    def _start(self) -> subprocess.Popen:
        """Start soffice listening on a fresh private pipe."""
        self.pipe = f"emuxl_{uuid.uuid4().hex[:12]}"
        return subprocess.Popen(
            [
                "soffice",
                f"-env:UserInstallation={self.home.as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={self.pipe};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def run(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Carry out actions (open, fill by name, recalculate, read, save) in LibreOffice.

        If LibreOffice itself dies under the driver (the bridge then takes the driver down
        with a signal and no message), it is restarted once and the job run again; a job
        that fails with a message fails the test at once.
        """
        job = self.home / f"job-{uuid.uuid4().hex[:8]}.json"
        job.write_text(json.dumps(actions), encoding="utf-8")
        done = self._drive(job)
        if done.returncode != 0 and (done.returncode < 0 or self.process.poll() is not None):
            first = self._describe(done)
            self._stop()
            self.process = self._start()
            done = self._drive(job)
            if done.returncode != 0:
                raise RuntimeError(f"LibreOffice driver failed twice:\n{first}\n{self._describe(done)}")
        elif done.returncode != 0:
            raise RuntimeError(f"LibreOffice driver failed:\n{self._describe(done)}")
        return json.loads(done.stdout)

    def _drive(self, job: Path) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        return subprocess.run(
            [SYSTEM_PYTHON, str(DRIVER), self.pipe, str(job)], capture_output=True, text=True, timeout=300, env=env
        )

    def _describe(self, done: subprocess.CompletedProcess) -> str:
        office = "running" if self.process.poll() is None else f"exited with {self.process.returncode}"
        return f"driver exit {done.returncode}, soffice {office}\n{done.stderr[-3000:]}"

    def _stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        """Stop LibreOffice and remove its profile."""
        self._stop()
        shutil.rmtree(self.home, ignore_errors=True)
