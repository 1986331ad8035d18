"""Evaluation: run a Q&A set through the same path as `ask`, beside BM25-only and dense-only baselines.

Metrics follow shared/contracts.md: an answerable question is right when it was answered and its first
citation contains an expected fragment; an unanswerable one is right when it was not answered. The
numbers are data here; report.py formats them and cli.py prints them.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import abstain
from .answer import Answer, Assistant, language, validate_question
from .config import PROJECT_ROOT
from .errors import EvalSetError, InputError
from .types import Status

DEFAULT_SET = PROJECT_ROOT / "eval" / "questions.jsonl"
#: Baselines run beside the product, so every choice is justified by numbers from the same run.
MODES = ("hybrid", "dense", "bm25")
#: Ranked passages looked at for recall@3 and MRR.
DEPTH = 10
#: A wrong answer in a questionnaire costs this many missed ones (used to suggest a threshold).
WRONG_COST = 3.0
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: Called after each question with (questions done, questions in the run, what runs: "eval hybrid").
Progress = Callable[[int, int, str], None]


@dataclass
class Item:
    id: str
    question: str
    expected: list[str]
    lang: str
    line: int

    @property
    def answerable(self) -> bool:
        return bool(self.expected)


@dataclass
class Result:
    item: Item
    answer: Answer
    ranks: list[int]  # 1-based ranks (within DEPTH) of passages that contain an expected fragment
    ms: float
    feats: abstain.Features | None = None  # what the decision saw (for fitting it: calibrate.py)

    @property
    def top1(self) -> bool:
        return bool(self.ranks) and self.ranks[0] == 1

    def correct_at(self, threshold: float) -> bool:
        answered = self.answer.confidence >= threshold
        return (answered and self.top1) if self.item.answerable else not answered

    @property
    def correct(self) -> bool:
        return (self.answer.answered and self.top1) if self.item.answerable else not self.answer.answered

    @property
    def outcome(self) -> str:
        """right | wrong (answered, but not with the right passage) | missed (abstained on answerable) | abstained."""
        if self.item.answerable:
            if not self.answer.answered:
                return "missed"
            return "right" if self.top1 else "wrong"
        return "wrong" if self.answer.answered else "abstained"

    def to_dict(self) -> dict:
        d = self.answer.to_dict()
        return {
            "id": self.item.id, "question": self.item.question, "expected": self.item.expected,
            "lang": self.item.lang, "correct": self.correct, "outcome": self.outcome, "status": d["status"],
            "answered": self.answer.answered, "confidence": d["confidence"], "rank": self.ranks[0] if self.ranks else None,
            "ms": round(self.ms, 1), "citations": d["citations"],
        }


@dataclass
class Run:
    mode: str
    results: list[Result] = field(default_factory=list)


def load_set(path: Path, corpus_texts: list[str]) -> list[Item]:
    """Read and validate an evaluation set; a broken line is an error naming its line number."""
    if not path.is_file():
        raise EvalSetError(f"evaluation set {path} not found; pass a JSON Lines file (see shared/contracts.md)")
    items: list[Item] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise EvalSetError(f"{path} is not UTF-8 text") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}, line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise EvalSetError(f"{where}: each line must be a JSON object")
        missing = [k for k in ("id", "question", "expected") if k not in obj]
        if missing:
            raise EvalSetError(f"{where}: missing field(s) {', '.join(missing)}")
        if not isinstance(obj["id"], str) or not isinstance(obj["question"], str) or not obj["question"].strip():
            raise EvalSetError(f"{where}: 'id' and 'question' must be non-empty strings")
        expected = obj["expected"]
        if not isinstance(expected, list) or not all(isinstance(e, str) and e for e in expected):
            raise EvalSetError(f"{where}: 'expected' must be a list of non-empty strings")
        if obj["id"] in seen:
            raise EvalSetError(f"{where}: duplicate id {obj['id']!r}")
        seen.add(obj["id"])
        for fragment in expected:
            if not any(fragment in text for text in corpus_texts):
                raise EvalSetError(f"{where}: expected fragment {fragment!r} does not occur in the corpus")
        lang = obj.get("lang") or language(obj["question"])
        items.append(Item(obj["id"], obj["question"], expected, lang, n))
    if not items:
        raise EvalSetError(f"{path} holds no questions")
    return items


def _ranks(answer_hits, expected: list[str]) -> list[int]:
    return [i for i, p in enumerate(answer_hits, 1) if any(e in p.quote_text for e in expected)]


def run_mode(assistant: Assistant, items: list[Item], mode: str, progress: Progress | None = None) -> Run:
    run = Run(mode)
    for n, item in enumerate(items, 1):
        started = time.perf_counter()
        try:
            question = validate_question(item.question, assistant.settings.max_question_chars)
        except InputError as exc:
            raise EvalSetError(f"line {item.line}: {exc}") from None
        retrieval = assistant.retrieve(question, mode=mode, k=DEPTH)
        answer = assistant.answer_from(question, retrieval, started=started)
        answer.citations = answer.citations[:3]
        ms = (time.perf_counter() - started) * 1000
        run.results.append(Result(item, answer, _ranks([h.passage for h in retrieval.hits], item.expected), ms,
                                  abstain.features(assistant.index, retrieval)))
        if progress:
            progress(n, len(items), f"eval {mode}")
    return run


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def metrics(results: list[Result], threshold: float | None = None) -> dict:
    def answered(r: Result) -> bool:
        return r.answer.answered if threshold is None else r.answer.confidence >= threshold

    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]
    abstained = [r for r in results if not answered(r)]
    wrong = [r for r in results if answered(r) and (not r.item.answerable or not r.top1)]
    review = [r for r in abstained if r.answer.status == Status.REVIEW]
    ms = [r.ms for r in results]
    return {
        "n": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "top1_accuracy": _ratio(sum(1 for r in answerable if answered(r) and r.top1), len(answerable)),
        "retrieval_top1": _ratio(sum(1 for r in answerable if r.top1), len(answerable)),
        "recall_at_3": _ratio(sum(1 for r in answerable if r.ranks and r.ranks[0] <= 3), len(answerable)),
        "mrr": round(sum(1 / r.ranks[0] for r in answerable if r.ranks) / len(answerable), 4) if answerable else None,
        "abstain_precision": _ratio(sum(1 for r in abstained if not r.item.answerable), len(abstained)),
        "abstain_recall": _ratio(sum(1 for r in unanswerable if not answered(r)), len(unanswerable)),
        "wrong_answer_rate": _ratio(len(wrong), len(results)),
        "accuracy": _ratio(sum(1 for r in results if ((answered(r) and r.top1) if r.item.answerable else not answered(r))), len(results)),
        # the three outcomes: a needs-review answer is not "answered", but it is useful when its candidate is right
        "answered": sum(1 for r in results if answered(r)),
        "needs_review": len(review),
        "review_right": sum(1 for r in review if r.item.answerable and r.top1),
        "p50_ms": _percentile(ms, 50),
        "p95_ms": _percentile(ms, 95),
    }


def by_language(results: list[Result], threshold: float | None = None) -> dict[str, dict]:
    langs = sorted({r.item.lang for r in results})
    return {lang: metrics([r for r in results if r.item.lang == lang], threshold) for lang in langs}


def threshold_table(results: list[Result]) -> list[dict]:
    """What each threshold trades: wrong answers given against answerable questions left unanswered."""
    rows = []
    for t in THRESHOLDS:
        wrong = sum(1 for r in results if r.answer.confidence >= t and (not r.item.answerable or not r.top1))
        missed = sum(1 for r in results if r.item.answerable and r.top1 and r.answer.confidence < t)
        right = sum(1 for r in results if r.correct_at(t))
        rows.append({"threshold": t, "wrong": wrong, "missed": missed, "right": right,
                     "cost": round(WRONG_COST * wrong + missed, 2)})
    return rows


def suggest_threshold(results: list[Result]) -> float:
    """The threshold with the lowest cost (WRONG_COST per wrong answer, 1 per missed one); ties go higher."""
    rows = threshold_table(results)
    best = min(rows, key=lambda r: (r["cost"], -r["threshold"]))
    return best["threshold"]


def evaluate(assistant: Assistant, path: Path | None = None, modes=MODES, progress: Progress | None = None) -> dict:
    texts = [assistant.source_text(s) or "" for s in assistant.index.documents]
    items = load_set(path or DEFAULT_SET, texts)
    runs = {mode: run_mode(assistant, items, mode, progress) for mode in modes}
    product = runs[modes[0]]
    return {
        "set": str(path or DEFAULT_SET),
        "threshold": assistant.threshold,
        "suggested_threshold": suggest_threshold(product.results),
        "metrics": {**metrics(product.results), "by_lang": by_language(product.results)},
        "baselines": {m: {**metrics(r.results), "by_lang": by_language(r.results)} for m, r in runs.items() if r is not product},
        "thresholds": threshold_table(product.results),
        "results": [r.to_dict() for r in product.results],
        "_runs": runs,
    }


SUITE = PROJECT_ROOT / "eval" / "suite"
#: Corpora and questions written only to fit the decision on (never reported as quality): a suite folder.
TRAIN = PROJECT_ROOT / "eval" / "train"


def suite_sets(folder: Path, default: tuple[Path, Path] | None = None) -> list[tuple[str, Path, Path]]:
    """(name, corpus folder, question set) for each ``corpora/<name>/`` that has a ``<name>.jsonl`` beside it.

    ``default`` (corpus folder, question set) puts the product's own corpus first, named ``default``.
    """
    corpora = folder / "corpora"
    if not corpora.is_dir():
        raise EvalSetError(f"{folder} has no corpora/ folder; a suite is corpora/<name>/ plus <name>.jsonl per corpus")
    sets = [(d.name, d, folder / f"{d.name}.jsonl") for d in sorted(corpora.iterdir()) if d.is_dir()]
    sets = [s for s in sets if s[2].is_file()]
    if default is not None and default[0].is_dir() and default[1].is_file():
        sets.insert(0, ("default", default[0], default[1]))
    if not sets:
        raise EvalSetError(f"{folder}: no corpus in corpora/ has a question set <name>.jsonl beside it")
    return sets


def evaluate_suite(folder: Path | None = None, settings=None, progress: Progress | None = None) -> dict:
    """Each corpus on its own index, its own questions; then pooled, and thresholds chosen leaving one corpus out.

    Leave-one-corpus-out is the honest number for an unseen vendor: the threshold a held-out corpus is
    scored at was chosen on the other corpora only.
    """
    from .config import get_settings

    folder = folder or SUITE
    settings = settings or get_settings()
    per: dict[str, list[Result]] = {}
    # the product's own corpus and set join the suite when they are the ones configured
    own = (settings.corpus, DEFAULT_SET) if folder == SUITE and settings.corpus == PROJECT_ROOT / "corpus" else None
    for name, corpus, questions in suite_sets(folder, own):
        s = settings if name == "default" else settings.model_copy(
            update={"corpus": corpus, "index": settings.cache / "suite-index" / name})
        report = evaluate(Assistant(s, progress=bool(progress)), questions, modes=("hybrid",), progress=progress)
        per[name] = report["_runs"]["hybrid"].results
    pooled = [r for rs in per.values() for r in rs]
    from .answer import MODEL

    threshold = settings.threshold if settings.threshold is not None else MODEL.answer_at
    loco = {}
    for name, held in per.items():
        rest = [r for other, rs in per.items() if other != name for r in rs]
        chosen = suggest_threshold(rest) if rest else threshold
        loco[name] = {"threshold": chosen, **metrics(held, chosen)}
    return {
        "suite": str(folder),
        "threshold": threshold,
        "corpora": {name: metrics(rs) for name, rs in per.items()},
        "pooled": {**metrics(pooled), "by_lang": by_language(pooled)},
        "leave_one_corpus_out": loco,
        "thresholds": threshold_table(pooled),
        "results": {name: [r.to_dict() for r in rs] for name, rs in per.items()},
        "_per": per,
    }


def fit_rows(per: dict[str, list[Result]]) -> list:
    from .calibrate import Row

    return [Row(name, r.item.id, r.item.lang, r.item.answerable, r.top1, bool(r.ranks), r.feats)
            for name, rs in per.items() for r in rs if r.feats is not None]


def fit_report(per: dict[str, list[Result]], train: dict[str, list[Result]] | None = None) -> dict:
    """Each candidate feature set fitted on the training corpora and judged on every suite corpus (all held
    out); without training corpora, fitted leaving one suite corpus out in turn. Then each set fitted on
    all the fitting corpora, the model to freeze in answer.py."""
    from . import calibrate

    rows = fit_rows(per)
    fitting = fit_rows(train) if train else rows
    models = {label: calibrate.train(fitting, names) for label, names in calibrate.FEATURE_SETS.items()}
    sets = {}
    for label, names in calibrate.FEATURE_SETS.items():
        if train:
            model = models[label]
            held = {name: {"answer_at": model.answer_at, "review_at": model.review_at,
                           **calibrate.outcomes([r for r in rows if r.corpus == name], model)}
                    for name in per}
        else:
            held = calibrate.leave_one_corpus_out(rows, names)
        sets[label] = {"features": list(names), "corpora": held, "pooled": calibrate.pooled(held)}
    final = {label: {"weights": {k: round(v, 4) for k, v in m.weights.items()}, "bias": round(m.bias, 4),
                     "answer_at": m.answer_at, "review_at": m.review_at} for label, m in models.items()}
    return {"fitted_on": sorted(train or per), "sets": sets, "fitted_on_all": final}
