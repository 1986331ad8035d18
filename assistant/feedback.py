"""Feedback on answers (helpful / wrong), kept in SQLite so it can grow the evaluation set.

The store opens a connection per call: calls come from the web server's threads, and sqlite3
connections must not be shared between threads. The table is created on first use, so a fresh
``feedback_db`` path is all the setup there is.

Exports (see :meth:`FeedbackStore.eval_lines` and :meth:`FeedbackStore.label_lines`):

- **Evaluation lines** (``/admin/feedback.jsonl``): only feedback that *is* a label. A "helpful"
  verdict on an answered question confirms its quote (``expected: [quote]``), provided the quote was
  verified: the web server stores a quote only by looking its ``passage_id`` up in the index, never as
  a client sent it (rows without a ``passage_id`` are not exported as labels); a "helpful" verdict on
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

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)

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
    lang       TEXT,
    passage_id INTEGER,
    quote_start INTEGER,
    quote_end  INTEGER
)
"""
#: Columns added after the first release, with their types: older databases get them on first use.
_ADDED_COLUMNS = {"passage_id": "INTEGER", "quote_start": "INTEGER", "quote_end": "INTEGER"}


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
    passage_id: int | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def eval_item(self) -> dict | None:
        """This feedback as an evaluation-set line, or None when it is no label (a "wrong" verdict)."""
        if self.verdict != "helpful":
            return None
        if self.answered and (not self.quote or self.passage_id is None):
            return None  # an answer confirmed without a verified (indexed) quote says nothing checkable
        return {
            "id": f"fb-{self.id}",
            "question": self.question,
            "expected": [self.quote] if self.answered else [],
            "lang": self.lang,
            "verdict": self.verdict,
            "comment": self.comment,
            "source": self.source,
            "start": self.start,
            "end": self.end,
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
            "start": self.start,
            "end": self.end,
        }


_INSERT = ("INSERT INTO feedback (created_at, question, answered, quote, source, verdict, comment, lang,"
           " passage_id, quote_start, quote_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


class FeedbackStore:
    """A tiny SQLite table of verdicts on answers."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._ready = False
        self._lock = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._set_up()
        with closing(sqlite3.connect(self.path, timeout=10)) as conn:
            conn.row_factory = sqlite3.Row
            with conn:  # commits, or rolls back on error
                yield conn

    def _set_up(self) -> None:
        """Create the table, or add the columns an older database lacks (once, by one thread)."""
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10)) as conn:
                conn.execute(_SCHEMA)
                have = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
                for name, kind in _ADDED_COLUMNS.items():
                    if name not in have:
                        conn.execute(f"ALTER TABLE feedback ADD COLUMN {name} {kind}")
                conn.commit()
            self._ready = True

    def add(self, *, question: str, answered: bool, quote: str | None, source: str | None,
            verdict: str, comment: str = "", lang: str | None = None, passage_id: int | None = None,
            start: int | None = None, end: int | None = None) -> int | None:
        """Store one verdict. ``passage_id`` (with quote, source, start, end) must come from the index:
        the caller verifies it; a quote stored without one is never exported as a label. Returns the new
        row's id, or None when the database could not take it and the verdict was queued instead."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        row = (created, question, int(bool(answered)), quote, source, verdict, comment or "", lang,
               passage_id, start, end)
        try:
            with self._connect() as conn:
                self._flush_pending(conn)
                return int(conn.execute(_INSERT, row).lastrowid)
        except sqlite3.OperationalError as exc:  # locked past the timeout, disk full, I/O error
            log.warning("feedback database %s unavailable (%s); the verdict is queued in %s",
                        self.path, exc, self.pending_path.name)
            self._queue(row)
            return None

    @property
    def pending_path(self) -> Path:
        """Verdicts that could not be stored yet, one JSON array a line; stored with the next that can."""
        return self.path.with_name(self.path.name + ".pending.jsonl")

    def _queue(self, row: tuple) -> None:
        with self._lock, open(self.pending_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(list(row), ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _flush_pending(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if not self.pending_path.exists():
                return
            rows = [tuple(json.loads(line)) for line in self.pending_path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
            conn.executemany(_INSERT, rows)
            self.pending_path.unlink()

    def records(self, *, newest_first: bool = False, limit: int | None = None) -> list[FeedbackRecord]:
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT * FROM feedback ORDER BY id {order}"
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self._connect() as conn:
            return [_record(row) for row in conn.execute(sql, params).fetchall()]

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
        passage_id=row["passage_id"], start=row["quote_start"], end=row["quote_end"],
    )
