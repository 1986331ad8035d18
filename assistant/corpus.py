"""Documents -> passages: the only place that knows how text files are laid out.

A passage is what gets quoted, so its text is always ``document.text[start:end]``; headings are kept as
each passage's section path (for indexing and display) but are never passages themselves.

HTML, PDF, DOCX and answered check sheets (xlsx/csv) are read by ``readers`` into blocks; their
passages count offsets in the document's *extracted text* (``Document.text``), which the index keeps.

Scraped web pages come with chrome (sign-up banners, like counters, an English footer on a Japanese
page). It is dropped by structure, never by matching particular strings: lines that are only numbers,
and lines outside the document's main script before its first and after its last body text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import readers
from .config import display_path
from .errors import CorpusError

log = logging.getLogger(__name__)

PLAIN_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = PLAIN_SUFFIXES + readers.SUFFIXES
#: Longest line that can be a heading in a plain-text document.
_HEADING_MAX_CHARS = 60
#: Passages longer than this are split into sentence groups, so a quote fits a questionnaire cell.
_PASSAGE_MAX_CHARS = 400
_PASSAGE_TARGET_CHARS = 250

_BULLET = re.compile(r"^(\s*)([•・●◦▪■□◆◇○\-\*\+‣⁃]|\d{1,3}[.)]|[（(]\d{1,3}[)）])\s*")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED_HEADING = re.compile(
    r"^(?:(?P<chapter>第[0-9０-９一二三四五六七八九十]+(?P<unit>[章節項]))|(?P<number>\d{1,2}(?:\.\d{1,2})*\.?)(?=\s|[^\d.])"
    r"|(?P<mark>[■◆□◇]|【))\s*\S"
)
_RULE = re.compile(r"^([=\-*_])(?:\s*\1){2,}$")
#: A table row as scraped or written in Markdown: cells between pipes, or two or more tab-separated cells.
_TABLE_ROW = re.compile(r"\s\|(?:\s|$)|^\|\s|\S\t+\S")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_NUMBERS_ONLY = re.compile(r"^[\d\s.,:/\-]+$")
_SENTENCE_END = re.compile(r"[。．！？!?]$|[.](?!\d)$")
_SENTENCE_SPLIT = re.compile(r"(?<=[。．！？!?])|(?<=\.)\s+")
#: Kana and kanji: what tells Japanese text (and a Japanese question) apart.
from .script import CJK  # noqa: E402,F401  (one pattern, re-exported)
_LATIN = re.compile(r"[A-Za-z]")

_AS_OF_JA = re.compile(r"(\d{4})\s*[/年.\-]\s*(\d{1,2})\s*[/月.\-]\s*(\d{1,2})\s*日?\s*(?:時点|現在)")
_AS_OF_ISO = re.compile(r"\bas of\s+(\d{4})-(\d{1,2})-(\d{1,2})", re.I)
_AS_OF_EN = re.compile(r"\bas of\s+([A-Z][a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", re.I)
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


@dataclass(frozen=True)
class Passage:
    id: int
    source: str
    section: tuple[str, ...]
    start: int
    end: int
    text: str
    kind: str  # "paragraph" | "bullet" | "row" (a table row, or a check sheet's answer)
    #: True when the section path was inferred from bare heading lines rather than marked levels
    nesting_guessed: bool = False
    page: int | None = None  # 1-based, PDF
    sheet: str | None = None  # spreadsheets
    row: int | None = None  # 1-based, spreadsheets
    format: str | None = None  # txt | md | html | pdf | docx | xlsx | csv
    #: Indexed with the passage but not quoted: a table row's header, a check sheet row's question.
    context: str = ""

    def index_text(self) -> str:
        """What is embedded and searched: a passage means little without its headings.

        Ancestors whose nesting was only guessed are left out: a wrong guess (監査ログ under
        データの暗号化) made encryption questions find audit-log passages. On the evaluation set the
        leaf heading alone raised hybrid top-1 from 0.859 to 0.891 over the whole guessed path.
        """
        section = self.section[-1:] if self.nesting_guessed else self.section
        head = "\n".join(t for t in (" › ".join(section), self.context) if t)
        return f"{head}\n{self.text}" if head else self.text


@dataclass
class Document:
    source: str
    path: Path
    text: str
    sha256: str
    title: str | None = None
    as_of: str | None = None
    passages: list[Passage] = field(default_factory=list)
    format: str = "txt"
    #: True when ``text`` was extracted (HTML, PDF ...) rather than being the file's own content.
    extracted: bool = False


@dataclass
class Corpus:
    folder: Path
    documents: list[Document]
    warnings: list[str]

    @property
    def passages(self) -> list[Passage]:
        return [p for d in self.documents for p in d.passages]


def corpus_files(folder: Path) -> list[Path]:
    """The files that make up a corpus, in a stable order (hashing and ids depend on it)."""
    if not folder.is_dir():
        raise CorpusError(
            f"corpus folder {folder} does not exist: create it with documents (.txt, .md, .html, .pdf, .docx, "
            "answered .xlsx/.csv check sheets) "
            "or point ASSISTANT_CORPUS at one"
        )
    root = folder.resolve()
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.name.lower() != "readme.md"
        # a symlink to a file outside the folder would let /source serve any file the server can read
        and p.resolve().is_relative_to(root)
    )


def read_text(path: Path) -> str:
    """Decode as Python's ``open(path, encoding="utf-8").read()`` would, so offsets match what readers see."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise CorpusError(f"{path}: binary file (contains NUL bytes), skipped")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-save it as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CorpusError(f"{path}: empty file, skipped")
    return text


