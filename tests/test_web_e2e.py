"""The web chat as a person uses it: a real uvicorn server on loopback, driven in Debian's Chromium.

Screenshots go to test-artifacts/ (git-ignored) for a human look: chat-desktop.png, chat-phone.png,
source-view.png, docs.png.
"""

from __future__ import annotations

import csv
import json
import io
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright import sync_api

from .servers import serve

from assistant.answer import Assistant
from assistant.config import PROJECT_ROOT, Settings
from assistant.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

INSTALL_HINT = "apt-get install chromium fonts-ipafont-gothic"


def _require_chromium(chromium: Path = CHROMIUM) -> None:
    """Skip the browser tests without Chromium, except under CI (CI=true), where that is a failure:
    a CI run must never pass without having run them."""
    if chromium.exists():
        return
    message = f"Debian's chromium ({chromium}) is not installed: {INSTALL_HINT} to run the browser tests"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"CI=true and {message} (the fonts render Japanese in the screenshots)", pytrace=False)
    pytest.skip(message)

EVIL_DOC = """# 悪意のある資料

本資料は 2024年5月1日時点の情報です。

## 暗号化<svg onload=alert(1)>

保存データはAES-256で暗号化されます。<script>alert(1)</script> 鍵はHSMで管理されます。

## 監査ログ

監査ログは<img src=x onerror=alert(1)>1年間保存されます。
"""


_serve = serve  # the shared loopback server (tests/servers.py)


