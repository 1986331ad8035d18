"""The Slack slash command (`/secqa QUESTION`) and its "Post to channel" button.

Slack signs every request with the app's signing secret; nothing here answers a request before its
signature checks out, and without a secret the endpoints refuse everything (they never run open).
Slack waits 3 seconds for an acknowledgement: the answer goes inline when ready within
`settings.slack_inline_seconds`, otherwise the request is acknowledged at once and the answer posted
to the request's `response_url` afterwards.

Replies are ephemeral (only the asker sees them) unless the asker shares them, with
`/secqa share QUESTION` or the reply's "Post to channel" button.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.parse

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from slack_sdk.signature import SignatureVerifier
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from . import messages
from .answer import Answer, Citation, language, place
from .config import Settings, get_settings
from .errors import InputError
from .types import Status

logger = logging.getLogger("assistant.slack")

router = APIRouter()

#: Where follow-up answers may be posted. A response_url comes from the request body, so without this
#: check anyone able to send us a request could make the server POST to any address (SSRF), internal
#: ones included. Requests are signed, so that takes a leaked secret, but the check costs nothing.
#: Tests point it at a local server (http://127.0.0.1:...); production keeps Slack's host.
RESPONSE_URL_PREFIXES: tuple[str, ...] = ("https://hooks.slack.com/",)
#: Posting to response_url: attempts in all, per-attempt timeout and the first back-off (doubled each time).
POST_ATTEMPTS = 4
POST_TIMEOUT_SECONDS = 5.0
RETRY_BACKOFF_SECONDS = 0.5
#: The longest Retry-After we honour on 429 (response URLs stay valid for 30 minutes).
MAX_RETRY_AFTER_SECONDS = 10.0
#: Slack's requests are a few KB; anything much larger is not from Slack and is refused unread.
MAX_BODY_BYTES = 64 * 1024
#: Slack rejects requests whose timestamp is further than this from now (replays).
MAX_CLOCK_SKEW_SECONDS = 5 * 60

#: Block Kit limits (https://api.slack.com/reference/block-kit/blocks).
SECTION_TEXT_LIMIT = 3000
#: Slack documents no length limit for a rich_text element; a quote keeps to this conservative one.
QUOTE_TEXT_LIMIT = 3000
MAX_BLOCKS = 50
FALLBACK_TEXT_LIMIT = 3000
BUTTON_VALUE_LIMIT = 2000
#: The related passages shown when the documents do not answer.
RELATED_SHOWN = 3

SHARE_ACTION_ID = "secqa_share"
_SHARE_WORDS = ("share", "共有")
_HELP_WORDS = ("help", "-h", "--help", "?", "ヘルプ", "使い方")
_FORM = "application/x-www-form-urlencoded"
_ELLIPSIS = "…"

#: Slack's wording, from the one catalog (messages/<lang>/slack.json).
_LABELS = {lang: messages.area(lang, "slack") for lang in ("ja", "en")}


# ---------------------------------------------------------------------------------------------------
# Configuration


def check_configuration(settings: Settings) -> str | None:
    """The reason the Slack endpoints will refuse every request, or None when they are usable.

    The web app calls this at start-up so a missing secret shows in the log before Slack's first call;
    it logs the reason itself (a warning) and returns it.
    """
    if _secret(settings) is None:
        message = ("Slack endpoints disabled: SLACK_SIGNING_SECRET is not set, so /slack/commands and "
                   "/slack/interactions refuse every request (503). Set it to the signing secret from the "
                   "Slack app's Basic Information page and restart.")
        logger.warning(message)
        return message
    return None


def _secret(settings: Settings) -> str | None:
    secret = getattr(settings, "slack_signing_secret", None)
    return secret if secret and secret.strip() else None


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


# ---------------------------------------------------------------------------------------------------
# Request verification


class _Refused(Exception):
    def __init__(self, response: Response):
        self.response = response


async def _verified_form(request: Request) -> dict[str, str]:
    """The request's form fields once its signature, timestamp and content type check out."""
    settings = _settings(request)
    client = request.client.host if request.client else "?"
    secret = _secret(settings)
    if secret is None:
        if not getattr(request.app.state, "_slack_unconfigured_logged", False):
            request.app.state._slack_unconfigured_logged = True
            logger.error("refused Slack request from %s: SLACK_SIGNING_SECRET is not set; set it and restart", client)
        raise _Refused(JSONResponse(
            {"error": "The Slack integration is not configured: set SLACK_SIGNING_SECRET on the server."},
            status_code=503))

    body = await _read_body(request)
    if body is None:
        logger.warning("refused Slack request from %s: body larger than %d bytes", client, MAX_BODY_BYTES)
        raise _Refused(JSONResponse({"error": "request body too large"}, status_code=413))

    reason = _signature_problem(secret, body, request.headers.get("x-slack-request-timestamp"),
                                request.headers.get("x-slack-signature"))
    if reason:
        logger.warning("refused Slack request from %s to %s: %s", client, request.url.path, reason)
        raise _Refused(JSONResponse({"error": "invalid Slack signature"}, status_code=401))

    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != _FORM:
        logger.warning("refused signed Slack request from %s: content type %r", client, content_type)
        raise _Refused(JSONResponse({"error": f"expected {_FORM}"}, status_code=415))
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                                       max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        logger.warning("refused signed Slack request from %s: unreadable form body", client)
        raise _Refused(JSONResponse({"error": "unreadable form body"}, status_code=400)) from None
    return dict(pairs)


