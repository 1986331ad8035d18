"""The HTML pages: the chat, the source view of a cited document, the API docs, the error page."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ... import messages
from ...answer import shown_source
from ...errors import InputError
from ..deps import AssistantDep, SettingsDep, TemplatesDep
from ..sources import StaleDocument, source_view
from ..ui import UI_TEXT, human_bytes, ui_language

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

#: Example questions on the page: the catalog's (web.example_N), questions any security questionnaire asks
#: about no vendor in particular (the corpus is configurable), in the page's language.
EXAMPLES = sorted((k for k in UI_TEXT["en"] if k.startswith("example_")), key=lambda k: int(k.rsplit("_", 1)[1]))


#: More documents than this are listed folded under their count, so the question box stays on the first screen.
DOCUMENTS_SHOWN = 8

@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, assistant: AssistantDep, settings: SettingsDep, templates: TemplatesDep):
    lang = ui_language(request)
    corpus = assistant.settings.corpus
    # each listed by its title, else by its path inside the corpus folder (never the server's absolute path);
    # the link opens it by that path too, as the answers' links do (sources.source_named maps it back)
    docs = []
    for d in sorted(assistant.index.documents.values(), key=lambda d: d.source):
        shown = shown_source(d.source, corpus)
        docs.append({"link": shown, "name": d.title or shown, "as_of": d.as_of})
    return templates.TemplateResponse(request, "chat.html", {
        "lang": lang, "t": UI_TEXT[lang], "ui_text": UI_TEXT, "examples": EXAMPLES, "documents": docs,
        "documents_shown": DOCUMENTS_SHOWN,
        "passages": len(assistant.index.passages),
        # answerAt / reviewAt: the cuts the answers are decided by, which the confidence label's bands follow
        "config": {"answerAt": assistant.threshold,
                   "reviewAt": assistant.model.review_at, "maxQuestionChars": settings.max_question_chars,
                   "maxUploadBytes": settings.max_upload_bytes,
                   "maxUploadText": human_bytes(settings.max_upload_bytes)},
    })


@router.get("/source/{source:path}", response_class=HTMLResponse)
def source_page(request: Request, source: str, assistant: AssistantDep, templates: TemplatesDep,
                start: str | None = None, end: str | None = None):
    lang = ui_language(request)
    try:
        view = source_view(assistant, source, start, end)
    except InputError as exc:
        return _error_page(request, templates, 400, exc.localized(lang))
    except StaleDocument as exc:
        log.warning("source view refused: %s", exc)
        return _error_page(request, templates, 409, exc.localized(lang))
    if view is None:
        return _error_page(request, templates, 404, messages.t("web.error.source_unknown", lang))
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


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request, templates: TemplatesDep):
    """Swagger UI from assets shipped in web/static/vendor (FastAPI's default loads them from a CDN)."""
    return templates.TemplateResponse(request, "docs.html", {"title": request.app.title})


def _error_page(request: Request, templates: Jinja2Templates, status: int, message: str) -> HTMLResponse:
    lang = ui_language(request)
    return templates.TemplateResponse(request, "error.html", {
        "lang": lang, "t": UI_TEXT[lang], "status": status, "message": message,
    }, status_code=status)
