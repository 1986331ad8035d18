"""Files that are not plain text -> blocks of extracted text with their structure.

A reader turns one HTML, PDF, DOCX, XLSX or CSV file into a list of :class:`Block` (headings, paragraphs,
list items, table rows with their header, check-sheet answers) plus the title and date its metadata
gives. ``corpus.parse_blocks`` lays the blocks out as the document's *extracted text* and cuts passages
from it, so every quote is ``extracted_text[start:end]`` (see shared/contracts.md); the index keeps that
text, and ``assistant text PATH`` prints it.

Every rule here is structural (tags, styles, font sizes, positions on the page, which cells are filled);
none matches a particular site's or vendor's strings. A file that cannot be read raises
:class:`~assistant.errors.CorpusError` with a catalog key; the corpus skips it with a one-line warning.

Libraries, chosen by measurement (benchmarks/bench_readers.py, numbers in the README):

- HTML: trafilatura (main-content extraction on lxml; its XML output keeps h1-h6, lists and tables).
- PDF: pypdfium2 (PDFium's text layer with font sizes and character boxes; ~40x faster than pdfminer.six).
- DOCX: python-docx.  XLSX: openpyxl (via the questionnaire reader in fill.py).  CSV: the csv module.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .errors import CorpusError, InputError
from .script import CJK

#: Largest file read at all; bigger ones are skipped (a corpus document is not a disk image).
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Largest web page or CSV: text formats parse in memory, many times their size.
MAX_TEXT_BYTES = 30 * 1024 * 1024
#: What a DOCX/XLSX may unpack to, and how much more than its size: a zip bomb stops here.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_ZIP_RATIO = 200
#: Pages read from one PDF.
MAX_PDF_PAGES = 2000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_SENTENCE_END = re.compile(r"[。．！？!?:：]$|[.](?!\d)$")
_BULLET = re.compile(r"^(?:[•・●◦▪■□◆◇○‣⁃]|[\-\*\+](?=\s)|\d{1,3}[.)](?=\s)|[（(]\d{1,3}[)）])\s*")
_NUMBERED_HEADING = re.compile(
    r"^(?:第[0-9０-９一二三四五六七八九十]+[章節項]|\d{1,2}(?:\.\d{1,2})*\.?(?=\s|[^\d.])|[■◆□◇]|【)\s*\S")
#: A table-of-contents entry: leader dots then a page number.
_TOC_ENTRY = re.compile(r"[.．…・･‥·]{4,}\s*\d{1,4}$")
_PAGE_NUMBER = re.compile(r"^[-–—(（\[]?\s*(?:p(?:age)?\.?\s*)?\d{1,4}\s*(?:/\s*\d{1,4}|of\s+\d{1,4})?\s*(?:ページ|頁)?\s*[-–—)）\]]?$",
                          re.I)


@dataclass
class Block:
    """One unit of a document. ``kind``: heading | paragraph | bullet | row | header (a table's header
    row: shown in the text, indexed with each row, never quoted itself)."""

    kind: str
    text: str
    level: int = 0  # headings: 1 = top
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    #: Indexed with the passage but not quoted: a table's header, a check sheet's question.
    context: str = ""
    #: The part of ``text`` that is quoted (a check sheet row quotes its answer cells); None: all of it.
    quote: tuple[int, int] | None = None
    #: Laid out right under the previous block (rows of one table, items of one list).
    tight: bool = False


@dataclass
class Extracted:
    format: str
    blocks: list[Block]
    title: str | None = None
    as_of: str | None = None
    warnings: list[str] = field(default_factory=list)


def _fail(key: str, path: Path, **values) -> CorpusError:
    return CorpusError(key=key, file=str(path), **values)


def _clean(text: str) -> str:
    """One line of display text: NBSPs and runs of whitespace as single spaces, control characters gone."""
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return re.sub(r" {2,}", " ", text).strip()


def _is_cjk(ch: str) -> bool:
    return bool(CJK.match(ch)) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def join_lines(lines: list[str]) -> str:
    """Wrapped lines -> one paragraph: no space where a Japanese character meets the break."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif _is_cjk(out[-1]) or _is_cjk(line[0]):
            out += line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[0].islower():
            out = out[:-1] + line  # a word hyphenated at the line end
        else:
            out += " " + line
    return out


