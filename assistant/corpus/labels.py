"""Lines that label a page or point elsewhere instead of stating anything, in any format.

A scraped page, a saved HTML page, a printed PDF and a Word file all carry them: the page's article number
or date, the document's edition ("第3.2版（2025年4月1日改定）", "Version 2.1"), breadcrumb trails, and link
texts ("詳しくはこちら", "Read more"). None is a fact to quote or a section to cite. They are told by
their form (a label and a number, a link's words standing alone), never by a site's own strings.
"""

from __future__ import annotations

import re

_DATE = (r"\d{4}\s*[/年.\-]\s*\d{1,2}\s*[/月.\-]\s*\d{1,2}\s*日?|\d{4}\s*年\s*\d{1,2}\s*月|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|"
         r"\d{1,2}\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{4}|\d{4}-\d{2}-\d{2}")
_ASIDE = r"(?:\s*[（(][^()（）]{1,24}[)）])?"
#: A line that only labels the page: its article number or date ("記事番号：HC-0412", "最終更新日: 2024年11月5日").
PAGE_LABEL = re.compile(
    r"^(?:(?![^\s:：]*(?:登録|認証|認定|許可|届出))[^\s:：]{1,8}(?:番号|ID|No\.?)|Article\s+(?:ID|No\.?)|(?:最終)?更新(?:日時|日)?|公開日|投稿日|作成日|"
    r"(?:最終)?改[定訂]日|制定日|発行日|施行日|"
    r"(?:Last\s+)?(?:updated|modified|published|revised)|Effective(?:\s+date|\s+as\s+of|\s+from)?|"
    r"(?:Valid|Current|Accurate)\s+as\s+of|As\s+of)\s*[:：]?\s*"
    r"(?:[A-Za-z]{0,6}[-_]?\d[\d\-_/.]*|(?:" + _DATE + r")(?:\s*\d{1,2}:\d{2})?)" + _ASIDE + r"$", re.I)
#: A page's dateline: its date and category ("2024.05.10 お知らせ", "2025/03/01 Press") above a news item's
#: title; in a page's body the same form heads an entry of its own ("2025年2月18日　SSOログイン不可").
DATELINE = re.compile(r"^(?:" + _DATE + r")[ \t\u3000]+[^\s\d。.、,]{1,10}$")
#: The document's edition, after its name or alone: "株式会社○○ 第3.2版（2025年4月1日改定）", "Version 2.1
#: (April 2025)", "Rev. 4", "2025年4月1日改定". An English one opens its line ("Minimum TLS Version 1.2" is a fact).
_AND_DATE = r"(?:\s*[-–—|,/]?\s*(?:(?:effective|updated|revised|dated)\s+(?:as\s+of\s+|on\s+)?)?(?:" + _DATE + r"))?"
EDITION = re.compile(
    r"(?:^|\s|　)第\s*\d{1,3}(?:\.\d{1,3})*\s*版" + _AND_DATE + _ASIDE + r"$"
    r"|^(?:Version|Ver\.|Rev\.|Revision)\s*\d{1,3}(?:\.\d{1,3})*" + _AND_DATE + _ASIDE + r"$"
    r"|^(?:" + _DATE + r")\s*(?:改[定訂]|制定|発行|施行|版|現在|更新)" + _ASIDE + r"$")
#: A breadcrumb trail: three or more short steps between arrows ("ホーム ＞ 製品 ＞ セキュリティ").
BREADCRUMB = re.compile(r"^[^>＞›»。]{1,30}(?:\s*[>＞›»]\s*[^>＞›»。]{1,40}){2,}$")
#: ... or one that starts at the site's top, however short, arrows or spaced slashes between ("TOP ＞
#: プライバシーポリシー", "TOP / 料金プラン / 機能一覧"): it had headed every section's path of its page.
ROOT_CRUMB = re.compile(r"^(?:TOP|Top|HOME|Home|ホーム|トップ(?:ページ)?)(?:\s*[>＞›»]\s*[^>＞›»。]{1,40}"
                        r"|(?:\s+[/／]\s+[^/／。]{1,40})+)$")
