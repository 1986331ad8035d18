"""Plain text and Markdown -> a Document: the rules for how text files are laid out.

Headings are found by markup (# and setext underlines), by numbering ("2.1", "第3章", "■", "【】") or, in
scraped pages that lost their markup, as short label lines standing alone above their body. Scraped web
pages come with chrome (sign-up banners, like counters, an English footer on a Japanese page). It is
dropped by structure, never by matching particular strings: lines that are only numbers, and lines
outside the document's main script before its first and after its last body text.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import display_path
from ..script import CJK
from .blocks import BULLET_GLYPHS, COUNTED_AFTER
from .labels import (BREADCRUMB, CONSENT, DATELINE, DEFINED_TERM, FEEDBACK, PAGE_LABEL, ROOT_CRUMB, TOC_TITLE, TWO_STEP_CRUMB, WIDE_GAP,
                     in_glossary, is_label, links_only, nav_row)
from .model import Document, Passage, find_as_of, mark_units, quote_together, split_long

#: Longest line that can be a heading in a plain-text document.
_HEADING_MAX_CHARS = 60
#: A list item's marker. "-", "*" and "+" need a space after them ("**bold**" and "-5%" are no items), and a
#: number's dot no digit after it ("5.2　保存データの暗号化" is a section number, not item 5).
_BULLET = re.compile(rf"^(\s*)([{BULLET_GLYPHS}]\s*|[-*+](?:\s+|$)|\d{{1,3}}[.)](?!\d)\s*|[（(]\d{{1,3}}[)）]\s*)")
#: A Markdown line that is all bold: a FAQ's question or a label, used as a heading under the last one.
_BOLD_LINE = re.compile(r"^(\*\*|__)(?P<text>[^*_].*?)\1[:：]?$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED_HEADING = re.compile(
    r"^(?:(?P<chapter>第[0-9０-９一二三四五六七八九十]+(?P<unit>[章節項]))|(?P<number>\d{1,2}(?:\.\d{1,2})+\.?(?=\s|[^\d.])|\d{1,2}\.(?=\s|[^\d.])|\d{1,2}(?=\s))"
    r"|(?P<mark>[■◆□◇]|【))\s*\S"
)
_RULE = re.compile(r"^([=\-*_―─━＝－])(?:\s*\1){2,}$")
#: Markdown exports (Notion, Confluence) keep some HTML: a line of tags only is layout, a toggle's
#: <summary> heads what it folds, and a callout or quote's "> 💡" marker is no part of its text.
_TAG_LINE = re.compile(r"^(?:</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>\s*)+$")
_SUMMARY = re.compile(r"^<summary>\s*(?P<text>[^<>]+?)\s*</summary>$", re.I)
_QUOTE_MARK = re.compile(r"^(?:>\s?)+(?:[\u2139\u2600-\u27bf\u2b00-\u2bff\U0001F300-\U0001FAFF]\ufe0f?\s*)?")
#: A table row as scraped or written in Markdown: cells between pipes, or two or more tab-separated cells.
_TABLE_ROW = re.compile(r"\s\|(?:\s|$)|^\|\s|\S\t+\S|[^｜\s]\s*｜\s*[^｜\s][^｜]*｜")  # (full-width bars: "2025年2月｜99.87%｜2件")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_NUMBERS_ONLY = re.compile(r"^[\d\s.,:/\-]+$")
#: A line that ends its sentence: a full stop (closing brackets or quotes may follow it), or a bracketed
#: aside standing after one ("…有しています。(詳細はこちら)"), which is no wrapped line either.
_SENTENCE_END = re.compile(r"(?:[。．！？!?]|[.](?!\d))[)）」』”\"']*$|[。．！？!?.][(（][^()（）]*[)）]$")
_LATIN = re.compile(r"[A-Za-z]")
#: A note mark opening a line: the line annotates the one above it.
_NOTE = re.compile(r"^[※＊]")


def parse_document(path: Path, text: str, first_id: int = 0) -> Document:
    source = display_path(path)
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    doc = Document(source=source, path=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), format=fmt)
    meta_end, meta = _front_matter(text)
    doc.as_of = _meta_date(meta) or find_as_of(text)
    lines = _classify(text, markdown=path.suffix.lower() in (".md", ".markdown"))
    for ln in lines:
        if ln.start < meta_end:
            ln.kind = "chrome"  # the page's metadata: its title and date are the document's, no fact
    _drop_chrome(lines, _main_script_is_cjk(text))
    for ln in lines:
        if ln.kind in ("text", "heading") and _IMAGE_TEXT.match(ln.text.strip()):
            ln.kind = "chrome"  # (before the lists are read: 「アイコン」 had been the name of the fact under it)
    if fmt == "txt":
        lines = _definition_lists(lines)  # before the menu is looked for: a list's names are short lines too
        lines = _numbered_items(lines)
        lines = _dated_entries(lines)
    _drop_top_menu(lines)
    _drop_contents(lines)
    bar = _title_bar(lines) if fmt == "txt" else None
    if fmt == "txt":
        _last_line_is_body(lines)
        _drop_trailing_links(lines)
        _heading_runs_are_lists(lines)
    opening = _opening_title(lines) if fmt == "txt" else None
    doc.title = meta.get("title") or bar or opening or _take_title(lines)
    doc.passages = mark_units(_passages(lines, text, source, first_id, fmt), text)
    return doc


# --- a docs site's page metadata --------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>(?:.*\n){0,60}?)---[ \t]*(?:\n|\Z)")
_META_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
#: Front-matter keys that date a page (mkdocs, Docusaurus, Hugo, Jekyll).
_META_DATE_KEYS = ("last_updated", "last_update", "updated", "last_modified", "lastmod", "modified", "updated_at",
                   "date")


def _front_matter(text: str) -> tuple[int, dict[str, str]]:
    """A Markdown page's YAML front matter ("---\ntitle: 暗号化\nlast_updated: 2024-12-02\n---"): where it ends,
    and its simple keys. Read as text, "title: 暗号化" had been quoted as an answer and no page had a date."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return 0, {}
    meta = {}
    for line in m.group("body").splitlines():
        if kv := _META_LINE.match(line):
            meta[kv.group("key").lower()] = kv.group("value").strip().strip("'\"")
    if not meta:
        return 0, {}  # two rules around a paragraph, not metadata
    return m.end(), meta


