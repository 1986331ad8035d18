"""The decision: answer, ask for review, or say the documents are silent.

Ranking orders passages; this module judges whether the first one answers. Its features are chosen to
mean the same on any corpus, of 3 passages or 10^5: how far the first passage stands ahead of the next
(margins), whether the two signals agree on it, how much of the question's weighted vocabulary the
passage and its headings cover, and which question terms the corpus never uses at all. The model in
answer.py uses only some of them so far; the others name what a reviewer should check (``reasons``).
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import asdict, dataclass

import numpy as np

from . import asked, glossary, polarity, tokens
from .corpus.blocks import LEAD_IN
from .script import CJK, KATAKANA
from .types import Status

_SPLIT = re.compile(r"[-_/+]")
#: Parts of a hyphenated term that say how, not what ("saml-based", "field-level", "non-admin", "self-service").
_AFFIXES = frozenset({"based", "level", "wide", "only", "side", "facing", "like", "style", "type", "free", "in", "out",
                      "on", "off", "to", "of", "the", "by", "non", "pre", "post", "re", "co", "sub", "multi", "anti",
                      "self", "cross", "de"})


# --- corpus facts, computed once per loaded index ---------------------------------------------------

class _Facts:
    def __init__(self, index):
        vocab = index.vocab
        self.cjk = sum(1 for t in vocab if CJK.search(t)) >= 0.3 * max(1, len(vocab))
        self.n = max(1, len(index.passages))
        bm25 = index.bm25
        ids = getattr(bm25, "vocab_dict", None) or {}
        indptr = bm25.scores.get("indptr") if isinstance(getattr(bm25, "scores", None), dict) else None
        self._ids, self._indptr = ids, indptr
        self._passages, self._named, self._text = index.passages, None, None

    @property
    def text(self) -> str:
        """Every passage's text, normalised, one after another: where a phrase is looked up whole."""
        if self._text is None:
            self._text = "\n".join(tokens.normalize(p.index_text()) for p in self._passages)
        return self._text

    @property
    def named(self) -> tuple[set[str], set[tuple[str, int]]]:
        """Every standard, version or figure number the documents write, and every acronym's number ("SOC 2")."""
        if self._named is None:
            numbers: set[str] = set()
            pairs: set[tuple[str, int]] = set()
            for p in self._passages:
                text = p.index_text()
                numbers.update(_NAMED_NUMBER.findall(tokens.normalize(text)))
                pairs.update((a.lower(), int(n)) for a, n in _ACRONYM_NUMBER.findall(unicodedata.normalize("NFKC", text).upper()))
            self._named = (numbers, pairs)
        return self._named

    def df(self, token: str) -> int:
        i = self._ids.get(token)
        if i is None or self._indptr is None or i + 1 >= len(self._indptr):
            return 0
        return int(self._indptr[i + 1] - self._indptr[i])

    def idf(self, token: str) -> float:
        """Rarer tokens weigh more; a token no passage uses weighs most (the question asks about it)."""
        return math.log(1.0 + self.n / (self.df(token) + 0.5))


_FACTS: dict[int, _Facts] = {}
_FACTS_LOCK = threading.Lock()


def facts(index) -> _Facts:
    with _FACTS_LOCK:
        f = _FACTS.get(id(index))
        if f is None or getattr(f, "_index", None) is not index:
            f = _FACTS[id(index)] = _Facts(index)
            f._index = index
        return f


# --- terms the corpus never uses ---------------------------------------------------------------------

def strong(term: str) -> bool:
    """Names, acronyms, English terms and katakana loanwords: their absence means something.

    Other Japanese nouns (方式, 仕組み, 実施) are too often paraphrases of what the documents say:
    counting them lost more right answers than it saved wrong ones on the evaluation set.
    """
    return term.isascii() or bool(KATAKANA.match(term))


