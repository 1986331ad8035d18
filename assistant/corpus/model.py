"""What the corpus is made of: documents, and the passages that are quoted from them.

A passage is what gets quoted, so its text is always ``document.text[start:end]``; headings are kept as
each passage's section path (for indexing and display) but are never passages themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

#: Passages longer than this are split into sentence groups, so a quote fits a questionnaire cell.
_PASSAGE_MAX_CHARS = 400
_PASSAGE_TARGET_CHARS = 250
_SENTENCE_SPLIT = re.compile(r"(?<=[。．！？!?])|(?<=\.)\s+")

_YMD = r"(?P<y>\d{4})\s*[/年.\-]\s*(?P<m>\d{1,2})\s*[/月.\-]\s*(?P<d>\d{1,2})"
_ISO = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_MDY = r"(?P<m>[A-Z][a-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})"
_DMY = r"(?P<d>\d{1,2})\s+(?P<m>[A-Z][a-z]+)\.?,?\s+(?P<y>\d{4})"
#: A month without its day ("January 2026", "2026年1月"): only where a label says it dates the document.
_MY = r"(?P<m>[A-Z][a-z]+)\.?,?\s+(?P<y>\d{4})(?![\d/\-]|\.\d)"  # ("Version 3.2 — January 2024. For customers…")
_YM_JA = r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)"
#: English labels that date a document: "Last updated:", "Last edited", "Effective date |", "Completed:",
#: "Published:", "Date:" (a label with its colon or table bar: "completed on March 3" may be a fact's date).
_UPDATED_EN = (r"\b(?:(?:last\s+)?(?:updated|revised|modified)(?:\s+on)?\s*[:：]?|last\s+(?:edited|reviewed)(?:\s+(?:on|time))?\s*[:：]?"
               r"|effective(?:\s+date)?\s*[:：|]|(?:date\s+)?completed\s*[:：|]"
               r"|(?:published|issued|release\s+date|version\s+date|document\s+date)\s*[:：|]"
               # a bare "Date:" only opening its line: "Next review date:", "Expiry date:" are no edition's
               r"|(?<![^\n])[ \t]*date\s*[:：|])\s*")
_LABEL_JA = r"(?:最終更新日?|更新日|改訂日|改定日|発行日|公開日|回答日|作成日|記入日|施行日|制定日|発効日)\s*[:：|]?\s*"
_VERSION_EN = r"\bversion\s+\d+(?:\.\d+)*\s*[—–\-,|:]\s*(?:(?:effective|updated|revised|dated)\s+(?:as\s+of\s+|on\s+)?)?"
#: Where a document states its date, most telling first: the date its content is valid for ("2024/4/28 時点",
#: "as of April 28, 2024"), then the date it was last updated, revised or issued on ("最終更新日：2025年10月1日",
#: "最終改定：2025年1月10日", "2021年8月9日に最終更新されています", "Last updated: June 12, 2025", "Effective
#: date | January 15, 2026", "Version 4.0 — January 2026"). Within each kind the latest date wins:
#: "制定：2019年4月1日　最終改定：2025年1月10日" and a revision history are valid from their last revision.
#: A month without its day is given as YYYY-MM.
_VALID_AS_OF = [re.compile(p, re.I) for p in (
    _YMD + r"\s*日?\s*(?:時点|現在)",
    r"\bas of\s+" + _ISO,
    r"\bas of\s+" + _MDY,
    r"\bas of\s+" + _DMY,
)]
#: ... or a month only (「（2025年1月現在）」 under a plan table, "as of January 2025"), weaker than a label's
#: day: 「委託先一覧（2025年4月時点）」 in a policy revised on 2025年4月1日 dates a list, and so does the label
_VALID_MONTH = [re.compile(p, re.I) for p in (
    _YM_JA + r"\s*(?:時点|現在)",
    r"\bas of\s+(?P<m>[A-Z][a-z]+)\s+(?P<y>\d{4})\b",
)]
_UPDATED_ON = [re.compile(p, re.I) for p in (
    _LABEL_JA + _YMD,
    _LABEL_JA + _YM_JA,
    r"(?:最終(?:改訂|改定)|改訂|改定)\s*[:：]\s*" + _YMD,
    _YMD + r"\s*日?(?:\s*\d{1,2}:\d{2})?\s*に?\s*(?:最終)?(?:更新|改訂|改定|発行|公開|制定|施行)",  # ("2024年12月2日 9:00 更新")
    _YM_JA + r"\s*(?:版|改訂|改定|発行|更新)",
    r"第\s*\d{1,3}(?:\.\d{1,3})*\s*版\s*[（(]?\s*" + _YMD,  # "第2.1版（2026年9月1日）"
    r"\bVersion\s+\d{1,3}(?:\.\d{1,3})*,?\s+effective\s+(?:as\s+of\s+)?" + _DMY,  # "(Version 4.2, effective 1 February 2024)"
    r"\bVersion\s+\d{1,3}(?:\.\d{1,3})*,?\s+effective\s+(?:as\s+of\s+)?" + _MDY,
    r"\b(?:version|ver\.|rev\.)\s*\d{1,3}(?:\.\d{1,3})*\s*[（(]\s*" + _YMD,
    _UPDATED_EN + _ISO,
    _UPDATED_EN + _YMD,
    _UPDATED_EN + _MDY,
    _UPDATED_EN + _DMY,
    _UPDATED_EN + _MY,
    _VERSION_EN + _MDY,
    _VERSION_EN + _MY,
)]
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split())



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
    #: The unit this passage belongs to (a short list with its lead-in, or a short section's paragraphs),
    #: quoted whole when the passage is cited: ranked on its own, a part keeps its sharp match; quoted
    #: alone, it lost its lead-in or its neighbour.
    unit_start: int | None = None
    unit_end: int | None = None
    unit_text: str = ""

    @property
    def quote_text(self) -> str:
        return self.unit_text or self.text

    @property
    def quote_start(self) -> int:
        return self.start if self.unit_start is None else self.unit_start

    @property
    def quote_end(self) -> int:
        return self.end if self.unit_end is None else self.unit_end

    def index_text(self) -> str:
        """What is embedded and searched: a passage means little without its headings.

        Ancestors whose nesting was only guessed are left out: a wrong guess (監査ログ under
        データの暗号化) made encryption questions find audit-log passages. On the evaluation set the
        leaf heading alone raised hybrid top-1 from 0.859 to 0.891 over the whole guessed path.
        """
        section = self.section[-1:] if self.nesting_guessed else self.section
        head = "\n".join(t for t in (" › ".join(section), self.context) if t)
        return f"{head}\n{self.text}" if head else self.text


#: A quote unit (a list with its lead-in, a short section) stays a quote a reader takes in at once.
UNIT_MAX_CHARS = 400
#: A paragraph that introduces the list under it: "次の期限内に修正します。", "対象は以下のとおりです：", "as follows:".
_LEAD_IN = re.compile(r"[:：]\s*$|(?:次の|以下の|下記の|次のとおり|以下のとおり)|\b(?:following|as follows|include|includes)\b", re.I)


#: What may stand between two items of one list: white space and list markers.
_BETWEEN_ITEMS = re.compile(r"^(?:\s|[•・●◦▪■□◆◇○\-*+‣⁃]|\d{1,3}[.)]|[（(]\d{1,3}[)）])*$")


def _adjacent(text: str, a: Passage, b: Passage) -> bool:
    return a.section == b.section and a.page == b.page and bool(_BETWEEN_ITEMS.match(text[a.end:b.start]))


def mark_lists(passages: list[Passage], text: str) -> list[Passage]:
    """A list of short facts is quoted as one unit with its lead-in: quoting a lone item ("緊急：7日以内")
    or its lead-in ("…次の期限内に修正します。") alone answered half a question, and ranking them as rivals
    put the wrong one first, because the lead-in holds the question's words and the item its answer.
    Consecutive items of one section (nothing but white space and list markers between them), with the
    paragraph right before them when it introduces them, share one quote span while it stays within
    UNIT_MAX_CHARS; longer lists keep their items apart. Each member stays a passage of its own for
    ranking (retrieve.py keeps the best one per unit); only the quote is the unit."""
    out = list(passages)
    i = 0
    while i < len(out):
        p = out[i]
        if p.kind != "bullet":
            i += 1
            continue
        j = i
        while j + 1 < len(out) and out[j + 1].kind == "bullet" and _adjacent(text, out[j], out[j + 1]):
            j += 1
        first = i - 1 if i and out[i - 1].kind == "paragraph" and _adjacent(text, out[i - 1], p) and \
            _LEAD_IN.search(out[i - 1].text) else i
        if first < i or j > i:
            quote_together(out, first, j, text)
        i = j + 1
    return out


def quote_together(out: list[Passage], first: int, last: int, text: str, start: int | None = None) -> None:
    """Passages first..last share one quote span, from START (default: the first's own start; a table's
    rows start at their header row), when it stays within UNIT_MAX_CHARS."""
    start, end = out[first].start if start is None else start, out[last].end
    if end - start <= UNIT_MAX_CHARS:
        for n in range(first, last + 1):
            out[n] = replace(out[n], unit_start=start, unit_end=end, unit_text=text[start:end])


#: A numbered footnote's mark: "※1", "*2", "注3", "¹".
_FOOTNOTE = re.compile(r"\s*(?:[※＊*]\s*\d{1,2}|注\s*\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹])(?![\d.,])")


def mark_sections(passages: list[Passage], text: str) -> list[Passage]:
    """A short section's paragraphs are quoted as one unit, like a list's items: under one heading they
    say one thing in parts ("一般ユーザーは任意…" / "管理者は必須です。"), and ranked as rivals the part
    holding the question's words beat the part holding its answer. Consecutive paragraphs of one section
    (outside any list unit) share one quote span when all of them together stay within
    UNIT_MAX_CHARS; a longer section keeps its paragraphs apart, so a page of one-line facts is not
    quoted a screenful at a time. Each stays a passage of its own for ranking.

    On the training corpora (eval/train, 1,184 answerable questions) this raised retrieval top-1 from
    1,001 to 1,025 and answered-right from 531 to 582 (wrong 45 -> 47); a greedy split of longer sections
    into 400-character chunks gained a little more (1,033) but quoted unrelated facts together."""
    out = list(passages)

    def free(p: Passage) -> bool:
        # a numbered footnote ("※1 AWSのデータセンターは…") speaks of its marker's sentence, wherever that is:
        # quoted with the section above it, it had read as the vendor's own certification
        return p.kind == "paragraph" and p.unit_start is None and not _FOOTNOTE.match(p.text)

    i = 0
    while i < len(out):
        if not free(out[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(out) and free(out[j + 1]) and _adjacent(text, out[j], out[j + 1]):
            j += 1
        if j > i:
            quote_together(out, i, j, text)
        i = j + 1
    return out


def mark_units(passages: list[Passage], text: str) -> list[Passage]:
    """Quote units: short lists with their lead-in, then short sections' paragraphs."""
    return mark_sections(mark_lists(passages, text), text)


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


