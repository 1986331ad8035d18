"""Request bodies over a per-path limit are refused with 413 before anything parses them."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from ... import messages
from ..ui import human_bytes, ui_language

#: JSON bodies of ask/feedback are tiny; this cap keeps a client from making the server parse megabytes.
MAX_JSON_BODY = 64 * 1024
#: Room for multipart boundaries and part headers on top of settings.max_upload_bytes.
MULTIPART_OVERHEAD = 64 * 1024


class BodyLimit:
    """Refuse request bodies over a per-path limit with 413, before anything parses them.

    A declared Content-Length over the limit is refused at once; a chunked body is counted as it
    arrives, and the read that crosses the limit raises an HTTPException(413) that FastAPI's
    handlers turn into the response. Either way the sentence is in the client's language (ui_language:
    ``?lang=``, else Accept-Language) and fits all the limited paths (a question, feedback, an upload).
    """

    def __init__(self, app, limits: dict[str, int]):
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send):
        limit = self.limits.get(scope.get("path", "")) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return

        def too_large() -> str:  # in the client's language; worked out only when refusing
            return messages.t("web.error.body_too_large", ui_language(Request(scope)), limit=human_bytes(limit))

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await JSONResponse({"detail": too_large()}, status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, too_large())
            return message

        await self.app(scope, counted_receive, send)