#: A trail of two steps ("Trust Center > Security"): one only above a page's first sentence (text.py), since
#: a line in the body may name a screen so ("Settings > Audit log").
TWO_STEP_CRUMB = re.compile(r"^[^>＞›»。.!?！？]{1,30}\s[>＞›»]\s[^>＞›»。.!?！？]{1,40}$")
#: A link's text standing alone: it says where to click ("詳しくはこちら", "資料請求はこちらから →",
#: "Read more", "Learn more about SSO"), not what is so.
LINK_TEXT = re.compile(
    r"^[^。．.!！?？]{0,14}こちら(?:から|へ|まで|を(?:ご覧|クリック|参照)[^。]{0,8})?\s*[→›>＞»]?\s*$"
    r"|^(?:read|learn|see|view|find out)\s+more\b[^.!?]{0,30}$|^click here\b[^.!?]{0,30}$"
    # a call to action ending in its arrow: "Request audit reports →", "資料をダウンロード →"
    r"|^[^。．.!！?？\n]{1,40}\s[→»]$"
    # a search box's placeholder: "キーワードで検索", "Search the help center"
    r"|^(?:キーワード|フリーワード|サイト内|ヘルプ(?:センター)?内|記事)\s*(?:で|を|から)?\s*検索(?:する)?$"
    r"|^search(?:\s+(?:the\s+)?(?:help\s*center|site|articles|docs|documentation|knowledge\s*base))?(?:\.{3}|…)?$"
    # a skip link, the first line of many scraped pages: "Skip to main content", "本文へスキップ"
    r"|^skip\s+to\s+(?:the\s+)?(?:main\s+)?(?:content|navigation|search)$"
    r"|^(?:メイン)?(?:コンテンツ|本文)(?:へ|に)?(?:スキップ|移動)(?:する)?$"
    # a mobile menu's button: "Menu", 「メニュー」
    r"|^(?:menu|メニュー|≡|☰)$", re.I)
#: A page's feedback widget: a question with its yes and no buttons ("この記事は役に立ちましたか？ はい いいえ",
#: "Was this article helpful? Yes No"), or its tally ("34人中29人がこの記事が役に立ったと言っています").
#: A feedback widget's yes and no buttons ("はい いいえ", "[Yes] / [No]").
_BUTTONS = r"[［\[(（]?\s*(?:はい|yes)\s*[］\])）]?\s*[|/／・,、]?\s*[［\[(（]?\s*(?:いいえ|no)\s*[］\])）]?"
FEEDBACK = re.compile(
    r"[?？]\s*" + _BUTTONS + r"\s*$"
    r"|^\d+\s*人中\s*\d+\s*人が|^\d+\s+(?:out\s+)?of\s+\d+\s+(?:people\s+|users\s+)?found\s+this\b", re.I)
#: The same widget over two lines: its question about the page itself ("Was this article helpful?",
#: "この記事は役に立ちましたか？"), its buttons alone ("Yes No", "はい いいえ"), and the prompt under it
#: ("Have more questions? Submit a request").
FEEDBACK_LINES = re.compile(
    r"^(?:was|is|did)\s+this\s+(?:article|page|answer|information|section)\s+(?:helpful|useful)\s*[?？]$"
    r"|^did\s+(?:this|we)\s+answer\s+your\s+question\s*[?？]$"
    r"|^(?:この|本)?(?:記事|ページ|情報|回答|内容)(?:は|が)?(?:お)?(?:役に?立ちましたか|参考になりましたか|"
    r"問題(?:は|が)?解決しましたか)[?？]?$"
    r"|^" + _BUTTONS + r"$"
    r"|^(?:have\s+more\s+questions|still\s+need\s+help|need\s+more\s+help|can'?t\s+find\s+what\s+you(?:'re|\s+are)\s+"
    r"looking\s+for)\b[^.]*$", re.I)
