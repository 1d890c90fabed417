"""The floor of a writer: the same XlsxWriter calls emuxl makes, recorded once and replayed with no emuxl logic.

``recording(func)`` runs ``func`` with every workbook emuxl opens through
``emuxl.sheets.new_workbook`` wrapped: each call on the workbook, its sheets,
formats and charts is kept (method, arguments, and which object it returns),
and passed on, so emuxl's output is unchanged. ``replay(calls)`` makes the same
calls on fresh XlsxWriter objects: the same cells, strings, formulas, cached
values, formats, names, validations, conditional formats, merges, print
setup, document properties, hidden sheets and chart. Only the computing of
what to write is gone.

``stock=True`` replays on XlsxWriter's own ``Workbook`` and ``Worksheet``
(which rewrites every formula it is given: ~30 regular-expression passes
each); ``stock=False`` keeps the classes emuxl uses (its workbook, which
writes plain shared strings straight out, and the sheet class it asked
for: ``FormulaSheet``, ``PlainSheet``).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import xlsxwriter
from xlsxwriter.chart import Chart
from xlsxwriter.chartsheet import Chartsheet
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

import emuxl.sheets

WRAPPED = (Worksheet, Chartsheet, Format, Chart)
Call = tuple[int, str, tuple[Any, ...], dict[str, Any], int, bool]  # target, method, args, kwargs, result, has refs


class Ref(int):
    """An argument that is an object made earlier in the recording (by its number)."""


class _Recorder:
    def __init__(self) -> None:
        self.books: list[list[Call]] = []
        self.count = 0

    def new(self, obj: Any, calls: list[Call]) -> _Proxy:
        self.count += 1
        return _Proxy(obj, self.count, calls, self)


def _encode(x: Any) -> tuple[Any, bool]:
    """An argument with recorded objects replaced by their Ref; and whether there was any."""
    if isinstance(x, _Proxy):
        return Ref(x._rec_id), True
    if isinstance(x, Mapping):  # a dict, or a read-only one (sheets.TITLE …): kept as a dict
        pairs = [(k, _encode(v)) for k, v in x.items()]
        return {k: v for k, (v, _) in pairs}, any(r for _, (_, r) in pairs)
    if isinstance(x, list | tuple):
        items = [_encode(v) for v in x]
        return type(x)(v for v, _ in items), any(r for _, r in items)
    return x, False


def _unwrap(x: Any) -> Any:
    if isinstance(x, _Proxy):
        return x._rec_obj
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return type(x)(_unwrap(v) for v in x)
    return x


class _Proxy:
    """An XlsxWriter object whose method calls are recorded and passed on."""

    __slots__ = ("_rec_calls", "_rec_id", "_rec_obj", "_rec_recorder")

    def __init__(self, obj: Any, number: int, calls: list[Call], recorder: _Recorder):
        self._rec_obj, self._rec_id, self._rec_calls, self._rec_recorder = obj, number, calls, recorder

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._rec_obj, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*_unwrap(args), **_unwrap(kwargs))
            number = 0
            if isinstance(result, WRAPPED):
                result = self._rec_recorder.new(result, self._rec_calls)
                number = result._rec_id
            (a, ra), (k, rk) = _encode(args), _encode(kwargs)
            self._rec_calls.append((self._rec_id, name, a, k, number, ra or rk))
            return result

        return call


@contextmanager
def recording() -> Iterator[list[list[Call]]]:
    """Within the block, every workbook emuxl opens is recorded: one list of calls per workbook."""
    recorder = _Recorder()
    real = emuxl.sheets._Workbook

    def workbook(target: Any, options: dict[str, Any]) -> _Proxy:
        calls: list[Call] = [(0, "Workbook", (copy.deepcopy(options),), {}, 1, False)]
        recorder.books.append(calls)
        recorder.count = 0
        return recorder.new(real(target, options), calls)

    emuxl.sheets._Workbook = workbook  # type: ignore[assignment,misc]
    try:
        yield recorder.books
    finally:
        emuxl.sheets._Workbook = real  # type: ignore[misc]


def record(func: Callable[[], Any]) -> list[list[Call]]:
    """The XlsxWriter calls of every workbook ``func`` writes."""
    with recording() as books:
        func()
    return books


def _resolve(x: Any, objs: list[Any]) -> Any:
    t = type(x)
    if t is Ref:
        return objs[x]
    if t is dict:
        return {k: _resolve(v, objs) for k, v in x.items()}
    if t is list or t is tuple:
        return t(_resolve(v, objs) for v in x)
    return x


def replay(calls: list[Call], stock: bool = True) -> bytes:
    """Make the recorded calls on fresh XlsxWriter objects; the workbook's bytes."""
    buffer = io.BytesIO()
    objs: list[Any] = [None] * (max(c[4] for c in calls) + 1)
    _, _, (options,), _, _, _ = calls[0]
    book = xlsxwriter.Workbook if stock else emuxl.sheets._Workbook  # emuxl's packages its shared strings faster
    objs[1] = book(buffer, copy.deepcopy(options))  # XlsxWriter changes what it is given
    for target, name, args, kwargs, number, refs in calls[1:]:
        if refs:
            args, kwargs = _resolve(args, objs), _resolve(kwargs, objs)
        if stock and name == "add_worksheet" and "worksheet_class" in kwargs:
            kwargs = {k: v for k, v in kwargs.items() if k != "worksheet_class"}
        result = getattr(objs[target], name)(*args, **kwargs)
        if number:
            objs[number] = result
    return buffer.getvalue()