@pytest.fixture(scope="module")
def base_url(assistant) -> Iterator[str]:
    with _serve(create_app(assistant=assistant)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class _Watch:
    """What a page did that it should not: script errors, console errors (CSP reports), dialogs."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@contextmanager
def _page(browser, **context_args):
    context = browser.new_context(locale="ja-JP", **context_args)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch = _Watch(page)
        yield page, watch
        assert watch.errors == []
        assert watch.dialogs == []
    finally:
        context.close()


def _ask_by_typing(page, question: str, *, press_enter: bool = True):
    before = page.locator(".answer:not(.pending)").count()
    box = page.locator("#question")
    box.fill("")
    box.press_sequentially(question) if press_enter else box.fill(question)
    if press_enter:
        box.press("Enter")
    else:
        page.locator("#ask-button").click()
    page.locator(".answer:not(.pending)").nth(before).wait_for()
    return page.locator(".answer:not(.pending)").nth(before)


def test_missing_chromium_fails_under_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    absent = tmp_path / "no-chromium"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="fonts-ipafont-gothic") as failed:
        _require_chromium(absent)
    assert "install chromium" in str(failed.value)
    for value in (None, "", "false"):
        if value is None:
            monkeypatch.delenv("CI", raising=False)
        else:
            monkeypatch.setenv("CI", value)
        with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
            _require_chromium(absent)
    _require_chromium(Path(__file__))  # an existing file: nothing happens


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_chat_answers_in_japanese_and_english_and_keeps_the_conversation(browser, base_url, assistant):
    ARTIFACTS.mkdir(exist_ok=True)
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/")
        assert page.locator("h1").inner_text().strip().endswith("セキュリティチェックシート回答アシスタント")

        ja = _ask_by_typing(page, "SCIMに対応していますか？")
        assert "is-answered" in ja.get_attribute("class")
        assert ja.locator(".badge").inner_text() == "記載あり"
        quote = ja.locator(".citation-primary blockquote.quote").inner_text()
        assert "SCIMによる同期" in quote
        assert ja.locator(".citation-primary .crumbs li").all_inner_texts() == ["ユーザー管理", "SSO"]
        assert "2024-04-28" in ja.locator(".citation-primary .cite-source").inner_text()
        assert "%" in ja.locator(".conf-value").inner_text()

        en = _ask_by_typing(page, "What is the password policy?", press_enter=False)
        assert "8文字以上" in en.locator("blockquote.quote").first.inner_text()

        ismap = _ask_by_typing(page, "Is the service registered under ISMAP?")
        expected = assistant.ask("Is the service registered under ISMAP?")
        assert not expected.answered
        if expected.status.value == "needs review":  # a candidate, shown as one: never "記載なし" beside it
            assert "is-review" in ismap.get_attribute("class")
            assert ismap.locator(".badge").inner_text() == "要確認"
            assert ismap.locator(".candidate-title").inner_text().startswith("回答候補")
            assert ismap.locator(".citation-candidate blockquote.quote").inner_text().strip() == expected.citations[0].quote
            assert ismap.locator(".why-review li").count() == len(expected.review_reasons)
            assert "記載なし" not in ismap.inner_text()
        else:
            assert "is-unanswered" in ismap.get_attribute("class")
            assert ismap.locator(".badge").inner_text() == "記載なし"
            assert ismap.locator(".related-title span").inner_text() == "関連箇所（回答ではありません）"
            assert ismap.locator(".citation-related").count() >= 1
        assert page.locator(".turn").count() == 3  # earlier turns stay on the page
        assert page.locator(".turn .bubble").first.inner_text().endswith("SCIMに対応していますか？")

        page.screenshot(path=str(ARTIFACTS / "chat-desktop.png"), full_page=True)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.screenshot(path=str(ARTIFACTS / "chat-desktop-bottom.png"))  # as seen: the question box at the bottom

        page.locator(".lang-toggle button[data-lang=en]").click()
        if expected.status.value == "needs review":
            assert ismap.locator(".badge").inner_text() == "Needs review"
        else:
            assert ismap.locator(".related-title span").inner_text() == "Related, does not answer"
        assert ja.locator(".badge").inner_text() == "Documented"
        assert page.locator("h1").inner_text().strip().endswith("Security questionnaire assistant")
        page.screenshot(path=str(ARTIFACTS / "chat-desktop-en.png"), full_page=True)

        page.reload()  # the choice of language is remembered
        assert page.locator("#question").get_attribute("placeholder").startswith("Type a question")
        page.locator(".lang-toggle button[data-lang=ja]").click()


def test_example_questions_come_from_the_catalog_and_follow_the_language(browser, base_url, assistant):
    """The examples are the catalog's generic questionnaire questions (any vendor's corpus may be served),
    in the page's language, and clicking one asks it."""
    from assistant.web.ui import UI_TEXT

    def catalog(lang):
        return [v for k, v in sorted(UI_TEXT[lang].items()) if k.startswith("example_")]

    assert len(catalog("ja")) == len(catalog("en")) >= 4
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/?lang=ja")
        page.locator(".lang-toggle button[data-lang=ja]").click()
        assert page.locator("button.example").all_inner_texts() == catalog("ja")
        page.locator(".lang-toggle button[data-lang=en]").click()
        shown = page.locator("button.example").all_inner_texts()
        assert shown == catalog("en")
        assert not any(word in " ".join(shown + catalog("ja")) for word in ("ISMAP", "Workato", "SCIM"))
        page.locator("button.example").first.click()
        card = page.locator(".answer:not(.pending)").first
        card.wait_for()
        assert page.locator(".turn .bubble .q").first.inner_text() == shown[0]
        page.locator(".lang-toggle button[data-lang=ja]").click()


