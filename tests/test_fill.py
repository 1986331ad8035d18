"""Filling whole questionnaires: real .xlsx/.csv files in, real model and index answering, cells checked."""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from typer.testing import CliRunner

from assistant import fill
from assistant.fill import model as fill_model
from assistant.fill import read as fill_read
from assistant.fill import run as fill_run
from assistant.fill import write as fill_write
from assistant.answer import Assistant
from assistant.config import PROJECT_ROOT, Settings, get_settings
from assistant.errors import InputError

HEADERS = list(fill.HEADERS)  # the added columns' headers on a Japanese sheet
EN_HEADERS = ["Status", "Proposed answer", "Quote", "Section", "Source", "Confidence", "Needs review"]
STATUS, ANSWER, QUOTE, SECTION, SOURCE, CONF, REVIEW = range(7)
RED = "FFFF0000"

# (row, No., 分類, 質問, 備考) of the main sheet; None rows are blank, section rows have one cell.
QUESTIONS = {
    "scim": "SCIMに対応していますか？",
    "password": "パスワードポリシー（桁数・複雑性）を教えてください。",
    "encryption": "保存データ（保管時）は暗号化されていますか？",
    "timeout_ja": "ログインセッションのタイムアウト（自動ログアウト）は設定できますか？",
    "timeout_en": "Can administrators configure an idle session timeout?",
    "weather": "明日の東京の天気は？",
    "offtopic": "What is the capital of France?",
    "password_en": "What is the minimum password length?",
    "weather_en": "What is the weather in Tokyo tomorrow?",
}
# Outcomes far from the threshold (confidence > 0.9 or < 0.1), so they are settled; "encryption" is
# borderline and checked against assistant.ask instead.
ANSWERED = ("scim", "password", "timeout_ja", "timeout_en", "password_en")
NOT_DOCUMENTED = ("weather", "weather_en", "offtopic")
DOC = "corpus/workato-security-summary.ja.txt"


