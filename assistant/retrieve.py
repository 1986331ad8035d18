"""Question -> ranked passages, by dense vectors, BM25, or a blend of the two.

The blend adds z-scored similarities (each measured against the whole corpus's distribution) with a
weight on BM25, rather than fusing ranks: ranks throw away how far ahead the best passage is, which is
both what orders close candidates well and what tells a real answer from a weak one.

Up to index.ANN_FROM passages every passage is scored. Above it (search_approx) the dense side is an HNSW
search plus the vectors' precomputed moments, so an answer does not read every vector; see there for what
is approximated.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import faiss
import numpy as np

from . import abstain, asked, glossary, script, tokens
from .corpus import Passage
from .embed import Embedder
from .index import ANN_FROM, Index
from .types import Mode

MODES = tuple(m.value for m in Mode)
#: Most question vectors kept primed at once (a few batches).
_PRIMED_MAX = 256
#: Weight of the BM25 z-score against the dense one in the blend. The evaluation set put the best
#: ranking anywhere in 0.67-1.0 (top-1 0.891 throughout); this is the ratio the confidence
#: calibration found (dense 0.99 : BM25 0.66), so that ranking and confidence are one score.
BM25_WEIGHT = 0.67
#: A question asking for an amount (how long, how often, which version, 何日, 保存期間) is answered by a
#: passage with a number in it; among siblings ("logs are kept" / "logs are kept for 180 days") that one
#: ranks this much higher (z units). Chosen on the training corpora's top 8 (top-1 514 -> 518 of 641 at
#: 1.0, the same at 2.0, 517 at 0.25-0.5); end to end there 514 -> 520, and on the suite 299 -> 302 of 360.
AMOUNT_BOOST = 1.0
_ASKS_AMOUNT = re.compile(
    r"何(?:日|時間|分|秒|回|文字|桁|年|か月|ヶ月|カ月|件|世代|割|%|％)|どのくらい|どれくらい|どの程度|期間|頻度|いつまで|"
    r"バージョン|\bhow (?:long|many|often|soon|quickly|far back|frequently|much)\b|\bwithin how\b|\bretention\b|"
    r"\bfrequency\b|\btimeline\b|\bminimum\b|\bmaximum\b|\bpercentage\b|\bversions?\b|\bRPO\b|\bRTO\b|\buptime\b",
    re.I)
_DIGIT = re.compile(r"\d")
#: A passage under a heading that defines a term ("2段階認証とは", "What is SSO?") explains the word; what
#: the vendor does with it is said elsewhere ("4つの方法から選択できます"), and a question asks that. Such a
#: passage ranks this much lower (z units), unless the question asks what a term means. The suite's pages
#: (help-centre articles) open with such definitions; of the 42 corpora's passages 3 are under one.
DEFINITION_PENALTY = 1.0
_DEFINES = re.compile(r"(?:とは|って(?:何|なに))\s*[？?]?\s*$|"
                      r"^what\s+(?:is|are)\s+(?!your\b|our\b|the\b)(?:an?\s+)?[\w-]+(?:\s+[\w-]+){0,2}\s*\?$", re.I)
_ASKS_DEFINITION = re.compile(r"とは|って(?:何|なに)|\bdefin|^\s*what\s+(?:is|are)\s+(?!your\b|our\b|the\b)"
                              r"(?:an?\s+)?[\w-]+(?:\s+[\w-]+){0,2}\s*\??\s*$", re.I)


_EPS = 1e-6
#: Large corpora: the HNSW search beam, which is also how many dense candidates it returns (all of them:
#: they cost nothing more to take). On the benchmark's 10^5 synthetic passages, whose best similarities
#: are a median 0.002 apart, it finds the true dense first 97.5 % of the time in about 0.8 ms, and the
#: hybrid first hit is the exact path's for 198 of its 199 questions (a beam of 256: 98 %, 1.4 ms, 198).
ANN_EF = 128
#: At most this many passages are added for their BM25 score (see search_approx), the best past it: then
#: a question never costs more than scoring a corpus at the threshold. On the benchmark's 10^5 passages
#: (a median 18,000 passages match some question term) the median question adds none, the largest ~20,000.
ANN_BM25_MAX = ANN_FROM
#: Passages whose similarities estimate a dense rank beyond the candidates (evenly spaced through the corpus).
ANN_RANK_SAMPLE = 4096


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
    #: Set when a past check sheet's answer was first and a newer document's candidate was put before it:
    #: the probability the past answer had (answer.py, Assistant._newer_first).
    past_answer: float | None = None


def _z(scores: np.ndarray) -> np.ndarray:
    """Each score's distance from the *other* scores, in their standard deviations.

    Leaving the score itself out keeps a strong match from inflating the spread it is measured
    against, which otherwise caps z at sqrt(n - 1) and makes small corpora look uncertain.
    """
    n = len(scores)
    if n < 3:
        return np.zeros_like(scores)
    s = scores.astype(np.float64)
    mean, std = _others(s, n, s.sum(), (s * s).sum())
    floor = max(float(np.median(std)), _EPS)
    return ((s - mean) / np.maximum(std, floor)).astype(np.float32)


def _others(s: np.ndarray, n: int, total: float, total_sq: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the n - 1 scores other than each of s, from the sums over all n."""
    mean = (total - s) / (n - 1)
    var = np.maximum((total_sq - s * s) / (n - 1) - mean * mean, 0.0)
    return mean, np.sqrt(var)


