#!/usr/bin/env python
"""How fast the served explorer is in a real browser (Chromium driven by Playwright).

Starts ``qz explore`` on a free port (data/processed; the shipped scenarios read only), then:

- **page ready**: navigation → the first slider visible, read in the page as ``performance.now()``
  (milliseconds since navigation began) by a check run on every animation frame. Each run is a
  first visit (a fresh browser context: nothing cached) and a return visit (the same context: the
  page's scripts cached, as for a colleague coming back); each visit gets the preheated kernel, the
  page is closed (releasing its kernel) and the next visit waits until the server has warmed the
  next kernel.
- **redraw**: on one page, a slider handle is dragged and released, alternately left and right,
  on three indicators shown on the chart; ``performance.now()`` at ``pointerup`` to the first
  change inside the chart, then one animation frame and a task (the frame has been painted).
- **language switch**: on the same page, the switch (中文 | English) pressed alternately; the click
  to the page's message said in the other language (the kernel says it last, after the labels, the
  chart and the table). The first switch to English also computes the English verdicts (about 0.5 s).

Prints ready times (median, each run; first and return visits), redraw median / p90 in ms, the
language switches and the machine's load average before the run (two cores shared with other work
slow everything down), and as its last line {"ready_s_median": …, "ready_return_s_median": …,
"redraw_ms_median": …, "redraw_ms_p90": …, "switch_first_s": …, "switch_s_median": …}.
Goals: ready ≤ 3 s, redraw median ≤ 300 ms.
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

import numpy as np

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}
FIRST_SLIDER = ".qz-ind-per_mu_value_added .noUi-handle"
SLIDERS = ["qz-ind-per_mu_value_added", "qz-ind-digital_core_va", "qz-ind-rd_intensity"]
SWITCH = ["English", "中文"]   # the language switch's buttons, pressed in turn

# Runs in the page before its scripts: the time the first slider is visible, in ms since navigation,
# and on the way the document parsed (DOMContentLoaded) and the kernel's websocket open.
READY_PROBE = """
(() => {
  document.addEventListener('DOMContentLoaded', () => { window.__qzParsed = performance.now(); });
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    if (String(args[0]).includes('/channels')) {
      ws.addEventListener('open', () => { window.__qzSocket = window.__qzSocket || performance.now(); });
    }
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, Socket);
  const probe = () => {
    const h = document.querySelector('%s');
    if (h && h.getBoundingClientRect().width > 0 && getComputedStyle(h).visibility !== 'hidden') {
      window.__qzReady = performance.now();
    } else { requestAnimationFrame(probe); }
  };
  requestAnimationFrame(probe);
})();
""" % FIRST_SLIDER

# Arms one measurement: pointerup -> first change inside the chart -> a frame and a task later.
ARM = """
() => {
  window.__qzRedraw = new Promise((resolve) => {
    const chart = document.querySelector('.qz-chart');
    let t0 = null;
    window.addEventListener('pointerup', () => { t0 = performance.now(); }, {once: true, capture: true});
    const seen = new MutationObserver(() => {
      if (t0 === null) { return; }
      seen.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
    });
    seen.observe(chart, {subtree: true, childList: true, attributes: true, characterData: true});
    setTimeout(() => resolve(null), 10000);
  });
}
"""


def launch(pw):
    args = {"args": ["--no-sandbox"]} if hasattr(os, "geteuid") and os.geteuid() == 0 else {}
    if DEBIAN_CHROMIUM.exists():
        args["executable_path"] = str(DEBIAN_CHROMIUM)
    return pw.chromium.launch(**args)


def visit(context, served) -> dict:
    """One visit's times in seconds: document parsed, kernel socket open, first slider visible."""
    served.wait_ready()
    time.sleep(2)   # the server's refill of its warm kernel has settled
    page = context.new_page()
    page.add_init_script(READY_PROBE)
    page.goto(served.url)
    page.wait_for_function("window.__qzReady !== undefined", timeout=90_000)
    times = page.evaluate("[window.__qzParsed, window.__qzSocket, window.__qzReady]")
    page.close(run_before_unload=True)
    return dict(zip(("parsed", "socket", "ready"), (t / 1000 if t else float("nan") for t in times)))


