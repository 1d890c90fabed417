"""Run emuxl's command line and kill -9 the process at a chosen point of its work, or upset a reader.

    python tests/faults.py POINT N emuxl-arguments...
    python tests/faults.py stall-reader SHA256 emuxl-arguments...
    python tests/faults.py kill-reader SHA256 emuxl-arguments...

The N-th time the program reaches POINT, it sends itself SIGKILL: no cleanup,
no ``finally``, exactly what a power cut or the OOM killer does. With
``stall-reader`` the reader process given the file with that hash stops for
a minute, as on a machine too busy to schedule it; with ``kill-reader`` it is
SIGKILLed, as by the OOM killer. The points are found with
``sys.setprofile``, so emuxl's code carries no test hooks.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from types import FrameType
from typing import Any


def _in_write_atomic(frame: FrameType, arg: Any, folder: str) -> bool:
    return (
        frame.f_code.co_name == "write_atomic"
        and getattr(arg, "__name__", "") == "write"
        and folder in str(frame.f_locals.get("path", ""))
    )


POINTS = {
    # the collecting process is about to archive a file's bytes
    "before-archive": lambda frame, event, arg: event == "call" and frame.f_code.co_name == "archive",
    # a file's values are inserted, its transaction not yet committed
    "mid-transaction": lambda frame, event, arg: (
        event == "c_return"
        and getattr(arg, "__name__", "") == "executemany"
        and frame.f_code.co_name == "_insert_reading"
    ),
    # a feedback workbook is being written
    "feedback": lambda frame, event, arg: event == "c_call" and _in_write_atomic(frame, arg, "feedback"),
    # ranking.xlsx is being written
    "ranking": lambda frame, event, arg: event == "c_call" and _in_write_atomic(frame, arg, "ranking.xlsx"),
}


UPSET = "EMUXL_TEST_UPSET_READER"  # how:sha, for the reader processes this script's run spawns


def _reading(frame: FrameType, event: str, sha: str) -> bool:
    """A reader process starts reading the archived file with this hash."""
    return (
        event == "call"
        and frame.f_code.co_name in ("__call__", "_read_and_verify")
        and sha in str(frame.f_locals.get("path"))
    )


def _upsetting(how: str, sha: str) -> Any:
    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if _reading(frame, event, sha):
            if how == "kill-reader":
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(60)

    return profile


def upset_reader(how: str, sha: str, args: list[str]) -> None:
    """Run the command line; the reader of one file stalls (``stall-reader``) or is killed (``kill-reader``).

    Readers are spawned: each imports this script as its main module (below), where the hook is set.
    """
    from emuxl.cli import main as cli

    os.environ[UPSET] = f"{how}:{sha}"
    cli(args, prog_name="emuxl")


if __name__ == "__mp_main__" and os.environ.get(UPSET):  # a reader process spawned by upset_reader
    sys.setprofile(_upsetting(*os.environ[UPSET].split(":", 1)))


def main() -> None:
    if sys.argv[1] in ("stall-reader", "kill-reader"):
        upset_reader(sys.argv[1], sys.argv[2], sys.argv[3:])
        return
    point, nth, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    matches = POINTS[point]
    seen = 0
    parent = os.getpid()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal seen
        if os.getpid() == parent and matches(frame, event, arg):
            seen += 1
            if seen == nth:
                sys.stdout.flush()
                os.kill(os.getpid(), signal.SIGKILL)

    from emuxl.cli import main as cli

    sys.setprofile(profile)
    cli(args, prog_name="emuxl")


if __name__ == "__main__":
    main()
