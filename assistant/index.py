"""The on-disk index: passages, FAISS vectors, BM25, and a manifest saying what they were built from.

Layout under the index folder::

    CURRENT              name of the build that is served (replaced atomically)
    build-<key>/         one complete build: manifest.json, passages.json, dense.faiss, bm25/, and for a
                         corpus of more than ANN_FROM passages dense.hnsw and dense-moments.npz
    .lock                serialises builds between processes

A build is written into a temporary folder and renamed into place only when complete, then CURRENT is
swapped with os.replace; a crash at any point leaves the previous build served, never a half-written
one. The key hashes the corpus files, the model, the library versions and the code that cuts passages
and tokens, so an index that no longer matches is detected and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import bm25s
import faiss
import numpy as np
from filelock import FileLock

from . import corpus as corpus_pkg
from . import tokens
from .fsutil import atomic_write_text
from .corpus import Corpus, Passage, corpus_files, load_corpus
from .embed import Embedder
from .errors import IndexError_
from .progress import LONG_BUILD, Reporting, reporter

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG: once anything gives the root logger a handler (a library's bare
# logging.warning does), "DEBUG:bm25s:Building index from tokens" reached users' terminals
logging.getLogger("bm25s").setLevel(logging.WARNING)

FORMAT = "1"
#: Passages above which search is approximate (retrieve.py) and a build also writes an HNSW graph over the
#: vectors and their moments. Up to here the exact path scores every passage in about 2 ms (a 20,000 x 384
#: mat-vec over 31 MB, and the z-scores' medians), small beside the ~13 ms of embedding the question, so
#: the corpora the decision model was fitted and evaluated on (hundreds of passages) keep their exact
#: scores; beyond it that cost grows linearly (about 13 ms at 10^5).
ANN_FROM = 20_000
#: The HNSW graph: links per node and construction beam (about 20 s for 10^5 vectors on 2 cores, a 27 MB
#: file); the search beam is the retriever's.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
_ANN_LOCK = threading.Lock()  # one graph built at a time (a server's first large searches)
_LIBS = ("faiss-cpu", "bm25s", "fugashi", "unidic-lite", "sentence-transformers", "transformers", "torch",
         "onnxruntime", "tokenizers", "trafilatura", "lxml", "pypdfium2", "python-docx", "openpyxl")


@dataclass
class DocInfo:
    source: str
    path: str
    title: str | None
    as_of: str | None
    sha256: str
    chars: int
    format: str | None = None
    #: The extracted text of a document that is not plain text (citations' offsets count in it); None for
    #: .txt/.md, whose file is the text.
    text: str | None = None


@dataclass
class Index:
    folder: Path
    manifest: dict
    passages: list[Passage]
    documents: dict[str, DocInfo]
    dense: faiss.Index
    bm25: bm25s.BM25
    vocab: frozenset[str]
    warnings: list[str]
    #: HNSW graph over ``dense``'s vectors (sharing its storage) and the vectors' mean and covariance, for
    #: the approximate search of large corpora; built on first use when the build has none (see ann()).
    graph: faiss.Index | None = None
    moments: tuple[np.ndarray, np.ndarray] | None = None

    def ann(self) -> tuple[faiss.Index, tuple[np.ndarray, np.ndarray]]:
        """The HNSW graph and the (mean, covariance) of the vectors, computed here if the build lacks them
        (a build of ANN_FROM passages or fewer, or one made before they were written)."""
        graph, moments = self.graph, self.moments
        if graph is not None and moments is not None and graph.ntotal == self.dense.ntotal:
            return graph, moments
        with _ANN_LOCK:
            if self.graph is None or self.graph.ntotal != self.dense.ntotal:
                if self.dense.ntotal > ANN_FROM:
                    log.warning("index at %s has no HNSW graph; building one in memory (rebuild the index "
                                "with `assistant index --force` to keep it)", self.folder)
                self.graph = _attach(hnsw_graph(self.vectors()), self.dense)
            if self.moments is None:
                self.moments = dense_moments(self.vectors())
            return self.graph, self.moments

    def vectors(self) -> np.ndarray:
        """The passage vectors as a read-only (n, dim) view of the flat FAISS index's storage."""
        view = getattr(self, "_vectors", None)
        if view is None or view.shape[0] != self.dense.ntotal:
            n, d = self.dense.ntotal, self.dense.d
            flat = faiss.rev_swig_ptr(self.dense.get_xb(), n * d) if n else np.zeros(0, np.float32)
            view = np.asarray(flat, dtype=np.float32).reshape(n, d)
            view.flags.writeable = False
            self._vectors = view
        return view


def hnsw_graph(vectors: np.ndarray) -> faiss.Index:
    """An HNSW index (inner product) over the vectors, with its own copy of them (see _attach)."""
    graph = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    if len(vectors):
        graph.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return graph


