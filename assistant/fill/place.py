"""The customer's own answer and remarks columns: filled in the sheet's language.

A check sheet goes back to the customer, so the answer belongs in their 回答 column, in the values of its
dropdown when it has one (はい/いいえ, Yes/No, ○/×) or of the list its header gives ("Response (Yes/No/N/A)"),
and the evidence in their 備考 column; an open answer such a cell cannot hold goes to the remarks, saying so. Only empty
cells are written. What the assistant is not sure of is left for a person: a needs-review or
not-documented row gets no answer value, only its remarks (the candidate, or "not documented"), and
the row is flagged; so is an answered yes/no question whose quote says neither clearly, or whose
dropdown has no matching value, and such a row is "needs review", never "answered" beside an empty
answer cell: its quote is a candidate. When the sheet has no remarks column, the remarks go into an
evidence column added beside the status columns, so every row carries its quote and citation; so do the
remarks of a row whose remarks cell already holds the customer's text (never overwritten).
(The columns themselves are found by locate.locate_customer.)
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .. import messages
from ..polarity import NA_MARKS, NO_MARKS, YES_MARKS, not_applicable
from ..types import Status, Verdict
from .locate import Placement, locate_customer
from .model import (EVIDENCE_KEY, EVIDENCE_WIDTH, KEY_OF_HEADER, OWN_HEADERS, STATUS_SKIPPED, Job, RowAnswer, cell_text,
                    columns, filled_by_us, header, norm, status_columns)


def added_columns(placement: Placement, evidence: bool = False) -> tuple[tuple[str, str, int], ...]:
    """The columns added, headed in the sheet's language: beside the customer's answer column the status
    ones, and the evidence when they have no remarks column or (EVIDENCE) some of its cells already hold
    the customer's text; every column when there is no answer column."""
    if not placement.found:
        return columns(placement.lang)
    if placement.remarks_col is not None and not evidence:
        return status_columns(placement.lang)
    return status_columns(placement.lang) + ((EVIDENCE_KEY, header(EVIDENCE_KEY, placement.lang), EVIDENCE_WIDTH),)


def customer_placement(job: Job) -> Placement:
    """The customer's answer and remarks columns the filler finds in JOB's header (a two-row header read as one)."""
    return locate_customer(job.header, job.column, OWN_HEADERS, job.parents)


def remarks_taken(job: Job, r: int, placement: Placement | None = None) -> bool:
    """Whether the customer's remarks cell of row r already holds their own text (never overwritten: the
    row's remarks go to the evidence column instead)."""
    placement = placement or job.placement
    if placement is None or placement.remarks_col is None:
        return False
    row = job.table.rows[r] if r < len(job.table.rows) else []
    return placement.remarks_col < len(row) and cell_text(row[placement.remarks_col]) != ""


def _evidence_column(job: Job, results: dict[int, RowAnswer], placement: Placement) -> bool:
    """Whether the evidence column is added beside a remarks column: when a question row's remarks cell
    already holds the customer's text. A sheet the filler filled before keeps its evidence column if it has
    one, and gets none for remarks cells that hold the earlier fill's remarks."""
    if placement.remarks_col is None:
        return False
    keys = {KEY_OF_HEADER.get(cell_text(v)) for v in job.header}
    if EVIDENCE_KEY in keys:
        return True
    if filled_by_us([cell_text(v) for v in job.header]):
        return False
    return any(remarks_taken(job, r, placement) for r, cells in results.items() if cells.status != STATUS_SKIPPED)


def place(job: Job, results: dict[int, RowAnswer], placement: Placement | None = None) -> None:
    """Find the customer's answer/remarks columns (or take PLACEMENT, chosen by a person); give each row
    its values there (and flag what a person must do). The added columns are headed in the sheet's language."""
    placement = placement or customer_placement(job)
    job.columns = added_columns(placement, evidence=_evidence_column(job, results, placement))
    job.lang = placement.lang
    if not placement.found:
        job.placement = None
        return
    job.placement = placement
    ws = job.table.worksheet
    for r, cells in results.items():
        if cells.status == STATUS_SKIPPED:
            continue
        options = answer_options(job, r, placement)
        settle(cells, *cells_for(cells, placement, options))


