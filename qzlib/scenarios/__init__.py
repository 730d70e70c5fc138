"""What-if scenarios: YAML assumptions → yearly paths 2022–2030 and attainment of the plan's targets.

>>> from qzlib.scenarios import load, run, compare, plot_paths
"""
from qzlib.scenarios.engine import YEARS, Engine, Prepared, ScenarioResult, compare, run
from qzlib.scenarios.plot import plot_paths
from qzlib.scenarios.schema import SCHEMA, Scenario, list_files, load, parse

__all__ = ["YEARS", "Engine", "Prepared", "ScenarioResult", "compare", "run", "plot_paths", "SCHEMA",
           "Scenario", "list_files", "load", "parse"]
