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

import lazy_loader

# Names are imported on first use (lazy_loader): ``qz brief`` checks which statistics files an
# ingest read without loading pandas and pandera, and a kernel pays only for what it calls.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    "build": ["build_into", "load_conflicts", "load_observations", "load_plan_indicators", "series"],
    "coverage": ["coverage_table", "data_requests", "plot_coverage"],
    "datalog": ["revisions"],
    "sources": ["SOURCE_KINDS", "imported_figures", "test_figures"],
})