def settle(cells: RowAnswer, value: Any, remarks: str, person: bool) -> None:
    """Give a row its customer cells; one left for a person is flagged, and an answer the cell does not
    get (a yes/no its quote does not settle, a dropdown it cannot fit) is a candidate to review."""
    cells.customer = (value, remarks)
    if person:
        cells.needs_review = True
        if cells.status == Status.ANSWERED:
            cells.status = Status.REVIEW


def customer_cells(job: Job, r: int, cells: RowAnswer, current: Callable[[int, int], Any]) -> list[tuple[int, Any]]:
    """(column, value) to write into the customer's columns of row r: only into cells still empty."""
    if job.placement is None or cells.customer is None:
        return []
    value, remarks = cells.customer
    out = []
    for col, v in ((job.placement.answer_col, value), (job.placement.remarks_col, remarks)):
        if col is not None and v not in (None, "") and cell_text(current(r, col)) == "":
            out.append((col, v))
    return out


def evidence_cell(job: Job, r: int, cells: RowAnswer) -> str:
    """The added evidence cell of row r: the row's remarks, when the sheet has no remarks column or the
    customer's remarks cell of the row already holds their text; else blank (the remarks column has them)."""
    if job.placement is not None and job.placement.remarks_col is not None and not remarks_taken(job, r):
        return ""
    return cells.evidence


def written_answer(job: Job, r: int, cells: RowAnswer) -> Any:
    """The value the filler writes into the customer's answer cell of row r (None: nothing, the cell
    already holds the customer's, or the sheet has no answer column of its own)."""
    if job.placement is None or cells.customer is None or cells.customer[0] in (None, ""):
        return None
    row = job.table.rows[r] if r < len(job.table.rows) else []
    col = job.placement.answer_col
    return None if col < len(row) and cell_text(row[col]) else cells.customer[0]


def answer_options(job: Job, r: int, placement: Placement) -> list[str] | None:
    """The values row r's answer cell takes: its dropdown's, else those its header lists ("Response
    (Yes/No/N/A)", 「回答（はい／いいえ）」): a cell meant for a mark gets a mark, never a paragraph."""
    options = dropdown(job.table.worksheet, r + 1, placement.answer_col + 1)
    if options is None and placement.answer_col < len(job.header):
        options = declared_options(cell_text(job.header[placement.answer_col]))
    if options is None:  # the sheet's instructions above its header ("回答欄には ○／×／－ を記入し…")
        options = instructed_options(" ".join(cell_text(v) for row in job.table.rows[:job.top] for v in row))
    return options


_LISTED = re.compile(r"[(（\[［]([^()（）\[\]［］]{2,40})[)）\]］]")
_LIST_SEP = re.compile(r"\s*[/／|｜,，、・]\s*")
_NA = re.compile(r"\bn\s*/\s*a\b", re.I)


def declared_options(header_text: str) -> list[str] | None:
    """The marks a header lists in brackets, when they include a yes and a no: ["Yes", "No", "N/A"]."""
    for m in _LISTED.finditer(header_text or ""):
        inner = _NA.sub("\x00", m.group(1))  # "N/A" is one mark, not two
        items = [i.replace("\x00", "N/A").strip() for i in _LIST_SEP.split(inner) if i.strip()]
        if 2 <= len(items) <= 6 and choose(items, Verdict.YES) and choose(items, Verdict.NO):
            return items
    return None


_GLOSS = re.compile(r"[(（][^()（）]{0,30}[)）]")
_MARK = r"(?:[○〇◯×✕✗－―]|はい|いいえ|該当なし|対象外|\byes\b|\bno\b|\bn/a\b)"
_MARK_LIST = re.compile(rf"{_MARK}(?:\s*[/／・、,]\s*{_MARK})+", re.I)


