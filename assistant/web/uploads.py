"""Reading an uploaded questionnaire: bounded by the upload limit, refused when empty, in the page's language.

Both fill routes (the one-shot /api/fill and the review jobs) read their file through here, so they refuse
the same files with the same words.
"""

from __future__ import annotations

from fastapi import HTTPException, UploadFile

from ..config import Settings
from .ui import UI_TEXT, human_bytes


async def read_upload(file: UploadFile, settings: Settings, lang: str) -> bytes:
    """The file's bytes; 413 above ``max_upload_bytes`` (the read stops just past it), 400 when empty."""
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(413, UI_TEXT[lang]["error.too_large"].format(limit=human_bytes(settings.max_upload_bytes)))
    if not data:
        raise HTTPException(400, UI_TEXT[lang]["error.empty_upload"])
    return data
