"""The evaluation's numbers as text: metric tables, the threshold trade-off, failures, and the Markdown
report with its confidence plot (``assistant eval --report``). Formats only; cli.py prints."""

from __future__ import annotations

import json
from pathlib import Path

from .evaluate import WRONG_COST

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


_FIT_COLUMNS = ("n", "retrievable", "answered_right", "answered_wrong", "review", "review_right", "not_documented",
                "right_of_retrievable", "wrong_rate", "shown_of_retrievable")


def fit_text(report: dict) -> str:
    out = [f"Fitted on: {', '.join(report['fitted_on'])}", ""]
    for label, block in report["sets"].items():
        header = ["held-out corpus", "answer_at", "review_at"] + list(_FIT_COLUMNS)
        rows = [[name, f"{m['answer_at']:.2f}", f"{m['review_at']:.2f}"] + [_fmt(m[c]) for c in _FIT_COLUMNS]
                for name, m in block["corpora"].items()]
        rows.append(["pooled", "", ""] + [_fmt(block["pooled"][c]) for c in _FIT_COLUMNS])
        out += [f"## {label}: {', '.join(block['features'])}", _table(header, rows, False), ""]
    out.append("## fitted on all the fitting corpora (to freeze in answer.py)")
    out += [f"{label}: {json.dumps(m)}" for label, m in report["fitted_on_all"].items()]
    return "\n".join(out)