#: When a page was last touched, counted back from today ("Maya Chen · Updated 2 months ago", "3日前に更新"),
#: or the document's classification marking ("CONFIDENTIAL - Shared under NDA", "社外秘").
AGE_OR_MARKING = re.compile(
    r"(?:^|[\s·•|–—-])(?:last\s+)?(?:updated|modified|edited|published|posted)\s+(?:\d+|an?|one|a\s+few)\s+"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\.?(?:\s*[·•|]\s*\d+\s*min(?:ute)?s?\s+read)?$"
    r"|\d+\s*(?:秒|分|時間|日|週間|か月|ヶ月|カ月|年)前に?(?:更新|投稿|公開|編集)(?:されました|しました)?$"
    r"|^(?:strictly\s+)?(?:confidential|internal(?:\s+use)?\s+only|社外秘|関係者外秘|取扱注意|部外秘)(?:$|\s*[-–—|:：]\s*"
    r"[^.。]{0,20}(?:nda|shar|distribut|cop(?:y|ies)|disclos|circulat|外部|開示|転載|複製|配布|共有)[^.。]{0,20}$)",
    re.I)
#: A cookie banner's button standing alone ("同意する", "Accept all cookies"): the page's, not a fact.
CONSENT = re.compile(r"^(?:(?:すべて(?:に)?)?同意(?:する|します|しない)|(?:accept|reject|allow|decline)(?:\s+all)?(?:\s+cookies)?"
                     r"|(?:cookie|クッキー)\s*(?:の)?設定|cookie\s+(?:settings|preferences)|manage\s+cookies|got\s+it|ok|同意して閉じる)$", re.I)
#: A site's menu copied as one line: four or more short link names apart by wide spaces ("ホーム　よくある
#: 質問　お知らせ　お問い合わせ"), none with a number or a sentence's end (a row of facts has them).
WIDE_GAP = re.compile(r"\u3000+|\s{2,}")
#: ... or between bars ("ホーム | 機能 | 料金プラン | ヘルプセンター"), which a table row of facts uses too.
_NAV_SPLIT_BARS = re.compile(r"\s*[|｜]\s*|\u3000+|\s{2,}")
_NAV_MIN_ITEMS = 4


def nav_row(text: str, *, bars: bool = False, item_max: int = 10, min_items: int = _NAV_MIN_ITEMS) -> bool:
    items = [t for t in (_NAV_SPLIT_BARS if bars else WIDE_GAP).split(text.strip()) if t]
    return len(items) >= min_items and all(len(t) <= item_max and not re.search(r"[\d。.!?！？、,]", t) for t in items)


#: A glossary's heading ("用語集", "9. 用語の定義", "Glossary", "Definitions"): what it holds defines words,
#: it says nothing the vendor does ("WAF：Web Application Firewall。…" answered "Is a WAF deployed?").
GLOSSARY = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s*|付録\s*\S?\s*|appendix\s*\S?\s*[:.]?\s*)?"
                      r"(?:用語集|用語の?定義|用語解説|glossary(?:\s+of\s+terms)?|definitions|terms\s+and\s+definitions)$", re.I)


#: A contract's defined term ("1.3 \"Scheduled Maintenance\" means maintenance announced at least seven days in
#: advance…", 「「計画停止」とは、…をいいます。」): under its "Definitions" heading the agreement's commitments are
#: stated, unlike a glossary's explanations of words.
DEFINED_TERM = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?\s*|\(\w{1,3}\)\s*)?[“\"「『][^”\"」』\n]{1,60}[”\"」』]\s*"
                          r"(?:\([^)\n]{0,40}\)\s*)?(?:means|shall\s+mean|refers\s+to|has\s+the\s+meaning|とは)", re.I | re.M)


def in_glossary(section: tuple[str, ...] | list[str]) -> bool:
    """Whether a section path runs through a glossary (a bilingual heading in either of its languages:
    "付録B 用語集 / Glossary")."""
    return any(GLOSSARY.match(part.strip()) for h in section for part in re.split(r"\s[/／|｜]\s|[／｜]", h))


