"""Evaluation: run a Q&A set through the same path as `ask`, beside BM25-only and dense-only baselines.

Metrics follow shared/contracts.md: an answerable question is right when it was answered and its first
citation contains an expected fragment; an unanswerable one is right when it was not answered.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

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
    return [i for i, p in enumerate(answer_hits, 1) if any(e in p.text for e in expected)]


def run_mode(assistant: Assistant, items: list[Item], mode: str, progress: bool = True) -> Run:
    run = Run(mode)
    for item in tqdm(items, desc=f"eval {mode}", unit="q", disable=not progress, file=sys.stderr, leave=False):
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


def evaluate(assistant: Assistant, path: Path | None = None, modes=MODES, progress: bool = True) -> dict:
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


def evaluate_suite(folder: Path | None = None, settings=None, progress: bool = True) -> dict:
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
        report = evaluate(Assistant(s, progress=progress), questions, modes=("hybrid",), progress=progress)
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


# --- presentation ----------------------------------------------------------------------------------

_COLUMNS = ("top1_accuracy", "retrieval_top1", "recall_at_3", "mrr", "abstain_precision", "abstain_recall", "wrong_answer_rate", "p50_ms", "p95_ms")
_SHORT = {"top1_accuracy": "top1", "retrieval_top1": "ret@1", "recall_at_3": "R@3", "mrr": "MRR", "abstain_precision": "abst.P",
          "abstain_recall": "abst.R", "wrong_answer_rate": "wrong", "p50_ms": "p50ms", "p95_ms": "p95ms"}


def _fmt(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3f}" if isinstance(v, float) and v <= 1.0 else f"{v:.1f}" if isinstance(v, float) else str(v)


def metrics_table(report: dict, markdown: bool = False) -> str:
    rows = []
    for name, m in [("hybrid (product)", report["metrics"])] + [(f"{k} (baseline)", v) for k, v in report["baselines"].items()]:
        rows.append([name, "all", str(m["n"])] + [_fmt(m[c]) for c in _COLUMNS])
        for lang, lm in m["by_lang"].items():
            rows.append(["", lang, str(lm["n"])] + [_fmt(lm[c]) for c in _COLUMNS])
    header = ["system", "lang", "n"] + [_SHORT[c] for c in _COLUMNS]
    return _table(header, rows, markdown)


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def thresholds_text(report: dict, markdown: bool = False) -> str:
    rows = [[f"{r['threshold']:.2f}" + (" *" if abs(r["threshold"] - report["threshold"]) < 1e-9 else ""),
             str(r["wrong"]), str(r["missed"]), str(r["right"]), f"{r['cost']:.0f}"] for r in report["thresholds"]]
    return _table(["threshold", "wrong answers", "missed answers", "right", f"cost (wrong x{WRONG_COST:g})"], rows, markdown)


def failures_text(report: dict) -> str:
    out = []
    for r in report["results"]:
        if r["correct"]:
            continue
        got = r["citations"][0]["quote"] if r["citations"] else "(nothing)"
        want = " | ".join(r["expected"]) if r["expected"] else "(not documented)"
        status = "answered" if r["answered"] else "abstained"
        out.append(f"- [{r['outcome']}] {r['id']}: {r['question']}\n    expected: {want}\n"
                   f"    got ({status}, conf {r['confidence']:.2f}, right passage at rank {r['rank'] or '-'}): {got[:120]}")
    return "\n".join(out) if out else "(none)"


def write_report(report: dict, folder: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    groups = {"right": [], "wrong": [], "missed": [], "unanswerable": []}
    for r in report["results"]:
        key = r["outcome"] if r["expected"] else "unanswerable"
        groups.setdefault(key, []).append(r["confidence"])
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=110)
    colors = {"right": "#2e7d32", "wrong": "#c62828", "missed": "#f9a825", "unanswerable": "#546e7a"}
    for i, (name, values) in enumerate(groups.items()):
        ys = [i + (j % 7 - 3) * 0.05 for j in range(len(values))]
        ax.scatter(values, ys, s=14, alpha=0.75, color=colors.get(name, "grey"), label=f"{name} ({len(values)})")
    ax.axvline(report["threshold"], color="black", linestyle="--", linewidth=1)
    ax.text(report["threshold"], len(groups) - 0.4, f" threshold {report['threshold']:.2f}", fontsize=8)
    ax.set_yticks(range(len(groups)), list(groups))
    ax.set_xlim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_title("Confidence of right, wrong, missed and unanswerable questions")
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(folder / "confidence.png")
    plt.close(fig)
    md = [
        "# Evaluation report", "",
        f"Set: `{report['set']}`; threshold {report['threshold']:.2f} (suggested by cost: {report['suggested_threshold']:.2f}).", "",
        "## Metrics", "", metrics_table(report, markdown=True), "",
        "## Confidence", "", "![confidence](confidence.png)", "",
        "## Threshold trade-off (product)", "", thresholds_text(report, markdown=True), "",
        "## Failures", "", failures_text(report), "",
    ]
    path = folder / "report.md"
    path.write_text("\n".join(md), encoding="utf-8")
    return path


_SUITE_COLUMNS = ("n", "answered", "needs_review", "review_right", "top1_accuracy", "retrieval_top1",
                  "abstain_recall", "wrong_answer_rate")


def suite_table(report: dict, markdown: bool = False) -> str:
    header = ["corpus"] + [_SHORT.get(c, c) for c in _SUITE_COLUMNS]
    rows = [[name] + [_fmt(m[c]) for c in _SUITE_COLUMNS] for name, m in report["corpora"].items()]
    rows.append(["pooled"] + [_fmt(report["pooled"][c]) for c in _SUITE_COLUMNS])
    for name, m in report["leave_one_corpus_out"].items():
        rows.append([f"{name} (LOCO t={m['threshold']:.2f})"] + [_fmt(m[c]) for c in _SUITE_COLUMNS])
    return _table(header, rows, markdown)


def fit_rows(per: dict[str, list[Result]]) -> list:
    from .calibrate import Row

    return [Row(name, r.item.id, r.item.lang, r.item.answerable, r.top1, bool(r.ranks), r.feats)
            for name, rs in per.items() for r in rs if r.feats is not None]


_FIT_COLUMNS = ("n", "retrievable", "answered_right", "answered_wrong", "review", "review_right", "not_documented",
                "right_of_retrievable", "wrong_rate", "shown_of_retrievable")


def fit_report(per: dict[str, list[Result]]) -> dict:
    """Each candidate feature set, fitted leaving one corpus out; then the chosen set fitted on all corpora."""
    from . import calibrate

    rows = fit_rows(per)
    sets = {}
    for label, names in calibrate.FEATURE_SETS.items():
        loco = calibrate.leave_one_corpus_out(rows, names)
        sets[label] = {"features": list(names), "corpora": loco, "pooled": calibrate.pooled(loco)}
    final = {}
    for label, names in calibrate.FEATURE_SETS.items():
        m = calibrate.train(rows, names)
        final[label] = {"weights": {k: round(v, 4) for k, v in m.weights.items()}, "bias": round(m.bias, 4),
                        "answer_at": m.answer_at, "review_at": m.review_at}
    return {"sets": sets, "fitted_on_all": final}


def fit_text(report: dict) -> str:
    out = []
    for label, block in report["sets"].items():
        header = ["held-out corpus", "answer_at", "review_at"] + list(_FIT_COLUMNS)
        rows = [[name, f"{m['answer_at']:.2f}", f"{m['review_at']:.2f}"] + [_fmt(m[c]) for c in _FIT_COLUMNS]
                for name, m in block["corpora"].items()]
        rows.append(["pooled", "", ""] + [_fmt(block["pooled"][c]) for c in _FIT_COLUMNS])
        out += [f"## {label}: {', '.join(block['features'])}", _table(header, rows, False), ""]
    out.append("## fitted on all corpora (to freeze in answer.py)")
    out += [f"{label}: {json.dumps(m)}" for label, m in report["fitted_on_all"].items()]
    return "\n".join(out)


def run_suite_cli(folder: Path | None, *, as_json: bool = False, fit: bool = False) -> None:
    result = evaluate_suite(folder, progress=not as_json)
    per = result.pop("_per")
    if fit:
        fitted = fit_report(per)
        print(json.dumps(fitted, ensure_ascii=False, indent=2) if as_json else fit_text(fitted))
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(suite_table(result))
    print(f"\nThreshold {result['threshold']:.2f}; pooled trade-off:")
    print(thresholds_text(result))


def run_cli(file: Path | None, *, as_json: bool = False, report: Path | None = None) -> None:
    from .answer import get_assistant

    if report is not None:
        report.mkdir(parents=True, exist_ok=True)  # fail before a long run, not after it
    assistant = get_assistant(progress=True)
    result = evaluate(assistant, file, progress=not as_json)
    result.pop("_runs")
    if report is not None:
        path = write_report(result, report)
        print(f"report written to {path}", file=sys.stderr)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(metrics_table(result))
    print(f"\nThreshold {result['threshold']:.2f} (suggested {result['suggested_threshold']:.2f}); what others would trade:")
    print(thresholds_text(result))
    print("\nFailures (product):")
    print(failures_text(result))
