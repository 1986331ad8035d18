"""Fill a whole security questionnaire (.xlsx or .csv) with cited answers, one row per question.

The questionnaire belongs to the customer, so nothing of theirs is changed: every sheet, cell, format
and row order stays as it was, and the answers go into new columns to the right of the table on the
sheet that holds the questions (an .xlsx is loaded with openpyxl and only gains cells; it is never
rebuilt). openpyxl cannot carry some Excel features through a load/save (images, charts, some
extensions); when it warns about one, the summary says so.

Which rows are questions
    The question column is found by its header (質問, 設問, Question, 確認項目, 項目, Requirement ...,
    compared after NFKC and case folding; bilingual headers like "質問 (Question)" count) in the
    first rows of a sheet, or named with ``--column``. Below the header, a row is passed over (its new
    cells left blank) when its question cell is blank, holds no words, repeats the header, or when the
    row is a section header:

    * a banner: the cell is merged across the table (it spans the question column and others);
    * a lone title: short (at most 30 characters), not question-like, and no other cell in the row
      holds anything, e.g. "1. アクセス管理" on a row of its own;
    * a marked title: short, not question-like and starting with a heading mark (■ □ ◆ ● ▼ ▶ 【 第1章);
    * a bold title: short, not question-like and bold, in a column whose questions are mostly not bold.

    "Question-like" means a question mark, a Japanese question or request ending (か, ください, こと ...),
    an English question or request opening (Does, Is, How, Describe ...), or more than 30 characters.

Asking
    Each question is asked on its own with ``Assistant.ask``, without its leading enumerator ("Q12.",
    "1-3)", "AC-01:"), which stays in the cell: the retriever would take "q12" for a term the documents
    never use. A question repeated word for word is asked once.

The customer's own columns
    When the header row has an answer column (回答, 回答欄, 貴社回答, Answer, Response ...) the answer goes
    there and the evidence into the remarks column (備考, 補足, コメント, Remarks ...) when there is one, in the
    sheet's language, using the values of the column's dropdown (はい/いいえ, Yes/No, ○/×); only status,
    confidence and the review flag are added as columns (see fill_place.py for what is left to a person).

Cells
    An answered row gets the quote, its section and its source with the quote's character offsets and
    the document's as-of date (``corpus/x.txt:613-660、2024-04-28 時点``), so a reviewer can find the
    passage. A "not documented" row leaves Quote, Section and Source blank: the closest passage is no
    answer, and the status and the review flag say what to do.

Review flags
    要確認 (Needs review) is "yes" for every "not documented" answer, every question the assistant
    refused (too long, control characters), every row whose quote or answer had to be altered to fit the
    spreadsheet (see Output), and every "needs review" answer: the decision's own review band (fitted
    leaving one corpus out, answer.py MODEL), whose candidate quote, section and source are filled in
    so the reviewer can confirm it. In .xlsx output the added cells of a flagged row are filled light yellow.

Output
    The suffix of the output decides its format. CSV is written UTF-8 with a BOM (Excel reads it right)
    and holds the question sheet only; an added cell starting with = + - @ gets a leading apostrophe
    there, because Excel would run it as a formula. In .xlsx such text is stored as text, verbatim, but
    control characters (a form feed inside a passage) cannot be stored and are removed. Quotes are
    promised verbatim, so a row whose text had to be altered either way is flagged for review and its
    answer cell says so and where the exact text is (source:start-end).
    Files are written to a temporary file beside the target and renamed into place.
"""

from __future__ import annotations

import contextvars
import csv
import io
import os
import re
import sys
import tempfile
import time
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .types import Status

if TYPE_CHECKING:  # the model stack is heavy; importing fill must stay cheap for the CLI's error paths
    from .answer import Answer, Assistant

#: Rows scanned for a header row (title rows and notes often come first).
_HEADER_SCAN_ROWS = 10
#: How the user names the question column where they are: a CLI flag, or the web form's field.
_COLUMN_HINT: contextvars.ContextVar[str] = contextvars.ContextVar("column_hint", default="--column NAME")
#: Rows below the header sampled to judge which candidate column holds the questions.
_SAMPLE_ROWS = 200
#: A cell this short that is not question-like can be a section title.
_TITLE_MAX_CHARS = 30
#: Decompressed size an .xlsx may reach: a small upload must not unzip into gigabytes.
_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
#: Most question rows a web upload may hold (the CLI has no cap): one request must not hold the server.
MAX_WEB_QUESTIONS = 2_000
#: Most cells a workbook may store (a long questionnaire has tens of thousands).
MAX_CELLS = 500_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")
_IN_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv")
_OUT_SUFFIXES = (".xlsx", ".csv")

