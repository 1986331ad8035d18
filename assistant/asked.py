"""What kind of fact a question asks for, and whether a passage states one of that kind.

"How long are audit logs kept?" is answered by a passage with a duration in it, "Where is our data
stored?" by one naming a region, "保存データの暗号化方式は？" by one naming an algorithm. A passage on the
right subject that states no fact of the asked kind ("We keep audit logs." for "how long") is the commonest
near miss: the embedding and the words both say "close", yet it does not answer. Reading the question and
the passage together this way is a feature of the decision (abstain.py) and lifts such passages in the
ranking (retrieve.py); the kinds are few and general, spelled in both languages, and never a vendor's words.
"""

from __future__ import annotations

import re
import unicodedata

_TIME_UNIT = r"(?:秒|分|時間|日|日間|営業日|週|週間|か月|ヶ月|カ月|ケ月|箇月|ヵ月|月|年|年間|" \
             r"世代|seconds?|minutes?|mins?|hours?|hrs?|days?|business\s+days?|weeks?|months?|years?|generations?)"

#: kind -> (the question asks for it, a passage states one)
KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "duration": (
        re.compile(r"\bhow\s+(?:long|soon|quickly|fast)\b|\bhow\s+many\s+(?:days|weeks|months|years|hours)\b|"
                   r"\bretention\s+period\b|\b(?:time\s*frame|timeline|deadline|rto|rpo)\b|"
                   r"期間|期限|何日|何年|何か月|何ヶ月|何時間|いつまで|どのくらいで|どれくらいで|以内に", re.ASCII),
        re.compile(rf"\d+(?:\.\d+)?\s*{_TIME_UNIT}|無期限|永久|即時|直ちに|遅滞なく|翌営業日|当日|\d{{4}}\s*年\s*\d{{1,2}}\s*月|"
                   r"\b(?:until|through)\s+[a-z]+\s+\d{4}\b|"
                   r"\b(?:indefinitely|immediately|promptly|without\s+undue\s+delay|same\s+day|next\s+business\s+day)\b|"
                   r"\b(?:one|two|three|four|five|six|seven|ten|twelve|thirty|ninety)\s+(?:days?|weeks?|months?|years?|hours?)\b", re.ASCII),
    ),
    "frequency": (
        re.compile(r"\bhow\s+often\b|\bfrequen|\b(?:annually|yearly|quarterly|monthly|weekly|daily|hourly)\b|"
                   r"頻度|間隔|周期|年\s*\d+\s*回|毎年|毎月|毎週|毎日", re.ASCII),
        re.compile(r"毎(?:日|週|月|年|時|朝|晩|夜)|[日週月年]次|[年月週日]に?\s*\d+\s*回|\d+\s*(?:時間|日|週|週間|か月|ヶ月|カ月|年)(?:ごと|毎|おき|に\s*1\s*回)|"
                   r"四半期|半期|半年|定期的|継続的|常時|随時|リアルタイム|都度|"
                   r"\b(?:daily|weekly|monthly|annual(?:ly)?|yearly|quarterly|hourly|nightly|biannual(?:ly)?|semi-annual(?:ly)?|"
                   r"every|each\s+(?:day|week|month|quarter|year)|twice|once|per\s+(?:day|week|month|quarter|year)|"
                   r"continuous(?:ly)?|real[\s-]time|periodic(?:ally)?|regularly|on\s+each|whenever)\b", re.ASCII),
    ),
    "place": (
        re.compile(r"\bwhere\b[^?]*\b(?:stored|hosted|located|processed|kept|reside[sd]?|housed|backed\s+up)\b|"
                   r"\bwhich\s+(?:countr|regions?|locations?|jurisdictions?)\b|\b(?:geograph\w*|data\s+residency)\b|"
                   r"どこに|どこで(?:保管|保存|管理|処理)|どの(?:国|地域|リージョン)|所在|保管場所|保存場所|国内|国外|海外|リージョン", re.ASCII),
        re.compile(r"リージョン|国内|国外|海外|日本|東京|大阪|米国|アメリカ|欧州|EU|"
                   r"\b(?:regions?|japan|tokyo|osaka|united\s+states|u\.s\.|usa|eu|europe(?:an)?|uk|germany|ireland|"
                   r"france|singapore|australia|canada|india|asia|frankfurt|virginia|oregon|"
                   r"on[\s-]premises?|availability\s+zones?)\b", re.ASCII),
    ),
    "amount": (
        re.compile(r"\bhow\s+many\b|\b(?:minimum|maximum)\b(?!\s+necessary)|\b(?:length|limit|number\s+of)\b|"
                   r"何文字|何桁|何人|何件|何回|桁数|文字数|回数|上限|下限|最大|最低|最小(?!限|権限)", re.ASCII),
        re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|sixteen|unlimited)\b|無制限", re.ASCII),
    ),
    "algorithm": (
        re.compile(r"\b(?:algorithms?|cipher(?:s|\s+suites?)?|key\s+(?:length|size)|which\s+(?:tls|ssl|version|"
                   r"protocol)|what\s+(?:tls|ssl|version|protocol)|hash(?:ing)?\s+(?:function|algorithm))\b|"
                   r"アルゴリズム|暗号(?:化)?方式|暗号強度|鍵長|ハッシュ(?:化)?方式|どの(?:バージョン|プロトコル)|バージョン(?!アップ)", re.ASCII),
        re.compile(r"\b(?:aes|rsa|sha-?\d+|ecdsa|ecdhe?|chacha20|bcrypt|scrypt|argon2|pbkdf2|hmac|3des|"
                   r"tls|ssl|https|sftp|ftps|ssh|ipsec)(?![a-z])|\d+\s*(?:bit|ビット)|"
                   r"(?<![\d.])\d+\.\d+(?![\d.])|\d+:\d{4}", re.ASCII),
    ),
}


