"""Fill a whole security questionnaire (.xlsx or .csv) with cited answers, one row per question.

The questionnaire belongs to the customer, so nothing of theirs is changed: every sheet, cell, format
and row order stays as it was, and the answers go into new columns to the right of the table on the
sheet that holds the questions (an .xlsx is loaded with openpyxl and only gains cells; it is never
rebuilt). openpyxl cannot carry some Excel features through a load/save (images, charts, some
extensions); when it warns about one, the summary says so.

Which rows are questions
    The question column is found by its header (質問, 設問, Question, 確認項目, 項目, Requirement ...,
    compared after NFKC and case folding; bilingual headers like "質問 (Question)" count) in the
    first rows of a sheet, or named with ``--column``. A header spanning two rows (a merged parent cell over
    sub-headers beside header cells merged down over both rows, locate.header_span) is read as one: each
    column is named by its sub-header, else by the cell above. Below the header, a row is passed over (its new
    cells left blank) when its question cell is blank, holds no words, repeats the header, or when the
    row is a section header:

    * a banner: the cell is merged across the table (it spans the question column and others);
    * a lone title: short (at most 30 characters), not question-like, and no other cell in the row
      holds anything, e.g. "1. アクセス管理" on a row of its own;
    * a marked title: short, not question-like and starting with a heading mark (■ □ ◆ ● ▼ ▶ 【 第1章);
    * a bold title: short, not question-like and bold, in a column whose questions are mostly not bold.

    "Question-like" means a question mark, a Japanese question or request ending (か, ください, こと ...),
    an English question or request opening (Does, Is, How, Describe ...), or more than 30 characters.

Asking
    Each question is asked on its own with ``Assistant.ask``, without its leading enumerator ("Q12.",
    "1-3)", "AC-01:"), which stays in the cell: the retriever would take "q12" for a term the documents
    never use. A question repeated word for word is asked once.

The customer's own columns
    When the header row has an answer column (回答, 回答欄, 貴社回答, Answer, Response ..., or a header holding
    such a word: "Vendor reply", ベンダー回答; or made of a yes and a no mark: "Yes/No"; locate.header_role)
    the answer goes there and the evidence into the remarks column (備考, 補足, コメント, Remarks ..., or a
    header holding such a word) when there is one, in the sheet's language, using the values of the
    column's dropdown (はい/いいえ, Yes/No, ○/×); only status, confidence and the review flag are added as
    columns, and an evidence column when the sheet has no remarks column or a question row's remarks cell
    already holds the customer's text (see place.py for what is left to a person). A person can name both
    columns (``answer_column=`` / ``remarks_column=``, the web review's pickers). The summary's yes and no
    count the values written into the answer cells only.

Cells
    An answered row gets the quote, its section and its source with the quote's character offsets and
    the document's as-of date (``corpus/x.txt:613-660、2024-04-28 時点``), so a reviewer can find the
    passage. A document outside the repository is named by its path inside the corpus folder
    (``policies/x.pdf``), never by the server's absolute path (answer.shown, as every front-end names it). A "not documented" row leaves Quote, Section and Source blank: the closest passage is no
    answer, and the status and the review flag say what to do.

Review flags
    The review flag (要確認 / Needs review, headed and written in the sheet's language as every added column,
    and so is the status: 回答済み / 要確認 / 記載なし / 回答不可, はい; answered / needs review / not documented /
    skipped, yes) is set for every "not documented" answer, every question the assistant
    refused (too long, control characters), every row whose quote or answer had to be altered to fit the
    spreadsheet (see Output), and every "needs review" answer: the decision's own review band (fitted
    leaving one corpus out, answer.py MODEL), whose candidate quote, section and source are filled in
    so the reviewer can confirm it. In .xlsx output the added cells of a flagged row are filled light yellow.

Output
    The suffix of the output decides its format. CSV is written UTF-8 with a BOM (Excel reads it right),
    or back in Shift_JIS (CP932) when the questionnaire was a Shift_JIS CSV and every cell fits it (section
    paths then read "A > B"; a quote Shift_JIS cannot hold keeps UTF-8, with a note), and holds the question
    sheet only; an added cell starting with = + - @ gets a leading apostrophe
    there, because Excel would run it as a formula. In .xlsx such text is stored as text, verbatim, but
    control characters (a form feed inside a passage) cannot be stored and are removed. Quotes are
    promised verbatim, so a row whose text had to be altered either way is flagged for review and its
    answer cell says so and where the exact text is (source:start-end).
    Files are written to a temporary file beside the target and renamed into place.

Layout
    model.py (rows, answers, the job), read.py (bytes -> sheets), locate.py (the question column, the
    question rows, the customer's columns), ask.py (asking each question), place.py (the customer's
    cells and dropdowns), write.py (.xlsx/.csv output), summary.py (counts and the summary sheet),
    run.py (the whole fill, for the CLI and the web), jobs.py (fills a person reviews in the browser before
    export: answered in the background, previewed, exported with accept/reject/edit/pick decisions).
    Nothing here prints: progress is a callback.
"""

from __future__ import annotations

from .ask import Progress, asked_text
from .locate import question_like
from .model import COLUMNS, HEADERS, STATUS_SKIPPED, Job, RowAnswer
from .read import MAX_CELLS
from .run import MAX_WEB_QUESTIONS, fill_bytes, fill_file, fill_prepared, prepare_file
from .summary import FillSummary

__all__ = [
    "COLUMNS", "HEADERS", "MAX_CELLS", "MAX_WEB_QUESTIONS", "STATUS_SKIPPED", "FillSummary", "Job", "Progress",
    "RowAnswer", "asked_text", "fill_bytes", "fill_file", "fill_prepared", "prepare_file", "question_like",
]
