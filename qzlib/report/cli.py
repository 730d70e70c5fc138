"""`qz brief` and `qz batch`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from qzlib import i18n, paths
from qzlib.i18n import T
from qzlib.report.runner import BriefRequest, parse_years
from qzlib.scenarios.files import SUFFIXES as SCENARIO_SUFFIXES


def _langs(text: str) -> tuple[str, ...]:
    """'zh,en' → ('zh', 'en'); an unknown language is refused naming the option and the choices."""
    out = tuple(dict.fromkeys(x.strip() for x in str(text).split(",") if x.strip()))
    bad = [x for x in out if x not in i18n.LANGS]
    if bad or not out:
        raise click.BadParameter(f"{', '.join(bad) or '(none)'}: expected one or more of {', '.join(i18n.LANGS)}",
                                 param_hint="--lang")
    return out


def _say(message: str) -> None:
    click.echo(message, err=True)


def _scenario_place(value: str, scenarios_dir: Path | None = None) -> tuple[str, Path]:
    """A scenario is a name in scenarios/ or a path to any .yml file (``~`` allowed).

    A file's brief is published under the scenario's own name (the file's ``name:``), so a
    copy of a shipped scenario under another file name cannot take the shipped one's folder
    unnoticed: a file whose name is a scenario of ``scenarios_dir`` other than itself is refused.
    """
    import yaml

    p = Path(value).expanduser()
    if p.suffix not in SCENARIO_SUFFIXES or not p.is_file():
        return value, paths.SCENARIOS
    p = p.resolve()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise click.BadParameter(f"{p}: not a readable YAML file ({exc})", param_hint="--scenario")
    name = str(data.get("name") or p.stem) if isinstance(data, dict) else p.stem
    if name != p.stem:
        shipped = Path(scenarios_dir or paths.SCENARIOS)
        clash = next((f for f in (shipped / (name + s) for s in SCENARIO_SUFFIXES) if f.is_file()), None)
        if clash is not None and clash.resolve() != p:
            raise click.BadParameter(
                f"{p}: its name is “{name}”, the name of {clash}; its brief would replace that scenario's brief. "
                f"Give the file a name of its own (name: {p.stem})", param_hint="--scenario")
        raise click.BadParameter(
            f"{p}: the file is named {p.stem} but its scenario is “{name}”; the brief's folder carries the "
            f"scenario's name, so name the file {name}.yml or set name: {p.stem}", param_hint="--scenario")
    return name, p.parent


@click.command(help="""Build the annual brief for one year and scenario.

Executes notebooks/01_brief.ipynb with papermill and exports it (no code shown) to
outputs/YEAR/SCENARIO/brief.pdf and brief.html, beside the executed notebook and the
data files it wrote. The previous brief is replaced only when the new one is complete
(in one step: the folder is a link to the current version). If data/raw changed since
the last `qz ingest`, it re-ingests first and says so; a second run for the same year
and scenario waits for the first.

\b
Example:
  qz brief --year 2025
  qz brief --year 2026 --scenario stress --compare plan_path,recent_pace
  qz brief --year 2025 --scenario ~/my_case.yml
""")
@click.option("--year", type=int, required=True, help="Year the brief reports on (2023–2030).")
@click.option("--scenario", default="plan_path", show_default=True,
              help="Scenario: a name in scenarios/ (without .yml) or the path of a scenario .yml file.")
@click.option("--compare", default="", help="Other scenarios for the comparison page, comma-separated.")
@click.option("--lang", default="zh", show_default=True, type=click.Choice(list(i18n.LANGS)),
              help="Language of the brief: zh, or en for the English brief beside the Chinese one "
                   "(brief.en.pdf, brief.en.html, brief.en.docx, *.en.csv in the same folder).")
@click.option("--plan", default="default", show_default=True,
              help="Plan workspace: 'default' (the project's own plan) or a name under plans/.")
@click.option("--processed", "processed_dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the ingested tables [default: the plan's data/processed].")
@click.option("--out", "outputs_dir", type=click.Path(path_type=Path), default=None,
              help="Root folder for briefs [default: the plan's outputs].")
def brief(year, scenario, compare, lang, plan, processed_dir, outputs_dir):
    from qzlib.pipeline import ensure_fresh
    from qzlib.report.runner import run_brief, validate

    ws = paths.workspace(plan)
    scenario, scenarios_dir = _scenario_place(scenario)
    req = BriefRequest(year=year, scenario=scenario, lang=lang, scenarios_dir=scenarios_dir,
                       compare=tuple(s for s in compare.split(",") if s and s != scenario),
                       processed_dir=processed_dir or ws.processed,
                       outputs_dir=outputs_dir or ws.outputs, plan="" if ws.is_default else ws.name)
    if processed_dir or ws.is_default:
        ensure_fresh(processed_dir, echo=_say)
    else:
        ensure_fresh(ws.processed, echo=_say, plan=ws.plan_file, statistics=ws.statistics)
    validate(req)
    with i18n.using(lang):   # the messages speak the brief's language
        click.echo(T("正在生成{year}年简报（情景 {scenario}）…", year=year, scenario=scenario), err=True)
        result = run_brief(req, on_wait=_say)
        if not result.ok:
            click.secho(T("简报 {label} 生成失败，出错的单元格：{cell}", label=req.label, cell=result.failed_cell),
                        fg="red", err=True)
            click.echo(T("{folder} 中原有的简报（如有）未被改动", folder=req.destination), err=True)
            sys.exit(1)
        click.echo(T("简报已生成，用时 {seconds} 秒：{pdf}", seconds=f"{result.seconds:.1f}", pdf=result.pdf))


@click.command(help="""Build many briefs (plans × years × scenarios) on Dask distributed.

By default the briefs run on a local cluster of -j worker processes (one thread each);
--scheduler tcp://HOST:8786 sends them to a running Dask cluster instead (its workers must
read the same data/processed, notebooks/ and scenarios/ paths). Workers build; this process
publishes each brief under the outputs folder in one step. -j 1 builds here, one by one.

