#!/usr/bin/env python
"""Wall time of the brief: one brief (median of --repeat runs) and a batch of 8 briefs
run serially and with 2 workers. Briefs go to a temporary folder; data/processed must
exist (`qz ingest`). Last line: {"brief_s": …, "batch8_serial_s": …, "batch8_j2_s": …}.

--office: instead of the batch, what the office files (datapackage.json, charts/, results.xlsx,
brief.docx; qzlib.office) add to one brief: --repeat briefs with them and --repeat without
(QZ_OFFICE=0), taken in turns so both see the same machine. Last line:
{"brief_s": …, "brief_without_office_s": …, "office_s": …}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from qzlib import office, paths
from qzlib.report.batch import expand, run_batch
from qzlib.report.runner import BriefRequest, run_brief


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the single brief (median reported)")
    ap.add_argument("--scenario", default="plan_path")
    ap.add_argument("--processed", type=Path, default=paths.PROCESSED)
    ap.add_argument("--office", action="store_true",
                    help="measure what the office files add to one brief (with and without, in turns)")
    args = ap.parse_args(argv)
    if args.office:
        return office_cost(args)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        singles = []
        for i in range(args.repeat):
            t = time.perf_counter()
            res = run_brief(BriefRequest(year=2025, scenario=args.scenario, processed_dir=args.processed,
                                         outputs_dir=out / "single"))
            singles.append(time.perf_counter() - t)
            if not res.ok:
                print(f"brief failed: {res.failed_cell}", file=sys.stderr)
                return 1
            print(f"single brief run {i + 1}: {singles[-1]:.2f} s", file=sys.stderr)
        years = list(range(2023, 2031))  # 8 briefs
        timings = {}
        for jobs in (1, 2):
            reqs = expand(years, [args.scenario], processed_dir=args.processed, outputs_dir=out / f"j{jobs}")
            t = time.perf_counter()
            results = run_batch(reqs, jobs=jobs, progress=True)
            timings[jobs] = time.perf_counter() - t
            failed = [r for r in results if not r.ok]
            if failed:
                print(f"{len(failed)} briefs failed in the batch (-j {jobs})", file=sys.stderr)
                return 1
    brief_s = statistics.median(singles)
    print(f"one brief (median of {args.repeat}): {brief_s:.2f} s")
    print(f"batch of 8, serial:   {timings[1]:.2f} s")
    print(f"batch of 8, -j 2:     {timings[2]:.2f} s  (speed-up {timings[1] / timings[2]:.2f}x)")
    print(json.dumps({"brief_s": round(brief_s, 2), "batch8_serial_s": round(timings[1], 2),
                      "batch8_j2_s": round(timings[2], 2)}))
    return 0


def office_cost(args) -> int:
    """Median of --repeat briefs with the office files and --repeat without, in turns."""
    times: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for with_office in (True, False):
                os.environ[office.ENV] = "1" if with_office else "0"
                t = time.perf_counter()
                res = run_brief(BriefRequest(year=2025, scenario=args.scenario, processed_dir=args.processed,
                                             outputs_dir=Path(tmp) / ("with" if with_office else "without")))
                times[with_office].append(time.perf_counter() - t)
                if not res.ok:
                    print(f"brief failed: {res.failed_cell}", file=sys.stderr)
                    return 1
                print(f"run {i + 1} {'with' if with_office else 'without'} office files: "
                      f"{times[with_office][-1]:.2f} s", file=sys.stderr)
    os.environ.pop(office.ENV, None)
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(f"one brief (median of {args.repeat}): {on:.2f} s with the office files, {off:.2f} s without: "
          f"they add {on - off:.2f} s")
    print(json.dumps({"brief_s": round(on, 2), "brief_without_office_s": round(off, 2),
                      "office_s": round(on - off, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
