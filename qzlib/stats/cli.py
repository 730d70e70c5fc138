"""``qz stats``: template, check, import, build, coverage."""
from __future__ import annotations

import contextlib
from pathlib import Path

import click

from qzlib import paths
from qzlib.errors import InputError

LANG = click.option("--lang", type=click.Choice(["zh+en", "zh", "en"]), default="zh+en", show_default=True,
                    help="Language of the messages about the file: Chinese with English beside it, or one of them.")


@contextlib.contextmanager
def _messages_in(lang: str):
    """Input errors raised inside are shown in ``lang`` (the CLI prints str(err))."""
    try:
        yield
    except InputError as err:
        err.lang = lang
        raise


PLAN_DIR = click.option("--processed-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Processed folder of the plan the statistics follow (its plan.csv and indicators.csv, "
                             "written by `qz ingest`) [default: the plan workspace's data/processed].")
CSV_REGION = click.option("--region", default=None,
                          help="Region of a CSV's rows where its 地区 column is missing or blank (a sheet saved "
                               "alone as CSV from an older template); a row naming another region is refused.")
PLAN_NAME = click.option("--plan", "plan_name", default=None,
                         help="Plan workspace (`qz plan list`) whose data/raw, data/processed and outputs to use "
                              "[default: the project's own plan].")


def _workspace(plan_name: str | None):
    return paths.workspace(plan_name)


@contextlib.contextmanager
def _plan_of(plan_name: str | None, processed_dir: Path | None):
    """Read statistics against the plan of workspace ``plan_name``: the tables `qz ingest` wrote to
    ``processed_dir`` (default: the workspace's data/processed), else its plan text."""
    from qzlib.stats import plan

    ws = _workspace(plan_name)
    with plan.use(plan.of_workspace(processed_dir or ws.processed, None if ws.is_default else ws.plan_file)) as p:
        yield p


@click.group()
def stats() -> None:
    """Yearly statistics: data-entry template, checks, imports and the processed observations."""


@stats.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              show_default="outputs/statistics_template.xlsx (of the plan workspace)", help="Workbook to write.")
@click.option("--region", "regions", multiple=True, help="A region sheet to include (repeatable; default: the "
              "plan's region, the regions within it, then those it lies within up to 全国).")
@PLAN_NAME
@PLAN_DIR
def template(out: Path | None, regions: tuple[str, ...], plan_name: str | None, processed_dir: Path | None) -> None:
    """Write the Excel workbook for entering the bureau's figures (the plan's indicators and years)."""
    from qzlib.stats.template import write_template

    with _messages_in("zh+en"), _plan_of(plan_name, processed_dir):
        out = out or _workspace(plan_name).outputs / "statistics_template.xlsx"
        path = write_template(out, list(regions) or None)
    click.echo(f"wrote {path}")


def _undeclared_note(obs, lang: str) -> str:
    from qzlib.stats.sources import UNDECLARED

    n = int((obs["source_kind"] == UNDECLARED).sum())
    if not n:
        return ""
    zh = f"注意：{n} 个数据没有填「来源类型」，将按“未声明”导入，不视为官方发布。"
    en = f"note: {n} figures give no source type; they are imported as undeclared, not as official."
    return "\n" + {"zh": zh, "en": en}.get(lang, f"{zh}\n{en}")


@stats.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="data/raw folder whose earlier imports to compare with (default: the project's).")
@CSV_REGION
@PLAN_NAME
@PLAN_DIR
@LANG
def check(file: Path, raw_dir: Path | None, region: str | None, plan_name: str | None, processed_dir: Path | None,
          lang: str) -> None:
    """Check a filled workbook or CSV (UTF-8 or GBK, as Excel saves it); print every problem (exit 2
    if any), and how many of its figures earlier imports already hold."""
    from qzlib.stats.importer import check_file, figures, held_figures, sort_figures

    with _messages_in(lang), _plan_of(plan_name, processed_dir):
        obs, table = check_file(file, region)
        new, repeats, revisions = sort_figures(obs, held_figures(Path(raw_dir or _workspace(plan_name).raw)))
    enc = f" (decoded as {table.encoding})" if table.encoding not in {"", "xlsx", "UTF-8"} else ""
    kinds = obs["source_kind"].value_counts().sort_index()
    held = ""
    if len(repeats) or len(revisions):
        held = (f"\n{len(new)} new, {len(repeats)} already held (skipped on import), {len(revisions)} revisions of "
                f"held figures (import with --revise) / 新数据 {len(new)} 个，已导入过 {len(repeats)} 个（导入时跳过），"
                f"修订 {len(revisions)} 个（需 --revise）")
    click.echo(f"{file}{enc}: {figures(len(obs))} OK — "
               f"{', '.join(sorted(obs['region'].unique()))}; {obs['year'].min()}–{obs['year'].max()}; "
               + ", ".join(f"{k} {n}" for k, n in kinds.items()) + held + _undeclared_note(obs, lang))


@stats.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="data/raw folder to import into (default: the project's).")
@click.option("--revise", is_flag=True, help="Accept figures that change figures an earlier import holds "
              "(same region, indicator, year and source); the data log records old -> new.")
