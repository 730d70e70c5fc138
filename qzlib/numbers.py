"""Read the numbers Chinese policy documents write: 1.5万亩, 3.2%, 1/3左右, 百亿级, 两个, “零突破”.

One parser for table cells and for numbers found in running text, so that the plan's
annex tables and its body sentences are read by the same rules.

Base-unit rule (how :func:`parse_number` reads a phrase alone, and how two numbers are compared):
  the unit is the unit word left after removing the magnitudes 万/亿/千/百 in front of
  it, and the value is multiplied out (1.5万亩 → 15000 亩, 28万元 → 280000 元,
  35万元/人 → 350000 元/人, 3万人 → 30000 人) — except money counted in 亿元, which
  stays in 亿元 (5000亿元 → 5000 亿元, 千亿元 → 1000 亿元, 百亿级 → 100 亿元, a bare
  500亿 → 500 亿元). A magnitude in a denominator is part of the unit (件/万人).

The plan's target register does not store numbers this way: it keeps each as the plan
writes it (28 万元/亩, 1.5 万亩) and compares two through :func:`same_quantity`, which
applies the rule to both.

Implied units (:func:`implied_unit`): a subject may carry the denominator its number
leaves out — 亩均税收达到28万元 is 28 万元/亩, 人均… per person, 每万人口…6.5件 is
6.5 件/万人 (per 10 000 people).

Chinese numerals (两/三/十五/一千五百) are converted with the cn2an library rather than
by hand; full-width digits and signs (１.５万亩, ３.２％) are folded to ASCII first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

# Full-width digits and number punctuation -> ASCII, one character for one, so that
# positions found in a folded text are positions in the original text too.
_FOLD = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       "．": ".", "％": "%", "／": "/", "－": "-", "～": "~", "　": " "})

MISSING_MARKS = {"", "/", "-", "—", "－", "--", "——", "无", "空", "N/A", "n/a", "NA", "…", "..."}
QUALIFIERS = ("exact", "approx", "qualitative", "missing")

PREFIXES = ("不低于", "不少于", "不超过", "不高于", "超过", "突破", "达到", "约", "达", "超")
SUFFIXES = ("以上", "左右", "以下", "以内", "多")
_CMP = {"以上": "≥", "不低于": "≥", "不少于": "≥", "左右": "≈", "约": "≈", "多": ">",
        "突破": ">", "超过": ">", "超": ">", "以下": "≤", "以内": "≤", "不超过": "≤",
        "不高于": "≤", "达到": "=", "达": "="}
_MAG = {"百": 1e2, "千": 1e3, "万": 1e4, "亿": 1e8}
CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"

_NUM = r"\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?"
_CN = rf"[{CN_DIGITS}]+"


class NumberError(ValueError):
    """The text holds something number-like that cannot be read."""


@dataclass(frozen=True)
class Quantity:
    """A number as a document states it: value in base units plus how it was said."""

    value: float | None
    unit: str = ""
    qualifier: str = "exact"  # exact | approx | qualitative | missing
    comparator: str = ""  # '≥' '≈' '>' '=' '≤' or '' when the text says nothing
    raw: str = ""
    upper: float | None = None  # the high end of a range such as 1000—5000亩

    @property
    def is_number(self) -> bool:
        return self.value is not None


def fold(text: str) -> str:
    """Full-width digits/signs to ASCII, same length (positions are kept)."""
    return text.translate(_FOLD)


def cn_to_number(text: str) -> float:
    """Chinese numeral (or mixed like 1.5万) to a number, via cn2an.

    >>> cn_to_number("两"), cn_to_number("十五"), cn_to_number("百")
    (2.0, 15.0, 100.0)
    """
    t = text.strip()
    if t and t[0] in "百千万亿":  # cn2an wants 一百, 一千; documents write 百亿, 千亿
        t = "一" + t
    try:
        return float(cn2an.cn2an(t, "smart"))
    except (ValueError, KeyError, TypeError) as exc:  # cn2an raises ValueError for bad input
        raise NumberError(f"not a Chinese number: {text!r}") from exc


def to_base_unit(value: float, unit: str) -> tuple[float, str]:
    """Apply the base-unit rule of this module to ``value`` written with ``unit``.

    >>> to_base_unit(1.5, "万亩")
    (15000.0, '亩')
    >>> to_base_unit(5, "千亿元")
    (5000.0, '亿元')
    >>> to_base_unit(35, "万元/人")
    (350000.0, '元/人')
    """
    unit = unit.strip()
    factor = 1.0
    while unit and unit[0] in _MAG and unit not in ("亿元", "亿"):
        rest = unit[1:]
        if rest in ("亿元", "亿"):  # 千亿元 / 百亿 / 万亿元: count in 亿元
            factor *= _MAG[unit[0]]
            unit = rest
            break
        if not rest or rest[0] in "/":
            break  # '万' alone is no unit word; leave it
        factor *= _MAG[unit[0]]
        unit = rest
    if unit in ("亿", "亿级", "级"):
        unit = "亿元" if unit != "级" else ""
    return value * factor, unit


# 亩均 / 人均 / 户均: per 亩, per person, per household; 每万人口 / 每百户 / 每亩: per (magnitude) noun
_PER_AVERAGE = re.compile(r"(亩|人|户)均")
_PER_EACH = re.compile(r"每([十百千万]?)(人口|人|户|亩)")


def implied_unit(unit: str, subject: str) -> str:
    """``unit`` with the denominator ``subject`` implies, when the unit has none.

    A share (%), a rank (强), a multiple (倍) and a unit that already names its denominator
    are left as they are.

    >>> implied_unit("万元", "规上工业亩均税收"), implied_unit("件", "每万人口高价值发明专利拥有量")
    ('万元/亩', '件/万人')
    >>> implied_unit("元", "城镇居民人均可支配收入"), implied_unit("%", "亩均税收增长")
    ('元/人', '%')
    >>> implied_unit("万元/人", "人均产值"), implied_unit("家", "产值超百亿元企业")
    ('万元/人', '家')
    """
    if not unit or "/" in unit or unit in ("%", "强", "倍"):
        return unit
    per = [(m.start(), m.group(1)) for m in _PER_AVERAGE.finditer(subject)]
    per += [(m.start(), m.group(1) + ("人" if m.group(2) == "人口" else m.group(2))) for m in _PER_EACH.finditer(subject)]
    return f"{unit}/{min(per)[1]}" if per else unit


def same_quantity(value_a: float, unit_a: str, value_b: float, unit_b: str) -> tuple[bool, bool]:
    """(same unit, same number) of two numbers as written, after the base-unit rule.

    >>> same_quantity(1.5, "万亩", 15000, "亩"), same_quantity(28, "万元/亩", 28, "万元")
    ((True, True), (False, False))
    >>> same_quantity(30, "%", 30.0, "%"), same_quantity(40, "家", 20, "家")
    ((True, True), (True, False))
    """
    (a, ua), (b, ub) = to_base_unit(value_a, unit_a), to_base_unit(value_b, unit_b)
    if ua != ub:
        return False, False
    return True, abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _plain_number(num: str, percent_context: bool) -> float:
    if "/" in num:
        a, b = num.split("/", 1)
        if float(b) == 0:
            raise NumberError(f"division by zero in {num!r}")
        val = float(a) / float(b)
        return val * 100 if percent_context else val
    return float(num)


_CELL = re.compile(
    rf"^(?P<pre>{'|'.join(PREFIXES)})?"
    rf"(?P<num>{_NUM}|{_CN})"
    rf"(?:\s*(?P<dash>[—–~至]|-{{1,2}})\s*(?P<num2>{_NUM}|{_CN}))?"
    rf"(?P<unit>[^\d\s]*?)"
    rf"(?P<suf>{'|'.join(SUFFIXES)})?$"
)
_ALT_UNIT = re.compile(r"[（(][^（）()]*[）)]")  # 5家（个）: the alternative unit in brackets


def parse_number(text: str | None, unit_hint: str = "") -> Quantity:
    """Read one number as written in a table cell or a target phrase.

    ``unit_hint`` is the column's unit (``%`` makes 1/3 mean 33.3…%, and a number
    written without a unit gets this unit). Raises :class:`NumberError` for text that
    holds digits but cannot be read; text with no number at all is ``qualitative``.

    >>> parse_number("1.5万亩以上")
    Quantity(value=15000.0, unit='亩', qualifier='exact', comparator='≥', raw='1.5万亩以上', upper=None)
    >>> round(parse_number("1/3左右", "%").value, 3), parse_number("1/3左右", "%").qualifier
    (33.333, 'approx')
    >>> parse_number("3.2%", "%").value, parse_number("/").qualifier
    (3.2, 'missing')
    >>> parse_number("完成省下达任务").qualifier
    'qualitative'
    """
    raw = "" if text is None else str(text)
    t = fold(raw).strip().replace(" ", "")
    if t in MISSING_MARKS:
        return Quantity(None, unit_hint, "missing", "", raw)
    if "零突破" in t:
        return Quantity(1.0, "", "exact", "≥", raw)
    if t.endswith("全覆盖") and not re.search(r"\d", t):
        return Quantity(100.0, "%", "exact", "=", raw)
    t = _ALT_UNIT.sub("", t) if re.search(r"\d", t) else t
    m = _CELL.match(t)
    if m and _acceptable(m):
        return _from_match(m, raw, unit_hint)
    if not re.search(r"[\d%]", t) and len(re.findall(r"[\u4e00-\u9fff]", t)) >= 2:
        return Quantity(None, unit_hint, "qualitative", "", raw)
    raise NumberError(f"cannot read a number in {raw!r}")


def _acceptable(m: re.Match) -> bool:
    unit = m.group("unit") or ""
    num = m.group("num")
    if re.fullmatch(_CN, num):
        # A Chinese numeral alone must be a number word, not a phrase that happens to
        # start with one (一批, 十大): only magnitudes/units/级 may follow it.
        return bool(re.fullmatch(r"[\u4e00-\u9fff%/]*", unit)) and _cn_unit_ok(num, unit)
    # After Arabic digits the unit holds no digits and no Latin letters (2.0版 is a
    # version, 5G and 415X are names, not numbers with units).
    return unit == "%" or bool(re.fullmatch(r"[\u4e00-\u9fff/]*", unit))


def _cn_unit_ok(num: str, unit: str) -> bool:
    if not any(c in "零〇一二两三四五六七八九十" for c in num) and not unit.startswith(("亿", "元", "级")):
        return False  # a bare 万/百 is a magnitude word, not a number
    try:
        cn_to_number(num)
    except NumberError:
        return False
    return True


def _read(num: str, percent_context: bool) -> float:
    if re.fullmatch(_NUM, num):
        return _plain_number(num, percent_context)
    return cn_to_number(num)


def _from_match(m: re.Match, raw: str, unit_hint: str) -> Quantity:
    unit_text = m.group("unit") or ""
    pct = unit_text == "%" or (unit_hint == "%" and not unit_text)
    num, num2 = m.group("num"), m.group("num2")
    if re.fullmatch(_CN, num) and num.endswith("亿") and unit_text in ("", "元", "级", "元级"):
        # 百亿级 / 千亿元: the numeral's own magnitude is the money unit
        value, unit = (cn_to_number(num[:-1]) if num[:-1] else 1.0), "亿元"
        upper = None
    else:
        value = _read(num, pct)
        upper = _read(num2, pct) if num2 else None
        if unit_text.endswith("级"):  # 500亿级 -> 500 亿元
            unit_text = unit_text[:-1] + ("元" if unit_text[:-1].endswith("亿") else "")
        if not unit_text or unit_text == "%":
            unit = unit_text or unit_hint  # a bare number is in the column's unit, as written
        elif set(unit_text) <= set(_MAG) and not unit_text.endswith("亿"):  # 1.5万 in a 亩 column
            factor = 1.0
            for c in unit_text:
                factor *= _MAG[c]
            value, upper = value * factor, (upper * factor if upper is not None else None)
            unit = unit_hint
        else:
            base, unit = to_base_unit(1.0, unit_text)
            value, upper = value * base, (upper * base if upper is not None else None)
    pre, suf = m.group("pre"), m.group("suf")
    comparator = _CMP.get(suf or "", "") or _CMP.get(pre or "", "")
    if upper is not None:
        comparator = "range"
    qualifier = "approx" if comparator == "≈" else "exact"
    return Quantity(float(value), unit, qualifier, comparator, raw, upper)


def comparator_of(prefix: str = "", suffix: str = "") -> str:
    """Comparator for a target phrase; a plain number means 'equal to' (=)."""
    return _CMP.get(suffix or "", "") or _CMP.get(prefix or "", "") or "="
