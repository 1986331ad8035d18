"""PDF -> blocks: PDFium's text layer (pypdfium2), with font sizes and character boxes for the structure."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .blocks import (BULLET, BULLET_GLYPHS, COUNTED, SENTENCE_END, Block, Extracted, clean, fail, hyphen_break, join_lines, latin_words,
                     read_bytes)

#: Pages read from one PDF.
MAX_PDF_PAGES = 2000
_COUNTED = "(?!" + COUNTED + ")"
#: A section number opening a short line: "第2章", "3.1", "2." or a bare "4" before a space; never a quantity.
_NUMBERED_HEADING = re.compile(
    r"^(?:第[0-9０-９一二三四五六七八九十]+[章節項]|\d{1,2}(?:\.\d{1,2})+\.?" + _COUNTED + r"(?=\s|[^\d.])"
    r"|\d{1,2}\." + _COUNTED + r"(?=\s|[^\d.])|\d{1,2}" + _COUNTED + r"(?=\s)|[■◆□◇]|【)\s*\S", re.I)
#: A table-of-contents entry: leader dots then a page number.
_TOC_ENTRY = re.compile(r"(?:[.．…・･‥·] ?){4,}\s*\d{1,4}$")
#: Leader dots, however many the layout needed to reach the page number.
_LEADERS = re.compile(r"(?:[.．…・･‥·] ?){4,}")
#: Marks that open a list item, whatever font they are set in.
_MARKERS = BULLET_GLYPHS + "-*+–"
#: ... and those that open an item wherever they stand (not "・" or "○", which may be a word's or a mark).
_GLYPHS = BULLET_GLYPHS.replace("・", "").replace("○", "")
#: PDFium writes U+FFFE for a hyphen it found at a line's end, and runs the two lines into one: kept as
#: this mark until the document's words say whether it split a word ("encryp-tion") or was written
#: ("ap-northeast-3").
_BREAK_HYPHEN = "\u2e17"
_BROKEN_WORD = re.compile(r"([A-Za-z0-9]+)" + _BREAK_HYPHEN + r"([A-Za-z0-9]+)(-?)")
_PAGE_NUMBER = re.compile(r"^[-–—(（\[]?\s*(?:p(?:age)?\.?\s*)?\d{1,4}\s*(?:/\s*\d{1,4}|of\s+\d{1,4})?\s*(?:ページ|頁)?\s*[-–—)）\]]?$",
                          re.I)
#: A margin line that starts or ends with its page's number written out ("Confidential - for customer due
#: diligence only. Page 1 of 1", "Page 3 | Security Overview", "社外秘 2 / 10 ページ"): a footer or header
#: even on a document of one page, where no repetition tells it.
_PAGE_MARK = re.compile(r"(?:^|[.。|｜·•–—-]\s*)(?:page|p\.|ページ)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$|"
                        r"^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?(?=\s*[|｜·•–—-])|"
                        r"(?:^|\s)\d{1,4}\s*/\s*\d{1,4}\s*(?:ページ|頁)\s*$", re.I)


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
    #: a wide blank inside the line: table cells side by side, not running text
    gapped: bool = False


def read_pdf(path: Path) -> Extracted:
    import pypdfium2 as pdfium

    data = read_bytes(path)
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise fail("corpus.corrupt", path, what="pdf")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise fail("corpus.encrypted_pdf", path) from None
        raise fail("corpus.corrupt", path, what="pdf") from None
    try:
        if len(doc) > MAX_PDF_PAGES:
            raise fail("corpus.too_many_pages", path, pages=len(doc), limit=MAX_PDF_PAGES)
        pages = [_pdf_page_lines(doc[i], i + 1) for i in range(len(doc))]
        meta = doc.get_metadata_dict(skip_empty=True)
    finally:
        doc.close()
    if not any(pages):
        raise fail("corpus.no_text_layer", path)
    pages = _drop_running(pages)
    blocks = _pdf_blocks(pages)
    # without a title in its metadata, a document is named by the heading its first page opens with (the
    # cover's "セキュリティホワイトペーパー"), as a page is by its first heading
    first = next((b for b in blocks if b.kind == "heading"), None)
    title = clean(meta.get("Title", "")) or (first.text if first is not None and first.page == 1 and first.level == 1
                                             else None)
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
            cleaned = clean(raw_line.replace("\ufffe", _BREAK_HYPHEN))
            if not cleaned:
                continue
            size, top, bottom, left, right, gapped = 0.0, 0.0, 0.0, 0.0, 0.0, False
            if exact:
                idx = [i for i in range(start, end) if not raw_line[i - start].isspace()]
                # a list marker is often set in a font of its own ("•" at 12 pt before 10 pt text): the line
                # is as big as its words, or every bulleted line would read as a heading
                words = idx[1:] if len(idx) > 1 and raw_line[idx[0] - start] in _MARKERS else idx
                probe = sorted({words[0], words[len(words) // 2], words[-1]})
                boxes = [textpage.get_charbox(i) for i in probe]
                sizes = [raw.FPDFText_GetFontSize(textpage, i) for i in probe]
                size = max(sizes)
                left, right = textpage.get_charbox(idx[0])[0], boxes[-1][2]
                top = max(b[3] for b in boxes)
                bottom = min(b[1] for b in boxes)
                # PDFium gives running text one rectangle; cells side by side give several, a blank
                # wider than a character between them
                rects = [textpage.get_rect(k) for k in range(textpage.count_rects(start, end - start))]
                gapped = any(b[0] - a[2] > size for a, b in zip(rects, rects[1:]))
            lines.append(_PdfLine(cleaned, round(size, 1), top, bottom, left, right, number, height, gapped))
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
                if _PAGE_NUMBER.match(ln.text) or _PAGE_MARK.search(ln.text) or (len(pages) >= 2 and counts[_shape(ln.text)] >= threshold
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


_LINE_END_HALF = re.compile(r"[A-Za-z0-9]+-$")
_LINE_START_HALF = re.compile(r"^[A-Za-z0-9]+")


def _whole_words(lines: list[_PdfLine]) -> frozenset[str]:
    """The Latin words the document writes whole: not the halves of a word broken at a line's end."""
    texts = []
    broken = False
    for ln in lines:
        text = _LINE_START_HALF.sub(" ", ln.text) if broken else ln.text
        broken = bool(_LINE_END_HALF.search(text))
        texts.append(_BROKEN_WORD.sub(" ", _LINE_END_HALF.sub(" ", text)))
    return latin_words(texts)


