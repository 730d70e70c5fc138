"""``qz scenario``: list, check and run what-if scenarios."""
from __future__ import annotations

from pathlib import Path

import click

from qzlib.paths import OUTPUTS, SCENARIOS


@click.group("scenario")
def scenario() -> None:
    """What-if scenarios (scenarios/*.yml): list, check one file, run one by name."""


@scenario.command("list")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=None,
              help="Folder of scenario files (default: scenarios/).")
def list_cmd(folder: Path | None) -> None:
    """Name, author and first line of the description of every scenario file."""
    from qzlib.scenarios.files import list_files
    from qzlib.scenarios.schema import load

    for path in list_files(folder or SCENARIOS):
        s = load(path)
        click.echo(f"{s.name:<16} {s.author:<16} {s.description.splitlines()[0][:60]}")


@scenario.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None,
              help="Processed data folder holding the plan tables whose years the file's years must lie "
                   "within (default: data/processed; not checked when the folder has none).")
def check_cmd(file: Path, processed_dir: Path | None) -> None:
    """Validate FILE against the scenario schema and the plan's years; exit 2 naming file and key on a problem."""
    from qzlib.paths import PROCESSED
    from qzlib.scenarios.schema import load

    s = load(file)
    folder = Path(processed_dir or PROCESSED)
    years = ""
    if (folder / "plan.csv").is_file() and (folder / "indicators.csv").is_file():
        from qzlib.scenarios import Engine, plan_points

        e = Engine(plan_points(folder), processed_dir=folder)
        e.resolved(s)   # refuses a year outside the plan's years
        years = f"; years within the plan's {e.years[0]}–{e.years[-1]}"
    others = "; one for every other indicator of the plan" if s.others else ""
    click.echo(f"ok: {file} ({s.name}: {len(s.assumptions)} indicator and {len(s.components)} component "
               f"assumptions{others}{years})")


@scenario.command("run")
@click.argument("name")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: outputs/scenarios/NAME).")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None,
              help="Processed data folder holding the plan tables (default: data/processed).")
def run_cmd(name: str, out: Path | None, processed_dir: Path | None) -> None:
    """Run scenario NAME (or a file); write paths, attainment, assumptions and a chart."""
    from qzlib.scenarios import plan_points, run
    from qzlib.scenarios.plot import plot_paths
    from qzlib.scenarios.schema import load

    scenario_ = load(name)  # a bad name or file is reported before any data is read
    points = plan_points(processed_dir)
    result = run(scenario_, points, processed_dir=processed_dir)
    out = out or OUTPUTS / "scenarios" / result.name
    written = result.write(out)
    fig = plot_paths(result)
    from qzlib.atomic import atomic_file

    with atomic_file(out / "paths.png", "wb") as fh:
        fig.savefig(fh, format="png", dpi=110)
    a = result.attainment
    met = int((a["status"] == "met").sum())
    judged = int((a["status"] != "no_path").sum())
    click.echo(f"{result.name}: {met} of {judged} assessed targets met ({len(a)} target rows); "
               f"wrote {', '.join(p.name for p in written)}, paths.png to {out}")
