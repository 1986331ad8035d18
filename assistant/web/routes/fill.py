"""Questionnaires reviewed in the browser before export: /api/fill/jobs (see fill/jobs.py for the store).

POST uploads and prepares (every fast refusal answers here, in the page's language), then answers in a
background thread holding one of the fill slots; GET polls the progress and, once ready, the preview;
POST .../export returns the file with the person's decisions; DELETE drops a job. The job id is the
capability; the same-origin and Host checks of the app apply as everywhere.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from slowapi import Limiter
from starlette.concurrency import run_in_threadpool

from ...fill import jobs
from ...fill.run import MAX_WEB_QUESTIONS
from ..deps import AssistantDep, SettingsDep
from ..downloads import attachment
from ..error_handlers import describe_validation
from ..schemas import ERRORS, ErrorOut
from ..ui import UI_TEXT, human_bytes, ui_language
from ..uploads import read_upload
from .api import FILL_SUFFIXES

#: The export's JSON: a decision per row at most, each with a value and remarks of bounded length.
MAX_EXPORT_BODY = 4 * 1024 * 1024
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_STORE_LOCK = threading.Lock()


class RowDecision(BaseModel):
    row: int = Field(ge=1, description="The row as the preview numbers it (Excel's row number).")
    action: Literal["accept", "reject", "edit", "pick"]
    value: str | None = Field(default=None, max_length=jobs.MAX_VALUE_CHARS)
    remarks: str | None = Field(default=None, max_length=jobs.MAX_REMARKS_CHARS)
    passage_id: int | None = Field(default=None, ge=0)


class ExportIn(BaseModel):
    rows: list[RowDecision] = Field(default_factory=list, max_length=MAX_WEB_QUESTIONS)


class JobCreated(BaseModel):
    job_id: str
    status_url: str


def _store(request: Request) -> jobs.FillJobs:
    state = request.app.state
    with _STORE_LOCK:
        if getattr(state, "fill_jobs", None) is None:
            settings = state.settings
            state.fill_jobs = jobs.FillJobs(settings.fill_jobs_max, settings.fill_job_ttl_seconds)
        return state.fill_jobs


def _error(status: int, text: str, **headers: str) -> JSONResponse:
    return JSONResponse({"detail": text}, status_code=status, headers=headers or None)


def _refused(exc: jobs.ReviewError, lang: str) -> JSONResponse:
    if exc.code == "fill_busy":
        return _error(503, UI_TEXT[lang]["fill_busy"], **{"Retry-After": "30"})
    return _error(400, exc.text(lang))


def _job(request: Request, job_id: str) -> jobs.FillJob | None:
    return _store(request).get(job_id) if _JOB_ID.fullmatch(job_id) else None


def _choice(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def fill_router(limiter: Limiter, rate_limit: str) -> APIRouter:
    """Built per app, as api_router is: slowapi binds limits at decoration time."""
    router = APIRouter(prefix="/api/fill/jobs", tags=["fill review"])

    @router.post("", status_code=202, response_model=JobCreated, responses={
        413: {"model": ErrorOut, "description": "The file is larger than the upload limit."},
        503: {"model": ErrorOut, "description": "Other questionnaires are being answered; retry later."}, **ERRORS})
    @limiter.limit(rate_limit)
    async def create(request: Request, file: Annotated[UploadFile, File(description="A .xlsx or .csv questionnaire.")],
                     assistant: AssistantDep, settings: SettingsDep,
                     sheet: Annotated[str | None, Form(max_length=200)] = None,
                     column: Annotated[str | None, Form(max_length=200, description="Header of the question column.")] = None,
                     answer_column: Annotated[str | None, Form(max_length=200)] = None,
                     remarks_column: Annotated[str | None, Form(max_length=200)] = None):
        """Upload a questionnaire to review: checked and prepared at once, answered in the background."""
        lang = ui_language(request)
        data = await read_upload(file, settings, lang)
        slots: threading.BoundedSemaphore = request.app.state.fill_slots
        if not slots.acquire(blocking=False):
            return _error(503, UI_TEXT[lang]["fill_busy"], **{"Retry-After": "30"})
        choices = jobs.Choices(_choice(sheet), _choice(column), _choice(answer_column), _choice(remarks_column))
        try:
            fj, _ = await run_in_threadpool(jobs.start, _store(request), data, file.filename or "", choices)
        except jobs.ReviewError as exc:
            slots.release()
            return _refused(exc, lang)
        except BaseException:
            slots.release()
            raise
        threading.Thread(target=jobs.run, args=(assistant, fj, slots.release), name=f"fill-{fj.id[:6]}",
                         daemon=True).start()
        return JSONResponse({"job_id": fj.id, "status_url": f"/api/fill/jobs/{fj.id}"}, status_code=202)

    @router.get("/{job_id}", responses={404: {"model": ErrorOut, "description": "Unknown or expired job."}})
    async def status(request: Request, job_id: str) -> JSONResponse:
        """Progress, then the preview: each row's outcome, proposed value and candidate quotes."""
        lang = ui_language(request)
        fj = _job(request, job_id)
        if fj is None:
            return _error(404, UI_TEXT[lang]["fill_job_unknown"])
        return JSONResponse(fj.status(lang), headers={"Cache-Control": "no-store"})

    @router.delete("/{job_id}", status_code=204)
    async def drop(request: Request, job_id: str) -> Response:
        """Forget a job (the page does when it starts another)."""
        if not _JOB_ID.fullmatch(job_id) or not _store(request).remove(job_id):
            return _error(404, UI_TEXT[ui_language(request)]["fill_job_unknown"])
        return Response(status_code=204)

    @router.post("/{job_id}/export", responses={
        200: {"description": "The filled questionnaire, as a download.",
              "content": {mt: {} for mt in FILL_SUFFIXES.values()}},
        404: {"model": ErrorOut, "description": "Unknown or expired job."}, **ERRORS})
    @limiter.limit(rate_limit)
    async def export(request: Request, job_id: str, assistant: AssistantDep) -> Response:
        """The file with the decisions applied: accept, reject, edit (value, remarks) or pick (passage_id)."""
        lang = ui_language(request)
        fj = _job(request, job_id)
        if fj is None:
            return _error(404, UI_TEXT[lang]["fill_job_unknown"])
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_EXPORT_BODY:
                return _error(413, UI_TEXT[lang]["error.body_too_large"].format(limit=human_bytes(MAX_EXPORT_BODY)))
        try:
            decisions = ExportIn.model_validate_json(bytes(body) or b"{}")
        except ValidationError as exc:
            return _error(422, describe_validation(exc.errors()[:5], lang))
        try:
            out, name, summary = await run_in_threadpool(
                jobs.export, assistant, fj, [jobs.Decision(**d.model_dump()) for d in decisions.rows])
        except jobs.ReviewError as exc:
            return _refused(exc, lang)
        media = FILL_SUFFIXES.get(Path(name).suffix.lower(), "application/octet-stream")
        return Response(out, media_type=media, headers={
            "Content-Disposition": attachment(name),
            "X-Fill-Summary": json.dumps(dataclasses.asdict(summary), ensure_ascii=True),
        })

    return router