def _covered(vocab: frozenset[str], term: str) -> bool:
    """A term the corpus uses: all its tokens, or (for compounds like 'saml-based') any of its parts."""
    own = tokens.tokenize(term)
    if not own:
        return False
    if all(t in vocab for t in own) or (len(own) > 1 and own[0] not in vocab and all(t in vocab for t in own[1:])):
        return True  # the whole term, or the name and number it runs together ('iso27001' as ISO 27001)
    # a compound's parts, but for the affixes any compound may have ("saml-based", "anti-malware"): all of
    # them written somewhere ("tamper-proof" had been covered by any "proof", and audit logs' retention
    # answered "Are audit logs tamper-proof?" at 0.88)
    parts = [tokens.tokenize(p) for p in _SPLIT.split(term) if p and p.lower() not in _AFFIXES]
    return len(_SPLIT.split(term)) > 1 and any(parts) and all(all(t in vocab for t in p) for p in parts if p)


#: An English equivalent of several words ("customer-managed key", "bring your own key"): written whole or not
#: at all; its words apart ("customer", "managed", "key") had made "BYOK" known, and a review's BYOK
#: question was answered yes from "keys held in AWS KMS".
_PHRASE = re.compile(r"[\s-]")


def _word_phrase(term: str) -> bool:
    """Several words, no name with a number ("ISO 27001" is written as "ISO/IEC 27001" too)."""
    return bool(_PHRASE.search(term)) and not any(ch.isdigit() for ch in term)


def _written(phrase: str, text: str) -> bool:
    norm = tokens.normalize(phrase)
    return any(v in text for v in {norm, norm.replace("-", " "), norm.replace(" ", "-")})


def missing_terms(index, question: str) -> tuple[list[str], list[str]]:
    """Salient question terms, and those that no passage (nor any glossary equivalent) contains, the
    latter as the question spells them (they are shown to the reader)."""
    surfaces: dict[str, str] = {}
    terms = tokens.salient_terms(question, surfaces)
    if facts(index).cjk:
        # English security vocabulary asked of Japanese documents: "backups" is salient when no
        # バックアップ is written anywhere. (Against English documents such words are as often
        # paraphrases — retained/kept — as Japanese nouns are against Japanese ones.)
        terms += [k for k in glossary.english_terms(question) if k not in terms]
    vocab = index.vocab
    covered: set[str] = set()
    f = facts(index)
    for key, equivalents in glossary.matches(question):
        if any(_covered(vocab, e) and (e.isascii() and not _word_phrase(e) or len(tokens.tokenize(e)) < 2
                                       or _written(e, f.text))
               for e in equivalents):
            # a Japanese compound is written whole: 侵入 and テスト apart are no 侵入テスト
            covered.add(key.lower())
            covered.update(tokens.tokenize(key))
    missing = [t for t in terms if strong(t) and t not in covered and t not in vocab and not _covered(vocab, t)
               and not asked.asking_word(t)]
    return terms, [surfaces.get(t, t) for t in missing]


#: An acronym as a question writes it ("SCIM", "SOC", "BYOK", "IPv6"): two capitals or digits at least.
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9\-]*")


def unknown_subject(index, retrieval) -> bool:
    """The question names an acronym the documents never use, and every other name or loanword it has
    is missing too or common in them (ユーザー, アカウント): "Do you support SCIM?" on documents without
    SCIM is about something they do not cover, whatever passage comes closest."""
    if not retrieval.missing:
        return False
    # as the question is read (full-width "ＨＳＭ" is HSM: it had not counted as an acronym, and an HSM/KMS
    # question on documents naming neither was answered yes)
    question = unicodedata.normalize("NFKC", retrieval.question)
    acronyms = False
    words = []  # the missing English terms as the question spells them
    for term in retrieval.missing:
        # as a word of its own: "soc" is no acronym inside "Associated"
        spelled = re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])" if term.isascii() else re.escape(term),
                            question, re.I)
        word = spelled.group(0) if spelled else term
        if spelled and term.isascii():
            words.append(word)
        acronyms |= bool(_ACRONYM.fullmatch(word)) and sum(ch.isupper() or ch.isdigit() for ch in word) >= 2
    missing = {m.lower() for m in retrieval.missing}
    f = facts(index)
    spelled_out = _spelled_out(question, missing)
    named = [t for t in retrieval.terms if strong(t) and f.df(t) <= max(COMMON_MIN, COMMON_SHARE * f.n)
             and _a_name(t, question) and t.lower() not in spelled_out]
    if acronyms and _ASKS_CERTIFIED.search(question) and len(_LISTED_NAMES.findall(question)) < 2 and any(
            _ACRONYM.fullmatch(m) and sum(ch.isupper() for ch in m) >= 3 and m.lower() not in f.text
            and not _SHOUTED.search(question) for m in words) and not any(
            a.lower() in f.text for a in _QUESTION_ACRONYM.findall(question) if a.lower() not in missing):
        # a scheme or a standard asked about by its acronym, which no document writes ("ISMAPのクラウドサービスリストに
        # 登録されていますか", "Are you FedRAMP authorized?"): the other words are the scheme's own, and the ISO 27001
        # row that comes closest had been answered はい at 0.94 (unless the question names an acronym the documents
        # do write: "a SOC 1 audit … for J-SOX" asks of SOC 1)
        return True
    return acronyms and all(t.lower() in missing or any(t.lower() in m for m in missing) for t in named)


