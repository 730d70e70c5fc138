"""Units and terms: a short glossary for a reader of a brief in another language than the plan's.

The Chinese brief needs none (its reader knows 亩 and 规上); in any other language the
section lists each unit and term the brief uses, as the plan writes it, with its meaning.
The meanings are messages like any other (the English is in the catalogue), so a new
language brings its own.
"""
from __future__ import annotations

import html

from IPython.display import HTML

from qzlib.i18n import N_, T, quotes_plan
from qzlib.report.sections.context import BriefContext

# (the word as the plan writes it, what it means), in the order a reader meets them
TERMS = [
    ("亩", N_("亩：土地面积单位，1 亩 = 1/15 公顷，约 667 平方米")),
    ("万元", N_("万元：一万元人民币")),
    ("亿元", N_("亿元：一亿元人民币")),
    ("规上", N_("规上（规模以上）：年主营业务收入 2000 万元及以上的工业企业")),
    ("亩均", N_("亩均：按企业使用的每亩工业用地计算")),
    ("增加值", N_("增加值：生产中新创造的价值（产出减中间投入）")),
    ("高新技术产业", N_("高新技术产业：浙江省的统计口径，不同于国家统计局分类的“高技术制造业”")),
    ("专精特新", N_("专精特新：经认定的专业化、精细化、特色化、新颖化中小企业")),
    ("品字标浙江制造", N_("品字标浙江制造：浙江省的区域品牌认证")),
    ("基期", N_("基期：规划设定目标时的起点年份（{base}年）及其数值")),
    ("百分点", N_("百分点：两个百分比之差")),
]


def glossary(ctx: BriefContext) -> HTML:
    """The glossary box (nothing in the plan's own language)."""
    if quotes_plan():
        return HTML("")
    items = "".join(f"<li><b>{html.escape(word)}</b> — {html.escape(T(meaning, base=ctx.base_year))}</li>"
                    for word, meaning in TERMS)
    note = T("数字的写法：千位用逗号分隔，小数用小数点（1,953.5）；“—”表示没有数值，从不以估计填补。")
    return HTML(f"<h3>{html.escape(T('单位与术语'))}</h3><ul class='note terms'>{items}</ul>"
                f"<p class='note'>{html.escape(note)}</p>")
