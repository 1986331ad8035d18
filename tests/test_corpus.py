"""Ingestion: offsets round-trip, boilerplate dropped, headings found, bad files skipped."""

from __future__ import annotations


import pytest

from assistant.corpus import find_as_of, load_corpus, parse_document
from assistant.errors import CorpusError

from .conftest import DEFAULT_CORPUS, DEFAULT_DOC


@pytest.fixture(scope="module")
def default():
    return load_corpus(DEFAULT_CORPUS)


def test_offsets_round_trip(default):
    text = DEFAULT_DOC.read_text(encoding="utf-8")
    assert len(default.passages) > 30
    for p in default.passages:
        assert text[p.start:p.end] == p.text
        assert p.text == p.text.strip() and p.text


def test_boilerplate_dropped(default):
    quotes = [p.text for p in default.passages]
    assert not any(q.isdigit() for q in quotes), "like counters are not passages"
    assert not any("Register as a new user" in q or "LoginSignup" in q or "Posted at" in q for q in quotes)
    assert not any(q.startswith("You ") or "signing up" in q for q in quotes), "English footer dropped"


def test_headings_found_and_never_quoted(default):
    by_text = {p.text: p for p in default.passages}
    enc = next(p for p in default.passages if "AES-256" in p.text)
    assert enc.section == ("データの保護", "データの暗号化", "標準機能(Workatoがデフォルトで提供)")
    scim = next(p for p in default.passages if "SCIM" in p.text)
    assert scim.section == ("ユーザー管理", "SSO")
    retention = next(p for p in default.passages if p.text.startswith("デフォルトで30日間"))
    assert retention.section[-1] == "ジョブデータ(ジョブ履歴)の保存期間"
    assert "ユーザー管理" not in by_text and "SSO" not in by_text
    bullets = [p for p in default.passages if p.kind in ("bullet", "list")]
    assert bullets and all(not p.text.startswith("•") for p in bullets)


def test_title_and_as_of(default):
    doc = default.documents[0]
    assert doc.title and "セキュリティ" in doc.title
    assert doc.as_of == "2024-04-28"
    assert doc.source == "corpus/workato-security-summary.ja.txt"


def test_index_text_carries_the_heading(default):
    p = next(p for p in default.passages if p.text.startswith("デフォルトで30日間"))
    assert "ジョブ履歴" in p.index_text() and p.index_text().endswith(p.text)


@pytest.mark.parametrize("text, iso", [
    ("本内容は 2024/4/28 時点の情報です", "2024-04-28"),
    ("2023年12月1日現在", "2023-12-01"),
    ("This page is accurate as of March 3, 2025.", "2025-03-03"),
    ("as of 2025-01-09", "2025-01-09"),
    ("no date here 2024/13/40 時点", None),
    ("最終更新日：2025年10月1日（第4.2版）", "2025-10-01"),
    ("最終更新日: 2024年11月5日", "2024-11-05"),
    ("この記事は2021年8月9日に最終更新されています", "2021-08-09"),
    ("Last updated: June 12, 2025", "2025-06-12"),
    ("Last updated: 2 April 2025", "2025-04-02"),
    ("Updated on 2025-06-12 by the security team", "2025-06-12"),
    ("2020年4月1日 施行 / 最終更新日：2024年5月1日 / 2024年6月1日時点", "2024-06-01"),
    ("設立 2015年4月1日", None),
    ("制定：2019年4月1日　最終改定：2025年1月10日", "2025-01-10"),  # the revision, not the first issue
    ("改定日：2023年1月5日", "2023-01-05"),
    ("最終更新日 2025年1月10日\n改定：2019年4月1日 初版\n改定：2022年4月1日 第2版", "2025-01-10"),  # the latest
    ("鍵の更新：2020年4月1日以降は毎年行います。", None),  # a fact's date, no label of the document's
    # labels of English documents as exported from Word, Notion and questionnaires
    ("Effective date | January 15, 2026", "2026-01-15"),
    ("Last edited: November 18, 2025", "2025-11-18"),
    ("Completed: March 12, 2024", "2024-03-12"),
    ("Date: 2024-03-12", "2024-03-12"),
    ("The annual penetration test was completed on March 3, 2025.", None),
    # a month without its day, where a label says it dates the document
    ("Security Whitepaper\nVersion 4.0 — January 2026", "2026-01"),
    ("Published: May 2025", "2025-05"),
    ("2025年4月版", "2025-04"),
    ("We plan to add EU hosting in January 2026.", None),
    ("株式会社ミナトリンク　第2.1版（2026年9月1日）", "2026-09-01"),
    # dates that are not the document's: a next review, an expiry, a word that starts like a month
    ("Last reviewed: 2025-01-10\nNext review date: 2026-01-10", "2025-01-10"),
    ("Issued: 2024-05-01\nExpiry date: 2027-04-30", "2024-05-01"),
    ("Last updated: Marketing 2024", None),
    ("Date: 2024/4/1", "2024-04-01"),
    ("第3版 2025年4月1日", "2025-04-01"),
    # a DPA's edition line (a review's DPA had no date, and its edition line was quoted with the first clause)
    ("Version 3.1 — effective March 1, 2025\n\nThis Data Processing Addendum forms part of the Terms.", "2025-03-01"),
    ("This agreement is effective as of 1 March 2025.", "2025-03-01"),
    # a month only, said to be current
    ("ご利用プランごとの提供機能をご確認いただけます。（2025年1月現在）", "2025-01"),
    ("Prices and features as of January 2025.", "2025-01"),
    # a translated page's full-width colon and digits, a Japanese 制定 line, a press release's dateline
    ("Security of Example Cloud\nUpdated：２０２４年１０月１日 (Oct. 1, 2024)", "2024-10-01"),
    ("セキュリティへの取り組み\n2023年4月1日 制定\n", "2023-04-01"),
    ("サイト名\nホーム > お知らせ\n2024.05.10 お知らせ\nISO/IEC 27017 認証取得のお知らせ\n", "2024-05-10"),
    ("\n" * 20 + "2024.05.10 お知らせ\n", None),  # a dateline far down the page dates an entry, not the page
    ("サービス稼働状況\n（2024年12月2日 9:00 更新）\n", "2024-12-02"),  # a status page's update, with its time
])
def test_as_of_patterns(text, iso):
    assert find_as_of(text) == iso


def test_markdown_headings_give_levels(tmp_path):
    md = "# Guide\n\n## Access\n\n### MFA\n\nWe support TOTP.\n\n- hardware keys\n- SMS codes\n\n## Network\n\nTLS 1.3 only.\n"
    doc = parse_document(tmp_path / "g.md", md)
    assert [(p.section, p.text) for p in doc.passages] == [
        (("Access", "MFA"), "We support TOTP."),
        (("Access", "MFA"), "hardware keys"),
        (("Access", "MFA"), "SMS codes"),
        (("Network",), "TLS 1.3 only."),
    ]
    assert doc.title == "Guide"
    # ranked one by one, a short list's items are quoted as the list (exactly as written)
    assert [p.quote_text for p in doc.passages][1:3] == ["hardware keys\n- SMS codes"] * 2
    assert all(md[p.quote_start:p.quote_end] == p.quote_text for p in doc.passages)
    for p in doc.passages:
        assert md[p.start:p.end] == p.text


def test_crlf_offsets_match_text_mode_reading(make_corpus):
    folder = make_corpus({"w.txt": "見出し\r\n\r\n本文です。改行はCRLFです。\r\n"})
    c = load_corpus(folder)
    text = (folder / "w.txt").read_text(encoding="utf-8")
    p = c.passages[0]
    assert text[p.start:p.end] == p.text == "本文です。改行はCRLFです。"


def test_long_paragraph_is_split_on_sentences(tmp_path):
    sentence = "これは長い段落の一文であり、質問票のセルに収まるように分割されるべきです。"
    text = "見出し\n\n" + sentence * 20 + "\n"
    doc = parse_document(tmp_path / "long.txt", text)
    assert len(doc.passages) > 1
    for p in doc.passages:
        assert len(p.text) <= 400 and text[p.start:p.end] == p.text and p.text.endswith("。")


def test_unreadable_files_are_skipped_with_a_warning(make_corpus):
    folder = make_corpus({
        "good.txt": "SSO\n\nSAML SSOに対応しています。\n",
        "empty.txt": "   \n",
        "binary.txt": b"\x00\x01\x02PNG",
        "latin1.txt": "caf\xe9 s\xe9curit\xe9".encode("latin-1"),
        "image.png": b"\x89PNG",
    })
    c = load_corpus(folder)
    assert [d.path.name for d in c.documents] == ["good.txt"]
    joined = "\n".join(c.warnings)
    for name in ("empty.txt", "binary.txt", "latin1.txt"):
        assert name in joined
    assert "image.png" not in joined  # not a document type: ignored silently


def test_no_documents_is_a_clear_error(make_corpus, tmp_path):
    with pytest.raises(CorpusError, match="no readable documents"):
        load_corpus(make_corpus({"empty.md": ""}))
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_setext_headings_and_rules(tmp_path):
    md = "Security\n========\n\nAccess\n------\n\nMFA is required for all staff.\n\n---\n\n* SSO via SAML\n"
    doc = parse_document(tmp_path / "s.md", md)
    assert doc.title == "Security"  # a top heading right above another is the document's title
    assert [(p.section, p.text) for p in doc.passages] == [
        (("Access",), "MFA is required for all staff."),
        (("Access",), "SSO via SAML"),
    ]


def test_numbered_and_marked_headings_in_plain_text(tmp_path):
    text = ("セキュリティホワイトペーパー\n\n第1章 アクセス管理\n\n1.1 認証\n\nSAML 2.0によるシングルサインオンに対応しています。\n\n"
            "1.2 パスワード\n\nパスワードは12文字以上です。\n\n第2章 暗号化\n\n2.1 保存データ\n\n保存データはAES-256で暗号化されます。\n\n"
            "手順は次のとおりです。\n1. 管理画面を開く\n2. 設定を変更する\n")
    doc = parse_document(tmp_path / "w.txt", text)
    assert doc.title == "セキュリティホワイトペーパー"
    got = [(p.section, p.kind, p.text) for p in doc.passages]
    assert got[0] == (("第1章 アクセス管理", "1.1 認証"), "paragraph", "SAML 2.0によるシングルサインオンに対応しています。")
    assert got[1][0] == ("第1章 アクセス管理", "1.2 パスワード")
    assert got[2][0] == ("第2章 暗号化", "2.1 保存データ")
    assert [g[1:] for g in got[-2:]] == [("bullet", "管理画面を開く"), ("bullet", "設定を変更する")]
    # each item is quoted with its siblings and the paragraph that introduces them
    unit = "手順は次のとおりです。\n1. 管理画面を開く\n2. 設定を変更する"
    assert [p.quote_text for p in doc.passages[-3:]] == [unit] * 3
    assert all(text[p.quote_start:p.quote_end] == p.quote_text for p in doc.passages)
    assert all(text[p.start:p.end] == p.text for p in doc.passages)


def test_a_short_sections_paragraphs_are_quoted_together_and_ranked_apart(tmp_path):
    short = ("一般ユーザーの2段階認証は任意ですが、管理者が組織全体で必須に切り替えることができます。",
             "管理者権限を持つユーザーは、2段階認証の設定が必須です。")
    long = tuple(f"ログ{i}は" + "操作の記録を" * 30 + "保存します。" for i in range(3))
    text = "# 2段階認証\n\n" + "\n\n".join(short) + "\n\n# ログ\n\n" + "\n\n".join(long) + "\n"
    doc = parse_document(tmp_path / "s.md", text)
    assert [p.text for p in doc.passages] == [*short, *long], "each paragraph is still a passage of its own"
    unit = "\n\n".join(short)
    assert [p.quote_text for p in doc.passages[:2]] == [unit, unit], "a short section is quoted whole"
    assert [p.quote_text for p in doc.passages[2:]] == list(long), "a section over 400 characters is not"
    assert all(text[p.quote_start:p.quote_end] == p.quote_text for p in doc.passages)