#: An acronym with its spelling in brackets after or before it: "WAF（Webアプリケーションファイアウォール）",
#: "Web Application Firewall (WAF)".
_SPELLED = re.compile(r"(?P<a>[A-Z][A-Za-z0-9\-]+)\s*[（(](?P<s1>[^()（）]{3,60})[)）]|"
                      r"(?P<s2>[^()（）、。,.?？]{3,60}?)\s*[（(](?P<b>[A-Z][A-Za-z0-9\-]+)[)）]")


#: A question whether a certification, registration, attestation or compliance is held.
#: (認証 alone is as often authentication: 「SMS認証」.)
_ASKS_CERTIFIED = re.compile(r"認証を?(?:取得|受け)|認定|登録|準拠|適合|監査報告|報告書|\b(?:certifi\w*|accredit\w*|authori[sz]ed|"
                             r"registered|attest\w*|complian\w*|audit(?:ed|s)?|reports?)\b", re.I)
#: Names a question lists ("JIPDECやJQA等", "ISMS、プライバシーマーク"): one of them missing is no unknown subject.
_LISTED_NAMES = re.compile(r"[、,・/／]|や|及び|および|\bor\b|\band\b", re.I)
_QUESTION_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?![A-Za-z])")
#: Words in capitals side by side: emphasis ("AT LEAST"), not an acronym.
_SHOUTED = re.compile(r"\b[A-Z]{2,}\s+[A-Z]{2,}\b")


def _spelled_out(question: str, missing: set[str]) -> set[str]:
    """The words spelling out a missing acronym in the question: they name the same unknown thing, and
    "Web" or "アプリケーション" found elsewhere in the documents do not make it known."""
    out: set[str] = set()
    for m in _SPELLED.finditer(question):
        acronym, spelling = (m["a"], m["s1"]) if m["a"] else (m["b"], m["s2"])
        if acronym.lower() in missing:
            out.update(t.lower() for t in tokens.tokenize(spelling))
    return out


def _a_name(term: str, question: str) -> bool:
    """A name or a loanword as the question writes it ("Okta", "SAML", "プロビジョニング"), not an everyday
    English word ("compliant", "backups": a glossary finds those in Japanese documents by their meaning)."""
    if not term.isascii():
        return True
    spelled = re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", question, re.I)
    return spelled is None or spelled.group(0) != spelled.group(0).lower()


#: A candidate for a question about an unknown subject is shown only from this probability. Under it, on
#: the training corpora, 28 candidates were for unanswerable questions and none right (suite 4 and 0):
#: "the documents never mention: SCIM" above an unrelated candidate told a reviewer nothing more than
#: "not documented" does. From 0.5: 63 against 4 right (suite 8 against 2); for any missing term, not
#: only acronyms named alone, 0.3 cost 7 right first passages (suite 4) for 66.
UNKNOWN_SUBJECT_REVIEW_AT = 0.3
#: A name in more than this share of passages (and more than a few) is the documents' everyday
#: vocabulary, no subject.
COMMON_SHARE = 0.05
COMMON_MIN = 3


