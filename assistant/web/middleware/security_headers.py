"""Strict security headers on every response: a CSP without inline script, nosniff, no framing, no referrer."""

from __future__ import annotations

from secure import (
    ContentSecurityPolicy,
    CrossOriginOpenerPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    XContentTypeOptions,
    XFrameOptions,
)
from secure.middleware import SecureASGIMiddleware

#: The Swagger UI page (routes/pages.py), the one page whose CSP is relaxed a little.
DOCS_PATHS = frozenset({"/docs"})


def _csp(*, docs: bool = False) -> ContentSecurityPolicy:
    csp = (ContentSecurityPolicy().default_src("'self'").script_src("'self'").style_src("'self'")
           .img_src("'self'").connect_src("'self'").font_src("'self'").object_src("'none'")
           .base_uri("'none'").form_action("'self'").frame_ancestors("'none'"))
    if docs:  # Swagger UI draws its icons as data: SVG images; nothing else needs relaxing
        csp.img_src("'self'", "data:")
    return csp


def security_headers(*, docs: bool = False) -> Secure:
    return Secure(
        csp=_csp(docs=docs),
        xcto=XContentTypeOptions().nosniff(),
        referrer=ReferrerPolicy().no_referrer(),
        xfo=XFrameOptions().deny(),
        coop=CrossOriginOpenerPolicy().same_origin(),
        permissions=PermissionsPolicy().geolocation().camera().microphone().payment().usb(),
    )


class SecurityHeaders:
    """Strict headers everywhere; the Swagger UI page alone gets the small relaxation it needs."""

    def __init__(self, app):
        self._strict = SecureASGIMiddleware(app, secure=security_headers())
        self._docs = SecureASGIMiddleware(app, secure=security_headers(docs=True))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("path") in DOCS_PATHS:
            await self._docs(scope, receive, send)
        else:
            await self._strict(scope, receive, send)
