"""The explorer in a real browser (Playwright driving Chromium): the page `qz explore` serves to
colleagues — its use, its limits and its behaviour under abuse — and notebook 05 in JupyterLab.

Chromium is Debian's package (`make setup` installs it, APT_PACKAGES), used through
``executable_path``; without it the tests fall back to a browser Playwright downloaded itself.
Pages are served by `qz explore` processes (one per module fixture) from temporary copies of the
processed tables and the scenarios folder, on free ports. The page brings its own CJK web font;
the browser also gets the project's font through fontconfig so that JupyterLab's screenshots read,
and one test runs a browser with no CJK font at all. ``QZ_SCREENSHOTS=folder`` saves screenshots.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest

from qzlib.paths import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}
SHOTS = os.environ.get("QZ_SCREENSHOTS")  # a folder: the tests also save screenshots there
LONG_LEAD = "很长的情景名称" * 12            # a scenario file whose Chinese name is 84 characters

pytestmark = pytest.mark.slow


def _fontconfig(folder: Path, cjk: bool) -> Path:
    from qzlib.fonts import font_path

    extra = f"<dir>{font_path().parent}</dir>" if cjk else ""
    system = ("<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>" if cjk else
              "<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>" + str(folder / "cache") + "</cachedir>")
    conf = folder / ("fonts.conf" if cjk else "fonts-no-cjk.conf")
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{system}{extra}'
                    "</fontconfig>", encoding="utf-8")
    return conf


def _launch_args(base: dict, conf: Path) -> dict:
    args = {**base, "env": {**os.environ, "FONTCONFIG_FILE": str(conf)}}
    if DEBIAN_CHROMIUM.exists():
        args["executable_path"] = str(DEBIAN_CHROMIUM)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args["args"] = [*args.get("args", []), "--no-sandbox"]  # Chromium refuses root with its sandbox
    return args


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, tmp_path_factory):
    return _launch_args(browser_type_launch_args, _fontconfig(tmp_path_factory.mktemp("fonts"), cjk=True))


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


def _port_free(port: int) -> bool:
    """Nothing listens on ``port`` and a new server could bind it (as servers do, SO_REUSEADDR)."""
    if any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in psutil.net_connections("tcp")):
        return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


# ----------------------------------------------------------------------------- the page, loopback
@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    for p in SCENARIOS.glob("*.yml"):
        shutil.copy(p, folder / p.name)
    stress = (SCENARIOS / "stress.yml").read_text(encoding="utf-8")
    (folder / "zz_long.yml").write_text(stress.replace("name: stress", "name: zz_long")
                                        .replace("  压力情景：", f"  {LONG_LEAD}："), encoding="utf-8")
    return folder


IDLE = 8    # seconds, for the server on the network address; it tends its kernels every IDLE // 4 seconds


@pytest.fixture(scope="module")
def servers(processed_dir, scenarios, tmp_path_factory):
    """Both `qz explore` servers of this module, started together so that their kernels warm up at
    once: the page on 127.0.0.1 (default limits) and one on 0.0.0.0 with one kernel, culled fast
    (`--host 0.0.0.0 --max-kernels 1 --idle-timeout 8`)."""
    from qzlib.scenarios.serve import start

    logs = tmp_path_factory.mktemp("explore")
    both = {"loopback": start(processed_dir=processed_dir, scenarios_dir=scenarios, log=logs / "loopback.log"),
            "network": start(host="0.0.0.0", processed_dir=processed_dir, scenarios_dir=scenarios,
                             log=logs / "network.log", args=("--max-kernels=1", f"--idle-timeout={IDLE}"))}
    yield both
    for s in both.values():
        s.stop()


@pytest.fixture(scope="module")
def served(servers):
    s = servers["loopback"]
    assert s.url.startswith("http://127.0.0.1:") and "token" not in s.url   # loopback: no token
    s.wait_ready()
    yield s
    assert s.stop() == 0


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

    def panel(self, code) -> str:
        """The SVG of a chart panel's marks (the lines move when a slider does)."""
        return self.page.locator(f".qz-panel-{code} svg").evaluate_all("svgs => svgs.map(s => s.innerHTML).join('')")

    def table(self) -> str:
        return self.loc(".qz-table").inner_text()

    def box(self, cls) -> str:
        return self.loc(f".{cls} input").input_value()

    def config(self) -> dict:
        return json.loads(self.page.locator("#jupyter-config-data").text_content())

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


