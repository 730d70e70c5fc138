"""Which series a statistics code means, in which unit, and how it relates to the plan.

Everything here is read from ``resources/stats_mapping.yml`` (reasons included), so a
reader can check a mapping without reading code, and a new series is one YAML entry.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import yaml

from qzlib import catalogue
from qzlib.paths import RESOURCES

MAPPING_FILE = RESOURCES / "stats_mapping.yml"
KINDS = {"share", "level", "count", "ratio", "growth", "change", "decline"}


@dataclass(frozen=True)
class Series:
    code: str
    unit: str
    kind: str
    plan_code: str  # '' when the series speaks to no plan indicator
    comparability: str  # 'comparable' | 'related' | ''
    note: str
    name_zh: str = ""


@lru_cache(maxsize=1)
def _raw() -> dict:
    return yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def series_table() -> dict[str, Series]:
    """Every known series by its code *and* by each alias."""
    raw = _raw()
    plan = catalogue.by_code()
    out: dict[str, Series] = {}
    # Every plan indicator is a series of its own, comparable by definition.
    for code, ind in plan.items():
        out[code] = Series(code, ind.unit, ind.kind, code, "comparable",
                           "方案指标本身", raw["plan"].get(code, ""))
    for code, item in raw["series"].items():
        if code in plan:
            s = out[code]
            s = Series(code, s.unit, s.kind, code, "comparable", item.get("note", s.note), s.name_zh)
        else:
            kind = item["kind"]
            if kind not in KINDS:
                raise ValueError(f"{MAPPING_FILE.name}: {code}: unknown kind {kind!r}")
            if item["unit"] not in units():
                raise ValueError(f"{MAPPING_FILE.name}: {code}: unknown unit {item['unit']!r}")
            pc = item.get("plan_code", "") or ""
            if pc and pc not in plan:
                raise ValueError(f"{MAPPING_FILE.name}: {code}: unknown plan_code {pc!r}")
            comp = item.get("comparability", "") or ""
            if pc and comp != "related":
                # A series that is not itself a plan code can only be related.
                raise ValueError(f"{MAPPING_FILE.name}: {code}: a non-plan series can only be 'related'")
            s = Series(code, item["unit"], kind, pc, comp, item.get("note", ""))
        for key in [code, *item.get("aliases", [])]:
            if key in out and out[key].code != code:
                raise ValueError(f"{MAPPING_FILE.name}: code {key!r} maps to two series")
            out[key] = s
    return out


_UNIT_SUFFIX = re.compile(r"[（(][^（）()]*[）)]\s*$")


def resolve(code: str) -> Series | None:
    """The series a code, an alias or the plan's exact wording of an indicator names; else None.

    Names are matched exactly (unit in brackets ignored), never by key words: a key-word
    match would take 每万人口高价值发明专利拥有量 (stock) for the plan's 授权量 (flow).

    >>> resolve("规上工业亩均增加值（万元/亩）").code, resolve("mu_va_10k_yuan_per_mu").code
    ('per_mu_value_added', 'per_mu_value_added')
    >>> resolve("每万人口高价值发明专利拥有量") is None
    True
    """
    text = unicodedata.normalize("NFKC", str(code)).strip()
    hit = series_table().get(text)
    if hit is None:
        by_name = {name: c for c, name in plan_names().items()}
        plain = _UNIT_SUFFIX.sub("", text).strip()
        plain = next((n for n in by_name if unicodedata.normalize("NFKC", n) == plain), None)
        hit = series_table().get(by_name[plain]) if plain else None
    return hit


def series_bounds(code: str) -> tuple[float | None, float | None]:
    """(lower, upper) natural bounds of a plan indicator or statistics series, from its kind
    (a share stops at 0 and 100; a growth rate or a change may be negative)."""
    ind = catalogue.by_code().get(code)
    if ind is not None:
        return catalogue.natural_bounds(ind.kind)
    s = resolve(code)
    return catalogue.natural_bounds(s.kind) if s is not None else (None, None)


def canonical_codes() -> list[str]:
    return sorted({s.code for s in series_table().values()})


@lru_cache(maxsize=1)
def units() -> dict[str, tuple[str, Decimal]]:
    """unit -> (canonical unit, factor)."""
    return {u: (v["canonical"], Decimal(str(v["factor"]))) for u, v in _raw()["units"].items()}


def clean_unit(text: object) -> str:
    """Unit as written, with full-width forms folded (％ -> %, ／ -> /)."""
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()


def accepted_units(series: Series) -> list[str]:
    """Units a file may give for ``series``: the family of its canonical unit."""
    return [u for u, (canon, _) in units().items() if canon == series.unit]


def regions() -> list[str]:
    return [r["name"] for r in _raw()["regions"]]


def template_regions() -> list[str]:
    return [r["name"] for r in _raw()["regions"] if r.get("template")]


def plan_source() -> dict:
    return dict(_raw()["plan_source"])


def plan_names() -> dict[str, str]:
    """Plan code -> the indicator's name as 附件1 words it (without unit)."""
    return dict(_raw()["plan"])