#: Header names of a question column, by how surely they mean "the question" (higher wins).
_HEADER_NAMES: dict[str, int] = {
    **dict.fromkeys(("質問", "設問", "質問内容", "質問事項", "質問項目", "質問文", "ご質問", "問い",
                     "question", "questions", "question text", "security question"), 3),
    **dict.fromkeys(("確認項目", "確認事項", "確認内容", "チェック項目", "評価項目", "要求事項", "要件",
                     "管理策", "requirement", "requirements", "control", "controls",
                     "control description", "check item", "check items"), 2),
    **dict.fromkeys(("項目", "項目名", "内容", "item", "items", "description"), 1),
}
_ID_WORDS = {"no", "no.", "id", "#", "番号", "ref", "number", "num"}
_HEADER_SPLIT = re.compile(r"[\s/／()（）\[\]【】<>:：・|｜,、]+")

#: The columns added, in order: (key, header, width).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("status", "回答状況 (Status)", 16),
    ("answer", "回答 (Answer)", 60),
    ("quote", "引用 (Quote)", 50),
    ("section", "セクション (Section)", 28),
    ("source", "出典 (Source)", 36),
    ("confidence", "確信度 (Confidence)", 12),
    ("review", "要確認 (Needs review)", 12),
)
HEADERS = tuple(h for _, h, _ in COLUMNS)
STATUS_SKIPPED = "skipped"

_REVIEW_FILL = "FFFFF2CC"  # light yellow: Excel's own "needs attention" tone
_QUESTION_JA = re.compile(
    r"(か|かどうか|ですか|ますか|でしょうか|ください|下さい|こと|すること|教えて|説明|記載|記述|有無|可否)"
    r"[\s。．.、？?）)」]*$"
)
_QUESTION_EN = re.compile(
    r"^\s*(?:\d+[.)]\s*)?(do|does|did|is|are|was|were|can|could|how|what|which|who|whom|whose|when|where|why|"
    r"will|would|has|have|had|should|shall|may|must|please|describe|explain|list|provide|indicate|specify|"
    r"state|confirm|detail|identify|outline)\b",
    re.I,
)
_HEADING_MARK = re.compile(r"^\s*(?:[■□◆◇●○▼▽▶►▷◎★☆]|【|第\s*[0-9０-９一二三四五六七八九十]+\s*[章節部])")
#: A leading enumerator ("Q12.", "1-3)", "(4)", "AC-01:", "問5 "): kept in the cell, not asked, since the
#: retriever would count "q12" as a term the documents never use and doubt a documented answer.
_ENUMERATOR = re.compile(
    r"^\s*(?:(?:[QqＱｑ]|No|NO|no|問|質問|設問)\s*[.．]?\s*)?(?:[A-Za-zＡ-Ｚａ-ｚ]{1,4}\s*[-‐－.．]\s*)?"
    r"[(（]?\d{1,4}(?:\s*[-‐－.．]\s*\d{1,4})*[)）]?(?:\s*[.．:：、)）]\s*|\s+(?![a-z]))"
)
_WORDY = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Added cells holding text that may have to be altered to fit a spreadsheet.
_TEXT_KEYS = ("answer", "quote", "section", "source")
#: Answer text of a "not documented" row: the closest passages are not written, so it does not mention them.
_NOT_DOCUMENTED = {
    "ja": "記載なし: ドキュメントにはこの質問に答える記述が見つかりませんでした。",
    "en": "Not documented: the documents do not answer this question.",
}
_ALTERED = {
    "ja": "※スプレッドシートに収めるため{what}を変更しました（{why}）。正確な本文は出典 {where} にあります。",
    "en": "Note: {what} was altered to fit the spreadsheet ({why}); the exact text is in the source at {where}.",
}
_ALTERED_WHAT = {"ja": ("引用", "この行の文言"), "en": ("the quote", "this row's text")}
_ALTERED_WHY = {
    "controls": {"ja": "制御文字を削除", "en": "control characters removed"},
    "apostrophe": {"ja": "先頭にアポストロフィを追加", "en": "leading apostrophe added"},
}


@dataclass
class FillSummary:
    total: int = 0  # questions answered or found not documented
    answered: int = 0
    not_documented: int = 0
    needs_review: int = 0
    skipped: int = 0  # non-blank rows passed over: section headers, non-questions, refused questions
    seconds: float = 0.0
    sheet: str = ""
    column: str = ""
    header_row: int = 0  # 1-based, as Excel shows it
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def line(self) -> str:
        return (f"answered: {self.answered}, not documented: {self.not_documented}, "
                f"needs review: {self.needs_review}, skipped: {self.skipped}, {self.seconds:.1f} s")


# --------------------------------------------------------------------------------------------- reading


