"""Fills a person reviews before export: answered in the background, previewed row by row, exported with
the person's decisions (accept, reject, edit, pick another candidate). No HTTP in here: the web routes
(web/routes/fill.py) call these and turn ReviewError into responses in the page's language.

A job keeps the upload's bytes, the choices it was prepared with and the answers, never the loaded
workbook once answering is done: each export reads the upload again (so a second export starts from the
customer's file, not from the first export's), and memory per job stays about the upload's size. The
store holds at most ``max_jobs`` jobs for ``ttl`` seconds; a new job pushes out the oldest finished one.
Ids are random (secrets.token_urlsafe): a job id is the capability to read and export that job.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import messages
from ..errors import InputError
from ..script import CONTROL
from ..types import Status
from .ask import answer_all, asked_text, picked
from .locate import Placement, _headers_seen, _locate_named, locate, locate_customer
from .model import EVIDENCE_KEY, Book, Job, RowAnswer, cell_text
from .place import answer_options, cells_for, customer_placement, dropdown, evidence_cell, place, remarks_taken
from .read import read_book
from .run import MAX_WEB_QUESTIONS, _out_suffix, _safe_name, job_of
from .summary import FillSummary, tally
from .write import fit_cells, write

if TYPE_CHECKING:
    from ..answer import Assistant

MAX_VALUE_CHARS = 1_000
MAX_REMARKS_CHARS = 4_000


class ReviewError(InputError):
    """A refusal a person reads: a catalog key (web.<key>) and its fields, rendered in their language."""

    def __init__(self, code: str, detail: str = "", **fields: Any):
        self.code, self.fields, self.detail = code, fields, detail  # (not the base's key: fields may be functions)
        super().__init__(detail or self.text("en"))

    def text(self, lang: str) -> str:
        """The sentence in LANG (a field given as a function of the language is asked for it)."""
        values = {k: v(lang) if callable(v) else v for k, v in self.fields.items()}
        return messages.t(f"web.{self.code}", lang, **values)


#: The filler's refusals of a question column that holds no questions -> the page's sentences for them.
_EMPTY_COLUMN = {"fill.error.question_column_empty": "fill_question_column_empty",
                 "fill.error.question_column_empty_nothing_else": "fill_question_column_empty_nothing_else"}


def _FIELD(lang: str) -> str:
    """The upload form's field for the question column's header, as the page names it."""
    return messages.t("web.fill_column", lang)


@dataclass(frozen=True)
class Choices:
    """What a person chose on the preview (header texts; None: found by the filler)."""

    sheet: str | None = None
    column: str | None = None
    answer_column: str | None = None
    remarks_column: str | None = None


def prepare_with(data: bytes, name: str, choices: Choices, out_suffix: str) -> Job:
    """run.prepare, on the chosen sheet, question column and customer columns; ReviewError on bad input."""
    try:
        book = read_book(data, name)
    except InputError as exc:
        raise ReviewError("fill_unreadable", str(exc)) from None
    scope = book
    if choices.sheet is not None:
        tables = [t for t in book.tables if t.name == choices.sheet]
        if not tables:
            raise ReviewError("fill_no_sheet", sheet=choices.sheet)
        scope = Book(book.kind, tables, book.workbook, book.notes)
    try:
        table, header_row, col = _locate_named(scope, choices.column) if choices.column else locate(scope, None)
    except InputError as exc:
        if exc.key in _EMPTY_COLUMN:  # a question column without questions: say so, and where the text is
            fields = {k: v for k, v in exc.values.items() if k != "hint"}
            raise ReviewError(_EMPTY_COLUMN[exc.key], str(exc), field=_FIELD, **fields) from None
        raise ReviewError("fill_no_column", str(exc), headers=_headers_seen(scope), field=_FIELD) from None
    job = job_of(book, table, header_row, col, out_suffix, name)
    if not any(r.kind == "question" for r in job.rows):
        raise ReviewError("fill_no_questions", column=cell_text(job.header[col]), sheet=table.name)
    if job.questions > MAX_WEB_QUESTIONS:
        raise ReviewError("fill_too_many", count=f"{job.questions:,}", limit=f"{MAX_WEB_QUESTIONS:,}")
    job.placement = _placement(job, choices)
    return job


def _placement(job: Job, choices: Choices) -> Placement:
    header = job.header
    found = customer_placement(job)

    def col(text: str | None, default: int | None) -> int | None:
        if text is None:
            return default
        for c, value in enumerate(header):
            if c != job.column and cell_text(value) == text.strip():
                return c
        raise ReviewError("fill_no_header", header=text)

    answer_col = col(choices.answer_column, found.answer_col)
    remarks_col = col(choices.remarks_column, found.remarks_col)
    if remarks_col == answer_col:
        remarks_col = None
    return Placement(answer_col, remarks_col, found.lang)


def _propose(job: Job, raw: dict[int, RowAnswer]) -> dict[int, RowAnswer]:
    """The cells the filler proposes for JOB (a fresh copy each time: the writers and decisions change them)."""
    kind = "csv" if job.out_suffix == ".csv" else "xlsx"
    results = {r: fit_cells(cells, kind) for r, cells in raw.items()}
    # the customer's columns (none found: job.placement becomes None) and the added ones, in the sheet's language
    place(job, results, job.placement)
    return results


@dataclass
class FillJob:
    id: str
    name: str
    data: bytes
    choices: Choices
    out_suffix: str
    created: float = field(default_factory=time.monotonic)
    state: str = "running"  # running | ready | failed
    done: int = 0
    total: int = 0
    error: str | None = None
    raw: dict[int, RowAnswer] | None = None
    preview: dict | None = None
    job: Job | None = None  # only while answering
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def status(self, lang: str = "en") -> dict:
        out: dict[str, Any] = {"state": self.state, "done": self.done, "total": self.total}
        if self.error:
            out["error"] = messages.t(f"web.{self.error}", lang)
        if self.state == "ready":
            out["preview"] = self.preview
        return out


class FillJobs:
    """The jobs under review, by id: bounded in number and age."""

    def __init__(self, max_jobs: int = 8, ttl: float = 1800.0, clock: Callable[[], float] = time.monotonic):
        self.max_jobs, self.ttl, self.clock = max_jobs, ttl, clock
        self._jobs: dict[str, FillJob] = {}
        self._lock = threading.Lock()

    def _expire(self) -> None:
        now = self.clock()
        for jid in [j for j, job in self._jobs.items() if now - job.created > self.ttl and job.state != "running"]:
            del self._jobs[jid]

    def add(self, name: str, data: bytes, choices: Choices, out_suffix: str) -> FillJob:
        """A new running job; the oldest finished one makes room. ReviewError when every one is running."""
        with self._lock:
            self._expire()
            while len(self._jobs) >= self.max_jobs:
                finished = [j for j in self._jobs.values() if j.state != "running"]
                if not finished:
                    raise ReviewError("fill_busy")
                del self._jobs[min(finished, key=lambda j: j.created).id]
            job = FillJob(secrets.token_urlsafe(18), name, data, choices, out_suffix, created=self.clock())
            self._jobs[job.id] = job
            return job

    def get(self, job_id: str) -> FillJob | None:
        with self._lock:
            self._expire()
            return self._jobs.get(job_id)

    def remove(self, job_id: str) -> bool:
        with self._lock:
            return self._jobs.pop(job_id, None) is not None

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)


def start(store: FillJobs, data: bytes, filename: str, choices: Choices) -> tuple[FillJob, Job]:
    """Check the upload and prepare it (every fast refusal happens here), then hold it as a running job."""
    name = _safe_name(filename)
    suffix = _out_suffix(None, ".csv" if Path(name).suffix.lower() in (".csv", ".tsv") else ".xlsx")
    job = prepare_with(data, name, choices, suffix)
    fj = store.add(name, data, choices, suffix)
    fj.job, fj.total = job, job.questions
    return fj, job


def run(assistant: "Assistant", fj: FillJob, done: Callable[[], None] | None = None) -> None:
    """Answer every question of FJ (in a worker thread); FJ becomes ready with its preview, or failed."""
    try:
        def progress(n: int, total: int) -> None:
            fj.done, fj.total = n, total

        raw = answer_all(assistant, fj.job, progress)
        fj.raw = raw
        fj.preview = _preview(fj.job, raw, fj)
        fj.state = "ready"
    except Exception:  # noqa: BLE001 - the page must hear of it; the log gets the traceback
        logging.getLogger(__name__).exception("fill job %s failed", fj.id[:6])
        fj.error = "fill_failed"
        fj.state = "failed"
    finally:
        fj.job = None  # the workbook is not kept: exports read the upload again
        if done:
            done()


def _citation_out(c, lang: str) -> dict:
    from ..answer import location

    return {"passage_id": c.passage_id, "quote": c.quote, "location": location(c, lang), "score": c.score}


def _picked(job: Job, r: int, cells: RowAnswer, chosen, question: str) -> tuple[RowAnswer, Any]:
    """Row r answered from the candidate a person picks, and the value its answer cell would then get (the
    preview shows it before the pick: a passage about something else can still read as a はい)."""
    out = fit_cells(picked(asked_text(question), chosen, cells), "csv" if job.out_suffix == ".csv" else "xlsx")
    if job.placement is None:
        return out, None
    value, _, _ = cells_for(out, job.placement, answer_options(job, r, job.placement))
    return out, value


def _preview(job: Job, raw: dict[int, RowAnswer], fj: FillJob) -> dict:
    results = _propose(job, raw)
    header = job.header
    lang = job.placement.lang if job.placement else locate_customer(header, -1, ()).lang
    ws = job.table.worksheet
    rows = []
    texts = {row.index: row.text for row in job.rows}
    for r, cells in sorted(results.items()):
        value, remarks = cells.customer if cells.customer is not None else (
            (cells.answer, "") if job.placement is None else (None, ""))
        kept, evidence = False, ""
        if job.placement is not None:  # a customer cell already filled is kept by the export: show what it holds
            existing = _existing(job, r, job.placement.answer_col)
            kept = existing is not None
            value = existing if kept else value
            if remarks_taken(job, r):  # their remarks stay; the row's evidence goes to the added evidence column
                evidence = evidence_cell(job, r, cells)
            remarks = _existing(job, r, job.placement.remarks_col) or remarks
        options = answer_options(job, r, job.placement) if job.placement else None
        rows.append({
            "row": r + 1, "question": texts.get(r, ""), "status": str(cells.status),
            "verdict": str(cells.verdict) if cells.verdict in ("yes", "no") else None,
            "value": value, "remarks": remarks or "", "confidence": cells.confidence,
            "needs_review": cells.needs_review, "options": options, "kept": kept, "evidence": evidence,
            "candidates": [{**_citation_out(c, lang), "value": _picked(job, r, cells, c, texts.get(r, ""))[1]}
                           for c in cells.candidates],
        })
    def name(c: int | None) -> str | None:
        return cell_text(header[c]) if c is not None and c < len(header) else None

    return {
        "name": fj.name, "sheet": job.table.name, "sheets": [t.name for t in job.book.tables],
        "header_row": job.top + 1,
        "headers": [cell_text(v) for v in header if cell_text(v)],
        "column": name(job.column),
        "answer_column": name(job.placement.answer_col) if job.placement else None,
        "remarks_column": name(job.placement.remarks_col) if job.placement else None,
        # where the remarks go when the sheet has no remarks column of its own: a column the filler adds
        "evidence_column": next((title for key, title, _ in job.columns if key == EVIDENCE_KEY), None),
        "lang": lang, "rows": rows,
    }


def _existing(job: Job, r: int, col: int | None) -> str | None:
    """The text of the customer's cell (r, col) when it already holds some (the export never overwrites it)."""
    if col is None:
        return None
    row = job.table.rows[r]
    text = cell_text(row[col]) if col < len(row) else ""
    return text or None