async def _read_body(request: Request) -> bytes | None:
    """The raw body (the signature covers the exact bytes), or None once it exceeds MAX_BODY_BYTES."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _signature_problem(secret: str, body: bytes, timestamp: str | None, signature: str | None) -> str | None:
    """Why the request is not Slack's (missing, stale or wrong signature), or None when it is.

    The HMAC itself is slack_sdk's (v0, SHA-256, constant-time comparison); the checks before it only
    give the log a precise reason and keep malformed headers from raising inside slack_sdk.
    """
    if not timestamp or not signature:
        return "missing X-Slack-Request-Timestamp or X-Slack-Signature header"
    try:
        sent = int(timestamp)
    except ValueError:
        return "malformed timestamp"
    skew = time.time() - sent
    if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
        return f"timestamp {'too old' if skew > 0 else 'in the future'} ({abs(skew):.0f} s off; possible replay)"
    if not signature.startswith("v0=") or len(signature) != 67:
        return "malformed signature"
    try:
        body_text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if not SignatureVerifier(secret).is_valid(body=body_text, timestamp=timestamp, signature=signature):
        return "signature mismatch"
    return None


# ---------------------------------------------------------------------------------------------------
# Endpoints


@router.post("/slack/commands", include_in_schema=False)
async def slack_command(request: Request) -> Response:
    try:
        form = await _verified_form(request)
    except _Refused as refused:
        return refused.response
    settings = _settings(request)
    if form.get("ssl_check") == "1":  # Slack's certificate probe: answer 200, nothing else
        return Response(status_code=200)

    command = form.get("command") or "/secqa"
    text = _unescape(form.get("text", "")).strip()
    words = text.split(maxsplit=1)
    shared = bool(words) and words[0] in _SHARE_WORDS
    question = (words[1] if len(words) > 1 else "").strip() if shared else text
    if not question or question.lower() in _HELP_WORDS:
        return JSONResponse(usage(command))

    lang = language(question)
    labels = _LABELS[lang]
    if len(question) > settings.max_question_chars:
        return JSONResponse(_message(labels["too_long"].format(n=len(question), limit=settings.max_question_chars)))

    response_type = "in_channel" if shared else "ephemeral"
    user = form.get("user_id", "?")
    logger.info("slash command %s from user %s (team %s, channel %s)%s", command, user, form.get("team_id", "?"),
                form.get("channel_id", "?"), " [share]" if shared else "")
    task = asyncio.ensure_future(_answer_payload(request.app.state, settings, question, response_type))
    done, _ = await asyncio.wait({task}, timeout=settings.slack_inline_seconds)
    if done:
        return JSONResponse(task.result())

    response_url = form.get("response_url", "")
    return JSONResponse(_message(labels["searching"]),
                        background=BackgroundTask(_follow_up, task, response_url))


@router.post("/slack/interactions", include_in_schema=False)
async def slack_interaction(request: Request) -> Response:
    """The "Post to channel" button: re-posts the answer in the channel and removes the private copy."""
    try:
        form = await _verified_form(request)
    except _Refused as refused:
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
    task = asyncio.ensure_future(_answer_payload(request.app.state, _settings(request), question, "in_channel",
                                                 shared_by=user))
    return Response(status_code=200, background=BackgroundTask(_share_follow_up, task, response_url))


async def _answer_payload(state, settings: Settings, question: str, response_type: str,
                          shared_by: str | None = None) -> dict:
    """The reply message: the answer, or a short error fit for the asker (never raises)."""
    lang = language(question)
    assistant = getattr(state, "assistant", None)
    try:
        answer = await run_in_threadpool(_ask, assistant, settings, question)
    except InputError as exc:
        return _message(f":x: {_escape(str(exc))}")
    except Exception:
        logger.exception("answering a Slack question failed")
        return _message(_LABELS[lang]["failed"])
    return render_answer(answer, response_type=response_type, shared_by=shared_by)


def _ask(assistant, settings: Settings, question: str) -> Answer:
    if assistant is None:  # the app was created without one: load (once per process) in this thread
        from .answer import get_assistant

        assistant = get_assistant(settings, progress=False)
    return assistant.ask(question)


async def _follow_up(task: asyncio.Future, response_url: str) -> None:
    """Post the answer once it is ready; runs after the acknowledgement went out, and never raises."""
    try:
        payload = await task
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


# ---------------------------------------------------------------------------------------------------
# Posting to response_url


def _redact(url: str) -> str:
    """A response_url for the log: it is a bearer capability, so only its scheme and host."""
    try:
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}/…" if parts.hostname else "(no host)"
    except ValueError:
        return "(unparsable)"


def _allowed(url: str, prefixes: tuple[str, ...]) -> bool:
    return (isinstance(url, str) and url.isprintable() and " " not in url and "\\" not in url
            and any(url.startswith(p) for p in prefixes))


async def post_to_response_url(url: str, payload: dict, *, allowed_prefixes: tuple[str, ...] | None = None,
                               attempts: int | None = None, timeout: float | None = None,
                               backoff: float | None = None) -> bool:
    """POST a message to a Slack response_url, retrying transient failures; True once delivered.

    Connection errors, timeouts, 429 and 5xx are retried with exponential back-off (429 honours
    Retry-After); other refusals (an expired URL, blocks Slack rejects) are final. Every failure is
    logged, never raised: a lost follow-up must not take the server down.
    """
    prefixes = RESPONSE_URL_PREFIXES if allowed_prefixes is None else allowed_prefixes
    attempts = POST_ATTEMPTS if attempts is None else max(1, attempts)
    timeout = POST_TIMEOUT_SECONDS if timeout is None else timeout
    delay = RETRY_BACKOFF_SECONDS if backoff is None else backoff
    if not _allowed(url, prefixes):
        logger.error("not posting the answer: response_url %s is not under %s", _redact(url), ", ".join(prefixes))
        return False
    problem = ""
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        for attempt in range(1, attempts + 1):
            wait = delay
            try:
                reply = await client.post(url, json=payload)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if reply.is_success:
                    return True
                problem = f"HTTP {reply.status_code} {reply.text[:200]!r}"
                if reply.status_code != 429 and reply.status_code < 500:
                    logger.error("Slack refused the answer posted to %s (%s); not retrying", _redact(url), problem)
                    return False
                if reply.status_code == 429:
                    wait = max(delay, _retry_after(reply.headers.get("retry-after")))
            if attempt < attempts:
                logger.warning("posting the answer to %s failed (%s); retry %d/%d in %.1f s",
                               _redact(url), problem, attempt, attempts - 1, wait)
                await asyncio.sleep(wait)
                delay *= 2
    logger.error("gave up posting the answer to %s after %d attempts (last: %s)", _redact(url), attempts, problem)
    return False


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 0), 0.0), MAX_RETRY_AFTER_SECONDS)
    except ValueError:
        return 0.0


# ---------------------------------------------------------------------------------------------------
# Rendering (Block Kit)


def _escape(text: str) -> str:
    """Slack's three entities, for mrkdwn and the fallback text (rich_text quotes need no escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unescape(text: str) -> str:
    """Slack escapes &, < and > in slash-command text; the question is asked as the user typed it."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack_len(text: str) -> int:
    """Length as Slack counts it at worst (UTF-16 code units), so emoji never push a block over."""
    return len(text.encode("utf-16-le")) // 2


def _fit(raw: str, render, limit: int, notice: str) -> tuple[str, bool]:
    """render(raw) if it fits in limit, else render(longest prefix) + "…" + notice: never a silent cut."""
    full = render(raw)
    if _slack_len(full) <= limit:
        return full, False
    suffix = _ELLIPSIS + ("\n" + notice if notice else "")
    lo, hi = 0, len(raw)
    while lo < hi:  # the longest prefix whose rendering fits
        mid = (lo + hi + 1) // 2
        if _slack_len(render(raw[:mid]) + suffix) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return render(raw[:lo]) + suffix, True


def _quote_block(quote: str, lang: str, label: str = "") -> dict:
    """The passage as a rich_text quote: its text elements are literal, so the quote stays verbatim.

    A mrkdwn "> " block would turn *, _, ~ and ` in a passage into formatting (and drop the markers);
    rich_text text is shown as written, with no escaping either. A long quote keeps its longest prefix
    that fits QUOTE_TEXT_LIMIT, then "…", followed by the trimmed notice.
    """
    text, trimmed = _fit(quote, lambda q: q, QUOTE_TEXT_LIMIT, "")
    elements: list[dict] = []
    if label:
        elements.append(_rich_section(label))
    elements.append({"type": "rich_text_quote", "elements": [{"type": "text", "text": text}]})
    if trimmed:
        elements.append(_rich_section(_LABELS[lang]["trimmed"]))
    return {"type": "rich_text", "elements": elements}


def _rich_section(text: str) -> dict:
    """A line of rich text in italics (labels and notices, written without mrkdwn markers)."""
    return {"type": "rich_text_section", "elements": [{"type": "text", "text": text, "style": {"italic": True}}]}


def _plain(text: str, limit: int) -> str:
    return _fit(text, _escape, limit, "")[0]


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _location(c: Citation, lang: str, extra: str = "") -> str:
    labels = _LABELS[lang]
    section = " › ".join(c.section) if c.section else labels["top"]
    # where a person finds it: the file, and its page or sheet and row; character offsets stay in the JSON
    source = f"`{c.source}`" + place(c, lang)
    if c.title:
        source = f"{c.title} ({source})"
    if c.as_of:
        source += labels["as_of"].format(date=c.as_of)
    text = f"*{labels['section']}:* {section}  •  *{labels['source']}:* {source}{extra}"
    return _plain(text, SECTION_TEXT_LIMIT)  # the markup (*, `, •) has nothing to escape