def read_document(path: Path, first_id: int = 0) -> Document:
    """One file -> a Document with its passages; CorpusError when it cannot be read."""
    if path.suffix.lower() in PLAIN_SUFFIXES:
        return parse_document(path, read_text(path), first_id=first_id)
    return parse_blocks(path, readers.read(path), first_id=first_id)


def document_text(path: Path, index_root: Path | None = None) -> str:
    """The text a document's citations count offsets in, what ``assistant text PATH`` prints.

    When the served index holds the document built from these very bytes (or the file is gone), that
    is the text the index keeps; otherwise the file is read now, by the same readers the index uses.
    CorpusError when it cannot be read.
    """
    from .config import get_settings

    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise CorpusError(key="corpus.text.not_document", file=str(path), suffixes=", ".join(SUFFIXES))
    stored = _indexed_text(path, index_root or get_settings().index)
    if stored is not None:
        return stored
    if not path.exists():
        raise CorpusError(key="corpus.unreadable", file=str(path), why="no such file")
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


def load_corpus(folder: Path, progress: bool = False) -> Corpus:
    """Read every document; unreadable ones are skipped with a warning, the rest still count."""
    documents: list[Document] = []
    warnings: list[str] = []
    next_id = 0
    files = corpus_files(folder)
    bar = None
    if progress and len(files) > 1:
        import sys

        from tqdm import tqdm

        bar = tqdm(files, desc="reading", unit="doc", file=sys.stderr, leave=False)
    for path in bar if bar is not None else files:
        if bar is not None:
            bar.set_postfix_str(path.name[-40:])
        try:
            doc = read_document(path, first_id=next_id)
        except CorpusError as exc:
            warnings.append(str(exc))
            log.warning("%s", exc)
            continue
        if not doc.passages:
            msg = f"{path}: no passages found (only headings or boilerplate), skipped"
            warnings.append(msg)
            log.warning("%s", msg)
            continue
        next_id += len(doc.passages)
        documents.append(doc)
    if not documents:
        detail = "; ".join(warnings) if warnings else "no .txt, .md, .html, .pdf, .docx, .xlsx or .csv files"
        raise CorpusError(f"no readable documents in {folder} ({detail}); add documents such as UTF-8 .txt/.md, "
                          ".html, .pdf (with a text layer), .docx, or answered .xlsx/.csv check sheets")
    return Corpus(folder=folder, documents=documents, warnings=warnings)