def test_a_plain_text_whitepapers_contents_numbered_sections_and_unmarked_list(tmp_path):
    text = ("サンプル セキュリティホワイトペーパー\n株式会社サンプル 第2.1版（2025年5月1日改定）\n\n目次\n1. はじめに\n"
            "2. 脆弱性管理\n\n1. はじめに\n本書は当社のセキュリティ対策を説明します。\n\n2. 脆弱性管理\n2.1 パッチ適用\n"
            "脆弱性は、深刻度に応じて次の期限内に修正します。\n緊急：7日以内\n高：30日以内\n2.2 マルウェア対策\n"
            "業務端末にはEDR製品を導入しています。\n")
    doc = parse_document(tmp_path / "w.txt", text)
    assert doc.title == "サンプル セキュリティホワイトペーパー" and doc.as_of == "2025-05-01"
    got = [(p.section, p.quote_text) for p in doc.passages]
    patch = "脆弱性は、深刻度に応じて次の期限内に修正します。\n緊急：7日以内\n高：30日以内"
    assert dict.fromkeys(got) == dict.fromkeys([
        (("1. はじめに",), "本書は当社のセキュリティ対策を説明します。"),
        (("2. 脆弱性管理", "2.1 パッチ適用"), patch),
        (("2. 脆弱性管理", "2.2 マルウェア対策"), "業務端末にはEDR製品を導入しています。"),
    ]), "the contents list is no passage; '2.' over '2.1' is a chapter, not a list item; 'name：value' lines are facts"


def test_a_page_copied_from_the_browser_keeps_its_facts_and_drops_its_site(tmp_path):
    text = ("サンプル経費 ヘルプセンター\nホーム\nはじめての方へ\nよくある質問\nお知らせ\nログイン\n"
            "このサイトではCookieを使用しています。閲覧を続けるとCookieの使用に同意したものとみなされます。\n同意する\n"
            "ホーム　よくある質問　お知らせ　お問い合わせ\nホーム ＞ サポート ＞ よくある質問\n"
            "ログインとアカウントの保護\n記事番号：KW-0418\nこの記事では、ログインの設定を説明します。\n2段階認証\n"
            "管理者は全メンバーに2段階認証を必須に設定できます。\n2段階認証の設定画面の画面イメージ\n"
            "※SMSによる確認コードの送信には対応していません。\n")
    doc = parse_document(tmp_path / "help.txt", text)
    assert doc.title == "ログインとアカウントの保護", "the page's own title sits under its breadcrumb"
    quotes = [p.text for p in doc.passages]
    assert quotes == ["この記事では、ログインの設定を説明します。", "管理者は全メンバーに2段階認証を必須に設定できます。",
                      "※SMSによる確認コードの送信には対応していません。"], "menus, the cookie banner and captions are no facts"
    sections = {h for p in doc.passages for h in p.section}
    assert not sections & {"同意する", "ログイン", "2段階認証の設定画面の画面イメージ"}, sections
    english = parse_document(tmp_path / "trust.txt", (
        "Acme\nProduct\nPricing\nCustomers\nLog in\nWe use cookies to improve your experience. Accept all Manage preferences\n"
        "Home › Trust › Security\nSecurity at Acme\nLast updated: March 10, 2025\nAcme runs on AWS in Tokyo.\n"))
    assert english.title == "Security at Acme" and [p.text for p in english.passages] == ["Acme runs on AWS in Tokyo."]


def test_a_menu_along_one_line_at_the_top_is_no_passage(tmp_path):
    text = ("ホーム | 機能 | 料金プラン | ヘルプセンター | お問い合わせ | ログイン\nよくある質問\n"
            "カテゴリ：すべて | アカウント | 会議 | セキュリティ | お支払い\nQ. 2段階認証は使えますか？\n"
            "A. はい。認証アプリを使った2段階認証をご利用いただけます。\n")
    doc = parse_document(tmp_path / "faq.txt", text)
    assert [p.text for p in doc.passages] == ["はい。認証アプリを使った2段階認証をご利用いただけます。"]


def test_a_marked_label_above_its_body_is_a_heading_and_a_marked_list_is_not(tmp_path):
    text = "■ 本資料について\nセキュリティについて網羅的に記載しております。\n■ 保存データの暗号化\n■ 通信の暗号化\n"
    doc = parse_document(tmp_path / "m.txt", text)
    got = [(p.section, p.kind, p.text) for p in doc.passages]
    assert got == [(("■ 本資料について",), "paragraph", "セキュリティについて網羅的に記載しております。"),
                   (("■ 本資料について",), "bullet", "保存データの暗号化"),
                   (("■ 本資料について",), "bullet", "通信の暗号化")], "the label is never quoted; two marked lines are a list"
    assert doc.passages[-1].quote_text == "保存データの暗号化\n■ 通信の暗号化", "quoted as the list"


def test_a_quantity_opening_a_label_is_no_section_number(tmp_path):
    text = "2段階認証\n\n2段階認証でできること\n\n認証アプリやSMSから方法を選択できます。\n\n3つの特長\n\n管理者が設定を強制できます。\n"
    doc = parse_document(tmp_path / "q.txt", text)
    assert doc.title == "2段階認証", "'2段階' is a quantity, not chapter 2, so the page's first label is its title"
    assert [p.section[-1] for p in doc.passages] == ["2段階認証でできること", "3つの特長"]
    assert all(p.nesting_guessed for p in doc.passages)


