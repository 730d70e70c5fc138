"""Check a researcher's workbook or CSV and add it to ``data/raw/statistics/imported/``.

An import is all rows or none: the file is checked completely first; then, holding a lock
on the data log (two imports at once must not lose a log row), its figures are compared
with those earlier imports hold (same region, indicator, year and source):

- a figure with the same value and source type is a *repeat*: it is skipped, and a file
  of nothing but repeats is refused, naming the earlier import that holds them;
- a figure with another value (or another declared source type) is a *revision*: refused
  unless ``revise=True`` (``qz stats import --revise``); the data log then records
  old -> new, and ``qz stats build`` holds the latest import of the figure;
- every other figure is new.

The new and revised figures are written as one CSV and the data-log row (file name,
SHA-256, imported-at, what was skipped or revised) is added; if the log cannot be written
the CSV is removed again. ``data/raw`` is otherwise never touched.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from qzlib import paths
from qzlib.atomic import atomic_file
from qzlib.errors import InputError, Problem, QzError
from qzlib.hashing import file_sha256
from qzlib.stats import read, schema, sources
from qzlib.stats.build import REVISION_KEY, drop_revised
from qzlib.stats.files import IMPORTED

STORED_COLUMNS = ["region", "indicator", "indicator_name_zh", "year", "value", "unit", "source", "url", "quote",
                  "vintage", "caveat", "origin", "source_type"]
LOG_HEADER = "| file | what it holds | where it came from | received | quality |"
LOCK_TIMEOUT = 120  # seconds to wait for another import of the same data/raw
KIND_ZH = {v: k for k, v in sources.DECLARED_TYPES.items()} | {sources.UNDECLARED: "未声明"}


@dataclass
class ImportResult:
    """What an import stored, and what it left out or changed."""

    target: Path  # the stored CSV
    imported: int  # figures written (new + revised)
    repeats: pd.DataFrame = field(default_factory=pd.DataFrame)  # skipped: already held
    revisions: pd.DataFrame = field(default_factory=pd.DataFrame)  # held figures this import changed


def check_file(path: str | Path, region: str | None = None) -> tuple[pd.DataFrame, read.Table]:
    """Observations of a filled workbook or CSV; raises InputError listing every problem.

    ``region`` (``--region``) is the region of a CSV whose rows do not name one."""
    path = Path(path)
    table = read.read_table(path, path.name, region=region)
    obs = read.observations_from_table(table, file=path.name, source_kind=sources.UNDECLARED, fill_origin=True)
    return obs, table


def _slug(name: str) -> str:
    return re.sub(r"[^\w\-]+", "_", Path(name).stem).strip("_")[:40] or "file"


def import_lock(raw_dir: Path) -> FileLock:
    """One lock per data/raw folder, kept outside it (data/raw holds inputs only)."""
    key = hashlib.sha256(str(raw_dir.resolve()).encode()).hexdigest()[:16]
    return FileLock(Path(tempfile.gettempdir()) / f"qz-stats-import-{key}.lock", timeout=LOCK_TIMEOUT)


def held_figures(raw_dir: Path) -> pd.DataFrame:
    """Figures earlier imports hold (the latest import of each), with their file and row."""
    statistics = raw_dir / "statistics"
    frames = []
    for p in sorted((statistics / IMPORTED).glob("*.csv")):
        rel = p.relative_to(raw_dir).as_posix()
        frames.append(read.read_observations(p, label=rel, file=rel, source_kind=sources.UNDECLARED))
    frames = [f for f in frames if len(f)]
    return drop_revised(pd.concat(frames, ignore_index=True)) if frames else pd.DataFrame(columns=schema.OBS_COLUMNS)


def sort_figures(obs: pd.DataFrame, held: pd.DataFrame) -> tuple[list[int], pd.DataFrame, pd.DataFrame]:
    """(indexes of new figures, repeats, revisions); repeats and revisions pair each row of
    ``obs`` (its columns) with the held figure (columns suffixed ``_held``)."""
    if not len(held):
        return list(range(len(obs))), pd.DataFrame(), pd.DataFrame()
    both = obs.reset_index().merge(held, on=REVISION_KEY, how="left", suffixes=("", "_held"), indicator=True)
    found = both[both["_merge"] == "both"]
    same = ((found["value"] - found["value_held"]).abs() <= 1e-9 * found["value"].abs().clip(lower=1)) \
        & (found["source_kind"] == found["source_kind_held"])
    new = sorted(both.loc[both["_merge"] == "left_only", "index"])
    return new, found[same].set_index("index"), found[~same].set_index("index")


def figures(n: int) -> str:
    """'1 figure', '2 figures'."""
    return f"{n} figure{'' if n == 1 else 's'}"


def _held_place(r) -> str:
    return f"{r['file_held']} row {r['row_held']}"


def _original(origin: str) -> str:
    """The researcher's file name in an origin such as '浙江省数据.xlsx sheet 浙江省 row 5'."""
    m = re.match(r"^(.*?) (?:sheet \S+ )?row \d+$", str(origin))
    return m.group(1) if m else str(origin)


