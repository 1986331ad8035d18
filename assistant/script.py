"""Which script a text is written in: what tells a Japanese question or document from an English one."""

from __future__ import annotations

import re

from .types import Lang

#: Kana and kanji.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KATAKANA = re.compile(r"^[\u30a0-\u30ffー]+$")
HIRAGANA = re.compile(r"[\u3041-\u309f]")
#: Control characters other than tab and line ends: no text a person writes holds them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def language(text: str) -> Lang:
    """Japanese when the text has kana or kanji, else English."""
    return Lang.JA if CJK.search(text or "") else Lang.EN
