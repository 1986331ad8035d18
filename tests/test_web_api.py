"""The web app in-process (FastAPI TestClient) on the real model and a real index.

Covers the answer contract over HTTP, input refusals, security headers, rate limiting, the source
view (escaping, highlight, no path traversal), feedback storage and export, the questionnaire upload,
and a corpus whose passages carry HTML/JS payloads.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import re
import sqlite3

import openpyxl
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from assistant import messages
from assistant.answer import Assistant
from assistant.config import PROJECT_ROOT, Settings
from assistant.web import MAX_JSON_BODY, create_app
from assistant.web.middleware.body_limit import MULTIPART_OVERHEAD
from assistant.web.ui import human_bytes

SCIM_JA = "SCIMに対応していますか？"
SCIM_EN = "Does Workato support SCIM?"
ISMAP = "What is the weather in Tokyo tomorrow?"  # shares no word with the documents
PASSWORD_EN = "What is the minimum password length?"
DOC = "corpus/workato-security-summary.ja.txt"

#: A document whose passages and headings carry markup that must be shown, never run.
EVIL_DOC = """# 悪意のある資料

本資料は 2024年5月1日時点の情報です。

## 暗号化<svg onload=alert(1)>

保存データはAES-256で暗号化されます。<script>alert(1)</script> 鍵はHSMで管理されます。

## 監査ログ

