"""Retrieval and answers on the default corpus: Japanese and English questions, abstention, bad input."""

from __future__ import annotations

import pytest

from assistant import polarity
from assistant.answer import Assistant, validate_question
from assistant.config import Settings
from assistant.errors import InputError
from assistant.types import Status, Verdict


@pytest.mark.parametrize("question, fragment", [
    ("SCIMに対応していますか？", "SCIMによる同期"),
    ("保存データの暗号化方式は？", "AES-256"),
    ("Is data at rest encrypted with AES-256?", "AES-256"),
    ("ジョブ履歴の保存期間は？", "デフォルトで30日間"),
    ("What is the minimum password length?", "8文字以上"),
    ("Which regions are your data centers in?", "5つのリージョン"),
    ("2要素認証に対応していますか？", "TOTPベースの2要素認証"),
])
def test_answers_quote_the_right_passage(assistant, question, fragment):
    answer = assistant.ask(question)
    assert answer.answered, answer.to_dict()
    best = answer.citations[0]
    assert fragment in best.quote
    text = assistant.source_text(best.source)
    assert text[best.start:best.end] == best.quote
    assert best.source == "corpus/workato-security-summary.ja.txt" and best.as_of == "2024-04-28"
    assert best.section and best.quote in answer.answer


@pytest.mark.parametrize("question, fragment", [
    ("Does Workato support SCIM?", "SCIMによる同期"),
    ("What encryption is used for stored data?", "AES-256"),
    ("監査ログの保存期間は？", "1年間保存されます"),
    ("パスワードの最低文字数は？", "8文字以上"),
    ("Is data encrypted in transit?", "HTTPS, SFTP, FTPS"),
    ("How long is job history retained?", "デフォルトで30日間"),
])
def test_right_passage_is_never_called_undocumented(assistant, question, fragment):
    """Answered, or shown as a candidate to review: never "not documented" over the right passage."""
    answer = assistant.ask(question)
    assert fragment in answer.citations[0].quote, answer.to_dict()
    assert answer.status.value in ("answered", "needs review"), answer.to_dict()
    if answer.status.value == "needs review":
        assert answer.review_reasons and answer.citations[0].quote in answer.answer
        assert "Not documented" not in answer.answer and "記載なし" not in answer.answer