_FIRST_WORD = re.compile(r"[!-~]+|.[、。，．）」』〕】]?")
#: What may not start a line (Japanese line-breaking rules): a line opening with it goes on from the line
#: above, wherever the typesetter put it ("…ダウンロードできます" / "。").
_CLOSING = "、。，．,）)」』】〕〉》］｝"


def _first_word_width(ln: _PdfLine, at_space: bool = False) -> float:
    """How wide the line's first word is (a Latin word, or a Japanese character with what may not start
    a line after it), from the line's own average character width. After a break at a space the word is
    all up to the next space: a typesetter that breaks at spaces moved "27001:2022の認証を取得しました…"
    down whole, though "27001:2022" alone would have fitted after "ISO/IEC"."""
    if not ln.text or ln.right <= ln.left:
        return float("inf")
    word = ln.text.split(" ", 1)[0] if at_space else _FIRST_WORD.match(ln.text).group(0)
    return len(word) * (ln.right - ln.left) / len(ln.text)


def _at_space(before: str, after: str) -> bool:
    """Whether a line break stood for a space: Latin (or digits, or ASCII signs) on both sides of it."""
    return bool(before and after) and "!" <= before[-1] <= "~" and "!" <= after[0] <= "~"


#: How far above and below a line its column's other lines are looked for: this many font sizes between
#: line centres (about four lines of body text).
_COLUMN_REACH = 6