#: Which end of a range the question asks for, and a passage's words for that end: "What is the maximum
#: password length?" is not answered by 「パスワードは10文字以上」 (a review's, answered at 0.99), nor "minimum
#: length?" by "up to 128 characters". A passage with figures but no word for the asked end answers another
#: question (match: -1), whatever other kind it states, when it says the other end (a figure alone may be both).
BOUNDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "upper": (re.compile(r"\b(?:maximum|max|upper\s+limit|at\s+most|longest)\b|上限|最大|最長|最多", re.ASCII),
              re.compile(r"以内|以下|まで|未満|上限|最大|最長|最多|無制限|制限(?:は)?(?:なし|ありません|ございません)|"
                         r"\b(?:up\s+to|at\s+most|maximum|max|no\s+more\s+than|not\s+exceed\w*|within|less\s+than|"
                         r"fewer\s+than|under|limit(?:ed)?\s+to|unlimited|no\s+limit)\b", re.ASCII)),
    "lower": (re.compile(r"\b(?:minimum|min|lower\s+limit|at\s+least|shortest)\b|下限|最低|最小(?!限|権限)|最短", re.ASCII),
              re.compile(r"以上|下限|最低|最小|最短|\b(?:at\s+least|minimum|min|or\s+more|no\s+fewer\s+than|no\s+less\s+than|"
                         r"more\s+than|longer\s+than|over)\b", re.ASCII)),
}


#: A range says both ends ("15分~14日の間", "between 5 and 120 minutes", "8文字から64文字").
_RANGE = re.compile(r"\d[^\d\s]{0,4}\s*[~〜～–]\s*\d|\bbetween\s+\d[^.]{0,30}?\band\s+\d|\d[^\d\s]{0,4}から\s*\d|"
                    r"\bfrom\s+\d[^.]{0,20}?\bto\s+\d", re.ASCII)


def other_bound(question: str, passage: str) -> bool:
    """The question asks for one end of a range, and the passage says the other end only."""
    q, p = _norm(question), _norm(passage)
    if _RANGE.search(p):
        return False
    (up_asks, up_says), (low_asks, low_says) = BOUNDS["upper"], BOUNDS["lower"]
    if bool(up_asks.search(q)) == bool(low_asks.search(q)):
        return False
    asked, other = ((up_says, low_says) if up_asks.search(q) else (low_says, up_says))
    return bool(other.search(p)) and not asked.search(p)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def kinds(question: str) -> list[str]:
    """The kinds of fact QUESTION asks for ([] when it asks for none of them: most yes/no questions)."""
    q = _norm(question)
    return [k for k, (asks, _) in KINDS.items() if asks.search(q)]


def states(kind: str, passage: str) -> bool:
    return bool(KINDS[kind][1].search(_norm(passage)))


def stated(question: str, text: str) -> set[str]:
    """What TEXT states of the kinds QUESTION asks for, as written (normalised): {"quarterly"}, {"30日"}."""
    norm = _norm(text)
    return {re.sub(r"\s+", " ", m.group(0)) for k in kinds(question) for m in KINDS[k][1].finditer(norm)}


#: Words that only ask for a kind of fact ("how often", "frequency", "where"): they name no subject, so the
#: documents not spelling them ("年1回" answers "how often") says nothing about whether they cover it.
_ASKING_WORDS = re.compile(r"(?:how\s+(?:often|long|many|much|soon|quickly|fast)|frequency|frequently|where|when|"
                           r"which|what|time\s*frame|timeline)", re.ASCII)


