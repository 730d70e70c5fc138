"""How numbers are printed: the same rounding the verdict rules compare (qzlib.rules).

On the ground floor, beside :mod:`qzlib.rules`, so that the brief, the scenario explorer
and the command line print a value the same way without importing each other. Numbers follow
the conventions of the language in use (:mod:`qzlib.i18n`): thousands grouped from 10 000 in
Chinese (19530 → 19530, 195300 → 195,300), from 1 000 in English (1,953)."""
from __future__ import annotations

import html
import math
import re
import unicodedata

import pandas as pd

from qzlib import i18n, rules

MISSING = "—"


def num(value, digits: int = rules.VALUE_DIGITS) -> str:
    """1953.0 → '1953'; 2.70 → '2.7'; 33.3333 → '33.33'; 29.995 → '30'; NaN/None → '—'.

    Rounds half-up like :func:`qzlib.rules.shown`, so a printed value is the compared one.

    >>> num(1953.0), num(2.70), num(33.3333), num(29.995), num(float("nan")), num(-1570.4)
    ('1953', '2.7', '33.33', '30', '—', '-1570.4')
    >>> with i18n.using("en"):
    ...     num(1953.0), num(19530.5)
    ('1,953', '19,530.5')
    """
    if value is None or value is pd.NA:
        return MISSING
    try:
        v = float(value)
    except (TypeError, ValueError):
        return html.escape(str(value))
    d = rules.shown(v, digits)
    if d is None:
        return MISSING
    text = f"{d:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "") if abs(v) < i18n.convention("group_from") else text


def quantity(value, kind: str | None) -> str:
    """A value of an indicator of ``kind`` as printed: counts as whole numbers.

    >>> quantity(5.6, "count"), quantity(42.666, "count"), quantity(70.0, "count"), quantity(2.905, "share")
    ('6', '43', '70', '2.91')
    """
    return num(value, rules.value_digits(kind))


PACE_DIGITS = 2   # a growth rate is printed (and judged) at two decimals of a per cent: 0.25 % stays 0.25 %


