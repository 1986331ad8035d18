"""The evaluation set, the runner's metrics (against a hand computation) and the quality gate."""

from __future__ import annotations

import json

import pytest

from assistant import evaluate
from assistant.answer import Answer, Citation
from assistant.errors import EvalSetError
from assistant.evaluate import Item, Result, load_set, metrics
from assistant.report import write_report

CORPUS = ["WorkatoはSOC-1およびSOC-2の監査を受けています。", "SAML SSOに対応しています。"]


def _write(tmp_path, lines):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_public_set_is_valid_and_balanced(assistant):
    texts = [assistant.source_text(s) for s in assistant.index.documents]
    items = load_set(evaluate.DEFAULT_SET, texts)
    assert len(items) >= 100
    langs = [i.lang for i in items]
    assert abs(langs.count("ja") - langs.count("en")) <= 0.2 * len(items)
    assert sum(1 for i in items if not i.answerable) >= 20


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "question": "q"', "line 2: not valid JSON"),
    ('["a"]', "line 2: each line must be a JSON object"),
    ('{"id": "a", "question": "q"}', "line 2: missing field"),
    ('{"id": "a", "question": "q", "expected": "SAML"}', "line 2: 'expected' must be a list"),
    ('{"id": "a", "question": "q", "expected": ["ISO 27001"]}', "line 2: expected fragment 'ISO 27001' does not occur"),
    ('{"id": "ok", "question": "dup", "expected": []}', "line 2: duplicate id"),
])
def test_broken_lines_name_their_line(tmp_path, line, message):
    path = _write(tmp_path, ['{"id": "ok", "question": "SSO?", "expected": ["SAML SSO"]}', line])
    with pytest.raises(EvalSetError, match=message):
        load_set(path, CORPUS)


def test_lang_is_inferred_when_absent(tmp_path):
    path = _write(tmp_path, ['{"id": "a", "question": "SSOは？", "expected": []}',
                             '{"id": "b", "question": "SSO?", "expected": []}'])
    assert [i.lang for i in load_set(path, CORPUS)] == ["ja", "en"]


def _result(expected, answered, ranks, conf, lang="en", ms=10.0):
    item = Item(id="x", question="q", expected=expected, lang=lang, line=1)
    c = Citation("quote", "s", [], 0, 5, 0.5)
    return Result(item, Answer("q", answered, "", conf, [c]), ranks, ms)


def test_metrics_match_a_hand_computation():
    results = [
        _result(["a"], True, [1], 0.9),      # right
        _result(["a"], True, [2], 0.8),      # answered with the wrong passage
        _result(["a"], False, [1], 0.3),     # missed: right passage, abstained
        _result(["a"], False, [], 0.2),      # not found at all
        _result([], False, [], 0.1),         # correctly abstained
        _result([], True, [], 0.7),          # answered an unanswerable question
    ]
    m = metrics(results)
    assert m["n"] == 6 and m["answerable"] == 4 and m["unanswerable"] == 2
    assert m["top1_accuracy"] == 0.25
    assert m["retrieval_top1"] == 0.5
    assert m["recall_at_3"] == 0.75
    assert m["mrr"] == round((1 + 0.5 + 1) / 4, 4)
    assert m["abstain_precision"] == round(1 / 3, 4)  # 3 abstentions, 1 on an unanswerable question
    assert m["abstain_recall"] == 0.5
    assert m["wrong_answer_rate"] == round(2 / 6, 4)
    table = {row["threshold"]: row for row in evaluate.threshold_table(results)}
    assert table[0.5]["wrong"] == 2 and table[0.5]["missed"] == 1  # the 0.8 and 0.7 answers; the 0.3 one
    assert table[0.95]["wrong"] == 0 and table[0.95]["missed"] == 2


@pytest.fixture(scope="module")
def report(assistant):
    return evaluate.evaluate(assistant, progress=False)


# Levels reached when the gate was set (see README "Evaluation"); raise them when quality improves,
# lower them only with a reason in the commit message.
# The decision fitted on five corpora (answer.py MODEL) answers less on this set than the one fitted on it
# alone did (top-1 0.70 -> 0.42) and gives far fewer wrong answers (10 -> 0); abstain_precision no longer
# gates, because "not answered" now includes the review band, whose candidates are mostly right.
GATE = {"top1_accuracy": 0.40, "retrieval_top1": 0.87, "recall_at_3": 0.95, "abstain_recall": 0.85}
#: Upper bounds: wrong answers given, and right first passages hidden behind "not documented".
CEILING = {"wrong_answer_rate": 0.02}


def test_quality_gate(report):
    m = report["metrics"]
    failing = {k: (m[k], v) for k, v in GATE.items() if m[k] < v}
    failing |= {k: (m[k], v) for k, v in CEILING.items() if m[k] > v}
    assert not failing, f"quality dropped below the gate (got, gate): {failing}"
    right_first = [r for r in report["results"] if r["expected"] and r["rank"] == 1]
    hidden = [r["id"] for r in right_first if r["status"] == "not documented"]
    assert len(hidden) <= 0.05 * len(right_first), f"right passages called 'not documented': {hidden}"
    for lang in ("ja", "en"):
        assert report["metrics"]["by_lang"][lang]["recall_at_3"] >= 0.9


