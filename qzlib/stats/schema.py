"""The one observation schema: input columns (with their Chinese headers) and output checks.

A statistics file, whatever it came from (the shipped CSV, a researcher's workbook, a
CSV export), is read into these columns; ``OBSERVATIONS`` is the pandera schema that
``data/processed/observations.csv`` must satisfy before it is written.
"""
from __future__ import annotations

import datetime as _dt
import unicodedata
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:   # pandera is loaded by the schemas' functions: reading observations needs none
    import pandera.pandas as pa

from qzlib import catalogue
from qzlib.stats import mapping
from qzlib.stats.sources import OFFICIAL_TIER, SOURCE_KINDS  # noqa: F401 - re-exported

# canonical input column -> accepted header spellings (English codes, the shipped CSV's
# names, the workbook's Chinese headers)
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "region": ("region", "地区"),
    "indicator": ("indicator", "indicator_code", "指标代码"),
    "indicator_name_zh": ("indicator_name_zh", "指标名称"),
    "year": ("year", "年份"),
    "value": ("value", "数值"),
    "unit": ("unit", "单位"),
    "source": ("source", "source_title", "来源"),
    "url": ("url", "source_url", "网址"),
    "quote": ("quote", "原文摘录"),
    "vintage": ("vintage", "published", "发布日期"),
    "caveat": ("caveat", "备注", "reason", "理由"),
    "origin": ("origin", "原始位置"),
    "source_type": ("source_type", "来源类型"),
}
# The Chinese header of each column (what a message names when the file lacks the column).
HEADER_ZH = {col: next(a for a in aliases if not a.isascii()) for col, aliases in INPUT_COLUMNS.items()}
REQUIRED = ("region", "indicator", "year", "value", "unit", "source")
# The workbook's header, in order. 地区 comes last, filled with the sheet's name on every row, so
# that a sheet saved alone as CSV keeps its region (and the columns before it keep their letters).
WORKBOOK_HEADER = ("指标代码", "指标名称", "年份", "数值", "单位", "来源", "网址", "原文摘录", "发布日期", "备注",
                   "来源类型", "地区")

OBS_COLUMNS = [
    "region", "indicator", "indicator_name_zh", "year", "value", "unit", "source", "url", "quote",
    "vintage", "caveat", "source_kind", "plan_code", "comparability", "comparability_note",
    "selected", "file", "row", "value_published", "unit_published", "source_code", "origin",
]

FIRST_YEAR = 1978
# The first year the data-entry template offers rows for: the start of the 13th five-year
# plan, enough history for the trend models before the plan's own period.
TEMPLATE_FIRST_YEAR = 2015


def latest_year_begun() -> int:
    """No observation can describe a year that has not begun."""
    return _dt.date.today().year


def plan_period() -> tuple[int, int]:
    """(first, last) year of the active plan's period, from its own header (:mod:`qzlib.stats.plan`)."""
    from qzlib.stats import plan

    p = plan.active()
    return p.period_start, p.period_end


def template_years() -> range:
    """Rows the template offers: from TEMPLATE_FIRST_YEAR to the plan's last year, but never
    past :func:`latest_year_begun` (the same bound ``qz stats check`` applies)."""
    return range(TEMPLATE_FIRST_YEAR, min(plan_period()[1], latest_year_begun()) + 1)


def year_rule_zh() -> str:
    """The year rule in the researcher's words (template instructions and check messages)."""
    return f"年份须为 {FIRST_YEAR}—{latest_year_begun()} 年之间的整数（统计数据不能描述尚未开始的年份）"


def year_rule_en() -> str:
    return f"a year from {FIRST_YEAR} to {latest_year_begun()} (a figure cannot describe a year that has not begun)"


def header_lookup() -> dict[str, str]:
    """Normalised header text -> canonical column."""
    return {header_key(alias): col for col, aliases in INPUT_COLUMNS.items() for alias in aliases}


def header_key(text: object) -> str:
    """A header cell as a lookup key: full-width folded (NFKC), stripped, lower case."""
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().lower()


def _kind_ok(df, kinds, test):
    kind = df["indicator"].map(lambda c: getattr(mapping.resolve(c), "kind", None))
    bad = kind.isin(kinds) & df["value"].notna() & ~test(df["value"].astype(float))
    return ~bad


def _ceiling_ok(df):
    # shares and declines in % (catalogue.CEILINGS) cannot pass 100
    ok = pd.Series(True, index=df.index)
    for kind, ceiling in catalogue.CEILINGS.items():
        ok &= _kind_ok(df, {kind}, lambda v, c=ceiling: v <= c)
    return ok


def _unit_ok(df):
    def ok(code, unit):
        s = mapping.resolve(code)
        return s is None or unit not in mapping.units() or unit in mapping.accepted_units(s)
    return pd.Series([ok(c, u) for c, u in zip(df["indicator"], df["unit"])], index=df.index, dtype=bool)


def _locator_ok(df):
    return (df["url"].fillna("") != "") | (df["quote"].fillna("") != "")


# Checks on parsed rows. Each wide check names the field it is about (pandera reports
# every column for a wide check; qzlib.stats.read keeps the one named here).
WIDE_CHECKS = {
    "unit_matches_indicator": "unit",
    "at_most_ceiling": "value",
    "not_negative": "value",
    "url_or_quote": "quote",
}


def input_schema() -> pa.DataFrameSchema:
    import pandera.pandas as pa

    known = pa.Check(lambda s: s.map(lambda c: mapping.resolve(c) is not None), error="known_indicator")
    return pa.DataFrameSchema(
        {
            "region": pa.Column(str, pa.Check.isin(mapping.regions(), error="known_region")),
            "indicator": pa.Column(str, known),
            "year": pa.Column("Int64", pa.Check.in_range(FIRST_YEAR, latest_year_begun(), error="year_range"),
                              nullable=True),
            "value": pa.Column(float, nullable=True),
            "unit": pa.Column(str, pa.Check.isin(list(mapping.units()), error="known_unit")),
            "source": pa.Column(str, pa.Check.str_length(min_value=1, error="source_given")),
            "url": pa.Column(str),
            "quote": pa.Column(str),
        },
        checks=[
            pa.Check(_unit_ok, name="unit_matches_indicator"),
            pa.Check(_ceiling_ok, name="at_most_ceiling"),
            pa.Check(lambda d: _kind_ok(d, catalogue.NON_NEGATIVE_KINDS, lambda v: v >= 0), name="not_negative"),
            pa.Check(_locator_ok, name="url_or_quote"),
        ],
        strict=False,
        coerce=False,
    )


def observations_schema() -> pa.DataFrameSchema:
    """What observations.csv promises its readers."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "region": pa.Column(str, pa.Check.isin(mapping.regions())),
            "indicator": pa.Column(str, pa.Check.isin(mapping.canonical_codes())),
            "year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, latest_year_begun())),
            "value": pa.Column(float, nullable=False),
            "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
            "source": pa.Column(str, pa.Check.str_length(min_value=1)),
            "source_kind": pa.Column(str, pa.Check.isin(SOURCE_KINDS)),
            "comparability": pa.Column(str, pa.Check.isin(["comparable", "related", ""])),
            "selected": pa.Column(bool),
            "file": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        checks=[pa.Check(lambda d: d[d["selected"]].duplicated(["region", "indicator", "year"]).sum() == 0,
                         name="one_selected_value_per_region_indicator_year")],
        strict=False,
    )
