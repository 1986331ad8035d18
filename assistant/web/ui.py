"""What the pages say: the UI text from the one catalog, the page's language, sizes as people read them."""

from __future__ import annotations

from fastapi import Request

from .. import messages

#: UI text in both languages, from the one catalog (messages/<lang>/web.json); the page renders one and
#: app.js receives both as JSON and switches with the toggle.
UI_TEXT: dict[str, dict[str, str]] = {lang: messages.area(lang, "web") for lang in ("ja", "en")}

# what a reviewer should check, from the one catalog: every answer.reason.* (abstain gives the codes)
for _lang in UI_TEXT:
    for _key, _text in messages.area(_lang, "answer").items():
        if _key.startswith("reason."):
            UI_TEXT[_lang][f"reason_{_key.removeprefix('reason.')}"] = _text
    # the not-documented cell is the filler's own sentence: the chat's copy button and the sheet agree
    UI_TEXT[_lang]["cell_not_documented"] = messages.t("fill.remarks_not_documented", _lang)
    # a not-documented card's sentence, in the page's language as its badge and labels are (the answer's
    # own text is in the question's language: an English question on the Japanese page had its English
    # sentence under Japanese labels)
    UI_TEXT[_lang]["answer_not_documented"] = messages.t("answer.not_documented", _lang)
    for _v in ("yes", "no", "unclear"):
        UI_TEXT[_lang][f"verdict_{_v}"] = messages.t(f"answer.verdict.{_v}", _lang)
    # what the server would answer to an empty or over-long question, said by the page before sending it
    # (a reviewer's 5,000 characters were echoed in full above the server's refusal)
    UI_TEXT[_lang]["question_empty"] = messages.area(_lang, "answer")["error.empty"]
    UI_TEXT[_lang]["question_too_long"] = messages.area(_lang, "answer")["error.too_long"]


def ui_language(request: Request) -> str:
    """The page's initial language: ?lang= wins, then the browser's first preference."""
    wanted = request.query_params.get("lang", "")
    if wanted in UI_TEXT:
        return wanted
    return messages.preferred(request.headers.get("accept-language")).value


def human_bytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"
