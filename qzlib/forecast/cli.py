"""``qz trend``: one series' forecast, or the progress table for a year."""
from __future__ import annotations

from pathlib import Path

import click

from qzlib.forecast.trend import METHODS


@click.group("trend")
def trend() -> None:
    """Trend forecasts with calibrated intervals, and progress to the plan's targets."""


@trend.command("fit")
@click.argument("indicator")
@click.option("--region", default=None, help="a region of the statistics [default: the plan's own place]")
@click.option("--method", default="auto", show_default=True, type=click.Choice(list(METHODS)),
              help="auto = the combination chosen for the series' length (see bench/README.md)")
@click.option("--horizon", "horizon_to", default=None, type=int,
              help="last year to forecast [default: the end of the plan's period]")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None)
def fit_cmd(indicator: str, region: str, method: str, horizon_to: int, processed_dir: Path | None) -> None:
    """Forecast INDICATOR (a code, e.g. rd_gdp_pct) for REGION and print the path."""
    from qzlib.forecast import fit
    from qzlib.stats import load_observations, series
    from qzlib.stats.mapping import series_bounds

    from qzlib.plan.tables import load_plan_meta

    meta = load_plan_meta(processed_dir)
    region = region or meta.region
    horizon_to = horizon_to or meta.period_end
    s = series(load_observations(processed_dir), indicator, region)
    lower, upper = series_bounds(indicator)
    fc = fit(s, horizon_to, method, lower=lower, upper=upper)
    click.echo(f"{region} {indicator}: {len(fc.history)} 个观测值；{fc.status}；{fc.reason}")
    if fc.ok:
        click.echo(fc.path.round(4).to_string())


@trend.command("progress")
@click.option("--year", required=True, type=int, help="assessment year (observations up to it)")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="write the table as CSV")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None)
def progress_cmd(year: int, out: Path | None, processed_dir: Path | None) -> None:
    """Progress of every plan indicator to its targets through the four lenses."""
    from qzlib.atomic import write_csv
    from qzlib.forecast.progress import progress_table
    from qzlib.plan.tables import indicator_points, load_indicators, load_plan_meta
    from qzlib.stats import load_observations

    t = progress_table(indicator_points(load_indicators(processed_dir)), load_observations(processed_dir), year,
                       load_plan_meta(processed_dir).region)
    cols = ["code", "target_year", "target_value", "latest_year", "latest_value", "l1_label", "l2_label",
            "l3_label", "l4_label", "headline_colour"]
    click.echo(t[cols].to_string(index=False))
    if out:
        write_csv(t, out)
        click.echo(f"wrote {out}")
