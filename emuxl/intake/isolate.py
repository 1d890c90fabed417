"""Run a function over many items in worker processes that may crash, hang or run out of memory.

A parser that aborts the process, loops forever or exhausts memory on one
hostile file costs that file only: its worker is replaced and the run goes on.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

DEFAULT_TIMEOUT = 30.0  # seconds per item
DEFAULT_MEMORY = 1024 * 1024 * 1024  # bytes of address space per worker, above what it starts with


@dataclass(frozen=True)
class Failure:
    """An item whose worker crashed, hung, ran out of memory or raised."""

    reason: str


def _limit_memory(extra: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + extra, current + extra))
    except (ImportError, OSError, ValueError):
        pass  # no limit where the platform has none


def _serve(func: Callable[[Any], Any], conn: Connection, memory: int) -> None:
    faulthandler.disable()  # a crash is reported as a Failure, not as a stack dump on the terminal
    _limit_memory(memory)
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        try:
            result: Any = func(item)
        except MemoryError:
            result = Failure("ran out of memory")
        except Exception as e:  # report, never crash the run
            result = Failure(f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
        conn.send(result)


class _Worker:
    def __init__(self, ctx: Any, func: Callable[[Any], Any], memory: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(func, child, memory), daemon=True)
        gc.freeze()  # the child neither scans nor copies the parent's objects when it collects
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        child.close()
        self.item: Any = None
        self.index = -1
        self.started = 0.0

    def give(self, index: int, item: Any) -> None:
        self.index, self.item, self.started = index, item, time.monotonic()
        self.conn.send(item)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _crashed(worker: _Worker) -> Failure:
    worker.process.join(1)
    code = worker.process.exitcode
    how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
    return Failure(f"the reader crashed ({how})")


def run_isolated(
    func: Callable[[Any], Any],
    items: Iterable[Any],
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
) -> Iterator[tuple[int, Any]]:
    """Yield (index, result or Failure) for each item, in completion order.

    Items are drawn from the iterable only as workers become free, so the
    caller's work to produce them overlaps with the reading.
    """
    source = enumerate(items)
    ctx = multiprocessing.get_context("fork")
    jobs = max(1, jobs or os.cpu_count() or 1)
    workers: list[_Worker] = []
    busy: dict[int, _Worker] = {}

    def feed(worker: _Worker | None) -> None:
        nxt = next(source, None)
        if nxt is None:
            return
        if worker is None:
            worker = _Worker(ctx, func, memory)
            workers.append(worker)
        worker.give(*nxt)
        busy[id(worker)] = worker

    try:
        for _ in range(jobs):
            feed(None)
        while busy:
            ready = wait([w.conn for w in busy.values()] + [w.process.sentinel for w in busy.values()], 0.2)
            now = time.monotonic()
            for w in list(busy.values()):
                result: Any = None
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = _crashed(w)
                elif w.process.sentinel in ready or not w.process.is_alive():
                    result = _crashed(w)
                elif now - w.started > timeout:
                    result = Failure(f"reading took longer than {timeout:g} s")
                else:
                    continue
                index = w.index
                del busy[id(w)]
                if isinstance(result, Failure) and not (w.conn in ready and w.process.is_alive()):
                    w.stop(kill=True)
                    workers.remove(w)
                    w = _Worker(ctx, func, memory)
                    workers.append(w)
                feed(w)  # the worker starts on the next item while the caller handles this one
                yield index, result
    finally:
        for w in workers:
            w.stop(kill=bool(busy))