def _percent(value: float) -> str:
    return f"{round(max(0.0, min(1.0, value)) * 100)}%"


def render_answer(answer: Answer, *, response_type: str = "ephemeral", shared_by: str | None = None,
                  share_button: bool | None = None) -> dict:
    """The Slack message for an answer: status, the verbatim quote, where it is from, how sure.

    Not-documented answers list the closest passages labelled as related, never as answers. Long
    quotes are trimmed with "…" and a notice pointing to the source; Block Kit's limits always hold.
    """
    lang = answer.lang if answer.lang in _LABELS else "en"
    labels = _LABELS[lang]
    blocks: list[dict] = []
    review = answer.status == Status.REVIEW
    status = labels["documented"] if answer.answered else labels["review"] if review else labels["not_documented"]
    if answer.verdict is not None:
        status += "  *" + messages.t(f"answer.verdict.{answer.verdict}", lang) + "*"
    head = f"{status}  ({labels['confidence']} {_percent(answer.confidence)})\n*{labels['question']}:* "
    blocks.append(_section(head + _plain(answer.question, SECTION_TEXT_LIMIT - _slack_len(head))))
    if shared_by:
        blocks.append(_context(labels["shared_by"].format(user=_escape(shared_by))))

    if answer.answered and answer.citations:
        best = answer.citations[0]
        blocks.append(_quote_block(best.quote, lang))
        blocks.append(_context(_location(best, lang)))
    elif answer.citations:
        blocks.append(_section(labels["candidates_header" if review else "related_header"]))
        for n, c in enumerate(answer.citations[:RELATED_SHOWN], start=1):
            blocks.append(_quote_block(c.quote, lang, labels["candidate" if review else "related"].format(n=n)))
            blocks.append(_context(_location(c, lang, f"  •  {labels['similarity']} {c.score:.2f}")))

    if share_button is None:
        share_button = response_type == "ephemeral"
    if share_button and _slack_len(answer.question) <= BUTTON_VALUE_LIMIT:
        blocks.append({"type": "actions", "elements": [{
            "type": "button", "action_id": SHARE_ACTION_ID, "value": answer.question,
            "text": {"type": "plain_text", "text": labels["share_button"], "emoji": True},
        }]})
    if len(blocks) > MAX_BLOCKS:  # cannot happen with RELATED_SHOWN passages, but the limit must hold
        blocks = blocks[:MAX_BLOCKS - 1] + [_context(_ELLIPSIS)]
    return {"response_type": response_type, "text": _fallback(answer, lang), "blocks": blocks}


