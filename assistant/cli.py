"""The command line: ask, index, eval, fill, serve (verbs fixed by shared/contracts.md)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import AssistantError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Answer security-questionnaire questions from the documents in ASSISTANT_CORPUS, quoting them verbatim.",
)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _user_errors():
    """Whatever a user can cause ends as one line on stderr and a non-zero exit, never a traceback."""
    try:
        yield
    except AssistantError as exc:
        _fail(str(exc))
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(f"{exc.strerror or exc}{where}; check the path and its permissions")


def _assistant():
    from .answer import get_assistant

    return get_assistant(progress=True)


def print_answer(answer, out=None) -> None:
    """A readable answer for the terminal."""
    from .answer import Answer

    assert isinstance(answer, Answer)
    w = (out or sys.stdout).write
    mark = "ANSWERED" if answer.answered else "NOT DOCUMENTED"
    w(f"[{mark}] confidence {answer.confidence:.2f}\n\n{answer.answer}\n")
    if answer.missing_terms:
        w(f"\nTerms the documents never mention: {', '.join(answer.missing_terms)}\n")
    if answer.citations:
        w("\n" + ("Supporting passages:" if answer.answered else "Closest passages (they do not answer it):") + "\n")
        for i, c in enumerate(answer.citations, 1):
            section = " › ".join(c.section) or "-"
            as_of = f", as of {c.as_of}" if c.as_of else ""
            w(f"  {i}. \"{c.quote}\"\n     {section} — {c.source}:{c.start}-{c.end}{as_of} (score {c.score:.2f})\n")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Japanese or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON (see shared/contracts.md).")] = False,
) -> None:
    """Answer one question with a verbatim quote, or say it is not documented."""
    with _user_errors():
        answer = _assistant().ask(question)
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)


@app.command()
def index(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the index is up to date.")] = False,
) -> None:
    """Build or rebuild the index for ASSISTANT_CORPUS into ASSISTANT_INDEX."""
    from .config import get_settings
    from .embed import get_embedder
    from .index import ensure_index

    with _user_errors():
        settings = get_settings()
        embedder = get_embedder(settings.model, settings.cache)
        built = ensure_index(settings.corpus, settings.index, embedder, progress=True, force=force)
    m = built.manifest
    typer.echo(f"index {built.folder} : {m['passages']} passages from {m['documents']} document(s), model {m['model']}")
    for warning in built.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command("eval")
def eval_(
    file: Annotated[Optional[Path], typer.Argument(help="Evaluation set (JSON Lines); default eval/questions.jsonl.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics and per-question results as JSON.")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write a Markdown report with a plot into this folder.")] = None,
) -> None:
    """Run an evaluation set through `ask` and print metrics beside the BM25 and dense baselines."""
    from . import evaluate

    with _user_errors():
        evaluate.run_cli(file, as_json=as_json, report=report)


@app.command()
def fill(
    questionnaire: Annotated[Path, typer.Argument(help="The questionnaire: .xlsx or .csv (UTF-8 or Shift_JIS).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the filled file (.xlsx or .csv).")],
    column: Annotated[Optional[str], typer.Option("--column", help="Header of the question column, if not detected.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUTPUT if it exists.")] = False,
) -> None:
    """Fill a whole security questionnaire with cited answers."""
    from . import fill as fill_mod

    with _user_errors():
        fill_mod.run_cli(questionnaire, output, column=column, force=force)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the web chat (and the Slack endpoint) at http://HOST:PORT."""
    import uvicorn

    with _user_errors():
        assistant = _assistant()  # build the index before listening, with progress on the terminal
    from .web import create_app

    typer.echo(f"Serving {len(assistant.index.passages)} passages at http://{host}:{port}", err=True)
    uvicorn.run(create_app(assistant=assistant), host=host, port=port, log_level="info")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
