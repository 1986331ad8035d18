"""The web chat and its JSON API (FastAPI + Jinja2 templates under ``web/``).

Routes (see also ``/docs``, served from shipped assets because the machine may have no internet):

- ``GET /``                        the chat page (with the questionnaire upload form)
- ``POST /api/ask``                ``{"question": "..."}`` -> the answer JSON of shared/contracts.md
- ``POST /api/fill``               multipart upload of a .xlsx/.csv questionnaire -> the filled file
- ``POST /api/feedback``           a verdict (helpful / wrong) on a cited passage (by passage_id), in SQLite
- ``GET /source/{source}``         an indexed document, the cited passage highlighted (?start=&end=)
- ``GET /healthz``                 model, index and corpus facts, for monitoring
- ``GET /admin/feedback``          the feedback as a table; ``.jsonl`` exports (see assistant.feedback)
- ``POST /slack/commands``         the Slack slash command (assistant.slack)

Security model: there is **no authentication**. The admin pages show what users typed and are meant
for the operator on a trusted network; ``assistant serve`` binds to 127.0.0.1 by default, so exposing
the server (``--host 0.0.0.0``) is a deliberate choice that should come with a reverse proxy that
authenticates. Everything else is read-only over the indexed documents: the source view looks
documents up in the index by name and never opens a path taken from the URL. Every response carries
security headers (a CSP without inline script, nosniff, no framing, no referrer); pages build the DOM
with textContent, never innerHTML, so quoted text is shown, never run. The ask, fill and feedback
endpoints are rate-limited per client address (``settings.rate_limit``); X-Forwarded-For is believed
only from ``settings.trusted_proxies`` (none by default), so a client cannot make up its address. A Host
header not in ``settings.allowed_hosts`` is refused (DNS rebinding), and a POST a browser sends from a page
of another site is refused (assistant.middleware.same_origin); Slack's requests are signed instead.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
import threading
import urllib.parse
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field
from secure import (
    ContentSecurityPolicy,
    CrossOriginOpenerPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    XContentTypeOptions,
    XFrameOptions,
)
from secure.middleware import SecureASGIMiddleware
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from . import __version__, messages, slack
from .answer import Assistant, get_assistant, language, require_utf8, validate_question
from .config import PROJECT_ROOT, Settings, get_settings
from .corpus import Passage
from .errors import AssistantError, InputError
from .answer_ids import AnswerIds
from .feedback import FeedbackStore
from .middleware.same_origin import SameOrigin

log = logging.getLogger(__name__)

WEB_DIR = PROJECT_ROOT / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

#: JSON bodies of ask/feedback are tiny; this cap keeps a client from making the server parse megabytes.
MAX_JSON_BODY = 64 * 1024
#: Room for multipart boundaries and part headers on top of settings.max_upload_bytes.
_MULTIPART_OVERHEAD = 64 * 1024
_FILL_SUFFIXES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
}
_DOCS_PATHS = frozenset({"/docs"})

#: Example questions on the page: the kind any security questionnaire asks, in both languages, and
#: about no vendor in particular (the corpus is configurable).
EXAMPLES = [
    "SCIMに対応していますか？",
    "What is the minimum password length?",
    "データセンターの所在地は？",
    "Is two-factor authentication supported?",
    "パスワードポリシーは？",
    "Is the service registered under ISMAP?",
]

#: UI text in both languages, from the one catalog (messages/<lang>/web.json); the page renders one and
#: app.js receives both as JSON and switches with the toggle.
UI_TEXT: dict[str, dict[str, str]] = {lang: messages.area(lang, "web") for lang in ("ja", "en")}

# what a reviewer should check, from the one catalog (abstain.reasons gives the codes)
for _lang in UI_TEXT:
    for _code in ("missing_terms", "partial_match", "signals_disagree", "close_alternatives", "other_language", "confirm"):
        UI_TEXT[_lang][f"reason_{_code}"] = messages.t(f"answer.reason.{_code}", _lang)
    for _v in ("yes", "no", "unclear"):
        UI_TEXT[_lang][f"verdict_{_v}"] = messages.t(f"answer.verdict.{_v}", _lang)


# --------------------------------------------------------------------------------------------------
# Request bodies and documented responses
# --------------------------------------------------------------------------------------------------


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


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The input was refused; `detail` says what to send instead."},
    422: {"model": ErrorOut, "description": "The body is not JSON of the documented shape."},
    429: {"model": ErrorOut, "description": "Too many requests from this client."},
}


# --------------------------------------------------------------------------------------------------
# Dependencies
# --------------------------------------------------------------------------------------------------


def _get_assistant(request: Request) -> Assistant:
    assistant = request.app.state.assistant
    if assistant is None:  # only while the lifespan is still loading it
        raise HTTPException(503, "the assistant is still loading its model and index; retry in a few seconds")
    return assistant


def _get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _get_store(request: Request) -> FeedbackStore:
    return request.app.state.feedback


def _get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


AssistantDep = Annotated[Assistant, Depends(_get_assistant)]
SettingsDep = Annotated[Settings, Depends(_get_settings)]
StoreDep = Annotated[FeedbackStore, Depends(_get_store)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_get_templates)]


# --------------------------------------------------------------------------------------------------
# Core logic the routes call (no HTTP in here)
# --------------------------------------------------------------------------------------------------


def ui_language(request: Request) -> str:
    """The page's initial language: ?lang= wins, then the browser's first preference."""
    wanted = request.query_params.get("lang", "")
    if wanted in UI_TEXT:
        return wanted
    return messages.preferred(request.headers.get("accept-language")).value


def health(assistant: Assistant) -> dict:
    manifest = assistant.index.manifest
    return {
        "status": "ok",
        "version": __version__,
        "model": assistant.embedder.spec,
        "runtime": getattr(assistant.embedder, "runtime", None),
        "passages": len(assistant.index.passages),
        "documents": len(assistant.index.documents),
        "built_at": manifest.get("built_at"),
        "index": {
            "key": manifest.get("key"),
            "built_at": manifest.get("built_at"),
            "folder": str(assistant.index.folder),
        },
        "threshold": assistant.threshold,
        "sources": sorted(assistant.index.documents),
    }


def verified_passage(assistant: Assistant, passage_id: int | None, quote: str | None,
                     source: str | None) -> Passage | None:
    """The indexed passage feedback is about, or None when it names none; InputError when it names a
    passage the index does not hold, or sends a quote/source that is not that passage's.

    Feedback becomes evaluation labels, so its quote must be one the assistant can actually cite: it is
    taken from the index, never from the request.
    """
    if passage_id is None:
        if quote is not None or source is not None:
            raise InputError("send the citation's 'passage_id' (from /api/ask): quotes are taken from the "
                             "index, not from the request")
        return None
    passages = assistant.index.passages
    passage = passages[passage_id] if 0 <= passage_id < len(passages) else None
    if passage is None or passage.id != passage_id:
        raise InputError(f"passage_id {passage_id} is not in the index (it holds passages 0-{len(passages) - 1}); "
                         "send the passage_id of a citation from /api/ask")
    if quote is not None and quote != passage.text:
        raise InputError(f"the quote is not the text of passage {passage_id}; send only its passage_id")
    if source is not None and source != passage.source:
        raise InputError(f"passage {passage_id} is from {passage.source!r}, not {source[:200]!r}")
    return passage


def _parse_offset(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        raise InputError(f"'{name}' must be a character offset (a non-negative whole number), not {value[:40]!r}")
    return int(value)


class StaleDocument(Exception):
    """The file on disk is no longer the text the index was built from (changed, unreadable or gone)."""

    def __init__(self, source: str, why: str):
        super().__init__(f"{source}: the document changed since the index was built ({why}), so the "
                         "highlighted offsets would land on the wrong text; run `assistant index` "
                         "(or restart the server) to index it again")


def source_view(assistant: Assistant, source: str, start: str | None, end: str | None) -> dict | None:
    """What the source page shows: the document cut around the highlighted range.

    Returns None for a source the index does not hold: only indexed documents can be shown, looked up
    by name, so no path from the URL is ever opened. Raises InputError for offsets outside the text,
    and StaleDocument when the file is not the text the index holds (its sha256 differs): the
    citations' offsets count characters of the indexed text.
    """
    doc = assistant.document(source)
    if doc is None:
        return None
    try:
        text = assistant.source_text(source)
    except UnicodeDecodeError:
        raise StaleDocument(source, "it is no longer UTF-8 text") from None
    except OSError as exc:
        raise StaleDocument(source, f"it cannot be read: {exc.strerror or type(exc).__name__}") from None
    if text is None:
        return None
    # DocInfo.sha256 hashes the decoded text (corpus.parse_document), not the file's bytes
    if hashlib.sha256(text.encode()).hexdigest() != doc.sha256:
        raise StaleDocument(source, "its content differs")
    lo, hi = _parse_offset(start, "start"), _parse_offset(end, "end")
    if (lo is None) != (hi is None):
        raise InputError("give both 'start' and 'end' (character offsets of the passage), or neither")
    section: list[str] = []
    where: dict = {}
    if lo is not None and hi is not None:
        if not lo < hi <= len(text):
            raise InputError(f"the range {lo}-{hi} is outside the document (0-{len(text)}); "
                             "follow a link from an answer instead")
        for p in assistant.index.passages:
            if p.source == source and p.start <= lo and hi <= p.end:
                section = list(p.section)
                where = {"page": p.page, "sheet": p.sheet, "row": p.row}
                break
        before, passage, after = text[:lo], text[lo:hi], text[hi:]
    else:
        before, passage, after = text, "", ""
    return {
        "source": source, "title": doc.title, "as_of": doc.as_of, "chars": len(text),
        "before": before, "passage": passage, "after": after, "start": lo, "end": hi, "section": section,
        "format": doc.format, "extracted": doc.text is not None, **{k: where.get(k) for k in ("page", "sheet", "row")},
    }


def _describe_validation(errors: list[dict]) -> str:
    """One readable sentence for FastAPI's validation errors (the raw list follows under 'errors')."""
    messages = []
    for err in errors:
        kind = err.get("type", "")
        loc = [str(x) for x in err.get("loc", ()) if x != "body"]
        field = ".".join(loc) or "body"
        if kind == "json_invalid":
            messages.append('the request body is not valid JSON; send {"question": "..."} '
                            "with Content-Type: application/json")
        elif kind in ("model_attributes_type", "dict_type") or field == "body":
            messages.append('the request body must be a JSON object, e.g. {"question": "..."}')
        elif kind == "missing":
            messages.append(f"'{field}' is missing")
        elif kind == "string_type":
            messages.append(f"'{field}' must be text (a JSON string)")
        elif kind in ("bool_type", "bool_parsing"):
            messages.append(f"'{field}' must be true or false")
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            messages.append(f"'{field}' must be a whole number")
        elif kind == "literal_error":
            messages.append(f"'{field}' {err.get('msg', 'has a value that is not allowed')}")
        else:
            messages.append(f"'{field}': {err.get('msg', 'invalid')}")
    return "; ".join(dict.fromkeys(messages)) or "the request is malformed"


