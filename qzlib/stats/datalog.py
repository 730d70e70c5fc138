"""The data log (data/raw/README.md) read back: figures a later import changed.

``qz stats import --revise FILE`` stores the changed figures and adds a row to the data log
(``data/raw/README.md``) whose "what it holds" cell lists every change as
``region indicator year: old → new unit (was <earlier stored file> row N)`` — the old unit
written after the old value when it differs, and ``, source type A → B`` when the declared
source type changed. :func:`revisions` reads those entries back into one table, so that a
brief can say which figures changed since they were first imported.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from qzlib import paths
from qzlib.errors import InputError, Problem

COLUMNS = ["region", "indicator", "year", "old_value", "old_unit", "new_value", "new_unit", "old_source_kind",
           "new_source_kind", "revised_at", "file", "original_file", "replaces"]

# one data-log row written by `qz stats import` (cells hold no "|": the importer writes "/" instead)
_ROW = re.compile(r"^\| `(?P<file>statistics/imported/[^`]+)` \| (?P<holds>[^|]*) \| (?P<came>[^|]*) \| "
                  r"(?P<received>[^|]*?) \| [^|]* \|\s*$")
_ORIGINAL = re.compile(r"researcher-supplied file `(?P<name>[^`]+)`")
_REVISES = "; revises "
_ITEM = re.compile(r"(?P<region>\S+) (?P<indicator>\S+) (?P<year>\d{4}): (?P<old>-?\d[\d.]*)(?: (?P<old_unit>\S+))? → "
                   r"(?P<new>-?\d[\d.]*) (?P<unit>\S+?)(?:, source type (?P<kind_old>\w+) → (?P<kind_new>\w+))? "
                   r"\(was (?P<was>[^()]+)\)(?:; |$)")


def revisions(raw_dir: str | Path | None = None) -> pd.DataFrame:
    """Every revision of an imported figure the data log of ``raw_dir`` (default: data/raw) records,
    oldest first, one row per changed figure.

    Columns (:data:`COLUMNS`):

    - ``region``, ``indicator`` (the series code, e.g. ``rd_intensity``), ``year`` (int): the figure;
    - ``old_value`` → ``new_value``: the numbers as published (text, e.g. ``'2.8'`` → ``'2.9'``; equal
      when only the source type changed), ``old_unit`` / ``new_unit`` their units as published;
    - ``old_source_kind`` → ``new_source_kind``: the declared source type (``official``, ``unofficial``,
      ``test``, ``researcher`` = none declared) when the revision changed it, else both '';
    - ``revised_at``: when the revising import ran (a UTC ``pandas.Timestamp``);
    - ``file``: the stored import that holds the new value (``statistics/imported/….csv``, relative to
      data/raw; the ``file`` of its row in observations.csv); ``original_file``: the researcher's file it
      was converted from; ``replaces``: the stored file and row that held the old value.

    A data-log row of an import whose list of revisions cannot be read raises :class:`InputError`
    naming the line; a log without revisions gives an empty table with these columns.
    """
    log = Path(raw_dir or paths.RAW) / "README.md"
    if not log.is_file():
        raise InputError([Problem(file=log, expected="the data log (written with data/raw)",
                                  expected_zh="应有数据日志（data/raw/README.md）")])
    out = []
    for n, line in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
        row = _ROW.match(line)
        if row is None or _REVISES not in row["holds"]:
            continue
        listed = row["holds"].split(_REVISES, 1)[1]
        items = list(_ITEM.finditer(listed))
        if not items or "".join(m.group() for m in items) != listed:
            raise InputError([Problem(file=log, where=f"line {n}", field="revises", value=listed,
                                      expected="revisions written by qz stats import: 'region indicator year: "
                                               "old → new unit (was <file> row N)', separated by '; '",
                                      expected_zh="应为 qz stats import 写下的修订记录：“地区 指标 年份: 旧值 → 新值 单位"
                                                  "（was 原文件 row 行号）”，以“; ”分隔")])
        original = _ORIGINAL.search(row["came"])
        for m in items:
            out.append({"region": m["region"], "indicator": m["indicator"], "year": int(m["year"]),
                        "old_value": m["old"], "old_unit": m["old_unit"] or m["unit"], "new_value": m["new"],
                        "new_unit": m["unit"], "old_source_kind": m["kind_old"] or "",
                        "new_source_kind": m["kind_new"] or "", "revised_at": pd.Timestamp(row["received"].strip()),
                        "file": row["file"], "original_file": original["name"] if original else "",
                        "replaces": m["was"]})
    table = pd.DataFrame(out, columns=COLUMNS)
    return table.sort_values("revised_at", kind="stable").reset_index(drop=True)
