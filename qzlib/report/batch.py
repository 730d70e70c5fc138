"""Many briefs at once on Dask distributed, with a progress bar and a failure summary.

By default the briefs run on a ``distributed.LocalCluster`` of ``jobs`` worker processes
(one thread each), so one machine needs nothing more; ``scheduler="tcp://HOST:8786"``
sends the same work to an existing cluster. ``jobs=1`` with no scheduler builds in this
process, one brief after the other, with no cluster (a cluster would only add its start-up).

Workers only build: each builds a brief from its inputs (the processed tables, the
notebook, the scenarios, read at the paths given) in a temporary folder of its own and
sends the folder's files back. The client (this process) holds every destination's lock,
writes the files into a staging folder and publishes it atomically (qzlib.atomic), so no
shared filesystem is assumed beyond what the workers read, and a worker that dies takes no
lock and publishes nothing.

A failing brief never stops the others; the summary names each failure with the notebook
cell that failed. Results come back in the order of the requests.

A brief whose inputs have not changed since it was published (qzlib.report.inputs) is
skipped as up to date unless ``force``.
"""
from __future__ import annotations

import contextlib
import logging
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from qzlib import i18n
from qzlib.i18n import T
from qzlib.atomic import dir_mode, discard, file_mode, locked, new_stage
from qzlib.errors import InputError, Problem
from qzlib.report.inputs import brief_inputs, code_hash, is_up_to_date
from qzlib.report.runner import (
    BriefRequest,
    BriefResult,
    build_brief,
    publish_brief,
    validate,
)


def _build_safely(req: BriefRequest, stage: Path) -> BriefResult:
    """Build into ``stage``; always report back, never publish."""
    try:
        return build_brief(req, stage)
    except Exception as exc:  # a worker must always report back
        return BriefResult(req, ok=False, seconds=0.0, error=str(exc), failed_cell=f"before execution: {exc}")


def _build_remote(req: BriefRequest) -> tuple[BriefResult, dict[str, bytes]]:
    """Worker side: build in a private temporary folder and return its files (relative path →
    bytes); the client writes and publishes them. Nothing of the worker's is left behind."""
    with tempfile.TemporaryDirectory(prefix="qz-brief-") as tmp:
        result = _build_safely(req, Path(tmp))
        files = ({p.relative_to(tmp).as_posix(): p.read_bytes() for p in sorted(Path(tmp).rglob("*"))
                  if p.is_file()} if result.ok else {})
    return result, files


def _unpack(files: dict[str, bytes], stage: Path) -> None:
    for rel, data in files.items():
        path = stage / rel
        if path.parent != stage:
            path.parent.mkdir(parents=True, exist_ok=True, mode=dir_mode())
        path.write_bytes(data)
        path.chmod(file_mode())


def _check_unique(requests: list[BriefRequest]) -> None:
    seen: dict[tuple[Path, str], int] = {}
    problems = []
    for i, req in enumerate(requests):
        key = (Path(req.destination).absolute(), req.lang)   # the two languages share a folder
        if key in seen:
            problems.append(Problem(where="requests", field="year/scenario/lang", value=req.label,
                                    expected=f"each brief once (requests {seen[key] + 1} and {i + 1} "
                                             f"both write {req.destination} in {req.lang})"))
        seen.setdefault(key, i)
    if problems:
        raise InputError(problems)


