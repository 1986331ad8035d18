"""The served embeddings (ONNX Runtime) held to the reference (sentence-transformers on torch).

Texts: every passage of the default corpus (as indexed, with the passage prompt) and every question of
eval/questions.jsonl (with the query prompt). The metric change on the evaluation suite is measured by
`assistant eval` and written in the README; here the vectors themselves are compared.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata

import numpy as np
import pytest

from assistant import onnx_export
from assistant.config import DEFAULT_MODEL, PROJECT_ROOT
from assistant.corpus import load_corpus
from assistant.embed import OnnxEmbedder, TorchEmbedder, get_embedder
from assistant.errors import ModelError

#: Measured on these 244 texts: emb8 (int8 embedding table, fp32 encoder: what passages are embedded
#: with) min 0.99988, mean 0.99996; q8 (what questions are embedded with: int8 but for the FFN output
#: projections) min 0.9983, mean 0.9990; all-int8 (per-channel weights, dynamic activations) min 0.9938,
#: mean 0.9971.
EMB8_MIN, EMB8_MEAN = 0.9995, 0.9999
INT8_MIN, INT8_MEAN = 0.985, 0.995
Q8_MIN, Q8_MEAN = 0.996, 0.998
FP32_MIN = 0.99999


@pytest.fixture(scope="module")
def texts() -> tuple[list[str], list[str]]:
    passages = [p.index_text() for p in load_corpus(PROJECT_ROOT / "corpus").passages]
    questions = [json.loads(line)["question"] for line in
                 (PROJECT_ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return passages, questions


@pytest.fixture(scope="module")
def reference(settings, texts) -> np.ndarray:
    torch_embedder = get_embedder(DEFAULT_MODEL, settings.cache, "torch")
    assert isinstance(torch_embedder, TorchEmbedder)
    passages, questions = texts
    return np.concatenate([torch_embedder.encode_passages(passages), torch_embedder.encode_queries(questions)])


def _cosines(embedder, texts, reference) -> np.ndarray:
    passages, questions = texts
    ours = np.concatenate([embedder.encode_passages(passages), embedder.encode_queries(questions)])
    assert ours.shape == reference.shape and ours.dtype == np.float32
    return np.sum(ours * reference, axis=1)  # both sides are unit vectors


def test_served_model_matches_reference(settings, texts, reference, record_property):
    """The default runtime: passages on emb8 (int8 word-embedding table, fp32 encoder), questions on q8."""
    embedder = get_embedder(DEFAULT_MODEL, settings.cache, "onnx")
    assert isinstance(embedder, OnnxEmbedder) and embedder.runtime == "onnx-emb8+q8"
    cos = _cosines(embedder, texts, reference)
    n_p = len(texts[0])
    passages, questions = cos[:n_p], cos[n_p:]
    record_property("emb8_min_cosine", float(passages.min()))
    record_property("q8_query_min_cosine", float(questions.min()))
    print(f"passages (emb8) vs sentence-transformers over {n_p} texts: min {passages.min():.5f}, "
          f"mean {passages.mean():.5f}; questions (q8) over {len(questions)}: min {questions.min():.5f}, "
          f"mean {questions.mean():.5f}")
    assert passages.min() >= EMB8_MIN and passages.mean() >= EMB8_MEAN
    assert questions.min() >= Q8_MIN and questions.mean() >= Q8_MEAN


def test_emb8_runtime_embeds_questions_like_passages(settings, texts, reference):
    embedder = get_embedder(DEFAULT_MODEL, settings.cache, "onnx-emb8")
    assert isinstance(embedder, OnnxEmbedder) and embedder.runtime == "onnx-emb8"
    cos = _cosines(embedder, texts, reference)
    assert cos.min() >= EMB8_MIN and cos.mean() >= EMB8_MEAN
    served = get_embedder(DEFAULT_MODEL, settings.cache, "onnx")
    assert served.fingerprint == embedder.fingerprint, "the same passage vectors: the same index serves both"
    sample = texts[0][:4]
    assert np.allclose(served.encode_passages(sample), embedder.encode_passages(sample), atol=1e-6)


def test_q8_runtime_embeds_passages_like_questions(settings, texts, reference):
    embedder = get_embedder(DEFAULT_MODEL, settings.cache, "onnx-q8")
    assert isinstance(embedder, OnnxEmbedder) and embedder.runtime == "onnx-q8"
    cos = _cosines(embedder, texts, reference)
    print(f"q8 vs sentence-transformers over {len(cos)} texts: min {cos.min():.5f}, mean {cos.mean():.5f}")
    assert cos.min() >= Q8_MIN and cos.mean() >= Q8_MEAN
    served = get_embedder(DEFAULT_MODEL, settings.cache, "onnx")
    assert np.array_equal(served.encode_queries(texts[1][:4]), embedder.encode_queries(texts[1][:4]))
    assert served.fingerprint != embedder.fingerprint, "an index follows its passage variant"


def test_answering_loads_only_the_question_model(settings, tmp_path):
    """With the index built, a process that only answers never loads the passage model's session."""
    from assistant.index import ensure_index

    embedder = OnnxEmbedder(DEFAULT_MODEL, settings.cache, precision="emb8", query_precision="q8")
    assert set(embedder._sessions) == {"q8"}
    embedder.encode_queries(["SCIMに対応していますか？"])
    assert set(embedder._sessions) == {"q8"}
    loaded = []
    real = embedder._session
    embedder._session = lambda precision: loaded.append(precision) or real(precision)
    ensure_index(PROJECT_ROOT / "corpus", tmp_path / "index", embedder, progress=False)
    assert loaded == ["emb8"], "building embeds passages with emb8"
    assert set(embedder._sessions) == {"q8"}, "and lets that model go when the build is done"
    embedder.encode_passages(["パスワードは12文字以上です。"])  # a later build loads it again
    assert set(embedder._sessions) == {"q8"}