def _attachment(filename: str) -> str:
    """A Content-Disposition that survives any filename (Japanese ones included, RFC 6266/5987)."""
    path = Path(filename)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_-") or "download"
    suffix = path.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", path.suffix) else ""
    quoted = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{stem}{suffix}\"; filename*=UTF-8''{quoted}"


def _human_bytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


# --------------------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)
system = APIRouter(tags=["system"])
admin = APIRouter(prefix="/admin", tags=["admin (operator only, no auth)"])


@pages.get("/", response_class=HTMLResponse)
def chat_page(request: Request, assistant: AssistantDep, settings: SettingsDep, templates: TemplatesDep):
    lang = ui_language(request)
    docs = sorted(assistant.index.documents.values(), key=lambda d: d.source)
    return templates.TemplateResponse(request, "chat.html", {
        "lang": lang, "t": UI_TEXT[lang], "ui_text": UI_TEXT, "examples": EXAMPLES, "documents": docs,
        "passages": len(assistant.index.passages),
        "config": {"threshold": assistant.threshold, "maxQuestionChars": settings.max_question_chars,
                   "maxUploadBytes": settings.max_upload_bytes,
                   "maxUploadText": _human_bytes(settings.max_upload_bytes)},
    })


@pages.get("/source/{source:path}", response_class=HTMLResponse)
def source_page(request: Request, source: str, assistant: AssistantDep, templates: TemplatesDep,
                start: str | None = None, end: str | None = None):
    lang = ui_language(request)
    try:
        view = source_view(assistant, source, start, end)
    except InputError as exc:
        return _error_page(request, templates, 400, str(exc))
    except StaleDocument as exc:
        log.warning("source view refused: %s", exc)
        return _error_page(request, templates, 409, str(exc))
    if view is None:
        return _error_page(request, templates, 404,
                           "no indexed document has this name; open sources from the links in an answer")
    return templates.TemplateResponse(request, "source.html", {
        "lang": lang, "t": UI_TEXT[lang], "doc": view, "where": _where_text(view, lang),
        "extracted": UI_TEXT[lang]["extracted"].format(format=(view["format"] or "").upper()) if view["extracted"] else "",
    })


