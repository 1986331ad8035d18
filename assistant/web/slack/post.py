"""Posting follow-up answers to a request's response_url, retrying what is worth retrying."""

from __future__ import annotations

import asyncio
import logging
import urllib.parse

import httpx

logger = logging.getLogger("assistant.slack")  # one name for the whole integration (log filters use it)

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