def _read_bytes(path: Path, limit: int | None = None) -> bytes:
    limit = min(limit or MAX_FILE_BYTES, MAX_FILE_BYTES)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail("corpus.unreadable", path, why=exc.strerror or type(exc).__name__) from None
    if size > limit:
        raise _fail("corpus.too_big", path, mib=size // 2**20, limit=limit // 2**20)
    data = path.read_bytes()
    if not data.strip():
        raise _fail("corpus.empty", path)
    return data


def _check_zip(path: Path, data: bytes) -> None:
    """Office files are zips: refuse encrypted (OLE) ones, damaged ones and zip bombs before parsing."""
    if data.startswith(_OLE_MAGIC):
        raise _fail("corpus.encrypted_office", path)
    if not data.startswith(_ZIP_MAGIC):
        raise _fail("corpus.corrupt", path, what=path.suffix.lower().lstrip("."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unzipped = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _fail("corpus.corrupt", path, what=path.suffix.lower().lstrip(".")) from None
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_ZIP_RATIO * max(len(data), 1024 * 1024):
        raise _fail("corpus.zip_bomb", path, mib=unzipped // 2**20)


# ------------------------------------------------------------------------------------------------ HTML

_HTML_HEADINGS = {f"h{i}": i for i in range(1, 7)}


def read_html(path: Path) -> Extracted:
    import trafilatura
    from lxml import etree
    from trafilatura.utils import decode_file

    data = _read_bytes(path, MAX_TEXT_BYTES)
    if b"\x00" in data[:4096]:
        raise _fail("corpus.binary", path)
    page = decode_file(data)  # the declared charset, else a detected one (UTF-8, Shift_JIS, EUC-JP ...)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the libraries' own deprecation notices are not the user's problem
        xml = trafilatura.extract(page, output_format="xml", include_tables=True, include_comments=False,
                                  include_images=False, include_links=False, favor_recall=True,
                                  with_metadata=True, deduplicate=False, config=_trafilatura_config())
        meta = trafilatura.extract_metadata(page)
    if not xml:
        raise _fail("corpus.no_text", path)
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    blocks: list[Block] = []
    _html_walk(main if main is not None else root, blocks)
    title = _clean(meta.title) if meta is not None and meta.title else None
    h1 = _first_h1(page)
    if h1 and not any(b.kind == "heading" and b.text == h1 for b in blocks):
        # trafilatura lifts the page's h1 into the title; it heads the content all the same
        blocks.insert(0, Block("heading", h1, level=1))
    as_of = meta.date if meta is not None and meta.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date) else None
    return Extracted("html", blocks, title=title, as_of=as_of)


@lru_cache(maxsize=1)
def _trafilatura_config():
    """trafilatura's defaults, except that pages up to MAX_TEXT_BYTES are read.

    MIN_EXTRACTED_SIZE stays at 250: lowered to 1, tiny pages keep their own extraction instead of a
    whole-body dump (navigation included), but pages built of <div>s lose their headings
    (benchmarks/bench_readers.py: 10 of 516 lines more missed)."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(MAX_TEXT_BYTES))
    return config


def _first_h1(page: str) -> str | None:
    import lxml.html

    try:
        doc = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return None
    h1 = doc.find(".//h1")
    return _clean(h1.text_content()) or None if h1 is not None else None


def _itertext(el) -> str:
    return _clean("".join(el.itertext()))


def _lines(el) -> list[str]:
    """An element's text split at its line breaks (<br>): lines set one under another are separate units."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return [line for line in (_clean(x) for x in "".join(parts).split("\n")) if line]


def _html_walk(el, blocks: list[Block]) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "head":
            text = _itertext(child)
            if text:
                level = _HTML_HEADINGS.get(child.get("rend", ""), 2)
                blocks.append(Block("heading", text, level=level))
        elif tag == "list":
            _html_list(child, blocks)
        elif tag == "table":
            rows = []
            for r in child.iter("row"):
                cells = [c for c in r if c.tag == "cell"]
                rows.append(([_itertext(c) for c in cells], all(c.get("role") == "head" for c in cells) and cells))
            _table_blocks(rows, blocks)
        elif tag in ("p", "quote", "code"):
            for i, line in enumerate(_lines(child)):
                blocks.append(Block("paragraph", line, tight=i > 0))
        elif tag in ("div", "main", "section"):
            _html_walk(child, blocks)
        elif tag and tag not in ("comments", "graphic"):
            text = _itertext(child)
            if text:
                blocks.append(Block("paragraph", text))


def _html_list(lst, blocks: list[Block]) -> None:
    """Each item (nested lists too) is a unit of its own."""
    for item in lst:
        if item.tag != "item":
            continue
        nested = [sub for sub in item if sub.tag == "list"]
        for sub in nested:
            item.remove(sub)
        for line in _lines(item):
            blocks.append(Block("bullet", line, tight=bool(blocks) and blocks[-1].kind == "bullet"))
        for sub in nested:
            _html_list(sub, blocks)


def _table_blocks(rows: list[tuple[list[str], bool]], blocks: list[Block], page: int | None = None) -> None:
    """Rows as units; the header row (marked, or the first row of a table of two or more) is shown and
    indexed with every row, but never a passage of its own."""
    rows = [(cells, head) for cells, head in rows if any(cells)]
    if not rows:
        return
    header: list[str] = []
    if rows[0][1] or (len(rows) > 2 and all(c and len(c) <= 30 and not _SENTENCE_END.search(c) for c in rows[0][0])):
        header = rows[0][0]
        blocks.append(Block("header", " | ".join(header), page=page))
        rows = rows[1:]
    for i, (cells, _) in enumerate(rows):
        text = " | ".join(c for c in cells if c)
        if not text:
            continue
        context = " | ".join(f"{h}" for h in header if h) if header else ""
        blocks.append(Block("row", text, page=page, context=context, tight=bool(header) or i > 0))


# ------------------------------------------------------------------------------------------------- PDF

@dataclass
class _PdfLine:
    text: str
    size: float
    top: float
    bottom: float
    left: float
    right: float
    page: int
    page_height: float


def read_pdf(path: Path) -> Extracted:
    import pypdfium2 as pdfium

    data = _read_bytes(path)
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise _fail("corpus.corrupt", path, what="pdf")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _fail("corpus.encrypted_pdf", path) from None
        raise _fail("corpus.corrupt", path, what="pdf") from None
    try:
        if len(doc) > MAX_PDF_PAGES:
            raise _fail("corpus.too_many_pages", path, pages=len(doc), limit=MAX_PDF_PAGES)
        pages = [_pdf_page_lines(doc[i], i + 1) for i in range(len(doc))]
        meta = doc.get_metadata_dict(skip_empty=True)
    finally:
        doc.close()
    if not any(pages):
        raise _fail("corpus.no_text_layer", path)
    pages = _drop_running(pages)
    blocks = _pdf_blocks(pages)
    title = _clean(meta.get("Title", "")) or None
    return Extracted("pdf", blocks, title=title)


def _pdf_page_lines(page, number: int) -> list[_PdfLine]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        text = textpage.get_text_range() if n else ""
        height = page.get_height()
        exact = len(text) == n  # char i of the text is char i of the page: boxes and sizes can be looked up
        lines: list[_PdfLine] = []
        pos = 0
        for raw_line in re.split(r"(\r\n|\r|\n)", text):
            if raw_line in ("\r\n", "\r", "\n"):
                pos += len(raw_line)
                continue
            start, end = pos, pos + len(raw_line)
            pos = end
            cleaned = _clean(raw_line)
            if not cleaned:
                continue
            size, top, bottom, left, right = 0.0, 0.0, 0.0, 0.0, 0.0
            if exact:
                idx = [i for i in range(start, end) if not raw_line[i - start].isspace()]
                probe = sorted({idx[0], idx[len(idx) // 2], idx[-1]})
                boxes = [textpage.get_charbox(i) for i in probe]
                sizes = [raw.FPDFText_GetFontSize(textpage, i) for i in probe]
                size = max(sizes)
                left, right = boxes[0][0], boxes[-1][2]
                top = max(b[3] for b in boxes)
                bottom = min(b[1] for b in boxes)
            lines.append(_PdfLine(cleaned, round(size, 1), top, bottom, left, right, number, height))
        return lines
    finally:
        textpage.close()
        page.close()


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def _in_margin(ln: _PdfLine) -> bool:
    """In the top or bottom 12% of the page, where running headers, footers and page numbers sit."""
    if not ln.page_height or not (ln.top or ln.bottom):
        return True  # no geometry: position in the page's line order decides alone
    return ln.top > 0.88 * ln.page_height or ln.bottom < 0.12 * ln.page_height


def _drop_running(pages: list[list[_PdfLine]]) -> list[list[_PdfLine]]:
    """Running headers and footers (the same line, numbers aside, in the top or bottom margin of many
    pages) and bare page numbers there are not content."""
    edge = 2  # lines from each end of a page that can be a header or footer

    def edges(lines: list[_PdfLine]) -> list[tuple[int, _PdfLine]]:
        idx = sorted(set(range(min(edge, len(lines)))) | set(range(max(0, len(lines) - edge), len(lines))))
        return [(i, lines[i]) for i in idx if _in_margin(lines[i])]

    body = _body_size([ln for lines in pages for ln in lines])
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_shape(ln.text) for _, ln in edges(lines)})
    threshold = max(2, (len(pages) + 1) // 2)
    out = []
    for lines in pages:
        drop = {i for i, ln in edges(lines)
                if _PAGE_NUMBER.match(ln.text) or (len(pages) >= 2 and counts[_shape(ln.text)] >= threshold
                                                   and ln.size < body * 1.15)}
        out.append([ln for i, ln in enumerate(lines) if i not in drop])
    return out


def _depth(heading: str) -> int:
    """How deep a numbered heading's number goes: "2" 1, "2.1" 2, "2.1.3" 3."""
    m = re.match(r"(\d{1,2}(?:\.\d{1,2})*)", heading)
    return m.group(1).count(".") + 1 if m else 1


def _body_size(lines: list[_PdfLine]) -> float:
    """The font size most of the text is set in."""
    weights: Counter[float] = Counter()
    for ln in lines:
        weights[ln.size] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _pdf_blocks(pages: list[list[_PdfLine]]) -> list[Block]:
    lines = [ln for page in pages for ln in page]
    if not lines:
        return []
    body = _body_size(lines)
    heading_sizes = sorted({ln.size for ln in lines if ln.size >= body * 1.15 and ln.size > 0}, reverse=True)
    level_of = {s: i + 1 for i, s in enumerate(heading_sizes[:5])}
    # the space between two lines of one paragraph: the small end of the gaps between body lines
    gaps = sorted(a.bottom - b.top for a, b in zip(lines, lines[1:]) if a.page == b.page and a.size == b.size == body
                  and -0.5 * body < a.bottom - b.top < 3 * body)
    line_gap = gaps[len(gaps) // 5] if gaps else body * 0.3
    # where full lines end: a line ending a sentence well before it ends a paragraph
    rights = sorted(ln.right for ln in lines if ln.size == body)
    full_right = rights[int(len(rights) * 0.9)] if rights else 0.0

    def paragraph_break(prev: _PdfLine, ln: _PdfLine) -> bool:
        if prev.page == ln.page and prev.bottom - ln.top > line_gap + max(1.0, 0.35 * body):
            return True
        ended = _SENTENCE_END.search(prev.text) is not None
        return ended and (prev.page != ln.page or (full_right and prev.right < full_right - 1.5 * body))

    blocks: list[Block] = []
    current: list[_PdfLine] = []
    kind = "paragraph"

    def flush() -> None:
        nonlocal current
        if current:
            text = join_lines([ln.text for ln in current])
            if kind == "bullet":
                text = _BULLET.sub("", text, count=1) or text
            blocks.append(Block(kind, text, page=current[0].page, tight=kind == "bullet" and bool(blocks)
                                and blocks[-1].kind == "bullet"))
        current = []

    prev: _PdfLine | None = None
    for ln in lines:
        if _TOC_ENTRY.search(ln.text) and len(ln.text) <= 120:
            continue  # a contents page lists headings, it says nothing itself
        is_heading = (ln.size in level_of and len(ln.text) <= 80) or (
            ln.size >= body and len(ln.text) <= 40 and _NUMBERED_HEADING.match(ln.text)
            and not _SENTENCE_END.search(ln.text) and "。" not in ln.text)
        if is_heading:
            if prev is not None and blocks and current == [] and blocks[-1].kind == "heading" \
                    and prev.size == ln.size and prev.page == ln.page and blocks[-1].text and \
                    prev.bottom - ln.top < line_gap + max(1.0, 0.35 * ln.size):
                blocks[-1].text = join_lines([blocks[-1].text, ln.text])  # a heading wrapped over two lines
            else:
                flush()
                blocks.append(Block("heading", ln.text, level=level_of.get(ln.size) or len(level_of) + _depth(ln.text),
                                    page=ln.page))
            prev = ln
            continue
        # a list marker starts an item only where a line could start one: not in the middle of a wrapped
        # paragraph ("TLS 1.0 and" / "1.1 are refused" is one sentence)
        wrapped = (current and prev is not None and prev.page == ln.page and not paragraph_break(prev, ln)
                   and full_right and prev.right >= full_right - 1.5 * body)
        bullet = bool(_BULLET.match(ln.text)) and len(ln.text) > 2 and not wrapped
        new_block = not current or bullet or prev is None or prev.size != ln.size or paragraph_break(prev, ln)
        if new_block:
            flush()
            kind = "bullet" if bullet else "paragraph"
        current.append(ln)
        prev = ln
    flush()
    return blocks


# ------------------------------------------------------------------------------------------------ DOCX

def read_docx(path: Path) -> Extracted:
    import docx
    from docx.oxml.ns import qn

    data = _read_bytes(path)
    _check_zip(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises KeyError, ValueError, XML errors ... for a damaged package
        raise _fail("corpus.corrupt", path, what="docx") from None
    blocks: list[Block] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            para = docx.text.paragraph.Paragraph(child, document)
            lines = [line for line in (_clean(x) for x in para.text.split("\n")) if line]  # <w:br/>: own units
            if not lines:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            level = _docx_heading_level(para, style)
            if level is not None:
                blocks.append(Block("heading", " ".join(lines), level=level))
            elif "list" in style.lower() or child.find(qn("w:pPr") + "/" + qn("w:numPr")) is not None:
                for line in lines:
                    blocks.append(Block("bullet", _BULLET.sub("", line, count=1) or line,
                                        tight=bool(blocks) and blocks[-1].kind == "bullet"))
            else:
                for i, line in enumerate(lines):
                    blocks.append(Block("paragraph", line, tight=i > 0))
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, document)
            rows = []
            for r in table.rows:
                cells, seen = [], set()
                for c in r.cells:
                    if id(c._tc) in seen:  # a merged cell repeats across the columns it spans
                        continue
                    seen.add(id(c._tc))
                    cells.append(_clean(c.text))
                is_head = r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None
                rows.append((cells, is_head))
            _table_blocks(rows, blocks)
    title = _clean(document.core_properties.title or "") or None
    return Extracted("docx", blocks, title=title)


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


# ------------------------------------------------------------------------------------- check sheets

#: Header names of an answer column (what was answered), and of columns that add to it (remarks).
_ANSWER_HEADERS = ("回答", "回答内容", "ご回答", "回答欄", "回答結果", "対応状況", "対応可否", "可否", "はい/いいえ",
                   "answer", "answers", "response", "responses", "reply", "yes/no", "status of compliance")
_REMARK_HEADERS = ("備考", "補足", "コメント", "説明", "回答補足", "補足説明", "詳細", "根拠", "remarks", "remark",
                   "comment", "comments", "notes", "note", "details", "explanation", "evidence")


def _header_kind(value: Any) -> str | None:
    from .fill.model import norm as _norm

    norm = re.sub(r"[\s()（）\[\]【】]+", "", _norm(value))
    if not norm:
        return None
    if any(norm == re.sub(r"\s+", "", h) for h in _ANSWER_HEADERS) or norm.startswith(("回答", "answer")):
        return "answer"
    if any(norm == re.sub(r"\s+", "", h) for h in _REMARK_HEADERS) or norm.startswith(("備考", "補足", "remark", "comment")):
        return "remark"
    return None


def read_sheet(path: Path) -> Extracted:
    """An answered check sheet: each row with an answer is a unit. The quote is the answer cells (the
    answer and the remarks next to it); the question is indexed with it, so a paraphrase finds it."""
    from .fill.read import read_book

    suffix = path.suffix.lower()
    data = _read_bytes(path, MAX_TEXT_BYTES if suffix == ".csv" else None)
    if suffix in (".xlsx", ".xlsm"):
        _check_zip(path, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on dropped features (validation, slicers)
        try:
            book = read_book(data, path.name)
        except InputError as exc:
            raise _fail("corpus.bad_sheet", path, why=str(exc).removeprefix(path.name).lstrip(" :")) from None
    fmt = "csv" if book.kind == "csv" else "xlsx"
    blocks: list[Block] = []
    for table in book.tables:
        blocks.extend(_sheet_blocks(table, fmt))
    if not any(b.kind == "row" for b in blocks):
        raise _fail("corpus.no_answers", path)
    return Extracted(fmt, blocks)


def _sheet_blocks(table, fmt: str) -> list[Block]:
    from .fill.locate import HEADER_SCAN_ROWS, header_priority, question_like
    from .fill.model import HEADERS, cell_text

    sheet = table.name if fmt == "xlsx" else None
    found = None
    for r, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        values = [cell_text(v) for v in row]
        if HEADERS[0] in values:
            return []  # the assistant's own filled output: its answers are not documents
        questions = [(header_priority(v), c) for c, v in enumerate(values) if header_priority(v)]
        kinds = {c: _header_kind(v) for c, v in enumerate(values)}
        answers = [c for c, k in kinds.items() if k == "answer"]
        if questions and answers:
            q = max(questions)[1]
            a_first = min(c for c in answers if c != q) if any(c != q for c in answers) else None
            if a_first is None:
                continue
            # the answer column and the remark/answer columns right after it are quoted together
            cols = [a_first]
            while kinds.get(cols[-1] + 1) in ("answer", "remark") and cols[-1] + 1 != q:
                cols.append(cols[-1] + 1)
            found = (r, q, cols, values)
            break
    if found is None:
        return []
    header_row, q_col, a_cols, _ = found
    blocks: list[Block] = []
    for r in range(header_row + 1, len(table.rows)):
        values = [cell_text(v) for v in table.rows[r]]
        question = _clean(values[q_col]) if q_col < len(values) else ""
        answer_cells = [_clean(values[c]) if c < len(values) else "" for c in a_cols]
        if not question:
            continue
        if not any(answer_cells):
            others = [v for c, v in enumerate(values) if v and c != q_col]
            if all(len(v) <= 6 for v in others) and not question_like(question) and len(question) <= 40:
                blocks.append(Block("heading", question, level=2, sheet=sheet, row=r + 1))  # a section title row
            continue
        cells_before = [_clean(v) for c, v in enumerate(values) if v and c < a_cols[0]]
        cells_after = [_clean(v) for c, v in enumerate(values) if v and c > a_cols[-1]]
        answer = " | ".join(c for c in answer_cells if c)
        line_parts = cells_before + [answer] + cells_after
        text = " | ".join(line_parts)
        qstart = len(" | ".join(cells_before)) + (3 if cells_before else 0)
        blocks.append(Block("row", text, sheet=sheet, row=r + 1, context=question,
                            quote=(qstart, qstart + len(answer)), tight=True))
    if blocks and sheet:
        blocks.insert(0, Block("heading", sheet, level=1, sheet=sheet))
    return blocks


# ------------------------------------------------------------------------------------------- dispatch

READERS: dict[str, Callable[[Path], Extracted]] = {
    ".html": read_html, ".htm": read_html, ".xhtml": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".xlsx": read_sheet, ".xlsm": read_sheet, ".csv": read_sheet,
}
SUFFIXES = tuple(READERS)


def read(path: Path) -> Extracted:
    """The blocks of one non-plain-text file; CorpusError (with a catalog key) when it cannot be read."""
    reader = READERS[path.suffix.lower()]
    try:
        return reader(path)
    except CorpusError:
        raise
    except MemoryError:
        raise _fail("corpus.too_big", path, mib=path.stat().st_size // 2**20, limit=MAX_FILE_BYTES // 2**20) from None
    except Exception as exc:  # a library's own failure on a damaged file: skip the file, say which
        raise _fail("corpus.failed", path, why=f"{type(exc).__name__}: {str(exc)[:200]}") from None
