"""Yes or no: whether a question asks one, and what the quoted passage says to it.

A check sheet wants はい/いいえ in its answer column, and a documented "no" (接続元IPアドレス制限は
提供されていません) must not read like a "yes". The judgement is deliberately conservative: it reads only
the predicates that end the quote's sentences (where Japanese puts its negation, and where an English
sentence's "not" sits in front of), in the paragraphs that speak to the question (a quote may hold a whole
short section), and anything mixed there or without a clear predicate is *unclear*, which the front-ends
show as "yes or no unclear" for a person to settle. It never turns an unanswered question into a yes or a no.
"""

from __future__ import annotations

import re
import unicodedata

from . import asked, glossary, tokens
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
_JA_WH = re.compile(r"何|なに|どの|どこ|どれ|どう|いつ|誰|いくつ|いくら|何故|なぜ|教えて|記載して|説明して|記入して|挙げて|方法|手順|内容|範囲|期間|頻度|方式|"
                    r"ください|下さい|について")


#: A check sheet's item written as the requirement it checks (ISMAP 管理策, METI/IPA lists): 「…を暗号化して
#: いること。」, 「…を定期的に見直すこと」, 「…できること」: met or not, a yes/no whatever noun it names (期間, 方式).
_JA_REQUIREMENT = re.compile(r"(?:[るたい]|ない)こと\s*[。．]?\s*$")
_JA_INTERROGATIVE = re.compile(r"何|なに|どの|どこ|どれ|どう|いつ|誰|いくつ|何故|なぜ")


def asks_yes_no(question: str) -> bool:
    q = question.strip()
    if not q:
        return False
    if CJK.search(q):
        if _JA_REQUIREMENT.search(q) and not _JA_INTERROGATIVE.search(q):
            return True
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
#: Negative words that negate nothing: a limit ("no later than 72 hours", "not more than"), an addition
#: ("not only"), or what a thing is no longer needed for ("remove access that is no longer needed").
_EN_NOT_NEG = re.compile(r"\b(?:no|not)\s+(?:later|more|less|fewer|earlier|sooner)\s+than\b|\bnot\s+only\b|"
                         r"\bnot\s+limited\s+to\b|\bno\s+matter\b|\bno\s+longer\s+(?:needed|required|necessary|"
                         r"in\s+use|used|valid|employed|active)\b", re.I)
#: A capability switched off says no to a question about using it ("TLS 1.0 / 1.1 による接続を無効化しました",
#: "TLS 1.0 and 1.1 are disabled"), unless the question asks about switching it off.
_JA_OFF = re.compile(r"(?:無効化|無効に|廃止|提供を終了|サポートを終了|受付を終了|利用を停止)(?:しました|しています|して"
                     r"おります|されています|されました|済み|となりました|となっています)[。．)）]*\s*$")
_EN_OFF = re.compile(r"\b(?:is|are|was|were|has been|have been|had been)\s+(?:now\s+|fully\s+|permanently\s+)?"
                     r"(?:disabled|deprecated|discontinued)\b", re.I)
#: ... or about taking something away, where switching off is the yes ("退職者のアカウントを削除していますか？" /
#: "…退職日に無効化しています。", "Do you revoke access…?" / "…is disabled").
_ASKS_OFF = re.compile(r"無効|廃止|停止|終了|削除|退職|失効|disabl|deprecat|discontinu|retire|decommission|block|"
                       r"turn(?:ed)?\s+off|switch(?:ed)?\s+off|remov|revok|deprovision|dispos|wipe|offboard|terminat",
                       re.I)
#: What a thing is done for ("…, so that users can no longer sign in with a password").
_EN_PURPOSE = re.compile(r",?\s+so\s+that\b.*$|,?\s+in\s+order\s+to\b.*$", re.I | re.S)
#: A condition inside a sentence ("…; if the parties cannot resolve the objection, …").
_EN_INNER_CONDITION = re.compile(r"(?<=[;,:])\s*(?:if|unless|where|in\s+case)\b[^,;]*,", re.I)
#: A condition opening a sentence (after a clause number: "8.2 Where those reports are not sufficient, …").
_EN_CONDITIONAL = re.compile(r"^\s*(?:\(?\d+(?:\.\d+)*[.)]?\s+|\(?[a-z]\)\s+)?(?:if|unless|when|where|in case)\b", re.I)


#: An aside closing a sentence ("…設けていません（NIST SP 800-63Bの考え方に基づきます）。").
_JA_ASIDE = re.compile(r"\s*[（(]([^（）()]*)[)）]\s*[。．]?\s*$")
_JA_CAN = re.compile(r"可能|でき")


def _judge_ja(sentence: str, off_says_no: bool = True, plans_say_no: bool = True) -> Verdict | None:
    """The predicate before a closing aside answers ("設けていません（…に基づきます）" is a no); the aside
    only qualifies it: a no in it makes a yes unclear ("参照します（お客様への開示は行っていません）"), and so
    does a can in it a no ("期限なし（管理者が設定可能）")."""
    aside = _JA_ASIDE.search(sentence.strip())
    main = _judge_ja_predicate(sentence[:aside.start()], off_says_no, plans_say_no) if aside else None
    if main is None:
        return _judge_ja_predicate(sentence, off_says_no, plans_say_no)
    side = _judge_ja_predicate(aside.group(1), off_says_no, plans_say_no)
    if main == Verdict.YES and side == Verdict.NO or main == Verdict.NO and side == Verdict.YES \
            and _JA_CAN.search(aside.group(1)):
        return Verdict.UNCLEAR
    return main


def _judge_ja_predicate(sentence: str, off_says_no: bool = True, plans_say_no: bool = True) -> Verdict | None:
    s = sentence.strip()
    if _JA_DISCLAIMS.search(s):
        return None
    if _JA_NA.search(s):
        return Verdict.UNCLEAR
    if _JA_PLANNED.search(s):
        return Verdict.NO if plans_say_no else Verdict.YES
    if _JA_NEG.search(s) or off_says_no and _JA_OFF.search(s):
        # "国内のデータセンターにのみ保管し、国外に保管することはありません": a no to elsewhere, a yes to the
        # only place; which one was asked is for a person to see
        return Verdict.UNCLEAR if _ONLY.search(s) else Verdict.NO
    if _JA_POS.search(s):
        return Verdict.YES
    return None


