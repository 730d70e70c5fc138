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


def series_table() -> dict[str, Series]:
    """Every known series by its code *and* by each alias, for the active plan
    (:func:`qzlib.stats.plan.active`)."""
    from qzlib.stats import plan

    return _series_table(plan.active())


def _plan_unit(unit: str) -> str:
    """The canonical unit of a unit the plan writes (itself when the units table lacks it)."""
    u = clean_unit(unit)
    return _base_units()[u][0] if u in _base_units() else u


@lru_cache(maxsize=8)
def _series_table(the_plan) -> dict[str, Series]:
    raw = _raw()
    known = catalogue.by_code()
    plan = the_plan.by_code()
    out: dict[str, Series] = {}
    # Every plan indicator (a generated code too) is a series of its own, comparable by definition,
    # with the plan's own name, unit and kind.
    for code, ind in plan.items():
        out[code] = Series(code, _plan_unit(ind.unit), ind.kind, code, "comparable", "方案指标本身", ind.name_zh)
    for code, item in raw["series"].items():
        if code in plan:
            s = out[code]
            s = Series(code, s.unit, s.kind, code, "comparable", item.get("note", s.note), s.name_zh)
        elif code in known and "unit" not in item:
            # a catalogued indicator this plan does not have: a context series of its own
            ind = known[code]
            s = Series(code, ind.unit, ind.kind, "", "", item.get("note", ""))
        else:
            kind = item["kind"]
            if kind not in KINDS:
                raise ValueError(f"{MAPPING_FILE.name}: {code}: unknown kind {kind!r}")
            if item["unit"] not in _base_units():
                raise ValueError(f"{MAPPING_FILE.name}: {code}: unknown unit {item['unit']!r}")
            pc = item.get("plan_code", "") or ""
            if pc and pc not in known:
                raise ValueError(f"{MAPPING_FILE.name}: {code}: unknown plan_code {pc!r}")
            comp = item.get("comparability", "") or ""
            if pc and comp != "related":
                # A series that is not itself a plan code can only be related.
                raise ValueError(f"{MAPPING_FILE.name}: {code}: a non-plan series can only be 'related'")
            if pc not in plan:   # it speaks to an indicator this plan does not have: context only
                pc, comp = "", ""
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
    s = resolve(code)
    ind = catalogue.by_code().get(code)
    if s is None and ind is not None:
        return catalogue.natural_bounds(ind.kind)
    return catalogue.natural_bounds(s.kind) if s is not None else (None, None)


def canonical_codes() -> list[str]:
    return sorted({s.code for s in series_table().values()})


@lru_cache(maxsize=1)
def _base_units() -> dict[str, tuple[str, Decimal]]:
    return {u: (v["canonical"], Decimal(str(v["factor"]))) for u, v in _raw()["units"].items()}


def units() -> dict[str, tuple[str, Decimal]]:
    """unit -> (canonical unit, factor): the units table, and any unit the active plan writes
    that the table lacks (a family of its own, factor 1)."""
    from qzlib.stats import plan

    return _units_for(plan.active())


@lru_cache(maxsize=8)
def _units_for(the_plan) -> dict[str, tuple[str, Decimal]]:
    out = dict(_base_units())
    for ind in the_plan.indicators:
        u = clean_unit(ind.unit)
        if u and u not in out:
            out[u] = (u, Decimal(1))
    return out


def clean_unit(text: object) -> str:
    """Unit as written, with full-width forms folded (％ -> %, ／ -> /)."""
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()


def accepted_units(series: Series) -> list[str]:
    """Units a file may give for ``series``: the family of its canonical unit."""
    return [u for u, (canon, _) in units().items() if canon == series.unit]


def regions() -> list[str]:
    """Regions a statistics file may name: the mapping's list and the active plan's own region."""
    from qzlib.stats import plan

    names = [r["name"] for r in _raw()["regions"]]
    own = plan.active().region
    return names + ([own] if own not in names else [])


def within(region: str) -> list[str]:
    """The regions the mapping places directly within ``region`` (衢州市's six counties), in its order."""
    return [r["name"] for r in _raw()["regions"] if r.get("within") == region]


def template_regions(region: str | None = None) -> list[str]:
    """The sheets `qz stats template` writes by default: the plan's region, the regions within it,
    then the regions it lies within, up to the country."""
    from qzlib.stats import plan

    region = region or plan.active().region
    raw = _raw()
    up_of = {r["name"]: r.get("within") for r in raw["regions"]}
    inner = within(region)
    outer, up = [], up_of.get(region, raw["default_within"])
    while up and up not in outer and up != region:
        outer.append(up)
        up = up_of.get(up)
    return [region, *inner, *outer]


def plan_source() -> dict:
    """Source, url, file, vintage and region of the active plan's own baseline figures."""
    from qzlib.stats import plan

    return plan.active().source()


def plan_names() -> dict[str, str]:
    """Plan code -> the indicator's name as the active plan's indicator table words it (without unit)."""
    from qzlib.stats import plan

    return plan.active().names()
