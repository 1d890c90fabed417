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


STATE = {"set_in_the_parent": False}


def _inherited(_item: str) -> bool:
    return STATE["set_in_the_parent"]


def test_workers_are_spawned_not_forked() -> None:
    """Workers start fresh (spawn, the one start method Windows has): they do not inherit the caller's state."""
    STATE["set_in_the_parent"] = True
    try:
        results = dict(run_isolated(_inherited, ["x", "y"], jobs=2, timeout=30))
    finally:
        STATE["set_in_the_parent"] = False
    assert results == {0: False, 1: False}


def _language(_item: str) -> str:
    from emuxl import i18n

    return i18n.language()


def test_workers_use_the_language_of_the_run(monkeypatch) -> None:
    """A worker speaks the language chosen in the process that started it (spawned, it inherits no choice)."""
    from emuxl import i18n

    monkeypatch.setenv("EMUXL_LANG", "en")  # left to itself, a worker would choose English
    i18n.use_language("vi")
    results = dict(run_isolated(_language, ["x", "y"], jobs=2, timeout=30))
    assert results == {0: "vi", 1: "vi"}
    monkeypatch.setenv("EMUXL_LANG", "vi")  # and the other way round
    i18n.use_language("en")  # (the autouse fixture resets it after the test too)
    assert dict(run_isolated(_language, ["x"], jobs=1, timeout=30)) == {0: "en"}


def test_collect_in_a_folder_named_in_vietnamese_with_spaces(tmp_path) -> None:
    """A campaign folder and returned files whose paths hold Vietnamese letters and spaces are read like any other."""
    from emuxl import resources
    from emuxl.definitions import load_campaign
    from emuxl.demo import write_demo_returns
    from emuxl.intake import collect, member_status

    folder = tmp_path / "Cụm thi đua Tây Nam Bộ 2023" / "Hồ sơ năm 2023"
    resources.copy_sample("tay-nam-bo-2023", folder)
    campaign = load_campaign(folder)
    written = write_demo_returns(campaign)
    for path in written:
        path.rename(path.with_name(f"Biểu chấm điểm {path.stem} (bản cuối).xlsx"))
    assert len(list(collect(campaign, jobs=2))) == len(written)
    assert all(s.state != "missing" for s in member_status(campaign))


def test_giving_an_item_to_a_reader_that_just_died_does_not_raise() -> None:
    """Sending to a reader killed a moment before (the OOM killer) keeps the item queued instead of raising."""
    import multiprocessing
    import signal

    from emuxl.isolate import _Worker

    worker = _Worker(multiprocessing.get_context("spawn"), _crash, 512 * 1024 * 1024)
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(5)
    worker.give(0, "a")
    worker.give(1, "b")
    assert [index for index, _ in worker.queue] == [0, 1]
    worker.stop(kill=True)


def _die_first(item: str) -> str:
    if item == "die":
        os.kill(os.getpid(), 9)
    return item.upper()


def test_a_reader_killed_on_its_first_item_costs_that_item_only() -> None:
    """A reader killed while the next items are being sent to it: only its item fails, every other one is done."""
    for _ in range(20):
        results = dict(run_isolated(_die_first, ["die", "a", "b", "c"], jobs=1, timeout=10))
        assert isinstance(results[0], Failure) and "SIGKILL" in results[0].reason
        assert [results[i] for i in (1, 2, 3)] == ["A", "B", "C"]