#: An instruction ("Do not share the SOC 2 report without an NDA."): it tells a reader what to do, it says
#: nothing of what the vendor does.
_EN_IMPERATIVE = re.compile(r"^\W*(?:please\s+)?(?:do\s+not|don't|never|avoid|make\s+sure|ensure)\b", re.I)


#: A reply of a word or two that is the answer itself ("Not yet.", "No.", "Yes.").
_EN_SHORT_NO = re.compile(r"^(?:no|not\s+yet|not\s+currently|not\s+at\s+(?:this(?:\s+(?:time|point|stage))?|the\s+moment|"
                          r"present))\W*$", re.I)
#: ... or a predicate alone: an FAQ's 「できません。」 under its question, what follows saying why.
_JA_SHORT = re.compile(r"^(?P<v>はい|いいえ|でき(?:ます|ません)|対応して(?:います|いません|おります|おりません)|"
                       r"(?:あり|ござい)(?:ます|ません)|可能です|不可です|(?:非|未)対応です)[。、，,．！!]?$")
#: A sentence that only says what something is (「設定できるIdPは1ワークスペースにつき1つです。」): after a short reply it
#: explains the reply, it gives no yes of its own.
_COPULA = re.compile(r"(?<!可能)(?<!対応)です[。．]?\s*$")
_JA_SHORT_NO = re.compile(r"いいえ|ません|不可|非対応|未対応")
_EN_SHORT_YES = re.compile(r"^yes\W*$", re.I)
#: Something planned is not done yet ("SCIM provisioning is on our roadmap", 「来年度に取得予定です」), unless the
#: question asks about plans.
_EN_PLANNED = re.compile(r"\bon\s+(?:our|the)\s+(?:product\s+)?roadmap\b|\b(?:is|are)\s+(?:currently\s+)?(?:planned|"
                         r"under\s+(?:development|consideration))\b|\bcoming\s+soon\b|"
                         r"\b(?:is|are)\s+scheduled\s+for\s+(?:Q[1-4]\b|(?:early|mid|late)[\s-]|20\d\d\b|next\s+(?:year|quarter|month)\b|"
                         r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+20\d\d\b)", re.I)
_JA_PLANNED = re.compile(r"(?:予定|計画中|検討中|開発中|準備中)(?:です|でございます|しております|しています|となっております)?"
                         r"[。．)）]*\s*$")
_ASKS_PLAN = re.compile(r"予定|計画|検討|ロードマップ|\b(?:plan|plans|planned|planning|roadmap|intend|future)\b", re.I)
#: Neither yes nor no: the question's matter does not apply ("PCI DSS: Not applicable", 「…は対象外です」).
_EN_NA = re.compile(r"(?i:\bnot\s+applicable\b)|(?<![\w/])N/A(?![\w/])")
_JA_NA = re.compile(r"(?:対象外|該当しません|該当なし|非該当|適用外)(?:です|となります|となっております)?[。．)）]*\s*$")


#: A contract's disclaimer of what an act means ("… is not an acknowledgement of fault", "shall not be construed
#: as …", 「…を認めるものではありません」): it says nothing of whether the act is done. "Notification of a
#: Personal Data Breach is not an acknowledgement of fault" had answered no to "breach notification defined?".
_EN_DISCLAIMS = re.compile(r"\bnot\s+(?:be\s+)?(?:an?\s+|deemed\s+|construed\s+(?:as\s+)?|considered\s+(?:as\s+|to\s+be\s+)?|"
                           r"interpreted\s+as\s+)?(?:an?\s+)?(?:acknowledg|admission|admit|waiver|waive|constitut)", re.I)
_JA_DISCLAIMS = re.compile(r"(?:認める|意味する|保証する|構成する|放棄する)ものでは(?:ありません|ない)")


def _judge_en(sentence: str, off_says_no: bool = True, plans_say_no: bool = True) -> Verdict | None:
    s = sentence.strip()
    if _EN_DISCLAIMS.search(s):
        return None
    if _EN_SHORT_NO.match(s):
        return Verdict.NO
    if _EN_SHORT_YES.match(s):
        return Verdict.YES
    if _EN_PLANNED.search(s):  # (before the length: "Coming soon." had read as no answer, the next sentence yes)
        return Verdict.NO if plans_say_no else Verdict.YES
    if len(s.split()) < 3 or _EN_IMPERATIVE.match(s):
        return None
    if _EN_NA.search(s):
        return Verdict.UNCLEAR
    # what a thing is done for is not whether it is done: "Administrators can enforce SSO so that users can
    # no longer sign in with a password" is a yes to SSO (a review's sheet got いいえ)
    s = _EN_PURPOSE.sub("", s) or s
    # a condition inside the sentence is no answer either: "…within 15 days of notice; if the parties cannot resolve
    # the objection, Customer may terminate" is a yes to "can the customer object?" (it had been read no)
    s = _EN_INNER_CONDITION.sub(" ", s) if not _EN_CONDITIONAL.match(s) else s
    if _EN_NEG.search(_EN_NOT_NEG.sub(" ", s)) or off_says_no and _EN_OFF.search(s):
        if _EN_CONDITIONAL.match(s):
            # the no may be the condition's ("Where those reports are not sufficient, the Customer may
            # conduct an on-site audit … with 30 days' notice"): what follows it says what is done
            condition, comma, rest = s.partition(",")
            return _judge_en(rest, off_says_no, plans_say_no) if comma and _EN_NEG.search(_EN_NOT_NEG.sub(" ", condition)) else None
        return Verdict.UNCLEAR if _ONLY.search(s) else Verdict.NO  # "only in Japan, never outside it"
    return Verdict.YES


#: A check sheet's answer that is a mark or a word for yes or no ("○ | SAML 2.0（Enterpriseプラン）"); the
#: filler picks a dropdown's value with the same words.
YES_MARKS = frozenset({"はい", "yes", "y", "○", "〇", "◯", "対応", "対応済", "可", "有", "あり", "実施", "true"})
NO_MARKS = frozenset({"いいえ", "no", "n", "×", "✕", "✗", "非対応", "未対応", "不可", "無", "なし", "未実施", "false"})


