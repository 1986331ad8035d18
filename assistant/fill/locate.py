"""Locating a questionnaire's parts: the question column and its header row, which rows are questions,
and the customer's own answer and remarks columns (see the package docstring for the rules)."""

from __future__ import annotations

import contextvars
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..script import CJK
from .model import Book, Row, Table, cell_text, norm

#: Rows scanned for a header row (title rows and notes often come first).
HEADER_SCAN_ROWS = 10
#: How the user names the question column where they are: a CLI flag, or the web form's field.
COLUMN_HINT: contextvars.ContextVar[str] = contextvars.ContextVar("column_hint", default="--column NAME")
#: Rows below the header sampled to judge which candidate column holds the questions.
_SAMPLE_ROWS = 200
#: A cell this short that is not question-like can be a section title.
_TITLE_MAX_CHARS = 30


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
WORDY = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def header_priority(value: Any) -> int:
    """How surely a header cell names the question column (0: not at all)."""
    key = norm(value)
    if not key or len(key) > 60:
        return 0
    best = _HEADER_NAMES.get(key, 0) or _HEADER_NAMES.get(key.replace(" ", ""), 0)
    parts = [p for p in _HEADER_SPLIT.split(key) if p]
    if best or any(p in _ID_WORDS for p in parts):  # "Question No." numbers the questions
        return best
    return max((_HEADER_NAMES.get(p, 0) for p in parts), default=0)


def question_like(text: str) -> bool:
    """Reads as a question or a request (not a title): used to tell questions from section headers."""
    text = unicodedata.normalize("NFKC", text).strip()
    if "?" in text:
        return True
    return bool(_QUESTION_JA.search(text) or _QUESTION_EN.match(text)) or len(text) > _TITLE_MAX_CHARS


def _column_sample(table: Table, header_row: int, col: int) -> list[str]:
    out = []
    for row in table.rows[header_row + 1: header_row + 1 + _SAMPLE_ROWS]:
        t = cell_text(row[col]) if col < len(row) else ""
        if t:
            out.append(t)
    return out


def _content_score(sample: list[str]) -> float:
    """0..3: how much a column's cells look like questions (long, question-like, filled)."""
    if not sample:
        return 0.0
    mean_len = sum(len(s) for s in sample) / len(sample)
    asking = sum(question_like(s) for s in sample) / len(sample)
    wordy = sum(bool(WORDY.search(s)) for s in sample) / len(sample)
    return min(mean_len, 60) / 60 + 1.5 * asking + 0.5 * wordy


def _banner_rows(table: Table, header_row: int, col: int) -> set[int]:
    """Rows where the question cell is merged across the table's columns: titles. A question merged over
    blank columns (Excel "graph paper" layouts merge C:D under a header merged the same way) is not one."""
    others = {i for i, v in enumerate(table.rows[header_row]) if i != col and cell_text(v)}
    rows: set[int] = set()
    for min_row, min_col, max_row, max_col in table.merged:
        if min_col <= col <= max_col and max_col > min_col and any(min_col <= i <= max_col for i in others):
            rows.update(range(min_row, max_row + 1))
    return rows


def _filled(row: list[Any]) -> int:
    return sum(1 for v in row if cell_text(v))


def locate(book: Book, column: str | None) -> tuple[Table, int, int]:
    """(table, header row, question column), all 0-based."""
    if column is not None:
        return _locate_named(book, column)
    best: tuple[float, Table, int, int] | None = None  # score, table, header row, column
    empty: tuple[int, Table, int, int] | None = None  # priority, table, header row, column: named, but no questions
    for table in book.tables:
        scan = table.rows[:HEADER_SCAN_ROWS]
        one_column = max((_filled(r) for r in table.rows[:_SAMPLE_ROWS]), default=0) <= 1
        for r, row in enumerate(scan):
            if _filled(row) < 2 and not one_column:
                continue  # a title row, or a note
            for c, value in enumerate(row):
                priority = header_priority(value)
                if not priority:
                    continue
                sample = _column_sample(table, r, c)
                if sum(bool(WORDY.search(t)) for t in sample) < max(1, len(sample) / 2):
                    if empty is None or priority > empty[0]:
                        empty = (priority, table, r, c)
                    continue  # empty, or numbers only: not where the questions are
                score = 2.0 * priority + _content_score(sample) - 0.01 * r
                if best is None or score > best[0]:
                    best = (score, table, r, c)
    if best is None and empty is not None:
        _, table, r, c = empty
        raise _column_without_questions(table, r, c)
    if best is None:
        headers = _headers_seen(book)
        raise InputError(key="fill.error.no_question_column", rows=HEADER_SCAN_ROWS, headers=headers,
                         hint=COLUMN_HINT.get())
    return best[1], best[2], best[3]