def _make_xlsx(path):
    """A questionnaire as customers send them: title banner, header on row 3, sections, blanks, 2 sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = "チェックシート"
    ws["A1"] = "Workato セキュリティチェックシート"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["No.", "分類", "質問", "備考"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFD9D9D9")
    ws.column_dimensions["C"].width = 70
    ws.column_dimensions["D"].width = 25
    rows = [
        ("1. アクセス管理", None, None, None),  # banner: merged across the table
        (1, "認証", QUESTIONS["scim"], None),
        (2, "認証", QUESTIONS["password"], "桁数も確認"),
        (None, None, None, None),
        (None, None, "■ データ保護", None),  # marked lone title in the question column
        (3, "暗号化", QUESTIONS["encryption"], None),
        (None, None, None, None),
        (None, None, "セッション管理", None),  # lone short title
        (4, "認証", QUESTIONS["timeout_ja"], None),
        (5, "Auth", QUESTIONS["timeout_en"], None),
        (6, "認証", QUESTIONS["weather"], "必須"),
        (7, "その他", QUESTIONS["offtopic"], None),
        (8, "Auth", QUESTIONS["password_en"], None),
        (9, "Compliance", QUESTIONS["weather_en"], None),
    ]
    for row in rows:
        ws.append(list(row))
    ws.merge_cells("A4:D4")
    ws["B6"].fill = PatternFill("solid", fgColor=RED)  # a customer's own highlight must survive
    history = wb.create_sheet("改訂履歴")
    history.append(["版", "日付", "内容"])
    history.append([1, "2024-05-01", "初版"])
    history.append([2, "2024-06-01", "=A2+1"])
    wb.save(path)
    return path


def _values(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _row_of(ws, text):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == text)


@pytest.fixture(scope="module")
def filled_xlsx(assistant, tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    src = _make_xlsx(folder / "questionnaire.xlsx")
    dst = folder / "answers.xlsx"
    summary = fill.fill_file(assistant, src, dst, progress=False)
    return src, dst, summary


def _offsets(source_cell, source=DOC):
    """(start, end) of the quote, as the Source column gives them: ``corpus/x.txt:613-660``."""
    m = re.search(re.escape(source) + r":(\d+)-(\d+)", source_cell or "")
    assert m, f"no {source}:start-end in {source_cell!r}"
    return int(m[1]), int(m[2])


def test_xlsx_statuses_quotes_and_review_flags(assistant, filled_xlsx):
    src, dst, summary = filled_xlsx
    ws = load_workbook(dst)["チェックシート"]
    assert [ws.cell(3, c).value for c in range(5, 12)] == HEADERS, "new columns right of the used range A:D"
    assert HEADERS == ["回答状況", "回答案", "引用", "セクション", "出典", "確信度", "要確認"], "in the sheet's language"

    def cells(key):
        r = _row_of(ws, QUESTIONS[key])
        return [ws.cell(r, c).value for c in range(5, 12)]

    def review_rule(row):
        return row[STATUS] != "回答済み"

    text = assistant.source_text(DOC)
    for key in ANSWERED:
        row = cells(key)
        assert row[STATUS] == "回答済み", key  # "answered", in the sheet's language
        assert 0.0 <= row[CONF] <= 1.0 and (row[REVIEW] == "はい") == review_rule(row), key
        start, end = _offsets(row[SOURCE])
        assert row[QUOTE] == text[start:end], "quotes are verbatim, and the Source column finds them"
        assert row[QUOTE] in row[ANSWER] and row[SECTION], key
        assert re.search(re.escape(f"{DOC}:{start}-{end}") + r"(、|, as of )2024-04-28", row[SOURCE]), \
            "offsets, then the as-of date"
    for key in NOT_DOCUMENTED:
        row = cells(key)
        assert row[STATUS] == "記載なし" and row[REVIEW] == "はい", key
        assert isinstance(row[CONF], float) and row[CONF] < assistant.threshold, key
        assert not row[QUOTE] and not row[SECTION] and not row[SOURCE], "no closest passage posing as an answer"
        assert row[ANSWER].startswith(("記載なし", "Not documented")) and "closest" not in row[ANSWER], key
    assert "SCIMによる同期" in cells("scim")[QUOTE]
    assert "8文字以上" in cells("password")[QUOTE] and "8文字以上" in cells("password_en")[QUOTE]
    assert "自動ログアウト" in cells("timeout_en")[QUOTE]

    # Borderline: whichever way the model decides, the row says what assistant.ask says, by the rule.
    encryption, plain = cells("encryption"), assistant.ask(QUESTIONS["encryption"])
    assert fill_model.status_of(encryption[STATUS]) == plain.status
    assert encryption[CONF] == round(plain.confidence, 3)
    assert (encryption[REVIEW] == "はい") == review_rule(encryption)
    assert (encryption[QUOTE] or "") == (plain.citations[0].quote if plain.status.value != "not documented" else "")

    assert summary.answered + summary.needs_review + summary.not_documented == summary.total == len(QUESTIONS)
    assert summary.answered == len(ANSWERED) + plain.answered
    assert summary.needs_review == (plain.status.value == "needs review")
    assert summary.not_documented == len(NOT_DOCUMENTED) + (plain.status.value == "not documented")
    assert summary.flagged == sum(cells(k)[REVIEW] == "はい" for k in QUESTIONS)
    assert summary.skipped == 3, "banner, ■ title and lone title"
    assert (summary.sheet, summary.column, summary.header_row) == ("チェックシート", "質問", 3)


def test_xlsx_keeps_everything_else(filled_xlsx):
    src, dst, _ = filled_xlsx
    before, after = load_workbook(src), load_workbook(dst)
    assert after.sheetnames == before.sheetnames + ["回答サマリー"], "the customer's sheets, then the summary"
    assert _values(after["改訂履歴"]) == _values(before["改訂履歴"])
    assert after["改訂履歴"]["C3"].value == "=A2+1", "formulas stay formulas"
    old, new = before["チェックシート"], after["チェックシート"]
    assert [row[:4] for row in _values(new)] == _values(old), "original cells and row order unchanged"
    assert new.max_row == old.max_row
    assert sorted(str(r) for r in new.merged_cells.ranges) == ["A1:D1", "A4:D4"]
    assert new["C3"].font.b and new["A1"].font.sz == 14
    assert new.column_dimensions["C"].width == 70 and new.column_dimensions["D"].width == 25
    assert new["B6"].fill.fgColor.rgb == RED and new["A3"].fill.fgColor.rgb == "FFD9D9D9"


def test_xlsx_blank_and_section_rows_left_blank_and_review_rows_highlighted(filled_xlsx):
    _, dst, _ = filled_xlsx
    ws = load_workbook(dst)["チェックシート"]
    questions = set(QUESTIONS.values())
    for r in range(4, ws.max_row + 1):
        new = [ws.cell(r, c) for c in range(5, 12)]
        if ws.cell(r, 3).value in questions:
            assert new[STATUS].value in ("回答済み", "要確認", "記載なし")
            highlighted = new[REVIEW].value == "はい"
            assert all((c.fill.fgColor.rgb == fill_write.REVIEW_FILL) == highlighted for c in new), r
        else:
            assert all(c.value is None for c in new), f"row {r} is blank or a section header"
    # rows above the header stay untouched
    assert all(ws.cell(r, c).value is None for r in (1, 2) for c in range(5, 12))


def test_refill_of_filled_file_reuses_columns(assistant, filled_xlsx, tmp_path):
    _, dst, _ = filled_xlsx
    again = tmp_path / "again.xlsx"
    fill.fill_file(assistant, dst, again, progress=False)
    ws = load_workbook(again)["チェックシート"]
    assert ws.max_column == 11 and [ws.cell(3, c).value for c in range(5, 12)] == HEADERS


LEGACY_HEADERS = ["回答状況 (Status)", "回答 (Answer)", "引用 (Quote)", "セクション (Section)", "出典 (Source)",
                  "確信度 (Confidence)", "要確認 (Needs review)"]


@pytest.mark.parametrize("header, added, lang_headers", [
    (["No", "Question"], EN_HEADERS, EN_HEADERS),
    (["No", "質問"], LEGACY_HEADERS, HEADERS),  # filled before the headers followed the sheet's language
    (["No", "質問"], EN_HEADERS, HEADERS),
])
def test_a_filled_sheet_filled_again_reuses_its_added_columns_in_either_form(assistant, header, added, lang_headers):
    """The filler knows its own columns in every form it writes them (Japanese, English, and the bilingual
    '回答状況 (Status)' of earlier fills): filled again, the sheet keeps its columns (none added twice, none
    taken for the customer's answer column) and they are headed in the sheet's language."""
    wb = Workbook()
    ws = wb.active
    ws.append([*header, *added])
    ws.append([1, QUESTIONS["password_en"], "answered", "old answer", "old quote", "", "", 0.5, ""])
    buf = io.BytesIO()
    wb.save(buf)
    out, _, summary = fill.fill_bytes(assistant, buf.getvalue(), "q.xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    assert [c.value for c in ws[1]] == [*header, *lang_headers]
    assert ws.max_column == 2 + len(added)
    status = ws.cell(2, 3).value  # written over the old "answered", in the sheet's language
    assert fill_model.status_of(status) in ("answered", "needs review") and "8文字以上" in (ws.cell(2, 5).value or "")
    assert status.isascii() == (lang_headers is EN_HEADERS), status
    assert summary.total == 1
    assert fill_model.filled_by_us([*header, *added]) and not fill_model.filled_by_us(header + ["Answer"])


def test_cp932_csv_to_csv_and_xlsx(assistant, tmp_path):
    src = tmp_path / "sjis.csv"
    rows = [["No.", "質問項目", "回答欄"], ["1", QUESTIONS["scim"], ""], ["", "", ""],
            ["2", QUESTIONS["weather"], ""], ["3", "二要素認証（TOTP）に対応していますか？", ""]]
    with open(src, "w", encoding="cp932", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(UnicodeDecodeError):
        src.read_bytes().decode("utf-8")  # the test file really is Shift_JIS

    dst = tmp_path / "out.csv"
    summary = fill.fill_file(assistant, src, dst, progress=False)
    raw = dst.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "written back in the encoding it was read in"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    out = list(csv.reader(io.StringIO(raw.decode("cp932"), newline="")))
    assert summary.notes == []
    status_headers = [h for k, h, _ in fill.COLUMNS if k in ("status", "confidence", "review")]
    # the sheet has its own answer column (回答欄): the answer goes there, only status columns are added,
    # and the evidence, since the sheet has no remarks column
    assert [r[:2] for r in out] == [r[:2] for r in rows], "original cells and order unchanged"
    assert out[0][2:] == ["回答欄", *status_headers, "根拠（引用・出典）"]
    assert out[1][2:4] == ["はい", "回答済み"], "a documented yes, in the sheet's language"
    assert "SCIMによる同期" in out[1][6] and "ユーザー管理 > SSO" in out[1][6], "a section path Shift_JIS can write"
    assert out[2][2:] == [""] * 5, "blank row stays blank"
    assert out[3][2] == "" and out[3][3] == "記載なし" and out[3][5] == "はい", "left for a person"
    totp = assistant.ask(rows[4][1])
    if totp.verdict == "yes":
        assert out[4][2:4] == ["はい", "回答済み"]
    else:  # a yes/no its quote does not settle: left to a person, never "answered" over an empty cell
        assert out[4][2:4] == ["", "要確認"] and out[4][5] == "はい"
    assert (summary.answered, summary.needs_review, summary.not_documented, summary.skipped) == (
        1 + (totp.verdict == "yes"), 1 - (totp.verdict == "yes"), 1, 0)

    xdst = tmp_path / "out.xlsx"
    fill.fill_file(assistant, src, xdst, progress=False)
    ws = load_workbook(xdst).active
    assert [c.value for c in ws[1]] == ["No.", "質問項目", "回答欄", *status_headers, "根拠（引用・出典）"]
    assert ws.cell(2, 2).value == QUESTIONS["scim"] and ws.cell(2, 3).value == "はい" and ws.cell(2, 4).value == "回答済み"
    assert ws.cell(4, 4).value == "記載なし" and ws.cell(4, 4).fill.fgColor.rgb == fill_write.REVIEW_FILL
    assert ws.cell(4, 3).value is None
    assert isinstance(ws.cell(2, 5).value, float)


def test_utf8_bom_csv_with_title_line_and_column_override(assistant, tmp_path):
    src = tmp_path / "vendor.csv"
    body = ("Vendor security review,,\r\n"
            "Ref,Ask,Comments\r\n"
            f"A-1,{QUESTIONS['password_en']},\r\n"
            "A-2,\"Is there a documented process for handling, reporting security incidents?\",\r\n")
    src.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    dst = tmp_path / "vendor-filled.csv"
    with pytest.raises(InputError) as err:
        fill.fill_file(assistant, src, dst, progress=False)
    assert "'Ask'" in str(err.value) and "--column" in str(err.value), "the error lists the headers found"
    assert not dst.exists()
    with pytest.raises(InputError, match="no column headed 'Question'"):
        fill.fill_file(assistant, src, dst, column="Question", progress=False)

    summary = fill.fill_file(assistant, src, dst, column="ask", progress=False)
    out = list(csv.reader(io.StringIO(dst.read_text(encoding="utf-8-sig"), newline="")))
    assert out[0] == ["Vendor security review", "", ""] + [""] * 7, "title line untouched, no new cells"
    assert out[1] == ["Ref", "Ask", "Comments", *EN_HEADERS], "an English sheet gets English headers"
    assert out[2][3] == "answered" and "8文字以上" in out[2][5]
    assert out[3][1].startswith("Is there a documented process for handling, reporting")
    assert summary.total == 2 and summary.column == "Ask" and summary.header_row == 2


def test_header_choice_prefers_specific_and_question_like_columns():
    rows = [["項目", "質問", "回答"], ["認証", "SSOに対応していますか？", ""], ["暗号化", "保存データは暗号化されますか？", ""]]
    job = fill_run.prepare(_csv_bytes(rows), "q.csv", None, ".csv")
    assert job.column == 1
    rows = [["Question No.", "Item", "Requirement"], ["1", "MFA", "Describe how users authenticate to the service."],
            ["2", "Logs", "State how long audit logs are kept."]]
    job = fill_run.prepare(_csv_bytes(rows), "q.csv", None, ".csv")
    assert job.column == 2, "numbers under 'Question No.' are not questions; Requirement beats Item"
    rows = [["分類", "Question / 質問"], ["", "1. アクセス管理"], ["IAM", "Do you support SCIM?"], ["", "Logging"]]
    job = fill_run.prepare(_csv_bytes(rows), "q.csv", None, ".csv")
    assert job.column == 1 and [r.kind for r in job.rows] == ["skip", "question", "skip"]


def _csv_bytes(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("name, data, message", [
    ("random.xlsx", os.urandom(2048), "not an Excel workbook"),
    ("renamed.xlsx", "これはテキストです\n".encode() * 20, "not an Excel workbook"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000), "password-protected/encrypted; remove the password"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000), "old-format Excel .xls"),
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b"\r\n\r\n", "is empty"),
    ("nocol.csv", "名前,部署\n山田,情報システム\n".encode("utf-8"), "no question column found"),
    ("binary.csv", bytes(range(256)) * 8, "CSV"),
    ("notes.txt", b"Do you support SCIM?\n", "unsupported file type .txt"),
    ("damaged.xlsx", b"PK\x03\x04" + os.urandom(500), "damaged"),
])
def test_bad_input_raises_and_writes_nothing(assistant, tmp_path, name, data, message):
    src = tmp_path / name
    src.write_bytes(data)
    dst = tmp_path / "out.xlsx"
    with pytest.raises(InputError, match=re.escape(message)):
        fill.fill_file(assistant, src, dst, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "no output, no temp file"
    with pytest.raises(InputError, match=re.escape(message)):
        fill.fill_bytes(assistant, data, name)


def test_nocol_error_lists_headers(assistant, tmp_path):
    with pytest.raises(InputError) as err:
        fill.fill_bytes(assistant, "名前,部署\n山田,情報システム\n".encode(), "x.csv")
    assert "'名前', '部署'" in str(err.value) and "--column" in str(err.value)


def test_existing_output_needs_force_and_output_suffix_is_checked(assistant, tmp_path):
    src = tmp_path / "q.csv"
    src.write_bytes(_csv_bytes([["質問"], [QUESTIONS["scim"]]]))
    dst = tmp_path / "out.csv"
    dst.write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="--force"):
        fill.fill_file(assistant, src, dst, progress=False)
    assert dst.read_text(encoding="utf-8") == "keep me"
    fill.fill_file(assistant, src, dst, force=True, progress=False)
    assert "回答済み" in dst.read_text(encoding="utf-8-sig")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "q.csv"], "no temp file left behind"
    with pytest.raises(InputError, match=r"name the output \.xlsx or \.csv"):
        fill.fill_file(assistant, src, tmp_path / "out.ods", progress=False)
    with pytest.raises(InputError, match="questionnaire itself"):
        fill.fill_file(assistant, src, src, force=True, progress=False)


def test_fill_bytes_for_the_web(assistant, monkeypatch):
    data = _csv_bytes([["Question"], [QUESTIONS["timeout_en"]], [QUESTIONS["weather"]]])
    out, name, summary = fill.fill_bytes(assistant, data, "../../uploads/My Vendor.csv", out_suffix=".xlsx")
    assert name == "My Vendor-filled.xlsx"
    ws = load_workbook(io.BytesIO(out)).active
    assert [ws.cell(r, 2).value for r in (2, 3)] == ["answered", "not documented"]
    assert (summary.answered, summary.not_documented, summary.flagged >= 1) == (1, 1, True)
    out, name, _ = fill.fill_bytes(assistant, data, "v.csv")
    assert name == "v-filled.csv" and out.startswith(b"\xef\xbb\xbf")
    monkeypatch.setattr(assistant.settings, "max_upload_bytes", 10)
    with pytest.raises(InputError, match="the limit is"):
        fill.fill_bytes(assistant, data, "v.csv")


def test_refused_questions_are_flagged_not_fatal(assistant):
    long_question = "Do you encrypt data at rest? " * 40
    data = _csv_bytes([["質問"], ["SCIM\x01に対応していますか？"], [long_question], [QUESTIONS["scim"]]])
    out, _, summary = fill.fill_bytes(assistant, data, "q.csv", out_suffix=".xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    assert ws.cell(2, 1).value == "SCIMに対応していますか？", "a control character Excel cannot store is dropped"
    for r in (2, 3):
        assert ws.cell(r, 2).value == "回答不可" and ws.cell(r, 8).value == "はい"  # skipped: the sheet's language
        assert fill_model.status_of(ws.cell(r, 2).value) == fill.STATUS_SKIPPED
        assert ws.cell(r, 3).value.startswith("not answered: ")
    assert "limit is 1000" in ws.cell(3, 3).value
    assert ws.cell(4, 2).value == "回答済み"
    assert (summary.answered, summary.skipped, summary.refused, summary.flagged) == (1, 2, 2, 2)
    assert (summary.total, summary.questions) == (1, 3), "refused questions are counted, once, as refused"


def test_text_rules():
    assert fill.question_like("Do you support SCIM?") and fill.question_like("暗号化の有無")
    assert fill.question_like("保存データは暗号化されていますか")
    assert not fill.question_like("1. アクセス管理") and not fill.question_like("Access Control")
    # an aside after the question is no title: a one-column sheet had passed these rows over unanswered
    for cell in ("管理者権限は分離されていますか（職務の分離）", "バックアップを取得していますか（はい・いいえ）",
                 "暗号化していますか。（保存データ）", "バックアップを取得していること（日次以上）。"):
        assert fill.question_like(cell), cell
    assert not fill.question_like("アクセス管理（認証）") and not fill.question_like("（参考）")
    # a checklist's item named and described, or a phrase naming what to confirm: the SLA guideline's rows had been
    # passed over as section titles in a one-column sheet
    for cell in ("障害通知：障害発生時の利用者への通知方法", "計画停止予定通知：定期的な保守停止に関する事前連絡確認（事前通知のタイミング）",
                 "定期的な保守停止に関する事前連絡確認（事前通知のタイミング／方法の記述を含む）", "バックアップデータの保管場所と保管期間"):
        assert fill.question_like(cell), cell
    for title in ("1. 組織的対策", "■ 物理的セキュリティ", "障害対応", "運用体制", "第3章：運用", "大項目：アクセス管理"):
        assert not fill.question_like(title), title
    for cell, asked in [("Q12. SCIMに対応していますか？", "SCIMに対応していますか？"), ("（１）監査ログの保存期間", "監査ログの保存期間"),
                        ("AC-01: Do you encrypt data?", "Do you encrypt data?"), ("1-3) パスワード", "パスワード"),
                        ("2要素認証に対応していますか", "2要素認証に対応していますか"), ("SOC 2 report?", "SOC 2 report?"),
                        ("3 months of logs?", "3 months of logs?"), ("12", "12")]:
        assert fill.asked_text(cell) == asked


def test_enumerated_questions_are_answered_like_plain_ones(assistant):
    """"Q61." is no word the documents use: asking it would make a documented answer look doubtful."""
    question = "How long are audit logs retained?"
    data = _csv_bytes([["No.", "Question"], ["1", f"Q61. {question}"]])
    out, _, summary = fill.fill_bytes(assistant, data, "q.csv")
    row = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))[1]
    assert row[1] == f"Q61. {question}", "the cell keeps its number"
    plain = assistant.ask(question)
    assert row[2] == plain.status and float(row[7]) == round(plain.confidence, 3)


@pytest.fixture
def cli_env(monkeypatch, settings):
    """The CLI reads settings from the environment: point it at the session's already built index."""
    monkeypatch.setenv("ASSISTANT_INDEX", str(settings.index))
    monkeypatch.setenv("ASSISTANT_CORPUS", str(settings.corpus))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_fill(assistant, cli_env, tmp_path):
    from assistant.cli import app

    src = tmp_path / "q.csv"
    src.write_bytes(_csv_bytes([["No.", "質問"], ["1", QUESTIONS["password"]], ["2", QUESTIONS["offtopic"]]]))
    dst = tmp_path / "q-filled.xlsx"
    result = CliRunner().invoke(app, ["fill", str(src), "-o", str(dst)])
    assert result.exit_code == 0, result.output
    assert ("2 questions: answered 1 (yes 0, no 0), needs review 0, not documented 1, not asked 0; "
            "1 rows flagged for review; 0 rows passed over;") in result.stdout
    assert load_workbook(dst).active.cell(2, 3).value == "回答済み"

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(os.urandom(1000))
    result = CliRunner().invoke(app, ["fill", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "not an Excel workbook" in lines[0]
    assert not (tmp_path / "x.xlsx").exists()

    result = CliRunner().invoke(app, ["fill", str(src), "-o", str(dst)])
    assert result.exit_code != 0 and "--force" in result.stderr


# ------------------------------------------------------------------------ text altered for a spreadsheet

PASSWORD_Q = "What is the minimum password length?"
NOTIFY_Q = "障害の通知はどのように届きますか？"


@pytest.fixture
def odd_assistant(make_corpus, tmp_path):
    """The default document with a form feed inside the password paragraph (a page break from a PDF) and a
    paragraph that starts with '@' (a formula start for Excel)."""
    text = (PROJECT_ROOT / DOC).read_text(encoding="utf-8")
    cut, section = "必須要件となっています。設定されたパスワード", "ユーザー権限\n"
    assert cut in text and section in text
    text = text.replace(cut, cut.replace("。", "。\x0c", 1))
    text = text.replace(section, "障害通知\n\n@メンションで担当者に障害の通知がSlackへ届きます。\n\n" + section)
    corpus = make_corpus({"x.txt": text})
    return Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)


def _exact(assistant, question):
    """(quote, where) as the document holds it, checked against the document's own text; where names the
    document as the filled sheet does (its path inside the corpus folder)."""
    from assistant.answer import shown

    best = assistant.ask(question).citations[0]
    quote = assistant.source_text(best.source)[best.start:best.end]
    assert quote == best.quote
    return quote, f"{shown(best, assistant.settings.corpus).source}:{best.start}-{best.end}"


def test_quotes_altered_for_the_spreadsheet_are_flagged(odd_assistant):
    a = odd_assistant
    password, password_at = _exact(a, PASSWORD_Q)
    notify, notify_at = _exact(a, NOTIFY_Q)
    assert "\x0c" in password and notify.startswith("@")
    for q in (PASSWORD_Q, NOTIFY_Q):  # settled, and sure enough that only an alteration can flag them
        plain = a.ask(q)
        assert plain.answered
    data = _csv_bytes([["Question"], [PASSWORD_Q], [NOTIFY_Q]])

    # .xlsx cannot store the form feed: the quote loses it, so the row is flagged and says where the text is
    out, _, summary = fill.fill_bytes(a, data, "q.csv", out_suffix=".xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    pw = [ws.cell(2, c).value for c in range(2, 9)]
    assert pw[QUOTE] == password.replace("\x0c", "") != password
    assert pw[REVIEW] == "yes" and ws.cell(2, 2).fill.fgColor.rgb == fill_write.REVIEW_FILL
    assert "the quote was altered to fit the spreadsheet (control characters removed)" in pw[ANSWER]
    assert f"the exact text is in the source at {password_at}." in pw[ANSWER]
    assert password_at in pw[SOURCE]
    nt = [ws.cell(3, c).value for c in range(2, 9)]
    assert nt[QUOTE] == notify and nt[REVIEW] is None and "※" not in nt[ANSWER], "'@' is text in .xlsx, verbatim"
    assert (summary.answered, summary.flagged) == (2, 1)

    # CSV keeps the form feed, but Excel would run '@...' as a formula: the apostrophe is an alteration too
    out, _, summary = fill.fill_bytes(a, data, "q.csv")
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    pw, nt = rows[1][1:], rows[2][1:]
    assert pw[QUOTE] == password and pw[REVIEW] == "" and "Note:" not in pw[ANSWER]
    assert nt[QUOTE] == "'" + notify and nt[REVIEW] == "yes"
    assert nt[ANSWER].endswith(f"\n※スプレッドシートに収めるため引用を変更しました（先頭にアポストロフィを追加）。"
                               f"正確な本文は出典 {notify_at} にあります。"), "a Japanese question gets a Japanese note"
    assert (summary.answered, summary.flagged) == (2, 1)


def test_repeated_altered_question_gets_one_note(odd_assistant):
    """Repeated questions share their answer: the note must be added to each row once, not once per repeat."""
    out, _, summary = fill.fill_bytes(odd_assistant, _csv_bytes([["Question"], [NOTIFY_Q], [NOTIFY_Q]]), "q.csv")
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert rows[1][1:] == rows[2][1:] and rows[1][2].count("※") == 1
    assert summary.flagged == 2


# ------------------------------------------------------------------------------------ resource limits


def test_priming_skips_refused_questions_and_never_leaks(assistant, monkeypatch):
    retriever = assistant.retriever
    primed: list[str] = []
    real_prime = retriever.prime
    monkeypatch.setattr(retriever, "prime", lambda qs: (primed.extend(qs), real_prime(qs))[1])
    long_question = "Do you encrypt data at rest? " * 40
    data = _csv_bytes([["質問"], ["SCIM\x01に対応していますか？"], [long_question], [f"Q1. {QUESTIONS['scim']}"]])
    fill.fill_bytes(assistant, data, "q.csv")
    assert primed == [QUESTIONS["scim"]], "questions validation refuses are never primed"
    assert not retriever._primed

    calls = []
    real_ask = assistant.ask

    def failing_ask(question, **kw):
        calls.append(question)
        if len(calls) == 2:
            raise RuntimeError("model crashed")
        return real_ask(question, **kw)

    monkeypatch.setattr(assistant, "ask", failing_ask)
    data = _csv_bytes([["質問"], *[[QUESTIONS[k]] for k in ANSWERED]])
    with pytest.raises(RuntimeError):
        fill.fill_bytes(assistant, data, "q.csv")
    assert len(primed) > 2 and not retriever._primed, "vectors primed for rows never reached are dropped"


def test_zip_bomb_is_refused(assistant, tmp_path):
    src = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/worksheets/sheet1.xml", "w") as f:
        chunk = b"\0" * 2**20
        for _ in range(101):  # over the 100 MiB limit (and well under the old 512 MiB one)
            f.write(chunk)
    data = src.read_bytes()
    assert len(data) < assistant.settings.max_upload_bytes
    with pytest.raises(InputError, match="unpacks to 101 MiB, more than the 100 MiB"):
        fill.fill_bytes(assistant, data, "bomb.xlsx")
    with pytest.raises(InputError, match="unpacks to 101 MiB"):
        fill.fill_file(assistant, src, tmp_path / "out.xlsx", progress=False)
    assert not (tmp_path / "out.xlsx").exists()


def test_web_caps_questions_per_file_cli_does_not(assistant, tmp_path, monkeypatch):
    assert fill.MAX_WEB_QUESTIONS == 2000
    many = _csv_bytes([["Question"], *[[f"Do you support feature {n}?"] for n in range(2001)]])
    asked = []
    monkeypatch.setattr(assistant, "ask", lambda q, **kw: asked.append(q))
    with pytest.raises(InputError, match=r"has 2,001 questions; an upload can hold at most 2,000\. Split the "
                                         r"questionnaire into smaller files, or fill it with the command line"):
        fill.fill_bytes(assistant, many, "many.csv")
    assert asked == [], "refused before any question is asked"
    monkeypatch.undo()

    monkeypatch.setattr(fill_run, "MAX_WEB_QUESTIONS", 2)
    three = _csv_bytes([["Question"], [QUESTIONS["scim"]], [QUESTIONS["password_en"]], [QUESTIONS["weather_en"]]])
    with pytest.raises(InputError, match="has 3 questions"):
        fill.fill_bytes(assistant, three, "q.csv")
    _, _, summary = fill.fill_bytes(assistant, _csv_bytes([["Question"], [QUESTIONS["scim"]], [QUESTIONS["weather_en"]]]),
                                    "q.csv")
    assert summary.total == 2, "at the cap is fine"
    src = tmp_path / "q.csv"
    src.write_bytes(three)
    summary = fill.fill_file(assistant, src, tmp_path / "out.csv", progress=False)
    assert summary.total == 3, "the CLI path has no cap"


def test_customer_answer_and_remarks_columns_are_filled_in_place_with_the_dropdown_values(assistant, tmp_path):
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "チェックシート"
    ws["A1"] = "セキュリティチェックシート"
    ws.append([])
    ws.append(["番号", "カテゴリ", "質問", "回答", "備考"])
    questions = [QUESTIONS["scim"], "保存データの暗号化方式は？", QUESTIONS["weather"], "MFAに対応していますか？"]
    for n, q in enumerate(questions, 1):
        ws.append([n, "認証", q, None, None])
    ws["D7"] = "いいえ"  # the customer already answered this one: never overwritten
    dv = DataValidation(type="list", formula1='"はい,いいえ,該当なし"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("D4:D7")
    ws["G1"] = "=COUNTA(C4:C7)"
    wb.create_sheet("記入要領")["A1"] = "回答欄は選択式です"
    src = tmp_path / "sheet.xlsx"
    wb.save(src)

    dst = tmp_path / "filled.xlsx"
    summary = fill.fill_file(assistant, src, dst, progress=False)
    out = load_workbook(dst)
    ws = out["チェックシート"]
    header = [c.value for c in ws[3]]
    assert header[:5] == ["番号", "カテゴリ", "質問", "回答", "備考"]
    assert "回答案" not in header and "引用" not in header, "no duplicate answer/quote columns"
    scim, cipher, weather, mfa = (4, 5, 6, 7)
    assert ws.cell(scim, 4).value == "はい", "the dropdown's own value"
    remarks = ws.cell(scim, 5).value
    assert "SCIMによる同期" in remarks and "出典" in remarks and "corpus/workato-security-summary.ja.txt" in remarks
    assert ":613" not in remarks and not any(f":{n}-" in remarks for n in range(10)), "no character offsets for a reader"
    # an open question's quote fits no はい/いいえ value: left for a person, evidence in 備考, flagged
    assert ws.cell(cipher, 4).value is None and "AES-256" in ws.cell(cipher, 5).value
    assert ws.cell(cipher, 4).fill.fgColor.rgb == fill_write.REVIEW_FILL
    assert ws.cell(cipher, header.index(HEADERS[STATUS]) + 1).value == "要確認", \
        "not 'answered' beside an empty answer cell"
    # the documents answer it: the remarks say so, and why the cell is left (its list has no value for it)
    assert ws.cell(cipher, 5).value.startswith("要確認（資料に回答あり。回答欄は「はい / いいえ / 該当なし」から選んでください）:「")
    assert ws.cell(weather, 4).value is None and ws.cell(weather, 5).value.startswith("記載なし")
    assert ws.cell(mfa, 4).value == "いいえ", "a filled customer cell is kept"
    assert ws["G1"].value == "=COUNTA(C4:C7)" and out["記入要領"]["A1"].value == "回答欄は選択式です"
    assert [str(d.sqref) for d in ws.data_validations.dataValidation] == ["D4:D7"]
    assert summary.answered >= 1 and summary.needs_review >= 1 and summary.not_documented >= 1


def test_an_answer_column_whose_header_lists_its_marks_is_filled_like_a_dropdown(assistant, tmp_path):
    """"Response (Yes/No/N/A)" without an in-cell list: a yes goes in as "Yes", an open answer's quote goes to
    the remarks, never into the column meant for a mark."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["ID", "Question", "Response (Yes/No/N/A)", "Comments"])
    ws.append([1, QUESTIONS["scim"], None, None])
    ws.append([2, "保存データの暗号化方式は？", None, None])
    src, dst = tmp_path / "sheet.xlsx", tmp_path / "filled.xlsx"
    wb.save(src)
    fill.fill_file(assistant, src, dst, progress=False)
    ws = load_workbook(dst).active
    assert ws["C2"].value == "Yes" and "SCIM" in ws["D2"].value
    assert ws["C3"].value is None and "AES-256" in ws["D3"].value, [c.value for c in ws[3]]
    assert ws["D3"].value.startswith("Needs review (the documents answer this; the answer cell takes only Yes / No / N/A: choose one)")
    from assistant.fill.place import declared_options

    assert declared_options("回答（はい／いいえ／該当なし）") == ["はい", "いいえ", "該当なし"]
    assert declared_options("Comments (optional)") is None and declared_options("Answer (A/B)") is None


def test_marks_the_instructions_above_the_header_ask_for_are_the_ones_written(assistant, tmp_path):
    """A reviewer's check sheet said above its header 「回答欄には ○（対応している）／×（対応していない）
    ／－（該当しない）を記入し…」 and got はい written in: the answer cell takes the sheet's own marks."""
    from openpyxl import Workbook

    from assistant.fill.place import instructed_options

    wb = Workbook()
    ws = wb.active
    ws.append(["セキュリティチェックシート"])
    ws.append(["回答欄には ○（対応している）／×（対応していない）／－（該当しない）を記入し、補足欄に具体的な内容を記載してください。"])
    ws.append([])
    ws.append(["No.", "質問", "回答", "補足"])
    ws.append([1, QUESTIONS["scim"], None, None])
    src, dst = tmp_path / "sheet.xlsx", tmp_path / "filled.xlsx"
    wb.save(src)
    fill.fill_file(assistant, src, dst, progress=False)
    ws = load_workbook(dst).active
    assert ws["C5"].value == "○" and "SCIM" in ws["D5"].value
    assert instructed_options("Please answer Yes / No / N/A and add comments.") == ["Yes", "No", "N/A"]
    assert instructed_options("No. 1 of the sheet: no answers yet") is None


def test_summary_sheet_counts_outcomes_links_rows_to_review_and_dates_sources(filled_xlsx):
    _, dst, summary = filled_xlsx
    ws = load_workbook(dst)["回答サマリー"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert values["質問数"] == summary.total and values["回答済み"] == summary.answered
    assert values["要確認"] == summary.needs_review and values["記載なし"] == summary.not_documented
    assert values["確認が必要な行（要確認が「はい」の行）"] == summary.flagged
    links = [ws.cell(r, 1) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).hyperlink is not None]
    assert len(links) == summary.flagged >= 1
    assert all(re.fullmatch(r"'チェックシート'![A-Z]+\d+", c.hyperlink.location or "") for c in links), \
        [c.hyperlink.location for c in links]
    # beside each link its row's question, as the sheet asks it (the sheet's own numbers need not be rows')
    sheet = load_workbook(dst)["チェックシート"]
    for c in links:
        row = int(re.search(r"\d+$", c.hyperlink.location)[0])
        asked = " ".join(str(sheet.cell(row, q).value or "") for q in range(1, sheet.max_column + 1)
                         if sheet.cell(row, q).value and str(ws.cell(c.row, 2).value or "").rstrip("…") in
                         " ".join(str(sheet.cell(row, q).value).split()))
        assert ws.cell(c.row, 2).value and asked, (c.value, ws.cell(c.row, 2).value)
    # ... and its outcome: a candidate to confirm, or nothing found (a review could not tell them apart)
    outcomes = [ws.cell(c.row, 3).value for c in links]
    assert set(outcomes) <= {"要確認", "記載なし", "回答できなかった質問（長すぎる・制御文字など）", None}
    assert outcomes.count("要確認") == summary.needs_review and outcomes.count("記載なし") == summary.not_documented
    assert values["corpus/workato-security-summary.ja.txt"].startswith("2024-04-28")
    assert "12か月以上前" in values["corpus/workato-security-summary.ja.txt"], "a source older than a year is flagged"


def test_a_workbook_with_too_many_cells_is_refused_before_it_is_loaded(assistant, tmp_path, monkeypatch):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["質問", "回答"])
    for i in range(150):
        ws.append([f"質問{i}はありますか？", None, i])
    wb.create_sheet("other")["A1"] = "x"
    src = tmp_path / "big.xlsx"
    wb.save(src)
    assert fill_read.count_cells(src.read_bytes()) == 2 + 150 * 2 + 1, "every stored cell of every sheet, none twice"

    monkeypatch.setattr(fill_read, "MAX_CELLS", 100)
    import openpyxl

    def never(*a, **k):
        raise AssertionError("the workbook was loaded before its size was checked")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(InputError, match="303 cells, more than the 100"):
        fill.fill_file(assistant, src, tmp_path / "out.xlsx", progress=False)
    assert not (tmp_path / "out.xlsx").exists()


# ------------------------------------------------------------------- a sheet without a remarks column


def _sheet(header, questions) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for n, q in enumerate(questions, 1):
        ws.append([n, q, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_sheet_without_remarks_column_gets_an_evidence_column(assistant):
    """No / 質問 / 回答 (no 備考): the quote, section and source still go somewhere, in the sheet's language."""
    # several questions in one row are a candidate at most, whatever the model's confidence
    questions = [QUESTIONS["scim"], "保存データの暗号化方式は？", "監査ログの保管期間は？\nSSOに対応していますか？",
                 QUESTIONS["weather"]]
    out, _, summary = fill.fill_bytes(assistant, _sheet(["No", "質問", "回答"], questions), "q.xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["No", "質問", "回答"] and "根拠（引用・出典）" in header
    evidence = header.index("根拠（引用・出典）") + 1
    status = header.index(HEADERS[STATUS]) + 1
    seen = set()
    for r, q in enumerate(questions, 2):
        plain = assistant.ask(q)
        row_status, cell = fill_model.status_of(ws.cell(r, status).value), ws.cell(r, evidence).value
        seen.add(row_status)
        if row_status == "not documented":
            assert cell == "記載なし（提供資料に該当する記述はありません）", q
            continue
        quote = plain.citations[0].quote
        assert f"「{quote}」" in cell and DOC in cell and "›" in cell, "the quote, its section and its source"
        if row_status == "needs review":
            assert cell.startswith("要確認（回答候補）:"), "a candidate to check, said to be one"
        else:
            assert ws.cell(r, 3).value, "an answered row writes its answer"
    assert {"answered", "needs review", "not documented"} <= seen, seen


def test_an_answered_row_writes_its_answer_or_does_not_claim_to_be_answered(assistant):
    """ID / Control / Vendor answer: a yes/no whose quote says neither clearly leaves the cell to a person,
    so the row is a candidate to review (with its quote beside it), not "answered" over an empty cell."""
    unclear, clear = "Is data masking available?", "Is SSO supported?"
    plain = assistant.ask(unclear)
    assert plain.answered and plain.verdict == "unclear", "the case this test needs"
    out, _, summary = fill.fill_bytes(assistant, _sheet(["ID", "Control", "Vendor answer"], [unclear, clear]), "q.xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    header = [c.value for c in ws[1]]
    assert "Evidence (quote and source)" in header
    assert header[3:] == ["Status", "Confidence", "Needs review", "Evidence (quote and source)"], \
        "the added headers in the sheet's language, not '回答状況 (Status)'"
    col = {h: i + 1 for i, h in enumerate(header)}
    for r in (2, 3):
        if ws.cell(r, col[EN_HEADERS[STATUS]]).value == "answered":
            assert ws.cell(r, 3).value, f"row {r} claims an answer its cell does not hold"
        assert ws.cell(r, col["Evidence (quote and source)"]).value
    assert ws.cell(2, 3).value is None and ws.cell(2, col[EN_HEADERS[STATUS]]).value == "needs review"
    assert ws.cell(2, col[EN_HEADERS[REVIEW]]).value == "yes"
    assert ws.cell(2, col["Evidence (quote and source)"]).value.startswith(
        f"Needs review (candidate): \"{plain.citations[0].quote}\"")
    assert ws.cell(3, 3).value == "Yes" and ws.cell(3, col[EN_HEADERS[STATUS]]).value == "answered"


def test_counts_add_up_to_the_questions_in_the_line_and_the_summary_sheet(assistant, tmp_path):
    """Each question is counted once, by its outcome; the rows flagged for a person are a count of their own."""
    questions = [QUESTIONS["scim"], "監査ログの保管期間は？", "Do you encrypt data at rest?", QUESTIONS["weather"],
                 QUESTIONS["offtopic"], "Does Workato support SCIM?"]
    statuses = [assistant.ask(q).status.value for q in questions]
    assert "needs review" in statuses and "not documented" in statuses and "answered" in statuses, statuses
    src = tmp_path / "q.csv"
    src.write_bytes(_csv_bytes([["質問"], *[[q] for q in questions]]))
    summary = fill.fill_file(assistant, src, tmp_path / "out.xlsx", progress=False)
    assert (summary.answered, summary.needs_review, summary.not_documented) == tuple(
        statuses.count(s) for s in ("answered", "needs review", "not documented"))
    assert summary.answered + summary.needs_review + summary.not_documented == summary.total == len(questions)
    assert summary.flagged == len(questions) - summary.answered
    assert summary.line().startswith(f"{len(questions)} questions: answered {summary.answered} ")
    assert f"needs review {summary.needs_review}, not documented {summary.not_documented}, not asked 0;" in summary.line()
    assert summary.line("ja").startswith(f"質問 {len(questions)} 件: 回答済み {summary.answered}")
    ws = load_workbook(tmp_path / "out.xlsx")["回答サマリー"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert values["質問数"] == len(questions)
    assert values["回答済み"] + values["要確認"] + values["記載なし"] == len(questions)
    assert values["要確認"] == statuses.count("needs review")


def test_an_empty_question_column_is_named_with_where_the_text_is(assistant, tmp_path):
    """質問 found but empty, the questions typed under 回答: not "no question column found" beside '質問'."""
    src = tmp_path / "wrongfield.xlsx"
    src.write_bytes(_sheet(["No", "質問", "回答"], [None, None]))
    wb = load_workbook(src)
    wb.active["C2"], wb.active["C3"] = "暗号化していますか？", "SSOに対応していますか"
    wb.save(src)
    with pytest.raises(InputError) as err:
        fill.fill_file(assistant, src, tmp_path / "out.xlsx", progress=False)
    text = str(err.value)
    assert "no question column found" not in text
    assert text.startswith("the question column '質問' (sheet 'Sheet', header on row 1) has no questions below its header; "
                           "text was found in column C ('回答') from row 2."), text
    assert "--column NAME" in text
    ja = err.value.localized("ja")
    assert "質問の列「質問」" in ja and "C 列（「回答」）の 2 行目以降" in ja and "見つかりません" not in ja
    assert not (tmp_path / "out.xlsx").exists()

    src.write_bytes(_sheet(["No", "質問", "回答"], [None, None]))
    with pytest.raises(InputError, match="no other column has any text either"):
        fill.fill_file(assistant, src, tmp_path / "out.xlsx", progress=False)


def test_documents_outside_the_repository_are_cited_by_their_path_in_the_corpus(make_corpus, tmp_path):
    """The customer's file never holds the server's absolute paths (/srv/.../corpus/x.pdf): a document
    is named by its path inside the corpus folder, in every cell and on the summary sheet."""
    corpus = make_corpus({"policies/workato.txt": (PROJECT_ROOT / DOC).read_text(encoding="utf-8")})
    a = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)
    assert a.ask(QUESTIONS["scim"]).citations[0].source == str(corpus / "policies/workato.txt"), "the JSON's own"
    questions = [QUESTIONS["scim"], QUESTIONS["password"], "監査ログの保管期間は？", QUESTIONS["weather"]]
    layouts = {"own columns": [["No", "質問"], *[[n, q] for n, q in enumerate(questions, 1)]],
               "customer's": [["No", "質問", "回答", "備考"], *[[n, q, None, None] for n, q in enumerate(questions, 1)]],
               "no remarks": [["No", "質問", "回答"], *[[n, q, None] for n, q in enumerate(questions, 1)]]}
    for layout, rows in layouts.items():
        out, _, _ = fill.fill_bytes(a, _csv_bytes(rows), "q.csv", out_suffix=".xlsx")
        wb = load_workbook(io.BytesIO(out))
        texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        leaked = [t for t in texts if str(tmp_path) in t]
        assert not leaked, (layout, leaked)
        assert any("policies/workato.txt" in t for t in wb.active.iter_rows(min_row=2, values_only=True)
                   for t in map(str, t)), layout
        assert "policies/workato.txt" in [c.value for c in wb["回答サマリー"]["A"]], layout
    out, _, _ = fill.fill_bytes(a, _csv_bytes(layouts["own columns"]), "q.csv")
    assert str(tmp_path) not in out.decode("utf-8-sig") and "policies/workato.txt:" in out.decode("utf-8-sig")


def test_a_shift_jis_csv_whose_answers_it_cannot_hold_is_written_as_utf8_and_says_so(make_corpus, tmp_path):
    """A quote stays verbatim: one with a character Shift_JIS lacks (™) makes the whole file UTF-8 with a BOM."""
    text = (PROJECT_ROOT / DOC).read_text(encoding="utf-8").replace("SCIMによる同期", "SCIM™による同期")
    a = Assistant(Settings(corpus=make_corpus({"x.txt": text}), index=tmp_path / "idx"), progress=False)
    rows = [["No.", "質問", "回答", "備考"], ["1", QUESTIONS["scim"], "", ""], ["2", QUESTIONS["password"], "", ""]]
    src = tmp_path / "sjis.csv"
    with open(src, "w", encoding="cp932", newline="") as f:
        csv.writer(f).writerows(rows)
    dst = tmp_path / "out.csv"
    summary = fill.fill_file(a, src, dst, progress=False)
    raw = dst.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    out = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert "SCIM™による同期" in out[1][3] and "ユーザー管理 › SSO" in out[1][3], "verbatim, separators as they were"
    assert summary.notes == ["sjis.csv was read as Shift_JIS (CP932), but the answers hold characters Shift_JIS "
                             "cannot encode (™), so the CSV was written as UTF-8 with a BOM instead (Excel reads it)"]


@pytest.mark.parametrize("header, lang", [(["No", "質問", "回答", "備考"], "ja"), (["No", "Question", "Answer", "Remarks"], "en")])
def test_status_values_are_written_in_the_sheets_language_and_read_back_in_either(assistant, header, lang):
    """A Japanese sheet's added columns hold Japanese values (回答済み / 要確認 / 記載なし, 要確認 = はい), not
    'answered' / 'needs review' / 'yes' (found by the Japanese-customer review), and its summary sheet says
    「要確認」が「はい」; an English sheet keeps English values. A reader knows both (and the English ones of
    earlier fills), and a sheet filled in one language and filled again is rewritten in its own."""
    questions = [QUESTIONS["scim"], QUESTIONS["weather"]]
    out, _, summary = fill.fill_bytes(assistant, _sheet(header, questions), "q.xlsx")
    wb = load_workbook(io.BytesIO(out))
    ws = wb.active
    col = {c.value: c.column for c in ws[1]}
    status, review = col[fill_model.header("status", lang)], col[fill_model.header("review", lang)]
    expected = {"ja": [("回答済み", None), ("記載なし", "はい")],
                "en": [("answered", None), ("not documented", "yes")]}[lang]
    assert [(ws.cell(r, status).value, ws.cell(r, review).value) for r in (2, 3)] == expected
    assert [fill_model.status_of(ws.cell(r, status).value) for r in (2, 3)] == ["answered", "not documented"]
    assert [fill_model.flagged(ws.cell(r, review).value) for r in (2, 3)] == [False, True]
    labels = [c.value for c in wb[wb.sheetnames[-1]]["A"] if c.value]
    assert ("確認が必要な行（要確認が「はい」の行）" if lang == "ja" else "Rows to check (Needs review: yes)") in labels
    assert not any(re.search(r"\byes\b", v) for v in labels if lang == "ja"), labels
    for value, outcome in (("回答済み", "answered"), ("要確認", "needs review"), ("記載なし", "not documented"),
                           ("回答不可", "skipped"), ("Needs Review", "needs review"), (" answered ", "answered")):
        assert fill_model.status_of(value) == outcome, value
    assert fill_model.status_of("はい") is None and fill_model.flagged("はい") and fill_model.flagged("Yes")
    assert not fill_model.flagged("") and not fill_model.flagged(None)
    # filled again, the values are the sheet's (never the other language's left over)
    buf = io.BytesIO()
    wb.save(buf)
    again = load_workbook(io.BytesIO(fill.fill_bytes(assistant, buf.getvalue(), "q.xlsx")[0])).active
    assert [(again.cell(r, status).value, again.cell(r, review).value) for r in (2, 3)] == expected
    assert again.max_column == ws.max_column


# ------------------------------------------------------------------- a header that spans two rows


def _stacked_sheet(questions, *, dropdown=True) -> bytes:
    """A check sheet whose header spans rows 3-4: No / 分類 / 質問項目 merged down over both rows, ベンダー回答
    merged across D3:E3 over its sub-headers 回答（はい・いいえ） and 備考; a title banner and a note above."""
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "チェックシート"
    ws["A1"] = "クラウドサービス利用に関するセキュリティチェックシート"
    ws.merge_cells("A1:E1")
    ws["A2"], ws["C2"] = "委託先名：", "記入日：　　年　　月　　日"
    for c, v in zip("ABCD", ["No", "分類", "質問項目", "ベンダー回答"]):
        ws[f"{c}3"] = v
    ws["D4"], ws["E4"] = "回答（はい・いいえ）", "備考"
    for rng in ("A3:A4", "B3:B4", "C3:C4", "D3:E3"):
        ws.merge_cells(rng)
    for n, q in enumerate(questions, 1):
        ws.append([n, "認証", q, None, None])
    if dropdown:
        dv = DataValidation(type="list", formula1='"はい,いいえ,該当なし"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"D5:D{4 + len(questions)}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_header_spanning_two_rows_is_read_as_one_and_its_sub_headers_name_the_columns(assistant, tmp_path):
    """ベンダー回答 merged over 回答（はい・いいえ） and 備考: the answer goes into the sub-header's column (in the
    dropdown's values), the evidence into 備考, the questions start below row 4, and only the status columns
    are added, their headers spanning both rows as the sheet's own do."""
    from assistant.fill import jobs as fill_jobs

    questions = [QUESTIONS["scim"], QUESTIONS["password"], QUESTIONS["weather"], QUESTIONS["timeout_ja"]]
    src = tmp_path / "stacked.xlsx"
    src.write_bytes(_stacked_sheet(questions))
    dst = tmp_path / "out.xlsx"
    summary = fill.fill_file(assistant, src, dst, progress=False)
    ws = load_workbook(dst)["チェックシート"]
    added = [ws.cell(3, c).value for c in range(6, 9)]
    assert added == [h for k, h, _ in fill.COLUMNS if k in ("status", "confidence", "review")], added
    assert ws.cell(3, 9).value is None and "回答案" not in [c.value for c in ws[3]], "no answer column of our own"
    assert {"F3:F4", "G3:G4", "H3:H4"} <= {str(m) for m in ws.merged_cells.ranges}
    assert [ws.cell(4, c).value for c in range(1, 6)] == [None, None, None, "回答（はい・いいえ）", "備考"], "untouched"
    assert all(ws.cell(4, c).value is None for c in range(6, 9)), "row 4 is the header, not a question"
    assert (summary.header_row, summary.column, summary.total) == (3, "質問項目", len(questions))
    assert ws["D5"].value == "はい" and "SCIMによる同期" in ws["E5"].value, "the answer and its evidence, in place"
    for r in range(5, 5 + len(questions)):
        status = fill_model.status_of(ws.cell(r, 6).value)
        assert ws.cell(r, 5).value, f"row {r}: its evidence (or 'not documented') in 備考"
        if status == "answered" and r != 6:  # row 6 is an open question: its quote, not はい, would not fit
            assert ws.cell(r, 4).value in ("はい", "いいえ"), r
    yes = sum(ws.cell(r, 4).value == "はい" for r in range(5, 5 + len(questions)))
    no = sum(ws.cell(r, 4).value == "いいえ" for r in range(5, 5 + len(questions)))
    assert (summary.yes, summary.no) == (yes, no) and yes >= 1

    # the web review reads it the same way: its pickers offer the sub-headers, and the right ones are chosen
    job = fill_jobs.prepare_with(src.read_bytes(), "stacked.xlsx", fill_jobs.Choices(), ".xlsx")
    assert (job.top, job.header_row) == (2, 3)
    assert (job.placement.answer_col, job.placement.remarks_col) == (3, 4)
    assert [fill_model.cell_text(v) for v in job.header][:5] == ["No", "分類", "質問項目", "回答（はい・いいえ）", "備考"]


def test_a_title_or_a_first_question_next_to_the_header_is_no_second_header_row():
    """Only a merged parent beside other header cells (or header cells merged down) makes two rows one
    header: a title banner right above the header, a title with a date beside it, and a first question
    row right below the header are no part of it."""
    def job_of(build):
        wb = Workbook()
        ws = wb.active
        build(ws)
        buf = io.BytesIO()
        wb.save(buf)
        return fill_run.prepare(buf.getvalue(), "q.xlsx", None, ".xlsx")

    def banner(ws):
        ws["A1"] = "セキュリティチェックシート"
        ws.merge_cells("A1:D1")
        ws.append(["No", "質問", "回答", "備考"])
        ws.append([1, QUESTIONS["scim"], None, None])

    def title_and_date(ws):
        ws["A1"], ws["D1"] = "Vendor questionnaire", "Version 2"
        ws.merge_cells("A1:B1")
        ws.append(["No", "Question", "Category", "Answer"])
        ws.append([1, QUESTIONS["timeout_en"], "Auth", None])

    def question_below(ws):
        ws.append(["No", "質問", "ベンダー回答", None])
        ws.merge_cells("C1:D1")
        ws.append([1, QUESTIONS["scim"], "はい", "補足"])
        ws.append([2, QUESTIONS["password"], None, None])

    for build, header_row in ((banner, 1), (title_and_date, 1), (question_below, 0)):
        job = job_of(build)
        assert (job.top, job.header_row) == (header_row, header_row), build.__name__
    assert job.rows[0].kind == "question", "the first question row stays a question"

    def parent_over_the_question(ws):  # the question header is itself a sub-header
        ws.append(["No", "設問", None, "回答"])
        ws.append([None, "質問", "ガイダンス", None])
        for rng in ("A1:A2", "B1:C1", "D1:D2"):
            ws.merge_cells(rng)
        ws.append([1, QUESTIONS["scim"], "SCIM", None])

    job = job_of(parent_over_the_question)
    assert (job.top, job.header_row, job.column) == (0, 1, 1)
    assert [r.index for r in job.rows if r.kind == "question"] == [2]
    assert fill_model.cell_text(job.header[3]) == "回答"


def test_a_yes_or_no_is_counted_only_where_one_is_written(assistant):
    """A sheet with no answer column of its own gets a proposed answer, never a はい: no yes is counted; a
    customer's answer cell already filled is kept, so the filler's yes is not counted either."""
    assert assistant.ask(QUESTIONS["scim"]).verdict == "yes", "the case this test needs"
    out, _, summary = fill.fill_bytes(assistant, _csv_bytes([["No", "質問"], ["1", QUESTIONS["scim"]]]), "q.csv",
                                      out_suffix=".xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    assert ws.cell(2, 3).value == "回答済み" and "はい" not in ws.cell(2, 4).value
    assert (summary.answered, summary.yes, summary.no) == (1, 0, 0)
    rows = [["No", "質問", "回答"], ["1", QUESTIONS["scim"], "いいえ（確認中）"], ["2", QUESTIONS["scim"] + " ", ""]]
    out, _, summary = fill.fill_bytes(assistant, _csv_bytes(rows), "q.csv", out_suffix=".xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    assert (ws.cell(2, 3).value, ws.cell(3, 3).value) == ("いいえ（確認中）", "はい")
    assert (summary.yes, summary.no) == (1, 0), "the kept cell says no yes of ours"


# ------------------------------------------------------------ the customer's remarks cell already filled


def test_evidence_goes_to_an_added_column_where_the_customers_remarks_cell_is_filled(assistant):
    """A remarks cell the customer filled ("please confirm") is never overwritten, and its row's evidence is
    not lost: it goes to an added evidence column; the other rows keep theirs in the remarks column."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Control ID", "Question", "Answer", "Comments"])
    ws.append(["IAM-01", QUESTIONS["timeout_en"], None, None])
    ws.append(["BCR-01", QUESTIONS["password_en"], None, "Pre-filled by customer: please confirm"])
    buf = io.BytesIO()
    wb.save(buf)
    out, _, summary = fill.fill_bytes(assistant, buf.getvalue(), "q.xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    header = [c.value for c in ws[1]]
    assert header == ["Control ID", "Question", "Answer", "Comments", "Status", "Confidence", "Needs review",
                      "Evidence (quote and source)"]
    assert ws["D3"].value == "Pre-filled by customer: please confirm", "the customer's text is kept"
    assert "8文字以上" in ws["H3"].value, "and the row's evidence is written beside it"
    assert "自動ログアウト" in ws["D2"].value and ws["H2"].value is None, "the other rows' evidence stays in Comments"
    assert summary.total == 2

    # filled again: the evidence column is ours and kept, not added twice
    again = load_workbook(io.BytesIO(fill.fill_bytes(assistant, out, "q.xlsx")[0])).active
    assert [c.value for c in again[1]] == header
    assert again["D3"].value == "Pre-filled by customer: please confirm" and "8文字以上" in again["H3"].value

    # the web review previews the same: the customer's remarks, and the evidence that goes beside them
    from assistant.fill import jobs as fill_jobs

    job = fill_jobs.prepare_with(buf.getvalue(), "q.xlsx", fill_jobs.Choices(), ".xlsx")
    fj = fill_jobs.FillJob("id", "q.xlsx", buf.getvalue(), fill_jobs.Choices(), ".xlsx")
    preview = fill_jobs._preview(job, fill_jobs.answer_all(assistant, job), fj)
    assert preview["evidence_column"] == "Evidence (quote and source)"
    row = next(r for r in preview["rows"] if r["row"] == 3)
    assert row["remarks"] == "Pre-filled by customer: please confirm" and "8文字以上" in row["evidence"]


# --------------------------------------------------------------------- answer columns by their words


@pytest.mark.parametrize("header, role", [
    ("Vendor reply", "answer"), ("Supplier answer", "answer"), ("Your answer", "answer"), ("ベンダー回答", "answer"),
    ("Response", "answer"), ("ご回答", "answer"), ("回答欄", "answer"), ("Yes/No", "answer"), ("はい・いいえ", "answer"),
    ("Additional comments", "remarks"), ("回答補足", "remarks"), ("Supplier comments", "remarks"),
    ("Response time", None), ("回答者", None), ("回答日", None), ("Answer guidance", None),
    ("Reviewer comments", None), ("No", None), ("Item", None),
])
def test_answer_and_remarks_columns_are_recognised_by_their_words(header, role):
    from assistant.fill.locate import header_role

    assert (header_role(header) or (None,))[0] == role


def test_a_vendor_reply_column_gets_the_answer(assistant):
    """Item / Vendor reply: the customer's column is answered in place, not left empty beside added ones."""
    out, _, summary = fill.fill_bytes(assistant, _sheet(["No", "Item", "Vendor reply"], ["Is SSO supported?"]),
                                      "q.xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    assert [c.value for c in ws[1]] == ["No", "Item", "Vendor reply", "Status", "Confidence", "Needs review",
                                        "Evidence (quote and source)"]
    assert ws["C2"].value == "Yes" and ws["D2"].value == "answered" and summary.yes == 1


# ------------------------------------------------------------- naming the customer's columns


def test_the_answer_and_remarks_columns_can_be_named(assistant, tmp_path):
    """Columns the filler would not take for the answer and remarks ("Selection", "Free text") are used
    when named; a name not in the header is refused with the headers there, before anything is asked."""
    wb = Workbook()
    ws = wb.active
    ws.append(["No", "Question", "Selection", "Free text"])
    ws.append([1, "Is SSO supported?", None, None])
    src = tmp_path / "q.xlsx"
    wb.save(src)
    dst = tmp_path / "out.xlsx"
    summary = fill.fill_file(assistant, src, dst, progress=False, answer_column="selection",
                             remarks_column="Free text")
    ws = load_workbook(dst).active
    assert [c.value for c in ws[1]] == ["No", "Question", "Selection", "Free text", "Status", "Confidence",
                                        "Needs review"]
    assert ws["C2"].value == "Yes" and "SSO" in ws["D2"].value and summary.yes == 1
    with pytest.raises(InputError, match=r"no column headed 'Answer'.*'Selection', 'Free text'"):
        fill.fill_file(assistant, src, tmp_path / "x.xlsx", progress=False, answer_column="Answer")
    with pytest.raises(InputError, match="name two different columns"):
        fill.fill_file(assistant, src, tmp_path / "x.xlsx", progress=False, answer_column="Selection",
                       remarks_column="Selection")
    assert not (tmp_path / "x.xlsx").exists()
    assert "別々の列" in InputError(key="fill.error.same_customer_column", column="x").localized("ja")


def _cli_has(option: str) -> bool:
    from assistant.cli import app

    command = next((c for c in app.registered_commands if c.name == "fill" or c.callback.__name__ == "fill"), None)
    return command is not None and option.lstrip("-").replace("-", "_") in command.callback.__code__.co_varnames


@pytest.mark.skipif(not _cli_has("--answer-column"), reason="assistant/cli.py has no --answer-column yet")
def test_cli_fill_names_the_answer_and_remarks_columns(assistant, cli_env, tmp_path):
    from assistant.cli import app

    src = tmp_path / "q.csv"
    src.write_bytes(_csv_bytes([["No", "Question", "Selection", "Free text"], ["1", "Is SSO supported?", "", ""]]))
    dst = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["fill", str(src), "-o", str(dst), "--answer-column", "Selection",
                                      "--remarks-column", "Free text"])
    assert result.exit_code == 0, result.output
    out = list(csv.reader(io.StringIO(dst.read_text(encoding="utf-8-sig"), newline="")))
    assert out[0] == ["No", "Question", "Selection", "Free text", "Status", "Confidence", "Needs review"]
    assert out[1][2] == "Yes" and "SSO" in out[1][3]
    assert "answered 1 (yes 1, no 0)" in result.stdout
    result = CliRunner().invoke(app, ["fill", str(src), "-o", str(tmp_path / "x.csv"), "--answer-column", "Answer"])
    assert result.exit_code != 0 and "no column headed 'Answer'" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_the_summary_flags_sources_over_a_year_old_whether_dated_by_day_or_month():
    import datetime as dt

    import openpyxl

    from assistant import messages
    from assistant.fill.summary import FillSummary, add_summary
    from assistant.types import Lang

    wb = openpyxl.Workbook()
    sources = {"a.pdf": "2024-03-12", "b.md": "2024-03", "c.docx": "2025-11", "d.xlsx": None}
    add_summary(wb, "Sheet", Lang.EN.value, FillSummary(), [], sources, today=dt.date(2025, 3, 20))
    notes = {row[0].value: row[1].value for row in wb.worksheets[-1].iter_rows() if row[0].value in sources}
    stale = messages.t("fill.summary_stale", "en")
    assert stale in notes["a.pdf"] and notes["a.pdf"].startswith("2024-03-12")
    assert stale not in notes["b.md"], "'March 2024' may mean the 31st: not surely a year old on 20 March 2025"
    assert stale not in notes["c.docx"] and notes["d.xlsx"] == messages.t("fill.summary_no_date", "en")


def test_a_past_answer_marked_not_applicable_fills_the_dropdowns_na(make_corpus, tmp_path, assistant):
    """Last year's "N/A | We operate no data centers." answers this year's same question: the dropdown's N/A is
    written, not left for a person beside a 0.999 answer; a question it does not answer stays empty."""
    from openpyxl.worksheet.datavalidation import DataValidation

    corpus = make_corpus({"overview.md": "# Overview\n\nWe build software for logistics teams on AWS.\n"})
    past = Workbook()
    sheet = past.active
    sheet.append(["Completed: March 12, 2025"])
    sheet.append(["Question", "Answer", "Notes"])
    sheet.append(["Are physical access controls in place at your data centers?", "N/A",
                  "We operate no data centers; physical security is inherited from AWS."])
    sheet.append(["Do you run a bug bounty program?", "No", "Not at this time."])
    past.save(str(corpus / "questionnaire-2025.xlsx"))
    other = Assistant(Settings(corpus=corpus, index=tmp_path / "idx"), progress=False)

    wb = Workbook()
    ws = wb.active
    ws.append(["No", "Question", "Answer", "Comments"])
    ws.append([1, "Are physical access controls in place at your data centers?", None, None])
    ws.append([2, "Do you run a bug bounty program?", None, None])
    dv = DataValidation(type="list", formula1='"Yes,No,N/A"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C2:C3")
    buf = io.BytesIO()
    wb.save(buf)
    out, _, _ = fill.fill_bytes(other, buf.getvalue(), "q.xlsx")
    ws = load_workbook(io.BytesIO(out)).active
    assert other.ask("Are physical access controls in place at your data centers?").answered
    assert ws.cell(2, 3).value == "N/A" and "no data centers" in ws.cell(2, 4).value
    assert ws.cell(3, 3).value == "No"


def test_a_rows_question_beside_its_link_is_text_never_a_formula():
    import openpyxl

    from assistant.fill.summary import FillSummary, _short, add_summary
    from assistant.types import Lang

    wb = openpyxl.Workbook()
    add_summary(wb, "Sheet", Lang.EN.value, FillSummary(), [(2, "C2", _short('=HYPERLINK("http://x","y")\x07'))], {})
    cell = next(row[1] for row in wb.worksheets[-1].iter_rows() if row[0].hyperlink is not None)
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"
    assert _short("質問" * 100).endswith("…") and len(_short("質問" * 100)) == 80
