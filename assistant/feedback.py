"""Feedback on answers (helpful / wrong), kept in SQLite so it can grow the evaluation set.

The store opens a connection per call: calls come from the web server's threads, and sqlite3
connections must not be shared between threads. The table is created on first use, so a fresh
``feedback_db`` path is all the setup there is.

Exports (see :meth:`FeedbackStore.eval_lines` and :meth:`FeedbackStore.label_lines`):

- **Evaluation lines** (``/admin/feedback.jsonl``): only feedback that *is* a label. A "helpful"
  verdict on an answered question confirms its quote (``expected: [quote]``); a "helpful" verdict on
  a "not documented" answer confirms that the documents are silent (``expected: []``). Every line
  has the evaluation set's required fields (``id``, ``question``, ``expected``), so the file can be
  appended to ``eval/questions.jsonl`` as it is (after a human glance).
- **Lines that need labelling** (``/admin/feedback-needs-label.jsonl``): "wrong" verdicts. We know the
  answer given was wrong, not what the right one is (another passage? should it have abstained?), so
  writing ``expected: []`` or ``[quote]`` would put a false label into the evaluation set. These lines
  carry ``"needs_label": true``, ``"expected": null`` and the rejected quote; a person fills in
  ``expected`` before moving them into an evaluation set.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

VERDICTS = ("helpful", "wrong")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT    NOT NULL,
    question   TEXT    NOT NULL,
    answered   INTEGER NOT NULL,
    quote      TEXT,
    source     TEXT,
    verdict    TEXT    NOT NULL CHECK (verdict IN ('helpful', 'wrong')),
    comment    TEXT    NOT NULL DEFAULT '',
    lang       TEXT
)
"""


@dataclass
class FeedbackRecord:
    id: int
    created_at: str
    question: str
    answered: bool
    quote: str | None
    source: str | None
    verdict: str
    comment: str
    lang: str | None

    def to_dict(self) -> dict:
        return asdict(self)

    def eval_item(self) -> dict | None:
        """This feedback as an evaluation-set line, or None when it is no label (a "wrong" verdict)."""
        if self.verdict != "helpful":
            return None
        if self.answered and not self.quote:
            return None  # an answer confirmed without its quote says nothing checkable
        return {
            "id": f"fb-{self.id}",
            "question": self.question,
            "expected": [self.quote] if self.answered else [],
            "lang": self.lang,
            "verdict": self.verdict,
            "comment": self.comment,
            "source": self.source,
        }

    def label_item(self) -> dict | None:
        """A "wrong" verdict as a line for a person to label (``expected`` left null on purpose)."""
        if self.verdict != "wrong":
            return None
        return {
            "id": f"fb-{self.id}",
            "question": self.question,
            "expected": None,
            "needs_label": True,
            "lang": self.lang,
            "verdict": self.verdict,
            "comment": self.comment,
            "answered": self.answered,
            "rejected_quote": self.quote,
            "source": self.source,
        }


class FeedbackStore:
    """A tiny SQLite table of verdicts on answers."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._ready = False
        self._lock = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=10)) as conn:
            conn.row_factory = sqlite3.Row
            if not self._ready:
                conn.execute(_SCHEMA)
                self._ready = True
            with conn:  # commits, or rolls back on error
                yield conn

    def add(self, *, question: str, answered: bool, quote: str | None, source: str | None,
            verdict: str, comment: str = "", lang: str | None = None) -> int:
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (created_at, question, answered, quote, source, verdict, comment, lang)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (created, question, int(bool(answered)), quote, source, verdict, comment or "", lang),
            )
            return int(cur.lastrowid)

    def records(self, *, newest_first: bool = False, limit: int | None = None) -> list[FeedbackRecord]:
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT * FROM feedback ORDER BY id {order}"
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self._connect() as conn:
            return [_record(row) for row in conn.execute(sql, params).fetchall()]

    def get(self, feedback_id: int) -> FeedbackRecord | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
        return _record(row) if row else None

    def eval_lines(self) -> list[dict]:
        """Feedback that labels a question, in the evaluation set's format (oldest first)."""
        return [item for r in self.records() if (item := r.eval_item()) is not None]

    def label_lines(self) -> list[dict]:
        """"Wrong" verdicts, for a person to label before they join an evaluation set."""
        return [item for r in self.records() if (item := r.label_item()) is not None]


def _record(row: sqlite3.Row) -> FeedbackRecord:
    return FeedbackRecord(
        id=row["id"], created_at=row["created_at"], question=row["question"], answered=bool(row["answered"]),
        quote=row["quote"], source=row["source"], verdict=row["verdict"], comment=row["comment"], lang=row["lang"],
    )
