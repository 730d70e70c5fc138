"""`qz ingest`: the whole path from data/raw to data/processed in one step.

The plan document gives the plan's tables (qzlib.plan); the statistics files give the
observations (qzlib.stats), to which the plan's own baseline is added as an
observation sourced to the plan. Everything is staged and moved into place only when
both steps succeeded, so a failed ingest leaves data/processed byte-identical.
"""
from __future__ import annotations

from pathlib import Path

import click

from qzlib import paths
from qzlib.atomic import staged_dir


def run_ingest(plan: Path | None = None, out: Path | None = None, statistics: Path | None = None,
               quiet: bool = False) -> str:
    from qzlib.plan.ingest import ingest as ingest_plan
    from qzlib.stats.build import build_into

    plan = Path(plan) if plan else paths.PLAN_FILE
    out = Path(out) if out else paths.PROCESSED
    with staged_dir(out) as stage:
        result = ingest_plan(plan, stage)
        stats_summary = build_into(stage, result.indicators, Path(statistics) if statistics else None)
    text = (result.summary() + "\n" + stats_summary).replace(str(stage), str(out))
    if not quiet:
        click.echo(text)
    return text


@click.command(help="""Read the plan document and the statistics into data/processed/.

Parses the plan's annex tables and body text into indicators.csv, tasks.csv,
measures.csv, targets.csv, audit.csv and responsibility.csv, then validates every
statistics file in data/raw/statistics/ into observations.csv (with conflicts,
coverage and the data request list). Prints a summary of the audit findings.
Nothing in the output folder is replaced unless every step succeeds.

\b
Examples:
  qz ingest
  qz ingest --plan other-county-415x-plan.txt --out /tmp/other
""")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Plan text file [default: data/raw/plan/quzhou-415x-plan-2023.txt].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [default: data/processed].")
@click.option("--statistics", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of statistics files [default: data/raw/statistics].")
def ingest(plan, out, statistics):
    run_ingest(plan, out, statistics)