#: A check sheet's "not applicable" mark: neither yes nor no, whatever its remark says ("－ | クラウドサービスのみの提供です。").
NA_MARKS = frozenset({"－", "-", "―", "ー", "n/a", "na", "該当なし", "対象外", "非該当", "/", "／"})


def mark_of(quote: str) -> str:
    """A check sheet's answer's first cell as a mark reads ("Yes", "○。" -> "yes", "○"), whatever it holds."""
    return quote.split(" | ", 1)[0].strip().strip("。.").lower()


def not_applicable(quote: str) -> bool:
    """A check sheet's answer marked not applicable ("N/A | We operate no data centers.")."""
    return mark_of(quote) in NA_MARKS


def _marked(quote: str) -> Verdict | None:
    first = mark_of(quote)
    if first in NA_MARKS:
        return Verdict.UNCLEAR
    return Verdict.YES if first in YES_MARKS else Verdict.NO if first in NO_MARKS else None


#: "On all plans?" answered by what holds for some only ("only on the Enterprise plan"): a yes would say
#: more than the quote does.
_ALL = re.compile(r"\b(?:all|every|each|any)\b|全て|すべて|全(?:プラン|ユーザー|ユーザ|社員|従業員|員)|どの", re.I)
_ONLY = re.compile(r"\bonly\b|のみ|(?<!いた)だけ|限り|限定|に限ります", re.I)


def _words(text: str) -> set[str]:
    # "enforce" and "enforced" stem to enforce / enforc: one word here
    return {w[:-1] if len(w) > 4 and w.endswith("e") and w.isascii() else w for w in tokens.tokenize(text)}


class _Relevance:
    """How many of the question's words (or their glossary equivalents) a sentence uses."""

    def __init__(self, question: str):
        self.own = _words(question)
        # each equivalent whole: "second factor" is no "multi-factor" (MFA) for sharing "factor"
        self.groups = [[w for w in (_words(e) for e in (key, *eq)) if w] for key, eq in glossary.matches(question)]

    def __call__(self, sentence: str) -> int:
        words = _words(sentence)
        return len(self.own & words) + sum(1 for g in self.groups if any(e <= words for e in g)
                                           and not set().union(*g) & self.own & words)


def scored_sentences(question: str, text: str) -> list[tuple[int, str]]:
    """The sentences of TEXT, each with how many of the question's words (or equivalents) it shares."""
    relevance = _Relevance(question)
    return [(relevance(x), x.strip()) for x in _SENTENCE_END.split(text or "") if x and x.strip()]


def closest_sentences(question: str, text: str) -> list[str]:
    """The sentences of TEXT that share the most of the question's words (or their equivalents)."""
    scored = scored_sentences(question, text)
    top = max((score for score, _ in scored), default=0)
    return [x for score, x in scored if score == top]


def instruction(sentence: str) -> bool:
    """An English instruction to its reader ("Do not share the report without an NDA.")."""
    return bool(_EN_IMPERATIVE.match(sentence.strip()))


def _judge(sentence: str, off_says_no: bool = True, plans_say_no: bool = True) -> Verdict | None:
    if _DEPENDS.search(sentence):
        return Verdict.UNCLEAR
    return _judge_ja(sentence, off_says_no, plans_say_no) if CJK.search(sentence) \
        else _judge_en(sentence, off_says_no, plans_say_no)


#: A requirement that something is not done (「あらかじめ本人の同意を得ないで、個人データを第三者に提供していないこと。」):
#: a quote saying it is not done meets it. いいえ had been written against such a row.
_JA_NEGATIVE_REQUIREMENT = re.compile(r"(?:ない|ず|せず)こと\s*[。．]?\s*$|(?:ない|せず)ことを(?:規定|定め|明記|約束|確約)"
                                      r"(?:して|し)?(?:いる|ている)?こと\s*[。．]?\s*$")


#: A requirement to state or disclose something, and a sentence that speaks of stating or disclosing.
_JA_DISCLOSE = re.compile(r"(?:明示|記載|明記|公表|開示|提示|記述)(?:して|されて|し)(?:いる)?こと|(?:明示|記載|明記|公表|開示|提示|記述)すること")
_DISCLOSED = re.compile(r"明示|記載|明記|公表|開示|提示|記述|公開")


def verdict(question: str, quote: str) -> Verdict | None:
    """None when the question asks no yes/no; else yes, no, or unclear when the sentences that speak to it
    disagree. A quote of a whole short section holds its neighbours' facts too ("Users can enroll TOTP…
    SMS codes are not offered…" / "Administrators can enforce MFA for everyone…"), so only the paragraphs
    (or lines) that share most of the question's words are read, every sentence of them that gives a
    verdict: within one paragraph a "no" beside a "but you can" stays unclear. A check sheet's yes/no mark
    decides unless what follows it contradicts it."""
    if not asks_yes_no(question):
        return None
    if _ASKS_PLAN.search(_PLAN.sub(" ", question)):  # (plans for the future, not "the Standard plan")
        return _verdict(question, quote, plans_say_no=False)
    found = _verdict(question, quote)
    if found == Verdict.NO and _JA_DISCLOSE.search(question) and not any(
            _DISCLOSED.search(x) for x in _SENTENCE_END.split(quote) if x and _judge(x) == Verdict.NO):
        # a requirement to state something (「データセンターの所在国・地域を明示していること。」) is no more unmet by a
        # no about something else in the statement (「国外へのデータ移転は行わない。」) than met by it
        return Verdict.UNCLEAR
    if CJK.search(question) and _JA_NEGATIVE_REQUIREMENT.search(question.strip()) \
            and not _JA_INTERROGATIVE.search(question):
        return {Verdict.YES: Verdict.NO, Verdict.NO: Verdict.YES}.get(found, found)
    return found


#: A line that opens with a mark, a remark after it ("はい 当社Webサイトにて公開しています。").
#: (English "No more than five attempts" is a sentence: only Japanese marks and symbols open a remark so)
_LEAD_MARK = re.compile(r"^(?P<mark>はい|いいえ|[○〇◯×✕―－]|該当なし|対象外)(?:[\s\u3000]+(?P<rest>\S.*))?$")


