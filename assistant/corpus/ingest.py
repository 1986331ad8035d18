"""Ingestion: a corpus folder -> documents -> passages.

Plain text is laid out by ``text``; HTML, PDF, DOCX and answered check sheets (xlsx/csv) are read by
their readers into blocks, and their passages count offsets in the document's *extracted text*
(``Document.text``), which the index keeps.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Callable

from ..config import display_path
from ..errors import CorpusError
from ..progress import SILENT, Reporting, reporter
from ..script import CONTROL, HIRAGANA
from .blocks import LEAD_IN, MAX_FILE_BYTES, SENTENCE_END, Extracted, fail
from .docx import read_docx
from .html import read_html
from .labels import DEFINED_TERM, in_glossary, is_label
from .model import Corpus, Document, Passage, find_as_of, mark_units, quote_together, split_long
from .pdf import read_pdf
from .sheet import SHEET_FORMATS, read_sheet
from .text import parse_document

log = logging.getLogger("assistant.corpus")

READERS: dict[str, Callable[[Path], Extracted]] = {
    ".html": read_html, ".htm": read_html, ".xhtml": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".xlsx": read_sheet, ".xlsm": read_sheet, ".csv": read_sheet,
}
#: Longest text above a page's first heading that is taken for a label ("Trust Center"), not a fact.
_KICKER_MAX_CHARS = 30
PLAIN_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = PLAIN_SUFFIXES + tuple(READERS)


def corpus_files(folder: Path) -> list[Path]:
    """The files that make up a corpus, in a stable order (hashing and ids depend on it)."""
    if not folder.is_dir():
        raise CorpusError(key="corpus.no_folder", folder=str(folder))
    root = folder.resolve()
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.name.lower() != "readme.md"
        # a symlink to a file outside the folder would let /source serve any file the server can read
        and p.resolve().is_relative_to(root)
        and not _saved_page_part(p, folder)
    )


def _saved_page_part(path: Path, folder: Path) -> bool:
    """A file in the folder a browser saves beside a page ("Page.html" + "Page_files/": its frames, forms
    and scripts), which is the page's furniture, not a document: an embedded sign-up form's blurb was
    answered from as a policy."""
    for parent in path.relative_to(folder).parents:
        name = parent.name
        for suffix in ("_files", "_ファイル"):
            if name.endswith(suffix) and any((folder / parent.parent / (name[: -len(suffix)] + ext)).is_file()
                                             for ext in (".html", ".htm")):
                return True
    return False


def read_text(path: Path) -> str:
    """Decode as Python's ``open(path, encoding="utf-8").read()`` would, so offsets match what readers see;
    a file that is not UTF-8 but Shift_JIS (Windows Notepad's "ANSI" on a Japanese machine) is decoded as
    such, and its text is then kept by the index like any other extracted text."""
    return _decode(path)[0]


def _decode(path: Path) -> tuple[str, bool]:
    """(text, whether it is the file's own UTF-8, which readers can open themselves)."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise CorpusError(f"{path}: binary file (contains NUL bytes), skipped")
    utf8 = True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text, utf8 = _shift_jis(data), False
        if text is None and exc.reason == "unexpected end of data":
            # a page a crawler cut after so many bytes, inside a character: the text up to it
            text = data[:exc.start].decode("utf-8")
        if text is None:
            raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-save it as UTF-8") \
                from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CorpusError(f"{path}: empty file, skipped")
    return text, utf8


def _shift_jis(data: bytes) -> str | None:
    """The text, if the bytes are Japanese in Shift_JIS: they decode, hold no control characters, and
    hiragana make a tenth of what is not ASCII (bytes of other files decode to scattered kanji and
    half-width katakana, rarely to hiragana)."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return None
    wide = sum(1 for ch in text if ord(ch) > 127)
    if CONTROL.search(text) or not wide or len(HIRAGANA.findall(text)) < 0.1 * wide:
        return None
    return text


def read_document(path: Path, first_id: int = 0) -> Document:
    """One file -> a Document with its passages; CorpusError when it cannot be read."""
    if path.suffix.lower() in PLAIN_SUFFIXES:
        text, own = _decode(path)
        doc = parse_document(path, text, first_id=first_id)
        doc.extracted = not own  # the index keeps the decoded text: the file is not what readers open as UTF-8
        return doc
    return parse_blocks(path, read(path), first_id=first_id)


def document_text(path: Path, index_root: Path | None = None) -> str:
    """The text a document's citations count offsets in, what ``assistant text PATH`` prints.

    When the served index holds the document built from these very bytes (or the file is gone), that
    is the text the index keeps; otherwise the file is read now, by the same readers the index uses.
    CorpusError when it cannot be read.
    """
    from ..config import get_settings

    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise CorpusError(key="corpus.text.not_document", file=str(path), suffixes=", ".join(SUFFIXES))
    stored = _indexed_text(path, index_root or get_settings().index)
    if stored is not None:
        return stored
    if not path.exists():
        raise CorpusError(key="corpus.text.no_file", file=str(path))
    return read_document(path).text


def _indexed_text(path: Path, index_root: Path) -> str | None:
    try:
        name = (index_root / "CURRENT").read_text().strip()
        build = index_root / name
        manifest = json.loads((build / "manifest.json").read_text())
        corpus = Path(manifest["corpus"])
        rel = path.resolve().relative_to(corpus.resolve()).as_posix()
        if rel not in manifest.get("files", {}):
            return None
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() != manifest["files"][rel]:
            return None  # changed since the build: the reader's text of the file as it is now
        data = json.loads((build / "passages.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None
    doc = data.get("documents", {}).get(display_path(path))
    if not doc:
        return None
    return doc.get("text") if doc.get("text") is not None else None


def load_corpus(folder: Path, progress: Reporting = False) -> Corpus:
    """Read every document; unreadable ones are skipped with a warning, the rest still count."""
    documents: list[Document] = []
    warnings: list[str] = []
    next_id = 0
    files = corpus_files(folder)
    shown = reporter(progress) if len(files) > 1 else SILENT
    # the reading bar shows whenever there is progress to show, terminal or not, and goes once read
    with shown.bar("reading", len(files), "doc", long=True, transient=True) as bar:
        for path in files:
            bar.status(path.name[-40:])
            try:
                doc = read_document(path, first_id=next_id)
            except CorpusError as exc:
                warnings.append(str(exc))
                log.warning("%s", exc)
                continue
            finally:
                bar.update()
            if not doc.passages:
                msg = f"{path}: no passages found (only headings or boilerplate), skipped"
                warnings.append(msg)
                log.warning("%s", msg)
                continue
            next_id += len(doc.passages)
            documents.append(doc)
    if not documents:
        if warnings:
            raise CorpusError(key="corpus.no_documents", folder=str(folder), detail="; ".join(warnings))
        raise CorpusError(key="corpus.no_files", folder=str(folder))
    return Corpus(folder=folder, documents=documents, warnings=warnings)


def parse_blocks(path: Path, extracted: Extracted, first_id: int = 0) -> Document:
    """A reader's blocks -> the extracted text (blocks one a line, a blank line between paragraphs) and
    passages cut from it, so each quote is ``text[start:end]``; a heading is a section, never a passage."""
    blocks = extracted.blocks
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for b in blocks:
        if parts:
            sep = "\n" if b.tight else "\n\n"
            parts.append(sep)
            pos += len(sep)
        spans.append((pos, pos + len(b.text)))
        parts.append(b.text)
        pos += len(b.text)
    text = "".join(parts) + "\n" if parts else ""
    source = display_path(path)
    doc = Document(source=source, path=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                   format=extracted.format, extracted=True)
    doc.as_of = extracted.as_of or find_as_of(text)
    # as for plain text: the first heading is the title when another heading follows before any body
    # and nothing else is as high
    title_at = None
    if len(blocks) >= 2 and blocks[0].kind == "heading" and blocks[1].kind == "heading" and not any(
            b.kind == "heading" and b.level <= blocks[0].level for b in blocks[1:]):
        title_at = 0
    doc.title = extracted.title or (blocks[0].text if title_at == 0 else None)
    stack: list[tuple[int, str]] = []
    out: list[Passage] = []
    first_heading = next((i for i, b in enumerate(blocks) if b.kind == "heading"), len(blocks))
    tables: list[tuple[int, int, int]] = []  # a table's header row start, its first and last row passage
    for i, (b, (s, e)) in enumerate(zip(blocks, spans)):
        if b.kind == "header" and extracted.format not in SHEET_FORMATS:
            # a paragraph right above that leads in to the table ("主な委託先は次のとおりです。") is quoted with it
            lead = out[-1] if out and i and blocks[i - 1].kind == "paragraph" and out[-1].end == spans[i - 1][1] \
                and LEAD_IN.search(out[-1].text) else None
            tables.append((lead.start, len(out) - 1, len(out) - 1) if lead else (s, len(out), len(out) - 1))
        elif b.kind != "row" and tables and tables[-1][2] < tables[-1][1]:
            tables.pop()  # a caption's header with no rows under it
        if b.kind in ("heading", "paragraph") and is_label(b.text):
            continue  # the page's date or edition, a breadcrumb, a link's text: shown, never quoted or cited
        if b.kind == "paragraph" and i < first_heading and len(b.text) <= _KICKER_MAX_CHARS \
                and not SENTENCE_END.search(b.text):
            continue  # a few words above the page's first heading: a site's section label, not a fact
        if b.kind == "heading":
            if i != title_at:
                while stack and stack[-1][0] >= b.level:
                    stack.pop()
                stack.append((b.level, b.text))
            continue
        if b.kind == "header" or in_glossary([t for _, t in stack]) and not DEFINED_TERM.search(b.text):
            continue  # a table's header row; a glossary's definitions, no facts about the vendor
        qs, qe = (s + b.quote[0], s + b.quote[1]) if b.quote else (s, e)
        kind = {"bullet": "bullet", "row": "row"}.get(b.kind, "paragraph")
        pieces = [(qs, qe)] if b.kind == "row" else split_long(text, qs, qe)
        for ps, pe in pieces:
            if pe <= ps:
                continue
            out.append(Passage(first_id + len(out), source, tuple(t for _, t in stack), ps, pe, text[ps:pe], kind,
                               page=b.page, sheet=b.sheet, row=b.row, format=extracted.format, context=b.context))
        if b.kind == "row" and tables and tables[-1][1] <= len(out) - 1 == tables[-1][2] + 1:
            tables[-1] = (tables[-1][0], tables[-1][1], len(out) - 1)
    doc.passages = mark_units(out, text)
    for head, first, last in tables:
        # a short table's rows are quoted from its header on, as in plain text (text._quote_table): "Zendesk |
        # Customer support tickets | EU" alone answers no "which subprocessors?"; each row is ranked alone
        if last > first:
            quote_together(doc.passages, first, last, text, start=head)
    return doc


def read(path: Path) -> Extracted:
    """The blocks of one non-plain-text file; CorpusError (with a catalog key) when it cannot be read."""
    reader = READERS[path.suffix.lower()]
    try:
        return reader(path)
    except CorpusError:
        raise
    except MemoryError:
        raise fail("corpus.too_big", path, mib=path.stat().st_size // 2**20, limit=MAX_FILE_BYTES // 2**20) from None
    except Exception as exc:  # a library's own failure on a damaged file: skip the file, say which
        raise fail("corpus.failed", path, why=f"{type(exc).__name__}: {str(exc)[:200]}") from None
