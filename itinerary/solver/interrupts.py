"""Ctrl-C and SIGTERM while OR-Tools or CP-SAT is running: held, then raised when it returns.

Python raises KeyboardInterrupt at the next line of Python it runs. Inside a routing search
that is one of our callbacks, and OR-Tools turns an exception there into a SystemError ("returned
a result with an exception set"); inside CP-SAT it is no line at all until the solve ends
(CP-SAT's own SIGINT handler would even stop the search and return as if nothing happened). So
around those calls the signal is only noted: the search is told to stop (a limit that says
"stop", `CpSolver.stop_search`), and once the call has returned, the handler that was in place
runs and raises as it always would. The command then ends with its usual message and status,
and removes what it had begun to write.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")

_HELD = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@dataclass
class Held:
    """The signals that arrived while held, in order."""

    signals: list[tuple[int, FrameType | None]] = field(default_factory=list)

    @property
    def requested(self) -> bool:
        """A stop was asked for: the search should end as soon as it can."""
        return bool(self.signals)


@contextmanager
def held_signals() -> Iterator[Held]:
    """Hold SIGINT, SIGTERM and SIGHUP (where Python handles them) for the duration; on the way
    out, restore the handlers and let the first held signal's handler raise. Outside the main
    thread, where handlers cannot be set, nothing is held."""
    held = Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    previous: dict[int, Callable[[int, FrameType | None], Any]] = {}

    def note(signum: int, frame: FrameType | None) -> None:
        held.signals.append((signum, frame))

    for signum in _HELD:
        handler = signal.getsignal(signum)
        if callable(handler):  # a Python handler (SIG_DFL and SIG_IGN are left alone)
            previous[signum] = handler
            signal.signal(signum, note)
    try:
        yield held
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if held.signals:
        signum, frame = held.signals[0]
        previous[signum](signum, frame)


def run_stoppable(run: Callable[[], T], stop: Callable[[], None]) -> T:
    """`run()` in a worker thread while this thread waits: a call into C++ that holds no Python
    callbacks (CP-SAT's solve) would otherwise see Ctrl-C only when it ends by itself. A held
    signal calls `stop()`, which makes `run` return soon, and is raised once it has."""
    results: list[T] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(run())
        except BaseException as exc:  # handed to the waiting thread, raised there
            errors.append(exc)

    worker = threading.Thread(target=work, name="itinerary-solver", daemon=True)
    with held_signals() as held:
        worker.start()
        stopped = False
        while worker.is_alive():
            worker.join(0.05)
            if held.requested and not stopped:
                stop()
                stopped = True
    if errors:
        raise errors[0]
    return results[0]
