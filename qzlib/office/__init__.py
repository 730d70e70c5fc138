"""Files for the office beside every brief: clean CSVs, a data package, a workbook, a Word
document and the charts as PNGs.

One module per concern: :mod:`~qzlib.office.tables` (what a saved table is: Chinese
titles, types, units, printed precision), :mod:`~qzlib.office.csvfile` (UTF-8 with BOM),
:mod:`~qzlib.office.datapackage` (``datapackage.json``), :mod:`~qzlib.office.workbook`
(``results.xlsx``), :mod:`~qzlib.office.word` (``brief.docx``), :mod:`~qzlib.office.charts`
(``charts/*.png``). The brief's kernel writes the CSVs, the package and the charts as the
sections save and show them (``ctx.save``, ``show``); :func:`finish` writes the workbook and
the Word document into the same stage folder once the notebook has run, before the brief
is published, so a failure in any of them leaves the previous brief as it was.

``QZ_OFFICE=0`` in the environment leaves out the data package, the charts, the workbook and
the Word document (the CSVs are written as always); ``bench/brief.py --office`` builds
briefs with and without them to measure what they cost.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV = "QZ_OFFICE"
FILES = ("results.xlsx", "brief.docx")   # what :func:`finish` writes (brief.en.docx … in an English brief)


def enabled() -> bool:
    """False when ``QZ_OFFICE=0``: no data package, charts, workbook or Word document."""
    return os.environ.get(ENV, "1").strip() != "0"


def finish(folder: str | Path, html: str, title: str = "") -> list[Path]:
    """Write ``results.xlsx`` (from the folder's data package) and ``brief.docx`` (from the
    brief's HTML) into ``folder``; returns their paths."""
    from qzlib.office import datapackage, word, workbook

    return [workbook.write(datapackage.read(folder), folder), word.write(html, folder, title)]
