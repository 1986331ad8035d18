"""Rendering answers as Slack messages (Block Kit), within Slack's limits, quotes kept verbatim."""

from __future__ import annotations

from pathlib import Path

from ... import messages
from ...answer import Answer, Citation, place, shown_source, shown_text
from ...types import Status

#: Block Kit limits (https://api.slack.com/reference/block-kit/blocks).
SECTION_TEXT_LIMIT = 3000
#: Slack documents no length limit for a rich_text element; a quote keeps to this conservative one.
QUOTE_TEXT_LIMIT = 3000
MAX_BLOCKS = 50
FALLBACK_TEXT_LIMIT = 3000
BUTTON_VALUE_LIMIT = 2000
#: The related passages shown when the documents do not answer.
RELATED_SHOWN = 3

SHARE_ACTION_ID = "secqa_share"
_ELLIPSIS = "…"

#: Slack's wording, from the one catalog (messages/<lang>/slack.json).
LABELS = {lang: messages.area(lang, "slack") for lang in ("ja", "en")}


def escape(text: str) -> str:
    """Slack's three entities, for mrkdwn and the fallback text (rich_text quotes need no escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack escapes &, < and > in slash-command text; the question is asked as the user typed it."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack_len(text: str) -> int:
    """Length as Slack counts it at worst (UTF-16 code units), so emoji never push a block over."""
    return len(text.encode("utf-16-le")) // 2


def _fit(raw: str, render, limit: int, notice: str) -> tuple[str, bool]:
    """render(raw) if it fits in limit, else render(longest prefix) + "…" + notice: never a silent cut."""
    full = render(raw)
    if _slack_len(full) <= limit:
        return full, False
    suffix = _ELLIPSIS + ("\n" + notice if notice else "")
    lo, hi = 0, len(raw)
    while lo < hi:  # the longest prefix whose rendering fits
        mid = (lo + hi + 1) // 2
        if _slack_len(render(raw[:mid]) + suffix) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return render(raw[:lo]) + suffix, True


def _quote_block(quote: str, lang: str, label: str = "") -> dict:
    """The passage as a rich_text quote: its text elements are literal, so the quote stays verbatim.

    A mrkdwn "> " block would turn *, _, ~ and ` in a passage into formatting (and drop the markers);
    rich_text text is shown as written, with no escaping either. A long quote keeps its longest prefix
    that fits QUOTE_TEXT_LIMIT, then "…", followed by the trimmed notice.
    """
    text, trimmed = _fit(quote, lambda q: q, QUOTE_TEXT_LIMIT, "")
    elements: list[dict] = []
    if label:
        elements.append(_rich_section(label))
    elements.append({"type": "rich_text_quote", "elements": [{"type": "text", "text": text}]})
    if trimmed:
        elements.append(_rich_section(LABELS[lang]["trimmed"]))
    return {"type": "rich_text", "elements": elements}


def _rich_section(text: str) -> dict:
    """A line of rich text in italics (labels and notices, written without mrkdwn markers)."""
    return {"type": "rich_text_section", "elements": [{"type": "text", "text": text, "style": {"italic": True}}]}


def _plain(text: str, limit: int) -> str:
    return _fit(text, escape, limit, "")[0]


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _location(c: Citation, lang: str, extra: str = "", corpus: Path | None = None) -> str:
    labels = LABELS[lang]
    section = " › ".join(c.section) if c.section else labels["top"]
    # where a person finds it: the file (by its path inside the corpus folder, never the server's absolute
    # path) with the quote's character offsets, as the fill's Source column writes them (they count in the
    # text `assistant text` prints and /source/ highlights), then its page or sheet and row
    source = f"`{shown_source(c.source, corpus)}:{c.start}-{c.end}`" + place(c, lang)
    if c.title:
        source = f"{c.title} ({source})"
    if c.as_of:
        source += labels["as_of"].format(date=c.as_of)
    text = f"*{labels['section']}:* {section}  •  *{labels['source']}:* {source}{extra}"
    if c.cut_off:  # the quote stops where its page was cut off: said before where it is from
        text = messages.t("answer.cut_off", lang).strip() + "  " + text
    return _plain(text, SECTION_TEXT_LIMIT)  # the markup (*, `, •) has nothing to escape


def _percent(value: float) -> str:
    return f"{round(max(0.0, min(1.0, value)) * 100)}%"


