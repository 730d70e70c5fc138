"""The paths chart: one panel per indicator, plan path, targets, fan, Chinese labels."""
from __future__ import annotations

import io
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from qzlib.scenarios import parse, plot_paths, run
from qzlib.scenarios.plot import PathsFigure
from test_scenarios_fixtures import plan_points


@pytest.fixture(scope="module")
def result():
    return run("stress", plan_points())


def test_panels_lines_targets_and_chinese_titles(result):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        fig = plot_paths(result, ["per_mu_value_added", "rd_intensity", "high_tech_mfg_share"])
        fig.savefig(io.BytesIO(), format="png")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    # titles wrapped to the panel's width (never cut with “…”)
    assert [ax.get_title().replace("\n", "") for ax in axes] == [
        "规上工业亩均增加值", "规上制造业企业研发费用占营业收入的比重", "高技术制造业增加值占规上工业增加值比重"]
    assert all("…" not in ax.get_title() for ax in axes)
    plan_line = _line(axes[0], "规划路径")
    assert np.allclose(plan_line.get_ydata()[[0, 3, 5]], [119, 160, 195])
    assert "无路径" in " ".join(t.get_text() for t in axes[2].texts)
    assert fig._suptitle.get_text() == "情景：压力情景"   # Chinese name only


def _line(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def test_the_plan_path_is_drawn_on_top_of_the_scenario_line_distinct_and_labelled(result):
    pf = PathsFigure(run("plan_path", plan_points()), ["per_mu_value_added"])
    ax = pf.axes["per_mu_value_added"]
    plan, scenario = _line(ax, "规划路径"), _line(ax, "情景路径")
    assert np.allclose(plan.get_ydata()[:6], scenario.get_ydata()[:6])       # they coincide in plan_path…
    assert plan.get_zorder() > scenario.get_zorder()                            # …and the plan stays visible
    assert plan.get_linestyle() != scenario.get_linestyle() and plan.get_color() != scenario.get_color()
    assert plan.get_linewidth() < scenario.get_linewidth()
    legend = [t.get_text() for t in pf.fig.legends[0].get_texts()]
    assert legend[:3] == ["情景路径", "规划路径", "规划目标"]


def test_long_titles_wrap_to_the_panel_and_figure_width(result):
    pf = PathsFigure(result, ["rd_intensity"], ncols=1, panel_size=(2.2, 2.0), title="情景：" + "很长" * 30)
    text = pf.fig._suptitle.get_text()
    assert text.replace("\n", "") == "情景：" + "很长" * 30 and text.count("\n") >= 2 and "…" not in text
    title = pf.axes["rd_intensity"].get_title()
    assert title.replace("\n", "") == "规上制造业企业研发费用占营业收入的比重" and "\n" in title
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(pf.fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width = pf.axes["rd_intensity"].title.get_window_extent(renderer).width
    assert width <= pf.fig.get_window_extent(renderer).width   # the wrapped title fits the figure


def test_update_moves_lines_without_new_figure(result):
    pf = PathsFigure(result, ["per_mu_value_added"])
    line = pf.lines["per_mu_value_added"]
    other = run(parse("name: t\ndescription: 测试\nauthor: t\nbase_year: 2022\nassumptions:\n"
                      "  per_mu_value_added: {growth: 0.1, rationale: r}\n", "t.yml"), result.prepared)
    pf.update(other)
    assert pf.lines["per_mu_value_added"] is line
    assert line.get_ydata()[3] == pytest.approx(119 * 1.1 ** 3)


def test_fan_drawn_where_a_trend_drives_the_path_in_both_charts(monkeypatch):
    import qzlib.forecast as forecast

    from qzlib.scenarios.explorer.chart import PathsChart

    path = pd.DataFrame({"mean": np.linspace(2.8, 3.5, 8)}, index=range(2023, 2031))
    for k, d in [("lo80", -0.1), ("hi80", 0.1), ("lo95", -0.2), ("hi95", 0.2)]:
        path[k] = path["mean"] + d
    monkeypatch.setattr(forecast, "fit", lambda s, h, m, **k: SimpleNamespace(status="ok", path=path, history=s),
                        raising=False)
    obs = pd.DataFrame({"indicator": ["rd_gdp_pct"] * 3, "region": ["浙江省"] * 3,
                        "year": [2021, 2022, 2023], "value": [2.94, 3.11, 3.20], "selected": True})
    r = run(parse("name: t\ndescription: 测试\nauthor: t\nbase_year: 2022\nassumptions:\n"
                  "  rd_intensity: {follow: trend, series: {indicator: rd_gdp_pct, region: 浙江省}, rationale: r}\n",
                  "t.yml"), plan_points(), obs)
    pf = PathsFigure(r, ["rd_intensity"])
    assert len(pf.fans["rd_intensity"]) == 2  # 95 % and 80 %
    pf.update(r)
    assert len(pf.fans["rd_intensity"]) == 2  # replaced, not piled up
    fan = PathsChart(r, ["rd_intensity"], "情景：测试").marks["rd_intensity"]["fan95"]   # the browser's chart
    assert fan.y.shape == (2, len(fan.x)) and len(fan.x) >= 7 and (fan.y[1] > fan.y[0]).all()


def test_english_notes_that_end_in_figures_are_wrapped_whole(processed_dir):
    """An English 'no path' note holds an en dash (2022–2025) and ends in Latin words: wrapped at
    its spaces, nothing lost (it once broke the chart of recent_pace without statistics)."""
    from qzlib import i18n
    from qzlib.scenarios import load
    from qzlib.scenarios.engine import Engine
    from qzlib.scenarios.prepared import plan_points as processed_points

    with i18n.using("en"):
        fig = PathsFigure(Engine(processed_points(processed_dir), None, region="衢州市", as_of=2024)
                          .run(load("recent_pace")), ["high_value_patents_per_10k"])
        note = fig.notes["high_value_patents_per_10k"].get_text()
    assert note.startswith("no path:") and " ".join(note.split("\n")) == " ".join(note.split())
    assert all(len(line) <= 32 for line in note.split("\n")) and "\n" in note
