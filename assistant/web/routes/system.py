"""``GET /healthz``: liveness, and what is being served (model, index build, corpus size)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from ... import __version__
from ...answer import Assistant, shown_source
from ..deps import AssistantDep
from ..schemas import HealthOut

router = APIRouter(tags=["system"])


def health(assistant: Assistant) -> dict:
    """What is served, without the server's paths: a model given as a folder is named by the folder's name,
    documents outside the repository by their paths inside the corpus folder."""
    manifest = assistant.index.manifest
    spec = assistant.embedder.spec
    corpus = assistant.settings.corpus
    return {
        "status": "ok",
        "version": __version__,
        "model": Path(spec).name if Path(spec).is_absolute() else spec,
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
        "sources": sorted(shown_source(s, corpus) for s in assistant.index.documents),
    }


@router.get("/healthz", response_model=HealthOut)
async def healthz(assistant: AssistantDep) -> dict:
    """Liveness plus what is being served: model, index build, corpus size.

    ``async``: it reads only memory, so it never waits for a thread behind the answers being computed.
    """
    return health(assistant)
