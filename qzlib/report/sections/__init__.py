"""The annual brief, one module per section, in the order the brief prints them.

Each section module takes the shared :class:`~qzlib.report.sections.context.BriefContext`
and holds its own data (every table it shows is saved as a CSV beside the PDF), its
sentences (computed from those tables, never fixed text that could turn false) and its
chart. ``notebooks/01_brief.ipynb`` only calls them. Claims that several sections make
(which indicators have data, the latest year, the real audit discrepancies) live in
:mod:`~qzlib.report.sections.facts`, so each claim has one code path.

To add a section: write a module here with functions ``f(ctx)`` returning HTML or a
Figure, save its table with ``ctx.save(name, df)``, add a heading cell and a call cell to
the brief notebook, and a check to ``tests/test_brief_sections.py``.
"""
from qzlib.report.sections import (
    actual,
    appendix,
    audit,
    counties,
    facts,
    indicators,
    plans,
    progress,
    reference,
    responsibility,
    scenario,
    statistics,
    summary,
    terms,
    title,
)
from qzlib.report.sections.context import BriefContext, charts_done, load_context, md, show

__all__ = ["BriefContext", "charts_done", "load_context", "md", "show", "title", "summary", "indicators", "actual", "counties", "progress",
           "reference", "statistics", "scenario", "plans", "responsibility", "audit", "appendix", "facts", "terms"]
