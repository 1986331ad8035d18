"""Request bodies and documented responses of the JSON API (the OpenAPI document at /docs shows them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..types import Status, Verdict


class AskRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"question": "SCIMに対応していますか？"}]})

    question: str = Field(description="The question, in Japanese or English (plain text).")


class CitationOut(BaseModel):
    """A cited passage; ``page``, ``sheet``, ``row`` and ``format`` follow when the document has them."""

    model_config = ConfigDict(extra="allow")

    quote: str
    source: str
    section: list[str]
    start: int
    end: int
    score: float
    as_of: str | None
    title: str | None
    passage_id: int = Field(description="The passage's id in the index; /api/feedback names it.")
    location: str | None = Field(
        default=None, description="Where the quote is, as people read it and `assistant ask` writes it: section, "
                                  "document, page or sheet and row, the question a check-sheet row answered, "
                                  "as-of date (in the answer's language; no character offsets).")
    source_name: str | None = Field(
        default=None, description="The document as people are shown it: `source` for a document inside the "
                                  "repository, else its path inside the corpus folder (never the server's "
                                  "absolute path; `source` stays what /source/ opens).")


class AnswerOut(BaseModel):
    """The answer contract of shared/contracts.md, in the order Answer.to_dict writes it (extra fields may follow)."""

    model_config = ConfigDict(extra="allow")

    question: str
    answered: bool
    answer: str = Field(description="The answer as people read it (`assistant ask` prints it): the quote and where "
                                    "it is, its document named as `source_name` names it (never the server's "
                                    "absolute path).")
    confidence: float
    citations: list[CitationOut]
    status: Status
    verdict: Verdict | None = Field(
        description="For a yes/no question whose first citation says yes or no; null otherwise.")
    review_reasons: list[str] = Field(description="For 'needs review': what the reviewer should check.")
    lang: str
    missing_terms: list[str]
    elapsed_ms: float
    answer_id: str = Field(description="The server's signature of this answer; send it with /api/feedback.")


class FeedbackIn(BaseModel):
    question: str = Field(description="The question that was asked.")
    answer_id: str = Field(
        max_length=4_000,
        description="The `answer_id` of the answer from /api/ask: the server signed what it answered (the "
                    "question, the outcome, the cited passage), so feedback records that and not the client's word.")
    answered: bool | None = Field(default=None, description="Ignored: the outcome is taken from `answer_id`.")
    passage_id: int | None = Field(
        default=None, strict=True,
        description="The `passage_id` of the citation the verdict is about (the first one). The server "
                    "stores that passage's quote, source and offsets from its index; an id the index does "
                    "not hold is refused (400).")
    quote: str | None = Field(default=None, max_length=20_000,
                              description="Optional, for older clients: must equal the passage's text.")
    source: str | None = Field(default=None, max_length=2_000,
                               description="Optional, for older clients: must equal the passage's source.")
    verdict: Literal["helpful", "wrong"]
    comment: str = Field(default="", max_length=2_000)


class FeedbackOut(BaseModel):
    id: int | None = Field(description="The stored verdict's id; null while it is queued.")
    status: Literal["recorded", "queued"] = Field(
        description="'queued' (202) when the database is locked or full: it is stored with the next verdict that can be.")


class HealthIndexOut(BaseModel):
    key: str | None
    built_at: str | None
    folder: str = Field(description="The build's folder name inside the index folder (no path: the server's "
                                    "file system is not the client's business).")


class HealthOut(BaseModel):
    """What is being served: model, index build, corpus size."""

    status: Literal["ok"]
    version: str
    model: str
    runtime: str | None
    passages: int
    documents: int
    built_at: str | None
    index: HealthIndexOut
    threshold: float
    sources: list[str] = Field(description="The indexed documents as people are shown them: paths inside the "
                                           "repository, or inside the corpus folder (never the server's absolute path).")


class ErrorOut(BaseModel):
    detail: str


#: The error responses every JSON endpoint documents.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The input was refused; `detail` says what to send instead."},
    422: {"model": ErrorOut, "description": "The body is not JSON of the documented shape."},
    429: {"model": ErrorOut, "description": "Too many requests from this client."},
}