def as_written(question: str, missing: list[str]) -> list[str]:
    """Missing terms as a reader would name them: pieces the tokenizer cut from one word ("プロ",
    "ビジョニング") are joined again when the question writes them together ("プロビジョニング"), and an
    English term keeps the question's capitals ("ISMAP")."""
    out: list[str] = []
    for term in missing:
        if out and out[-1] + term in question:
            out[-1] += term
        else:
            out.append(term)
    # an English term as the question spells it: "ISMAP", not the index's "ismap"
    written = unicodedata.normalize("NFKC", question)
    for i, term in enumerate(out):
        if term.isascii():
            m = re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", written, re.I)
            out[i] = m.group(0) if m else term
    return out


# --- features of the first hit ------------------------------------------------------------------------

@dataclass
class Features:
    dense: float  # cosine of question and first passage
    dense_gap: float  # that cosine minus the best cosine of any other passage
    score_gap: float  # ranking score of the first hit minus the second's (z units)
    agree: float  # 1 when dense and BM25 alone would both rank the first hit first
    dense_rank: float  # log of its rank by dense alone
    bm25_rank: float  # and by BM25 alone
    coverage: float  # idf-weighted share of the question's tokens (or glossary equivalents) in the passage + headings
    vocab_coverage: float  # idf-weighted share of the question's tokens the corpus uses anywhere
    missing: float  # salient question terms the corpus never uses
    cross: float  # 1 when question and passage are in different languages
    bm25_z: float
    dense_z: float
    asked: float = 0.0  # +1: the passage states a fact of the kind the question asks for (a duration, a region), -1: it states none (asked.py)

    def vector(self) -> np.ndarray:
        return np.array(list(asdict(self).values()), dtype=np.float64)


FEATURES = tuple(Features.__dataclass_fields__)


def _token_sets(question: str) -> tuple[set[str], list[set[str]]]:
    """The question's own tokens, and for each glossary entry it matches the tokens of its equivalents."""
    own = set(tokens.tokenize(question))
    groups = [set(tokens.tokenize(" ".join((key, *eq)))) for key, eq in glossary.matches(question)]
    return own, groups


def features(index, retrieval) -> Features | None:
    hits = retrieval.hits
    if not hits:
        return None
    first = hits[0]
    f = facts(index)
    own, groups = _token_sets(retrieval.question)
    # the passage as quoted: a list item with its lead-in and siblings (the unit a reader is shown)
    passage = set(tokens.tokenize("\n".join((first.passage.index_text(), first.passage.unit_text))))
    doc = index.documents.get(first.passage.source)
    if doc is not None and doc.title:
        # the document's title names what all of it is about ("Workato のセキュリティ"): "Does Workato
        # support SCIM?" is covered by its SCIM passage, which names no vendor
        passage |= set(tokens.tokenize(doc.title))
    vocab = index.vocab
    weights = {t: f.idf(t) for t in own}
    total = sum(weights.values()) or 1.0
    hit = 0.0
    for t, w in weights.items():
        if t in passage or any(t in g and g & passage for g in groups):
            hit += w
    in_corpus = sum(w for t, w in weights.items() if t in vocab or any(t in g and g & vocab for g in groups))
    second = hits[1].score if len(hits) > 1 else (retrieval.next_score if retrieval.next_score is not None else first.score)
    q_cjk = bool(CJK.search(retrieval.question))
    p_cjk = bool(CJK.search(first.passage.text))
    return Features(
        dense=first.dense,
        dense_gap=first.dense - retrieval.dense_runner_up,
        score_gap=first.score - second if retrieval.mode == "hybrid" else first.dense_z - (hits[1].dense_z if len(hits) > 1 else 0.0),
        agree=float(first.dense_rank == 1 and first.bm25_rank == 1),
        dense_rank=math.log(first.dense_rank),
        bm25_rank=math.log(first.bm25_rank),
        coverage=hit / total,
        vocab_coverage=in_corpus / total,
        missing=float(len(retrieval.missing)),
        cross=float(q_cjk != p_cjk),
        bm25_z=first.bm25_z,
        dense_z=first.dense_z,
        asked=asked.match(retrieval.question, first.passage.quote_text),
    )