def _document(tmp_path, text, name="page.ja.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_document(path, text)


def _parse(tmp_path, text, name="page.ja.txt"):
    doc = _document(tmp_path, text, name)
    for p in doc.passages:
        assert text[p.start:p.end] == p.text
    return doc.passages


def test_scraped_table_rows_are_units_and_header_is_not(tmp_path):
    text = ("セキュリティ(全般)\n項目 | 内容 |\n公的認証の取得 | ISMS認証登録番号:JP20/080650 |\n"
            "通信の暗号化レベル | 伝送データはTLS v1.2以上で暗号化を実施 |\n第三者へ再委託 |\n|\n")
    passages = _parse(tmp_path, text)
    assert [p.text for p in passages] == ["公的認証の取得 | ISMS認証登録番号:JP20/080650 |",
                                          "通信の暗号化レベル | 伝送データはTLS v1.2以上で暗号化を実施 |"]
    assert all(p.section == ("セキュリティ(全般)",) for p in passages), "the label above a table is its heading"


def test_the_last_table_row_of_a_page_is_a_fact_not_a_heading(tmp_path):
    text = ("セキュリティ(脆弱性対策)\nソースコード |\n|\n"
            "ライブラリ | 依存パッケージの脆弱性を検知\n")
    passages = _parse(tmp_path, text)
    assert [(p.section, p.text) for p in passages] == [
        (("セキュリティ(脆弱性対策)",), "ライブラリ | 依存パッケージの脆弱性を検知")]


def test_a_bracketed_aside_after_a_sentence_ends_the_line(tmp_path):
    text = ("データセンター\n"
            "AWSは各種の認証を受けています。(AWS が取得している認証についての詳細はこちらから)\n"
            "Backlogに記録したデータは、日本国内のデータセンターに保管しています。\n")
    passages = _parse(tmp_path, text)
    assert [p.text for p in passages] == [
        "AWSは各種の認証を受けています。(AWS が取得している認証についての詳細はこちらから)",
        "Backlogに記録したデータは、日本国内のデータセンターに保管しています。",
    ], "the aside closes its line's sentence: the next fact is not glued to it"


def test_a_note_right_under_a_fact_is_quoted_with_it(tmp_path):
    text = ("ログの監査\n\n"
            "記録の保存期間及び利用者への提供は有償オプションサービスで対応しています。\n※別途お問い合わせください。\n\n"
            "※この注記は段落のあとの空行に続くので、それだけで一つの単位です。\n")
    passages = _parse(tmp_path, text)
    assert [p.text for p in passages] == [
        "記録の保存期間及び利用者への提供は有償オプションサービスで対応しています。\n※別途お問い合わせください。",
        "※この注記は段落のあとの空行に続くので、それだけで一つの単位です。",
    ], "a note directly under its fact qualifies it; one after a blank line stands alone"


def test_scraped_fact_lines_stay_apart_and_labels_become_headings(tmp_path):
    text = ("Data backup\nTo avoid any data loss, we restore the data for the past 30 days.\n"
            "Firewall\nA firewall prevents unauthorized access to the server.\n"
            "We also keep the ports closed and the services\nthat are not needed are disabled.\n")
    passages = _parse(tmp_path, text, "terms.en.txt")
    assert [(p.section, p.text) for p in passages] == [
        (("Data backup",), "To avoid any data loss, we restore the data for the past 30 days."),
        (("Firewall",), "A firewall prevents unauthorized access to the server."),
        (("Firewall",), "We also keep the ports closed and the services\nthat are not needed are disabled."),
    ], "one fact per line is one unit; a wrapped line (lower case next) is joined, not read as a heading"


def test_a_label_above_an_honorific_sentence_is_a_heading_not_part_of_the_quote(tmp_path):
    text = ("Backlogのセキュリティ\nお客様に安心してご利用いただくために、データの保護を最優先にしています。\n"
            "データセンター\nAWSを利用しています。\n")
    passages = _parse(tmp_path, text)
    assert [(p.section, p.text) for p in passages] == [
        (("Backlogのセキュリティ",), "お客様に安心してご利用いただくために、データの保護を最優先にしています。"),
        (("データセンター",), "AWSを利用しています。")], "お/ご before a kanji opens a sentence; it does not wrap one"


def test_an_faq_question_titles_its_answer_and_is_not_quoted(tmp_path):
    ja = _parse(tmp_path, "よくある質問\n\nアクセスログや監査ログは閲覧できますか?\n"
                          "プラチナプランのスペースではアクセスログを閲覧できます。\n", "faq.ja.txt")
    assert [(p.section[-1], p.text) for p in ja] == [
        ("アクセスログや監査ログは閲覧できますか?", "プラチナプランのスペースではアクセスログを閲覧できます。")]
    en = _parse(tmp_path, "FAQ\n\nCan I export the audit log?\nYes, administrators can export it as CSV.\n", "faq.en.txt")
    assert [(p.section[-1], p.text) for p in en] == [("Can I export the audit log?", "Yes, administrators can export it as CSV.")]


def test_contents_titles_and_image_captions_are_not_sections_or_quotes(tmp_path):
    text = ("2段階認証\n\n目次\n\n認証アプリやSMSから方法を選択できます。\n\n認証方法を選べる画面のイメージ\n\n"
            "スペース内のユーザーに2段階認証を強制できます。\n")
    passages = _parse(tmp_path, text, "2fa.ja.txt")
    assert [p.text for p in passages] == ["認証アプリやSMSから方法を選択できます。", "スペース内のユーザーに2段階認証を強制できます。"]
    assert all("目次" not in p.section for p in passages)
    assert passages[1].section == ("2段階認証",), "a caption standing alone heads nothing"


def test_a_symlink_out_of_the_corpus_folder_is_not_indexed(tmp_path):
    from assistant.corpus import corpus_files

    outside = tmp_path / "secret.txt"
    outside.write_text("社外秘: 本番DBのパスワードは hunter2 です。\n", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "policy.txt").write_text("保存データはAES-256で暗号化されます。\n", encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside)
    (folder / "inside.txt").symlink_to(folder / "policy.txt")  # a link within the folder is fine
    assert [p.name for p in corpus_files(folder)] == ["inside.txt", "policy.txt"]


def test_a_glossarys_definitions_are_no_facts(tmp_path):
    text = ("# 3. インフラストラクチャ\n\nAWS WAFを導入し、攻撃を遮断しています。\n\n"
            "# 付録B 用語集 / Glossary\n\nWAF：Web Application Firewall。Webアプリケーションへの攻撃を検知・遮断する仕組み。\n")
    doc = parse_document(tmp_path / "w.md", text)
    assert [p.text for p in doc.passages] == ["AWS WAFを導入し、攻撃を遮断しています。"]


def test_the_folder_a_browser_saves_beside_a_page_is_not_indexed(tmp_path):
    from assistant.corpus import corpus_files

    folder = tmp_path / "corpus"
    (folder / "Security_files").mkdir(parents=True)
    (folder / "Security.html").write_text("<html><body><p>保存データは暗号化されます。</p></body></html>", encoding="utf-8")
    (folder / "Security_files" / "saved_resource.html").write_text("<p>資料請求フォーム</p>", encoding="utf-8")
    (folder / "notes_files").mkdir()  # no page of that name beside it: a folder of the user's own
    (folder / "notes_files" / "policy.txt").write_text("ログは1年間保存します。\n", encoding="utf-8")
    assert [p.relative_to(folder).as_posix() for p in corpus_files(folder)] == ["Security.html", "notes_files/policy.txt"]


def test_a_page_footer_after_the_last_sentence_is_not_quoted_but_a_cut_off_line_is(tmp_path):
    page = ("セキュリティ\n記事番号：HC-0412\n最終更新日：2025年3月3日\nデータは東京リージョンに保管しています。\n"
            "暗号化\n通信はTLS 1.2以上で暗号化しています。\nこの記事は役に立ちましたか？\nはい\nいいえ\n関連記事\n"
            "ログインに関するよくある質問\nお問い合わせ | 会社概要 | 利用規約\n")
    doc = parse_document(tmp_path / "page.txt", page)
    assert doc.as_of == "2025-03-03" and all(p.section == ("セキュリティ",) for p in doc.passages[:1])
    quotes = [p.text for p in doc.passages]
    assert not any("関連記事" in q or q in ("はい", "いいえ") or "利用規約" in q for q in quotes), quotes
    assert quotes == ["データは東京リージョンに保管しています。", "通信はTLS 1.2以上で暗号化しています。"]
    assert all(page[p.start:p.end] == p.text for p in doc.passages)
    cut = "暗号化\n通信はTLS 1.2以上で暗号化しています。\n退職した従業員のデータは5年間保持し、その後は管理者が手動で削除でき"
    assert parse_document(tmp_path / "cut.txt", cut).passages[-1].text.endswith("手動で削除でき")


def test_a_section_number_a_bold_faq_question_and_a_q_line_are_headings_not_quotes(tmp_path):
    text = ("第5章 暗号化\n\n5.2　保存データの暗号化\n保存データはAES-256で暗号化しています。\n\n"
            "Q：RPO・RTOの目標値を教えてください。\nA：RPOは1時間、RTOは8時間です。\n")
    doc = parse_document(tmp_path / "policy.txt", text)
    assert [(p.section[-1], p.text) for p in doc.passages] == [
        ("5.2　保存データの暗号化", "保存データはAES-256で暗号化しています。"),
        ("Q：RPO・RTOの目標値を教えてください。", "RPOは1時間、RTOは8時間です。")]
    md = "# FAQ\n\n## Compliance\n\n**Do you have a SOC 2 report?**\n\nNot yet; we hold ISO 27001.\n\n- *TLS* 1.2 only\n"
    doc = parse_document(tmp_path / "faq.md", md)
    assert [(p.section, p.text) for p in doc.passages] == [
        (("Compliance", "Do you have a SOC 2 report?"), "Not yet; we hold ISO 27001."),
        (("Compliance", "Do you have a SOC 2 report?"), "*TLS* 1.2 only")]


def test_a_site_name_bar_and_a_short_cut_off_heading_are_not_quoted(tmp_path):
    page = ("ツミキ勤怠 | クラウド勤怠管理サービス\nログイン\nセキュリティ\nデータは東京リージョンに保管しています。\n"
            "バックアップ\nサービスが停止しない仕組み(冗長化、負荷")
    doc = parse_document(tmp_path / "page.txt", page)
    assert [p.text for p in doc.passages] == ["データは東京リージョンに保管しています。"]


def test_numbered_sections_nest_and_a_parenthesised_label_heads_its_paragraph(tmp_path):
    text = ("ホーム ＞ 製品 ＞ セキュリティ\n最終更新日：2024年10月1日（第4.2版）\n\nセキュリティホワイトペーパー\n\n"
            "1. はじめに\n\n本書は当社の取り組みを説明します。\n\n2. 管理体制\n\n2.2 第三者認証\n"
            "（1）ISMS\n当社はISO/IEC 27001の認証を取得しています。\n（2）プライバシーマーク\n当社はプライバシーマークを取得しています。\n\n"
            "2.3 アクセス制御\n管理画面の権限は次のとおりです。\n（1）閲覧のみ\n（2）編集\n")
    doc = parse_document(tmp_path / "policy.txt", text)
    assert doc.as_of == "2024-10-01"
    assert doc.title == "セキュリティホワイトペーパー"
    got = [(p.section, p.text) for p in doc.passages][1:]
    assert got[:2] == [(("2. 管理体制", "2.2 第三者認証", "（1）ISMS"), "当社はISO/IEC 27001の認証を取得しています。"),
                       (("2. 管理体制", "2.2 第三者認証", "（2）プライバシーマーク"), "当社はプライバシーマークを取得しています。")], \
        "a heading found by its look keeps its numbering's level; the breadcrumb and the date line are no section"
    assert [t for _, t in got[3:]] == ["閲覧のみ", "編集"], "（n） lines in a row are a list, not headings"
    assert all(text[p.start:p.end] == p.text for p in doc.passages)


def test_a_numbered_label_over_its_paragraph_is_a_heading_and_a_feedback_prompt_is_chrome(tmp_path):
    text = ("セキュリティ概要\n\n1. 暗号化\n保存データはAES-256で暗号化しています。\n\n14. お問い合わせ\n"
            "脆弱性のご報告は security@example.jp までご連絡ください。\n手順は次のとおりです。\n1. 管理画面を開く\n2. 設定を押す\n"
            "この記事は役に立ちましたか？ はい | いいえ\n関連記事\n・暗号化の仕組み\n・サービスの稼働状況（ステータスページ）\n"
            "お問い合わせ | 利用規約\n")
    doc = parse_document(tmp_path / "page.txt", text)
    got = [(p.section, p.text) for p in doc.passages]
    assert got[0] == (("1. 暗号化",), "保存データはAES-256で暗号化しています。")
    assert got[1] == (("14. お問い合わせ",), "脆弱性のご報告は security@example.jp までご連絡ください。"), \
        "'14. お問い合わせ' titles its paragraph; it is no one-line list item quoted on its own"
    assert [t for _, t in got[3:]] == ["管理画面を開く", "設定を押す"], "numbered lines in a row stay a list"
    assert not any("役に立ちましたか" in t or "利用規約" in t for _, t in got), "a feedback prompt with its buttons is chrome"
    assert not any("ステータスページ" in t for _, t in got), "the related articles listed after it are the site's"


def test_a_menu_one_item_a_line_is_no_section_path_and_an_english_header_row_is_not_quoted(tmp_path):
    page = ("Skip to main content\nAcme\nProduct\nPricing\nDevelopers\nSign in\nRequest a demo\nSecurity at Acme\n"
            "Acme protects customer data with layered controls.\nSubprocessors\nWe use these subprocessors.\n"
            "Subprocessor\tPurpose\tData location\nAmazon Web Services, Inc.\tCloud hosting\tUnited States\n"
            "Zendesk, Inc.\tSupport tickets\tUnited States\n")
    doc = parse_document(tmp_path / "trust.txt", page)
    assert all(len(p.section) <= 1 for p in doc.passages), [p.section for p in doc.passages]
    assert doc.passages[0].section == ("Security at Acme",), "the menu above the page's heading is no path"
    assert not any(p.text.startswith("Subprocessor\t") for p in doc.passages), "column names are no fact"
    assert any(p.text.startswith("Amazon Web Services") and p.section == ("Subprocessors",) for p in doc.passages)


def test_edition_lines_link_texts_and_search_boxes_are_neither_quotes_nor_sections(tmp_path):
    passages = _parse(tmp_path, "サンプル会議 セキュリティポリシー\n\n株式会社サンプル 第3.2版（2025年4月1日改定）\n\n"
                 "キーワードで検索\n\n保存データの暗号化\n\n保存データはAES-256で暗号化しています。\n\n詳しくはこちら\n\n"
                 "通信の暗号化\n\n通信はTLS 1.2以上で暗号化しています。\n\nRead more\n")
    quotes = [p.text for p in passages]
    assert quotes == ["保存データはAES-256で暗号化しています。", "通信はTLS 1.2以上で暗号化しています。"]
    sections = {s for p in passages for s in p.section}
    assert not sections & {"キーワードで検索", "詳しくはこちら", "Read more"}, sections
    tls = passages[1]
    assert tls.section[-1] == "通信の暗号化"
    dpa = parse_document(tmp_path / "dpa.md", "# Data Processing Addendum\n\nVersion 3.1 — effective March 1, 2025\n\n"
                                              "This Addendum forms part of the Terms of Service.\n")
    assert [p.text for p in dpa.passages] == ["This Addendum forms part of the Terms of Service."]
    assert dpa.as_of == "2025-03-01"


def test_what_stands_above_a_breadcrumb_trail_is_the_sites_header(tmp_path):
    """Two reviews: every section path began with the site's name and its "ログイン　無料で試す" bar, and that
    path went into each 備考 cell of a filled sheet."""
    page = ("ハナミ予約 ヘルプセンター\nログイン　無料で試す\nホーム ＞ 設定 ＞ セキュリティ\nアカウントのセキュリティ設定\n"
            "パスワードのルール\nパスワードは10文字以上です。\n")
    doc = parse_document(tmp_path / "help.txt", page)
    assert doc.title == "アカウントのセキュリティ設定"
    assert doc.passages[0].section == ("アカウントのセキュリティ設定", "パスワードのルール")


def test_a_docs_sites_front_matter_admonitions_code_and_includes_are_no_text(tmp_path):
    """A docs-site export (mkdocs, Docusaurus): "title: 暗号化" had been quoted as an answer, no page had a date,
    an admonition's "!!! warning" opened the quote under it, an openssl sample answered "TLS 1.3?", and an
    include line was quoted (a fresh-user review)."""
    page = ("---\ntitle: Encryption\nlast_updated: 2024-12-02\n---\n\n# Encryption\n\n## In transit\n\n"
            "All connections require TLS 1.2 or higher.\n\n```text\n$ openssl s_client -connect app.example:443 -tls1_3\n"
            "Protocol  : TLSv1.3\n```\n\n!!! warning\n    Customer-managed keys (BYOK) are not supported.\n\n"
            ":::caution\nKeys are rotated every 365 days.\n:::\n\n{% include \"../snippets/contact.md\" %}\n")
    doc = parse_document(tmp_path / "encryption.md", page)
    assert (doc.title, doc.as_of) == ("Encryption", "2024-12-02")
    assert [p.text for p in doc.passages] == ["All connections require TLS 1.2 or higher.",
                                              "Customer-managed keys (BYOK) are not supported.",
                                              "Keys are rotated every 365 days."]
    assert all(page[p.start:p.end] == p.text for p in doc.passages)
    # a rule opening a page, with no "key: value" under it, is no metadata
    plain = parse_document(tmp_path / "note.md", "---\n\nBackups are kept for 30 days.\n\n---\n")
    assert [p.text for p in plain.passages] == ["Backups are kept for 30 days."]


def test_a_name_value_line_ends_its_unit_and_a_label_after_it_heads_the_steps(tmp_path):
    """A review's help page: 「2段階認証を有効にする」 under the plan lines had been glued to them, its steps filed
    under 「対象プラン」."""
    page = ("2段階認証とSSOを設定する\nこの記事では設定方法を説明します。\n対象プラン\n2段階認証：すべてのプラン\n"
            "SSO（SAML 2.0）：エンタープライズプランのみ\n2段階認証を有効にする\n1. 管理画面の［設定］を開きます。\n"
            "2. 「全員に必須」を選び、保存します。\n")
    doc = parse_document(tmp_path / "help.txt", page)
    got = [(p.section[-1:], p.text) for p in doc.passages]
    assert (("対象プラン",), "2段階認証：すべてのプラン\nSSO（SAML 2.0）：エンタープライズプランのみ") in got
    assert (("2段階認証を有効にする",), "管理画面の［設定］を開きます。") in got


def test_a_numbered_label_over_a_paragraph_the_scrape_cut_off_is_its_heading(tmp_path):
    """A review's English policy page: "8. Review" over the cut-off last paragraph was quoted as "Review"."""
    page = ("Information Security Policy\n7. Logging\nSecurity event logs are retained for twelve months.\n8. Review\n"
            "This Policy is reviewed at least annually by the Information Security Committee and revised as "
            "necessary. Violations of this Policy may result in disciplinary action in accordance with the empl")
    doc = parse_document(tmp_path / "policy.en.txt", page)
    assert [(p.section[-1], p.text[:20]) for p in doc.passages] == [("7. Logging", "Security event logs "),
                                                                  ("8. Review", "This Policy is revie")]


def test_a_cookie_notice_over_a_button_naming_cookies_and_a_long_breadcrumb_are_chrome(tmp_path):
    """A review's scraped English pages: the notice above "Accept all cookies" was shown in 19 of 62 answers, and a
    breadcrumb of four steps (61 characters) was quoted with the page's title, which was then no title."""
    page = ("Acme Help Center\nSearch articles\nHome › Trust Center › Privacy › Data Protection & Privacy FAQ\n"
            "Data Protection & Privacy FAQ\nWe use cookies to personalise content. See our Cookie Policy.\n"
            "Accept all cookies\nCookie settings\n\nQ: Who owns the data?\nYou do. Customers retain all rights.\n")
    doc = parse_document(tmp_path / "faq.txt", page)
    assert doc.title == "Data Protection & Privacy FAQ"
    assert [p.text for p in doc.passages] == ["You do. Customers retain all rights."]


def test_a_sites_language_switch_is_chrome(tmp_path):
    """A review's "Is your website available in English?" was answered at 0.96 from "日本語 | English"."""
    from assistant.corpus.labels import is_label

    page = ("Example Group\nAbout Us\nNews\n日本語 | English\nHome > Policies > Security\nInformation Security Policy\n"
            "The Group protects the information customers entrust to it.\n1. Scope\nThis policy applies to all staff.\n")
    doc = parse_document(tmp_path / "policy.en.txt", page)
    assert not any("English" in p.text or "English" in " ".join(p.section) for p in doc.passages)
    assert all(is_label(t) for t in ("日本語 | English", "JP / EN", "English 日本語"))
    assert not any(is_label(t) for t in ("English support", "日本語と英語に対応しています", "English | 対応"))


def test_a_skip_link_is_no_title(tmp_path):
    for skip in ("Skip to main content", "Skip to content", "本文へスキップ", "メインコンテンツへ移動"):
        path = tmp_path / "page.txt"
        text = f"{skip}\nAcme Help Center\nData retention\nAcme keeps audit logs for one year.\n"
        path.write_text(text, encoding="utf-8")
        doc = parse_document(path, text)
        assert doc.title != skip and all(skip not in p.section for p in doc.passages), (skip, doc.title)


def test_a_feedback_widget_over_two_lines_ages_and_markings_are_never_quoted(tmp_path):
    md = ("# Login security\n\n![Maya Chen](https://example.com/avatar.png) Maya Chen · Updated 2 months ago\n\n"
          "CONFIDENTIAL - Shared under NDA\n\n## IP allowlisting\n\n"
          "On the Enterprise plan, administrators can restrict logins to allowed IP ranges.\n\n---\n\n"
          "Was this article helpful?\n\nYes No\n\n12 out of 15 found this helpful\n\n"
          "Have more questions? [Submit a request](https://example.com/requests/new)\n\n"
          "この記事は役に立ちましたか？\n\nはい いいえ\n\nUpdated 3 weeks ago\n")
    passages = _parse(tmp_path, md, name="help.md")
    assert [p.quote_text for p in passages] == [
        "On the Enterprise plan, administrators can restrict logins to allowed IP ranges."], \
        "the widget's question, its buttons, the prompt under it, the page's age and its marking are no facts"
    from assistant.corpus.labels import is_label
    assert not is_label("Confidential - customer data is encrypted") and not is_label("Confidential: Data handling"), \
        "a marking is about distribution; a heading or a fact that starts with the word is not one"


def test_a_markdown_pages_one_top_heading_is_its_title_and_stays_its_section(tmp_path):
    md = ("[Help Center](https://example.com/hc) > [Admin](https://example.com/a) > [API](https://example.com/b)\n\n"
          "# Authenticating to the API\n\n![Maya](https://example.com/m.png) Maya Chen · Updated 2 months ago · 6 min read\n\n"
          "The REST API supports OAuth 2.0 and API keys.\n\n## OAuth 2.0\n\nAccess tokens expire after 1 hour.\n")
    path = tmp_path / "api.md"
    path.write_text(md, encoding="utf-8")
    doc = parse_document(path, md)
    assert doc.title == "Authenticating to the API"
    assert [(p.section, p.text) for p in doc.passages] == [
        (("Authenticating to the API",), "The REST API supports OAuth 2.0 and API keys."),
        (("Authenticating to the API", "OAuth 2.0"), "Access tokens expire after 1 hour.")]


def test_a_scraped_markdown_pages_link_lists_byline_and_breadcrumb_are_chrome(tmp_path):
    passages = _parse(tmp_path, """[![ロゴ](https://example.jp/logo.svg)](https://example.jp/)

* [ヘルプセンター トップ](https://example.jp/hc)
* [よくあるご質問](https://example.jp/faq)

[ホーム](https://example.jp/) > [設定](https://example.jp/s) > ログインのセキュリティ設定

# ログインのセキュリティ設定

![担当 井上](https://example.jp/avatar.png) 担当 井上

更新日時：2025年2月18日 11:32

## 目次

* [1. シングルサインオン](#sso)
* [2. 2段階認証](#2fa)

## 1. シングルサインオン

エンタープライズプランでは、SAML 2.0によるシングルサインオンを利用できます。詳しくは[こちら](https://example.jp/sso)をご覧ください。

## 2. 2段階認証

* 管理者の2段階認証は必須です。
* 一般ユーザーの2段階認証は任意です。

---

この記事は役に立ちましたか？ はい いいえ

34人中29人がこの記事が役に立ったと言っています
""", name="help.md")
    quotes = [p.text for p in passages]
    assert quotes[0].startswith("エンタープライズプランでは、SAML 2.0"), quotes
    assert quotes[1:] == ["管理者の2段階認証は必須です。", "一般ユーザーの2段階認証は任意です。"]
    assert passages[0].section[-1] == "1. シングルサインオン"
    assert not any("目次" in p.section for p in passages)


def test_what_follows_a_pages_feedback_widget_is_the_sites_not_the_articles(tmp_path):
    passages = _parse(tmp_path, "Security FAQ\nHow will we be told about a security incident?\nWe notify your security "
                      "contact by email within 72 hours.\nWas this article helpful?\nYes\nNo\n0 out of 0 found this "
                      "helpful\nRelated articles\nDeploying the agent on Windows\nConfiguring SAML SSO\n"
                      "Have more questions? Submit a request\nTundra Labs\nStatus\n© 2025 Tundra Labs Inc.\n",
                      name="faq.en.txt")
    assert [p.text for p in passages] == ["We notify your security contact by email within 72 hours."]


def test_a_short_label_over_a_sentence_starting_in_hiragana_heads_it(tmp_path):
    text = ("IPアドレス制限\nビジネスプラン以上では、接続元のIPアドレスを指定できます。\n"
            "2段階認証\nすべてのプランで、認証アプリによる2段階認証をご利用いただけます。\n"
            "管理者は、全ユーザーに2段階認証を義務付けることができます。\n")
    doc = parse_document(tmp_path / "help.txt", text)
    assert [(p.section, p.text[:8]) for p in doc.passages] == [
        (("IPアドレス制限",), "ビジネスプラン以"), (("2段階認証",), "すべてのプランで"), (("2段階認証",), "管理者は、全ユー")]
    wrapped = "当社は、お客様のデータを国内のデータセンターに保管して\nおり、海外に移転することはありません。\n"
    assert [p.text for p in parse_document(tmp_path / "w.txt", wrapped).passages] == [wrapped.strip()], \
        "a line wrapped mid-sentence is no label"


def test_notepads_byte_order_mark_and_shift_jis_files_are_read(tmp_path):
    from assistant.corpus import read_document

    page = "ミナモサイン よくある質問\n\nデータの保管場所\nお客様のデータは国内のデータセンターに保管しています。\n"
    bom = tmp_path / "faq.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + page.encode("utf-8"))
    doc = read_document(bom)
    assert doc.title == "ミナモサイン よくある質問" and all("\ufeff" not in s for p in doc.passages for s in p.section)
    own = bom.read_text(encoding="utf-8")  # what readers open: offsets count in it, mark and all
    assert all(own[p.start:p.end] == p.text for p in doc.passages) and not doc.extracted
    sjis = tmp_path / "privacy.txt"
    sjis.write_bytes(page.encode("cp932"))
    doc = read_document(sjis)
    assert doc.extracted, "the decoded text is kept by the index: readers would open the file as UTF-8"
    assert doc.passages[0].text == "お客様のデータは国内のデータセンターに保管しています。"
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(0x80, 0x100)) * 20)
    with pytest.raises(CorpusError, match="not UTF-8"):
        read_document(junk)


