"""The shapes every layer shares: an answer, its citations, and the closed sets of states.

They live apart from the pipeline so front-ends (web, Slack, CLI, fill) can depend on them without
importing the model or the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """The three outcomes of shared/contracts.md."""

    ANSWERED = "answered"
    REVIEW = "needs review"
    NOT_DOCUMENTED = "not documented"


class Verdict(StrEnum):
    """What a yes/no question's answer says, judged from the quote; None when it asks no yes/no."""

    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"


class Lang(StrEnum):
    JA = "ja"
    EN = "en"


class Mode(StrEnum):
    """Rankings: the product's blend, and the two single-signal baselines the evaluation runs beside it."""

    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


class Format(StrEnum):
    TXT = "txt"
    MD = "md"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"


@dataclass
class Citation:
    quote: str
    source: str
    section: list[str]
    start: int
    end: int
    score: float
    as_of: str | None = None
    title: str | None = None
    passage_id: int = -1
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    format: str | None = None
    #: A check sheet's row: the question it answered (the quote is its answer cells).
    asked: str | None = None
    #: The quote ends where its document does, mid-sentence: a scrape or a byte limit cut the page there, and
    #: what the sentence went on to say is not in the documents.
    cut_off: bool = False

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        for optional in ("page", "sheet", "row", "format", "asked"):
            if d[optional] is None:
                del d[optional]
        if not d["cut_off"]:
            del d["cut_off"]
        return d


@dataclass
class Answer:
    question: str
    status: Status
    answer: str
    confidence: float
    citations: list[Citation]
    lang: str = Lang.EN
    missing_terms: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
    #: For a yes/no question whose first citation says yes or no; None when the question asks no yes/no.
    verdict: Verdict | None = None
    #: For "needs review": what the reviewer should check, as catalog keys (see messages/*/answer.json).
    review_reasons: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.status, bool):  # the contract's older two-state form: answered or not
            self.status = Status.ANSWERED if self.status else Status.NOT_DOCUMENTED
        self.status = Status(self.status)

    @property
    def answered(self) -> bool:
        return self.status == Status.ANSWERED

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "status": str(self.status),
            "verdict": str(self.verdict) if self.verdict else None,
            "review_reasons": list(self.review_reasons),
            "lang": str(self.lang),
            "missing_terms": self.missing_terms,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
