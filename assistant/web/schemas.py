"""Request bodies and documented responses of the JSON API (the OpenAPI document at /docs shows them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AskRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"question": "SCIMに対応していますか？"}]})

    question: str = Field(description="The question, in Japanese or English (plain text).")


class CitationOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    quote: str
    source: str
    section: list[str]
    start: int
    end: int
    score: float
    as_of: str | None = None
    title: str | None = None


class AnswerOut(BaseModel):
    """The answer contract of shared/contracts.md (extra fields may follow)."""

    model_config = ConfigDict(extra="allow")

    question: str
    answered: bool
    answer: str
    confidence: float
    citations: list[CitationOut]
    status: str
    lang: str


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


class ErrorOut(BaseModel):
    detail: str


#: The error responses every JSON endpoint documents.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The input was refused; `detail` says what to send instead."},
    422: {"model": ErrorOut, "description": "The body is not JSON of the documented shape."},
    429: {"model": ErrorOut, "description": "Too many requests from this client."},
}
