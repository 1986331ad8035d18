"""The outcome of a fill: its counts (FillSummary) and the summary sheet added to an .xlsx."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import messages
from .locate import locate_customer
from .model import STATUS_SKIPPED, Job, RowAnswer, cell_text, norm
from .place import written_answer


@dataclass
class FillSummary:
    """Counts by outcome: answered + needs_review + not_documented == total, and total + refused == questions."""

    total: int = 0  # questions answered, needing review or found not documented
    answered: int = 0
    not_documented: int = 0  # status "not documented"
    needs_review: int = 0  # status "needs review": a candidate quote to confirm
    candidates: int = 0  # the same as needs_review (kept for readers of the earlier summary)
    yes: int = 0  # answered はい / yes: written into the customer's answer cell (place.written_answer)
    no: int = 0  # answered いいえ / no, likewise (a sheet without an answer column gets no yes/no written)
    skipped: int = 0  # non-blank rows passed over: section headers, non-questions, refused questions
    seconds: float = 0.0
    sheet: str = ""
    column: str = ""
    header_row: int = 0  # 1-based, as Excel shows it
    notes: list[str] = field(default_factory=list)
    questions: int = 0  # question rows: total + refused
    refused: int = 0  # questions the assistant refused to ask (too long, control characters): flagged
    flagged: int = 0  # rows flagged for a person (要確認 はい / Needs review yes): every row not answered outright

    @classmethod
    def of(cls, job: Job) -> "FillSummary":
        """An empty summary naming JOB's sheet, question column and header row."""
        return cls(sheet=job.table.name, column=cell_text(job.header[job.column]),
                   header_row=job.top + 1, notes=list(job.book.notes))

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def line(self, lang: str = "en") -> str:
        """One line of counts that add up to the questions (the CLI prints it)."""
        return messages.t("fill.summary_line", lang, questions=self.questions, answered=self.answered, yes=self.yes,
                          no=self.no, needs_review=self.needs_review, not_documented=self.not_documented,
                          refused=self.refused, flagged=self.flagged, passed=self.skipped - self.refused,
                          seconds=self.seconds)


def tally(results: dict[int, RowAnswer], job: Job, summary: FillSummary) -> None:
    """Count RESULTS by status (each row once), and the rows flagged for a person. A yes or a no is counted
    only where one is written into the customer's answer cell: never for a row whose cell stays empty."""
    summary.skipped = sum(1 for row in job.rows if row.kind == "skip")
    for r, cells in results.items():
        if cells.status == STATUS_SKIPPED:
            summary.skipped += 1
            summary.refused += 1
        elif cells.status == "answered":
            summary.answered += 1
            said = _yes_no(written_answer(job, r, cells), cells.verdict)
            summary.yes += said == "yes"
            summary.no += said == "no"
        elif cells.status == "needs review":
            summary.needs_review += 1
        else:
            summary.not_documented += 1
        summary.flagged += cells.needs_review
    summary.candidates = summary.needs_review
    summary.total = summary.answered + summary.needs_review + summary.not_documented
    summary.questions = summary.total + summary.refused


def _yes_no(value, verdict) -> str | None:
    """"yes" / "no" that VALUE, written into an answer cell, says (judged by the row's VERDICT when it has
    one, else by the value: a person's edit), or None."""
    if value is None:
        return None
    verdict = getattr(verdict, "value", verdict)
    if verdict in ("yes", "no"):
        return verdict
    from ..polarity import NO_MARKS, YES_MARKS

    text = norm(value)
    return "yes" if text in YES_MARKS else "no" if text in NO_MARKS else None