def test_int8_matches_reference(settings, texts, reference, record_property):
    embedder = get_embedder(DEFAULT_MODEL, settings.cache, "onnx-int8")
    assert isinstance(embedder, OnnxEmbedder) and embedder.runtime == "onnx-int8"
    cos = _cosines(embedder, texts, reference)
    record_property("int8_min_cosine", float(cos.min()))
    print(f"int8 vs sentence-transformers over {len(cos)} texts: min {cos.min():.5f}, "
          f"1st percentile {np.percentile(cos, 1):.5f}, mean {cos.mean():.5f}")
    assert cos.min() >= INT8_MIN and cos.mean() >= INT8_MEAN


def test_light_tokenizer_gives_the_library_ids(settings, texts):
    """unigram.LightTokenizer (what serving loads) against tokenizers.Tokenizer on the same tokenizer.json."""
    from tokenizers import Tokenizer

    from tests.test_model_fidelity import _generated_texts

    embedder = get_embedder(DEFAULT_MODEL, settings.cache, "onnx")
    folder = embedder.onnx_path.parent
    full = Tokenizer.from_file(str(folder / onnx_export.TOKENIZER))
    full.enable_truncation(max_length=512)
    passages, questions = texts
    suite = [line for f in sorted((PROJECT_ROOT / "eval" / "suite" / "corpora").rglob("*")) if f.is_file()
             for line in f.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    edge = ["a <mask> b", "<s>x</s><pad>", "🔐🔑 and 😀😃", "ｶﾞｷﾞ ㌔ ①", "word " * 700, "日本語の文章" * 200, "\t tab\u3000space"]
    samples = passages + questions + suite + _generated_texts() + edge
    mismatches = []
    for prefix in ("query: ", "passage: "):
        for text in samples:
            prepared = prefix + unicodedata.normalize("NFC", text).strip()
            ours, theirs = embedder.tokenizer.encode(prepared), full.encode(prepared).ids
            if ours != theirs:
                mismatches.append((prepared[:60], ours[:12], theirs[:12]))
    print(f"light tokenizer: {2 * len(samples) - len(mismatches)}/{2 * len(samples)} texts with the library's ids")
    assert not mismatches, mismatches[:3]


def test_fp32_matches_reference(settings, texts, reference):
    """The export itself is exact; a sample is enough (every int8 difference comes from quantisation)."""
    embedder = OnnxEmbedder(DEFAULT_MODEL, settings.cache, precision="fp32")
    passages, questions = texts
    sample = (passages[::3], questions[::8])
    n_p = len(passages)
    ref = np.concatenate([reference[:n_p][::3], reference[n_p:][::8]])
    cos = _cosines(embedder, sample, ref)
    print(f"fp32 vs sentence-transformers: min {cos.min():.7f}")
    assert cos.min() >= FP32_MIN


def test_vector_does_not_depend_on_the_batch(settings):
    """One run per text: a question's vector (and so its answer) is the same alone or in a batch."""
    embedder = get_embedder(DEFAULT_MODEL, settings.cache, "onnx")
    q = "SCIMに対応していますか？"
    alone = embedder.encode_queries([q])[0]
    batch = embedder.encode_queries(["Is data encrypted at rest with AES-256 and are keys rotated yearly?", q, "MFA"])
    assert np.array_equal(alone, batch[1])
    assert embedder.encode_queries([]).shape == (0, embedder.dim)


def test_runtimes_have_distinct_fingerprints(settings):
    onnx = get_embedder(DEFAULT_MODEL, settings.cache, "onnx")
    torch_embedder = get_embedder(DEFAULT_MODEL, settings.cache, "torch")
    assert onnx.fingerprint != torch_embedder.fingerprint, "an index built on one runtime is not served by the other"


def test_unknown_runtime_is_a_model_error(settings):
    with pytest.raises(ModelError, match="unknown runtime"):
        get_embedder(DEFAULT_MODEL, settings.cache, "tensorflow")


def test_ask_never_imports_torch(settings, assistant, tmp_path):
    """The CLI's ask on the ONNX path, in a fresh interpreter: no torch, transformers or sentence-transformers."""
    get_embedder(DEFAULT_MODEL, settings.cache, "onnx")  # the export exists (built by the session's model)
    probe = (
        "import sys\n"
        "from assistant.cli import app\n"
        "try:\n"
        "    app(['ask', '--json', 'SCIMに対応していますか？'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'sentence_transformers'))\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    env = {**os.environ, "ASSISTANT_CACHE": str(settings.cache), "ASSISTANT_INDEX": str(tmp_path / "index"),
           "ASSISTANT_RUNTIME": "onnx", "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"status": "answered"' in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "HEAVY=", done.stdout[-500:]


# --------------------------------------------------------------------------- the export folder


@pytest.fixture
def fake_export(monkeypatch):
    """The folder logic without torch: export() writes stand-in files and counts its calls."""
    calls = []

    def export(model_dir, out):
        calls.append(out)
        for name in (onnx_export.FP32, onnx_export.INT8, onnx_export.TOKENIZER):
            (out / name).write_bytes(b"stand-in")

    monkeypatch.setattr(onnx_export, "export", export)
    return calls


def _model(tmp_path, marker="v1"):
    model = tmp_path / "models" / "m"
    model.mkdir(parents=True, exist_ok=True)
    (model / ".complete").write_text(marker)
    return model


def test_export_is_built_once_then_reused(tmp_path, fake_export):
    model = _model(tmp_path)
    dest = onnx_export.ensure_onnx(model)
    assert dest == tmp_path / "models" / "m-onnx" and (dest / onnx_export.INT8).is_file()
    assert onnx_export.ensure_onnx(model) == dest
    assert len(fake_export) == 1
    assert sorted(p.name for p in dest.parent.iterdir()) == ["m", "m-onnx"], "no temp dir left behind"


def test_export_follows_the_model_and_replaces_half_folders(tmp_path, fake_export):
    model = _model(tmp_path)
    dest = onnx_export.onnx_dir(model)
    dest.mkdir(parents=True)
    (dest / onnx_export.FP32).write_bytes(b"half")  # a copy cut short: no marker
    crashed = dest.parent / ".onnx-export-m-onnx-crashed"
    crashed.mkdir()
    old = time.time() - 3600
    os.utime(crashed, (old, old))
    onnx_export.ensure_onnx(model)
    assert (dest / onnx_export.FP32).read_bytes() == b"stand-in" and not crashed.exists()
    _model(tmp_path, marker="v2")  # the model was rematerialised: the export is stale
    onnx_export.ensure_onnx(model)
    assert len(fake_export) == 2 and onnx_export.is_complete(dest, model)


def test_failed_export_leaves_nothing(tmp_path, monkeypatch):
    model = _model(tmp_path)

    def broken(model_dir, out):
        (out / onnx_export.FP32).write_bytes(b"half")
        raise ModelError("exporter failed")

    monkeypatch.setattr(onnx_export, "export", broken)
    with pytest.raises(ModelError, match="exporter failed"):
        onnx_export.ensure_onnx(model)
    assert sorted(p.name for p in model.parent.iterdir()) == ["m"]


def test_refuses_to_replace_a_foreign_folder(tmp_path, fake_export):
    model = _model(tmp_path)
    dest = onnx_export.onnx_dir(model)
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me")
    with pytest.raises(ModelError, match="not an ONNX export"):
        onnx_export.ensure_onnx(model)
    assert (dest / "notes.txt").read_text() == "keep me"
    shutil.rmtree(dest)
