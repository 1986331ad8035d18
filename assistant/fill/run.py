"""A fill from end to end: check the input (fast, before the model loads), answer, write."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..fsutil import atomic_write_bytes
from .ask import Progress, answer_all
from .locate import COLUMN_HINT, classify, locate
from .model import Job, cell_text
from .place import place
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


def prepare(data: bytes, name: str, column: str | None, out_suffix: str) -> Job:
    """Everything that can refuse the input, before any question is asked (and before the model loads)."""
    book = read_book(data, name)
    table, header_row, col = locate(book, column)
    rows = classify(table, header_row, col)
    if not any(r.kind == "question" for r in rows):
        raise InputError(key="fill.error.no_questions", name=name, column=cell_text(table.rows[header_row][col]),
                         sheet=table.name, hint=COLUMN_HINT.get())
    return Job(book, table, header_row, col, rows, out_suffix, name)


def _execute(assistant: "Assistant", job: Job, progress: Progress | None) -> tuple[bytes, FillSummary]:
    started = time.perf_counter()
    summary = FillSummary.of(job)
    results = answer_all(assistant, job, progress)
    kind = "csv" if job.out_suffix == ".csv" else "xlsx"
    results = {r: fit_cells(cells, kind) for r, cells in results.items()}
    place(job, results)
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


def prepare_file(src: Path, dst: Path, *, column: str | None = None, force: bool = False) -> Job:
    """Check SRC and DST and read the questionnaire: every refusal comes before the model is needed."""
    suffix = _check_paths(src, dst, force)
    return prepare(_read_source(src), Path(src).name, column, suffix)


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
              progress: Progress | None = None) -> FillSummary:
    """Answer every question of SRC into DST (.xlsx or .csv, by DST's suffix); writes nothing on bad input.

    PROGRESS, when given, is called with (rows done, rows in all) after each question row."""
    job = prepare_file(src, dst, column=column, force=force)
    return fill_prepared(assistant, job, dst, force=force, progress=progress)


def fill_bytes(assistant: "Assistant", data: bytes, filename: str, *, column: str | None = None,
               out_suffix: str | None = None, column_hint: str | None = None) -> tuple[bytes, str, FillSummary]:
    """The web upload's path: bytes in, (filled bytes, suggested file name, summary) out."""
    if column_hint:
        COLUMN_HINT.set(column_hint)
    limit = assistant.settings.max_upload_bytes
    if len(data) > limit:
        raise InputError(key="fill.error.file_too_large", size=len(data) / 2**20, limit=limit / 2**20)
    name = _safe_name(filename)
    suffix = _out_suffix(out_suffix, ".csv" if Path(name).suffix.lower() in (".csv", ".tsv") else ".xlsx")
    job = prepare(data, name, column, suffix)
    if job.questions > MAX_WEB_QUESTIONS:
        raise InputError(key="fill.error.too_many_questions", name=name, n=job.questions, limit=MAX_WEB_QUESTIONS)
    out, summary = _execute(assistant, job, None)
    return out, f"{Path(name).stem}-filled{suffix}", summary


def _safe_name(filename: str) -> str:
    """The upload's own name without any folder part or characters that break a download header."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip().lstrip(".")
    return name or "questionnaire.xlsx"