def _z_by_group(scores: np.ndarray, groups: list[np.ndarray] | None) -> np.ndarray:
    """_z within each group of passages (their languages), or over all of them without groups."""
    if groups is None:
        return _z(scores)
    out = np.empty(len(scores), dtype=np.float32)
    for members in groups:
        out[members] = _z(scores[members])
    return out


def _language_groups(passages: list[Passage]) -> list[np.ndarray] | None:
    """Passages by language when a corpus has several, each big enough for a z-score (>= 3 passages).

    e5's cosines between a question and passages of another language run lower than those of its own
    language, so over a mixed corpus the other language's best passage looked far weaker than it was
    (a Japanese question's English answer, or an English question's Japanese one, sank under the
    passages that merely share the question's language). Within each language it is measured against
    its peers. Dense scores only: BM25 matches words, which already cross languages through the glossary.
    """
    langs = np.array([script.language(p.text).value for p in passages])
    groups = [np.flatnonzero(langs == lang) for lang in dict.fromkeys(langs.tolist())]
    return groups if len(groups) > 1 and min(map(len, groups)) >= 3 else None


def _z_some(s: np.ndarray, n: int, total: float, total_sq: float, floor: float) -> np.ndarray:
    """_z of some of n scores, from the sum and sum of squares of all n and a given floor."""
    s = s.astype(np.float64)
    mean, std = _others(s, n, total, total_sq)
    return ((s - mean) / np.maximum(std, floor)).astype(np.float32)


