"""Indexed passages and documents as the web shows them, looked up by id or name, never by a path.

No HTTP in here: the routes call these and turn their errors into responses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from .. import messages
from ..answer import Answer, Assistant, location, shown_source, shown_text
from ..corpus import Passage
from ..errors import InputError
from ..types import Citation


def cited_location(c: Citation, lang: str, corpus: Path | None) -> str:
    """Where citation C is, in answer.location's words (the section, the document, its page or sheet and
    row, the question a check-sheet row answered, the as-of date; in LANG), with the document named for a
    reader: its title beside its path inside CORPUS (never the server's absolute path), as the filled sheet
    names it; `assistant ask` gives the path alone."""
    name = shown_source(c.source, corpus)
    doc = messages.t("web.cell_title_source", lang, title=c.title, source=name) if c.title else name
    return location(dataclasses.replace(c, source=doc), lang)


def answer_out(answer: Answer, corpus: Path | None) -> dict:
    """The answer JSON (the contract, unchanged: ``source`` stays the path /source/ opens; the readable
    ``answer`` names its document as people are shown it, as ``source_name`` does) with each
    citation's human-readable ``location`` and ``source_name`` (the document as people are shown it)
    added, in the answer's language: the page shows and copies them as they are."""
    out = answer.to_dict()
    out["answer"] = shown_text(answer, corpus)  # the sentence people read: no server path in it either
    for shown, c in zip(out["citations"], answer.citations):
        shown["location"] = cited_location(c, answer.lang, corpus)
        shown["source_name"] = shown_source(c.source, corpus)
    return out


def verified_passage(assistant: Assistant, passage_id: int | None, quote: str | None,
                     source: str | None) -> Passage | None:
    """The indexed passage feedback is about, or None when it names none; InputError when it names a
    passage the index does not hold, or sends a quote/source that is not that passage's.

    Feedback becomes evaluation labels, so its quote must be one the assistant can actually cite: it is
    taken from the index, never from the request.
    """
    if passage_id is None:
        if quote is not None or source is not None:
            raise InputError("send the citation's 'passage_id' (from /api/ask): quotes are taken from the "
                             "index, not from the request")
        return None
    passages = assistant.index.passages
    passage = passages[passage_id] if 0 <= passage_id < len(passages) else None
    if passage is None or passage.id != passage_id:
        raise InputError(f"passage_id {passage_id} is not in the index (it holds passages 0-{len(passages) - 1}); "
                         "send the passage_id of a citation from /api/ask")
    if quote is not None and quote not in (passage.text, passage.quote_text):
        raise InputError(f"the quote is not the text of passage {passage_id}; send only its passage_id")
    if source is not None and source != passage.source:
        raise InputError(f"passage {passage_id} is from {passage.source!r}, not {source[:200]!r}")
    return passage


def _parse_offset(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        raise InputError(f"'{name}' must be a character offset (a non-negative whole number), not {value[:40]!r}")
    return int(value)


class StaleDocument(Exception):
    """The file on disk is no longer the text the index was built from (changed, unreadable or gone)."""

    def __init__(self, source: str, why: str):
        super().__init__(f"{source}: the document changed since the index was built ({why}), so the "
                         "highlighted offsets would land on the wrong text; run `assistant index` "
                         "(or restart the server) to index it again")


def source_named(assistant: Assistant, name: str) -> str | None:
    """The indexed document whose shown name (answer.shown_source: its path inside the corpus folder) is
    NAME, which is what the page's /source/ links carry, so that no server path is in a URL; or the
    document whose source is NAME itself (links made before, from the JSON's `source`, keep working).
    None when no document, or more than one, has that name: only indexed documents are ever opened."""
    documents = assistant.index.documents
    if name in documents:
        return name
    named = _shown_names(assistant).get(name, [])
    return named[0] if len(named) == 1 else None


#: Per served index, its documents by shown name (worked out once: shown_source resolves paths).
_SHOWN: dict[int, tuple[object, dict[str, list[str]]]] = {}


def _shown_names(assistant: Assistant) -> dict[str, list[str]]:
    index = assistant.index
    cached = _SHOWN.get(id(assistant))
    if cached is None or cached[0] is not index:
        names: dict[str, list[str]] = {}
        for source in index.documents:
            names.setdefault(shown_source(source, assistant.settings.corpus), []).append(source)
        cached = _SHOWN[id(assistant)] = (index, names)
    return cached[1]


def source_view(assistant: Assistant, source: str, start: str | None, end: str | None) -> dict | None:
    """What the source page shows: the document cut around the highlighted range.

    SOURCE is a document's shown name or its source (source_named). Returns None for a document the
    index does not hold: only indexed documents can be shown, looked up by name, so no path from the
    URL is ever opened. Raises InputError for offsets outside the text,
    and StaleDocument when the file is not the text the index holds (its sha256 differs): the
    citations' offsets count characters of the indexed text.
    """
    source = source_named(assistant, source)
    doc = assistant.document(source) if source is not None else None
    if doc is None:
        return None
    name = shown_source(source, assistant.settings.corpus)  # what the page and its errors call it
    try:
        text = assistant.source_text(source)
    except UnicodeDecodeError:
        raise StaleDocument(name, "it is no longer UTF-8 text") from None
    except OSError as exc:
        raise StaleDocument(name, f"it cannot be read: {exc.strerror or type(exc).__name__}") from None
    if text is None:
        return None
    # DocInfo.sha256 hashes the decoded text (corpus.parse_document), not the file's bytes
    if hashlib.sha256(text.encode()).hexdigest() != doc.sha256:
        raise StaleDocument(name, "its content differs")
    lo, hi = _parse_offset(start, "start"), _parse_offset(end, "end")
    if (lo is None) != (hi is None):
        raise InputError("give both 'start' and 'end' (character offsets of the passage), or neither")
    section: list[str] = []
    where: dict = {}
    if lo is not None and hi is not None:
        if not lo < hi <= len(text):
            raise InputError(f"the range {lo}-{hi} is outside the document (0-{len(text)}); "
                             "follow a link from an answer instead")
        for p in assistant.index.passages:
            if p.source == source and min(p.start, p.quote_start) <= lo and hi <= max(p.end, p.quote_end):
                section = list(p.section)
                where = {"page": p.page, "sheet": p.sheet, "row": p.row}
                break
        before, passage, after = text[:lo], text[lo:hi], text[hi:]
    else:
        before, passage, after = text, "", ""
    return {
        "source": source, "name": name,
        "title": doc.title, "as_of": doc.as_of, "chars": len(text),
        "before": before, "passage": passage, "after": after, "start": lo, "end": hi, "section": section,
        "format": doc.format, "extracted": doc.text is not None, **{k: where.get(k) for k in ("page", "sheet", "row")},
    }
