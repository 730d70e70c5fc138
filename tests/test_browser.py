"""The explorer in a real browser (Playwright driving Chromium): the Voilà page a researcher
opens with `qz explore`, and notebook 05 in JupyterLab.

Chromium is Debian's package (`make setup` installs it, APT_PACKAGES), used through
``executable_path``; without it the tests fall back to a browser Playwright downloaded itself.
The page is served from temporary copies of the processed tables and the scenarios folder,
on 127.0.0.1 and a free port. The browser gets the project's CJK font through fontconfig,
so screenshots show Chinese on a machine with no Chinese font installed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from qzlib.paths import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}
SHOTS = os.environ.get("QZ_SCREENSHOTS")  # a folder: the tests also save screenshots there

pytestmark = pytest.mark.slow


def _fontconfig(folder: Path) -> Path:
    from qzlib.fonts import font_path

    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"<dir>{font_path().parent}</dir></fontconfig>", encoding="utf-8")
    return conf


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, tmp_path_factory):
    args = {**browser_type_launch_args,
            "env": {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path_factory.mktemp("fonts")))}}
    if DEBIAN_CHROMIUM.exists():
        args["executable_path"] = str(DEBIAN_CHROMIUM)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args["args"] = [*args.get("args", []), "--no-sandbox"]  # Chromium refuses root with its sandbox
    return args


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


# ----------------------------------------------------------------------------- Voilà page
@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    for p in SCENARIOS.glob("*.yml"):
        shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture(scope="module")
def app(processed_dir, scenarios, tmp_path_factory):
    from qzlib.scenarios.serve import start

    log = open(tmp_path_factory.mktemp("voila") / "voila.log", "wb")
    proc, url = start(processed_dir=processed_dir, scenarios_dir=scenarios, log=log)
    assert url.startswith("http://127.0.0.1:")
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


class Page:
    """The explorer page and what the browser said while it was open."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def loc(self, sel):
        return self.page.locator(sel).first

    def status(self) -> str:
        return self.loc(".qz-status").inner_text()

    def chart_src(self) -> str:
        return self.loc(".qz-chart").get_attribute("src") or ""

    def table(self) -> str:
        return self.loc(".qz-table").inner_text()

    def box(self, cls) -> str:
        return self.loc(f".{cls} input").input_value()

    def wait_change(self, read, before, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = read()
            if now != before:
                return now
            self.page.wait_for_timeout(100)
        raise AssertionError(f"nothing changed within {timeout} s (still {before[:80]!r})")

    def wait_text(self, read, needle, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in read():
                return read()
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{needle!r} did not appear within {timeout} s; have {read()[:200]!r}")

    def drag(self, cls, dx):
        handle = self.loc(f".{cls} .noUi-handle")
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + dx / 2, y, steps=4)
        self.page.mouse.move(x + dx, y, steps=4)
        self.page.mouse.up()

    def type_into(self, cls, text):
        field = self.loc(f".{cls} input")
        field.fill(text)
        field.press("Enter")


@pytest.fixture(scope="module")
def ui(app, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    p = Page(page)
    t0 = time.monotonic()
    page.goto(app)
    page.wait_for_selector(".qz-chart[src]", timeout=90_000)
    p.wait_text(p.table, "达成")
    p.load_seconds = time.monotonic() - t0
    yield p
    context.close()


def test_page_shows_no_code_and_fits_1366x768_with_controls_beside_chart(ui):
    page = ui.page
    _shot(page, "explorer_1366x768_before.png")
    assert page.locator(".jp-InputArea:visible, .jp-CodeMirrorEditor:visible").count() == 0
    assert page.get_by_text("Kernel", exact=True).count() == 0  # no kernel menu
    left, chart, table = (ui.loc(s).bounding_box() for s in (".qz-left", ".qz-chart", ".qz-table"))
    handle = ui.loc(".qz-ind-per_mu_value_added .noUi-handle").bounding_box()
    save = ui.loc(".qz-save").bounding_box()
    for name, b in {"controls": left, "chart": chart, "slider": handle, "save": save}.items():
        assert b["x"] >= 0 and b["y"] >= 0, name
        assert b["x"] + b["width"] <= VIEWPORT["width"] and b["y"] + b["height"] <= VIEWPORT["height"], (name, b)
    assert left["x"] + left["width"] <= chart["x"]  # side by side, not stacked
    assert chart["height"] > 350 and chart["width"] > 700
    assert table["y"] < VIEWPORT["height"] - 100 and table["x"] >= chart["x"] - 1  # the table starts on screen
    assert page.evaluate("document.documentElement.scrollHeight") <= VIEWPORT["height"] + 5


def _row(table, name, year):
    return next(line for line in table.splitlines() if line.startswith(name) and f"\t{year}\t" in f"\t{line}\t".replace(" ", "\t"))


def test_dragging_an_indicator_slider_redraws_chart_and_table(ui):
    ui.type_into("qz-ind-digital_core_va", "43.69")  # the plan's pace, whatever a test did before
    ui.wait_text(ui.status, "年均增长 43.69%")
    ui.page.wait_for_timeout(300)
    chart, table = ui.chart_src(), ui.table()
    ui.drag("qz-ind-digital_core_va", -60)
    after = float(ui.wait_change(lambda: ui.box("qz-ind-digital_core_va"), "43.69"))
    assert after < 43.69 - 5
    ui.wait_text(ui.status, f"年均增长 {after:.2f}%")
    assert ui.wait_change(ui.chart_src, chart) != chart
    row = _row(ui.wait_change(ui.table, table), "数字经济核心产业增加值", 2027)
    assert "未达成" in row  # 81.6 → 500 needs 43.7 %/年
    assert float(row.split()[4]) == pytest.approx(81.6 * (1 + after / 100) ** 5, rel=0.002)
    ui.page.locator(".qz-table tr", has_text="数字经济核心产业增加值").last.scroll_into_view_if_needed()
    _shot(ui.page, "explorer_1366x768_after_drag.png")


def _choose(ui, name):
    """Pick a scenario by its Chinese label, as a user does."""
    from qzlib.scenarios import load
    from qzlib.scenarios.explorer import scenario_title

    ui.page.locator(".qz-scenario select").select_option(label=f"{scenario_title(load(name))}（{name}）")


def test_switching_scenario_loads_its_settings(ui):
    _choose(ui, "stress")
    ui.wait_text(ui.status, "已切换到情景")
    assert ui.box("qz-comp-land") == "1.00"  # stress: land +1 %/年
    row = _row(ui.table(), "规上工业亩均增加值", 2025)
    assert float(row.split()[4]) == pytest.approx(119 * (1.05 / 1.01) ** 3, abs=0.01)
    assert "由分项推算" in ui.loc(".qz-ind-per_mu_value_added").inner_text()


def test_moving_a_component_in_plan_path_keeps_the_other_components_on_the_path(ui):
    _choose(ui, "plan_path")
    ui.wait_text(ui.status, "规划路径")
    assert ui.box("qz-comp-value_added") == "—" and "未设定" in ui.loc(".qz-comp-value_added").inner_text()
    ui.drag("qz-comp-land", 12)
    ui.wait_text(ui.status, "保持当前路径")
    land = float(ui.box("qz-comp-land")) / 100
    va = float(ui.box("qz-comp-value_added")) / 100
    assert land != 0
    assert va == pytest.approx((195 / 119 * (1 + land) ** 5) ** (1 / 5) - 1, abs=0.00006)
    rows = [line for line in ui.table().splitlines() if line.startswith(("规上工业亩均增加值", "规上工业亩均税收"))]
    assert len(rows) == 4 and all(line.split()[3] == line.split()[4] and "达成" in line for line in rows)


def test_saving_keeps_the_state_and_the_message(ui, scenarios):
    from qzlib.scenarios import load

    boxes = {c: ui.box(c) for c in ("qz-comp-land", "qz-comp-value_added", "qz-ind-rd_intensity")}
    chart = ui.chart_src()
    select = ui.page.locator(".qz-scenario select")
    chosen = select.evaluate("s => s.options[s.selectedIndex].text")
    ui.type_into("qz-name", "web_saved")
    ui.type_into("qz-title", "网页保存")
    ui.loc(".qz-save").click()
    ui.wait_text(ui.status, "已保存为情景“网页保存”")
    ui.page.wait_for_timeout(1500)  # the message stays
    assert "已保存为情景“网页保存”" in ui.status()
    assert select.evaluate("s => s.options[s.selectedIndex].text") == chosen == "规划路径情景（plan_path）"
    assert {c: ui.box(c) for c in boxes} == boxes and ui.chart_src() == chart
    assert "网页保存（web_saved）" in ui.page.locator(".qz-scenario select").inner_text()
    saved = load(scenarios / "web_saved.yml")  # the same YAML the batch runs
    assert saved.components["land"]["growth"] == pytest.approx(float(boxes["qz-comp-land"]) / 100, abs=5e-5)
    assert "index" in saved.components["value_added"]


def test_an_invalid_name_gets_a_chinese_message(ui, scenarios):
    ui.type_into("qz-name", "用地不变")
    ui.loc(".qz-save").click()
    ui.wait_text(ui.status, "文件名只能用小写英文字母")
    assert "用地不变" in ui.status()
    assert not list(scenarios.glob("用地*"))
    ui.type_into("qz-ind-rd_intensity", "80")
    ui.wait_text(ui.status, "超出范围，未采用")


def test_no_console_errors(ui):
    assert ui.errors == []


# ----------------------------------------------------------------------------- JupyterLab
@pytest.fixture(scope="module")
def lab(processed_dir, scenarios, tmp_path_factory):
    """JupyterLab on a copy of notebook 05 whose parameters point at temporary folders."""
    from qzlib.scenarios.serve import free_port

    work = tmp_path_factory.mktemp("lab")
    nb = nbformat.read(ROOT / "notebooks" / "05_scenario_explorer.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += (f"\nprocessed_dir = {str(processed_dir)!r}\noutput_dir = {str(work / 'out')!r}"
                    f"\nscenarios_dir = {str(scenarios)!r}\n")
    nbformat.write(nb, work / "05.ipynb")
    port, token = free_port(), "qz-browser-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / "config"), "JUPYTERLAB_WORKSPACES_DIR": str(work / "ws")}
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
                             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={work}", "--LabApp.news_url=",
                             "--ServerApp.port_retries=0", "--LabApp.extension_manager=readonly",
                             *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
                            env=env, cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.terminate()
                raise RuntimeError("JupyterLab did not start")
            time.sleep(0.5)
    yield f"{url}/lab/tree/05.ipynb?token={token}"
    proc.terminate()
    proc.wait(timeout=20)


def test_notebook_05_in_jupyterlab_runs_and_its_sliders_redraw(lab, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    p = Page(page)
    page.goto(lab)
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.get_by_text(re.compile(r"Python 3 \(415X Monitor\) \| Idle")).wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_selector(".qz-chart[src]", state="attached", timeout=90_000)
    page.locator(".qz-explorer").first.scroll_into_view_if_needed()
    chart = p.chart_src()
    p.type_into("qz-ind-per_mu_value_added", "5")
    p.wait_change(p.chart_src, chart)
    row = _row(p.table(), "规上工业亩均增加值", 2027)
    assert "未达成" in row and float(row.split()[4]) == pytest.approx(119 * 1.05 ** 5, abs=0.01)
    # the whole notebook ran to its last cell without an error
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
    context.close()
