"""Refuse state-changing requests that a page on another site made a browser send (CSRF).

A multipart POST or a JSON POST with a simple content type needs no CORS preflight, so without this a
page anywhere could make a visitor's browser upload a questionnaire or post feedback. Browsers say where a
request comes from (``Sec-Fetch-Site``, ``Origin``); clients that are not browsers (curl, scripts) send
neither and are let through, as are paths with their own authentication (Slack's signed requests).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse

from ... import messages
from ..ui import ui_language

_SAFE = {"GET", "HEAD", "OPTIONS"}


class SameOrigin:
    def __init__(self, app, *, exempt_prefixes: tuple[str, ...] = ("/slack/",)):
        self.app = app
        self.exempt = exempt_prefixes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in _SAFE or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if _cross_site(headers):
            lang = ui_language(Request(scope))  # ?lang= first (the page sends it), then Accept-Language
            await JSONResponse({"detail": messages.t("web.error.cross_site", lang)}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _cross_site(headers: dict[str, str]) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False  # not a browser, or a browser old enough to send neither: nothing to compare
    if origin == "null":
        return True
    return urlsplit(origin).netloc.lower() != headers.get("host", "").lower()