def _revision_problems(path: Path, table: read.Table, revisions: pd.DataFrame) -> list[Problem]:
    out = []
    for i, r in revisions.iterrows():
        rec = table.records[int(i)]
        old = f"{r['value_published_held']} {r['unit_published_held']}"
        kinds = "" if r["source_kind"] == r["source_kind_held"] else \
            f"; source type {r['source_kind_held']} -> {r['source_kind']}"
        kinds_zh = "" if r["source_kind"] == r["source_kind_held"] else \
            f"，来源类型由「{KIND_ZH[r['source_kind_held']]}」改为「{KIND_ZH[r['source_kind']]}」"
        col = "value" if kinds == "" or r["value_published"] != r["value_published_held"] else "source_type"
        out.append(read.cell_problem(path.name, rec, col, r["value_published"] if col == "value" else
                                     KIND_ZH[r["source_kind"]], read.Expect(
            f"the held figure {old} ({_held_place(r)}, from {_original(r['origin_held'])}{kinds}): this file "
            "revises it; import with --revise to record the revision",
            f"已导入的数值是 {old}（{r['file_held']} 第{r['row_held']}行，原文件 {_original(r['origin_held'])}）"
            f"{kinds_zh}；这是对已有数据的修订：核对无误后用 qz stats import --revise 导入")))
    return out


def _holders(repeats: pd.DataFrame) -> tuple[str, str]:
    """(English, Chinese) list of the imports holding ``repeats``."""
    files = repeats.groupby("file_held")["origin_held"].first()
    en = "; ".join(f"{f} (from {_original(o)}, imported {_imported_at(f)})" for f, o in files.items())
    zh = "；".join(f"{f}（原文件 {_original(o)}，{_imported_at(f)} 导入）" for f, o in files.items())
    return en, zh


def _imported_at(rel: str) -> str:
    m = re.match(r"(\d{8})T(\d{6})Z_", Path(rel).name)
    if not m:
        return "?"
    d, t = m.groups()
    return f"{d[:4]}-{d[4:6]}-{d[6:]} {t[:2]}:{t[2:4]}:{t[4:]} UTC"


def _after_earlier_imports(raw_dir: Path, now: dt.datetime) -> dt.datetime:
    """``now``, or one second after the latest stored import if that is not earlier: stored
    names sort in import order, which is how a revision is told from what it revises."""
    now = now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)
    names = sorted(p.name for p in (raw_dir / "statistics" / IMPORTED).glob("*.csv"))
    m = re.match(r"(\d{8}T\d{6}Z)_", names[-1]) if names else None
    if m:
        last = dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        if last >= now:
            return last + dt.timedelta(seconds=1)
    return now


class ImportBusy(QzError):
    """Another import of the same data/raw did not finish in time."""


def import_file(path: str | Path, raw_dir: str | Path | None = None, now: dt.datetime | None = None,
                revise: bool = False, region: str | None = None) -> ImportResult:
    """Check ``path`` and store its new (and, with ``revise``, revised) figures as a new CSV under
    ``raw_dir/statistics/imported``, with a data-log row (``region``: as for :func:`check_file`)."""
    path = Path(path)
    raw_dir = Path(raw_dir or paths.RAW)
    log = raw_dir / "README.md"
    obs, table = check_file(path, region)
    digest = file_sha256(path)
    try:
        with import_lock(raw_dir):
            return _import_locked(path, raw_dir, log, obs, table, digest, now, revise)
    except Timeout:
        raise ImportBusy(f"another `qz stats import` into {raw_dir} has held the lock for {LOCK_TIMEOUT} s; "
                         "try again when it has finished / 另一个导入仍在进行，请稍后再试") from None


