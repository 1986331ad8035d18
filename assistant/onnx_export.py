"""Export the materialised sentence-transformers model to ONNX, once, offline, next to it.

The serving path (``embed.OnnxEmbedder``) runs this folder with ONNX Runtime and never imports torch,
transformers or sentence-transformers; only building it does (torch's exporter and the model folder
that materialize.py writes). Layout of ``<cache>/models/<model>-onnx/``::

    model.onnx        float32 graph: input_ids, attention_mask -> mean-pooled, L2-normalised embedding
    model.int8.onnx   the same after dynamic int8 quantisation (per-channel weights, MatMul and Gather)
    model.emb8.onnx   only the word-embedding table in int8 (96 of its 118 M weights), the encoder fp32
    model.q8.onnx     int8 like model.int8.onnx except each layer's FFN output projection, whose input
                      (the GELU's output) has the widest range of any quantised activation; 7-bit weights,
                      so that CPUs without VNNI compute the same vectors as those with it
    *.onnx.data       each graph's weights (memory-mapped by ONNX Runtime)
    tokenizer.json    the model's tokenizer, copied so the folder is self-contained (the reference)
    tokenizer.light.json, vocab.pieces, vocab.scores
                      the same tokenizer as unigram.LightTokenizer reads it (what serving loads)
    .complete         written last: the source model's marker and this module's format

The folder is built in a sibling temporary directory and renamed into place, so a concurrent reader
never sees half of it; a folder whose marker does not match the model (or this format) is rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from .errors import ModelError
from .unigram import write_light_files

FP32 = "model.onnx"
INT8 = "model.int8.onnx"
EMB8 = "model.emb8.onnx"
Q8 = "model.q8.onnx"
FILES = {"fp32": FP32, "int8": INT8, "emb8": EMB8, "q8": Q8}
#: The variants whose activations are quantised per run (a text's vector depends on its batch).
DYNAMIC = frozenset({"int8", "q8"})
TOKENIZER = "tokenizer.json"
_MARKER = ".complete"
#: Bump when the output of this module changes, so existing exports are rebuilt.
FORMAT = 6
_TMP_PREFIX = ".onnx-export-"
_STALE_TMP_SECONDS = 900
_OPSET = 17


def onnx_dir(model_dir: Path) -> Path:
    return Path(model_dir).with_name(Path(model_dir).name + "-onnx")


def _marker_text(model_dir: Path) -> str:
    try:
        source = (Path(model_dir) / ".complete").read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{model_dir} is not a complete materialised model ({exc})") from exc
    return json.dumps({"model": source.strip(), "format": FORMAT, "opset": _OPSET,
                       "int8": "dynamic, per-channel QInt8 weights, MatMul+Gather", "emb8": "QInt8 Gather",
                       "q8": "as int8 but the FFN output MatMuls"}) + "\n"


def is_complete(dest: Path, model_dir: Path) -> bool:
    try:
        return (Path(dest) / _MARKER).read_text(encoding="utf-8") == _marker_text(model_dir)
    except (OSError, UnicodeDecodeError, ModelError):
        return False


def ensure_onnx(model_dir: Path, *, force: bool = False) -> Path:
    """The ONNX folder for model_dir, exported first when missing or out of date."""
    model_dir = Path(model_dir)
    dest = onnx_dir(model_dir)
    if not force and is_complete(dest, model_dir):
        return dest
    marker = _marker_text(model_dir)
    _check_replaceable(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(dest)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{dest.name}-", dir=dest.parent))
    try:
        tmp.chmod(0o755)
        export(model_dir, tmp)
        (tmp / _MARKER).write_text(marker, encoding="utf-8")  # last: the folder is complete
        if not force and is_complete(dest, model_dir):  # another process finished first
            return dest
        _swap(tmp, dest, model_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _remove_stale(dest: Path) -> None:
    from .materialize import _remove_stale_builds  # the same sweep, for this folder's own temp prefix

    _remove_stale_builds(dest, _TMP_PREFIX, _STALE_TMP_SECONDS)


def _check_replaceable(dest: Path) -> None:
    """Refuse to delete a folder this module did not write (e.g. a mistyped path)."""
    if not dest.exists() and not dest.is_symlink():
        return
    names = {p.name for p in dest.iterdir()} if dest.is_dir() else None
    if names is None or (names and not names & {_MARKER, *FILES.values()}):
        raise ModelError(f"{dest} exists and is not an ONNX export; remove it or choose another cache folder")


def _swap(tmp: Path, dest: Path, model_dir: Path) -> None:
    old = None
    if dest.exists() or dest.is_symlink():
        _check_replaceable(dest)
        old = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{dest.name}-old-", dir=dest.parent))
        os.replace(dest, old / "onnx")
    try:
        os.replace(tmp, dest)
    except OSError:
        if is_complete(dest, model_dir):
            return  # a concurrent export won the race with an identical folder
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _externalise(out: Path) -> None:
    """Each graph with its weights in a separate <name>.data file, which ONNX Runtime memory-maps: the
    served model then loads in 0.14 s instead of 0.40 s and adds 96 MiB at peak instead of 277 MiB
    (the protobuf no longer holds a second copy of the weights while the session is built)."""
    import onnx

    for name in FILES.values():
        model = onnx.load(str(out / name))
        onnx.save_model(model, str(out / name), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=name + ".data", size_threshold=1024)
        (out / (name + ".data")).chmod(0o644)
        del model


def _ffn_outputs(graph: Path) -> list[str]:
    """The MatMuls that project the feed-forward layer back to the hidden size: their weight is the only
    one with more rows (inputs) than columns, found by shape so that no exporter's node names matter."""
    import onnx

    model = onnx.load(str(graph), load_external_data=False)
    shapes = {init.name: tuple(init.dims) for init in model.graph.initializer}
    found = [node.name for node in model.graph.node if node.op_type == "MatMul"
             and any(len(shapes.get(i, ())) == 2 and shapes[i][0] > shapes[i][1] for i in node.input)]
    if not found:
        raise ModelError(f"{graph}: no feed-forward output projection found to keep in float")
    return found


