"""Responses a browser saves as a file: a Content-Disposition for any filename, JSON Lines bodies."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

from fastapi.responses import Response


def attachment(filename: str) -> str:
    """A Content-Disposition that survives any filename (Japanese ones included, RFC 6266/5987)."""
    path = Path(filename)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_-") or "download"
    suffix = path.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", path.suffix) else ""
    quoted = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{stem}{suffix}\"; filename*=UTF-8''{quoted}"


def jsonl(lines: list[dict], filename: str) -> Response:
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return Response(body, media_type="application/x-ndjson; charset=utf-8",
                    headers={"Content-Disposition": attachment(filename)})
