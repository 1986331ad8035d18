"""The Slack slash command, driven with requests built and signed exactly as Slack builds them.

Answers come from the real model and index (the session `assistant`). Follow-ups posted to a
response_url go to a real HTTP server on 127.0.0.1, and the deferred path runs the app under a real
uvicorn server, because Starlette's TestClient runs background tasks before it returns the response
and so could not show that the acknowledgement goes out before the answer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

from assistant.web.slack import post as slack_post
from assistant.web.slack import render as slack_render
from assistant.web.slack import verify as slack_verify
from assistant.answer import Answer, Assistant, Citation
from assistant.config import Settings
from assistant.web import create_app

SECRET = "test-signing-secret-0123456789abcdef"  # a test value, not a real app's secret
FORM = "application/x-www-form-urlencoded"
JA_SCIM = "SCIMに対応していますか？"
EN_SCIM = "Does Workato support SCIM?"
EN_REPORT = "Please provide your SOC 2 report."
EN_PASSWORD = "What is the minimum password length?"
SOURCE = "corpus/workato-security-summary.ja.txt"


# ---------------------------------------------------------------------------------------------------
# Building requests the way Slack does


def command_body(text: str, *, command: str = "/secqa",
                 response_url: str = "https://hooks.slack.com/commands/T0001/1234/abcd") -> bytes:
    fields = {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": "T0001", "team_domain": "example",
        "channel_id": "C2147483705", "channel_name": "security-review", "user_id": "U2147483697",
        "user_name": "tanaka", "command": command, "text": text, "api_app_id": "A123456",
        "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }
    return urllib.parse.urlencode(fields).encode()


def interaction_body(question: str, response_url: str) -> bytes:
    payload = {
        "type": "block_actions", "user": {"id": "U2147483697", "username": "tanaka", "team_id": "T0001"},
        "api_app_id": "A123456", "team": {"id": "T0001", "domain": "example"},
        "container": {"type": "message", "message_ts": "1548261231.000200", "channel_id": "C2147483705",
                      "is_ephemeral": True},
        "channel": {"id": "C2147483705", "name": "security-review"},
        "trigger_id": "12466734323.1395872398", "response_url": response_url,
        "actions": [{"type": "button", "action_id": slack_render.SHARE_ACTION_ID, "block_id": "b1",
                     "value": question, "text": {"type": "plain_text", "text": "Post to channel"},
                     "action_ts": "1548426417.840180"}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def signed(body: bytes, *, secret: str = SECRET, timestamp: int | None = None,
           content_type: str = FORM) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}


def texts(message: dict) -> list[str]:
    """Every mrkdwn/plain text in a message's blocks, rich_text elements included."""
    out = []
    for block in message.get("blocks", []):
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            if block["type"] == "rich_text":
                out.extend(leaf["text"] for leaf in element["elements"])
            else:
                out.append(element["text"]["text"] if isinstance(element.get("text"), dict)
                           else element.get("text", ""))
    return out


def quote_blocks(message: dict) -> list[dict]:
    """The rich_text blocks that quote a passage."""
    return [b for b in message.get("blocks", []) if b["type"] == "rich_text"
            and any(e["type"] == "rich_text_quote" for e in b["elements"])]


def quote_of(block: dict) -> str:
    """The quoted text: one literal text element (no style, no markup) inside the rich_text_quote."""
    (quote,) = [e for e in block["elements"] if e["type"] == "rich_text_quote"]
    (leaf,) = quote["elements"]
    assert leaf["type"] == "text" and set(leaf) == {"type", "text"}, leaf
    return leaf["text"]


def label_of(block: dict) -> str:
    """The italic line before the quote (related passages), or ''."""
    first = block["elements"][0]
    if first["type"] != "rich_text_section":
        return ""
    assert all(leaf.get("style") == {"italic": True} for leaf in first["elements"])
    return "".join(leaf["text"] for leaf in first["elements"])


def notice_of(block: dict) -> str:
    """The italic line after the quote (the trimmed notice), or ''."""
    last = block["elements"][-1]
    return "".join(leaf["text"] for leaf in last["elements"]) if last["type"] == "rich_text_section" else ""


def quotes(message: dict) -> list[str]:
    return [quote_of(b) for b in quote_blocks(message)]


# ---------------------------------------------------------------------------------------------------
# Apps under test


def make_app(assistant, settings: Settings) -> FastAPI:
    """The real web app: the Slack router as the server mounts it."""
    return create_app(assistant=assistant, settings=settings)


@pytest.fixture(scope="module")
def slack_settings(settings) -> Settings:
    return settings.model_copy(update={"slack_signing_secret": SECRET})


@pytest.fixture(scope="module")
def client(assistant, slack_settings):
    """In-process client for replies that come inline (a generous inline budget: these tests are about content)."""
    app = make_app(assistant, slack_settings.model_copy(update={"slack_inline_seconds": 30.0}))
    with TestClient(app) as c:
        yield c


def post_command(client, text: str, **kw) -> httpx.Response:
    body = command_body(text, **kw)
    return client.post("/slack/commands", content=body, headers=signed(body))