def test_the_first_tab_stop_skips_to_the_question_box(browser, base_url):
    """The question box sits below the conversation: reaching it took 15 Tab presses (the language
    buttons, every document link, every example). The first Tab stop is a skip link, in the page's
    language from the catalog, that puts the caret in the box; a question typed there is asked."""
    from assistant.web.ui import UI_TEXT

    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/?lang=ja")
        page.keyboard.press("Tab")
        focused = page.evaluate("({cls: document.activeElement.className, text: document.activeElement.textContent})")
        assert focused == {"cls": "skip-link", "text": UI_TEXT["ja"]["skip_to_question"]} == {
            "cls": "skip-link", "text": "質問へ移動"}
        link = page.locator(".skip-link")
        box = link.bounding_box()
        assert box is not None and box["y"] >= 0 and box["width"] > 0  # shown once focused
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "question"
        page.keyboard.type("SCIMに対応していますか？")
        page.keyboard.press("Enter")
        page.locator(".answer:not(.pending)").first.wait_for()
        assert page.locator(".turn .bubble .q").first.inner_text() == "SCIMに対応していますか？"
        page.locator(".lang-toggle button[data-lang=en]").click()
        assert link.text_content() == UI_TEXT["en"]["skip_to_question"] == "Skip to question"
        page.locator(".lang-toggle button[data-lang=ja]").click()


def test_a_not_documented_card_speaks_the_pages_language_and_copies_the_questions(browser, base_url, assistant):
    """An English question not documented, on the Japanese page: the card's sentence is the page's, as its
    badge and labels are (it had been the answer's English sentence under Japanese labels, and stayed so
    when the page switched language); what is copied for the questionnaire stays in the question's language."""
    from assistant import messages

    question = "What is the weather in Tokyo tomorrow?"
    expected = assistant.ask(question)
    assert expected.status.value == "not documented" and expected.lang == "en"
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/?lang=ja")
        page.locator(".lang-toggle button[data-lang=ja]").click()
        card = _ask_by_typing(page, question)
        assert "is-unanswered" in card.get_attribute("class")
        assert card.locator(".badge").inner_text() == "記載なし"
        assert card.locator(".answer-text").inner_text() == messages.t("answer.not_documented", "ja")
        editor = card.locator("textarea.edit-copy-text")
        assert editor.input_value() == messages.t("fill.remarks_not_documented", "en")  # the question's language
        assert editor.get_attribute("lang") == "en"
        page.locator(".lang-toggle button[data-lang=en]").click()
        assert card.locator(".answer-text").inner_text() == messages.t("answer.not_documented", "en")
        assert card.locator(".badge").inner_text() == "Not documented"
        page.locator(".lang-toggle button[data-lang=ja]").click()


