"""A fill from end to end: check the input (fast, before the model loads), answer, write."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..fsutil import atomic_write_bytes
from .ask import Progress, answer_all
from .locate import COLUMN_HINT, Placement, classify, header_span, locate
from .model import Book, Job, Table, cell_text, norm
from .place import customer_placement, place
from .read import read_book
from .summary import FillSummary, tally
from .write import fit_cells, write

if TYPE_CHECKING:  # the model stack is heavy; importing fill must stay cheap for the CLI's error paths
    from ..answer import Assistant

#: Most question rows a web upload may hold (the CLI has no cap): one request must not hold the server.
MAX_WEB_QUESTIONS = 2_000

_OUT_SUFFIXES = (".xlsx", ".csv")


def _out_suffix(suffix: str | None, default: str) -> str:
    suffix = (suffix or default).lower()
    if not suffix.startswith("."):
        suffix = "." + suffix
    if suffix == ".xlsm":
        suffix = ".xlsx"
    if suffix not in _OUT_SUFFIXES:
        raise InputError(f"cannot write a {suffix} file; name the output .xlsx or .csv")
    return suffix


def prepare(data: bytes, name: str, column: str | None, out_suffix: str, *, answer_column: str | None = None,
            remarks_column: str | None = None) -> Job:
    """Everything that can refuse the input, before any question is asked (and before the model loads).
    ANSWER_COLUMN / REMARKS_COLUMN name the customer's answer and remarks columns by their headers, when
    the filler would not find them (or would find others)."""
    book = read_book(data, name)
    table, found_row, col = locate(book, column)
    job = job_of(book, table, found_row, col, out_suffix, name)
    if not any(r.kind == "question" for r in job.rows):
        raise InputError(key="fill.error.no_questions", name=name, column=cell_text(job.header[col]),
                         sheet=table.name, hint=COLUMN_HINT.get())
    if answer_column is not None or remarks_column is not None:
        job.placement = named_placement(job, answer_column, remarks_column)
    return job


def job_of(book: Book, table: Table, found_row: int, col: int, out_suffix: str, name: str) -> Job:
    """The job of the question column COL whose header was found on FOUND_ROW: the header read as one
    when it spans two rows (locate.header_span), the rows below it classified."""
    top, last = header_span(table, found_row, col)
    job = Job(book, table, last, col, [], out_suffix, name, header_top=top if top != last else None)
    job.rows = classify(table, last, col, job.header)
    return job


def named_placement(job: Job, answer: str | None, remarks: str | None) -> Placement:
    """The customer's columns with ANSWER and REMARKS (header texts; None: as the filler finds it) chosen by
    a person; InputError naming the headers there are when one is not in the header."""
    found = customer_placement(job)

    def col(text: str | None, default: int | None) -> int | None:
        if text is None:
            return default
        wanted = norm(text)
        for c, value in enumerate(job.header):
            if c != job.column and wanted and norm(value) == wanted:
                return c
        headers = ", ".join(repr(cell_text(v)) for c, v in enumerate(job.header) if cell_text(v) and c != job.column)
        raise InputError(key="fill.error.no_such_customer_column", column=text, headers=headers)

    answer_col = col(answer, found.answer_col)
    remarks_col = col(remarks, found.remarks_col)
    if answer is not None and remarks is not None and answer_col == remarks_col:
        raise InputError(key="fill.error.same_customer_column", column=remarks)
    if remarks_col == answer_col:
        remarks_col = None if remarks is None else remarks_col
        answer_col = None if remarks is not None else answer_col
    return Placement(answer_col, remarks_col, found.lang)


def _execute(assistant: "Assistant", job: Job, progress: Progress | None) -> tuple[bytes, FillSummary]:
    started = time.perf_counter()
    summary = FillSummary.of(job)
    results = answer_all(assistant, job, progress)
    kind = "csv" if job.out_suffix == ".csv" else "xlsx"
    results = {r: fit_cells(cells, kind) for r, cells in results.items()}
    place(job, results, job.placement)  # the columns a person named, else those the filler finds
    tally(results, job, summary)
    data = write(job, results, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    return data, summary


def _check_paths(src: Path, dst: Path, force: bool) -> str:
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise InputError(f"{src} does not exist or is not a file; pass the path of an .xlsx or .csv questionnaire")
    if not dst.suffix:
        raise InputError(f"{dst} has no suffix; name the output .xlsx or .csv")
    suffix = _out_suffix(dst.suffix, dst.suffix)
    if dst.exists() and src.resolve() == dst.resolve():
        raise InputError(f"{dst} is the questionnaire itself; write the answers to another file")
    if dst.exists() and not force:
        raise InputError(_exists(dst))
    if dst.exists() and dst.is_dir():
        raise InputError(f"{dst} is a folder; pass a file name ending in .xlsx or .csv")
    if not dst.parent.is_dir():
        raise InputError(f"folder {dst.parent} does not exist; create it or choose another -o")
    return suffix


def _exists(dst: Path) -> str:
    return f"{dst} already exists; pass --force to overwrite it, or choose another -o"


def _read_source(src: Path) -> bytes:
    try:
        return Path(src).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {src}: {exc.strerror or exc}") from None


def prepare_file(src: Path, dst: Path, *, column: str | None = None, force: bool = False,
                 answer_column: str | None = None, remarks_column: str | None = None) -> Job:
    """Check SRC and DST and read the questionnaire: every refusal comes before the model is needed."""
    suffix = _check_paths(src, dst, force)
    return prepare(_read_source(src), Path(src).name, column, suffix, answer_column=answer_column,
                   remarks_column=remarks_column)


def fill_prepared(assistant: "Assistant", job: Job, dst: Path, *, force: bool = False,
                  progress: Progress | None = None) -> FillSummary:
    """Answer the questions of a prepared JOB and write DST whole (a temporary file renamed into place)."""
    data, summary = _execute(assistant, job, progress or None)
    try:
        atomic_write_bytes(Path(dst), data, overwrite=force)
    except FileExistsError:
        raise InputError(_exists(Path(dst))) from None
    return summary


def fill_file(assistant: "Assistant", src: Path, dst: Path, *, column: str | None = None, force: bool = False,
              progress: Progress | None = None, answer_column: str | None = None,
              remarks_column: str | None = None) -> FillSummary:
    """Answer every question of SRC into DST (.xlsx or .csv, by DST's suffix); writes nothing on bad input.

    PROGRESS, when given, is called with (rows done, rows in all) after each question row. ANSWER_COLUMN and
    REMARKS_COLUMN name the customer's answer and remarks columns by their headers (else they are found)."""
    job = prepare_file(src, dst, column=column, force=force, answer_column=answer_column, remarks_column=remarks_column)
    return fill_prepared(assistant, job, dst, force=force, progress=progress)


def fill_bytes(assistant: "Assistant", data: bytes, filename: str, *, column: str | None = None,
               out_suffix: str | None = None, column_hint: str | None = None, answer_column: str | None = None,
               remarks_column: str | None = None) -> tuple[bytes, str, FillSummary]:
    """The web upload's path: bytes in, (filled bytes, suggested file name, summary) out."""
    if column_hint:
        COLUMN_HINT.set(column_hint)
    limit = assistant.settings.max_upload_bytes
    if len(data) > limit:
        raise InputError(key="fill.error.file_too_large", size=len(data) / 2**20, limit=limit / 2**20)
    name = _safe_name(filename)
    suffix = _out_suffix(out_suffix, ".csv" if Path(name).suffix.lower() in (".csv", ".tsv") else ".xlsx")
    job = prepare(data, name, column, suffix, answer_column=answer_column, remarks_column=remarks_column)
    if job.questions > MAX_WEB_QUESTIONS:
        raise InputError(key="fill.error.too_many_questions", name=name, n=job.questions, limit=MAX_WEB_QUESTIONS)
    out, summary = _execute(assistant, job, None)
    return out, f"{Path(name).stem}-filled{suffix}", summary


def _safe_name(filename: str) -> str:
    """The upload's own name without any folder part or characters that break a download header."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip().lstrip(".")
    return name or "questionnaire.xlsx"