def _where_text(view: dict, lang: str) -> str:
    """The highlighted passage's page, or sheet and row, as the answer text writes them."""
    out = ""
    if view.get("page"):
        out += messages.t("answer.page", lang, page=view["page"])
    if view.get("sheet"):
        out += messages.t("answer.sheet_row", lang, sheet=view["sheet"], row=view.get("row") or "")
    elif view.get("row"):
        out += messages.t("answer.row", lang, row=view["row"])
    return out.lstrip(" ,")


@pages.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request, templates: TemplatesDep):
    """Swagger UI from assets shipped in web/static/vendor (FastAPI's default loads them from a CDN)."""
    return templates.TemplateResponse(request, "docs.html", {"title": request.app.title})


def _error_page(request: Request, templates: Jinja2Templates, status: int, message: str) -> HTMLResponse:
    lang = ui_language(request)
    return templates.TemplateResponse(request, "error.html", {
        "lang": lang, "t": UI_TEXT[lang], "status": status, "message": message,
    }, status_code=status)


@system.get("/healthz")
def healthz(assistant: AssistantDep) -> dict:
    """Liveness plus what is being served: model, index build, corpus size."""
    return health(assistant)


@admin.get("/feedback", response_class=HTMLResponse)
def feedback_table(request: Request, store: StoreDep, templates: TemplatesDep):
    """All feedback, newest first (operator view; no authentication, see the module docstring)."""
    lang = ui_language(request)
    records = store.records(newest_first=True, limit=2000)
    return templates.TemplateResponse(request, "admin_feedback.html", {
        "lang": lang, "t": UI_TEXT[lang], "records": records,
    })