def _open(browser, url) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    p = Page(context.new_page())
    p.page.goto(url)
    p.page.wait_for_selector(".qz-ind-per_mu_value_added .noUi-handle", state="visible", timeout=90_000)
    p.wait_text(p.table, "达成")
    return p


@pytest.fixture(scope="module")
def ui(served, browser):
    p = _open(browser, served.url)
    yield p
    p.page.context.close()


def test_page_shows_no_code_and_fits_1366x768_with_controls_beside_chart(ui):
    page = ui.page
    _shot(page, "explorer_1366x768_before.png")
    assert page.locator(".jp-InputArea:visible, .jp-CodeMirrorEditor:visible").count() == 0
    assert page.get_by_text("Kernel", exact=True).count() == 0  # no kernel menu
    left, chart, table = (ui.loc(s).bounding_box() for s in (".qz-left", ".qz-chart", ".qz-table"))
    handle = ui.loc(".qz-ind-per_mu_value_added .noUi-handle").bounding_box()
    controls = {"controls": left, "chart": chart, "slider": handle, "save": ui.loc(".qz-save").bounding_box(),
                "reset": ui.loc(".qz-reset").bounding_box(), "name": ui.loc(".qz-name").bounding_box()}
    for name, b in controls.items():
        assert b["x"] >= 0 and b["y"] >= 0, name
        assert b["x"] + b["width"] <= VIEWPORT["width"] and b["y"] + b["height"] <= VIEWPORT["height"], (name, b)
    assert left["x"] + left["width"] <= chart["x"]  # side by side, not stacked
    assert chart["height"] > 380 and chart["width"] > 800
    panels = [ui.loc(f".qz-panel-{c}").bounding_box() for c in ("per_mu_value_added", "rd_intensity", "digital_core_va")]
    assert len({round(b["y"]) for b in panels}) == 2 and all(b["width"] > 250 for b in panels)  # 3 × 2 panels
    assert table["y"] < VIEWPORT["height"] - 100 and table["x"] >= chart["x"] - 1  # the table starts on screen
    assert page.evaluate("document.documentElement.scrollHeight") <= VIEWPORT["height"] + 5


def _row(table, name, year):
    return next(line for line in table.splitlines() if line.startswith(name) and f"\t{year}\t" in f"\t{line}\t".replace(" ", "\t"))


def test_dragging_an_indicator_slider_redraws_chart_and_table(ui):
    ui.type_into("qz-ind-digital_core_va", "43.69")  # the plan's pace, whatever a test did before
    ui.wait_text(ui.status, "年均增长 43.69%")
    ui.page.wait_for_timeout(300)
    chart, table = ui.panel("digital_core_va"), ui.table()
    ui.drag("qz-ind-digital_core_va", -60)
    after = float(ui.wait_change(lambda: ui.box("qz-ind-digital_core_va"), "43.69"))
    assert after < 43.69 - 5
    ui.wait_text(ui.status, f"年均增长 {after:.2f}%")
    assert ui.wait_change(lambda: ui.panel("digital_core_va"), chart) != chart
    row = _row(ui.wait_change(ui.table, table), "数字经济核心产业增加值", 2027)
    assert "未达成" in row  # 81.6 → 500 needs 43.7 %/年
    assert float(row.split()[4]) == pytest.approx(81.6 * (1 + after / 100) ** 5, rel=0.002)
    assert "情景：规划路径情景（已调整）" in ui.loc(".qz-chart-title").inner_text()
    _shot(ui.page, "explorer_1366x768_after_drag.png")


def _choose(ui, label):
    """Pick a scenario by its Chinese name, as a user does (from another one, so that it loads
    afresh and says so whatever a test before left selected)."""
    select = ui.page.locator(".qz-scenario select")
    if select.evaluate("s => s.options[s.selectedIndex].text") == label:
        other = next(t for t in select.evaluate("s => [...s.options].map(o => o.text)") if t != label)
        select.select_option(label=other)
        ui.wait_text(ui.status, f"已切换到情景“{other}”")
    select.select_option(label=label)


def test_switching_scenario_loads_its_settings(ui):
    _choose(ui, "压力情景")
    ui.wait_text(ui.status, "已切换到情景“压力情景”")
    assert ui.box("qz-comp-land") == "1.00"  # stress: land +1 %/年
    row = _row(ui.table(), "规上工业亩均增加值", 2025)
    assert float(row.split()[4]) == pytest.approx(119 * (1.05 / 1.01) ** 3, abs=0.01)
    assert "由分项推算" in ui.loc(".qz-ind-per_mu_value_added").inner_text()


