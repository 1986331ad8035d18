"""The operator's pages behind a token, when one is configured (ASSISTANT_ADMIN_TOKEN).

On loopback (the default) the admin pages need none: whoever reaches 127.0.0.1 runs the machine. A
server reachable by others sets a token; a browser then asks for it (HTTP Basic, any user name, the
token as password) and scripts send ``Authorization: Bearer <token>``. Compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from fastapi import HTTPException, Request

from .. import messages
from ..config import Settings


def _offered(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def check(settings: Settings, request: Request, lang: str) -> None:
    """Nothing when no token is configured or the request carries it; else a 401 that asks for it."""
    token = settings.admin_token
    if not token:
        return
    offered = _offered(request.headers.get("authorization", ""))
    if offered is not None and hmac.compare_digest(offered.encode("utf-8"), token.encode("utf-8")):
        return
    raise HTTPException(401, messages.t("web.admin_token_required", lang),
                        headers={"WWW-Authenticate": 'Basic realm="assistant admin", charset="UTF-8"'})