class SlowAssistant:
    """The real assistant whose answers take `delay` seconds longer, to force the deferred path."""

    def __init__(self, inner, delay: float = 0.0):
        self._inner, self.delay = inner, delay

    def ask(self, question, **kw):
        time.sleep(self.delay)
        return self._inner.ask(question, **kw)

    def __getattr__(self, name):
        return getattr(self._inner, name)


class HookServer:
    """Stands in for Slack's response_url: records each POST and answers with scripted statuses."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.default_status = 200
        self._cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with outer._cond:
                    status = outer.statuses.pop(0) if outer.statuses else outer.default_status
                    outer.requests.append({"path": self.path, "content_type": self.headers.get("content-type"),
                                           "json": json.loads(body), "at": time.monotonic(), "status": status})
                    outer._cond.notify_all()
                reply = b"ok" if status == 200 else b"internal_error"
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.url = self.base + "commands/T0001/1234/abcd"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def reset(self, statuses=(), default_status=200):
        with self._cond:
            self.requests.clear()
            self.statuses = list(statuses)
            self.default_status = default_status

    def wait_for(self, n: int, timeout: float = 15.0) -> list[dict]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.requests) >= n, timeout=timeout)
            return list(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hook():
    server = HookServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def slow(assistant):
    return SlowAssistant(assistant)


@pytest.fixture(scope="module")
def live(slow, slack_settings):
    """The app under a real uvicorn server on 127.0.0.1, answering inline within 1 s."""
    app = make_app(slow, slack_settings.model_copy(update={"slack_inline_seconds": 1.0}))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with httpx.Client(base_url=base, timeout=20) as http:
        yield http
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def local_hooks(monkeypatch, hook):
    """Let the app post to the local hook server, fast: production allows only https://hooks.slack.com/."""
    monkeypatch.setattr(slack_post, "RESPONSE_URL_PREFIXES", (hook.base,))
    monkeypatch.setattr(slack_post, "RETRY_BACKOFF_SECONDS", 0.01)
    hook.reset()
    return hook


# ---------------------------------------------------------------------------------------------------
# Answers inline


def test_japanese_question_quotes_the_document_verbatim(client, assistant):
    r = post_command(client, JA_SCIM)
    assert r.status_code == 200
    msg = r.json()
    expected = assistant.ask(JA_SCIM)
    assert expected.answered, "the core should answer the Japanese SCIM question"
    best = expected.citations[0]
    assert msg["response_type"] == "ephemeral"
    allt = "\n".join(texts(msg))
    assert ":white_check_mark: *記載あり*" in allt and "記載なし" not in allt
    assert "確信度" in allt and f"{round(expected.confidence * 100)}%" in allt
    assert "ユーザー管理 › SSO" in allt and "2024-04-28 時点" in allt
    # where a person looks, with the character offsets the JSON and `assistant text` count in (as the fill's
    # Source column gives them): slack/README.md says the location line carries them
    assert f"`{SOURCE}:{best.start}-{best.end}`" in allt
    (block,) = quote_blocks(msg)
    assert label_of(block) == "" and notice_of(block) == ""
    assert "SCIM" in quote_of(block)
    source_text = assistant.source_text(best.source)
    assert quote_of(block) == source_text[best.start:best.end] == best.quote  # verbatim, offsets agree
    assert "SCIM" in msg["text"] and "記載あり" in msg["text"]  # the notification fallback
    assert SOURCE in msg["text"] and f":{best.start}-" not in msg["text"]
    assert any(b["type"] == "actions" for b in msg["blocks"])  # the "Post to channel" button


def test_english_question_gets_english_labels(client, assistant):
    r = post_command(client, EN_PASSWORD)
    assert r.status_code == 200
    msg = r.json()
    expected = assistant.ask(EN_PASSWORD)
    best = expected.citations[0]
    allt = "\n".join(texts(msg))
    assert msg["response_type"] == "ephemeral"
    assert ":white_check_mark: *Documented*" in texts(msg)[0] and "Not documented" not in allt
    assert f"Confidence {round(expected.confidence * 100)}%" in texts(msg)[0]
    assert "Section:" in allt and "Source:" in allt and "as of 2024-04-28" in allt
    assert "セクション" not in allt and "確信度" not in allt and "記載あり" not in allt and "記載なし" not in allt
    assert "ユーザー管理 › パスワードポリシー(桁数・複雑性)" in allt
    assert f"`{SOURCE}:{best.start}-{best.end}`" in allt
    (quote,) = quotes(msg)
    assert "8文字以上" in quote
    assert quote == assistant.source_text(best.source)[best.start:best.end] == best.quote
    assert msg["text"].startswith("Documented: ") and "8文字以上" in msg["text"]  # the notification fallback
    assert any(b["type"] == "actions" for b in msg["blocks"])


