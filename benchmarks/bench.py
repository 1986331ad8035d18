"""Speed and memory of the core on the default corpus: prints numbers, never asserts them.

Model load, index build (cold, into a temporary folder) and per-question latency (p50/p95) of the
product's hybrid retrieval, with BM25-only and dense-only run in the same process as baselines so the
ratios stay meaningful on a shared, noisy machine.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.embed import get_embedder  # noqa: E402
from assistant.index import ensure_index  # noqa: E402


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    settings = Settings()
    t0 = time.perf_counter()
    embedder = get_embedder(settings.model, settings.cache, settings.runtime)
    model_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ensure_index(settings.corpus, Path(tmp) / "index", embedder, progress=False)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ensure_index(settings.corpus, Path(tmp) / "index", embedder, progress=False)
        load_s = time.perf_counter() - t0

        from assistant.answer import Assistant

        assistant = Assistant(Settings(index=Path(tmp) / "index"), progress=False)
        questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        for q in questions[:5]:
            assistant.ask(q)  # warm-up
        timings: dict[str, list[float]] = {}
        for mode in ("bm25", "dense", "hybrid"):
            ms = []
            for q in questions:
                t0 = time.perf_counter()
                retrieval = assistant.retrieve(q, mode=mode)
                assistant.answer_from(q, retrieval)
                ms.append((time.perf_counter() - t0) * 1000)
            timings[mode] = ms

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model load        {model_s:8.2f} s   ({settings.model})")
    print(f"index build       {build_s:8.2f} s   ({len(assistant.index.passages)} passages, cold)")
    print(f"index load        {load_s:8.3f} s   (fresh index: key check + load)")
    print(f"questions         {len(questions):8d}")
    base = statistics.median(timings["bm25"])
    for mode, ms in timings.items():
        print(f"latency {mode:7s}   p50 {_pct(ms, 50):7.1f} ms   p95 {_pct(ms, 95):7.1f} ms   "
              f"(x{statistics.median(ms) / base:.2f} of bm25 p50)")
    print(f"peak RSS          {rss_mb:8.0f} MiB")


if __name__ == "__main__":
    main()
