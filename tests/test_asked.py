"""What kind of fact a question asks for, and whether a passage states one (assistant/asked.py)."""

import pytest

from assistant import asked


@pytest.mark.parametrize("question,kinds", [
    ("How long are audit logs retained?", ["duration"]),
    ("監査ログの保存期間を教えてください。", ["duration"]),
    ("How often do you run penetration tests?", ["frequency"]),
    ("バックアップの取得頻度は？", ["frequency"]),
    ("Where is customer data stored?", ["place"]),
    ("データはどの国に保管されますか？", ["place"]),
    ("パスワードは最低何文字ですか？", ["amount"]),
    ("保存データの暗号化方式は？", ["algorithm"]),
    ("Which TLS versions do you support?", ["algorithm"]),
    ("TLSのバージョンは？", ["algorithm"]),
    ("Do you support SCIM?", []),
    ("SAMLによるSSOに対応していますか？", []),
    ("最小権限の原則に従っていますか？", []),  # least privilege is no amount
    ("Where can we find your status page?", []),  # where to look, not where data lives
    ("バージョンアップの方針は？", []),
])
def test_the_kind_a_question_asks_for(question, kinds):
    assert asked.kinds(question) == kinds


@pytest.mark.parametrize("question,passage,value", [
    ("How long are audit logs retained?", "Audit log entries are kept for 13 months.", 1.0),
    ("How long are audit logs retained?", "The audit log records sign-ins and exports.", -1.0),
    ("監査ログの保存期間は？", "監査ログは1年間保存します。", 1.0),
    ("監査ログの保存期間は？", "監査ログは管理画面から閲覧できます。", -1.0),
    ("How often are backups taken?", "データベースは日次でバックアップを取得しています。", 1.0),
    ("Where is customer data stored?", "本サービスはAWS東京リージョンで稼働しています。", 1.0),
    ("Where is customer data stored?", "Customer data is encrypted at rest.", -1.0),
    ("Where is customer data stored?", "Encryption keys are managed in AWS KMS.", -1.0),  # a provider is no place
    # nor is "a data center": which one, where?
    ("Where is customer data stored?", "The servers are located in a data center with 24/7 surveillance.", -1.0),
    ("データはどこに保管されますか？", "データは日本国内のデータセンターに保管しています。", 1.0),
    # an ASCII name beside kana is a word of its own: "はAES-256で", "TLS1.2以上"
    ("保存データの暗号化方式は？", "データはAES-256で暗号化しています。", 1.0),
    ("TLSのバージョンは？", "通信はTLS1.2以上で暗号化しています。", 1.0),
    ("保存データの暗号化方式は？", "データは強力な方式で暗号化しています。", -1.0),
    ("Do you support SCIM?", "SCIM 2.0 provisioning is available.", 0.0),
])
def test_a_passage_states_the_kind_of_fact_asked_for_or_not(question, passage, value):
    assert asked.match(question, passage) == value


def test_the_decision_reads_the_kind_of_fact_asked_for(assistant):
    """A feature of the decision: the same passage weighs more as an answer to a question asking for what it
    states (the default corpus keeps audit logs 1 year)."""
    from assistant import abstain
    from assistant.answer import MODEL

    assert MODEL.weights.get("asked", 0.0) > 0
    retrieval = assistant.retrieve("監査ログの保存期間は？")
    feats = abstain.features(assistant.index, retrieval)
    assert feats is not None and feats.asked == asked.match("監査ログの保存期間は？", retrieval.hits[0].passage.quote_text)
    assert feats.asked == 1.0, retrieval.hits[0].passage.quote_text


@pytest.mark.parametrize("question, searched", [
    ("For customers not using SSO, can you enforce password complexity requirements?",
     "can you enforce password complexity requirements?"),
    ("SSOを利用しない場合、パスワードの複雑性要件を強制できますか?", "パスワードの複雑性要件を強制できますか?"),
    ("If SSO is not used, is MFA available for every user?", "is MFA available for every user?"),
    ("When data is not encrypted, what happens?", "When data is not encrypted, what happens?"),  # nothing left
    ("Does Workato support SCIM?", "Does Workato support SCIM?"),
])
def test_a_condition_ruling_something_out_is_not_what_is_searched_for(question, searched):
    """A real vendor page's 'For customers not using SSO, …password complexity…?' had the SSO passage first."""
    from assistant.asked import without_condition

    assert without_condition(question) == searched


@pytest.mark.parametrize("question, searched", [
    ("Is a disaster response plan established, documented, approved, applied, evaluated, and maintained to ensure "
     "recovery from natural and man-made disasters?",
     "Is a disaster response plan to ensure recovery from natural and man-made disasters?"),
    ("Can backups be restored appropriately for resiliency?", "Can backups be restored?"),
    ("Are processes, procedures, and technical measures defined, implemented, and evaluated for periodic, "
     "independent, third-party penetration testing?", "Are for periodic, independent, third-party penetration testing?"),
    ("Are background verification policies and procedures of all new employees established, documented, approved, "
     "communicated, applied, evaluated, and maintained?", "Are background verification of all new employees?"),
    ("Is the disaster recovery plan tested and reviewed annually?", "Is the disaster recovery plan tested and reviewed annually?"),
    ("Are policies and procedures established?", "Are policies and procedures established?"),  # nothing left
])
def test_a_questionnaires_procedural_words_are_not_what_is_searched_for(question, searched):
    """CSA CAIQ's words for how every control is run outweighed what a question asks about: of a fresh-user
    review's 62-row CAIQ sheet, 20 were 'not documented', 17 of them answered in the whitepaper."""
    from assistant.asked import without_boilerplate

    assert without_boilerplate(question) == searched


def test_what_is_searched_for_is_the_question_without_procedural_words(assistant):
    retrieval = assistant.retrieve("Is encryption of data at rest established, documented, approved, and maintained?")
    assert retrieval.question == "Is encryption of data at rest?"


@pytest.mark.parametrize("question, passage, other", [
    ("What is the maximum password length?", "パスワードは10文字以上で、英字と数字を含める必要があります。", True),
    ("What is the minimum password length?", "パスワードは10文字以上で、英字と数字を含める必要があります。", False),
    ("What is the minimum password length?", "Passwords can be up to 128 characters long.", True),
    ("パスワードの最大文字数は？", "パスワードは8文字以上64文字以内で設定できます。", False),
    ("What is the shortest session timeout?", "自動ログアウトまでの時間は15分~14日の間で設定可能です。", False),  # a range
    ("What is the maximum session length?", "Sessions expire after 30 minutes of inactivity.", False),  # a figure alone
])
def test_one_end_of_a_range_asked_and_the_other_given(question, passage, other):
    """A review's "What is the maximum password length?" was answered at 0.99 from 「10文字以上」."""
    from assistant import abstain
    from assistant.asked import other_bound
    from assistant.types import Status

    assert other_bound(question, passage) is other
    settled = abstain.settle(Status.ANSWERED, question, [], passage, quote=passage)
    assert settled == ((Status.REVIEW, ["other_bound"]) if other else (Status.ANSWERED, []))