def summarise(wb, job: Job, results: dict[int, RowAnswer], summary: FillSummary, sheet_title: str,
              answer_col: int) -> None:
    """Add the summary sheet to WB: counts, links to the rows to review (in ANSWER_COL), the sources."""
    from openpyxl.utils import get_column_letter

    lang = job.placement.lang if job.placement else locate_customer(job.header, -1, ()).lang
    letter = get_column_letter(answer_col + 1)
    # beside each link, the row's question: the sheet's own numbering may not be its row's (two reviewers)
    asked = {row.index: row.text for row in job.rows}
    # ... and its outcome: a candidate to confirm, or nothing found (a reviewer could not tell them apart)
    outcome = {"needs review": "summary_review", "not documented": "summary_not_documented",
               STATUS_SKIPPED: "summary_refused"}
    review = [(r + 1, f"{letter}{r + 1}", _short(asked.get(r, "")),
               messages.t(f"fill.{outcome[cells.status]}", lang) if cells.status in outcome else "")
              for r, cells in sorted(results.items()) if cells.needs_review]
    sources = {c.source: c.as_of for cells in results.values() if (c := cells.citation) is not None}
    add_summary(wb, sheet_title, lang, summary, review, sources)


#: The question shown beside a row's link, at most this long.
_QUESTION_SHOWN = 80


def _short(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = " ".join(ILLEGAL_CHARACTERS_RE.sub("", str(text)).split())  # control characters an .xlsx cannot store
    return text if len(text) <= _QUESTION_SHOWN else text[:_QUESTION_SHOWN - 1] + "…"


def add_summary(wb, sheet_name: str, lang: str, summary, rows_to_review: list[tuple],
                sources: dict[str, str | None], today=None) -> None:
    """A summary sheet: counts by outcome, links to the rows to review (row, cell, question[, outcome]), the
    sources and their dates."""
    import calendar
    import datetime as dt

    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    t = lambda key, **v: messages.t(f"fill.{key}", lang, **v)  # noqa: E731
    title = t("summary_sheet")
    if title in wb.sheetnames:  # filled again: the old summary is replaced
        del wb[title]
    ws = wb.create_sheet(title)
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 18
    ws["A1"] = t("summary_title", name=sheet_name)
    ws["A1"].font = Font(bold=True, size=13)
    # by outcome, each question once: answered + needs review + not documented (+ refused) = questions
    counts = [("summary_total", summary.questions), ("summary_answered", summary.answered),
              ("summary_review", summary.needs_review), ("summary_not_documented", summary.not_documented)]
    if summary.refused:
        counts.append(("summary_refused", summary.refused))
    counts.append(("summary_skipped", summary.skipped - summary.refused))
    r = 3
    for key, n in counts:
        ws.cell(r, 1, t(key))
        ws.cell(r, 2, n)
        r += 1
    r += 1
    ws.cell(r, 1, t("summary_rows")).font = Font(bold=True)
    ws.cell(r, 2, len(rows_to_review))  # every row flagged for a person, whatever its outcome
    r += 1
    quoted = sheet_name.replace("'", "''")
    for row, cell, question, *outcome in rows_to_review:
        link = ws.cell(r, 1, t("summary_row", sheet=sheet_name, row=row))
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{cell}")  # a link inside the book
        link.font = Font(color="0563C1", underline="single")
        if question:
            shown = ws.cell(r, 2, question)
            shown.data_type = "s"  # the customer's text, never a formula ("=HYPERLINK(…)")
        if outcome and outcome[0]:
            ws.cell(r, 3, outcome[0])
        r += 1
    r += 1
    ws.cell(r, 1, t("summary_sources")).font = Font(bold=True)
    ws.cell(r, 2, t("summary_as_of")).font = Font(bold=True)
    r += 1
    today = today or dt.date.today()
    for source, as_of in sorted(sources.items()):
        ws.cell(r, 1, source)
        note = as_of or t("summary_no_date")
        if as_of:
            try:
                # a month without its day ("2024-03") is dated from its last day: stale only when surely so
                if len(as_of) > 7:
                    dated = dt.date.fromisoformat(as_of)
                else:
                    year, month = map(int, as_of.split("-"))
                    dated = dt.date(year, month, calendar.monthrange(year, month)[1])
                if (today - dated).days > 365:
                    note += " — " + t("summary_stale")
            except ValueError:
                pass
        ws.cell(r, 2, note)
        r += 1
