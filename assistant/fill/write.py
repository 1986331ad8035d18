"""Writing the filled questionnaire: .xlsx in place (only cells are added), a new .xlsx, or CSV.

Text that a spreadsheet cannot hold as it is (control characters in .xlsx, a leading = + - @ in CSV) is
altered, and the row flagged for review with where the exact text is: quotes are promised verbatim.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from .. import messages
from .model import EVIDENCE_KEY, KEY_OF_HEADER, Job, RowAnswer, cell_text
from .place import customer_cells, evidence_cell
from .summary import FillSummary, summarise

REVIEW_FILL = "FFFFF2CC"  # light yellow: Excel's own "needs attention" tone
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Added cells holding text that may have to be altered to fit a spreadsheet.
_TEXT_KEYS = ("answer", "quote", "section", "source")


def fit_cells(cells: RowAnswer, kind: str) -> RowAnswer:
    """A row's cells as KIND ("xlsx" | "csv") can hold them (a copy: repeated questions share one).

    Any text that had to change flags the row for review and says, in the answer cell, where the exact
    text is: quotes are promised verbatim."""
    out = cells.copy()
    changed: dict[str, str] = {}  # key -> why
    for key in _TEXT_KEYS:
        value = out.cell(key)
        if isinstance(value, str) and value:
            fitted, why = _fit_text(value, kind)
            if why:
                changed[key] = why
                setattr(out, key, fitted)
    if changed:
        lang = "ja" if out.lang == "ja" else "en"
        whys = dict.fromkeys(messages.t(f"fill.altered_why_{w}", lang) for w in changed.values())
        what = messages.t("fill.altered_what_quote" if "quote" in changed else "fill.altered_what_row", lang)
        where = out.where or messages.t("fill.altered_where_unknown", lang)
        note = messages.t("fill.altered_note", lang, what=what, why=messages.t("fill.altered_why_join", lang).join(whys),
                          where=where)
        out.answer = f"{out.answer}\n{note}" if out.answer else note
        out.needs_review = True
    return out


def _fit_text(value: str, kind: str) -> tuple[str, str]:
    """(text as KIND stores it, why it changed or "": "controls" | "apostrophe", the catalog's
    fill.altered_why_*)."""
    if kind == "csv":
        # Excel runs a CSV cell starting with = + - @ as a formula: our cells are data, never code.
        return ("'" + value, "apostrophe") if value.startswith(_CSV_FORMULA_START) else (value, "")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    fitted = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters an .xlsx cannot store
    return (fitted, "controls") if fitted != value else (value, "")


def new_columns(job: Job, columns=None) -> list[int]:
    """0-based columns for the added cells: ours again if the sheet was filled before (their headers in any
    form we write or wrote: Japanese, English, or the earlier bilingual '回答状況 (Status)'), else past the table."""
    columns = job.columns if columns is None else columns
    found: dict[str, int] = {}
    for c, value in enumerate(job.header):
        key = KEY_OF_HEADER.get(cell_text(value))
        if key is not None:
            found.setdefault(key, c)
    if all(key in found for key, _, _ in columns):
        return [found[key] for key, _, _ in columns]
    start = job.table.width
    return list(range(start, start + len(columns)))


def _added(job: Job, r: int, cells: RowAnswer, key: str) -> Any:
    """Row r's value of the added column KEY, in the sheet's language (computed before the customer's
    cells are written: the evidence goes where the customer's remarks cell is already taken)."""
    return evidence_cell(job, r, cells) if key == EVIDENCE_KEY else cells.cell(key, job.lang)


def write_xlsx_in_place(job: Job, results: dict[int, RowAnswer], summary: FillSummary | None = None) -> bytes:
    from copy import copy

    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = job.table.worksheet
    cols = new_columns(job)
    review_fill = PatternFill("solid", fgColor=REVIEW_FILL)
    head_src = ws.cell(job.top + 1, job.column + 1)
    for (key, title, width), c in zip(job.columns, cols):
        cell = ws.cell(job.top + 1, c + 1, title)
        cell.font, cell.fill, cell.border = copy(head_src.font), copy(head_src.fill), copy(head_src.border)
        cell.alignment = Alignment(horizontal=head_src.alignment.horizontal, vertical="center", wrap_text=True)
        if job.header_row > job.top:  # a two-row header: the added header spans both rows, as No and 分類 do
            span = f"{cell.coordinate}:{get_column_letter(c + 1)}{job.header_row + 1}"
            if span not in {str(m) for m in ws.merged_cells.ranges}:
                ws.merge_cells(span)
        letter = get_column_letter(c + 1)
        if letter not in ws.column_dimensions or not ws.column_dimensions[letter].width:
            ws.column_dimensions[letter].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in job.rows:
        cells = results.get(row.index)
        if cells is None:
            continue
        src = ws.cell(row.index + 1, job.column + 1)
        added = [_added(job, row.index, cells, key) for key, _, _ in job.columns]  # before the customer's cells
        for c, v in customer_cells(job, row.index, cells, lambda r, c: ws.cell(r + 1, c + 1).value):
            cell = ws.cell(row.index + 1, c + 1)
            _set(cell, v)  # the customer's own cell keeps its format; only its value is new
        if job.placement is not None and cells.needs_review:  # the cell a person must fill or check
            ws.cell(row.index + 1, job.placement.answer_col + 1).fill = review_fill
        for (key, _, _), c, value in zip(job.columns, cols, added):
            cell = ws.cell(row.index + 1, c + 1)
            _set(cell, value)
            cell.alignment = wrap
            cell.border = copy(src.border)
            cell.font = Font(name=src.font.name, size=src.font.size)
            if key == "confidence":
                cell.number_format = "0.00"
            if cells.needs_review:
                cell.fill = review_fill
    if ws.auto_filter.ref:
        _extend_filter(ws, {job.top + 1, job.header_row + 1}, max(cols) + 1)
    if summary is not None:
        summarise(job.book.workbook, job, results, summary, ws.title,
                   job.placement.answer_col if job.placement else cols[0])
    buf = io.BytesIO()
    job.book.workbook.save(buf)
    return buf.getvalue()


def _extend_filter(ws, header_rows: set[int], last_col: int) -> None:
    """An autofilter on the questions' header row (either row of a two-row header) should cover the new columns too."""
    from openpyxl.utils import get_column_letter, range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ws.auto_filter.ref)
    except (ValueError, TypeError):
        return
    if min_row in header_rows and max_col < last_col:
        ws.auto_filter.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(last_col)}{max_row or ws.max_row}"