A brief whose inputs (processed tables, scenario files, notebook, qzlib) have not changed
since it was built is skipped as up to date (--force rebuilds it). One failing brief does not
stop the others; the summary says how many were built, skipped and failed, names each
failure with the notebook cell that failed, lists results in the order asked for, and the
exit status is 1 if any failed. If a plan's data/raw changed since its last ingest, it
re-ingests first.

\b
Example:
  qz batch --years 2023-2027 --scenarios plan_path,stress -j 2
  qz batch --plans default,longyou --years 2026 --scenarios plan_path,recent_pace
  qz batch --years 2025 --scheduler tcp://10.0.0.5:8786
""")
@click.option("--years", required=True, help="Years: 2025, 2023-2027 or 2023,2025.")
@click.option("--scenarios", default="plan_path", show_default=True, help="Scenario names, comma-separated.")
@click.option("--plans", default="", help="Plan workspaces, comma-separated: 'default' (the project's own plan) "
                                          "and names under plans/ [default: default].")
@click.option("-j", "--jobs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Worker processes of the local cluster (1: build here, no cluster).")
@click.option("--scheduler", default=None, help="Address of a running Dask scheduler (tcp://HOST:8786) "
                                               "instead of a local cluster.")
@click.option("--lang", "langs", default="zh", show_default=True,
              help="Languages, comma-separated: zh, en or zh,en (each brief in each language, one folder; "
                   "the summary speaks the first).")
@click.option("--force", is_flag=True, help="Rebuild briefs that are up to date.")
@click.option("--processed", "processed_dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the ingested tables (one plan only) [default: the plan's data/processed].")
@click.option("--out", "outputs_dir", type=click.Path(path_type=Path), default=None,
              help="Root folder for briefs (one plan only) [default: the plan's outputs].")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
def batch(years, scenarios, plans, jobs, scheduler, force, processed_dir, outputs_dir, no_progress, langs):
    from dataclasses import replace

    from qzlib.pipeline import ensure_fresh
    from qzlib.report.batch import expand, run_batch, summary

    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    spaces = [paths.workspace(p) for p in dict.fromkeys(p.strip() for p in (plans or "default").split(",")) if p]
    if len(spaces) > 1 and (processed_dir or outputs_dir):
        raise click.UsageError("--processed and --out name one plan's folders; with several --plans each plan "
                               "uses its own workspace")
    requests = []
    for ws in spaces:
        processed = processed_dir or ws.processed
        ensure_fresh(processed, echo=_say, plan=None if processed_dir else ws.plan_file,
                     statistics=None if processed_dir else ws.statistics)
        requests += expand(parse_years(years), names, langs=_langs(langs), processed_dir=processed,
                           outputs_dir=outputs_dir or ws.outputs, plan="" if ws.is_default and len(spaces) == 1 else ws.name)
    if len(names) > 1:  # each brief gets the comparison page of the whole set
        requests = [replace(r, compare=tuple(n for n in names if n != r.scenario)) for r in requests]
    results = run_batch(requests, jobs=jobs, progress=not no_progress, on_wait=_say, scheduler=scheduler,
                        force=force)
    with i18n.using(_langs(langs)[0]):   # the summary speaks the first language asked for
        click.echo(summary(results))
    if not all(r.ok for r in results):
        sys.exit(1)