def parse_document(path: Path, text: str, first_id: int = 0) -> Document:
    source = display_path(path)
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    doc = Document(source=source, path=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), format=fmt)
    doc.as_of = find_as_of(text)
    lines = _classify(text, markdown=path.suffix.lower() in (".md", ".markdown"))
    _drop_chrome(lines, _main_script_is_cjk(text))
    doc.title = _take_title(lines)
    doc.passages = _passages(lines, text, source, first_id, fmt)
    return doc


def parse_blocks(path: Path, extracted: readers.Extracted, first_id: int = 0) -> Document:
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
    for i, (b, (s, e)) in enumerate(zip(blocks, spans)):
        if b.kind == "heading":
            if i != title_at:
                while stack and stack[-1][0] >= b.level:
                    stack.pop()
                stack.append((b.level, b.text))
            continue
        if b.kind == "header":
            continue
        qs, qe = (s + b.quote[0], s + b.quote[1]) if b.quote else (s, e)
        kind = {"bullet": "bullet", "row": "row"}.get(b.kind, "paragraph")
        pieces = [(qs, qe)] if b.kind == "row" else _split_long(text, qs, qe)
        for ps, pe in pieces:
            if pe <= ps:
                continue
            out.append(Passage(first_id + len(out), source, tuple(t for _, t in stack), ps, pe, text[ps:pe], kind,
                               page=b.page, sheet=b.sheet, row=b.row, format=extracted.format, context=b.context))
    doc.passages = out
    return doc


def find_as_of(text: str) -> str | None:
    """The date the document says its content is valid for ("2024/4/28 時点", "as of April 28, 2024")."""
    if m := _AS_OF_JA.search(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _AS_OF_ISO.search(text):
        y, mo, d = (int(g) for g in m.groups())
    elif (m := _AS_OF_EN.search(text)) and m.group(1)[:3].lower() in _MONTHS:
        y, mo, d = int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2))
    else:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


# --- line classification -------------------------------------------------------------------------

@dataclass
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # stripped content (for headings: without the markup)
    kind: str  # blank | heading | bullet | text | chrome
    level: int = 0  # markdown heading level, 0 when unknown
    body_start: int = 0  # bullets: where the content starts after the marker


def _classify(text: str, markdown: bool) -> list[_Line]:
    raw = []
    pos = 0
    for line in text.split("\n"):
        raw.append((pos, line))
        pos += len(line) + 1
    has_md_headings = any(_MD_HEADING.match(line) for _, line in raw)
    lines: list[_Line] = []
    in_fence = False
    for i, (offset, line) in enumerate(raw):
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        start, end = offset + lead, offset + lead + len(stripped)
        if stripped.startswith("```"):
            in_fence = not in_fence
            lines.append(_Line(start, end, stripped, "chrome"))
            continue
        if not stripped:
            lines.append(_Line(start, end, "", "blank"))
            continue
        if in_fence:
            lines.append(_Line(start, end, stripped, "text"))
            continue
        if _TABLE_RULE.match(stripped) and "|" in stripped:
            # a Markdown table's rule: the row above is the header, which labels columns, not a fact
            if lines and lines[-1].kind == "text" and _TABLE_ROW.search(lines[-1].text):
                lines[-1].kind = "chrome"
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
            if m := _MD_HEADING.match(line):
                lines.append(_Line(start, end, m.group(2).strip(), "heading", level=len(m.group(1))))
                continue
        if _NUMBERS_ONLY.match(stripped) and len(stripped) <= 12:
            lines.append(_Line(start, end, stripped, "chrome"))
            continue
        if not has_md_headings and (m := _NUMBERED_HEADING.match(stripped)) and _stands_alone(stripped, raw, i):
            # "2.1 アクセス制御", "第3章 暗号化", "■ 認証", "【ログ管理】": the numbering gives the level
            lines.append(_Line(start, end, stripped, "heading", level=_numbered_level(m)))
            continue
        if m := _BULLET.match(line):
            if m.end() < len(line.rstrip()):
                lines.append(_Line(start, end, stripped, "bullet", body_start=offset + m.end()))
                continue
        if not has_md_headings and _looks_like_heading(stripped, raw, i):
            lines.append(_Line(start, end, stripped, "heading"))
            continue
        lines.append(_Line(start, end, stripped, "text"))
    if not has_md_headings:
        _promote_labels(lines)
    return lines


