"""Question -> ranked passages, by dense vectors, BM25, or a blend of the two.

The blend adds z-scored similarities (each measured against the whole corpus's distribution) with a
weight on BM25, rather than fusing ranks: ranks throw away how far ahead the best passage is, which is
both what orders close candidates well and what tells a real answer from a weak one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import abstain, glossary, tokens
from .corpus import Passage
from .embed import Embedder
from .index import Index
from .types import Mode

MODES = tuple(m.value for m in Mode)
#: Most question vectors kept primed at once (a few batches).
_PRIMED_MAX = 256
#: Weight of the BM25 z-score against the dense one in the blend. The evaluation set put the best
#: ranking anywhere in 0.67-1.0 (top-1 0.891 throughout); this is the ratio the confidence
#: calibration found (dense 0.99 : BM25 0.66), so that ranking and confidence are one score.
BM25_WEIGHT = 0.67
_EPS = 1e-6


@dataclass
class Hit:
    passage: Passage
    score: float  # what the ranking used
    dense: float  # cosine similarity
    dense_z: float
    bm25: float
    bm25_z: float
    dense_rank: int = 1  # 1-based rank of this passage by dense similarity alone
    bm25_rank: int = 1  # and by BM25 alone


@dataclass
class Retrieval:
    question: str
    mode: str
    hits: list[Hit]
    terms: list[str] = field(default_factory=list)  # salient terms of the question
    missing: list[str] = field(default_factory=list)  # salient terms the corpus never uses
    #: Best dense similarity of any passage other than the first hit (the dense margin's other side).
    dense_runner_up: float = 0.0
    #: Ranking score of the hit after the last one returned, when there is one.
    next_score: float | None = None


def _z(scores: np.ndarray) -> np.ndarray:
    """Each score's distance from the *other* scores, in their standard deviations.

    Leaving the score itself out keeps a strong match from inflating the spread it is measured
    against, which otherwise caps z at sqrt(n - 1) and makes small corpora look uncertain.
    """
    n = len(scores)
    if n < 3:
        return np.zeros_like(scores)
    s = scores.astype(np.float64)
    total, total_sq = s.sum(), (s * s).sum()
    mean = (total - s) / (n - 1)
    var = np.maximum((total_sq - s * s) / (n - 1) - mean * mean, 0.0)
    std = np.sqrt(var)
    floor = max(float(np.median(std)), _EPS)
    return ((s - mean) / np.maximum(std, floor)).astype(np.float32)


class Retriever:
    def __init__(self, index: Index, embedder: Embedder):
        self.index = index
        self.embedder = embedder
        self._primed: dict[str, np.ndarray] = {}

    def prime(self, questions: list[str]) -> None:
        """Embed questions that will be asked soon in one batch (a questionnaire's next rows).

        Batching is several times faster than one question at a time, above all on a busy machine;
        each primed vector is used once by dense_scores and then dropped.
        """
        new = [q for q in dict.fromkeys(q.strip() for q in questions) if q and q not in self._primed]
        if len(self._primed) + len(new) > _PRIMED_MAX:
            self._primed.clear()  # vectors primed but never asked (refused questions): drop them
        if new:
            for q, vector in zip(new, self.embedder.encode_queries(new[:_PRIMED_MAX])):
                self._primed[q] = vector

    def clear_primed(self) -> None:
        """Forget vectors primed but not used (call when a batch of questions is done)."""
        self._primed.clear()

    def dense_scores(self, question: str) -> np.ndarray:
        query = self._primed.pop(question, None)
        if query is None:
            query = self.embedder.encode_queries([question])[0]
        # every passage is scored: the z-scores need the whole distribution, not just the top k. One
        # matrix-vector product over FAISS's own storage (no copy); a search for all n would sort them.
        return self.index.vectors() @ query

    def bm25_scores(self, question: str) -> np.ndarray:
        expanded = " ".join((question, *glossary.expand(question)))
        query_tokens = [t for t in tokens.tokenize(expanded) if t in self.index.vocab]
        if not query_tokens:
            return np.zeros(len(self.index.passages), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(query_tokens), dtype=np.float32)

    def search(self, question: str, k: int = 5, mode: str = "hybrid") -> Retrieval:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        # both signals are always computed: the mode only changes the ranking, so baselines are judged
        # with the same abstention features as the product
        dense = self.dense_scores(question)
        bm25 = self.bm25_scores(question)
        dense_z, bm25_z = _z(dense), _z(bm25)
        if mode == "dense":
            score = dense
        elif mode == "bm25":
            score = bm25
        else:
            score = dense_z + BM25_WEIGHT * bm25_z
        order = _top(score, k + 1)
        hits = [
            Hit(self.index.passages[i], float(score[i]), float(dense[i]), float(dense_z[i]), float(bm25[i]),
                float(bm25_z[i]), 1 + int((dense > dense[i]).sum()), 1 + int((bm25 > bm25[i]).sum()))
            for i in order[:k]
        ]
        runner_up = 0.0
        if len(dense) > 1 and hits:
            others = dense.copy()
            others[order[0]] = -np.inf
            runner_up = float(others.max())
        next_score = float(score[order[k]]) if len(order) > k else None
        terms, missing = abstain.missing_terms(self.index, question)
        return Retrieval(question, mode, hits, terms, missing, runner_up, next_score)


def _top(score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first, ties in passage order (stable at any corpus size)."""
    if len(score) > 4 * k:
        part = np.argpartition(-score, k - 1)[:k]
        return part[np.lexsort((part, -score[part]))]
    return np.argsort(-score, kind="stable")[:k]
