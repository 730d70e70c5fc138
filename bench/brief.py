#!/usr/bin/env python
"""Wall time of the brief against the floor it cannot go below, and of a batch.

The floor: what any brief pays whatever it says: a papermill run of a two-cell notebook on
the project's kernel, then WeasyPrint rendering one Chinese page with the project's font.
The brief: `qz brief --year 2025` as a user runs it (a new process each time, into a
temporary folder). Both are taken --repeat times, in turns, so both see the same machine;
the medians and their ratio are printed (goal: the brief within 3x the floor), and the median
of the run-by-run ratios, steadier when the machine's speed drifts. Then, unless
--no-batch, a batch of 8 briefs serially and with 2 workers. data/processed must exist
(`qz ingest`). Last line: {"floor_s": …, "brief_s": …, "ratio": …, "paired_ratio": …, "batch8_serial_s": …,
"batch8_j2_s": …}.

--office: instead, what the office files (datapackage.json, charts/, results.xlsx,
brief.docx; qzlib.office) add to one brief: --repeat briefs with them and --repeat without
(QZ_OFFICE=0), taken in turns. Last line: {"brief_s": …, "brief_without_office_s": …, "office_s": …}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qzlib import paths

FLOOR_PAGE = ("<html><body><h1>衢州市“415X”先进制造业集群培育工程监测简报</h1>"
              "<p>规上工业亩均增加值 119 万元/亩。</p></body></html>")


def floor(folder: Path) -> float:
    """Seconds for the floor, in a new process as `qz brief` is run: a two-cell notebook through
    papermill, then one Chinese page to PDF (the process's imports count, as they do for the brief)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--floor-in", str(folder)], check=True, capture_output=True)
    return time.perf_counter() - t


def floor_inside(folder: Path) -> None:
    """What the floor process does (``--floor-in FOLDER``), with the brief's quick start (no
    IRI grammars for jsonschema), so that the floor is not inflated by what the brief avoids."""
    from qzlib import quick_jsonschema

    quick_jsonschema.load()
    import nbformat
    import papermill as pm

    from qzlib.report.export import html_to_pdf, notebook_to_html

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                            "display_name": "Python 3"},
                                             "language_info": {"name": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("year = 2025", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(year)")]
    src = folder / "floor.ipynb"
    nbformat.write(nb, src)
    pm.execute_notebook(str(src), str(folder / "floor_out.ipynb"), parameters={"year": 2026},
                        kernel_name="python3", progress_bar=False, cwd=str(folder))
    page = notebook_to_html(nbformat.read(folder / "floor_out.ipynb", as_version=4), title="floor")
    html_to_pdf(page.replace("<body>", "<body>" + FLOOR_PAGE, 1), folder / "floor.pdf")


def brief_command(folder: Path, scenario: str, processed: Path) -> float:
    """Seconds for `qz brief` as a user runs it."""
    qz = Path(sys.executable).with_name("qz")
    t = time.perf_counter()
    subprocess.run([str(qz), "brief", "--year", "2025", "--scenario", scenario, "--processed", str(processed),
                    "--out", str(folder)], check=True, capture_output=True)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the floor and of the brief (medians reported)")
    ap.add_argument("--scenario", default="plan_path")
    ap.add_argument("--processed", type=Path, default=paths.PROCESSED)
    ap.add_argument("--no-batch", action="store_true", help="skip the batch of 8")
    ap.add_argument("--office", action="store_true",
                    help="measure what the office files add to one brief (with and without, in turns)")
    ap.add_argument("--floor-in", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.floor_in:
        floor_inside(args.floor_in)
        return 0
    if args.office:
        return office_cost(args)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        floors, briefs = [], []
        for i in range(args.repeat):
            floors.append(floor(out))
            briefs.append(brief_command(out / f"brief{i}", args.scenario, args.processed))
            print(f"run {i + 1}: floor {floors[-1]:.2f} s, qz brief {briefs[-1]:.2f} s", file=sys.stderr)
        floor_s, brief_s = statistics.median(floors), statistics.median(briefs)
        paired = statistics.median(b / f for b, f in zip(briefs, floors))
        print(f"floor (median of {args.repeat}): {floor_s:.2f} s")
        print(f"qz brief (median of {args.repeat}): {brief_s:.2f} s  ({brief_s / floor_s:.2f}x the floor; goal <= 3x)")
        print(f"run by run (brief / floor of the same turn, median): {paired:.2f}x  (steadier when the "
              f"machine's speed drifts)")
        figures = {"floor_s": round(floor_s, 2), "brief_s": round(brief_s, 2), "ratio": round(brief_s / floor_s, 2),
                   "paired_ratio": round(paired, 2)}
        if not args.no_batch:
            from qzlib.report.batch import expand, run_batch

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
            print(f"batch of 8, serial:   {timings[1]:.2f} s")
            print(f"batch of 8, -j 2:     {timings[2]:.2f} s  (speed-up {timings[1] / timings[2]:.2f}x)")
            figures.update(batch8_serial_s=round(timings[1], 2), batch8_j2_s=round(timings[2], 2))
    print(json.dumps(figures))
    return 0


def office_cost(args) -> int:
    """Median of --repeat briefs with the office files and --repeat without, in turns."""
    from qzlib import office
    from qzlib.report.runner import BriefRequest, run_brief

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
