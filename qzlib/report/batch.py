"""Many briefs at once: one process per brief, a progress bar, and a failure summary.

A failing brief never stops the others; the summary names each failure with the
notebook cell that failed.
"""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace

from tqdm import tqdm

from qzlib.report.runner import BriefRequest, BriefResult, run_brief, validate


def _run_safely(req: BriefRequest) -> BriefResult:
    try:
        return run_brief(req)
    except Exception as exc:  # a worker must always report back
        return BriefResult(req, ok=False, seconds=0.0, error=str(exc), failed_cell=f"before execution: {exc}")


def run_batch(requests: list[BriefRequest], jobs: int = 1, progress: bool = True) -> list[BriefResult]:
    """Run every request (validated up front, before any kernel starts)."""
    for req in requests:
        validate(req)
    results: list[BriefResult] = []
    bar = tqdm(total=len(requests), desc="briefs", unit="brief", disable=not progress)
    if jobs <= 1:
        for req in requests:
            bar.set_postfix_str(req.label)
            results.append(_run_safely(req))
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_run_safely, req): req for req in requests}
            for fut in as_completed(futures):
                results.append(fut.result())
                bar.set_postfix_str(futures[fut].label)
                bar.update()
    bar.close()
    order = {id(r): i for i, r in enumerate(requests)}
    return sorted(results, key=lambda r: order.get(id(r.request), 0))


def expand(years: list[int], scenarios: list[str], **common) -> list[BriefRequest]:
    base = BriefRequest(year=years[0], **common)
    return [replace(base, year=y, scenario=s) for y in years for s in scenarios]


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
