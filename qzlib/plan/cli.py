"""The `qz ingest` command."""
from __future__ import annotations

from pathlib import Path

import click

from qzlib import paths


@click.command("ingest")
@click.option("--plan", "plan", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Plan text file (default: {paths.PLAN_FILE.relative_to(paths.ROOT)}).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Output folder (default: {paths.PROCESSED.relative_to(paths.ROOT)}).")
def ingest(plan: Path | None, out: Path | None) -> None:
    """Read the 415X plan document into tidy CSV tables.

    Writes indicators.csv (附件1), tasks.csv (附件2), measures.csv (附件3),
    targets.csv (every quantitative target in body and annexes), audit.csv (where the
    body and the annexes disagree) and responsibility.csv (department x item). All six
    are replaced together or not at all: on bad input nothing in the folder changes and
    the command exits with status 2, naming the annex, row (序号) and line.

    \b
    Example:
      qz ingest
      qz ingest --plan data/raw/plan/kecheng-415x-plan.txt --out /tmp/kecheng
    """
    from qzlib.plan.ingest import ingest as run

    result = run(plan, out)
    click.echo(result.summary())
