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
    from qzlib.plan.tables import load_plan_meta
    from qzlib.stats import load_observations, series
    from qzlib.stats.mapping import series_bounds

    meta = load_plan_meta(processed_dir)
    region = region or meta.region
    horizon_to = horizon_to or meta.period_end
    obs = load_observations(processed_dir)
    _known_series(indicator, obs)
    s = series(obs, indicator, region)
    lower, upper = series_bounds(indicator)
    fc = fit(s, horizon_to, method, lower=lower, upper=upper)
    click.echo(f"{region} {indicator}: {len(fc.history)} 个观测值；{fc.status}；{fc.reason}")
    if fc.ok:
        click.echo(fc.path.round(4).to_string())


def _known_series(indicator: str, obs) -> None:
    """Refuse a code that names no series of the plan the observations follow (exit 2), naming
    the closest known codes, or the plan's own codes when none is close."""
    from difflib import get_close_matches

    from qzlib.errors import InputError
    from qzlib.stats import mapping, plan

    with plan.use(plan.of(obs)) as the_plan:
        if mapping.resolve(indicator) is not None:
            return
        known = sorted(set(mapping.series_table()))
        n_reference = len(set(mapping.canonical_codes()) - set(the_plan.codes()))
    close = get_close_matches(indicator, known, n=3, cutoff=0.6)
    hint = (f"did you mean {' or '.join(close)}?" if close else
            f"the plan's codes are {', '.join(the_plan.codes())}")
    raise InputError.one(where="qz trend fit", field="INDICATOR", value=indicator,
                         expected=f"a known indicator code, and this one is unknown (known: the plan's "
                                  f"{len(the_plan.codes())} indicators and {n_reference} reference series, listed in "
                                  f"{mapping.MAPPING_FILE.name}); {hint}")


@trend.command("progress")
@click.option("--year", required=True, type=int, help="assessment year (only figures of this year and before count)")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="write the whole verdict table (the brief's verdicts.csv) as CSV")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None)
def progress_cmd(year: int, out: Path | None, processed_dir: Path | None) -> None:
    """The verdict of every plan indicator and milestone (the brief's verdicts.csv): met, on
    track, at risk, off track or not assessed, with its reason, judged on the plan's own path."""
    from qzlib.atomic import write_csv
    from qzlib.forecast.verdicts import verdict_table
    from qzlib.plan.tables import indicator_points, load_indicators, load_plan_meta
    from qzlib.stats import load_observations

    t = verdict_table(indicator_points(load_indicators(processed_dir)), load_observations(processed_dir), year,
                      load_plan_meta(processed_dir).region)
    cols = ["code", "target_year", "verdict", "latest_year", "latest_value", "plan_path_value", "reason"]
    shown = t[cols].assign(headline=t["headline"].map({True: "*", False: ""}))
    click.echo(shown.to_string(index=False))
    click.echo("(* the headline milestone of each indicator in a brief for this year)")
    if out:
        write_csv(t, out)
        click.echo(f"wrote {out}")