# --- the decision ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Model:
    """A logistic model over Features, with two cut points on its probability."""

    weights: dict[str, float]
    bias: float
    answer_at: float  # probability from which the first passage is given as the answer
    review_at: float  # from which it is shown as a candidate to confirm

    def probability(self, feats: Features) -> float:
        d = asdict(feats)
        logit = self.bias + sum(w * d[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


def decide(model: Model, feats: Features | None, *, answer_at: float | None = None,
           review_at: float | None = None) -> tuple[Status, float, list[str]]:
    """The outcome, the probability that the first passage answers, and what a reviewer should check."""
    if feats is None:
        return Status.NOT_DOCUMENTED, 0.0, []
    p = model.probability(feats)
    if feats.vocab_coverage == 0.0:
        # not one word of the question (nor a glossary equivalent) occurs in the documents: whatever the
        # embedding finds closest is about something else. On the four fitting corpora 22 of the 23 such
        # questions had no right first passage.
        return Status.NOT_DOCUMENTED, min(p, model.review_at / 2), []
    hi = model.answer_at if answer_at is None else answer_at
    lo = model.review_at if review_at is None else review_at
    if p >= hi:
        return Status.ANSWERED, p, []
    if p >= lo:
        return Status.REVIEW, p, reasons(feats)
    return Status.NOT_DOCUMENTED, p, []


#: A request to hand over a document (a report, a certificate, a copy): a quote can say that one exists,
#: never be it. "SOC 2 報告書を提出してください" was answered with "SOC-2 の監査を受けています".
_DOCUMENT_JA = re.compile(r"(レポート|報告書|証明書|認証書|認定書|写し|コピー|証跡)[^。？?]*"
                          r"(提出|提供|送付|共有|開示|添付|送って|いただけ)")
_DOCUMENT_EN = re.compile(r"\b(provide|submit|share|attach|send|upload|furnish)\b[^.?]*"
                          r"\b(reports?|certificates?|attestations?|cop(y|ies)|evidence|documents?)\b", re.I)


#: ... unless it asks when one comes ("インシデントの詳細報告書はいつまでに提出されますか。"): a deadline, documented or not.
_ASKS_WHEN = re.compile(r"いつ|期限|何日|何時間|何営業日|までに|\b(?:when|how\s+(?:soon|quickly|long|often)|within|deadline|"
                        r"timeframe|time\s+frame)\b", re.I)


def requests_document(question: str) -> bool:
    return bool(_DOCUMENT_JA.search(question) or _DOCUMENT_EN.search(question)) and not _ASKS_WHEN.search(question)


#: Numbers that name a particular thing: a standard (27017, 800-53), a version (1.3, 2004), a figure.
_NAMED_NUMBER = re.compile(r"(?<![\d.])(?:\d{3,}|\d+\.\d+)(?![\d])")


#: A small number that names a thing with the acronym before it: "SOC 1", "PCI DSS 4", "SOC2".
_ACRONYM_NUMBER = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,6})[\s\-]?(\d{1,2})(?![\d.])")


#: A number in brackets after a thing's name, glossing it: 「プライバシーマーク（JIS Q 15001）」, "Privacy Mark (JIS Q 15001)".
#: (The name is a word, not an acronym: 「ISO（27017）」 and 「ISMS（ISO/IEC 27001）」 name the standard by the number; and
#: examples, "(e.g. RSA 2048, ECDSA P-256)", are what is asked for.)
_GLOSS = re.compile(r"(?P<name>[\u30a0-\u30ff]{3,}|[\u4e00-\u9fff\u30a0-\u30ff]{4,}|\b(?:[A-Za-z][a-z]+\s+)?[A-Za-z][a-z]{3,}\b)\s*"
                    r"[（(](?!\s*(?:e\.g\.|i\.e\.|eg\b|such\s+as|例))(?P<gloss>[^()（）]*\d[^()（）]*)[)）]", re.I)


def _without_glosses(question: str, passage_text: str) -> str:
    """The question without the numbers glossing a name the passage carries: "Do you hold the Privacy Mark (JIS Q
    15001)?" against 「プライバシーマークは取得しておりません。」 asks of the mark, which the passage names."""
    if not passage_text:
        return question
    text = tokens.normalize(passage_text)
    return _GLOSS.sub(lambda m: m["name"] if tokens.normalize(m["name"]) in text or any(
        tokens.normalize(e) in text for e in glossary.equivalents(m["name"])) else m.group(0), question)