def _fallback(answer: Answer, lang: str) -> str:
    """The notification text (and what clients without Block Kit show)."""
    labels = _LABELS[lang]
    if not (answer.answered and answer.citations):
        return _plain(answer.answer, FALLBACK_TEXT_LIMIT)
    best = answer.citations[0]
    head = ("記載あり: " if lang == "ja" else "Documented: ")
    where = " › ".join(best.section) or labels["top"]
    at = best.source + place(best, lang)
    tail = f"（{where}／{at}）" if lang == "ja" else f" ({where}; {at})"
    budget = FALLBACK_TEXT_LIMIT - _slack_len(_escape(head + tail)) - 2
    quote, _ = _fit(best.quote, _escape, budget, labels["trimmed"])
    return _escape(head) + (f"「{quote}」" if lang == "ja" else f"\"{quote}\"") + _escape(tail)


def _message(text: str) -> dict:
    return {"response_type": "ephemeral", "text": text}


def usage(command: str = "/secqa") -> dict:
    """How to use the command, with examples (ephemeral)."""
    c = _escape(command)
    text = (
        f"*{c}* — セキュリティ質問にドキュメントの記載をそのまま引用して答えます / answers security "
        "questions by quoting the documents verbatim.\n"
        f"• `{c} 質問` / `{c} QUESTION` — 回答はあなたにだけ表示 / only you see the answer\n"
        f"• `{c} share 質問` — 回答をチャンネルに投稿 / post the answer to the channel "
        "(or press *チャンネルに投稿 / Post to channel* under an answer)\n"
        f"• `{c} help` — この説明 / this help\n"
        "*例 / Examples*\n"
        f"• `{c} SCIMに対応していますか？`\n"
        f"• `{c} Is data encrypted at rest?`\n"
        f"• `{c} share データセンターはどこにありますか？`\n"
        "記載がなければ「記載なし」と答え、近い箇所を参考として示します（回答ではありません）。"
        " / When the documents are silent it says *Not documented* and lists the closest passages, "
        "for reference only."
    )
    return {"response_type": "ephemeral", "text": text, "blocks": [_section(text)]}