def test_moving_a_component_in_plan_path_keeps_the_other_components_on_the_path(ui):
    _choose(ui, "规划路径情景")
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


def _save(ui, name):
    ui.type_into("qz-name", name)
    ui.loc(".qz-save").click()


def test_saving_keeps_the_state_and_the_message(ui, scenarios):
    from qzlib.scenarios import load

    _choose(ui, "规划路径情景")
    ui.wait_text(ui.status, "已切换到情景“规划路径情景”")
    if ui.box("qz-comp-land") in ("—", "0.00"):
        ui.type_into("qz-comp-land", "0.5")
        ui.wait_text(ui.status, "保持当前路径")
    boxes = {c: ui.box(c) for c in ("qz-comp-land", "qz-comp-value_added", "qz-ind-rd_intensity")}
    chart = ui.panel("per_mu_tax")
    select = ui.page.locator(".qz-scenario select")
    chosen = select.evaluate("s => s.options[s.selectedIndex].text")
    _save(ui, "网页保存")
    ui.wait_text(ui.status, "已保存为情景“网页保存”")
    ui.page.wait_for_timeout(1500)  # the message stays
    assert "已保存为情景“网页保存”" in ui.status()
    assert select.evaluate("s => s.options[s.selectedIndex].text") == chosen == "规划路径情景"
    assert {c: ui.box(c) for c in boxes} == boxes and ui.panel("per_mu_tax") == chart
    assert "网页保存" in select.evaluate("s => [...s.options].map(o => o.text)")
    saved = load(scenarios / "网页保存.yml")  # the same YAML the batch runs
    assert saved.components["land"]["growth"] == pytest.approx(float(boxes["qz-comp-land"]) / 100, abs=5e-5)
    assert "index" in saved.components["value_added"]


def test_save_names_long_shipped_and_existing(ui, scenarios):
    if not (scenarios / "网页保存.yml").exists():                     # saved by the test above, or here
        _save(ui, "网页保存")
        ui.wait_text(ui.status, "已保存为情景“网页保存”")
    before = sorted(p.name for p in scenarios.iterdir())
    _save(ui, "长" * 250)                                             # used to raise OSError [Errno 36]
    ui.wait_text(ui.status, "名称最多 40 个字符")
    _save(ui, "../上一级")
    ui.wait_text(ui.status, "名称中不能有“.”“/”")
    for shipped in ("stress", "压力情景"):
        _save(ui, shipped)
        ui.wait_text(ui.status, f"“{shipped}”是项目自带的情景，不能覆盖")
    assert sorted(p.name for p in scenarios.iterdir()) == before
    _save(ui, "网页保存")
    ui.wait_text(ui.status, "再点一次“确认覆盖”")
    assert ui.loc(".qz-save").inner_text() == "确认覆盖"
    ui.loc(".qz-save").click()
    ui.wait_text(ui.status, "已保存为情景“网页保存”")
    assert ui.loc(".qz-save").inner_text() == "另存为情景"
    assert sorted(p.name for p in scenarios.iterdir()) == before


def test_a_long_scenario_name_is_cut_in_the_list_shown_whole_on_hover_and_moves_nothing(ui):
    _choose(ui, LONG_LEAD)
    ui.wait_text(ui.status, "已切换到情景")
    select = ui.loc(".qz-scenario select")
    sizes = select.evaluate("s => [s.scrollWidth, s.clientWidth, getComputedStyle(s).textOverflow]")
    assert sizes[2] == "ellipsis" and select.bounding_box()["x"] + select.bounding_box()["width"] < 440
    ui.wait_text(lambda: select.get_attribute("title") or "", LONG_LEAD)
    assert select.get_attribute("title") == LONG_LEAD   # the full name on hover
    for sel in (".qz-reset", ".qz-save", ".qz-name", ".qz-ind-per_mu_value_added .noUi-handle"):
        b = ui.loc(sel).bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= VIEWPORT["width"] and b["y"] + b["height"] <= VIEWPORT["height"]
    assert ui.loc(".qz-reset").bounding_box()["x"] < 440
    _shot(ui.page, "explorer_long_name.png")
    _choose(ui, "规划路径情景")
    ui.wait_text(ui.status, "已切换到情景“规划路径情景”")