def unmatched_numbers(question: str, passage_text: str) -> list[str]:
    """The question's standard, version and figure numbers that the passage (with its headings) does not
    carry: "Are you ISO/IEC 27017 certified?" read against the ISO/IEC 27001 row gives ["27017"], and
    "Do you have a SOC 1 report?" against "SOC 2 Type II" gives ["SOC 1"]."""
    question = _without_glosses(question, passage_text)
    have = set(_NAMED_NUMBER.findall(tokens.normalize(passage_text)))
    out = [n for n in dict.fromkeys(_NAMED_NUMBER.findall(tokens.normalize(question))) if n not in have]
    named = {(a.lower(), int(n)) for a, n in _ACRONYM_NUMBER.findall(unicodedata.normalize("NFKC", passage_text).upper())}
    for acronym, number in dict.fromkeys(_ACRONYM_NUMBER.findall(unicodedata.normalize("NFKC", question))):
        if (acronym.lower(), int(number)) not in named:
            out.append(f"{acronym} {number}")
    return out


#: Items a question lists ("SOC 2, ISO 27001, HIPAA", "FIDO2・TOTP・SAML"): a passage may answer some of them.
_LISTED = re.compile(r"[,、・/／+＋]")


def unknown_numbers(index, question: str, passage_text: str) -> list[str]:
    """A question about one numbered thing that no document names, the passage's lack of it included: "SOC 1"
    of documents that only know SOC 2, "ISO/IEC 27701" of ones that only know 27001. Empty when the question
    lists several things, or names any number the documents (or a glossary equivalent: ISMS for ISO 27001)
    do write."""
    if len(_LISTED.findall(question)) >= 2:
        return []
    named = unmatched_numbers(question, "")  # every number the question names
    missing = unmatched_numbers(question, passage_text)
    if not missing:
        return []
    numbers, pairs = facts(index).named
    vocab = index.vocab
    known_via = {n for key, eq in glossary.matches(question) for n in _NAMED_NUMBER.findall(key)
                 if any(_covered(vocab, e) for e in eq)}
    for n in named:
        acronym, _, number = n.partition(" ")
        known = (acronym.lower(), int(number)) in pairs if number.isdigit() else (n in numbers or n in known_via)
        if known:
            return []
    return missing


#: An item marker opening one of several questions asked at once: "1.", "2)", "（3）", "④".
_ITEM = re.compile(r"(?:^|\s)(?:\d{1,2}[.)）](?!\d)|[（(]\d{1,2}[)）]|[\u2460-\u2473])")


def several_questions(question: str) -> bool:
    """Several questions asked as one ("1. 保存データの暗号化方式は？ 2. バックアップの保管期間は？"): numbered
    items or lines, two or more of them ending in a question mark. One quote answers at most one of them.
    A questionnaire's compound row ("Is data encrypted at rest? What algorithm?") is one question."""
    marks = len(re.findall(r"[?？]", question))
    if marks < 2:
        return False
    lines = [ln for ln in question.splitlines() if ln.strip()]
    return len(_ITEM.findall(question)) >= 2 or sum(1 for ln in lines if re.search(r"[?？]\s*$", ln)) >= 2


def bare_mark(quote: str) -> bool:
    """A past answer that is a mark and nothing else ("○", "Yes", "N/A"), or a mark with a remark that only
    points elsewhere ("Yes | Published in the whitepaper.", "○ | ホワイトペーパー参照"): all it says is in its
    row's question."""
    _, _, remark = quote.partition(" | ")
    if polarity.mark_of(quote) not in _MARKS:
        return False
    return not remark.strip() or bool(_POINTER.fullmatch(remark.strip()))