def _full_extent(rights: list[float], size: float, body: float) -> float:
    """Where lines of one size end when they run full: the far end of most of them. Lines of the body size
    are taken as running text; lines of another size only where at least three of them reach that end (a
    column they fill), not a list of short lines such as a contents page's ("2. 情報セキュリティ管理体制" /
    "3. データの取り扱い"), whose longest would have passed for a column's end."""
    if len(rights) < 3:
        return 0.0
    rights = sorted(rights)
    end = rights[int(len(rights) * 0.9)]
    return end if size == body or sum(r >= end - 1.5 * size for r in rights) >= 3 else 0.0


def _column_rights(by_page: dict[int, list[_PdfLine]], body: float) -> Callable[[_PdfLine], float]:
    """Where a line's column ends when its lines run full, learned from the lines of its own size on its
    own page (the body size's where lines of its size do not fill a column there, see _full_extent): a
    page set in a narrower column at another size than the rest of the document is measured against
    itself, so it reads the same whatever pages go with it (9.5 pt lines half the page wide had each
    "stopped short" of the 10 pt text of other pages, "…12文字以上とし、" / "英大文字、…"). Table rows
    (blanks between their cells) say nothing about a column. Where another column stands beside the line
    (text starting right of its end, near its height), that is the far end of most lines near it that
    start where it does: against the right column's end, every line of the left one had "stopped short"
    and a paragraph wrapping in it was cut ("…復旧できるよう" / "にしています。"). Lines level with others
    (a table, two columns side by side) never use it (see _beside_others). Each page's lines are sorted by
    height once, and a line looks only at those within reach: n log n a page, not n²."""
    groups: dict[tuple[int, float], tuple[list[float], list[_PdfLine], float]] = {}
    for page, page_lines in by_page.items():
        by_size: dict[float, list[_PdfLine]] = {}
        for ln in page_lines:
            if ln.right > ln.left:
                by_size.setdefault(ln.size, []).append(ln)
        for size, same in by_size.items():
            full = sorted(same, key=_centre)
            groups[(page, size)] = ([_centre(ln) for ln in full], full,
                                    _full_extent([ln.right for ln in full if not ln.gapped], size, body))
    known: dict[int, float] = {}

    def right(ln: _PdfLine) -> float:
        if id(ln) in known:
            return known[id(ln)]
        key = (ln.page, ln.size) if groups.get((ln.page, ln.size), ([], [], 0.0))[2] else (ln.page, body)
        centres, full, whole = groups.get(key, ([], [], 0.0))
        size = key[1] or body
        lo = bisect.bisect_left(centres, _centre(ln) - _COLUMN_REACH * size)
        hi = bisect.bisect_right(centres, _centre(ln) + _COLUMN_REACH * size)
        near = full[lo:hi]
        mine = sorted(x.right for x in near if abs(x.left - ln.left) <= 2 * size)
        beside_it = any(x.left > ln.right + size for x in near)
        known[id(ln)] = mine[int(len(mine) * 0.9)] if beside_it and len(mine) >= 3 else whole
        return known[id(ln)]

    return right


def _centre(ln: _PdfLine) -> float:
    return (ln.top + ln.bottom) / 2


def _beside_others(by_page: dict[int, list[_PdfLine]]) -> set[int]:
    """Lines with text beside them at about the same height, or with a wide blank inside: table cells (or
    a second column), whose right end is their cell's, not the page's. A page's lines are taken in order
    of height, each against the ones within reach of it, so a dense table page costs n log n, not n²."""
    out: set[int] = set()
    for page_lines in by_page.values():
        out.update(id(ln) for ln in page_lines if ln.gapped)
        lines = sorted(page_lines, key=_centre)
        reach = 1.1 * max((ln.top - ln.bottom for ln in lines), default=0.0)
        for i, a in enumerate(lines):
            for b in lines[i + 1:]:
                # a cell centred in a taller row sits between the lines of its neighbour
                if _centre(b) - _centre(a) > reach:
                    break
                if (a.right <= b.left or b.right <= a.left) and \
                        abs(_centre(a) - _centre(b)) <= 1.1 * max(a.top - a.bottom, b.top - b.bottom):
                    out.update((id(a), id(b)))
    return out


