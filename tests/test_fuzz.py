"""A fuzz run of every endpoint (hypothesis): whatever a client sends, the answer is never a 5xx.

The app runs in-process on the real model and index, with a rate limit high enough not to end the run.
Bodies are arbitrary JSON, arbitrary bytes under a JSON or form content type, arbitrary uploads (junk,
truncated spreadsheets, zip files that are no xlsx), arbitrary paths and queries, and Slack requests that
are unsigned, badly signed, or signed correctly around arbitrary text and payloads. After the run the
app still answers a real question, so nothing it was sent left it broken.
"""

from __future__ import annotations

import io
import json
import time
import urllib.parse
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from slack_sdk.signature import SignatureVerifier

from assistant.web import create_app

SECRET = "fuzz-signing-secret-0123456789abcdef"  # a test value, not a real app's secret
RUNS = hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: JSON values of any shape, with text that includes surrogates, controls and very long strings.
_text = st.text(st.characters(codec=None), max_size=300) | st.sampled_from(
    ["\ud800", "\x00", "SCIMに対応していますか？", "x" * 5000, "", " ", "null", "<script>alert(1)</script>"])
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)
#: Questions that are answerable text, some of them with odd but printable characters around them.
_question = st.sampled_from(["SCIMに対応していますか？", "Is data at rest encrypted?", "監査ログの保存期間は？"]) | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200)
#: Objects that look like the API's own bodies, with each field replaced by anything.
_ask_like = st.fixed_dictionaries({"question": _question | _json}, optional={"mode": _json, "extra": _json})
_feedback_like = st.fixed_dictionaries({}, optional={
    "question": _json, "verdict": _json | st.sampled_from(["helpful", "wrong"]), "answer_id": _json,
    "passage_id": _json, "quote": _json, "source": _json, "comment": _json, "answered": _json})


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
    return buf.getvalue()


#: Cell text openpyxl can write (no surrogates or control characters).
_cell = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80) | st.sampled_from(
    ["質問", "回答", "備考", "SCIMに対応していますか？", "=1+1", "x" * 2000])
_cells = st.lists(st.lists(_cell, max_size=4), max_size=5)
#: Sheets with a question column, so that some uploads are filled and come back as a download.
_sheet = st.lists(st.lists(_question, min_size=1, max_size=2), min_size=1, max_size=4).map(
    lambda rows: _xlsx([["番号", "質問", "回答", "備考"]] + [[str(i), *r] for i, r in enumerate(rows, 1)]))
_upload = st.one_of(
    _sheet,
    _sheet,
    st.binary(max_size=2000),
    _cells.map(_xlsx),
    # a cut-off file; where it is cut is drawn apart from the file, so that a replay draws the same
    # (the file's bytes hold the time it was written, so its length may differ from one run to the next)
    st.tuples(_cells, st.floats(0, 1)).map(lambda t: (lambda b: b[:max(1, int(t[1] * (len(b) - 1)))])(_xlsx(t[0]))),
    st.binary(max_size=500).map(lambda b: _zip("xl/workbook.xml", b)),
    st.lists(_text, max_size=5).map(lambda qs: ("質問\n" + "\n".join(qs)).encode("utf-8", "surrogatepass")),
)
_filename = st.sampled_from(["q.xlsx", "q.csv", "q.xlsm", "q.txt", "", "../../etc/passwd.xlsx", "a\r\nb.csv",
                             "質問票.xlsx"]) | _text


@pytest.fixture(scope="module")
def client(assistant):
    settings = assistant.settings.model_copy(update={
        "rate_limit": "100000/minute", "slack_signing_secret": SECRET, "slack_inline_seconds": 30.0})
    with TestClient(create_app(assistant=assistant, settings=settings), raise_server_exceptions=False) as c:
        yield c


def _post_json(client, path: str, body):
    """JSON as a client may send it: escapes for lone surrogates, NaN where a strict parser wants none."""
    return client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})


def _ok(r) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:500])


@RUNS
@given(body=_json | _ask_like)
def test_ask_with_any_json(client, body):
    _ok(_post_json(client, "/api/ask", body))


@RUNS
@given(raw=st.binary(max_size=3000), ctype=st.sampled_from(
    ["application/json", "application/json; charset=latin-1", "text/plain", "application/x-www-form-urlencoded",
     "multipart/form-data", "multipart/form-data; boundary=x", ""]))
def test_ask_and_feedback_with_any_bytes(client, raw, ctype):
    for path in ("/api/ask", "/api/feedback", "/api/fill"):
        _ok(client.post(path, content=raw, headers={"Content-Type": ctype}))


@RUNS
@given(body=_json | _feedback_like)
def test_feedback_with_any_json(client, body):
    _ok(_post_json(client, "/api/feedback", body))


@RUNS
@given(data=_upload, name=_filename, column=st.none() | _text)
def test_fill_with_any_upload(client, data, name, column):
    form = {} if column is None else {"column": column.encode("utf-8", "surrogatepass")}
    files = {"file": (name.encode("utf-8", "surrogatepass").decode("utf-8", "replace"), data)}
    _ok(client.post("/api/fill", files=files, data=form))


@RUNS
@given(path=_text, query=st.dictionaries(_text, _text, max_size=3))
def test_any_path_and_query(client, path, query):
    quoted = urllib.parse.quote(path.encode("utf-8", "surrogatepass"), safe="/")
    q = urllib.parse.urlencode({k.encode("utf-8", "surrogatepass"): v.encode("utf-8", "surrogatepass")
                                for k, v in query.items()})
    for prefix in ("/source/", "/", "/admin/", "/api/"):
        _ok(client.get(prefix + quoted + ("?" + q if q else "")))


def _signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": SignatureVerifier(secret).generate_signature(
        timestamp=ts, body=body), "Content-Type": "application/x-www-form-urlencoded"}


@RUNS
@given(fields=st.dictionaries(st.sampled_from(["text", "command", "response_url", "user_id", "channel_id",
                                               "x"]) | _text, _text, max_size=5),
       how=st.sampled_from(["signed", "unsigned", "wrong secret"]))
def test_slack_commands_with_any_form(client, fields, how):
    body = urllib.parse.urlencode({k.encode("utf-8", "surrogatepass"): v.encode("utf-8", "surrogatepass")
                                   for k, v in fields.items()}).encode()
    headers = {"signed": _signed(body), "unsigned": {"Content-Type": "application/x-www-form-urlencoded"},
               "wrong secret": _signed(body, "another-secret-0123456789")}[how]
    r = client.post("/slack/commands", content=body, headers=headers)
    _ok(r)
    if how != "signed":
        assert r.status_code in (401, 403)


@RUNS
@given(payload=_json, raw=st.none() | _text)
def test_slack_interactions_with_any_payload(client, payload, raw):
    text = raw if raw is not None else json.dumps(payload)
    body = urllib.parse.urlencode({"payload": text.encode("utf-8", "surrogatepass")}).encode()
    _ok(client.post("/slack/interactions", content=body, headers=_signed(body)))


def test_the_app_still_answers_after_the_fuzz_run(client):
    r = client.post("/api/ask", json={"question": "SCIMに対応していますか？"})
    assert r.status_code == 200 and r.json()["citations"], r.text
