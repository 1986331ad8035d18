"""How the library tells what it is doing: one-line notes and progress bars, to whoever listens.

Nothing in the library prints. A long step (reading the corpus, embedding, building the index) is given
a ``Progress`` and reports to it; the front-end decides what becomes of that. ``SILENT`` drops it all;
the terminal's reporter (assistant/cli_progress.py: bars and lines on the terminal) is what the CLI uses
and what ``progress=True`` means, so callers that pass a bool keep working.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import Iterator, Protocol, Union

#: Passages from which a build shows its bars even when stderr is not a terminal (a long build's log wants them).
LONG_BUILD = 2000


class Bar(Protocol):
    def update(self, n: int = 1) -> None:
        """n more units are done."""

    def status(self, text: str) -> None:
        """A short text beside the bar: the current step or file."""


class Progress(Protocol):
    def note(self, message: str) -> None:
        """A one-line message or warning, for whoever runs the work."""

    def bar(self, desc: str, total: int, unit: str, *, long: bool = False, transient: bool = False,
            interval: float | None = None) -> AbstractContextManager[Bar]:
        """A bar of ``total`` units. ``long``: show it even to no one watching a terminal; ``transient``:
        gone once closed; ``interval``: the least seconds between redraws (None: the reporter's own)."""


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def status(self, text: str) -> None:
        pass


class Silent:
    """Reports nothing: the default of code run by a server or a test."""

    def note(self, message: str) -> None:
        pass

    @contextmanager
    def bar(self, desc: str, total: int, unit: str, *, long: bool = False, transient: bool = False,
            interval: float | None = None) -> Iterator[Bar]:
        yield NO_BAR


NO_BAR = _NoBar()
SILENT = Silent()

#: What callers pass: a reporter, True (the terminal's), or False / None (silent).
Reporting = Union[Progress, bool, None]


def reporter(progress: Reporting) -> Progress:
    """The reporter a caller's ``progress`` stands for."""
    if progress is True:
        from .cli_progress import TERMINAL

        return TERMINAL
    if progress is None or progress is False:
        return SILENT
    return progress