@dataclass
class _Table:
    """One sheet as plain values (0-based rows and columns), plus what row classification needs."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    bold: set[tuple[int, int]] = field(default_factory=set)
    worksheet: Any = None

    @property
    def width(self) -> int:
        used = max((len(r) for r in self.rows), default=0)
        return max([used] + [m[3] + 1 for m in self.merged])


@dataclass
class _Book:
    kind: str  # "xlsx" | "csv"
    tables: list[_Table]
    workbook: Any = None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Row:
    index: int  # 0-based row in the table
    kind: str  # "question" | "skip" | "blank"
    text: str = ""


@dataclass
class _Job:
    book: _Book
    table: _Table
    header_row: int
    column: int
    rows: list[_Row]
    out_suffix: str
    name: str
    columns: tuple[tuple[str, str, int], ...] = COLUMNS  # the columns added
    placement: Any = None  # fill_place.Placement: the customer's own answer/remarks columns, when found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _norm(value: Any) -> str:
    return unicodedata.normalize("NFKC", _text(value)).casefold().strip()


def _read_book(data: bytes, name: str) -> _Book:
    """Bytes -> sheets; refuses, with what to do instead, anything that is not a readable questionnaire."""
    if not data or not data.strip():
        raise InputError(f"{name} is empty; export the questionnaire again as .xlsx or .csv")
    suffix = Path(name).suffix.lower()
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARKER in data or suffix in (".xlsx", ".xlsm"):
            raise InputError(f"{name}: the file is password-protected/encrypted; remove the password in Excel "
                             "(File > Info > Protect Workbook > Encrypt with Password, clear it), save, and try again")
        raise InputError(f"{name} is an old-format Excel .xls (or another legacy Office) file; open it in Excel "
                         "and use Save As > Excel Workbook (.xlsx), then try again")
    if suffix not in _IN_SUFFIXES:
        raise InputError(f"{name}: unsupported file type {suffix or '(no suffix)'}; save the questionnaire "
                         "as .xlsx or .csv and try again")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, name)
    if suffix in (".xlsx", ".xlsm"):
        raise InputError(f"{name} is not an Excel workbook (no .xlsx content inside); open it in Excel and save "
                         "it as .xlsx, or if it is a CSV, name it .csv")
    return _read_csv(data, name, delimiter="\t" if suffix == ".tsv" else None)


def _count_cells(data: bytes) -> int:
    """Cells stored in the worksheets, counted in the XML as it unpacks (no parse, constant memory)."""
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            tail = b""
            with zf.open(info) as f:
                while chunk := f.read(1 << 20):
                    buf = tail + chunk
                    total += buf.count(b"<c ") + buf.count(b"<c>")
                    tail = buf[-3:]
                    total -= tail.count(b"<c ") + tail.count(b"<c>")  # counted again with the next chunk
            total += tail.count(b"<c ") + tail.count(b"<c>")
    return total


def _read_xlsx(data: bytes, name: str) -> _Book:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unzipped = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise InputError(f"{name} is a damaged or incomplete .xlsx; open it in Excel, save it again and retry") from None
    if unzipped > _MAX_UNZIPPED_BYTES:
        raise InputError(f"{name} unpacks to {unzipped // 2**20} MiB, more than the {_MAX_UNZIPPED_BYTES // 2**20} MiB "
                         "a questionnaire can be; remove images or unused sheets and try again")
    cells = _count_cells(data)
    if cells > MAX_CELLS:
        # openpyxl holds every cell as a Python object: 7 M cells took minutes and gigabytes
        raise InputError(f"{name} holds {cells:,} cells, more than the {MAX_CELLS:,} a questionnaire can have; "
                         "delete unused sheets, rows or columns (or copy the questions to a new file) and try again")
    notes: list[str] = []
    # openpyxl warns about features it drops (data validation extensions, slicers...); that is news for the
    # user, not a failure, so the warnings go into the summary instead of stderr.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            wb = load_workbook(io.BytesIO(data), rich_text=False)
        except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, XML errors ...
            raise InputError(f"{name} could not be read as an Excel workbook ({exc.__class__.__name__}: {exc}); "
                             "open it in Excel, save it as .xlsx and try again") from None
    for w in caught:
        note = f"openpyxl: {w.message}"
        if note not in notes:
            notes.append(note)
    tables = [_sheet_table(ws) for ws in wb.worksheets]
    return _Book("xlsx", tables, wb, notes)


def _sheet_table(ws) -> _Table:
    # Read the stored cells directly: iterating rows would create every empty cell up to max_column,
    # which a single formatted column (A:XFD) inflates to millions.
    cells = getattr(ws, "_cells", None)
    if cells is None:  # pragma: no cover - guards a future openpyxl without the private dict
        cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    rows: list[list[Any]] = []
    bold: set[tuple[int, int]] = set()
    for (r, c), cell in cells.items():
        if cell.value is None:
            continue
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        while len(row) < c:
            row.append(None)
        row[c - 1] = cell.value
        if cell.font is not None and cell.font.b:
            bold.add((r - 1, c - 1))
    merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
    return _Table(ws.title, rows, merged, bold, ws)


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name} is neither UTF-8 nor Shift_JIS (CP932) text, so it is not a CSV the assistant can read; "
                     "in Excel use Save As > 'CSV UTF-8 (comma delimited)' or save as .xlsx, and try again")


def _read_csv(data: bytes, name: str, delimiter: str | None = None) -> _Book:
    text = _decode(data, name)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise InputError(f"{name} holds binary data, not CSV text; export the questionnaire as .csv or .xlsx "
                         "and try again")
    if not text.strip():
        raise InputError(f"{name} is empty; export the questionnaire again as .xlsx or .csv")
    if delimiter is None:
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError(f"{name} is not a well-formed CSV ({exc}); export it from Excel again and retry") from None
    stem = Path(name).stem or "questions"
    return _Book("csv", [_Table(stem[:31], rows)])


# ------------------------------------------------------------------------------------------- locating


def _header_priority(value: Any) -> int:
    """How surely a header cell names the question column (0: not at all)."""
    norm = _norm(value)
    if not norm or len(norm) > 60:
        return 0
    best = _HEADER_NAMES.get(norm, 0) or _HEADER_NAMES.get(norm.replace(" ", ""), 0)
    parts = [p for p in _HEADER_SPLIT.split(norm) if p]
    if best or any(p in _ID_WORDS for p in parts):  # "Question No." numbers the questions
        return best
    return max((_HEADER_NAMES.get(p, 0) for p in parts), default=0)


def question_like(text: str) -> bool:
    """Reads as a question or a request (not a title): used to tell questions from section headers."""
    text = unicodedata.normalize("NFKC", text).strip()
    if "?" in text:
        return True
    return bool(_QUESTION_JA.search(text) or _QUESTION_EN.match(text)) or len(text) > _TITLE_MAX_CHARS


def _column_sample(table: _Table, header_row: int, col: int) -> list[str]:
    out = []
    for row in table.rows[header_row + 1: header_row + 1 + _SAMPLE_ROWS]:
        t = _text(row[col]) if col < len(row) else ""
        if t:
            out.append(t)
    return out


def _content_score(sample: list[str]) -> float:
    """0..3: how much a column's cells look like questions (long, question-like, filled)."""
    if not sample:
        return 0.0
    mean_len = sum(len(s) for s in sample) / len(sample)
    asking = sum(question_like(s) for s in sample) / len(sample)
    wordy = sum(bool(_WORDY.search(s)) for s in sample) / len(sample)
    return min(mean_len, 60) / 60 + 1.5 * asking + 0.5 * wordy


