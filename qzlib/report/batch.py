"""Many briefs at once: one process per brief, a progress bar, and a failure summary.

A failing brief never stops the others; the summary names each failure with the
notebook cell that failed. Results come back in the order of the requests.

The client (this process) holds every destination's lock, makes the staging folders and
publishes; workers only build (``build_brief``). A worker that dies takes no lock and
publishes nothing, and a future distributed executor only has to run ``_build_safely``.
"""
from __future__ import annotations

import contextlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from qzlib.atomic import discard, locked, new_stage
from qzlib.errors import InputError, Problem
from qzlib.report.runner import BriefRequest, BriefResult, build_brief, publish_brief, validate


def _build_safely(req: BriefRequest, stage: Path) -> BriefResult:
    """Worker side: build into ``stage``; always report back, never publish."""
    try:
        return build_brief(req, stage)
    except Exception as exc:  # a worker must always report back
        return BriefResult(req, ok=False, seconds=0.0, error=str(exc), failed_cell=f"before execution: {exc}")


def _check_unique(requests: list[BriefRequest]) -> None:
    seen: dict[Path, int] = {}
    problems = []
    for i, req in enumerate(requests):
        dest = Path(req.destination).absolute()
        if dest in seen:
            problems.append(Problem(where="requests", field="year/scenario", value=req.label,
                                    expected=f"each brief once (requests {seen[dest] + 1} and {i + 1} "
                                             f"both write {req.destination})"))
        seen.setdefault(dest, i)
    if problems:
        raise InputError(problems)


def run_batch(requests: list[BriefRequest], jobs: int = 1, progress: bool = True,
              on_wait: Callable[[str], None] | None = None) -> list[BriefResult]:
    """Run every request (validated up front, before any kernel starts).

    Returns one result per request, at the request's position, whatever order they finish in.
    """
    for req in requests:
        validate(req)
    _check_unique(requests)
    results: list[BriefResult | None] = [None] * len(requests)
    bar = tqdm(total=len(requests), desc="briefs", unit="brief", disable=not progress)
    with contextlib.ExitStack() as held:
        for req in requests:
            held.enter_context(locked(req.destination, on_wait=on_wait))
        stages = [new_stage(req.destination) for req in requests]
        try:
            if jobs <= 1:
                for i, req in enumerate(requests):
                    bar.set_postfix_str(req.label)
                    results[i] = publish_brief(_build_safely(req, stages[i]), stages[i])
                    bar.update()
            else:
                with ProcessPoolExecutor(max_workers=jobs) as pool:
                    futures = {pool.submit(_build_safely, req, stages[i]): i for i, req in enumerate(requests)}
                    for fut in as_completed(futures):
                        i = futures[fut]
                        try:
                            built = fut.result()
                        except Exception as exc:  # the worker process died (BrokenProcessPool)
                            built = BriefResult(requests[i], ok=False, seconds=0.0, error=str(exc),
                                                failed_cell=f"worker process died: {exc!r}")
                        results[i] = publish_brief(built, stages[i])
                        bar.set_postfix_str(requests[i].label)
                        bar.update()
        finally:
            for i, stage in enumerate(stages):
                if results[i] is None:
                    discard(stage)
    bar.close()
    return results  # type: ignore[return-value]


def expand(years: list[int], scenarios: list[str], **common) -> list[BriefRequest]:
    base = BriefRequest(year=years[0], **common)
    return [replace(base, year=y, scenario=s) for y in years for s in dict.fromkeys(scenarios)]


def summary(results: list[BriefResult]) -> str:
    ok = [r for r in results if r.ok]
    bad = [r for r in results if not r.ok]
    lines = [f"{len(ok)} of {len(results)} briefs built"
             + (f" in {sum(r.seconds for r in results):.1f} s of work" if results else "")]
    for r in ok:
        lines.append(f"  ok    {r.request.label:<24} {r.pdf}")
    for r in bad:
        lines.append(f"  FAIL  {r.request.label:<24} {r.failed_cell or r.error}")
    return "\n".join(lines)
