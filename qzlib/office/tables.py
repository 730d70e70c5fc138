"""What a table the brief shows is, column by column: Chinese title, type, unit, printed precision.

A section says what it knows in a small :class:`TableSpec` (``ctx.save(name, df, title=…,
units=…, digits=…)``); :func:`describe` fills in the rest from the data and from
:mod:`~qzlib.office.glossary`, once, and every file beside the brief is written from the
resulting :class:`Table`: the CSV (:mod:`~qzlib.office.csvfile`), the data package
(:mod:`~qzlib.office.datapackage`) and the workbook (:mod:`~qzlib.office.workbook`).

Values are written as the brief prints them (:func:`qzlib.rules.shown`, half-up at the
printed decimals), so a file never says 1.1000000000000003 or 2025.0.
"""
from __future__ import annotations

import math
import numbers
import unicodedata
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from qzlib import fmt, rules
from qzlib.i18n import T
from qzlib.office import glossary

MISSING = ("", fmt.MISSING)  # what counts as no value in a cell (the brief prints "—")
TYPES = ("integer", "number", "string", "boolean")


@dataclass(frozen=True)
class TableSpec:
    """What a section may say about a table it saves; everything is optional.

    ``title``: Chinese title (the workbook's sheet name, at most 31 characters, and the
    package's resource title). ``headers``: column → Chinese header. ``units``: column →
    unit ("亿元", "%"); a column named 单位 or ``unit`` gives each row's unit instead.
    ``digits``: column → decimals the brief prints. ``percent``: column holding a fraction
    the brief prints as per cent → decimals of the per cent (0.104 printed "10.4%" → 1).
    ``keep_names``: the column names are fixed for machines (an issue names them): the
    CSV keeps them, the workbook and the package show the Chinese headers.
    ``description``: one sentence on what the table holds.
    """

    title: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    digits: Mapping[str, int] = field(default_factory=dict)
    percent: Mapping[str, int] = field(default_factory=dict)
    keep_names: bool = False
    description: str = ""


@dataclass(frozen=True)
class Column:
    name: str            # the column in the section's DataFrame
    header: str          # the header written in the CSV
    title: str           # the Chinese title (workbook header, package field title)
    type: str            # one of TYPES
    digits: int | None = None   # decimals written (number); of the fraction for a percent column
    unit: str = ""       # one unit for the whole column ("" none, or see Table.unit_column)
    percent: bool = False        # a fraction printed as per cent


@dataclass(frozen=True)
class Table:
    name: str            # the file stem: <name>.csv
    title: str
    columns: tuple[Column, ...]
    description: str = ""
    unit_column: str = ""    # the header of the column holding each row's unit, if any
    keep_names: bool = False

    @property
    def file(self) -> str:
        """``<name>.csv``, or ``<name>.en.csv`` in an English brief (:func:`qzlib.i18n.file_name`)."""
        from qzlib.i18n import file_name

        return file_name(f"{self.name}.csv")


def _is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() in MISSING


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _integral(values) -> bool:
    return all(float(v).is_integer() for v in values)


def _type(s: pd.Series, name: str) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "boolean"
    values = [v for v in s if not _is_missing(v)]
    if not values:
        return "integer" if glossary.is_year(name) else "string"
    if all(isinstance(v, (bool, np.bool_)) for v in values):
        return "boolean"
    if not all(_is_number(v) for v in values):
        return "string"
    if pd.api.types.is_integer_dtype(s) or (glossary.is_year(name) and _integral(values)):
        return "integer"
    return "number"


def describe(name: str, df: pd.DataFrame, spec: TableSpec | None = None, number: int = 0) -> Table:
    """The :class:`Table` of ``df`` saved as ``name``: the section's spec, defaults for the rest.

    >>> df = pd.DataFrame({"code": ["a"], "target_year": [2025.0], "completion": [2 / 3], "实际值": [1.1000000000000003]})
    >>> t = describe("progress", df, TableSpec(units={"实际值": "亿元"}))
    >>> t.title, [(c.header, c.type, c.digits) for c in t.columns]
    ('进展评估', [('code', 'string', None), ('目标年', 'integer', None), ('完成度', 'number', 2), ('实际值（亿元）', 'number', 2)])
    """
    spec = spec or TableSpec()
    keep = spec.keep_names or name in glossary.MACHINE_TABLES
    title = spec.title or glossary.table_title(name)
    if title == name and name.isascii():   # a machine name no section titled and the glossary does not know
        title = T("表{n}·{name}", n=number or "", name=name)
    cols, used = [], set()
    unit_column = next((c for c in df.columns if str(c) in ("单位", "unit")), None)
    for c in df.columns:
        c = str(c)
        kind = _type(df[c], c)
        pct = spec.percent.get(c, glossary.percent_digits(c) if kind == "number" else None)
        if c in spec.digits:
            digits = int(spec.digits[c])
        elif pct is not None:
            digits = int(pct) + 2
        else:
            digits = glossary.digits(c)
        unit = spec.units.get(c, "")
        col_title = spec.headers.get(c) or glossary.field_title(c)
        if keep or c in glossary.MACHINE_COLUMNS:
            header = c
        else:
            header = col_title if (not unit or pct is not None or unit in col_title) else f"{col_title}（{unit}）"
        while header in used:   # two columns may map to one Chinese title
            header += "＊"
        used.add(header)
        cols.append(Column(name=c, header=header, title=col_title, type=kind,
                           digits=digits if kind == "number" else None, unit=unit,
                           percent=pct is not None and kind == "number"))
    unit_header = next((col.header for col in cols if col.name == unit_column), "")
    return Table(name=name, title=title, columns=tuple(cols), description=spec.description,
                 unit_column=unit_header, keep_names=keep)


def decimal_text(value, digits: int) -> str:
    """``value`` as printed at ``digits`` decimals, without trailing zeros or float noise.

    >>> decimal_text(1.1000000000000003, 2), decimal_text(2025.0, 2), decimal_text(0.6666, 2), decimal_text(-0.001, 2)
    ('1.1', '2025', '0.67', '0')
    """
    d = rules.shown(value, digits)
    if d is None:
        return ""
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cell_text(value, column: Column) -> str:
    """One CSV cell: numbers at the printed precision, years whole, no value as ''."""
    if _is_missing(value):
        return "" if column.type != "string" else ("" if value is None or not isinstance(value, str) else value)
    if column.type == "integer":
        return str(int(round(float(value))))
    if column.type == "number":
        return decimal_text(value, column.digits if column.digits is not None else rules.VALUE_DIGITS)
    if column.type == "boolean":
        return "true" if bool(value) else "false"
    if _is_number(value):   # a number in a text column: as the brief prints it
        return decimal_text(value, rules.VALUE_DIGITS)
    return str(value)


def printed(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """``df`` as the CSV holds it: the headers of ``table`` and every cell as printed text."""
    return pd.DataFrame({col.header: [cell_text(v, col) for v in df[col.name]] for col in table.columns},
                        columns=[col.header for col in table.columns])


def display_width(text) -> int:
    """Columns a text takes in a spreadsheet cell or a table: two for a wide (CJK) character.

    >>> display_width("进展2025")
    8
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))