_LABEL_MAX_CHARS = 40
_FAQ_QUESTION = re.compile(r"[?？]\s*$")
#: A page's table of contents title: structure, not a section of its own.
_TOC_TITLE = re.compile(r"^(?:目次|もくじ|contents|table of contents|on this page|このページの内容)$", re.I)
#: An image's caption or alt text left in the scrape ("…画面のイメージ", "Screenshot of …"): no fact.
_CAPTION = re.compile(r"(?:の|な)(?:イメージ|画像|スクリーンショット|イメージ図)$|^(?:image|screenshot|figure)\s*(?:of|:)", re.I)
_LABEL_MAX_WORDS = 8
_EMPTY_CELLS = re.compile(r"^[|\s]*[^|]*[|\s]*$")
_HIRAGANA_START = re.compile(r"^[\u3041-\u309f、。ー]")


_HEADER_CELL_MAX_CHARS = 8


def _is_table_header(lines: list[_Line], content: list[int], pos: int) -> bool:
    """The first of several table rows, every cell a short label: column names, not a fact."""
    ln = lines[content[pos]]
    if not _TABLE_ROW.search(ln.text) or pos + 1 >= len(content):
        return False
    if pos and _TABLE_ROW.search(lines[content[pos - 1]].text):
        return False
    if not _TABLE_ROW.search(lines[content[pos + 1]].text):
        return False
    cells = [c.strip() for c in re.split(r"\||\t", ln.text) if c.strip()]
    return len(cells) >= 2 and all(len(c) <= _HEADER_CELL_MAX_CHARS and not any(ch.isdigit() for ch in c) for c in cells)


def _promote_labels(lines: list[_Line]) -> None:
    """Scraped pages lose their markup: a heading is a short label line right above its body.

    A label is short, not a sentence, and follows the end of something (a blank line, a sentence, a
    table row); the line after it starts a sentence of its own (upper case, not a hiragana
    continuation), so a wrapped line is never taken for one. A table row with one filled cell has lost
    its value in the scrape and is no fact to quote.
    """
    content = [i for i, ln in enumerate(lines) if ln.kind != "blank"]
    for pos, i in enumerate(content):
        ln = lines[i]
        if ln.kind in ("text", "heading") and _TOC_TITLE.match(ln.text.strip()):
            ln.kind = "chrome"
            continue
        if ln.kind != "text":
            continue
        if len(ln.text) <= _HEADING_MAX_CHARS and not _SENTENCE_END.search(ln.text) and _CAPTION.search(ln.text):
            ln.kind = "chrome"
            continue
        if _is_table_header(lines, content, pos):
            ln.kind = "chrome"
            continue
        if "|" in ln.text and _EMPTY_CELLS.match(ln.text):
            ln.kind = "chrome"
            continue
        if pos + 1 < len(content) and _FAQ_QUESTION.search(ln.text) and len(ln.text) <= _HEADING_MAX_CHARS * 2 \
                and lines[content[pos + 1]].kind in ("text", "bullet"):
            ln.kind = "heading"  # an FAQ's question titles its answer; quoting it answers nothing
            continue
        if pos + 1 >= len(content) or len(ln.text) > _LABEL_MAX_CHARS or _SENTENCE_END.search(ln.text):
            continue
        if _TABLE_ROW.search(ln.text) or ln.text[0] in "※*注(（「『\"'" or "。" in ln.text or "、" in ln.text:
            continue
        if not CJK.search(ln.text) and (len(ln.text.split()) > _LABEL_MAX_WORDS or not ln.text[0].isupper()):
            continue
        prev = lines[content[pos - 1]] if pos else None
        nxt = lines[content[pos + 1]]
        after_blank = prev is None or content[pos - 1] != i - 1
        if not (after_blank or prev.kind in ("heading", "bullet", "chrome", "title")
                or _SENTENCE_END.search(prev.text) or _TABLE_ROW.search(prev.text)):
            continue
        if nxt.kind not in ("text", "bullet", "heading") or _HIRAGANA_START.match(nxt.text):
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