def instructed_options(text: str) -> list[str] | None:
    """The marks a sheet's instructions list, each maybe glossed ("○（対応している）／×（対応していない）
    ／－（該当しない）を記入", "Answer Yes / No / N/A"), when they include a yes and a no."""
    for m in _MARK_LIST.finditer(_GLOSS.sub("", text or "")):
        inner = _NA.sub("\x00", m.group(0))
        items = [i.replace("\x00", "N/A").strip() for i in _LIST_SEP.split(inner) if i.strip()]
        if choose(items, Verdict.YES) and choose(items, Verdict.NO):
            return items
    return None


def dropdown(ws, row: int, col: int) -> list[str] | None:
    """The values of an in-cell list validation on (row, col), 1-based; None when the cell has none."""
    if ws is None:
        return None
    from openpyxl.utils import get_column_letter

    coord = f"{get_column_letter(col)}{row}"
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list" or not dv.formula1 or coord not in dv.sqref:
            continue
        formula = dv.formula1.strip()
        if formula.startswith('"') and formula.endswith('"'):
            return [v.strip() for v in formula[1:-1].split(",") if v.strip()]
        return _range_values(ws, formula)
    return None


def _range_values(ws, formula: str) -> list[str] | None:
    """A list validation that points at cells (=Lists!$A$1:$A$3, or $H$1:$H$3 on the same sheet)."""
    from openpyxl.utils import range_boundaries

    ref = formula.lstrip("=")
    sheet = ws
    if "!" in ref:
        name, ref = ref.rsplit("!", 1)
        name = name.strip("'")
        if name not in ws.parent.sheetnames:
            return None
        sheet = ws.parent[name]
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None
    values = [sheet.cell(r, c).value for r in range(min_row, (max_row or min_row) + 1)
              for c in range(min_col, (max_col or min_col) + 1)]
    return [str(v).strip() for v in values if v is not None and str(v).strip()] or None


def choose(options: list[str], verdict: Verdict | None) -> str | None:
    """The dropdown's value for a yes, a no, or (None) not applicable."""
    words = YES_MARKS if verdict == Verdict.YES else NO_MARKS if verdict == Verdict.NO else NA_MARKS
    normed = [(norm(o), o) for o in options]
    for n, original in normed:
        if n in words:
            return original
    for n, original in normed:
        if any(n.startswith(w) for w in words if len(w) > 1):
            return original
    return None


def cells_for(result: RowAnswer, placement: Placement, options: list[str] | None) -> tuple[Any, str, bool]:
    """(answer value or None, remarks text, needs a person) for one row of the customer's columns."""
    lang = placement.lang
    value, person = _value(result, options, lang)
    cite = result.citation
    remarks = ""
    if cite is not None:
        from ..answer import location

        answered = result.status == Status.ANSWERED and not person  # else its quote is a candidate
        key = "fill.remarks_answer" if answered else "fill.remarks_candidate"
        if result.status == Status.ANSWERED and options and result.verdict not in (Verdict.YES, Verdict.NO,
                                                                                   Verdict.UNCLEAR):
            key = "fill.remarks_open_answer"  # the answer stands; the cell's list has no value for it
        remarks = messages.t(key, lang, quote=cite.quote, location=location(cite, lang), options=" / ".join(options or ()))
    elif result.status == Status.NOT_DOCUMENTED:
        remarks = messages.t("fill.remarks_not_documented", lang)
    return value, remarks, person


def _value(result: RowAnswer, options: list[str] | None, lang: str) -> tuple[Any, bool]:
    """(answer value or None, needs a person) of one row."""
    cite, verdict = result.citation, result.verdict
    if result.status != Status.ANSWERED:
        return None, True
    if verdict in (Verdict.YES, Verdict.NO):
        if options:
            value = choose(options, verdict)
            return value, value is None
        return messages.t(f"answer.verdict.{verdict}", lang), False
    if verdict == Verdict.UNCLEAR and options and cite is not None and not_applicable(cite.quote):
        # a past answer marked N/A, and the dropdown has the value for it
        value = choose(options, None)
        return value, value is None
    if verdict == Verdict.UNCLEAR or options:
        return None, True  # a yes/no the quote does not settle, or a dropdown an open answer cannot fit
    return (cite.quote, False) if cite is not None else (None, True)