@dataclass
class Decision:
    row: int  # 1-based, as in the preview
    action: str  # accept | reject | edit | pick
    value: str | None = None
    remarks: str | None = None
    passage_id: int | None = None


def _clean(text: str | None, limit: int, key: str, row: int) -> str:
    text = CONTROL.sub("", text or "").strip()  # what a cell cannot hold; newlines and tabs stay
    if len(text) > limit:
        raise ReviewError(key, row=row, limit=f"{limit:,}")
    return text


def _sheet_lang(job: Job) -> str:
    """The language the sheet is written in (as its added headers are)."""
    if job.placement is not None:
        return job.placement.lang
    return locate_customer(job.header, -1, ()).lang


def _decide(job: Job, assistant: "Assistant", r: int, cells: RowAnswer, d: Decision, question: str) -> RowAnswer:
    out = _decided(job, assistant, r, cells, d, question)
    if d.action != "accept":  # the person's decision, not a model confidence, stands beside the row
        out.decided = messages.t(f"fill.decided_{d.action}", _sheet_lang(job))
    return out


def _decided(job: Job, assistant: "Assistant", r: int, cells: RowAnswer, d: Decision, question: str) -> RowAnswer:
    placement = job.placement
    if d.action == "accept":
        return cells
    if d.action == "reject":
        # the answer cell is left for a person; the evidence stays, said to be rejected (never silently blanked)
        lang = _sheet_lang(job)
        remarks = cells.customer[1] if placement and cells.customer else None
        out = cells.copy()
        out.status, out.needs_review, out.verdict = Status.REVIEW, True, None
        out.answer = messages.t("fill.remarks_rejected", lang, remarks=cells.answer) if cells.answer else ""
        out.customer = (None, messages.t("fill.remarks_rejected", lang, remarks=remarks) if remarks else None) \
            if placement else None
        return out
    if d.action == "edit":
        value, remarks = (_clean(d.value, MAX_VALUE_CHARS, "fill_value_too_long", r + 1),
                         _clean(d.remarks, MAX_REMARKS_CHARS, "fill_remarks_too_long", r + 1))
        options = dropdown(job.table.worksheet, r + 1, placement.answer_col + 1) if placement else None
        if options and value and value not in options:
            raise ReviewError("fill_edit_not_option", row=r + 1, options=" / ".join(options))
        answer = "\n".join(t for t in (value, remarks if placement is None else "") if t)
        out = RowAnswer(status=Status.ANSWERED, answer=answer, confidence=cells.confidence,
                        needs_review=not value, lang=cells.lang, candidates=cells.candidates)
        out.customer = (value or None, remarks or None) if placement else None
        return out
    if d.action == "pick":
        chosen = next((c for c in cells.candidates if c.passage_id == d.passage_id), None)
        passages = assistant.index.passages
        if chosen is None or d.passage_id is None or not 0 <= d.passage_id < len(passages):
            raise ReviewError("fill_pick_not_candidate", row=r + 1)
        passage = passages[d.passage_id]
        if passage.id != d.passage_id or passage.quote_text != chosen.quote:  # the index is the authority
            raise ReviewError("fill_pick_not_candidate", row=r + 1)
        out, value = _picked(job, r, cells, chosen, question)
        if placement:
            # the person's answer: never sent back to review (as the filler sends an open question in a
            # はい/いいえ cell, or a yes/no its quote does not settle); the value is the dropdown's when the
            # quote settles it, and the remarks say the passage was chosen in review
            from ..answer import location

            lang = placement.lang
            out.customer = (value, messages.t("fill.remarks_picked", lang, quote=chosen.quote,
                                              location=location(chosen, lang)))
        return out
    raise ReviewError("fill_bad_action", action=str(d.action)[:20])


def export(assistant: "Assistant", fj: FillJob, decisions: list[Decision]) -> tuple[bytes, str, FillSummary]:
    """The filled file with the person's DECISIONS applied (rows not named keep the proposal)."""
    if fj.state != "ready" or fj.raw is None:
        raise ReviewError("fill_not_ready")
    job = prepare_with(fj.data, fj.name, fj.choices, fj.out_suffix)  # a fresh workbook every time
    results = _propose(job, fj.raw)
    texts = {row.index: row.text for row in job.rows}
    seen: set[int] = set()
    for d in decisions:
        r = d.row - 1
        if r not in results:
            raise ReviewError("fill_unknown_row", row=d.row)
        if r in seen:
            raise ReviewError("fill_duplicate_row", row=d.row)
        seen.add(r)
        results[r] = _decide(job, assistant, r, results[r], d, texts.get(r, ""))
    summary = FillSummary.of(job)
    tally(results, job, summary)
    data = write(job, results, summary)
    return data, f"{Path(fj.name).stem}-filled{job.out_suffix}", summary