#: A remark that only says where the answer is: "See the whitepaper.", "Published in the trust center",
#: "詳細はホワイトペーパー参照", "別紙をご参照ください。" (no figure, nothing of its own).
_POINTER = re.compile(
    r"(?:(?:please\s+)?(?:see|refer\s+to)|(?:as\s+)?(?:described|documented|published|listed|detailed)"
    r"\s+(?:in|on|at)|details\s+(?:in|on))\s+(?:the\s+|our\s+)?[^\d.,;、]{0,40}\.?"
    r"|(?:詳細は|詳しくは)?[^\d。、,]{0,20}(?:参照|をご参照ください|をご覧ください|をご確認ください|に記載しています|に掲載しています)。?",
    re.I)


_MARKS = polarity.YES_MARKS | polarity.NO_MARKS | polarity.NA_MARKS
#: A bare mark answers only a yes/no question its row's question covers (idf-weighted, with glossary
#: equivalents): "Can customer data be hosted in the EU?" had been answered "No" from "Is customer data
#: stored outside the US or EU? | No" (coverage 0.67), "Privacy Mark?" from "Do you sell customer data? | No".
BARE_MARK_COVERAGE = 0.9


#: The reasons settle() gives: what the question itself rules out, whatever the model's confidence.
RULES = frozenset({"several_questions", "asks_for_document", "number_mismatch", "bare_mark", "refers_elsewhere", "cut_short",
                   "instruction", "no_name", "other_bound"})

#: A sentence that sends the reader elsewhere instead of answering: 「…については、セキュリティFAQをご確認
#: ください。」, "For algorithm details, see the Japanese article.", "… are described in the Japanese version".
_REFERRAL = re.compile(r"(?:ご?(?:確認|参照|覧)(?:ください|下さい|いただけます|願います)|参照してください|"
                       r"(?:別途)?お?問い?合わ?せ(?:ください|下さい|願います))[。．]?\s*$|"
                       r"^\s*(?:for\s+[^,.]{0,60},\s*)?(?:please\s+)?contact\s+(?:us|your\s+[\w\s-]{0,30}?(?:manager|representative|team)|"
                       r"our\s+[\w\s-]{0,30}?(?:team|sales|support))\b|"
                       r"^\s*(?:for\s+(?:[\w-]+\s+){0,3}(?:details|information)\b[^,]*,\s*)?(?:please\s+)?(?:see|refer\s+to|visit|"
                       r"consult)\b|"
                       r"^[^.,;]{0,60}\b(?:are|is)\s+(?:described|explained|covered|listed)\s+(?:in|on)\s+(?:our|the)\b[^.;]*[.]?\s*$",
                       re.I)


def _points(sentence: str, last: bool) -> bool:
    """A pointer elsewhere, or (the quote's last sentence) a lead-in to a table or list the quote does not
    hold (corpus.blocks.LEAD_IN, the pattern ingestion joins a lead-in to its table by)."""
    return bool(_REFERRAL.search(sentence) or last and LEAD_IN.search(sentence))


#: A question asking for a name (a company's, a product's), and what names one: a company's form, a word with
#: capitals not opening a sentence ("Amazon Web Services", "CrowdStrike Falcon", "AWS"), a 「quoted」 name; not
#: the everyday words Japanese writes in capitals ("Webアプリケーション").
#: "ペネトレーションテストを実施している外部機関の名称は？" had been answered (0.99) from "外部の専門機関による…".
#: Acronyms of kinds of thing, not names of anyone's ("外部のクラウド事業者（IaaS）" names no provider).
_GENERIC = r"(?:IaaS|PaaS|SaaS|API|IP|SSO|MFA|2FA|TLS|SSL|AES|VPN|CSV|PDF|URL|ID|IT|OS|DB|UI|IdP|DNS|HTTPS?|CDN|WAF|IDS|IPS|EDR)"
_ASKS_NAME = re.compile(r"名称|社名|会社名|企業名|機関名|ベンダー名|製品名|ツール名|サービス名|どこの(?:会社|企業|機関|ベンダー)|"
                        r"\b(?:name\s+of|names\s+of|which\s+(?:company|companies|vendor|vendors|firm|firms|auditor|auditors|"
                        r"provider|providers|tool|tools|product|products))\b", re.I)