def _import_locked(path, raw_dir, log, obs, table, digest, now, revise) -> ImportResult:
    if not log.is_file() or LOG_HEADER not in log.read_text(encoding="utf-8"):
        raise InputError([Problem(file=log, expected=f"the data log with its table ({LOG_HEADER})",
                                  expected_zh=f"应为数据日志（含表头 {LOG_HEADER} 的表格）")])
    new, repeats, revisions = sort_figures(obs, held_figures(raw_dir))
    if len(revisions) and not revise:
        raise InputError(_revision_problems(path, table, revisions))
    if not new and not len(revisions):
        en, zh = _holders(repeats)
        raise InputError([Problem(
            file=path.name,
            expected=f"figures not held yet: all {figures(len(repeats))} of this file are already held by {en}; "
                     "nothing to import",
            expected_zh=f"文件中的 {len(repeats)} 个数据都已导入过（{zh}），没有新数据可导入")])
    keep = sorted(new + [int(i) for i in revisions.index])
    now = _after_earlier_imports(raw_dir, now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    name = f"{now:%Y%m%dT%H%M%SZ}_{digest[:12]}_{_slug(path.name)}.csv"
    rel = f"statistics/{IMPORTED}/{name}"
    part = obs.loc[keep]
    stored = part.assign(indicator=part["source_code"], value=part["value_published"], unit=part["unit_published"],
                         source_type=part["source_kind"].where(part["source_kind"] != sources.UNDECLARED, ""))
    buf = io.StringIO()
    stored[STORED_COLUMNS].to_csv(buf, index=False)
    target = raw_dir / rel
    new_log = _add_log_row(log.read_text(encoding="utf-8"),
                           _log_row(rel, path, digest, now, part, table, repeats, revisions))
    with atomic_file(target) as fh:
        fh.write(buf.getvalue())
    try:
        with atomic_file(log) as fh:
            fh.write(new_log)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    return ImportResult(target, len(part), repeats, revisions)


def _log_row(rel: str, src: Path, digest: str, now: dt.datetime, obs: pd.DataFrame, table: read.Table,
             repeats: pd.DataFrame, revisions: pd.DataFrame) -> str:
    regions = "、".join(sorted(obs["region"].unique()))
    years = f"{obs['year'].min()}–{obs['year'].max()}" if obs["year"].nunique() > 1 else str(obs["year"].iloc[0])
    codes = ", ".join(sorted(obs["indicator"].unique()))
    sources_ = "; ".join(sorted(obs["source"].unique())[:3]) + (" …" if obs["source"].nunique() > 3 else "")
    kinds = ", ".join(f"{KIND_ZH[k]} {n}" for k, n in obs["source_kind"].value_counts().sort_index().items())
    held = ""
    if len(repeats):
        held += f"; {figures(len(repeats))} already held skipped ({_holders(repeats)[0]})"
    if len(revisions):
        held += "; revises " + "; ".join(  # read back by qzlib.stats.datalog.revisions
            f"{r['region']} {r['indicator']} {r['year']}: {r['value_published_held']}"
            + ("" if r["unit_published_held"] == r["unit_published"] else f" {r['unit_published_held']}")
            + f" → {r['value_published']} {r['unit_published']}"
            + ("" if r["source_kind"] == r["source_kind_held"] else
               f", source type {r['source_kind_held']} → {r['source_kind']}")
            + f" (was {_held_place(r)})" for _, r in revisions.iterrows())
    enc = "" if table.encoding in {"", "xlsx", "UTF-8"} else f", decoded as {table.encoding}"
    quality = ("red: includes 测试 (test) figures — not for publication" if (obs["source_kind"] == "test").any()
               else "amber: supplied by a researcher; every row names its source, source type and quote — "
               "confirm before publishing")
    cell = lambda s: str(s).replace("|", "/").replace("\n", " ")  # noqa: E731 - a table cell
    return ("| " + " | ".join(cell(c) for c in [
        f"`{rel}`",
        f"{figures(len(obs))} for {regions}, {years} ({codes}); source types: {kinds}; sources: {sources_}{held}",
        f"researcher-supplied file `{src.name}`{enc}, SHA-256 `{digest}`; converted by `qz stats import`",
        f"{now.isoformat().replace('+00:00', 'Z')}",
        quality,
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
