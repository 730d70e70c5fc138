"""What-if scenarios: YAML assumptions → yearly paths over the plan's years (``Engine.years``:
its baseline year to three years after its period) and attainment of the plan's targets.

One module per step: :mod:`~qzlib.scenarios.schema` (the YAML and its checks),
:mod:`~qzlib.scenarios.prepared` (the plan's points as arrays), :mod:`~qzlib.scenarios.paces`
(paces borrowed from the statistics), :mod:`~qzlib.scenarios.engine` (the arithmetic),
:mod:`~qzlib.scenarios.result` (paths, attainment, CSVs) and :mod:`~qzlib.scenarios.wording`
(the Chinese words).

>>> from qzlib.scenarios import load, run, compare, plot_paths
"""
from qzlib.scenarios.engine import Engine, run
from qzlib.scenarios.plot import plot_paths
from qzlib.scenarios.prepared import Prepared, components, plan_points
from qzlib.scenarios.result import ScenarioResult, attainment_records, compare
from qzlib.scenarios.schema import SCHEMA, Scenario, list_files, load, parse
from qzlib.scenarios.wording import COMPONENT_ZH, STATUS_ZH

__all__ = ["COMPONENT_ZH", "Engine", "Prepared", "SCHEMA", "STATUS_ZH", "Scenario", "ScenarioResult",
           "attainment_records", "compare", "components", "list_files", "load", "parse", "plan_points",
           "plot_paths", "run"]
