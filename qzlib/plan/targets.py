"""A register of every quantitative target the plan states, in the body and the annexes.

Numbers are found in running text by one pattern (a number followed by a unit word:
1.5万亩以上, 30%左右, 5家（个）以上, 两个 via cn2an), plus the two phrases that state
a number without digits: “零突破” (at least 1) and 全覆盖 (100 %). What is *not* a target
is skipped by construction: a number needs a unit word, so dates (2023年), document
numbers (〔2023〕22号), section numbers (1．), versions (2.0版) and names (5G) never
match; anything inside quotation or title marks (“415X”, “3030”, “6X”, 《…》) is a
name. A money amount that only qualifies what is counted (10亿元以上项目30个,
2个500亿特色制造业集群) is a threshold, kept in the subject rather than registered.

Values and units are the plan's own, never multiplied out: 1.5万亩 → 1.5 万亩, 5000亿元
→ 5000 亿元, 35万元/人 → 35 万元/人, an annex-1 cell in its column's unit (28 in the
万元/亩 column → 28 万元/亩). A unit the subject implies is written out
(:func:`qzlib.numbers.implied_unit`): 亩均税收达到28万元 → 28 万元/亩, 每万人口…6.5件 →
6.5 件/万人. Compare two register numbers with :func:`qzlib.numbers.same_quantity`, which
applies the base-unit rule to both.

Subjects are the words the plan counts, without the verb that leads them (新增, 培育…);
a bare head noun (企业（平台）) takes the object of the clause before it in the same
sentence (…融合发展试点，培育发展企业（平台）3家 → 先进制造业与现代服务业融合发展试点企业（平台）).

Period: ``per_year`` when 每年 comes earlier in the sentence, ``cumulative`` for 累计,
``by_YYYY`` when a 到YYYY年 / YYYY年底前 phrase came earlier in the paragraph (it carries
to the paragraph's end), else ``plan_period``. Annex-1 cells carry their column's year
(``baseline_YYYY`` for the base year, ``by_YYYY`` for targets).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from qzlib.numbers import CN_DIGITS, comparator_of, cn_to_number, fold, implied_unit, to_base_unit
from qzlib.text import QUOTES, nesting, top_level_positions

COLUMNS = ["target_id", "value", "unit", "comparator", "period", "subject", "sentence", "location",
           "owners", "raw", "source", "line"]

_UNITS = "元/人|元/亩|亿元|万元|元|亩|个|家|项|件/万人|件|台|名|人|强|所|座|条|倍|亿"
_PRE = "不低于|不少于|不超过|超过|突破|达到|达|超|约"
_SUF = "以上|左右|以下|以内"
TOKEN = re.compile(
    rf"(?P<pre>{_PRE})?(?P<num>\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?)"
    rf"(?:(?P<dash>[—–~至]|-{{1,2}})(?P<num2>\d+(?:\.\d+)?))?"
    rf"(?P<unit>%|[万亿千百]*(?:{_UNITS}))(?P<alt>[（(][个家项件台][）)])?(?P<suf>{_SUF})?")
CN_TOKEN = re.compile(
    rf"(?P<pre>{_PRE})?(?P<num>[一二两三四五六七八九十][{CN_DIGITS}]*)"
    r"(?P<unit>个|家|项|件|台|名|人|所|座|条)(?P<alt>[（(][个家项件台][）)])?"
    rf"(?P<suf>{_SUF})?")
SPECIAL = re.compile(r"“?零突破”?|全覆盖")
YEAR_PHRASE = re.compile(r"(?:到|至|于)(20\d\d)年|(20\d\d)年(?:底|末)?(?:前|以前|之前)")
_DELIMS = "，、；。：,;:！？"
_SENTENCE_END = "。；！？;"
_LEAD = ("力争", "争取", "确保", "每年", "全市", "累计", "实现", "完成", "达到", "培育形成", "动态培育",
         "培育发展", "培育", "深入推进", "推进", "建成", "新建", "建设", "创建", "新增", "实施", "引进", "新集聚", "集聚", "引导",
         "形成", "打造", "培养", "共同组建", "组建", "新上线运行", "推动企业牵头", "推动")
_JOIN = ("以及", "和", "及", "与", "、", "的")
_TRAIL = ("达到", "达", "为", "实现", "保持", "突破", "超过", "超")
_MONEY = ("元", "亿元")  # base units of money
# a head noun that says nothing alone: it takes the object of the clause before it
_BARE_HEAD = re.compile(r"(?:企业|平台|单位|机构|项目)(?:[（(](?:企业|平台|单位|机构|项目)[）)])?")


@dataclass
class Found:
    start: int
    end: int
    raw: str
    value: float
    unit: str
    comparator: str
    subject: str
    sentence: str
    period: str
    upper: float | None = None


def _masked(text: str) -> list[bool]:
    """True where a character sits inside quotation or title marks (“…”, 《…》, 〔…〕): a number
    there is part of a name (“415X”, 衢政办发〔2023〕22号), not a target."""
    return [d > 0 for d in nesting(text, QUOTES)]


def _strip_subject(text: str, lead: bool = True) -> str:
    s = text.strip()
    if lead:
        for w in _JOIN:
            if s.startswith(w):
                s = s[len(w):]
    changed = True
    while changed and s:
        changed = False
        if lead:
            if m := YEAR_PHRASE.match(s):
                s, changed = s[m.end():], True
            for w in _LEAD:  # a verb joined to the next one (新增及复评) stays
                if s.startswith(w) and len(s) > len(w) and s[len(w)] not in "及和与、":
                    s, changed = s[len(w):], True
        for w in _TRAIL:
            if s.endswith(w) and len(s) > len(w):
                s, changed = s[: -len(w)], True
    return s.strip("，、；。：的 ")


def find_targets(text: str) -> list[Found]:
    """All quantitative targets in one paragraph (or table cell) of running text."""
    t = fold(text)
    mask = _masked(t)
    cands = []
    for rx in (TOKEN, CN_TOKEN):
        for m in rx.finditer(t):
            s = m.start("num")
            if mask[s] or (s > 0 and (t[s - 1].isascii() and t[s - 1].isalnum() or t[s - 1] in "第.")):
                continue
            if rx is CN_TOKEN and s > 0 and t[s - 1] in CN_DIGITS:
                continue
            cands.append(m)
    specials = [m for m in SPECIAL.finditer(t)]
    # clause boundaries: top-level delimiters, 以及, and 和/及/与 right after a number
    ends = {m.end() for m in cands}
    bounds = top_level_positions(t, _DELIMS)
    bounds += [i for i in ends if i < len(t) and t[i] in "和及与"]
    bounds += [m.start() for m in re.finditer("以及", t)]
    bounds = sorted(set(bounds))

    def clause(pos: int) -> tuple[int, int]:
        lo = max([b + 1 for b in bounds if b < pos] + [0])
        hi = min([b for b in bounds if b >= pos] + [len(t)])
        return lo, hi

    items = []
    for m in cands:
        num = m.group("num")
        unit_text = m.group("unit")
        try:
            value = float(num) if re.fullmatch(r"\d+(?:\.\d+)?", num) else (
                _frac(num) if "/" in num else cn_to_number(num))
        except ValueError:
            continue
        unit = "亿元" if unit_text == "亿" else unit_text  # a bare 500亿 counts money
        num2 = m.groupdict().get("num2")
        items.append({"m": m, "start": m.start(), "end": m.end(), "value": value, "unit": unit,
                      "upper": float(num2) if num2 else None,
                      "raw": text[m.start("num") if not m.group("pre") else m.start():m.end()],
                      "cmp": comparator_of(m.group("pre") or "", m.group("suf") or "")})
    for m in specials:
        zero = "零突破" in m.group()
        items.append({"m": m, "start": m.start(), "end": m.end(), "value": 1.0 if zero else 100.0,
                      "unit": "" if zero else "%", "upper": None, "raw": text[m.start():m.end()],
                      "cmp": "≥" if zero else "=", "special": True})
    items.sort(key=lambda d: d["start"])
    # drop thresholds: a money amount followed by what it qualifies, beside a count
    kept = []
    for it in items:
        lo, hi = clause(it["start"])
        others = [o for o in items if o is not it and lo <= o["start"] < hi]
        follows = it["end"] < len(t) and t[it["end"]] not in _DELIMS and it["end"] < hi
        if _money(it["unit"]) and follows and any(not _money(o["unit"]) for o in others):
            continue
        kept.append(it)
    out = []
    for k, it in enumerate(kept):
        lo, hi = clause(it["start"])
        prev_end = max([o["end"] for o in kept[:k] if lo <= o["start"] < hi] + [lo])
        before = _strip_subject(t[prev_end:it["start"]])
        after = _strip_subject(t[it["end"]:hi], lead=False).lstrip("的")
        subject = before if it.get("special") or not after else after
        if _BARE_HEAD.fullmatch(subject):
            subject = _object_before(t, lo, bounds) + subject
        if it.get("special") and it["unit"] == "":
            it["unit"] = "家" if subject.endswith("企业") else "个"
        unit = implied_unit(it["unit"], subject)
        s_lo = max([i + 1 for i, ch in enumerate(t[:it["start"]]) if ch in _SENTENCE_END] + [0])
        s_hi = min([i + 1 for i, ch in enumerate(t) if ch in _SENTENCE_END and i >= it["end"]] + [len(t)])
        sentence = text[s_lo:s_hi].strip()
        if "每年" in t[s_lo:it["start"]]:
            period = "per_year"
        elif "累计" in t[lo:it["start"]]:
            period = "cumulative"
        else:
            years = [y.group(1) or y.group(2) for y in YEAR_PHRASE.finditer(t[:it["start"]])]
            period = f"by_{years[-1]}" if years else "plan_period"
        common = dict(start=it["start"], end=it["end"], raw=it["raw"], unit=unit, subject=subject,
                      sentence=sentence, period=period)
        if it["upper"] is not None:  # 1000—5000亩: two bounds
            out.append(Found(value=it["value"], comparator="≥", **common))
            out.append(Found(value=it["upper"], comparator="≤", **common))
        elif it["unit"] == "强":  # 跻身全省15强: a rank, at most 15th
            out.append(Found(value=it["value"], comparator="≤", **common))
        else:
            out.append(Found(value=it["value"], comparator=it["cmp"], **common))
    return out


def _money(unit: str) -> bool:
    return to_base_unit(1.0, unit)[1] in _MONEY


def _object_before(t: str, lo: int, bounds: list[int]) -> str:
    """What the clause ending just before ``lo`` is about (its words without the leading verb),
    when that clause belongs to the same sentence; else ''."""
    if lo < 2 or t[lo - 1] not in "，,":
        return ""
    start = max([b + 1 for b in bounds if b < lo - 1] + [0])
    return _strip_subject(t[start:lo - 1])


def _frac(num: str) -> float:
    a, b = num.split("/", 1)
    return float(a) / float(b)


def register(paragraphs, indicators: pd.DataFrame, annex_rows: list[tuple[str, pd.DataFrame]],
             annex1_label: str = "附件1") -> pd.DataFrame:
    """Build the register: body paragraphs, then annex-1 cells, then annex 2/3 rows.

    ``annex_rows`` is a list of (label, DataFrame with number/content/owners/line).
    """
    rows = []
    for p in paragraphs:
        for f in find_targets(p.text):
            rows.append(_row(f, p.location, "", "body", p.line))
    years = sorted(int(c[6:]) for c in indicators.columns if c.startswith("value_"))
    for rec in indicators.to_dict("records"):
        for y in years:
            if rec[f"qualifier_{y}"] not in ("exact", "approx"):
                continue
            unit = rec["unit"]
            baseline = y == rec["baseline_year"]
            rows.append({"value": rec[f"value_{y}"], "unit": unit,
                         "comparator": "=" if baseline else rec[f"comparator_{y}"],
                         "period": f"baseline_{y}" if baseline else f"by_{y}",
                         "subject": rec["name_zh"],
                         "sentence": f"{rec['name_zh']}（{unit}）{y}年：{rec[f'raw_{y}']}",
                         "location": f"{annex1_label} 第{rec['number']}行 {y}年", "owners": rec["owners"],
                         "raw": rec[f"raw_{y}"], "source": annex1_label, "line": rec.get("line", "")})
    for label, df in annex_rows:
        for rec in df.to_dict("records"):
            for f in find_targets(rec["content"]):
                rows.append(_row(f, f"{label} 第{rec['number']}行", rec["owners"], label, rec["line"]))
    out = pd.DataFrame(rows, columns=COLUMNS[1:])
    out.insert(0, "target_id", [f"T{i:03d}" for i in range(1, len(out) + 1)])
    return out


def _row(f: Found, location: str, owners: str, source: str, line: int) -> dict:
    return {"value": f.value, "unit": f.unit, "comparator": f.comparator, "period": f.period,
            "subject": f.subject, "sentence": f.sentence, "location": location, "owners": owners,
            "raw": f.raw, "source": source, "line": line}