@contextlib.contextmanager
def _client(jobs: int, scheduler: str | None):
    """A Dask client: of the cluster at ``scheduler``, or of a new LocalCluster of ``jobs``
    single-threaded worker processes (closed on exit)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError.one(where="--scheduler", value=scheduler,
                                 expected=f"the address of a running Dask scheduler, e.g. tcp://HOST:8786 "
                                          f"(could not connect: {exc})") from None
        with client:
            yield client
        return
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def lock_order(requests: list[BriefRequest]) -> list[Path]:
    """The destinations to lock, in the one order every batch takes them (sorted absolute paths)."""
    return sorted({Path(r.destination).resolve() for r in requests}, key=str)


def run_batch(requests: list[BriefRequest], jobs: int = 1, progress: bool = True,
              on_wait: Callable[[str], None] | None = None, scheduler: str | None = None,
              force: bool = False) -> list[BriefResult]:
    """Run every request (validated up front, before any kernel starts).

    Returns one result per request, at the request's position, whatever order they finish in;
    a brief that is up to date comes back with ``skipped`` set and is not rebuilt.
    """
    for req in requests:
        validate(req)
    _check_unique(requests)
    results: list[BriefResult | None] = [None] * len(requests)
    bar = tqdm(total=len(requests), desc="briefs", unit="brief", disable=not progress)
    code = code_hash()
    with contextlib.ExitStack() as held:
        # One order for every batch (sorted destinations): two overlapping batches never hold
        # one lock each while waiting for the other's.
        for dest in lock_order(requests):
            held.enter_context(locked(dest, on_wait=on_wait))
        inputs = [brief_inputs(req, code) for req in requests]
        todo = []
        for i, req in enumerate(requests):
            if not force and is_up_to_date(req, inputs[i]):
                results[i] = BriefResult(req, ok=True, seconds=0.0,
                                         pdf=req.destination / i18n.file_name("brief.pdf", req.lang),
                                         skipped=True)
                bar.update()
            else:
                todo.append(i)
        stages = {i: new_stage(requests[i].destination) for i in todo}
        try:
            if todo and jobs <= 1 and not scheduler:
                for i in todo:
                    bar.set_postfix_str(requests[i].label)
                    results[i] = publish_brief(_build_safely(requests[i], stages[i]), stages[i], inputs[i])
                    bar.update()
            elif todo:
                from distributed import as_completed

                with _client(jobs, scheduler) as client:
                    futures = {client.submit(_build_remote, requests[i], pure=False,
                                             key=f"brief-{i}-{requests[i].label}"): i for i in todo}
                    for fut in as_completed(futures):
                        i = futures[fut]
                        try:
                            built, files = fut.result()
                            _unpack(files, stages[i])
                        except Exception as exc:  # the worker died (KilledWorker) or the files did not arrive
                            built = BriefResult(requests[i], ok=False, seconds=0.0, error=str(exc),
                                                failed_cell=f"worker failed: {exc!r}")
                        results[i] = publish_brief(built, stages[i], inputs[i])
                        bar.set_postfix_str(requests[i].label)
                        bar.update()
        finally:
            for i, stage in stages.items():
                if results[i] is None:
                    discard(stage)
    bar.close()
    return results  # type: ignore[return-value]


def expand(years: list[int], scenarios: list[str], langs: tuple[str, ...] = ("zh",), **common) -> list[BriefRequest]:
    base = BriefRequest(year=years[0], **common)
    return [replace(base, year=y, scenario=s, lang=lang) for y in years for s in dict.fromkeys(scenarios)
            for lang in dict.fromkeys(langs)]


def summary(results: list[BriefResult]) -> str:
    """What a batch did, in the language in use: the counts, then one line per brief."""
    built = [r for r in results if r.ok and not r.skipped]
    skipped = [r for r in results if r.skipped]
    bad = [r for r in results if not r.ok]
    lines = [T("{n} 份简报：新生成 {built}，已是最新（跳过）{skipped}，失败 {failed}", n=len(results), built=len(built),
               skipped=len(skipped), failed=len(bad))
             + (T("；合计用时 {seconds} 秒", seconds=f"{sum(r.seconds for r in results):.1f}") if built or bad else "")]
    for r in results:
        if r.skipped:
            lines.append(f"  {T('跳过'):<5} {r.request.label:<32} " + T("已是最新：{pdf}", pdf=r.pdf))
        elif r.ok:
            lines.append(f"  {T('完成'):<5} {r.request.label:<32} {r.pdf}")
    for r in bad:
        lines.append(f"  {T('失败'):<5} {r.request.label:<32} {r.failed_cell or r.error}")
    return "\n".join(lines)
