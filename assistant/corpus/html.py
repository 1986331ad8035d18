"""HTML -> blocks: trafilatura's main-content extraction (its XML keeps h1-h6, lists and tables)."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from pathlib import Path

from .blocks import MAX_TEXT_BYTES, Block, Extracted, clean, fail, read_bytes, table_blocks
from .model import find_as_of

_HTML_HEADINGS = {f"h{i}": i for i in range(1, 7)}
#: An inline style's "display: none" (its attribute kept, the rule dropped).
_SHOWN = re.compile(r"""(\bstyle\s*=\s*["'][^"']*?)display\s*:\s*none\s*(?:!important)?\s*;?""", re.I)


def read_html(path: Path) -> Extracted:
    import trafilatura
    from lxml import etree
    from trafilatura.utils import decode_file

    data = read_bytes(path, MAX_TEXT_BYTES)
    if b"\x00" in data[:4096]:
        raise fail("corpus.binary", path)
    page = decode_file(data)  # the declared charset, else a detected one (UTF-8, Shift_JIS, EUC-JP ...)
    # tabs and accordions keep their closed panels in the page with an inline display:none, which a script
    # lifts: their text is the page's as much as the open panel's (a saved security page had lost its
    # whole 運用 tab); what is hidden otherwise (a class, the hidden attribute) is left to the extractor
    page = _SHOWN.sub(r"\1", page)
    if _SPANS.search(page):
        page = _regular_tables(page)
    if _TOGGLES.search(page):
        page = _toggles_as_headings(page)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the libraries' own deprecation notices are not the user's problem
        xml = trafilatura.extract(page, output_format="xml", include_tables=True, include_comments=False,
                                  include_images=False, include_links=False, favor_recall=True,
                                  with_metadata=True, deduplicate=False, config=_trafilatura_config())
        # dates from the page's markup only (meta tags, <time>, JSON-LD): the text search behind them pads any
        # bare year to 1 January ("© 2025" -> 2025-01-01, "ISO/IEC 27017:2015" -> 2015-01-01), and a wrong
        # date turns the check for newer documents against last year's answers off
        meta = trafilatura.extract_metadata(page, extensive=False)
    if not xml:
        raise fail("corpus.no_text", path)
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    blocks: list[Block] = []
    _html_walk(main if main is not None else root, blocks)
    title = clean(meta.title) if meta is not None and meta.title else None
    h1 = _first_h1(page)
    if h1 and not any(b.kind == "heading" and b.text == h1 for b in blocks):
        # trafilatura lifts the page's h1 into the title; it heads the content all the same
        blocks.insert(0, Block("heading", h1, level=1))
    # the date the page states ("最終更新日：2025年4月1日") before the one its markup carries
    as_of = find_as_of("\n".join(b.text for b in blocks)) or (
        meta.date if meta is not None and meta.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date) else None)
    return Extracted("html", blocks, title=title, as_of=as_of)


#: An accordion's question: a button that opens a panel (aria-expanded / aria-controls) or a <summary>.
_TOGGLES = re.compile(r"<button\b[^>]*\baria-(?:expanded|controls)\b|<summary\b", re.I)


def _toggles_as_headings(page: str) -> str:
    """An accordion's questions head their answers: the extractor drops buttons, so an FAQ kept its
    answers ("Yes. SAML 2.0 on the Business and Enterprise plans.") without the questions they answer,
    and "SSO?" found nothing. Each becomes a heading one level below the page's deepest."""
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return page
    deepest = max((_HTML_HEADINGS[el.tag] for el in doc.iter(*_HTML_HEADINGS)), default=1)
    for el in doc.iter("button", "summary"):
        if el.tag == "summary" or el.get("aria-expanded") is not None or el.get("aria-controls"):
            el.tag = f"h{min(6, deepest + 1)}"
    return lxml.html.tostring(doc, encoding="unicode")


_SPANS = re.compile(r"\b(?:rowspan|colspan)\s*=", re.I)
#: Header rows merged into one beyond this many are no header.
_MAX_HEAD_ROWS = 3


def _regular_tables(page: str) -> str:
    """Tables with merged cells made regular: a cell spanning rows or columns is repeated in each, and
    header rows stacked over one another ("プラン" over "Lite / Standard / Enterprise") become one header
    ("プラン Lite", …). Flattened as they were, a row's "― | ― | ○" did not say which plan has what, and
    the rows under a category spanning them lost it."""
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return page
    for table in doc.iter("table"):
        rows = [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]
        grid: list[list[tuple[str, bool]]] = []
        pending: dict[tuple[int, int], tuple[str, bool]] = {}
        for r, tr in enumerate(rows):
            out: list[tuple[str, bool]] = []
            cells = [c for c in tr if c.tag in ("td", "th")]
            col = 0
            for cell in cells:
                while (r, col) in pending:
                    out.append(pending.pop((r, col)))
                    col += 1
                text = " ".join(cell.text_content().split())
                head = cell.tag == "th"
                rs, cs = _span(cell.get("rowspan")), _span(cell.get("colspan"))
                for dc in range(cs):
                    out.append((text, head))
                    for dr in range(1, rs):
                        pending[(r + dr, col + dc)] = (text, head)
                col += cs
            while (r, col) in pending:
                out.append(pending.pop((r, col)))
                col += 1
            grid.append(out)
        heads = 0
        while heads < min(len(grid) - 1, _MAX_HEAD_ROWS) and grid[heads] and all(h for _, h in grid[heads]):
            heads += 1
        if heads > 1:
            width = max(len(row) for row in grid[:heads])
            merged = []
            for c in range(width):
                parts = [row[c][0] for row in grid[:heads] if c < len(row) and row[c][0]]
                merged.append((" ".join(dict.fromkeys(parts)), True))
            grid = [merged, *grid[heads:]]
        for tr in rows:
            tr.getparent().remove(tr)
        body = lxml.html.Element("tbody")
        for row in grid:
            tr = lxml.html.Element("tr")
            for text, head in row:
                cell = lxml.html.Element("th" if head else "td")
                cell.text = text
                tr.append(cell)
            body.append(tr)
        for child in [c for c in table if c.tag in ("thead", "tbody", "tfoot")]:
            table.remove(child)
        table.append(body)
    return lxml.html.tostring(doc, encoding="unicode")


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


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
    return clean(h1.text_content()) or None if h1 is not None else None


def _itertext(el) -> str:
    return clean("".join(el.itertext()))


def _lines(el) -> list[str]:
    """An element's text split at its line breaks (<br>): lines set one under another are separate units."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return [line for line in (clean(x) for x in "".join(parts).split("\n")) if line]


def _html_walk(el, blocks: list[Block]) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "head":
            text = _itertext(child)
            if text:
                level = _HTML_HEADINGS.get(child.get("rend", ""), 2)
                blocks.append(Block("heading", text, level=level))
        elif tag == "list" and child.get("rend") == "dl":
            _html_definitions(child, blocks)
        elif tag == "list":
            _html_list(child, blocks)
        elif tag == "table":
            rows = []
            for r in child.iter("row"):
                cells = [c for c in r if c.tag == "cell"]
                rows.append(([_itertext(c) for c in cells], all(c.get("role") == "head" for c in cells) and cells))
            table_blocks(rows, blocks)
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


def _html_definitions(dl, blocks: list[Block]) -> None:
    """A <dl>: each term (an FAQ's question, a setting's name) heads its descriptions one level below the
    section it stands in. Quoted as list items, a question was the first candidate for what it asks."""
    level = next((b.level for b in reversed(blocks) if b.kind == "heading"), 1) + 1
    for item in dl:
        if item.tag != "item":
            continue
        if item.get("rend", "").startswith("dt"):
            text = _itertext(item)
            if text:
                blocks.append(Block("heading", text, level=min(6, level)))
        else:
            for i, line in enumerate(_lines(item)):
                blocks.append(Block("paragraph", line, tight=i > 0))
