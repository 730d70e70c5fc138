"""The plan the statistics follow: its place, its own source, its period and its indicators.

Statistics are read against one plan of the 415X family at a time. Its region is a valid
region and the default one; each of its indicators (catalogued, or outside the catalogue
with a generated code) is a series of its own, comparable by definition; its baseline
figures are observations sourced to the plan document itself. Nothing here names a place,
a year or a number of indicators: all of it is read from the plan's tables.

Which plan: the one set with :func:`use` (``qz ingest`` / ``qz stats build`` set the plan
they ingest, the CLI the plan of ``--processed-dir``); else the tables ``qz ingest`` last
wrote to data/processed; else the shipped plan file, parsed.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from qzlib import paths
from qzlib.errors import InputError

# The annex of every plan of the family that holds the indicator table (cited as the source).
ANNEX = "附件1 主要目标体系表"


@dataclass(frozen=True)
class PlanIndicator:
    code: str
    name_zh: str        # as the plan words it, without the unit
    unit: str           # as the plan writes it
    kind: str           # share, level, count, ratio, decline (inferred for a generated code)
    baseline_year: int | None
    has_target: bool    # the plan gives a number for a year after the baseline


@dataclass(frozen=True)
class Plan:
    region: str
    title: str
    doc_number: str
    issued: str         # 2023年4月29日
    period_start: int
    period_end: int
    indicators: tuple[PlanIndicator, ...]
    file: str = ""      # the plan text, relative to data/raw (the ``file`` of its observations)
    url: str = ""       # the plan text, relative to the project (or absolute outside it)

    def __deepcopy__(self, memo) -> "Plan":
        """Itself: a Plan is immutable all the way down. Observations carry their plan in
        ``attrs``, which pandas deep-copies on every operation; copying the plan each time cost
        a brief's kernel most of a second."""
        return self

    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def by_code(self) -> dict[str, PlanIndicator]:
        return {i.code: i for i in self.indicators}

    def names(self) -> dict[str, str]:
        return {i.code: i.name_zh for i in self.indicators}

    @property
    def vintage(self) -> str:
        """The issue date as ISO text (2023-04-29)."""
        m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", self.issued)
        return _dt.date(*map(int, m.groups())).isoformat() if m else ""

    def source(self) -> dict:
        """Source, url, file, vintage and region of the plan's own baseline observations."""
        return {"title": f"{self.doc_number}《{self.title}》{ANNEX}", "url": self.url,
                "file": self.file or f"plan/{self.doc_number}", "vintage": self.vintage, "region": self.region}

    def years(self, first: int) -> tuple[int, ...]:
        return tuple(range(first, self.period_end + 1))

    def with_indicators(self, indicators: pd.DataFrame) -> "Plan":
        """This plan with the rows of an ``indicators`` table: each row given replaces the
        indicator of its code, rows of other codes are added (in the table's order)."""
        given = {i.code: i for i in indicators_of(indicators)}
        mine = [given.pop(i.code, i) for i in self.indicators]
        return replace(self, indicators=tuple(mine + list(given.values())))


def _int(v) -> int | None:
    return None if v is None or pd.isna(v) or str(v).strip() == "" else int(float(v))


def indicators_of(table: pd.DataFrame) -> tuple[PlanIndicator, ...]:
    """The plan's indicators from its ``indicators`` table (as `qz ingest` writes it)."""
    out = []
    for _, r in table.iterrows():
        base = _int(r.get("baseline_year"))
        later = [c for c in r.index if re.fullmatch(r"value_\d{4}", str(c)) and base is not None
                 and int(str(c)[6:]) > base]
        out.append(PlanIndicator(code=str(r["code"]), name_zh=str(r.get("name_zh", "") or ""),
                                 unit=str(r.get("unit", "") or "").strip(), kind=str(r.get("kind", "") or ""),
                                 baseline_year=base, has_target=any(pd.notna(r[c]) for c in later)))
    return tuple(out)


def _locate(doc_number: str, raw_dir: Path | None) -> Path | None:
    """The plan text whose header carries ``doc_number``: under ``raw_dir/plan`` or the shipped one."""
    from qzlib.plan import meta

    candidates = sorted((raw_dir / "plan").glob("*.txt")) if raw_dir is not None else []
    for path in [*candidates, paths.PLAN_FILE]:
        with contextlib.suppress(InputError, OSError, UnicodeDecodeError):
            if path.is_file() and meta.read(path).doc_number == doc_number:
                return path
    return None