_DATELINE = re.compile(r"^[ \t]*" + _YMD + r"\s*日?(?:[ \t\u3000]+[^\s\d。.]{1,10})?[ \t]*$", re.M)
_DATELINE_WITHIN = 15
#: Any date, or month: in a check sheet's title lines ("Vendor Security Assessment (completed 12 Sep 2023)",
#: 「2024年5月回答版」) a date dates the sheet, where in a document's body it may be a fact's.
_ANY_DATE = [re.compile(p, re.I) for p in (_YMD, _MDY, _DMY, _YM_JA, _MY)]


#: A year in a file's name ("2024年度_セキュリティチェックシート回答.csv", "questionnaire-FY2024.xlsx").
_NAME_YEAR = re.compile(r"(?<![\dx×])(?:FY\s?)?(?P<y>20[0-3]\d)(?:\s*年度?)?(?![\dx×])", re.I)


def name_as_of(name: str) -> str | None:
    """The date a file's name gives ("answers_2024-05-10" -> 2024-05-10, "2024年度_回答" -> 2024), for a check
    sheet whose title states none: last year's answers, named by their year."""
    stem = re.sub(r"[_]+", " ", name)
    compact = re.search(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)", stem)
    if compact and 1 <= int(compact[2]) <= 12 and 1 <= int(compact[3]) <= 31:
        return f"{compact[1]}-{compact[2]}-{compact[3]}"
    return find_as_of(stem, titles=True)