def _s_from_z(t: float, n: int, total: float, total_sq: float, floor: float) -> float:
    """The lowest score whose _z_some could reach t: a necessary condition, whatever the passage's spread.

    z = (n s - total) / ((n - 1) max(std, floor)) and the leave-one-out std never exceeds the population
    std times sqrt(n / (n - 1)), so z >= t needs n s - total >= t (n - 1) sigma, with sigma the floor for
    t >= 0 and that bound on the std for t < 0.
    """
    var = max(total_sq / n - (total / n) ** 2, 0.0)
    sigma = floor if t >= 0 else max(floor, float(np.sqrt(var * n / (n - 1))))
    return (t * sigma * (n - 1) + total) / n


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, *, exact_max: int = ANN_FROM, ann_ef: int = ANN_EF):
        self.index = index
        self.embedder = embedder
        self._primed: dict[str, np.ndarray] = {}
        #: Corpora of more passages than this are searched approximately (search_approx), with this beam.
        self.exact_max, self.ann_ef = exact_max, ann_ef
        #: The exact path's dense z-scores are taken within each language (None: one language).
        self._groups = _language_groups(index.passages) if len(index.passages) <= max(exact_max, 2) else None
        self._sample: np.ndarray | None = None  # large corpora: the vectors that estimate far dense ranks
        self._sample_of: np.ndarray | None = None
        #: Passages quoted as one unit (a short list and its lead-in) share an id: a question gets the unit
        #: once, through its best-ranked member, and its other members are no alternatives to it.
        self._units = _unit_ids(index.passages)
        #: Passages with a number in what they quote: the answers to a question asking for an amount.
        self._amounts = np.array([bool(_DIGIT.search(p.quote_text)) for p in index.passages], dtype=bool)
        #: Passages under a heading that defines a term (DEFINITION_PENALTY).
        self._defines = np.array([bool(p.section) and bool(_DEFINES.search(p.section[-1].strip()))
                                  for p in index.passages], dtype=bool)
        #: Per kind of fact (asked.py): which passages state one in what they quote, computed when first asked.
        self._states: dict[str, np.ndarray] = {}
        self._states_lock = threading.Lock()

    def _fit(self, question: str) -> np.ndarray | float:
        """What each passage's ranking score gains for what the question asks (z units): AMOUNT_BOOST for the
        passages that state it, a number for an amount (_ASKS_AMOUNT) or a fact of a kind asked.py reads in it
        (a region for "where is data stored?", an algorithm for 暗号化方式), less DEFINITION_PENALTY for those
        under a heading that defines a term, unless the question asks for a definition. The kinds alone, in
        place of numbers: training top-1 1,228 -> 1,224, right answers 759 -> 770; with numbers too, 1,228 and
        765, suite 317 -> 319 and 185 -> 186."""
        penalty = 0.0
        if self._defines.any() and not _ASKS_DEFINITION.search(question):
            penalty = DEFINITION_PENALTY * self._defines
        kinds = asked.kinds(question)
        amount = bool(_ASKS_AMOUNT.search(question))
        if not kinds and not amount:
            return 0.0 - penalty
        with self._states_lock:
            for kind in kinds:
                if kind not in self._states:
                    self._states[kind] = np.array([asked.states(kind, p.quote_text) for p in self.index.passages],
                                                  dtype=bool)
            states = [self._states[kind] for kind in kinds] + ([self._amounts] if amount else [])
        return AMOUNT_BOOST * np.logical_or.reduce(states) - penalty

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

    def query_vector(self, question: str) -> np.ndarray:
        query = self._primed.pop(question, None)
        if query is None:
            query = self.embedder.encode_queries([question])[0]
        return query

    def dense_scores(self, question: str) -> np.ndarray:
        # every passage is scored: the z-scores need the whole distribution, not just the top k. One
        # matrix-vector product over FAISS's own storage (no copy); a search for all n would sort them.
        return self.index.vectors() @ self.query_vector(question)

    def _rank_sample(self) -> np.ndarray:
        vectors = self.index.vectors()
        if self._sample is None or self._sample_of is not vectors:
            self._sample = np.ascontiguousarray(vectors[::max(1, len(vectors) // ANN_RANK_SAMPLE)])
            self._sample_of = vectors
        return self._sample

    def bm25_scores(self, question: str) -> np.ndarray:
        expanded = " ".join((question, *glossary.expand(question)))
        query_tokens = [t for t in tokens.tokenize(expanded) if t in self.index.vocab]
        for number in tokens.orphan_numbers(question, self.index.vocab):
            if number in query_tokens:
                query_tokens.remove(number)
        if not query_tokens:
            return np.zeros(len(self.index.passages), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(query_tokens), dtype=np.float32)

    def search(self, question: str, k: int = 5, mode: str = "hybrid") -> Retrieval:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        # what the question asks about, without a condition it rules out ("For customers not using SSO, …")
        question = asked.without_boilerplate(asked.without_condition(question))
        if len(self.index.passages) > max(self.exact_max, 2):
            return self.search_approx(question, k, mode)
        # both signals are always computed: the mode only changes the ranking, so baselines are judged
        # with the same abstention features as the product
        dense = self.dense_scores(question)
        bm25 = self.bm25_scores(question)
        dense_z, bm25_z = _z_by_group(dense, self._groups), _z(bm25)
        if mode == "dense":
            score = dense
        elif mode == "bm25":
            score = bm25
        else:
            score = dense_z + BM25_WEIGHT * bm25_z + self._fit(question)
        order = _distinct(score, k + 1, self._units)
        hits = [
            Hit(self.index.passages[i], float(score[i]), float(dense[i]), float(dense_z[i]), float(bm25[i]),
                float(bm25_z[i]), 1 + int((dense > dense[i]).sum()), 1 + int((bm25 > bm25[i]).sum()))
            for i in order[:k]
        ]
        runner_up = 0.0
        if len(dense) > 1 and hits:
            others = dense[self._units != self._units[order[0]]]
            runner_up = float(others.max()) if len(others) else 0.0
        next_score = float(score[order[k]]) if len(order) > k else None
        terms, missing = abstain.missing_terms(self.index, question)
        return Retrieval(question, mode, hits, terms, missing, runner_up, next_score)

    def search_approx(self, question: str, k: int = 5, mode: str = "hybrid") -> Retrieval:
        """search() for a large corpus, without scoring every vector. What differs from the exact path:

        - dense z-scores use the mean and variance of the query's similarity to all n passages, q . mean
          and q^T cov q from the index's moments: the same leave-one-out z as _z, except that the floor
          on the spread is the population std instead of the median of the leave-one-out stds, which
          differ by a factor 1 + O(1/n). BM25 is scored for every passage (bm25s reads only the postings
          of the question's terms) and its z-scores take the same floor.
        - exact dense similarities are computed only for candidates: the HNSW search's ANN_EF nearest
          passages, plus every passage whose BM25 score is high enough that, with a dense similarity no
          higher than the lowest of those, it could still rank in the top k + 1 (at most ANN_BM25_MAX,
          the best by BM25). With an exact nearest-neighbour search the ranking is then the exact one
          (up to that cap); HNSW can miss a neighbour.
        - a hit's dense rank (and the dense runner-up) is counted among the candidates, exact as far as the
          HNSW search's lowest similarity; below it, the rank is the larger of that count and an estimate
          from ANN_RANK_SAMPLE evenly spaced passages. BM25 ranks count all passages, as in search().
        """
        index = self.index
        n = len(index.passages)
        query = self.query_vector(question)
        graph, (mean_vec, cov) = index.ann()
        ef = max(self.ann_ef, k + 1)
        sims, found = graph.search(query[None], min(ef, n), params=faiss.SearchParametersHNSW(efSearch=ef))
        sims, found = sims[0][found[0] >= 0], found[0][found[0] >= 0]
        reach = float(sims.min()) if len(sims) else np.inf  # dense similarities are counted exactly down to here
        vectors = index.vectors()

        q64 = query.astype(np.float64)
        mu = float(q64 @ mean_vec)
        var = max(float(q64 @ _dot(cov, q64)), 0.0)
        d_stats = (n, n * mu, n * (var + mu * mu), max(float(np.sqrt(var)), _EPS))
        bm25 = self.bm25_scores(question)
        matched = np.flatnonzero(bm25)  # BM25 scores are never negative: the rest are 0 and add nothing
        b_matched = bm25[matched]
        b64 = b_matched.astype(np.float64)
        b_total, b_total_sq = float(b64.sum()), float(np.square(b64).sum())
        b_floor = max(float(np.sqrt(max(b_total_sq / n - (b_total / n) ** 2, 0.0))), _EPS)
        b_stats = (n, b_total, b_total_sq, b_floor)
        boost = self._fit(question)

        def scored(cand: np.ndarray) -> tuple[np.ndarray, ...]:
            dense = _dot(vectors[cand], query)
            dense_z, bm25_z = _z_some(dense, *d_stats), _z_some(bm25[cand], *b_stats)
            score = dense if mode == "dense" else bm25[cand] if mode == "bm25" else \
                dense_z + BM25_WEIGHT * bm25_z + (boost[cand] if isinstance(boost, np.ndarray) else boost)
            return dense, dense_z, bm25_z, score

        cand = np.sort(found)  # HNSW returns each passage once
        if mode == "bm25":
            extra = np.setdiff1d(_top(bm25, k + 1), cand)
        elif mode == "hybrid" and len(cand) > k:
            # a passage outside the dense candidates has a similarity of at most their lowest, so a dense
            # z of at most z_out; it can only reach the current (k+1)-th score with bm25_z >= need
            dense, dense_z, bm25_z, score = scored(cand)
            n_, total, _, floor = d_stats
            z_out = max(0.0, (n_ * float(dense.min()) - total) / ((n_ - 1) * floor))
            # an outsider may carry the amount boost too
            need = (float(np.partition(score, len(score) - k - 1)[len(score) - k - 1]) - z_out
                    - (AMOUNT_BOOST if isinstance(boost, np.ndarray) else 0.0)) / BM25_WEIGHT
            reach_bm25 = np.zeros(n, dtype=bool)
            reach_bm25[matched[b_matched >= _s_from_z(need, *b_stats)]] = True
            reach_bm25[cand] = False
            extra = np.flatnonzero(reach_bm25)
            if len(extra) > ANN_BM25_MAX:
                extra = extra[_top(bm25[extra], ANN_BM25_MAX)]
        else:
            extra = np.empty(0, dtype=np.int64)
        if len(extra) or mode != "hybrid" or len(cand) <= k:
            cand = np.sort(np.concatenate([cand, extra]))  # in passage order: _top keeps ties in passage order
            dense, dense_z, bm25_z, score = scored(cand)
        units = self._units[cand]
        order = _distinct(score, k + 1, units)
        sample = None

        def dense_rank(j: int) -> int:
            nonlocal sample
            rank = 1 + int((dense > dense[j]).sum())
            if dense[j] < reach and n > len(cand):
                if sample is None:
                    sample = _dot(self._rank_sample(), query)
                rank = max(rank, 1 + round(int((sample > dense[j]).sum()) * n / len(sample)))
            return rank

        hits = [
            Hit(index.passages[cand[j]], float(score[j]), float(dense[j]), float(dense_z[j]), float(bm25[cand[j]]),
                float(bm25_z[j]), dense_rank(j), 1 + int((b_matched > bm25[cand[j]]).sum()))
            for j in order[:k]
        ]
        runner_up = 0.0
        if hits:
            others = dense[units != units[order[0]]]
            runner_up = float(others.max()) if len(others) else 0.0
        next_score = float(score[order[k]]) if len(order) > k else None
        terms, missing = abstain.missing_terms(index, question)
        return Retrieval(question, mode, hits, terms, missing, runner_up, next_score)


def _dot(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector on this thread. OpenBLAS splits a product of this size over its threads, and on a
    busy machine waiting for the slowest of them cost up to 8 ms at the 95th percentile for 4096 x 384."""
    return np.einsum("ij,j->i", matrix, vector)


#: Quotes at least this long that are the same text are one candidate, wherever they stand.
_SAME_TEXT_MIN_CHARS = 20


def _unit_ids(passages: list[Passage]) -> np.ndarray:
    """One id per candidate: members of a quote unit (a short list, a short section) share theirs, and so do
    passages quoting the same text (with the same table header) in several documents (a help centre's
    articles for Okta, Entra ID and Google repeat one paragraph, and took all three candidate places). A
    check sheet's rows never share: the same answer answers different questions."""
    parent = list(range(len(passages)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple, int] = {}
    for i, p in enumerate(passages):
        keys = []
        if p.unit_start is not None:
            keys.append(("unit", p.source, p.unit_start))
        # the whole quote, with what it is read with: one shared sentence (a footer's "お問い合わせください")
        # must not chain every unit that holds it into one
        quote = " ".join(p.quote_text.split())
        if p.kind != "row" and len(quote) >= _SAME_TEXT_MIN_CHARS:
            keys.append(("text", quote, p.context))
        for key in keys:
            j = first.setdefault(key, i)
            parent[root(i)] = root(j)
    return np.array([root(i) for i in range(len(passages))], dtype=np.int64)


def _distinct(score: np.ndarray, k: int, units: np.ndarray) -> np.ndarray:
    """_top, keeping only the best-scored passage of each unit."""
    want = k
    while True:
        order = _top(score, min(len(score), want))
        _, first = np.unique(units[order], return_index=True)
        kept = order[np.sort(first)]
        if len(kept) >= k or len(order) == len(score):
            return kept[:k]
        want *= 4


def _top(score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first, ties in passage order (stable at any corpus size)."""
    if len(score) > 4 * k:
        part = np.argpartition(-score, k - 1)[:k]
        return part[np.lexsort((part, -score[part]))]
    return np.argsort(-score, kind="stable")[:k]