def _places(path: Path | None, raw_dir: Path | None) -> tuple[str, str]:
    """(file relative to data/raw, url relative to the project) of the plan text."""
    if path is None:
        return "", ""
    path = path.absolute()
    file = ""
    for base in [raw_dir, paths.RAW]:
        with contextlib.suppress(ValueError, TypeError):
            file = file or path.relative_to(Path(base).absolute()).as_posix()
    try:
        url = path.relative_to(paths.ROOT.absolute()).as_posix()
    except ValueError:
        url = str(path)
    return file or f"plan/{path.name}", url


def from_tables(meta, indicators: pd.DataFrame, raw_dir: Path | None = None,
                plan_file: Path | None = None) -> Plan:
    """A plan from its header (:class:`qzlib.plan.meta.PlanMeta`) and its indicators table."""
    path = Path(plan_file) if plan_file else _locate(meta.doc_number, raw_dir)
    file, url = _places(path, raw_dir)
    return Plan(region=meta.region, title=meta.title, doc_number=meta.doc_number, issued=meta.issued,
                period_start=int(meta.period_start), period_end=int(meta.period_end),
                indicators=indicators_of(indicators), file=file, url=url)


def _stamp(path: Path) -> float:
    return path.stat().st_mtime_ns if path.is_file() else -1


def load(processed_dir: str | Path | None = None) -> Plan | None:
    """The plan `qz ingest` wrote to ``processed_dir`` (plan.csv, indicators.csv), or None."""
    processed = Path(processed_dir or paths.PROCESSED).absolute()
    if not ((processed / "plan.csv").is_file() and (processed / "indicators.csv").is_file()):
        return None
    return _load(processed, _stamp(processed / "plan.csv"), _stamp(processed / "indicators.csv"))


@lru_cache(maxsize=8)
def _load(processed: Path, *_stamps) -> Plan:
    from qzlib.plan.tables import load_indicators, load_plan_meta

    return from_tables(load_plan_meta(processed), load_indicators(processed), paths.RAW)


@lru_cache(maxsize=2)
def _parsed(plan_file: Path, _stamp: float) -> Plan:
    from qzlib.plan.ingest import build

    result = build(plan_file)
    from qzlib.plan.meta import PlanMeta

    m = PlanMeta(**result.plan.iloc[0].to_dict())
    return from_tables(m, result.indicators, plan_file.parent.parent, plan_file)


def short_name(region: str) -> str:
    """衢州市 -> 衢州, 龙游县 -> 龙游 (as a yearbook's title names the place).

    >>> short_name("衢州市"), short_name("龙游县"), short_name("全国")
    ('衢州', '龙游', '全国')
    """
    return region[:-1] if len(region) > 2 and region[-1] in "省市县区" else region


_ACTIVE: contextvars.ContextVar[Plan | None] = contextvars.ContextVar("qz_stats_plan", default=None)


def active() -> Plan:
    """The plan statistics are read against now (see the module's docstring)."""
    plan = _ACTIVE.get()
    if plan is not None:
        return plan
    plan = load(paths.PROCESSED)
    if plan is not None:
        return plan
    if not paths.PLAN_FILE.is_file():
        raise InputError.one(file=paths.PLAN_FILE, expected="the plan text, or the plan's tables in "
                             f"{paths.PROCESSED} (plan.csv, indicators.csv: run `qz ingest --plan FILE`)")
    return _parsed(paths.PLAN_FILE.absolute(), _stamp(paths.PLAN_FILE))


@contextlib.contextmanager
def use(plan: Plan | None):
    """Read statistics against ``plan`` inside the block (None: leave the current plan)."""
    if plan is None:
        yield active()
        return
    token = _ACTIVE.set(plan)
    try:
        yield plan
    finally:
        _ACTIVE.reset(token)


def of(obs: pd.DataFrame | None = None, indicators: pd.DataFrame | None = None) -> Plan:
    """The plan observations were built against (``obs.attrs['plan']``, set by the build and by
    :func:`qzlib.stats.load_observations`), else the active one; with the rows of ``indicators``
    when given (:meth:`Plan.with_indicators`)."""
    plan = obs.attrs.get("plan") if obs is not None else None
    plan = plan if isinstance(plan, Plan) else active()
    return plan.with_indicators(indicators) if indicators is not None else plan


def of_workspace(processed_dir: Path, plan_file: Path | None = None) -> Plan:
    """The plan of a plan's folders (CLI): its tables in ``processed_dir``, else its text parsed."""
    found = load(processed_dir)
    if found is not None:
        return found
    if plan_file is not None and Path(plan_file).is_file():
        return _parsed(Path(plan_file).absolute(), _stamp(Path(plan_file)))
    return active()