def _numbered_level(m: re.Match) -> int:
    if m.group("chapter"):
        return {"章": 1, "節": 2, "項": 3}[m.group("unit")]
    if m.group("number"):
        return m.group("number").rstrip(".").count(".") + 1
    return 0  # ■ / 【】: a heading, level unknown


def _looks_like_heading(stripped: str, raw: list[tuple[int, str]], i: int) -> bool:
    """A short line that is not a sentence and stands alone (blank line or end of file after it)."""
    if len(stripped) > _HEADING_MAX_CHARS or _SENTENCE_END.search(stripped):
        return False
    if stripped[0] in "※*注(（「『\"'" or "。" in stripped:
        return False
    nxt = raw[i + 1][1].strip() if i + 1 < len(raw) else ""
    return not nxt


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
    for i, ln in enumerate(lines):
        if (i < first or i > last) and ln.kind not in ("blank", "chrome") and not _in_main_script(ln, cjk_doc):
            ln.kind = "chrome"


def _take_title(lines: list[_Line]) -> str | None:
    """The first heading is the document's title when another heading follows it before any body."""
    content = [ln for ln in lines if ln.kind not in ("blank", "chrome")]
    if len(content) >= 2 and content[0].kind == "heading" and content[1].kind == "heading":
        others_at_top = any(ln.kind == "heading" and ln.level == 1 for ln in content[1:])
        if content[0].level == 0 or (content[0].level == 1 and not others_at_top):
            content[0].kind = "title"
            return content[0].text
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
    return path[: max(0, len(path) - len(kept))] + kept


def _passages(lines: list[_Line], text: str, source: str, first_id: int, fmt: str | None = None) -> list[Passage]:
    out: list[Passage] = []
    path: list[str] = []
    md_stack: list[tuple[int, str]] = []
    run: list[str] = []
    guessed = False

    def emit(start: int, end: int, kind: str) -> None:
        nonlocal run, path, guessed
        if run:
            path = _apply_run(path, run)
            run, guessed = [], True
        for s, e in _split_long(text, start, end):
            out.append(Passage(first_id + len(out), source, tuple(path), s, e, text[s:e], kind, guessed, format=fmt))

    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.kind == "heading":
            if ln.level:
                while md_stack and md_stack[-1][0] >= ln.level:
                    md_stack.pop()
                md_stack.append((ln.level, ln.text))
                path, run, guessed = [t for _, t in md_stack], [], False
            else:
                run.append(ln.text)
            i += 1
        elif ln.kind == "text":
            j = i
            while j + 1 < len(lines) and lines[j + 1].kind == "text" and _continues(lines[j], lines[j + 1]):
                j += 1
            emit(ln.start, lines[j].end, "paragraph")
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
    return out


def _continues(line: _Line, nxt: _Line) -> bool:
    """Whether the next line carries on the same paragraph (a wrapped line) rather than a new fact.

    Scraped pages put one fact per line and tables one row per line; quoting them merged gave a reader
    a whole table for one cell. A line that ends its sentence, or a table row, ends its unit.
    """
    if _TABLE_ROW.search(line.text) or _TABLE_ROW.search(nxt.text):
        return False
    return not _SENTENCE_END.search(line.text)


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an over-long passage into sentence groups; offsets stay exact."""
    if end - start <= _PASSAGE_MAX_CHARS:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _SENTENCE_SPLIT.finditer(text, start, end):
        if m.start() > pos:
            pieces.append((pos, m.start()))
            pos = m.start()
    if pos < end:
        pieces.append((pos, end))
    groups: list[tuple[int, int]] = []
    for s, e in pieces:
        if groups and (e - groups[-1][0]) <= _PASSAGE_TARGET_CHARS:
            groups[-1] = (groups[-1][0], e)
        else:
            groups.append((s, e))
    trimmed = []
    for s, e in groups:
        seg = text[s:e]
        s2 = s + (len(seg) - len(seg.lstrip()))
        e2 = e - (len(seg) - len(seg.rstrip()))
        if e2 > s2:
            trimmed.append((s2, e2))
    return trimmed