def _jsonl(lines: list[dict], filename: str) -> Response:
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return Response(body, media_type="application/x-ndjson; charset=utf-8",
                    headers={"Content-Disposition": _attachment(filename)})


@admin.get("/feedback.jsonl")
def feedback_eval_set(store: StoreDep) -> Response:
    """Feedback that labels questions, as evaluation-set lines (see assistant.feedback)."""
    return _jsonl(store.eval_lines(), "feedback-eval.jsonl")


@admin.get("/feedback-needs-label.jsonl")
def feedback_needs_label(store: StoreDep) -> Response:
    """'Wrong' verdicts, for a person to label (their `expected` is null on purpose)."""
    return _jsonl(store.label_lines(), "feedback-needs-label.jsonl")


def _api_router(limiter: Limiter, rate_limit: str) -> APIRouter:
    """The rate-limited endpoints; built per app because slowapi binds limits at decoration time."""
    api = APIRouter(prefix="/api", tags=["api"])

    @api.post("/ask", responses={200: {"model": AnswerOut}, **_ERRORS})
    @limiter.limit(rate_limit)
    async def ask(request: Request, body: AskRequest, assistant: AssistantDep) -> JSONResponse:
        """Answer one question with a verbatim quote, or say it is not documented."""
        answer = await run_in_threadpool(assistant.ask, body.question)
        return JSONResponse({**answer.to_dict(), "answer_id": request.app.state.answer_ids.sign(answer)})

    @api.post("/feedback", status_code=201, responses=_ERRORS)
    @limiter.limit(rate_limit)
    async def feedback(request: Request, body: FeedbackIn, store: StoreDep, settings: SettingsDep,
                       assistant: AssistantDep) -> dict:
        """Record whether an answer was helpful or wrong (it feeds the evaluation set).

        Name the cited passage by its `passage_id`; its quote, source and offsets are taken from the index.
        """
        question = validate_question(body.question, settings.max_question_chars)
        signed = request.app.state.answer_ids.verify(body.answer_id, question)
        if body.passage_id is not None and body.passage_id != signed.passage_id:
            raise InputError("the passage_id is not the passage this answer cited; send the answer_id and the "
                             "first citation's passage_id from /api/ask")
        p = verified_passage(assistant, signed.passage_id, body.quote, body.source)
        new_id = await run_in_threadpool(
            store.add, question=question, answered=signed.answered, verdict=body.verdict,
            comment=require_utf8(body.comment.strip(), "comment"), lang=language(question), passage_id=p.id if p else None,
            quote=p.text if p else None, source=p.source if p else None,
            start=p.start if p else None, end=p.end if p else None,
        )
        if new_id is None:  # the database is locked or full: queued, stored with the next verdict that can be
            return JSONResponse({"id": None, "status": "queued"}, status_code=202)
        return {"id": new_id, "status": "recorded"}

    @api.post("/fill", responses={
        200: {"description": "The filled questionnaire, as a download.",
              "content": {mt: {} for mt in _FILL_SUFFIXES.values()}},
        413: {"model": ErrorOut, "description": "The file is larger than the upload limit."},
        **_ERRORS,
    })
    @limiter.limit(rate_limit)
    async def fill(request: Request, file: Annotated[UploadFile, File(description="A .xlsx or .csv questionnaire.")],
                   assistant: AssistantDep, settings: SettingsDep,
                   column: Annotated[str | None, Form(max_length=200, description="Header of the question column, "
                                                      "when it is not found by itself.")] = None) -> Response:
        """Fill a whole questionnaire: each question gets an answer, its quote, source and confidence."""
        from . import fill as fill_mod  # imported late: the filler is optional for the chat

        # The name goes to the filler as sent: fill_bytes cleans it (folders, header-breaking characters)
        # and judges the type. The size is checked here too, only because the read must stop at the
        # limit and an oversized upload is a 413 (fill_bytes' own check answers 400).
        filename = file.filename or ""
        data = await file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise HTTPException(413, f"the file is larger than {_human_bytes(settings.max_upload_bytes)}; "
                                     "split the questionnaire")
        if not data:
            raise InputError("the uploaded file is empty")
        lang = ui_language(request)
        slots: threading.BoundedSemaphore = request.app.state.fill_slots
        if not slots.acquire(blocking=False):  # a fill holds a worker for minutes: never queue them up
            return JSONResponse({"detail": UI_TEXT[lang]["fill_busy"]}, status_code=503, headers={"Retry-After": "30"})
        try:
            out, out_name, summary = await run_in_threadpool(
                functools.partial(fill_mod.fill_bytes, assistant, data, filename,
                                  column=(column or "").strip() or None, column_hint=UI_TEXT[lang]["fill_column_hint"]))
        finally:
            slots.release()
        media = _FILL_SUFFIXES.get(Path(out_name).suffix.lower(), "application/octet-stream")
        summary_json = json.dumps(dataclasses.asdict(summary), ensure_ascii=True)
        return Response(out, media_type=media, headers={
            "Content-Disposition": _attachment(out_name), "X-Fill-Summary": summary_json,
        })

    return api