def test_a_request_for_a_report_needs_review_with_the_audit_passage_as_first_candidate(client, assistant):
    """Inside the review band, never an answer (a quote can say a report exists, never be it): the message
    says "needs review" and shows the audit passage as candidate 1, never as a documented answer."""
    r = post_command(client, EN_REPORT)
    assert r.status_code == 200
    msg = r.json()
    expected = assistant.ask(EN_REPORT)  # only for the numbers shown; the branch is fixed
    best = expected.citations[0]
    allt = "\n".join(texts(msg))
    assert msg["response_type"] == "ephemeral"
    assert expected.status == "needs review"
    assert texts(msg)[0].startswith(":large_yellow_circle: *Needs review*")
    assert f"Confidence {round(expected.confidence * 100)}%" in texts(msg)[0]
    assert ":white_check_mark:" not in allt and "記載あり" not in allt and "記載なし" not in allt
    assert "Candidate passages — check before use" in allt
    blocks = quote_blocks(msg)
    assert len(blocks) == min(len(expected.citations), slack_render.RELATED_SHOWN) >= 1
    assert label_of(blocks[0]) == "Candidate passage 1 (check before use)"
    first = quote_of(blocks[0])
    assert "SOC-2" in first
    assert first == assistant.source_text(SOURCE)[best.start:best.end] == best.quote and best.source == SOURCE
    assert "コンプライアンス › SOC-1, SOC-2" in allt and "as of 2024-04-28" in allt
    assert f"`{SOURCE}:{best.start}-{best.end}`" in allt
    assert msg["text"].startswith("Needs review")  # the notification fallback


def test_share_posts_to_the_channel(client):
    msg = post_command(client, f"share {JA_SCIM}").json()
    assert msg["response_type"] == "in_channel"
    assert "SCIM" in "".join(quotes(msg))
    assert "share" not in texts(msg)[0]  # the keyword is not part of the question
    assert not any(b["type"] == "actions" for b in msg["blocks"])  # already public: no share button
    assert post_command(client, f"共有 {JA_SCIM}").json()["response_type"] == "in_channel"


def test_questions_starting_with_capitalised_share_stay_private(client):
    msg = post_command(client, "Share customer data with subprocessors?").json()
    assert msg["response_type"] == "ephemeral"
    assert "Share customer data" in texts(msg)[0]


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "ヘルプ", "share"])
def test_help_and_empty_show_usage(client, text):
    r = post_command(client, text, command="/askdocs")  # any command name works
    assert r.status_code == 200
    msg = r.json()
    assert msg["response_type"] == "ephemeral"
    assert "/askdocs SCIMに対応していますか？" in msg["text"] and "/askdocs share" in msg["text"]
    assert "Examples" in msg["text"] and not quote_blocks(msg)
    assert "Workato" not in json.dumps(msg)  # vendor-neutral examples


