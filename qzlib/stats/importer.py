"""Check a researcher's workbook or CSV and add it to ``data/raw/statistics/imported/``.

An import is all rows or none: the file is checked completely first; then the converted
CSV and the data-log row (file name, SHA-256, imported-at) are written, and if the log
cannot be written the CSV is removed again. ``data/raw`` is otherwise never touched.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pandas as pd

from qzlib import paths
from qzlib.atomic import atomic_file
from qzlib.errors import InputError
from qzlib.stats import read
from qzlib.stats.build import IMPORTED

STORED_COLUMNS = ["region", "indicator", "indicator_name_zh", "year", "value", "unit", "source", "url", "quote",
                  "vintage", "caveat", "origin"]
LOG_HEADER = "| file | what it holds | where it came from | received | quality |"


def check_file(path: str | Path) -> tuple[pd.DataFrame, read.Table]:
    """Observations of a filled workbook or CSV; raises InputError listing every problem."""
    path = Path(path)
    table = read.read_table(path, path.name)
    obs = read.observations_from_table(table, file=path.name, source_kind="researcher")
    return obs, table


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _slug(name: str) -> str:
    return re.sub(r"[^\w\-]+", "_", Path(name).stem).strip("_")[:40] or "file"


def import_file(path: str | Path, raw_dir: str | Path | None = None, now: dt.datetime | None = None) -> Path:
    """Check ``path`` and store it as a new CSV under ``raw_dir/statistics/imported``; return it."""
    path = Path(path)
    raw_dir = Path(raw_dir or paths.RAW)
    log = raw_dir / "README.md"
    obs, table = check_file(path)
    digest = sha256(path)
    target_dir = raw_dir / "statistics" / IMPORTED
    earlier = sorted(target_dir.glob(f"*_{digest[:12]}_*.csv"))
    if earlier:
        raise InputError.one(file=path.name, field="sha256", value=digest[:12],
                             expected=f"a file not imported before (same content as statistics/{IMPORTED}/"
                             f"{earlier[0].name})")
    if not log.is_file() or LOG_HEADER not in log.read_text(encoding="utf-8"):
        raise InputError.one(file=log, expected=f"the data log with its table ({LOG_HEADER})")
    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    name = f"{now:%Y%m%dT%H%M%SZ}_{digest[:12]}_{_slug(path.name)}.csv"
    stored = obs.assign(indicator=obs["source_code"], value=obs["value_published"], unit=obs["unit_published"])
    buf = io.StringIO()
    stored[STORED_COLUMNS].to_csv(buf, index=False)
    new_log = _add_log_row(log.read_text(encoding="utf-8"), _log_row(f"statistics/{IMPORTED}/{name}", path,
                                                                      digest, now, obs, table))
    target = target_dir / name
    with atomic_file(target) as fh:
        fh.write(buf.getvalue())
    try:
        with atomic_file(log) as fh:
            fh.write(new_log)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    return target


def _log_row(rel: str, src: Path, digest: str, now: dt.datetime, obs: pd.DataFrame, table: read.Table) -> str:
    regions = "、".join(sorted(obs["region"].unique()))
    years = f"{obs['year'].min()}–{obs['year'].max()}" if obs["year"].nunique() > 1 else str(obs["year"].iloc[0])
    codes = ", ".join(sorted(obs["indicator"].unique()))
    sources = "; ".join(sorted(obs["source"].unique())[:3]) + (" …" if obs["source"].nunique() > 3 else "")
    enc = "" if table.encoding in {"", "xlsx", "UTF-8"} else f", decoded as {table.encoding}"
    cell = lambda s: str(s).replace("|", "/").replace("\n", " ")  # noqa: E731 - a table cell
    return ("| " + " | ".join(cell(c) for c in [
        f"`{rel}`",
        f"{len(obs)} figures for {regions}, {years} ({codes}); sources: {sources}",
        f"researcher-supplied file `{src.name}`{enc}, SHA-256 `{digest}`; converted by `qz stats import`",
        f"{now.isoformat().replace('+00:00', 'Z')}",
        "amber: supplied by a researcher; every row names its source and quote — confirm before publishing",
    ]) + " |")


def _add_log_row(text: str, row: str) -> str:
    """Insert ``row`` after the last row of the data-log table."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == LOG_HEADER)
    end = start
    while end + 1 < len(lines) and lines[end + 1].lstrip().startswith("|"):
        end += 1
    lines.insert(end + 1, row)
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")
