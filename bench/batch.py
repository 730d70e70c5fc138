#!/usr/bin/env python
"""qz batch on Dask: 12 briefs = 2 plans (the shipped one and the generated county plan of
tests/county_plan.py, synthetic) × 2 years × 3 scenarios, each plan ingested into a
temporary workspace (nothing is written under data/ or outputs/).

Times: serial (-j 1, in this process), a 2-worker LocalCluster, an unchanged re-run (every
brief skipped as up to date), the same 12 through a `dask scheduler` and two
`dask worker` processes on 127.0.0.1, started and stopped by this script, and (unless
--no-scaling) on a LocalCluster of one worker.

Two ratios: `speedup` = serial / 2 workers, the batch against building the briefs one after
the other as `qz batch -j 1` does; `scaling` = 1 worker / 2 workers, Dask's own gain from the
second worker. They differ because a brief built in this process draws its charts and writes
its office files on the second core, while a worker's brief (a daemonic process) uses one.
qzlib's code hash is taken once at the start (--live-code: at every batch).
A plan whose briefs cannot build yet is reported on stderr and left out (the JSON says
how many briefs were measured). Last line:
{"serial_s": …, "local_s": …, "speedup": …, "one_worker_s": …, "scaling": …, "rerun_s": …,
"cluster_s": …, "briefs": …}
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qzlib import paths  # noqa: E402
from qzlib.pipeline import run_ingest  # noqa: E402
from qzlib.report.batch import expand, run_batch, summary  # noqa: E402

YEARS = [2025, 2026]
SCENARIOS = ["plan_path", "recent_pace", "stress"]


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _workspaces(tmp: Path) -> dict[str, Path]:
    """plan name → processed folder, each ingested from its own raw copy."""
    from tests import county_plan

    spaces = {}
    for name in ("quzhou", "longyou"):
        raw = tmp / name / "data" / "raw"
        shutil.copytree(paths.STATISTICS_DIR, raw / "statistics")
        plan = (county_plan.write(raw) if name == "longyou" else
                Path(shutil.copy(paths.PLAN_FILE, (raw / "plan").mkdir(parents=True) or raw / "plan")))
        processed = tmp / name / "data" / "processed"
        t = time.perf_counter()
        run_ingest(plan, processed, raw / "statistics", quiet=True)
        _say(f"ingested {name} in {time.perf_counter() - t:.1f} s")
        spaces[name] = processed
    return spaces


def _requests(tmp: Path, spaces: dict[str, Path], run: str, plans: list[str]):
    from dataclasses import replace

    reqs = []
    for name in plans:
        reqs += expand(YEARS, SCENARIOS, processed_dir=spaces[name], outputs_dir=tmp / name / run, plan=name)
    return [replace(r, compare=tuple(s for s in SCENARIOS if s != r.scenario)) for r in reqs]


def _timed(label: str, reqs, **kw) -> tuple[float, list]:
    t = time.perf_counter()
    results = run_batch(reqs, progress=True, **kw)
    s = time.perf_counter() - t
    _say(f"{label}: {s:.1f} s\n{summary(results)}")
    return s, results


def _changed(req) -> str:
    """Which recorded inputs of a brief differ from the current ones."""
    from qzlib.report.inputs import brief_inputs, recorded

    then, now = recorded(req.destination) or {}, brief_inputs(req)
    return ", ".join(k for k in now if then.get(k) != now[k]) or "none"


def _pin_code_hash() -> None:
    """qzlib's hash is taken once, at the start: in a working tree that others edit during the
    run, a changed qzlib rightly rebuilds every brief, which would measure their edits rather than
    the skip. Each batch still pays for hashing qzlib (the value is computed and dropped)."""
    import qzlib.report.batch as B
    from qzlib.report.inputs import code_hash

    pinned = code_hash()

    def hashed_once_more() -> str:
        code_hash()
        return pinned

    B.code_hash = hashed_once_more


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cluster_run(tmp: Path, reqs) -> float:
    """A scheduler and two single-threaded workers as separate processes; stopped afterwards."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    log = (tmp / "cluster.log").open("w")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=log, stderr=log, env=env)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--no-dashboard", "--memory-limit", "0"],
                                          stdout=log, stderr=log, env=env))
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        s, results = _timed(f"scheduler {address} + 2 dask workers", reqs, scheduler=address, force=True)
        if not all(r.ok for r in results):
            raise SystemExit("briefs failed on the cluster (see above)")
        return s
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def _one_worker_run(reqs) -> float:
    """The same briefs on a LocalCluster of one single-threaded worker process."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        s, results = _timed("LocalCluster, 1 worker", reqs, scheduler=cluster.scheduler_address, force=True)
    if not all(r.ok for r in results):
        raise SystemExit("briefs failed on the one-worker cluster (see above)")
    return s


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", type=Path, default=None, help="build in this folder and keep it (default: a temp folder)")
    ap.add_argument("--live-code", action="store_true",
                    help="hash qzlib anew at every batch (default: once at the start, see _pin_code_hash)")
    ap.add_argument("--no-scaling", action="store_true", help="skip the one-worker LocalCluster run (a few minutes)")
    args = ap.parse_args(argv)
    _say(f"load average before: {os.getloadavg()}")
    if not args.live_code:
        _pin_code_hash()
    with tempfile.TemporaryDirectory(prefix="qz-bench-batch-") as t:
        tmp = args.keep or Path(t)
        tmp.mkdir(parents=True, exist_ok=True)
        spaces = _workspaces(tmp)
        plans = list(spaces)
        serial_s, results = _timed("serial (-j 1)", _requests(tmp, spaces, "serial", plans), jobs=1)
        broken = sorted({r.request.plan for r in results if not r.ok})
        if broken:
            _say(f"NOTE: the briefs of {', '.join(broken)} do not build yet; measuring the other plan only "
                 f"(its briefs counted twice over the years would not be 12)")
            plans = [p for p in plans if p not in broken]
            serial_s, results = _timed("serial (-j 1), working plans", _requests(tmp, spaces, "serial", plans),
                                       jobs=1, force=True)
        reqs = _requests(tmp, spaces, "local", plans)
        local_s, _ = _timed("LocalCluster, 2 workers", reqs, jobs=2, force=True)
        changed = _changed(reqs[0])  # normally "none"
        rerun_s, again = _timed("unchanged re-run", reqs, jobs=2)
        if not all(r.skipped for r in again):  # an input really changed meanwhile (others edit the tree)
            _say(f"the re-run rebuilt briefs whose inputs changed ({changed}); re-running once more")
            rerun_s, again = _timed("unchanged re-run (2nd)", reqs, jobs=2)
            if not all(r.skipped for r in again):
                raise SystemExit("an unchanged re-run rebuilt something")
        cluster_s = _cluster_run(tmp, _requests(tmp, spaces, "cluster", plans))
        one_s = None if args.no_scaling else _one_worker_run(_requests(tmp, spaces, "one", plans))
        _say(f"load average after: {os.getloadavg()}")
    print(json.dumps({"serial_s": round(serial_s, 1), "local_s": round(local_s, 1),
                      "speedup": round(serial_s / local_s, 2),
                      "one_worker_s": None if one_s is None else round(one_s, 1),
                      "scaling": None if one_s is None else round(one_s / local_s, 2), "rerun_s": round(rerun_s, 2),
                      "cluster_s": round(cluster_s, 1), "briefs": len(reqs),
                      "plans": plans}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
