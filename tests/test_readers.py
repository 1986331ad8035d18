"""Readers: real HTML, PDF, DOCX and check sheets made here, read back into passages whose quotes are
exact substrings of the extracted text, with page, sheet and row; bad files skipped with a warning."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.corpus import blocks as readers
from assistant.cli import app
from assistant.corpus import document_text, load_corpus, read_document
from assistant.errors import CorpusError

from . import docgen

FONT = docgen.japanese_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no Japanese font (make browser installs fonts-ipafont-gothic)")
def _units(marker: str = "") -> list[str]:
    """The quotes SOURCE gives: each run of list items as one unit (a short list is quoted whole), its items
    on their own lines behind the format's list marker; a section's paragraphs as one unit, a blank line
    apart, when together they stay within 400 characters; the rest one by one."""
    out: list[str] = []
    previous = None
    paragraphs: list[str] = []

    def close() -> None:
        if paragraphs:
            whole = "\n\n".join(paragraphs)
            out.extend([whole] if len(whole) <= 400 else paragraphs)
            paragraphs.clear()

    for kind, text in docgen.SOURCE:
        if kind == "p":
            paragraphs.append(text)
        else:
            close()
        if kind == "li" and previous == "li":
            out[-1] += "\n" + marker + text
        elif kind == "li":
            out.append(text)
        previous = kind
    close()
    return out


BODY = [text for kind, text in docgen.SOURCE if kind in ("p", "li")]


def _quotes(marker: str = "") -> list[str]:
    """What each of BODY's passages is quoted as: a list item with its siblings, the rest as they are."""
    units = _units(marker)
    return [next(u for u in units if text in u) for text in BODY]
HEADINGS = [text for kind, text in docgen.SOURCE if kind.startswith("h")]


def _exact(doc) -> None:
    assert doc.passages
    for p in doc.passages:
        assert doc.text[p.start:p.end] == p.text and p.text.strip() == p.text
        assert doc.text[p.quote_start:p.quote_end] == p.quote_text


# --------------------------------------------------------------------------------------------- HTML

def test_html_date_is_the_one_the_page_states_never_a_bare_year(tmp_path):
    """A copyright line or a standard's year is no date: padded to 1 January it had dated a page updated on
    2025-04-01 as 2025-01-01 (or 2015-01-01 from "ISO/IEC 27017:2015"), older than last year's check sheet."""
    body = ("<html><head><title>Trust</title></head><body><nav><a href='/'>ホーム</a></nav><main>"
            "<h1>セキュリティへの取り組み</h1><p>最終更新日：2025年4月1日</p>"
            "<h2>認証</h2><p>ISO/IEC 27001:2022およびISO/IEC 27017:2015の認証を取得しています。</p>"
            "<p>プライバシーマークを2024年11月に取得しました。</p></main>"
            "<footer><p>© 2025 Example Inc.</p></footer></body></html>")
    (tmp_path / "stated.html").write_text(body, encoding="utf-8")
    assert read_document(tmp_path / "stated.html").as_of == "2025-04-01"
    (tmp_path / "undated.html").write_text(body.replace("<p>最終更新日：2025年4月1日</p>", ""), encoding="utf-8")
    assert read_document(tmp_path / "undated.html").as_of is None, "no date stated: none guessed"


