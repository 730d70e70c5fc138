"""The words a reader sees, by language: message catalogues, one YAML file per language.

``resources/messages/zh.yml`` and ``en.yml`` hold the same keys (a test fails when a message
has no English, or when the two disagree on a message's fields); a message is a
``str.format`` template with named fields. Code asks for a message by key and language
(:func:`t`) instead of branching on the language, so a new language is one more file.
Place names (衢州市 → Quzhou) and the plan's own fixed phrases (完成省下达任务) are messages too.
"""
from __future__ import annotations

import string
from functools import lru_cache

import yaml

from qzlib.paths import RESOURCES

LANGS = ("zh", "en")
MESSAGES = RESOURCES / "messages"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = "" if value is None else str(value)
    return out


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang``, by dotted key ('verdict.met_since')."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    tree = yaml.safe_load((MESSAGES / f"{lang}.yml").read_text(encoding="utf-8")) or {}
    return _flatten(tree)


def t(key: str, lang: str = "zh", /, **fields) -> str:
    """The message ``key`` in ``lang``, its fields filled in.

    >>> t("verdict.words.met", "zh"), t("verdict.words.met", "en")
    ('已达成', 'met')
    >>> t("verdict.only_base", "en", year=2022, value="26.7")
    'only the 2022 baseline (26.7), no later figure yet'
    """
    try:
        template = catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"message {key!r} has no {lang} text in {MESSAGES / (lang + '.yml')}") from None
    return template.format(**fields) if fields else template


def has(key: str, lang: str) -> bool:
    return key in catalogue(lang)


def fields_of(template: str) -> set[str]:
    """The named fields a message template uses.

    >>> sorted(fields_of("{year}年 {value}，规划路径值 {path}"))
    ['path', 'value', 'year']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def place(name: str, lang: str = "zh", first: bool = False) -> str:
    """A place name as the language writes it: 'Quzhou', and 'Quzhou (衢州市)' at its first use
    in an English text; Chinese unchanged. An unknown place keeps its Chinese name.

    >>> place("衢州市", "en"), place("衢州市", "en", first=True), place("衢州市")
    ('Quzhou', 'Quzhou (衢州市)', '衢州市')
    """
    if lang == "zh":
        return name
    en = catalogue(lang).get(f"place.{name}")
    if not en:
        return name
    return f"{en} ({name})" if first else en


def phrase(text: str, lang: str = "zh") -> str:
    """A fixed phrase of the plan's text (a qualitative target such as 完成省下达任务) in ``lang``;
    unknown phrases are kept as written."""
    if lang == "zh" or not text:
        return text
    return catalogue(lang).get(f"phrase.{text}", text)
