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
from .corpus import CJK, Passage
from .embed import Embedder
from .index import Index

MODES = ("hybrid", "dense", "bm25")
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


@dataclass
class Retrieval:
    question: str
    mode: str
    hits: list[Hit]
    terms: list[str] = field(default_factory=list)  # salient terms of the question
    missing: list[str] = field(default_factory=list)  # salient terms the corpus never uses


_KATAKANA = re.compile(r"^[\u30a0-\u30ffー]+$")


def _strong(term: str) -> bool:
    """Names, acronyms, English terms and katakana loanwords: their absence means something.

    Other Japanese nouns (方式, 仕組み, 実施) are too often paraphrases of what the documents say:
    counting them lost more right answers than it saved wrong ones on the evaluation set.
    """
    return term.isascii() or bool(_KATAKANA.match(term))


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
        cjk = sum(1 for t in index.vocab if CJK.search(t))
        self._cjk_corpus = cjk >= 0.3 * max(1, len(index.vocab))

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
        # every passage is scored: the z-scores need the whole distribution, not just the top k
        n = self.index.dense.ntotal
        similarities, ids = self.index.dense.search(query[None, :], n)
        scores = np.empty(n, dtype=np.float32)
        scores[ids[0]] = similarities[0]
        return scores

    def bm25_scores(self, question: str) -> np.ndarray:
        expanded = " ".join((question, *glossary.expand(question)))
        query_tokens = [t for t in tokens.tokenize(expanded) if t in self.index.vocab]
        if not query_tokens:
            return np.zeros(len(self.index.passages), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(query_tokens), dtype=np.float32)

    def missing_terms(self, question: str) -> tuple[list[str], list[str]]:
        """Salient question terms, and those that no passage (nor any glossary equivalent) contains."""
        terms = tokens.salient_terms(question)
        if self._cjk_corpus:
            # English security vocabulary asked of Japanese documents: "backups" is salient when no
            # バックアップ is written anywhere. (Against English documents such words are as often
            # paraphrases — retained/kept — as Japanese nouns are against Japanese ones.)
            terms += [k for k in glossary.english_terms(question) if k not in terms]
        vocab = self.index.vocab
        covered: set[str] = set()
        for key, equivalents in glossary.matches(question):
            if any(self._covered(e) for e in equivalents):
                covered.add(key.lower())
                covered.update(tokens.tokenize(key))
        missing = [t for t in terms if _strong(t) and t not in covered and t not in vocab and not self._covered(t)]
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
        order = np.argsort(-score, kind="stable")[:k]
        hits = [
            Hit(self.index.passages[i], float(score[i]), float(dense[i]), float(dense_z[i]), float(bm25[i]), float(bm25_z[i]))
            for i in order
        ]
        terms, missing = self.missing_terms(question)
        return Retrieval(question, mode, hits, terms, missing)
