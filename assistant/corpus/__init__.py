"""Documents -> passages: the only place that knows how documents are laid out.

A passage is what gets quoted, so its text is always ``document.text[start:end]``; headings are kept as
each passage's section path (for indexing and display) but are never passages themselves.

Layout: model.py (Passage, Document, Corpus), ingest.py (a folder -> documents -> passages, and which
reader reads which file), text.py (plain text and Markdown), blocks.py (what the readers produce and
share), html.py, pdf.py, docx.py, sheet.py (answered check sheets as an answer library).
"""

from __future__ import annotations

from ..script import CJK  # one pattern, re-exported
from .blocks import Block, Extracted, join_lines
from .ingest import (
    PLAIN_SUFFIXES, READERS, SUFFIXES, corpus_files, document_text, load_corpus, parse_blocks, read, read_document,
    read_text,
)
from .model import Corpus, Document, Passage, find_as_of
from .text import parse_document

__all__ = [
    "CJK", "PLAIN_SUFFIXES", "READERS", "SUFFIXES", "Block", "Corpus", "Document", "Extracted", "Passage",
    "corpus_files", "document_text", "find_as_of", "join_lines", "load_corpus", "parse_blocks", "parse_document",
    "read", "read_document", "read_text",
]
