"""Answered check sheets (xlsx/csv) -> blocks: a library of past answers, each row with an answer a unit."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..fill.locate import HEADER_SCAN_ROWS, header_priority, header_span, question_like
from ..fill.model import cell_text, filled_by_us, header_names
from ..fill.model import norm as _norm
from ..fill.read import read_book
from .blocks import MAX_TEXT_BYTES, Block, Extracted, check_zip, clean, fail, read_bytes
from .model import find_as_of, name_as_of

#: Header names of an answer column (what was answered), and of columns that add to it (remarks).
_ANSWER_HEADERS = ("回答", "回答内容", "ご回答", "回答欄", "回答結果", "対応状況", "対応可否", "可否", "はい/いいえ",
                   "answer", "answers", "response", "responses", "reply", "yes/no", "status of compliance")
_REMARK_HEADERS = ("備考", "補足", "コメント", "説明", "回答補足", "補足説明", "詳細", "根拠", "remarks", "remark",
                   "comment", "comments", "notes", "note", "details", "explanation", "evidence")


#: The formats of an answered check sheet's passages (each quotes answer cells; its context is the row's question).
SHEET_FORMATS = ("xlsx", "csv")

#: Header names of a column that files each row under a topic: it gives the row's section.
_CATEGORY_HEADERS = ("分類", "大分類", "中分類", "小分類", "大項目", "中項目", "大区分", "中区分", "カテゴリ", "カテゴリー",
                     "区分", "項目分類", "領域", "分野", "category", "categories", "subcategory", "domain",
                     "control domain", "control family", "section", "area", "topic")


#: Words that make a longer header one of these kinds ("Vendor comment", "Supplier response", "ベンダー回答").
_REMARK_WORDS = ("comment", "comments", "remark", "remarks", "note", "notes", "explanation", "evidence",
                 "justification", "rationale", "details", "備考", "補足", "コメント", "説明", "根拠")
_ANSWER_WORDS = ("answer", "answers", "response", "responses", "reply", "回答")


#: Longest topic shown whole in a section path (CAIQ's domains run to ~55 characters).
_TOPIC_MAX_CHARS = 80

#: A header's bracketed list of the marks it takes: "Response (Yes/No/N/A)", 「回答（はい／いいえ）」.
_OPTIONS = re.compile(r"\s*[(（\[［][^()（）\[\]［］]*[/／|｜,，、・][^()（）\[\]［］]*[)）\]］]")


def _header_kind(value: Any) -> str | None:
    text = _OPTIONS.sub("", _norm(value)).strip() or _norm(value)
    norm = re.sub(r"[\s()（）\[\]【】]+", "", text)
    if not norm:
        return None
    if any(norm == re.sub(r"\s+", "", h) for h in _CATEGORY_HEADERS):
        return "category"
    if any(norm == re.sub(r"\s+", "", h) for h in _ANSWER_HEADERS) or norm.startswith(("回答", "answer")):
        return "answer"
    if any(norm == re.sub(r"\s+", "", h) for h in _REMARK_HEADERS) or norm.startswith(("備考", "補足", "remark", "comment")):
        return "remark"
    # a short header naming a remark or an answer among other words; remarks first ("Answer comment")
    words = re.findall(r"[a-z]+|[^\x00-\x7f]+", text)
    if len(words) > 4:
        return None
    for kind, names in (("remark", _REMARK_WORDS), ("answer", _ANSWER_WORDS)):
        if any(_names(w, names) for w in words):
            return kind
    return None


def _names(word: str, names: tuple[str, ...]) -> bool:
    """An English word is one of the names; a Japanese run contains one ("ベンダー回答" holds 回答)."""
    return word in names if word.isascii() else any(n in word for n in names if not n.isascii())


def _inherited(parent: Any) -> str | None:
    kind = _header_kind(parent)
    return kind if kind in ("answer", "remark") else None


def read_sheet(path: Path) -> Extracted:
    """An answered check sheet: each row with an answer is a unit. The quote is the answer cells (the
    answer and the remarks next to it); the question is indexed with it, so a paraphrase finds it."""
    suffix = path.suffix.lower()
    data = read_bytes(path, MAX_TEXT_BYTES if suffix == ".csv" else None)
    if suffix in (".xlsx", ".xlsm"):
        check_zip(path, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on dropped features (validation, slicers)
        try:
            book = read_book(data, path.name)
        except InputError as exc:
            raise fail("corpus.bad_sheet", path, why=str(exc).removeprefix(path.name).lstrip(" :")) from None
    fmt = "csv" if book.kind == "csv" else "xlsx"
    blocks: list[Block] = []
    above: list[str] = []  # the lines above each sheet's header row: its title, its date
    for table in book.tables:
        blocks.extend(_sheet_blocks(table, fmt, above))
    if not any(b.kind == "row" for b in blocks):
        raise fail("corpus.no_answers", path)
    # the title above a lone sheet's header names the file; one sheet's among several names that sheet only
    title = next((line for line in above if len(line) <= _TOPIC_MAX_CHARS), None) if len(book.tables) == 1 else None
    return Extracted(fmt, blocks, title=title, as_of=find_as_of("\n".join(above), titles=True) or name_as_of(path.stem))


def _hidden_rows(table) -> set[int]:
    """The 1-based rows of an xlsx sheet that are hidden; every row of a hidden sheet."""
    ws = getattr(table, "worksheet", None)
    if ws is None:
        return set()
    if getattr(ws, "sheet_state", "visible") != "visible":
        return set(range(1, len(table.rows) + 1))
    return {r for r, dim in ws.row_dimensions.items() if getattr(dim, "hidden", False)}


def _sheet_blocks(table, fmt: str, above: list[str] | None = None) -> list[Block]:
    """The sheet's answered rows (and its category and section rows as headings); the one-cell lines above
    its header row (a title, "回答日：2024年7月1日") go to ABOVE. A header on two rows (a merged parent cell
    such as ベンダー回答 over its sub-headers 回答 and 補足, with 質問 or 大項目 merged down over both rows;
    locate.header_span) is read as one: each column is named by its sub-header, or by the cell above it."""
    sheet = table.name if fmt == "xlsx" else None
    found = None
    lines: list[tuple[int, str]] = []
    for r, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        values = [cell_text(v) for v in row]
        filled = [v for v in values if v]
        if len(filled) == 1:
            lines.append((r, clean(filled[0])))
        if filled_by_us(values):
            return []  # the assistant's own filled output, in any language it wrote: its answers are not documents
        questions = [(header_priority(v), c) for c, v in enumerate(values) if header_priority(v)]
        if not questions:
            continue
        q = max(questions)[1]
        top, last = header_span(table, r, q)
        header, kinds = values, {c: _header_kind(v) for c, v in enumerate(values)}
        if last > top:
            names, parents = header_names(table, top, last)
            header = [cell_text(v) for v in names]
            # a sub-header naming no kind of its own is an answer or a remark when its parent names one
            # (ベンダー回答 over "○×" and "内容"); a category parent makes no topic of a "No." under it
            kinds = {c: _header_kind(v) or (_inherited(parents[c]) if c != q else None) for c, v in enumerate(header)}
        answers = [c for c, k in kinds.items() if k == "answer" and c != q]
        if not answers:
            continue
        # the answer column and the remark/answer columns right after it are quoted together
        cols = [min(answers)]
        while kinds.get(cols[-1] + 1) in ("answer", "remark") and cols[-1] + 1 != q:
            cols.append(cols[-1] + 1)
        found = (last, q, cols, header)
        if above is not None:
            above.extend(line for lr, line in lines if lr < top)
        break
    if found is None:
        return []
    header_row, q_col, a_cols, header = found
    # category columns left of the question (大項目, then 中項目): each row's topic is its section path. A
    # merged category cell is written once, in its first row; the rows under it keep its topic.
    cat_cols = [c for c, v in enumerate(header) if c < q_col and _header_kind(v) == "category"][:3]
    topics: list[str | None] = [None] * len(cat_cols)
    blocks: list[Block] = []
    hidden = _hidden_rows(table)
    for r in range(header_row + 1, len(table.rows)):
        if r + 1 in hidden:
            continue  # a row someone hid (an answer no longer given, a draft) is no current answer
        values = [cell_text(v) for v in table.rows[r]]
        question = clean(values[q_col]) if q_col < len(values) else ""
        answer_cells = [clean(values[c]) if c < len(values) else "" for c in a_cols]
        for depth, c in enumerate(cat_cols):
            category = clean(values[c]) if c < len(values) else ""
            if category and category != topics[depth]:
                # a long topic still ends the one before it ("Cryptography, Encryption & Key Management"
                # had left its rows under "Business Continuity & Resilience"); the path shows its start
                topics[depth] = category
                topics[depth + 1:] = [None] * (len(topics) - depth - 1)
                shown = category if len(category) <= _TOPIC_MAX_CHARS else category[:_TOPIC_MAX_CHARS - 1] + "…"
                blocks.append(Block("heading", shown, level=2 + depth, sheet=sheet, row=r + 1))
        if not question:
            filled = [(c, clean(v)) for c, v in enumerate(values) if v]
            if len(filled) == 1 and filled[0][0] < q_col and filled[0][0] not in cat_cols \
                    and len(filled[0][1]) <= _TOPIC_MAX_CHARS \
                    and not question_like(filled[0][1]):
                # a domain row in the ID column over its controls (CAIQ's "Audit & Assurance")
                blocks.append(Block("heading", filled[0][1], level=2 + len(cat_cols), sheet=sheet, row=r + 1))
            continue
        if not any(answer_cells):
            others = [v for c, v in enumerate(values) if v and c != q_col]
            if all(len(v) <= 6 for v in others) and not question_like(question) and len(question) <= 40:
                blocks.append(Block("heading", question, level=2, sheet=sheet, row=r + 1))  # a section title row
            continue
        cells_before = [clean(v) for c, v in enumerate(values) if v and c < a_cols[0]]
        cells_after = [clean(v) for c, v in enumerate(values) if v and c > a_cols[-1]]
        answer = " | ".join(c for c in answer_cells if c)
        line_parts = cells_before + [answer] + cells_after
        text = " | ".join(line_parts)
        qstart = len(" | ".join(cells_before)) + (3 if cells_before else 0)
        blocks.append(Block("row", text, sheet=sheet, row=r + 1, context=question,
                            quote=(qstart, qstart + len(answer)), tight=True))
    if blocks and sheet:
        blocks.insert(0, Block("heading", sheet, level=1, sheet=sheet))
    return blocks
