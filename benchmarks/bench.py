"""Speed and memory, before (torch) and after (ONNX), beside a naive peer: prints numbers, never asserts.

    .venv/bin/python benchmarks/bench.py            # what `make bench` runs
    BENCH_SCALES=1000,10000 BENCH_LOAD_SECONDS=20 .venv/bin/python benchmarks/bench.py   # quicker
    BENCH_SECTIONS=scale BENCH_SCALES=100000 .venv/bin/python benchmarks/bench.py       # one part
    BENCH_SECTIONS=scale BENCH_SCALE_RUNTIME=onnx-q8 .venv/bin/python benchmarks/bench.py   # faster builds

Everything that is compared is measured in the same run, so ratios stay meaningful on a shared, noisy
machine:

1. start-up: a cold ``assistant ask`` (fresh interpreter, index already built) per runtime, wall time
   and peak RSS, beside a yardstick interpreter that only imports numpy, faiss, fugashi and bm25s;
2. the default corpus, in process, per runtime: index build (passages/s), one query embedding, and
   an answer (p50/p95), with the answer/embedding ratio;
3. the server (``assistant serve``, ONNX): RSS after 50 questions, then BENCH_CLIENTS (50) clients for
   BENCH_LOAD_SECONDS (60 s): answers/s, p50/p99, errors, RSS before and after; then the same load for
   half as long with BENCH_SLACK_BURST (200) signed Slack commands at once a third of the way in
   (acknowledgement times against Slack's 3 s); /healthz probed twice a second throughout;
4. scale: synthetic corpora of BENCH_SCALES (10^3, 10^4, 10^5) passages written by this script; the
   product (ONNX) beside a naive RAG stack in the same process (sentence-transformers + FAISS flat +
   bm25s top-k, fused by reciprocal rank): build throughput, answer p50/p95, memory. Above
   BENCH_EMBED_MAX (2000) passages both sides embed only that many for real and reuse those vectors
   (jittered) for the rest, so a 10^5 run takes minutes, not an hour; build throughput then counts
   the measured embedding rate for every passage (marked "est.") and everything else (parsing,
   BM25, FAISS, files) as run. BENCH_EMBED_MAX=0 embeds everything.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from assistant.config import DEFAULT_MODEL, Settings  # noqa: E402

SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1000,10000,100000").split(",") if s.strip()]
EMBED_MAX = int(os.environ.get("BENCH_EMBED_MAX", "2000"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
#: Signed Slack commands sent at once, a third of the way into the load (0: none).
SLACK_BURST = int(os.environ.get("BENCH_SLACK_BURST", "200"))
SLACK_SECRET = "bench-signing-secret-0123456789abcdef"  # the benchmark's own server only
RUNTIMES = ("torch", "onnx")  # before, after
#: The product's runtime in the scale part (onnx-q8: passages on the faster graph too).
SCALE_RUNTIME = os.environ.get("BENCH_SCALE_RUNTIME", "onnx")
QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
YARDSTICK = "import numpy, faiss, fugashi, bm25s"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def rss_mib(pid: int | str = "self", kind: str = "VmRSS") -> float:
    """Resident memory; kind RssAnon is the process's own, RssFile the mapped files (model weights)."""
    m = re.search(kind + r":\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(m.group(1)) / 1024 if m else float("nan")


def rss_parts(pid: int) -> str:
    return f"anon {rss_mib(pid, 'RssAnon'):.0f} + files {rss_mib(pid, 'RssFile'):.0f}"


_PEAK_PROBE = (
    "import atexit, re, sys\n"
    "_out = sys.argv[1]\n"
    "def _peak():\n"
    "    m = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())\n"
    "    open(_out, 'w').write(m.group(1))\n"
    "atexit.register(_peak)\n"
    "sys.argv = ['assistant', *sys.argv[2:]]\n"
    "from assistant.cli import main\n"
    "main()\n"
)


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit code of one fresh interpreter.

    ``assistant ...`` commands report their own VmHWM at exit: the rusage of a child counts the
    benchmark's own memory, which the forked child held until it exec'd.
    """
    peak_file = None
    if args[1:3] == ["-m", "assistant.cli"]:
        fd, peak_file = tempfile.mkstemp(prefix="bench-peak-")
        os.close(fd)
        args = [args[0], "-c", _PEAK_PROBE, peak_file, *args[3:]]
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    peak = usage.ru_maxrss / 1024
    if peak_file:
        try:
            peak = int(Path(peak_file).read_text() or "0") / 1024 or float("nan")
        finally:
            os.unlink(peak_file)
    return wall, peak, os.waitstatus_to_exitcode(status)


def header(title: str) -> None:
    print(f"\n== {title}", flush=True)


# --------------------------------------------------------------------------- 1. start-up


def startup(tmp: Path) -> dict:
    header("cold start (fresh interpreter; index built beforehand; median of 3)")
    yard = [run_child([sys.executable, "-c", YARDSTICK], dict(os.environ))[0] for _ in range(3)]
    y = statistics.median(yard)
    print(f"yardstick  `python -c \"{YARDSTICK}\"`  {y:5.2f} s")
    out = {"yardstick_s": y}
    for runtime in RUNTIMES:
        env = {**os.environ, "ASSISTANT_RUNTIME": runtime, "ASSISTANT_INDEX": str(tmp / f"index-{runtime}"),
               "PYTHONPATH": str(ROOT)}
        ask = [sys.executable, "-m", "assistant.cli", "ask", "SCIMに対応していますか？"]
        run_child(ask, env)  # builds the index (and the ONNX export) if needed
        runs = [run_child(ask, env) for _ in range(3)]
        wall = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        ok = all(r[2] == 0 for r in runs)
        print(f"assistant ask [{runtime:5s}]  {wall:5.2f} s wall  (x{wall / y:4.1f} yardstick)  peak {peak:5.0f} MiB"
              + ("" if ok else "  FAILED"))
        out[runtime] = {"wall_s": wall, "peak_mib": peak, "ok": ok}
    return out


# --------------------------------------------------------------------------- 2. default corpus


def default_corpus(tmp: Path) -> dict:
    from assistant.answer import Assistant
    from assistant.embed import get_embedder
    from assistant.index import ensure_index

    header("default corpus, in process (answers p50/p95 over the evaluation questions)")
    out = {}
    for runtime in RUNTIMES:
        settings = Settings(runtime=runtime, index=tmp / f"index-inproc-{runtime}")
        t0 = time.perf_counter()
        embedder = get_embedder(settings.model, settings.cache, runtime)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        idx = ensure_index(settings.corpus, settings.index, embedder, progress=False)
        build_s = time.perf_counter() - t0
        assistant = Assistant(settings, progress=False)
        for q in QUESTIONS[:5]:
            assistant.ask(q)
        embed_ms, answer_ms = [], []
        for q in QUESTIONS:  # interleaved, so both see the same machine
            t0 = time.perf_counter()
            embedder.encode_queries([q])
            embed_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            assistant.ask(q)
            answer_ms.append((time.perf_counter() - t0) * 1000)
        n = len(idx.passages)
        e50, a50 = pct(embed_ms, 50), pct(answer_ms, 50)
        print(f"[{runtime:5s}] model load {load_s:5.2f} s | build {n} passages {build_s:5.2f} s ({n / build_s:5.0f}/s) | "
              f"embed p50 {e50:5.1f} ms | answer p50 {a50:5.1f} p95 {pct(answer_ms, 95):5.1f} ms "
              f"(x{a50 / e50:.2f} of one embedding)")
        out[runtime] = {"embed_p50": e50, "answer_p50": a50, "answer_p95": pct(answer_ms, 95),
                        "build_per_s": n / build_s}
    t, o = out["torch"], out["onnx"]
    print(f"onnx vs torch: embedding x{t['embed_p50'] / o['embed_p50']:.1f} faster, "
          f"answer x{t['answer_p50'] / o['answer_p50']:.1f} faster")
    return out


# --------------------------------------------------------------------------- 3. server


def _slack_burst(url: str, n: int) -> tuple[list[float], dict[str, int]]:
    """n signed slash commands at once; seconds to each acknowledgement (Slack gives up after 3 s)."""
    import urllib.parse

    import httpx
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(SLACK_SECRET)
    acks: list[float] = []
    codes: dict[str, int] = {}

    async def one(i: int, c: httpx.AsyncClient) -> None:
        body = urllib.parse.urlencode({
            "command": "/secqa", "text": QUESTIONS[i % len(QUESTIONS)], "user_id": f"U{i}", "team_id": "T1",
            "response_url": f"https://hooks.slack.com/commands/T1/{i}/bench"}).encode()
        ts = str(int(time.time()))
        headers = {"X-Slack-Request-Timestamp": ts, "Content-Type": "application/x-www-form-urlencoded",
                   "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body)}
        t0 = time.perf_counter()
        try:
            r = await c.post("/slack/commands", content=body, headers=headers)
            text = json.dumps(r.json(), ensure_ascii=False) if r.status_code == 200 else ""
            kind = "error" if r.status_code != 200 else ("deferred" if ":mag:" in text else "inline")
        except httpx.HTTPError:
            kind = "error"
        acks.append(time.perf_counter() - t0)
        codes[kind] = codes.get(kind, 0) + 1

    async def burst() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=n)) as c:
            await asyncio.gather(*(one(i, c) for i in range(n)))

    asyncio.run(burst())
    return acks, codes


def server(tmp: Path) -> dict:
    import httpx

    header(f"server (assistant serve, onnx): 50 questions, then {CLIENTS} clients for {LOAD_SECONDS:.0f} s")
    port = 18000 + os.getpid() % 1000
    env = {**os.environ, "ASSISTANT_RUNTIME": "onnx", "ASSISTANT_INDEX": str(tmp / "index-onnx"),
           "ASSISTANT_RATE_LIMIT": "1000000/minute", "ASSISTANT_FEEDBACK_DB": str(tmp / "feedback.db"),
           "ASSISTANT_SLACK_SIGNING_SECRET": SLACK_SECRET, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                print("server did not start")
                return {}
            time.sleep(0.3)
        with httpx.Client(base_url=url, timeout=30) as client:
            for q in QUESTIONS[:50]:
                client.post("/api/ask", json={"question": q}).raise_for_status()
        after50, parts50 = rss_mib(proc.pid), rss_parts(proc.pid)
        latencies: list[float] = []
        errors = 0

        async def one_client(i: int, stop: float) -> None:
            nonlocal errors
            async with httpx.AsyncClient(base_url=url, timeout=30) as c:
                k = i
                while time.perf_counter() < stop:
                    q = QUESTIONS[k % len(QUESTIONS)]
                    k += CLIENTS
                    t0 = time.perf_counter()
                    try:
                        r = await c.post("/api/ask", json={"question": q})
                        ok = r.status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    if ok:
                        latencies.append(time.perf_counter() - t0)
                    else:
                        errors += 1

        acks: list[float] = []  # seconds to each Slack acknowledgement
        slack_codes: dict[str, int] = {}
        health_ms: list[float] = []

        async def slack_burst(at: float) -> None:
            """SLACK_BURST signed commands at once, from a process of their own: the load clients keep this
            process's event loop busy, which would count in the acknowledgement times."""
            import concurrent.futures

            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            with concurrent.futures.ProcessPoolExecutor(1) as pool:
                got, codes = await asyncio.get_running_loop().run_in_executor(pool, _slack_burst, url, SLACK_BURST)
            acks.extend(got)
            slack_codes.update(codes)

        async def health(stop: float) -> None:
            """What a monitor sees during the load: /healthz every half second."""
            async with httpx.AsyncClient(base_url=url, timeout=30) as c:
                while time.perf_counter() < stop:
                    t0 = time.perf_counter()
                    try:
                        await c.get("/healthz")
                    except httpx.HTTPError:
                        pass
                    health_ms.append((time.perf_counter() - t0) * 1000)
                    await asyncio.sleep(0.5)

        async def load(seconds: float, burst: bool) -> float:
            start = time.perf_counter()
            extra = [health(start + seconds)]
            if burst:
                extra.append(slack_burst(start + seconds / 3))
            await asyncio.gather(*(one_client(i, start + seconds) for i in range(CLIENTS)), *extra)
            return time.perf_counter() - start

        # the measurement first, the load alone; then the load again with a Slack burst in it
        elapsed = asyncio.run(load(LOAD_SECONDS, False))
        after_load, parts_load = rss_mib(proc.pid), rss_parts(proc.pid)
        rate = len(latencies) / elapsed
        ms = [x * 1000 for x in latencies] or [float("nan")]
        print(f"RSS after 50 questions {after50:5.0f} MiB ({parts50}); after the load {after_load:5.0f} MiB "
              f"({parts_load}; {(after_load / after50 - 1) * 100:+.0f}%)")
        print(f"{rate:6.1f} answers/s (x{rate / 22.8:.1f} of the 22.8/s measured on torch in issue 14), "
              f"p50 {pct(ms, 50):6.1f} ms, p99 {pct(ms, 99):6.1f} ms, errors {errors}")
        slack = {}
        if SLACK_BURST:
            burst_errors = errors
            latencies.clear()
            asyncio.run(load(max(10.0, LOAD_SECONDS / 2), True))
            after_burst = rss_mib(proc.pid)
            burst_ms = [x * 1000 for x in latencies] or [float("nan")]
            print(f"the load again for {max(10.0, LOAD_SECONDS / 2):.0f} s with {SLACK_BURST} signed Slack commands "
                  f"at once a third of the way in: answers p50 {pct(burst_ms, 50):6.1f} ms, p99 {pct(burst_ms, 99):6.1f}"
                  f" ms, errors {errors - burst_errors}; RSS {after_burst:5.0f} MiB "
                  f"({(after_burst / after50 - 1) * 100:+.0f}% of after 50 questions)")
        if acks:
            late = sum(a > 3 for a in acks)
            slack = {"ack_p99": pct(acks, 99) * 1000, "ack_max": max(acks) * 1000, "late": late, **slack_codes}
            print(f"Slack burst of {SLACK_BURST} commands during the load: ack p50 {pct(acks, 50) * 1000:6.0f} ms, "
                  f"p99 {slack['ack_p99']:6.0f} ms, max {slack['ack_max']:6.0f} ms, over 3 s {late}; "
                  + ", ".join(f"{k} {v}" for k, v in sorted(slack_codes.items())))
        if health_ms:
            print(f"/healthz during the load: p50 {pct(health_ms, 50):6.1f} ms, max {max(health_ms):6.1f} ms")
        return {"rss_after_50": after50, "rss_after_load": after_load, "rate": rate, "p50": pct(ms, 50),
                "p99": pct(ms, 99), "errors": errors, "slack": slack,
                "health_max": max(health_ms) if health_ms else float("nan")}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --------------------------------------------------------------------------- 4. scale

_JA_SUBJECTS = ["パスワード", "監査ログ", "バックアップ", "暗号化キー", "アクセス権", "脆弱性診断", "個人情報", "通信",
                "保存データ", "APIキー", "委託先", "従業員教育", "データセンター", "多要素認証", "退職者のアカウント"]
_JA_VERBS = ["は{t}で保護されています", "は{n}日間保持されます", "の管理に{t}を利用しています",
             "について{t}の要件を満たしています", "は年{n}回見直されます", "は{t}により暗号化されます"]
_EN = ["{s} are protected with {t}.", "{s} are retained for {n} days.", "We review {s} {n} times a year.",
       "Access to {s} requires {t}.", "{s} are encrypted with {t} in transit and at rest."]
_EN_SUBJECTS = ["customer records", "audit logs", "backups", "API tokens", "session keys", "employee accounts"]
_TERMS = ["AES-256", "TLS 1.2", "SAML 2.0", "SCIM", "MFA", "ISO/IEC 27001", "SOC 2", "RBAC", "KMS", "WAF"]


def synthetic_corpus(folder: Path, n: int, seed: int = 14) -> None:
    """n one-paragraph passages in Markdown files of 1000, each under its own heading."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True)
    per_file = 1000
    for f in range(0, n, per_file):
        lines = [f"# 製品{f // per_file} セキュリティ仕様", ""]
        for i in range(f, min(n, f + per_file)):
            lines += [f"## 項目 {i}", ""]
            t, num = rnd.choice(_TERMS), rnd.randint(2, 400)
            if i % 2:
                text = rnd.choice(_JA_SUBJECTS) + rnd.choice(_JA_VERBS).format(t=t, n=num) + f"（管理番号 K{i}）。"
                text += rnd.choice(_JA_SUBJECTS) + rnd.choice(_JA_VERBS).format(t=rnd.choice(_TERMS), n=num + 1) + "。"
            else:
                text = rnd.choice(_EN).format(s=rnd.choice(_EN_SUBJECTS), t=t, n=num).capitalize()
                text += f" Control ref C{i}. " + rnd.choice(_EN).format(s=rnd.choice(_EN_SUBJECTS), t=rnd.choice(_TERMS), n=num)
            lines += [text, ""]
        (folder / f"part-{f // per_file:04d}.md").write_text("\n".join(lines), encoding="utf-8")


class Sampled:
    """An embedder that embeds at most `limit` passages for real and reuses (jittered) vectors after."""

    def __init__(self, encode, limit: int, dim: int):
        self.encode, self.limit, self.dim = encode, limit, dim
        self.embed_seconds = 0.0
        self.embedded = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        k = len(texts) if self.limit <= 0 else min(self.limit, len(texts))
        t0 = time.perf_counter()
        head = self.encode(texts[:k])
        self.embed_seconds, self.embedded = time.perf_counter() - t0, k
        if k == len(texts):
            return head
        rng = np.random.default_rng(0)
        rest = head[np.arange(k, len(texts)) % k] + rng.normal(0, 0.03, (len(texts) - k, head.shape[1])).astype(np.float32)
        rest /= np.linalg.norm(rest, axis=1, keepdims=True)
        return np.concatenate([head, rest]).astype(np.float32)

    def build_rate(self, n: int, total_seconds: float) -> float:
        """Passages/s with every passage embedded at the measured rate."""
        per = self.embed_seconds / max(self.embedded, 1)
        return n / (total_seconds - self.embed_seconds + per * n)


class NaivePeer:
    """What a typical RAG tutorial builds: sentence-transformers, FAISS flat top-k, bm25s top-k, RRF."""

    def __init__(self, model_dir: Path):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)

    def build(self, texts: list[str], sampled: Sampled) -> None:
        import bm25s
        import faiss

        self.texts = texts
        vectors = sampled(["passage: " + t for t in texts])
        self.dense = faiss.IndexFlatIP(vectors.shape[1])
        self.dense.add(vectors)
        self.bm25 = bm25s.BM25()
        self.bm25.index(bm25s.tokenize(texts, show_progress=False), show_progress=False)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)

    def ask(self, question: str, k: int = 10) -> list[int]:
        import bm25s

        q = self.embed(["query: " + question])
        _, dense_ids = self.dense.search(q, k)
        ids, _ = self.bm25.retrieve(bm25s.tokenize([question], show_progress=False), k=min(k, len(self.texts)),
                                    show_progress=False)
        fused: dict[int, float] = {}
        for ranking in (dense_ids[0].tolist(), ids[0].tolist()):
            for r, i in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + 1.0 / (60 + r)
        return sorted(fused, key=fused.get, reverse=True)[:3]


def scale(tmp: Path) -> list[dict]:
    from assistant.answer import Assistant
    from assistant.corpus import load_corpus
    from assistant.embed import get_embedder
    from assistant.index import build_index, compute_key

    header(f"scale: synthetic corpora, product ({SCALE_RUNTIME}) beside the naive peer (sentence-transformers + FAISS flat + bm25s), "
           f"real embeddings for up to {EMBED_MAX or 'all'} passages")
    embedder = get_embedder(DEFAULT_MODEL, Settings().cache, SCALE_RUNTIME)
    peer_model_dir = Path(embedder.path)
    peer = None
    rows = []
    for n in SCALES:
        folder = tmp / f"scale-{n}"
        synthetic_corpus(folder / "corpus", n)
        texts = [p.index_text() for p in load_corpus(folder / "corpus").passages]
        gc.collect()
        rss0 = rss_mib()
        ours = Sampled(lambda ts: embedder.encode_passages(ts, progress=False), EMBED_MAX, embedder.dim)

        class Wrapped:  # the product's embedder with a sampled encode_passages
            spec, fingerprint, dim = embedder.spec, embedder.fingerprint, embedder.dim
            encode_queries = staticmethod(embedder.encode_queries)

            @staticmethod
            def encode_passages(ts, progress=False):
                return ours(ts)

        (folder / "index").mkdir()
        t0 = time.perf_counter()
        key, inputs = compute_key(folder / "corpus", Wrapped)
        build_index(folder / "corpus", folder / "index", Wrapped, key, inputs, progress=False)
        build_s = time.perf_counter() - t0
        assistant = Assistant(Settings(corpus=folder / "corpus", index=folder / "index", runtime=SCALE_RUNTIME), progress=False)
        rss_ours = rss_mib() - rss0

        if peer is None:
            peer = NaivePeer(peer_model_dir)
        gc.collect()
        rss1 = rss_mib()
        theirs = Sampled(peer.embed, EMBED_MAX, embedder.dim)
        t0 = time.perf_counter()
        peer.build(texts, theirs)
        peer_build_s = time.perf_counter() - t0
        rss_peer = rss_mib() - rss1

        for q in QUESTIONS[:5]:
            assistant.ask(q)
            peer.ask(q)
        ours_ms, peer_ms = [], []
        for q in QUESTIONS:
            t0 = time.perf_counter()
            assistant.ask(q)
            ours_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            peer.ask(q)
            peer_ms.append((time.perf_counter() - t0) * 1000)
        cold_wall, cold_peak, code = run_child(
            [sys.executable, "-m", "assistant.cli", "ask", "パスワードの保持期間は？"],
            {**os.environ, "ASSISTANT_CORPUS": str(folder / "corpus"), "ASSISTANT_INDEX": str(folder / "index"),
             "ASSISTANT_RUNTIME": SCALE_RUNTIME, "PYTHONPATH": str(ROOT)})
        m = len(texts)  # passages as cut by the product (a paragraph may give more than one)
        est = " est." if ours.embedded < m else ""
        row = {"n": n, "passages": m, "build": ours.build_rate(m, build_s), "peer_build": theirs.build_rate(m, peer_build_s),
               "p50": pct(ours_ms, 50), "p95": pct(ours_ms, 95), "peer_p50": pct(peer_ms, 50),
               "peer_p95": pct(peer_ms, 95), "rss": rss_ours, "peer_rss": rss_peer, "cold_s": cold_wall,
               "cold_peak": cold_peak, "est": est, "ok": code == 0}
        rows.append(row)
        print(f"{n:>7} paragraphs, {m} passages | build {row['build']:6.0f}/s{est} vs peer {row['peer_build']:6.0f}/s{est} "
              f"(x{row['build'] / row['peer_build']:.2f}) | answer p50 {row['p50']:6.1f} ms p95 {row['p95']:6.1f} vs peer "
              f"p50 {row['peer_p50']:6.1f} p95 {row['peer_p95']:6.1f} (x{row['peer_p50'] / row['p50']:.2f} faster) | "
              f"RSS growth {rss_ours:5.0f} vs peer {rss_peer:5.0f} MiB | cold ask {cold_wall:4.1f} s, "
              f"peak {cold_peak:5.0f} MiB" + ("" if code == 0 else " FAILED"), flush=True)
        del assistant
        peer.texts = peer.dense = peer.bm25 = None
    return rows


def main() -> None:
    print(f"benchmark: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    sections = set(os.environ.get("BENCH_SECTIONS", "startup,corpus,server,scale").split(","))
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp = Path(tmp)
        start = startup(tmp) if "startup" in sections else {}
        corpus = default_corpus(tmp) if "corpus" in sections else {}
        serve = server(tmp) if LOAD_SECONDS > 0 and "server" in sections else {}
        rows = scale(tmp) if SCALES and "scale" in sections else []
    header("targets (issue 14)")
    checks = []
    if start:
        y, o = start["yardstick_s"], start["onnx"]
        checks += [
            ("cold ask <= 2 s", f"{o['wall_s']:.2f} s", o["wall_s"] <= 2),
            ("cold ask <= 6x yardstick", f"x{o['wall_s'] / y:.1f}", o["wall_s"] <= 6 * y),
            ("cold ask peak <= 400 MiB", f"{o['peak_mib']:.0f} MiB", o["peak_mib"] <= 400),
        ]
    if corpus:
        checks += [
            ("answer p50 <= 1.5x one embedding", f"x{corpus['onnx']['answer_p50'] / corpus['onnx']['embed_p50']:.2f}",
             corpus["onnx"]["answer_p50"] <= 1.5 * corpus["onnx"]["embed_p50"]),
        ]
    if serve:
        checks += [
            ("server <= 400 MiB after 50 questions", f"{serve['rss_after_50']:.0f} MiB", serve["rss_after_50"] <= 400),
            ("server flat under load (+<= 10%)", f"{(serve['rss_after_load'] / serve['rss_after_50'] - 1) * 100:+.0f}%",
             serve["rss_after_load"] <= 1.1 * serve["rss_after_50"]),
            ("throughput >= 5x 22.8/s", f"{serve['rate']:.0f}/s", serve["rate"] >= 5 * 22.8),
            ("p99 < 1 s under load", f"{serve['p99']:.0f} ms", serve["p99"] < 1000),
            ("no errors under load", f"{serve['errors']}", serve["errors"] == 0),
        ]
        if serve.get("slack"):
            sl = serve["slack"]
            checks += [("Slack acks all under 3 s during the load", f"max {sl['ack_max']:.0f} ms, {sl['late']} late",
                        sl["late"] == 0 and not sl.get("error"))]
    for row in rows:
        if row["n"] >= 100000:
            checks += [("10^5: answer p50 <= 20 ms", f"{row['p50']:.1f} ms", row["p50"] <= 20),
                       ("10^5: memory <= 1 GiB", f"{row['cold_peak']:.0f} MiB (cold ask peak)", row["cold_peak"] <= 1024)]
        if row["n"] == max(SCALES):
            checks.append((f"build >= 150/s at {row['n']}", f"{row['build']:.0f}/s{row['est']}", row["build"] >= 150))
    for name, value, ok in checks:
        print(f"{'met ' if ok else 'MISS'}  {name:40s} {value}")


if __name__ == "__main__":
    main()
