"""The web chat and its JSON API (FastAPI + Jinja2 templates under ``web/``).

Routes (see also ``/docs``, served from shipped assets because the machine may have no internet):

- ``GET /``                        the chat page (with the questionnaire upload form)
- ``POST /api/ask``                ``{"question": "..."}`` -> the answer JSON of shared/contracts.md
- ``POST /api/fill``               multipart upload of a .xlsx/.csv questionnaire -> the filled file
- ``POST /api/feedback``           a verdict (helpful / wrong) on a cited passage (by passage_id), in SQLite
- ``GET /source/{source}``         an indexed document, the cited passage highlighted (?start=&end=)
- ``GET /healthz``                 model, index and corpus facts, for monitoring
- ``GET /admin/feedback``          the feedback as a table; ``.jsonl`` exports (see assistant.feedback)
- ``POST /slack/commands``         the Slack slash command (assistant.web.slack)

Security model: the chat has no login. The admin pages show what users typed and are meant for the
operator; ``assistant serve`` binds to 127.0.0.1 by default, and a server others can reach sets
``ASSISTANT_ADMIN_TOKEN`` so that /admin asks for it (admin_auth.py; ``serve`` warns when it is unset). Everything else is read-only over the indexed documents: the source view looks
documents up in the index by name and never opens a path taken from the URL. Every response carries
security headers (a CSP without inline script, nosniff, no framing, no referrer); pages build the DOM
with textContent, never innerHTML, so quoted text is shown, never run. The ask, fill and feedback
endpoints are rate-limited per client address (``settings.rate_limit``); X-Forwarded-For is believed
only from ``settings.trusted_proxies`` (none by default), so a client cannot make up its address. A Host
header not in ``settings.allowed_hosts`` is refused (DNS rebinding), and a POST a browser sends from a page
of another site is refused (middleware/same_origin.py); Slack's requests are signed instead.

Where things are:

- ``app.py``             the app factory: state, routers, exception handlers and middleware, in order
- ``deps.py``            the request dependencies (assistant, settings, feedback store, templates)
- ``schemas.py``         request and response bodies (the OpenAPI document shows them)
- ``ui.py``              the page text from the catalog, the page language, sizes as people read them
- ``sources.py``         what the source page shows, and the indexed passage feedback names
- ``error_handlers.py``  errors as JSON ``{"detail": ...}`` with the right status
- ``routes/``            pages, the JSON API, the operator's admin pages, /healthz
- ``middleware/``        pure ASGI middleware, one concern per file
- ``slack/``             the Slack slash command and its "Post to channel" button
"""

from __future__ import annotations

from .app import create_app, uvicorn_options
from .middleware.body_limit import MAX_JSON_BODY
from .sources import StaleDocument, source_view, verified_passage

__all__ = ["MAX_JSON_BODY", "StaleDocument", "create_app", "source_view", "uvicorn_options",
           "verified_passage"]