def _attach(graph: faiss.Index, flat: faiss.Index) -> faiss.Index:
    """The graph searching the flat index's vectors: one copy in memory instead of two."""
    if not isinstance(flat, faiss.IndexFlat) or graph.ntotal != flat.ntotal:
        raise ValueError("the HNSW graph does not match the flat index")
    graph.storage = flat
    graph.own_fields = False  # the graph does not free it; the Python object keeps it alive (faiss's idiom)
    graph.referenced_objects = [flat]
    return graph


def dense_moments(vectors: np.ndarray, chunk: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Mean vector and covariance matrix (float64) of the vectors, in two passes over row chunks.

    The mean and variance of every passage's similarity to a query q follow from them without scoring
    the passages: q . mean and q^T cov q (the covariance is centred, so no cancellation).
    """
    n, d = vectors.shape
    mean = np.zeros(d)
    for i in range(0, n, chunk):
        mean += vectors[i:i + chunk].sum(axis=0, dtype=np.float64)
    mean /= max(n, 1)
    cov = np.zeros((d, d))
    for i in range(0, n, chunk):
        x = vectors[i:i + chunk].astype(np.float64) - mean
        cov += x.T @ x
    cov /= max(n, 1)
    return mean, cov


def _lib_versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in _LIBS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def compute_key(corpus_folder: Path, embedder: Embedder) -> tuple[str, dict]:
    """The build key and what went into it (stored in the manifest for people to read)."""
    files = {}
    for path in corpus_files(corpus_folder):
        files[path.relative_to(corpus_folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    code = hashlib.sha256()
    fill_dir = Path(corpus_pkg.__file__).parent.parent / "fill"
    # the code that makes passages and terms; check sheets are read by the filler's reader and locator
    for path in [*sorted(Path(corpus_pkg.__file__).parent.glob("*.py")), fill_dir / "read.py", fill_dir / "locate.py",
                 Path(tokens.__file__)]:
        code.update(path.read_bytes())
    inputs = {
        "format": FORMAT,
        "corpus": str(corpus_folder),
        "files": files,
        "model": embedder.spec,
        "model_fingerprint": embedder.fingerprint,
        "libraries": _lib_versions(),
        "code": code.hexdigest()[:16],
    }
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    return key, inputs


def current_build(index_root: Path) -> Path | None:
    pointer = index_root / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except OSError:  # missing, or the folder is not one: nothing to serve
        return None
    build = index_root / name
    return build if (build / "manifest.json").is_file() else None


def status(corpus_folder: Path, index_root: Path, embedder: Embedder) -> tuple[str, Path | None]:
    """'fresh', 'stale' or 'missing', and the build that is there."""
    build = current_build(index_root)
    if build is None:
        return "missing", None
    key, _ = compute_key(corpus_folder, embedder)
    return ("fresh" if _is_build_of(build, key) else "stale"), build


def _is_build_of(build: Path | None, key: str) -> bool:
    """A build's folder is named after its key, and is only ever renamed into place when complete."""
    return build is not None and (build.name == f"build-{key}" or build.name.startswith(f"build-{key}."))


def ensure_index(corpus_folder: Path, index_root: Path, embedder: Embedder, *, progress: Reporting = True,
                 force: bool = False) -> Index:
    """Serve the current build, building it first when missing, stale, or forced (telling ``progress``)."""
    progress = reporter(progress)
    key, inputs = compute_key(corpus_folder, embedder)
    build = current_build(index_root)
    if not force and _is_build_of(build, key):
        return load_index(build)
    try:
        index_root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(index_root / ".lock"), timeout=600):
            build = current_build(index_root)  # another process may have built it meanwhile
            _clean_leftovers(index_root)  # of builds killed before they finished (we hold the lock)
            if force or not _is_build_of(build, key):
                reason = "forced" if force else ("missing" if build is None else "stale")
                progress.note(f"Building index ({reason}) for {corpus_folder} into {index_root} ...")
                build = build_index(corpus_folder, index_root, embedder, key, inputs, progress=progress)
    except OSError as exc:
        last = current_build(index_root)
        if last is not None:  # disk full, permissions: keep serving the last complete build
            log.warning("cannot write a new index to %s (%s); serving the last complete build %s",
                        index_root, exc.strerror or exc, last.name)
            return load_index(last)
        raise IndexError_(
            f"cannot write the index to {index_root} ({exc.strerror or exc}); "
            "free some disk space or set ASSISTANT_INDEX to a writable folder"
        ) from exc
    return load_index(build)


