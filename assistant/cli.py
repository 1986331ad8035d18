"""The command line: ask, index, eval, fill, text, serve (verbs fixed by shared/contracts.md)."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli_progress import TERMINAL, Bars
from .errors import AssistantError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Answer security-questionnaire questions from the documents in ASSISTANT_CORPUS, quoting them verbatim.",
)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _print_json(value) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


#: Japanese punctuation and full-width forms (the ideographic space, 、。「」？): typed with a Japanese input
#: method, they tell a question without letters ("　", "？") from an English one.
_JA_TYPOGRAPHY = re.compile(r"[\u3000-\u303f\uff01-\uff60]")


def _locale_language() -> str:
    """The user's language from the POSIX locale (LC_ALL, then LC_MESSAGES, then LANG: the first one set):
    Japanese for ja_JP.UTF-8 and the like, else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def _error_language(question: str | None = None) -> str:
    """The language a command's errors are written in. For `ask`, the question's: Japanese when it has
    kana or kanji (as the answer's language is decided), English when it has Latin letters, Japanese
    when it has only Japanese punctuation or full-width forms (an empty-looking "　"); otherwise, and
    for every other command, the user's locale (_locale_language)."""
    from .script import CJK

    text = question or ""
    if CJK.search(text):
        return "ja"
    if re.search(r"[A-Za-z]", text):
        return "en"
    if _JA_TYPOGRAPHY.search(text):
        return "ja"
    return _locale_language()


@contextmanager
def _user_errors(lang: str | None = None):
    """Whatever a user can cause ends as one line on stderr and a non-zero exit, never a traceback; an
    error the catalog words is written in LANG (default: the locale's, see _error_language)."""
    try:
        yield
    except AssistantError as exc:
        _fail(exc.localized(lang or _error_language()))
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(f"{exc.strerror or exc}{where}; check the path and its permissions")


def _assistant():
    from .answer import get_assistant

    _first_run_note()
    return get_assistant(progress=TERMINAL)


def _first_run_note() -> None:
    """The embedding model is prepared for this machine on its first use: materialised, exported and
    quantised, about a minute with little to show; two reviewers took the silence for a hang."""
    from . import messages, onnx_export
    from .config import DEFAULT_MODEL, get_settings

    settings = get_settings()
    if settings.model != DEFAULT_MODEL:
        return
    model_dir = settings.cache / "models" / DEFAULT_MODEL
    if settings.runtime == "torch":
        ready = (model_dir / ".complete").is_file()
    else:
        ready = onnx_export.is_complete(onnx_export.onnx_dir(model_dir), model_dir)
    if not ready:
        typer.echo(messages.t("corpus.model_first_run", _locale_language(), cache=str(settings.cache)), err=True)


def print_answer(answer, out=None, corpus: Path | str | None = None) -> None:
    """A readable answer for the terminal: which of the three outcomes, why, and the passages. Documents
    are named by their paths inside CORPUS (answer.shown_source), never by the server's absolute path."""
    from . import messages
    from .answer import Answer, shown, shown_text
    from .types import Status

    assert isinstance(answer, Answer)
    lang = answer.lang
    w = (out or sys.stdout).write
    mark = messages.t(f"answer.status.{Status(answer.status).value}", lang)
    conf = messages.t("answer.cli.confidence", lang, confidence=f"{answer.confidence:.2f}")
    if answer.verdict is not None:  # a yes/no question: the check sheet's cell first
        mark += " · " + messages.t(f"answer.verdict.{answer.verdict}", lang)
    w(f"[{mark}] {conf}\n\n{shown_text(answer, corpus)}\n")
    if answer.review_reasons:
        why = "; ".join(messages.t(f"answer.reason.{r}", lang) for r in answer.review_reasons)
        w("\n" + messages.t("answer.cli.why_review", lang, reasons=why) + "\n")
    if answer.missing_terms:
        w("\n" + messages.t("answer.cli.missing", lang, terms=", ".join(answer.missing_terms)) + "\n")
    if answer.citations:
        heading = {Status.ANSWERED: "supporting", Status.REVIEW: "candidates"}.get(Status(answer.status), "closest")
        w("\n" + messages.t(f"answer.cli.{heading}", lang) + "\n")
        for i, c in enumerate(answer.citations, 1):
            w(f"  {i}. \"{c.quote}\"\n     {_where(shown(c, corpus), lang)} (score {c.score:.2f})\n")