def _verdict(question: str, quote: str, plans_say_no: bool = True) -> Verdict | None:
    mark = _marked(quote)
    if mark == Verdict.UNCLEAR:
        return Verdict.UNCLEAR
    rest = quote.split(" | ", 1)[1] if mark is not None and " | " in quote else ("" if mark is not None else quote)
    label, _, after = quote.partition("\n")
    second, _, later = after.partition("\n")
    lead = _LEAD_MARK.match(second)
    if mark is None and after and (line_mark := _marked(lead.group("mark") if lead else second)) is not None \
            and " | " not in label:
        # a table scraped one cell a line: its item, then its mark ("ディザスタリカバリ\n×\n待機系の…"); or a check
        # sheet as text: its question, then its mark and remark ("3-2 ペネトレーションテストを実施していますか。\n
        # いいえ 今後の実施を検討中です。")
        if line_mark == Verdict.UNCLEAR:
            return Verdict.UNCLEAR
        mark, rest = line_mark, ((lead.group("rest") or "") + "\n" + later if lead else later)
    off_says_no = not _ASKS_OFF.search(question)
    named = _Names(question)
    relevance = _Relevance(question)
    blocks = []
    checklist = bool(_CHECKED.search(rest))
    for block in re.split(r"\n", rest):
        if checklist and (check := _CHECK_LINE.match(block)):
            # a checklist's line: its mark is its answer ("✕ IPアドレス制限（2025年提供予定）" had answered "IP restriction?"
            # from the ✓ lines around it, unclear, and a BYOK question the same way)
            blocks.append([(relevance(block), _CHECK_MARKS[check.group("m")], block)])
            continue
        if (row_mark := _row_mark(block)) is not None:
            # a table's row whose value is a mark ("| 稼働率未達時の返金・減額 | × |"): the mark is its answer
            blocks.append([(relevance(block), row_mark, block)])
            continue
        if len(_row_cells(block)) >= 3 and _judge(block) == Verdict.NO:
            # a row of three cells or more, none a mark, whose last cell reads no: it answers its column, not the
            # question ("管理者操作ログ\t本番環境へのアクセス\t3年\t不可（監査時に提示）": the customer may not view
            # them; the logs are kept, and "are they retained?" had been answered no)
            continue
        # footnotes qualify, they do not answer, unless one names what was asked ("…IPアドレス制限 … 登録できます。
        # ※店舗のPOS端末アプリは、IPアドレス制限の対象外です。" to "Is the allowlist enforced on the POS app?")
        sentences = [x for x in _SENTENCE_END.split(block) if x and x.strip()
                     and (not _FOOTNOTE.match(x) or named.used(x) - named.used(quote.replace(x, ""))
                          or _most_relevant(relevance, x, quote))]
        blocks.append([(relevance(x), v, x) for x in sentences
                       if (v := _judge(x, off_says_no, plans_say_no)) is not None
                       and (v := _required(question, x, _clause_verdict(x, v, relevance))) is not None])
    figures = _figures(question)
    if figures and any(figures & _figures(x) for judged in blocks for _, _, x in judged):
        # the question names a version or a standard ("TLS 1.0", "ISO 27001") and some sentence names it: the
        # others speak of another one ("TLS 1.2 or higher is used", "… is not PCI DSS certified")
        blocks = [[(score, v, x) for score, v, x in judged if figures & _figures(x)] for judged in blocks]
    elif figures and any(figures & _figures(x) and (_PREPARING.search(x) or _EN_PLANNED.search(x))
                         for x in _SENTENCE_END.split(rest) if x):
        # ... or speaks of plans for it without a yes or no the sentence gives: one naming another figure
        # speaks of another standard (「ISO/IEC 27017の認証を取得しました。…ISO/IEC 27018については取得に向けた
        # 準備を進めてお」, cut off by the scrape, had answered yes to 27018); a table's row naming it with no
        # predicate still lets its neighbours' yes stand
        blocks = [[(score, v, x) for score, v, x in judged if not _figures(x)] for judged in blocks]
    if any(v == Verdict.NO and named(x) for judged in blocks for _, v, x in judged):
        # ... or names a thing ("SMS", "OpenID Connect") that a sentence says no to: a yes beside it is to
        # another thing ("SAML 2.0に対応しています。OpenID Connectには対応していません。") unless it offers a
        # way round ("接続元IPアドレス制限は提供されていません。SAML SSOを利用することで制限できます。":
        # unclear); a yes naming it decides nothing alone ("Admins can export CSV" to "Can store staff …?")
        blocks = [[(score, v, x) for score, v, x in judged if named(x) or v != Verdict.YES or _WAY.search(x)]
                  for judged in blocks]
    asked_role = _role(question)
    if len(asked_role) == 1 and any(asked_role & _role(x) for judged in blocks for _, _, x in judged):
        # the question asks about one kind of user (an administrator, or an ordinary user) and a sentence
        # speaks of them: one about the other kind only is a sibling fact ("管理者権限を持つユーザーは…必須です"
        # to 「一般ユーザーの2段階認証は必須ですか？」); there "optional" is the answer to "mandatory?"
        # (asked of ordinary users: an administrator's "optional" is mostly the actor's, 「本部管理者が…必須化」)
        blocks = [[(score, _optional(question, x, v) if _role(x) == asked_role == {"user"} else v, x)
                   for score, v, x in judged if not _role(x) or asked_role & _role(x)] for judged in blocks]
    paragraphs = []
    for judged in blocks:
        if judged:
            # a sentence sharing a quarter or less of the best one's words is about something else ("…を
            # 取得しています。なお、ISMAPへの登録は行っておらず…"), one sharing more qualifies it ("…は提供
            # されていません。SAML SSOを利用することで制限できます。")
            best = max(score for score, _, _ in judged)
            # ... and one that only restricts what is done to something else, sharing fewer of its words than
            # the best ("Customer data is used only to provide the service. We do not … use it to train
            # models."): its yes is to another question
            # (or no more of them than a no beside it: "…通知のためにのみ使用します。顔認証には使用しません。"
            # is one answer, a no to 顔認証)
            refused = max((score for score, v, _ in judged if v == Verdict.NO), default=None)
            paragraphs.append([(score, v) for score, v, x in judged if (4 * score > best or not best)
                               and not (v == Verdict.YES and _ONLY.search(x)
                                        and (score < best or refused is not None and score <= refused))])
    judged: set = set()
    if paragraphs:
        top = max(score for para in paragraphs for score, _ in para)
        for para in paragraphs:
            if max(score for score, _ in para) == top:
                judged |= {v for _, v in para}
    opening = next((x.strip() for x in _SENTENCE_END.split(rest) if x and x.strip()), "")
    short = Verdict.NO if _EN_SHORT_NO.match(opening) else Verdict.YES if _EN_SHORT_YES.match(opening) else \
        (Verdict.NO if _JA_SHORT_NO.search(m.group("v")) else Verdict.YES) if (m := _JA_SHORT.match(opening)) else None
    if mark is None and short is not None and not any(
            score and v not in (short, Verdict.UNCLEAR) and not _COPULA.search(x)
            for para in blocks for score, v, x in para if x.strip() != opening):
        # an FAQ's answer that opens "Not at this time." / 「はい。」: what follows elaborates it ("Users can be
        # created by CSV import…" is no yes to SCIM) unless it names what was asked and says otherwise
        judged = {short}
    if mark == Verdict.NO and judged == {Verdict.YES} and all(
            _ONLY.search(x) for para in blocks for _, v, x in para if v == Verdict.YES):
        # "いいえ | クラウド版のみの提供です。": the remark says what is done instead, the no stands
        found = Verdict.NO
    elif mark is not None:
        found = mark if judged <= {mark} else Verdict.UNCLEAR
    else:
        found = judged.pop() if len(judged) == 1 else Verdict.UNCLEAR
    if found == Verdict.YES and mark is None and _object_unsaid(question, quote):
        # asked whether something is done, told only about what it is done to (a check sheet's mark answers its own
        # row's question, which the quote does not repeat): 「稼働率が目標値を下回った場合、
        # 減額・返金（サービスクレジット）を行いますか」 had been answered yes from 「月間稼働率99.9%を目標に運用しています」
        return Verdict.UNCLEAR
    if found in (Verdict.YES, Verdict.UNCLEAR) and _ASKS_INCLUDED.search(question) and any(
            _EXCLUDED.search(x) or _OUT_OF_SCOPE.search(x) for x in closest_sentences(question, rest)):
        # asked whether it counts, told it is left out: 「計画メンテナンスの時間は算定から除きます」 had answered はい to
        # 「計画停止の時間は稼働率の算定対象に含まれますか」, and 「オンプレミス版は対象外」 answered nothing to 「…含まれますか」
        return Verdict.NO
    if found == Verdict.YES and _ASKS_FREE.search(question) and any(
            score and _PAID.search(unicodedata.normalize("NFKC", x)) for score, x in scored_sentences(question, rest)):
        # asked whether it is free, told it is done for a fee: 「消去証明書の発行はご要望に応じて行います（有償）。」
        # had answered yes to "Is a certificate of data destruction provided free of charge?"
        return Verdict.NO
    if found == Verdict.UNCLEAR and _ELSEWHERE.search(question) and not _AND_ASKS.search(question) and any(
            _ELSEWHERE.search(x) and not _ONLY.search(x) and _judge(x, off_says_no) == Verdict.NO
            for x in _SENTENCE_END.split(rest) if x):
        # asked whether it is kept elsewhere, told plainly it is not ("We do not store data outside Japan."): the
        # sentence about elsewhere answers, the one about where it is kept is beside the point
        return Verdict.NO
    plan = _plan_says(question, rest, off_says_no)
    if plan is not None:
        # the question names a plan and a sentence of the quote names it too: what that sentence says is the answer
        # for the plan (「スタンダードプランで共有先のドメイン制限は使えますか」 / 「…制限します。スタンダードプランでは利用
        # できません。」 had been answered yes from the sentence describing the feature)
        return plan
    if found == Verdict.YES and (_ALL.search(question) and (_ONLY.search(quote) or _ASKS_PLANS.search(question)
                                                          and _one_plan(quote))
                                 or _other_plan(question, quote)
                                 or _other_value(question, quote) or _no_value(question, quote)):
        return Verdict.UNCLEAR
    return found


