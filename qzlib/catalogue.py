"""The plan family's indicators: stable codes, English names, kinds and units.

The catalogue is metadata, not data: numbers always come from the plan document or from
statistics files. :func:`match_code` maps a Chinese indicator name from any 415X plan to
its code by key words, so other cities' plans ingest with no code change.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from qzlib import rules
from qzlib.paths import RESOURCES

KINDS = {"share", "level", "count", "ratio", "decline"}
# Natural bounds of a kind, the one place forecasts, lenses and input checks take them from:
# shares and declines in % cannot pass 100; a decline can be negative (the intensity rose).
NON_NEGATIVE_KINDS = frozenset({"share", "level", "count", "ratio"})
CEILINGS = {"share": 100.0, "decline": 100.0}


def natural_bounds(kind: str) -> tuple[float | None, float | None]:
    """(lower, upper) natural bounds of an indicator kind (None = unbounded)."""
    return (0.0 if kind in NON_NEGATIVE_KINDS else None), CEILINGS.get(kind)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_en: str
    match: tuple[str, ...]
    kind: str
    unit: str
    cumulative: bool = False
    components: dict = field(default_factory=dict, hash=False, compare=False)
    shape: str = "growth"   # how its path moves between milestones (rules.SHAPES), declared in indicators.yml
    additive: bool = False  # the city's figure is the sum of its counties' (amounts; never ratios or shares)

    @property
    def upper_limit(self) -> float | None:
        """Natural ceiling of the indicator (100 for shares and declines in %)."""
        return natural_bounds(self.kind)[1]

    @property
    def lower_limit(self) -> float | None:
        """Natural floor (0, except for a decline, which can be negative)."""
        return natural_bounds(self.kind)[0]

    @property
    def higher_is_better(self) -> bool:
        # Every indicator of the family is stated so that more is better; a decline
        # (降幅) is a positive number whose size is the achievement.
        return True


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    raw = yaml.safe_load((RESOURCES / "indicators.yml").read_text(encoding="utf-8"))
    out = []
    for item in raw:
        if item["kind"] not in KINDS:
            raise ValueError(f"indicators.yml: {item['code']}: unknown kind {item['kind']!r}")
        shape = item.get("shape") or rules.default_shape(item["kind"], item["unit"])
        if shape not in rules.SHAPES:
            raise ValueError(f"indicators.yml: {item['code']}: unknown shape {shape!r}; expected one of "
                             f"{', '.join(rules.SHAPES)}")
        out.append(
            Indicator(
                code=item["code"],
                name_en=item["name_en"],
                match=tuple(item["match"]),
                kind=item["kind"],
                unit=item["unit"],
                cumulative=bool(item.get("cumulative", False)),
                components=dict(item.get("components") or {}),
                shape=shape,
                additive=bool(item.get("additive", False)),
            )
        )
    return tuple(out)


def by_code() -> dict[str, Indicator]:
    return {i.code: i for i in indicators()}


def shape_of(code: str, kind: str = "", unit: str = "") -> str:
    """The path shape of an indicator: declared in the catalogue, else the default of its kind
    (an indicator a plan adds outside the catalogue).

    >>> shape_of("pinzibiao_brand_firms"), shape_of("rd_intensity"), shape_of("per_mu_tax"), shape_of("x_1", "count")
    ('additions', 'points', 'growth', 'additions')
    """
    known = by_code().get(code)
    return known.shape if known else rules.default_shape(kind, unit)


def is_cumulative(code: str) -> bool:
    """True for an indicator the plan counts up over the years (累计): once reached, stays reached."""
    known = by_code().get(code)
    return bool(known and known.cumulative)


def is_additive(code: str) -> bool:
    """True when the region's figure is the sum of its parts' (营业收入, 增加值): counties may be
    summed and compared with the city; ratios and shares never are.

    >>> is_additive("six_chains_revenue"), is_additive("per_mu_value_added"), is_additive("rd_intensity")
    (True, False, False)
    """
    known = by_code().get(code)
    return bool(known and known.additive)


def get(code: str) -> Indicator:
    try:
        return by_code()[code]
    except KeyError:
        known = ", ".join(sorted(by_code()))
        raise KeyError(f"unknown indicator code {code!r}; known codes: {known}") from None


_PARENS = re.compile(r"[（(][^（）()]*[）)]\s*$")


def match_code(name_zh: str) -> str | None:
    """Code of the indicator whose key words all occur in ``name_zh`` (unit removed).

    >>> match_code("规上工业亩均增加值（万元/亩）")
    'per_mu_value_added'
    >>> match_code("高技术制造业增加值占规上工业增加值比重（%）")
    'high_tech_mfg_share'
    >>> match_code("某个新指标") is None
    True
    """
    bare = _PARENS.sub("", name_zh.strip())
    hits = [i for i in indicators() if all(k in bare for k in i.match)]
    if not hits:
        return None
    # The most specific description wins (most characters of key words).
    hits.sort(key=lambda i: -sum(len(k) for k in i.match))
    return hits[0].code


COUNT_UNITS = ("家", "个", "项", "件", "座", "所", "条")
GENERATED_PREFIX = "x_"


def infer(name_zh: str, unit: str) -> tuple[str, str, str]:
    """(code, kind, note) for an indicator the catalogue does not know.

    The code is stable (it depends only on the Chinese name); the kind is read from the
    unit and the wording, and the note says so, so a reader knows it was inferred.

    >>> infer("工业技改投资占比", "%")[1:], infer("新增专精特新企业", "家")[1], infer("单位能耗下降", "%")[1]
    (('share', '未列入指标目录：类别由单位“%”与“占比”推断为 share'), 'count', 'decline')
    >>> infer("规上工业亩均研发投入", "万元/亩")[1], infer("工业投资", "亿元")[1], infer("工业投资", "亿元")[0]
    ('ratio', 'level', 'x_b3c8eaba')
    """
    bare = _PARENS.sub("", name_zh.strip())
    u = (unit or "").strip()
    if any(w in bare for w in ("降幅", "下降", "降低")):
        kind, why = "decline", "措辞“降幅/下降”"
    elif u == "%" and any(w in bare for w in ("比重", "占比")):
        kind, why = "share", f"单位“%”与“{'比重' if '比重' in bare else '占比'}”"
    elif u in COUNT_UNITS or (u and u[-1] in COUNT_UNITS and "/" not in u):
        kind, why = "count", f"单位“{u}”"
    elif "/" in u:
        kind, why = "ratio", f"单位“{u}”"
    elif u == "%":
        kind, why = "share", "单位“%”"
    else:
        kind, why = "level", f"单位“{u or '（无）'}”（金额或数量）"
    code = GENERATED_PREFIX + hashlib.sha1(bare.encode("utf-8")).hexdigest()[:8]
    return code, kind, f"未列入指标目录：类别由{why}推断为 {kind}"


def is_generated(code: str) -> bool:
    """True for a code :func:`infer` made (an indicator outside the catalogue)."""
    return str(code).startswith(GENERATED_PREFIX)