def _where(c, lang) -> str:
    from .answer import location

    return location(c, lang)  # character offsets are for tools: `ask --json` has them


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Japanese or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON (see shared/contracts.md).")] = False,
) -> None:
    """Answer one question with a verbatim quote, or say it is not documented."""
    from .answer import shown_text, validate_question
    from .config import get_settings

    with _user_errors(_error_language(question)):
        validate_question(question, get_settings().max_question_chars)  # before the model loads, not after
        assistant = _assistant()
        answer = assistant.ask(question)
    corpus = assistant.settings.corpus
    if as_json:
        out = answer.to_dict()  # the contract: each citation's `source` stays the path the index holds
        out["answer"] = shown_text(answer, corpus)  # the sentence people read names no server path
        _print_json(out)
    else:
        print_answer(answer, corpus=corpus)


@app.command()
def index(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the index is up to date.")] = False,
) -> None:
    """Build or rebuild the index for ASSISTANT_CORPUS into ASSISTANT_INDEX."""
    from .config import get_settings
    from .embed import get_embedder
    from .index import current_build, ensure_index

    with _user_errors():
        settings = get_settings()
        _first_run_note()
        embedder = get_embedder(settings.model, settings.cache, settings.runtime)
        served = current_build(settings.index)  # the pointer only: ensure_index hashes the corpus itself
        built = ensure_index(settings.corpus, settings.index, embedder, progress=TERMINAL, force=force)
    m = built.manifest
    typer.echo(f"index {built.folder} : {m['passages']} passages from {m['documents']} document(s), model {m['model']}")
    if Path(built.folder) == served:  # nothing built; a build has just said them, as it read the documents
        for warning in built.warnings:
            typer.echo(f"warning: {warning}", err=True)