def _set(cell, value: Any) -> None:
    """Write a value as data: a quote that starts with '=' must stay text, not become a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters Excel cannot store
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _grid(job: Job, results: dict[int, RowAnswer]) -> list[list[Any]]:
    """The question table with the added columns, as rows of values (for CSV or a new workbook)."""
    table = job.table
    cols = new_columns(job)
    width = max(table.width, max(cols) + 1)
    out = []
    for r, row in enumerate(table.rows):
        values = list(row) + [None] * (width - len(row))
        if r == job.top:
            for (_, title, _), c in zip(job.columns, cols):
                values[c] = title
        elif r in results:
            added = [_added(job, r, results[r], key) for key, _, _ in job.columns]
            for c, v in customer_cells(job, r, results[r], lambda _r, col: values[col]):
                values[c] = v
            for c, value in zip(cols, added):
                values[c] = value
        out.append(values)
    return out


def write_csv(job: Job, results: dict[int, RowAnswer], summary: FillSummary | None = None) -> bytes:
    """The question sheet as CSV, in the encoding the questionnaire was read in when it was Shift_JIS (CP932)
    and that can hold every cell, else UTF-8 with a BOM (Excel reads it right); a fallback is noted in SUMMARY."""
    cols = set(new_columns(job))
    if job.placement is not None:
        cols |= {c for c in (job.placement.answer_col, job.placement.remarks_col) if c is not None}
    lines = []
    for r, values in enumerate(_grid(job, results)):
        line = []
        for c, v in enumerate(values):
            text = _csv_value(v)
            if c in cols and not job.top <= r <= job.header_row:  # already fitted by _fit_cells (and flagged); kept as a guard
                text = _fit_text(text, "csv")[0]
            line.append(text)
        lines.append(line)
    if job.book.kind == "csv" and job.book.encoding == "cp932":
        ours = {(r, c) for r in results for c in cols}
        data, fitted = _cp932(lines, ours, results)
        if data is not None:
            return data
        if summary is not None:
            missing = dict.fromkeys(ch for line in fitted for text in line for ch in text if not _encodes(ch, "cp932"))
            summary.notes.append(messages.t("fill.note_csv_utf8", "en", name=job.name,
                                            chars=" ".join(list(missing)[:8])))
    return _csv_text(lines).encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


def _csv_text(lines: list[list[str]]) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(lines)
    return buf.getvalue()


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


#: Our own separator of a section path (ユーザー管理 › SSO), which Shift_JIS has no character for.
_SECTION_SEP, _CP932_SECTION_SEP = " › ", " > "


def _cp932(lines: list[list[str]], ours: set[tuple[int, int]],
           results: dict[int, RowAnswer]) -> tuple[bytes | None, list[list[str]]]:
    """(LINES in CP932, or None when some text cannot be; the lines as tried). The section paths' separator
    (our text, not the documents') is written as " > " in a row whose quotes do not hold it themselves:
    quotes stay verbatim."""
    lines = [list(line) for line in lines]  # the UTF-8 fallback writes the separators as they were
    for r, c in ours:
        cells = results[r]
        quotes = [cells.quote] + [x.quote for x in ([cells.citation] if cells.citation is not None else [])]
        if cells.citation is not None and not any(_SECTION_SEP.strip() in q for q in quotes):
            lines[r][c] = lines[r][c].replace(_SECTION_SEP, _CP932_SECTION_SEP)
    try:
        return _csv_text(lines).encode("cp932"), lines
    except UnicodeEncodeError:
        return None, lines


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def write_new_xlsx(job: Job, results: dict[int, RowAnswer], summary: FillSummary | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "_", job.table.name)[:31] or "Sheet1"
    cols = new_columns(job)
    review_fill = PatternFill("solid", fgColor=REVIEW_FILL)
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, values in enumerate(_grid(job, results)):
        review = r in results and results[r].needs_review
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            cell = ws.cell(r + 1, c + 1)
            _set(cell, v)
            if job.top <= r <= job.header_row:
                cell.font = Font(bold=True)
            elif c in cols:
                cell.alignment = wrap
                if review:
                    cell.fill = review_fill
        if review:
            for c in cols:
                ws.cell(r + 1, c + 1).fill = review_fill
    for (key, _, width), c in zip(job.columns, cols):
        ws.column_dimensions[get_column_letter(c + 1)].width = width
        if key == "confidence":
            for r in results:
                ws.cell(r + 1, c + 1).number_format = "0.00"
    ws.column_dimensions[get_column_letter(job.column + 1)].width = 50
    ws.freeze_panes = ws.cell(job.header_row + 2, 1)
    if summary is not None:
        summarise(wb, job, results, summary, ws.title, job.placement.answer_col if job.placement else cols[0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()



def write(job: Job, results: dict[int, RowAnswer], summary: FillSummary) -> bytes:
    """JOB's output in its format: the customer's workbook filled in place, a new workbook, or CSV."""
    if job.out_suffix == ".csv":
        if job.book.kind == "xlsx" and len(job.book.tables) > 1:
            summary.notes.append(messages.t("fill.note_csv_one_sheet", "en", sheet=job.table.name))
        return write_csv(job, results, summary)
    if job.book.kind == "xlsx":
        return write_xlsx_in_place(job, results, summary)
    return write_new_xlsx(job, results, summary)