def test_a_page_cut_inside_a_character_keeps_its_text(tmp_path):
    """A crawler that stops after so many bytes cuts a UTF-8 character in two: the page was skipped whole
    as "not UTF-8" (a fresh-user review lost all five audit-log answers)."""
    from assistant.corpus import read_document

    page = "監査ログ\n監査ログは3年間保存されます。\n管理者は操作履歴をCSVで出力できます、その際に".encode("utf-8")
    cut = tmp_path / "audit.txt"
    cut.write_bytes(page[:-2])
    doc = read_document(cut)
    assert doc.passages[0].text == "監査ログは3年間保存されます。" and doc.extracted
    junk = tmp_path / "junk.txt"
    junk.write_bytes(page[:-2] + b"\xff" + page)
    with pytest.raises(CorpusError, match="not UTF-8"):
        read_document(junk)


def test_a_table_scraped_one_cell_a_line_is_read_row_by_row(tmp_path):
    """A browser's or a scraper's text of a check-sheet answer table: each cell on a line of its own. Read
    line by line, its short cells became headings (a row's label the next row's section) and its marks
    answered nothing (a fresh-user review: four wrong answers, rows lost)."""
    from assistant.polarity import verdict

    text = ("対応状況一覧\n凡例：○＝対応　×＝非対応\nNo.\n項目\n回答\n補足\n運用\n1\n稼働率\n月間99.9%\n実績は毎月公開\n"
            "2\n災害対策\n×\n待機系はありません\n3\n計画停止の通知\n○\n7日前までにメールで通知します\nデータ\n"
            "4\nバックアップ\n○\n毎日取得し、30日間保持します\n5\n暗号鍵の持ち込み\n該当なし\n－\n6\nウイルス対策")
    doc = parse_document(tmp_path / "sla.txt", text)
    rows = [p for p in doc.passages if p.context]
    assert [p.text for p in rows] == ["稼働率\n月間99.9%\n実績は毎月公開", "災害対策\n×\n待機系はありません",
                                      "計画停止の通知\n○\n7日前までにメールで通知します", "バックアップ\n○\n毎日取得し、30日間保持します",
                                      "暗号鍵の持ち込み\n該当なし\n－"]
    assert all(p.context == "No. | 項目 | 回答 | 補足" and text[p.start:p.end] == p.text for p in rows)
    assert not any("ウイルス対策" in p.text for p in doc.passages), "a label the scrape cut off before its value"
    assert [p.section[-1] for p in rows] == ["運用", "運用", "運用", "データ", "データ"], "a group's name heads its rows"
    assert verdict("災害対策はしていますか？", rows[1].text).value == "no"
    assert verdict("計画停止は事前に通知されますか？", rows[2].text).value == "yes"
    assert verdict("暗号鍵を持ち込めますか？", rows[4].text).value == "unclear"


def test_a_tab_separated_tables_rows_are_indexed_with_its_header(tmp_path):
    text = ("プラン別の対応状況\n機能\tスタンダード\tビジネス\tエンタープライズ\n2段階認証\t○\t○\t○\n"
            "IPアドレス制限\t×\t○\t○\n※トライアル期間中はすべての機能をお試しいただけます。\n")
    doc = parse_document(tmp_path / "help.txt", text)
    rows = [p for p in doc.passages if "\t" in p.text]
    assert [p.text for p in rows] == ["2段階認証\t○\t○\t○", "IPアドレス制限\t×\t○\t○"]
    assert all(p.context == "機能 | スタンダード | ビジネス | エンタープライズ" for p in rows)
    assert "スタンダード" in rows[1].index_text(), "a question naming the plan finds the row"
    note = next(p for p in doc.passages if p.text.startswith("※"))
    assert note.context == "", "the table ends with its last row"