@CSV_REGION
@PLAN_NAME
@PLAN_DIR
@LANG
def import_(file: Path, raw_dir: Path | None, revise: bool, region: str | None, plan_name: str | None,
            processed_dir: Path | None, lang: str) -> None:
    """Check FILE and add its new figures to data/raw/statistics/imported/ with their provenance in the data log.

    Figures an earlier import already holds are skipped; a file holding nothing new is refused.
    """
    from qzlib.stats.importer import figures, import_file

    with _messages_in(lang), _plan_of(plan_name, processed_dir):
        done = import_file(file, raw_dir or _workspace(plan_name).raw, revise=revise, region=region)
    lines = [f"imported {figures(done.imported)} from {file} -> {done.target}"]
    if len(done.repeats):
        lines.append(f"skipped {figures(len(done.repeats))} already held / 跳过已导入的数据 {len(done.repeats)} 个")
    if len(done.revisions):
        lines.append(f"revised {figures(len(done.revisions))} already held (old -> new in the data log) / "
                     f"修订已有数据 {len(done.revisions)} 个（数据日志记录了旧值和新值）")
    lines.append("run `qz stats build` (or `qz ingest`) to refresh data/processed/")
    click.echo("\n".join(lines))


@stats.command()
@click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--processed-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@PLAN_NAME
def build(raw_dir: Path | None, processed_dir: Path | None, plan_name: str | None) -> None:
    """Rebuild observations.csv, conflicts.csv, coverage.csv and data_requests.csv."""
    from qzlib.stats.build import build_into, load_plan_indicators

    ws = _workspace(plan_name)
    processed_dir = processed_dir or ws.processed
    statistics_dir = (raw_dir / "statistics") if raw_dir else ws.statistics
    click.echo(build_into(processed_dir, load_plan_indicators(processed_dir), statistics_dir))


SYMBOLS = {"plan": "P", "official": "O", "yearbook": "Y", "researcher": "R", "unofficial": "U", "test": "T",
           "related": "~", "missing": "."}


@stats.command()
@click.option("--processed-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--region", default=None, help="Region to show [default: the plan's region, from plan.csv].")
@click.option("--year", type=int, default=None, help="Reporting year for the data requests (default: latest data year).")
@PLAN_NAME
def coverage(processed_dir: Path | None, region: str | None, year: int | None, plan_name: str | None) -> None:
    """Print which plan indicator-years have a figure, from what kind of source, and the data requests."""
    from qzlib.stats import plan
    from qzlib.stats.build import load_observations, load_plan_indicators
    from qzlib.stats.coverage import coverage_matrix, data_requests

    processed_dir = processed_dir or _workspace(plan_name).processed
    obs = load_observations(processed_dir)
    region = region or plan.of(obs).region
    grid = coverage_matrix(obs, region)
    click.echo(f"{region}: " + "  ".join(f"{v}={k}" for k, v in SYMBOLS.items()))
    click.echo(f"{'':28}" + " ".join(str(y)[2:] for y in grid.columns))
    for code, row in grid.iterrows():
        click.echo(f"{code:28}" + " ".join(f"{SYMBOLS[c]:>2}" for c in row))
    indicators = load_plan_indicators(processed_dir)
    year = year or int(obs["year"].max())
    req = data_requests(obs, indicators, year, region)
    click.echo(f"\ndata requests ({len(req)}):")
    for r in req.itertuples():
        click.echo(f"  [{r.priority}] {r.region} {r.indicator} {r.request}: {r.unlocks}")
    _county_coverage(obs, indicators, region, year)


def _short_years(text: str) -> str:
    """'2019—2021、2023' → '19-21,23' (a grid cell)."""
    return text.replace("—", "-").replace("、", ",").replace("20", "", 1).replace(",20", ",").replace("-20", "-")


def _county_coverage(obs, indicators, region: str, year: int) -> None:
    """The counties within ``region``: which years each has of each plan indicator, and, per
    county, the figures the brief's county section misses for ``year``."""
    from qzlib.plan.tables import indicator_points
    from qzlib.stats import counties
    from qzlib.stats.counties import coverage_by_county

    within = counties.counties(region)
    if not within:
        return
    cov = coverage_by_county(obs, region, indicators=indicators)
    cov = cov[(cov[within] != "").any(axis=1)]
    click.echo(f"\nregions within {region} (years with a figure of a plan indicator; . none):")
    if cov.empty:
        click.echo(f"  none of {', '.join(within)} has a figure of the plan's indicators yet")
    else:
        click.echo(f"{'':28}" + "".join(f"{c}{' ' * (10 - 2 * len(c))}" for c in within))
        for _, row in cov.iterrows():
            click.echo(f"{row['code']:28}" + "".join(f"{_short_years(row[c]) or '.':10}" for c in within))
    if indicators is None:
        return
    req = counties.requests(obs, indicator_points(indicators), region, year, lang="en")
    click.echo(f"\nrequests for the {year} brief by region within {region} ({len(req)}):")
    n = len(indicators)
    for county in within:
        g = req[req["region"] == county]
        if len(g) == n and g["request_years"].nunique() == 1:
            said = f"all {n} plan indicators {g['request_years'].iloc[0]}"
        else:
            said = "; ".join(f"{r.indicator} {r.request_years}" for r in g.itertuples()) or "none"
        click.echo(f"  {county}: {said}")
