"""XLM-R's tokenizer for the serving path, in a tenth of the memory and start-up time.

``tokenizers.Tokenizer.from_file`` on the model's tokenizer.json takes 0.9-2.5 s and holds ~290 MiB
here: its Unigram model keeps a byte trie of all 250,002 pieces. This class keeps what the library
does best and cheaply, its own normaliser and pre-tokeniser objects (built from the same JSON), and
replaces the trie with a dict of pieces and a port of the library's Viterbi (``Unigram::
encode_optimized`` in tokenizers/src/models/unigram/model.rs: the same candidate order, the same strict
"better score" rule, the same unknown-character penalty and fusing of unknown runs), so the ids are
the library's. tests/test_onnx_fidelity.py checks that on the corpus, the evaluation questions and the
tokenizer stress texts.

Files (written by onnx_export.py next to the ONNX model): ``tokenizer.light.json`` (normaliser,
pre-tokeniser, special tokens and the template's ids), ``vocab.pieces`` (pieces, one a line) and
``vocab.scores`` (float64 scores, little-endian).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

LIGHT = "tokenizer.light.json"
PIECES = "vocab.pieces"
SCORES = "vocab.scores"
_UNK_PENALTY = 10.0  # K_UNK_PENALTY in tokenizers


def write_light_files(tokenizer_json: Path, out: Path) -> None:
    """Split a Unigram tokenizer.json into the three files this module reads."""
    spec = json.loads(Path(tokenizer_json).read_text(encoding="utf-8"))
    model = spec["model"]
    if model.get("type") != "Unigram" or model.get("byte_fallback"):
        raise ValueError("only Unigram tokenizers without byte fallback are supported")
    pieces = [p for p, _ in model["vocab"]]
    if any("\n" in p for p in pieces):
        raise ValueError("a piece holds a newline")
    template = spec["post_processor"]["single"]
    ids = spec["post_processor"]["special_tokens"]
    light = {
        "normalizer": spec["normalizer"],
        "pre_tokenizer": spec["pre_tokenizer"],
        "unk_id": model["unk_id"],
        "bos_id": ids[template[0]["SpecialToken"]["id"]]["ids"][0],
        "eos_id": ids[template[-1]["SpecialToken"]["id"]]["ids"][0],
        "special": [{k: t[k] for k in ("id", "content", "lstrip", "rstrip")}
                    for t in spec["added_tokens"] if t.get("special")],
    }
    (out / LIGHT).write_text(json.dumps(light, ensure_ascii=False), encoding="utf-8")
    (out / PIECES).write_text("\n".join(pieces), encoding="utf-8")
    np.asarray([s for _, s in model["vocab"]], dtype="<f8").tofile(out / SCORES)


class LightTokenizer:
    """encode(text) -> ids with <s> ... </s>, truncated to max_length, as the full tokenizer does."""

    def __init__(self, folder: Path, max_length: int = 512):
        from tokenizers import Tokenizer

        folder = Path(folder)
        light = json.loads((folder / LIGHT).read_text(encoding="utf-8"))
        # a one-piece Unigram carries the library's normaliser and pre-tokeniser objects
        shell = Tokenizer.from_str(json.dumps({
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
            "normalizer": light["normalizer"], "pre_tokenizer": light["pre_tokenizer"],
            "post_processor": None, "decoder": None,
            "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]], "byte_fallback": False},
        }))
        self._normalize = shell.normalizer.normalize_str if shell.normalizer else (lambda s: s)
        self._pre_tokenize = shell.pre_tokenizer.pre_tokenize_str
        pieces = (folder / PIECES).read_text(encoding="utf-8").split("\n")
        scores = np.fromfile(folder / SCORES, dtype="<f8")
        if len(scores) != len(pieces):
            raise ValueError(f"{folder}: {len(pieces)} pieces but {len(scores)} scores")
        self._ids = {p: i for i, p in enumerate(pieces)}
        self._scores = scores.tolist()
        self._unk_score = float(scores.min()) - _UNK_PENALTY
        self._max_piece = max(map(len, pieces))
        self.unk_id, self.bos_id, self.eos_id = light["unk_id"], light["bos_id"], light["eos_id"]
        self.max_length = max_length
        special = sorted(light["special"], key=lambda t: -len(t["content"]))
        self._special_ids = {t["content"]: t["id"] for t in special}
        alternatives = [(r"\s*" if t["lstrip"] else "") + f"({re.escape(t['content'])})" + (r"\s*" if t["rstrip"] else "")
                        for t in special]
        self._special = re.compile("|".join(alternatives)) if alternatives else None

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for segment, special in self._segments(text):
            if special:
                ids.append(self._special_ids[segment])
                continue
            normalized = self._normalize(segment)
            for word, _ in self._pre_tokenize(normalized):
                ids.extend(self._viterbi(word))
        return [self.bos_id, *ids[: self.max_length - 2], self.eos_id]

    def _segments(self, text: str):
        if self._special is None:
            yield text, False
            return
        at = 0
        for m in self._special.finditer(text):
            if m.start() > at:
                yield text[at : m.start()], False
            yield next(g for g in m.groups() if g is not None), True
            at = m.end()
        if at < len(text):
            yield text[at:], False

    def _viterbi(self, word: str) -> list[int]:
        n = len(word)
        ids, scores, max_piece = self._ids, self._scores, self._max_piece
        best = [0.0] * (n + 1)
        start_of = [-1] * (n + 1)
        token_of = [0] * (n + 1)
        for start in range(n):
            base = best[start]
            single = False
            for end in range(start + 1, min(n, start + max_piece) + 1):
                tid = ids.get(word[start:end])
                if tid is None:
                    continue
                candidate = base + scores[tid]
                if start_of[end] < 0 or candidate > best[end]:
                    best[end], start_of[end], token_of[end] = candidate, start, tid
                if end == start + 1:
                    single = True
            if not single:
                end = start + 1
                candidate = base + self._unk_score
                if start_of[end] < 0 or candidate > best[end]:
                    best[end], start_of[end], token_of[end] = candidate, start, self.unk_id
        out: list[int] = []
        unknown_end = -1  # end of the run of unknown nodes being fused, walking backwards
        end = n
        while end > 0:
            start = start_of[end]
            if token_of[end] == self.unk_id:
                if unknown_end < 0:
                    unknown_end = end
            else:
                if unknown_end >= 0:
                    out.append(ids.get(word[end:unknown_end], self.unk_id))
                    unknown_end = -1
                out.append(token_of[end])
            end = start
        if unknown_end >= 0:
            out.append(ids.get(word[0:unknown_end], self.unk_id))
        out.reverse()
        return out
