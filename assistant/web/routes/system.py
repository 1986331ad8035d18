"""``GET /healthz``: liveness, and what is being served (model, index build, corpus size)."""

from __future__ import annotations

from fastapi import APIRouter

from ... import __version__
from ...answer import Assistant
from ..deps import AssistantDep
from ..schemas import HealthOut

router = APIRouter(tags=["system"])


def health(assistant: Assistant) -> dict:
    manifest = assistant.index.manifest
    return {
        "status": "ok",
        "version": __version__,
        "model": assistant.embedder.spec,
        "runtime": getattr(assistant.embedder, "runtime", None),
        "passages": len(assistant.index.passages),
        "documents": len(assistant.index.documents),
        "built_at": manifest.get("built_at"),
        "index": {
            "key": manifest.get("key"),
            "built_at": manifest.get("built_at"),
            "folder": assistant.index.folder.name,
        },
        "threshold": assistant.threshold,
        "sources": sorted(assistant.index.documents),
    }


@router.get("/healthz", response_model=HealthOut)
async def healthz(assistant: AssistantDep) -> dict:
    """Liveness plus what is being served: model, index build, corpus size.

    ``async``: it reads only memory, so it never waits for a thread behind the answers being computed.
    """
    return health(assistant)
