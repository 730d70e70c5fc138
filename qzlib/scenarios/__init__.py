"""What-if scenarios: YAML assumptions → yearly paths over the plan's years (``Engine.years``:
its baseline year to three years after its period) and attainment of the plan's targets.

>>> from qzlib.scenarios import load, run, compare, plot_paths
"""
from qzlib.scenarios.engine import Engine, Prepared, ScenarioResult, compare, run
from qzlib.scenarios.plot import plot_paths
from qzlib.scenarios.schema import SCHEMA, Scenario, list_files, load, parse

__all__ = ["Engine", "Prepared", "ScenarioResult", "compare", "run", "plot_paths", "SCHEMA",
           "Scenario", "list_files", "load", "parse"]
