"""A fast stand-in for the embedding model, behind the same interface, for tests of rendering and
spreadsheets (retrieval, evaluation and end-to-end tests use the real model)."""

from __future__ import annotations

import hashlib

import numpy as np

from assistant.tokens import tokenize


class FakeEmbedder:
    """Bag-of-tokens vectors hashed into 64 dimensions: similar wording, similar vectors; no model."""

    spec = "fake"
    fingerprint = "fake-embedder-1"
    dim = 64

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in tokenize(text) or [text]:
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)
