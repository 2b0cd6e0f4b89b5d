"""What a long compile says while it runs: the ``tangentlike`` logger and stage listeners.

Promise: the pipeline calls ``compiling(name)`` around a compile and ``entered(stage,
name)`` as each stage starts. Through the standard ``logging`` logger ``"tangentlike"``
(``LOGGER``) it reports, at DEBUG, each stage as it starts, and at INFO each compile
that took at least ``SLOW`` seconds (one line: the function, the total and the time of
each stage). Nothing is printed unless the application configures logging (the library
adds a ``NullHandler``). ``listen(callback)`` registers a function called with
``(stage, function name, seconds since the compile began)`` at each stage start (the
command line's progress lines); ``current()`` is the compile running now, if any, as
``(stage, name, seconds since it began)``. Nesting (a derivative compiled inside
another compile) counts as part of the outer one.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

LOGGER = logging.getLogger("tangentlike")
LOGGER.addHandler(logging.NullHandler())
SLOW = 1.0  # seconds: a compile at least this long is logged at INFO

_STATE: dict = {"depth": 0, "name": None, "stage": None, "t0": 0.0, "ts": 0.0, "times": {}}
_LISTENERS: list = []
_LOCK = threading.Lock()


def listen(callback: Callable[[str, str, float], None]) -> Callable[[], None]:
    """Call ``callback(stage, name, elapsed)`` at each stage start; returns a function that
    removes it again."""
    _LISTENERS.append(callback)
    return lambda: _LISTENERS.remove(callback) if callback in _LISTENERS else None


def current() -> tuple | None:
    with _LOCK:
        if not _STATE["depth"] or _STATE["stage"] is None:
            return None
        return _STATE["stage"], _STATE["name"], time.perf_counter() - _STATE["t0"]


def _close_stage(now: float) -> None:
    if _STATE["stage"] is not None:
        times = _STATE["times"]
        times[_STATE["stage"]] = times.get(_STATE["stage"], 0.0) + now - _STATE["ts"]


@contextmanager
def compiling(name: str) -> Iterator[None]:
    """Around one compile of ``name`` (the outermost one is timed and reported)."""
    with _LOCK:
        outer = _STATE["depth"] == 0
        if outer:
            _STATE.update(name=name, stage=None, t0=time.perf_counter(), times={})
        _STATE["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if outer:
                now = time.perf_counter()
                _close_stage(now)
                total, times = now - _STATE["t0"], dict(_STATE["times"])
                _STATE.update(stage=None, name=None)
        if outer and total >= SLOW:
            parts = ", ".join(f"{s} {t:.2f} s" for s, t in times.items())
            LOGGER.info("compiled %s in %.2f s (%s)", name, total, parts)


def entered(stage: str, name: str) -> None:
    """A stage of the current compile starts."""
    with _LOCK:
        if not _STATE["depth"]:
            return
        now = time.perf_counter()
        _close_stage(now)
        _STATE.update(stage=stage, ts=now)
        elapsed = now - _STATE["t0"]
    LOGGER.debug("%s: stage %s (%.2f s)", name, stage, elapsed)
    for callback in list(_LISTENERS):
        callback(stage, name, elapsed)
