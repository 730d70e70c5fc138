"""`qz ingest`: the whole path from data/raw to data/processed in one step.

The plan document gives the plan's tables (qzlib.plan); the statistics files give the
observations (qzlib.stats), to which the plan's own baseline is added as an
observation sourced to the plan. Everything is written into a new version of the
output folder and published in one swap (qzlib.atomic) only when both steps succeeded:
a reader sees all old or all new tables, and a failed ingest changes nothing.

Each ingest writes ``manifest.json``: the SHA-256 of every input it read (plan, statistics
files, pins) and of every table it wrote. ``qz brief`` and ``qz batch`` compare it with
data/raw (``ensure_fresh``) and re-ingest rather than build from stale tables.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable

import click

from qzlib import paths
from qzlib.atomic import atomic_file, locked, staged_dir
from qzlib.errors import InputError
from qzlib.hashing import file_sha256

MANIFEST = "manifest.json"
REWRITTEN = "rewritten outside `qz ingest`"


def _key(path: Path) -> str:
    """How a file is named in the manifest and in messages: relative to the project root."""
    path = Path(path).absolute()
    try:
        return path.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)


def _path(key: str) -> Path:
    p = Path(key)
    return p if p.is_absolute() else paths.ROOT / p


def input_files(plan: Path, statistics_dir: Path) -> list[Path]:
    """Every file an ingest reads: the plan, the statistics files (the reader's own list) and pins."""
    from qzlib.stats.files import PINS, statistics_files

    files = [Path(plan)] + [p for p, _ in statistics_files(Path(statistics_dir))]
    pins = Path(statistics_dir) / PINS
    return files + ([pins] if pins.is_file() else [])


def _hashes(files: list[Path]) -> dict[str, str]:
    return {_key(p): file_sha256(p) for p in files}


def _table_hashes(folder: Path) -> dict[str, str]:
    return {p.name: file_sha256(p) for p in sorted(Path(folder).glob("*.csv"))}


def run_ingest(plan: Path | None = None, out: Path | None = None, statistics: Path | None = None,
               quiet: bool = False, on_wait: Callable[[str], None] | None = None) -> str:
    from qzlib.plan.ingest import ingest as ingest_plan
    from qzlib.stats.build import build_into

    plan = Path(plan) if plan else paths.PLAN_FILE
    statistics = Path(statistics) if statistics else paths.STATISTICS_DIR
    out = Path(out) if out else paths.PROCESSED
    inputs = _hashes(input_files(plan, statistics))  # before reading: a change meanwhile shows as stale
    with staged_dir(out, versioned=True, on_wait=on_wait) as stage:
        result = ingest_plan(plan, stage)
        stats_summary = build_into(stage, result.indicators, statistics)
        manifest = {"written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "plan": _key(plan), "statistics": _key(statistics),
                    "inputs": inputs, "tables": _table_hashes(stage)}
        with atomic_file(stage / MANIFEST) as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1)
    text = (result.summary() + "\n" + stats_summary).replace(str(stage), str(out))
    if not quiet:
        click.echo(text)
    return text


