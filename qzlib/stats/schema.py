"""The one observation schema: input columns (with their Chinese headers) and output checks.

A statistics file, whatever it came from (the shipped CSV, a researcher's workbook, a
CSV export), is read into these columns; ``OBSERVATIONS`` is the pandera schema that
``data/processed/observations.csv`` must satisfy before it is written.
"""
from __future__ import annotations

import datetime as _dt
import unicodedata

import pandas as pd
import pandera.pandas as pa

from qzlib import catalogue
from qzlib.stats import mapping

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
}
REQUIRED = ("region", "indicator", "year", "value", "unit", "source")
# The workbook's header, in order (region is the sheet's name).
WORKBOOK_HEADER = ("指标代码", "指标名称", "年份", "数值", "单位", "来源", "网址", "原文摘录", "发布日期", "备注")

SOURCE_KINDS = ("plan", "official", "yearbook", "researcher", "unofficial")
# Kinds whose figures come from an official publication or from the bureau itself.
OFFICIAL_TIER = {"plan", "official", "yearbook", "researcher"}

OBS_COLUMNS = [
    "region", "indicator", "indicator_name_zh", "year", "value", "unit", "source", "url", "quote",
    "vintage", "caveat", "source_kind", "plan_code", "comparability", "comparability_note",
    "selected", "file", "row", "value_published", "unit_published", "source_code", "origin",
]

FIRST_YEAR = 1978


def last_year() -> int:
    """No observation can describe a year that has not begun."""
    return _dt.date.today().year


def header_lookup() -> dict[str, str]:
    """Folded header text -> canonical column."""
    return {fold(alias): col for col, aliases in INPUT_COLUMNS.items() for alias in aliases}


def fold(text: object) -> str:
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
    known = pa.Check(lambda s: s.map(lambda c: mapping.resolve(c) is not None), error="known_indicator")
    return pa.DataFrameSchema(
        {
            "region": pa.Column(str, pa.Check.isin(mapping.regions(), error="known_region")),
            "indicator": pa.Column(str, known),
            "year": pa.Column("Int64", pa.Check.in_range(FIRST_YEAR, last_year(), error="year_range"),
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
    return pa.DataFrameSchema(
        {
            "region": pa.Column(str, pa.Check.isin(mapping.regions())),
            "indicator": pa.Column(str, pa.Check.isin(mapping.canonical_codes())),
            "year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, last_year())),
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
