"""Words for BM25: Japanese through fugashi (UniDic base forms), technical terms kept whole.

The same function tokenizes passages and questions, so whatever normalisation happens here (NFKC,
case, base forms, サーバ/サーバー, 二/2) makes variant spellings meet.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import fugashi

_DROP_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "感動詞", "接続詞"}
#: Light verbs and formal nouns that occur everywhere and answer nothing.
_DROP_LEMMAS = {
    "為る", "する", "有る", "ある", "居る", "いる", "成る", "なる", "出来る", "できる", "れる", "られる",
    "こと", "もの", "よう", "ため", "とき", "場合", "等", "など", "何", "どう", "どの", "どれ",
    "御", "お", "ご", "ます", "です", "下さる", "くださる", "て", "貴社", "弊社", "其の", "この", "その",
}
_STOPWORDS_EN = set(
    """a an the is are was were be been being do does did doing you your yours we our ours us they them
    their it its of in on at to for from by with and or not no nor can could should would will shall may
    might must how what which who whom whose when where why whether there here this that these those any
    all some has have had having please describe explain provide list state if yes such as than then also
    about into over under per via i me my he she his her so too very just only same other each both
    few more most s t don doesn isn aren wasn weren won t ll ve re d m kindly tell let get got use used
    using support supports supported based offer offers provide provided""".split()
)
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
_ASCII_TERM = re.compile(r"[a-z0-9]+(?:[-_./+][a-z0-9]+)*")
_HAS_ASCII_ALNUM = re.compile(r"^[\x00-\x7f]+$")
_KATAKANA = re.compile(r"^[\u30a0-\u30ffー]+$")
_NUMBERING = re.compile(r"^(?:[A-Za-z]?\d{1,3}[A-Za-z]?)$")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


#: One MeCab tagger for the process, used under a lock (a tagger shared without one mixes up results
#: under concurrent requests). Not one per thread: each tagger maps the dictionary (sys.dic, matrix.bin)
#: anew, so a server's resident memory grew by ~200 MiB with its worker threads. Tagging holds the GIL
#: anyway, so the lock costs no parallelism.
_TAGGER_LOCK = threading.RLock()
_TAGGER: fugashi.Tagger | None = None


def _tagger() -> fugashi.Tagger:
    """The shared tagger; call and read its nodes only while holding _TAGGER_LOCK."""
    global _TAGGER
    if _TAGGER is None:
        _TAGGER = fugashi.Tagger()
    return _TAGGER


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _stem_en(word: str) -> str:
    """Just enough stemming to meet plurals and -ing/-ed forms; acronyms and numbers pass untouched."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


_LETTERS_DIGITS = re.compile(r"^([a-z]{2,})(\d+(?:\.\d+)*)$")


def _ascii_terms(text: str) -> list[str]:
    """'AES-256' -> aes-256, aes256, aes, 256: the whole term stays findable, so do its spellings; and
    'ISO27001' / 'SOC2' / 'AES256' / 'TLS1.2' also give their name and number apart, as 'ISO 27001' and
    'TLS 1.2' are written ('TLSv1.2': tls too)."""
    out: list[str] = []
    for m in _ASCII_TERM.finditer(text):
        term = m.group(0)
        if split := _LETTERS_DIGITS.match(term):
            name, number = split.groups()
            out.extend((term, name, number))
            if name.endswith("v") and len(name) > 3:
                out.append(name[:-1])
            continue
        parts = [p for p in re.split(r"[-_./+]", term) if p]
        if len(parts) > 1 and all(p.isdigit() for p in parts):
            out.append(term)  # a version number such as 1.2 stays one token
        elif len(parts) > 1:
            out.append(term)
            out.append("".join(parts))
            out.extend(_stem_en(p) for p in parts if p not in _STOPWORDS_EN and (len(p) > 1 or p.isdigit()))
        elif term not in _STOPWORDS_EN and (len(term) > 1 or term.isdigit()):
            out.append(_stem_en(term))
    return out


