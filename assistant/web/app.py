"""The app factory: state, routers, exception handlers and middleware (see the package docstring)."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager

import jinja2
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..answer import Assistant, get_assistant
from ..answer_ids import AnswerIds
from ..config import PROJECT_ROOT, Settings, get_settings
from ..feedback import FeedbackStore
from . import error_handlers, slack, slow_headers
from .middleware.body_limit import MAX_JSON_BODY, MULTIPART_OVERHEAD, BodyLimit
from .middleware.internal_errors import InternalErrors
from .middleware.same_origin import SameOrigin
from .middleware.security_headers import SecurityHeaders
from .routes import admin, pages, system
from .routes.fill import fill_router
from .routes.api import api_router
from .workers import Workers

WEB_DIR = PROJECT_ROOT / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


@asynccontextmanager
async def _lifespan(app: FastAPI):
    slack.check_configuration(app.state.settings)  # logs clearly when the Slack endpoint will refuse all
    if app.state.assistant is None:
        app.state.assistant = await run_in_threadpool(get_assistant, app.state.settings)
    yield


def uvicorn_options(settings: Settings) -> dict:
    """How uvicorn is run: forwarded headers believed only from configured proxies (never by default),
    request headers due within ``header_timeout``, at most ``max_connections`` at once (then 503)."""
    options = {"http": slow_headers.protocol(settings.header_timeout), "limit_concurrency": settings.max_connections}
    if settings.trusted_proxies:
        return {**options, "proxy_headers": True, "forwarded_allow_ips": ",".join(settings.trusted_proxies)}
    return {**options, "proxy_headers": False}


def create_app(assistant: Assistant | None = None, settings: Settings | None = None) -> FastAPI:
    """The web app. Without an assistant, the lifespan loads the per-process one for `settings`."""
    settings = settings or (assistant.settings if assistant is not None else get_settings())
    app = FastAPI(
        title="Security questionnaire assistant",
        version=__version__,
        description="Answers security-questionnaire questions by quoting vendor documents verbatim, "
                    "or says they are not documented. No authentication: run it on a trusted network.",
        docs_url=None, redoc_url=None, lifespan=_lifespan,
    )
    app.state.assistant = assistant
    app.state.settings = settings
    app.state.feedback = FeedbackStore(settings.feedback_db)
    app.state.answer_ids = AnswerIds(settings.secret_key)
    app.state.fill_slots = threading.BoundedSemaphore(settings.max_concurrent_fills)
    app.state.workers = Workers(settings.answer_threads, settings.slack_threads, settings.max_concurrent_fills)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
    app.state.templates = Jinja2Templates(env=env)

    limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")
    app.state.limiter = limiter

    error_handlers.install(app)

    app.include_router(pages.router)
    app.include_router(api_router(limiter, settings.rate_limit))
    app.include_router(fill_router(limiter, settings.rate_limit))
    app.include_router(system.router)
    app.include_router(admin.router)
    app.include_router(slack.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.add_middleware(BodyLimit, limits={
        "/api/ask": MAX_JSON_BODY, "/api/feedback": MAX_JSON_BODY,
        "/api/fill": settings.max_upload_bytes + MULTIPART_OVERHEAD,
        "/api/fill/jobs": settings.max_upload_bytes + MULTIPART_OVERHEAD,
    })
    app.add_middleware(SameOrigin)
    app.add_middleware(InternalErrors)
    # a Host the server is not known by is a DNS-rebinding page or a misrouted request
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)  # outermost: every response gets the headers
    return app