def asking_word(term: str) -> bool:
    """TERM (a question's word or phrase) only asks for a kind of fact, naming no subject."""
    return bool(_ASKING_WORDS.fullmatch(_norm(term).strip()))


def match(question: str, passage: str) -> float:
    """+1 when the passage states a fact of a kind the question asks for, -1 when it asks for some and the
    passage states none of them, 0 when the question asks for no particular kind."""
    asked = kinds(question)
    if not asked:
        return 0.0
    if other_bound(question, passage):
        return -1.0
    return 1.0 if any(states(k, passage) for k in asked) else -1.0


#: A condition the question opens with that rules something out: 「SSOを利用しない場合、…」, "For customers not
#: using SSO, …", "If SSO is not used, …". What it names is not what the question asks about: the SSO passage
#: had ranked first for a password-policy question (a real vendor page's check sheet).
_RULED_OUT = re.compile(r"^\s*[^、,。？?]{1,40}?(?:しない|しない方の|ない|以外の)場合(?:は|には|でも)?\s*[、,]\s*|"
                        r"^\s*(?:for|if|when|where)\b[^,?]{0,60}?\b(?:not|without|no|non-)\b[^,?]{0,60},\s*", re.I)


def without_condition(question: str) -> str:
    """QUESTION without a ruling-out condition it opens with, when what is left still names a subject (three
    words: "When data is not encrypted, what happens?" keeps its condition)."""
    from . import tokens

    rest = _RULED_OUT.sub("", question, count=1)
    return rest if rest != question and len(tokens.tokenize(rest)) >= 3 else question


#: A questionnaire's words for how a control is run, said of every control alike (CSA CAIQ: "Are policies and
#: procedures established, documented, approved, communicated, applied, evaluated, and maintained?", "Are
#: processes, procedures, and technical measures defined and implemented to …"; "Can backups be restored
#: appropriately for resiliency?"). No document words its facts that way: counted as the question's terms,
#: they outweighed what it asks about, and the passage that answers it read as a weak match.
_PROCEDURAL = (r"(?:established|documented|approved|communicated|applied|evaluated|maintained|implemented|defined|"
               r"enforced|adopted)")
_BOILERPLATE = re.compile(
    rf"\b{_PROCEDURAL}(?:\s*,\s*(?:and\s+|or\s+)?{_PROCEDURAL}|\s+(?:and|or)\s+{_PROCEDURAL})+\b|"
    r"\b(?:processes|policies|strategies|procedures)(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:procedures|standards|capabilities|"
    r"processes)(?:\s*,?\s*and\s+technical\s+measures)?\b|"
    r"\b(?:appropriately|as\s+appropriate|where\s+applicable|when\s+applicable(?:\s+and\s+possible)?|"
    r"according\s+to\s+(?:relevant|applicable)\s+standards|following\s+(?:a\s+)?defined\s+process(?:es)?|"
    r"for\s+resiliency)\b", re.I)


def without_boilerplate(question: str) -> str:
    """QUESTION without a questionnaire's procedural words (_BOILERPLATE), when what is left still names a
    subject (two words: "Can backups be restored?")."""
    from . import tokens

    rest = re.sub(r"\s+([?,.])", r"\1", re.sub(r"\s{2,}", " ", _BOILERPLATE.sub(" ", question))).strip()
    return rest if rest != question and len(tokens.tokenize(rest)) >= 2 else question


#: A leading enumerator or control id ("Q12.", "1-3)", "(4)", "AC-01:", "BCR-06:", "問5 "): a questionnaire's, not
#: asked. Kept, "bcr" and "06" were terms and numbers no document writes: a right first passage had been called
#: "not documented" (0.095) and another sent to review as a number mismatch.
_ENUMERATOR = re.compile(
    r"^\s*(?:(?:[QqＱｑ]|No|NO|no|問|質問|設問)\s*[.．]?\s*)?(?:[A-Za-zＡ-Ｚａ-ｚ]{1,4}\s*[-‐－.．]\s*)?"
    r"[(（]?\d{1,4}(?:\s*[-‐－.．]\s*\d{1,4})*[)）]?(?:\s*[.．:：、)）]\s*|\s+(?![a-z]))"
)
#: A letter or a kana or kanji: a cell or a question with words in it (not only numbers or marks).
WORDY = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def without_enumerator(text: str) -> str:
    """TEXT without its leading enumerator or control id, when words are left."""
    rest = _ENUMERATOR.sub("", text, count=1).strip()
    return rest if len(rest) >= 2 and WORDY.search(rest) else text
