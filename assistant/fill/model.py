"""What the steps of a fill pass along: the sheets as values, the rows, the answer of a row, the job."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .locate import Placement

#: The columns added, in order: (key, width); each key is a field of RowAnswer. Their headers are the
#: catalog's ``fill.header_<key>`` in the sheet's language (columns()).
_KEYS: tuple[tuple[str, int], ...] = (
    ("status", 16), ("answer", 60), ("quote", 50), ("section", 28), ("source", 36), ("confidence", 12), ("review", 12),
)
#: With the customer's own answer column found, only what they have no column for is added.
_STATUS_KEYS = ("status", "confidence", "review")
#: ... and, when the sheet has no remarks column of its own, one for the evidence (its header is the
#: catalog's ``fill.evidence_header`` in the sheet's language): every row's quote and citation.
EVIDENCE_KEY, EVIDENCE_WIDTH = "evidence", 60
STATUS_SKIPPED = "skipped"
#: The bilingual headers fills wrote before the headers followed the sheet's language ("回答状況 (Status)"):
#: a sheet filled then is still recognised as ours when it is filled again.
LEGACY_HEADERS = {"status": "回答状況 (Status)", "answer": "回答 (Answer)", "quote": "引用 (Quote)",
                  "section": "セクション (Section)", "source": "出典 (Source)", "confidence": "確信度 (Confidence)",
                  "review": "要確認 (Needs review)"}


def header(key: str, lang: str) -> str:
    """The header of the added column KEY in LANG ("ja" or "en"), from the catalog."""
    from .. import messages

    name = "evidence_header" if key == EVIDENCE_KEY else f"header_{key}"
    return messages.t(f"fill.{name}", _lang(lang))


#: The status cell's value of each outcome, as the catalog's ``fill.<key>`` in the sheet's language; the
#: outcome itself (RowAnswer.status, what is counted and what the web preview sends) stays the English value.
_STATUS_TEXT_KEYS = {"answered": "status_answered", "needs review": "status_needs_review",
                     "not documented": "status_not_documented", STATUS_SKIPPED: "status_skipped"}


def _lang(lang: str | None) -> str:
    return "ja" if lang == "ja" else "en"


def status_text(status: str, lang: str) -> str:
    """The status cell of outcome STATUS ("answered", "needs review", ...) in LANG."""
    from .. import messages

    key = _STATUS_TEXT_KEYS.get(str(status))
    return messages.t(f"fill.{key}", _lang(lang)) if key else str(status)


def review_text(flagged: bool, lang: str) -> str:
    """The review cell in LANG: "yes" / "はい" for a row flagged for a person, else blank."""
    from .. import messages

    return messages.t("fill.review_yes", _lang(lang)) if flagged else ""


def status_of(value: Any) -> str | None:
    """The outcome a status cell written in either language (or before they followed the sheet's: English)
    says, for a reader of a filled sheet; None for any other text."""
    from .. import messages

    text = norm(value)
    for lang in ("ja", "en"):
        for status, key in _STATUS_TEXT_KEYS.items():
            if text == norm(messages.t(f"fill.{key}", lang)):
                return status
    return None


def flagged(value: Any) -> bool:
    """Whether a review cell written in either language flags its row."""
    from .. import messages

    return norm(value) in {norm(messages.t("fill.review_yes", lang)) for lang in ("ja", "en")}


def columns(lang: str) -> tuple[tuple[str, str, int], ...]:
    """Every column added when the sheet has no answer column of its own: (key, header in LANG, width)."""
    return tuple((key, header(key, lang), width) for key, width in _KEYS)


def status_columns(lang: str) -> tuple[tuple[str, str, int], ...]:
    """The columns added beside the customer's own answer column: status, confidence, review flag."""
    return tuple(c for c in columns(lang) if c[0] in _STATUS_KEYS)


#: The default (Japanese) columns and headers (filled_by_us tells the assistant's own output in any language).
COLUMNS = columns("ja")
HEADERS = tuple(h for _, h, _ in COLUMNS)
#: Every header the filler writes or has written, in any language -> its key: the filler's own columns,
#: never taken for the customer's, and found again when a filled sheet is filled again.
KEY_OF_HEADER: dict[str, str] = {
    **{h: k for k, h in LEGACY_HEADERS.items()},
    **{header(k, lang): k for lang in ("ja", "en") for k, _ in (*_KEYS, (EVIDENCE_KEY, EVIDENCE_WIDTH))},
}
OWN_HEADERS = tuple(KEY_OF_HEADER)


def filled_by_us(values: list[str]) -> bool:
    """Whether a header row holds the filler's status columns (two of status, confidence and needs review,
    which it always writes together) in any form it writes or wrote: the row of the assistant's own
    filled output, which is no library of past answers. One "Status" column alone is a customer's own."""
    keys = {KEY_OF_HEADER.get(v) for v in values}
    return len(keys & set(_STATUS_KEYS)) >= 2


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def norm(value: Any) -> str:
    """One normalisation for headers and cells: NFKC, case folded, stripped."""
    return unicodedata.normalize("NFKC", cell_text(value)).casefold().strip()


@dataclass
class Table:
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
class Book:
    kind: str  # "xlsx" | "csv"
    tables: list[Table]
    workbook: Any = None
    notes: list[str] = field(default_factory=list)
    encoding: str = "utf-8"  # a CSV's: "utf-8" (with or without BOM), "cp932" (Shift_JIS) or "utf-16"


@dataclass
class Row:
    index: int  # 0-based row in the table
    kind: str  # "question" | "skip" | "blank"
    text: str = ""


@dataclass
class RowAnswer:
    """One question row's outcome: the added cells (the fields named in COLUMNS) and what the writers need."""

    status: str
    answer: str
    quote: str = ""
    section: str = ""
    source: str = ""
    confidence: float | None = None
    needs_review: bool = False
    lang: str | None = None
    where: str = ""  # where the quote is, to the character: ``corpus/x.txt:613-660``
    citation: Any = None  # answer.Citation: the quote written, or the candidate to review
    verdict: Any = None  # types.Verdict of a yes/no question
    customer: tuple[Any, Any] | None = None  # (answer value, remarks) for the customer's own columns
    candidates: list[Any] = field(default_factory=list)  # every citation of the answer, for a reviewer to pick from
    #: A person's decision in the review (fill.decided_pick / _edit / _reject, in the sheet's language): the
    #: confidence cell says so instead of a model confidence that no longer describes the row.
    decided: str = ""

    @property
    def review(self) -> str:
        """The review cell in English: "yes" or blank (cell() writes it in the sheet's language)."""
        return review_text(self.needs_review, "en")

    @property
    def evidence(self) -> str:
        """The evidence cell (added when the sheet has no remarks column): what the remarks would hold."""
        return (self.customer[1] or "") if self.customer is not None else ""

    def cell(self, key: str, lang: str = "en") -> Any:
        """The value of the added column KEY, its status and review values in LANG (the sheet's language)."""
        if key == "confidence" and self.decided:
            return self.decided
        if key == "status":
            return status_text(self.status, lang)
        if key == "review":
            return review_text(self.needs_review, lang)
        return getattr(self, key)

    def copy(self) -> RowAnswer:
        return replace(self, candidates=list(self.candidates))


@dataclass
class Job:
    book: Book
    table: Table
    header_row: int
    column: int
    rows: list[Row]
    out_suffix: str
    name: str
    columns: tuple[tuple[str, str, int], ...] = COLUMNS  # the columns added
    placement: Placement | None = None  # the customer's own answer/remarks columns, when found
    lang: str = "ja"  # the sheet's language (place.place sets it): the added columns' headers and values
    #: The header's first row when it spans two (a merged parent cell over sub-headers, locate.header_span);
    #: None: the header is the one row header_row, below which the questions start either way.
    header_top: int | None = None

    @property
    def questions(self) -> int:
        return sum(1 for r in self.rows if r.kind == "question")

    @property
    def top(self) -> int:
        """The header's first row (header_row itself unless the header spans two rows)."""
        return self.header_row if self.header_top is None else self.header_top

    @property
    def header(self) -> list[Any]:
        """Each column's header name (a two-row header read as one: a sub-header's name wins)."""
        return header_names(self.table, self.top, self.header_row)[0]

    @property
    def parents(self) -> list[Any]:
        """Each column's parent header (the merged cell above its sub-header), or None."""
        return header_names(self.table, self.top, self.header_row)[1]


def header_names(table: Table, top: int, last: int) -> tuple[list[Any], list[Any]]:
    """(names, parents) of each column of a header on rows TOP..LAST (0-based; one or two rows): a column's
    name is its sub-header on LAST when it has one, else the cell above (a header cell merged down over
    both rows keeps its value there); its parent is the merged cell spanning it on TOP, when it has a sub-header."""
    width = table.width

    def at(r: int, c: int) -> Any:
        row = table.rows[r] if r < len(table.rows) else []
        return row[c] if c < len(row) else None

    if top == last:
        names = [at(last, c) for c in range(width)]
        return names, [None] * width
    names, parents = [], []
    spans = [m for m in table.merged if m[0] == top and m[2] == top and m[3] > m[1]]
    for c in range(width):
        sub, above = at(last, c), at(top, c)
        names.append(sub if cell_text(sub) else above)
        parent = next((at(top, m[1]) for m in spans if m[1] <= c <= m[3]), None)
        parents.append(parent if cell_text(sub) else None)
    return names, parents