CODE_NAMES = re.compile(r"\b[a-z]+_[a-z_0-9]+\b|plan_path|recent_pace|stress|combo|unofficial|\bnan\b|None|zz_long")


def test_readers_see_no_code_names(ui):
    texts = []
    for label in ("近期速度情景", "压力情景", "规划路径情景"):
        _choose(ui, label)
        ui.wait_text(ui.status, f"已切换到情景“{label}”")
        texts.append(ui.page.locator("body").inner_text())
    texts.append(" ".join(ui.page.locator(".qz-scenario option").all_inner_texts()))
    found = {m for t in texts for m in CODE_NAMES.findall(t)}
    assert found == set(), found
    assert not re.search(r"\d\.\d+ 家|\d\.\d+ 个", " ".join(texts))   # counts are whole numbers


CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _language(ui, name: str, says: str) -> str:
    """Press the page's language switch; the page's text once its message (said last) says ``says``."""
    ui.page.locator(".qz-lang button", has_text=re.compile(f"^{name}$")).click()
    ui.wait_text(ui.status, says, timeout=30)
    ui.page.wait_for_timeout(300)
    return ui.page.locator("body").inner_text().replace("\xa0", " ")


def test_the_language_switch_says_the_whole_page_in_english_and_back(ui):
    _choose(ui, "规划路径情景")
    ui.loc(".qz-reset").click()
    ui.wait_text(ui.status, "已恢复情景“规划路径情景”的原始设定")
    zh = ui.page.locator("body").inner_text().replace("\xa0", " ")
    assert "当前判断" in zh and "情景下是否达成" in zh and "English" in zh
    en = _language(ui, "English", 'Restored the original settings of the scenario "Plan path"')
    options = [o.replace("\xa0", " ") for o in ui.page.locator(".qz-scenario option").all_inner_texts()]
    assert {"Plan path", "Recent pace", "Stress"} <= set(options)   # the list writes spaces as no-break spaces
    saved = [o for o in options if CJK.search(o)]              # names colleagues saved: proper names
    shown = en
    for name in (*saved, "中文"):                               # and the switch naming Chinese in Chinese
        shown = shown.replace(name, "")
    assert not CJK.search(shown), sorted(set(CJK.findall(shown)))
    for words in ("Quzhou", "Scenario: Plan path", "scenario path", "Reset", "Save as scenario", "Met in the scenario",
                  "Current verdict", "Value added per mu of above-scale industry", "not assessed"):
        assert words in en, words
    _shot(ui.page, "explorer_english.png")
    assert _language(ui, "中文", "已恢复情景“规划路径情景”的原始设定") == zh


def _platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium drew a node's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})
    node = cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_the_page_draws_chinese_with_its_own_web_font(ui):
    assert ui.page.evaluate("document.fonts.check('12px \"QZ WenQuanYi\"', '规划')")
    assert "QZ WenQuanYi:loaded" in ui.page.evaluate("[...document.fonts].map(f => f.family.replaceAll('\"', '') + ':' + f.status)")
    fonts = _platform_fonts(ui.page, ".qz-panel-title")
    assert fonts and all(f["isCustomFont"] and f["familyName"] == "WenQuanYi Micro Hei" for f in fonts), fonts


def test_chinese_renders_without_any_system_cjk_font(served, playwright, browser_type_launch_args, tmp_path):
    conf = _fontconfig(tmp_path, cjk=False)
    browser = playwright.chromium.launch(**_launch_args({}, conf))
    try:
        p = _open(browser, served.url)
        for selector in (".qz-panel-title", ".qz-att td", ".qz-status div"):
            fonts = _platform_fonts(p.page, selector)
            assert fonts and all(f["isCustomFont"] for f in fonts), (selector, fonts)   # no fallback glyphs
        _shot(p.page, "explorer_no_system_cjk_font.png")
        model = f"{served.root}api/kernels/{p.config()['kernelId']}"
        assert p.page.context.request.get(model).status == 200
        p.page.close(run_before_unload=True)                     # closing the page stops its kernel at once
        _until(lambda: p.page.context.request.get(model).status == 404, timeout=10)
    finally:
        browser.close()


# ----------------------------------------------------------------------------- abuse
def _channels(url: str, kernel_id: str) -> str:
    return url.replace("http://", "ws://").split("?")[0] + f"api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}"