def render_answer(answer: Answer, *, response_type: str = "ephemeral", shared_by: str | None = None,
                  share_button: bool | None = None, corpus: Path | None = None) -> dict:
    """The Slack message for an answer: status, the verbatim quote, where it is from, how sure.

    Not-documented answers list the closest passages labelled as related, never as answers. Long
    quotes are trimmed with "…" and a notice pointing to the source; Block Kit's limits always hold.
    Documents outside the repository are named by their paths inside CORPUS (answer.shown_source).
    """
    lang = answer.lang if answer.lang in LABELS else "en"
    labels = LABELS[lang]
    blocks: list[dict] = []
    review = answer.status == Status.REVIEW
    status = labels["documented"] if answer.answered else labels["review"] if review else labels["not_documented"]
    if answer.verdict is not None:
        status += "  *" + messages.t(f"answer.verdict.{answer.verdict}", lang) + "*"
    head = f"{status}  ({labels['confidence']} {_percent(answer.confidence)})\n*{labels['question']}:* "
    blocks.append(_section(head + _plain(answer.question, SECTION_TEXT_LIMIT - _slack_len(head))))
    if shared_by:
        blocks.append(_context(labels["shared_by"].format(user=escape(shared_by))))

    if answer.answered and answer.citations:
        best = answer.citations[0]
        blocks.append(_quote_block(best.quote, lang))
        blocks.append(_context(_location(best, lang, corpus=corpus)))
    elif answer.citations:
        blocks.append(_section(labels["candidates_header" if review else "related_header"]))
        for n, c in enumerate(answer.citations[:RELATED_SHOWN], start=1):
            blocks.append(_quote_block(c.quote, lang, labels["candidate" if review else "related"].format(n=n)))
            blocks.append(_context(_location(c, lang, f"  •  {labels['similarity']} {c.score:.2f}", corpus)))

    if share_button is None:
        share_button = response_type == "ephemeral"
    if share_button and _slack_len(answer.question) <= BUTTON_VALUE_LIMIT:
        blocks.append({"type": "actions", "elements": [{
            "type": "button", "action_id": SHARE_ACTION_ID, "value": answer.question,
            "text": {"type": "plain_text", "text": labels["share_button"], "emoji": True},
        }]})
    if len(blocks) > MAX_BLOCKS:  # cannot happen with RELATED_SHOWN passages, but the limit must hold
        blocks = blocks[:MAX_BLOCKS - 1] + [_context(_ELLIPSIS)]
    return {"response_type": response_type, "text": _fallback(answer, lang, corpus), "blocks": blocks}


def _fallback(answer: Answer, lang: str, corpus: Path | None = None) -> str:
    """The notification text (and what clients without Block Kit show)."""
    labels = LABELS[lang]
    if not (answer.answered and answer.citations):  # a candidate's location names its document as shown
        return _plain(shown_text(answer, corpus), FALLBACK_TEXT_LIMIT)
    best = answer.citations[0]
    head = ("記載あり: " if lang == "ja" else "Documented: ")
    where = " › ".join(best.section) or labels["top"]
    at = shown_source(best.source, corpus) + place(best, lang)
    tail = f"（{where}／{at}）" if lang == "ja" else f" ({where}; {at})"
    budget = FALLBACK_TEXT_LIMIT - _slack_len(escape(head + tail)) - 2
    quote, _ = _fit(best.quote, escape, budget, labels["trimmed"])
    return escape(head) + (f"「{quote}」" if lang == "ja" else f"\"{quote}\"") + escape(tail)


def message(text: str) -> dict:
    return {"response_type": "ephemeral", "text": text}


def usage(command: str = "/secqa") -> dict:
    """How to use the command, with examples (ephemeral)."""
    c = escape(command)
    text = (
        f"*{c}* — セキュリティ質問にドキュメントの記載をそのまま引用して答えます / answers security "
        "questions by quoting the documents verbatim.\n"
        f"• `{c} 質問` / `{c} QUESTION` — 回答はあなたにだけ表示 / only you see the answer\n"
        f"• `{c} share 質問` — 回答をチャンネルに投稿 / post the answer to the channel "
        "(or press *チャンネルに投稿 / Post to channel* under an answer)\n"
        f"• `{c} help` — この説明 / this help\n"
        "*例 / Examples*\n"
        f"• `{c} SCIMに対応していますか？`\n"
        f"• `{c} Is data encrypted at rest?`\n"
        f"• `{c} share データセンターはどこにありますか？`\n"
        "記載がなければ「記載なし」と答え、近い箇所を参考として示します（回答ではありません）。"
        " / When the documents are silent it says *Not documented* and lists the closest passages, "
        "for reference only."
    )
    return {"response_type": "ephemeral", "text": text, "blocks": [_section(text)]}