@app.command("eval")
def eval_(
    file: Annotated[Optional[Path], typer.Argument(help="Evaluation set (JSON Lines); default eval/questions.jsonl.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics and per-question results as JSON.")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write a Markdown report with a plot into this folder.")] = None,
    suite: Annotated[bool, typer.Option("--suite", help="FILE is a suite folder (default eval/suite): corpora/<name>/ "
                                        "and <name>.jsonl; each corpus gets its own index, then pooled and "
                                        "leave-one-corpus-out metrics.")] = False,
    fit: Annotated[bool, typer.Option("--fit", help="With --suite: fit the decision model on the training corpora "
                                      "(--train) and print each feature set's outcomes on every suite corpus, "
                                      "all held out.")] = False,
    train: Annotated[Optional[Path], typer.Option("--train", help="With --fit: the training suite folder (default "
                                                  "eval/train); 'none' fits leaving one suite corpus out instead.")] = None,
) -> None:
    """Run an evaluation set through `ask` and print metrics beside the BM25 and dense baselines."""
    with _user_errors():
        if suite:
            _eval_suite(file, as_json=as_json, fit=fit, train=train)
        else:
            _eval_set(file, as_json=as_json, report=report)


def _eval_suite(folder: Optional[Path], *, as_json: bool, fit: bool, train: Optional[Path] = None) -> None:
    from . import evaluate
    from .report import fit_text, suite_table, thresholds_text

    train_folder = None if not fit or str(train) == "none" else train or evaluate.TRAIN
    if train_folder is not None:
        evaluate.suite_sets(train_folder)  # a missing or malformed training folder fails before the long run
    with Bars("q", leave=False) as bars:
        result = evaluate.evaluate_suite(folder, progress=None if as_json else bars)
        training = None
        if train_folder is not None:
            training = evaluate.evaluate_suite(train_folder, progress=None if as_json else bars)["_per"]
    per = result.pop("_per")
    if fit:
        fitted = evaluate.fit_report(per, training)
        if as_json:
            _print_json(fitted)
        else:
            typer.echo(fit_text(fitted))
        return
    if as_json:
        _print_json(result)
        return
    typer.echo(suite_table(result))
    typer.echo(f"\nThreshold {result['threshold']:.2f}; pooled trade-off:")
    typer.echo(thresholds_text(result))


def _eval_set(file: Optional[Path], *, as_json: bool, report: Optional[Path]) -> None:
    from . import evaluate
    from .report import failures_text, metrics_table, thresholds_text, write_report

    if report is not None:
        report.mkdir(parents=True, exist_ok=True)  # fail before a long run, not after it
    assistant = _assistant()
    with Bars("q", leave=False) as bars:
        result = evaluate.evaluate(assistant, file, progress=None if as_json else bars)
    result.pop("_runs")
    if report is not None:
        path = write_report(result, report)
        typer.echo(f"report written to {path}", err=True)
    if as_json:
        _print_json(result)
        return
    typer.echo(metrics_table(result))
    typer.echo(f"\nThreshold {result['threshold']:.2f} (suggested {result['suggested_threshold']:.2f}); "
               "what others would trade:")
    typer.echo(thresholds_text(result))
    typer.echo("\nFailures (product):")
    typer.echo(failures_text(result))


@app.command()
def fill(
    questionnaire: Annotated[Path, typer.Argument(help="The questionnaire: .xlsx or .csv (UTF-8 or Shift_JIS).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the filled file (.xlsx or .csv).")],
    column: Annotated[Optional[str], typer.Option("--column", help="Header of the question column, if not detected.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUTPUT if it exists.")] = False,
    answer_column: Annotated[Optional[str], typer.Option(
        "--answer-column", help="Header of the sheet's own answer column, if not detected.")] = None,
    remarks_column: Annotated[Optional[str], typer.Option(
        "--remarks-column", help="Header of the sheet's own remarks column, if not detected.")] = None,
) -> None:
    """Fill a whole security questionnaire with cited answers."""
    import time

    from . import fill as fill_mod

    with _user_errors():
        job = fill_mod.prepare_file(questionnaire, output, column=column, force=force,  # fast errors first
                                    answer_column=answer_column, remarks_column=remarks_column)
        started = time.perf_counter()
        assistant = _assistant()
        loaded = time.perf_counter() - started
        with Bars("q", "Filling") as bars:
            bars(0, job.questions)  # the bar shows while the first questions are asked
            summary = fill_mod.fill_prepared(assistant, job, output, force=force, progress=bars)
    typer.echo(f"Filled {questionnaire} -> {output} (sheet {summary.sheet!r}, column {summary.column!r}, "
               f"header row {summary.header_row}, {job.questions} questions; model and index ready in {loaded:.1f} s)")
    typer.echo(summary.line())
    for note in summary.notes:
        typer.echo(f"note: {note}")


@app.command()
def text(
    path: Annotated[Path, typer.Argument(help="A document (.txt, .md, .html, .pdf, .docx, .xlsx, .csv).")],
) -> None:
    """Print the text citations of PATH count offsets in (for HTML, PDF, DOCX and sheets: the extracted text)."""
    from .corpus import document_text

    with _user_errors():
        out = document_text(path)
    sys.stdout.buffer.write(out.encode("utf-8"))
    sys.stdout.flush()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the web chat (and the Slack endpoint) at http://HOST:PORT."""
    import uvicorn

    _bound_malloc_arenas()
    with _user_errors():
        assistant = _assistant()  # build the index before listening, with progress on the terminal
    from .web import create_app, uvicorn_options

    typer.echo(f"Serving {len(assistant.index.passages)} passages at http://{host}:{port}", err=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not assistant.settings.admin_token:
        typer.echo(f"warning: {host} is reachable by others and /admin (the feedback) has no token: "
                   "set ASSISTANT_ADMIN_TOKEN (16+ characters) and add the host names to ASSISTANT_ALLOWED_HOSTS",
                   err=True)
    uvicorn.run(create_app(assistant=assistant), host=host, port=port, log_level="info",
                **uvicorn_options(assistant.settings))


def _bound_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own arena (up to 8 per core) and keeps freed memory in
    them: under many concurrent requests the server grew from 0.8 to 3.3 GB and never gave it back.
    Two arenas bound that; set before any worker thread starts. A no-op where libc is not glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def main() -> None:
    # the commands say what was skipped themselves (a build as it reads, `index` when nothing was built):
    # the reader's log record only repeated it, through logging's last-resort handler
    logging.getLogger("assistant.corpus").setLevel(logging.ERROR)
    app()


if __name__ == "__main__":
    main()
