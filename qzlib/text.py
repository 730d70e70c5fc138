"""Where a character sits in Chinese running text: at the top level, or inside brackets or quotes.

Policy text nests: 各县（市、区）, “415X”先进制造业集群, 《浙江省……条例》. A 、 or ， inside such
a pair belongs to the name or the aside, not to the sentence, so every splitter in the
suite (clauses of a paragraph, names in a 责任单位 cell, the clause around a target) asks
this module, and the rule lives here once.

Rules (pinned by the doctests below):
  * Brackets: （ ）, ( ), 【 】, [ ]. Quotes and title marks: “ ”, ‘ ’, " ", 《 》, 「 」, 『 』,
    〔 〕, 〈 〉. Both kinds hide separators; :func:`nesting` can look at quotes alone.
  * Full- and half-width forms of a pair close each other (各县（市、区) is one name).
  * Pairs nest; a closing mark closes the innermost open pair of its kind (and any pair
    left open inside it); a closing mark with no open pair is an ordinary character.
  * A pair never closed hides the rest of the text, as a reader would read it.
  * The marks themselves count as inside their pair.
"""
from __future__ import annotations

# kind of pair -> (opening marks, closing marks)
_BRACKET_PAIRS = {"round": ("（(", "）)"), "square": ("【[", "】]")}
_QUOTE_PAIRS = {"double": ("“", "”"), "single": ("‘", "’"), "ascii": ('"', '"'), "title": ("《〈", "》〉"),
                "corner": ("「", "」"), "white-corner": ("『", "』"), "tortoise": ("〔", "〕")}

BRACKETS = "brackets"
QUOTES = "quotes"
ALL = "all"


def _pairs(marks: str) -> dict[str, tuple[str, str]]:
    return {BRACKETS: _BRACKET_PAIRS, QUOTES: _QUOTE_PAIRS, ALL: {**_BRACKET_PAIRS, **_QUOTE_PAIRS}}[marks]


def nesting(text: str, marks: str = ALL) -> list[int]:
    """How many pairs each character of ``text`` sits inside (0 = top level).

    ``marks`` is ``"all"`` (brackets and quotes), ``"brackets"`` or ``"quotes"``.

    >>> nesting("县（市、区）乡")
    [0, 1, 1, 1, 1, 1, 0]
    >>> nesting("“a（b）”c")
    [1, 1, 2, 2, 2, 1, 0]
    >>> nesting("“a（b）”c", marks="quotes")
    [1, 1, 1, 1, 1, 1, 0]
    >>> nesting("a）b")  # a stray closing mark is an ordinary character
    [0, 0, 0]
    >>> nesting('x"y"z')  # an ASCII quote opens, the next one closes
    [0, 1, 1, 1, 0]
    """
    opens, closes = {}, {}
    for kind, (o, c) in _pairs(marks).items():
        opens.update(dict.fromkeys(o, kind))
        closes.update(dict.fromkeys(c, kind))
    stack: list[str] = []
    out: list[int] = []
    for ch in text:
        kind = closes.get(ch)
        if kind is not None and kind in stack:  # close the innermost pair of this kind
            out.append(len(stack))
            while stack.pop() != kind:
                pass
            continue
        if ch in opens:
            stack.append(opens[ch])
        out.append(len(stack))
    return out


def top_level_positions(text: str, seps: str) -> list[int]:
    """Indexes of the characters of ``seps`` in ``text`` that sit outside every bracket and quote.

    >>> top_level_positions("甲、乙（丙、丁）、“戊、己”", "、")
    [1, 8]
    """
    depth = nesting(text)
    return [i for i, ch in enumerate(text) if ch in seps and depth[i] == 0]


def split_outside_brackets(text: str, seps: str) -> list[str]:
    """Split ``text`` at the characters of ``seps`` found outside brackets and quotes.

    Parts are stripped of spaces; empty parts are dropped.

    >>> split_outside_brackets("市经信局、各县（市、区）政府", "、")
    ['市经信局', '各县（市、区）政府']
    >>> split_outside_brackets("县(市、区）、乡", "、")  # half- and full-width close each other
    ['县(市、区）', '乡']
    >>> split_outside_brackets("打造“链长制、链主制”，建成《条例（试行，2023）》；完成。", "，；。")
    ['打造“链长制、链主制”', '建成《条例（试行，2023）》', '完成']
    >>> split_outside_brackets("外（中【内，深】中，）外，尾", "，")  # nested pairs of two kinds
    ['外（中【内，深】中，）外', '尾']
    >>> split_outside_brackets("甲，， 乙，", "，")  # empty parts dropped
    ['甲', '乙']
    >>> split_outside_brackets("甲（乙，丙", "，")  # a pair never closed hides the rest
    ['甲（乙，丙']
    >>> split_outside_brackets("", "，")
    []
    """
    parts, last = [], 0
    for i in top_level_positions(text, seps):
        parts.append(text[last:i])
        last = i + 1
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip()]