_NAMES_ONE = re.compile(r"株式会社|合同会社|有限会社|\b(?:inc|ltd|llc|corp|gmbh|k\.k|plc)\b\.?|「[^」]{2,40}」|"
                        r"(?<![A-Za-z])(?!" + _GENERIC + r"(?![A-Za-z0-9]))[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*|(?<=[a-z0-9,;:]\s)[A-Z][a-z]{2,}|"
                        r"(?:^|(?<=[\u3000-\u30ff\u4e00-\u9fff（(、\s]))(?!(?:Web|Cookie|Email|Mail|Windows|Mac)(?![a-z]))[A-Z][a-z]{2,}"
                        r"(?=[\u3000-\u30ff\u4e00-\u9fff）)、]|\s[A-Z])",
                        re.M)


def refers_elsewhere(question: str, quote: str) -> bool:
    """Whether the quote's sentences that speak to the question only point to another page or document
    ("…BCPを策定し、年1回の復旧訓練を行っています。RTOとRPOについては、セキュリティFAQをご確認ください。")."""
    scored = polarity.scored_sentences(question, quote)
    marked = [(score, _points(x, n == len(scored) - 1)) for n, (score, x) in enumerate(scored)]
    pointing = [score for score, points in marked if points]
    others = [score for score, points in marked if not points]
    # ... and more of the question's words than any sentence beside them has by half: "…設定できます。設定方法は
    # 「IPアドレス制限の設定」をご覧ください。" names the asked thing in its link, and the sentence before answers
    return bool(pointing) and max(pointing) > 0 and 2 * max(others, default=0) <= max(pointing)


def instructs(question: str, quote: str) -> bool:
    """Whether the quote's sentences that speak to the question tell their reader what to do (an internal
    note: "Do not share the SOC 2 report without a signed NDA."), saying nothing of what is done."""
    closest = polarity.closest_sentences(question, quote)
    return bool(closest) and all(polarity.instruction(x) for x in closest)


def settle(status: Status, question: str, why: list[str], passage_text: str = "", *, quote: str = "",
           coverage: float = 1.0) -> tuple[Status, list[str]]:
    """What the question itself rules out: a request for a document is at most a candidate to review, and
    so is a passage that lacks a number the question names (a standard, a version): on the training
    corpora that held back four wrong answers (ISO 27017 and 27018 answered from the 27001 passage, a
    SCORM 2004 question) and no right one. A past answer that is only a mark answers only the yes/no
    question its row asked: "How long are security logs retained?" had been answered "Yes"."""
    if status != Status.NOT_DOCUMENTED and several_questions(question):
        return Status.REVIEW, ["several_questions"] + [w for w in why if w != "confirm"]
    if status == Status.ANSWERED and passage_text and unmatched_numbers(question, passage_text):
        # before a request for a document: "SOC 1 報告書を提供できますか" against the SOC 2 passage is about
        # another report, and "prepare the document" would say that one exists
        return Status.REVIEW, ["number_mismatch"]
    if status == Status.ANSWERED and requests_document(question):
        return Status.REVIEW, ["asks_for_document"]
    if status == Status.ANSWERED and refers_elsewhere(question, quote):
        return Status.REVIEW, ["refers_elsewhere"]
    if status == Status.ANSWERED and instructs(question, quote):
        return Status.REVIEW, ["instruction"]
    if status == Status.ANSWERED and _ASKS_NAME.search(question) and not _NAMES_ONE.search(quote):
        return Status.REVIEW, ["no_name"]
    if status == Status.ANSWERED and asked.other_bound(question, quote):
        return Status.REVIEW, ["other_bound"]  # "maximum length?" / 「10文字以上」
    if status == Status.ANSWERED and bare_mark(quote) and (
            not polarity.asks_yes_no(question) or coverage < BARE_MARK_COVERAGE):
        return Status.REVIEW, ["bare_mark"]
    return status, why


def reasons(feats: Features) -> list[str]:
    """Catalog keys (answer.reason.*) naming what makes the candidate uncertain, most telling first."""
    out = []
    if feats.missing:
        out.append("missing_terms")
    if feats.coverage < 0.5:
        out.append("partial_match")
    if not feats.agree:
        out.append("signals_disagree")
    if feats.dense_gap < 0.01:
        out.append("close_alternatives")
    if feats.cross:
        out.append("other_language")
    return out or ["confirm"]