def test_an_empty_or_over_long_question_is_refused_under_the_box_before_anything_is_sent(browser, base_url, settings):
    """A pasted question over the limit is never cut: it stays whole in the box and the page says how long it is
    and what to do, under the box, without sending it or echoing 5,000 characters into the conversation (two
    reviewers); an empty question says so instead of doing nothing. The server refuses either on its own
    (test_web_api)."""
    limit = settings.max_question_chars
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/?lang=ja")
        asked = []
        page.on("request", lambda r: "/api/ask" in r.url and asked.append(r.url))
        box, error = page.locator("#question"), page.locator("#ask-error")
        box.fill("   ")
        box.press("Enter")
        error.wait_for(state="visible")
        assert "質問" in error.inner_text() and box.get_attribute("aria-invalid") == "true"
        box.fill("暗号化" * (limit // 3 + 100))
        page.locator("#ask-button").click()
        text = error.inner_text()
        assert str(limit) in text and "分けて" in text, text
        assert len(box.input_value()) > limit, "the question stays in the box to shorten"
        assert page.locator(".turn").count() == 0 and asked == [], "nothing is echoed or sent"
        box.press("End")
        box.press("Backspace")
        assert error.is_hidden(), "typing again clears the message"
        assert watch.errors == []


def test_copy_button_puts_a_questionnaire_cell_on_the_clipboard(browser, base_url):
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        page.goto(base_url + "/")
        answer = _ask_by_typing(page, "パスワードポリシーは？")
        answer.locator("button.copy").click()
        page.wait_for_function("document.querySelector('button.copy.done') !== null")
        copied = page.evaluate("navigator.clipboard.readText()")
        quote = answer.locator(".citation-primary blockquote.quote").inner_text().strip()
        assert copied.startswith("記載あり:「" + quote + "」")
        assert "corpus/workato-security-summary.ja.txt" in copied
        assert "ユーザー管理 › パスワードポリシー(桁数・複雑性)" in copied and "2024-04-28 時点" in copied
        assert "<" not in copied


def test_needs_review_card_shows_the_candidate_and_copies_it_as_a_candidate(browser, base_url, assistant):
    question = "Please provide your SOC 2 report."  # a request for a document is a candidate at most
    expected = assistant.ask(question)
    assert expected.status.value == "needs review", expected
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        page.goto(base_url + "/")
        answer = _ask_by_typing(page, question)
        assert "is-review" in answer.get_attribute("class")
        assert answer.locator(".badge").inner_text() == "要確認"
        quote = answer.locator(".citation-candidate blockquote.quote").inner_text().strip()
        assert quote == expected.citations[0].quote and "SOC-2" in quote
        answer.locator("button.copy").click()
        page.wait_for_function("document.querySelector('button.copy.done') !== null")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("Needs review (candidate): \"" + quote + "\""), copied  # the question is English
        assert "Not documented" not in copied and "corpus/workato-security-summary.ja.txt" in copied


def test_a_shown_passage_can_be_used_as_the_answer_and_the_copy_edited(browser, base_url, assistant):
    """A card that does not answer shows related passages; the person takes one as the answer ("use this
    passage"): the copy is that passage as documented, never "not documented". Then they edit the text
    before copying, and the edited text is what lands on the clipboard."""
    question = "明日の東京の天気は？"
    expected = assistant.ask(question)
    assert expected.status.value == "not documented" and expected.citations
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        page.goto(base_url + "/")
        answer = _ask_by_typing(page, question)
        assert "is-unanswered" in answer.get_attribute("class")
        editor = answer.locator("textarea.edit-copy-text")
        assert editor.input_value().startswith("記載なし（提供資料に該当する記述はありません）")
        second = answer.locator(".citation-related").nth(1)
        quote = second.locator("blockquote.quote").inner_text().strip()
        assert quote == expected.citations[1].quote
        second.locator("button.use-passage").click()
        assert second.locator("button.use-passage").get_attribute("aria-pressed") == "true"
        assert answer.locator("button.use-passage[aria-pressed=true]").count() == 1
        answer.locator("button.copy").click()
        page.wait_for_function("document.querySelector('button.copy.done') !== null")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("記載あり:「" + quote + "」") and "記載なし" not in copied, copied
        # edit before copying: what is copied is what the person wrote
        answer.locator(".edit-copy summary").click()
        editor.fill("はい。" + copied)
        answer.locator("button.copy:not(.done)").wait_for()  # the "copied" mark of the first copy is gone
        answer.locator("button.copy").click()
        answer.locator("button.copy.done").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == "はい。" + copied


def test_quote_links_to_the_source_view_with_the_passage_highlighted(browser, base_url):
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/")
        answer = _ask_by_typing(page, "監査ログの保存期間は？")
        citation = answer.locator(".citation").first
        quote = citation.locator("blockquote.quote").inner_text().strip()
        with page.context.expect_page() as opened:
            citation.locator("a.source-link").click()
        source = opened.value
        source_watch = _Watch(source)
        source.wait_for_load_state()
        mark = source.locator("mark#p")
        assert mark.inner_text() == quote
        assert "#p" in source.url
        assert source.locator("pre.doc").inner_text().startswith("LoginSignup")  # the whole document
        # the passage is scrolled into view, not left at the top of a long page
        box = mark.bounding_box()
        viewport = source.viewport_size
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]
        assert source.evaluate("window.scrollY") > 0
        source.screenshot(path=str(ARTIFACTS / "source-view.png"))
        assert source_watch.errors == [] and source_watch.dialogs == []


def test_feedback_from_the_page_lands_in_the_database(browser, base_url, assistant):
    marker = f"e2e-{uuid.uuid4().hex[:8]}"
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/")
        answer = _ask_by_typing(page, "SCIMに対応していますか？")
        answer.locator(".fb-comment").fill(marker)
        answer.locator("button.fb-wrong").click()
        status = answer.locator(".fb-status.ok")
        status.wait_for()
        assert "ありがとうございます" in status.inner_text()
        assert answer.locator("button.fb-helpful").is_disabled()
    with sqlite3.connect(assistant.settings.feedback_db) as conn:
        rows = conn.execute("SELECT question, answered, quote, source, verdict, passage_id, quote_start, quote_end"
                            " FROM feedback WHERE comment = ?", (marker,)).fetchall()
    assert len(rows) == 1
    question, answered, quote, source, verdict, passage_id, start, end = rows[0]
    assert (question, answered, verdict, source) == ("SCIMに対応していますか？", 1, "wrong",
                                                     "corpus/workato-security-summary.ja.txt")
    assert "SCIM" in quote
    passage = assistant.index.passages[passage_id]  # the page sent the passage_id; the quote is the index's
    assert (quote, source, start, end) == (passage.quote_text, passage.source, passage.quote_start, passage.quote_end)


def test_phone_layout_has_no_horizontal_overflow(browser, base_url):
    with _page(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
               has_touch=True) as (page, watch):
        page.goto(base_url + "/")
        assert _no_horizontal_overflow(page)
        page.screenshot(path=str(ARTIFACTS / "chat-phone-start.png"))
        assert page.locator("button.example").first.is_visible()
        _ask_by_typing(page, "ログインセッションの有効期限は？")
        # the examples fold away after the first question; their label opens them again
        assert not page.locator("button.example").first.is_visible()
        page.locator("#examples summary").click()
        assert page.locator("button.example").first.is_visible()
        page.locator("#examples summary").click()
        # a not-documented card fits one phone screen
        nd = _ask_by_typing(page, "明日の東京の天気は？")
        assert "is-unanswered" in nd.get_attribute("class")
        assert nd.bounding_box()["height"] <= 844, nd.bounding_box()
        _ask_by_typing(page, "Is Workato registered under ISMAP?")
        page.locator(".answer .more summary").first.click()  # open the other candidates too
        page.locator("#fill summary").click()
        assert _no_horizontal_overflow(page)
        page.screenshot(path=str(ARTIFACTS / "chat-phone.png"), full_page=True)
        page.goto(base_url + "/source/corpus/workato-security-summary.ja.txt?start=613&end=660#p")
        assert _no_horizontal_overflow(page)
        page.screenshot(path=str(ARTIFACTS / "source-phone.png"))


def test_questionnaire_upload_downloads_the_filled_file(browser, base_url, tmp_path):
    questionnaire = tmp_path / "checksheet.csv"
    questionnaire.write_text("No,質問\n1,SCIMに対応していますか？\n2,Is Workato registered under ISMAP?\n",
                             encoding="utf-8")
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/")
        page.locator("#fill summary").click()
        page.locator("#fill-file").set_input_files(str(questionnaire))
        with page.expect_download() as download_info:
            page.locator("#fill-form button[type=submit]").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".csv")
        rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
        assert rows[0][:2] == ["No", "質問"] and rows[1][1] == "SCIMに対応していますか？"
        assert any("SCIM" in cell for cell in rows[1][2:])
        assert "2" in page.locator("#fill-status .summary").inner_text()