def _banner_rows(table: _Table, header_row: int, col: int) -> set[int]:
    """Rows where the question cell is merged across the table's columns: titles. A question merged over
    blank columns (Excel "graph paper" layouts merge C:D under a header merged the same way) is not one."""
    others = {i for i, v in enumerate(table.rows[header_row]) if i != col and _text(v)}
    rows: set[int] = set()
    for min_row, min_col, max_row, max_col in table.merged:
        if min_col <= col <= max_col and max_col > min_col and any(min_col <= i <= max_col for i in others):
            rows.update(range(min_row, max_row + 1))
    return rows


def _filled(row: list[Any]) -> int:
    return sum(1 for v in row if _text(v))


def _locate(book: _Book, column: str | None) -> tuple[_Table, int, int]:
    """(table, header row, question column), all 0-based."""
    if column is not None:
        return _locate_named(book, column)
    best: tuple[float, _Table, int, int] | None = None  # score, table, header row, column
    for table in book.tables:
        scan = table.rows[:_HEADER_SCAN_ROWS]
        one_column = max((_filled(r) for r in table.rows[:_SAMPLE_ROWS]), default=0) <= 1
        for r, row in enumerate(scan):
            if _filled(row) < 2 and not one_column:
                continue  # a title row, or a note
            for c, value in enumerate(row):
                priority = _header_priority(value)
                if not priority:
                    continue
                sample = _column_sample(table, r, c)
                if sum(bool(_WORDY.search(t)) for t in sample) < max(1, len(sample) / 2):
                    continue  # empty, or numbers only: not where the questions are
                score = 2.0 * priority + _content_score(sample) - 0.01 * r
                if best is None or score > best[0]:
                    best = (score, table, r, c)
    if best is None:
        headers = _headers_seen(book)
        raise InputError("no question column found (looked for a header such as 質問, 設問, 確認項目, 項目, "
                         f"Question, Requirement in the first {_HEADER_SCAN_ROWS} rows); headers seen: {headers}. "
                         f"Pass {_COLUMN_HINT.get()} with the header of the column that holds the questions")
    return best[1], best[2], best[3]


def _locate_named(book: _Book, column: str) -> tuple[_Table, int, int]:
    wanted = _norm(column)
    if not wanted:
        raise InputError(f"{_COLUMN_HINT.get()} is empty; give the header of the column that holds the questions")
    for table in book.tables:
        for r, row in enumerate(table.rows[:_HEADER_SCAN_ROWS]):
            for c, value in enumerate(row):
                if _norm(value) == wanted:
                    return table, r, c
    raise InputError(f"no column headed {column!r} in the first {_HEADER_SCAN_ROWS} rows; headers seen: "
                     f"{_headers_seen(book)}. Pass {_COLUMN_HINT.get()} with one of them")


def _headers_seen(book: _Book) -> str:
    """The likeliest header row of each sheet, for error messages."""
    seen = []
    for table in book.tables:
        rows = [r for r in table.rows[:_HEADER_SCAN_ROWS] if _filled(r)]
        if not rows:
            continue
        row = max(rows, key=_filled)
        cells = [_text(v)[:40] for v in row if _text(v)]
        prefix = f"[{table.name}] " if len(book.tables) > 1 else ""
        seen.append(prefix + ", ".join(repr(c) for c in cells[:20]))
    return "; ".join(seen) or "none (the file has no text in its first rows)"


