"""The command line, through typer's runner, against the session's real index."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant import config
from assistant.cli import app


@pytest.fixture
def cli(settings, assistant, monkeypatch):
    """Commands see the session's corpus and index through the environment, as a user's shell would,
    in an English locale (errors of commands other than `ask` follow the locale)."""
    monkeypatch.setenv("ASSISTANT_CORPUS", str(settings.corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(settings.index))
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    config.get_settings.cache_clear()
    yield CliRunner()
    config.get_settings.cache_clear()


def test_ask_json_follows_the_contract(cli, assistant):
    result = cli.invoke(app, ["ask", "SCIMに対応していますか？", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answered"] is True and 0 <= data["confidence"] <= 1
    c = data["citations"][0]
    assert "SCIMによる同期" in c["quote"]
    assert assistant.source_text(c["source"])[c["start"]:c["end"]] == c["quote"]


def test_ask_prints_a_readable_answer(cli):
    result = cli.invoke(app, ["ask", "What is the weather in Tokyo tomorrow?"])
    assert result.exit_code == 0
    assert "[Not documented]" in result.stdout and "Documented" not in result.stdout.replace("Not documented", "")
    assert "Closest passages (they do not answer it)" in result.stdout


def test_ask_in_japanese_prints_the_outcome_in_japanese(cli):
    result = cli.invoke(app, ["ask", "SCIMに対応していますか？"])
    assert result.exit_code == 0
    assert result.stdout.startswith(("[記載あり", "[要確認]")), result.stdout
    if result.stdout.startswith("[記載あり"):
        assert result.stdout.startswith("[記載あり · はい]"), "a yes/no question gets はい/いいえ first"
    assert "SCIM" in result.stdout


@pytest.mark.parametrize("question", ["", "x" * 5000])
def test_bad_question_is_a_one_line_error(cli, question):
    result = cli.invoke(app, ["ask", question])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


@pytest.mark.parametrize("question, lang, expected", [
    ("\u3000", "C.UTF-8", "質問が空です"),  # an ideographic space: typed with a Japanese input method
    ("あ" * 1200, "C.UTF-8", "質問が1200文字あります"),  # a Japanese question: Japanese, whatever the locale
    ("x" * 1200, "ja_JP.UTF-8", "the question is 1200 characters long"),  # an English one: English
    ("", "ja_JP.UTF-8", "質問が空です"),  # nothing to go by: the locale's language
    ("", "C.UTF-8", "the question is empty"),
    (" ", "en_US.UTF-8", "the question is empty"),
])
def test_a_bad_question_is_refused_in_the_questions_language_else_the_locales(cli, monkeypatch, question, lang,
                                                                               expected):
    """`assistant ask "　"` had said "error: the question is empty; type a question, e.g. ..." in English to
    a Japanese user. The error is in the question's language (kana, kanji or Japanese punctuation:
    Japanese; Latin letters: English), else in the locale's (LC_ALL, LC_MESSAGES, LANG)."""
    monkeypatch.setenv("LANG", lang)
    result = cli.invoke(app, ["ask", question])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.stderr