def test_html_keeps_the_article_and_drops_the_chrome(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(docgen.html(), encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    assert doc.format == "html" and doc.extracted
    assert [p.text for p in doc.passages] == BODY, "every paragraph and list item is one passage"
    assert [p.quote_text for p in doc.passages] == _quotes(), "a short list is quoted whole"
    for chrome in ("クッキー", "同意する", "料金", "サポート", "関連記事", "新機能のお知らせ", "利用規約", "©",
                   "analytics", "dataLayer", "font-family", "ホーム"):
        assert chrome not in doc.text, chrome
    assert doc.title == "サンプルクラウド セキュリティホワイトペーパー"
    assert doc.as_of == "2024-04-01", "the date comes from the page's metadata"
    enc = next(p for p in doc.passages if "AES-256" in p.text)
    assert enc.section[-2:] == ("データの保護", "保存データの暗号化") and enc.format == "html"
    assert all(p.kind == "bullet" for p in doc.passages if "SAML" in p.text or "多要素" in p.text)
    assert not any(p.text in HEADINGS for p in doc.passages), "headings are sections, never passages"


def test_html_table_rows_are_units_that_keep_their_header(tmp_path):
    path = tmp_path / "t.html"
    path.write_text("""<html><head><title>ログ仕様</title></head><body><nav><a href="/">トップ</a></nav>
<main><h1>ログの仕様</h1><p>監査ログの仕様を以下に示します。各項目は管理画面から変更できます。</p>
<table><thead><tr><th>設定項目</th><th>説明</th></tr></thead><tbody>
<tr><td>保存期間</td><td>監査ログは1年間保存されます。</td></tr>
<tr><td>出力形式</td><td>CSVまたはJSONで出力できます。</td></tr>
<tr><td>通知</td><td>重要な操作はメールで管理者に通知されます。</td></tr></tbody></table>
<h2>Retention</h2><p>Audit logs are kept for one year and can be exported as CSV or JSON files.</p></main>
<footer>Copyright</footer></body></html>""", encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    rows = [p for p in doc.passages if p.kind == "row"]
    assert [p.text for p in rows] == ["保存期間 | 監査ログは1年間保存されます。", "出力形式 | CSVまたはJSONで出力できます。",
                                      "通知 | 重要な操作はメールで管理者に通知されます。"]
    assert all(p.context == "設定項目 | 説明" and "設定項目" in p.index_text() for p in rows)
    assert "設定項目 | 説明" in doc.text and not any(p.text == "設定項目 | 説明" for p in doc.passages), \
        "the header row is shown, never quoted on its own"
    english = next(p for p in doc.passages if p.text.startswith("Audit logs"))
    assert english.section[-1] == "Retention", "an English heading is a section, not merged into the body"
    # a short table is quoted whole from its header row, as in plain text: a reviewer's "Which subprocessors do
    # you use?" got one row of five; each row is still ranked alone
    head = doc.text.index("設定項目 | 説明")
    assert all(p.quote_start == head and p.quote_text.endswith("管理者に通知されます。") for p in rows)
    assert all(not p.quote_text.startswith("設定項目") for p in doc.passages if p.kind != "row")


def test_a_paragraph_leading_in_to_a_table_is_quoted_with_it(tmp_path):
    """「主な委託先は次のとおりです。」 was answered alone (0.90) with the table under it ranked third."""
    path = tmp_path / "policy.html"
    path.write_text("<html><body><main><h1>個人情報保護方針</h1><h2>委託</h2>"
                    "<p>当社は、個人情報の取扱いを委託することがあります。主な委託先は次のとおりです。</p>"
                    "<table><tr><th>委託先</th><th>委託内容</th></tr><tr><td>AWS</td><td>クラウド基盤の提供</td></tr>"
                    "<tr><td>Twilio</td><td>通知メールの配信</td></tr></table>"
                    "<h2>保管</h2><p>データは国内に保管します。</p></main></body></html>", encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    lead = next(p for p in doc.passages if p.text.endswith("次のとおりです。"))
    rows = [p for p in doc.passages if p.kind == "row"]
    assert lead.quote_text.endswith("Twilio | 通知メールの配信") and lead.quote_text.startswith("当社は")
    assert all(p.quote_start == lead.start for p in rows)
    assert next(p for p in doc.passages if p.text.startswith("データは")).quote_text == "データは国内に保管します。"


def test_html_merged_cells_are_repeated_and_stacked_headers_joined(tmp_path):
    path = tmp_path / "plans.html"
    intro = "<p>" + "当社は、プランごとに利用できるセキュリティ機能を次の表のとおり提供しています。" * 4 + "</p>"
    path.write_text("<html><body><main><h1>プラン別のセキュリティ機能</h1>" + intro + "<table>"
                    "<tr><th rowspan='2'>分類</th><th rowspan='2'>機能</th><th colspan='3'>プラン</th></tr>"
                    "<tr><th>Lite</th><th>Standard</th><th>Enterprise</th></tr>"
                    "<tr><td rowspan='2'>アクセス制御</td><td>SAML認証によるシングルサインオン</td><td>―</td><td>―</td><td>○</td></tr>"
                    "<tr><td>IPアドレスによるアクセス制限</td><td>―</td><td>○</td><td>○</td></tr>"
                    "</table></main></body></html>", encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    rows = [p for p in doc.passages if p.kind == "row"]
    assert [p.text for p in rows] == ["アクセス制御 | SAML認証によるシングルサインオン | ― | ― | ○",
                                      "アクセス制御 | IPアドレスによるアクセス制限 | ― | ○ | ○"], "a spanning category covers its rows"
    assert rows[0].context == "分類 | 機能 | プラン Lite | プラン Standard | プラン Enterprise"


def test_html_lines_set_one_under_another_stay_separate(tmp_path):
    path = tmp_path / "facts.html"
    path.write_text("<html><body><main><h1>概要</h1><p>保存データはAES-256で暗号化されます。<br>通信はTLS 1.2以上で"
                    "保護されます。</p><p>Backups run daily<br/>and are kept for 30 days.</p></main></body></html>",
                    encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    assert [p.text for p in doc.passages] == ["保存データはAES-256で暗号化されます。", "通信はTLS 1.2以上で保護されます。",
                                              "Backups run daily", "and are kept for 30 days."]


def test_html_tab_panels_closed_by_an_inline_style_are_read(tmp_path):
    path = tmp_path / "tabs.html"
    path.write_text("<html><body><nav><a href='/'>ホーム</a></nav><main><h1>セキュリティへの取り組み</h1>"
                    "<p>当社は、お客様のデータを守るために、組織・技術の両面からセキュリティ対策を継続的に実施しています。"
                    "本ページでは、その主な取り組みをご紹介します。</p>"
                    "<div class='tabs'><section id='t1'><h2>データ保護</h2><p>保存データはAES-256で暗号化しています。"
                    "暗号鍵はKMSで管理し、年1回ローテーションしています。バックアップは毎日取得し、14日間保管しています。"
                    "通信はすべてTLS 1.2以上で暗号化しています。</p></section>"
                    "<section id='t2' style='display: none;'><h2>運用</h2><p>操作ログは1年間保存し、管理画面から"
                    "CSVで出力できます。障害情報はステータスページで公開しています。</p></section></div></main></body></html>",
                    encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    ops = next(p for p in doc.passages if "操作ログは1年間保存" in p.text)
    assert ops.section[-1] == "運用", "a closed tab's panel is the page's text too"


def test_html_accordion_questions_head_their_answers(tmp_path):
    path = tmp_path / "trust.html"
    path.write_text("<html><body><div class='cookie'><p>We use cookies.</p><button>Accept all</button></div><main>"
                    "<h1>Security at Example</h1><p>Example moves data between hundreds of sources for thousands of "
                    "teams, and protecting that data is the core of the product we build.</p>"
                    "<h2>Frequently asked questions</h2><div class='accordion'>"
                    "<div><button class='q' aria-expanded='true'>Does Example offer single sign-on?</button>"
                    "<div><p>Yes. Workspaces on the Business and Enterprise plans can sign in through SAML 2.0.</p></div></div>"
                    "<div><button aria-controls='p2'>What uptime do you commit to?</button>"
                    "<div id='p2' style='display:none'><p>Enterprise contracts include a 99.9% monthly uptime commitment."
                    "</p></div></div></div>"
                    "<details><summary>How do I report a vulnerability?</summary><p>Email security@example.com with "
                    "the details and the steps to reproduce it.</p></details></main></body></html>", encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    sections = {p.text[:12]: p.section for p in doc.passages}
    assert sections["Yes. Workspa"][-2:] == ("Frequently asked questions", "Does Example offer single sign-on?")
    assert sections["Enterprise c"][-1] == "What uptime do you commit to?"
    assert sections["Email securi"][-1] == "How do I report a vulnerability?"
    assert not any("Accept all" in p.text or "Accept all" in " ".join(p.section) for p in doc.passages), \
        "a button that opens no panel is no question"


def test_html_in_shift_jis_keeps_its_h1_as_the_section(tmp_path):
    path = tmp_path / "sjis.html"
    page = ('<html><head><meta charset="shift_jis"><title>暗号化 | 例</title></head><body>'
            '<nav><a href="/">トップ</a></nav><main><h1>暗号化</h1>' + "".join(f"<p>{t}</p>" for t in BODY[1:6])
            + '</main></body></html>')
    path.write_bytes(page.encode("cp932"))
    doc = read_document(path)
    _exact(doc)
    assert [(p.section, p.text) for p in doc.passages] == [(("暗号化",), t) for t in BODY[1:6]]
    assert "トップ" not in doc.text


def test_html_faq_terms_head_their_answers_and_page_labels_are_not_quoted(tmp_path):
    path = tmp_path / "faq.html"
    path.write_text("""<html><head><title>よくあるご質問 | ヘルプ</title></head><body><nav><a href="/">トップ</a></nav>
<main><h1>よくあるご質問</h1><p>記事番号: 012486</p><p>第2.1版（2025年9月18日改定）</p>
<h2>ログイン・認証について</h2><dl>
<dt>Q. シングルサインオン（SSO）に対応していますか？</dt><dd>A. はい、SAML 2.0に対応しています。エンタープライズプランでご利用いただけます。</dd>
<dt>Q. SSOで利用できるIdPを教えてください。</dt><dd>A. Microsoft Entra ID、Okta、HENNGE Oneでの接続を確認しています。</dd>
</dl><p>詳しくはこちら</p><p>表1 ログの種類と保存期間</p>
<table><thead><tr><th>種類</th><th>保存期間</th></tr></thead><tbody><tr><td>操作ログ</td><td>7年間</td></tr>
<tr><td>ログイン履歴</td><td>180日間</td></tr></tbody></table></main><footer>Copyright</footer></body></html>""",
                    encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    quotes = [p.text for p in doc.passages]
    assert quotes == ["A. はい、SAML 2.0に対応しています。エンタープライズプランでご利用いただけます。",
                      "A. Microsoft Entra ID、Okta、HENNGE Oneでの接続を確認しています。",
                      "操作ログ | 7年間", "ログイン履歴 | 180日間"], quotes
    idp = doc.passages[1]
    assert idp.section[-2:] == ("ログイン・認証について", "Q. SSOで利用できるIdPを教えてください。"), \
        "an FAQ's question heads its answer"
    assert "第2.1版" in doc.text and "詳しくはこちら" in doc.text, "labels stay in the text, unquoted"


# ---------------------------------------------------------------------------------------------- PDF

@needs_font
def test_pdf_pages_joined_lines_and_no_running_headers(tmp_path):
    path = docgen.pdf(tmp_path / "paper.pdf", FONT, contents=True)
    doc = read_document(path)
    _exact(doc)
    assert doc.format == "pdf"
    assert [p.text for p in doc.passages] == BODY, \
        "wrapped lines are joined (no space between Japanese characters), list items stay items"
    assert [p.quote_text for p in doc.passages] == _quotes()
    assert "社外秘" not in doc.text, "the running header is removed"
    assert "- 1 -" not in doc.text and "- 2 -" not in doc.text, "page numbers are removed"
    assert "...." not in doc.text, "table-of-contents entries are dropped, however long their leader dots"
    assert not any("目次" in p.section for p in doc.passages), "the contents' title is no section"
    pages = {p.page for p in doc.passages}
    assert pages >= {2, 3} and all(isinstance(n, int) for n in pages)
    assert doc.passages[0].page == 2, "page 1 holds only the contents"
    assert doc.passages[-1].page == max(pages)
    scim = next(p for p in doc.passages if "SCIM" in p.text)
    assert scim.section[-2:] == ("アクセス管理", "権限管理"), "headings come from the font size"
    assert doc.title == docgen.SOURCE[0][1]


def test_a_one_page_pdf_loses_its_footer(tmp_path):
    """A footer with its page number written out is chrome on a page of its own, where no repetition across
    pages tells it: "…once a year.\n\nConfidential - … Page 1 of 1" had been an answer's quote."""
    from fpdf import FPDF

    class Printed(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("helvetica", size=8)
            self.cell(0, 5, "Confidential - for customer due diligence only. Page 1 of 1", align="C")

    doc = Printed(format="A4")
    doc.add_page()
    doc.set_font("helvetica", size=13)
    doc.multi_cell(0, 7, "5. Application security", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", size=10)
    doc.multi_cell(0, 5, "All code changes require peer review. An external firm performs a penetration test once a "
                         "year. See page 4 of the policy for details.", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "overview.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    assert "Confidential" not in got.text and "Page 1 of 1" not in got.text
    assert any("See page 4 of the policy" in p.quote_text for p in got.passages), "a page named in the text stays"


def test_a_pdf_table_row_whose_first_cell_wraps_is_its_own_row(tmp_path):
    """fpdf2's table sets a row's short cells beside the middle of its wrapped first cell: that row had been
    glued onto the one above ("Build logs Yes 90 days … Infrastructure and security event logs No 1 year")."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("helvetica", size=10.5)
    doc.multi_cell(0, 5.5, "Retention periods by log type are shown below.", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", size=9.5)
    rows = [("Log type", "Visible to customer", "Retention"), ("Organization audit log", "Yes (dashboard, API)", "13 months"),
            ("Build logs", "Yes", "90 days (Team) / up to 400 days (Enterprise)"),
            ("Infrastructure and security event logs", "No", "1 year"), ("Runner telemetry", "No", "30 days")]
    with doc.table(col_widths=(45, 45, 90), line_height=5.5, text_align="LEFT") as table:  # the first cell wraps
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "table.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    texts = [p.text for p in got.passages]
    infra = next(t for t in texts if "Infrastructure" in t)
    assert "Build logs" not in infra and "1 year" in infra and "logs" in infra, texts
    assert any(t.startswith("Build logs") and "Enterprise" in t for t in texts), texts


@needs_font
def test_a_100_page_pdf_reads_quickly(tmp_path):
    path = docgen.pdf(tmp_path / "long.pdf", FONT, repeat=60)
    started = time.perf_counter()
    doc = read_document(path)
    seconds = time.perf_counter() - started
    _exact(doc)
    assert max(p.page for p in doc.passages) >= 100
    assert seconds < 10, f"{seconds:.1f} s to read {max(p.page for p in doc.passages)} pages"


@needs_font
def test_pdf_lines_ended_on_purpose_and_hyphens_written(tmp_path):
    """Items drawn without a marker are separate lines, not one run-on paragraph; a hyphen PDFium marks
    as a line-end break stays when it is written ("ap-northeast-3"); a cell's "5年間" is no heading."""
    from fpdf import FPDF

    doc = FPDF(format=(148, 210))
    doc.add_font("jp", fname=FONT)
    doc.add_page()
    doc.set_font("jp", size=13)
    doc.multi_cell(0, 7, "脆弱性対応", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("jp", size=9.5)
    doc.multi_cell(0, 5, "本サービスは東京リージョンで稼働しています。" * 6, new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.multi_cell(0, 5, "発見された脆弱性は、次の期限内に修正します", new_x="LMARGIN", new_y="NEXT")
    items = ("緊急（Critical）：7日以内", "高（High）：30日以内", "中（Medium）：90日以内")
    for item in items:
        doc.set_x(doc.l_margin + 5)
        doc.cell(0, 5, item, new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.cell(0, 5, "災害対策用の複製先として大阪リージョン（ap-", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 5, "northeast-3）を使用しています。", new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    with doc.table(col_widths=(30, 60, 30), first_row_as_headings=False) as table:
        for cells in (("ログ", "内容", "保存期間"), ("操作ログ", "登録・閲覧・ダウンロード・削除、台帳項目の変更、権限の変更", "5年間")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "lines.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    texts = [p.text for p in got.passages]
    assert "本サービスは東京リージョンで稼働しています。" * 6 in texts, "a wrapped paragraph is joined"
    assert all(item in texts for item in items), "each item drawn on its own line is a passage"
    assert "災害対策用の複製先として大阪リージョン（ap-northeast-3）を使用しています。" in texts
    assert any("5年間" in t for t in texts), "a cell's '5年間' is a quantity, never a numbered heading"
    assert not any("5年間" in h for p in got.passages for h in p.section)


@needs_font
def test_pdf_a_line_opening_with_closing_punctuation_or_wrapped_at_a_space_goes_on(tmp_path):
    """A generator that lets "、" / "。" start a line, and one that wraps at the last space before a run
    with no space ("ISO/IEC" / "27001:2022の認証を…"), still gives one paragraph: the line above stopped
    short only because what followed did not fit."""
    from fpdf import FPDF

    doc = FPDF(format=(148, 210))
    doc.add_font("jp", fname=FONT)
    doc.add_page()
    doc.set_font("jp", size=9.5)
    doc.multi_cell(0, 5, "本サービスは東京リージョンで稼働しています。" * 4, new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)

    def full(text: str) -> str:  # a line that ends in the text and fills the column, as a generator sets it
        text = "管理画面の操作記録は" * 8 + text
        while doc.get_string_width(text) > doc.epw:
            text = text[1:]
        return text

    for head, tail in (("操作ログは2年間保存し、ビジネスプラン以上ではCSV形式でダウンロードできます", "。"),
                       ("バックアップに残ったデータは", "、保持期間の経過とともに削除されます。")):
        line = full(head)
        doc.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        doc.ln(2)  # set lower than the paragraph's other lines, as the whitepaper that showed it did
        doc.cell(0, 5, tail, new_x="LMARGIN", new_y="NEXT")
        doc.ln(2)
    doc.multi_cell(0, 5, "当社は2025年6月にISO/IEC 27001:2022の認証を取得しました（認証範囲：本サービスの開発・運用・サポート）。"
                   "また、2019年からプライバシーマークの付与を受けています。", new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.multi_cell(0, 5, "お客様の端末と本サービスとの通信は、TLS 1.2以上で暗号化しています。受付用タブレットアプリとの通信も同様です。",
                   new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "wraps.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    texts = [p.text for p in got.passages]
    assert not any(t[0] in "、。" for t in texts), texts
    assert any(t.endswith("ダウンロードできます。") for t in texts), texts
    assert any(t.endswith("データは、保持期間の経過とともに削除されます。") for t in texts), texts
    assert any("ISO/IEC 27001:2022の認証を取得しました" in t and t.endswith("付与を受けています。") for t in texts), texts
    assert "お客様の端末と本サービスとの通信は、TLS 1.2以上で暗号化しています。受付用タブレットアプリとの通信も同様です。" in texts


def test_pdf_line_joining_rules():
    assert readers.join_lines(["保存データはAES-256で暗号", "化されます。"]) == "保存データはAES-256で暗号化されます。"
    assert readers.join_lines(["Data is encrypted with", "TLS 1.2."]) == "Data is encrypted with TLS 1.2."
    assert readers.join_lines(["通信はTLS", "1.2以上です。"]) == "通信はTLS 1.2以上です。"
    # a number broken between two Japanese characters is one number (a review's quotes read 「24時間36 5日」)
    assert readers.join_lines(["監視は24時間36", "5日行います。"]) == "監視は24時間365日行います。"
    assert readers.join_lines(["ISO/IEC 27001", "2019年に取得"]) == "ISO/IEC 27001 2019年に取得"
    assert readers.join_lines(["the secu-", "rity team"]) == "the security team"
    # a hyphen written in a name stays: the name goes on with another hyphen or a digit, or both halves
    # are words the document writes and the whole is not
    assert readers.join_lines(["region ap-", "northeast-3 is used"]) == "region ap-northeast-3 is used"
    assert readers.join_lines(["Café-", "bar menu"]) == "Cafébar menu", "a letter outside ASCII before the hyphen"
    assert readers.join_lines(["ロール認証-", "based access"]) == "ロール認証based access"
    assert readers.join_lines(["use multi-", "factor login"], frozenset({"multi", "factor"})) == "use multi-factor login"
    assert readers.join_lines(["use multi-", "factor login"], frozenset({"multi", "factor", "multifactor"})) == \
        "use multifactor login"
    # Japanese typesetting breaks inside Latin words too: joined again when the document writes the word
    # whole elsewhere, or when both sides are lower case; a break between two words keeps its space
    assert readers.join_lines(["認証アプリ（Microsoft Authenti", "catorなど）を使います。"]) == \
        "認証アプリ（Microsoft Authenticatorなど）を使います。"
    assert readers.join_lines(["コードを送る方式は対応しています。SM", "Sによる送信は提供していません。"],
                              frozenset({"SMS"})) == "コードを送る方式は対応しています。SMSによる送信は提供していません。"
    assert readers.join_lines(["認証アプリ（Google", "Authenticator）を使います。"]) == "認証アプリ（Google Authenticator）を使います。"
    assert readers.join_lines(["The data", "base is encrypted."], frozenset({"database"})) == "The data base is encrypted."
    # a capital or two before lower case is a word's start ("I" / "dP" had been quoted as "I dP")
    assert readers.join_lines(["動作を確認済みのI", "dPはMicrosoft Entra IDです。"]) == "動作を確認済みのIdPはMicrosoft Entra IDです。"
    assert readers.join_lines(["連携先はG", "itHubとSlackです。"]) == "連携先はGitHubとSlackです。"
    assert readers.join_lines(["連携にはISO", "certified IdPを使います。"]) == "連携にはISO certified IdPを使います。"


# --------------------------------------------------------------------------------------------- DOCX

def test_docx_headings_lists_and_tables(tmp_path):
    import docx

    path = docgen.docx(tmp_path / "policy.docx")
    doc = read_document(path)
    _exact(doc)
    assert [p.text for p in doc.passages] == BODY
    assert doc.title == docgen.SOURCE[0][1] and doc.format == "docx"
    assert all(p.kind == "bullet" for p in doc.passages if "SAML" in p.text)
    assert next(p for p in doc.passages if "RBAC" in p.text).section[-2:] == ("アクセス管理", "権限管理")

    d = docx.Document(str(path))
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("項目", "内容"), ("保存期間", "監査ログは1年間保存されます。"),
                                ("暗号化", "保存データはAES-256で暗号化されます。")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    para = d.add_paragraph("監査ログは1年間保存されます。")
    para.add_run().add_break()
    para.add_run("ログはCSVで出力できます。")
    d.save(str(path))
    again = read_document(path)
    assert [p.text for p in again.passages][-2:] == ["監査ログは1年間保存されます。", "ログはCSVで出力できます。"], \
        "lines broken inside one paragraph are separate units"
    rows = [p for p in again.passages if p.kind == "row"]
    assert [p.text for p in rows] == ["保存期間 | 監査ログは1年間保存されます。", "暗号化 | 保存データはAES-256で暗号化されます。"]
    assert all(p.context == "項目 | 内容" for p in rows)


def test_docx_title_paragraph_is_the_title_when_no_property_says(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("情報セキュリティ基本方針", style="Title")
    d.add_paragraph("制定：2019年4月1日　最終改定：2025年1月10日")
    d.add_paragraph("1. 目的", style="Heading 1")
    d.add_paragraph("本方針は、お客様の情報資産を保護するために定めます。")
    d.core_properties.title = ""
    d.save(str(tmp_path / "policy.docx"))
    doc = read_document(tmp_path / "policy.docx")
    assert doc.title == "情報セキュリティ基本方針"
    assert doc.as_of == "2025-01-10", "valid from the last revision"


def test_a_tables_title_merged_across_it_is_no_header_and_no_quote(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Sub-processors", style="Heading 1")
    table = d.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Sub-processors as of June 2025"
    for r, row in enumerate([("Sub-processor", "Purpose", "Location"), ("Amazon Web Services", "Hosting", "Tokyo"),
                             ("Zendesk", "Support tickets", "USA")], 1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(str(tmp_path / "subs.docx"))
    doc = read_document(tmp_path / "subs.docx")
    _exact(doc)
    assert [p.text for p in doc.passages] == ["Amazon Web Services | Hosting | Tokyo", "Zendesk | Support tickets | USA"], \
        "the column names under the title are the header, not a row to quote"
    assert doc.passages[0].context == "Sub-processors as of June 2025 | Sub-processor | Purpose | Location"


def test_docx_footnotes_are_read_where_they_are_referred_to(tmp_path):
    """python-docx does not read footnotes: a Word file with one, built as Word writes it."""
    import docx

    d = docx.Document()
    d.add_paragraph("Data retention", style="Heading 1")
    d.add_paragraph("Customer data is deleted within 30 days after the contract ends.")
    d.save(str(tmp_path / "plain.docx"))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = (f'<w:footnotes xmlns:w="{w}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
             f'</w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Backup copies are overwritten within the 14-day '
             f'backup retention period.</w:t></w:r></w:p></w:footnote></w:footnotes>')
    with zipfile.ZipFile(tmp_path / "plain.docx") as src, zipfile.ZipFile(tmp_path / "notes.docx", "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"after the contract ends.</w:t></w:r>",
                                    b"after the contract ends.</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r>")
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            out.writestr(item, data)
        out.writestr("word/footnotes.xml", notes)
    doc = read_document(tmp_path / "notes.docx")
    _exact(doc)
    assert [p.text for p in doc.passages] == ["Customer data is deleted within 30 days after the contract ends.",
                                              "Backup copies are overwritten within the 14-day backup retention period."]


# ------------------------------------------------------------------------------------- check sheets

def _check_sheet(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "セキュリティ"
    ws.append(["セキュリティチェックシート（2024年度回答）"])
    ws.append([])
    ws.append(["No.", "質問", "回答", "備考"])
    ws.append(["", "データ保護", None, None])
    ws.append([1, "保存データは暗号化されていますか。", "はい", "AES-256で暗号化しています。"])
    ws.append([2, "データセンターは国内にありますか。", "はい", "東京と大阪のリージョンを利用しています。"])
    ws.append(["", "認証", None, None])
    ws.append([3, "ICカードによる認証に対応していますか。", "いいえ", "対応予定はありません。"])
    ws.append([4, "まだ回答していない質問ですか。", None, None])
    other = wb.create_sheet("Operations")
    other.append(["Question", "Answer"])
    other.append(["Do you run a 24/7 security operations center?", "Yes, monitored around the clock by our SOC team."])
    wb.save(str(path))
    return path


def check_sheet_library(assistant, tmp_path: Path):
    """An assistant whose corpus is _check_sheet's answered sheet alone (sharing the session's model cache)."""
    from assistant.answer import Assistant
    from assistant.config import Settings

    folder = tmp_path / "library"
    folder.mkdir()
    _check_sheet(folder / "last-year.xlsx")
    return folder, Assistant(Settings(corpus=folder, index=tmp_path / "index", cache=assistant.settings.cache,
                                      feedback_db=tmp_path / "feedback.db"), progress=False)


def test_check_sheet_rows_quote_the_answer_and_index_the_question(tmp_path):
    doc = read_document(_check_sheet(tmp_path / "sheet.xlsx"))
    _exact(doc)
    rows = {p.row: p for p in doc.passages}
    assert set(rows) == {5, 6, 8, 2}, "answered rows only, by their spreadsheet row number"
    enc = rows[5]
    assert enc.text == "はい | AES-256で暗号化しています。" and enc.sheet == "セキュリティ" and enc.format == "xlsx"
    assert enc.context == "保存データは暗号化されていますか。" and "保存データは暗号化" in enc.index_text()
    assert enc.section == ("セキュリティ", "データ保護")
    assert rows[8].text.startswith("いいえ"), "a No is a documented answer too"
    assert rows[8].section[-1] == "認証"
    soc = rows[2]
    assert soc.sheet == "Operations" and soc.text.startswith("Yes, monitored")
    assert doc.title is None, "one sheet's title among several names that sheet, not the workbook"


def test_hidden_rows_and_sheets_are_no_answers(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["質問", "回答"])
    ws.append(["バックアップの保持期間は？", "○ | 7日間"])
    ws.append(["バックアップの保持期間は？", "○ | 14日間"])
    ws.row_dimensions[2].hidden = True  # last year's answer, hidden when it changed
    old = book.create_sheet("旧版")
    old.append(["質問", "回答"])
    old.append(["SSOに対応していますか？", "いいえ"])
    old.sheet_state = "hidden"
    book.save(tmp_path / "answers.xlsx")
    doc = read_document(tmp_path / "answers.xlsx")
    assert [(p.row, p.text) for p in doc.passages] == [(3, "○ | 14日間")]


def test_a_check_sheets_date_above_its_header_is_its_date(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("サンプル セキュリティチェックシート\n回答日：2024年7月1日　株式会社サンプル\n\n"
                    "No,質問,回答,備考\n1,SSOに対応していますか,はい,SAML 2.0\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.as_of == "2024-07-01" and doc.title == "サンプル セキュリティチェックシート"


@pytest.mark.parametrize("name, as_of", [("2024年度_セキュリティチェックシート回答", "2024"), ("answers_20240510", "2024-05-10"),
                                          ("questionnaire-FY2023", "2023"), ("checksheet", None), ("sheet-1024x2048", None)])
def test_a_check_sheet_with_no_date_in_it_is_dated_by_its_file_name(tmp_path, name, as_of):
    path = tmp_path / f"{name}.csv"
    path.write_text("No,分類,質問項目,回答,備考\n1,ログ,操作ログの保管期間は,1年間,\n", encoding="utf-8-sig")
    assert read_document(path).as_of == as_of


@pytest.mark.parametrize("title, as_of", [
    ("Northgate - Vendor Security Assessment (completed 12 Sep 2023, Shiftwell Inc.)", "2023-09-12"),
    ("セキュリティチェックシート（2024年5月回答版）", "2024-05"),
    ("セキュリティチェックシート（2024年度回答）", "2024"),  # a year alone, as in a file's name
])
def test_a_check_sheets_title_dates_it_and_a_header_listing_its_marks_is_the_answer_column(tmp_path, title, as_of):
    """Two reviewers' answered sheets were read as undated (no "回答日：" label), so last year's answers
    came first against this year's whitepaper; one was skipped whole, its answer column headed "Response
    (Yes/No/N/A)": a bracketed list of marks says what the column takes, not what it is."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append([title])
    ws.append([])
    ws.append(["#", "Category", "Question", "Response (Yes/No/N/A)", "Comments"])
    ws.append([1, "Backup", "How long are backups retained?", "N/A", "Daily snapshots are retained for 30 days."])
    book.save(tmp_path / "answered.xlsx")
    doc = read_document(tmp_path / "answered.xlsx")
    assert doc.as_of == as_of
    assert [(p.row, p.text) for p in doc.passages] == [(4, "N/A | Daily snapshots are retained for 30 days.")]


def test_csv_check_sheet(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("質問,回答,備考\n監査ログを保存していますか,はい,1年間保存します\n"
                    "SOC 2 の報告書はありますか,いいえ,\n空の行ですか,,\n", encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    assert [(p.row, p.text, p.sheet) for p in doc.passages] == [(2, "はい | 1年間保存します", None), (3, "いいえ", None)]
    assert doc.passages[0].format == "csv"


def test_a_category_column_gives_each_row_its_section(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("No,分類,質問,回答,備考\n,認証,,,\n1,認証,SSOに対応していますか,はい。SAML 2.0に対応しています。,\n"
                    "2,認証,MFAは必須にできますか,はい,管理者が設定できます\n3,ログ,監査ログの保存期間は,1年間です。,\n",
                    encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    assert [(p.row, p.section) for p in doc.passages] == [(3, ("認証",)), (4, ("認証",)), (5, ("ログ",))]
    assert doc.passages[0].text == "はい。SAML 2.0に対応しています。", "the category is a section, not part of the quote"

    path.write_text("Control ID,Control Domain,Question,Answer,Comments\n"
                    "BCR-08,Business Continuity & Resilience,Are backups encrypted?,Yes,Daily.\n"
                    "CEK-03,\"Cryptography, Encryption & Key Management\",Is data encrypted at rest?,Yes,AES-256.\n",
                    encoding="utf-8")
    doc = read_document(path)
    assert [p.section for p in doc.passages] == [("Business Continuity & Resilience",),
                                                ("Cryptography, Encryption & Key Management",)], \
        "a long domain name still starts its own section"


def test_a_domain_row_in_the_id_column_heads_the_controls_under_it(tmp_path):
    """CAIQ's layout: "Audit & Assurance" alone in the Control ID column over its controls. Its rows had been
    filed under the sheet's name only (fresh-user review)."""
    path = tmp_path / "caiq.csv"
    path.write_text("Control ID,Question,Answer,Notes\nAudit & Assurance,,,\n"
                    "A&A-02,Are independent audits conducted at least annually?,Yes,SOC 2 Type II every year.\n"
                    "Business Continuity,,,\nBCR-08,Is cloud data periodically backed up?,Yes,Retained 35 days.\n",
                    encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    assert [(p.row, p.section) for p in doc.passages] == [(3, ("Audit & Assurance",)), (5, ("Business Continuity",))]
    assert doc.passages[1].quote_text == "Yes | Retained 35 days."


def test_merged_major_and_minor_item_columns_give_each_row_its_section_path(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "チェックシート"
    sheet.append(["セキュリティチェックシート（回答済）"])
    sheet.append(["回答日：2025年2月14日"])
    sheet.append(["No.", "大項目", "中項目", "確認項目", "回答", "補足説明"])
    sheet.append([1, "アクセス制御", "認証", "SSOに対応していますか。", "○", "SAML 2.0に対応しています。"])
    sheet.append([2, None, "多要素認証", "多要素認証を必須にできますか。", "○", "管理者が全員に必須化できます。"])
    sheet.append([3, "暗号化", "保存時", "保存データを暗号化していますか。", "○", "AES-256で暗号化しています。"])
    sheet.merge_cells("B4:B5")  # 大項目 written once over its rows, as check sheets do
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    doc = read_document(path)
    _exact(doc)
    assert [(p.row, p.section[-2:]) for p in doc.passages] == [
        (4, ("アクセス制御", "認証")), (5, ("アクセス制御", "多要素認証")), (6, ("暗号化", "保存時"))]
    assert doc.passages[1].quote_text == "○ | 管理者が全員に必須化できます。"


def _two_row_header_sheet(path: Path, parent: str, subs: tuple[str, str]) -> Path:
    """Last year's sheet under a header on two rows: 分類 merged over 大項目 / 中項目, 質問 merged down over
    both rows, PARENT merged over the answer's sub-headers SUBS; 大項目 written once over its rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "組織的対策"
    sheet.append(["組織的対策（回答日：2024年6月10日）"])
    sheet.append([])
    sheet.append(["分類", None, "質問", parent, None])
    sheet.append(["大項目", "中項目", None, *subs])
    sheet.append(["認証・体制", "第三者認証", "ISMAPに登録されていますか。", "×", "登録していません。"])
    sheet.append([None, "保険", "サイバー保険に加入していますか。", "○", "賠償責任保険（限度額1億円）に加入しています。"])
    sheet.append(["人的対策", "教育", "セキュリティ教育を実施していますか。", "○", "年1回実施しています。"])
    for cells in ("A3:B3", "C3:C4", "D3:E3", "A5:A6"):
        sheet.merge_cells(cells)
    book.save(path)
    return path


@pytest.mark.parametrize("parent, subs", [("ベンダー回答", ("回答(○×)", "補足")),  # the review's sheet
                                          ("事業者記入欄", ("回答", "備考")),  # a parent naming neither
                                          ("ベンダー回答", ("○/×", "コメント"))])  # a sub-header naming neither
def test_a_header_on_two_rows_names_the_columns_by_its_sub_headers(tmp_path, parent, subs):
    """A merged parent header cell over the answer's sub-headers, with the category and question headers
    merged down over both rows: the remark column had not been found (every past answer quoted as a bare
    ○ or ×), the second category column had given no section, and the sub-header row's 大項目 had been a
    heading of its own (fresh-user review)."""
    doc = read_document(_two_row_header_sheet(tmp_path / "sheet.xlsx", parent, subs))
    _exact(doc)
    assert [(p.row, p.quote_text) for p in doc.passages] == [
        (5, "× | 登録していません。"), (6, "○ | 賠償責任保険（限度額1億円）に加入しています。"), (7, "○ | 年1回実施しています。")]
    assert [p.section[-2:] for p in doc.passages] == [("認証・体制", "第三者認証"), ("認証・体制", "保険"),
                                                    ("人的対策", "教育")]
    assert "大項目" not in doc.text and subs[0] not in doc.text, "the header's own text is no heading"
    assert doc.passages[0].context == "ISMAPに登録されていますか。"
    assert doc.title == "組織的対策（回答日：2024年6月10日）" and str(doc.as_of) == "2024-06-10"


def test_a_label_above_a_pages_first_heading_is_not_quoted(tmp_path):
    path = tmp_path / "trust.html"
    path.write_text("<html><head><title>Security | Example</title></head><body><main><p>Trust Center</p>"
                    "<h1>Security at Example</h1><p>Customer data is encrypted at rest with AES-256.</p>"
                    "<h2>Backups</h2><p>Backups run daily and are kept for 35 days.</p></main></body></html>",
                    encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    assert [p.text for p in doc.passages] == ["Customer data is encrypted at rest with AES-256.",
                                              "Backups run daily and are kept for 35 days."]


def test_headers_that_name_an_answer_or_a_remark_among_other_words(tmp_path):
    path = tmp_path / "caiq.csv"
    path.write_text("ID,Domain,Question,Answer (Yes/No/N/A),Vendor comment,Control owner\n"
                    "AC-1,Access,Do you support SCIM provisioning?,No,SCIM is on the roadmap for 2026.,IT\n"
                    "AC-2,Access,Is MFA enforced for admins?,Yes,TOTP is mandatory for every admin account.,IT\n",
                    encoding="utf-8")
    doc = read_document(path)
    _exact(doc)
    assert [p.text for p in doc.passages] == ["No | SCIM is on the roadmap for 2026.",
                                              "Yes | TOTP is mandatory for every admin account."], \
        "the vendor's comment is quoted with the answer; a column after it that is neither is not"
    assert doc.passages[0].section == ("Access",)


def test_the_assistants_own_filled_output_is_not_an_answer_library(tmp_path):
    from assistant import fill

    path = tmp_path / "filled.csv"
    path.write_text(f"質問,{','.join(fill.HEADERS)}\n暗号化していますか,answered,はい,q,s,src,0.9,\n", encoding="utf-8")
    with pytest.raises(CorpusError):
        read_document(path)
    # an English sheet filled by us, and one filled before the headers were localised
    for added in ("Status,Confidence,Needs review", "回答状況 (Status),確信度 (Confidence),要確認 (Needs review)"):
        path.write_text(f"Question,Answer,Comments,{added}\nIs data encrypted?,Yes,AES-256.,answered,0.9,no\n",
                        encoding="utf-8")
        with pytest.raises(CorpusError):
            read_document(path)
    # a customer's own sheet with one status column of its own is a sheet of answers
    path.write_text("Question,Answer,Status\nIs data encrypted?,Yes. AES-256.,Implemented\n", encoding="utf-8")
    assert [p.text for p in read_document(path).passages] == ["Yes. AES-256."]


# ------------------------------------------------------------------------------------------ bad files

def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("word/document.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(8):
                f.write(chunk)
    return path


def test_bad_files_are_skipped_with_one_line_warnings_and_the_rest_indexes(make_corpus, tmp_path, monkeypatch):
    from fpdf import FPDF

    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 4 * 2**20)
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 2**20)
    scan = FPDF()
    scan.add_page()
    scan.rect(10, 10, 50, 50, style="F")  # a page with no text layer, like a scan
    locked = FPDF()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    locked.set_font("helvetica", size=12)
    locked.cell(0, 10, "Confidential")
    good = docgen.markdown()
    folder = make_corpus({
        "good.md": good,
        "broken.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF garbage",
        "scan.pdf": bytes(scan.output()),
        "locked.pdf": bytes(locked.output()),
        "broken.docx": b"PK\x03\x04" + b"\x13" * 200,
        "encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "junk.html": bytes(range(256)) * 8,
        "huge.html": "<p>" + "あ" * (2**20) + "</p>",
        "empty.csv": "",
    })
    _zip_bomb(folder / "bomb.docx")
    corpus = load_corpus(folder)
    assert [d.source.rsplit("/", 1)[-1] for d in corpus.documents] == ["good.md"]
    assert [p.text for p in corpus.passages] == BODY
    assert [p.quote_text for p in corpus.passages] == _quotes("- ")
    bad = {"broken.pdf", "scan.pdf", "locked.pdf", "broken.docx", "encrypted.xlsx", "junk.html", "huge.html",
           "empty.csv", "bomb.docx"}
    assert len(corpus.warnings) == len(bad)
    for name in bad:
        line = next(w for w in corpus.warnings if f"{name}:" in w)
        assert "\n" not in line and "skipped" in line
    said = {name: next(w for w in corpus.warnings if f"{name}:" in w) for name in bad}
    assert "no text layer" in said["scan.pdf"]
    assert "encrypted" in said["locked.pdf"]
    assert "encrypted" in said["encrypted.xlsx"]
    assert "zip bomb" in said["bomb.docx"]
    assert "MiB" in said["huge.html"]


# ---------------------------------------------------------------------------------- assistant text

@needs_font
def test_assistant_text_prints_the_extracted_text(tmp_path, monkeypatch):
    from assistant import config

    path = docgen.pdf(tmp_path / "paper.pdf", FONT)
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "no-index"))
    config.get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(app, ["text", str(path)])
        assert result.exit_code == 0, result.output
        doc = read_document(path)
        assert result.stdout == doc.text == document_text(path)
        for p in doc.passages:
            assert result.stdout[p.start:p.end] == p.text

        bad = tmp_path / "bad.docx"
        bad.write_bytes(b"not a zip at all")
        result = runner.invoke(app, ["text", str(bad)])
        assert result.exit_code != 0
        assert result.stderr.count("\n") == 1 and "bad.docx" in result.stderr
        result = runner.invoke(app, ["text", str(tmp_path / "gone.docx")])
        assert result.exit_code != 0 and "no such file" in result.stderr and "skipped" not in result.stderr
    finally:
        config.get_settings.cache_clear()



def test_pdf_table_rows_set_tight_are_rows_and_a_wrapped_cell_stays_in_its_row(tmp_path):
    """A table printed with rows as close as a paragraph's lines: each row is its own passage (they had
    run together into one), and a cell wrapping onto the next line stays with its row."""
    from fpdf import FPDF

    doc = FPDF(format=(148, 210))
    doc.add_font("jp", fname=FONT)
    doc.add_page()
    doc.set_font("jp", size=13)
    doc.multi_cell(0, 7, "委託先管理", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("jp", size=9.5)
    doc.multi_cell(0, 5, "当社は次の事業者に業務の一部を委託しています。", new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    columns = (doc.l_margin, doc.l_margin + 45, doc.l_margin + 100)
    rows = [("委託先名", "委託業務", "所在国"), ("株式会社クラウドベース", "ホスティング基盤の提供", "日本"),
            (None, "および運用監視", None), ("Mailwave Inc.", "通知メールの配信", "米国"),
            ("株式会社サポートリンク", "お問い合わせの一次受付", "日本")]
    for cells in rows:
        y = doc.get_y()
        for x, cell in zip(columns, cells):
            if cell:
                doc.set_xy(x, y)
                doc.cell(40, 5, cell)
        doc.set_xy(doc.l_margin, y + 5)
    doc.ln(3)
    doc.multi_cell(0, 5, "委託先の見直しは年1回行います。", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "table.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    texts = [p.text for p in got.passages]
    assert any(t.startswith("株式会社クラウドベース") and "運用監視" in t and "Mailwave" not in t for t in texts), texts
    assert any(t.startswith("Mailwave Inc.") and "サポートリンク" not in t for t in texts), texts
    assert any(t.startswith("株式会社サポートリンク") for t in texts), texts


def test_pdf_a_paragraph_wrapping_in_the_left_of_two_columns_stays_one(tmp_path):
    """Measured against the right column's end, every line of the left column had "stopped short", and its
    paragraph was cut at its last line ("…復旧できるよう" / "にしています。")."""
    from fpdf import FPDF

    doc = FPDF(format=(148, 210))
    doc.add_font("jp", fname=FONT)
    doc.add_page()
    doc.set_font("jp", size=13)
    doc.multi_cell(0, 7, "バックアップと削除", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("jp", size=9.5)
    doc.multi_cell(0, 5, "本章では、お客様のデータの保護について説明します。" * 3, new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    top, half = doc.get_y(), (doc.epw - 6) / 2
    left = "お客様のデータは毎日自動でバックアップを取得し、大阪のデータセンターに複製して保管しており、広域災害の際にも復旧できるようにしています。"
    doc.set_xy(doc.l_margin, top)
    doc.multi_cell(half, 5, left)
    doc.set_xy(doc.l_margin + half + 6, top)
    doc.multi_cell(half, 5, "解約後30日以内にデータを削除します。")
    path = tmp_path / "columns.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    assert left in [p.text for p in got.passages], [p.text for p in got.passages]


def _narrow_column_pdf(path: Path, with_wide_page: bool) -> Path:
    """A page whose paragraphs are set at 9.5 pt, lines tight, in a column half the page wide, then two at
    10 pt across the page with loose lines; ``with_wide_page`` puts a page of 10 pt text across the page
    before it, so 10 pt is what most of the document is set in."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_font("jp", fname=FONT)
    if with_wide_page:
        doc.add_page()
        doc.set_font("jp", size=10)
        for _ in range(4):
            doc.multi_cell(0, 6, "本書は、当社が提供するクラウドサービスのセキュリティ対策を、お客様の情報システム部門向けに説明するものです。"
                           * 3, new_x="LMARGIN", new_y="NEXT")
            doc.ln(2)
    doc.add_page()
    doc.set_font("jp", size=13)
    doc.multi_cell(0, 7, "4.1 認証", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("jp", size=9.5)
    for text in NARROW:
        doc.multi_cell(80, 3.5, text, new_x="LMARGIN", new_y="NEXT")
        doc.ln(3)
    doc.set_font("jp", size=13)
    doc.multi_cell(0, 7, "4.2 ログ管理", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("jp", size=10)
    for text in WIDE:
        doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        doc.ln(2)
    doc.output(str(path))
    return path


NARROW = ["本サービスのログインパスワードは12文字以上とし、英大文字、英小文字、数字および記号のうち3種類以上を含む必要があります。"
          "連続10回ログインに失敗したアカウントは30分間ロックされます。",
          "管理者権限を持つユーザーには、多要素認証（MFA）の設定が必須です。一般の受講者ユーザーの多要素認証は、お客様の管理者が任意に有効化できます。",
          "エンタープライズプランでは、SAML 2.0によるシングルサインオン（SSO）に対応しており、Microsoft Entra ID、Okta、"
          "HENNGE Oneとの接続を確認しています。SCIMによるユーザーの自動プロビジョニングにも対応しています。",
          "当社従業員による本番環境へのアクセスは、踏み台サーバーを経由し、都度申請・承認を経た一時的な権限付与によって行います。"]
WIDE = ["管理者および受講者の操作ログは1年間保存します。お客様の管理者は、管理画面から直近1年分の操作ログを検索し、CSV形式でエクスポートできます。",
        "当社システムのアクセスログおよびセキュリティログは、改ざんを防止するため書き込み専用のストレージに集約し、180日間保存します。"
        "ログはSIEMで常時監視し、異常を検知した場合は運用担当者に即時通知されます。"]


@needs_font
@pytest.mark.parametrize("with_wide_page", [False, True])
def test_pdf_a_page_reads_the_same_whatever_other_pages_the_document_has(tmp_path, with_wide_page):
    """Where lines end and how far apart a paragraph's lines sit is learned from lines of the same size (on
    the same page): measured against the 10 pt text of another page, every 9.5 pt line of a narrower
    column had "stopped short" and become a paragraph of its own ("…12文字以上とし、" / "英大文字、…"),
    while the same page alone read right, and there the 10 pt lines, set looser than the 9.5 pt ones,
    had each been a paragraph."""
    got = read_document(_narrow_column_pdf(tmp_path / "paper.pdf", with_wide_page))
    _exact(got)
    texts = [p.text for p in got.passages]
    for text in NARROW + WIDE:
        assert text in texts, texts


def test_pdf_without_a_metadata_title_is_named_by_its_first_pages_heading(tmp_path, monkeypatch):
    """A reviewer's white paper had no title in its metadata and was cited untitled, though its cover
    names it: the heading its first page opens with names it."""
    import fpdf

    monkeypatch.setattr(fpdf.FPDF, "set_title", lambda self, title: None)
    path = docgen.pdf(tmp_path / "untitled.pdf", FONT)
    doc = read_document(path)
    first = next(p for p in doc.passages)
    assert doc.title == docgen.SOURCE[0][1] and first.page == 1


@needs_font
def test_pdf_bullets_set_in_a_bigger_font_are_items_and_a_spaced_contents_line_is_dropped(tmp_path):
    """A reviewer's whitepaper (reportlab's ListFlowable) set each "•" at 12 pt before 10 pt text: every
    item was read as a heading and never quoted, so the passage after a lost fact answered for it. A line
    is as big as its words; a "•" opens an item even after a line that ran to the margin; a contents line
    with spaced leaders (". . . . 3") is dropped like one with packed dots."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_font("jp", fname=FONT)
    doc.add_page()
    doc.set_font("jp", size=10)
    doc.cell(0, 6, "4.1 Encryption at rest " + ". " * 40 + "3", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font("jp", size=16)
    doc.cell(0, 9, "4. Data Encryption", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("jp", size=10)
    lead = "Customer data is protected by several layers of encryption, described in the list below. " * 3
    doc.multi_cell(0, 5, lead.strip(), new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    width = doc.w - doc.l_margin - doc.r_margin - 6
    full, words = "", iter(("Backups", "are", "encrypted", "with", "AES-256", "and", "stored", "in", "a", "second",
                            "region", "under", "separate", "keys", "held", "in", "the", "key", "management", "service",
                            "of", "the", "cloud", "provider", "itself", "always"))
    for word in words:  # an item that runs to the margin, ended by its full stop
        if doc.get_string_width(f"{full} {word}.") > width - 2:
            break
        full = f"{full} {word}".strip()
    items = ("All customer data at rest is encrypted with AES-256 using AWS KMS.", full + ".",
             "KMS keys are rotated automatically every 365 days.")
    for item in items:
        doc.set_font("jp", size=12)
        doc.cell(6, 5, "•")
        doc.set_font("jp", size=10)
        doc.cell(0, 5, item, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "bullets.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    texts = [p.text for p in got.passages]
    assert all(item in texts for item in items), texts
    assert not any("Encryption at rest" in t for t in texts), "a contents line is no passage"
    assert all(p.section[-1] == "4. Data Encryption" for p in got.passages if p.text in items)


@needs_font
def test_pdf_a_tables_caption_is_not_glued_to_its_header_row(tmp_path):
    """A reviewer's whitepaper read "表4-1 バックアップの取得方式種別 取得頻度 保管期間 保管場所": the
    caption ran into the column names, so the rows were quoted under a garbled header."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_font("jp", fname=FONT)
    doc.add_page()
    doc.set_font("jp", size=10.5)
    doc.multi_cell(0, 6, "バックアップは次の二つの方式で取得し、それぞれ別のリージョンに保管しています。", new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    doc.set_font("jp", size=9.5)
    doc.cell(0, 5, "表4-1 バックアップの取得方式", new_x="LMARGIN", new_y="NEXT")
    doc.ln(1)
    with doc.table(col_widths=(40, 50, 40, 40), padding=3, first_row_as_headings=False) as table:
        for cells in (("種別", "取得頻度", "保管期間", "保管場所"), ("フルバックアップ", "毎日1回", "35日間", "大阪リージョン"),
                      ("差分バックアップ", "1時間ごと", "7日間", "東京リージョン")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "caption.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    assert "表4-1 バックアップの取得方式\n" in got.text or "表4-1 バックアップの取得方式" in [p.text for p in got.passages], got.text
    assert not any("取得方式種別" in p.text or "取得方式 種別" in p.text for p in got.passages)


@needs_font
def test_pdf_a_table_row_whose_cells_wrapped_ends_where_the_next_rows_first_cell_starts(tmp_path):
    """A reviewer's plan table ran two rows together ("…両方を制限できますシングルサインオン（SAML） 提供なし…")
    and "IPアドレス制限はスタンダードプランで使えますか" read a yes from the next row's cells."""
    from fpdf import FPDF
    from fpdf.enums import VAlign

    doc = FPDF(format="A4")
    doc.add_font("jp", fname=FONT)
    doc.add_page()
    doc.set_font("jp", size=10.5)
    doc.multi_cell(0, 6, "プランごとの提供状況は次の表のとおりです。", new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.set_font("jp", size=9.5)
    with doc.table(col_widths=(36, 30, 40, 40), first_row_as_headings=False, v_align=VAlign.M) as table:
        for cells in (("機能", "スタンダード", "ビジネス", "エンタープライズ"),
                      ("IPアドレス制限", "提供なし", "管理画面へのアクセスのみ制限できます", "管理画面と署名画面の両方を制限できます"),
                      ("シングルサインオン（SAML）認証", "提供なし", "提供なし", "利用可能"),
                      ("監査ログのダウンロード", "提供なし", "直近1年分", "全期間")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "plans.pdf"
    doc.output(str(path))
    got = read_document(path)
    _exact(got)
    texts = [p.text for p in got.passages]
    ip = next(t for t in texts if t.startswith("IPアドレス制限"))
    assert "シングルサインオン" not in ip and "制限できます" in ip, texts
    assert any(t.startswith("シングルサインオン（SAML）") and t.endswith("利用可能") for t in texts), texts
