"""Files that are not plain text -> blocks of extracted text with their structure.

A reader (html.py, pdf.py, docx.py, sheet.py) turns one HTML, PDF, DOCX, XLSX or CSV file into a list of
:class:`Block` (headings, paragraphs, list items, table rows with their header, check-sheet answers) plus
the title and date its metadata gives; this module holds what they share. ``ingest.parse_blocks`` lays the blocks out as the document's *extracted text* and cuts passages
from it, so every quote is ``extracted_text[start:end]`` (see shared/contracts.md); the index keeps that
text, and ``assistant text PATH`` prints it.

Every rule here is structural (tags, styles, font sizes, positions on the page, which cells are filled);
none matches a particular site's or vendor's strings. A file that cannot be read raises
:class:`~assistant.errors.CorpusError` with a catalog key; the corpus skips it with a one-line warning.

Libraries, chosen by measurement (benchmarks/bench_readers.py, numbers in the README):

- HTML: trafilatura (main-content extraction on lxml; its XML output keeps h1-h6, lists and tables).
- PDF: pypdfium2 (PDFium's text layer with font sizes and character boxes; ~40x faster than pdfminer.six).
- DOCX: python-docx.  XLSX: openpyxl (via the questionnaire reader, fill/read.py).  CSV: the csv module.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError
from ..script import CJK

#: Largest file read at all; bigger ones are skipped (a corpus document is not a disk image).
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Largest web page or CSV: text formats parse in memory, many times their size.
MAX_TEXT_BYTES = 30 * 1024 * 1024
#: What a DOCX/XLSX may unpack to, and how much more than its size: a zip bomb stops here.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_ZIP_RATIO = 200

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
SENTENCE_END = re.compile(r"[。．！？!?:：]$|[.](?!\d)$")
#: The glyphs that mark a list item ("・" and "○" may also be a word's or a check sheet's).
BULLET_GLYPHS = "•・●◦▪■□◆◇○‣⁃"
BULLET = re.compile(rf"^(?:[{BULLET_GLYPHS}]|[\-\*\+](?=\s)|\d{{1,3}}[.)](?=\s)|[（(]\d{{1,3}}[)）])\s*")
#: A sentence that leads in to what follows it, a table or a list: "主な委託先は次のとおりです。", "…as follows:",
#: "Our subprocessors are listed below:", "…within the following timelines:".
LEAD_IN = re.compile(r"(?:(?:次|以下|下記)の(?:とおり|通り)(?:です|となります|となっております)?|以下に(?:示します|記載します)|"
                     r"\bas\s+follows|\b(?:listed|shown|summari[sz]ed|set\s+out)\s+below|\bthe\s+following(?:\s+\w+){0,3})"
                     r"\s*[。．.:：]?\s*$|[:：]\s*$", re.I)


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


def fail(key: str, path: Path, **values) -> CorpusError:
    return CorpusError(key=key, file=str(path), **values)


def clean(text: str) -> str:
    """One line of display text: NBSPs and runs of whitespace as single spaces, control characters gone."""
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return re.sub(r" {2,}", " ", text).strip()


def _is_cjk(ch: str) -> bool:
    return bool(CJK.match(ch)) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


#: What a number counts when it follows it ("5年間", "3.5倍", "30 days", "99.9%"): a quantity, not a section
#: number.
COUNTED = (r"(?:[年月週日時分秒倍割件回個人名社台段要か%％]|ヶ月|カ月"
           r"|\s*(?:days?|hours?|minutes?|weeks?|months?|years?|times|percent|日|時間|か月|ヶ月|年)(?:\b|$))")
COUNTED_AFTER = re.compile(COUNTED, re.I)
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
_WORD_END = re.compile(r"[A-Za-z0-9]+$")


def hyphen_break(before: str, after: str, words: frozenset[str]) -> str:
    """The hyphen between two halves of a word broken at a line's end (``after`` with the character that
    follows it): kept in a name that goes on with another hyphen ("ap-" / "northeast-3") or holds a digit,
    and where both halves are words the document writes and the whole is not ("multi" / "factor");
    otherwise dropped ("encryp" / "tion")."""
    after, goes_on = after.rstrip("-"), after.endswith("-")
    if goes_on or any(ch.isdigit() for ch in before + after):
        return "-"
    if before + after in words or not (before in words and after in words):
        return ""
    return "-"


def join_lines(lines: list[str], words: frozenset[str] = frozenset()) -> str:
    """Wrapped lines -> one paragraph: no space where a Japanese character meets the break.

    Japanese typesetting may also break inside a Latin word ("Microsoft Authenti" / "cator", "SM" / "S"):
    within Japanese text, two pieces are one word again when the document writes them whole elsewhere
    (``words``), when both sides of the break are lower case, or when one or two letters ending in a capital
    come before lower case ("I" / "dP"); "Google" / "Authenticator" keeps its space.
    """
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
            head, tail = _WORD_END.search(out[:-1]), _LATIN_WORD.match(line)  # a word hyphenated at the line end
            if head and tail:
                after = tail.group(0) + ("-" if line[tail.end():tail.end() + 1] == "-" else "")
                out = out[:-1] + hyphen_break(head.group(0), after, words) + line
            else:  # a letter outside ASCII before the hyphen ("Café-"): joined as a broken word
                out = out[:-1] + line
        elif _split_word(out, line, words):
            out += line
        else:
            out += " " + line
    return out


def _split_word(before: str, after: str, words: frozenset[str]) -> bool:
    """Whether a line break fell inside a Latin word of Japanese text."""
    head, tail = _WORD_END.search(before), _LATIN_WORD.match(after)
    if not head or not tail or not CJK.search(before[-40:] + after[:40]):
        return False
    a, b = head.group(0), tail.group(0)
    if a.isdigit() and b.isdigit():
        # a number broken between two Japanese characters ("24時間36" / "5日") is one number
        return len(before) > len(a) and _is_cjk(before[-len(a) - 1]) and len(after) > len(b) and _is_cjk(after[len(b)])
    # ... or a capital or two before lower case ("I" / "dP", "G" / "itHub", "iP" / "hone"): a word's start,
    # not a word of its own before another
    return (a + b) in words or (a[-1].islower() and b[0].islower()) or (len(a) <= 2 and a[-1].isupper()
                                                                         and b[0].islower())


def latin_words(texts) -> frozenset[str]:
    """The Latin words a document writes (for join_lines)."""
    return frozenset(w for t in texts for w in _LATIN_WORD.findall(t))


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    limit = min(limit or MAX_FILE_BYTES, MAX_FILE_BYTES)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise fail("corpus.unreadable", path, why=exc.strerror or type(exc).__name__) from None
    if size > limit:
        raise fail("corpus.too_big", path, mib=size // 2**20, limit=limit // 2**20)
    data = path.read_bytes()
    if not data.strip():
        raise fail("corpus.empty", path)
    return data


def check_zip(path: Path, data: bytes) -> None:
    """Office files are zips: refuse encrypted (OLE) ones, damaged ones and zip bombs before parsing."""
    if data.startswith(_OLE_MAGIC):
        raise fail("corpus.encrypted_office", path)
    if not data.startswith(_ZIP_MAGIC):
        raise fail("corpus.corrupt", path, what=path.suffix.lower().lstrip("."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unzipped = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise fail("corpus.corrupt", path, what=path.suffix.lower().lstrip(".")) from None
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_ZIP_RATIO * max(len(data), 1024 * 1024):
        raise fail("corpus.zip_bomb", path, mib=unzipped // 2**20)


def table_blocks(rows: list[tuple[list[str], bool]], blocks: list[Block], page: int | None = None) -> None:
    """Rows as units; the header row (marked, or the first row of a table of two or more) is shown and
    indexed with every row, but never a passage of its own."""
    rows = [(cells, head) for cells, head in rows if any(cells)]
    if not rows:
        return
    caption = ""
    if len(rows) > 2 and sum(1 for c in rows[0][0] if c) == 1 and max(sum(1 for c in r if c) for r, _ in rows[1:]) >= 2:
        # a title merged across the table's width sits above its column names: shown, never quoted
        caption = next(c for c in rows[0][0] if c)
        blocks.append(Block("header", caption, page=page))
        rows = rows[1:]
    header: list[str] = []
    if rows[0][1] or (len(rows) > 2 and all(c and len(c) <= 30 and not SENTENCE_END.search(c) for c in rows[0][0])):
        header = rows[0][0]
        blocks.append(Block("header", " | ".join(header), page=page))
        rows = rows[1:]
    for i, (cells, _) in enumerate(rows):
        text = " | ".join(c for c in cells if c)
        if not text:
            continue
        context = " | ".join(h for h in (caption, *header) if h)
        blocks.append(Block("row", text, page=page, context=context, tight=bool(header) or i > 0))