def _meta_date(meta: dict[str, str]) -> str | None:
    for key in _META_DATE_KEYS:
        if key in meta and (m := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", meta[key])):
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    return None


# --- line classification -------------------------------------------------------------------------

@dataclass
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # stripped content (for headings: without the markup)
    kind: str  # blank | heading | bullet | text | chrome
    level: int = 0  # markdown heading level, 0 when unknown
    body_start: int = 0  # bullets: where the content starts after the marker
    table_head: bool = False  # a table's header row (chrome): the rows under it are read with it
    row: bool = False  # a table row whose cells only spaces separate (see _space_tables)
    in_table: bool = False  # a line inside a table laid out one cell a line (see _cell_lines): it ends no table
    item: bool = False  # a unit of several lines quoted alone (see _unit)
    dated: bool = False  # a news entry's date and category heading what the entry says (see _dated_entries)


def _classify(text: str, markdown: bool) -> list[_Line]:
    raw = []
    pos = 0
    for line in text.split("\n"):
        # Notepad's byte-order mark is no character of the first line: "\ufeffミナモサイン" had become a section
        bom = len(line) - len(line.lstrip("\ufeff")) if pos == 0 else 0
        raw.append((pos + bom, line[bom:]))
        pos += len(line) + 1
    has_md_headings = any(_MD_HEADING.match(line) for _, line in raw)
    md_level = 0  # the level of the last Markdown heading: a bold line heads what follows one level below
    lines: list[_Line] = []
    in_fence = False
    for i, (offset, line) in enumerate(raw):
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        start, end = offset + lead, offset + lead + len(stripped)
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            lines.append(_Line(start, end, stripped, "chrome"))
            continue
        if not stripped:
            lines.append(_Line(start, end, "", "blank"))
            continue
        if (link := _TRAILING_LINK.search(stripped)) and link.start() > 0:
            # "…within 72 hours of confirming an incident. Read more →": the link is the page's, not the answer's
            stripped = stripped[:link.start()]
            end = start + len(stripped)
        if (toggle := _ACCORDION.match(stripped)) and _FAQ_QUESTION.search(stripped):
            # an accordion's question behind its "+" / "−" button: it titles the answer under it (read as a list's
            # item or a heading marked "−", every answer had been filed under the one open question)
            lines.append(_Line(start + toggle.end(), end, stripped[toggle.end():], "heading"))
            continue
        if in_fence or _DIRECTIVE.match(stripped):
            # a code sample is no statement of the vendor's (an openssl example had answered "TLS 1.3?"), and
            # an admonition's marker ("!!! note", ":::caution") or a template's include is no text at all
            lines.append(_Line(start, end, stripped, "chrome"))
            continue
        if _TABLE_RULE.match(stripped) and "|" in stripped:
            # a Markdown table's rule: the row above is the header, which labels columns, not a fact
            if lines and lines[-1].kind == "text" and _TABLE_ROW.search(lines[-1].text):
                lines[-1].kind, lines[-1].table_head = "chrome", True
            lines.append(_Line(start, end, stripped, "chrome"))
            continue
        if _RULE.match(stripped):
            # a setext underline makes the line above a heading; otherwise it is a horizontal rule
            prev = lines[-1] if lines else None
            if prev is not None and prev.kind == "text" and stripped[0] in "=-" and (markdown or has_md_headings):
                prev.kind, prev.level = "heading", 1 if stripped[0] == "=" else 2
            lines.append(_Line(start, end, stripped, "chrome"))
            continue
        if has_md_headings or markdown:
            if m := _SUMMARY.match(stripped):
                lines.append(_Line(start, end, m.group("text"), "heading", level=min(6, md_level + 1)))
                continue
            if _TAG_LINE.match(stripped):
                lines.append(_Line(start, end, stripped, "chrome"))
                continue
            if (m := _QUOTE_MARK.match(stripped)) and m.end() < len(stripped):
                start += m.end()  # the quote starts after the marker (offsets stay exact)
                stripped = stripped[m.end():]
            if m := _MD_HEADING.match(line):
                md_level = len(m.group(1))
                lines.append(_Line(start, end, m.group(2).strip(), "heading", level=md_level))
                continue
            if m := _BOLD_LINE.match(stripped):
                lines.append(_Line(start, end, m.group("text").strip(), "heading", level=min(6, md_level + 1)))
                continue
        if _NUMBERS_ONLY.match(stripped) and len(stripped) <= 12:
            lines.append(_Line(start, end, stripped, "chrome"))
            continue
        if not has_md_headings and (m := _NUMBERED_HEADING.match(stripped)) and _stands_alone(stripped, raw, i):
            # "2.1 アクセス制御", "第3章 暗号化", "■ 認証", "【ログ管理】": the numbering gives the level
            lines.append(_Line(start, end, stripped, "heading", level=_numbered_level(m)))
            continue
        if not has_md_headings and (m := _NUMBERED_HEADING.match(stripped)) and _section_line(stripped, m, raw, i):
            # "6.3 マルウェア対策" right under the last item of 6.2, "2. 管理体制" right above "2.1 …": a
            # whitepaper's numbered sections, even with no blank line around them
            lines.append(_Line(start, end, stripped, "heading", level=_numbered_level(m)))
            continue
        if not has_md_headings and _NUMBER_LABEL.match(stripped) and _numbered_label(stripped, raw, i):
            # "（3）遠隔地保管" over its paragraph: a sub-heading of the numbered section, not a one-line item
            lines.append(_Line(start, end, stripped, "heading"))
            continue
        if not has_md_headings and _next_section_number(stripped, raw, i, lines):
            # "3. 第三者認証について" over a ・ list, after "1." and "2." read as headings over their paragraphs: the
            # next section, not a one-item list (it had filed the rest of the page under "2.")
            lines.append(_Line(start, end, stripped, "heading"))
            continue
        if not has_md_headings and (m := _NUMBERED_HEADING.match(stripped)) and m.group("mark") \
                and _marked_label(stripped, raw, i):
            # "■ 本資料について" right above its body: a section mark, not a one-item list
            lines.append(_Line(start, end, stripped, "heading"))
            continue
        if m := _BULLET.match(line):
            if m.end() < len(line.rstrip()):
                body = line[m.end():].strip()
                if (_TOGGLE.match(body) or _FAQ_QUESTION.search(body)) and _indented_below(raw, i, lead):
                    # a toggle's title or an FAQ's question over its indented answer (a Notion export's
                    # "- ▶ What are your RTO and RPO?"): it titles the answer, quoting it answers nothing
                    title = _TOGGLE.sub("", body)
                    at = offset + m.end() + (len(line[m.end():]) - len(line[m.end():].lstrip())) + len(body) - len(title)
                    lines.append(_Line(at, end, title, "heading", level=min(6, md_level + 1) if md_level else 0))
                    continue
                lines.append(_Line(start, end, stripped, "bullet", body_start=offset + m.end()))
                continue
        if not has_md_headings and _looks_like_heading(stripped, raw, i):
            lines.append(_Line(start, end, stripped, "heading"))
            continue
        lines.append(_Line(start, end, stripped, "text"))
    if not has_md_headings:
        _space_tables(lines)
        _stray_rows(lines)
    _drop_page_labels(lines)  # before labels are promoted: a page label between a title and its body hides neither
    if not has_md_headings:
        _promote_labels(lines)
        _number_levels(lines)
        lines = _cell_lines(lines)
    return lines


#: A link's text after a sentence's end on the same line ("…every year. Read more →", "…しています。詳しくはこちら →").
_TRAILING_LINK = re.compile(r"(?<=[.。!?！？])\s*(?:(?:read|learn|see|view)\s+more|詳しくはこちら|詳細はこちら)\s*[→›>»]?\s*$", re.I)
#: An accordion's open or closed button before its question: "+ How often are you pen-tested?", "− Is my data encrypted?".
_ACCORDION = re.compile(r"^[+＋−–]\s+")
#: A toggle's mark before its title (Notion, Confluence exports).
_TOGGLE = re.compile(r"^[▶▸►▷▹▼▾▽]\s*")
#: A docs site's markup on a line of its own: an admonition's opening or closing (mkdocs "!!! note", "???+ tip
#: \"Title\"", Docusaurus ":::caution" / ":::"), a template's directive ("{% include … %}", "{{< note >}}").
_DIRECTIVE = re.compile(r"^(?:(?:!!!|\?\?\?\+?)\s*[a-z][\w-]*(?:\s+\"[^\"]*\")?|:::[a-z]*(?:\s+\S.*)?|"
                        r"\{%.*%\}|\{\{[<%].*[>%]\}\})$")


def _indented_below(raw: list[tuple[int, str]], i: int, lead: int) -> bool:
    """Whether the next line with text is set in further than the line i (starting at LEAD)."""
    for _, line in raw[i + 1:]:
        if line.strip():
            return len(line) - len(line.lstrip()) > lead
    return False


def _number_levels(lines: list[_Line]) -> None:
    """A heading found by its look ("1.1 目的" right above its text) still has its numbering's level, and a
    "（n）" label sits one below the numbered heading it follows: else "1.1" replaced "1." in the path."""
    last = 0
    for ln in lines:
        if ln.kind != "heading":
            continue
        if ln.level:
            last = ln.level
        elif (m := _NUMBERED_HEADING.match(ln.text)) and (m.group("number") or m.group("chapter")):
            ln.level = last = _numbered_level(m)
        elif last and _PAREN_NUMBER.match(ln.text):
            ln.level = min(6, last + 1)


_LABEL_MAX_CHARS = 40
#: "緊急：7日以内", "保管期間: 1年": a name, a colon (not a time's), and its value.
_KEY_VALUE = re.compile(r"^[^：:]{0,30}[^\d\s：:][：:]\s*\S")
_FAQ_QUESTION = re.compile(r"[?？]\s*$|^(?:Q\d*\s*[.:：．)]|Ｑ\d*\s*[.:：．]|質問\s*[:：])")
#: The answer's marker under such a question ("A. ", "Ａ：", "回答：").
_FAQ_ANSWER = re.compile(r"(?:A\d*|Ａ\d*|答え?|回答)\s*[.:：．)）]\s*")
_ALT = (r"^(?:画像|イメージ|写真|アイコン|イラスト|image|img|photo|icon|illustration)\s*(?:[:：]\s*[^\s。.\d][^。\d]{0,40})?$"
        # a screenshot's caption in brackets: 「[画像] 認証設定画面：…」, 「【画像】…」, 「［図］…」, 「（画像：…）」, "[image] alt=\"…\""
        r"|^[\[［【＜<(（]\s*(?:画像|図|写真|スクリーンショット|image|img|screenshot|figure)\s*(?:[\]］】＞>:：]|[^()（）]{0,80}[)）]$)")
#: An image's caption or alt text left in the scrape ("…画面のイメージ", "Screenshot of …"): no fact.
_CAPTION = re.compile(r"(?:の|な)(?:画面)?(?:イメージ|画像|スクリーンショット|イメージ図|イラスト|アイコン)$|画面(?:イメージ|例)$"
                      r"|^(?:image|screenshot|figure)\s*(?:of|:)"
                      r"|^[▲△↑]\s*\S", re.I)  # 「▲セキュリティ設定画面」: the picture above it
#: An image's alt text as a browser copies it: 「アイコン」 alone, 「画像：鍵のイラスト」, "Icon: shield".
_IMAGE_TEXT = re.compile(_ALT, re.I)
_LABEL_MAX_WORDS = 8
_EMPTY_CELLS = re.compile(r"^[|\s]*[^|]*[|\s]*$")
#: An FAQ's question and its answer on one line ("Q：データはどこに保存されますか？　A：国内の…"): read as a heading over
#: the next line, a category's Q/A lines had become one chain of section names and six of nine facts were lost.
_INLINE_QA = re.compile(r"[?？]\s*(?:A\d*|Ａ\d*|答え?|回答)\s*[.:：．)）]\s*\S")
#: A name and its value apart by an ideographic space ("登録番号　C24-0417-2", "登録日　2024年10月15日"): a fact.
_WIDE_KEY_VALUE = re.compile(r"^[^\s\u3000\d]{2,15}\u3000+[^\s\u3000][^\u3000]*$")  # (a date before a title heads it)
#: A line that carries on a wrapped sentence starts with kana or punctuation; お/ご before a kanji is the
#: honorific prefix that opens a sentence (お客様, ご利用), not a continuation.
_HIRAGANA_START = re.compile(r"^(?![おご][\u4e00-\u9fff])[\u3041-\u309f、。ー]")


_HEADER_CELL_MAX_CHARS = 8
_HEADER_CELL_MAX_LATIN = 20


def _is_row(ln: _Line) -> bool:
    return ln.row or bool(_TABLE_ROW.search(ln.text))


def _cells(ln: _Line) -> list[str]:
    parts = _space_cells(ln.text) if ln.row else re.split(r"[|｜\t]", ln.text)
    return [c.strip() for c in parts if c.strip()]


def _space_cells(text: str) -> list[str]:
    """Cells apart by spaces: by wide ones (an ideographic space, two or more) where a line has them, so
    that "SAML SSO" stays one cell; else by each space."""
    wide = WIDE_GAP.split(text.strip())
    return wide if len(wide) > 1 else text.split()


#: A cell that marks a table: ○ / × / △ / － / ✓, or one with a figure in it.
_MARK_CELL = re.compile(r"^[○〇◯◎△×✕✗－―ー\-✓✔]$|\d")
_SPACE_TABLE_MIN_LINES = 3
_CRUMB_MARKS = frozenset("＞>›»|/／")
_SPACE_CELL_MAX_CHARS = 20


def _space_tables(lines: list[_Line]) -> None:
    """A table copied as text with its cells apart by spaces only ("操作ログの閲覧 × 1年分 5年分"): three or
    more lines in a row, each of the same number (3+) of short cells, every line under the first with a
    mark or a figure and the first with none (its header). Read as short lines, its rows had become
    headings (the last one a section name) and their facts were lost."""
    content = [ln for ln in lines if ln.kind != "blank"]
    i = 0
    while i < len(content):
        j = i
        width = _space_width(content[i])
        while width and j + 1 < len(content) and _space_width(content[j + 1]) == width:
            j += 1
        run = content[i:j + 1]
        if width and len(run) >= _SPACE_TABLE_MIN_LINES and not any(_MARK_CELL.search(c) for c in _space_cells(run[0].text)) \
                and all(any(_MARK_CELL.search(c) for c in _space_cells(ln.text)) for ln in run[1:]):
            for ln in run:
                ln.kind, ln.row = "text", True
        i = j + 1


#: How far (in lines, group names not counted) a row apart by spaces may stand from its table's other rows.
_STRAY_ROW_REACH = 2
_STRAY_MARK_MAX_CHARS = 10


def _stray_rows(lines: list[_Line]) -> None:
    """A row of a tab-separated table whose cells came out apart by spaces ("リスクベース認証 × オプション ○",
    "SLA（稼働率保証）　99.9%　99.9%　99.95%" among "FIDO2／パスキー\t×\t○\t○"): as many cells as its
    neighbours (apart by wide spaces, or by any space with the last cells marks), it is a row of theirs.
    Read as a short line, it had become the next rows' section name and its own fact was lost."""
    content = [ln for ln in lines if ln.kind != "blank"]
    for n, ln in enumerate(content):
        if ln.kind not in ("text", "heading") or ln.level or ln.row or _TABLE_ROW.search(ln.text) \
                or _SENTENCE_END.search(ln.text):
            continue
        # right under a row, or over one (a group's name may stand between)
        before = content[n - 1] if n else None
        after = next((x for x in content[n + 1:n + _STRAY_ROW_REACH + 1] if not _group_name(x)), None)
        near = [x for x in (before, after) if x is not None and _is_row(x)]
        widths = {len(_cells(x)) for x in near if not x.row}
        if len(widths) != 1 or (width := widths.pop()) < 3:
            continue
        wide = [c for c in WIDE_GAP.split(ln.text.strip()) if c]
        cells = ln.text.split()
        marks = cells[len(cells) - width + 1:] if len(cells) >= width else []
        if len(wide) == width or marks and all(len(c) <= _STRAY_MARK_MAX_CHARS for c in marks) \
                and any(_MARK_CELL.search(c) for c in marks) and len(" ".join(cells[:len(cells) - width + 1])) > 1:
            ln.kind, ln.row = "text", True


def _space_width(ln: _Line) -> int:
    """How many space-separated cells a line has, if it could be a row of such a table (else 0)."""
    if ln.kind not in ("text", "heading") or ln.level or _TABLE_ROW.search(ln.text) or _SENTENCE_END.search(ln.text):
        return 0
    cells = _space_cells(ln.text)
    if len(cells) < 3 or any(len(c) > _SPACE_CELL_MAX_CHARS or c in _CRUMB_MARKS for c in cells):
        return 0
    return len(cells)


_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_CELL_TABLE_MIN_ROWS = 3
_CELL_TABLE_MAX_WIDTH = 6


def _cell_lines(lines: list[_Line]) -> list[_Line]:
    """A table scraped one cell a line (a page's text as a browser or a scraper gives it: "1", "サービス稼働率",
    "月間99.5%以上を目標", "稼働実績は…", "2", …): numbered rows, numbers running on one by one, the same
    number of lines after most of them. Each row becomes one unit, from its first cell to its last, read
    with the column names above the first row; a line more after a row's cells names the rows that follow
    ("データ管理"). Read line by line, the short cells had become headings: a row's label was the next row's
    section, its value a passage of its own, and a yes/no mark ("○") no answer at all."""
    content = [i for i, ln in enumerate(lines) if ln.kind != "blank"]
    numbers = [(p, int(lines[i].text)) for p, i in enumerate(content) if _ROW_NUMBER.match(lines[i].text)]
    runs: list[list[int]] = []
    for p, n in numbers:
        if runs and n == runs[-1][-1][1] + 1:
            runs[-1].append((p, n))
        else:
            runs.append([(p, n)])
    replaced: dict[int, list[_Line]] = {}  # index of a row's first cell -> the lines that stand for it
    dropped: set[int] = set()
    for run in (r for r in runs if len(r) >= _CELL_TABLE_MIN_ROWS):
        at = [p for p, _ in run]
        gaps = [b - a - 1 for a, b in zip(at, at[1:])]
        width = max(set(gaps), key=gaps.count)
        if not 1 <= width <= _CELL_TABLE_MAX_WIDTH or gaps.count(width) < _CELL_TABLE_MIN_ROWS - 1:
            continue
        # the column names: short lines right above the first row, and after them a group's name if the
        # table names its groups (a line more after some row's cells)
        above = []
        for p in range(at[0] - 1, -1, -1):
            ln = lines[content[p]]
            if len(ln.text) > 2 * _HEADER_CELL_MAX_CHARS or ln.table_head \
                    or _SENTENCE_END.search(ln.text) and len(ln.text) > 4:  # "No." is a column's name
                break
            above.insert(0, p)
        grouped = any(b - a - 1 > width for a, b in zip(at, at[1:]))
        names = width + 1 + grouped
        header = above[-names:][:width + 1] if len(above) >= names else []
        groups = above[-1:] if grouped and above else []
        if header:
            first = lines[content[header[0]]]
            first.kind, first.table_head, first.in_table = "chrome", True, True
            first.text = " | ".join(lines[content[p]].text for p in header)
            for p in header[1:]:
                lines[content[p]].kind, lines[content[p]].in_table = "chrome", True
        for p in groups:
            lines[content[p]].kind, lines[content[p]].level, lines[content[p]].in_table = "heading", 0, True
        ends = at[1:] + [min(at[-1] + width + 1, len(content))]
        for p, end in zip(at, ends):
            lines[content[p]].kind, lines[content[p]].in_table = "chrome", True
            cells = [lines[content[q]] for q in range(p + 1, end)]
            row, after = cells[:width], cells[width:]
            if len(row) < min(2, width):
                for ln in row:  # a label whose value the scrape cut off ("23", "ウイルススキャン", end of page)
                    ln.kind, ln.in_table = "chrome", True
                continue
            unit = _Line(row[0].start, row[-1].end, " | ".join(c.text for c in row), "text", in_table=True)
            replaced[content[p + 1]] = [unit]
            dropped.update(content[q] for q in range(p + 2, p + 1 + len(row)))
            for ln in after:
                ln.kind, ln.level, ln.in_table = "heading", 0, True
    if not replaced:
        return lines
    out: list[_Line] = []
    for i, ln in enumerate(lines):
        if i in replaced:
            out.extend(replaced[i])
        elif i not in dropped:
            out.append(ln)
    return out


#: A definition list's value: a figure, punctuation a name has not, or a sentence's particles and endings.
_DD_VALUE = re.compile(r"\d|[、，,／/～~%％：:。]|[をがへ]|[\u3041-\u309f]で|に(?!ついて)|から|まで|より|ます|です|可能|あり$|なし$")
#: A line that qualifies the value above it: a note, or an aside in brackets.
_DD_NOTE = re.compile(r"^[※＊*（(]")
_DD_NAME_MAX_CHARS = 20
_DD_VALUE_MAX_CHARS = 80
_DD_MIN_PAIRS = 3
#: What a value reading as a name has and a menu's item has not: an aside, a list ("国内（東京・大阪リージョン）").
_DD_ASIDE = re.compile(r"[（(）)・「」]")
_LOGO = re.compile(r"(?:ロゴ|ロゴマーク|\blogo)$", re.I)
#: More names than this in a row before a value are no names and values (two pairs whose values read as names).
_DD_NAMES_MAX = 4


#: A check sheet's item number ("1-1", "2-10", "3-2-1") before its question.
_ITEM_NUMBER = re.compile(r"^\d{1,2}-\d{1,2}(?:-\d{1,2})?(?:[\s\u3000.．:：)）]|$)")
_ITEMS_MIN = 3


def _numbered_items(lines: list[_Line]) -> list[_Line]:
    """A check sheet's answers as text (a PDF's table or a page converted): "1-1 情報セキュリティ基本方針を策定し
    ていますか。" then its answer on the next lines ("はい 当社Webサイトにて公開しています。"). Each item, from its
    number to the line before the next item or heading, is one unit quoted alone: read as one paragraph per
    section, a section's five answers were quoted together and the first one's はい answered the others."""
    if sum(1 for ln in lines if ln.kind in ("text", "heading") and not ln.level and _ITEM_NUMBER.match(ln.text)) \
            < _ITEMS_MIN:
        return lines
    out: list[_Line] = []
    item: list[_Line] = []
    last = max((i for i, ln in enumerate(lines) if ln.kind not in ("blank", "chrome")), default=-1)

    def close() -> None:
        if item:
            out.append(_unit(item))
            item.clear()

    for i, ln in enumerate(lines):
        if ln.kind in ("text", "heading") and not ln.level and _ITEM_NUMBER.match(ln.text):
            close()
            item.append(ln)
        elif item and (ln.kind == "text" and not ln.row and not ln.in_table or i == last and ln.kind == "heading"):
            item.append(ln)  # (the page's last line, cut off by the scrape, read as a heading is the answer's end)
        elif ln.kind == "bullet" and _SECTION_NUMBER.match(ln.text) and _next_is_item(lines, i):
            close()  # "4. インシデント対応" over its items: a section, not a one-item list
            ln.kind, ln.level = "heading", 1
            out.append(ln)
        elif item and ln.kind == "blank":
            continue
        else:
            close()
            out.append(ln)
    close()
    return out


#: A news list's or a changelog's entry: a date opening a line that goes on ("2024.05.27 障害 【復旧】…").
_ENTRY_DATE = r"(?:\d{4}\s*[/年.\-]\s*\d{1,2}\s*[/月.\-]\s*\d{1,2}(?:\s*日)?|\d{4}-\d{2}-\d{2})"
_DATED_ENTRY = re.compile(r"^" + _ENTRY_DATE + r"[\s\u3000]+\S.{7,}")


def _dated_entries(lines: list[_Line]) -> list[_Line]:
    """A news list's or release notes' entries, each line opening with its date: one that says its news on the
    line ("2024.05.27 障害 【復旧】…", "2026.05.12　【機能改善】バックアップ保持期間を7日間から30日間に延長しました。")
    is its own section, its date and category heading what it says; one that only titles the lines under it is a
    heading over them. Read as one paragraph, fourteen entries had been one quote; read as the body of the last
    titled entry, a TLS change was cited as part of an MFA announcement."""
    dated = {i for i, ln in enumerate(lines) if ln.kind in ("text", "heading") and not ln.level and not ln.row
             and not ln.item and _DATED_ENTRY.match(ln.text)}
    if len(dated) < _ITEMS_MIN:
        return lines
    out: list[_Line] = []
    for i, ln in enumerate(lines):
        if i not in dated:
            out.append(ln)
            continue
        nxt = next((lines[k] for k in range(i + 1, len(lines)) if lines[k].kind not in ("blank", "chrome")), None)
        m = _ENTRY_PREFIX.match(ln.text)
        says = _SENTENCE_END.search(ln.text) or nxt is None or _DATED_ENTRY.match(nxt.text) or nxt.kind == "heading"
        if not says or m is None or m.end() >= len(ln.text):
            ln.kind, ln.level = "heading", 0  # a title over the entry's lines
            out.append(ln)
            continue
        head = m.group("prefix")
        body_at = ln.start + m.end()
        out.append(_Line(ln.start, ln.start + len(head), head, "heading", dated=True))
        out.append(_Line(body_at, ln.end, ln.text[m.end():], "text", in_table=True, item=True))
    return out


#: A dated entry's date and its category: "2024.05.27 障害", "2026.05.12　【機能改善】", "2025/03/01 [Security]".
_ENTRY_PREFIX = re.compile(r"(?P<prefix>" + _ENTRY_DATE +
                           r"(?:[\s\u3000]*(?:【[^】]{1,12}】|\[[^\]]{1,12}\]|［[^］]{1,12}］)|[\s\u3000]+[^\s\u3000\d【\[［]{1,8}(?=[\s\u3000]))?)"
                           r"[\s\u3000]*")


_SECTION_NUMBER = re.compile(r"^\d{1,2}[.．]\s*[^。．.]{1,30}$")


def _next_is_item(lines: list[_Line], i: int) -> bool:
    nxt = next((ln for ln in lines[i + 1:] if ln.kind not in ("blank", "chrome")), None)
    return nxt is not None and bool(_ITEM_NUMBER.match(nxt.text))


def _definition_lists(lines: list[_Line]) -> list[_Line]:
    """A definition list scraped as text (a spec page's <dl>): each item's name on a line, its value on the
    next ("通信の暗号化" / "TLS 1.2以上"), a group's name over its items ("セキュリティ"). Read line by line,
    the names had become headings and the short values with them (「TLS 1.2以上」 the section of the next
    item), so a page of 22 facts gave 3 passages. Each name with its value (and the notes under it) becomes
    one unit, quoted whole; a line left over before a name names the group.

    Lines in a row (no blank, no chrome between) are read as names (N: short, no figure, no particle) and
    values (V: _DD_VALUE); a name is the last N before a V, and the N's before it pair up as name and
    value (a value may read as a name: 「ソルト付きハッシュ（bcrypt）」), the first standing alone as the
    group's name when they are odd in number. Only a run with three such items or more whose values are
    mostly not sentences is a list: prose under short labels stays as it was.
    """
    out: list[_Line] = []
    run: list[_Line] = []
    for ln in [*lines, None]:
        if ln is not None and ln.kind in ("text", "heading") and not ln.level and not ln.row and not ln.in_table \
                and not ln.table_head and len(ln.text) <= _DD_VALUE_MAX_CHARS and not _is_row(ln) \
                and not _FAQ_QUESTION.search(ln.text):
            run.append(ln)
            continue
        out.extend(_read_definitions(run) if len(run) >= 2 * _DD_MIN_PAIRS else run)
        run = []
        if ln is not None:
            out.append(ln)
    return out


def _read_definitions(run: list[_Line]) -> list[_Line]:
    def name(ln: _Line) -> bool:
        return len(ln.text) <= _DD_NAME_MAX_CHARS and not _DD_VALUE.search(ln.text) and not _DD_NOTE.match(ln.text)

    items: list[list[_Line]] = []  # [name, value, notes...]
    groups: set[int] = set()  # positions in items of a group's name (a one-line item)
    pending: list[_Line] = []  # names not yet placed
    kept: set[int] = set()  # positions in items of lines left as they were (a menu's items)

    def place(names: list[_Line], last_is_name: bool) -> None:
        rest = names[:-1] if last_is_name else names
        if len(rest) > _DD_NAMES_MAX and not any(_DD_ASIDE.search(ln.text) for ln in rest):
            # many names in a row, no value among them: a menu copied one item a line ("機能 / 料金 / 導入事例 /
            # お知らせ / 資料請求 / ログイン"), not names whose values read as names; paired, it had become four
            # "facts" the menu rule could no longer drop
            for ln in rest:
                kept.add(len(items))
                items.append([ln])
            return
        if len(rest) % 2:
            groups.add(len(items))
            items.append([rest[0]])
            rest = rest[1:]
        for a, b in zip(rest[::2], rest[1::2]):
            items.append([a, b])

    for ln in run:
        if name(ln):
            pending.append(ln)
        elif _DD_NOTE.match(ln.text) or not pending:
            if pending:
                place(pending, last_is_name=False)
                pending = []
            if not items or all(i in kept for i in range(len(items))):
                kept.add(len(items))  # a run's opening lines before its first name (the prose above a list)
                items.append([ln])
                continue
            if len(items) - 1 in groups or len(items) - 1 in kept:
                return run  # a value under no name: no list of names and values
            items[-1].append(ln)
        else:
            place(pending, last_is_name=True)
            items.append([pending[-1], ln])
            pending = []
    if pending:
        place(pending, last_is_name=False)
    pairs = [it for i, it in enumerate(items) if i not in groups and i not in kept]
    if len(pairs) < _DD_MIN_PAIRS or sum(len(it) == 2 for it in pairs) < 0.6 * len(pairs) \
            or sum(bool(_SENTENCE_END.search(it[1].text)) for it in pairs) > 0.4 * len(pairs) \
            or sum(bool(_DD_VALUE.search(it[1].text)) for it in pairs) < _DD_MIN_PAIRS:
        return run
    out = []
    for i, it in enumerate(items):
        if i in kept:
            out.append(it[0])
        elif i in groups and _LOGO.search(it[0].text):
            it[0].kind = "chrome"  # a logo's alt text ("プライバシーマークロゴ") over its caption: no group's name
            out.append(it[0])
        elif i in groups:
            it[0].kind, it[0].level = "heading", 0
            out.append(it[0])
        else:
            out.append(_unit(it))
    return out


def _unit(parts: list[_Line]) -> _Line:
    """Lines that say one thing together (a name with its value, a check sheet's item with its answer): one
    unit, quoted alone, its cells joined as a table row's are for what reads it."""
    return _Line(parts[0].start, parts[-1].end, " | ".join(x.text for x in parts), "text", in_table=True, item=True)


def _is_table_header(lines: list[_Line], content: list[int], pos: int) -> bool:
    """The first of several table rows, every cell a short label: column names, not a fact."""
    ln = lines[content[pos]]
    if not _is_row(ln) or pos + 1 >= len(content):
        return False
    if pos and _is_row(lines[content[pos - 1]]):
        return False
    nxt = lines[content[pos + 1]]
    if not _is_row(nxt) and not (_group_name(nxt) and pos + 2 < len(content) and _is_row(lines[content[pos + 2]])):
        return False  # (a group's name may stand between the header and the first row: "■認証")
    cells = _cells(ln)
    return len(cells) >= 2 and all(_label_cell(c) for c in cells)


def _group_name(ln: _Line) -> bool:
    """A line naming the rows under it inside a table ("■認証", "【ID管理】"): short, no sentence, no row."""
    return ln.kind in ("text", "heading") and not ln.level and not _is_row(ln) and len(ln.text) <= _HEADING_MAX_CHARS \
        and not _SENTENCE_END.search(ln.text)


def _label_cell(cell: str) -> bool:
    """A column name: short ("設定項目", "Data location"), no digits."""
    if any(ch.isdigit() for ch in cell):
        return False
    if CJK.search(cell):
        return len(cell) <= _HEADER_CELL_MAX_CHARS
    return len(cell) <= _HEADER_CELL_MAX_LATIN and len(cell.split()) <= 3


def _promote_labels(lines: list[_Line]) -> None:
    """Scraped pages lose their markup: a heading is a short label line right above its body.

    A label is short, not a sentence, and follows the end of something (a blank line, a sentence, a
    table row); the line after it starts a sentence of its own (upper case, not a hiragana
    continuation), so a wrapped line is never taken for one. A table row with one filled cell has lost
    its value in the scrape and is no fact to quote.
    """
    # a label between lines (chrome by now) separates them as a blank line does
    content = [i for i, ln in enumerate(lines) if ln.kind not in ("blank", "chrome")]
    for pos, i in enumerate(content):
        ln = lines[i]
        if ln.kind in ("text", "heading") and TOC_TITLE.match(ln.text.strip()):
            ln.kind = "chrome"
            continue
        if ln.kind in ("text", "heading") and not ln.level and len(ln.text) <= _HEADING_MAX_CHARS \
                and not _SENTENCE_END.search(ln.text) and _CAPTION.search(ln.text):
            ln.kind = "chrome"  # an image's caption, standing alone or not: no section, no fact
            continue
        if ln.kind != "text":
            continue
        if _is_table_header(lines, content, pos):
            ln.kind, ln.table_head = "chrome", True
            continue
        if "|" in ln.text and _EMPTY_CELLS.match(ln.text):
            ln.kind = "chrome"
            continue
        if _INLINE_QA.search(ln.text) or _wide_fact(ln.text):
            continue  # a question with its answer on one line, or a name and its value: a fact, no label
        if pos + 1 < len(content) and _FAQ_QUESTION.search(ln.text) and len(ln.text) <= _HEADING_MAX_CHARS * 2 \
                and lines[content[pos + 1]].kind in ("text", "bullet"):
            ln.kind = "heading"  # an FAQ's question titles its answer; quoting it answers nothing
            continue
        # the line under a breadcrumb trail is the page's title, however long ("Audit logs, envelope
        # history and data retention")
        above = next((x for x in reversed(lines[:i]) if x.kind != "blank"), None)
        titled = above is not None and above.kind == "chrome" and _crumb(above.text)
        longest = _HEADING_MAX_CHARS if titled else _LABEL_MAX_CHARS
        if pos + 1 >= len(content) or len(ln.text) > longest or _SENTENCE_END.search(ln.text):
            continue
        if _is_row(ln) or _NOTE_OPENING.match(ln.text) or "。" in ln.text or "、" in ln.text:
            continue
        if _enumerates(ln.text):
            continue  # "日時／操作者（メールアドレス）／操作の種類／対象／IPアドレス": a list of what is recorded, no label
        if _KEY_VALUE.match(ln.text) and not titled:
            # "緊急：7日以内": a name with its value is a fact (a list drawn without markers), no label; under a
            # breadcrumb, "よくある質問：データの保管・削除" is the page's title
            continue
        if not CJK.search(ln.text) and (len(ln.text.split()) > _LABEL_MAX_WORDS * (1.5 if titled else 1)
                                        or not ln.text[0].isupper()):
            continue
        prev = lines[content[pos - 1]] if pos else None
        nxt = lines[content[pos + 1]]
        if _CIRCLED.match(ln.text) and (prev is not None and _CIRCLED.match(prev.text) or _CIRCLED.match(nxt.text)):
            continue  # "① …" over "② …": a list's items ("①通信の暗号化" over its "（１）…" stays a heading)
        after_blank = prev is None or content[pos - 1] != i - 1
        if not (after_blank or prev.kind in ("heading", "bullet", "chrome", "title")
                or _SENTENCE_END.search(prev.text) or _is_row(prev) or _KEY_VALUE.match(prev.text)):
            continue
        apart = content[pos + 1] != i + 1  # a blank or a label between: no sentence wraps across them
        # a line wrapped mid-sentence goes on in hiragana, but the line it leaves is the longer: a label
        # half as long as the sentence under it is none ("2段階認証" / "すべてのプランで、…")
        if nxt.kind not in ("text", "bullet", "heading") or (
                _HIRAGANA_START.match(nxt.text) and not apart and 2 * len(ln.text) > len(nxt.text)):
            continue
        if nxt.kind == "text" and not CJK.search(nxt.text) and not (nxt.text[0].isupper() or nxt.text[0].isdigit()):
            continue
        ln.kind = "heading"


def _stands_alone(stripped: str, raw: list[tuple[int, str]], i: int) -> bool:
    """Short, not a sentence, with blank lines (or the file's edges) around it."""
    if len(stripped) > _HEADING_MAX_CHARS or _SENTENCE_END.search(stripped) or "。" in stripped:
        return False
    before = raw[i - 1][1].strip() if i > 0 else ""
    after = raw[i + 1][1].strip() if i + 1 < len(raw) else ""
    return not before and not after


def _marked_label(stripped: str, raw: list[tuple[int, str]], i: int) -> bool:
    """A ■/◆/【】-marked label line with no marked line beside it (several in a row are a list)."""
    # (its translation in brackets does not count: "■ Data Location and Backup（データの保管場所・バックアップ）")
    bare = re.sub(r"\s*[（(][^()（）]*[)）]$", "", stripped)
    if len(bare) > _LABEL_MAX_CHARS or _SENTENCE_END.search(stripped) or "。" in stripped:
        return False
    mark = stripped[0]
    before = raw[i - 1][1].strip() if i > 0 else ""
    after = raw[i + 1][1].strip() if i + 1 < len(raw) else ""
    return bool(after) and not after.startswith(mark) and not before.startswith(mark)


_PAREN_NUMBER = re.compile(r"^[（(]\d{1,2}[)）]\s*\S")
#: "（3）遠隔地保管" or "14. お問い合わせ": a numbered label, a heading when its paragraph follows it.
_NUMBER_LABEL = re.compile(r"^(?:[（(]\d{1,2}[)）]|\d{1,2}\.(?!\d))\s*\S")


_SECTION_NUMBER_LINE = re.compile(r"^(\d{1,2})\.(?!\d)\s*\S")


def _next_section_number(stripped: str, raw: list[tuple[int, str]], i: int, lines: list[_Line]) -> bool:
    """"N. title" after a blank line, short and no sentence, when "N-1. …" above it is a heading."""
    m = _SECTION_NUMBER_LINE.match(stripped)
    if not m or len(stripped) > _LABEL_MAX_CHARS or _SENTENCE_END.search(stripped) or "。" in stripped:
        return False
    if i == 0 or raw[i - 1][1].strip():
        return False  # (a blank line before it: inside a list, "3." is its third item)
    previous = f"{int(m.group(1)) - 1}."
    return any(ln.kind == "heading" and ln.text.startswith(previous) for ln in lines)


def _numbered_label(stripped: str, raw: list[tuple[int, str]], i: int) -> bool:
    """A numbered label ("（n）", "n.") with a sentence right under it; numbered lines in a row are a list."""
    if len(stripped) > _LABEL_MAX_CHARS or _SENTENCE_END.search(stripped) or "。" in stripped or "、" in stripped:
        return False
    before = raw[i - 1][1].strip() if i > 0 else ""
    after = raw[i + 1][1].strip() if i + 1 < len(raw) else ""
    # (a paragraph the scrape cut off ends in no sentence, but it is long: "8. Review" had become a list item)
    # (... or is the page's last line, the sentence the scrape cut: "(6) 変更の通知" over "…実施日の60日前までに")
    last = not any(line.strip() for _, line in raw[i + 2:])
    return bool(after) and not _NUMBER_LABEL.match(after) and not _BULLET.match(after) \
        and not _NUMBER_LABEL.match(before) and bool(_SENTENCE_END.search(after) or "。" in after
                                                     or len(after) > 3 * _LABEL_MAX_CHARS
                                                     or last and len(after) > 2 * len(stripped))


def _section_line(stripped: str, m: re.Match, raw: list[tuple[int, str]], i: int) -> bool:
    """A short title under a section number: "第3章 …" or a dotted "6.3 …" anywhere, and "2. …" when the
    next line opens its subsection ("2.1 …"), which a numbered list item never has. Not a quantity
    ("1.5倍の…"), not a sentence."""
    if len(stripped) > _HEADING_MAX_CHARS or _SENTENCE_END.search(stripped) or "。" in stripped or "、" in stripped:
        return False
    if m.group("chapter"):
        return True
    number = (m.group("number") or "").strip().rstrip(".")
    if not number or COUNTED_AFTER.match(stripped[len(m.group("number").rstrip()):]):
        return False
    if "." in number:
        return True
    nxt = next((line.strip() for _, line in raw[i + 1:] if line.strip()), "")
    return nxt.startswith(f"{number}.1") and not nxt[len(number) + 2:len(number) + 3].isdigit()


def _numbered_level(m: re.Match) -> int:
    if m.group("chapter"):
        return {"章": 1, "節": 2, "項": 3}[m.group("unit")]
    if m.group("number"):
        return m.group("number").rstrip(".").count(".") + 1
    return 0  # ■ / 【】: a heading, level unknown


def _looks_like_heading(stripped: str, raw: list[tuple[int, str]], i: int) -> bool:
    """A short line that is not a sentence and stands alone (blank line or end of file after it)."""
    if len(stripped) > _HEADING_MAX_CHARS or _SENTENCE_END.search(stripped) or _TABLE_ROW.search(stripped):
        return False  # a table row is a fact, even the last one standing alone
    if _NOTE_OPENING.match(stripped) or "。" in stripped:
        return False
    if _same_key_value(stripped, raw[i - 1][1].strip() if i > 0 else ""):
        return False  # the last of "緊急（Critical）：7日以内" / "高（High）：30日以内" / "中（Medium）以下：90日以内"
    if _wide_fact(stripped) or _INLINE_QA.search(stripped):
        return False  # "監査機関　あおば監査法人" before a blank line: a fact
    if _CIRCLED.match(stripped) and i > 0 and _CIRCLED.match(raw[i - 1][1].strip()):
        return False  # "③ …に起因する障害" under "② …": the list's last item, no heading
    if _enumerates(stripped):
        return False
    nxt = raw[i + 1][1].strip() if i + 1 < len(raw) else ""
    return not nxt


_CIRCLED = re.compile(r"^(?:[\u2460-\u2473\u3251-\u325f]|[一二三四五六七八九十]{1,3}[\u3000 ]+(?=\S))")  # ("五　…", a 号 of a statute's article)


def _wide_fact(text: str) -> bool:
    """A name and its value apart by an ideographic space, that is no letterhead ("株式会社ハルカゼ　2025年9月1日現在")."""
    if not _WIDE_KEY_VALUE.match(text):
        return False
    name, value = (part for part in WIDE_GAP.split(text.strip(), maxsplit=1))
    return not _COMPANY.search(name) and not is_label(value) and not is_label(text)


def _same_key_value(line: str, above: str) -> bool:
    """Whether a line has the "name：value" shape of the line right above it (the same colon, full-width or
    not): the items of one list drawn without markers, its last item standing before a blank line no
    heading over what follows."""
    if not (_KEY_VALUE.match(line) and _KEY_VALUE.match(above)):
        return False
    return _COLON.search(line).group() == _COLON.search(above).group()  # the name ends at the first colon


_COLON = re.compile(r"[：:]")


def _main_script_is_cjk(text: str) -> bool:
    cjk, latin = len(CJK.findall(text)), len(_LATIN.findall(text))
    return cjk >= 0.3 * (cjk + latin) if cjk + latin else False


def _in_main_script(line: _Line, cjk_doc: bool) -> bool:
    return bool(CJK.search(line.text)) if cjk_doc else bool(_LATIN.search(line.text) or CJK.search(line.text))


def _drop_chrome(lines: list[_Line], cjk_doc: bool) -> None:
    """Page chrome lives before the first and after the last body line written in the main script."""
    body = [i for i, ln in enumerate(lines) if ln.kind in ("text", "bullet") and _in_main_script(ln, cjk_doc)]
    if not body:
        return
    first, last = body[0], body[-1]
    # ... and the short lines (read as headings) of a list the page ends with: 「第三者認証 / ISMSロゴ / ISO/IEC 27001 /
    # IS 700001 / プライバシーマーク / 第10000001(01)号」, whose Latin lines had been dropped as a footer's
    tail = [i for i, ln in enumerate(lines) if i > last and ln.kind == "heading" and not ln.level
            and _in_main_script(ln, cjk_doc) and _DD_VALUE.search(ln.text)]
    last = max([last, *tail])
    for i, ln in enumerate(lines):
        if (i < first or i > last) and ln.kind not in ("blank", "chrome") and not _in_main_script(ln, cjk_doc):
            ln.kind = "chrome"


def _drop_contents(lines: list[_Line]) -> None:
    """A table of contents: lines that repeat, word for word, headings further down ("2. 情報セキュリティ
    管理体制" above the section itself). They name sections, they say nothing; quoted, they were the first
    candidate for questions the sections answer."""
    later: set[str] = set()
    for ln in reversed(lines):
        # (with its page number after a tab or leader dots: "2.1 情報セキュリティ体制\t1", exported from a word
        # processor, had been read as headings over the contents' next entries)
        bare = _PAGE_NUMBER.sub("", ln.text).strip() if ln.kind != "blank" else ""
        if ln.kind == "heading" and bare != ln.text and bare in later:
            ln.kind = "chrome"
        elif ln.kind == "heading":
            later.add(ln.text)
        elif ln.kind in ("bullet", "text") and (ln.text in later or bare != ln.text and bare in later):
            ln.kind = "chrome"
    # ... and the entries in a row with them, page numbers and all, whose sections a cut-off file no longer has
    run: list[_Line] = []
    for ln in [*(x for x in lines if x.kind != "blank"), None]:
        if ln is not None and _PAGE_NUMBER.search(ln.text):
            run.append(ln)
            continue
        if any(x.kind == "chrome" for x in run):
            for x in run:
                x.kind = "chrome"
        run = []


#: A contents entry's page number: after a tab, leader dots or a wide gap ("…体制\t1", "…体制 ....... 3").
_PAGE_NUMBER = re.compile(r"(?:\t+|\s*[.．・…‥]{3,}\s*|\s{2,}|\u3000+)\d{1,3}$")


def _drop_page_labels(lines: list[_Line]) -> None:
    """Lines that only label a page (its article number, its date, its edition), breadcrumb trails and link
    texts standing alone: no facts, no sections (a label's date is the document's as-of date already,
    find_as_of). A list item is one only by its number or trail ("- Version 2" may be a fact)."""
    for ln in lines:
        if ln.row:
            continue  # a table's row (its cells apart by wide spaces, like a menu's items) is a fact
        if ln.kind != "blank" and links_only(ln.text[ln.body_start - ln.start:] if ln.kind == "bullet" else ln.text):
            ln.kind = "chrome"
        elif ln.kind == "bullet":
            if PAGE_LABEL.match(ln.text) or BREADCRUMB.match(ln.text):
                ln.kind = "chrome"
        elif ln.kind != "blank" and is_label(ln.text):
            ln.kind = "chrome"
    # a cookie banner: its button is a label, and so is the notice right above it, or the notice that
    # ends in its buttons ("… you agree to our use of cookies. Accept all Manage preferences")
    content = [ln for ln in lines if ln.kind != "blank"]
    for prev, ln in zip([None, *content], content):
        if _COOKIE.search(ln.text) and _BANNER_END.search(ln.text):
            ln.kind = "chrome"
        # (both: a button naming cookies, "Accept all cookies", under its notice, which had been quoted)
        if prev is not None and CONSENT.match(ln.text) and _COOKIE.search(prev.text):
            prev.kind = "chrome"
    # a page's properties under its title (a Notion export's "Owner: …" / "Last edited time: …" / "Status:
    # Published" / "Tags: …"): the page's record, no fact of the vendor's
    body = [ln for ln in content if ln.kind not in ("chrome", "heading")]
    run = list(itertools.takewhile(lambda ln: ln.kind == "text" and _KEY_VALUE.match(ln.text), body))
    if len(run) >= 3 and any(_PROPERTY_DATE.match(ln.text) for ln in run):
        for ln in run:
            ln.kind = "chrome"
    # ... and the buttons beside its consent button ("同意する" / "設定", "Accept all" / "Reject non-essential"),
    # else a section named "設定" heads the page
    for n, ln in enumerate(content):
        if ln.kind == "chrome" and CONSENT.match(ln.text):
            for nxt in content[n + 1:n + 4]:
                if not (CONSENT.match(nxt.text) or _OTHER_BUTTON.match(nxt.text)):
                    break
                nxt.kind = "chrome"


#: What a cookie banner's notice speaks of, and the buttons it may end in.
_COOKIE = re.compile(r"cookie|クッキー", re.I)
_BANNER_END = re.compile(r"(?:accept(?:\s+all)?(?:\s+cookies)?|reject\s+(?:all|non-essential|optional)|manage\s+(?:preferences|cookies)|cookie\s+settings"
                         r"|同意する|同意しない|同意して閉じる|設定を管理|got\s+it|ok"
                         r"|[［\[](?:閉じる|OK|同意(?:する|します)?|了解|close|accept(?:\s+all)?|reject(?:\s+all)?|agree)[］\]]|×)\s*$", re.I)
#: A page property dating it: "Last edited time: …", "Created: …", "最終更新日時：…".
_PROPERTY_DATE = re.compile(r"^\s*(?:last\s+(?:edited|updated|modified)(?:\s+time)?|created(?:\s+time)?|updated|date|"
                            r"(?:最終)?(?:更新|編集|作成)(?:日時|日)?)\s*[:：]", re.I)
#: A cookie banner's other buttons, standing beside its consent button.
_OTHER_BUTTON = re.compile(r"^(?:(?:詳細)?設定|(?:すべて)?拒否(?:する)?|必要な(?:もの|cookie|クッキー)のみ(?:許可)?|閉じる|"
                           r"reject(?:\s+(?:all|non-essential|optional))?|(?:only\s+)?(?:strictly\s+)?necessary(?:\s+only)?|"
                           r"customi[sz]e|preferences|settings|close|ok)$", re.I)
#: Japanese words apart by single spaces, four or more, none a mark or a figure: tabs or a menu (a sentence has no
#: spaces, a table's row has its marks and figures).
_TABS = re.compile(r"^[\u3040-\u30ff\u4e00-\u9fff]{1,8}(?: [\u3040-\u30ff\u4e00-\u9fff]{1,8}){3,}$")
#: A site's menu down the top of a copied page: this many short lines in a row before the first sentence.
_MENU_MIN_LINES = 4
_MENU_ITEM_MAX_CHARS = 15


def _drop_top_menu(lines: list[_Line]) -> None:
    """Above a copied page's first sentence, four or more short lines in a row with no number and no
    punctuation ("Product / Pricing / Customers / Log in", "ホーム / よくある質問 / お知らせ") are its
    site's menu: read as headings, "Log in" had become the first section's name."""
    opening = next((ln for ln in lines if ln.kind != "blank"), None)
    first = next((i for i, ln in enumerate(lines) if ln.kind in ("text", "bullet") and _SENTENCE_END.search(ln.text)
                  and not (ln is opening and _bar_line(ln.text))), len(lines))
    # (one dateline dates the page; several are a news list's entries)
    datelines = sum(1 for ln in lines if ln.kind in ("text", "heading") and DATELINE.match(ln.text.strip()))
    for ln in lines[:first]:
        if ln.kind in ("text", "heading") and not ln.row and nav_row(ln.text, bars=True, item_max=_MENU_ITEM_MAX_CHARS):
            ln.kind = "chrome"  # the same menu along one line: "ホーム | 機能 | 料金プラン | ヘルプセンター"
        elif ln.kind in ("text", "heading") and not ln.row and _TABS.match(ln.text):
            ln.kind = "chrome"  # a list's filter tabs or a menu apart by single spaces: "すべて お知らせ 障害 メンテナンス"
        elif ln.kind in ("text", "heading") and not ln.dated and DATELINE.match(ln.text.strip()) and datelines == 1:
            ln.kind = "chrome"  # a press release's "2024.05.10 お知らせ": its date (find_as_of), no title
    run: list[_Line] = []
    for ln in [*lines[:first], None]:
        if ln is not None and ln.kind in ("text", "heading") and not ln.level and not ln.row and not ln.in_table \
                and len(ln.text) <= _MENU_ITEM_MAX_CHARS and not (ln is opening and _TITLE_BAR.match(ln.text)) \
                and not re.search(r"[\d。、.,:：!?！？]", ln.text):
            run.append(ln)
            continue
        if ln is not None and ln.kind == "blank":
            continue
        if len(run) >= _MENU_MIN_LINES:  # a run ends at anything else, a banner or a breadcrumb included
            for item in run:
                item.kind = "chrome"
        run = []
    # a breadcrumb trail starts the page: what stands above it is the site's header (its name, a
    # "ログイン　無料で試す" bar), which had headed every section's path ("ミズナラ勤怠 › …")
    # (a "Page | Site" bar opening it is the page's <title>: _title_bar names the document by it)
    crumb = next((i for i, ln in enumerate(lines[:first]) if ln.kind != "blank" and _crumb(ln.text, top=True)), None)
    if crumb is not None:
        lines[crumb].kind = "chrome"  # (a trail of two steps is one only here, above the first sentence)
        opening = next((ln for ln in lines if ln.kind != "blank"), None)
        for ln in lines[:crumb]:
            if ln.kind in ("text", "heading") and not ln.level \
                    and not (ln is opening and ln.kind == "text" and _TITLE_BAR.match(ln.text)):
                ln.kind = "chrome"


def _heading_runs_are_lists(lines: list[_Line]) -> None:
    """Short lines in a row under a label, a blank line after the last: a list ("COMPLIANCE" / "SOC 2 Type II" /
    "ISO 27001" / "HIPAA (BAA available on request)" / "GDPR"), not headings each over the next. Read as headings
    (the last heading nothing), a trust page's whole badge list had been in no passage, and the product said "SOC"
    and "27001" were never mentioned."""
    # where the page's body ends: its last sentence, and its last sentence or table row (computed once: a list is
    # one only with the body going on after it, and the lists read here add neither)
    last_sentence = max((k for k, ln in enumerate(lines) if ln.kind in ("text", "bullet") and _SENTENCE_END.search(ln.text)),
                        default=-1)
    last_body = max((k for k, ln in enumerate(lines) if ln.kind in ("text", "bullet")
                     and (_SENTENCE_END.search(ln.text) or _is_row(ln))), default=-1)
    i = 0
    while i < len(lines):
        if lines[i].kind != "heading" or lines[i].level:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and lines[j + 1].kind == "heading" and not lines[j + 1].level \
                and not _NUMBERED_HEADING.match(lines[j + 1].text):
            j += 1
        after = lines[j + 1] if j + 1 < len(lines) else None
        # (a page's footer menu runs so too, after its last sentence: a list only with the page's body after it)
        if j - i >= _LIST_MIN_ITEMS and (after is None or after.kind in ("blank", "chrome")) and last_sentence > j:
            for ln in lines[i + 1:j + 1]:
                ln.kind, ln.in_table, ln.item = "text", True, False
        elif after is not None and after.kind == "text" and _DASHED.match(lines[j].text) and _DASHED.match(after.text):
            lines[j].kind = "text"  # "United States — Virginia (us-east-1)" over "European Union — Frankfurt (…)": items
        else:
            _names_list(lines, i, last_body)
        i = j + 1


def _names_list(lines: list[_Line], at: int, last_body: int) -> None:
    """Under a label, short lines naming things with their figures ("ISO/IEC 27001:2022" / "ISO/IEC 27017:2015
    (cloud services)" / "SOC 2 Type I — report available under NDA"), none a sentence: a list, up to a line that heads
    a table or a paragraph after it. Read as headings each over the next, the certifications were in no passage,
    and a retention table was filed under "ISO/IEC 27017:2015"."""
    run: list[_Line] = []
    for ln in lines[at + 1:]:
        if ln.kind not in ("heading", "text") or ln.level or ln.row or ln.item or ln.in_table \
                or len(ln.text) > _HEADING_MAX_CHARS or _SENTENCE_END.search(ln.text) or "|" in ln.text \
                or _NUMBERED_HEADING.match(ln.text) or _KEY_VALUE.match(ln.text):
            break
        run.append(ln)
    end = at + 1 + len(run)
    if last_body < end:
        return  # (the page's related articles or footer menu, after its last sentence or table)
    nxt = lines[end] if end < len(lines) else None
    heads = bool(run) and nxt is not None and (nxt.kind not in ("blank", "chrome") or nxt.table_head) \
        and not _NAMED_FIGURE.search(run[-1].text)
    items = run[:-1] if heads else run
    if len(items) >= _LIST_MIN_ITEMS and sum(bool(_NAMED_FIGURE.search(x.text)) for x in items) * 2 >= len(items):
        for ln in items:
            ln.kind, ln.in_table, ln.item = "text", True, False
        if heads:
            run[-1].kind, run[-1].in_table = "heading", False  # "Data retention" over its table


_LIST_MIN_ITEMS = 3
#: A line opening as a note, an aside or a quotation ("※1 …", "注1：…", "（…）"): no label. 「注記」 and 「注意」 over their
#: notes are labels (read as the notes' first line, a notes block had been filed under the related articles above).
_NOTE_OPENING = re.compile(r"^(?:[※*(（「『\"']|注(?:\d|[:：)）.．\s]|$))")
#: What names a thing with its figure or its state: a number, a dash before what it is, an aside in brackets.
_NAMED_FIGURE = re.compile(r"\d|\s[—–]\s|[（(][^()（）]+[)）]")
#: Items of one line apart by slashes: three make it an enumeration (・ joins a heading's words as often).
_ENUMERATION = re.compile(r"／|\s/\s")
_ENUMERATION_MIN = 3


def _enumerates(text: str) -> bool:
    return len(_ENUMERATION.findall(text)) >= _ENUMERATION_MIN
#: A list's item drawn as a name and what it is, apart by a dash: "Japan — Tokyo (coming 2025)".
_DASHED = re.compile(r"^[^。.!?]{1,40}\s[—–]\s[^。!?]{1,60}$")


def _last_line_is_body(lines: list[_Line]) -> None:
    """A page's last line titles nothing, so it is no heading: a scrape that stops at a byte limit leaves a
    sentence cut off there ("…その後は管理者が手動で削除でき"), which read as a heading lost its facts."""
    content = [ln for ln in lines if ln.kind not in ("blank", "chrome")]
    if content and content[-1].kind == "heading" and not content[-1].level and len(content[-1].text) >= _CUT_MIN_CHARS:
        content[-1].kind = "text"
    elif len(content) >= 2 and content[-1].kind == "heading" and not content[-1].level and content[-2].kind == "heading" \
            and "、" in re.sub(r"[（(][^)）]*(?:[)）]|$)", "", content[-1].text) \
            and lines.index(content[-1]) == lines.index(content[-2]) + 1:
        # right under a heading, a last line cut mid-clause ("第三者機関による脆弱性診断を年に1回、外部の専門会") is
        # what is left of its body, not a heading over nothing (one standing apart, blank lines around it, is a
        # heading the scrape cut, and so is one whose comma is inside its brackets: "サービスが停止しない仕組み(冗長化、負荷")
        content[-1].kind = "text"
    elif len(content) >= 2 and content[-1].kind == "heading" and not content[-1].level \
            and content[-2].kind == "text" and _FAQ_QUESTION.search(content[-2].text):
        # an FAQ's last answer, cut short by the scrape ("May customers run their own penetration test?" / "No,
        # testing a"): the question titles what is left of it, which had been dropped and the question quoted
        # as the end of the answer before it
        content[-2].kind, content[-1].kind = "heading", "text"


#: A last line shorter than this is a heading the scrape cut ("サービスが停止しない仕組み(冗長化、負荷"), not a
#: sentence with facts in it: quoted, it was the first candidate for six questions its page does not answer.
_CUT_MIN_CHARS = 30


def _drop_trailing_links(lines: list[_Line]) -> None:
    """Short lines after a page's last sentence are its footer: feedback buttons (はい / いいえ), related
    links, a row of company links. Merged, they made one passage ("はい いいえ
    関連記事 会社概要 利用規約 …") that was quoted for questions the page does not answer. Plain text only:
    a Markdown or Word document ends in its own words, where a trailing unpunctuated list may be facts.

    The last body line is one that ends a sentence, a table row with a cell too long for a link, or a
    line that does not look like a link (long, or with a comma: a sentence the scrape cut off keeps its facts).
    """
    def body(ln: _Line) -> bool:
        if (m := _PROMPT.search(ln.text)) and m.group(1).strip():
            return False  # "この記事は役に立ちましたか？ はい | いいえ": a question with its buttons
        if _NOTE.match(ln.text):
            return True  # a note, cut off or not ("※操作ログは直近13か月分を保持"), is a fact: no link says ※
        if _SENTENCE_END.search(ln.text) or ln.row or ln.in_table:
            return True
        if nav_row(ln.text, bars=True, item_max=_MENU_ITEM_MAX_CHARS, min_items=3):
            return False  # "プライバシーポリシー　情報セキュリティ基本方針　特定商取引法に基づく表記": the site's links
        if _TABLE_ROW.search(ln.text):
            return any(len(cell) > _LINK_CELL_MAX_CHARS for cell in _cells(ln))
        return not _link_like(ln.text)

    # a feedback widget ("Was this article helpful? Yes No") closes the article: what follows it without
    # ending a sentence is the site's ("Related articles", "Have more questions? Submit a request")
    # (a list there too: "関連記事 / ・セキュリティへの取り組み / ・サービスの稼働状況（ステータスページ）" was
    # answered for "ステータスページはありますか？" and stood among the candidates of a quarter of a review's questions)
    widget = next((i for i, ln in enumerate(lines) if ln.kind != "blank" and FEEDBACK.search(ln.text)), None)
    if widget is not None:
        for ln in lines[widget + 1:]:
            if ln.kind in ("text", "heading", "bullet") and not _SENTENCE_END.search(ln.text):
                ln.kind = "chrome"
    # a row under a table's rows of as many cells is one of them, short or cut off ("データの削除\t解約後60日以内に
    # 全デー", where the scrape stopped): no footer's links
    ends, prev, in_body = [], None, False
    for i, ln in enumerate(lines):
        if ln.kind == "blank":
            continue
        row = ln.kind == "text" and bool(_TABLE_ROW.search(ln.text))
        table_row = row and in_body and prev is not None and len(_cells(prev)) == len(_cells(ln))
        if ln.kind in ("text", "bullet") and (body(ln) or table_row):
            ends.append(i)
        in_body = row and (table_row or body(ln))
        prev = ln if row else None
    if not ends:
        return
    for ln in lines[ends[-1] + 1:]:
        if ln.kind == "text":  # a bulleted list there may be steps or facts: it stays
            ln.kind = "chrome"
    # likewise a page that opens with a row of short cells opens with its site's name bar or menu
    # ("ツミキ勤怠 | クラウド勤怠管理サービス"), not with a table of facts (which has a header row first)
    first = next((ln for ln in lines if ln.kind != "blank"), None)
    if first is not None and first.kind == "text" and _TABLE_ROW.search(first.text) and not body(first):
        first.kind = "chrome"


#: A question followed on its line by nothing but short options (buttons, not an answer).
_PROMPT = re.compile(r"[?？]([^?？。.!！]{0,12})$")
_LINK_MAX_CHARS = 25
#: A row of links ("お問い合わせ | 利用規約 | プライバシーポリシー") has short cells; a table row of facts has a long one.
_LINK_CELL_MAX_CHARS = 12
def _link_like(text: str) -> bool:
    return len(text) <= _LINK_MAX_CHARS and not any(c in text for c in "、,，")


#: A browser's title bar copied with the page: "ヨリミチ受付 | クラウド受付・会議室予約システム", "Acme - Trust Center".
_TITLE_BAR = re.compile(r"^([^|｜]{1,40}?)(?:\s*(?:\s\|\s|｜|\s[-–—]\s)\s*([^|｜]{1,60})){1,3}$")


def _bar_line(text: str) -> bool:
    """A "Page | Site" line, no sentence ("Responsible Disclosure Policy - Example Inc." ends in a company's "Inc.")."""
    return bool(_TITLE_BAR.match(text)) and (not _SENTENCE_END.search(text) or bool(_COMPANY.search(text)))


def _title_bar(lines: list[_Line]) -> str | None:
    """A copied page's first line naming the page and its site ("Page | Site") above the site's menu or
    breadcrumb: the page's <title>, which names the document (as an HTML page's does) and states no fact."""
    content = [ln for ln in lines if ln.kind != "blank"]
    under_crumb = len(content) >= 3 and content[0].kind == "chrome" and _crumb(content[0].text, top=True) \
        and content[1].kind == "text" and _TITLE_BAR.match(content[1].text) is not None and "|" not in content[2].text
    if under_crumb:
        content = content[1:]  # the bar right under the site's breadcrumb ("ホーム ＞ … ＞ ISMAP登録情報")
    if len(content) < 3 or content[0].kind != "text" or not _bar_line(content[0].text):
        return None
    if not _TITLE_BAR.match(content[0].text) or content[1].kind == "text" and "|" in content[1].text:
        return None  # a table's first row, not a title
    if not under_crumb and not any(ln.kind == "chrome" for ln in content[1:6]):
        return None  # no site furniture around it: a line of the document's own
    content[0].kind = "chrome"
    return content[0].text


#: A company's name as a letterhead ("ORLENMAIL, INC.", "株式会社ハコベラ").
_COMPANY = re.compile(r"(?:,?\s*(?:Inc|Ltd|LLC|GmbH|Corp|Co|K\.K|G\.K|Limited|Corporation)\.?$)|株式会社|合同会社|有限会社", re.I)


def _opening_title(lines: list[_Line]) -> str | None:
    """A document's first line, with its date or edition right under it ("Hakobera CRM Terms of Service (English
    Translation)" / "Last updated: February 1, 2025"), is its title; a company's name over the first heading is
    its letterhead, and that heading the title. Quoted, both had been candidates for unrelated questions."""
    content = [ln for ln in lines if ln.kind not in ("blank", "chrome")]
    if not content or content[0].kind not in ("text", "heading") or content[0].level:
        return None
    first = content[0]
    if len(first.text) > _HEADING_MAX_CHARS + 20 or _is_row(first):
        return None
    at = lines.index(first)
    nxt = next((ln for ln in lines[at + 1:] if ln.kind != "blank"), None)
    if nxt is not None and nxt.kind == "chrome" and is_label(nxt.text) and first.kind == "text" \
            and not _SENTENCE_END.search(first.text):
        first.kind = "chrome"
        return first.text
    if nxt is not None and first.kind == "text" and len(first.text) <= _LABEL_MAX_CHARS and _COMPANY.search(first.text):
        if nxt.kind == "heading":
            first.kind = "chrome"
            return nxt.text
        if nxt.kind == "text" and len(nxt.text) <= _HEADING_MAX_CHARS * 2 and not _SENTENCE_END.search(nxt.text) \
                and find_as_of(nxt.text):
            # "LARKSPUR VIDEO, INC." / "DATA PROCESSING ADDENDUM — EXCERPT (Version 4.2, effective 1 February 2024)"
            first.kind = nxt.kind = "chrome"
            return nxt.text
    return None


def _crumb(text: str, top: bool = False) -> bool:
    """A breadcrumb trail; with TOP (above the page's first sentence), a trail of two steps too."""
    return bool(BREADCRUMB.match(text) or ROOT_CRUMB.match(text) or top and TWO_STEP_CRUMB.match(text))


def _take_title(lines: list[_Line]) -> str | None:
    # a copied page names itself right under its breadcrumb trail ("ホーム ＞ サポート ＞ セキュリティ" /
    # "セキュリティに関するよくある質問"), below its site's name
    for i, ln in enumerate(lines):
        if ln.kind in ("text", "bullet"):
            break
        if ln.kind == "chrome" and _crumb(ln.text, top=True):
            nxt = next((x for x in lines[i + 1:] if x.kind not in ("blank", "chrome")), None)
            if nxt is not None and nxt.kind == "heading" and not nxt.level:
                return nxt.text
            break
    return _first_heading_title(lines)


def _first_heading_title(lines: list[_Line]) -> str | None:
    """The first heading is the document's title when another heading follows it before any body, or when
    it is the page's only level-1 heading."""
    content = [ln for ln in lines if ln.kind not in ("blank", "chrome")]
    if len(content) >= 2 and content[0].kind == "heading" and content[1].kind == "heading":
        others_at_top = any(ln.kind == "heading" and ln.level == 1 for ln in content[1:])
        if content[0].level == 0 or (content[0].level == 1 and not others_at_top):
            content[0].kind = "title"
            return content[0].text
    if content and content[0].kind == "heading" and content[0].level == 1 \
            and not any(ln.kind == "heading" and ln.level == 1 for ln in content[1:]):
        return content[0].text  # a Markdown page's one "# " heading over its intro names it, and stays its section
    return None


# --- section paths ---------------------------------------------------------------------------------

def _parallel(a: str, b: str) -> bool:
    """Headings like 'Xを利用' / 'Yを利用': siblings whose bodies were links, not parent and child."""
    if a in b or b in a:
        return False
    prefix = len(_common_prefix(a, b))
    suffix = len(_common_prefix(a[::-1], b[::-1]))
    return max(prefix, suffix) >= 2


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


#: More headings in a row than a page nests (title, section, subsection) without a line of body: a menu.
_RUN_MAX = 3


def _apply_run(path: list[str], run: list[str]) -> list[str]:
    """Headings that follow one another without body nest; the run replaces as many levels as it has.

    Groups of parallel headings are link lists whose bodies were dropped by the scrape; they are
    leaves, not ancestors, so they do not count as levels.
    """
    kept: list[str] = []
    i = 0
    while i < len(run):
        j = i
        while j + 1 < len(run) and _parallel(run[j], run[j + 1]):
            j += 1
        if j == i:
            kept.append(run[i])
        elif j == len(run) - 1:
            kept.append(run[j])
        i = j + 1
    if not kept:
        kept = run[-1:]
    if len(kept) > _RUN_MAX:
        return kept[-1:]  # a site's menu, one item a line, above the page's heading (the title says which page)
    return path[: max(0, len(path) - len(kept))] + kept


def _passages(lines: list[_Line], text: str, source: str, first_id: int, fmt: str | None = None) -> list[Passage]:
    out: list[Passage] = []
    path: list[str] = []
    md_stack: list[tuple[int, str]] = []
    run: list[str] = []
    guessed = False

    head = ""  # the header of the table whose rows come next: indexed with each (as HTML's are), not quoted
    head_start, rows = 0, 0  # where that header starts; where its table's rows start in ``out``

    def emit(start: int, end: int, kind: str, context: str = "") -> None:
        nonlocal run, path, guessed
        if run:
            path = _apply_run(path, run)
            run, guessed = [], True
        if in_glossary(path) and not DEFINED_TERM.search(text, start, end):
            return  # a glossary's definitions are no facts about the vendor (a contract's defined terms are)
        for s, e in split_long(text, start, end):
            out.append(Passage(first_id + len(out), source, tuple(path), s, e, text[s:e], kind, guessed, format=fmt,
                               context=context))

    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.kind == "chrome" and ln.table_head:
            if head:
                _quote_table(out, rows, head_start, text)
            head, head_start, rows = " | ".join(_cells(ln)), ln.start, len(out)
            i += 1
            continue
        if head and not (ln.kind == "text" and _is_row(ln)) and not ln.in_table \
                and not (ln.kind == "chrome" and _TABLE_RULE.match(ln.text)) and not _names_rows(lines, i):
            _quote_table(out, rows, head_start, text)
            head = ""  # the table ended (its Markdown rule under the header is no end)
        if ln.kind == "text" and head:
            # one row, indexed with its column names ("機能 | スタンダード | …") as HTML's and DOCX's are, and
            # quoted with its table (_quote_table): as a section's paragraph it had been quoted without the
            # header and together with the paragraphs after the table
            emit(ln.start, ln.end, "row", head)
            i += 1
        elif ln.kind == "heading":
            if ln.level:
                while md_stack and md_stack[-1][0] >= ln.level:
                    md_stack.pop()
                md_stack.append((ln.level, ln.text))
                path, run, guessed = [t for _, t in md_stack], [], False
            else:
                if not run and (mark := _heading_mark(ln.text)):
                    # one mark, one depth: "【アクセス管理】" after "■バックアップ" is a sibling of the
                    # "【データの保管】" above them, not a child of it (and of "■" the level below)
                    same = next((n for n, t in enumerate(path) if _heading_mark(t) == mark), None)
                    if same is not None:
                        path = path[:same + 1]
                run.append(ln.text)
            i += 1
        elif ln.kind == "text" and ln.item:
            # a name with its value says all of itself: quoted with its siblings, a questionnaire's cell got the
            # group's seven facts for one
            emit(ln.start, ln.end, "row")
            i += 1
        elif ln.kind == "text":
            j = i
            while j + 1 < len(lines) and lines[j + 1].kind == "text" and _continues(lines[j], lines[j + 1]):
                j += 1
            # "A. すべて日本国内に保管されます。" under its "Q. …" heading: the answer is quoted without its
            # marker, which a questionnaire's cell has no use for
            marker = _FAQ_ANSWER.match(ln.text) if (path or run) and _FAQ_QUESTION.search((run or path)[-1]) else None
            emit(ln.start + (marker.end() if marker and marker.end() < len(ln.text) else 0), lines[j].end, "paragraph")
            i = j + 1
        elif ln.kind == "bullet":
            j = i
            # continuation lines: indented text right under the bullet
            while j + 1 < len(lines) and lines[j + 1].kind == "text" and text[lines[j + 1].start - 1] in " \t":
                j += 1
            emit(ln.body_start, lines[j].end, "bullet")
            i = j + 1
        else:
            i += 1
    if head:
        _quote_table(out, rows, head_start, text)
    return out


def _heading_mark(text: str) -> str:
    """The mark a heading starts with ("■", "【"), or ""."""
    m = _NUMBERED_HEADING.match(text)
    if _CAPS_LABEL.match(text):
        return "CAPS"  # a trust page's "COMPLIANCE", "DATA RESIDENCY": the labels of one level
    if _DATED_ENTRY.match(text) or DATELINE.match(text) or _ENTRY_PREFIX.fullmatch(text):
        return "DATE"  # a news list's entries: each the sibling of the one before
    return m.group("mark") if m and m.group("mark") and text.startswith(m.group("mark")) else ""


#: A label in capitals, two letters or more and no lower case ("FAQ", "DATA RESIDENCY", "SUBPROCESSORS").
_CAPS_LABEL = re.compile(r"^[A-Z][A-Z0-9&/\- ]{1,40}$")


def _names_rows(lines: list[_Line], i: int) -> bool:
    """A heading inside a table, naming the rows right under it ("■認証" over "SAML 2.0によるSSO\t○\t○")."""
    if lines[i].kind != "heading" or lines[i].level:
        return False
    nxt = next((ln for ln in lines[i + 1:] if ln.kind != "blank"), None)
    return nxt is not None and nxt.kind == "text" and _is_row(nxt)


def _quote_table(out: list[Passage], first: int, head_start: int, text: str) -> None:
    """A short table's rows (out[first:]) are quoted as one unit from its header row on, like a list with its
    lead-in: a row quoted alone lost its column names ("IPアドレス制限 × ○ ○": which plan?), and a question
    often asks for two rows ("最小桁数・文字種"). Each row stays a passage of its own for ranking; the
    paragraphs after the table are no part of it. A longer table keeps its rows apart."""
    if first < len(out):
        quote_together(out, first, len(out) - 1, text, start=head_start)


def _continues(line: _Line, nxt: _Line) -> bool:
    """Whether the next line carries on the same paragraph (a wrapped line) rather than a new fact.

    Scraped pages put one fact per line and tables one row per line; quoting them merged gave a reader
    a whole table for one cell. A line that ends its sentence, or a table row, ends its unit.
    """
    if _is_row(line) or _is_row(nxt):
        return False
    if _NOTE.match(nxt.text):
        return True  # a note right under a fact qualifies it ("※製品により仕様が異なります。"): quoted with it
    if _KEY_VALUE.match(line.text) and not _KEY_VALUE.match(nxt.text):
        return False  # "SSO（SAML 2.0）：エンタープライズプランのみ" is a fact whole; the line after it is not its
    if _wide_fact(line.text) or _wide_fact(nxt.text) or _INLINE_QA.search(nxt.text):
        return False  # "登録番号　C24-0417-2" / "登録日　2024年10月15日": each a fact
    return not _SENTENCE_END.search(line.text)
