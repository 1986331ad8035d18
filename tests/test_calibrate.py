"""Fitting the decision: a known logistic is recovered, corpora weigh the same, held-out corpora stay out."""

from __future__ import annotations

import numpy as np

from assistant import abstain, calibrate


def _feats(**values) -> abstain.Features:
    base = {name: 0.0 for name in abstain.FEATURES}
    return abstain.Features(**{**base, **values})


def _rows(corpus: str, n: int, rng, shift: float = 0.0) -> list[calibrate.Row]:
    rows = []
    for i in range(n):
        gap = rng.normal(shift, 1.0)
        cov = rng.uniform(0, 1)
        p = 1 / (1 + np.exp(-(3.0 * gap + 2.0 * cov - 1.0)))
        label = bool(rng.uniform() < p)
        rows.append(calibrate.Row(corpus, f"{corpus}-{i}", "ja", True, label, True,
                                  _feats(score_gap=gap, coverage=cov, vocab_coverage=1.0)))
    return rows


def test_fit_recovers_a_known_logistic():
    rng = np.random.default_rng(0)
    rows = _rows("a", 4000, rng)
    weights, bias = calibrate.fit(rows, ("score_gap", "coverage"), l2=0.0)
    assert abs(weights["score_gap"] - 3.0) < 0.3 and abs(weights["coverage"] - 2.0) < 0.4 and abs(bias + 1.0) < 0.3


def test_each_corpus_weighs_the_same_whatever_its_size():
    rng = np.random.default_rng(1)
    rows = _rows("big", 1000, rng) + _rows("small", 50, rng)
    w = calibrate._corpus_weights(rows)
    big = w[[r.corpus == "big" for r in rows]].sum()
    small = w[[r.corpus == "small" for r in rows]].sum()
    assert abs(big - small) < 1e-6


def test_leave_one_corpus_out_scores_each_corpus_with_a_model_that_never_saw_it(monkeypatch):
    rng = np.random.default_rng(2)
    rows = _rows("a", 200, rng) + _rows("b", 200, rng, shift=0.5) + _rows("c", 200, rng, shift=-0.5)
    seen: list[set[str]] = []
    real_train = calibrate.train

    def spy(train_rows, names):
        seen.append({r.corpus for r in train_rows})
        return real_train(train_rows, names)

    monkeypatch.setattr(calibrate, "train", spy)
    report = calibrate.leave_one_corpus_out(rows, ("score_gap", "coverage"))
    assert seen == [{"b", "c"}, {"a", "c"}, {"a", "b"}]
    for name, m in report.items():
        assert m["n"] == 200
        assert m["answered_right"] + m["answered_wrong"] + m["review"] + m["not_documented"] == 200
        assert 0 < m["review_at"] <= m["answer_at"] < 1
    pooled = calibrate.pooled(report)
    assert pooled["n"] == 600 and pooled["answered_right"] == sum(m["answered_right"] for m in report.values())


def test_review_band_keeps_most_right_first_passages_on_the_fitting_corpora():
    rng = np.random.default_rng(3)
    rows = _rows("a", 500, rng) + _rows("b", 500, rng)
    model = calibrate.train(rows, ("score_gap", "coverage"))
    right = [r for r in rows if r.label]
    shown = sum(1 for r in right if model.probability(r.feats) >= model.review_at)
    assert shown >= calibrate.REVIEW_RECALL * len(right)


def test_fit_report_fits_on_the_training_corpora_and_judges_every_suite_corpus(monkeypatch):
    """--fit: models come from the training corpora only; each suite corpus is scored, none fitted on."""
    from assistant import evaluate

    rng = np.random.default_rng(3)
    train_rows = _rows("t-one", 300, rng) + _rows("t-two", 300, rng, shift=0.5)
    suite_rows = _rows("vendor", 80, rng) + _rows("default", 120, rng)
    # fit_rows turns {corpus: evaluation results} into rows; here the "results" are rows already
    monkeypatch.setattr(evaluate, "fit_rows", lambda per: [r for rows in per.values() for r in rows])
    seen = []
    real_train = calibrate.train

    def spy(rows, names):
        seen.append({r.corpus for r in rows})
        return real_train(rows, names)

    monkeypatch.setattr(calibrate, "train", spy)
    by_corpus = lambda rows: {c: [r for r in rows if r.corpus == c] for c in dict.fromkeys(r.corpus for r in rows)}
    report = evaluate.fit_report(by_corpus(suite_rows), by_corpus(train_rows))
    assert report["fitted_on"] == ["t-one", "t-two"]
    assert seen and all(corpora == {"t-one", "t-two"} for corpora in seen), "only training corpora are fitted on"
    for block in report["sets"].values():
        assert set(block["corpora"]) == {"vendor", "default"} and block["pooled"]["n"] == len(suite_rows)
    assert report["fitted_on_all"].keys() == calibrate.FEATURE_SETS.keys()


def test_the_cuts_are_set_where_each_fitting_corpus_stands_when_left_out(monkeypatch):
    """The weights come from every fitting corpus; the answer and review cuts from each corpus's
    probabilities under a model fitted without it, so they hold for a corpus the model never saw."""
    rng = np.random.default_rng(4)
    rows = _rows("a", 200, rng) + _rows("b", 200, rng, shift=0.5) + _rows("c", 200, rng, shift=-0.5)
    fitted_on: list[set[str]] = []
    real_fit = calibrate.fit

    def spy(fit_rows, names, l2=None):
        fitted_on.append({r.corpus for r in fit_rows})
        return real_fit(fit_rows, names, l2)

    monkeypatch.setattr(calibrate, "fit", spy)
    model = calibrate.train(rows, ("score_gap", "coverage"))
    assert fitted_on == [{"a", "b", "c"}, {"b", "c"}, {"a", "c"}, {"a", "b"}]
    held = calibrate.held_out_probabilities(rows, ("score_gap", "coverage"))
    limit = float(calibrate.ANSWER_RULE.split("<=")[1])
    weights = calibrate._corpus_weights(rows)
    wrong = sum(w for r, p, w in zip(rows, held, weights) if p >= model.answer_at and not r.label) / weights.sum()
    assert wrong <= limit, "held out, the answered wrong stay under the rule's limit"
    lower = round(model.answer_at - 0.01, 2)
    if lower >= calibrate._GRID[0]:
        below = sum(w for r, p, w in zip(rows, held, weights) if p >= lower and not r.label) / weights.sum()
        assert below > limit, "and the cut is the lowest that does"