def _msg(msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "t", "session": "t", "date": "",
              "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content,
                       "channel": channel})


def _visit(url: str) -> tuple[str, str]:
    """A page fetched by a script, as an abuser would: (its kernel id, its cookies)."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    html = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)).open(url, timeout=60).read().decode()
    kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)
    return kernel, "; ".join(f"{c.name}={c.value}" for c in jar)


async def _connect(url: str, cookie: str = ""):
    """A websocket opened by a script (no subprotocol: Jupyter's legacy framing); a refusal because
    the previous socket of the same kernel is still closing is retried for two seconds."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    deadline = time.monotonic() + 2
    while True:
        try:
            return await websocket_connect(HTTPRequest(url, headers={"Cookie": cookie} if cookie else {}))
        except HTTPClientError as exc:
            if exc.code != 409 or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


def _run(coro):
    """Run a coroutine on its own loop in another thread (Playwright's sync API holds this one's loop)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _refused(url: str, cookie: str = "") -> int:
    from tornado.httpclient import HTTPClientError

    async def go():
        try:
            ws = await _connect(url, cookie)
        except HTTPClientError as exc:
            return exc.code
        ws.close()
        return 101
    return _run(go())


class Watchdog(threading.Thread):
    """Samples a process's memory every 50 ms; ``peak`` is the largest RSS seen (bytes)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process, self.peak, self.running = psutil.Process(pid), 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.05)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.join()


def test_another_browser_cannot_reach_a_pages_kernel(ui, served):
    victim = ui.config()["kernelId"]
    _, cookie = _visit(served.url)                          # an abuser with a page of its own
    assert _refused(_channels(served.url, victim)) == 403
    assert _refused(_channels(served.url, victim), cookie) == 403
    for method, path in (("POST", f"voila/api/shutdown/{victim}"), ("DELETE", f"api/kernels/{victim}"),
                         ("GET", f"api/kernels/{victim}")):
        req = urllib.request.Request(served.root + path, method=method, headers={"Cookie": cookie},
                                     data=b"" if method == "POST" else None)
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=10)
        assert exc.value.code == 403, path
    before = ui.panel("rd_intensity")
    ui.type_into("qz-ind-rd_intensity", "0.3")              # the victim's page still answers
    ui.wait_change(lambda: ui.panel("rd_intensity"), before)


def test_a_second_websocket_to_ones_own_kernel_is_refused(ui):
    opened = ui.page.evaluate("""url => new Promise(done => {
        const ws = new WebSocket(url);
        ws.onopen = () => { ws.close(); done('opened'); };
        ws.onerror = () => done('refused');
        setTimeout(() => done('timeout'), 10000);
    })""", _channels(ui.page.url, ui.config()["kernelId"]))
    assert opened == "refused"
    before = ui.panel("rd_intensity")
    ui.type_into("qz-ind-rd_intensity", "0.4")               # the page's own connection is untouched
    ui.wait_change(lambda: ui.panel("rd_intensity"), before)


def _data_ceiling(pid: int, wait: float = 5.0) -> int | None:
    """A kernel's RLIMIT_DATA; None if the process is gone. A kernel the pool is starting at this
    moment gets its ceiling as soon as its start returns (before any page's code runs in it), so
    an unlimited one is asked again for a few seconds."""
    import resource

    deadline = time.monotonic() + wait
    while True:
        try:
            limit = resource.prlimit(pid, resource.RLIMIT_DATA)[0]
        except ProcessLookupError:
            return None
        if limit != resource.RLIM_INFINITY or time.monotonic() > deadline:
            return limit
        time.sleep(0.1)


