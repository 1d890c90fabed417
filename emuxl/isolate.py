"""Run a function over many items in worker processes that may crash, hang or run out of memory.

A parser that aborts the process, loops forever or exhausts memory on one
hostile file costs that file only: its worker is replaced and the run goes on.
Intake reads returned files this way, and report renders user-edited templates.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import math
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from . import i18n
from .errors import InvalidRequest
from .i18n import _

DEFAULT_TIMEOUT = 30.0  # seconds per item
DEFAULT_MEMORY = 1024 * 1024 * 1024  # bytes of address space per worker, above what it starts with


@dataclass(frozen=True)
class Failure:
    """An item whose worker crashed, hung, ran out of memory or raised (``kind``: crashed, timeout, memory, error)."""

    reason: str
    kind: str = "error"


def check_timeout(seconds: float) -> float:
    """A time limit as given, if it is a number of seconds above 0 (not NaN, not infinite); else InvalidRequest."""
    if not isinstance(seconds, int | float) or not math.isfinite(seconds) or seconds <= 0:
        raise InvalidRequest(
            _("the time limit must be a number of seconds above 0, not {value}").format(value=repr(seconds))
        )
    return float(seconds)


MEMORY_CAP_SAID = "a memory cap on Linux only (elsewhere the time limit alone)"


def memory_cap_available() -> bool:
    """Whether workers can be capped in memory here: Linux (address-space limit over the size it starts with)."""
    return sys.platform.startswith("linux")


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at its size now plus ``extra`` bytes, where the OS offers it (Linux)."""
    if not memory_cap_available():
        return  # said in the CLI's --help; the time limit still holds
    try:
        import resource  # POSIX only: imported where used

        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + extra, current + extra))
    except (ImportError, OSError, ValueError):
        pass


def _serve(func: Callable[[Any], Any], conn: Connection, memory: int, parent_end: Connection, language: str) -> None:
    parent_end.close()  # so that when the caller dies, however, recv() ends instead of waiting forever
    faulthandler.disable()  # a crash is reported as a Failure, not as a stack dump on the terminal
    i18n.use_language(language)  # spawned: the caller's language is not inherited, so it is passed
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
            result = Failure(_("ran out of memory"), "memory")
        except Exception as e:  # report, never crash the run
            result = Failure(f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
        conn.send(result)


class _Worker:
    """A reader process with up to ``DEPTH`` items sent to it, the first one being read; its messages are in the
    language chosen when it is started."""

    def __init__(self, ctx: Any, func: Callable[[Any], Any], memory: int):
        self.conn, child = ctx.Pipe()
        args = (func, child, memory, self.conn, i18n.language())
        self.process = ctx.Process(target=_serve, args=args, daemon=True)
        gc.freeze()  # the child neither scans nor copies the parent's objects when it collects
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        child.close()
        self.queue: deque[tuple[int, Any]] = deque()
        self.started = 0.0  # when the first item in the queue began to be read

    def give(self, index: int, item: Any) -> None:
        """Queue an item for this reader. If the reader has died, the item stays queued: the caller's loop sees
        the death and gives the queue to a replacement (sending must never raise: a killed reader costs one item).
        """
        if not self.queue:
            self.started = time.monotonic()
        self.queue.append((index, item))
        with contextlib.suppress(OSError):  # BrokenPipeError, ConnectionResetError: the reader is gone
            self.conn.send(item)

    def done(self) -> int:
        """The first item is finished: its index; the next one starts now."""
        index, _ = self.queue.popleft()
        self.started = time.monotonic()
        return index

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
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return Failure(_("the reader crashed (signal {signal})").format(signal=name), "crashed")
    return Failure(_("the reader crashed (exit code {code})").format(code=code), "crashed")


_GONE = object()  # the pipe closed: the reader died
DEPTH = 2  # items in flight per worker, so it never waits for the caller between two files


def run_isolated(
    func: Callable[[Any], Any],
    items: Iterable[Any],
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
) -> Iterator[tuple[int, Any]]:
    """Yield (index, result or Failure) for each item, in completion order.

    Items are drawn from the iterable only as workers have room, so the
    caller's work to produce them overlaps with the reading. When a worker
    crashes or hangs, the item it was reading fails and the items queued
    behind it go to its replacement.
    """
    source = enumerate(items)
    retry: deque[tuple[int, Any]] = deque()
    ctx = multiprocessing.get_context("spawn")  # one code path, the one Windows has
    jobs = max(1, jobs or os.cpu_count() or 1)
    workers: list[_Worker] = []

    def feed(worker: _Worker) -> None:
        while len(worker.queue) < DEPTH:
            nxt = retry.popleft() if retry else next(source, None)
            if nxt is None:
                return
            worker.give(*nxt)

    try:
        for _n in range(jobs):
            first = next(source, None)
            if first is None:
                break
            workers.append(_Worker(ctx, func, memory))
            workers[-1].give(*first)
        for w in workers:
            feed(w)
        while any(w.queue for w in workers):
            busy = [w for w in workers if w.queue]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], 0.2)
            now = time.monotonic()
            for w in busy:
                if w.conn in ready:
                    try:
                        result: Any = w.conn.recv()
                    except (EOFError, OSError):
                        result = _GONE
                    if result is not _GONE:
                        index = w.done()
                        feed(w)  # the worker goes on while the caller handles this result
                        yield index, result
                        continue
                    failure = _crashed(w)
                elif w.process.sentinel in ready or not w.process.is_alive():
                    failure = _crashed(w)
                elif now - w.started > timeout:
                    failure = Failure(_("reading took longer than {timeout:g} s").format(timeout=timeout), "timeout")
                else:
                    continue
                index = w.done()
                retry.extend(w.queue)  # sent to a dead or stuck reader: give them to its replacement
                w.queue.clear()
                w.stop(kill=True)
                replacement = _Worker(ctx, func, memory)
                workers[workers.index(w)] = replacement
                feed(replacement)
                yield index, failure
    finally:
        for w in workers:
            w.stop(kill=any(w.queue for w in workers))
