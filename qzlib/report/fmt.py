"""Small formatting rules shared by every table of the brief."""
from __future__ import annotations

import html
import math

import pandas as pd

MISSING = "—"


def num(value, digits: int = 2) -> str:
    """1953.0 → '1953'; 2.70 → '2.7'; 33.3333 → '33.33'; NaN/None → '—'.

    >>> num(1953.0), num(2.70), num(33.3333), num(float("nan"))
    ('1953', '2.7', '33.33', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    try:
        v = float(value)
    except (TypeError, ValueError):
        return html.escape(str(value))
    text = f"{v:,.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(",", "")  if abs(v) < 10000 else text


def pct(value, digits: int = 1, signed: bool = True) -> str:
    """0.104 → '+10.4%'; NaN → '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{value * 100:{'+' if signed else ''}.{digits}f}%"


def table(df: pd.DataFrame, numeric: tuple[str, ...] = (), classes: str = "", row_class=None,
          widths: dict[str, str] | None = None, cell_class=None) -> str:
    """An HTML table that fits the page: escaped text, right-aligned numbers, '—' for missing.

    ``row_class`` maps a row to a CSS class (e.g. a RAG colour) or ''; ``cell_class(row, col)``
    does the same for one cell; ``widths`` fixes
    the share of the page width some columns take (the rest share what is left).
    """
    cols = list(df.columns)
    colgroup = ""
    if widths:
        colgroup = "<colgroup>" + "".join(f'<col style="width:{widths[c]}">' if c in widths else "<col>"
                                          for c in cols) + "</colgroup>"
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{html.escape(str(c))}</th>' for c in cols)
    rows = []
    for _, row in df.iterrows():
        cls = row_class(row) if row_class else ""
        cells = []
        for c in cols:
            v = row[c]
            text = MISSING if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v)
            cls_cell = " ".join(x for x in ("num" if c in numeric else "", cell_class(row, c) if cell_class else "") if x)
            cells.append(f'<td class="{cls_cell}">{html.escape(text)}</td>')
        rows.append(f'<tr class="{cls}">{"".join(cells)}</tr>')
    return f'<table class="{classes}">{colgroup}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