def _next_row(row: list[_PdfLine], ln: _PdfLine, body: float) -> bool:
    """A table row whose cells wrapped (its lines beside and under each other) ends where a line starts
    below all of them at the row's left edge: the next row's first cell, however narrow ("シングルサイン
    オン（SA" under "IPアドレス制限 | 提供なし | 管理画面へのアクセスのみ / 制限できます | …")."""
    return len(row) >= 2 and row[0].gapped and ln.page == row[0].page and abs(ln.left - row[0].left) < 0.5 * body \
        and ln.top < min(r.bottom for r in row) - 0.5


def _pdf_blocks(pages: list[list[_PdfLine]]) -> list[Block]:
    lines = [ln for page in pages for ln in page]
    if not lines:
        return []
    body = _body_size(lines)
    words = _whole_words(lines)
    for ln in lines:
        if _BREAK_HYPHEN in ln.text:
            ln.text = _BROKEN_WORD.sub(lambda m: m[1] + hyphen_break(m[1], m[2] + m[3], words) + m[2] + m[3],
                                       ln.text)
            ln.text = ln.text.replace(_BREAK_HYPHEN, "-")
    by_page: dict[int, list[_PdfLine]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    column_right = _column_rights(by_page, body)
    beside = _beside_others(by_page)
    heading_sizes = sorted({ln.size for ln in lines if ln.size >= body * 1.15 and ln.size > 0}, reverse=True)
    level_of = {s: i + 1 for i, s in enumerate(heading_sizes[:5])}
    # the space between two lines of one paragraph: the small end of the gaps between lines of its size
    # (body lines' where that size has too few): 9.5 pt text set tight and 10 pt text set loose each keep
    # their own, so neither's paragraphs run together nor fall apart by what else the document holds. Lines
    # of another size count only as running text, not table cells beside each other
    size_gaps: dict[float, list[float]] = {}
    for a, b in zip(lines, lines[1:]):
        if a.page == b.page and a.size == b.size and -0.5 * a.size < a.bottom - b.top < 3 * a.size and (
                a.size == body or not (a.gapped or b.gapped or {id(a), id(b)} & beside)):
            size_gaps.setdefault(a.size, []).append(a.bottom - b.top)
    gaps = sorted(size_gaps.get(body, []))
    line_gap = gaps[len(gaps) // 5] if gaps else body * 0.3
    line_gaps = {size: sorted(g)[len(g) // 5] for size, g in size_gaps.items() if len(g) >= 3}
    line_gaps[body] = line_gap
    # where full lines end: a line ending a sentence well before it ends a paragraph (where most lines of
    # its size end, else the body's)
    size_rights: dict[float, list[float]] = {}
    for ln in lines:
        if not ln.gapped:
            size_rights.setdefault(ln.size, []).append(ln.right)
    full_rights = {size: _full_extent(r, size, body) for size, r in size_rights.items()}
    full_right = full_rights.get(body) or max(size_rights.get(body, [0.0]))

    def line_end(ln: _PdfLine) -> float:
        return full_rights.get(ln.size) or full_right

    def paragraph_break(prev: _PdfLine, ln: _PdfLine) -> bool:
        size = prev.size if prev.size == ln.size and prev.size in line_gaps else body
        if prev.page == ln.page and prev.bottom - ln.top > line_gaps[size] + max(1.0, 0.35 * size):
            return True
        if prev.page == ln.page and ln.gapped and (ln.left < prev.left - 0.5 * body
                                                   or prev.gapped and ln.left < prev.left + 0.5 * body):
            # table rows (blanks between their cells): a row starting where the last began, or left of a
            # cell's wrapped line, is the next row; a cell wrapping in its column goes on at that column
            return True
        if ln.gapped and not prev.gapped and not BULLET.match(ln.text) and id(prev) not in beside \
                and (prev.page != ln.page or ln.top < prev.bottom) and ln.left > prev.left + 0.5 * body:
            # a table's first row, set in from the caption or text above it ("表4-1 バックアップの取得方式" /
            # "種別 取得頻度 保管期間 保管場所"); a cell's wrapped line goes on at its own left
            return True
        if prev.page == ln.page and prev.gapped and not ln.gapped and id(ln) in beside \
                and abs(ln.left - prev.left) < 0.5 * body:
            # a row whose first cell wraps, its other cells set beside the wrap: "Infrastructure and
            # security event" / "logs" with "No  1 year" between them is the next row, not a continuation
            return True
        ended = SENTENCE_END.search(prev.text) is not None
        if ended and (prev.page != ln.page or (line_end(prev) and prev.right < line_end(prev) - 1.5 * body)):
            return True
        # a line that stops where the next line, starting under it or further in, could have gone on was ended on
        # purpose: list items or labels drawn without their markers ("緊急（Critical）：7日以内" /
        # "高（High）：30日以内"), never a paragraph wrapping (nor a table cell wrapping in its column)
        if prev.page != ln.page or {id(prev), id(ln)} & beside or ln.left <= prev.left - 0.5 * body:
            return False
        right = column_right(prev)
        return bool(right) and prev.right + _first_word_width(ln, _at_space(prev.text, ln.text)) + body < right

    blocks: list[Block] = []
    current: list[_PdfLine] = []
    kind = "paragraph"

    def flush() -> None:
        nonlocal current
        if current:
            text = join_lines([ln.text for ln in current], words)
            if kind == "bullet":
                text = BULLET.sub("", text, count=1) or text
            blocks.append(Block(kind, text, page=current[0].page, tight=kind == "bullet" and bool(blocks)
                                and blocks[-1].kind == "bullet"))
        current = []

    prev: _PdfLine | None = None
    for ln in lines:
        if _TOC_ENTRY.search(ln.text) and len(_LEADERS.sub("", ln.text)) <= 120:
            continue  # a contents page lists headings, it says nothing itself
        if current and ln.text[0] in _CLOSING:
            current.append(ln)  # "、" / "。" never starts a line of its own, whatever the gap its low box makes
            prev = ln
            continue
        is_heading = (ln.size in level_of and len(ln.text) <= 80) or (
            ln.size >= body and len(ln.text) <= 40 and _NUMBERED_HEADING.match(ln.text)
            and not SENTENCE_END.search(ln.text) and "。" not in ln.text
            # a paragraph's wrapped line that opens with a number ("…SAML" / "2.0によるシングル…") goes on
            and not (current and prev is not None and prev.size == ln.size and prev.page == ln.page
                     and not SENTENCE_END.search(prev.text) and not paragraph_break(prev, ln)))
        if is_heading:
            if prev is not None and blocks and current == [] and blocks[-1].kind == "heading" \
                    and prev.size == ln.size and prev.page == ln.page and blocks[-1].text and \
                    prev.bottom - ln.top < line_gap + max(1.0, 0.35 * ln.size):
                blocks[-1].text = join_lines([blocks[-1].text, ln.text], words)  # a heading wrapped over two lines
            else:
                flush()
                blocks.append(Block("heading", ln.text, level=level_of.get(ln.size) or len(level_of) + _depth(ln.text),
                                    page=ln.page))
            prev = ln
            continue
        # a list marker starts an item only where a line could start one: not in the middle of a wrapped
        # paragraph ("TLS 1.0 and" / "1.1 are refused" is one sentence)
        wrapped = (current and prev is not None and prev.page == ln.page and not paragraph_break(prev, ln)
                   and line_end(prev) and prev.right >= line_end(prev) - 1.5 * body)
        # a bullet glyph ("•", "■") opens an item whatever came before; "・", "-" and "1." may be words
        bullet = bool(BULLET.match(ln.text)) and len(ln.text) > 2 and (not wrapped or ln.text[0] in _GLYPHS)
        new_block = not current or bullet or prev is None or prev.size != ln.size or paragraph_break(prev, ln) \
            or _next_row(current, ln, body)
        if new_block:
            flush()
            kind = "bullet" if bullet else "paragraph"
        current.append(ln)
        prev = ln
    flush()
    return blocks
