"""The interactive scenario explorer: notebook 05's dashboard and the page ``qz explore`` serves.

One module per concern: :mod:`~qzlib.scenarios.explorer.state` (the scenario being edited,
every callback as plain Python, the save rule), :mod:`~qzlib.scenarios.explorer.view` (tables
and files for readers), :mod:`~qzlib.scenarios.explorer.chart` (the chart the browser draws) and
:mod:`~qzlib.scenarios.explorer.widgets` (the dashboard); the served page's safety and limits
live in :mod:`~qzlib.scenarios.explorer.server` and :mod:`~qzlib.scenarios.explorer.guard`.

>>> from qzlib.scenarios.explorer import Explorer, ExplorerUI, open_explorer, export_overview
"""
from qzlib.scenarios.explorer.state import (DEFAULT_CODES, SHIPPED, Explorer, NameTaken, check_name, error_text,
                                            error_zh, open_explorer, scenario_title)
from qzlib.scenarios.explorer.view import attainment_html, comparison_view, export_overview, values_view
from qzlib.scenarios.explorer.widgets import ExplorerUI

__all__ = ["DEFAULT_CODES", "SHIPPED", "Explorer", "ExplorerUI", "NameTaken", "attainment_html", "check_name",
           "comparison_view", "error_text", "error_zh", "export_overview", "open_explorer", "scenario_title",
           "values_view"]
