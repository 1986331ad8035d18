"""Every sentence a person reads, in Japanese and English, from one catalog.

The catalog is the JSON files beside this module: ``<lang>/<area>.json`` holds the keys of one area
(``answer``, ``web``, ``slack``, ``fill``, ``cli``, ``errors``), looked up as ``"<area>.<key>"``.
Values are ``str.format`` templates. The web page receives the catalog of its language as JSON, so
app.js writes no sentence of its own. A key missing in one language is a test failure, not a fallback.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..types import Lang

_HERE = Path(__file__).resolve().parent
LANGS = (Lang.JA, Lang.EN)


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All keys of one language, flattened to ``area.key``."""
    lang = Lang(lang)
    out: dict[str, str] = {}
    for path in sorted((_HERE / lang.value).glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            out[f"{path.stem}.{key}"] = value
    return out


def area(lang: str, name: str) -> dict[str, str]:
    """The keys of one area without the prefix (what the web page receives as JSON)."""
    prefix = f"{name}."
    return {k[len(prefix):]: v for k, v in catalog(lang).items() if k.startswith(prefix)}


def t(key: str, lang: str = Lang.EN, /, **values) -> str:
    """The sentence for key in lang, filled with values; KeyError for a key that does not exist."""
    template = catalog(lang)[key]
    return template.format(**values) if values else template




def preferred(accept_language: str | None) -> Lang:
    """The language a client asks for first (an HTTP Accept-Language value); English unless Japanese."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return Lang.JA if first.startswith("ja") else Lang.EN
