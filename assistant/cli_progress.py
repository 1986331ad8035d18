"""The terminal's side of assistant/progress.py: notes as lines on stderr, bars drawn by tqdm on stderr.

Only the CLI draws (and progress=True, which stands for this reporter). ``Bars`` turns the fill and
eval callbacks, progress(done, total[, label]), into bars too.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import typer

from .progress import NO_BAR, Bar


def _tqdm(**options):
    from tqdm import tqdm

    return tqdm(file=sys.stderr, **options)


class _TqdmBar:
    def __init__(self, bar):
        self._bar = bar

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def status(self, text: str) -> None:
        self._bar.set_postfix_str(text)


class Terminal:
    """Notes and bars on stderr; a bar shows only where someone watches it (a terminal) or the work is long."""

    def note(self, message: str) -> None:
        typer.echo(message, err=True)

    @contextmanager
    def bar(self, desc: str, total: int, unit: str, *, long: bool = False, transient: bool = False,
            interval: float | None = None) -> Iterator[Bar]:
        if not (long or sys.stderr.isatty()):
            yield NO_BAR
            return
        options = {} if interval is None else {"mininterval": interval}
        with _tqdm(total=total, desc=desc, unit=unit, leave=not transient, **options) as bar:
            yield _TqdmBar(bar)


TERMINAL = Terminal()


class Bars:
    """The library's progress callbacks, progress(done, total[, label]), drawn as tqdm bars on stderr:
    a new bar for each label (eval's modes), one for all when there is no label (fill)."""

    def __init__(self, unit: str, label: str = "", leave: bool = True):
        self.unit, self.label, self.leave = unit, label, leave
        self.bar, self.shown = None, ""

    def __call__(self, done: int, total: int, label: str | None = None) -> None:
        label = label or self.label
        if self.bar is None or label != self.shown:
            self.close()
            self.bar = _tqdm(total=total, desc=label, unit=self.unit, dynamic_ncols=True, leave=self.leave)
            self.shown = label
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> "Bars":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
