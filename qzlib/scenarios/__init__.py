"""What-if scenarios: YAML assumptions → yearly paths over the plan's years (``Engine.years``:
its baseline year to three years after its period) and attainment of the plan's targets.

One module per step: :mod:`~qzlib.scenarios.files` (which files are scenarios),
:mod:`~qzlib.scenarios.schema` (the YAML and its checks),
:mod:`~qzlib.scenarios.prepared` (the plan's points as arrays), :mod:`~qzlib.scenarios.paces`
(paces borrowed from the statistics), :mod:`~qzlib.scenarios.engine` (the arithmetic),
:mod:`~qzlib.scenarios.result` (paths, attainment, CSVs) and :mod:`~qzlib.scenarios.wording`
(the Chinese words).

>>> from qzlib.scenarios import load, run, compare, plot_paths
"""
import lazy_loader

# Names are imported on first use (lazy_loader): listing the scenario files (``files``) must
# not load the engine, matplotlib and the forecasting code.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    "engine": ["Engine", "run"],
    "plot": ["plot_paths"],
    "prepared": ["Prepared", "components", "plan_points"],
    "result": ["ScenarioResult", "attainment_records", "compare"],
    "schema": ["SCHEMA", "Scenario", "load", "parse"],
    "files": ["list_files"],
    "wording": ["COMPONENT_ZH", "STATUS_ZH"],
})
