"""Charts drawn beside the kernel (qzlib.office.painter): the same picture as drawn in the kernel,
failures named, and a brief that leaves a placeholder refused."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from qzlib.fonts import use_cjk  # noqa: E402
from qzlib.office import charts, painter  # noqa: E402
import toy_brief  # noqa: E402


def chinese_figure():
    use_cjk()
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    ax.plot([2022, 2025, 2027], [119, 160, 195], marker="o")
    ax.set_title("规上工业亩均增加值（万元/亩）")
    fig.set_label("二_亩均增加值")
    return fig


class Unreadable(matplotlib.artist.Artist):
    """An artist the helper cannot unpickle: its class lives in this test module only."""


def test_the_helper_draws_the_picture_the_kernel_would_and_saves_it(tmp_path):
    fig = chinese_figure()
    here = charts.png(fig, min_dpi=150)
    p = painter.Painter()
    try:
        assert p.send(fig, "二_亩均增加值.png", "d1", 150, "", tmp_path)
        assert p.busy                       # still starting or drawing: the kernel would draw the next
        assert p.send(fig, "二_亩均增加值_测试.png", "d2", 150, "本简报使用了标为“测试”的数据", tmp_path)
        done = list(p.drain())
        assert not p.busy
    finally:
        p.close()
        plt.close(fig)
    assert [job.display_id for job, _ in done] == ["d1", "d2"]
    assert done[0][1] == here == done[1][1]                      # the brief shows the chart itself …
    assert (tmp_path / "charts" / "二_亩均增加值.png").read_bytes() == here
    warned = (tmp_path / "charts" / "二_亩均增加值_测试.png").read_bytes()
    assert warned != here and b"Description" in warned            # … its file carries the warning
    assert not p.folder.exists()                                   # job files removed


def test_a_figure_that_cannot_travel_is_left_to_the_kernel(tmp_path):
    fig = chinese_figure()
    fig.axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    p = painter.Painter()
    try:
        assert p.send(fig, "x.png", "d", 150, "", tmp_path) is False
        assert p.jobs == []
    finally:
        p.close()
        plt.close(fig)


def test_a_helper_whose_kernel_stops_mid_brief_leaves_nothing_behind(tmp_path):
    fig = chinese_figure()
    p = painter.Painter()
    try:
        assert p.send(fig, "x.png", "d", 150, "", tmp_path)
        p.proc.stdin.close()                 # as when the kernel is killed before charts_done
        assert p.proc.wait(timeout=60) == 0
        assert not p.folder.exists()         # its job files and pictures went with it
        assert (tmp_path / "charts" / "x.png").is_file()
    finally:
        p.log.close()
        plt.close(fig)


def test_a_chart_the_helper_cannot_draw_is_named(tmp_path):
    fig = chinese_figure()
    fig.axes[0].add_artist(Unreadable())
    p = painter.Painter()
    try:
        assert p.send(fig, "五_情景路径.png", "d", 150, "", tmp_path)
        with pytest.raises(RuntimeError, match=r"五_情景路径\.png.*(ModuleNotFoundError|tests)"):
            list(p.drain())
    finally:
        p.close()
        plt.close(fig)


CHART = ('import matplotlib.pyplot as plt\n'
         'from qzlib.report import sections as S\n'
         'ctx = S.load_context(year=year, scenario=scenario, processed_dir=processed_dir, output_dir=output_dir,\n'
         '                     scenarios_dir=scenarios_dir)\n'
         'fig, ax = plt.subplots(layout="constrained")\n'
         'ax.plot([2022, 2027], [2.7, 3.4]); ax.set_title("研发投入强度"); fig.set_label("二_研发")\n'
         'S.show(fig)')


@pytest.fixture
def beside(monkeypatch):
    monkeypatch.delenv(painter.ENV)      # as `qz brief` runs (the suite turns the helper off)


def _toy(tmp_path, processed_dir, cells):
    from qzlib.report.runner import BriefRequest

    kw = toy_brief.make(tmp_path, cells)
    kw["processed_dir"] = processed_dir
    return BriefRequest(year=2025, scenario="a", **kw)


def test_a_brief_puts_the_charts_drawn_beside_in_their_places(tmp_path, processed_dir, beside):
    from qzlib.report.runner import run_brief

    res = run_brief(_toy(tmp_path, processed_dir, [CHART, "S.charts_done(ctx)"]))
    assert res.ok, res.failed_cell or res.error
    folder = res.pdf.parent
    nb = nbformat.read(folder / "01_brief.ipynb", as_version=4)
    shown = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(shown) == 1 and painter.PENDING not in shown[0]["metadata"]
    assert (folder / "charts" / "二_研发.png").is_file()
    assert os.environ.get(painter.ENV) is None                      # the runner set it for its kernel only


def test_a_brief_that_leaves_a_placeholder_is_refused(tmp_path, processed_dir, beside):
    from qzlib.report.runner import run_brief

    req = _toy(tmp_path, processed_dir, [CHART])
    res = run_brief(req)
    assert not res.ok and "二_研发.png" in res.error and "S.charts_done(ctx)" in res.error
    assert not Path(req.destination).exists()                        # nothing published
