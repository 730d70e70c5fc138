"""Yearly statistics: one observation schema for every figure, its source and its vintage.

Public API::

    load_observations(processed_dir=None) -> DataFrame   # data/processed/observations.csv
    load_conflicts(processed_dir=None), load_plan_indicators(processed_dir=None)
    series(obs, indicator, region) -> Series            # selected values by year
    coverage_table(obs, regions=None) / plot_coverage(obs, ...) / data_requests(obs, indicators, year)
    build_into(out_dir, indicators, statistics_dir=None) -> str
    test_figures(obs) -> DataFrame                      # rows whose source kind is 'test' (imported as 测试)
    imported_figures(obs) -> DataFrame                  # rows brought in with `qz stats import`
    revisions(raw_dir=None) -> DataFrame                # figures a later import changed (old -> new), from the data log

Every function follows one plan of the 415X family (:mod:`qzlib.stats.plan`): its region is a
valid region and the default one, its indicators (a generated ``x_…`` code too) are the series
the template, coverage and data requests list, and its baseline figures are observations
sourced to the plan document. Observations carry their plan in ``attrs['plan']``.

Source kinds (``source_kind``): plan, official, yearbook, unofficial, researcher (imported,
no source type declared), test (imported as 测试). See :mod:`qzlib.stats.sources`.
"""
from __future__ import annotations

from qzlib.stats.build import build_into, load_conflicts, load_observations, load_plan_indicators, series
from qzlib.stats.coverage import coverage_table, data_requests, plot_coverage
from qzlib.stats.datalog import revisions
from qzlib.stats.sources import SOURCE_KINDS, imported_figures, test_figures

__all__ = ["SOURCE_KINDS", "build_into", "coverage_table", "data_requests", "imported_figures", "load_conflicts",
           "load_observations", "load_plan_indicators", "plot_coverage", "revisions", "series", "test_figures"]
