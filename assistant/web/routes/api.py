"""The JSON API under /api: ask, feedback, fill (rate-limited per client address)."""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from slowapi import Limiter
from starlette.concurrency import run_in_threadpool

from ...answer import language, require_utf8, validate_question
from ...errors import InputError
from ..deps import AnswerIdsDep, AssistantDep, SettingsDep, StoreDep, WorkersDep
from ..downloads import attachment
from ..schemas import ERRORS, AnswerOut, AskRequest, ErrorOut, FeedbackIn, FeedbackOut
from ..sources import answer_out, verified_passage
from ..ui import UI_TEXT, ui_language
from ..uploads import read_upload

FILL_SUFFIXES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
}


def api_router(limiter: Limiter, rate_limit: str) -> APIRouter:
    """The rate-limited endpoints; built per app because slowapi binds limits at decoration time."""
    api = APIRouter(prefix="/api", tags=["api"])

    @api.post("/ask", response_model=AnswerOut, responses=ERRORS)
    @limiter.limit(rate_limit)
    async def ask(request: Request, body: AskRequest, assistant: AssistantDep, answer_ids: AnswerIdsDep,
                  workers: WorkersDep) -> dict:
        """Answer one question with a verbatim quote, or say it is not documented."""
        answer = await workers.run("answer", assistant.ask, body.question)
        return {**answer_out(answer, assistant.settings.corpus), "answer_id": answer_ids.sign(answer)}

    @api.post("/feedback", status_code=201, response_model=FeedbackOut, responses={
        202: {"model": FeedbackOut, "description": "Queued: the database is locked or full."}, **ERRORS})
    @limiter.limit(rate_limit)
    async def feedback(request: Request, response: Response, body: FeedbackIn, store: StoreDep,
                       settings: SettingsDep, assistant: AssistantDep, answer_ids: AnswerIdsDep) -> dict:
        """Record whether an answer was helpful or wrong (it feeds the evaluation set).

        Name the cited passage by its `passage_id`; its quote, source and offsets are taken from the index.
        """
        question = validate_question(body.question, settings.max_question_chars)
        signed = answer_ids.verify(body.answer_id, question)
        if body.passage_id is not None and body.passage_id != signed.passage_id:
            raise InputError(key="web.error.feedback_other_passage")
        p = verified_passage(assistant, signed.passage_id, body.quote, body.source)
        new_id = await run_in_threadpool(
            store.add, question=question, answered=signed.answered, verdict=body.verdict,
            comment=require_utf8(body.comment.strip(), "comment"), lang=language(question), passage_id=p.id if p else None,
            quote=p.quote_text if p else None, source=p.source if p else None,
            start=p.quote_start if p else None, end=p.quote_end if p else None,
        )
        if new_id is None:  # the database is locked or full: queued, stored with the next verdict that can be
            response.status_code = 202
            return {"id": None, "status": "queued"}
        return {"id": new_id, "status": "recorded"}

    @api.post("/fill", responses={
        200: {"description": "The filled questionnaire, as a download.",
              "content": {mt: {} for mt in FILL_SUFFIXES.values()}},
        413: {"model": ErrorOut, "description": "The file is larger than the upload limit."},
        **ERRORS,
    })
    @limiter.limit(rate_limit)
    async def fill(request: Request, file: Annotated[UploadFile, File(description="A .xlsx or .csv questionnaire.")],
                   assistant: AssistantDep, settings: SettingsDep, workers: WorkersDep,
                   column: Annotated[str | None, Form(max_length=200, description="Header of the question column, "
                                                      "when it is not found by itself.")] = None) -> Response:
        """Fill a whole questionnaire: each question gets an answer, its quote, source and confidence."""
        from ... import fill as fill_mod  # imported late: the filler is optional for the chat

        # The name goes to the filler as sent: fill_bytes cleans it (folders, header-breaking characters)
        # and judges the type. The size is checked here too, only because the read must stop at the
        # limit and an oversized upload is a 413 (fill_bytes' own check answers 400).
        filename = file.filename or ""
        lang = ui_language(request)
        data = await read_upload(file, settings, lang)
        slots: threading.BoundedSemaphore = request.app.state.fill_slots
        if not slots.acquire(blocking=False):  # a fill holds a worker for minutes: never queue them up
            return JSONResponse({"detail": UI_TEXT[lang]["fill_busy"]}, status_code=503, headers={"Retry-After": "30"})
        try:
            out, out_name, summary = await workers.run("fill",
                functools.partial(fill_mod.fill_bytes, assistant, data, filename,
                                  column=(column or "").strip() or None, column_hint=UI_TEXT[lang]["fill_column_hint"]))
        finally:
            slots.release()
        media = FILL_SUFFIXES.get(Path(out_name).suffix.lower(), "application/octet-stream")
        summary_json = json.dumps(dataclasses.asdict(summary), ensure_ascii=True)
        return Response(out, media_type=media, headers={
            "Content-Disposition": attachment(out_name), "X-Fill-Summary": summary_json,
        })

    return api
