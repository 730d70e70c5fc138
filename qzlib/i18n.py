"""The words a reader sees, in the reader's language: gettext catalogues read with Babel.

The code writes its Chinese text as the message itself, ``T("{year}年已达到目标", year=y)``;
another language reads it from ``resources/locale/<lang>/LC_MESSAGES/qzlib.po`` (one file per
language, msgid = the Chinese text). There is no ``if lang`` in the code: the language is
set once for a brief, a command or an explorer page (:func:`using`, :func:`set_language`),
and :func:`T`, the place names and :mod:`qzlib.fmt` follow it. ``tests/test_i18n.py`` extracts
every ``T("…")`` of the package and the brief notebook and fails when one has no English or
when the two disagree on a message's fields.

Words that come from data rather than code — place names (衢州市 → Quzhou), units, fixed
phrases of a plan (完成省下达任务), departments — are looked up by context (:func:`term`)
and fall back to the Chinese when a plan brings one the catalogue does not know.
"""
from __future__ import annotations

import contextlib
import string
from contextvars import ContextVar
from functools import lru_cache

from qzlib.paths import RESOURCES

LANGS = ("zh", "en")
LOCALE = RESOURCES / "locale"
DOMAIN = "qzlib"
TERMS = ("place", "unit", "phrase", "department", "source_kind")   # contexts of data words

_lang: ContextVar[str] = ContextVar("qz_lang", default="zh")


def current() -> str:
    """The language in use ('zh' unless set)."""
    return _lang.get()


def set_language(lang: str) -> None:
    """Use ``lang`` from now on in this context (a brief's kernel, a command)."""
    _lang.set(_checked(lang))


@contextlib.contextmanager
def using(lang: str):
    """``with using("en"): …`` — the language for a block, restored after it."""
    token = _lang.set(_checked(lang))
    try:
        yield
    finally:
        _lang.reset(token)


def _checked(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


def po_file(lang: str):
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[tuple[str, str], str]:
    """{(context, Chinese msgid): translation} of ``lang`` (empty for Chinese)."""
    if _checked(lang) == "zh":
        return {}
    from babel.messages.pofile import read_po

    with open(po_file(lang), "rb") as fh:
        cat = read_po(fh)
    return {(m.context or "", m.id): m.string for m in cat if m.id and m.string}


def T(message: str, /, **fields) -> str:
    """``message`` (the Chinese text, a ``str.format`` template) in the current language,
    its fields filled in. A message without a translation stays Chinese (the catalogue
    test keeps that from happening for the package's own messages).

    >>> T("{year}年已达到目标", year=2024)
    '2024年已达到目标'
    >>> with using("en"):
    ...     T("只有{year}年基期值（{value}），尚无后续数据", year=2022, value="26.7")
    'only the 2022 baseline (26.7), no later figure yet'
    """
    lang = current()
    text = message if lang == "zh" else catalogue(lang).get(("", message), message)
    return text.format(**fields) if fields else text


def term(kind: str, word: str) -> str:
    """A word that comes with the data (a place, a unit, a plan's phrase, a department) in the
    current language; unknown words are kept as written.

    >>> with using("en"):
    ...     term("place", "衢州市"), term("unit", "万元/亩"), term("place", "某县")
    ('Quzhou', '10,000 yuan/mu', '某县')
    """
    if current() == "zh" or not word:
        return word
    return catalogue(current()).get((kind, str(word)), str(word))


def place(name: str, first: bool = False) -> str:
    """A place in the current language: 'Quzhou', or 'Quzhou (衢州市)' at its first use in an
    English text; Chinese unchanged.

    >>> place("衢州市")
    '衢州市'
    >>> with using("en"):
    ...     place("衢州市"), place("衢州市", first=True)
    ('Quzhou', 'Quzhou (衢州市)')
    """
    en = term("place", name)
    return f"{en} ({name})" if first and en != name else en


def fields_of(template: str) -> set[str]:
    """The named fields a message template uses.

    >>> sorted(fields_of("{year}年 {value}，规划路径值 {path}"))
    ['path', 'value', 'year']
    """
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