def _column_without_questions(table: Table, header_row: int, col: int) -> InputError:
    """A header names the question column but no questions are below it: say so, and where text is."""
    from openpyxl.utils import get_column_letter

    fields = {"column": cell_text(table.rows[header_row][col]), "sheet": table.name, "row": header_row + 1,
              "hint": COLUMN_HINT.get()}
    found = []  # (score, column, first row with text): the columns below the header that hold words
    for c in range(table.width):
        if c == col:
            continue
        sample = _column_sample(table, header_row, c)
        wordy = [t for t in sample if WORDY.search(t)]
        if wordy:
            first = next(r for r in range(header_row + 1, len(table.rows))
                         if c < len(table.rows[r]) and WORDY.search(cell_text(table.rows[r][c])))
            found.append((_content_score(wordy) * len(wordy), c, first))
    if not found:
        return InputError(key="fill.error.question_column_empty_nothing_else", **fields)
    _, c, first = max(found)
    header = table.rows[header_row]
    return InputError(key="fill.error.question_column_empty", letter=get_column_letter(c + 1),
                      found=cell_text(header[c]) if c < len(header) else "", first=first + 1, **fields)


def _locate_named(book: Book, column: str) -> tuple[Table, int, int]:
    wanted = norm(column)
    if not wanted:
        raise InputError(key="fill.error.empty_column_name", hint=COLUMN_HINT.get())
    for table in book.tables:
        for r, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
            for c, value in enumerate(row):
                if norm(value) == wanted:
                    return table, r, c
    raise InputError(key="fill.error.no_such_column", column=column, rows=HEADER_SCAN_ROWS, headers=_headers_seen(book),
                     hint=COLUMN_HINT.get())


def _headers_seen(book: Book) -> str:
    """The likeliest header row of each sheet, for error messages."""
    seen = []
    for table in book.tables:
        rows = [r for r in table.rows[:HEADER_SCAN_ROWS] if _filled(r)]
        if not rows:
            continue
        row = max(rows, key=_filled)
        cells = [cell_text(v)[:40] for v in row if cell_text(v)]
        prefix = f"[{table.name}] " if len(book.tables) > 1 else ""
        seen.append(prefix + ", ".join(repr(c) for c in cells[:20]))
    return "; ".join(seen) or "none (the file has no text in its first rows)"


# --------------------------------------------------------------------------------------------- rows


def classify(table: Table, header_row: int, col: int) -> list[Row]:
    header = norm(table.rows[header_row][col])
    body = range(header_row + 1, len(table.rows))
    cells = [cell_text(table.rows[r][col]) if col < len(table.rows[r]) else "" for r in body]
    texts = [t for t in cells if t]
    mostly_bold = texts and sum((r, col) in table.bold for r, t in zip(body, cells) if t) > len(texts) / 2
    banners = _banner_rows(table, header_row, col)
    out = []
    for r, text in zip(body, cells):
        row = table.rows[r]
        if not text:
            out.append(Row(r, "skip" if _filled(row) or r in banners else "blank"))
            continue
        if r in banners or _section_header(r, col, text, row, table.bold, bool(mostly_bold)) or norm(text) == header:
            out.append(Row(r, "skip", text))
        elif not WORDY.search(text) or (isinstance(row[col], str) and row[col].startswith("=")):
            out.append(Row(r, "skip", text))  # numbers, marks, or a formula we cannot evaluate
        else:
            out.append(Row(r, "question", text))
    return out


def _section_header(r: int, col: int, text: str, row: list[Any], bold_cells: set, mostly_bold: bool) -> bool:
    """A title row (see the module docstring): never question-like, and alone, marked, or set apart in bold."""
    if question_like(text):
        return False
    alone = all(not cell_text(v) for i, v in enumerate(row) if i != col)
    bold = (r, col) in bold_cells and not mostly_bold
    return alone or bool(_HEADING_MARK.match(text)) or bold



# ------------------------------------------------------------------------------ the customer's columns

_ANSWER_HEADERS = ("回答", "回答欄", "貴社回答", "ご回答", "回答内容", "回答結果", "対応状況", "answer", "answers",
                   "response", "responses", "vendor response", "vendor answer", "reply")
_REMARK_HEADERS = ("備考", "補足", "補足説明", "コメント", "根拠", "説明", "詳細", "remarks", "remark", "comments",
                   "comment", "notes", "note", "evidence", "details", "explanation")


def _matches(header: str, names: tuple[str, ...]) -> bool:
    h = re.sub(r"[\s()（）\[\]【】:：]+", " ", norm(header)).strip()
    return any(h == n or h.startswith(n + " ") or h.split(" ")[0] == n for n in names)


@dataclass
class Placement:
    answer_col: int | None
    remarks_col: int | None
    lang: str

    @property
    def found(self) -> bool:
        return self.answer_col is not None


def locate_customer(header: list[Any], question_col: int, ours: tuple[str, ...]) -> Placement:
    """The customer's answer and remarks columns in the header row (never the question's nor ours)."""
    answer_col = remarks_col = None
    for c, value in enumerate(header):
        text = "" if value is None else str(value)
        if c == question_col or not text.strip() or text in ours:
            continue
        if answer_col is None and _matches(text, _ANSWER_HEADERS):
            answer_col = c
        elif remarks_col is None and _matches(text, _REMARK_HEADERS):
            remarks_col = c
    words = " ".join(str(v) for v in header if v)
    return Placement(answer_col, remarks_col, "ja" if CJK.search(words) else "en")