_ASKS_FREE = re.compile(r"無償|無料|追加(?:費用|料金)(?:なし|なく|不要)|\bfree\s+of\s+charge\b|\bwithout\s+(?:any\s+)?"
                        r"(?:additional\s+|extra\s+)?(?:charge|cost|fee)s?\b|\bat\s+no\s+(?:additional\s+|extra\s+)?"
                        r"(?:charge|cost)\b|\bfor\s+free\b|\bfree\s+(?:to|for)\s+all\b|\bincluded\s+in\s+the\s+price\b", re.I)
#: The thing a Japanese yes/no question asks to be done: the phrase before 「を行いますか」「を実施していますか」…
_JA_ASKED_ACT = re.compile(r"([^、。，,]{2,40}?)(?:を|は)\s*(?:行|実施|提供|導入|発行|用意|採用|設定|締結)[^、。]{0,12}(?:か|こと)\s*[。．？?]?\s*$")
_ACT_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[\u30a0-\u30ffー]{3,}|[A-Za-z][A-Za-z0-9]{2,}")


def _object_unsaid(question: str, quote: str) -> bool:
    """The question asks whether a thing is done (「…返金（サービスクレジット）を行いますか」) and the quote names
    none of that thing's words nor their glossary equivalents."""
    m = _JA_ASKED_ACT.search(unicodedata.normalize("NFKC", question.strip()))
    if not m or not CJK.search(quote):
        return False  # (an English quote says it in other words)
    phrase = m.group(1)
    phrase = re.split(r"場合[、,]?|ため[、,]|際[、,]?|とき[、,]?", phrase)[-1]
    words = {w for w in _ACT_WORD.findall(phrase)}
    if not words:
        return False
    said = unicodedata.normalize("NFKC", quote)
    equivalents = [e for key, eq in glossary.matches(phrase) for e in (key, *eq)]
    return not any(w in said for w in words) and not any(e and e in said for e in equivalents)


_ASKS_INCLUDED = re.compile(r"含まれ|含め|含む|\binclud(?:ed|es?)\b|\bcount(?:ed|s)?\s+(?:towards?|in)\b", re.I)
_EXCLUDED = re.compile(r"除き|除く|除いて|除外|含まれません|含みません|含めません|\bexclud(?:ed|es?|ing)\b|\bnot\s+included\b|"
                       r"\bnot\s+count(?:ed)?\b", re.I)