def test_api_docs_render_offline(browser, base_url):
    with _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(base_url + "/docs")
        page.locator(".opblock-summary-path", has_text="/api/ask").first.click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()  # sends the example body to the live API
        page.locator(".live-responses-table .response-col_status", has_text="200").first.wait_for()
        assert "SCIM" in page.locator(".live-responses-table .microlight").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "docs.png"))


def _answering_everything(folder, tmp_path, assistant) -> Assistant:
    """An assistant on FOLDER, with the session's model, that answers whatever it finds (threshold 0)."""
    return Assistant(Settings(corpus=folder, index=tmp_path / "index", cache=assistant.settings.cache,
                              model=assistant.settings.model, threshold=0.0, feedback_db=tmp_path / "fb.db"),
                     progress=False)


def test_markup_in_documents_is_shown_not_run(browser, make_corpus, tmp_path, assistant):
    folder = make_corpus({"evil.md": EVIL_DOC})
    evil = _answering_everything(folder, tmp_path, assistant)
    with _serve(create_app(assistant=evil)) as url, \
            _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(url + "/")
        enc = _ask_by_typing(page, "保存データは暗号化されていますか？")
        log = _ask_by_typing(page, "監査ログの保存期間は？")
        assert "<script>alert(1)</script>" in enc.locator(".citation-primary blockquote").inner_text()
        assert "<img src=x onerror=alert(1)>" in log.locator(".citation-primary blockquote").inner_text()
        assert "<svg onload=alert(1)>" in enc.locator(".citation-primary .crumbs").inner_text()
        counts = page.evaluate("""() => ({
            img: document.querySelectorAll('img').length,
            svg: document.querySelectorAll('svg').length,
            inlineScripts: [...document.scripts].filter(s => !s.src && s.type !== 'application/json').length,
        })""")
        assert counts == {"img": 0, "svg": 0, "inlineScripts": 0}
        page.wait_for_timeout(300)  # give an onerror handler every chance to fire
        # the corpus is outside the repository: the links name the document by its path inside the corpus
        # folder (they had been /source//tmp/.../evil.md, the server's path shown on hover), and still open it
        links = page.evaluate("[...document.querySelectorAll('a[href^=\"/source/\"]')].map(a => a.getAttribute('href'))")
        assert links and all(str(tmp_path) not in href for href in links), links
        assert log.locator(".citation-primary a.source-link").get_attribute("href").startswith("/source/evil.md?")
        assert str(tmp_path) not in page.content()
        with page.context.expect_page() as opened:
            log.locator(".citation-primary a.source-link").click()
        source = opened.value
        source_watch = _Watch(source)
        source.wait_for_load_state()
        assert source.locator("mark#p").inner_text() == log.locator(".citation-primary blockquote").inner_text().strip()
        assert source.evaluate("document.querySelectorAll('img, svg').length") == 0
        source.wait_for_timeout(300)
        assert source_watch.dialogs == [] and source_watch.errors == []


