"""The catalog: every key exists in both languages, and templates take the same fields."""

import string

from assistant import messages


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_key_in_both_languages_with_the_same_fields():
    ja, en = messages.catalog("ja"), messages.catalog("en")
    assert set(ja) == set(en), set(ja) ^ set(en)
    for key in ja:
        assert _fields(ja[key]) == _fields(en[key]), key


def test_japanese_strings_are_japanese():
    from assistant.script import CJK

    ja = messages.catalog("ja")
    english_only = [k for k, v in ja.items() if v.strip() and not CJK.search(v) and any(c.isalpha() for c in v)]
    # a Japanese value may be only a symbol or a format (" p.{page}"), never an English sentence
    assert all(len(ja[k].split()) <= 2 for k in english_only), english_only
