"""Worker isolation (emuxl/isolate.py), which intake and report both run their untrusted work in."""

from __future__ import annotations

import os
import time

from emuxl.isolate import Failure, run_isolated


def _crash(item: str) -> str:
    if item == "abort":
        os.abort()
    if item == "hang":
        time.sleep(3600)
    if item == "memory":
        hog = bytearray(4 * 1024 * 1024 * 1024)
        return str(len(hog))
    if item == "raise":
        raise ValueError("bad file")
    return item.upper()


def test_isolation_survives_abort_hang_memory_and_exceptions() -> None:
    """A worker that aborts, hangs, exhausts memory or raises costs only its item."""
    items = ["a", "abort", "b", "hang", "c", "memory", "d", "raise", "e"]
    results = dict(run_isolated(_crash, items, jobs=2, timeout=3, memory=512 * 1024 * 1024))
    assert [results[i] for i in (0, 2, 4, 6, 8)] == ["A", "B", "C", "D", "E"]
    assert "crashed" in results[1].reason
    assert "longer than 3 s" in results[3].reason
    assert isinstance(results[5], Failure) and "memory" in results[5].reason
    assert "ValueError: bad file" in results[7].reason
