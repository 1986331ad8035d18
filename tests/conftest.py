"""Shared fixtures: the real model and a real index, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Starlette's TestClient calls itself "testserver"; the real servers of the tests are on 127.0.0.1
os.environ.setdefault("ASSISTANT_ALLOWED_HOSTS", '["127.0.0.1", "localhost", "testserver"]')

from assistant.answer import Assistant  # noqa: E402
from assistant.config import PROJECT_ROOT, Settings  # noqa: E402

DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_DOC = DEFAULT_CORPUS / "workato-security-summary.ja.txt"


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """The default corpus with an index of the test session's own (the model cache is shared)."""
    return Settings(corpus=DEFAULT_CORPUS, index=tmp_path_factory.mktemp("index"),
                    feedback_db=tmp_path_factory.mktemp("db") / "feedback.db")


@pytest.fixture(scope="session")
def assistant(settings) -> Assistant:
    return Assistant(settings, progress=False)


@pytest.fixture
def make_corpus(tmp_path):
    """Write a corpus folder from {name: text or bytes}."""

    def _make(files: dict[str, str | bytes], name: str = "corpus") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for fname, content in files.items():
            path = folder / fname
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder

    return _make