監査ログは<img src=x onerror=alert(1)>1年間保存されます。
"""
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def client(assistant):
    with TestClient(create_app(assistant=assistant)) as c:
        yield c


def _ask(client, question):
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200, r.text
    return r.json()


def _settings_with(assistant, **changes) -> Settings:
    return assistant.settings.model_copy(update=changes)


# --------------------------------------------------------------------------------------------------
# The answer contract over HTTP
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", [SCIM_JA, SCIM_EN])
def test_ask_cites_the_scim_passage_verbatim(client, question):
    body = _ask(client, question)
    assert body["question"] == question
    assert 0.0 <= body["confidence"] <= 1.0
    first = body["citations"][0]
    assert "SCIMによる同期" in first["quote"]
    assert first["source"] == DOC
    assert first["section"] == ["ユーザー管理", "SSO"]
    text = (PROJECT_ROOT / first["source"]).read_text(encoding="utf-8")
    for c in body["citations"]:  # the contract: the source read as UTF-8 gives the quote at start:end
        assert text[c["start"]:c["end"]] == c["quote"]
    # Whatever the core decided (the English one falls in the review band), status and answer text
    # agree: the quote is in the answer exactly when it is answered or offered for review.
    assert body["status"] in ("answered", "needs review", "not documented")
    assert body["answered"] is (body["status"] == "answered")
    assert (first["quote"] in body["answer"]) is (body["status"] != "not documented")


def test_ask_answers_scim_in_japanese(client):
    body = _ask(client, SCIM_JA)
    assert body["answered"] is True, (body["confidence"], body["answer"])
    assert body["status"] == "answered" and body["lang"] == "ja"
    assert body["answer"].startswith("記載あり")
    assert "SCIMによる同期" in body["citations"][0]["quote"]
    assert body["citations"][0]["quote"] in body["answer"]


def test_ask_answers_an_english_question_in_english(client):
    body = _ask(client, PASSWORD_EN)
    assert body["answered"] is True, (body["confidence"], body["answer"])
    assert body["status"] == "answered" and body["lang"] == "en"
    first = body["citations"][0]
    assert "8文字以上" in first["quote"]
    assert first["source"] == DOC
    assert first["section"] == ["ユーザー管理", "パスワードポリシー(桁数・複雑性)"]
    assert first["as_of"] == "2024-04-28"
    text = (PROJECT_ROOT / DOC).read_text(encoding="utf-8")
    assert text[first["start"]:first["end"]] == first["quote"]
    answer = body["answer"]
    assert answer.startswith(f'Documented: "{first["quote"]}"')
    assert "section: ユーザー管理 › パスワードポリシー(桁数・複雑性)" in answer
    assert f"source: {DOC}" in answer and "as of 2024-04-28" in answer
    assert "記載" not in answer and "Not documented" not in answer


def test_ask_says_not_documented_for_ismap(client):
    body = _ask(client, ISMAP)
    assert body["answered"] is False
    assert body["status"] == "not documented"
    assert body["citations"], "the closest passages are still listed for the reader"
    assert "Not documented" in body["answer"]


@pytest.mark.parametrize(("kwargs", "status", "fragment"), [
    ({"json": {"question": ""}}, 400, "empty"),
    ({"json": {"question": "   \n "}}, 400, "empty"),
    ({"json": {"question": "x" * 1001}}, 400, "limit is 1000"),
    ({"json": {"question": "a\x00b"}}, 400, "control characters"),
    ({"json": {"question": 123}}, 422, "must be text"),
    ({"json": {"question": None}}, 422, "must be text"),
    ({"json": {"question": ["SCIM"]}}, 422, "must be text"),
    ({"json": {}}, 422, "'question' is missing"),
    ({"json": ["SCIM"]}, 422, "JSON object"),
    ({"json": "SCIM"}, 422, "JSON object"),
    ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422, "not valid JSON"),
    ({"content": b"\xff\xfe\x00binary", "headers": {"Content-Type": "application/json"}}, 400, "body"),  # not UTF-8
    ({"content": b"question=SCIM", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 422, "JSON"),
    ({"content": b'{"question": "' + b"a" * (MAX_JSON_BODY + 10) + b'"}',
      "headers": {"Content-Type": "application/json"}}, 413, "larger than"),
])
def test_ask_refuses_bad_input_with_a_clear_json_error(client, kwargs, status, fragment):
    r = client.post("/api/ask", **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    detail = r.json()["detail"]
    assert isinstance(detail, str) and fragment in detail


def test_ask_refuses_an_endless_chunked_body(client):
    """No Content-Length to check up front: the body is counted as it arrives."""

    def chunks():
        yield b'{"question": "'
        for _ in range(100):
            yield b"a" * 1000
        yield b'"}'

    r = client.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "larger than" in r.json()["detail"]


def _endless_question():
    yield b'{"question": "'
    for _ in range(100):
        yield b"a" * 1000
    yield b'"}'


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_body_over_the_limit_is_refused_in_the_pages_language(assistant, lang):
    """Declared up front or counted as it arrives, a question's JSON or an upload: the 413 is in the page's
    language (?lang= first, else Accept-Language) and says what to send instead, in words that fit both."""
    other = "en" if lang == "ja" else "ja"
    app = create_app(assistant=assistant, settings=_settings_with(assistant, max_upload_bytes=2048))
    json_limit = messages.t("web.error.body_too_large", lang, limit=human_bytes(MAX_JSON_BODY))
    upload_limit = messages.t("web.error.body_too_large", lang, limit=human_bytes(2048 + MULTIPART_OVERHEAD))
    big = b'{"question": "' + b"a" * (MAX_JSON_BODY + 10) + b'"}'
    with TestClient(app) as c:
        for params, accept in (({"lang": lang}, other), ({}, lang)):
            for body in (big, _endless_question()):
                r = c.post("/api/ask", content=body, params=params,
                           headers={"Content-Type": "application/json", "Accept-Language": accept})
                assert r.status_code == 413 and r.json()["detail"] == json_limit, r.text
            r = c.post("/api/fill", params=params, headers={"Accept-Language": accept},
                       files={"file": ("q.csv", b"x" * (200 * 1024), "text/csv")})
            assert r.status_code == 413 and r.json()["detail"] == upload_limit, r.text
    assert ("一度に送る量を減らして" if lang == "ja" else "send less at once") in json_limit
    assert ("チェックシート" if lang == "ja" else "questionnaire") in json_limit


@pytest.mark.parametrize(("kwargs", "lang"), [
    ({"params": {"lang": "ja"}, "headers": {"Accept-Language": "en"}}, "ja"),
    ({"headers": {"Accept-Language": "ja,en;q=0.5"}}, "ja"),
    ({"params": {"lang": "en"}, "headers": {"Accept-Language": "ja"}}, "en"),
    ({}, "en"),
])
def test_an_unexpected_error_is_a_500_in_the_pages_language(assistant, kwargs, lang):
    app = create_app(assistant=assistant)

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom", **kwargs)
    assert r.status_code == 500 and r.json() == {"detail": messages.t("web.error.internal", lang)}
    assert r.headers["x-frame-options"] == "DENY" and "secret detail" not in r.text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_malformed_requests_are_described_wholly_in_the_pages_language(client, lang):
    """Every sentence of a 422 is the catalog's in the page's language; only JSON field names stay as sent."""
    def t(key, **values):
        return messages.t(f"web.error.{key}", lang, **values)

    example = '{"question": "..."}'
    as_json = {"Content-Type": "application/json"}
    cases = [
        ("/api/ask", {"json": {}}, [t("field_missing", field="question")]),
        ("/api/ask", {"json": {"question": 123}}, [t("field_text", field="question")]),
        ("/api/ask", {"json": ["SCIM"]}, [t("not_object", example=example)]),
        ("/api/ask", {"content": b"{not json", "headers": as_json}, [t("json_invalid", example=example)]),
        ("/api/feedback", {"json": {"question": "q", "answer_id": "x", "verdict": "meh", "answered": "perhaps",
                                    "passage_id": 1.5, "comment": "x" * 2001}},
         [t("field_bool", field="answered"), t("field_int", field="passage_id"),
          t("field_choice", field="verdict", allowed="'helpful', 'wrong'"),
          t("field_too_long", field="comment", max=2000)]),
        ("/api/feedback", {"content": b'{"question": "q", "answer_id": "x", "verdict": "helpful", "comment": "\\udfff"}',
                           "headers": as_json}, [t("field_unicode", field="comment")]),
        ("/api/fill", {"data": {"column": "x"}}, [t("field_missing", field="file")]),
    ]
    for path, kwargs, sentences in cases:
        r = client.post(path, params={"lang": lang}, **kwargs)
        assert r.status_code == 422, (path, r.text)
        body = r.json()
        assert isinstance(body["errors"], list) and body["errors"]
        rest = body["detail"]
        for sentence in sentences:
            assert sentence in rest, (body["detail"], sentence)
            rest = rest.replace(sentence, "", 1)
        assert rest.replace(";", "").strip() == "", body["detail"]  # nothing said in another language
    r = client.post("/api/ask", json={}, headers={"Accept-Language": lang})  # the header alone says it too
    assert r.json()["detail"] == t("field_missing", field="question")


def test_every_response_carries_security_headers(client):
    responses = {
        "page": client.get("/"),
        "api": client.post("/api/ask", json={"question": SCIM_JA}),
        "api error": client.post("/api/ask", json={"question": ""}),
        "static": client.get("/static/app.js"),
        "source": client.get(f"/source/{DOC}"),
        "not found": client.get("/no/such/page"),
        "health": client.get("/healthz"),
    }
    for name, r in responses.items():
        csp = r.headers.get("content-security-policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ") if d}
        assert directives.get("default-src") == ["'self'"], (name, csp)
        assert directives.get("script-src") == ["'self'"], (name, csp)
        assert directives.get("style-src") == ["'self'"], (name, csp)
        assert directives.get("frame-ancestors") == ["'none'"], (name, csp)
        assert r.headers.get("x-content-type-options") == "nosniff", name
        assert r.headers.get("x-frame-options") == "DENY", name
        assert r.headers.get("referrer-policy") == "no-referrer", name
    # the page itself has no inline script: only external files and a JSON data block
    for tag in re.findall(r"<script\b[^>]*>", responses["page"].text):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_docs_work_offline_with_shipped_swagger_ui(client):
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    assert {"/api/ask", "/api/fill", "/api/feedback", "/healthz"} <= set(schema.json()["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', docs.text):
        assert client.get(asset).status_code == 200, asset
    csp = docs.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "img-src 'self' data:;" in csp  # the one relaxation: Swagger UI's icons


def test_rate_limit_answers_429_json(assistant):
    app = create_app(assistant=assistant, settings=_settings_with(assistant, rate_limit="3/minute"))
    with TestClient(app) as c:
        codes = [c.post("/api/ask", json={"question": "パスワードポリシーは？"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.post("/api/ask", json={"question": "パスワードポリシーは？"})
        assert r.status_code == 429
        assert "too many requests" in r.json()["detail"]
        assert int(r.headers["retry-after"]) > 0
        assert r.headers["x-frame-options"] == "DENY"
        # the upload endpoint has its own budget, limited the same way
        fills = [c.post("/api/fill", files={"file": ("q.csv", b"", "text/csv")}).status_code for _ in range(4)]
        assert fills == [400, 400, 400, 429]
        assert c.get("/healthz").status_code == 200  # reads are not limited
    with TestClient(app, client=("10.0.0.7", 5000)) as other:  # another client has its own budget
        assert other.post("/api/ask", json={"question": "パスワードポリシーは？"}).status_code == 200


def test_healthz_reports_model_and_index(client, assistant):
    r = client.get("/healthz")
    body = r.json()
    assert body["status"] == "ok"
    assert body["model"] == assistant.embedder.spec
    assert body["runtime"] == assistant.embedder.runtime == "onnx-emb8+q8"
    assert body["passages"] == len(assistant.index.passages) > 0
    assert body["documents"] == 1
    assert body["built_at"] == assistant.index.manifest["built_at"]
    assert body["index"]["key"] == assistant.index.manifest["key"]
    assert body["index"]["folder"] == assistant.index.folder.name
    assert str(assistant.settings.index) not in r.text and str(PROJECT_ROOT) not in r.text  # no server paths


def test_app_without_assistant_loads_one_in_its_lifespan(assistant):
    app = create_app(settings=assistant.settings)
    assert app.state.assistant is None
    with TestClient(app) as c:
        assert c.get("/healthz").json()["passages"] == len(assistant.index.passages)
        assert app.state.assistant is not None


# --------------------------------------------------------------------------------------------------
# The source view
# --------------------------------------------------------------------------------------------------


def test_source_view_shows_whole_document_with_passage_highlighted(client):
    c = _ask(client, SCIM_JA)["citations"][0]
    r = client.get(f"/source/{c['source']}", params={"start": c["start"], "end": c["end"]})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    marked = re.search(r'<mark id="p"[^>]*>(.*?)</mark>', r.text, re.S)
    assert marked and marked.group(1) == c["quote"]
    text = (PROJECT_ROOT / DOC).read_text(encoding="utf-8")
    assert text[:40] in r.text and text.rstrip()[-30:] in r.text  # the whole document, not just the passage
    assert "ユーザー管理" in r.text and "2024-04-28" in r.text
    assert '<script src="/static/source.js"' in r.text
    whole = client.get(f"/source/{DOC}")  # no range: the document without a highlight
    assert whole.status_code == 200 and "<mark" not in whole.text


@pytest.mark.parametrize("path", [
    "/source/corpus/no-such-document.txt",
    "/source/%2e%2e/%2e%2e/etc/passwd",
    "/source/..%2f..%2fetc%2fpasswd",
    "/source//etc/passwd",
    "/source/corpus/%2e%2e/pyproject.toml",
    "/source/pyproject.toml",
    f"/source/{DOC}.bak",
])
def test_source_view_only_shows_indexed_documents(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "root:" not in r.text and "[project]" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


def test_source_view_refuses_traversal_even_unnormalised(client):
    """Sent byte for byte (clients normalise '..' away; an attacker's need not)."""
    r = client.request("GET", "http://testserver/source/../../etc/passwd")
    assert r.status_code == 404 and "root:" not in r.text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_source_view_errors_are_in_the_pages_language(client, lang):
    def said(r, key, **values):
        return str(escape(messages.t(f"web.error.{key}", lang, **values))) in r.text

    length = len((PROJECT_ROOT / DOC).read_text(encoding="utf-8"))
    r = client.get("/source/corpus/no-such-document.txt", params={"lang": lang})
    assert r.status_code == 404 and said(r, "source_unknown")
    r = client.get("/source/corpus/no-such-document.txt", headers={"Accept-Language": lang})
    assert r.status_code == 404 and said(r, "source_unknown")
    for query, key, values in [
        ({"start": "a", "end": "9"}, "offset_not_number", {"name": "start", "value": "'a'"}),
        ({"start": "5"}, "offsets_pair", {}),
        ({"start": "0", "end": "999999"}, "range_outside", {"start": 0, "end": 999999, "length": length}),
    ]:
        r = client.get(f"/source/{DOC}", params={**query, "lang": lang})
        assert r.status_code == 400 and said(r, key, **values), r.text
        assert f'<html lang="{lang}"' in r.text


@pytest.mark.parametrize("query", ["start=5&end=2", "start=0&end=999999", "start=-1&end=4", "start=a&end=9",
                                   "start=5", "end=9", "start=3&end=3"])
def test_source_view_refuses_bad_offsets(client, query):
    r = client.get(f"/source/{DOC}?{query}")
    assert r.status_code == 400
    assert "<mark" not in r.text


def test_source_view_refuses_a_document_changed_since_indexing(make_corpus, tmp_path, assistant):
    """The view reads the file afresh; offsets count the indexed text, so a changed file is a 409."""
    original = (PROJECT_ROOT / DOC).read_text(encoding="utf-8")
    folder = make_corpus({"copy.txt": original})
    copy = Assistant(Settings(corpus=folder, index=tmp_path / "index", cache=assistant.settings.cache,
                              model=assistant.settings.model, feedback_db=tmp_path / "fb.db"), progress=False)
    (source,) = copy.index.documents
    p = next(p for p in copy.index.passages if "SCIMによる同期" in p.text)
    url = f"/source/{source}?start={p.start}&end={p.end}"
    path = folder / "copy.txt"
    with TestClient(create_app(assistant=copy)) as c:
        ok = c.get(url)
        assert ok.status_code == 200 and f">{p.text}</mark>" in ok.text

        path.write_text("追記: 冒頭に一行増えました。\n" + original, encoding="utf-8")  # offsets now shifted
        for target in (url, f"/source/{source}"):
            r = c.get(target)
            assert r.status_code == 409, r.text
            assert "<mark" not in r.text and "changed since the index was built" in r.text
            assert "assistant index" in r.text and "restart the server" in r.text
            assert r.headers["x-frame-options"] == "DENY"

        ja = c.get(url + "&lang=ja")  # the Japanese page says it in Japanese
        assert ja.status_code == 409 and "<mark" not in ja.text
        assert str(escape(messages.t("web.error.source_stale", "ja", source="copy.txt",
                                     why=messages.t("web.error.source_stale_differs", "ja")))) in ja.text
        assert "changed since" not in ja.text

        path.write_bytes(original.encode("utf-8") + b"\xff\xfe")  # no longer UTF-8
        assert c.get(url).status_code == 409
        ja = c.get(url + "&lang=ja")
        assert ja.status_code == 409 and messages.t("web.error.source_stale_not_utf8", "ja") in ja.text
        path.unlink()  # gone
        assert c.get(url).status_code == 409

        path.write_text(original.replace("\n", "\r\n"), encoding="utf-8")  # CRLF reads as the same text
        assert c.get(url).status_code == 200


# --------------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------------


def test_feedback_round_trip_and_export(assistant, tmp_path):
    db = tmp_path / "feedback.db"
    with TestClient(create_app(assistant=assistant, settings=_settings_with(assistant, feedback_db=db))) as c:
        scim = _ask(c, SCIM_JA)
        ismap = _ask(c, ISMAP)
        pw = _ask(c, "パスワードポリシーは？")
        audit = pw["citations"][0]  # the passage the page shows first for that question
        sent = [  # what app.js sends: the answer by its signed id, the first citation by its passage_id
            {"question": scim["question"], "answer_id": scim["answer_id"], "passage_id": scim["citations"][0]["passage_id"],
             "verdict": "helpful", "comment": "<b>正しい</b>"},
            {"question": ismap["question"], "answer_id": ismap["answer_id"], "passage_id": ismap["citations"][0]["passage_id"],
             "verdict": "helpful", "comment": ""},
            {"question": "パスワードポリシーは？", "answer_id": pw["answer_id"], "passage_id": audit["passage_id"],
             "quote": audit["quote"], "source": audit["source"],  # older clients' fields, checked
             "verdict": "wrong", "comment": "should quote the password policy"},
        ]
        ids = []
        for body in sent:
            r = c.post("/api/feedback", json=body)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        assert len(set(ids)) == 3

        bad = c.post("/api/feedback", json={**sent[0], "verdict": "meh"})
        assert bad.status_code == 422 and "verdict" in bad.json()["detail"]
        assert c.post("/api/feedback", json={**sent[0], "question": " "}).status_code == 400
        assert c.post("/api/feedback", json={**sent[0], "answered": "perhaps"}).status_code == 422
        assert c.post("/api/feedback", json={k: v for k, v in sent[0].items() if k != "answer_id"}).status_code == 422

        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT question, answered, quote, source, passage_id, quote_start, quote_end,"
                                " verdict, comment, lang FROM feedback ORDER BY id").fetchall()
        s0, i0 = scim["citations"][0], ismap["citations"][0]
        assert rows == [  # quote, source and offsets as the index holds them
            (SCIM_JA, 1, s0["quote"], DOC, s0["passage_id"], s0["start"], s0["end"], "helpful", "<b>正しい</b>", "ja"),
            (ISMAP, 0, i0["quote"], DOC, i0["passage_id"], i0["start"], i0["end"], "helpful", "", "en"),
            ("パスワードポリシーは？", int(pw["answered"]), audit["quote"], DOC, audit["passage_id"], audit["start"], audit["end"],
             "wrong", "should quote the password policy", "ja"),
        ]

        page = c.get("/admin/feedback")
        assert page.status_code == 200
        assert "&lt;b&gt;正しい&lt;/b&gt;" in page.text and "<b>正しい" not in page.text
        assert "ASSISTANT_ADMIN_TOKEN" in page.text  # the page says how to protect it

        export = c.get("/admin/feedback.jsonl")
        assert export.status_code == 200
        lines = [json.loads(line) for line in export.text.splitlines()]
        for line in lines:  # every line is a valid evaluation item (contracts.md)
            assert isinstance(line["id"], str) and line["id"].startswith("fb-")
            assert isinstance(line["question"], str) and line["question"]
            assert isinstance(line["expected"], list)
        assert [(x["question"], x["expected"]) for x in lines] == [
            (SCIM_JA, [s0["quote"]]),  # a confirmed answer: its (indexed) quote is the label
            (ISMAP, []),  # a confirmed "not documented": the documents are silent
        ]
        assert lines[0]["lang"] == "ja" and lines[1]["lang"] == "en"
        assert (lines[0]["source"], lines[0]["start"], lines[0]["end"]) == (DOC, s0["start"], s0["end"])
        text = (PROJECT_ROOT / DOC).read_text(encoding="utf-8")
        assert text[lines[0]["start"]:lines[0]["end"]] == lines[0]["expected"][0]

        todo = [json.loads(line) for line in c.get("/admin/feedback-needs-label.jsonl").text.splitlines()]
        assert len(todo) == 1
        assert todo[0]["needs_label"] is True and todo[0]["expected"] is None
        assert todo[0]["rejected_quote"] == audit["quote"] and todo[0]["comment"] == sent[2]["comment"]


