"""What the steps of a fill pass along: the sheets as values, the rows, the answer of a row, the job."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .locate import Placement

#: The columns added, in order: (key, header, width); each key is a field of RowAnswer.
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
#: With the customer's own answer column found, only what they have no column for is added.
STATUS_COLUMNS = tuple(c for c in COLUMNS if c[0] in ("status", "confidence", "review"))
#: ... and, when the sheet has no remarks column of its own, one for the evidence (its header is the
#: catalog's ``fill.evidence_header`` in the sheet's language): every row's quote and citation.
EVIDENCE_KEY, EVIDENCE_WIDTH = "evidence", 60
STATUS_SKIPPED = "skipped"


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

    @property
    def review(self) -> str:
        """The review cell: "yes" or blank."""
        return "yes" if self.needs_review else ""

    @property
    def evidence(self) -> str:
        """The evidence cell (added when the sheet has no remarks column): what the remarks would hold."""
        return (self.customer[1] or "") if self.customer is not None else ""

    def cell(self, key: str) -> Any:
        """The value of the added column KEY."""
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

    @property
    def questions(self) -> int:
        return sum(1 for r in self.rows if r.kind == "question")
