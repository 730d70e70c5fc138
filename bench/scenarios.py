"""How fast the explorer recomputes: all 16 indicators after one slider move.

Measures Explorer.set_indicator / set_component (scenario merge, paths for 16
indicators, attainment records) plus the HTML attainment table the widget shows, on the
plan's points from data/processed (or, with --fixture, the test fixture built from the
plan's 附件1). Prints the median and p95, and as its last line
{"median_ms": ..., "p95_ms": ...}. Target: median ≤ 50 ms.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def _points(fixture: bool, processed_dir: str | None):
    if not fixture:
        try:
            from qzlib.scenarios import plan_points

            return plan_points(processed_dir), processed_dir or "data/processed"
        except Exception as exc:  # no ingest yet: say so and use the fixture
            print(f"plan tables not available ({exc.__class__.__name__}: {exc}); using the test fixture",
                  file=sys.stderr)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from test_scenarios_fixtures import plan_points as fixture_points

    return fixture_points(), "tests fixture (附件1)"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=300)
    ap.add_argument("--fixture", action="store_true", help="use the test fixture instead of data/processed")
    ap.add_argument("--processed-dir", default=None)
    args = ap.parse_args(argv)

    from qzlib.scenarios.explorer import Explorer

    points, where = _points(args.fixture, args.processed_dir)
    x = Explorer(points, observations=None, scenario="stress")  # stress: components + plan paces
    rng = np.random.default_rng(0)
    codes = [c for c in x.adjustable() if x.driver(c) == "indicator"]
    comps = ["value_added", "land", "tax", "employment", "rd_spending", "revenue"]
    times = []
    for i in range(args.repeat + 20):
        t0 = time.perf_counter()
        if i % 2:
            x.set_component(comps[i % len(comps)], float(rng.uniform(-0.02, 0.12)))
        else:
            code = codes[i % len(codes)]
            x.set_indicator(code, float(rng.uniform(0.0, 0.2)))
        x.table_html()
        if i >= 20:  # warm-up excluded
            times.append((time.perf_counter() - t0) * 1000)
    # For information: what the kernel spends on the chart per move (the browser draws it: bench/explorer.py).
    from qzlib.scenarios.explorer.chart import PathsChart

    chart = PathsChart(x.result, [c for c in x.adjustable()][:6], "情景")
    draw = []
    for i in range(20):
        result = x.set_component("land", 0.001 * i)
        t0 = time.perf_counter()
        chart.update(result, "情景")
        draw.append((time.perf_counter() - t0) * 1000)
    print(f"chart update in the kernel (6 browser-drawn panels: new numbers, round ticks), 20 runs: "
          f"median {np.median(draw):.1f} ms")
    t = np.array(times)
    out = {"median_ms": round(float(np.median(t)), 3), "p95_ms": round(float(np.percentile(t, 95)), 3)}
    print(f"explorer recompute (16 indicators + attainment table), {len(t)} runs on {where}: "
          f"median {out['median_ms']} ms, p95 {out['p95_ms']} ms (target: median ≤ 50 ms)")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