def build_index(corpus_folder: Path, index_root: Path, embedder: Embedder, key: str, inputs: dict,
                *, progress: Reporting = True) -> Path:
    progress = reporter(progress)
    started = time.perf_counter()
    corpus: Corpus = load_corpus(corpus_folder, progress=progress)
    for warning in corpus.warnings:
        progress.note(f"warning: {warning}")
    passages = corpus.passages
    texts = [p.index_text() for p in passages]

    tmp = Path(tempfile.mkdtemp(prefix=".build-tmp-", dir=index_root))
    try:
        # a bar only where someone watches it or the build is long; the summary line is always told
        with progress.bar("index", 3, "step", long=len(texts) >= LONG_BUILD) as steps:
            steps.status(f"embedding {len(texts)} passages")
            embed_started = time.perf_counter()
            vectors = embedder.encode_passages(texts, progress=progress)
            embed_seconds = time.perf_counter() - embed_started
            dense = faiss.IndexFlatIP(vectors.shape[1])
            dense.add(vectors)
            faiss.write_index(dense, str(tmp / "dense.faiss"))
            if len(vectors) > ANN_FROM:  # for the approximate search: the graph without its vectors
                faiss.write_index(hnsw_graph(vectors), str(tmp / "dense.hnsw"), faiss.IO_FLAG_SKIP_STORAGE)
                mean, cov = dense_moments(vectors)
                np.savez(tmp / "dense-moments.npz", mean=mean, cov=cov)
            steps.update()

            steps.status("BM25")
            token_lists = [tokens.tokenize(t) for t in texts]
            bm25 = bm25s.BM25()
            bm25.index([t or [""] for t in token_lists], show_progress=False)
            bm25.save(str(tmp / "bm25"))
            vocab = sorted({t for ts in token_lists for t in ts})
            steps.update()

            steps.status("passages")
            docs = {
                d.source: asdict(DocInfo(d.source, str(d.path), d.title, d.as_of, d.sha256, len(d.text), d.format,
                                         d.text if d.extracted else None))
                for d in corpus.documents
            }
            _write_json(tmp / "passages.json", {
                "documents": docs,
                "passages": [asdict(p) for p in passages],
                "vocab": vocab,
                "warnings": corpus.warnings,
            })
            manifest = {
                "key": key, **inputs, "passages": len(passages), "documents": len(docs),
                "dim": int(vectors.shape[1]), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "build_seconds": round(time.perf_counter() - started, 2),
                "embed_seconds": round(embed_seconds, 2),
            }
            _write_json(tmp / "manifest.json", manifest)  # written last: its presence marks a complete build
            steps.update()

        final = index_root / f"build-{key}"
        if final.exists():  # a forced rebuild of the same inputs: never delete what CURRENT points at
            final = index_root / f"build-{key}.{time.time_ns()}"
        os.replace(tmp, final)
        _point_current(index_root, final.name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_builds(index_root, keep=final.name)
    seconds = time.perf_counter() - started
    progress.note(f"Index ready: {len(passages)} passages from {len(docs)} document(s) in {seconds:.1f}s "
                  f"({len(passages) / max(seconds, 1e-9):.0f} passages/s)")
    return final


def _write_json(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())


def _point_current(index_root: Path, name: str) -> None:
    atomic_write_text(index_root / "CURRENT", name + "\n")  # its temporary file is a ".CURRENT.*" leftover


def _clean_leftovers(index_root: Path) -> None:
    """Temporary folders and pointer files of builds that were killed (only called under the build lock)."""
    for child in index_root.iterdir():
        if child.is_dir() and child.name.startswith(".build-tmp-"):
            shutil.rmtree(child, ignore_errors=True)
        elif child.is_file() and child.name.startswith(".CURRENT."):
            child.unlink(missing_ok=True)


def _remove_old_builds(index_root: Path, keep: str) -> None:
    for child in index_root.iterdir():
        if child.is_dir() and child.name != keep and (child.name.startswith("build-") or child.name.startswith(".build-tmp-")):
            shutil.rmtree(child, ignore_errors=True)


def load_index(build: Path) -> Index:
    try:
        manifest = json.loads((build / "manifest.json").read_text())
        data = json.loads((build / "passages.json").read_text(encoding="utf-8"))
        dense = faiss.read_index(str(build / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(build / "bm25"))
        graph = moments = None
        if (build / "dense.hnsw").is_file():
            graph = _attach(faiss.read_index(str(build / "dense.hnsw"), faiss.IO_FLAG_SKIP_STORAGE), dense)
        if (build / "dense-moments.npz").is_file():
            with np.load(build / "dense-moments.npz") as m:
                moments = (m["mean"], m["cov"])
    except (OSError, ValueError, RuntimeError) as exc:
        raise IndexError_(f"index at {build} is unreadable ({exc}); rebuild it with `assistant index`") from exc
    passages = [Passage(**{**p, "section": tuple(p["section"])}) for p in data["passages"]]
    documents = {k: DocInfo(**v) for k, v in data["documents"].items()}
    if dense.ntotal != len(passages):
        raise IndexError_(f"index at {build} is inconsistent; rebuild it with `assistant index`")
    return Index(build, manifest, passages, documents, dense, bm25, frozenset(data["vocab"]), data.get("warnings", []),
                 graph, moments)
