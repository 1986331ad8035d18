"""The request dependencies, shared by the web routes and the Slack endpoints.

Everything a request needs lives on ``app.state`` (set by app.create_app and its lifespan); routes
ask for it by type with these ``Annotated`` aliases instead of reading app.state themselves. They are
``async``: FastAPI runs a plain ``def`` dependency on the thread pool, which queued every request behind
the answers being computed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from ..answer import Assistant
from ..answer_ids import AnswerIds
from ..config import Settings
from ..feedback import FeedbackStore
from .workers import Workers


async def _get_assistant(request: Request) -> Assistant:
    assistant = request.app.state.assistant
    if assistant is None:  # only while the lifespan is still loading it
        raise HTTPException(503, "the assistant is still loading its model and index; retry in a few seconds")
    return assistant


async def _get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def _get_store(request: Request) -> FeedbackStore:
    return request.app.state.feedback


async def _get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


async def _get_answer_ids(request: Request) -> AnswerIds:
    return request.app.state.answer_ids


async def _get_workers(request: Request) -> Workers:
    return request.app.state.workers


AssistantDep = Annotated[Assistant, Depends(_get_assistant)]
SettingsDep = Annotated[Settings, Depends(_get_settings)]
StoreDep = Annotated[FeedbackStore, Depends(_get_store)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_get_templates)]
AnswerIdsDep = Annotated[AnswerIds, Depends(_get_answer_ids)]
WorkersDep = Annotated[Workers, Depends(_get_workers)]
