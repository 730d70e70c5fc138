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
import functools
import inspect
import re
import string
from contextvars import ContextVar
from functools import lru_cache

from qzlib.paths import RESOURCES

LANGS = ("zh", "en")
LOCALE = RESOURCES / "locale"
DOMAIN = "qzlib"
TERMS = ("place", "unit", "phrase", "department", "source_kind")   # contexts of data words

_lang: ContextVar[str] = ContextVar("qz_lang", default="zh")
# How each language writes numbers (qzlib.fmt): from which size thousands are grouped.
# quotes_plan: the language is the plan's own, so its words may be quoted as written.
CONVENTIONS = {"zh": {"group_from": 10000, "quotes_plan": True}, "en": {"group_from": 1000, "quotes_plan": False}}


def N_(message: str) -> str:
    """Marks a message (Chinese text) for the catalogue where it is stored, to be said later in
    the language in use (``T(message)``)."""
    return message


def current() -> str:
    """The language in use ('zh' unless set)."""
    return _lang.get()


def convention(name: str):
    """A number-writing convention of the language in use (see CONVENTIONS)."""
    return CONVENTIONS[current()][name]


def quotes_plan() -> bool:
    """True when the language in use is the plan's own (Chinese): its sentences may be quoted."""
    return bool(convention("quotes_plan"))


_NUMERALS = dict(zip("一二三四五六七八九十", range(1, 11)))


def outline(text: str) -> str:
    """Where a sentence stands in the plan (正文 二（一）1, 附件2 第1行) in the language in use.

    >>> outline("正文 二（一）1")
    '正文 二（一）1'
    >>> with using("en"):
    ...     outline("正文 二（一）1"), outline("附件2 第14行"), outline("附件1 第1行 2025年")
    ('body 2(1)1', 'Annex 2 row 14', 'Annex 1 row 1 2025')
    """
    t = str(text or "")
    if quotes_plan():
        return t
    t = re.sub(r"附件(\d+)", lambda m: T("附件{n}", n=m.group(1)), t)
    t = re.sub(r"第(\d+)行", lambda m: T("第{n}行", n=m.group(1)), t)
    t = re.sub(r"\s*(\d{4})年", lambda m: " " + T("{year}年", year=m.group(1)), t)
    t = t.replace("正文", T("正文")).replace("（", "(").replace("）", ")")
    return re.sub("[一二三四五六七八九十]", lambda m: str(_NUMERALS[m.group(0)]), t)


def unquoted(text: str) -> str:
    """A text with its quotes of the plan (Chinese) left out when the language in use is not the
    plan's: each run of Chinese becomes '[…]'.

    >>> unquoted("named differently: 正文「经费」→附件「费用」")
    'named differently: 正文「经费」→附件「费用」'
    >>> with using("en"):
    ...     unquoted("named differently: 正文「经费」→附件「费用」")
    'named differently: […]→[…]'
    """
    if quotes_plan():
        return str(text)
    return re.sub(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef「」《》“”]+[\w%]*", "[…]", str(text))


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


def localized(fn):
    """Runs ``fn`` in the language its ``lang`` argument names (a notebook view's headers and
    sentences), so its wording is looked up in the catalogue, never branched on."""
    lang_of = inspect.signature(fn)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        bound = lang_of.bind(*args, **kwargs)
        bound.apply_defaults()
        with using(bound.arguments["lang"]):
            return fn(*args, **kwargs)
    return run


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


def is_said(text: str) -> bool:
    """True when ``text`` is a message as said in the language in use other than the plan's
    (a header a section already wrote in English is not a machine column name).

    >>> is_said("indicator")
    False
    >>> with using("en"):
    ...     is_said("indicator"), is_said("target_year")
    (True, False)
    """
    return current() != "zh" and text in _said(current())


@lru_cache(maxsize=None)
def _said(lang: str) -> frozenset[str]:
    return frozenset(v for (ctx, _), v in catalogue(lang).items() if not ctx)


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


def file_name(name: str, lang: str | None = None) -> str:
    """A brief's file in its language: Chinese files keep their names, another language's
    carry it before the suffix, so both briefs share one folder.

    >>> file_name("brief.pdf", "zh"), file_name("brief.pdf", "en"), file_name("verdicts.csv", "en")
    ('brief.pdf', 'brief.en.pdf', 'verdicts.en.csv')
    """
    lang = lang or current()
    if lang == "zh":
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{lang}.{suffix}" if dot else f"{name}.{lang}"


def language_of(name: str) -> str:
    """The language a brief's file belongs to, from its name (see :func:`file_name`).

    >>> language_of("brief.en.docx"), language_of("brief.docx"), language_of("charts/图01.en.png")
    ('en', 'zh', 'en')
    """
    parts = str(name).rsplit("/", 1)[-1].split(".")
    return next((p for p in parts[1:-1] if p in LANGS and p != "zh"), "zh")


def column_value(row, name: str, unsuffixed: str = "zh") -> str:
    """A value kept per language in the data (``name_zh``, ``name_en``): the one of the language
    in use, the Chinese when that is empty.

    >>> with using("en"):
    ...     column_value({"name_zh": "亩均税收", "name_en": "Tax per mu"}, "name"), column_value({"name_zh": "新指标"}, "name")
    ('Tax per mu', '新指标')
    """
    def held(v) -> bool:
        return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() != ""

    lang = current()
    # name_en / name_zh; a column without suffix is in ``unsuffixed`` (the audit's detail is English)
    for column in (f"{name}_{lang}", name if lang == unsuffixed else None, f"{name}_zh",
                   name if unsuffixed == "zh" else None):
        if column and held(row.get(column)):
            return str(row.get(column))
    return ""


def fields_of(template: str) -> set[str]:
    """The named fields a message template uses.

    >>> sorted(fields_of("{year}年 {value}，规划路径值 {path}"))
    ['path', 'value', 'year']
    """
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