def _feedback_rows(db) -> list:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM feedback").fetchall()


def test_feedback_with_a_forged_or_unknown_passage_is_refused_and_not_stored(assistant, tmp_path):
    db = tmp_path / "feedback.db"
    with TestClient(create_app(assistant=assistant, settings=_settings_with(assistant, feedback_db=db))) as c:
        asked = _ask(c, SCIM_JA)
        best = asked["citations"][0]
        good = {"question": SCIM_JA, "answer_id": asked["answer_id"], "passage_id": best["passage_id"],
                "verdict": "helpful"}
        n = len(assistant.index.passages)
        refused = {
            "forged quote": {**good, "quote": "SCIMに対応し、全データを無期限に保存します。"},
            "quote of another passage": {**good, "quote": assistant.index.passages[(best["passage_id"] + 1) % n].text},
            "forged source": {**good, "source": "corpus/other-vendor.txt"},
            "passage_id past the end": {**good, "passage_id": n},
            "negative passage_id": {**good, "passage_id": -1},
            "another passage than the one answered": {**good, "passage_id": (best["passage_id"] + 1) % n},
        }
        for case, body in refused.items():
            r = c.post("/api/feedback", json=body)
            assert r.status_code == 400, (case, r.text)
            assert "passage" in r.json()["detail"], case
        for case, value in {"text": str(best["passage_id"]), "number": 1.5, "bool": True}.items():
            r = c.post("/api/feedback", json={**good, "passage_id": value})
            assert r.status_code == 422 and "passage_id" in r.json()["detail"], case
        forged_ids = {
            "made up": "eyJxIjoiIn0.0123456789abcdef0123456789abcdef",
            "another question's": _ask(c, ISMAP)["answer_id"],
            "tampered": asked["answer_id"][:-1] + ("0" if asked["answer_id"][-1] != "0" else "1"),
            "not an id": "x",
        }
        for case, forged in forged_ids.items():
            r = c.post("/api/feedback", json={**good, "answer_id": forged})
            assert r.status_code == 400 and "answer_id" in r.json()["detail"], (case, r.text)
        # the client's word on the outcome is ignored: the signed id says it was answered
        assert c.post("/api/feedback", json={**good, "answered": False, "quote": "x"}).status_code == 400
        assert _feedback_rows(db) == [], "nothing refused is stored"
        assert c.get("/admin/feedback.jsonl").text == ""

        assert c.post("/api/feedback", json={**good, "quote": best["quote"], "source": DOC}).status_code == 201
        (line,) = [json.loads(x) for x in c.get("/admin/feedback.jsonl").text.splitlines()]
        assert line["expected"] == [best["quote"]]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_feedback_refusals_are_in_the_pages_language(assistant, tmp_path, lang):
    with TestClient(create_app(assistant=assistant,
                               settings=_settings_with(assistant, feedback_db=tmp_path / "fb.db"))) as c:
        asked = _ask(c, SCIM_JA)
        best = asked["citations"][0]
        good = {"question": SCIM_JA, "answer_id": asked["answer_id"], "passage_id": best["passage_id"],
                "verdict": "helpful"}
        r = c.post("/api/feedback", params={"lang": lang}, json={**good, "quote": "全データを無期限に保存します。"})
        assert r.status_code == 400
        assert r.json()["detail"] == messages.t("web.error.feedback_quote_mismatch", lang, passage_id=best["passage_id"])
        r = c.post("/api/feedback", headers={"Accept-Language": lang}, json={**good, "source": "corpus/other.txt"})
        assert r.status_code == 400
        assert r.json()["detail"] == messages.t("web.error.feedback_source_mismatch", lang, passage_id=best["passage_id"],
                                                source=repr(best["source"]), sent=repr("corpus/other.txt"))