def find_as_of(text: str, titles: bool = False) -> str | None:
    """The date the document says its content is valid for, or else the date it says it was last updated on
    (the latest of each kind); with ``titles`` (the text is title lines), else any date or month in it, else
    a year."""
    for patterns in (_VALID_AS_OF, _UPDATED_ON, _VALID_MONTH) + ((_ANY_DATE,) if titles else ()):
        dates = [d for pattern in patterns for m in pattern.finditer(text) if (d := _iso_date(m))]
        if dates:
            return max(dates)
    if not titles:
        # a page's dateline at its top, a date alone or with its category ("2024.05.10 お知らせ" over a press
        # release): the first lines only, where the body's dates (a registration's, an incident's) are not
        head = "\n".join(text.splitlines()[:_DATELINE_WITHIN])
        dates = [d for m in _DATELINE.finditer(head) if (d := _iso_date(m))]
        if dates:
            return max(dates)
    if titles:  # a year alone: 「セキュリティチェックシート（2024年度回答）」, "Vendor Questionnaire FY2024"
        years = [m["y"] for m in _NAME_YEAR.finditer(text)]
        return max(years) if years else None
    return None


def _iso_date(m: re.Match) -> str | None:
    # a month's name or its abbreviation, not any word that starts like one ("Marketing 2024")
    mo = int(m["m"]) if m["m"].isdigit() else _MONTHS.get(m["m"][:3].lower()) if m["m"].lower() in _MONTH_NAMES \
        else None
    y = int(m["y"])
    if mo is None or not 1 <= mo <= 12:
        return None
    day = m.groupdict().get("d")
    if day is None:
        return f"{y:04d}-{mo:02d}"
    return f"{y:04d}-{mo:02d}-{int(day):02d}" if 1 <= int(day) <= 31 else None


def split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
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