def test_the_last_name_value_line_of_a_list_is_an_item_not_a_heading(tmp_path):
    text = ("脆弱性対策\n年1回、外部の専門会社によるペネトレーションテストを実施しています。\n"
            "脆弱性が見つかった場合は、深刻度に応じて次の期限内に修正します。\n"
            "緊急（Critical）：7日以内\n高（High）：30日以内\n中（Medium）以下：90日以内\n\n"
            "よくあるご質問\nQ. データはどの国に保管されますか？\nA. すべて日本国内に保管されます。\n")
    doc = parse_document(tmp_path / "page.txt", text)
    assert not any("90日以内" in h for p in doc.passages for h in p.section), "an item is no section"
    item = next(p for p in doc.passages if "7日以内" in p.text)
    assert item.section == ("脆弱性対策",)
    assert all(x in item.quote_text for x in ("次の期限内に修正します", "7日以内", "30日以内", "中（Medium）以下：90日以内"))
    answer = next(p for p in doc.passages if p.text.startswith("すべて日本国内"))
    assert answer.section == ("よくあるご質問", "Q. データはどの国に保管されますか？")
    en = parse_document(tmp_path / "en.txt", "Patching\nCritical: 7 days\nHigh: 30 days\nMedium: 90 days\n\nFAQ\n"
                                            "Where is data stored?\nIn Japan.\n")
    assert not any("Medium" in h for p in en.passages for h in p.section)
    alone = parse_document(tmp_path / "a.txt", "はじめに\n本書について説明します。\n\nお問い合わせ窓口：営業部\n\n"
                                               "平日9時から受け付けています。\n")
    assert any("お問い合わせ窓口：営業部" in h for p in alone.passages for h in p.section), \
        "a name-value line with no such line above it is still free to head what follows"


def test_a_tab_separated_table_is_quoted_with_its_header_and_without_the_paragraphs_after_it(tmp_path):
    text = ("アカウントの保護\n機能\tスタンダード\tビジネス\tエンタープライズ\n2段階認証（TOTP）\t○\t○\t○\n"
            "IPアドレス制限\t×\t○\t○\nSAML認証によるシングルサインオン\t×\t×\t○\n\n"
            "管理者権限を持つアカウントは、2段階認証の設定が必須です。\n"
            "パスワードはbcryptでハッシュ化して保存しています。\n")
    doc = parse_document(tmp_path / "page.txt", text)
    row = next(p for p in doc.passages if p.text.startswith("IPアドレス制限"))
    assert row.kind == "row" and row.context == "機能 | スタンダード | ビジネス | エンタープライズ"
    assert row.quote_text.startswith("機能\tスタンダード\tビジネス\tエンタープライズ\n"), "the header is quoted with it"
    assert row.quote_text.endswith("SAML認証によるシングルサインオン\t×\t×\t○"), "the table ends with its last row"
    assert text[row.quote_start:row.quote_end] == row.quote_text
    after = next(p for p in doc.passages if p.text.startswith("管理者権限"))
    assert "\t" not in after.quote_text and after.context == ""
    long_rows = "".join(f"機能{n}の説明がここに入ります。詳しくはマニュアルをご覧ください\t○\t×\n" for n in range(12))
    big = parse_document(tmp_path / "big.txt", "機能比較\n機能\tライト\tプロ\n" + long_rows)
    assert all(p.kind == "row" and p.quote_text == p.text for p in big.passages), "a long table keeps its rows apart"


def test_a_table_whose_cells_only_spaces_separate_keeps_its_rows(tmp_path):
    text = ("料金プランの機能比較\n各プランの主な機能は以下のとおりです。\nセキュリティ・管理\n"
            "項目 スタンダード ビジネス エンタープライズ\n操作ログの閲覧 × 1年分 5年分\n"
            "操作ログのCSV出力 × ○ ○\n専任担当者によるサポート × × ○\n"
            "※操作ログは、保存期間を過ぎたものから順に自動で削除されます。\n")
    doc = parse_document(tmp_path / "plans.txt", text)
    rows = [p for p in doc.passages if p.context]
    assert [p.text for p in rows] == ["操作ログの閲覧 × 1年分 5年分", "操作ログのCSV出力 × ○ ○", "専任担当者によるサポート × × ○"]
    assert all(p.context == "項目 | スタンダード | ビジネス | エンタープライズ" and p.section[-1] == "セキュリティ・管理"
               for p in rows), "rows, not headings: the last one had become a section name"
    menu = ("ホーム 製品紹介 料金プラン お問い合わせ\nホーム ＞ 料金プラン ＞ 機能比較表\nセキュリティ\n"
            "Single sign-on with SAML\nAudit logs for admins\nRole based access control\n"
            "詳しくはお問い合わせください。\n")
    assert not any(p.context for p in parse_document(tmp_path / "m.txt", menu).passages), \
        "a menu, a breadcrumb and lines of words without marks or figures are no table"
    wide = ("プラン比較\n各プランの機能は以下のとおりです。\n機能　フリー　プロ　エンタープライズ\n"
            "操作ログの閲覧　×　1年分　5年分\nSAML SSO　×　○　○\nIP制限　×　×　○\n")
    rows = [p for p in parse_document(tmp_path / "w.txt", wide).passages if p.context]
    assert [p.text.split("\u3000")[0] for p in rows] == ["操作ログの閲覧", "SAML SSO", "IP制限"], \
        "wide spaces part the cells: 'SAML SSO' is one, and rows are no menu"


def test_a_copied_pages_title_date_label_and_footer_links_are_not_quoted(tmp_path):
    faq = ("ミナモサイン\nホーム ＞ よくある質問 ＞ データの保管\nよくある質問：データの保管・バックアップ・削除\n"
           "2025年1月20日更新\nデータの保管場所\nQ. 契約書データはどこに保管されていますか？\n"
           "A. お客様のデータはAWSの東京リージョンに保管しています。\n")
    doc = parse_document(tmp_path / "faq.txt", faq)
    assert doc.title == "よくある質問：データの保管・バックアップ・削除" and doc.as_of == "2025-01-20"
    assert [p.text for p in doc.passages] == ["お客様のデータはAWSの東京リージョンに保管しています。"], \
        "the title, its date and the heading had been one passage"
    privacy = ("個人情報の取り扱いについて\n最終改定日：2024年10月1日\n当社は、個人情報を適切に取り扱います。\n"
               "8. お問い合わせ窓口\n個人情報に関するお問い合わせは、お問い合わせフォームからお送りください。\n以上\n"
               "このページを印刷する\nプライバシーポリシー　情報セキュリティ基本方針　特定商取引法に基づく表記\n")
    doc = parse_document(tmp_path / "privacy.txt", privacy)
    assert [p.text for p in doc.passages] == ["当社は、個人情報を適切に取り扱います。",
                                              "個人情報に関するお問い合わせは、お問い合わせフォームからお送りください。"]


def test_a_markdown_exports_toggles_tags_and_callout_marks_are_not_quoted(tmp_path):
    text = ("# Engineering Security Practices\n\n> 💡 This page is the engineering team's working reference.\n\n"
            "## Secrets management\n\n<details>\n<summary>Dependency updates</summary>\n\n"
            "Automated pull requests update third-party dependencies every week.\n\n</details>\n\n"
            "## Monitoring\n\n> ⚠️ Paging rules changed in October.\n\n> ℹ️ Alerts page the on-call engineer.\n")
    doc = parse_document(tmp_path / "notion.md", text)
    _exact = [text[p.start:p.end] == p.text for p in doc.passages]
    assert all(_exact)
    assert [(p.section[-1], p.text) for p in doc.passages] == [
        ("Engineering Security Practices", "This page is the engineering team's working reference."),
        ("Dependency updates", "Automated pull requests update third-party dependencies every week."),
        ("Monitoring", "Paging rules changed in October."), ("Monitoring", "Alerts page the on-call engineer.")]


def test_a_toggle_list_items_question_titles_its_indented_answer(tmp_path):
    """A Notion export writes each FAQ toggle as "- ▶ Question?" with the answer indented under it; a
    reviewer got the question line quoted as the answer ("▶ What are your RTO and RPO?", 0.93)."""
    text = ("# Security FAQ\n\n## Business continuity\n\n- ▶ What are your RTO and RPO?\n    \n"
            "    Our recovery time objective (RTO) is 4 hours and our recovery point objective (RPO) is 1 hour.\n    \n"
            "- ▶ Backup testing\n    \n    We run a full restore test every six months.\n    \n"
            "## Access\n\n- Is SSO supported?\n- SAML 2.0 single sign-on is available on the Enterprise plan.\n")
    doc = parse_document(tmp_path / "notion.md", text)
    assert all(text[p.start:p.end] == p.text for p in doc.passages)
    assert [(p.section[-1], p.text) for p in doc.passages][:2] == [
        ("What are your RTO and RPO?", "Our recovery time objective (RTO) is 4 hours and our recovery point objective "
                                       "(RPO) is 1 hour."),
        ("Backup testing", "We run a full restore test every six months.")]
    assert [p.text for p in doc.passages if p.section[-1] == "Access"] == [
        "Is SSO supported?", "SAML 2.0 single sign-on is available on the Enterprise plan."], \
        "a question item with nothing indented under it is an item"


def test_a_notion_pages_properties_are_its_record_and_date_it(tmp_path):
    text = ("# Security FAQ\n\nOwner: Kenta Mori (Security)\nLast edited time: November 2, 2026 4:12 PM\n"
            "Status: Published\nTags: Security, Sales enablement\n\n## Hosting\n\nAll workspaces are hosted in Japan.\n")
    doc = parse_document(tmp_path / "notion.md", text)
    assert [p.text for p in doc.passages] == ["All workspaces are hosted in Japan."]
    assert doc.as_of == "2026-11-02"


@pytest.mark.parametrize("banner", [
    "当サイトではCookieを使用しています。詳しくはCookieポリシーをご覧ください。\n同意する\n設定\n",
    "We use cookies to improve your experience. Read our Cookie Policy.\nAccept all\nReject non-essential\nCookie settings\n",
])
def test_a_cookie_banners_other_buttons_head_no_section(tmp_path, banner):
    """A reviewer's copied pages had every section under "設定 ›" or "Reject non-essential ›"."""
    text = ("Tsumiki Board\n製品\n料金プラン\nセキュリティ\nヘルプ\n" + banner + "ホーム > セキュリティ > 認証\n"
            "セキュリティの取り組み\n\n第三者認証\n当社はISO/IEC 27001:2022の認証を取得しています。\n")
    doc = parse_document(tmp_path / "page.txt", text)
    cert = next(p for p in doc.passages if "27001" in p.text)
    assert not {"設定", "Reject non-essential", "同意する", "Accept all"} & set(cert.section), cert.section
    assert not any(b in p.text for p in doc.passages for b in ("Reject non-essential", "同意する"))


def test_a_markdown_table_is_quoted_with_its_header_and_without_the_paragraph_after_it(tmp_path):
    """"| Japan | ap-northeast-1 (Tokyo) | March 2025 |" alone does not say that the last column is when the
    region opened; the quote starts at the header row and stops at the table's end."""
    text = ("# Data residency\n\n## Available regions\n\n| Region | AWS region | Available since |\n|---|---|---|\n"
            "| United States | us-east-1 (N. Virginia) | 2019 |\n| Japan | ap-northeast-1 (Tokyo) | March 2025 |\n\n"
            "The region is chosen when the organization is created and cannot be changed afterwards.\n")
    doc = parse_document(tmp_path / "residency.md", text)
    row = next(p for p in doc.passages if "Japan" in p.text)
    assert row.kind == "row" and row.context == "Region | AWS region | Available since"
    assert row.quote_text.startswith("| Region | AWS region | Available since |") and row.quote_text.endswith("March 2025 |")
    assert text[row.quote_start:row.quote_end] == row.quote_text
    after = next(p for p in doc.passages if p.text.startswith("The region is chosen"))
    assert "|" not in after.quote_text


