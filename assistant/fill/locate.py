"""Locating a questionnaire's parts: the question column and its header row, which rows are questions,
and the customer's own answer and remarks columns (see the package docstring for the rules)."""

from __future__ import annotations

import contextvars
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..asked import WORDY
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
#: A check item written as its name and what to confirm ("障害通知：障害発生時の利用者への通知方法"), as the METI SaaS SLA
#: guideline's checklist writes them; a title has no description after a colon.
_CHECK_ITEM = re.compile(r"^[^:：]{2,20}[:：]\s*\S.{7,}$")
#: ... or a phrase naming what to confirm ("定期的な保守停止に関する事前連絡確認", "バックアップデータの保管場所"), longer than
#: a section's title.
_CHECK_NOUN = re.compile(r"(?:確認|方法|手順|状況|体制|基準|期間|頻度|時間|範囲|場所|時期|内容|条件|対策|措置|対応)[\s。．]*$")
_ITEM_MIN_CHARS = 14
_HEADING_MARK = re.compile(r"^\s*(?:[■□◆◇●○▼▽▶►▷◎★☆]|【|第\s*[0-9０-９一二三四五六七八九十]+\s*[章節部])")


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


#: A parenthetical after the question ("…ていますか（はい・いいえ）", "…していること（日次以上）。"): what to
#: answer with or a gloss, not the end of the question. Single-column sheets had passed such rows over unanswered.
_TRAILING_ASIDE = re.compile(r"[\s。．.、]*[(（][^()（）]*[)）][\s。．.、]*$")


def question_like(text: str) -> bool:
    """Reads as a question or a request (not a title): used to tell questions from section headers."""
    text = unicodedata.normalize("NFKC", text).strip()
    while (bare := _TRAILING_ASIDE.sub("", text)) != text and bare:
        text = bare
    if "?" in text:
        return True
    return bool(_QUESTION_JA.search(text) or _QUESTION_EN.match(text) or _CHECK_ITEM.match(text)
                or len(text) >= _ITEM_MIN_CHARS and _CHECK_NOUN.search(text)) or len(text) > _TITLE_MAX_CHARS


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


def _banner_rows(table: Table, header: list[Any], col: int) -> set[int]:
    """Rows where the question cell is merged across the table's columns: titles. A question merged over
    blank columns (Excel "graph paper" layouts merge C:D under a header merged the same way) is not one."""
    others = {i for i, v in enumerate(header) if i != col and cell_text(v)}
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


def header_span(table: Table, r: int, col: int) -> tuple[int, int]:
    """(first, last) row of the header found on row R over question column COL: R and the row below, or
    the row above and R, when the two read as one header (a merged parent cell such as ベンダー回答 over its
    sub-headers 回答 and 備考, or header cells merged down over both rows); else (R, R). The questions start
    below the last."""
    if _two_row_header(table, r, col):
        return r, r + 1
    if r > 0 and _two_row_header(table, r - 1, col):
        return r - 1, r
    return r, r


def _two_row_header(table: Table, top: int, col: int) -> bool:
    """Rows TOP and TOP+1 are one header: cells merged across some (not all) of the header's columns with
    sub-headers below them, or header cells merged down over exactly these two rows; every other header
    cell of TOP has nothing below it (a title beside a date above a header row is no parent), and TOP+1
    holds no question in the question column (a first question row right under a header is no sub-header)."""
    if top + 1 >= len(table.rows) or not _filled(table.rows[top]) or not _filled(table.rows[top + 1]):
        return False
    upper, lower = table.rows[top], table.rows[top + 1]

    def text(row: list[Any], c: int) -> str:
        return cell_text(row[c]) if c < len(row) else ""

    downs = [m for m in table.merged if m[0] == top and m[2] == top + 1 and text(upper, m[1])]
    parents = [m for m in table.merged if m[0] == top and m[2] == top and m[3] > m[1] and text(upper, m[1])
               and any(text(lower, c) for c in range(m[1], m[3] + 1))]
    q = text(lower, col)
    if q and not header_priority(q) and not any(m[1] <= col <= m[3] for m in downs):
        return False
    under_parent = {c for m in parents for c in range(m[1], m[3] + 1)}
    others = [c for c in range(len(upper)) if text(upper, c) and c not in under_parent]
    if not downs and not others:
        return False  # a title banner spans the whole table, alone on its row
    return bool(downs or parents) and not any(text(lower, c) for c in others)


def classify(table: Table, header_row: int, col: int, header: list[Any] | None = None) -> list[Row]:
    """Each row below HEADER_ROW: a question, a row passed over, or blank. HEADER (the header's names, when
    it spans two rows) tells a repeated header and a banner."""
    header = header if header is not None else table.rows[header_row]
    name = norm(header[col]) if col < len(header) else ""
    body = range(header_row + 1, len(table.rows))
    cells = [cell_text(table.rows[r][col]) if col < len(table.rows[r]) else "" for r in body]
    texts = [t for t in cells if t]
    mostly_bold = texts and sum((r, col) in table.bold for r, t in zip(body, cells) if t) > len(texts) / 2
    banners = _banner_rows(table, header, col)
    out = []
    for r, text in zip(body, cells):
        row = table.rows[r]
        if not text:
            out.append(Row(r, "skip" if _filled(row) or r in banners else "blank"))
            continue
        if r in banners or _section_header(r, col, text, row, table.bold, bool(mostly_bold)) or norm(text) == name:
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

