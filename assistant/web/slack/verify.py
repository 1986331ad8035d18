"""Request verification: nothing answers a Slack request before its signature checks out.

Without a signing secret the endpoints refuse everything (they never run open).
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from slack_sdk.signature import Clock, SignatureVerifier

from ... import messages
from ...config import Settings

logger = logging.getLogger("assistant.slack")  # one name for the whole integration (log filters use it)

#: Slack's requests are a few KB; anything much larger is not from Slack and is refused unread.
MAX_BODY_BYTES = 64 * 1024
#: Slack rejects requests whose timestamp is further than this from now (replays).
MAX_CLOCK_SKEW_SECONDS = 5 * 60
_FORM = "application/x-www-form-urlencoded"
#: A request is refused before anyone is known to have sent it, so without a reader's language: English.
_LANG = "en"


def _refusal(status: int, key: str, **values) -> Refused:
    return Refused(JSONResponse({"error": messages.t(f"slack.{key}", _LANG, **values)}, status_code=status))


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


class Refused(Exception):
    def __init__(self, response: Response):
        self.response = response


async def verified_form(request: Request, settings: Settings) -> dict[str, str]:
    """The request's form fields once its signature, timestamp and content type check out."""
    client = request.client.host if request.client else "?"
    secret = _secret(settings)
    if secret is None:
        if not getattr(request.app.state, "_slack_unconfigured_logged", False):
            request.app.state._slack_unconfigured_logged = True
            logger.error("refused Slack request from %s: SLACK_SIGNING_SECRET is not set; set it and restart", client)
        raise _refusal(503, "refused_unconfigured")

    body = await _read_body(request)
    if body is None:
        logger.warning("refused Slack request from %s: body larger than %d bytes", client, MAX_BODY_BYTES)
        raise _refusal(413, "refused_too_large")

    problem = _signature_problem(secret, body, request.headers.get("x-slack-request-timestamp"),
                                 request.headers.get("x-slack-signature"))
    if problem:
        logger.warning("refused Slack request from %s to %s: %s", client, request.url.path, problem.reason)
        # a request signed with the right secret at the wrong time is the server's clock (or a replay):
        # saying so tells the operator what to fix, where "invalid signature" sent them to the secret
        if problem.clock:
            raise _refusal(401, "refused_clock", minutes=MAX_CLOCK_SKEW_SECONDS // 60)
        raise _refusal(401, "refused_signature")

    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != _FORM:
        logger.warning("refused signed Slack request from %s: content type %r", client, content_type)
        raise _refusal(415, "refused_content_type", content_type=_FORM)
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                                       max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        logger.warning("refused signed Slack request from %s: unreadable form body", client)
        raise _refusal(400, "refused_form") from None
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


@dataclass(frozen=True)
class Problem:
    """Why a request is refused (for the log); CLOCK when it is signed with the secret but its timestamp
    is outside the allowed skew (a replay, or this server's clock is off)."""

    reason: str
    clock: bool = False


class _At(Clock):
    """A clock stopped at a request's own timestamp: slack_sdk then checks the HMAC alone."""

    def __init__(self, sent: int):
        self.sent = sent

    def now(self) -> float:
        return float(self.sent)


def _signature_problem(secret: str, body: bytes, timestamp: str | None, signature: str | None) -> Problem | None:
    """Why the request is not Slack's (missing, wrong or stale signature), or None when it is.

    The HMAC itself is slack_sdk's (v0, SHA-256, constant-time comparison); the checks before it only
    give the log a precise reason and keep malformed headers from raising inside slack_sdk. The HMAC is
    checked before the timestamp, so that a stale or future timestamp is told apart (Problem.clock) only
    for a request signed with the secret: a wrong secret is a wrong signature whatever its time.
    """
    if not timestamp or not signature:
        return Problem("missing X-Slack-Request-Timestamp or X-Slack-Signature header")
    try:
        sent = int(timestamp)
    except ValueError:
        return Problem("malformed timestamp")
    if not signature.startswith("v0=") or len(signature) != 67:
        return Problem("malformed signature")
    try:
        body_text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Problem("body is not UTF-8")
    if not SignatureVerifier(secret, clock=_At(sent)).is_valid(body=body_text, timestamp=timestamp, signature=signature):
        return Problem("signature mismatch")
    skew = time.time() - sent
    if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
        return Problem(f"timestamp {'too old' if skew > 0 else 'in the future'} ({abs(skew):.0f} s off; "
                       "possible replay, or the server's clock is off)", clock=True)
    return None
