"""Graceful termination of long-running writers (`ingest`, `watch`).

Inside ``GracefulShutdown``, SIGTERM raises :class:`Terminated` and SIGINT raises KeyboardInterrupt, as
usual, except within a ``critical()`` section (storing a batch and attaching its events to incidents),
where the signal is held until the section has finished, so a batch is never left stored but not
deduplicated by a polite stop. (A SIGKILL cannot be held: the next ingest repairs what it leaves.)
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

HANDLED = (signal.SIGTERM, signal.SIGINT)


class Terminated(BaseException):
    """SIGTERM was received (a BaseException, like KeyboardInterrupt, so no ``except Exception`` eats it)."""


def _raise_for(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(f"terminated by signal {signal.Signals(signum).name}")


class GracefulShutdown:
    """Turns SIGTERM and SIGINT into exceptions that wait for the end of ``critical()`` sections."""

    def __init__(self) -> None:
        self._depth = 0
        self._pending: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self._depth:
            self._pending = self._pending or signum
            return
        _raise_for(signum)

    def __enter__(self) -> GracefulShutdown:
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            for signum in HANDLED:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    @contextmanager
    def critical(self) -> Iterator[None]:
        """A section that a signal does not interrupt: the signal takes effect when the section ends."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if not self._depth and self._pending is not None:
            signum, self._pending = self._pending, None
            _raise_for(signum)
