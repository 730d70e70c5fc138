"""``qz explore``: the scenario explorer as a web page (Voilà), for colleagues without Jupyter.

Voilà runs ``resources/explorer_app.ipynb`` in a kernel per visitor and shows only its outputs and
widgets: no code cells, no kernel menu. The server (:mod:`qzlib.scenarios.explorer.server`) runs in
this process, bounded: at most ``--max-kernels`` kernels, idle pages culled after
``--idle-timeout`` seconds, each page's kernel its own. It binds to 127.0.0.1 unless told otherwise;
any other address requires a token (generated unless ``--token`` gives one), and the printed
address is one a colleague can open. The page's folders come from the environment
(``QZ_PROCESSED_DIR``, ``QZ_SCENARIOS_DIR``) so that tests can point it at temporary copies; by
default it reads ``data/processed/`` and saves into ``scenarios/``, the folder the batch runs from.
"""
from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import click

from qzlib.errors import InputError
from qzlib.paths import PROCESSED, RESOURCES, SCENARIOS

APP = RESOURCES / "explorer_app.ipynb"
TEMPLATES = RESOURCES / "jupyter"  # voila/templates/qz415x: the page, its font and no CDN links
DEFAULT_PORT = 8866
ADDRESS_LINE = "情景探索器网页："


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("::1")
    (True, True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This machine's address on its network (what a colleague types), else its host name."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))   # a documentation address: a UDP connect sends nothing
            ip = s.getsockname()[0]
        except OSError:
            ip = ""
    return ip if ip and not ip.startswith("127.") else socket.gethostname()


def shown_address(host: str, port: int, token: str) -> str:
    """The address to print: the machine's own for a wildcard bind, with the token when there is one."""
    name = lan_address() if host in ("0.0.0.0", "::", "") else host
    name = f"[{name}]" if ":" in name else name
    return f"http://{name}:{port}/" + (f"?token={token}" if token else "")


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


@click.command("explore")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind to; any non-loopback address (0.0.0.0: every interface) requires a token.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port of the web page.")
@click.option("--idle-timeout", type=click.IntRange(min=1), default=600, show_default=True,
              help="Seconds after which the kernel of a closed or idle page is shut down.")
@click.option("--max-kernels", type=click.IntRange(min=1), default=8, show_default=True,
              help="Kernels at most (one is kept warm for the next visitor); beyond that a page says "
                   "the explorer is full.")
@click.option("--token", default=None,
              help="Access token (default: generated when --host is not loopback, none on loopback).")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None,
              help="Processed plan tables (default: data/processed/).")
@click.option("--scenarios-dir", type=click.Path(path_type=Path), default=None,
              help="Where scenarios are read and saved (default: scenarios/, which the batch runs).")
def explore(host: str, port: int, idle_timeout: int, max_kernels: int, token: str | None,
            processed_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Serve the scenario explorer as a web page (Voila: no code, no kernel menu).

    Stop it with Ctrl-C (or SIGTERM): every kernel stops and the port is freed."""
    loopback = is_loopback(host)
    if token is None:
        token = "" if loopback else secrets.token_urlsafe(18)
    if not loopback and not token:
        raise click.UsageError(f"--host {host} 可从网络访问，必须有令牌：去掉 --token ''，或给出一个令牌 "
                               "(a non-loopback host requires a token)")
    os.environ.update(app_env(processed_dir, scenarios_dir))
    address = shown_address(host, port, token)

    def listening(_port: int) -> None:
        click.echo(f"{ADDRESS_LINE}{address}")
        if not loopback:
            click.echo(f"注意：--host {host} 使网页可从网络访问；只有带令牌的地址能打开它，请只发给需要的同事。"
                       "(warning: reachable from the network; share the address with the token only with "
                       "those who need it)", err=True)
        click.echo(f"另存的情景写入 {os.environ['QZ_SCENARIOS_DIR']}；至多 {max_kernels} 个页面同时使用，"
                   f"闲置 {idle_timeout} 秒的页面自动释放；按 Ctrl+C 结束。")
        sys.stdout.flush()

    from qzlib.scenarios.explorer.server import run

    try:
        run(APP, on_listening=listening, host=host, port=port, token=token, idle_timeout=idle_timeout,
            max_kernels=max_kernels)
    except SystemExit as exc:
        if exc.code:
            raise click.ClickException(f"情景探索器未能启动：端口 {port} 是否已被占用？可换 --port "
                                       f"(the server stopped with status {exc.code}; is port {port} in use?)")


# ----------------------------------------------------------------------------- for tests and benches
@dataclass
class Served:
    """A ``qz explore`` process started by :func:`start`: its address (with the token) and log."""

    proc: subprocess.Popen
    url: str
    log: Path

    @property
    def token(self) -> str:
        m = re.search(r"token=([^&\s]+)", self.url)
        return m.group(1) if m else ""

    @property
    def root(self) -> str:
        return self.url.split("?", 1)[0]

    def status(self) -> dict:
        query = f"?token={self.token}" if self.token else ""
        with urllib.request.urlopen(f"{self.root}qz/status{query}", timeout=10) as r:
            return json.load(r)

    def wait_ready(self, timeout: float = 120) -> dict:
        """Until the preheated kernel is ready for a visitor."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.status()
            if state["pool_ready"]:
                return state
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"the explorer's preheated kernel was not ready within {timeout:.0f} s; "
                                   f"see {self.log}")
            time.sleep(0.3)

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


def start(port: int | None = None, host: str = "127.0.0.1", processed_dir: Path | None = None,
          scenarios_dir: Path | None = None, log: Path | None = None, timeout: float = 60,
          args: tuple[str, ...] = ()) -> Served:
    """Start ``qz explore`` in the background (output to ``log``) and wait for its printed address."""
    import tempfile

    port = port or free_port("127.0.0.1" if is_loopback(host) else host)
    log = Path(log) if log else Path(tempfile.mkstemp(prefix="qz-explore-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "qzlib.scenarios.serve", f"--port={port}", f"--host={host}", *args]
    if processed_dir:
        cmd.append(f"--processed-dir={processed_dir}")
    if scenarios_dir:
        cmd.append(f"--scenarios-dir={scenarios_dir}")
    with open(log, "ab") as out:
        offset = out.tell()   # an earlier run's address in the same log is not this one's
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
        m = re.search(rf"^{ADDRESS_LINE}(\S+)", text, re.M)
        if m:
            return Served(proc, m.group(1), log)
        if proc.poll() is not None:
            raise RuntimeError(f"qz explore stopped with status {proc.returncode}; see {log}")
        time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"qz explore printed no address within {timeout:.0f} s; see {log}")


if __name__ == "__main__":
    explore()