def test_feedback_from_an_older_database_is_migrated_and_unverified_quotes_are_no_labels(assistant, tmp_path):
    """A database from before passage_id: its columns are added, and a quote a client sent unchecked
    (no passage_id) never becomes an evaluation label."""
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute("""CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,
            question TEXT NOT NULL, answered INTEGER NOT NULL, quote TEXT, source TEXT,
            verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'wrong')), comment TEXT NOT NULL DEFAULT '',
            lang TEXT)""")
        conn.execute("INSERT INTO feedback (created_at, question, answered, quote, source, verdict, comment, lang)"
                     " VALUES ('2024-01-01T00:00:00+00:00', 'q?', 1, 'a forged quote', 'x.txt', 'helpful', '', 'en')")
    with TestClient(create_app(assistant=assistant, settings=_settings_with(assistant, feedback_db=db))) as c:
        asked = _ask(c, SCIM_JA)
        best = asked["citations"][0]
        r = c.post("/api/feedback", json={"question": SCIM_JA, "answer_id": asked["answer_id"],
                                          "passage_id": best["passage_id"], "verdict": "helpful"})
        assert r.status_code == 201, r.text
        lines = [json.loads(x) for x in c.get("/admin/feedback.jsonl").text.splitlines()]
        assert [x["expected"] for x in lines] == [[best["quote"]]]
        assert "a forged quote" in c.get("/admin/feedback").text  # still shown to the operator


