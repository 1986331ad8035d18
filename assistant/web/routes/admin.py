"""The operator's pages: the feedback as a table, and its JSON Lines exports (behind ASSISTANT_ADMIN_TOKEN
when one is set: web/admin_auth.py; see the security model in assistant/web/__init__.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from .. import admin_auth
from ..deps import SettingsDep, StoreDep, TemplatesDep
from ..downloads import jsonl
from ..ui import UI_TEXT, ui_language



async def _operator(request: Request, settings: SettingsDep) -> None:
    admin_auth.check(settings, request, ui_language(request))


router = APIRouter(prefix="/admin", tags=["admin (operator only; ASSISTANT_ADMIN_TOKEN when set)"],
                   dependencies=[Depends(_operator)])


@router.get("/feedback", response_class=HTMLResponse)
def feedback_table(request: Request, store: StoreDep, templates: TemplatesDep):
    """All feedback, newest first (operator view; see the module docstring for its authentication)."""
    lang = ui_language(request)
    records = store.records(newest_first=True, limit=2000)
    return templates.TemplateResponse(request, "admin_feedback.html", {
        "lang": lang, "t": UI_TEXT[lang], "records": records,
    })


@router.get("/feedback.jsonl")
def feedback_eval_set(store: StoreDep) -> Response:
    """Feedback that labels questions, as evaluation-set lines (see assistant.feedback)."""
    return jsonl(store.eval_lines(), "feedback-eval.jsonl")


@router.get("/feedback-needs-label.jsonl")
def feedback_needs_label(store: StoreDep) -> Response:
    """'Wrong' verdicts, for a person to label (their `expected` is null on purpose)."""
    return jsonl(store.label_lines(), "feedback-needs-label.jsonl")
