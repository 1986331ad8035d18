"""Yes or no: whether a question asks one, and what the quoted passage says to it.

A check sheet wants はい/いいえ in its answer column, and a documented "no" (接続元IPアドレス制限は
提供されていません) must not read like a "yes". The judgement is deliberately conservative: it reads only
the predicates that end the quote's sentences (where Japanese puts its negation, and where an English
sentence's "not" sits in front of), and anything mixed or without a clear predicate is *unclear*, which
the front-ends show as "needs review". It never turns an unanswered question into a yes or a no.
"""

from __future__ import annotations

import re

from .script import CJK
from .types import Verdict

# --- does the question ask a yes/no? -------------------------------------------------------------------

_EN_AUX = re.compile(
    r"^\s*(?:(?:and|so|also|please)\s+)?(?:do|does|did|is|are|was|were|can|could|will|would|should|has|have|had|"
    r"may|must|shall)\b", re.I)
_EN_WH = re.compile(r"^\s*(?:what|which|who|whom|whose|where|when|why|how|describe|list|explain|provide|"
                    r"please\s+(?:describe|list|explain|provide))\b", re.I)
#: Japanese yes/no questions end in a polar predicate: 〜ますか / 〜ですか / 〜か？ / 〜る？ / 〜有無
_JA_POLAR = re.compile(r"(?:ます|です|でしょう|ません|ない|[うくぐすつぬぶむる]|可能|対応|有無)\s*か?\s*[？?。]?\s*$|か\s*[？?]\s*$")
_JA_WH = re.compile(r"何|なに|どの|どこ|どれ|どう|いつ|誰|いくつ|何故|なぜ|教えて|記載して|説明して|記入して|挙げて|方法|手順|内容|範囲|期間|頻度|方式|"
                    r"ください|下さい|について")


def asks_yes_no(question: str) -> bool:
    q = question.strip()
    if not q:
        return False
    if CJK.search(q):
        return bool(_JA_POLAR.search(q)) and not _JA_WH.search(q)
    return bool(_EN_AUX.match(q)) and not _EN_WH.match(q)


# --- what does the quote say? --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。．!?！？])|(?<=\.)\s+|\n")
#: "It depends": the answer is conditional on something the question does not say.
_DEPENDS = re.compile(r"(?:準じ|依存し|異なり|によりま|によって異な)[^。．]{0,6}[。．]?\s*$|場合があります[。．]?\s*$"
                      r"|\b(?:depends on|may vary|varies)\b", re.I)
#: Japanese sentence-final negation: the predicate's last few characters.
_JA_NEG = re.compile(r"(?:ません|ない|ず|不可|非対応|未対応|なし|無し|不要|ございません|おりません)(?:でした|です|だ)?\s*[。．)）]*\s*$")
_JA_POS = re.compile(r"(?:ます|ました|です|でした|可能|対応|実施|提供|取得|導入|保存|管理|制限|設定)\s*[。．)）]*\s*$")
_EN_NEG = re.compile(r"\b(?:not|no|never|cannot|can't|don't|doesn't|isn't|aren't|won't|neither|nor|unsupported|"
                     r"unavailable)\b", re.I)
_EN_CONDITIONAL = re.compile(r"^\s*(?:if|unless|when|where|in case)\b", re.I)


def _judge_ja(sentence: str) -> Verdict | None:
    s = sentence.strip()
    if _JA_NEG.search(s):
        return Verdict.NO
    if _JA_POS.search(s):
        return Verdict.YES
    return None


def _judge_en(sentence: str) -> Verdict | None:
    s = sentence.strip()
    if len(s.split()) < 3:
        return None
    if _EN_NEG.search(s):
        return None if _EN_CONDITIONAL.match(s) else Verdict.NO
    return Verdict.YES


def verdict(question: str, quote: str) -> Verdict | None:
    """None when the question asks no yes/no; else yes, no, or unclear when the sentences disagree."""
    if not asks_yes_no(question):
        return None
    judged = set()
    for sentence in _SENTENCE_END.split(quote):
        if not sentence or not sentence.strip() or sentence.strip().startswith(("※", "*", "注")):
            continue  # footnotes qualify, they do not answer
        if _DEPENDS.search(sentence):
            judged.add(Verdict.UNCLEAR)
            continue
        cjk = bool(CJK.search(sentence))
        v = _judge_ja(sentence) if cjk else _judge_en(sentence)
        judged.add(v)
    judged.discard(None)
    if len(judged) == 1:
        return judged.pop()
    return Verdict.UNCLEAR
