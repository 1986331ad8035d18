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
            raise InputError(key="web.error.feedback_quote_without_passage")
        return None
    passages = assistant.index.passages
    passage = passages[passage_id] if 0 <= passage_id < len(passages) else None
    if passage is None or passage.id != passage_id:
        raise InputError(key="web.error.feedback_unknown_passage", passage_id=passage_id, last=len(passages) - 1)
    if quote is not None and quote not in (passage.text, passage.quote_text):
        raise InputError(key="web.error.feedback_quote_mismatch", passage_id=passage_id)
    if source is not None and source != passage.source:
        raise InputError(key="web.error.feedback_source_mismatch", passage_id=passage_id,
                         source=repr(passage.source), sent=repr(source[:200]))
    return passage


def _parse_offset(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        raise InputError(key="web.error.offset_not_number", name=name, value=repr(value[:40]))
    return int(value)


class StaleDocument(Exception):
    """The file on disk is no longer the text the index was built from (changed, unreadable or gone).

    WHY is one of ``not_utf8``, ``unreadable``, ``differs`` (web.error.source_stale_<why>); DETAIL (the OS's
    own words) goes only into ``str()``, which is English, for the log; ``localized(lang)`` is what people read.
    """

    def __init__(self, source: str, why: str, detail: str = ""):
        self.source, self.why = source, why
        super().__init__(self.localized("en") + (f" [{detail}]" if detail else ""))

    def localized(self, lang: str) -> str:
        return messages.t("web.error.source_stale", lang, source=self.source,
                          why=messages.t(f"web.error.source_stale_{self.why}", lang))


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
        raise StaleDocument(name, "not_utf8") from None
    except OSError as exc:
        raise StaleDocument(name, "unreadable", exc.strerror or type(exc).__name__) from None
    if text is None:
        return None
    # DocInfo.sha256 hashes the decoded text (corpus.parse_document), not the file's bytes
    if hashlib.sha256(text.encode()).hexdigest() != doc.sha256:
        raise StaleDocument(name, "differs")
    lo, hi = _parse_offset(start, "start"), _parse_offset(end, "end")
    if (lo is None) != (hi is None):
        raise InputError(key="web.error.offsets_pair")
    section: list[str] = []
    where: dict = {}
    if lo is not None and hi is not None:
        if not lo < hi <= len(text):
            raise InputError(key="web.error.range_outside", start=lo, end=hi, length=len(text))
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