# --------------------------------------------------------------------------------------------- rows


def _classify(table: _Table, header_row: int, col: int) -> list[_Row]:
    header = _norm(table.rows[header_row][col])
    body = range(header_row + 1, len(table.rows))
    cells = [_text(table.rows[r][col]) if col < len(table.rows[r]) else "" for r in body]
    texts = [t for t in cells if t]
    mostly_bold = texts and sum((r, col) in table.bold for r, t in zip(body, cells) if t) > len(texts) / 2
    banners = _banner_rows(table, header_row, col)
    out = []
    for r, text in zip(body, cells):
        row = table.rows[r]
        if not text:
            out.append(_Row(r, "skip" if _filled(row) or r in banners else "blank"))
            continue
        if r in banners or _section_header(r, col, text, row, table.bold, bool(mostly_bold)) or _norm(text) == header:
            out.append(_Row(r, "skip", text))
        elif not _WORDY.search(text) or (isinstance(row[col], str) and row[col].startswith("=")):
            out.append(_Row(r, "skip", text))  # numbers, marks, or a formula we cannot evaluate
        else:
            out.append(_Row(r, "question", text))
    return out


def _section_header(r: int, col: int, text: str, row: list[Any], bold_cells: set, mostly_bold: bool) -> bool:
    """A title row (see the module docstring): never question-like, and alone, marked, or set apart in bold."""
    if question_like(text):
        return False
    alone = all(not _text(v) for i, v in enumerate(row) if i != col)
    bold = (r, col) in bold_cells and not mostly_bold
    return alone or bool(_HEADING_MARK.match(text)) or bold


# ------------------------------------------------------------------------------------------ answering


def asked_text(text: str) -> str:
    """The question as asked: the cell's text without its leading enumerator."""
    rest = _ENUMERATOR.sub("", text, count=1).strip()
    return rest if len(rest) >= 2 and _WORDY.search(rest) else text


def _answer_cells(assistant: "Assistant", answer: "Answer") -> dict[str, Any]:
    """The added cells of one row; keys starting with "_" are for the writers, not written."""
    review = answer.status != Status.ANSWERED
    # An answer cites, and so does a candidate to review; the closest passage to an undocumented question is no answer.
    best = answer.citations[0] if answer.status != Status.NOT_DOCUMENTED and answer.citations else None
    cells: dict[str, Any] = {
        "status": answer.status,
        "answer": answer.answer if best else _NOT_DOCUMENTED.get(answer.lang, _NOT_DOCUMENTED["en"]),
        "quote": best.quote if best else "",
        "section": " › ".join(best.section) if best else "",
        "source": _source_text(best, answer.lang) if best else "",
        "confidence": round(float(answer.confidence), 3),
        "review": "yes" if review else "",
        "_lang": answer.lang,
        "_where": _where(best) if best else "",
        "_citation": best,
        "_verdict": answer.verdict,
    }
    return cells


def _where(c) -> str:
    """Where the quote is, to the character: ``corpus/x.txt:613-660``."""
    return f"{c.source}:{c.start}-{c.end}"


def _source_text(c, lang: str) -> str:
    from . import messages

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


_BATCH = 32


def _primable(assistant: "Assistant", rows: list[_Row]) -> list[str]:
    """The texts of ROWS as they will be asked, leaving out those validation refuses: a refused
    question is never asked, so a vector primed for it would never be used."""
    from .answer import validate_question

    out = []
    for row in rows:
        try:
            out.append(validate_question(asked_text(row.text), assistant.settings.max_question_chars))
        except InputError:
            continue
    return out