def test_a_copied_title_bar_names_the_page_and_is_not_quoted(tmp_path):
    """A page selected whole in a browser starts with its <title>, "Product | Tagline", then the site's menu."""
    text = ("ヨリミチ受付 | クラウド受付・会議室予約システム\n製品概要\n機能一覧\n料金プラン\nセキュリティ\nログイン\n"
            "ホーム ＞ 会社情報 ＞ セキュリティ\nセキュリティへの取り組み\n"
            "ヨリミチ受付は、来訪者の個人情報をお預かりするサービスとして情報セキュリティを重視しています。\n\n"
            "暗号化\n通信はすべてTLS 1.2以上で暗号化しています。\n")
    doc = parse_document(tmp_path / "security.txt", text)
    assert doc.title == "ヨリミチ受付 | クラウド受付・会議室予約システム"
    assert not any("会議室予約システム" in p.quote_text for p in doc.passages)
    # with no site furniture under it, such a line is the document's own (a heading here), no title bar
    own = parse_document(tmp_path / "note.txt", "Acme - Security overview\nAcme encrypts all data at rest.\n\n"
                                                "Backups\nBackups are kept for 30 days.\n")
    assert own.title != "Acme - Security overview" or any("Acme - Security overview" in p.section for p in own.passages)
    assert any(p.quote_text == "Acme encrypts all data at rest." for p in own.passages)


def test_a_numbered_footnote_is_not_quoted_with_the_section_above_it(tmp_path):
    """"※1 AWSのデータセンターは…認証を取得しています" under a short section about the vendor's network had
    been quoted with it, reading as the vendor's own certification."""
    text = ("ネットワーク\nすべての通信はAWS WAFを経由します。\n\nデータベースへはアプリケーションサーバーからのみ接続できます。\n\n"
            "※1 AWSのデータセンターはISO/IEC 27001、SOC 2等の認証を取得しています。\n")
    doc = parse_document(tmp_path / "paper.txt", text)
    waf = next(p for p in doc.passages if "WAF" in p.text)
    assert "データベースへ" in waf.quote_text, "the section's paragraphs are still quoted together"
    assert "※1" not in waf.quote_text
    note = next(p for p in doc.passages if p.text.startswith("※1"))
    assert note.quote_text == note.text


def test_a_definition_list_scraped_one_line_a_name_and_one_its_value(tmp_path):
    """A spec page's <dl> as text: each name with its value (and the note under it) is one unit, quoted alone;
    a line left over before a name names the group. Read line by line, short values had become headings."""
    text = ("ホーム > 製品 > サービス仕様\nサービス仕様\n最終更新日：2024年4月1日\n"
            "基本情報\n提供形態\nSaaS（マルチテナント型）\nデータセンター\n国内（東京・大阪リージョン）\n"
            "※お客様データを国外に保存することはありません。\n"
            "セキュリティ\n通信の暗号化\nTLS 1.2以上\nパスワードの保存\nソルト付きハッシュ（bcrypt）\n"
            "アクセス制限\nIPアドレス制限・端末証明書\n操作ログの保存期間\n1年間\n"
            "契約終了時\nデータの消去\n契約終了日から90日以内に全データを消去\n消去証明書\nご要望に応じて発行（有償")
    passages = _parse(tmp_path, text)
    got = [(p.section[-1], p.quote_text) for p in passages]
    assert got == [
        ("基本情報", "提供形態\nSaaS（マルチテナント型）"),
        ("基本情報", "データセンター\n国内（東京・大阪リージョン）\n※お客様データを国外に保存することはありません。"),
        ("セキュリティ", "通信の暗号化\nTLS 1.2以上"), ("セキュリティ", "パスワードの保存\nソルト付きハッシュ（bcrypt）"),
        ("セキュリティ", "アクセス制限\nIPアドレス制限・端末証明書"), ("セキュリティ", "操作ログの保存期間\n1年間"),
        ("契約終了時", "データの消去\n契約終了日から90日以内に全データを消去"),
        ("契約終了時", "消去証明書\nご要望に応じて発行（有償"),
    ]
    # short labels over sentences are a page's sections, no list of names and values
    prose = ("データの暗号化\n保存データはAES-256で暗号化しています。\n通信の暗号化\nTLS 1.2以上を使用しています。\n"
             "バックアップ\n毎日取得し、7日間保管しています。\n監査ログ\n1年間保存しています。\n")
    assert [(p.section, p.text) for p in _parse(tmp_path, prose)][0] == (("データの暗号化",), "保存データはAES-256で暗号化しています。")


def test_a_plan_matrix_row_apart_by_spaces_and_group_names_inside_the_table(tmp_path):
    """A tab-separated table's row whose cells came out apart by spaces is one of its rows (read as a short line
    it had named the next rows' section); a group's name between the header and the rows does not end it."""
    text = ("機能一覧\nご利用プランごとの提供機能です。\n機能\tスタンダード\tビジネス\tエンタープライズ\n■認証\n"
            "SAML 2.0によるSSO\t○\t○\t○\nFIDO2／パスキー\t×\t○\t○\nリスクベース認証 × オプション ○\n"
            "端末証明書による接続制限\t×\tオプション\t○\n■ID管理\nSCIMによる自動プロビジョニング\t×\t○\t○\n"
            "Active Directory連携 × ○ ○\n人事システム連携\t×\t×\tオプション\n"
            "SLA（稼働率保証）　99.9%　99.9%　99.95%\n※価格は税抜です。\n")
    passages = _parse(tmp_path, text)
    rows = {p.text: p for p in passages if p.kind == "row"}
    for row in ("リスクベース認証 × オプション ○", "Active Directory連携 × ○ ○", "SLA（稼働率保証）　99.9%　99.9%　99.95%",
                "FIDO2／パスキー\t×\t○\t○"):
        assert row in rows, row
        assert rows[row].context == "機能 | スタンダード | ビジネス | エンタープライズ", "indexed with the column names"
    assert rows["人事システム連携\t×\t×\tオプション"].section[-1] == "■ID管理"
    assert not any("リスクベース認証" in part or "Active Directory" in part for p in passages for part in p.section)


@pytest.mark.parametrize("crumb", ["Trust Center > Security", "TOP ＞ プライバシーポリシー", "TOP / 料金プラン / 機能一覧"])
def test_a_short_breadcrumb_trail_heads_no_section_and_names_no_title(tmp_path, crumb):
    """A trail of two steps (or one from the site's top, slashes between) is chrome like a longer one: it had
    headed every section path of its page, and what stood above it (the site's menu) titled the page."""
    text = (f"Skip to main content\nProduct\nPricing\nResources\nLog in\nStart free trial\n{crumb}\nSecurity at Orlenmail\n"
            "Encryption\nCustomer data is encrypted at rest with AES-256.\n\nBackups\nBackups are kept for 35 days.\n")
    doc = _document(tmp_path, text, "trust.txt")
    assert doc.title == "Security at Orlenmail"
    assert [p.section for p in doc.passages] == [("Security at Orlenmail", "Encryption"), ("Security at Orlenmail", "Backups")]


def test_a_screen_path_in_the_body_is_no_breadcrumb(tmp_path):
    text = ("Audit logs\nAdministrators can export the audit log as CSV.\n\nWhere to find it\nSettings > Audit log\n"
            "The log keeps 13 months of events.\n")
    assert any("Settings > Audit log" in (p.text, *p.section) for p in _parse(tmp_path, text, "help.txt")), "not dropped"


def test_a_heading_with_the_same_mark_is_a_sibling_after_a_deeper_ones_body(tmp_path):
    """"【アクセス管理】" after "■バックアップ"'s body is a sibling of "【データの保管】", not its child: run together,
    marked headings had nested by the order they came in, and every later section sat under the first."""
    text = ("【組織体制】\n情報セキュリティ責任者を任命しています。\n【データの保管】\n■保管場所\nお客様のデータは国内にのみ保管しています。\n■バックアップ\n毎日取得し35日分を保管しています。\n"
            "【アクセス管理】\n二要素認証を全プランで利用できます。\n【従業員教育】\n全従業員に年1回の研修を実施しています。\n")
    assert [p.section for p in _parse(tmp_path, text)] == [
        ("【組織体制】",), ("【データの保管】", "■保管場所"), ("【データの保管】", "■バックアップ"), ("【アクセス管理】",), ("【従業員教育】",)]


def test_a_tables_last_row_is_no_footer_link_row(tmp_path):
    """The last rows of a table at a page's end, short or cut off by the scrape, are facts like the rows above them;
    read as a footer's links they had been dropped ("IP allowlist\\tNo\\tNo\\tYes", "データの削除\\t解約後60日以内に全デー")."""
    text = ("セキュリティへの取り組み\n当社は情報セキュリティ基本方針を定めています。\n項目\t内容\n"
            "稼働率（SLA）\t月間99.9%（計画メンテナンスを除く）\n脆弱性診断\t年2回、外部の専門機関が実施\n"
            "操作ログの保存期間\t1年間\nデータの削除\t解約後60日以内に全デー")
    rows = [p.text for p in _parse(tmp_path, text) if p.kind == "row"]
    assert rows[-2:] == ["操作ログの保存期間\t1年間", "データの削除\t解約後60日以内に全デー"]


def test_a_scrape_cut_in_an_faqs_last_answer_keeps_the_question_over_what_is_left(tmp_path):
    """The last answer cut short ("No, testing a") is still its question's answer; it had been dropped and the
    question quoted as the end of the answer before it, which then answered it "Yes" at 1.00."""
    text = ("Security FAQ\nDo you conduct penetration tests?\nWe have an independent firm test the application once a year.\n"
            "May customers run their own penetration test against Larkspur?\nNo, testing a")
    got = [(p.section[-1], p.text) for p in _parse(tmp_path, text, "faq.en.txt")]
    assert got[-2:] == [("Do you conduct penetration tests?", "We have an independent firm test the application once a year."),
                        ("May customers run their own penetration test against Larkspur?", "No, testing a")]


def test_a_note_cut_off_at_a_pages_end_and_a_caption_mark(tmp_path):
    """「※…」 at the end of a cut page is a fact, no footer link; 「▲…」 captions the picture above it and heads no
    section (it had become the parent of the next article's title)."""
    text = ("接続元IPアドレスを制限する\n許可したIPアドレスからのみ管理画面にアクセスできます。\n▲IPアドレス制限の入力欄\n"
            "操作ログを確認する\nスタッフごとの操作履歴を確認できます。\n1. ［設定］→［操作ログ］を開きます。\n"
            "2. ［CSVダウンロード］で出力できます。\n※操作ログは直近13か月分を保持")
    passages = _parse(tmp_path, text)
    assert passages[-1].text == "※操作ログは直近13か月分を保持"
    assert all(not part.startswith("▲") for p in passages for part in p.section)
    assert not any("▲" in p.text for p in passages)


def test_a_check_sheet_as_text_gives_one_unit_per_numbered_item(tmp_path):
    """"1-1 question" then "はい remark" lines, from a PDF's table converted to text: each item is quoted alone (a
    section's five answers had been one passage, and its first はい answered the others); "4. …" over items heads them."""
    text = ("セキュリティチェックシート回答\nNo. 質問 回答 補足\n3. 開発・運用\n3-1 第三者による脆弱性診断を実施していますか。\n"
            "はい 年1回、外部専門業者による診断を実施。\n3-2 ペネトレーションテストを実施していますか。\nいいえ 今後の実施を検討中です。\n"
            "- 2 / 3 -\n4. インシデント対応\n4-1 インシデント発生時の連絡体制\nはい 重大インシデントは検知から24時間以内に\nご契約者様の管理者")
    got = [(p.section[-1], p.text) for p in _parse(tmp_path, text)]
    assert got == [
        ("3. 開発・運用", "3-1 第三者による脆弱性診断を実施していますか。\nはい 年1回、外部専門業者による診断を実施。"),
        ("3. 開発・運用", "3-2 ペネトレーションテストを実施していますか。\nいいえ 今後の実施を検討中です。"),
        ("4. インシデント対応", "4-1 インシデント発生時の連絡体制\nはい 重大インシデントは検知から24時間以内に\nご契約者様の管理者"),
    ]