#: Out of the scope asked about: to "included?", 対象外 is a no (elsewhere it is neither: _JA_NA).
_OUT_OF_SCOPE = re.compile(r"対象外|適用外|範囲外|\bout\s+of\s+scope\b", re.I)
_PAID = re.compile(r"\d[\d,]*\s*円|[¥￥$€£]\s*\d|有償|有料|別料金|追加料金|オプション料金|\bpaid\b|\bfor\s+a\s+fee\b|\b(?:additional|extra)\s+"
                   r"(?:fee|charge|cost)s?\b|\bat\s+(?:an\s+)?(?:additional|extra)\s+(?:fee|charge|cost)\b|\bchargeable\b"
                   r"|\bbilled\s+separately\b", re.I)

_UNITS = (("h", r"時間|hours?|hrs?"), ("d", r"営業日|日間|日|(?:business\s+)?days?"), ("w", r"週間|週|weeks?"),
          ("m", r"か月|ヶ月|カ月|ケ月|箇月|ヵ月|months?"), ("y", r"年間|年|years?"))
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(" + "|".join(f"(?P<{u}>{p})" for u, p in _UNITS) + r")(?![a-z])", re.I)
_PERIODS = (("day", r"\bdaily\b|毎日|日次|\bevery\s+day\b|\bonce\s+a\s+day\b"),
            ("week", r"\bweekly\b|毎週|週次|\bevery\s+week\b|\bonce\s+a\s+week\b"),
            ("month", r"\bmonthly\b|毎月|月次|\bevery\s+month\b|\bonce\s+a\s+month\b|月に?\s*1\s*回"),
            ("quarter", r"\bquarterly\b|四半期|\bevery\s+(?:three\s+months|quarter)\b|\bonce\s+a\s+quarter\b"),
            ("half", r"半年|半期|\b(?:semi-?|bi)annual(?:ly)?\b|\btwice\s+a\s+year\b|\bevery\s+six\s+months\b"),
            ("year", r"\bannual(?:ly)?\b|\byearly\b|毎年|年次|年に?\s*1\s*回|\bonce\s+a\s+year\b|\bevery\s+year\b"))


#: A count of attempts or characters ("10回", "5 failed attempts", "12文字"), not a frequency's ("年2回", "3 times a year").
_COUNT = re.compile(r"(?<![年月週日毎])(?<![年月週日]に)(\d+)\s*(?:(?P<n>回|(?:failed\s+)?(?:attempts?|tries)\b)|"
                    r"(?P<c>文字|桁|characters?\b|chars?\b))(?!\s*(?:a|per|each|every)\s)", re.I)


def _values(text: str) -> tuple[set[tuple[str, str]], set[str]]:
    """The durations ("48 hours" -> ("48", "h")) and counts ("10回" -> ("10", "n")) and the periods of a frequency
    ("quarterly" -> "quarter") TEXT states."""
    norm = unicodedata.normalize("NFKC", text)
    durations = {(m.group(1), next(u for u, _ in _UNITS if m.group(u))) for m in _DURATION.finditer(norm)}
    durations |= {(m.group(1), "n" if m.group("n") else "c") for m in _COUNT.finditer(norm)}
    periods = {name for name, pattern in _PERIODS if re.search(pattern, norm, re.I)}
    return durations, periods


def _other_value(question: str, quote: str) -> bool:
    """The question asks about one duration or frequency ("notified within 24 hours?", "quarterly
    penetration tests?") and the quote states others of that kind only ("within 48 hours", "once a year"):
    its yes would be to something the quote does not say."""
    asked_durations, asked_periods = _values(question)
    told_durations, told_periods = _values(quote)
    # ... or states the asked one beside another of the same unit ("30日以内" after "60日間はデータを保持…60日経過後、
    # 削除します" to "deleted within 30 days?"): which one is for what the question asks is for a person to read
    units = {u for _, u in asked_durations}
    closest, _ = _values("\n".join(closest_sentences(question, quote))) if asked_durations & told_durations else (set(), set())
    # (asked a bound of a range the quote allows, "…0~90日間でカスタマイズ可能": that answers it)
    bound = any(n in _range_bounds(quote) for n, _ in asked_durations)
    beside = set() if bound else {(n, u) for n, u in closest - asked_durations if u in units}
    return bool(asked_durations and told_durations and (not asked_durations & told_durations or beside)
                or asked_periods and told_periods and not asked_periods & told_periods)


_RANGE = re.compile(r"(\d+)\s*(?:\([^)]*\))?\s*[~〜～\-–]\s*(\d+)")


def _range_bounds(quote: str) -> set[str]:
    """The figures that bound a range the quote allows ("0~90日間でカスタマイズ可能": 0 and 90)."""
    return {n for m in _RANGE.finditer(unicodedata.normalize("NFKC", quote)) for n in m.groups()}


def _no_value(question: str, quote: str) -> bool:
    """The question names a duration ("within 72 hours?", 「72時間以内に通知しますか」) and the quote states none:
    "without undue delay" is no yes to it (a review's sheet got はい)."""
    asked_durations, _ = _values(question)
    told_durations, _ = _values(quote)
    return bool(asked_durations) and not told_durations


#: A plan's name: "Liteプラン", "Enterprise plan", "ビジネスプラン".
#: (An English plan's name is capitalised: "the Starter plan", not "the plan", "a response plan" or "for planned".)
_PLAN = re.compile(r"(?:(?<![A-Za-z])(?!(?:The|This|That|Our|Your|Each|Every|Any|All|Which|What|An?)\s)(?-i:([A-Z][A-Za-z0-9+]*))"
                   r"\s*(?:plans?|edition|tier)\b|([A-Za-z][A-Za-z0-9+]*|[\u30a0-\u30ff]+)\s*プラン)", re.I)


_KNOWN_PLAN = re.compile(r"(?<![A-Za-z])([a-z]+)\s+(?:plans?|tier)\b")


def _plan_names(text: str) -> set[str]:
    """The plans a text names, lower-case, English names with their katakana ("standard" and "スタンダード")."""
    out: set[str] = set()
    names = [a or b for a, b in _PLAN.findall(text)]
    names += [m for m in _KNOWN_PLAN.findall(text) if glossary.equivalents(f"{m} plan")]  # "the free plan"
    for name in names:
        out.add(name.lower())
        out.update(eq.removesuffix("プラン").lower() for eq in glossary.equivalents(f"{name} plan"))
    return out


