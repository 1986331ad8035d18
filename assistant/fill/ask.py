"""Asking: each question row through ``Assistant.ask`` (without its enumerator), once per distinct text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .. import messages
from ..asked import without_enumerator
from ..errors import InputError
from ..types import Status
from .model import STATUS_SKIPPED, Job, Row, RowAnswer

if TYPE_CHECKING:  # the model stack is heavy; importing fill must stay cheap for the CLI's error paths
    from ..answer import Answer, Assistant

#: Called after each question row with (rows done, rows in all).
Progress = Callable[[int, int], None]

#: Question rows embedded together before they are asked.
_BATCH = 32


def asked_text(text: str) -> str:
    """The question as asked: the cell's text without its leading enumerator ("Q12.", "AC-01:"), which is kept in
    the cell, not asked (``Assistant.ask`` drops it too)."""
    return without_enumerator(text)


def _row_answer(answer: "Answer", corpus: Path | None = None) -> RowAnswer:
    """The added cells of one row, and what the writers need of the answer (its documents named by
    answer.shown: by their path inside the corpus folder, never the server's path)."""
    from ..answer import compose, shown  # answer imports the fill package: imported when used

    citations = [shown(c, corpus) for c in answer.citations]
    # An answer cites, and so does a candidate to review; the closest passage to an undocumented question is no answer.
    best = citations[0] if answer.status != Status.NOT_DOCUMENTED and citations else None
    return RowAnswer(
        status=answer.status,
        answer=compose(answer.status, citations, answer.lang) if best else messages.t("fill.answer_not_documented", answer.lang),
        quote=best.quote if best else "",
        section=" › ".join(best.section) if best else "",
        source=_source_text(best, answer.lang) if best else "",
        confidence=round(float(answer.confidence), 3),
        needs_review=answer.status != Status.ANSWERED,
        lang=answer.lang,
        where=_where(best) if best else "",
        citation=best,
        verdict=answer.verdict,
        candidates=citations,
    )


def picked(question: str, c, base: RowAnswer) -> RowAnswer:
    """A row answered with citation C, which a reviewer picked among the row's candidates (BASE): the
    quote becomes the answer, and a yes/no is judged from it as for the first passage."""
    from .. import polarity
    from ..answer import compose, language

    lang = base.lang or language(question)
    return RowAnswer(
        status=Status.ANSWERED, answer=compose(Status.ANSWERED, [c], lang), quote=c.quote,
        section=" › ".join(c.section), source=_source_text(c, lang), confidence=round(float(c.score), 3),
        needs_review=False, lang=lang, where=_where(c), citation=c, verdict=polarity.verdict(question, c.quote),
        candidates=list(base.candidates),
    )


def _where(c) -> str:
    """Where the quote is, to the character: ``corpus/x.txt:613-660``."""
    return f"{c.source}:{c.start}-{c.end}"


def _source_text(c, lang: str) -> str:
    from .. import messages

    where = _where(c)
    if getattr(c, "page", None):
        where += messages.t("answer.page", lang, page=c.page)
    if getattr(c, "sheet", None):
        where += messages.t("answer.sheet_row", lang, sheet=c.sheet, row=c.row or "")
    elif getattr(c, "row", None):
        where += messages.t("answer.row", lang, row=c.row)
    if c.as_of:
        where += f"、{c.as_of} 時点" if lang == "ja" else f", as of {c.as_of}"
    if not c.title:
        return where
    return f"{c.title}（{where}）" if lang == "ja" else f"{c.title} ({where})"


def _primable(assistant: "Assistant", rows: list[Row]) -> list[str]:
    """The texts of ROWS as they will be asked, leaving out those validation refuses: a refused
    question is never asked, so a vector primed for it would never be used."""
    from ..answer import validate_question

    out = []
    for row in rows:
        try:
            out.append(validate_question(asked_text(row.text), assistant.settings.max_question_chars))
        except InputError:
            continue
    return out


def answer_all(assistant: "Assistant", job: Job, progress: Progress | None = None) -> dict[int, RowAnswer]:
    """Row index -> its answer, for every question row; PROGRESS, when given, hears of each row."""
    results: dict[int, RowAnswer] = {}
    seen: dict[str, RowAnswer] = {}  # a questionnaire often repeats a question; answers are pure
    questions = [row for row in job.rows if row.kind == "question"]
    try:
        for n, row in enumerate(questions):
            if n % _BATCH == 0:  # embed the next rows together: much faster than one by one
                assistant.retriever.prime(
                    _primable(assistant, [r for r in questions[n:n + _BATCH] if r.text not in seen]))
            cells = seen.get(row.text)
            if cells is None:
                try:
                    cells = _row_answer(assistant.ask(asked_text(row.text)), assistant.settings.corpus)
                except InputError as exc:  # too long, control characters: the row says why
                    # in English, as the refusal it quotes (the input errors the CLI and the API give)
                    cells = RowAnswer(status=STATUS_SKIPPED, needs_review=True,
                                      answer=messages.t("fill.answer_not_asked", "en", why=exc))
                seen[row.text] = cells
            results[row.index] = cells
            if progress:
                progress(n + 1, len(questions))
    finally:
        assistant.retriever.clear_primed()  # vectors primed for rows never reached (an error, a cancel)
    return results
