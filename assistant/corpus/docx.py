"""DOCX -> blocks: python-docx's paragraphs (headings by style or outline level, lists) and tables."""

from __future__ import annotations

import io
import re
from pathlib import Path

from .blocks import BULLET, Block, Extracted, check_zip, clean, fail, read_bytes, table_blocks

def read_docx(path: Path) -> Extracted:
    import docx
    from docx.oxml.ns import qn

    data = read_bytes(path)
    check_zip(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises KeyError, ValueError, XML errors ... for a damaged package
        raise fail("corpus.corrupt", path, what="docx") from None
    blocks: list[Block] = []
    titled: str | None = None  # the first paragraph in the Title style
    notes = _footnotes(document)
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            para = docx.text.paragraph.Paragraph(child, document)
            lines = [line for line in (clean(x) for x in para.text.split("\n")) if line]  # <w:br/>: own units
            if not lines:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            level = _docx_heading_level(para, style)
            if level is not None:
                blocks.append(Block("heading", " ".join(lines), level=level))
                if titled is None and style.lower() == "title":
                    titled = blocks[-1].text
            elif "list" in style.lower() or child.find(qn("w:pPr") + "/" + qn("w:numPr")) is not None:
                for line in lines:
                    blocks.append(Block("bullet", BULLET.sub("", line, count=1) or line,
                                        tight=bool(blocks) and blocks[-1].kind == "bullet"))
            else:
                for i, line in enumerate(lines):
                    blocks.append(Block("paragraph", line, tight=i > 0))
            # a footnote is read where it is referred to: "Backup copies are overwritten within 14 days."
            for ref in child.iter(qn("w:footnoteReference")):
                if note := notes.get(ref.get(qn("w:id"))):
                    blocks.append(Block("paragraph", note))
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, document)
            rows = []
            for r in table.rows:
                cells, seen = [], set()
                for c in r.cells:
                    if id(c._tc) in seen:  # a merged cell repeats across the columns it spans
                        continue
                    seen.add(id(c._tc))
                    cells.append(clean(c.text))
                is_head = r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None
                rows.append((cells, is_head))
            table_blocks(rows, blocks)
    # the title the file declares, else the one it shows: a policy's Title paragraph with no property set
    title = clean(document.core_properties.title or "") or titled
    return Extracted("docx", blocks, title=title)


def _footnotes(document) -> dict[str, str]:
    """Footnote id -> its text (python-docx does not read them; the separators Word keeps have no text)."""
    from docx.oxml.ns import qn

    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype.endswith("/footnotes"):
            from lxml import etree

            root = etree.fromstring(rel.target_part.blob)
            out = {}
            for note in root.iter(qn("w:footnote")):
                text = clean("".join(t.text or "" for t in note.iter(qn("w:t"))))
                if text and note.get(qn("w:type")) in (None, "normal"):
                    out[note.get(qn("w:id"))] = text
            return out
    return {}


def _docx_heading_level(para, style: str) -> int | None:
    from docx.oxml.ns import qn

    if style.lower() == "title":
        return 1
    if m := re.match(r"(?:Heading|見出し)\s*(\d)", style, re.I):
        return int(m.group(1)) + (1 if _has_title_style(para) else 0)
    ppr = para._p.pPr
    lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if lvl is not None and lvl.get(qn("w:val"), "9").isdigit() and int(lvl.get(qn("w:val"))) < 9:
        return int(lvl.get(qn("w:val"))) + 1
    return None


def _has_title_style(para) -> bool:
    """Whether the document uses the Title style (then Heading 1 is one level below it)."""
    part = para.part
    cached = getattr(part, "_assistant_has_title", None)
    if cached is None:
        cached = any((p.style is not None and p.style.name == "Title") for p in part.document.paragraphs)
        part._assistant_has_title = cached
    return cached
