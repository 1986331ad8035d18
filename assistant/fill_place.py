"""The customer's own answer and remarks columns: found by header, filled in the sheet's language.

A check sheet goes back to the customer, so the answer belongs in their 回答 column, in the values of its
dropdown when it has one (はい/いいえ, Yes/No, ○/×), and the evidence in their 備考 column. Only empty
cells are written. What the assistant is not sure of is left for a person: a needs-review or
not-documented row gets no answer value, only its remarks (the candidate, or "not documented"), and
the row is flagged; so is an answered yes/no question whose quote says neither clearly, or whose
dropdown has no matching value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import messages
from .fill import _norm  # one normalisation for headers and cells (fill imports this module lazily)
from .script import CJK
from .types import Status, Verdict

_ANSWER_HEADERS = ("回答", "回答欄", "貴社回答", "ご回答", "回答内容", "回答結果", "対応状況", "answer", "answers",
                   "response", "responses", "vendor response", "vendor answer", "reply")
_REMARK_HEADERS = ("備考", "補足", "補足説明", "コメント", "根拠", "説明", "詳細", "remarks", "remark", "comments",
                   "comment", "notes", "note", "evidence", "details", "explanation")
_YES = ("はい", "yes", "y", "○", "〇", "◯", "対応", "対応済", "可", "有", "あり", "実施", "true")
_NO = ("いいえ", "no", "n", "×", "✕", "✗", "非対応", "未対応", "不可", "無", "なし", "未実施", "false")


def _matches(header: str, names: tuple[str, ...]) -> bool:
    h = re.sub(r"[\s()（）\[\]【】:：]+", " ", _norm(header)).strip()
    return any(h == n or h.startswith(n + " ") or h.split(" ")[0] == n for n in names)


@dataclass
class Placement:
    answer_col: int | None
    remarks_col: int | None
    lang: str

    @property
    def found(self) -> bool:
        return self.answer_col is not None


def locate(header: list[Any], question_col: int, ours: tuple[str, ...]) -> Placement:
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


def choose(options: list[str], verdict: Verdict) -> str | None:
    words = _YES if verdict == Verdict.YES else _NO if verdict == Verdict.NO else ()
    normed = [(_norm(o), o) for o in options]
    for n, original in normed:
        if n in words:
            return original
    for n, original in normed:
        if any(n.startswith(w) for w in words if len(w) > 1):
            return original
    return None


def cells_for(result: dict[str, Any], placement: Placement, options: list[str] | None) -> tuple[Any, str, bool]:
    """(answer value or None, remarks text, needs a person) for one row of the customer's columns."""
    lang = placement.lang
    status = result.get("status")
    cite = result.get("_citation")
    verdict = result.get("_verdict")
    remarks = ""
    if cite is not None:
        from .answer import location

        key = "fill.remarks_answer" if status == Status.ANSWERED else "fill.remarks_candidate"
        remarks = messages.t(key, lang, quote=cite.quote, location=location(cite, lang))
    elif status == Status.NOT_DOCUMENTED:
        remarks = messages.t("fill.remarks_not_documented", lang)
    if status != Status.ANSWERED:
        return None, remarks, True
    if verdict in (Verdict.YES, Verdict.NO):
        if options:
            value = choose(options, verdict)
            return value, remarks, value is None
        return messages.t(f"answer.verdict.{verdict}", lang), remarks, False
    if verdict == Verdict.UNCLEAR or options:
        return None, remarks, True  # a yes/no the quote does not settle, or a dropdown an open answer cannot fit
    return cite.quote if cite is not None else None, remarks, False


def add_summary(wb, sheet_name: str, lang: str, summary, rows_to_review: list[tuple[int, str]],
                sources: dict[str, str | None], today=None) -> None:
    """A summary sheet: counts by outcome, links to the rows to review, the sources and their dates."""
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
    ws["A1"] = t("summary_title", name=sheet_name)
    ws["A1"].font = Font(bold=True, size=13)
    counts = [("summary_total", summary.total), ("summary_answered", summary.answered),
              ("summary_review", summary.needs_review), ("summary_not_documented", summary.not_documented),
              ("summary_skipped", summary.skipped)]
    r = 3
    for key, n in counts:
        ws.cell(r, 1, t(key))
        ws.cell(r, 2, n)
        r += 1
    r += 1
    ws.cell(r, 1, t("summary_rows")).font = Font(bold=True)
    r += 1
    quoted = sheet_name.replace("'", "''")
    for row, cell in rows_to_review:
        link = ws.cell(r, 1, t("summary_row", sheet=sheet_name, row=row))
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{cell}")  # a link inside the book
        link.font = Font(color="0563C1", underline="single")
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
                if (today - dt.date.fromisoformat(as_of)).days > 365:
                    note += " — " + t("summary_stale")
            except ValueError:
                pass
        ws.cell(r, 2, note)
        r += 1
