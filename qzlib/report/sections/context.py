"""What every section shares: the processed tables, loaded once, and where to save."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from qzlib import paths
from qzlib.atomic import write_csv
from qzlib.plan.meta import PlanMeta


@dataclass
class BriefContext:
    """Everything one brief needs, loaded once from the processed tables."""

    year: int
    scenario: str
    lang: str
    processed_dir: Path
    output_dir: Path
    scenarios_dir: Path
    compare: tuple[str, ...]
    indicators: pd.DataFrame
    points: pd.DataFrame
    tasks: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    audit: pd.DataFrame
    responsibility: pd.DataFrame
    meta: PlanMeta          # the plan's place, title, number, date, period (from the plan's header)
    observations: pd.DataFrame | None = None
    saved: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # results computed once per brief (scenarios, progress)

    def save(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        """Write a table the brief shows as ``<output_dir>/<name>.csv``."""
        write_csv(df, self.output_dir / f"{name}.csv")
        if f"{name}.csv" not in self.saved:
            self.saved.append(f"{name}.csv")
        return df

    def once(self, key: str, compute):
        """``compute()`` the first time ``key`` is asked for in this brief, the cached value after."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    @property
    def region(self) -> str:
        """The place whose figures the plan's indicators are (衢州市 for the shipped plan)."""
        return self.meta.region

    @property
    def has_obs(self) -> bool:
        return self.observations is not None and len(self.observations) > 0

    @property
    def base_year(self) -> int | None:
        b = self.points[self.points["role"] == "baseline"]["year"]
        return int(b.mode().iloc[0]) if len(b) else None

    @property
    def target_years(self) -> list[int]:
        return sorted(int(y) for y in self.points.loc[self.points["role"] == "target", "year"].unique())

    @property
    def n_indicators(self) -> int:
        return int(self.points["code"].nunique())

    def name(self, code: str) -> str:
        """The indicator's name as the plan writes it."""
        return str(self.points.loc[self.points["code"] == code, "name_zh"].iloc[0])

    def unit(self, code: str) -> str:
        return str(self.points.loc[self.points["code"] == code, "unit"].iloc[0])


def load_context(year, scenario="plan_path", lang="zh", processed_dir="", output_dir=".",
                 scenarios_dir="", compare="") -> BriefContext:
    """Read the processed tables (papermill hands over strings; they are normalised here)."""
    from qzlib.plan.tables import indicator_points, load_indicators, load_plan_meta, load_table

    processed = Path(processed_dir) if processed_dir else paths.PROCESSED
    out = paths.output_path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    indicators = load_indicators(processed)
    observations = None
    if (processed / "observations.csv").is_file():
        from qzlib.stats import load_observations

        observations = known_by(load_observations(processed), int(year))
    if isinstance(compare, str):
        compare = tuple(s for s in compare.split(",") if s)
    return BriefContext(
        year=int(year), scenario=str(scenario), lang=str(lang), processed_dir=processed, output_dir=out,
        scenarios_dir=Path(scenarios_dir) if scenarios_dir else paths.SCENARIOS, compare=tuple(compare),
        indicators=indicators, points=indicator_points(indicators),
        tasks=load_table("tasks", processed), measures=load_table("measures", processed),
        targets=load_table("targets", processed), audit=load_table("audit", processed),
        responsibility=load_table("responsibility", processed), meta=load_plan_meta(processed),
        observations=observations,
    )


def known_by(observations: pd.DataFrame, year: int) -> pd.DataFrame:
    """The figures a brief for ``year`` may use: those of ``year`` and before (no time travel).

    A brief for 2023 built today says what could be said with the figures of 2023; later
    figures, held now, are not shown, fitted, judged or drawn. (A figure revised since is
    used in its revised form; the data log keeps the old one.)
    """
    kept = observations[pd.to_numeric(observations["year"], errors="coerce") <= int(year)].copy()
    kept.attrs = dict(observations.attrs)
    return kept


def show(fig, dpi: int = 170) -> None:
    """Display a figure once, as a PNG rendered here (whatever the kernel's backend), and free it."""
    import io

    from IPython.display import Image, display

    if fig is None:
        return
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))
