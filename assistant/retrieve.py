"""Question -> ranked passages, by dense vectors, BM25, or a blend of the two.

The blend adds z-scored similarities (each measured against the whole corpus's distribution) with a
weight on BM25, rather than fusing ranks: ranks throw away how far ahead the best passage is, which is
both what orders close candidates well and what tells a real answer from a weak one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import glossary, tokens
from .corpus import Passage
from .embed import Embedder
from .index import Index

MODES = ("hybrid", "dense", "bm25")
#: Weight of the BM25 z-score against the dense one in the blend (chosen on the evaluation set).
BM25_WEIGHT = 0.5
_EPS = 1e-6


@dataclass
class Hit:
    passage: Passage
    score: float  # what the ranking used
    dense: float  # cosine similarity
    dense_z: float
    bm25: float
    bm25_z: float


@dataclass
class Retrieval:
    question: str
    mode: str
    hits: list[Hit]
    terms: list[str] = field(default_factory=list)  # salient terms of the question
    missing: list[str] = field(default_factory=list)  # salient terms the corpus never uses


def _z(scores: np.ndarray) -> np.ndarray:
    std = float(scores.std())
    return (scores - float(scores.mean())) / (std if std > _EPS else 1.0)


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, bm25_weight: float = BM25_WEIGHT):
        self.index = index
        self.embedder = embedder
        self.bm25_weight = bm25_weight
        self._matrix = index.dense.reconstruct_n(0, index.dense.ntotal)

    def dense_scores(self, question: str) -> np.ndarray:
        query = self.embedder.encode_queries([question])[0]
        return self._matrix @ query

    def bm25_scores(self, question: str) -> np.ndarray:
        expanded = " ".join((question, *glossary.expand(question)))
        query_tokens = [t for t in tokens.tokenize(expanded) if t in self.index.vocab]
        if not query_tokens:
            return np.zeros(len(self.index.passages), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(query_tokens), dtype=np.float32)

    def missing_terms(self, question: str) -> tuple[list[str], list[str]]:
        """Salient question terms, and those that no passage (nor any glossary equivalent) contains."""
        terms = tokens.salient_terms(question)
        # English security vocabulary counts too: "backups" is salient when no バックアップ is written anywhere
        terms += [k for k in glossary.english_terms(question) if k not in terms]
        vocab = self.index.vocab
        covered: set[str] = set()
        for key, equivalents in glossary.matches(question):
            if any(self._covered(e) for e in equivalents):
                covered.add(key.lower())
                covered.update(tokens.tokenize(key))
        missing = [t for t in terms if t not in covered and t not in vocab and not self._covered(t)]
        return terms, missing

    def _covered(self, term: str) -> bool:
        """A term the corpus uses: all its tokens, or (for compounds like 'saml-based') any of its parts."""
        own = tokens.tokenize(term)
        if not own:
            return False
        if all(t in self.index.vocab for t in own):
            return True
        parts = [tokens.tokenize(p) for p in re.split(r"[-_/+]", term) if p]
        return len(parts) > 1 and any(p and all(t in self.index.vocab for t in p) for p in parts)

    def search(self, question: str, k: int = 5, mode: str = "hybrid") -> Retrieval:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        n = len(self.index.passages)
        dense = self.dense_scores(question) if mode != "bm25" else np.zeros(n, dtype=np.float32)
        bm25 = self.bm25_scores(question) if mode != "dense" else np.zeros(n, dtype=np.float32)
        dense_z, bm25_z = _z(dense), _z(bm25)
        if mode == "dense":
            score = dense
        elif mode == "bm25":
            score = bm25
        else:
            score = dense_z + self.bm25_weight * bm25_z
        order = np.argsort(-score, kind="stable")[:k]
        hits = [
            Hit(self.index.passages[i], float(score[i]), float(dense[i]), float(dense_z[i]), float(bm25[i]), float(bm25_z[i]))
            for i in order
        ]
        terms, missing = self.missing_terms(question)
        return Retrieval(question, mode, hits, terms, missing)