def pct(value, digits: int = PACE_DIGITS, signed: bool = True) -> str:
    """0.104 → '+10.40%'; 0.0025 → '+0.25%'; a rate that rounds to zero → '0.00%' (never '-0.00%'); NaN → '—'.

    >>> pct(0.104), pct(0.0025), pct(-0.00001), pct(float("nan")), pct(0.0357, signed=False)
    ('+10.40%', '+0.25%', '0.00%', '—', '3.57%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    d = rules.shown(value * 100, digits)
    if d is None:
        return MISSING
    if d == 0:
        return f"{abs(d):.{digits}f}%"
    return f"{d:{'+' if signed else ''}.{digits}f}%"


def rate(pace, shape: str, unit: str = "") -> str:
    """A yearly pace as the plan states it, in the indicator's shape: growth as a per cent,
    points as 个百分点, additions in the indicator's unit (a pace, so one decimal is kept).

    >>> rate(0.1037, "growth"), rate(0.1, "points"), rate(10 / 3, "additions", "家"), rate(17.0, "additions", "家")
    ('+10.37%', '+0.10个百分点', '+3.3家', '+17家')
    >>> rate(float("nan"), "points"), rate(-0.0001, "points")
    ('—', '0.00个百分点')
    """
    d = rules.shown(pace, 2)
    if d is None:
        return MISSING
    if shape == "points":
        return i18n.T("{value}个百分点", value=f"{abs(d):.2f}" if d == 0 else f"{d:+.2f}")
    if shape == "additions":
        t = rules.plain(pace, 1)
        return i18n.T("{value}{unit}", value=t if t.startswith("-") or t == "0" else "+" + t,
                      unit=i18n.term("unit", unit))
    return pct(pace)


def pace(points_per_year, growth, unit) -> str:
    """A pace as the plan states it for an indicator without a declared shape: points a year
    for a per-cent indicator, growth otherwise (:func:`rate` when the shape is known).

    >>> pace(0.1, 0.0357, "%"), pace(41.0, 0.104, "万元/亩"), pace(float("nan"), float("nan"), "%")
    ('+0.10个百分点', '+10.40%', '—')
    """
    if rules.uses_points(unit):
        return rate(points_per_year, "points")
    return pct(growth)


def date(text: str) -> str:
    """A date the plan writes (2023年4月29日) in the language in use (Babel's long date).

    >>> date("2023年4月29日")
    '2023年4月29日'
    >>> with i18n.using("en"):
    ...     date("2023年4月29日"), date("某日")
    ('April 29, 2023', '某日')
    """
    import datetime as dt
    import re

    from babel.dates import format_date

    m = re.fullmatch(r"\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*", str(text or ""))
    if not m:
        return str(text or "")
    return format_date(dt.date(*map(int, m.groups())), format="long", locale=i18n.current())


# Chinese line-breaking rules (禁则): no line begins with a closing mark, none ends with an opening one.
NO_LINE_START = "”’）》」』】〕〉，。、；：！？…%)]"
NO_LINE_END = "“‘（《「『【〔〈(["
CJK_START = 0x2E80   # the CJK blocks (radicals, punctuation, ideographs, full-width forms) start here


def wrap(text, n: int) -> str:
    r"""Text broken into lines about ``n`` Chinese characters wide (chart titles and narrow cells are
    wrapped, never cut). Chinese goes into lines of even length, so a title does not end in one
    lone character, moving a break by a character or two where it would begin a line with a
    closing mark, end one with an opening mark or split a run of Latin letters or digits; a
    mostly Latin text is wrapped at its spaces (two letters take the width of one Chinese
    character); a line break in the text is kept.

    >>> wrap("规上制造业企业研发费用占营业收入的比重", 10)
    '规上制造业企业研发费\n用占营业收入的比重'
    >>> wrap("省级及以上产业创新平台数量", 12)
    '省级及以上产业\n创新平台数量'
    >>> wrap("达到“品字标”企业家数", 6), wrap("企业家数量“品字标”达", 6)
    ('达到“品字标”\n企业家数', '企业家数量\n“品字标”达')
    >>> wrap("规上工业亩均税收（2024年，万元/亩）", 16)
    '规上工业亩均税收\n（2024年，万元/亩）'
    >>> wrap("截至2025年，规上工业亩均增加值", 6)
    '截至2025\n年，规上工业\n亩均增加值'

    >>> wrap("Value added per mu of above-scale industry", 10)
    'Value added per mu\nof above-scale\nindustry'
    >>> wrap("No path: no figure for 2022–2025", 8)
    'No path: no\nfigure for\n2022–2025'
    """
    import textwrap

    t = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    n = max(1, int(n))
    if "\n" in t:
        return "\n".join(wrap(part, n) for part in t.split("\n"))
    if 2 * sum(ord(c) >= CJK_START for c in t) < len(t):
        return "\n".join(textwrap.wrap(t, 2 * n)) or t
    if len(t) <= n:
        return t
    width = -(-len(t) // -(-len(t) // n))
    out, i = [], 0
    while i < len(t):
        # the rest on one line when it fits: a moved break must not leave a stray short line
        j = len(t) if i and len(t) - i <= n else _break(t, i, min(i + width, len(t)), width)
        out.append(t[i:j])
        i = j
    return "\n".join(out)


def _break(t: str, i: int, j: int, reach: int) -> int:
    """Where a line that starts at ``i`` ends: ``j``, or the nearest place within ``reach`` of it
    that breaks no rule of :func:`wrap` (a closing mark is pulled up, anything else pushed down);
    ``j`` when there is none."""
    def bad(k: int) -> bool:
        if k >= len(t):
            return False
        a, b = t[k - 1], t[k]
        return b in NO_LINE_START or a in NO_LINE_END or (_latin(a) and _latin(b))

    ahead = j < len(t) and t[j] in NO_LINE_START
    for d in range(reach + 1):
        for k in ((j + d, j - d) if ahead else (j - d, j + d)):
            if i < k <= len(t) and not bad(k):
                return k
    return j


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".,%-")


def clip(text, n: int) -> str:
    """At most ``n`` characters; a cut text ends with '…'.

    >>> clip("规上工业亩均增加值达136万元/亩", 8), clip("短句", 8)
    ('规上工业亩均增…', '短句')
    """
    t = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    return t if len(t) <= n else t[: n - 1] + "…"


WORDS_IN_NUMBER_CELL = 16    # longer than any number: a phrase ("complete the task the province sets")
# Column widths are set here, so the PDF lays tables out at once (CSS table-layout: fixed)
# instead of measuring every cell twice: the page's width in half-width characters of the
# tables' type, a column's padding, and the widest text a column asks room for on one line.
PAGE_CHARS = 124
PAD_CHARS = 2
LINE_CHARS = 44
_TOKEN = re.compile(r"[A-Za-z0-9.,:%+\-−—→()/'’]+|\S")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_shares(df: pd.DataFrame, widths: dict[str, str], whole=()) -> dict[str, str]:
    """Each column's share of the page width: those given in ``widths`` as given, the others by
    their content, as a browser's automatic layout would: a column gets at least its longest
    unbreakable word (the whole text in ``whole`` columns: numbers, units, years) and, room
    permitting, its longest text up to ``LINE_CHARS``; what is left is shared in proportion.

    >>> column_shares(pd.DataFrame({"指标": ["规上工业亩均增加值"], "年份": [2024]}), {}, whole=("年份",))
    {'指标': '76.9%', '年份': '23.1%'}
    """
    cols = [c for c in df.columns]
    given = {c: float(str(widths[c]).rstrip("%")) for c in cols if c in widths}
    free = [c for c in cols if c not in given]
    room = max(0.0, 100.0 - sum(given.values()))
    lo, hi = {}, {}
    for c in free:
        texts = [str(i18n.T(str(c)))] + ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                                         for v in df[c]]
        cells = texts[1:] if c in whole else texts
        longest = max((_width(t) for t in texts), default=1)
        word = max((_width(t) for t in cells), default=1) if c in whole else \
            max((_width(w) for t in texts for w in _TOKEN.findall(t)), default=1)
        lo[c] = word + PAD_CHARS
        hi[c] = max(lo[c], min(longest, LINE_CHARS) + PAD_CHARS)
    chars = room / 100 * PAGE_CHARS
    low, high = sum(lo.values()), sum(hi.values())
    if high <= chars:                                   # everything fits: share the rest alike
        want = {c: hi[c] * chars / high for c in free} if high else {}
    elif low >= chars:                                  # too narrow even for the words
        want = {c: lo[c] * chars / low for c in free}
    else:
        k = (chars - low) / (high - low)
        want = {c: lo[c] + (hi[c] - lo[c]) * k for c in free}
    out = {c: f"{given[c]:.1f}%" for c in given}
    out.update({c: f"{want[c] / PAGE_CHARS * 100:.1f}%" for c in free})
    return {c: out[c] for c in cols}




def table(df: pd.DataFrame, numeric: tuple[str, ...] = (), classes: str = "", row_class=None,
          widths: dict[str, str] | None = None, cell_class=None, html_cols: tuple[str, ...] = (),
          nowrap: tuple[str, ...] = ()) -> str:
    """An HTML table that fits the page: escaped text, right-aligned numbers, '—' for missing.

    ``row_class`` maps a row to a CSS class (e.g. a RAG colour) or ''; ``cell_class(row, col)``
    does the same for one cell; ``widths`` fixes the share of the page width some columns
    take (the rest share what is left); ``html_cols`` hold markup their caller escaped;
    ``nowrap`` columns (regions, years) never break inside a word.
    """
    cols = list(df.columns)
    if html_cols:   # markup (chips, unbreakable figures) is measured by the PDF engine itself
        shares = {c: widths[c] for c in cols if c in (widths or {})}
        classes = f"{classes} auto".strip()
    else:
        shares = column_shares(df, widths or {}, whole=tuple(nowrap) + tuple(numeric))
    colgroup = "<colgroup>" + "".join(f'<col style="width:{shares[c]}">' if c in shares else "<col>"
                                      for c in cols) + "</colgroup>"

    def classes_of(c):
        return " ".join(x for x in ("num" if c in numeric else "", "nowrap" if c in nowrap else "") if x)

    head = "".join(f'<th class="{classes_of(c)}">{html.escape(i18n.T(str(c)))}</th>' for c in cols)   # in the brief's language
    rows = []
    for _, row in df.iterrows():
        cls = row_class(row) if row_class else ""
        cells = []
        for c in cols:
            v = row[c]
            text = MISSING if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v)
            extra = cell_class(row, c) if cell_class else ""
            if c in numeric and len(text) > WORDS_IN_NUMBER_CELL:   # a phrase in a number column wraps
                extra = f"{extra} words".strip()
            cls_cell = " ".join(x for x in (classes_of(c), extra) if x)
            cells.append(f'<td class="{cls_cell}">{text if c in html_cols else html.escape(text)}</td>')
        rows.append(f'<tr class="{cls}">{"".join(cells)}</tr>')
    return f'<table class="{classes}">{colgroup}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