#: A copyright line: "© 2025 Example Inc.", "Copyright © 2024 株式会社サンプル All rights reserved."
COPYRIGHT = re.compile(r"^(?:©|Ⓒ|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\))?\s*\d{4})", re.I)
#: A table's or figure's numbered caption ("Table 1. Sub-processors", "表2 ログの保存期間"): it names what
#: follows, the rows state it.
CAPTION = re.compile(r"^(?:Table|Figure|Fig\.|Exhibit|表|図)\s*\d{1,3}(?:[.\-]\d{1,3})?\s*[.:：．]?\s*\S[^。]{0,80}$")
#: A table of contents' title: structure, not a section of its own.
TOC_TITLE = re.compile(r"^(?:目次|もくじ|contents|table of contents|on this page|このページの内容)$", re.I)
_LABEL_MAX_CHARS = 60
#: A Markdown link or image as a scrape writes it: its visible text is what counts.
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_LINKS_ONLY = re.compile(r"^(?:\s*(?:!?\[(?:[^\]]|\[[^\]]*\])*\]\([^)]*\))\s*[>＞›»|｜/・,、\-–]?)+\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
#: Words beside an image that are a byline (an author's name), not a sentence.
_BYLINE_MAX_CHARS = 20


def links_only(text: str) -> bool:
    """A line made of Markdown links or images alone (a scraped menu's item, a table of contents' entry,
    a related article, a logo), or an image with a few words beside it (an author's avatar and name): it
    points at pages, it says nothing."""
    if _MD_LINKS_ONLY.match(text):
        return True
    rest = _MD_IMAGE.sub("", text).strip()
    return rest != text.strip() and len(rest) <= _BYLINE_MAX_CHARS and not re.search(r"[。.!?！？]$", rest)


#: A site's language switch: the names of its languages and nothing else ("日本語 | English", "JP / EN").
_LANGUAGE = (r"(?:日本語|English|英語|中文|简体中文|繁體中文|한국어|Français|Deutsch|Español|Português|Italiano|Tiếng\s+Việt|"
             r"ไทย|Bahasa(?:\s+Indonesia)?|EN|JA|JP|ZH|KO)")
LANGUAGE_SWITCH = re.compile(rf"^{_LANGUAGE}(?:\s*[|｜/／・]\s*{_LANGUAGE}|\s+{_LANGUAGE})+$")


#: Between labels side by side: wide spaces, a bar or a slash ("記事番号：AD-0312　｜　最終更新日：…").
_LABELS_SPLIT = re.compile(r"\s*[|｜／]\s*|\s+/\s+|\u3000+|\s{2,}")


def is_label(text: str) -> bool:
    """A line that labels the page, its edition or its place, or a link's text: never quoted, never a section."""
    text = _MD_LINK.sub(r"\1", text).strip()
    if BREADCRUMB.match(text) or ROOT_CRUMB.match(text):
        return True  # a trail of many steps is long, each step short ("Home › Trust Center › Privacy › …")
    if not text or len(text) > _LABEL_MAX_CHARS or text.endswith("。"):
        return False
    if re.sub(r"[\s\u3000]", "", text) == "以上":
        return True  # a Japanese document's closing mark, no heading over its signature
    parts = [t for t in _LABELS_SPLIT.split(text) if t]
    if len(parts) > 1 and all(PAGE_LABEL.match(t) or EDITION.search(t) for t in parts):
        return True  # labels side by side: "記事番号：KB-2017　最終更新日：2025年2月14日"
    return bool(PAGE_LABEL.match(text) or EDITION.search(text) or LINK_TEXT.match(text)
                or TOC_TITLE.match(text) or FEEDBACK.search(text) or FEEDBACK_LINES.match(text) or COPYRIGHT.match(text)
                or AGE_OR_MARKING.search(text) or CONSENT.match(text) or nav_row(text) or LANGUAGE_SWITCH.match(text)
                or (CAPTION.match(text) and not text.endswith(".")))