def test_abuse_with_a_memory_watchdog(ui, served):
    """The Voilà 0.5.13 case: a socket opened without the v1 protocol receiving chart updates
    (binary frames), then frames a kernel channel cannot parse, an oversized frame and a flood."""
    kernel, cookie = _visit(served.url)
    url = _channels(served.url, kernel)
    server = psutil.Process(served.proc.pid)
    start_rss = server.memory_info().rss

    async def abuse() -> dict:
        seen = {"binary": 0, "closed": []}
        ws = await _connect(url, cookie)                     # legacy protocol: no subprotocol asked
        comm = uuid.uuid4().hex
        await ws.write_message(_msg("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                                   "data": {}}, metadata={"version": "1.0.0"}))
        await ws.write_message(_msg("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not seen["binary"]:
            frame = await asyncio.wait_for(ws.read_message(), 30)
            seen["binary"] += isinstance(frame, bytes)        # every widget's state, with binary arrays
        ws.close()
        for bad in (b"\xff" * 64,                                  # every other kind: tests/test_serve.py
                    _msg("execute_request", {"code": "import os; os._exit(1)"}),
                    "x" * (300 * 1024)):
            ws = await _connect(url, cookie)
            await ws.write_message(bad, binary=isinstance(bad, bytes))
            while await asyncio.wait_for(ws.read_message(), 20) is not None:
                pass
            seen["closed"].append(ws.close_code)
        ws = await _connect(url, cookie)
        try:
            for _ in range(400):
                await ws.write_message(_msg("comm_info_request", {"target_name": "jupyter.widget"}))
                await asyncio.sleep(0)
        except Exception:   # closed under us: that is the point
            pass
        while await asyncio.wait_for(ws.read_message(), 20) is not None:
            pass
        seen["closed"].append(ws.close_code)
        return seen

    with Watchdog(served.proc.pid) as dog:
        seen = _run(abuse())
        t0 = time.monotonic()
        assert served.status()["kernels"] >= 2               # the server answers at once
        assert time.monotonic() - t0 < 2
    assert seen["binary"] >= 1
    assert seen["closed"][:3] == [1003, 1003, 1009], seen["closed"]
    # the flood is closed with 1008; on a loaded machine the client may be cut off mid-write
    # before it reads the close frame, so the server's own word is the evidence then
    assert seen["closed"][3] == 1008 or "messages a second; closing its websocket" in \
        served.log.read_text(encoding="utf-8", errors="replace"), seen["closed"]
    assert dog.peak - start_rss < 150 * 1024 * 1024, (start_rss, dog.peak)
    for child in server.children(recursive=True):             # every kernel has a memory ceiling
        with contextlib.suppress(psutil.NoSuchProcess):       # a kernel culled meanwhile has none to check
            if "ipykernel" in " ".join(child.cmdline()):
                assert _data_ceiling(child.pid) in (1536 * 1024 * 1024, None)
    before = ui.panel("rd_intensity")
    ui.type_into("qz-ind-rd_intensity", "0.5")               # other visitors' pages keep answering
    ui.wait_change(lambda: ui.panel("rd_intensity"), before, timeout=5)


def test_no_console_errors(ui):
    assert [e for e in ui.errors if "WebSocket connection" not in e] == []   # the refused second socket


# ----------------------------------------------------------------------------- on the network, bounded
@pytest.fixture(scope="module")
def network(servers):
    s = servers["network"]
    s.wait_ready()
    return s


def _kernel_pids(served) -> set[int]:
    return {c.pid for c in psutil.Process(served.proc.pid).children(recursive=True)
            if "ipykernel" in " ".join(c.cmdline())}


def _until(what, timeout: float, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s")


def _gone(pids: set[int]) -> bool:
    return not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in pids)


def test_a_network_address_needs_the_token_and_the_printed_address_works(network, browser):
    host = re.match(r"http://([^:/]+):", network.url).group(1)
    assert host not in ("0.0.0.0", "127.0.0.1", "localhost") and len(network.token) >= 20
    assert "可从网络访问" in network.log.read_text(encoding="utf-8")           # the warning
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(network.root, timeout=10)
    assert exc.value.code == 403 and "需要访问令牌" in exc.value.read().decode()
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(network.root + "?lang=en", timeout=10)
    assert exc.value.code == 403 and "Access token needed" in exc.value.read().decode()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(network.root + "?token=wrong", timeout=10)
    assert network.status()["kernels"] == 1                  # no kernel was given away
    p = _open(browser, network.url)                            # the address as printed, with its token
    assert p.page.url.startswith(network.root)
    network.first_page = p


def test_beyond_the_kernel_limit_a_chinese_full_page_until_the_idle_page_is_culled(network, browser):
    p = network.first_page                                     # holds the one kernel
    kernels = _kernel_pids(network)
    assert len(kernels) == 1 and network.status()["connected"] == 1
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    response = page.goto(network.url)
    assert response.status == 503 and "情景探索器已满" in page.locator("body").inner_text()
    assert "同时打开的页面已达上限（1 个）" in page.locator("body").inner_text()
    _shot(page, "explorer_full.png")
    context.close()
    p.type_into("qz-ind-per_mu_tax", "3")
    p.wait_text(p.status, "年均增长 3.00%")                    # the page's last activity; then it stays idle
    t0 = time.monotonic()
    _until(lambda: _gone(kernels), timeout=IDLE + 15)
    assert time.monotonic() - t0 < IDLE + 2 * (IDLE // 4) + 3  # idle timeout + two culling rounds + slack
    notice = p.page.locator("#qz-stopped")
    notice.wait_for(state="visible", timeout=10_000)           # the page says its computation stopped
    assert "计算已经停止" in notice.inner_text() and "刷新页面" in notice.inner_text()
    _shot(p.page, "explorer_idle_stopped.png")
    p.page.close()


def test_a_request_that_never_opens_the_page_does_not_keep_a_kernel(network):
    network.wait_ready(timeout=60)
    urllib.request.urlopen(network.url, timeout=60).read()   # a link preview, curl, a health check
    kernels = _kernel_pids(network)
    assert len(kernels) == 1 and not network.status()["pool_ready"]
    t0 = time.monotonic()
    _until(lambda: _gone(kernels), timeout=IDLE + 15)
    assert time.monotonic() - t0 < IDLE + 4                    # the page's time to connect, one tending round


def test_stopping_stops_every_kernel_and_frees_the_port(network):
    network.wait_ready()                                       # a warm kernel, none half started
    port = int(re.search(r":(\d+)/", network.url).group(1))
    server = psutil.Process(network.proc.pid)
    kernels = [c for c in server.children(recursive=True)]
    folder = Path(re.search(r"Storing connection files in (\S+?)\.?$", network.log.read_text(encoding="utf-8"),
                            re.M).group(1))
    assert kernels and folder.is_dir()
    assert network.stop() == 0
    gone, alive = psutil.wait_procs(kernels, timeout=10)
    assert alive == [], alive
    assert _port_free(port) and not folder.exists()            # nothing left behind


# ----------------------------------------------------------------------------- JupyterLab
@pytest.fixture(scope="session")
def stopped_by_the_end():
    """Servers told to stop, waited for when the session ends: JupyterLab takes seconds to stop
    its kernels, and the tests go on meanwhile. One still running then is killed and named."""
    stopping: list[subprocess.Popen] = []
    yield stopping
    hung = []
    for proc in stopping:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            hung.append(proc.args)
    assert hung == [], f"did not stop within 20 s of the end: {hung}"


@pytest.fixture(scope="module")
def lab(processed_dir, scenarios, tmp_path_factory, stopped_by_the_end):
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
    stopped_by_the_end.append(proc)


def test_notebook_05_in_jupyterlab_runs_fits_its_width_and_its_sliders_redraw(lab, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    p = Page(page)
    page.goto(lab)
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.get_by_text(re.compile(r"Python 3 \(415X Monitor\) \| Idle")).wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_selector(".qz-panel-per_mu_value_added svg", state="attached", timeout=90_000)
    page.locator(".qz-explorer").first.scroll_into_view_if_needed()
    p.wait_text(p.table, "达成")
    chart = p.panel("per_mu_value_added")
    p.type_into("qz-ind-per_mu_value_added", "5")
    p.wait_change(lambda: p.panel("per_mu_value_added"), chart)
    p.wait_text(lambda: _row(p.table(), "规上工业亩均增加值", 2027), "未达成")   # the table follows the chart
    row = _row(p.table(), "规上工业亩均增加值", 2027)
    assert "未达成" in row and float(row.split()[4]) == pytest.approx(119 * 1.05 ** 5, abs=0.01)
    # the whole notebook ran to its last cell without an error
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
    # the dashboard, its chart and its table fit the width JupyterLab gives an output
    area = p.loc(".qz-explorer").evaluate("e => e.closest('.jp-OutputArea-output').getBoundingClientRect().right")
    page.locator(".qz-explorer").first.scroll_into_view_if_needed()
    _shot(page, "notebook05_jupyterlab.png")
    for sel in (".qz-right", ".qz-chart", ".qz-table"):
        b = p.loc(sel).bounding_box()
        assert b["x"] + b["width"] <= area + 1, sel
    assert p.loc(".qz-table").evaluate("e => e.parentElement.scrollWidth <= e.parentElement.clientWidth + 1")
    page.locator(".qz-explorer").first.scroll_into_view_if_needed()
    _shot(page, "notebook05_jupyterlab.png")
    context.close()
