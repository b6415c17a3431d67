"""Shared vocabulary for long jobs: progress reports and cooperative cancellation.

Core functions that take a while accept ``progress`` (a callable receiving :class:`Progress`)
and ``cancel`` (a :class:`threading.Event`); they call :func:`check_cancelled` between steps.
The UI runs them in a worker thread and passes the worker's ``cancelled_event``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


class Cancelled(Exception):
    """Raised inside a job when its cancel event is set."""


@dataclass(frozen=True)
class Progress:
    """How far a job has got. ``total`` is None when the amount of work is unknown."""

    stage: str
    done: float = 0
    total: float | None = None
    detail: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A progress callback that ignores what it is told."""


def check_cancelled(cancel: threading.Event | None) -> None:
    """Raise :class:`Cancelled` when ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled
