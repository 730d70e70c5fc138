"""The CSV beside the brief: UTF-8 with a byte-order mark (Excel on Chinese Windows reads it
right), Chinese headers, values as printed (:func:`qzlib.office.tables.printed`)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from qzlib.atomic import atomic_file
from qzlib.office.tables import Table, printed

ENCODING = "utf-8-sig"  # UTF-8 with BOM


def write(df: pd.DataFrame, table: Table, folder: str | Path) -> Path:
    """Write ``df`` as ``<folder>/<table.name>.csv`` (atomically); returns the path."""
    path = Path(folder) / table.file
    with atomic_file(path, encoding=ENCODING) as fh:
        printed(df, table).to_csv(fh, index=False)
    return path


def read(path: str | Path) -> pd.DataFrame:
    """A CSV written by :func:`write`, every cell as the text it holds ('' for no value)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=ENCODING)
