"""The Slack endpoints: the slash command and the "Post to channel" button.

Both take the assistant and the settings from the web app's own dependencies (web/deps.py).
"""

from __future__ import annotations

import asyncio
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.background import BackgroundTask

from ...answer import Assistant, language
from ...errors import InputError
from ..deps import AssistantDep, SettingsDep, WorkersDep
from ..workers import Workers
from .post import post_to_response_url
from .render import LABELS, SHARE_ACTION_ID, escape, message, render_answer, unescape, usage
from .verify import Refused, verified_form

logger = logging.getLogger("assistant.slack")  # one name for the whole integration (log filters use it)

router = APIRouter()

_SHARE_WORDS = ("share", "共有")
_HELP_WORDS = ("help", "-h", "--help", "?", "ヘルプ", "使い方")


@router.post("/slack/commands", include_in_schema=False)
async def slack_command(request: Request, assistant: AssistantDep, settings: SettingsDep,
                        workers: WorkersDep) -> Response:
    try:
        form = await verified_form(request, settings)
    except Refused as refused:
        return refused.response
    if form.get("ssl_check") == "1":  # Slack's certificate probe: answer 200, nothing else
        return Response(status_code=200)

    command = form.get("command") or "/secqa"
    text = unescape(form.get("text", "")).strip()
    words = text.split(maxsplit=1)
    shared = bool(words) and words[0] in _SHARE_WORDS
    question = (words[1] if len(words) > 1 else "").strip() if shared else text
    if not question or question.lower() in _HELP_WORDS:
        return JSONResponse(usage(command))

    lang = language(question)
    labels = LABELS[lang]
    if len(question) > settings.max_question_chars:
        return JSONResponse(message(labels["too_long"].format(n=len(question), limit=settings.max_question_chars)))

    response_type = "in_channel" if shared else "ephemeral"
    user = form.get("user_id", "?")
    logger.info("slash command %s from user %s (team %s, channel %s)%s", command, user, form.get("team_id", "?"),
                form.get("channel_id", "?"), " [share]" if shared else "")
    # with every Slack thread taken the answer queues: waiting for it inline would only bring the
    # acknowledgement closer to Slack's 3 s, so it goes out at once and the answer follows
    inline = 0.0 if workers.busy("slack") else settings.slack_inline_seconds
    task = asyncio.ensure_future(_answer_payload(workers, assistant, question, response_type))
    done, _ = await asyncio.wait({task}, timeout=inline) if inline else (set(), None)
    if done:
        return JSONResponse(task.result())

    response_url = form.get("response_url", "")
    return JSONResponse(message(labels["searching"]),
                        background=BackgroundTask(_follow_up, task, response_url))


@router.post("/slack/interactions", include_in_schema=False)
async def slack_interaction(request: Request, assistant: AssistantDep, settings: SettingsDep,
                            workers: WorkersDep) -> Response:
    """The "Post to channel" button: re-posts the answer in the channel and removes the private copy."""
    try:
        form = await verified_form(request, settings)
    except Refused as refused:
        return refused.response
    try:
        payload = json.loads(form.get("payload", ""))
    except ValueError:
        logger.warning("signed Slack interaction without a readable payload")
        return JSONResponse({"error": "missing or unreadable payload"}, status_code=400)
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        return Response(status_code=200)  # nothing of ours; Slack only needs the 200
    actions = payload.get("actions")
    action = next((a for a in (actions if isinstance(actions, list) else [])
                   if isinstance(a, dict) and a.get("action_id") == SHARE_ACTION_ID), None)
    if action is None:
        return Response(status_code=200)  # nothing of ours; Slack only needs the 200
    question = action.get("value")
    who = payload.get("user")
    user = str(who.get("id", "?")) if isinstance(who, dict) else "?"
    response_url = payload.get("response_url")
    if not isinstance(question, str) or not question.strip() or not isinstance(response_url, str):
        logger.warning("signed Slack interaction with a malformed share action")
        return JSONResponse({"error": "malformed share action"}, status_code=400)
    logger.info("share button from user %s", user)
    task = asyncio.ensure_future(_answer_payload(workers, assistant, question, "in_channel", shared_by=user))
    return Response(status_code=200, background=BackgroundTask(_share_follow_up, task, response_url))


async def _answer_payload(workers: Workers, assistant: Assistant, question: str, response_type: str,
                          shared_by: str | None = None) -> dict:
    """The reply message: the answer, or a short error fit for the asker (never raises)."""
    lang = language(question)
    try:
        answer = await workers.run("slack", assistant.ask, question)  # threads of its own: see workers.py
    except InputError as exc:
        return message(f":x: {escape(exc.localized(lang))}")
    except Exception:
        logger.exception("answering a Slack question failed")
        return message(LABELS[lang]["failed"])
    return render_answer(answer, response_type=response_type, shared_by=shared_by, corpus=assistant.settings.corpus)


async def _follow_up(task: asyncio.Future, response_url: str) -> None:
    """Post the answer once it is ready; runs after the acknowledgement went out, and never raises."""
    try:
        payload = await task
        if payload.get("response_type", "ephemeral") == "ephemeral":
            payload["replace_original"] = True  # the answer takes the place of "Searching…", not a second message
        await post_to_response_url(response_url, payload)
    except Exception:
        logger.exception("the follow-up answer to a Slack command failed")


async def _share_follow_up(task: asyncio.Future, response_url: str) -> None:
    try:
        payload = await task
        payload["replace_original"] = False
        if await post_to_response_url(response_url, payload) and payload.get("response_type") == "in_channel":
            await post_to_response_url(response_url, {"delete_original": True})
    except Exception:
        logger.exception("sharing an answer to the channel failed")