def _plan_says(question: str, rest: str, off_says_no: bool) -> Verdict | None:
    """A plan's own yes or no: no when a sentence naming the plan the question asks about says no (else yes when
    one says yes), None when no sentence names it."""
    asked = _plan_names(question)
    if not asked:
        return None
    naming = [x for x in _SENTENCE_END.split(rest) if x and asked & _plan_names(x)]
    said = {v for x in naming if (v := _judge(x, off_says_no)) in (Verdict.YES, Verdict.NO)}
    if said:
        return Verdict.NO if Verdict.NO in said else Verdict.YES
    if naming and _plan_names(rest) - asked:
        # named beside other plans, with no yes or no of its own (「この機能はビジネスプラン以上でご利用いただけます。
        # スタンダードプランでは、…1つずつ復元してください。」): the feature's yes is for the others
        return Verdict.UNCLEAR
    return None


#: A second question joined to the first ("Do you tell customers where data is stored, and is any stored outside…?").
_AND_ASKS = re.compile(r"\band\s+(?:is|are|do|does|can|will|has|have)\b|[、,]\s*(?:また|さらに)", re.I)
#: Somewhere other than where the data is: "outside Japan", 国外, 海外, abroad.
_ELSEWHERE = re.compile(r"\boutside\b|国外|海外|域外|\babroad\b|\boverseas\b", re.I)
#: A checklist's marks opening its lines: done (✓), not done (✕), not applicable (－, only beside the others).
_CHECKED = re.compile(r"(?m)^\s*[✓✔☑✕✗☒]\s*\S")
_CHECK_LINE = re.compile(r"^\s*(?P<m>[✓✔☑✕✗☒×－―])\s*\S")
_CHECK_MARKS = {**dict.fromkeys("✓✔☑", Verdict.YES), **dict.fromkeys("✕✗☒×", Verdict.NO),
                **dict.fromkeys("－―", Verdict.UNCLEAR)}
_ASKS_PLANS = re.compile(r"プラン|\b(?:plans?|tiers?|editions?|subscriptions?)\b", re.I)


def _one_plan(quote: str) -> bool:
    """A sentence naming a plan and not all of them ("SSO機能はエンタープライズプランでご利用いただけます。"): to "on
    every plan?" it is no yes."""
    return any(_plan_names(x) and not _ALL.search(x) for x in _SENTENCE_END.split(quote) if x)


def _other_plan(question: str, quote: str) -> bool:
    """The question asks about one plan, the quote speaks of others only ("Liteプランでも使えますか？" /
    "SSOはEnterpriseプランでご利用いただけます。"): its yes is for them."""
    asked = _plan_names(question)
    told = _plan_names(quote)
    return bool(asked) and bool(told) and not asked & told


#: A figure: a version, a standard's number, an amount; not the digit of a name ("2FA", "2要素", "2段階").
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?(?![.,]?\d)(?![A-Za-z]|要素|段階)")

#: The two kinds of user whose settings differ most often: administrators and everyone else.
_ROLES = (("admin", re.compile(r"管理者|特権|\badmin(?:istrator)?s?\b|\bowners?\b|\bprivileged\b", re.I)),
          ("user", re.compile(r"一般(?:の)?(?:ユーザー|ユーザ|利用者|社員)|エンドユーザー?|\b(?:end|general|ordinary|standard|"
                              r"regular|non-admin(?:istrator)?)\s+users?\b|\bnon-admins?\b|\bmembers\b", re.I)))


def _role(text: str) -> set[str]:
    """Which kinds of user TEXT speaks of ({"admin"}, {"user"}, both or none); "管理者以外" is everyone else."""
    text = re.sub(r"管理者以外|\bnon-admin\w*", "一般ユーザー", text, flags=re.I)
    return {name for name, pattern in _ROLES if pattern.search(text)}


#: "Mandatory?" answered "optional": a no, or unclear where the sentence says it can be made mandatory
#: ("For end users MFA is optional and can be enforced by the administrator"); not to "can you enforce it?".
_ASKS_MUST = re.compile(r"必須|強制|義務|\b(?:mandatory|required?|enforced?|compulsory|must)\b", re.I)
_ASKS_CAN = re.compile(r"でき|可能|設定(?:は|が)?あり|機能|\b(?:can|could|possible|able|options?|settings?|allow\w*|support\w*)\b", re.I)
_OPTIONAL = re.compile(r"任意|\boptional(?:ly)?\b", re.I)
_MADE_MUST = re.compile(r"必須化|必須に|強制|\b(?:enforced?|required?|mandatory)\b", re.I)


#: "Mandatory?" answered by someone being able to make it so ("Administrators can require 2FA for every
#: agent", 「管理者は2段階認証を必須に設定できます」): it is not, until they do.
_CAN_REQUIRE = re.compile(r"\b(?:can|may|could|(?:is|are)\s+able\s+to|(?:has|have)\s+the\s+option\s+to)\s+(?:\w+\s+)?"
                          r"(?:require|enforce|mandate|make\s+(?:\S+\s+){1,4}?(?:mandatory|required|compulsory))\b|"
                          r"(?:必須|強制)(?:化|に)?(?:設定)?(?:すること)?(?:が)?(?:でき|可能)", re.I)


_SAYS_MUST = re.compile(r"必須|義務|\b(?:mandatory|required|compulsory|enforced)\b", re.I)


def _required(question: str, sentence: str, found: Verdict) -> Verdict | None:
    """A yes read against what was asked of it: that it is mandatory, or that it is optional."""
    if found != Verdict.YES or _ASKS_CAN.search(question):
        return found
    if _ASKS_MUST.search(question) and not _OPTIONAL.search(question) and _CAN_REQUIRE.search(sentence) \
            and not _SAYS_MUST.search(_CAN_REQUIRE.sub(" ", sentence)):
        # asked of administrators, the one who can require it is the administrator: that sentence is
        # about everyone else ("一般ユーザーは任意ですが、本部管理者が必須化できます")
        return None if _role(question) == {"admin"} else Verdict.UNCLEAR
    if _OPTIONAL.search(question) and _SAYS_MUST.search(_CAN_REQUIRE.sub(" ", sentence)) and not _OPTIONAL.search(sentence):
        return Verdict.NO  # "optional for administrators?" / "mandatory for every administrator"
    return found


