"""Trend models with calibrated intervals, and progress to target through four lenses.

- :func:`fit` — one yearly series to a :class:`Forecast` (path with 80 %/95 % intervals,
  predictive quantiles, fan chart).
- :mod:`qzlib.forecast.progress` — ``assess``, ``progress_table``, ``plan_path``,
  ``fan_charts`` and ``method_notes``.
- :mod:`qzlib.forecast.verdicts` — ``verdict_table``: one verdict per indicator and milestone
  (the rule is :func:`qzlib.rules.judge`), with the lenses beside it; ``verdicts.csv``.
- the benchmark and model-selection harness lives in ``bench/harness.py`` (not shipped).
"""
from qzlib.forecast.trend import Forecast, fit

__all__ = ["Forecast", "fit"]