def test_a_past_answer_from_a_check_sheet_shows_its_sheet_row_and_question(browser, assistant, tmp_path):
    """Last year's answered sheet as the corpus: the card says which sheet, row and question the quote answered."""
    from .test_readers import check_sheet_library

    _, library = check_sheet_library(assistant, tmp_path)
    with _serve(create_app(assistant=library)) as url, \
            _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(url + "/")
        card = _ask_by_typing(page, "保管時のデータは暗号化されていますか")
        first = card.locator(".citation").first
        assert first.locator(".quote").inner_text().startswith("はい")
        where = first.locator(".cite-source").inner_text()
        assert "セキュリティ" in where and "5" in where
        assert first.locator(".asked").inner_text().endswith("保存データは暗号化されていますか。")


def test_copying_a_check_sheet_answer_or_a_chosen_passage_says_where_it_is(browser, assistant, tmp_path):
    """What is copied says where the quote is as `assistant ask` and the filled sheet do: a check-sheet
    row's sheet, row and the question it answered, not only the file (the reviewer's copy lacked them)."""
    from .test_readers import check_sheet_library

    _, library = check_sheet_library(assistant, tmp_path)
    question = "保管時のデータは暗号化されていますか"
    expected = library.ask(question)
    with _serve(create_app(assistant=library)) as url, \
            _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page.goto(url + "/")
        card = _ask_by_typing(page, question)
        card.locator("button.copy").click()
        card.locator("button.copy.done").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        first = expected.citations[0]
        assert first.sheet == "セキュリティ" and first.row == 5
        assert "シート「セキュリティ」5行" in copied, copied
        assert "設問「保存データは暗号化されていますか。」" in copied, copied
        # a passage the person chooses is copied with its own place
        other = next(c for c in expected.citations[1:] if c.row != first.row)
        card.locator(".more summary").click()  # the other passages are folded
        block = card.locator(".citation", has=page.locator("blockquote", has_text=other.quote)).first
        block.locator("button.use-passage").click()
        card.locator("button.copy:not(.done)").wait_for()
        card.locator("button.copy").click()
        card.locator("button.copy.done").wait_for()
        chosen = page.evaluate("navigator.clipboard.readText()")
        assert chosen.startswith("記載あり:「" + other.quote + "」"), chosen
        assert f"{other.row}行" in chosen and (other.asked or "") in chosen, chosen