def read_manifest(processed_dir: Path) -> dict | None:
    path = Path(processed_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stale_reasons(processed_dir: Path, manifest: dict) -> list[str]:
    """What differs between the manifest and the inputs and tables now ([] = up to date)."""
    plan, statistics = _path(manifest["plan"]), _path(manifest["statistics"])
    if not plan.is_file():
        return [f"{manifest['plan']} is gone"]
    if not statistics.is_dir():
        return [f"{manifest['statistics']} is gone"]
    then, now = manifest.get("inputs", {}), _hashes(input_files(plan, statistics))
    reasons = [f"{k} changed" for k in now if k in then and then[k] != now[k]]
    reasons += [f"{k} is new" for k in now if k not in then]
    reasons += [f"{k} was removed" for k in then if k not in now]
    tables_then, tables_now = manifest.get("tables", {}), _table_hashes(processed_dir)
    edited = sorted(k for k in tables_then if tables_now.get(k) != tables_then[k])
    if edited:
        reasons.append(f"{', '.join(edited)} in {processed_dir.name} {REWRITTEN}")
    return reasons


def ensure_fresh(processed_dir: Path | None = None, echo: Callable[[str], None] = print,
                 plan: Path | None = None, statistics: Path | None = None) -> bool:
    """Re-ingest when the tables are older than data/raw (or were never ingested); say so.

    True when an ingest ran. A folder given by the user that ``qz ingest`` did not write
    (no manifest) cannot be checked: ``echo`` says so and it is used as it is. ``plan`` and
    ``statistics`` (a plan workspace's inputs) say what to ingest into a folder never ingested.
    """
    default = (processed_dir is None or Path(processed_dir).absolute() == paths.PROCESSED.absolute()
               or plan is not None)
    processed = Path(processed_dir) if processed_dir else paths.PROCESSED
    manifest = read_manifest(processed)
    if manifest is None and not default:
        echo(f"note: {processed} has no {MANIFEST} (not written by `qz ingest`), so it cannot be "
             f"checked against data/raw; using it as it is")
        return False
    if manifest is not None and not stale_reasons(processed, manifest):
        return False
    with locked(processed, on_wait=echo):  # one re-ingest even if several runs notice at once
        manifest = read_manifest(processed)
        if manifest is None:
            plan, statistics = plan or paths.PLAN_FILE, statistics or paths.STATISTICS_DIR
            if processed.exists():
                echo(f"{_key(processed)} 无导入清单 (no {MANIFEST}: written by an older `qz ingest` or by hand), "
                     f"so it may not match data/raw: re-ingesting …")
            else:
                echo(f"{_key(processed)} 尚不存在 (does not exist yet): ingesting {_key(Path(plan).parent.parent)} first …")
        else:
            reasons = stale_reasons(processed, manifest)
            if not reasons:
                return False  # another run re-ingested while this one waited
            plan, statistics = _path(manifest["plan"]), _path(manifest["statistics"])
            if not plan.is_file() or not statistics.is_dir():
                raise InputError.one(file=processed / MANIFEST, field="plan/statistics",
                                     value=f"{manifest['plan']}, {manifest['statistics']}",
                                     expected=f"the inputs {processed} was built from ({'; '.join(reasons)}); "
                                              f"run `qz ingest` with the inputs you want")
            raw_changed = any(not r.endswith(REWRITTEN) for r in reasons)
            lead = ("原始数据已变化：data/raw changed since the last ingest" if raw_changed else
                    f"处理后数据被改动：{_key(processed)} changed since the last ingest")
            echo(f"{lead} ({'; '.join(reasons)}): re-ingesting {_key(processed)} …")
        start = time.perf_counter()
        run_ingest(plan, processed, statistics, quiet=True)
        echo(f"ingested in {time.perf_counter() - start:.1f} s")
    return True


@click.command(help="""Read the plan document and the statistics into data/processed/.

Parses the plan's annex tables and body text into indicators.csv, tasks.csv,
measures.csv, targets.csv, audit.csv and responsibility.csv, then validates every
statistics file in data/raw/statistics/ into observations.csv (with conflicts,
coverage and the data request list), and records the inputs' SHA-256 in manifest.json.
Prints a summary of the audit findings. The output folder is replaced in one step
only when every step succeeded (it is a link to the current version).

\b
Examples:
  qz ingest
  qz ingest --plan other-county-415x-plan.txt --out /tmp/other
""")
@click.option("--plan", default=None,
              help="A plan workspace's name (plans/NAME, or 'default') or a plan text file "
                   "[default: data/raw/plan/quzhou-415x-plan-2023.txt].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [default: the plan's data/processed].")
@click.option("--statistics", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of statistics files [default: the plan's data/raw/statistics].")
def ingest(plan, out, statistics):
    if plan and not Path(plan).is_file():  # a workspace name
        ws = paths.workspace(plan)
        plan, out, statistics = ws.plan_file, out or ws.processed, statistics or ws.statistics
    run_ingest(Path(plan) if plan else None, out, statistics, on_wait=lambda m: click.echo(m, err=True))


def add_plan(name: str, plan_text: Path) -> "paths.Workspace":
    """Create the workspace ``plans/NAME`` from a plan text: its data/raw/plan holds a copy of
    the text; its data/raw/statistics links the project's reference_statistics.csv (relative
    link: a change to the shared file makes this plan's tables stale too) until the plan gets
    its own statistics files."""
    import re
    import shutil

    plan_text = Path(plan_text)
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or name == paths.DEFAULT_PLAN:
        problems.append(("NAME", name, f"letters, digits, '_', '-' or '.' (not '{paths.DEFAULT_PLAN}')"))
    elif (paths.PLANS / name).exists():
        problems.append(("NAME", name, f"a new plan name ({_key(paths.PLANS / name)} exists already)"))
    if not plan_text.is_file() or plan_text.suffix != ".txt":
        problems.append(("FILE", str(plan_text), "a plan text file (.txt)"))
    if problems:
        from qzlib.errors import Problem

        raise InputError([Problem(where="qz plan add", field=f, value=v, expected=e) for f, v, e in problems])
    root = paths.PLANS / name
    (root / "data" / "raw" / "plan").mkdir(parents=True)
    shutil.copyfile(plan_text, root / "data" / "raw" / "plan" / plan_text.name)
    stats = root / "data" / "raw" / "statistics"
    stats.mkdir()
    shared = paths.STATISTICS_DIR / "reference_statistics.csv"
    if shared.is_file():
        (stats / shared.name).symlink_to(os.path.relpath(shared, stats))
    (root / "outputs").mkdir()
    return paths.workspace(name)


@click.group(help="""Plan workspaces: the project's own plan ('default': data/, outputs/) and others
under plans/NAME/ (data/raw/plan/*.txt, data/raw/statistics/, data/processed/, outputs/).""")
def plan():
    pass


@plan.command("add", help="""Create plans/NAME from a plan text FILE (copied) and link the project's
reference statistics into it; then `qz ingest --plan NAME` and `qz brief --plan NAME --year …`.""")
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
def plan_add(name, file):
    ws = add_plan(name, file)
    click.echo(f"规划工作区已创建 (plan workspace created): {_key(ws.root)}\n"
               f"  plan text:  {_key(ws.plan_file)}\n  statistics: {_key(ws.statistics)}\n"
               f"next: qz ingest --plan {name}")


@plan.command("list", help="The plan workspaces of this project.")
def plan_list():
    for name in paths.plan_names():
        ws = paths.workspace(name)
        state = "ingested" if (ws.processed / MANIFEST).is_file() else "not ingested"
        click.echo(f"{name:<16} {_key(ws.root) or '.'}  ({state})")
