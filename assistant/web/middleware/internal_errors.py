"""An unexpected exception becomes a JSON 500 that still carries the security headers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from ... import messages
from ..ui import ui_language


class InternalErrors:
    """Answer an unexpected exception with a JSON 500 *inside* the security headers, then re-raise.

    Starlette's own 500 page is produced outside all user middleware, so it would go out without the
    headers; re-raising keeps the traceback in the server log. The sentence is in the client's language.
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
            detail = messages.t("web.error.internal", ui_language(Request(scope)))
            await JSONResponse({"detail": detail}, status_code=500)(scope, receive, send)
            raise