# --------------------------------------------------------------------------------------------------
# Error handlers
# --------------------------------------------------------------------------------------------------


async def _on_input_error(request: Request, exc: InputError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=400)


async def _on_assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
    log.error("assistant error on %s: %s", request.url.path, exc)
    return JSONResponse({"detail": str(exc)}, status_code=503)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": e.get("msg")} for e in exc.errors()]
    return JSONResponse({"detail": _describe_validation(exc.errors()), "errors": errors}, status_code=422)


async def _on_rate_limited(request: Request, exc: RateLimitExceeded) -> JSONResponse:
    retry = 60
    try:
        retry = int(exc.limit.limit.get_expiry())  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError):
        pass
    return JSONResponse(
        {"detail": f"too many requests from this client (limit {exc.detail}); wait a little and try again"},
        status_code=429, headers={"Retry-After": str(retry)},
    )


# --------------------------------------------------------------------------------------------------
# Middleware (pure ASGI: they see every response, errors and static files included)
# --------------------------------------------------------------------------------------------------


def _csp(*, docs: bool = False) -> ContentSecurityPolicy:
    csp = (ContentSecurityPolicy().default_src("'self'").script_src("'self'").style_src("'self'")
           .img_src("'self'").connect_src("'self'").font_src("'self'").object_src("'none'")
           .base_uri("'none'").form_action("'self'").frame_ancestors("'none'"))
    if docs:  # Swagger UI draws its icons as data: SVG images; nothing else needs relaxing
        csp.img_src("'self'", "data:")
    return csp


def security_headers(*, docs: bool = False) -> Secure:
    return Secure(
        csp=_csp(docs=docs),
        xcto=XContentTypeOptions().nosniff(),
        referrer=ReferrerPolicy().no_referrer(),
        xfo=XFrameOptions().deny(),
        coop=CrossOriginOpenerPolicy().same_origin(),
        permissions=PermissionsPolicy().geolocation().camera().microphone().payment().usb(),
    )


