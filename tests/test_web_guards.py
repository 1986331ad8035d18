"""Host allow-list, cross-site refusal, forwarded headers and slow headers, against a real uvicorn server on loopback."""

from __future__ import annotations

import contextlib
import socket
import time

import httpx
import pytest

from assistant import messages
from assistant.config import Settings
from assistant.web import create_app, uvicorn_options

from .servers import serve


@contextlib.contextmanager
def _serve(assistant, tmp_path, rate_limit: str):
    """The app as `assistant serve` runs it (same uvicorn options), with the default allowed hosts."""
    settings = assistant.settings.model_copy(update={
        "allowed_hosts": Settings.model_fields["allowed_hosts"].default,
        "feedback_db": tmp_path / "fb.db", "rate_limit": rate_limit})
    with serve(create_app(assistant=assistant, settings=settings), **uvicorn_options(settings)) as url:
        yield url


@pytest.fixture(scope="module")
def server(assistant, tmp_path_factory):
    with _serve(assistant, tmp_path_factory.mktemp("guards"), "1000/minute") as url:
        yield url


def test_default_settings_trust_no_forwarded_headers():
    opts = uvicorn_options(Settings())
    assert opts["proxy_headers"] is False and "forwarded_allow_ips" not in opts
    opts = uvicorn_options(Settings(trusted_proxies=["10.0.0.1"]))
    assert opts["proxy_headers"] is True and opts["forwarded_allow_ips"] == "10.0.0.1"


def test_a_connection_that_never_finishes_its_headers_is_closed(assistant, tmp_path):
    """Slowloris: a request line, then a header byte now and then; the server hangs up after the header
    timeout, and answers a whole request on the next connection as usual."""
    settings = assistant.settings.model_copy(update={"header_timeout": 1.0, "feedback_db": tmp_path / "fb.db"})
    with serve(create_app(assistant=assistant, settings=settings), **uvicorn_options(settings)) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            started = time.monotonic()
            closed = False
            while time.monotonic() - started < 4:
                try:
                    sock.sendall(b"X")  # one byte of a header that never ends
                    sock.settimeout(0.3)
                    closed = sock.recv(1024) == b""
                except socket.timeout:
                    continue
                except OSError:  # reset by the server
                    closed = True
                if closed:
                    break
            took = time.monotonic() - started
        assert closed and took < 3.0, (closed, took)
        assert httpx.get(url + "/healthz").status_code == 200


def test_unknown_host_is_refused_everywhere(server):
    for path in ("/", "/healthz", "/admin/feedback", "/admin/feedback.jsonl"):
        r = httpx.get(server + path, headers={"Host": "evil.example"})
        assert r.status_code == 400, path
        assert "Workato" not in r.text and "feedback" not in r.text.lower()
    r = httpx.post(server + "/api/feedback", headers={"Host": "evil.example"},
                   json={"question": "q", "verdict": "helpful"})
    assert r.status_code == 400
    assert httpx.get(server + "/healthz").status_code == 200
    assert httpx.get(server + "/healthz", headers={"Host": "localhost"}).status_code == 200


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "same-site"},
])
def test_cross_site_posts_are_refused_and_change_nothing(server, headers):
    before = httpx.get(server + "/admin/feedback.jsonl").text
    r = httpx.post(server + "/api/feedback", headers=headers,
                   json={"question": "SCIMに対応していますか？", "verdict": "wrong"})
    assert r.status_code == 403
    assert "another site" in r.json()["detail"] or "別のサイト" in r.json()["detail"]
    files = {"file": ("q.csv", "質問\nSCIMに対応していますか？\n".encode(), "text/csv")}
    assert httpx.post(server + "/api/fill", headers=headers, files=files).status_code == 403
    assert httpx.get(server + "/admin/feedback.jsonl").text == before


def test_a_cross_site_refusal_speaks_the_pages_language_from_lang_first(server):
    """The page sends ?lang= on every API call; it wins over the browser's Accept-Language, as on the page."""
    evil = {"Origin": "https://evil.example"}
    body = {"question": "SCIMに対応していますか？", "verdict": "wrong"}
    for lang, accept in (("ja", "en-US,en;q=0.9"), ("en", "ja,en;q=0.5")):
        r = httpx.post(server + f"/api/feedback?lang={lang}", headers={**evil, "Accept-Language": accept}, json=body)
        assert r.status_code == 403 and r.json()["detail"] == messages.t("web.error.cross_site", lang)
    r = httpx.post(server + "/api/feedback", headers={**evil, "Accept-Language": "ja"}, json=body)
    assert r.json()["detail"] == messages.t("web.error.cross_site", "ja")


def test_same_origin_and_non_browser_posts_pass(server):
    same = {"Sec-Fetch-Site": "same-origin", "Origin": server}
    r = httpx.post(server + "/api/ask", headers=same, json={"question": "SCIMに対応していますか？"})
    assert r.status_code == 200 and r.json()["citations"]
    r = httpx.post(server + "/api/ask", headers={"Origin": server}, json={"question": "SCIMに対応していますか？"})
    assert r.status_code == 200
    assert httpx.post(server + "/api/ask", json={"question": "SCIMに対応していますか？"}).status_code in (200, 429)


def test_rate_limit_is_not_bypassed_by_a_made_up_forwarded_for(assistant, tmp_path):
    with _serve(assistant, tmp_path, "5/minute") as limited:
        codes = [httpx.post(limited + "/api/ask", json={"question": "MFA使える？"},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(12)]
    assert codes.count(429) == 12 - 5, codes


@pytest.mark.parametrize(("path", "body"), [
    ("/api/ask", b'{"question": "\\ud800"}'),
    ("/api/feedback", b'{"question": "\\ud800", "answer_id": "x", "verdict": "helpful"}'),
    ("/api/feedback", b'{"question": "SCIM?", "answer_id": "x", "verdict": "helpful", "comment": "ok \\udfff"}'),
])
def test_lone_surrogate_is_a_clear_400_and_the_connection_stays_usable(server, path, body):
    with httpx.Client(base_url=server) as client:  # one keep-alive connection for both requests
        r = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 422), r.text
        assert "surrogate" in r.json()["detail"] or "unicode" in r.json()["detail"]
        assert client.get("/healthz").status_code == 200


def test_answer_ids_sign_what_was_answered():
    from assistant.answer_ids import AnswerIds
    from assistant.errors import InputError
    from assistant.types import Answer, Citation, Status

    cite = Citation(quote="q", source="s", section=[], start=0, end=1, score=0.9, passage_id=7)
    ids = AnswerIds("k" * 32)
    token = ids.sign(Answer("SCIM?", Status.ANSWERED, "a", 0.9, [cite]))
    signed = ids.verify(token, " SCIM? ")
    assert signed.answered and signed.passage_id == 7
    review = ids.verify(ids.sign(Answer("SCIM?", Status.REVIEW, "a", 0.5, [cite])), "SCIM?")
    assert not review.answered
    with pytest.raises(InputError):
        ids.verify(token, "another question")
    with pytest.raises(InputError):
        AnswerIds("j" * 32).verify(token, "SCIM?")  # another server's key