def test_contents_with_page_numbers_after_tabs_are_no_sections(tmp_path):
    """A word processor's contents ("2.1 情報セキュリティ体制\\t1"): its entries name sections, even those a cut-off
    export no longer has; read as headings they had headed the contents' next entries, quoted as passages."""
    text = ("ハコベラCRM セキュリティホワイトペーパー\n\n目次\n1. 本書の目的\t1\n2. 組織的対策\t1\n2.1 情報セキュリティ体制\t1\n"
            "3.2 ログの保護\t3\n4. バックアップと事業継続\t3\n5. インシデント対応\t4\n\n"
            "1. 本書の目的\n本書は当社のセキュリティ対策を説明します。\n\n2. 組織的対策\n2.1 情報セキュリティ体制\n"
            "代表取締役を最高責任者とし、CISOを任命しています。\n")
    passages = _parse(tmp_path, text)
    assert [(p.section, p.text) for p in passages] == [
        (("1. 本書の目的",), "本書は当社のセキュリティ対策を説明します。"),
        (("2. 組織的対策", "2.1 情報セキュリティ体制"), "代表取締役を最高責任者とし、CISOを任命しています。")]


def test_a_cookie_notice_ending_in_a_bracketed_close_button_is_chrome(tmp_path):
    text = ("ホーム ＞ よくあるご質問 ＞ セキュリティ対策について\n"
            "当サイトはCookieを利用しています。サイトの閲覧を続けることで同意したものとみなします。［閉じる］\n"
            "セキュリティ対策について\n更新日：2025.04.08\nお預かりしたファイルを守るため次の対策を行っています。\n")
    doc = _document(tmp_path, text, "page.ja.txt")
    assert doc.title == "セキュリティ対策について"
    assert [(p.section, p.text) for p in doc.passages] == [
        (("セキュリティ対策について",), "お預かりしたファイルを守るため次の対策を行っています。")]


@pytest.mark.parametrize(("text", "title"), [
    ("Hakobera CRM Terms of Service (English Translation)\nLast updated: February 1, 2025\n\n"
     "This English translation is provided for convenience only.\n", "Hakobera CRM Terms of Service (English Translation)"),
    ("ORLENMAIL, INC.\nDATA PROCESSING ADDENDUM\nVersion 3.2 - effective January 1, 2025\n"
     "This excerpt reproduces Sections 6 to 9 of the DPA.\n", "DATA PROCESSING ADDENDUM"),
])
def test_a_documents_opening_line_over_its_date_or_a_letterhead_is_no_passage(tmp_path, text, title):
    """A first line with the document's date under it is its title; a company's name over the first heading is a
    letterhead. Quoted, both had been candidates for unrelated questions."""
    doc = _document(tmp_path, text, "terms.en.txt")
    assert doc.title == title
    assert [p.text for p in doc.passages] == [text.strip().split("\n")[-1]]


def test_an_effective_as_of_line_is_a_label_not_a_section(tmp_path):
    text = ("Compliance & certifications\nEffective as of 1 April 2025\n\nLarkspur maintains the following certifications.\n"
            "\nSOC 2 Type II\nAn independent examination, renewed each year.\n")
    passages = _parse(tmp_path, text, "compliance.en.txt")
    assert all("Effective" not in part for p in passages for part in p.section)
    assert find_as_of(text) == "2025-04-01"


def test_one_line_faq_pairs_and_name_value_lines_apart_by_an_ideographic_space_are_facts(tmp_path):
    """「Q：…？　A：…」 on one line, and 「登録番号　C24-0417-2」: facts, not headings (a category's Q/A lines had become a
    chain of section names, six of nine facts lost; an ISMAP registration number could not be quoted)."""
    faq = ("よくある質問\n■セキュリティ\nQ：データはどこに保存されますか？　A：国内のデータセンターに保存しています。\n"
           "Q：通信は暗号化されていますか？　A：はい、TLS1.2以上で暗号化しています。\n■バックアップ\n"
           "Q：バックアップはどのくらいの頻度で取っていますか？　A：毎日1回取得し、7日分を保管しています。\n")
    got = [(p.section[-1], p.text) for p in _parse(tmp_path, faq)]
    assert got == [("■セキュリティ", "Q：データはどこに保存されますか？　A：国内のデータセンターに保存しています。"),
                   ("■セキュリティ", "Q：通信は暗号化されていますか？　A：はい、TLS1.2以上で暗号化しています。"),
                   ("■バックアップ", "Q：バックアップはどのくらいの頻度で取っていますか？　A：毎日1回取得し、7日分を保管しています。")]
    ismap = ("ホーム ＞ セキュリティ ＞ ISMAP登録情報\nISMAP登録情報 | ふみくらクラウド（株式会社ミナトデータワークス）\n\n"
             "ISMAP登録情報\n当社のサービスはISMAPのクラウドサービスリストに登録されています。\n\n■登録概要\n"
             "登録番号　C24-0417-2\n登録日　2024年10月15日\n監査機関　あおば監査法人\n\n■管理策\n"
             "| 5.1.1 | 情報セキュリティのための方針群 | 実施済 |\n| 5.1.2 | 方針群のレビュー | 実施済 |\n")
    doc = _document(tmp_path, ismap, "ismap.ja.txt")
    assert doc.title == "ISMAP登録情報 | ふみくらクラウド（株式会社ミナトデータワークス）", "the bar under the breadcrumb"
    facts = {p.text: p.section for p in doc.passages}
    assert facts["登録番号　C24-0417-2"] == ("■登録概要",) and facts["監査機関　あおば監査法人"] == ("■登録概要",)
    assert facts["| 5.1.1 | 情報セキュリティのための方針群 | 実施済 |"] == ("■管理策",)


def test_full_width_bar_rows_a_rule_of_dashes_and_a_lists_last_circled_item(tmp_path):
    text = ("■稼働率実績\n対象月｜稼働率｜障害件数\n2024年12月｜99.98%｜1件\n2025年2月｜99.87%｜2件\n"
            "※計画メンテナンスは除いて算出しています。\n\n―――――――――――――――\n第3条（除外事項）\n次の各号の時間は停止時間に含めません。\n"
            "① 当社が通知した計画停止\n② 天災地変その他当社の責に帰さない事由\n③ お客様の端末に起因する障害\n\n第4条（通知）\n"
            "当社は障害を検知してから30分以内に通知します。\n")
    passages = _parse(tmp_path, text)
    texts = [p.text for p in passages]
    assert "2025年2月｜99.87%｜2件" in texts and not any("―" in t for t in texts)
    assert any(t.endswith("③ お客様の端末に起因する障害") for t in texts)
    assert all(not part.startswith("③") for p in passages for part in p.section)


def test_the_next_numbered_section_over_a_list_is_a_heading(tmp_path):
    """"3. 第三者認証について" over a ・ list, after "1." and "2." headed their paragraphs: the next section (read as a
    one-item list, the rest of the page had been filed under "2.")."""
    text = ("Kiyora Meet のセキュリティ\n\n1. 通信・保存データの暗号化\n通信はTLS 1.2以上で暗号化されます。\n\n"
            "2. データの保管場所\n録画は日本国内のデータセンターに保管されます。\n\n3. 第三者認証について\n"
            "・メーカーは SOC 2 Type 2 報告書を毎年取得しています。\n・当社はISO/IEC 27001の認証を取得しています。\n\n"
            "4. 日本語サポート窓口\n受付時間　平日 9:30～17:30（土日祝・年末年始を除く）\n")
    sections = {p.text: p.section[-1] for p in _parse(tmp_path, text)}
    assert sections["受付時間　平日 9:30～17:30（土日祝・年末年始を除く）"] == "4. 日本語サポート窓口"
    assert sections["当社はISO/IEC 27001の認証を取得しています。"] == "3. 第三者認証について"


def test_a_letterhead_over_a_dated_title_line(tmp_path):
    text = ("LARKSPUR VIDEO, INC.\nDATA PROCESSING ADDENDUM — EXCERPT (Version 4.2, effective 1 February 2024)\n\n"
            "1. Scope. This Addendum applies where Larkspur processes Customer Personal Data.\n")
    doc = _document(tmp_path, text, "dpa.en.txt")
    assert doc.title == "DATA PROCESSING ADDENDUM — EXCERPT (Version 4.2, effective 1 February 2024)"
    assert doc.as_of == "2024-02-01"
    assert [p.text for p in doc.passages] == ["Scope. This Addendum applies where Larkspur processes Customer Personal Data."]


def test_a_page_copied_one_element_a_line_with_image_alt_text_and_logo_captions(tmp_path):
    """A browser copy of a marketing page: the site's menu one item a line (no value among the names, so no
    definition list), icons' and images' alt text, certification logos surviving as their alt text over a
    caption of the standard and its number."""
    text = ("セキュリティ | ノハラ勤怠\nノハラ勤怠\n機能\n料金\n導入事例\nお知らせ\nログイン\nホーム\n>\nセキュリティ\n"
            "アイコン\n打刻データは給与計算に直結します。株式会社ノハラは次の対策を行っています。\n画像：盾のイラスト\n"
            "通信の暗号化\n通信はTLS 1.2以上で暗号化しています。\nアイコン\n脆弱性への対応\n年1回、外部の専門企業による診断を行っています。\n"
            "第三者認証\nISMSロゴ\nISO/IEC 27001\nIS 700001\nプライバシーマークロゴ\nプライバシーマーク\n第10000001(01)号\n"
            "ISMAPロゴ\nISMAP\n2026年度 取得予定\n導入実績\n導入社数\n3,000社以上\n")
    doc = _document(tmp_path, text)
    assert doc.title == "セキュリティ | ノハラ勤怠"
    facts = {p.quote_text: p.section for p in doc.passages}
    assert facts["通信はTLS 1.2以上で暗号化しています。"] == ("通信の暗号化",)
    assert facts["年1回、外部の専門企業による診断を行っています。"] == ("脆弱性への対応",)
    assert facts["ISMSロゴ\nISO/IEC 27001\nIS 700001"] == ("第三者認証",)
    assert facts["プライバシーマーク\n第10000001(01)号"] == ("第三者認証",)  # a logo's alt text names no group
    assert facts["ISMAP\n2026年度 取得予定"] == ("第三者認証",)
    quoted = "\n".join(facts) + "\n" + "\n".join(part for sec in facts.values() for part in sec)
    for chrome in ("アイコン", "画像：", "料金", "ログイン", "機能"):
        assert chrome not in quoted


def test_a_news_lists_dated_entries_are_quoted_one_by_one(tmp_path):
    text = ("お知らせ一覧 | ノハラ勤怠\nホーム > お知らせ\nお知らせ\nすべて お知らせ 障害 メンテナンス\n"
            "2025.03.02 障害 【復旧】3月2日 9:10〜9:40 打刻ができない事象について\n"
            "2025.02.14 お知らせ OpenSSLの脆弱性による当社サービスへの影響について：影響はありません\n"
            "2025.01.20 メンテナンス 2月1日（土）1:00〜5:00 定期メンテナンス実施のお知らせ\n")
    passages = _parse(tmp_path, text)
    assert [p.section for p in passages] == [("お知らせ", "2025.03.02 障害"), ("お知らせ", "2025.02.14 お知らせ"),
                                             ("お知らせ", "2025.01.20 メンテナンス")], "no filter tab in the path"
    assert passages[1].quote_text == "OpenSSLの脆弱性による当社サービスへの影響について：影響はありません"