# --------------------------------------------------------------------------------------------------
# Questionnaire upload
# --------------------------------------------------------------------------------------------------


def test_fill_upload_returns_the_filled_csv(client):
    src = "質問,備考\nSCIMに対応していますか？,\nWhat is the weather in Tokyo tomorrow?,\n".encode("utf-8")
    r = client.post("/api/fill", files={"file": ("チェックシート.csv", src, "text/csv")})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["質問", "備考"] and len(rows[0]) > 2
    assert rows[1][0] == SCIM_JA and any("SCIM" in cell for cell in rows[1][2:])
    summary = json.loads(r.headers["x-fill-summary"])
    assert summary["total"] == 2 and summary["answered"] + summary["not_documented"] == 2


def test_fill_upload_returns_the_filled_xlsx(client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["No.", "質問"])
    sheet.append([1, "パスワードポリシーは？"])
    buf = io.BytesIO()
    book.save(buf)
    r = client.post("/api/fill", files={"file": ("q.xlsx", buf.getvalue(), "application/octet-stream")})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment;" in r.headers["content-disposition"]
    filled = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert filled.cell(2, 2).value == "パスワードポリシーは？"
    assert any("8文字以上" in str(cell.value or "") for cell in filled[2])


def test_fill_upload_name_is_cleaned_by_the_filler(client):
    """The web route leaves the name to fill_bytes: folders and header-breaking characters are dropped."""
    src = "質問\nSCIMに対応していますか？\n".encode()
    r = client.post("/api/fill", files={"file": ("C:\\fakepath\\..\\etc/チェック|シート*.csv", src, "text/csv")})
    assert r.status_code == 200, r.text
    disposition = r.headers["content-disposition"]
    assert "filename*=UTF-8''%E3%83%81%E3%82%A7%E3%83%83%E3%82%AF%E3%82%B7%E3%83%BC%E3%83%88-filled.csv" in disposition
    assert "etc" not in disposition and "fakepath" not in disposition and "%7C" not in disposition