def _answer_all(assistant: "Assistant", job: _Job, progress: bool) -> dict[int, dict[str, Any]]:
    from tqdm import tqdm

    results: dict[int, dict[str, Any]] = {}
    seen: dict[str, dict[str, Any]] = {}  # a questionnaire often repeats a question; answers are pure
    questions = [row for row in job.rows if row.kind == "question"]
    bar = tqdm(questions, total=len(questions), desc="Filling", unit="q", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    try:
        for n, row in enumerate(bar):
            if n % _BATCH == 0:  # embed the next rows together: much faster than one by one
                assistant.retriever.prime(
                    _primable(assistant, [r for r in questions[n:n + _BATCH] if r.text not in seen]))
            cells = seen.get(row.text)
            if cells is None:
                try:
                    cells = _answer_cells(assistant, assistant.ask(asked_text(row.text)))
                except InputError as exc:  # too long, control characters: the row says why
                    cells = {"status": STATUS_SKIPPED, "answer": f"not answered: {exc}", "quote": "", "section": "",
                             "source": "", "confidence": None, "review": "yes"}
                seen[row.text] = cells
            results[row.index] = cells
    finally:
        bar.close()
        assistant.retriever.clear_primed()  # vectors primed for rows never reached (an error, a cancel)
    return results


def _fit_cells(cells: dict[str, Any], kind: str) -> dict[str, Any]:
    """A row's cells as KIND ("xlsx" | "csv") can hold them (a new dict: repeated questions share one).

    Any text that had to change flags the row for review and says, in the answer cell, where the exact
    text is: quotes are promised verbatim."""
    out = dict(cells)
    changed: dict[str, str] = {}  # key -> why
    for key in _TEXT_KEYS:
        value = out.get(key)
        if isinstance(value, str) and value:
            fitted, why = _fit_text(value, kind)
            if why:
                out[key], changed[key] = fitted, why
    if changed:
        lang = "ja" if out.get("_lang") == "ja" else "en"
        whys = dict.fromkeys(_ALTERED_WHY[w][lang] for w in changed.values())
        what = _ALTERED_WHAT[lang][0 if "quote" in changed else 1]
        where = out.get("_where") or ("元の文書" if lang == "ja" else "the source document")
        note = _ALTERED[lang].format(what=what, why=("、" if lang == "ja" else ", ").join(whys), where=where)
        out["answer"] = f"{out['answer']}\n{note}" if out.get("answer") else note
        out["review"] = "yes"
    return out


def _fit_text(value: str, kind: str) -> tuple[str, str]:
    """(text as KIND stores it, why it changed or "")."""
    if kind == "csv":
        # Excel runs a CSV cell starting with = + - @ as a formula: our cells are data, never code.
        return ("'" + value, "apostrophe") if value.startswith(_CSV_FORMULA_START) else (value, "")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    fitted = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters an .xlsx cannot store
    return (fitted, "controls") if fitted != value else (value, "")


def _tally(results: dict[int, dict[str, Any]], job: _Job, summary: FillSummary) -> None:
    summary.skipped = sum(1 for row in job.rows if row.kind == "skip")
    for cells in results.values():
        if cells["status"] == STATUS_SKIPPED:
            summary.skipped += 1
        elif cells["status"] == "answered":
            summary.answered += 1
        else:
            summary.not_documented += 1
        summary.needs_review += cells["review"] == "yes"
    summary.total = summary.answered + summary.not_documented


# -------------------------------------------------------------------------------------------- writing


def _new_columns(table: _Table, header_row: int, columns=COLUMNS) -> list[int]:
    """0-based columns for the added cells: ours again if the sheet was filled before, else past the table."""
    header = [_text(v) for v in table.rows[header_row]]
    titles = [h for _, h, _ in columns]
    if all(h in header for h in titles):
        return [header.index(h) for h in titles]
    start = table.width
    return list(range(start, start + len(titles)))


#: With the customer's own answer column found, only what they have no column for is added.
_STATUS_COLUMNS = tuple(c for c in COLUMNS if c[0] in ("status", "confidence", "review"))


def _place(job: _Job, results: dict[int, dict[str, Any]]) -> None:
    """Find the customer's answer/remarks columns; give each row its values there (and flag what a person must do)."""
    from . import fill_place

    header = job.table.rows[job.header_row]
    placement = fill_place.locate(header, job.column, HEADERS)
    if not placement.found:
        return
    job.placement, job.columns = placement, _STATUS_COLUMNS
    ws = job.table.worksheet
    for r, cells in results.items():
        if cells["status"] == STATUS_SKIPPED:
            continue
        options = fill_place.dropdown(ws, r + 1, placement.answer_col + 1)
        value, remarks, person = fill_place.cells_for(cells, placement, options)
        cells["_customer"] = (value, remarks)
        if person:
            cells["review"] = "yes"


def _customer_cells(job: _Job, r: int, cells: dict[str, Any], current) -> list[tuple[int, Any]]:
    """(column, value) to write into the customer's columns of row r: only into cells still empty."""
    if job.placement is None or "_customer" not in cells:
        return []
    value, remarks = cells["_customer"]
    out = []
    for col, v in ((job.placement.answer_col, value), (job.placement.remarks_col, remarks)):
        if col is not None and v not in (None, "") and _text(current(r, col)) == "":
            out.append((col, v))
    return out


def _summarise(wb, job: _Job, results: dict[int, dict[str, Any]], summary: FillSummary, sheet_title: str,
               answer_col: int) -> None:
    from openpyxl.utils import get_column_letter

    from . import fill_place

    lang = job.placement.lang if job.placement else fill_place.locate(job.table.rows[job.header_row], -1, ()).lang
    letter = get_column_letter(answer_col + 1)
    review = [(r + 1, f"{letter}{r + 1}") for r, cells in sorted(results.items()) if cells["review"] == "yes"]
    sources = {c.source: c.as_of for cells in results.values() if (c := cells.get("_citation")) is not None}
    fill_place.add_summary(wb, sheet_title, lang, summary, review, sources)


def _write_xlsx_in_place(job: _Job, results: dict[int, dict[str, Any]], summary: FillSummary | None = None) -> bytes:
    from copy import copy

    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    table, ws = job.table, job.table.worksheet
    cols = _new_columns(table, job.header_row, job.columns)
    review_fill = PatternFill("solid", fgColor=_REVIEW_FILL)
    head_src = ws.cell(job.header_row + 1, job.column + 1)
    for (key, title, width), c in zip(job.columns, cols):
        cell = ws.cell(job.header_row + 1, c + 1, title)
        cell.font, cell.fill, cell.border = copy(head_src.font), copy(head_src.fill), copy(head_src.border)
        cell.alignment = Alignment(horizontal=head_src.alignment.horizontal, vertical="center", wrap_text=True)
        letter = get_column_letter(c + 1)
        if letter not in ws.column_dimensions or not ws.column_dimensions[letter].width:
            ws.column_dimensions[letter].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in job.rows:
        cells = results.get(row.index)
        if cells is None:
            continue
        src = ws.cell(row.index + 1, job.column + 1)
        for c, v in _customer_cells(job, row.index, cells, lambda r, c: ws.cell(r + 1, c + 1).value):
            cell = ws.cell(row.index + 1, c + 1)
            _set(cell, v)  # the customer's own cell keeps its format; only its value is new
        if job.placement is not None and cells["review"] == "yes":  # the cell a person must fill or check
            ws.cell(row.index + 1, job.placement.answer_col + 1).fill = review_fill
        for (key, _, _), c in zip(job.columns, cols):
            cell = ws.cell(row.index + 1, c + 1)
            _set(cell, cells[key])
            cell.alignment = wrap
            cell.border = copy(src.border)
            cell.font = Font(name=src.font.name, size=src.font.size)
            if key == "confidence":
                cell.number_format = "0.00"
            if cells["review"] == "yes":
                cell.fill = review_fill
    if ws.auto_filter.ref:
        _extend_filter(ws, job.header_row + 1, max(cols) + 1)
    if summary is not None:
        _summarise(job.book.workbook, job, results, summary, ws.title,
                   job.placement.answer_col if job.placement else cols[0])
    buf = io.BytesIO()
    job.book.workbook.save(buf)
    return buf.getvalue()


def _extend_filter(ws, header_row: int, last_col: int) -> None:
    """An autofilter on the questions' header row should cover the new columns too."""
    from openpyxl.utils import get_column_letter, range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ws.auto_filter.ref)
    except (ValueError, TypeError):
        return
    if min_row == header_row and max_col < last_col:
        ws.auto_filter.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(last_col)}{max_row or ws.max_row}"