def orphan_numbers(text: str, vocab) -> list[str]:
    """Numbers split from a name the corpus never writes ('IPv6' -> 6 when no passage says IPv): as
    query words they match any "6" (a section number, "6 months"), and a lone rare match looked decisive.
    An IPv6 question was answered from 「…「6. 決済情報の取り扱い」をご参照ください。」 with confidence 0.96."""
    out = []
    for m in _ASCII_TERM.finditer(normalize(text)):
        split = _LETTERS_DIGITS.match(m.group(0))
        if split and m.group(0) not in vocab and split.group(1) not in vocab:
            out.append(split.group(2))
    return out


def _base_form(word) -> str | None:
    feature = word.feature
    pos = feature.pos1
    if pos in _DROP_POS:
        return None
    lemma = getattr(feature, "lemma", None) or word.surface
    if _KATAKANA.match(word.surface) and not _KATAKANA.match(lemma.split("-", 1)[0]):
        lemma = word.surface  # a loanword's piece is itself: the マル of マルウェア is no 丸
    # UniDic writes loanwords as 'サーバー-server'
    lemma = lemma.split("-", 1)[0] if "-" in lemma and not _HAS_ASCII_ALNUM.match(lemma) else lemma
    if lemma in _DROP_LEMMAS or word.surface in _DROP_LEMMAS:
        return None
    if feature.pos2 == "数詞":
        lemma = lemma.translate(_KANJI_DIGITS)
    if _KATAKANA.match(lemma) and len(lemma) >= 4 and lemma.endswith("ー"):
        lemma = lemma[:-1]  # サーバー / サーバ, ユーザー / ユーザ
    if _PUNCT_ONLY.match(lemma):
        return None
    return normalize(lemma)


def tokenize(text: str) -> list[str]:
    """Tokens of a passage or a question, in order (duplicates kept: BM25 counts them)."""
    if len(text) > _CACHED_MAX_CHARS:
        return _tokenize(text)
    return list(_tokenize_cached(text))


#: One answer tokenises the question and its first passages several times (retrieval, missing
#: terms, abstention features, each candidate's score); a bounded cache makes the repeats free.
_CACHED_MAX_CHARS = 2000


@lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[str, ...]:
    return tuple(_tokenize(text))


def _tokenize(text: str) -> list[str]:
    norm = normalize(text)
    tokens = _ascii_terms(norm)
    with _TAGGER_LOCK:
        for word in _tagger()(norm):
            if _HAS_ASCII_ALNUM.match(word.surface):
                continue  # ASCII runs are handled whole by _ascii_terms
            base = _base_form(word)
            if base:
                tokens.append(base)
    return tokens


def salient_terms(text: str, surfaces: dict[str, str] | None = None) -> list[str]:
    """Terms a question hinges on: names and acronyms (ISO, ISMAP, FIDO2) and Japanese nouns.

    When the corpus has never seen such a term, the documents are probably silent on the question.
    Japanese terms are base forms, as the index holds them (東京 is トウキョウ); `surfaces`, when given,
    receives each term's spelling in the question, for showing it to a person.
    """
    norm = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for m in re.finditer(r"[A-Za-z0-9]+(?:[-_./+][A-Za-z0-9]+)*", norm):
        term = m.group(0)
        if term.lower() in _STOPWORDS_EN:
            continue
        looks_like_name = any(c.isupper() for c in term[1:]) or (term[0].isupper() and m.start() > 0) or any(c.isdigit() for c in term)
        if _NUMBERING.match(term):
            continue  # "Q12", "1", "3a": question numbers, not subjects
        if looks_like_name and len(term) > 1:
            out.append(term.lower())
    with _TAGGER_LOCK:
        for word in _tagger()(norm.lower()):
            if _HAS_ASCII_ALNUM.match(word.surface):
                continue
            if word.feature.pos1 == "名詞" and word.feature.pos2 in ("普通名詞", "固有名詞") and len(word.surface) >= 2:
                base = _base_form(word)
                if base:
                    out.append(base)
                    if surfaces is not None:
                        surfaces.setdefault(base, word.surface)
    return list(dict.fromkeys(out))