def test_ask_names_a_corpus_outside_the_repository_by_its_path_in_the_corpus_folder(cli, make_corpus, tmp_path,
                                                                                    monkeypatch, settings):
    """ASSISTANT_CORPUS as an absolute path outside the repository: the readable answer and the `answer`
    text of --json name each document by its path inside the corpus folder (they had printed the server's
    path); the JSON's `source` stays that path (the contract)."""
    corpus = make_corpus({"policies/audit.md": "監査ログは1年間保存されます。管理者はCSVでエクスポートできます。\n",
                          "notes.txt": "バックアップは毎日取得し、35日間保存します。\n"})
    monkeypatch.setenv("ASSISTANT_CORPUS", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "idx"))
    monkeypatch.setenv("ASSISTANT_CACHE", str(settings.cache))
    monkeypatch.setenv("ASSISTANT_THRESHOLD", "0.0")  # an answer, with its source in the sentence
    config.get_settings.cache_clear()
    question = "監査ログの保存期間は？"
    human = cli.invoke(app, ["ask", question])
    assert human.exit_code == 0, human.output
    assert "policies/audit.md" in human.stdout and "notes.txt" in human.stdout, human.stdout
    assert str(corpus) not in human.stdout and str(tmp_path) not in human.stdout, human.stdout
    result = cli.invoke(app, ["ask", question, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answered"] is True
    assert data["citations"][0]["source"] == str(corpus / "policies" / "audit.md")  # the contract: unchanged
    assert "policies/audit.md" in data["answer"] and str(tmp_path) not in data["answer"], data["answer"]
    assert data["citations"][0]["quote"] in data["answer"]


def test_index_reports_what_it_serves(cli):
    result = cli.invoke(app, ["index"])
    assert result.exit_code == 0, result.output
    from assistant.corpus import load_corpus
    from assistant.config import PROJECT_ROOT

    n = len(load_corpus(PROJECT_ROOT / "corpus").passages)
    assert f"{n} passages from 1 document(s)" in result.stdout


def test_index_says_a_skipped_file_once_and_no_library_debug_lines(make_corpus, tmp_path, settings):
    """As a user runs it (a process of its own): a review saw the skipped file's warning twice, once through
    logging's handler, and bm25s's 'DEBUG:bm25s:Building index from tokens' once a library had given the
    root logger a handler."""
    import logging
    import os
    import subprocess
    import sys
    from pathlib import Path

    corpus = make_corpus({"audit.md": "監査ログは1年間保存されます。管理者はCSVでエクスポートできます。\n"})
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\x80 not text")
    env = {**os.environ, "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(tmp_path / "idx"),
           "ASSISTANT_CACHE": str(settings.cache), "LANG": "C.UTF-8"}
    # a library's bare logging.warning() before the build gives the root logger its default handler
    code = "import logging, sys; logging.warning('x'); from assistant.cli import main; sys.argv=['assistant','index']; main()"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600,
                         cwd=Path(__file__).parent)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("broken.txt: not UTF-8") == 1, run.stderr
    assert "DEBUG" not in run.stderr, run.stderr
    assert logging.getLogger("bm25s").level == logging.WARNING


def test_missing_corpus_is_a_clear_error(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_CORPUS", str(tmp_path / "nowhere"))
    config.get_settings.cache_clear()
    result = cli.invoke(app, ["index"])
    assert result.exit_code != 0
    assert result.stderr.startswith("error: corpus folder") and "ASSISTANT_CORPUS" in result.stderr
    # `ask` speaks the question's language, about the folder too
    result = cli.invoke(app, ["ask", "保存データの暗号化方式は？"])
    assert result.exit_code != 0 and "資料フォルダ" in result.stderr and "ASSISTANT_CORPUS" in result.stderr, result.stderr


def test_eval_json_on_a_small_set(cli, tmp_path):
    path = tmp_path / "mini.jsonl"
    path.write_text(
        '{"id": "ja-scim", "question": "SCIMに対応していますか？", "expected": ["SCIMによる同期"]}\n'
        '{"id": "un-ismap", "question": "ISMAPに登録されていますか？", "expected": []}\n', encoding="utf-8")
    result = cli.invoke(app, ["eval", str(path), "--json", "--report", str(tmp_path / "rep")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metrics"]["n"] == 2 and data["metrics"]["top1_accuracy"] == 1.0
    assert data["metrics"]["abstain_recall"] == 1.0
    assert {r["id"]: r["correct"] for r in data["results"]} == {"ja-scim": True, "un-ismap": True}
    assert set(data["baselines"]) == {"dense", "bm25"}
    assert (tmp_path / "rep" / "report.md").is_file() and (tmp_path / "rep" / "confidence.png").is_file()


def test_eval_broken_set_names_the_line(cli, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q", "expected": []}\n{oops\n', encoding="utf-8")
    result = cli.invoke(app, ["eval", str(path)])
    assert result.exit_code != 0 and "line 2" in result.stderr


def test_bad_setting_is_a_one_line_error(cli, monkeypatch):
    monkeypatch.setenv("ASSISTANT_THRESHOLD", "abc")
    config.get_settings.cache_clear()
    result = cli.invoke(app, ["ask", "SCIM?"])
    assert result.exit_code != 0
    assert result.stderr.startswith("error: bad setting (ASSISTANT_THRESHOLD:") and len(result.stderr.splitlines()) == 1


def test_unwritable_report_folder_is_a_one_line_error(cli, tmp_path):
    path = tmp_path / "mini.jsonl"
    path.write_text('{"id": "a", "question": "SCIMに対応していますか？", "expected": []}\n', encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli.invoke(app, ["eval", str(path), "--report", str(blocker / "rep")])
    assert result.exit_code != 0 and result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_installed_package_imports_outside_the_repository(tmp_path):
    """The console script runs from anywhere, not only where pytest puts the repository on sys.path."""
    import subprocess
    import sys

    code = "import assistant.web, assistant.cli; print(assistant.__version__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == __import__("assistant").__version__


def test_fit_with_a_missing_training_folder_fails_before_the_run(cli, tmp_path):
    result = cli.invoke(app, ["eval", "--suite", "--fit", "--train", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert result.stderr.startswith("error: ") and "corpora" in result.stderr
    assert "eval hybrid" not in result.stderr, "no question was asked before the folder was checked"


@pytest.mark.parametrize("lang, answered, review", [("en", "Answered", "Needs review"), ("ja", "記載あり", "要確認")])
def test_an_answer_whose_quote_settles_no_yes_or_no_says_one_thing(lang, answered, review):
    """An answered yes/no question whose quote says neither clearly (verdict "unclear") printed
    "[Answered · Needs review]": two outcomes at once. The header says answered, and that yes or no is unclear."""
    import io

    from assistant import messages
    from assistant.cli import print_answer
    from assistant.types import Answer, Citation, Status, Verdict

    cite = Citation(quote="Administrators can enforce MFA for everyone in the organisation.", source="help.md",
                    section=["MFA"], start=0, end=64, score=0.99)
    answer = Answer("Can an administrator require two-factor authentication for all of our users?", Status.ANSWERED,
                    "...", 0.9934, [cite], lang=lang, verdict=Verdict.UNCLEAR)
    out = io.StringIO()
    print_answer(answer, out)
    header = out.getvalue().splitlines()[0]
    assert header.startswith(f"[{answered} · "), header
    assert review not in header, header
    assert messages.t("answer.verdict.unclear", lang) in header


def test_the_first_run_says_the_model_is_being_prepared(cli, monkeypatch, tmp_path, capsys):
    """A minute of quiet on the first run was taken for a hang by two reviewers: it is announced, once the
    model is ready it is not."""
    from assistant.cli import _first_run_note

    _first_run_note()  # the session's cache holds the prepared model
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("ASSISTANT_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    config.get_settings.cache_clear()
    _first_run_note()
    err = capsys.readouterr().err
    assert "埋め込みモデルを準備しています" in err and "empty-cache" in err
