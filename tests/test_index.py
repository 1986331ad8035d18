"""The index: built once, detected stale when corpus or model change, never served half-written."""

from __future__ import annotations

import copy
import json

import pytest

from assistant import index as index_mod
from assistant.index import current_build, ensure_index, status

DOC = "アクセス管理\n\nSSO\n\nSAML SSOに対応しています。\n\n暗号化\n\n保存データはAES-256で暗号化されます。\n"


@pytest.fixture
def embedder(assistant):
    return assistant.embedder


def test_build_writes_manifest_and_serves(make_corpus, tmp_path, embedder):
    corpus = make_corpus({"a.txt": DOC})
    idx = ensure_index(corpus, tmp_path / "idx", embedder, progress=False)
    m = idx.manifest
    assert m["passages"] == len(idx.passages) == 2 and m["documents"] == 1
    assert m["model"] == embedder.spec and m["model_fingerprint"] == embedder.fingerprint
    assert set(m["files"]) == {"a.txt"} and "faiss-cpu" in m["libraries"]
    assert idx.dense.ntotal == 2
    assert status(corpus, tmp_path / "idx", embedder)[0] == "fresh"


def test_changed_corpus_is_detected_and_rebuilt(make_corpus, tmp_path, embedder):
    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    first = ensure_index(corpus, root, embedder, progress=False)
    (corpus / "b.md").write_text("# Backup\n\nBackups are taken daily.\n", encoding="utf-8")
    assert status(corpus, root, embedder)[0] == "stale"
    second = ensure_index(corpus, root, embedder, progress=False)
    assert second.folder != first.folder and len(second.passages) == 3
    assert not first.folder.exists(), "old builds are removed"
    (corpus / "b.md").write_text("# Backup\n\nBackups are taken hourly.\n", encoding="utf-8")
    assert status(corpus, root, embedder)[0] == "stale"


def test_changed_model_is_detected(make_corpus, tmp_path, embedder):
    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    ensure_index(corpus, root, embedder, progress=False)
    other = copy.copy(embedder)
    other.fingerprint = "another-model"
    assert status(corpus, root, other)[0] == "stale"


def test_crash_mid_build_keeps_previous_index(make_corpus, tmp_path, embedder, monkeypatch):
    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    good = ensure_index(corpus, root, embedder, progress=False)
    (corpus / "a.txt").write_text(DOC + "\n監査\n\n監査ログは1年間保存されます。\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index_mod.bm25s.BM25, "save", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        ensure_index(corpus, root, embedder, progress=False)
    assert current_build(root) == good.folder, "CURRENT still names the complete build"
    assert not [p for p in root.iterdir() if p.name.startswith(".build-tmp-")], "no half-written build left"
    served = index_mod.load_index(current_build(root))
    assert len(served.passages) == 2


def test_leftover_partial_build_is_never_served(make_corpus, tmp_path, embedder):
    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    root.mkdir()
    partial = root / "build-0000000000000000"
    partial.mkdir()
    (partial / "dense.faiss").write_bytes(b"garbage")  # a build killed before its manifest was written
    (root / "CURRENT").write_text(partial.name)
    assert current_build(root) is None
    idx = ensure_index(corpus, root, embedder, progress=False)
    assert idx.folder != partial and not partial.exists()


def test_unreadable_index_is_a_clear_error(make_corpus, tmp_path, embedder):
    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    idx = ensure_index(corpus, root, embedder, progress=False)
    (idx.folder / "passages.json").write_text("{not json")
    with pytest.raises(index_mod.IndexError_, match="assistant index"):
        index_mod.load_index(idx.folder)


def test_passages_round_trip_through_the_index(assistant):
    texts = {}
    for p in assistant.index.passages:
        if p.source not in texts:
            texts[p.source] = assistant.source_text(p.source)
        assert texts[p.source][p.start:p.end] == p.text
    manifest = json.loads((assistant.index.folder / "manifest.json").read_text())
    assert manifest["key"] in assistant.index.folder.name


def test_unwritable_index_folder_is_a_clear_error(make_corpus, tmp_path, embedder):
    corpus = make_corpus({"a.txt": DOC})
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(index_mod.IndexError_, match="ASSISTANT_INDEX to a writable folder"):
        ensure_index(corpus, blocker / "idx", embedder, progress=False)


def test_a_forced_rebuild_killed_before_the_swap_leaves_the_live_build_servable(make_corpus, tmp_path, embedder,
                                                                                 monkeypatch):
    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    live = ensure_index(corpus, root, embedder, progress=False)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies between writing the new build and pointing at it

    monkeypatch.setattr(index_mod, "_point_current", killed)
    with pytest.raises(KeyboardInterrupt):
        ensure_index(corpus, root, embedder, progress=False, force=True)
    monkeypatch.undo()
    assert current_build(root) == live.folder and (live.folder / "manifest.json").is_file()
    again = ensure_index(corpus, root, embedder, progress=False)  # no --force needed
    assert again.folder == live.folder and len(again.passages) == 2

    rebuilt = ensure_index(corpus, root, embedder, progress=False, force=True)
    assert rebuilt.folder != live.folder and current_build(root) == rebuilt.folder
    assert status(corpus, root, embedder)[0] == "fresh"


def test_leftovers_of_killed_builds_are_cleaned_at_the_next_build(make_corpus, tmp_path, embedder):
    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    root.mkdir()
    (root / ".build-tmp-dead").mkdir()
    (root / ".build-tmp-dead" / "dense.faiss").write_bytes(b"half")
    (root / ".CURRENT.4242").write_text("build-x\n")
    ensure_index(corpus, root, embedder, progress=False)
    assert not (root / ".build-tmp-dead").exists() and not (root / ".CURRENT.4242").exists()


def test_a_rebuild_that_cannot_be_written_serves_the_last_complete_build(make_corpus, tmp_path, embedder,
                                                                         monkeypatch, caplog):
    import errno

    corpus = make_corpus({"a.txt": DOC})
    root = tmp_path / "idx"
    live = ensure_index(corpus, root, embedder, progress=False)
    (corpus / "b.md").write_text("# Backup\n\nBackups are taken daily.\n", encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index_mod, "build_index", disk_full)
    with caplog.at_level("WARNING", logger="assistant.index"):
        served = ensure_index(corpus, root, embedder, progress=False)
    assert served.folder == live.folder and len(served.passages) == 2
    assert "No space left on device" in caplog.text and "last complete build" in caplog.text
    empty = tmp_path / "empty-idx"
    with pytest.raises(index_mod.IndexError_, match="free some disk space"):
        ensure_index(corpus, empty, embedder, progress=False)