@pytest.mark.parametrize(("name", "data"), [
    ("q.csv", b""),
    ("q.xlsx", b"this is not a workbook"),
    ("q.txt", "質問\nSCIM?\n".encode()),
])
def test_fill_upload_refuses_unreadable_files_with_400(client, name, data):
    r = client.post("/api/fill", files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == 400
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]


def test_fill_upload_over_the_size_limit_is_413(assistant):
    app = create_app(assistant=assistant, settings=_settings_with(assistant, max_upload_bytes=2048))
    with TestClient(app) as c:
        big = ("質問\n" + "SCIMに対応していますか？\n" * 200).encode()
        r = c.post("/api/fill", files={"file": ("q.csv", big, "text/csv")})
        assert r.status_code == 413 and "larger than" in r.json()["detail"]
        huge = b"x" * (200 * 1024)  # past the multipart allowance: refused before parsing
        r = c.post("/api/fill", files={"file": ("q.csv", huge, "text/csv")})
        assert r.status_code == 413


# --------------------------------------------------------------------------------------------------
# Markup inside the documents
# --------------------------------------------------------------------------------------------------


def test_markup_in_documents_is_returned_verbatim_and_escaped(make_corpus, tmp_path, assistant):
    folder = make_corpus({"evil.md": EVIL_DOC})
    # threshold 0: a two-passage corpus gives no confidence; the point here is how quotes are shown
    evil = Assistant(Settings(corpus=folder, index=tmp_path / "index", cache=assistant.settings.cache,
                              model=assistant.settings.model, threshold=0.0, feedback_db=tmp_path / "fb.db"),
                     progress=False)
    with TestClient(create_app(assistant=evil)) as c:
        enc = _ask(c, "保存データは暗号化されていますか？")["citations"][0]
        log = _ask(c, "監査ログの保存期間は？")["citations"][0]
        assert SCRIPT in enc["quote"] and IMG in log["quote"]
        text = (folder / "evil.md").read_text(encoding="utf-8")
        assert text[enc["start"]:enc["end"]] == enc["quote"]
        assert text[log["start"]:log["end"]] == log["quote"]

        for cite, payload in ((enc, SCRIPT), (log, IMG)):
            page = c.get(f"/source/{cite['source']}", params={"start": cite["start"], "end": cite["end"]})
            assert page.status_code == 200
            assert payload not in page.text
            assert payload.replace("<", "&lt;").replace(">", "&gt;") in page.text
            assert "<svg" not in page.text
        home = c.get("/")
        assert "<script>alert" not in home.text and "<svg" not in home.text