def test_the_documents_title_covers_the_vendor_a_question_names(make_corpus, tmp_path, assistant):
    """A passage never repeats the vendor its document is about: "Does Acme support SCIM?" is covered by
    the SCIM passage of "Acme Cloud security" as much as "Do you support SCIM?" is."""
    from assistant import abstain

    corpus = make_corpus({"acme.md": "# Acme Cloud security\n\n## Provisioning\n\nSCIM 2.0 provisioning is "
                                     "available on every plan.\n\n## Encryption\n\nStored data is encrypted with "
                                     "AES-256.\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    named = abstain.features(other.index, other.retrieve("Does Acme support SCIM?"))
    plain = abstain.features(other.index, other.retrieve("Do you support SCIM?"))
    assert named.coverage == pytest.approx(1.0) and plain.coverage == pytest.approx(1.0), (named, plain)
    # the flagship question of the issue that asked for a transferable decision
    scim = assistant.ask("Does Workato support SCIM?")
    assert scim.status.value == "answered" and "SCIMによる同期" in scim.citations[0].quote, scim.to_dict()


@pytest.mark.parametrize("question", [
    "Is Workato registered under ISMAP?",
    "Do you perform penetration tests?",
    "バックアップは取得していますか？",
    "ISO 27001認証は取得していますか？",
    "What is the weather in Tokyo tomorrow?",
])
def test_undocumented_questions_are_not_answered(assistant, question):
    """Never answered; at most a candidate to check, and then the reasons say what is doubtful."""
    answer = assistant.ask(question)
    assert not answer.answered, answer.to_dict()
    assert answer.confidence < assistant.threshold
    if answer.status.value == "needs review":
        assert set(answer.review_reasons) & {"missing_terms", "partial_match"}, answer.to_dict()
        assert not answer.answer.startswith(("Documented", "記載あり"))
    else:
        assert "Not documented" in answer.answer or "記載なし" in answer.answer
    assert answer.citations, "closest passages are still listed for the reader"


@pytest.mark.parametrize("question", ["What is the weather in Tokyo tomorrow?", "明日の東京の天気は？"])
def test_questions_the_documents_share_no_word_with_are_not_documented(assistant, question):
    answer = assistant.ask(question)
    assert answer.status.value == "not documented", answer.to_dict()


def test_contract_shape(assistant):
    d = assistant.ask("Does Workato support SCIM?").to_dict()
    assert {"question", "answered", "answer", "confidence", "citations"} <= set(d)
    assert 0.0 <= d["confidence"] <= 1.0
    c = d["citations"][0]
    assert {"quote", "source", "section", "start", "end", "score"} <= set(c)
    assert isinstance(c["section"], list) and 0.0 <= c["score"] <= 1.0
    scores = [c["score"] for c in d["citations"]]
    assert scores == sorted(scores, reverse=True)


def test_answer_language_follows_the_question(assistant):
    assert assistant.ask("SCIMに対応していますか？").answer.startswith("記載あり")
    assert assistant.ask("What is the minimum password length?").answer.startswith("Documented")
    assert assistant.ask("What is the weather in Tokyo tomorrow?").answer.startswith("Not documented")
    assert assistant.ask("明日の東京の天気は？").answer.startswith("記載なし")
    assert assistant.ask("Is Workato registered under ISMAP?").answer.startswith(("Not documented", "Needs review"))


@pytest.mark.parametrize("bad, message", [
    ("", "empty"), ("   \n", "empty"), ("x" * 1001, "limit"), ("abc\x00def", "control"), (None, "text"), (42, "text"),
])
def test_bad_questions_are_refused(assistant, bad, message):
    with pytest.raises(InputError, match=message):
        assistant.ask(bad)


def test_question_is_stripped():
    assert validate_question("  SCIM?  ", 100) == "SCIM?"


POLICY_MD = """# Acme security policy

## Backups

Backups are encrypted and kept for 35 days in a second region.

## Access control

All staff use hardware security keys for sign-in.

Access rights are reviewed every quarter by the system owners.

## Network

Traffic between services is encrypted with TLS 1.3.

Administrative interfaces are reachable only through the corporate VPN.

## Incident response

Customers are notified of security incidents within 72 hours.

## Vendors

Subprocessors are listed on the public trust page and reviewed yearly.

## Physical security

Data centers are operated by our cloud provider and audited under SOC 2.

## Personnel

Employees complete security awareness training when hired and every year.

## Vulnerability management

External penetration tests are performed twice a year by an independent firm.

Critical vulnerabilities are patched within 7 days of disclosure.

## Logging

Administrative actions are written to an audit log that is kept for two years.

Logs are forwarded to a central SIEM and reviewed daily.

## Data handling

Customer data is deleted within 30 days after the contract ends.

Production data is never copied to test environments.

## Business continuity

The recovery time objective is 4 hours and the recovery point objective is 1 hour.

Disaster recovery is tested once a year.

## Application security

All code changes are peer reviewed before they are merged.

Dependencies are scanned for known vulnerabilities on every build.

## Authentication

Passwords must be at least 14 characters long.

Sessions expire after 30 minutes of inactivity.
"""


def test_any_corpus_works(make_corpus, tmp_path, assistant):
    corpus = make_corpus({"policy.md": POLICY_MD})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    answer = other.ask("How long are backups retained?")
    assert answer.status.value in ("answered", "needs review"), answer.to_dict()
    assert "35 days" in answer.citations[0].quote
    assert answer.citations[0].source.endswith("policy.md") and answer.citations[0].section == ["Backups"]
    assert other.ask("How often are penetration tests done?").citations[0].quote.startswith("External penetration")
    assert not other.ask("Is Acme ISMAP registered?").answered
    assert other.embedder is assistant.embedder, "the model is loaded once per process"


def test_a_number_split_from_a_name_the_corpus_never_writes_matches_nothing(make_corpus, tmp_path, assistant):
    corpus = make_corpus({"page.txt": "データの保管\nデータは国内のデータセンターに保管しています。\n決済\n"
                                      "詳しくは「6. 決済情報の取り扱い」をご参照ください。\n監査\n"
                                      "SOC 2 Type 2 の報告書を提供しています。\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    assert not other.retriever.bm25_scores("Is IPv6 supported?").any(), "'6' alone is no match for IPv6"
    soc = other.retriever.bm25_scores("Do you have a SOC2 report?")
    assert other.index.passages[int(soc.argmax())].text.startswith("SOC 2"), "a name the corpus writes keeps its number"
    assert not other.ask("Is IPv6 supported?").answered


def test_primed_questions_score_as_if_asked_alone(assistant):
    questions = ["SCIMに対応していますか？", "What is the minimum password length?"]
    alone = [assistant.retriever.dense_scores(q) for q in questions]
    assistant.retriever.prime([f"  {q} " for q in questions])
    primed = [assistant.retriever.dense_scores(q) for q in questions]
    for a, b in zip(alone, primed):
        assert abs(a - b).max() < 1e-4  # batch padding changes float rounding only
    assert not assistant.retriever._primed, "each primed vector is used once"


def test_yes_no_questions_get_a_verdict_only_when_answered(assistant):
    scim = assistant.ask("SCIMに対応していますか？")
    assert scim.answered and scim.verdict == "yes", scim.to_dict()
    assert scim.to_dict()["verdict"] == "yes"
    open_question = assistant.ask("ジョブ履歴の保存期間は？")
    assert open_question.answered and open_question.verdict is None
    weather = assistant.ask("What is the weather in Tokyo tomorrow?")
    assert weather.verdict is None


@pytest.mark.parametrize("question, quote, points", [
    ("目標復旧時点（RPO）は何時間ですか？", "大規模障害に備えてBCPを策定し、年1回の復旧訓練を行っています。"
     "目標復旧時間（RTO）と目標復旧時点（RPO）については、セキュリティFAQをご確認ください。", True),
    ("Which encryption algorithm do you use?", "For algorithm details, see the Japanese article.", True),
    ("What certifications do you hold?", "Certifications are described in the Japanese version of this page.", True),
    ("What are your RTO and RPO?", "Our RTO is 4 hours and our RPO is 1 hour.", False),
    ("保存データは暗号化されていますか？", "保存データはAES-256で暗号化しています。詳しくはヘルプをご覧ください。", False),
    ("Can customers see audit logs?", "Customers can see audit logs in the admin console.", False),
    # a lead-in to a table or list the quote does not hold (a review's 「主な委託先は次のとおりです。」, 0.90)
    ("Which subprocessors do you use?", "Our subprocessors are listed below:", True),
    ("How fast are critical vulnerabilities fixed?", "Vulnerabilities are remediated within the following "
     "timelines:\n\nCritical: within 7 days\nHigh: within 30 days", False),
    # "please contact us" about it answers nothing (a review's log-tampering question got はい at 0.99)
    ("ログの改ざん防止策を講じていますか。", "管理者は管理画面の「操作履歴」からログインの履歴を確認できます。\n"
     "ログの改ざん防止策については、別途お問い合わせください。", True),
    ("Are audit logs protected against tampering?", "We keep records for one year. For tamper protection of "
     "audit logs, please contact your account manager.", True),
])
def test_a_quote_that_only_points_elsewhere_is_told_apart(question, quote, points):
    """A fresh-user review had 「…（RPO）については、セキュリティFAQをご確認ください。」 answered (0.93)."""
    from assistant import abstain

    assert abstain.refers_elsewhere(question, quote) is points
    if points:
        status, reasons = abstain.settle(Status.ANSWERED, question, [], quote, quote=quote)
        assert (status, reasons) == (Status.REVIEW, ["refers_elsewhere"])


@pytest.mark.parametrize("question, quote, held", [
    ("ペネトレーションテストを実施している外部機関の名称を教えてください。",
     "外部の専門機関によるペネトレーションテストを年1回実施しています。", True),
    ("What is the name of your penetration testing firm?", "Penetration tests are run yearly by an external firm.", True),
    ("ペネトレーションテストを実施している外部機関の名称を教えてください。",
     "外部の専門機関によるペネトレーションテストと、自動ツールによるWebアプリケーションの脆弱性スキャンを実施しています。", True),
    ("ペネトレーションテストを実施している外部機関の名称を教えてください。",
     "株式会社サンプルセキュリティによるペネトレーションテストを年1回実施しています。", False),
    ("Which cloud provider hosts the service?", "インフラはAmazon Web Services（AWS）の東京リージョンです。", False),
    ("What is the name of your auditor?", "Our SOC 2 report is issued by Deloitte.", False),
    # an acronym of a kind of thing names no one ("IaaS" had answered a request for the provider's name at 0.93)
    ("サービス基盤として利用しているIaaS事業者の名称を開示してください。",
     "サービス基盤（IaaS）は外部のクラウド事業者が提供する環境を利用している。", True),
])
def test_a_question_asking_for_a_name_is_not_answered_by_a_passage_naming_none(question, quote, held):
    """A fresh-user review's 「…外部機関の名称を教えてください。」 was answered (0.99) from "外部の専門機関による…"."""
    from assistant import abstain

    got = abstain.settle(Status.ANSWERED, question, [], quote, quote=quote)
    assert got == ((Status.REVIEW, ["no_name"]) if held else (Status.ANSWERED, []))


def test_an_internal_note_telling_its_reader_what_to_do_is_no_answer_nor_a_no():
    """「⚠️ Do not share the SOC 2 report … without a signed NDA.」 had been answered No to "Do you have a
    SOC 2 report?" (0.94), and written into a customer's Yes/No column."""
    from assistant import abstain
    from assistant.polarity import verdict

    note = "⚠️ Do not share the SOC 2 report or pen test summary without a signed NDA."
    assert abstain.settle(Status.ANSWERED, "Do you have a SOC 2 report?", [], note, quote=note) == \
        (Status.REVIEW, ["instruction"])
    assert verdict("Do you have a SOC 2 report?", note) != Verdict.NO
    assert verdict("Is data encrypted?", "Data is never stored unencrypted.") == Verdict.NO, "a statement, not an order"


@pytest.mark.parametrize("question,asks", [
    ("SOC 2 Type2 報告書を提出してください。", True),
    ("ISO 27001の認証書の写しを送付いただけますか", True),
    ("Please provide your latest SOC 2 report.", True),
    ("Can you share a copy of the penetration test certificate?", True),
    ("SOC 2の監査を受けていますか？", False),
    ("対応しているIdPの一覧を教えてください。", False),
    ("Do you provide SSO?", False),
    ("Is a SOC 2 report available?", False),
    # when a report comes is a deadline to answer, not a request for the report
    ("インシデントの詳細報告書はいつまでに提出されますか。", False),
    ("Within what timeframe do you provide an incident report?", False),
])
def test_requests_for_a_document_are_told_apart(question, asks):
    from assistant import abstain

    assert abstain.requests_document(question) is asks


def test_a_request_for_a_document_is_never_answered_only_reviewed(assistant):
    """Even at a cut that answers everything, "submit the report" gets the audit passage as a candidate."""
    for question in ("SOC 2 報告書を提出してください。", "Please provide your SOC 2 report."):
        answer = assistant.ask(question, threshold=0.0)
        assert answer.status.value == "needs review", (question, answer.status)
        assert answer.review_reasons == ["asks_for_document"]
        assert "SOC" in answer.citations[0].quote
    assert assistant.ask("SOC 2の監査を受けていますか？", threshold=0.0).status.value == "answered"
    # a request for a report the documents never name (they know SOC 1 and SOC 2): "prepare the document"
    # would say it exists
    other = assistant.ask("SOC 3 報告書は提供可能ですか？", threshold=0.0)
    assert other.status.value == "not documented" and other.review_reasons == [], other.to_dict()


def test_an_answer_a_rule_holds_back_shows_a_confidence_under_the_cut(assistant, monkeypatch):
    from assistant import abstain
    from assistant.types import Status

    monkeypatch.setattr(abstain, "decide", lambda *a, **k: (Status.ANSWERED, 0.9996, []))
    held = assistant.ask("SOC 2 報告書を提出してください。")
    assert held.status.value == "needs review" and held.review_reasons == ["asks_for_document"]
    assert held.confidence < assistant.threshold and held.citations[0].score == round(held.confidence, 4), \
        "not the model's 0.9996 on a candidate, read as an answer"
    assert assistant.ask("SOC 2の監査を受けていますか？").confidence == 0.9996, "an answer keeps its confidence"


@pytest.mark.parametrize("question,passage,unmatched", [
    ("Are you ISO/IEC 27017 certified?", "We are ISO/IEC 27001:2022 certified.", ["27017"]),
    ("ISO27001の認証は取得していますか？", "ISO/IEC 27001（ISMS）認証を取得しています。", []),
    ("TLS 1.3に対応していますか", "通信はTLS 1.2以上で暗号化しています。", ["1.3"]),
    ("TLS 1.2以上ですか", "通信はTLS 1.2以上で暗号化しています。", []),
    ("SOC 2 Type II report?", "We have a SOC 2 report.", []),  # a lone digit names nothing particular
    # ... unless an acronym names it: SOC 1 is another report than SOC 2
    ("Do you have a SOC 1 Type II report?", "It complements our SOC 2 Type II report.", ["SOC 1"]),
    ("Are you SOC2 compliant?", "Audited against SOC 2 Type II every year.", []),
    # a number in brackets glossing a name the passage carries asks of the name (a review's Privacy Mark question,
    # 「プライバシーマーク（JIS Q 15001）」, had been "not documented" beside 「プライバシーマークは取得しておりません。」)
    ("プライバシーマーク（JIS Q 15001）を取得していますか。", "プライバシーマークは取得しておりません。", []),
    ("Do you hold the Privacy Mark (JIS Q 15001)?", "The Privacy Mark is not held.", []),
    ("Do you hold the Privacy Mark (JIS Q 15001)?", "ISO/IEC 27001 認証を取得しています。", ["15001"]),
    ("Which key length is used for device certificates (e.g. RSA 2048)?", "Device certificates are issued per device.",
     ["2048"]),  # examples are what is asked for
    ("クラウドセキュリティのISO（27017）はお持ちですか。", "ISO/IEC 27001 認証を取得しています。", ["27017"]),
])
def test_numbers_the_question_names_are_looked_for_in_the_passage(question, passage, unmatched):
    from assistant import abstain

    assert abstain.unmatched_numbers(question, passage) == unmatched


def test_several_questions_asked_at_once_are_a_candidate_at_most(assistant):
    """One quote answers at most one of several numbered questions: never 'answered' for all of them."""
    several = assistant.ask("1. SCIMに対応していますか？ 2. 監査ログの保存期間は？ 3. SSOに対応していますか？", threshold=0.0)
    assert several.status.value == "needs review" and several.review_reasons[0] == "several_questions"
    one = assistant.ask("保存データの暗号化について記載してください。バックアップも暗号化の対象ですか？", threshold=0.0)
    assert "several_questions" not in one.review_reasons, "a check sheet's compound row is one question"
    from assistant.web.ui import UI_TEXT
    assert {"reason_several_questions", "reason_number_mismatch"} <= set(UI_TEXT["ja"]), "the page can say every reason"


def test_a_passage_without_the_number_the_question_names_is_at_most_reviewed(assistant):
    """At a cut that answers everything: ISO 27017, which no document names, is not documented (a SOC 2 or
    HIPAA passage says nothing of it); 128-bit keys, which the documents name elsewhere, get the AES-256
    passage as a candidate to check, the missing number said first. On the training corpora the first
    turned 60 candidates into "not documented" and no right first passage (suite: 16 and none)."""
    answer = assistant.ask("Is Workato ISO 27017 certified?", threshold=0.0)
    assert answer.status.value == "not documented" and answer.confidence < assistant.model.review_at
    assert assistant.ask("Is Workato SOC 2 audited?", threshold=0.0).status.value == "answered"
    for threshold in (0.0, None):
        keys = assistant.ask("保存データは128ビット鍵で暗号化されていますか？", threshold=threshold)
        assert keys.status.value == "needs review" and keys.review_reasons[0] == "number_mismatch", keys.to_dict()


def test_numbers_no_document_names(make_corpus, tmp_path, assistant):
    from assistant import abstain

    corpus = make_corpus({"certs.md": "# Certifications\n\nWe hold an ISMS certification and a SOC 2 Type II report.\n"
                                      "\n# Transport\n\nConnections use TLS 1.2.\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    passage = "We hold an ISMS certification and a SOC 2 Type II report."
    assert abstain.unknown_numbers(other.index, "Do you have a SOC 1 report?", passage) == ["SOC 1"]
    assert abstain.unknown_numbers(other.index, "Are you ISO 27701 certified?", passage) == ["27701"]
    # the documents speak of TLS 1.2 only: whether 1.3 is accepted they do not say
    assert abstain.unknown_numbers(other.index, "Is TLS 1.3 supported?", "Connections use TLS 1.2.") == ["1.3"]
    assert abstain.unknown_numbers(other.index, "Is TLS 1.2 enforced?", "Connections use TLS.") == []
    # ISMS is ISO 27001 (glossary): the documents know it; a list is answered in part
    assert abstain.unknown_numbers(other.index, "Do you hold ISO 27001:2022?", passage) == []
    assert abstain.unknown_numbers(other.index, "Which do you hold: SOC 1, SOC 3, ISO 27701?", passage) == []


def test_a_name_run_into_its_number_is_not_missing_when_the_documents_write_it_apart(assistant):
    """The documents write SOC-2 / SOC 2; a question's SOC2 is the same term, ISO27001 is not in them."""
    from assistant import abstain

    assert "soc2" not in abstain.missing_terms(assistant.index, "SOC2の監査を受けていますか？")[1]
    assert "iso27001" in abstain.missing_terms(assistant.index, "ISO27001の認証はありますか？")[1]


def test_words_that_only_ask_are_never_missing(assistant):
    """"How often" asks for a frequency; Japanese documents answer it with 年1回, never with its words. Only
    a subject the documents never name is missing."""
    from assistant import abstain, asked

    assert abstain.missing_terms(assistant.index, "How often are access rights reviewed?")[1] == []
    assert abstain.missing_terms(assistant.index, "What is the frequency of audit log reviews?")[1] == []
    assert abstain.missing_terms(assistant.index, "How often is Kubernetes patched?")[1] == ["kubernetes"]
    assert asked.asking_word("How often") and not asked.asking_word("frequency capping")


def test_an_acronym_is_covered_by_the_english_a_document_spells_out(make_corpus, tmp_path, assistant):
    """"MFA", "SSO", "SAST" asked; "multi-factor authentication", "single sign-on", "static analysis" written."""
    from assistant import abstain

    corpus = make_corpus({"trust.md": "# Identity\n\nAdmins can require multi-factor authentication for all users. "
                                      "Single sign-on is available over SAML 2.0.\n\n# Development\n\n"
                                      "Every change passes code review and static analysis.\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    for question in ("Can admins enforce MFA for all users?", "Which SSO protocols are supported?",
                     "Does your SDLC include SAST?"):
        assert not {"mfa", "sso", "sast"} & {m.lower() for m in abstain.missing_terms(other.index, question)[1]}, question


def test_a_japanese_compound_is_not_covered_by_its_parts_apart(assistant):
    """侵入テスト (penetration test) is not written in the default corpus, though 侵入 and テスト are, apart."""
    from assistant import abstain

    assert abstain.missing_terms(assistant.index, "Do you perform penetration tests?")[1] == ["penetration test"]
    assert abstain.missing_terms(assistant.index, "Do you support single sign-on?")[1] == []


def test_missing_terms_are_shown_as_the_question_spells_them(assistant):
    """The index holds base forms (東京 is トウキョウ); a reader is shown the question's own word."""
    answer = assistant.ask("明日の東京の天気は？")
    assert "東京" in answer.missing_terms and "トウキョウ" not in answer.missing_terms
    assert assistant.ask("ＩＳＭＡＰに登録されていますか？").missing_terms == ["ISMAP"], "as written, not lower-cased"
    from assistant.abstain import as_written

    # a word the tokenizer cut in pieces is named whole, as the question writes it
    assert as_written("SCIMによる自動プロビジョニング", ["scim", "プロ", "ビジョニング"]) == ["SCIM", "プロビジョニング"]
    assert as_written("マルウェアとウイルス", ["ウイルス", "マル", "ウェア"]) == ["ウイルス", "マルウェア"]


def test_a_question_asking_for_an_amount_prefers_the_sibling_with_a_number(make_corpus, tmp_path, assistant, monkeypatch):
    from assistant import retrieve

    # a section too long to be quoted whole, so its siblings are quoted (and boosted) one by one
    filler = "Each entry records the actor, the action, the object and the source address of the request. " * 4
    corpus = make_corpus({"logs.txt": "Audit logs\nAdmins can search and export audit logs for any period from the "
                                      f"console.\nEntries are deleted after 180 days.\n{filler.strip()}\n"
                                      "Network\nAll traffic uses TLS.\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    question = "How long are audit logs retained?"
    first = other.retriever.search(question, k=3).hits
    assert first[0].passage.text == "Entries are deleted after 180 days."
    monkeypatch.setattr(retrieve, "AMOUNT_BOOST", 0.0)
    plain = other.retriever.search(question, k=3).hits
    boosted = {h.passage.id: h.score for h in first}
    assert all(abs(boosted[h.passage.id] - h.score - (1.0 if any(c.isdigit() for c in h.passage.text) else 0.0)) < 1e-4
               for h in plain), "the boost is what moved it, by AMOUNT_BOOST, to the passage with a number only"
    assert plain[0].passage.text.startswith("Admins can search"), "without it the sibling sharing the words came first"


def test_a_question_asking_where_prefers_the_sibling_naming_a_place(make_corpus, tmp_path, assistant, monkeypatch):
    """The same boost for the other kinds of fact asked.py reads: "where is data stored?" prefers the passage
    naming a region over its sibling about storing data."""
    from assistant import retrieve

    filler = "Each object records its owner, its size, its checksum and the time it was last written to. " * 4
    corpus = make_corpus({"data.txt": "Customer data\nCustomer data is kept in managed databases with versioning.\n"
                                      "Data lives only in the AWS Frankfurt region.\n"
                                      f"{filler.strip()}\nNetwork\nAll traffic uses TLS.\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    question = "Where is customer data stored?"
    first = other.retriever.search(question, k=3).hits
    assert first[0].passage.text == "Data lives only in the AWS Frankfurt region.", [h.passage.text for h in first]
    monkeypatch.setattr(retrieve, "AMOUNT_BOOST", 0.0)
    plain = other.retriever.search(question, k=3).hits
    assert plain[0].passage.text.startswith("Customer data is kept"), "without it the sibling sharing the words came first"


def test_isms_and_iso_27001_name_one_certification(make_corpus, tmp_path, assistant):
    corpus = make_corpus({"cert.txt": "第三者認証\n当社は2019年にISMS認証を取得しました。\n"
                                      "個人情報\n当社はプライバシーマークを取得しています。\n"
                                      "通信\n通信はTLS 1.2以上で暗号化しています。\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    iso = other.retrieve("Are you ISO 27001 certified?")
    assert "ISMS" in iso.hits[0].passage.text and not iso.missing, (iso.missing, iso.hits[0].passage.text)
    assert "プライバシーマーク" in other.retrieve("Pマークは取得済みですか？").hits[0].passage.text


def test_the_likeliest_of_the_first_few_passages_comes_first(assistant, monkeypatch):
    from assistant import abstain, answer as answer_mod

    retrieval = assistant.retriever.search("SCIMに対応していますか？", k=5)
    ids = [h.passage.id for h in retrieval.hits]
    likely = {ids[0]: 0.5, ids[1]: 0.4, ids[2]: 0.7, ids[3]: 0.95, ids[4]: 0.1}
    zero = dict.fromkeys(abstain.FEATURES, 0.0)
    # the stand-in features carry each passage's probability as its coverage, read by a model on it alone
    monkeypatch.setattr(abstain, "features", lambda index, r: abstain.Features(
        **{**zero, "coverage": likely[r.hits[0].passage.id]}))
    model = abstain.Model({"coverage": 40.0}, -20.0, answer_at=0.6, review_at=0.2)  # likelier with coverage
    reordered = answer_mod._likeliest_first(assistant.index, model, retrieval)
    assert [h.passage.id for h in reordered.hits] == [ids[2], ids[0], ids[1], ids[3], ids[4]], \
        "the likeliest of the first REORDER_DEPTH comes first, the rest keep their order (ids[3] is too deep)"
    likely[ids[2]] = 0.51  # likelier, but within REORDER_MARGIN: the ranking's order stands
    assert answer_mod._likeliest_first(assistant.index, model, retrieval) is retrieval
    likely[ids[2]], likely[ids[0]] = 0.7, 0.65  # the first clears answer_at: an answer is never swapped
    assert answer_mod._likeliest_first(assistant.index, model, retrieval) is retrieval
    assert assistant.retrieve("SCIMに対応していますか？", mode="dense").hits[0].passage.id == \
        assistant.retriever.search("SCIMに対応していますか？", k=3, mode="dense").hits[0].passage.id, \
        "the dense and BM25 baselines are left as they rank"


def _past_sheet(folder, rows, completed="Completed: March 12, 2024"):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([completed])
    ws.append(["Question", "Answer", "Notes"])
    for row in rows:
        ws.append(list(row))
    wb.save(str(folder / "questionnaire.xlsx"))


def test_a_past_answer_that_is_only_a_mark_answers_only_its_own_yes_no_question(make_corpus, tmp_path, assistant):
    corpus = make_corpus({"overview.md": "# Overview\n\nWe build software for logistics teams.\n"})
    _past_sheet(corpus, [("Are security logs retained for at least 12 months?", "Yes", None),
                         ("Is customer data stored outside the US or EU?", "No", None),
                         ("Is data encrypted at rest?", "Yes", "AES-256 on every volume.")])
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    own = other.ask("Are security logs retained for at least 12 months?")
    assert own.answered and own.citations[0].quote == "Yes", own.to_dict()
    for question in ("How long are security logs retained?", "Can customer data be hosted in the EU?"):
        answer = other.ask(question)
        assert answer.citations[0].quote in ("Yes", "No"), answer.to_dict()
        assert answer.status.value == "needs review" and answer.review_reasons == ["bare_mark"], answer.to_dict()
    remark = other.ask("How is data at rest encrypted?")
    assert "AES-256" in remark.citations[0].quote and "bare_mark" not in remark.review_reasons
    from assistant.abstain import bare_mark

    # a remark that only points elsewhere says no more than the mark
    assert bare_mark("Yes | Published in the whitepaper.") and bare_mark("○ | 別紙をご参照ください。")
    assert not bare_mark("No | See the DPA for the list of 12 sub-processors.") and not bare_mark("No | Not at this time.")
    assert not bare_mark("Yes | Available on the Enterprise plan only.") and not bare_mark("○ | SAMLで対応、別紙参照")


WHITEPAPER_2026 = """# Security Whitepaper

Last updated: January 20, 2026

## Encryption in transit

All connections to the service and its API use TLS 1.2 or TLS 1.3. TLS 1.0 and TLS 1.1 were disabled in March 2024.

## Encryption at rest

Customer data is encrypted at rest with AES-256.

## Backups

Databases are backed up every day and backups are kept for 35 days.
"""
PAST_ROWS = [("Which TLS versions are supported?", "N/A", "TLS 1.2 and TLS 1.3; TLS 1.1 is still accepted for legacy connectors."),
             ("Do you run a bug bounty program?", "No", "Not at this time."),
             ("Is there a documented incident response plan?", "Yes", "Reviewed every year."),
             ("Are backups encrypted?", "Yes", "With AES-256.")]


@pytest.mark.parametrize("completed, reviewed", [("Completed: March 12, 2024", True), ("Completed: March 1, 2026", False),
                                                  # a sheet stating no date is last year's all the same (a review's
                                                  # undated CSV had its 72 hours answered over this year's 24)
                                                  ("Vendor security questionnaire", True)])
def test_a_past_answer_with_a_likely_candidate_in_a_newer_document_is_reviewed(make_corpus, tmp_path, assistant,
                                                                                completed, reviewed):
    corpus = make_corpus({"whitepaper.md": WHITEPAPER_2026})
    _past_sheet(corpus, PAST_ROWS, completed)
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    answer = other.ask("Is TLS 1.1 supported?")
    first, second = answer.citations[:2]
    if reviewed:  # last year's sheet, this year's whitepaper: this year's first, a reviewer sees both
        assert first.quote.startswith("All connections") and first.as_of == "2026-01-20" and \
            second.quote.startswith("N/A | TLS 1.2"), answer.to_dict()
        assert answer.status.value == "needs review" and answer.review_reasons == ["newer_source"], answer.to_dict()
        assert answer.confidence < other.threshold and second.score <= first.score
    else:  # the sheet is the newer document
        assert first.quote.startswith("N/A | TLS 1.2") and second.quote.startswith("All connections") and \
            second.as_of == "2026-01-20", answer.to_dict()
        assert "newer_source" not in answer.review_reasons and first.as_of == "2026-03-01", answer.to_dict()


def test_a_past_answer_this_years_document_repeats_is_answered_from_this_years(make_corpus, tmp_path, assistant):
    """Last year's sheet and this year's whitepaper agree (the same 35 days, the same yes): the newer passage is
    the answer, first, and last year's row follows it; a reviewer had been asked to settle what both said."""
    corpus = make_corpus({"whitepaper.md": WHITEPAPER_2026})
    _past_sheet(corpus, [("How long are database backups kept?", "Yes", "Backed up daily and kept for 35 days.")],
                "Completed: March 12, 2024")
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    answer = other.ask("How long are database backups kept?")
    first, second = answer.citations[:2]
    assert first.as_of == "2026-01-20" and "35 days" in first.quote and second.quote.startswith("Yes | Backed up"), \
        answer.to_dict()
    assert answer.status.value == "answered" and answer.review_reasons == [], answer.to_dict()


@pytest.mark.parametrize("question, old, new, same", [
    ("Do you screen new hires?", "Yes | Where permitted by local law.",
     "Background checks are carried out on all employees before they start.", True),
    ("パスワードの最小桁数は？", "はい | 8文字以上", "パスワードは10文字以上とします。", False),  # the figure changed
    ("Is TLS 1.1 supported?", "Yes | TLS 1.1 is still accepted.", "TLS 1.0 and TLS 1.1 were disabled in March 2024.", False),
    ("Who is your CEO?", "Jane Doe.", "Jane Doe leads the company.", False),  # nothing to compare
    # what is asked for, said in words: the same frequency, or another
    ("How often are access rights reviewed?", "Yes | Quarterly.", "Access rights are reviewed quarterly by owners.", True),
    ("How often are access rights reviewed?", "Yes | Annually.", "Access rights are reviewed quarterly by owners.", False),
])
def test_a_past_answer_and_a_newer_passage_say_the_same_or_not(question, old, new, same):
    assert polarity.same_answer(question, old, new) is same


def test_a_newer_document_about_something_else_holds_no_past_answer_back(make_corpus, tmp_path, assistant):
    """Only a newer candidate about the question reviews last year's answer: a fact only the sheet states
    had been held back "newer_source" for whatever newer passage came next (TLS, backups)."""
    corpus = make_corpus({"whitepaper.md": WHITEPAPER_2026})
    _past_sheet(corpus, [("Do you carry cyber liability insurance?", "Yes", "Coverage of USD 5 million per claim.")],
                "Completed: March 12, 2024")
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    answer = other.ask("Do you have cyber insurance?")
    later = [c for c in answer.citations[1:] if c.as_of == "2026-01-20"]
    assert answer.citations[0].quote.startswith("Yes | Coverage of USD 5 million") and later, answer.to_dict()
    assert answer.status.value == "answered" and "newer_source" not in answer.review_reasons, answer.to_dict()


def test_a_past_answer_never_answers_a_question_about_a_standard_no_document_names(make_corpus, tmp_path, assistant):
    """SOC 1 asked, only SOC 2 written: not documented, with or without last year's sheet. The sheet's "Yes"
    to SOC 2 and this year's SOC 2 passage agree with each other, not with the question (a reviewer's SOC 1
    question was answered 0.99 once the sheet was in the folder)."""
    corpus = make_corpus({"trust.md": "# Compliance\n\nLast updated: January 20, 2026\n\n"
                                      "We have completed a SOC 2 Type II examination; the report is available under NDA.\n"})
    _past_sheet(corpus, [("Do you have a current SOC 2 Type II report?", "Yes", "Available under NDA.")],
                "Completed: March 12, 2024")
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    assert other.ask("Do you have a SOC 2 Type II report?").status.value == "answered"
    answer = other.ask("Do you have a SOC 1 Type II report?")
    assert answer.status.value == "not documented", answer.to_dict()


def test_the_likeliest_newer_candidate_comes_before_a_past_answer(make_corpus, tmp_path, assistant, monkeypatch):
    """Of this year's candidates after last year's row, the one the decision finds likeliest to answer is put
    first, not the one ranked next: a fresh-user review saw the customers' own pen-test FAQ put first for "how
    often are penetration tests performed?", and the policy's "every year" after it. (The decision is stood
    in for here by one that reads the first candidate's words: which candidate the real one prefers depends on
    the model's weights, the choice among them does not.)"""
    from assistant import answer as answer_module

    corpus = make_corpus({"security.md": "# Security\n\nLast updated: January 20, 2026\n\n"
                                         "## Can we run our own penetration test?\n\nYes. Customers may run their own "
                                         "penetration test against a sandbox after notifying us 10 business days in advance.\n\n"
                                         "## Vulnerability management\n\nAn independent firm performs a penetration test of "
                                         "the platform every year and after major changes.\n"})
    _past_sheet(corpus, [("How often are penetration tests performed?", "Yes", "Annually by an independent firm.")],
                "Completed: March 12, 2024")
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    question = "How often are penetration tests performed?"
    plain = other.retriever.search(question)
    assert plain.hits[0].passage.format == "xlsx", [h.passage.quote_text for h in plain.hits]
    ranked_next = plain.hits[1].passage.quote_text

    class Reads:  # the likelier, the later a candidate was ranked
        def probability(self, first):
            return {h.passage.quote_text: 0.1 * i for i, h in enumerate(plain.hits[:3], 1)}.get(first, 0.0)

    monkeypatch.setattr(answer_module.abstain, "features", lambda index, retrieval: retrieval.hits[0].passage.quote_text)
    monkeypatch.setattr(Assistant, "model", Reads())
    chosen = other._newer_first(plain)
    assert chosen.hits[0].passage.quote_text == plain.hits[2].passage.quote_text != ranked_next
    assert chosen.hits[1].passage.format == "xlsx" and chosen.past_answer == pytest.approx(0.1)


def test_a_question_about_an_acronym_the_documents_never_use_is_about_something_else(make_corpus, tmp_path, assistant,
                                                                                      monkeypatch):
    from assistant import abstain

    users = "".join(f"ユーザー{i}の設定は管理画面から変更できます。\n" for i in range(12))
    corpus = make_corpus({"help.txt": "ユーザー管理\n" + users + "ネットワーク\nファイアウォールで不要な通信を遮断しています。\n"
                                      "Webアプリケーションの脆弱性診断を年1回実施しています。\n"
                                      "認証\nSAML 2.0によるシングルサインオンに対応しています。\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    for question, unknown in [
        ("SCIMによるユーザーの自動プロビジョニングに対応していますか？", True),  # ユーザー is everyday vocabulary here
        ("Do you support SCIM?", True),
        ("ファイアウォールやWAFは導入していますか？", False),  # the firewall, a rare name the documents use, is covered
        ("SAMLとSCIMに対応していますか？", False),
        ("シングルサインオンに対応していますか？", False),  # nothing missing
        ("Associated SOC 2 reports?", True),  # "soc" as a word, not inside "Associated"
        # an everyday English word the glossary finds by its meaning names no subject of its own
        ("Is your firewall PCI DSS compliant?", True),
        # the acronym's own spelling in brackets names the same unknown thing (a review's "WAF（Webアプリケー
        # ションファイアウォール）" was answered yes because "Web" and "アプリケーション" occur elsewhere)
        ("WAF（Webアプリケーションファイアウォール）を導入していますか？", True),
        ("Do you use a Web Application Firewall (WAF)?", True),
        # written full-width, an acronym is one all the same
        ("ＷＡＦ（Ｗｅｂアプリケーションファイアウォール）を導入していますか？", True),
        ("ＳＣＩＭに対応していますか？", True),
    ]:
        assert abstain.unknown_subject(other.index, other.retrieve(question)) == unknown, question
    answer = other.ask("Do you support SCIM?")
    assert answer.status.value == "not documented" or answer.confidence >= abstain.UNKNOWN_SUBJECT_REVIEW_AT, \
        answer.to_dict()
    # however sure the decision is, a passage for a subject the documents never name is no answer
    from assistant.types import Status

    monkeypatch.setattr(abstain, "decide", lambda *a, **k: (Status.ANSWERED, 0.95, []))
    assert other.ask("Do you support SCIM?").status.value == "needs review"
    assert other.ask("シングルサインオンに対応していますか？").status.value == "answered"


def test_a_scheme_asked_by_an_acronym_no_document_writes_is_the_unknown_subject(make_corpus, tmp_path):
    """「ISMAP…のクラウドサービスリストに登録されていますか。」 had been answered はい at 0.94 from the ISO 27001 row: the
    scheme's own words (クラウドサービス, リスト) are no subject of the documents'."""
    from assistant import abstain

    corpus = make_corpus({"spec.txt": "セキュリティ仕様\n第三者認証\tISO/IEC 27001（ISMS）認証取得（認証範囲：クラウドサービスの開発・運用）\n"
                                      "外部監査\tSOC 1 Type 2報告書を毎年取得しています。\n"
                                      "通信の暗号化\tTLS 1.2以上\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    for question, unknown in [
        ("ISMAP（政府情報システムのためのセキュリティ評価制度）のクラウドサービスリストに登録されていますか。", True),
        ("Are you FedRAMP authorized for your cloud service?", True),
        # an acronym the documents write is the subject ("for J-SOX" is what it is for)
        ("Has the vendor undergone a SOC 1 audit? We need it for our financial controls (J-SOX).", False),
        # listed among others, or an acronym of authentication, not of a scheme
        ("JIPDECやJQA等で認定している公的認証（ISMS等）を取得していること。", False),
    ]:
        assert abstain.unknown_subject(other.index, other.retrieve(question)) == unknown, question


def test_a_standard_the_documents_never_name_is_not_answered_from_another_standards_passage(assistant):
    """The default corpus is HIPAA-compliant and names no PCI DSS, GDPR or SOX: "compliant" (準拠) matching
    its HIPAA sentence made those questions answered "yes" at 0.87-0.96 in a fresh-user review."""
    for question in ("Is Workato PCI DSS compliant?", "Is Workato GDPR compliant?", "Is Workato SOX compliant?"):
        answer = assistant.ask(question)
        assert answer.status.value != "answered", answer.to_dict()
    assert assistant.ask("Is Workato HIPAA compliant?").status.value == "answered"


def test_a_deep_section_path_is_shortened_where_people_read_it():
    from assistant.answer import location
    from assistant.types import Citation

    deep = ["情報セキュリティ規程 第4版", "第3章 技術的対策", "3.2 アクセス制御", "3.2.4 特権アクセスの管理と定期的な見直し",
            "(2) 特権IDの棚卸しと承認手続き", "運用"]
    c = Citation(quote="特権IDは四半期ごとに棚卸しします。", source="policy.md", section=deep, start=0, end=17, score=0.9)
    text = location(c, "ja")
    assert "情報セキュリティ規程 第4版 › … › (2) 特権IDの棚卸しと承認手続き › 運用" in text, text
    assert "第3章" not in text and c.section == deep, "shown short; the citation keeps the whole path"
    short = Citation(quote="x", source="policy.md", section=["Security", "Access", "MFA"], start=0, end=1, score=0.9)
    assert "Security › Access › MFA" in location(short, "en")


@pytest.mark.parametrize("vocab, term, covered", [
    ({"proof", "audit", "log"}, "tamper-proof", False),  # a review: any "proof" had covered it
    ({"customer", "managed", "key"}, "customer-managed", True),
    ({"customer", "key"}, "customer-managed", False),
    ({"saml", "sso"}, "saml-based", True),
    ({"malware", "scan"}, "anti-malware", True),
    ({"field", "encrypt"}, "field-level", True),
])
def test_a_hyphenated_term_is_covered_by_all_its_parts_but_its_affixes(vocab, term, covered):
    from assistant import abstain, tokens

    vocab = frozenset(t for w in vocab for t in tokens.tokenize(w))
    assert abstain._covered(vocab, term) is covered


def test_an_english_equivalent_of_several_words_is_known_only_written_whole(make_corpus, tmp_path, settings):
    """A review's BYOK question was answered yes from "keys held in AWS KMS": the glossary's "customer-managed
    key" counted as written because "customer", "managed" and "key" each are."""
    from assistant import abstain
    from assistant.embed import get_embedder
    from assistant.index import ensure_index

    corpus = make_corpus({"security.md": "Customer data is encrypted with keys managed in AWS KMS. The key for each "
                                         "customer is rotated yearly.\n\nWe hold ISO/IEC 27001 certification.\n"})
    embedder = get_embedder(settings.model, settings.cache, settings.runtime)
    index = ensure_index(corpus, tmp_path / "idx", embedder, progress=False)
    _, missing = abstain.missing_terms(index, "Can we bring our own encryption keys (BYOK)?")
    assert [m.lower() for m in missing] == ["byok"]
    _, missing = abstain.missing_terms(index, "Do you hold an ISMS certification?")
    assert missing == [], "a name with its number may be written another way (ISO/IEC 27001)"


def test_an_answer_in_the_questions_language_comes_before_its_translation(make_corpus, tmp_path):
    """A help centre in two languages: the English FAQ's own answer is quoted for the English question, not the
    Japanese translation's (an English questionnaire's cell had got 「現時点では対応しておりません。」)."""
    corpus = make_corpus({
        "faq.en.txt": "Security FAQ\n\nDo you support SCIM provisioning?\nNot at this time. Users can be created by CSV "
                      "import or through our REST API.\n\nIs data encrypted at rest?\nYes. Customer data is encrypted "
                      "with AES-256.\n",
        "faq.ja.txt": "セキュリティに関するよくあるご質問\n\nSCIMによるプロビジョニングに対応していますか？\n現時点では対応しておりません。"
                      "ユーザーはCSVインポートまたはREST APIで作成できます。\n\n保存データは暗号化されていますか？\nはい。"
                      "お客様データはAES-256で暗号化しています。\n"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    from assistant.answer import _as_first, _own_language_first

    for question, source in [("Do you support SCIM provisioning?", "faq.en.txt"),
                             ("SCIMによるプロビジョニングに対応していますか？", "faq.ja.txt")]:
        answer = other.ask(question)
        assert answer.status.value == "answered" and answer.citations[0].source.endswith(source), answer.to_dict()
    # ranked the other way round (as the embedding had, on the review's pages), the own language's comes first
    for question, source in [("Do you support SCIM provisioning?", "faq.en.txt")]:
        retrieval = other.retriever.search(question, k=3)
        translation = next(i for i, h in enumerate(retrieval.hits) if not h.passage.source.endswith(source))
        swapped = _own_language_first(other.index, other.model, _as_first(retrieval, translation))
        assert swapped.hits[0].passage.source.endswith(source), [h.passage.text for h in swapped.hits]


def test_a_quote_cut_off_with_its_page_says_so(make_corpus, tmp_path):
    """A page cut by a scraper's byte limit: the quote that ends where the page does is marked (JSON `cut_off`,
    and a note before its location in every readable answer); one ending its sentence is not."""
    corpus = make_corpus({
        "security.ja.txt": "セキュリティ対策\n\n通信の暗号化\nすべての通信をTLS 1.2以上で暗号化しています。\n\n"
                           "脆弱性診断\n第三者機関による脆弱性診断を年に1回、外部の専門会"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    cut = other.ask("第三者による脆弱性診断を実施していますか。", threshold=0.0)
    whole = other.ask("通信は暗号化されていますか。", threshold=0.0)
    assert cut.citations[0].quote.endswith("外部の専門会") and cut.citations[0].cut_off, cut.to_dict()
    assert cut.to_dict()["citations"][0]["cut_off"] is True
    assert "途切れて" in cut.answer and "途切れて" not in whole.answer
    assert whole.citations[0].quote.endswith("暗号化しています。") and "cut_off" not in whole.to_dict()["citations"][0]


def test_the_first_words_of_a_sentence_the_page_was_cut_off_in_are_no_answer(make_corpus, tmp_path):
    """A help page cut by a scraper's byte limit right after its last heading: 「年1回、外部の専」 under 「5. 脆弱性診断」
    had answered "Is there a bug bounty programme?" at 0.88 and a penetration-test question at 0.85."""
    corpus = make_corpus({
        "security.ja.txt": "セキュリティ対策\n\n1. 通信の暗号化\nすべての通信をTLS 1.2以上で暗号化しています。\n\n"
                           "2. 保存データの暗号化\n保存データはAES-256で暗号化しています。\n\n3. 脆弱性診断\n年1回、外部の専"})
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    cut = other.ask("第三者による脆弱性診断を実施していますか。", threshold=0.0)
    assert cut.citations[0].quote == "年1回、外部の専" and cut.citations[0].cut_off, cut.to_dict()
    assert cut.status.value == "needs review" and cut.review_reasons == ["cut_short"], cut.to_dict()
    assert other.ask("通信は暗号化されていますか。", threshold=0.0).status.value == "answered"


def test_the_passage_naming_the_standard_asked_about_comes_first(tmp_path):
    """"ISO 27017?" is about the passage naming 27017, not the 27001 one the ranking put first on a review's trust
    pages ("Certified since 2023" had been the candidate, read as a yes)."""
    from .conftest import PROJECT_ROOT

    other = Assistant(Settings(corpus=PROJECT_ROOT / "eval/train/corpora/t-larkspursign", index=tmp_path / "idx"),
                      progress=False)
    answer = other.ask("Is Larkspur certified to ISO 27017?")
    assert "27017" in " ".join(answer.citations[0].section), answer.to_dict()
    assert "27001" in " ".join(answer.citations[1].section)


def test_a_control_id_before_the_question_is_no_part_of_it(assistant):
    """"BCR-06: …" or "AC-01:" names the questionnaire's item: asked with it, "bcr" and "06" were terms and numbers no
    document writes, and a right first passage had been called not documented. The answer keeps the question as sent."""
    plain = assistant.ask("Does Workato support SCIM?")
    for sent in ("IAM-07: Does Workato support SCIM?", "Q12. Does Workato support SCIM?"):
        answer = assistant.ask(sent)
        assert answer.question == sent
        assert (answer.status, answer.confidence, answer.citations[0].quote) == \
            (plain.status, plain.confidence, plain.citations[0].quote)
