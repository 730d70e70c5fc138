"""``qz`` — the command line of 415X Monitor.

Subcommands live beside the code they drive (``qzlib/<concern>/cli.py``) and are
imported only when called, so ``qz --help`` answers at once.
"""
from __future__ import annotations

import importlib
import sys

import click

from qzlib.errors import QzError

# name -> (module, attribute, one-line help shown by `qz --help`)
COMMANDS = {
    "ingest": ("qzlib.pipeline", "ingest", "Read the plan document and statistics into data/processed/."),
    "plan": ("qzlib.pipeline", "plan", "Plan workspaces: add a plan of another city or county, list them."),
    "stats": ("qzlib.stats.cli", "stats", "Yearly statistics: template, check, import, build, coverage."),
    "trend": ("qzlib.forecast.cli", "trend", "Project an indicator's path and judge progress to target."),
    "scenario": ("qzlib.scenarios.cli", "scenario", "Run, list and check what-if scenarios."),
    "explore": ("qzlib.scenarios.serve", "explore", "Serve the scenario explorer as a web page (Voila)."),
    "brief": ("qzlib.report.cli", "brief", "Build the annual PDF brief for one year and scenario."),
    "batch": ("qzlib.report.cli", "batch", "Build many briefs (plans x years x scenarios) on Dask."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx, formatter):
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qzlib")
def cli() -> None:
    """415X Monitor: track Quzhou's 415X advanced-manufacturing plan (衢政办发〔2023〕22号).

    Typical use: `qz ingest` reads the plan and statistics into data/processed/;
    `qz brief --year 2025` writes outputs/2025/<scenario>/brief.pdf.
    Every command explains itself with --help.
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: known input errors are printed plainly and exit with status 2."""
    try:
        cli.main(args=argv, prog_name="qz", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except QzError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
    except SystemExit:
        raise


def run() -> None:
    """The ``qz`` console script: :func:`main`, then an exit that skips tearing down the
    interpreter's ~1,700 modules one by one (0.7 s after a brief; the work is done and on disk).

    Output is flushed and the exit handlers run (logging, temporary files, locks) as at any
    exit; only the module teardown is skipped, and only when no other thread is left running.
    An unexpected error takes the ordinary path, with its traceback.
    """
    import atexit
    import os
    import threading

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing more can be said
            pass
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
