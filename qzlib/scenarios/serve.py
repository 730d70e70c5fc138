"""``qz explore``: the scenario explorer as a web page (Voilà), for people without Jupyter.

Voilà runs ``resources/explorer_app.ipynb`` in a fresh kernel per visitor and shows only
its outputs and widgets: no code cells, no kernel menu. The page's folders come from the
environment (``QZ_PROCESSED_DIR``, ``QZ_SCENARIOS_DIR``) so that the browser tests can point
it at temporary copies; by default it reads ``data/processed/`` and saves into
``scenarios/``, the folder the batch runs from. It binds to 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click

from qzlib.errors import InputError
from qzlib.paths import PROCESSED, RESOURCES, SCENARIOS

APP = RESOURCES / "explorer_app.ipynb"
TEMPLATES = RESOURCES / "jupyter"  # voila/templates/qz415x: the lab page without CDN links
DEFAULT_PORT = 8866


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def voila_command(port: int, host: str = "127.0.0.1", notebook: Path = APP) -> list[str]:
    """The Voilà command line (strip code, no browser, no tracebacks on the page)."""
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.ip={host}",
            "--no-browser", "--Voila.port_retries=0", "--VoilaConfiguration.show_tracebacks=False",
            "--VoilaConfiguration.strip_sources=True", "--template=qz415x"]


def app_env(processed_dir: Path | None, scenarios_dir: Path | None) -> dict:
    processed = Path(processed_dir or PROCESSED)
    if not (processed / "indicators.csv").exists():
        raise InputError.one(file=str(processed), value="indicators.csv 不存在",
                             expected="已整理的规划表：请先运行 qz ingest（或 make ingest）")
    env = dict(os.environ)
    env["QZ_PROCESSED_DIR"] = str(processed.resolve())
    env["QZ_SCENARIOS_DIR"] = str(Path(scenarios_dir or SCENARIOS).resolve())
    env.setdefault("MPLBACKEND", "Agg")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    return env


def start(port: int | None = None, host: str = "127.0.0.1", processed_dir: Path | None = None,
          scenarios_dir: Path | None = None, timeout: float = 60, log=None) -> tuple[subprocess.Popen, str]:
    """Start Voilà in the background and wait until it answers; returns (process, address)."""
    port = port or free_port(host)
    proc = subprocess.Popen(voila_command(port, host), env=app_env(processed_dir, scenarios_dir),
                            stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://{host}:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Voilà stopped with status {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"Voilà did not answer at {url} within {timeout:.0f} s")


@click.command("explore")
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="Port of the web page.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind to (0.0.0.0 shows the page to the whole network).")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None,
              help="Processed plan tables (default: data/processed/).")
@click.option("--scenarios-dir", type=click.Path(path_type=Path), default=None,
              help="Where scenarios are read and saved (default: scenarios/, which the batch runs).")
def explore(port: int, host: str, processed_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Serve the scenario explorer as a web page (Voilà: no code, no kernel menu)."""
    env = app_env(processed_dir, scenarios_dir)
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    click.echo(f"情景探索器网页 / scenario explorer: http://{shown}:{port}/")
    click.echo(f"另存的情景写入 {env['QZ_SCENARIOS_DIR']}；按 Ctrl+C 结束。")
    try:
        code = subprocess.call(voila_command(port, host), env=env)
    except KeyboardInterrupt:
        code = 0
    if code:
        raise click.ClickException(f"Voilà stopped with status {code} (is port {port} in use? try --port)")