def test_over_long_question_gets_a_short_error(client, slack_settings):
    limit = slack_settings.max_question_chars
    msg = post_command(client, "SCIM " * (limit // 5 + 1)).json()
    assert msg["response_type"] == "ephemeral" and "blocks" not in msg
    assert ":x:" in msg["text"] and str(limit) in msg["text"] and len(msg["text"]) < 200
    msg = post_command(client, "SCIM" + "は" * limit).json()
    assert "質問が長すぎます" in msg["text"]


def test_bad_question_gets_a_short_error_with_200(client):
    r = post_command(client, "SCIM\x00に対応？")
    assert r.status_code == 200
    msg = r.json()
    assert msg["response_type"] == "ephemeral" and msg["text"].startswith(":x:") and "制御文字" in msg["text"]
    msg = post_command(client, "Do you support\x00 SCIM?").json()  # in the asker's language
    assert msg["text"].startswith(":x:") and "control" in msg["text"] and "制御" not in msg["text"]


def test_slack_escaped_text_is_asked_as_typed_and_escaped_once(client):
    # Slack sends &, < and > in command text as entities.
    msg = post_command(client, "&lt;SCIM&gt; &amp; SAMLに対応していますか？").json()
    head = texts(msg)[0]
    assert "&lt;SCIM&gt; &amp; SAML" in head and "&amp;lt;" not in head


def test_not_documented_lists_related_passages_not_answers(client, assistant):
    question = "明日の東京の天気は？"
    msg = post_command(client, question).json()
    expected = assistant.ask(question)
    allt = "\n".join(texts(msg))
    assert ":warning: *記載なし*" in allt and "記載あり" not in allt
    assert "回答ではありません" in allt
    blocks = quote_blocks(msg)
    assert len(blocks) == len(expected.citations[:slack_render.RELATED_SHOWN]) >= 1
    for n, (b, c) in enumerate(zip(blocks, expected.citations), start=1):
        assert label_of(b) == f"関連箇所 {n}（回答ではありません）"
        assert quote_of(b) == c.quote
        assert f"`{c.source}:{c.start}-{c.end}`" in allt
    assert "記載なし" in msg["text"]


@pytest.mark.parametrize("threshold, question, status", [
    (0.0, "監査ログの保存期間は？", "answered"), (1.0, "ログの保存期間を教えてください", "needs review")])
def test_a_corpus_outside_the_repository_is_named_by_its_path_in_the_corpus_folder(make_corpus, tmp_path, assistant,
                                                                                     slack_settings, threshold, question, status):
    """The context lines and the notification text name a document by its path inside the corpus folder,
    never by the server's absolute path (which is what `source` holds for a corpus outside the repository):
    an answer's and a candidate's alike (a candidate's notification text had held the absolute path)."""
    corpus = make_corpus({"policies/audit.md": "監査ログは1年間保存されます。管理者はCSVでエクスポートできます。\n",
                          "notes.txt": "バックアップは毎日取得し、35日間保存します。\n"})
    settings = slack_settings.model_copy(update={"corpus": corpus, "index": tmp_path / "idx", "threshold": threshold,
                                                 "feedback_db": tmp_path / "fb.db", "slack_inline_seconds": 30.0})
    outside = Assistant(settings, progress=False)
    expected = outside.ask(question)
    assert expected.status == status and expected.citations[0].source.startswith(str(corpus))
    with TestClient(make_app(outside, settings)) as c:
        msg = post_command(c, question).json()
    allt = "\n".join(texts(msg) + [msg["text"]])
    assert str(corpus) not in allt and str(tmp_path) not in allt, allt
    names = {"policies/audit.md", "notes.txt"}
    assert any(f"`{n}:" in allt for n in names), allt
    assert any(n in msg["text"] for n in names), msg["text"]  # the notification names it too


def test_ssl_check_and_other_interactions_get_an_empty_200(client, hook):
    body = urllib.parse.urlencode({"ssl_check": "1", "token": "x"}).encode()
    r = client.post("/slack/commands", content=body, headers=signed(body))
    assert r.status_code == 200 and r.text == ""
    hook.reset()
    payload = {"type": "view_submission", "response_url": hook.url, "actions": []}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    r = client.post("/slack/interactions", content=body, headers=signed(body))
    assert r.status_code == 200 and r.text == "" and hook.requests == []
    body = urllib.parse.urlencode({"payload": "[1, 2]"}).encode()
    assert client.post("/slack/interactions", content=body, headers=signed(body)).status_code == 200
    body = urllib.parse.urlencode({"payload": "{not json"}).encode()
    assert client.post("/slack/interactions", content=body, headers=signed(body)).status_code == 400


# ---------------------------------------------------------------------------------------------------
# Refusals: never an answer before the signature checks out


def _assert_no_answer(r: httpx.Response):
    assert "SCIM" not in r.text and "blocks" not in r.text and "記載" not in r.text


def _variants():
    now = int(time.time())
    body = command_body(JA_SCIM)
    good = signed(body)
    return {
        "wrong secret": (body, signed(body, secret="not-the-secret")),
        "stale timestamp (6 min)": (body, signed(body, timestamp=now - 360)),
        "future timestamp (6 min)": (body, signed(body, timestamp=now + 360)),
        "body altered after signing": (body.replace(b"SCIM", b"SAML"), good),
        "missing timestamp": (body, {k: v for k, v in good.items() if k != "X-Slack-Request-Timestamp"}),
        "missing signature": (body, {k: v for k, v in good.items() if k != "X-Slack-Signature"}),
        "no signature headers": (body, {"Content-Type": FORM}),
        "malformed signature": (body, {**good, "X-Slack-Signature": "v0=not-hex"}),
        "v1 signature": (body, {**good, "X-Slack-Signature": good["X-Slack-Signature"].replace("v0=", "v1=")}),
        "non-numeric timestamp": (body, {**good, "X-Slack-Request-Timestamp": "yesterday"}),
        "unsigned, wrong content type": (json.dumps({"text": JA_SCIM}).encode(), {"Content-Type": "application/json"}),
    }


@pytest.mark.parametrize("case", list(_variants()))
@pytest.mark.parametrize("path", ["/slack/commands", "/slack/interactions"])
def test_unverified_requests_get_401_and_no_answer(client, caplog, case, path):
    body, headers = _variants()[case]
    with caplog.at_level(logging.WARNING, logger="assistant.slack"):
        r = client.post(path, content=body, headers=headers)
    assert r.status_code == 401, case
    _assert_no_answer(r)
    refusals = [rec for rec in caplog.records if rec.name == "assistant.slack" and "refused" in rec.getMessage()]
    assert refusals, "a refusal is logged"
    assert all(SECRET not in rec.getMessage() for rec in caplog.records)


@pytest.mark.parametrize("path", ["/slack/commands", "/slack/interactions"])
def test_a_stale_or_future_timestamp_is_told_apart_from_a_wrong_secret(client, caplog, path):
    """Both are refused (401, no answer), but they are fixed in different places: a request signed with
    the secret at a time more than 5 minutes off is the server's clock (or a replay), and says so; a wrong
    secret, at any time, is an invalid signature (the operator checks SLACK_SIGNING_SECRET)."""
    now = int(time.time())
    body = command_body(JA_SCIM)
    clock = "request too old or clock skew"
    for case, headers in {"stale (6 min)": signed(body, timestamp=now - 360),
                          "future (6 min)": signed(body, timestamp=now + 360),
                          "a day old": signed(body, timestamp=now - 86_400)}.items():
        with caplog.at_level(logging.WARNING, logger="assistant.slack"):
            r = client.post(path, content=body, headers=headers)
        assert r.status_code == 401, case
        _assert_no_answer(r)
        error = r.json()["error"]
        assert error.startswith(clock) and "check the server clock" in error and "signature" not in error, (case, error)
    for case, headers in {"wrong secret": signed(body, secret="not-the-secret"),
                          "wrong secret, stale": signed(body, secret="not-the-secret", timestamp=now - 360),
                          "body altered": signed(body + b"&x=1")}.items():
        r = client.post(path, content=body, headers=headers)
        assert r.status_code == 401, case
        _assert_no_answer(r)
        error = r.json()["error"]
        assert error.startswith("invalid Slack signature") and clock not in error, (case, error)
        assert "SLACK_SIGNING_SECRET" in error and SECRET not in error


def test_signed_request_with_wrong_content_type_gets_415(client):
    body = json.dumps({"command": "/secqa", "text": JA_SCIM}).encode()
    r = client.post("/slack/commands", content=body, headers=signed(body, content_type="application/json"))
    assert r.status_code == 415
    _assert_no_answer(r)


def test_oversized_body_is_refused_unread(client):
    body = command_body("SCIM" * 20_000)
    r = client.post("/slack/commands", content=body, headers=signed(body))
    assert r.status_code == 413
    _assert_no_answer(r)


def test_our_signature_check_agrees_with_slack_sdk():
    body = command_body(JA_SCIM)
    now = int(time.time())
    verifier = SignatureVerifier(SECRET)
    for ts, secret, sent in [(now, SECRET, body), (now, "other", body), (now - 301, SECRET, body),
                             (now + 299, SECRET, body), (now, SECRET, body + b"&x=1")]:
        h = signed(body, secret=secret, timestamp=ts)
        ours = slack_verify._signature_problem(SECRET, sent, h["X-Slack-Request-Timestamp"], h["X-Slack-Signature"])
        assert (ours is None) == verifier.is_valid(sent, h["X-Slack-Request-Timestamp"], h["X-Slack-Signature"])


def test_without_a_secret_the_endpoint_refuses_everything(assistant, settings, caplog):
    unconfigured = settings.model_copy(update={"slack_signing_secret": None})
    with caplog.at_level(logging.WARNING, logger="assistant.slack"):
        reason = slack_verify.check_configuration(unconfigured)
    assert reason and "SLACK_SIGNING_SECRET" in reason
    assert any("SLACK_SIGNING_SECRET" in rec.getMessage() for rec in caplog.records)
    assert slack_verify.check_configuration(unconfigured.model_copy(update={"slack_signing_secret": "  "}))
    assert slack_verify.check_configuration(settings.model_copy(update={"slack_signing_secret": SECRET})) is None

    caplog.clear()
    with TestClient(make_app(assistant, unconfigured)) as c, caplog.at_level(logging.ERROR, logger="assistant.slack"):
        body = command_body(JA_SCIM)
        for path in ("/slack/commands", "/slack/commands", "/slack/interactions"):
            for headers in (signed(body), signed(body, secret="anything")):
                r = c.post(path, content=body, headers=headers)
                assert r.status_code == 503 and "SLACK_SIGNING_SECRET" in r.json()["error"]
                _assert_no_answer(r)
    refused = [rec for rec in caplog.records if rec.name == "assistant.slack" and rec.levelno >= logging.ERROR]
    assert len(refused) == 1, "logged once, on the first refused request"


def test_signing_secret_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    assert Settings().slack_signing_secret == SECRET


# ---------------------------------------------------------------------------------------------------
# Deferred answers through response_url (real servers)


def test_slow_answer_is_acknowledged_then_posted_once(live, slow, local_hooks):
    slow.delay = 1.6  # longer than the app's 1 s inline budget
    try:
        body = command_body(JA_SCIM, response_url=local_hooks.url)
        started = time.monotonic()
        r = live.post("/slack/commands", content=body, headers=signed(body))
        acked = time.monotonic() - started
        assert r.status_code == 200
        ack = r.json()
        assert ack == {"response_type": "ephemeral", "text": ":mag: 検索中…"}
        assert acked < 1.6, "the acknowledgement must not wait for the answer"
        posted = local_hooks.wait_for(1)
        time.sleep(0.3)
        assert len(local_hooks.requests) == 1, "exactly one follow-up"
        (req,) = posted
        assert req["path"] == "/commands/T0001/1234/abcd" and req["content_type"] == "application/json"
        assert req["at"] - started >= 1.6
        msg = req["json"]
        assert msg["response_type"] == "ephemeral"
        assert msg["replace_original"] is True, "the answer replaces the 検索中… acknowledgement"
        assert ":white_check_mark: *記載あり*" in texts(msg)[0]
        assert "SCIMによる同期" in quotes(msg)[0]
        assert "ユーザー管理 › SSO" in "\n".join(texts(msg))
    finally:
        slow.delay = 0.0


def test_with_every_slack_thread_taken_the_ack_does_not_wait_inline(slow, slack_settings, local_hooks):
    """One Slack thread, taken by a slow answer: the next command is acknowledged at once (not after the
    2.5 s inline budget, which would leave it half a second from Slack's 3 s), and both answers follow."""
    from tests.servers import serve

    app = make_app(slow, slack_settings.model_copy(update={"slack_inline_seconds": 2.5, "slack_threads": 1}))
    slow.delay = 3.0
    try:
        with serve(app) as base, httpx.Client(base_url=base, timeout=20) as http:
            first = command_body(JA_SCIM, response_url=local_hooks.url)
            holder = threading.Thread(target=http.post, args=("/slack/commands",),
                                      kwargs={"content": first, "headers": signed(first)})
            holder.start()
            time.sleep(0.5)  # the first command now holds the only Slack thread
            second = command_body(JA_SCIM, response_url=local_hooks.url)
            started = time.monotonic()
            ack = http.post("/slack/commands", content=second, headers=signed(second))
            acked = time.monotonic() - started
            assert ack.json() == {"response_type": "ephemeral", "text": ":mag: 検索中…"}
            assert acked < 2.0, f"acknowledged after {acked:.1f} s: it waited for a busy thread"
            holder.join(10)
            posted = local_hooks.wait_for(2, timeout=15)
            assert all("SCIMによる同期" in quotes(p["json"])[0] for p in posted)
    finally:
        slow.delay = 0.0


def test_quick_answer_comes_inline_and_nothing_is_posted(live, slow, local_hooks):
    live.post("/slack/commands", content=(b := command_body("help")), headers=signed(b))  # warm the path
    body = command_body(JA_SCIM, response_url=local_hooks.url)
    msg = live.post("/slack/commands", content=body, headers=signed(body)).json()
    assert "SCIMによる同期" in quotes(msg)[0]
    time.sleep(0.3)
    assert local_hooks.requests == []


def test_share_button_reposts_in_channel_and_removes_the_private_copy(live, client, local_hooks):
    reply = post_command(client, EN_SCIM).json()
    (button,) = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    body = interaction_body(button["value"], local_hooks.url)
    r = live.post("/slack/interactions", content=body, headers=signed(body))
    assert r.status_code == 200 and r.text == ""
    shared, delete = local_hooks.wait_for(2)
    assert shared["json"]["response_type"] == "in_channel" and shared["json"]["replace_original"] is False
    assert "Shared by <@U2147483697>" in texts(shared["json"])
    assert any("SCIMによる同期" in q for q in quotes(shared["json"]))
    assert not any(b["type"] == "actions" for b in shared["json"]["blocks"])
    assert delete["json"] == {"delete_original": True}


def test_forged_interaction_posts_nothing(live, local_hooks):
    body = interaction_body(JA_SCIM, local_hooks.url)
    r = live.post("/slack/interactions", content=body, headers=signed(body, secret="forged"))
    assert r.status_code == 401
    time.sleep(0.3)
    assert local_hooks.requests == []


def test_follow_up_is_retried_until_delivered(live, slow, local_hooks):
    local_hooks.reset(statuses=[500, 503])
    slow.delay = 1.2
    try:
        body = command_body(EN_SCIM, response_url=local_hooks.url)
        assert "Searching" in live.post("/slack/commands", content=body, headers=signed(body)).json()["text"]
        posted = local_hooks.wait_for(3)
        assert [p["status"] for p in posted] == [500, 503, 200]
        assert posted[0]["json"] == posted[2]["json"] and "blocks" in posted[2]["json"]
    finally:
        slow.delay = 0.0


def test_failing_response_url_is_given_up_and_the_app_keeps_serving(live, slow, local_hooks, monkeypatch, caplog):
    monkeypatch.setattr(slack_post, "POST_ATTEMPTS", 3)
    local_hooks.reset(default_status=500)
    slow.delay = 1.2
    try:
        with caplog.at_level(logging.WARNING, logger="assistant.slack"):
            body = command_body(JA_SCIM, response_url=local_hooks.url)
            assert live.post("/slack/commands", content=body, headers=signed(body)).status_code == 200
            assert len(local_hooks.wait_for(3)) == 3
            deadline = time.monotonic() + 5
            while not any("gave up" in r.getMessage() for r in caplog.records) and time.monotonic() < deadline:
                time.sleep(0.02)
        gave_up = [r for r in caplog.records if "gave up" in r.getMessage()]
        assert gave_up and gave_up[0].levelno == logging.ERROR and "3 attempts" in gave_up[0].getMessage()
        assert "1234/abcd" not in gave_up[0].getMessage()  # the response_url is a capability: host only
        time.sleep(0.2)
        assert len(local_hooks.requests) == 3
    finally:
        slow.delay = 0.0
    body = command_body("help")
    r = live.post("/slack/commands", content=body, headers=signed(body))
    assert r.status_code == 200 and "Examples" in r.json()["text"]


def _post(url, payload=None, **kw) -> bool:
    return asyncio.run(slack_post.post_to_response_url(url, payload or {"text": "hi"}, **kw))


def test_post_retries_transient_failures_then_succeeds(hook):
    hook.reset(statuses=[500, 429, 502])
    assert _post(hook.url, allowed_prefixes=(hook.base,), backoff=0.01)
    assert [r["status"] for r in hook.requests] == [500, 429, 502, 200]


def test_post_gives_up_after_the_attempts_and_logs(hook, caplog):
    hook.reset(default_status=500)
    with caplog.at_level(logging.WARNING, logger="assistant.slack"):
        assert not _post(hook.url, allowed_prefixes=(hook.base,), attempts=3, backoff=0.01)
    assert len(hook.requests) == 3
    assert any(r.levelno == logging.ERROR and "gave up" in r.getMessage() for r in caplog.records)


def test_post_does_not_retry_a_final_refusal(hook, caplog):
    hook.reset(statuses=[404])
    with caplog.at_level(logging.ERROR, logger="assistant.slack"):
        assert not _post(hook.url, allowed_prefixes=(hook.base,), backoff=0.01)
    assert len(hook.requests) == 1 and "not retrying" in caplog.text


def test_post_retries_connection_errors(caplog):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with caplog.at_level(logging.WARNING, logger="assistant.slack"):
        assert not _post(f"http://127.0.0.1:{port}/x", allowed_prefixes=("http://127.0.0.1:",), attempts=2,
                         backoff=0.01)
    assert "ConnectError" in caplog.text and "gave up" in caplog.text


def test_post_refuses_urls_outside_slack(hook, caplog):
    hook.reset()
    with caplog.at_level(logging.ERROR, logger="assistant.slack"):
        assert not _post(hook.url)  # production prefixes: only https://hooks.slack.com/
    assert hook.requests == [] and "not under https://hooks.slack.com/" in caplog.text
    for url in ["http://hooks.slack.com/commands/1", "https://hooks.slack.com.evil.example/x",
                "https://hooks.slack.com@evil.example/x", "https://evil.example/https://hooks.slack.com/",
                "https://hooks.slack.com\\@evil.example/", "https://hooks.slack.com/a b", ""]:
        assert not slack_post._allowed(url, slack_post.RESPONSE_URL_PREFIXES), url
    assert slack_post._allowed("https://hooks.slack.com/commands/T1/2/x", slack_post.RESPONSE_URL_PREFIXES)


# ---------------------------------------------------------------------------------------------------
# Block Kit limits and escaping


def _citation(quote: str, **kw) -> Citation:
    fields = dict(source=SOURCE, section=["データの保護", "暗号化"], start=0, end=len(quote), score=0.9,
                  as_of="2024-04-28", title="Workato:Workatoのセキュリティに関するまとめ", passage_id=1)
    fields.update(kw)
    return Citation(quote=quote, **fields)


def _check_limits(msg: dict):
    assert len(msg["blocks"]) <= slack_render.MAX_BLOCKS
    for t in texts(msg):
        assert slack_render._slack_len(t) <= 3000
    assert 0 < slack_render._slack_len(msg["text"]) <= 3000


def test_long_quote_is_trimmed_visibly(assistant):
    quote = ("暗号化 <AES-256> & TLS 1.2 で保護されています。\n" * 200)[:5000]
    assert len(quote) == 5000
    answer = Answer("Is data encrypted?", True, "...", 0.91, [_citation(quote)], lang="en")
    msg = slack_render.render_answer(answer)
    _check_limits(msg)
    (block,) = quote_blocks(msg)
    shown = quote_of(block)
    assert shown.endswith("…") and slack_render._slack_len(shown) <= slack_render.QUOTE_TEXT_LIMIT
    assert notice_of(block) == "(quote trimmed — full text in source)"
    kept = shown[:-1]  # minus the ellipsis
    assert len(kept) > 1000 and quote.startswith(kept)  # a verbatim prefix, not a paraphrase
    assert "<AES-256> & TLS" in kept  # rich_text is literal: nothing escaped
    assert "(quote trimmed — full text in source)" in msg["text"] and "…" in msg["text"]

    ja = slack_render.render_answer(Answer("暗号化されていますか？", True, "...", 0.91, [_citation(quote)], lang="ja"))
    _check_limits(ja)
    assert "引用を省略しました" in notice_of(quote_blocks(ja)[0])


def test_long_related_passages_and_emoji_stay_within_limits():
    quote = "🔒" * 2000 + "鍵管理" * 1000
    answer = Answer("暗号鍵の管理は？", False, "記載なし: ...", 0.1, [_citation(quote)] * 3, lang="ja")
    msg = slack_render.render_answer(answer)
    _check_limits(msg)
    blocks = quote_blocks(msg)
    assert len(blocks) == 3
    assert all("引用を省略しました" in notice_of(b) for b in blocks)
    assert all(quote.startswith(quote_of(b)[:-1]) for b in blocks)  # never half an emoji


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_quote_is_verbatim_byte_for_byte(lang):
    """mrkdwn would turn these markers into formatting and drop them; the rich_text quote keeps them."""
    passage = "*bold* _x_ ~y~ <b> & `code`"
    msg = slack_render.render_answer(Answer("q?", True, "...", 0.9, [_citation(passage)], lang=lang))
    _check_limits(msg)
    (block,) = quote_blocks(msg)
    assert block == {"type": "rich_text", "elements": [
        {"type": "rich_text_quote", "elements": [{"type": "text", "text": passage}]}]}
    assert quote_of(block).encode() == passage.encode()
    related = slack_render.render_answer(Answer("q?", False, "...", 0.1, [_citation(passage)], lang=lang))
    assert quotes(related) == [passage]


def test_quote_cannot_ping_or_link():
    """rich_text text elements are literal: <!channel> or <@U123> in a passage is shown, not a mention;
    the mrkdwn fallback text escapes them."""
    quote = "a < b && c > d; <@U123> <!channel> &amp;"
    msg = slack_render.render_answer(Answer("q?", True, "...", 0.9, [_citation(quote)], lang="en"))
    assert quotes(msg) == [quote]
    (block,) = quote_blocks(msg)
    assert {e["type"] for e in block["elements"]} == {"rich_text_quote"}  # no user/broadcast elements
    assert "<!channel>" not in msg["text"] and "&lt;!channel&gt;" in msg["text"]
    assert "&amp;amp;" in msg["text"]


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "actions": "share", "user": "U1"},
    {"type": "block_actions", "actions": [{"action_id": slack_render.SHARE_ACTION_ID, "value": 42}], "user": "U1",
     "response_url": "https://hooks.slack.com/x"},
    {"type": "block_actions", "actions": [{"action_id": slack_render.SHARE_ACTION_ID, "value": "SCIM?"}],
     "user": "U1", "response_url": ["not", "a", "url"]},
    {"type": "block_actions", "actions": [{"action_id": slack_render.SHARE_ACTION_ID}], "user": None},
])
def test_malformed_signed_interactions_are_a_clear_4xx_or_ignored_never_a_500(client, hook, payload):
    hook.reset()
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    r = client.post("/slack/interactions", content=body, headers=signed(body))
    assert r.status_code in (200, 400), r.text
    assert hook.requests == [], "nothing is posted for a malformed action"


