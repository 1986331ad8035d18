"""Errors as JSON ``{"detail": "..."}`` with the status that says whose fault it is (see app.create_app).

The detail is in the client's language (``?lang=``, else Accept-Language: the page sends its own), so a
Japanese page never shows an English error.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from slowapi.errors import RateLimitExceeded

from .. import messages
from ..errors import AssistantError, InputError
from .ui import ui_language

log = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    """Register the handlers below on the app."""
    app.add_exception_handler(InputError, _on_input_error)
    app.add_exception_handler(AssistantError, _on_assistant_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(RateLimitExceeded, _on_rate_limited)


async def _on_input_error(request: Request, exc: InputError) -> JSONResponse:
    return JSONResponse({"detail": exc.localized(ui_language(request))}, status_code=400)


async def _on_assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
    log.error("assistant error on %s: %s", request.url.path, exc)
    return JSONResponse({"detail": exc.localized(ui_language(request))}, status_code=503)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": e.get("msg")} for e in exc.errors()]
    detail = _describe_validation(exc.errors())
    if ui_language(request) == "ja":  # the field-level sentence names JSON fields, which stay as they are
        detail = messages.t("web.error.malformed", "ja", detail=detail)
    return JSONResponse({"detail": detail, "errors": errors}, status_code=422)


async def _on_rate_limited(request: Request, exc: RateLimitExceeded) -> JSONResponse:
    retry, amount = 60, None
    try:
        retry = int(exc.limit.limit.get_expiry())  # type: ignore[union-attr]
        amount = int(exc.limit.limit.amount)  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError):
        pass
    lang = ui_language(request)
    limit = messages.t("web.error.rate_limit", lang, amount=amount, seconds=retry) if amount else str(exc.detail)
    return JSONResponse(
        {"detail": messages.t("web.error.rate_limited", lang, limit=limit, seconds=retry)},
        status_code=429, headers={"Retry-After": str(retry)},
    )


def _describe_validation(errors: list[dict]) -> str:
    """One readable sentence for FastAPI's validation errors (the raw list follows under 'errors')."""
    messages = []
    for err in errors:
        kind = err.get("type", "")
        loc = [str(x) for x in err.get("loc", ()) if x != "body"]
        field = ".".join(loc) or "body"
        if kind == "json_invalid":
            messages.append('the request body is not valid JSON; send {"question": "..."} '
                            "with Content-Type: application/json")
        elif kind in ("model_attributes_type", "dict_type") or field == "body":
            messages.append('the request body must be a JSON object, e.g. {"question": "..."}')
        elif kind == "missing":
            messages.append(f"'{field}' is missing")
        elif kind == "string_type":
            messages.append(f"'{field}' must be text (a JSON string)")
        elif kind in ("bool_type", "bool_parsing"):
            messages.append(f"'{field}' must be true or false")
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            messages.append(f"'{field}' must be a whole number")
        elif kind == "literal_error":
            messages.append(f"'{field}' {err.get('msg', 'has a value that is not allowed')}")
        else:
            messages.append(f"'{field}': {err.get('msg', 'invalid')}")
    return "; ".join(dict.fromkeys(messages)) or "the request is malformed"
