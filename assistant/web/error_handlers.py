"""Errors as JSON ``{"detail": "..."}`` with the status that says whose fault it is (see app.create_app).

The detail is in the client's language (``?lang=``, else Accept-Language: the page sends its own), so a
Japanese page never shows an English error.
"""

from __future__ import annotations

import logging
import re

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
    return JSONResponse({"detail": describe_validation(exc.errors(), ui_language(request)), "errors": errors},
                        status_code=422)


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


#: What a JSON body looks like, named in the sentences about a body that is not one.
_EXAMPLE = '{"question": "..."}'

#: Pydantic's error types, by the catalog sentence (web.error.field_*) that says what to send instead.
_FIELD_SENTENCES = {
    "missing": "field_missing",
    "string_type": "field_text",
    "string_unicode": "field_unicode",
    "bool_type": "field_bool", "bool_parsing": "field_bool",
    "int_type": "field_int", "int_parsing": "field_int", "int_from_float": "field_int",
}


def describe_validation(errors: list[dict], lang: str) -> str:
    """FastAPI's validation errors as sentences in LANG, from the catalog (the raw list follows under
    'errors'); JSON field names are quoted as they are, since the client must send them so."""
    sentences = []
    for err in errors:
        kind = err.get("type", "")
        ctx = err.get("ctx") or {}
        loc = [str(x) for x in err.get("loc", ()) if x != "body"]
        field = ".".join(loc) or "body"
        if kind == "json_invalid":
            sentences.append(messages.t("web.error.json_invalid", lang, example=_EXAMPLE))
        elif kind in ("model_attributes_type", "dict_type") or field == "body":
            sentences.append(messages.t("web.error.not_object", lang, example=_EXAMPLE))
        elif kind in _FIELD_SENTENCES:
            sentences.append(messages.t(f"web.error.{_FIELD_SENTENCES[kind]}", lang, field=field))
        elif kind == "literal_error" and (choices := re.findall(r"'([^']*)'", str(ctx.get("expected", "")))):
            allowed = ", ".join(f"'{v}'" for v in choices)  # pydantic's "'a' or 'b'", without its English "or"
            sentences.append(messages.t("web.error.field_choice", lang, field=field, allowed=allowed))
        elif kind == "string_too_long" and "max_length" in ctx:
            sentences.append(messages.t("web.error.field_too_long", lang, field=field, max=ctx["max_length"]))
        else:
            sentences.append(messages.t("web.error.field_invalid", lang, field=field))
    # a Japanese sentence ends with its own 。; English ones are joined as one sentence
    joined = ("" if lang == "ja" else "; ").join(dict.fromkeys(sentences))
    return joined or messages.t("web.error.request_malformed", lang)