class _Stalled:
    """The real assistant, except that chat questions containing STALL wait until released."""

    def __init__(self, inner):
        self._inner, self.release = inner, threading.Event()

    def ask(self, question, **kw):
        if "STALL" in question:
            self.release.wait(30)
        return self._inner.ask(question.replace("STALL", ""), **kw)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def test_busy_chat_threads_delay_neither_slack_nor_the_health_check(assistant, slack_settings):
    """Every chat thread is held by a stuck answer and more chat questions queue behind them: a Slack
    command is still answered inline, /healthz and the page still answer (each kind has its own threads)."""
    from .servers import serve

    stalled = _Stalled(assistant)
    settings = slack_settings.model_copy(update={"answer_threads": 1, "slack_inline_seconds": 5.0,
                                                 "rate_limit": "1000/minute"})
    with serve(make_app(stalled, settings)) as base:
        pending = []
        with httpx.Client(base_url=base, timeout=30) as http:
            pool = concurrent.futures.ThreadPoolExecutor(3)
            try:
                pending = [pool.submit(http.post, "/api/ask", json={"question": f"STALL{JA_SCIM}"}) for _ in range(3)]
                time.sleep(0.5)
                assert not any(f.done() for f in pending)  # the chat is stuck
                started = time.monotonic()
                assert http.get("/healthz").status_code == 200
                assert http.get("/").status_code == 200
                body = command_body(JA_SCIM)
                msg = http.post("/slack/commands", content=body, headers=signed(body)).json()
                took = time.monotonic() - started
                assert "SCIMによる同期" in quotes(msg)[0], msg  # answered inline, not deferred
                assert took < 3.0, took
                assert not any(f.done() for f in pending)  # and the chat was still stuck meanwhile
            finally:
                stalled.release.set()
                assert all(f.result().status_code == 200 for f in pending)
                pool.shutdown()


def test_a_quote_cut_off_with_its_page_says_so_in_slack():
    quote = "第三者機関による脆弱性診断を年に1回、外部の専門会"
    for lang, note in (("ja", "途切れて"), ("en", "cut off")):
        msg = slack_render.render_answer(Answer("q?", True, "...", 0.9, [_citation(quote, cut_off=True)], lang=lang))
        _check_limits(msg)
        assert quote_of(quote_blocks(msg)[0]) == quote, "the quote itself stays verbatim"
        assert any(note in t for t in texts(msg))
        whole = slack_render.render_answer(Answer("q?", True, "...", 0.9, [_citation(quote)], lang=lang))
        assert not any(note in t for t in texts(whole))