def _set(cell, value: Any) -> None:
    """Write a value as data: a quote that starts with '=' must stay text, not become a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters Excel cannot store
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _grid(job: _Job, results: dict[int, dict[str, Any]]) -> list[list[Any]]:
    """The question table with the added columns, as rows of values (for CSV or a new workbook)."""
    table = job.table
    cols = _new_columns(table, job.header_row, job.columns)
    width = max(table.width, max(cols) + 1)
    out = []
    for r, row in enumerate(table.rows):
        values = list(row) + [None] * (width - len(row))
        if r == job.header_row:
            for (_, title, _), c in zip(job.columns, cols):
                values[c] = title
        elif r in results:
            for c, v in _customer_cells(job, r, results[r], lambda _r, col: values[col]):
                values[c] = v
            for (key, _, _), c in zip(job.columns, cols):
                values[c] = results[r][key]
        out.append(values)
    return out


def _write_csv(job: _Job, results: dict[int, dict[str, Any]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    cols = set(_new_columns(job.table, job.header_row, job.columns))
    if job.placement is not None:
        cols |= {c for c in (job.placement.answer_col, job.placement.remarks_col) if c is not None}
    for r, values in enumerate(_grid(job, results)):
        line = []
        for c, v in enumerate(values):
            text = _csv_value(v)
            if c in cols and r != job.header_row:  # already fitted by _fit_cells (and flagged); kept as a guard
                text = _fit_text(text, "csv")[0]
            line.append(text)
        writer.writerow(line)
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _write_new_xlsx(job: _Job, results: dict[int, dict[str, Any]], summary: FillSummary | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "_", job.table.name)[:31] or "Sheet1"
    cols = _new_columns(job.table, job.header_row, job.columns)
    review_fill = PatternFill("solid", fgColor=_REVIEW_FILL)
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, values in enumerate(_grid(job, results)):
        review = r in results and results[r]["review"] == "yes"
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            cell = ws.cell(r + 1, c + 1)
            _set(cell, v)
            if r == job.header_row:
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
        _summarise(wb, job, results, summary, ws.title, job.placement.answer_col if job.placement else cols[0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------ api


def _out_suffix(suffix: str | None, default: str) -> str:
    suffix = (suffix or default).lower()
    if not suffix.startswith("."):
        suffix = "." + suffix
    if suffix == ".xlsm":
        suffix = ".xlsx"
    if suffix not in _OUT_SUFFIXES:
        raise InputError(f"cannot write a {suffix} file; name the output .xlsx or .csv")
    return suffix


def _prepare(data: bytes, name: str, column: str | None, out_suffix: str) -> _Job:
    """Everything that can refuse the input, before any question is asked (and before the model loads)."""
    book = _read_book(data, name)
    table, header_row, col = _locate(book, column)
    rows = _classify(table, header_row, col)
    if not any(r.kind == "question" for r in rows):
        raise InputError(f"{name}: the column {_text(table.rows[header_row][col])!r} (sheet {table.name!r}) holds no "
                         f"questions below its header; pass {_COLUMN_HINT.get()} with the column that does")
    return _Job(book, table, header_row, col, rows, out_suffix, name)


def _execute(assistant: "Assistant", job: _Job, progress: bool) -> tuple[bytes, FillSummary]:
    started = time.perf_counter()
    summary = FillSummary(sheet=job.table.name, column=_text(job.table.rows[job.header_row][job.column]),
                          header_row=job.header_row + 1, notes=list(job.book.notes))
    results = _answer_all(assistant, job, progress)
    kind = "csv" if job.out_suffix == ".csv" else "xlsx"
    results = {r: _fit_cells(cells, kind) for r, cells in results.items()}
    _place(job, results)
    _tally(results, job, summary)
    if job.out_suffix == ".csv":
        data = _write_csv(job, results)
        if job.book.kind == "xlsx" and len(job.book.tables) > 1:
            summary.notes.append(f"CSV holds one sheet: only {job.table.name!r} was written; "
                                 "write .xlsx to keep every sheet")
    elif job.book.kind == "xlsx":
        data = _write_xlsx_in_place(job, results, summary)
    else:
        data = _write_new_xlsx(job, results, summary)
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
        raise InputError(f"{dst} already exists; pass --force to overwrite it, or choose another -o")
    if dst.exists() and dst.is_dir():
        raise InputError(f"{dst} is a folder; pass a file name ending in .xlsx or .csv")
    if not dst.parent.is_dir():
        raise InputError(f"folder {dst.parent} does not exist; create it or choose another -o")
    return suffix


def _read_source(src: Path) -> bytes:
    try:
        return Path(src).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {src}: {exc.strerror or exc}") from None


def _atomic_write(dst: Path, data: bytes, force: bool) -> None:
    """Temp file beside the target, then rename: a crash leaves the old file or none, never half of one."""
    dst = Path(dst)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if dst.exists() and not force:
            raise InputError(f"{dst} already exists; pass --force to overwrite it, or choose another -o")
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fill_file(assistant: "Assistant", src: Path, dst: Path, *, column: str | None = None, force: bool = False,
              progress: bool = True) -> FillSummary:
    """Answer every question of SRC into DST (.xlsx or .csv, by DST's suffix); writes nothing on bad input."""
    suffix = _check_paths(src, dst, force)
    job = _prepare(_read_source(src), Path(src).name, column, suffix)
    data, summary = _execute(assistant, job, progress)
    _atomic_write(dst, data, force)
    return summary


def fill_bytes(assistant: "Assistant", data: bytes, filename: str, *, column: str | None = None,
               out_suffix: str | None = None, column_hint: str | None = None) -> tuple[bytes, str, FillSummary]:
    """The web upload's path: bytes in, (filled bytes, suggested file name, summary) out."""
    if column_hint:
        _COLUMN_HINT.set(column_hint)
    limit = assistant.settings.max_upload_bytes
    if len(data) > limit:
        raise InputError(f"the file is {len(data) / 2**20:.1f} MiB; the limit is {limit / 2**20:.1f} MiB. "
                         "Remove unused sheets or images, or split the questionnaire, and try again")
    name = _safe_name(filename)
    suffix = _out_suffix(out_suffix, ".csv" if Path(name).suffix.lower() in (".csv", ".tsv") else ".xlsx")
    job = _prepare(data, name, column, suffix)
    questions = sum(1 for r in job.rows if r.kind == "question")
    if questions > MAX_WEB_QUESTIONS:
        raise InputError(f"{name} has {questions:,} questions; an upload can hold at most {MAX_WEB_QUESTIONS:,}. "
                         "Split the questionnaire into smaller files, or fill it with the command line "
                         "(assistant fill FILE -o OUT), which has no limit")
    out, summary = _execute(assistant, job, progress=False)
    return out, f"{Path(name).stem}-filled{suffix}", summary


def _safe_name(filename: str) -> str:
    """The upload's own name without any folder part or characters that break a download header."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip().lstrip(".")
    return name or "questionnaire.xlsx"


def run_cli(questionnaire: Path, output: Path, *, column: str | None = None, force: bool = False) -> FillSummary:
    """`assistant fill`: check the files first (fast errors), then load the model and fill."""
    from .answer import get_assistant

    suffix = _check_paths(questionnaire, output, force)
    job = _prepare(_read_source(questionnaire), Path(questionnaire).name, column, suffix)
    started = time.perf_counter()
    assistant = get_assistant(progress=True)
    loaded = time.perf_counter() - started
    data, summary = _execute(assistant, job, progress=True)
    _atomic_write(output, data, force)
    questions = sum(1 for r in job.rows if r.kind == "question")
    print(f"Filled {questionnaire} -> {output} (sheet {summary.sheet!r}, column {summary.column!r}, "
          f"header row {summary.header_row}, {questions} questions; model and index ready in {loaded:.1f} s)")
    print(summary.line())
    for note in summary.notes:
        print(f"note: {note}")
    return summary
