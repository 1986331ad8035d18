"""Request bodies over a per-path limit are refused with 413 before anything parses them."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.responses import JSONResponse

from ..ui import human_bytes

#: JSON bodies of ask/feedback are tiny; this cap keeps a client from making the server parse megabytes.
MAX_JSON_BODY = 64 * 1024
#: Room for multipart boundaries and part headers on top of settings.max_upload_bytes.
MULTIPART_OVERHEAD = 64 * 1024


class BodyLimit:
    """Refuse request bodies over a per-path limit with 413, before anything parses them.

    A declared Content-Length over the limit is refused at once; a chunked body is counted as it
    arrives, and the read that crosses the limit raises an HTTPException(413) that FastAPI's
    handlers turn into the response.
    """

    def __init__(self, app, limits: dict[str, int]):
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send):
        limit = self.limits.get(scope.get("path", "")) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await JSONResponse({"detail": f"the request body is larger than {human_bytes(limit)}"},
                               status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, f"the request body is larger than {human_bytes(limit)}")
            return message

        await self.app(scope, counted_receive, send)
