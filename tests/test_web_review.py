"""Reviewing a questionnaire before export (/api/fill/jobs), in-process on the real model and index.

A real .xlsx with a はい/いいえ dropdown in its 回答 column is answered in the background, previewed, and
exported with the person's decisions; each decision is read back from the file with openpyxl.
"""

from __future__ import annotations

import io
import json
import time

import openpyxl
import pytest
from fastapi.testclient import TestClient
from openpyxl.worksheet.datavalidation import DataValidation

from assistant.fill import jobs as jobs_mod
from assistant.web import create_app

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUESTIONS = [
    "SCIMに対応していますか？",                       # row 4: answered yes
    "パスワードポリシー（桁数・複雑性）を教えてください。",  # row 5: an open question
    "明日の東京の天気は？",                            # row 6: not documented
    "シングルサインオン（SAML）に対応していますか？",    # row 7
]


def checksheet(questions=QUESTIONS, *, extra_sheet=True) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "チェックシート"
    ws["A1"] = "セキュリティチェックシート"
    ws.append([])
    ws.append(["番号", "カテゴリ", "質問", "回答", "備考", "担当者メモ"])
    for n, q in enumerate(questions, 1):
        ws.append([n, "認証", q, None, None, None])
    dv = DataValidation(type="list", formula1='"はい,いいえ,該当なし"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(f"D4:D{3 + len(questions)}")
    if extra_sheet:
        wb.create_sheet("記入要領")["A1"] = "回答欄は選択式です"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def client(assistant):
    with TestClient(create_app(assistant=assistant)) as c:
        yield c


def create(client, data: bytes, name="sheet.xlsx", headers=None, **form):
    return client.post("/api/fill/jobs", files={"file": (name, data, XLSX)}, data=form, headers=headers)


def wait_ready(client, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(f"/api/fill/jobs/{job_id}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["state"] in ("running", "ready"), body
        if body["state"] == "ready":
            return body
        time.sleep(0.1)
    raise AssertionError("the job did not get ready")


@pytest.fixture(scope="module")
def ready_job(client):
    r = create(client, checksheet())
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status_url"] == f"/api/fill/jobs/{body['job_id']}" and len(body["job_id"]) >= 20
    return body["job_id"], wait_ready(client, body["job_id"])


def by_row(preview) -> dict:
    return {r["row"]: r for r in preview["rows"]}


def job_of(client, wb) -> tuple[str, dict]:
    """Workbook WB uploaded as a review job, run to ready: (its id, its preview rows by row)."""
    buf = io.BytesIO()
    wb.save(buf)
    r = create(client, buf.getvalue())
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    return job_id, by_row(wait_ready(client, job_id)["preview"])


def test_a_job_runs_to_ready_and_previews_columns_and_rows(ready_job):
    _, status = ready_job
    assert status["done"] == status["total"] == 4
    p = status["preview"]
    assert p["sheet"] == "チェックシート" and p["sheets"] == ["チェックシート", "記入要領"]
    assert p["column"] == "質問" and p["answer_column"] == "回答" and p["remarks_column"] == "備考"
    assert p["headers"] == ["番号", "カテゴリ", "質問", "回答", "備考", "担当者メモ"]
    rows = by_row(p)
    assert sorted(rows) == [4, 5, 6, 7]
    scim = rows[4]
    assert scim["question"] == QUESTIONS[0] and scim["status"] == "answered"
    assert scim["verdict"] == "yes" and scim["value"] == "はい" and scim["options"] == ["はい", "いいえ", "該当なし"]
    assert "SCIM" in scim["remarks"]
    assert rows[6]["status"] == "not documented" and rows[6]["value"] is None
    for row in rows.values():
        assert row["status"] in ("answered", "needs review", "not documented", "skipped")
        for c in row["candidates"]:
            assert set(c) == {"passage_id", "quote", "location", "score", "value"}  # value: what a pick writes
    assert len(scim["candidates"]) >= 2


def test_candidate_quotes_are_verbatim_from_the_index(ready_job, assistant):
    _, status = ready_job
    passages = assistant.index.passages
    for row in status["preview"]["rows"]:
        for c in row["candidates"]:
            assert passages[c["passage_id"]].quote_text == c["quote"]  # a list item is quoted with its list
            assert f":{passages[c['passage_id']].quote_start}-" not in c["location"]  # no character offsets


def test_export_applies_accept_reject_edit_and_pick(client, ready_job, assistant):
    job_id, status = ready_job
    rows = by_row(status["preview"])
    other = rows[5]["candidates"][1]
    decisions = [
        {"row": 4, "action": "accept"},
        {"row": 5, "action": "pick", "passage_id": other["passage_id"]},
        {"row": 6, "action": "edit", "value": "該当なし", "remarks": "=SUM(A1)\x07 当社の運用では対象外"},
        {"row": 7, "action": "reject"},
    ]
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": decisions})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX and "attachment;" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb["チェックシート"]
    assert ws["D4"].value == "はい" and "SCIM" in ws["E4"].value  # accepted as proposed
    assert other["quote"] in ws["E5"].value  # the picked candidate's quote, from the index
    # the preview said what a pick would write into the answer cell, before the download
    assert all("value" in c for row in rows.values() for c in row["candidates"])
    assert ws["D5"].value == other["value"]
    yes_picks = [(n, c) for n, row in rows.items() for c in row["candidates"] if c["value"] == "はい"]
    assert yes_picks, "some candidate's pick would write はい, and the preview says so"
    assert ws["D6"].value == "該当なし"
    assert ws["E6"].value == "=SUM(A1) 当社の運用では対象外" and ws["E6"].data_type == "s"  # text, not a formula
    # rejected: the answer cell left for a person, the evidence kept and said to be rejected (it was emptied)
    proposed = rows[7]["remarks"]
    assert ws["D7"].value is None and ws["E7"].value == f"レビューで不採用: {proposed}" and proposed
    assert ws["F4"].value is None  # the customer's other columns untouched
    review_col = [c.column for c in ws[3] if c.value == "要確認"][0]  # the sheet's language
    assert ws.cell(7, review_col).value == "はい" and ws.cell(6, review_col).value in (None, "")
    # a person's decision is said to be one: no model confidence beside it (a picked candidate kept its own
    # 0.07 next to "answered"); an accepted row keeps the model's
    status_col = [c.column for c in ws[3] if c.value == "回答状況"][0]
    conf_col = [c.column for c in ws[3] if c.value == "確信度"][0]
    assert ws.cell(5, status_col).value == "回答済み"  # a person's pick, though an open question in a はい/いいえ cell
    assert ws.cell(5, conf_col).value == "レビューで選択"
    assert ws.cell(6, conf_col).value == "レビューで編集" and ws.cell(7, conf_col).value == "レビューで不採用"
    assert isinstance(ws.cell(4, conf_col).value, float)
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == 1 and dvs[0].formula1 == '"はい,いいえ,該当なし"' and "D4:D7" in str(dvs[0].sqref)
    assert "回答サマリー" in wb.sheetnames and "記入要領" in wb.sheetnames
    summary = json.loads(r.headers["x-fill-summary"])
    assert summary["total"] == 4


def test_the_exports_counts_add_up_to_the_questions(client, ready_job):
    """Each row counted once by its outcome, as the preview shows it; rows flagged for a person apart."""
    job_id, status = ready_job
    outcomes = [row["status"] for row in status["preview"]["rows"]]
    assert "needs review" in outcomes and "not documented" in outcomes, outcomes
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": []})
    assert r.status_code == 200, r.text
    summary = json.loads(r.headers["x-fill-summary"])
    assert (summary["answered"], summary["needs_review"], summary["not_documented"]) == tuple(
        outcomes.count(s) for s in ("answered", "needs review", "not documented"))
    assert summary["answered"] + summary["needs_review"] + summary["not_documented"] == summary["total"] == 4
    assert summary["flagged"] == sum(row["needs_review"] for row in status["preview"]["rows"])
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["回答サマリー"]
    values = {ws.cell(n, 1).value: ws.cell(n, 2).value for n in range(1, ws.max_row + 1)}
    assert values["回答済み"] + values["要確認"] + values["記載なし"] == values["質問数"] == 4


def test_the_preview_shows_an_answer_already_in_the_sheet_as_the_export_keeps_it(client):
    wb = openpyxl.load_workbook(io.BytesIO(checksheet(QUESTIONS[:2])))
    ws = wb["チェックシート"]
    ws["D4"], ws["E4"] = "はい（既存回答）", "既存の備考"
    job_id, rows = job_of(client, wb)
    assert rows[4]["value"] == "はい（既存回答）" and rows[4]["remarks"] == "既存の備考" and rows[4]["kept"] is True
    assert rows[5]["kept"] is False
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": []})
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["チェックシート"]
    assert (ws["D4"].value, ws["E4"].value) == ("はい（既存回答）", "既存の備考"), "the preview said what the file holds"


def test_rows_not_named_keep_the_proposal_and_exports_repeat(client, ready_job):
    job_id, status = ready_job
    rows = by_row(status["preview"])
    for _ in range(2):  # a second export starts again from the customer's file
        r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": []})
        assert r.status_code == 200, r.text
        ws = openpyxl.load_workbook(io.BytesIO(r.content))["チェックシート"]
        for n, row in rows.items():
            assert ws.cell(n, 4).value == row["value"]
            assert (ws.cell(n, 5).value or "") == row["remarks"]


def test_export_refuses_a_pick_outside_the_rows_candidates_and_bad_edits(client, ready_job, assistant):
    job_id, status = ready_job
    rows = by_row(status["preview"])
    own = {c["passage_id"] for c in rows[4]["candidates"]}
    stranger = next(p.id for p in assistant.index.passages if p.id not in own)
    for decision, fragment in [
        ({"row": 4, "action": "pick", "passage_id": stranger}, "候補"),
        ({"row": 4, "action": "pick", "passage_id": 10**6}, "候補"),
        ({"row": 4, "action": "pick"}, "候補"),
        ({"row": 4, "action": "edit", "value": "たぶん"}, "選択式"),
        ({"row": 2, "action": "accept"}, "質問の行"),
    ]:
        r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": [decision]},
                        headers={"Accept-Language": "ja"})
        assert r.status_code == 400, (decision, r.text)
        assert fragment in r.json()["detail"], r.json()
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": [{"row": 4, "action": "edit", "value": "x" * 1001}]})
    assert r.status_code == 422
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": [{"row": 4, "action": "burn"}]},
                    headers={"Accept-Language": "ja"})
    # said wholly in the page's language, naming the field and the values it takes
    assert r.status_code == 422 and "'rows.0.action'" in r.json()["detail"] and "のいずれか" in r.json()["detail"]
    r = client.post(f"/api/fill/jobs/{job_id}/export", content=b'{"rows": [' + b'{"row": 4},' * 400_000 + b"]}",
                    headers={"Accept-Language": "ja", "Content-Type": "application/json"})
    assert r.status_code == 413 and "上限" in r.json()["detail"], r.text


def test_choosing_columns_recreates_the_job_with_them(client):
    r = create(client, checksheet(QUESTIONS[:2]), column="カテゴリ", answer_column="担当者メモ", remarks_column="回答")
    assert r.status_code == 202, r.text
    p = wait_ready(client, r.json()["job_id"])["preview"]
    assert (p["column"], p["answer_column"], p["remarks_column"]) == ("カテゴリ", "担当者メモ", "回答")
    assert all(row["question"] == "認証" for row in p["rows"])
    r = create(client, checksheet(QUESTIONS[:2]), sheet="記入要領")
    assert r.status_code == 400
    r = create(client, checksheet(QUESTIONS[:2]), answer_column="ない列", headers={"Accept-Language": "ja"})
    assert r.status_code == 400 and "ない列" in r.json()["detail"]


@pytest.mark.parametrize(("name", "data", "lang", "fragment"), [
    ("q.xlsx", b"this is not a workbook", "ja", "読み込めません"),
    ("q.txt", "質問\nSCIM?\n".encode(), "en", "could not be read"),
    ("q.csv", "No,Ask the vendor\n1,SCIMに対応していますか？\n".encode(), "ja", "質問の列が見つかりません"),
    ("q.csv", "No,質問,回答\n1,,暗号化していますか？\n".encode(), "ja",
     "質問の列「質問」（シート「q」、見出しは 1 行目）の見出しの下に質問がありません。文は C 列（「回答」）の 2 行目以降"),
    ("q.csv", "No,質問,回答\n1,,暗号化していますか？\n".encode(), "en", "in the form's “Header of the question column"),
    ("q.csv", b"", "en", "empty"),
])
def test_bad_files_are_refused_before_the_job_in_the_page_language(client, name, data, lang, fragment):
    r = client.post("/api/fill/jobs", files={"file": (name, data, "application/octet-stream")},
                    headers={"Accept-Language": lang})
    assert r.status_code == 400 and fragment in r.json()["detail"], r.text


def test_unknown_job_is_404(client):
    for path in ("/api/fill/jobs/" + "A" * 24, "/api/fill/jobs/x"):
        r = client.get(path, headers={"Accept-Language": "en"})
        assert r.status_code == 404 and "upload the file again" in r.json()["detail"]
    assert client.get("/api/fill/jobs/..%2F..%2Fetc").status_code == 404
    r = client.post("/api/fill/jobs/" + "A" * 24 + "/export", json={"rows": []})
    assert r.status_code == 404


def test_upload_over_the_limit_is_413(assistant):
    settings = assistant.settings.model_copy(update={"max_upload_bytes": 2048})
    with TestClient(create_app(assistant=assistant, settings=settings)) as c:
        big = ("質問\n" + "SCIMに対応していますか？\n" * 200).encode()
        assert c.post("/api/fill/jobs", files={"file": ("q.csv", big, "text/csv")}).status_code == 413
        huge = b"x" * (200 * 1024)
        assert c.post("/api/fill/jobs", files={"file": ("q.csv", huge, "text/csv")}).status_code == 413


def test_taken_slots_are_503_with_retry_after(client):
    slots = client.app.state.fill_slots
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        r = create(client, checksheet(QUESTIONS[:1]))
        assert r.status_code == 503 and r.headers["Retry-After"] == "30"
    finally:
        for _ in range(taken):
            slots.release()


def test_cross_site_posts_are_refused(client, ready_job):
    job_id, _ = ready_job
    cross = {"Sec-Fetch-Site": "cross-site"}
    r = client.post("/api/fill/jobs", files={"file": ("q.xlsx", checksheet(), XLSX)}, headers=cross)
    assert r.status_code == 403
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": []}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.delete(f"/api/fill/jobs/{job_id}", headers=cross)
    assert r.status_code == 403
    r = client.get(f"/api/fill/jobs/{job_id}", headers={"Host": "evil.example"})
    assert r.status_code == 400  # TrustedHost


def test_the_one_shot_fill_still_works(client):
    r = client.post("/api/fill", files={"file": ("q.xlsx", checksheet(), XLSX)})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["チェックシート"]
    assert ws["D4"].value == "はい"


def test_the_store_is_bounded_in_count_and_age():
    now = [0.0]
    store = jobs_mod.FillJobs(max_jobs=2, ttl=60, clock=lambda: now[0])
    a = store.add("a.xlsx", b"a", jobs_mod.Choices(), ".xlsx")
    b = store.add("b.xlsx", b"b", jobs_mod.Choices(), ".xlsx")
    with pytest.raises(jobs_mod.ReviewError):  # both still running: nothing to push out
        store.add("c.xlsx", b"c", jobs_mod.Choices(), ".xlsx")
    a.state = "ready"
    c = store.add("c.xlsx", b"c", jobs_mod.Choices(), ".xlsx")
    assert store.get(a.id) is None and store.get(b.id) is b and store.get(c.id) is c
    assert a.id != b.id != c.id and len(c.id) >= 20
    b.state = c.state = "ready"
    now[0] = 61
    assert store.get(b.id) is None and len(store) == 0


def test_a_sheet_without_an_answer_column_keeps_a_rejected_rows_evidence(client):
    """質問 only (the filler adds every column): a rejected row keeps its quote and says it was rejected in
    its answer cell; a picked candidate is answered and its confidence cell says a person chose it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["No", "質問"])
    ws.append([1, QUESTIONS[0]])
    ws.append([2, QUESTIONS[1]])
    job_id, rows = job_of(client, wb)
    other = rows[3]["candidates"][1]
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": [
        {"row": 2, "action": "reject"}, {"row": 3, "action": "pick", "passage_id": other["passage_id"]}]})
    assert r.status_code == 200, r.text
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    col = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, col["回答状況"]).value == "要確認" and ws.cell(2, col["要確認"]).value == "はい"
    assert ws.cell(2, col["回答案"]).value.startswith("レビューで不採用: ") and "SCIM" in ws.cell(2, col["引用"]).value
    assert ws.cell(2, col["確信度"]).value == "レビューで不採用"
    assert ws.cell(3, col["回答状況"]).value == "回答済み" and ws.cell(3, col["引用"]).value == other["quote"]
    assert ws.cell(3, col["確信度"]).value == "レビューで選択", "not the candidate's own score beside 'answered'"


def test_a_picked_candidate_is_written_and_counted_as_the_persons_answer(client, ready_job):
    """A reviewer's pick is their answer, even for an open question in a はい/いいえ cell (which the filler
    itself leaves to a person): answered, not flagged, its remarks saying it was chosen in review, and
    counted as answered. It had been written as 「要確認（回答候補）:…」 with 要確認 = yes, counts unchanged."""
    job_id, status = ready_job
    rows = by_row(status["preview"])
    other = rows[5]["candidates"][1]
    before = json.loads(client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": []}).headers["x-fill-summary"])
    r = client.post(f"/api/fill/jobs/{job_id}/export", json={"rows": [
        {"row": 5, "action": "pick", "passage_id": other["passage_id"]}, {"row": 7, "action": "reject"}]})
    assert r.status_code == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb["チェックシート"]
    col = {c.value: c.column for c in ws[3]}
    assert ws["E5"].value.startswith("レビューで選択:「" + other["quote"]), ws["E5"].value
    assert "要確認" not in ws["E5"].value
    assert ws.cell(5, col["要確認"]).value in (None, ""), "a person's pick is no candidate to review"
    assert ws["D5"].fill.fgColor.rgb != "FFFFF2CC" and ws.cell(5, col["回答状況"]).fill.fgColor.rgb != "FFFFF2CC"
    assert ws.cell(5, col["確信度"]).value == "レビューで選択"
    # a rejected row is written as rejected: no answer, its evidence said to be rejected, flagged for a person
    assert ws["D7"].value is None and ws["E7"].value.startswith("レビューで不採用: ")
    assert ws.cell(7, col["確信度"]).value == "レビューで不採用" and ws.cell(7, col["要確認"]).value not in (None, "")
    summary = json.loads(r.headers["x-fill-summary"])
    assert summary["answered"] == before["answered"] + (rows[5]["status"] != "answered") - (rows[7]["status"] == "answered")
    assert summary["flagged"] == before["flagged"] - rows[5]["needs_review"] + (not rows[7]["needs_review"])
    assert summary["answered"] + summary["needs_review"] + summary["not_documented"] == summary["total"] == 4
    sheet = wb["回答サマリー"]
    values = {sheet.cell(n, 1).value: sheet.cell(n, 2).value for n in range(1, sheet.max_row + 1)}
    assert values["回答済み"] == summary["answered"]