def _optional(question: str, sentence: str, found: Verdict) -> Verdict:
    """The verdict of a sentence calling optional what the question asks is mandatory; else FOUND."""
    if not _OPTIONAL.search(sentence) or not _ASKS_MUST.search(question) or _ASKS_CAN.search(question):
        return found
    return Verdict.UNCLEAR if _MADE_MUST.search(sentence) else Verdict.NO


#: A negation inside a clause ("対応しておらず、", "提供しておらず、", "なく、").
_JA_NEG_INSIDE = re.compile(r"ず|ない|なく|ません|不可|非対応|未対応|なし|無し")


def _clause_verdict(sentence: str, found: Verdict, relevance: "_Relevance") -> Verdict:
    """A Japanese sentence that ends in a no about something else after a yes ("国内のデータセンターに保管
    され、国外に保管されることはありません"): the clause that speaks of what was asked answers it. The no
    stands when the question's words are in its own clause ("国外に保管されますか？"), or when the first
    clause is negative too ("対応しておらず、今後も予定はありません")."""
    if found != Verdict.NO or not CJK.search(sentence) or "、" not in sentence:
        return found
    head, _, tail = sentence.rpartition("、")
    if _JA_NEG_INSIDE.search(head) or not _JA_POS_INSIDE.search(head):
        return found
    # the no shares some of the question's words (the same act, of another thing): "国外に保管されること"
    own, other = relevance(head), relevance(tail)
    # (a no sharing none of them is about something else: "マルウェア検査を行い、検知されたファイルは受け付けません"
    # is a yes to malware scanning; unless the first clause only prepares it: "取得に向けて準備を進めており、…")
    if _PREPARING.search(head):
        return found
    return Verdict.YES if own > other else found


_PREPARING = re.compile(r"準備|予定|検討|計画|向けて|目指")
#: A clause that says something is done, in the form that goes on to the next clause ("保管され、", "実施し、").
_JA_POS_INSIDE = re.compile(r"(?:され|し|しており|しております|でき|おり|行い|(?<!で)あり|設け|導入し|取得し)\s*$")


def _figures(text: str) -> set[str]:
    return set(_FIGURE.findall(tokens.normalize(text)))


#: A sentence offering a way to do what was asked: "SAML SSOを利用することで制限できます", "…by using SAML SSO".
_WAY = re.compile(r"ことで|ことにより|を(?:利用|使用|使っ|用い)て|経由で|\b(?:by using|via|through|using|instead)\b", re.I)


#: A name as a question writes it: two capitals or more ("SMS", "OpenID", "SAML", "EDR").
_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]*[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*")


class _Names:
    """The question's names a text uses, itself or by a glossary equivalent ("MFA" in 多要素認証)."""

    def __init__(self, question: str):
        self.forms: dict[str, list[set[str]]] = {}
        equivalents = glossary.matches(question)
        for name in {m.group(0) for m in _NAME.finditer(question)}:
            forms = [_words(name)] + [_words(e) for key, eq in equivalents if key.lower() == name.lower()
                                      for e in eq]
            self.forms[name.lower()] = [f for f in forms if f]

    def __call__(self, text: str) -> bool:
        return bool(self.used(text))

    def used(self, text: str) -> set[str]:
        words = _words(text)
        return {name for name, forms in self.forms.items() if any(f <= words for f in forms)}


#: A footnote's mark: ※, 注, or an asterisk that is no Markdown bold ("**Enterprise:** …" is a sentence).
_FOOTNOTE = re.compile(r"^\s*(?:※|注|\*(?!\*))")


def _row_cells(line: str) -> list[str]:
    """A table row's filled cells, apart by "|", "｜" or tabs (a line that is no row is one cell)."""
    return [c.strip() for c in re.split(r"[|｜\t]", line) if c.strip()]


def _row_mark(line: str) -> Verdict | None:
    """The yes, no or unclear of a table row (cells apart by "|" or tabs) whose cells after its label hold
    marks (○ / × / － / はい / No); unclear when they differ (a plan matrix's "× | ○ | ○"); None for a row
    with no mark, or a line that is no row."""
    cells = _row_cells(line)
    if len(cells) < 2 or not ("|" in line or "｜" in line or "\t" in line):
        return None
    marked = [_marked(c) for c in cells[1:]]
    marks = {m for m in marked if m is not None}
    if not marks:
        return None
    if len(cells) > 3 and any(m is None and len(c) <= 10 for m, c in zip(marked, cells[1:])):
        # a plan matrix's short cell that is no mark ("× | × | オプション", "有償", "一部"; a remark is longer):
        # the row says more than its marks (BYOK "× × オプション" had been answered no: it is an option on the top plan)
        return Verdict.UNCLEAR
    return marks.pop() if len(marks) == 1 else Verdict.UNCLEAR


def _most_relevant(relevance: "_Relevance", note: str, quote: str) -> bool:
    """A footnote sharing more of the question's words than any other sentence of the quote is its answer
    ("…自動的にログアウトします。※自動ログアウトまでの時間は変更できません。" to "can the timeout be changed?")."""
    own = relevance(note)
    others = [relevance(x) for x in _SENTENCE_END.split(quote.replace(note, "")) if x and x.strip()]
    return own > 0 and own > max(others, default=0)


def same_answer(question: str, old: str, new: str) -> bool:
    """Whether NEW says what OLD said (last year's check-sheet answer against this year's passage): every
    figure of OLD is in NEW, and to a yes/no question both give the same clear yes or no. A past answer with
    neither a figure nor a clear yes or no says nothing that could agree."""
    said = old.partition(" | ")[2] if " | " in old else old
    old_figures, new_figures = _figures(said), _figures(new)
    if not old_figures <= new_figures:
        return False
    if asks_yes_no(question):
        said = verdict(question, old)
        return said in (Verdict.YES, Verdict.NO) and verdict(question, new) == said
    # "How often…?": "Quarterly." last year, "reviewed quarterly" now; in another language they cannot agree
    old_facts = old_figures | asked.stated(question, said)
    return bool(old_facts) and old_facts <= new_figures | asked.stated(question, new)