class _SecurityHeaders:
    """Strict headers everywhere; the Swagger UI page alone gets the small relaxation it needs."""

    def __init__(self, app):
        self._strict = SecureASGIMiddleware(app, secure=security_headers())
        self._docs = SecureASGIMiddleware(app, secure=security_headers(docs=True))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("path") in _DOCS_PATHS:
            await self._docs(scope, receive, send)
        else:
            await self._strict(scope, receive, send)


class _InternalErrors:
    """Answer an unexpected exception with a JSON 500 *inside* the security headers, then re-raise.

    Starlette's own 500 page is produced outside all user middleware, so it would go out without the
    headers; re-raising keeps the traceback in the server log.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if scope["type"] != "http" or started:
                raise
            await JSONResponse({"detail": "internal error; the server log has the details"},
                               status_code=500)(scope, receive, send)
            raise


class _BodyLimit:
    """Refuse request bodies over a per-path limit with 413, before anything parses them.

    A declared Content-Length over the limit is refused at once; a chunked body is counted as it
    arrives, and the read that crosses the limit raises an HTTPException(413) that FastAPI's
    handlers turn into the response.
    """

    def __init__(self, app, limits: dict[str, int]):
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send):
        limit = self.limits.get(scope.get("path", "")) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await JSONResponse({"detail": f"the request body is larger than {_human_bytes(limit)}"},
                               status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, f"the request body is larger than {_human_bytes(limit)}")
            return message

        await self.app(scope, counted_receive, send)


# --------------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------------


#: Worker threads that answer at once. Answers are CPU-bound (the model runs on one core per run, the
#: rest holds the GIL), so more threads only add latency and memory: each thread that ever allocated
#: keeps its own malloc arena. Requests beyond this wait in the event loop, which costs nothing.
ANSWER_THREADS = 4


@asynccontextmanager
async def _lifespan(app: FastAPI):
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = ANSWER_THREADS
    slack.check_configuration(app.state.settings)  # logs clearly when the Slack endpoint will refuse all
    if app.state.assistant is None:
        app.state.assistant = await run_in_threadpool(get_assistant, app.state.settings)
    yield


def uvicorn_options(settings: Settings) -> dict:
    """How uvicorn is run: forwarded headers believed only from configured proxies (never by default)."""
    if settings.trusted_proxies:
        return {"proxy_headers": True, "forwarded_allow_ips": ",".join(settings.trusted_proxies)}
    return {"proxy_headers": False}


def create_app(assistant: Assistant | None = None, settings: Settings | None = None) -> FastAPI:
    """The web app. Without an assistant, the lifespan loads the per-process one for `settings`."""
    settings = settings or (assistant.settings if assistant is not None else get_settings())
    app = FastAPI(
        title="Security questionnaire assistant",
        version=__version__,
        description="Answers security-questionnaire questions by quoting vendor documents verbatim, "
                    "or says they are not documented. No authentication: run it on a trusted network.",
        docs_url=None, redoc_url=None, lifespan=_lifespan,
    )
    app.state.assistant = assistant
    app.state.settings = settings
    app.state.feedback = FeedbackStore(settings.feedback_db)
    app.state.answer_ids = AnswerIds(settings.secret_key)
    app.state.fill_slots = threading.BoundedSemaphore(settings.max_concurrent_fills)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
    app.state.templates = Jinja2Templates(env=env)

    limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")
    app.state.limiter = limiter

    app.add_exception_handler(InputError, _on_input_error)
    app.add_exception_handler(AssistantError, _on_assistant_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(RateLimitExceeded, _on_rate_limited)

    app.include_router(pages)
    app.include_router(_api_router(limiter, settings.rate_limit))
    app.include_router(system)
    app.include_router(admin)
    from .slack import router as slack_router

    app.include_router(slack_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.add_middleware(_BodyLimit, limits={
        "/api/ask": MAX_JSON_BODY, "/api/feedback": MAX_JSON_BODY,
        "/api/fill": settings.max_upload_bytes + _MULTIPART_OVERHEAD,
    })
    app.add_middleware(SameOrigin)
    app.add_middleware(_InternalErrors)
    # a Host the server is not known by is a DNS-rebinding page or a misrouted request
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(_SecurityHeaders)  # outermost: every response gets the headers
    return app
