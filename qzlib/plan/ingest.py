"""`qz ingest`: read the plan document into six tidy CSVs in data/processed/.

All six files are written into a staging folder and moved into place only when every
step succeeded, so a failed ingest (bad input, a bug) replaces nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qzlib import paths
from qzlib.atomic import staged_dir, write_csv
from qzlib.plan import annexes, audit, responsibility, targets
from qzlib.plan import meta as plan_meta
from qzlib.plan.document import read_plan

FILES = ("plan", "indicators", "tasks", "measures", "targets", "audit", "responsibility")


@dataclass
class IngestResult:
    plan_path: Path
    plan: pd.DataFrame  # one row: region, title, doc_number, issued, period_start, period_end
    out_dir: Path
    indicators: pd.DataFrame
    tasks: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    audit: pd.DataFrame
    responsibility: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in FILES}

    def summary(self) -> str:
        """A few lines for the terminal: counts, warnings, the audit's findings."""
        by_period = self.targets["period"].value_counts()
        m = self.plan.iloc[0]
        lines = [
            f"plan: {self.plan_path}",
            f"  {m['region']} · {m['doc_number']} · {m['issued']} · {m['period_start']}–{m['period_end']}",
            f"wrote {len(FILES)} files to {self.out_dir}:",
            f"  indicators.csv      {len(self.indicators)} indicators "
            f"({(self.indicators['kind_note'] == '').sum()} from the catalogue, "
            f"{(self.indicators['kind_note'] != '').sum()} outside it with an inferred kind)",
            f"  tasks.csv           {len(self.tasks)} tasks in {self.tasks['action'].nunique()} actions",
            f"  measures.csv        {len(self.measures)} measures in {self.measures['group'].nunique()} groups",
            f"  targets.csv         {len(self.targets)} quantitative targets ("
            + ", ".join(f"{k} {v}" for k, v in by_period.items()) + ")",
            f"  audit.csv           {len(self.audit)} findings",
            f"  responsibility.csv  {len(self.responsibility)} department-item links, "
            f"{self.responsibility['department'].nunique()} departments",
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += audit.summary_lines(self.audit)
        return "\n".join(lines)


def build(plan_path: str | Path) -> IngestResult:
    """Parse the plan into tables without writing anything."""
    doc = read_plan(plan_path)
    meta = plan_meta.parse("\n".join(doc.lines), file=plan_path)
    indicators, warnings = annexes.indicators(doc)
    tasks = annexes.tasks(doc)
    measures = annexes.measures(doc)
    labels = {kind: f"附件{annexes.find_table(doc, kind).number}" for kind in ("indicators", "tasks", "measures")}
    rows = [(labels["tasks"], tasks), (labels["measures"], measures)]
    register = targets.register(doc.paragraphs, indicators, rows, labels["indicators"])
    findings = audit.audit(register, indicators, doc.paragraphs, rows, labels["indicators"])
    links = responsibility.build(indicators, tasks, measures)
    return IngestResult(Path(plan_path), pd.DataFrame([meta.as_dict()]), Path(), indicators, tasks, measures,
                        register, findings, links, warnings)


def ingest(plan_path: str | Path | None = None, out_dir: str | Path | None = None) -> IngestResult:
    """Read ``plan_path`` and write indicators/tasks/measures/targets/audit/responsibility.csv
    into ``out_dir`` (defaults: qzlib.paths.PLAN_FILE, qzlib.paths.PROCESSED).

    Raises :class:`qzlib.errors.InputError` on bad input; ``out_dir`` is then untouched.
    """
    plan_path = Path(plan_path or paths.PLAN_FILE)
    out_dir = Path(out_dir or paths.PROCESSED)
    result = build(plan_path)
    result.out_dir = out_dir
    with staged_dir(out_dir) as stage:
        for name, df in result.tables().items():
            write_csv(df, stage / f"{name}.csv")
    return result
