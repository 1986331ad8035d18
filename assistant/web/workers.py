"""Thread budgets: answers, Slack answers and questionnaire fills each get their own.

Answering is CPU-bound (the model, then Python holding the GIL), so threads beyond the cores only add
latency and memory (each thread keeps its own malloc arena). But one shared pool let 50 chat clients
queue the health check, the pages and every Slack command behind their answers: a Slack command must be
acknowledged within 3 s, and a monitor must see /healthz answer while the server is busy. So each kind
of work waits for its own threads, in the event loop, which costs nothing; everything else (pages,
static files, the feedback store) keeps the default pool to itself.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")


class Workers:
    def __init__(self, answer_threads: int, slack_threads: int, fill_threads: int):
        self._sizes = {"answer": answer_threads, "slack": slack_threads, "fill": fill_threads}
        self._limiters: dict[str, anyio.CapacityLimiter] = {}

    def _limiter(self, kind: str) -> anyio.CapacityLimiter:
        # made on first use: a CapacityLimiter belongs to the event loop that runs the app
        limiter = self._limiters.get(kind)
        if limiter is None:
            limiter = self._limiters[kind] = anyio.CapacityLimiter(self._sizes[kind])
        return limiter

    def busy(self, kind: str) -> bool:
        """Every thread of `kind` is taken: new work of that kind will queue."""
        return self._limiter(kind).available_tokens < 1

    async def run(self, kind: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(*args, **kwargs) on one of `kind`'s threads ("answer", "slack" or "fill")."""
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=self._limiter(kind))
