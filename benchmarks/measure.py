"""Measuring a stage: wall and CPU seconds, and peak memory summed over the processes alive together.

A stage runs in a forked child, so its memory is its own. Its CPU time is the
child's and that of every process it started and waited for (spawned readers,
pools, a command run in a subprocess): ``wait4`` reports them together. Its
peak memory is sampled: every few milliseconds the resident memory of the
child and all its descendants is added up, and the highest sum counts (never
less than the largest single process, which the kernel records exactly).
"""

from __future__ import annotations

import os
import pickle
import resource
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.02


@dataclass
class Stage:
    """One measured step: wall seconds, CPU seconds (all its processes), peak memory in bytes, its result."""

    seconds: float
    cpu: float
    peak: int = 0
    value: Any = None


@dataclass
class Part:
    """What a measured function returns to have only part of its work timed (setup excluded)."""

    seconds: float
    cpu: float
    value: Any = None


def cpu_now() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(func: Callable[..., Any], *args: Any) -> Part:
    """Call ``func`` here and return its wall and CPU seconds (its waited-for children included)."""
    start, cpu = time.perf_counter(), cpu_now()
    value = func(*args)
    return Part(time.perf_counter() - start, cpu_now() - cpu, value)


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(x) for x in f.read().split())
    except (OSError, ValueError):
        pass
    return out


def _resident(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def tree_resident(pid: int) -> int:
    """Resident bytes of a process and all its descendants, added up (0 where /proc is not there)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _resident(p)
        todo.extend(_children(p))
    return total


class _PeakSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, tree_resident(self.pid))


def measured(func: Callable[[], Any]) -> Stage:
    """Run ``func`` in a forked process: its wall and CPU time, peak memory summed over its processes, result.

    When ``func`` returns a :class:`Part`, its seconds and CPU replace the whole call's (setup not timed).
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, leave without cleanup handlers
        os.close(read)
        code = 0
        try:
            part = timed(func)
            if isinstance(part.value, Part):
                part = part.value
            payload = pickle.dumps((part.seconds, part.cpu, part.value))
        except BaseException:  # report any failure to the parent
            payload, code = pickle.dumps((0.0, 0.0, f"failed: {traceback.format_exc(limit=-4)}")), 1
        with os.fdopen(write, "wb") as f:
            f.write(payload)
        os._exit(code)
    os.close(write)
    sampler = _PeakSampler(pid)
    sampler.start()
    with os.fdopen(read, "rb") as f:
        seconds, cpu, value = pickle.loads(f.read())
    _, status, usage = os.wait4(pid, 0)
    sampler.stop.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"stage failed: {value}")
    return Stage(seconds, cpu, max(sampler.peak, usage.ru_maxrss * 1024), value)


def best(stages: list[Stage]) -> Stage:
    """The fastest of repeated runs in wall and in CPU time (noise only ever adds time), the highest peak."""
    return Stage(min(s.seconds for s in stages), min(s.cpu for s in stages), max(s.peak for s in stages))


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def folder_bytes(folder: Path, pattern: str) -> int:
    """Bytes of the files matching ``pattern`` in ``folder``."""
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file())