def test_the_confidence_label_follows_the_servers_cuts(browser, settings):
    """The label's bands are the cuts the answers are decided by (here ASSISTANT_THRESHOLD=0.95): an answer
    sent to review is never "high" beside its "needs review" badge, whatever its confidence."""
    strict = Assistant(settings.model_copy(update={"threshold": 0.95}), progress=False)
    question = "データセンターの所在地（リージョン）を教えてください。"
    expected = strict.ask(question)
    assert expected.status.value == "needs review" and 0.8 <= expected.confidence < 0.95, expected
    with _serve(create_app(assistant=strict)) as url, _page(browser, viewport={"width": 1280, "height": 900}) as (page, _):
        page.goto(url + "/")
        config = json.loads(page.locator("#app-config").text_content())
        assert (config["answerAt"], config["reviewAt"]) == (0.95, strict.model.review_at)
        review = _ask_by_typing(page, question)
        assert review.locator(".badge").inner_text() == "要確認"
        assert review.locator(".conf-value").inner_text() == f"{round(expected.confidence * 100)}%"
        assert review.locator(".confidence").get_attribute("class") == "confidence level-medium"
        assert review.locator(".conf-level").inner_text() == "中"
        sure = strict.ask("Is SSO supported?")
        assert sure.answered and sure.confidence >= 0.95
        answered = _ask_by_typing(page, "Is SSO supported?")
        assert answered.locator(".confidence").get_attribute("class") == "confidence level-high"
        unknown = _ask_by_typing(page, "明日の東京の天気は？")
        assert unknown.locator(".confidence").get_attribute("class") == "confidence level-low"


def test_a_quote_cut_off_with_its_page_says_so_on_the_card(browser, make_corpus, tmp_path, assistant):
    """A page cut by a scraper's byte limit: the card says under the quote that it stops where the page does, in
    the page's language; a whole sentence's card does not."""
    folder = make_corpus({"security.ja.txt": "セキュリティ対策\n\n通信の暗号化\nすべての通信をTLS 1.2以上で暗号化しています。\n\n"
                                             "脆弱性診断\n第三者機関による脆弱性診断を年に1回、外部の専門会"})
    cut = _answering_everything(folder, tmp_path, assistant)
    with _serve(create_app(assistant=cut)) as url, \
            _page(browser, viewport={"width": 1280, "height": 900}) as (page, watch):
        page.goto(url + "/")
        card = _ask_by_typing(page, "第三者による脆弱性診断を実施していますか。")
        assert card.locator(".citation-primary blockquote").inner_text().strip().endswith("外部の専門会")
        assert "途切れて" in card.locator(".citation-primary .cut-off").inner_text()
        whole = _ask_by_typing(page, "通信は暗号化されていますか。")
        assert whole.locator(".citation-primary .cut-off").count() == 0