def test_fill_upload_names_the_question_column_in_the_form_not_a_cli_flag(client):
    src = "No,Ask the vendor,Notes\n1,SCIMに対応していますか？,\n2,Is data at rest encrypted with AES-256?,\n".encode()
    r = client.post("/api/fill", files={"file": ("q.csv", src, "text/csv")}, headers={"Accept-Language": "en"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert "--column" not in detail and "question column" in detail, detail
    r = client.post("/api/fill", files={"file": ("q.csv", src, "text/csv")}, data={"column": "Ask the vendor"})
    assert r.status_code == 200, r.text
    summary = json.loads(r.headers["X-Fill-Summary"])
    assert summary["column"] == "Ask the vendor" and summary["total"] == 2


def test_fill_upload_says_the_question_column_is_empty_and_where_the_text_is(client):
    src = "No,質問,回答\n1,,暗号化していますか？\n2,,SSOに対応していますか\n".encode()
    r = client.post("/api/fill", files={"file": ("q.csv", src, "text/csv")}, headers={"Accept-Language": "ja"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert "見つかりません" not in detail and "質問の列「質問」" in detail and "C 列（「回答」）" in detail, detail
    assert "アップロード欄の「質問の列の見出し」" in detail and "--column" not in detail


def test_fills_beyond_the_concurrent_limit_are_refused_not_queued(client):
    slots = client.app.state.fill_slots
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        src = "質問\nSCIMに対応していますか？\n".encode()
        r = client.post("/api/fill", files={"file": ("q.csv", src, "text/csv")}, headers={"Accept-Language": "en"})
        assert r.status_code == 503 and r.headers["Retry-After"] == "30"
        assert "being filled" in r.json()["detail"]
    finally:
        for _ in range(taken):
            slots.release()
    assert taken == 2
    r = client.post("/api/fill", files={"file": ("q.csv", src, "text/csv")})
    assert r.status_code == 200


def test_feedback_on_a_locked_database_is_queued_not_lost(assistant, tmp_path, monkeypatch):
    from assistant import feedback as feedback_mod

    db = tmp_path / "feedback.db"
    with TestClient(create_app(assistant=assistant, settings=_settings_with(assistant, feedback_db=db))) as c:
        asked = _ask(c, SCIM_JA)
        body = {"question": SCIM_JA, "answer_id": asked["answer_id"], "verdict": "helpful", "comment": "first"}
        real_connect = sqlite3.connect
        c.app.state.feedback._set_up()

        def locked(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(feedback_mod.sqlite3, "connect", locked)
        r = c.post("/api/feedback", json=body)
        assert r.status_code == 202 and r.json()["status"] == "queued"
        monkeypatch.setattr(feedback_mod.sqlite3, "connect", real_connect)
        assert c.app.state.feedback.pending_path.exists()
        r = c.post("/api/feedback", json={**body, "comment": "second"})
        assert r.status_code == 201
        assert not c.app.state.feedback.pending_path.exists()
        with sqlite3.connect(db) as conn:
            comments = [row[0] for row in conn.execute("SELECT comment FROM feedback ORDER BY id")]
        assert comments == ["first", "second"], "the queued verdict is stored first, nothing lost"


def test_admin_pages_ask_for_the_token_when_one_is_configured(assistant, tmp_path):
    token = "operator-token-0123456789"
    settings = _settings_with(assistant, admin_token=token, feedback_db=tmp_path / "fb.db")
    basic = base64.b64encode(f"ops:{token}".encode()).decode()
    with TestClient(create_app(assistant=assistant, settings=settings)) as c:
        for path in ("/admin/feedback", "/admin/feedback.jsonl", "/admin/feedback-needs-label.jsonl"):
            r = c.get(path)
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic"), path
            assert "ASSISTANT_ADMIN_TOKEN" in r.json()["detail"]
            for wrong in ("Bearer nope", f"Bearer {token}x", "Basic !!!", "Basic " + base64.b64encode(b"ops:x").decode()):
                assert c.get(path, headers={"Authorization": wrong}).status_code == 401, (path, wrong)
            assert c.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200, path
            assert c.get(path, headers={"Authorization": f"Basic {basic}"}).status_code == 200, path
        ja = c.get("/admin/feedback", headers={"Accept-Language": "ja"}).json()["detail"]
        assert "トークン" in ja
        # the rest of the app is not behind the token
        assert c.get("/").status_code == 200 and c.get("/healthz").status_code == 200


def test_the_documents_list_names_a_docx_by_its_title(make_corpus, tmp_path):
    """A Word document titled by a Title paragraph (no title in its properties, as Word often saves it) is
    listed by that title, like the other formats, with its path only in the link."""
    import docx

    doc = docx.Document()
    doc.add_heading("情報セキュリティ基本方針（抜粋）", 0)  # level 0: the Title style
    doc.add_heading("1. 目的", 1)
    doc.add_paragraph("本方針は、当社が取り扱うお客様の情報資産を保護するための基本的な事項を定めるものです。")
    buf = io.BytesIO()
    doc.save(buf)
    corpus = make_corpus({"policy.ja.docx": buf.getvalue(), "notes.md": "# 運用メモ\n\nバックアップは毎日取得します。\n"})
    a = Assistant(Settings(corpus=corpus, index=tmp_path / "idx", feedback_db=tmp_path / "fb.db"), progress=False)
    with TestClient(create_app(assistant=a)) as c:
        page = c.get("/").text
    links = dict((text, href) for href, text in re.findall(r'<a href="(/source/[^"]+)"[^>]*>([^<]+)</a>', page))
    assert "情報セキュリティ基本方針（抜粋）" in links, links
    assert links["情報セキュリティ基本方針（抜粋）"].endswith("policy.ja.docx")
    assert not any(text.endswith(".docx") for text in links), "not listed by its path"


def test_each_citation_carries_where_it_is_as_the_cli_writes_it(assistant, tmp_path):
    """The page copies a citation with its location: the server gives each one in the answer's language,
    worded as `assistant ask` writes it (answer.location): a check-sheet row's sheet, row and the question
    it answered, not only the file."""
    from assistant import messages
    from assistant.answer import location, shown

    from .test_readers import check_sheet_library

    folder, library = check_sheet_library(assistant, tmp_path)
    question = "保管時のデータは暗号化されていますか"
    expected = library.ask(question)
    with TestClient(create_app(assistant=library)) as c:
        body = _ask(c, question)
    first = body["citations"][0]
    assert first["sheet"] == "セキュリティ" and first["row"] == 5
    assert "シート「セキュリティ」5行" in first["location"]
    assert "設問「保存データは暗号化されていますか。」" in first["location"]
    # the CLI's own wording, with the document named for a reader: its title beside its path
    cli = shown(expected.citations[0], folder)
    named = dataclasses.replace(cli, source=messages.t("web.cell_title_source", "ja", title=cli.title, source=cli.source)) \
        if cli.title else cli
    assert first["location"] == location(named, "ja")
    assert len(body["citations"]) == len(expected.citations) and all(c["location"] for c in body["citations"])


@pytest.mark.parametrize("threshold, question, status", [
    (0.0, "監査ログの保存期間は？", "answered"), (1.0, "ログの保存期間を教えてください", "needs review")])
def test_a_corpus_outside_the_repository_is_never_shown_by_the_servers_path(make_corpus, tmp_path, assistant,
                                                                            threshold, question, status):
    """ASSISTANT_CORPUS outside the repository: the answer JSON's `source` stays the absolute path (the
    contract, and what /source/ opens), but what people read names each document by its path inside the
    corpus folder, or its title: the answer's text (an answer's or a candidate's), the document list, each
    citation's name and location (what is copied), the source page and the /source/ links (the page's
    links had carried the server's path, shown on hover), and /healthz, which prints no server path."""
    corpus = make_corpus({"policies/audit.md": "監査ログは1年間保存されます。管理者はCSVでエクスポートできます。\n",
                          "notes.txt": "バックアップは毎日取得し、35日間保存します。\n"})
    a = Assistant(Settings(corpus=corpus, index=tmp_path / "idx", cache=assistant.settings.cache,
                           feedback_db=tmp_path / "fb.db", threshold=threshold), progress=False)
    folder = str(corpus)
    with TestClient(create_app(assistant=a)) as c:
        body = _ask(c, question)
        assert body["status"] == status
        first = next(x for x in body["citations"] if x["source"].endswith("audit.md"))
        assert first["source"] == str(corpus / "policies" / "audit.md")  # the contract: unchanged
        assert first["source_name"] == "policies/audit.md"
        assert "policies/audit.md" in first["location"] and folder not in first["location"]
        # the readable answer names the document as the citations do (it had held the absolute path)
        assert folder not in body["answer"] and str(tmp_path) not in body["answer"], body["answer"]
        best = body["citations"][0]
        assert best["source_name"] in body["answer"] and best["quote"] in body["answer"]
        page = c.get("/")
        assert page.status_code == 200
        links = re.findall(r'<a href="(/source/[^"]+)"[^>]*>([^<]+)</a>', page.text)
        assert sorted(text for _, text in links) == ["notes.txt", "policies/audit.md"]
        assert sorted(href for href, _ in links) == ["/source/notes.txt", "/source/policies/audit.md"]
        assert folder not in page.text and str(tmp_path) not in page.text
        for href, _ in links:  # the links open the documents
            assert c.get(href).status_code == 200
        # the page's answer links name the document as source_name does, and open the passage by it;
        # a link made from the JSON's `source` (an old one) still opens it
        span = f"?start={first['start']}&end={first['end']}"
        for url in (f"/source/{first['source_name']}{span}", f"/source/{first['source']}{span}"):
            source = c.get(url)
            assert source.status_code == 200, url
            assert re.search(r'<h1 class="doc-title">policies/audit.md</h1>', source.text), source.text[:2000]
            assert folder not in source.text and str(tmp_path) not in source.text
        assert c.get(f"/source/audit.md{span}").status_code == 404  # a name no document has
        health = c.get("/healthz")
        assert health.json()["sources"] == ["notes.txt", "policies/audit.md"]
        assert folder not in health.text and str(tmp_path) not in health.text


def test_a_long_list_of_documents_is_folded_under_its_count(make_corpus, tmp_path, assistant):
    from assistant.web.routes.pages import DOCUMENTS_SHOWN

    n = DOCUMENTS_SHOWN + 3
    corpus = make_corpus({f"article-{i:02d}.md": f"# Article {i}\n\nLogs are kept for {i + 30} days.\n" for i in range(n)})
    a = Assistant(Settings(corpus=corpus, index=tmp_path / "idx", feedback_db=tmp_path / "fb.db"), progress=False)
    with TestClient(create_app(assistant=a)) as c:
        page = c.get("/").text
    folded = re.search(r'<details class="corpus doc-list">(.*?)</details>', page, re.S)
    assert folded and f"{n} <span data-i18n=\"documents\">" in folded.group(1), "folded under its count"
    assert len(re.findall(r'<a href="/source/', folded.group(1))) == n, "every document still listed"
    with TestClient(create_app(assistant=assistant)) as c:
        assert 'class="corpus doc-list"' not in c.get("/").text, "a short list is shown as it is"