def test_product_beats_baselines(report):
    product = report["metrics"]
    for name, base in report["baselines"].items():
        assert product["retrieval_top1"] >= base["retrieval_top1"], name
        assert product["mrr"] >= base["mrr"], name


def test_report_files_and_json_shape(report, tmp_path):
    clean = {k: v for k, v in report.items() if k != "_runs"}
    path = write_report(clean, tmp_path / "rep")
    text = path.read_text(encoding="utf-8")
    assert "| hybrid (product) |" in text and "confidence.png" in text and "## Failures" in text
    assert (tmp_path / "rep" / "confidence.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(json.dumps(clean, ensure_ascii=False))
    for key in ("n", "top1_accuracy", "recall_at_3", "mrr", "abstain_precision", "abstain_recall", "p50_ms", "p95_ms"):
        assert key in data["metrics"]
    r = data["results"][0]
    assert {"id", "question", "expected", "correct", "answered", "confidence", "citations"} <= set(r)


def test_suite_scores_each_corpus_on_its_own_index_and_leaves_one_out(tmp_path, assistant):
    import shutil

    from assistant.evaluate import SUITE, evaluate_suite

    suite = tmp_path / "suite"
    for name in ("favy", "onehr"):
        shutil.copytree(SUITE / "corpora" / name, suite / "corpora" / name)
        shutil.copy(SUITE / f"{name}.jsonl", suite / f"{name}.jsonl")
    (suite / "corpora" / "no-questions").mkdir()  # a corpus without a set is skipped, not an error
    (suite / "corpora" / "no-questions" / "x.txt").write_text("nothing", encoding="utf-8")
    settings = assistant.settings.model_copy(update={"cache": tmp_path / "cache"})
    (tmp_path / "cache").symlink_to(assistant.settings.cache, target_is_directory=True)
    report = evaluate_suite(suite, settings, progress=False)
    assert set(report["corpora"]) == {"favy", "onehr"}
    n = sum(1 for name in ("favy", "onehr") for line in (suite / f"{name}.jsonl").read_text().splitlines() if line.strip())
    assert report["pooled"]["n"] == n
    for name, m in report["corpora"].items():
        assert m["answered"] + m["needs_review"] <= m["n"]
        assert all(r["status"] in ("answered", "needs review", "not documented") for r in report["results"][name])
        # each citation is a verbatim substring of that corpus's own documents
        for r in report["results"][name]:
            for c in r["citations"][:1]:
                assert c["source"].split("/")[-2] == name
    assert set(report["leave_one_corpus_out"]) == {"favy", "onehr"}
    assert all(0 < m["threshold"] < 1 for m in report["leave_one_corpus_out"].values())


def test_suite_without_corpora_is_a_clear_error(tmp_path):
    from assistant.evaluate import evaluate_suite

    with pytest.raises(EvalSetError, match="corpora"):
        evaluate_suite(tmp_path, progress=False)


# The gate on the whole suite (every vendor corpus and the default one, each on its own index), with the
# decision as shipped. Levels reached when it was set (README "Other vendors"); four of the corpora were
# never seen by the decision's fit, so a change that only suits the default set cannot pass unnoticed.
SUITE_GATE = {"retrieval_top1": 0.80, "shown_of_retrievable": 0.95}
SUITE_CEILING = {"wrong_answer_rate": 0.015, "worst_corpus_wrong_answer_rate": 0.06, "hidden_of_retrievable": 0.05}


def test_suite_quality_gate(tmp_path_factory, assistant):
    from assistant.evaluate import SUITE, evaluate_suite

    from assistant.config import PROJECT_ROOT
    from assistant.corpus import document_text

    # the model comes from the shared cache; each corpus's index is built under this test's own folder
    cache = tmp_path_factory.mktemp("suite-cache")
    (cache / "models").symlink_to(assistant.settings.cache / "models", target_is_directory=True)
    settings = assistant.settings.model_copy(update={"cache": cache})
    report = evaluate_suite(SUITE, settings, progress=False)
    assert len(report["corpora"]) >= 8
    results = [r for rs in report["results"].values() for r in rs]
    retrievable = [r for r in results if r["expected"] and r["rank"] == 1]
    m = {
        "retrieval_top1": report["pooled"]["retrieval_top1"],
        "wrong_answer_rate": report["pooled"]["wrong_answer_rate"],
        "worst_corpus_wrong_answer_rate": max(c["wrong_answer_rate"] for c in report["corpora"].values()),
        "shown_of_retrievable": sum(r["status"] != "not documented" for r in retrievable) / len(retrievable),
        "hidden_of_retrievable": sum(r["status"] == "not documented" for r in retrievable) / len(retrievable),
    }
    failing = {k: (round(m[k], 3), v) for k, v in SUITE_GATE.items() if m[k] < v}
    failing |= {k: (round(m[k], 3), v) for k, v in SUITE_CEILING.items() if m[k] > v}
    assert not failing, f"suite quality dropped below the gate (got, gate): {failing}"
    # every quote on every corpus is verbatim, at its offsets in the document's extracted text
    texts = {}
    for c in (c for r in results for c in r["citations"]):
        text = texts.setdefault(c["source"], document_text(PROJECT_ROOT / c["source"]))
        assert text[c["start"]:c["end"]] == c["quote"], c