def export(model_dir: Path, out: Path) -> None:
    """Write model.onnx, model.int8.onnx and tokenizer.json for model_dir into out (build time only)."""
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelError(f"exporting the model to ONNX needs torch, transformers and onnxruntime ({exc})") from exc

    model_dir, out = Path(model_dir), Path(out)
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds != ["Transformer", "Pooling", "Normalize"] or not pooling.get("pooling_mode_mean_tokens"):
        raise ModelError(f"{model_dir}: only Transformer -> mean pooling -> Normalize models are exported to ONNX")

    class MeanPooled(torch.nn.Module):
        """The sentence-transformers pipeline in one graph: encoder, mean over the mask, L2 norm."""

        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        # the TorchScript exporter warns about itself and about traced shape checks; the graph is
        # checked against sentence-transformers by tests/test_onnx_fidelity.py instead
        warnings.simplefilter("ignore")
        encoder = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()
        # traced on a padded batch, so the attention mask stays in the graph for every input
        ids = torch.tensor([[0, 6, 7, 8, 2], [0, 9, 2, 1, 1]], dtype=torch.int64)
        mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.int64)
        torch.onnx.export(
            MeanPooled(encoder), (ids, mask), str(out / FP32),
            input_names=["input_ids", "attention_mask"], output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
            opset_version=_OPSET, dynamo=False,
        )
        del encoder
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint through the root logger
    try:
        quantize_dynamic(str(out / FP32), str(out / INT8), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Gather"])
        quantize_dynamic(str(out / FP32), str(out / EMB8), weight_type=QuantType.QInt8,
                         op_types_to_quantize=["Gather"])
        # 7-bit weights (reduce_range): on x86 without VNNI, ONNX Runtime multiplies uint8 activations by
        # int8 weights with vpmaddubsw, whose int16 sums saturate; on such a CPU (AVX2 only) full-range
        # weights gave question vectors at cosine 0.9943 of the reference (min over the evaluation set)
        # against 0.9978 with 7 bits: the answers then depended on the CPU (on a VNNI CPU 8 bits gave 0.9983)
        quantize_dynamic(str(out / FP32), str(out / Q8), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=True, op_types_to_quantize=["MatMul", "Gather"],
                         nodes_to_exclude=_ffn_outputs(out / FP32))
    finally:
        root.setLevel(level)
    _externalise(out)
    shutil.copyfile(model_dir / TOKENIZER, out / TOKENIZER)
    write_light_files(out / TOKENIZER, out)
