"""Fitting the decision on several corpora and judging it only on the one left out.

The decision model in answer.py is frozen from here (``assistant eval --fit``). Each corpus weighs the
same in the fit, whatever its number of questions, so the default corpus's 199 questions do not drown
three vendor pages of 35; every number printed for a corpus comes from a model that never saw it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from . import abstain
from .types import Status

#: A wrong answer costs this many right answers withheld (the evaluation's WRONG_COST).
WRONG_COST = 3.0
#: Share of right first passages that must at least reach the review band on the fitting corpora.
REVIEW_RECALL = 0.95
#: How the answering cut is chosen on the fitting corpora: "cost" (lowest WRONG_COST-weighted cost), or
#: "wrong<=X" (the lowest cut whose corpus-weighted wrong answers stay at or under X of all questions).
#: Both are judged on held-out probabilities (each fitting corpus scored by a model fitted without it),
#: so the cut is where a corpus the model never saw stands: the issue's limit is 3 %, 2.5 % leaves room.
ANSWER_RULE = "wrong<=0.025"
#: The cuts are looked for on this grid.
_GRID = tuple(round(0.01 * i, 2) for i in range(50, 100))
#: Ridge penalty on standardised weights: small corpora must not push one feature to extremes.
L2 = 1.0

#: Candidate feature sets, from the earlier z-score model to the corpus-independent features.
FEATURE_SETS = {
    "z-scores (before)": ("dense_z", "bm25_z", "missing"),
    "margins+agreement": ("dense_gap", "score_gap", "agree", "dense_rank", "bm25_rank", "missing"),
    "transferable": ("dense", "dense_gap", "score_gap", "agree", "dense_rank", "bm25_rank", "coverage",
                     "vocab_coverage", "missing", "cross"),
    "transferable+asked": ("dense", "dense_gap", "score_gap", "agree", "dense_rank", "bm25_rank", "coverage",
                           "vocab_coverage", "missing", "cross", "asked"),
}


@dataclass
class Row:
    corpus: str
    id: str
    lang: str
    answerable: bool
    top1: bool  # the first passage holds an expected fragment
    ranked: bool  # some passage in the ranking does
    feats: abstain.Features

    @property
    def label(self) -> int:
        return int(self.answerable and self.top1)


def _matrix(rows: list[Row], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[asdict(r.feats)[n] for n in names] for r in rows], dtype=np.float64)


def _corpus_weights(rows: list[Row]) -> np.ndarray:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.corpus] = counts.get(r.corpus, 0) + 1
    w = np.array([1.0 / counts[r.corpus] for r in rows])
    return w * len(rows) / w.sum()


def fit(rows: list[Row], names: tuple[str, ...], l2: float | None = None) -> tuple[dict[str, float], float]:
    """Weighted ridge logistic regression by Newton's method; returns raw-scale weights and bias."""
    x = _matrix(rows, names)
    y = np.array([r.label for r in rows], dtype=np.float64)
    sw = _corpus_weights(rows)
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd < 1e-9] = 1.0
    z = np.hstack([np.ones((len(rows), 1)), (x - mu) / sd])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2 if l2 is None else l2)
    penalty[0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        grad = z.T @ (sw * (p - y)) + penalty * beta
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = {n: float(b / s) for n, b, s in zip(names, beta[1:], sd)}
    bias = float(beta[0] - sum(b * m / s for b, m, s in zip(beta[1:], mu, sd)))
    return weights, bias


def _cost(rows: list[Row], probs: np.ndarray, at: float) -> float:
    sw = _corpus_weights(rows)
    cost = 0.0
    for r, p, w in zip(rows, probs, sw):
        if p >= at and not r.label:
            cost += WRONG_COST * w
        elif p < at and r.label:
            cost += w
    return cost


def held_out_probabilities(rows: list[Row], names: tuple[str, ...]) -> np.ndarray:
    """Each row's probability from a model fitted without its corpus (needs three corpora or more)."""
    probs = np.zeros(len(rows))
    for corpus in sorted({r.corpus for r in rows}):
        weights, bias = fit([r for r in rows if r.corpus != corpus], names)
        model = abstain.Model(weights, bias, 0.5, 0.5)
        for i, r in enumerate(rows):
            if r.corpus == corpus:
                probs[i] = model.probability(r.feats)
    return probs


def thresholds(rows: list[Row], model: abstain.Model, probs: np.ndarray | None = None) -> tuple[float, float]:
    """answer_at by ANSWER_RULE (ties go higher); review_at: the highest cut keeping REVIEW_RECALL. ``probs``:
    the rows' held-out probabilities when there are any, else the model's own."""
    if probs is None:
        probs = np.array([model.probability(r.feats) for r in rows])
    grid = list(_GRID)
    if ANSWER_RULE.startswith("wrong<="):
        limit = float(ANSWER_RULE.split("<=")[1])
        sw = _corpus_weights(rows)
        def wrong(t: float) -> float:
            return sum(w for r, p, w in zip(rows, probs, sw) if p >= t and not r.label) / sw.sum()
        ok = [t for t in grid if wrong(t) <= limit]
        answer_at = min(ok) if ok else grid[-1]
    else:
        answer_at = min(grid, key=lambda t: (round(_cost(rows, probs, t), 6), -t))
    right = np.sort(probs[[bool(r.label) for r in rows]])
    if len(right):
        cut = right[int(math.floor((1 - REVIEW_RECALL) * len(right)))]
        review_at = max(0.05, min(answer_at, math.floor(cut * 100) / 100))
    else:
        review_at = answer_at
    return answer_at, review_at


def train(rows: list[Row], names: tuple[str, ...]) -> abstain.Model:
    """Weights from all the rows; cuts where the rows stand when their corpus is left out of the fit."""
    weights, bias = fit(rows, names)
    provisional = abstain.Model(weights, bias, 0.5, 0.5)
    held = held_out_probabilities(rows, names) if len({r.corpus for r in rows}) >= 3 else None
    answer_at, review_at = thresholds(rows, provisional, held)
    return abstain.Model(weights, bias, answer_at, review_at)


def outcomes(rows: list[Row], model: abstain.Model) -> dict:
    """The three outcomes on a set of rows, split the way the issue's targets are stated."""
    out = {"n": len(rows), "answerable": 0, "retrievable": 0, "answered_right": 0, "answered_wrong": 0,
           "review": 0, "review_right": 0, "not_documented": 0, "shown_right": 0}
    for r in rows:
        status, _, _ = abstain.decide(model, r.feats)
        out["answerable"] += r.answerable
        out["retrievable"] += r.answerable and r.top1
        if status == Status.ANSWERED:
            out["answered_right" if r.label else "answered_wrong"] += 1
        elif status == Status.REVIEW:
            out["review"] += 1
            out["review_right"] += r.label
        else:
            out["not_documented"] += 1
        out["shown_right"] += r.label and status != Status.NOT_DOCUMENTED
    return _with_ratios(out)


def _with_ratios(out: dict) -> dict:
    ret = out["retrievable"] or 1
    out["right_of_retrievable"] = round(out["answered_right"] / ret, 3)
    out["wrong_rate"] = round(out["answered_wrong"] / max(1, out["n"]), 3)
    out["shown_of_retrievable"] = round(out["shown_right"] / ret, 3)
    return out


def leave_one_corpus_out(rows: list[Row], names: tuple[str, ...]) -> dict[str, dict]:
    corpora = sorted({r.corpus for r in rows})
    report = {}
    for held in corpora:
        train_rows = [r for r in rows if r.corpus != held]
        test_rows = [r for r in rows if r.corpus == held]
        model = train(train_rows, names)
        report[held] = {"answer_at": model.answer_at, "review_at": model.review_at, **outcomes(test_rows, model)}
    return report


def pooled(report: dict[str, dict]) -> dict:
    keys = ("n", "answerable", "retrievable", "answered_right", "answered_wrong", "review", "review_right",
            "not_documented", "shown_right")
    out = {k: sum(v[k] for v in report.values()) for k in keys}
    return _with_ratios(out)