def ready_times(browser, served, runs: int) -> tuple[list[dict], list[dict]]:
    first, back = [], []
    for _ in range(runs):
        context = browser.new_context(viewport=VIEWPORT)
        first.append(visit(context, served))
        back.append(visit(context, served))
        context.close()
    return first, back


def phases(visits: list[dict]) -> str:
    med = {k: statistics.median(v[k] for v in visits) for k in ("parsed", "socket", "ready")}
    return (f"medians: document parsed {med['parsed']:.2f} s, kernel socket open {med['socket']:.2f} s, "
            f"first slider {med['ready']:.2f} s")


def drag(page, cls: str, dx: float) -> None:
    handle = page.locator(f".{cls} .noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=3)
    page.mouse.move(x + dx, y, steps=3)
    page.mouse.up()


def redraw_times(browser, served, moves: int, switches: int) -> tuple[list[float], list[float]]:
    """Slider releases → chart painted (ms), then language switches → message said (s)."""
    served.wait_ready()
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(served.url)
    page.wait_for_selector(FIRST_SLIDER, state="visible", timeout=90_000)
    page.wait_for_timeout(1500)
    times = []
    for i in range(moves):
        page.evaluate(ARM)
        drag(page, SLIDERS[i % len(SLIDERS)], 14 if (i // len(SLIDERS)) % 2 == 0 else -14)
        ms = page.evaluate("window.__qzRedraw")
        if ms is not None:
            times.append(ms)
        page.wait_for_timeout(250)
    switched = []
    for i in range(switches):
        before = page.locator(".qz-status").inner_text()
        t0 = time.perf_counter()
        page.locator(".qz-lang button", has_text=SWITCH[i % 2]).click()
        page.wait_for_function("before => document.querySelector('.qz-status').innerText !== before", arg=before,
                               timeout=60_000, polling=20)
        switched.append(time.perf_counter() - t0)
        page.wait_for_timeout(500)
    page.close(run_before_unload=True)
    context.close()
    return times, switched


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="page visits timed (median reported)")
    ap.add_argument("--moves", type=int, default=30, help="slider releases timed")
    ap.add_argument("--switches", type=int, default=6, help="language switches timed (alternately English, 中文)")
    ap.add_argument("--processed-dir", type=Path, default=None)
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from qzlib.scenarios.serve import start

    load = os.getloadavg()[0]   # other work on the machine, before this bench adds its own
    log = Path(tempfile.mkstemp(prefix="bench-explorer-", suffix=".log")[1])
    served = start(processed_dir=args.processed_dir, log=log)
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            ready, back = ready_times(browser, served, args.runs)
            redraw, switched = redraw_times(browser, served, args.moves, args.switches)
            browser.close()
    finally:
        served.stop()
    if len(redraw) < args.moves // 2:
        sys.exit(f"only {len(redraw)} of {args.moves} slider releases redrew the chart; see {log}")
    out = {"ready_s_median": round(statistics.median(v["ready"] for v in ready), 2),
           "ready_return_s_median": round(statistics.median(v["ready"] for v in back), 2),
           "redraw_ms_median": round(float(np.median(redraw)), 1),
           "redraw_ms_p90": round(float(np.percentile(redraw, 90)), 1),
           "switch_first_s": round(switched[0], 2) if switched else None,
           "switch_s_median": round(statistics.median(switched[1:]), 2) if len(switched) > 1 else None}
    each = lambda visits: ", ".join(f"{v['ready']:.2f}" for v in visits)   # noqa: E731
    print(f"page ready (navigation → first slider visible, preheated kernel), {len(ready)} first visits (nothing "
          f"cached): median {out['ready_s_median']} s ({each(ready)}; {phases(ready)}); return visits (scripts "
          f"cached): median {out['ready_return_s_median']} s ({each(back)}; {phases(back)}) (goal ≤ 3 s)")
    print(f"slider release → chart painted, {len(redraw)} moves: median {out['redraw_ms_median']} ms, "
          f"p90 {out['redraw_ms_p90']} ms (goal: median ≤ 300 ms)")
    if switched:
        print(f"language switch → page said again, {len(switched)} switches: first (English verdicts computed) "
              f"{out['switch_first_s']} s, then median {out['switch_s_median']} s "
              f"({', '.join(f'{t:.2f}' for t in switched)})")
    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
