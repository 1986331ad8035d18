"""Which script a text is written in: what tells a Japanese question or document from an English one."""

from __future__ import annotations

import re

from .types import Lang

#: Kana and kanji.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KATAKANA = re.compile(r"^[\u30a0-\u30ffー]+$")


def language(text: str) -> Lang:
    """Japanese when the text has kana or kanji, else English."""
    return Lang.JA if CJK.search(text or "") else Lang.EN