def test_release_notes_one_line_entries_beside_titled_ones(tmp_path):
    """An entry saying its news on its line is a section of its own, not the body of the titled entry above it (a
    TLS change had been cited under an MFA announcement)."""
    text = ("アップデート情報\nPOSの機能追加・仕様変更をお知らせします。\n"
            "2026.07.01　【重要】管理者アカウントの二段階認証を必須化しました\n管理者権限のアカウントは、本日より二段階認証が必須です。\n"
            "2026.05.12　【機能改善】バックアップ保持期間を7日間から30日間に延長しました。\n"
            "2026.01.31　【セキュリティ】TLS 1.0／1.1のサポートを終了しました。\n"
            "2025.12.10　【お知らせ】TLS 1.0／1.1のサポート終了について\n2026年1月31日をもって、TLS 1.0の接続を終了します。\n")
    sections = {p.quote_text: p.section for p in _parse(tmp_path, text)}
    assert sections["バックアップ保持期間を7日間から30日間に延長しました。"][-1] == "2026.05.12　【機能改善】"
    assert sections["TLS 1.0／1.1のサポートを終了しました。"][-1] == "2026.01.31　【セキュリティ】"
    assert sections["2026年1月31日をもって、TLS 1.0の接続を終了します。"][-1] == "2025.12.10　【お知らせ】TLS 1.0／1.1のサポート終了について"
    assert all(len(sec) <= 2 for sec in sections.values()), sections  # siblings, not each under the one before


def test_a_press_releases_dateline_and_a_title_bar_of_three_parts(tmp_path):
    text = ("ISO/IEC 27017 認証取得のお知らせ | お知らせ | ノハラ勤怠\nホーム > お知らせ > ISO/IEC 27017 認証取得のお知らせ\n"
            "2025.05.10 お知らせ\nISO/IEC 27017 認証取得のお知らせ\n株式会社ノハラは、ISO/IEC 27017の認証を取得しました。\n")
    doc = _document(tmp_path, text)
    assert doc.title == "ISO/IEC 27017 認証取得のお知らせ | お知らせ | ノハラ勤怠" and doc.as_of == "2025-05-10"
    assert [(p.section, p.text) for p in doc.passages] == [
        (("ISO/IEC 27017 認証取得のお知らせ",), "株式会社ノハラは、ISO/IEC 27017の認証を取得しました。")]


def test_a_statutes_kanji_numbered_items_and_banners_with_their_buttons_inline(tmp_path):
    """「五　…」 is an article's last item, no heading over the next article; a cookie notice ending in 「同意して閉じる」
    or 「［同意する］」, or over an "OK" button, is chrome; two page labels side by side are one label."""
    text = ("プライバシーポリシー | ノハラ勤怠\nホーム > プライバシーポリシー\n"
            "当サイトはCookieを使用しています。詳細はCookieポリシーをご覧ください。　同意して閉じる\n"
            "記事番号：KB-0101　最終更新日：2025年2月14日\n\n"
            "第2条（利用目的）\n当社は、個人情報を次の目的で利用します。\n一　本サービスの提供\n二　お問い合わせへの回答\n"
            "三　統計データの作成\n\n第3条（第三者提供）\n当社は、ご本人の同意なく個人データを第三者に提供しません。\n")
    doc = _document(tmp_path, text)
    sections = {p.quote_text: p.section for p in doc.passages}
    assert sections["当社は、ご本人の同意なく個人データを第三者に提供しません。"] == ("第3条（第三者提供）",)
    assert any(q.endswith("三　統計データの作成") for q in sections)
    assert not any("Cookie" in q or "記事番号" in q for q in sections)
    assert not any("記事番号" in part for sec in sections.values() for part in sec)
    banner = "お知らせ\nこのサイトではCookieを使用しています。［同意する］\nセキュリティへの取り組み\nログは1年間保存しています。\n"
    assert [(p.section, p.text) for p in _parse(tmp_path, banner, "b.ja.txt")] == [
        (("セキュリティへの取り組み",), "ログは1年間保存しています。")]
    ok = "ホーム > ヘルプ > 解約\n当社のウェブサイトはCookieを使用しています。\nOK\n解約後のデータ\n解約後30日でデータを削除します。\n"
    assert [(p.section, p.text) for p in _parse(tmp_path, ok, "c.ja.txt")] == [(("解約後のデータ",), "解約後30日でデータを削除します。")]


def test_a_contracts_defined_terms_are_facts_where_a_glossarys_are_not(tmp_path):
    text = ("# Example Cloud Service Level Agreement\n\n## 1. Definitions\n\n"
            '1.1 "Scheduled Maintenance" means maintenance announced at least seven (7) days in advance, performed on '
            "Sundays between 2:00 and 6:00 JST.\n\n## 2. Service Commitment\n\n2.1 Monthly uptime of at least 99.9%.\n"
            "\n## Glossary\n\nWAF: Web Application Firewall.\n")
    texts = [p.text for p in parse_document(tmp_path / "sla.md", text).passages]
    assert any("Sundays between 2:00 and 6:00 JST" in t for t in texts)
    assert not any("WAF" in t for t in texts)


def test_a_marked_heading_with_its_translation_after_a_tables_notes(tmp_path):
    """A translated page's ■ heading carries its Japanese name in brackets, longer than a label: read as a bullet, it
    had filed its section under the table's heading above."""
    text = ("■ Certification（認証取得状況）\nStandard | Status\nISO/IEC 27001:2022 | Certified\nSOC 2 Type 2 | Not obtained\n"
            "※1　Copies of certificates are provided under NDA.\n\n■ Data Location and Backup（データの保管場所・バックアップ）\n"
            "Customer data is stored in the Tokyo region. Backups are kept for 35 days.\n")
    sections = {p.text: p.section for p in _parse(tmp_path, text, "security.en.txt")}
    assert sections["Customer data is stored in the Tokyo region. Backups are kept for 35 days."] == (
        "■ Data Location and Backup（データの保管場所・バックアップ）",)


def test_a_trust_pages_badge_list_accordion_faq_and_link_texts(tmp_path):
    """A trust page copied as text: short lines under a capitals label are its list (as headings each over the
    next, the whole badge list had been in no passage), an accordion's "+" / "−" questions title the answers
    under them, "Read more →" after an answer and "Request audit reports →" are links, a list of "name — what"
    lines has no heading among them, and capitals labels are siblings."""
    text = ("Example Trust Center\nUpdated Mar 12, 2024\n\nCOMPLIANCE\nSOC 2 Type II\nISO 27001\nHIPAA  (BAA available on "
            "request)\nGDPR\nISO 27701 — in progress\nRequest audit reports →\n\nFAQ\n− Is my data encrypted?\n"
            "Yes. Data is encrypted at rest with AES-256. Read more →\n+ What happens if there's a breach?\n"
            "We notify you within 72 hours. Read more →\n\nDATA RESIDENCY\nPick where your workspace lives.\n"
            "United States — Virginia (us-east-1)\nEuropean Union — Frankfurt (eu-central-1)\n"
            "EU workspaces are stored and processed in the EU.\n")
    doc = _document(tmp_path, text, "trust.en.txt")
    sections = {p.quote_text: p.section for p in doc.passages}
    badges = next(q for q in sections if q.startswith("SOC 2 Type II"))
    assert "ISO 27001" in badges and "ISO 27701 — in progress" in badges and sections[badges] == ("COMPLIANCE",)
    assert sections["Yes. Data is encrypted at rest with AES-256."] == ("FAQ", "Is my data encrypted?")
    assert sections["We notify you within 72 hours."] == ("FAQ", "What happens if there's a breach?")
    residency = next(q for q in sections if "United States — Virginia" in q)
    assert "European Union" in residency and sections[residency] == ("DATA RESIDENCY",)
    assert not any("Read more" in q or "Request audit" in q for q in sections)


def test_screenshot_captions_slashed_enumerations_labels_apart_by_bars_and_a_label_over_a_cut_line(tmp_path):
    text = ("監査ログのエクスポート\n記事番号：AD-0312　｜　最終更新日：2025年2月18日\n\n監査ログはCSVでエクスポートできます。\n"
            "【画像】監査ログ画面のエクスポートボタン（説明：右上の［エクスポート］）\n"
            "※ 13か月を過ぎたログは自動的に削除されます。\n\n各ログの項目\n日時／操作者（メールアドレス）／操作の種類／対象／IPアドレス\n\n"
            "(5) ログの提供\n管理者はログイン履歴を閲覧できる。\n(6) 変更の通知\nお客様に影響を及ぼす仕様の変更は、原則として実施日の60日前までに")
    doc = _document(tmp_path, text)
    sections = {p.quote_text: p.section for p in doc.passages}
    assert doc.as_of == "2025-02-18"
    assert sections["日時／操作者（メールアドレス）／操作の種類／対象／IPアドレス"][-1] == "各ログの項目"
    assert sections["お客様に影響を及ぼす仕様の変更は、原則として実施日の60日前までに"][-1] == "(6) 変更の通知"
    quoted = "\n".join(sections) + "\n".join(part for sec in sections.values() for part in sec)
    assert "記事番号" not in quoted and "画像" not in quoted


def test_a_version_line_ending_its_sentence_dates_a_markdown_whitepaper(tmp_path):
    doc = parse_document(tmp_path / "w.md", "# Security Whitepaper\n\n*Version 3.2 — January 2024. For customers.*\n\n"
                                            "## Encryption\n\nData at rest: AES-256.\n")
    assert doc.as_of == "2024-01"


def test_a_certification_list_under_its_label_and_a_table_titled_after_it(tmp_path):
    """No blank line around them: the certifications are a list (as headings each over the next, "ISO/IEC 27001"
    was in no passage and the retention table was filed under "ISO/IEC 27017:2015"), the line over the table heads it."""
    text = ("Security Overview\nWe record and summarize meetings.\nCertifications\nISO/IEC 27001:2022\n"
            "ISO/IEC 27017:2015 (cloud services)\nSOC 2 Type I — report available under NDA\nData retention\n"
            "| Data | Default retention |\n| Recordings | 30 days after the meeting |\n| Backups | 35 days |\n")
    sections = {p.quote_text: p.section for p in _parse(tmp_path, text, "overview.en.txt")}
    certs = next(q for q in sections if q.startswith("ISO/IEC 27001:2022"))
    assert "SOC 2 Type I" in certs and "Data retention" not in certs and sections[certs][-1] == "Certifications"
    assert all(sec[-1] == "Data retention" for q, sec in sections.items() if "| Backups |" in q)


def test_a_menu_button_a_title_bar_ending_in_inc_and_a_got_it_banner(tmp_path):
    text = ("Responsible Disclosure Policy - Example Inc.\nMenu\nHome  /  Security  /  Responsible Disclosure\n"
            "Example Notes   Product   Pricing   Trust Center   Careers   News\n"
            "Cookies help us deliver our services. Learn more  Got it\nResponsible Disclosure Policy\n"
            "1. How to report\nSend your report to security@example.com.\n")
    doc = _document(tmp_path, text, "disclosure.en.txt")
    assert doc.title == "Responsible Disclosure Policy - Example Inc."
    assert [(p.section[-1], p.text) for p in doc.passages] == [("1. How to report", "Send your report to security@example.com.")]


def test_a_notes_block_and_a_caution_box_are_labelled_by_their_word(tmp_path):
    """「注記」 over ※ notes and 「注意」 over a list are labels (「注」 opening a line marks a note only as 「注1」 or 「注：」):
    the notes had been filed under the related articles above them, and a caution box under the tip before it."""
    text = ("セキュリティへの取り組み\nデータを暗号化しています※1。\n\n◆関連記事\n・給与明細の電子化\n・年末調整のクラウド化\n\n"
            "注記\n※1 保存データはAES-256、通信はTLS1.2以上で暗号化しています。\n\nポイント\n"
            "エクスポートは監査ログに記録されます。\n\n注意\n・エクスポートできるのはオーナーのみです。\n・ゴミ箱のタスクは含まれません。\n")
    sections = {p.quote_text: p.section for p in _parse(tmp_path, text)}
    assert sections["※1 保存データはAES-256、通信はTLS1.2以上で暗号化しています。"][-1] == "注記"
    assert sections["エクスポートは監査ログに記録されます。"][-1] == "ポイント"
    assert any(sec[-1] == "注意" for q, sec in sections.items() if "オーナーのみ" in q)


def test_a_revision_month_under_the_title_is_a_label_not_a_section(tmp_path):
    """「2025年2月改訂」 (a month, no day) had headed every passage of its page."""
    text = "安心して話せる場所であるために\n2025年2月改訂\n\nサーバーはすべて国内のデータセンターにあります。\n"
    doc = _document(tmp_path, text)
    assert doc.as_of == "2025-02"
    assert [(p.section, p.text) for p in doc.passages] == [(("安心して話せる場所であるために",), "サーバーはすべて国内のデータセンターにあります。")]