_ANSWER_HEADERS = ("回答", "回答欄", "貴社回答", "ご回答", "回答内容", "回答結果", "対応状況", "対応可否", "可否",
                   "answer", "answers", "response", "responses", "vendor response", "vendor answer", "reply")
_REMARK_HEADERS = ("備考", "補足", "補足説明", "コメント", "根拠", "説明", "詳細", "remarks", "remark", "comments",
                   "comment", "notes", "note", "evidence", "details", "explanation")

#: Beyond those names, a header is read by its words: one that holds an answer word is the answer column
#: ("Vendor reply", "Supplier answer", ベンダー回答), one that holds a remarks word the remarks column
#: ("Additional comments", 回答補足: a remarks word wins over an answer word), and a header made of a yes and
#: a no mark ("Yes/No", "Y/N", はい・いいえ) is an answer column. English words are whole words, Japanese
#: ones parts of the header.
_ANSWER_WORDS = frozenset({"answer", "answers", "answered", "response", "responses", "reply", "replies", "respond"})
_ANSWER_PARTS = ("回答", "返答", "応答", "解答")
_REMARK_WORDS = frozenset({"remarks", "remark", "comments", "comment", "notes", "note", "evidence", "details",
                           "detail", "explanation", "explanations", "justification", "rationale", "supporting"})
_REMARK_PARTS = ("備考", "補足", "コメント", "根拠", "説明", "詳細", "特記", "メモ", "注記")
#: ... unless it names something about the answer, not the cell for it ("Response time", 回答者, 回答日,
#: "Answer guidance"), or someone else's column (the customer's reviewer's, for internal use).
_OTHER_WORDS = frozenset({"guidance", "guide", "instruction", "instructions", "example", "examples", "sample",
                          "date", "dated", "time", "times", "deadline", "due", "by", "owner", "contact", "name",
                          "options", "option", "choices", "type", "format", "score", "scoring", "weight", "rating",
                          "id", "number", "#", "ref", "reviewer", "reviewers", "assessor", "auditor",
                          "evaluator", "internal", "rules", "expected", "required"})
_OTHER_PARTS = ("回答者", "記入者", "担当者", "確認者", "評価者", "回答日", "記入日", "日付", "日時", "期日", "期限",
                "例", "方法", "要領", "選択肢", "番号", "時間", "時期", "評価", "審査", "社内", "判定", "点数", "模範")
_WORD_SPLIT = re.compile(r"[^\w#.]+|(?<!\w)\.|\.(?!\w)")


def _matches(header: str, names: tuple[str, ...]) -> bool:
    h = re.sub(r"[\s()（）\[\]【】:：]+", " ", norm(header)).strip()
    return any(h == n or h.startswith(n + " ") or h.split(" ")[0] == n for n in names)


def header_role(value: Any) -> tuple[str, int] | None:
    """("answer" | "remarks", how surely: 2 a known name, 1 by its words) of a header cell, or None."""
    text = norm(value)
    if not text or len(text) > 60:
        return None
    names = {"answer": _ANSWER_HEADERS, "remarks": _REMARK_HEADERS}
    for role, known in names.items():
        if text in known:
            return role, 2
    from ..polarity import NA_MARKS, NO_MARKS, YES_MARKS

    marks = [m for m in _HEADER_SPLIT.split(text) if m]
    if any(m in YES_MARKS for m in marks) and any(m in NO_MARKS for m in marks) \
            and all(m in YES_MARKS | NO_MARKS | NA_MARKS for m in marks):
        return "answer", 1
    words = {w for w in _WORD_SPLIT.split(text) if w}
    if words & _OTHER_WORDS or any(p in text for p in _OTHER_PARTS):
        return None
    for role, known in names.items():
        if _matches(text, known):
            return role, 2
    if words & _REMARK_WORDS or any(p in text for p in _REMARK_PARTS):
        return "remarks", 1
    if words & _ANSWER_WORDS or any(p in text for p in _ANSWER_PARTS):
        return "answer", 1
    return None


@dataclass
class Placement:
    answer_col: int | None
    remarks_col: int | None
    lang: str

    @property
    def found(self) -> bool:
        return self.answer_col is not None


def locate_customer(header: list[Any], question_col: int, ours: tuple[str, ...],
                    parents: list[Any] | None = None) -> Placement:
    """The customer's answer and remarks columns in the header (never the question's nor ours): the surest
    name of each role, the leftmost of equals. Under a two-row header, PARENTS (each column's merged
    parent cell) name the answer column when no header of its own does: the first column under a parent
    read as an answer ("Vendor response" over "Selection" and "Details") that is not the remarks."""
    best: dict[str, tuple[int, int]] = {}  # role -> (how surely, -column)
    for c, value in enumerate(header):
        text = "" if value is None else str(value)
        if c == question_col or not text.strip() or text in ours:
            continue
        role = header_role(text)
        if role is not None and (role[0] not in best or role[1] > best[role[0]][0]):
            best[role[0]] = (role[1], -c)
    answer_col = -best["answer"][1] if "answer" in best else None
    remarks_col = -best["remarks"][1] if "remarks" in best else None
    if answer_col is None and parents:
        for c, parent in enumerate(parents):
            if c in (question_col, remarks_col) or parent is None or not cell_text(header[c] if c < len(header) else None):
                continue
            if (header_role(parent) or ("",))[0] == "answer" and cell_text(header[c]) not in ours:
                answer_col = c
                break
    words = " ".join(str(v) for v in header if v)
    return Placement(answer_col, remarks_col, "ja" if CJK.search(words) else "en")
